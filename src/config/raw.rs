//! The file format: partial structs (every key optional, unknown keys rejected) with spans,
//! resolved over the defaults with errors that name file, line and key.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use super::accounts::{RawAccount, account};
use super::context::{Ctx, S, with_hint};
use super::error::ConfigError;
use super::raw_rules::{RawRule, RawSpike, rules};
use super::resolved::{Config, PolicyRule, StoreConfig};
use crate::fmt::parse_duration;
use crate::sla::{BusinessHours, Policy};

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
    /// Key bindings for the inbox: `"ctrl-r" = "reply"`, `"d" = "none"`. Read as any value, so
    /// that a table or a number is named with what is expected rather than serde's bare
    /// "invalid type" at 1:1.
    #[serde(default)]
    keys: BTreeMap<String, S<toml::Value>>,
    notify: Option<RawNotify>,
    #[serde(default)]
    rules: Vec<S<RawRule>>,
    #[serde(default)]
    alerts: Vec<S<RawSpike>>,
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

/// Checks of the top-level tables, next to their raw structs.
impl Ctx<'_> {
    fn store(&self, v: &S<RawStore>) -> Result<StoreConfig, ConfigError> {
        let (url, password_cmd, lease) = match v.get_ref() {
            RawStore::Url(u) => (u.clone(), None, None),
            RawStore::Table(t) => (t.url.clone(), t.password_cmd.clone(), t.lease.clone()),
        };
        if url == "sqlite" || url.is_empty() {
            return Ok(StoreConfig::Sqlite);
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
        Ok(StoreConfig::Postgres {
            url,
            password_cmd,
            lease_s,
        })
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

/// What `[keys]` expects, for a value that is not an action name (`[keys.inbox]`, `d = 1`).
fn not_an_action(key: &str, value: &S<toml::Value>) -> String {
    let what = match value.get_ref() {
        toml::Value::Table(_) => format!("[keys.{key}] is a table"),
        other => {
            let t = other.type_str();
            let a = if matches!(t, "integer" | "array") {
                "an"
            } else {
                "a"
            };
            format!("{a} {t}")
        }
    };
    format!(
        "{what}, but [keys] takes one line per key, the key and an action name as text \
         (one keymap, for the inbox), e.g. [keys] then \"ctrl-r\" = \"reply\" and d = \"none\""
    )
}

pub fn parse(text: &str, origin: &Path) -> Result<Config, ConfigError> {
    let cx = Ctx::new(text, origin);
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
    for (key, value) in &raw.keys {
        let toml::Value::String(action) = value.get_ref() else {
            return Err(cx.bad(value, &format!("keys.{key}"), not_an_action(key, value)));
        };
        cfg.keymap
            .bind(key, action)
            .map_err(|e| cx.bad(value, &format!("keys.{key}"), e))?;
        cfg.keys.push((key.clone(), action.clone()));
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
    cfg.rules = Arc::new(rules(&cx, &raw.rules, &raw.alerts)?);
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
