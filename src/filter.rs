//! Filters and named views: `kind:dm,mention tag:vip is:unread refund` narrows the inbox.
//! Terms combine (all must hold); commas inside a term mean "any of". Views are named
//! filters from the config, switched with the number keys. Pure: below `config` (which
//! checks `[[views]]`) and the app core (which narrows the inbox with it).

use std::str::FromStr;

use crate::model::{ChannelKind, ItemRow, Kind, Priority, Status};
use crate::sla::TimerState;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub channels: Vec<ChannelKind>,
    pub accounts: Vec<String>,
    pub statuses: Vec<Status>,
    pub kinds: Vec<Kind>,
    pub tags: Vec<String>,
    /// Names, `me` (the configured user) or `none`.
    pub assignees: Vec<String>,
    pub priorities: Vec<Priority>,
    /// `is:unread` / `is:read`.
    pub unread: Option<bool>,
    /// `is:breaching`: breached or within the warn time.
    pub breaching: bool,
    /// Free words: all must appear in the author or the text (any case).
    pub words: Vec<String>,
}

/// The keys a filter understands, for help and error messages.
pub const KEYS: &str =
    "channel: account: status: kind: tag: assignee: priority: is:unread|read|breaching";

fn list<T: FromStr<Err = String>>(key: &str, v: &str) -> Result<Vec<T>, String> {
    v.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<T>().map_err(|e| format!("{key}:{v}: {e}")))
        .collect()
}

fn words(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

impl Filter {
    pub fn parse(query: &str) -> Result<Filter, String> {
        let mut f = Filter::default();
        for term in query.split_whitespace() {
            let Some((key, value)) = term.split_once(':') else {
                f.words.push(term.to_lowercase());
                continue;
            };
            match key {
                "channel" => f.channels.extend(list::<ChannelKind>(key, value)?),
                "account" => f.accounts.extend(words(value)),
                "status" => f.statuses.extend(list::<Status>(key, value)?),
                "kind" => f.kinds.extend(list::<Kind>(key, value)?),
                "tag" => f.tags.extend(words(value)),
                "assignee" => f.assignees.extend(words(value)),
                "priority" => f.priorities.extend(list::<Priority>(key, value)?),
                "is" => {
                    for v in value.split(',') {
                        match v {
                            "unread" => f.unread = Some(true),
                            "read" => f.unread = Some(false),
                            "breaching" => f.breaching = true,
                            other => {
                                return Err(format!(
                                    "is:{other}: use is:unread, is:read or is:breaching"
                                ));
                            }
                        }
                    }
                }
                other => return Err(format!("{other}: is not a filter; use {KEYS}")),
            }
        }
        Ok(f)
    }

    /// Whether done or ignored items must be loaded for this filter.
    pub fn needs_closed(&self) -> bool {
        self.statuses
            .iter()
            .any(|s| matches!(s, Status::Done | Status::Ignored))
    }

    /// Whether the row passes; `timer` gives its timer's state (asked only for `is:breaching`).
    pub fn matches(&self, item: &ItemRow, me: &str, timer: impl FnOnce() -> TimerState) -> bool {
        let any = |v: &[String], s: &str| v.is_empty() || v.iter().any(|x| x == s);
        let assignee_ok = self.assignees.is_empty()
            || self
                .assignees
                .iter()
                .any(|a| match (a.as_str(), item.assignee()) {
                    ("none", None) => true,
                    ("me", Some(x)) => x.eq_ignore_ascii_case(me),
                    (name, Some(x)) => x.eq_ignore_ascii_case(name),
                    _ => false,
                });
        let hay = || format!("{} {} {}", item.handle(), item.name(), item.text());
        (self.channels.is_empty() || self.channels.contains(&item.channel))
            && any(&self.accounts, &item.account().to_lowercase())
            && (self.statuses.is_empty() || self.statuses.contains(&item.status))
            && (self.kinds.is_empty() || self.kinds.contains(&item.kind))
            && (self.tags.is_empty() || self.tags.iter().any(|t| item.tags().contains(t)))
            && assignee_ok
            && (self.priorities.is_empty() || self.priorities.contains(&item.priority))
            && self.unread.is_none_or(|unread| unread != item.read)
            && (!self.breaching || matches!(timer(), TimerState::Warn | TimerState::Breached))
            && (self.words.is_empty() || words_match(&self.words, &hay()))
    }

    /// The filter's free words as search words ([`search_words`]).
    pub fn search_words(&self) -> Vec<String> {
        self.words.iter().flat_map(|w| search_words(w)).collect()
    }
}

/// The words search and a filter's free words look for, and the words an item is found by:
/// lowercase runs of letters and digits (`kim@example.com` is `kim example com`, `#4411`
/// is `4411`). The store indexes these words; both stores and the inbox match the same way.
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether every query word (already [`search_words`]) starts a word of `hay`: `refu`
/// finds "Refund", `und` does not.
pub fn words_match(query: &[String], hay: &str) -> bool {
    terms_match(&query_terms(query), &[hay])
}

/// Whether every term (already [`query_terms`]) starts a word of one of `parts`, as
/// [`words_match`] on the parts joined; without building the words (a search runs this on
/// every open row at each key): ASCII words are compared ignoring case in place, others
/// lowercased as [`search_words`] does.
pub fn terms_match(terms: &[String], parts: &[&str]) -> bool {
    if terms.is_empty() {
        return true;
    }
    // Terms not found yet, one bit each (a query has far fewer than 128 words).
    let all: u128 = if terms.len() >= 128 {
        u128::MAX
    } else {
        (1u128 << terms.len()) - 1
    };
    let mut left = all;
    let words = parts
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty());
    for word in words {
        let lower;
        let (word, ascii) = match word.is_ascii() {
            true => (word, true),
            false => {
                lower = word.to_lowercase();
                (lower.as_str(), false)
            }
        };
        for (k, t) in terms.iter().enumerate().take(128) {
            let starts = match ascii {
                true => word
                    .as_bytes()
                    .get(..t.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(t.as_bytes())),
                false => word.starts_with(t.as_str()),
            };
            if starts {
                left &= !(1u128 << k);
            }
        }
        if left == 0 {
            return true;
        }
    }
    false
}

