//! HTML (Mastodon statuses, feed summaries) to readable plain text, in time linear in the
//! input: nesting past [`depth::MAX_DEPTH`] is flattened first.

mod depth;

use crate::sanitize;

/// Mastodon marks the parts of long links it hides, and inline quote fallbacks, with classes.
const CSS: &str = ".invisible { display: none; } .quote-inline { display: none; }";

/// HTML to plain text: paragraphs become blank-line separated, `<br>` new lines, hidden
/// spans dropped, entities decoded. Falls back to stripping tags if the converter fails.
pub fn to_text(html: &str) -> String {
    // Clean first too: the converter drops a bare ESC but would keep the rest of a sequence.
    let cleaned = sanitize::clean(html);
    let html = unwrap_links(&depth::flatten(&cleaned));
    let converted = html2text::config::plain_no_decorate()
        .add_css(CSS)
        .and_then(|c| c.string_from_read(html.as_bytes(), 100_000));
    let text = match converted {
        Ok(t) => t,
        Err(e) => {
            let e = sanitize::error_text(&e.to_string());
            tracing::debug!("html2text failed ({e}); stripping tags");
            strip_tags(&html)
        }
    };
    let cleaned = sanitize::clean(&text);
    cleaned
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Drop `<a …>` and `</a>` but keep their text: mentions, hashtags and the visible part of
/// links read naturally, without the converter's `[…]` link markers.
fn unwrap_links(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        let lower: String = tag.chars().take(4).collect::<String>().to_ascii_lowercase();
        let is_link =
            lower.starts_with("</a>") || lower.starts_with("<a ") || lower.starts_with("<a>");
        if !is_link {
            out.push('<');
            rest = &tag[1..];
            continue;
        }
        match tag.find('>') {
            Some(end) => rest = &tag[end + 1..],
            // No `>` anywhere after: searching again at every later `<` would be quadratic.
            None => {
                rest = tag;
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_links_and_hidden_spans() {
        let html = r#"<p><span class="h-card"><a href="https://x.social/@brand" class="u-url mention">@<span>brand</span></a></span> my order is late &amp; nobody answers</p><p>see <a href="https://example.com/very/long/path"><span class="invisible">https://</span><span class="ellipsis">example.com/very/lo</span><span class="invisible">ng/path</span></a> <a href="https://x.social/tags/help" class="mention hashtag">#<span>help</span></a></p>"#;
        let t = to_text(html);
        assert_eq!(
            t,
            "@brand my order is late & nobody answers\n\nsee example.com/very/lo #help"
        );
    }

    #[test]
    fn line_breaks_quotes_and_escapes() {
        assert_eq!(to_text("<p>one<br>two<br />three</p>"), "one\ntwo\nthree");
        assert_eq!(
            to_text(r#"<p class="quote-inline">RE: https://q</p><p>hi</p>"#),
            "hi"
        );
        assert_eq!(
            to_text("<p>evil \u{1b}]0;title\u{7}text &lt;b&gt;</p>"),
            "evil text <b>"
        );
        assert_eq!(to_text(""), "");
    }

    #[test]
    fn deep_nesting_converts_with_all_its_text() {
        // 200,000 nested blocks (2.2 MB, a feed entry under the size cap) and 40,000 nested
        // lists (a Mastodon post): minutes before, now flattened past the depth limit.
        let n = 200_000;
        let divs = "<div>".repeat(n) + "the bottom" + &"</div>".repeat(n);
        assert_eq!(to_text(&divs), "the bottom");
        let lists = "<ul><li>x".repeat(40_000) + &"</li></ul>".repeat(40_000);
        let text = to_text(&lists);
        assert_eq!(text.matches('x').count(), 40_000);
        let opening = "<<a ".repeat(100_000);
        assert!(to_text(&opening).starts_with('<'));
    }
}
