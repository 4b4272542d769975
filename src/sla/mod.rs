//! Response-time timers: pure arithmetic over an item's clock fields and a policy.
//!
//! No clock is read here; `now` is always passed in. Business hours and per-channel policies
//! build on this (see the response-time issue); the foundation has one default policy.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

pub mod due;
pub mod hours;

use std::sync::Arc;

use crate::model::{ChannelKind, Item, Kind, Priority, Status, TimerTarget};
pub use hours::BusinessHours;
// Durations are written and read by the bottom layer; these names stay for the callers.
pub use crate::fmt::{format_age, parse_duration};

/// Response-time targets, in seconds of (business) time.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub warn_s: i64,
    pub breach_s: i64,
    /// When set, the clock runs only inside these hours.
    pub hours: Option<Arc<BusinessHours>>,
}

impl Default for Policy {
    /// The design's defaults: warn at 15 minutes, breach at one hour, around the clock.
    fn default() -> Self {
        Policy {
            warn_s: 15 * 60,
            breach_s: 60 * 60,
            hours: None,
        }
    }
}

/// One `[[sla.policy]]`: the given conditions must all match; the first matching rule wins.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub channel: Option<ChannelKind>,
    pub account: Option<String>,
    pub kind: Option<Kind>,
    pub priority: Option<Priority>,
    pub tag: Option<String>,
    pub policy: Policy,
}

impl Rule {
    pub fn matches(&self, item: &Item) -> bool {
        self.channel.is_none_or(|c| c == item.channel)
            && self.account.as_ref().is_none_or(|a| *a == item.account)
            && self.kind.is_none_or(|k| k == item.kind)
            && self.priority.is_none_or(|p| p == item.priority)
            && self.tag.as_ref().is_none_or(|t| item.tags.contains(t))
    }
}

/// The default policy and the ordered rules that override it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policies {
    pub default: Policy,
    pub rules: Vec<Rule>,
}

impl Policies {
    pub fn new(default: Policy, rules: Vec<Rule>) -> Policies {
        Policies { default, rules }
    }

    /// The policy that applies to `item`: the first matching rule, else the default.
    pub fn for_item(&self, item: &Item) -> &Policy {
        self.rules
            .iter()
            .find(|r| r.matches(item))
            .map(|r| &r.policy)
            .unwrap_or(&self.default)
    }

    /// The timer of `item` under its own policy.
    pub fn timer(&self, item: &Item, now: Timestamp) -> Timer {
        timer(item, self.for_item(item), now)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimerState {
    Ok,
    Warn,
    Breached,
    Paused,
    /// No clock runs (answered, done, ignored).
    None,
}

impl TimerState {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerState::Ok => "ok",
            TimerState::Warn => "warn",
            TimerState::Breached => "breached",
            TimerState::Paused => "paused",
            TimerState::None => "none",
        }
    }
}

/// An item's timer at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timer {
    pub state: TimerState,
    pub target: TimerTarget,
    /// Seconds the clock has run (pauses excluded).
    pub elapsed_s: i64,
    /// When the item breaches if nothing happens (absent when no clock runs or paused).
    pub due_at: Option<Timestamp>,
}

impl Timer {
    /// Seconds left before breach (negative once breached); `None` when no clock runs.
    pub fn left_s(&self, policy: &Policy) -> Option<i64> {
        match self.state {
            TimerState::None => None,
            _ => Some(policy.breach_s - self.elapsed_s),
        }
    }
}

/// The timer of `item` under `policy` at `now`.
pub fn timer(item: &Item, policy: &Policy, now: Timestamp) -> Timer {
    let none = Timer {
        state: TimerState::None,
        target: item.timer_target,
        elapsed_s: 0,
        due_at: None,
    };
    let Some(since) = item.waiting_since else {
        return none;
    };
    if matches!(
        item.status,
        Status::Done | Status::Ignored | Status::Replied
    ) {
        return none;
    }
    let paused = matches!(
        item.status,
        Status::Pending | Status::Snoozed | Status::FollowUp
    );
    let until = match (paused, item.paused_since) {
        (true, Some(p)) => p,
        _ => now,
    };
    // With business hours only open time counts. (Pauses are subtracted as wall time: an
    // approximation when a pause spans closed hours.)
    let running = match &policy.hours {
        Some(h) => h.seconds_between(since, until),
        None => secs_between(since, until),
    };
    let elapsed_s = (running - item.paused_secs).max(0);
    if paused {
        return Timer {
            state: TimerState::Paused,
            target: item.timer_target,
            elapsed_s,
            due_at: None,
        };
    }
    let state = if elapsed_s >= policy.breach_s {
        TimerState::Breached
    } else if elapsed_s >= policy.warn_s {
        TimerState::Warn
    } else {
        TimerState::Ok
    };
    let due_at = match &policy.hours {
        Some(h) => h.add(since, policy.breach_s + item.paused_secs),
        None => since
            .checked_add(SignedDuration::from_secs(
                policy.breach_s + item.paused_secs,
            ))
            .ok(),
    };
    Timer {
        state,
        target: item.timer_target,
        elapsed_s,
        due_at,
    }
}

fn secs_between(a: Timestamp, b: Timestamp) -> i64 {
    b.as_second() - a.as_second()
}

/// Seconds until the displayed text or state of a running clock at `elapsed_s` next changes.
pub fn secs_to_next_change(elapsed_s: i64, policy: &Policy) -> i64 {
    let s = elapsed_s.max(0);
    let text = if s < 60 {
        1
    } else if s < 86_400 {
        60 - s % 60
    } else {
        86_400 - s % 86_400
    };
    [policy.warn_s - s, policy.breach_s - s, text]
        .into_iter()
        .filter(|d| *d > 0)
        .min()
        .unwrap_or(1)
}

#[cfg(test)]
mod tests;
