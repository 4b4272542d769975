//! What is typed into, as plain lines for the linear mode: the reply composer (recipient
//! and audience, the text wrapped by display width, the checking, confirm and warning steps,
//! the template picker) and the boxes (forms) with each field's text, hint and the error.
//! The cursor goes where the next character lands, so a screen reader follows the typing.

use ratatui::text::Line;

use super::screens::{para, row, width_of};
use super::{Screen, wrap};
use crate::app::AppState;
use crate::app::composer::length;
use crate::app::state::{Composer, Form, FormKind};
use crate::sanitize::one_line;
use crate::theme::{Role, Theme};

/// Whose item a box is about, for its title: "#3 (Ruth Kessler)".
fn about(state: &AppState, item: crate::model::ItemId) -> String {
    match state.items.by_id(item) {
        Some(row) => format!("#{item} ({})", one_line(row.author())),
        None => format!("#{item}"),
    }
}

pub fn composer<'a>(state: &AppState, c: &Composer, theme: &Theme, width: usize) -> Screen<'a> {
    let to = match state.items.by_id(c.item) {
        Some(row) => super::items::reply_to(row),
        None => format!("item #{}", c.item),
    };
    let verb = match (c.resend, c.again) {
        (Some(_), _) => "Edit the failed reply to",
        (None, true) => "Another reply to",
        (None, false) => "Reply to",
    };
    let len = length(&c.text, c.unit);
    let counter = match c.max_len {
        Some(max) if len > max => format!("{len} of {max} characters, too long"),
        Some(max) => format!("{len} of {max} characters"),
        None => format!("{len} characters"),
    };
    let mut lines = Vec::new();
    para(
        &mut lines,
        &format!("{verb} {to} (#{}). {counter}.", c.item),
        width,
        theme,
        Role::Text,
    );
    para(
        &mut lines,
        "Control-S sends, Enter starts a new line, Escape keeps the draft.",
        width,
        theme,
        Role::Muted,
    );
    let top = lines.len();
    let (text, (l, col)) = wrap::with_cursor(&c.text, c.cursor, width);
    lines.extend(
        text.into_iter()
            .map(|t| Line::styled(t, theme.style(Role::Text))),
    );
    let mut screen = Screen {
        focus: top + l,
        cursor: Some((top + l, col)),
        ..Screen::new(Vec::new())
    };
    if let Some(p) = &c.picker {
        let found = crate::templates::search(&state.templates, &p.query);
        let at = lines.len();
        let query = format!("Template: {}", one_line(&p.query));
        screen.cursor = Some((at, width_of(&query, width)));
        lines.push(Line::styled(query, theme.style(Role::Key)));
        if found.is_empty() {
            lines.push(Line::styled(
                "No template matches.",
                theme.style(Role::Muted),
            ));
        }
        for (i, t) in found.iter().enumerate() {
            let text = format!("{}: {}", one_line(&t.name), one_line(&t.body));
            lines.push(row(text, i == p.selected, width, theme));
        }
        screen.focus = at + 1 + p.selected;
        screen.prompt =
            Some("Choose a template: Enter inserts it, Escape goes back to the reply.".into());
    } else if c.checking {
        screen.cursor = None;
        screen.prompt =
            Some("Checking the conversation for new activity. Escape keeps editing.".into());
    } else if let (true, Some(w)) = (c.confirm, &c.warning) {
        screen.cursor = None;
        screen.prompt = Some(format!(
            "Warning: {}. Send anyway? y sends, n keeps editing.",
            one_line(w)
        ));
    } else if c.confirm {
        screen.cursor = None;
        screen.prompt = Some("Send this reply? y sends, n keeps editing.".into());
    }
    screen.lines = lines;
    screen
}

pub fn form<'a>(state: &AppState, f: &Form, theme: &Theme, width: usize) -> Screen<'a> {
    let title = match f.kind {
        FormKind::FollowUp => format!(
            "Take {} offline; a case number is assigned.",
            about(state, f.item)
        ),
        FormKind::Snooze => format!("Snooze {}.", about(state, f.item)),
        FormKind::Resolve => format!("Close the follow-up of {}.", about(state, f.item)),
        FormKind::Tags => format!("Tags of {}.", about(state, f.item)),
        FormKind::Assign => format!("Assign {}.", about(state, f.item)),
        FormKind::Filter => "Filter the inbox.".to_string(),
        FormKind::Note => format!("Internal note on {}.", about(state, f.item)),
    };
    let mut lines = Vec::new();
    para(&mut lines, &title, width, theme, Role::Text);
    para(
        &mut lines,
        "Tab moves to the next field, Enter goes on or saves, Control-S saves, Escape cancels.",
        width,
        theme,
        Role::Muted,
    );
    let mut screen = Screen::new(Vec::new());
    for (i, field) in f.fields.iter().enumerate() {
        let cur = if i == f.focus { ">" } else { " " };
        let text = format!("{cur} {}: {}", field.label, one_line(&field.value));
        // Typing happens at the end of the field: the cursor goes there.
        let (rows, (l, col)) = wrap::with_cursor(&text, text.len(), width);
        if i == f.focus {
            screen.focus = lines.len() + l;
            screen.cursor = Some((lines.len() + l, col));
        }
        lines.extend(
            rows.into_iter()
                .map(|t| Line::styled(t, theme.style(Role::Text))),
        );
        para(
            &mut lines,
            &format!("    {}", field.hint),
            width,
            theme,
            Role::Muted,
        );
    }
    if let Some(e) = &f.error {
        para(
            &mut lines,
            &format!("Error: {}", one_line(e)),
            width,
            theme,
            Role::Error,
        );
    }
    screen.lines = lines;
    screen
}
