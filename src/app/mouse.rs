//! The optional mouse (`mouse = true`): what a click or a wheel turn does in the inbox.

use jiff::Timestamp;

use super::msg::MouseKind;
use super::state::{Focus, Mode};
use super::update::{apply, select};
use super::{Action, AppState, Effect};

/// The mouse, in the inbox only (overlays and the composer are keyboard-driven): a click on
/// a row selects it, a click in the detail pane moves the focus there, the wheel moves the
/// selection (or scrolls the detail pane under the pointer).
pub(super) fn on_mouse(
    state: &mut AppState,
    kind: super::msg::MouseKind,
    column: u16,
    row: u16,
    now: Timestamp,
) -> Vec<Effect> {
    if !matches!(state.mode, Mode::Normal) || state.linear {
        return Vec::new();
    }
    let spot = crate::ui::spot_at(state, column, row);
    match (kind, spot) {
        (MouseKind::Click, crate::ui::Spot::Item(i)) => {
            state.focus = Focus::List;
            state.dirty = true;
            select(state, i)
        }
        (MouseKind::Click, crate::ui::Spot::Detail) => {
            state.focus = Focus::Detail;
            state.dirty = true;
            Vec::new()
        }
        (MouseKind::WheelUp | MouseKind::WheelDown, spot) => {
            let before = state.focus;
            if spot == crate::ui::Spot::Detail {
                state.focus = Focus::Detail;
            } else if spot != crate::ui::Spot::Elsewhere {
                state.focus = Focus::List;
            }
            let action = if kind == MouseKind::WheelDown {
                Action::Down
            } else {
                Action::Up
            };
            let fx = apply(state, action, now);
            state.focus = before;
            fx
        }
        _ => Vec::new(),
    }
}
