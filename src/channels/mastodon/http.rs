//! HTTP for one Mastodon-API server: bearer auth, rate-limit bookkeeping, `Link` paging and
//! mapping of answers to [`ChannelError`]s. The token never appears in errors or logs.

use std::sync::Mutex;

use jiff::Timestamp;
use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode, Url};

use super::api::ApiError;
use crate::channels::ChannelError;
use crate::channels::net::{a_minute_from_now, api_client_with, network_message, retry_after};

/// Stop sending when this few requests are left in the window, until it resets.
const RESERVE: u64 = 1;

#[derive(Debug, Default, Clone, Copy)]
struct RateLimit {
    remaining: Option<u64>,
    reset: Option<Timestamp>,
}

/// An answer's body and its paging links (`prev` = newer, `next` = older).
#[derive(Debug, Clone)]
pub struct Page {
    pub body: Vec<u8>,
    pub prev: Option<Url>,
    pub next: Option<Url>,
}

pub struct Api {
    base: Url,
    token: Option<String>,
    client: reqwest::Client,
    rate: Mutex<RateLimit>,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("base", &self.base.as_str())
            .field("token", &self.token.as_ref().map(|_| "…"))
            .finish()
    }
}

impl Api {
    /// `instance` must be https (plain http only for loopback hosts).
    pub fn new(instance: &str, token: Option<String>) -> Result<Api, ChannelError> {
        Api::with_timeout(instance, token, crate::channels::net::REQUEST_TIMEOUT)
    }

    /// [`Api::new`] where one request may take at most `timeout`.
    pub fn with_timeout(
        instance: &str,
        token: Option<String>,
        timeout: std::time::Duration,
    ) -> Result<Api, ChannelError> {
        crate::config::check_url(instance).map_err(ChannelError::Rejected)?;
        let base = Url::parse(instance.trim_end_matches('/'))
            .map_err(|e| ChannelError::Rejected(e.to_string()))?;
        let client = api_client_with(timeout)?;
        Ok(Api {
            base,
            token,
            client,
            rate: Mutex::new(RateLimit::default()),
        })
    }

    pub fn host(&self) -> String {
        self.base.host_str().unwrap_or("").to_string()
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// An absolute URL for an API path such as `/api/v1/notifications`.
    pub fn url(&self, path: &str) -> Url {
        let mut u = self.base.clone();
        u.set_path(path);
        u
    }

    /// Only follow links that stay on this server: our token goes with every request.
    pub fn same_origin(&self, u: &Url) -> bool {
        u.scheme() == self.base.scheme()
            && u.host_str() == self.base.host_str()
            && u.port_or_known_default() == self.base.port_or_known_default()
    }

    pub async fn get(&self, url: Url) -> Result<Page, ChannelError> {
        self.send(self.client.request(Method::GET, url)).await
    }

    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        idempotency_key: Option<&str>,
    ) -> Result<Page, ChannelError> {
        let mut req = self.client.post(self.url(path)).form(form);
        if let Some(key) = idempotency_key {
            req = req.header("Idempotency-Key", key);
        }
        self.send(req).await
    }

    fn rate(&self) -> RateLimit {
        *self.rate.lock().unwrap_or_else(|e| e.into_inner())
    }

    async fn send(&self, req: RequestBuilder) -> Result<Page, ChannelError> {
        // Slow down before the limit: near the end of the window, wait for its reset.
        let rl = self.rate();
        if let (Some(rem), Some(reset)) = (rl.remaining, rl.reset)
            && rem <= RESERVE
            && reset > Timestamp::now()
        {
            return Err(ChannelError::RateLimited { until: reset });
        }
        let req = match &self.token {
            Some(t) => req.bearer_auth(t),
            None => req,
        };
        // The permit (a slot in the connection cap) is held until the body is read.
        let (resp, _permit) = crate::channels::net::send(req)
            .await
            .map_err(|e| ChannelError::Network(network_message(&e)))?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit(&headers);
        let body = crate::channels::net::read_capped(
            resp,
            crate::channels::net::MAX_ANSWER_BYTES,
            "the server's answer",
        )
        .await?;
        if status.is_success() {
            let (prev, next) = links(&headers);
            let keep = |u: Option<Url>| u.filter(|u| self.same_origin(u));
            return Ok(Page {
                // One bad byte in one notification must not fail the whole page.
                body: crate::channels::lenient::json_vec(body),
                prev: keep(prev),
                next: keep(next),
            });
        }
        Err(error_from(status, &headers, &body))
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).map(str::trim);
        let mut rl = self.rate.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = get("x-ratelimit-remaining").and_then(|v| v.parse().ok()) {
            rl.remaining = Some(r);
        }
        if let Some(t) = get("x-ratelimit-reset").and_then(parse_reset) {
            rl.reset = Some(t);
        }
    }
}

