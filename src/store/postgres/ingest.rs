//! PostgreSQL's ingest primitives ([`IngestTx`]): each one statement for the whole batch, its
//! values bound as arrays (`= ANY($n)`, `unnest`), so a batch of 500 costs a handful of
//! round trips instead of a few per item.

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;

use super::db;
use super::tx::PgTx;
use crate::model::ItemId;
use crate::store::StoreResult;
use crate::store::rows::secs;
use crate::store::rules::{IngestTx, Known, NewItem, WHO_SYSTEM, timer_target, words_of};

/// A batch's items as the columns `INSERT … SELECT … FROM unnest(…)` reads, in order.
const INSERT_ITEMS: &str = "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, \
     author_name, text, created_at, first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, \
     waiting_since, search_text) \
     SELECT account, channel, kind, remote_id, url, author_handle, author_name, text, created_at, first_seen_at, \
     'new', thread_root, in_reply_to, visibility, timer_target, waiting_since, search_text \
     FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::TEXT[], \
     $8::TEXT[], $9::BIGINT[], $10::BIGINT[], $11::TEXT[], $12::TEXT[], $13::TEXT[], $14::TEXT[], \
     $15::BIGINT[], $16::TEXT[]) WITH ORDINALITY AS u(account, channel, kind, remote_id, url, author_handle, \
     author_name, text, created_at, first_seen_at, thread_root, in_reply_to, visibility, timer_target, \
     waiting_since, search_text, n) \
     ORDER BY n \
     ON CONFLICT (account, remote_id) DO NOTHING RETURNING id, remote_id";

impl IngestTx for PgTx<'_> {
    fn known_posts(&mut self, account: &str, remote_ids: &[&str]) -> StoreResult<Known> {
        let rows = self
            .tx
            .query(
                "SELECT remote_id, thread_root, TRUE FROM items WHERE account = $1 AND remote_id = ANY($2) \
                 UNION ALL (SELECT DISTINCT ON (remote_id) remote_id, thread_root, FALSE FROM thread_entries \
                 WHERE account = $1 AND remote_id = ANY($2) ORDER BY remote_id, id)",
                &[&account, &remote_ids],
            )
            .map_err(db)?;
        let mut known = Known::default();
        let mut entries = Vec::new();
        for r in rows {
            let (remote, root): (String, String) =
                (r.try_get(0).map_err(db)?, r.try_get(1).map_err(db)?);
            if r.try_get(2).map_err(db)? {
                known.items.insert(remote, root);
            } else {
                entries.push((remote, root));
            }
        }
        for (remote, root) in entries {
            if !known.items.contains_key(&remote) {
                known.entries.insert(remote, root);
            }
        }
        Ok(known)
    }

    fn answered_threads(&mut self, account: &str, roots: &[&str]) -> StoreResult<HashSet<String>> {
        let rows = self
            .tx
            .query(
                "SELECT DISTINCT thread_root FROM thread_entries \
                 WHERE account = $1 AND thread_root = ANY($2) AND outbound",
                &[&account, &roots],
            )
            .map_err(db)?;
        rows.iter().map(|r| r.try_get(0).map_err(db)).collect()
    }

    fn insert_items(&mut self, new: &[NewItem<'_>]) -> StoreResult<Vec<Option<ItemId>>> {
        let col = |f: for<'x, 'y> fn(&'x NewItem<'y>) -> &'x str| {
            new.iter().map(f).collect::<Vec<&str>>()
        };
        let opt = |f: for<'x, 'y> fn(&'x NewItem<'y>) -> Option<&'x str>| {
            new.iter().map(f).collect::<Vec<_>>()
        };
        let int = |f: fn(&NewItem<'_>) -> i64| new.iter().map(f).collect::<Vec<i64>>();
        let words: Vec<String> = new.iter().map(words_of).collect();
        let rows = self
            .tx
            .query(
                INSERT_ITEMS,
                &[
                    &col(|n| n.account),
                    &col(|n| n.channel.as_str()),
                    &col(|n| n.item.kind.as_str()),
                    &col(|n| &n.item.remote_id),
                    &opt(|n| n.item.url.as_deref()),
                    &col(|n| &n.item.author.handle),
                    &col(|n| &n.item.author.name),
                    &col(|n| &n.item.text),
                    &int(|n| secs(n.item.created_at)),
                    &int(|n| secs(n.now)),
                    &col(|n| n.thread_root),
                    &opt(|n| n.item.in_reply_to.as_deref()),
                    &col(|n| n.item.visibility.as_str()),
                    &col(timer_target),
                    &int(|n| secs(n.waiting_since)),
                    &words,
                ],
            )
            .map_err(db)?;
        let mut ids = HashMap::with_capacity(rows.len());
        for r in rows {
            ids.insert(
                r.try_get::<_, String>(1).map_err(db)?,
                ItemId(r.try_get(0).map_err(db)?),
            );
        }
        // Remote ids are unique in a batch the rules hand over (and per account in the store).
        Ok(new
            .iter()
            .map(|n| ids.get(&n.item.remote_id).copied())
            .collect())
    }

    fn arrived(&mut self, ids: &[ItemId], now: Timestamp) -> StoreResult<()> {
        let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
        self.tx
            .execute(
                "INSERT INTO history (item_id, at, who, from_status, to_status, why) \
                 SELECT id, $2, $3, NULL, 'new', 'arrived' FROM unnest($1::BIGINT[]) WITH ORDINALITY AS u(id, n) \
                 ORDER BY n",
                &[&ids, &secs(now), &WHO_SYSTEM],
            )
            .map_err(db)
            .map(drop)
    }

    fn pending_in_threads(
        &mut self,
        account: &str,
        roots: &[&str],
    ) -> StoreResult<Vec<(String, ItemId)>> {
        let rows = self
            .tx
            .query(
                "SELECT thread_root, id FROM items WHERE account = $1 AND thread_root = ANY($2) \
                 AND status = 'pending' ORDER BY id FOR UPDATE",
                &[&account, &roots],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((r.try_get(0).map_err(db)?, ItemId(r.try_get(1).map_err(db)?))))
            .collect()
    }
}
