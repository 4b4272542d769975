//! `StoreBackend` for SQLite: each method is one short transaction.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Transaction, params};

use super::clock::{record_reply_tx, resume_clock};
use super::rows::{self, ITEM_COLUMNS, secs};
use super::{SqliteStore, db};
use crate::model::{
    ChannelKind, FollowUp, FollowUpInput, HistoryEntry, IncomingItem, Item, ItemId, ItemRow, Kind,
    OutboxEntry, RowBuilder, Status, ThreadEntry,
};
use crate::sanitize::{clean, one_line};
use crate::store::{AccountRecord, IngestReport, ItemQuery, StoreBackend, StoreError, StoreResult};

const WHO_SYSTEM: &str = "tinbox";

pub(super) fn history(
    tx: &Transaction<'_>,
    id: i64,
    at: Timestamp,
    who: &str,
    from: Option<Status>,
    to: Status,
    why: &str,
) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO history (item_id, at, who, from_status, to_status, why) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, secs(at), who, from.map(|s| s.as_str()), to.as_str(), why],
    )
    .map_err(db)?;
    Ok(())
}

pub(super) fn status_of(tx: &Transaction<'_>, id: ItemId) -> StoreResult<Status> {
    let s: Option<String> = tx
        .query_row("SELECT status FROM items WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })
        .optional()
        .map_err(db)?;
    s.ok_or(StoreError::NoSuchItem(id))?
        .parse::<Status>()
        .map_err(StoreError::Db)
}

impl StoreBackend for SqliteStore {
    fn ingest(
        &mut self,
        account: &str,
        channel: ChannelKind,
        items: &[IncomingItem],
        cursor: Option<&str>,
        now: Timestamp,
    ) -> StoreResult<IngestReport> {
        let tx = self.conn.transaction().map_err(db)?;
        let mut report = IngestReport::default();
        for it in items {
            let exists: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM items WHERE account = ?1 AND remote_id = ?2)",
                    params![account, it.remote_id],
                    |r| r.get(0),
                )
                .map_err(db)?;
            if exists {
                continue;
            }
            let mut root = it
                .thread_root
                .clone()
                .unwrap_or_else(|| it.remote_id.clone());
            // An answer to a post we know (theirs or our reply) joins that post's thread.
            if let Some(parent) = &it.in_reply_to {
                let known: Option<String> = tx
                    .query_row(
                        "SELECT thread_root FROM items WHERE account = ?1 AND remote_id = ?2 \
                         UNION ALL SELECT thread_root FROM thread_entries WHERE account = ?1 AND remote_id = ?2 LIMIT 1",
                        params![account, parent],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(db)?;
                if let Some(r) = known {
                    root = r;
                }
            }
            // A thread we already answered: this message starts the next-response clock.
            let answered: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM thread_entries WHERE account = ?1 AND thread_root = ?2 AND outbound = 1)",
                    params![account, root],
                    |r| r.get(0),
                )
                .map_err(db)?;
            let target = if answered {
                "next_response"
            } else {
                "first_response"
            };
            tx.execute(
                "INSERT INTO items (account, channel, kind, remote_id, url, author_handle, author_name, text, created_at, \
                 first_seen_at, status, thread_root, in_reply_to, visibility, timer_target, waiting_since) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new', ?11, ?12, ?13, ?14, ?15)",
                params![
                    account,
                    channel.as_str(),
                    it.kind.as_str(),
                    it.remote_id,
                    it.url.as_deref().map(one_line),
                    one_line(&it.author.handle),
                    one_line(&it.author.name),
                    clean(&it.text),
                    secs(it.created_at),
                    secs(now),
                    root,
                    it.in_reply_to,
                    it.visibility.as_str(),
                    target,
                    // Feed entries wait from when they were first seen, not from their date.
                    secs(if it.kind == Kind::Entry { now } else { it.created_at }),
                ],
            )
            .map_err(db)?;
            let id = tx.last_insert_rowid();
            history(&tx, id, now, WHO_SYSTEM, None, Status::New, "arrived")?;
            report.new_items.push(ItemId(id));
            // The customer wrote again: earlier items of the thread waiting on them come back.
            let mut stmt = tx
                .prepare("SELECT id FROM items WHERE account = ?1 AND thread_root = ?2 AND status = 'pending' AND id <> ?3")
                .map_err(db)?;
            let pending: Vec<i64> = stmt
                .query_map(params![account, root, id], |r| r.get(0))
                .map_err(db)?
                .collect::<Result<_, _>>()
                .map_err(db)?;
            drop(stmt);
            for p in pending {
                resume_clock(&tx, p, now)?;
                tx.execute("UPDATE items SET status = 'new' WHERE id = ?1", [p])
                    .map_err(db)?;
                history(
                    &tx,
                    p,
                    now,
                    WHO_SYSTEM,
                    Some(Status::Pending),
                    Status::New,
                    "the customer wrote again",
                )?;
                report.reopened.push(ItemId(p));
            }
        }
        tx.execute(
            "INSERT INTO accounts (name, channel, cursor, last_sync, last_error) VALUES (?1, ?2, ?3, ?4, NULL) \
             ON CONFLICT (name) DO UPDATE SET channel = ?2, cursor = COALESCE(?3, cursor), last_sync = ?4, last_error = NULL",
            params![account, channel.as_str(), cursor, secs(now)],
        )
        .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(report)
    }

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

    fn account(&mut self, name: &str) -> StoreResult<Option<AccountRecord>> {
        Ok(self.accounts()?.into_iter().find(|a| a.name == name))
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

    fn set_status(
        &mut self,
        id: ItemId,
        status: Status,
        who: &str,
        why: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction().map_err(db)?;
        let from = status_of(&tx, id)?;
        if from == status {
            return Ok(());
        }
        let pauses = |s: Status| matches!(s, Status::Pending | Status::Snoozed | Status::FollowUp);
        if pauses(from) && !pauses(status) {
            resume_clock(&tx, id.0, now)?;
        }
        if pauses(status) && !pauses(from) {
            tx.execute(
                "UPDATE items SET paused_since = ?2 WHERE id = ?1 AND paused_since IS NULL",
                params![id.0, secs(now)],
            )
            .map_err(db)?;
        }
        if status == Status::New && matches!(from, Status::Done | Status::Ignored | Status::Replied)
        {
            // Reopened by hand: a fresh clock, measuring the next response if we answered before.
            tx.execute(
                "UPDATE items SET waiting_since = ?2, paused_secs = 0, paused_since = NULL, timer_target = \
                 CASE WHEN first_response_at IS NULL THEN 'first_response' ELSE 'next_response' END WHERE id = ?1",
                params![id.0, secs(now)],
            )
            .map_err(db)?;
        }
        tx.execute(
            "UPDATE items SET status = ?2, \
             snoozed_until = CASE WHEN ?2 = 'snoozed' THEN snoozed_until END WHERE id = ?1",
            params![id.0, status.as_str()],
        )
        .map_err(db)?;
        history(&tx, id.0, now, who, Some(from), status, why)?;
        tx.commit().map_err(db)
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

    fn record_reply(
        &mut self,
        id: ItemId,
        remote_id: &str,
        text: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        let item = self.item(id)?;
        let tx = self.conn.transaction().map_err(db)?;
        record_reply_tx(&tx, &item, remote_id, text, who, sent_at)?;
        tx.commit().map_err(db)
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

    fn enqueue_reply(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        self.enqueue(id, text, key, now)
    }
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        self.due(now)
    }
    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>> {
        self.next_due()
    }
    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        self.list(include_sent)
    }
    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        self.get(id)
    }
    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        // One instance owns a one-person store (the instance lock): it always sends.
        self.sending(id, now)?;
        Ok(true)
    }
    fn first_responders(&mut self, since: Timestamp) -> StoreResult<Vec<(ItemId, String)>> {
        self.responders(since)
    }
    fn activity_since(
        &mut self,
        id: ItemId,
        since: Timestamp,
        who: &str,
    ) -> StoreResult<Vec<crate::store::Activity>> {
        self.activity(id, since, who)
    }
    fn outbox_mark_sent(
        &mut self,
        id: i64,
        remote_id: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        self.sent(id, remote_id, who, sent_at)
    }
    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        self.retry(id, error, next_at)
    }
    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        self.failed(id, error, now)
    }
    fn outbox_requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.requeue(id, text, key, now)
    }
    fn create_followup(
        &mut self,
        id: ItemId,
        input: &FollowUpInput,
        case_format: &str,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        self.new_followup(id, input, case_format, who, now)
    }
    fn followups(&mut self, include_closed: bool) -> StoreResult<Vec<FollowUp>> {
        self.list_followups(include_closed)
    }
    fn followup_for(&mut self, id: ItemId) -> StoreResult<Option<FollowUp>> {
        self.open_followup(id)
    }
    fn resolve_followup(
        &mut self,
        id: ItemId,
        outcome: &str,
        done: bool,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<FollowUp> {
        self.close_followup(id, outcome, done, who, now)
    }
    fn snooze(
        &mut self,
        id: ItemId,
        until: Timestamp,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        self.snooze_item(id, until, who, now)
    }
    fn wake_snoozed(&mut self, now: Timestamp) -> StoreResult<Vec<ItemId>> {
        self.wake(now)
    }
    fn set_priority(
        &mut self,
        id: ItemId,
        priority: crate::model::Priority,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction().map_err(db)?;
        let status = status_of(&tx, id)?;
        tx.execute(
            "UPDATE items SET priority = ?2 WHERE id = ?1",
            params![id.0, priority.as_str()],
        )
        .map_err(db)?;
        history(
            &tx,
            id.0,
            now,
            who,
            Some(status),
            status,
            &format!("priority {priority}"),
        )?;
        tx.commit().map_err(db)
    }
    fn set_tags(
        &mut self,
        id: ItemId,
        tags: &[String],
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let tags: Vec<String> = tags
            .iter()
            .map(|t| one_line(t))
            .filter(|t| !t.is_empty())
            .collect();
        let json = serde_json::to_string(&tags).map_err(|e| StoreError::Db(e.to_string()))?;
        self.note_change(
            id,
            "UPDATE items SET tags = ?2 WHERE id = ?1",
            &json,
            who,
            now,
            &format!("tags: {}", tags.join(", ")),
        )
    }
    fn add_note(&mut self, id: ItemId, text: &str, who: &str, now: Timestamp) -> StoreResult<()> {
        let tx = self.conn.transaction().map_err(db)?;
        let status = status_of(&tx, id)?;
        let why = format!("note: {}", clean(text));
        history(&tx, id.0, now, who, Some(status), status, &why)?;
        tx.commit().map_err(db)
    }
    fn set_assignee(
        &mut self,
        id: ItemId,
        assignee: Option<&str>,
        who: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let a = assignee.map(one_line).filter(|a| !a.is_empty());
        let why = match &a {
            Some(a) => format!("assigned to {a}"),
            None => "unassigned".to_string(),
        };
        let tx = self.conn.transaction().map_err(db)?;
        let status = status_of(&tx, id)?;
        tx.execute(
            "UPDATE items SET assignee = ?2 WHERE id = ?1",
            params![id.0, a],
        )
        .map_err(db)?;
        history(&tx, id.0, now, who, Some(status), status, &why)?;
        tx.commit().map_err(db)
    }
}

impl SqliteStore {
    /// Update one text column of an item and record why in its history.
    fn note_change(
        &mut self,
        id: ItemId,
        sql: &str,
        value: &str,
        who: &str,
        now: Timestamp,
        why: &str,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction().map_err(db)?;
        let status = status_of(&tx, id)?;
        tx.execute(sql, params![id.0, value]).map_err(db)?;
        history(&tx, id.0, now, who, Some(status), status, why)?;
        tx.commit().map_err(db)
    }
}
