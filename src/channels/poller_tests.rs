use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use super::*;
use crate::channels::{BoxFuture, Capabilities, LengthUnit, PollOutcome, ReplyRequest, SentReply};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, ThreadEntry, Visibility};
use crate::store::sqlite::SqliteStore;
use crate::testing::at;

/// A channel whose poll answers are scripted; when the script runs out it repeats `fallback`.
struct Scripted {
    kind: ChannelKind,
    script: Mutex<VecDeque<Result<PollOutcome, ChannelError>>>,
    fallback: Result<PollOutcome, ChannelError>,
    cursors: Mutex<Vec<Option<String>>>,
}

impl Scripted {
    fn new(
        script: Vec<Result<PollOutcome, ChannelError>>,
        fallback: Result<PollOutcome, ChannelError>,
    ) -> Arc<Scripted> {
        Arc::new(Scripted {
            kind: ChannelKind::Demo,
            script: Mutex::new(script.into()),
            fallback,
            cursors: Mutex::new(Vec::new()),
        })
    }
}

impl Channel for Scripted {
    fn kind(&self) -> ChannelKind {
        self.kind
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: false,
            can_dm: false,
            max_len: None,
            length_unit: LengthUnit::Chars,
        }
    }
    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        self.cursors
            .lock()
            .expect("lock")
            .push(cursor.map(String::from));
        let next = self
            .script
            .lock()
            .expect("lock")
            .pop_front()
            .unwrap_or_else(|| self.fallback.clone());
        Box::pin(async move { next })
    }
    fn fetch_thread<'a>(
        &'a self,
        _: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn send_reply<'a>(
        &'a self,
        _: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(async { Err(ChannelError::Unsupported("test".into())) })
    }
}

fn post(id: &str) -> IncomingItem {
    IncomingItem {
        remote_id: id.into(),
        kind: Kind::Mention,
        author: Author {
            handle: "@a@x.invalid".into(),
            name: "A".into(),
        },
        text: "hi".into(),
        url: None,
        created_at: at(0),
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

fn outcome(ids: &[&str], cursor: &str) -> Result<PollOutcome, ChannelError> {
    Ok(PollOutcome {
        noise: Vec::new(),
        followers: Default::default(),
        items: ids.iter().map(|i| post(i)).collect(),
        cursor: Some(cursor.into()),
    })
}

fn store() -> StoreHandle {
    StoreHandle::spawn(Box::new(SqliteStore::open_in_memory().expect("store")))
}

fn fixed_clock() -> Clock {
    Arc::new(|| at(0))
}

fn fast() -> PollerConfig {
    PollerConfig {
        interval: Duration::from_millis(5),
        jitter: 0.0,
        first_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(40),
        backfill: None,
    }
}

/// Receive events until `done` says so (bounded: fails after many events or 20 s).
async fn collect(
    rx: &mut UnboundedReceiver<PollerEvent>,
    done: impl Fn(&[PollerEvent]) -> bool,
) -> Vec<PollerEvent> {
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while !done(&seen) {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(ev)) => seen.push(ev),
            _ => panic!("events ended or timed out: {seen:?}"),
        }
        assert!(seen.len() < 10_000, "runaway poller");
    }
    seen
}

#[tokio::test]
async fn poll_once_stores_items_and_passes_the_cursor_back() {
    let store = store();
    let ch = Scripted::new(
        vec![outcome(&["1", "2"], "c1"), outcome(&["2", "3"], "c2")],
        outcome(&[], "c2"),
    );
    let r = poll_once("acc", ch.as_ref(), &store, &Default::default(), None, at(5))
        .await
        .expect("poll");
    assert_eq!(r.new_items.len(), 2);
    let r = poll_once("acc", ch.as_ref(), &store, &Default::default(), None, at(6))
        .await
        .expect("poll");
    assert_eq!(r.new_items.len(), 1, "the duplicate is dropped");
    assert_eq!(
        *ch.cursors.lock().expect("lock"),
        vec![None, Some("c1".to_string())]
    );
    let acc = store
        .call(|s| s.account("acc"))
        .await
        .expect("q")
        .expect("acc");
    assert_eq!(acc.cursor.as_deref(), Some("c2"));
}

#[tokio::test]
async fn on_a_first_sync_what_is_older_than_the_backfill_window_is_done_history() {
    let store = store();
    let dated = |id: &str, secs: i64| IncomingItem {
        created_at: at(secs),
        ..post(id)
    };
    let page = |items: Vec<IncomingItem>, c: &str| {
        Ok(PollOutcome {
            noise: Vec::new(),
            followers: Default::default(),
            items,
            cursor: Some(c.into()),
        })
    };
    // A feed: the demo channel's seeded history is never cut (checked below).
    let script = vec![
        page(vec![dated("old", 0), dated("recent", 90_000)], "c1"),
        // After the first sync nothing is history, however old.
        page(vec![dated("late-old", 10)], "c2"),
    ];
    let demo = Scripted::new(script.clone(), outcome(&[], "c2"));
    let ch = Arc::new(Scripted {
        kind: ChannelKind::Feed,
        script: Mutex::new(script.into()),
        fallback: outcome(&[], "c2"),
        cursors: Mutex::new(Vec::new()),
    });
    let day = Some(Duration::from_secs(86_400));
    let now = at(100_000);
    let r = poll_once("acc", ch.as_ref(), &store, &Default::default(), day, now)
        .await
        .expect("first");
    assert_eq!((r.new_items.len(), r.history.len()), (1, 1));
    let old = store
        .call(move |s| s.item(r.history[0]))
        .await
        .expect("old");
    assert_eq!((old.remote_id.as_str(), old.status), ("old", Status::Done));
    let recent = store
        .call(move |s| s.item(r.new_items[0]))
        .await
        .expect("recent");
    assert_eq!(recent.status, Status::New);
    let r = poll_once("acc", ch.as_ref(), &store, &Default::default(), day, now)
        .await
        .expect("second");
    assert_eq!((r.new_items.len(), r.history.len()), (1, 0));

    let store = self::store();
    let r = poll_once("demo", demo.as_ref(), &store, &Default::default(), day, now)
        .await
        .expect("demo");
    assert_eq!((r.new_items.len(), r.history.len()), (2, 0));
}

