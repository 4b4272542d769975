//! The inbox in a pseudo-terminal on an Instagram account served by the fake Graph server:
//! a new comment shows up and is answered under itself, at the replies endpoint.

mod support;

use jiff::{SignedDuration, Timestamp};
use support::Sandbox;
use support::fake_graph::connect_with;
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
fn an_instagram_comment_is_answered_from_the_inbox() {
    // The default backfill: the recorded (years old) comments come in as done, except the
    // one served as ten minutes old.
    let Some((sb, fake)) = connect_with("", false) else {
        return;
    };
    let recent = Timestamp::now()
        .checked_sub(SignedDuration::from_mins(10))
        .expect("time")
        .strftime("%Y-%m-%dT%H:%M:%S+0000")
        .to_string();
    fake.state
        .lock()
        .expect("state")
        .retime
        .push(("17844360649889631".into(), recent));
    let mut app = inbox(&sb);
    app.wait_text("@ikroskun");
    app.wait_text("eight");
    app.send("r");
    app.wait_text("Reply to @ikroskun");
    app.send("Thanks for counting with us!");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    let posts = fake.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].0, "17844360649889631/replies");
    assert!(
        posts[0]
            .1
            .contains(&("message".into(), "Thanks for counting with us!".into()))
    );
    app.send("q");
    assert!(app.wait_exit());
}
