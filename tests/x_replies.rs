//! Replies and hiding on X with the real binary against the fake X server: a post is
//! answered with `POST /2/tweets` naming its id as `reply.in_reply_to_tweet_id`, a DM with a
//! DM to its sender, a reply too heavy for X's weighted count never leaves, `hide` hides a
//! reply (`PUT /2/tweets/:id/hidden`) and refuses a DM; and, through the library, a reply a
//! crash left unconfirmed is found among our recent posts instead of posted twice.

mod support;

use serde_json::{Value, json};
use support::fake_x::{FakeX, ME, TOKEN, connect_with, corpus};
use support::{Sandbox, stderr, stdout};

const CUSTOMER: &str = "750362064426721281";

fn synced() -> Option<(Sandbox, FakeX, Vec<Value>)> {
    let (sb, fake) = connect_with("", "brand-x")?;
    {
        let mut st = fake.state.lock().expect("state");
        st.expand = true;
        st.dm_sender = Some(CUSTOMER.into());
    }
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let items = sb.items();
    Some((sb, fake, items))
}

fn find<'a>(items: &'a [Value], kind: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["kind"] == kind)
        .unwrap_or_else(|| panic!("a {kind} among {items:?}"))
}

fn run(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb.run(args);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{args:?}: {all}");
    all
}

#[test]
fn a_post_is_answered_in_its_thread_and_a_dm_by_dm() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let kinds = |k: &str| items.iter().filter(|i| i["kind"] == k).count();
    assert_eq!((kinds("mention"), kinds("reply"), kinds("dm")), (16, 4, 4));
    let m = find(&items, "mention");
    assert_eq!(m["author"]["handle"], "@customer");
    run(
        &sb,
        &[
            "reply",
            m["id"].as_str().expect("id"),
            "--text",
            "We're on it ✅",
            "--yes",
        ],
    );
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(
        (writes[0].0.as_str(), writes[0].1.as_str()),
        ("POST", "/2/tweets")
    );
    assert_eq!(
        writes[0].2,
        json!({"text": "We're on it ✅", "reply": {"in_reply_to_tweet_id": m["remote_id"]}})
    );

    let dm = find(&items, "dm");
    assert_eq!(dm["visibility"], "direct");
    run(
        &sb,
        &[
            "reply",
            dm["id"].as_str().expect("id"),
            "--text",
            "Sent you a code",
            "--yes",
        ],
    );
    let writes = fake.writes();
    assert_eq!(writes.len(), 2, "{writes:?}");
    assert_eq!(
        writes[1].1,
        format!("/2/dm_conversations/with/{CUSTOMER}/messages"),
        "a DM answer stays a DM, to its sender"
    );
    assert_eq!(writes[1].2, json!({"text": "Sent you a code"}));
}

#[test]
fn a_reply_over_x_weighted_limit_never_leaves() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let m = find(&items, "mention");
    // 141 CJK characters weigh 282 of 280 (141 Latin letters would pass).
    let heavy = "漢".repeat(141);
    let out = sb.run(&[
        "reply",
        m["id"].as_str().expect("id"),
        "--text",
        &heavy,
        "--yes",
    ]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("280"), "{all}");
    assert!(fake.writes().is_empty(), "{:?}", fake.writes());
}

#[test]
fn hide_hides_a_reply_and_refuses_a_dm() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let r = find(&items, "reply");
    run(
        &sb,
        &[
            "hide",
            r["id"].as_str().expect("id"),
            "--reason",
            "spam",
            "--yes",
        ],
    );
    let dm = find(&items, "dm");
    let out = sb.run(&["hide", dm["id"].as_str().expect("id"), "--yes"]);
    assert!(!out.status.success());
    let writes = fake.writes();
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].0, "PUT");
    assert_eq!(
        writes[0].1,
        format!("/2/tweets/{}/hidden", r["remote_id"].as_str().expect("id"))
    );
    assert_eq!(writes[0].2, json!({"hidden": true}));
}

#[test]
fn a_reply_a_crash_left_unconfirmed_is_looked_up_not_posted_again() {
    use tinbox::channels::x::XChannel;
    use tinbox::channels::x::client::{Auth, Client};
    use tinbox::channels::{Channel, ReplyRequest};
    let Some(dir) = corpus() else {
        return;
    };
    let fake = FakeX::start(&dir);
    let tmp = tempfile::tempdir().expect("dir");
    let journal = tmp.path().join("brand-x.x-sending.json");
    let client = Client::new(
        &fake.api_url(),
        Auth::Bearer(TOKEN.into()),
        std::time::Duration::from_secs(10),
    )
    .expect("client");
    let x = XChannel::new(client, None, Some(journal.clone()));
    // The recorded search's first post stands for our reply that went out before the crash.
    let req = |key: &str, text: &str| ReplyRequest {
        in_reply_to: "1578516295611748353".into(),
        thread_root: "1578516295611748353".into(),
        visibility: tinbox::model::Visibility::Public,
        text: text.into(),
        idempotency_key: key.into(),
        queued_at: jiff::Timestamp::now(),
    };
    std::fs::write(&journal, r#"["key-1"]"#).expect("journal");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sent = rt
        .block_on(x.send_reply(&req("key-1", "2022-10-07 22:42:12.637103 tweepy")))
        .expect("found");
    assert_eq!(sent.remote_id, "1578516068309794817");
    assert!(fake.writes().is_empty(), "not posted again");
    let search = fake.server.requests();
    let q = search
        .iter()
        .find(|r| r.path == "/2/tweets/search/recent")
        .and_then(|r| r.param("query").map(String::from));
    assert_eq!(
        q.as_deref(),
        Some(format!("from:{ME} conversation_id:1578516295611748353").as_str())
    );
    // A fresh reply costs no search and is posted once.
    let n = fake.count("GET", "/2/tweets/search/recent");
    rt.block_on(x.send_reply(&req("key-2", "new")))
        .expect("sent");
    assert_eq!(fake.count("GET", "/2/tweets/search/recent"), n);
    assert_eq!(fake.writes().len(), 1);
    assert_eq!(std::fs::read_to_string(&journal).expect("journal"), "[]");
}
