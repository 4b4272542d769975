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
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration (write e.g. 15m, 1h, 1h30m)".into());
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => {
                return Err(format!(
                    "invalid duration {text:?}: unexpected {c:?} (write e.g. 15m, 1h, 1h30m)"
                ));
            }
        };
        let n: i64 = num
            .parse()
            .map_err(|_| format!("invalid duration {text:?}: a number must come before {c:?}"))?;
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("duration {text:?} is too large"))?;
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!(
            "invalid duration {text:?}: missing unit after {num} (s, m, h, d or w)"
        ));
    }
    Ok(total)
}
