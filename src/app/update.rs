//! `update`: the only place the app state changes.
//!
//! Synchronous, no I/O, no clock reads: `now` and the time zone are passed in. Everything the outside world must
//! do comes back as [`Effect`]s for the runner.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::actions::{self, apply, keep_selection_visible, quit, reload, select, show_items};
use super::composer;
use super::state::{AccountHealth, Level, Mode};
use super::sync::Outcome;
use super::{Action, AppState, Effect, Msg};
use crate::channels::poller::PollerEvent;
use crate::keys::Lookup;
use crate::model::ItemRow;
use crate::outbox::OutboxEvent;

/// Apply one message to the state and return the effects to run.
/// `tz` is the user's time zone, for wall-clock text and calendar dates (the event loop
/// passes the system's, tests a fixed one).
pub fn update(state: &mut AppState, msg: Msg, now: Timestamp, tz: &TimeZone) -> Vec<Effect> {
    match msg {
        // Every key press, click and paste marks the frame dirty, whatever the mode: the
        // handlers of each box need not remember it (the boxes forgot and showed typing
        // only at the next tick). A press that changed nothing costs one frame whose diff
        // is empty; a missed one costs seconds of a stale screen.
        Msg::Key(key) => {
            if key.kind != KeyEventKind::Release {
                state.dirty = true;
            }
            on_key(state, key, now, tz)
        }
        Msg::Mouse { kind, column, row } => {
            state.dirty = true;
            match super::mouse::on_mouse(state, kind, column, row) {
                Some(intent) => actions::run(state, intent, now),
                None => Vec::new(),
            }
        }
        Msg::Paste(text) => {
            state.dirty = true;
            if let Mode::Composer(c) = &mut state.mode {
                composer::insert_str(c, &text);
            }
            Vec::new()
        }
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            keep_selection_visible(state);
            state.dirty = true;
            // A taller screen shows rows of the closed tail that may not be loaded yet.
            actions::load_window(state).into_iter().collect()
        }
        Msg::Tick => on_tick(state, now),
        Msg::Poller(ev) => on_poller(state, ev),
        Msg::ItemsLoaded(items) => on_items(state, items, None, now),
        Msg::ListLoaded(loaded) => super::tail::on_list(state, *loaded, now),
        Msg::OpenLoaded(open) => super::tail::on_open(state, open, now),
        Msg::TailLoaded(page) => super::tail::on_page(state, *page),
        Msg::RowsLoaded(rows) => {
            state.items.set_window(rows);
            state.dirty = true;
            actions::detail_for_selection(state)
        }
        Msg::NearMatches { query, ids } => {
            let row = super::search::near_matches(state, &query, ids);
            row.map(|row| select(state, row)).unwrap_or_default()
        }
        Msg::TailMatches { query, range, ids } => {
            let (row, fx) = super::search::tail_matches(state, &query, range, ids);
            match row {
                Some(row) => {
                    let mut more = select(state, row);
                    more.extend(fx);
                    more
                }
                None => fx,
            }
        }
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
                        crate::clock::clock_time_in(&at, now, tz)
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
                *report = Some(Box::new(crate::report::build(
                    &items,
                    &followups,
                    &state.policies,
                    since,
                    now,
                    tz,
                )));
                state.dirty = true;
            }
            Vec::new()
        }
        Msg::FollowUpsLoaded(mut loaded) => {
            // Every open one, whoever's: the header counts the overdue ones of the inbox.
            let due: Vec<Timestamp> = loaded
                .iter()
                .filter(|f| f.closed_at.is_none())
                .filter_map(|f| f.due_at)
                .collect();
            if due != state.followups_due {
                state.followups_due = due;
                state.dirty = true;
            }
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

fn on_tick(state: &mut AppState, now: Timestamp) -> Vec<Effect> {
    state.dirty = true;
    let items = std::mem::take(&mut state.items);
    let mut fx = super::timers::notices(state, items.rows(), now);
    state.items = items;
    // A snooze set here has ended: the reload wakes the item and brings it back.
    if state.next_wake.is_some_and(|w| w <= now) {
        state.next_wake = None;
        fx.push(reload(state));
    }
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
            let new_items = report.new_items.len();
            super::sync::answered(state, &account, Outcome::Synced { new_items });
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
        } => {
            super::sync::answered(state, &account, Outcome::Failed(error.clone()));
            (account, AccountHealth::Failing { error, retry_at }, false)
        }
        PollerEvent::Usage { account, line } => {
            if let Some(view) = state.accounts.get_mut(&account)
                && view.usage != line
            {
                view.usage = line;
                state.dirty = true;
            }
            return fx;
        }
        PollerEvent::Elsewhere { account, holder } => {
            super::sync::answered(state, &account, Outcome::Elsewhere);
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

pub(super) fn on_items(
    state: &mut AppState,
    items: Vec<ItemRow>,
    tail: Option<super::list::Tail>,
    now: Timestamp,
) -> Vec<Effect> {
    let keep = state
        .items
        .id_at(state.selected)
        .or_else(|| state.resume.take());
    // The old rows go first: with 100,000 rows, both lists and the sort's keys would
    // otherwise be in memory at once.
    state.items = Default::default();
    state.open_rows = Some(items.clone());
    let mut fx = super::timers::notices(state, &items, now);
    fx.extend(show_items(state, items, tail, keep, now));
    fx
}

fn on_key(state: &mut AppState, key: KeyEvent, now: Timestamp, tz: &TimeZone) -> Vec<Effect> {
    if key.kind == KeyEventKind::Release {
        return Vec::new();
    }
    // ctrl-c always leaves the current dialog, or asks to quit.
    let ctrl_c = key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
    // Esc and the next key often arrive together and read as Alt+key (tinbox binds no Alt
    // keys): act on Esc (closing a dialog, keeping a draft), then on the key. In the
    // composer and the boxes alt-b and alt-f move by word (`textedit`).
    let editing = matches!(state.mode, Mode::Composer(_) | Mode::Form(_));
    if let (KeyCode::Char(ch), true) = (key.code, key.modifiers.contains(KeyModifiers::ALT))
        && !(editing && matches!(ch, 'b' | 'f'))
    {
        let mut fx = on_key(
            state,
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
            now,
            tz,
        );
        fx.extend(on_key(
            state,
            KeyEvent::new(KeyCode::Char(ch), key.modifiers - KeyModifiers::ALT),
            now,
            tz,
        ));
        return fx;
    }
    match &mut state.mode {
        Mode::Composer(_) => {
            return composer::on_key(state, key);
        }
        Mode::Help { .. } => {
            super::help::on_key(state, key, ctrl_c);
            return Vec::new();
        }
        Mode::Confirm(_) => return super::confirm::on_key(state, key),
        Mode::Outbox { .. } => return super::outbox::on_key(state, key),
        Mode::Palette { .. } => {
            return match super::palette::on_key(state, key) {
                Some(action) => apply(state, action, now),
                None => Vec::new(),
            };
        }
        Mode::Form(_) => return super::form::on_key(state, key, now, tz),
        Mode::FollowUps { .. } => return super::followups::on_key(state, key),
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

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;

pub use super::timers::sort_items;
