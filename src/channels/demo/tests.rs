use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use super::*;
use crate::sla::{Policy, TimerState, timer};
use crate::testing::{at, item, t0};

/// A clock the test moves by hand.
fn clock() -> (Arc<AtomicI64>, Clock) {
    let secs = Arc::new(AtomicI64::new(0));
    let s = secs.clone();
    (secs, Arc::new(move || at(s.load(Ordering::SeqCst))))
}

fn poll(ch: &DemoChannel) -> Vec<IncomingItem> {
    futures_util::FutureExt::now_or_never(ch.poll(None))
        .expect("ready")
        .expect("ok")
        .items
}

fn reply(ch: &DemoChannel, to: &IncomingItem, key: &str) -> Result<SentReply, ChannelError> {
    let req = ReplyRequest {
        in_reply_to: to.remote_id.clone(),
        thread_root: to.thread_root.clone().unwrap_or_default(),
        visibility: to.visibility,
        text: "Sorry! We're on it.".into(),
        idempotency_key: key.into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    futures_util::FutureExt::now_or_never(ch.send_reply(&req)).expect("ready")
}

#[test]
fn opening_is_a_realistic_mix() {
    let (_, c) = clock();
    let items = poll(&DemoChannel::new(7, c));
    assert!(items.len() >= 10, "{}", items.len());
    let dm = items.iter().find(|i| i.kind == Kind::Dm).expect("a DM");
    assert_eq!(dm.visibility, Visibility::Direct);
    let cont = items
        .iter()
        .find(|i| i.kind == Kind::Reply)
        .expect("a thread that continues");
    let root = items
        .iter()
        .find(|i| Some(&i.remote_id) == cont.in_reply_to.as_ref())
        .expect("its parent");
    assert_eq!(cont.thread_root, root.thread_root);
    assert_eq!(cont.author, root.author, "the same customer writes again");
    assert!(items.iter().any(|i| i.kind == Kind::Quote));
    assert!(items.iter().any(|i| i.text.contains("best bean")), "praise");
    assert!(items.iter().any(|i| i.text.contains('?')), "questions");
    assert!(
        items.iter().any(|i| !i.author.name.is_ascii()),
        "non-ASCII names"
    );
    // Timers at start: some ok, some warn, some breached.
    let states: HashSet<_> = items
        .iter()
        .map(|i| {
            let age = t0().duration_since(i.created_at).as_secs();
            timer(&item(1, t0(), age), &Policy::default(), t0()).state
        })
        .collect();
    for s in [TimerState::Ok, TimerState::Warn, TimerState::Breached] {
        assert!(states.contains(&s), "{s:?} missing");
    }
    let ids: HashSet<_> = items.iter().map(|i| &i.remote_id).collect();
    assert_eq!(ids.len(), items.len());
}

#[test]
fn deterministic_for_seed_and_clock() {
    let (s1, c1) = clock();
    let (s2, c2) = clock();
    let (a, b) = (DemoChannel::new(3, c1), DemoChannel::new(3, c2));
    assert_eq!(poll(&a), poll(&b));
    s1.store(600, Ordering::SeqCst);
    s2.store(600, Ordering::SeqCst);
    assert_eq!(poll(&a), poll(&b));
}

#[test]
fn new_posts_keep_arriving_without_repeats() {
    let (secs, c) = clock();
    let ch = DemoChannel::new(11, c);
    let mut seen: HashSet<String> = poll(&ch).into_iter().map(|i| i.remote_id).collect();
    assert!(poll(&ch).is_empty(), "nothing new at the same instant");
    let mut arrived = 0;
    for minute in 1..=10 {
        secs.store(minute * 60, Ordering::SeqCst);
        for i in poll(&ch) {
            assert!(i.created_at <= at(minute * 60), "not from the future");
            assert!(seen.insert(i.remote_id), "no repeats");
            arrived += 1;
        }
    }
    assert!(
        (10..=30).contains(&arrived),
        "one every 20-60 s over 10 minutes, got {arrived}"
    );
}

#[test]
fn replies_are_answered_in_the_same_thread() {
    let (secs, c) = clock();
    let ch = DemoChannel::new(5, c);
    let items = poll(&ch);
    let dm = items
        .iter()
        .find(|i| i.kind == Kind::Dm)
        .expect("dm")
        .clone();
    let sent = reply(&ch, &dm, "k1").expect("sent");
    assert_eq!(
        reply(&ch, &dm, "k1").expect("again").remote_id,
        sent.remote_id,
        "same key, same reply"
    );
    secs.store(200, Ordering::SeqCst);
    let answers: Vec<_> = poll(&ch)
        .into_iter()
        .filter(|i| i.in_reply_to.as_deref() == Some(sent.remote_id.as_str()))
        .collect();
    assert_eq!(answers.len(), 1, "the customer answers the first reply");
    let a = &answers[0];
    assert_eq!(
        (a.thread_root.as_ref(), a.kind, a.visibility, &a.author),
        (
            dm.thread_root.as_ref(),
            Kind::Dm,
            Visibility::Direct,
            &dm.author
        )
    );
    let thread = futures_util::FutureExt::now_or_never(ch.fetch_thread(&a.remote_id))
        .expect("ready")
        .expect("thread");
    assert_eq!(thread.len(), 3);
    assert!(thread[1].outbound && !thread[0].outbound && !thread[2].outbound);
}

#[test]
fn empty_and_too_long_replies_are_rejected() {
    let (_, c) = clock();
    let ch = DemoChannel::new(1, c);
    let it = poll(&ch).remove(0);
    let mut req = ReplyRequest {
        in_reply_to: it.remote_id.clone(),
        thread_root: it.remote_id.clone(),
        visibility: Visibility::Public,
        text: "  ".into(),
        idempotency_key: "x".into(),
        queued_at: jiff::Timestamp::UNIX_EPOCH,
    };
    let now = |f: BoxFuture<'_, Result<SentReply, ChannelError>>| {
        futures_util::FutureExt::now_or_never(f).expect("ready")
    };
    assert!(matches!(
        now(ch.send_reply(&req)),
        Err(ChannelError::Rejected(_))
    ));
    req.text = "é".repeat(501);
    let e = now(ch.send_reply(&req)).expect_err("too long").to_string();
    assert!(e.contains("501") && e.contains("500"), "{e}");
}
