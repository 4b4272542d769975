//! Secrets (tokens, app passwords): a 0600 TOML file beside the config, or a command.
//!
//! The file maps account names to their secrets (`[brand-masto] token = "…"`). It is read
//! only when it is a regular file (not a symlink, FIFO or device), owned by this user and
//! readable by nobody else; it is written atomically with mode 0600. A `token_cmd` or
//! `password_cmd` gets a time limit. Secret values never appear in `Debug` output, logs or
//! error messages.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "the secrets file {path} can be read by other users (mode {mode:o}); tinbox will not use it until you run: chmod 600 {path}"
    )]
    TooOpen { path: String, mode: u32 },
    #[error(
        "the secrets file {path} is {what}; tinbox reads secrets only from a regular file you own (replace it with one, mode 600)"
    )]
    NotPlain { path: String, what: String },
    #[error("cannot read the secrets file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot write the secrets file {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("the command for {what} failed: {reason}")]
    Command { what: String, reason: String },
}

/// How long a `token_cmd`/`password_cmd` may take when nothing else is configured.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// Secret values by account and key.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Secrets {
    path: PathBuf,
    accounts: BTreeMap<String, BTreeMap<String, String>>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: BTreeMap<_, Vec<_>> = self
            .accounts
            .iter()
            .map(|(a, m)| (a, m.keys().collect()))
            .collect();
        f.debug_struct("Secrets")
            .field("path", &self.path)
            .field("keys", &keys)
            .finish()
    }
}

