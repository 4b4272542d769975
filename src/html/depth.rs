//! Deep nesting flattened before the HTML reaches the parser and the converter, both of
//! which spend time proportional to the depth on every tag (200,000 nested `<div>` took
//! minutes). Elements deeper than [`MAX_DEPTH`] lose their tags and keep their text, so any
//! post or entry converts in linear time.
//!
//! This is a tag scanner, not a parser: it counts open elements the way a browser would for
//! ordinary markup (void elements, `/>`, raw text in `<script>`/`<style>`, comments, and the
//! implied end of a `<p>` or `<li>` by its next sibling) and leaves every byte it does not
//! drop untouched. Input that never gets deep comes back unchanged.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deeper elements are flattened: no real post or article nests this deep.
pub const MAX_DEPTH: usize = 64;

/// Elements without content or end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements whose content is text up to their end tag (a `<` inside is no tag).
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Elements that a following sibling of the same kind closes (`<li>a<li>b`).
const SELF_CLOSING_SIBLINGS: &[&str] = &["p", "li", "dt", "dd", "tr", "td", "th", "option"];

/// `html` with every element nested deeper than [`MAX_DEPTH`] unwrapped (its tags dropped,
/// its text kept).
pub fn flatten(html: &str) -> Cow<'_, str> {
    // Fewer tags than the limit cannot nest past it.
    if html.bytes().filter(|&b| b == b'<').count() <= MAX_DEPTH {
        return Cow::Borrowed(html);
    }
    let mut f = Flattener::default();
    f.run(html);
    if f.dropped {
        Cow::Owned(f.out)
    } else {
        Cow::Borrowed(html)
    }
}

#[derive(Default)]
struct Flattener {
    out: String,
    /// Open elements: name and whether its tags were kept.
    stack: Vec<(String, bool)>,
    /// How many of each name are on the stack (an end tag without an open element of its
    /// name is passed through without searching the stack).
    open: HashMap<String, usize>,
    kept: usize,
    dropped: bool,
}

impl Flattener {
    fn run(&mut self, html: &str) {
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            self.out.push_str(&rest[..i]);
            rest = &rest[i..];
            let consumed = if let Some(after) = rest.strip_prefix("<!--") {
                let end = after.find("-->").map_or(rest.len(), |e| 4 + e + 3);
                self.out.push_str(&rest[..end]);
                end
            } else if rest.starts_with("<!") || rest.starts_with("<?") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                self.out.push_str(&rest[..end]);
                end
            } else if let Some(after) = rest.strip_prefix("</") {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                let name = tag_name(after);
                self.close(&name, &rest[..end]);
                end
            } else if rest[1..].starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.open_tag(rest)
            } else {
                self.out.push('<');
                1
            };
            rest = &rest[consumed..];
        }
        self.out.push_str(rest);
    }

    /// A start tag at the front of `rest`; returns how many bytes it used.
    fn open_tag(&mut self, rest: &str) -> usize {
        let name = tag_name(&rest[1..]);
        let end = tag_end(rest);
        let tag = &rest[..end];
        if VOID.contains(&name.as_str()) || tag.ends_with("/>") {
            self.out.push_str(tag);
            return end;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            // Tag, text and end tag pass as one piece: they never nest.
            let close = raw_text_end(&rest[end..], &name).map_or(rest.len(), |c| end + c);
            self.out.push_str(&rest[..close]);
            return close;
        }
        if SELF_CLOSING_SIBLINGS.contains(&name.as_str())
            && self.stack.last().is_some_and(|(top, _)| *top == name)
        {
            self.pop();
        }
        let keep = self.kept < MAX_DEPTH;
        if keep {
            self.out.push_str(tag);
            self.kept += 1;
        } else {
            self.dropped = true;
        }
        *self.open.entry(name.clone()).or_default() += 1;
        self.stack.push((name, keep));
        end
    }

    fn close(&mut self, name: &str, tag: &str) {
        if self.open.get(name).copied().unwrap_or(0) == 0 {
            self.out.push_str(tag);
            return;
        }
        // Everything above the matching element is closed with it (each element is popped
        // once, so this is linear over the document).
        while let Some((top, kept)) = self.pop() {
            if top == name {
                if kept {
                    self.out.push_str(tag);
                }
                return;
            }
        }
    }

    fn pop(&mut self) -> Option<(String, bool)> {
        let (name, kept) = self.stack.pop()?;
        if let Some(n) = self.open.get_mut(&name) {
            *n = n.saturating_sub(1);
        }
        if kept {
            self.kept -= 1;
        }
        Some((name, kept))
    }
}

/// The lower-case name at the front of `s` (after `<` or `</`).
fn tag_name(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == ':')
        .take(32)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The end of the start tag at the front of `s` (after its `>`, quotes respected), or the
/// end of `s` when it never closes.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

/// Where the raw text of `name` ends in `s`: after its `</name…>`.
fn raw_text_end(s: &str, name: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i;
        if tag_name(&s[at + 2..]) == name {
            return Some(s[at..].find('>').map_or(s.len(), |e| at + e + 1));
        }
        from = at + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_markup_is_untouched() {
        let many_paragraphs = "<p>one".repeat(200) + "</p>";
        let list = "<ul>".to_string() + &"<li>item".repeat(200) + "</ul>";
        let closed = "<div><p>x</p></div>".repeat(100);
        let script = "<script>if (a<b) { x = '<div>'.repeat(99) }</script>".repeat(70);
        for html in [&many_paragraphs, &list, &closed, &script] {
            assert!(matches!(flatten(html), Cow::Borrowed(_)), "{html}");
        }
    }

    #[test]
    fn deep_nesting_keeps_its_text_and_loses_tags_past_the_limit() {
        let deep = "<div>".repeat(1000) + "deep text" + &"</div>".repeat(1000);
        let flat = flatten(&deep);
        assert_eq!(flat.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(flat.matches("</div>").count(), MAX_DEPTH);
        assert!(flat.contains("deep text"));
        // Unclosed too: nothing ever closes them.
        let open = "<ul><li>x".repeat(1000);
        let flat = flatten(&open);
        assert_eq!(flat.matches('<').count(), MAX_DEPTH);
        assert_eq!(flat.matches('x').count(), 1000);
    }

    #[test]
    fn comments_quotes_and_stray_end_tags() {
        let html = "<!-- <div> -->".repeat(70) + r#"<a title="a>b">t</a></span>"#;
        assert_eq!(flatten(&html), html);
        let after = "<div>".repeat(70) + "</div>".repeat(70).as_str() + "<b>after</b>";
        let flat = flatten(&after);
        assert!(flat.ends_with("<b>after</b>"), "{flat}");
    }
}
