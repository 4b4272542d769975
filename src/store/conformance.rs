//! The store test suite, written once for every backend: each function gets a fresh, empty
//! store (as user "kim") and checks one behaviour of [`StoreBackend`]. A backend's tests run them
//! all with [`conformance_suite!`]`(run)`, where `run(f)` calls `f` on a fresh store.

use jiff::Timestamp;

use crate::model::{
    Author, ChannelKind, IncomingItem, ItemId, Kind, RowBuilder, Status, TimerTarget, Visibility,
};
use crate::store::{ItemQuery, StoreBackend, StoreError};
use crate::testing::at;

/// One `#[test]` per conformance function, each calling `$run(function)`.
macro_rules! conformance_suite {
    ($run:path) => {
        $crate::store::conformance::conformance_suite!(@tests $run;
            ingest_dedups_and_keeps_cursor,
            ingest_sanitizes_remote_text,
            status_changes_pause_and_resume_the_clock,
            reply_answers_the_thread_and_next_message_gets_next_response_clock,
            a_new_message_brings_back_pending_items_of_the_thread,
            reopening_a_done_item_starts_a_fresh_clock,
            drafts_round_trip,
            list_filters,
            list_rows_are_the_listed_items,
            an_answer_to_our_reply_joins_the_thread,
            feed_entries_wait_from_when_they_are_first_seen,
            followups_get_case_numbers_pause_the_clock_and_close_with_an_outcome,
            a_snoozed_item_comes_back_when_its_time_is_up,
            leaving_snoozed_forgets_the_wake_time,
            priority_changes_are_kept_and_recorded,
            tags_and_assignee_are_kept_and_recorded,
            read_marks_are_kept,
            sync_errors_are_kept_until_the_next_sync,
            notes_are_recorded_in_the_history,
            outbox_queues_sends_and_records_the_reply,
            failed_replies_are_kept_and_can_be_resent,
            activity_since_shows_new_messages_and_replies_by_others,
            first_responders_name_who_answered_each_item,
        );
    };
    (@tests $run:path; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                $run($crate::store::conformance::$name);
            }
        )*
    };
}
pub(crate) use conformance_suite;

pub(crate) fn incoming(remote: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        remote_id: remote.into(),
        kind: Kind::Mention,
        author: Author {
            handle: "@kim@example.social".into(),
            name: "Kim".into(),
        },
        text: format!("hello from {remote}"),
        url: None,
        created_at: created,
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

pub(crate) fn reply_in(remote: &str, root: &str, created: Timestamp) -> IncomingItem {
    IncomingItem {
        thread_root: Some(root.into()),
        in_reply_to: Some(root.into()),
        kind: Kind::Reply,
        ..incoming(remote, created)
    }
}

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

pub(crate) fn status_changes_pause_and_resume_the_clock(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_status(
        id,
        Status::Pending,
        "kim",
        "asked for the order number",
        at(600),
    )
    .expect("pending");
    let it = s.item(id).expect("item");
    assert_eq!(it.paused_since, Some(at(600)));
    s.set_status(id, Status::New, "kim", "back", at(1800))
        .expect("new");
    let it = s.item(id).expect("item");
    assert_eq!((it.paused_secs, it.paused_since), (1200, None));
    assert_eq!(
        it.waiting_since,
        Some(at(0)),
        "resuming keeps the original start"
    );
    // Same status: nothing recorded.
    s.set_status(id, Status::New, "kim", "again", at(1900))
        .expect("noop");
    let h = s.history(id).expect("h");
    assert_eq!(h.len(), 3);
    assert_eq!(
        (h[1].who.as_str(), h[1].why.as_str(), h[1].from, h[1].to),
        (
            "kim",
            "asked for the order number",
            Some(Status::New),
            Status::Pending
        )
    );
    assert!(matches!(
        s.set_status(ItemId(999), Status::Done, "k", "x", at(0)),
        Err(StoreError::NoSuchItem(_))
    ));
}

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

pub(crate) fn reopening_a_done_item_starts_a_fresh_clock(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.record_reply(id, "o", "hi", "kim", at(50)).expect("reply");
    s.set_status(id, Status::Done, "kim", "done", at(60))
        .expect("done");
    assert!(
        s.list_items(&ItemQuery::default())
            .expect("open")
            .is_empty()
    );
    assert_eq!(
        s.list_items(&ItemQuery {
            all: true,
            ..ItemQuery::default()
        })
        .expect("all")
        .len(),
        1
    );
    s.set_status(id, Status::New, "kim", "reopened", at(500))
        .expect("new");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.waiting_since, it.timer_target),
        (Some(at(500)), TimerTarget::NextResponse)
    );
}

