//! Rules and alerts, applied to items when they arrive.
//!
//! A rule (`[[rules]]` in the config) has conditions (keywords or a regex in the text, an
//! author in a list, channel, account, kind) and actions (tag, priority, assign, hide as spam,
//! mark done, raise an alert). Rules run in order on every new item; every change they make is
//! recorded in the item's history as done by `rule NAME`.
//!
//! An alert rule (`[[alerts]]`) watches the rate: more than `count` matching items within
//! `minutes` raises an alert once, when the count crosses the threshold. It needs no memory
//! between polls, so `tinbox sync --once` and a running inbox agree.

use jiff::{SignedDuration, Timestamp};
use regex::Regex;

use crate::model::{ChannelKind, Item, ItemId, Kind, Priority, Status};
use crate::store::{ItemQuery, StoreBackend, StoreResult};

/// What an item must have for a rule to apply; every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct Condition {
    /// Any of these words or phrases in the text (case-insensitive).
    pub keywords: Vec<String>,
    pub regex: Option<Regex>,
    /// The author is one of these handles (case-insensitive, with or without `@`).
    pub authors: Vec<String>,
    pub channel: Option<ChannelKind>,
    pub account: Option<String>,
    pub kind: Option<Kind>,
    /// The author has more followers than this (where the channel reports it; an author
    /// whose count is unknown does not match).
    pub followers_over: Option<u64>,
}

/// What a rule does to a matching item.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Actions {
    pub tags: Vec<String>,
    pub priority: Option<Priority>,
    pub assign: Option<String>,
    /// Hide as spam: the item is ignored (it never counts as a breach).
    pub spam: bool,
    pub done: bool,
    pub alert: bool,
}

impl PartialEq for Condition {
    fn eq(&self, o: &Condition) -> bool {
        // Taken apart field by field: a field added later cannot be left out unnoticed.
        let Condition {
            keywords,
            regex,
            authors,
            channel,
            account,
            kind,
            followers_over,
        } = self;
        *keywords == o.keywords
            && regex.as_ref().map(Regex::as_str) == o.regex.as_ref().map(Regex::as_str)
            && *authors == o.authors
            && *channel == o.channel
            && *account == o.account
            && *kind == o.kind
            && *followers_over == o.followers_over
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub when: Condition,
    pub then: Actions,
}

/// More than `count` items matching `keywords` (any item if empty) within `window_s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spike {
    pub name: String,
    pub keywords: Vec<String>,
    pub count: usize,
    pub window_s: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub rules: Vec<Rule>,
    pub spikes: Vec<Spike>,
}

/// Something a person should look at now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The rule that raised it.
    pub rule: String,
    pub message: String,
    /// The item that triggered it (a rule match), or none (a spike).
    pub item: Option<ItemId>,
}

fn norm_handle(h: &str) -> String {
    h.trim().trim_start_matches('@').to_lowercase()
}

fn has_keyword(text_lower: &str, keywords: &[String]) -> bool {
    keywords.iter().any(|k| text_lower.contains(k.as_str()))
}

impl Condition {
    pub fn matches(&self, item: &Item, followers: Option<u64>) -> bool {
        if let Some(min) = self.followers_over
            && followers.is_none_or(|n| n <= min)
        {
            return false;
        }
        let text = item.text.to_lowercase();
        (self.keywords.is_empty() || has_keyword(&text, &self.keywords))
            && self.regex.as_ref().is_none_or(|r| r.is_match(&item.text))
            && (self.authors.is_empty()
                || self
                    .authors
                    .iter()
                    .any(|a| norm_handle(a) == norm_handle(&item.author.handle)))
            && self.channel.is_none_or(|c| c == item.channel)
            && self.account.as_ref().is_none_or(|a| a == &item.account)
            && self.kind.is_none_or(|k| k == item.kind)
    }
}

