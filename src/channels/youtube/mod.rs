//! YouTube (Data API v3): comments under the channel's videos become `comment` items
//! ([`comments`]), answered with `comments.insert` under the thread's top-level comment;
//! one typed client ([`client`]) counts the daily quota ([`quota`]) and renews access tokens
//! ([`oauth`]). Polls stop at a reserve kept for replies and are spaced so the day's
//! polling fits in what is left; a `quotaExceeded` waits for Google's next day.

pub mod account;
pub mod api;
pub mod client;
pub mod comments;
pub mod oauth;
pub mod quota;

use std::collections::BTreeMap;
use std::sync::Mutex;

use jiff::{SignedDuration, Timestamp};

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, ThreadEntry};
use api::{Comment, Page, Thread};
use client::Client;
use comments::Cursor;

/// YouTube's limit on a comment.
pub const MAX_LEN: usize = 10_000;

/// One channel's comments.
pub struct YoutubeChannel {
    c: Client,
    /// Ours (`UC…`): comments by it are our replies, not items.
    channel_id: String,
    /// Video titles seen (also kept in the cursor), for the thread view.
    titles: Mutex<BTreeMap<String, String>>,
    /// When the last poll began and what it cost, to space the next.
    last_poll: Mutex<Option<(Timestamp, u64)>>,
}

impl YoutubeChannel {
    pub fn new(c: Client, channel_id: &str) -> YoutubeChannel {
        YoutubeChannel {
            c,
            channel_id: channel_id.to_string(),
            titles: Mutex::new(BTreeMap::new()),
            last_poll: Mutex::new(None),
        }
    }

    pub fn client(&self) -> &Client {
        &self.c
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let now = Timestamp::now();
        let m = &self.c.meter;
        if let Some(until) = self.c.blocked_until(now) {
            return Err(ChannelError::RateLimited { until });
        }
        quota::may_poll(m.used(now), m.limit, now)
            .map_err(|until| ChannelError::RateLimited { until })?;
        let last = *self.last_poll.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((at, cost)) = last {
            let wait = quota::spacing(m.used(now), m.limit, cost, now);
            if SignedDuration::try_from(wait).is_ok_and(|w| now.duration_since(at) < w) {
                // Too soon for the quota: nothing asked, the cursor stays.
                return Ok(PollOutcome::default());
            }
        }
        let before = m.used(now);
        let mut cur: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let items = comments::poll(&self.c, &self.channel_id, &mut cur).await?;
        let cost = m.used(Timestamp::now()).saturating_sub(before).max(1);
        *self.last_poll.lock().unwrap_or_else(|e| e.into_inner()) = Some((now, cost));
        self.titles
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(cur.titles.clone());
        Ok(PollOutcome {
            items,
            cursor: serde_json::to_string(&cur).ok(),
            followers: Default::default(),
            noise: Vec::new(),
        })
    }

    /// The video (its title), the top-level comment and every reply, oldest first.
    async fn do_thread(&self, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
        let root = top_level(id);
        let page: Page<Thread> = self
            .c
            .list(
                "commentThreads",
                &[
                    ("part", "snippet,replies"),
                    ("id", root),
                    ("textFormat", "plainText"),
                ],
            )
            .await?;
        let t =
            page.items.into_iter().next().ok_or_else(|| {
                ChannelError::Rejected(format!("the comment thread {root} is gone"))
            })?;
        let (tid, all) = comments::thread_comments(&self.c, &t, |_, _| true).await?;
        let video = t
            .snippet
            .video_id
            .clone()
            .or_else(|| all.first().and_then(|c| c.snippet.video_id.clone()));
        let mut out: Vec<ThreadEntry> = all
            .iter()
            .filter_map(|c| {
                let i = comments::item(c, &tid, video.as_deref())?;
                Some(ThreadEntry {
                    outbound: c.author_channel() == Some(self.channel_id.as_str()),
                    remote_id: i.remote_id,
                    author: i.author,
                    text: i.text,
                    created_at: i.created_at,
                    item: None,
                })
            })
            .collect();
        out.sort_by_key(|e| e.created_at);
        if let Some(v) = video {
            let known = self
                .titles
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(&v)
                .cloned();
            let title = match known {
                Some(t) => Some(t),
                None => comments::titles(&self.c, std::slice::from_ref(&v))
                    .await
                    .ok()
                    .and_then(|mut m| m.remove(&v)),
            };
            if let Some(title) = title {
                let first = out.first().map_or_else(Timestamp::now, |e| e.created_at);
                out.insert(
                    0,
                    ThreadEntry {
                        remote_id: v,
                        author: Author::default(),
                        text: format!("Video: {title}"),
                        created_at: first,
                        outbound: true,
                        item: None,
                    },
                );
            }
        }
        Ok(out)
    }

