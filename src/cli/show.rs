//! `tinbox show ITEM`: one item with its thread and history.

use std::io::Write;

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::ShowArgs;
use crate::model::ItemId;
use crate::sanitize;
use crate::sla::{self, Policies};
use crate::store::{self, StoreBackend};

pub fn run(
    store: &mut dyn StoreBackend,
    policies: &Policies,
    args: &ShowArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let detail = store::load_detail(store, id).with_context(|| format!("cannot show item {id}"))?;
    let now = Timestamp::now();
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &super::json::detail(&detail, policies, now))?;
        writeln!(out)?;
        return Ok(());
    }
    let it = &detail.item;
    let t = policies.timer(it, now);
    writeln!(
        out,
        "#{} · {} ({}) · {} · {}",
        it.id, it.account, it.channel, it.kind, it.visibility
    )?;
    writeln!(
        out,
        "From:    {} {}",
        sanitize::one_line(&it.author.name),
        sanitize::one_line(&it.author.handle)
    )?;
    writeln!(out, "Posted:  {}", it.created_at)?;
    writeln!(
        out,
        "Status:  {} · timer {} ({} {})",
        it.status,
        t.state.as_str(),
        t.target.as_str(),
        sla::format_age(t.elapsed_s)
    )?;
    if let Some(f) = &detail.follow_up {
        writeln!(out, "Offline: {}", crate::ui::detail::case_line(f, now))?;
        if let Some(note) = &f.note {
            writeln!(out, "Note:    {}", sanitize::one_line(note))?;
        }
    }
    if let Some(url) = &it.url {
        writeln!(out, "Link:    {}", sanitize::one_line(url))?;
    }
    writeln!(out, "\n{}\n", sanitize::clean(&it.text))?;
    if detail.thread.len() > 1 || detail.thread.iter().any(|e| e.outbound) {
        writeln!(out, "Thread:")?;
        for e in &detail.thread {
            let who = if e.outbound {
                "you".to_string()
            } else {
                sanitize::one_line(&e.author.handle)
            };
            writeln!(
                out,
                "  {} {}: {}",
                e.created_at,
                who,
                sanitize::one_line(&e.text)
            )?;
        }
    }
    if !detail.history.is_empty() {
        writeln!(out, "History:")?;
        for h in &detail.history {
            let from = h.from.map(|s| format!("{s} → ")).unwrap_or_default();
            // Teammates' text (on a team store, from other machines): cleaned like remote text.
            let (who, why) = (sanitize::one_line(&h.who), sanitize::one_line(&h.why));
            writeln!(out, "  {} {}{} by {who}: {why}", h.at, from, h.to)?;
        }
    }
    if let Some(d) = &detail.draft {
        writeln!(out, "Draft:\n{}", sanitize::clean(d))?;
    }
    Ok(())
}
