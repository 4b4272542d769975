//! Drawing: a pure function of state, theme and `now`. It never mutates state or does I/O.
//!
//! Layout: a header line, the inbox list (with the detail pane beside it when the terminal
//! is at least `WIDE` columns, or instead of it when the detail has focus), a status bar;
//! help, composer and confirmations are drawn on top.

mod detail;
mod inbox;
mod linear;
mod overlays;
mod stats;
mod statusbar;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
use crate::app::state::{Focus, Mode, SortOrder};
use crate::fmt;
use crate::model::{ChannelKind, RowItem};
use crate::sanitize;
use crate::sla::TimerState;
use crate::theme::{Role, Theme};

/// From this width on, list and detail are side by side.
pub const WIDE: u16 = 100;

/// The regions of the screen for a terminal size.
struct Areas {
    header: Rect,
    /// One row for the alert banner, or none.
    banner: Rect,
    list: Option<Rect>,
    detail: Option<Rect>,
    status: Rect,
}

fn areas(area: Rect, state: &AppState) -> Areas {
    let banner_rows = u16::from(!state.alerts.is_empty());
    let [header, banner, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= WIDE {
        let [list, detail] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(body);
        Areas {
            header,
            banner,
            list: Some(list),
            detail: Some(detail),
            status,
        }
    } else if state.focus == Focus::Detail {
        Areas {
            header,
            banner,
            list: None,
            detail: Some(body),
            status,
        }
    } else {
        Areas {
            header,
            banner,
            list: Some(body),
            detail: None,
            status,
        }
    }
}

/// How many item rows the list shows at this size (the list has one column-header row).
pub fn list_rows(width: u16, height: u16, state: &AppState) -> usize {
    let a = areas(Rect::new(0, 0, width, height), state);
    a.list
        .map(|l| l.height.saturating_sub(1) as usize)
        .unwrap_or(0)
}

/// What is under a cell of the screen (for the mouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// A row of the list: the item's index.
    Item(usize),
    /// The list, but not on an item (its header, below the last item).
    List,
    Detail,
    Elsewhere,
}

/// What is at `column`, `row` on a screen of the state's size.
pub fn spot_at(state: &AppState, column: u16, row: u16) -> Spot {
    let a = areas(Rect::new(0, 0, state.width, state.height), state);
    let at = ratatui::layout::Position::new(column, row);
    if let Some(list) = a.list.filter(|l| l.contains(at)) {
        let line = usize::from(row - list.y);
        if line == 0 {
            return Spot::List;
        }
        let index = state.offset + line - 1;
        return if index < state.items.len() {
            Spot::Item(index)
        } else {
            Spot::List
        };
    }
    if a.detail.is_some_and(|d| d.contains(at)) {
        return Spot::Detail;
    }
    Spot::Elsewhere
}

/// The items on screen now.
pub fn visible_items(state: &AppState) -> std::ops::Range<usize> {
    let rows = list_rows(state.width, state.height, state);
    let start = state.offset.min(state.items.len());
    start..(start + rows).min(state.items.len())
}

/// The help screen's rows: every action of the `Action` enum with the keys bound to it.
pub fn help_lines(keymap: &crate::app::keymap::Keymap) -> Vec<(String, &'static str)> {
    crate::app::Action::ALL
        .iter()
        .map(|a| (keymap.labels_for(*a).join(", "), a.description()))
        .collect()
}

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme, now: Timestamp) {
    let area = frame.area();
    if area.width < 20 || area.height < 5 {
        let p = Paragraph::new("tinbox: window too small").style(theme.style(Role::Muted));
        frame.render_widget(p, area);
        return;
    }
    if state.linear {
        linear::draw(frame, state, theme, now);
        return;
    }
    let a = areas(area, state);
    header(frame, a.header, state, theme, now);
    if let Some(alert) = state.alerts.last() {
        let more = match state.alerts.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let text = format!(
            " ⚠ ALERT {}{more} · Esc dismisses",
            sanitize::one_line(&alert.message)
        );
        let line = Span::styled(
            fmt::truncate(&text, a.banner.width as usize),
            theme.style(Role::SlaBreached),
        );
        frame.render_widget(Paragraph::new(line), a.banner);
    }
    if let Some(list) = a.list {
        inbox::draw(frame, list, state, theme, now);
    }
    if let Some(d) = a.detail {
        detail::draw(frame, d, state, theme, now);
    }
    statusbar::draw(frame, a.status, state, theme, now);
    match &state.mode {
        // The search line is in the status bar.
        Mode::Normal | Mode::Search { .. } => {}
        Mode::Help { scroll } => overlays::help(frame, area, *scroll, &state.keymap, theme),
        Mode::Composer(c) => overlays::composer(frame, area, state, c, theme),
        Mode::ConfirmQuit => overlays::confirm_quit(frame, area, state.draft_count, theme),
        Mode::Form(form) => overlays::form(frame, area, form, theme),
        Mode::Stats(report) => stats::draw(frame, area, report.as_deref(), theme),
        Mode::FollowUps { entries, selected } => {
            let mine = state.followups_mine.then_some(state.user.as_str());
            overlays::followups(frame, area, entries, *selected, mine, theme, now)
        }
        Mode::Palette { query, selected } => {
            overlays::palette(frame, area, query, *selected, &state.keymap, theme)
        }
        Mode::Outbox { entries, selected } => {
            overlays::outbox(frame, area, entries, *selected, theme, now)
        }
    }
}

