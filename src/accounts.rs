//! Turning configured accounts into channel clients (with their secrets).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::channels::Channel;
use crate::channels::bluesky::session::{Session, SessionStore};
use crate::channels::bluesky::xrpc::PasswordSource;
use crate::channels::bluesky::{BlueskyChannel, BlueskyOptions, DEFAULT_SERVICE};
use crate::channels::demo::{Clock, DemoChannel};
use crate::channels::email::imap::Credential;
use crate::channels::email::tls::Endpoint;
use crate::channels::email::{EmailChannel, EmailOptions, SecretSource};
use crate::channels::feed::FeedChannel;
use crate::channels::mastodon::{MastodonChannel, MastodonOptions};
use crate::channels::meta::MetaChannel;
use crate::channels::meta::client::DEFAULT_API_URL;
use crate::channels::usage::{Meter, Period};
use crate::config::AccountConfig;
use crate::model::ChannelKind;
use crate::secrets::{Secrets, run_secret_command_within};

/// A channel client for one configured account, or a message saying why there is none.
pub fn open_channel(
    name: &str,
    cfg: &AccountConfig,
    secrets: &Secrets,
    clock: Clock,
) -> Result<Arc<dyn Channel>, String> {
    match cfg.channel {
        ChannelKind::Demo => Ok(Arc::new(DemoChannel::new(seed_for(name), clock))),
        ChannelKind::Mastodon => {
            let instance = cfg
                .instance
                .as_deref()
                .ok_or_else(|| format!("account {name:?} has no instance"))?;
            let token = token(name, cfg, secrets)?;
            let ch = MastodonChannel::new(
                instance,
                token,
                MastodonOptions {
                    notification_types: cfg.notifications.clone(),
                    timeout: cfg.timeout(),
                    first_sync_window: Some(cfg.first_sync_window()),
                    ..MastodonOptions::default()
                },
            )
            .map_err(|e| format!("account {name:?}: {e}"))?;
            Ok(Arc::new(ch))
        }
        ChannelKind::Feed => {
            let url = cfg
                .url
                .as_deref()
                .ok_or_else(|| format!("account {name:?} has no url"))?;
            let ch = FeedChannel::new(url, cfg.keywords.clone(), clock)
                .and_then(|f| f.with_timeout(cfg.timeout()))
                .map_err(|e| format!("account {name:?}: {e}"))?;
            Ok(Arc::new(ch))
        }
        ChannelKind::Bluesky => {
            let handle = cfg
                .handle
                .as_deref()
                .ok_or_else(|| format!("account {name:?} has no handle"))?;
            let service = cfg.service.as_deref().unwrap_or(DEFAULT_SERVICE);
            let mut opts = BlueskyOptions {
                reasons: cfg.notifications.clone(),
                timeout: Some(cfg.timeout()),
                first_sync_window: Some(cfg.first_sync_window()),
                ..BlueskyOptions::default()
            };
            if let Some(l) = &cfg.langs {
                opts.langs = l.clone();
            }
            let sessions = Arc::new(SecretsSessions::new(secrets.path(), name));
            let password = password_source(name, cfg, secrets.path());
            let ch = BlueskyChannel::new(service, handle, Some(password), sessions, opts)
                .map_err(|e| format!("account {name:?}: {e}"))?;
            Ok(Arc::new(ch))
        }
        ChannelKind::Facebook | ChannelKind::Instagram => {
            let owner = match cfg.channel {
                ChannelKind::Facebook => cfg.page_id.as_deref(),
                _ => cfg.ig_user_id.as_deref(),
            }
            .ok_or_else(|| format!("account {name:?} has no page_id / ig_user_id"))?;
            let api = cfg.api_url.as_deref().unwrap_or(DEFAULT_API_URL);
            let token = token(name, cfg, secrets)?;
            let ch = MetaChannel::new(cfg.channel, api, owner, token, cfg.timeout())
                .map_err(|e| format!("account {name:?}: {e}"))?
                .with_inbox_page(cfg.page_id.as_deref());
            Ok(Arc::new(ch))
        }
        ChannelKind::Email => {
            let ch = email_channel(name, cfg, secrets.path())?;
            Ok(Arc::new(ch))
        }
        ChannelKind::X => Ok(Arc::new(x_channel(name, cfg, secrets)?)),
        ChannelKind::Youtube => Ok(Arc::new(crate::channels::youtube::account::open(
            name, cfg, secrets,
        )?)),
    }
}

/// Networks that bill reads or units.
pub const METERED: &[ChannelKind] = &[ChannelKind::X, ChannelKind::Youtube];

/// What a metered account has spent, for `account list`, read from its meter's file: no
/// client is opened (no `token_cmd` run, nothing asked of the network). `None` for the rest.
pub fn usage_line(name: &str, cfg: &AccountConfig, secrets: &Secrets) -> Option<String> {
    let now = jiff::Timestamp::now();
    match cfg.channel {
        ChannelKind::X => {
            let budget = cfg.x.as_ref().map_or(0, |x| x.monthly_read_budget);
            Some(Meter::new(&usage_dir(secrets), name, Period::Month, budget, "reads").line(now))
        }
        ChannelKind::Youtube => {
            Some(crate::channels::youtube::account::meter(name, cfg, secrets.path()).line(now))
        }
        _ => None,
    }
}

