//! The composer drawn at 80 columns: long replies, wide characters and pasted lines wrap
//! inside the box with every character kept, the cursor stays in view, and the "Send this
//! reply?" step shows the whole reply.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

use crate::app::AppState;
use crate::app::Msg;
use crate::app::state::Mode;
use crate::app::test_support::{code, key, update};
use crate::fmt;
use crate::testing::t0;
use crate::theme::Theme;
use crate::ui::tests::inbox;

/// The composer open at 80×24 with `text` pasted into an empty reply.
fn composing(text: &str) -> AppState {
    let mut s = inbox(80, 24, false);
    update(&mut s, key('r'), t0());
    if let Mode::Composer(c) = &mut s.mode {
        c.text.clear();
        c.cursor = 0;
    }
    update(&mut s, Msg::Paste(text.into()), t0());
    s
}

/// The screen's rows (wide characters once) and where the terminal cursor is.
fn screen(s: &AppState) -> (Vec<String>, Option<Position>) {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|f| crate::ui::draw(f, s, &Theme::monochrome(), t0()))
        .expect("draw");
    let b = term.backend();
    let cursor = b.cursor_visible().then(|| b.cursor_position());
    let buf = term.backend().buffer().clone();
    let rows = (0..24)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..80 {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = fmt::width(sym).saturating_sub(1);
                line.push_str(sym);
            }
            line
        })
        .collect();
    (rows, cursor)
}

/// The text rows inside the composer's border (between `│`s), trimmed.
fn inside(rows: &[String]) -> Vec<String> {
    rows.iter()
        .filter_map(|r| r.strip_prefix('│').and_then(|r| r.strip_suffix('│')))
        .map(|r| r.trim_end().to_string())
        .collect()
}

fn reply_230() -> String {
    let words = "thanks for writing in, we are looking at order 4471 and will get back";
    let mut t = String::new();
    while t.len() < 230 {
        t.push_str(words);
        t.push(' ');
    }
    t.truncate(230);
    t.trim_end().to_string()
}

#[test]
fn a_long_reply_wraps_and_the_cursor_stays_in_the_box() {
    let text = reply_230();
    let s = composing(&text);
    let (rows, cursor) = screen(&s);
    let shown = inside(&rows);
    // Every word, in order, across the rows: nothing cut at the border.
    let joined: Vec<&str> = shown.iter().flat_map(|r| r.split_whitespace()).collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        joined.windows(words.len()).any(|w| w == words.as_slice()),
        "{shown:#?}"
    );
    let cursor = cursor.expect("the cursor is shown");
    assert!(cursor.x < 79, "the cursor is inside the border: {cursor:?}");
    // Right after the reply's last character.
    let row = &rows[usize::from(cursor.y)];
    let before: String = row.chars().take(usize::from(cursor.x)).collect();
    let last = text.split(' ').next_back().unwrap_or("?");
    assert!(
        before.ends_with(last),
        "{before:?} should end with {last:?}"
    );
}

#[test]
fn wide_characters_wrap_by_cells_and_all_show() {
    let text = "日本語のお問い合わせ🎉".repeat(8);
    let s = composing(&text);
    let (rows, cursor) = screen(&s);
    let shown = inside(&rows).concat();
    assert_eq!(shown.matches('問').count(), 8, "{shown}");
    assert_eq!(shown.matches('🎉').count(), 8, "{shown}");
    for r in inside(&rows) {
        assert!(fmt::width(&r) <= 78, "{r:?}");
    }
    assert!(cursor.is_some_and(|c| c.x < 79));
}

#[test]
fn pasted_lines_keep_their_breaks() {
    let s = composing("line one\r\nline two\n\nline four");
    let shown = inside(&screen(&s).0);
    let at = shown
        .iter()
        .position(|r| r == "line one")
        .expect("first line");
    assert_eq!(shown[at + 1..at + 4], ["line two", "", "line four"]);
}

