use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::*;
use crate::app::Msg;
use crate::app::state::{AccountHealth, AccountView, Composer};
use crate::app::test_support::{rows, update, whole};
use crate::channels::{Capabilities, LengthUnit};
use crate::model::{
    ChannelKind, HistoryEntry, ItemDetail, ItemId, Kind, Status, ThreadEntry, Visibility,
};
use crate::sla::Policies;
use crate::testing::{at, item, t0};

/// Render and return the screen as text, one line per row.
pub(crate) fn render(state: &AppState, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    term.draw(|f| draw(f, state, &Theme::monochrome(), t0()))
        .expect("draw");
    let buf = term.backend().buffer().clone();
    (0..h)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..w {
                // A wide character fills two cells; the second is only its continuation.
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = fmt::width(sym).saturating_sub(1);
                line.push_str(sym);
            }
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn caps() -> Capabilities {
    Capabilities {
        can_reply: true,
        can_dm: true,
        max_len: Some(500),
        length_unit: LengthUnit::Chars,
    }
}

/// An inbox with one item in each timer state, a DM and a wide-character author.
pub(crate) fn inbox(w: u16, h: u16, demo: bool) -> AppState {
    let mut s = AppState::new(Policies::default(), demo, "kim".into());
    s.accounts.insert(
        "demo".into(),
        AccountView {
            channel: ChannelKind::Demo,
            capabilities: caps(),
            health: AccountHealth::Ok { at: t0() },
            usage: None,
        },
    );
    s.accounts.insert(
        "brand-masto".into(),
        AccountView {
            channel: ChannelKind::Mastodon,
            capabilities: caps(),
            health: AccountHealth::Failing {
                error: "offline".into(),
                retry_at: Some(at(40)),
            },
            usage: None,
        },
    );
    let mut breached = item(1, t0(), 2 * 3600);
    breached.text =
        "My order #4471 never arrived and support bounces \u{1b}[31mRED\u{1b}[0m".into();
    let mut warn = item(2, t0(), 20 * 60);
    warn.kind = Kind::Dm;
    warn.visibility = Visibility::Direct;
    warn.author.name = "田中 美咲".into();
    warn.read = true;
    let ok = item(3, t0(), 45);
    let mut paused = item(4, t0(), 3600);
    paused.status = Status::Pending;
    paused.paused_since = Some(at(-1800));
    let mut replied = item(5, t0(), 7200);
    replied.status = Status::Replied;
    replied.waiting_since = None;
    replied.has_draft = true;
    update(
        &mut s,
        Msg::Resize {
            width: w,
            height: h,
        },
        t0(),
    );
    update(
        &mut s,
        Msg::ItemsLoaded(rows([ok, warn, breached, paused, replied])),
        t0(),
    );
    s
}

pub(crate) fn with_detail(mut s: AppState) -> AppState {
    let it = whole(s.selected_item().expect("selected"));
    let thread = vec![
        ThreadEntry {
            remote_id: it.remote_id.clone(),
            author: it.author.clone(),
            text: it.text.clone(),
            created_at: it.created_at,
            outbound: false,
            item: Some(it.id),
        },
        ThreadEntry {
            remote_id: "o1".into(),
            author: Default::default(),
            text: "On it!".into(),
            created_at: at(-60),
            outbound: true,
            item: None,
        },
    ];
    let history = vec![HistoryEntry {
        at: it.created_at,
        who: "tinbox".into(),
        from: None,
        to: Status::New,
        why: "arrived".into(),
    }];
    update(
        &mut s,
        Msg::DetailLoaded(Box::new(ItemDetail {
            item: it,
            thread,
            history,
            draft: Some("Half a reply".into()),
            follow_up: None,
        })),
        t0(),
    );
    s
}

#[test]
fn inbox_80x24() {
    let s = inbox(80, 24, true);
    let screen = render(&s, 80, 24);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("2h00m") && screen.contains("20m") && screen.contains("45s"));
    assert!(screen.contains("DEMO"));
    assert!(
        screen.contains("5 open") || screen.contains("4 open"),
        "{screen}"
    );
    assert!(screen.contains("retrying in 40s"), "{screen}");
    assert!(!screen.contains('\u{1b}'), "no escape reaches the screen");
}

#[test]
fn inbox_with_detail_120x40() {
    let s = with_detail(inbox(120, 40, false));
    let screen = render(&s, 120, 40);
    insta::assert_snapshot!(screen);
    assert!(
        screen.contains("— breached") && screen.contains("1h00m ago"),
        "{screen}"
    );
    assert!(screen.contains("↳ you: On it!"));
    assert!(screen.contains("Half a reply"));
    assert!(!screen.contains("DEMO"));
}

#[test]
fn narrow_detail_replaces_the_list() {
    let mut s = with_detail(inbox(80, 24, false));
    update(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        t0(),
    );
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("History") && !screen.contains("MESSAGE"),
        "{screen}"
    );
}

#[test]
fn help_lists_every_action() {
    let mut s = inbox(120, 40, false);
    s.mode = Mode::Help { scroll: 0 };
    let screen = render(&s, 120, 40);
    insta::assert_snapshot!(screen);
    // What does not fit is below, scrolled to.
    s.mode = Mode::Help { scroll: 500 };
    let rest = render(&s, 120, 40);
    for a in crate::app::Action::ALL {
        assert!(
            screen.contains(a.description()) || rest.contains(a.description()),
            "{a:?} missing from help"
        );
    }
}

