//! Turning configured accounts into channel clients (with their secrets).

use std::sync::Arc;

use crate::channels::Channel;
use crate::channels::demo::{Clock, DemoChannel};
use crate::channels::feed::FeedChannel;
use crate::channels::mastodon::{MastodonChannel, MastodonOptions};
use crate::config::AccountConfig;
use crate::model::ChannelKind;
use crate::secrets::{Secrets, run_secret_command};

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
                .map_err(|e| format!("account {name:?}: {e}"))?;
            Ok(Arc::new(ch))
        }
        other => Err(format!(
            "account {name:?}: the {other} channel is not available in this build of tinbox yet"
        )),
    }
}

/// The account's token: from `token_cmd`, else from the secrets file.
pub fn token(name: &str, cfg: &AccountConfig, secrets: &Secrets) -> Result<String, String> {
    if let Some(cmd) = &cfg.token_cmd {
        return run_secret_command(&format!("token_cmd of account {name:?}"), cmd)
            .map_err(|e| e.to_string());
    }
    secrets.get(name, "token").map(String::from).ok_or_else(|| {
        format!("account {name:?} has no token: run `tinbox account add mastodon --instance URL --name {name}` or set token_cmd")
    })
}

/// A stable seed per account name, so two demo accounts simulate different people.
fn seed_for(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
