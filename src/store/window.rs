//! The reads of the inbox's windowed list, the same on both backends: rows by id (the
//! window on screen), a page of a long list by rows read
//! ([`ItemStore::scan_ids`](super::ItemStore::scan_ids)), and which of given items a search
//! matches.

use std::collections::{HashMap, HashSet};

use super::common::SqlStore;
use super::query::{conditions, conditions_as, from_items};
use super::rows::{self, Cols, item_columns};
use super::sql::{Arg, Sql};
use super::{ItemQuery, ScanPage, StoreResult};
use crate::model::{ItemId, ItemRow, RowBuilder};

/// Bind `ids` after the arguments already there; their placeholders, comma-separated.
fn id_marks(args: &mut Vec<Arg<'_>>, ids: &[ItemId]) -> String {
    let first = args.len() + 1;
    args.extend(ids.iter().map(|id| Arg::from(id.0)));
    (first..first + ids.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// [`ItemStore::rows_by_ids`](super::ItemStore::rows_by_ids).
pub(super) fn rows_by_ids<S: SqlStore>(
    store: &mut S,
    ids: &[ItemId],
    rows: &mut RowBuilder,
) -> StoreResult<Vec<ItemRow>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let mut s = store.conn();
        let (cols, mut args) = item_columns(&s);
        let marks = id_marks(&mut args, chunk);
        let sql = format!("SELECT {cols} FROM items i WHERE i.id IN ({marks})");
        s.each(&sql, &args, |r| {
            let item = rows::item(r)?;
            found.insert(item.id, rows.row(&item));
            Ok(())
        })?;
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// [`ItemStore::scan_ids`](super::ItemStore::scan_ids): the walk is the list without its
/// filter and search; the filter is a `CASE` on each row read.
pub(super) fn scan_ids<S: SqlStore>(
    store: &mut S,
    query: &ItemQuery,
    rows: usize,
) -> StoreResult<ScanPage> {
    let mut s = store.conn();
    let mut args = Vec::new();
    // The walk: the list without its filter and search, from the anchor, `rows` long.
    let base = ItemQuery {
        filter: None,
        search: None,
        limit: Some(rows),
        ..query.clone()
    };
    let walk = conditions(&mut s, S::DIALECT, &base, &mut args)?;
    // What the query keeps, checked on each row read (words by LIKE: the row is at hand).
    let keep = ItemQuery {
        after: None,
        limit: None,
        ..query.clone()
    };
    let hit = conditions_as(&mut s, S::DIALECT, &keep, &mut args, true)?;
    let sql = format!(
        "SELECT i.id, CAST(CASE WHEN TRUE{hit} THEN 1 ELSE 0 END AS BIGINT) FROM {} \
         WHERE TRUE{walk}{}",
        from_items(S::DIALECT, &base),
        base.tail_sql()
    );
    let (mut ids, mut read, mut last) = (Vec::new(), 0usize, None);
    s.each(&sql, &args, |r| {
        let id = ItemId(r.col(0)?);
        if r.col::<i64>(1)? == 1 {
            ids.push(id);
        }
        read += 1;
        last = Some(id);
        Ok(())
    })?;
    Ok(ScanPage {
        ids,
        next: last.filter(|_| read == rows),
    })
}

/// [`ItemStore::matching_ids`](super::ItemStore::matching_ids).
pub(super) fn matching_ids<S: SqlStore>(
    store: &mut S,
    ids: &[ItemId],
    search: &str,
) -> StoreResult<Vec<ItemId>> {
    let terms = crate::filter::query_terms(&crate::filter::search_words(search));
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let mut found = HashSet::new();
    for chunk in ids.chunks(500) {
        let mut args: Vec<Arg> = terms
            .iter()
            .map(|t| Arg::from(super::search::like_pattern(t)))
            .collect();
        // `search_text` is lowercase words after spaces: ` term%` starts one of them.
        let likes: Vec<String> = (1..=args.len())
            .map(|n| format!(" AND search_text LIKE ?{n} ESCAPE '\\'"))
            .collect();
        let marks = id_marks(&mut args, chunk);
        let sql = format!(
            "SELECT id FROM items WHERE id IN ({marks}){}",
            likes.concat()
        );
        let mut s = store.conn();
        s.each(&sql, &args, |r| {
            found.insert(ItemId(r.col(0)?));
            Ok(())
        })?;
    }
    Ok(ids
        .iter()
        .copied()
        .filter(|id| found.contains(id))
        .collect())
}
