//! One inbox per store: the inbox, `tinbox sync` (continuous) and `tinbox watch` poll and
//! send, so a second one on the same data directory is refused with a clear message instead
//! of polling and sending twice. Reading commands (`list`, `show`, `status`...) need no lock.
//! The lock is an OS file lock: it goes away with the process, even after a crash.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::Path;

/// Held while this process owns the store; dropping it releases the lock.
#[derive(Debug)]
pub struct InstanceLock {
    _file: File,
}

/// Take the lock of `data_dir`, or say who holds it.
pub fn acquire(data_dir: &Path, what: &str) -> Result<InstanceLock, String> {
    std::fs::create_dir_all(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let path = data_dir.join("tinbox.lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            // Who holds it, for the message another process will show.
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "{} {what}", std::process::id());
            let _ = file.flush();
            Ok(InstanceLock { _file: file })
        }
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = crate::sanitize::one_line(holder.trim());
            let who = match holder.split_once(' ') {
                Some((pid, cmd)) => format!("{cmd} (pid {pid})"),
                None if !holder.is_empty() => format!("pid {holder}"),
                None => "another process".into(),
            };
            Err(format!(
                "another tinbox is already using {}: {who}. Quit it first, or use `tinbox list`, `tinbox show` and `tinbox status`, which work alongside it",
                data_dir.display()
            ))
        }
        Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_owner_is_refused_until_the_first_goes() {
        let dir = tempfile::tempdir().expect("dir");
        let first = acquire(dir.path(), "the inbox").expect("first");
        let e = acquire(dir.path(), "sync").expect_err("second");
        assert!(
            e.contains("the inbox (pid ") && e.contains("tinbox list"),
            "{e}"
        );
        drop(first);
        assert!(acquire(dir.path(), "sync").is_ok());
    }
}
