//! The inbox in a pseudo-terminal on an X account served by the fake X server: the mentions
//! show up with the month's reads in the status bar, and one is answered from the composer
//! as a reply to that post.

mod support;

use serde_json::json;
use support::Sandbox;
use support::fake_x::connect_with;
use support::pty::PtyApp;

fn inbox(sb: &Sandbox) -> PtyApp {
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    PtyApp::spawn(&[], &envs, 140, 30)
}

#[test]
fn an_x_mention_is_answered_from_the_inbox() {
    let Some((sb, fake)) = connect_with("", "brand-x") else {
        return;
    };
    fake.state.lock().expect("state").expand = true;
    let mut app = inbox(&sb);
    app.wait_text("@customer");
    // The poller's report after the first poll: every post and DM event read.
    app.wait_text("24 reads this month");
    app.send("r");
    app.wait_text("Reply to A Customer");
    app.wait_text("0/280");
    app.send("Thanks, looking into it");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].1, "/2/tweets");
    assert_eq!(writes[0].2["text"], json!("Thanks, looking into it"));
    let parent = writes[0].2["reply"]["in_reply_to_tweet_id"]
        .as_str()
        .expect("parent");
    // The answered item (no longer open) is the parent.
    let out = sb.run(&["list", "--json", "--all"]);
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let answered = all
        .iter()
        .find(|i| i["remote_id"] == parent)
        .expect("the parent");
    assert_eq!(answered["kind"], "mention");
    app.send("q");
    assert!(app.wait_exit());
}
