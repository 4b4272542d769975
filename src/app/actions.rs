//! What a user action does: [`apply`] runs an [`Action`] (from the keymap, the palette or the
//! mouse), [`select`] moves the selection and [`keep_selection_visible`] scrolls the list by
//! the layout. Handlers that only decide (the palette, the mouse) return an [`Intent`] and
//! `update` runs it here, so no handler calls back into `update`.

use jiff::Timestamp;

use super::composer;
use super::layout::list_rows;
use super::state::{Focus, Level, Mode, SortOrder};
use super::{Action, AppState, Effect};
use std::collections::HashSet;

use super::list::{List, Tail};
use crate::model::{ItemId, ItemRow, RowItem, Status};
use crate::sla::TimerState;

/// What a click or a wheel turn asks for; `update` runs it with [`run`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Focus the list and select its row `index` (a click on a row).
    Pick(usize),
    /// Move the focus (a click in the detail pane).
    Focus(Focus),
    /// Run `action` with `focus` focused, then give the focus back (the wheel over a pane;
    /// `None`: the focus as it is).
    ApplyOver {
        action: Action,
        focus: Option<Focus>,
    },
}

/// Run an intent a handler returned.
pub fn run(state: &mut AppState, intent: Intent, now: Timestamp) -> Vec<Effect> {
    match intent {
        Intent::Pick(index) => {
            state.focus = Focus::List;
            state.dirty = true;
            select(state, index)
        }
        Intent::Focus(focus) => {
            state.focus = focus;
            state.dirty = true;
            Vec::new()
        }
        Intent::ApplyOver { action, focus } => {
            let before = state.focus;
            if let Some(f) = focus {
                state.focus = f;
            }
            let fx = apply(state, action, now);
            state.focus = before;
            fx
        }
    }
}

