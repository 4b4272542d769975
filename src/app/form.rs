//! Keys and submission of the small forms (follow-up, snooze, closing a follow-up, tags,
//! assignee, note, filter). Pure, part of `update`. Typed fields edit through
//! `textedit` (the composer's keys); a choice field (the follow-up's method) cycles.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::state::{Field, Form, FormKind, Level, Mode};
use super::{AppState, Effect, textedit};
use crate::model::{FollowUpInput, FollowUpMethod};

pub fn open(state: &mut AppState, kind: FormKind) -> Vec<Effect> {
    let Some(item) = state.selected_item() else {
        return Vec::new();
    };
    state.mode = Mode::Form(match kind {
        FormKind::FollowUp => Form::follow_up(item.id, &state.user),
        FormKind::Snooze => Form::snooze(item.id),
        FormKind::Resolve => Form::resolve(item.id),
        FormKind::Tags => Form::single(
            FormKind::Tags,
            item.id,
            "tags",
            &item.tags().join(", "),
            "comma-separated, e.g. refund, vip",
        ),
        FormKind::Assign => Form::single(
            FormKind::Assign,
            item.id,
            "assignee",
            item.assignee().unwrap_or(""),
            "a name; empty unassigns",
        ),
        FormKind::Filter => return super::triage::open_filter(state),
        FormKind::Note => return super::triage::open_note(state),
    });
    Vec::new()
}

pub fn on_key(state: &mut AppState, key: KeyEvent, now: Timestamp, tz: &TimeZone) -> Vec<Effect> {
    let Mode::Form(form) = &mut state.mode else {
        return Vec::new();
    };
    let last = form.fields.len().saturating_sub(1);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1).min(last),
        KeyCode::BackTab | KeyCode::Up => form.focus = form.focus.saturating_sub(1),
        KeyCode::Enter if form.focus < last => form.focus += 1,
        KeyCode::Enter => return submit(state, now, tz),
        KeyCode::Char('s') if ctrl => return submit(state, now, tz),
        _ => {
            let kind = form.kind;
            if let Some(f) = form.fields.get_mut(form.focus) {
                match choices(kind, f.label) {
                    Some(list) => choose(f, &list, &key),
                    None => {
                        textedit::apply(&mut f.value, &mut f.cursor, &key);
                    }
                }
            }
        }
    }
    Vec::new()
}

/// The values of a field that is picked rather than typed (the follow-up's method: the
/// model's methods, so the form never offers one the store refuses).
pub fn choices(kind: FormKind, label: &str) -> Option<Vec<&'static str>> {
    match (kind, label) {
        (FormKind::FollowUp, "method") => {
            Some(FollowUpMethod::ALL.iter().map(|m| m.as_str()).collect())
        }
        _ => None,
    }
}

