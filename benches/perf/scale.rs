//! Figure 7: `tinbox sync --once` with 1,000 Mastodon accounts against one loopback fake,
//! the real binary under `ulimit -n 1024`: how many synced, how long, and the most file
//! descriptors it had open at once (sampled from `/proc/<pid>/fd`). Figure 8: what the
//! `quick_check` run on every open of the store costs on the bench's store.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

use super::http::{Request, Response, serve};

const TOKEN: &str = "bench-token";

pub fn sync_many(accounts: usize) {
    let server = serve(Arc::new(|r: &Request| {
        let kim =
            json!({"id": "2", "username": "kim", "acct": "kim@x.social", "display_name": "Kim"});
        match r.path.as_str() {
            "/api/v1/accounts/verify_credentials" => Response::json(
                200,
                &json!({"id": "1", "username": "brand", "acct": "brand", "display_name": "Brand"}),
            ),
            "/api/v1/notifications" => {
                let status = json!({"id": "100", "created_at": "2026-11-20T09:00:00.000Z",
                    "account": kim, "content": "<p>hello</p>", "visibility": "public",
                    "in_reply_to_id": null, "url": null, "uri": "x", "spoiler_text": ""});
                Response::json(
                    200,
                    &json!([{"id": "1", "type": "mention", "created_at": "2026-11-20T09:00:00.000Z",
                             "account": kim, "status": status}]),
                )
            }
            "/api/v1/conversations" => Response::json(200, &json!([])),
            _ => Response::json(200, &json!({})),
        }
    }));
    let dir = tempfile::tempdir().expect("dir");
    let (cfg, data) = (dir.path().join("cfg"), dir.path().join("data"));
    std::fs::create_dir_all(&cfg).expect("mkdir");
    let (mut config, mut secrets) = (String::new(), String::new());
    for i in 0..accounts {
        let _ = write!(
            config,
            "[accounts.a{i}]\nchannel = \"mastodon\"\ninstance = \"{}\"\n",
            server.url()
        );
        let _ = write!(secrets, "[a{i}]\ntoken = \"{TOKEN}\"\n");
    }
    std::fs::write(cfg.join("config.toml"), config).expect("config");
    let secrets_file = cfg.join("secrets.toml");
    std::fs::write(&secrets_file, secrets).expect("secrets");
    std::fs::set_permissions(
        &secrets_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    let t = Instant::now();
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" sync --once")
        .arg(env!("CARGO_BIN_EXE_tinbox"))
        .env("TINBOX_CONFIG_DIR", &cfg)
        .env("TINBOX_DATA_DIR", &data)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn tinbox");
    let fd_dir = format!("/proc/{}/fd", child.id());
    let reader = {
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || std::io::read_to_string(out).unwrap_or_default())
    };
    let mut peak_fds = 0;
    // Sampling, not synchronisation: the figure is a measurement.
    while child.try_wait().ok().flatten().is_none() {
        if let Ok(d) = std::fs::read_dir(&fd_dir) {
            peak_fds = peak_fds.max(d.count());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let elapsed = t.elapsed();
    let out = reader.join().unwrap_or_default();
    let synced = out.lines().filter(|l| l.contains(": synced")).count();
    let emfile = out.contains("too many open files");
    println!(
        "10. sync --once, {accounts} accounts on one loopback server, ulimit -n 1024: {synced} synced in {:.0} ms, at most {peak_fds} files open{}   target: all synced",
        elapsed.as_secs_f64() * 1000.0,
        if emfile {
            ", some ran out of files"
        } else {
            ""
        }
    );
}

pub fn quick_check(db: &std::path::Path) {
    let conn = rusqlite::Connection::open(db).expect("open");
    let t = Instant::now();
    let r: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .expect("quick_check");
    let size = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!(
        "11. quick_check when a store changed behind tinbox (or daily): {:.0} ms for {:.0} MB ({r}); an open of a sealed store skips it",
        t.elapsed().as_secs_f64() * 1000.0,
        size as f64 / 1024.0 / 1024.0
    );
}
