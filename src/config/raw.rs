//! The file format: partial structs (every key optional, unknown keys rejected) with spans,
//! resolved over the defaults with errors that name file, line and key.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use serde::Deserialize;
use toml::Spanned;

use std::sync::Arc;

use super::{AccountConfig, Config, ConfigError, PolicyRule};
use crate::model::ChannelKind;
use crate::sla::BusinessHours;
use crate::sla::{Policy, parse_duration};

pub(super) type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    theme: Option<S<String>>,
    backfill: Option<S<String>>,
    user: Option<String>,
    sla: Option<RawSla>,
    #[serde(default)]
    accounts: BTreeMap<String, S<RawAccount>>,
    #[serde(default)]
    templates: BTreeMap<String, S<String>>,
    case_format: Option<S<String>>,
    /// Key bindings for the inbox: `"ctrl-r" = "reply"`, `"d" = "none"`.
    #[serde(default)]
    keys: BTreeMap<String, S<String>>,
    notify: Option<RawNotify>,
    #[serde(default)]
    rules: Vec<S<super::raw_rules::RawRule>>,
    #[serde(default)]
    alerts: Vec<S<super::raw_rules::RawSpike>>,
    #[serde(default)]
    views: Vec<S<RawView>>,
    /// The linear, screen-reader-friendly inbox.
    #[serde(default)]
    linear: bool,
    /// Clicks and the wheel in the inbox (off by default: the terminal keeps its own
    /// selection and copy).
    #[serde(default)]
    mouse: bool,
    /// Where the inbox is kept: absent for the embedded SQLite file, or a shared PostgreSQL
    /// database for a team (`store = "postgres://kim@db/tinbox"` or a `[store]` table).
    store: Option<S<RawStore>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawStore {
    Url(String),
    Table(RawStoreTable),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStoreTable {
    url: String,
    password_cmd: Option<String>,
    /// How long a silent instance keeps its accounts and claims (default 15s).
    lease: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawView {
    name: String,
    filter: S<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotify {
    dm: Option<S<String>>,
    mention: Option<S<String>>,
    warn: Option<S<String>>,
    breach: Option<S<String>>,
    alert: Option<S<String>>,
    command: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSla {
    warn: Option<S<String>>,
    breach: Option<S<String>>,
    business_hours: Option<RawHours>,
    #[serde(default)]
    policy: Vec<S<RawPolicy>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(rename = "match", default)]
    matches: RawMatch,
    warn: Option<S<String>>,
    breach: Option<S<String>>,
    business_hours: Option<RawHours>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    channel: Option<S<String>>,
    account: Option<String>,
    kind: Option<S<String>>,
    priority: Option<S<String>>,
    tag: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    tz: S<String>,
    days: Option<String>,
    hours: Option<String>,
    #[serde(default)]
    holidays: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    channel: S<String>,
    poll: Option<S<String>>,
    /// A bound on each request to the account's server (default 30s).
    timeout: Option<S<String>>,
    instance: Option<S<String>>,
    token_cmd: Option<String>,
    service: Option<S<String>>,
    handle: Option<String>,
    password_cmd: Option<String>,
    url: Option<S<String>>,
    #[serde(default)]
    keywords: Vec<String>,
    /// Mastodon: notification types to bring in (default: mention); Bluesky: reasons
    /// (default: mention, reply, quote).
    notifications: Option<Vec<String>>,
    /// Bluesky: languages of replies (default: from LANG).
    langs: Option<Vec<String>>,
}

/// Errors at a place in the file.
pub(super) struct Ctx<'a> {
    text: &'a str,
    file: String,
}

impl Ctx<'_> {
    fn at(&self, offset: usize, message: String) -> ConfigError {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before
            .rsplit('\n')
            .next()
            .map(|l| l.chars().count())
            .unwrap_or(0)
            + 1;
        ConfigError::At {
            file: self.file.clone(),
            line,
            col,
            message,
        }
    }

    pub(super) fn bad<T>(&self, v: &S<T>, key: &str, why: String) -> ConfigError {
        self.at(v.span().start, format!("{key}: {why}"))
    }

    fn store(&self, v: &S<RawStore>) -> Result<super::StoreConfig, ConfigError> {
        let (url, password_cmd, lease) = match v.get_ref() {
            RawStore::Url(u) => (u.clone(), None, None),
            RawStore::Table(t) => (t.url.clone(), t.password_cmd.clone(), t.lease.clone()),
        };
        if url == "sqlite" || url.is_empty() {
            return Ok(super::StoreConfig::Sqlite);
        }
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(self.bad(
                v,
                "store",
                "must be a PostgreSQL URL (postgres://user@host/db) or \"sqlite\"".into(),
            ));
        }
        let lease_s = match lease {
            Some(l) => parse_duration(&l).map_err(|e| self.bad(v, "store.lease", e))?,
            None => 15,
        };
        if lease_s < 3 {
            return Err(self.bad(v, "store.lease", "must be at least 3s".into()));
        }
        Ok(super::StoreConfig::Postgres {
            url,
            password_cmd,
            lease_s,
        })
    }

    pub(super) fn duration(&self, v: &S<String>, key: &str) -> Result<i64, ConfigError> {
        parse_duration(v.get_ref()).map_err(|e| self.bad(v, key, e))
    }

    pub(super) fn parse<T: FromStr<Err = String>>(
        &self,
        v: &S<String>,
        key: &str,
    ) -> Result<T, ConfigError> {
        v.get_ref().parse::<T>().map_err(|e| self.bad(v, key, e))
    }

    fn policy(
        &self,
        base: Policy,
        warn: &Option<S<String>>,
        breach: &Option<S<String>>,
        key: &str,
    ) -> Result<Policy, ConfigError> {
        let mut p = base;
        if let Some(w) = warn {
            p.warn_s = self.duration(w, &format!("{key}.warn"))?;
        }
        if let Some(b) = breach {
            p.breach_s = self.duration(b, &format!("{key}.breach"))?;
        }
        if p.warn_s >= p.breach_s {
            let at = warn
                .as_ref()
                .or(breach.as_ref())
                .map(|s| s.span().start)
                .unwrap_or(0);
            return Err(self.at(
                at,
                format!(
                    "{key}: warn ({}s) must be shorter than breach ({}s)",
                    p.warn_s, p.breach_s
                ),
            ));
        }
        Ok(p)
    }

    fn hours(&self, h: &RawHours, key: &str) -> Result<Arc<BusinessHours>, ConfigError> {
        let days = h.days.clone().unwrap_or_else(|| "mon-fri".into());
        let hours = h.hours.clone().unwrap_or_else(|| "09:00-17:00".into());
        BusinessHours::parse(h.tz.get_ref(), &days, &hours, &h.holidays)
            .map(Arc::new)
            .map_err(|e| self.bad(&h.tz, &format!("{key}.business_hours"), e))
    }
}

pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let cx = Ctx {
        text,
        file: origin.display().to_string(),
    };
    let raw: RawConfig = toml::from_str(text).map_err(|e| {
        let at = e.span().map(|s| s.start).unwrap_or(0);
        cx.at(at, with_hint(e.message().trim()))
    })?;
    let mut cfg = Config::default();
    if let Some(t) = raw.theme {
        cfg.theme = t.into_inner();
    }
    if let Some(b) = &raw.backfill {
        // "all": a new account's whole history comes in open.
        cfg.backfill_s = if b.get_ref().trim() == "all" {
            0
        } else {
            cx.duration(b, "backfill")?
        };
    }
    cfg.user = raw.user;
    cfg.linear = raw.linear;
    cfg.mouse = raw.mouse;
    if let Some(st) = &raw.store {
        cfg.store = cx.store(st)?;
    }
    if let Some(f) = &raw.case_format {
        if !f.get_ref().contains("{n") {
            return Err(cx.bad(
                f,
                "case_format",
                "must contain {n} (the case number), e.g. \"CASE-{n:05}\"".into(),
            ));
        }
        cfg.case_format = f.get_ref().clone();
    }
    if let Some(sla) = &raw.sla {
        cfg.sla = cx.policy(cfg.sla.clone(), &sla.warn, &sla.breach, "sla")?;
        cfg.sla.hours = sla
            .business_hours
            .as_ref()
            .map(|h| cx.hours(h, "sla"))
            .transpose()?;
        for (i, p) in sla.policy.iter().enumerate() {
            let key = format!("sla.policy[{i}]");
            let m = &p.get_ref().matches;
            let mut policy = cx.policy(
                cfg.sla.clone(),
                &p.get_ref().warn,
                &p.get_ref().breach,
                &key,
            )?;
            if let Some(h) = &p.get_ref().business_hours {
                policy.hours = Some(cx.hours(h, &key)?);
            }
            cfg.sla_policies.push(PolicyRule {
                channel: m
                    .channel
                    .as_ref()
                    .map(|c| cx.parse(c, &format!("{key}.match.channel")))
                    .transpose()?,
                account: m.account.clone(),
                kind: m
                    .kind
                    .as_ref()
                    .map(|k| cx.parse(k, &format!("{key}.match.kind")))
                    .transpose()?,
                priority: m
                    .priority
                    .as_ref()
                    .map(|k| cx.parse(k, &format!("{key}.match.priority")))
                    .transpose()?,
                tag: m.tag.clone(),
                policy,
            });
        }
    }
    if let Some(n) = &raw.notify {
        use crate::notify::{Event, Method};
        for (event, v) in [
            (Event::Dm, &n.dm),
            (Event::Mention, &n.mention),
            (Event::Warn, &n.warn),
            (Event::Breach, &n.breach),
            (Event::Alert, &n.alert),
        ] {
            if let Some(v) = v {
                let m: Method = cx.parse(v, &format!("notify.{}", event.name()))?;
                if m == Method::Command && n.command.is_none() {
                    return Err(cx.bad(
                        v,
                        &format!("notify.{}", event.name()),
                        "\"command\" needs notify.command".into(),
                    ));
                }
                cfg.notify.methods.insert(event, m);
            }
        }
        cfg.notify.command = n.command.clone();
    }
    for (key, action) in &raw.keys {
        let binding = (key.clone(), action.get_ref().clone());
        cfg.keymap
            .bind(key, action.get_ref())
            .map_err(|e| cx.bad(action, &format!("keys.{key}"), e))?;
        cfg.keys.push(binding);
    }
    for (name, body) in &raw.templates {
        crate::templates::check(body.get_ref())
            .map_err(|e| cx.bad(body, &format!("templates.{name}"), e))?;
        cfg.templates.insert(name.clone(), body.get_ref().clone());
    }
    for (name, acc) in &raw.accounts {
        let mut a = account(&cx, name, acc)?;
        a.backfill_s = cfg.backfill_s;
        cfg.accounts.insert(name.clone(), a);
    }
    cfg.rules = Arc::new(super::raw_rules::rules(&cx, &raw.rules, &raw.alerts)?);
    for (i, v) in raw.views.iter().enumerate() {
        let v = v.get_ref();
        let view = crate::filter::View::new(&v.name, v.filter.get_ref())
            .map_err(|e| cx.bad(&v.filter, &format!("views[{i}].filter"), e))?;
        cfg.views.push(view);
    }
    if raw.views.len() > 9 {
        return Err(cx.at(0, "views: at most 9 (keys 1-9)".into()));
    }
    Ok(cfg)
}

