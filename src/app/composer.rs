//! The reply composer's editing and sending logic (pure, part of `update`). Editing keys
//! are `textedit`'s, shared with the boxes; the text wraps at the screen's width, and
//! ↑/↓ move by the rows shown (the overlay draws by the same `text_cols` and `box_height`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use super::state::{Composer, Level, Mode};
use super::{AppState, Effect, textedit};
use crate::channels::LengthUnit;
use crate::model::{RowItem, Status};

/// Length of a reply as the channel counts it.
pub fn length(text: &str, unit: LengthUnit) -> usize {
    unit.count(text)
}

/// Open the composer on the selected item, restoring its draft, and tell teammates
/// ("kim is replying").
pub fn open(state: &mut AppState, now: Timestamp) -> Vec<Effect> {
    let Some(item) = state.selected_item() else {
        return Vec::new();
    };
    let caps = state.accounts.get(item.account()).map(|a| a.capabilities);
    if caps.is_some_and(|c| !c.can_reply) {
        let link = item
            .url()
            .map(crate::sanitize::one_line)
            .unwrap_or_else(|| "no link".into());
        state.message = Some((
            Level::Info,
            format!(
                "{} items cannot be answered in-channel; answer at the source: {link}",
                item.channel
            ),
        ));
        return Vec::new();
    }
    let draft = state
        .detail
        .as_ref()
        .filter(|d| d.item.id == item.id)
        .and_then(|d| d.draft.clone())
        .unwrap_or_else(|| crate::channels::reply_prefix(RowItem::default().of(item)));
    let composer = Composer {
        item: item.id,
        cursor: draft.len(),
        text: draft,
        confirm: false,
        max_len: caps.and_then(|c| c.max_len),
        unit: caps.map(|c| c.length_unit).unwrap_or(LengthUnit::Chars),
        dirty: false,
        resend: None,
        picker: None,
        opened_at: now,
        checking: false,
        warning: None,
        again: matches!(item.status, Status::Replied | Status::Done),
    };
    let id = composer.item;
    state.mode = Mode::Composer(composer);
    state.dirty = true;
    vec![Effect::Claim(id)]
}

/// Edit a failed outbox entry in the composer; sending resends it.
pub fn open_resend(state: &mut AppState, entry: &crate::model::OutboxEntry) {
    let caps = state
        .items
        .by_id(entry.item)
        .and_then(|i| state.accounts.get(i.account()))
        .map(|a| a.capabilities);
    state.mode = Mode::Composer(Composer {
        item: entry.item,
        cursor: entry.text.len(),
        text: entry.text.clone(),
        confirm: false,
        max_len: caps.and_then(|c| c.max_len),
        unit: caps.map(|c| c.length_unit).unwrap_or(LengthUnit::Chars),
        dirty: false,
        resend: Some(entry.id),
        picker: None,
        // A resend asks for confirmation without the traffic cop (it only edits a failed reply).
        opened_at: Timestamp::UNIX_EPOCH,
        checking: false,
        warning: None,
        again: false,
    });
    state.dirty = true;
}

