//! The inbox list: one row per item, most urgent first, with a live timer; the columns a
//! width holds come from [`super::columns`].

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::columns::{
    Columns, KIND_W, STATUS_W, TIMER_W, WindowNear, highlight, id_width, kind_marker,
    priority_word, status_word, tags_text, window_near,
};
use super::roles::{channel_role, timer_role};
use crate::app::AppState;
use crate::app::state::{Focus, Mode};
use crate::fmt::text::{fit, truncate, width};
use crate::model::RowItem;
use crate::sanitize;
use crate::sla::{self, TimerState};
use crate::theme::{Role, Theme};

/// The search whose matches the list shows: the one being typed, else the last one.
pub fn search_query(state: &AppState) -> Option<&str> {
    match &state.mode {
        Mode::Search { query, .. } => Some(query.as_str()),
        _ => state.search.as_deref(),
    }
}

fn head(cols: &Columns) -> String {
    let mut h = format!("  {:>w$} ", "#", w = cols.id);
    h.push_str(&fit("KIND", KIND_W));
    h.push(' ');
    if cols.account > 0 {
        h.push_str(&fit("ACCOUNT", cols.account));
        h.push(' ');
    }
    h.push_str(&fit("FROM", cols.author));
    h.push(' ');
    h.push_str(&fit("MESSAGE", cols.text));
    h.push(' ');
    for (name, w) in [
        ("PRIO", cols.priority),
        ("ASSIGNEE", cols.assignee),
        ("TAGS", cols.tags),
    ] {
        if w > 0 {
            h.push_str(&fit(name, w));
            h.push(' ');
        }
    }
    h.push_str(&fit("STATUS", STATUS_W));
    h.push_str(&format!(" {:>TIMER_W$}", "WAIT"));
    h
}

/// The line of a row not loaded yet.
fn placeholder(cols: &Columns, selected: bool, theme: &Theme) -> Line<'static> {
    let marker = if selected { "▶" } else { " " };
    let style = if selected {
        theme.style(Role::Selection).patch(theme.style(Role::Muted))
    } else {
        theme.style(Role::Muted)
    };
    Line::styled(format!("{marker}  {:>w$} …", "", w = cols.id), style)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let cols = Columns::for_width(area.width as usize, id_width(state.items.max_id()));
    let query = search_query(state);
    let hit = theme.style(Role::SearchMatch);
    let mut lines = Vec::with_capacity(area.height as usize);
    lines.push(Line::styled(head(&cols), theme.style(Role::Muted)));
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
        .range(state.offset, area.height.saturating_sub(1) as usize)
    {
        let selected = i == state.selected;
        // A closed item whose row is on its way from the store: a dim line, never a jump.
        let Some(item) = item else {
            lines.push(placeholder(&cols, selected, theme));
            continue;
        };
        let whole = scratch.of(item);
        let t = state.policies.timer(whole, now);
        let near = window_near(whole, t.state, now);
        let timer = match t.state {
            TimerState::None => "—".to_string(),
            _ => sla::format_age(t.elapsed_s),
        };
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
        // Timer colours stay on the selected row too (each theme keeps them readable there).
        let keep = |role: Role| -> Style {
            if selected {
                base.patch(theme.style(role))
            } else {
                theme.style(role)
            }
        };
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
        let sp = || Span::styled(" ", base);
        let mut spans = vec![
            Span::styled(format!("{marker}{mark}"), base),
            Span::styled(format!("{:>w$}", item.id.0, w = cols.id), on(Role::Muted)),
            sp(),
            Span::styled(
                fit(&kind_marker(item.kind.as_str()), KIND_W),
                on(channel_role(item.channel)),
            ),
            sp(),
        ];
        if cols.account > 0 {
            spans.push(Span::styled(
                fit(&sanitize::one_line(item.account()), cols.account),
                on(channel_role(item.channel)),
            ));
            spans.push(sp());
        }
        let author = fit(&sanitize::one_line(item.author()), cols.author);
        spans.extend(highlight(author, query, base, hit));
        spans.push(sp());
        let text = fit(&sanitize::one_line(item.text()), cols.text);
        spans.extend(highlight(text, query, base, hit));
        spans.push(sp());
        if cols.priority > 0 {
            spans.push(Span::styled(
                fit(priority_word(item.priority), cols.priority),
                base,
            ));
            spans.push(sp());
        }
        if cols.assignee > 0 {
            let who = item.assignee().map(sanitize::one_line).unwrap_or_default();
            spans.push(Span::styled(fit(&who, cols.assignee), on(Role::Muted)));
            spans.push(sp());
        }
        if cols.tags > 0 {
            let tags = sanitize::one_line(&tags_text(item.tags()));
            spans.push(Span::styled(fit(&tags, cols.tags), on(Role::Muted)));
            spans.push(sp());
        }
        let status_span = || match t.state {
            TimerState::Warn | TimerState::Breached => Span::styled(
                fit(status_word(item.status, t.state), STATUS_W),
                keep(timer_role(t.state)),
            ),
            _ => Span::styled(fit(item.status.as_str(), STATUS_W), on(Role::Muted)),
        };
        spans.push(match state.claims.get(&item.id) {
            // A teammate is replying: say so where the status is.
            Some(who) => Span::styled(
                fit(
                    &format!("✎{}", sanitize::one_line(&who.join(","))),
                    STATUS_W,
                ),
                on(Role::SlaWarn),
            ),
            // Meta's reply window about to close (or shut): after it no reply can go out,
            // which matters more than the clock the WAIT column still shows.
            None => match near {
                Some(w) => {
                    let role = match w {
                        WindowNear::Shut => Role::SlaBreached,
                        WindowNear::Closes(_) => Role::SlaWarn,
                    };
                    Span::styled(fit(&w.cell(), STATUS_W), keep(role))
                }
                None => status_span(),
            },
        });
        spans.push(sp());
        let timer = truncate(&timer, TIMER_W);
        let pad = " ".repeat(TIMER_W.saturating_sub(width(&timer)));
        spans.push(Span::styled(
            format!("{pad}{timer}"),
            keep(timer_role(t.state)),
        ));
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
