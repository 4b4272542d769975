//! Conformance: the Graph decoders read every recorded real response in
//! `../shared/meta-corpus/` (when that folder is present) with exact counts: every item of
//! every page, every entry of every `?ids=` batch, every timestamp, every error code.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tinbox::channels::meta::graph::{
    Batch, Comment, Conversation, Edge, IgComment, IgMedia, Mentioned, Message, Page, Post, decode,
    error_in,
};
use tinbox::channels::meta::usage;

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/meta-corpus");
    dir.join("index.json").is_file().then_some(dir)
}

/// Decoded items and the timestamps found, per item.
trait Timed {
    fn time(&self) -> Option<Timestamp>;
}
impl Timed for Comment {
    fn time(&self) -> Option<Timestamp> {
        self.created_time
    }
}
impl Timed for Post {
    fn time(&self) -> Option<Timestamp> {
        self.created_time
    }
}
impl Timed for Message {
    fn time(&self) -> Option<Timestamp> {
        self.created_time
    }
}
impl Timed for Conversation {
    fn time(&self) -> Option<Timestamp> {
        self.updated_time
    }
}
impl Timed for IgComment {
    fn time(&self) -> Option<Timestamp> {
        self.timestamp
    }
}
impl Timed for IgMedia {
    fn time(&self) -> Option<Timestamp> {
        self.timestamp
    }
}
impl Timed for Page {
    fn time(&self) -> Option<Timestamp> {
        None
    }
}

/// The raw object's time key, if it has one.
fn raw_time(v: &Value) -> bool {
    ["created_time", "timestamp", "updated_time"]
        .iter()
        .any(|k| v.get(k).is_some())
}

/// A page: exactly `n` items, each with its timestamp read when the raw item has one.
fn edge<T: DeserializeOwned + Timed>(name: &str, body: &[u8], raw: &Value, n: usize) -> Edge<T> {
    let e: Edge<T> = decode(body, name).expect(name);
    assert_eq!(e.data.len(), n, "{name}: every item decodes");
    for (item, r) in e.data.iter().zip(raw["data"].as_array().expect("data")) {
        assert_eq!(item.time().is_some(), raw_time(r), "{name}: timestamp read");
    }
    e
}

fn one<T: DeserializeOwned + Timed>(name: &str, body: &[u8], raw: &Value) -> T {
    let x: T = decode(body, name).expect(name);
    assert_eq!(x.time().is_some(), raw_time(raw), "{name}: timestamp read");
    x
}

fn batch<T: DeserializeOwned + Timed>(name: &str, body: &[u8], raw: &Value) -> Batch<T> {
    let b: Batch<T> = decode(body, name).expect(name);
    let keys = raw.as_object().expect("keyed object").len();
    assert_eq!(b.len(), keys, "{name}: every entry decodes");
    assert!(b.values().all(|x| x.time().is_some()), "{name}: times");
    b
}

fn headers(raw: &Value) -> HeaderMap {
    let mut h = HeaderMap::new();
    for (k, v) in raw.as_object().expect("header map") {
        if let (Ok(n), Some(Ok(v))) = (
            HeaderName::from_bytes(k.as_bytes()),
            v.as_str().map(HeaderValue::from_str),
        ) {
            h.insert(n, v);
        }
    }
    h
}

