//! The linear mode (`--linear`, or `linear = true`): no boxes and no columns, one item per
//! line in reading order, and every state change said in words on the last lines. Made for
//! screen readers and braille displays, and for anyone who prefers plain lines.
//!
//! Every mode draws here: `screen` matches over all of [`Mode`] with no wildcard, so a new
//! mode does not compile until it says itself in plain lines. What the next key answers (a
//! y/n question, a search being typed) is the screen's prompt, on the last lines, where a
//! screen reader looks; the cursor goes where typing happens.

mod boxes;
mod items;
mod screens;
mod wrap;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::overlays::dialog::scroll_top;
use crate::app::AppState;
use crate::app::state::{Focus, Mode};
use crate::fmt::text::{truncate, width as text_width};
use crate::sanitize::one_line;
use crate::theme::{Role, Theme};

/// One screen's lines and what goes with them.
pub struct Screen<'a> {
    pub lines: Vec<Line<'a>>,
    /// The line to keep in view (the selection, the cursor's line).
    pub focus: usize,
    /// Where typing happens: (line, column in cells).
    pub cursor: Option<(usize, usize)>,
    /// What the next key answers, said on the last lines instead of the status.
    pub prompt: Option<String>,
    /// Long lines wrap by the paragraph and scroll by the detail keys (the detail).
    pub wrap: bool,
}

impl<'a> Screen<'a> {
    pub fn new(lines: Vec<Line<'a>>) -> Screen<'a> {
        Screen {
            lines,
            focus: 0,
            cursor: None,
            prompt: None,
            wrap: false,
        }
    }
}

/// The screen of the current mode; `rows` is at most the height of the body.
fn screen<'a>(
    state: &AppState,
    theme: &Theme,
    width: usize,
    rows: usize,
    now: Timestamp,
) -> Screen<'a> {
    let inbox = |state: &AppState| match state.focus {
        Focus::Detail => items::detail(state, theme, now),
        Focus::List => items::list(state, theme, width, rows, now),
    };
    match &state.mode {
        Mode::Normal => inbox(state),
        Mode::Search { query, .. } => {
            // Said here: moving the selection clears the message in linear mode.
            let found = state
                .hits
                .as_ref()
                .is_some_and(|h| h.pending || !h.positions.is_empty());
            let none = if !found && !query.is_empty() {
                ", no match"
            } else {
                ""
            };
            Screen {
                // Typing happens in the prompt: the cursor goes after the query.
                cursor: None,
                prompt: Some(format!(
                    "Search{none} (Enter keeps it, Escape goes back): {}",
                    one_line(query)
                )),
                ..inbox(state)
            }
        }
        Mode::Help { scroll } => screens::help(state, *scroll, theme, width),
        Mode::Composer(c) => boxes::composer(state, c, theme, width),
        Mode::ConfirmQuit => screens::confirm_quit(state, theme, width),
        Mode::Confirm(ask) => screens::confirm(&ask.question, inbox(state)),
        Mode::Form(f) => boxes::form(state, f, theme, width),
        Mode::Stats(report) => screens::stats(report.as_deref(), theme, width),
        Mode::FollowUps { entries, selected } => {
            screens::followups(state, entries, *selected, theme, width, now)
        }
        Mode::Palette { query, selected } => {
            screens::palette(state, query, *selected, theme, width)
        }
        Mode::Outbox { entries, selected } => {
            screens::outbox(entries, *selected, theme, width, now)
        }
    }
}

/// Where the user is, when no prompt asks anything.
fn status_line(state: &AppState) -> String {
    if let Some((_, m)) = &state.message {
        return one_line(m);
    }
    // The keys of the other screens are in their lines: `?` there is typed, not help.
    let hint = match state.mode {
        Mode::Normal => " Press ? for help, : for commands.",
        _ => "",
    };
    // A tail still coming in pages: its length so far.
    let of = match state.items.pending() {
        true => format!("{} so far", state.items.len()),
        false => state.items.len().to_string(),
    };
    match state.selected_item() {
        Some(item) => format!("Item #{}, {} of {of}.{hint}", item.id, state.selected + 1),
        None if !state.items.is_empty() => {
            format!("Item {} of {of}, loading.{hint}", state.selected + 1)
        }
        None => format!("No items.{hint}"),
    }
}

