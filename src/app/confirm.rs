//! Asking before a change to more than one item, and undoing the last status change.
//!
//! A bulk action becomes an [`Ask`] in `Mode::Confirm`: `y` (or Enter) makes it, `n` or Esc
//! drops it and keeps the marks. Every status change leaves an [`Undo`]; `U` sets each item
//! back to its status before through the store like any change (keeping the clock it had), so the undo
//! is in each item's history too. Pure, part of `update`; drawn by `ui/overlays/confirm.rs`
//! (and as a line by the linear mode) from the state alone.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::{Ask, Level, Mode, Undo};
use super::{AppState, Effect};
use crate::model::{ItemId, Status};

/// Make the change: its effects, its undo, the marks cleared, the list reloaded.
pub fn run(state: &mut AppState, ask: Ask) -> Vec<Effect> {
    let Ask {
        effects,
        undo,
        done,
        ..
    } = ask;
    // A change that changed nothing does not hide the last one from `U`.
    if let Some(u) = undo.filter(|u| !u.before.is_empty()) {
        state.undo = Some(u);
    }
    state.marked.clear();
    state.mode = Mode::Normal;
    state.message = Some((Level::Info, done));
    state.dirty = true;
    let mut fx = effects;
    fx.push(super::triage::reload(state));
    fx
}

/// Ask first when `effects` touch more than `one` item; else make the change at once.
pub fn ask_if_many(
    state: &mut AppState,
    count: usize,
    question: String,
    effects: Vec<Effect>,
    undo: Option<Undo>,
    done: String,
) -> Vec<Effect> {
    let ask = Ask {
        question,
        effects,
        undo,
        done,
    };
    if count > 1 {
        // Also in the status bar, the line every screen (the linear one too) shows.
        state.message = Some((Level::Info, format!("{} y/n", ask.question)));
        state.mode = Mode::Confirm(Box::new(ask));
        state.dirty = true;
        Vec::new()
    } else {
        run(state, ask)
    }
}

/// A key while a question is open: only an answer counts, so a stray key changes nothing.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    state.dirty = true;
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter if !ctrl => {
            match std::mem::take(&mut state.mode) {
                Mode::Confirm(ask) => run(state, *ask),
                other => {
                    state.mode = other;
                    Vec::new()
                }
            }
        }
        KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Esc => cancel(state),
        KeyCode::Char('c') if ctrl => cancel(state),
        _ => Vec::new(),
    }
}

fn cancel(state: &mut AppState) -> Vec<Effect> {
    state.mode = Mode::Normal;
    state.message = Some((
        Level::Info,
        "Nothing changed (the marks stay; Esc clears them).".into(),
    ));
    Vec::new()
}

/// The question before `status` is set on `n` items.
pub fn status_question(status: Status, n: usize) -> String {
    match status {
        Status::Done => format!("Mark {n} items done?"),
        Status::Pending => format!("Mark {n} items pending (waiting on the customer)?"),
        Status::New => format!("Reopen {n} items (back to new)?"),
        Status::Ignored => format!("Ignore {n} items?"),
        other => format!("Set {n} items to {other}?"),
    }
}

/// `U`: set every item of the last status change back to its status before.
pub fn undo(state: &mut AppState) -> Vec<Effect> {
    state.dirty = true;
    let Some(Undo { before }) = state.undo.take() else {
        state.message = Some((Level::Info, "Nothing to undo.".into()));
        return Vec::new();
    };
    let mut fx = Vec::with_capacity(before.len() + 1);
    let mut back: Vec<Status> = Vec::new();
    for &(id, was) in &before {
        // A snooze's end time is not in the list's rows: an item that was snoozed comes
        // back as new rather than snoozed for ever.
        let status = if was == Status::Snoozed {
            Status::New
        } else {
            was
        };
        if let Some(row) = state.items.find_mut(id) {
            row.status = status;
        }
        if !back.contains(&status) {
            back.push(status);
        }
        fx.push(Effect::RestoreStatus {
            id,
            status,
            why: format!("undo: back to {status}"),
        });
    }
    let to: Vec<String> = back.iter().map(|s| s.to_string()).collect();
    let text = match before.as_slice() {
        [(id, _)] => format!("Undid: #{id} back to {}", to.join(", ")),
        many => format!("Undid: {} items back to {}", many.len(), to.join(", ")),
    };
    state.message = Some((Level::Info, text));
    fx.push(super::triage::reload(state));
    fx
}

/// The undo of setting each of `rows` (id, status before) to something else.
pub fn undo_of(rows: Vec<(ItemId, Status)>) -> Option<Undo> {
    (!rows.is_empty()).then_some(Undo { before: rows })
}
