//! Logs go to a file, never to the terminal (the inbox owns the screen).

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// Log to `file` (appending), filtered by `TINBOX_LOG` (default `info`). If the file cannot
/// be opened, logging is off: tinbox still works.
pub fn init(file: &Path) {
    if let Some(dir) = file.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(f) = OpenOptions::new().create(true).append(true).open(file) else {
        return;
    };
    let filter = EnvFilter::try_from_env("TINBOX_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(f))
        .try_init();
}
