use super::*;
use std::sync::Arc;

#[test]
fn formats_ages() {
    for (s, want) in [
        (0, "0s"),
        (45, "45s"),
        (59, "59s"),
        (60, "1m"),
        (12 * 60 + 5, "12m"),
        (3600, "1h00m"),
        (3900, "1h05m"),
        (86_399, "23h59m"),
        (2 * 86_400 + 5, "2d"),
        (-5, "0s"),
    ] {
        assert_eq!(format_age(s), want, "{s}s");
    }
}

#[test]
fn parses_durations() {
    assert_eq!(parse_duration("15m"), Ok(900));
    assert_eq!(parse_duration("1h30m"), Ok(5400));
    assert_eq!(parse_duration(" 2d "), Ok(172_800));
    assert!(parse_duration("15").is_err());
    assert!(parse_duration("m").is_err());
    assert!(parse_duration("1x").is_err());
    assert!(parse_duration("").is_err());
    assert!(parse_duration("99999999999999999w").is_err());
}

#[test]
fn next_change_follows_text_and_thresholds() {
    let p = Policy::default();
    assert_eq!(secs_to_next_change(10, &p), 1);
    assert_eq!(secs_to_next_change(61, &p), 59);
    assert_eq!(secs_to_next_change(899, &p), 1); // warn at 900
    assert_eq!(secs_to_next_change(3600 + 30, &p), 30);
    assert_eq!(secs_to_next_change(86_400 + 10, &p), 86_390);
}

use crate::testing::{item, t0};

#[test]
fn timer_states_follow_policy() {
    let p = Policy::default();
    let now = t0();
    for (age, want) in [
        (0, TimerState::Ok),
        (899, TimerState::Ok),
        (900, TimerState::Warn),
        (3599, TimerState::Warn),
        (3600, TimerState::Breached),
        (90_000, TimerState::Breached),
    ] {
        let t = timer(&item(1, now, age), &p, now);
        assert_eq!(t.state, want, "age {age}");
        assert_eq!(t.elapsed_s, age);
    }
}

#[test]
fn closed_and_answered_items_have_no_clock() {
    let now = t0();
    for status in [Status::Done, Status::Ignored, Status::Replied] {
        let mut it = item(1, now, 5000);
        it.status = status;
        assert_eq!(timer(&it, &Policy::default(), now).state, TimerState::None);
    }
}

#[test]
fn pending_freezes_the_clock() {
    let now = t0();
    let mut it = item(1, now, 3 * 3600);
    it.status = Status::Pending;
    // Paused 20 minutes after arrival: 20m elapsed, frozen.
    it.paused_since = Some(
        it.created_at
            .checked_add(SignedDuration::from_secs(1200))
            .expect("t"),
    );
    let t = timer(&it, &Policy::default(), now);
    assert_eq!(t.state, TimerState::Paused);
    assert_eq!(t.elapsed_s, 1200);
    assert_eq!(t.due_at, None);
}

#[test]
fn earlier_pauses_are_subtracted() {
    let now = t0();
    let mut it = item(1, now, 3600);
    it.paused_secs = 3000;
    let t = timer(&it, &Policy::default(), now);
    assert_eq!((t.state, t.elapsed_s), (TimerState::Ok, 600));
    let due = it
        .created_at
        .checked_add(SignedDuration::from_secs(3600 + 3000))
        .expect("t");
    assert_eq!(t.due_at, Some(due));
}

fn dm_rule() -> Rule {
    Rule {
        channel: Some(crate::model::ChannelKind::Demo),
        account: None,
        kind: Some(crate::model::Kind::Dm),
        priority: None,
        tag: None,
        policy: Policy {
            warn_s: 300,
            breach_s: 1800,
            hours: None,
        },
    }
}

#[test]
fn the_first_matching_rule_sets_the_policy() {
    let mut vip = dm_rule();
    vip.kind = None;
    vip.tag = Some("vip".into());
    vip.policy.breach_s = 600;
    let p = Policies::new(Policy::default(), vec![dm_rule(), vip]);
    let now = t0();
    let mut dm = item(1, now, 20 * 60);
    dm.kind = crate::model::Kind::Dm;
    assert_eq!(p.for_item(&dm).breach_s, 1800);
    assert_eq!(
        p.timer(&dm, now).state,
        TimerState::Warn,
        "20m against 5m/30m"
    );
    let mention = item(2, now, 20 * 60);
    assert_eq!(p.for_item(&mention), &Policy::default());
    assert_eq!(p.timer(&mention, now).state, TimerState::Warn);
    let mut tagged = item(3, now, 20 * 60);
    tagged.tags = vec!["vip".into()];
    assert_eq!(
        (p.for_item(&tagged).breach_s, p.timer(&tagged, now).state),
        (600, TimerState::Breached)
    );
    let mut other_account = dm.clone();
    other_account.channel = crate::model::ChannelKind::Mastodon;
    assert_eq!(
        p.for_item(&other_account),
        &Policy::default(),
        "channel must match too"
    );
}

#[test]
fn business_hours_stop_the_clock_outside_them() {
    let hours =
        hours::BusinessHours::parse("Europe/Berlin", "mon-fri", "09:00-17:00", &[]).expect("hours");
    let policy = Policy {
        warn_s: 15 * 60,
        breach_s: 30 * 60,
        hours: Some(Arc::new(hours)),
    };
    // Friday 2026-11-20 16:45 Berlin (15:45Z).
    let created: Timestamp = "2026-11-20T15:45:00Z".parse().expect("ts");
    let mut it = item(1, created, 0);
    it.waiting_since = Some(created);
    let at_utc = |s: &str| s.parse::<Timestamp>().expect("ts");
    let t = timer(&it, &policy, at_utc("2026-11-21T12:00:00Z"));
    assert_eq!(
        (t.state, t.elapsed_s),
        (TimerState::Warn, 15 * 60),
        "Saturday: still the 15 minutes of Friday"
    );
    assert_eq!(
        t.due_at,
        Some(at_utc("2026-11-23T08:15:00Z")),
        "due Monday 09:15 Berlin"
    );
    let t = timer(&it, &policy, at_utc("2026-11-23T08:10:00Z"));
    assert_eq!((t.state, t.elapsed_s), (TimerState::Warn, 25 * 60));
    let t = timer(&it, &policy, at_utc("2026-11-23T08:16:00Z"));
    assert_eq!(t.state, TimerState::Breached);
}
