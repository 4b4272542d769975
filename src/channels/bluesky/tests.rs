//! Normalizing Bluesky notifications into items.

use super::*;

#[test]
fn a_reply_notification_becomes_a_reply_in_its_thread() {
    let n: Notification = serde_json::from_value(json!({
        "uri": "at://did:plc:bob/app.bsky.feed.post/3n2veyfymnk2s", "cid": "c",
        "author": {"did": "did:plc:bob", "handle": "bob.test", "displayName": "Bob"},
        "reason": "reply", "indexedAt": "2026-11-22T10:14:06.024Z",
        "record": {"text": "Hi alice", "createdAt": "2026-11-22T10:14:06.000Z",
                   "reply": {"root": {"uri": "at://did:plc:alice/app.bsky.feed.post/root", "cid": "r"},
                             "parent": {"uri": "at://did:plc:alice/app.bsky.feed.post/mid", "cid": "p"}}}
    }))
    .expect("notification");
    let it = normalize(&n).expect("item");
    assert_eq!(it.kind, Kind::Reply);
    assert_eq!(it.author.handle, "@bob.test");
    assert_eq!(
        it.thread_root.as_deref(),
        Some("at://did:plc:alice/app.bsky.feed.post/root")
    );
    assert_eq!(
        it.in_reply_to.as_deref(),
        Some("at://did:plc:alice/app.bsky.feed.post/mid")
    );
    assert_eq!(
        it.url.as_deref(),
        Some("https://bsky.app/profile/bob.test/post/3n2veyfymnk2s")
    );
    assert_eq!(it.created_at.to_string(), "2026-11-22T10:14:06Z");
}
