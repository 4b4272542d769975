//! The conformance suite: ingest: dedup, sanitizing, thread joining, the clock a new message starts, pending items brought back, the sync bookkeeping.

use super::{incoming, reply_in};
use crate::model::{ChannelKind, IncomingItem, Kind, Status, TimerTarget};
use crate::store::{ItemQuery, StoreBackend};
use crate::testing::at;

pub(crate) fn ingest_dedups_and_keeps_cursor(s: &mut dyn StoreBackend) {
    let batch = [incoming("1", at(0)), incoming("2", at(10))];
    let r = s
        .ingest("a", ChannelKind::Demo, &batch, Some("c1"), at(20))
        .expect("ingest");
    assert_eq!(r.new_items.len(), 2);
    let r = s
        .ingest("a", ChannelKind::Demo, &batch, None, at(30))
        .expect("again");
    assert!(r.new_items.is_empty());
    let acc = s.account("a").expect("q").expect("account");
    assert_eq!(acc.cursor.as_deref(), Some("c1"), "None keeps the cursor");
    assert_eq!(acc.last_sync, Some(at(30)));
    // Same remote id on another account is another item.
    assert_eq!(
        s.ingest("b", ChannelKind::Demo, &batch, None, at(30))
            .expect("b")
            .new_items
            .len(),
        2
    );
    let items = s.list_items(&ItemQuery::default()).expect("list");
    assert_eq!(items.len(), 4);
    assert_eq!(items[0].created_at, at(10), "newest first");
    let h = s.history(items[0].id).expect("history");
    assert_eq!(
        (h.len(), h[0].to, h[0].who.as_str()),
        (1, Status::New, "tinbox")
    );
}

pub(crate) fn ingest_sanitizes_remote_text(s: &mut dyn StoreBackend) {
    let mut it = incoming("1", at(0));
    it.text = "hi\u{1b}]0;owned\u{7} there\u{1b}[2J".into();
    it.author.name = "Evil\u{1b}[31m\nName".into();
    s.ingest("a", ChannelKind::Demo, &[it], None, at(1))
        .expect("ingest");
    let item = &s.list_items(&ItemQuery::default()).expect("list")[0];
    assert_eq!(item.text, "hi there");
    assert_eq!(item.author.name, "Evil Name");
}

pub(crate) fn a_new_message_brings_back_pending_items_of_the_thread(s: &mut dyn StoreBackend) {
    let id = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("root", at(0))],
            None,
            at(0),
        )
        .expect("i")
        .new_items[0];
    s.set_status(id, Status::Pending, "kim", "waiting", at(100))
        .expect("p");
    let r = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[reply_in("r2", "root", at(400))],
            None,
            at(400),
        )
        .expect("i");
    assert_eq!(r.reopened, vec![id]);
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.paused_secs, it.paused_since),
        (Status::New, 300, None)
    );
}

pub(crate) fn an_answer_to_our_reply_joins_the_thread(s: &mut dyn StoreBackend) {
    let id = s
        .ingest(
            "a",
            ChannelKind::Mastodon,
            &[incoming("100", at(0))],
            None,
            at(0),
        )
        .expect("i")
        .new_items[0];
    s.record_reply(id, "200", "we are on it", "kim", at(60))
        .expect("reply");
    // Mastodon knows only the direct parent: our reply.
    let answer = IncomingItem {
        thread_root: Some("200".into()),
        in_reply_to: Some("200".into()),
        kind: Kind::Reply,
        ..incoming("300", at(120))
    };
    let n = s
        .ingest("a", ChannelKind::Mastodon, &[answer], None, at(130))
        .expect("i")
        .new_items[0];
    let it = s.item(n).expect("item");
    assert_eq!(
        (it.thread_root.as_str(), it.timer_target),
        ("100", TimerTarget::NextResponse)
    );
    assert_eq!(s.thread(n).expect("thread").len(), 3);
}

