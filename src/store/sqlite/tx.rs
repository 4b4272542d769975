//! SQLite speaking the common dialect ([`Sql`]), and its write transactions ([`Transact`]).

use rusqlite::{Connection, Transaction};

use super::{SqliteStore, db};
use crate::store::StoreResult;
use crate::store::rows::{Col, Cols};
use crate::store::rules::Transact;
use crate::store::sql::{Arg, Sql, for_sqlite};

impl Transact for SqliteStore {
    type Tx<'t> = Transaction<'t>;

    fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Transaction<'_>) -> StoreResult<T>,
    ) -> StoreResult<T> {
        // Immediate: the write lock is taken before the first read, so what a transaction
        // decides on is what it writes over (two programs at once queue up; neither fails).
        let mut tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(db)?;
        let out = f(&mut tx)?;
        tx.commit().map_err(db)?;
        Ok(out)
    }
}

fn exec(c: &Connection, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
    let mut stmt = c.prepare_cached(&for_sqlite(sql)).map_err(db)?;
    let n = stmt.execute(rusqlite::params_from_iter(args)).map_err(db)?;
    Ok(n as u64)
}

fn each(
    c: &Connection,
    sql: &str,
    args: &[Arg<'_>],
    mut f: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut stmt = c.prepare_cached(&for_sqlite(sql)).map_err(db)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args)).map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        f(r)?;
    }
    Ok(())
}

/// One `Sql` for a connection and for a transaction on it (both are a `Connection`).
macro_rules! sqlite_sql {
    ($t:ty) => {
        impl Sql for $t {
            type Row<'r> = rusqlite::Row<'r>;

            fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
                exec(self, sql, args)
            }

            fn each(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                f: impl FnMut(&rusqlite::Row<'_>) -> StoreResult<()>,
            ) -> StoreResult<()> {
                each(self, sql, args, f)
            }

            fn user(&self) -> Option<String> {
                None
            }

            fn notify(&mut self) -> StoreResult<()> {
                Ok(())
            }
        }
    };
}

sqlite_sql!(Connection);
sqlite_sql!(Transaction<'_>);

impl Cols for rusqlite::Row<'_> {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T> {
        self.get(idx).map_err(db)
    }
}
