//! The durable outbox in SQLite.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, Row, params};

use super::clock::record_reply_tx;
use super::rows::{secs, ts};
use super::{SqliteStore, db};
use crate::model::{ItemId, OutboxEntry, OutboxState};
use crate::sanitize::one_line;
use crate::store::{StoreBackend, StoreError, StoreResult};

const COLUMNS: &str = "id, item_id, text, idempotency_key, state, attempts, last_error, next_attempt_at, remote_id, created_at";

fn entry(r: &Row<'_>) -> rusqlite::Result<OutboxEntry> {
    let state: String = r.get(4)?;
    Ok(OutboxEntry {
        id: r.get(0)?,
        item: ItemId(r.get(1)?),
        text: r.get(2)?,
        idempotency_key: r.get(3)?,
        state: state.parse().unwrap_or(OutboxState::Failed),
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        next_attempt_at: ts(r.get(7)?),
        remote_id: r.get(8)?,
        created_at: ts(r.get(9)?),
    })
}

impl SqliteStore {
    fn outbox_query(
        &mut self,
        sql_where: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> StoreResult<Vec<OutboxEntry>> {
        let sql = format!("SELECT {COLUMNS} FROM outbox WHERE {sql_where}");
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt.query_map(args, entry).map_err(db)?;
        rows.collect::<Result<_, _>>().map_err(db)
    }

    fn outbox_update(
        &mut self,
        id: i64,
        sql_set: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> StoreResult<()> {
        let sql = format!("UPDATE outbox SET {sql_set} WHERE id = ?1");
        let mut all: Vec<&dyn rusqlite::ToSql> = vec![&id];
        all.extend_from_slice(args);
        let n = self.conn.execute(&sql, all.as_slice()).map_err(db)?;
        if n == 0 {
            return Err(StoreError::Db(format!("no outbox entry {id}")));
        }
        Ok(())
    }

    pub(super) fn enqueue(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let tx = self.conn.transaction().map_err(db)?;
        let exists: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1)",
                [id.0],
                |r| r.get(0),
            )
            .map_err(db)?;
        if !exists {
            return Err(StoreError::NoSuchItem(id));
        }
        tx.execute(
            "INSERT INTO outbox (item_id, text, idempotency_key, state, next_attempt_at, created_at, updated_at) \
             VALUES (?1, ?2, ?3, 'queued', ?4, ?4, ?4)",
            params![id.0, text, key, secs(now)],
        )
        .map_err(db)?;
        let oid = tx.last_insert_rowid();
        tx.execute("DELETE FROM drafts WHERE item_id = ?1", [id.0])
            .map_err(db)?;
        tx.commit().map_err(db)?;
        Ok(oid)
    }

    pub(super) fn due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        let now = secs(now);
        self.outbox_query(
            "(state = 'queued' AND next_attempt_at <= ?1) OR state = 'sending' ORDER BY id",
            &[&now],
        )
    }

    pub(super) fn next_due(&mut self) -> StoreResult<Option<Timestamp>> {
        let t: Option<i64> = self
            .conn
            .query_row(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(db)?
            .flatten();
        Ok(t.map(ts))
    }

    pub(super) fn list(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        if include_sent {
            self.outbox_query("1 = 1 ORDER BY id DESC", &[])
        } else {
            self.outbox_query("state <> 'sent' ORDER BY id DESC", &[])
        }
    }

    pub(super) fn get(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        Ok(self.outbox_query("id = ?1", &[&id])?.pop())
    }

    pub(super) fn sending(&mut self, id: i64, now: Timestamp) -> StoreResult<()> {
        self.outbox_update(
            id,
            "state = 'sending', attempts = attempts + 1, updated_at = ?2",
            &[&secs(now)],
        )
    }

    pub(super) fn sent(
        &mut self,
        id: i64,
        remote_id: &str,
        who: &str,
        sent_at: Timestamp,
    ) -> StoreResult<()> {
        let e = self
            .get(id)?
            .ok_or_else(|| StoreError::Db(format!("no outbox entry {id}")))?;
        if e.state == OutboxState::Sent {
            return Ok(());
        }
        let item = self.item(e.item)?;
        let tx = self.conn.transaction().map_err(db)?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', remote_id = ?2, last_error = NULL, updated_at = ?3 WHERE id = ?1",
            params![id, remote_id, secs(sent_at)],
        )
        .map_err(db)?;
        record_reply_tx(&tx, &item, remote_id, &e.text, who, sent_at)?;
        tx.commit().map_err(db)
    }

    pub(super) fn retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'queued', last_error = ?2, next_attempt_at = ?3, updated_at = ?3",
            &[&error, &secs(next_at)],
        )
    }

    pub(super) fn failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'failed', last_error = ?2, updated_at = ?3",
            &[&error, &secs(now)],
        )
    }

    pub(super) fn requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let e = self
            .get(id)?
            .ok_or_else(|| StoreError::Db(format!("no outbox entry {id}")))?;
        if e.state != OutboxState::Failed {
            return Err(StoreError::Db(format!(
                "outbox entry {id} is {}, only failed replies can be resent",
                e.state
            )));
        }
        let text = text.unwrap_or(&e.text).to_string();
        self.outbox_update(
            id,
            "state = 'queued', text = ?2, idempotency_key = ?3, attempts = 0, next_attempt_at = ?4, updated_at = ?4",
            &[&text, &key, &secs(now)],
        )
    }
}
