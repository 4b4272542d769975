//! Business hours: the response clock runs only inside them (per policy, in its time zone,
//! skipping closed days and holidays). All arithmetic is on zoned civil times, so DST
//! changes are handled by jiff's time-zone rules.

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan, Zoned};

#[derive(Debug, Clone, PartialEq)]
pub struct BusinessHours {
    pub tz: TimeZone,
    /// Open days, Monday first.
    pub days: [bool; 7],
    pub open: Time,
    pub close: Time,
    pub holidays: Vec<Date>,
}

/// Longest span we walk day by day (a guard against a schedule with no open days).
const MAX_DAYS: i64 = 3 * 366;

impl BusinessHours {
    /// From config strings: `tz = "Europe/Berlin"`, `days = "mon-fri"` (or `"mon,wed,fri"`),
    /// `hours = "09:00-17:00"`, `holidays = ["2026-12-25"]`.
    pub fn parse(
        tz: &str,
        days: &str,
        hours: &str,
        holidays: &[String],
    ) -> Result<BusinessHours, String> {
        let tz = TimeZone::get(tz).map_err(|_| format!("unknown time zone {tz:?}"))?;
        let (open, close) = hours
            .split_once('-')
            .ok_or_else(|| format!("hours {hours:?}: write e.g. 09:00-17:00"))?;
        let time = |s: &str| {
            s.trim()
                .parse::<Time>()
                .map_err(|_| format!("hours {hours:?}: {s:?} is not a time like 09:00"))
        };
        let (open, close) = (time(open)?, time(close)?);
        if open >= close {
            return Err(format!("hours {hours:?}: opening must come before closing"));
        }
        let holidays = holidays
            .iter()
            .map(|h| {
                h.trim()
                    .parse::<Date>()
                    .map_err(|_| format!("holiday {h:?} is not a date like 2026-12-25"))
            })
            .collect::<Result<_, _>>()?;
        Ok(BusinessHours {
            tz,
            days: parse_days(days)?,
            open,
            close,
            holidays,
        })
    }

    fn is_open_day(&self, d: Date) -> bool {
        self.days[d.weekday().to_monday_zero_offset() as usize] && !self.holidays.contains(&d)
    }

    /// The open interval of civil day `d`, as instants (DST-correct), if it is an open day.
    fn window(&self, d: Date) -> Option<(Timestamp, Timestamp)> {
        if !self.is_open_day(d) {
            return None;
        }
        let at = |t: Time| {
            d.to_datetime(t)
                .to_zoned(self.tz.clone())
                .ok()
                .map(|z| z.timestamp())
        };
        Some((at(self.open)?, at(self.close)?))
    }

    fn day_of(&self, t: Timestamp) -> Date {
        t.to_zoned(self.tz.clone()).date()
    }

    /// Seconds of business time between `from` and `to` (0 if `to` is not after `from`).
    pub fn seconds_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = 0;
        let mut day = self.day_of(from);
        let last = self.day_of(to);
        for _ in 0..MAX_DAYS {
            if let Some((o, c)) = self.window(day) {
                let (s, e) = (o.max(from), c.min(to));
                if e > s {
                    total += e.as_second() - s.as_second();
                }
            }
            if day >= last {
                break;
            }
            match day.checked_add(1.day()) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        total
    }

    /// The instant when `budget_s` seconds of business time have passed since `start`.
    pub fn add(&self, start: Timestamp, budget_s: i64) -> Option<Timestamp> {
        let mut left = budget_s.max(0);
        let mut day = self.day_of(start);
        for _ in 0..MAX_DAYS {
            if let Some((o, c)) = self.window(day) {
                let s = o.max(start);
                if c > s {
                    let avail = c.as_second() - s.as_second();
                    if left <= avail {
                        return s.checked_add(SignedDuration::from_secs(left)).ok();
                    }
                    left -= avail;
                }
            }
            day = day.checked_add(1.day()).ok()?;
        }
        None
    }

    /// Whether the clock runs at `t`.
    pub fn is_open_at(&self, t: Timestamp) -> bool {
        self.window(self.day_of(t))
            .is_some_and(|(o, c)| t >= o && t < c)
    }

    /// Local wall-clock time of `t` in this policy's zone (for explanations).
    pub fn local(&self, t: Timestamp) -> Zoned {
        t.to_zoned(self.tz.clone())
    }
}

fn parse_days(s: &str) -> Result<[bool; 7], String> {
    const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let idx = |n: &str| {
        let n = n.trim().to_lowercase();
        NAMES
            .iter()
            .position(|x| n.starts_with(x))
            .ok_or_else(|| format!("days {s:?}: {n:?} is not a weekday (mon..sun)"))
    };
    let mut days = [false; 7];
    for part in s.split(',') {
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (idx(a)?, idx(b)?);
                let mut i = a;
                loop {
                    days[i] = true;
                    if i == b {
                        break;
                    }
                    i = (i + 1) % 7;
                }
            }
            None => days[idx(part)?] = true,
        }
    }
    Ok(days)
}

#[cfg(test)]
#[path = "hours_tests.rs"]
mod tests;
