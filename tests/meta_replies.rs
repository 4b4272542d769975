//! Replies on Facebook and Instagram with the real binary against the fake Graph server:
//! the right endpoints and ids for comments and DMs, Meta's reply window (the tag between
//! 24 h and 7 days, a local refusal after), the window in `list --json`, and no second post
//! when our reply is already in the thread.

mod support;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use support::fake_graph::{FakeGraph, PAGE, connected};
use support::{Sandbox, stderr, stdout};

fn graph_time(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S+0000").to_string()
}

fn ago(hours: i64) -> Timestamp {
    Timestamp::now()
        .checked_sub(SignedDuration::from_hours(hours))
        .expect("time")
}

/// Connected and synced, the recorded DM dated `dm_hours_ago`.
fn synced(dm_hours_ago: i64) -> Option<(Sandbox, FakeGraph, Vec<Value>)> {
    let (sb, fake) = connected()?;
    fake.state.lock().expect("state").message_time = Some(graph_time(ago(dm_hours_ago)));
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let items = sb.items();
    Some((sb, fake, items))
}

fn find(items: &[Value], f: impl Fn(&Value) -> bool) -> &Value {
    items.iter().find(|i| f(i)).expect("an item like that")
}

fn reply(sb: &Sandbox, id: &Value, text: &str) -> std::process::Output {
    let id = id.as_str().expect("id");
    sb.run(&["reply", id, "--text", text, "--yes"])
}

fn form(fake: &FakeGraph, path: &str) -> Vec<(String, String)> {
    let posts = fake.posts();
    assert_eq!(posts.len(), 1, "one POST: {posts:?}");
    assert_eq!(posts[0].0, path);
    posts[0].1.clone()
}

fn field<'a>(f: &'a [(String, String)], k: &str) -> Option<&'a str> {
    f.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[test]
fn comment_replies_go_under_the_top_level_comment() {
    let Some((sb, fake, items)) = synced(2) else {
        return;
    };
    // A reply in a `filter=stream` page: its permalink names the top-level comment.
    let fb = find(&items, |i| {
        i["account"] == "brand-fb"
            && i["url"]
                .as_str()
                .is_some_and(|u| u.contains("reply_comment_id="))
    });
    let url = url::Url::parse(fb["url"].as_str().expect("url")).expect("permalink");
    let post = url.path_segments().expect("path").nth(2).expect("post id");
    let top = url
        .query_pairs()
        .find(|(k, _)| k == "comment_id")
        .expect("comment_id")
        .1
        .to_string();
    let out = reply(&sb, &fb["id"], "Thanks, we are on it");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, &format!("{post}_{top}/comments"));
    assert_eq!(field(&f, "message"), Some("Thanks, we are on it"));
    assert_eq!(
        fb["timer"]["window_closes_at"],
        Value::Null,
        "no window on comments"
    );

    // Instagram: a nested reply is answered under its parent comment.
    fake.state.lock().expect("state").posts.clear();
    let ig = find(&items, |i| i["remote_id"] == "17850033184810160");
    assert_eq!(ig["kind"], "comment");
    let out = reply(&sb, &ig["id"], "Glad you like it");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, "17862949873623188/replies");
    assert_eq!(field(&f, "message"), Some("Glad you like it"));
}

#[test]
fn a_dm_inside_24_hours_is_a_response_with_its_window_shown() {
    let Some((sb, fake, items)) = synced(2) else {
        return;
    };
    let dm = find(&items, |i| i["account"] == "brand-fb" && i["kind"] == "dm");
    let created: Timestamp = dm["created_at"].as_str().expect("t").parse().expect("t");
    let closes: Timestamp = dm["timer"]["window_closes_at"]
        .as_str()
        .expect("window_closes_at")
        .parse()
        .expect("t");
    assert_eq!(
        closes.duration_since(created),
        SignedDuration::from_hours(24)
    );
    let out = reply(&sb, &dm["id"], "Hello! How can we help?");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, &format!("{PAGE}/messages"));
    assert_eq!(field(&f, "messaging_type"), Some("RESPONSE"));
    assert_eq!(field(&f, "tag"), None);
    let recipient: Value =
        serde_json::from_str(field(&f, "recipient").expect("recipient")).expect("json");
    assert_eq!(recipient, json!({"id": "2711636948859886"}));
    let message: Value =
        serde_json::from_str(field(&f, "message").expect("message")).expect("json");
    assert_eq!(message["text"], "Hello! How can we help?");
}