/// On a choice field: → or space takes the next value, ← the previous (both wrap round);
/// a letter takes the next value starting with it.
fn choose(f: &mut Field, list: &[&'static str], key: &KeyEvent) {
    let n = list.len();
    if n == 0 || key.modifiers.contains(KeyModifiers::CONTROL) {
        return;
    }
    let at = list.iter().position(|c| *c == f.value).unwrap_or(0);
    let to = match key.code {
        KeyCode::Right | KeyCode::Char(' ') => (at + 1) % n,
        KeyCode::Left => (at + n - 1) % n,
        KeyCode::Char(c) => match (1..=n)
            .map(|step| (at + step) % n)
            .find(|&i| list[i].starts_with(c.to_ascii_lowercase()))
        {
            Some(i) => i,
            None => return,
        },
        _ => return,
    };
    f.value = list[to].to_string();
    f.cursor = f.value.len();
}

fn submit(state: &mut AppState, now: Timestamp, tz: &TimeZone) -> Vec<Effect> {
    let Mode::Form(form) = &mut state.mode else {
        return Vec::new();
    };
    if form.kind == FormKind::Filter {
        let query = form.value("filter").to_string();
        return match super::triage::set_filter(state, &query) {
            Ok(fx) => fx,
            Err(e) => {
                if let Mode::Form(form) = &mut state.mode {
                    form.error = Some(e);
                }
                Vec::new()
            }
        };
    }
    let bulk = super::triage::targets(state);
    let Mode::Form(form) = &mut state.mode else {
        return Vec::new();
    };
    let result = match form.kind {
        FormKind::Filter => Err("not a filter".into()),
        FormKind::Note => match form.value("note") {
            "" => Err("the note is empty".into()),
            text => Ok(Effect::AddNote {
                id: form.item,
                text: text.to_string(),
            }),
        },
        // With items marked, the tags typed are added to each of them.
        FormKind::Tags if bulk.len() > 1 => {
            let typed = tag_list(form.value("tags"));
            let what = (
                format!("Add the tags {} to ", typed.join(", ")),
                String::new(),
            );
            let fx: Vec<Effect> = state
                .items
                .iter()
                .filter(|i| bulk.contains(&i.id))
                .map(|i| {
                    let mut tags = i.tags().to_vec();
                    tags.extend(typed.iter().cloned());
                    tags.sort();
                    tags.dedup();
                    Effect::SetTags { id: i.id, tags }
                })
                .collect();
            return finish_bulk(state, fx, &what);
        }
        FormKind::Assign if bulk.len() > 1 => {
            let a = form.value("assignee");
            let what = match a {
                "" => ("Unassign ".to_string(), String::new()),
                a => ("Assign ".to_string(), format!(" to {a}")),
            };
            let fx = bulk
                .iter()
                .map(|&id| Effect::SetAssignee {
                    id,
                    assignee: (!a.is_empty()).then(|| a.to_string()),
                })
                .collect();
            return finish_bulk(state, fx, &what);
        }
        FormKind::FollowUp => follow_up(form, now, tz),
        FormKind::Tags => Ok(Effect::SetTags {
            id: form.item,
            tags: tag_list(form.value("tags")),
        }),
        FormKind::Assign => {
            let a = form.value("assignee");
            Ok(Effect::SetAssignee {
                id: form.item,
                assignee: (!a.is_empty()).then(|| a.to_string()),
            })
        }
        FormKind::Resolve => {
            let outcome = form.value("outcome").to_string();
            match form.value("done") {
                "y" | "yes" => Ok(Effect::ResolveFollowUp {
                    id: form.item,
                    outcome,
                    done: true,
                }),
                "n" | "no" => Ok(Effect::ResolveFollowUp {
                    id: form.item,
                    outcome,
                    done: false,
                }),
                other => Err(format!("done: {other:?} — answer y or n")),
            }
        }
        // Every marked item (asked first), and the selection moves on: see `triage::snooze`.
        FormKind::Snooze => match crate::sla::due::parse_due(form.value("until"), now, tz) {
            Ok(until) => return super::triage::snooze(state, until, now, tz),
            // The parser names its usual field; this box calls it "until".
            Err(e) => Err(match e.strip_prefix("due ") {
                Some(rest) => format!("until {rest}"),
                None => e,
            }),
        },
    };
    match result {
        Ok(effect) => {
            let back_to_list = matches!(effect, Effect::ResolveFollowUp { .. });
            state.mode = if back_to_list {
                Mode::FollowUps {
                    entries: Vec::new(),
                    selected: 0,
                }
            } else {
                Mode::Normal
            };
            if back_to_list {
                return vec![effect, Effect::LoadFollowUps, super::triage::reload(state)];
            }
            state.message = Some((Level::Info, "Saved.".into()));
            let detail = match &effect {
                Effect::AddNote { id, .. } => Some(Effect::LoadDetail(*id)),
                _ => None,
            };
            let mut fx = vec![effect, super::triage::reload(state)];
            fx.extend(detail);
            fx
        }
        Err(e) => {
            form.error = Some(e);
            Vec::new()
        }
    }
}

/// `refund, VIP ,` → `["refund", "vip"]`, sorted, without repeats.
fn tag_list(typed: &str) -> Vec<String> {
    let mut tags: Vec<String> = typed
        .split(',')
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect();
    tags.sort();
    tags.dedup();
    tags
}

/// A bulk change was submitted: asked first ("Assign 4 items to kim?"; `what` is the text
/// before and after the count), then made, the
/// marks cleared and the list reloaded.
fn finish_bulk(state: &mut AppState, fx: Vec<Effect>, what: &(String, String)) -> Vec<Effect> {
    let n = fx.len();
    state.mode = Mode::Normal;
    super::confirm::ask_if_many(
        state,
        n,
        format!("{}{n} items{}?", what.0, what.1),
        fx,
        None,
        format!("Saved on {n} items."),
    )
}

fn follow_up(form: &Form, now: Timestamp, tz: &TimeZone) -> Result<Effect, String> {
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let due = form.value("due");
    let input = FollowUpInput {
        method: form.value("method").parse()?,
        contact: opt(form.value("contact")),
        due_at: if due.is_empty() {
            None
        } else {
            Some(crate::sla::due::parse_due(due, now, tz)?)
        },
        assignee: opt(form.value("assignee")),
        note: opt(form.value("note")),
    };
    Ok(Effect::CreateFollowUp {
        id: form.item,
        input,
    })
}

#[cfg(test)]
#[path = "form_tests.rs"]
mod tests;
