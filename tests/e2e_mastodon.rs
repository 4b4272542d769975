//! The inbox in a pseudo-terminal on a Mastodon account served by the fake server.

mod support;

use support::Sandbox;
use support::fake_mastodon::{FakeMastodon, Fault, account, connect, status};
use support::pty::PtyApp;

fn inbox(sb: &Sandbox) -> PtyApp {
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    PtyApp::spawn(&[], &envs, 120, 30)
}

/// A fake server with one public mention from Kim Lee.
fn fake_with_kim() -> FakeMastodon {
    let fake = FakeMastodon::start();
    let kim = account("77", "kim@x.invalid", "Kim Lee");
    fake.mention(
        10,
        status(
            "110000000000000001",
            kim,
            "<p>@brand where is my order?</p>",
            "public",
            None,
        ),
    );
    fake
}

#[test]
fn mentions_show_up_and_a_reply_goes_out_in_the_thread() {
    let fake = fake_with_kim();
    let sb = connect(&fake);
    let mut app = inbox(&sb);
    app.wait_text("Kim Lee");
    app.wait_text("brand ✓");
    app.send("r");
    app.wait_text("Reply to Kim Lee · public");
    app.wait_text("@kim@x.invalid");
    app.send("It ships today.");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(posted.len(), 1);
    assert_eq!(
        posted[0]["content"],
        "<p>@kim@x.invalid It ships today.</p>"
    );
    assert_eq!(posted[0]["in_reply_to_id"], "110000000000000001");
    app.send("q");
    assert!(app.wait_exit());
}

#[test]
fn a_rate_limited_account_says_until_when() {
    let fake = FakeMastodon::start();
    let sb = connect(&fake);
    fake.fault(Fault::RateLimited);
    let mut app = inbox(&sb);
    app.wait_text("rate limited until");
    app.send("q");
    assert!(app.wait_exit());
}

#[test]
fn a_draft_survives_quitting_and_comes_back() {
    let fake = fake_with_kim();
    let sb = connect(&fake);
    let mut app = inbox(&sb);
    app.wait_text("Kim Lee");
    app.send("r");
    app.wait_text("Reply to Kim Lee");
    app.send("Checking with the warehouse");
    app.wait_text("Checking with the warehouse");
    app.send("\x1b");
    app.wait_text("kept");
    app.send("q");
    app.wait_text("Quit tinbox?");
    app.send("y");
    assert!(app.wait_exit());
    drop(app);

    let mut app = inbox(&sb);
    app.wait_text("Kim Lee");
    app.wait_text("1 draft");
    app.send("\r");
    app.wait_text("Draft (r to continue)");
    app.send("r");
    app.wait_text("Reply to Kim Lee");
    app.wait_for("the draft in the composer", |s| {
        s.contents()
            .contains("@kim@x.invalid Checking with the warehouse")
    });
    app.send("\x1b");
    app.send("q");
    app.wait_text("Quit tinbox?");
    app.send("y");
    assert!(app.wait_exit());
    assert_eq!(
        fake.server.count("POST", "/api/v1/statuses"),
        0,
        "nothing was sent"
    );
}

#[test]
fn sigterm_and_sighup_restore_the_terminal_and_keep_the_draft() {
    let fake = FakeMastodon::start();
    fake.mention(
        10,
        status(
            "110000000000000001",
            account("77", "kim@x.invalid", "Kim Lee"),
            "<p>@brand hello?</p>",
            "public",
            None,
        ),
    );
    let sb = connect(&fake);
    for signal in ["TERM", "HUP"] {
        let mut app = inbox(&sb);
        app.wait_text("Kim Lee");
        app.send("r");
        app.wait_text("Reply to Kim Lee");
        app.send(&format!(" typed before SIG{signal}"));
        app.wait_text(&format!("typed before SIG{signal}"));
        let pid = app.child.process_id().expect("pid");
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        assert!(app.wait_exit(), "SIG{signal}: a clean exit");
        let screen = app.parser.screen();
        assert!(
            !screen.alternate_screen() && !screen.hide_cursor(),
            "SIG{signal}: terminal restored"
        );
        drop(app);
        let shown = support::stdout(&sb.run(&["show", "1", "--json"]));
        assert!(
            shown.contains(&format!("typed before SIG{signal}")),
            "SIG{signal}: the draft was saved: {shown}"
        );
    }
}

#[test]
fn a_new_dm_notifies_through_the_terminal() {
    let fake = FakeMastodon::start();
    fake.mention(
        10,
        status(
            "110000000000000001",
            account("77", "kim@x.invalid", "Kim Lee"),
            "<p>@brand hello</p>",
            "public",
            None,
        ),
    );
    let sb = connect(&fake);
    let cfg = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    std::fs::write(
        &cfg,
        format!("{text}\n[notify]\ndm = \"osc9\"\nmention = \"off\"\n"),
    )
    .expect("write");
    let mut app = inbox(&sb);
    app.wait_text("Kim Lee");
    app.wait_text("brand ✓");
    fake.mention(
        11,
        status(
            "110000000000000002",
            account("78", "zoe", "Zoë"),
            "<p>charged twice \u{1b}]0;x\u{7}</p>",
            "direct",
            None,
        ),
    );
    app.send("R");
    app.wait_text("Zoë");
    let raw = String::from_utf8_lossy(&app.raw).to_string();
    assert!(
        raw.contains("\u{1b}]9;New DM from Zoë: charged twice"),
        "OSC 9 sent"
    );
    assert!(
        !raw.contains("]0;x"),
        "the post's own sequence never reaches the terminal"
    );
    app.send("q");
    assert!(app.wait_exit());
}

#[test]
fn the_inbox_reopens_where_it_was_left() {
    let fake = FakeMastodon::start();
    for (n, who) in ["Ana", "Ben", "Cleo"].iter().enumerate() {
        let n = n as u64;
        fake.mention(
            10 + n,
            status(
                &format!("11000000000000000{n}"),
                account(&format!("{}", 70 + n), &format!("{who}@x.invalid"), who),
                &format!("<p>question from {who}</p>"),
                "public",
                None,
            ),
        );
    }
    let sb = connect(&fake);
    let selected = |screen: &str| -> Option<String> {
        screen
            .lines()
            .find(|l| l.starts_with('▶'))
            .map(|l| l.to_string())
    };
    let mut app = inbox(&sb);
    app.wait_for("three rows", |s| {
        let c = s.contents();
        c.contains("Ana") && c.contains("Ben") && c.contains("Cleo")
    });
    // Move to the last row, remember which it is, and leave.
    app.send("G");
    app.wait_for("the last row selected", |s| {
        let c = s.contents();
        // List rows (the detail pane repeats the text, without the account).
        let rows: Vec<&str> = c
            .lines()
            .filter(|l| l.contains("brand ") && l.contains("question from"))
            .collect();
        rows.last().is_some_and(|l| l.contains('▶'))
    });
    let left_at = selected(&app.screen()).expect("a selected row");
    let who = ["Ana", "Ben", "Cleo"]
        .into_iter()
        .find(|w| left_at.contains(w))
        .expect("a name on the selected row");
    app.send("q");
    assert!(app.wait_exit());

    let mut again = inbox(&sb);
    again.wait_for("the same item selected", |s| {
        s.contents()
            .lines()
            .any(|l| l.starts_with('▶') && l.contains(who))
    });
    again.send("q");
    assert!(again.wait_exit());
}
