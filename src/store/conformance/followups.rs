//! The conformance suite: follow-ups and snoozes.

use super::incoming;
use crate::model::{ChannelKind, Status};
use crate::store::StoreBackend;
use crate::testing::at;

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

/// Closing a case but keeping the item open sends no reply: the item goes back to the status
/// it had before (its clock running again, so a breach still shows); one answered meanwhile
/// stays answered.
pub(crate) fn keeping_an_item_open_after_its_case_brings_back_its_status_and_clock(
    s: &mut dyn StoreBackend,
) {
    use crate::model::{FollowUpInput, FollowUpMethod};
    use crate::sla::{Policies, TimerState};
    let items = [
        incoming("1", at(0)),
        incoming("2", at(0)),
        incoming("3", at(0)),
    ];
    let ids = s
        .ingest("a", ChannelKind::Demo, &items, None, at(0))
        .expect("i")
        .new_items;
    let input = FollowUpInput {
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: None,
        assignee: None,
        note: None,
    };
    s.set_status(ids[1], Status::Pending, "kim", "asked", at(100))
        .expect("pending");
    for &id in &ids {
        s.create_followup(id, &input, "C-{n}", "kim", at(600))
            .expect("offline");
    }
    s.record_reply(ids[2], "out-1", "called you", "kim", at(700))
        .expect("reply");
    for &id in &ids {
        s.resolve_followup(id, "no answer", false, "kim", at(900))
            .expect("resolve");
    }
    let it = s.item(ids[0]).expect("item");
    assert_eq!(
        (it.status, it.paused_since, it.paused_secs),
        (Status::New, None, 300),
        "back to new, the offline time paused"
    );
    let t = Policies::default().timer(&it, at(4000));
    assert_eq!((t.state, t.elapsed_s), (TimerState::Breached, 3700));
    assert_eq!(s.item(ids[1]).expect("item").status, Status::Pending);
    assert_eq!(s.item(ids[2]).expect("item").status, Status::Replied);
    let h = s.history(ids[2]).expect("history");
    assert!(
        h.last()
            .is_some_and(|h| h.why == "follow-up C-3 closed: no answer"),
        "{h:?}"
    );
    assert!(s.followups(false).expect("open").is_empty());
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
