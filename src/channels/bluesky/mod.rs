//! Bluesky (AT Protocol): app-password sessions, notifications (mentions, replies, quotes)
//! polled with their cursor and paged back through a gap after downtime, threads, and
//! replies written as `app.bsky.feed.post` records with strong refs to root and parent.
//!
//! A reply's record key is derived from the queued reply (see [`tid::for_reply`]): a retry
//! writes the same record, and a record that already exists means the reply was sent.

pub mod api;
pub mod richtext;
pub mod session;
pub mod tid;
pub mod xrpc;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, ThreadEntry, Visibility};
use api::{Notification, PostView, StrongRef};
use session::SessionStore;
use xrpc::{PasswordSource, Xrpc};

/// Where accounts log in when the config does not say.
pub const DEFAULT_SERVICE: &str = "https://bsky.social";
const POST: &str = "app.bsky.feed.post";

#[derive(Debug, Clone)]
pub struct BlueskyOptions {
    /// Notification reasons that become items.
    pub reasons: Vec<String>,
    pub page_limit: u32,
    /// At most this many pages per poll when catching up after downtime.
    pub max_pages: u32,
    /// Languages of our replies (`langs`), e.g. `["en"]`.
    pub langs: Vec<String>,
    /// A bound on each request other than the default 30 s.
    pub timeout: Option<std::time::Duration>,
    /// The first sync (no cursor yet) reads back through pages while they are newer than
    /// this (the backfill window; `Duration::MAX`: up to `max_pages`). `None`: one page.
    pub first_sync_window: Option<std::time::Duration>,
}

impl Default for BlueskyOptions {
    fn default() -> Self {
        BlueskyOptions {
            reasons: vec!["mention".into(), "reply".into(), "quote".into()],
            page_limit: 50,
            max_pages: 20,
            langs: lang_from_env(),
            timeout: None,
            first_sync_window: None,
        }
    }
}

/// `en` from `LANG=en_GB.UTF-8`; nothing for `C`/`POSIX`.
fn lang_from_env() -> Vec<String> {
    let lang = std::env::var("LC_ALL")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("LANG").ok())
        .unwrap_or_default();
    let code: String = lang.chars().take_while(char::is_ascii_alphabetic).collect();
    if code.len() == 2 || code.len() == 3 {
        vec![code.to_ascii_lowercase()]
    } else {
        Vec::new()
    }
}

/// Where polling continues: the newest notification's `indexedAt`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seen: Option<String>,
}

pub struct BlueskyChannel {
    x: Xrpc,
    opts: BlueskyOptions,
}

impl BlueskyChannel {
    pub fn new(
        service: &str,
        handle: &str,
        password: Option<PasswordSource>,
        sessions: Arc<dyn SessionStore>,
        opts: BlueskyOptions,
    ) -> Result<BlueskyChannel, ChannelError> {
        let mut x = Xrpc::new(service, handle, password, sessions)?;
        if let Some(t) = opts.timeout {
            x.set_timeout(t)?;
        }
        Ok(BlueskyChannel { x, opts })
    }

    /// The XRPC client (sessions, raw calls).
    pub fn xrpc(&self) -> &Xrpc {
        &self.x
    }

