//! The store's rules, written once for every backend.
//!
//! What happens to an item — thread joining and the next-response clock on ingest, pauses on
//! status changes, a reply answering its thread, follow-ups and snoozes, the outbox's states —
//! is decided here, over a small set of primitives ([`Tx`], written once in the common SQL
//! dialect) that each backend runs inside one of its transactions ([`Transact`]). A backend gets the rule traits
//! ([`ItemRules`], [`OutboxRules`], [`FollowUpRules`]) for free by implementing [`Transact`],
//! so a change of behaviour is one edit here, and the conformance suite checks it on both.

mod followup;
mod ingest;
mod ingest_tx;
mod outbox;
mod status;
mod tx;

pub use followup::FollowUpRules;
pub(crate) use ingest_tx::{INSERT_ITEM, insert_args, timer_target, words_of};
pub use ingest_tx::{IngestTx, Known};
pub use outbox::{Answered, OutboxRules};
pub use status::ItemRules;
pub use tx::Tx;
pub(crate) use tx::{read_item, read_open_followup};

use jiff::Timestamp;

use crate::model::{ChannelKind, IncomingItem, Item, ItemId, Status};
use crate::store::StoreResult;

/// Who the store names when it changes an item by itself.
pub const WHO_SYSTEM: &str = "tinbox";

/// A backend that runs [`Tx`] work in one write transaction.
pub trait Transact: Send {
    type Tx<'t>: IngestTx
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
