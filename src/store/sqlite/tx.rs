//! SQLite speaking the common dialect ([`Sql`]), and its write transactions ([`Transact`]).

use rusqlite::Connection;

use super::{SqliteStore, db};
use crate::store::StoreResult;
use crate::store::rows::{Col, Cols};
use crate::store::rules::Transact;
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
