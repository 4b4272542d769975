//! What `account add` asks for, the same way for every channel: a secret (from standard
//! input for scripts, else typed without echo), and the refusal of a name already taken.

use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};

use super::config_file::read_line;
use crate::config::Paths;

/// A secret (`what`: "token", "app password") from standard input when `from_stdin` or when
/// it is not a terminal; else `hint` on its own line, then `prompt`, typed without echo.
pub(super) fn read_secret(
    from_stdin: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    what: &str,
    hint: &str,
    prompt: &str,
) -> Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        return read_line(input).with_context(|| format!("reading the {what} from standard input"));
    }
    writeln!(out, "{hint}")?;
    read_hidden(out, prompt)
}

/// An account's default name from what the network calls it: lower-case ASCII letters and
/// digits, the rest as `-`, then `-suffix` ("Brand Page" on Facebook: `brand-page-fa`).
pub(super) fn default_name(label: &str, suffix: &str) -> String {
    let base: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{}-{suffix}", base.trim_matches('-'))
}

/// The error for `--name NAME` when the config already has another account of that name.
pub(super) fn name_taken(paths: &Paths, name: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "an account named {name:?} already exists in {}; choose another --name",
        paths.config_file.display()
    )
}

/// Read a line from the terminal without echoing it.
pub(super) fn read_hidden(out: &mut dyn Write, prompt: &str) -> Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    use crossterm::terminal::{disable_raw_mode, enable_raw_mode};
    write!(out, "{prompt}")?;
    out.flush()?;
    enable_raw_mode().context("switching the terminal to hidden input")?;
    let mut line = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(anyhow::anyhow!("cancelled"));
                }
                KeyCode::Esc => break Err(anyhow::anyhow!("cancelled")),
                KeyCode::Backspace => {
                    line.pop();
                }
                KeyCode::Char(c) => line.push(c),
                _ => {}
            },
            Ok(Event::Paste(p)) => line.push_str(&p),
            Ok(_) => {}
            Err(e) => break Err(e.into()),
        }
    };
    let _ = disable_raw_mode();
    writeln!(out)?;
    result?;
    let line = line.trim().to_string();
    if line.is_empty() {
        bail!("nothing was entered");
    }
    Ok(line)
}
