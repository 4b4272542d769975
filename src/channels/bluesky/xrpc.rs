//! XRPC over HTTP for one Bluesky account: the session (log in, refresh before and after the
//! access token runs out, log in again when the refresh token has expired), `ratelimit-*`
//! bookkeeping, and this network's errors as [`ChannelError`]s. Tokens never appear in errors
//! or logs.

use std::sync::{Arc, Mutex};

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

use super::session::{Session, SessionStore};
use crate::channels::ChannelError;
use crate::channels::net::{a_minute_from_now, api_client, network_message, retry_after};

/// Reads the app password when tinbox must log in again (from the secrets file or a command).
pub type PasswordSource = Arc<dyn Fn() -> Result<String, String> + Send + Sync>;

/// Refresh this long before the access token's expiry.
const REFRESH_MARGIN_S: i64 = 60;
/// Stop sending when this few requests are left in the window, until it resets.
const RESERVE: u64 = 1;

#[derive(Debug, Default, Clone, Copy)]
struct RateLimit {
    remaining: Option<u64>,
    reset: Option<Timestamp>,
}

/// Why a call failed: the token (worth one refresh and a retry) or anything else.
enum Failure {
    Token,
    Other(ChannelError),
}

impl From<ChannelError> for Failure {
    fn from(e: ChannelError) -> Failure {
        Failure::Other(e)
    }
}

pub struct Xrpc {
    /// Where `createSession` goes (bsky.social, or the user's PDS).
    service: Url,
    identifier: String,
    password: Option<PasswordSource>,
    sessions: Arc<dyn SessionStore>,
    session: tokio::sync::Mutex<Option<Session>>,
    client: reqwest::Client,
    rate: Mutex<RateLimit>,
}

impl Xrpc {
    /// `service` must be https (plain http only for loopback hosts).
    pub fn new(
        service: &str,
        identifier: &str,
        password: Option<PasswordSource>,
        sessions: Arc<dyn SessionStore>,
    ) -> Result<Xrpc, ChannelError> {
        crate::config::check_url(service).map_err(ChannelError::Rejected)?;
        let service = Url::parse(service.trim_end_matches('/'))
            .map_err(|e| ChannelError::Rejected(e.to_string()))?;
        Ok(Xrpc {
            service,
            identifier: identifier.trim_start_matches('@').to_string(),
            password,
            sessions,
            session: tokio::sync::Mutex::new(None),
            client: api_client()?,
            rate: Mutex::new(RateLimit::default()),
        })
    }

    /// Bound each request by `timeout` instead of the default.
    pub fn set_timeout(&mut self, timeout: std::time::Duration) -> Result<(), ChannelError> {
        self.client = crate::channels::net::api_client_with(timeout)?;
        Ok(())
    }

    /// The current session, logging in if there is none yet.
    pub async fn session(&self) -> Result<Session, ChannelError> {
        let mut guard = self.session.lock().await;
        if guard.is_none() {
            *guard = self.sessions.load();
        }
        let current = match guard.clone() {
            Some(s) => s,
            None => {
                let s = self.login().await?;
                self.keep(&mut guard, s.clone());
                return Ok(s);
            }
        };
        let soon = Timestamp::now()
            .checked_add(SignedDuration::from_secs(REFRESH_MARGIN_S))
            .unwrap_or(Timestamp::MAX);
        if current.access_expires().is_some_and(|exp| exp <= soon) {
            let s = self.renew_locked(&current).await?;
            self.keep(&mut guard, s.clone());
            return Ok(s);
        }
        Ok(current)
    }

    /// A query (`GET /xrpc/NSID?params`) with the session's access token.
    pub async fn query(&self, nsid: &str, params: &[(&str, &str)]) -> Result<Value, ChannelError> {
        self.authed(Method::GET, nsid, params, None).await
    }

    /// A procedure (`POST /xrpc/NSID` with a JSON body) with the session's access token.
    pub async fn procedure(&self, nsid: &str, body: &Value) -> Result<Value, ChannelError> {
        self.authed(Method::POST, nsid, &[], Some(body)).await
    }

