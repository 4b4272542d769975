//! Channels: the networks tinbox polls and replies on.
//!
//! Every channel (Mastodon, Bluesky, feeds, the demo) implements [`Channel`]. A poller task
//! per account ([`poller`]) drives `poll` on an interval with jitter and backoff; the store
//! dedups by `(account, remote_id)`.

pub mod bluesky;
pub mod demo;
pub mod email;
pub mod feed;
pub mod lenient;
pub mod mastodon;
pub mod meta;
pub mod net;
pub mod poller;
pub mod usage;
pub mod x;
pub mod youtube;

use std::future::Future;
use std::pin::Pin;

use jiff::Timestamp;

// The wall-clock text moved to the bottom layer; the name stays for callers outside the app.
pub use crate::clock::clock_time;
use crate::model::{ChannelKind, IncomingItem, ThreadEntry, Visibility};

/// A boxed future, so that channels can be used as `dyn Channel`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How a channel counts the length of a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    Chars,
    Graphemes,
    /// Mastodon's rule: a link costs `per_url` characters, a remote mention counts its
    /// `@username`, the rest counts in graphemes.
    Mastodon {
        per_url: usize,
    },
    /// X's weighted count: links 23, CJK and emoji 2, the rest 1 ([`x::length`]).
    X,
}

impl LengthUnit {
    /// The length of `text` as this network counts it.
    pub fn count(self, text: &str) -> usize {
        use unicode_segmentation::UnicodeSegmentation;
        match self {
            LengthUnit::Chars => text.chars().count(),
            LengthUnit::Graphemes => text.graphemes(true).count(),
            LengthUnit::Mastodon { per_url } => mastodon::length::status_length(text, per_url),
            LengthUnit::X => x::length::weighted_length(text),
        }
    }
}

/// What a channel can do; the UI adapts (e.g. a feed offers "open link" instead of reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub can_reply: bool,
    pub can_dm: bool,
    /// Maximum length of a reply, if the network has one.
    pub max_len: Option<usize>,
    pub length_unit: LengthUnit,
}

impl Capabilities {
    /// An account without a working client: nothing can be done on it.
    pub fn none() -> Capabilities {
        Capabilities {
            can_reply: false,
            can_dm: false,
            max_len: None,
            length_unit: LengthUnit::Chars,
        }
    }
}

/// Result of one poll: new or updated items, and the cursor to poll from next time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollOutcome {
    pub items: Vec<IncomingItem>,
    /// Opaque cursor stored per account; `None` keeps the previous one.
    pub cursor: Option<String>,
    /// Follower counts of the items' authors, by handle, where the channel reports them
    /// (for rules like "more than 10,000 followers"; not stored).
    pub followers: std::collections::HashMap<String, u64>,
    /// Remote ids of automatic mail (auto-replies, bounces, bulk, receipts): the poller tags
    /// them `noise` and sets them aside (ignored: they never breach).
    pub noise: Vec<String>,
}

/// A reply to send, in the thread of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyRequest {
    /// Remote id of the item being answered.
    pub in_reply_to: String,
    /// Remote id of the thread root.
    pub thread_root: String,
    /// Same audience as the item; never wider unless the user confirmed.
    pub visibility: Visibility,
    pub text: String,
    /// Chosen once when the reply is queued; a retry with the same key never posts twice.
    pub idempotency_key: String,
    /// When the reply was queued (stored with it; Bluesky derives the record key from it).
    pub queued_at: Timestamp,
}

/// A reply the network accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReply {
    pub remote_id: String,
    pub url: Option<String>,
    pub created_at: Timestamp,
}

/// Errors a channel reports. `is_transient` tells the poller and outbox whether to retry.
/// Their texts often quote remote bytes (a server's message, a parser's complaint), so every
/// one is formatted through [`crate::sanitize::error_text`]: whoever prints an error prints
/// clean text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChannelError {
    #[error("network error: {}", remote(.0))]
    Network(String),
    #[error("rate limited until {}", clock_time(until))]
    RateLimited { until: Timestamp },
    #[error("not authorized: {}", remote(.0))]
    Auth(String),
    #[error("server error {status}: {}", remote(message))]
    Server { status: u16, message: String },
    #[error("the server sent something tinbox cannot read: {}", remote(.0))]
    Malformed(String),
    #[error("rejected: {}", remote(.0))]
    Rejected(String),
    #[error("not supported on this channel: {}", remote(.0))]
    Unsupported(String),
}

fn remote(text: &str) -> String {
    crate::sanitize::error_text(text)
}

/// Text a reply starts with: Mastodon delivers a reply (a DM above all) only to the
/// accounts it mentions, so the author is mentioned first.
pub fn reply_prefix(item: &crate::model::Item) -> String {
    match item.channel {
        ChannelKind::Mastodon if !item.author.handle.is_empty() => {
            format!("{} ", item.author.handle)
        }
        _ => String::new(),
    }
}

impl ChannelError {
    /// Worth retrying later with the same request (network trouble, 5xx, rate limit).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ChannelError::Network(_)
                | ChannelError::RateLimited { .. }
                | ChannelError::Server { .. }
        )
    }
}

/// One connected account's network client.
pub trait Channel: Send + Sync {
    fn kind(&self) -> ChannelKind;
    fn capabilities(&self) -> Capabilities;
    /// Fetch everything newer than `cursor` (all of it, paging through gaps).
    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>>;
    /// The conversation around a post, oldest first.
    fn fetch_thread<'a>(
        &'a self,
        remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>>;
    /// Send a reply in the item's thread.
    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>>;
    /// What a metered network has spent of its allowance ([`usage::Meter::line`]: "1,234 of
    /// 10,000 reads this month"), for `account list` and the status bar; `None` elsewhere.
    fn usage(&self) -> Option<String> {
        None
    }
    /// Hide a public comment from everyone but its author (moderation of spam and abuse).
    /// Never a deletion: a network without a way to hide refuses, and tinbox deletes nothing.
    fn hide<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), ChannelError>> {
        let _ = remote_id;
        let network = self.kind();
        Box::pin(async move {
            Err(ChannelError::Unsupported(format!(
                "{network} has no way to hide a post; tinbox never deletes"
            )))
        })
    }
    /// A network that announces news (IMAP IDLE): a future that runs while the poller does
    /// and calls `wake` each time something arrives, so the account is polled at once rather
    /// than at its interval. It reconnects by itself and never ends on an error. `None` (the
    /// default): the interval alone decides.
    fn watch(&self, wake: std::sync::Arc<tokio::sync::Notify>) -> Option<BoxFuture<'_, ()>> {
        let _ = wake;
        None
    }
}