/// What the view hides and what is overdue, as a line of its own under the header:
/// "Elsewhere: 1 breached, 2 warn. 1 follow-up overdue." (no line when there is nothing).
fn beyond_sentence(b: super::header::Beyond) -> String {
    let mut out = String::new();
    let parts: Vec<String> = [(b.breached, "breached"), (b.warn, "warn")]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if !parts.is_empty() {
        out.push_str(&format!("Elsewhere: {}.", parts.join(", ")));
    }
    if b.overdue > 0 {
        let s = if b.overdue == 1 { "" } else { "s" };
        let gap = if out.is_empty() { "" } else { " " };
        out.push_str(&format!("{gap}{} follow-up{s} overdue.", b.overdue));
    }
    out
}

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme, now: Timestamp) {
    let area = frame.area();
    let width = area.width as usize;
    let text = theme.style(Role::Text);
    let mut top: Vec<Line> = Vec::new();
    let (open, warn, breached) = super::header::open_counts(state, now);
    let mut head = format!(
        "tinbox{}: {open} open, {warn} warn, {breached} breached.",
        if state.demo { " demo" } else { "" },
    );
    if let Some(v) = &state.filter {
        head.push_str(&format!(" Filter {}: {}.", v.name, v.query));
    }
    top.push(Line::styled(truncate(&one_line(&head), width), text));
    let beyond = beyond_sentence(super::header::beyond(state, now));
    if !beyond.is_empty() {
        top.push(Line::styled(truncate(&beyond, width), text));
    }
    if let Some(a) = state.alerts.last() {
        top.push(Line::styled(
            truncate(
                &format!("Alert: {}. Escape dismisses.", one_line(&a.message)),
                width,
            ),
            theme.style(Role::SlaBreached),
        ));
    }
    let rows = (area.height as usize).saturating_sub(top.len() + 1);
    let mut s = screen(state, theme, width, rows, now);
    // A prompt takes the last lines; the message it displaces goes first in the body.
    let bottom = match &s.prompt {
        Some(p) => {
            // (A search's message only echoes the query the prompt already says.)
            if let (Some((_, m)), false) =
                (&state.message, matches!(state.mode, Mode::Search { .. }))
            {
                let said = wrap::lines(&one_line(m), width);
                let n = said.len();
                s.lines
                    .splice(0..0, said.into_iter().map(|l| Line::styled(l, text)));
                s.focus += n;
                s.cursor = s.cursor.map(|(l, c)| (l + n, c));
            }
            wrap::lines(p, width)
        }
        // Wrapped, not cut: an error says its cause and what to do at its end.
        None => wrap::lines(&status_line(state), width),
    };
    // The last lines never take more than half the screen.
    let bottom_h = bottom.len().clamp(1, (area.height as usize / 2).max(1)) as u16;
    let [head_area, body, last] = Layout::vertical([
        Constraint::Length(top.len() as u16),
        Constraint::Min(0),
        Constraint::Length(bottom_h),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(top), head_area);
    let prompted = s.prompt.is_some() && s.cursor.is_none();
    draw_body(frame, body, state, s);
    let bottom_lines: Vec<Line> = bottom
        .iter()
        .take(bottom_h as usize)
        .map(|l| Line::styled(l.clone(), text))
        .collect();
    frame.render_widget(Paragraph::new(bottom_lines), last);
    if prompted {
        // Nothing typed into: the cursor waits after the question.
        let line = bottom.get(bottom_h as usize - 1).map_or("", |l| l.as_str());
        let col = (text_width(line) as u16).min(last.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(last.x + col, last.y + bottom_h - 1));
    }
}

/// The body: wrapped and scrolled by the detail keys, or scrolled so that `focus` shows.
fn draw_body(frame: &mut Frame, area: Rect, state: &AppState, s: Screen) {
    let Screen {
        lines,
        focus,
        cursor,
        ..
    } = s;
    if s.wrap {
        let p = Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll, 0));
        frame.render_widget(p, area);
        return;
    }
    let rows = area.height as usize;
    let first = scroll_top(focus, rows);
    if let Some((l, c)) = cursor
        && (first..first + rows).contains(&l)
    {
        let col = (c as u16).min(area.width.saturating_sub(1));
        frame.set_cursor_position(Position::new(area.x + col, area.y + (l - first) as u16));
    }
    let shown: Vec<Line> = lines.into_iter().skip(first).take(rows).collect();
    frame.render_widget(Paragraph::new(shown), area);
}

#[cfg(test)]
mod tests;
