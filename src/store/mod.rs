//! The store: everything tinbox knows, durable.
//!
//! [`StoreBackend`] is the boundary every caller uses (one trait per topic behind it, in
//! `backend`); the rules every backend follows are written once in [`rules`], and so are the
//! reads (`common`), in one SQL dialect each backend translates (`sql`).
//! [`sqlite::SqliteStore`] is the embedded backend, [`postgres::PgStore`] the team store on
//! PostgreSQL. One owner:
//! the TUI talks to the backend through [`StoreHandle`], an actor running the backend on its
//! own thread; headless commands use a backend directly.

pub mod actor;
mod backend;
mod common;
#[cfg(test)]
pub(crate) mod conformance;
pub mod open;
#[cfg(test)]
mod perf_tests;
pub mod pgpass;
#[cfg(test)]
mod plans;
pub mod postgres;
pub(crate) mod query;
mod rows;
pub mod rules;
mod search;
pub(crate) mod sql;
pub mod sqlite;
mod window;

pub use actor::StoreHandle;
pub use backend::{FollowUpStore, ItemStore, OutboxStore, StoreBackend, TeamStore};
pub use rules::{Answered, FollowUpRules, ItemRules, OutboxRules};

/// Every store trait, for code that holds a concrete backend rather than a `dyn StoreBackend`
/// (a trait's methods are callable on a concrete type only where the trait is in scope).
pub mod prelude {
    pub use super::{
        FollowUpRules, FollowUpStore, ItemRules, ItemStore, OutboxRules, OutboxStore, StoreBackend,
        TeamStore,
    };
}

use jiff::Timestamp;

use crate::model::{ChannelKind, ItemId, Status};

/// Errors from the store, with what the user can do about them.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {reason}")]
    Open { path: String, reason: String },
    #[error(
        "the store at {path} was written by a newer tinbox (schema {found}, this build knows {known}); \
         nothing was changed — upgrade tinbox or use another --data-dir"
    )]
    NewerSchema {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("no item {0}")]
    NoSuchItem(ItemId),
    #[error("the store is closed")]
    Closed,
    #[error("store error: {0}")]
    Db(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Which items to list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemQuery {
    /// Only these statuses; empty means open ([`Status::is_open`]: not replied, done or ignored) items.
    pub statuses: Vec<Status>,
    /// Every status (overrides `statuses`).
    pub all: bool,
    pub account: Option<String>,
    pub limit: Option<usize>,
    /// Only items written at or after this time (a report's period).
    pub created_since: Option<Timestamp>,
    /// Only items this tinbox first saw at or after this time (a spike's window).
    pub seen_since: Option<Timestamp>,
    /// The `l` filter, applied by the store: all of it but `is:breaching`, which needs the
    /// clock and the policies (the caller applies that one).
    pub filter: Option<crate::filter::Filter>,
    /// Who `assignee:me` in `filter` is.
    pub me: Option<String>,
    /// Search: every word ([`crate::filter::search_words`]) starts a word of the author's
    /// handle or name or of the text ([`crate::filter::words_match`]).
    pub search: Option<String>,
    /// Keyset paging: only the items after this one in list order (newest first), so a
    /// long list is read a page at a time, each page an index range (an item no longer
    /// stored: nothing after it).
    pub after: Option<crate::model::ItemId>,
}

impl ItemQuery {
    /// The part of the list query both stores write the same way: the time filters, the
    /// list order and the limit. Only whole seconds from our own clock and a count go in,
    /// never user text.
    pub(crate) fn tail_sql(&self) -> String {
        let mut sql = String::new();
        if let Some(t) = self.created_since {
            sql.push_str(&format!(" AND i.created_at >= {}", t.as_second()));
        }
        if let Some(t) = self.seen_since {
            sql.push_str(&format!(" AND i.first_seen_at >= {}", t.as_second()));
        }
        sql.push_str(" ORDER BY i.created_at DESC, i.id DESC");
        if let Some(n) = self.limit {
            sql.push_str(&format!(" LIMIT {n}"));
        }
        sql
    }
}

/// A page of a list read by [`ItemStore::scan_ids`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanPage {
    /// The items of the query among the rows read, in list order.
    pub ids: Vec<crate::model::ItemId>,
    /// The last row read, when the list goes on after it: the next page's `after`.
    pub next: Option<crate::model::ItemId>,
}

/// What an ingest changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Items seen for the first time.
    pub new_items: Vec<ItemId>,
    /// Items that were answered or closed and were reopened by a new inbound message.
    pub reopened: Vec<ItemId>,
}

/// One account's sync bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRecord {
    pub name: String,
    pub channel: ChannelKind,
    pub cursor: Option<String>,
    pub last_sync: Option<Timestamp>,
    pub last_error: Option<String>,
}

/// Who polls an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseState {
    /// This instance: poll it.
    Held,
    /// Another instance (described, e.g. "kim on laptop") polls it.
    Elsewhere(String),
}

/// "kim is replying": a responder has the composer open on an item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claim {
    pub item: ItemId,
    pub who: String,
    pub since: Timestamp,
}

/// Something in a conversation the responder has not seen (the traffic cop's reasons).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A new message from the customer arrived.
    Inbound { author: String, at: Timestamp },
    /// A reply was sent (or queued) by someone else.
    Reply {
        who: String,
        at: Timestamp,
        queued: bool,
    },
}

impl std::fmt::Display for Activity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Activity::Inbound { author, .. } => write!(f, "a new message from {author} arrived"),
            Activity::Reply {
                who, queued: false, ..
            } => write!(f, "{who} has replied"),
            Activity::Reply {
                who, queued: true, ..
            } => write!(f, "{who} has a reply queued"),
        }
    }
}

/// A change another instance made to a shared store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreEvent {
    /// Items, threads or follow-ups changed: reload what is shown.
    Changed,
    /// Someone started or stopped replying to an item.
    Claims,
}

/// Convenience: an item with its thread, history and draft.
pub fn load_detail(
    store: &mut dyn StoreBackend,
    id: ItemId,
) -> StoreResult<crate::model::ItemDetail> {
    Ok(crate::model::ItemDetail {
        item: store.item(id)?,
        thread: store.thread(id)?,
        history: store.history(id)?,
        draft: store.draft(id)?,
        follow_up: store.followup_for(id)?,
    })
}
