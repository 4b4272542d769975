//! PostgreSQL speaking the common dialect ([`Sql`]), and its write transactions
//! ([`Transact`]): each one tells the teammates when it commits ([`Sql::notify`]).

use postgres::fallible_iterator::FallibleIterator;
use postgres::{GenericClient, Transaction};

use super::{PgStore, db, notify_changed};
use crate::store::StoreResult;
use crate::store::rules::Transact;
use crate::store::sql::{Arg, Sql, for_postgres};

/// A write transaction, and the user this instance acts for (read positions, queued replies).
pub struct PgTx<'t> {
    pub(super) tx: Transaction<'t>,
    pub(super) user: &'t str,
}

impl Transact for PgStore {
    type Tx<'t> = PgTx<'t>;

    fn write<T>(&mut self, f: impl FnOnce(&mut PgTx<'_>) -> StoreResult<T>) -> StoreResult<T> {
        let tx = self.client.transaction().map_err(db)?;
        let mut t = PgTx {
            tx,
            user: &self.opts.user,
        };
        let out = f(&mut t)?;
        t.tx.commit().map_err(db)?;
        Ok(out)
    }
}

fn exec<C: GenericClient>(c: &mut C, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
    let args: Vec<&(dyn postgres::types::ToSql + Sync)> = args.iter().map(|a| a as _).collect();
    c.execute(for_postgres(sql).as_str(), &args).map_err(db)
}

/// Rows stream from the server and are handed on as they arrive.
fn each<C: GenericClient>(
    c: &mut C,
    sql: &str,
    args: &[Arg<'_>],
    mut f: impl FnMut(&postgres::Row) -> StoreResult<()>,
) -> StoreResult<()> {
    let mut rows = c
        .query_raw(for_postgres(sql).as_str(), args.iter())
        .map_err(db)?;
    while let Some(r) = rows.next().map_err(db)? {
        f(&r)?;
    }
    Ok(())
}

impl Sql for PgTx<'_> {
    type Row<'r> = postgres::Row;

    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
        exec(&mut self.tx, sql, args)
    }

    fn each(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnMut(&postgres::Row) -> StoreResult<()>,
    ) -> StoreResult<()> {
        each(&mut self.tx, sql, args, f)
    }

    fn user(&self) -> Option<String> {
        Some(self.user.to_string())
    }

    fn notify(&mut self) -> StoreResult<()> {
        notify_changed(&mut self.tx)
    }
}
