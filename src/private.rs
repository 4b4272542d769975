//! Private files: what tinbox keeps (the store, its WAL, the log, the secrets, saved
//! positions) is readable by its owner only. Directories are created 0700 and files 0600;
//! existing looser ones are tightened, and the caller is told (a notice, never silent).
//! Every atomic write goes through [`write_atomic`] (a temp file in the same directory,
//! fsync, rename by `tempfile`), so a crash leaves the old file or the new one.

use std::fs::Permissions;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::Path;

/// Create `dir` (and missing parents) with mode 0700; an existing one that others can
/// enter is tightened to 0700. Returns a notice when something was tightened.
pub fn ensure_dir(dir: &Path) -> std::io::Result<Option<String>> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => tighten(dir, m.permissions().mode(), 0o700),
        Ok(_) => Err(std::io::Error::other(format!(
            "{} is not a directory",
            dir.display()
        ))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// An existing file others can read or write becomes 0600 (a missing one is left missing).
/// Returns a notice when something was tightened.
pub fn ensure_file(path: &Path) -> std::io::Result<Option<String>> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => tighten(path, m.permissions().mode(), 0o600),
        // Not ours to change (a symlink, a device): whoever opens it decides.
        Ok(_) => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn tighten(path: &Path, mode: u32, private: u32) -> std::io::Result<Option<String>> {
    let mode = mode & 0o7777;
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    std::fs::set_permissions(path, Permissions::from_mode(private))?;
    Ok(Some(format!(
        "{} could be read by other users (mode {mode:o}); it is now {private:o}",
        path.display()
    )))
}

/// The data dir 0700, and the store (with its `-wal`/`-shm`), the log and the saved
/// position 0600. Returns one notice per thing tightened.
pub fn secure_data_dir(dir: &Path, files: &[&Path]) -> std::io::Result<Vec<String>> {
    let mut notices: Vec<String> = ensure_dir(dir)?.into_iter().collect();
    for f in files {
        notices.extend(ensure_file(f)?);
    }
    Ok(notices)
}

/// The store's file and the files SQLite keeps beside it.
pub fn store_files(db: &Path) -> Vec<std::path::PathBuf> {
    let mut v = vec![db.to_path_buf()];
    for ext in ["-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_os_string();
        name.push(ext);
        v.push(name.into());
    }
    v
}

/// Replace `path` with `bytes` atomically, the new file with `mode` (0600 for anything
/// private; the caller passes the old file's mode to keep a user's choice).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // `tempfile` creates the file 0600 with a random name: nothing to race with.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tinbox-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file()
        .set_permissions(Permissions::from_mode(mode & 0o777))?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Keep secrets out of crash dumps and away from other processes: no core file
/// (`RLIMIT_CORE` 0, soft and hard), not dumpable (`PR_SET_DUMPABLE` 0: no core, and no
/// ptrace or `/proc/<pid>/mem` for other processes of the same user), and files created
/// from now on private (umask 077). Called first thing by the binary.
pub fn harden_process() -> Vec<String> {
    use rustix::process::{self as p, Resource, Rlimit};
    let mut failed = Vec::new();
    let zero = Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    if let Err(e) = p::setrlimit(Resource::Core, zero) {
        failed.push(format!("cannot turn core dumps off: {e}"));
    }
    if let Err(e) = p::set_dumpable_behavior(p::DumpableBehavior::NotDumpable) {
        failed.push(format!("cannot mark the process not dumpable: {e}"));
    }
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    failed
}

/// The permission bits of an existing file, if any.
pub fn mode_of(path: &Path) -> Option<u32> {
    std::fs::metadata(path)
        .ok()
        .map(|m| m.permissions().mode() & 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        mode_of(p).expect("exists")
    }

    #[test]
    fn creates_private_and_tightens_with_a_notice() {
        let root = tempfile::tempdir().expect("tmp");
        let dir = root.path().join("a/b");
        assert_eq!(ensure_dir(&dir).expect("create"), None);
        assert_eq!(mode(&dir), 0o700);
        std::fs::set_permissions(&dir, Permissions::from_mode(0o755)).expect("chmod");
        let note = ensure_dir(&dir).expect("tighten").expect("a notice");
        assert!(note.contains("755") && note.contains("700"), "{note}");
        assert_eq!(mode(&dir), 0o700);

        let f = dir.join("tinbox.log");
        assert_eq!(ensure_file(&f).expect("missing is fine"), None);
        std::fs::write(&f, "x").expect("write");
        std::fs::set_permissions(&f, Permissions::from_mode(0o644)).expect("chmod");
        assert!(ensure_file(&f).expect("tighten").is_some());
        assert_eq!(mode(&f), 0o600);
        assert_eq!(ensure_file(&f).expect("again"), None, "said once");
    }

    #[test]
    fn atomic_writes_keep_the_mode_asked_and_leave_no_temp_file() {
        let root = tempfile::tempdir().expect("tmp");
        let f = root.path().join("resume.json");
        std::fs::write(&f, "old").expect("write");
        std::fs::set_permissions(&f, Permissions::from_mode(0o644)).expect("chmod");
        write_atomic(&f, b"new", 0o600).expect("write");
        assert_eq!(std::fs::read_to_string(&f).expect("read"), "new");
        assert_eq!(mode(&f), 0o600);
        let names: Vec<_> = std::fs::read_dir(root.path())
            .expect("ls")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
