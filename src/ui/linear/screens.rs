//! The screens on top of the inbox that are read rather than typed into, as plain lines for
//! the linear mode: the palette, help, stats, follow-ups, outbox and the quit question (the
//! composer and the boxes are in `boxes`); and the line helpers both use. What the next key
//! answers is the screen's `prompt`, said on the last line.

use jiff::Timestamp;
use ratatui::text::Line;

use super::{Screen, wrap};
use crate::app::AppState;
use crate::fmt::text::{truncate, width as text_width};
use crate::model::{FollowUp, OutboxEntry, OutboxState};
use crate::report::{Report, Row};
use crate::sanitize::one_line;
use crate::sla::format_age;
use crate::theme::{Role, Theme};

/// `text` wrapped at `width`, each row in `role`.
pub(super) fn para<'a>(
    lines: &mut Vec<Line<'a>>,
    text: &str,
    width: usize,
    theme: &Theme,
    role: Role,
) {
    for l in wrap::lines(text, width) {
        lines.push(Line::styled(l, theme.style(role)));
    }
}

/// A row of a list with a selection: `>` marks it, cut at the edge.
pub(super) fn row<'a>(text: String, selected: bool, width: usize, theme: &Theme) -> Line<'a> {
    let (cur, role) = if selected {
        (">", Role::Selection)
    } else {
        (" ", Role::Text)
    };
    Line::styled(truncate(&format!("{cur} {text}"), width), theme.style(role))
}

/// A list screen: its title, `empty` when there are no rows, else the rows with the
/// selected one marked and kept in view.
fn listing<'a>(
    title: &str,
    empty: &str,
    rows: Vec<String>,
    selected: usize,
    theme: &Theme,
    width: usize,
) -> Screen<'a> {
    let mut lines = Vec::new();
    para(&mut lines, title, width, theme, Role::Text);
    let first = lines.len();
    if rows.is_empty() {
        para(&mut lines, empty, width, theme, Role::Muted);
    }
    for (i, text) in rows.into_iter().enumerate() {
        lines.push(row(text, i == selected, width, theme));
    }
    Screen {
        focus: first + selected,
        ..Screen::new(lines)
    }
}

pub fn palette<'a>(
    state: &AppState,
    query: &str,
    selected: usize,
    theme: &Theme,
    width: usize,
) -> Screen<'a> {
    let found = crate::app::palette::matches(query);
    let head = format!("Command: {}", one_line(query));
    let mut lines = vec![Line::styled(head.clone(), theme.style(Role::Text))];
    para(
        &mut lines,
        "Type to search, Enter runs, Escape closes.",
        width,
        theme,
        Role::Muted,
    );
    let first = lines.len();
    if found.is_empty() {
        lines.push(Line::styled("No action matches.", theme.style(Role::Muted)));
    }
    for (i, a) in found.iter().enumerate() {
        let keys = match state.keymap.labels_for(*a).join(", ") {
            k if k.is_empty() => String::new(),
            k => format!(" ({k})"),
        };
        let text = format!("{}{keys}: {}", a.name(), a.description());
        lines.push(row(text, i == selected, width, theme));
    }
    Screen {
        focus: first + selected,
        cursor: Some((0, width_of(&head, width))),
        ..Screen::new(lines)
    }
}

pub(super) fn width_of(s: &str, w: usize) -> usize {
    text_width(s).min(w.saturating_sub(1))
}

pub fn help<'a>(state: &AppState, scroll: u16, theme: &Theme, width: usize) -> Screen<'a> {
    let mut lines = Vec::new();
    para(
        &mut lines,
        "Keys. Escape closes, j and k scroll.",
        width,
        theme,
        Role::Text,
    );
    let rows = super::super::overlays::help::lines(&state.keymap);
    // Scrolled past the end, the last row still shows.
    let skip = (scroll as usize).min(rows.len().saturating_sub(1));
    for (k, d) in rows.iter().skip(skip) {
        para(&mut lines, &format!("{k}: {d}"), width, theme, Role::Text);
    }
    para(
        &mut lines,
        "In the composer: Control-S sends, Enter starts a new line, Escape keeps the draft.",
        width,
        theme,
        Role::Muted,
    );
    Screen::new(lines)
}

fn figures(name: &str, r: &Row) -> String {
    let age = |v: Option<i64>| v.map(format_age).unwrap_or_else(|| "none".into());
    format!(
        "{name}: {} in, {} replied, median first response {}, p90 {}, {} breaches, {} open \
         follow-ups, {} overdue.",
        r.items_in,
        r.replied,
        age(r.median_first_response_s),
        age(r.p90_first_response_s),
        r.breaches,
        r.open_followups,
        r.overdue_followups
    )
}

