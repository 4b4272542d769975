//! PostgreSQL speaking the common dialect ([`Sql`]), and its write transactions
//! ([`Transact`]): each one tells the teammates when it commits ([`Sql::notify`]).

use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient, Transaction};

use super::{PgStore, db, notify_changed};
use crate::store::StoreResult;
use crate::store::rows::{Col, Cols};
use crate::store::rules::Transact;
use crate::store::sql::{Arg, Sql, for_postgres};

/// A write transaction, and the user this instance acts for (read positions, queued replies).
pub struct PgTx<'t> {
    pub(super) tx: Transaction<'t>,
    pub(super) user: &'t str,
}

/// The store's connection outside a transaction (reads), and the user it acts for.
pub struct PgConn<'c> {
    pub(super) client: &'c mut Client,
    pub(super) user: &'c str,
}

impl PgStore {
    /// The connection, for statements of the common dialect.
    pub(super) fn sql(&mut self) -> PgConn<'_> {
        PgConn {
            client: &mut self.client,
            user: &self.opts.user,
        }
    }
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

/// One `Sql` for a transaction and for the bare connection: `$c` is its client, `$notify`
/// what telling the teammates is (outside a transaction nothing waits for a commit).
macro_rules! pg_sql {
    ($t:ty, |$s:ident| $c:expr, $notify:expr) => {
        impl Sql for $t {
            type Row<'r> = postgres::Row;

            fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64> {
                let $s = self;
                exec($c, sql, args)
            }

            fn each(
                &mut self,
                sql: &str,
                args: &[Arg<'_>],
                f: impl FnMut(&postgres::Row) -> StoreResult<()>,
            ) -> StoreResult<()> {
                let $s = self;
                each($c, sql, args, f)
            }

            fn user(&self) -> Option<String> {
                Some(self.user.to_string())
            }

            fn notify(&mut self) -> StoreResult<()> {
                let $s = self;
                $notify
            }
        }
    };
}

pg_sql!(PgTx<'_>, |t| &mut t.tx, notify_changed(&mut t.tx));
pg_sql!(PgConn<'_>, |t| &mut *t.client, {
    let _ = t;
    Ok(())
});

impl Cols for postgres::Row {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T> {
        self.try_get(idx).map_err(db)
    }
}
