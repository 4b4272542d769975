//! Reading X: mentions of the account (`/2/users/:id/mentions`, from `since_id`, paged by
//! `pagination_token`) and direct messages (`/2/dm_events`, newest first, paged until the
//! last event seen). Every post or event returned is one read of the monthly budget. Near
//! the budget one page is read per poll; at it nothing is read.

use std::collections::HashMap;

use jiff::Timestamp;
use reqwest::Method;

use super::XChannel;
use super::api::{DmEvent, Includes, Tweet, newer};
use super::client::Call;
use crate::channels::ChannelError;
use crate::model::{Author, IncomingItem, Kind, Visibility};

/// At most this many pages of one list per poll (a runaway token must end).
pub const MAX_PAGES: usize = 10;

pub const MENTIONS: &str = "GET /2/users/:id/mentions";
pub const DM_EVENTS: &str = "GET /2/dm_events";
const TWEET_FIELDS: &str =
    "created_at,conversation_id,in_reply_to_user_id,referenced_tweets,author_id";
const USER_FIELDS: &str = "username,name,public_metrics";

/// A DM's remote id: the event id behind `dm:` (tweets and DMs never mix in hide or reply).
pub const DM_PREFIX: &str = "dm:";

/// What one poll read.
#[derive(Debug, Default)]
pub struct Read {
    pub items: Vec<IncomingItem>,
    pub followers: HashMap<String, u64>,
    pub newest: Option<String>,
}

fn keep_newest(slot: &mut Option<String>, id: &str) {
    if slot.as_deref().is_none_or(|s| newer(id, s)) {
        *slot = Some(id.to_string());
    }
}

/// Mentions newer than `since` (on a first sync: since `start_time`, when set).
pub async fn mentions(
    x: &XChannel,
    me: &str,
    since: Option<&str>,
    start_time: Option<&str>,
    pages: usize,
) -> Result<Read, ChannelError> {
    let mut out = Read::default();
    let mut token: Option<String> = None;
    for _ in 0..pages {
        // X asks for at least 5 a page: with less left, the next page waits.
        let Some(max) = x.budget_page()?.filter(|m| *m >= 5) else {
            break;
        };
        let max = max.min(100).to_string();
        let mut q = vec![
            ("max_results", max.as_str()),
            ("expansions", "author_id,referenced_tweets.id"),
            ("tweet.fields", TWEET_FIELDS),
            ("user.fields", USER_FIELDS),
        ];
        if let Some(s) = since {
            q.push(("since_id", s));
        }
        if let Some(s) = start_time {
            q.push(("start_time", s));
        }
        if let Some(t) = &token {
            q.push(("pagination_token", t.as_str()));
        }
        let page = x
            .client
            .call::<Tweet>(Call {
                method: Method::GET,
                path: &["2", "users", me, "mentions"],
                query: &q,
                body: None,
                bucket: MENTIONS,
            })
            .await?;
        let (tweets, includes, meta) = page.items();
        x.spend(tweets.len());
        for t in &tweets {
            if let Some(id) = &t.id {
                keep_newest(&mut out.newest, id);
            }
            if let Some(item) = mention(t, &includes, me) {
                out.items.push(item);
            }
        }
        for u in &includes.users {
            if let (Some(name), Some(m)) = (&u.username, u.public_metrics) {
                out.followers
                    .insert(format!("@{name}"), m.followers_count.unwrap_or(0));
            }
        }
        match meta.next_token {
            Some(n) if token.as_deref() != Some(n.as_str()) && !tweets.is_empty() => {
                token = Some(n)
            }
            _ => break,
        }
    }
    Ok(out)
}

/// A post that names us: a reply to us, a quote, or a plain mention.
pub fn mention(t: &Tweet, inc: &Includes, me: &str) -> Option<IncomingItem> {
    let id = t.id.clone()?;
    let kind = if t.referenced("quoted").is_some() {
        Kind::Quote
    } else if t.referenced("replied_to").is_some() && t.in_reply_to_user_id.as_deref() == Some(me) {
        Kind::Reply
    } else {
        Kind::Mention
    };
    let author = author(inc, t.author_id.as_deref());
    let url = match author.handle.strip_prefix('@') {
        Some(u) => format!("https://x.com/{u}/status/{id}"),
        None => format!("https://x.com/i/web/status/{id}"),
    };
    Some(IncomingItem {
        remote_id: id.clone(),
        kind,
        author,
        text: t.text.clone().unwrap_or_default(),
        url: Some(url),
        created_at: t.created_at.unwrap_or_else(Timestamp::now),
        thread_root: Some(t.conversation_id.clone().unwrap_or_else(|| id.clone())),
        in_reply_to: t.referenced("replied_to").map(String::from),
        visibility: Visibility::Public,
    })
}

/// `@username` when X expanded the user, else the id (default payloads carry neither).
fn author(inc: &Includes, id: Option<&str>) -> Author {
    match inc.user(id) {
        Some(u) => Author {
            handle: u
                .username
                .as_ref()
                .map_or_else(|| u.id.clone().unwrap_or_default(), |n| format!("@{n}")),
            name: u.name.clone().unwrap_or_default(),
        },
        None => Author {
            handle: id.unwrap_or("X user").to_string(),
            name: String::new(),
        },
    }
}

