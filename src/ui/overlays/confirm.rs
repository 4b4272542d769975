//! The yes/no questions: quitting with drafts left unsent, and a change to more than one
//! item (`Mode::Confirm`). The texts come from the state, so the linear mode says the same.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use super::dialog::centered;
use crate::app::AppState;
use crate::app::state::Ask;
use crate::theme::{Role, Theme};

/// "Quit with unsent drafts?"
pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let text = format!(" {}", state.quit_question());
    question(
        frame,
        area,
        " Quit ",
        &text,
        " Quit tinbox? y = quit · n = stay",
        theme,
    );
}

/// "Mark 13 items done? y/n"
pub fn draw_ask(frame: &mut Frame, area: Rect, ask: &Ask, theme: &Theme) {
    let text = format!(" {}", ask.question);
    question(
        frame,
        area,
        " Confirm ",
        &text,
        " y = yes · n or Esc = no",
        theme,
    );
}

fn question(frame: &mut Frame, area: Rect, title: &str, text: &str, keys: &str, theme: &Theme) {
    let lines = vec![
        Line::from(""),
        Line::styled(text.to_string(), theme.style(Role::Text)),
        Line::from(""),
        Line::styled(keys.to_string(), theme.style(Role::Key)),
    ];
    // Wide enough for the question, which wraps on a narrow screen.
    let w = crate::fmt::text::width(text).max(50) as u16 + 4;
    let r = centered(area, w, 7);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(title.to_string())
        .border_style(theme.style(Role::BorderFocused));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        r,
    );
}
