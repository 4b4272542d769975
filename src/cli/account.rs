//! `tinbox account add|list|remove`: connect accounts; tokens go to the 0600 secrets file.

use std::io::{BufRead, Write};

use anyhow::{Context, Result, bail};

use super::config_file::{append_table, read_line};
use super::{AccountAddArgs, AccountCommand};
use crate::channels::mastodon::oauth;
use crate::config::{Config, Paths, assume_https, check_url};
use crate::secrets::Secrets;

pub async fn run(
    cmd: &AccountCommand,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    match cmd {
        AccountCommand::Add(args) => add(args, paths, config, input, out).await,
        AccountCommand::List => list(paths, config, out),
        AccountCommand::Remove { name, yes } => remove(name, *yes, paths, config, input, out),
    }
}

async fn add(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    if args.channel == "feed" {
        return add_feed(args, paths, config, out).await;
    }
    if args.channel == "email" {
        return super::account_email::add(args, paths, config, input, out).await;
    }
    if args.channel == "bluesky" {
        return super::account_bluesky::add(args, paths, config, input, out).await;
    }
    if args.channel == "facebook" || args.channel == "instagram" {
        return super::account_meta::add(args, paths, config, input, out).await;
    }
    if args.channel == "x" {
        return super::account_x::add(args, paths, config, input, out).await;
    }
    if args.channel == "youtube" {
        return super::account_youtube::add(args, paths, config, input, out).await;
    }
    if args.channel != "mastodon" {
        bail!(
            "tinbox cannot add {:?} accounts: the channels are mastodon, bluesky, email, feed, facebook, instagram, x and youtube",
            args.channel
        );
    }
    let Some(instance) = args.instance.as_deref().map(assume_https) else {
        bail!("--instance URL is required, e.g. --instance https://mastodon.social");
    };
    let instance = instance.trim_end_matches('/');
    check_url(instance).map_err(anyhow::Error::msg)?;
    let token = if args.token_stdin {
        read_line(input).context("reading the token from standard input")?
    } else {
        let app = oauth::register_app(instance, "tinbox")
            .await
            .with_context(|| format!("registering tinbox with {instance}"))?;
        let url = oauth::authorize_url(instance, &app)?;
        writeln!(
            out,
            "Open this address in a browser (on any machine), approve tinbox, and paste the code here:\n\n  {url}\n"
        )?;
        write!(out, "Code: ")?;
        out.flush()?;
        let code = read_line(input).context("reading the code")?;
        oauth::exchange_code(instance, &app, &code)
            .await
            .context("exchanging the code for a token")?
    };
    let me = oauth::verify_credentials(instance, &token)
        .await
        .with_context(|| format!("checking the token with {instance}"))?;
    let name = match &args.name {
        Some(n) => n.clone(),
        None => me
            .acct
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect(),
    };
    if let Some(existing) = config.accounts.get(&name)
        && existing.instance.as_deref() != Some(instance)
    {
        return Err(super::ask::name_taken(paths, &name));
    }
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    secrets.set(&name, "token", &token);
    secrets.save()?;
    if !config.accounts.contains_key(&name) {
        append_account(paths, &name, instance)?;
    }
    writeln!(
        out,
        "Connected {name}: @{} on {instance}. The token is in {} (mode 0600).",
        crate::sanitize::one_line(&me.acct),
        paths.secrets_file.display()
    )?;
    writeln!(
        out,
        "Run `tinbox sync --once` to fetch mentions and DMs, or `tinbox` to open the inbox."
    )?;
    Ok(())
}

/// A feed: fetched once to prove it is one, then added to the config.
async fn add_feed(
    args: &AccountAddArgs,
    paths: &Paths,
    config: &Config,
    out: &mut dyn Write,
) -> Result<()> {
    use crate::channels::Channel;
    let Some(url) = args.url.as_deref().map(assume_https) else {
        bail!("give the feed's address: tinbox account add feed URL")
    };
    let url = url.as_str();
    check_url(url).map_err(anyhow::Error::msg)?;
    let clock: crate::channels::demo::Clock = std::sync::Arc::new(jiff::Timestamp::now);
    let feed = crate::channels::feed::FeedChannel::new(url, args.keywords.clone(), clock)?;
    let found = feed
        .poll(None)
        .await
        .with_context(|| format!("reading {url}"))?
        .items
        .len();
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(String::from))
        .unwrap_or_else(|| "feed".into());
    let name = args.name.clone().unwrap_or_else(|| {
        host.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect()
    });
    if config.accounts.contains_key(&name) {
        bail!("an account named {name:?} already exists; choose another --name");
    }
    let mut table = vec![("channel", "feed".into()), ("url", url.into())];
    if !args.keywords.is_empty() {
        let kws: toml_edit::Array = args.keywords.iter().map(String::as_str).collect();
        table.push(("keywords", kws.into()));
    }
    append_table(paths, &name, &table)?;
    writeln!(
        out,
        "Added feed {name}: {found} matching entries now. `tinbox sync --once` brings them in."
    )?;
    Ok(())
}

