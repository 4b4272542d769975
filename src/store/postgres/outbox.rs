//! What PostgreSQL does its own way ([`SqlStore`]): read positions per user, and the durable
//! outbox sent exactly once by a team: an entry is taken for sending
//! by one instance (`sender_instance`); another may take it over only when that instance is dead
//! (its heartbeat older than the lease).

use jiff::Timestamp;

use super::PgStore;
use super::tx::PgConn;
use crate::model::{ItemId, OutboxEntry};
use crate::store::common::{SqlStore, outbox_where};
use crate::store::rows::secs;
use crate::store::rules::{Transact, Tx};
use crate::store::sql::{Sql, args};
use crate::store::{StoreError, StoreResult};

/// The entry's sender (`sender_instance`, as `?me`/`?now`/`?lease`) is this instance, nobody, or
/// an instance that stopped beating (`?now` in the database's time: `PgStore::db_secs`).
fn sender_gone_or_me(me: usize, now: usize, lease: usize) -> String {
    format!(
        "(sender_instance = ?{me} OR sender_instance IS NULL OR NOT EXISTS \
         (SELECT 1 FROM instances s WHERE s.id = sender_instance AND s.heartbeat_at >= ?{now}::BIGINT - ?{lease}::BIGINT))"
    )
}

impl SqlStore for PgStore {
    type Conn<'c> = PgConn<'c>;
    const LOCAL: bool = false;
    const DIALECT: crate::store::query::Dialect = crate::store::query::Dialect::Postgres;

    fn conn(&mut self) -> PgConn<'_> {
        self.sql()
    }

    fn mark_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        let sql = if read {
            "INSERT INTO item_reads (item_id, who) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM item_reads WHERE item_id = ?1 AND who = ?2"
        };
        let user = self.opts.user.clone();
        self.write(|t| {
            t.status_for_update(id)?;
            t.exec(sql, args![id.0, &user])?;
            Sql::notify(t)
        })
    }

    /// Queued and due, or `sending` by this instance (it crashed and restarted) or by a dead
    /// one. Entries another instance is taking right now are skipped, not waited for.
    fn due_entries(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        let now = secs(now);
        let due = format!(
            "(state = 'queued' AND next_attempt_at <= ?1) OR (state = 'sending' AND {}) \
             ORDER BY id FOR UPDATE SKIP LOCKED",
            sender_gone_or_me(2, 4, 3)
        );
        let args = args![now, self.instance, self.opts.lease_secs, now + self.skew];
        self.write(|t| outbox_where(t, &due, args))
    }

    /// Take the entry for sending: `true` for exactly one instance at a time.
    fn take_for_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        let sql = format!(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, sender_instance = ?2, updated_at = ?3 \
             WHERE id = ?1 AND (state = 'queued' OR (state = 'sending' AND {}))",
            sender_gone_or_me(2, 5, 4)
        );
        let args = args![
            id,
            self.instance,
            secs(now),
            self.opts.lease_secs,
            self.db_secs(now)
        ];
        self.write(|t| {
            // Lock the row first, so that the UPDATE below starts after any other taker
            // committed and judges the sender's liveness with a fresh snapshot. (Without it, an
            // UPDATE that waited for another one rechecks only the row, not the subquery on
            // `instances`, and two instances could both take the entry.)
            let locked = "SELECT 1 FROM outbox WHERE id = ?1 FOR UPDATE";
            if t.opt(locked, args![id], |_| Ok(()))?.is_none() {
                return Err(StoreError::Db(format!("no outbox entry {id}")));
            }
            if t.exec(&sql, args)? == 0 {
                return Ok(false);
            }
            Sql::notify(t)?;
            Ok(true)
        })
    }
}
