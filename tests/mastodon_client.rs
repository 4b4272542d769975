//! The Mastodon client against a fake Mastodon server on loopback (real HTTP).

mod support;

use std::collections::HashSet;

use serde_json::json;
use support::fake_mastodon::{FakeMastodon, Fault, GOOD_CODE, ME, TOKEN, account, status};
use tinbox::channels::mastodon::{MastodonChannel, MastodonOptions, oauth};
use tinbox::channels::{Channel, ChannelError, ReplyRequest};
use tinbox::model::{Kind, Visibility};

fn init() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn client(fake: &FakeMastodon) -> MastodonChannel {
    MastodonChannel::new(&fake.url(), TOKEN.into(), MastodonOptions::default()).expect("client")
}

fn kim() -> serde_json::Value {
    account("77", "kim@x.invalid", "Kim")
}

#[tokio::test]
async fn mentions_and_dms_are_normalized_and_odd_entries_skipped() {
    init();
    let fake = FakeMastodon::start();
    let mut rich = status(
        "110000000000000001",
        kim(),
        r#"<p><span class="h-card"><a href="https://b.invalid/@brand" class="u-url mention">@<span>brand</span></a></span> order late, see <a href="https://example.com/track/123"><span class="invisible">https://</span><span class="ellipsis">example.com/track</span><span class="invisible">/123</span></a></p>"#,
        "public",
        None,
    );
    rich["spoiler_text"] = json!("delivery rant");
    rich["media_attachments"] =
        json!([{"id": "5", "type": "image", "description": "a crushed box"}]);
    fake.mention(10, rich);
    let dm = status(
        "110000000000000002",
        account("78", "zoe", "Zoë"),
        "<p>charged twice</p>",
        "direct",
        None,
    );
    fake.mention(11, dm.clone());
    fake.mention(
        12,
        status(
            "110000000000000003",
            kim(),
            "<p>@brand also this</p>",
            "public",
            Some("109"),
        ),
    );
    // Things a page may also hold: no status at all, status null, types we do not ask for.
    fake.notification(json!({"id": "13", "type": "follow", "account": kim()}));
    fake.notification(json!({"id": "14", "type": "mention", "account": kim(), "status": null}));
    fake.notification(
        json!({"id": "15", "type": "moderation_warning", "moderation_warning": {"action": "none"}}),
    );
    fake.notification(json!({"id": "16", "type": "mention"}));
    fake.with(|s| {
        s.conversations
            .push(json!({"id": "c1", "unread": true, "accounts": [], "last_status": dm}))
    });
    fake.with(|s| {
        s.conversations
            .push(json!({"id": "c2", "unread": false, "accounts": [], "last_status": null}))
    });

    let out = client(&fake).poll(None).await.expect("poll");
    assert_eq!(out.items.len(), 3, "{:#?}", out.items);
    let by_id = |id: &str| out.items.iter().find(|i| i.remote_id == id).expect(id);
    let a = by_id("110000000000000001");
    assert_eq!(a.kind, Kind::Mention);
    assert_eq!(a.author.handle, "@kim@x.invalid");
    assert_eq!(
        a.text,
        "CW: delivery rant\n@brand order late, see example.com/track\n[image: a crushed box]"
    );
    let d = by_id("110000000000000002");
    assert_eq!((d.kind, d.visibility), (Kind::Dm, Visibility::Direct));
    assert_eq!(
        d.author.handle, "@zoe@127.0.0.1",
        "local accounts get the server's host"
    );
    let r = by_id("110000000000000003");
    assert_eq!(
        (r.kind, r.in_reply_to.as_deref()),
        (Kind::Reply, Some("109"))
    );
    let ids: HashSet<_> = out.items.iter().map(|i| &i.remote_id).collect();
    assert_eq!(
        ids.len(),
        3,
        "a DM seen as notification and conversation is one item"
    );
    assert!(
        out.cursor.expect("cursor").contains("\"16\""),
        "cursor at the newest notification"
    );
    let types = fake
        .server
        .requests()
        .iter()
        .find(|r| r.path == "/api/v1/notifications")
        .expect("asked")
        .params("types[]")
        .join(",");
    assert_eq!(types, "mention");
}

