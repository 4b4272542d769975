//! Triage at speed: views and filters, marks and bulk actions, read/unread, internal notes.
//! Pure, part of `update`.

use std::collections::BTreeSet;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::confirm;
use super::effect::ListSpec;
use super::state::{Form, FormKind, Level, Mode};
use super::{AppState, Effect};
use crate::filter::{self, Filter, View};
use crate::model::{ItemId, Status};

/// Number key `n`: view `n` (1-based), or `0` for everything.
pub fn switch_view(state: &mut AppState, n: usize) -> Vec<Effect> {
    state.dirty = true;
    if n == 0 {
        state.filter = None;
        state.message = Some((Level::Info, "View: everything.".into()));
    } else if let Some(v) = state.views.get(n - 1) {
        state.filter = Some(v.clone());
        state.message = Some((Level::Info, format!("View {n}: {} ({})", v.name, v.query)));
    } else {
        state.message = Some((
            Level::Info,
            format!(
                "No view {n}: add [[views]] to the config (there are {}).",
                state.views.len()
            ),
        ));
        return Vec::new();
    }
    state.selected = 0;
    state.offset = 0;
    vec![reload(state)]
}

/// The effect that reloads the list as the state shows it: open items alone are whole
/// rows (`LoadItems`); with closed ones (`c`, or a filter on closed statuses) the closed
/// tail comes by id (`LoadList`). Closed items never breach: a breaching list has no tail.
pub fn reload(state: &AppState) -> Effect {
    let filter = state.filter.as_ref().map(|v| &v.filter);
    let closed = state.show_closed || filter.is_some_and(|f| f.needs_closed());
    let breaching = state.breaching_only || filter.is_some_and(|f| f.breaching);
    if closed && !breaching {
        Effect::LoadList(Box::new(list_spec(state)))
    } else {
        Effect::LoadItems {
            include_closed: false,
        }
    }
}

/// The list with a closed tail as the state shows it, with the window around the screen.
pub fn list_spec(state: &AppState) -> ListSpec {
    let rows = super::layout::list_rows(state.width, state.height, state);
    let at = state.items.tail_start();
    let margin = super::list::MARGIN;
    let from = state.offset.saturating_sub(margin).saturating_sub(at);
    let to = (state.offset + rows + margin).saturating_sub(at);
    let mut spec = ListSpec {
        filter: state.filter.as_ref().map(|v| v.filter.clone()),
        me: state.user.clone(),
        merged: state.sort == super::state::SortOrder::Newest,
        window: from..to.max(from),
        first: None,
        reuse_open: false,
    };
    // The list shown again (a change in the store): read whole, it does not shrink and
    // grow back. Another list (a view, a filter, `c`): its first part now, pages after.
    let same = state.items.spec().is_some_and(|s| s.same_list(&spec));
    if !same {
        spec.first = Some(super::list::FIRST);
        spec.reuse_open = state.open_rows.is_some();
    }
    spec
}

/// `l`: type a filter (prefilled with the current one; empty clears it).
pub fn open_filter(state: &mut AppState) -> Vec<Effect> {
    let current = state
        .filter
        .as_ref()
        .map(|v| v.query.clone())
        .unwrap_or_default();
    state.mode = Mode::Form(Form::single(
        FormKind::Filter,
        ItemId(0),
        "filter",
        &current,
        "kind:dm tag:vip is:unread assignee:me words… (empty: everything)",
    ));
    Vec::new()
}

/// The filter form was submitted: `Err` keeps the form open with the message.
pub fn set_filter(state: &mut AppState, query: &str) -> Result<Vec<Effect>, String> {
    let query = query.trim();
    if query.is_empty() {
        state.filter = None;
        state.message = Some((Level::Info, "Filter cleared.".into()));
    } else {
        Filter::parse(query).map_err(|e| format!("{e} ({})", filter::KEYS))?;
        // A filter that is also a view keeps the view's name.
        let named = state.views.iter().find(|v| v.query == query).cloned();
        state.filter = Some(match named {
            Some(v) => v,
            None => View::new("filter", query)?,
        });
        state.message = Some((Level::Info, format!("Filter: {query}")));
    }
    state.mode = Mode::Normal;
    state.selected = 0;
    state.offset = 0;
    Ok(vec![reload(state)])
}

/// Space: mark or unmark the selected item.
pub fn toggle_mark(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state.selected_item().map(|i| i.id) else {
        return Vec::new();
    };
    if !state.marked.remove(&id) {
        state.marked.insert(id);
    }
    announce_marks(state);
    // Move on, so a run of items is marked with repeated presses.
    let next = (state.selected + 1).min(state.items.len().saturating_sub(1));
    state.selected = next;
    Vec::new()
}

/// `V`: mark every item shown; if all are marked already, clear the marks.
pub fn mark_all(state: &mut AppState) -> Vec<Effect> {
    let all: BTreeSet<ItemId> = state.items.ids().collect();
    if !all.is_empty() && all.is_subset(&state.marked) {
        state.marked.clear();
    } else {
        state.marked = all;
    }
    announce_marks(state);
    Vec::new()
}

fn announce_marks(state: &mut AppState) {
    state.dirty = true;
    let n = state.marked.len();
    let text = match n {
        0 => "No items marked.".to_string(),
        1 => "1 item marked: d, x, u, p, s, t, a act on it (Esc clears).".to_string(),
        n => format!("{n} items marked: d, x, u, p, s, t, a act on all (Esc clears)."),
    };
    state.message = Some((Level::Info, text));
}

