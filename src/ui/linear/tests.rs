//! Each linear screen on a `TestBackend` at 80×24: what it says, that it has no boxes, and
//! where the cursor is when something is typed into.

use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::AppState;
use crate::app::state::{Level, Mode};
use crate::app::test_support::{code, key, loaded, update};
use crate::model::{FollowUp, FollowUpMethod, ItemId, OutboxEntry, OutboxState};
use crate::report::{Day, Report, Row};
use crate::testing::{at, t0};
use crate::theme::Theme;

/// The screen as text, and the cursor when shown.
fn render(state: &AppState) -> (String, Option<(u16, u16)>) {
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|f| crate::ui::draw(f, state, &Theme::monochrome(), t0()))
        .expect("draw");
    let b = term.backend();
    let cursor = b
        .cursor_visible()
        .then(|| (b.cursor_position().x, b.cursor_position().y));
    let screen = crate::ui::tests::render(state, 80, 24);
    for c in ['│', '─', '┌', '┐', '└', '┘', '▏'] {
        assert!(!screen.contains(c), "a box in linear mode:\n{screen}");
    }
    (screen, cursor)
}

/// The inbox of [`loaded`] in linear mode: items 1..=4, item 3 (2 hours old) first.
fn linear() -> AppState {
    let mut s = loaded();
    s.linear = true;
    s.message = None;
    s
}

fn last_line(screen: &str) -> &str {
    screen.lines().last().unwrap_or("")
}

/// The screen's line that holds `text`, by index.
fn row_of(screen: &str, text: &str) -> usize {
    screen
        .lines()
        .position(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no {text:?} in:\n{screen}"))
}

#[test]
fn list_lines_number_by_item_id_and_show_the_message_at_80_columns() {
    let s = linear();
    assert_eq!(s.selected_item().map(|i| i.id), Some(ItemId(3)));
    let (screen, cursor) = render(&s);
    assert_eq!(cursor, Some((0, 1)), "on the selected line");
    let lines: Vec<&str> = screen.lines().collect();
    // The id that `r` and every command use, not the position in the list.
    assert!(lines[1].starts_with("> #3 BREACHED"), "{screen}");
    assert!(lines[2].starts_with("  #4 "), "{screen}");
    // The message comes before the handle: its start fits in 80 columns.
    assert!(
        lines[1].contains("User 3: Message number 3: my order"),
        "{screen}"
    );
    assert_eq!(
        last_line(&screen),
        "Item #3, 1 of 4. Press ? for help, : for commands."
    );
}

#[test]
fn the_composer_names_recipient_and_audience_and_asks_before_sending() {
    let mut s = linear();
    update(&mut s, key('r'), t0());
    for c in "Thanks".chars() {
        update(&mut s, key(c), t0());
    }
    let (screen, cursor) = render(&s);
    assert!(
        screen.contains("Reply to User 3, public mention on demo (#3). 6 of 20 characters."),
        "{screen}"
    );
    let row = row_of(&screen, "Thanks");
    assert_eq!(cursor, Some((6, row as u16)), "after the text:\n{screen}");
    // `?` is typed here, not help: the last line does not offer it.
    assert_eq!(last_line(&screen), "Item #3, 1 of 4.");
    let Mode::Composer(c) = &mut s.mode else {
        panic!("no composer: {:?}", s.mode)
    };
    c.checking = true;
    let (screen, _) = render(&s);
    assert!(
        last_line(&screen).starts_with("Checking the conversation"),
        "{screen}"
    );
    let Mode::Composer(c) = &mut s.mode else {
        panic!("no composer")
    };
    c.checking = false;
    c.confirm = true;
    let (screen, cursor) = render(&s);
    assert_eq!(
        last_line(&screen),
        "Send this reply? y sends, n keeps editing."
    );
    // The cursor waits after the question.
    assert_eq!(cursor, Some((42, 23)), "{screen}");
    let Mode::Composer(c) = &mut s.mode else {
        panic!("no composer")
    };
    c.warning = Some("Sam replied 2 minutes ago".into());
    let (screen, _) = render(&s);
    assert!(
        screen.contains("Warning: Sam replied 2 minutes ago. Send anyway? y sends"),
        "{screen}"
    );
}

#[test]
fn a_long_reply_wraps_whole_with_the_cursor_in_view() {
    let mut s = linear();
    update(&mut s, key('r'), t0());
    let words: Vec<String> = (0..40).map(|i| format!("word{i}")).collect();
    for c in words.join(" ").chars() {
        update(&mut s, key(c), t0());
    }
    let (screen, cursor) = render(&s);
    for w in &words {
        assert!(
            screen.split_whitespace().any(|x| x == w.as_str()),
            "{w} cut:\n{screen}"
        );
    }
    assert!(screen.contains("too long"), "{screen}");
    let row = row_of(&screen, "word39");
    let col = screen.lines().nth(row).map_or(0, |l| l.len()) as u16;
    assert_eq!(cursor, Some((col, row as u16)), "{screen}");
}

#[test]
fn a_box_shows_its_text_each_key_and_its_error() {
    let mut s = linear();
    update(&mut s, key('s'), t0());
    let (screen, cursor) = render(&s);
    assert!(screen.contains("Snooze #3 (User 3)."), "{screen}");
    let row = row_of(&screen, "> until: 2h");
    assert_eq!(cursor, Some((11, row as u16)), "{screen}");
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, code(KeyCode::Backspace), t0());
    let (screen, _) = render(&s);
    assert!(
        screen.lines().any(|l| l == "> until:"),
        "the backspaces show:\n{screen}"
    );
    update(&mut s, key('4'), t0());
    let (screen, _) = render(&s);
    assert!(screen.contains("> until: 4"), "{screen}");
    let Mode::Form(f) = &mut s.mode else {
        panic!("no form: {:?}", s.mode)
    };
    f.error = Some("until: not a time: \"4x\"".into());
    let (screen, _) = render(&s);
    assert!(screen.contains("Error: until: not a time"), "{screen}");
}

