//! The command palette overlay (`:`): the query, then the matching actions with their keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::dialog::{centered, highlighted, panel, scroll_top};
use crate::fmt::text::fit;
use crate::fuzzy::Fuzzy;
use crate::keys::Keymap;
use crate::sanitize;
use crate::theme::{Role, Theme};

/// The command palette: the query, then the matching actions with their keys.
pub fn draw(
    frame: &mut Frame,
    area: Rect,
    query: &str,
    selected: usize,
    keymap: &Keymap,
    theme: &Theme,
) {
    let found = crate::app::palette::matches(query);
    let r = centered(area, 72, 16);
    let inner = panel(
        frame,
        r,
        " Command — type to search, Enter runs, Esc closes ",
        theme,
    );
    let rows = inner.height.saturating_sub(2) as usize;
    // Keep the selection in view.
    let first = scroll_top(selected, rows);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(" : ", theme.style(Role::Key)),
            Span::styled(sanitize::one_line(query), theme.style(Role::Text)),
            Span::styled("▏", theme.style(Role::Muted)),
        ]),
        Line::from(""),
    ];
    if found.is_empty() {
        lines.push(Line::styled(" no action matches", theme.style(Role::Muted)));
    }
    let mut fuzzy = Fuzzy::new(query);
    for (i, a) in found.iter().enumerate().skip(first).take(rows) {
        let style = if i == selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let keys = keymap.labels_for(*a).join(", ");
        // The name with the letters the query matched marked (none when it matched the
        // description), then the keys and the description.
        let name = fit(a.name(), 16);
        let matched = fuzzy.positions(a.name()).unwrap_or_default();
        let rest = format!(" {} {}", fit(&keys, 10), a.description());
        let mut spans = vec![Span::styled(" ", style)];
        spans.extend(highlighted(&name, &matched, style));
        spans.push(Span::styled(
            fit(&rest, (inner.width as usize).saturating_sub(17)),
            style,
        ));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