    /// Notifications newer than the cursor, newest page first, back through a gap.
    async fn notifications(
        &self,
        seen: Option<Timestamp>,
    ) -> Result<(Vec<Notification>, usize), ChannelError> {
        let limit = self.opts.page_limit.to_string();
        let (mut all, mut skipped) = (Vec::new(), 0);
        let mut cursor: Option<String> = None;
        // A first sync goes back through the backfill window: `Some(None)`, no limit.
        let back_to = super::net::first_sync_limit(seen.is_none(), self.opts.first_sync_window);
        for _ in 0..self.opts.max_pages {
            let mut params = vec![("limit", limit.as_str())];
            if let Some(c) = &cursor {
                params.push(("cursor", c.as_str()));
            }
            let page = self
                .x
                .query("app.bsky.notification.listNotifications", &params)
                .await?;
            let (notes, s) = api::lenient::<Notification>(page.get("notifications"));
            skipped += s;
            let reached_known = match (seen, back_to) {
                (Some(t), _) => notes.iter().any(|n| indexed(n) <= Some(t)),
                (None, Some(Some(limit))) => notes.iter().any(|n| indexed(n) <= Some(limit)),
                (None, Some(None)) => false,
                (None, None) => true,
            };
            let empty = notes.is_empty();
            all.extend(notes);
            cursor = page.get("cursor").and_then(Value::as_str).map(String::from);
            if reached_known || empty || cursor.is_none() {
                break;
            }
        }
        Ok((all, skipped))
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let cur: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let seen = cur.seen.as_deref().and_then(|s| s.parse().ok());
        let me = self.x.session().await?.did;
        let (notes, skipped) = self.notifications(seen).await?;
        if skipped > 0 {
            tracing::info!("bluesky: skipped {skipped} notifications tinbox cannot read");
        }
        let newest = notes
            .iter()
            .filter_map(indexed)
            .chain(seen)
            .max()
            .map(|t| t.to_string());
        let mut by_uri: BTreeMap<String, IncomingItem> = BTreeMap::new();
        for n in &notes {
            if n.author.did == me || !self.opts.reasons.iter().any(|r| r == &n.reason) {
                continue;
            }
            if let Some(item) = normalize(n) {
                by_uri.entry(item.remote_id.clone()).or_insert(item);
            }
        }
        Ok(PollOutcome {
            noise: Vec::new(),
            followers: Default::default(),
            items: by_uri.into_values().collect(),
            cursor: serde_json::to_string(&Cursor { seen: newest }).ok(),
        })
    }

    async fn do_thread(&self, uri: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
        let me = self.x.session().await?.did;
        let v = self
            .x
            .query(
                "app.bsky.feed.getPostThread",
                &[("uri", uri), ("depth", "10"), ("parentHeight", "40")],
            )
            .await?;
        let thread = v
            .get("thread")
            .ok_or_else(|| ChannelError::Malformed("getPostThread: no thread".into()))?;
        Ok(api::flatten_thread(thread)
            .iter()
            .map(|p| ThreadEntry {
                remote_id: p.uri.clone(),
                author: author(&p.author),
                text: api::text(&p.record),
                created_at: api::created_at(&p.record)
                    .or_else(|| p.indexed_at.parse().ok())
                    .unwrap_or(Timestamp::UNIX_EPOCH),
                outbound: p.author.did == me,
                item: None,
            })
            .collect())
    }

    /// The post being answered, with its content id (`getPosts`).
    async fn post(&self, uri: &str) -> Result<PostView, ChannelError> {
        let v = self
            .x
            .query("app.bsky.feed.getPosts", &[("uris", uri)])
            .await?;
        let (posts, _) = api::lenient::<PostView>(v.get("posts"));
        posts.into_iter().find(|p| p.uri == uri).ok_or_else(|| {
            ChannelError::Rejected(
                "the post no longer exists (deleted, or its author blocked this account)".into(),
            )
        })
    }

