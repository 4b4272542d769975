//! Writing to X: a reply to a post (`POST /2/tweets` with `reply.in_reply_to_tweet_id`), a
//! direct message answered as one (`POST /2/dm_conversations/with/:participant_id/messages`;
//! a group conversation by its id), hiding a reply (`PUT /2/tweets/:id/hidden`, never a
//! deletion), and a post's thread.
//!
//! X has no idempotency key. A small journal file per account holds the keys of replies
//! being sent: a key still there when the same reply is sent again (the process died, or the
//! network failed, after the request left) means it may be out already, so our recent posts
//! in the conversation (or the DM conversation's events) are searched for the same text
//! first. A fresh reply costs no lookup.

use std::path::Path;

use jiff::Timestamp;
use reqwest::Method;
use serde_json::json;

use super::XChannel;
use super::api::{DmEvent, DmSent, Hidden, Tweet};
use super::client::Call;
use super::length::{MAX_WEIGHT, weighted_length};
use super::poll::DM_PREFIX;
use crate::channels::{ChannelError, ReplyRequest, SentReply};
use crate::model::{Author, ThreadEntry, Visibility};

pub const POST_TWEET: &str = "POST /2/tweets";
pub const POST_DM: &str = "POST /2/dm_conversations";
const SEARCH: &str = "GET /2/tweets/search/recent";

/// Send `req` (once: see the journal above).
pub async fn send(x: &XChannel, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
    let weight = weighted_length(&req.text);
    if weight > MAX_WEIGHT {
        return Err(ChannelError::Rejected(format!(
            "the reply weighs {weight} of X's {MAX_WEIGHT} (links 23, CJK and emoji 2)"
        )));
    }
    let me = x.me(None).await?;
    let dm = req.visibility == Visibility::Direct || req.in_reply_to.starts_with(DM_PREFIX);
    let key = req.idempotency_key.as_str();
    let journal = x.journal.as_deref();
    if journal.is_some_and(|j| keys(j).iter().any(|k| k == key)) {
        let found = if dm {
            sent_dm(x, &me, req).await?
        } else {
            sent_tweet(x, &me, req).await?
        };
        if let Some(s) = found {
            forget(journal, key);
            return Ok(s);
        }
    }
    if let Some(j) = journal {
        edit(j, |ks| ks.push(key.to_string()));
    }
    let r = if dm {
        post_dm(x, &me, req).await
    } else {
        post_tweet(x, req).await
    };
    // A refusal is final (nothing went out); an unknown outcome keeps the key for a lookup.
    if r.as_ref().map_or_else(|e| !e.is_transient(), |_| true) {
        forget(journal, key);
    }
    r
}

async fn post_tweet(x: &XChannel, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
    let env = x
        .client
        .call::<Tweet>(Call {
            method: Method::POST,
            path: &["2", "tweets"],
            query: &[],
            body: Some(json!({
                "text": req.text,
                "reply": {"in_reply_to_tweet_id": req.in_reply_to},
            })),
            bucket: POST_TWEET,
        })
        .await?;
    let id = env
        .items()
        .0
        .into_iter()
        .find_map(|t| t.id)
        .ok_or_else(|| ChannelError::Malformed("the new post has no id".into()))?;
    Ok(SentReply {
        url: Some(format!("https://x.com/i/web/status/{id}")),
        remote_id: id,
        created_at: Timestamp::now(),
    })
}

/// The other participant of a one-to-one conversation `lo-hi`; `None` for a group.
fn participant<'a>(conversation: &'a str, me: &str) -> Option<&'a str> {
    let (a, b) = conversation.split_once('-')?;
    Some(if a == me { b } else { a })
}

fn dm_path<'a>(root: &'a str, me: &str, tail: &'a str) -> Vec<&'a str> {
    match participant(root, me) {
        Some(p) => vec!["2", "dm_conversations", "with", p, tail],
        None => vec!["2", "dm_conversations", root, tail],
    }
}

