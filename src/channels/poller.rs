//! One poller task per account: poll on an interval with jitter, back off on trouble, and
//! report to the app. A failing account never stops the others (each is its own task).

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::{Channel, ChannelError};
use crate::clock::Clock;
use crate::model::{ChannelKind, ItemId, Status};
use crate::rules::{Alert, Rules};
use crate::store::{LeaseState, StoreError, StoreHandle};

/// What a poller tells the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollerEvent {
    Started {
        account: String,
    },
    Synced {
        account: String,
        report: SyncReport,
        at: Timestamp,
    },
    Failed {
        account: String,
        error: String,
        retry_at: Option<Timestamp>,
    },
    /// What a metered account has spent ([`Channel::usage`]), after a poll that changed it;
    /// `None`: nothing to say any more (a rate limit that has passed).
    Usage {
        account: String,
        line: Option<String>,
    },
    /// A team store: another instance (`holder`, e.g. "kim on laptop") polls this account;
    /// this one asks again after an interval and takes over when that one stops.
    Elsewhere {
        account: String,
        holder: String,
    },
}

/// What one sync changed: the store's ingest (new and reopened items), then what the poller
/// did on top of it (history set aside on a first sync, the rules' alerts). The store knows
/// nothing of rules, so these live here and not in the store's `IngestReport`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Items seen for the first time (without the history below).
    pub new_items: Vec<ItemId>,
    /// Items that were answered or closed and were reopened by a new inbound message.
    pub reopened: Vec<ItemId>,
    /// Alerts the rules raised on the new items.
    pub alerts: Vec<Alert>,
    /// On an account's first sync, items older than the backfill window: imported as done
    /// history, not announced (not in `new_items`).
    pub history: Vec<ItemId>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PollerConfig {
    pub interval: Duration,
    /// Random spread of the interval, e.g. 0.1 = ±10%, so accounts do not poll in lockstep.
    pub jitter: f64,
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// On the account's first sync, what is older than this comes in as done history
    /// (`backfill` in the config); `None` keeps everything open.
    pub backfill: Option<Duration>,
}

impl PollerConfig {
    pub fn every(interval: Duration) -> PollerConfig {
        PollerConfig {
            interval,
            jitter: 0.1,
            first_backoff: Duration::from_secs(5),
            // An inbox should notice within minutes that a network is back: the wait after
            // failures stops growing at 5 minutes (or the account's own interval, if longer).
            // Rate limits are not failures: they wait exactly until the reset.
            max_backoff: Duration::from_secs(5 * 60).max(interval),
            backfill: None,
        }
    }

