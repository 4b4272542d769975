//! Incremental search over author and text (`/`, then `n`/`N`). Pure, part of `update`.
//! The search line says how many rows match and which of them is selected (`3 of 7`); the
//! list highlights the matches.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::ItemRow;

/// `query` lowercased once, for matching many rows.
struct Query(String);

impl Query {
    fn new(query: &str) -> Query {
        Query(query.to_lowercase())
    }

    fn matches(&self, item: &ItemRow) -> bool {
        [item.name(), item.handle(), item.text()]
            .iter()
            .any(|s| contains(s, &self.0))
    }
}

/// `hay` contains `needle` (already lowercased), whatever the case; ASCII text (most of it)
/// is compared in place, without a lowercased copy of every row.
fn contains(hay: &str, needle: &str) -> bool {
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        return n.is_empty() || h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(needle)
}

/// How many rows match, and where `at` is among them (1-based, when it matches).
pub fn count(items: &[ItemRow], query: &str, at: usize) -> (usize, Option<usize>) {
    if query.is_empty() {
        return (0, None);
    }
    let q = Query::new(query);
    let (mut n, mut nth) = (0, None);
    for (i, item) in items.iter().enumerate() {
        if q.matches(item) {
            n += 1;
            if i == at {
                nth = Some(n);
            }
        }
    }
    (n, nth)
}

/// The search line: the query and where the selection is among its matches.
fn say(items: &[ItemRow], query: &str, at: usize) -> String {
    match count(items, query, at) {
        (0, _) if !query.is_empty() => format!("/{query} (no match)"),
        (0, _) => "/".to_string(),
        (n, Some(k)) => format!("/{query} · {k} of {n}"),
        (1, None) => format!("/{query} · 1 match"),
        (n, None) => format!("/{query} · {n} matches"),
    }
}

/// The next matching row after (or before) `from`, wrapping around; `from` itself last.
pub fn find(items: &[ItemRow], query: &str, from: usize, forward: bool) -> Option<usize> {
    let n = items.len();
    if n == 0 || query.is_empty() {
        return None;
    }
    let q = Query::new(query);
    (1..=n)
        .map(|k| {
            if forward {
                (from + k) % n
            } else {
                (from + n * 2 - k) % n
            }
        })
        .find(|&i| q.matches(&items[i]))
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
    state.message = Some(match found {
        Some(at) => (Level::Info, say(&state.items, &query, at)),
        None => (Level::Info, format!("No match for {query:?}.")),
    });
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
    let at = found.unwrap_or(usize::MAX);
    state.message = Some((Level::Info, say(&state.items, &q, at)));
    (found.or(Some(origin)), Vec::new())
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