    /// Answer under the thread's top-level comment, unless our answer is already there (a
    /// crash after YouTube took it and before tinbox recorded it).
    async fn do_reply(&self, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
        if req.text.chars().count() > MAX_LEN {
            return Err(ChannelError::Rejected(format!(
                "a YouTube comment has at most {MAX_LEN} characters"
            )));
        }
        let parent = top_level(&req.thread_root);
        let since = req
            .queued_at
            .checked_sub(SignedDuration::from_mins(1))
            .unwrap_or(req.queued_at);
        // Replies come newest first: ours, if sent, is on the first pages.
        let existing = comments::replies(&self.c, parent, 3).await?;
        if let Some(c) = existing.iter().find(|c| {
            c.author_channel() == Some(self.channel_id.as_str())
                && c.snippet.text_original.as_deref().map(str::trim) == Some(req.text.trim())
                && c.snippet.published_at.is_some_and(|t| t >= since)
        }) {
            return sent(c);
        }
        let body = serde_json::json!({
            "snippet": { "parentId": parent, "textOriginal": req.text }
        });
        let c: Comment = self
            .c
            .insert("comments", &[("part", "snippet")], &body)
            .await?;
        sent(&c)
    }

    /// "1,234 of 10,000 units today", and why polling waits when it does.
    fn usage_line(&self, now: Timestamp) -> String {
        let m = &self.c.meter;
        let mut line = m.line(now);
        if let Some(until) = self.c.blocked_until(now) {
            line.push_str(&format!(
                " · quota used up: YouTube calls resume at {}",
                super::clock_time(&until)
            ));
        } else if let Err(until) = quota::may_poll(m.used(now), m.limit, now) {
            line.push_str(&format!(
                " · polling paused until {} (the rest is kept for replies)",
                super::clock_time(&until)
            ));
        }
        line
    }
}

/// A reply's id is `<top-level id>.<suffix>`: the thread is the part before the dot.
fn top_level(id: &str) -> &str {
    id.split('.').next().unwrap_or(id)
}

fn sent(c: &Comment) -> Result<SentReply, ChannelError> {
    let id =
        c.id.clone()
            .ok_or_else(|| ChannelError::Malformed("the new comment has no id".into()))?;
    Ok(SentReply {
        url: c
            .snippet
            .video_id
            .as_ref()
            .map(|v| format!("https://www.youtube.com/watch?v={v}&lc={id}")),
        remote_id: id,
        created_at: c.snippet.published_at.unwrap_or_else(Timestamp::now),
    })
}

impl Channel for YoutubeChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Youtube
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: false,
            max_len: Some(MAX_LEN),
            length_unit: LengthUnit::Chars,
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

    fn usage(&self) -> Option<String> {
        Some(self.usage_line(Timestamp::now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_id_names_its_thread() {
        assert_eq!(top_level("Ugw5z.91zT3c"), "Ugw5z");
        assert_eq!(top_level("Ugw5z"), "Ugw5z");
    }

    /// A channel on port 9 (nothing answers there: any call would fail as a network error).
    fn offline(dir: &std::path::Path, limit: u64) -> YoutubeChannel {
        let meter = crate::channels::usage::Meter::new(
            dir,
            "yt",
            crate::channels::usage::Period::Day,
            limit,
            "units",
        );
        let auth = client::Auth::Command(std::sync::Arc::new(|| Ok("t".to_string())));
        let c = Client::new(
            "http://127.0.0.1:9/youtube/v3",
            auth,
            meter,
            std::time::Duration::from_secs(1),
        )
        .expect("loopback");
        YoutubeChannel::new(c, "UCours")
    }

    #[test]
    fn polls_too_close_for_the_quota_are_skipped_and_the_reserve_stops_them() {
        let dir = tempfile::tempdir().expect("dir");
        let ch = offline(dir.path(), 10_000);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let now = Timestamp::now();
        ch.c.meter.spend(9_000, now).expect("spend");
        // 500 above the reserve at 500 a poll: one poll for the rest of the day, so one
        // just now is too recent; nothing is asked and the cursor stays.
        *ch.last_poll.lock().expect("lock") = Some((now, 500));
        let skipped = rt.block_on(ch.poll(Some("{}"))).expect("skipped");
        assert_eq!(skipped, PollOutcome::default());
        assert!(
            ch.usage_line(now)
                .starts_with("9,000 of 10,000 units today")
        );
        ch.c.meter.spend(600, now).expect("spend");
        let e = rt.block_on(ch.poll(None)).expect_err("reserve");
        assert!(matches!(e, ChannelError::RateLimited { .. }), "{e}");
        assert!(ch.usage_line(now).contains("polling paused until"));
        // A reply may still go (it fails here only because nothing answers on port 9).
        let req = ReplyRequest {
            in_reply_to: "T.r".into(),
            thread_root: "T".into(),
            visibility: crate::model::Visibility::Public,
            text: "x".repeat(MAX_LEN + 1),
            idempotency_key: "k".into(),
            queued_at: now,
        };
        let long = rt.block_on(ch.send_reply(&req)).expect_err("too long");
        assert!(matches!(long, ChannelError::Rejected(_)), "{long}");
        let req = ReplyRequest {
            text: "Thanks".into(),
            ..req
        };
        let e = rt.block_on(ch.send_reply(&req)).expect_err("offline");
        assert!(matches!(e, ChannelError::Network(_)), "{e}");
    }
}
