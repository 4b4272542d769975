//! `tinbox template list|share|unshare`: canned replies, and sharing them with a team.

use std::io::Write;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;

use super::TemplateCommand;
use crate::store::StoreBackend;
use crate::templates::{self, Template};

/// `personal`: the templates of this user's config and templates folder.
pub fn run(
    cmd: &TemplateCommand,
    personal: &[Template],
    store: &mut dyn StoreBackend,
    user: &str,
    out: &mut dyn Write,
) -> Result<u8> {
    match cmd {
        TemplateCommand::List { json } => {
            let shared = store.shared_templates()?;
            let all = templates::with_shared(personal.to_vec(), shared.clone());
            let source = |t: &Template| {
                let mine = personal.iter().any(|p| p.name == t.name);
                let team = shared.iter().any(|(n, _)| *n == t.name);
                match (mine, team) {
                    (true, true) => "yours (the team has one too)",
                    (true, false) => "yours",
                    _ => "team",
                }
            };
            if *json {
                let rows: Vec<_> = all
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "name": crate::sanitize::one_line(&t.name),
                            "body": crate::sanitize::clean(&t.body),
                            "source": source(t),
                        })
                    })
                    .collect();
                writeln!(out, "{}", serde_json::to_string_pretty(&rows)?)?;
            } else if all.is_empty() {
                writeln!(
                    out,
                    "no templates yet: add them under [templates] in the config or as \
                     <config dir>/templates/NAME.txt"
                )?;
            } else {
                for t in &all {
                    let first = t.body.lines().next().unwrap_or("");
                    writeln!(
                        out,
                        "{:<16} {:<8} {}",
                        crate::sanitize::one_line(&t.name),
                        source(t).split(' ').next().unwrap_or(""),
                        crate::fmt::truncate(&crate::sanitize::one_line(first), 60)
                    )?;
                }
            }
        }
        TemplateCommand::Share { name } => {
            let t = personal.iter().find(|t| &t.name == name).with_context(|| {
                format!(
                    "no template {name:?} of yours to share (yours: {})",
                    templates::names(personal)
                )
            })?;
            if t.body.trim().is_empty() {
                bail!("template {name:?} is empty: nothing to share");
            }
            templates::check(&t.body).map_err(anyhow::Error::msg)?;
            store.share_template(&t.name, &t.body, user, Timestamp::now())?;
            writeln!(out, "shared {name:?} with the team")?;
        }
        TemplateCommand::Unshare { name } => {
            if !store.shared_templates()?.iter().any(|(n, _)| n == name) {
                bail!("the team shares no template {name:?}");
            }
            store.share_template(name, "", user, Timestamp::now())?;
            writeln!(out, "the team no longer shares {name:?}")?;
        }
    }
    Ok(0)
}
