//! How Mastodon counts a status's length: every link costs a fixed number of characters
//! (`characters_reserved_per_url`, 23 by default) however long it is, a mention of a remote
//! account counts only its `@username`, and the rest is counted in grapheme clusters.

use unicode_segmentation::UnicodeSegmentation;

/// What a link costs when the server does not say.
pub const DEFAULT_PER_URL: usize = 23;

/// The length of `text` as a Mastodon server validates it.
pub fn status_length(text: &str, per_url: usize) -> usize {
    let mut total = 0;
    let mut plain = String::new();
    for (i, word) in words(text) {
        let at_boundary = i == 0 || text[..i].ends_with(char::is_whitespace);
        if at_boundary && let Some(url_len) = url_prefix(word) {
            total += per_url;
            plain.push_str(&word[url_len..]);
        } else if at_boundary && let Some(counted) = mention_prefix(word) {
            total += counted.0;
            plain.push_str(&word[counted.1..]);
        } else {
            plain.push_str(word);
        }
    }
    total + plain.graphemes(true).count()
}

/// `text` split into runs of whitespace and runs of the rest, with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c.is_whitespace();
        if in_space.is_some_and(|s| s != space) {
            out.push((start, &text[start..i]));
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out.into_iter()
}

/// The byte length of a link at the start of `word` (`http://` or `https://` and a host),
/// without trailing punctuation that ends a sentence.
pub(crate) fn url_prefix(word: &str) -> Option<usize> {
    let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return None;
    };
    let rest = &word[scheme..];
    if !rest.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    // A link needs a host with a dot (`https://intranet/x` is counted as text, as the server
    // does); sentence punctuation after it is text.
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..host_end].trim_end_matches(|c: char| !c.is_alphanumeric());
    if !host.contains('.') {
        return None;
    }
    let trimmed =
        word.trim_end_matches(|c: char| !(c.is_alphanumeric() || "/-_=&#~+%".contains(c)));
    Some(trimmed.len())
}

/// A remote mention `@user@host` at the start of `word`: (what it counts, its byte length).
/// A local `@user` counts as written.
fn mention_prefix(word: &str) -> Option<(usize, usize)> {
    let body = word.strip_prefix('@')?;
    // Usernames are ASCII letters, digits and `_` on Mastodon.
    let user_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(body.len());
    if user_len == 0 {
        return None;
    }
    let after = &body[user_len..];
    let host = after.strip_prefix('@')?;
    let host_len = host
        .find(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-'))
        .unwrap_or(host.len());
    let host_part = host[..host_len].trim_end_matches(['.', '-']);
    if !host_part.contains('.') {
        return None;
    }
    Some((1 + user_len, 1 + user_len + 1 + host_part.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_cost_a_fixed_amount_whatever_their_length() {
        let long = "See https://example.com/a/very/long/path/that/goes/on/and/on?with=query";
        assert_eq!(status_length(long, 23), 4 + 23);
        assert_eq!(status_length("http://x.io", 23), 23);
        // Sentence punctuation after a link is text.
        assert_eq!(status_length("at https://example.com/x.", 23), 3 + 23 + 1);
        // Not a link: no host, or not at a word start.
        assert_eq!(status_length("https://", 23), 8);
        assert_eq!(status_length("xhttps://a.b", 23), 12);
        assert_eq!(
            status_length("two https://a.io and https://b.io", 23),
            4 + 23 + 5 + 23
        );
        // No dot in the host: the server counts it as text.
        assert_eq!(status_length("https://intranet/x", 23), 18);
        // Closing punctuation of any script stays text.
        assert_eq!(status_length("(see https://a.io/x)。", 23), 5 + 23 + 2);
    }

    #[test]
    fn remote_mentions_count_their_username_only() {
        assert_eq!(status_length("@kim@mastodon.example hi", 23), 4 + 3);
        assert_eq!(status_length("@kim hi", 23), 7);
        assert_eq!(status_length("@kim@mastodon.example, hi", 23), 4 + 4);
        // An e-mail address is not a mention.
        assert_eq!(status_length("mail kim@example.com", 23), 20);
        // A name Mastodon would not accept is counted whole.
        assert_eq!(status_length("@zoë@host.example", 23), 17);
    }

    #[test]
    fn the_rest_counts_in_graphemes() {
        assert_eq!(status_length("", 23), 0);
        assert_eq!(status_length("Zoë 👍🏽 🇫🇷", 23), 7);
        assert_eq!(status_length("e\u{301}", 23), 1);
        assert_eq!(status_length("line\nnext", 23), 9);
    }
}
