//! Width-aware text helpers: terminal cells, not bytes or chars (CJK and emoji are two wide).
//!
//! Widths are measured per grapheme cluster, as ratatui places them: an emoji with VS16, a
//! ZWJ sequence (a family), a keycap, a skin tone or a flag is one 2-wide cluster, a
//! private-use icon one cell. Terminals that do not join such sequences draw every part
//! (tmux 3.3a draws a family of four in 8 cells), so [`fit`] keeps that many spare cells at
//! the end of a column that holds them: a row never spills into the next column.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cut `s` to at most `width` cells, ending with `…` when something was cut. Never cuts
/// inside a grapheme cluster.
pub fn truncate(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    if self::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = cluster_width(g);
        if used + w > width - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

/// Exactly `width` cells: truncated, then padded with spaces. Clusters that some terminals
/// draw wider than they are measured get spare cells at the end (at most half the column),
/// so what such a terminal draws stays inside the column.
pub fn fit(s: &str, width: usize) -> String {
    let spare: usize = s.graphemes(true).map(spill).sum();
    let room = width.saturating_sub(spare.min(width / 2));
    let mut out = truncate(s, room);
    // Pad by ratatui's own measure of the whole text: it places the next column there.
    let used = UnicodeWidthStr::width(out.as_str());
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

/// Display width in cells (the sum of its grapheme clusters).
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(cluster_width).sum()
}

/// Cells one grapheme cluster takes: 2 for an emoji with VS16, a ZWJ sequence, a keycap, a
/// skin tone or a flag; 1 for a private-use character; else its characters' width.
pub fn cluster_width(g: &str) -> usize {
    let mut chars = g.chars();
    match (chars.next(), chars.next()) {
        (None, _) => 0,
        (Some(c), None) if is_private_use(c) => 1,
        (Some(c), None) => c.width().unwrap_or(0),
        _ => UnicodeWidthStr::width(g),
    }
}

/// Cells a terminal that does not join this cluster may draw beyond its width: every part
/// of a sequence drawn on its own, or a private-use icon drawn two wide.
fn spill(g: &str) -> usize {
    let parts: usize = g.chars().map(|c| c.width().unwrap_or(0)).sum();
    let icon = usize::from(g.chars().any(is_private_use));
    parts.saturating_sub(cluster_width(g)).max(icon)
}

fn is_private_use(c: char) -> bool {
    matches!(c, '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{ffffd}' | '\u{100000}'..='\u{10fffd}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_by_cells() {
        assert_eq!(truncate("hello", 10), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("田中美咲さん", 5), "田中…");
        assert_eq!(width(&fit("田中美咲さん", 5)), 5);
        assert_eq!(fit("ab", 4), "ab  ");
        assert_eq!(truncate("x", 0), "");
        assert_eq!(width(&fit("☕☕☕", 3)), 3);
    }

    #[test]
    fn clusters_are_measured_whole() {
        let cases = [
            ("\u{2764}\u{fe0f}", 2), // heart with VS16
            (
                "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}\u{200d}\u{1f466}",
                2,
            ), // family
            ("1\u{fe0f}\u{20e3}", 2), // keycap
            ("\u{1f44d}\u{1f3fd}", 2), // skin tone
            ("\u{1f1e9}\u{1f1ea}", 2), // flag
            ("\u{e0b0}", 1),         // private use
            ("e\u{301}", 1),
        ];
        for (g, w) in cases {
            assert_eq!(width(g), w, "{g:?}");
            assert_eq!(width(&fit(g, 12)), 12, "{g:?}");
        }
        // A cut never splits a family into its parts.
        let family = "\u{1f468}\u{200d}\u{1f469}\u{200d}\u{1f467}";
        assert_eq!(truncate(&format!("ab{family}cd"), 4), "ab…");
        // Spare cells: a family drawn part by part (6 cells) stays inside the column.
        let f = fit(&format!("{family} Family and friends"), 20);
        assert_eq!(width(&f), 20);
        assert!(f.ends_with(&" ".repeat(4)), "{f:?}");
    }
}
