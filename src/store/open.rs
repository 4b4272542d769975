//! Opening the configured store: the embedded SQLite file, or a team's PostgreSQL database.

use anyhow::{Context, Result};

use super::StoreBackend;
use super::postgres::{PgOptions, PgStore};
use super::sqlite::SqliteStore;
use crate::config::{Config, Paths, StoreConfig};

/// The connection options of a team store (`None`: the embedded store), with the password
/// looked up as PostgreSQL users expect.
pub fn pg_options(config: &Config, user: &str) -> Result<Option<PgOptions>> {
    let StoreConfig::Postgres {
        url,
        password_cmd,
        lease_s,
    } = &config.store
    else {
        return Ok(None);
    };
    let (password, _) = super::pgpass::lookup(url, password_cmd.as_deref())
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("store {}", super::pgpass::redact(url)))?;
    Ok(Some(PgOptions {
        url: url.clone(),
        password,
        user: user.to_string(),
        lease_secs: *lease_s,
    }))
}

/// Open the configured store (the SQLite file is created and migrated as needed; a team
/// database must have been migrated with `tinbox db migrate`).
pub fn open(config: &Config, paths: &Paths, user: &str) -> Result<Box<dyn StoreBackend>> {
    Ok(match pg_options(config, user)? {
        Some(opts) => Box::new(PgStore::open(&opts)?),
        None => Box::new(SqliteStore::open(&paths.store_file())?),
    })
}

/// Open the configured store for a command that only reads (`list`, `status`): the SQLite
/// file is opened read-only, so these work when the disk is full. A store not created yet,
/// or of an older schema, is opened the usual way (created or migrated).
pub fn open_for_reading(
    config: &Config,
    paths: &Paths,
    user: &str,
) -> Result<Box<dyn StoreBackend>> {
    let file = paths.store_file();
    if config.store.is_team() || !file.exists() {
        return open(config, paths, user);
    }
    match SqliteStore::open_read_only(&file) {
        Ok(store) => Ok(Box::new(store)),
        Err(e) if SqliteStore::needs_migration(&file) => {
            tracing::info!("reading an older store: migrating it first ({e})");
            open(config, paths, user)
        }
        Err(e) => Err(e.into()),
    }
}
