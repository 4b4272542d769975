//! One X API client per account: the base URL (https, or loopback http for tests), the
//! credentials (OAuth 1.0a user context signed per request, or an OAuth 2.0 user token as
//! Bearer), never in a URL or a log; per-endpoint rate-limit buckets from the
//! `x-rate-limit-*` headers (a bucket at zero refuses until its reset without a call; a 429
//! waits for the reset); and X's problem bodies turned into [`ChannelError`]s.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::Url;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::api::{Envelope, decode, problem_in};
use super::oauth1::{self, Keys, Stamp};
use crate::channels::ChannelError;
use crate::channels::net::{MAX_ANSWER_BYTES, api_client_with, network_message, read_capped};

/// X's API host.
pub const DEFAULT_API_URL: &str = "https://api.x.com";

/// How a request is authorized.
#[derive(Clone)]
pub enum Auth {
    OAuth1(Keys),
    /// An OAuth 2.0 user access token.
    Bearer(String),
}

/// One endpoint's window, as X last reported it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub limit: u64,
    pub remaining: u64,
    pub reset: Timestamp,
}

pub struct Client {
    base: Url,
    auth: Auth,
    client: reqwest::Client,
    buckets: Mutex<HashMap<&'static str, Bucket>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// A request: method, path segments below the base, query, JSON body; `bucket` names the
/// endpoint's rate-limit window (`"GET /2/users/:id/mentions"`).
pub struct Call<'a> {
    pub method: reqwest::Method,
    pub path: &'a [&'a str],
    pub query: &'a [(&'a str, &'a str)],
    pub body: Option<serde_json::Value>,
    pub bucket: &'static str,
}

impl Client {
    pub fn new(api_url: &str, auth: Auth, timeout: Duration) -> Result<Client, ChannelError> {
        crate::config::check_url(api_url).map_err(ChannelError::Rejected)?;
        let base = Url::parse(api_url.trim_end_matches('/'))
            .map_err(|e| ChannelError::Rejected(e.to_string()))?;
        Ok(Client {
            base,
            auth,
            client: api_client_with(timeout)?,
            buckets: Mutex::new(HashMap::new()),
        })
    }

    /// The bucket of `endpoint`, as last reported.
    pub fn bucket(&self, endpoint: &str) -> Option<Bucket> {
        self.lock().get(endpoint).copied()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<&'static str, Bucket>> {
        self.buckets.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// `base/seg/seg` (segments escaped).
    pub fn url(&self, path: &[&str]) -> Url {
        let mut u = self.base.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty();
            segs.extend(path.iter().filter(|s| !s.is_empty()));
        }
        u
    }

    /// Send and decode a v2 answer.
    pub async fn call<T: DeserializeOwned>(
        &self,
        c: Call<'_>,
    ) -> Result<Envelope<T>, ChannelError> {
        let body = self.send(c).await?;
        decode(&body, "X's answer").map_err(ChannelError::Malformed)
    }

    /// Send; the body of a successful answer.
    pub async fn send(&self, c: Call<'_>) -> Result<Vec<u8>, ChannelError> {
        let now = Timestamp::now();
        if let Some(b) = self.bucket(c.bucket)
            && b.remaining == 0
            && b.reset > now
        {
            return Err(ChannelError::RateLimited { until: b.reset });
        }
        let url = self.url(c.path);
        let mut req = self
            .client
            .request(c.method.clone(), url.clone())
            .query(c.query);
        req = match &self.auth {
            Auth::Bearer(t) => req.bearer_auth(t),
            Auth::OAuth1(keys) => {
                let params: Vec<(String, String)> = c
                    .query
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                let h = oauth1::header(
                    keys,
                    c.method.as_str(),
                    url.as_str(),
                    &params,
                    &[],
                    &Stamp::now(),
                );
                req.header(reqwest::header::AUTHORIZATION, h)
            }
        };
        if let Some(b) = &c.body {
            req = req.json(b);
        }
        let (resp, _permit) = crate::channels::net::send(req)
            .await
            .map_err(|e| ChannelError::Network(network_message(&e)))?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = read_capped(resp, MAX_ANSWER_BYTES, "X's answer").await?;
        let now = Timestamp::now();
        let bucket = bucket_from(&headers, now);
        if let Some(b) = bucket {
            self.lock().insert(c.bucket, b);
        }
        if (200..300).contains(&status) {
            // A 200 with only problems (an unknown user's mentions) is a failure too.
            if let Some(p) = problem_in(&body) {
                return Err(ChannelError::Rejected(p.text()));
            }
            return Ok(body);
        }
        Err(to_error(status, &body, &headers, bucket, now))
    }
}

