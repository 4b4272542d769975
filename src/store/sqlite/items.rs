//! Items, threads, drafts and accounts in SQLite, and what the traffic cop asks of a
//! one-person store: activity in a conversation since the composer opened (new customer
//! messages, replies sent or queued meanwhile, e.g. by `tinbox reply` from a script).

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::rows::{self, ITEM_COLUMNS, secs, ts};
use super::{SqliteStore, db};
use crate::model::{ChannelKind, HistoryEntry, Item, ItemId, ItemRow, RowBuilder, ThreadEntry};
use crate::sanitize::one_line;
use crate::store::{
    AccountRecord, Activity, ItemQuery, ItemStore, StoreError, StoreResult, TeamStore,
};

/// A one-person store: no team to coordinate (the defaults).
impl TeamStore for SqliteStore {}

impl ItemStore for SqliteStore {
    fn record_sync_error(
        &mut self,
        account: &str,
        channel: ChannelKind,
        error: &str,
        _now: Timestamp,
    ) -> StoreResult<()> {
        self.conn
            .execute(
                "INSERT INTO accounts (name, channel, last_error) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (name) DO UPDATE SET last_error = ?3",
                params![account, channel.as_str(), one_line(error)],
            )
            .map_err(db)?;
        Ok(())
    }

    fn accounts(&mut self) -> StoreResult<Vec<AccountRecord>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name, channel, cursor, last_sync, last_error FROM accounts ORDER BY name",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map([], |r| {
                let channel: String = r.get(1)?;
                Ok(AccountRecord {
                    name: r.get(0)?,
                    channel: channel.parse().unwrap_or(ChannelKind::Demo),
                    cursor: r.get(2)?,
                    last_sync: r.get::<_, Option<i64>>(3)?.map(rows::ts),
                    last_error: r.get(4)?,
                })
            })
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
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
        self.conn
            .query_row(
                &format!("SELECT {ITEM_COLUMNS} FROM items i WHERE i.id = ?1"),
                [id.0],
                rows::item,
            )
            .optional()
            .map_err(db)?
            .ok_or(StoreError::NoSuchItem(id))
    }

    fn thread(&mut self, id: ItemId) -> StoreResult<Vec<ThreadEntry>> {
        let item = self.item(id)?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT remote_id, author_handle, author_name, text, created_at, 0, id, 0 AS seq FROM items \
                 WHERE account = ?1 AND thread_root = ?2 \
                 UNION ALL SELECT remote_id, author_handle, author_name, text, created_at, 1, NULL, id FROM thread_entries \
                 WHERE account = ?1 AND thread_root = ?2 ORDER BY 5, 8, 7",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![item.account, item.thread_root], rows::thread_entry)
            .map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn history(&mut self, id: ItemId) -> StoreResult<Vec<HistoryEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, who, from_status, to_status, why FROM history WHERE item_id = ?1 ORDER BY at, id")
            .map_err(db)?;
        let rows = stmt.query_map([id.0], rows::history).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn set_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        let n = self
            .conn
            .execute(
                "UPDATE items SET read = ?2 WHERE id = ?1",
                params![id.0, read],
            )
            .map_err(db)?;
        if n == 0 {
            Err(StoreError::NoSuchItem(id))
        } else {
            Ok(())
        }
    }

    fn save_draft(&mut self, id: ItemId, text: &str, now: Timestamp) -> StoreResult<()> {
        if text.trim().is_empty() {
            self.conn
                .execute("DELETE FROM drafts WHERE item_id = ?1", [id.0])
                .map_err(db)?;
            return Ok(());
        }
        self.conn
            .execute(
                "INSERT INTO drafts (item_id, text, updated_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (item_id) DO UPDATE SET text = ?2, updated_at = ?3",
                params![id.0, text, secs(now)],
            )
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::NoSuchItem(id),
                _ => db(e),
            })?;
        Ok(())
    }

    fn draft(&mut self, id: ItemId) -> StoreResult<Option<String>> {
        self.conn
            .query_row("SELECT text FROM drafts WHERE item_id = ?1", [id.0], |r| {
                r.get(0)
            })
            .optional()
            .map_err(db)
    }

    fn draft_count(&mut self) -> StoreResult<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT COUNT(*) FROM drafts", [], |r| r.get(0))
            .map_err(db)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT item_id, who FROM history WHERE to_status = 'replied' AND at >= ?1 \
                 ORDER BY at, id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map([secs(since)], |r| Ok((ItemId(r.get(0)?), r.get(1)?)))
            .map_err(db)?;
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for r in rows {
            let (id, who): (ItemId, String) = r.map_err(db)?;
            if seen.insert(id) {
                out.push((id, who));
            }
        }
        Ok(out)
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
        let mut stmt = self
            .conn
            .prepare(
                "SELECT author_handle, first_seen_at FROM items \
                 WHERE account = ?1 AND thread_root = ?2 AND id <> ?3 AND first_seen_at >= ?4 \
                 ORDER BY first_seen_at, id",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![item.account, item.thread_root, id.0, since], |r| {
                Ok(Activity::Inbound {
                    author: r.get(0)?,
                    at: ts(r.get(1)?),
                })
            })
            .map_err(db)?;
        for r in rows {
            out.push(r.map_err(db)?);
        }
        drop(stmt);
        // Replies that went through the outbox are dated by when they were queued (this
        // side's clock, like `since`), not by the network's timestamp of the post; the sender
        // is the author of the recorded reply, or (still queued) the user.
        let mut stmt = self
            .conn
            .prepare(
                "SELECT te.author_handle, te.created_at, 0 FROM thread_entries te \
                 WHERE te.account = ?1 AND te.thread_root = ?2 AND te.outbound = 1 AND te.created_at >= ?3 \
                 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.item_id = te.item_id AND o.remote_id = te.remote_id) \
                 UNION ALL SELECT COALESCE(te.author_handle, ?4), o.created_at, o.state <> 'sent' \
                 FROM outbox o JOIN items i ON i.id = o.item_id \
                 LEFT JOIN thread_entries te ON te.item_id = o.item_id AND te.remote_id = o.remote_id \
                 WHERE i.account = ?1 AND i.thread_root = ?2 AND o.state IN ('queued', 'sending', 'sent') \
                 AND o.created_at >= ?3 ORDER BY 2",
            )
            .map_err(db)?;
        let rows = stmt
            .query_map(params![item.account, item.thread_root, since, who], |r| {
                Ok(Activity::Reply {
                    who: r.get(0)?,
                    at: ts(r.get(1)?),
                    queued: r.get::<_, i64>(2)? == 1,
                })
            })
            .map_err(db)?;
        for r in rows {
            out.push(r.map_err(db)?);
        }
        Ok(out)
    }
}
