//! The detail pane: the whole message, the timer explained, the open case, the thread and the
//! history.

use jiff::Timestamp;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::roles::timer_role;
use crate::app::AppState;
use crate::app::state::Focus;
use crate::channels::email::fold;
use crate::model::{FollowUp, Item, Kind, RowItem, Status};
use crate::sanitize;
use crate::sla::{self, Policy, TimerState, format_age};
use crate::theme::{Role, Theme};

/// One sentence explaining an item's timer.
pub fn explain(item: &Item, policy: &Policy, now: Timestamp) -> String {
    let t = sla::timer(item, policy, now);
    let target = match t.target {
        crate::model::TimerTarget::FirstResponse => "first response",
        crate::model::TimerTarget::NextResponse => "next response",
    };
    let age = format_age(t.elapsed_s);
    let base = match t.state {
        TimerState::Ok => format!(
            "waiting {age} for a {target} — warn in {}",
            format_age(policy.warn_s - t.elapsed_s)
        ),
        TimerState::Warn => format!(
            "waiting {age} for a {target} — breach in {}",
            format_age(policy.breach_s - t.elapsed_s)
        ),
        TimerState::Breached => {
            format!(
                "waiting {age} for a {target} — breached {} ago",
                format_age(t.elapsed_s - policy.breach_s)
            )
        }
        TimerState::Paused => match item.paused_since {
            Some(p) => format!(
                "clock paused at {age} while {}, for {}",
                item.status,
                format_age(p.duration_until(now).as_secs())
            ),
            None => format!("clock paused at {age} while {}", item.status),
        },
        TimerState::None => match item.status {
            Status::Replied => "answered".to_string(),
            s => format!("no clock ({s})"),
        },
    };
    match &policy.hours {
        Some(h)
            if t.state != TimerState::None
                && t.state != TimerState::Paused
                && !h.is_open_at(now) =>
        {
            format!("{base} · outside business hours, the clock is stopped")
        }
        _ => base,
    }
}

/// The open case in one line: its number, method, contact, due time and designated person
/// (also `tinbox show`). Contacts and names are teammates' text, cleaned like remote text.
pub fn case_line(f: &FollowUp, now: Timestamp) -> String {
    let mut parts = vec![
        format!("case {}", sanitize::one_line(&f.case_number)),
        format!("by {}", f.method),
    ];
    if let Some(c) = f.contact.as_deref().map(sanitize::one_line) {
        parts.push(c);
    }
    let when = |d: Timestamp| d.strftime("%Y-%m-%d %H:%M UTC");
    parts.push(match f.due_at {
        Some(d) if d < now => format!(
            "due {} (overdue {})",
            when(d),
            format_age(d.duration_until(now).as_secs())
        ),
        Some(d) => format!(
            "due {} (in {})",
            when(d),
            format_age(now.duration_until(d).as_secs())
        ),
        None => "no due time".into(),
    });
    parts.push(match &f.assignee {
        Some(a) => format!("with {}", sanitize::one_line(a)),
        None => "nobody assigned".into(),
    });
    parts.join(" · ")
}

