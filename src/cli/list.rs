//! `tinbox list`: items with their timers, as a table or JSON.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::ListArgs;
use crate::model::{FollowUp, ItemId, Status};
use crate::sla::{self, Policies};
use crate::store::{ItemQuery, StoreBackend};
use crate::{fmt, sanitize};

pub fn run(
    store: &mut dyn StoreBackend,
    policies: &Policies,
    args: &ListArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let statuses = args
        .status
        .iter()
        .map(|s| s.trim().parse::<Status>().map_err(anyhow::Error::msg))
        .collect::<Result<Vec<_>>>()?;
    let query = ItemQuery {
        statuses,
        all: args.all,
        account: args.account.clone(),
        // The store's limit keeps the newest; `--limit N` means the N most urgent, which only
        // the policies know: every matching item is read, sorted, then cut.
        limit: None,
        ..ItemQuery::default()
    };
    let mut items = store.list_items(&query).context("cannot list items")?;
    let now = Timestamp::now();
    crate::app::update::sort_items(
        &mut items,
        crate::app::state::SortOrder::Urgency,
        policies,
        now,
    );
    if let Some(n) = args.limit {
        items.truncate(n);
    }
    if args.json {
        // One read of the open cases for the whole list (not one per item).
        let cases: HashMap<ItemId, FollowUp> = store
            .followups(false)
            .context("cannot list follow-ups")?
            .into_iter()
            .map(|f| (f.item, f))
            .collect();
        let arr: Vec<_> = items
            .iter()
            .map(|i| super::json::item(i, cases.get(&i.id), policies, now))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &arr)?;
        writeln!(out)?;
        return Ok(());
    }
    if items.is_empty() {
        writeln!(
            out,
            "No items. (`tinbox list --all` includes replied, done and ignored items.)"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:<12}  {:<7}  {:<9}  {:>6}  {:<20}  TEXT",
        "ID", "ACCOUNT", "KIND", "STATUS", "TIMER", "AUTHOR"
    )?;
    for item in &items {
        let t = policies.timer(item, now);
        let timer = match t.state {
            sla::TimerState::None => "-".to_string(),
            sla::TimerState::Paused => format!("({})", sla::format_age(t.elapsed_s)),
            sla::TimerState::Breached => format!("!{}", sla::format_age(t.elapsed_s)),
            _ => sla::format_age(t.elapsed_s),
        };
        let author = if item.author.name.is_empty() {
            &item.author.handle
        } else {
            &item.author.name
        };
        writeln!(
            out,
            "{:>5}  {}  {:<7}  {:<9}  {:>6}  {}  {}",
            item.id.0,
            fmt::fit(&sanitize::one_line(&item.account), 12),
            item.kind.as_str(),
            item.status.as_str(),
            timer,
            fmt::fit(&sanitize::one_line(author), 20),
            fmt::truncate(&sanitize::one_line(&item.text), 70),
        )?;
    }
    Ok(())
}
