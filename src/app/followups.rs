//! Keys in the follow-up view on top of the inbox (drawn by `ui::overlays::followups`).

use crossterm::event::{KeyCode, KeyEvent};

use super::state::Mode;
use super::{AppState, Effect};

/// Keys in the follow-up view: move, Enter/`c` close one with its outcome, Esc back.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    state.dirty = true;
    let Mode::FollowUps { entries, selected } = &mut state.mode else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Char('j') | KeyCode::Down => {
            *selected = (*selected + 1).min(entries.len().saturating_sub(1))
        }
        KeyCode::Char('k') | KeyCode::Up => *selected = selected.saturating_sub(1),
        KeyCode::Char('m') => {
            state.followups_mine = !state.followups_mine;
            return vec![Effect::LoadFollowUps];
        }
        KeyCode::Enter | KeyCode::Char('c') => {
            if let Some(f) = entries.get(*selected) {
                state.mode = Mode::Form(super::state::Form::resolve(f.item));
            }
        }
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('F') => state.mode = Mode::Normal,
        _ => {}
    }
    Vec::new()
}