/// Where metered accounts count what they spent (and X keeps its reply journal): beside
/// the secrets file, private like it.
pub fn usage_dir(secrets: &Secrets) -> PathBuf {
    crate::channels::usage::usage_dir(secrets.path())
}

/// An X account's client: a Bearer token (`token_cmd`, or `token` in the secrets file), else
/// OAuth 1.0a with the access token and secret of `account add x` and the app's consumer
/// key (config) and secret (`consumer_secret_cmd`, else the secrets file).
pub fn x_channel(
    name: &str,
    cfg: &AccountConfig,
    secrets: &Secrets,
) -> Result<crate::channels::x::XChannel, String> {
    use crate::channels::x::client::{Auth, Client, DEFAULT_API_URL};
    use crate::channels::x::oauth1::Keys;
    let settings = cfg.x.clone().unwrap_or_default();
    let get = |k: &str| secrets.get(name, k).map(String::from);
    let auth = if cfg.token_cmd.is_some() || get("token").is_some() {
        Auth::Bearer(token(name, cfg, secrets)?)
    } else {
        let missing = || {
            format!(
                "account {name:?} has no X credentials: run `tinbox account add x --name {name}` (or --token-stdin), or set token_cmd"
            )
        };
        let (token, token_secret) = get("access_token")
            .zip(get("access_token_secret"))
            .ok_or_else(missing)?;
        let consumer_key = settings
            .consumer_key
            .clone()
            .or_else(|| get("consumer_key"))
            .ok_or_else(missing)?;
        let consumer_secret = match &settings.consumer_secret_cmd {
            Some(cmd) => run_secret_command_within(
                &format!("consumer_secret_cmd of account {name:?}"),
                cmd,
                cfg.timeout(),
            )
            .map_err(|e| e.to_string())?,
            None => get("consumer_secret").ok_or_else(missing)?,
        };
        Auth::OAuth1(Keys {
            consumer_key,
            consumer_secret,
            token,
            token_secret,
        })
    };
    let api = cfg.api_url.as_deref().unwrap_or(DEFAULT_API_URL);
    let client =
        Client::new(api, auth, cfg.timeout()).map_err(|e| format!("account {name:?}: {e}"))?;
    let dir = usage_dir(secrets);
    let meter = Meter::new(
        &dir,
        name,
        Period::Month,
        settings.monthly_read_budget,
        "reads",
    );
    let journal = dir.join(format!(
        "{}.x-sending.json",
        name.replace(|c: char| !c.is_alphanumeric() && c != '-' && c != '_', "_")
    ));
    Ok(
        crate::channels::x::XChannel::new(client, Some(meter), Some(journal))
            .with_first_sync_window(cfg.first_sync_window()),
    )
}

/// An email account's client: its servers from the config, its secret read when a
/// connection needs it (`token_cmd`: XOAUTH2; `password_cmd`; else the secrets file).
pub fn email_channel(name: &str, cfg: &AccountConfig, path: &Path) -> Result<EmailChannel, String> {
    let e = cfg
        .email
        .as_ref()
        .ok_or_else(|| format!("account {name:?} has no address, imap and smtp"))?;
    let endpoint = |u: &str| Endpoint::parse(u).map_err(|err| format!("account {name:?}: {err}"));
    let opts = EmailOptions {
        address: e.address.clone(),
        login: e.login.clone(),
        imap: endpoint(&e.imap)?,
        smtp: endpoint(&e.smtp)?,
        ca_file: e.ca_file.clone(),
        folders: e.folders.clone(),
        sent_folder: e.sent_folder.clone(),
        mark_seen: e.mark_seen,
        quote: e.quote,
        timeout: cfg.timeout(),
        first_sync_window: Some(cfg.first_sync_window()),
        size_cap: e.max_message_bytes,
    };
    let (name, token_cmd, password_cmd, path, limit) = (
        name.to_string(),
        cfg.token_cmd.clone(),
        cfg.password_cmd.clone(),
        path.to_path_buf(),
        cfg.timeout(),
    );
    let secret: SecretSource = Arc::new(move || {
        let run = |what: &str, cmd: &str| {
            run_secret_command_within(&format!("{what} of account {name:?}"), cmd, limit)
                .map_err(|e| e.to_string())
        };
        if let Some(cmd) = &token_cmd {
            return run("token_cmd", cmd).map(Credential::OAuth2);
        }
        if let Some(cmd) = &password_cmd {
            return run("password_cmd", cmd).map(Credential::Password);
        }
        let secrets = Secrets::load(&path).map_err(|e| e.to_string())?;
        secrets.get(&name, "password").map(|p| Credential::Password(p.to_string())).ok_or_else(|| {
            format!("account {name:?} has no password: run `tinbox account add email --address ADDRESS --imap URL --smtp URL --name {name}` or set password_cmd")
        })
    });
    Ok(EmailChannel::new(opts, secret))
}

