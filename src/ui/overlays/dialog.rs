//! The frame every overlay shares: a centred box or nearly the whole screen, cleared and
//! bordered, and the first row to show of a list that keeps its selection in view.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Clear};

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

/// The first row to draw of a list `rows` high so that row `selected` is on screen: the
/// list scrolls only once the selection passes the bottom, and then keeps it on the last row.
pub fn scroll_top(selected: usize, rows: usize) -> usize {
    selected.saturating_sub(rows.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

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