impl Rules {
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.spikes.is_empty()
    }

    /// Apply the rules to items that just arrived; returns the alerts they raise.
    pub fn apply(
        &self,
        s: &mut dyn StoreBackend,
        new_items: &[ItemId],
        followers: &std::collections::HashMap<String, u64>,
        now: Timestamp,
    ) -> StoreResult<Vec<Alert>> {
        let mut alerts = Vec::new();
        if self.is_empty() || new_items.is_empty() {
            return Ok(alerts);
        }
        let mut arrived = Vec::with_capacity(new_items.len());
        for &id in new_items {
            let item = s.item(id)?;
            let count = followers.get(&item.author.handle).copied();
            for rule in self.rules.iter().filter(|r| r.when.matches(&item, count)) {
                if let Some(a) = self.act(s, rule, &item, now)? {
                    alerts.push(a);
                }
            }
            arrived.push(item);
        }
        alerts.extend(self.spikes(s, &arrived, now)?);
        Ok(alerts)
    }

    fn act(
        &self,
        s: &mut dyn StoreBackend,
        rule: &Rule,
        item: &Item,
        now: Timestamp,
    ) -> StoreResult<Option<Alert>> {
        let who = format!("rule {}", rule.name);
        let a = &rule.then;
        let current = s.item(item.id)?;
        if !a.tags.is_empty() {
            let mut tags = current.tags.clone();
            for t in &a.tags {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
            if tags != current.tags {
                s.set_tags(item.id, &tags, &who, now)?;
            }
        }
        if let Some(p) = a.priority
            && p != current.priority
        {
            s.set_priority(item.id, p, &who, now)?;
        }
        if let Some(to) = &a.assign
            && current.assignee.as_deref() != Some(to)
        {
            s.set_assignee(item.id, Some(to), &who, now)?;
        }
        if a.spam {
            s.set_status(item.id, Status::Ignored, &who, "spam", now)?;
        } else if a.done {
            s.set_status(item.id, Status::Done, &who, "no answer needed", now)?;
        }
        Ok(a.alert.then(|| Alert {
            rule: rule.name.clone(),
            message: format!(
                "{}: {} {} on {}",
                rule.name,
                crate::sanitize::one_line(&item.author.handle),
                item.kind,
                item.account
            ),
            item: Some(item.id),
        }))
    }

    /// Spike alerts that the items just arrived pushed over their threshold.
    fn spikes(
        &self,
        s: &mut dyn StoreBackend,
        arrived: &[Item],
        now: Timestamp,
    ) -> StoreResult<Vec<Alert>> {
        let mut out = Vec::new();
        if self.spikes.is_empty() {
            return Ok(out);
        }
        // Only what the longest window can count, not the whole history.
        let longest = self.spikes.iter().map(|sp| sp.window_s).max().unwrap_or(0);
        let all = s.list_items(&ItemQuery {
            all: true,
            seen_since: now.checked_sub(SignedDuration::from_secs(longest)).ok(),
            ..ItemQuery::default()
        })?;
        for spike in &self.spikes {
            let since = now
                .checked_sub(SignedDuration::from_secs(spike.window_s))
                .unwrap_or(Timestamp::UNIX_EPOCH);
            // Written and seen in the window: history a first sync brought in (old posts, seen
            // now) is no spike.
            let hit = |i: &Item| {
                i.first_seen_at >= since
                    && i.created_at >= since
                    && (spike.keywords.is_empty()
                        || has_keyword(&i.text.to_lowercase(), &spike.keywords))
            };
            let after = all.iter().filter(|i| hit(i)).count();
            let new = arrived.iter().filter(|i| hit(i)).count();
            let before = after - new.min(after);
            if before <= spike.count && after > spike.count {
                let minutes = spike.window_s / 60;
                out.push(Alert {
                    rule: spike.name.clone(),
                    message: format!(
                        "{}: {after} items in the last {minutes} min (more than {})",
                        spike.name, spike.count
                    ),
                    item: None,
                });
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
