//! The YouTube Data API v3 shapes tinbox reads: comment threads, comments, videos and the
//! error envelope. Every field is optional: the API leaves keys out by query type (`videoId`
//! on channel-level threads, `replies` on threads without replies, `pageInfo` on id
//! lookups), and one odd comment must not fail a whole page.

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// One page of a list (`commentThreads`, `comments`, `videos`). The next page exists iff
/// `nextPageToken` is present; `pageInfo.totalResults` counts this page only (not read).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    #[serde(default = "Vec::new")]
    pub items: Vec<T>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thread {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub snippet: ThreadSnippet,
    /// Absent on threads without replies; may hold fewer than `totalReplyCount`.
    #[serde(default)]
    pub replies: Option<Replies>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThreadSnippet {
    #[serde(default)]
    pub video_id: Option<String>,
    #[serde(default)]
    pub top_level_comment: Option<Comment>,
    #[serde(default)]
    pub total_reply_count: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Replies {
    #[serde(default)]
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub snippet: CommentSnippet,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommentSnippet {
    #[serde(default)]
    pub video_id: Option<String>,
    /// The plain text (`textDisplay` is HTML; a link shows only its label here).
    #[serde(default)]
    pub text_original: Option<String>,
    /// HTML by default; plain with `textFormat=plainText` (a fallback for `textOriginal`).
    #[serde(default)]
    pub text_display: Option<String>,
    #[serde(default)]
    pub parent_id: Option<String>,
    #[serde(default)]
    pub author_display_name: Option<String>,
    #[serde(default)]
    pub author_channel_id: Option<ChannelRef>,
    /// Only for the channel's owner: `heldForReview`, `likelySpam`, `published`, `rejected`.
    #[serde(default)]
    pub moderation_status: Option<String>,
    #[serde(default)]
    pub published_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChannelRef {
    #[serde(default)]
    pub value: Option<String>,
}

impl Comment {
    /// The author's channel id (absent for deleted authors).
    pub fn author_channel(&self) -> Option<&str> {
        self.snippet
            .author_channel_id
            .as_ref()
            .and_then(|c| c.value.as_deref())
    }

    /// Held for the channel's review (or classed as likely spam): not public yet.
    pub fn held(&self) -> bool {
        matches!(
            self.snippet.moderation_status.as_deref(),
            Some("heldForReview" | "likelySpam")
        )
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Video {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub snippet: VideoSnippet,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoSnippet {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub published_at: Option<Timestamp>,
}

/// `{"error": {"code", "message", "status"?, "errors": [{"domain", "reason", "message"}]}}`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub error: Option<ApiError>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApiError {
    #[serde(default)]
    pub code: Option<u16>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub errors: Vec<ErrorDetail>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ErrorDetail {
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

impl ApiError {
    /// `errors[0].reason`, what errors are mapped on (never the message text).
    pub fn reason(&self) -> Option<&str> {
        self.errors.first().and_then(|e| e.reason.as_deref())
    }
}

/// Decode `body` (invalid UTF-8 and lone surrogates replaced first); the error names `what`.
pub fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, String> {
    let body = crate::channels::lenient::json_body(body);
    serde_json::from_slice(&body).map_err(|e| format!("{what}: {e}"))
}

/// The error in a body, if it is the error envelope.
pub fn error_in(body: &[u8]) -> Option<ApiError> {
    decode::<ErrorBody>(body, "error").ok()?.error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_keys_are_none_and_reasons_come_from_the_first_error() {
        let t: Page<Thread> = decode(
            br#"{"items":[{"id":"T","snippet":{"topLevelComment":{"id":"T","snippet":{"textOriginal":"hi","moderationStatus":"heldForReview"}},"totalReplyCount":0}}]}"#,
            "page",
        )
        .expect("decodes");
        assert!(t.next_page_token.is_none());
        let c = t.items[0].snippet.top_level_comment.as_ref().expect("top");
        assert!(c.held() && c.author_channel().is_none() && t.items[0].replies.is_none());
        let e = error_in(
            br#"{"error":{"code":403,"message":"x","errors":[{"domain":"youtube.quota","reason":"quotaExceeded"}]}}"#,
        )
        .expect("an error");
        assert_eq!((e.code, e.reason()), (Some(403), Some("quotaExceeded")));
        assert!(error_in(br#"{"items":[]}"#).is_none());
    }
}
