//! The header line and the counts it shows (also said by the linear inbox): the list's, and
//! the whole inbox's beyond a view, with overdue follow-ups.

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

/// What the header says beyond the list shown: items the view hides that are in their warn
/// time and breached, and open follow-ups past their due time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Beyond {
    pub warn: usize,
    pub breached: usize,
    pub overdue: usize,
}

pub fn beyond(state: &AppState, now: Timestamp) -> Beyond {
    let mut b = Beyond {
        overdue: state.followups_due.iter().filter(|d| **d < now).count(),
        ..Beyond::default()
    };
    let mut scratch = RowItem::default();
    for item in &state.elsewhere {
        match state.policies.timer(scratch.of(item), now).state {
            TimerState::Warn => b.warn += 1,
            TimerState::Breached => b.breached += 1,
            _ => {}
        }
    }
    b
}

/// A count in the colour of its state when there are any.
fn count(n: usize, what: &str, role: Role, theme: &Theme) -> Span<'static> {
    let style = if n > 0 {
        theme.style(role)
    } else {
        theme.style(Role::Text)
    };
    Span::styled(format!("{n} {what}"), style)
}

/// The top line: counts by timer state (the whole inbox's too), overdue follow-ups, the
/// order, what narrows the list, the demo label.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let (open, warn, breached) = open_counts(state, now);
    let b = beyond(state, now);
    let order = match state.sort {
        SortOrder::Urgency => "most urgent first",
        SortOrder::Newest => "newest first",
    };
    let dot = || Span::styled(" · ", theme.style(Role::Muted));
    let mut spans = vec![
        Span::styled(" tinbox ", theme.style(Role::Title)),
        Span::styled(format!(" {open} open"), theme.style(Role::Text)),
        dot(),
        count(warn, "warn", Role::SlaWarn, theme),
        dot(),
        count(breached, "breached", Role::SlaBreached, theme),
    ];
    if b.breached > 0 {
        spans.push(dot());
        spans.push(count(
            b.breached,
            "breached elsewhere",
            Role::SlaBreached,
            theme,
        ));
    }
    if b.warn > 0 {
        spans.push(dot());
        spans.push(count(b.warn, "warn elsewhere", Role::SlaWarn, theme));
    }
    if b.overdue > 0 {
        let s = if b.overdue == 1 { "" } else { "s" };
        spans.push(dot());
        spans.push(count(
            b.overdue,
            &format!("follow-up{s} overdue"),
            Role::SlaBreached,
            theme,
        ));
    }
    let order_at = spans.len();
    spans.push(Span::styled(
        format!("   {order}"),
        theme.style(Role::Muted),
    ));
    if state.breaching_only {
        spans.push(dot());
        spans.push(Span::styled("breaching soon", theme.style(Role::SlaWarn)));
    }
    if state.show_closed {
        spans.push(dot());
        spans.push(Span::styled("all statuses", theme.style(Role::Muted)));
    }
    if let Some(view) = &state.filter {
        // Only the names are remote-ish text to clean; cleaning the whole label trimmed the
        // space before it ("most urgent first· view DMs").
        let label = if view.name == "filter" {
            format!("filter: {}", sanitize::one_line(&view.query))
        } else {
            format!(
                "view {}: {}",
                sanitize::one_line(&view.name),
                sanitize::one_line(&view.query)
            )
        };
        spans.push(dot());
        spans.push(Span::styled(label, theme.style(Role::SlaWarn)));
    }
    if !state.marked.is_empty() {
        spans.push(dot());
        spans.push(Span::styled(
            format!("{} marked", state.marked.len()),
            theme.style(Role::Key),
        ));
    }
    let used: usize = spans.iter().map(|s| fmt::width(&s.content)).sum();
    if used > area.width as usize {
        // Counts and the view matter more than the order (`O` shows it anyway).
        spans.remove(order_at);
        if let Some(first) = spans.get_mut(order_at) {
            first.content = "   ".into();
        }
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
