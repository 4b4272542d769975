//! SQLite's ingest primitives ([`IngestTx`]): a batch's lookups are one statement each over
//! a JSON array of its ids (`json_each`, an index lookup per element), and an item's insert
//! needs no statement journal.

use std::collections::HashSet;

use rusqlite::Connection;

use crate::model::ItemId;
use crate::store::rows::Cols;
use crate::store::rules::{INSERT_ITEM, IngestTx, Known, NewItem, insert_args, words_of};
use crate::store::sql::{Arg, Sql, args};
use crate::store::{StoreError, StoreResult};

/// `values` as a JSON array, for `json_each`.
fn json(values: &[&str]) -> StoreResult<String> {
    serde_json::to_string(values).map_err(|e| StoreError::Db(e.to_string()))
}

impl IngestTx for &Connection {
    fn known_posts(&mut self, account: &str, remote_ids: &[&str]) -> StoreResult<Known> {
        let ids = json(remote_ids)?;
        let mut known = Known::default();
        // CROSS JOIN: the batch's ids drive, each one an index lookup.
        self.each(
            "SELECT r.value, i.thread_root FROM json_each(?2) AS r CROSS JOIN items AS i \
             ON i.account = ?1 AND i.remote_id = r.value",
            args![account, ids.as_str()],
            |row| {
                known.items.insert(row.col(0)?, row.col(1)?);
                Ok(())
            },
        )?;
        self.each(
            "SELECT r.value, t.thread_root FROM json_each(?2) AS r CROSS JOIN thread_entries AS t \
             ON t.account = ?1 AND t.remote_id = r.value ORDER BY t.id",
            args![account, ids.as_str()],
            |row| {
                let remote: String = row.col(0)?;
                if !known.items.contains_key(&remote) && !known.entries.contains_key(&remote) {
                    known.entries.insert(remote, row.col(1)?);
                }
                Ok(())
            },
        )?;
        Ok(known)
    }

    fn answered_threads(&mut self, account: &str, roots: &[&str]) -> StoreResult<HashSet<String>> {
        let roots = json(roots)?;
        self.rows(
            "SELECT DISTINCT t.thread_root FROM json_each(?2) AS r CROSS JOIN thread_entries AS t \
             ON t.account = ?1 AND t.thread_root = r.value WHERE t.outbound",
            args![account, roots.as_str()],
            |row| row.col(0),
        )
        .map(|v| v.into_iter().collect())
    }

    /// Each item with its search index row. Neither statement has `RETURNING` or fires a
    /// trigger, so neither needs a statement journal (a copy of every page the statement
    /// changes), and FTS5 keeps the batch's terms in memory until the commit writes them as
    /// one segment (a statement journal would make it write one per item).
    fn insert_items(&mut self, new: &[NewItem<'_>]) -> StoreResult<Vec<Option<ItemId>>> {
        let mut out = Vec::with_capacity(new.len());
        for n in new {
            let args = insert_args(n, words_of(n));
            if self.exec(INSERT_ITEM, &args)? == 0 {
                out.push(None);
                continue;
            }
            let id = self.last_insert_rowid();
            let words = args.last().cloned().unwrap_or(Arg::Text(None));
            self.exec(
                "INSERT INTO items_fts (rowid, search_text) VALUES (?1, ?2)",
                &[id.into(), words],
            )?;
            out.push(Some(ItemId(id)));
        }
        Ok(out)
    }

    fn pending_in_threads(
        &mut self,
        account: &str,
        roots: &[&str],
    ) -> StoreResult<Vec<(String, ItemId)>> {
        let roots = json(roots)?;
        self.rows(
            "SELECT i.thread_root, i.id FROM json_each(?2) AS r CROSS JOIN items AS i \
             ON i.account = ?1 AND i.thread_root = r.value WHERE i.status = 'pending' \
             ORDER BY r.key, i.id",
            args![account, roots.as_str()],
            |row| Ok((row.col(0)?, ItemId(row.col(1)?))),
        )
    }
}
