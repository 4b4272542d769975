//! `tinbox db migrate` and `tinbox db status`: the store's schema, and for a team store who
//! is running and who polls which account.

use std::io::Write;

use anyhow::Result;

use super::DbCommand;
use crate::config::{Config, Paths};
use crate::store::open::pg_options;
use crate::store::postgres::{self, PgStore};
use crate::store::sqlite::{self, SqliteStore};

pub fn run(
    cmd: &DbCommand,
    config: &Config,
    paths: &Paths,
    user: &str,
    out: &mut dyn Write,
) -> Result<u8> {
    let team = pg_options(config, user)?;
    match (*cmd, team) {
        (DbCommand::Migrate, Some(opts)) => {
            let shown = crate::store::pgpass::redact(&opts.url);
            let (from, to) = PgStore::migrate(&opts)?;
            if from == to {
                writeln!(out, "{shown}: schema already at version {to}.")?;
            } else {
                writeln!(out, "{shown}: schema migrated from version {from} to {to}.")?;
            }
        }
        (DbCommand::Migrate, None) => {
            // Opening the file migrates it.
            let store = SqliteStore::open(&paths.store_file())?;
            writeln!(
                out,
                "{}: schema at version {}.",
                paths.store_file().display(),
                store.schema_version()?
            )?;
        }
        (DbCommand::Status { json }, Some(opts)) => {
            let shown = crate::store::pgpass::redact(&opts.url);
            let mut store = PgStore::open(&opts)?;
            let version = store.schema_version()?;
            let team = store.team_status()?;
            if json {
                let v = serde_json::json!({
                    "store": "postgres", "url": shown, "schema": version, "team": team,
                });
                serde_json::to_writer(&mut *out, &v)?;
                writeln!(out)?;
                return Ok(0);
            }
            writeln!(
                out,
                "team store {shown}, schema {version} (this build: {})",
                postgres::SCHEMA_VERSION
            )?;
            for i in team.instances.iter().filter(|i| !i.this) {
                let state = if i.alive { "running" } else { "silent" };
                let polls: Vec<&str> = team
                    .leases
                    .iter()
                    .filter(|(_, id)| *id == i.id)
                    .map(|(a, _)| a.as_str())
                    .collect();
                writeln!(
                    out,
                    "  {} on {} (pid {}): {state}, last heard {}s ago{}",
                    crate::sanitize::one_line(&i.who),
                    crate::sanitize::one_line(&i.host),
                    i.pid,
                    i.heartbeat_age_s,
                    if polls.is_empty() {
                        String::new()
                    } else {
                        format!(", polls {}", polls.join(", "))
                    }
                )?;
            }
        }
        (DbCommand::Status { json }, None) => {
            let store = SqliteStore::open(&paths.store_file())?;
            let version = store.schema_version()?;
            if json {
                let v = serde_json::json!({
                    "store": "sqlite", "path": paths.store_file(), "schema": version,
                });
                serde_json::to_writer(&mut *out, &v)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "store {}, schema {version} (this build: {})",
                    paths.store_file().display(),
                    sqlite::SCHEMA_VERSION
                )?;
            }
        }
    }
    Ok(0)
}
