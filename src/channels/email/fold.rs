//! Where the customer's new words end: quoted history (`> …`, "On … wrote:", Outlook's
//! "-----Original Message-----" and "From: … Sent: …" blocks) and the signature (`-- `) are
//! split off and kept whole below a marker line, so the inbox shows the new part first.
//! Also RFC 3676 `format=flowed` unwrapping.

/// The line between the new part and the folded history in an item's text.
pub const MARKER: &str = "──── quoted history and signature ────";

/// `(new part, folded rest)`. A message that is all quote keeps everything as its new part
/// (there is nothing else to show first).
pub fn split(text: &str) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    let Some(cut) = lines
        .iter()
        .enumerate()
        .position(|(i, l)| starts_fold(&lines, i, l))
    else {
        return (text.to_string(), String::new());
    };
    let new = lines[..cut].join("\n").trim_end().to_string();
    if new.trim().is_empty() {
        return (text.to_string(), String::new());
    }
    let rest = lines[cut..].join("\n").trim().to_string();
    (new, rest)
}

fn starts_fold(lines: &[&str], i: usize, line: &str) -> bool {
    let t = line.trim();
    // RFC 3676 signature separator (some clients drop its trailing space).
    if line == "-- " || line == "--" {
        return true;
    }
    if t.starts_with('>') {
        return true;
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("-----original message-----")
        || lower.starts_with("----- original message -----")
        || lower.starts_with("-------- forwarded message")
        || lower.starts_with("begin forwarded message")
    {
        return true;
    }
    // "On Tue, 3 Mar 2026 at 10:00, Kim <kim@x> wrote:" (maybe wrapped over two lines)
    // followed by a quote.
    let next_quoted = |j: usize| {
        lines[j + 1..]
            .iter()
            .find(|l| !l.trim().is_empty())
            .is_some_and(|l| l.trim_start().starts_with('>'))
    };
    if lower.ends_with("wrote:") || lower.ends_with("schrieb:") || lower.ends_with("a écrit :") {
        return next_quoted(i);
    }
    if i + 1 < lines.len() && lower.starts_with("on ") {
        let joined = lines[i + 1].trim().to_ascii_lowercase();
        if joined.ends_with("wrote:") {
            return next_quoted(i + 1);
        }
    }
    // Outlook's header block of the quoted message: "From: …" then "Sent: …" or "Date: …".
    if lower.starts_with("from:") && i + 1 < lines.len() {
        let next = lines[i + 1].trim().to_ascii_lowercase();
        return next.starts_with("sent:") || next.starts_with("date:");
    }
    false
}

/// RFC 3676: a line ending in a space continues on the next one (with `delsp=yes` that
/// space is removed); quoted lines and the signature separator are never joined.
pub fn unflow(text: &str, delsp: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut joining = false;
    for raw in text.lines() {
        // Space-stuffing: a leading space was added by the sender; drop it.
        let line = raw.strip_prefix(' ').unwrap_or(raw);
        let soft = line.ends_with(' ') && line != "-- " && !line.starts_with('>');
        let piece = if soft && delsp {
            &line[..line.len() - 1]
        } else {
            line
        };
        out.push_str(piece);
        joining = soft;
        if !joining {
            out.push('\n');
        }
    }
    if joining {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_after_an_attribution_line_is_folded() {
        let text = "Thanks, that worked.\n\nOn Tue, 3 Mar 2026, Brand <b@x> wrote:\n> Try turning it off.\n> Best";
        let (new, rest) = split(text);
        assert_eq!(new, "Thanks, that worked.");
        assert!(rest.starts_with("On Tue"));
        assert!(rest.ends_with("> Best"));
    }

    #[test]
    fn signature_and_outlook_blocks_are_folded() {
        let (new, rest) = split("Hi\n-- \nKim, Acme");
        assert_eq!((new.as_str(), rest.as_str()), ("Hi", "-- \nKim, Acme"));
        let (new, rest) = split("Yes please.\nFrom: Brand\nSent: Monday\nold text");
        assert_eq!(new, "Yes please.");
        assert!(rest.starts_with("From: Brand"));
    }

    #[test]
    fn all_quote_or_no_quote_keeps_the_text_as_it_is() {
        assert_eq!(split("> only quote").0, "> only quote");
        assert_eq!(split("plain\ntext").1, "");
        // "From:" in running text is not an Outlook block.
        assert_eq!(split("From: me, hi\nthere").1, "");
    }

    #[test]
    fn flowed_lines_are_joined() {
        assert_eq!(unflow("one \ntwo\n", false), "one two\n");
        assert_eq!(unflow("one \ntwo\n", true), "onetwo\n");
        assert_eq!(
            unflow("> q \nnext\n-- \nsig\n", false),
            "> q \nnext\n-- \nsig\n"
        );
    }
}
