//! Metered networks: what an account has spent of its allowance this period.
//!
//! X bills per post read (an optional monthly budget of reads); YouTube counts quota units
//! a day (10,000 by default: a list costs 1, a reply 50). A [`Meter`] keeps the count in a
//! small file per account (`<dir>/<account>.json`), written atomically after each spend, so
//! `sync --once`, the inbox and `account list` see the same figure and a restart does not
//! forget what was spent. A new period (month or UTC day) starts from zero.

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Where metered accounts count what they spent (one small file each): `usage/` beside the
/// secrets file, private like it, shared by every tinbox process of the user.
pub fn usage_dir(secrets_file: &Path) -> PathBuf {
    secrets_file
        .parent()
        .unwrap_or(Path::new("."))
        .join("usage")
}

/// How long an allowance lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A calendar month (UTC): X's read budget.
    Month,
    /// A day (UTC; Google resets YouTube quotas at midnight Pacific, UTC is the safe side).
    Day,
}

impl Period {
    fn key(self, now: Timestamp) -> String {
        let d = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        match self {
            Period::Month => format!("{:04}-{:02}", d.year(), d.month()),
            Period::Day => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }

    fn word(self) -> &'static str {
        match self {
            Period::Month => "this month",
            Period::Day => "today",
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Spent {
    period: String,
    used: u64,
}

/// One account's allowance and what it has spent.
#[derive(Debug, Clone)]
pub struct Meter {
    path: PathBuf,
    period: Period,
    /// The allowance; 0 means none set (counted, never refused).
    pub limit: u64,
    /// What the count is of ("reads", "units").
    pub unit: &'static str,
}

impl Meter {
    pub fn new(dir: &Path, account: &str, period: Period, limit: u64, unit: &'static str) -> Meter {
        let file: String = account
            .chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        Meter {
            path: dir.join(format!("{file}.json")),
            period,
            limit,
            unit,
        }
    }

    fn read(&self, now: Timestamp) -> Spent {
        let period = self.period.key(now);
        std::fs::read(&self.path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Spent>(&b).ok())
            .filter(|s| s.period == period)
            .unwrap_or(Spent { period, used: 0 })
    }

    /// Spent so far this period.
    pub fn used(&self, now: Timestamp) -> u64 {
        self.read(now).used
    }

    /// What is left of the allowance this period (`None` when there is no allowance).
    pub fn left(&self, now: Timestamp) -> Option<u64> {
        (self.limit > 0).then(|| self.limit.saturating_sub(self.used(now)))
    }

    /// Count `n` more; returns the new total. A count that cannot be written is reported
    /// (a full disk), never a reason to lose what was fetched.
    pub fn spend(&self, n: u64, now: Timestamp) -> Result<u64, String> {
        let mut s = self.read(now);
        s.used = s.used.saturating_add(n);
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let bytes = serde_json::to_vec(&s).map_err(|e| e.to_string())?;
        crate::private::write_atomic(&self.path, &bytes, 0o600)
            .map_err(|e| format!("{}: {e}", self.path.display()))?;
        Ok(s.used)
    }

    /// "1,234 of 10,000 reads this month", for `account list` and the status bar.
    pub fn line(&self, now: Timestamp) -> String {
        let used = group(self.used(now));
        let (unit, when) = (self.unit, self.period.word());
        if self.limit == 0 {
            format!("{used} {unit} {when}")
        } else {
            format!("{used} of {} {unit} {when}", group(self.limit))
        }
    }
}

/// 10000 → "10,000".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::at;

    #[test]
    fn counts_survive_a_restart_and_a_new_period_starts_from_zero() {
        let dir = tempfile::tempdir().expect("dir");
        let m = Meter::new(dir.path(), "brand/x", Period::Month, 10_000, "reads");
        let t = at(0);
        assert_eq!(m.spend(1_200, t).expect("spend"), 1_200);
        let again = Meter::new(dir.path(), "brand/x", Period::Month, 10_000, "reads");
        assert_eq!(again.spend(34, t).expect("spend"), 1_234);
        assert_eq!(again.line(t), "1,234 of 10,000 reads this month");
        assert_eq!(again.left(t), Some(8_766));
        let next_month = t + jiff::SignedDuration::from_hours(24 * 40);
        assert_eq!(again.used(next_month), 0);
        let day = Meter::new(dir.path(), "yt", Period::Day, 0, "units");
        day.spend(51, t).expect("spend");
        assert_eq!(day.line(t), "51 units today");
        assert_eq!(day.left(t), None);
    }
}
