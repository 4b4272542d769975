//! `tinbox account add x`: the PIN (out-of-band) OAuth 1.0a flow — the developer app's
//! consumer key (`--consumer-key`, or the account's config) and secret (`consumer_secret_cmd`,
//! or typed without echo), a request token, the authorize address printed, the PIN read, the
//! access token and secret kept in the 0600 secrets file. `--token-stdin` keeps an OAuth 2.0
//! user access token instead. Either is checked with `/2/users/me`.

use std::io::{BufRead, Write};

use anyhow::{Context, Result, bail};

use super::AccountAddArgs;
use super::config_file::{append_table, read_line};
use crate::channels::x::api::User;
use crate::channels::x::client::{Auth, Call, Client, DEFAULT_API_URL};
use crate::channels::x::oauth1::Keys;
use crate::channels::x::pin;
use crate::config::{Config, Paths, check_url};
use crate::secrets::{Secrets, run_secret_command};

const README: &str = "see \"Connecting X\" in the README";

pub async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let api = args
        .api_url
        .as_deref()
        .unwrap_or(DEFAULT_API_URL)
        .trim_end_matches('/');
    check_url(api).map_err(anyhow::Error::msg)?;
    let existing = args.name.as_ref().and_then(|n| config.accounts.get(n));
    if let Some(n) = &args.name
        && existing.is_some_and(|a| a.channel != crate::model::ChannelKind::X)
    {
        return Err(super::ask::name_taken(paths, n));
    }
    let settings = existing.and_then(|a| a.x.clone()).unwrap_or_default();
    let mut store: Vec<(&str, String)> = Vec::new();
    let (auth, consumer_key) = if args.token_stdin {
        let token = super::ask::read_secret(
            true,
            input,
            out,
            "token",
            README,
            "OAuth 2.0 user access token: ",
        )?;
        store.push(("token", token.clone()));
        (Auth::Bearer(token), None)
    } else {
        let Some(key) = args.consumer_key.clone().or(settings.consumer_key.clone()) else {
            bail!("--consumer-key KEY is required: the API key of your X developer app ({README})");
        };
        let secret = match &settings.consumer_secret_cmd {
            Some(cmd) => run_secret_command("consumer_secret_cmd", cmd)?,
            None => {
                let s = super::ask::read_secret(
                    false,
                    input,
                    out,
                    "consumer secret",
                    "Paste the app's API key secret (consumer secret); it is kept in the secrets file.",
                    "Consumer secret: ",
                )?;
                store.push(("consumer_secret", s.clone()));
                s
            }
        };
        let request = pin::request_token(api, &key, &secret)
            .await
            .context("asking X for a request token (is the consumer key and secret right?)")?;
        let url = pin::authorize_url(api, &request.0)?;
        writeln!(
            out,
            "Open this address in a browser (on any machine), authorize the app, and type the PIN X shows:\n\n  {url}\n"
        )?;
        write!(out, "PIN: ")?;
        out.flush()?;
        let code = read_line(input).context("reading the PIN")?;
        let access = pin::access_token(api, &key, &secret, (&request.0, &request.1), &code)
            .await
            .context("exchanging the PIN for an access token")?;
        store.push(("access_token", access.token.clone()));
        store.push(("access_token_secret", access.secret.clone()));
        let keys = Keys {
            consumer_key: key.clone(),
            consumer_secret: secret,
            token: access.token,
            token_secret: access.secret,
        };
        (Auth::OAuth1(keys), Some(key))
    };
    let client = Client::new(api, auth, std::time::Duration::from_secs(30))?;
    let me = client
        .call::<User>(Call {
            method: reqwest::Method::GET,
            path: &["2", "users", "me"],
            query: &[("user.fields", "username,name")],
            body: None,
            bucket: "GET /2/users/me",
        })
        .await
        .context("checking the credentials with /2/users/me")?
        .items()
        .0
        .into_iter()
        .next()
        .unwrap_or_default();
    let username = me.username.clone().unwrap_or_default();
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| super::ask::default_name(&username, "x"));
    match config.accounts.get(&name) {
        Some(a) if a.channel != crate::model::ChannelKind::X => {
            return Err(super::ask::name_taken(paths, &name));
        }
        _ => {}
    }
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    // One kind of credential at a time: a Bearer token left behind would win over new keys.
    for k in ["token", "access_token", "access_token_secret"] {
        secrets.unset(&name, k);
    }
    for (k, v) in &store {
        secrets.set(&name, k, v);
    }
    secrets.save()?;
    if !config.accounts.contains_key(&name) {
        let mut table = vec![("channel", "x".into())];
        if let Some(k) = &consumer_key {
            table.push(("consumer_key", k.as_str().into()));
        }
        if api != DEFAULT_API_URL {
            table.push(("api_url", api.into()));
        }
        append_table(paths, &name, &table)?;
    }
    writeln!(
        out,
        "Connected {name}: @{} on X. The credentials are in {} (mode 0600).",
        crate::sanitize::one_line(&username),
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "X bills every post read: set monthly_read_budget in [accounts.{name}] to cap it. Run `tinbox sync --once` to fetch mentions and DMs."
    )?;
    Ok(())
}
