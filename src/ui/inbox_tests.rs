//! The list and the lines around it saying more: columns by width, urgency in words, the
//! whole inbox's counts in the header, key hints that follow the mode and the keymap, search
//! matches highlighted.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use super::tests::{inbox, render};
use super::*;
use crate::app::Msg;
use crate::app::state::{Focus, Form};
use crate::app::test_support::{key, rows, update};
use crate::model::{FollowUp, FollowUpMethod, ItemId, Kind, Priority};
use crate::testing::{at, item, t0};

/// Items of every kind, with triage set on some: tags, an assignee, priorities.
fn triaged(w: u16, h: u16) -> AppState {
    let mut s = inbox(w, h, false);
    let mut dm = item(12, t0(), 25 * 60);
    dm.kind = Kind::Dm;
    dm.tags = vec!["vip".into(), "refund".into()];
    dm.assignee = Some("kim".into());
    dm.priority = Priority::High;
    let mut reply = item(7, t0(), 90);
    reply.kind = Kind::Reply;
    reply.priority = Priority::Urgent;
    let mut quote = item(8, t0(), 3 * 3600);
    quote.kind = Kind::Quote;
    quote.assignee = Some("sam".into());
    let mut entry = item(103, t0(), 300);
    entry.kind = Kind::Entry;
    entry.tags = vec!["docs".into()];
    update(
        &mut s,
        Msg::ItemsLoaded(rows([dm, reply, quote, entry, item(3, t0(), 45)])),
        t0(),
    );
    s
}

/// Columns by width: the id and the kind always; triage columns when there is room; the
/// message keeps at least 30 cells at 80 columns.
#[test]
fn list_columns_at_80_120_and_200() {
    for (w, name) in [(80, "list_80"), (120, "list_120"), (200, "list_200")] {
        let s = triaged(w, 14);
        let screen = render(&s, w, 14);
        insta::assert_snapshot!(name, screen);
        let row = |id: &str| {
            screen
                .lines()
                .find(|l| {
                    let r: String = l.chars().skip(2).collect();
                    r.trim_start().starts_with(id)
                })
                .unwrap_or_else(|| panic!("{w}: no row {id}:\n{screen}"))
                .to_string()
        };
        // Id, then the kind marker.
        assert!(row("12 ").contains("12 DM "), "{w}: {screen}");
        assert!(row("7 ").contains("7 re "), "{w}: {screen}");
        assert!(row("8 ").contains("8 qt "), "{w}: {screen}");
        assert!(row("103 ").contains("103 ent "), "{w}: {screen}");
        assert!(row("3 ").contains("3 @ "), "{w}: {screen}");
        // Urgency in words (the monochrome theme has no colours).
        assert!(row("8 ").contains("BREACHED"), "{w}: {screen}");
        assert!(row("12 ").contains("warn"), "{w}: {screen}");
        let triage = row("12 ").contains("#vip") && row("12 ").contains("kim");
        assert_eq!(triage, w == 200, "{w}: triage columns\n{screen}");
        if w == 200 {
            assert!(row("7 ").contains("urgent") && row("8 ").contains("sam"));
        }
        if w == 80 {
            assert!(
                row("3 ").contains("Message number 3: my order has"),
                "30 cells of message at 80:\n{screen}"
            );
        }
    }
}

/// The header counts what a view hides ("1 breached elsewhere") and overdue follow-ups, and
/// the view's label is spaced like the rest.
#[test]
fn the_header_counts_the_whole_inbox_whatever_the_view() {
    let mut s = triaged(200, 14);
    let all = s.items.rows().to_vec();
    // View 1 is DMs: it shows the DM (in its warn time); the breached quote is elsewhere.
    update(&mut s, key('1'), t0());
    update(&mut s, Msg::ItemsLoaded(all.clone()), t0());
    assert_eq!(s.items.len(), 1, "one DM shown");
    let followup = |id: i64, due: i64, closed: bool| FollowUp {
        id,
        item: ItemId(id),
        case_number: format!("FU-{id}"),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: Some(at(due)),
        assignee: Some("sam".into()),
        note: None,
        outcome: None,
        created_at: at(-7200),
        closed_at: closed.then(|| at(-60)),
    };
    update(
        &mut s,
        Msg::FollowUpsLoaded(vec![
            followup(1, -600, false),
            followup(2, 3600, false),
            followup(3, -600, true),
        ]),
        t0(),
    );
    let top = render(&s, 200, 14).lines().next().unwrap_or("").to_string();
    assert!(top.contains("1 warn · 0 breached"), "{top}");
    assert!(top.contains(" · 1 breached elsewhere"), "{top}");
    assert!(top.contains(" · 1 follow-up overdue"), "{top}");
    assert!(
        top.contains("most urgent first · view DMs: kind:dm"),
        "{top}"
    );
    // At 80 columns the order gives way; the counts and the view stay.
    let top = render(&s, 80, 14).lines().next().unwrap_or("").to_string();
    assert!(
        top.contains("1 breached elsewhere")
            && top.contains("1 overdue")
            && top.contains("view DMs"),
        "{top}"
    );
    assert!(!top.contains("most urgent first"), "{top}");
    // Without the view nothing is elsewhere.
    update(&mut s, key('0'), t0());
    update(&mut s, Msg::ItemsLoaded(all), t0());
    assert_eq!(s.items.len(), 5);
    let top = render(&s, 200, 14).lines().next().unwrap_or("").to_string();
    assert!(!top.contains("elsewhere"), "{top}");
}

