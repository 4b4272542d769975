//! The optional mouse (`mouse = true`): what a click or a wheel turn does in the inbox.

use super::actions::Intent;
use super::layout::{Spot, spot_at};
use super::msg::MouseKind;
use super::state::{Focus, Mode};
use super::{Action, AppState};

/// The mouse, in the inbox only (overlays and the composer are keyboard-driven): a click on
/// a row selects it, a click in the detail pane moves the focus there, the wheel moves the
/// selection (or scrolls the detail pane under the pointer). Decides only; `update` runs
/// the intent.
pub(super) fn on_mouse(state: &AppState, kind: MouseKind, column: u16, row: u16) -> Option<Intent> {
    if !matches!(state.mode, Mode::Normal) || state.linear {
        return None;
    }
    let spot = spot_at(state, column, row);
    match (kind, spot) {
        (MouseKind::Click, Spot::Item(i)) => Some(Intent::Pick(i)),
        (MouseKind::Click, Spot::Detail) => Some(Intent::Focus(Focus::Detail)),
        (MouseKind::WheelUp | MouseKind::WheelDown, spot) => {
            let focus = match spot {
                Spot::Detail => Some(Focus::Detail),
                Spot::Elsewhere => None,
                _ => Some(Focus::List),
            };
            let action = if kind == MouseKind::WheelDown {
                Action::Down
            } else {
                Action::Up
            };
            Some(Intent::ApplyOver { action, focus })
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "mouse_tests.rs"]
mod tests;
