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
    for name in &failing {
        line.push_str(&format!(" · {} ✗", crate::sanitize::one_line(name)));
    }
    writeln!(out, "{line}")?;
    Ok(code)
}
