//! Remote JSON made decodable: one bad byte must not fail a whole page of notifications.
//!
//! Servers do send invalid UTF-8 (a truncated multi-byte name) and lone surrogate escapes
//! (`"\ud800"`, from JavaScript strings cut in the middle of an emoji). `serde_json` rejects
//! the whole document for either, so every poll of the account failed. Both are replaced
//! with U+FFFD here, before parsing; valid documents pass through without a copy.

use std::borrow::Cow;

/// `body` with invalid UTF-8 sequences and lone surrogate escapes replaced by U+FFFD (the
/// escape `\ufffd` inside strings), everything else byte for byte.
pub fn json_body(body: &[u8]) -> Cow<'_, [u8]> {
    let text = String::from_utf8_lossy(body);
    match (fix_surrogates(text.as_bytes()), text) {
        (Some(fixed), _) => Cow::Owned(fixed),
        (None, Cow::Borrowed(_)) => Cow::Borrowed(body),
        (None, Cow::Owned(s)) => Cow::Owned(s.into_bytes()),
    }
}

/// [`json_body`] for an owned body: no copy when it was fine.
pub fn json_vec(body: Vec<u8>) -> Vec<u8> {
    match json_body(&body) {
        Cow::Borrowed(_) => body,
        Cow::Owned(fixed) => fixed,
    }
}

/// The surrogate code unit escaped at `i` (`\uXXXX`), if that is one.
fn surrogate_at(b: &[u8], i: usize) -> Option<u16> {
    let esc = b.get(i..i + 6)?;
    if esc[0] != b'\\' || esc[1] != b'u' || !esc[2..].iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let hex = std::str::from_utf8(&esc[2..]).ok()?;
    let unit = u16::from_str_radix(hex, 16).ok()?;
    (0xd800..=0xdfff).contains(&unit).then_some(unit)
}

/// `b` with lone surrogate escapes replaced, or `None` when it has none.
fn fix_surrogates(b: &[u8]) -> Option<Vec<u8>> {
    // Most documents have no surrogate escape at all: no copy then.
    if !b
        .windows(3)
        .any(|w| w[0] == b'\\' && w[1] == b'u' && matches!(w[2], b'd' | b'D'))
    {
        return None;
    }
    let mut changed = false;
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
            continue;
        }
        match surrogate_at(b, i) {
            // A high surrogate followed by a low one is a real character: keep the pair.
            Some(0xd800..=0xdbff) if surrogate_at(b, i + 6).is_some_and(|lo| lo >= 0xdc00) => {
                out.extend_from_slice(&b[i..i + 12]);
                i += 12;
            }
            Some(_) => {
                changed = true;
                out.extend_from_slice(b"\\ufffd");
                i += 6;
            }
            // Any other escape, `\\` included, is copied whole so that its second byte is
            // never read as the start of another escape.
            None => {
                let n = if i + 1 < b.len() { 2 } else { 1 };
                out.extend_from_slice(&b[i..i + n]);
                i += n;
            }
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &[u8]) -> serde_json::Value {
        serde_json::from_slice(&json_body(body)).expect("parses")
    }

    #[test]
    fn valid_documents_are_not_copied() {
        let ok = br#"[{"name": "Zo\u00eb \ud83d\ude00 \\ud800 plain"}]"#;
        assert!(matches!(json_body(ok), Cow::Borrowed(_)));
        assert_eq!(parse(ok)[0]["name"], "Zoë 😀 \\ud800 plain");
    }

    #[test]
    fn bad_bytes_and_lone_surrogates_become_replacement_characters() {
        assert!(serde_json::from_slice::<serde_json::Value>(b"[\"a\xffb\"]").is_err());
        assert_eq!(parse(b"[\"a\xffb\"]")[0], "a\u{fffd}b");
        assert_eq!(parse(br#"["x\ud800y"]"#)[0], "x\u{fffd}y");
        assert_eq!(parse(br#"["\udc00\ud83d"]"#)[0], "\u{fffd}\u{fffd}");
        assert_eq!(parse(br#"["\ud83d\u0041"]"#)[0], "\u{fffd}A");
        assert_eq!(parse(br#"["\\\ud800"]"#)[0], "\\\u{fffd}");
    }
}
