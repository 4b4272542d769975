//! The help overlay's keys (`?`): moves scroll it; only `?`, Esc, `q`, F1 and ctrl-c close it.
//! Pure, part of `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::AppState;
use super::state::Mode;

/// A key in the help overlay: moves scroll it; only `?`, Esc, `q` (and F1, ctrl-c) close it.
pub fn on_key(state: &mut AppState, key: KeyEvent, ctrl_c: bool) {
    let (rows, max) = super::layout::help_scroll(state);
    let half = (rows / 2).max(1);
    let Mode::Help { scroll } = &mut state.mode else {
        return;
    };
    state.dirty = true;
    let close = matches!(
        key.code,
        KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Esc | KeyCode::F(1)
    );
    if close || ctrl_c {
        state.mode = Mode::Normal;
        return;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let now_at = (*scroll).min(max);
    *scroll = match key.code {
        KeyCode::Char('j') | KeyCode::Down => now_at.saturating_add(1),
        KeyCode::Char('k') | KeyCode::Up => now_at.saturating_sub(1),
        KeyCode::Char('d') if ctrl => now_at.saturating_add(half),
        KeyCode::Char('u') if ctrl => now_at.saturating_sub(half),
        KeyCode::PageDown | KeyCode::Char(' ') => now_at.saturating_add(rows.max(1)),
        KeyCode::PageUp => now_at.saturating_sub(rows.max(1)),
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => max,
        _ => now_at,
    }
    .min(max);
}
