//! The conformance suite: the right to answer an item's latest inbound message is taken once.

use super::{incoming, reply_in};
use crate::model::{ChannelKind, OutboxState};
use crate::store::StoreBackend;
use crate::testing::at;

pub(crate) fn the_right_to_answer_is_taken_once_per_inbound_message(s: &mut dyn StoreBackend) {
    let first = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("ingest")
        .new_items[0];
    let oid = s
        .enqueue_first_reply(first, "on it", "k1", "kim", at(10))
        .expect("store")
        .expect("the first reply takes the right to answer");

    // Queued, being sent, sent: each stops a second reply, and names who and when.
    let again = |s: &mut dyn StoreBackend| {
        s.enqueue_first_reply(first, "me too", "k2", "kim", at(20))
            .expect("store")
            .expect_err("already answered")
    };
    let a = again(s);
    assert_eq!(
        (a.who.as_str(), a.at, a.state),
        ("kim", at(10), OutboxState::Queued)
    );
    assert!(s.outbox_mark_sending(oid, at(11)).expect("take"));
    assert_eq!(again(s).state, OutboxState::Sending);
    s.outbox_mark_sent(oid, "out-1", "kim", at(12))
        .expect("sent");
    let a = again(s);
    assert_eq!((a.who.as_str(), a.state), ("kim", OutboxState::Sent));
    assert!(a.to_string().contains("kim already replied"), "{a}");
    assert_eq!(
        s.outbox(true).expect("outbox").len(),
        1,
        "nothing else queued"
    );

    // A deliberate second message goes through the plain queue.
    s.enqueue_reply(first, "one more thing", "k3", at(30))
        .expect("queued anyway");

    // The customer writes again: that message may be answered once more.
    let next = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("2", "1", at(100))],
            None,
            at(100),
        )
        .expect("ingest")
        .new_items[0];
    let oid = s
        .enqueue_first_reply(next, "answer", "k4", "kim", at(110))
        .expect("store")
        .expect("a new message can be answered");
    assert!(
        s.enqueue_first_reply(first, "x", "k5", "kim", at(111))
            .expect("store")
            .is_err()
    );

    // A reply that failed for good answered nobody.
    assert!(s.outbox_mark_sending(oid, at(112)).expect("take"));
    s.outbox_mark_failed(oid, "rejected", at(113))
        .expect("failed");
    assert!(
        s.enqueue_first_reply(next, "retry", "k6", "kim", at(120))
            .expect("store")
            .is_ok()
    );

    // Clocks count whole seconds. The customer writes again in the very second our reply to
    // their earlier message was queued: the new message is still unanswered.
    let third = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("3", "1", at(130))],
            None,
            at(130),
        )
        .expect("ingest")
        .new_items[0];
    let _ = s
        .enqueue_first_reply(third, "got it", "k7", "kim", at(140))
        .expect("store")
        .expect("the third message can be answered");
    let fourth = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("4", "1", at(140))],
            None,
            at(140),
        )
        .expect("ingest")
        .new_items[0];
    // An answer to the newest message in the second it arrived still counts, though.
    let _ = s
        .enqueue_first_reply(fourth, "and this", "k8", "kim", at(140))
        .expect("store")
        .expect("the message that arrived with our reply is unanswered");
    assert!(
        s.enqueue_first_reply(fourth, "again", "k9", "kim", at(140))
            .expect("store")
            .is_err(),
        "a reply to the newest message in its own second answers it"
    );
}
