//! A configured YouTube account as a channel: its access tokens from `token_cmd`, else from
//! the refresh token `account add youtube` stored (with the OAuth client's id and secret:
//! `client_id`, `client_secret_cmd` or the secrets file, read again when a token is
//! renewed), and its quota meter in `usage/` beside the secrets file.

use std::path::Path;
use std::sync::Arc;

use super::client::{Auth, Client, DEFAULT_API_URL, SecretFn};
use super::oauth::DEFAULT_OAUTH_URL;
use super::{YoutubeChannel, quota};
use crate::channels::usage::{Meter, Period, usage_dir};
use crate::config::AccountConfig;
use crate::secrets::{Secrets, run_secret_command_within};

/// The account's quota meter (also for `account list` without a client).
pub fn meter(name: &str, cfg: &AccountConfig, secrets_file: &Path) -> Meter {
    let limit = cfg
        .youtube
        .as_ref()
        .and_then(|y| y.daily_quota)
        .unwrap_or(quota::DEFAULT_DAILY_QUOTA);
    Meter::new(&usage_dir(secrets_file), name, Period::Day, limit, "units")
}

/// A secret from `cmd` when set, else from the secrets file under `key`.
fn source(name: &str, cfg: &AccountConfig, path: &Path, cmd: Option<&str>, key: &str) -> SecretFn {
    let (name, cmd, path, key, limit) = (
        name.to_string(),
        cmd.map(String::from),
        path.to_path_buf(),
        key.to_string(),
        cfg.timeout(),
    );
    Arc::new(move || {
        if let Some(cmd) = &cmd {
            let what = format!("the {key} command of account {name:?}");
            return run_secret_command_within(&what, cmd, limit).map_err(|e| e.to_string());
        }
        let secrets = Secrets::load(&path).map_err(|e| e.to_string())?;
        secrets.get(&name, &key).map(String::from).ok_or_else(|| {
            format!(
                "account {name:?} has no {key}: run `tinbox account add youtube --channel-id UC… --name {name}` or set token_cmd"
            )
        })
    })
}

pub fn open(name: &str, cfg: &AccountConfig, secrets: &Secrets) -> Result<YoutubeChannel, String> {
    let y = cfg
        .youtube
        .as_ref()
        .filter(|y| !y.channel_id.is_empty())
        .ok_or_else(|| format!("account {name:?} has no channel_id"))?;
    let path = secrets.path();
    let auth = match &cfg.token_cmd {
        Some(cmd) => Auth::Command(source(name, cfg, path, Some(cmd), "token")),
        None => {
            let client_id = y
                .client_id
                .clone()
                .or_else(|| secrets.get(name, "client_id").map(String::from))
                .ok_or_else(|| {
                    format!("account {name:?} has no client_id: set it in the config or run `tinbox account add youtube` again")
                })?;
            Auth::Refresh {
                oauth_url: y
                    .oauth_url
                    .clone()
                    .unwrap_or_else(|| DEFAULT_OAUTH_URL.into()),
                client_id,
                client_secret: source(
                    name,
                    cfg,
                    path,
                    y.client_secret_cmd.as_deref(),
                    "client_secret",
                ),
                refresh_token: source(name, cfg, path, None, "refresh_token"),
            }
        }
    };
    let api = cfg.api_url.as_deref().unwrap_or(DEFAULT_API_URL);
    let client = Client::new(api, auth, meter(name, cfg, path), cfg.timeout())
        .map_err(|e| format!("account {name:?}: {e}"))?;
    Ok(YoutubeChannel::new(client, &y.channel_id))
}
