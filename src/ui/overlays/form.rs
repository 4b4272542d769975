//! The form overlay (snooze, follow-up, tags, assign, filter, note); its keys are in
//! `app::form`. A typed field shows its cursor where it is (the start of a long value gives
//! way so the cursor stays in view); a choice field shows `◂ value ▸`; the error of the
//! last try wraps inside the box instead of being cut at its edge.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;

use super::dialog::{centered, panel};
use crate::app::form::choices;
use crate::app::state::{Field, Form, FormKind};
use crate::app::textedit;
use crate::fmt::text::width;
use crate::sanitize;
use crate::theme::{Role, Theme};

/// Width of the form box; the label column is 13 cells of it.
const BOX_W: u16 = 72;
const LABEL_W: usize = 13;

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
    let inner_w = usize::from(BOX_W.min(area.width).saturating_sub(2));
    let error_rows: Vec<String> = match &form.error {
        Some(e) => {
            let e = sanitize::one_line(e);
            textedit::wrap(&e, inner_w.saturating_sub(2))
                .into_iter()
                .filter_map(|r| e.get(r).map(|t| format!(" {}", t.trim_end())))
                .collect()
        }
        None => vec![String::new()],
    };
    let h = form.fields.len() * 2 + error_rows.len() + 4;
    let r = centered(area, BOX_W, u16::try_from(h).unwrap_or(u16::MAX));
    let inner = panel(frame, r, &title, theme);
    let room = usize::from(inner.width).saturating_sub(LABEL_W + 1);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let value_style = if focused {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let value = match choices(form.kind, f.label) {
            Some(_) if focused => format!("◂ {} ▸", sanitize::one_line(&f.value)),
            Some(_) => sanitize::one_line(&f.value),
            None => shown_value(f, focused, room),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {:>w$}: ", f.label, w = LABEL_W - 4),
                theme.style(Role::Key),
            ),
            Span::styled(value, value_style),
        ]));
        let hint = match choices(form.kind, f.label) {
            Some(list) => format!("{} · ←/→ change", list.join(", ")),
            None => f.hint.to_string(),
        };
        lines.push(Line::styled(
            format!("{:w$}{hint}", "", w = LABEL_W - 1),
            theme.style(Role::Muted),
        ));
    }
    let error_style = theme.style(Role::Error);
    lines.extend(error_rows.into_iter().map(|e| Line::styled(e, error_style)));
    lines.push(Line::styled(
        " Tab next field · Enter next / save · ctrl-s save · Esc cancel",
        theme.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A typed field's text with `▏` at the cursor when focused, within `room` cells: when it
/// is longer, the text before the cursor gives way (marked `…`) so the cursor shows.
fn shown_value(f: &Field, focused: bool, room: usize) -> String {
    if !focused {
        return sanitize::one_line(&f.value);
    }
    let at = f.cursor.min(f.value.len());
    let before = visible(f.value.get(..at).unwrap_or(""));
    let after = visible(f.value.get(at..).unwrap_or(""));
    let mut before = before.as_str();
    let mut cut = false;
    // Keep the cursor and a few cells after it on screen.
    let keep = room.saturating_sub(after.graphemes(true).take(8).map(width).sum::<usize>() + 2);
    while width(before) > keep {
        let mut g = before.graphemes(true);
        g.next();
        before = g.as_str();
        cut = true;
    }
    let lead = if cut { "…" } else { "" };
    format!("{lead}{before}▏{after}")
}

/// A value as typed, spaces kept (the cursor's place depends on them), made safe to draw.
fn visible(s: &str) -> String {
    sanitize::clean(s).replace('\n', " ")
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
