//! The embedded SQLite backend: one file in the data dir, WAL, versioned migrations. Its
//! statements are the common dialect's (`crate::store::sql`); `outbox` holds what it does
//! its own way.

mod ingest;
mod outbox;
mod repair;
mod seal;
mod search;
mod tx;

pub use repair::{CheckReport, RepairReport, check, repair};

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::{StoreError, StoreResult};

/// Migrations in order; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_init.sql"),
    include_str!("migrations/0002_outbox.sql"),
    include_str!("migrations/0003_followups.sql"),
    include_str!("migrations/0004_search.sql"),
    include_str!("migrations/0005_ingest.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct SqliteStore {
    conn: Connection,
    /// The file, for a store opened for writing on disk: sealed when it closes ([`seal`]).
    sealed: Option<std::path::PathBuf>,
}

impl Drop for SqliteStore {
    fn drop(&mut self) {
        if let Some(path) = &self.sealed {
            seal::seal_on_close(&self.conn, path);
        }
    }
}

impl SqliteStore {
    /// Open (creating if needed) the store at `path` and bring its schema up to date.
    ///
    /// A new store is built in a private temp file (0600) and renamed into place, so a
    /// `tinbox.db` that exists is always one tinbox finished creating: an empty one is
    /// refused, never silently made anew. An existing store must pass `PRAGMA quick_check`
    /// (skipped while the file is exactly as tinbox sealed it, see [`seal`]): a damaged one is
    /// refused with the way to recover.
    pub fn open(path: &Path) -> StoreResult<SqliteStore> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        if !dir.exists() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(|e| open_err(format!("cannot create {}: {e}", dir.display())))?;
        }
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Self::create(path, dir)?,
            Err(e) => return Err(open_err(e.to_string())),
            Ok(m) if m.len() == 0 && !repair::has_wal(path) => {
                return Err(open_err(EMPTY_FILE.into()));
            }
            Ok(_) => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_err(explain(&e)))?;
        let mut store = Self::init(conn, &shown)?;
        seal::verify(&store.conn, path).map_err(open_err)?;
        store.sealed = Some(path.to_path_buf());
        Ok(store)
    }

    /// Open the store at `path` for reading only: nothing is written, so `list` and `status`
    /// work on a full disk. An older schema is refused (a command that writes migrates it).
    pub fn open_read_only(path: &Path) -> StoreResult<SqliteStore> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        match std::fs::metadata(path) {
            Ok(m) if m.len() == 0 && !repair::has_wal(path) => {
                return Err(open_err(EMPTY_FILE.into()));
            }
            Ok(_) => {}
            Err(e) => return Err(open_err(e.to_string())),
        }
        // A WAL store's readers share an index in `-shm`, which the first of them must size
        // (a write). When that fails (a full disk), read with a private index instead.
        let conn = match Self::read_only_conn(path, false) {
            Ok(c) => c,
            Err(e) if e.sqlite_error_code().is_some_and(no_room) => {
                tracing::info!("reading the store without its shared index: {e}");
                Self::read_only_conn(path, true).map_err(|e| open_err(explain(&e)))?
            }
            Err(e) => return Err(open_err(explain(&e))),
        };
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| open_err(explain(&e)))?;
        if found != SCHEMA_VERSION {
            return Err(open_err(format!(
                "the store's schema is version {found}, this build reads {SCHEMA_VERSION}: run `tinbox db migrate`"
            )));
        }
        seal::verify(&conn, path).map_err(open_err)?;
        Ok(SqliteStore { conn, sealed: None })
    }

    /// A read-only connection that has read the schema version. `private_index`: `-shm` is
    /// opened read-only (`readonly_shm`), and when no other program has set it up SQLite
    /// keeps the WAL index in this process's memory: nothing is written at all.
    fn read_only_conn(path: &Path, private_index: bool) -> rusqlite::Result<Connection> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = if private_index {
            // The file must exist to be opened read-only; an empty one takes no disk space.
            let shm = repair::side(path, "-shm");
            let _ = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(&shm);
            flags |= OpenFlags::SQLITE_OPEN_URI;
            Connection::open_with_flags(
                format!("file:{}?mode=ro&readonly_shm=1", uri_path(path)),
                flags,
            )?
        } else {
            Connection::open_with_flags(path, flags)?
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))?;
        Ok(conn)
    }

    /// The store at `path` has an older schema than this build's (reading only).
    pub fn needs_migration(path: &Path) -> bool {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Connection::open_with_flags(path, flags)
            .and_then(|c| c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)))
            .is_ok_and(|v| v < SCHEMA_VERSION)
    }

    /// Build a new store in a temp file beside `path` and move it into place, unless another
    /// program created one first (then that one is used).
    fn create(path: &Path, dir: &Path) -> StoreResult<()> {
        let shown = path.display().to_string();
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let tmp = tempfile::Builder::new()
            .prefix(".tinbox-new-")
            .suffix(".db")
            .tempfile_in(dir)
            .map_err(|e| open_err(format!("cannot create a file in {}: {e}", dir.display())))?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(tmp.path(), flags).map_err(|e| open_err(explain(&e)))?;
        // Everything into the file itself before it moves (its WAL would not move with it).
        let store = Self::init(conn, &shown)?;
        repair::fold_wal(&store.conn).map_err(open_err)?;
        drop(store);
        match tmp.persist_noclobber(path) {
            Ok(_) => Ok(()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(open_err(format!("cannot create the store: {}", e.error))),
        }
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
        let mut conn = conn;
        match Self::migrate(&mut conn) {
            Ok(()) => Ok(SqliteStore { conn, sealed: None }),
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
                Err((conn, e))
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
    fn migrate(conn: &mut Connection) -> StoreResult<()> {
        // Up to date (the usual case): no write lock needed.
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(db)?;
        if found >= SCHEMA_VERSION {
            return Ok(());
        }
        loop {
            let tx = conn
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
            search::run_migration(&tx, sql)
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
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => repair::damaged(&e.to_string()),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::PermissionDenied) => {
            "no permission to write the store".into()
        }
        _ => e.to_string(),
    }
}

/// `path` for an SQLite URI: the characters a URI gives a meaning to, escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' => out.push_str(&format!("%{:02x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Errors that mean "no room to write" (a full disk, a file size limit).
fn no_room(code: rusqlite::ErrorCode) -> bool {
    matches!(
        code,
        rusqlite::ErrorCode::SystemIoFailure
            | rusqlite::ErrorCode::DiskFull
            | rusqlite::ErrorCode::CannotOpen
            | rusqlite::ErrorCode::ReadOnly
    )
}

/// Why an empty `tinbox.db` is not taken for a new store: tinbox never leaves one behind
/// (a new store is renamed into place complete), so something else emptied it.
const EMPTY_FILE: &str = "the store file is empty (0 bytes), but tinbox never leaves an empty store: \
     it was truncated or replaced. Restore it from a backup; if it never held anything, delete it \
     and tinbox creates a new one";

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
