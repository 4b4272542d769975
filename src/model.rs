//! Domain types shared by every layer: items, their lifecycle, authors, threads and history.
//!
//! Names follow `../shared/design.md`: an *item* is one inbound thing that may need a
//! response; it is identified locally by [`ItemId`] and remotely by `(account, remote_id)`.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

mod row;
pub use row::{ItemRow, RowBuilder, RowItem};

/// Local identifier of an item; printed by `list --json` and taken by every command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemId(pub i64);

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for ItemId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim()
            .trim_start_matches('#')
            .parse::<i64>()
            .map(ItemId)
            .map_err(|_| {
                format!("not an item id: {s:?} (ids are the numbers shown by `tinbox list`)")
            })
    }
}

/// A type's name as words for messages: `ChannelKind` → "channel kind".
fn type_words(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_uppercase() && !out.is_empty() {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// An enum written as fixed strings. Its parse error names the type in words (or as
/// `Name as "label"` says) and what it takes: "unknown channel kind 'x' (expected: …)".
macro_rules! string_enum {
    (@label $name:ident) => { type_words(stringify!($name)) };
    (@label $name:ident $label:literal) => { $label };
    ($(#[$m:meta])* $name:ident $(as $label:literal)? { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] $var),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $s),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // The input is quoted with its control characters escaped (it may be pasted).
                match s { $($s => Ok($name::$var),)+ _ => Err(format!(
                    "unknown {} '{}' (expected: {})", string_enum!(@label $name $($label)?),
                    s.escape_debug(), [$($s),+].join(", "))) }
            }
        }
    };
}

string_enum!(
    /// The kind of network an account is on.
    ChannelKind {
        Mastodon => "mastodon", Bluesky => "bluesky", Feed => "feed", Demo => "demo",
        Facebook => "facebook", Instagram => "instagram", Email => "email",
        X => "x",
        Youtube => "youtube"
    }
);

string_enum!(
    /// What an inbound item is.
    Kind {
        Mention => "mention", Reply => "reply", Quote => "quote", Dm => "dm", Entry => "entry",
        /// A public comment on one of our posts (Facebook, Instagram, YouTube).
        Comment => "comment",
        /// A mail to one of our addresses.
        Email => "email"
    }
);

string_enum!(
    /// Lifecycle state of an item (see the design's "Item lifecycle").
    Status {
        New => "new", Replied => "replied", Pending => "pending", Snoozed => "snoozed",
        FollowUp => "follow_up", Done => "done", Ignored => "ignored"
    }
);

string_enum!(
    /// Triage priority.
    Priority { Low => "low", Normal => "normal", High => "high", Urgent => "urgent" }
);

string_enum!(
    /// Audience of a post. A reply never widens the audience of the item it answers.
    Visibility { Public => "public", Unlisted => "unlisted", Followers => "followers", Direct => "direct" }
);

impl Status {
    /// Open items still need something from us (they appear in the default inbox view).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::New | Status::Pending | Status::Snoozed | Status::FollowUp
        )
    }
}

/// Which response the timer of an item measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerTarget {
    /// From the first inbound message to our first reply in the thread.
    FirstResponse,
    /// From the oldest unanswered inbound message after our last reply.
    NextResponse,
}

impl TimerTarget {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerTarget::FirstResponse => "first_response",
            TimerTarget::NextResponse => "next_response",
        }
    }
}

/// Who wrote something, as the channel reports it (already sanitized).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Author {
    /// The channel's handle, e.g. `@kim@example.social`.
    pub handle: String,
    /// Display name; may be empty.
    pub name: String,
}

/// A normalized inbound post as a channel produces it, before the store gives it an id.
/// Text fields must already be plain text (HTML converted); the store sanitizes again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingItem {
    /// The channel's own id of the post that needs an answer (status id, at:// URI, guid).
    pub remote_id: String,
    pub kind: Kind,
    pub author: Author,
    pub text: String,
    pub url: Option<String>,
    pub created_at: Timestamp,
    /// Remote id of the thread root; items sharing it form one thread. `None`: its own thread.
    pub thread_root: Option<String>,
    /// Remote id of the post this one answers, if any.
    pub in_reply_to: Option<String>,
    pub visibility: Visibility,
}

/// An item as stored, with its local state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub id: ItemId,
    pub account: String,
    pub channel: ChannelKind,
    pub kind: Kind,
    pub remote_id: String,
    pub url: Option<String>,
    pub author: Author,
    pub text: String,
    pub created_at: Timestamp,
    /// When this copy of tinbox first saw the item.
    pub first_seen_at: Timestamp,
    pub status: Status,
    pub priority: Priority,
    pub tags: Vec<String>,
    pub assignee: Option<String>,
    /// Local thread key: `thread_root` of the incoming item, or its own remote id.
    pub thread_root: String,
    pub in_reply_to: Option<String>,
    pub visibility: Visibility,
    /// Response clock: which target it measures and since when; `None` once answered.
    pub timer_target: TimerTarget,
    pub waiting_since: Option<Timestamp>,
    /// Seconds the clock has been paused (pending) since `waiting_since`.
    pub paused_secs: i64,
    /// When the current pause (pending/snooze) began, if paused now.
    pub paused_since: Option<Timestamp>,
    pub snoozed_until: Option<Timestamp>,
    pub first_response_at: Option<Timestamp>,
    /// Read by the local user.
    pub read: bool,
    /// An unsent draft reply exists.
    pub has_draft: bool,
}

/// One message of a thread, inbound or ours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadEntry {
    pub remote_id: String,
    pub author: Author,
    pub text: String,
    pub created_at: Timestamp,
    /// `true` for replies we sent.
    pub outbound: bool,
    /// Local item id when this entry is an item of ours.
    pub item: Option<ItemId>,
}

/// One recorded state change: who, when, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: Timestamp,
    pub who: String,
    pub from: Option<Status>,
    pub to: Status,
    pub why: String,
}

/// An item with its thread and history, for the detail pane and `show`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDetail {
    pub item: Item,
    pub thread: Vec<ThreadEntry>,
    pub history: Vec<HistoryEntry>,
    pub draft: Option<String>,
    /// The item's open follow-up (its case number goes into `{case}`).
    pub follow_up: Option<FollowUp>,
}

string_enum!(
    /// Where a reply is on its way out.
    OutboxState { Queued => "queued", Sending => "sending", Sent => "sent", Failed => "failed" }
);

/// A reply in the durable outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub item: ItemId,
    pub text: String,
    /// Chosen once when queued; every attempt sends it.
    pub idempotency_key: String,
    pub state: OutboxState,
    pub attempts: u32,
    pub last_error: Option<String>,
    pub next_attempt_at: Timestamp,
    pub remote_id: Option<String>,
    pub created_at: Timestamp,
}

string_enum!(
    /// How a conversation is taken offline.
    FollowUpMethod as "follow-up method" { Phone => "phone", Email => "email", Dm => "dm", InPerson => "in-person", Other => "other" }
);

/// A new follow-up, as the user fills it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpInput {
    pub method: FollowUpMethod,
    pub contact: Option<String>,
    pub due_at: Option<Timestamp>,
    pub assignee: Option<String>,
    pub note: Option<String>,
}

/// An item taken offline, with its case number and designated person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: i64,
    pub item: ItemId,
    pub case_number: String,
    pub method: FollowUpMethod,
    pub contact: Option<String>,
    pub due_at: Option<Timestamp>,
    pub assignee: Option<String>,
    pub note: Option<String>,
    pub outcome: Option<String>,
    pub created_at: Timestamp,
    pub closed_at: Option<Timestamp>,
}