pub(crate) fn drafts_round_trip(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    assert_eq!(s.draft(id).expect("d"), None);
    s.save_draft(id, "first", at(1)).expect("save");
    s.save_draft(id, "second", at(2)).expect("save");
    assert_eq!(s.draft(id).expect("d").as_deref(), Some("second"));
    assert!(s.item(id).expect("i").has_draft);
    s.save_draft(id, "  ", at(3)).expect("clear");
    assert_eq!(
        (s.draft(id).expect("d"), s.draft_count().expect("n")),
        (None, 0)
    );
    assert!(matches!(
        s.save_draft(ItemId(77), "x", at(0)),
        Err(StoreError::NoSuchItem(_))
    ));
}

pub(crate) fn list_filters(s: &mut dyn StoreBackend) {
    let ids = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("1", at(0)), incoming("2", at(1))],
            None,
            at(2),
        )
        .expect("i")
        .new_items;
    s.ingest("b", ChannelKind::Demo, &[incoming("3", at(3))], None, at(4))
        .expect("i");
    s.set_status(ids[0], Status::Ignored, "k", "spam", at(5))
        .expect("s");
    let q = |statuses: Vec<Status>, account: Option<&str>, limit| ItemQuery {
        statuses,
        all: false,
        account: account.map(String::from),
        limit,
        ..ItemQuery::default()
    };
    assert_eq!(s.list_items(&q(vec![], None, None)).expect("l").len(), 2);
    assert_eq!(
        s.list_items(&q(vec![Status::Ignored], None, None))
            .expect("l")
            .len(),
        1
    );
    assert_eq!(
        s.list_items(&q(vec![], Some("a"), None)).expect("l").len(),
        1
    );
    assert_eq!(s.list_items(&q(vec![], None, Some(1))).expect("l").len(), 1);
    // A period (written since) and a window (first seen since), over every status.
    let since = |created: Option<i64>, seen: Option<i64>| ItemQuery {
        all: true,
        created_since: created.map(at),
        seen_since: seen.map(at),
        ..ItemQuery::default()
    };
    let remote = |q: ItemQuery, s: &mut dyn StoreBackend| -> Vec<String> {
        s.list_items(&q)
            .expect("l")
            .into_iter()
            .map(|i| i.remote_id)
            .collect()
    };
    assert_eq!(remote(since(Some(1), None), s), vec!["3", "2"]);
    assert_eq!(remote(since(None, Some(3)), s), vec!["3"]);
    assert_eq!(remote(since(Some(0), Some(0)), s), vec!["3", "2", "1"]);
}

