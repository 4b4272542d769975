//! `tinbox account add facebook --page-id ID` / `account add instagram --ig-user-id ID`: a
//! Page or system-user token, pasted (or piped with `--token-stdin`), checked against Graph
//! (`/me`, then the Page or Instagram account) and kept in the 0600 secrets file.

use std::io::{BufRead, Write};
use std::time::Duration;

use anyhow::{Context, Result, bail};

use super::AccountAddArgs;
use super::config_file::append_table;
use crate::channels::meta::client::{DEFAULT_API_URL, Graph};
use crate::channels::meta::graph::Page;
use crate::config::{Config, Paths, check_url};
use crate::secrets::Secrets;

pub async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let instagram = args.channel == "instagram";
    let (flag, id) = if instagram {
        ("--ig-user-id", args.ig_user_id.as_deref())
    } else {
        ("--page-id", args.page_id.as_deref())
    };
    let Some(id) = id.map(str::trim).filter(|i| !i.is_empty()) else {
        bail!("{flag} ID is required (see \"Connecting Facebook and Instagram\" in the README)");
    };
    if !id.bytes().all(|b| b.is_ascii_digit()) {
        bail!("{flag} takes the numeric id, not a name or URL: {id:?}");
    }
    let api = args
        .api_url
        .as_deref()
        .unwrap_or(DEFAULT_API_URL)
        .trim_end_matches('/');
    check_url(api).map_err(anyhow::Error::msg)?;
    // Not echoed: the token is a password.
    let token = super::ask::read_secret(
        args.token_stdin,
        input,
        out,
        "token",
        "Paste a long-lived Page token or a system-user token (see \"Connecting Facebook and Instagram\" in the README).",
        "Token: ",
    )?;
    if token.is_empty() {
        bail!("no token given");
    }
    let network = if instagram { "Instagram" } else { "Facebook" };
    let g = Graph::new(api, token.clone(), Duration::from_secs(30), network)?;
    let me: Page = g
        .get_as("me", &[("fields", "id,name")], "pages_show_list")
        .await
        .context("checking the token")?;
    let fields = if instagram {
        "id,username,name"
    } else {
        "id,name,username"
    };
    let need = if instagram {
        "instagram_basic"
    } else {
        "pages_show_list"
    };
    let target: Page = g
        .get_as(id, &[("fields", fields)], need)
        .await
        .with_context(|| format!("reading {network} account {id} with this token"))?;
    let label = target
        .username
        .clone()
        .or(target.name.clone())
        .unwrap_or_else(|| id.to_string());
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| super::ask::default_name(&label, &args.channel[..2]));
    let existing = config.accounts.get(&name);
    let same = |a: &crate::config::AccountConfig| {
        a.page_id.as_deref() == Some(id) || a.ig_user_id.as_deref() == Some(id)
    };
    if existing.is_some_and(|a| !same(a)) {
        return Err(super::ask::name_taken(paths, &name));
    }
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    secrets.set(&name, "token", &token);
    secrets.save()?;
    if existing.is_none() {
        let key = if instagram { "ig_user_id" } else { "page_id" };
        let mut table = vec![("channel", args.channel.as_str().into()), (key, id.into())];
        // Instagram DMs go through the linked Page's conversations.
        if let Some(page) = args.page_id.as_deref().filter(|_| instagram) {
            table.push(("page_id", page.trim().into()));
        }
        if api != DEFAULT_API_URL {
            table.push(("api_url", api.into()));
        }
        append_table(paths, &name, &table)?;
    }
    writeln!(
        out,
        "Connected {name}: {network} {} ({id}), token of {}. The token is in {} (mode 0600).",
        crate::sanitize::one_line(&label),
        crate::sanitize::one_line(me.name.as_deref().or(me.id.as_deref()).unwrap_or("?")),
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "Run `tinbox sync --once` to fetch comments and messages, or `tinbox` to open the inbox."
    )?;
    Ok(())
}
