//! The follow-up overlay; its keys are in `app::followups`.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::dialog::list;
use crate::fmt::format_age;
use crate::fmt::text::{fit, width};
use crate::model::FollowUp;
use crate::sanitize;
use crate::theme::{Role, Theme};

/// The follow-ups (`F`): open cases with their due times, all or only mine.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    entries: &[FollowUp],
    selected: usize,
    mine: Option<&str>,
    theme: &Theme,
    now: Timestamp,
) {
    let title = match mine {
        Some(me) => {
            format!(" Follow-ups of {me} — m all · Enter close with outcome · Esc back ")
        }
        None => " Follow-ups — m mine only · Enter close with outcome · Esc back ".to_string(),
    };
    list(
        frame,
        area,
        &title,
        " No open follow-ups. f on an item takes it offline with a case number.",
        entries,
        selected,
        theme,
        |f, is_selected, w| {
            let (due, role) = match f.due_at {
                Some(d) if d < now => (
                    format!("overdue {}", format_age(d.duration_until(now).as_secs())),
                    Role::SlaBreached,
                ),
                Some(d) => (
                    format!("due in {}", format_age(now.duration_until(d).as_secs())),
                    Role::SlaOk,
                ),
                None => ("no due time".to_string(), Role::Muted),
            };
            let base = if is_selected {
                theme.style(Role::Selection)
            } else {
                theme.style(Role::Text)
            };
            let head = format!(
                " {} #{:<5} {:<9} {:<10} ",
                fit(&f.case_number, 12),
                f.item.0,
                f.method.as_str(),
                fit(f.assignee.as_deref().unwrap_or("-"), 10)
            );
            let due = format!("{} ", fit(&due, 14));
            let rest = format!(
                "{}  {}",
                sanitize::one_line(f.contact.as_deref().unwrap_or("")),
                sanitize::one_line(f.note.as_deref().unwrap_or(""))
            );
            let rest = fit(&rest, w.saturating_sub(width(&head) + width(&due)));
            let due_style = if is_selected { base } else { theme.style(role) };
            Line::from(vec![
                Span::styled(head, base),
                Span::styled(due, due_style),
                Span::styled(rest, base),
            ])
        },
    );
}
