//! X's weighted length of a post (the rules of X's open-source `twitter-text`, version 3
//! configuration): a post may weigh 280. Every link costs 23 whatever its length (X shortens
//! it to a t.co address); an emoji (a whole sequence: flags, skin tones, families) weighs 2;
//! a character in the light ranges (Latin, Greek, Cyrillic, most punctuation, general
//! punctuation spaces and quotes) weighs 1; every other character (CJK, Hangul, Arabic, ...)
//! weighs 2. The text is counted in Unicode code points after the grapheme split, so a
//! combining accent counts as what it is.

use unicode_segmentation::UnicodeSegmentation;

/// The most a post may weigh.
pub const MAX_WEIGHT: usize = 280;
/// What a link costs.
pub const URL_WEIGHT: usize = 23;

/// Code point ranges of weight 1 (twitter-text v3 `ranges`); everything else weighs 2.
const LIGHT: &[(u32, u32)] = &[
    (0x0000, 0x10FF),
    (0x2000, 0x200D),
    (0x2010, 0x201F),
    (0x2032, 0x2037),
];

/// The weight of `text` as X validates a post.
pub fn weighted_length(text: &str) -> usize {
    let mut total = 0;
    let mut start = 0;
    // Links are found at word starts (after whitespace), as X's own parser finds them.
    for (i, c) in text.char_indices() {
        if i < start {
            continue;
        }
        let at_word = i == 0 || text[..i].ends_with(char::is_whitespace);
        if at_word && !c.is_whitespace() {
            let word_end = text[i..]
                .find(char::is_whitespace)
                .map_or(text.len(), |n| i + n);
            if let Some(len) = crate::channels::mastodon::length::url_prefix(&text[i..word_end]) {
                total += plain_weight(&text[start..i]) + URL_WEIGHT;
                start = i + len;
            }
        }
    }
    total + plain_weight(&text[start..])
}

/// The weight of text without links: per grapheme, an emoji weighs 2, the rest per code point.
fn plain_weight(text: &str) -> usize {
    text.graphemes(true)
        .map(|g| {
            if is_emoji(g) {
                2
            } else {
                g.chars().map(char_weight).sum()
            }
        })
        .sum()
}

fn char_weight(c: char) -> usize {
    let u = u32::from(c);
    if LIGHT.iter().any(|(lo, hi)| (*lo..=*hi).contains(&u)) {
        1
    } else {
        2
    }
}

/// A grapheme shown as an emoji: a pictograph from the emoji blocks, a regional-indicator
/// flag, or any symbol followed by the emoji presentation selector (U+FE0F).
fn is_emoji(g: &str) -> bool {
    let mut chars = g.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let u = u32::from(first);
    let pictograph = matches!(u,
        0x1F000..=0x1FAFF // emoticons, symbols and pictographs, transport, flags' letters
        | 0x2600..=0x27BF // miscellaneous symbols, dingbats
        | 0x2B00..=0x2BFF // arrows and stars (⭐)
        | 0x1FC00..=0x1FFFF);
    pictograph || g.contains('\u{FE0F}') && g.chars().count() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_counts_one_cjk_and_emoji_two_and_links_twenty_three() {
        assert_eq!(weighted_length("hello"), 5);
        assert_eq!(weighted_length("café"), 4);
        // The decomposed accent is a second code point in the light range.
        assert_eq!(weighted_length("cafe\u{301}"), 5);
        assert_eq!(weighted_length("日本語"), 6);
        assert_eq!(weighted_length("안녕"), 4);
        assert_eq!(weighted_length("🥱"), 2);
        // A family (ZWJ sequence), a skin tone and a flag are one emoji each.
        assert_eq!(weighted_length("👨‍👩‍👧"), 2);
        assert_eq!(weighted_length("👍🏽"), 2);
        assert_eq!(weighted_length("🇫🇷"), 2);
        assert_eq!(weighted_length("⚔️"), 2);
        // Curly quotes and the ellipsis's neighbours are light; the ellipsis (U+2026) is not
        // in a light range.
        assert_eq!(weighted_length("“hi”"), 4);
        assert_eq!(weighted_length("…"), 2);
        assert_eq!(
            weighted_length("see https://example.com/a/very/long/path?q=1 now"),
            4 + 23 + 4
        );
        assert_eq!(weighted_length("https://t.co/x."), 23 + 1);
        // Not a link: no host with a dot.
        assert_eq!(weighted_length("http://intranet"), 15);
    }

    #[test]
    fn the_limit_is_280_light_or_140_heavy() {
        assert!(weighted_length(&"a".repeat(280)) <= MAX_WEIGHT);
        assert!(weighted_length(&"a".repeat(281)) > MAX_WEIGHT);
        assert_eq!(weighted_length(&"漢".repeat(140)), MAX_WEIGHT);
        assert!(weighted_length(&"漢".repeat(141)) > MAX_WEIGHT);
    }
}
