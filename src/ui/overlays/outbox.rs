//! The outbox overlay; its keys are in `app::outbox`.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::dialog::list;
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
    list(
        frame,
        area,
        " Outbox — r resend failed · e edit failed · Esc close ",
        " Nothing in the outbox. Replies you send appear here until they are confirmed.",
        entries,
        selected,
        theme,
        |e, is_selected, w| {
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
            let base = if is_selected {
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
            let state_style = if is_selected { base } else { theme.style(role) };
            Line::from(vec![
                Span::styled(head, state_style),
                Span::styled(rest, base),
            ])
        },
    );
}
