//! The Mastodon path end to end, headless, with the real binary against a fake server:
//! connect an account, sync, list, reply through a 503.

mod support;

use std::os::unix::fs::PermissionsExt;

use serde_json::Value;
use support::fake_mastodon::{FakeMastodon, Fault, GOOD_CODE, TOKEN, account, status};
use support::{Sandbox, stderr, stdout};

fn connected() -> (Sandbox, FakeMastodon) {
    let fake = FakeMastodon::start();
    fake.mention(
        10,
        status(
            "110000000000000001",
            account("77", "kim@x.invalid", "Kim"),
            "<p>@brand where is my order?</p>",
            "public",
            None,
        ),
    );
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
    let sb = Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "mastodon",
            "--instance",
            &fake.url(),
            "--name",
            "brand",
        ],
        &format!("{GOOD_CODE}\n"),
    );
    assert!(
        out.status.success(),
        "account add: {}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(
        text.contains("/oauth/authorize?") && text.contains("Connected brand"),
        "{text}"
    );
    (sb, fake)
}

#[test]
fn connect_sync_list_and_reply_exactly_once() {
    let (sb, fake) = connected();
    assert!(sb.secrets().contains(TOKEN));
    let config = std::fs::read_to_string(sb.config_dir().join("config.toml")).expect("config");
    assert!(
        config.contains("[accounts.brand]") && !config.contains(TOKEN),
        "{config}"
    );

    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("brand: synced, 2 new"),
        "{}",
        stdout(&out)
    );

    let list = sb.items();
    assert_eq!(list.len(), 2);
    let dm = list.iter().find(|i| i["kind"] == "dm").expect("the DM");
    assert_eq!(dm["remote_id"], "110000000000000002");
    assert_eq!(dm["author"]["handle"], "@zoe@127.0.0.1");
    assert_eq!(dm["text"], "I was charged twice");
    assert_eq!(dm["channel"], "mastodon");
    let mention = list
        .iter()
        .find(|i| i["kind"] == "mention")
        .expect("the mention");
    assert_eq!(mention["author"]["name"], "Kim");
    assert!(!stdout(&sb.run(&["list", "--json"])).contains(TOKEN));

    // Without --yes and without a terminal, nothing is sent.
    let id = dm["id"].as_str().expect("id");
    let out = sb.run(&["reply", id, "--text", "Refund is on its way."]);
    assert!(
        !out.status.success() && stderr(&out).contains("--yes"),
        "{}",
        stderr(&out)
    );
    assert_eq!(fake.server.count("POST", "/api/v1/statuses"), 0);

    fake.fault_on("POST", "/api/v1/statuses", Fault::Status(503));
    let out = sb.run(&["reply", id, "--text", "Refund is on its way.", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("retrying") && stdout(&out).contains("Sent:"),
        "{}",
        stdout(&out)
    );
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(posted.len(), 1, "exactly one reply on the server");
    assert_eq!(posted[0]["visibility"], "direct", "a DM reply stays a DM");
    assert_eq!(posted[0]["in_reply_to_id"], "110000000000000002");
    assert_eq!(
        posted[0]["content"], "<p>@zoe@127.0.0.1 Refund is on its way.</p>",
        "a DM reaches only whom it mentions"
    );
    let keys: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter(|r| r.path == "/api/v1/statuses")
        .map(|r| r.header("idempotency-key").unwrap_or("").to_string())
        .collect();
    assert_eq!(keys.len(), 2);
    assert!(
        !keys[0].is_empty() && keys[0] == keys[1],
        "the retry reuses the key: {keys:?}"
    );

    let shown: Value =
        serde_json::from_str(&stdout(&sb.run(&["show", id, "--json"]))).expect("show");
    assert_eq!(shown["status"], "replied");
    assert_eq!(shown["timer"]["state"], "none");
    assert!(
        shown["thread"]
            .as_array()
            .expect("thread")
            .iter()
            .any(|e| e["outbound"] == true)
    );
    assert!(shown["draft"].is_null(), "the draft is gone once sent");

    let log = std::fs::read_to_string(sb.data_dir().join("tinbox.log")).unwrap_or_default();
    assert!(!log.contains(TOKEN), "the token never reaches the log");
}

