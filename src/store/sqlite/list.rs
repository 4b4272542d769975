//! The item list query: one pass over the rows, each mapped as it is read.

use super::rows::{self, ITEM_COLUMNS};
use super::{SqliteStore, db};
use crate::model::{Item, Status};
use crate::store::{ItemQuery, StoreResult};

impl SqliteStore {
    /// The items of `query` in list order, each made into a `T` as it is read (a list of
    /// rows never holds every whole item at once).
    pub(super) fn each_item<T>(
        &mut self,
        query: &ItemQuery,
        mut f: impl FnMut(Item) -> T,
    ) -> StoreResult<Vec<T>> {
        let statuses: Vec<&str> = if query.all {
            Vec::new()
        } else if query.statuses.is_empty() {
            Status::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| s.as_str())
                .collect()
        } else {
            query.statuses.iter().map(|s| s.as_str()).collect()
        };
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if !statuses.is_empty() {
            let marks: Vec<String> = statuses
                .iter()
                .enumerate()
                .map(|(i, _)| format!("?{}", i + 1))
                .collect();
            sql.push_str(&format!(" AND i.status IN ({})", marks.join(", ")));
            args.extend(statuses.iter().map(|s| s.to_string()));
        }
        if let Some(a) = &query.account {
            args.push(a.clone());
            sql.push_str(&format!(" AND i.account = ?{}", args.len()));
        }
        sql.push_str(&query.tail_sql());
        // Sized up front: a list of 100,000 items grown by doubling would hold the old and the
        // new buffer at once (tens of MB) and keep up to half of it unused.
        let count_sql = format!(
            "SELECT COUNT(*) FROM ({})",
            sql.replacen(&format!("SELECT {ITEM_COLUMNS}"), "SELECT 1", 1)
        );
        let count: i64 = self
            .conn
            .query_row(&count_sql, rusqlite::params_from_iter(args.iter()), |r| {
                r.get(0)
            })
            .map_err(db)?;
        let mut items = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        let mut stmt = self.conn.prepare(&sql).map_err(db)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), rows::item)
            .map_err(db)?;
        for row in rows {
            items.push(f(row.map_err(db)?));
        }
        Ok(items)
    }
}
