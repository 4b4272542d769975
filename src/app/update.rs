//! `update`: the only place the app state changes.
//!
//! Synchronous, no I/O, no clock reads: `now` is passed in. Everything the outside world must
//! do comes back as [`Effect`]s for the runner.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;

use super::composer;
use super::keymap::Lookup;
use super::state::{AccountHealth, Focus, Level, Mode, SortOrder};
use super::{Action, AppState, Effect, Msg};
use crate::channels::poller::PollerEvent;
use crate::model::{ItemRow, RowItem, Status};
use crate::outbox::OutboxEvent;
use crate::sla::TimerState;

/// Apply one message to the state and return the effects to run.
pub fn update(state: &mut AppState, msg: Msg, now: Timestamp) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key, now),
        Msg::Mouse { kind, column, row } => super::mouse::on_mouse(state, kind, column, row, now),
        Msg::Paste(text) => {
            if let Mode::Composer(c) = &mut state.mode {
                composer::insert_str(c, &text);
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            keep_selection_visible(state);
            state.dirty = true;
            Vec::new()
        }
        Msg::Tick => on_tick(state, now),
        Msg::Poller(ev) => on_poller(state, ev),
        Msg::ItemsLoaded(items) => on_items(state, items, now),
        Msg::DetailLoaded(detail) => {
            if state.selected_item().map(|i| i.id) == Some(detail.item.id) {
                state.detail = Some(*detail);
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::ThreadFetched { id, thread } => {
            match (thread, state.detail.as_mut().filter(|d| d.item.id == id)) {
                (Ok(remote), Some(d)) => {
                    merge_thread(&mut d.thread, remote);
                    state.dirty = true;
                }
                (Err(e), Some(_)) => {
                    state.message =
                        Some((Level::Info, format!("Showing the stored thread only: {e}")));
                    state.dirty = true;
                }
                _ => {}
            }
            Vec::new()
        }
        Msg::EditorDone(result) => {
            composer::editor_done(state, result);
            Vec::new()
        }
        Msg::DraftCount(n) => {
            state.draft_count = n;
            state.dirty = true;
            Vec::new()
        }
        Msg::Outbox(ev) => {
            let (level, text, reload_items) = match ev {
                OutboxEvent::Sent { item, .. } => {
                    (Level::Info, format!("Reply to #{item} sent."), true)
                }
                OutboxEvent::Retrying {
                    item, error, at, ..
                } => (
                    Level::Info,
                    format!(
                        "Reply to #{item} not sent yet ({error}); retrying at {}.",
                        crate::channels::clock_time(&at)
                    ),
                    false,
                ),
                OutboxEvent::Failed { item, error, .. } => (
                    Level::Error,
                    format!(
                        "Reply to #{item} failed: {error} — kept in the outbox (o) to edit and resend."
                    ),
                    false,
                ),
            };
            state.message = Some((level, text));
            state.dirty = true;
            let mut fx = if reload_items {
                vec![reload(state)]
            } else {
                Vec::new()
            };
            if matches!(state.mode, Mode::Outbox { .. }) {
                fx.push(Effect::LoadOutbox);
            }
            fx
        }
        Msg::ReportData {
            items,
            followups,
            since,
        } => {
            if let Mode::Stats(report) = &mut state.mode {
                let tz = jiff::tz::TimeZone::system();
                *report = Some(Box::new(crate::report::build(
                    &items,
                    &followups,
                    &state.policies,
                    since,
                    now,
                    &tz,
                )));
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::FollowUpsLoaded(mut loaded) => {
            if state.followups_mine {
                loaded.retain(|f| f.assignee.as_deref() == Some(state.user.as_str()));
            }
            if let Mode::FollowUps { entries, selected } = &mut state.mode {
                *selected = (*selected).min(loaded.len().saturating_sub(1));
                *entries = loaded;
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::OutboxLoaded(loaded) => {
            if let Mode::Outbox { entries, selected } = &mut state.mode {
                *selected = (*selected).min(loaded.len().saturating_sub(1));
                *entries = loaded;
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::Error(e) => {
            state.message = Some((Level::Error, e));
            state.dirty = true;
            Vec::new()
        }
        Msg::StoreChanged => super::team::on_store_changed(state),
        Msg::ClaimsLoaded(claims) => super::team::on_claims(state, claims),
        Msg::Claimed { id, others } => super::team::on_claimed(state, id, others),
        Msg::Activity { id, activity } => super::team::on_activity(state, id, activity),
        Msg::Info(i) => {
            state.message = Some((Level::Info, i));
            state.dirty = true;
            Vec::new()
        }
    }
}

/// Add the network's posts we do not have yet to a stored thread, in time order.
fn merge_thread(
    local: &mut Vec<crate::model::ThreadEntry>,
    remote: Vec<crate::model::ThreadEntry>,
) {
    for e in remote {
        if !local.iter().any(|l| l.remote_id == e.remote_id) {
            local.push(e);
        }
    }
    local.sort_by_key(|e| e.created_at);
}

fn reload(state: &AppState) -> Effect {
    super::triage::reload(state)
}

fn on_tick(state: &mut AppState, now: Timestamp) -> Vec<Effect> {
    state.dirty = true;
    let items = std::mem::take(&mut state.items);
    let mut fx = super::timers::notices(state, &items, now);
    state.items = items;
    // Debounced draft saving: the runner ticks while the composer has unsaved text.
    if let Mode::Composer(c) = &mut state.mode
        && c.dirty
    {
        c.dirty = false;
        fx.push(Effect::SaveDraft {
            id: c.item,
            text: c.text.clone(),
        });
    }
    fx
}

fn on_poller(state: &mut AppState, ev: PollerEvent) -> Vec<Effect> {
    let mut fx = Vec::new();
    let (account, health, reload_items) = match ev {
        PollerEvent::Started { account } => {
            // A healthy account keeps showing ✓ while it polls: no flicker every interval.
            match state.accounts.get(&account).map(|v| &v.health) {
                Some(AccountHealth::Ok { .. }) => return fx,
                _ => (account, AccountHealth::Syncing, false),
            }
        }
        PollerEvent::Synced {
            account,
            report,
            at,
        } => {
            let changed = !report.new_items.is_empty() || !report.reopened.is_empty();
            for alert in report.alerts {
                fx.push(Effect::Notify {
                    event: crate::notify::Event::Alert,
                    text: format!("tinbox alert: {}", alert.message),
                });
                state.alerts.push(alert);
                state.dirty = true;
            }
            (account, AccountHealth::Ok { at }, changed)
        }
        PollerEvent::Failed {
            account,
            error,
            retry_at,
        } => (account, AccountHealth::Failing { error, retry_at }, false),
        PollerEvent::Elsewhere { account, holder } => {
            (account, AccountHealth::Elsewhere { holder }, false)
        }
    };
    if let Some(view) = state.accounts.get_mut(&account)
        && view.health != health
    {
        view.health = health;
        state.dirty = true;
    }
    if reload_items {
        fx.push(reload(state));
    }
    fx
}

fn on_items(state: &mut AppState, items: Vec<ItemRow>, now: Timestamp) -> Vec<Effect> {
    let keep = state
        .selected_item()
        .map(|i| i.id)
        .or_else(|| state.resume.take());
    // The old rows go first: with 100,000 rows, both lists and the sort's keys would
    // otherwise be in memory at once.
    state.items = Vec::new();
    let mut fx = super::timers::notices(state, &items, now);
    fx.extend(show_items(state, items, keep, now));
    fx
}

/// Sort and show `items`, keeping the item `keep` selected if it is still there.
fn show_items(
    state: &mut AppState,
    mut items: Vec<ItemRow>,
    keep: Option<crate::model::ItemId>,
    now: Timestamp,
) -> Vec<Effect> {
    let mut scratch = RowItem::default();
    if let Some(view) = &state.filter {
        items.retain(|i| {
            view.filter.matches(i, &state.user, || {
                state.policies.timer(scratch.of(i), now).state
            })
        });
    }
    if !state.marked.is_empty() {
        let shown: std::collections::HashSet<_> = items.iter().map(|i| i.id).collect();
        state.marked.retain(|id| shown.contains(id));
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
    state.items = items;
    state.selected = keep
        .and_then(|id| state.items.iter().position(|i| i.id == id))
        .unwrap_or(state.selected)
        .min(state.items.len().saturating_sub(1));
    keep_selection_visible(state);
    state.dirty = true;
    detail_for_selection(state)
}

/// Ask for the selected item's detail when the pane shows something else.
fn detail_for_selection(state: &mut AppState) -> Vec<Effect> {
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

fn on_key(state: &mut AppState, key: KeyEvent, now: Timestamp) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // ctrl-c always leaves the current dialog, or asks to quit.
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    // Esc and the next key often arrive together and read as Alt+key (tinbox binds no Alt
    // keys): act on Esc (closing a dialog, keeping a draft), then on the key.
    if let (KeyCode::Char(ch), true) = (key.code, key.modifiers.contains(KeyModifiers::ALT)) {
        let mut fx = on_key(state, KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE), now);
        fx.extend(on_key(
            state,
            KeyEvent::new(KeyCode::Char(ch), key.modifiers - KeyModifiers::ALT),
            now,
        ));
        return fx;
    }
    match &mut state.mode {
        Mode::Composer(_) => {
            return composer::on_key(state, key);
        }
        Mode::Help { scroll } => {
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => *scroll = scroll.saturating_add(1),
                KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
                _ => state.mode = Mode::Normal,
            }
            state.dirty = true;
            return Vec::new();
        }
        Mode::Outbox { .. } => return super::views::outbox_key(state, key),
        Mode::Palette { .. } => return super::palette::on_key(state, key, now),
        Mode::Form(_) => return super::form::on_key(state, key, now),
        Mode::FollowUps { .. } => return super::views::followups_key(state, key),
        Mode::Search { .. } => {
            let (row, mut fx) = super::search::on_key(state, key);
            if let Some(row) = row {
                fx.extend(select(state, row));
            }
            state.dirty = true;
            return fx;
        }
        Mode::Stats(_) => {
            state.mode = Mode::Normal;
            state.dirty = true;
            return Vec::new();
        }
        Mode::ConfirmQuit => {
            state.dirty = true;
            return match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => quit(state),
                _ => {
                    state.mode = Mode::Normal;
                    Vec::new()
                }
            };
        }
        Mode::Normal => {}
    }
    if ctrl_c {
        return apply(state, Action::Quit, now);
    }
    let pending = std::mem::take(&mut state.pending_keys);
    match state.keymap.lookup(&pending, &key) {
        Lookup::Action(action) => apply(state, action, now),
        Lookup::Pending(seq) => {
            state.pending_keys = seq;
            Vec::new()
        }
        // Unbound digits switch views (0: everything).
        Lookup::None => match key.code {
            KeyCode::Char(c @ '0'..='9') if key.modifiers.is_empty() => {
                super::triage::switch_view(state, usize::from(c as u8 - b'0'))
            }
            _ => Vec::new(),
        },
    }
}

fn quit(state: &mut AppState) -> Vec<Effect> {
    state.quit = true;
    vec![Effect::Quit]
}

/// Apply a user action (from the keymap, and later the command palette).
pub fn apply(state: &mut AppState, action: Action, now: Timestamp) -> Vec<Effect> {
    state.dirty = true;
    let half_page = (crate::ui::list_rows(state.width, state.height, state) / 2).max(1);
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
        Action::Last => select(state, state.items.len().saturating_sub(1)),
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
        // Esc dismisses the alert banner first.
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
        Action::Filter => super::triage::open_filter(state),
        Action::Mark => super::triage::toggle_mark(state),
        Action::MarkAll => super::triage::mark_all(state),
        Action::ToggleRead => super::triage::toggle_read(state),
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
            match super::search::again(state, action == Action::SearchNext) {
                Some(row) => select(state, row),
                None => Vec::new(),
            }
        }
        Action::ToggleSort => {
            state.sort = match state.sort {
                SortOrder::Urgency => SortOrder::Newest,
                SortOrder::Newest => SortOrder::Urgency,
            };
            let keep = state.selected_item().map(|i| i.id);
            let items = std::mem::take(&mut state.items);
            show_items(state, items, keep, now)
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
        Action::SyncNow => {
            state.message = Some((Level::Info, "Syncing every account…".into()));
            vec![Effect::SyncNow]
        }
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

pub(super) fn select(state: &mut AppState, index: usize) -> Vec<Effect> {
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
    detail_for_selection(state)
}

/// Adjust `offset` so the selected row is on screen, scrolling as little as possible.
pub fn keep_selection_visible(state: &mut AppState) {
    let rows = crate::ui::list_rows(state.width, state.height, state).max(1);
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
    item.status = status;
    let id = item.id;
    state.message = Some((Level::Info, format!("#{id} → {status}")));
    vec![
        Effect::SetStatus {
            id,
            status,
            why: why.to_string(),
        },
        reload(state),
    ]
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;

pub use super::timers::sort_items;
