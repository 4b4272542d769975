//! The conformance suite: replies: recorded on the thread, the outbox's states, resending, and what the traffic cop sees.

use super::{incoming, reply_in};
use crate::model::{ChannelKind, ItemId, Status, TimerTarget};
use crate::store::{StoreBackend, StoreError};
use crate::testing::at;

pub(crate) fn reply_answers_the_thread_and_next_message_gets_next_response_clock(
    s: &mut dyn StoreBackend,
) {
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[
                incoming("root", at(0)),
                reply_in("r2", "root", at(60)),
                reply_in("r9", "root", at(900)),
            ],
            None,
            at(1000),
        )
        .expect("ingest");
    let (root, second, later) = (r.new_items[0], r.new_items[1], r.new_items[2]);
    s.save_draft(second, "On it!", at(1100)).expect("draft");
    assert_eq!(s.draft_count().expect("n"), 1);
    s.record_reply(second, "out-1", "On it!", "kim", at(1200))
        .expect("reply");
    for id in [root, second] {
        let it = s.item(id).expect("item");
        assert_eq!(
            (it.status, it.waiting_since, it.first_response_at),
            (Status::Replied, None, Some(at(1200)))
        );
    }
    assert_eq!(
        s.item(later).expect("later").status,
        Status::New,
        "a newer message still waits"
    );
    assert_eq!(
        s.draft(second).expect("d"),
        None,
        "the draft is gone once sent"
    );
    let thread = s.thread(second).expect("thread");
    assert_eq!(thread.len(), 4);
    assert!(thread.iter().any(|e| e.outbound && e.remote_id == "out-1"));
    assert_eq!(thread[0].remote_id, "root");
    // The customer writes again: the new item measures the next response.
    let n = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("r10", "root", at(2000))],
            None,
            at(2000),
        )
        .expect("i")
        .new_items[0];
    assert_eq!(
        s.item(n).expect("n").timer_target,
        TimerTarget::NextResponse
    );
    assert_eq!(
        s.item(later).expect("l").timer_target,
        TimerTarget::FirstResponse
    );
}

pub(crate) fn outbox_queues_sends_and_records_the_reply(s: &mut dyn StoreBackend) {
    use crate::model::OutboxState;
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.save_draft(id, "On it", at(5)).expect("draft");
    let oid = s
        .enqueue_reply(id, "On it", "key-1", at(10))
        .expect("enqueue");
    assert_eq!(s.draft(id).expect("d"), None, "queued: the draft is gone");
    assert!(matches!(
        s.enqueue_reply(ItemId(999), "x", "key-x", at(10)),
        Err(StoreError::NoSuchItem(_))
    ));
    assert!(
        s.enqueue_reply(id, "again", "key-1", at(10)).is_err(),
        "an idempotency key is used once"
    );
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (e.item, e.text.as_str(), e.idempotency_key.as_str()),
        (id, "On it", "key-1")
    );
    assert_eq!(
        (e.state, e.attempts, e.next_attempt_at, e.created_at),
        (OutboxState::Queued, 0, at(10), at(10))
    );
    assert!(s.outbox_due(at(9)).expect("due").is_empty(), "not yet due");
    assert_eq!(s.outbox_next_due().expect("next"), Some(at(10)));
    let due: Vec<i64> = s
        .outbox_due(at(10))
        .expect("due")
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(due, vec![oid]);
    // Taken for sending; a crash leaves it `sending`, and it is due again for this sender.
    assert!(s.outbox_mark_sending(oid, at(11)).expect("take"));
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!((e.state, e.attempts), (OutboxState::Sending, 1));
    assert_eq!(s.outbox_due(at(12)).expect("due").len(), 1);
    assert_eq!(s.outbox_next_due().expect("next"), None);
    // A transient failure: queued again for later.
    s.outbox_mark_retry(oid, "HTTP 503\nbusy", at(100))
        .expect("retry");
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (e.state, e.last_error.as_deref(), e.next_attempt_at),
        (OutboxState::Queued, Some("HTTP 503 busy"), at(100))
    );
    assert!(s.outbox_due(at(50)).expect("due").is_empty());
    assert_eq!(s.outbox_next_due().expect("next"), Some(at(100)));
    assert!(s.outbox_mark_sending(oid, at(100)).expect("take"));
    s.outbox_mark_sent(oid, "out-1", "kim", at(101))
        .expect("sent");
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (e.state, e.attempts, e.remote_id.as_deref(), e.last_error),
        (OutboxState::Sent, 2, Some("out-1"), None)
    );
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.first_response_at),
        (Status::Replied, Some(at(101)))
    );
    let h = s.history(id).expect("h");
    let last = h.last().expect("entry");
    assert_eq!(
        (last.who.as_str(), last.why.as_str(), last.to),
        ("kim", "replied", Status::Replied)
    );
    // Sent twice (a retry after a lost answer): recorded once.
    s.outbox_mark_sent(oid, "out-1", "kim", at(102))
        .expect("again");
    let thread = s.thread(id).expect("thread");
    assert_eq!(thread.len(), 2);
    assert_eq!(
        (
            thread[1].outbound,
            thread[1].remote_id.as_str(),
            thread[1].author.handle.as_str(),
            thread[1].text.as_str()
        ),
        (true, "out-1", "kim", "On it")
    );
    assert!(s.outbox(false).expect("list").is_empty());
    assert_eq!(s.outbox(true).expect("list").len(), 1);
    assert!(s.outbox_due(at(1000)).expect("due").is_empty());
    assert!(s.outbox_entry(9999).expect("q").is_none());
}

