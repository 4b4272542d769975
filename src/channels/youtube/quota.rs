//! YouTube's daily quota: what calls cost, the reserve kept for replies, and the spacing of
//! polls so that a day's polling fits in what is left. Pure arithmetic over the
//! [`Meter`](crate::channels::usage::Meter)'s count, tested with fixed times.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Google's default allowance per project and day.
pub const DEFAULT_DAILY_QUOTA: u64 = 10_000;
/// A `list` call (threads, comments, videos), whatever it returns.
pub const LIST_COST: u64 = 1;
/// A `comments.insert` (our reply).
pub const INSERT_COST: u64 = 50;
/// Units polling leaves for replies (ten replies); a smaller quota keeps a fifth.
pub const RESERVE: u64 = 500;

/// What polling leaves untouched for replies under `limit` (0: no limit, no reserve).
pub fn reserve(limit: u64) -> u64 {
    RESERVE.min(limit / 5)
}

/// The next midnight UTC, when the day's count starts again (Google resets at midnight
/// Pacific, which is never earlier).
pub fn next_day(now: Timestamp) -> Timestamp {
    let utc = now.to_zoned(TimeZone::UTC);
    utc.date()
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(TimeZone::UTC).ok())
        .map(|z| z.timestamp())
        .unwrap_or(now)
}

/// When Google gives a spent quota back: the next midnight Pacific time (a fixed UTC-8
/// where the time zone database is missing: an hour late in summer, never early).
pub fn google_reset(now: Timestamp) -> Timestamp {
    let tz = TimeZone::get("America/Los_Angeles")
        .unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(-8)));
    let here = now.to_zoned(tz.clone());
    here.date()
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned(tz).ok())
        .map(|z| z.timestamp())
        .unwrap_or_else(|| next_day(now))
}

/// Whether a poll may start with `used` of `limit` spent: `Err(until)` once only the reserve
/// is left (replies go on; polling resumes the next day).
pub fn may_poll(used: u64, limit: u64, now: Timestamp) -> Result<(), Timestamp> {
    if limit > 0 && limit.saturating_sub(used) <= reserve(limit) {
        return Err(next_day(now));
    }
    Ok(())
}

/// The least time between two polls that each cost `per_poll` units, so that what is left
/// above the reserve lasts until the day's end. Zero while the quota is ample.
pub fn spacing(used: u64, limit: u64, per_poll: u64, now: Timestamp) -> Duration {
    if limit == 0 {
        return Duration::ZERO;
    }
    let left = limit.saturating_sub(used).saturating_sub(reserve(limit));
    let polls = (left / per_poll.max(1)).max(1);
    let secs = next_day(now)
        .as_second()
        .saturating_sub(now.as_second())
        .max(0);
    Duration::from_secs(secs.unsigned_abs() / polls)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().expect("time")
    }

    #[test]
    fn polling_stops_at_the_reserve_until_midnight_utc() {
        let now = at("2026-12-02T13:00:00Z");
        assert_eq!(next_day(now), at("2026-12-03T00:00:00Z"));
        assert_eq!(google_reset(now), at("2026-12-03T08:00:00Z"));
        assert_eq!(may_poll(9_499, 10_000, now), Ok(()));
        assert_eq!(
            may_poll(9_500, 10_000, now),
            Err(at("2026-12-03T00:00:00Z"))
        );
        assert_eq!(reserve(100), 20);
        assert_eq!(may_poll(1_000_000, 0, now), Ok(()), "no limit set");
    }

    #[test]
    fn polls_are_spaced_so_the_rest_of_the_day_fits() {
        let now = at("2026-12-02T12:00:00Z");
        // 9,500 units for 12 hours at 3 a poll: a poll every 13.6 s is fine.
        assert_eq!(
            spacing(0, 10_000, 3, now),
            Duration::from_secs(43_200 / 3_166)
        );
        // 600 left, 100 above the reserve, 10 a poll: 10 polls in 12 hours.
        assert_eq!(spacing(9_400, 10_000, 10, now), Duration::from_secs(4_320));
        assert_eq!(spacing(5, 0, 3, now), Duration::ZERO);
    }
}
