//! The command palette (`:`): every action by name, narrowed by a fuzzy search as you type,
//! Enter runs it. Pure, part of `update`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::state::Mode;
use super::{Action, AppState, Effect};

/// How well `query` matches `text`: its letters in order (any case). Lower is better;
/// `None` when it does not match. Earlier and tighter matches rank first.
pub fn score(query: &str, text: &str) -> Option<usize> {
    let text: Vec<char> = text.to_lowercase().chars().collect();
    let mut pos = 0;
    let mut first = None;
    let mut gaps = 0;
    for q in query.to_lowercase().chars().filter(|c| !c.is_whitespace()) {
        let found = text[pos..].iter().position(|&c| c == q)?;
        if first.is_none() {
            first = Some(pos + found);
        } else {
            gaps += found;
        }
        pos += found + 1;
    }
    Some(first.unwrap_or(0) * 2 + gaps)
}

/// Actions matching `query`, best first (all of them, in order, for an empty query).
pub fn matches(query: &str) -> Vec<Action> {
    let mut scored: Vec<(usize, usize, Action)> = Action::ALL
        .iter()
        .enumerate()
        .filter(|(_, a)| **a != Action::Palette)
        .filter_map(|(i, a)| {
            // The name counts more than the description.
            let by_name = score(query, a.name());
            let by_desc = score(query, a.description()).map(|s| s + 100);
            let best = match (by_name, by_desc) {
                (Some(n), Some(d)) => Some(n.min(d)),
                (n, d) => n.or(d),
            };
            best.map(|s| (s, i, *a))
        })
        .collect();
    scored.sort_by_key(|(score, i, _)| (*score, *i));
    scored.into_iter().map(|(_, _, a)| a).collect()
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
        KeyCode::Backspace => {
            query.pop();
            *selected = 0;
        }
        KeyCode::Char(c) if !ctrl => {
            query.push(c);
            *selected = 0;
        }
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
        assert_eq!(score("ab", "a_b"), Some(1));
        assert!(score("ab", "ab") < score("ab", "a_b"));
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
