//! The outbox worker: sends queued replies with their fixed idempotency key, retries
//! transient failures with backoff, keeps permanent failures (with their text) for editing.
//!
//! A reply is in the store (`queued`) before any network call. An entry left `sending` by a
//! crash is due again at the next start and is sent with the same key, so the network sees
//! one post however many attempts it takes.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use crate::channels::demo::Clock;
use crate::channels::poller::{PollerConfig, backoff};
use crate::channels::{Channel, ChannelError, ReplyRequest};
use crate::model::{ItemId, OutboxEntry};
use crate::store::{StoreError, StoreHandle};

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutboxEvent {
    Sent {
        entry: i64,
        item: ItemId,
        remote_id: String,
    },
    Retrying {
        entry: i64,
        item: ItemId,
        error: String,
        at: Timestamp,
    },
    Failed {
        entry: i64,
        item: ItemId,
        error: String,
    },
}

/// A fresh idempotency key for a new reply.
pub fn new_key(item: ItemId) -> String {
    format!("tinbox-{}-{:016x}", item.0, fastrand::u64(..))
}

fn retry_policy() -> PollerConfig {
    PollerConfig {
        interval: Duration::from_secs(60),
        jitter: 0.2,
        first_backoff: Duration::from_secs(2),
        max_backoff: Duration::from_secs(300),
        backfill: None,
    }
}

/// Try to send one entry now and record the outcome in the store. `None`: another instance
/// of a team store is sending it (it must not go out twice).
pub async fn attempt(
    store: &StoreHandle,
    channels: &HashMap<String, Arc<dyn Channel>>,
    entry: &OutboxEntry,
    who: &str,
    clock: &Clock,
) -> Result<Option<OutboxEvent>, StoreError> {
    let (oid, item_id) = (entry.id, entry.item);
    let item = store.call(move |s| s.item(item_id)).await?;
    let now = clock();
    // A Facebook or Instagram DM past Meta's reply window fails here, before any network call.
    let usable = match channels.get(&item.account) {
        None => Err(format!("account {} is not connected", item.account)),
        Some(c) => crate::channels::meta::window::check(&item, now).map(|()| c),
    };
    let channel = match usable {
        Ok(c) => c,
        Err(error) => {
            let e2 = error.clone();
            store
                .call(move |s| s.outbox_mark_failed(oid, &e2, now))
                .await?;
            return Ok(Some(OutboxEvent::Failed {
                entry: oid,
                item: item_id,
                error,
            }));
        }
    };
    if !store.call(move |s| s.outbox_mark_sending(oid, now)).await? {
        return Ok(None);
    }
    let req = ReplyRequest {
        in_reply_to: item.remote_id.clone(),
        thread_root: item.thread_root.clone(),
        visibility: item.visibility,
        text: entry.text.clone(),
        idempotency_key: entry.idempotency_key.clone(),
        queued_at: entry.created_at,
    };
    match channel.send_reply(&req).await {
        Ok(sent) => {
            let (remote, who) = (sent.remote_id.clone(), who.to_string());
            store
                .call(move |s| s.outbox_mark_sent(oid, &remote, &who, sent.created_at))
                .await?;
            Ok(Some(OutboxEvent::Sent {
                entry: oid,
                item: item_id,
                remote_id: sent.remote_id,
            }))
        }
        Err(e) if e.is_transient() => {
            let now = clock();
            let at = match &e {
                ChannelError::RateLimited { until } => *until,
                _ => {
                    let delay = backoff(
                        entry.attempts + 1,
                        &retry_policy(),
                        &mut fastrand::Rng::new(),
                    );
                    now.checked_add(SignedDuration::try_from(delay).unwrap_or_default())
                        .unwrap_or(now)
                }
            };
            let error = e.to_string();
            let e2 = error.clone();
            store
                .call(move |s| s.outbox_mark_retry(oid, &e2, at))
                .await?;
            Ok(Some(OutboxEvent::Retrying {
                entry: oid,
                item: item_id,
                error,
                at,
            }))
        }
        Err(e) => {
            let (error, now) = (e.to_string(), clock());
            let e2 = error.clone();
            store
                .call(move |s| s.outbox_mark_failed(oid, &e2, now))
                .await?;
            Ok(Some(OutboxEvent::Failed {
                entry: oid,
                item: item_id,
                error,
            }))
        }
    }
}

/// Attempt every entry that is due now (also those a crash left `sending`).
pub async fn flush_due(
    store: &StoreHandle,
    channels: &HashMap<String, Arc<dyn Channel>>,
    who: &str,
    clock: &Clock,
) -> Result<Vec<OutboxEvent>, StoreError> {
    let now = clock();
    let due = store.call(move |s| s.outbox_due(now)).await?;
    let mut events = Vec::with_capacity(due.len());
    for entry in &due {
        if let Some(ev) = attempt(store, channels, entry, who, clock).await? {
            events.push(ev);
        }
    }
    Ok(events)
}

/// The running worker; dropping it stops the task.
pub struct OutboxHandle {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
}

impl OutboxHandle {
    /// Something was queued: look now.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

impl Drop for OutboxHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub fn spawn_worker(
    store: StoreHandle,
    channels: HashMap<String, Arc<dyn Channel>>,
    who: String,
    events: UnboundedSender<OutboxEvent>,
    clock: Clock,
) -> OutboxHandle {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let task = tokio::spawn(async move {
        // A team store: a teammate's queued reply (or a dead instance's) is looked at at once.
        if let Ok(Some(changes)) = store.call(|s| Ok(s.subscribe())).await {
            let nudge = woken.clone();
            let _ = std::thread::Builder::new()
                .name("tinbox-outbox-events".into())
                .spawn(move || {
                    while changes.recv().is_ok() {
                        nudge.notify_one();
                    }
                });
        }
        loop {
            match flush_due(&store, &channels, &who, &clock).await {
                Ok(evs) => {
                    for ev in evs {
                        if events.send(ev).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => tracing::warn!("outbox: {e}"),
            }
            let next = store.call(|s| s.outbox_next_due()).await.ok().flatten();
            let wait = next
                .map(|t| clock().duration_until(t).as_secs().clamp(0, 60))
                .unwrap_or(60);
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(wait.unsigned_abs()).max(Duration::from_millis(200))) => {}
                _ = woken.notified() => {}
                _ = events.closed() => return,
            }
        }
    });
    OutboxHandle { wake, task }
}

#[cfg(test)]
mod tests;
