//! The effect runner: performs what `update` asked for and answers with messages.
//!
//! Store effects are awaited in order (a status change lands before the reload that follows
//! it); network effects run as their own tasks so the UI never waits on a server.

use std::collections::HashMap;
use std::sync::Arc;

use jiff::Timestamp;
use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Effect, Msg};
use crate::channels::poller::PollerHandle;
use crate::channels::{Channel, ReplyRequest};
use crate::model::ItemId;
use crate::store::{self, ItemQuery, StoreHandle};

pub struct EffectRunner {
    pub store: StoreHandle,
    pub channels: HashMap<String, Arc<dyn Channel>>,
    pub pollers: Vec<PollerHandle>,
    pub tx: UnboundedSender<Msg>,
    pub user: String,
}

impl EffectRunner {
    pub async fn run(&self, effect: Effect) {
        let result = match effect {
            Effect::LoadItems { include_closed } => {
                let q = ItemQuery {
                    all: include_closed,
                    ..ItemQuery::default()
                };
                self.store
                    .call(move |s| s.list_items(&q))
                    .await
                    .map(|items| self.send(Msg::ItemsLoaded(items)))
            }
            Effect::LoadDetail(id) => self
                .store
                .call(move |s| store::load_detail(s, id))
                .await
                .map(|d| self.send(Msg::DetailLoaded(Box::new(d)))),
            Effect::FetchThread(id) => {
                self.spawn_fetch_thread(id);
                Ok(())
            }
            Effect::SetStatus { id, status, why } => {
                let who = self.user.clone();
                self.store
                    .call(move |s| s.set_status(id, status, &who, &why, Timestamp::now()))
                    .await
            }
            Effect::MarkRead(id) => self.store.call(move |s| s.set_read(id, true)).await,
            Effect::SaveDraft { id, text } => self
                .store
                .call(move |s| {
                    s.save_draft(id, &text, Timestamp::now())?;
                    s.draft_count()
                })
                .await
                .map(|n| self.send(Msg::DraftCount(n))),
            Effect::SendReply { id, text } => {
                self.spawn_send(id, text);
                Ok(())
            }
            Effect::SyncNow => {
                for p in &self.pollers {
                    p.poll_now();
                }
                Ok(())
            }
            Effect::Quit => Ok(()),
        };
        if let Err(e) = result {
            tracing::warn!("effect failed: {e}");
            self.send(Msg::Error(e.to_string()));
        }
    }

    fn send(&self, msg: Msg) {
        let _ = self.tx.send(msg);
    }

    fn spawn_fetch_thread(&self, id: ItemId) {
        let (store, channels, tx) = (self.store.clone(), self.channels.clone(), self.tx.clone());
        tokio::spawn(async move {
            let Ok(item) = store.call(move |s| s.item(id)).await else {
                return;
            };
            let Some(channel) = channels.get(&item.account) else {
                return;
            };
            let thread = channel
                .fetch_thread(&item.remote_id)
                .await
                .map_err(|e| e.to_string());
            let _ = tx.send(Msg::ThreadFetched { id, thread });
        });
    }

    /// Send a reply on the item's channel, then record it. The draft stays until it is sent.
    fn spawn_send(&self, id: ItemId, text: String) {
        let store = self.store.clone();
        let channels = self.channels.clone();
        let tx = self.tx.clone();
        let who = self.user.clone();
        tokio::spawn(async move {
            let result = send_reply(&store, &channels, id, &text, &who).await;
            let _ = tx.send(Msg::ReplyResult { id, result });
            if let Ok(n) = store.call(|s| s.draft_count()).await {
                let _ = tx.send(Msg::DraftCount(n));
            }
        });
    }
}

async fn send_reply(
    store: &StoreHandle,
    channels: &HashMap<String, Arc<dyn Channel>>,
    id: ItemId,
    text: &str,
    who: &str,
) -> Result<(), String> {
    let item = store
        .call(move |s| s.item(id))
        .await
        .map_err(|e| e.to_string())?;
    let channel = channels
        .get(&item.account)
        .ok_or_else(|| format!("account {} is not connected", item.account))?;
    let req = ReplyRequest {
        in_reply_to: item.remote_id.clone(),
        thread_root: item.thread_root.clone(),
        visibility: item.visibility,
        text: text.to_string(),
        idempotency_key: format!("tinbox-{}-{:016x}", id.0, fastrand::u64(..)),
    };
    let sent = channel.send_reply(&req).await.map_err(|e| e.to_string())?;
    let (text, who) = (text.to_string(), who.to_string());
    store
        .call(move |s| s.record_reply(id, &sent.remote_id, &text, &who, sent.created_at))
        .await
        .map_err(|e| format!("sent, but not recorded: {e}"))
}
