//! `tinbox account add youtube --channel-id UC… [--client-id ID] [--token-stdin]`: Google's
//! device flow ("enter CODE at https://www.google.com/device", which works over SSH), or a
//! refresh token piped in with `--token-stdin`. The OAuth client's secret is read from the
//! account's `client_secret_cmd` if the config has one, else asked without echo; it and the
//! refresh token go to the 0600 secrets file. The token is checked by reading the channel.

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::AccountAddArgs;
use super::config_file::append_table;
use crate::channels::net::api_client_with;
use crate::channels::youtube::account::meter;
use crate::channels::youtube::api::Page;
use crate::channels::youtube::client::{Auth, Client, DEFAULT_API_URL};
use crate::channels::youtube::oauth::{self, DEFAULT_OAUTH_URL, VERIFY_AT};
use crate::config::{AccountConfig, Config, Paths, check_url};
use crate::secrets::{Secrets, run_secret_command_within};

#[derive(Debug, Default, Deserialize)]
struct ChannelInfo {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    snippet: Option<ChannelSnippet>,
}

#[derive(Debug, Default, Deserialize)]
struct ChannelSnippet {
    #[serde(default)]
    title: Option<String>,
}

fn base(url: Option<&str>, default: &str) -> Result<String> {
    let u = url.unwrap_or(default).trim_end_matches('/').to_string();
    check_url(&u).map_err(anyhow::Error::msg)?;
    Ok(u)
}

pub async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let Some(channel_id) = args.channel_id.as_deref().map(str::trim) else {
        bail!("--channel-id UC… is required (see \"Connecting YouTube\" in the README)");
    };
    if !channel_id.starts_with("UC")
        || !channel_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        bail!("--channel-id takes the channel's id (UC…), not a name or URL: {channel_id:?}");
    }
    let name = args.name.clone().unwrap_or_else(|| "youtube".into());
    let existing = config.accounts.get(&name);
    let theirs = existing.and_then(|a| a.youtube.as_ref());
    if existing.is_some() && theirs.is_none_or(|y| y.channel_id != channel_id) {
        return Err(super::ask::name_taken(paths, &name));
    }
    let api = base(args.api_url.as_deref(), DEFAULT_API_URL)?;
    let oauth_url = base(
        args.oauth_url
            .as_deref()
            .or(theirs.and_then(|y| y.oauth_url.as_deref())),
        DEFAULT_OAUTH_URL,
    )?;
    let Some(client_id) = args
        .client_id
        .clone()
        .or_else(|| theirs.and_then(|y| y.client_id.clone()))
    else {
        bail!(
            "--client-id is required: the id of your OAuth client of type \"TVs and limited input devices\" (see \"Connecting YouTube\" in the README)"
        );
    };
    let secret = match theirs.and_then(|y| y.client_secret_cmd.as_deref()) {
        Some(cmd) => run_secret_command_within(
            &format!("client_secret_cmd of account {name:?}"),
            cmd,
            Duration::from_secs(30),
        )?,
        None => super::ask::read_secret(
            false,
            input,
            out,
            "client secret",
            "The OAuth client's secret (Google Cloud console, APIs & Services, Credentials).",
            "Client secret: ",
        )?,
    };
    let http = api_client_with(Duration::from_secs(30))?;
    let refresh = if args.token_stdin {
        super::config_file::read_line(input)
            .context("reading the refresh token from standard input")?
    } else {
        let code = oauth::device_code(&http, &oauth_url, &client_id).await?;
        let at = code
            .verification_url
            .as_deref()
            .map(crate::sanitize::one_line)
            .filter(|u| u.starts_with("https://"))
            .unwrap_or_else(|| VERIFY_AT.into());
        writeln!(
            out,
            "On any device, enter {} at {at} and allow tinbox to manage your YouTube comments.",
            crate::sanitize::one_line(&code.user_code)
        )?;
        writeln!(out, "Waiting for the code to be entered…")?;
        out.flush()?;
        let t = oauth::wait_for_tokens(&http, &oauth_url, &client_id, &secret, &code).await?;
        t.refresh_token.ok_or_else(|| {
            anyhow::anyhow!(
                "Google gave no refresh token (was the scope youtube.force-ssl refused?)"
            )
        })?
    };
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    secrets.set(&name, "refresh_token", &refresh);
    if theirs
        .and_then(|y| y.client_secret_cmd.as_deref())
        .is_none()
    {
        secrets.set(&name, "client_secret", &secret);
    }
    // Checked before it is kept: the channel read with a fresh access token (1 unit, in
    // the account's meter).
    let (s, r) = (secret.clone(), refresh.clone());
    let auth = Auth::Refresh {
        oauth_url: oauth_url.clone(),
        client_id: client_id.clone(),
        client_secret: Arc::new(move || Ok(s.clone())),
        refresh_token: Arc::new(move || Ok(r.clone())),
    };
    let cfg = existing.cloned().unwrap_or_else(AccountConfig::demo);
    let meter = meter(&name, &cfg, &paths.secrets_file);
    let client = Client::new(&api, auth, meter, Duration::from_secs(30))?;
    let page: Page<ChannelInfo> = client
        .list("channels", &[("part", "snippet"), ("id", channel_id)])
        .await
        .context("reading the channel with the new token")?;
    let Some(info) = page
        .items
        .into_iter()
        .find(|c| c.id.as_deref() == Some(channel_id))
    else {
        bail!("YouTube has no channel {channel_id} (check --channel-id)");
    };
    secrets.save()?;
    if existing.is_none() {
        let mut table = vec![
            ("channel", "youtube".into()),
            ("channel_id", channel_id.into()),
            ("client_id", client_id.as_str().into()),
        ];
        if api != DEFAULT_API_URL {
            table.push(("api_url", api.as_str().into()));
        }
        if oauth_url != DEFAULT_OAUTH_URL {
            table.push(("oauth_url", oauth_url.as_str().into()));
        }
        append_table(paths, &name, &table)?;
    }
    let title = info.snippet.and_then(|s| s.title).unwrap_or_default();
    writeln!(
        out,
        "Connected {name}: YouTube channel {} ({channel_id}). The refresh token is in {} (mode 0600).",
        crate::sanitize::one_line(&title),
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "Run `tinbox sync --once` to fetch comments (a poll costs a few of the day's 10,000 quota units, a reply 50)."
    )?;
    Ok(())
}
