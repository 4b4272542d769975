//! What is drawn on top of the inbox: help, the reply composer, the quit confirmation.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::app::AppState;
use crate::app::composer::length;
use crate::app::state::Composer;
use crate::fmt::text::{fit, width};
use crate::model::{OutboxEntry, OutboxState, Visibility};
use crate::sanitize;
use crate::sla::format_age;
use crate::theme::{Role, Theme};
use jiff::Timestamp;

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A dialog covering `r`: cleared, bordered, titled; returns the inside.
pub fn panel(frame: &mut Frame, r: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(title.to_string())
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    inner
}

/// Nearly the whole screen, for list views.
pub fn full(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

pub fn help(
    frame: &mut Frame,
    area: Rect,
    scroll: u16,
    keymap: &crate::keys::Keymap,
    theme: &Theme,
) {
    let rows = super::help_lines(keymap);
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
    lines.push(Line::styled(
        " In the composer: ctrl-s send · Enter new line · Esc keep draft",
        theme.style(Role::Muted),
    ));
    let r = centered(area, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(" Keys — Esc closes, j/k scroll ")
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    // Never scroll past the last line.
    let max = (lines.len() as u16).saturating_sub(r.height.saturating_sub(2));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll.min(max), 0)),
        r,
    );
}

/// The command palette: the query, then the matching actions with their keys.
pub fn palette(
    frame: &mut Frame,
    area: Rect,
    query: &str,
    selected: usize,
    keymap: &crate::keys::Keymap,
    theme: &Theme,
) {
    let found = crate::app::palette::matches(query);
    let r = centered(area, 72, 16);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(" Command — type to search, Enter runs, Esc closes ")
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let rows = inner.height.saturating_sub(2) as usize;
    // Keep the selection in view.
    let first = selected.saturating_sub(rows.saturating_sub(1));
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
    for (i, a) in found.iter().enumerate().skip(first).take(rows) {
        let style = if i == selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let keys = keymap.labels_for(*a).join(", ");
        let text = format!(
            " {} {} {}",
            fit(a.name(), 16),
            fit(&keys, 10),
            a.description()
        );
        lines.push(Line::styled(fit(&text, inner.width as usize), style));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn composer(frame: &mut Frame, area: Rect, state: &AppState, c: &Composer, theme: &Theme) {
    let h = (area.height / 2).clamp(6, 14);
    let r = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(h + 1),
        area.width,
        h,
    );
    frame.render_widget(Clear, r);
    let item = state.items.iter().find(|i| i.id == c.item);
    let who = item.map(|i| sanitize::one_line(i.author()));
    let audience = match item.map(|i| i.visibility) {
        Some(Visibility::Direct) => "private DM — stays private",
        Some(Visibility::Followers) => "followers only",
        Some(Visibility::Unlisted) => "unlisted",
        _ => "public",
    };
    let title = format!(
        " Reply to {} · {audience} ",
        who.unwrap_or_else(|| format!("#{}", c.item))
    );
    let block = Block::bordered()
        .title(title)
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let text_h = inner.height.saturating_sub(1);
    // Scroll so the cursor's line stays visible.
    let cursor_line = c.text[..c.cursor].matches('\n').count() as u16;
    let top = cursor_line.saturating_sub(text_h.saturating_sub(1));
    let body: Vec<Line> = c
        .text
        .split('\n')
        .map(|l| Line::styled(l.to_string(), theme.style(Role::Text)))
        .collect();
    frame.render_widget(
        Paragraph::new(body).scroll((top, 0)),
        Rect::new(inner.x, inner.y, inner.width, text_h),
    );
    let len = length(&c.text, c.unit);
    let (counter, over) = match c.max_len {
        Some(max) => (format!("{len}/{max}"), len > max),
        None => (format!("{len}"), false),
    };
    let footer = if c.checking {
        Line::from(vec![
            Span::styled(format!(" {counter} "), theme.style(Role::Muted)),
            Span::styled(
                " Checking the conversation for new activity… (Esc: keep editing)",
                theme.style(Role::Muted),
            ),
        ])
    } else if let (true, Some(warning)) = (c.confirm, &c.warning) {
        Line::from(vec![
            Span::styled(
                format!(" ⚠ {}. ", sanitize::one_line(warning)),
                theme.style(Role::Error),
            ),
            Span::styled(
                " Send anyway? y = send · n = keep editing ",
                theme.style(Role::Selection),
            ),
        ])
    } else if c.confirm {
        Line::from(vec![
            Span::styled(format!(" {counter} "), theme.style(Role::Muted)),
            Span::styled(
                " Send this reply? y = send · n = keep editing ",
                theme.style(Role::Selection),
            ),
        ])
    } else {
        Line::from(vec![
            Span::styled(
                format!(" {counter} "),
                if over {
                    theme.style(Role::Error)
                } else {
                    theme.style(Role::Muted)
                },
            ),
            Span::styled(
                " ctrl-s send · Enter new line · Esc keep draft",
                theme.style(Role::Muted),
            ),
        ])
    };
    frame.render_widget(
        Paragraph::new(footer),
        Rect::new(inner.x, inner.y + text_h, inner.width, 1),
    );
    if let Some(p) = &c.picker {
        picker(frame, r, state, p, theme);
        return;
    }
    if !c.confirm && !c.checking {
        let line_start = c.text[..c.cursor].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let col = width(&c.text[line_start..c.cursor]) as u16;
        let x = inner.x + col.min(inner.width.saturating_sub(1));
        let y = inner.y
            + cursor_line
                .saturating_sub(top)
                .min(text_h.saturating_sub(1));
        frame.set_cursor_position(Position::new(x, y));
    }
}

pub fn confirm_quit(frame: &mut Frame, area: Rect, drafts: usize, theme: &Theme) {
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

pub fn outbox(
    frame: &mut Frame,
    area: Rect,
    entries: &[OutboxEntry],
    selected: usize,
    theme: &Theme,
    now: Timestamp,
) {
    let inner = panel(
        frame,
        full(area),
        " Outbox — r resend failed · e edit failed · Esc close ",
        theme,
    );
    let mut lines = Vec::new();
    if entries.is_empty() {
        lines.push(Line::styled(
            " Nothing in the outbox. Replies you send appear here until they are confirmed.",
            theme.style(Role::Muted),
        ));
    }
    let w = inner.width as usize;
    let top = selected.saturating_sub((inner.height as usize).saturating_sub(1));
    for (i, e) in entries
        .iter()
        .enumerate()
        .skip(top)
        .take(inner.height as usize)
    {
        let (role, state) = match e.state {
            OutboxState::Queued => (Role::SlaWarn, "queued"),
            OutboxState::Sending => (Role::SlaWarn, "sending"),
            OutboxState::Sent => (Role::SlaOk, "sent"),
            OutboxState::Failed => (Role::Error, "FAILED"),
        };
        let note = match (e.state, &e.last_error) {
            (OutboxState::Queued, Some(err)) => format!(
                "{err}; next try in {}",
                format_age(now.duration_until(e.next_attempt_at).as_secs())
            ),
            (OutboxState::Failed, Some(err)) => err.clone(),
            (OutboxState::Sent, _) => e.remote_id.clone().unwrap_or_default(),
            _ => String::new(),
        };
        let base = if i == selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let head = format!(" {} #{:<5} {:>2}× ", fit(state, 7), e.item.0, e.attempts);
        let rest = format!(
            "{}  {}",
            sanitize::one_line(&e.text),
            sanitize::one_line(&note)
        );
        let rest = fit(&rest, w.saturating_sub(width(&head)));
        let state_style = if i == selected {
            base
        } else {
            theme.style(role)
        };
        lines.push(Line::from(vec![
            Span::styled(head, state_style),
            Span::styled(rest, base),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The template picker, drawn just above the composer.
fn picker(
    frame: &mut Frame,
    composer: Rect,
    state: &AppState,
    p: &crate::app::state::Picker,
    theme: &Theme,
) {
    let matches = crate::templates::search(&state.templates, &p.query);
    let h = (matches.len() as u16 + 3).clamp(4, 10).min(composer.y);
    if h < 3 {
        return;
    }
    let r = Rect::new(
        composer.x + 2,
        composer.y - h,
        composer.width.saturating_sub(4),
        h,
    );
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(format!(" Template: {}▏ ", p.query))
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let w = inner.width as usize;
    let lines: Vec<Line> = if matches.is_empty() {
        vec![Line::styled(
            " no template matches",
            theme.style(Role::Muted),
        )]
    } else {
        matches
            .iter()
            .enumerate()
            .take(inner.height as usize)
            .map(|(i, t)| {
                let style = if i == p.selected {
                    theme.style(Role::Selection)
                } else {
                    theme.style(Role::Text)
                };
                let name = fit(&t.name, 18);
                let body = fit(&sanitize::one_line(&t.body), w.saturating_sub(21));
                Line::from(vec![
                    Span::styled(format!(" {name} "), style.patch(theme.style(Role::Key))),
                    Span::styled(format!(" {body}"), style),
                ])
            })
            .collect()
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn form(frame: &mut Frame, area: Rect, form: &crate::app::state::Form, theme: &Theme) {
    use crate::app::state::FormKind;
    let title = match form.kind {
        FormKind::FollowUp => format!(" Take #{} offline — a case number is assigned ", form.item),
        FormKind::Snooze => format!(" Snooze #{} ", form.item),
        FormKind::Resolve => format!(" Close the follow-up of #{} ", form.item),
        FormKind::Tags => format!(" Tags of #{} ", form.item),
        FormKind::Assign => format!(" Assign #{} ", form.item),
        FormKind::Filter => " Filter the inbox ".to_string(),
        FormKind::Note => format!(" Internal note on #{} ", form.item),
    };
    let r = centered(area, 72, form.fields.len() as u16 * 2 + 5);
    frame.render_widget(Clear, r);
    let block = Block::bordered()
        .title(title)
        .border_style(theme.style(Role::BorderFocused))
        .title_style(theme.style(Role::Title));
    let inner = block.inner(r);
    frame.render_widget(block, r);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let value_style = if focused {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let cursor = if focused { "▏" } else { "" };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:>9}: ", f.label), theme.style(Role::Key)),
            Span::styled(
                format!("{}{cursor}", sanitize::one_line(&f.value)),
                value_style,
            ),
        ]));
        lines.push(Line::styled(
            format!("{:12}{}", "", f.hint),
            theme.style(Role::Muted),
        ));
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(
            format!(" {}", sanitize::one_line(e)),
            theme.style(Role::Error),
        ));
    } else {
        lines.push(Line::from(""));
    }
    lines.push(Line::styled(
        " Tab next field · Enter next / save · ctrl-s save · Esc cancel",
        theme.style(Role::Muted),
    ));
    frame.render_widget(Paragraph::new(lines), inner);
}

pub fn followups(
    frame: &mut Frame,
    area: Rect,
    entries: &[crate::model::FollowUp],
    selected: usize,
    mine: Option<&str>,
    theme: &Theme,
    now: Timestamp,
) {
    let title = match mine {
        Some(me) => {
            format!(" Follow-ups of {me} — m all · Enter close with outcome · Esc back ")
        }
        None => " Follow-ups — m mine only · Enter close with outcome · Esc back ".to_string(),
    };
    let inner = panel(frame, full(area), &title, theme);
    let mut lines = Vec::new();
    if entries.is_empty() {
        lines.push(Line::styled(
            " No open follow-ups. f on an item takes it offline with a case number.",
            theme.style(Role::Muted),
        ));
    }
    let w = inner.width as usize;
    let top = selected.saturating_sub((inner.height as usize).saturating_sub(1));
    for (i, f) in entries
        .iter()
        .enumerate()
        .skip(top)
        .take(inner.height as usize)
    {
        let (due, role) = match f.due_at {
            Some(d) if d < now => (
                format!("overdue {}", format_age(d.duration_until(now).as_secs())),
                Role::SlaBreached,
            ),
            Some(d) => (
                format!("due in {}", format_age(now.duration_until(d).as_secs())),
                Role::SlaOk,
            ),
            None => ("no due time".to_string(), Role::Muted),
        };
        let base = if i == selected {
            theme.style(Role::Selection)
        } else {
            theme.style(Role::Text)
        };
        let head = format!(
            " {} #{:<5} {:<9} {:<10} ",
            fit(&f.case_number, 12),
            f.item.0,
            f.method.as_str(),
            fit(f.assignee.as_deref().unwrap_or("-"), 10)
        );
        let due = format!("{} ", fit(&due, 14));
        let rest = format!(
            "{}  {}",
            sanitize::one_line(f.contact.as_deref().unwrap_or("")),
            sanitize::one_line(f.note.as_deref().unwrap_or(""))
        );
        let rest = fit(&rest, w.saturating_sub(width(&head) + width(&due)));
        let due_style = if i == selected {
            base
        } else {
            theme.style(role)
        };
        lines.push(Line::from(vec![
            Span::styled(head, base),
            Span::styled(due, due_style),
            Span::styled(rest, base),
        ]));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
