//! Incremental search over author and text (`/`, then `n`/`N`). Pure, part of `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::ItemRow;

fn matches(item: &ItemRow, query: &str) -> bool {
    let q = query.to_lowercase();
    [item.name(), item.handle(), item.text()]
        .iter()
        .any(|s| s.to_lowercase().contains(&q))
}

/// The next matching row after (or before) `from`, wrapping around; `from` itself last.
pub fn find(items: &[ItemRow], query: &str, from: usize, forward: bool) -> Option<usize> {
    let n = items.len();
    if n == 0 || query.is_empty() {
        return None;
    }
    (1..=n)
        .map(|k| {
            if forward {
                (from + k) % n
            } else {
                (from + n * 2 - k) % n
            }
        })
        .find(|&i| matches(&items[i], query))
}

pub fn start(state: &mut AppState) -> Vec<Effect> {
    state.mode = Mode::Search {
        query: String::new(),
        origin: state.selected,
    };
    state.message = Some((Level::Info, "/".into()));
    Vec::new()
}

/// `n` / `N`.
pub fn again(state: &mut AppState, forward: bool) -> Option<usize> {
    let query = state.search.clone()?;
    let found = find(&state.items, &query, state.selected, forward);
    if found.is_none() {
        state.message = Some((Level::Info, format!("No match for {query:?}.")));
    }
    found
}

/// A key while typing the search. Returns the row to select, if it changed.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> (Option<usize>, Vec<Effect>) {
    let Mode::Search { query, origin } = &mut state.mode else {
        return (None, Vec::new());
    };
    let origin = *origin;
    match key.code {
        KeyCode::Esc => {
            state.mode = Mode::Normal;
            state.message = None;
            return (Some(origin), Vec::new());
        }
        KeyCode::Enter => {
            let q = query.clone();
            state.mode = Mode::Normal;
            state.search = (!q.is_empty()).then_some(q);
            return (None, Vec::new());
        }
        KeyCode::Backspace => {
            query.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => query.push(c),
        _ => return (None, Vec::new()),
    }
    let q = query.clone();
    // Search from the row before the origin so the origin itself can match.
    let start = origin
        .checked_sub(1)
        .unwrap_or(state.items.len().saturating_sub(1));
    let found = find(&state.items, &q, start, true);
    let note = if found.is_none() && !q.is_empty() {
        " (no match)"
    } else {
        ""
    };
    state.message = Some((Level::Info, format!("/{q}{note}")));
    (found.or(Some(origin)), Vec::new())
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
