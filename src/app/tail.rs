//! A closed tail that comes in pages ([`super::list`]). A new list (a view, a filter, `c`)
//! comes with what its filter keeps of the first [`super::list::FIRST`] rows of the tail,
//! so it is on screen at once whatever the history's length or the filter; the rest
//! follows a page of rows read at a time ([`crate::store::ItemStore::scan_ids`]), each page
//! asked for when the one before arrived (short store jobs: a key pressed meanwhile waits
//! for one page at most). Until the last page the list's length is what has come so far: `G` goes
//! to the end so far and follows it as pages arrive.

use jiff::Timestamp;

use super::actions::select;
use super::msg::{Loaded, TailPage};
use super::{AppState, Effect};
use crate::model::ItemRow;

/// A list with its tail arrived: shown, with the app's open rows when the store was told
/// to leave them out (and the store's fresh ones asked for after the frame).
pub fn on_list(state: &mut AppState, loaded: Loaded, now: Timestamp) -> Vec<Effect> {
    let reused = loaded.spec.reuse_open;
    let (mut open, tail) = loaded.split();
    if reused {
        open = state.open_rows.clone().unwrap_or_default();
    }
    let mut fx = super::update::on_items(state, open, Some(tail), now);
    fx.extend(super::search::relisted(state));
    fx.extend(next_page(state));
    if reused {
        fx.push(Effect::LoadOpen);
    }
    fx
}

/// The open rows afresh: they replace the list's, its tail kept as it is.
pub fn on_open(state: &mut AppState, open: Vec<ItemRow>, now: Timestamp) -> Vec<Effect> {
    if state.open_rows.as_ref() == Some(&open) {
        return Vec::new();
    }
    let tail = std::mem::take(&mut state.items).into_tail();
    let mut fx = super::update::on_items(state, open, tail, now);
    fx.extend(super::search::relisted(state));
    fx
}

/// The next page of the list's tail, if pages are still to come.
pub fn next_page(state: &AppState) -> Option<Effect> {
    let (spec, after) = state.items.next_page()?;
    Some(Effect::LoadTail { spec, after })
}

/// A page arrived: it joins the list (unless the list was replaced since), the search's
/// matches are placed in it, `G` follows the end, and the next page is asked for.
pub fn on_page(state: &mut AppState, page: TailPage) -> Vec<Effect> {
    let last = state.items.len().saturating_sub(1);
    let follow = state.items.want_end && state.selected == last;
    if !state
        .items
        .extend_tail(&page.spec, page.after, page.ids, page.next)
    {
        return Vec::new();
    }
    state.dirty = true;
    let mut fx = super::search::extended(state);
    if follow {
        fx.extend(select(state, state.items.len().saturating_sub(1)));
    }
    if !state.items.pending() || !follow {
        state.items.want_end = false;
    }
    fx.extend(next_page(state));
    fx
}
