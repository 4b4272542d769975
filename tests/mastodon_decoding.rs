//! One unreadable notification (an invalid UTF-8 byte, a lone surrogate escape) does not
//! fail the account: the Mastodon client against the loopback fake server.

mod support;

use support::fake_mastodon::{FakeMastodon, TOKEN, account, status};
use tinbox::channels::Channel;
use tinbox::channels::mastodon::{MastodonChannel, MastodonOptions};

#[tokio::test]
async fn a_bad_byte_or_a_lone_surrogate_in_one_notification_fails_nothing() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let fake = FakeMastodon::start();
    for n in 1..=100u64 {
        let name = match n {
            50 => "Zo@@BAD@@",
            _ => "Kim",
        };
        let html = match n {
            60 => "<p>cut in half @@SURROGATE@@ emoji</p>".to_string(),
            _ => format!("<p>post {n}</p>"),
        };
        let who = account("77", "kim@x.invalid", name);
        fake.mention(
            n,
            status(&format!("1100000000000{n:05}"), who, &html, "public", None),
        );
    }
    fake.with(|s| {
        s.raw_patches = vec![
            ("@@BAD@@".into(), b"\xff\xfe".to_vec()),
            ("@@SURROGATE@@".into(), br"\ud83d".to_vec()),
        ]
    });
    let opts = MastodonOptions {
        first_sync_window: Some(std::time::Duration::MAX),
        ..MastodonOptions::default()
    };
    let ch = MastodonChannel::new(&fake.url(), TOKEN.into(), opts).expect("client");
    let out = ch.poll(None).await.expect("the poll succeeds");
    assert_eq!(out.items.len(), 100, "every notification is stored");
    let by_id = |n: u64| {
        out.items
            .iter()
            .find(|i| i.remote_id == format!("1100000000000{n:05}"))
            .expect("item")
    };
    assert_eq!(by_id(50).author.name, "Zo\u{fffd}\u{fffd}");
    assert_eq!(by_id(60).text, "cut in half \u{fffd} emoji");
    assert_eq!(by_id(61).text, "post 61");
}
