//! `tinbox followup`, `tinbox followups` and `tinbox resolve`: taking conversations offline
//! with a case number and one designated person, and seeing them through.

use std::io::Write;

use anyhow::{Context, Result};
use jiff::Timestamp;
use serde::Serialize;

use super::{FollowUpArgs, FollowUpsArgs, ResolveArgs};
use crate::model::{FollowUp, FollowUpInput, ItemId};
use crate::sanitize;
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
        let arr: Vec<ExportRow> = rows.iter().map(|f| ExportRow::new(f, now)).collect();
        serde_json::to_writer_pretty(&mut *out, &arr)?;
        writeln!(out)?;
    } else if args.csv {
        // RFC 4180 line ends; the header even when there is no row.
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .has_headers(false)
            .from_writer(&mut *out);
        w.write_record(ExportRow::COLUMNS)?;
        for f in rows {
            w.serialize(ExportRow::new(f, now).for_spreadsheets())?;
        }
        w.flush()?;
    } else if rows.is_empty() {
        writeln!(out, "No open follow-ups.")?;
    } else {
        for f in rows {
            writeln!(out, "{}", table_row(f, now))?;
        }
    }
    Ok(())
}

/// One follow-up as one line of the `followups` table: a closed case says how it ended (it is
/// never overdue), and a note keeps to its line (newlines shown as `⏎`, a long one cut).
fn table_row(f: &FollowUp, now: Timestamp) -> String {
    let when = match (f.closed_at, f.due_at) {
        (Some(_), _) => format!(
            "closed: {}",
            f.outcome
                .as_deref()
                .map_or(String::new(), sanitize::one_line)
        ),
        (None, Some(d)) if d < now => {
            format!("OVERDUE {}", format_age(d.duration_until(now).as_secs()))
        }
        (None, Some(d)) => format!("due in {}", format_age(now.duration_until(d).as_secs())),
        (None, None) => "no due time".into(),
    };
    // Notes, names and contacts are teammates' text: cleaned like remote text.
    let line =
        |v: &Option<String>, none: &str| v.as_deref().map_or(none.to_string(), sanitize::one_line);
    let note = f.note.as_deref().map_or(String::new(), |n| {
        let joined = sanitize::clean(n).lines().collect::<Vec<_>>().join("⏎");
        crate::fmt::truncate(&sanitize::one_line(&joined), NOTE_CELLS)
    });
    format!(
        "{}  #{}  {}  {}  {}  {}  {}",
        sanitize::one_line(&f.case_number),
        f.item,
        f.method,
        when,
        line(&f.assignee, "-"),
        line(&f.contact, ""),
        note
    )
}

/// How much of a note the table shows (the whole note is in `--json` and `--csv`).
const NOTE_CELLS: usize = 60;

pub fn resolve(
    store: &mut dyn StoreBackend,
    args: &ResolveArgs,
    who: &str,
    out: &mut dyn Write,
) -> Result<()> {
    let id: ItemId = args.item.parse().map_err(anyhow::Error::msg)?;
    let f = store.resolve_followup(id, &args.outcome, !args.keep_open, who, Timestamp::now())?;
    let state = if args.keep_open {
        // Back to where it was before the case (the store decides): say where.
        let status = store.item(id).context("cannot read the item")?.status;
        format!("the item stays open ({status})")
    } else {
        "the item is done".into()
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

/// One follow-up as `followups --json` and `--csv` print it (same names, same order). Every
/// text is cleaned like remote text: notes and names come from teammates, on a team store
/// from other machines.
#[derive(Debug, Serialize)]
struct ExportRow {
    case: String,
    item: String,
    method: String,
    contact: Option<String>,
    assignee: Option<String>,
    due_at: Option<String>,
    overdue: bool,
    note: Option<String>,
    created_at: String,
    outcome: Option<String>,
    closed_at: Option<String>,
}

impl ExportRow {
    const COLUMNS: [&str; 11] = [
        "case",
        "item",
        "method",
        "contact",
        "assignee",
        "due_at",
        "overdue",
        "note",
        "created_at",
        "outcome",
        "closed_at",
    ];

    fn new(f: &FollowUp, now: Timestamp) -> ExportRow {
        let line = |v: &Option<String>| v.as_deref().map(sanitize::one_line);
        let text = |v: &Option<String>| v.as_deref().map(sanitize::clean);
        ExportRow {
            case: sanitize::one_line(&f.case_number),
            item: f.item.to_string(),
            method: f.method.as_str().to_string(),
            contact: line(&f.contact),
            assignee: line(&f.assignee),
            due_at: f.due_at.map(|d| d.to_string()),
            overdue: overdue(f, now),
            note: text(&f.note),
            created_at: f.created_at.to_string(),
            outcome: text(&f.outcome),
            closed_at: f.closed_at.map(|d| d.to_string()),
        }
    }

    /// Text cells that a spreadsheet would run as a formula get a leading apostrophe.
    fn for_spreadsheets(self) -> ExportRow {
        let n = |v: Option<String>| v.map(|v| neutralize(&v));
        ExportRow {
            case: neutralize(&self.case),
            contact: n(self.contact),
            assignee: n(self.assignee),
            note: n(self.note),
            outcome: n(self.outcome),
            ..self
        }
    }
}

/// A value starting with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe (spreadsheet
/// formula injection).
fn neutralize(v: &str) -> String {
    if v.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{v}")
    } else {
        v.to_string()
    }
}

/// One CSV cell (RFC 4180), with spreadsheet formula injection neutralized: a cell that
/// starts with `=`, `+`, `-`, `@`, tab or CR gets a leading apostrophe.
pub fn csv_cell(value: &str) -> String {
    let v = neutralize(&sanitize::clean(value));
    if v.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_csv_share_the_columns_in_order() {
        let f = FollowUp {
            id: 1,
            case_number: "NW-0001".into(),
            item: ItemId(7),
            method: crate::model::FollowUpMethod::Phone,
            contact: Some("=1+1".into()),
            assignee: None,
            due_at: None,
            note: Some("n".into()),
            created_at: Timestamp::UNIX_EPOCH,
            outcome: None,
            closed_at: None,
        };
        let v = serde_json::to_value(ExportRow::new(&f, Timestamp::UNIX_EPOCH)).expect("json");
        let keys: Vec<&str> = v
            .as_object()
            .expect("obj")
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut sorted = ExportRow::COLUMNS.to_vec();
        sorted.sort_unstable();
        assert_eq!(keys, sorted, "JSON names are the CSV columns");
        assert_eq!(v["contact"], "=1+1");
        let mut w = csv::WriterBuilder::new()
            .has_headers(true)
            .from_writer(vec![]);
        w.serialize(ExportRow::new(&f, Timestamp::UNIX_EPOCH).for_spreadsheets())
            .expect("row");
        let text = String::from_utf8(w.into_inner().expect("csv")).expect("utf8");
        assert!(text.starts_with(&ExportRow::COLUMNS.join(",")), "{text}");
        assert!(text.contains(",'=1+1,"), "{text}");
    }

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
