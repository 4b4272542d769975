//! The headless commands, run as a user's script would run them.

mod support;

use std::collections::HashSet;

use serde_json::Value;
use support::{Sandbox, stderr, stdout};

const DEMO_CONFIG: &str = "[accounts.demo]\nchannel = \"demo\"\n";

fn list_json(sb: &Sandbox, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["list", "--json"];
    args.extend_from_slice(extra);
    let out = sb.run(&args);
    assert!(out.status.success(), "list failed: {}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("list --json is JSON");
    v.as_array().expect("an array").clone()
}

#[test]
fn sync_once_then_list_and_show() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    let out = sb.run(&["sync", "--once"]);
    assert!(
        out.status.success(),
        "sync failed: {} {}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains("demo: synced"), "{}", stdout(&out));

    let items = list_json(&sb, &[]);
    assert!(
        items.len() >= 10,
        "demo community should bring at least 10 items, got {}",
        items.len()
    );
    let states: HashSet<_> = items
        .iter()
        .map(|i| i["timer"]["state"].as_str().unwrap_or("").to_string())
        .collect();
    for s in ["ok", "warn", "breached"] {
        assert!(states.contains(s), "no {s} timer among {states:?}");
    }
    assert!(
        items.iter().any(|i| i["kind"] == "dm"),
        "a DM is among the demo items"
    );
    for i in &items {
        assert_eq!(i["channel"], "demo");
        assert!(i["id"].as_str().is_some_and(|s| s.parse::<i64>().is_ok()));
        assert!(
            i["created_at"]
                .as_str()
                .is_some_and(|s| s.parse::<jiff::Timestamp>().is_ok())
        );
    }
    // Most urgent first: the first item has the least time left.
    assert_eq!(items[0]["timer"]["state"], "breached");

    // A second sync adds no duplicates.
    assert!(sb.run(&["sync", "--once"]).status.success());
    let again = list_json(&sb, &[]);
    let remote: HashSet<_> = again
        .iter()
        .map(|i| i["remote_id"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(remote.len(), again.len(), "remote ids are unique");
    assert!(again.len() >= items.len());

    let id = items[0]["id"].as_str().expect("id");
    let out = sb.run(&["show", id, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: Value = serde_json::from_str(&stdout(&out)).expect("show --json is JSON");
    assert_eq!(v["id"], id);
    assert!(v["thread"].as_array().is_some_and(|t| !t.is_empty()));
    assert_eq!(v["history"][0]["to"], "new");

    let out = sb.run(&["show", id]);
    assert!(stdout(&out).contains("History:"), "{}", stdout(&out));

    let table = stdout(&sb.run(&["list", "--limit", "3"]));
    assert_eq!(
        table.lines().count(),
        4,
        "a header and three rows:\n{table}"
    );

    let out = sb.run(&["show", "999999"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("999999"), "{}", stderr(&out));
}

#[test]
fn list_filters_by_status_and_account() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    assert!(list_json(&sb, &["--status", "done"]).is_empty());
    assert!(list_json(&sb, &["--account", "nobody"]).is_empty());
    assert_eq!(list_json(&sb, &["--limit", "2"]).len(), 2);
    let out = sb.run(&["list", "--status", "bogus"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown status 'bogus' (expected: new, replied, "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn limit_keeps_the_most_urgent_and_replied_items_are_hidden_unless_asked() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let ids = |items: &[Value]| -> Vec<String> {
        items
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_string())
            .collect()
    };
    let all = list_json(&sb, &[]);
    let top = list_json(&sb, &["--limit", "3"]);
    assert_eq!(ids(&top), ids(&all[..3]), "the three most urgent");
    assert_eq!(top[0]["timer"]["state"], "breached");
    // A replied item leaves the default list (as its help says) and is back with --all.
    let id = all[0]["id"].as_str().expect("id");
    assert!(
        sb.run(&["reply", id, "--text", "On it.", "--yes"])
            .status
            .success()
    );
    assert!(!ids(&list_json(&sb, &[])).contains(&id.to_string()));
    assert!(ids(&list_json(&sb, &["--all"])).contains(&id.to_string()));
    assert!(ids(&list_json(&sb, &["--status", "replied"])).contains(&id.to_string()));
    let help = stdout(&sb.run(&["list", "--help"]));
    assert!(
        help.contains("replied, done and ignored ones only with --status or --all")
            && help.contains("the N most urgent"),
        "{help}"
    );
}

#[test]
fn broken_config_is_named_and_nothing_starts() {
    let sb = Sandbox::new();
    let path = sb.write_config("theme = \"default\"\n\n[sla]\nwarn = \"15m\"\nbreech = \"1h\"\n");
    let out = sb.run(&["list"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("breech"), "names the key: {err}");
    assert!(err.contains(":5"), "names the line: {err}");
    assert!(
        err.contains(
            &path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .to_string()
        ),
        "names the file: {err}"
    );
}

#[test]
fn a_config_file_named_but_missing_is_an_error() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    let missing = sb.dir.path().join("tinbox-typo.toml");
    let missing = missing.to_str().expect("utf-8 path");
    let out = sb.run(&["--config", missing, "list"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("tinbox-typo.toml") && err.contains("no such file"),
        "{err}"
    );
}

#[test]
fn print_paths_follows_env_and_writes_nothing() {
    let sb = Sandbox::new();
    let out = sb.run(&["--print-paths"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(
        text.contains(&sb.config_dir().display().to_string()),
        "{text}"
    );
    assert!(
        text.contains(&sb.data_dir().display().to_string()),
        "{text}"
    );
    assert!(
        !sb.config_dir().exists(),
        "nothing is written into the config dir unasked"
    );
}

#[test]
fn inbox_without_accounts_explains_what_to_do() {
    let sb = Sandbox::new();
    let out = sb.run(&[]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("terminal") || err.contains("--demo"), "{err}");
}

#[test]
fn status_line_and_exit_codes_for_monitoring() {
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    let out = sb.run(&["status"]);
    assert_eq!(
        (out.status.code(), stdout(&out).trim()),
        (Some(0), "0 open · 0 warn · 0 breached")
    );
    assert!(sb.run(&["sync", "--once"]).status.success());
    let out = sb.run(&["status"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the demo starts with breached items"
    );
    let line = stdout(&out);
    assert!(
        line.contains("12 open") && line.contains("3 breached"),
        "{line}"
    );
    let v: Value = serde_json::from_str(&stdout(&sb.run(&["status", "--json"]))).expect("json");
    assert_eq!(
        (v["breached"].as_u64(), v["exit_code"].as_u64()),
        (Some(3), Some(2))
    );
    // A failing account wins: exit 3, named in the line.
    let mut cfg = DEMO_CONFIG.to_string();
    cfg.push_str("\n[accounts.brand]\nchannel = \"mastodon\"\ninstance = \"http://127.0.0.1:9\"\n");
    sb.write_config(&cfg);
    std::fs::write(
        sb.config_dir().join("secrets.toml"),
        "[brand]\ntoken = \"t\"\n",
    )
    .expect("secrets");
    std::fs::set_permissions(
        sb.config_dir().join("secrets.toml"),
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .expect("chmod");
    assert_eq!(sb.run(&["sync", "--once"]).status.code(), Some(1));
    let out = sb.run(&["status"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stdout(&out).contains("brand ✗"), "{}", stdout(&out));
}

#[test]
fn watch_prints_a_json_line_per_event() {
    use std::io::{BufRead, BufReader};
    let sb = Sandbox::new();
    sb.write_config(DEMO_CONFIG);
    let mut child = sb
        .cmd()
        .args(["watch", "--json"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn watch");
    let mut new = Vec::new();
    for l in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let v: Value = serde_json::from_str(&l.expect("line")).expect("each line is JSON");
        assert!(
            v["at"]
                .as_str()
                .is_some_and(|t| t.parse::<jiff::Timestamp>().is_ok())
        );
        if v["event"] == "new" {
            new.push(v);
            if new.len() == 12 {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        new.iter()
            .all(|v| v["account"] == "demo" && v["item"].as_str().is_some())
    );
    assert!(new.iter().any(|v| v["kind"] == "dm"));
    assert!(new.iter().all(|v| {
        !v["text"]
            .as_str()
            .unwrap_or("")
            .chars()
            .any(char::is_control)
    }));
}

#[test]
fn a_second_tinbox_on_the_same_store_is_refused_clearly() {
    let sb = Sandbox::new();
    sb.write_config("[accounts.d]\nchannel = \"demo\"\npoll = \"1h\"\n");
    let mut first = sb
        .cmd()
        .arg("sync")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("first sync");
    // Wait until the first one is polling (it prints a line per sync).
    let mut line = String::new();
    let mut reader = std::io::BufReader::new(first.stdout.take().expect("stdout"));
    std::io::BufRead::read_line(&mut reader, &mut line).expect("first line");
    assert!(line.contains("d: synced"), "{line}");

    let second = sb.run(&["sync"]);
    assert!(!second.status.success());
    let err = stderr(&second);
    assert!(
        err.contains("another tinbox is already using") && err.contains("tinbox sync (pid "),
        "{err}"
    );
    let watch = sb.run(&["watch"]);
    assert!(!watch.status.success() && stderr(&watch).contains("already using"));
    // A one-off sync (cron) still polls, and leaves the outbox to the running one.
    let once = sb.run(&["sync", "--once"]);
    assert!(once.status.success(), "{}", stderr(&once));
    assert!(
        stdout(&once).contains("left to the tinbox that is running"),
        "{}",
        stdout(&once)
    );
    // Reading works alongside.
    assert!(sb.run(&["list"]).status.success());

    first.kill().expect("kill");
    first.wait().expect("wait");
    // The lock goes with the process, even killed.
    let once = sb.run(&["sync", "--once"]);
    assert!(!stdout(&once).contains("left to"), "{}", stdout(&once));
}

#[test]
fn templates_are_listed_and_sharing_needs_a_team_store() {
    let sb = Sandbox::new();
    sb.write_config("[templates]\nrefund = \"Hi {name}, the refund is on its way.\"\n");
    std::fs::create_dir_all(sb.config_dir().join("templates")).expect("mkdir");
    std::fs::write(
        sb.config_dir().join("templates/delay.txt"),
        "Sorry {name}, it is running late.\n",
    )
    .expect("write");
    let out = sb.run(&["template", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("delay") && text.contains("refund") && text.contains("Hi {name}, the refund"),
        "{text}"
    );
    let out = sb.run(&["template", "share", "refund"]);
    assert!(
        !out.status.success() && stderr(&out).contains("team store"),
        "{}",
        stderr(&out)
    );
}

/// The README says what the behaviour above holds: `list` hides replied items too, and a
/// one-off sync runs beside a running inbox.
#[test]
fn readme_says_what_list_hides_and_that_sync_once_runs_alongside() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    assert!(
        readme.contains("replied, done and ignored items only with `--status` or `--all`"),
        "the list row says replied items are hidden"
    );
    assert!(
        readme.contains("and so does `sync --once`"),
        "the lock paragraph says a one-off sync runs alongside"
    );
}