/// An unsuccessful answer as a [`ChannelError`] (public for the corpus conformance test).
pub fn error_from(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ChannelError {
    // The server's message is localized: show it, never match on it.
    let msg = serde_json::from_slice::<ApiError>(body)
        .map(|e| match e.error_description {
            Some(d) if !d.is_empty() => format!("{}: {d}", e.error),
            _ => e.error,
        })
        .map(|m| crate::sanitize::one_line(&m))
        .unwrap_or_else(|_| status.canonical_reason().unwrap_or("error").to_string());
    match status.as_u16() {
        429 => {
            let until = headers
                .get("x-ratelimit-reset")
                .and_then(|v| v.to_str().ok())
                .and_then(parse_reset)
                .or_else(|| retry_after(headers))
                .unwrap_or_else(a_minute_from_now);
            ChannelError::RateLimited { until }
        }
        401 | 403 => ChannelError::Auth(msg),
        s if s >= 500 => ChannelError::Server {
            status: s,
            message: msg,
        },
        s => ChannelError::Rejected(format!("{msg} (HTTP {s})")),
    }
}

/// `X-RateLimit-Reset` is an ISO-8601 time (`2026-04-11T23:15:00.381973Z`).
fn parse_reset(v: &str) -> Option<Timestamp> {
    v.parse::<Timestamp>().ok()
}

/// `Link: <url>; rel="next", <url>; rel="prev"`.
pub fn links(headers: &HeaderMap) -> (Option<Url>, Option<Url>) {
    let (mut prev, mut next) = (None, None);
    for value in headers
        .get_all("link")
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for part in value.split(',') {
            let mut pieces = part.split(';');
            let Some(target) = pieces
                .next()
                .map(str::trim)
                .and_then(|t| t.strip_prefix('<'))
                .and_then(|t| t.strip_suffix('>'))
            else {
                continue;
            };
            let Ok(url) = Url::parse(target) else {
                continue;
            };
            for p in pieces {
                match p.trim().replace(' ', "").as_str() {
                    "rel=\"prev\"" | "rel=prev" => prev = Some(url.clone()),
                    "rel=\"next\"" | "rel=next" => next = Some(url.clone()),
                    _ => {}
                }
            }
        }
    }
    (prev, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_link_headers() {
        let mut h = HeaderMap::new();
        h.insert(
            "link",
            "<https://m.example/api/v1/notifications?max_id=5&types%5B%5D=mention>; rel=\"next\", <https://m.example/api/v1/notifications?min_id=9>; rel=\"prev\""
                .parse()
                .expect("header"),
        );
        let (prev, next) = links(&h);
        assert_eq!(prev.expect("prev").query(), Some("min_id=9"));
        assert_eq!(
            next.expect("next").query(),
            Some("max_id=5&types%5B%5D=mention")
        );
        assert_eq!(links(&HeaderMap::new()).0, None);
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts_and_foreign_links() {
        assert!(matches!(
            Api::new("http://mastodon.example", None),
            Err(ChannelError::Rejected(_))
        ));
        let api =
            Api::new("http://127.0.0.1:9", Some("secret".into())).expect("loopback http is fine");
        assert!(api.same_origin(&Url::parse("http://127.0.0.1:9/api/v1/x?min_id=1").expect("u")));
        assert!(!api.same_origin(&Url::parse("http://127.0.0.1:10/api").expect("u")));
        assert!(!api.same_origin(&Url::parse("https://evil.example/api").expect("u")));
        assert!(!format!("{api:?}").contains("secret"));
        assert_eq!(
            parse_reset("2026-04-11T23:15:00.381973Z").map(|t| t.as_second()),
            Some(1_775_949_300)
        );
    }
}