/// Direct messages newer than `seen`, not sent by us.
pub async fn dms(
    x: &XChannel,
    me: &str,
    seen: Option<&str>,
    pages: usize,
) -> Result<Read, ChannelError> {
    let mut out = Read::default();
    let mut token: Option<String> = None;
    'pages: for _ in 0..pages {
        let Some(max) = x.budget_page()? else { break };
        let max = max.clamp(1, 100).to_string();
        let mut q = vec![
            ("max_results", max.as_str()),
            ("event_types", "MessageCreate"),
            (
                "dm_event.fields",
                "id,text,event_type,created_at,sender_id,dm_conversation_id",
            ),
            ("expansions", "sender_id"),
            ("user.fields", USER_FIELDS),
        ];
        if let Some(t) = &token {
            q.push(("pagination_token", t.as_str()));
        }
        let page = x
            .client
            .call::<DmEvent>(Call {
                method: Method::GET,
                path: &["2", "dm_events"],
                query: &q,
                body: None,
                bucket: DM_EVENTS,
            })
            .await?;
        let (events, includes, meta) = page.items();
        x.spend(events.len());
        for e in &events {
            let Some(id) = e.id.as_deref() else { continue };
            // Newest first: the first event already seen ends the poll.
            if seen.is_some_and(|s| !newer(id, s)) {
                break 'pages;
            }
            keep_newest(&mut out.newest, id);
            if let Some(item) = dm(e, &includes, me) {
                out.items.push(item);
            }
        }
        match meta.next_token {
            Some(n) if token.as_deref() != Some(n.as_str()) && !events.is_empty() => {
                token = Some(n)
            }
            _ => break,
        }
    }
    Ok(out)
}

/// A message to us (ours and other event types are left out). Its thread is the
/// conversation (`<lower id>-<higher id>` between two people).
pub fn dm(e: &DmEvent, inc: &Includes, me: &str) -> Option<IncomingItem> {
    let id = e.id.clone()?;
    if e.event_type
        .as_deref()
        .is_some_and(|t| t != "MessageCreate")
        || e.sender_id.as_deref() == Some(me)
    {
        return None;
    }
    let root = e
        .dm_conversation_id
        .clone()
        .or_else(|| e.sender_id.as_ref().map(|s| one_to_one(s, me)))
        .unwrap_or_else(|| format!("{DM_PREFIX}{id}"));
    Some(IncomingItem {
        remote_id: format!("{DM_PREFIX}{id}"),
        kind: Kind::Dm,
        author: author(inc, e.sender_id.as_deref()),
        text: e.text.clone().unwrap_or_default(),
        url: None,
        created_at: e.created_at.unwrap_or_else(Timestamp::now),
        thread_root: Some(root),
        in_reply_to: None,
        visibility: Visibility::Direct,
    })
}

/// X's id of the conversation between two users: the lower id first.
pub fn one_to_one(a: &str, b: &str) -> String {
    if newer(a, b) {
        format!("{b}-{a}")
    } else {
        format!("{a}-{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::x::api::decode;

    #[test]
    fn kinds_threads_and_authors_come_from_the_expansions() {
        // Built after X's reference for mentions with expansions (none is recorded).
        let body = br#"{"data":[
          {"id":"30","text":"@brand help","author_id":"7","conversation_id":"30","created_at":"2026-11-30T10:00:00.000Z"},
          {"id":"31","text":"@brand still broken","author_id":"7","conversation_id":"20","in_reply_to_user_id":"1","referenced_tweets":[{"type":"replied_to","id":"21"}]},
          {"id":"32","text":"look at this","author_id":"8","referenced_tweets":[{"type":"quoted","id":"22"}]}],
          "includes":{"users":[{"id":"7","username":"ana","name":"Ana","public_metrics":{"followers_count":12}}]}}"#;
        let (t, inc, _) = decode::<Tweet>(body, "m").expect("decode").items();
        let items: Vec<IncomingItem> = t.iter().filter_map(|t| mention(t, &inc, "1")).collect();
        assert_eq!(
            items.iter().map(|i| i.kind).collect::<Vec<_>>(),
            [Kind::Mention, Kind::Reply, Kind::Quote]
        );
        assert_eq!(items[0].author.handle, "@ana");
        assert_eq!(items[0].url.as_deref(), Some("https://x.com/ana/status/30"));
        assert_eq!(items[1].thread_root.as_deref(), Some("20"));
        assert_eq!(items[1].in_reply_to.as_deref(), Some("21"));
        assert_eq!(items[2].author.handle, "8");
        assert_eq!(items[2].thread_root.as_deref(), Some("32"));
    }

    #[test]
    fn dms_from_us_are_left_out_and_threads_are_the_conversation() {
        let me = "1072250532645998596";
        let e = |sender: &str| DmEvent {
            id: Some("5".into()),
            event_type: Some("MessageCreate".into()),
            text: Some("hi".into()),
            sender_id: Some(sender.into()),
            ..DmEvent::default()
        };
        assert!(dm(&e(me), &Includes::default(), me).is_none());
        let item = dm(&e("750362064426721281"), &Includes::default(), me).expect("dm");
        assert_eq!(item.remote_id, "dm:5");
        assert_eq!(
            item.thread_root.as_deref(),
            Some("750362064426721281-1072250532645998596")
        );
        assert_eq!(item.visibility, Visibility::Direct);
    }
}
