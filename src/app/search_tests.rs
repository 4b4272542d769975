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
    assert_eq!(s.message.as_ref().map(|m| m.1.as_str()), Some("/user 2"));
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