#[test]
fn a_reply_taller_than_the_box_scrolls_with_the_cursor() {
    let text: Vec<String> = (1..=30).map(|n| format!("row {n}")).collect();
    let mut s = composing(&text.join("\n"));
    let (rows, cursor) = screen(&s);
    let shown = inside(&rows);
    assert!(shown.iter().any(|r| r == "row 30") && !shown.iter().any(|r| r == "row 1"));
    let cursor = cursor.expect("cursor");
    assert!(rows[usize::from(cursor.y)].contains("row 30"), "cursor row");
    for _ in 0..29 {
        update(&mut s, code(KeyCode::Up), t0());
    }
    let (rows, cursor) = screen(&s);
    assert!(inside(&rows).iter().any(|r| r == "row 1"));
    assert!(rows[usize::from(cursor.expect("cursor").y)].contains("row 1"));
}

#[test]
fn the_send_step_shows_the_whole_reply_and_scrolls_a_very_long_one() {
    let text = reply_230();
    let mut s = composing(&text);
    if let Mode::Composer(c) = &mut s.mode {
        c.confirm = true;
    }
    let (rows, cursor) = screen(&s);
    assert!(rows.iter().any(|r| r.contains("Send this reply?")));
    assert!(cursor.is_none(), "no cursor while asking");
    let joined: Vec<String> = inside(&rows)
        .iter()
        .flat_map(|r| r.split_whitespace().map(String::from).collect::<Vec<_>>())
        .collect();
    let words: Vec<String> = text.split_whitespace().map(String::from).collect();
    assert!(joined.windows(words.len()).any(|w| w == words.as_slice()));

    // 40 rows do not fit in 24: the end shows first, ↑ and PgUp scroll, still asking.
    let long: Vec<String> = (1..=40).map(|n| format!("row {n}")).collect();
    let mut s = composing(&long.join("\n"));
    if let Mode::Composer(c) = &mut s.mode {
        c.confirm = true;
    }
    let shown = inside(&screen(&s).0);
    assert!(shown.iter().any(|r| r == "row 40"));
    assert!(
        shown.iter().filter(|r| r.starts_with("row ")).count() >= 15,
        "{shown:#?}"
    );
    assert!(screen(&s).0.iter().any(|r| r.contains("↑↓ scroll")));
    let first_shown = |s: &AppState| {
        inside(&screen(s).0)
            .iter()
            .find_map(|r| r.strip_prefix("row ")?.parse::<usize>().ok())
    };
    let top = first_shown(&s).expect("rows shown");
    update(&mut s, code(KeyCode::Up), t0());
    assert_eq!(first_shown(&s), Some(top - 1), "one row up");
    update(&mut s, code(KeyCode::Down), t0());
    assert_eq!(first_shown(&s), Some(top), "and back down");
    for _ in 0..3 {
        update(&mut s, code(KeyCode::PageUp), t0());
    }
    let shown = inside(&screen(&s).0);
    assert!(
        shown.iter().any(|r| r == "row 1") && !shown.iter().any(|r| r == "row 40"),
        "{shown:#?}"
    );
    update(&mut s, code(KeyCode::Down), t0());
    assert!(
        matches!(&s.mode, Mode::Composer(c) if c.confirm),
        "scrolling is no answer"
    );
}

#[test]
fn the_hint_line_and_the_help_name_the_editor_and_templates() {
    let s = composing("Hi");
    let hint = screen(&s).0.concat();
    assert!(
        hint.contains("ctrl-e editor") && hint.contains("ctrl-t template"),
        "{hint}"
    );
    let mut s = inbox(120, 90, false);
    s.mode = Mode::Help { scroll: 0 };
    let help = crate::ui::tests::render(&s, 120, 90);
    for k in [
        "ctrl-e edit in $EDITOR",
        "ctrl-t insert a template",
        "ctrl-w word back",
    ] {
        assert!(help.contains(k), "{k} missing:\n{help}");
    }
}