/// An item's text as lines. An email's quoted history and signature (below the fold marker
/// its channel wrote) is one muted line saying how long it is, or shown whole after such a
/// line when `shown`. Only emails fold: in other text the marker is the author's own words.
fn body_lines<'a>(body: &str, kind: Kind, shown: bool, text: Style, muted: Style) -> Vec<Line<'a>> {
    let all: Vec<&str> = body.lines().collect();
    let fold = (kind == Kind::Email)
        .then(|| all.iter().position(|l| l.trim() == fold::MARKER))
        .flatten();
    let Some(at) = fold else {
        return all
            .iter()
            .map(|l| Line::styled(l.to_string(), text))
            .collect();
    };
    let rest = &all[at + 1..];
    let n = rest.len();
    let noun = if n == 1 { "line" } else { "lines" };
    let mut out: Vec<Line<'a>> = all[..at]
        .iter()
        .map(|l| Line::styled(l.to_string(), text))
        .collect();
    if shown {
        out.push(Line::styled(
            format!("▾ quoted history and signature, {n} {noun} — z folds them"),
            muted,
        ));
        out.extend(rest.iter().map(|l| Line::styled(l.to_string(), text)));
    } else {
        out.push(Line::styled(
            format!("▸ quoted history and signature, {n} {noun} — z shows them"),
            muted,
        ));
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, now: Timestamp) {
    let focused = state.focus == Focus::Detail;
    let border = if focused {
        theme.style(Role::BorderFocused)
    } else {
        theme.style(Role::Border)
    };
    let selected = state.selected_item();
    let detail = state
        .detail
        .as_ref()
        .filter(|d| Some(d.item.id) == selected.map(|i| i.id));
    let title = match selected {
        Some(i) => format!(" #{} ", i.id),
        None => " detail ".to_string(),
    };
    let block = Block::bordered()
        .title(title)
        .border_style(border)
        .title_style(theme.style(Role::Title));
    let Some(item) = selected else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let p = Paragraph::new(lines(
        state,
        RowItem::default().of(item),
        detail,
        theme,
        now,
    ))
    .block(block)
    .wrap(Wrap { trim: false })
    .scroll((state.detail_scroll, 0));
    frame.render_widget(p, area);
}

/// The detail of `item` as lines: who, where, the timer explained, the text, the thread,
/// the draft and the history (also the linear mode's detail).
pub fn lines<'a>(
    state: &AppState,
    item: &Item,
    detail: Option<&crate::model::ItemDetail>,
    theme: &Theme,
    now: Timestamp,
) -> Vec<Line<'a>> {
    let muted = theme.style(Role::Muted);
    let text = theme.style(Role::Text);
    let t = state.policies.timer(item, now);
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                sanitize::one_line(&item.author.name),
                theme.style(Role::Title),
            ),
            Span::styled(
                format!(" {}", sanitize::one_line(&item.author.handle)),
                muted,
            ),
        ]),
        Line::styled(
            format!(
                "{} ({}) · {} · {} · {} priority",
                item.account, item.channel, item.kind, item.visibility, item.priority
            ),
            muted,
        ),
        Line::styled(
            format!(
                "{} · {}",
                item.created_at.strftime("%Y-%m-%d %H:%M UTC"),
                item.status
            ),
            muted,
        ),
        Line::styled(
            explain(item, state.policies.for_item(item), now),
            theme.style(timer_role(t.state)),
        ),
    ];
    // Meta's reply window for a Facebook or Instagram DM.
    if let Some(w) = crate::channels::meta::window::of(item, now) {
        let role = match w {
            crate::channels::meta::window::Window::Standard { .. } => Role::Muted,
            _ => Role::SlaWarn,
        };
        lines.push(Line::styled(
            crate::channels::meta::window::describe(w, now),
            theme.style(role),
        ));
    }
    if let Some(who) = state.claims.get(&item.id) {
        let verb = if who.len() == 1 { "is" } else { "are" };
        lines.push(Line::styled(
            format!(
                "✎ {} {verb} replying to this now",
                sanitize::one_line(&who.join(", "))
            ),
            theme.style(Role::SlaWarn),
        ));
    }
    let mut meta = Vec::new();
    if !item.tags.is_empty() {
        meta.push(format!(
            "tags: {}",
            sanitize::one_line(&item.tags.join(", "))
        ));
    }
    if let Some(a) = &item.assignee {
        meta.push(format!("assigned to {}", sanitize::one_line(a)));
    }
    if !meta.is_empty() {
        lines.push(Line::styled(meta.join(" · "), muted));
    }
    if let Some(f) = detail.and_then(|d| d.follow_up.as_ref()) {
        let overdue = f.due_at.is_some_and(|d| d < now);
        let role = if overdue {
            Role::SlaBreached
        } else {
            Role::Text
        };
        lines.push(Line::styled(case_line(f, now), theme.style(role)));
        if let Some(note) = &f.note {
            lines.push(Line::styled(
                format!("note: {}", sanitize::one_line(note)),
                muted,
            ));
        }
    }
    lines.push(Line::from(""));
    let body = sanitize::clean(&item.text);
    let shown = state.show_quoted == Some(item.id);
    lines.extend(body_lines(&body, item.kind, shown, text, muted));
    if let Some(url) = &item.url {
        lines.push(Line::styled(sanitize::one_line(url), muted));
    }
    match detail {
        None => lines.push(Line::styled("loading…", muted)),
        Some(d) => {
            if d.thread.len() > 1 || d.thread.iter().any(|e| e.outbound) {
                lines.push(Line::from(""));
                lines.push(Line::styled("Thread", theme.style(Role::Title)));
                for e in &d.thread {
                    let who = if e.outbound {
                        "↳ you".to_string()
                    } else {
                        sanitize::one_line(&e.author.handle)
                    };
                    let style = if e.item == Some(item.id) {
                        theme.style(Role::Unread)
                    } else {
                        text
                    };
                    lines.push(Line::from(vec![
                        Span::styled(format!("{} ", e.created_at.strftime("%H:%M")), muted),
                        Span::styled(format!("{who}: "), theme.style(Role::Key)),
                        Span::styled(sanitize::one_line(&e.text), style),
                    ]));
                }
            }
            if let Some(draft) = &d.draft {
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    "Draft (r to continue)",
                    theme.style(Role::Title),
                ));
                for l in sanitize::clean(draft).lines() {
                    lines.push(Line::styled(l.to_string(), text));
                }
            }
            if !d.history.is_empty() {
                lines.push(Line::from(""));
                lines.push(Line::styled("History", theme.style(Role::Title)));
                for h in &d.history {
                    let from = h.from.map(|f| format!("{f} → ")).unwrap_or_default();
                    lines.push(Line::styled(
                        format!(
                            "{} {from}{} by {}: {}",
                            h.at.strftime("%m-%d %H:%M"),
                            h.to,
                            h.who,
                            h.why
                        ),
                        muted,
                    ));
                }
            }
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FollowUpMethod, ItemDetail};
    use crate::sla::Policies;
    use crate::testing::{at, item, t0};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// The detail pane of `text` (an item of `kind`, selected) at 60×24, after `keys`.
    fn pane(kind: Kind, text: &str, keys: &str) -> String {
        use crate::app::Msg;
        use crate::app::test_support::{key, rows, update};
        let mut s = AppState::new(Policies::default(), false, "kim".into());
        let mut it = item(3, t0(), 60);
        it.kind = kind;
        it.url = None;
        it.text = text.into();
        update(&mut s, Msg::ItemsLoaded(rows([it])), t0());
        for c in keys.chars() {
            update(&mut s, key(c), t0());
        }
        let mut term = Terminal::new(TestBackend::new(60, 24)).expect("terminal");
        term.draw(|f| draw(f, f.area(), &s, &Theme::monochrome(), t0()))
            .expect("draw");
        let buf = term.backend().buffer().clone();
        (0..24)
            .map(|y| (0..60).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect()
    }

    fn email() -> String {
        format!(
            "Where is my order?\n\n{}\nOn Mon, Kim wrote:\n> shipped\n-- \nKim",
            fold::MARKER
        )
    }

    #[test]
    fn an_emails_quote_is_one_line_until_z_shows_it() {
        let folded = pane(Kind::Email, &email(), "");
        assert!(folded.contains("Where is my order?"), "{folded}");
        assert!(
            folded.contains("▸ quoted history and signature, 4 lines — z shows them"),
            "{folded}"
        );
        assert!(!folded.contains("> shipped"), "{folded}");
        assert!(!folded.contains(fold::MARKER), "{folded}");

        let open = pane(Kind::Email, &email(), "z");
        assert!(open.contains("Where is my order?"), "{open}");
        assert!(
            open.contains("▾ quoted history and signature, 4 lines — z folds them"),
            "{open}"
        );
        for l in ["On Mon, Kim wrote:", "> shipped", "-- ", "Kim"] {
            assert!(open.contains(l), "{l}: {open}");
        }
        assert!(!open.contains("▸"), "{open}");

        let again = pane(Kind::Email, &email(), "zz");
        assert!(again.contains("z shows them") && !again.contains("> shipped"));
    }

    #[test]
    fn a_text_without_the_marker_or_not_an_email_is_shown_as_it_is() {
        let plain = pane(Kind::Email, "Hello\n> not a fold here", "");
        assert!(plain.contains("Hello") && plain.contains("> not a fold here"));
        assert!(!plain.contains("quoted history"), "{plain}");
        // Another channel's text holding the marker hides nothing.
        let dm = pane(Kind::Dm, &email(), "");
        assert!(
            dm.contains("> shipped") && dm.contains(fold::MARKER),
            "{dm}"
        );
        assert!(!dm.contains("z shows them"), "{dm}");
    }

    #[test]
    fn the_open_case_is_in_the_detail() {
        let state = AppState::new(Policies::default(), false, "kim".into());
        let it = item(7, t0(), 60);
        let case = FollowUp {
            id: 1,
            item: it.id,
            case_number: "NW-0003".into(),
            method: FollowUpMethod::Phone,
            contact: Some("+49 30 1234".into()),
            due_at: Some(at(-3600)),
            assignee: Some("sam".into()),
            note: Some("ask\nabout the refund".into()),
            outcome: None,
            created_at: at(-7200),
            closed_at: None,
        };
        let detail = ItemDetail {
            item: it.clone(),
            thread: vec![],
            history: vec![],
            draft: None,
            follow_up: Some(case),
        };
        let text: Vec<String> = lines(&state, &it, Some(&detail), &Theme::monochrome(), t0())
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        let due = at(-3600).strftime("%Y-%m-%d %H:%M UTC").to_string();
        let want =
            format!("case NW-0003 · by phone · +49 30 1234 · due {due} (overdue 1h00m) · with sam");
        assert!(text.contains(&want), "{text:#?}");
        assert!(
            text.contains(&"note: ask about the refund".to_string()),
            "{text:#?}"
        );
    }
}
