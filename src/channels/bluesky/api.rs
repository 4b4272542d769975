//! The parts of Bluesky's lexicons tinbox reads, leniently: unknown fields are ignored, and
//! one entry tinbox cannot read is skipped, never the whole page.

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Profile {
    pub did: String,
    #[serde(default)]
    pub handle: String,
    #[serde(rename = "displayName", default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Notification {
    pub uri: String,
    #[serde(default)]
    pub cid: String,
    pub author: Profile,
    pub reason: String,
    #[serde(default)]
    pub record: Value,
    #[serde(rename = "indexedAt")]
    pub indexed_at: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct PostView {
    pub uri: String,
    pub cid: String,
    pub author: Profile,
    #[serde(default)]
    pub record: Value,
    #[serde(rename = "indexedAt", default)]
    pub indexed_at: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct StrongRef {
    pub uri: String,
    pub cid: String,
}

/// `app.bsky.feed.post#replyRef`.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ReplyRef {
    pub root: StrongRef,
    pub parent: StrongRef,
}

/// The post record's text.
pub fn text(record: &Value) -> String {
    record
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The record's `reply` refs, if it answers a post.
pub fn reply_ref(record: &Value) -> Option<ReplyRef> {
    serde_json::from_value(record.get("reply")?.clone()).ok()
}

pub fn created_at(record: &Value) -> Option<jiff::Timestamp> {
    record.get("createdAt")?.as_str()?.parse().ok()
}

/// Entries of a list that parse; the rest are counted and skipped.
pub fn lenient<T: for<'de> Deserialize<'de>>(v: Option<&Value>) -> (Vec<T>, usize) {
    let mut skipped = 0;
    let items = v
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|e| match serde_json::from_value(e.clone()) {
                    Ok(t) => Some(t),
                    Err(err) => {
                        skipped += 1;
                        let err = crate::sanitize::error_text(&err.to_string());
                        tracing::debug!("bluesky: skipped an entry tinbox cannot read: {err}");
                        None
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    (items, skipped)
}

/// The last path segment of an `at://did/collection/rkey` URI.
pub fn rkey(uri: &str) -> &str {
    uri.rsplit('/').next().unwrap_or(uri)
}

/// A web address for a post, for people (`https://bsky.app/profile/HANDLE/post/RKEY`).
pub fn web_url(handle_or_did: &str, uri: &str) -> String {
    format!(
        "https://bsky.app/profile/{handle_or_did}/post/{}",
        rkey(uri)
    )
}

/// A thread (`getPostThread`) flattened oldest first: the parents, the post, its replies.
pub fn flatten_thread(thread: &Value) -> Vec<PostView> {
    let mut parents = Vec::new();
    let mut p = thread.get("parent");
    while let Some(node) = p {
        if let Some(post) = post_of(node) {
            parents.push(post);
        }
        p = node.get("parent");
    }
    parents.reverse();
    let mut out = parents;
    out.extend(post_of(thread));
    let mut replies = Vec::new();
    collect_replies(thread, &mut replies, 0);
    replies.sort_by_key(|p| created_at(&p.record));
    out.extend(replies);
    out
}

fn post_of(node: &Value) -> Option<PostView> {
    serde_json::from_value(node.get("post")?.clone()).ok()
}

fn collect_replies(node: &Value, out: &mut Vec<PostView>, depth: usize) {
    if depth > 50 {
        return;
    }
    for r in node
        .get("replies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        out.extend(post_of(r));
        collect_replies(r, out, depth + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn post(uri: &str, text: &str, at: &str) -> Value {
        json!({"uri": uri, "cid": "c", "author": {"did": "did:x", "handle": "x.test"},
               "record": {"text": text, "createdAt": at}})
    }

    #[test]
    fn flattens_a_thread_in_reading_order() {
        let t = json!({
            "$type": "app.bsky.feed.defs#threadViewPost",
            "post": post("at://x/p/3", "three", "2026-11-22T10:03:00Z"),
            "parent": {"post": post("at://x/p/2", "two", "2026-11-22T10:02:00Z"),
                       "parent": {"post": post("at://x/p/1", "one", "2026-11-22T10:01:00Z")}},
            "replies": [
                {"post": post("at://x/p/5", "five", "2026-11-22T10:05:00Z")},
                {"post": post("at://x/p/4", "four", "2026-11-22T10:04:00Z"),
                 "replies": [{"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://gone"}]}
            ]
        });
        let texts: Vec<String> = flatten_thread(&t).iter().map(|p| text(&p.record)).collect();
        assert_eq!(texts, ["one", "two", "three", "four", "five"]);
    }

    #[test]
    fn skips_entries_it_cannot_read() {
        let v = json!([{"did": "did:a", "handle": "a.test"}, {"handle": "no did"}, 7]);
        let (ok, skipped) = lenient::<Profile>(Some(&v));
        assert_eq!((ok.len(), skipped), (1, 2));
        assert_eq!(
            rkey("at://did:plc:x/app.bsky.feed.post/3n2veyg3dks2s"),
            "3n2veyg3dks2s"
        );
    }
}
