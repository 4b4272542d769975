//! The inbox list: one row per item, most urgent first, with a live timer.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::roles::{channel_role, timer_role};
use crate::app::AppState;
use crate::app::state::Focus;
use crate::fmt::text::{fit, truncate, width};
use crate::model::RowItem;
use crate::sanitize;
use crate::sla::{self, TimerState};
use crate::theme::{Role, Theme};

const STATUS_W: usize = 9;
const TIMER_W: usize = 6;

struct Columns {
    account: usize,
    author: usize,
    text: usize,
}

fn columns(total: usize) -> Columns {
    let account = if total >= 90 { 10 } else { 7 };
    let author = if total >= 90 { 18 } else { 14 };
    // marker(2) + spaces between five columns
    let fixed = 2 + account + 1 + author + 1 + 1 + STATUS_W + 1 + TIMER_W;
    Columns {
        account,
        author,
        text: total.saturating_sub(fixed),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let cols = columns(area.width as usize);
    let mut lines = Vec::with_capacity(area.height as usize);
    let head = format!(
        "  {} {} {} {} {:>TIMER_W$}",
        fit("ACCOUNT", cols.account),
        fit("FROM", cols.author),
        fit("MESSAGE", cols.text),
        fit("STATUS", STATUS_W),
        "WAIT"
    );
    lines.push(Line::styled(head, theme.style(Role::Muted)));
    if state.items.is_empty() {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            "  Inbox zero. New mentions and DMs appear here as accounts sync.",
            theme.style(Role::Text),
        ));
        lines.push(Line::styled(
            "  Press ? for help, c to show done and ignored items.",
            theme.style(Role::Muted),
        ));
    }
    let mut scratch = RowItem::default();
    for (i, item) in state
        .items
        .iter()
        .enumerate()
        .skip(state.offset)
        .take(area.height.saturating_sub(1) as usize)
    {
        let selected = i == state.selected;
        let t = state.policies.timer(scratch.of(item), now);
        let timer = match t.state {
            TimerState::None => "—".to_string(),
            _ => sla::format_age(t.elapsed_s),
        };
        let author = item.author();
        let base = if selected && state.focus == Focus::List {
            theme.style(Role::Selection)
        } else if selected {
            theme.style(Role::Selection).patch(theme.style(Role::Muted))
        } else if !item.read {
            theme.style(Role::Unread)
        } else {
            theme.style(Role::Text)
        };
        let on = |role: Role| -> Style { if selected { base } else { theme.style(role) } };
        let marker = match (selected, item.read, item.has_draft) {
            (true, _, _) => "▶",
            (_, _, true) => "✎",
            (_, false, _) => "•",
            _ => " ",
        };
        let mark = if state.marked.contains(&item.id) {
            "*"
        } else {
            " "
        };
        let mut spans = vec![
            Span::styled(format!("{marker}{mark}"), base),
            Span::styled(
                fit(&sanitize::one_line(item.account()), cols.account),
                on(channel_role(item.channel)),
            ),
            Span::styled(" ", base),
            Span::styled(fit(&sanitize::one_line(author), cols.author), base),
            Span::styled(" ", base),
            Span::styled(fit(&sanitize::one_line(item.text()), cols.text), base),
            Span::styled(" ", base),
            match state.claims.get(&item.id) {
                // A teammate is replying: say so where the status is.
                Some(who) => Span::styled(
                    fit(
                        &format!("✎{}", sanitize::one_line(&who.join(","))),
                        STATUS_W,
                    ),
                    on(Role::SlaWarn),
                ),
                None => Span::styled(fit(item.status.as_str(), STATUS_W), on(Role::Muted)),
            },
            Span::styled(" ", base),
        ];
        let timer = truncate(&timer, TIMER_W);
        let pad = " ".repeat(TIMER_W.saturating_sub(width(&timer)));
        // The timer keeps its own colour, also on the selected row.
        let timer_style = if selected {
            base.patch(theme.style(timer_role(t.state)))
        } else {
            theme.style(timer_role(t.state))
        };
        spans.push(Span::styled(format!("{pad}{timer}"), timer_style));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::test_support::{rows, update};
    use crate::app::{AppState, Msg};
    use crate::sla::Policies;
    use crate::testing::{item, t0};
    use crate::theme::Theme;

    /// Names and messages whose emoji some terminals draw wider than they are measured.
    const HOSTILE: [&str; 7] = [
        "Zoë \u{2764}\u{fe0f}\u{2764}\u{fe0f}\u{2764}\u{fe0f} fan",
        "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466} family",
        "1\u{fe0f}\u{20e3}2\u{fe0f}\u{20e3}3\u{fe0f}\u{20e3}#\u{fe0f}\u{20e3} keycaps",
        "\u{1f44d}\u{1f3fd}\u{1f44d}\u{1f3ff}\u{1f44b}\u{1f3fb}\u{1f44b}\u{1f3fb}\u{1f44b}\u{1f3fb}\u{1f44b}\u{1f3fb}",
        "\u{e0b0}\u{f015}\u{e0a0} powerline icons",
        "\u{1f3f3}\u{fe0f}\u{200d}\u{1f308}\u{1f1e9}\u{1f1ea}\u{1f1ef}\u{1f1f5} flags",
        "plain name",
    ];

    /// The WAIT column of every row holds its timer, right-aligned, in the cells the header
    /// gives it, whatever came before it in the row.
    #[test]
    fn emoji_sequences_never_shift_the_wait_column() {
        for w in [80u16, 120] {
            let mut s = AppState::new(Policies::default(), false, "kim".into());
            update(
                &mut s,
                Msg::Resize {
                    width: w,
                    height: 20,
                },
                t0(),
            );
            let items = HOSTILE.iter().enumerate().map(|(i, name)| {
                let mut it = item(i as i64 + 1, t0(), 37);
                it.author.name = name.to_string();
                it.text = format!("{name} {name} {name} {name} {name}");
                it
            });
            update(&mut s, Msg::ItemsLoaded(rows(items)), t0());
            let mut term = Terminal::new(TestBackend::new(w, 20)).expect("terminal");
            term.draw(|f| crate::ui::draw(f, &s, &Theme::monochrome(), t0()))
                .expect("draw");
            let buf = term.backend().buffer().clone();
            let line = |y: u16| -> Vec<String> {
                (0..w).map(|x| buf[(x, y)].symbol().to_string()).collect()
            };
            let head = (0..20)
                .find(|&y| line(y).concat().contains("WAIT"))
                .expect("header");
            let cells = line(head);
            let end = (0..cells.len())
                .find(|&x| cells[x..].concat().starts_with("WAIT"))
                .expect("WAIT")
                + 4;
            let mut intact = 0;
            for y in head + 1..20 {
                let row = line(y);
                if row.concat().contains("new") {
                    assert_eq!(
                        row[end - 6..end].concat(),
                        "   37s",
                        "width {w}, row {y}: {:?}",
                        row.concat()
                    );
                    intact += 1;
                }
            }
            assert_eq!(intact, HOSTILE.len(), "width {w}: every row drawn");
        }
    }
}
