//! Conformance over every recorded YouTube Data API body (`../shared/youtube-corpus/`): each
//! file decodes with tinbox's own types, with as many items as the index says, the next
//! page exactly when `nextPageToken` is there, text from `textOriginal`, replies naming
//! their thread, and the error envelope read by its reason. Items become comments with the
//! video in their address.

mod support;

use serde_json::Value;
use support::fake_youtube::{corpus, held_thread, quota_body, read};
use tinbox::channels::youtube::api::{Comment, Page, Thread, Video, decode, error_in};
use tinbox::channels::youtube::comments::{HELD_MARKER, item};

fn bytes(dir: &std::path::Path, f: &str) -> Vec<u8> {
    std::fs::read(dir.join(f)).expect(f)
}

fn check_comment(c: &Comment, f: &str) {
    assert!(c.id.is_some(), "{f}: a comment without id");
    assert!(c.snippet.text_original.is_some(), "{f}: no textOriginal");
    assert!(c.snippet.published_at.is_some(), "{f}: no publishedAt");
}

#[test]
fn every_recorded_body_decodes_with_its_counts() {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/youtube-corpus is not present");
        return;
    };
    let index = read(&dir, "index.json");
    let files = index.as_array().expect("index");
    assert_eq!(files.len(), 24);
    let mut checked = 0;
    for e in files {
        let f = e["file"].as_str().expect("file");
        let body = bytes(&dir, f);
        let s = &e["summary"];
        let items = s["items"].as_u64().map(|n| n as usize);
        let next = s["nextPageToken"].as_bool().unwrap_or(false);
        let is_insert = f.ends_with("insert_response.json");
        match f.split('/').next().expect("folder") {
            "comment_threads" if is_insert => {
                let t: Thread = decode(&body, f).expect(f);
                check_comment(t.snippet.top_level_comment.as_ref().expect("top"), f);
            }
            "comment_threads" => {
                let p: Page<Thread> = decode(&body, f).expect(f);
                assert_eq!(Some(p.items.len()), items, "{f}");
                assert_eq!(p.next_page_token.is_some(), next, "{f}");
                for t in &p.items {
                    let top = t.snippet.top_level_comment.as_ref().expect("top");
                    check_comment(top, f);
                    assert_eq!(t.id, top.id, "{f}: a thread is its top-level comment");
                    let inline = t.replies.as_ref().map_or(0, |r| r.comments.len()) as u64;
                    assert!(inline <= t.snippet.total_reply_count.expect("count"), "{f}");
                    for r in t.replies.iter().flat_map(|r| &r.comments) {
                        check_comment(r, f);
                        assert_eq!(r.snippet.parent_id, t.id, "{f}");
                    }
                    let i = item(top, t.id.as_deref().expect("id"), None).expect("item");
                    assert_eq!(Some(&i.text), top.snippet.text_original.as_ref(), "{f}");
                    assert!(!i.text.contains("<br"), "{f}: HTML in the text");
                }
            }
            "comments" if is_insert => {
                let c: Comment = decode(&body, f).expect(f);
                check_comment(&c, f);
                let parent = c
                    .snippet
                    .parent_id
                    .clone()
                    .expect("a reply names its parent");
                assert!(
                    c.id.as_deref()
                        .expect("id")
                        .starts_with(&format!("{parent}."))
                );
            }
            "comments" => {
                let p: Page<Comment> = decode(&body, f).expect(f);
                assert_eq!(Some(p.items.len()), items, "{f}");
                assert_eq!(p.next_page_token.is_some(), next, "{f}");
                p.items.iter().for_each(|c| check_comment(c, f));
            }
            "videos" => {
                let p: Page<Video> = decode(&body, f).expect(f);
                assert_eq!(Some(p.items.len()), items, "{f}");
                assert!(p.items.iter().all(|v| v.snippet.title.is_some()), "{f}");
            }
            "channels" | "playlist_items" => {
                let p: Page<Value> = decode(&body, f).expect(f);
                assert_eq!(Some(p.items.len()), items, "{f}");
                assert_eq!(p.next_page_token.is_some(), next, "{f}");
            }
            "errors" => {
                let err = error_in(&body).expect("the error envelope");
                assert_eq!((err.code, err.reason()), (Some(400), Some("keyInvalid")));
            }
            other => panic!("{f}: unknown folder {other}"),
        }
        checked += 1;
    }
    assert_eq!(checked, 24);
}

#[test]
fn the_hand_built_cases_decode_too() {
    // Built from the API reference (the corpus has neither): a held thread, a quota error.
    let t: Thread = serde_json::from_value(held_thread()).expect("thread");
    let top = t.snippet.top_level_comment.as_ref().expect("top");
    let i = item(top, "T", t.snippet.video_id.as_deref()).expect("item");
    assert_eq!(i.text, format!("{HELD_MARKER} Where is my refund?"));
    assert!(
        i.url
            .as_deref()
            .is_some_and(|u| u.contains("v=JE8xdDp5B8Q"))
    );
    let e = error_in(quota_body().to_string().as_bytes()).expect("error");
    assert_eq!((e.code, e.reason()), (Some(403), Some("quotaExceeded")));
}
