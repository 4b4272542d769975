//! The durable outbox in PostgreSQL, sent exactly once by a team: an entry is taken for sending
//! by one instance (`sender_instance`); another may take it over only when that instance is dead
//! (its heartbeat older than the lease).

use jiff::Timestamp;
use postgres::types::ToSql;

use super::ops::{item_in, record_reply_tx};
use super::rows::{self, OUTBOX_COLUMNS, secs, ts};
use super::{PgStore, db, notify_changed};
use crate::model::{ItemId, OutboxEntry, OutboxState};
use crate::sanitize::one_line;
use crate::store::{StoreError, StoreResult};

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

    pub(super) fn enqueue(
        &mut self,
        id: ItemId,
        text: &str,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<i64> {
        let mut tx = self.client.transaction().map_err(db)?;
        let exists: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM items WHERE id = $1)",
                &[&id.0],
            )
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        if !exists {
            return Err(StoreError::NoSuchItem(id));
        }
        let oid: i64 = tx
            .query_one(
                "INSERT INTO outbox (item_id, text, idempotency_key, state, next_attempt_at, created_at, updated_at, queued_by) \
                 VALUES ($1, $2, $3, 'queued', $4, $4, $4, $5) RETURNING id",
                &[&id.0, &text, &key, &secs(now), &self.opts.user],
            )
            .map_err(db)?
            .try_get(0)
            .map_err(db)?;
        tx.execute("DELETE FROM drafts WHERE item_id = $1", &[&id.0])
            .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(oid)
    }

    /// Queued and due, or `sending` by this instance (it crashed and restarted) or by a dead
    /// one. Entries another instance is taking right now are skipped, not waited for.
    pub(super) fn due(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
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

    pub(super) fn next_due(&mut self) -> StoreResult<Option<Timestamp>> {
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

    pub(super) fn list(&mut self, include_sent: bool) -> StoreResult<Vec<OutboxEntry>> {
        if include_sent {
            self.outbox_query("TRUE ORDER BY id DESC", &[])
        } else {
            self.outbox_query("state <> 'sent' ORDER BY id DESC", &[])
        }
    }

    pub(super) fn get(&mut self, id: i64) -> StoreResult<Option<OutboxEntry>> {
        Ok(self.outbox_query("id = $1", &[&id])?.pop())
    }

    /// Take the entry for sending: `true` for exactly one instance at a time.
    pub(super) fn sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
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

    /// Sent: the reply is recorded on the item as written by whoever queued it.
    pub(super) fn sent(&mut self, id: i64, remote_id: &str, sent_at: Timestamp) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        let row = tx
            .query_opt(
                "SELECT item_id, text, state, queued_by FROM outbox WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .map_err(db)?
            .ok_or_else(|| no_entry(id))?;
        let item_id: i64 = row.try_get(0).map_err(db)?;
        let text: String = row.try_get(1).map_err(db)?;
        let state: String = row.try_get(2).map_err(db)?;
        let queued_by: String = row.try_get(3).map_err(db)?;
        if state == OutboxState::Sent.as_str() {
            return Ok(());
        }
        super::ops::status_of(&mut tx, ItemId(item_id))?;
        let item = item_in(&mut tx, &self.opts.user, ItemId(item_id))?;
        tx.execute(
            "UPDATE outbox SET state = 'sent', remote_id = $2, last_error = NULL, updated_at = $3 WHERE id = $1",
            &[&id, &remote_id, &secs(sent_at)],
        )
        .map_err(db)?;
        record_reply_tx(&mut tx, &item, remote_id, &text, &queued_by, sent_at)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }

    pub(super) fn retry(&mut self, id: i64, error: &str, next_at: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'queued', last_error = $2, next_attempt_at = $3, updated_at = $3, sender_instance = NULL",
            &[&error, &secs(next_at)],
        )
    }

    pub(super) fn failed(&mut self, id: i64, error: &str, now: Timestamp) -> StoreResult<()> {
        let error = one_line(error);
        self.outbox_update(
            id,
            "state = 'failed', last_error = $2, updated_at = $3, sender_instance = NULL",
            &[&error, &secs(now)],
        )
    }

    /// Queue a failed entry again. New text makes the requeuer its writer.
    pub(super) fn requeue(
        &mut self,
        id: i64,
        text: Option<&str>,
        key: &str,
        now: Timestamp,
    ) -> StoreResult<()> {
        let mut tx = self.client.transaction().map_err(db)?;
        let row = tx
            .query_opt(
                "SELECT state, text, queued_by FROM outbox WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .map_err(db)?
            .ok_or_else(|| no_entry(id))?;
        let state: String = row.try_get(0).map_err(db)?;
        let old_text: String = row.try_get(1).map_err(db)?;
        let queued_by: String = row.try_get(2).map_err(db)?;
        if state != OutboxState::Failed.as_str() {
            return Err(StoreError::Db(format!(
                "outbox entry {id} is {state}, only failed replies can be resent"
            )));
        }
        let (text, writer) = match text {
            Some(t) => (t.to_string(), self.opts.user.clone()),
            None => (old_text, queued_by),
        };
        tx.execute(
            "UPDATE outbox SET state = 'queued', text = $2, idempotency_key = $3, attempts = 0, \
             next_attempt_at = $4, updated_at = $4, queued_by = $5, sender_instance = NULL WHERE id = $1",
            &[&id, &text, &key, &secs(now), &writer],
        )
        .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)
    }
}
