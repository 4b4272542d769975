use crossterm::event::KeyCode;

use crate::app::state::Mode;
use crate::app::test_support::*;
use crate::testing::t0;

#[test]
fn search_as_you_type_then_next_and_previous() {
    let mut s = loaded();
    // Order: 3, 4, 2, 1. Authors are "User N".
    update(&mut s, key('/'), t0());
    for c in "user 2".chars() {
        update(&mut s, key(c), t0());
    }
    assert_eq!(s.selected_item().map(|i| i.id.0), Some(2));
    // The search line counts the matches and says which one is selected.
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("/user 2 · 1 of 1")
    );
    update(&mut s, code(KeyCode::Enter), t0());
    assert_eq!(
        (s.mode.clone(), s.search.as_deref()),
        (Mode::Normal, Some("user 2"))
    );
    // "order" is in every text: n and N walk through all of them, wrapping.
    update(&mut s, key('/'), t0());
    for c in "ORDER".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, code(KeyCode::Enter), t0());
    let start = s.selected;
    update(&mut s, key('n'), t0());
    assert_eq!(s.selected, (start + 1) % 4);
    update(&mut s, key('N'), t0());
    update(&mut s, key('N'), t0());
    assert_eq!(s.selected, (start + 3) % 4);
}

#[test]
fn escape_goes_back_and_no_match_says_so() {
    let mut s = loaded();
    update(&mut s, key('j'), t0());
    update(&mut s, key('/'), t0());
    for c in "zzz".chars() {
        update(&mut s, key(c), t0());
    }
    assert!(s.message.as_ref().is_some_and(|m| m.1.contains("no match")));
    assert_eq!(s.selected, 1, "stays where it was");
    update(&mut s, key('u'), t0());
    update(&mut s, code(KeyCode::Backspace), t0());
    update(&mut s, code(KeyCode::Esc), t0());
    assert_eq!((s.selected, s.mode.clone()), (1, Mode::Normal));
}

#[test]
fn the_search_line_counts_matches_as_you_type_and_move() {
    let mut s = loaded();
    update(&mut s, key('/'), t0());
    // "order" is in every text; "User" in every name.
    for c in "ORDER".chars() {
        update(&mut s, key(c), t0());
    }
    let msg = |s: &crate::app::AppState| s.message.clone().map(|m| m.1).unwrap_or_default();
    assert!(msg(&s).ends_with(" of 4"), "{}", msg(&s));
    update(&mut s, code(KeyCode::Enter), t0());
    let first = msg(&s);
    update(&mut s, key('n'), t0());
    assert_ne!(msg(&s), first, "n moves to the next of the four");
    assert!(msg(&s).starts_with("/ORDER · ") && msg(&s).ends_with(" of 4"));
    let (n, nth) = crate::app::search::count(&s.items, "user 3", 0);
    assert_eq!(n, 1);
    assert_eq!(nth, (s.items[0].name() == "User 3").then_some(1));
    // Case and non-ASCII text.
    let (n, _) = crate::app::search::count(&s.items, "ÜSER", 0);
    assert_eq!(n, 0, "Ü is not U");
}

/// The search line edits like the boxes: `ctrl-w` and `alt-Backspace` drop the last word,
/// `ctrl-u` the whole query. The palette's query too.
#[test]
fn the_search_and_palette_lines_take_the_editing_keys() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let alt_bs = crate::app::Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT));
    let mut s = loaded();
    update(&mut s, key('/'), t0());
    for c in "user 2".chars() {
        update(&mut s, key(c), t0());
    }
    let query = |s: &crate::app::AppState| match &s.mode {
        Mode::Search { query, .. } => query.clone(),
        other => panic!("not searching: {other:?}"),
    };
    assert_eq!(query(&s), "user 2");
    update(&mut s, ctrl('w'), t0());
    assert_eq!(query(&s), "user ");
    update(&mut s, key('3'), t0());
    assert_eq!(s.selected_item().map(|i| i.id.0), Some(3));
    update(&mut s, ctrl('u'), t0());
    assert_eq!(query(&s), "");
    update(&mut s, code(KeyCode::Esc), t0());

    update(&mut s, key(':'), t0());
    for c in "snooze now".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, alt_bs, t0());
    match &s.mode {
        Mode::Palette { query, .. } => assert_eq!(query, "snooze "),
        other => panic!("not in the palette: {other:?}"),
    }
}