#[tokio::test]
async fn a_gap_after_downtime_is_caught_up_through_link_headers() {
    init();
    let fake = FakeMastodon::start();
    fake.mention(1, status("500", kim(), "<p>first</p>", "public", None));
    let ch = client(&fake);
    let first = ch.poll(None).await.expect("poll");
    assert_eq!(first.items.len(), 1);
    for n in 2..=201u64 {
        fake.mention(
            n,
            status(
                &(1000 + n).to_string(),
                kim(),
                &format!("<p>n{n}</p>"),
                "public",
                None,
            ),
        );
    }
    let before = fake.server.count("GET", "/api/v1/notifications");
    let out = ch.poll(first.cursor.as_deref()).await.expect("catch up");
    let ids: HashSet<_> = out.items.iter().map(|i| i.remote_id.clone()).collect();
    assert_eq!(
        (out.items.len(), ids.len()),
        (200, 200),
        "every one of the 200, none twice"
    );
    assert!((1002..=1201).all(|n| ids.contains(&n.to_string())));
    let pages = fake.server.count("GET", "/api/v1/notifications") - before;
    assert_eq!(pages, 6, "five full pages of 40 and one empty");
    let again = ch.poll(out.cursor.as_deref()).await.expect("nothing new");
    assert!(again.items.is_empty());
}

#[tokio::test]
async fn rate_limits_and_errors_map_to_what_the_poller_needs() {
    init();
    let fake = FakeMastodon::start();
    let ch = client(&fake);
    let cursor = ch.poll(None).await.expect("healthy first").cursor;
    let cursor = cursor.as_deref();
    fake.fault(Fault::Status(503));
    let r = ch.poll(cursor).await;
    assert!(
        matches!(r, Err(ChannelError::Server { status: 503, .. })),
        "{r:?}"
    );
    fake.fault(Fault::Malformed);
    assert!(matches!(
        ch.poll(cursor).await,
        Err(ChannelError::Malformed(_))
    ));
    let bad = MastodonChannel::new(&fake.url(), "wrong".into(), MastodonOptions::default())
        .expect("client");
    match bad.poll(None).await {
        Err(ChannelError::Auth(m)) => assert!(m.contains("invalid") && !m.contains("wrong")),
        other => panic!("expected Auth, got {other:?}"),
    }
    fake.fault(Fault::RateLimited);
    let until = match ch.poll(cursor).await {
        Err(ChannelError::RateLimited { until }) => until,
        other => panic!("expected RateLimited, got {other:?}"),
    };
    assert_eq!(until.to_string(), "2099-01-01T00:00:00Z");
    // Until the reset, no request is sent at all.
    let before = fake.server.requests().len();
    for _ in 0..5 {
        assert!(matches!(
            ch.poll(cursor).await,
            Err(ChannelError::RateLimited { .. })
        ));
    }
    assert_eq!(
        fake.server.requests().len(),
        before,
        "a 429 storm is waited out without extra requests"
    );
}