/// An Instagram DM (the linked Page's `platform=instagram` conversation) is answered
/// through the Page's messages edge, like Messenger's, with its own window.
#[test]
fn an_instagram_dm_is_answered_through_the_linked_page() {
    let Some((sb, fake, items)) = synced(30) else {
        return;
    };
    let dm = find(&items, |i| i["account"] == "brand-ig" && i["kind"] == "dm");
    assert!(dm["timer"]["window_closes_at"].as_str().is_some(), "{dm}");
    let out = reply(&sb, &dm["id"], "Hi! Sending the tracking link now.");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, &format!("{PAGE}/messages"));
    // 30 hours after the customer's message: past a day, inside the week.
    assert_eq!(field(&f, "messaging_type"), Some("MESSAGE_TAG"));
    assert_eq!(field(&f, "tag"), Some("HUMAN_AGENT"));
    let recipient: Value =
        serde_json::from_str(field(&f, "recipient").expect("recipient")).expect("json");
    assert_eq!(recipient, json!({"id": "2711636948859886"}));
}

#[test]
fn between_a_day_and_a_week_the_human_agent_tag_goes_with_it() {
    let Some((sb, fake, items)) = synced(72) else {
        return;
    };
    let dm = find(&items, |i| i["kind"] == "dm");
    let out = reply(&sb, &dm["id"], "Sorry for the wait");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, &format!("{PAGE}/messages"));
    assert_eq!(field(&f, "messaging_type"), Some("MESSAGE_TAG"));
    assert_eq!(field(&f, "tag"), Some("HUMAN_AGENT"));
}

/// The window runs from the customer's last message in the conversation: answering an
/// older message of a conversation the customer wrote in two hours ago is a plain response.
#[test]
fn the_window_runs_from_the_customers_last_message_in_the_conversation() {
    let Some((sb, fake, items)) = synced(72) else {
        return;
    };
    let dm = find(&items, |i| i["kind"] == "dm" && i["account"] == "brand-fb");
    for conv in ["t_587956915396498", "t_233782918546745"] {
        fake.state.lock().expect("state").existing.push((
            format!("{conv}/messages"),
            json!({"id": "m_newer", "message": "Still there?", "created_time": graph_time(ago(2)),
                   "from": {"id": "2711636948859886", "name": "Kim"}}),
        ));
    }
    let out = reply(&sb, &dm["id"], "Yes, sorry for the wait");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let f = form(&fake, &format!("{PAGE}/messages"));
    assert_eq!(field(&f, "messaging_type"), Some("RESPONSE"));
    assert_eq!(field(&f, "tag"), None);
}

#[test]
fn after_a_week_the_reply_is_refused_before_any_network_call() {
    let Some((sb, fake, items)) = synced(8 * 24) else {
        return;
    };
    let dm = find(&items, |i| i["kind"] == "dm");
    let before = fake.server.requests().len();
    let out = reply(&sb, &dm["id"], "Hello?");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("reply window") && err.contains("followup"),
        "says why and what to do: {err}"
    );
    assert_eq!(
        fake.server.requests().len(),
        before,
        "nothing reached Graph"
    );
    assert!(fake.posts().is_empty());
}

#[test]
fn our_reply_already_in_the_thread_is_not_posted_again() {
    let Some((sb, fake, items)) = synced(2) else {
        return;
    };
    let ig = find(&items, |i| i["remote_id"] == "17850033184810160");
    // As if a crash came after Graph took the reply but before tinbox recorded it.
    fake.state.lock().expect("state").existing.push((
        "17862949873623188/replies".into(),
        json!({"id": "17999999999999999", "text": "Once only", "timestamp": graph_time(Timestamp::now()),
               "user": {"id": support::fake_graph::IG}, "username": "brand"}),
    ));
    let out = reply(&sb, &ig["id"], "Once only");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("17999999999999999"),
        "{}",
        stdout(&out)
    );
    assert!(fake.posts().is_empty(), "not posted twice");
}
