//! The PostgreSQL backend: one database shared by a team. Every running tinbox registers
//! itself in `instances`; the schema is brought up to date only by `tinbox db migrate`
//! ([`PgStore::migrate`]), never by opening.

mod connect;
mod ingest;
mod outbox;
mod search;
mod team;
mod tx;

use jiff::Timestamp;
use postgres::{Client, Transaction};

use super::sql::{Sql, args};
use super::{StoreError, StoreResult};

/// Migrations in order; the single row of `schema_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("pg_migrations/0001_init.sql"),
    include_str!("pg_migrations/0002_team.sql"),
    include_str!("pg_migrations/0003_templates.sql"),
    include_str!("pg_migrations/0004_search.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Any fixed number: the advisory lock that keeps two migrators apart.
const MIGRATE_LOCK: i64 = 0x7469_6e62_6f78; // "tinbox"

/// How to reach the team database.
#[derive(Clone)]
pub struct PgOptions {
    /// `postgres://user@host:port/db?sslmode=…&sslrootcert=/path/ca.pem` (or key=value form).
    pub url: String,
    /// The password, when it is not in the URL.
    pub password: Option<String>,
    /// Who this instance acts for (read positions, queued replies).
    pub user: String,
    /// An instance whose heartbeat is older than this is dead (its work may be taken over).
    pub lease_secs: i64,
}

impl std::fmt::Debug for PgOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgOptions")
            .field("url", &connect::redact(&self.url))
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("user", &self.user)
            .field("lease_secs", &self.lease_secs)
            .finish()
    }
}

pub struct PgStore {
    pub(super) client: Client,
    pub(super) opts: PgOptions,
    /// This process's row in `instances`.
    pub(super) instance: i64,
    /// The heartbeat and the listener for teammates' changes.
    background: team::Background,
    /// The database's clock minus this machine's, in seconds. Heartbeats are written and
    /// judged in the database's time, so a teammate's machine whose clock is off does not
    /// make a live instance look dead (or a dead one alive).
    pub(super) skew: i64,
}

impl PgStore {
    /// Connect to an up-to-date database and register this instance. A missing or older schema
    /// is refused (run `tinbox db migrate`), a newer one too ([`StoreError::NewerSchema`]).
    pub fn open(opts: &PgOptions) -> StoreResult<PgStore> {
        let shown = connect::redact(&opts.url);
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let mut client = Self::connect(opts)?;
        let found = read_version(&mut client)
            .map_err(|e| open_err(explain(&e)))?
            .ok_or_else(|| {
                open_err(
                    "the database has no tinbox schema yet; run `tinbox db migrate` first".into(),
                )
            })?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: shown,
                found,
                known: SCHEMA_VERSION,
            });
        }
        if found < SCHEMA_VERSION {
            return Err(open_err(format!(
                "the database schema is version {found}, this build needs {SCHEMA_VERSION}; \
                 run `tinbox db migrate`"
            )));
        }
        let skew = team::measure_skew(&mut client)?;
        let now = Timestamp::now().as_second() + skew;
        let instance = {
            let mut t = tx::PgTx {
                tx: client.transaction().map_err(db)?,
                user: &opts.user,
            };
            t.exec(
                "DELETE FROM instances WHERE heartbeat_at < ?1",
                args![now - 3600],
            )?;
            let pid = i64::from(i32::try_from(std::process::id()).unwrap_or(i32::MAX));
            let instance: i64 = t.one(
                "INSERT INTO instances (who, host, pid, started_at, heartbeat_at) \
                 VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
                args![&opts.user, hostname(), pid, now],
            )?;
            t.tx.commit().map_err(db)?;
            instance
        };
        let mut conn = tx::PgConn {
            client: &mut client,
            user: &opts.user,
        };
        let pid: i32 = conn.one("SELECT pg_backend_pid()", &[])?;
        let background = team::Background::start(opts, instance, pid)?;
        Ok(PgStore {
            client,
            opts: opts.clone(),
            instance,
            background,
            skew,
        })
    }

    /// Connect and apply the pending migrations, each in its own transaction; two migrators
    /// wait for each other (advisory lock). Returns the versions before and after.
    pub fn migrate(opts: &PgOptions) -> StoreResult<(i64, i64)> {
        let shown = connect::redact(&opts.url);
        let mut client = Self::connect(opts)?;
        client
            .execute("SELECT pg_advisory_lock($1)", &[&MIGRATE_LOCK])
            .map_err(db)?;
        let result = run_migrations(&mut client, &shown);
        // The lock also ends with the connection; unlocking is a courtesy.
        let _ = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATE_LOCK]);
        result
    }

    /// The schema version of the database.
    pub fn schema_version(&mut self) -> StoreResult<i64> {
        Ok(read_version(&mut self.client).map_err(db)?.unwrap_or(0))
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Leases and claims go at once, so teammates take over without waiting for the lease.
        self.team_leave();
    }
}

/// The recorded schema version; `None` when the database has never been migrated.
fn read_version(client: &mut Client) -> Result<Option<i64>, postgres::Error> {
    let exists: bool = client
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .try_get(0)?;
    if !exists {
        return Ok(None);
    }
    let v: Option<i64> = client
        .query_opt("SELECT version FROM schema_version LIMIT 1", &[])?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(Some(v.unwrap_or(0)))
}

fn run_migrations(client: &mut Client, shown: &str) -> StoreResult<(i64, i64)> {
    let from = read_version(client).map_err(db)?.unwrap_or(0);
    if from > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: shown.to_string(),
            found: from,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS
        .iter()
        .enumerate()
        .skip(usize::try_from(from).unwrap_or(0))
    {
        let version = i as i64 + 1;
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_version ( \
                 one     BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), \
                 version BIGINT NOT NULL); \
             INSERT INTO schema_version (version) VALUES (0) ON CONFLICT (one) DO NOTHING",
        )
        .map_err(db)?;
        search::run_migration(&mut tx, sql)
            .map_err(|e| StoreError::Db(format!("migration {version}: {}", explain(&e))))?;
        tx.execute("UPDATE schema_version SET version = $1", &[&version])
            .map_err(db)?;
        notify_changed(&mut tx)?;
        tx.commit().map_err(db)?;
        tracing::info!("team store schema migrated to version {version}");
    }
    Ok((from, SCHEMA_VERSION))
}

/// Tell the other instances that something changed (delivered when `tx` commits).
/// The payload names the connection (`changed:<backend pid>`), so an instance can tell its
/// own changes from its teammates'.
pub(super) fn notify_changed(tx: &mut Transaction<'_>) -> StoreResult<()> {
    tx.execute(
        "SELECT pg_notify('tinbox', 'changed:' || pg_backend_pid())",
        &[],
    )
    .map_err(db)?;
    Ok(())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "unknown".into())
}

/// A readable message for a database error (never containing the password: the driver's
/// messages do not echo the connection string).
pub(super) fn explain(e: &postgres::Error) -> String {
    if let Some(d) = e.as_db_error() {
        return match d.detail() {
            Some(detail) => format!("{}: {detail}", d.message()),
            None => d.message().to_string(),
        };
    }
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let c = cause.to_string();
        if !s.contains(&c) {
            s.push_str(": ");
            s.push_str(&c);
        }
        source = cause.source();
    }
    s
}

pub(super) fn db(e: postgres::Error) -> StoreError {
    StoreError::Db(explain(&e))
}

#[cfg(test)]
pub(crate) mod tests;
