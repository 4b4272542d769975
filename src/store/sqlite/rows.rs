//! Mapping between rows and domain types.

use jiff::Timestamp;
use rusqlite::Row;

use crate::model::{
    Author, FollowUp, FollowUpMethod, HistoryEntry, Item, ItemId, OutboxEntry, OutboxState,
    ThreadEntry, TimerTarget,
};

pub const ITEM_COLUMNS: &str = "i.id, i.account, i.channel, i.kind, i.remote_id, i.url, i.author_handle, \
    i.author_name, i.text, i.created_at, i.first_seen_at, i.status, i.priority, i.tags, i.assignee, \
    i.thread_root, i.in_reply_to, i.visibility, i.timer_target, i.waiting_since, i.paused_secs, \
    i.paused_since, i.snoozed_until, i.first_response_at, i.read, \
    EXISTS (SELECT 1 FROM drafts d WHERE d.item_id = i.id)";

pub const OUTBOX_COLUMNS: &str = "id, item_id, text, idempotency_key, state, attempts, last_error, \
    next_attempt_at, remote_id, created_at";

pub const FOLLOWUP_COLUMNS: &str = "id, item_id, case_number, method, contact, due_at, assignee, \
    note, outcome, created_at, closed_at";

pub fn secs(t: Timestamp) -> i64 {
    t.as_second()
}

pub fn ts(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn ts_opt(s: Option<i64>) -> Option<Timestamp> {
    s.map(ts)
}

/// Parse a stored enum; a value this build does not know is a readable error, not a panic.
fn parse<T: std::str::FromStr<Err = String>>(idx: usize, s: String) -> rusqlite::Result<T> {
    s.parse::<T>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, e.into())
    })
}

pub fn item(r: &Row<'_>) -> rusqlite::Result<Item> {
    let tags: String = r.get(13)?;
    let target: String = r.get(18)?;
    Ok(Item {
        id: ItemId(r.get(0)?),
        account: r.get(1)?,
        channel: parse(2, r.get(2)?)?,
        kind: parse(3, r.get(3)?)?,
        remote_id: r.get(4)?,
        url: r.get(5)?,
        author: Author {
            handle: r.get(6)?,
            name: r.get(7)?,
        },
        text: r.get(8)?,
        created_at: ts(r.get(9)?),
        first_seen_at: ts(r.get(10)?),
        status: parse(11, r.get(11)?)?,
        priority: parse(12, r.get(12)?)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        assignee: r.get(14)?,
        thread_root: r.get(15)?,
        in_reply_to: r.get(16)?,
        visibility: parse(17, r.get(17)?)?,
        timer_target: if target == "next_response" {
            TimerTarget::NextResponse
        } else {
            TimerTarget::FirstResponse
        },
        waiting_since: ts_opt(r.get(19)?),
        paused_secs: r.get(20)?,
        paused_since: ts_opt(r.get(21)?),
        snoozed_until: ts_opt(r.get(22)?),
        first_response_at: ts_opt(r.get(23)?),
        read: r.get(24)?,
        has_draft: r.get(25)?,
    })
}

pub fn history(r: &Row<'_>) -> rusqlite::Result<HistoryEntry> {
    let from: Option<String> = r.get(2)?;
    Ok(HistoryEntry {
        at: ts(r.get(0)?),
        who: r.get(1)?,
        from: from.map(|f| parse(2, f)).transpose()?,
        to: parse(3, r.get(3)?)?,
        why: r.get(4)?,
    })
}

pub fn thread_entry(r: &Row<'_>) -> rusqlite::Result<ThreadEntry> {
    Ok(ThreadEntry {
        remote_id: r.get(0)?,
        author: Author {
            handle: r.get(1)?,
            name: r.get(2)?,
        },
        text: r.get(3)?,
        created_at: ts(r.get(4)?),
        outbound: r.get(5)?,
        item: r.get::<_, Option<i64>>(6)?.map(ItemId),
    })
}

pub fn outbox_entry(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let state: String = r.get(4)?;
    Ok(OutboxEntry {
        id: r.get(0)?,
        item: ItemId(r.get(1)?),
        text: r.get(2)?,
        idempotency_key: r.get(3)?,
        state: state.parse().unwrap_or(OutboxState::Failed),
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        next_attempt_at: ts(r.get(7)?),
        remote_id: r.get(8)?,
        created_at: ts(r.get(9)?),
    })
}

pub fn followup(r: &Row<'_>) -> rusqlite::Result<FollowUp> {
    let method: String = r.get(3)?;
    Ok(FollowUp {
        id: r.get(0)?,
        item: ItemId(r.get(1)?),
        case_number: r.get(2)?,
        method: method.parse().unwrap_or(FollowUpMethod::Other),
        contact: r.get(4)?,
        due_at: ts_opt(r.get(5)?),
        assignee: r.get(6)?,
        note: r.get(7)?,
        outcome: r.get(8)?,
        created_at: ts(r.get(9)?),
        closed_at: ts_opt(r.get(10)?),
    })
}
