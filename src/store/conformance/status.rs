//! The conformance suite: status changes and the other edits of an item: pauses, reopening, priority, tags, notes, read marks, drafts.

use super::incoming;
use crate::model::{ChannelKind, ItemId, Status, TimerTarget};
use crate::store::{ItemQuery, StoreBackend, StoreError};
use crate::testing::at;

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

pub(crate) fn undoing_done_keeps_the_clock_and_the_breach(s: &mut dyn StoreBackend) {
    let id = s
        .ingest("a", ChannelKind::Demo, &[incoming("1", at(0))], None, at(0))
        .expect("i")
        .new_items[0];
    s.set_status(id, Status::Done, "kim", "done", at(7200))
        .expect("done");
    s.restore_status(id, Status::New, "kim", "undo: back to new", at(7210))
        .expect("undo");
    let it = s.item(id).expect("item");
    assert_eq!(it.status, Status::New);
    assert_eq!(
        (it.waiting_since, it.timer_target),
        (Some(at(0)), TimerTarget::FirstResponse),
        "the two hours it waited still count"
    );
    let h = s.history(id).expect("h");
    let last = h.last().expect("recorded");
    assert_eq!(
        (last.from, last.to, last.why.as_str()),
        (Some(Status::Done), Status::New, "undo: back to new")
    );
    // Undoing a pause resumes the clock like any change.
    s.set_status(id, Status::Pending, "kim", "asked", at(7300))
        .expect("pending");
    s.restore_status(id, Status::New, "kim", "undo", at(7400))
        .expect("undo");
    let it = s.item(id).expect("item");
    assert_eq!((it.paused_secs, it.paused_since), (100, None));
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
