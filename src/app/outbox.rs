//! Keys in the outbox view on top of the inbox (drawn by `ui::overlays::outbox`).

use crossterm::event::{KeyCode, KeyEvent};

use super::state::{Level, Mode};
use super::{AppState, Effect, composer};

/// Keys in the outbox view: move, `r` resend a failed reply, `e`/Enter edit it, Esc close.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    state.dirty = true;
    let Mode::Outbox { entries, selected } = &mut state.mode else {
        return Vec::new();
    };
    let current = entries.get(*selected).cloned();
    let failed = current
        .as_ref()
        .filter(|e| e.state == crate::model::OutboxState::Failed);
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            *selected = (*selected + 1).min(entries.len().saturating_sub(1))
        }
        KeyCode::Char('k') | KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Char('r') => {
            if let Some(e) = failed {
                state.message = Some((Level::Info, format!("Resending the reply to #{}…", e.item)));
                return vec![Effect::Resend {
                    entry: e.id,
                    text: None,
                }];
            }
            state.message = Some((
                Level::Info,
                "Only failed replies need resending; queued ones go out by themselves.".into(),
            ));
        }
        KeyCode::Char('e') | KeyCode::Enter => {
            if let Some(e) = failed.cloned() {
                composer::open_resend(state, &e);
            }
        }
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('o') => state.mode = Mode::Normal,
        _ => {}
    }
    Vec::new()
}

#[cfg(test)]
#[path = "outbox_tests.rs"]
mod tests;