fn footer_line(s: &AppState, w: u16, h: u16) -> String {
    let screen = render(s, w, h);
    let lines: Vec<&str> = screen.lines().collect();
    lines[lines.len() - 2].to_string()
}

/// The footer follows the mode, and the inbox's hints come from the keymap: a remapped key
/// shows as itself, an unbound action is not offered.
#[test]
fn the_footer_follows_the_mode_and_the_keymap() {
    let mut s = inbox(80, 24, false);
    let line = footer_line(&s, 80, 24);
    assert!(
        line.contains("r reply") && line.contains("d done"),
        "{line}"
    );
    s.keymap.bind("ctrl-r", "reply").expect("bind");
    s.keymap.bind("r", "none").expect("unbind");
    s.keymap.bind("d", "none").expect("unbind");
    let line = footer_line(&s, 80, 24);
    assert!(line.contains("ctrl-r reply"), "{line}");
    assert!(
        !line.contains(" done"),
        "an unbound action is no hint: {line}"
    );

    let mut s = inbox(80, 24, false);
    let cases: Vec<(Mode, Focus, &str)> = vec![
        (Mode::Normal, Focus::Detail, "j scroll"),
        (
            Mode::Form(Form::snooze(ItemId(1))),
            Focus::List,
            "Esc cancel",
        ),
        (
            Mode::Form(Form::follow_up(ItemId(1), "kim")),
            Focus::List,
            "Tab next field",
        ),
        (
            Mode::Search {
                query: "x".into(),
                origin: 0,
            },
            Focus::List,
            "Enter keep this match",
        ),
        (Mode::ConfirmQuit, Focus::List, "y quit"),
        (
            Mode::FollowUps {
                entries: Vec::new(),
                selected: 0,
            },
            Focus::List,
            "Enter close with an outcome",
        ),
        (
            Mode::Outbox {
                entries: Vec::new(),
                selected: 0,
            },
            Focus::List,
            "r resend a failed reply",
        ),
    ];
    for (mode, focus, want) in cases {
        s.mode = mode.clone();
        s.focus = focus;
        let line = footer_line(&s, 80, 24);
        assert!(line.contains(want), "{mode:?}: {line}");
    }
    // Help keeps the hints in sight where it fits above them.
    s.mode = Mode::Help { scroll: 0 };
    let line = footer_line(&s, 120, 60);
    assert!(line.contains("j/k g/G scroll"), "{line}");
    // The composer's, with the reply box open.
    s.mode = Mode::Normal;
    s.focus = Focus::List;
    update(&mut s, key('r'), t0());
    assert!(matches!(s.mode, Mode::Composer(_)));
    let line = footer_line(&s, 80, 24);
    assert!(line.contains("ctrl-s send"), "{line}");
    // A short terminal keeps its rows for the list.
    assert_eq!(crate::app::layout::list_rows(80, 11, &s), 8);
    assert_eq!(crate::app::layout::list_rows(80, 12, &s), 8);
}

/// `/` highlights the matches in the rows (underlined, so without colour too) and the
/// search line counts them.
#[test]
fn search_highlights_matches_in_the_list() {
    let mut s = inbox(80, 24, false);
    update(&mut s, key('/'), t0());
    for c in "ORDER".chars() {
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT)),
            t0(),
        );
    }
    let msg = s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg.contains(" of 5"), "{msg}");
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    term.draw(|f| draw(f, &s, &Theme::monochrome(), t0()))
        .expect("draw");
    let buf = term.backend().buffer().clone();
    let row: String = (0..80).map(|x| buf[(x, 4)].symbol().to_string()).collect();
    let start = row.find("order").expect("a match on the row");
    let x = row[..start].chars().count() as u16;
    for dx in 0..5 {
        assert!(
            buf[(x + dx, 4)].modifier.contains(Modifier::UNDERLINED),
            "{row}"
        );
    }
    assert!(!buf[(x + 5, 4)].modifier.contains(Modifier::UNDERLINED));
    // Esc gives the search up: no highlight.
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Esc)), t0());
    term.draw(|f| draw(f, &s, &Theme::monochrome(), t0()))
        .expect("draw");
    let buf = term.backend().buffer().clone();
    assert!(!buf[(x, 4)].modifier.contains(Modifier::UNDERLINED));
}

