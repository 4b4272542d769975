//! Incremental search over author and text (`/`, then `n`/`N`). Pure, part of `update`.
//! The search line says how many rows match and which of them is selected (`3 of 7`); the
//! list highlights the matches.
//!
//! A word of the query finds the words it starts ([`crate::filter::words_match`], as the
//! store searches). Open rows are searched here, as they are typed; the closed tail of a
//! long list through the store ([`super::search_tail`]), whose answers add their matches
//! to the count and to where `n`/`N` go (and the window loads there).

use crossterm::event::{KeyCode, KeyEvent};

use super::list::List;
use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::ItemRow;

/// Where a search matches in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    pub query: String,
    /// The tail positions searched in the store so far run up to this one (from the
    /// first tail position); a search of the tail goes a chunk at a time.
    pub(super) searched: usize,
    /// The last chunk reached the end of a tail still coming in pages: the next page
    /// brings the next chunk.
    pub(super) waiting: bool,
    /// The positions searched near where the search started, ahead of the chunks.
    pub(super) near_range: std::ops::Range<usize>,
    /// The store was asked and has not answered for the whole tail yet.
    pub pending: bool,
    /// Matching positions, ascending.
    pub positions: Vec<usize>,
    /// Where to go when the store answers: from this position, forward or not.
    pub(super) jump: Option<(usize, bool)>,
}

impl Hits {
    /// Matches among the whole rows in memory now; the tail's come from the store.
    pub(super) fn of(items: &List, query: &str) -> Hits {
        Hits {
            query: query.to_string(),
            searched: items.tail_start(),
            waiting: false,
            near_range: 0..0,
            pending: false,
            positions: positions(items, query),
            jump: None,
        }
    }
}

/// Matching positions among the whole rows, by their text (the tail's come from the store).
fn positions(items: &List, query: &str) -> Vec<usize> {
    let words = crate::filter::search_words(query);
    if words.is_empty() {
        return Vec::new();
    }
    // Not merged, the whole rows are the first ones.
    let end = match items.is_merged() {
        false => items.tail_start(),
        true => items.len(),
    };
    let terms = crate::filter::query_terms(&words);
    let hit = |r: &ItemRow| crate::filter::terms_match(&terms, &[r.handle(), r.name(), r.text()]);
    (0..end)
        .filter(|&i| !items.is_windowed(i) && items.get(i).is_some_and(hit))
        .collect()
}

/// How many rows in memory match, and where `at` is among them (1-based, when it matches).
pub fn count(items: &List, query: &str, at: usize) -> (usize, Option<usize>) {
    let p = positions(items, query);
    (p.len(), p.binary_search(&at).ok().map(|k| k + 1))
}

/// The search line: the query and where the selection is among its matches.
pub(super) fn say(hits: &Hits, at: usize) -> String {
    let query = &hits.query;
    let n = hits.positions.len();
    let more = if hits.pending {
        " (searching closed items…)"
    } else {
        ""
    };
    match (n, hits.positions.binary_search(&at).ok().map(|k| k + 1)) {
        (0, _) if !query.is_empty() && !hits.pending => format!("/{query} (no match)"),
        (0, _) if !query.is_empty() => format!("/{query}{more}"),
        (0, _) => "/".to_string(),
        (n, Some(k)) => format!("/{query} · {k} of {n}{more}"),
        (1, None) => format!("/{query} · 1 match{more}"),
        (n, None) => format!("/{query} · {n} matches{more}"),
    }
}

/// The next match after (or before) `from`, wrapping around; `from` itself last.
pub(super) fn next(positions: &[usize], from: usize, forward: bool) -> Option<usize> {
    if forward {
        let k = positions.partition_point(|&p| p <= from);
        positions.get(k).or(positions.first()).copied()
    } else {
        let k = positions.partition_point(|&p| p < from);
        k.checked_sub(1)
            .and_then(|k| positions.get(k))
            .or(positions.last())
            .copied()
    }
}

/// The next row in memory matching `query` after (or before) `from`, wrapping around.
pub fn find(items: &List, query: &str, from: usize, forward: bool) -> Option<usize> {
    next(&positions(items, query), from, forward)
}

use super::search_tail::ask_tail;
pub use super::search_tail::{NEAR, extended, near_matches, relisted, tail_matches};

pub fn start(state: &mut AppState) -> Vec<Effect> {
    state.mode = Mode::Search {
        query: String::new(),
        origin: state.selected,
    };
    state.message = Some((Level::Info, "/".into()));
    Vec::new()
}

/// `n` / `N`: the row to go to (the effects ask the store when the tail is not searched
/// yet; the answer moves there).
pub fn again(state: &mut AppState, forward: bool) -> (Option<usize>, Vec<Effect>) {
    let Some(query) = state.search.clone() else {
        return (None, Vec::new());
    };
    let mut fx = Vec::new();
    if state.hits.as_ref().is_none_or(|h| h.query != query) {
        state.hits = Some(Hits::of(&state.items, &query));
        fx = ask_tail(state, Some((state.selected, forward)));
    }
    let Some(h) = state.hits.as_ref() else {
        return (None, fx);
    };
    let found = next(&h.positions, state.selected, forward);
    state.message = Some(match found {
        Some(at) => (Level::Info, say(h, at)),
        None if h.pending => (Level::Info, say(h, state.selected)),
        None => (Level::Info, format!("No match for {query:?}.")),
    });
    (found, fx)
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
            state.hits = None;
            return (Some(origin), Vec::new());
        }
        KeyCode::Enter => {
            let q = query.clone();
            state.mode = Mode::Normal;
            state.search = (!q.is_empty()).then_some(q);
            return (None, Vec::new());
        }
        _ if super::textedit::edit_at_end(query, &key) => {}
        _ => return (None, Vec::new()),
    }
    let q = query.clone();
    // Search from the row before the origin so the origin itself can match (from the top:
    // `usize::MAX`, before every row, even of a list still growing).
    let start = origin.checked_sub(1).unwrap_or(usize::MAX);
    state.hits = Some(Hits::of(&state.items, &q));
    let fx = ask_tail(state, Some((start, true)));
    let Some(h) = state.hits.as_ref() else {
        return (Some(origin), fx);
    };
    let found = next(&h.positions, start, true);
    state.message = Some((Level::Info, say(h, found.unwrap_or(usize::MAX))));
    (found.or(Some(origin)), fx)
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
