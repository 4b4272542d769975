//! Direct messages through a Page's conversations (`platform=messenger`, or `instagram` for
//! the Instagram account linked to the Page): polling `/{page}/conversations` then
//! `/{conversation}/messages`, and answering with `POST /{page}/messages` (`messaging_type = RESPONSE`, or the `HUMAN_AGENT` tag between 24 h
//! and 7 days after the customer's message; see [`super::window`]).

use jiff::Timestamp;

use super::client::Graph;
use super::graph::{Conversation, Created, Edge, Message, Party};
use super::window::{self, Window};
use super::{author_of, time_or_now};
use crate::channels::{ChannelError, ReplyRequest, SentReply};
use crate::model::{IncomingItem, Kind, ThreadEntry, Visibility};

const MESSAGE_FIELDS: &str = "id,message,created_time,from,to,attachments";

/// The permission each call needs, named when Graph says it is missing.
fn need(platform: &str) -> &'static str {
    if platform == "instagram" {
        "instagram_manage_messages"
    } else {
        "pages_messaging"
    }
}

/// Our side of a conversation: the Page, and the Instagram account (`me`) on Instagram.
#[derive(Debug, Clone, Copy)]
pub struct Us<'a> {
    pub page: &'a str,
    pub me: &'a str,
}

/// Every message from a customer in conversations updated after `seen` (all of them when
/// `seen` is `None`), as `dm` items threaded by conversation.
pub async fn poll(
    g: &Graph,
    us: Us<'_>,
    platform: &str,
    seen: Option<Timestamp>,
) -> Result<Vec<IncomingItem>, ChannelError> {
    let params = [
        ("platform", platform),
        ("fields", "id,updated_time,link"),
        ("limit", "25"),
    ];
    let path = format!("{}/conversations", us.page);
    let convs: Vec<Conversation> = g.all(&path, &params, need(platform)).await?;
    let mut out = Vec::new();
    for c in convs {
        let Some(cid) = c.id.clone() else { continue };
        if let (Some(seen), Some(updated)) = (seen, c.updated_time)
            && updated <= seen
        {
            continue;
        }
        let msgs: Vec<Message> = g
            .all(
                &format!("{cid}/messages"),
                &[("fields", MESSAGE_FIELDS), ("limit", "50")],
                need(platform),
            )
            .await?;
        out.extend(
            msgs.iter()
                .filter(|m| !from_us(m.from.as_ref(), us))
                .filter_map(|m| normalize(m, &cid)),
        );
    }
    Ok(out)
}

fn from_us(p: Option<&Party>, us: Us<'_>) -> bool {
    let id = p.and_then(|p| p.id.as_deref());
    id == Some(us.page) || id == Some(us.me)
}

/// A customer's message as an item (attachment-only messages say so).
pub fn normalize(m: &Message, conversation: &str) -> Option<IncomingItem> {
    let id = m.id.clone()?;
    let attachments = m.attachments.as_ref().map_or(0, |a| a.data.len());
    let text = match (&m.message, attachments) {
        (Some(t), _) if !t.is_empty() => t.clone(),
        (_, 0) => String::new(),
        (_, n) => format!("[{n} attachment{}]", if n == 1 { "" } else { "s" }),
    };
    Some(IncomingItem {
        remote_id: id,
        kind: Kind::Dm,
        author: author_of(m.from.as_ref()),
        text,
        url: None,
        created_at: time_or_now(m.created_time),
        thread_root: Some(conversation.to_string()),
        in_reply_to: None,
        visibility: Visibility::Direct,
    })
}

/// The message alone (Graph gives no way back from a message to its conversation's page).
pub async fn thread(g: &Graph, id: &str, platform: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
    let m: Message = g
        .get_as(id, &[("fields", MESSAGE_FIELDS)], need(platform))
        .await?;
    Ok(normalize(&m, id)
        .map(|i| ThreadEntry {
            remote_id: i.remote_id,
            author: i.author,
            text: i.text,
            created_at: i.created_at,
            outbound: false,
            item: None,
        })
        .into_iter()
        .collect())
}

/// Answer the customer of message `req.in_reply_to` in conversation `req.thread_root`.
/// Our message already in the conversation (a crash after sending) is returned, not resent.
pub async fn reply(
    g: &Graph,
    us: Us<'_>,
    platform: &str,
    req: &ReplyRequest,
) -> Result<SentReply, ChannelError> {
    let n = need(platform);
    let m: Message = g
        .get_as(&req.in_reply_to, &[("fields", "id,from,created_time")], n)
        .await?;
    let recipient = m
        .from
        .and_then(|f| f.id)
        .ok_or_else(|| ChannelError::Rejected("the message has no sender to answer".into()))?;
    let now = Timestamp::now();
    let newest = newest_page(g, n, req).await?;
    // The window runs from the customer's last message in the conversation, which may be
    // newer than the one answered.
    let last_inbound = newest
        .iter()
        .filter(|x| !from_us(x.from.as_ref(), us))
        .filter_map(|x| x.created_time)
        .chain(m.created_time)
        .max();
    let w = window::at(time_or_now(last_inbound), now);
    if let Window::Closed { .. } = w {
        return Err(ChannelError::Rejected(
            "the 7-day reply window of this message has closed; take it offline".into(),
        ));
    }
    if let Some(sent) = already_sent(&newest, us, req) {
        return Ok(sent);
    }
    let recipient = serde_json::json!({ "id": recipient }).to_string();
    let message = serde_json::json!({ "text": req.text }).to_string();
    let mut form = vec![
        ("recipient", recipient.as_str()),
        ("message", message.as_str()),
    ];
    match w {
        Window::HumanAgent { .. } => {
            form.push(("messaging_type", "MESSAGE_TAG"));
            form.push(("tag", "HUMAN_AGENT"));
        }
        _ => form.push(("messaging_type", "RESPONSE")),
    }
    let body = g.post(&format!("{}/messages", us.page), &form, n).await?;
    let c: Created =
        super::graph::decode(&body, "the sent message").map_err(ChannelError::Malformed)?;
    let id = c
        .message_id
        .or(c.id)
        .ok_or_else(|| ChannelError::Malformed("the sent message has no id".into()))?;
    Ok(SentReply {
        remote_id: id,
        url: None,
        created_at: now,
    })
}

/// The conversation's newest page of messages (ours and the customer's).
async fn newest_page(
    g: &Graph,
    need: &str,
    req: &ReplyRequest,
) -> Result<Vec<Message>, ChannelError> {
    let page: Edge<Message> = g
        .get_as(
            &format!("{}/messages", req.thread_root),
            &[("fields", "id,message,created_time,from"), ("limit", "25")],
            need,
        )
        .await?;
    Ok(page.data)
}

/// Our message with this text, sent since the reply was queued, in the conversation's
/// newest page.
fn already_sent(newest: &[Message], us: Us<'_>, req: &ReplyRequest) -> Option<SentReply> {
    newest
        .iter()
        .find(|m| {
            from_us(m.from.as_ref(), us)
                && m.message.as_deref() == Some(req.text.as_str())
                && super::since_queued(m.created_time, req.queued_at)
        })
        .and_then(|m| {
            Some(SentReply {
                remote_id: m.id.clone()?,
                url: None,
                created_at: time_or_now(m.created_time),
            })
        })
}
