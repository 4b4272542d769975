//! Figure 7: `tinbox sync --once` + `tinbox list --json --limit 40` on a fresh data dir
//! against a loopback Mastodon-API server, next to `toot notifications` on the same server
//! (if toot is installed: `pip install toot`). Wall time and peak RSS of each, measured the
//! same way, and the requests of a second `sync --once` with nothing new (a real server
//! answers in tens of milliseconds, so each request counts).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use serde_json::json;

use super::http::{self, Request, Response, serve};

fn fake() -> http::Server {
    let kim = json!({"id": "2", "username": "kim", "acct": "kim@x.social", "display_name": "Kim",
                     "url": "https://x.social/@kim", "avatar": "", "note": "", "bot": false});
    // Recent mentions: open items on a first sync, not backfilled history.
    let at = (jiff::Timestamp::now() - jiff::SignedDuration::from_mins(5))
        .strftime("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string();
    let notes: Vec<_> = (0..50)
        .map(|i| {
            json!({"id": format!("{}", 1000 - i), "type": "mention",
                   "created_at": at, "account": kim,
                   "status": {"id": format!("{}", 5000 - i), "created_at": at,
                              "account": kim, "content": format!("<p>@brand order #{i} is late</p>"),
                              "visibility": "public", "in_reply_to_id": null, "url": null,
                              "uri": format!("https://x.social/s/{i}"), "spoiler_text": "",
                              "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
                              "reblogs_count": 0, "favourites_count": 0, "replies_count": 0,
                              "reblog": null, "sensitive": false, "language": "en"}})
        })
        .collect();
    let notes = json!(notes);
    serve(Arc::new(move |r: &Request| match r.path.as_str() {
        "/api/v1/accounts/verify_credentials" => Response::json(
            200,
            &json!({"id": "1", "username": "brand", "acct": "brand", "display_name": "Brand"}),
        ),
        "/api/v1/instance" | "/api/v2/instance" => {
            Response::json(200, &json!({"version": "4.3.0", "uri": "127.0.0.1"}))
        }
        "/api/v1/notifications" if r.param("min_id").is_none() => Response::json(200, &notes),
        "/api/v1/notifications" | "/api/v1/conversations" => Response::json(200, &json!([])),
        _ => Response::json(404, &json!({"error": "not found"})),
    }))
}

/// Wall time (ms) and peak RSS (MB) of a command. With GNU time (`apt install time`): it
/// forks from a process of a few hundred kB, so the child's peak is the command's own. The
/// Python fallback starts the command with `vfork`, and Linux counts the parent's resident
/// memory in the child's peak at `exec` (about 13 MB of Python): a floor under small
/// programs, not their use.
fn measure(args: &[&str], envs: &[(&str, &Path)]) -> Option<(f64, f64)> {
    if Path::new(GNU_TIME).is_file() {
        return measure_gnu_time(args, envs);
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/perf/measure.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut it = text.split_whitespace();
    let ms: f64 = it.next()?.parse().ok()?;
    let kb: f64 = it.next()?.parse().ok()?;
    (it.next()? == "0").then_some((ms, kb / 1024.0))
}

pub fn run() {
    let server = fake();
    let dir = tempfile::tempdir().expect("dir");
    let (cfg, data) = (dir.path().join("cfg"), dir.path().join("data"));
    let bin = env!("CARGO_BIN_EXE_tinbox");
    let tin_env = [
        ("TINBOX_CONFIG_DIR", cfg.as_path()),
        ("TINBOX_DATA_DIR", data.as_path()),
    ];
    let mut add = Command::new(bin);
    add.args([
        "account",
        "add",
        "mastodon",
        "--instance",
        &server.url(),
        "--name",
        "brand",
        "--token-stdin",
    ])
    .envs(tin_env.iter().map(|(k, v)| (*k, *v)))
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::null());
    let Ok(mut child) = add.spawn() else {
        println!("7. skipped: cannot run {bin}");
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        use std::io::Write;
        let _ = stdin.write_all(b"token\n");
    }
    let _ = child.wait();
    let before = server.requests().len();
    let sync = measure(&[bin, "sync", "--once"], &tin_env);
    let first_requests = server.requests().len() - before;
    let list = measure(&[bin, "list", "--json", "--limit", "40"], &tin_env);
    let (Some(sync), Some(list)) = (sync, list) else {
        println!("7. tinbox against the loopback server failed");
        return;
    };
    let before = server.requests().len();
    let again = measure(&[bin, "sync", "--once"], &tin_env);
    let unchanged = server.requests().len() - before;
    println!(
        "7. requests: a first sync --once {first_requests}, an unchanged one {unchanged} (target ≤ 2){}",
        match again {
            Some((ms, _)) => format!(", in {ms:.0} ms"),
            None => " (it failed)".into(),
        }
    );
    let toot = which("toot");
    let toot_figure = toot.as_deref().and_then(|toot| {
        let home = dir.path().join("toot");
        let host = server.addr.to_string();
        std::fs::create_dir_all(home.join("toot")).ok()?;
        let config = json!({
            "apps": {host.clone(): {"instance": host, "base_url": server.url(), "client_id": "x", "client_secret": "y"}},
            "users": {format!("brand@{host}"): {"instance": host, "username": "brand", "access_token": "token"}},
            "active_user": format!("brand@{host}"),
        });
        std::fs::write(home.join("toot/config.json"), config.to_string()).ok()?;
        measure(&[toot, "notifications"], &[("XDG_CONFIG_HOME", home.as_path())])
    });
    let (tin_ms, tin_mb) = (sync.0 + list.0, sync.1.max(list.1));
    match toot_figure {
        Some((ms, mb)) => println!(
            "7. 50 mentions from a loopback Mastodon server: tinbox sync {:.0} ms + list --json --limit 40 {:.0} ms, {tin_mb:.1} MB peak; toot notifications {ms:.0} ms, {mb:.1} MB; toot/tinbox time {:.1}× (target ≥ 10×), tinbox's peak RSS {:.0} % of toot's (target ≤ 25 %); measured with {}",
            sync.0,
            list.0,
            ms / tin_ms,
            100.0 * tin_mb / mb,
            method()
        ),
        None => println!(
            "7. 50 mentions from a loopback Mastodon server: tinbox sync {:.0} ms + list --json --limit 40 {:.0} ms, {tin_mb:.1} MB peak; toot not measured ({})",
            sync.0,
            list.0,
            if toot.is_some() {
                "toot failed"
            } else {
                "not installed: pip install toot"
            }
        ),
    }
}

const GNU_TIME: &str = "/usr/bin/time";

fn measure_gnu_time(args: &[&str], envs: &[(&str, &Path)]) -> Option<(f64, f64)> {
    let out = tempfile::NamedTempFile::new().ok()?;
    let mut cmd = Command::new(GNU_TIME);
    cmd.args(["-f", "%e %M %x", "-o"])
        .arg(out.path())
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    // GNU time prints hundredths of a second: the wall time is ours.
    let t = std::time::Instant::now();
    cmd.status().ok()?;
    let ms = t.elapsed().as_secs_f64() * 1000.0;
    let text = std::fs::read_to_string(out.path()).ok()?;
    let mut it = text.split_whitespace();
    let _secs = it.next()?;
    let kb: f64 = it.next()?.parse().ok()?;
    (it.next()? == "0").then_some((ms, kb / 1024.0))
}

/// How the figure was measured.
pub fn method() -> &'static str {
    if Path::new(GNU_TIME).is_file() {
        "GNU time"
    } else {
        "measure.py (vfork: Python's ~13 MB is a floor under tinbox's peak; apt install time)"
    }
}

fn which(name: &str) -> Option<String> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.is_file())
            .map(|p| p.display().to_string())
    })
}
