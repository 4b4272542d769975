//! A closed tail that comes in pages ([`super::list`]). A new list (a view, a filter, `c`)
//! comes with what its filter keeps of the first [`super::list::FIRST`] rows of the tail,
//! so it is on screen at once whatever the history's length or the filter; the rest
//! follows a page of rows read at a time ([`crate::store::ItemStore::scan_ids`]), each page
//! asked for when the one before arrived (short store jobs: a key pressed meanwhile waits
//! for one page at most). Until the last page the list's length is what has come so far: `G` goes
//! to the end so far and follows it as pages arrive.

use super::actions::select;
use super::msg::TailPage;
use super::{AppState, Effect};

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
