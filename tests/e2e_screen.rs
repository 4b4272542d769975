//! The real binary in a pseudo-terminal at 80×24 without colour: the list says urgency in
//! words, the kind and the id; the header counts what a view hides; the footer follows the
//! mode; search counts its matches.

mod support;

use support::Sandbox;
use support::pty::PtyApp;

#[test]
fn the_list_and_the_lines_around_it_say_more_without_colour() {
    let sb = Sandbox::new();
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 80, 24);
    // Urgency as a word, and the column header of the id and the kind.
    app.wait_for("a breached row and the columns", |s| {
        let c = s.contents();
        c.contains("BREACHED") && c.contains("# KIND")
    });
    // The key hints of the list, above the status bar.
    let footer = |s: &vt100::Screen| s.contents_between(22, 0, 22, 80);
    app.wait_for("the list's key hints", |s| {
        let f = footer(s);
        f.contains("r reply") && f.contains("d done")
    });
    // The DMs view hides the breached mentions: the header still counts them.
    app.send("1");
    app.wait_for("breached elsewhere, the view named", |s| {
        let top = s.contents_between(0, 0, 0, 80);
        top.contains("breached elsewhere") && top.contains("view DMs")
    });
    app.wait_for("a DM row", |s| s.contents().contains(" DM "));
    app.send("0");
    app.wait_for("the view gone", |s| {
        !s.contents_between(0, 0, 0, 80).contains("elsewhere")
    });
    // Search counts its matches; its footer says how to keep or leave it.
    app.send("/northwind");
    app.wait_for("a match count", |s| {
        let c = s.contents();
        c.contains("/northwind · ") && c.contains(" of ")
    });
    app.wait_for("the search's key hints", |s| {
        footer(s).contains("Enter keep this match")
    });
    app.send("\r");
    // A box's hints follow it: snooze.
    app.send("s");
    app.wait_for("the snooze box's hints", |s| {
        footer(s).contains("Esc cancel")
    });
    app.send("\x1b");
    app.wait_for("back to the list's hints", |s| {
        footer(s).contains("r reply")
    });
    app.send("q");
    assert!(app.wait_exit());
}
