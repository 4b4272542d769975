//! The store boundary, as one trait per topic. [`StoreBackend`] is every one of them: callers
//! hold a `dyn StoreBackend` (or a [`super::StoreHandle`]) and call any method on it.
//!
//! The traits below (reads, and writes without rules) are written once in `super::common`, and
//! the writes that follow the store's rules ([`ItemRules`], [`OutboxRules`], [`FollowUpRules`])
//! once in `super::rules`, both in the common SQL dialect (`super::sql`); a backend gives its
//! connection and transactions and says what it does its own way. [`TeamStore`] is the team
//! store's own. Every method is one short transaction.

use jiff::Timestamp;

use super::StoreResult;
use super::rules::{FollowUpRules, ItemRules, OutboxRules};
use super::{AccountRecord, Activity, Claim, ItemQuery, LeaseState, StoreError, StoreEvent};
use crate::model::{
    ChannelKind, FollowUp, HistoryEntry, Item, ItemId, ItemRow, OutboxEntry, RowBuilder,
    ThreadEntry,
};

/// Everything a store does.
pub trait StoreBackend:
    ItemStore + OutboxStore + FollowUpStore + TeamStore + ItemRules + OutboxRules + FollowUpRules
{
}

impl<S> StoreBackend for S where
    S: ItemStore
        + OutboxStore
        + FollowUpStore
        + TeamStore
        + ItemRules
        + OutboxRules
        + FollowUpRules
{
}

/// Items, their threads and history, drafts, and the accounts' sync bookkeeping.
pub trait ItemStore: Send {
    /// Record a failed sync for the account (shown by `status`/`doctor`).
    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        now: Timestamp,
    ) -> StoreResult<()>;
    fn account(&mut self, name: &str) -> StoreResult<Option<AccountRecord>> {
        Ok(self.accounts()?.into_iter().find(|a| a.name == name))
    }
    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>>;

    fn list_items(&mut self, query: &ItemQuery) -> StoreResult<Vec<Item>>;
    /// The same items as [`ItemStore::list_items`], in the same order, as the inbox's
    /// list rows; never holds every whole item at once (100,000 of them are 80 MB). `rows`
    /// built the previous list: unchanged texts are shared with its rows.
    fn list_rows(&mut self, query: &ItemQuery, rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>>;
    /// The ids of [`ItemStore::list_items`], in the same order (newest first), without the
    /// limit's cut being any different: what a long list keeps to scroll.
    fn list_ids(&mut self, query: &ItemQuery) -> StoreResult<Vec<ItemId>>;
    /// How many items [`ItemStore::list_ids`] would give (its limit included), counted by
    /// the database: the match count of a search or filter.
    fn count_items(&mut self, query: &ItemQuery) -> StoreResult<usize>;
    /// The rows of these items, in the order given; ids no longer stored are left out.
    fn rows_by_ids(&mut self, ids: &[ItemId], rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>>;
    /// A page of a long list whose work does not depend on what the filter finds: the
    /// next `rows` items of `query`'s list without its filter and search (after
    /// `query.after`, newest first), and which of them `query` keeps. A filter that finds
    /// one item in a million is read a page at a time like any other.
    fn scan_ids(&mut self, query: &ItemQuery, rows: usize) -> StoreResult<super::ScanPage>;
    /// Which of these items a search matches (as [`ItemQuery::search`] does), in the order
    /// given: each item looked up by id, so the work is the ids', whatever the store's size
    /// or the words' frequency (the next match near where the inbox is).
    fn matching_ids(&mut self, ids: &[ItemId], search: &str) -> StoreResult<Vec<ItemId>>;
    fn item(&mut self, id: ItemId) -> StoreResult<Item>;
    /// The item's thread (inbound items of the same thread and our replies), oldest first.
    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>>;
    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>>;
    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()>;

    /// Save (or with empty text, delete) the draft reply of an item.
    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()>;
    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>>;
    /// Number of items with an unsent draft.
    fn draft_count(&mut self) -> StoreResult<usize>;

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
}

/// The durable outbox: reading it, and the sending instance's bookkeeping.
pub trait OutboxStore {
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
    /// A transient failure: queued again for `next_at`.
    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()>;
    /// A permanent failure: kept, with its text, for editing and resending.
    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()>;
}

/// Reading follow-ups (their writes are [`FollowUpRules`]).
pub trait FollowUpStore {
    /// Follow-ups, open ones only unless `include_closed`, soonest due first.
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>>;
    /// The open follow-up of an item, if any.
    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>>;
}

/// Team inboxes. A one-person store answers for itself (the defaults); a shared store
/// (PostgreSQL) coordinates the running instances.
pub trait TeamStore {
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
