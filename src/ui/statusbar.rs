//! The bottom line: every account's health, unsent drafts, the last message, a help hint.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::AppState;
use crate::app::state::{AccountHealth, Level};
use crate::fmt::text::{truncate, width};
use crate::sanitize;
use crate::sla::format_age;
use crate::theme::{Role, Theme};

/// The health of one account in a few words.
pub fn health_text(health: &AccountHealth, now: Timestamp) -> String {
    match health {
        AccountHealth::Idle => "…".into(),
        AccountHealth::Syncing => "syncing…".into(),
        AccountHealth::Ok { .. } => "✓".into(),
        AccountHealth::Failing { error, retry_at } => {
            let retry = match retry_at {
                Some(t) if *t > now => format!(
                    ", retrying in {}",
                    format_age(now.duration_until(*t).as_secs())
                ),
                Some(_) => ", retrying".into(),
                None => String::new(),
            };
            format!("✗ {}{retry}", sanitize::one_line(error))
        }
        AccountHealth::Elsewhere { holder } => format!("⇄ {}", sanitize::one_line(holder)),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let bar = theme.style(Role::StatusBar);
    let mut spans = Vec::new();
    for (name, view) in &state.accounts {
        let failing = matches!(view.health, AccountHealth::Failing { .. });
        let style = if failing {
            bar.patch(theme.style(Role::Error))
        } else {
            bar
        };
        spans.push(Span::styled(
            format!(" {name} {} ", truncate(&health_text(&view.health, now), 48)),
            style,
        ));
    }
    if state.draft_count > 0 {
        let s = if state.draft_count == 1 { "" } else { "s" };
        spans.push(Span::styled(
            format!(" ✎ {} draft{s} ", state.draft_count),
            bar,
        ));
    }
    if let Some((level, msg)) = &state.message {
        let style = if *level == Level::Error {
            bar.patch(theme.style(Role::Error))
        } else {
            bar
        };
        spans.push(Span::styled(
            format!(" {} ", sanitize::one_line(msg)),
            style,
        ));
    }
    // The help key as bound (a user may have moved it).
    let key = state.keymap.labels_for(crate::keys::Action::Help);
    let hint = match key.first() {
        Some(k) => format!(" {k} help "),
        None => String::new(),
    };
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let room = (area.width as usize).saturating_sub(width(&hint));
    if used > room {
        // Too much to say: keep the start, cut the rest.
        let joined: String = spans.iter().map(|s| s.content.as_ref()).collect();
        spans = vec![Span::styled(truncate(&joined, room), bar)];
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    spans.push(Span::styled(" ".repeat(room.saturating_sub(used)), bar));
    spans.push(Span::styled(hint, bar.patch(theme.style(Role::Key))));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
