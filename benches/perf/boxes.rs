//! Figure 3's key-to-frame in every text box (issue 17): snooze, follow-up, tags, assign,
//! note, filter, closing a follow-up, and the reply composer. Each press goes through the
//! loop's rule, a frame only when `update` left the state dirty: a key that leaves it clean
//! waits for the next tick on screen and is counted as a missed frame, not timed.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tinbox::app::{AppState, Msg};
use tinbox::model::{FollowUp, FollowUpMethod};
use tinbox::theme::Theme;

fn key(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// What each box is typed: characters, backspaces, a field change.
fn typing(chars: usize) -> Vec<Msg> {
    let text = "refund vip tomorrow 10:00 お問い合わせ 🎉 call back ";
    let mut keys: Vec<Msg> = text
        .chars()
        .cycle()
        .take(chars)
        .map(|c| key(KeyCode::Char(c)))
        .collect();
    keys.extend((0..5).map(|_| key(KeyCode::Backspace)));
    keys.push(Msg::Key(KeyEvent::new(
        KeyCode::Char('w'),
        KeyModifiers::CONTROL,
    )));
    keys.extend([key(KeyCode::Left), key(KeyCode::Home), key(KeyCode::End)]);
    keys
}

/// Prints one line: each box's median, the worst p99, and the presses that drew nothing.
pub fn run(state: &mut AppState, term: &mut Terminal<TestBackend>, theme: &Theme, now: Timestamp) {
    let mut missed = 0;
    let mut all: Vec<Duration> = Vec::new();
    let mut line = Vec::new();
    let boxes: [(&str, Vec<Msg>); 8] = [
        ("snooze", vec![key(KeyCode::Char('s'))]),
        (
            "follow-up",
            vec![key(KeyCode::Char('f')), key(KeyCode::Tab)],
        ),
        ("tags", vec![key(KeyCode::Char('t'))]),
        ("assign", vec![key(KeyCode::Char('a'))]),
        ("note", vec![key(KeyCode::Char('i'))]),
        ("filter", vec![key(KeyCode::Char('l'))]),
        ("close", close_follow_up(state)),
        ("composer", vec![key(KeyCode::Char('r'))]),
    ];
    for (name, open) in boxes {
        for m in open {
            super::update(state, m, now);
        }
        let chars = if name == "composer" { 300 } else { 40 };
        let mut times = Vec::new();
        for m in typing(chars) {
            state.dirty = false;
            let t = Instant::now();
            super::update(state, m, now);
            if !state.dirty {
                missed += 1;
                continue;
            }
            term.draw(|f| tinbox::ui::draw(f, state, theme, now))
                .expect("draw");
            times.push(t.elapsed());
        }
        super::update(state, key(KeyCode::Esc), now);
        if matches!(state.mode, tinbox::app::state::Mode::FollowUps { .. }) {
            super::update(state, key(KeyCode::Esc), now);
        }
        times.sort();
        line.push(format!(
            "{name} {:.2}",
            super::ms(super::percentile(&times, 0.5))
        ));
        all.extend(times);
    }
    all.sort();
    println!(
        "   key to frame in the boxes (median ms): {}; all {} presses p99 {:.2} ms, {missed} drew no frame   target median ≤ 5, none missed",
        line.join(", "),
        all.len(),
        super::ms(super::percentile(&all, 0.99))
    );
}

/// The keys that open the box closing a follow-up: the follow-ups view with one case.
fn close_follow_up(state: &AppState) -> Vec<Msg> {
    let Some(item) = state.selected_item().map(|i| i.id) else {
        return Vec::new();
    };
    let now = Timestamp::now();
    vec![
        key(KeyCode::Char('F')),
        Msg::FollowUpsLoaded(vec![FollowUp {
            id: 1,
            item,
            case_number: "CASE-00001".into(),
            method: FollowUpMethod::Phone,
            contact: None,
            due_at: None,
            assignee: None,
            note: None,
            outcome: None,
            created_at: now,
            closed_at: None,
        }]),
        key(KeyCode::Enter),
    ]
}
