//! Mapping rows to domain types, written once: each backend's row type reads a column by
//! its index ([`Cols`]); the backends keep only their column lists where they differ.

use jiff::Timestamp;

use crate::model::{
    Author, FollowUp, FollowUpMethod, HistoryEntry, Item, ItemId, OutboxEntry, OutboxState,
    ThreadEntry, TimerTarget,
};
use crate::store::sql::{Arg, Sql};
pub use crate::store::sql::{Col, Cols};
use crate::store::{StoreError, StoreResult};

/// The columns of an item row (`items i`), with `$read` the expression of its read flag.
macro_rules! item_columns {
    ($read:literal) => {
        concat!(
            "i.id, i.account, i.channel, i.kind, i.remote_id, i.url, i.author_handle, \
             i.author_name, i.text, i.created_at, i.first_seen_at, i.status, i.priority, i.tags, \
             i.assignee, i.thread_root, i.in_reply_to, i.visibility, i.timer_target, \
             i.waiting_since, i.paused_secs, i.paused_since, i.snoozed_until, i.first_response_at, ",
            $read,
            ", EXISTS (SELECT 1 FROM drafts d WHERE d.item_id = i.id)"
        )
    };
}

/// The item columns and their arguments, for a query whose own arguments follow them: a team
/// store shows the user's read position (`?1`), a one-person store its one flag.
pub fn item_columns<S: Sql>(s: &S) -> (&'static str, Vec<Arg<'static>>) {
    match s.user() {
        Some(user) => (
            item_columns!(
                "EXISTS (SELECT 1 FROM item_reads r WHERE r.item_id = i.id AND r.who = ?1::TEXT)"
            ),
            vec![Arg::from(user)],
        ),
        None => (item_columns!("i.read"), Vec::new()),
    }
}

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
fn parse<T: std::str::FromStr<Err = String>>(r: &impl Cols, idx: usize) -> StoreResult<T> {
    let s: String = r.col(idx)?;
    s.parse::<T>()
        .map_err(|e| StoreError::Db(format!("column {idx}: {e}")))
}

fn get<T: Col>(r: &impl Cols, idx: usize) -> StoreResult<T> {
    r.col(idx)
}

pub fn item(r: &impl Cols) -> StoreResult<Item> {
    let tags: String = get(r, 13)?;
    let target: String = get(r, 18)?;
    Ok(Item {
        id: ItemId(get(r, 0)?),
        account: get(r, 1)?,
        channel: parse(r, 2)?,
        kind: parse(r, 3)?,
        remote_id: get(r, 4)?,
        url: get(r, 5)?,
        author: Author {
            handle: get(r, 6)?,
            name: get(r, 7)?,
        },
        text: get(r, 8)?,
        created_at: ts(get(r, 9)?),
        first_seen_at: ts(get(r, 10)?),
        status: parse(r, 11)?,
        priority: parse(r, 12)?,
        tags: serde_json::from_str(&tags).unwrap_or_default(),
        assignee: get(r, 14)?,
        thread_root: get(r, 15)?,
        in_reply_to: get(r, 16)?,
        visibility: parse(r, 17)?,
        timer_target: if target == "next_response" {
            TimerTarget::NextResponse
        } else {
            TimerTarget::FirstResponse
        },
        waiting_since: ts_opt(get(r, 19)?),
        paused_secs: get(r, 20)?,
        paused_since: ts_opt(get(r, 21)?),
        snoozed_until: ts_opt(get(r, 22)?),
        first_response_at: ts_opt(get(r, 23)?),
        read: get(r, 24)?,
        has_draft: get(r, 25)?,
    })
}

pub fn history(r: &impl Cols) -> StoreResult<HistoryEntry> {
    let from: Option<String> = get(r, 2)?;
    Ok(HistoryEntry {
        at: ts(get(r, 0)?),
        who: get(r, 1)?,
        from: from
            .map(|f| f.parse().map_err(StoreError::Db))
            .transpose()?,
        to: parse(r, 3)?,
        why: get(r, 4)?,
    })
}

pub fn thread_entry(r: &impl Cols) -> StoreResult<ThreadEntry> {
    Ok(ThreadEntry {
        remote_id: get(r, 0)?,
        author: Author {
            handle: get(r, 1)?,
            name: get(r, 2)?,
        },
        text: get(r, 3)?,
        created_at: ts(get(r, 4)?),
        outbound: get(r, 5)?,
        item: get::<Option<i64>>(r, 6)?.map(ItemId),
    })
}

pub fn outbox_entry(r: &impl Cols) -> StoreResult<OutboxEntry> {
    let state: String = get(r, 4)?;
    let attempts: i32 = get(r, 5)?;
    Ok(OutboxEntry {
        id: get(r, 0)?,
        item: ItemId(get(r, 1)?),
        text: get(r, 2)?,
        idempotency_key: get(r, 3)?,
        state: state.parse().unwrap_or(OutboxState::Failed),
        attempts: u32::try_from(attempts).unwrap_or(0),
        last_error: get(r, 6)?,
        next_attempt_at: ts(get(r, 7)?),
        remote_id: get(r, 8)?,
        created_at: ts(get(r, 9)?),
    })
}

pub fn followup(r: &impl Cols) -> StoreResult<FollowUp> {
    let method: String = get(r, 3)?;
    Ok(FollowUp {
        id: get(r, 0)?,
        item: ItemId(get(r, 1)?),
        case_number: get(r, 2)?,
        method: method.parse().unwrap_or(FollowUpMethod::Other),
        contact: get(r, 4)?,
        due_at: ts_opt(get(r, 5)?),
        assignee: get(r, 6)?,
        note: get(r, 7)?,
        outcome: get(r, 8)?,
        created_at: ts(get(r, 9)?),
        closed_at: ts_opt(get(r, 10)?),
    })
}
