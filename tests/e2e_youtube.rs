//! The inbox in a pseudo-terminal on a YouTube account served by the fake YouTube server: a
//! new comment shows up and is answered from the composer, under its top-level comment.

mod support;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use support::Sandbox;
use support::fake_youtube::connect_with;
use support::pty::PtyApp;

fn inbox(sb: &Sandbox) -> PtyApp {
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    PtyApp::spawn(&[], &envs, 120, 30)
}

#[test]
fn a_youtube_comment_is_answered_from_the_inbox() {
    // The default backfill: the recorded (years old) comments come in as done, except the
    // one served as ten minutes old.
    let Some((sb, fake)) = connect_with("") else {
        return;
    };
    let recent = Timestamp::now()
        .checked_sub(SignedDuration::from_mins(10))
        .expect("time")
        .to_string();
    fake.state
        .lock()
        .expect("state")
        .retime
        .push(("Ugy4OzAuz5uJuFt3FH54AaABAg".into(), recent));
    let mut app = inbox(&sb);
    app.wait_text("el bojo loco");
    app.wait_text("Please use CLS");
    app.send("r");
    app.wait_text("Reply to el bojo loco");
    app.send("Thanks, we passed it on!");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    assert_eq!(
        fake.inserts(),
        vec![
            json!({"snippet": {"parentId": "Ugy4OzAuz5uJuFt3FH54AaABAg", "textOriginal": "Thanks, we passed it on!"}})
        ]
    );
    app.send("q");
    assert!(app.wait_exit());
}
