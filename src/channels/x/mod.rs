//! X (API v2): mentions, replies, quotes and direct messages of one account, over a thin
//! typed client of our own ([`client`]: OAuth 1.0a signing from [`oauth1`] or a Bearer
//! token, per-endpoint rate-limit buckets), lenient decoders ([`api`]), the polls
//! ([`poll`]), replies and hiding ([`reply`]) and X's weighted length ([`length`]).
//!
//! X bills reads: every post or DM event returned counts one against the optional
//! `monthly_read_budget` (a [`Meter`] per account, shared with `account list`). At 90 % of
//! it a poll reads one page per list; at 100 % polling stops with a message saying so.
//! The account's user id is asked once (`/2/users/me`) and kept in the cursor.

pub mod api;
pub mod client;
pub mod length;
pub mod oauth1;
pub mod pin;
pub mod poll;
pub mod reply;

use std::path::PathBuf;

use jiff::Timestamp;
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::usage::Meter;
use super::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{ChannelKind, ThreadEntry};
use api::User;
use client::{Call, Client};

/// At this share of the budget (percent) polls read one page per list.
pub const SLOW_DOWN_AT: u64 = 90;

/// Where polling continues: who we are, the newest mention and DM event seen.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cursor {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub me: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dm_seen: Option<String>,
}

pub struct XChannel {
    client: Client,
    meter: Option<Meter>,
    /// Keys of replies being sent (see [`reply`]): a key still here after a crash means the
    /// post may have gone out, and is looked up before it is sent again.
    journal: Option<PathBuf>,
    /// The user id, once known (from the cursor or `/2/users/me`).
    me: std::sync::Mutex<Option<String>>,
    /// The first sync reads mentions back this far (`backfill`): older ones would cost
    /// reads only to be filed as history.
    first_sync_window: Option<std::time::Duration>,
}

impl XChannel {
    pub fn new(client: Client, meter: Option<Meter>, journal: Option<PathBuf>) -> XChannel {
        XChannel {
            client,
            meter,
            journal,
            me: std::sync::Mutex::new(None),
            first_sync_window: None,
        }
    }

    /// Read back only `window` on the first sync (`Duration::MAX`: everything X keeps).
    pub fn with_first_sync_window(mut self, window: std::time::Duration) -> XChannel {
        self.first_sync_window = Some(window);
        self
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The authorized user, asked once.
    pub async fn me(&self, known: Option<&str>) -> Result<String, ChannelError> {
        if let Some(id) = known.map(String::from).or_else(|| self.cached_me()) {
            self.remember(&id);
            return Ok(id);
        }
        let env = self
            .client
            .call::<User>(Call {
                method: Method::GET,
                path: &["2", "users", "me"],
                query: &[("user.fields", "username,name")],
                body: None,
                bucket: "GET /2/users/me",
            })
            .await?;
        let id = env
            .items()
            .0
            .into_iter()
            .find_map(|u| u.id)
            .ok_or_else(|| ChannelError::Malformed("/2/users/me named no user".into()))?;
        self.remember(&id);
        Ok(id)
    }

    fn cached_me(&self) -> Option<String> {
        self.me.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn remember(&self, id: &str) {
        *self.me.lock().unwrap_or_else(|e| e.into_inner()) = Some(id.to_string());
    }

    /// How many posts the next page may return (`None`: the budget is spent).
    fn budget_page(&self) -> Result<Option<usize>, ChannelError> {
        let left = self.meter.as_ref().and_then(|m| m.left(Timestamp::now()));
        Ok(match left {
            None => Some(100),
            Some(0) => None,
            Some(n) => Some(usize::try_from(n.min(100)).unwrap_or(100)),
        })
    }

    /// Count `n` reads (a count that cannot be written is logged, never a lost poll).
    fn spend(&self, n: usize) {
        if let Some(m) = &self.meter
            && let Err(e) = m.spend(n as u64, Timestamp::now())
        {
            tracing::warn!("x: cannot record {n} reads: {e}");
        }
    }

    /// Pages per list this poll: all while under 90 % of the budget, one near it; an error
    /// at it.
    fn pages(&self) -> Result<usize, ChannelError> {
        let Some(m) = self.meter.as_ref().filter(|m| m.limit > 0) else {
            return Ok(poll::MAX_PAGES);
        };
        let used = m.used(Timestamp::now());
        if used >= m.limit {
            return Err(ChannelError::Rejected(format!(
                "the monthly read budget is spent ({}): tinbox reads X again next month, or raise monthly_read_budget",
                m.line(Timestamp::now())
            )));
        }
        Ok(if used * 100 >= m.limit * SLOW_DOWN_AT {
            1
        } else {
            poll::MAX_PAGES
        })
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let mut cur: Cursor = cursor
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or_default();
        let pages = self.pages()?;
        let me = self.me(cur.me.as_deref()).await?;
        cur.me = Some(me.clone());
        let start = super::net::first_sync_limit(cur.since_id.is_none(), self.first_sync_window)
            .flatten()
            .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        let m = poll::mentions(self, &me, cur.since_id.as_deref(), start.as_deref(), pages).await?;
        let d = poll::dms(self, &me, cur.dm_seen.as_deref(), pages).await?;
        if m.newest.is_some() {
            cur.since_id = m.newest;
        }
        if d.newest.is_some() {
            cur.dm_seen = d.newest;
        }
        let mut items = m.items;
        items.extend(d.items);
        Ok(PollOutcome {
            items,
            cursor: serde_json::to_string(&cur).ok(),
            followers: m.followers,
            noise: Vec::new(),
        })
    }
}

impl Channel for XChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::X
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: true,
            max_len: Some(length::MAX_WEIGHT),
            length_unit: LengthUnit::X,
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
        Box::pin(reply::thread(self, remote_id))
    }

    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(reply::send(self, req))
    }

    fn usage(&self) -> Option<String> {
        self.meter.as_ref().map(|m| m.line(Timestamp::now()))
    }

    fn hide<'a>(&'a self, remote_id: &'a str) -> BoxFuture<'a, Result<(), ChannelError>> {
        Box::pin(reply::hide(self, remote_id))
    }
}
