//! The real binary with `--demo` in a pseudo-terminal: what a new user sees first.

mod support;

use support::Sandbox;
use support::pty::PtyApp;

/// `45s`, `12m`, `1h05m`, `2d`: the timer texts of the inbox.
fn timer_like(word: &str) -> bool {
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if let Some((h, m)) = word.split_once('h') {
        return digits(h) && m.len() == 3 && m.ends_with('m') && digits(&m[..2]);
    }
    word.len() > 1 && word.ends_with(['s', 'm', 'd']) && digits(&word[..word.len() - 1])
}

/// How many timer texts are on the screen.
fn timers(screen: &str) -> usize {
    screen
        .split(|c: char| c.is_whitespace() || c == '│')
        .filter(|w| timer_like(w))
        .count()
}

#[test]
fn demo_inbox_help_done_and_quit() {
    let sb = Sandbox::new();
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 120, 40);

    app.wait_text("DEMO");
    // Rows with live timers appear once the first poll lands.
    app.wait_for("rows with timers", |s| timers(&s.contents()) >= 5);
    assert!(
        app.parser.screen().alternate_screen(),
        "the inbox runs on the alternate screen"
    );

    app.send("?");
    // The help's title, not its last rows: a longer action list scrolls those off 40 rows.
    app.wait_text("Keys — ?/Esc/q close");
    app.send("\x1b");
    app.wait_for("help closed", |s| {
        !s.contents().contains("Keys — ?/Esc/q close")
    });

    app.send("d");
    app.wait_text("→ done");

    app.send("q");
    assert!(app.wait_exit(), "tinbox exits with success");
    let screen = app.parser.screen();
    assert!(!screen.alternate_screen(), "the alternate screen is left");
    assert!(!screen.hide_cursor(), "the cursor is visible again");
    let raw = String::from_utf8_lossy(&app.raw);
    assert!(
        raw.contains("\x1b[?2004l"),
        "bracketed paste is switched off"
    );
}

#[test]
fn demo_reply_round_trip_and_draft_kept_on_quit() {
    let sb = Sandbox::new();
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 100, 30);
    app.wait_for("rows", |s| {
        s.contents().contains("breached") || s.contents().lines().count() > 10
    });
    app.wait_for("demo items", |s| timers(&s.contents()) >= 3);

    // Reply to the most urgent item.
    app.send("r");
    app.wait_text("ctrl-s");
    app.send("Sorry about that, we are on it.");
    app.wait_text("we are on it");
    app.send("\x13"); // ctrl-s
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");

    // Start another reply and leave it as a draft: quitting asks first.
    app.send("r");
    app.wait_text("ctrl-s");
    app.send("Half-written answer");
    app.send("\x1b");
    app.wait_text("kept");
    app.send("q");
    app.wait_text("Quit tinbox?");
    app.send("y");
    assert!(app.wait_exit());
}

#[test]
fn take_an_item_offline_and_close_it_from_the_inbox() {
    let sb = Sandbox::new();
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
        ("USER", "kim".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 110, 30);
    app.wait_for("rows", |s| timers(&s.contents()) >= 5);
    app.send("f");
    app.wait_text("a case number is assigned");
    app.send("\t+44 20 7946 0000");
    app.wait_text("+44 20 7946 0000");
    app.send("\x13");
    app.wait_text("CASE-00001");
    app.send("F");
    app.wait_text("Follow-ups");
    app.wait_text("due in");
    app.send("\r");
    app.wait_text("Close the follow-up");
    app.send("\r\r");
    app.wait_text("CASE-00001 closed: resolved");
    app.wait_text("No open follow-ups");
    app.send("\x1b");
    app.send("q");
    assert!(app.wait_exit());
}

#[test]
fn keys_rebound_in_config_work_and_show_in_help() {
    let sb = Sandbox::new();
    sb.write_config("[keys]\n\"ctrl-x\" = \"quit\"\nq = \"none\"\n");
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo"], &envs, 120, 40);
    app.wait_for("rows", |s| timers(&s.contents()) >= 5);
    app.send("?");
    // The quit row is the help's last: below the fold at 40 rows, so scroll to the end.
    app.wait_text("more below");
    app.send("G");
    app.wait_for("ctrl-x in help", |s| {
        s.contents()
            .lines()
            .any(|l| l.contains("ctrl-x") && l.contains("quit"))
    });
    app.send("\x1b");
    app.send("q");
    app.send("?");
    app.wait_text("show this help");
    app.send("\x1b");
    app.wait_for("help closed", |s| !s.contents().contains("show this help"));
    app.send("\x18"); // ctrl-x
    assert!(app.wait_exit(), "ctrl-x quits; q no longer does");
}