    /// With the config's `backfill` window (seconds; 0 or less keeps everything open).
    pub fn with_backfill(self, secs: i64) -> PollerConfig {
        PollerConfig {
            backfill: u64::try_from(secs)
                .ok()
                .filter(|s| *s > 0)
                .map(Duration::from_secs),
            ..self
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error("{0}")]
    Channel(#[from] ChannelError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Poll one account once: read its cursor, poll the network, then store items and cursor
/// and apply the rules to the new items. On the account's first sync, items older than
/// `backfill` are history: stored as done, not announced, no rules.
pub async fn poll_once(
    account: &str,
    channel: &dyn Channel,
    store: &StoreHandle,
    rules: &Arc<Rules>,
    backfill: Option<Duration>,
    now: Timestamp,
) -> Result<SyncReport, PollError> {
    let name = account.to_string();
    let record = store.call(move |s| s.account(&name)).await?;
    let first = record.as_ref().is_none_or(|a| a.last_sync.is_none());
    let cursor = record.and_then(|a| a.cursor);
    let kind = channel.kind();
    // The demo's seeded history is its story (breached items included): never cut.
    let cutoff = backfill
        .filter(|_| first && kind != ChannelKind::Demo)
        .and_then(|w| SignedDuration::try_from(w).ok())
        .and_then(|w| now.checked_sub(w).ok());
    match channel.poll(cursor.as_deref()).await {
        Ok(outcome) => {
            let (name, rules) = (account.to_string(), rules.clone());
            Ok(store
                .call(move |s| {
                    let ingest =
                        s.ingest(&name, kind, &outcome.items, outcome.cursor.as_deref(), now)?;
                    let mut report = SyncReport {
                        new_items: ingest.new_items,
                        reopened: ingest.reopened,
                        ..SyncReport::default()
                    };
                    if let Some(cutoff) = cutoff {
                        let mut fresh = Vec::with_capacity(report.new_items.len());
                        for id in std::mem::take(&mut report.new_items) {
                            if s.item(id)?.created_at < cutoff {
                                let why = format!(
                                    "history: older than the backfill window when {name} was first synced"
                                );
                                s.set_status(id, Status::Done, "tinbox", &why, now)?;
                                report.history.push(id);
                            } else {
                                fresh.push(id);
                            }
                        }
                        report.new_items = fresh;
                    }
                    // Automatic mail is tagged and set aside before the rules see it.
                    if !outcome.noise.is_empty() {
                        for id in &report.new_items {
                            if outcome.noise.contains(&s.item(*id)?.remote_id) {
                                let tags = [crate::channels::email::NOISE_TAG.to_string()];
                                s.set_tags(*id, &tags, "tinbox", now)?;
                                let why = "automatic mail (auto-reply, bounce, list or receipt)";
                                s.set_status(*id, Status::Ignored, "tinbox", why, now)?;
                            }
                        }
                    }
                    report.alerts = rules.apply(s, &report.new_items, &outcome.followers, now)?;
                    Ok(report)
                })
                .await?)
        }
        Err(e) => {
            let (name, msg) = (account.to_string(), e.to_string());
            let _ = store
                .call(move |s| s.record_sync_error(&name, kind, &msg, now))
                .await;
            Err(e.into())
        }
    }
}

/// The delay after `failures` consecutive transient failures: doubling from `first_backoff`,
/// capped, with jitter.
pub fn backoff(failures: u32, cfg: &PollerConfig, rng: &mut fastrand::Rng) -> Duration {
    let doubled = cfg
        .first_backoff
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
    jittered(doubled.min(cfg.max_backoff), cfg.jitter, rng)
}

/// `d` spread by ±`jitter`.
pub fn jittered(d: Duration, jitter: f64, rng: &mut fastrand::Rng) -> Duration {
    let factor = 1.0 + jitter.clamp(0.0, 1.0) * (rng.f64() * 2.0 - 1.0);
    d.mul_f64(factor.max(0.0))
}

/// A running poller; dropping it stops the task (and the channel's watch, if any).
pub struct PollerHandle {
    wake: Arc<Notify>,
    task: JoinHandle<()>,
    watch: JoinHandle<()>,
}

impl PollerHandle {
    /// Poll now instead of waiting for the interval.
    pub fn poll_now(&self) {
        self.wake.notify_one();
    }
}

impl Drop for PollerHandle {
    fn drop(&mut self) {
        self.task.abort();
        self.watch.abort();
    }
}

pub fn spawn_poller(
    account: String,
    channel: Arc<dyn Channel>,
    store: StoreHandle,
    rules: Arc<Rules>,
    cfg: PollerConfig,
    events: UnboundedSender<PollerEvent>,
    clock: Clock,
) -> PollerHandle {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    // A network that announces news (IMAP IDLE) wakes the loop below between intervals.
    let watch = {
        let (channel, wake) = (channel.clone(), wake.clone());
        tokio::spawn(async move {
            if let Some(w) = channel.watch(wake) {
                w.await;
            }
        })
    };
    let task = tokio::spawn(async move {
        let mut rng = fastrand::Rng::new();
        let mut failures = 0u32;
        // The usage line last sent, so a line that goes away is said too.
        let mut said: Option<String> = None;
        loop {
            // A team store: poll only while this instance holds the account's lease.
            let name = account.clone();
            let now = clock();
            match store.call(move |s| s.lease_account(&name, now)).await {
                Ok(LeaseState::Held) => {}
                Ok(LeaseState::Elsewhere(holder)) => {
                    let ev = PollerEvent::Elsewhere {
                        account: account.clone(),
                        holder,
                    };
                    if events.send(ev).is_err() {
                        return;
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(jittered(cfg.interval, cfg.jitter, &mut rng)) => {}
                        _ = events.closed() => return,
                    }
                    continue;
                }
                Err(e) => tracing::warn!(account = %account, "lease: {e}"),
            }
            if events
                .send(PollerEvent::Started {
                    account: account.clone(),
                })
                .is_err()
            {
                return;
            }
            let result = poll_once(
                &account,
                channel.as_ref(),
                &store,
                &rules,
                cfg.backfill,
                clock(),
            )
            .await;
            let now = clock();
            let (event, delay) = match result {
                Ok(report) => {
                    failures = 0;
                    let ev = PollerEvent::Synced {
                        account: account.clone(),
                        report,
                        at: now,
                    };
                    (ev, jittered(cfg.interval, cfg.jitter, &mut rng))
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    let delay = match &e {
                        PollError::Channel(ChannelError::RateLimited { until }) => {
                            let wait = now.duration_until(*until).as_secs().max(1);
                            Duration::from_secs(wait.unsigned_abs())
                        }
                        PollError::Channel(c) if c.is_transient() => {
                            backoff(failures, &cfg, &mut rng)
                        }
                        _ => cfg.interval,
                    };
                    tracing::warn!(account = %account, "sync failed: {e}");
                    let retry_at = now
                        .checked_add(SignedDuration::try_from(delay).unwrap_or_default())
                        .ok();
                    (
                        PollerEvent::Failed {
                            account: account.clone(),
                            error: e.to_string(),
                            retry_at,
                        },
                        delay,
                    )
                }
            };
            if events.send(event).is_err() {
                return;
            }
            let line = channel.usage();
            if line != said {
                said = line.clone();
                let ev = PollerEvent::Usage {
                    account: account.clone(),
                    line,
                };
                if events.send(ev).is_err() {
                    return;
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = woken.notified() => {}
                _ = events.closed() => return,
            }
        }
    });
    PollerHandle { wake, task, watch }
}

#[cfg(test)]
#[path = "poller_tests.rs"]
mod tests;