async fn post_dm(x: &XChannel, me: &str, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
    let root = req.thread_root.as_str();
    if root.starts_with(DM_PREFIX) {
        return Err(ChannelError::Unsupported(
            "X did not say who sent this message; answer it on X".into(),
        ));
    }
    let env = x
        .client
        .call::<DmSent>(Call {
            method: Method::POST,
            path: &dm_path(root, me, "messages"),
            query: &[],
            body: Some(json!({ "text": req.text })),
            bucket: POST_DM,
        })
        .await?;
    let id = env
        .items()
        .0
        .into_iter()
        .find_map(|d| d.dm_event_id)
        .ok_or_else(|| ChannelError::Malformed("the new message has no id".into()))?;
    Ok(SentReply {
        remote_id: format!("{DM_PREFIX}{id}"),
        url: None,
        created_at: Timestamp::now(),
    })
}

/// X escapes `&`, `<` and `>` in the text it returns.
fn same_text(theirs: Option<&str>, ours: &str) -> bool {
    theirs.is_some_and(|t| {
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
            == ours
    })
}

/// Our post in the conversation with the reply's text, if it went out.
async fn sent_tweet(
    x: &XChannel,
    me: &str,
    req: &ReplyRequest,
) -> Result<Option<SentReply>, ChannelError> {
    let query = format!("from:{me} conversation_id:{}", req.thread_root);
    let env = x
        .client
        .call::<Tweet>(Call {
            method: Method::GET,
            path: &["2", "tweets", "search", "recent"],
            query: &[
                ("query", query.as_str()),
                ("max_results", "10"),
                ("tweet.fields", "created_at,author_id,conversation_id"),
            ],
            body: None,
            bucket: SEARCH,
        })
        .await?;
    let (tweets, _, _) = env.items();
    x.spend(tweets.len());
    Ok(tweets
        .into_iter()
        .find(|t| same_text(t.text.as_deref(), &req.text))
        .and_then(|t| {
            Some(SentReply {
                url: t
                    .id
                    .as_ref()
                    .map(|i| format!("https://x.com/i/web/status/{i}")),
                remote_id: t.id?,
                created_at: t.created_at.unwrap_or_else(Timestamp::now),
            })
        }))
}

/// Our message in the DM conversation with the reply's text, if it went out.
async fn sent_dm(
    x: &XChannel,
    me: &str,
    req: &ReplyRequest,
) -> Result<Option<SentReply>, ChannelError> {
    let root = req.thread_root.as_str();
    if root.starts_with(DM_PREFIX) {
        return Ok(None);
    }
    let env = x
        .client
        .call::<DmEvent>(Call {
            method: Method::GET,
            path: &dm_path(root, me, "dm_events"),
            query: &[
                ("max_results", "20"),
                ("dm_event.fields", "id,text,created_at,sender_id"),
            ],
            body: None,
            bucket: "GET /2/dm_conversations/dm_events",
        })
        .await?;
    let (events, _, _) = env.items();
    x.spend(events.len());
    Ok(events
        .into_iter()
        .find(|e| e.sender_id.as_deref() == Some(me) && same_text(e.text.as_deref(), &req.text))
        .and_then(|e| {
            Some(SentReply {
                remote_id: format!("{DM_PREFIX}{}", e.id?),
                url: None,
                created_at: e.created_at.unwrap_or_else(Timestamp::now),
            })
        }))
}

/// Hide a reply to one of our posts (never delete it); a DM is refused without a call.
pub async fn hide(x: &XChannel, id: &str) -> Result<(), ChannelError> {
    if id.starts_with(DM_PREFIX) {
        return Err(ChannelError::Unsupported(
            "a direct message cannot be hidden, only a reply; tinbox never deletes".into(),
        ));
    }
    let env = x
        .client
        .call::<Hidden>(Call {
            method: Method::PUT,
            path: &["2", "tweets", id, "hidden"],
            query: &[],
            body: Some(json!({"hidden": true})),
            bucket: "PUT /2/tweets/:id/hidden",
        })
        .await?;
    match env.items().0.first().and_then(|h| h.hidden) {
        Some(false) => Err(ChannelError::Rejected("X did not hide the reply".into())),
        _ => Ok(()),
    }
}

