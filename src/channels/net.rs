//! HTTP pieces every network channel shares: the client, the wording of network errors,
//! and reading `Retry-After`.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;

use super::ChannelError;

/// How long one request may take, end to end, unless an account says otherwise.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for one account's API: https only (checked by the caller), no redirects (a
/// token must not follow a redirect to another host), bounded connect and request times.
pub fn api_client() -> Result<reqwest::Client, ChannelError> {
    api_client_with(REQUEST_TIMEOUT)
}

/// [`api_client`] with another request timeout (a slow server fails after `timeout`).
pub fn api_client_with(timeout: Duration) -> Result<reqwest::Client, ChannelError> {
    // reqwest needs a process-wide TLS provider; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .timeout(timeout)
        .user_agent(concat!("tinbox/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| ChannelError::Network(e.to_string()))
}

/// The most an API answer may weigh (a page of notifications is tens of kilobytes): a server
/// that sends more is broken or hostile, and is not allowed to fill the memory.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The body of `resp`, refused (as a malformed answer) once it passes `max` bytes, whether
/// or not the server announced its length.
pub async fn read_capped(
    mut resp: reqwest::Response,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, ChannelError> {
    let too_big =
        || ChannelError::Malformed(format!("{what} is larger than {} MB", max / 1024 / 1024));
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| ChannelError::Network(network_message(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How far back a sync reads: nothing past the newest page (`None`) unless this is the first
/// sync and a backfill `window` is set; then `Some(Some(t))`, back to `t`, or `Some(None)`, as
/// far as the server goes (a window too long to subtract: "all").
pub fn first_sync_limit(first: bool, window: Option<Duration>) -> Option<Option<Timestamp>> {
    let w = window.filter(|_| first)?;
    Some(
        SignedDuration::try_from(w)
            .ok()
            .and_then(|w| Timestamp::now().checked_sub(w).ok()),
    )
}

/// A short, URL-free description of a failed request.
pub fn network_message(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_decode() || e.is_body() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    // Without the URL: short, and nothing from the query string leaks into the status bar.
    match std::error::Error::source(e) {
        Some(src) => format!("{kind}: {src}"),
        None => kind.to_string(),
    }
}

/// `Retry-After: 30` as an absolute time.
pub fn retry_after(headers: &HeaderMap) -> Option<Timestamp> {
    let secs: i64 = headers
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Timestamp::now()
        .checked_add(SignedDuration::from_secs(secs))
        .ok()
}

/// A minute from now: the wait when a server says "too many requests" and not until when.
pub fn a_minute_from_now() -> Timestamp {
    Timestamp::now()
        .checked_add(SignedDuration::from_secs(60))
        .unwrap_or(Timestamp::now())
}