/// Items shown that are open, and of them in their warn time and breached.
pub fn open_counts(state: &AppState, now: Timestamp) -> (usize, usize, usize) {
    let (mut open, mut warn, mut breached) = (0, 0, 0);
    let mut scratch = RowItem::default();
    for item in state.items.iter().filter(|i| i.status.is_open()) {
        open += 1;
        match state.policies.timer(scratch.of(item), now).state {
            TimerState::Warn => warn += 1,
            TimerState::Breached => breached += 1,
            _ => {}
        }
    }
    (open, warn, breached)
}

fn header(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let (open, warn, breached) = open_counts(state, now);
    let order = match state.sort {
        SortOrder::Urgency => "most urgent first",
        SortOrder::Newest => "newest first",
    };
    let mut spans = vec![
        Span::styled(" tinbox ", theme.style(Role::Title)),
        Span::styled(format!(" {open} open"), theme.style(Role::Text)),
        Span::styled(" · ", theme.style(Role::Muted)),
        Span::styled(
            format!("{warn} warn"),
            if warn > 0 {
                theme.style(Role::SlaWarn)
            } else {
                theme.style(Role::Text)
            },
        ),
        Span::styled(" · ", theme.style(Role::Muted)),
        Span::styled(
            format!("{breached} breached"),
            if breached > 0 {
                theme.style(Role::SlaBreached)
            } else {
                theme.style(Role::Text)
            },
        ),
        Span::styled(format!("   {order}"), theme.style(Role::Muted)),
    ];
    if state.breaching_only {
        spans.push(Span::styled(
            " · breaching soon",
            theme.style(Role::SlaWarn),
        ));
    }
    if state.show_closed {
        spans.push(Span::styled(" · all statuses", theme.style(Role::Muted)));
    }
    if let Some(view) = &state.filter {
        let label = if view.name == "filter" {
            format!(" · filter: {}", view.query)
        } else {
            format!(" · view {}: {}", view.name, view.query)
        };
        spans.push(Span::styled(
            sanitize::one_line(&label),
            theme.style(Role::SlaWarn),
        ));
    }
    if !state.marked.is_empty() {
        spans.push(Span::styled(
            format!(" · {} marked", state.marked.len()),
            theme.style(Role::Key),
        ));
    }
    let left = Line::from(spans);
    frame.render_widget(Paragraph::new(left), area);
    if state.demo {
        let label = if area.width >= WIDE {
            " DEMO — simulated customers "
        } else {
            " DEMO "
        };
        let w = fmt::width(label) as u16;
        if area.width > w {
            let r = Rect::new(area.x + area.width - w, area.y, w, 1);
            frame.render_widget(
                Paragraph::new(Span::styled(label, theme.style(Role::Demo))),
                r,
            );
        }
    }
}

/// The theme role of a channel's marker.
pub fn channel_role(c: ChannelKind) -> Role {
    match c {
        ChannelKind::Mastodon => Role::ChannelMastodon,
        ChannelKind::Bluesky => Role::ChannelBluesky,
        ChannelKind::Feed => Role::ChannelFeed,
        ChannelKind::Demo => Role::ChannelDemo,
    }
}

/// The role that colours a timer.
pub fn timer_role(s: TimerState) -> Role {
    match s {
        TimerState::Ok => Role::SlaOk,
        TimerState::Warn => Role::SlaWarn,
        TimerState::Breached => Role::SlaBreached,
        TimerState::Paused | TimerState::None => Role::SlaPaused,
    }
}

#[cfg(test)]
pub(crate) mod tests;
