//! The help overlay (`?`): every action with the keys bound to it, scrollable.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::dialog::centered;
use crate::fmt::text::{fit, width};
use crate::keys::{Action, Keymap};
use crate::theme::{Role, Theme};

/// The help screen's rows: every action of the `Action` enum with the keys bound to it.
pub fn lines(keymap: &Keymap) -> Vec<(String, &'static str)> {
    Action::ALL
        .iter()
        .map(|a| (keymap.labels_for(*a).join(", "), a.description()))
        .collect()
}

/// The composer's and the boxes' own keys (not actions of the keymap).
pub const COMPOSER_KEYS: [&str; 4] = [
    " In the composer: ctrl-s send · Enter new line · Esc keep draft",
    "   ctrl-e edit in $EDITOR · ctrl-t insert a template",
    " Editing, composer and boxes: ctrl-u to line start · ctrl-w word back",
    "   alt-b/alt-f or ctrl-←/ctrl-→ by word · Home/End",
];

pub fn draw(frame: &mut Frame, area: Rect, scroll: u16, keymap: &Keymap, theme: &Theme) {
    let rows = lines(keymap);
    let keys_w = rows.iter().map(|(k, _)| width(k)).max().unwrap_or(8) + 2;
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {}", fit(k, keys_w)), theme.style(Role::Key)),
                Span::styled(*d, theme.style(Role::Text)),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.extend(
        COMPOSER_KEYS
            .iter()
            .map(|l| Line::styled(*l, theme.style(Role::Muted))),
    );
    let r = centered(area, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    // Never scroll past the last line; say when more is below.
    let max = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    let scroll = scroll.min(max);
    let mut block = Block::bordered()
        .title(" Keys — ?/Esc/q close, j/k/g/G/PgDn scroll ")
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    if scroll < max {
        block = block.title_bottom(Line::styled(" ↓ more below ", theme.style(Role::Key)));
    }
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), r);
}
