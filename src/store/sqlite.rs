//! The embedded SQLite backend: one file in the data dir, WAL, versioned migrations. Its
//! statements are the common dialect's (`crate::store::sql`); `outbox` holds what it does
//! its own way.

mod outbox;
mod tx;

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{StoreError, StoreResult};

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_outbox.sql"),
    include_str!("migrations/0003_followups.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| open_err(format!("cannot create {}: {e}", dir.display())))?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_err(e.to_string()))?;
        Self::init(conn, &shown)
    }

    /// A private in-memory store (tests, benchmarks).
    pub fn open_in_memory() -> StoreResult<SqliteStore> {
        let conn = Connection::open_in_memory().map_err(|e| StoreError::Open {
            path: ":memory:".into(),
            reason: e.to_string(),
        })?;
        Self::init(conn, ":memory:")
    }

    /// Prepare a connection: pragmas, then the migrations. Two programs opening a new store
    /// at once (`tinbox` and `tinbox sync` on a fresh data dir) can meet a lock while the other
    /// sets the journal mode up: that is waited out, for a while.
    fn init(conn: Connection, shown: &str) -> StoreResult<SqliteStore> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut conn = conn;
        loop {
            match Self::try_init(conn, shown) {
                Ok(store) => return Ok(store),
                Err((c, e)) if is_busy(&e) && std::time::Instant::now() < deadline => {
                    conn = c;
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err((_, e)) => return Err(e),
            }
        }
    }

    #[allow(clippy::result_large_err)]
    fn try_init(conn: Connection, shown: &str) -> Result<SqliteStore, (Connection, StoreError)> {
        match Self::setup(&conn, shown) {
            Ok(()) => {}
            Err(e) => return Err((conn, e)),
        }
        let mut store = SqliteStore { conn };
        match store.migrate() {
            Ok(()) => Ok(store),
            Err(e) => {
                let e = match e {
                    // A lock is kept as it is, so that opening waits it out.
                    StoreError::NewerSchema { .. } => e,
                    _ if is_busy(&e) => e,
                    other => StoreError::Open {
                        path: shown.to_string(),
                        reason: other.to_string(),
                    },
                };
                Err((store.conn, e))
            }
        }
    }

    fn setup(conn: &Connection, shown: &str) -> StoreResult<()> {
        let open_err = |e: rusqlite::Error| StoreError::Open {
            path: shown.to_string(),
            reason: explain(&e),
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(open_err)?;
        // Reading the version first also proves the file is a database before we change anything.
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_err)?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: shown.to_string(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        Ok(())
    }

    /// Run the migrations the store has not seen, one per write transaction that first
    /// re-reads the version: a second program migrating at the same time waits for the lock,
    /// then finds the work done.
    fn migrate(&mut self) -> StoreResult<()> {
        // Up to date (the usual case): no write lock needed.
        let found: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if found >= SCHEMA_VERSION {
            return Ok(());
        }
        loop {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(db)?;
            let current: i64 = tx
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .map_err(db)?;
            if current >= SCHEMA_VERSION {
                return Ok(());
            }
            let version = current + 1;
            let sql = MIGRATIONS[usize::try_from(current).unwrap_or(0)];
            tx.execute_batch(sql)
                .map_err(|e| StoreError::Db(format!("migration {version}: {e}")))?;
            tx.pragma_update(None, "user_version", version)
                .map_err(db)?;
            tx.commit().map_err(db)?;
            tracing::info!("store schema migrated to version {version}");
        }
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> StoreResult<i64> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)
    }

    /// `PRAGMA integrity_check` is "ok".
    pub fn integrity_ok(&self) -> StoreResult<bool> {
        let s: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(db)?;
        Ok(s == "ok")
    }
}

fn explain(e: &rusqlite::Error) -> String {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            "the file is not a tinbox store (not an SQLite database)".into()
        }
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            LOCKED.into()
        }
        Some(rusqlite::ErrorCode::DiskFull) => "the disk is full".into(),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::PermissionDenied) => {
            "no permission to write the store".into()
        }
        _ => e.to_string(),
    }
}

/// How a lock held by another connection is explained (and recognized while opening).
const LOCKED: &str = "the store is locked by another program";

/// A lock another connection holds: opening waits it out.
fn is_busy(e: &StoreError) -> bool {
    match e {
        StoreError::Db(m) => m == LOCKED,
        StoreError::Open { reason, .. } => reason == LOCKED,
        _ => false,
    }
}

pub(crate) fn db(e: rusqlite::Error) -> StoreError {
    StoreError::Db(explain(&e))
}

#[cfg(test)]
mod tests;
