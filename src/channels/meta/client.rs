//! One Graph API client per account: the versioned base URL (https, or loopback http for
//! tests), the token in the `Authorization` header (never in a URL, so never in a log),
//! cursor paging built from `cursors.after` (a `paging.next` URL is not followed: it carries a
//! token and could point anywhere), the rate-limit headers, and errors found in any body.

use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::Url;
use serde::de::DeserializeOwned;

use super::errors::{regain_at, to_channel_error};
use super::graph::{Edge, decode, error_in};
use super::usage::{self, Usage};
use crate::channels::ChannelError;
use crate::channels::net::{MAX_ANSWER_BYTES, api_client_with, network_message, read_capped};

/// Graph's current versioned base.
pub const DEFAULT_API_URL: &str = "https://graph.facebook.com/v21.0";

/// At most this many pages of one edge per poll (a runaway cursor must end).
pub const MAX_PAGES: usize = 50;

#[derive(Debug, Default)]
struct State {
    usage: Usage,
    blocked_until: Option<Timestamp>,
}

pub struct Graph {
    base: Url,
    token: String,
    client: reqwest::Client,
    /// "Facebook" or "Instagram", for messages.
    network: &'static str,
    state: Mutex<State>,
}

impl std::fmt::Debug for Graph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Graph")
            .field("base", &self.base.as_str())
            .field("token", &"…")
            .finish()
    }
}

impl Graph {
    pub fn new(
        api_url: &str,
        token: String,
        timeout: Duration,
        network: &'static str,
    ) -> Result<Graph, ChannelError> {
        crate::config::check_url(api_url).map_err(ChannelError::Rejected)?;
        let base = Url::parse(api_url.trim_end_matches('/'))
            .map_err(|e| ChannelError::Rejected(e.to_string()))?;
        Ok(Graph {
            base,
            token,
            client: api_client_with(timeout)?,
            network,
            state: Mutex::new(State::default()),
        })
    }

    pub fn network(&self) -> &'static str {
        self.network
    }

    /// The last usage Graph reported (for the status line).
    pub fn usage(&self) -> Usage {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).usage
    }

    /// `base/path` (ids are path segments, escaped).
    fn url(&self, path: &str) -> Url {
        let mut u = self.base.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty();
            segs.extend(path.split('/').filter(|s| !s.is_empty()));
        }
        u
    }

    /// GET `path` with `params`; the body of a successful answer.
    pub async fn get(
        &self,
        path: &str,
        params: &[(&str, &str)],
        need: &str,
    ) -> Result<Vec<u8>, ChannelError> {
        let req = self.client.get(self.url(path)).query(params);
        self.send(req, need).await
    }

    /// GET and decode.
    pub async fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        need: &str,
    ) -> Result<T, ChannelError> {
        let body = self.get(path, params, need).await?;
        decode(&body, path).map_err(ChannelError::Malformed)
    }

    /// Every item of an edge, page after page by `after` cursor to the end of the list.
    pub async fn all<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        need: &str,
    ) -> Result<Vec<T>, ChannelError> {
        self.pages(path, params, need, MAX_PAGES).await
    }

    /// The first `max` pages of a list (newest first): for lists whose old end is never
    /// news (an account's media), so a poll does not spend the rate limit on history.
    pub async fn pages<T: DeserializeOwned>(
        &self,
        path: &str,
        params: &[(&str, &str)],
        need: &str,
        max: usize,
    ) -> Result<Vec<T>, ChannelError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..max {
            let mut p = params.to_vec();
            if let Some(a) = &after {
                p.push(("after", a.as_str()));
            }
            let page: Edge<T> = self.get_as(path, &p, need).await?;
            let next = page.next_cursor();
            out.extend(page.data);
            // The same cursor twice would loop forever.
            match next {
                Some(n) if after.as_deref() != Some(n.as_str()) => after = Some(n),
                _ => break,
            }
        }
        Ok(out)
    }

    /// POST a form to `path`; the body of a successful answer.
    pub async fn post(
        &self,
        path: &str,
        form: &[(&str, &str)],
        need: &str,
    ) -> Result<Vec<u8>, ChannelError> {
        let req = self.client.post(self.url(path)).form(form);
        self.send(req, need).await
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        need: &str,
    ) -> Result<Vec<u8>, ChannelError> {
        let (blocked, usage) = {
            let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            (s.blocked_until, s.usage)
        };
        if let Some(until) = blocked.filter(|u| *u > Timestamp::now()) {
            return Err(ChannelError::RateLimited { until });
        }
        if usage.near() {
            // Above 90%: space calls out (a second per point over), so the quota recovers
            // before it runs out.
            let secs = u64::from(usage.percent.saturating_sub(usage::SLOW_DOWN_AT)).min(10);
            tokio::time::sleep(Duration::from_secs(secs)).await;
        }
        let req = req.bearer_auth(&self.token);
        let (resp, _permit) = crate::channels::net::send(req)
            .await
            .map_err(|e| ChannelError::Network(network_message(&e)))?;
        let status = resp.status().as_u16();
        let usage = usage::from_headers(resp.headers());
        let body = read_capped(resp, MAX_ANSWER_BYTES, "Graph's answer").await?;
        let body = crate::channels::lenient::json_vec(body);
        let err = error_in(&body);
        let failed = !(200..300).contains(&status) || err.is_some();
        let e = failed.then(|| to_channel_error(status, err.as_ref(), &usage, need, self.network));
        {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            s.usage = usage;
            if usage.exhausted() {
                s.blocked_until = Some(regain_at(&usage, Timestamp::now()));
            }
            if let Some(ChannelError::RateLimited { until }) = &e {
                s.blocked_until = Some(*until);
            }
        }
        match e {
            Some(e) => Err(e),
            None => Ok(body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_path_segments_and_plain_http_is_for_loopback_only() {
        assert!(
            Graph::new(
                "http://graph.example/v21.0",
                "t".into(),
                Duration::from_secs(5),
                "Facebook"
            )
            .is_err()
        );
        let g = Graph::new(
            "http://127.0.0.1:9/v21.0/",
            "secret".into(),
            Duration::from_secs(5),
            "Facebook",
        )
        .expect("loopback");
        assert_eq!(g.url("123_456/comments").path(), "/v21.0/123_456/comments");
        assert_eq!(g.url("a b").path(), "/v21.0/a%20b");
        assert!(!format!("{g:?}").contains("secret"));
    }
}
