//! Mastodon (and other servers speaking its API: GoToSocial, Akkoma, Pleroma).
//!
//! A thin typed client of our own: notifications (mentions by default) and conversations
//! (DMs) are polled incrementally with `min_id`, following `Link` headers through a gap
//! after downtime; every page is read leniently; replies keep the item's visibility and
//! carry an `Idempotency-Key`. Who the token belongs to and the server's limits are
//! remembered in the cursor for a day (`known`), so an unchanged account costs two requests.

pub mod api;
pub mod html;
pub mod http;
pub mod known;
pub mod length;
pub mod oauth;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use jiff::Timestamp;

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, IncomingItem, Kind, ThreadEntry, Visibility};
use api::{Conversation, Notification, Status, id_cmp, lenient_list};
use http::Api;
use known::Cursor;

/// The default status length limit when the server does not say.
pub const DEFAULT_MAX_CHARS: usize = 500;

#[derive(Debug, Clone)]
pub struct MastodonOptions {
    /// Notification types to fetch (`mention` by default; `status`, `quote`... are possible).
    pub notification_types: Vec<String>,
    pub include_conversations: bool,
    pub page_limit: u32,
    /// At most this many pages per poll when catching up after downtime.
    pub max_pages: u32,
    /// One request may take at most this long (a slow server is a transient error).
    pub timeout: std::time::Duration,
    /// The first sync (no cursor yet) reads back through older pages while they are newer
    /// than this (the config's backfill window; `Duration::MAX`: as far as `max_pages` goes).
    /// `None`: the newest page only.
    pub first_sync_window: Option<std::time::Duration>,
}

impl Default for MastodonOptions {
    fn default() -> Self {
        MastodonOptions {
            notification_types: vec!["mention".into()],
            include_conversations: true,
            page_limit: 40,
            max_pages: 25,
            timeout: super::net::REQUEST_TIMEOUT,
            first_sync_window: None,
        }
    }
}

pub struct MastodonChannel {
    api: Api,
    /// [`known::fingerprint`] of the instance and the token.
    key: String,
    opts: MastodonOptions,
    me: Mutex<Option<api::Account>>,
    max_chars: AtomicUsize,
    /// What one link costs in a status (`characters_reserved_per_url`).
    per_url: AtomicUsize,
    limits_known: AtomicBool,
}

impl MastodonChannel {
    pub fn new(
        instance: &str,
        token: String,
        opts: MastodonOptions,
    ) -> Result<MastodonChannel, ChannelError> {
        let key = known::fingerprint(instance.trim_end_matches('/'), &token);
        Ok(MastodonChannel {
            api: Api::with_timeout(instance, Some(token), opts.timeout)?,
            key,
            opts,
            me: Mutex::new(None),
            max_chars: AtomicUsize::new(DEFAULT_MAX_CHARS),
            per_url: AtomicUsize::new(length::DEFAULT_PER_URL),
            limits_known: AtomicBool::new(false),
        })
    }

    /// The authenticated account (asked once, then remembered).
    pub async fn me(&self) -> Result<api::Account, ChannelError> {
        if let Some(me) = self.me.lock().unwrap_or_else(|e| e.into_inner()).clone() {
            return Ok(me);
        }
        let me = known::ask_me(&self.api).await?;
        *self.me.lock().unwrap_or_else(|e| e.into_inner()) = Some(me.clone());
        Ok(me)
    }

    fn notifications_url(&self, min_id: Option<&str>) -> reqwest::Url {
        let mut u = self.api.url("/api/v1/notifications");
        {
            let mut q = u.query_pairs_mut();
            for t in &self.opts.notification_types {
                q.append_pair("types[]", t);
            }
            q.append_pair("limit", &self.opts.page_limit.to_string());
            if let Some(m) = min_id {
                q.append_pair("min_id", m);
            }
        }
        u
    }

