//! The overlays drawn: composer, quit confirmation, template picker, help, stats.

use crate::app::state::{Composer, Level, Mode};
use crate::app::test_support::whole;
use crate::channels::LengthUnit;
use crate::model::ItemId;
use crate::sla::Policies;
use crate::testing::{at, t0};
use crate::ui::tests::{inbox, render};

#[test]
fn composer_on_a_dm_says_it_stays_private() {
    let mut s = inbox(80, 24, false);
    s.mode = Mode::Composer(Composer {
        item: ItemId(2),
        text: String::new(),
        cursor: 0,
        confirm: false,
        max_len: Some(5),
        unit: LengthUnit::Chars,
        dirty: false,
        resend: None,
        picker: None,
        opened_at: at(0),
        checking: false,
        warning: None,
        again: false,
    });
    assert!(render(&s, 80, 24).contains("private DM — stays private"));
}

#[test]
fn quit_confirmation_and_messages() {
    let mut s = inbox(80, 24, false);
    s.draft_count = 2;
    s.mode = Mode::ConfirmQuit;
    s.message = Some((Level::Error, "Reply to #3 not sent: offline".into()));
    let screen = render(&s, 120, 24);
    assert!(
        screen.contains("2 unsent drafts") && screen.contains("Quit tinbox?"),
        "{screen}"
    );
    assert!(screen.contains("not sent: offline"));
}

#[test]
fn template_picker_lists_matches_above_the_composer() {
    let mut s = inbox(100, 30, false);
    s.templates = vec![
        crate::templates::Template {
            name: "refund".into(),
            body: "Hi {name}, your refund is on its way.".into(),
        },
        crate::templates::Template {
            name: "call-back".into(),
            body: "We'll call you today.".into(),
        },
    ];
    s.mode = Mode::Composer(Composer {
        item: ItemId(1),
        text: String::new(),
        cursor: 0,
        confirm: false,
        max_len: None,
        unit: LengthUnit::Chars,
        dirty: false,
        resend: None,
        picker: Some(crate::app::state::Picker {
            query: "ref".into(),
            selected: 0,
        }),
        opened_at: at(0),
        checking: false,
        warning: None,
        again: false,
    });
    let screen = render(&s, 100, 30);
    assert!(screen.contains("Template: ref"), "{screen}");
    assert!(
        screen.contains("refund") && screen.contains("your refund is on its way"),
        "{screen}"
    );
    assert!(!screen.contains("call-back"), "filtered out");
}

#[test]
fn stats_view_shows_the_table_and_charts() {
    let mut s = inbox(120, 40, false);
    let items: Vec<_> = s.items.iter().map(whole).collect();
    let report = crate::report::build(
        &items,
        &[],
        &Policies::default(),
        at(-7 * 86_400),
        t0(),
        &jiff::tz::TimeZone::UTC,
    );
    s.mode = Mode::Stats(Some(Box::new(report)));
    let screen = render(&s, 120, 40);
    assert!(
        screen.contains("MEDIAN") && screen.contains("BREACHES"),
        "{screen}"
    );
    assert!(
        screen.contains("Incoming per day") && screen.contains("Median first response per day"),
        "{screen}"
    );
    assert!(
        screen.contains(" demo ") && screen.contains(" all "),
        "{screen}"
    );
    s.mode = Mode::Stats(None);
    assert!(render(&s, 120, 40).contains("computing"));
}

#[test]
fn help_scrolling_stops_at_the_last_line() {
    let mut s = inbox(80, 24, false);
    s.mode = Mode::Help { scroll: 500 };
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("In the composer"),
        "the last line stays in view:\n{screen}"
    );
    assert!(
        screen.contains(crate::app::Action::ALL[crate::app::Action::ALL.len() - 1].description())
    );
}

/// The follow-up list scrolls with its selection: the selected case is on screen, the first
/// ones are not, and an empty list says how to make one.
#[test]
fn long_lists_scroll_to_the_selection() {
    use crate::model::{FollowUp, FollowUpMethod};
    let case = |n: i64| FollowUp {
        id: n,
        item: ItemId(n),
        case_number: format!("CASE-{n:05}"),
        method: FollowUpMethod::Phone,
        contact: None,
        due_at: None,
        assignee: None,
        note: None,
        outcome: None,
        created_at: t0(),
        closed_at: None,
    };
    let mut s = inbox(80, 12, false);
    s.mode = Mode::FollowUps {
        entries: (1..=30).map(case).collect(),
        selected: 24,
    };
    let screen = render(&s, 80, 12);
    assert!(screen.contains("CASE-00025"), "{screen}");
    assert!(!screen.contains("CASE-00001"), "{screen}");
    s.mode = Mode::FollowUps {
        entries: Vec::new(),
        selected: 0,
    };
    assert!(render(&s, 80, 12).contains("No open follow-ups"));
}
