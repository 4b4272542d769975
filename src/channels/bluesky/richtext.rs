//! Rich text for a new post: its length in graphemes (Bluesky counts those, 300 at most)
//! and facets for mentions and links, with byte offsets into the UTF-8 text.

use serde_json::{Value, json};
use unicode_segmentation::UnicodeSegmentation;

/// The network's limit for a post.
pub const MAX_GRAPHEMES: usize = 300;

pub fn grapheme_len(text: &str) -> usize {
    text.graphemes(true).count()
}

/// A span of the text: byte offsets and what it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub target: String,
}

fn starts_word(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || "([{\"'".contains(c))
}

/// `@handle.example` mentions (the handle has a dot, like every Bluesky handle).
pub fn mentions(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices('@') {
        if !starts_word(text, at) {
            continue;
        }
        let rest = &text[at + 1..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let handle = rest[..len].trim_end_matches(['.', '-']);
        if handle.contains('.') && !handle.starts_with('.') {
            out.push(Span {
                start: at,
                end: at + 1 + handle.len(),
                target: handle.to_ascii_lowercase(),
            });
        }
    }
    out
}

/// `https://…` links, without trailing punctuation.
pub fn links(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = ["https://", "http://"]
        .iter()
        .filter_map(|p| text[from..].find(p).map(|i| from + i))
        .min()
    {
        let rest = &text[pos..];
        let len = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let url = rest[..len].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', '"', '\'']);
        from = pos + len.max(1);
        if starts_word(text, pos) && url.len() > "https://".len() {
            out.push(Span {
                start: pos,
                end: pos + url.len(),
                target: url.to_string(),
            });
        }
    }
    out
}

/// The `facets` of a post: mentions whose handle resolved to a DID (`resolve`), and links.
pub fn facets(text: &str, resolve: impl Fn(&str) -> Option<String>) -> Vec<Value> {
    let mut out = Vec::new();
    for m in mentions(text) {
        if let Some(did) = resolve(&m.target) {
            out.push(json!({
                "index": {"byteStart": m.start, "byteEnd": m.end},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": did}],
            }));
        }
    }
    for l in links(text) {
        out.push(json!({
            "index": {"byteStart": l.start, "byteEnd": l.end},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": l.target}],
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_graphemes_not_bytes_or_chars() {
        assert_eq!(grapheme_len("héllo"), 5);
        // A family emoji is one grapheme made of 7 chars and 25 bytes.
        assert_eq!(grapheme_len("👨‍👩‍👧‍👦"), 1);
        assert_eq!(grapheme_len(&"é".repeat(300)), 300);
    }

    #[test]
    fn mention_offsets_are_utf8_bytes() {
        let text = "Grüße @kim.bsky.social, see you. Mail a@b.c is not one; (@ana.test)";
        let m = mentions(text);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(&text[m[0].start..m[0].end], "@kim.bsky.social");
        assert_eq!(m[0].start, 8); // "Grüße " is 8 bytes
        assert_eq!(m[0].target, "kim.bsky.social");
        assert_eq!(&text[m[1].start..m[1].end], "@ana.test");
        assert!(mentions("@nodot here").is_empty());
    }

    #[test]
    fn links_stop_before_punctuation() {
        let text = "Status: https://status.example.com/incident/42. Or (http://127.0.0.1:8080/x)!";
        let l = links(text);
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].target, "https://status.example.com/incident/42");
        assert_eq!(&text[l[0].start..l[0].end], l[0].target);
        assert_eq!(l[1].target, "http://127.0.0.1:8080/x");
        assert!(links("nohttps://x.y").is_empty());
    }

    #[test]
    fn facets_skip_unresolved_handles() {
        let f = facets("ø @a.test @b.test https://x.example", |h| {
            (h == "a.test").then(|| "did:plc:aaa".to_string())
        });
        assert_eq!(f.len(), 2);
        assert_eq!(f[0]["index"]["byteStart"], 3);
        assert_eq!(f[0]["features"][0]["did"], "did:plc:aaa");
        assert_eq!(f[1]["features"][0]["uri"], "https://x.example");
    }
}
