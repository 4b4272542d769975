//! The reply composer overlay and its template picker. The text wraps by display width
//! (CJK and emoji two cells) at `app::composer::text_cols`, scrolled so the cursor's row
//! shows; asking to send, the box grows to show the whole reply (↑/↓ scroll a longer one).

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::dialog::{highlighted, panel};
use crate::app::AppState;
use crate::app::composer::{box_height, length, text_cols, top_row};
use crate::app::state::{Composer, Picker};
use crate::app::textedit;
use crate::fmt::text::fit;
use crate::fuzzy::Fuzzy;
use crate::model::Visibility;
use crate::sanitize;
use crate::theme::{Role, Theme};

/// The reply composer along the bottom, with its length counter and confirmations.
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, c: &Composer, theme: &Theme) {
    // Wrapped as `update` moves the cursor: the same columns and box height.
    let rows = textedit::wrap(&c.text, text_cols(area.width));
    let h = box_height(area.height, rows.len(), c.confirm).min(area.height);
    let r = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(h + 1),
        area.width,
        h,
    );
    let item = state.items.by_id(c.item);
    let who = item.map(|i| sanitize::one_line(i.author()));
    let audience = match item.map(|i| i.visibility) {
        Some(Visibility::Direct) => "private DM — stays private",
        Some(Visibility::Followers) => "followers only",
        Some(Visibility::Unlisted) => "unlisted",
        _ => "public",
    };
    let title = format!(
        " Reply to {} · {audience} ",
        who.unwrap_or_else(|| format!("#{}", c.item))
    );
    let inner = panel(frame, r, &title, theme);
    let text_h = inner.height.saturating_sub(1);
    let (row, col) = textedit::locate(&c.text, &rows, c.cursor);
    // Scrolled so the cursor's row is shown (while confirming, ↑/↓ move it to scroll).
    let top = top_row(row, usize::from(text_h));
    frame.render_widget(
        Paragraph::new(wrapped(&c.text, &rows, top, usize::from(text_h), theme)),
        Rect::new(inner.x, inner.y, inner.width, text_h),
    );
    let more = rows.len() > usize::from(text_h);
    let len = length(&c.text, c.unit);
    let (counter, over) = match c.max_len {
        Some(max) => (format!("{len}/{max}"), len > max),
        None => (format!("{len}"), false),
    };
    let footer = if c.checking {
        Line::from(vec![
            Span::styled(format!(" {counter} "), theme.style(Role::Muted)),
            Span::styled(
                " Checking the conversation for new activity… (Esc: keep editing)",
                theme.style(Role::Muted),
            ),
        ])
    } else if let (true, Some(warning)) = (c.confirm, &c.warning) {
        Line::from(vec![
            Span::styled(
                format!(" ⚠ {}. ", sanitize::one_line(warning)),
                theme.style(Role::Error),
            ),
            Span::styled(
                " Send anyway? y = send · n = keep editing ",
                theme.style(Role::Selection),
            ),
        ])
    } else if c.confirm {
        Line::from(vec![
            Span::styled(format!(" {counter} "), theme.style(Role::Muted)),
            Span::styled(
                " Send this reply? y = send · n = keep editing ",
                theme.style(Role::Selection),
            ),
            Span::styled(
                if more { " ↑↓ scroll" } else { "" },
                theme.style(Role::Muted),
            ),
        ])
    } else {
        Line::from(vec![
            Span::styled(
                format!(" {counter} "),
                if over {
                    theme.style(Role::Error)
                } else {
                    theme.style(Role::Muted)
                },
            ),
            Span::styled(
                " ctrl-s send · ctrl-e editor · ctrl-t template · Esc keep draft",
                theme.style(Role::Muted),
            ),
        ])
    };
    frame.render_widget(
        Paragraph::new(footer),
        Rect::new(inner.x, inner.y + text_h, inner.width, 1),
    );
    if let Some(p) = &c.picker {
        picker(frame, r, state, p, theme);
        return;
    }
    if !c.confirm && !c.checking {
        let x = inner.x
            + u16::try_from(col)
                .unwrap_or(u16::MAX)
                .min(inner.width.saturating_sub(1));
        let y = inner.y
            + u16::try_from(row - top)
                .unwrap_or(u16::MAX)
                .min(text_h.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// Rows `top..top + visible` of `text` wrapped as `rows` (from `textedit::wrap`): the reply
/// as the composer and its "Send this reply?" step show it, every character kept.
pub fn wrapped<'a>(
    text: &'a str,
    rows: &[Range<usize>],
    top: usize,
    visible: usize,
    theme: &Theme,
) -> Vec<Line<'a>> {
    rows.iter()
        .skip(top)
        .take(visible)
        .filter_map(|r| text.get(r.clone()))
        .map(|t| Line::styled(t, theme.style(Role::Text)))
        .collect()
}

/// The template picker, drawn just above the composer.
fn picker(frame: &mut Frame, composer: Rect, state: &AppState, p: &Picker, theme: &Theme) {
    let matches = crate::templates::search(&state.templates, &p.query);
    let h = (matches.len() as u16 + 3).clamp(4, 10).min(composer.y);
    if h < 3 {
        return;
    }
    let r = Rect::new(
        composer.x + 2,
        composer.y - h,
        composer.width.saturating_sub(4),
        h,
    );
    let inner = panel(frame, r, &format!(" Template: {}▏ ", p.query), theme);
    let w = inner.width as usize;
    let mut fuzzy = Fuzzy::new(&p.query);
    let lines: Vec<Line> = if matches.is_empty() {
        vec![Line::styled(
            " no template matches",
            theme.style(Role::Muted),
        )]
    } else {
        matches
            .iter()
            .enumerate()
            .take(inner.height as usize)
            .map(|(i, t)| {
                let style = if i == p.selected {
                    theme.style(Role::Selection)
                } else {
                    theme.style(Role::Text)
                };
                let name = fit(&t.name, 18);
                let body = fit(&sanitize::one_line(&t.body), w.saturating_sub(21));
                let name_style = style.patch(theme.style(Role::Key));
                // The letters the query matched in the name, marked.
                let matched = fuzzy.positions(&t.name).unwrap_or_default();
                let mut spans = vec![Span::styled(" ", name_style)];
                spans.extend(highlighted(&name, &matched, name_style));
                spans.push(Span::styled(" ", name_style));
                spans.push(Span::styled(format!(" {body}"), style));
                Line::from(spans)
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
#[path = "composer_tests.rs"]
mod tests;
