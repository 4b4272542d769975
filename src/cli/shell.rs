//! `tinbox completions SHELL` and `tinbox man`: generated from the same clap definition the
//! binary parses with, so they can never drift from the real commands and flags. Neither
//! reads the config or the store: they work on a machine where tinbox is not set up yet.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::Cli;

/// The completion script for `shell`, on `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut cmd = Cli::command();
    clap_complete::generate(shell, &mut cmd, "tinbox", out);
    Ok(())
}

/// The main manual page on `out`: synopsis, global options, and every command with what it
/// does (each named `tinbox-COMMAND(1)`, the pages `--dir` writes).
pub fn man(out: &mut dyn Write) -> Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    Ok(())
}

/// `tinbox.1` and one page per command (`tinbox-list.1`, `tinbox-account-add.1`, …) in `dir`;
/// returns how many pages it wrote.
pub fn man_pages(dir: &Path) -> Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let cmd = Cli::command();
    let pages = count_pages(&cmd);
    clap_mangen::generate_to(cmd, dir)
        .with_context(|| format!("writing manual pages into {}", dir.display()))?;
    Ok(pages)
}

/// The command and its visible commands, all the way down (what `generate_to` writes).
fn count_pages(cmd: &clap::Command) -> usize {
    1 + cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        .map(count_pages)
        .sum::<usize>()
}
