//! `tinbox account add bluesky --handle H [--service URL]`: log in with an app password
//! (typed without echo, or `--password-stdin`), keep the session and the app password in the
//! 0600 secrets file, and add the account to the config.

use std::io::{BufRead, Write};
use std::sync::Arc;

use anyhow::{Context, Result, bail};

use super::AccountAddArgs;
use super::config_file::append_table;
use crate::accounts::SecretsSessions;
use crate::channels::bluesky::DEFAULT_SERVICE;
use crate::channels::bluesky::session::{MemorySessions, SessionStore};
use crate::channels::bluesky::xrpc::Xrpc;
use crate::config::{Config, Paths, assume_https, check_url};
use crate::secrets::Secrets;

pub async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(handle) = args
        .handle
        .as_deref()
        .map(|h| h.trim().trim_start_matches('@'))
    else {
        bail!("--handle is required, e.g. --handle brand.bsky.social");
    };
    let service = assume_https(args.service.as_deref().unwrap_or(DEFAULT_SERVICE));
    let service = service.trim_end_matches('/');
    check_url(service).map_err(anyhow::Error::msg)?;
    let name = args.name.clone().unwrap_or_else(|| {
        handle
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect()
    });
    let existing = config.accounts.get(&name);
    if let Some(acc) = existing
        && acc.handle.as_deref() != Some(handle)
    {
        return Err(super::ask::name_taken(paths, &name));
    }
    let password = super::ask::read_secret(
        args.password_stdin,
        input,
        out,
        "app password",
        "Create an app password in Bluesky (Settings → Privacy and security → App passwords).",
        &format!("App password for {handle}: "),
    )?;
    let probe = Xrpc::new(service, handle, None, Arc::new(MemorySessions::default()))?;
    let session = probe
        .login_with(&password)
        .await
        .with_context(|| format!("logging in to {service} as {handle}"))?;
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    // With a password_cmd the password stays where the command reads it.
    if existing.is_none_or(|a| a.password_cmd.is_none()) {
        secrets.set(&name, "app_password", &password);
        secrets.save()?;
    }
    SecretsSessions::new(&paths.secrets_file, &name)
        .save(&session)
        .map_err(anyhow::Error::msg)?;
    if existing.is_none() {
        let mut table = vec![("channel", "bluesky".into()), ("handle", handle.into())];
        if service != DEFAULT_SERVICE {
            table.push(("service", service.into()));
        }
        append_table(paths, &name, &table)?;
    }
    writeln!(
        out,
        "Connected {name}: @{} ({}) via {}. The session is in {} (mode 0600).",
        // The server chose these: cleaned like any remote text.
        crate::sanitize::one_line(&session.handle),
        crate::sanitize::one_line(&session.did),
        crate::sanitize::one_line(session.pds.as_deref().unwrap_or(service)),
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "Run `tinbox sync --once` to fetch mentions, replies and quotes, or `tinbox` to open the inbox."
    )?;
    Ok(())
}
