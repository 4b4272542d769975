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
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
// The layout is the app core's (update scrolls by it); re-exported for the event loop.
use crate::app::layout::areas;
pub use crate::app::layout::{WIDE, list_rows, visible_items};
use crate::app::state::{Mode, SortOrder};
use crate::fmt;
use crate::keys::{Action, Keymap};
use crate::model::{ChannelKind, RowItem};
use crate::sanitize;
use crate::sla::TimerState;
use crate::theme::{Role, Theme};

/// The help screen's rows: every action of the `Action` enum with the keys bound to it.
pub fn help_lines(keymap: &Keymap) -> Vec<(String, &'static str)> {
    Action::ALL
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
