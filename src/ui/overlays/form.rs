//! The form overlay (snooze, follow-up, tags, assign, filter, note); its keys are in
//! `app::form`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::dialog::{centered, panel};
use crate::app::state::{Form, FormKind};
use crate::sanitize;
use crate::theme::{Role, Theme};

/// A form: its fields with hints, the error of the last try, the keys.
pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let title = match form.kind {
        FormKind::FollowUp => format!(" Take #{} offline — a case number is assigned ", form.item),
        FormKind::Snooze => format!(" Snooze #{} ", form.item),
        FormKind::Resolve => format!(" Close the follow-up of #{} ", form.item),
        FormKind::Tags => format!(" Tags of #{} ", form.item),
        FormKind::Assign => format!(" Assign #{} ", form.item),
        FormKind::Filter => " Filter the inbox ".to_string(),
        FormKind::Note => format!(" Internal note on #{} ", form.item),
    };
    let r = centered(area, 72, form.fields.len() as u16 * 2 + 5);
    let inner = panel(frame, r, &title, theme);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let value_style = if focused {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let cursor = if focused { "▏" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:>9}: ", f.label), theme.style(Role::Key)),
            Span::styled(
                format!("{}{cursor}", sanitize::one_line(&f.value)),
                value_style,
            ),
        ]));
        lines.push(Line::styled(
            format!("{:12}{}", "", f.hint),
            theme.style(Role::Muted),
        ));
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            format!(" {}", sanitize::one_line(e)),
            theme.style(Role::Error),
        ));
    } else {
        lines.push(Line::from(""));
    }
    lines.push(Line::styled(
        " Tab next field · Enter next / save · ctrl-s save · Esc cancel",
        theme.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}