pub fn stats<'a>(report: Option<&Report>, theme: &Theme, width: usize) -> Screen<'a> {
    let mut lines = Vec::new();
    let Some(r) = report else {
        para(
            &mut lines,
            "Response times, last 7 days: computing. Any key closes.",
            width,
            theme,
            Role::Text,
        );
        return Screen::new(lines);
    };
    let head = format!(
        "Response times, last 7 days ({} to {}). Any key closes.",
        r.since, r.until
    );
    para(&mut lines, &head, width, theme, Role::Text);
    for row in &r.rows {
        let name = format!("{} {}", one_line(&row.channel), one_line(&row.account));
        para(&mut lines, &figures(&name, row), width, theme, Role::Text);
    }
    para(
        &mut lines,
        &figures("All", &r.total),
        width,
        theme,
        Role::Title,
    );
    if !r.days.is_empty() {
        lines.push(Line::styled("Per day:", theme.style(Role::Muted)));
    }
    for d in &r.days {
        let median = d
            .median_first_response_s
            .map(format_age)
            .unwrap_or_else(|| "none".into());
        let text = format!(
            "{}: {} in, median first response {median}.",
            d.date, d.items_in
        );
        para(&mut lines, &text, width, theme, Role::Text);
    }
    for p in &r.responders {
        let median = p
            .median_first_response_s
            .map(format_age)
            .unwrap_or_else(|| "none".into());
        let text = format!(
            "{}: {} replied first, median {median}, {} breaches.",
            one_line(&p.who),
            p.replied,
            p.breaches
        );
        para(&mut lines, &text, width, theme, Role::Text);
    }
    Screen::new(lines)
}

pub fn followups<'a>(
    state: &AppState,
    entries: &[FollowUp],
    selected: usize,
    theme: &Theme,
    width: usize,
    now: Timestamp,
) -> Screen<'a> {
    let (whose, toggle) = match state.followups_mine {
        true => (format!(" of {}", one_line(&state.user)), "m shows all"),
        false => (String::new(), "m shows only mine"),
    };
    let title = format!(
        "Follow-ups{whose}: {} open. {toggle}, Enter closes the selected one with an outcome, \
         Escape goes back.",
        entries.len()
    );
    let rows = entries
        .iter()
        .map(|f| {
            let due = match f.due_at {
                Some(d) if d < now => {
                    format!("OVERDUE {}", format_age(d.duration_until(now).as_secs()))
                }
                Some(d) => format!("due in {}", format_age(now.duration_until(d).as_secs())),
                None => "no due time".to_string(),
            };
            format!(
                "{}, #{}, {}, {}, {due}: {}; {}",
                one_line(&f.case_number),
                f.item,
                f.method,
                one_line(f.assignee.as_deref().unwrap_or("unassigned")),
                one_line(f.contact.as_deref().unwrap_or("no contact")),
                one_line(f.note.as_deref().unwrap_or("")),
            )
        })
        .collect();
    let empty = "No open follow-ups. f on an item takes it offline with a case number.";
    listing(&title, empty, rows, selected, theme, width)
}

pub fn outbox<'a>(
    entries: &[OutboxEntry],
    selected: usize,
    theme: &Theme,
    width: usize,
    now: Timestamp,
) -> Screen<'a> {
    let title = format!(
        "Outbox: {} replies not yet confirmed. r resends a failed one, e edits it, Escape \
         closes.",
        entries.len()
    );
    let rows = entries
        .iter()
        .map(|e| {
            let state = match e.state {
                OutboxState::Queued => "queued",
                OutboxState::Sending => "sending",
                OutboxState::Sent => "sent",
                OutboxState::Failed => "FAILED",
            };
            let note = match (e.state, &e.last_error) {
                (OutboxState::Queued, Some(err)) => format!(
                    "; {}, next try in {}",
                    one_line(err),
                    format_age(now.duration_until(e.next_attempt_at).as_secs())
                ),
                (OutboxState::Failed, Some(err)) => format!("; {}", one_line(err)),
                _ => String::new(),
            };
            format!(
                "{state} reply to #{}, {} tries: {}{note}",
                e.item,
                e.attempts,
                one_line(&e.text)
            )
        })
        .collect();
    let empty = "Nothing in the outbox. Replies you send appear here until they are confirmed.";
    listing(&title, empty, rows, selected, theme, width)
}

pub fn confirm_quit<'a>(state: &AppState, theme: &Theme, width: usize) -> Screen<'a> {
    let mut lines = Vec::new();
    para(&mut lines, &state.quit_question(), width, theme, Role::Text);
    Screen {
        prompt: Some("Quit tinbox? y quits, n stays.".into()),
        ..Screen::new(lines)
    }
}

/// A change to more than one item, asked first: the list stays above the question.
pub fn confirm<'a>(question: &str, inbox: Screen<'a>) -> Screen<'a> {
    Screen {
        cursor: None,
        prompt: Some(format!(
            "{} y does it, n leaves them as they are.",
            one_line(question)
        )),
        ..inbox
    }
}
