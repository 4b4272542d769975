//! Typed decoders for the Graph API answers tinbox reads (Facebook Pages and Instagram).
//!
//! Every field is optional: Graph leaves out fields it was asked for (`from` on ordinary
//! users' comments, `caption` on uncaptioned media, `message` on attachment-only messages,
//! even `id` on some comment pages). An item that cannot be read is dropped, never the page.
//! Timestamps come as `2021-07-21T21:05:14+0000` (no colon in the offset). Batch lookups
//! (`?ids=a,b`) answer an object keyed by id; errors may come inside an HTTP 200 body.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `2021-07-21T21:05:14+0000` (Graph's form) or any RFC 3339 time.
pub fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    // `+HHMM` at the end: put the colon in that RFC 3339 wants.
    let (head, tail) = s.split_at(s.len().checked_sub(5)?);
    let sign_ok = tail.starts_with('+') || tail.starts_with('-');
    if !sign_ok || !tail[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    format!("{head}{}:{}", &tail[..3], &tail[3..]).parse().ok()
}

fn time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.as_ref().and_then(Value::as_str).and_then(parse_time))
}

/// A list whose unreadable items are dropped (one odd comment must not hide the rest).
fn lenient<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let v = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    Ok(v.into_iter()
        .filter_map(|x| serde_json::from_value(x).ok())
        .collect())
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Cursors {
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Paging {
    pub cursors: Option<Cursors>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// A paged edge: `{"data": [...], "paging": {...}}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
pub struct Edge<T> {
    #[serde(default, deserialize_with = "lenient")]
    pub data: Vec<T>,
    #[serde(default)]
    pub paging: Option<Paging>,
    #[serde(default)]
    pub summary: Option<Value>,
}

impl<T> Default for Edge<T> {
    fn default() -> Self {
        Edge {
            data: Vec::new(),
            paging: None,
            summary: None,
        }
    }
}

impl<T> Edge<T> {
    /// The cursor of the next page, or `None` at the end of the list. The end is a missing
    /// `next`, except that some edges give only `cursors.after` (no `next`, no `previous`):
    /// then the next request is built from the cursor (an empty page ends it).
    pub fn next_cursor(&self) -> Option<String> {
        let p = self.paging.as_ref()?;
        let after = p.cursors.as_ref().and_then(|c| c.after.clone());
        if p.next.is_some() {
            return after.or_else(|| p.next.as_deref().and_then(cursor_in_url));
        }
        if p.previous.is_none() && !self.data.is_empty() {
            return after;
        }
        None
    }
}

/// The `after=` parameter of a `paging.next` URL.
fn cursor_in_url(u: &str) -> Option<String> {
    let url = url::Url::parse(u).ok()?;
    url.query_pairs()
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
}

/// `?ids=a,b`: an object keyed by id.
pub type Batch<T> = BTreeMap<String, T>;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct IdOnly {
    pub id: Option<String>,
}

/// A person or Page: `from`, `to`, participants (the e-mail is a pseudo address).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct Party {
    pub id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// A Facebook comment (on a post, or a reply to a comment).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Comment {
    pub id: Option<String>,
    pub message: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub created_time: Option<Timestamp>,
    pub from: Option<Party>,
    pub permalink_url: Option<String>,
    pub parent: Option<IdOnly>,
    pub comment_count: Option<u64>,
    pub is_hidden: Option<bool>,
    pub can_hide: Option<bool>,
    pub can_reply_privately: Option<bool>,
    pub attachment: Option<Value>,
}

impl Comment {
    /// The comment's id, or `{post}_{comment}` derived from its permalink when Graph left
    /// `id` out (`?comment_id=C` or `&reply_comment_id=R`).
    pub fn key(&self) -> Option<String> {
        if let Some(id) = self.id.as_ref().filter(|i| !i.is_empty()) {
            return Some(id.clone());
        }
        let (post, comment, reply) = self.permalink_parts()?;
        Some(format!("{post}_{}", reply.unwrap_or(comment)))
    }

    /// The comment this one answers: `parent.id`, or the permalink's `comment_id` for a reply.
    pub fn parent_key(&self) -> Option<String> {
        if let Some(id) = self.parent.as_ref().and_then(|p| p.id.clone()) {
            return Some(id);
        }
        let (post, comment, reply) = self.permalink_parts()?;
        reply.map(|_| format!("{post}_{comment}"))
    }

    /// `(post, comment_id, reply_comment_id)` from a permalink
    /// `https://www.facebook.com/PAGE/posts/POST/?comment_id=C&reply_comment_id=R`.
    fn permalink_parts(&self) -> Option<(String, String, Option<String>)> {
        let url = url::Url::parse(self.permalink_url.as_deref()?).ok()?;
        let q = |k: &str| {
            url.query_pairs()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.into_owned())
        };
        let segs: Vec<&str> = url.path_segments()?.filter(|s| !s.is_empty()).collect();
        let post = segs
            .iter()
            .position(|s| *s == "posts" || *s == "videos" || *s == "photos")
            .and_then(|i| segs.get(i + 1))
            .map(|s| s.to_string())
            .or_else(|| q("story_fbid"))
            .or_else(|| q("fbid"))?;
        Some((post, q("comment_id")?, q("reply_comment_id")))
    }
}

/// A Page post (`/{page}/feed`, `/{post}`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Post {
    pub id: Option<String>,
    pub message: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub created_time: Option<Timestamp>,
    #[serde(default, deserialize_with = "time")]
    pub updated_time: Option<Timestamp>,
    pub permalink_url: Option<String>,
    pub comments: Option<Edge<Comment>>,
}

