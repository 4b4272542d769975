//! Where tinbox reads and writes: config dir (never written unasked), data dir, log, secrets.

use std::path::{Path, PathBuf};

use super::ConfigError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub config_file: PathBuf,
    /// `config_file` was named (`--config`): it must exist, where the default may be absent.
    pub config_named: bool,
    pub themes_dir: PathBuf,
    pub secrets_file: PathBuf,
    pub data_dir: PathBuf,
    pub log_file: PathBuf,
}

impl Paths {
    /// From `--config`/`--data-dir`, then `TINBOX_CONFIG_DIR`/`TINBOX_DATA_DIR`, then the
    /// platform's directories.
    pub fn resolve(
        config_file: Option<PathBuf>,
        data_dir: Option<PathBuf>,
    ) -> Result<Paths, ConfigError> {
        Self::resolve_with(config_file, data_dir, &|k| std::env::var(k).ok())
    }

    pub fn resolve_with(
        config_file: Option<PathBuf>,
        data_dir: Option<PathBuf>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Paths, ConfigError> {
        let env_dir = |k: &str| env(k).filter(|v| !v.is_empty()).map(PathBuf::from);
        let project = || directories::ProjectDirs::from("", "", "tinbox");
        let no_home = || {
            ConfigError::Paths(
                "cannot find a home directory; set TINBOX_CONFIG_DIR and TINBOX_DATA_DIR".into(),
            )
        };
        let config_named = config_file.is_some();
        let (config_dir, config_file) = match config_file {
            Some(f) => (
                f.parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| PathBuf::from(".")),
                f,
            ),
            None => {
                let dir = match env_dir("TINBOX_CONFIG_DIR") {
                    Some(d) => d,
                    None => project().ok_or_else(no_home)?.config_dir().to_path_buf(),
                };
                (dir.clone(), dir.join("config.toml"))
            }
        };
        let data_dir = match data_dir.or_else(|| env_dir("TINBOX_DATA_DIR")) {
            Some(d) => d,
            None => project().ok_or_else(no_home)?.data_dir().to_path_buf(),
        };
        Ok(Paths {
            themes_dir: config_dir.join("themes"),
            secrets_file: config_dir.join("secrets.toml"),
            log_file: data_dir.join("tinbox.log"),
            config_dir,
            config_file,
            config_named,
            data_dir,
        })
    }

    /// Canned replies as `NAME.txt` files.
    pub fn templates_dir(&self) -> PathBuf {
        self.config_dir.join("templates")
    }

    /// The SQLite store.
    pub fn store_file(&self) -> PathBuf {
        self.data_dir.join("tinbox.db")
    }

    /// Refuse a config dir (or config file) that another user can write: they could plant a
    /// `token_cmd` that tinbox would run, or a `secrets.toml`. Owned by this user or root,
    /// and not writable by group or others; a missing one is fine (nothing to read).
    pub fn check_config_private(&self) -> Result<(), ConfigError> {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        for (what, p) in [
            ("config dir", &self.config_dir),
            ("config file", &self.config_file),
        ] {
            let Ok(m) = std::fs::metadata(p) else {
                continue;
            };
            let mode = m.mode() & 0o7777;
            let why = if m.uid() != me && m.uid() != 0 {
                format!("is owned by another user (uid {})", m.uid())
            } else if mode & 0o022 != 0 {
                format!("can be written by other users (mode {mode:o})")
            } else {
                continue;
            };
            return Err(ConfigError::Paths(format!(
                "the {what} {} {why}: they could make tinbox run their commands (token_cmd); \
                 tinbox will not use it until you run: chmod go-w {}",
                p.display(),
                p.display()
            )));
        }
        Ok(())
    }

    /// For `tinbox --print-paths`: one `name: path` per line.
    pub fn describe(&self) -> String {
        let rows = [
            ("config_file", &self.config_file),
            ("config_dir", &self.config_dir),
            ("themes_dir", &self.themes_dir),
            ("secrets_file", &self.secrets_file),
            ("data_dir", &self.data_dir),
            ("store", &self.store_file()),
            ("log_file", &self.log_file),
        ];
        rows.iter()
            .map(|(k, v)| format!("{k}: {}\n", v.display()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_dir_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().expect("tmp");
        let dir = root.path().join("cfg");
        let p = Paths::resolve_with(
            Some(dir.join("config.toml")),
            Some(root.path().into()),
            &|_| None,
        )
        .expect("paths");
        p.check_config_private().expect("missing is fine");
        std::fs::create_dir(&dir).expect("mkdir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        std::fs::write(&p.config_file, "").expect("write");
        p.check_config_private().expect("private is fine");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let e = p
            .check_config_private()
            .expect_err("world-writable")
            .to_string();
        assert!(
            e.contains("written by other users") && e.contains("chmod go-w"),
            "{e}"
        );
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(&p.config_file, std::fs::Permissions::from_mode(0o664))
            .expect("chmod");
        let e = p
            .check_config_private()
            .expect_err("group-writable file")
            .to_string();
        assert!(e.contains("config file"), "{e}");
    }

    #[test]
    fn precedence_flags_then_env_then_platform() {
        let env = |k: &str| match k {
            "TINBOX_CONFIG_DIR" => Some("/env/cfg".to_string()),
            "TINBOX_DATA_DIR" => Some("/env/data".to_string()),
            _ => None,
        };
        let p = Paths::resolve_with(None, None, &env).expect("paths");
        assert_eq!(p.config_file, PathBuf::from("/env/cfg/config.toml"));
        assert_eq!(p.store_file(), PathBuf::from("/env/data/tinbox.db"));
        assert_eq!(p.secrets_file, PathBuf::from("/env/cfg/secrets.toml"));
        let p =
            Paths::resolve_with(Some("/x/my.toml".into()), Some("/d".into()), &env).expect("paths");
        assert_eq!(
            (p.config_dir.as_path(), p.data_dir.as_path()),
            (Path::new("/x"), Path::new("/d"))
        );
        assert!(p.describe().contains("store: /d/tinbox.db\n"));
        let none = |_: &str| None;
        let p = Paths::resolve_with(None, None, &none).expect("platform dirs");
        assert!(
            p.config_file.ends_with("tinbox/config.toml"),
            "{:?}",
            p.config_file
        );
    }
}