#[test]
fn the_quit_question_is_asked_on_the_last_line() {
    let mut s = linear();
    s.draft_count = 1;
    s.demo = false;
    update(&mut s, key('q'), t0());
    assert_eq!(s.mode, Mode::ConfirmQuit);
    let (screen, _) = render(&s);
    assert!(
        screen.contains("1 unsent draft saved; they will be here next time."),
        "{screen}"
    );
    assert_eq!(last_line(&screen), "Quit tinbox? y quits, n stays.");
}

#[test]
fn a_message_displaced_by_a_prompt_is_still_said() {
    let mut s = linear();
    s.draft_count = 2;
    s.mode = Mode::ConfirmQuit;
    s.message = Some((Level::Info, "Draft kept.".into()));
    let (screen, _) = render(&s);
    assert!(screen.contains("Draft kept."), "{screen}");
    assert!(screen.contains("2 unsent drafts"), "{screen}");
    assert!(screen.contains("the demo forgets everything"), "{screen}");
}

#[test]
fn a_bulk_question_is_asked_on_the_last_line() {
    let mut s = linear();
    update(&mut s, key('V'), t0());
    update(&mut s, key('d'), t0());
    let Mode::Confirm(ask) = &s.mode else {
        panic!("no question: {:?}", s.mode)
    };
    let question = ask.question.clone();
    let (screen, _) = render(&s);
    assert!(question.ends_with("done?"), "{question}");
    assert_eq!(
        last_line(&screen),
        format!("{question} y does it, n leaves them as they are.")
    );
    assert!(screen.contains("> #"), "the list stays above: {screen}");
}

