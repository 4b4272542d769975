//! One YouTube Data API client per account: the base URL (https, or loopback http for
//! tests), the access token in the `Authorization` header (never in a URL), renewed once on
//! a 401 (from the refresh token or `token_cmd`), every call counted in the account's
//! [`Meter`] (a list 1 unit, an insert 50), and errors mapped on the HTTP status and
//! `errors[0].reason`. A `quotaExceeded` blocks the account until Google's next day (midnight Pacific).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::Timestamp;
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::api::{ApiError, decode, error_in};
use super::{oauth, quota};
use crate::channels::ChannelError;
use crate::channels::net::{
    MAX_ANSWER_BYTES, a_minute_from_now, api_client_with, network_message, read_capped,
};
use crate::channels::usage::Meter;

/// The Data API's base.
pub const DEFAULT_API_URL: &str = "https://www.googleapis.com/youtube/v3";

/// A secret read when needed (a command's output or the secrets file).
pub type SecretFn = Arc<dyn Fn() -> Result<String, String> + Send + Sync>;

/// Where access tokens come from.
#[derive(Clone)]
pub enum Auth {
    /// `token_cmd`: prints an access token; run again after a 401.
    Command(SecretFn),
    /// The device flow's refresh token, renewed at the OAuth client's token endpoint.
    Refresh {
        oauth_url: String,
        client_id: String,
        client_secret: SecretFn,
        refresh_token: SecretFn,
    },
}

struct Access {
    token: String,
    expires: Option<Timestamp>,
}

pub struct Client {
    base: Url,
    http: reqwest::Client,
    auth: Auth,
    access: Mutex<Option<Access>>,
    /// The day's units, shared with `account list` and other tinbox processes by its file.
    pub meter: Meter,
    /// Set by a `quotaExceeded`: no call before then.
    blocked: Mutex<Option<Timestamp>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

async fn secret(f: &SecretFn) -> Result<String, ChannelError> {
    let f = f.clone();
    tokio::task::spawn_blocking(move || f())
        .await
        .map_err(|e| ChannelError::Auth(e.to_string()))?
        .map_err(ChannelError::Auth)
}

impl Client {
    pub fn new(
        api_url: &str,
        auth: Auth,
        meter: Meter,
        timeout: Duration,
    ) -> Result<Client, ChannelError> {
        crate::config::check_url(api_url).map_err(ChannelError::Rejected)?;
        let base = Url::parse(api_url.trim_end_matches('/'))
            .map_err(|e| ChannelError::Rejected(e.to_string()))?;
        Ok(Client {
            base,
            http: api_client_with(timeout)?,
            auth,
            access: Mutex::new(None),
            meter,
            blocked: Mutex::new(None),
        })
    }

    /// When a `quotaExceeded` lets the account call again (`None`: not blocked).
    pub fn blocked_until(&self, now: Timestamp) -> Option<Timestamp> {
        let b = *self.blocked.lock().unwrap_or_else(|e| e.into_inner());
        b.filter(|u| *u > now)
    }

    fn block(&self, until: Timestamp) {
        *self.blocked.lock().unwrap_or_else(|e| e.into_inner()) = Some(until);
    }

    /// The access token: the cached one unless `renew` or expired.
    async fn token(&self, renew: bool) -> Result<String, ChannelError> {
        let now = Timestamp::now();
        if !renew {
            let a = self.access.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(a) = a.as_ref().filter(|a| a.expires.is_none_or(|e| e > now)) {
                return Ok(a.token.clone());
            }
        }
        let fresh = match &self.auth {
            Auth::Command(f) => Access {
                token: secret(f).await?,
                expires: None,
            },
            Auth::Refresh {
                oauth_url,
                client_id,
                client_secret,
                refresh_token,
            } => {
                let (s, r) = (secret(client_secret).await?, secret(refresh_token).await?);
                let t = oauth::refresh(&self.http, oauth_url, client_id, &s, &r).await?;
                Access {
                    expires: t.expires_at(now),
                    token: t.access_token,
                }
            }
        };
        let token = fresh.token.clone();
        *self.access.lock().unwrap_or_else(|e| e.into_inner()) = Some(fresh);
        Ok(token)
    }

    fn url(&self, resource: &str) -> Url {
        let mut u = self.base.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty().push(resource);
        }
        u
    }

    /// A `list` call (1 unit), decoded.
    pub async fn list<T: DeserializeOwned>(
        &self,
        resource: &str,
        params: &[(&str, &str)],
    ) -> Result<T, ChannelError> {
        let body = self
            .call(Method::GET, resource, params, None, quota::LIST_COST)
            .await?;
        decode(&body, resource).map_err(ChannelError::Malformed)
    }

