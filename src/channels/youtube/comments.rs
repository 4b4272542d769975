//! Comments on the channel as items: `commentThreads.list` over every thread related to the
//! channel (newest first, paged by `pageToken` until a page reaches what the cursor has
//! seen), once for published comments and once for those held for review; replies beyond
//! the few a thread inlines read with `comments.list?parentId=`; video titles looked up in
//! batches for the thread view. Our own channel's comments are not items.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::api::{Comment, Page, Thread, Video};
use super::client::Client;
use crate::channels::ChannelError;
use crate::model::{Author, IncomingItem, Kind, Visibility};

/// At most this many pages of one list per poll (a runaway token must end).
pub const MAX_PAGES: usize = 50;
/// The first sync reads at most this many pages of threads (a thousand): a big channel's
/// whole history would cost a day's quota.
pub const FIRST_PAGES: usize = 10;
/// What an item held for the channel's review starts with (it is not public yet).
pub const HELD_MARKER: &str = "[held for review]";
/// Titles and reply counts the cursor remembers (the most recent are kept).
const CURSOR_KEEP: usize = 500;

/// Where polling continues: the time the last poll began, the reply count of each thread
/// whose replies were read in full, and video titles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counts: BTreeMap<String, u64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: BTreeMap<String, String>,
}

impl Cursor {
    fn trim(&mut self) {
        while self.counts.len() > CURSOR_KEEP {
            self.counts.pop_first();
        }
        while self.titles.len() > CURSOR_KEEP {
            self.titles.pop_first();
        }
    }
}

fn published(c: &Comment) -> Option<Timestamp> {
    c.snippet.published_at
}

/// Every thread of one moderation status, newest first, back to the first page that holds
/// a thread older than `seen` (the whole list the first time).
async fn threads(
    c: &Client,
    channel_id: &str,
    moderation: Option<&str>,
    seen: Option<Timestamp>,
) -> Result<Vec<Thread>, ChannelError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..seen.map_or(FIRST_PAGES, |_| MAX_PAGES) {
        guard(c)?;
        let mut p = vec![
            ("part", "snippet,replies"),
            ("allThreadsRelatedToChannelId", channel_id),
            ("order", "time"),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(m) = moderation {
            p.push(("moderationStatus", m));
        }
        if let Some(t) = &token {
            p.push(("pageToken", t.as_str()));
        }
        let page: Page<Thread> = c.list("commentThreads", &p).await?;
        let reached_old = seen.is_some_and(|s| {
            page.items.iter().any(|t| {
                let top = t.snippet.top_level_comment.as_ref();
                top.and_then(published).is_some_and(|p| p < s)
            })
        });
        out.extend(page.items);
        match page.next_page_token {
            Some(n) if !reached_old && token.as_deref() != Some(n.as_str()) => token = Some(n),
            _ => break,
        }
    }
    Ok(out)
}

/// Polling stops where only the reserve for replies is left: the poll fails (nothing of it
/// is stored, the cursor stays) and is done again when the quota is back, so nothing is lost.
fn guard(c: &Client) -> Result<(), ChannelError> {
    let now = Timestamp::now();
    super::quota::may_poll(c.meter.used(now), c.meter.limit, now)
        .map_err(|until| ChannelError::RateLimited { until })
}

/// Every reply under a top-level comment, all pages.
pub async fn replies(
    c: &Client,
    parent: &str,
    max_pages: usize,
) -> Result<Vec<Comment>, ChannelError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..max_pages {
        let mut p = vec![
            ("part", "snippet"),
            ("parentId", parent),
            ("maxResults", "100"),
            ("textFormat", "plainText"),
        ];
        if let Some(t) = &token {
            p.push(("pageToken", t.as_str()));
        }
        let page: Page<Comment> = c.list("comments", &p).await?;
        out.extend(page.items);
        match page.next_page_token {
            Some(n) if token.as_deref() != Some(n.as_str()) => token = Some(n),
            _ => break,
        }
    }
    Ok(out)
}

