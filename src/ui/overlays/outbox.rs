//! The outbox overlay; its keys are in `app::outbox`.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::dialog::{full, panel, scroll_top};
use crate::fmt::format_age;
use crate::fmt::text::{fit, width};
use crate::model::{OutboxEntry, OutboxState};
use crate::sanitize;
use crate::theme::{Role, Theme};

/// The outbox (`o`): every reply not yet confirmed, failed ones to resend or edit.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    entries: &[OutboxEntry],
    selected: usize,
    theme: &Theme,
    now: Timestamp,
) {
    let inner = panel(
        frame,
        full(area),
        " Outbox — r resend failed · e edit failed · Esc close ",
        theme,
    );
    let mut lines = Vec::new();
    if entries.is_empty() {
        lines.push(Line::styled(
            " Nothing in the outbox. Replies you send appear here until they are confirmed.",
            theme.style(Role::Muted),
        ));
    }
    let w = inner.width as usize;
    let top = scroll_top(selected, inner.height as usize);
    for (i, e) in entries
        .iter()
        .enumerate()
        .skip(top)
        .take(inner.height as usize)
    {
        let (role, state) = match e.state {
            OutboxState::Queued => (Role::SlaWarn, "queued"),
            OutboxState::Sending => (Role::SlaWarn, "sending"),
            OutboxState::Sent => (Role::SlaOk, "sent"),
            OutboxState::Failed => (Role::Error, "FAILED"),
        };
        let note = match (e.state, &e.last_error) {
            (OutboxState::Queued, Some(err)) => format!(
                "{err}; next try in {}",
                format_age(now.duration_until(e.next_attempt_at).as_secs())
            ),
            (OutboxState::Failed, Some(err)) => err.clone(),
            (OutboxState::Sent, _) => e.remote_id.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let base = if i == selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let head = format!(" {} #{:<5} {:>2}× ", fit(state, 7), e.item.0, e.attempts);
        let rest = format!(
            "{}  {}",
            sanitize::one_line(&e.text),
            sanitize::one_line(&note)
        );
        let rest = fit(&rest, w.saturating_sub(width(&head)));
        let state_style = if i == selected {
            base
        } else {
            theme.style(role)
        };
        lines.push(Line::from(vec![
            Span::styled(head, state_style),
            Span::styled(rest, base),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
