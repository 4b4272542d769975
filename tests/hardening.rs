//! Files, secrets and the process, on the real binary: private modes, no core dumps, a
//! config dir others can write refused, read-only commands on a full disk.

mod support;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Stdio;

use support::{Sandbox, stderr, stdout};

const DEMO_CONFIG: &str = "[accounts.demo]\nchannel = \"demo\"\n";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o777
}

fn side(db: &Path, ext: &str) -> std::path::PathBuf {
    let mut s = db.as_os_str().to_os_string();
    s.push(ext);
    s.into()
}

/// A running `tinbox sync`: its store is open (with `-wal` and `-shm`), its log written; the
/// process can make no core dump and is not dumpable.
#[test]
fn running_tinbox_keeps_its_files_private_and_cannot_dump_core() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    let mut cmd = sb.cmd();
    // Not dumpable shows as /proc/<pid> owned by root, which only tells when tinbox is not
    // root itself: as root, run it as nobody in a sandbox nobody owns.
    let as_root = rustix::process::geteuid().is_root();
    if as_root {
        let nobody = 65534;
        for p in [sb.dir.path().to_path_buf(), sb.config_dir()] {
            std::os::unix::fs::chown(&p, Some(nobody), Some(nobody)).expect("chown");
        }
        std::os::unix::fs::chown(sb.config_dir().join("config.toml"), Some(nobody), None)
            .expect("chown");
        std::os::unix::process::CommandExt::uid(&mut cmd, nobody);
        std::os::unix::process::CommandExt::gid(&mut cmd, nobody);
    }
    let mut child = cmd
        .arg("sync")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines.next().and_then(Result::ok).unwrap_or_default();
    let pid = child.id();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).expect("limits");
    let proc_owner = std::fs::metadata(format!("/proc/{pid}/status"))
        .expect("meta")
        .uid();
    let data = sb.data_dir();
    let db = data.join("tinbox.db");
    let modes: Vec<(String, u32)> = [
        data.clone(),
        db.clone(),
        side(&db, "-wal"),
        side(&db, "-shm"),
        data.join("tinbox.log"),
    ]
    .iter()
    .map(|p| (p.display().to_string(), mode(p)))
    .collect();
    let _ = child.kill();
    let out = child.wait_with_output().expect("wait");
    assert!(first.contains("synced"), "{first} {}", stderr(&out));

    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .expect("a core limit line");
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], &["0", "0"], "{core}");
    let uid: u32 = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|u| u.parse().ok())
        .expect("Uid line");
    assert_ne!(uid, 0, "tinbox ran as another user than root");
    assert_eq!(proc_owner, 0, "not dumpable: /proc/<pid> belongs to root");
    for (path, m) in &modes {
        let want = if path.ends_with("data") { 0o700 } else { 0o600 };
        assert_eq!(*m, want, "{path} has mode {m:o}");
    }
}

#[test]
fn looser_existing_files_are_tightened_with_a_notice() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let data = sb.data_dir();
    for (p, m) in [
        (data.clone(), 0o755),
        (data.join("tinbox.db"), 0o644),
        (data.join("tinbox.log"), 0o644),
    ] {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(m)).expect("chmod");
    }
    let out = sb.run(&["status"]);
    assert!(out.status.code().is_some_and(|c| c < 3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("notice") && err.contains("tinbox.db"), "{err}");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("tinbox.db")), 0o600);
    assert_eq!(mode(&data.join("tinbox.log")), 0o600);
    let again = sb.run(&["status"]);
    assert!(!stderr(&again).contains("notice"), "said once");
}

#[test]
fn a_config_dir_others_can_write_is_refused() {
    let sb = Sandbox::new();
    sb.write_config("[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\ntoken_cmd = \"echo planted\"\n");
    std::fs::set_permissions(sb.config_dir(), std::fs::Permissions::from_mode(0o777))
        .expect("chmod");
    let out = sb.run(&["sync", "--once"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("written by other users") && err.contains("chmod go-w"),
        "{err}"
    );
}

#[test]
fn a_fifo_as_secrets_file_is_refused_not_waited_on() {
    let sb = Sandbox::new();
    sb.write_config("[accounts.m]\nchannel = \"mastodon\"\ninstance = \"https://m.example\"\n");
    let fifo = sb.config_dir().join("secrets.toml");
    let made = std::process::Command::new("mkfifo")
        .arg("-m")
        .arg("600")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let out = sb.run(&["sync", "--once"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

/// A disk too full to grow any file (`ulimit -f 0` with SIGXFSZ ignored: every write that
/// extends a file fails): `list` and `status` still read the store.
#[test]
fn read_only_commands_work_when_nothing_can_be_written() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let before = sb.items().len();
    assert!(before > 0);
    for args in ["list --json", "status"] {
        let out = shell(
            &sb,
            &format!("trap '' XFSZ; ulimit -f 0; exec \"$0\" {args}"),
        )
        .stdin(Stdio::null())
        .output()
        .expect("run");
        // `status` says 1 or 2 for items in their warn or breach time; 3+ is a failure.
        let ok = if args == "status" { 3 } else { 1 };
        assert!(
            out.status.code().is_some_and(|c| c < ok),
            "{args}: {} {}",
            stdout(&out),
            stderr(&out)
        );
        if args.starts_with("list") {
            let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
            assert_eq!(v.as_array().map(Vec::len), Some(before));
        }
    }
}

/// `sh -c SCRIPT` with the sandbox's env and the binary as `$0`.
fn shell(sb: &Sandbox, script: &str) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(script)
        .arg(support::bin())
        .env("TINBOX_CONFIG_DIR", sb.config_dir())
        .env("TINBOX_DATA_DIR", sb.data_dir())
        .env("NO_COLOR", "1")
        .env_remove("TINBOX_LOG");
    c
}
