//! One answer per customer message, from every entry point, with real processes: two
//! `tinbox reply` at once (on one SQLite store, and as two teammates on a PostgreSQL store)
//! post once; a reply to an answered message stops with exit code 4 unless `--again`;
//! `ctrl-c` during a send says the reply stays queued, and it is posted once.

mod support;

use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::fake_mastodon::{FakeMastodon, Fault, account, connect, status};
use support::team::TeamDb;
use support::{Sandbox, stderr, stdout};

fn customer_writes(fake: &FakeMastodon) {
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
}

fn only_item(list: &str) -> String {
    let items: Value = serde_json::from_str(list).expect("list --json");
    assert_eq!(items.as_array().map(Vec::len), Some(1), "{items}");
    items[0]["id"].as_str().expect("id").to_string()
}

fn piped(mut c: std::process::Command) -> Child {
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tinbox")
}

fn posts(fake: &FakeMastodon) -> usize {
    fake.server.count("POST", "/api/v1/statuses")
}

/// A customer's DM synced, and `tinbox reply --yes` to it whose POST has reached a server
/// that takes 1.5 s to answer: the entry is `sending`, by a live program.
fn a_reply_in_flight() -> (FakeMastodon, Sandbox, String, Child) {
    let fake = FakeMastodon::start();
    customer_writes(&fake);
    let sb = connect(&fake);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let id = only_item(&stdout(&sb.run(&["list", "--json"])));
    fake.fault_on("POST", "/api/v1/statuses", Fault::Delay(1500));
    let mut c = sb.cmd();
    c.args(["reply", &id, "--text", "Refund is on its way.", "--yes"]);
    let child = piped(c);
    wait_until("the post to reach the server", || posts(&fake) == 1);
    (fake, sb, id, child)
}

/// Two outputs of racing replies: exactly one sent, the other stopped (exit 4) naming who.
fn one_sent_one_stopped(a: Output, b: Output, who: &[&str]) {
    let (sent, stopped) = match (a.status.code(), b.status.code()) {
        (Some(0), Some(4)) => (a, b),
        (Some(4), Some(0)) => (b, a),
        codes => panic!(
            "exit codes {codes:?}:\n{}{}\n{}{}",
            stdout(&a),
            stderr(&a),
            stdout(&b),
            stderr(&b)
        ),
    };
    assert!(stdout(&sent).contains("Sent:"), "{}", stdout(&sent));
    let told = stdout(&stopped);
    assert!(
        told.contains("Not sent:") && told.contains("--again") && told.contains("at "),
        "{told}"
    );
    assert!(
        who.iter().any(|w| told.contains(&format!("Not sent: {w}"))),
        "names who: {told}"
    );
}

#[test]
fn two_replies_at_once_on_one_store_post_once() {
    let fake = FakeMastodon::start();
    customer_writes(&fake);
    let sb = connect(&fake);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let id = only_item(&stdout(&sb.run(&["list", "--json"])));

    let reply = |text: &str| {
        let mut c = sb.cmd();
        c.args(["reply", &id, "--text", text, "--yes"]);
        piped(c)
    };
    let (a, b) = (
        reply("Refund is on its way."),
        reply("We are looking into it."),
    );
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    one_sent_one_stopped(a, b, &["me"]);
    assert_eq!(posts(&fake), 1, "exactly one POST");
    assert_eq!(fake.with(|s| s.posted.len()), 1);
}

#[test]
fn a_reply_to_an_answered_message_stops_and_again_sends_a_second() {
    let fake = FakeMastodon::start();
    customer_writes(&fake);
    let sb = connect(&fake);
    assert!(sb.run(&["sync", "--once"]).status.success());
    let id = only_item(&stdout(&sb.run(&["list", "--json"])));
    let first = sb.run(&["reply", &id, "--text", "Refund is on its way.", "--yes"]);
    assert!(
        first.status.success(),
        "{}{}",
        stdout(&first),
        stderr(&first)
    );

    let again = sb.run(&["reply", &id, "--text", "Refund is on its way.", "--yes"]);
    assert_eq!(
        again.status.code(),
        Some(4),
        "{}{}",
        stdout(&again),
        stderr(&again)
    );
    assert!(
        stdout(&again).contains("me already replied") && stdout(&again).contains("--again"),
        "{}",
        stdout(&again)
    );
    assert_eq!(posts(&fake), 1, "nothing more posted");

    let deliberate = sb.run(&[
        "reply",
        &id,
        "--text",
        "One more thing.",
        "--yes",
        "--again",
    ]);
    assert!(
        deliberate.status.success(),
        "{}{}",
        stdout(&deliberate),
        stderr(&deliberate)
    );
    assert_eq!(posts(&fake), 2, "--again posts a second message");
}

