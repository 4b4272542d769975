//! Incremental search over author and text (`/`, then `n`/`N`). Pure, part of `update`.
//! The search line says how many rows match and which of them is selected (`3 of 7`); the
//! list highlights the matches.
//!
//! A word of the query finds the words it starts ([`crate::filter::words_match`], as the
//! store searches). Open rows are searched here, as they are typed; the closed tail of a
//! long list through the store (`Effect::SearchTail`), whose answer adds its matches to the
//! count and to where `n`/`N` go (and the window loads there).

use std::collections::HashSet;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::list::List;
use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::{ItemId, ItemRow};

/// Where a search matches in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    pub query: String,
    /// The tail's matches, once the store answered.
    tail: Option<HashSet<ItemId>>,
    /// Matches among the tail items near where the search started, before that answer,
    /// and the positions that were searched there.
    near: HashSet<ItemId>,
    near_range: std::ops::Range<usize>,
    /// The store was asked and has not answered yet.
    pub pending: bool,
    /// Matching positions, ascending.
    pub positions: Vec<usize>,
    /// Where to go when the store answers: from this position, forward or not.
    jump: Option<(usize, bool)>,
}

impl Hits {
    /// Matches among the rows in memory now; the tail's come with [`tail_matches`].
    fn of(items: &List, query: &str) -> Hits {
        Hits {
            query: query.to_string(),
            tail: None,
            near: HashSet::new(),
            near_range: 0..0,
            pending: false,
            positions: positions(items, query, None),
            jump: None,
        }
    }
}

/// Whether a row matches the query's words (an empty query matches nothing).
pub fn row_matches(words: &[String], item: &ItemRow) -> bool {
    if words.is_empty() {
        return false;
    }
    let hay = format!("{} {} {}", item.handle(), item.name(), item.text());
    crate::filter::words_match(words, &hay)
}

/// Matching positions: whole rows by their text, tail positions by the store's answer.
fn positions(items: &List, query: &str, tail: Option<&HashSet<ItemId>>) -> Vec<usize> {
    let words = crate::filter::search_words(query);
    if words.is_empty() {
        return Vec::new();
    }
    // Without the store's answer only whole rows can match (not merged: the first ones).
    let end = match tail {
        None if !items.is_merged() => items.tail_start(),
        _ => items.len(),
    };
    (0..end)
        .filter(|&i| {
            if items.is_windowed(i) {
                tail.is_some_and(|t| items.id_at(i).is_some_and(|id| t.contains(&id)))
            } else {
                items.get(i).is_some_and(|r| row_matches(&words, r))
            }
        })
        .collect()
}

/// How many rows in memory match, and where `at` is among them (1-based, when it matches).
pub fn count(items: &List, query: &str, at: usize) -> (usize, Option<usize>) {
    let p = positions(items, query, None);
    (p.len(), p.binary_search(&at).ok().map(|k| k + 1))
}