pub(crate) fn failed_replies_are_kept_and_can_be_resent(s: &mut dyn StoreBackend) {
    use crate::model::OutboxState;
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    let first = s
        .enqueue_reply(id, "first", "key-a", at(10))
        .expect("enqueue");
    let oid = s
        .enqueue_reply(id, "far too long", "key-1", at(11))
        .expect("enqueue");
    assert_eq!(
        s.outbox(false)
            .expect("list")
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        vec![oid, first],
        "newest first"
    );
    assert!(s.outbox_mark_sending(oid, at(12)).expect("take"));
    s.outbox_mark_failed(oid, "422: too long", at(13))
        .expect("failed");
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (e.state, e.last_error.as_deref(), e.text.as_str()),
        (OutboxState::Failed, Some("422: too long"), "far too long")
    );
    assert_eq!(
        s.outbox_due(at(1000))
            .expect("due")
            .iter()
            .map(|e| e.id)
            .collect::<Vec<_>>(),
        vec![first],
        "a failed reply is not retried by itself"
    );
    assert!(
        s.outbox_requeue(first, None, "key-b", at(14)).is_err(),
        "only failed replies can be resent"
    );
    assert!(s.outbox_requeue(9999, None, "key-c", at(14)).is_err());
    assert!(s.outbox_mark_retry(9999, "x", at(14)).is_err());
    assert!(s.outbox_mark_failed(9999, "x", at(14)).is_err());
    s.outbox_requeue(oid, Some("shorter"), "key-2", at(20))
        .expect("requeue");
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (
            e.state,
            e.text.as_str(),
            e.idempotency_key.as_str(),
            e.attempts,
            e.next_attempt_at
        ),
        (OutboxState::Queued, "shorter", "key-2", 0, at(20))
    );
    // Failed again, resent with its text unchanged.
    assert!(s.outbox_mark_sending(oid, at(21)).expect("take"));
    s.outbox_mark_failed(oid, "500", at(22)).expect("failed");
    s.outbox_requeue(oid, None, "key-3", at(30))
        .expect("requeue");
    let e = s.outbox_entry(oid).expect("q").expect("entry");
    assert_eq!(
        (e.text.as_str(), e.idempotency_key.as_str()),
        ("shorter", "key-3")
    );
}

pub(crate) fn activity_since_shows_new_messages_and_replies_by_others(s: &mut dyn StoreBackend) {
    use crate::store::Activity;
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("root", at(0)), reply_in("r1", "root", at(50))],
            None,
            at(50),
        )
        .expect("i");
    let root = r.new_items[0];
    // Another conversation: not news for this one.
    s.ingest(
        "a",
        ChannelKind::Demo,
        &[incoming("x", at(60))],
        None,
        at(150),
    )
    .expect("i");
    assert!(
        s.activity_since(root, at(100), "kim")
            .expect("activity")
            .is_empty()
    );
    // kim opens the composer at 100; the customer writes again, sam replies.
    s.ingest(
        "a",
        ChannelKind::Demo,
        &[reply_in("r2", "root", at(140))],
        None,
        at(150),
    )
    .expect("i");
    s.record_reply(root, "out-1", "sam here", "sam", at(160))
        .expect("reply");
    assert_eq!(
        s.activity_since(root, at(100), "kim").expect("activity"),
        vec![
            Activity::Inbound {
                author: "@kim@example.social".into(),
                at: at(150)
            },
            Activity::Reply {
                who: "sam".into(),
                at: at(160),
                queued: false
            },
        ]
    );
    assert_eq!(
        s.activity_since(root, at(155), "kim")
            .expect("activity")
            .len(),
        1,
        "only what happened since"
    );
    assert!(matches!(
        s.activity_since(ItemId(999), at(0), "kim"),
        Err(StoreError::NoSuchItem(_))
    ));
}

pub(crate) fn first_responders_name_who_answered_each_item(s: &mut dyn StoreBackend) {
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[
                incoming("t1", at(0)),
                reply_in("t1b", "t1", at(10)),
                incoming("t2", at(20)),
                incoming("t3", at(30)),
            ],
            None,
            at(40),
        )
        .expect("ingest");
    let ids = r.new_items;
    // One reply by kim answers both items of the first thread; sam answers the second,
    // and kim's later reply to it does not change who answered first.
    s.record_reply(ids[1], "o1", "hi", "kim", at(100))
        .expect("reply");
    s.record_reply(ids[2], "o2", "hello", "sam", at(200))
        .expect("reply");
    s.record_reply(ids[2], "o3", "also", "kim", at(300))
        .expect("reply");
    let mut got = s.first_responders(at(0)).expect("responders");
    got.sort();
    assert_eq!(
        got,
        vec![
            (ids[0], "kim".to_string()),
            (ids[1], "kim".to_string()),
            (ids[2], "sam".to_string()),
        ]
    );
    // Only replies since the given time count.
    let later = s.first_responders(at(150)).expect("responders");
    assert_eq!(later, vec![(ids[2], "sam".to_string())]);
}