/// Apply a user action (from the keymap, and later the command palette).
pub fn apply(state: &mut AppState, action: Action, now: Timestamp) -> Vec<Effect> {
    state.dirty = true;
    let half_page = (list_rows(state.width, state.height, state) / 2).max(1);
    match action {
        Action::Down | Action::Up if state.focus == Focus::Detail => {
            state.detail_scroll = if action == Action::Down {
                state.detail_scroll.saturating_add(1)
            } else {
                state.detail_scroll.saturating_sub(1)
            };
            Vec::new()
        }
        Action::Down => select(state, state.selected.saturating_add(1)),
        Action::Up => select(state, state.selected.saturating_sub(1)),
        Action::PageDown => select(state, state.selected.saturating_add(half_page)),
        Action::PageUp => select(state, state.selected.saturating_sub(half_page)),
        Action::First => select(state, 0),
        Action::Last => {
            // The end of a tail still coming: the end so far, then each page's.
            state.items.want_end = state.items.pending();
            select(state, state.items.len().saturating_sub(1))
        }
        Action::Open => {
            let Some(item) = state.selected_item() else {
                return Vec::new();
            };
            let id = item.id;
            let unread = !item.read;
            state.focus = Focus::Detail;
            state.detail_scroll = 0;
            let mut fx = detail_for_selection(state);
            fx.push(Effect::FetchThread(id));
            if unread {
                if let Some(i) = state.items.get_mut(state.selected) {
                    i.read = true;
                }
                fx.push(Effect::MarkRead(id));
            }
            fx
        }
        Action::SwitchPane => {
            state.focus = match state.focus {
                Focus::List if state.selected_item().is_some() => Focus::Detail,
                _ => Focus::List,
            };
            Vec::new()
        }
        // Esc clears the marks first: a bulk action must never catch marks left behind.
        Action::Back if !state.marked.is_empty() => super::triage::clear_marks(state),
        // Then it dismisses the alert banner.
        Action::Back if !state.alerts.is_empty() => {
            state.alerts.clear();
            Vec::new()
        }
        Action::Back => {
            state.focus = Focus::List;
            state.message = None;
            Vec::new()
        }
        Action::Reply => composer::open(state, now),
        Action::Done => set_status(state, Status::Done, "marked done"),
        Action::Reopen => set_status(state, Status::New, "reopened"),
        Action::Pending => set_status(state, Status::Pending, "waiting on the customer"),
        Action::Ignore => set_status(state, Status::Ignored, "ignored: no response needed"),
        Action::Hide => super::moderation::hide(state),
        Action::Undo => super::confirm::undo(state),
        Action::Filter => super::triage::open_filter(state),
        Action::Mark => super::triage::toggle_mark(state),
        Action::MarkAll => super::triage::mark_all(state),
        Action::ToggleRead => super::triage::toggle_read(state),
        Action::ToggleQuoted => {
            let id = state.selected_item().map(|i| i.id);
            state.show_quoted = id.filter(|&id| state.show_quoted != Some(id));
            Vec::new()
        }
        Action::Note => super::triage::open_note(state),
        Action::Palette => super::palette::open(state),
        Action::Tag => super::form::open(state, super::state::FormKind::Tags),
        Action::Assign => super::form::open(state, super::state::FormKind::Assign),
        Action::PriorityUp | Action::PriorityDown => {
            use crate::model::Priority;
            let Some(item) = state.items.get_mut(state.selected) else {
                return Vec::new();
            };
            let order = [
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ];
            let i = order.iter().position(|p| *p == item.priority).unwrap_or(1);
            let j = if action == Action::PriorityUp {
                (i + 1).min(3)
            } else {
                i.saturating_sub(1)
            };
            if i == j {
                return Vec::new();
            }
            item.priority = order[j];
            let (id, priority) = (item.id, order[j]);
            state.message = Some((Level::Info, format!("#{id} priority {priority}")));
            // Priority can change the policy, so the order too.
            vec![Effect::SetPriority { id, priority }, reload(state)]
        }
        Action::Search => super::search::start(state),
        Action::SearchNext | Action::SearchPrev => {
            let (row, mut fx) = super::search::again(state, action == Action::SearchNext);
            if let Some(row) = row {
                fx.extend(select(state, row));
            }
            fx
        }
        Action::ToggleSort => {
            state.sort = match state.sort {
                SortOrder::Urgency => SortOrder::Newest,
                SortOrder::Newest => SortOrder::Urgency,
            };
            // A list with closed items comes from the store in the new order (newest
            // interleaves open and closed by date); open items alone are sorted here.
            let reloaded = reload(state);
            if matches!(reloaded, Effect::LoadList(_)) {
                return vec![reloaded];
            }
            let keep = state.selected_item().map(|i| i.id);
            let items = std::mem::take(&mut state.items).into_rows();
            show_items(state, items, None, keep, now)
        }
        Action::ToggleClosed => {
            state.show_closed = !state.show_closed;
            let what = if state.show_closed {
                "Showing all items."
            } else {
                "Showing open items."
            };
            state.message = Some((Level::Info, what.into()));
            vec![reload(state)]
        }
        Action::BreachingSoon => {
            state.breaching_only = !state.breaching_only;
            let what = if state.breaching_only {
                "Showing only items breached or breaching soon."
            } else {
                "Showing every item."
            };
            state.message = Some((Level::Info, what.into()));
            vec![reload(state)]
        }
        Action::SyncNow => super::sync::start(state),
        Action::Help => {
            state.mode = Mode::Help { scroll: 0 };
            Vec::new()
        }
        Action::Snooze => super::form::open(state, super::state::FormKind::Snooze),
        Action::FollowUp => super::form::open(state, super::state::FormKind::FollowUp),
        Action::Stats => {
            state.mode = Mode::Stats(None);
            vec![Effect::LoadReport {
                since_s: 7 * 86_400,
            }]
        }
        Action::FollowUps => {
            state.mode = Mode::FollowUps {
                entries: Vec::new(),
                selected: 0,
            };
            vec![Effect::LoadFollowUps]
        }
        Action::Outbox => {
            state.mode = Mode::Outbox {
                entries: Vec::new(),
                selected: 0,
            };
            vec![Effect::LoadOutbox]
        }
        Action::Quit => {
            if state.draft_count > 0 {
                state.mode = Mode::ConfirmQuit;
                Vec::new()
            } else {
                quit(state)
            }
        }
    }
}

pub fn select(state: &mut AppState, index: usize) -> Vec<Effect> {
    if state.items.is_empty() {
        return Vec::new();
    }
    state.selected = index.min(state.items.len() - 1);
    state.detail_scroll = 0;
    if state.linear {
        // Said in words on the last line: which item, of how many.
        state.message = None;
    }
    keep_selection_visible(state);
    let mut fx: Vec<Effect> = load_window(state).into_iter().collect();
    fx.extend(detail_for_selection(state));
    fx
}

/// The rows of the window on screen, when they are not loaded or asked for yet (a list
/// with a closed tail; see [`super::list`]).
pub(super) fn load_window(state: &mut AppState) -> Option<Effect> {
    let rows = list_rows(state.width, state.height, state).max(1);
    let (_, ids) = state.items.want(state.offset..state.offset + rows)?;
    (!ids.is_empty()).then_some(Effect::LoadRows(ids))
}

/// Adjust `offset` so the selected row is on screen, scrolling as little as possible.
pub fn keep_selection_visible(state: &mut AppState) {
    let rows = list_rows(state.width, state.height, state).max(1);
    let max_offset = state.items.len().saturating_sub(rows);
    if state.selected < state.offset {
        state.offset = state.selected;
    } else if state.selected >= state.offset + rows {
        state.offset = state.selected + 1 - rows;
    }
    state.offset = state.offset.min(max_offset);
}

