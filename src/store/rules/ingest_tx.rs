//! The primitives ingest works with, one call per batch ([`IngestTx`]): what the store knows
//! of the batch's posts, which of its threads we answered, the inserts, the arrivals in the
//! history, the pending items of its threads. Each has a default in the common dialect, one
//! statement per item; a backend answers a whole batch at once where that is cheaper
//! (PostgreSQL: one round trip per primitive; SQLite: an insert that needs no statement
//! journal, see `crate::store::sqlite`).

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::{NewItem, Tx, WHO_SYSTEM};
use crate::model::{ItemId, Status};
use crate::store::StoreResult;
use crate::store::rows::{Cols, secs};
use crate::store::sql::{Arg, args};

/// The posts of an account the store knows among some remote ids: each one's thread root.
#[derive(Debug, Default)]
pub struct Known {
    /// Stored items.
    pub items: HashMap<String, String>,
    /// Our replies (thread entries) whose remote id is not a stored item's.
    pub entries: HashMap<String, String>,
}

/// The item columns an insert writes, `?1`…`?16` (status `new`), without `RETURNING`.
pub(crate) const INSERT_ITEM: &str = "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, author_name, \
     text, created_at, first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, waiting_since, \
     search_text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new', ?11, ?12, ?13, ?14, ?15, ?16) \
     ON CONFLICT (account, remote_id) DO NOTHING";

/// The clock a new item starts: the next response in a thread we answered before.
pub(crate) fn timer_target(new: &NewItem<'_>) -> &'static str {
    if new.answered {
        "next_response"
    } else {
        "first_response"
    }
}

/// [`INSERT_ITEM`]'s arguments; `words` is the item's `search_text` ([`crate::store::search`]).
pub(crate) fn insert_args<'a>(new: &'a NewItem<'a>, words: String) -> Vec<Arg<'a>> {
    let it = new.item;
    args![
        new.account,
        new.channel.as_str(),
        it.kind.as_str(),
        &it.remote_id,
        &it.url,
        &it.author.handle,
        &it.author.name,
        &it.text,
        secs(it.created_at),
        secs(new.now),
        new.thread_root,
        &it.in_reply_to,
        it.visibility.as_str(),
        timer_target(new),
        secs(new.waiting_since),
        words,
    ]
    .to_vec()
}

/// An item's `search_text`.
pub(crate) fn words_of(new: &NewItem<'_>) -> String {
    let a = &new.item.author;
    crate::store::search::search_text(&a.handle, &a.name, &new.item.text)
}

/// Ingest's primitives, each over a whole batch.
pub trait IngestTx: Tx {
    /// What the account's stored items and our replies say of `remote_ids`.
    fn known_posts(&mut self, account: &str, remote_ids: &[&str]) -> StoreResult<Known> {
        let mut known = Known::default();
        for &r in remote_ids {
            let item = "SELECT thread_root FROM items WHERE account = ?1 AND remote_id = ?2";
            let entry = "SELECT thread_root FROM thread_entries WHERE account = ?1 AND remote_id = ?2 LIMIT 1";
            if let Some(root) = self.opt(item, args![account, r], |row| row.col(0))? {
                known.items.insert(r.to_string(), root);
            } else if let Some(root) = self.opt(entry, args![account, r], |row| row.col(0))? {
                known.entries.insert(r.to_string(), root);
            }
        }
        Ok(known)
    }

    /// The threads among `roots` we replied in before.
    fn answered_threads(&mut self, account: &str, roots: &[&str]) -> StoreResult<HashSet<String>> {
        let mut out = HashSet::new();
        for &root in roots {
            if self.thread_answered(account, root)? {
                out.insert(root.to_string());
            }
        }
        Ok(out)
    }

    /// Insert the items in order: each one's id, `None` when the account has its remote id.
    fn insert_items(&mut self, new: &[NewItem<'_>]) -> StoreResult<Vec<Option<ItemId>>> {
        new.iter().map(|n| self.insert_item(n)).collect()
    }

    /// Each of `ids` arrived at `now` (history).
    fn arrived(&mut self, ids: &[ItemId], now: Timestamp) -> StoreResult<()> {
        for &id in ids {
            self.history(id, now, WHO_SYSTEM, None, Status::New, "arrived")?;
        }
        Ok(())
    }

    /// The `pending` items of the account's threads `roots` (locked), by root then id.
    fn pending_in_threads(
        &mut self,
        account: &str,
        roots: &[&str],
    ) -> StoreResult<Vec<(String, ItemId)>> {
        let mut out = Vec::new();
        for &root in roots {
            for id in self.pending_in_thread(account, root, ItemId(0))? {
                out.push((root.to_string(), id));
            }
        }
        Ok(out)
    }
}
