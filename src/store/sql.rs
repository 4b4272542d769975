//! SQL written once for both backends. A statement is written in the common dialect: `?N`
//! placeholders, `TRUE`/`FALSE` and bare boolean columns, `GREATEST`, `RETURNING`, `ON
//! CONFLICT … EXCLUDED`, and row locks (`FOR UPDATE [SKIP LOCKED]`) where PostgreSQL needs
//! them. Each backend's [`Sql`] translates it ([`for_sqlite`], [`for_postgres`]) and binds
//! [`Arg`]s, which fit both drivers (BIGINT ↔ `i64`, TEXT ↔ `&str`, BOOLEAN ↔ `bool`).

use std::borrow::Cow;

use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use rusqlite::types::{ToSql as LiteToSql, ToSqlOutput, Value, ValueRef};

use super::{StoreError, StoreResult};

/// A column type both drivers read.
pub trait Col: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> postgres::types::FromSql<'a>> Col for T {}

/// A result row of either backend.
pub trait Cols {
    fn col<T: Col>(&self, idx: usize) -> StoreResult<T>;
}

/// One bound value; a `None` is a typed NULL.
#[derive(Debug, Clone)]
pub enum Arg<'a> {
    Int(Option<i64>),
    Text(Option<Cow<'a, str>>),
    Bool(bool),
}

/// `From` for each type a value is bound from: `|v| variant`.
macro_rules! arg_from {
    ($($t:ty => |$v:ident| $e:expr;)*) => {
        $(impl<'a> From<$t> for Arg<'a> {
            fn from($v: $t) -> Self {
                $e
            }
        })*
    };
}

arg_from! {
    i64 => |v| Arg::Int(Some(v));
    Option<i64> => |v| Arg::Int(v);
    bool => |v| Arg::Bool(v);
    String => |v| Arg::Text(Some(Cow::Owned(v)));
    &'a str => |v| Arg::Text(Some(Cow::Borrowed(v)));
    &'a String => |v| Arg::Text(Some(Cow::Borrowed(v)));
    Option<&'a str> => |v| Arg::Text(v.map(Cow::Borrowed));
    &'a Option<String> => |v| Arg::Text(v.as_deref().map(Cow::Borrowed));
}

/// `args![a, b, …]`: a slice of [`Arg`]s.
macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$($crate::store::sql::Arg::from($a)),*] };
}
pub(crate) use args;

impl LiteToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            Arg::Int(v) => LiteToSql::to_sql(v),
            Arg::Text(Some(v)) => Ok(ToSqlOutput::Borrowed(ValueRef::Text(v.as_bytes()))),
            Arg::Text(None) => Ok(ToSqlOutput::Owned(Value::Null)),
            Arg::Bool(v) => LiteToSql::to_sql(v),
        }
    }
}

impl PgToSql for Arg<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            // An INTEGER column (attempts, pid) takes the value as 32 bits.
            Arg::Int(v) if *ty == Type::INT4 => {
                PgToSql::to_sql(&v.map(i32::try_from).transpose()?, ty, out)
            }
            Arg::Int(v) => PgToSql::to_sql(v, ty, out),
            Arg::Text(v) => PgToSql::to_sql(&v.as_deref(), ty, out),
            Arg::Bool(v) => PgToSql::to_sql(v, ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// A statement of the common dialect in SQLite's: no row locks (one writer holds the whole
/// store), `MAX` of two values for `GREATEST`.
pub fn for_sqlite(sql: &str) -> Cow<'_, str> {
    if !sql.contains("GREATEST(") && !sql.contains(" FOR UPDATE") {
        return Cow::Borrowed(sql);
    }
    Cow::Owned(
        sql.replace(" FOR UPDATE SKIP LOCKED", "")
            .replace(" FOR UPDATE", "")
            .replace("GREATEST(", "MAX("),
    )
}

/// A statement of the common dialect in PostgreSQL's: `$N` placeholders. Every `?` is a
/// placeholder: no statement holds one in a literal (values are bound, never spliced in).
pub fn for_postgres(sql: &str) -> String {
    sql.replace('?', "$")
}

/// A connection or transaction of either backend.
pub trait Sql {
    type Row<'r>: Cols;

    /// Run a statement; the number of rows it changed.
    fn exec(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<u64>;
    /// Run a query and hand each row to `f` as it is read.
    fn each(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnMut(&Self::Row<'_>) -> StoreResult<()>,
    ) -> StoreResult<()>;
    /// The user this instance acts for on a team store (read positions, who queued a reply);
    /// `None` on a one-person store.
    fn user(&self) -> Option<String>;
    /// Tell the other instances that something changed (on commit); alone, a no-op.
    fn notify(&mut self) -> StoreResult<()>;

    /// Every row, mapped.
    fn rows<T>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        mut f: impl FnMut(&Self::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        let mut out = Vec::new();
        self.each(sql, args, |r| {
            out.push(f(r)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, mapped, if any.
    fn opt<T>(
        &mut self,
        sql: &str,
        args: &[Arg<'_>],
        f: impl FnMut(&Self::Row<'_>) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        Ok(self.rows(sql, args, f)?.into_iter().next())
    }

    /// The first column of the one row the statement returns.
    fn one<T: Col>(&mut self, sql: &str, args: &[Arg<'_>]) -> StoreResult<T> {
        self.opt(sql, args, |r| r.col(0))?
            .ok_or_else(|| StoreError::Db("the statement returned no row".into()))
    }
}