/// A DM whose Meta reply window closes within 2 hours, or has closed, says so in the status
/// cell in words, coloured as a warning or a breach; a far window leaves the status as it is.
#[test]
fn a_closing_reply_window_shows_in_the_status_cell_at_120_columns() {
    use crate::model::ChannelKind;
    let mut s = inbox(120, 14, false);
    let dm = |id: i64, age_s: i64| {
        let mut it = item(id, t0(), age_s);
        (it.channel, it.kind, it.account) = (ChannelKind::Instagram, Kind::Dm, "brand-ig".into());
        it
    };
    let mut answered = dm(24, 9 * 86_400);
    answered.status = crate::model::Status::Done;
    let items = [
        dm(21, 22 * 3600 + 20 * 60),
        dm(22, 8 * 86_400),
        dm(23, 10 * 60),
        answered,
    ];
    update(&mut s, Msg::ItemsLoaded(rows(items)), t0());
    update(&mut s, key('c'), t0());
    let screen = render(&s, 120, 14);
    let row = |id: &str| -> String {
        screen
            .lines()
            .find(|l| {
                l.chars()
                    .skip(2)
                    .collect::<String>()
                    .trim_start()
                    .starts_with(id)
            })
            .unwrap_or_else(|| panic!("no row {id}:\n{screen}"))
            .to_string()
    };
    assert!(row("21 ").contains("win 1h40"), "{screen}");
    assert!(row("22 ").contains("win shut"), "{screen}");
    assert!(
        row("23 ").contains(" new ") && !row("23 ").contains("win"),
        "{screen}"
    );
    assert!(
        !screen.contains("win 0") && !row("24 ").contains("win"),
        "{screen}"
    );
    // The colour of the warning and of the breach, as the theme gives them.
    let theme = Theme::builtin("default").expect("default").expect("parses");
    let mut term = Terminal::new(TestBackend::new(120, 14)).expect("terminal");
    term.draw(|f| draw(f, &s, &theme, t0())).expect("draw");
    let buf = term.backend().buffer().clone();
    for (word, role) in [("win 1h40", Role::SlaWarn), ("win shut", Role::SlaBreached)] {
        let y = (0..14u16)
            .find(|&y| {
                (0..120)
                    .map(|x| buf[(x, y)].symbol())
                    .collect::<String>()
                    .contains(word)
            })
            .expect("row");
        let line: String = (0..120).map(|x| buf[(x, y)].symbol()).collect();
        let x = line[..line.find(word).expect("word")].chars().count() as u16;
        assert_eq!(
            buf[(x, y)].fg,
            theme.style(role).fg.unwrap_or_default(),
            "{word}"
        );
    }
}

#[test]
fn a_closed_row_not_loaded_yet_is_a_dim_placeholder_and_comes_when_loaded() {
    let mut s = AppState::new(crate::sla::Policies::default(), false, "kim".into());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 12,
        },
        t0(),
    );
    s.show_closed = true;
    let done = |id: i64| {
        let mut it = item(id, t0(), 90_000 - id);
        it.status = crate::model::Status::Done;
        it
    };
    let tail: Vec<ItemId> = (100..400).rev().map(ItemId).collect();
    let loaded = crate::app::msg::Loaded {
        open: rows([item(1, t0(), 60)]),
        tail,
        merged: false,
        window: Vec::new(),
        covered: 0..0,
        ..Default::default()
    };
    update(&mut s, Msg::ListLoaded(Box::new(loaded)), t0());
    let screen = render(&s, 80, 12);
    assert!(screen.contains("User 1"), "{screen}");
    assert!(
        screen.contains(" …"),
        "placeholders below the open row: {screen}"
    );
    assert!(!screen.contains("User 399"), "{screen}");
    let placeholder = screen
        .lines()
        .find(|l| l.trim_end().ends_with('…'))
        .expect("placeholder");
    assert!(
        !placeholder.contains("Message"),
        "no text yet: {placeholder}"
    );
    // Its rows arrive: the same place shows the item.
    update(&mut s, Msg::RowsLoaded(rows((390..400).map(done))), t0());
    let screen = render(&s, 80, 12);
    assert!(screen.contains("User 399"), "{screen}");
}