#[test]
fn composer_and_confirmation() {
    let mut s = inbox(80, 24, false);
    s.mode = Mode::Composer(Composer {
        item: ItemId(1),
        text: "Hi! So sorry.\nWe're checking #4471 now.".into(),
        cursor: 5,
        confirm: false,
        max_len: Some(500),
        unit: LengthUnit::Chars,
        dirty: false,
        resend: None,
        picker: None,
        opened_at: at(0),
        checking: false,
        warning: None,
        again: false,
    });
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("Reply to User 1 · public")
            && screen.contains("39/500")
            && screen.contains("ctrl-s send"),
        "{screen}"
    );
    if let Mode::Composer(c) = &mut s.mode {
        c.confirm = true;
    }
    let screen = render(&s, 80, 24);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("Send this reply?"));
    // The traffic cop: while it looks, and when it found something.
    if let Mode::Composer(c) = &mut s.mode {
        c.confirm = false;
        c.checking = true;
    }
    assert!(render(&s, 80, 24).contains("Checking the conversation"));
    if let Mode::Composer(c) = &mut s.mode {
        c.checking = false;
        c.confirm = true;
        c.warning = Some("Since you opened this, kim has replied\x1b]0;x\x07".into());
    }
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("⚠ Since you opened this, kim has replied")
            && screen.contains("Send anyway?")
            && !screen.contains('\x1b'),
        "{screen}"
    );
}

#[test]
fn teammates_replying_show_in_the_row_and_the_detail() {
    let mut s = inbox(120, 40, false);
    let id = s.items[0].id;
    s.claims.insert(id, vec!["kim".into()]);
    let d = ItemDetail {
        item: whole(&s.items[0]),
        thread: Vec::new(),
        history: Vec::new(),
        draft: None,
        follow_up: None,
    };
    update(&mut s, Msg::DetailLoaded(Box::new(d)), t0());
    let screen = render(&s, 120, 40);
    assert!(screen.contains("✎kim"), "{screen}");
    assert!(screen.contains("✎ kim is replying to this now"), "{screen}");
}

#[test]
fn empty_inbox_is_friendly() {
    let mut s = AppState::new(Policies::default(), false, "kim".into());
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
        t0(),
    );
    let screen = render(&s, 80, 24);
    insta::assert_snapshot!(screen);
    assert!(screen.contains("Inbox zero"));
}

#[test]
fn list_rows_match_what_is_drawn() {
    for (w, h) in [(80, 24), (120, 40), (100, 10)] {
        let mut s = AppState::new(Policies::default(), false, "kim".into());
        update(
            &mut s,
            Msg::Resize {
                width: w,
                height: h,
            },
            t0(),
        );
        update(
            &mut s,
            Msg::ItemsLoaded(rows((1..=60).map(|i| item(i, t0(), i * 60)))),
            t0(),
        );
        let screen = render(&s, w, h);
        let rows = screen
            .lines()
            .filter(|l| l.contains("Message number"))
            .count();
        assert_eq!(rows, list_rows(w, h, &s), "{w}x{h}");
        assert_eq!(visible_items(&s).len(), rows);
    }
}

#[test]
fn tiny_and_odd_sizes_do_not_panic() {
    let mut s = with_detail(inbox(80, 24, true));
    for (w, h) in [
        (0, 0),
        (1, 1),
        (10, 3),
        (19, 4),
        (20, 5),
        (30, 6),
        (99, 7),
        (100, 7),
        (300, 100),
    ] {
        update(
            &mut s,
            Msg::Resize {
                width: w,
                height: h,
            },
            t0(),
        );
        for mode in [Mode::Normal, Mode::Help { scroll: 3 }, Mode::ConfirmQuit] {
            s.mode = mode;
            render(&s, w, h);
        }
    }
}

#[test]
fn the_timer_explanation_mentions_closed_business_hours() {
    let hours = crate::sla::BusinessHours::parse("Europe/Berlin", "mon-fri", "09:00-17:00", &[])
        .expect("hours");
    let policy = crate::sla::Policy {
        warn_s: 900,
        breach_s: 1800,
        hours: Some(std::sync::Arc::new(hours)),
    };
    // t0 is Thursday 2026-11-26 11:00 Berlin: open.
    let it = item(1, t0(), 600);
    assert_eq!(
        detail::explain(&it, &policy, t0()),
        "waiting 10m for a first response — warn in 5m"
    );
    let night = at(12 * 3600);
    assert!(
        detail::explain(&it, &policy, night)
            .ends_with("outside business hours, the clock is stopped")
    );
}

#[test]
fn linear_mode_has_no_boxes_and_says_where_you_are() {
    let mut s = inbox(80, 24, false);
    s.linear = true;
    s.message = None;
    let screen = render(&s, 80, 24);
    for frame_char in ['│', '─', '┌', '┐', '└', '┘'] {
        assert!(
            !screen.contains(frame_char),
            "a box in linear mode:\n{screen}"
        );
    }
    let lines: Vec<&str> = screen.lines().collect();
    assert!(lines[0].starts_with("tinbox: "), "{screen}");
    assert!(
        lines[1].starts_with("> #1 "),
        "the selected item first: {screen}"
    );
    assert!(lines[2].starts_with("  #2 "), "{screen}");
    assert!(screen.contains("Item #1, 1 of "), "{screen}");
    // Opening an item shows its detail as plain lines under the item.
    update(
        &mut s,
        Msg::Key(crossterm::event::KeyEvent::from(
            crossterm::event::KeyCode::Enter,
        )),
        t0(),
    );
    let screen = render(&s, 80, 24);
    assert!(screen.contains("> #1 "), "{screen}");
    assert!(!screen.contains('│'), "{screen}");
}
