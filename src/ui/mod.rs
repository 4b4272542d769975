//! Drawing: a pure function of state, theme and `now`. It never mutates state or does I/O.
//!
//! Layout: a header line, the inbox list (with the detail pane beside it when the terminal
//! is at least `WIDE` columns, or instead of it when the detail has focus), a line of key
//! hints for the mode (on terminals of `FOOTER_FROM` rows or more), a status bar; help,
//! composer and confirmations are drawn on top.

mod columns;
pub mod detail;
mod footer;
mod header;
mod inbox;
mod linear;
mod overlays;
mod roles;
mod stats;
mod statusbar;

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Span;
use ratatui::widgets::Paragraph;

use crate::app::AppState;
// The layout is the app core's (update scrolls by it); re-exported for the event loop.
use crate::app::layout::areas;
pub use crate::app::layout::{WIDE, list_rows, visible_items};
use crate::app::state::Mode;
use crate::fmt;
use crate::sanitize;
use crate::theme::{Role, Theme};

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
    header::draw(frame, a.header, state, theme, now);
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
    footer::draw(frame, a.footer, state, theme);
    statusbar::draw(frame, a.status, state, theme, now);
    // Dialogs leave the key hints in sight: they are the dialog's keys. The composer keeps
    // its own row above the bottom line; the centred dialogs stay above the hints.
    let bottom = Rect {
        height: crate::app::layout::overlay_height(area.height),
        ..area
    };
    let area = match a.footer.height {
        0 => area,
        _ => Rect {
            height: a.footer.y.saturating_sub(area.y),
            ..area
        },
    };
    match &state.mode {
        // The search line is in the status bar.
        Mode::Normal | Mode::Search { .. } => {}
        // Help is long: it keeps the key hints in sight only when it fits above them.
        Mode::Help { scroll } => {
            let need = overlays::help::lines(&state.keymap).len() + 4;
            let r = if usize::from(area.height) >= need {
                area
            } else {
                frame.area()
            };
            overlays::help::draw(frame, r, *scroll, &state.keymap, theme)
        }
        Mode::Composer(c) => overlays::composer::draw(frame, bottom, state, c, theme),
        Mode::ConfirmQuit => overlays::confirm::draw(frame, area, state, theme),
        Mode::Confirm(ask) => overlays::confirm::draw_ask(frame, area, ask, theme),
        Mode::Form(form) => overlays::form::draw(frame, area, form, theme),
        Mode::Stats(report) => stats::draw(frame, area, report.as_deref(), theme),
        Mode::FollowUps { entries, selected } => {
            let mine = state.followups_mine.then_some(state.user.as_str());
            overlays::followups::draw(frame, area, entries, *selected, mine, theme, now)
        }
        Mode::Palette { query, selected } => {
            overlays::palette::draw(frame, area, query, *selected, &state.keymap, theme)
        }
        Mode::Outbox { entries, selected } => {
            overlays::outbox::draw(frame, area, entries, *selected, theme, now)
        }
    }
}

#[cfg(test)]
mod inbox_tests;
#[cfg(test)]
pub(crate) mod tests;
