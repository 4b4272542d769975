use jiff::SignedDuration;

use super::*;
use crate::model::{ChannelKind, FollowUpMethod, ItemId};
use crate::sla::Policy;
use crate::testing::{at, item, t0};

/// Answered `after` seconds after it arrived at `created`.
fn answered(id: i64, account: &str, created: i64, after: Option<i64>) -> Item {
    let mut it = item(id, at(created), 0);
    it.account = account.into();
    it.channel = if account == "masto" {
        ChannelKind::Mastodon
    } else {
        ChannelKind::Demo
    };
    if let Some(a) = after {
        it.first_response_at = at(created).checked_add(SignedDuration::from_secs(a)).ok();
        it.status = Status::Replied;
        it.waiting_since = None;
    }
    it
}

fn data() -> (Vec<Item>, Vec<FollowUp>) {
    let day = 86_400;
    let items = vec![
        // masto: 60, 120, 180, 240, 600 seconds; one still waiting for 2 hours.
        answered(1, "masto", -3 * day, Some(60)),
        answered(2, "masto", -3 * day, Some(120)),
        answered(3, "masto", -2 * day, Some(180)),
        answered(4, "masto", -2 * day, Some(240)),
        answered(5, "masto", -day, Some(600)),
        answered(6, "masto", -7200, None),
        // demo: 30 and 4000 seconds; one from before the period.
        answered(7, "demo", -day, Some(30)),
        answered(8, "demo", -day, Some(4000)),
        answered(9, "demo", -30 * day, Some(10)),
    ];
    let f = |id: i64, item: i64, due: i64, closed: bool| FollowUp {
        id,
        item: ItemId(item),
        case_number: format!("CASE-{id}"),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: Some(at(due)),
        assignee: None,
        note: None,
        outcome: closed.then(|| "resolved".into()),
        created_at: at(-100),
        closed_at: closed.then(|| at(-50)),
    };
    (
        items,
        vec![
            f(1, 5, -60, false),
            f(2, 6, 3600, false),
            f(3, 8, -60, true),
        ],
    )
}

#[test]
fn figures_match_the_fixed_data_set() {
    let (items, followups) = data();
    let policies = Policies::new(
        Policy {
            warn_s: 60,
            breach_s: 300,
            hours: None,
        },
        vec![],
    );
    let since = at(-7 * 86_400);
    let r = build(&items, &followups, &policies, since, t0(), &TimeZone::UTC);
    assert_eq!(r.rows.len(), 2);
    let demo = &r.rows[0];
    assert_eq!(
        (demo.account.as_str(), demo.items_in, demo.replied),
        ("demo", 2, 2),
        "the old item is outside the period"
    );
    assert_eq!(
        (
            demo.median_first_response_s,
            demo.p90_first_response_s,
            demo.breaches
        ),
        (Some(30), Some(4000), 1)
    );
    let masto = &r.rows[1];
    assert_eq!((masto.items_in, masto.replied), (6, 5));
    assert_eq!(
        masto.median_first_response_s,
        Some(180),
        "nearest rank: 3rd of 5"
    );
    assert_eq!(
        masto.p90_first_response_s,
        Some(600),
        "nearest rank: 5th of 5"
    );
    assert_eq!(
        masto.breaches, 2,
        "600s > 300s, and the one still waiting 2h"
    );
    assert_eq!((masto.open_followups, masto.overdue_followups), (2, 1));
    assert_eq!(
        (demo.open_followups, demo.overdue_followups),
        (0, 0),
        "a closed follow-up does not count"
    );
    let t = &r.total;
    assert_eq!(
        (t.items_in, t.replied, t.breaches, t.open_followups),
        (8, 7, 3, 2)
    );
    assert_eq!(
        (t.median_first_response_s, t.p90_first_response_s),
        (Some(180), Some(4000))
    );
    let days: Vec<_> = r
        .days
        .iter()
        .map(|d| (d.date.as_str(), d.items_in, d.median_first_response_s))
        .collect();
    assert_eq!(
        days,
        vec![
            // The quiet days of the week are listed with zeros (a chart shows them).
            ("2026-11-19", 0, None),
            ("2026-11-20", 0, None),
            ("2026-11-21", 0, None),
            ("2026-11-22", 0, None),
            ("2026-11-23", 2, Some(60)),
            ("2026-11-24", 2, Some(180)),
            ("2026-11-25", 3, Some(600)),
            ("2026-11-26", 1, None)
        ]
    );
}

#[test]
fn business_hours_count_only_open_time() {
    let hours =
        crate::sla::BusinessHours::parse("UTC", "mon-fri", "09:00-17:00", &[]).expect("hours");
    let policies = Policies::new(
        Policy {
            warn_s: 900,
            breach_s: 3600,
            hours: Some(std::sync::Arc::new(hours)),
        },
        vec![],
    );
    // Friday 2026-11-20 16:30 UTC, answered Monday 09:30: one business hour.
    let created: i64 = "2026-11-20T16:30:00Z"
        .parse::<Timestamp>()
        .expect("ts")
        .as_second()
        - t0().as_second();
    let it = answered(1, "masto", created, Some(3 * 86_400 - 7 * 3600));
    let r = build(
        &[it],
        &[],
        &policies,
        at(-30 * 86_400),
        t0(),
        &TimeZone::UTC,
    );
    assert_eq!(r.rows[0].median_first_response_s, Some(3600));
    assert_eq!(
        r.rows[0].breaches, 0,
        "exactly at the target is not a breach"
    );
}