#[tokio::test]
async fn a_failed_poll_is_recorded_and_keeps_the_cursor() {
    let store = store();
    let ch = Scripted::new(
        vec![
            outcome(&["1"], "c1"),
            Err(ChannelError::Auth("token revoked".into())),
        ],
        outcome(&[], "c1"),
    );
    poll_once("acc", ch.as_ref(), &store, &Default::default(), None, at(1))
        .await
        .expect("first");
    let e = poll_once("acc", ch.as_ref(), &store, &Default::default(), None, at(2))
        .await
        .expect_err("second fails");
    assert!(e.to_string().contains("token revoked"));
    let acc = store
        .call(|s| s.account("acc"))
        .await
        .expect("q")
        .expect("acc");
    assert_eq!(
        (acc.cursor.as_deref(), acc.last_error.as_deref()),
        (Some("c1"), Some("not authorized: token revoked"))
    );
}

#[tokio::test]
async fn a_failing_account_does_not_stop_a_healthy_one() {
    let store = store();
    let (tx, mut rx) = unbounded_channel();
    let good = Scripted::new(vec![], outcome(&[], "c"));
    let bad = Scripted::new(
        vec![],
        Err(ChannelError::Network("connection refused".into())),
    );
    let _g = spawn_poller(
        "good".into(),
        good,
        store.clone(),
        Default::default(),
        fast(),
        tx.clone(),
        fixed_clock(),
    );
    let _b = spawn_poller(
        "bad".into(),
        bad,
        store.clone(),
        Default::default(),
        fast(),
        tx,
        fixed_clock(),
    );
    let count = |evs: &[PollerEvent], ok: bool| {
        evs.iter()
            .filter(|e| match e {
                PollerEvent::Synced { account, .. } => ok && account == "good",
                PollerEvent::Failed { account, .. } => !ok && account == "bad",
                _ => false,
            })
            .count()
    };
    let evs = collect(&mut rx, |e| count(e, true) >= 5 && count(e, false) >= 3).await;
    assert!(
        !evs.iter()
            .any(|e| matches!(e, PollerEvent::Failed { account, .. } if account == "good"))
    );
    let retries: Vec<_> = evs
        .iter()
        .filter_map(|e| match e {
            PollerEvent::Failed {
                error, retry_at, ..
            } => Some((error.clone(), *retry_at)),
            _ => None,
        })
        .collect();
    assert!(retries[0].0.contains("connection refused"));
    assert!(retries.iter().all(|(_, r)| r.is_some()));
}

#[tokio::test]
async fn rate_limit_waits_until_reset_and_poll_now_wakes() {
    let store = store();
    let (tx, mut rx) = unbounded_channel();
    let until = at(3600);
    let ch = Scripted::new(
        vec![Err(ChannelError::RateLimited { until })],
        outcome(&["1"], "c"),
    );
    let h = spawn_poller(
        "acc".into(),
        ch.clone(),
        store,
        Default::default(),
        fast(),
        tx,
        fixed_clock(),
    );
    let evs = collect(&mut rx, |e| {
        e.iter().any(|e| matches!(e, PollerEvent::Failed { .. }))
    })
    .await;
    assert!(
        matches!(evs.last(), Some(PollerEvent::Failed { retry_at: Some(r), .. }) if *r == until)
    );
    // It now waits an hour; nothing else is polled until asked.
    assert!(
        tokio::time::timeout(Duration::from_millis(100), rx.recv())
            .await
            .is_err()
    );
    assert_eq!(
        ch.cursors.lock().expect("lock").len(),
        1,
        "no extra request while rate limited"
    );
    h.poll_now();
    collect(&mut rx, |e| {
        e.iter().any(|e| matches!(e, PollerEvent::Synced { .. }))
    })
    .await;
}

#[test]
fn backoff_doubles_and_caps() {
    let cfg = PollerConfig {
        jitter: 0.0,
        ..PollerConfig::every(Duration::from_secs(60))
    };
    let mut rng = fastrand::Rng::with_seed(1);
    let secs: Vec<u64> = (1..=10)
        .map(|n| backoff(n, &cfg, &mut rng).as_secs())
        .collect();
    assert_eq!(secs, vec![5, 10, 20, 40, 80, 160, 300, 300, 300, 300]);
    // A feed polled every 15 minutes never retries later than its interval.
    let slow = PollerConfig {
        jitter: 0.0,
        ..PollerConfig::every(Duration::from_secs(900))
    };
    assert_eq!(backoff(10, &slow, &mut rng).as_secs(), 900);
    for _ in 0..1000 {
        let d = jittered(Duration::from_secs(100), 0.1, &mut rng);
        assert!(
            d >= Duration::from_secs(90) && d <= Duration::from_secs(110),
            "{d:?}"
        );
    }
}