    async fn authed(
        &self,
        method: Method,
        nsid: &str,
        params: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Result<Value, ChannelError> {
        let s = self.session().await?;
        let base = self.base_of(&s);
        match self
            .raw(
                method.clone(),
                &base,
                nsid,
                params,
                body,
                Some(&s.access_jwt),
            )
            .await
        {
            Ok(v) => Ok(v),
            Err(Failure::Other(e)) => Err(e),
            Err(Failure::Token) => {
                tracing::info!("bluesky: the access token was refused; refreshing the session");
                let s = self.renew(&s).await?;
                let base = self.base_of(&s);
                self.raw(method, &base, nsid, params, body, Some(&s.access_jwt))
                    .await
                    .map_err(|f| match f {
                        Failure::Token => {
                            ChannelError::Auth("the server refused a fresh session token".into())
                        }
                        Failure::Other(e) => e,
                    })
            }
        }
    }

    fn base_of(&self, s: &Session) -> Url {
        s.pds
            .as_deref()
            .and_then(|p| Url::parse(p).ok())
            .unwrap_or_else(|| self.service.clone())
    }

    fn keep(&self, slot: &mut Option<Session>, s: Session) {
        if let Err(e) = self.sessions.save(&s) {
            tracing::warn!("bluesky: cannot keep the new session: {e}");
        }
        *slot = Some(s);
    }

    /// A new session after `failed` was refused (unless another task already renewed it).
    async fn renew(&self, failed: &Session) -> Result<Session, ChannelError> {
        let mut guard = self.session.lock().await;
        if let Some(cur) = guard.as_ref()
            && cur.access_jwt != failed.access_jwt
        {
            return Ok(cur.clone());
        }
        let s = self.renew_locked(failed).await?;
        self.keep(&mut guard, s.clone());
        Ok(s)
    }

    /// Refresh; if the refresh token is refused, take a session another process saved, or
    /// log in again with the app password.
    async fn renew_locked(&self, failed: &Session) -> Result<Session, ChannelError> {
        let base = self.base_of(failed);
        match self
            .raw(
                Method::POST,
                &base,
                "com.atproto.server.refreshSession",
                &[],
                None,
                Some(&failed.refresh_jwt),
            )
            .await
        {
            Ok(v) => {
                let mut s = Session::from_answer(&v).ok_or_else(|| {
                    ChannelError::Malformed("refreshSession: no tokens in the answer".into())
                })?;
                if s.pds.is_none() {
                    s.pds = failed.pds.clone();
                }
                Ok(s)
            }
            Err(Failure::Other(e)) if e.is_transient() => Err(e),
            Err(_) => {
                if let Some(saved) = self.sessions.load()
                    && saved.refresh_jwt != failed.refresh_jwt
                {
                    tracing::info!("bluesky: using the session another tinbox saved");
                    return Ok(saved);
                }
                tracing::info!("bluesky: the refresh token has expired; logging in again");
                self.login().await
            }
        }
    }

    /// `createSession` with the app password.
    pub async fn login(&self) -> Result<Session, ChannelError> {
        let Some(password) = &self.password else {
            return Err(ChannelError::Auth(format!(
                "the session of {} has expired and tinbox has no app password for it: run `tinbox account add bluesky --handle {}` again, or set password_cmd",
                self.identifier, self.identifier
            )));
        };
        let password = password().map_err(ChannelError::Auth)?;
        self.login_with(&password).await
    }

    pub async fn login_with(&self, password: &str) -> Result<Session, ChannelError> {
        let body = json!({"identifier": self.identifier, "password": password});
        let v = self
            .raw(
                Method::POST,
                &self.service,
                "com.atproto.server.createSession",
                &[],
                Some(&body),
                None,
            )
            .await
            .map_err(|f| match f {
                Failure::Token => ChannelError::Auth(format!(
                    "wrong handle or app password for {}",
                    self.identifier
                )),
                Failure::Other(ChannelError::Auth(_)) => ChannelError::Auth(format!(
                    "wrong handle or app password for {} (create an app password in Bluesky's settings)",
                    self.identifier
                )),
                Failure::Other(e) => e,
            })?;
        Session::from_answer(&v)
            .ok_or_else(|| ChannelError::Malformed("createSession: no tokens in the answer".into()))
    }

    fn rate(&self) -> RateLimit {
        *self.rate.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn raw(
        &self,
        method: Method,
        base: &Url,
        nsid: &str,
        params: &[(&str, &str)],
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Result<Value, Failure> {
        let rl = self.rate();
        if let (Some(rem), Some(reset)) = (rl.remaining, rl.reset)
            && rem <= RESERVE
            && reset > Timestamp::now()
        {
            return Err(ChannelError::RateLimited { until: reset }.into());
        }
        let mut url = base.clone();
        url.set_path(&format!("/xrpc/{nsid}"));
        if !params.is_empty() {
            url.query_pairs_mut().extend_pairs(params);
        }
        let mut req = self.client.request(method, url);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req
                .header("content-type", "application/json")
                .body(serde_json::to_vec(b).unwrap_or_default());
        }
        // The permit (a slot in the connection cap) is held until the body is read.
        let (resp, _permit) = crate::channels::net::send(req)
            .await
            .map_err(|e| ChannelError::Network(network_message(&e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit(&headers);
        let bytes = crate::channels::net::read_capped(
            resp,
            crate::channels::net::MAX_ANSWER_BYTES,
            "the server's answer",
        )
        .await?;
        if status.is_success() {
            if bytes.is_empty() {
                return Ok(Value::Null);
            }
            // One bad byte in one notification must not fail the whole page.
            return serde_json::from_slice(&crate::channels::lenient::json_body(&bytes))
                .map_err(|e| ChannelError::Malformed(format!("{nsid}: {e}")).into());
        }
        let (code, _) = error_parts(&bytes);
        if token.is_some()
            && (status == StatusCode::UNAUTHORIZED
                || matches!(code.as_deref(), Some("ExpiredToken" | "InvalidToken")))
        {
            return Err(Failure::Token);
        }
        Err(error_from(status, &headers, &bytes).into())
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
        let mut rl = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = get("ratelimit-remaining").and_then(|v| v.parse().ok()) {
            rl.remaining = Some(r);
        }
        if let Some(t) = get("ratelimit-reset").and_then(parse_reset) {
            rl.reset = Some(t);
        }
    }
}

/// `{"error": "NotFound", "message": "Post not found: at://…"}`.
fn error_parts(body: &[u8]) -> (Option<String>, Option<String>) {
    let v: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let s = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(crate::sanitize::one_line)
            .filter(|s| !s.is_empty())
    };
    (s("error"), s("message"))
}

/// `ratelimit-reset` is in unix seconds.
fn parse_reset(v: &str) -> Option<Timestamp> {
    Timestamp::from_second(v.parse().ok()?).ok()
}

/// An unsuccessful answer as a [`ChannelError`], with a message a person can act on.
pub fn error_from(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ChannelError {
    let (code, message) = error_parts(body);
    let detail = match (&code, &message) {
        (Some(c), Some(m)) => format!("{c}: {m}"),
        (Some(c), None) => c.clone(),
        (None, Some(m)) => m.clone(),
        (None, None) => status.canonical_reason().unwrap_or("error").to_string(),
    };
    match (status.as_u16(), code.as_deref()) {
        (429, _) => ChannelError::RateLimited {
            until: headers
                .get("ratelimit-reset")
                .and_then(|v| v.to_str().ok())
                .and_then(parse_reset)
                .or_else(|| retry_after(headers))
                .unwrap_or_else(a_minute_from_now),
        },
        (_, Some("ExpiredToken" | "InvalidToken")) | (401 | 403, _) => {
            ChannelError::Auth(format!("the server refused the session ({detail})"))
        }
        (_, Some("NotFound" | "RecordNotFound")) => {
            ChannelError::Rejected(format!("the post no longer exists ({detail})"))
        }
        (_, Some("AccountTakedown" | "AccountDeactivated")) => {
            ChannelError::Auth(format!("the account is not active ({detail})"))
        }
        (s, _) if s >= 500 => ChannelError::Server {
            status: s,
            message: detail,
        },
        (s, _) => ChannelError::Rejected(format!("{detail} (HTTP {s})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> ChannelError {
        error_from(
            StatusCode::from_u16(status).expect("status"),
            &HeaderMap::new(),
            body.as_bytes(),
        )
    }

    #[test]
    fn maps_this_networks_errors() {
        assert!(matches!(
            err(400, r#"{"error":"InvalidToken","message":"Bad token scope"}"#),
            ChannelError::Auth(m) if m.contains("InvalidToken")
        ));
        assert!(matches!(
            err(400, r#"{"error":"NotFound","message":"Post not found: at://x"}"#),
            ChannelError::Rejected(m) if m.starts_with("the post no longer exists")
        ));
        assert!(matches!(
            err(
                502,
                r#"{"error":"UpstreamFailure","message":"Upstream Failure"}"#
            ),
            ChannelError::Server { status: 502, .. }
        ));
        assert!(matches!(err(500, "<html>"), ChannelError::Server { .. }));
        let mut h = HeaderMap::new();
        h.insert("ratelimit-reset", "1795349644".parse().expect("hv"));
        assert_eq!(
            error_from(StatusCode::TOO_MANY_REQUESTS, &h, b"{}"),
            ChannelError::RateLimited {
                until: Timestamp::from_second(1_795_349_644).expect("ts")
            }
        );
        // A hostile message cannot reach the screen with control sequences.
        let e = err(
            400,
            "{\"error\":\"InvalidRequest\",\"message\":\"bad\\u001b[2Jthing\"}",
        );
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts() {
        let mem: Arc<dyn SessionStore> = Arc::new(super::super::session::MemorySessions::default());
        assert!(Xrpc::new("http://bsky.example", "a.test", None, mem.clone()).is_err());
        assert!(Xrpc::new("http://127.0.0.1:2583", "a.test", None, mem).is_ok());
    }
}
