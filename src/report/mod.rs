//! Response-time figures per channel and account: items in, replied, median and 90th
//! percentile first-response time (business time where a policy has hours), breaches, open
//! and overdue follow-ups, and per-day volume and medians. Pure: data in, figures out.

pub mod html;

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::model::{FollowUp, Item, Kind, Status};
use crate::sla::{Policies, TimerState};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Row {
    pub channel: String,
    pub account: String,
    pub items_in: usize,
    pub replied: usize,
    /// Nearest-rank percentiles of first-response time, in seconds.
    pub median_first_response_s: Option<i64>,
    pub p90_first_response_s: Option<i64>,
    /// Answered after the breach target, or still waiting past it.
    pub breaches: usize,
    pub open_followups: usize,
    pub overdue_followups: usize,
    /// Follow-ups opened and closed within the period (whenever their item arrived).
    pub followups_opened: usize,
    pub followups_closed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Day {
    pub date: String,
    pub items_in: usize,
    /// Of the day's arrivals: answered, and their first-response percentiles.
    pub replied: usize,
    pub median_first_response_s: Option<i64>,
    pub p90_first_response_s: Option<i64>,
    /// Of the day's arrivals: answered late or still waiting past the target.
    pub breaches: usize,
    /// Follow-ups opened and closed on that day.
    pub followups_opened: usize,
    pub followups_closed: usize,
}

/// Up to this many days, every day of the period is listed, quiet ones with zeros; a longer
/// period lists only the days something happened.
const MAX_FILLED_DAYS: i32 = 400;

/// One day's tallies while the report is built.
#[derive(Default)]
struct DayAcc {
    items_in: usize,
    times: Vec<i64>,
    breaches: usize,
    opened: usize,
    closed: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub since: String,
    pub until: String,
    pub rows: Vec<Row>,
    pub total: Row,
    pub days: Vec<Day>,
    /// Per responder (who sent the first reply); filled by [`by_responder`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub responders: Vec<Responder>,
}

/// One responder's figures: the items they answered first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Responder {
    pub who: String,
    pub replied: usize,
    pub median_first_response_s: Option<i64>,
    pub p90_first_response_s: Option<i64>,
    /// Answered after the breach target.
    pub breaches: usize,
}

/// Figures per responder over the items that arrived in the period, from who answered each
/// (`first_responders`: item → name), busiest first.
pub fn by_responder(
    items: &[Item],
    first_responders: &[(crate::model::ItemId, String)],
    policies: &Policies,
    since: Timestamp,
    now: Timestamp,
) -> Vec<Responder> {
    let who: BTreeMap<_, _> = first_responders.iter().cloned().collect();
    let mut groups: BTreeMap<String, (Responder, Vec<i64>)> = BTreeMap::new();
    for item in items
        .iter()
        .filter(|i| i.created_at >= since && i.created_at <= now)
    {
        let (Some(name), Some(t)) = (who.get(&item.id), first_response_s(item, policies)) else {
            continue;
        };
        let (row, times) = groups.entry(name.clone()).or_insert_with(|| {
            (
                Responder {
                    who: name.clone(),
                    ..Responder::default()
                },
                Vec::new(),
            )
        });
        row.replied += 1;
        times.push(t);
        if t > policies.for_item(item).breach_s {
            row.breaches += 1;
        }
    }
    let mut rows: Vec<Responder> = groups
        .into_values()
        .map(|(mut row, mut times)| {
            times.sort_unstable();
            row.median_first_response_s = percentile(&times, 0.5);
            row.p90_first_response_s = percentile(&times, 0.9);
            row
        })
        .collect();
    rows.sort_by(|a, b| b.replied.cmp(&a.replied).then_with(|| a.who.cmp(&b.who)));
    rows
}

/// The value at nearest rank `p` (0 < p ≤ 1) of sorted `v`.
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Seconds from arrival to first response under the item's policy (business time if it has hours).
fn first_response_s(item: &Item, policies: &Policies) -> Option<i64> {
    let answered = item.first_response_at?;
    let start = if item.kind == Kind::Entry {
        item.first_seen_at
    } else {
        item.created_at
    };
    Some(match &policies.for_item(item).hours {
        Some(h) => h.seconds_between(start, answered),
        None => (answered.as_second() - start.as_second()).max(0),
    })
}

/// What a report over the period from `since` reads: the items written since then, the
/// follow-ups open now or opened or closed in the period, and the items of those however old
/// (a case opened last month is still open). Not every item ever stored.
pub fn inputs(
    s: &mut dyn crate::store::StoreBackend,
    since: Timestamp,
) -> crate::store::StoreResult<(Vec<Item>, Vec<FollowUp>)> {
    let mut items = s.list_items(&crate::store::ItemQuery {
        all: true,
        created_since: Some(since),
        ..crate::store::ItemQuery::default()
    })?;
    let followups: Vec<FollowUp> = s
        .followups(true)?
        .into_iter()
        .filter(|f| f.created_at >= since || f.closed_at.is_none_or(|c| c >= since))
        .collect();
    let mut have: std::collections::HashSet<_> = items.iter().map(|i| i.id).collect();
    for f in &followups {
        if have.insert(f.item) {
            items.push(s.item(f.item)?);
        }
    }
    Ok((items, followups))
}

