//! Text editing shared by the reply composer and every box (forms, search-like fields): one
//! key applied to a text and its cursor, and the soft wrap the composer draws and moves by.
//!
//! Pure and grapheme-aware: the cursor is a byte offset into the text that is always on a
//! grapheme-cluster boundary (an emoji with its modifiers, a flag, `e` with its accent move
//! and delete as one); widths are terminal cells as `crate::fmt::text` measures them.
//!
//! Keys: characters insert; Backspace/Delete remove a cluster; ←/→ move by cluster,
//! `ctrl-←`/`ctrl-→` and `alt-b`/`alt-f` by word (letters and digits, as readline);
//! `Home`/`End` go to the start and end of the line; `ctrl-u` deletes back to the line's
//! start and `ctrl-w` (or `alt-Backspace`) the word before the cursor (back to a space, as
//! a shell does).

use std::ops::Range;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_segmentation::UnicodeSegmentation;

use crate::fmt::text::{cluster_width, width};

/// What a key did to the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The text changed (the cursor may have moved too).
    Edited,
    /// Only the cursor moved.
    Moved,
    /// Not an editing key (or nothing to do): the caller may give it another meaning.
    Ignored,
}

/// One key on a query line that is always edited at its end (search, the palette, the
/// template picker): typing, Backspace, `ctrl-u`, `ctrl-w`, `alt-Backspace`. Keys that would
/// only move a cursor (`alt-b`, `Home`) change nothing, and never type a letter. True when
/// the text changed.
pub fn edit_at_end(text: &mut String, key: &KeyEvent) -> bool {
    let mut cursor = text.len();
    match key.code {
        KeyCode::Delete => false,
        _ => apply(text, &mut cursor, key) == Outcome::Edited,
    }
}

/// Apply one key to `text` at `cursor`. Enter and Tab are the caller's (a new line in the
/// composer, the next field in a form).
pub fn apply(text: &mut String, cursor: &mut usize, key: &KeyEvent) -> Outcome {
    *cursor = (*cursor).min(text.len());
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let moved_to = |cursor: &mut usize, to: usize| {
        if to == *cursor {
            Outcome::Ignored
        } else {
            *cursor = to;
            Outcome::Moved
        }
    };
    match key.code {
        KeyCode::Char('u') if ctrl => delete(text, cursor, line_start(text, *cursor)),
        KeyCode::Char('w') if ctrl => delete(text, cursor, space_word_start(text, *cursor)),
        KeyCode::Backspace if ctrl || alt => delete(text, cursor, space_word_start(text, *cursor)),
        KeyCode::Char('b') if alt => moved_to(cursor, word_left(text, *cursor)),
        KeyCode::Char('f') if alt => moved_to(cursor, word_right(text, *cursor)),
        KeyCode::Char(c) if !ctrl && !alt => {
            insert(text, cursor, c.encode_utf8(&mut [0; 4]));
            Outcome::Edited
        }
        KeyCode::Backspace => delete(text, cursor, prev(text, *cursor)),
        KeyCode::Delete => {
            let end = next(text, *cursor);
            if end == *cursor {
                return Outcome::Ignored;
            }
            text.replace_range(*cursor..end, "");
            Outcome::Edited
        }
        KeyCode::Left if ctrl => moved_to(cursor, word_left(text, *cursor)),
        KeyCode::Right if ctrl => moved_to(cursor, word_right(text, *cursor)),
        KeyCode::Left => moved_to(cursor, prev(text, *cursor)),
        KeyCode::Right => moved_to(cursor, next(text, *cursor)),
        KeyCode::Home => moved_to(cursor, line_start(text, *cursor)),
        KeyCode::End => moved_to(cursor, line_end(text, *cursor)),
        _ => Outcome::Ignored,
    }
}

/// Insert `s` at the cursor and move past it.
pub fn insert(text: &mut String, cursor: &mut usize, s: &str) {
    *cursor = (*cursor).min(text.len());
    text.insert_str(*cursor, s);
    *cursor += s.len();
}

/// Delete from `from` (before the cursor) up to the cursor.
fn delete(text: &mut String, cursor: &mut usize, from: usize) -> Outcome {
    if from >= *cursor {
        return Outcome::Ignored;
    }
    text.replace_range(from..*cursor, "");
    *cursor = from;
    Outcome::Edited
}

/// The boundary of the cluster before `at` (or `at` at the start).
pub fn prev(text: &str, at: usize) -> usize {
    text[..at]
        .graphemes(true)
        .next_back()
        .map_or(at, |g| at - g.len())
}