#[test]
fn stats_are_said_as_sentences() {
    let mut s = linear();
    update(&mut s, key('S'), t0());
    assert!(matches!(s.mode, Mode::Stats(None)), "{:?}", s.mode);
    let (screen, _) = render(&s);
    assert!(screen.contains("computing"), "{screen}");
    let row = Row {
        channel: "mastodon".into(),
        account: "brand".into(),
        items_in: 12,
        replied: 10,
        median_first_response_s: Some(720),
        p90_first_response_s: Some(3900),
        breaches: 2,
        open_followups: 1,
        overdue_followups: 0,
        ..Row::default()
    };
    s.mode = Mode::Stats(Some(Box::new(Report {
        since: "2026-11-19".into(),
        until: "2026-11-26".into(),
        rows: vec![row.clone()],
        total: row,
        days: vec![Day {
            date: "2026-11-25".into(),
            items_in: 7,
            replied: 0,
            median_first_response_s: None,
            p90_first_response_s: None,
            breaches: 0,
            followups_opened: 0,
            followups_closed: 0,
        }],
        responders: Vec::new(),
    })));
    let (screen, _) = render(&s);
    assert!(
        screen.contains("mastodon brand: 12 in, 10 replied, median first response 12m"),
        "{screen}"
    );
    assert!(screen.contains("All: 12 in"), "{screen}");
    assert!(
        screen.contains("2026-11-25: 7 in, median first response none."),
        "{screen}"
    );
}

#[test]
fn follow_ups_list_each_case_with_the_selection() {
    let mut s = linear();
    let case = |n: i64, due: i64| FollowUp {
        id: n,
        item: ItemId(n),
        case_number: format!("CASE-0000{n}"),
        method: FollowUpMethod::Phone,
        contact: Some("+44 20 7946 0000".into()),
        due_at: Some(at(due)),
        assignee: Some("kim".into()),
        note: None,
        outcome: None,
        created_at: at(-60),
        closed_at: None,
    };
    s.mode = Mode::FollowUps {
        entries: vec![case(1, 7200), case(2, -600)],
        selected: 1,
    };
    let (screen, _) = render(&s);
    assert!(screen.contains("Follow-ups: 2 open."), "{screen}");
    assert!(
        screen.contains("  CASE-00001, #1, phone, kim, due in 2h"),
        "{screen}"
    );
    assert!(
        screen.contains("> CASE-00002, #2, phone, kim, OVERDUE 10m"),
        "{screen}"
    );
    s.mode = Mode::FollowUps {
        entries: Vec::new(),
        selected: 0,
    };
    assert!(render(&s).0.contains("No open follow-ups."));
}

#[test]
fn the_outbox_says_each_reply_and_its_state() {
    let mut s = linear();
    s.mode = Mode::Outbox {
        entries: vec![OutboxEntry {
            id: 1,
            item: ItemId(3),
            text: "On it".into(),
            idempotency_key: "k".into(),
            state: OutboxState::Failed,
            attempts: 3,
            last_error: Some("HTTP 422".into()),
            next_attempt_at: t0(),
            remote_id: None,
            created_at: t0(),
        }],
        selected: 0,
    };
    let (screen, _) = render(&s);
    assert!(screen.contains("Outbox: 1 replies"), "{screen}");
    assert!(
        screen.contains("> FAILED reply to #3, 3 tries: On it; HTTP 422"),
        "{screen}"
    );
}

#[test]
fn help_palette_and_search_are_plain_lines() {
    let mut s = linear();
    update(&mut s, key('?'), t0());
    let (screen, _) = render(&s);
    assert!(screen.starts_with("tinbox demo:"), "{screen}");
    assert!(screen.contains("Keys. Escape closes"), "{screen}");
    assert!(screen.contains("r: reply to the item"), "{screen}");
    // Scrolled to the end, the last keys show.
    for _ in 0..200 {
        update(&mut s, key('j'), t0());
    }
    let (screen, _) = render(&s);
    assert!(
        screen.contains("In the composer: Control-S sends"),
        "{screen}"
    );
    update(&mut s, code(KeyCode::Esc), t0());
    update(&mut s, key(':'), t0());
    for c in "outbox".chars() {
        update(&mut s, key(c), t0());
    }
    let (screen, cursor) = render(&s);
    assert!(screen.contains("Command: outbox"), "{screen}");
    assert!(screen.contains("> outbox (o): the outbox"), "{screen}");
    let row = row_of(&screen, "Command: outbox");
    assert_eq!(cursor, Some((15, row as u16)));
    update(&mut s, code(KeyCode::Esc), t0());
    update(&mut s, key('/'), t0());
    for c in "zzz".chars() {
        update(&mut s, key(c), t0());
    }
    let (screen, cursor) = render(&s);
    assert_eq!(
        last_line(&screen),
        "Search, no match (Enter keeps it, Escape goes back): zzz"
    );
    assert_eq!(cursor, Some((56, 23)), "after the query");
    // The list is still drawn under the search, and the query is said once.
    assert!(screen.contains("> #3 "), "{screen}");
    assert_eq!(screen.matches("zzz").count(), 1, "{screen}");
}

