//! The real binary in a pseudo-terminal: rules raising an alert, views, the command palette,
//! the linear mode, and marks with bulk changes that ask first and can be undone.

mod support;

use support::Sandbox;
use support::pty::PtyApp;

fn envs(sb: &Sandbox) -> Vec<(&'static str, String)> {
    vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ]
}

#[test]
fn a_rule_raises_an_alert_and_views_narrow_the_inbox() {
    let sb = Sandbox::new();
    sb.write_config(
        r#"
[[rules]]
name = "billing"
keywords = ["billed", "subscription"]
tags = ["billing"]
alert = true

[[views]]
name = "Billing"
filter = "tag:billing"
"#,
    );
    let mut app = PtyApp::spawn(&["--demo"], &envs(&sb), 120, 40);
    app.wait_text("DEMO");
    app.wait_text("⚠ ALERT billing:");
    app.send("\x1b");
    app.wait_for("banner dismissed", |s| !s.contents().contains("⚠ ALERT"));

    app.send("1");
    // The header names the view; its query too when the line has room (counts of what the
    // view hides, which depend on the demo's clock, may take it).
    app.wait_text("view Billing");
    // Every row left is a billing one: its detail says so.
    app.wait_text("tags: billing");
    app.send("0");
    app.wait_for("the view is gone", |s| {
        !s.contents().contains("view Billing")
    });

    // The palette finds "toggle-sort" from a few letters.
    app.send(":");
    app.wait_text("Command — type to search");
    app.send("tgsrt");
    app.wait_text("toggle-sort");
    app.send("\r");
    app.wait_text("newest first");

    app.send("q");
    assert!(app.wait_exit());
}

#[test]
fn the_linear_mode_reads_as_plain_lines() {
    let sb = Sandbox::new();
    let mut app = PtyApp::spawn(&["--demo", "--linear"], &envs(&sb), 100, 30);
    app.wait_text("tinbox demo:");
    app.wait_for("items as lines", |s| {
        // Numbered by the item id commands take; the last line says the position too.
        s.contents().contains("> #") && s.contents().contains(", 1 of ")
    });
    let screen = app.screen();
    for c in ['│', '─', '┌', '└'] {
        assert!(!screen.contains(c), "box drawing in linear mode:\n{screen}");
    }
    assert!(screen.contains(", 1 of "), "{screen}");
    app.send("j");
    app.wait_text(", 2 of ");
    app.send("d");
    app.wait_text("→ done");
    app.send("q");
    assert!(app.wait_exit());
}

/// `mouse = true`: a click picks a row, the wheel moves the selection; without it the
/// terminal keeps the mouse (its own selection and copy).
#[test]
fn with_the_mouse_on_a_click_picks_a_row_and_the_wheel_moves() {
    let sb = Sandbox::new();
    sb.write_config("mouse = true\n");
    let mut app = PtyApp::spawn(&["--demo"], &envs(&sb), 120, 40);
    app.wait_text("DEMO");
    let marker_row = |s: &vt100::Screen| (0..40).find(|r| s.contents_between(*r, 0, *r, 1) == "▶");
    app.wait_for("items listed, the first selected", |s| {
        marker_row(s) == Some(2) && s.contents_between(5, 0, 5, 3).trim() != ""
    });
    // SGR mouse reports, 1-based: a left press and release on screen row 4 (the third item).
    app.send("\x1b[<0;10;5M\x1b[<0;10;5m");
    app.wait_for("the clicked row is selected", |s| marker_row(s) == Some(4));
    // Two turns of the wheel down over the list.
    app.send("\x1b[<65;10;8M\x1b[<65;10;8M");
    app.wait_for("the wheel moved it", |s| marker_row(s) == Some(6));
    app.send("q");
    assert!(app.wait_exit());
}

/// The header's "N open" count, on the screen's first line.
fn open_count(screen: &str) -> Option<usize> {
    let words: Vec<&str> = screen.lines().next()?.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "open")?;
    words.get(at.checked_sub(1)?)?.parse().ok()
}

/// The steps of the report (`V`, Esc, Enter, Esc, `j`, `d`) close one item, not all; a
/// change to all of them asks first, `n` changes nothing, `y` makes it and `U` undoes it;
/// `R` says what the sync brought.
#[test]
fn esc_clears_marks_a_bulk_change_asks_and_u_undoes_it() {
    let sb = Sandbox::new();
    let mut app = PtyApp::spawn(&["--demo"], &envs(&sb), 120, 40);
    app.wait_text("DEMO");
    app.wait_for("items listed", |s| {
        open_count(&s.contents()).is_some_and(|n| n >= 3)
    });
    let before = open_count(&app.screen()).expect("a count");

    app.send("V");
    app.wait_text("items marked");
    app.send("\x1b");
    app.wait_text("marks cleared");
    app.send("\r");
    app.send("\x1b");
    app.send("j");
    app.send("d");
    app.wait_text("→ done (U undoes)");
    let screen = app.screen();
    assert!(
        !screen.contains("Inbox zero") && !screen.contains("items done?"),
        "{screen}"
    );
    // New demo items may arrive meanwhile; never fewer than one closed.
    let after = open_count(&screen).expect("a count");
    assert!(
        after + 1 >= before && after >= 2,
        "{before} → {after}:\n{screen}"
    );

    app.send("V");
    app.wait_text("items marked");
    app.send("d");
    app.wait_text("items done?");
    let screen = app.screen();
    let asked: usize = screen
        .split("Mark ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count in the question:\n{screen}"));
    assert!(asked >= 2, "{screen}");
    app.send("n");
    app.wait_text("Nothing changed");
    app.send("d");
    app.wait_text("items done?");
    app.send("y");
    app.wait_text(&format!("{asked} items → done"));
    app.send("U");
    app.wait_text(&format!("Undid: {asked} items back to new"));
    app.wait_for("the items are back", |s| {
        open_count(&s.contents()).is_some_and(|n| n >= asked)
    });

    // R says what the sync did once the demo account answered.
    app.send("R");
    app.wait_text("Synced 1 account:");
    app.send("q");
    assert!(app.wait_exit());
}