/// A post and the post it answers (two reads at most); a DM's conversation is not fetched
/// (its events cost reads and the message is in the item).
pub async fn thread(x: &XChannel, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
    if id.starts_with(DM_PREFIX) {
        return Ok(Vec::new());
    }
    let env = x
        .client
        .call::<Tweet>(Call {
            method: Method::GET,
            path: &["2", "tweets", id],
            query: &[
                ("expansions", "referenced_tweets.id,author_id"),
                (
                    "tweet.fields",
                    "created_at,author_id,conversation_id,referenced_tweets",
                ),
                ("user.fields", "username,name"),
            ],
            body: None,
            bucket: "GET /2/tweets/:id",
        })
        .await?;
    let me = x.cached_me();
    let (tweets, inc, _) = env.items();
    x.spend(tweets.len() + inc.tweets.len());
    let parent = tweets
        .first()
        .and_then(|t| t.referenced("replied_to"))
        .and_then(|p| inc.tweets.iter().find(|t| t.id.as_deref() == Some(p)));
    let mut out: Vec<ThreadEntry> = parent
        .into_iter()
        .chain(tweets.iter())
        .filter_map(|t| {
            let user = inc.user(t.author_id.as_deref());
            Some(ThreadEntry {
                remote_id: t.id.clone()?,
                author: Author {
                    handle: user.and_then(|u| u.username.as_ref()).map_or_else(
                        || t.author_id.clone().unwrap_or_default(),
                        |n| format!("@{n}"),
                    ),
                    name: user.and_then(|u| u.name.clone()).unwrap_or_default(),
                },
                text: t.text.clone().unwrap_or_default(),
                created_at: t.created_at.unwrap_or_else(Timestamp::now),
                outbound: me.is_some() && t.author_id == me,
                item: None,
            })
        })
        .collect();
    out.sort_by_key(|e| e.created_at);
    Ok(out)
}

fn keys(path: &Path) -> Vec<String> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn edit(path: &Path, f: impl FnOnce(&mut Vec<String>)) {
    let mut ks = keys(path);
    f(&mut ks);
    // Only the latest few matter: an abandoned key is looked up at most once more.
    let skip = ks.len().saturating_sub(100);
    let ks: Vec<&String> = ks.iter().skip(skip).collect();
    let written = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| {
            crate::private::write_atomic(path, &serde_json::to_vec(&ks).unwrap_or_default(), 0o600)
        });
    if let Err(e) = written {
        tracing::warn!("x: cannot write the reply journal: {e}");
    }
}

fn forget(journal: Option<&Path>, key: &str) {
    if let Some(j) = journal {
        edit(j, |ks| ks.retain(|k| k != key));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_participant_is_the_other_side_and_escaped_text_matches() {
        let me = "1072250532645998596";
        let conv = "750362064426721281-1072250532645998596";
        assert_eq!(participant(conv, me), Some("750362064426721281"));
        assert_eq!(
            dm_path(conv, me, "messages"),
            [
                "2",
                "dm_conversations",
                "with",
                "750362064426721281",
                "messages"
            ]
        );
        assert_eq!(
            dm_path("1582838223935713281", me, "messages"),
            ["2", "dm_conversations", "1582838223935713281", "messages"]
        );
        assert!(same_text(Some("a &gt; b &amp; c"), "a > b & c"));
        assert!(!same_text(None, ""));
    }

    #[test]
    fn the_journal_keeps_keys_until_forgotten() {
        let dir = tempfile::tempdir().expect("dir");
        let j = dir.path().join("x.sending.json");
        edit(&j, |k| k.push("a".into()));
        edit(&j, |k| k.push("b".into()));
        forget(Some(&j), "a");
        assert_eq!(keys(&j), ["b"]);
    }
}