/// A Page's Messenger (or Instagram) conversation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Conversation {
    pub id: Option<String>,
    pub link: Option<String>,
    pub message_count: Option<u64>,
    pub unread_count: Option<u64>,
    pub snippet: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub updated_time: Option<Timestamp>,
    pub can_reply: Option<bool>,
    pub participants: Option<Edge<Party>>,
    pub senders: Option<Edge<Party>>,
    pub messages: Option<Edge<Message>>,
}

/// One Messenger message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Message {
    pub id: Option<String>,
    pub message: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub created_time: Option<Timestamp>,
    pub from: Option<Party>,
    pub to: Option<Edge<Party>>,
    pub attachments: Option<Edge<Value>>,
}

/// A Page (`/{page}`, `/me/accounts`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Page {
    pub id: Option<String>,
    pub name: Option<String>,
    pub username: Option<String>,
    pub tasks: Option<Vec<String>>,
}

/// An Instagram comment or reply.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IgComment {
    pub id: Option<String>,
    pub text: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub timestamp: Option<Timestamp>,
    /// Present for every commenter when asked for.
    pub username: Option<String>,
    /// Present only when the commenter is the account itself.
    pub user: Option<IdOnly>,
    pub hidden: Option<bool>,
    pub parent_id: Option<String>,
    pub media: Option<Box<IgMedia>>,
    pub replies: Option<Edge<IgComment>>,
}

/// An Instagram media object (own media, tagged media, mentioned media).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IgMedia {
    pub id: Option<String>,
    pub caption: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub timestamp: Option<Timestamp>,
    pub comments_count: Option<u64>,
    pub permalink: Option<String>,
    pub media_type: Option<String>,
    pub username: Option<String>,
    pub comments: Option<Edge<IgComment>>,
}

/// `/{ig-user}?fields=mentioned_comment...` / `mentioned_media...`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Mentioned {
    pub id: Option<String>,
    pub mentioned_comment: Option<IgComment>,
    pub mentioned_media: Option<IgMedia>,
}

/// A created object: `{"id": ...}` (more when `fields=` was asked).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Created {
    pub id: Option<String>,
    /// Messenger's Send API answers the message id here.
    pub message_id: Option<String>,
    pub recipient_id: Option<String>,
    #[serde(default, deserialize_with = "time")]
    pub created_time: Option<Timestamp>,
    pub permalink_url: Option<String>,
}

/// `{"error": {...}}`: the body of a failed call, or inside a 200 (token inspection).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct GraphError {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub code: Option<i64>,
    pub error_subcode: Option<i64>,
    pub fbtrace_id: Option<String>,
    pub error_user_msg: Option<String>,
}

/// The `error` object of a body, if it has one (whatever the HTTP status).
pub fn error_in(body: &[u8]) -> Option<GraphError> {
    #[derive(Deserialize)]
    struct Wrap {
        error: GraphError,
    }
    serde_json::from_slice::<Wrap>(body).ok().map(|w| w.error)
}

/// Decode `body` as `T`, with a short message naming what was expected.
pub fn decode<T: DeserializeOwned>(body: &[u8], what: &str) -> Result<T, String> {
    serde_json::from_slice(&super::super::lenient::json_body(body))
        .map_err(|e| format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_times_parse_with_and_without_the_colon() {
        let a = parse_time("2021-07-21T21:05:14+0000").expect("graph form");
        assert_eq!(a, parse_time("2021-07-21T21:05:14Z").expect("rfc 3339"));
        assert_eq!(
            parse_time("2021-07-21T23:05:14+0200").expect("offset"),
            a,
            "the offset is applied"
        );
        assert_eq!(parse_time("yesterday"), None);
        assert_eq!(parse_time("+0000"), None);
    }

    #[test]
    fn comment_keys_come_from_the_permalink_when_id_is_missing() {
        let c: Comment = serde_json::from_str(
            r#"{"permalink_url":"https://www.facebook.com/1/posts/22/?comment_id=33&reply_comment_id=44"}"#,
        )
        .expect("comment");
        assert_eq!(c.key().as_deref(), Some("22_44"));
        assert_eq!(c.parent_key().as_deref(), Some("22_33"));
        let top: Comment = serde_json::from_str(
            r#"{"permalink_url":"https://www.facebook.com/1/posts/22/?comment_id=33"}"#,
        )
        .expect("comment");
        assert_eq!(
            (top.key().as_deref(), top.parent_key()),
            (Some("22_33"), None)
        );
    }

    #[test]
    fn the_end_of_a_list_is_a_missing_next() {
        let e = |s: &str| serde_json::from_str::<Edge<IdOnly>>(s).expect("edge");
        let more = e(r#"{"data":[{"id":"1"}],"paging":{"cursors":{"after":"A"},"next":"x"}}"#);
        assert_eq!(more.next_cursor().as_deref(), Some("A"));
        let last = e(r#"{"data":[{"id":"1"}],"paging":{"cursors":{"after":"A"},"previous":"x"}}"#);
        assert_eq!(last.next_cursor(), None);
        let only_cursor = e(r#"{"data":[{"id":"1"}],"paging":{"cursors":{"after":"B"}}}"#);
        assert_eq!(only_cursor.next_cursor().as_deref(), Some("B"));
        assert_eq!(
            e(r#"{"data":[],"paging":{"cursors":{"after":"B"}}}"#).next_cursor(),
            None
        );
        assert_eq!(e(r#"{"data":[{"id":"1"}]}"#).next_cursor(), None);
    }
}