#[test]
fn every_corpus_file_reads_through_the_decoders() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/meta-corpus is not present");
        return;
    };
    let index: Vec<Value> =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).expect("index"))
            .expect("index json");
    assert_eq!(index.len(), 44, "the corpus has 44 files");
    let mut checked = 0;
    for e in &index {
        let name = e["file"].as_str().expect("file");
        let body = std::fs::read(dir.join(name)).expect(name);
        let raw: Value = serde_json::from_slice(&body).expect(name);
        let n = e["summary"]["data_items"].as_u64().unwrap_or(0) as usize;
        let base = name.rsplit('/').next().unwrap_or(name);
        match name {
            n_ if n_.starts_with("facebook/comments/") && n > 0 => {
                let page: Edge<Comment> = edge(name, &body, &raw, n);
                // Every comment has a key, from `id` or its permalink, and keys are unique.
                let keys: std::collections::BTreeSet<_> =
                    page.data.iter().map(|c| c.key().expect(name)).collect();
                assert_eq!(keys.len(), n, "{name}: unique keys");
                let last = base.ends_with("_p2.json");
                assert_eq!(page.next_cursor().is_none(), last, "{name}: end of list");
            }
            "facebook/comments/comments_info.json" => {
                let b: Batch<Comment> = batch(name, &body, &raw);
                assert!(b.iter().all(|(k, c)| c.key().as_ref() == Some(k)));
            }
            "facebook/comments/comment_info.json"
            | "facebook/models/comment.json"
            | "facebook/comments/create_resp.json" => {
                let c: Comment = one(name, &body, &raw);
                assert!(c.key().is_some() && c.message.is_some(), "{name}");
            }
            "facebook/conversations/cvses_info.json" => {
                batch::<Conversation>(name, &body, &raw);
            }
            "facebook/conversations/cvs_info.json" | "facebook/models/conversation.json" => {
                let c: Conversation = one(name, &body, &raw);
                assert!(c.id.as_deref().is_some_and(|i| i.starts_with("t_")));
            }
            "facebook/messages/message_info.json" | "facebook/models/message.json" => {
                let m: Message = one(name, &body, &raw);
                assert_eq!(m.message.is_some(), raw.get("message").is_some(), "{name}");
                assert!(m.from.and_then(|f| f.id).is_some(), "{name}: sender");
                assert_eq!(m.attachments.map(|a| a.data.len()), Some(1), "{name}");
            }
            "facebook/posts/feeds_default_fields_p1.json" => {
                let p: Edge<Post> = edge(name, &body, &raw, n);
                assert!(
                    p.data
                        .iter()
                        .all(|p| p.id.is_some() && p.comments.is_some())
                );
                assert!(p.next_cursor().is_some(), "{name}: more posts");
            }
            "facebook/posts/single_post_data.json" => {
                let p: Post = one(name, &body, &raw);
                assert_eq!(p.comments.map(|c| c.data.len()), Some(0));
            }
            "facebook/pages/single_fields_page.json" => {
                let p: Page = decode(&body, name).expect(name);
                assert!(p.id.is_some() && p.name.is_some());
            }
            n_ if n_.starts_with("facebook/users/") => {
                let p: Edge<Page> = edge(name, &body, &raw, n);
                assert!(p.data.iter().all(|p| p.tasks.is_some()), "{name}: tasks");
            }
            n_ if (n_.starts_with("instagram/comments/")
                || n_.starts_with("instagram/replies/")
                || n_.starts_with("instagram/medias/comments_"))
                && n > 0 =>
            {
                let page: Edge<IgComment> = edge(name, &body, &raw, n);
                assert!(page.data.iter().all(|c| c.id.is_some() && c.text.is_some()));
                // Nested replies decode too, as many as the raw file has.
                for (c, r) in page.data.iter().zip(raw["data"].as_array().expect("data")) {
                    let raw_replies = r["replies"]["data"].as_array().map_or(0, Vec::len);
                    let got = c.replies.as_ref().map_or(0, |x| x.data.len());
                    assert_eq!(got, raw_replies, "{name}: nested replies");
                }
                let last = raw.get("paging").is_none();
                assert_eq!(page.next_cursor().is_none(), last, "{name}: end of list");
            }
            "instagram/comments/comments_fields.json"
            | "instagram/replies/replies_multi_default.json" => {
                batch::<IgComment>(name, &body, &raw);
            }
            "instagram/comments/comment_single_default.json"
            | "instagram/comments/comment_fields.json" => {
                let c: IgComment = one(name, &body, &raw);
                assert!(c.username.is_some() && c.text.is_some());
            }
            "instagram/medias/media_default.json" | "instagram/medias/owner_media_info.json" => {
                let m: IgMedia = one(name, &body, &raw);
                assert_eq!(m.caption.is_some(), raw.get("caption").is_some(), "{name}");
            }
            n_ if (n_.starts_with("instagram/users/") || n_.starts_with("instagram/mentions/"))
                && n > 0 =>
            {
                let page: Edge<IgMedia> = edge(name, &body, &raw, n);
                for (m, r) in page.data.iter().zip(raw["data"].as_array().expect("data")) {
                    assert_eq!(m.caption.is_some(), r.get("caption").is_some(), "{name}");
                }
                // tagged_user_medias_p1 has only `cursors.after`: the next page is built from it.
                let last = base.ends_with("_p2.json") || base == "tagged_medias.json";
                assert_eq!(page.next_cursor().is_none(), last, "{name}: end of list");
            }
            n_ if n_.starts_with("instagram/users/mentioned_")
                || n_.ends_with("mention_user_comment.json") =>
            {
                let m: Mentioned = decode(&body, name).expect(name);
                let c = m
                    .mentioned_comment
                    .map(|c| (c.timestamp.is_some(), c.text.is_some()));
                let media = m.mentioned_media.map(|x| x.id.is_some());
                assert!(c == Some((true, true)) || media == Some(true), "{name}");
            }
            "errors/error.json" => {
                let err = error_in(&body).expect("an error");
                assert_eq!(
                    (err.code, err.kind.as_deref()),
                    (Some(100), Some("OAuthException"))
                );
            }
            "errors/access_token_wrong.json" => {
                // Inside a 200 body: still an error.
                assert_eq!(error_in(&body).and_then(|e| e.code), Some(190));
            }
            "headers/instagram_response_headers.json" => {
                let u = usage::from_headers(&headers(&raw));
                assert_eq!((u.percent, u.regain_minutes), (72, Some(20)));
                assert!(!u.near() && !u.exhausted());
            }
            other => panic!("no decoder checks {other}"),
        }
        // No data file is mistaken for an error.
        if !name.starts_with("errors/") {
            assert!(error_in(&body).is_none(), "{name}");
        }
        checked += 1;
    }
    assert_eq!(checked, 44);
}
