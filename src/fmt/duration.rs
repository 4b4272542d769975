//! Durations in tinbox's compact notation: [`format_age`] writes `45s`, `12m`, `1h05m`, `2d`;
//! [`parse_duration`] reads `90s`, `15m`, `1h30m`, `2d`, `1w` (config values, snooze times).

/// Compact age: `45s`, `12m`, `1h05m`, `2d`.
pub fn format_age(secs: i64) -> String {
    let s = secs.max(0);
    if s < 60 {
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m", s / 60)
    } else if s < 86_400 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d", s / 86_400)
    }
}

/// Parse a duration such as `90s`, `15m`, `1h`, `1h30m`, `2d`, `1w` into seconds.
///
/// tinbox's own check comes first, so the accepted forms and the messages are tinbox's
/// (numbers followed by `s`, `m`, `h`, `d` or `w`, no spaces, fractions or ISO 8601), then
/// jiff's span parser reads the value (days and weeks of 24 hours).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration (write e.g. 15m, 1h, 1h30m)".into());
    }
    let mut num = String::new();
    // Units largest first, each once (`1h30m`): what a span is written as.
    let mut last_unit = usize::MAX;
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let Some(unit) = ['s', 'm', 'h', 'd', 'w'].iter().position(|u| *u == c) else {
            return Err(format!(
                "invalid duration {text:?}: unexpected {c:?} (write e.g. 15m, 1h, 1h30m)"
            ));
        };
        if num.is_empty() {
            return Err(format!(
                "invalid duration {text:?}: a number must come before {c:?}"
            ));
        }
        if unit >= last_unit {
            return Err(format!(
                "invalid duration {text:?}: write each unit once, largest first (e.g. 1h30m)"
            ));
        }
        last_unit = unit;
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!(
            "invalid duration {text:?}: missing unit after {num} (s, m, h, d or w)"
        ));
    }
    // What passed the check above is a span jiff reads; it only refuses one too large.
    let span: jiff::Span = t
        .parse()
        .map_err(|_| format!("duration {text:?} is too large"))?;
    span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
        .map(|d| d.as_secs())
        .map_err(|_| format!("duration {text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_unit_and_their_sums() {
        for (text, secs) in [
            ("90s", 90),
            ("15m", 900),
            ("1h", 3600),
            ("1h30m", 5400),
            ("2d", 172_800),
            ("1w", 604_800),
            ("1w2d3h4m5s", 788_645),
            ("0s", 0),
        ] {
            assert_eq!(parse_duration(text), Ok(secs), "{text}");
        }
    }

    #[test]
    fn errors_are_tinboxs_own() {
        let e = |t: &str| parse_duration(t).expect_err(t);
        assert!(e("").starts_with("empty duration"));
        assert!(e("1.5h").contains("unexpected '.'"), "{}", e("1.5h"));
        assert!(e("1 h").contains("unexpected ' '"), "{}", e("1 h"));
        assert!(e("PT1H").contains("unexpected 'P'"), "{}", e("PT1H"));
        assert!(e("1hour").contains("unexpected 'o'"), "{}", e("1hour"));
        assert!(e("h").contains("a number must come before 'h'"));
        assert!(e("15").contains("missing unit after 15"));
        assert!(e("99999999999999999w").contains("too large"));
        assert!(e("30m1h").contains("largest first"), "{}", e("30m1h"));
    }
}
