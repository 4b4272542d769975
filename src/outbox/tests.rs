use std::collections::VecDeque;
use std::sync::Mutex;

use super::*;
use crate::channels::{BoxFuture, Capabilities, LengthUnit, PollOutcome, SentReply};
use crate::model::{
    Author, ChannelKind, IncomingItem, Kind, OutboxState, Status, ThreadEntry, Visibility,
};
use crate::store::sqlite::SqliteStore;
use crate::testing::at;

/// Answers `send_reply` from a script and records every request.
struct Net {
    script: Mutex<VecDeque<Result<(), ChannelError>>>,
    seen: Mutex<Vec<ReplyRequest>>,
}

impl Channel for Net {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Demo
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: true,
            max_len: None,
            length_unit: LengthUnit::Chars,
        }
    }
    fn poll<'a>(&'a self, _: Option<&'a str>) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        Box::pin(async { Ok(PollOutcome::default()) })
    }
    fn fetch_thread<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        self.seen.lock().expect("lock").push(req.clone());
        let r = self
            .script
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or(Ok(()));
        let n = self.seen.lock().expect("lock").len();
        Box::pin(async move {
            r.map(|()| SentReply {
                remote_id: format!("out-{n}"),
                url: None,
                created_at: at(100),
            })
        })
    }
}

struct World {
    store: StoreHandle,
    net: Arc<Net>,
    channels: HashMap<String, Arc<dyn Channel>>,
    item: ItemId,
    clock: Clock,
}

async fn world(script: Vec<Result<(), ChannelError>>) -> World {
    let store = StoreHandle::spawn(Box::new(SqliteStore::open_in_memory().expect("store")));
    let incoming = IncomingItem {
        remote_id: "r1".into(),
        kind: Kind::Dm,
        author: Author {
            handle: "@zoe@x.invalid".into(),
            name: "Zoë".into(),
        },
        text: "charged twice".into(),
        url: None,
        created_at: at(0),
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Direct,
    };
    let item = store
        .call(move |s| s.ingest("acc", ChannelKind::Demo, &[incoming], None, at(0)))
        .await
        .expect("ingest")
        .new_items[0];
    let net = Arc::new(Net {
        script: Mutex::new(script.into()),
        seen: Mutex::new(Vec::new()),
    });
    let mut channels: HashMap<String, Arc<dyn Channel>> = HashMap::new();
    channels.insert("acc".into(), net.clone());
    World {
        store,
        net,
        channels,
        item,
        clock: Arc::new(|| at(50)),
    }
}

impl World {
    async fn queue(&self, text: &str) -> i64 {
        let (id, text) = (self.item, text.to_string());
        self.store
            .call(move |s| s.enqueue_reply(id, &text, "key-1", at(40)))
            .await
            .expect("enqueue")
    }
    async fn entry(&self, oid: i64) -> OutboxEntry {
        self.store
            .call(move |s| s.outbox_entry(oid))
            .await
            .expect("q")
            .expect("entry")
    }
    async fn flush(&self) -> Vec<OutboxEvent> {
        flush_due(&self.store, &self.channels, "kim", &self.clock)
            .await
            .expect("flush")
    }
}

#[tokio::test]
async fn queued_reply_is_sent_and_answers_the_item() {
    let w = world(vec![]).await;
    let item = w.item;
    w.store
        .call(move |s| s.save_draft(item, "draft", at(30)))
        .await
        .expect("draft");
    let oid = w.queue("Refund on its way").await;
    assert_eq!(
        w.store.call(move |s| s.draft(item)).await.expect("d"),
        None,
        "queued text leaves the drafts"
    );
    let evs = w.flush().await;
    assert_eq!(
        evs,
        vec![OutboxEvent::Sent {
            entry: oid,
            item,
            remote_id: "out-1".into()
        }]
    );
    let e = w.entry(oid).await;
    assert_eq!(
        (e.state, e.attempts, e.remote_id.as_deref()),
        (OutboxState::Sent, 1, Some("out-1"))
    );
    let it = w.store.call(move |s| s.item(item)).await.expect("item");
    assert_eq!(
        (it.status, it.first_response_at),
        (Status::Replied, Some(at(100)))
    );
    let req = w.net.seen.lock().expect("lock")[0].clone();
    assert_eq!(
        (
            req.visibility,
            req.idempotency_key.as_str(),
            req.in_reply_to.as_str()
        ),
        (Visibility::Direct, "key-1", "r1")
    );
    assert!(w.flush().await.is_empty(), "nothing left to send");
}

