//! Search of a long list's closed tail through the store ([`super::search`]). Two kinds
//! of question, each a short store job whatever the history's size: the items near where
//! the search starts (`Effect::SearchNear`: its next match, at once), then the whole tail a
//! chunk of [`CHUNK`] positions at a time (`Effect::SearchTail`: the count, `n` further on),
//! each chunk asked for when the one before was answered. Items are looked up by id
//! ([`crate::store::ItemStore::matching_ids`]), so the answer places itself: chunk `k`
//! covers known positions, and no position-by-id map of a million ids is needed.

use std::collections::HashSet;
use std::ops::Range;

use super::list::List;
use super::search::{next, say};
use super::state::{Level, Mode};
use super::{AppState, Effect};
use crate::model::ItemId;

/// Tail items searched near where a search starts, before the chunks reach there.
pub const NEAR: usize = 1_000;

/// Tail positions per chunk of the whole tail's search.
pub const CHUNK: usize = 2_000;

/// The ids of the tail items at `range` (whole rows are searched in memory).
fn ids_in(items: &List, range: Range<usize>) -> Vec<ItemId> {
    range
        .filter(|&i| items.is_windowed(i))
        .filter_map(|i| items.id_at(i))
        .collect()
}

/// The positions of up to [`NEAR`] tail items after (or before) `from`.
fn near_range(items: &List, from: usize, forward: bool) -> Range<usize> {
    if forward {
        // `usize::MAX`: from the top.
        let start = from.checked_add(1).unwrap_or(0).max(items.tail_start());
        start..start.saturating_add(NEAR).min(items.len()).max(start)
    } else {
        let end = from.min(items.len());
        end.saturating_sub(NEAR).max(items.tail_start()).min(end)..end
    }
}

/// The next chunk of the whole tail's search, if the list has more positions now.
fn chunk(state: &mut AppState) -> Option<Effect> {
    let h = state.hits.as_mut()?;
    let range = h.searched..h.searched.saturating_add(CHUNK).min(state.items.len());
    if range.is_empty() {
        h.waiting = state.items.pending();
        h.pending = h.waiting;
        return None;
    }
    Some(Effect::SearchTail {
        query: h.query.clone(),
        ids: ids_in(&state.items, range.clone()),
        range,
    })
}

/// Ask the store for the tail's matches when the list has a tail: near where the search
/// goes first (when it goes somewhere), then the whole tail from its start.
pub(super) fn ask_tail(state: &mut AppState, jump: Option<(usize, bool)>) -> Vec<Effect> {
    let has_tail = state.items.has_tail();
    let start = state.items.tail_start();
    let Some(h) = state.hits.as_mut() else {
        return Vec::new();
    };
    if !has_tail || crate::filter::search_words(&h.query).is_empty() {
        return Vec::new();
    }
    h.pending = true;
    h.jump = jump;
    h.searched = start;
    let mut fx = Vec::new();
    if let Some((from, forward)) = jump {
        h.near_range = near_range(&state.items, from, forward);
        let mut ids = ids_in(&state.items, h.near_range.clone());
        if !forward {
            ids.reverse();
        }
        if !ids.is_empty() {
            fx.push(Effect::SearchNear {
                query: h.query.clone(),
                ids,
            });
        }
    }
    fx.extend(chunk(state));
    fx
}

/// The matches of `range` replace the positions known there (near ones found before).
fn place(state: &mut AppState, range: Range<usize>, matched: &HashSet<ItemId>) {
    let items = &state.items;
    let Some(h) = state.hits.as_mut() else {
        return;
    };
    let a = h.positions.partition_point(|&p| p < range.start);
    let b = h.positions.partition_point(|&p| p < range.end);
    let known: Vec<usize> = h.positions[a..b].to_vec();
    let found: Vec<usize> = range
        .filter(|&i| match items.is_windowed(i) {
            true => items.id_at(i).is_some_and(|id| matched.contains(&id)),
            false => known.binary_search(&i).is_ok(),
        })
        .collect();
    h.positions.splice(a..b, found);
}

/// Show the search line when the search is on screen.
fn tell(state: &mut AppState, query: &str, at: usize) {
    let Some(h) = state.hits.as_ref() else {
        return;
    };
    let text = say(h, at);
    if matches!(state.mode, Mode::Search { .. }) || state.search.as_deref() == Some(query) {
        state.message = Some((Level::Info, text));
    }
    state.dirty = true;
}

/// The store answered which items near the search's start match: the search that waited
/// goes to the next match (nearer than any further one). Returns the row to select.
pub fn near_matches(state: &mut AppState, query: &str, ids: Vec<ItemId>) -> Option<usize> {
    let h = state
        .hits
        .as_ref()
        .filter(|h| h.query == query && h.jump.is_some())?;
    if ids.is_empty() {
        return None;
    }
    let range = h.near_range.clone();
    place(state, range, &ids.into_iter().collect());
    let h = state.hits.as_mut()?;
    let (from, forward) = h.jump.take()?;
    let found = next(&h.positions, from, forward)?;
    tell(state, query, found);
    Some(found)
}

/// A chunk of the whole tail was answered: its matches join the count, the search that
/// waited goes to its next match once nothing unsearched lies before it, and the next chunk
/// is asked for. Returns the row to select, if any.
pub fn tail_matches(
    state: &mut AppState,
    query: &str,
    range: Range<usize>,
    ids: Vec<ItemId>,
) -> (Option<usize>, Vec<Effect>) {
    let fresh = |h: &super::search::Hits| h.query == query && h.searched == range.start;
    if !state.hits.as_ref().is_some_and(fresh) {
        return (None, Vec::new());
    }
    place(state, range.clone(), &ids.into_iter().collect());
    let fx: Vec<Effect> = {
        if let Some(h) = state.hits.as_mut() {
            h.searched = range.end;
        }
        chunk(state).into_iter().collect()
    };
    let Some(h) = state.hits.as_mut() else {
        return (None, fx);
    };
    let done = !h.pending;
    let found = match h.jump {
        Some((from, true)) => {
            // Chunks go from the tail's start: a match is the next one when everything
            // before it (after `from`) was searched.
            let ahead = match from {
                usize::MAX => h.positions.first(),
                from => h.positions.iter().find(|&&p| p > from),
            };
            ahead
                .copied()
                .filter(|&p| p < h.searched)
                .or_else(|| done.then(|| next(&h.positions, from, true)).flatten())
        }
        Some((from, false)) if from <= h.searched || done => next(&h.positions, from, false),
        _ => None,
    };
    if found.is_some() || done {
        h.jump = None;
    }
    tell(state, query, found.unwrap_or(state.selected));
    (found, fx)
}

/// A page of the list's tail arrived: a search waiting for it goes on.
pub fn extended(state: &mut AppState) -> Vec<Effect> {
    match state.hits.as_mut() {
        Some(h) if h.waiting => {
            h.waiting = false;
            h.pending = true;
            state.dirty = true;
            chunk(state).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

/// The list was loaded again: the matches are found again in it, from the start.
pub fn relisted(state: &mut AppState) -> Vec<Effect> {
    let Some(h) = state.hits.as_ref() else {
        return Vec::new();
    };
    let query = h.query.clone();
    state.hits = Some(super::search::Hits::of(&state.items, &query));
    ask_tail(state, None)
}
