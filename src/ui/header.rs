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
    // Open items are whole rows (a closed tail is ids): the count reads no window.
    for item in state.items.rows().iter().filter(|i| i.status.is_open()) {
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

/// One part of the top line: dropped at rank `drop` when the line is too long (0: never),
/// and said as `short` before anything that is never dropped goes.
struct Part {
    drop: u8,
    span: Span<'static>,
    short: Option<String>,
}

fn part(drop: u8, span: Span<'static>) -> Part {
    Part {
        drop,
        span,
        short: None,
    }
}

/// The top line: counts by timer state (the whole inbox's too), overdue follow-ups, the
/// order, what narrows the list, the demo label. On a narrow terminal the order goes first,
/// then the warn count beyond the view, then long words and zero counts: the breached counts,
/// the overdue follow-ups and the view always show.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let (open, warn, breached) = open_counts(state, now);
    let b = beyond(state, now);
    let order = match state.sort {
        SortOrder::Urgency => "most urgent first",
        SortOrder::Newest => "newest first",
    };
    let muted = theme.style(Role::Muted);
    let zero = |n: usize| if n == 0 { 3 } else { 0 };
    let mut parts = vec![
        part(0, Span::styled(" tinbox ", theme.style(Role::Title))),
        part(
            0,
            Span::styled(format!(" {open} open"), theme.style(Role::Text)),
        ),
        part(zero(warn), count(warn, "warn", Role::SlaWarn, theme)),
        part(
            zero(breached),
            count(breached, "breached", Role::SlaBreached, theme),
        ),
    ];
    if b.breached > 0 {
        let n = count(b.breached, "breached elsewhere", Role::SlaBreached, theme);
        parts.push(part(0, n));
    }
    if b.warn > 0 {
        parts.push(part(
            2,
            count(b.warn, "warn elsewhere", Role::SlaWarn, theme),
        ));
    }
    if b.overdue > 0 {
        let s = if b.overdue == 1 { "" } else { "s" };
        let what = format!("follow-up{s} overdue");
        parts.push(Part {
            short: Some(format!("{} overdue", b.overdue)),
            ..part(0, count(b.overdue, &what, Role::SlaBreached, theme))
        });
    }
    parts.push(part(1, Span::styled(order, muted)));
    if state.breaching_only {
        let s = Span::styled("breaching soon", theme.style(Role::SlaWarn));
        parts.push(part(0, s));
    }
    if state.show_closed {
        parts.push(part(0, Span::styled("all statuses", muted)));
    }
    if let Some(view) = &state.filter {
        // Only the names are cleaned: cleaning the whole label trimmed the space before it
        // ("most urgent first· view DMs").
        let (query, name) = (
            sanitize::one_line(&view.query),
            sanitize::one_line(&view.name),
        );
        let (label, short) = if view.name == "filter" {
            (format!("filter: {query}"), None)
        } else {
            (
                format!("view {name}: {query}"),
                Some(format!("view {name}")),
            )
        };
        parts.push(Part {
            short,
            ..part(0, Span::styled(label, theme.style(Role::SlaWarn)))
        });
    }
    if !state.marked.is_empty() {
        let n = format!("{} marked", state.marked.len());
        parts.push(part(0, Span::styled(n, theme.style(Role::Key))));
    }
    let demo = match (state.demo, area.width >= WIDE) {
        (false, _) => "",
        (true, true) => " DEMO — simulated customers ",
        (true, false) => " DEMO ",
    };
    let room = (area.width as usize).saturating_sub(fmt::width(demo));
    let too_long = |parts: &[Part]| {
        parts
            .iter()
            .map(|p| fmt::width(&p.span.content) + 3)
            .sum::<usize>()
            > room
    };
    for rank in [1, 2, 3] {
        if rank == 3 && too_long(&parts) {
            for p in &mut parts {
                if let Some(short) = p.short.take() {
                    p.span.content = short.into();
                }
            }
        }
        if too_long(&parts) {
            parts.retain(|p| p.drop != rank);
        }
    }
    let mut spans = Vec::with_capacity(parts.len() * 2);
    for (i, p) in parts.into_iter().enumerate() {
        if i > 1 {
            spans.push(Span::styled(" · ", muted));
        }
        spans.push(p.span);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let w = fmt::width(demo) as u16;
    if w > 0 && area.width > w {
        let r = Rect::new(area.x + area.width - w, area.y, w, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(demo, theme.style(Role::Demo))),
            r,
        );
    }
}
