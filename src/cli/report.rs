//! `tinbox report [--since 7d] [--json|--csv|--html FILE]`: response-time figures per
//! channel and account, per day, and per responder on a team store.

use std::io::Write;

use anyhow::{Context, Result, bail};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::ReportArgs;
use super::followup::csv_cell;
use crate::report::{self, Row};
use crate::sla::{Policies, format_age};
use crate::store::StoreBackend;

/// `7d`, `24h` (back from now) or a date `2026-11-01` (local midnight).
pub fn since(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp> {
    if let Ok(secs) = crate::sla::parse_duration(text) {
        return Ok(now.checked_sub(SignedDuration::from_secs(secs))?);
    }
    match text.trim().parse::<jiff::civil::Date>() {
        Ok(d) => Ok(d.to_zoned(tz.clone())?.timestamp()),
        Err(_) => bail!("--since {text:?}: write a duration like 7d or a date like 2026-11-01"),
    }
}

pub fn run(
    store: &mut dyn StoreBackend,
    policies: &Policies,
    args: &ReportArgs,
    out: &mut dyn Write,
) -> Result<()> {
    let now = Timestamp::now();
    let tz = TimeZone::system();
    let from = since(&args.since, now, &tz)?;
    let (items, followups) = report::inputs(store, from)?;
    let mut r = report::build(&items, &followups, policies, from, now, &tz);
    let answered_by = store.first_responders(from)?;
    r.responders = report::by_responder(&items, &answered_by, policies, from, now);
    if let Some(path) = &args.html {
        let page = report::html::render(&r, "Customer care report");
        crate::private::write_atomic(path, page.as_bytes(), 0o644)
            .with_context(|| format!("writing the report to {}", path.display()))?;
        writeln!(
            out,
            "Wrote {} ({} days, {} items in, {} breaches)",
            path.display(),
            r.days.len(),
            r.total.items_in,
            r.total.breaches
        )?;
        return Ok(());
    }
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &r)?;
        writeln!(out)?;
        return Ok(());
    }
    let secs = |v: Option<i64>| v.map(|s| s.to_string()).unwrap_or_default();
    if args.csv {
        write!(
            out,
            "channel,account,items_in,replied,median_first_response_s,p90_first_response_s,breaches,open_followups,overdue_followups\r\n"
        )?;
        for row in r.rows.iter().chain(std::iter::once(&r.total)) {
            let cells = [
                row.channel.clone(),
                row.account.clone(),
                row.items_in.to_string(),
                row.replied.to_string(),
                secs(row.median_first_response_s),
                secs(row.p90_first_response_s),
                row.breaches.to_string(),
                row.open_followups.to_string(),
                row.overdue_followups.to_string(),
            ];
            write!(
                out,
                "{}\r\n",
                cells
                    .iter()
                    .map(|c| csv_cell(c))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "Response times since {} ({} back)",
        crate::channels::clock_time(&from),
        args.since
    )?;
    writeln!(
        out,
        "{:<10} {:<14} {:>5} {:>7} {:>7} {:>7} {:>8} {:>9} {:>7}",
        "CHANNEL", "ACCOUNT", "IN", "REPLIED", "MEDIAN", "P90", "BREACHES", "FOLLOWUPS", "OVERDUE"
    )?;
    for row in r.rows.iter().chain(std::iter::once(&r.total)) {
        writeln!(out, "{}", line(row))?;
    }
    if !r.days.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<10} {:>5} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}",
            "DAY", "IN", "REPLIED", "MEDIAN", "P90", "BREACHES", "OPENED", "CLOSED"
        )?;
        let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "-".into());
        for d in &r.days {
            writeln!(
                out,
                "{:<10} {:>5} {:>7} {:>7} {:>7} {:>8} {:>6} {:>6}",
                d.date,
                d.items_in,
                d.replied,
                age(d.median_first_response_s),
                age(d.p90_first_response_s),
                d.breaches,
                d.followups_opened,
                d.followups_closed
            )?;
        }
    }
    if !r.responders.is_empty() {
        let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "-".into());
        writeln!(out)?;
        writeln!(
            out,
            "{:<25} {:>7} {:>7} {:>7} {:>8}",
            "RESPONDER", "REPLIED", "MEDIAN", "P90", "BREACHES"
        )?;
        for p in &r.responders {
            writeln!(
                out,
                "{:<25} {:>7} {:>7} {:>7} {:>8}",
                crate::fmt::truncate(&crate::sanitize::one_line(&p.who), 25),
                p.replied,
                age(p.median_first_response_s),
                age(p.p90_first_response_s),
                p.breaches
            )?;
        }
    }
    Ok(())
}

fn line(row: &Row) -> String {
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "-".into());
    format!(
        "{:<10} {:<14} {:>5} {:>7} {:>7} {:>7} {:>8} {:>9} {:>7}",
        row.channel,
        crate::fmt::truncate(&row.account, 14),
        row.items_in,
        row.replied,
        age(row.median_first_response_s),
        age(row.p90_first_response_s),
        row.breaches,
        row.open_followups,
        row.overdue_followups
    )
}
