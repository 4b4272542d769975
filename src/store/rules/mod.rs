//! The store's rules, written once for every backend.
//!
//! What happens to an item — thread joining and the next-response clock on ingest, pauses on
//! status changes, a reply answering its thread, follow-ups and snoozes, the outbox's states —
//! is decided here, over a small set of primitives ([`Tx`]) that each backend implements with
//! its own SQL inside one transaction ([`Transact`]). A backend gets the rule traits
//! ([`ItemRules`], [`OutboxRules`], [`FollowUpRules`]) for free by implementing [`Transact`],
//! so a change of behaviour is one edit here, and the conformance suite checks it on both.

mod followup;
mod ingest;
mod outbox;
mod status;

pub use followup::FollowUpRules;
pub use outbox::{Answered, OutboxRules};
pub use status::ItemRules;

use jiff::Timestamp;

use crate::model::{ChannelKind, FollowUp, FollowUpInput, IncomingItem, Item, ItemId, Status};
use crate::store::StoreResult;

/// Who the store names when it changes an item by itself.
pub const WHO_SYSTEM: &str = "tinbox";

/// A backend that runs [`Tx`] work in one write transaction.
pub trait Transact: Send {
    type Tx<'t>: crate::store::sql::Sql
    where
        Self: 't;
    /// Run `f` in one transaction and commit when it returns `Ok` (an error rolls back).
    fn write<T>(&mut self, f: impl FnOnce(&mut Self::Tx<'_>) -> StoreResult<T>) -> StoreResult<T>;
}

/// An item to insert, its remote text already cleaned.
pub struct NewItem<'a> {
    pub account: &'a str,
    pub channel: ChannelKind,
    pub item: &'a IncomingItem,
    pub thread_root: &'a str,
    pub answered: bool,
    pub waiting_since: Timestamp,
    pub now: Timestamp,
}

/// A move of an item's response clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Start a pause, unless one is running.
    Pause,
    /// End a running pause: its length is added to the paused time.
    Resume,
    /// A fresh clock, measuring the next response if we answered before.
    Restart,
    /// `replied`: the clock stops; the first response time is kept once.
    Replied,
}

/// An item column that holds one text value.
#[derive(Debug, Clone, Copy)]
pub enum Field {
    Priority,
    Tags,
    Assignee,
}

impl Field {
    pub fn column(self) -> &'static str {
        match self {
            Field::Priority => "priority",
            Field::Tags => "tags",
            Field::Assignee => "assignee",
        }
    }
}

/// What the outbox rules read of an entry.
pub struct OutboxRow {
    pub item: ItemId,
    pub text: String,
    pub state: String,
    /// Who wrote the reply, where the store keeps it (the team store).
    pub queued_by: Option<String>,
}

