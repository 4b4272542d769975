//! The linear mode (`--linear`, or `linear = true`): no boxes and no columns, one item per
//! line in reading order, and every state change said in words on the last line. Made for
//! screen readers and braille displays, and for anyone who prefers plain lines.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::AppState;
use crate::app::state::{Focus, Mode};
use crate::fmt::text::truncate;
use crate::model::{Item, RowItem};
use crate::sanitize::one_line;
use crate::sla::{TimerState, format_age};
use crate::theme::{Role, Theme};

/// The timer in words: `BREACHED 2h05m`, `warn 20m`, `12m`, `paused`.
fn timer_words(state: &AppState, item: &Item, now: Timestamp) -> String {
    let t = state.policies.timer(item, now);
    let age = format_age(t.elapsed_s);
    match t.state {
        TimerState::Breached => format!("BREACHED {age}"),
        TimerState::Warn => format!("warn {age}"),
        TimerState::Ok => age,
        TimerState::Paused => "paused".into(),
        TimerState::None => "answered".into(),
    }
}

/// One item as one line.
pub fn item_line(state: &AppState, item: &Item, n: usize, now: Timestamp) -> String {
    let sel = if state.selected_item().map(|i| i.id) == Some(item.id) {
        ">"
    } else {
        " "
    };
    let mark = if state.marked.contains(&item.id) {
        " marked"
    } else {
        ""
    };
    let unread = if item.read { "" } else { " unread" };
    let who = if item.author.name.is_empty() {
        one_line(&item.author.handle)
    } else {
        format!(
            "{} {}",
            one_line(&item.author.name),
            one_line(&item.author.handle)
        )
    };
    format!(
        "{sel} {n}. {}, {} on {} ({}), {}{unread}{mark}: {}",
        timer_words(state, item, now),
        item.kind,
        item.account,
        item.channel,
        item.status,
        format_args!("{who}: {}", one_line(&item.text)),
    )
}

fn status_line(state: &AppState) -> String {
    if let Some((_, m)) = &state.message {
        return one_line(m);
    }
    match state.selected_item() {
        Some(_) => format!(
            "Item {} of {}. Press ? for help, : for commands.",
            state.selected + 1,
            state.items.len()
        ),
        None => "No items. Press ? for help.".into(),
    }
}

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme, now: Timestamp) {
    let area = frame.area();
    let width = area.width as usize;
    let text = theme.style(Role::Text);
    let mut lines: Vec<Line> = Vec::new();
    let (open, warn, breached) = super::header::open_counts(state, now);
    let mut head = format!(
        "tinbox{}: {open} open, {warn} warn, {breached} breached.",
        if state.demo { " demo" } else { "" },
    );
    if let Some(v) = &state.filter {
        head.push_str(&format!(" Filter {}: {}.", v.name, v.query));
    }
    lines.push(Line::styled(truncate(&one_line(&head), width), text));
    if let Some(a) = state.alerts.last() {
        lines.push(Line::styled(
            truncate(
                &format!("Alert: {}. Escape dismisses.", one_line(&a.message)),
                width,
            ),
            theme.style(Role::SlaBreached),
        ));
    }
    let body_rows = (area.height as usize).saturating_sub(lines.len() + 1);
    let mut body: Vec<Line> = Vec::new();
    match &state.mode {
        Mode::Help { scroll } => {
            body.push(Line::styled("Keys. Escape closes.", text));
            for (k, d) in super::overlays::help::lines(&state.keymap)
                .iter()
                .skip(*scroll as usize)
            {
                body.push(Line::styled(truncate(&format!("{k}: {d}"), width), text));
            }
        }
        Mode::Composer(c) => {
            body.push(Line::styled(
                format!(
                    "Reply to item {}. Control-S sends, Escape keeps the draft.",
                    c.item
                ),
                text,
            ));
            for l in c.text.lines() {
                body.push(Line::styled(l.to_string(), text));
            }
        }
        Mode::Form(f) => {
            for (i, field) in f.fields.iter().enumerate() {
                let cur = if i == f.focus { ">" } else { " " };
                body.push(Line::styled(
                    format!("{cur} {}: {} ({})", field.label, field.value, field.hint),
                    text,
                ));
            }
            if let Some(e) = &f.error {
                body.push(Line::styled(
                    format!("Error: {}", one_line(e)),
                    theme.style(Role::Error),
                ));
            }
        }
        Mode::Palette { query, selected } => {
            body.push(Line::styled(format!("Command: {}", one_line(query)), text));
            for (i, a) in crate::app::palette::matches(query).iter().enumerate() {
                let cur = if i == *selected { ">" } else { " " };
                body.push(Line::styled(
                    truncate(&format!("{cur} {}: {}", a.name(), a.description()), width),
                    text,
                ));
            }
        }
        _ if state.focus == Focus::Detail => {
            if let Some(row) = state.selected_item() {
                let mut scratch = RowItem::default();
                let item = scratch.of(row);
                let detail = state.detail.as_ref().filter(|d| d.item.id == item.id);
                body.push(Line::styled(
                    item_line(state, item, state.selected + 1, now),
                    text,
                ));
                body.extend(super::detail::lines(state, item, detail, theme, now));
            }
        }
        _ => {
            let first = state.selected.saturating_sub(body_rows.saturating_sub(1));
            let mut scratch = RowItem::default();
            for (i, row) in state.items.iter().enumerate().skip(first).take(body_rows) {
                let item = scratch.of(row);
                let style = if i == state.selected {
                    theme.style(Role::Selection)
                } else {
                    text
                };
                body.push(Line::styled(
                    truncate(&item_line(state, item, i + 1, now), width),
                    style,
                ));
            }
        }
    }
    let wrap = state.focus == Focus::Detail || matches!(state.mode, Mode::Composer(_));
    let mut rows = lines;
    rows.extend(body);
    let status = Line::styled(truncate(&status_line(state), width), text);
    let mut p = Paragraph::new(rows);
    if wrap {
        p = p
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll, 0));
    }
    let [main, bottom] = ratatui::layout::Layout::vertical([
        ratatui::layout::Constraint::Min(0),
        ratatui::layout::Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(p, main);
    frame.render_widget(Paragraph::new(status), bottom);
}