#[tokio::test]
async fn a_reply_keeps_visibility_and_is_posted_once_despite_a_503() {
    init();
    let fake = FakeMastodon::start();
    let ch = client(&fake);
    let req = ReplyRequest {
        in_reply_to: "110000000000000002".into(),
        thread_root: "110000000000000002".into(),
        visibility: Visibility::Direct,
        text: "Refund on its way — sorry!".into(),
        idempotency_key: "tinbox-7-abc".into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    fake.fault_on("POST", "/api/v1/statuses", Fault::Status(503));
    assert!(
        ch.send_reply(&req)
            .await
            .expect_err("first attempt fails")
            .is_transient()
    );
    let sent = ch.send_reply(&req).await.expect("retry succeeds");
    // The answer was lost: the same key again returns the same status, not a second one.
    let again = ch.send_reply(&req).await.expect("same key");
    assert_eq!(sent.remote_id, again.remote_id);
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(posted.len(), 1, "exactly one status on the server");
    assert_eq!(posted[0]["visibility"], "direct");
    assert_eq!(posted[0]["in_reply_to_id"], "110000000000000002");
    let posts: Vec<_> = fake
        .server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/v1/statuses")
        .collect();
    assert_eq!(posts.len(), 3);
    assert!(
        posts
            .iter()
            .all(|r| r.header("idempotency-key") == Some("tinbox-7-abc"))
    );
}

#[tokio::test]
async fn the_server_length_limit_is_checked_before_sending() {
    init();
    let fake = FakeMastodon::start();
    fake.with(|s| s.max_chars = 100);
    let ch = client(&fake);
    ch.poll(None).await.expect("learns the limit");
    assert_eq!(ch.capabilities().max_len, Some(100));
    let req = ReplyRequest {
        in_reply_to: "1".into(),
        thread_root: "1".into(),
        visibility: Visibility::Public,
        text: "é".repeat(101),
        idempotency_key: "k".into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    let e = ch.send_reply(&req).await.expect_err("too long");
    assert!(
        e.to_string().contains("101") && e.to_string().contains("100"),
        "{e}"
    );
    assert_eq!(fake.server.count("POST", "/api/v1/statuses"), 0);
}

#[tokio::test]
async fn a_long_link_costs_what_the_server_says_not_its_length() {
    init();
    let fake = FakeMastodon::start();
    fake.with(|s| s.max_chars = 100);
    let ch = client(&fake);
    ch.poll(None).await.expect("learns the limits");
    let link = format!("https://shop.example/orders/{}", "a".repeat(200));
    let text = format!("{} {link}", "x".repeat(60));
    // The composer counts as the server does: 60 + the space + 23 for the link.
    assert_eq!(ch.capabilities().length_unit.count(&text), 84);
    let req = ReplyRequest {
        in_reply_to: "1".into(),
        thread_root: "1".into(),
        visibility: Visibility::Public,
        text,
        idempotency_key: "k-link".into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    ch.send_reply(&req)
        .await
        .expect("a 260-character reply that counts 84");
    assert_eq!(fake.server.count("POST", "/api/v1/statuses"), 1);
}

#[tokio::test]
async fn a_reply_keeps_the_content_warning_of_the_post_it_answers() {
    init();
    let fake = FakeMastodon::start();
    let mut st = status(
        "31",
        kim(),
        "<p>my order 5521 and address</p>",
        "direct",
        None,
    );
    st["spoiler_text"] = json!("order details");
    fake.with(|s| {
        s.statuses.insert("31".into(), st);
    });
    let ch = client(&fake);
    let reply = |id: &str, key: &str| ReplyRequest {
        in_reply_to: id.into(),
        thread_root: id.into(),
        visibility: Visibility::Direct,
        text: "@kim@x.invalid we are on it".into(),
        idempotency_key: key.into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    ch.send_reply(&reply("31", "k-cw")).await.expect("sent");
    // A post without a warning (or one that cannot be read) gets none.
    ch.send_reply(&reply("404", "k-none")).await.expect("sent");
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(posted[0]["spoiler_text"], "order details");
    assert_eq!(posted[0]["visibility"], "direct");
    assert_eq!(posted[1]["spoiler_text"], "");
}

#[tokio::test]
async fn thread_context_marks_our_replies() {
    init();
    let fake = FakeMastodon::start();
    fake.with(|s| {
        s.statuses.insert(
            "1".into(),
            status("1", kim(), "<p>root</p>", "public", None),
        );
        s.statuses.insert(
            "2".into(),
            status(
                "2",
                account(ME, "brand", "Brand"),
                "<p>ours</p>",
                "public",
                Some("1"),
            ),
        );
        s.statuses.insert(
            "3".into(),
            status("3", kim(), "<p>again</p>", "public", Some("2")),
        );
    });
    let thread = client(&fake).fetch_thread("3").await.expect("thread");
    let texts: Vec<_> = thread
        .iter()
        .map(|e| (e.text.as_str(), e.outbound))
        .collect();
    assert_eq!(
        texts,
        vec![("root", false), ("ours", true), ("again", false)]
    );
}

#[tokio::test]
async fn oauth_out_of_band_flow() {
    init();
    let fake = FakeMastodon::start();
    let app = oauth::register_app(&fake.url(), "tinbox")
        .await
        .expect("register");
    let url = oauth::authorize_url(&fake.url(), &app).expect("url");
    assert!(
        url.contains("client_id=cid") && url.contains("urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob"),
        "{url}"
    );
    let e = oauth::exchange_code(&fake.url(), &app, "wrong")
        .await
        .expect_err("bad code");
    assert!(e.to_string().contains("invalid_grant"), "{e}");
    let token = oauth::exchange_code(&fake.url(), &app, &format!(" {GOOD_CODE}\n"))
        .await
        .expect("token");
    assert_eq!(token, TOKEN);
    let me = oauth::verify_credentials(&fake.url(), &token)
        .await
        .expect("verify");
    assert_eq!(me.acct, "brand");
    assert!(
        oauth::register_app("http://mastodon.example", "tinbox")
            .await
            .is_err(),
        "plain http to a remote host"
    );
}

#[tokio::test]
async fn configured_notification_types_are_asked_for_and_kept() {
    init();
    let fake = FakeMastodon::start();
    fake.mention(1, status("200", kim(), "<p>@brand hi</p>", "public", None));
    let mut quoting = status("201", kim(), "<p>look at this</p>", "public", None);
    quoting["quote"] = json!({"state": "accepted", "quoted_status": null});
    fake.notification(json!({"id": "2", "type": "quote", "account": kim(), "status": quoting}));
    let only_mentions = client(&fake).poll(None).await.expect("poll");
    assert_eq!(only_mentions.items.len(), 1);
    let opts = MastodonOptions {
        notification_types: vec!["mention".into(), "quote".into()],
        ..MastodonOptions::default()
    };
    let ch = MastodonChannel::new(&fake.url(), TOKEN.into(), opts).expect("client");
    let out = ch.poll(None).await.expect("poll");
    assert_eq!(out.items.len(), 2);
    assert_eq!(
        out.items
            .iter()
            .find(|i| i.remote_id == "201")
            .expect("quote")
            .kind,
        Kind::Quote
    );
    let asked = fake
        .server
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path == "/api/v1/notifications")
        .expect("asked");
    assert_eq!(asked.params("types[]"), vec!["mention", "quote"]);
}

#[tokio::test]
async fn a_first_sync_reads_back_through_the_backfill_window_and_no_further() {
    init();
    let fake = FakeMastodon::start();
    // 30 notifications from three days ago, then 70 over the last nine hours or so (one every
    // 8 minutes; ids grow with time).
    for n in 1..=100u64 {
        let when = if n <= 30 {
            support::fake_mastodon::minutes_ago(3 * 24 * 60)
        } else {
            support::fake_mastodon::minutes_ago((100 - n as i64) * 8)
        };
        let mut st = status(&format!("{}", 5000 + n), kim(), "<p>hi</p>", "public", None);
        st["created_at"] = json!(when);
        fake.notification(json!({"id": n.to_string(), "type": "mention", "created_at": when, "account": kim(), "status": st}));
    }
    let polled = |window: Option<std::time::Duration>| {
        let fake = &fake;
        async move {
            let opts = MastodonOptions {
                first_sync_window: window,
                include_conversations: false,
                ..MastodonOptions::default()
            };
            let ch = MastodonChannel::new(&fake.url(), TOKEN.into(), opts).expect("client");
            let before = fake.server.count("GET", "/api/v1/notifications");
            let items = ch.poll(None).await.expect("poll").items.len();
            (
                items,
                fake.server.count("GET", "/api/v1/notifications") - before,
            )
        }
    };
    let hours = |h: u64| Some(std::time::Duration::from_secs(h * 3600));
    // Without a window: the newest page of 40.
    assert_eq!(polled(None).await, (40, 1));
    // Three hours: the first page already reaches past them.
    assert_eq!(polled(hours(3)).await, (40, 1));
    // A day: pages until one reaches past the day, so every post of the day is there.
    assert_eq!(polled(hours(24)).await, (80, 2));
    // "all": as far back as the server goes (the last page is empty).
    assert_eq!(polled(Some(std::time::Duration::MAX)).await, (100, 4));
}