    /// An `insert` (50 units) of `body`, the created resource decoded.
    pub async fn insert<T: DeserializeOwned>(
        &self,
        resource: &str,
        params: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Result<T, ChannelError> {
        let answer = self
            .call(
                Method::POST,
                resource,
                params,
                Some(body),
                quota::INSERT_COST,
            )
            .await?;
        decode(&answer, resource).map_err(ChannelError::Malformed)
    }

    async fn call(
        &self,
        method: Method,
        resource: &str,
        params: &[(&str, &str)],
        body: Option<&serde_json::Value>,
        cost: u64,
    ) -> Result<Vec<u8>, ChannelError> {
        let now = Timestamp::now();
        if let Some(until) = self.blocked_until(now) {
            return Err(ChannelError::RateLimited { until });
        }
        if self.meter.left(now).is_some_and(|left| left < cost) {
            // The day's quota is spent: Google would refuse it anyway.
            let until = quota::next_day(now);
            self.block(until);
            return Err(ChannelError::RateLimited { until });
        }
        for attempt in 0..2 {
            let token = self.token(attempt > 0).await?;
            let mut req = self
                .http
                .request(method.clone(), self.url(resource))
                .query(params)
                .bearer_auth(&token);
            if let Some(b) = body {
                req = req.json(b);
            }
            let (resp, _permit) = crate::channels::net::send(req)
                .await
                .map_err(|e| ChannelError::Network(network_message(&e)))?;
            let status = resp.status().as_u16();
            let answer = read_capped(resp, MAX_ANSWER_BYTES, "YouTube's answer").await?;
            let err = (!(200..300).contains(&status)).then(|| error_in(&answer));
            let exceeded = err
                .as_ref()
                .is_some_and(|e| quota_exceeded(status, e.as_ref()));
            // A refused token or a spent quota is not charged.
            self.count(if exceeded || status == 401 { 0 } else { cost }, now);
            match err {
                None => return Ok(answer),
                Some(_) if status == 401 && attempt == 0 => continue,
                Some(e) => {
                    let e = to_error(status, e.as_ref(), now);
                    if exceeded && let ChannelError::RateLimited { until } = &e {
                        // Spent as far as Google is concerned: `account list` and the
                        // other processes see it too.
                        let left = self.meter.left(now).unwrap_or(0);
                        self.count(left, now);
                        self.block(*until);
                        tracing::warn!("YouTube quota exceeded; calls resume at {until}");
                    }
                    return Err(e);
                }
            }
        }
        Err(ChannelError::Auth(
            "YouTube refused the renewed access token".into(),
        ))
    }

    fn count(&self, n: u64, now: Timestamp) {
        if n == 0 {
            return;
        }
        if let Err(e) = self.meter.spend(n, now) {
            tracing::warn!("cannot record YouTube quota use: {e}");
        }
    }
}

fn quota_exceeded(status: u16, e: Option<&ApiError>) -> bool {
    status == 403
        && matches!(
            e.and_then(ApiError::reason),
            Some("quotaExceeded" | "dailyLimitExceeded")
        )
}

/// The error for a failed call, on the status and `errors[0].reason`.
pub fn to_error(status: u16, e: Option<&ApiError>, now: Timestamp) -> ChannelError {
    let reason = e.and_then(ApiError::reason).unwrap_or("");
    let short = e
        .and_then(|e| e.message.as_deref())
        .map(crate::sanitize::one_line)
        .map(|m| m.chars().take(160).collect::<String>())
        .unwrap_or_default();
    match (status, reason) {
        _ if quota_exceeded(status, e) => ChannelError::RateLimited {
            until: quota::google_reset(now),
        },
        (403 | 429, "rateLimitExceeded" | "userRateLimitExceeded") | (429, _) => {
            ChannelError::RateLimited {
                until: a_minute_from_now(),
            }
        }
        (401, _) => ChannelError::Auth(
            "YouTube refused the access token: run `tinbox account add youtube --channel-id UC…` \
             again, or check token_cmd"
                .into(),
        ),
        (403, "insufficientPermissions" | "forbidden") => ChannelError::Auth(format!(
            "the token lacks the youtube.force-ssl scope or this channel's rights ({reason})"
        )),
        (403, "commentsDisabled") => {
            ChannelError::Rejected("comments are turned off on this video".into())
        }
        (404, _) => ChannelError::Rejected(format!(
            "the comment or video is gone ({}): {short}",
            crate::sanitize::one_line(reason)
        )),
        (s, _) if s >= 500 => ChannelError::Server {
            status,
            message: short,
        },
        _ => ChannelError::Rejected(format!(
            "YouTube refused the call (HTTP {status}, {}): {short}",
            crate::sanitize::one_line(reason)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::youtube::api::error_in;

    #[test]
    fn quota_waits_for_the_next_day_and_reasons_decide_the_rest() {
        let now: Timestamp = "2026-12-02T13:00:00Z".parse().expect("t");
        let e = |s: u16, body: &str| to_error(s, error_in(body.as_bytes()).as_ref(), now);
        let quota = e(
            403,
            r#"{"error":{"code":403,"errors":[{"domain":"youtube.quota","reason":"quotaExceeded"}]}}"#,
        );
        assert_eq!(
            quota,
            ChannelError::RateLimited {
                until: "2026-12-03T08:00:00Z".parse().expect("t")
            }
        );
        let off = e(
            403,
            r#"{"error":{"errors":[{"reason":"commentsDisabled"}]}}"#,
        );
        assert!(matches!(off, ChannelError::Rejected(m) if m.contains("turned off")));
        assert!(matches!(e(401, "{}"), ChannelError::Auth(_)));
        assert!(e(503, "{}").is_transient());
        let bad = e(
            400,
            r#"{"error":{"errors":[{"domain":"usageLimits","reason":"keyInvalid","message":"Bad Request"}],"code":400,"message":"Bad Request"}}"#,
        );
        assert!(matches!(bad, ChannelError::Rejected(m) if m.contains("keyInvalid")));
    }
}