    /// Notifications newer than `since` (all of them, page by page), or the newest page.
    async fn poll_notifications(
        &self,
        since: Option<&str>,
    ) -> Result<(Vec<Notification>, usize), ChannelError> {
        let mut all = Vec::new();
        let mut skipped = 0;
        let mut url = Some(self.notifications_url(since));
        let mut pages = 0;
        // A first sync reads back through the backfill window (older pages: `next`).
        let back_to = super::net::first_sync_limit(since.is_none(), self.opts.first_sync_window);
        while let Some(u) = url.take() {
            let page = self.api.get(u).await?;
            let (items, s) =
                lenient_list::<Notification>(&page.body).map_err(ChannelError::Malformed)?;
            skipped += s;
            pages += 1;
            let oldest = items
                .last()
                .and_then(|n| n.created_at.as_deref())
                .and_then(|t| t.parse::<Timestamp>().ok());
            let empty = items.is_empty();
            all.extend(items);
            if empty || pages >= self.opts.max_pages {
                break;
            }
            // With min_id the server answers the page right after it; `prev` is the next newer one.
            if since.is_some() {
                url = page.prev;
            } else if let Some(limit) = back_to {
                let within = match (limit, oldest) {
                    (None, _) => true,
                    (Some(limit), Some(oldest)) => oldest > limit,
                    (Some(_), None) => false,
                };
                if within {
                    url = page.next;
                }
            }
        }
        Ok((all, skipped))
    }

    async fn poll_conversations(&self) -> Result<Vec<Status>, ChannelError> {
        let mut u = self.api.url("/api/v1/conversations");
        u.query_pairs_mut()
            .append_pair("limit", &self.opts.page_limit.to_string());
        let page = self.api.get(u).await?;
        let (convs, _) =
            lenient_list::<Conversation>(&page.body).map_err(ChannelError::Malformed)?;
        Ok(convs.into_iter().filter_map(|c| c.last_status).collect())
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let cur = Cursor::parse(cursor);
        let known = self.identify(cur.k, Timestamp::now()).await?;
        let me = known.me.clone();
        let (notes, skipped) = self.poll_notifications(cur.n.as_deref()).await?;
        if skipped > 0 {
            tracing::info!("mastodon: skipped {skipped} notifications tinbox cannot read");
        }
        let newest = notes
            .iter()
            .map(|n| n.id.clone())
            .chain(cur.n.clone())
            .max_by(|a, b| id_cmp(a, b));
        let wanted = &self.opts.notification_types;
        let mut statuses: BTreeMap<String, Status> = BTreeMap::new();
        for n in notes {
            if !wanted.iter().any(|t| t == &n.kind) {
                continue;
            }
            if let Some(s) = n.status {
                statuses.insert(s.id.clone(), s);
            }
        }
        if self.opts.include_conversations {
            for s in self.poll_conversations().await? {
                statuses.entry(s.id.clone()).or_insert(s);
            }
        }
        let host = self.api.host();
        let mut followers = std::collections::HashMap::new();
        let items = statuses
            .values()
            .filter(|s| s.account.id != me.id)
            .filter_map(|s| {
                let item = normalize(s, &host)?;
                if let Some(n) = s.account.followers_count {
                    followers.insert(item.author.handle.clone(), n);
                }
                Some(item)
            })
            .collect();
        let cursor = serde_json::to_string(&Cursor {
            n: newest,
            k: Some(known),
        })
        .ok();
        Ok(PollOutcome {
            noise: Vec::new(),
            items,
            cursor,
            followers,
        })
    }