#[test]
fn a_long_error_is_said_whole_on_the_last_lines() {
    let mut s = linear();
    let error = "Reply to #3 failed: HTTP 422 the status is too long for this server; kept \
                 in the outbox (o) to edit and resend.";
    s.message = Some((Level::Error, error.into()));
    let (screen, _) = render(&s);
    let tail: Vec<&str> = screen.lines().rev().take(2).collect();
    assert_eq!(tail[0], "outbox (o) to edit and resend.", "{screen}");
    assert!(
        tail[1].starts_with("Reply to #3 failed: HTTP 422"),
        "{screen}"
    );
    // Over a prompt, the message goes first in the body, whole.
    s.draft_count = 1;
    s.mode = Mode::ConfirmQuit;
    let (screen, _) = render(&s);
    assert_eq!(row_of(&screen, "Reply to #3 failed"), 1, "{screen}");
    assert_eq!(
        row_of(&screen, "outbox (o) to edit and resend."),
        2,
        "{screen}"
    );
    assert_eq!(last_line(&screen), "Quit tinbox? y quits, n stays.");
}

#[test]
fn a_closing_reply_window_is_said_on_the_items_line() {
    let mut s = linear();
    let mut dm = crate::testing::item(9, t0(), 22 * 3600 + 20 * 60);
    dm.channel = crate::model::ChannelKind::Facebook;
    dm.kind = crate::model::Kind::Dm;
    let far = crate::testing::item(10, t0(), 22 * 3600 + 20 * 60);
    let rows = crate::app::test_support::rows([dm, far]);
    update(&mut s, crate::app::Msg::ItemsLoaded(rows), t0());
    let (screen, _) = render(&s);
    let line = |id: &str| screen.lines().nth(row_of(&screen, id)).unwrap_or("");
    assert!(
        line("#9 ").contains("BREACHED 22h20m, reply window closes in 1h40, User 9"),
        "{screen}"
    );
    assert!(
        !line("#10 ").contains("reply window"),
        "a mention has none: {screen}"
    );
}

/// The header counts what a view hides and the overdue follow-ups, as the TUI's does: a
/// screen-reader user in the DMs view still hears of the breach among the mentions.
#[test]
fn the_header_says_what_the_view_hides_and_what_is_overdue() {
    let mut s = linear();
    let all = s.items.rows().to_vec();
    update(&mut s, key('1'), t0());
    update(&mut s, crate::app::Msg::ItemsLoaded(all), t0());
    let (screen, _) = render(&s);
    let head: Vec<&str> = screen.lines().take(2).collect();
    assert!(head[0].contains("0 open"), "{screen}");
    assert_eq!(
        head[1].trim_end(),
        "Elsewhere: 1 breached, 2 warn.",
        "{screen}"
    );
    let case = FollowUp {
        id: 1,
        item: ItemId(2),
        case_number: "FU-1".into(),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: Some(at(-600)),
        assignee: None,
        note: None,
        outcome: None,
        created_at: at(-7200),
        closed_at: None,
    };
    update(&mut s, crate::app::Msg::FollowUpsLoaded(vec![case]), t0());
    let (screen, _) = render(&s);
    let line = screen.lines().nth(1).unwrap_or("").trim_end();
    assert_eq!(line, "Elsewhere: 1 breached, 2 warn. 1 follow-up overdue.");
}