#[test]
fn a_secrets_file_others_can_read_stops_tinbox() {
    let (sb, _fake) = connected();
    let secrets = sb.config_dir().join("secrets.toml");
    std::fs::set_permissions(&secrets, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = sb.run(&["sync", "--once"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("chmod 600"), "{}", stderr(&out));
}

#[test]
fn a_bad_code_or_plain_http_is_refused_clearly() {
    let fake = FakeMastodon::start();
    let sb = Sandbox::new();
    let out = sb.run_with_stdin(
        &["account", "add", "mastodon", "--instance", &fake.url()],
        "nope\n",
    );
    assert!(!out.status.success());
    assert!(stderr(&out).contains("invalid_grant"), "{}", stderr(&out));
    assert!(
        !sb.config_dir().join("config.toml").exists(),
        "nothing written on failure"
    );
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "mastodon",
            "--instance",
            "http://mastodon.example",
        ],
        "x\n",
    );
    assert!(
        !out.status.success() && stderr(&out).contains("https"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn token_from_stdin_and_account_list_and_remove() {
    let fake = FakeMastodon::start();
    let sb = Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "mastodon",
            "--instance",
            &fake.url(),
            "--token-stdin",
        ],
        &format!("{TOKEN}\n"),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("Connected brand"),
        "named after the handle: {}",
        stdout(&out)
    );
    let list = stdout(&sb.run(&["account", "list"]));
    assert!(
        list.contains("brand") && list.contains("mastodon") && list.contains("never synced"),
        "{list}"
    );
    let out = sb.run(&["account", "remove", "brand", "--yes"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !std::fs::read_to_string(sb.config_dir().join("secrets.toml"))
            .expect("secrets")
            .contains(TOKEN)
    );
}

#[test]
fn reply_with_a_template() {
    let (sb, fake) = connected();
    let cfg = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text = format!(
        "user = \"kim\"\n{text}\n[templates]\nrefund = \"Hi {{name}}, the refund is on its way. — {{agent}}\"\n"
    );
    std::fs::write(&cfg, text).expect("write");
    assert!(sb.run(&["sync", "--once"]).status.success());
    let list = sb.items();
    let dm = list.iter().find(|i| i["kind"] == "dm").expect("dm");
    let id = dm["id"].as_str().expect("id");
    let out = sb.run(&["reply", id, "--template", "nope", "--yes"]);
    assert!(
        !out.status.success() && stderr(&out).contains("refund"),
        "lists the templates: {}",
        stderr(&out)
    );
    let out = sb.run(&["reply", id, "--template", "refund", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let posted = fake.with(|s| s.posted.clone());
    assert_eq!(
        posted[0]["content"],
        "<p>@zoe@127.0.0.1 Hi Zoë, the refund is on its way. — kim</p>"
    );
}

#[test]
fn a_rate_limited_reply_stays_queued_and_is_not_hammered() {
    let (sb, fake) = connected();
    assert!(sb.run(&["sync", "--once"]).status.success());
    let list = sb.items();
    let id = list[0]["id"].as_str().expect("id");
    fake.fault_on("POST", "/api/v1/statuses", Fault::RateLimited);
    let out = sb.run(&["reply", id, "--text", "On it.", "--yes"]);
    assert!(!out.status.success());
    assert!(stdout(&out).contains("stays queued"), "{}", stdout(&out));
    // Until the reset, syncing does not send it again.
    assert!(sb.run(&["sync", "--once"]).status.success());
    assert_eq!(fake.server.count("POST", "/api/v1/statuses"), 1);
    assert_eq!(fake.with(|s| s.posted.len()), 0);
}

#[test]
fn a_slow_server_is_given_up_on_after_the_accounts_timeout() {
    let fake = FakeMastodon::start();
    let sb = support::fake_mastodon::connect(&fake);
    let config = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    // The account's own bound on each request, instead of the default 30 s.
    let text = text.replace("[accounts.brand]\n", "[accounts.brand]\ntimeout = \"1s\"\n");
    std::fs::write(&config, text).expect("write");
    fake.fault(support::fake_mastodon::Fault::Delay(4000));
    let out = sb.run(&["sync", "--once"]);
    // The server would have answered after 4 s: "timed out" means tinbox gave up first.
    assert!(!out.status.success());
    assert!(stdout(&out).contains("timed out"), "{}", stdout(&out));
}

#[test]
fn an_instance_without_a_scheme_means_https() {
    let sb = Sandbox::new();
    // Nothing listens on port 1: the point is which address tinbox tries, and that it tries.
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "mastodon",
            "--instance",
            "127.0.0.1:1",
            "--token-stdin",
        ],
        "t\n",
    );
    let err = stderr(&out);
    assert!(!out.status.success());
    assert!(
        err.contains("https://127.0.0.1:1") && !err.contains("relative URL"),
        "{err}"
    );
}
