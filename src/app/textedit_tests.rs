use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;

fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

/// `text` with `|` marking the cursor, after `keys`: `(text, cursor)` shown the same way.
fn after(start: &str, keys: &[KeyEvent]) -> String {
    let at = start.find('|').expect("a cursor mark");
    let mut text = start.replacen('|', "", 1);
    let mut cursor = at;
    for k in keys {
        apply(&mut text, &mut cursor, k);
    }
    text.insert(cursor, '|');
    text
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;

#[test]
fn typing_and_deleting_by_grapheme() {
    let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
    let typed = after(
        "|",
        &[
            press(KeyCode::Char('h'), NONE),
            press(KeyCode::Char('é'), NONE),
        ],
    );
    assert_eq!(typed, "hé|");
    // A family, a flag and an accented letter go in one backspace each.
    let s = format!("a{family}|");
    assert_eq!(after(&s, &[press(KeyCode::Backspace, NONE)]), "a|");
    assert_eq!(after("🇩🇪|x", &[press(KeyCode::Backspace, NONE)]), "|x");
    assert_eq!(
        after("e\u{301}|", &[press(KeyCode::Left, NONE)]),
        "|e\u{301}"
    );
    assert_eq!(after("|e\u{301}x", &[press(KeyCode::Delete, NONE)]), "|x");
    assert_eq!(after("田|中", &[press(KeyCode::Right, NONE)]), "田中|");
    // Nothing to delete or move: the key is left to the caller.
    let mut text = String::new();
    let mut cursor = 0;
    for code in [
        KeyCode::Backspace,
        KeyCode::Delete,
        KeyCode::Left,
        KeyCode::Home,
    ] {
        assert_eq!(
            apply(&mut text, &mut cursor, &press(code, NONE)),
            Outcome::Ignored
        );
    }
    assert_eq!(
        apply(&mut text, &mut cursor, &press(KeyCode::Char('s'), CTRL)),
        Outcome::Ignored,
        "ctrl-s is the caller's"
    );
}

#[test]
fn line_and_word_keys() {
    let s = "first line\nsecond wor|d here";
    assert_eq!(
        after(s, &[press(KeyCode::Home, NONE)]),
        "first line\n|second word here"
    );
    assert_eq!(
        after(s, &[press(KeyCode::End, NONE)]),
        "first line\nsecond word here|"
    );
    assert_eq!(
        after(s, &[press(KeyCode::Char('u'), CTRL)]),
        "first line\n|d here"
    );
    assert_eq!(
        after(s, &[press(KeyCode::Char('w'), CTRL)]),
        "first line\nsecond |d here"
    );
    // ctrl-w takes spaces before the word too, and a line break only on its own.
    assert_eq!(
        after("at 10:00  |", &[press(KeyCode::Char('w'), CTRL)]),
        "at |"
    );
    assert_eq!(after("a\n|b", &[press(KeyCode::Char('w'), CTRL)]), "a|b");
    assert_eq!(
        after("one two|", &[press(KeyCode::Backspace, ALT)]),
        "one |"
    );
    // Word moves stop at letters and digits: alt-b/alt-f and ctrl-←/ctrl-→ alike.
    let t = "Hi Zoë, call 10:30|";
    assert_eq!(
        after(t, &[press(KeyCode::Char('b'), ALT)]),
        "Hi Zoë, call 10:|30"
    );
    let back3 = [press(KeyCode::Left, CTRL); 3];
    assert_eq!(after(t, &back3), "Hi Zoë, |call 10:30");
    assert_eq!(
        after("|Hi Zoë, call", &[press(KeyCode::Char('f'), ALT); 2]),
        "Hi Zoë|, call"
    );
    assert_eq!(
        after("|Hi Zoë, call", &[press(KeyCode::Right, CTRL)]),
        "Hi| Zoë, call"
    );
    assert_eq!(
        after("|ab", &[press(KeyCode::Char('x'), ALT)]),
        "|ab",
        "other alt keys"
    );
}

fn rows(text: &str, cols: usize) -> Vec<&str> {
    wrap(text, cols).into_iter().map(|r| &text[r]).collect()
}

#[test]
fn wraps_by_display_width_at_spaces() {
    assert_eq!(rows("", 10), vec![""]);
    assert_eq!(rows("hello world again", 11), vec!["hello world ", "again"]);
    assert_eq!(
        rows("hello world again", 10),
        vec!["hello ", "world ", "again"]
    );
    assert_eq!(rows("one\n\ntwo\n", 10), vec!["one", "", "two", ""]);
    // No space to break at: cut between clusters; CJK is two cells.
    assert_eq!(rows("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    assert_eq!(rows("田中美咲さん", 5), vec!["田中", "美咲", "さん"]);
    let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
    let fam = format!("ab{family}{family}");
    assert_eq!(rows(&fam, 4), vec![format!("ab{family}").as_str(), family]);
    for r in rows("日本語のテキストと English words mixed 🎉🎉 together", 9) {
        assert!(crate::fmt::width(r.trim_end()) <= 9, "{r:?}");
    }
}

#[test]
fn the_cursor_is_located_and_moves_by_row() {
    let text = "hello world again";
    let r = wrap(text, 10);
    // At a soft break the cursor belongs to the next row.
    assert_eq!(locate(text, &r, 6), (1, 0));
    assert_eq!(locate(text, &r, 3), (0, 3));
    assert_eq!(locate(text, &r, text.len()), (2, 5));
    assert_eq!(vertical(text, 14, 10, false), 8, "up keeps the column");
    assert_eq!(vertical(text, 4, 10, true), 10);
    assert_eq!(vertical(text, 2, 10, false), 2, "no row above");
    // A shorter row above: its end, not the next row's start.
    assert_eq!(vertical("ab cdefgh", 8, 6, false), 2);
    let cjk = "田中美咲さん";
    assert_eq!(locate(cjk, &wrap(cjk, 5), cjk.len()), (2, 4));
    assert_eq!(vertical(cjk, cjk.len(), 5, false), "田中美".len());
}
