//! A damaged SQLite store: found when opening (`PRAGMA quick_check`), described by
//! `tinbox db check` (`PRAGMA integrity_check`), and rebuilt by `tinbox db check --repair`:
//! every row still readable is copied into a fresh store, which takes the damaged one's
//! place; the damaged file is kept beside it, renamed, never deleted.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, params_from_iter};

use super::{SqliteStore, StoreError, StoreResult};

/// How many problems a check reports (SQLite can list thousands for one bad page).
const MAX_PROBLEMS: usize = 20;

/// The message for a damaged store: what is wrong and the two ways back.
pub(crate) fn damaged(problem: &str) -> String {
    format!(
        "the store is damaged ({problem}). Restore tinbox.db from a backup, or run \
         `tinbox db check --repair` to rebuild it from what is still readable \
         (the damaged file is kept beside it)"
    )
}

/// `-wal` beside `db` holds something (a store whose pages are all still in its WAL).
pub(crate) fn has_wal(db: &Path) -> bool {
    std::fs::metadata(side(db, "-wal")).is_ok_and(|m| m.len() > 0)
}

pub(crate) fn side(db: &Path, ext: &str) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push(ext);
    name.into()
}

/// Checkpoint the whole WAL into the database file and empty it, before the file is renamed
/// (a WAL belongs to its file's name).
pub(crate) fn fold_wal(conn: &Connection) -> Result<(), String> {
    let busy: i64 = conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
        .map_err(|e| format!("cannot finish the new store: {e}"))?;
    if busy != 0 {
        return Err("cannot finish the new store: it is in use".into());
    }
    Ok(())
}

/// `PRAGMA quick_check` (the pages and their order, not every index entry): the reason
/// to refuse the store, if any.
pub(crate) fn quick_check(conn: &Connection) -> Result<(), String> {
    let problems = pragma_check(conn, "quick_check").map_err(|e| damaged(&e.to_string()))?;
    match problems.first() {
        None => Ok(()),
        Some(first) => Err(damaged(first)),
    }
}

/// The problems a check pragma lists (none: "ok").
fn pragma_check(conn: &Connection, pragma: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {pragma}({MAX_PROBLEMS})"))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        let line = r?;
        if line != "ok" {
            out.push(line);
        }
    }
    Ok(out)
}

/// What `tinbox db check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Empty when `PRAGMA integrity_check` says "ok"; at most 20 lines.
    pub problems: Vec<String>,
}

/// Run `PRAGMA integrity_check` on the store at `path`, reading only.
pub fn check(path: &Path) -> StoreResult<CheckReport> {
    // SQLite calls an empty file a sound, empty database; tinbox never leaves one.
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) && !has_wal(path) {
        return Ok(CheckReport {
            problems: vec!["the file is empty (0 bytes): it was truncated or replaced".into()],
        });
    }
    let conn = open_raw(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let problems = match pragma_check(&conn, "integrity_check") {
        Ok(p) => p,
        // So damaged that the check itself cannot run: that is its finding.
        Err(e) => vec![e.to_string()],
    };
    Ok(CheckReport { problems })
}

/// What a repair did: rows copied per table, tables cut short, where the damaged file went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairReport {
    pub copied: Vec<(String, u64)>,
    /// Tables whose reading stopped at a damaged page (their later rows are lost).
    pub incomplete: Vec<String>,
    pub kept_at: PathBuf,
}