    /// DIDs of the handles mentioned in `text` (handles that do not resolve stay plain text).
    async fn resolve_mentions(&self, text: &str) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for m in richtext::mentions(text) {
            if out.contains_key(&m.target) {
                continue;
            }
            match self
                .x
                .query(
                    "com.atproto.identity.resolveHandle",
                    &[("handle", &m.target)],
                )
                .await
            {
                Ok(v) => {
                    if let Some(did) = v.get("did").and_then(Value::as_str) {
                        out.insert(m.target.clone(), did.to_string());
                    }
                }
                Err(e) => tracing::info!(
                    "bluesky: cannot resolve @{}: {e}",
                    crate::sanitize::error_text(&m.target)
                ),
            }
        }
        out
    }

    async fn do_reply(&self, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
        let len = richtext::grapheme_len(&req.text);
        if len > richtext::MAX_GRAPHEMES {
            return Err(ChannelError::Rejected(format!(
                "the reply has {len} characters; Bluesky allows {}",
                richtext::MAX_GRAPHEMES
            )));
        }
        if req.text.trim().is_empty() {
            return Err(ChannelError::Rejected("the reply is empty".into()));
        }
        let me = self.x.session().await?;
        // For links to our post: the handle, or the DID when the session has none.
        let who = if me.handle.is_empty() {
            me.did.clone()
        } else {
            me.handle.clone()
        };
        let rkey = tid::for_reply(req.queued_at, &req.idempotency_key);
        // Sent by an earlier attempt whose answer was lost?
        if let Some(sent) = self.existing(&me.did, &who, &rkey).await? {
            return Ok(sent);
        }
        let parent = self.post(&req.in_reply_to).await?;
        let parent_ref = StrongRef {
            uri: parent.uri.clone(),
            cid: parent.cid.clone(),
        };
        let root = api::reply_ref(&parent.record)
            .map(|r| r.root)
            .unwrap_or_else(|| parent_ref.clone());
        let dids = self.resolve_mentions(&req.text).await;
        let facets = richtext::facets(&req.text, |h| dids.get(h).cloned());
        let now = Timestamp::now();
        let mut record = json!({
            "$type": POST,
            "text": req.text,
            "createdAt": now.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
            "reply": {
                "root": {"uri": root.uri, "cid": root.cid},
                "parent": {"uri": parent_ref.uri, "cid": parent_ref.cid},
            },
        });
        if !facets.is_empty() {
            record["facets"] = Value::Array(facets);
        }
        if !self.opts.langs.is_empty() {
            record["langs"] = json!(self.opts.langs);
        }
        let body = json!({"repo": me.did, "collection": POST, "rkey": rkey, "record": record});
        match self
            .x
            .procedure("com.atproto.repo.createRecord", &body)
            .await
        {
            Ok(v) => {
                let uri = v
                    .get("uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| ChannelError::Malformed("createRecord: no uri".into()))?;
                Ok(SentReply {
                    remote_id: uri.to_string(),
                    url: Some(api::web_url(&who, uri)),
                    created_at: now,
                })
            }
            // A record with this key already exists (the PDS answers 500 then): it was sent.
            Err(e) => match self.existing(&me.did, &who, &rkey).await {
                Ok(Some(sent)) => Ok(sent),
                _ => Err(e),
            },
        }
    }

    /// Our reply with this record key, if it was already written.
    async fn existing(
        &self,
        did: &str,
        handle: &str,
        rkey: &str,
    ) -> Result<Option<SentReply>, ChannelError> {
        match self
            .x
            .query(
                "com.atproto.repo.getRecord",
                &[("repo", did), ("collection", POST), ("rkey", rkey)],
            )
            .await
        {
            Ok(v) => {
                let Some(uri) = v.get("uri").and_then(Value::as_str) else {
                    return Ok(None);
                };
                let created = v
                    .get("value")
                    .and_then(api::created_at)
                    .unwrap_or_else(Timestamp::now);
                Ok(Some(SentReply {
                    remote_id: uri.to_string(),
                    url: Some(api::web_url(handle, uri)),
                    created_at: created,
                }))
            }
            Err(ChannelError::Rejected(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

fn indexed(n: &Notification) -> Option<Timestamp> {
    n.indexed_at.parse().ok()
}

fn author(p: &api::Profile) -> Author {
    let handle = if p.handle.is_empty() || p.handle == "handle.invalid" {
        p.did.clone()
    } else {
        format!("@{}", p.handle)
    };
    Author {
        handle,
        name: p.display_name.clone().unwrap_or_default(),
    }
}

/// A notification that needs an answer, as an inbox item.
pub fn normalize(n: &Notification) -> Option<IncomingItem> {
    let kind = match n.reason.as_str() {
        "reply" => Kind::Reply,
        "quote" => Kind::Quote,
        _ => Kind::Mention,
    };
    let reply = api::reply_ref(&n.record);
    let created_at = api::created_at(&n.record).or_else(|| indexed(n))?;
    let handle = if n.author.handle.is_empty() {
        &n.author.did
    } else {
        &n.author.handle
    };
    Some(IncomingItem {
        remote_id: n.uri.clone(),
        kind,
        author: author(&n.author),
        text: api::text(&n.record),
        url: Some(api::web_url(handle, &n.uri)),
        created_at,
        thread_root: reply.as_ref().map(|r| r.root.uri.clone()),
        in_reply_to: reply.map(|r| r.parent.uri),
        visibility: Visibility::Public,
    })
}

impl Channel for BlueskyChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Bluesky
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: false,
            max_len: Some(richtext::MAX_GRAPHEMES),
            length_unit: LengthUnit::Graphemes,
        }
    }

    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        Box::pin(self.do_poll(cursor))
    }

    fn fetch_thread<'a>(
        &'a self,
        remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(self.do_thread(remote_id))
    }

    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(self.do_reply(req))
    }
}

#[cfg(test)]
mod tests;
