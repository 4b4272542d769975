//! The X client against the fake X server: a 429 (its body built after X's rate-limit
//! reference; the corpus has none) waits until the window's reset measured on X's clock, a
//! window at zero is not asked again before its reset (no request leaves), the recorded
//! buckets are kept per endpoint, and only replies can be hidden.

mod support;

use jiff::Timestamp;
use reqwest::Method;
use support::fake_x::{FakeX, ME, TOKEN, corpus};
use tinbox::channels::ChannelError;
use tinbox::channels::x::api::{Tweet, User};
use tinbox::channels::x::client::{Auth, Call, Client};
use tinbox::model::{ChannelKind, Kind};

fn client(fake: &FakeX) -> Client {
    Client::new(
        &fake.api_url(),
        Auth::Bearer(TOKEN.into()),
        std::time::Duration::from_secs(10),
    )
    .expect("client")
}

fn mentions<'a>() -> Call<'a> {
    Call {
        method: Method::GET,
        path: &["2", "users", ME, "mentions"],
        query: &[],
        body: None,
        bucket: "GET /2/users/:id/mentions",
    }
}

#[test]
fn a_429_blocks_its_endpoint_until_the_reset_and_no_other() {
    let Some(dir) = corpus() else {
        return;
    };
    let fake = FakeX::start(&dir);
    fake.state.lock().expect("state").limited = Some(600);
    let c = client(&fake);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let before = Timestamp::now();
    let e = rt.block_on(c.call::<Tweet>(mentions())).expect_err("429");
    let ChannelError::RateLimited { until } = e else {
        panic!("{e:?}")
    };
    let wait = until.duration_since(before).as_secs();
    assert!((590..=610).contains(&wait), "about ten minutes: {wait}");
    // Asked again inside the window: refused here, nothing sent.
    let e = rt
        .block_on(c.call::<Tweet>(mentions()))
        .expect_err("blocked");
    assert_eq!(e, ChannelError::RateLimited { until });
    assert_eq!(fake.count("GET", &format!("/2/users/{ME}/mentions")), 1);
    // Another endpoint has its own window, as recorded (75 a window, 74 left).
    let me = rt
        .block_on(c.call::<User>(Call {
            method: Method::GET,
            path: &["2", "users", "me"],
            query: &[],
            body: None,
            bucket: "GET /2/users/me",
        }))
        .expect("me");
    assert_eq!(me.items().0[0].username.as_deref(), Some("TweepyDev"));
    let b = c.bucket("GET /2/users/me").expect("bucket");
    assert_eq!((b.limit, b.remaining), (75, 74));
}

#[test]
fn only_replies_to_our_posts_can_be_hidden_on_x() {
    use tinbox::moderation::refusal;
    assert_eq!(refusal(ChannelKind::X, Kind::Reply), None);
    assert!(refusal(ChannelKind::X, Kind::Dm).is_some_and(|r| r.contains("direct message")));
    assert!(refusal(ChannelKind::X, Kind::Mention).is_some_and(|r| r.contains("never deletes")));
}
