//! Reading the durable outbox in SQLite, and the sender's bookkeeping (queueing and recording a
//! sent reply are the store's rules).

use jiff::Timestamp;
use rusqlite::OptionalExtension;

use super::rows::{self, OUTBOX_COLUMNS, secs, ts};
use super::{SqliteStore, db};
use crate::model::OutboxEntry;
use crate::sanitize::one_line;
use crate::store::{OutboxStore, StoreError, StoreResult};

impl SqliteStore {
    fn outbox_query(
        &mut self,
        sql_where: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> StoreResult<Vec<OutboxEntry>> {
        let sql = format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {sql_where}");
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt.query_map(args, rows::outbox_entry).map_err(db)?;
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
}

impl OutboxStore for SqliteStore {
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        let now = secs(now);
        self.outbox_query(
            "(state = 'queued' AND next_attempt_at <= ?1) OR state = 'sending' ORDER BY id",
            &[&now],
        )
    }

    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>> {
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

    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        if include_sent {
            self.outbox_query("1 = 1 ORDER BY id DESC", &[])
        } else {
            self.outbox_query("state <> 'sent' ORDER BY id DESC", &[])
        }
    }

    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        Ok(self.outbox_query("id = ?1", &[&id])?.pop())
    }

    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        // One instance owns a one-person store (the instance lock): it always sends.
        self.outbox_update(
            id,
            "state = 'sending', attempts = attempts + 1, updated_at = ?2",
            &[&secs(now)],
        )?;
        Ok(true)
    }

    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'queued', last_error = ?2, next_attempt_at = ?3, updated_at = ?3",
            &[&error, &secs(next_at)],
        )
    }

    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'failed', last_error = ?2, updated_at = ?3",
            &[&error, &secs(now)],
        )
    }
}
