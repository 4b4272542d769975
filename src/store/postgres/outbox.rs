//! The durable outbox in PostgreSQL, sent exactly once by a team: an entry is taken for sending
//! by one instance (`sender_instance`); another may take it over only when that instance is dead
//! (its heartbeat older than the lease).

use jiff::Timestamp;
use postgres::types::ToSql;

use super::rows::{self, OUTBOX_COLUMNS, secs, ts};
use super::{PgStore, db, notify_changed};
use crate::model::OutboxEntry;
use crate::sanitize::one_line;
use crate::store::{OutboxStore, StoreError, StoreResult};

/// The entry's sender (`sender_instance`, as `$me`/`$now`/`$lease`) is this instance, nobody, or
/// an instance that stopped beating (`$now` in the database's time: `PgStore::db_secs`).
const SENDER_GONE_OR_ME: &str = "(sender_instance = {me} OR sender_instance IS NULL OR NOT EXISTS \
     (SELECT 1 FROM instances s WHERE s.id = sender_instance AND s.heartbeat_at >= {now}::BIGINT - {lease}::BIGINT))";

fn sender_gone_or_me(me: usize, now: usize, lease: usize) -> String {
    SENDER_GONE_OR_ME
        .replace("{me}", &format!("${me}"))
        .replace("{now}", &format!("${now}"))
        .replace("{lease}", &format!("${lease}"))
}

fn no_entry(id: i64) -> StoreError {
    StoreError::Db(format!("no outbox entry {id}"))
}

impl PgStore {
    fn outbox_query(
        &mut self,
        sql_where: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Vec<OutboxEntry>> {
        let sql = format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE {sql_where}");
        let found = self.client.query(&sql, args).map_err(db)?;
        rows::all(found, rows::outbox_entry)
    }

    /// `UPDATE outbox SET {sql_set} WHERE id = $1` in its own transaction; the entry must exist.
    fn outbox_update(
        &mut self,
        id: i64,
        sql_set: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<()> {
        let sql = format!("UPDATE outbox SET {sql_set} WHERE id = $1");
        let mut all: Vec<&(dyn ToSql + Sync)> = vec![&id];
        all.extend_from_slice(args);
        let mut tx = self.client.transaction().map_err(db)?;
        if tx.execute(&sql, &all).map_err(db)? == 0 {
            return Err(no_entry(id));
        }
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }
}

impl OutboxStore for PgStore {
    /// Queued and due, or `sending` by this instance (it crashed and restarted) or by a dead
    /// one. Entries another instance is taking right now are skipped, not waited for.
    fn outbox_due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        let now = secs(now);
        let sql = format!(
            "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE (state = 'queued' AND next_attempt_at <= $1) \
             OR (state = 'sending' AND {}) ORDER BY id FOR UPDATE SKIP LOCKED",
            sender_gone_or_me(2, 4, 3)
        );
        let db_now = now + self.skew;
        let mut tx = self.client.transaction().map_err(db)?;
        let found = tx
            .query(
                &sql,
                &[&now, &self.instance, &self.opts.lease_secs, &db_now],
            )
            .map_err(db)?;
        tx.commit().map_err(db)?;
        rows::all(found, rows::outbox_entry)
    }

    fn outbox_next_due(&mut self) -> StoreResult<Option<Timestamp>> {
        let t: Option<i64> = self
            .client
            .query_one(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'",
                &[],
            )
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        Ok(t.map(ts))
    }

    fn outbox(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        if include_sent {
            self.outbox_query("TRUE ORDER BY id DESC", &[])
        } else {
            self.outbox_query("state <> 'sent' ORDER BY id DESC", &[])
        }
    }

    fn outbox_entry(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        Ok(self.outbox_query("id = $1", &[&id])?.pop())
    }

    /// Take the entry for sending: `true` for exactly one instance at a time.
    fn outbox_mark_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        let sql = format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, sender_instance = $2, updated_at = $3 \
             WHERE id = $1 AND (state = 'queued' OR (state = 'sending' AND {}))",
            sender_gone_or_me(2, 5, 4)
        );
        let db_now = self.db_secs(now);
        let mut tx = self.client.transaction().map_err(db)?;
        // Lock the row first, so that the UPDATE below starts after any other taker committed
        // and judges the sender's liveness with a fresh snapshot. (Without it, an UPDATE that
        // waited for another one rechecks only the row, not the subquery on `instances`, and
        // two instances could both take the entry.)
        if tx
            .query_opt("SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE", &[&id])
            .map_err(db)?
            .is_none()
        {
            return Err(no_entry(id));
        }
        let n = tx
            .execute(
                &sql,
                &[
                    &id,
                    &self.instance,
                    &secs(now),
                    &self.opts.lease_secs,
                    &db_now,
                ],
            )
            .map_err(db)?;
        if n == 0 {
            return Ok(false);
        }
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(true)
    }

    fn outbox_mark_retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'queued', last_error = $2, next_attempt_at = $3, updated_at = $3, sender_instance = NULL",
            &[&error, &secs(next_at)],
        )
    }

    fn outbox_mark_failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'failed', last_error = $2, updated_at = $3, sender_instance = NULL",
            &[&error, &secs(now)],
        )
    }
}