impl Secrets {
    /// Read the file; a missing file is an empty set of secrets.
    pub fn load(path: &Path) -> Result<Secrets, SecretsError> {
        let shown = path.display().to_string();
        let read_err = |e: std::io::Error| SecretsError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        };
        // lstat: a symlink is refused, not followed (it could point at someone else's file).
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Secrets {
                    path: path.to_path_buf(),
                    accounts: BTreeMap::new(),
                });
            }
            Err(e) => return Err(read_err(e)),
        };
        check_plain(&shown, &meta)?;
        // O_NONBLOCK: should the file be swapped for a FIFO after the check, opening it does
        // not hang; O_NOFOLLOW: nor for a symlink. The open file is checked again below.
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc_flags())
            .open(path)
            .map_err(read_err)?;
        let opened = file.metadata().map_err(read_err)?;
        if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
            return Err(SecretsError::NotPlain {
                path: shown,
                what: "changing while tinbox reads it".into(),
            });
        }
        check_plain(&shown, &opened)?;
        let mut text = String::new();
        file.read_to_string(&mut text).map_err(read_err)?;
        // The parser's message may quote the offending line: never repeat it, it may hold a secret.
        let accounts = toml::from_str(&text).map_err(|e| SecretsError::Read {
            path: shown,
            reason: format!(
                "not valid TOML near byte {}",
                e.span().map(|s| s.start).unwrap_or(0)
            ),
        })?;
        Ok(Secrets {
            path: path.to_path_buf(),
            accounts,
        })
    }

    pub fn get(&self, account: &str, key: &str) -> Option<&str> {
        self.accounts
            .get(account)
            .and_then(|m| m.get(key))
            .map(String::as_str)
    }

    pub fn set(&mut self, account: &str, key: &str, value: &str) {
        self.accounts
            .entry(account.to_string())
            .or_default()
            .insert(key.to_string(), value.to_string());
    }

    pub fn has_account(&self, account: &str) -> bool {
        self.accounts.contains_key(account)
    }

    pub fn unset(&mut self, account: &str, key: &str) {
        if let Some(m) = self.accounts.get_mut(account) {
            m.remove(key);
        }
    }

    /// The file these secrets are read from and written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Forget every secret of an account; returns whether there were any.
    pub fn remove_account(&mut self, account: &str) -> bool {
        self.accounts.remove(account).is_some()
    }

    /// Write atomically (temp file with mode 0600, fsync, rename) into a 0700 directory.
    pub fn save(&self) -> Result<(), SecretsError> {
        let shown = self.path.display().to_string();
        let err = |e: std::io::Error| SecretsError::Write {
            path: shown.clone(),
            reason: e.to_string(),
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        if !dir.exists() {
            crate::private::ensure_dir(dir).map_err(err)?;
        }
        let text = toml::to_string(&self.accounts).map_err(|e| SecretsError::Write {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        crate::private::write_atomic(&self.path, text.as_bytes(), 0o600).map_err(err)
    }
}

/// `O_NONBLOCK | O_NOFOLLOW` for opening the secrets file.
fn libc_flags() -> i32 {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOFOLLOW;
    i32::try_from(flags.bits()).unwrap_or(0)
}

/// A regular file, owned by this user, that nobody else can read or write.
fn check_plain(shown: &str, meta: &std::fs::Metadata) -> Result<(), SecretsError> {
    let t = meta.file_type();
    let what = if t.is_symlink() {
        Some("a symbolic link")
    } else if t.is_dir() {
        Some("a directory")
    } else if !t.is_file() {
        Some("not a regular file (a FIFO, socket or device)")
    } else {
        None
    };
    if let Some(what) = what {
        return Err(SecretsError::NotPlain {
            path: shown.to_string(),
            what: what.into(),
        });
    }
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(SecretsError::NotPlain {
            path: shown.to_string(),
            what: format!("owned by another user (uid {}, you are {me})", meta.uid()),
        });
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(SecretsError::TooOpen {
            path: shown.to_string(),
            mode,
        });
    }
    Ok(())
}

/// Run a `token_cmd`/`password_cmd` (through `sh -c`) and return the first line of its
/// output, within [`COMMAND_TIMEOUT`].
pub fn run_secret_command(what: &str, command: &str) -> Result<String, SecretsError> {
    run_secret_command_within(what, command, COMMAND_TIMEOUT)
}

/// [`run_secret_command`] with another time limit. A command still running then is killed
/// with everything it started (its own process group), and the caller gets an error instead
/// of waiting forever (`sync --once` from cron). The secret is never in our argv; the
/// command's error output is not repeated (it may echo it).
pub fn run_secret_command_within(
    what: &str,
    command: &str,
    timeout: Duration,
) -> Result<String, SecretsError> {
    let fail = |reason: String| SecretsError::Command {
        what: what.to_string(),
        reason,
    };
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    let mut stdout = child
        .stdout
        .take()
        .ok_or_else(|| fail("cannot read its output".into()))?;
    // The output is read on a thread so that the wait can have a deadline.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let r = stdout.read_to_end(&mut buf).map(|_| buf);
        let _ = tx.send(r);
    });
    let output = match rx.recv_timeout(timeout) {
        Ok(r) => r.map_err(|e| fail(format!("cannot read its output: {e}")))?,
        Err(_) => {
            if let Some(pgid) = rustix::process::Pid::from_raw(child.id().cast_signed()) {
                let _ = rustix::process::kill_process_group(pgid, rustix::process::Signal::KILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            return Err(fail(format!(
                "it did not finish within {}s (stopped); check that it does not wait for input",
                timeout.as_secs()
            )));
        }
    };
    let status = child
        .wait()
        .map_err(|e| fail(format!("cannot wait for it: {e}")))?;
    if !status.success() {
        return Err(fail(format!("it exited with {status}")));
    }
    let text = String::from_utf8(output).map_err(|_| fail("its output is not UTF-8".into()))?;
    let first = text.lines().next().unwrap_or("").trim().to_string();
    if first.is_empty() {
        return Err(fail("it printed nothing".into()));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_mode_0600() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("cfg/secrets.toml");
        let mut s = Secrets::load(&path).expect("missing file is empty");
        assert_eq!(s.get("a", "token"), None);
        s.set("brand-masto", "token", "s3cr3t-\"quoted\"");
        s.save().expect("save");
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let dir_mode = std::fs::metadata(path.parent().expect("dir"))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700);
        let again = Secrets::load(&path).expect("load");
        assert_eq!(again.get("brand-masto", "token"), Some("s3cr3t-\"quoted\""));
        let mut again = again;
        assert!(again.remove_account("brand-masto"));
        again.save().expect("save");
        assert_eq!(
            Secrets::load(&path)
                .expect("load")
                .get("brand-masto", "token"),
            None
        );
    }

    #[test]
    fn refuses_a_file_others_can_read_and_never_shows_secrets() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("secrets.toml");
        std::fs::write(&path, "[a]\ntoken = \"hunter2\"\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let err = Secrets::load(&path).expect_err("too open").to_string();
        assert!(err.contains("chmod 600"), "{err}");
        assert!(!err.contains("hunter2"));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let s = Secrets::load(&path).expect("load");
        assert!(!format!("{s:?}").contains("hunter2"), "Debug redacts");

        std::fs::write(&path, "token = hunter2 oops\n").expect("write");
        let err = Secrets::load(&path).expect_err("bad toml").to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn secret_commands() {
        assert_eq!(
            run_secret_command("t", "printf 'tok\\nextra\\n'").expect("runs"),
            "tok"
        );
        let e = run_secret_command("token_cmd of x", "echo leaked >&2; exit 3")
            .expect_err("fails")
            .to_string();
        assert!(e.contains("token_cmd of x") && !e.contains("leaked"), "{e}");
        assert!(
            run_secret_command("t", "true").is_err(),
            "empty output is an error"
        );
    }

    #[test]
    fn refuses_symlinks_fifos_directories_and_other_owners() {
        let dir = tempfile::tempdir().expect("tmp");
        let real = dir.path().join("real.toml");
        std::fs::write(&real, "[a]\ntoken = \"hunter2\"\n").expect("write");
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let link = dir.path().join("secrets.toml");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let err = Secrets::load(&link).expect_err("a symlink").to_string();
        assert!(err.contains("symbolic link"), "{err}");

        // A FIFO nobody writes to: reading it would block forever.
        let fifo = dir.path().join("fifo.toml");
        let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
        assert!(made.success());
        std::fs::set_permissions(&fifo, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        let err = Secrets::load(&fifo).expect_err("a FIFO").to_string();
        assert!(err.contains("not a regular file"), "{err}");

        let sub = dir.path().join("dir.toml");
        std::fs::create_dir(&sub).expect("mkdir");
        assert!(Secrets::load(&sub).is_err());

        // Another user's file (only root can give a file away; elsewhere this part is skipped).
        if rustix::process::geteuid().is_root() {
            std::os::unix::fs::chown(&real, Some(65534), Some(65534)).expect("chown");
            let err = Secrets::load(&real)
                .expect_err("someone else's")
                .to_string();
            assert!(err.contains("owned by another user"), "{err}");
            assert!(!err.contains("hunter2"));
        } else {
            eprintln!("skipped: giving a file to another user needs root");
        }
    }

    #[test]
    fn a_command_that_never_finishes_is_stopped() {
        let e = run_secret_command_within(
            "token_cmd of slow",
            "sleep 600; echo tok",
            Duration::from_millis(300),
        )
        .expect_err("stopped")
        .to_string();
        assert!(
            e.contains("token_cmd of slow") && e.contains("did not finish"),
            "{e}"
        );
        // Its output pipe held open by a grandchild does not make us wait either.
        let e =
            run_secret_command_within("t", "(sleep 600 &) ; sleep 600", Duration::from_millis(300))
                .expect_err("stopped");
        assert!(e.to_string().contains("did not finish"));
    }
}
