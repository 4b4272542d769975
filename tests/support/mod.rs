//! Helpers for tests that run the real `tinbox` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A private config dir and data dir for one test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    /// The secrets file's text, after checking that only its owner can read it (0600).
    pub fn secrets(&self) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.config_dir().join("secrets.toml");
        let mode = std::fs::metadata(&path)
            .expect("secrets")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the secrets file's mode");
        std::fs::read_to_string(&path).expect("secrets")
    }
    pub fn write_config(&self, text: &str) -> PathBuf {
        std::fs::create_dir_all(self.config_dir()).expect("mkdir");
        let p = self.config_dir().join("config.toml");
        std::fs::write(&p, text).expect("write config");
        p
    }
    /// The binary with this sandbox's env and no colour.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env("TINBOX_CONFIG_DIR", self.config_dir())
            .env("TINBOX_DATA_DIR", self.data_dir())
            .env("NO_COLOR", "1")
            .env_remove("TINBOX_LOG");
        c
    }
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd()
            .args(args)
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run tinbox")
    }
    /// `tinbox list --json`, parsed.
    pub fn items(&self) -> Vec<serde_json::Value> {
        let out = self.run(&["list", "--json"]);
        assert!(out.status.success(), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out))
            .expect("json")
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
    /// Run with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        let mut child = self
            .cmd()
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn tinbox");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait")
    }
}

pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_tinbox"))
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub mod bsky_lab;
pub mod fake_graph;
pub mod fake_mastodon;
pub mod fake_x;
pub mod fake_youtube;
pub mod http;
pub mod mail_lab;
pub mod pty;
pub mod team;

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