/// A key press while the composer is open.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Mode::Composer(c) = &mut state.mode else {
        return Vec::new();
    };
    state.dirty = true;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let cols = text_cols(state.width);
    if c.picker.is_some() {
        return picker_key(state, key);
    }
    if c.checking {
        // The traffic cop is looking (a moment); Esc gives up sending.
        if key.code == KeyCode::Esc {
            c.checking = false;
        }
        return Vec::new();
    }
    if c.confirm
        && confirm_scroll(
            c,
            state.width,
            super::layout::overlay_height(state.height),
            key.code,
        )
    {
        return Vec::new();
    }
    if c.confirm {
        // After a warning only an explicit `y` sends: Enter may be a reflex.
        let yes = match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => true,
            KeyCode::Enter => c.warning.is_none(),
            _ => false,
        };
        return match yes {
            true => {
                let (id, text, resend) = (c.item, c.text.clone(), c.resend);
                // Confirmed over the traffic cop's warning, or a further message to an answered
                // item: sent as asked. Otherwise the store takes the right to answer atomically.
                let again = c.again || c.warning.is_some();
                state.mode = Mode::Normal;
                if let Some(entry) = resend {
                    state.message = Some((Level::Info, format!("Resending the reply to #{id}…")));
                    return vec![Effect::Resend {
                        entry,
                        text: Some(text),
                    }];
                }
                state.message = Some((Level::Info, format!("Reply to #{id} queued…")));
                remember_draft(state, id, "");
                // The draft is written first, so the text survives whatever the send does.
                vec![
                    Effect::SaveDraft {
                        id,
                        text: text.clone(),
                    },
                    Effect::SendReply { id, text, again },
                    Effect::ReleaseClaim(id),
                ]
            }
            false => {
                c.confirm = false;
                c.warning = None;
                Vec::new()
            }
        };
    }
    match key.code {
        KeyCode::Esc => return close_keeping_draft(state),
        KeyCode::Char('c') if ctrl => return close_keeping_draft(state),
        KeyCode::Char('t') if ctrl => {
            if state.templates.is_empty() {
                state.message = Some((
                    Level::Info,
                    "No templates yet: add [templates] to the config, or NAME.txt files in <config dir>/templates.".into(),
                ));
            } else {
                c.picker = Some(super::state::Picker::default());
            }
        }
        KeyCode::Char('e') if ctrl => {
            // Continue in $VISUAL/$EDITOR; the text comes back with `Msg::EditorDone`.
            return vec![Effect::OpenEditor {
                text: c.text.clone(),
            }];
        }
        KeyCode::Char('s') if ctrl => {
            let len = length(&c.text, c.unit);
            if c.text.trim().is_empty() {
                state.message = Some((Level::Error, "Nothing to send yet.".into()));
            } else if let Some(max) = c.max_len.filter(|m| len > *m) {
                state.message = Some((
                    Level::Error,
                    format!("Too long: {len}/{max}. Shorten the reply to send it."),
                ));
            } else if c.resend.is_some() {
                c.confirm = true;
            } else {
                // Before asking, the traffic cop looks at the conversation since we opened it.
                c.checking = true;
                return vec![Effect::CheckActivity {
                    id: c.item,
                    since: c.opened_at,
                }];
            }
        }
        KeyCode::Enter => insert_str(c, "\n"),
        // Up and down by the rows the composer shows (its text wraps at the screen's width).
        KeyCode::Up => c.cursor = textedit::vertical(&c.text, c.cursor, cols, false),
        KeyCode::Down => c.cursor = textedit::vertical(&c.text, c.cursor, cols, true),
        _ => {
            if textedit::apply(&mut c.text, &mut c.cursor, &key) == textedit::Outcome::Edited {
                c.dirty = true;
            }
        }
    }
    Vec::new()
}

/// Columns the composer wraps its text at on a screen `width` cells wide: inside the
/// border, with one cell kept for the cursor after a full row.
pub fn text_cols(width: u16) -> usize {
    usize::from(width.saturating_sub(3)).max(1)
}

/// Height of the composer box (border and hint line included) for `rows` wrapped rows on
/// a screen `height` rows tall: half the screen while editing; while asking to send, tall
/// enough for the whole reply, up to the screen less the header and the status bar.
pub fn box_height(height: u16, rows: usize, confirm: bool) -> u16 {
    let normal = (height / 2).clamp(6, 14);
    if !confirm {
        return normal;
    }
    let want = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(3);
    want.min(height.saturating_sub(2)).max(normal)
}

/// The first row shown of a text whose cursor is on `row`, `visible` rows at a time.
pub fn top_row(row: usize, visible: usize) -> usize {
    row.saturating_sub(visible.saturating_sub(1))
}

/// While asking to send, ↑/↓ (and PgUp/PgDn) scroll a reply taller than the box by a row
/// (a page): the hidden cursor goes to the bottom row of the new view, so every press
/// moves the view.
fn confirm_scroll(c: &mut Composer, width: u16, height: u16, key: KeyCode) -> bool {
    let (down, page) = match key {
        KeyCode::Up => (false, false),
        KeyCode::Down => (true, false),
        KeyCode::PageUp => (false, true),
        KeyCode::PageDown => (true, true),
        _ => return false,
    };
    let cols = text_cols(width);
    let rows = textedit::wrap(&c.text, cols);
    let visible = usize::from(box_height(height, rows.len(), true).saturating_sub(3)).max(1);
    let (row, _) = textedit::locate(&c.text, &rows, c.cursor);
    let top = top_row(row, visible);
    let step = if page { visible } else { 1 };
    let last_top = rows.len().saturating_sub(visible);
    let new_top = match down {
        true => (top + step).min(last_top),
        false => top.saturating_sub(step),
    };
    // The view is drawn with the cursor's row at its bottom: put it there.
    let target = (new_top + visible - 1).min(rows.len().saturating_sub(1));
    if let Some(r) = rows.get(target) {
        c.cursor = r.start;
    }
    true
}