/// The search line: the query and where the selection is among its matches.
fn say(hits: &Hits, at: usize) -> String {
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
fn next(positions: &[usize], from: usize, forward: bool) -> Option<usize> {
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
    next(&positions(items, query, None), from, forward)
}

/// Tail items searched near where a search starts, before the whole tail: ids looked up
/// one by one, so the next match is found at once whatever the store's size (a word rarer
/// than that waits for the whole tail's answer).
pub const NEAR: usize = 1_000;

/// The positions of up to [`NEAR`] tail items after (or before) `from`, and their ids in
/// that direction.
fn near_ids(items: &List, from: usize, forward: bool) -> (std::ops::Range<usize>, Vec<ItemId>) {
    let range = if forward {
        let start = from.saturating_add(1).max(items.tail_start());
        start..start.saturating_add(NEAR).min(items.len()).max(start)
    } else {
        let end = from.min(items.len());
        end.saturating_sub(NEAR).max(items.tail_start()).min(end)..end
    };
    let ids = |i: usize| items.is_windowed(i).then(|| items.id_at(i)).flatten();
    let mut near: Vec<ItemId> = range.clone().filter_map(ids).collect();
    if !forward {
        near.reverse();
    }
    (range, near)
}

/// Ask the store for the tail's matches when the list has a tail: first near where the
/// search goes (its next match), then the whole tail (the count, `n` further on).
fn ask_tail(state: &mut AppState, jump: Option<(usize, bool)>) -> Vec<Effect> {
    let has_tail = state.items.has_tail();
    let Some(h) = state.hits.as_mut() else {
        return Vec::new();
    };
    if !has_tail || crate::filter::search_words(&h.query).is_empty() {
        return Vec::new();
    }
    h.pending = true;
    h.jump = jump;
    let query = h.query.clone();
    let mut fx = Vec::new();
    if let Some((from, forward)) = jump {
        let (range, ids) = near_ids(&state.items, from, forward);
        h.near_range = range;
        if !ids.is_empty() {
            fx.push(Effect::SearchNear {
                query: query.clone(),
                ids,
            });
        }
    }
    fx.push(Effect::SearchTail {
        spec: Box::new(super::triage::list_spec(state)),
        query,
    });
    fx
}

/// The store answered which tail items near the search's start match: the search that
/// waited goes to the next match (nearer than any further one), the count waits for the
/// whole tail. Returns the row to select, if any.
pub fn near_matches(state: &mut AppState, query: &str, ids: Vec<ItemId>) -> Option<usize> {
    let h = state
        .hits
        .as_mut()
        .filter(|h| h.query == query && h.tail.is_none() && h.jump.is_some())?;
    if ids.is_empty() {
        return None;
    }
    h.near.extend(ids);
    // The near positions join the whole rows' (only the range searched is looked at).
    let items = &state.items;
    let near = &h.near;
    let found = h
        .near_range
        .clone()
        .filter(|&i| items.is_windowed(i) && items.id_at(i).is_some_and(|id| near.contains(&id)));
    h.positions.extend(found);
    h.positions.sort_unstable();
    h.positions.dedup();
    let (from, forward) = h.jump.take()?;
    let found = next(&h.positions, from, forward)?;
    let text = say(h, found);
    if matches!(state.mode, Mode::Search { .. }) || state.search.as_deref() == Some(query) {
        state.message = Some((Level::Info, text));
    }
    state.dirty = true;
    Some(found)
}

/// The store answered a search of the tail: its matches join the count, and the search
/// that waited for them goes to the next match. Returns the row to select, if any.
pub fn tail_matches(
    state: &mut AppState,
    query: &str,
    ids: Vec<ItemId>,
) -> (Option<usize>, Vec<Effect>) {
    let Some(h) = state.hits.as_mut().filter(|h| h.query == query) else {
        return (None, Vec::new());
    };
    let tail: HashSet<ItemId> = ids.into_iter().collect();
    h.positions = positions(&state.items, query, Some(&tail));
    h.tail = Some(tail);
    h.pending = false;
    let found = h
        .jump
        .take()
        .and_then(|(from, forward)| next(&h.positions, from, forward));
    let text = say(h, found.unwrap_or(state.selected));
    let shown = matches!(state.mode, Mode::Search { .. }) || state.search.as_deref() == Some(query);
    if shown {
        state.message = Some((Level::Info, text));
    }
    state.dirty = true;
    (found, Vec::new())
}

/// A page of the tail arrived: the store's matches are placed in it (the store searched
/// the whole tail, not only what had come).
pub fn extended(state: &mut AppState) {
    if let Some(h) = state.hits.as_mut() {
        h.positions = positions(&state.items, &h.query, h.tail.as_ref());
        state.dirty = true;
    }
}

/// The list was loaded again: the matches are found again in it.
pub fn relisted(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = state.hits.as_mut() else {
        return Vec::new();
    };
    h.positions = positions(&state.items, &h.query, h.tail.as_ref());
    ask_tail(state, None)
}

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
