//! The header line and the counts it shows (also said by the linear inbox).

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
use crate::app::layout::WIDE;
use crate::app::state::SortOrder;
use crate::fmt;
use crate::model::RowItem;
use crate::sanitize;
use crate::sla::TimerState;
use crate::theme::{Role, Theme};

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

/// The top line: counts by timer state, the order, what narrows the list, the demo label.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
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
