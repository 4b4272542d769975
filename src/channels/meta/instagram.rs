//! Instagram comments: recent media (`/{ig-user}/media`), each one's comments with their
//! replies (`/{media}/comments`, `/{comment}/replies` when the inline list has more), media
//! the account is tagged in (`/{ig-user}/tags`, as mentions); replies with
//! `POST /{comment}/replies` on the top-level comment; moderation with `POST /{comment}` and
//! `hide=true` (hidden from all but its author).

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::client::Graph;
use super::graph::{Created, IgComment, IgMedia};
use super::{entry, time_or_now};
use crate::channels::{ChannelError, ReplyRequest, SentReply};
use crate::model::{Author, IncomingItem, Kind, ThreadEntry, Visibility};

const READ: &str = "instagram_manage_comments";
const REPLY_FIELDS: &str = "id,text,timestamp,username,user,parent_id,hidden";
const MEDIA_FIELDS: &str = "id,caption,timestamp,comments_count,permalink,username";

fn comment_fields() -> String {
    format!("{REPLY_FIELDS},replies{{{REPLY_FIELDS}}}")
}

/// Media and tags read per poll: the newest [`RECENT_PAGES`] pages of 25 (an account's
/// older media seldom gets comments, and reading all of it every minute would spend Meta's
/// rate limit on history).
const RECENT_PAGES: usize = 2;

/// New comments and replies on the 50 newest media whose comment count changed since the
/// last poll (`counts`, updated here), and tagged media.
pub async fn poll(
    g: &Graph,
    me: &str,
    counts: &mut BTreeMap<String, u64>,
) -> Result<Vec<IncomingItem>, ChannelError> {
    let media: Vec<IgMedia> = g
        .pages(
            &format!("{me}/media"),
            &[("fields", MEDIA_FIELDS), ("limit", "25")],
            "instagram_basic",
            RECENT_PAGES,
        )
        .await?;
    let mut out = Vec::new();
    let fields = comment_fields();
    for m in media.iter().take(50) {
        let Some(mid) = m.id.clone() else { continue };
        if m.comments_count.is_some() && counts.get(&mid) == m.comments_count.as_ref() {
            continue;
        }
        let comments: Vec<IgComment> = g
            .all(
                &format!("{mid}/comments"),
                &[("fields", fields.as_str()), ("limit", "50")],
                READ,
            )
            .await?;
        for c in &comments {
            out.extend(normalize(c, me, &mid, None));
            let Some(cid) = c.id.as_deref() else { continue };
            let inline = c.replies.clone().unwrap_or_default();
            let more = inline.next_cursor().is_some();
            let replies = if more {
                g.all(
                    &format!("{cid}/replies"),
                    &[("fields", REPLY_FIELDS), ("limit", "50")],
                    READ,
                )
                .await?
            } else {
                inline.data
            };
            out.extend(
                replies
                    .iter()
                    .filter_map(|r| normalize(r, me, &mid, Some(cid))),
            );
        }
        if let Some(n) = m.comments_count {
            counts.insert(mid, n);
        }
    }
    let tagged: Vec<IgMedia> = g
        .pages(
            &format!("{me}/tags"),
            &[("fields", MEDIA_FIELDS), ("limit", "25")],
            "instagram_basic",
            RECENT_PAGES,
        )
        .await?;
    out.extend(tagged.iter().filter_map(tag_item));
    Ok(out)
}

fn author(username: Option<&str>) -> Author {
    match username {
        Some(u) if !u.is_empty() => Author {
            handle: format!("@{u}"),
            name: String::new(),
        },
        _ => Author {
            handle: "Instagram user".into(),
            name: String::new(),
        },
    }
}

