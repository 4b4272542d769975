//! `tinbox --demo --linear` in a pseudo-terminal at 80×24: every screen and prompt is
//! drawn as plain lines before it takes a key (a screen reader user hears each question).

mod support;

use support::Sandbox;
use support::pty::PtyApp;

/// The demo in linear mode at 80×24, once its first items are listed.
fn linear_demo(sb: &Sandbox) -> PtyApp {
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
        ("USER", "kim".to_string()),
    ];
    let mut app = PtyApp::spawn(&["--demo", "--linear"], &envs, 80, 24);
    app.wait_for("the selected item", |s| {
        s.contents().lines().any(|l| l.starts_with("> "))
    });
    app
}

/// The screen's last non-empty line.
fn last_line(app: &PtyApp) -> String {
    let screen = app.screen();
    screen
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .to_string()
}

#[test]
fn reply_and_send_says_recipient_audience_and_the_question() {
    let sb = Sandbox::new();
    let mut app = linear_demo(&sb);
    let first = app.screen();
    let selected = first
        .lines()
        .find(|l| l.starts_with("> #"))
        .unwrap_or("")
        .to_string();
    // "> #3 BREACHED 2h05m, Ruth Kessler: text…": the id, then who.
    let id: String = selected
        .trim_start_matches("> #")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let who = selected
        .split_once(", ")
        .and_then(|(_, rest)| rest.split_once(": "))
        .map(|(who, _)| who.to_string())
        .unwrap_or_default();
    assert!(!id.is_empty() && !who.is_empty(), "{first}");
    // The status line names the same id.
    app.wait_text(&format!("Item #{id}, 1 of "));

    app.send("r");
    // The demo's most urgent item is a public mention (Ruth Kessler's).
    app.wait_text(&format!("Reply to {who}, public mention on demo (#{id})."));
    app.send("Sorry about that, we are on it.");
    app.wait_text("we are on it.");
    app.send("\x13"); // ctrl-s
    app.wait_text("Send this reply? y sends, n keeps editing.");
    app.send("y");
    app.wait_text(&format!("Reply to #{id} sent."));
}

#[test]
fn quitting_with_a_draft_asks_in_words() {
    let sb = Sandbox::new();
    let mut app = linear_demo(&sb);
    app.send("r");
    app.wait_text("Reply to ");
    app.send("Half-written answer");
    app.wait_text("Half-written answer");
    app.send("\x1b");
    app.wait_for("the composer closed", |s| {
        s.contents().lines().any(|l| l.starts_with("> "))
    });
    app.send("q");
    app.wait_text("Quit tinbox? y quits, n stays.");
    // The demo's store is thrown away on quit: the question says so, not "next time".
    assert!(
        app.screen()
            .contains("1 unsent draft; the demo forgets everything"),
        "{}",
        app.screen()
    );
    app.send("n");
    app.wait_for("back in the inbox", |s| {
        !s.contents().contains("Quit tinbox?")
    });
    app.send("q");
    app.wait_text("Quit tinbox?");
    app.send("y");
    assert!(app.wait_exit());
}

#[test]
fn stats_follow_ups_and_outbox_are_drawn() {
    let sb = Sandbox::new();
    let mut app = linear_demo(&sb);
    app.send("S");
    app.wait_text("Response times, last 7 days");
    app.wait_text("All: ");
    app.send("\x1b");
    app.wait_for("stats closed", |s| !s.contents().contains("Response times"));
    app.send("F");
    app.wait_text("Follow-ups: 0 open.");
    app.wait_text("No open follow-ups.");
    app.send("\x1b");
    app.wait_for("follow-ups closed", |s| {
        !s.contents().contains("Follow-ups:")
    });
    app.send("o");
    app.wait_text("Outbox: 0 replies not yet confirmed.");
    app.send("\x1b");
    app.wait_for("outbox closed", |s| !s.contents().contains("Outbox:"));
    assert!(last_line(&app).starts_with("Item #"), "{}", app.screen());
}

#[test]
fn a_box_shows_each_character_and_backspace_before_the_next_key() {
    let sb = Sandbox::new();
    let mut app = linear_demo(&sb);
    app.send("s");
    app.wait_text("> until: 2h");
    let until =
        |v: &'static str| move |s: &vt100::Screen| s.contents().lines().any(|l| l.trim_end() == v);
    app.send("\x7f");
    app.wait_for("one backspace", until("> until: 2"));
    app.send("\x7f");
    app.wait_for("two backspaces", until("> until:"));
    app.send("4");
    app.wait_for("4", until("> until: 4"));
    app.send("h");
    app.wait_for("4h", until("> until: 4h"));
    app.send("\x1b");
    app.wait_for("the box closed", |s| !s.contents().contains("until:"));
}
