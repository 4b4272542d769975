//! The command palette (`:`): every action by name, narrowed by [`crate::fuzzy`] as you type,
//! Enter runs it. Pure, part of `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use std::cmp::Reverse;

use super::state::Mode;
use super::{Action, AppState, Effect};
use crate::fuzzy::Fuzzy;

/// Actions matching `query`, best first (all of them, in order, for an empty query). A match
/// in the name ranks before one only in the description.
pub fn matches(query: &str) -> Vec<Action> {
    let mut fuzzy = Fuzzy::new(query);
    let mut scored: Vec<(u8, Reverse<u32>, usize, Action)> = Action::ALL
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != Action::Palette)
        .filter_map(|(i, a)| {
            let by_name = fuzzy.score(a.name()).map(|s| (0, s));
            let best = by_name.or_else(|| fuzzy.score(a.description()).map(|s| (1, s)));
            best.map(|(tier, s)| (tier, Reverse(s), i, *a))
        })
        .collect();
    // The index is unique, so the action never decides the order.
    scored.sort_unstable_by_key(|(tier, score, i, _)| (*tier, *score, *i));
    scored.into_iter().map(|(.., a)| a).collect()
}

pub fn open(state: &mut AppState) -> Vec<Effect> {
    state.mode = Mode::Palette {
        query: String::new(),
        selected: 0,
    };
    Vec::new()
}

/// A key in the palette: edits the query or moves the choice; Enter closes the palette and
/// answers the chosen action, which `update` then applies.
pub fn on_key(state: &mut AppState, key: KeyEvent) -> Option<Action> {
    let Mode::Palette { query, selected } = &mut state.mode else {
        return None;
    };
    state.dirty = true;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let found = matches(query);
    match key.code {
        KeyCode::Esc => state.mode = Mode::Normal,
        KeyCode::Enter => {
            let action = found.get(*selected).copied()?;
            state.mode = Mode::Normal;
            return Some(action);
        }
        KeyCode::Down | KeyCode::Tab => {
            *selected = (*selected + 1).min(found.len().saturating_sub(1))
        }
        KeyCode::Char('n') if ctrl => {
            *selected = (*selected + 1).min(found.len().saturating_sub(1))
        }
        KeyCode::Up | KeyCode::BackTab => *selected = selected.saturating_sub(1),
        KeyCode::Char('p') if ctrl => *selected = selected.saturating_sub(1),
        _ if super::textedit::edit_at_end(query, &key) => *selected = 0,
        _ => {}
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::test_support::*;
    use crate::testing::t0;

    #[test]
    fn fuzzy_search_ranks_names_first() {
        assert_eq!(matches("fol")[0], Action::FollowUp);
        assert_eq!(matches("snz")[0], Action::Snooze);
        assert_eq!(matches("brch")[0], Action::BreachingSoon);
        assert!(matches("zzzq").is_empty());
        assert_eq!(
            matches("").len(),
            Action::ALL.len() - 1,
            "all but the palette"
        );
        // Tighter matches first (the scoring itself is tested in `fuzzy`).
        assert_eq!(matches("sort")[0], Action::ToggleSort);
    }

    #[test]
    fn enter_runs_the_chosen_action() {
        let mut s = loaded();
        update(&mut s, key(':'), t0());
        for c in "help".chars() {
            update(&mut s, key(c), t0());
        }
        let screen = crate::ui::tests::render(&s, 100, 30);
        assert!(screen.contains("show this help"), "{screen}");
        update(&mut s, code(KeyCode::Enter), t0());
        assert!(matches!(s.mode, Mode::Help { .. }));

        update(&mut s, code(KeyCode::Esc), t0());
        update(&mut s, key(':'), t0());
        for c in "sort".chars() {
            update(&mut s, key(c), t0());
        }
        let before = s.sort;
        update(&mut s, code(KeyCode::Enter), t0());
        assert_ne!(s.sort, before, "toggle-sort ran");
        assert_eq!(s.mode, Mode::Normal);
    }
}
