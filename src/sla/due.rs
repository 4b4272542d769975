//! Due times as people write them: `2h`, `30m`, `today 17:00`, `tomorrow 10:00`, `14:30`,
//! `2026-11-30`, `2026-11-30 14:00` (local time of `tz`).

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

/// A date alone means this time of day.
const DEFAULT_TIME: Time = Time::constant(9, 0, 0, 0);

pub fn parse_due(text: &str, now: Timestamp, tz: &TimeZone) -> Result<Timestamp, String> {
    let t = text.trim().to_lowercase();
    let bad = || format!("due {text:?}: write e.g. 2h, tomorrow 10:00, 14:30 or 2026-11-30 14:00");
    if let Ok(secs) = super::parse_duration(&t) {
        return now
            .checked_add(SignedDuration::from_secs(secs))
            .map_err(|_| bad());
    }
    let today = now.to_zoned(tz.clone()).date();
    let (day, time): (Option<Date>, Option<&str>) = match t.split_once(' ') {
        Some(("today", rest)) => (Some(today), Some(rest)),
        Some(("tomorrow", rest)) => (today.checked_add(1.day()).ok(), Some(rest)),
        Some((d, rest)) => (Some(d.parse::<Date>().map_err(|_| bad())?), Some(rest)),
        None if t == "today" => (Some(today), None),
        None if t == "tomorrow" => (today.checked_add(1.day()).ok(), None),
        None => match t.parse::<Date>() {
            Ok(d) => (Some(d), None),
            Err(_) => (None, Some(t.as_str())),
        },
    };
    let time = match time {
        Some(s) => s.trim().parse::<Time>().map_err(|_| bad())?,
        None => DEFAULT_TIME,
    };
    let day = match day {
        Some(d) => d,
        // A bare time: today, or tomorrow if it has passed.
        None => {
            let at = DateTime::from_parts(today, time)
                .to_zoned(tz.clone())
                .map_err(|_| bad())?
                .timestamp();
            if at > now {
                today
            } else {
                today.checked_add(1.day()).map_err(|_| bad())?
            }
        }
    };
    DateTime::from_parts(day, time)
        .to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times_in_words() {
        let tz = TimeZone::get("Europe/Berlin").expect("tz");
        // Thursday 2026-11-26 11:00 Berlin.
        let now: Timestamp = "2026-11-26T10:00:00Z".parse().expect("ts");
        let at = |s: &str| s.parse::<Timestamp>().expect("ts");
        for (input, want) in [
            ("2h", "2026-11-26T12:00:00Z"),
            ("90m", "2026-11-26T11:30:00Z"),
            ("today 17:00", "2026-11-26T16:00:00Z"),
            ("tomorrow 10:00", "2026-11-27T09:00:00Z"),
            ("Tomorrow", "2026-11-27T08:00:00Z"),
            ("14:30", "2026-11-26T13:30:00Z"),
            ("08:00", "2026-11-27T07:00:00Z"),
            ("2026-11-30", "2026-11-30T08:00:00Z"),
            ("2026-11-30 14:00", "2026-11-30T13:00:00Z"),
        ] {
            assert_eq!(parse_due(input, now, &tz), Ok(at(want)), "{input}");
        }
        for bad in ["soon", "next week", "25:00", "2026-13-01", ""] {
            assert!(parse_due(bad, now, &tz).is_err(), "{bad}");
        }
    }
}
