//! Items, threads, drafts and accounts in PostgreSQL (read positions are per user), and
//! what the traffic cop asks of the team store: activity in a conversation since a responder
//! opened the composer — new customer messages, and replies sent or queued by someone else.

use jiff::Timestamp;
use postgres::GenericClient;
use postgres::error::SqlState;

use super::rows::{self, ITEM_COLUMNS, secs, ts};
use super::{PgStore, db, notify_changed};
use crate::model::{ChannelKind, HistoryEntry, Item, ItemId, ItemRow, RowBuilder, ThreadEntry};
use crate::sanitize::one_line;
use crate::store::rules::{Transact, Tx};
use crate::store::{AccountRecord, Activity, ItemQuery, ItemStore, StoreError, StoreResult};

/// One item as `user` sees it (their read position).
pub(super) fn item_in<C: GenericClient>(c: &mut C, user: &str, id: ItemId) -> StoreResult<Item> {
    let row = c
        .query_opt(
            &format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = $2"),
            &[&user, &id.0],
        )
        .map_err(db)?
        .ok_or(StoreError::NoSuchItem(id))?;
    rows::item(&row)
}

impl ItemStore for PgStore {
    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        _now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        tx.execute(
            "INSERT INTO accounts (name, channel, last_error) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET last_error = EXCLUDED.last_error",
            &[&account, &channel.as_str(), &one_line(error)],
        )
        .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>> {
        let rows = self
            .client
            .query(
                "SELECT name, channel, cursor, last_sync, last_error FROM accounts ORDER BY name",
                &[],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| {
                let channel: String = r.try_get(1).map_err(db)?;
                Ok(AccountRecord {
                    name: r.try_get(0).map_err(db)?,
                    channel: channel.parse().unwrap_or(ChannelKind::Demo),
                    cursor: r.try_get(2).map_err(db)?,
                    last_sync: r.try_get::<_, Option<i64>>(3).map_err(db)?.map(rows::ts),
                    last_error: r.try_get(4).map_err(db)?,
                })
            })
            .collect()
    }

    fn list_items(&mut self, query: &ItemQuery) -> StoreResult<Vec<Item>> {
        self.each_item(query, |item| item)
    }

    fn list_rows(&mut self, query: &ItemQuery, rows: &mut RowBuilder) -> StoreResult<Vec<ItemRow>> {
        let list = self.each_item(query, |item| rows.row(&item))?;
        rows.finish();
        Ok(list)
    }

    fn item(&mut self, id: ItemId) -> StoreResult<Item> {
        item_in(&mut self.client, &self.opts.user, id)
    }

    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>> {
        let item = self.item(id)?;
        let found = self
            .client
            .query(
                "SELECT remote_id, author_handle, author_name, text, created_at, FALSE, id, 0::BIGINT AS seq FROM items \
                 WHERE account = $1 AND thread_root = $2 \
                 UNION ALL SELECT remote_id, author_handle, author_name, text, created_at, TRUE, NULL::BIGINT, id \
                 FROM thread_entries WHERE account = $1 AND thread_root = $2 ORDER BY 5, 8, 7",
                &[&item.account, &item.thread_root],
            )
            .map_err(db)?;
        rows::all(found, rows::thread_entry)
    }

    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>> {
        let found = self
            .client
            .query(
                "SELECT at, who, from_status, to_status, why FROM history WHERE item_id = $1 ORDER BY at, id",
                &[&id.0],
            )
            .map_err(db)?;
        rows::all(found, rows::history)
    }

    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        let sql = if read {
            "INSERT INTO item_reads (item_id, who) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM item_reads WHERE item_id = $1 AND who = $2"
        };
        self.write(|t| {
            t.status_for_update(id)?;
            t.tx.execute(sql, &[&id.0, &t.user]).map_err(db)?;
            t.notify()
        })
    }

    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        if text.trim().is_empty() {
            tx.execute("DELETE FROM drafts WHERE item_id = $1", &[&id.0])
                .map_err(db)?;
        } else {
            tx.execute(
                "INSERT INTO drafts (item_id, text, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (item_id) DO UPDATE SET text = EXCLUDED.text, updated_at = EXCLUDED.updated_at",
                &[&id.0, &text, &secs(now)],
            )
            .map_err(|e| {
                if e.code() == Some(&SqlState::FOREIGN_KEY_VIOLATION) {
                    StoreError::NoSuchItem(id)
                } else {
                    db(e)
                }
            })?;
        }
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>> {
        self.client
            .query_opt("SELECT text FROM drafts WHERE item_id = $1", &[&id.0])
            .map_err(db)?
            .map(|r| r.try_get(0).map_err(db))
            .transpose()
    }

    fn draft_count(&mut self) -> StoreResult<usize> {
        let n: i64 = self
            .client
            .query_one("SELECT COUNT(*) FROM drafts", &[])
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn activity_since(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<Activity>> {
        let item = self.item(id)?;
        let since = secs(since);
        let mut out = Vec::new();
        let inbound = self
            .client
            .query(
                "SELECT author_handle, first_seen_at FROM items \
                 WHERE account = $1 AND thread_root = $2 AND id <> $3 AND first_seen_at >= $4 \
                 ORDER BY first_seen_at, id",
                &[&item.account, &item.thread_root, &id.0, &since],
            )
            .map_err(db)?;
        for r in inbound {
            out.push(Activity::Inbound {
                author: r.try_get(0).map_err(db)?,
                at: ts(r.try_get(1).map_err(db)?),
            });
        }
        // The responder's own replies are no news to them. Replies that went through the
        // outbox are dated by when they were queued (this side's clock, like `since`), not by
        // the network's timestamp of the post.
        let replies = self
            .client
            .query(
                "SELECT te.author_handle, te.created_at, FALSE FROM thread_entries te \
                 WHERE te.account = $1 AND te.thread_root = $2 AND te.outbound AND te.created_at >= $3 \
                 AND te.author_handle <> $4 AND NOT EXISTS (SELECT 1 FROM outbox o \
                   WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
                 UNION ALL SELECT o.queued_by, o.created_at, o.state <> 'sent' FROM outbox o \
                 JOIN items i ON i.id = o.item_id \
                 WHERE i.account = $1 AND i.thread_root = $2 AND o.state IN ('queued', 'sending', 'sent') \
                 AND o.created_at >= $3 AND o.queued_by <> $4 ORDER BY 2",
                &[&item.account, &item.thread_root, &since, &who],
            )
            .map_err(db)?;
        for r in replies {
            out.push(Activity::Reply {
                who: r.try_get(0).map_err(db)?,
                at: ts(r.try_get(1).map_err(db)?),
                queued: r.try_get(2).map_err(db)?,
            });
        }
        Ok(out)
    }

    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        let rows = self
            .client
            .query(
                "SELECT DISTINCT ON (item_id) item_id, who FROM history \
                 WHERE to_status = 'replied' AND at >= $1 ORDER BY item_id, at, id",
                &[&since.as_second()],
            )
            .map_err(db)?;
        rows.iter()
            .map(|r| Ok((ItemId(r.try_get(0).map_err(db)?), r.try_get(1).map_err(db)?)))
            .collect()
    }
}