#[test]
fn ctrl_c_during_a_send_says_it_stays_queued_and_it_is_posted_once() {
    // The server takes its time with the post; the user presses ctrl-c meanwhile.
    let (fake, sb, id, child) = a_reply_in_flight();
    let int = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(int.success());
    let out = child.wait_with_output().expect("reply");
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stdout(&out).contains("Interrupted: the reply stays queued"),
        "never silent: {}",
        stdout(&out)
    );

    // Running the same command again does not queue (or post) a second reply.
    let rerun = sb.run(&["reply", &id, "--text", "Refund is on its way.", "--yes"]);
    assert_eq!(
        rerun.status.code(),
        Some(4),
        "{}{}",
        stdout(&rerun),
        stderr(&rerun)
    );
    assert!(
        stdout(&rerun).contains("is sending a reply"),
        "{}",
        stdout(&rerun)
    );
    assert_eq!(posts(&fake), 1);

    // The server finishes the first post; the next sync sends the entry once more with its
    // key, and the server answers with the post it already has.
    wait_until("the server to create the status", || {
        fake.with(|s| s.posted.len()) == 1
    });
    let sync = sb.run(&["sync", "--once"]);
    assert!(sync.status.success(), "{}{}", stdout(&sync), stderr(&sync));
    assert!(
        stdout(&sync).contains("outbox: reply to #"),
        "{}",
        stdout(&sync)
    );
    assert_eq!(fake.with(|s| s.posted.len()), 1, "exactly one post exists");
    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", &id, "--json"]))).expect("show");
    assert_eq!(shown["status"], "replied");
}

#[test]
fn a_sync_while_a_reply_is_sending_leaves_the_entry_to_it() {
    let (fake, sb, _, child) = a_reply_in_flight();
    // The entry is `sending`, by a live program: a sync meanwhile does not post it again.
    let sync = sb.run(&["sync", "--once"]);
    assert!(sync.status.success(), "{}{}", stdout(&sync), stderr(&sync));
    assert_eq!(posts(&fake), 1, "{}", stdout(&sync));
    let out = child.wait_with_output().expect("reply");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Sent:"), "{}", stdout(&out));
    assert!(!stdout(&sb.run(&["sync", "--once"])).contains("outbox:"));
    assert_eq!(posts(&fake), 1, "exactly one POST");
}

#[test]
fn two_teammates_replying_at_once_post_once() {
    let Some(db) = TeamDb::create() else {
        eprintln!("skipped: set TINBOX_PG_URL to a PostgreSQL server (.ci/postgres start)");
        return;
    };
    let fake = FakeMastodon::start();
    customer_writes(&fake);
    let kim = db.responder("kim", &fake.url());
    let lee = db.responder("lee", &fake.url());
    let run = |sb: &Sandbox, args: &[&str]| {
        let out = db.run(sb, args);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            stdout(&out),
            stderr(&out)
        );
        out
    };
    run(&kim, &["db", "migrate"]);
    run(&kim, &["sync", "--once"]);
    let id = only_item(&stdout(&run(&lee, &["list", "--json"])));

    let reply =
        |sb: &Sandbox, text: &str| piped(db.cmd(sb, &["reply", &id, "--text", text, "--yes"]));
    let (a, b) = (
        reply(&kim, "Refund is on its way."),
        reply(&lee, "Looking into it."),
    );
    let (a, b) = (
        a.wait_with_output().expect("kim"),
        b.wait_with_output().expect("lee"),
    );
    one_sent_one_stopped(a, b, &["kim", "lee"]);
    assert_eq!(posts(&fake), 1, "exactly one POST");
}

fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
