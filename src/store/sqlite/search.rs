//! SQLite's side of search ([`crate::store::search`]): running a migration that fills
//! `search_text` of the rows already stored, and the fill itself (also after a repair, whose
//! rows may come from a store older than the column).

use rusqlite::{Connection, params};

use crate::store::search::{FILL_MARK, search_text, split_at_fill};

/// Run one migration's SQL; at its [`FILL_MARK`] line, fill `search_text`.
pub(super) fn run_migration(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    let (before, after) = split_at_fill(sql);
    conn.execute_batch(before)?;
    if sql.contains(FILL_MARK) {
        fill(conn)?;
        conn.execute_batch(after)?;
    }
    Ok(())
}

/// Write `search_text` of every item that has none (in batches by id: a million rows are
/// read once, without holding them all). Returns how many rows were read.
pub(super) fn fill(conn: &Connection) -> rusqlite::Result<u64> {
    let mut read = conn.prepare(
        "SELECT id, author_handle, author_name, text FROM items \
         WHERE id > ?1 AND search_text = '' ORDER BY id LIMIT 5000",
    )?;
    let mut write = conn.prepare("UPDATE items SET search_text = ?2 WHERE id = ?1")?;
    let (mut after, mut n) = (i64::MIN, 0u64);
    loop {
        let batch: Vec<(i64, String)> = read
            .query_map([after], |r| {
                let (h, a, t): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
                Ok((r.get(0)?, search_text(&h, &a, &t)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some(last) = batch.last() else {
            return Ok(n);
        };
        after = last.0;
        for (id, words) in &batch {
            n += 1;
            if !words.is_empty() {
                write.execute(params![id, words])?;
            }
        }
    }
}
