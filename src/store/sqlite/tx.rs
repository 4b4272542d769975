//! SQLite speaking the common dialect ([`Sql`]), and its write transactions ([`Transact`]).

use rusqlite::Connection;

use super::{SqliteStore, db};
use crate::model::ItemId;
use crate::store::StoreResult;
use crate::store::rows::{Col, Cols};
use crate::store::rules::{INSERT_ITEM, IngestTx, NewItem, Transact, insert_args, words_of};
use crate::store::sql::{Arg, Sql, for_sqlite};

impl Transact for SqliteStore {
    /// A transaction is its connection, borrowed while the transaction lasts.
    type Tx<'t> = &'t Connection;

    fn write<T>(&mut self, f: impl FnOnce(&mut &Connection) -> StoreResult<T>) -> StoreResult<T> {
        // Immediate: the write lock is taken before the first read, so what a transaction
        // decides on is what it writes over (two programs at once queue up; neither fails).
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let out = f(&mut &*tx)?;
        tx.commit().map_err(db)?;
        Ok(out)
    }
}

impl IngestTx for &Connection {
    /// Each item with its search index row. Neither statement has `RETURNING` or fires a
    /// trigger, so neither needs a statement journal (a copy of every page the statement
    /// changes), and FTS5 keeps the batch's terms in memory until the commit writes them as
    /// one segment (a statement journal would make it write one per item).
    fn insert_items(&mut self, new: &[NewItem<'_>]) -> StoreResult<Vec<Option<ItemId>>> {
        let mut out = Vec::with_capacity(new.len());
        for n in new {
            let args = insert_args(n, words_of(n));
            if self.exec(INSERT_ITEM, &args)? == 0 {
                out.push(None);
                continue;
            }
            let id = self.last_insert_rowid();
            let words = args.last().cloned().unwrap_or(Arg::Text(None));
            self.exec(
                "INSERT INTO items_fts (rowid, search_text) VALUES (?1, ?2)",
                &[id.into(), words],
            )?;
            out.push(Some(ItemId(id)));
        }
        Ok(out)
    }
}

impl Sql for &Connection {
    type Row<'r> = rusqlite::Row<'r>;

    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
        let mut stmt = self.prepare_cached(&for_sqlite(sql)).map_err(db)?;
        let n = stmt.execute(rusqlite::params_from_iter(args)).map_err(db)?;
        Ok(n as u64)
    }

    fn each(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<()>,
    ) -> StoreResult<()> {
        let mut stmt = self.prepare_cached(&for_sqlite(sql)).map_err(db)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
        while let Some(r) = rows.next().map_err(db)? {
            f(r)?;
        }
        Ok(())
    }

    fn user(&self) -> Option<String> {
        None
    }

    fn notify(&mut self) -> StoreResult<()> {
        Ok(())
    }
}

impl Cols for rusqlite::Row<'_> {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T> {
        self.get(idx).map_err(db)
    }
}
