//! Keys and submission of the small forms (follow-up, snooze). Pure, part of `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::state::{Form, FormKind, Level, Mode};
use super::{AppState, Effect};
use crate::model::FollowUpInput;

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
            &item.tags.join(", "),
            "comma-separated, e.g. refund, vip",
        ),
        FormKind::Assign => Form::single(
            FormKind::Assign,
            item.id,
            "assignee",
            item.assignee.as_deref().unwrap_or(""),
            "a name; empty unassigns",
        ),
    });
    Vec::new()
}

pub fn on_key(state: &mut AppState, key: KeyEvent, now: Timestamp) -> Vec<Effect> {
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
        KeyCode::Enter => return submit(state, now),
        KeyCode::Char('s') if ctrl => return submit(state, now),
        KeyCode::Backspace => {
            if let Some(f) = form.fields.get_mut(form.focus) {
                f.value.pop();
            }
        }
        KeyCode::Char(c) if !ctrl => {
            if let Some(f) = form.fields.get_mut(form.focus) {
                f.value.push(c);
            }
        }
        _ => {}
    }
    Vec::new()
}

fn submit(state: &mut AppState, now: Timestamp) -> Vec<Effect> {
    let Mode::Form(form) = &mut state.mode else {
        return Vec::new();
    };
    let tz = TimeZone::system();
    let result = match form.kind {
        FormKind::FollowUp => follow_up(form, now, &tz),
        FormKind::Tags => {
            let mut tags: Vec<String> = form
                .value("tags")
                .split(',')
                .map(|t| t.trim().to_lowercase())
                .filter(|t| !t.is_empty())
                .collect();
            tags.sort();
            tags.dedup();
            Ok(Effect::SetTags {
                id: form.item,
                tags,
            })
        }
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
        FormKind::Snooze => {
            crate::sla::due::parse_due(form.value("until"), now, &tz).map(|until| Effect::Snooze {
                id: form.item,
                until,
            })
        }
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
                return vec![
                    effect,
                    Effect::LoadFollowUps,
                    Effect::LoadItems {
                        include_closed: state.show_closed,
                    },
                ];
            }
            state.message = Some((Level::Info, "Saved.".into()));
            vec![
                effect,
                Effect::LoadItems {
                    include_closed: state.show_closed,
                },
            ]
        }
        Err(e) => {
            form.error = Some(e);
            Vec::new()
        }
    }
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
