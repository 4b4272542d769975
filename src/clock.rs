//! Time at the bottom layer: the [`Clock`] that background tasks and the demo read, and the
//! `14:32` wall-clock text. [`clock_time_in`] is pure (the app core passes its `now` and time
//! zone); [`clock_time`] reads the system clock and zone, for the CLI and error messages only.

use std::sync::Arc;

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The current time, injectable: the real clock in the binary, a fixed one in tests.
pub type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// `14:32` in `tz` (a date is added when `t` is not on the same day as `now`).
pub fn clock_time_in(t: &Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let z = t.to_zoned(tz.clone());
    if z.date() == now.to_zoned(tz.clone()).date() {
        z.strftime("%H:%M").to_string()
    } else {
        z.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// `14:32` in the local time zone (a date is added when it is not today). Reads the clock:
/// not for the app core.
pub fn clock_time(t: &Timestamp) -> String {
    clock_time_in(t, Timestamp::now(), &TimeZone::system())
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::{at, t0};

    #[test]
    fn adds_the_date_only_on_another_day() {
        // t0 is 2026-11-26T10:00:00Z.
        assert_eq!(
            clock_time_in(&at(4 * 3600 + 32 * 60), t0(), &TimeZone::UTC),
            "14:32"
        );
        assert_eq!(
            clock_time_in(&at(23 * 3600 + 5 * 60), t0(), &TimeZone::UTC),
            "2026-11-27 09:05"
        );
        // The day is the zone's: 23:30 UTC is already the next day an hour east.
        let east = TimeZone::fixed(jiff::tz::offset(1));
        assert_eq!(
            clock_time_in(&at(13 * 3600 + 30 * 60), t0(), &east),
            "2026-11-27 00:30"
        );
    }
}
