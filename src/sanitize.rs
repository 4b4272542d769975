//! Remote text is untrusted: strip everything that could drive the terminal.
//!
//! Removes ESC-introduced sequences (CSI, OSC, DCS, APC, PM, SOS and two-byte escapes, with
//! their payloads), C0 and C1 control characters (keeping `\n` and turning `\t` into a space),
//! bidirectional overrides/isolates, and stray zero-width formatting characters that can hide
//! text: invisible fillers (Hangul fillers, invisible operators), tag characters outside an
//! emoji flag sequence, and repeated zero-width non-joiners. Lines are kept; `\r\n` and `\r`
//! become `\n`.

/// At most this many zero-width characters (combining marks, joiners) in a row: enough for
/// real scripts and emoji sequences, not for a "Zalgo" flood that smears over other lines.
pub const MAX_ZERO_WIDTH_RUN: usize = 8;

/// Sanitize multi-line remote text for display or JSON output.
pub fn clean(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut chars = input.chars().peekable();
    let mut zero_run = 0;
    // Tag characters are kept only right after a black flag (subdivision flags such as
    // England's are `🏴` + tags + CANCEL TAG); anywhere else they are invisible payload.
    let mut in_flag = false;
    while let Some(c) = chars.next() {
        if is_tag(c) {
            if in_flag && zero_run < MAX_ZERO_WIDTH_RUN {
                zero_run += 1;
                out.push(c);
                in_flag = c != CANCEL_TAG;
            }
            continue;
        }
        in_flag = c == BLACK_FLAG;
        // One ZWNJ separates two letters; more in a row only hide text.
        if c == ZWNJ && out.ends_with(ZWNJ) {
            continue;
        }
        if unicode_width::UnicodeWidthChar::width(c) == Some(0) && !c.is_control() {
            zero_run += 1;
            if zero_run > MAX_ZERO_WIDTH_RUN {
                continue;
            }
        } else {
            zero_run = 0;
        }
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            // C1 string introducers carry a payload up to ST, like their ESC forms.
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Sanitize and fold onto one line (for list rows and status lines): newlines become spaces
/// and runs of whitespace collapse.
pub fn one_line(input: &str) -> String {
    let cleaned = clean(input);
    let mut out = String::with_capacity(cleaned.len());
    let mut last_space = true;
    for c in cleaned.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

const ZWNJ: char = '\u{200c}';
const BLACK_FLAG: char = '\u{1f3f4}';
const CANCEL_TAG: char = '\u{e007f}';

/// The tag block (U+E0000–U+E007F): invisible, except inside an emoji flag sequence.
fn is_tag(c: char) -> bool {
    ('\u{e0000}'..='\u{e007f}').contains(&c)
}

/// An error or status text longer than this many characters is cut (a server's error page
/// or a parser quoting half a document is no message).
pub const MAX_ERROR_CHARS: usize = 500;

/// The one way remote bytes enter an error or status text (a parser quoting a broken tag, a
/// server's error body): cleaned onto one line and cut to [`MAX_ERROR_CHARS`]. Channel errors
/// format their payload through this, so stdout, stderr, the status bar, `watch` and the log
/// all get the same clean text.
pub fn error_text(input: &str) -> String {
    let line = one_line(input);
    match line.char_indices().nth(MAX_ERROR_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{202a}'..='\u{202e}' // bidi embeddings and overrides
            | '\u{2066}'..='\u{2069}' // bidi isolates
            | '\u{200e}' | '\u{200f}' | '\u{061c}' // directional marks
            | '\u{200b}' | '\u{2060}' | '\u{feff}' // zero-width space, word joiner, BOM
            | '\u{fff9}'..='\u{fffb}' // interlinear annotations
            | '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' // Hangul fillers (blank names)
            | '\u{2061}'..='\u{2064}' | '\u{180e}' // invisible operators, Mongolian separator
        )
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// After ESC: consume the rest of the sequence.
fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi(chars),
        Some(']') | Some('P') | Some('X') | Some('^') | Some('_') => skip_string(chars),
        // nF escapes: intermediates 0x20-0x2f then one final byte.
        Some(c) if ('\u{20}'..='\u{2f}').contains(&c) => {
            while let Some(&n) = chars.peek() {
                chars.next();
                if !('\u{20}'..='\u{2f}').contains(&n) {
                    break;
                }
            }
        }
        // Two-byte escapes (ESC c, ESC 7, ...) or a lone ESC at the end.
        _ => {}
    }
}

/// CSI: parameters and intermediates, then one final byte in 0x40-0x7e.
fn skip_csi(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
        if !('\u{20}'..='\u{3f}').contains(&c) {
            // Malformed: stop at the first byte that cannot belong to a CSI.
            break;
        }
    }
}

/// OSC/DCS/APC/PM/SOS payload up to BEL, ST (ESC \) or C1 ST.
fn skip_string(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_unchanged() {
        let s = "Hello, wörld! 👋 日本語\nsecond line";
        assert_eq!(clean(s), s);
    }

    #[test]
    fn strips_csi_osc_and_controls() {
        let cases = [
            ("a\u{1b}[31mred\u{1b}[0m b", "ared b"),
            ("\u{1b}]0;pwned title\u{7}x", "x"),
            ("\u{1b}]52;c;ZWNobyBoaQ==\u{1b}\\y", "y"),
            ("\u{1b}[2J\u{1b}[Hclear", "clear"),
            ("bell\u{7}back\u{8}space", "bellbackspace"),
            ("c1\u{9b}31mcsi", "c1csi"),
            ("\u{9d}8;;http://evil\u{9c}link", "link"),
            ("dcs\u{1b}Pq#0;2;0;0;0\u{1b}\\done", "dcsdone"),
            ("tab\there", "tab here"),
            ("crlf\r\nline\rcr", "crlf\nline\ncr"),
            ("rtl \u{202e}gnp.exe", "rtl gnp.exe"),
            ("zero\u{200b}width", "zerowidth"),
            ("esc at end\u{1b}", "esc at end"),
            ("\u{1b}(Bcharset", "charset"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "input {input:?}");
        }
    }

    #[test]
    fn combining_floods_are_capped_but_real_scripts_kept() {
        let zalgo = format!("a{}b", "\u{0301}".repeat(500));
        let out = clean(&zalgo);
        assert_eq!(out.chars().count(), 2 + MAX_ZERO_WIDTH_RUN);
        assert!(out.starts_with('a') && out.ends_with('b'));
        // Devanagari with its marks, and a family emoji (joiners), are untouched.
        for real in ["नमस्ते", "👨‍👩‍👧‍👦", "é"] {
            assert_eq!(clean(real), real);
        }
    }

    #[test]
    fn invisible_fillers_tags_and_zwnj_floods_are_dropped() {
        let cases = [
            // Tag characters smuggle invisible text ("hi" in tags) after a visible word.
            ("ok\u{e0001}\u{e0068}\u{e0069}\u{e007f}", "ok"),
            ("a\u{e0041}b", "ab"),
            // A name made only of Hangul fillers is empty, not a blank that looks like text.
            ("\u{3164}\u{3164}", ""),
            ("\u{115f}\u{1160}x\u{ffa0}", "x"),
            // A flood of non-joiners keeps one (Persian and Indic text need a single one).
            ("a\u{200c}\u{200c}\u{200c}\u{200c}\u{200c}b", "a\u{200c}b"),
            ("x\u{2062}y\u{180e}z", "xyz"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "input {input:?}");
        }
        // Real uses are kept: a subdivision flag, a Persian word with its non-joiner.
        for real in [
            "\u{1f3f4}\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}",
            "می\u{200c}خواهم",
            "한국어",
        ] {
            assert_eq!(clean(real), real);
        }
    }

    #[test]
    fn unterminated_osc_swallows_rest_not_more() {
        assert_eq!(clean("ok\u{1b}]0;never ends"), "ok");
    }

    #[test]
    fn error_text_is_one_clean_bounded_line() {
        assert_eq!(
            error_text("expected `</\u{1b}]52;c;cm0=\u{7}x>`\nfound"),
            "expected `</x>` found"
        );
        let long = error_text(&"é".repeat(2 * MAX_ERROR_CHARS));
        assert_eq!(long.chars().count(), MAX_ERROR_CHARS + 1);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn one_line_folds_whitespace() {
        assert_eq!(one_line("  a\n\n b\t c \u{1b}[1m "), "a b c");
    }

    #[test]
    fn output_never_contains_controls() {
        // A cheap exhaustive check over every char below 0x3000 behind an ESC and alone.
        for cp in 0u32..0x3000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            for s in [
                format!("{c}"),
                format!("\u{1b}{c}x"),
                format!("\u{1b}[{c}x"),
            ] {
                let out = clean(&s);
                assert!(
                    !out.chars()
                        .any(|o| o != '\n' && (o.is_control() || is_forbidden(o))),
                    "U+{cp:04X} left {out:?}"
                );
            }
        }
    }
}