pub fn build(
    items: &[Item],
    followups: &[FollowUp],
    policies: &Policies,
    since: Timestamp,
    now: Timestamp,
    tz: &TimeZone,
) -> Report {
    let mut groups: BTreeMap<(String, String), (Row, Vec<i64>)> = BTreeMap::new();
    let mut days: BTreeMap<String, DayAcc> = BTreeMap::new();
    let day_of = |t: Timestamp| t.to_zoned(tz.clone()).date().to_string();
    let in_period = |t: Timestamp| t >= since && t <= now;
    let mut all_times = Vec::new();
    for item in items
        .iter()
        .filter(|i| i.created_at >= since && i.created_at <= now)
    {
        let key = (item.channel.to_string(), item.account.clone());
        let (row, times) = groups.entry(key.clone()).or_insert_with(|| {
            (
                Row {
                    channel: key.0.clone(),
                    account: key.1.clone(),
                    ..Row::default()
                },
                Vec::new(),
            )
        });
        row.items_in += 1;
        let day = days.entry(day_of(item.created_at)).or_default();
        day.items_in += 1;
        let breach = policies.for_item(item).breach_s;
        match first_response_s(item, policies) {
            Some(t) => {
                row.replied += 1;
                times.push(t);
                day.times.push(t);
                all_times.push(t);
                if t > breach {
                    row.breaches += 1;
                    day.breaches += 1;
                }
            }
            // Still unanswered (or taken offline, or snoozed) after the clock passed the target.
            None if item.status != Status::Ignored && {
                let t = policies.timer(item, now);
                t.state != TimerState::None && t.elapsed_s > breach
            } =>
            {
                row.breaches += 1;
                day.breaches += 1;
            }
            None => {}
        }
    }
    let by_item: BTreeMap<_, _> = items
        .iter()
        .map(|i| (i.id, (i.channel.to_string(), i.account.clone())))
        .collect();
    for f in followups {
        let opened = in_period(f.created_at);
        let closed = f.closed_at.is_some_and(in_period);
        if opened {
            days.entry(day_of(f.created_at)).or_default().opened += 1;
        }
        if let Some(c) = f.closed_at.filter(|_| closed) {
            days.entry(day_of(c)).or_default().closed += 1;
        }
        let open = f.closed_at.is_none();
        if !(open || opened || closed) {
            continue;
        }
        if let Some(key) = by_item.get(&f.item) {
            let (row, _) = groups.entry(key.clone()).or_insert_with(|| {
                (
                    Row {
                        channel: key.0.clone(),
                        account: key.1.clone(),
                        ..Row::default()
                    },
                    Vec::new(),
                )
            });
            row.followups_opened += usize::from(opened);
            row.followups_closed += usize::from(closed);
            if open {
                row.open_followups += 1;
                if f.due_at.is_some_and(|d| d < now) {
                    row.overdue_followups += 1;
                }
            }
        }
    }
    let mut total = Row {
        channel: "all".into(),
        account: "all".into(),
        ..Row::default()
    };
    let rows: Vec<Row> = groups
        .into_values()
        .map(|(mut row, mut times)| {
            times.sort_unstable();
            row.median_first_response_s = percentile(&times, 0.5);
            row.p90_first_response_s = percentile(&times, 0.9);
            total.items_in += row.items_in;
            total.replied += row.replied;
            total.breaches += row.breaches;
            total.open_followups += row.open_followups;
            total.overdue_followups += row.overdue_followups;
            total.followups_opened += row.followups_opened;
            total.followups_closed += row.followups_closed;
            row
        })
        .collect();
    // Quiet days are days too: a chart of the week shows them as zero, not as a gap.
    let (first, last) = (
        since.to_zoned(tz.clone()).date(),
        now.to_zoned(tz.clone()).date(),
    );
    if first
        .until(last)
        .is_ok_and(|span| span.get_days() <= MAX_FILLED_DAYS)
    {
        for d in first
            .series(jiff::ToSpan::day(1))
            .take_while(|d| *d <= last)
        {
            days.entry(d.to_string()).or_default();
        }
    }
    all_times.sort_unstable();
    total.median_first_response_s = percentile(&all_times, 0.5);
    total.p90_first_response_s = percentile(&all_times, 0.9);
    let days = days
        .into_iter()
        .map(|(date, mut d)| {
            d.times.sort_unstable();
            Day {
                date,
                items_in: d.items_in,
                replied: d.times.len(),
                median_first_response_s: percentile(&d.times, 0.5),
                p90_first_response_s: percentile(&d.times, 0.9),
                breaches: d.breaches,
                followups_opened: d.opened,
                followups_closed: d.closed,
            }
        })
        .collect();
    Report {
        since: since.to_string(),
        until: now.to_string(),
        rows,
        total,
        days,
        responders: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
