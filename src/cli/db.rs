//! `tinbox db migrate`, `tinbox db status` and `tinbox db check [--repair]`: the store's
//! schema, its integrity, and for a team store who is running and who polls which account.

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
        (DbCommand::Check { .. }, Some(opts)) => {
            writeln!(
                out,
                "{}: a team store is checked by PostgreSQL itself (tinbox checks only its SQLite file).",
                crate::store::pgpass::redact(&opts.url)
            )?;
        }
        (DbCommand::Check { repair }, None) => return check(paths, repair, out),
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

/// `tinbox db check`: 0 when the store is sound (or was rebuilt), 1 when it is damaged.
fn check(paths: &Paths, repair: bool, out: &mut dyn Write) -> Result<u8> {
    let path = paths.store_file();
    let shown = path.display();
    if !path.exists() {
        anyhow::bail!("no store at {shown} yet");
    }
    let report = sqlite::check(&path)?;
    if report.problems.is_empty() {
        writeln!(out, "{shown}: ok (integrity check passed).")?;
        return Ok(0);
    }
    writeln!(out, "{shown}: damaged. The integrity check found:")?;
    for p in &report.problems {
        writeln!(out, "  {}", crate::sanitize::one_line(p))?;
    }
    if !repair {
        writeln!(
            out,
            "Restore it from a backup, or run `tinbox db check --repair` to rebuild it from what is readable (the damaged file is kept)."
        )?;
        return Ok(1);
    }
    // Nothing else may write the store while it is rebuilt.
    let _lock = crate::instance::acquire(&paths.data_dir, "tinbox db check --repair")
        .map_err(anyhow::Error::msg)?;
    let done = sqlite::repair(&path)?;
    for (table, n) in &done.copied {
        let cut = if done.incomplete.contains(table) {
            " (stopped at a damaged page: later rows lost)"
        } else {
            ""
        };
        writeln!(out, "  {table}: {n} rows copied{cut}")?;
    }
    writeln!(
        out,
        "Rebuilt {shown}; the damaged file is kept as {}.",
        done.kept_at.display()
    )?;
    Ok(0)
}
