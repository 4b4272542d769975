//! Reading the durable outbox in SQLite, and the sender's bookkeeping (queueing and recording a
//! sent reply are the store's rules).
//!
//! Several programs may use one store at once (`tinbox reply` while the inbox runs, or
//! `tinbox sync --once`). An entry is taken for sending only with its send lock: a file lock
//! next to the store, held by the sending process until the entry leaves `sending`, and
//! released by the system when that process dies. So an entry another live program is sending
//! is left to it, and one left `sending` by a crash is taken again at once.

use std::collections::HashSet;
use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::sync::Mutex;

use jiff::Timestamp;
use rusqlite::OptionalExtension;

use super::rows::{self, OUTBOX_COLUMNS, secs, ts};
use super::{SqliteStore, db};
use crate::model::OutboxEntry;
use crate::sanitize::one_line;
use crate::store::{OutboxStore, StoreError, StoreResult};

/// The send locks this process holds: each lock file's path, and the file, open and locked.
static HELD: Mutex<Vec<(PathBuf, File)>> = Mutex::new(Vec::new());

/// Whether this process may send entry `id`: it takes (or already holds) the entry's send
/// lock. `false`: another live program holds it and is sending the entry.
fn take_send_lock(store: Option<&str>, id: i64) -> StoreResult<bool> {
    // A private in-memory store has one user.
    let Some(store) = store.filter(|p| !p.is_empty()) else {
        return Ok(true);
    };
    let dir = PathBuf::from(format!("{store}-sending"));
    let path = dir.join(format!("{id}.lock"));
    let mut held = HELD
        .lock()
        .map_err(|_| StoreError::Db("send locks poisoned".into()))?;
    if held.iter().any(|(p, _)| *p == path) {
        return Ok(true);
    }
    let io = |e: std::io::Error| StoreError::Db(format!("send lock {}: {e}", path.display()));
    std::fs::create_dir_all(&dir).map_err(io)?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            held.push((path, file));
            Ok(true)
        }
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(io(e)),
    }
}

impl SqliteStore {
    /// Let go of the send locks of entries no longer `sending` (sent, retried, failed).
    fn release_send_locks(&mut self) -> StoreResult<()> {
        let sending: Vec<i64> = {
            let mut stmt = self
                .conn
                .prepare("SELECT id FROM outbox WHERE state = 'sending'")
                .map_err(db)?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(db)?;
            rows.collect::<Result<_, _>>().map_err(db)?
        };
        let keep: HashSet<String> = sending.iter().map(|id| format!("{id}.lock")).collect();
        let dir = self
            .conn
            .path()
            .map(|p| PathBuf::from(format!("{p}-sending")));
        if let (Some(dir), Ok(mut held)) = (dir, HELD.lock()) {
            held.retain(|(p, _)| {
                p.parent() != Some(dir.as_path())
                    || p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| keep.contains(n))
            });
        }
        Ok(())
    }

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
        self.release_send_locks()?;
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
        self.release_send_locks()?;
        if !take_send_lock(self.conn.path(), id)? {
            return Ok(false);
        }
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
