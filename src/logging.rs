//! Logs go to a file, never to the terminal (the inbox owns the screen). The file is 0600 in
//! a 0700 directory: it names customers and accounts.

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
    let filter = EnvFilter::try_from_env("TINBOX_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(Quiet(f)))
        .try_init();
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
