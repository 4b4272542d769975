//! When opening runs `PRAGMA quick_check`: not every time. On a 100,000-item store the check
//! reads 43 MB and takes about 200 ms, which `tinbox status` in a status bar would pay every
//! few seconds and the inbox before its first frame.
//!
//! The damage the check looks for comes from outside SQLite (a disk error, a bad copy, another
//! program writing the file), not from tinbox's own transactions. So a store tinbox closed
//! leaves a seal beside it (`tinbox.db-sealed`: the file's size and modification time, and when
//! it was last checked). Opening skips the check when the file is still exactly as sealed and
//! the last check is less than a day old; anything else (the file written by someone else, no
//! seal, a seal over a day old) runs the check, and a passing check seals the file again.
//! `tinbox db check` always checks everything.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::Connection;

/// Check at least this often, even when the file looks untouched (bit rot keeps its mtime).
const RECHECK: Duration = Duration::from_secs(24 * 3600);

fn seal_path(db: &Path) -> PathBuf {
    super::repair::side(db, "-sealed")
}

/// The file's size and modification time (nanoseconds since the epoch).
fn fingerprint(db: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(db).ok()?;
    let mtime = m
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((m.len(), mtime))
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The seal on `db`, if it matches the file as it is now: when the file was last checked.
fn sealed_at(db: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(seal_path(db)).ok()?;
    let mut parts = text.split_whitespace();
    let size: u64 = parts.next()?.parse().ok()?;
    let mtime: u128 = parts.next()?.parse().ok()?;
    let checked: u64 = parts.next()?.parse().ok()?;
    (fingerprint(db)? == (size, mtime)).then_some(checked)
}

/// Seal `db` as it is now, last checked at `checked` (seconds). A seal that cannot be written
/// (a full disk, a read-only directory) only means the next open checks again.
fn write_seal(db: &Path, checked: u64) {
    let Some((size, mtime)) = fingerprint(db) else {
        return;
    };
    let body = format!("{size} {mtime} {checked}\n");
    if let Err(e) = crate::private::write_atomic(&seal_path(db), body.as_bytes(), 0o600) {
        tracing::debug!("cannot seal the store: {e}");
    }
}

/// Run `quick_check` on `conn` (the store at `db`) unless the file is exactly as tinbox last
/// left it and was checked within a day.
pub(super) fn verify(conn: &Connection, db: &Path) -> Result<(), String> {
    let now = now_secs();
    if sealed_at(db).is_some_and(|at| now.saturating_sub(at) < RECHECK.as_secs()) {
        return Ok(());
    }
    super::repair::quick_check(conn)?;
    write_seal(db, now);
    Ok(())
}

/// tinbox is done writing `db` through `conn` (the store is closing): fold the WAL into the
/// file and seal it, keeping the time of the last check. Nothing to do for a store that was
/// never checked since it last changed hands.
pub(super) fn seal_on_close(conn: &Connection, db: &Path) {
    let Ok(text) = std::fs::read_to_string(seal_path(db)) else {
        return;
    };
    let Some(checked) = text
        .split_whitespace()
        .nth(2)
        .and_then(|s| s.parse::<u64>().ok())
    else {
        return;
    };
    // With the WAL folded in, closing the connection writes nothing more to the file.
    if conn
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            r.get::<_, i64>(0)
        })
        .is_ok_and(|busy| busy == 0)
    {
        write_seal(db, checked);
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Seek, SeekFrom, Write};

    use super::*;
    use crate::model::ChannelKind;
    use crate::store::conformance::incoming;
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;
    use crate::testing::at;

    /// A store on disk with a few items, closed by tinbox (so sealed).
    fn closed_store(dir: &Path) -> PathBuf {
        let path = dir.join("tinbox.db");
        let mut s = SqliteStore::open(&path).expect("open");
        let items: Vec<_> = (0..50).map(|i| incoming(&i.to_string(), at(i))).collect();
        s.ingest("a", ChannelKind::Demo, &items, None, at(60))
            .expect("ingest");
        drop(s);
        path
    }

    /// Garbage over the first page of an index on `items`, as a failing disk would leave it;
    /// `keep_mtime`: the file's modification time is put back (bit rot does not change it).
    fn damage(db: &Path, keep_mtime: bool) {
        let mtime = std::fs::metadata(db)
            .and_then(|m| m.modified())
            .expect("mtime");
        let (page, size): (i64, i64) = {
            let c = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .expect("open");
            let page = c
                .query_row(
                    "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'items' ORDER BY rootpage LIMIT 1",
                    [],
                    |r| r.get(0),
                )
                .expect("an index");
            (
                page,
                c.query_row("PRAGMA page_size", [], |r| r.get(0))
                    .expect("size"),
            )
        };
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(db)
            .expect("file");
        f.seek(SeekFrom::Start(
            u64::try_from((page - 1) * size).expect("at"),
        ))
        .expect("seek");
        f.write_all(&vec![0xA5; usize::try_from(size).expect("size")])
            .expect("write");
        if keep_mtime {
            f.set_modified(mtime).expect("set mtime");
        }
    }

    #[test]
    fn a_store_tinbox_closed_is_sealed_as_it_is() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = closed_store(dir.path());
        assert!(sealed_at(&db).is_some(), "closing seals the file");
        // Reopening the untouched file keeps the seal; a write by tinbox reseals on close.
        let mut s = SqliteStore::open(&db).expect("reopen");
        s.ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("x", at(70))],
            None,
            at(71),
        )
        .expect("ingest");
        drop(s);
        assert!(sealed_at(&db).is_some(), "tinbox's own writes stay sealed");
        assert_eq!(
            std::fs::metadata(seal_path(&db))
                .map(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o777
                })
                .expect("seal"),
            0o600
        );
    }

    #[test]
    fn a_file_changed_behind_tinbox_is_checked_and_refused() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = closed_store(dir.path());
        damage(&db, false);
        assert!(sealed_at(&db).is_none(), "the seal no longer matches");
        let err = SqliteStore::open(&db).err().expect("refused");
        assert!(err.to_string().contains("damaged"), "{err}");
        let err = SqliteStore::open_read_only(&db).err().expect("refused");
        assert!(err.to_string().contains("damaged"), "{err}");
    }

    #[test]
    fn damage_that_keeps_the_mtime_is_found_by_the_daily_check() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = closed_store(dir.path());
        damage(&db, true);
        // Within the day the seal is trusted (the check is skipped) ...
        assert!(SqliteStore::open_read_only(&db).is_ok());
        // ... and a day after the last check the file is checked again.
        let (size, mtime) = fingerprint(&db).expect("fingerprint");
        let old = now_secs() - RECHECK.as_secs() - 1;
        std::fs::write(seal_path(&db), format!("{size} {mtime} {old}\n")).expect("seal");
        let err = SqliteStore::open_read_only(&db).err().expect("refused");
        assert!(err.to_string().contains("damaged"), "{err}");
    }
}