/// Add `[accounts.NAME]` at the end of the config file (the user asked for it).
fn append_account(paths: &Paths, name: &str, instance: &str) -> Result<()> {
    append_table(
        paths,
        name,
        &[
            ("channel", "mastodon".into()),
            ("instance", instance.into()),
        ],
    )
}

fn list(paths: &Paths, config: &Config, out: &mut dyn Write) -> Result<()> {
    if config.accounts.is_empty() {
        writeln!(
            out,
            "No accounts. Add one with `tinbox account add mastodon --instance URL`, or try `tinbox --demo`."
        )?;
        return Ok(());
    }
    let user = config
        .user
        .clone()
        .unwrap_or_else(crate::store::pgpass::login_name);
    let mut store = crate::store::open::open(config, paths, &user)?;
    let secrets = Secrets::load(&paths.secrets_file)?;
    for (name, acc) in &config.accounts {
        let rec = store.account(name)?;
        let last = rec
            .as_ref()
            .and_then(|r| r.last_sync)
            .map(|t| t.to_string())
            .unwrap_or_else(|| "never synced".into());
        let err = rec
            .and_then(|r| r.last_error)
            .map(|e| format!(" · last error: {}", crate::sanitize::error_text(&e)))
            .unwrap_or_default();
        let place = acc
            .instance
            .as_deref()
            .or(acc.url.as_deref())
            .or(acc.handle.as_deref())
            .unwrap_or("");
        writeln!(out, "{name}  {}  {place}  {last}{err}", acc.channel)?;
        // A metered network's spending, on a line of its own under the account.
        if let Some(u) = crate::accounts::usage_line(name, acc, &secrets) {
            writeln!(out, "    {}", crate::sanitize::one_line(&u))?;
        }
    }
    Ok(())
}

fn remove(
    name: &str,
    yes: bool,
    paths: &Paths,
    config: &Config,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<()> {
    let mut secrets = Secrets::load(&paths.secrets_file)?;
    let in_config = config.accounts.contains_key(name);
    if !in_config && !secrets.has_account(name) {
        bail!("no account named {name:?}");
    }
    if !yes {
        write!(
            out,
            "Delete the stored token or session of {name:?}? Its items stay in the store. [y/N] "
        )?;
        out.flush()?;
        let mut answer = String::new();
        input.read_line(&mut answer)?;
        if !answer.trim().eq_ignore_ascii_case("y") {
            writeln!(out, "Nothing changed.")?;
            return Ok(());
        }
    }
    if secrets.remove_account(name) {
        secrets.save()?;
        writeln!(out, "Deleted the secrets of {name:?}.")?;
    }
    if in_config {
        writeln!(
            out,
            "Now remove [accounts.{name}] from {} to stop polling it.",
            paths.config_file.display()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_an_account_keeps_the_users_file_and_escapes_as_toml() {
        let dir = tempfile::tempdir().expect("tmp");
        let paths = Paths::resolve_with(
            Some(dir.path().join("cfg/config.toml")),
            Some(dir.path().join("data")),
            &|_| None,
        )
        .expect("paths");
        std::fs::create_dir_all(&paths.config_dir).expect("mkdir");
        let mine = "# my settings\ntheme = \"default\"   # keep this comment\n\n[accounts.old]\nchannel = \"demo\"\n";
        std::fs::write(&paths.config_file, mine).expect("write");
        // A bell and a quote: Rust's `{:?}` writes `\u{7}`, which TOML does not accept.
        let name = "caf\u{e9} \"x\"";
        let kws: toml_edit::Array = ["ring\u{7}", "a\\b"].into_iter().collect();
        append_table(
            &paths,
            name,
            &[
                ("channel", "feed".into()),
                ("url", "https://example.com/feed".into()),
                ("keywords", kws.into()),
            ],
        )
        .expect("appended");
        let text = std::fs::read_to_string(&paths.config_file).expect("read");
        assert!(text.starts_with(mine), "the user's text is kept:\n{text}");
        let config = crate::config::parse(&text, &paths.config_file).expect("parses");
        let acc = &config.accounts[name];
        assert_eq!(acc.keywords, vec!["ring\u{7}".to_string(), "a\\b".into()]);
        assert!(config.accounts.contains_key("old"));
        let again = append_table(&paths, name, &[("channel", "demo".into())]);
        assert!(again.is_err(), "an existing name is not overwritten");
    }
}
