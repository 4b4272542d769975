//! Logs go to a file, never to the terminal (the inbox owns the screen). The file is 0600 in
//! a 0700 directory: it names customers and accounts.
//!
//! The HTML parser under the text conversion (html5ever, through html2text) logs a debug
//! line for every token it reads and a trace line for every character: at `debug` that
//! buried tinbox's own lines under thousands per post. Those crates stay at `warn` unless
//! the filter names them; at the default `info` the `log` crate's level drops their calls
//! before any formatting.

use std::fs::OpenOptions;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Log to `file` (appending), filtered by `TINBOX_LOG` (default `info`). If the file cannot
/// be opened, logging is off: tinbox still works.
pub fn init(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        let _ = crate::private::ensure_dir(dir);
    }
    let Ok(f) = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(file)
    else {
        return;
    };
    // An existing file keeps its mode on open: tighten it here too.
    let _ = crate::private::ensure_file(file);
    let asked = std::env::var("TINBOX_LOG").unwrap_or_default();
    let filter = EnvFilter::try_new(filter_text(&asked)).unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(Quiet(f)))
        .try_init();
}

/// Crates whose debug and trace output is about their own internals, not tinbox's work.
const CHATTY: &[&str] = &["html5ever", "markup5ever", "html2text"];

/// The filter for `TINBOX_LOG` (`info` when unset or empty), with [`CHATTY`] crates at
/// `warn` unless it names them.
fn filter_text(asked: &str) -> String {
    let asked = asked.trim();
    let mut text = if asked.is_empty() { "info" } else { asked }.to_string();
    for name in CHATTY {
        if !text.contains(name) {
            text.push_str(&format!(",{name}=warn"));
        }
    }
    text
}

/// The log file, whose write errors are dropped: a full disk must not print over the inbox
/// (or into a script's output), and a lost log line is no reason to stop.
struct Quiet(std::fs::File);

impl std::io::Write for Quiet {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(self.0.write(buf).unwrap_or(buf.len()))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let _ = self.0.flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_parser_stays_quiet_unless_named() {
        assert_eq!(
            filter_text(""),
            "info,html5ever=warn,markup5ever=warn,html2text=warn"
        );
        assert_eq!(
            filter_text("tinbox=debug"),
            "tinbox=debug,html5ever=warn,markup5ever=warn,html2text=warn"
        );
        assert_eq!(
            filter_text("debug,html5ever=trace"),
            "debug,html5ever=trace,markup5ever=warn,html2text=warn"
        );
        // The subscriber's level is what the `log` crate is given (`try_init`): at the
        // default, html5ever's per-token debug and per-character trace calls stop at it.
        let sub = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::try_new(filter_text("")).expect("filter"))
            .with_writer(std::io::sink)
            .finish();
        assert_eq!(
            tracing::Subscriber::max_level_hint(&sub),
            Some(tracing::level_filters::LevelFilter::INFO)
        );
    }
}
