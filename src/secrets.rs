//! Secrets (tokens, app passwords): a 0600 TOML file beside the config, or a command.
//!
//! The file maps account names to their secrets (`[brand-masto] token = "…"`). It is never
//! read if other users could read it, and it is written atomically with mode 0600. Secret
//! values never appear in `Debug` output, logs or error messages.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error(
        "the secrets file {path} can be read by other users (mode {mode:o}); tinbox will not use it until you run: chmod 600 {path}"
    )]
    TooOpen { path: String, mode: u32 },
    #[error("cannot read the secrets file {path}: {reason}")]
    Read { path: String, reason: String },
    #[error("cannot write the secrets file {path}: {reason}")]
    Write { path: String, reason: String },
    #[error("the command for {what} failed: {reason}")]
    Command { what: String, reason: String },
}

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
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Secrets {
                    path: path.to_path_buf(),
                    accounts: BTreeMap::new(),
                });
            }
            Err(e) => {
                return Err(SecretsError::Read {
                    path: shown,
                    reason: e.to_string(),
                });
            }
        };
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(SecretsError::TooOpen { path: shown, mode });
        }
        let text = std::fs::read_to_string(path).map_err(|e| SecretsError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
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
            std::fs::create_dir_all(dir).map_err(err)?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(err)?;
        }
        let text = toml::to_string(&self.accounts).map_err(|e| SecretsError::Write {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let tmp = self
            .path
            .with_extension(format!("tmp{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })
    }
}

/// Run a `token_cmd`/`password_cmd` (through `sh -c`) and return the first line of its output.
/// The secret is never in our argv; the command's error output is not repeated (it may echo it).
pub fn run_secret_command(what: &str, command: &str) -> Result<String, SecretsError> {
    let fail = |reason: String| SecretsError::Command {
        what: what.to_string(),
        reason,
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| fail(format!("cannot run it: {e}")))?;
    if !out.status.success() {
        return Err(fail(format!("it exited with {}", out.status)));
    }
    let text = String::from_utf8(out.stdout).map_err(|_| fail("its output is not UTF-8".into()))?;
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
}
