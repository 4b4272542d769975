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
        // A metered account says what it spent: "brand-x ✓ · 1,234 of 10,000 reads this month".
        let usage = view
            .usage
            .as_deref()
            .map(|u| format!(" · {}", truncate(&sanitize::one_line(u), 40)))
            .unwrap_or_default();
        spans.push(Span::styled(
            format!(
                " {name} {}{usage} ",
                truncate(&health_text(&view.health, now), 48)
            ),
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

#[cfg(test)]
mod tests {
    use crate::app::Msg;
    use crate::app::test_support::{loaded, update};
    use crate::channels::poller::PollerEvent;
    use crate::testing::t0;

    #[test]
    fn a_metered_account_shows_what_its_poller_last_reported() {
        let mut s = loaded();
        let before = crate::ui::tests::render(&s, 100, 10);
        assert!(!before.contains("reads"), "{before}");
        let usage = |line: &str| {
            Msg::Poller(PollerEvent::Usage {
                account: "demo".into(),
                line: (!line.is_empty()).then(|| line.into()),
            })
        };
        update(&mut s, usage("120 of 10,000 reads this month"), t0());
        assert!(s.dirty);
        let screen = crate::ui::tests::render(&s, 100, 10);
        let bar = screen.lines().last().unwrap_or_default();
        assert!(
            bar.contains("demo") && bar.contains("120 of 10,000 reads this month"),
            "{screen}"
        );
        update(&mut s, usage("220 of 10,000 reads this month"), t0());
        let bar = crate::ui::tests::render(&s, 100, 10);
        assert!(
            bar.contains("220 of 10,000") && !bar.contains("120 of"),
            "{bar}"
        );
        // A line that goes away (a rate limit passed) leaves the bar.
        update(&mut s, usage(""), t0());
        let bar = crate::ui::tests::render(&s, 100, 10);
        assert!(!bar.contains("reads this month"), "{bar}");
    }
}
