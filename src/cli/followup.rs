//! `tinbox followup`, `tinbox followups` and `tinbox resolve`: taking conversations offline
//! with a case number and one designated person, and seeing them through.

use std::io::Write;

use anyhow::{Context, Result};
use jiff::Timestamp;
use serde_json::json;

use super::{FollowUpArgs, FollowUpsArgs, ResolveArgs};
use crate::model::{FollowUp, FollowUpInput, ItemId};
use crate::sla::format_age;
use crate::store::StoreBackend;

pub fn create(
    store: &mut dyn StoreBackend,
    args: &FollowUpArgs,
    case_format: &str,
    who: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let now = Timestamp::now();
    let due_at = args
        .due
        .as_deref()
        .map(|d| crate::sla::due::parse_due(d, now, &jiff::tz::TimeZone::system()))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let input = FollowUpInput {
        method: args.method.parse().map_err(anyhow::Error::msg)?,
        contact: args.contact.clone(),
        due_at,
        assignee: Some(args.assignee.clone().unwrap_or_else(|| who.to_string())),
        note: args.note.clone(),
    };
    let f = store
        .create_followup(id, &input, case_format, who, now)
        .with_context(|| format!("cannot take item {id} offline"))?;
    let due = f
        .due_at
        .map(|d| format!(", due {}", crate::channels::clock_time(&d)))
        .unwrap_or_default();
    writeln!(
        out,
        "{}: #{id} by {} with {}{due}.",
        f.case_number,
        f.method,
        f.assignee.as_deref().unwrap_or(who)
    )?;
    writeln!(
        out,
        "Tell the customer: templates can use {{case}} (`tinbox reply {id} --template ...`)."
    )?;
    Ok(())
}

pub fn list(store: &mut dyn StoreBackend, args: &FollowUpsArgs, out: &mut dyn Write) -> Result<()> {
    let now = Timestamp::now();
    let all = store.followups(args.all)?;
    let rows: Vec<&FollowUp> = all
        .iter()
        .filter(|f| !args.overdue || f.closed_at.is_none() && f.due_at.is_some_and(|d| d < now))
        .filter(|f| {
            args.assignee
                .as_ref()
                .is_none_or(|a| f.assignee.as_ref() == Some(a))
        })
        .collect();
    if args.json {
        let arr: Vec<_> = rows.iter().map(|f| to_json(f, now)).collect();
        serde_json::to_writer_pretty(&mut *out, &arr)?;
        writeln!(out)?;
    } else if args.csv {
        write!(
            out,
            "case,item,method,contact,assignee,due_at,overdue,note,created_at,outcome,closed_at\r\n"
        )?;
        for f in rows {
            let cells = [
                f.case_number.clone(),
                f.item.to_string(),
                f.method.to_string(),
                f.contact.clone().unwrap_or_default(),
                f.assignee.clone().unwrap_or_default(),
                f.due_at.map(|d| d.to_string()).unwrap_or_default(),
                overdue(f, now).to_string(),
                f.note.clone().unwrap_or_default(),
                f.created_at.to_string(),
                f.outcome.clone().unwrap_or_default(),
                f.closed_at.map(|d| d.to_string()).unwrap_or_default(),
            ];
            let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
            // RFC 4180 line ends.
            write!(out, "{}\r\n", line.join(","))?;
        }
    } else if rows.is_empty() {
        writeln!(out, "No open follow-ups.")?;
    } else {
        for f in rows {
            let due = match f.due_at {
                Some(d) if d < now => {
                    format!("OVERDUE {}", format_age(d.duration_until(now).as_secs()))
                }
                Some(d) => format!("due in {}", format_age(now.duration_until(d).as_secs())),
                None => "no due time".into(),
            };
            let who = f.assignee.as_deref().unwrap_or("-");
            let contact = f.contact.as_deref().unwrap_or("");
            writeln!(
                out,
                "{}  #{}  {}  {}  {who}  {contact}  {}",
                f.case_number,
                f.item,
                f.method,
                due,
                f.note.as_deref().unwrap_or("")
            )?;
        }
    }
    Ok(())
}

pub fn resolve(
    store: &mut dyn StoreBackend,
    args: &ResolveArgs,
    who: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let f = store.resolve_followup(id, &args.outcome, !args.keep_open, who, Timestamp::now())?;
    let state = if args.keep_open {
        "the item stays open (replied)"
    } else {
        "the item is done"
    };
    writeln!(
        out,
        "{} closed: {}; {state}.",
        f.case_number,
        f.outcome.as_deref().unwrap_or("")
    )?;
    Ok(())
}

fn overdue(f: &FollowUp, now: Timestamp) -> bool {
    f.closed_at.is_none() && f.due_at.is_some_and(|d| d < now)
}

fn to_json(f: &FollowUp, now: Timestamp) -> serde_json::Value {
    json!({
        "case": f.case_number, "item": f.item.to_string(), "method": f.method.as_str(),
        "contact": f.contact, "assignee": f.assignee, "due_at": f.due_at.map(|d| d.to_string()),
        "overdue": overdue(f, now), "note": f.note, "outcome": f.outcome,
        "created_at": f.created_at.to_string(), "closed_at": f.closed_at.map(|d| d.to_string()),
    })
}

/// One CSV cell (RFC 4180), with spreadsheet formula injection neutralized: a cell that
/// starts with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe.
pub fn csv_cell(value: &str) -> String {
    let v = crate::sanitize::clean(value);
    let v = if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v
    };
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn csv_cells_are_quoted_and_formulas_neutralized() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1 555"), "'+1 555");
        assert_eq!(csv_cell("@kim"), "'@kim");
        assert_eq!(csv_cell("-5"), "'-5");
    }
}
