//! `tinbox sync`: poll accounts without the inbox UI.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::Arc;

use anyhow::{Result, bail};
use jiff::Timestamp;

use super::SyncArgs;
use crate::channels::Channel;
use crate::channels::demo::Clock;
use crate::channels::poller::{self, PollerConfig, PollerEvent};
use crate::config::Config;
use crate::outbox::{self, OutboxEvent};
use crate::sanitize::one_line;
use crate::secrets::Secrets;
use crate::store::StoreHandle;

/// Returns the process exit code: 0 when every account synced, 1 when any failed.
pub async fn run(
    config: &Config,
    secrets: &Secrets,
    store: StoreHandle,
    args: &SyncArgs,
    owns_outbox: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let clock: Clock = Arc::new(Timestamp::now);
    let mut channels: BTreeMap<String, Arc<dyn Channel>> = BTreeMap::new();
    let mut failed = false;
    for (name, acc) in &config.accounts {
        if args.account.as_ref().is_some_and(|a| a != name) {
            continue;
        }
        match crate::accounts::open_channel(name, acc, secrets, clock.clone()) {
            Ok(ch) => {
                channels.insert(name.clone(), ch);
            }
            Err(e) => {
                writeln!(out, "{name}: error: {e}")?;
                failed = true;
            }
        }
    }
    if let Some(a) = &args.account
        && !config.accounts.contains_key(a)
    {
        bail!(
            "no account named {a:?} in the config (accounts: {})",
            names(config)
        );
    }
    if channels.is_empty() && !failed {
        bail!(
            "no accounts configured: add one under [accounts.NAME] in the config, or try `tinbox --demo`"
        );
    }
    let user = config.user.clone().unwrap_or_else(|| "me".into());
    let senders: HashMap<String, Arc<dyn Channel>> = channels
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if args.once {
        let mut tasks = tokio::task::JoinSet::new();
        for (name, ch) in channels {
            // A team store: an account another running tinbox polls is left to it.
            let n2 = name.clone();
            let lease = store
                .call(move |s| s.lease_account(&n2, Timestamp::now()))
                .await?;
            if let crate::store::LeaseState::Elsewhere(holder) = lease {
                writeln!(out, "{name}: polled by {}; skipped", one_line(&holder))?;
                continue;
            }
            let (store, rules) = (store.clone(), config.rules.clone());
            let backfill = PollerConfig::every(std::time::Duration::ZERO)
                .with_backfill(config.backfill_s)
                .backfill;
            tasks.spawn(async move {
                let r = poller::poll_once(
                    &name,
                    ch.as_ref(),
                    &store,
                    &rules,
                    backfill,
                    Timestamp::now(),
                )
                .await;
                (name, r)
            });
        }
        let mut results = BTreeMap::new();
        while let Some(joined) = tasks.join_next().await {
            if let Ok((name, r)) = joined {
                results.insert(name, r);
            }
        }
        for (name, r) in results {
            match r {
                Ok(report) => {
                    writeln!(out, "{name}: synced, {}", counts(&report))?;
                    for a in &report.alerts {
                        writeln!(out, "{name}: ALERT {}", one_line(&a.message))?;
                    }
                }
                Err(e) => {
                    failed = true;
                    writeln!(out, "{name}: error: {e}")?;
                }
            }
        }
        // Replies still queued (or left sending by a crash) go out now, with their keys.
        if !owns_outbox {
            writeln!(
                out,
                "outbox: left to the tinbox that is running (it sends queued replies)"
            )?;
            return Ok(i32::from(failed));
        }
        let events = outbox::flush_due(&store, &senders, &user, &clock).await?;
        for ev in &events {
            if matches!(ev, OutboxEvent::Failed { .. }) {
                failed = true;
            }
            writeln!(out, "{}", outbox_line(ev))?;
        }
        return Ok(i32::from(failed));
    }
    // Continuous: one poller per account, a line per event, until interrupted.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut handles = Vec::new();
    for (name, ch) in channels {
        let poll_s = config
            .accounts
            .get(&name)
            .map(|a| a.poll_s)
            .unwrap_or(60)
            .max(1);
        let cfg = PollerConfig::every(std::time::Duration::from_secs(poll_s.unsigned_abs()))
            .with_backfill(config.backfill_s);
        handles.push(poller::spawn_poller(
            name,
            ch,
            store.clone(),
            config.rules.clone(),
            cfg,
            tx.clone(),
            clock.clone(),
        ));
    }
    drop(tx);
    let (otx, mut orx) = tokio::sync::mpsc::unbounded_channel();
    let _outbox = outbox::spawn_worker(store.clone(), senders, user, otx, clock.clone());
    let mut holders: HashMap<String, String> = HashMap::new();
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(PollerEvent::Synced { account, report, at }) => {
                    holders.remove(&account);
                    writeln!(out, "{at} {account}: synced, {}", counts(&report))?;
                    for a in &report.alerts {
                        writeln!(out, "{at} {account}: ALERT {}", one_line(&a.message))?;
                    }
                }
                Some(PollerEvent::Failed { account, error, retry_at }) => {
                    let retry = retry_at.map(|t| format!(", retrying at {t}")).unwrap_or_default();
                    writeln!(out, "{} {account}: error: {error}{retry}", Timestamp::now())?;
                }
                Some(PollerEvent::Elsewhere { account, holder }) => {
                    // Said once per change of holder, not every interval.
                    if holders.get(&account) != Some(&holder) {
                        writeln!(out, "{} {account}: polled by {}", Timestamp::now(), one_line(&holder))?;
                        holders.insert(account, holder);
                    }
                }
                Some(PollerEvent::Started { .. } | PollerEvent::Usage { .. }) => {}
                None => break,
            },
            Some(ev) = orx.recv() => writeln!(out, "{} {}", Timestamp::now(), outbox_line(&ev))?,
            _ = tokio::signal::ctrl_c() => break,
        }
        out.flush()?;
    }
    drop(handles);
    Ok(0)
}

/// "3 new", or "3 new, 40 older kept as done history" on a first sync.
fn counts(report: &crate::channels::poller::SyncReport) -> String {
    match report.history.len() {
        0 => format!("{} new", report.new_items.len()),
        h => format!(
            "{} new, {h} older kept as done history (backfill)",
            report.new_items.len()
        ),
    }
}

fn outbox_line(ev: &OutboxEvent) -> String {
    match ev {
        OutboxEvent::Sent {
            item, remote_id, ..
        } => format!("outbox: reply to #{item} sent ({remote_id})"),
        OutboxEvent::Retrying {
            item, error, at, ..
        } => {
            format!(
                "outbox: reply to #{item} not sent yet ({error}); retrying at {}",
                crate::channels::clock_time(at)
            )
        }
        OutboxEvent::Failed { item, error, .. } => {
            format!("outbox: reply to #{item} failed: {error} (kept in the outbox)")
        }
    }
}

fn names(config: &Config) -> String {
    config
        .accounts
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}
