//! Writing the user's config file and reading answers at a prompt, for `account add` of
//! every channel (each channel's own file uses these; none of them uses another's).

use std::io::BufRead;
use std::os::unix::fs::DirBuilderExt;

use anyhow::{Context, Result, bail};

use crate::config::Paths;

pub(super) fn read_line(input: &mut dyn BufRead) -> Result<String> {
    let mut line = String::new();
    input.read_line(&mut line)?;
    let line = line.trim().to_string();
    if line.is_empty() {
        bail!("nothing was entered");
    }
    Ok(line)
}

/// Add `[accounts.NAME]` with `entries` to the user's config file, editing it as TOML
/// (`toml_edit`): names and values are escaped as TOML requires, and the user's comments
/// and layout stay as they were. The result must parse before it replaces the file
/// (atomically, keeping the file's mode).
pub(super) fn append_table(
    paths: &Paths,
    name: &str,
    entries: &[(&str, toml_edit::Value)],
) -> Result<()> {
    let file = &paths.config_file;
    if !paths.config_dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&paths.config_dir)
            .with_context(|| format!("creating {}", paths.config_dir.display()))?;
    }
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("reading {}", file.display())),
    };
    let mut doc: toml_edit::DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", file.display()))?;
    let had_accounts = doc.contains_key("accounts");
    let Some(accounts) = doc
        .entry("accounts")
        .or_insert_with(toml_edit::table)
        .as_table_mut()
    else {
        bail!(
            "`accounts` in {} is not a table; add [accounts.{name}] by hand",
            file.display()
        );
    };
    if !had_accounts {
        // Only `[accounts.NAME]` is written, not an empty `[accounts]` above it.
        accounts.set_implicit(true);
    }
    if accounts.contains_key(name) {
        bail!(
            "an account named {name:?} already exists in {}",
            file.display()
        );
    }
    let mut table = toml_edit::Table::new();
    for (k, v) in entries {
        table.insert(k, toml_edit::Item::Value(v.clone()));
    }
    if !text.is_empty() {
        table.decor_mut().set_prefix("\n");
    }
    accounts.insert(name, toml_edit::Item::Table(table));
    let out = doc.to_string();
    // Prove the result still parses before writing it.
    crate::config::parse(&out, file)?;
    let mode = crate::private::mode_of(file).unwrap_or(0o600);
    crate::private::write_atomic(file, out.as_bytes(), mode)
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(())
}