/// The primitives the rules need, each one statement of the backend's dialect inside the
/// transaction. Reads marked "locked" keep the rows locked until the transaction ends on a
/// store shared by several instances (PostgreSQL), so that changes to one item queue up.
pub trait Tx {
    /// The item's status (locked). No such item is [`crate::store::StoreError::NoSuchItem`].
    fn status_for_update(&mut self, id: ItemId) -> StoreResult<Status>;
    fn item(&mut self, id: ItemId) -> StoreResult<Item>;
    /// The thread of a known post (an item or one of our replies) of the account.
    fn thread_root_of(&mut self, account: &str, remote_id: &str) -> StoreResult<Option<String>>;
    /// We replied in this thread before.
    fn thread_answered(&mut self, account: &str, root: &str) -> StoreResult<bool>;
    /// Insert a `new` item; `None` when the account already has its remote id.
    fn insert_item(&mut self, new: &NewItem<'_>) -> StoreResult<Option<ItemId>>;
    /// The account's cursor and sync time after a successful poll (clears its last error).
    fn record_sync(
        &mut self,
        account: &str,
        channel: ChannelKind,
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// `pending` items of the thread other than `except` (locked), oldest first.
    fn pending_in_thread(
        &mut self,
        account: &str,
        root: &str,
        except: ItemId,
    ) -> StoreResult<Vec<ItemId>>;
    /// The item and the `new`/`pending` items of its thread up to it (locked), with statuses.
    fn answered_by(&mut self, item: &Item) -> StoreResult<Vec<(ItemId, Status)>>;
    fn history(
        &mut self,
        id: ItemId,
        at: Timestamp,
        who: &str,
        from: Option<Status>,
        to: Status,
        why: &str,
    ) -> StoreResult<()>;
    /// Move the item's response clock ([`Clock`]) at `at`.
    fn clock(&mut self, id: ItemId, change: Clock, at: Timestamp) -> StoreResult<()>;
    /// Write the status; the wake time is kept only while snoozed.
    fn write_status(&mut self, id: ItemId, status: Status) -> StoreResult<()>;
    /// Our reply as an outbound entry of the item's thread (text already cleaned).
    fn insert_reply(
        &mut self,
        item: &Item,
        remote_id: &str,
        text: &str,
        who: &str,
        at: Timestamp,
    ) -> StoreResult<()>;
    fn delete_draft(&mut self, id: ItemId) -> StoreResult<()>;
    fn set_field(&mut self, id: ItemId, field: Field, value: Option<&str>) -> StoreResult<()>;
    fn set_snoozed_until(&mut self, id: ItemId, until: Option<Timestamp>) -> StoreResult<()>;
    /// Snoozed items whose time is up (locked; items another instance holds are skipped).
    fn snoozed_due(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>>;
    fn open_followup(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>>;
    fn followup(&mut self, followup_id: i64) -> StoreResult<FollowUp>;
    /// The next case number (one counter per store).
    fn next_case(&mut self) -> StoreResult<i64>;
    /// Insert an open follow-up (its text already cleaned); returns its id.
    fn insert_followup(
        &mut self,
        id: ItemId,
        case_number: &str,
        input: &FollowUpInput,
        now: Timestamp,
    ) -> StoreResult<i64>;
    fn close_followup(
        &mut self,
        followup_id: i64,
        outcome: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// The outbox entry (locked), if any.
    fn outbox_row(&mut self, outbox_id: i64) -> StoreResult<Option<OutboxRow>>;
    /// Queue a reply; returns the entry's id.
    fn insert_outbox(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64>;
    fn outbox_sent(&mut self, outbox_id: i64, remote_id: &str, at: Timestamp) -> StoreResult<()>;
    /// Queue a failed entry again; `new_writer`: the requeuing user wrote its new text.
    fn outbox_requeue(
        &mut self,
        outbox_id: i64,
        text: &str,
        key: &str,
        new_writer: bool,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Lock the items of a thread (in id order), so that deciding who answers it is one step.
    fn lock_thread(&mut self, account: &str, root: &str) -> StoreResult<()>;
    /// The newest reply of the thread sent, being sent or queued since its latest inbound
    /// message arrived (a queued one without a recorded writer is named `who`).
    fn answered_since_latest(
        &mut self,
        account: &str,
        root: &str,
        who: &str,
    ) -> StoreResult<Option<Answered>>;
    /// Tell the other instances that something changed (on commit); alone, a no-op.
    fn notify(&mut self) -> StoreResult<()>;
}

/// Record a sent reply: an outbound thread entry; the item and the older unanswered items of
/// its thread become `replied`, their clocks stop, the first response time is kept, and the
/// draft is deleted.
pub fn record_reply<T: Tx>(
    tx: &mut T,
    item: &Item,
    remote_id: &str,
    text: &str,
    who: &str,
    sent_at: Timestamp,
) -> StoreResult<()> {
    tx.insert_reply(item, remote_id, &crate::sanitize::clean(text), who, sent_at)?;
    // One reply answers the conversation up to this message.
    for (id, from) in tx.answered_by(item)? {
        tx.clock(id, Clock::Replied, sent_at)?;
        if from != Status::Replied {
            tx.history(id, sent_at, who, Some(from), Status::Replied, "replied")?;
        }
    }
    tx.delete_draft(item.id)
}