    async fn do_thread(&self, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
        let me = self.me().await.ok().map(|m| m.id);
        let ctx = self
            .api
            .get(self.api.url(&format!("/api/v1/statuses/{id}/context")))
            .await?;
        let ctx: serde_json::Value = serde_json::from_slice(&ctx.body)
            .map_err(|e| ChannelError::Malformed(e.to_string()))?;
        let this = self
            .api
            .get(self.api.url(&format!("/api/v1/statuses/{id}")))
            .await?;
        let read = |v: Option<&serde_json::Value>| -> Vec<Status> {
            v.and_then(|v| v.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|s| serde_json::from_value(s.clone()).ok())
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut all = read(ctx.get("ancestors"));
        all.extend(serde_json::from_slice::<Status>(&this.body).ok());
        all.extend(read(ctx.get("descendants")));
        let host = self.api.host();
        Ok(all
            .iter()
            .map(|s| ThreadEntry {
                remote_id: s.id.clone(),
                author: author(&s.account, &host),
                text: html::status_text(s),
                created_at: s.created_at.parse().unwrap_or(Timestamp::UNIX_EPOCH),
                outbound: me.as_deref() == Some(s.account.id.as_str()),
                item: None,
            })
            .collect())
    }

    /// The content warning of the post answered, carried into the reply: what a customer put
    /// behind a warning (an order, a health matter) stays behind one in the answer, as
    /// Mastodon's own apps do. A post that cannot be read (deleted, private) has none here;
    /// the server says what it thinks of the reply itself.
    async fn parent_warning(&self, id: &str) -> Result<Option<String>, ChannelError> {
        match self
            .api
            .get(self.api.url(&format!("/api/v1/statuses/{id}")))
            .await
        {
            Ok(page) => Ok(serde_json::from_slice::<Status>(&page.body)
                .ok()
                .and_then(|s| s.spoiler_text)
                .map(|w| crate::sanitize::one_line(w.trim()))
                .filter(|w| !w.is_empty())),
            Err(e) if e.is_transient() => Err(e),
            Err(_) => Ok(None),
        }
    }

    async fn do_reply(&self, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
        self.learn_limits().await;
        let warning = self.parent_warning(&req.in_reply_to).await?;
        let max = self.max_chars.load(Ordering::Relaxed);
        // Mastodon counts the content warning with the text.
        let cw = warning.as_deref().map_or(0, |w| {
            unicode_segmentation::UnicodeSegmentation::graphemes(w, true).count()
        });
        let len = length::status_length(&req.text, self.per_url.load(Ordering::Relaxed)) + cw;
        if len > max {
            let with = match &warning {
                Some(w) => format!(
                    ", with the content warning \"{}\" ({cw}) it keeps from the post it answers",
                    crate::fmt::truncate(w, 40)
                ),
                None => String::new(),
            };
            return Err(ChannelError::Rejected(format!(
                "the reply has {len} characters{with}; this server allows {max}"
            )));
        }
        if req.text.trim().is_empty() {
            return Err(ChannelError::Rejected("the reply is empty".into()));
        }
        let visibility = match req.visibility {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Followers => "private",
            Visibility::Direct => "direct",
        };
        let mut form = vec![
            ("status", req.text.as_str()),
            ("in_reply_to_id", req.in_reply_to.as_str()),
            ("visibility", visibility),
        ];
        if let Some(w) = &warning {
            form.push(("spoiler_text", w.as_str()));
        }
        let page = self
            .api
            .post_form("/api/v1/statuses", &form, Some(&req.idempotency_key))
            .await?;
        let s: Status = serde_json::from_slice(&page.body)
            .map_err(|e| ChannelError::Malformed(format!("the new status: {e}")))?;
        Ok(SentReply {
            created_at: s.created_at.parse().unwrap_or(Timestamp::now()),
            url: s.url.or(s.uri),
            remote_id: s.id,
        })
    }
}

fn author(a: &api::Account, host: &str) -> Author {
    let acct = if a.acct.is_empty() {
        &a.username
    } else {
        &a.acct
    };
    let handle = if acct.contains('@') {
        format!("@{acct}")
    } else {
        format!("@{acct}@{host}")
    };
    Author {
        handle,
        name: a.display_name.clone().unwrap_or_default(),
    }
}

/// A status that needs an answer, as an inbox item. `None` for what cannot be one (a reblog).
pub fn normalize(s: &Status, host: &str) -> Option<IncomingItem> {
    if s.reblog.is_some() {
        return None;
    }
    let visibility = match s.visibility.as_deref() {
        Some("direct") => Visibility::Direct,
        Some("private") => Visibility::Followers,
        Some("unlisted") => Visibility::Unlisted,
        _ => Visibility::Public,
    };
    let kind = if visibility == Visibility::Direct {
        Kind::Dm
    } else if s.quote.as_ref().is_some_and(|q| !q.is_null()) {
        Kind::Quote
    } else if s.in_reply_to_id.is_some() {
        Kind::Reply
    } else {
        Kind::Mention
    };
    Some(IncomingItem {
        remote_id: s.id.clone(),
        kind,
        author: author(&s.account, host),
        text: html::status_text(s),
        url: s.url.clone().or_else(|| s.uri.clone()),
        created_at: s.created_at.parse().ok()?,
        // The store adopts the parent's thread when it knows the parent.
        thread_root: s.in_reply_to_id.clone(),
        in_reply_to: s.in_reply_to_id.clone(),
        visibility,
    })
}

impl Channel for MastodonChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Mastodon
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: true,
            max_len: Some(self.max_chars.load(Ordering::Relaxed)),
            length_unit: LengthUnit::Mastodon {
                per_url: self.per_url.load(Ordering::Relaxed),
            },
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
