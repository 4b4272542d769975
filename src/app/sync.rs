//! `R`, sync now, and what it did: the accounts it waits for are noted when it is pressed,
//! each poller's answer is counted, and the last one puts the result in the status bar
//! ("Synced 3 accounts: 2 new" or which account failed and why). Pure, part of `update`.

use super::state::{AccountHealth, Level, SyncRound};
use super::{AppState, Effect};

/// `R`: ask every poller to sync now and wait for their answers.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    // An account a teammate's tinbox polls is not polled here: no answer to wait for.
    let waiting: std::collections::BTreeSet<String> = state
        .accounts
        .iter()
        .filter(|(_, v)| !matches!(v.health, AccountHealth::Elsewhere { .. }))
        .map(|(name, _)| name.clone())
        .collect();
    state.dirty = true;
    if waiting.is_empty() {
        state.sync_round = None;
        state.message = Some((Level::Info, "No account to sync here.".into()));
    } else {
        let n = waiting.len();
        let s = if n == 1 { "" } else { "s" };
        state.message = Some((Level::Info, format!("Syncing {n} account{s}…")));
        state.sync_round = Some(SyncRound {
            waiting,
            ..SyncRound::default()
        });
    }
    // The outbox is woken too, so a reply waiting to retry goes now.
    vec![Effect::SyncNow]
}

/// How one account's sync ended, for the round `R` started.
pub enum Outcome {
    Synced { new_items: usize },
    Failed(String),
    Elsewhere,
}

/// Count `account`'s answer; the last one awaited says what the round did.
pub fn answered(state: &mut AppState, account: &str, outcome: Outcome) {
    let Some(round) = state.sync_round.as_mut() else {
        return;
    };
    if !round.waiting.remove(account) {
        return;
    }
    match outcome {
        Outcome::Synced { new_items } => {
            round.synced += 1;
            round.new_items += new_items;
        }
        Outcome::Failed(error) => round.failed.push((account.to_string(), error)),
        Outcome::Elsewhere => {}
    }
    if !round.waiting.is_empty() {
        return;
    }
    let Some(round) = state.sync_round.take() else {
        return;
    };
    state.message = Some(summary(&round));
    state.dirty = true;
}

fn summary(round: &SyncRound) -> (Level, String) {
    let tried = round.synced + round.failed.len();
    let s = if tried == 1 { "" } else { "s" };
    let new = match round.new_items {
        0 => "nothing new".to_string(),
        n => format!("{n} new"),
    };
    if round.failed.is_empty() {
        return (Level::Info, format!("Synced {tried} account{s}: {new}."));
    }
    let failed: Vec<String> = round
        .failed
        .iter()
        .map(|(account, e)| format!("{account} failed: {}", crate::sanitize::one_line(e)))
        .collect();
    (
        Level::Error,
        format!(
            "Synced {} of {tried} account{s}: {new}; {}.",
            round.synced,
            failed.join("; ")
        ),
    )
}

#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
