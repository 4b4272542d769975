//! The frame every overlay shares: a centred box or nearly the whole screen, cleared and
//! bordered, and the first row to show of a list that keeps its selection in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::theme::{Role, Theme};

/// A `w`×`h` box in the middle of `area` (smaller when `area` is).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A dialog covering `r`: cleared, bordered, titled; returns the inside.
pub fn panel(frame: &mut Frame, r: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(title.to_string())
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// Nearly the whole screen, for list views.
pub fn full(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

/// `text` (already fitted to its column) in `style`, with the characters at `matched` (char
/// indices, from [`crate::fuzzy::Fuzzy::positions`]) underlined: what the query matched.
pub fn highlighted(text: &str, matched: &[usize], style: Style) -> Vec<Span<'static>> {
    let mark = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    for (i, c) in text.chars().enumerate() {
        let marked = matched.binary_search(&i).is_ok();
        if marked != run_marked && !run.is_empty() {
            let s = if run_marked { mark } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_marked = marked;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_marked { mark } else { style }));
    }
    spans
}

/// A list view over nearly the whole screen: framed with `title`, `empty` (muted) when there
/// are no entries, else a line per entry from `row` for the entries that fit, scrolled by
/// [`scroll_top`] so that `selected` shows. `row` gets the entry, whether it is the selected
/// one, and the width of a line.
#[allow(clippy::too_many_arguments)]
pub fn list<T>(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    empty: &str,
    entries: &[T],
    selected: usize,
    theme: &Theme,
    mut row: impl FnMut(&T, bool, usize) -> Line<'static>,
) {
    let inner = panel(frame, full(area), title, theme);
    let rows = inner.height as usize;
    let lines: Vec<Line> = if entries.is_empty() {
        vec![Line::styled(empty.to_string(), theme.style(Role::Muted))]
    } else {
        let top = scroll_top(selected, rows);
        entries
            .iter()
            .enumerate()
            .skip(top)
            .take(rows)
            .map(|(i, e)| row(e, i == selected, inner.width as usize))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The first row to draw of a list `rows` high so that row `selected` is on screen: the
/// list scrolls only once the selection passes the bottom, and then keeps it on the last row.
pub fn scroll_top(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighted_marks_the_matched_chars() {
        let base = Style::default();
        let spans = highlighted("sort", &[0, 2, 3], base);
        let parts: Vec<(&str, bool)> = spans
            .iter()
            .map(|s| {
                let marked = s.style.add_modifier.contains(Modifier::UNDERLINED);
                (s.content.as_ref(), marked)
            })
            .collect();
        assert_eq!(parts, [("s", true), ("o", false), ("rt", true)]);
        assert_eq!(highlighted("ab", &[], base).len(), 1);
    }

    #[test]
    fn scroll_top_keeps_the_selection_on_screen() {
        // Fits: no scrolling.
        assert_eq!(scroll_top(0, 5), 0);
        assert_eq!(scroll_top(4, 5), 0);
        // Past the bottom: the selection is the last row shown.
        assert_eq!(scroll_top(5, 5), 1);
        assert_eq!(scroll_top(12, 5), 8);
        // One row, or none: the selection is the first.
        assert_eq!(scroll_top(3, 1), 3);
        assert_eq!(scroll_top(3, 0), 3);
        for (selected, rows) in [(0, 3), (7, 3), (100, 20)] {
            let top = scroll_top(selected, rows);
            assert!(top <= selected && selected < top + rows.max(1));
        }
    }
}
