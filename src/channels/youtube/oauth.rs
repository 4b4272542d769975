//! Google's OAuth 2.0 for devices ("enter this code at google.com/device", which works over
//! SSH: the browser can be on a phone) and the refresh of access tokens. The answers are
//! read by their `error` field (`authorization_pending`, `slow_down`, `access_denied`,
//! `expired_token`, `invalid_grant`), never by their text or status alone.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use crate::channels::ChannelError;
use crate::channels::net::{MAX_ANSWER_BYTES, network_message, read_capped};

/// Google's OAuth endpoints (`/device/code`, `/token`); `oauth_url` points elsewhere in tests.
pub const DEFAULT_OAUTH_URL: &str = "https://oauth2.googleapis.com";
/// Read comments and post replies (the scope comments.insert requires).
pub const SCOPE: &str = "https://www.googleapis.com/auth/youtube.force-ssl";
/// Where the user enters the code when Google's answer does not say.
pub const VERIFY_AT: &str = "https://www.google.com/device";

/// The first answer of the device flow: the code to show and the one to poll with.
#[derive(Debug, Clone, Deserialize)]
pub struct DeviceCode {
    pub device_code: String,
    pub user_code: String,
    /// Google says `verification_url`; RFC 8628 says `verification_uri`.
    #[serde(default, alias = "verification_uri")]
    pub verification_url: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
    #[serde(default)]
    pub interval: Option<u64>,
}

/// Tokens from the token endpoint.
#[derive(Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<i64>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(…)")
    }
}

impl Tokens {
    /// When the access token stops working (a minute early, for clock skew).
    pub fn expires_at(&self, now: Timestamp) -> Option<Timestamp> {
        let secs = self.expires_in?.saturating_sub(60).max(0);
        now.checked_add(SignedDuration::from_secs(secs)).ok()
    }
}

#[derive(Debug, Default, Deserialize)]
struct OauthError {
    #[serde(default)]
    error: Option<String>,
}

/// One answer of the token endpoint while the user has not finished.
#[derive(Debug)]
pub enum Step {
    Pending,
    SlowDown,
    Done(Tokens),
}

fn endpoint(base: &str, path: &str) -> String {
    format!("{}/{path}", base.trim_end_matches('/'))
}

async fn post_form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
) -> Result<(u16, Vec<u8>), ChannelError> {
    crate::config::check_url(url).map_err(ChannelError::Rejected)?;
    let (resp, _permit) = crate::channels::net::send(http.post(url).form(form))
        .await
        .map_err(|e| ChannelError::Network(network_message(&e)))?;
    let status = resp.status().as_u16();
    let body = read_capped(resp, MAX_ANSWER_BYTES, "Google's sign-in answer").await?;
    Ok((status, body))
}

fn error_code(body: &[u8]) -> Option<String> {
    serde_json::from_slice::<OauthError>(body).ok()?.error
}

/// Ask for a device code with the `youtube.force-ssl` scope.
pub async fn device_code(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
) -> Result<DeviceCode, ChannelError> {
    let url = endpoint(base, "device/code");
    let (status, body) =
        post_form(http, &url, &[("client_id", client_id), ("scope", SCOPE)]).await?;
    if !(200..300).contains(&status) {
        let code = error_code(&body).unwrap_or_else(|| format!("HTTP {status}"));
        return Err(ChannelError::Auth(format!(
            "Google refused the device sign-in ({code}): check the client id, and that the \
             OAuth client is of the type \"TVs and limited input devices\""
        )));
    }
    serde_json::from_slice(&body).map_err(|e| ChannelError::Malformed(e.to_string()))
}

