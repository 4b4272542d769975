//! The inbox in linear mode: one item per line, numbered by the id commands take, the
//! message before the handle (so 80 columns show the start of what was said), and the
//! detail of one item; also the words for whom a reply goes to.

use jiff::Timestamp;
use ratatui::text::Line;

use super::Screen;
use crate::app::AppState;
use crate::fmt::text::truncate;
use crate::model::{Item, ItemRow, Kind, RowItem, Visibility};
use crate::sanitize::one_line;
use crate::sla::{TimerState, format_age};
use crate::theme::{Role, Theme};
use crate::ui::columns::window_near;

/// The timer in words: `BREACHED 2h05m`, `warn 20m`, `12m`, `paused`; then Meta's reply
/// window when it is near: `45m, reply window closes in 1h40`.
fn timer_words(state: &AppState, item: &Item, now: Timestamp) -> String {
    let t = state.policies.timer(item, now);
    let age = format_age(t.elapsed_s);
    let words = match t.state {
        TimerState::Breached => format!("BREACHED {age}"),
        TimerState::Warn => format!("warn {age}"),
        TimerState::Ok => age,
        TimerState::Paused => "paused".into(),
        TimerState::None => "answered".into(),
    };
    match window_near(item, t.state, now) {
        Some(w) => format!("{words}, {}", w.words()),
        None => words,
    }
}

/// One item as one line: `> #3 BREACHED 2h05m, Ruth Kessler: <text> (mention on demo
/// (demo), new, unread, @ruth@…)`. What matters for triage comes first (a DM's closing
/// reply window too).
pub fn item_line(state: &AppState, item: &Item, now: Timestamp) -> String {
    let sel = if state.selected_item().map(|i| i.id) == Some(item.id) {
        ">"
    } else {
        " "
    };
    let mark = if state.marked.contains(&item.id) {
        ", marked"
    } else {
        ""
    };
    let unread = if item.read { "" } else { ", unread" };
    let (who, handle) = if item.author.name.is_empty() {
        (one_line(&item.author.handle), String::new())
    } else {
        (
            one_line(&item.author.name),
            format!(", {}", one_line(&item.author.handle)),
        )
    };
    format!(
        "{sel} #{} {}, {who}: {} ({} on {} ({}), {}{unread}{mark}{handle})",
        item.id,
        timer_words(state, item, now),
        one_line(&item.text),
        item.kind,
        item.account,
        item.channel,
        item.status,
    )
}

/// The list: the `rows` items up to the selected one (only those: a long inbox costs no
/// more per frame than a short one).
pub fn list<'a>(
    state: &AppState,
    theme: &Theme,
    width: usize,
    rows: usize,
    now: Timestamp,
) -> Screen<'a> {
    let mut scratch = RowItem::default();
    let first = state.selected.saturating_sub(rows.saturating_sub(1));
    let lines = state
        .items
        .range(first, rows.max(1))
        .map(|(i, row)| {
            let style = if i == state.selected {
                theme.style(Role::Selection)
            } else {
                theme.style(Role::Text)
            };
            // A closed item whose row is still on its way from the store.
            let text = match row {
                Some(row) => item_line(state, scratch.of(row), now),
                None => format!("Item {} of {}, loading.", i + 1, state.items.len()),
            };
            Line::styled(truncate(&text, width), style)
        })
        .collect();
    let focus = state.selected - first;
    Screen {
        focus,
        // On the selected line: a braille display or screen reader that follows the
        // cursor reads the item the keys act on.
        cursor: (!state.items.is_empty()).then_some((focus, 0)),
        ..Screen::new(lines)
    }
}

/// The selected item's line, then its detail wrapped (scrolled by the detail keys).
pub fn detail<'a>(state: &AppState, theme: &Theme, now: Timestamp) -> Screen<'a> {
    let mut lines = Vec::new();
    if let Some(row) = state.selected_item() {
        let mut scratch = RowItem::default();
        let item = scratch.of(row);
        let detail = state.detail.as_ref().filter(|d| d.item.id == item.id);
        lines.push(Line::styled(
            item_line(state, item, now),
            theme.style(Role::Text),
        ));
        lines.extend(super::super::detail::lines(state, item, detail, theme, now));
    }
    Screen {
        wrap: true,
        ..Screen::new(lines)
    }
}

/// Whom a reply to `row` reaches, in words: "Ruth Kessler, public mention on demo".
pub fn reply_to(row: &ItemRow) -> String {
    let kind = match row.kind {
        Kind::Mention => "mention",
        Kind::Reply => "reply",
        Kind::Quote => "quote",
        Kind::Dm => "DM",
        Kind::Entry => "feed entry",
        Kind::Comment => "comment",
        Kind::Email => "email",
    };
    let audience = match row.visibility {
        // A reply never widens the audience: say so where it matters most.
        Visibility::Direct if row.kind == Kind::Dm => "private".to_string(),
        Visibility::Direct => "private (direct)".to_string(),
        Visibility::Followers => "followers-only".to_string(),
        Visibility::Unlisted => "unlisted".to_string(),
        Visibility::Public => "public".to_string(),
    };
    format!(
        "{}, {audience} {kind} on {}",
        one_line(row.author()),
        one_line(row.account())
    )
}
