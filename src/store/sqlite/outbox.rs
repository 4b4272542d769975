//! What SQLite does its own way ([`SqlStore`]): its one read flag per item, and taking an
//! outbox entry for sending.
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
use rusqlite::Connection;

use super::SqliteStore;
use crate::model::{ItemId, OutboxEntry};
use crate::store::common::{SqlStore, outbox_where};
use crate::store::rows::secs;
use crate::store::sql::{Sql, args};
use crate::store::{StoreError, StoreResult, TeamStore};

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

/// A one-person store: no team to coordinate (the defaults).
impl TeamStore for SqliteStore {}

impl SqliteStore {
    /// Let go of the send locks of entries no longer `sending` (sent, retried, failed).
    fn release_send_locks(&mut self) -> StoreResult<()> {
        let sql = "SELECT id FROM outbox WHERE state = 'sending'";
        let sending: Vec<i64> = (&self.conn).rows(sql, &[], |r| r.get(0).map_err(super::db))?;
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
}

impl SqlStore for SqliteStore {
    type Conn<'c> = &'c Connection;
    const LOCAL: bool = true;
    const DIALECT: crate::store::query::Dialect = crate::store::query::Dialect::Sqlite;

    fn conn(&mut self) -> &Connection {
        &self.conn
    }

    fn mark_read(&mut self, id: ItemId, read: bool) -> StoreResult<()> {
        let sql = "UPDATE items SET read = ?2 WHERE id = ?1";
        match (&self.conn).exec(sql, args![id.0, read])? {
            0 => Err(StoreError::NoSuchItem(id)),
            _ => Ok(()),
        }
    }

    fn due_entries(&mut self, now: Timestamp) -> StoreResult<Vec<OutboxEntry>> {
        self.release_send_locks()?;
        let due = "(state = 'queued' AND next_attempt_at <= ?1) OR state = 'sending' ORDER BY id";
        outbox_where(&mut &self.conn, due, args![secs(now)])
    }

    fn take_for_sending(&mut self, id: i64, now: Timestamp) -> StoreResult<bool> {
        self.release_send_locks()?;
        if !take_send_lock(self.conn.path(), id)? {
            return Ok(false);
        }
        let sql = "UPDATE outbox SET state = 'sending', attempts = attempts + 1, updated_at = ?2 WHERE id = ?1";
        if (&self.conn).exec(sql, args![id, secs(now)])? == 0 {
            return Err(StoreError::Db(format!("no outbox entry {id}")));
        }
        Ok(true)
    }
}
