//! `tinbox watch`: a line per new item, warning, breach, overdue follow-up and account error,
//! with timestamps — for a tmux pane or a log. `--json` writes one JSON object per line.
//! It polls the configured accounts itself.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use jiff::Timestamp;
use serde_json::json;

use crate::channels::demo::Clock;
use crate::channels::poller::{self, PollerConfig, PollerEvent};
use crate::config::Config;
use crate::model::ItemId;
use crate::sanitize::one_line;
use crate::secrets::Secrets;
use crate::sla::{Policies, TimerState};
use crate::store::{ItemQuery, StoreHandle};

/// What changed since the last look.
struct Seen {
    states: HashMap<ItemId, TimerState>,
    overdue: HashSet<i64>,
}

pub async fn run(
    config: &Config,
    secrets: &Secrets,
    store: StoreHandle,
    json: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let policies = config.policies();
    let clock: Clock = Arc::new(Timestamp::now);
    let mut seen = Seen {
        states: HashMap::new(),
        overdue: HashSet::new(),
    };
    // What is already there is the baseline: only changes are reported.
    scan(&store, &policies, &mut seen, json, &mut std::io::sink()).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut pollers = Vec::new();
    for (name, acc) in &config.accounts {
        match crate::accounts::open_channel(name, acc, secrets, clock.clone()) {
            Ok(ch) => {
                let every = Duration::from_secs(acc.poll_s.max(1).unsigned_abs());
                pollers.push(poller::spawn_poller(
                    name.clone(),
                    ch,
                    store.clone(),
                    config.rules.clone(),
                    PollerConfig::every(every),
                    tx.clone(),
                    clock.clone(),
                ));
            }
            Err(e) => line(
                out,
                json,
                "account_error",
                json!({"account": name, "error": e}),
                &format!("{name}: {e}"),
            )?,
        }
    }
    drop(tx);
    let mut tick = tokio::time::interval(Duration::from_secs(15));
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(PollerEvent::Failed { account, error, .. }) => {
                    line(out, json, "account_error", json!({"account": account, "error": one_line(&error)}), &format!("{account}: {}", one_line(&error)))?;
                }
                Some(PollerEvent::Synced { account, report, .. }) => {
                    for a in &report.alerts {
                        let item = a.item.map(|i| i.to_string());
                        line(out, json, "alert", json!({"account": account, "rule": a.rule, "message": one_line(&a.message), "item": item}), &one_line(&a.message))?;
                    }
                    scan(&store, &policies, &mut seen, json, out).await?
                }
                Some(PollerEvent::Started { .. } | PollerEvent::Elsewhere { .. } | PollerEvent::Usage { .. }) => {}
                None => break,
            },
            _ = tick.tick() => scan(&store, &policies, &mut seen, json, out).await?,
            _ = tokio::signal::ctrl_c() => break,
        }
        out.flush()?;
    }
    drop(pollers);
    Ok(0)
}

fn line(
    out: &mut dyn Write,
    json: bool,
    event: &str,
    mut fields: serde_json::Value,
    text: &str,
) -> Result<()> {
    let at = Timestamp::now();
    if json {
        if let Some(obj) = fields.as_object_mut() {
            obj.insert("at".into(), at.to_string().into());
            obj.insert("event".into(), event.into());
        }
        writeln!(out, "{fields}")?;
    } else {
        writeln!(out, "{at} {event:<13} {text}")?;
    }
    Ok(())
}

async fn scan(
    store: &StoreHandle,
    policies: &Policies,
    seen: &mut Seen,
    json: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let now = Timestamp::now();
    let (items, followups) = store
        .call(|s| Ok((s.list_items(&ItemQuery::default())?, s.followups(false)?)))
        .await?;
    for item in items.iter().filter(|i| i.status.is_open()) {
        let state = policies.timer(item, now).state;
        let previous = seen.states.insert(item.id, state);
        let text = crate::fmt::truncate(&one_line(&item.text), 100);
        let who = one_line(&item.author.handle);
        let fields = || json!({"item": item.id.to_string(), "account": item.account, "kind": item.kind.as_str(), "author": who, "text": text});
        let human = format!("#{} {} {} {who}: {text}", item.id, item.account, item.kind);
        match (previous, state) {
            (None, _) => line(out, json, "new", fields(), &human)?,
            (Some(TimerState::Ok), TimerState::Warn) => line(out, json, "warn", fields(), &human)?,
            (Some(p), TimerState::Breached) if p != TimerState::Breached => {
                line(out, json, "breach", fields(), &human)?
            }
            _ => {}
        }
    }
    for f in followups
        .iter()
        .filter(|f| f.due_at.is_some_and(|d| d < now))
    {
        if seen.overdue.insert(f.id) {
            let fields =
                json!({"case": f.case_number, "item": f.item.to_string(), "assignee": f.assignee});
            let human = format!(
                "{} #{} {}",
                f.case_number,
                f.item,
                f.assignee.as_deref().unwrap_or("-")
            );
            line(out, json, "overdue", fields, &human)?;
        }
    }
    Ok(())
}
