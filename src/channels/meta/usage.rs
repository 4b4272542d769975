//! Graph's rate-limit headers: `x-app-usage`, `x-business-use-case-usage` and
//! `x-ad-account-usage`, JSON strings of percentages of the quota used. The highest
//! percentage decides: above [`SLOW_DOWN_AT`] tinbox spaces its calls, at 100 it waits for
//! `estimated_time_to_regain_access` (minutes).

use reqwest::header::HeaderMap;
use serde_json::Value;

/// Above this percentage of any quota, calls are spaced out.
pub const SLOW_DOWN_AT: u32 = 90;

/// The usage one answer reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// The highest percentage over every quota reported (0 when none was).
    pub percent: u32,
    /// Minutes until access comes back, when Graph said (business use case usage).
    pub regain_minutes: Option<u64>,
}

impl Usage {
    pub fn exhausted(&self) -> bool {
        self.percent >= 100
    }
    pub fn near(&self) -> bool {
        self.percent > SLOW_DOWN_AT
    }
}

impl Usage {
    /// The status bar's words above [`SLOW_DOWN_AT`]: how much of Meta's quota is used and
    /// what tinbox does about it (nothing below: the quota is no concern then).
    pub fn line(&self) -> Option<String> {
        if self.exhausted() {
            Some(match self.regain_minutes {
                Some(m) => format!("Meta's rate limit reached: back in about {m} min"),
                None => "Meta's rate limit reached: waiting".to_string(),
            })
        } else if self.near() {
            Some(format!(
                "{}% of Meta's rate limit used: calls spaced out",
                self.percent
            ))
        } else {
            None
        }
    }
}

const PERCENT_KEYS: &[&str] = &[
    "call_count",
    "total_cputime",
    "total_time",
    "acc_id_util_pct",
];

/// The usage reported by `headers` (absent or unreadable headers count as nothing used).
pub fn from_headers(headers: &HeaderMap) -> Usage {
    let get = |k: &str| headers.get(k).and_then(|v| v.to_str().ok());
    let mut u = Usage::default();
    for name in [
        "x-app-usage",
        "x-business-use-case-usage",
        "x-ad-account-usage",
        "x-page-usage",
    ] {
        if let Some(v) = get(name).and_then(|s| serde_json::from_str::<Value>(s).ok()) {
            walk(&v, &mut u);
        }
    }
    u
}

/// Every object with percentage keys, however nested (the business header is keyed by
/// business id, each a list of objects).
fn walk(v: &Value, u: &mut Usage) {
    match v {
        Value::Object(o) => {
            for k in PERCENT_KEYS {
                if let Some(p) = o.get(*k).and_then(number) {
                    u.percent = u.percent.max(p.min(u64::from(u32::MAX)) as u32);
                }
            }
            if let Some(m) = o.get("estimated_time_to_regain_access").and_then(number)
                && m > 0
            {
                u.regain_minutes = Some(u.regain_minutes.map_or(m, |x| x.max(m)));
            }
            for x in o.values() {
                if x.is_object() || x.is_array() {
                    walk(x, u);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(x, u)),
        _ => {}
    }
}

/// A percentage as a number or a numeric string.
fn number(v: &Value) -> Option<u64> {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f.ceil() as u64))
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().expect("header value"));
        }
        h
    }

    #[test]
    fn the_highest_percentage_of_any_header_decides() {
        let u = from_headers(&headers(&[
            (
                "x-app-usage",
                r#"{"call_count":28,"total_time":25,"total_cputime":25}"#,
            ),
            (
                "x-ad-account-usage",
                r#"{"acc_id_util_pct":91.5,"reset_time_duration":0}"#,
            ),
        ]));
        assert_eq!(u.percent, 92);
        assert!(u.near() && !u.exhausted());
        let full = from_headers(&headers(&[(
            "x-business-use-case-usage",
            r#"{"1":[{"type":"pages","call_count":100,"estimated_time_to_regain_access":7}]}"#,
        )]));
        assert!(full.exhausted());
        assert_eq!(full.regain_minutes, Some(7));
        assert_eq!(
            from_headers(&headers(&[("x-app-usage", "nope")])).percent,
            0
        );
    }

    #[test]
    fn the_status_line_speaks_only_near_the_limit() {
        let at = |percent, regain_minutes| Usage {
            percent,
            regain_minutes,
        };
        assert_eq!(at(72, None).line(), None);
        assert_eq!(
            at(95, None).line().as_deref(),
            Some("95% of Meta's rate limit used: calls spaced out")
        );
        assert_eq!(
            at(100, Some(7)).line().as_deref(),
            Some("Meta's rate limit reached: back in about 7 min")
        );
    }
}