/// The boundary of the cluster after `at` (or `at` at the end).
pub fn next(text: &str, at: usize) -> usize {
    text[at..]
        .graphemes(true)
        .next()
        .map_or(at, |g| at + g.len())
}

pub fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

pub fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i)
}

fn is_word(g: &str) -> bool {
    g.chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// Back over what is not a word, then over the word: the start of this or the last word.
fn word_left(text: &str, at: usize) -> usize {
    let mut i = at;
    let mut seen_word = false;
    for g in text[..at].graphemes(true).rev() {
        match (is_word(g), seen_word) {
            (true, _) => seen_word = true,
            (false, true) => break,
            (false, false) => {}
        }
        i -= g.len();
    }
    i
}

/// Forward over what is not a word, then over the word: the end of this or the next word.
fn word_right(text: &str, at: usize) -> usize {
    let mut i = at;
    let mut seen_word = false;
    for g in text[at..].graphemes(true) {
        match (is_word(g), seen_word) {
            (true, _) => seen_word = true,
            (false, true) => break,
            (false, false) => {}
        }
        i += g.len();
    }
    i
}

/// Back over spaces, then to the previous space or line start (a shell's `ctrl-w`).
fn space_word_start(text: &str, at: usize) -> usize {
    let mut i = at;
    let mut seen_word = false;
    for g in text[..at].graphemes(true).rev() {
        let space = g.chars().all(char::is_whitespace);
        if g == "\n" || (space && seen_word) {
            // A line break is deleted only on its own (ctrl-w at a line's start).
            if g == "\n" && i == at {
                i -= g.len();
            }
            break;
        }
        seen_word |= !space;
        i -= g.len();
    }
    i
}

/// Soft wrap: the rows `text` takes in `cols` cells, as byte ranges (without the `\n`).
/// Rows break after a space where one is in the row, else before the cluster that would
/// not fit (a long URL, CJK); spaces at a break hang at the row's end. Always one row or
/// more (an empty text is one empty row; a trailing `\n` opens an empty last row).
pub fn wrap(text: &str, cols: usize) -> Vec<Range<usize>> {
    let cols = cols.max(1);
    let mut rows = Vec::new();
    let mut line_at = 0;
    for line in text.split('\n') {
        let mut start = line_at;
        let mut used = 0;
        // Where the row may break: after the last space seen in it.
        let mut brk: Option<usize> = None;
        for (i, g) in line.grapheme_indices(true) {
            let at = line_at + i;
            let w = cluster_width(g);
            let space = g.chars().all(char::is_whitespace);
            if used + w > cols && !space && at > start {
                let end = brk.filter(|&b| b > start).unwrap_or(at);
                rows.push(start..end);
                start = end;
                used = width(&text[start..at]);
                brk = None;
                // What moved down with the break may leave no room for this cluster.
                if used + w > cols && at > start {
                    rows.push(start..at);
                    start = at;
                    used = 0;
                }
            }
            used += w;
            if space {
                brk = Some(at + g.len());
            }
        }
        rows.push(start..line_at + line.len());
        line_at += line.len() + 1;
    }
    rows
}

/// The row and the cell column of `cursor` in `rows` (from [`wrap`]).
pub fn locate(text: &str, rows: &[Range<usize>], cursor: usize) -> (usize, usize) {
    let row = rows
        .iter()
        .rposition(|r| r.start <= cursor)
        .unwrap_or_default();
    let start = rows.get(row).map_or(0, |r| r.start);
    (row, width(&text[start..cursor.max(start)]))
}

/// The cursor one wrapped row up or down, at the same cell column or the row's end.
pub fn vertical(text: &str, cursor: usize, cols: usize, down: bool) -> usize {
    let rows = wrap(text, cols);
    let (row, col) = locate(text, &rows, cursor);
    let target = match down {
        true if row + 1 < rows.len() => row + 1,
        false if row > 0 => row - 1,
        _ => return cursor,
    };
    let Some(r) = rows.get(target) else {
        return cursor;
    };
    let mut at = r.start;
    let mut used = 0;
    for g in text[r.clone()].graphemes(true) {
        used += cluster_width(g);
        if used > col {
            break;
        }
        at += g.len();
    }
    // The end of a row broken softly is the next row's start: stay on this row.
    if at == r.end && at > r.start && rows.get(target + 1).is_some_and(|n| n.start == at) {
        at = prev(text, at);
    }
    at
}

#[cfg(test)]
#[path = "textedit_tests.rs"]
mod tests;
