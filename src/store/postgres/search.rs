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