#[test]
fn percentiles_by_nearest_rank() {
    assert_eq!(percentile(&[], 0.5), None);
    assert_eq!(percentile(&[7], 0.9), Some(7));
    assert_eq!(percentile(&[1, 2, 3, 4], 0.5), Some(2));
    assert_eq!(percentile(&(1..=10).collect::<Vec<_>>(), 0.9), Some(9));
}

#[test]
fn figures_per_responder_count_who_answered_first() {
    let (items, _) = data();
    let policies = Policies::new(Policy::default(), Vec::new());
    let since = at(-7 * 86_400);
    let who = vec![
        (ItemId(1), "kim".to_string()),
        (ItemId(2), "kim".to_string()),
        (ItemId(3), "sam".to_string()),
        (ItemId(8), "kim".to_string()),
        // Before the period: not counted.
        (ItemId(9), "sam".to_string()),
    ];
    let rows = by_responder(&items, &who, &policies, since, t0());
    let names: Vec<_> = rows.iter().map(|r| (r.who.as_str(), r.replied)).collect();
    assert_eq!(names, vec![("kim", 3), ("sam", 1)], "busiest first");
    assert_eq!(rows[0].median_first_response_s, Some(120));
    assert_eq!(rows[0].p90_first_response_s, Some(4000));
    assert_eq!(
        rows[0].breaches,
        usize::from(4000 > Policy::default().breach_s),
        "item 8 took 4000 s"
    );
    assert_eq!(rows[1].median_first_response_s, Some(180));
}

/// A case opened on an item older than the period is still open: the report counts it.
#[test]
fn an_old_items_open_follow_up_is_counted() {
    use crate::model::FollowUpInput;
    use crate::store::conformance::incoming;
    use crate::store::prelude::*;
    let mut s = crate::store::sqlite::SqliteStore::open_in_memory().expect("store");
    let ids = s
        .ingest(
            "demo",
            ChannelKind::Demo,
            &[incoming("old", at(0)), incoming("new", at(900_000))],
            None,
            at(900_000),
        )
        .expect("ingest")
        .new_items;
    let input = FollowUpInput {
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: Some(at(1_000)),
        assignee: None,
        note: None,
    };
    s.create_followup(ids[0], &input, "CASE-{n:05}", "kim", at(100))
        .expect("case");
    let since = at(800_000);
    let (items, followups) = inputs(&mut s, since).expect("inputs");
    assert_eq!(
        items.len(),
        2,
        "the period's item and the old one with a case"
    );
    let r = build(
        &items,
        &followups,
        &Policies::default(),
        since,
        at(900_100),
        &jiff::tz::TimeZone::UTC,
    );
    assert_eq!(
        (
            r.total.items_in,
            r.total.open_followups,
            r.total.overdue_followups
        ),
        (1, 1, 1)
    );
}

#[test]
fn days_count_breaches_and_follow_ups_opened_and_closed() {
    let (items, mut followups) = data();
    // A case opened before the period and closed in it counts as closed, not opened.
    followups.push(FollowUp {
        id: 4,
        item: ItemId(9),
        case_number: "CASE-4".into(),
        method: FollowUpMethod::Email,
        contact: None,
        due_at: None,
        assignee: None,
        note: None,
        outcome: Some("refunded".into()),
        created_at: at(-20 * 86_400),
        closed_at: Some(at(-2 * 86_400)),
    });
    let policies = Policies::new(
        Policy {
            warn_s: 60,
            breach_s: 300,
            hours: None,
        },
        vec![],
    );
    let r = build(
        &items,
        &followups,
        &policies,
        at(-7 * 86_400),
        t0(),
        &TimeZone::UTC,
    );
    let sum = |f: fn(&Day) -> usize| r.days.iter().map(f).sum::<usize>();
    assert_eq!(sum(|d| d.items_in), r.total.items_in);
    assert_eq!(sum(|d| d.replied), r.total.replied);
    assert_eq!(sum(|d| d.breaches), r.total.breaches, "per day as in total");
    assert_eq!(
        sum(|d| d.followups_opened),
        3,
        "the three opened in the period"
    );
    assert_eq!(sum(|d| d.followups_closed), 2, "CASE-3 and the old CASE-4");
    assert_eq!((r.total.followups_opened, r.total.followups_closed), (3, 2));
    let last = r.days.last().expect("a day");
    assert_eq!(last.followups_opened, 3, "all opened at t0 - 100 s");
    // Three answers 60..240 s two and three days back; the busiest day's p90 is its slowest.
    let d = r
        .days
        .iter()
        .find(|d| d.replied == 2 && d.median_first_response_s == Some(60));
    assert!(
        d.is_some_and(|d| d.p90_first_response_s == Some(120)),
        "{:?}",
        r.days
    );
}
