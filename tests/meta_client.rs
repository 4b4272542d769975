//! The Graph client against the fake server, without the binary: a throttled account waits
//! as long as Graph says without calling again, and a deleted object is said to be gone.

mod support;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use support::fake_graph::{FakeGraph, IG, TOKEN, corpus};
use tinbox::channels::meta::MetaChannel;
use tinbox::channels::{Channel, ChannelError};
use tinbox::model::ChannelKind;

fn instagram(fake: &FakeGraph) -> MetaChannel {
    MetaChannel::new(
        ChannelKind::Instagram,
        &fake.api_url(),
        IG,
        TOKEN.into(),
        std::time::Duration::from_secs(10),
    )
    .expect("channel")
}

#[tokio::test]
async fn code_4_waits_for_the_time_graph_gives_and_calls_nothing_until_then() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/meta-corpus is not present");
        return;
    };
    let fake = FakeGraph::start(&dir);
    let usage = r#"{"17841400455970028":[{"type":"instagram","call_count":100,"total_cputime":40,"total_time":35,"estimated_time_to_regain_access":5}]}"#;
    fake.state.lock().expect("state").fault = Some((
        400,
        json!({"error": {"message": "(#4) Application request limit reached", "type": "OAuthException", "code": 4}}),
        vec![("x-business-use-case-usage".into(), usage.into())],
    ));
    let ch = instagram(&fake);
    let before = Timestamp::now();
    let Err(ChannelError::RateLimited { until }) = ch.poll(None).await else {
        panic!("rate limited");
    };
    let wait = until.duration_since(before);
    assert!(
        wait >= SignedDuration::from_mins(5) && wait < SignedDuration::from_mins(6),
        "{wait:?}"
    );
    assert_eq!(ch.graph().usage().percent, 100);
    // The status bar says so (the poller sends a channel's usage line after each poll).
    assert_eq!(
        ch.usage().as_deref(),
        Some("Meta's rate limit reached: back in about 5 min")
    );
    let calls = fake.server.requests().len();
    assert!(matches!(
        ch.poll(None).await,
        Err(ChannelError::RateLimited { .. })
    ));
    assert_eq!(
        fake.server.requests().len(),
        calls,
        "no call while throttled"
    );
}

#[tokio::test]
async fn a_deleted_comment_is_said_to_be_gone() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/meta-corpus is not present");
        return;
    };
    let fake = FakeGraph::start(&dir);
    let err = instagram(&fake)
        .fetch_thread("17800000000000000")
        .await
        .expect_err("gone");
    assert!(
        matches!(&err, ChannelError::Rejected(m) if m.contains("gone") && m.contains("code 100")),
        "{err}"
    );
}