/// The error of a failed answer: 429 waits for the bucket's reset (a minute when X did not
/// say), 401/403 are the credentials or the access tier, 5xx the server's trouble.
fn to_error(
    status: u16,
    body: &[u8],
    headers: &HeaderMap,
    bucket: Option<Bucket>,
    now: Timestamp,
) -> ChannelError {
    let text = problem_in(body).map_or_else(|| format!("HTTP {status}"), |p| p.text());
    match status {
        429 => ChannelError::RateLimited {
            until: bucket
                .map(|b| b.reset)
                .filter(|r| *r > now)
                .or_else(|| crate::channels::net::retry_after(headers))
                .unwrap_or_else(crate::channels::net::a_minute_from_now),
        },
        401 => ChannelError::Auth(format!(
            "{text}: X refused the credentials; run `tinbox account add x` again"
        )),
        403 => {
            let level = headers
                .get("x-access-level")
                .and_then(|v| v.to_str().ok())
                .map(|l| format!(" (this token may: {l})"))
                .unwrap_or_default();
            ChannelError::Auth(format!("{text}{level}"))
        }
        500..=599 => ChannelError::Server {
            status,
            message: text,
        },
        _ => ChannelError::Rejected(text),
    }
}

/// The bucket in `x-rate-limit-*`. The reset is epoch seconds of X's clock: the wait is
/// measured against X's `date` header and added to ours, so a skewed local clock does not
/// wait too long or hammer.
pub fn bucket_from(headers: &HeaderMap, now: Timestamp) -> Option<Bucket> {
    let num = |k: &str| -> Option<i64> { headers.get(k)?.to_str().ok()?.trim().parse().ok() };
    let limit = num("x-rate-limit-limit")?;
    let remaining = num("x-rate-limit-remaining")?;
    let reset = Timestamp::from_second(num("x-rate-limit-reset")?).ok()?;
    let reset = match headers
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(http_date)
    {
        Some(server_now) => {
            let wait = reset.duration_since(server_now).max(SignedDuration::ZERO);
            now.checked_add(wait).unwrap_or(reset)
        }
        None => reset,
    };
    Some(Bucket {
        limit: limit.max(0).unsigned_abs(),
        remaining: remaining.max(0).unsigned_abs(),
        reset,
    })
}

/// An HTTP date; X wrote `GMT` until 2021 and `UTC` since.
pub fn http_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let s = s
        .strip_suffix(" UTC")
        .or_else(|| s.strip_suffix(" GMT"))
        .unwrap_or(s);
    jiff::fmt::rfc2822::parse(&format!("{s} +0000"))
        .ok()
        .map(|z| z.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("value"));
        }
        h
    }

    #[test]
    fn the_reset_is_measured_on_x_clock_in_both_date_formats() {
        let now = Timestamp::from_second(2_000_000_000).expect("now");
        for date in [
            "Tue, 13 Apr 2021 03:39:55 GMT",
            "Tue, 13 Apr 2021 03:39:55 UTC",
        ] {
            // From `v2/mentions/test_client_get_users_mentions.2021-04-13.0.json`.
            let h = headers(&[
                ("date", date),
                ("x-rate-limit-limit", "450"),
                ("x-rate-limit-remaining", "449"),
                ("x-rate-limit-reset", "1618286094"),
            ]);
            let b = bucket_from(&h, now).expect("bucket");
            assert_eq!((b.limit, b.remaining), (450, 449));
            assert_eq!(
                b.reset.duration_since(now).as_secs(),
                1618286094 - 1618285195
            );
        }
        assert!(bucket_from(&headers(&[("date", "x")]), now).is_none());
    }

    #[test]
    fn failures_become_typed_errors() {
        let now = Timestamp::from_second(2_000_000_000).expect("now");
        let reset = Timestamp::from_second(2_000_000_600).expect("reset");
        let b = Some(Bucket {
            limit: 450,
            remaining: 0,
            reset,
        });
        // A 429 body after X's reference ("Too Many Requests" problem); none is recorded.
        let body = br#"{"title":"Too Many Requests","detail":"Too Many Requests","type":"about:blank","status":429}"#;
        assert_eq!(
            to_error(429, body, &HeaderMap::new(), b, now),
            ChannelError::RateLimited { until: reset }
        );
        let v11 = br#"{"errors":[{"code":215,"message":"Bad Authentication data."}]}"#;
        let e = to_error(400, v11, &HeaderMap::new(), None, now);
        assert_eq!(
            e,
            ChannelError::Rejected("Bad Authentication data. (code 215)".into())
        );
        let h = headers(&[("x-access-level", "read")]);
        assert!(
            to_error(403, b"{}", &h, None, now)
                .to_string()
                .contains("read")
        );
        assert!(to_error(503, b"", &h, None, now).is_transient());
    }

    #[test]
    fn plain_http_is_for_loopback_and_ids_are_segments() {
        let auth = Auth::Bearer("secret".into());
        let t = Duration::from_secs(5);
        assert!(Client::new("http://api.x.example", auth.clone(), t).is_err());
        let c = Client::new("http://127.0.0.1:9/", auth, t).expect("loopback");
        assert_eq!(c.url(&["2", "tweets", "1 2"]).path(), "/2/tweets/1%202");
        assert!(!format!("{c:?}").contains("secret"));
    }
}
