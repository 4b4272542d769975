//! The one fuzzy matcher behind every "type a few letters" list: the command palette and the
//! template picker. The query's letters must appear in order (any case; spaces in the query
//! are ignored); nucleo's scoring ranks runs, word starts and an early start higher, and
//! tells which characters matched so a list can highlight them. Bottom layer: pure, no
//! state kept between calls.

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// One query, matched against many texts (the matcher's buffers are reused).
pub struct Fuzzy {
    /// `None` for an empty query, which matches everything equally.
    atom: Option<Atom>,
    matcher: Matcher,
    buf: Vec<char>,
}

impl Fuzzy {
    pub fn new(query: &str) -> Fuzzy {
        let letters: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let atom = (!letters.is_empty()).then(|| {
            Atom::new(
                &letters,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
                false,
            )
        });
        let mut config = Config::DEFAULT;
        // Lists are short names: a match at the start is what the user is typing.
        config.prefer_prefix = true;
        Fuzzy {
            atom,
            matcher: Matcher::new(config),
            buf: Vec::new(),
        }
    }

    /// How well `text` matches: higher is better, `None` when it does not match.
    pub fn score(&mut self, text: &str) -> Option<u32> {
        let Some(atom) = &self.atom else {
            return Some(0);
        };
        let hay = Utf32Str::new(text, &mut self.buf);
        atom.score(hay, &mut self.matcher).map(u32::from)
    }

    /// The indices (in chars) of `text`'s characters that the query matched, in order;
    /// `None` when it does not match, empty for an empty query.
    pub fn positions(&mut self, text: &str) -> Option<Vec<usize>> {
        let Some(atom) = &self.atom else {
            return Some(Vec::new());
        };
        let hay = Utf32Str::new(text, &mut self.buf);
        let mut at = Vec::new();
        atom.indices(hay, &mut self.matcher, &mut at)?;
        at.sort_unstable();
        at.dedup();
        Some(at.into_iter().map(|i| i as usize).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_in_order_any_case() {
        let mut f = Fuzzy::new("tgsrt");
        assert!(f.score("toggle-sort").is_some());
        assert!(f.score("sort-toggle").is_none());
        let mut f = Fuzzy::new("REF");
        assert!(f.score("refund").is_some());
        assert!(Fuzzy::new("zzz").score("refund").is_none());
        // Spaces in the query do not count.
        assert!(Fuzzy::new("to sort").score("toggle-sort").is_some());
    }

    #[test]
    fn runs_and_starts_rank_higher() {
        let mut f = Fuzzy::new("ab");
        assert!(f.score("ab") > f.score("a_b"));
        assert!(f.score("abc") > f.score("xxab"));
    }

    #[test]
    fn empty_query_matches_everything_equally() {
        let mut f = Fuzzy::new("  ");
        assert_eq!(f.score("anything"), Some(0));
        assert_eq!(f.positions("anything"), Some(Vec::new()));
    }

    #[test]
    fn positions_are_the_matched_chars() {
        let mut f = Fuzzy::new("srt");
        assert_eq!(f.positions("sort"), Some(vec![0, 2, 3]));
        assert_eq!(f.positions("xyz"), None);
        // Char indices, not bytes.
        assert_eq!(Fuzzy::new("é").positions("café"), Some(vec![3]));
    }
}
