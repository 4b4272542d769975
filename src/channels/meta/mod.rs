//! Meta's Graph API: Facebook Pages and Instagram professional accounts, two channels
//! sharing one client ([`client::Graph`]), its decoders ([`graph`]), rate-limit headers
//! ([`usage`]) and error mapping ([`errors`]). Public comments ([`facebook`], [`instagram`])
//! become `comment` items, direct messages ([`inbox`]) `dm` items with Meta's reply
//! [`window`].

pub mod client;
pub mod errors;
pub mod facebook;
pub mod graph;
pub mod inbox;
pub mod instagram;
pub mod usage;
pub mod window;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, IncomingItem, ThreadEntry, Visibility};
use client::Graph;
use graph::Party;

/// Where polling continues: the newest time seen, and each IG media's comment count.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seen: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    counts: BTreeMap<String, u64>,
}

/// A Facebook Page or an Instagram account.
pub struct MetaChannel {
    g: Graph,
    kind: ChannelKind,
    /// The Page id or the Instagram user id: the owner of posts, conversations, replies.
    owner: String,
    /// The Page whose conversations hold the account's DMs: the Page itself on Facebook, the
    /// linked Page on Instagram (none: no DMs).
    inbox_page: Option<String>,
}

impl MetaChannel {
    /// `kind` is [`ChannelKind::Facebook`] (owner: the Page id) or
    /// [`ChannelKind::Instagram`] (owner: the Instagram user id).
    pub fn new(
        kind: ChannelKind,
        api_url: &str,
        owner: &str,
        token: String,
        timeout: std::time::Duration,
    ) -> Result<MetaChannel, ChannelError> {
        let network = match kind {
            ChannelKind::Instagram => "Instagram",
            _ => "Facebook",
        };
        Ok(MetaChannel {
            g: Graph::new(api_url, token, timeout, network)?,
            kind,
            owner: owner.to_string(),
            inbox_page: (kind == ChannelKind::Facebook).then(|| owner.to_string()),
        })
    }

    /// DMs of an Instagram account go through the conversations of its linked Page.
    pub fn with_inbox_page(mut self, page: Option<&str>) -> MetaChannel {
        if let Some(p) = page {
            self.inbox_page = Some(p.to_string());
        }
        self
    }

    fn us(&self) -> Option<inbox::Us<'_>> {
        Some(inbox::Us {
            page: self.inbox_page.as_deref()?,
            me: &self.owner,
        })
    }

    pub fn graph(&self) -> &Graph {
        &self.g
    }

    fn platform(&self) -> &'static str {
        match self.kind {
            ChannelKind::Instagram => "instagram",
            _ => "messenger",
        }
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let mut cur: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let started = Timestamp::now();
        let mut items = match self.kind {
            ChannelKind::Instagram => {
                instagram::poll(&self.g, &self.owner, &mut cur.counts).await?
            }
            _ => facebook::poll(&self.g, &self.owner, cur.seen).await?,
        };
        if let Some(us) = self.us() {
            items.extend(inbox::poll(&self.g, us, self.platform(), cur.seen).await?);
        }
        // Next time, what changed since this poll began (a minute of slack for clock skew).
        cur.seen = Some(minus_a_minute(started));
        Ok(PollOutcome {
            items,
            cursor: serde_json::to_string(&cur).ok(),
            followers: Default::default(),
            noise: Vec::new(),
        })
    }

    async fn do_thread(&self, id: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
        let mut t = match (is_dm(id), self.kind) {
            (true, _) => inbox::thread(&self.g, id, self.platform()).await?,
            (false, ChannelKind::Instagram) => instagram::thread(&self.g, &self.owner, id).await?,
            (false, _) => facebook::thread(&self.g, &self.owner, id).await?,
        };
        t.sort_by_key(|e| e.created_at);
        Ok(t)
    }

    async fn do_reply(&self, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
        match (req.visibility, self.kind) {
            (Visibility::Direct, _) => {
                let us = self.us().ok_or_else(|| {
                    ChannelError::Unsupported(
                        "direct messages need the linked Page (`page_id` in the account)".into(),
                    )
                })?;
                inbox::reply(&self.g, us, self.platform(), req).await
            }
            (_, ChannelKind::Instagram) => instagram::reply(&self.g, &self.owner, req).await,
            _ => facebook::reply(&self.g, &self.owner, req).await,
        }
    }

    /// Hide a comment; a DM is refused before any network call (the callers check the
    /// item's kind first; the id's form is the last guard).
    async fn do_hide(&self, id: &str) -> Result<(), ChannelError> {
        if is_dm(id) {
            return Err(ChannelError::Unsupported(
                "a direct message cannot be hidden, only a public comment; tinbox never deletes"
                    .into(),
            ));
        }
        let body = match self.kind {
            ChannelKind::Instagram => instagram::hide(&self.g, id).await?,
            _ => facebook::hide(&self.g, id).await?,
        };
        hidden(&body, self.g.network())
    }
}

