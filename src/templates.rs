//! Canned replies: `[templates]` in config and `<config dir>/templates/NAME.txt` files, with
//! variables `{author}` (handle), `{name}`, `{first_name}`, `{case}`, `{agent}` and
//! `{channel}`.

use std::path::Path;

use crate::model::Item;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub body: String,
}

/// What the variables stand for when answering one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vars {
    pub author: String,
    pub name: String,
    pub case: Option<String>,
    pub agent: String,
    pub channel: String,
}

impl Vars {
    pub fn for_item(item: &Item, agent: &str) -> Vars {
        let name = if item.author.name.is_empty() {
            item.author.handle.clone()
        } else {
            item.author.name.clone()
        };
        Vars {
            author: item.author.handle.clone(),
            name,
            case: None,
            agent: agent.to_string(),
            channel: item.channel.to_string(),
        }
    }
}

pub const VARIABLES: &[&str] = &["author", "name", "first_name", "case", "agent", "channel"];

impl Vars {
    /// The first word of the display name that has a letter or digit in it ("Zoë" of
    /// "Zoë Brandt", of "🌸 Zoë Brandt" too), or the handle when the name has none.
    pub fn first_name(&self) -> &str {
        self.name
            .split_whitespace()
            .find(|w| w.chars().any(char::is_alphanumeric))
            .unwrap_or(&self.author)
    }
}

/// Files in `dir` (`*.txt`, the name is the file stem) and then the config's table (which
/// wins on equal names), sorted by name.
pub fn load(
    from_config: &std::collections::BTreeMap<String, String>,
    dir: &Path,
) -> Result<Vec<Template>, String> {
    let mut all = std::collections::BTreeMap::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().and_then(|x| x.to_str()) != Some("txt") {
                continue;
            }
            let Some(name) = path.file_stem().and_then(|n| n.to_str()) else {
                continue;
            };
            let body = std::fs::read_to_string(&path)
                .map_err(|err| format!("template {}: {err}", path.display()))?;
            all.insert(name.to_string(), body.trim_end().to_string());
        }
    }
    for (name, body) in from_config {
        all.insert(name.clone(), body.trim_end().to_string());
    }
    let list: Vec<Template> = all
        .into_iter()
        .map(|(name, body)| Template { name, body })
        .collect();
    for t in &list {
        check(&t.body).map_err(|e| format!("template {:?}: {e}", t.name))?;
    }
    Ok(list)
}

/// The personal templates with the team's shared ones (a team store) beneath them: a personal
/// template of the same name wins. A shared template that does not check out is left out with
/// a warning in the log, so a teammate's typo never stops anyone's inbox.
pub fn with_shared(personal: Vec<Template>, shared: Vec<(String, String)>) -> Vec<Template> {
    let mut all: std::collections::BTreeMap<String, String> = shared
        .into_iter()
        .filter(|(name, body)| match check(body) {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!("shared template {name:?} left out: {e}");
                false
            }
        })
        .map(|(name, body)| (name, body.trim_end().to_string()))
        .collect();
    for t in personal {
        all.insert(t.name, t.body);
    }
    all.into_iter()
        .map(|(name, body)| Template { name, body })
        .collect()
}

/// The names, for a message: "delay, refund", or "none yet".
pub fn names(list: &[Template]) -> String {
    if list.is_empty() {
        return "none yet".into();
    }
    // Names can come from teammates (the team store): cleaned like any text shown.
    let names: Vec<String> = list
        .iter()
        .map(|t| crate::sanitize::one_line(&t.name))
        .collect();
    names.join(", ")
}

/// Every `{variable}` is known and braces are balanced (`{{` and `}}` are literal braces).
pub fn check(body: &str) -> Result<(), String> {
    let probe = Vars {
        author: String::new(),
        name: String::new(),
        case: Some(String::new()),
        agent: String::new(),
        channel: String::new(),
    };
    render(body, &probe).map(|_| ())
}

/// Fill in the variables.
pub fn render(body: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                let value = match name.as_str() {
                    "author" => vars.author.clone(),
                    "name" => vars.name.clone(),
                    "first_name" => vars.first_name().to_string(),
                    "agent" => vars.agent.clone(),
                    "channel" => vars.channel.clone(),
                    "case" => vars
                        .case
                        .clone()
                        .ok_or("it uses {case}, but this item has no follow-up case yet")?,
                    other => {
                        return Err(format!(
                            "unknown variable {{{other}}} (known: {})",
                            VARIABLES.join(", ")
                        ));
                    }
                };
                out.push_str(&value);
            }
            '}' => return Err("a lone } (write }} for a brace)".into()),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Templates matching `query` ([`crate::fuzzy`]), best first: matches in the name before
