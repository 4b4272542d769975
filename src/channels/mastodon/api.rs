//! Mastodon API entities, read leniently.
//!
//! Servers differ (Mastodon, GoToSocial, Akkoma) and grow new fields and notification types.
//! Every field that is not essential is optional with a default; a page is read as a list of
//! JSON values and each element on its own, so one entity we cannot read never fails the page.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Serializable too: the authenticated account is remembered between runs (`known.rs`).
#[derive(Debug, Clone, Deserialize, Serialize, Default, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    #[serde(default)]
    pub acct: String,
    #[serde(default)]
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers_count: Option<u64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Media {
    #[serde(rename = "type", default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct PollOption {
    #[serde(default)]
    pub title: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
pub struct Poll {
    #[serde(default)]
    pub options: Vec<PollOption>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    pub id: String,
    pub created_at: String,
    pub account: Account,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default)]
    pub spoiler_text: Option<String>,
    #[serde(default)]
    pub visibility: Option<String>,
    #[serde(default)]
    pub in_reply_to_id: Option<String>,
    #[serde(default)]
    pub in_reply_to_account_id: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub uri: Option<String>,
    #[serde(default)]
    pub media_attachments: Vec<Media>,
    #[serde(default)]
    pub poll: Option<Poll>,
    /// Quote posts (Mastodon 4.4+): present when this status quotes another.
    #[serde(default)]
    pub quote: Option<Value>,
    #[serde(default)]
    pub reblog: Option<Box<Status>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub status: Option<Status>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Conversation {
    pub id: String,
    #[serde(default)]
    pub last_status: Option<Status>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiError {
    pub error: String,
    #[serde(default)]
    pub error_description: Option<String>,
}

/// Read each element of a JSON array on its own; returns what could be read and how many
/// elements were skipped. A body that is not an array at all is an error.
pub fn lenient_list<T: for<'de> Deserialize<'de>>(body: &[u8]) -> Result<(Vec<T>, usize), String> {
    let values: Vec<Value> =
        serde_json::from_slice(body).map_err(|e| format!("expected a JSON list: {e}"))?;
    let mut out = Vec::with_capacity(values.len());
    let mut skipped = 0;
    for v in values {
        match serde_json::from_value::<T>(v) {
            Ok(t) => out.push(t),
            Err(e) => {
                skipped += 1;
                let e = crate::sanitize::error_text(&e.to_string());
                tracing::debug!("skipped an entity tinbox cannot read: {e}");
            }
        }
    }
    Ok((out, skipped))
}

/// Compare Mastodon ids: numeric strings of varying length; longer is newer.
pub fn id_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// The server's instance limits (`GET /api/v2/instance`, or v1: Pleroma and Akkoma say
/// `max_toot_chars` there), leniently.
pub fn max_characters(instance: &Value) -> Option<usize> {
    instance
        .pointer("/configuration/statuses/max_characters")
        .or_else(|| instance.get("max_toot_chars"))
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// What one link costs in a status (`characters_reserved_per_url`), leniently.
pub fn characters_per_url(instance: &Value) -> Option<usize> {
    instance
        .pointer("/configuration/statuses/characters_reserved_per_url")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| (1..=1000).contains(n))
}
