//! Status changes and the other edits of an item: pauses start and end with the statuses
//! that wait on someone else, a reopened item gets a fresh clock, every change is recorded.

use jiff::Timestamp;

use super::{Clock, Field, Transact, Tx, ingest::ingest, record_reply};
use crate::model::{ChannelKind, IncomingItem, ItemId, Priority, Status};
use crate::sanitize::{clean, one_line};
use crate::store::sql::Sql;
use crate::store::{IngestReport, StoreError, StoreResult};

/// The statuses during which the response clock does not run.
fn pauses(s: Status) -> bool {
    matches!(s, Status::Pending | Status::Snoozed | Status::FollowUp)
}

/// [`ItemRules::set_status`] inside `tx`; `false` when the item already had that status.
pub(super) fn set_status<T: Tx>(
    tx: &mut T,
    id: ItemId,
    status: Status,
    who: &str,
    why: &str,
    now: Timestamp,
) -> StoreResult<bool> {
    change_status(tx, id, status, who, why, now, Reopen::FreshClock)
}

/// What reopening a closed item does to its clock.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reopen {
    /// Reopened by hand: the clock measures the next response from now.
    FreshClock,
    /// An undo: the item takes back the clock it had, so a breach stays a breach.
    KeepClock,
}

fn change_status<T: Tx>(
    tx: &mut T,
    id: ItemId,
    status: Status,
    who: &str,
    why: &str,
    now: Timestamp,
    reopen: Reopen,
) -> StoreResult<bool> {
    let from = tx.status_for_update(id)?;
    if from == status {
        return Ok(false);
    }
    if pauses(from) && !pauses(status) {
        tx.clock(id, Clock::Resume, now)?;
    }
    if pauses(status) && !pauses(from) {
        tx.clock(id, Clock::Pause, now)?;
    }
    if reopen == Reopen::FreshClock
        && status == Status::New
        && matches!(from, Status::Done | Status::Ignored | Status::Replied)
    {
        // Reopened by hand: a fresh clock, measuring the next response if we answered before.
        tx.clock(id, Clock::Restart, now)?;
    }
    tx.write_status(id, status)?;
    tx.history(id, now, who, Some(from), status, why)?;
    tx.notify()?;
    Ok(true)
}

/// Change one field of an item and record why in its history.
fn change<T: Tx>(
    tx: &mut T,
    id: ItemId,
    field: Option<(Field, Option<&str>)>,
    who: &str,
    now: Timestamp,
    why: &str,
) -> StoreResult<()> {
    let status = tx.status_for_update(id)?;
    if let Some((field, value)) = field {
        tx.set_field(id, field, value)?;
    }
    tx.history(id, now, who, Some(status), status, why)?;
    tx.notify()
}

/// The writes to items that follow the store's rules.
pub trait ItemRules {
    /// Insert new items (dedup by `(account, remote_id)`), update the account's cursor and
    /// sync time, all in one transaction. Remote text is sanitized before it is written.
    /// A new inbound message in a thread where we already replied gets a next-response timer.
    fn ingest(
        &mut self,
        account: &str,
        channel: ChannelKind,
        items: &[IncomingItem],
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<IngestReport>;
    /// Change an item's status, recording who/when/why; pending/snoozed pause its clock and
    /// leaving them resumes it. Setting the status it already has is a no-op.
    fn set_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Undo a status change: back to `status` as if the change had not happened. Like
    /// [`set_status`](ItemRules::set_status) (recorded, pauses kept right), except that an
    /// item reopened this way keeps the clock it had: an accidental `d` undone does not hide
    /// a breach behind a fresh clock.
    fn restore_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Replace an item's tags (recorded in its history).
    fn set_tags(
        &mut self,
        id: ItemId,
        tags: &[String],
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// An internal note for the team, kept in the item's history (never sent).
    fn add_note(&mut self, id: ItemId, text: &str, who: &str, now: Timestamp) -> StoreResult<()>;
    /// Assign an item to someone, or to nobody (recorded in its history).
    fn set_assignee(
        &mut self,
        id: ItemId,
        assignee: Option<&str>,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Change an item's priority (recorded in its history).
    fn set_priority(
        &mut self,
        id: ItemId,
        priority: Priority,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// A reply we sent in the item's thread: stored as an outbound thread entry; the item
    /// (and older unanswered items of the same thread) become `replied`, their clocks stop,
    /// the first response time is recorded, and the draft is deleted.
    fn record_reply(
        &mut self,
        id: ItemId,
        remote_id: &str,
        text: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()>;
}

impl<S: Transact> ItemRules for S {
    fn ingest(
        &mut self,
        account: &str,
        channel: ChannelKind,
        items: &[IncomingItem],
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<IngestReport> {
        self.write(|tx| ingest(tx, account, channel, items, cursor, now))
    }

    fn set_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|tx| set_status(tx, id, status, who, why, now).map(drop))
    }

    fn restore_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.write(|tx| change_status(tx, id, status, who, why, now, Reopen::KeepClock).map(drop))
    }

    fn set_tags(
        &mut self,
        id: ItemId,
        tags: &[String],
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let tags: Vec<String> = tags
            .iter()
            .map(|t| one_line(t))
            .filter(|t| !t.is_empty())
            .collect();
        let json = serde_json::to_string(&tags).map_err(|e| StoreError::Db(e.to_string()))?;
        let why = format!("tags: {}", tags.join(", "));
        self.write(|tx| change(tx, id, Some((Field::Tags, Some(&json))), who, now, &why))
    }

    fn add_note(&mut self, id: ItemId, text: &str, who: &str, now: Timestamp) -> StoreResult<()> {
        let why = format!("note: {}", clean(text));
        self.write(|tx| change(tx, id, None, who, now, &why))
    }

    fn set_assignee(
        &mut self,
        id: ItemId,
        assignee: Option<&str>,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let a = assignee.map(one_line).filter(|a| !a.is_empty());
        let why = match &a {
            Some(a) => format!("assigned to {a}"),
            None => "unassigned".to_string(),
        };
        let value = Some((Field::Assignee, a.as_deref()));
        self.write(|tx| change(tx, id, value, who, now, &why))
    }

    fn set_priority(
        &mut self,
        id: ItemId,
        priority: Priority,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let why = format!("priority {priority}");
        let value = Some((Field::Priority, Some(priority.as_str())));
        self.write(|tx| change(tx, id, value, who, now, &why))
    }

    fn record_reply(
        &mut self,
        id: ItemId,
        remote_id: &str,
        text: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        self.write(|tx| {
            tx.status_for_update(id)?;
            let item = tx.item(id)?;
            record_reply(tx, &item, remote_id, text, who, sent_at)?;
            tx.notify()
        })
    }
}
