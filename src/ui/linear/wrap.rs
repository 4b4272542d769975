//! Word wrapping by display width for the linear mode, with byte ranges so that a cursor
//! inside the text can be placed on its wrapped line: a screen reader follows the cursor.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use crate::fmt::text::{cluster_width, width as text_width};

/// The rows of one paragraph (no `\n`) at `width` cells, as contiguous byte ranges that
/// together cover all of `text`. Breaks after spaces; a word longer than a row is cut
/// between grapheme clusters. Spaces at a break stay at the end of their row (they may
/// pass the edge: they are blank, and so a cursor after them has a place).
pub fn ranges(text: &str, width: usize) -> Vec<Range<usize>> {
    let width = width.max(1);
    let mut rows = Vec::new();
    let (mut start, mut used) = (0, 0);
    // Where the row may break (just after a space), and the row's width there.
    let mut brk: Option<(usize, usize)> = None;
    for (i, g) in text.grapheme_indices(true) {
        let w = cluster_width(g);
        if g.chars().all(char::is_whitespace) {
            used += w;
            brk = Some((i + g.len(), used));
            continue;
        }
        if used + w > width {
            match brk.take() {
                Some((at, at_w)) if at > start => {
                    rows.push(start..at);
                    start = at;
                    used -= at_w;
                }
                _ => {
                    rows.push(start..i);
                    start = i;
                    used = 0;
                }
            }
        }
        used += w;
    }
    rows.push(start..text.len());
    rows
}

/// `text` (which may hold `\n`) as wrapped rows.
pub fn lines(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|p| {
            ranges(p, width)
                .into_iter()
                .map(|r| p[r].trim_end().to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The wrapped rows of `text` and where the cursor (a byte offset on a char boundary) is
/// among them: (row, column in cells, at most `width - 1`).
pub fn with_cursor(text: &str, cursor: usize, width: usize) -> (Vec<String>, (usize, usize)) {
    let mut rows = Vec::new();
    let mut at = (0, 0);
    let mut offset = 0;
    for p in text.split('\n') {
        let rs = ranges(p, width);
        let last = rs.len() - 1;
        for (k, r) in rs.into_iter().enumerate() {
            let (from, to) = (offset + r.start, offset + r.end);
            // The cursor belongs to the row it is inside, or to the paragraph's last row
            // when it is at the paragraph's end.
            if (from..to).contains(&cursor) || (k == last && cursor == to) {
                let col = text_width(text.get(from..cursor).unwrap_or(""));
                at = (rows.len(), col.min(width.saturating_sub(1)));
            }
            rows.push(p[r].trim_end().to_string());
        }
        offset += p.len() + 1;
    }
    (rows, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_by_display_width() {
        assert_eq!(lines("one two three", 8), ["one two", "three"]);
        assert_eq!(lines("a\nb c", 80), ["a", "b c"]);
        // Two cells per CJK character: four fit in 8 cells.
        assert_eq!(lines("田中美咲田中", 8), ["田中美咲", "田中"]);
        // A word longer than the row is cut.
        assert_eq!(lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(lines("", 10), [""]);
    }

    #[test]
    fn ranges_cover_the_whole_text() {
        for (text, w) in [
            ("one two  three four", 5),
            ("xx yyyyyyy z", 3),
            ("é è ê", 2),
        ] {
            let rs = ranges(text, w);
            assert_eq!(rs.first().map(|r| r.start), Some(0));
            assert_eq!(rs.last().map(|r| r.end), Some(text.len()));
            assert!(rs.windows(2).all(|p| p[0].end == p[1].start), "{rs:?}");
        }
    }

    #[test]
    fn the_cursor_lands_on_its_wrapped_row() {
        let text = "one two three\nfour";
        assert_eq!(with_cursor(text, 0, 8).1, (0, 0));
        // After "one two " the cursor is at the start of "three" on the second row.
        assert_eq!(with_cursor(text, 8, 8).1, (1, 0));
        assert_eq!(with_cursor(text, 13, 8).1, (1, 5));
        // After the newline: the paragraph "four".
        assert_eq!(with_cursor(text, 14, 8).1, (2, 0));
        assert_eq!(with_cursor(text, text.len(), 8).1, (2, 4));
    }
}
