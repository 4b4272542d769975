//! Fixtures for tests (unit, integration and benchmarks). Not used by the application.

use jiff::{SignedDuration, Timestamp};

use crate::model::{
    Author, ChannelKind, Item, ItemId, Kind, Priority, Status, TimerTarget, Visibility,
};

/// A fixed instant for tests: 2026-11-26T10:00:00Z.
pub fn t0() -> Timestamp {
    Timestamp::from_second(1_795_687_200).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// `t0()` plus `secs`.
pub fn at(secs: i64) -> Timestamp {
    t0().checked_add(SignedDuration::from_secs(secs))
        .unwrap_or(t0())
}

/// A new demo mention created `age_s` seconds before `now`, waiting for a first response.
pub fn item(id: i64, now: Timestamp, age_s: i64) -> Item {
    let created = now
        .checked_sub(SignedDuration::from_secs(age_s))
        .unwrap_or(now);
    Item {
        id: ItemId(id),
        account: "demo".into(),
        channel: ChannelKind::Demo,
        kind: Kind::Mention,
        remote_id: format!("r{id}"),
        url: Some(format!("https://demo.invalid/posts/{id}")),
        author: Author {
            handle: format!("@user{id}@demo.invalid"),
            name: format!("User {id}"),
        },
        text: format!("Message number {id}: my order has not arrived"),
        created_at: created,
        first_seen_at: created,
        status: Status::New,
        priority: Priority::Normal,
        tags: Vec::new(),
        assignee: None,
        thread_root: format!("r{id}"),
        in_reply_to: None,
        visibility: Visibility::Public,
        timer_target: TimerTarget::FirstResponse,
        waiting_since: Some(created),
        paused_secs: 0,
        paused_since: None,
        snoozed_until: None,
        first_response_at: None,
        read: false,
        has_draft: false,
    }
}
