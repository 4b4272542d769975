//! Every entry box of `tinbox --demo` at 80×24 in a pseudo-terminal: each typed character,
//! a backspace and the editing keys show on screen before the next key is sent (issue 17:
//! the boxes showed typing only at the next tick). The boxes of `s`, `f`, `t`, `a`, `i`,
//! `l`, the one closing a follow-up, and the reply composer.

mod support;

use support::Sandbox;
use support::pty::PtyApp;

const CTRL_U: &str = "\x15";
const CTRL_S: &str = "\x13";
const BACKSPACE: &str = "\x7f";
const ESC: &str = "\x1b";

fn demo(sb: &Sandbox) -> PtyApp {
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
        ("USER", "kim".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 80, 24);
    app.wait_for("demo items", |s| s.contents().contains("new"));
    app
}

/// In the focused field `label`: clear it, then type `text` one key at a time, each seen
/// (with the cursor mark after it) before the next; then a backspace, seen too.
fn type_into_field(app: &mut PtyApp, label: &str, text: &str) {
    app.send(CTRL_U);
    app.wait_text(&format!("{label}: ▏"));
    let mut typed = String::new();
    for c in text.chars() {
        app.send(c.encode_utf8(&mut [0; 4]));
        typed.push(c);
        app.wait_text(&format!("{label}: {typed}▏"));
    }
    app.send(BACKSPACE);
    typed.pop();
    app.wait_text(&format!("{label}: {typed}▏"));
}

/// One box: open it with `keys`, wait for its title, type into `label`, close it with Esc.
fn check_box(app: &mut PtyApp, keys: &str, title: &str, label: &str) {
    app.send(keys);
    app.wait_text(title);
    type_into_field(app, label, "ab 1:2");
    app.send(ESC);
    let t = title.to_string();
    app.wait_for("the box closed", move |s| !s.contents().contains(&t));
}

#[test]
fn every_box_shows_each_key_before_the_next() {
    let sb = Sandbox::new();
    let mut app = demo(&sb);
    check_box(&mut app, "s", "Snooze #", "until");
    check_box(&mut app, "t", "Tags of #", "tags");
    check_box(&mut app, "a", "Assign #", "assignee");
    check_box(&mut app, "i", "Internal note on #", "note");
    check_box(&mut app, "l", "Filter the inbox", "filter");

    // The follow-up: the method is a choice (→ shows the next one), then the contact.
    app.send("f");
    app.wait_text("a case number is assigned");
    app.wait_text("method: ◂ phone ▸");
    app.send("\x1b[C"); // →
    app.wait_text("method: ◂ email ▸");
    app.send("\t");
    app.wait_text("contact: ▏");
    type_into_field(&mut app, "contact", "zoe@x.invalid");
    app.send(CTRL_S);
    app.wait_text("CASE-");

    // The box closing that follow-up.
    app.send("F");
    app.wait_text("due in");
    app.send("\r");
    app.wait_text("Close the follow-up of #");
    type_into_field(&mut app, "outcome", "called back");
    app.send(ESC);
    app.wait_for("the box closed", |s| {
        !s.contents().contains("Close the follow-up of")
    });
    app.send(ESC);
    app.wait_for("the follow-ups closed", |s| {
        !s.contents().contains("due in")
    });
    app.send("q");
    assert!(app.wait_exit());
}

/// The composer's text rows, inside its border (less the hint line), trimmed.
fn composer_rows(screen: &vt100::Screen) -> Vec<String> {
    screen
        .contents()
        .lines()
        .filter_map(|l| l.strip_prefix('│').and_then(|l| l.strip_suffix('│')))
        .filter(|l| !l.contains("ctrl-s send"))
        .map(|l| l.trim_end().to_string())
        .collect()
}

#[test]
fn the_composer_shows_each_key_and_wraps_a_long_reply() {
    let sb = Sandbox::new();
    let mut app = demo(&sb);
    app.send("r");
    app.wait_text("ctrl-e editor");
    app.send(CTRL_U);
    app.wait_for("an empty reply", |s| {
        composer_rows(s).iter().all(|r| r.is_empty())
    });
    let reply = "Thanks for waiting, we found order 4471 and a courier brings it tomorrow morning before noon, with a note from us. ";
    let mut typed = String::new();
    for c in reply.chars().chain(reply.chars()) {
        app.send(c.encode_utf8(&mut [0; 4]));
        typed.push(c);
        let want: Vec<String> = typed.split_whitespace().map(String::from).collect();
        app.wait_for(&format!("{typed:?} on screen"), move |s| {
            let shown: Vec<String> = composer_rows(s)
                .iter()
                .flat_map(|r| r.split_whitespace().map(String::from).collect::<Vec<_>>())
                .collect();
            shown == want
        });
    }
    // Backspace and ctrl-w show at once too.
    app.send(BACKSPACE);
    app.wait_for("the space removed", |s| {
        composer_rows(s).iter().any(|r| r.ends_with("us."))
    });
    app.send("\x17"); // ctrl-w
    app.wait_for("the word removed", |s| {
        composer_rows(s).iter().any(|r| r.ends_with("from"))
    });
    app.send(ESC);
    app.wait_text("kept");
    app.send("q");
    app.wait_text("Quit tinbox?");
    app.send("y");
    assert!(app.wait_exit());
}