/// matches only in the body, then by name.
pub fn search<'a>(templates: &'a [Template], query: &str) -> Vec<&'a Template> {
    let mut fuzzy = crate::fuzzy::Fuzzy::new(query);
    let mut hits: Vec<(u8, std::cmp::Reverse<u32>, &Template)> = templates
        .iter()
        .filter_map(|t| {
            let by_name = fuzzy.score(&t.name).map(|s| (0, s));
            let best = by_name.or_else(|| fuzzy.score(&t.body).map(|s| (1, s)));
            best.map(|(tier, s)| (tier, std::cmp::Reverse(s), t))
        })
        .collect();
    hits.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(a.2.name.cmp(&b.2.name)));
    hits.into_iter().map(|(.., t)| t).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_templates_win_over_shared_ones_and_broken_shared_ones_are_left_out() {
        let personal = vec![Template {
            name: "refund".into(),
            body: "mine".into(),
        }];
        let shared = vec![
            ("refund".to_string(), "team".to_string()),
            (
                "delay".to_string(),
                "Sorry {name}, it is late.\n".to_string(),
            ),
            ("broken".to_string(), "Hi {nmae}".to_string()),
        ];
        let all = with_shared(personal, shared);
        let got: Vec<(&str, &str)> = all
            .iter()
            .map(|t| (t.name.as_str(), t.body.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![("delay", "Sorry {name}, it is late."), ("refund", "mine")]
        );
    }

    fn vars() -> Vars {
        Vars {
            author: "@zoe@x.invalid".into(),
            name: "Zoë".into(),
            case: Some("CASE-00042".into()),
            agent: "kim".into(),
            channel: "mastodon".into(),
        }
    }

    #[test]
    fn renders_every_variable_and_escapes() {
        let body =
            "Hi {name} ({author}), {agent} here on {channel}. Your case is {case}. {{literal}}";
        assert_eq!(
            render(body, &vars()).expect("renders"),
            "Hi Zoë (@zoe@x.invalid), kim here on mastodon. Your case is CASE-00042. {literal}"
        );
    }

    #[test]
    fn first_name_is_the_first_word_of_the_name_or_the_handle() {
        let mut v = vars();
        v.name = "Zoë Brandt".into();
        let hi = |v: &Vars| render("Hi {first_name}", v).expect("renders");
        assert_eq!(hi(&v), "Hi Zoë");
        v.name = "  🌸 Zoë  Brandt ".into();
        assert_eq!(hi(&v), "Hi Zoë");
        v.name = "🌸".into();
        assert_eq!(hi(&v), "Hi @zoe@x.invalid");
        // No display name: `for_item` falls back to the handle for both.
        let mut item = crate::testing::item(1, crate::testing::t0(), 10);
        item.author.name = String::new();
        item.author.handle = "@zoe@x.invalid".into();
        assert_eq!(hi(&Vars::for_item(&item, "kim")), "Hi @zoe@x.invalid");
        item.author.name = "田中 美咲".into();
        assert_eq!(hi(&Vars::for_item(&item, "kim")), "Hi 田中");
        assert!(check("{first_name}").is_ok());
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(
            render("{nmae}", &vars())
                .expect_err("unknown")
                .contains("{nmae}")
        );
        assert!(render("oops }", &vars()).is_err());
        let mut v = vars();
        v.case = None;
        assert!(
            render("case {case}", &v)
                .expect_err("no case")
                .contains("no follow-up case")
        );
        assert!(check("Hi {name}").is_ok() && check("{case}").is_ok());
    }

    #[test]
    fn loads_files_and_config_and_checks_them() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(
            dir.path().join("refund.txt"),
            "Refund for {name} is on its way.\n",
        )
        .expect("w");
        std::fs::write(dir.path().join("notes.md"), "ignored").expect("w");
        let mut cfg = std::collections::BTreeMap::new();
        cfg.insert("call".to_string(), "We'll call you, {name}.".to_string());
        let t = load(&cfg, dir.path()).expect("load");
        assert_eq!(
            t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            vec!["call", "refund"]
        );
        assert_eq!(t[1].body, "Refund for {name} is on its way.");
        cfg.insert("bad".to_string(), "{oops}".to_string());
        assert!(load(&cfg, dir.path()).expect_err("bad").contains("\"bad\""));
    }

    #[test]
    fn fuzzy_search_ranks_sensibly() {
        let t: Vec<Template> = ["refund", "call-back", "shipping-delay", "rude-staff"]
            .iter()
            .map(|n| Template {
                name: n.to_string(),
                body: format!("about {n}"),
            })
            .collect();
        assert_eq!(search(&t, "ref")[0].name, "refund");
        assert_eq!(search(&t, "shd")[0].name, "shipping-delay");
        assert_eq!(search(&t, "rs")[0].name, "rude-staff");
        assert_eq!(search(&t, "").len(), 4);
        assert!(search(&t, "zzz").is_empty());
    }
}