fn set_status(state: &mut AppState, status: Status, why: &str) -> Vec<Effect> {
    if !state.marked.is_empty() {
        return super::triage::bulk_status(state, status, why);
    }
    let Some(item) = state.items.get_mut(state.selected) else {
        return Vec::new();
    };
    if item.status == status {
        return Vec::new();
    }
    let before = item.status;
    item.status = status;
    let id = item.id;
    state.undo = Some(super::state::Undo {
        before: vec![(id, before)],
    });
    state.message = Some((Level::Info, format!("#{id} → {status} (U undoes)")));
    let mut fx = vec![Effect::SetStatus {
        id,
        status,
        why: why.to_string(),
    }];
    // A pending item stays in the list: move on to the next, as `d` does by closing it.
    if status == Status::Pending {
        fx.extend(select(state, state.selected.saturating_add(1)));
    }
    fx.push(reload(state));
    fx
}

pub(super) fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

/// Sort and show `items` (open rows, or a whole list) and the closed `tail`, keeping the
/// item `keep` selected if it is still there.
pub(super) fn show_items(
    state: &mut AppState,
    mut items: Vec<ItemRow>,
    tail: Option<Tail>,
    keep: Option<ItemId>,
    now: Timestamp,
) -> Vec<Effect> {
    let mut scratch = RowItem::default();
    // Merged, the tail has every id: the open ones this filter leaves out go from it too.
    let open_ids: Option<HashSet<ItemId>> = tail
        .as_ref()
        .filter(|t| t.merged)
        .map(|_| items.iter().map(|i| i.id).collect());
    // Snoozed items are out of the list until they wake, unless the view asks for them.
    let snoozed_view = state
        .filter
        .as_ref()
        .is_some_and(|v| v.filter.statuses.contains(&Status::Snoozed));
    if !snoozed_view {
        items.retain(|i| i.status != Status::Snoozed);
    }
    state.elsewhere.clear();
    if state.filter.is_some() || state.breaching_only {
        // What the view hides still counts in the header: keep its running clocks.
        state.elsewhere = items
            .iter()
            .filter(|i| state.policies.timer(scratch.of(i), now).state != TimerState::None)
            .cloned()
            .collect();
    }
    if let Some(view) = &state.filter {
        items.retain(|i| {
            view.filter.matches(i, &state.user, || {
                state.policies.timer(scratch.of(i), now).state
            })
        });
    }
    if state.breaching_only {
        items.retain(|i| {
            matches!(
                state.policies.timer(scratch.of(i), now).state,
                TimerState::Warn | TimerState::Breached
            )
        });
    }
    // A view that keeps a few of 100,000 rows need not keep room for all of them.
    if items.len() < items.capacity() / 2 {
        items.shrink_to_fit();
    }
    super::timers::sort_rows(&mut items, state.sort, &state.policies, now);
    if !state.elsewhere.is_empty() {
        let shown: HashSet<_> = items.iter().map(|i| i.id).collect();
        state.elsewhere.retain(|i| !shown.contains(&i.id));
    }
    state.items = match tail {
        None => List::whole(items),
        Some(mut t) => {
            if let Some(open) = open_ids {
                let kept: HashSet<ItemId> = items.iter().map(|i| i.id).collect();
                t.ids.retain(|id| !open.contains(id) || kept.contains(id));
            }
            List::with_tail(items, t)
        }
    };
    if !state.marked.is_empty() {
        // Marks on items no longer listed go (ids are enough: no row is loaded for this).
        let marked = &state.marked;
        let shown: std::collections::BTreeSet<ItemId> =
            state.items.ids().filter(|id| marked.contains(id)).collect();
        state.marked = shown;
    }
    state.selected = keep
        .and_then(|id| state.items.position(id))
        .unwrap_or(state.selected)
        .min(state.items.len().saturating_sub(1));
    keep_selection_visible(state);
    state.dirty = true;
    let mut fx: Vec<Effect> = load_window(state).into_iter().collect();
    fx.extend(detail_for_selection(state));
    fx
}

/// Ask for the selected item's detail when the pane shows something else.
pub(super) fn detail_for_selection(state: &mut AppState) -> Vec<Effect> {
    match state.selected_item() {
        Some(item) => {
            let id = item.id;
            let stale = state
                .detail
                .as_ref()
                .is_none_or(|d| !item.describes(&d.item));
            if stale {
                vec![Effect::LoadDetail(id)]
            } else {
                Vec::new()
            }
        }
        None => {
            state.detail = None;
            Vec::new()
        }
    }
}

pub(super) fn reload(state: &AppState) -> Effect {
    super::triage::reload(state)
}

#[cfg(test)]
#[path = "actions_tests.rs"]
mod tests;
