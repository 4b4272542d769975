//! The form box drawn: the cursor where it is, the method as a choice, a long error wrapped
//! whole inside the box, a long value scrolled to keep the cursor in view.

use crossterm::event::KeyCode;

use crate::app::state::{Field, Mode};
use crate::app::test_support::{code, key, update};
use crate::testing::t0;
use crate::ui::tests::{inbox, render};

#[test]
fn the_cursor_shows_where_it_is_and_the_method_is_a_choice() {
    let mut s = inbox(80, 24, false);
    update(&mut s, key('f'), t0());
    let screen = render(&s, 80, 24);
    assert!(screen.contains("method: ◂ phone ▸"), "{screen}");
    assert!(
        screen.contains("phone, email, dm, in-person, other · ←/→ change"),
        "{screen}"
    );
    update(&mut s, code(KeyCode::Tab), t0());
    update(&mut s, code(KeyCode::Tab), t0());
    update(&mut s, code(KeyCode::Left), t0());
    update(&mut s, key('x'), t0());
    let screen = render(&s, 80, 24);
    assert!(screen.contains("due: 2x▏h"), "{screen}");
    assert!(screen.contains("method: phone "), "{screen}");
}

#[test]
fn a_long_error_wraps_inside_the_box() {
    let mut s = inbox(80, 24, false);
    update(&mut s, key('s'), t0());
    for c in "next tuesday after the quarterly review meeting".chars() {
        update(&mut s, key(c), t0());
    }
    update(&mut s, code(KeyCode::Enter), t0());
    let error = match &s.mode {
        Mode::Form(f) => f.error.clone().expect("an error"),
        other => panic!("{other:?}"),
    };
    let screen = render(&s, 80, 24);
    // Every word of the error is on screen, and each box row ends with its border.
    let shown: Vec<&str> = screen.split_whitespace().collect();
    for word in error.split_whitespace() {
        let word = word.trim_matches('│');
        assert!(
            shown.iter().any(|w| w.contains(word)),
            "{word:?} missing:\n{screen}"
        );
    }
    assert!(error.starts_with("until "), "{error}");
}

#[test]
fn a_long_value_keeps_the_cursor_in_view() {
    let mut s = inbox(80, 24, false);
    update(&mut s, key('i'), t0());
    let long = "a very long internal note ".repeat(5) + "END";
    if let Mode::Form(f) = &mut s.mode {
        f.fields[0] = Field::new("note", &long, "");
    }
    let screen = render(&s, 80, 24);
    assert!(screen.contains("END▏"), "{screen}");
    assert!(screen.contains("note: …"), "{screen}");
}