/// The inbox's rows say what the whole items say, in the same order, for every query; a
/// reload shares what did not change.
pub(crate) fn list_rows_are_the_listed_items(s: &mut dyn StoreBackend) {
    let mut dm = incoming("2", at(1));
    dm.kind = Kind::Dm;
    dm.visibility = Visibility::Direct;
    dm.url = Some("https://example.social/@kim/2".into());
    dm.author.name = String::new();
    dm.text = "a longer text: café ☕, where is my order? ".repeat(20);
    let ids = s
        .ingest(
            "a",
            ChannelKind::Mastodon,
            &[incoming("1", at(0)), dm, incoming("3", at(2))],
            None,
            at(3),
        )
        .expect("i")
        .new_items;
    s.ingest("b", ChannelKind::Demo, &[incoming("4", at(4))], None, at(5))
        .expect("i");
    s.set_tags(ids[0], &["vip".into(), "refund".into()], "kim", at(6))
        .expect("tags");
    s.set_assignee(ids[0], Some("sam"), "kim", at(6))
        .expect("assign");
    s.set_assignee(ids[1], Some("sam"), "kim", at(6))
        .expect("assign");
    s.set_status(ids[1], Status::Pending, "kim", "asked", at(7))
        .expect("pending");
    s.set_status(ids[2], Status::Done, "kim", "done", at(7))
        .expect("done");
    s.set_read(ids[0], true).expect("read");
    s.save_draft(ids[0], "draft", at(8)).expect("draft");
    for q in [
        ItemQuery::default(),
        ItemQuery {
            all: true,
            ..ItemQuery::default()
        },
        ItemQuery {
            account: Some("a".into()),
            limit: Some(1),
            ..ItemQuery::default()
        },
    ] {
        let items = s.list_items(&q).expect("items");
        let rows = s.list_rows(&q, &mut RowBuilder::default()).expect("rows");
        assert_eq!(rows.len(), items.len(), "{q:?}");
        for (row, item) in rows.iter().zip(&items) {
            assert!(row.describes(item), "{q:?}: {row:?} vs {item:?}");
            assert_eq!(row.text(), item.text);
        }
    }
    let mut builder = RowBuilder::default();
    let all = ItemQuery {
        all: true,
        ..ItemQuery::default()
    };
    let rows = s.list_rows(&all, &mut builder).expect("rows");
    assert_eq!(rows.len(), 4);
    // A reload shares what did not change with the rows on screen, and only that.
    s.set_tags(ids[0], &["vip".into()], "kim", at(9))
        .expect("tags");
    let again = s.list_rows(&all, &mut builder).expect("reload");
    assert_eq!(again.len(), 4);
    for (old, new) in rows.iter().zip(&again) {
        assert!(old.shares_text_with(new), "#{}", old.id);
        assert_eq!(old == new, old.id != ids[0], "#{}", old.id);
    }
    assert_eq!(again[3].tags(), &["vip".to_string()]);
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

pub(crate) fn followups_get_case_numbers_pause_the_clock_and_close_with_an_outcome(
    s: &mut dyn StoreBackend,
) {
    use crate::model::{FollowUpInput, FollowUpMethod};
    let ids = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("1", at(0)), incoming("2", at(10))],
            None,
            at(20),
        )
        .expect("i")
        .new_items;
    let input = FollowUpInput {
        method: FollowUpMethod::Phone,
        contact: Some("+49 30 1234\u{1b}[2J".into()),
        due_at: Some(at(7200)),
        assignee: Some("kim".into()),
        note: Some("call about the double charge".into()),
    };
    let f = s
        .create_followup(ids[0], &input, "CASE-{n:05}", "kim", at(600))
        .expect("create");
    assert_eq!(
        (f.case_number.as_str(), f.contact.as_deref()),
        ("CASE-00001", Some("+49 30 1234"))
    );
    let it = s.item(ids[0]).expect("item");
    assert_eq!(
        (it.status, it.paused_since, it.assignee.as_deref()),
        (Status::FollowUp, Some(at(600)), Some("kim"))
    );
    assert!(
        s.create_followup(ids[0], &input, "CASE-{n:05}", "kim", at(601))
            .is_err(),
        "one open follow-up per item"
    );
    let g = s
        .create_followup(
            ids[1],
            &FollowUpInput {
                due_at: None,
                ..input.clone()
            },
            "CASE-{n:05}",
            "kim",
            at(700),
        )
        .expect("second");
    assert_eq!(g.case_number, "CASE-00002");
    let open = s.followups(false).expect("list");
    assert_eq!(
        open.iter()
            .map(|f| f.case_number.as_str())
            .collect::<Vec<_>>(),
        vec!["CASE-00001", "CASE-00002"],
        "due first"
    );
    let closed = s
        .resolve_followup(ids[0], "refunded", true, "kim", at(900))
        .expect("resolve");
    assert_eq!(
        (closed.outcome.as_deref(), closed.closed_at),
        (Some("refunded"), Some(at(900)))
    );
    assert_eq!(s.item(ids[0]).expect("item").status, Status::Done);
    assert_eq!(s.followups(false).expect("open").len(), 1);
    assert_eq!(s.followups(true).expect("all").len(), 2);
    assert!(
        s.history(ids[0])
            .expect("h")
            .iter()
            .any(|h| h.why.contains("CASE-00001 closed: refunded"))
    );
    assert!(
        s.resolve_followup(ids[0], "again", true, "kim", at(901))
            .is_err(),
        "nothing open any more"
    );
}