/// The prefixes [`words_match`] looks for: each query word cut at every character that is
/// not a letter or digit, lowercased. Each must start a word of [`search_words`] of the
/// item (the store compiles them to its index's prefix queries).
pub fn query_terms(query: &[String]) -> Vec<String> {
    query
        .iter()
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A named filter (`[[views]]` in the config), switched with a number key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    pub name: String,
    pub query: String,
    pub filter: Filter,
}

impl View {
    pub fn new(name: &str, query: &str) -> Result<View, String> {
        Ok(View {
            name: name.to_string(),
            query: query.to_string(),
            filter: Filter::parse(query)?,
        })
    }

    /// The views when the config names none.
    pub fn defaults() -> Vec<View> {
        [
            ("DMs", "kind:dm"),
            ("Breaching", "is:breaching"),
            ("Mine", "assignee:me"),
            ("Unassigned", "assignee:none"),
            ("Unread", "is:unread"),
            // Snoozed items are out of every other list until they wake.
            ("Snoozed", "status:snoozed"),
        ]
        .iter()
        .filter_map(|(n, q)| View::new(n, q).ok())
        .collect()
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn search_words_start_words_whatever_the_case_and_the_punctuation() {
        let w = |q: &str| search_words(q);
        assert_eq!(
            w("Kim@Example.com #4411"),
            ["kim", "example", "com", "4411"]
        );
        assert!(words_match(&w("refu"), "Where is my REFUND?"));
        assert!(words_match(&w("kim@example"), "write to kim@example.com"));
        assert!(words_match(&w("4411 never"), "order #4411 never came"));
        assert!(
            !words_match(&w("und"), "Where is my refund?"),
            "inside a word"
        );
        assert!(
            !words_match(&w("refund late"), "refund please"),
            "every word"
        );
        assert!(words_match(&w("ÉTÉ"), "l'été arrive"));
        assert!(words_match(&[], "anything"));
        // Over parts, as over the parts joined: every term somewhere, case ignored in place.
        let t = |q: &str| query_terms(&w(q));
        let parts = [
            "@Kim@Example.social",
            "Kim Lee",
            "Where is my REFUND? l'ÉTÉ",
        ];
        assert!(terms_match(&t("kim refu exam"), &parts));
        assert!(terms_match(&t("lee été"), &parts));
        assert!(!terms_match(&t("kim und"), &parts));
        assert!(
            !terms_match(&t("kimlee"), &parts),
            "words never run across parts"
        );
        // İ lowercases to i and a combining dot, as in search_words.
        assert!(terms_match(&t("i"), &["İstanbul"]));
        assert!(!terms_match(&t("istanbul"), &["İstanbul"]));
    }
    use super::*;
    use crate::model::Item;
    use crate::sla::Policies;
    use crate::testing::{item, t0};

    /// The filter on the item's row, with the item's timer at `t0`.
    fn matches(f: &Filter, it: &Item, me: &str, p: &Policies) -> bool {
        f.matches(&ItemRow::from(it), me, || p.timer(it, t0()).state)
    }

    #[test]
    fn terms_combine_and_commas_mean_any() {
        let f = Filter::parse("kind:dm,mention tag:vip refund").expect("filter");
        let p = Policies::default();
        let mut it = item(1, t0(), 60);
        it.text = "Where is my REFUND?".into();
        assert!(!matches(&f, &it, "kim", &p), "no vip tag");
        it.tags = vec!["vip".into()];
        assert!(matches(&f, &it, "kim", &p));
        it.kind = Kind::Quote;
        assert!(!matches(&f, &it, "kim", &p));
    }

    #[test]
    fn assignee_me_none_read_and_breaching() {
        let p = Policies::default();
        let mut it = item(1, t0(), 60);
        let m = |q: &str, it: &Item| matches(&Filter::parse(q).expect(q), it, "Kim", &p);
        assert!(m("assignee:none", &it));
        it.assignee = Some("kim".into());
        assert!(m("assignee:me", &it) && !m("assignee:none", &it) && m("assignee:sam,kim", &it));
        assert!(m("is:unread", &it));
        it.read = true;
        assert!(m("is:read", &it) && !m("is:unread", &it));
        assert!(!m("is:breaching", &it), "a minute old");
        let old = item(2, t0(), 2 * 3600);
        assert!(m("is:breaching", &old));
    }

    #[test]
    fn mistakes_are_named() {
        assert!(
            Filter::parse("kind:dms")
                .expect_err("kind")
                .contains("kind:dms")
        );
        assert!(
            Filter::parse("colour:red")
                .expect_err("key")
                .contains("colour")
        );
        assert!(
            Filter::parse("is:urgent")
                .expect_err("is")
                .contains("is:urgent")
        );
        assert!(Filter::parse("status:done").expect("s").needs_closed());
        assert!(
            !Filter::parse("status:new,pending")
                .expect("s")
                .needs_closed()
        );
        assert_eq!(View::defaults().len(), 6, "five views and Snoozed");
    }
}
