//! `[[rules]]` and `[[alerts]]` in the config file.

use serde::Deserialize;

use super::context::{Ctx, S};
use super::error::ConfigError;
use crate::rules::{Actions, Condition, Rule, Rules, Spike};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    name: S<String>,
    // Conditions.
    #[serde(default)]
    keywords: Vec<String>,
    regex: Option<S<String>>,
    #[serde(default)]
    authors: Vec<String>,
    channel: Option<S<String>>,
    account: Option<String>,
    kind: Option<S<String>>,
    /// The author has more followers than this (Mastodon reports it).
    followers_over: Option<S<i64>>,
    // Actions.
    #[serde(default)]
    tags: Vec<String>,
    priority: Option<S<String>>,
    assign: Option<String>,
    #[serde(default)]
    spam: bool,
    #[serde(default)]
    done: bool,
    #[serde(default)]
    alert: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpike {
    name: S<String>,
    #[serde(default)]
    keywords: Vec<String>,
    count: S<i64>,
    window: S<String>,
}

fn lower(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|k| k.trim().to_lowercase())
        .filter(|k| !k.is_empty())
        .collect()
}

pub(super) fn rules(
    cx: &Ctx<'_>,
    raw_rules: &[S<RawRule>],
    raw_spikes: &[S<RawSpike>],
) -> Result<Rules, ConfigError> {
    let mut out = Rules::default();
    for (i, r) in raw_rules.iter().enumerate() {
        let key = format!("rules[{i}]");
        let r = r.get_ref();
        let when = Condition {
            keywords: lower(&r.keywords),
            regex: r
                .regex
                .as_ref()
                .map(|re| {
                    regex::Regex::new(re.get_ref())
                        .map_err(|e| cx.bad(re, &format!("{key}.regex"), e.to_string()))
                })
                .transpose()?,
            authors: r.authors.clone(),
            channel: r
                .channel
                .as_ref()
                .map(|c| cx.parse(c, &format!("{key}.channel")))
                .transpose()?,
            account: r.account.clone(),
            kind: r
                .kind
                .as_ref()
                .map(|k| cx.parse(k, &format!("{key}.kind")))
                .transpose()?,
            followers_over: r
                .followers_over
                .as_ref()
                .map(|n| {
                    u64::try_from(*n.get_ref()).map_err(|_| {
                        cx.bad(
                            n,
                            &format!("{key}.followers_over"),
                            "must be a number of followers, 0 or more".into(),
                        )
                    })
                })
                .transpose()?,
        };
        let then = Actions {
            tags: r.tags.clone(),
            priority: r
                .priority
                .as_ref()
                .map(|p| cx.parse(p, &format!("{key}.priority")))
                .transpose()?,
            assign: r.assign.clone(),
            spam: r.spam,
            done: r.done,
            alert: r.alert,
        };
        if then == Actions::default() {
            return Err(cx.bad(
                &r.name,
                &key,
                "does nothing: give tags, priority, assign, spam, done or alert".into(),
            ));
        }
        out.rules.push(Rule {
            name: r.name.get_ref().clone(),
            when,
            then,
        });
    }
    for (i, s) in raw_spikes.iter().enumerate() {
        let key = format!("alerts[{i}]");
        let s = s.get_ref();
        if *s.count.get_ref() < 1 {
            return Err(cx.bad(
                &s.count,
                &format!("{key}.count"),
                "must be at least 1".into(),
            ));
        }
        out.spikes.push(Spike {
            name: s.name.get_ref().clone(),
            keywords: lower(&s.keywords),
            count: usize::try_from(*s.count.get_ref()).unwrap_or(usize::MAX),
            window_s: cx.duration(&s.window, &format!("{key}.window"))?,
        });
    }
    Ok(out)
}
