//! The key-hint footer: one line above the status bar saying the keys of the mode on screen
//! (the list, the detail pane, the composer, each entry box, help, follow-ups, the outbox),
//! as neomutt and newsboat do; `?` stays the full help (the status bar names its key).
//!
//! The inbox's keys come from the keymap, so a user's own binding shows as the real key and
//! an unbound action is not offered. The keys of dialogs are fixed in their handlers (no
//! binding exists): those are written here as the handlers read them.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
use crate::app::state::{Focus, FormKind, Mode};
use crate::fmt::text::width;
use crate::keys::{Action, Keymap};
use crate::theme::{Role, Theme};

/// A hint: the key as shown, and what it does.
pub type Hint = (String, &'static str);

/// The inbox's actions offered in the list, most useful first (the line keeps as many as fit).
const LIST: &[(Action, &str)] = &[
    (Action::Open, "open"),
    (Action::Reply, "reply"),
    (Action::Done, "done"),
    (Action::Snooze, "snooze"),
    (Action::Pending, "pending"),
    (Action::FollowUp, "follow-up"),
    (Action::Mark, "mark"),
    (Action::Search, "search"),
    (Action::Filter, "filter"),
    (Action::Palette, "commands"),
    (Action::Quit, "quit"),
];

const DETAIL: &[(Action, &str)] = &[
    (Action::Down, "scroll"),
    (Action::Reply, "reply"),
    (Action::Done, "done"),
    (Action::Snooze, "snooze"),
    (Action::Note, "note"),
    (Action::SwitchPane, "list"),
    (Action::Back, "back"),
];

/// Hints from the keymap: the first key bound to each action (none: not offered).
fn bound(keymap: &Keymap, actions: &[(Action, &'static str)]) -> Vec<Hint> {
    actions
        .iter()
        .filter_map(|&(a, what)| keymap.labels_for(a).into_iter().next().map(|k| (k, what)))
        .collect()
}

fn fixed(hints: &[(&str, &'static str)]) -> Vec<Hint> {
    hints.iter().map(|&(k, w)| (k.to_string(), w)).collect()
}

/// The hints of the mode on screen, most useful first.
pub fn hints(state: &AppState) -> Vec<Hint> {
    match &state.mode {
        Mode::Normal if state.focus == Focus::Detail => bound(&state.keymap, DETAIL),
        Mode::Normal => {
            let mut h = bound(&state.keymap, LIST);
            if state.search.as_ref().is_some_and(|s| !s.is_empty()) {
                // After a search, its next match is the likely next key.
                let next = bound(&state.keymap, &[(Action::SearchNext, "next match")]);
                h.splice(0..0, next);
            }
            h
        }
        Mode::Search { .. } => {
            let mut h = fixed(&[("Enter", "keep this match"), ("Esc", "back")]);
            h.extend(bound(
                &state.keymap,
                &[
                    (Action::SearchNext, "next (after Enter)"),
                    (Action::SearchPrev, "previous"),
                ],
            ));
            h
        }
        Mode::Help { .. } => fixed(&[("j/k g/G", "scroll"), ("? or Esc", "close")]),
        Mode::Composer(c) if c.picker.is_some() => fixed(&[
            ("type", "to narrow"),
            ("↑/↓", "choose"),
            ("Enter", "insert"),
            ("Esc", "close"),
        ]),
        Mode::Composer(c) if c.checking => fixed(&[("Esc", "do not send")]),
        Mode::Composer(c) if c.confirm => fixed(&[("y", "send"), ("n", "keep editing")]),
        Mode::Composer(_) => fixed(&[
            ("ctrl-s", "send"),
            ("Esc", "close, keep draft"),
            ("ctrl-t", "templates"),
            ("ctrl-e", "$EDITOR"),
            ("ctrl-w", "delete word"),
            ("ctrl-u", "delete to line start"),
        ]),
        Mode::ConfirmQuit => fixed(&[("y", "quit"), ("any other key", "stay")]),
        Mode::Confirm(_) => fixed(&[("y", "do it"), ("n or Esc", "leave them as they are")]),
        Mode::Form(form) => {
            let mut h = match form.kind {
                FormKind::Filter => fixed(&[("Enter", "apply")]),
                _ if form.fields.len() > 1 => fixed(&[("Tab", "next field"), ("ctrl-s", "save")]),
                _ => fixed(&[("Enter", "save")]),
            };
            h.extend(fixed(&[
                ("Esc", "cancel"),
                ("ctrl-u", "clear"),
                ("ctrl-w", "delete word"),
                ("alt-b/alt-f", "word back/forward"),
            ]));
            h
        }
        Mode::Stats(_) => fixed(&[("any key", "close")]),
        Mode::FollowUps { .. } => fixed(&[
            ("j/k", "move"),
            ("Enter", "close with an outcome"),
            ("m", "mine / everyone's"),
            ("Esc", "back"),
        ]),
        Mode::Palette { .. } => fixed(&[
            ("type", "to narrow"),
            ("↑/↓", "choose"),
            ("Enter", "run"),
            ("Esc", "close"),
        ]),
        Mode::Outbox { .. } => fixed(&[
            ("j/k", "move"),
            ("r", "resend a failed reply"),
            ("e", "edit it"),
            ("Esc", "back"),
        ]),
    }
}

/// One line: as many hints as fit, most useful first (the status bar says the help key).
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if area.height == 0 {
        return;
    }
    let room = area.width as usize;
    let (key, muted) = (theme.style(Role::Key), theme.style(Role::Muted));
    let mut spans = Vec::new();
    let mut used = 0;
    for (k, what) in hints(state) {
        let w = 1 + width(&k) + 1 + width(what) + 1;
        if used + w > room {
            break;
        }
        spans.push(Span::raw(" "));
        spans.push(Span::styled(k, key));
        spans.push(Span::styled(format!(" {what} "), muted));
        used += w;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