/// The thread's comments: the top-level one, then its replies (read in full when the thread
/// inlines fewer than it has and `fetch` says so).
pub async fn thread_comments(
    c: &Client,
    t: &Thread,
    fetch: impl FnOnce(&str, u64) -> bool,
) -> Result<(String, Vec<Comment>), ChannelError> {
    let top = t.snippet.top_level_comment.clone().unwrap_or_default();
    let id = t.id.clone().or(top.id.clone()).unwrap_or_default();
    let inline = t
        .replies
        .as_ref()
        .map(|r| r.comments.clone())
        .unwrap_or_default();
    let total = t.snippet.total_reply_count.unwrap_or(0);
    let rest = if total > inline.len() as u64 && !id.is_empty() && fetch(&id, total) {
        replies(c, &id, MAX_PAGES).await?
    } else {
        inline
    };
    Ok((id, std::iter::once(top).chain(rest).collect()))
}

/// A comment as an item (`None` without an id). Its thread is the top-level comment.
pub fn item(c: &Comment, thread: &str, video: Option<&str>) -> Option<IncomingItem> {
    let id = c.id.clone()?;
    let s = &c.snippet;
    let text = s
        .text_original
        .clone()
        .or_else(|| s.text_display.clone())
        .unwrap_or_default();
    let text = if c.held() {
        format!("{HELD_MARKER} {text}")
    } else {
        text
    };
    let name = s.author_display_name.clone().unwrap_or_default();
    let handle = match (name.is_empty(), c.author_channel()) {
        (false, _) => name.clone(),
        (true, Some(ch)) => ch.to_string(),
        (true, None) => "YouTube user".into(),
    };
    let video = s.video_id.as_deref().or(video);
    Some(IncomingItem {
        url: video.map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}")),
        kind: Kind::Comment,
        author: Author { handle, name },
        text,
        created_at: published(c).unwrap_or_else(Timestamp::now),
        thread_root: Some(thread.to_string()),
        in_reply_to: s.parent_id.clone().or_else(|| video.map(String::from)),
        visibility: Visibility::Public,
        remote_id: id,
    })
}

/// New comments since the cursor (held ones marked), and the cursor moved on.
pub async fn poll(
    c: &Client,
    channel_id: &str,
    cur: &mut Cursor,
) -> Result<Vec<IncomingItem>, ChannelError> {
    let started = Timestamp::now();
    let seen = cur.seen;
    let mut found: BTreeMap<String, IncomingItem> = BTreeMap::new();
    let mut videos = BTreeSet::new();
    for moderation in [None, Some("heldForReview")] {
        for t in threads(c, channel_id, moderation, seen).await? {
            guard(c)?;
            let known = &cur.counts;
            let (id, comments) = thread_comments(c, &t, |id, total| {
                seen.is_none() || known.get(id) != Some(&total)
            })
            .await?;
            if let Some(total) = t.snippet.total_reply_count.filter(|n| *n > 0) {
                cur.counts.insert(id.clone(), total);
            }
            let video = t
                .snippet
                .video_id
                .clone()
                .or_else(|| comments.first().and_then(|c| c.snippet.video_id.clone()));
            for cm in &comments {
                let new = seen.is_none_or(|s| published(cm).is_none_or(|p| p >= s));
                if cm.author_channel() == Some(channel_id) || !new {
                    continue;
                }
                if let Some(i) = item(cm, &id, video.as_deref()) {
                    videos.extend(video.clone());
                    found.insert(i.remote_id.clone(), i);
                }
            }
        }
    }
    let unknown: Vec<String> = videos
        .into_iter()
        .filter(|v| !cur.titles.contains_key(v))
        .collect();
    if !unknown.is_empty() {
        guard(c)?;
    }
    cur.titles.extend(titles(c, &unknown).await?);
    // Next time, what came since this poll began (a minute of slack for clock skew).
    cur.seen = Some(
        started
            .checked_sub(jiff::SignedDuration::from_mins(1))
            .unwrap_or(started),
    );
    cur.trim();
    Ok(found.into_values().collect())
}

/// Titles of `ids`, fifty videos a call.
pub async fn titles(c: &Client, ids: &[String]) -> Result<BTreeMap<String, String>, ChannelError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(50) {
        let joined = chunk.join(",");
        let page: Page<Video> = c
            .list(
                "videos",
                &[
                    ("part", "snippet"),
                    ("id", joined.as_str()),
                    ("maxResults", "50"),
                ],
            )
            .await?;
        for v in page.items {
            if let (Some(id), Some(title)) = (v.id, v.snippet.title) {
                out.insert(id, title);
            }
        }
    }
    Ok(out)
}
