//! A reply in flight when tinbox is killed (SIGKILL) is delivered exactly once after restart.

mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fake_mastodon::{FakeMastodon, Fault, account, connect, status};
use support::{stderr, stdout};

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigkill_while_sending_then_restart_posts_exactly_once() {
    let fake = FakeMastodon::start();
    fake.mention(
        11,
        status(
            "110000000000000002",
            account("78", "zoe", "Zoë"),
            "<p>I was charged twice</p>",
            "direct",
            None,
        ),
    );
    let sb = connect(&fake);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let list: Value = serde_json::from_str(&stdout(&sb.run(&["list", "--json"]))).expect("json");
    let id = list[0]["id"].as_str().expect("id").to_string();

    // The server takes its time with the post; tinbox is killed while it waits.
    fake.fault_on("POST", "/api/v1/statuses", Fault::Delay(1500));
    let mut child = sb
        .cmd()
        .args(["reply", &id, "--text", "Refund is on its way.", "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn reply");
    wait_until("the post to reach the server", || {
        fake.server.count("POST", "/api/v1/statuses") == 1
    });
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    // The server finishes the post the client never heard back about.
    wait_until("the server to create the status", || {
        fake.with(|s| s.posted.len()) == 1
    });
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", &id, "--json"]))).expect("show");
    assert_eq!(
        shown["status"], "new",
        "tinbox does not know yet that it was sent"
    );

    // Restart: the entry left `sending` goes out again with the same key.
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("outbox: reply to #"),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        fake.with(|s| s.posted.len()),
        1,
        "exactly one post exists on the server"
    );
    let keys: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/statuses")
        .map(|r| r.header("idempotency-key").unwrap_or("").to_string())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[0], keys[1],
        "the retry used the key chosen before the crash"
    );
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", &id, "--json"]))).expect("show");
    assert_eq!(shown["status"], "replied");
    let ours: Vec<_> = shown["thread"]
        .as_array()
        .expect("thread")
        .iter()
        .filter(|e| e["outbound"] == true)
        .collect();
    assert_eq!(ours.len(), 1, "recorded once");
    // A second sync has nothing left to send.
    assert!(!stdout(&sb.run(&["sync", "--once"])).contains("outbox:"));
}
