//! Hostile posts in the real inbox (pseudo-terminal) and in `list --json`: nothing a stranger
//! writes can drive the terminal (title, clipboard, screen, cursor), the layout holds, and a
//! 1 MB post does not stall the inbox.

mod support;

use support::fake_mastodon::{FakeMastodon, account, connect, status};
use support::pty::PtyApp;

fn hostile_fake() -> FakeMastodon {
    let fake = FakeMastodon::start();
    let name = "Evil\u{1b}]0;pwned-title\u{7} \u{202e}nimda";
    let html = concat!(
        "<p>hi \u{1b}]52;c;cm0gLXJmIH4=\u{7}copied",
        "\u{1b}[2J\u{1b}[10;10Hmoved\u{9b}31mred",
        "\u{1b}P+q544e\u{1b}\\dcs \u{202e}txt.exe",
        "</p>"
    );
    let zalgo = format!("<p>z{}z</p>", "\u{0336}".repeat(2000));
    let big = format!("<p>{}</p>", "long line of text ".repeat(60_000)); // ~1 MB
    fake.mention(
        10,
        status(
            "110000000000000001",
            account("66", "evil@x.invalid", name),
            html,
            "public",
            None,
        ),
    );
    fake.mention(
        11,
        status(
            "110000000000000002",
            account("67", "zal@x.invalid", "田中 Zal"),
            &zalgo,
            "public",
            None,
        ),
    );
    fake.mention(
        12,
        status(
            "110000000000000003",
            account("68", "big@x.invalid", "Big"),
            &big,
            "public",
            None,
        ),
    );
    fake
}

#[test]
fn hostile_posts_cannot_drive_the_terminal_and_the_layout_holds() {
    let fake = hostile_fake();
    let sb = connect(&fake);
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&[], &envs, 100, 30);
    app.wait_text("Big");
    app.wait_text("田中 Zal");
    // Open every item, the 1 MB one included, and come back.
    for _ in 0..3 {
        app.send("\r");
        app.send("\x1b");
        app.send("j");
    }
    app.send("g\r");
    app.wait_text("copied");
    let screen = app.screen();
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[0].starts_with(" tinbox "), "header intact:\n{screen}");
    assert!(
        screen
            .lines()
            .last()
            .is_some_and(|l| l.trim_end().ends_with("? help")),
        "status bar intact:\n{screen}"
    );
    assert!(
        !screen.contains("pwned-title"),
        "an OSC payload shown as text:\n{screen}"
    );
    app.send("q");
    assert!(app.wait_exit(), "tinbox stays responsive and exits");

    let raw = String::from_utf8_lossy(&app.raw).to_string();
    for bad in [
        "]0;pwned",
        "]52;",
        "cm0gLXJmIH4=",
        "[10;10H",
        "P+q",
        "\u{202e}",
        "\u{9b}",
    ] {
        assert!(!raw.contains(bad), "{bad:?} reached the terminal");
    }
    let zalgo_run = "\u{0336}".repeat(tinbox::sanitize::MAX_ZERO_WIDTH_RUN + 1);
    assert!(
        !raw.contains(&zalgo_run),
        "a combining flood reached the terminal"
    );

    // The same posts through `list --json` and `show --json`: no control characters.
    let out = sb.run(&["list", "--json"]);
    let json = support::stdout(&out);
    assert!(
        json.contains("copied") && json.contains("Evil"),
        "{}",
        &json[..json.len().min(400)]
    );
    assert!(
        !json.contains('\u{1b}') && !json.contains("\\u001b"),
        "ESC in --json"
    );
    assert!(
        !json.contains('\u{202e}') && !json.contains("\\u202e"),
        "bidi override in --json"
    );
}
