//! The quit confirmation, shown when drafts are left unsent.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use super::dialog::centered;
use crate::theme::{Role, Theme};

/// "Quit with unsent drafts?"
pub fn draw(frame: &mut Frame, area: Rect, drafts: usize, theme: &Theme) {
    let s = if drafts == 1 { "" } else { "s" };
    let lines = vec![
        Line::from(""),
        Line::styled(
            format!(" {drafts} unsent draft{s} saved; they will be here next time."),
            theme.style(Role::Text),
        ),
        Line::from(""),
        Line::styled(" Quit tinbox? y = quit · n = stay", theme.style(Role::Key)),
    ];
    let r = centered(area, 60, 6);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(" Quit ")
        .border_style(theme.style(Role::BorderFocused));
    frame.render_widget(Paragraph::new(lines).block(block), r);
}