/// The items an action applies to: the marked ones, else the selected one.
pub fn targets(state: &AppState) -> Vec<ItemId> {
    if state.marked.is_empty() {
        state
            .selected_item()
            .map(|i| vec![i.id])
            .unwrap_or_default()
    } else {
        // Ids are enough: marks on closed items need no rows loaded.
        state
            .items
            .ids()
            .filter(|id| state.marked.contains(id))
            .collect()
    }
}

/// A status change on every marked item (one history entry each), asked first when it
/// changes more than one; then the marks clear and `U` can set them back.
pub fn bulk_status(state: &mut AppState, status: Status, why: &str) -> Vec<Effect> {
    let ids = targets(state);
    // Closed items off screen have no row here: their status is not known, so they are
    // changed (the store keeps a status it already has) but `U` cannot set them back.
    let mut before: Vec<(ItemId, Status)> = Vec::new();
    let mut unknown: Vec<ItemId> = Vec::new();
    for id in ids {
        match state.items.by_id(id) {
            Some(row) if row.status != status => before.push((id, row.status)),
            Some(_) => {}
            None => unknown.push(id),
        }
    }
    let fx: Vec<Effect> = before
        .iter()
        .map(|&(id, _)| id)
        .chain(unknown.iter().copied())
        .map(|id| Effect::SetStatus {
            id,
            status,
            why: why.to_string(),
        })
        .collect();
    let n = fx.len();
    confirm::ask_if_many(
        state,
        n,
        confirm::status_question(status, n),
        fx,
        confirm::undo_of(before),
        format!("{n} items → {status} (U undoes)"),
    )
}

/// The form of `s` was submitted: snooze the marked (or the selected) items until `until`,
/// asked first for more than one. A snoozed item leaves the list until it wakes, so the
/// selection moves on as after `d`.
pub fn snooze(
    state: &mut AppState,
    until: Timestamp,
    now: Timestamp,
    tz: &TimeZone,
) -> Vec<Effect> {
    state.mode = Mode::Normal;
    let ids = targets(state);
    // As in `bulk_status`: a closed item off screen is snoozed, but `U` does not know it.
    let before: Vec<(ItemId, Status)> = ids
        .iter()
        .filter_map(|&id| state.items.by_id(id).map(|i| (id, i.status)))
        .collect();
    let fx: Vec<Effect> = ids.iter().map(|&id| Effect::Snooze { id, until }).collect();
    let n = fx.len();
    let when = crate::clock::clock_time_in(&until, now, tz);
    let done = match before.as_slice() {
        [(id, _)] => format!("#{id} snoozed until {when} (U undoes)"),
        _ => format!("{n} items snoozed until {when} (U undoes)"),
    };
    // Snoozed already (a new time): `U` cannot give the old time back, so it leaves them.
    let before: Vec<(ItemId, Status)> = before
        .into_iter()
        .filter(|(_, s)| *s != Status::Snoozed)
        .collect();
    // The store wakes it on a reload: make one happen when its time comes.
    state.next_wake = Some(state.next_wake.map_or(until, |w| w.min(until)));
    let move_on = n == 1 && state.marked.is_empty();
    let mut out = confirm::ask_if_many(
        state,
        n,
        format!("Snooze {n} items until {when}?"),
        fx,
        confirm::undo_of(before),
        done,
    );
    if move_on {
        out.extend(super::actions::select(state, state.selected + 1));
    }
    out
}

/// `m`: mark the selected (or every marked) item read, or unread if it was read; asked
/// first for more than one.
pub fn toggle_read(state: &mut AppState) -> Vec<Effect> {
    let Some(sel) = state.selected_item() else {
        return Vec::new();
    };
    let read = !sel.read;
    let ids = targets(state);
    let what = if read { "read" } else { "unread" };
    if ids.len() > 1 {
        let fx = ids
            .iter()
            .map(|&id| {
                if read {
                    Effect::MarkRead(id)
                } else {
                    Effect::MarkUnread(id)
                }
            })
            .collect();
        let n = ids.len();
        return confirm::ask_if_many(
            state,
            n,
            format!("Mark {n} items {what}?"),
            fx,
            None,
            format!("{n} marked {what}."),
        );
    }
    let mut fx = Vec::new();
    for &id in &ids {
        let Some(item) = state.items.find_mut(id) else {
            continue;
        };
        item.read = read;
        fx.push(if read {
            Effect::MarkRead(id)
        } else {
            Effect::MarkUnread(id)
        });
    }
    state.marked.clear();
    state.dirty = true;
    state.message = Some((Level::Info, format!("{} marked {what}.", fx.len())));
    fx
}

/// Esc in the list with items marked: the marks go, nothing else.
pub fn clear_marks(state: &mut AppState) -> Vec<Effect> {
    let n = state.marked.len();
    state.marked.clear();
    state.dirty = true;
    let s = if n == 1 { "" } else { "s" };
    state.message = Some((Level::Info, format!("{n} mark{s} cleared.")));
    Vec::new()
}

/// `i`: an internal note on the item (kept in its history, never sent).
pub fn open_note(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state.selected_item().map(|i| i.id) else {
        return Vec::new();
    };
    state.mode = Mode::Form(Form::single(
        FormKind::Note,
        id,
        "note",
        "",
        "for the team; never sent to the customer",
    ));
    Vec::new()
}

#[cfg(test)]
#[path = "triage_tests.rs"]
mod tests;
