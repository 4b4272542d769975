//! `tinbox account add email --address A --imap URL --smtp URL [--login L] [--ca-file F]
//! [--password-stdin]`: check the login on both servers, keep the password in the 0600
//! secrets file (unless the account reads it with `password_cmd`/`token_cmd`), and add the
//! account to the config.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::AccountAddArgs;
use super::config_file::append_table;
use crate::channels::email::imap::Credential;
use crate::channels::email::parse::DEFAULT_SIZE_CAP;
use crate::channels::email::smtp;
use crate::channels::email::tls::Endpoint;
use crate::channels::email::{EmailChannel, EmailOptions};
use crate::config::{Config, Paths, check_mail_url};
use crate::secrets::Secrets;

pub async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let (Some(address), Some(imap), Some(smtp_url)) = (
        args.address.as_deref().map(str::trim),
        args.imap.as_deref().map(|u| u.trim_end_matches('/')),
        args.smtp.as_deref().map(|u| u.trim_end_matches('/')),
    ) else {
        bail!(
            "--address, --imap and --smtp are required, e.g. --address support@brand.example --imap imaps://imap.example.com --smtp smtps://smtp.example.com"
        );
    };
    if !address.contains('@') || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        bail!("{address:?} is not an email address");
    }
    check_mail_url(imap, &["imaps", "imap"]).map_err(anyhow::Error::msg)?;
    check_mail_url(smtp_url, &["smtps", "smtp"]).map_err(anyhow::Error::msg)?;
    let login = args.login.clone().unwrap_or_else(|| address.to_string());
    let name = args.name.clone().unwrap_or_else(|| {
        address
            .split('@')
            .next()
            .unwrap_or("email")
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
        && acc.email.as_ref().is_none_or(|e| e.address != address)
    {
        return Err(super::ask::name_taken(paths, &name));
    }
    let password = super::ask::read_secret(
        args.password_stdin,
        input,
        out,
        "password",
        "Use an app password where the provider has them (Gmail, Fastmail, iCloud).",
        &format!("Password for {login}: "),
    )?;
    let ep = |u: &str| Endpoint::parse(u).map_err(|e| anyhow::anyhow!("{e}"));
    let limit = Duration::from_secs(30);
    let opts = EmailOptions {
        address: address.to_string(),
        login: login.clone(),
        imap: ep(imap)?,
        smtp: ep(smtp_url)?,
        ca_file: args.ca_file.clone(),
        folders: vec!["INBOX".into()],
        sent_folder: None,
        mark_seen: false,
        quote: false,
        timeout: limit,
        first_sync_window: None,
        size_cap: DEFAULT_SIZE_CAP,
    };
    let cred = Credential::Password(password.clone());
    let secret = cred.clone();
    let probe = EmailChannel::new(opts.clone(), Arc::new(move || Ok(secret.clone())));
    let mut session = probe
        .session()
        .await
        .with_context(|| format!("logging in to {imap} as {login}"))?;
    let _ = session.logout().await;
    let t = smtp::transport(&opts.smtp, opts.ca_file.as_deref(), &login, &cred, limit)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    t.test_connection()
        .await
        .map_err(|e| anyhow::anyhow!("{}", crate::sanitize::error_text(&e.to_string())))
        .with_context(|| format!("logging in to {smtp_url} as {login}"))?;
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    // With a password_cmd or token_cmd the secret stays where the command reads it.
    if existing.is_none_or(|a| a.password_cmd.is_none() && a.token_cmd.is_none()) {
        secrets.set(&name, "password", &password);
        secrets.save()?;
    }
    if existing.is_none() {
        let mut table = vec![
            ("channel", "email".into()),
            ("address", address.into()),
            ("imap", imap.into()),
            ("smtp", smtp_url.into()),
        ];
        if login != address {
            table.push(("login", login.as_str().into()));
        }
        if let Some(ca) = &args.ca_file {
            table.push(("ca_file", ca.as_str().into()));
        }
        append_table(paths, &name, &table)?;
    }
    writeln!(
        out,
        "Connected {name}: {address} (IMAP {imap}, SMTP {smtp_url}). The password is in {} (mode 0600).",
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "Run `tinbox sync --once` to fetch mail, or `tinbox` to open the inbox."
    )?;
    Ok(())
}
