//! `tinbox status`: one short line for a tmux status bar, and an exit code for monitoring:
//! 0 ok, 1 something in its warn time, 2 something breached, 3 an account failing.

use std::io::Write;

use anyhow::Result;
use jiff::Timestamp;

use crate::sla::{Policies, TimerState};
use crate::store::{ItemQuery, StoreBackend};

pub fn run(
    store: &mut dyn StoreBackend,
    policies: &Policies,
    json: bool,
    out: &mut dyn Write,
) -> Result<i32> {
    let now = Timestamp::now();
    let items = store.list_items(&ItemQuery::default())?;
    let (mut open, mut warn, mut breached) = (0, 0, 0);
    for item in items.iter().filter(|i| i.status.is_open()) {
        open += 1;
        match policies.timer(item, now).state {
            TimerState::Warn => warn += 1,
            TimerState::Breached => breached += 1,
            _ => {}
        }
    }
    let failing: Vec<String> = store
        .accounts()?
        .into_iter()
        .filter(|a| a.last_error.is_some())
        .map(|a| a.name)
        .collect();
    let overdue = store
        .followups(false)?
        .iter()
        .filter(|f| f.due_at.is_some_and(|d| d < now))
        .count();
    let code = if !failing.is_empty() {
        3
    } else if breached > 0 {
        2
    } else if warn > 0 {
        1
    } else {
        0
    };
    if json {
        let v = serde_json::json!({
            "open": open, "warn": warn, "breached": breached, "overdue_followups": overdue,
            "failing_accounts": failing, "exit_code": code,
        });
        writeln!(out, "{v}")?;
        return Ok(code);
    }
    let mut line = format!("{open} open · {warn} warn · {breached} breached");
    if overdue > 0 {
        line.push_str(&format!(
            " · {overdue} follow-up{} overdue",
            if overdue == 1 { "" } else { "s" }
        ));
    }
    line.push_str(&failing_summary(&failing));
    writeln!(out, "{line}")?;
    Ok(code)
}

/// How many failing accounts are named; the rest are counted (a status bar has one line,
/// and a thousand failing accounts once made it five kilobytes long).
const NAMED_FAILURES: usize = 3;

/// " · a ✗ · b ✗", or " · a ✗ · b ✗ · c ✗ · 997 more failing"; names cut to 24 columns.
fn failing_summary(failing: &[String]) -> String {
    let mut s = String::new();
    for name in failing.iter().take(NAMED_FAILURES) {
        let name = crate::fmt::truncate(&crate::sanitize::one_line(name), 24);
        s.push_str(&format!(" · {name} ✗"));
    }
    if failing.len() > NAMED_FAILURES {
        s.push_str(&format!(
            " · {} more failing",
            failing.len() - NAMED_FAILURES
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ChannelKind;
    use crate::store::prelude::*;
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn a_thousand_failing_accounts_make_one_short_line() {
        let mut store = SqliteStore::open_in_memory().expect("store");
        let now = Timestamp::now();
        for i in 0..1000 {
            let error = format!("cannot connect: {}", "x".repeat(200));
            store
                .record_sync_error(
                    &format!("account-{i:04}"),
                    ChannelKind::Mastodon,
                    &error,
                    now,
                )
                .expect("record");
        }
        let mut out = Vec::new();
        let code = run(&mut store, &Policies::default(), false, &mut out).expect("status");
        let line = String::from_utf8(out).expect("utf8");
        assert_eq!(code, 3);
        assert!(line.len() < 200, "{} bytes: {line}", line.len());
        assert!(
            line.contains("account-0000 ✗") && line.contains("997 more failing"),
            "{line}"
        );
    }
}
