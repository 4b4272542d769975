//! The store: everything tinbox knows, durable.
//!
//! [`StoreBackend`] is the boundary every caller uses; [`sqlite::SqliteStore`] is the embedded
//! backend, [`postgres::PgStore`] the team store on PostgreSQL. One owner:
//! the TUI talks to the backend through [`StoreHandle`], an actor running the backend on its
//! own thread; headless commands use a backend directly.

pub mod actor;
#[cfg(test)]
pub(crate) mod conformance;
pub mod open;
pub mod pgpass;
pub mod postgres;
pub mod sqlite;

pub use actor::StoreHandle;

use jiff::Timestamp;

use crate::model::{
    ChannelKind, FollowUp, FollowUpInput, HistoryEntry, IncomingItem, Item, ItemId, OutboxEntry,
    Status, ThreadEntry,
};

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
    /// Only these statuses; empty means active ([`Status::is_active`]: not done or ignored) items.
    pub statuses: Vec<Status>,
    /// Every status (overrides `statuses`).
    pub all: bool,
    pub account: Option<String>,
    pub limit: Option<usize>,
    /// Only items written at or after this time (a report's period).
    pub created_since: Option<Timestamp>,
    /// Only items this tinbox first saw at or after this time (a spike's window).
    pub seen_since: Option<Timestamp>,
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

/// The store boundary. Every method is one short transaction.
pub trait StoreBackend: Send {
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
    /// Record a failed sync for the account (shown by `status`/`doctor`).
    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    fn account(&mut self, name: &str) -> StoreResult<Option<AccountRecord>>;
    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>>;

    fn list_items(&mut self, query: &ItemQuery) -> StoreResult<Vec<Item>>;
    /// The same items as [`StoreBackend::list_items`], in the same order, as the inbox's
    /// list rows; never holds every whole item at once (100,000 of them are 80 MB). `rows`
    /// built the previous list: unchanged texts are shared with its rows.
    fn list_rows(
        &mut self,
        query: &ItemQuery,
        rows: &mut crate::model::RowBuilder,
    ) -> StoreResult<Vec<crate::model::ItemRow>>;
    fn item(&mut self, id: ItemId) -> StoreResult<Item>;
    /// The item's thread (inbound items of the same thread and our replies), oldest first.
    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>>;
    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>>;

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
    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()>;
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
        priority: crate::model::Priority,
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

    /// Save (or with empty text, delete) the draft reply of an item.
    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()>;
    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>>;
    /// Number of items with an unsent draft.
    fn draft_count(&mut self) -> StoreResult<usize>;

    /// Queue a reply (durable before any network call); the item's draft is deleted.
    fn enqueue_reply(
        &mut self,
        id: ItemId,
        text: &str,
        idempotency_key: &str,
        now: Timestamp,
    ) -> StoreResult<i64>;
    /// Entries that should be attempted now: queued and due, or left `sending` by a crash.
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>>;
    /// When the next queued entry becomes due, if any.
    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>>;
    /// Entries newest first; `sent` ones only when asked.
    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>>;
    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>>;
    /// Take the entry for sending. `false` when another instance holds it (a team store:
    /// the entry is being sent elsewhere, so this one must not send it).
    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool>;
    /// Sent: the entry records the remote id and the reply is recorded on the item
    /// ([`StoreBackend::record_reply`]), in one transaction.
    fn outbox_mark_sent(
        &mut self,
        id: i64,
        remote_id: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()>;
    /// A transient failure: queued again for `next_at`.
    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()>;
    /// A permanent failure: kept, with its text, for editing and resending.
    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()>;
    /// Take an item offline: a follow-up with the next case number (`format` with `{n}`, e.g.
    /// `CASE-{n:05}` → `CASE-00042`); the item moves to `follow_up` (its clock pauses).
    fn create_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp>;
    /// Follow-ups, open ones only unless `include_closed`, soonest due first.
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>>;
    /// The open follow-up of an item, if any.
    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>>;
    /// Snooze an item until `until` (its clock pauses; [`StoreBackend::wake_snoozed`] brings it back).
    fn snooze(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Items whose snooze has ended go back to `new`; returns them.
    fn wake_snoozed(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>>;
    /// Close the item's open follow-up with an outcome; `done` also marks the item done.
    fn resolve_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp>;
    /// Queue a failed entry again, with new text if given, under a new idempotency key.
    fn outbox_requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        idempotency_key: &str,
        now: Timestamp,
    ) -> StoreResult<()>;

    // ---- Team inboxes. A one-person store answers for itself (the defaults); a shared store
    // ---- (PostgreSQL) coordinates the running instances.

    /// Take or renew the lease to poll `account`. Only the holder polls it; a lease lapses
    /// when its instance stops renewing (killed, network gone). One-person stores: always yes.
    fn lease_account(&mut self, account: &str, now: Timestamp) -> StoreResult<LeaseState> {
        let _ = (account, now);
        Ok(LeaseState::Held)
    }
    /// Say "`who` is replying to this item" (for teammates); returns the others replying.
    fn claim_item(&mut self, id: ItemId, who: &str, now: Timestamp) -> StoreResult<Vec<Claim>> {
        let _ = (id, who, now);
        Ok(Vec::new())
    }
    /// The composer closed: the claim ends.
    fn release_claim(&mut self, id: ItemId, who: &str) -> StoreResult<()> {
        let _ = (id, who);
        Ok(())
    }
    /// Every live claim (by this and other instances).
    fn claims(&mut self) -> StoreResult<Vec<Claim>> {
        Ok(Vec::new())
    }
    /// What happened in the item's conversation since `since` that a responder who opened the
    /// composer then has not seen: new inbound messages, replies sent or queued by others.
    fn activity_since(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>>;
    /// Who answered each item (the first reply recorded since `since`), for the report's
    /// per-responder figures.
    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>>;
    /// Before a job: a store on a server reconnects when its connection was lost (the server
    /// restarted, the network dropped). The job that met the loss got an error; the next works.
    fn heal(&mut self) {}
    /// Changes made by other instances, as they happen (team stores), or `None`.
    fn subscribe(&mut self) -> Option<std::sync::mpsc::Receiver<StoreEvent>> {
        None
    }
    /// Canned replies the team shares (name, body), by name. A one-person store keeps its
    /// templates in the config, so it shares none.
    fn shared_templates(&mut self) -> StoreResult<Vec<(String, String)>> {
        Ok(Vec::new())
    }
    /// Share a template with the team (replacing one of that name), or with an empty body stop
    /// sharing it.
    fn share_template(
        &mut self,
        name: &str,
        body: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let _ = (name, body, who, now);
        Err(StoreError::Db(
            "templates are shared through a team store (store = \"postgres://…\" in the config); \
             with one user they live in the config and <config dir>/templates/"
                .into(),
        ))
    }
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