fn close_keeping_draft(state: &mut AppState) -> Vec<Effect> {
    let Mode::Composer(c) = std::mem::take(&mut state.mode) else {
        return Vec::new();
    };
    if c.resend.is_some() {
        // The text of a failed reply stays in the outbox, unchanged.
        return vec![Effect::LoadOutbox];
    }
    remember_draft(state, c.item, &c.text);
    if !c.text.trim().is_empty() {
        state.message = Some((Level::Info, format!("Draft for #{} kept.", c.item)));
    }
    vec![
        Effect::ReleaseClaim(c.item),
        Effect::SaveDraft {
            id: c.item,
            text: c.text,
        },
    ]
}

/// Insert text at the cursor (a paste keeps its lines, whatever their line ends).
pub fn insert_str(c: &mut Composer, s: &str) {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    textedit::insert(&mut c.text, &mut c.cursor, &s);
    c.dirty = true;
}

/// The text came back from the external editor.
pub fn editor_done(state: &mut AppState, result: Result<String, String>) {
    let Mode::Composer(c) = &mut state.mode else {
        return;
    };
    match result {
        Ok(text) => {
            c.text = text.trim_end_matches('\n').to_string();
            c.cursor = c.text.len();
            c.dirty = true;
        }
        Err(e) => {
            state.message = Some((
                Level::Error,
                format!("The editor failed: {e}. Your text is unchanged."),
            ))
        }
    }
    state.dirty = true;
}

/// Keys while the template picker is open: type to filter, ↑/↓ to choose, Enter inserts.
fn picker_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let AppState {
        mode,
        templates,
        items,
        user,
        message,
        detail,
        ..
    } = state;
    let Mode::Composer(c) = mode else {
        return Vec::new();
    };
    let Some(p) = c.picker.as_mut() else {
        return Vec::new();
    };
    let matches = crate::templates::search(templates, &p.query);
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match key.code {
        KeyCode::Esc => c.picker = None,
        KeyCode::Up => p.selected = p.selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => p.selected = p.selected.saturating_sub(1),
        KeyCode::Down => p.selected = (p.selected + 1).min(matches.len().saturating_sub(1)),
        KeyCode::Char('n') if ctrl => {
            p.selected = (p.selected + 1).min(matches.len().saturating_sub(1))
        }
        _ if super::textedit::edit_at_end(&mut p.query, &key) => p.selected = 0,
        KeyCode::Enter => {
            let Some(t) = matches.get(p.selected) else {
                return Vec::new();
            };
            let Some(item) = items.iter().find(|i| i.id == c.item) else {
                return Vec::new();
            };
            let mut vars = crate::templates::Vars::for_item(RowItem::default().of(item), user);
            vars.case = detail
                .as_ref()
                .filter(|d| d.item.id == item.id)
                .and_then(|d| d.follow_up.as_ref())
                .map(|f| f.case_number.clone());
            match crate::templates::render(&t.body, &vars) {
                Ok(text) => {
                    c.picker = None;
                    insert_str(c, &text);
                }
                Err(e) => *message = Some((Level::Error, format!("Template {:?}: {e}", t.name))),
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Keep the detail pane's copy of the draft in step with what was saved, so reopening the
/// composer continues from it (and never saves an older text over it).
fn remember_draft(state: &mut AppState, id: crate::model::ItemId, text: &str) {
    let had = state.items.by_id(id).is_some_and(|i| i.has_draft);
    let has = !text.trim().is_empty();
    // The store's count follows (Msg::DraftCount); until then `q` must already know.
    match (had, has) {
        (false, true) => state.draft_count += 1,
        (true, false) => state.draft_count = state.draft_count.saturating_sub(1),
        _ => {}
    }
    if let Some(d) = state.detail.as_mut().filter(|d| d.item.id == id) {
        d.draft = if text.trim().is_empty() {
            None
        } else {
            Some(text.to_string())
        };
        d.item.has_draft = d.draft.is_some();
    }
    if let Some(i) = state.items.find_mut(id) {
        i.has_draft = !text.trim().is_empty();
    }
}

#[cfg(test)]
#[path = "composer_tests.rs"]
mod tests;
