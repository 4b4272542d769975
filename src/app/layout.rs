//! The screen's layout as pure `Rect` arithmetic: where the header, banner, list, detail pane,
//! key hints and status bar go for a terminal size. `update` scrolls and hit-tests the mouse
//! by it and `ui` draws into it, so both agree on every row without the app core importing
//! drawing.

use ratatui::layout::{Constraint, Layout, Rect};

use super::AppState;
use super::state::Focus;

/// From this width on, list and detail are side by side.
pub const WIDE: u16 = 100;

/// The regions of the screen for a terminal size.
pub struct Areas {
    pub header: Rect,
    /// One row for the alert banner, or none.
    pub banner: Rect,
    pub list: Option<Rect>,
    pub detail: Option<Rect>,
    /// The key hints of the mode (one row), or none on a short terminal.
    pub footer: Rect,
    pub status: Rect,
}

/// From this height on, a row of key hints sits above the status bar.
pub const FOOTER_FROM: u16 = 12;

/// The rows the composer and the dialogs are drawn in: the screen less the key-hint footer.
/// The app scrolls the composer by this too, so what it scrolls is what is drawn.
pub fn overlay_height(height: u16) -> u16 {
    height - u16::from(height >= FOOTER_FROM)
}

pub fn areas(area: Rect, state: &AppState) -> Areas {
    let banner_rows = u16::from(!state.alerts.is_empty());
    let footer_rows = u16::from(area.height >= FOOTER_FROM);
    let [header, banner, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Min(0),
        Constraint::Length(footer_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= WIDE {
        let [list, detail] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                .areas(body);
        Areas {
            header,
            banner,
            list: Some(list),
            detail: Some(detail),
            footer,
            status,
        }
    } else if state.focus == Focus::Detail {
        Areas {
            header,
            banner,
            list: None,
            detail: Some(body),
            footer,
            status,
        }
    } else {
        Areas {
            header,
            banner,
            list: Some(body),
            detail: None,
            footer,
            status,
        }
    }
}

/// How many item rows the list shows at this size (the list has one column-header row).
pub fn list_rows(width: u16, height: u16, state: &AppState) -> usize {
    let a = areas(Rect::new(0, 0, width, height), state);
    a.list
        .map(|l| l.height.saturating_sub(1) as usize)
        .unwrap_or(0)
}

/// What is under a cell of the screen (for the mouse).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// A row of the list: the item's index.
    Item(usize),
    /// The list, but not on an item (its header, below the last item).
    List,
    Detail,
    Elsewhere,
}

/// What is at `column`, `row` on a screen of the state's size.
pub fn spot_at(state: &AppState, column: u16, row: u16) -> Spot {
    let a = areas(Rect::new(0, 0, state.width, state.height), state);
    let at = ratatui::layout::Position::new(column, row);
    if let Some(list) = a.list.filter(|l| l.contains(at)) {
        let line = usize::from(row - list.y);
        if line == 0 {
            return Spot::List;
        }
        let index = state.offset + line - 1;
        return if index < state.items.len() {
            Spot::Item(index)
        } else {
            Spot::List
        };
    }
    if a.detail.is_some_and(|d| d.contains(at)) {
        return Spot::Detail;
    }
    Spot::Elsewhere
}

/// The items on screen now.
pub fn visible_items(state: &AppState) -> std::ops::Range<usize> {
    let rows = list_rows(state.width, state.height, state);
    let start = state.offset.min(state.items.len());
    start..(start + rows).min(state.items.len())
}

/// Lines below the actions in the help overlay (a blank line, four lines of the composer's and
/// the boxes' keys): `ui` draws them, and a test there keeps this count equal to what it
/// draws.
pub const HELP_NOTE_LINES: usize = 5;

/// The help overlay at the state's size: the rows it shows, and the scroll that shows its
/// last line at the bottom (scrolling further shows nothing new).
pub fn help_scroll(state: &AppState) -> (u16, u16) {
    let lines = crate::keys::Action::ALL.len() + HELP_NOTE_LINES;
    let lines = u16::try_from(lines).unwrap_or(u16::MAX);
    // The box: its lines and two borders, no taller than the screen.
    let rows = lines.saturating_add(2).min(state.height).saturating_sub(2);
    (rows, lines.saturating_sub(rows))
}
