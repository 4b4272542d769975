//! Feeds (RSS 0.9x/1.0/2.0, Atom 1.0, JSON Feed) as listening posts: entries that mention
//! the brand come into the inbox as kind `entry`. They cannot be answered in-channel; the
//! item's link is offered instead.
//!
//! Polite fetching: conditional requests (`ETag`/`If-None-Match`, `Last-Modified`/
//! `If-Modified-Since`) with the validators kept in the account's cursor, 304 honoured,
//! 429/503 with `Retry-After` waited out, bounded redirects, gzip, and a size cap.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, ThreadEntry, Visibility};
use crate::sanitize;

/// A larger answer is refused (protects memory; real feeds are far smaller).
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// What we remember between polls (the account's cursor).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
}

pub struct FeedChannel {
    url: Url,
    keywords: Vec<String>,
    client: reqwest::Client,
    clock: super::demo::Clock,
}

impl FeedChannel {
    pub fn new(
        url: &str,
        keywords: Vec<String>,
        clock: super::demo::Clock,
    ) -> Result<FeedChannel, ChannelError> {
        crate::config::check_url(url).map_err(ChannelError::Rejected)?;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let url = Url::parse(url).map_err(|e| ChannelError::Rejected(e.to_string()))?;
        let keywords = keywords
            .into_iter()
            .map(|k| k.to_lowercase())
            .filter(|k| !k.trim().is_empty())
            .collect();
        Ok(FeedChannel {
            url,
            keywords,
            client: Self::client(super::net::REQUEST_TIMEOUT)?,
            clock,
        })
    }

    /// The same feed with another bound on each request (`timeout` in the account's config).
    pub fn with_timeout(mut self, timeout: Duration) -> Result<FeedChannel, ChannelError> {
        self.client = Self::client(timeout)?;
        Ok(self)
    }

    fn client(timeout: Duration) -> Result<reqwest::Client, ChannelError> {
        // Redirects follow the rule of configured URLs (https, or http to loopback).
        super::net::feed_client(timeout)
    }

    async fn fetch(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let old: Validators = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let mut req = self.client.get(self.url.clone());
        if let Some(e) = &old.etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        if let Some(m) = &old.last_modified {
            req = req.header(IF_MODIFIED_SINCE, m);
        }
        let (resp, _permit) = super::net::send(req)
            .await
            .map_err(|e| ChannelError::Network(short(&e)))?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(PollOutcome {
                noise: Vec::new(),
                followers: Default::default(),
                items: Vec::new(),
                cursor: None,
            });
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            let secs = resp
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<i64>().ok())
                .unwrap_or(300)
                .clamp(1, 24 * 3600);
            let now = (self.clock)();
            return Err(ChannelError::RateLimited {
                until: now
                    .checked_add(SignedDuration::from_secs(secs))
                    .unwrap_or(now),
            });
        }
        if status.is_server_error() {
            return Err(ChannelError::Server {
                status: status.as_u16(),
                message: status.canonical_reason().unwrap_or("").into(),
            });
        }
        if !status.is_success() {
            return Err(ChannelError::Rejected(format!(
                "the feed answered HTTP {}",
                status.as_u16()
            )));
        }
        let header = |h| {
            resp.headers()
                .get(h)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(String::from)
        };
        let fresh = Validators {
            etag: header(ETAG),
            last_modified: header(LAST_MODIFIED),
        };
        let body = read_capped(resp).await?;
        let items = self.entries(&body)?;
        Ok(PollOutcome {
            noise: Vec::new(),
            followers: Default::default(),
            items,
            cursor: serde_json::to_string(&fresh).ok(),
        })
    }

    /// Parse a feed document into items, keeping those that match the keywords.
    pub fn entries(&self, body: &[u8]) -> Result<Vec<IncomingItem>, ChannelError> {
        let parser = feed_rs::parser::Builder::new()
            .base_uri(Some(self.url.as_str()))
            .id_generator(stable_id)
            .build();
        let feed = parser
            .parse(body)
            .map_err(|e| ChannelError::Malformed(format!("not an RSS, Atom or JSON feed ({e})")))?;
        let feed_title = feed
            .title
            .as_ref()
            .map(|t| sanitize::one_line(&t.content))
            .unwrap_or_default();
        let host = self.url.host_str().unwrap_or("feed").to_string();
        let now = (self.clock)();
        let mut seen = std::collections::HashSet::new();
        let mut items = Vec::new();
        for e in feed.entries {
            let title = e
                .title
                .as_ref()
                .map(|t| crate::html::to_text(&t.content))
                .unwrap_or_default();
            let body = e
                .content
                .as_ref()
                .and_then(|c| c.body.as_deref())
                .or(e.summary.as_ref().map(|s| s.content.as_str()))
                .map(crate::html::to_text)
                .unwrap_or_default();
            if !self.matches(&title, &body) || !seen.insert(e.id.clone()) {
                continue;
            }
            let text = match (title.is_empty(), body.is_empty()) {
                (false, false) => format!("{title}\n\n{body}"),
                (false, true) => title,
                _ => body,
            };
            let created = e
                .published
                .or(e.updated)
                .and_then(|d| Timestamp::from_second(d.timestamp()).ok())
                .unwrap_or(now);
            let name = e
                .authors
                .first()
                .and_then(|a| a.name.clone())
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| feed_title.clone());
            items.push(IncomingItem {
                remote_id: e.id,
                kind: Kind::Entry,
                author: Author {
                    handle: host.clone(),
                    name,
                },
                text,
                url: e.links.first().map(|l| l.href.clone()),
                // A future date (a bad clock upstream) would make a negative wait.
                created_at: created.min(now),
                thread_root: None,
                in_reply_to: None,
                visibility: Visibility::Public,
            });
        }
        Ok(items)
    }

    fn matches(&self, title: &str, body: &str) -> bool {
        if self.keywords.is_empty() {
            return true;
        }
        let (t, b) = (title.to_lowercase(), body.to_lowercase());
        self.keywords
            .iter()
            .any(|k| t.contains(k.as_str()) || b.contains(k.as_str()))
    }
}

/// Entries without an id get one from their link and title, the same on every fetch.
fn stable_id(
    links: &[feed_rs::model::Link],
    title: &Option<feed_rs::model::Text>,
    _uri: Option<&str>,
) -> String {
    let link = links.first().map(|l| l.href.as_str()).unwrap_or("");
    let title = title.as_ref().map(|t| t.content.as_str()).unwrap_or("");
    let hash = format!("{link}\u{0}{title}")
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    format!("gen:{hash:016x}")
}

async fn read_capped(resp: reqwest::Response) -> Result<Vec<u8>, ChannelError> {
    super::net::read_capped(resp, MAX_BYTES, "the feed").await
}

fn short(e: &reqwest::Error) -> String {
    super::net::network_message(e)
}

impl Channel for FeedChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Feed
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: false,
            can_dm: false,
            max_len: None,
            length_unit: LengthUnit::Chars,
        }
    }

    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        Box::pin(self.fetch(cursor))
    }

    fn fetch_thread<'a>(
        &'a self,
        _remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(async { Ok(Vec::new()) })
    }

    fn send_reply<'a>(
        &'a self,
        _req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(async {
            Err(ChannelError::Unsupported(
                "feed entries cannot be answered in-channel; open the link".into(),
            ))
        })
    }
}