pub(crate) fn a_snoozed_item_comes_back_when_its_time_is_up(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.snooze(id, at(3600), "kim", at(600)).expect("snooze");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.snoozed_until, it.paused_since),
        (Status::Snoozed, Some(at(3600)), Some(at(600)))
    );
    assert!(s.wake_snoozed(at(3599)).expect("early").is_empty());
    assert_eq!(s.wake_snoozed(at(3600)).expect("due"), vec![id]);
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.status, it.snoozed_until, it.paused_secs),
        (Status::New, None, 3000)
    );
    assert_eq!(
        s.history(id).expect("h").last().map(|h| h.why.clone()),
        Some("snooze ended".into())
    );
}

pub(crate) fn leaving_snoozed_forgets_the_wake_time(s: &mut dyn StoreBackend) {
    let items = [incoming("1", at(0)), incoming("2", at(0))];
    let ids = s
        .ingest("a", ChannelKind::Demo, &items, None, at(0))
        .expect("i")
        .new_items;
    // Reopened by hand before the time is up.
    s.snooze(ids[0], at(3600), "kim", at(600)).expect("snooze");
    s.set_status(ids[0], Status::New, "kim", "reopened", at(700))
        .expect("reopen");
    let it = s.item(ids[0]).expect("item");
    assert_eq!((it.status, it.snoozed_until), (Status::New, None));
    // Answered while snoozed.
    s.snooze(ids[1], at(3600), "kim", at(600)).expect("snooze");
    s.record_reply(ids[1], "out-9", "on it", "kim", at(800))
        .expect("reply");
    let it = s.item(ids[1]).expect("item");
    assert_eq!((it.status, it.snoozed_until), (Status::Replied, None));
    // Snoozing again sets a new time.
    s.snooze(ids[0], at(7200), "kim", at(900)).expect("again");
    assert_eq!(s.item(ids[0]).expect("item").snoozed_until, Some(at(7200)));
}

pub(crate) fn priority_changes_are_kept_and_recorded(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_priority(id, crate::model::Priority::Urgent, "kim", at(5))
        .expect("set");
    assert_eq!(
        s.item(id).expect("item").priority,
        crate::model::Priority::Urgent
    );
    let h = s.history(id).expect("h");
    assert_eq!(
        (
            h.last().map(|h| h.why.as_str()),
            h.last().map(|h| h.who.as_str())
        ),
        (Some("priority urgent"), Some("kim"))
    );
}

pub(crate) fn tags_and_assignee_are_kept_and_recorded(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_tags(
        id,
        &["vip".into(), "refund\u{1b}[2J".into(), " ".into()],
        "kim",
        at(1),
    )
    .expect("tags");
    s.set_assignee(id, Some("sam"), "kim", at(2))
        .expect("assign");
    let it = s.item(id).expect("item");
    assert_eq!(
        (it.tags, it.assignee.as_deref()),
        (vec!["vip".to_string(), "refund".to_string()], Some("sam"))
    );
    s.set_assignee(id, None, "kim", at(3)).expect("unassign");
    assert_eq!(s.item(id).expect("item").assignee, None);
    let why: Vec<String> = s
        .history(id)
        .expect("h")
        .into_iter()
        .map(|h| h.why)
        .collect();
    assert_eq!(
        &why[1..],
        &["tags: vip, refund", "assigned to sam", "unassigned"]
    );
}

pub(crate) fn read_marks_are_kept(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    assert!(!s.item(id).expect("item").read);
    s.set_read(id, true).expect("read");
    s.set_read(id, true).expect("read twice");
    assert!(s.item(id).expect("item").read);
    assert!(s.list_items(&ItemQuery::default()).expect("list")[0].read);
    s.set_read(id, false).expect("unread");
    assert!(!s.item(id).expect("item").read);
    assert!(matches!(
        s.set_read(ItemId(999), true),
        Err(StoreError::NoSuchItem(_))
    ));
    assert!(matches!(
        s.item(ItemId(999)),
        Err(StoreError::NoSuchItem(_))
    ));
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

pub(crate) fn notes_are_recorded_in_the_history(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.add_note(id, "called them\u{1b}[2J back", "kim", at(9))
        .expect("note");
    let h = s.history(id).expect("h");
    let last = h.last().expect("entry");
    assert_eq!(
        (last.who.as_str(), last.why.as_str(), last.from, last.to),
        (
            "kim",
            "note: called them back",
            Some(Status::New),
            Status::New
        )
    );
    assert!(matches!(
        s.add_note(ItemId(999), "x", "kim", at(9)),
        Err(StoreError::NoSuchItem(_))
    ));
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