#[tokio::test]
async fn transient_failures_retry_later_with_the_same_key() {
    let w = world(vec![Err(ChannelError::Server {
        status: 503,
        message: "busy".into(),
    })])
    .await;
    let oid = w.queue("hello").await;
    let evs = w.flush().await;
    let OutboxEvent::Retrying {
        at: when, error, ..
    } = &evs[0]
    else {
        panic!("{evs:?}")
    };
    assert!(*when > at(50) && error.contains("503"), "{evs:?}");
    let e = w.entry(oid).await;
    assert_eq!(
        (e.state, e.last_error.is_some()),
        (OutboxState::Queued, true)
    );
    assert!(w.flush().await.is_empty(), "not due before its time");
    let later: Clock = Arc::new(|| at(10_000));
    let evs = flush_due(&w.store, &w.channels, "kim", &later)
        .await
        .expect("flush");
    assert!(matches!(evs[0], OutboxEvent::Sent { .. }));
    let keys: Vec<_> = w
        .net
        .seen
        .lock()
        .expect("lock")
        .iter()
        .map(|r| r.idempotency_key.clone())
        .collect();
    assert_eq!(keys, vec!["key-1", "key-1"]);
}

#[tokio::test]
async fn rate_limits_wait_for_the_reset() {
    let w = world(vec![Err(ChannelError::RateLimited { until: at(900) })]).await;
    let oid = w.queue("hello").await;
    assert!(matches!(w.flush().await[0], OutboxEvent::Retrying { at: t, .. } if t == at(900)));
    assert_eq!(w.entry(oid).await.next_attempt_at, at(900));
}

#[tokio::test]
async fn permanent_failures_keep_the_text_and_can_be_resent_edited() {
    let w = world(vec![Err(ChannelError::Rejected(
        "Text character limit exceeded".into(),
    ))])
    .await;
    let oid = w.queue("a very long text").await;
    assert!(
        matches!(&w.flush().await[0], OutboxEvent::Failed { error, .. } if error.contains("limit"))
    );
    let e = w.entry(oid).await;
    assert_eq!(
        (e.state, e.text.as_str()),
        (OutboxState::Failed, "a very long text")
    );
    assert!(
        w.flush().await.is_empty(),
        "a failed reply is not retried by itself"
    );
    w.store
        .call(move |s| s.outbox_requeue(oid, Some("shorter"), "key-2", at(60)))
        .await
        .expect("requeue");
    let later: Clock = Arc::new(|| at(60));
    assert!(matches!(
        flush_due(&w.store, &w.channels, "kim", &later)
            .await
            .expect("f")[0],
        OutboxEvent::Sent { .. }
    ));
    let seen = w.net.seen.lock().expect("lock").clone();
    assert_eq!(
        (seen[1].text.as_str(), seen[1].idempotency_key.as_str()),
        ("shorter", "key-2")
    );
    let e = w.entry(oid).await;
    assert!(
        w.store
            .call(move |s| s.outbox_requeue(e.id, None, "k3", at(70)))
            .await
            .is_err(),
        "a sent reply cannot be requeued"
    );
}

#[tokio::test]
async fn an_entry_left_sending_by_a_crash_is_sent_again_with_its_key() {
    let w = world(vec![]).await;
    let oid = w.queue("hello").await;
    // The process died after marking it sending (before or after the network saw it).
    w.store
        .call(move |s| s.outbox_mark_sending(oid, at(45)))
        .await
        .expect("sending");
    let due = w.store.call(|s| s.outbox_due(at(46))).await.expect("due");
    assert_eq!(due.len(), 1);
    assert!(matches!(w.flush().await[0], OutboxEvent::Sent { .. }));
    assert_eq!(w.entry(oid).await.attempts, 2);
    assert_eq!(w.net.seen.lock().expect("lock")[0].idempotency_key, "key-1");
}

#[tokio::test]
async fn a_reply_for_an_account_no_longer_connected_fails_visibly() {
    let mut w = world(vec![]).await;
    w.channels.clear();
    let oid = w.queue("hello").await;
    assert!(
        matches!(&w.flush().await[0], OutboxEvent::Failed { error, .. } if error.contains("not connected"))
    );
    assert_eq!(w.entry(oid).await.state, OutboxState::Failed);
}