/// Messenger message ids start with `m_`; Instagram's are `aWdf…` base64 ids.
fn is_dm(id: &str) -> bool {
    id.starts_with("m_") || id.starts_with("aWdf")
}

/// Graph answers a hide with `{"success": true}`; an explicit `false` is a refusal.
fn hidden(body: &[u8], network: &str) -> Result<(), ChannelError> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(default)]
        success: Option<bool>,
    }
    let a: Answer = graph::decode(body, "the answer to hiding").map_err(ChannelError::Malformed)?;
    match a.success {
        Some(false) => Err(ChannelError::Rejected(format!(
            "{network} did not hide the comment"
        ))),
        _ => Ok(()),
    }
}

impl Channel for MetaChannel {
    fn kind(&self) -> ChannelKind {
        self.kind
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: false,
            // Messenger's limit (2,000) and Instagram's for messages (1,000), which are
            // below those of comments: one bound that fits both.
            max_len: Some(match self.kind {
                ChannelKind::Instagram => 1000,
                _ => 2000,
            }),
            length_unit: LengthUnit::Chars,
        }
    }

    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        Box::pin(self.do_poll(cursor))
    }

    fn fetch_thread<'a>(
        &'a self,
        remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(self.do_thread(remote_id))
    }

    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(self.do_reply(req))
    }

    fn hide<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), ChannelError>> {
        Box::pin(self.do_hide(remote_id))
    }

    /// Near or at Meta's rate limit, said in the status bar.
    fn usage(&self) -> Option<String> {
        self.graph().usage().line()
    }
}

/// Who wrote a comment or message; Graph leaves `from` out for many users.
fn author_of(p: Option<&Party>) -> Author {
    let name = p.and_then(|p| p.name.clone()).unwrap_or_default();
    let handle = match (p.and_then(|p| p.id.as_deref()), name.is_empty()) {
        (_, false) => name.clone(),
        (Some(id), true) => id.to_string(),
        (None, true) => "Facebook user".into(),
    };
    Author { handle, name }
}

/// A missing time is read as "now" (the item is new to us).
fn time_or_now(t: Option<Timestamp>) -> Timestamp {
    t.unwrap_or_else(Timestamp::now)
}

/// Posted after the reply was queued (a minute of slack for clock skew).
fn since_queued(t: Option<Timestamp>, queued: Timestamp) -> bool {
    t.is_some_and(|t| t >= minus_a_minute(queued))
}

fn minus_a_minute(t: Timestamp) -> Timestamp {
    t.checked_sub(SignedDuration::from_mins(1)).unwrap_or(t)
}

fn entry(i: IncomingItem, outbound: bool) -> ThreadEntry {
    ThreadEntry {
        remote_id: i.remote_id,
        author: i.author,
        text: i.text,
        created_at: i.created_at,
        outbound,
        item: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hide_graph_refuses_is_an_error_and_dms_never_reach_graph() {
        assert_eq!(hidden(br#"{"success": true}"#, "Facebook"), Ok(()));
        assert!(matches!(
            hidden(br#"{"success": false}"#, "Instagram"),
            Err(ChannelError::Rejected(_))
        ));
        let ch = MetaChannel::new(
            ChannelKind::Facebook,
            "http://127.0.0.1:9/v21.0",
            "1",
            "t".into(),
            std::time::Duration::from_secs(1),
        )
        .expect("loopback");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        // Port 9 answers nothing: an error other than `Unsupported` would mean a call was tried.
        for dm in ["m_abc", "aWdfabc"] {
            let e = rt.block_on(ch.hide(dm)).expect_err("refused");
            assert!(matches!(e, ChannelError::Unsupported(_)), "{e}");
        }
    }
}