/// A comment (or a reply, with its `parent`) as an item; the account's own are left out
/// (`user` is only present on the owner's comments).
pub fn normalize(
    c: &IgComment,
    me: &str,
    media: &str,
    parent: Option<&str>,
) -> Option<IncomingItem> {
    let id = c.id.clone()?;
    if c.user.as_ref().and_then(|u| u.id.as_deref()) == Some(me) {
        return None;
    }
    let parent = parent.map(String::from).or_else(|| c.parent_id.clone());
    Some(IncomingItem {
        remote_id: id.clone(),
        kind: Kind::Comment,
        author: author(c.username.as_deref()),
        text: c.text.clone().unwrap_or_default(),
        url: None,
        created_at: time_or_now(c.timestamp),
        thread_root: Some(parent.clone().unwrap_or(id)),
        in_reply_to: Some(parent.unwrap_or_else(|| media.to_string())),
        visibility: Visibility::Public,
    })
}

/// Media the account is tagged in: a mention, its caption the text.
fn tag_item(m: &IgMedia) -> Option<IncomingItem> {
    Some(IncomingItem {
        remote_id: m.id.clone()?,
        kind: Kind::Mention,
        author: author(m.username.as_deref()),
        text: m.caption.clone().unwrap_or_default(),
        url: m.permalink.clone(),
        created_at: time_or_now(m.timestamp),
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    })
}

/// The media's caption (ours), the top-level comment and its replies.
pub async fn thread(g: &Graph, me: &str, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
    let with_media = format!("{REPLY_FIELDS},media{{{MEDIA_FIELDS}}}");
    let c: IgComment = g
        .get_as(id, &[("fields", with_media.as_str())], READ)
        .await?;
    let root = c.parent_id.clone().unwrap_or_else(|| id.to_string());
    let mut out = Vec::new();
    if let Some(m) = &c.media {
        out.push(ThreadEntry {
            remote_id: m.id.clone().unwrap_or_default(),
            author: author(m.username.as_deref()),
            text: m.caption.clone().unwrap_or_default(),
            created_at: time_or_now(m.timestamp),
            outbound: true,
            item: None,
        });
    }
    let top: IgComment = if root == id {
        c.clone()
    } else {
        g.get_as(&root, &[("fields", REPLY_FIELDS)], READ).await?
    };
    let replies: Vec<IgComment> = g
        .all(
            &format!("{root}/replies"),
            &[("fields", REPLY_FIELDS)],
            READ,
        )
        .await?;
    for r in std::iter::once(&top).chain(replies.iter()) {
        let ours = r.user.as_ref().and_then(|u| u.id.as_deref()) == Some(me);
        let item = IgComment {
            user: None,
            ..r.clone()
        };
        if let Some(i) = normalize(&item, me, "", None) {
            out.push(entry(i, ours));
        }
    }
    Ok(out)
}

/// Answer under the top-level comment, unless our answer is already there.
pub async fn reply(g: &Graph, me: &str, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
    let target = &req.thread_root;
    let existing: Vec<IgComment> = g
        .all(
            &format!("{target}/replies"),
            &[("fields", REPLY_FIELDS)],
            READ,
        )
        .await?;
    if let Some(c) = existing.into_iter().find(|c| {
        c.user.as_ref().and_then(|u| u.id.as_deref()) == Some(me)
            && c.text.as_deref() == Some(req.text.as_str())
            && super::since_queued(c.timestamp, req.queued_at)
    }) && let Some(id) = c.id
    {
        return Ok(SentReply {
            remote_id: id,
            url: None,
            created_at: time_or_now(c.timestamp),
        });
    }
    let body = g
        .post(
            &format!("{target}/replies"),
            &[("message", req.text.as_str())],
            READ,
        )
        .await?;
    let c: Created =
        super::graph::decode(&body, "the new reply").map_err(ChannelError::Malformed)?;
    Ok(SentReply {
        remote_id: c
            .id
            .ok_or_else(|| ChannelError::Malformed("the new reply has no id".into()))?,
        url: None,
        created_at: Timestamp::now(),
    })
}

/// Hide the comment (never delete it): the body of Graph's answer.
pub async fn hide(g: &Graph, id: &str) -> Result<Vec<u8>, ChannelError> {
    g.post(id, &[("hide", "true")], READ).await
}
