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

#[cfg(test)]
mod tests {
    use super::super::{MIGRATIONS, SqliteStore};
    use crate::model::ChannelKind;
    use crate::store::prelude::*;
    use crate::store::{ItemQuery, conformance::incoming};
    use crate::testing::at;

    fn found(s: &mut SqliteStore, words: &str) -> Vec<String> {
        let q = ItemQuery {
            all: true,
            search: Some(words.into()),
            ..ItemQuery::default()
        };
        let items = s.list_items(&q).expect("search");
        items.into_iter().map(|i| i.remote_id).collect()
    }

    /// A store of schema 3 with items gets their search words (and their index) when it is
    /// migrated; items ingested afterwards are found as well.
    #[test]
    fn migration_4_fills_the_search_words_of_stored_items() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("tinbox.db");
        {
            let c = rusqlite::Connection::open(&path).expect("conn");
            for sql in &MIGRATIONS[..3] {
                c.execute_batch(sql).expect("migration");
            }
            c.pragma_update(None, "user_version", 3).expect("version");
            for (n, (handle, text)) in [
                ("@kim@example.social", "Where is my REFUND?"),
                ("@zoe", "l'été — order #4411"),
                ("@x", "☕"),
            ]
            .iter()
            .enumerate()
            {
                c.execute(
                    "INSERT INTO items (account, channel, kind, remote_id, author_handle, author_name, \
                     text, created_at, first_seen_at, status, thread_root, visibility, timer_target) \
                     VALUES ('a', 'demo', 'mention', ?1, ?2, 'Name', ?3, ?4, ?4, 'new', ?1, 'public', \
                     'first_response')",
                    rusqlite::params![format!("old{n}"), handle, text, n as i64],
                )
                .expect("insert");
            }
        }
        let mut s = SqliteStore::open(&path).expect("open");
        assert_eq!(s.schema_version().expect("v"), super::super::SCHEMA_VERSION);
        assert_eq!(found(&mut s, "refu kim"), ["old0"]);
        assert_eq!(found(&mut s, "ÉTÉ 4411"), ["old1"]);
        assert_eq!(found(&mut s, "name"), ["old2", "old1", "old0"]);
        assert!(found(&mut s, "und").is_empty());
        s.ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("new", at(9))],
            None,
            at(9),
        )
        .expect("ingest");
        assert_eq!(found(&mut s, "hello"), ["new"]);
        assert_eq!(found(&mut s, "kim"), ["new", "old0"]);
        assert!(s.integrity_ok().expect("check"));
    }
}