/// Ask once whether the user has entered the code.
pub async fn poll_token(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
    device_code: &str,
) -> Result<Step, ChannelError> {
    let url = endpoint(base, "token");
    let form = [
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("device_code", device_code),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
    ];
    let (status, body) = post_form(http, &url, &form).await?;
    if (200..300).contains(&status)
        && let Ok(t) = serde_json::from_slice::<Tokens>(&body)
    {
        return Ok(Step::Done(t));
    }
    match error_code(&body).as_deref() {
        Some("authorization_pending") => Ok(Step::Pending),
        Some("slow_down") => Ok(Step::SlowDown),
        Some("access_denied") => Err(ChannelError::Auth(
            "the sign-in was refused at google.com/device".into(),
        )),
        Some("expired_token") => Err(ChannelError::Auth(
            "the code expired before it was entered; run the command again".into(),
        )),
        Some(other) => Err(ChannelError::Auth(format!(
            "Google refused the sign-in ({})",
            crate::sanitize::one_line(other)
        ))),
        None => Err(ChannelError::Malformed(format!(
            "the token endpoint answered HTTP {status} without an error code"
        ))),
    }
}

/// The wait before the next question: the server's interval, five seconds more after each
/// `slow_down` (RFC 8628 §3.5).
pub fn next_interval(current: Duration, step: &Step) -> Duration {
    match step {
        Step::SlowDown => current + Duration::from_secs(5),
        _ => current,
    }
}

/// Poll until the user has entered the code, the code expires, or the user refuses.
pub async fn wait_for_tokens(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
    code: &DeviceCode,
) -> Result<Tokens, ChannelError> {
    let mut interval = Duration::from_secs(code.interval.unwrap_or(5));
    let deadline = std::time::Instant::now() + Duration::from_secs(code.expires_in.unwrap_or(1800));
    loop {
        let step = poll_token(http, base, client_id, client_secret, &code.device_code).await?;
        if let Step::Done(t) = step {
            return Ok(t);
        }
        interval = next_interval(interval, &step);
        if std::time::Instant::now() + interval > deadline {
            return Err(ChannelError::Auth(
                "the code expired before it was entered; run the command again".into(),
            ));
        }
        // The server's own pacing, not a synchronisation: asking sooner earns `slow_down`.
        tokio::time::sleep(interval).await;
    }
}

/// A fresh access token from the refresh token.
pub async fn refresh(
    http: &reqwest::Client,
    base: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> Result<Tokens, ChannelError> {
    let url = endpoint(base, "token");
    let form = [
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("refresh_token", refresh_token),
        ("grant_type", "refresh_token"),
    ];
    let (status, body) = post_form(http, &url, &form).await?;
    if (200..300).contains(&status)
        && let Ok(t) = serde_json::from_slice::<Tokens>(&body)
    {
        return Ok(t);
    }
    if status >= 500 {
        return Err(ChannelError::Server {
            status,
            message: "Google's token endpoint".into(),
        });
    }
    let code = error_code(&body).unwrap_or_else(|| format!("HTTP {status}"));
    Err(ChannelError::Auth(format!(
        "Google did not renew the access token ({}): the grant was revoked or expired; run \
         `tinbox account add youtube --channel-id UC…` again",
        crate::sanitize::one_line(&code)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_down_adds_five_seconds_and_tokens_expire_a_minute_early() {
        let d = Duration::from_secs(5);
        assert_eq!(next_interval(d, &Step::SlowDown), Duration::from_secs(10));
        assert_eq!(next_interval(d, &Step::Pending), d);
        let t: Tokens =
            serde_json::from_str(r#"{"access_token":"a","expires_in":3599}"#).expect("tokens");
        let now = Timestamp::from_second(1_000).expect("t");
        assert_eq!(t.expires_at(now).map(|t| t.as_second()), Some(1_000 + 3539));
        assert_eq!(format!("{t:?}"), "Tokens(…)");
        let c: DeviceCode = serde_json::from_str(
            r#"{"device_code":"d","user_code":"ABC-DEF","verification_uri":"https://www.google.com/device"}"#,
        )
        .expect("code");
        assert_eq!(c.verification_url.as_deref(), Some(VERIFY_AT));
    }
}
