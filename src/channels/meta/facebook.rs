//! Facebook Page comments: the Page's recent posts (`/{page}/feed`), each post's comments
//! with replies interleaved (`/{post}/comments?filter=stream`), paged to the end; replies with
//! `POST /{comment}/comments` on the top-level comment (Facebook nests one level); moderation
//! with `POST /{comment}` and `is_hidden=true` (hidden from all but its author and friends).

use jiff::Timestamp;

use super::client::Graph;
use super::graph::{Comment, Created, Edge, Post};
use super::{author_of, entry, time_or_now};
use crate::channels::{ChannelError, ReplyRequest, SentReply};
use crate::model::{IncomingItem, Kind, ThreadEntry, Visibility};

const READ: &str = "pages_read_engagement";
const WRITE: &str = "pages_manage_engagement";
const COMMENT_FIELDS: &str = "id,message,created_time,from,permalink_url,parent{id},attachment";

/// Comments on the Page's recent posts that changed after `seen` (all recent ones first).
pub async fn poll(
    g: &Graph,
    page: &str,
    seen: Option<Timestamp>,
) -> Result<Vec<IncomingItem>, ChannelError> {
    let posts: Edge<Post> = g
        .get_as(
            &format!("{page}/feed"),
            &[
                (
                    "fields",
                    "id,message,created_time,updated_time,permalink_url",
                ),
                ("limit", "25"),
            ],
            READ,
        )
        .await?;
    let mut out = Vec::new();
    for p in posts.data {
        let Some(pid) = p.id.clone() else { continue };
        // A post's `updated_time` moves with new comments: an unchanged one is skipped.
        if let (Some(seen), Some(updated)) = (seen, p.updated_time)
            && updated <= seen
        {
            continue;
        }
        let comments: Vec<Comment> = g
            .all(
                &format!("{pid}/comments"),
                &[
                    ("fields", COMMENT_FIELDS),
                    ("filter", "stream"),
                    ("limit", "100"),
                ],
                READ,
            )
            .await?;
        out.extend(
            comments
                .iter()
                .filter(|c| c.from.as_ref().and_then(|f| f.id.as_deref()) != Some(page))
                .filter_map(|c| normalize(c, &pid)),
        );
    }
    Ok(out)
}

/// A comment as an item: its thread is its top-level comment.
pub fn normalize(c: &Comment, post: &str) -> Option<IncomingItem> {
    let id = c.key()?;
    let parent = c.parent_key();
    let text = match (&c.message, &c.attachment) {
        (Some(t), _) if !t.is_empty() => t.clone(),
        (_, Some(_)) => "[attachment]".into(),
        _ => String::new(),
    };
    Some(IncomingItem {
        remote_id: id.clone(),
        kind: Kind::Comment,
        author: author_of(c.from.as_ref()),
        text,
        url: c.permalink_url.clone(),
        created_at: time_or_now(c.created_time),
        thread_root: Some(parent.clone().unwrap_or(id)),
        in_reply_to: Some(parent.unwrap_or_else(|| post.to_string())),
        visibility: Visibility::Public,
    })
}

/// The post's text (ours), the top-level comment and its replies, oldest first.
pub async fn thread(g: &Graph, page: &str, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
    let c: Comment = g.get_as(id, &[("fields", COMMENT_FIELDS)], READ).await?;
    let root = c.parent_key().unwrap_or_else(|| id.to_string());
    let mut out = Vec::new();
    // A comment id is `{post}_{comment}`; the post's own id is `{page}_{post}`.
    if let Some((post, _)) = root.split_once('_') {
        let p: Result<Post, _> = g
            .get_as(
                &format!("{page}_{post}"),
                &[("fields", "id,message,created_time")],
                READ,
            )
            .await;
        if let Ok(p) = p {
            out.push(ThreadEntry {
                remote_id: p.id.unwrap_or_default(),
                author: Default::default(),
                text: p.message.unwrap_or_default(),
                created_at: time_or_now(p.created_time),
                outbound: true,
                item: None,
            });
        }
    }
    let top: Comment = if root == id {
        c
    } else {
        g.get_as(&root, &[("fields", COMMENT_FIELDS)], READ).await?
    };
    let replies: Vec<Comment> = g
        .all(
            &format!("{root}/comments"),
            &[("fields", COMMENT_FIELDS), ("limit", "100")],
            READ,
        )
        .await?;
    for c in std::iter::once(&top).chain(replies.iter()) {
        if let Some(i) = normalize(c, "") {
            let ours = c.from.as_ref().and_then(|f| f.id.as_deref()) == Some(page);
            out.push(entry(i, ours));
        }
    }
    Ok(out)
}

/// Answer under the top-level comment of the item's thread, unless our answer is there.
pub async fn reply(g: &Graph, page: &str, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
    let target = &req.thread_root;
    let existing: Vec<Comment> = g
        .all(
            &format!("{target}/comments"),
            &[("fields", COMMENT_FIELDS), ("limit", "100")],
            READ,
        )
        .await?;
    if let Some(c) = existing.into_iter().find(|c| {
        c.from.as_ref().and_then(|f| f.id.as_deref()) == Some(page)
            && c.message.as_deref() == Some(req.text.as_str())
            && super::since_queued(c.created_time, req.queued_at)
    }) && let Some(id) = c.key()
    {
        return Ok(SentReply {
            remote_id: id,
            url: c.permalink_url,
            created_at: time_or_now(c.created_time),
        });
    }
    let body = g
        .post(
            &format!("{target}/comments"),
            &[("message", req.text.as_str())],
            WRITE,
        )
        .await?;
    let c: Created =
        super::graph::decode(&body, "the new comment").map_err(ChannelError::Malformed)?;
    Ok(SentReply {
        remote_id: c
            .id
            .ok_or_else(|| ChannelError::Malformed("the new comment has no id".into()))?,
        url: c.permalink_url,
        created_at: c.created_time.unwrap_or_else(Timestamp::now),
    })
}

/// Hide the comment (never delete it): the body of Graph's answer.
pub async fn hide(g: &Graph, id: &str) -> Result<Vec<u8>, ChannelError> {
    g.post(id, &[("is_hidden", "true")], WRITE).await
}
