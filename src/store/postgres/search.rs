//! PostgreSQL's side of search ([`crate::store::search`]): running a migration that fills
//! `search_text` of the rows already stored (computed here, as the store writes it on ingest),
//! and saying in the log when the server has no `pg_trgm` for its index.

use postgres::Transaction;

use crate::store::search::{FILL_MARK, search_text, split_at_fill};

/// Run one migration's SQL; at its [`FILL_MARK`] line, fill `search_text`.
pub(super) fn run_migration(tx: &mut Transaction<'_>, sql: &str) -> Result<(), postgres::Error> {
    let (before, after) = split_at_fill(sql);
    tx.batch_execute(before)?;
    if sql.contains(FILL_MARK) {
        fill(tx)?;
        tx.batch_execute(after)?;
        let trgm: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')",
                &[],
            )?
            .try_get(0)?;
        if !trgm {
            tracing::warn!(
                "the server has no pg_trgm extension (or this role may not create it): \
                 search works without its index, scanning every item"
            );
        }
    }
    Ok(())
}

/// Write `search_text` of every item that has none, 5,000 rows a statement.
fn fill(tx: &mut Transaction<'_>) -> Result<(), postgres::Error> {
    let mut after = i64::MIN;
    loop {
        let rows = tx.query(
            "SELECT id, author_handle, author_name, text FROM items \
             WHERE id > $1 AND search_text = '' ORDER BY id LIMIT 5000",
            &[&after],
        )?;
        let Some(last) = rows.last() else {
            return Ok(());
        };
        after = last.try_get(0)?;
        let mut ids = Vec::with_capacity(rows.len());
        let mut texts = Vec::with_capacity(rows.len());
        for r in &rows {
            let words = search_text(r.try_get(1)?, r.try_get(2)?, r.try_get(3)?);
            if !words.is_empty() {
                ids.push(r.try_get::<_, i64>(0)?);
                texts.push(words);
            }
        }
        tx.execute(
            "UPDATE items AS i SET search_text = v.s \
             FROM unnest($1::BIGINT[], $2::TEXT[]) AS v(id, s) WHERE i.id = v.id",
            &[&ids, &texts],
        )?;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{MIGRATIONS, PgStore};
    use crate::store::ItemQuery;
    use crate::store::postgres::tests::testdb::TestDb;
    use crate::store::prelude::*;

    /// A team store of schema 3 with items gets their search words when it is migrated.
    #[test]
    fn migration_4_fills_the_search_words_of_stored_items() {
        let Some(db) = TestDb::create() else {
            return;
        };
        let mut c = db.raw();
        c.batch_execute(
            "CREATE TABLE schema_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), \
             version BIGINT NOT NULL); INSERT INTO schema_version (version) VALUES (3)",
        )
        .expect("version");
        for sql in &MIGRATIONS[..3] {
            c.batch_execute(sql).expect("migration");
        }
        c.batch_execute(
            "INSERT INTO items (account, channel, kind, remote_id, author_handle, author_name, text, \
             created_at, first_seen_at, status, thread_root, visibility, timer_target) VALUES \
             ('a', 'demo', 'mention', 'old0', '@kim@example.social', 'Kim', 'Where is my REFUND?', \
              1, 1, 'new', 'old0', 'public', 'first_response'), \
             ('a', 'demo', 'mention', 'old1', '@zoe', 'Zoé', 'l''été — order #4411', \
              2, 2, 'new', 'old1', 'public', 'first_response')",
        )
        .expect("insert");
        assert_eq!(
            PgStore::migrate(&db.options("kim")).expect("migrate"),
            (3, 4)
        );
        let mut s = PgStore::open(&db.options("kim")).expect("open");
        let mut found = |words: &str| -> Vec<String> {
            let q = ItemQuery {
                all: true,
                search: Some(words.into()),
                ..ItemQuery::default()
            };
            let items = s.list_items(&q).expect("search");
            items.into_iter().map(|i| i.remote_id).collect()
        };
        assert_eq!(found("refu kim"), ["old0"]);
        assert_eq!(found("ÉTÉ 4411 zoé"), ["old1"]);
        assert!(found("und").is_empty());
        let trgm: bool = c
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'items_search')",
                &[],
            )
            .expect("index")
            .get(0);
        assert!(trgm, "the test server has pg_trgm: the index is made");
    }
}