/// Reads a Bluesky app password when a new session is needed: `password_cmd`, else the
/// secrets file (read again each time, so a password added later is found).
fn password_source(name: &str, cfg: &AccountConfig, path: &Path) -> PasswordSource {
    let (name, cmd, path, limit) = (
        name.to_string(),
        cfg.password_cmd.clone(),
        path.to_path_buf(),
        cfg.timeout(),
    );
    Arc::new(move || {
        if let Some(cmd) = &cmd {
            return run_secret_command_within(
                &format!("password_cmd of account {name:?}"),
                cmd,
                limit,
            )
            .map_err(|e| e.to_string());
        }
        let secrets = Secrets::load(&path).map_err(|e| e.to_string())?;
        secrets.get(&name, "app_password").map(String::from).ok_or_else(|| {
            format!("account {name:?} has no app password: run `tinbox account add bluesky --handle HANDLE --name {name}` or set password_cmd")
        })
    })
}

/// The account's token: from `token_cmd`, else from the secrets file.
pub fn token(name: &str, cfg: &AccountConfig, secrets: &Secrets) -> Result<String, String> {
    if let Some(cmd) = &cfg.token_cmd {
        // The account's `timeout` (default 30 s) bounds the command too.
        return run_secret_command_within(
            &format!("token_cmd of account {name:?}"),
            cmd,
            cfg.timeout(),
        )
        .map_err(|e| e.to_string());
    }
    secrets.get(name, "token").map(String::from).ok_or_else(|| {
        let add = match cfg.channel {
            ChannelKind::Facebook => "facebook --page-id ID --token-stdin",
            ChannelKind::Instagram => "instagram --ig-user-id ID --token-stdin",
            _ => "mastodon --instance URL",
        };
        format!("account {name:?} has no token: run `tinbox account add {add} --name {name}` or set token_cmd")
    })
}

/// A stable seed per account name, so two demo accounts simulate different people.
fn seed_for(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// A Bluesky account's session in the secrets file (`access_jwt`, `refresh_jwt`, `did`,
/// `handle`, `pds`). The file is read again each time: another tinbox process may have
/// refreshed the session since.
pub struct SecretsSessions {
    path: PathBuf,
    account: String,
}

impl SecretsSessions {
    pub fn new(path: &Path, account: &str) -> SecretsSessions {
        SecretsSessions {
            path: path.to_path_buf(),
            account: account.to_string(),
        }
    }
}

impl SessionStore for SecretsSessions {
    fn load(&self) -> Option<Session> {
        let secrets = Secrets::load(&self.path).ok()?;
        let get = |k: &str| secrets.get(&self.account, k).map(String::from);
        Some(Session {
            access_jwt: get("access_jwt")?,
            refresh_jwt: get("refresh_jwt")?,
            did: get("did")?,
            handle: get("handle").unwrap_or_default(),
            pds: get("pds"),
        })
    }

    fn save(&self, s: &Session) -> Result<(), String> {
        let mut secrets = Secrets::load(&self.path).map_err(|e| e.to_string())?;
        let a = &self.account;
        secrets.set(a, "access_jwt", &s.access_jwt);
        secrets.set(a, "refresh_jwt", &s.refresh_jwt);
        secrets.set(a, "did", &s.did);
        secrets.set(a, "handle", &s.handle);
        match &s.pds {
            Some(p) => secrets.set(a, "pds", p),
            None => secrets.unset(a, "pds"),
        }
        secrets.save().map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::channels::email::imap::Credential;

    fn email(secret_line: &str) -> Result<Credential, String> {
        let text = format!(
            "[accounts.support]\nchannel = \"email\"\naddress = \"support@brand.example\"\nimap = \"imaps://imap.example.com\"\nsmtp = \"smtps://smtp.example.com\"\n{secret_line}\n"
        );
        let cfg = crate::config::parse(&text, Path::new("c.toml")).expect("config");
        let dir = tempfile::tempdir().expect("dir");
        let ch = super::email_channel("support", &cfg.accounts["support"], dir.path())?;
        ch.credential().map_err(|e| e.to_string())
    }

    /// `token_cmd` makes an OAuth2 login with the command's first line, read at each
    /// connection; `password_cmd` a password login.
    #[test]
    fn an_email_accounts_secret_comes_from_its_command() {
        match email("token_cmd = \"printf 'ya29.token\\\\nignored\\\\n'\"") {
            Ok(Credential::OAuth2(t)) => assert_eq!(t, "ya29.token"),
            other => panic!("{other:?}"),
        }
        match email("password_cmd = \"echo app-pw\"") {
            Ok(Credential::Password(p)) => assert_eq!(p, "app-pw"),
            other => panic!("{other:?}"),
        }
        let e = email("token_cmd = \"exit 4\"").expect_err("a failing helper");
        assert!(e.contains("token_cmd of account \"support\""), "{e}");
    }
}