/// Rebuild the store at `path` from what is readable: a fresh store (every migration) is
/// filled table by table with the rows that can still be read, checked, and renamed into
/// place; the damaged file (with its `-wal`/`-shm`) is renamed to `tinbox.db.damaged-TIME`.
/// No other program may use the store meanwhile (the caller holds the instance lock).
pub fn repair(path: &Path) -> StoreResult<RepairReport> {
    let shown = path.display().to_string();
    let fail = |reason: String| StoreError::Open {
        path: shown.clone(),
        reason,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".tinbox-repair-")
        .suffix(".db")
        .tempfile_in(dir)
        .map_err(|e| fail(format!("cannot create a file in {}: {e}", dir.display())))?;
    let fresh = open_raw(tmp.path(), OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    let fresh = SqliteStore::init(fresh, &shown)?;
    let conn = &fresh.conn;
    let db_err = |e: rusqlite::Error| fail(e.to_string());
    conn.pragma_update(None, "foreign_keys", "OFF")
        .map_err(db_err)?;
    let attach = path
        .to_str()
        .ok_or_else(|| fail("the path is not UTF-8".into()))?;
    conn.execute("ATTACH DATABASE ?1 AS old", [attach])
        .map_err(db_err)?;
    let mut copied = Vec::new();
    let mut incomplete = Vec::new();
    for table in tables(conn, "main").map_err(db_err)? {
        // The search index is not copied: it is rebuilt from the items (below).
        if table.starts_with("items_fts") {
            continue;
        }
        let cols = common_columns(conn, &table).map_err(db_err)?;
        if cols.is_empty() {
            continue;
        }
        let (n, complete) = copy_table(conn, &table, &cols).map_err(db_err)?;
        if !complete {
            incomplete.push(table.clone());
        }
        copied.push((table, n));
    }
    conn.execute_batch("DETACH DATABASE old").map_err(db_err)?;
    // Items from a store older than their search words get them; then the index is rebuilt.
    super::search::fill(conn).map_err(db_err)?;
    conn.execute_batch("INSERT INTO items_fts (items_fts) VALUES ('rebuild')")
        .map_err(db_err)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(db_err)?;
    if !fresh.integrity_ok()? {
        return Err(fail("the rebuilt store does not pass its own check".into()));
    }
    fold_wal(&fresh.conn).map_err(fail)?;
    drop(fresh);
    let stamp = jiff::Timestamp::now()
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let kept_at = side(path, &format!(".damaged-{stamp}"));
    let moved = |from: &Path, to: &Path| match std::fs::rename(from, to) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(fail(format!("cannot move {} aside: {e}", from.display())))
        }
        _ => Ok(()),
    };
    moved(path, &kept_at)?;
    for ext in ["-wal", "-shm"] {
        moved(&side(path, ext), &side(&kept_at, ext))?;
    }
    tmp.persist(path).map_err(|e| {
        fail(format!(
            "cannot put the rebuilt store in place: {}",
            e.error
        ))
    })?;
    Ok(RepairReport {
        copied,
        incomplete,
        kept_at,
    })
}

fn open_raw(path: &Path, mode: OpenFlags) -> StoreResult<Connection> {
    Connection::open_with_flags(path, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX).map_err(|e| {
        StoreError::Open {
            path: path.display().to_string(),
            reason: super::explain(&e),
        }
    })
}

fn tables(conn: &Connection, schema: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT name FROM {schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ))?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

fn columns(conn: &Connection, schema: &str, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA {schema}.table_info({})", quote(table)))?;
    stmt.query_map([], |r| r.get(1))?.collect()
}

/// The columns both stores have (an older damaged store lacks the newer ones).
fn common_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let old = match columns(conn, "old", table) {
        Ok(c) => c,
        Err(_) => return Ok(Vec::new()),
    };
    Ok(columns(conn, "main", table)?
        .into_iter()
        .filter(|c| old.contains(c))
        .collect())
}

/// Copy the readable rows of `table` in rowid order, one at a time, so that a damaged page
/// loses only what it held: after a read error the copy goes on past it. Returns the rows
/// copied and whether the whole table could be read.
fn copy_table(conn: &Connection, table: &str, cols: &[String]) -> rusqlite::Result<(u64, bool)> {
    let list = cols.iter().map(|c| quote(c)).collect::<Vec<_>>().join(", ");
    let marks = vec!["?"; cols.len()].join(", ");
    let t = quote(table);
    let mut insert = conn.prepare(&format!(
        "INSERT OR IGNORE INTO main.{t} ({list}) VALUES ({marks})"
    ))?;
    let mut read = conn.prepare(&format!(
        "SELECT rowid, {list} FROM old.{t} WHERE rowid > ?1 ORDER BY rowid"
    ))?;
    let (mut n, mut complete, mut after, mut skips) = (0u64, true, i64::MIN, 0u32);
    'scan: loop {
        let mut rows = read.query([after])?;
        loop {
            match rows.next() {
                Ok(Some(row)) => {
                    after = row.get(0)?;
                    let values: Vec<rusqlite::types::Value> = (1..=cols.len())
                        .map(|i| row.get(i))
                        .collect::<rusqlite::Result<_>>()?;
                    n += u64::try_from(insert.execute(params_from_iter(values))?).unwrap_or(0);
                }
                Ok(None) => break 'scan,
                Err(_) => {
                    // Skip ahead past the damaged page, a little further each time.
                    complete = false;
                    skips += 1;
                    if skips > 32 {
                        break 'scan;
                    }
                    after = after.saturating_add(1i64 << skips.min(40));
                    continue 'scan;
                }
            }
        }
    }
    Ok((n, complete))
}

/// An SQL identifier in double quotes.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
