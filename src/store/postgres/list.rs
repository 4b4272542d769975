//! The item list query: rows stream from the server and are mapped as they arrive.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use super::rows::{self, ITEM_COLUMNS};
use super::{PgStore, db};
use crate::model::{Item, Status};
use crate::store::{ItemQuery, StoreResult};

impl PgStore {
    /// The items of `query` in list order, each made into a `T` as it arrives: rows stream
    /// from the server, so a list of rows never holds every whole item (or every server row)
    /// at once.
    pub(super) fn each_item<T>(
        &mut self,
        query: &ItemQuery,
        mut f: impl FnMut(Item) -> T,
    ) -> StoreResult<Vec<T>> {
        let statuses: Vec<String> = if query.all {
            Vec::new()
        } else if query.statuses.is_empty() {
            Status::ALL
                .iter()
                .filter(|s| s.is_open())
                .map(|s| s.as_str().to_string())
                .collect()
        } else {
            query
                .statuses
                .iter()
                .map(|s| s.as_str().to_string())
                .collect()
        };
        let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items i WHERE TRUE");
        let mut args: Vec<&(dyn ToSql + Sync)> = vec![&self.opts.user];
        if !statuses.is_empty() {
            args.push(&statuses);
            sql.push_str(&format!(" AND i.status = ANY(${})", args.len()));
        }
        if let Some(a) = &query.account {
            args.push(a);
            sql.push_str(&format!(" AND i.account = ${}", args.len()));
        }
        sql.push_str(&query.tail_sql());
        let mut found = self
            .client
            .query_raw(&sql, args.iter().copied())
            .map_err(db)?;
        let mut items = Vec::new();
        while let Some(row) = found.next().map_err(db)? {
            items.push(f(rows::item(&row)?));
        }
        // The server does not say how many rows come: give back the room grown in advance.
        items.shrink_to_fit();
        Ok(items)
    }
}
