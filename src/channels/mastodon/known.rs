//! What a sync need not ask again: the account's identity (`verify_credentials`) and the
//! server's limits (`/api/v2/instance`, `/api/v1/instance` on older servers), kept in the
//! account's stored cursor with the time they were asked.
//!
//! They are asked again after [`REFRESH`], and at once when the instance or the token
//! changes: the record carries a fingerprint of both (a hash, never the token itself), and
//! a record with another fingerprint is not used. An unchanged account thus costs a
//! `sync --once` two requests (notifications and conversations) instead of four.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use std::sync::atomic::Ordering;

use super::MastodonChannel;
use super::api::{self, Account};
use super::http::Api;
use crate::channels::ChannelError;

/// How long an identity and limits are trusted before they are asked again.
pub const REFRESH: SignedDuration = SignedDuration::from_hours(24);

/// Where polling continues next time, and what is known of the account.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Cursor {
    /// Newest notification id seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub k: Option<Known>,
}

impl Cursor {
    /// A stored cursor; one that cannot be read (an older format, damage) is a fresh start.
    pub fn parse(stored: Option<&str>) -> Cursor {
        stored
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default()
    }
}

/// The answers of one token on one instance, and when they were given.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(super) struct Known {
    /// [`fingerprint`] of the instance and the token that asked.
    pub f: String,
    /// When the identity was asked (Unix seconds).
    pub at: i64,
    pub me: Account,
    /// `None` until a server answered (a failed ask is tried again on the next sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
}

impl Known {
    /// Good for `fingerprint` at `now`: same instance and token, asked less than
    /// [`REFRESH`] ago (a time in the future, a clock set back, is not trusted).
    pub fn fresh(&self, fingerprint: &str, now: Timestamp) -> bool {
        let age = now.as_second().saturating_sub(self.at);
        self.f == fingerprint && (0..REFRESH.as_secs()).contains(&age)
    }
}

/// A server's status length rules.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Limits {
    pub max_chars: usize,
    pub per_url: usize,
}

/// A short hash naming an instance and a token together. It tells one token from another
/// without keeping anything a token could be recovered from (the store may be shared).
pub fn fingerprint(instance: &str, token: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"tinbox mastodon identity\0");
    ctx.update(instance.as_bytes());
    ctx.update(b"\0");
    ctx.update(token.as_bytes());
    let digest = ctx.finish();
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl MastodonChannel {
    /// Learn the server's length limit (once per run; an error leaves the default).
    pub(super) async fn learn_limits(&self) {
        if self.limits_known.swap(true, Ordering::Relaxed) {
            return;
        }
        if let Some(l) = ask_limits(&self.api).await {
            self.use_limits(l);
        }
    }

    fn use_limits(&self, l: Limits) {
        self.max_chars.store(l.max_chars, Ordering::Relaxed);
        self.per_url.store(l.per_url, Ordering::Relaxed);
        self.limits_known.store(true, Ordering::Relaxed);
    }

    /// Who the token belongs to and the server's limits: from the cursor while they are
    /// fresh for this instance and token, else asked (and then remembered in the cursor).
    pub(super) async fn identify(
        &self,
        stored: Option<Known>,
        now: Timestamp,
    ) -> Result<Known, ChannelError> {
        let mut k = match stored.filter(|k| k.fresh(&self.key, now)) {
            Some(k) => k,
            None => Known {
                f: self.key.clone(),
                at: now.as_second(),
                me: ask_me(&self.api).await?,
                limits: None,
            },
        };
        *self.me.lock().unwrap_or_else(|e| e.into_inner()) = Some(k.me.clone());
        if k.limits.is_none() {
            k.limits = ask_limits(&self.api).await;
        }
        if let Some(l) = k.limits {
            self.use_limits(l);
        }
        Ok(k)
    }
}

/// The authenticated account, asked of the server.
pub(super) async fn ask_me(api: &Api) -> Result<Account, ChannelError> {
    let page = api
        .get(api.url("/api/v1/accounts/verify_credentials"))
        .await?;
    serde_json::from_slice(&page.body)
        .map_err(|e| ChannelError::Malformed(format!("verify_credentials: {e}")))
}

/// The server's limits: `/api/v2/instance`, or `/api/v1/instance` where v2 is missing (a
/// 4xx answer). `None` when neither answered; a server that answers without the figures
/// has the defaults.
pub(super) async fn ask_limits(api: &Api) -> Option<Limits> {
    let page = match api.get(api.url("/api/v2/instance")).await {
        Ok(page) => page,
        Err(ChannelError::Rejected(_)) => api.get(api.url("/api/v1/instance")).await.ok()?,
        Err(_) => return None,
    };
    let v = serde_json::from_slice::<serde_json::Value>(&page.body).ok()?;
    Some(Limits {
        max_chars: api::max_characters(&v).unwrap_or(super::DEFAULT_MAX_CHARS),
        per_url: api::characters_per_url(&v).unwrap_or(super::length::DEFAULT_PER_URL),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at;

    fn known(f: &str, at: i64) -> Known {
        Known {
            f: f.into(),
            at,
            me: Account {
                id: "1".into(),
                ..Account::default()
            },
            limits: None,
        }
    }

    #[test]
    fn fresh_for_the_same_instance_and_token_for_a_day() {
        let f = fingerprint("https://m.example", "token-a");
        assert_eq!(f.len(), 16);
        assert!(!f.contains("token"));
        assert_ne!(f, fingerprint("https://m.example", "token-b"));
        assert_ne!(f, fingerprint("https://n.example", "token-a"));
        let now = at(100_000);
        let k = known(&f, now.as_second() - 3600);
        assert!(k.fresh(&f, now));
        assert!(!k.fresh(&fingerprint("https://m.example", "token-b"), now));
        assert!(!known(&f, now.as_second() - REFRESH.as_secs()).fresh(&f, now));
        assert!(
            !known(&f, now.as_second() + 60).fresh(&f, now),
            "from the future"
        );
    }

    #[test]
    fn a_cursor_from_before_the_cache_still_reads() {
        let c = Cursor::parse(Some(r#"{"n":"42"}"#));
        assert_eq!((c.n.as_deref(), c.k), (Some("42"), None));
        assert_eq!(Cursor::parse(Some("garbage")), Cursor::default());
        let mut with = Cursor {
            n: Some("7".into()),
            k: Some(known("abc", 5)),
        };
        with.k.as_mut().expect("k").limits = Some(Limits {
            max_chars: 1000,
            per_url: 23,
        });
        let text = serde_json::to_string(&with).expect("json");
        assert_eq!(Cursor::parse(Some(&text)), with);
    }
}