fn account(cx: &Ctx<'_>, name: &str, acc: &S<RawAccount>) -> Result<AccountConfig, ConfigError> {
    let key = format!("accounts.{name}");
    let a = acc.get_ref();
    let channel: ChannelKind = cx.parse(&a.channel, &format!("{key}.channel"))?;
    let default_poll = if channel == ChannelKind::Feed {
        15 * 60
    } else {
        60
    };
    let poll_s = match &a.poll {
        Some(p) => cx.duration(p, &format!("{key}.poll"))?,
        None => default_poll,
    };
    if poll_s < 1 {
        return Err(cx.bad(
            a.poll.as_ref().unwrap_or(&a.channel),
            &format!("{key}.poll"),
            "must be at least 1s".into(),
        ));
    }
    let timeout_s = match &a.timeout {
        Some(t) => {
            let s = cx.duration(t, &format!("{key}.timeout"))?;
            if !(1..=600).contains(&s) {
                return Err(cx.bad(
                    t,
                    &format!("{key}.timeout"),
                    "must be between 1s and 10m".into(),
                ));
            }
            s
        }
        None => 30,
    };
    let require = |field: &str, present: bool| {
        if present {
            Ok(())
        } else {
            Err(cx.at(
                acc.span().start,
                format!("{key}: a {channel} account needs `{field}`"),
            ))
        }
    };
    // A key of another channel is a mistake (a feed's `keywords` on a Mastodon account would
    // silently do nothing): say so.
    let present = [
        (
            "instance",
            a.instance.is_some(),
            &[ChannelKind::Mastodon][..],
        ),
        (
            "token_cmd",
            a.token_cmd.is_some(),
            &[ChannelKind::Mastodon][..],
        ),
        ("service", a.service.is_some(), &[ChannelKind::Bluesky][..]),
        ("handle", a.handle.is_some(), &[ChannelKind::Bluesky][..]),
        (
            "password_cmd",
            a.password_cmd.is_some(),
            &[ChannelKind::Bluesky][..],
        ),
        ("langs", a.langs.is_some(), &[ChannelKind::Bluesky][..]),
        ("url", a.url.is_some(), &[ChannelKind::Feed][..]),
        ("keywords", !a.keywords.is_empty(), &[ChannelKind::Feed][..]),
        (
            "notifications",
            a.notifications.is_some(),
            &[ChannelKind::Mastodon, ChannelKind::Bluesky][..],
        ),
    ];
    if channel != ChannelKind::Demo
        && let Some((field, _, owners)) = present
            .iter()
            .find(|(_, here, owners)| *here && !owners.contains(&channel))
    {
        let owners: Vec<&str> = owners.iter().map(|c| c.as_str()).collect();
        return Err(cx.at(
            acc.span().start,
            format!(
                "{key}: `{field}` is for {} accounts; this one is {}",
                owners.join(" and "),
                channel.as_str()
            ),
        ));
    }
    match channel {
        ChannelKind::Mastodon => require("instance", a.instance.is_some())?,
        ChannelKind::Bluesky => require("handle", a.handle.is_some())?,
        ChannelKind::Feed => require("url", a.url.is_some())?,
        ChannelKind::Demo => {}
    }
    for (field, v) in [
        ("instance", &a.instance),
        ("service", &a.service),
        ("url", &a.url),
    ] {
        if let Some(u) = v {
            super::check_url(u.get_ref()).map_err(|e| cx.bad(u, &format!("{key}.{field}"), e))?;
        }
    }
    Ok(AccountConfig {
        channel,
        poll_s,
        timeout_s,
        instance: a
            .instance
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
        token_cmd: a.token_cmd.clone(),
        service: a
            .service
            .as_ref()
            .map(|s| s.get_ref().trim_end_matches('/').to_string()),
        handle: a.handle.clone(),
        password_cmd: a.password_cmd.clone(),
        url: a.url.as_ref().map(|s| s.get_ref().clone()),
        keywords: a.keywords.clone(),
        notifications: a.notifications.clone().unwrap_or_else(|| {
            let defaults: &[&str] = match channel {
                ChannelKind::Bluesky => &["mention", "reply", "quote"],
                _ => &["mention"],
            };
            defaults.iter().map(|s| s.to_string()).collect()
        }),
        langs: a.langs.clone(),
        backfill_s: 0,
    })
}

/// serde's "unknown field `handel`, expected one of `channel`, `handle`, …" with the likely
/// intended key named: "… (did you mean `handle`?)".
pub(super) fn with_hint(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((typed, rest)) = rest.split_once('`') else {
        return message.to_string();
    };
    let best = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|k| (edit_distance(typed, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min_by_key(|(d, _)| *d);
    match best {
        Some((_, k)) => format!("{message} (did you mean `{k}`?)"),
        None => message.to_string(),
    }
}

/// Edit distance over characters where swapping two neighbours counts once (optimal string
/// alignment): `handel` is one step from `handle`. Keys are short.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}