pub(crate) fn feed_entries_wait_from_when_they_are_first_seen(s: &mut dyn StoreBackend) {
    let entry = IncomingItem {
        kind: Kind::Entry,
        ..incoming("e1", at(-86_400 * 30))
    };
    let id = s
        .ingest("f", ChannelKind::Feed, &[entry], None, at(0))
        .expect("i")
        .new_items[0];
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.created_at, it.waiting_since),
        (at(-86_400 * 30), Some(at(0)))
    );
}

pub(crate) fn sync_errors_are_kept_until_the_next_sync(s: &mut dyn StoreBackend) {
    s.record_sync_error("a", ChannelKind::Demo, "HTTP 503\nbusy", at(1))
        .expect("error");
    let acc = s.account("a").expect("q").expect("account");
    assert_eq!(
        (acc.last_error.as_deref(), acc.last_sync, acc.cursor),
        (Some("HTTP 503 busy"), None, None)
    );
    s.ingest("a", ChannelKind::Demo, &[], Some("c1"), at(2))
        .expect("ingest");
    let acc = s.account("a").expect("q").expect("account");
    assert_eq!(
        (acc.last_error, acc.last_sync, acc.cursor.as_deref()),
        (None, Some(at(2)), Some("c1"))
    );
    s.record_sync_error("b", ChannelKind::Feed, "gone", at(3))
        .expect("error");
    let names: Vec<String> = s
        .accounts()
        .expect("accounts")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, vec!["a", "b"]);
    assert_eq!(s.account("zz").expect("q"), None);
}

/// A batch is ingested as if its items came one after another: an item answering another of
/// the same batch joins that one's thread (also through a chain), a remote id seen twice is
/// one item (the first), and a thread's pending items come back once.
pub(crate) fn one_batch_is_ingested_as_one_item_after_another(s: &mut dyn StoreBackend) {
    let first = [incoming("p", at(0)), incoming("q", at(0))];
    let r = s
        .ingest("a", ChannelKind::Mastodon, &first, None, at(0))
        .expect("first");
    let (p, q) = (r.new_items[0], r.new_items[1]);
    s.set_status(p, Status::Pending, "kim", "waiting", at(100))
        .expect("pending");
    s.record_reply(q, "our1", "on it", "kim", at(60))
        .expect("reply");
    let answer = |remote: &str, parent: &str| IncomingItem {
        in_reply_to: Some(parent.into()),
        kind: Kind::Reply,
        ..incoming(remote, at(300))
    };
    let again = IncomingItem {
        text: "the same post, seen twice".into(),
        ..incoming("a1", at(300))
    };
    let batch = [
        incoming("a1", at(300)),
        answer("a2", "a1"),
        answer("a3", "a2"),
        again,
        reply_in("p2", "p", at(300)),
        reply_in("p3", "p", at(300)),
        answer("x1", "our1"),
        incoming("q", at(300)),
    ];
    let r = s
        .ingest("a", ChannelKind::Mastodon, &batch, None, at(400))
        .expect("batch");
    assert_eq!(r.reopened, vec![p], "brought back once");
    assert_eq!(r.new_items.len(), 6, "a1, a2, a3, p2, p3, x1");
    assert!(r.new_items.windows(2).all(|w| w[0].0 < w[1].0), "in order");
    let roots: Vec<(String, String, TimerTarget)> = r
        .new_items
        .iter()
        .map(|&id| {
            let it = s.item(id).expect("item");
            (it.remote_id, it.thread_root, it.timer_target)
        })
        .collect();
    let first_response = TimerTarget::FirstResponse;
    assert_eq!(
        roots,
        [
            ("a1".into(), "a1".into(), first_response),
            ("a2".into(), "a1".into(), first_response),
            ("a3".into(), "a1".into(), first_response),
            ("p2".into(), "p".into(), first_response),
            ("p3".into(), "p".into(), first_response),
            ("x1".into(), "q".into(), TimerTarget::NextResponse),
        ]
    );
    assert_eq!(s.item(r.new_items[0]).expect("a1").text, "hello from a1");
    assert_eq!(s.item(p).expect("p").status, Status::New);
    let back = s.history(p).expect("history");
    assert_eq!(back.iter().filter(|h| h.to == Status::New).count(), 2);
}
