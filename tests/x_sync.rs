//! X end to end with the real binary against the fake X server serving the recorded pages:
//! `sync --once` brings every mention and DM of the chained pages (exact counts), the user id
//! is asked once, the read budget counts every post and event returned (in `account list`),
//! a budget near its end reads one page, a spent one reads nothing and says why, a 429 waits
//! while the other accounts sync, and the PIN flow connects with OAuth 1.0a.

mod support;

use serde_json::Value;
use support::fake_x::{
    ACCESS, CONSUMER_KEY, CONSUMER_SECRET, DM_PAGES, FakeX, MENTION_PAGES, PIN, TOKEN,
    connect_with, corpus,
};
use support::{Sandbox, stderr, stdout};

fn count(items: &[Value], account: &str, kind: &str) -> usize {
    items
        .iter()
        .filter(|i| i["account"] == account && i["kind"] == kind)
        .count()
}

fn set_budget(sb: &Sandbox, account: &str, budget: u64) {
    let cfg = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    let header = format!("[accounts.{account}]\n");
    let text = text.replace(
        &header,
        &format!("{header}monthly_read_budget = {budget}\n"),
    );
    std::fs::write(&cfg, text).expect("config");
}

fn account_list(sb: &Sandbox) -> String {
    let out = sb.run(&["account", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn sync_brings_every_mention_and_dm_and_counts_the_reads() {
    let Some((sb, fake)) = connect_with("", "brand-x") else {
        return;
    };
    set_budget(&sb, "brand-x", 1000);
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let mentions = fake.data_len(MENTION_PAGES);
    let dms = fake.data_len(DM_PAGES);
    assert_eq!((mentions, dms), (20, 4));
    let items = sb.items();
    assert_eq!(count(&items, "brand-x", "mention"), mentions);
    assert_eq!(count(&items, "brand-x", "dm"), dms);
    assert_eq!(items.len(), mentions + dms);
    // Every recorded page was asked for, then the empty one after the last token.
    assert_eq!(
        fake.count("GET", "/2/users/1072250532645998596/mentions"),
        4
    );
    assert_eq!(fake.count("GET", "/2/dm_events"), 3);
    let emoji = items
        .iter()
        .any(|i| i["text"].as_str().is_some_and(|t| t.contains('🥱')));
    assert!(emoji, "surrogate pairs arrive as emoji");
    assert!(
        account_list(&sb).contains("24 of 1,000 reads this month"),
        "one read per post and DM event"
    );

    // Again: the user id is remembered, mentions start after the newest seen (none new), and
    // the DM list stops at the first event already seen (its first page: 2 more reads).
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        fake.count("GET", "/2/users/me"),
        2,
        "once per add, once per account's first sync"
    );
    let since: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter_map(|r| r.param("since_id").map(String::from))
        .collect();
    assert_eq!(
        since,
        ["1578522401263919106"],
        "the newest of the three pages"
    );
    // The first sync asked for the default backfill (24 h) only: older posts cost reads.
    let starts: Vec<String> = fake
        .server
        .requests()
        .iter()
        .filter_map(|r| r.param("start_time").map(String::from))
        .collect();
    assert_eq!(starts.len(), 4, "every page of the first sync: {starts:?}");
    let start: jiff::Timestamp = starts[0].parse().expect("an RFC 3339 time");
    let back = jiff::Timestamp::now().duration_since(start).as_secs();
    assert!(
        (24 * 3600 - 120..=24 * 3600 + 120).contains(&back),
        "{back}"
    );
    assert_eq!(sb.items().len(), 24, "nothing twice");
    assert!(account_list(&sb).contains("26 of 1,000 reads this month"));
}

#[test]
fn near_the_budget_one_page_is_read_and_at_it_none() {
    let Some((sb, fake)) = connect_with("", "brand-x") else {
        return;
    };
    set_budget(&sb, "brand-x", 1000);
    let usage = sb.config_dir().join("usage");
    std::fs::create_dir_all(&usage).expect("dir");
    let month = jiff::Timestamp::now().strftime("%Y-%m").to_string();
    let seed = |used: u64| {
        std::fs::write(
            usage.join("brand-x.json"),
            format!("{{\"period\":\"{month}\",\"used\":{used}}}"),
        )
        .expect("seed")
    };
    // 90 % spent: one page of each list (a full sync asks for four and three).
    seed(900);
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(
        fake.count("GET", "/2/users/1072250532645998596/mentions"),
        1
    );
    assert_eq!(fake.count("GET", "/2/dm_events"), 1);
    assert_eq!(sb.items().len(), 10 + 2);
    assert!(account_list(&sb).contains("912 of 1,000 reads this month"));
    // Spent: nothing is read, and the message says what to do.
    seed(1000);
    let n = fake.server.requests().len();
    let out = sb.run(&["sync", "--once"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("monthly read budget is spent") && all.contains("monthly_read_budget"),
        "{all}"
    );
    assert_eq!(fake.server.requests().len(), n, "no request at all");
}

#[test]
fn a_429_waits_for_the_reset_while_the_other_accounts_sync() {
    let Some(dir) = corpus() else {
        return;
    };
    let (limited, fine) = (FakeX::start(&dir), FakeX::start(&dir));
    limited.state.lock().expect("state").limited = Some(600);
    let sb = Sandbox::new();
    sb.write_config("[accounts.demo]\nchannel = \"demo\"\n");
    support::fake_x::add(&sb, &limited, "brand-x");
    support::fake_x::add(&sb, &fine, "other-x");
    let out = sb.run(&["sync", "--once"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!out.status.success(), "{all}");
    assert!(
        all.contains("brand-x") && all.contains("rate limited until"),
        "{all}"
    );
    // Once: no retry inside the window.
    assert_eq!(
        limited.count("GET", "/2/users/1072250532645998596/mentions"),
        1
    );
    let items = sb.items();
    assert_eq!(count(&items, "other-x", "mention"), 20, "{all}");
    assert!(
        items.iter().any(|i| i["account"] == "demo"),
        "the demo synced too"
    );
    assert_eq!(count(&items, "brand-x", "mention"), 0);
    assert!(!all.contains(TOKEN));
}

#[test]
fn the_pin_flow_stores_the_access_token_and_signs_every_request() {
    let Some(dir) = corpus() else {
        return;
    };
    let fake = FakeX::start(&dir);
    let sb = Sandbox::new();
    sb.write_config("");
    let api = fake.api_url();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "x",
            "--consumer-key",
            CONSUMER_KEY,
            "--api-url",
            &api,
        ],
        &format!("{CONSUMER_SECRET}\n{PIN}\n"),
    );
    let o = stdout(&out);
    assert!(out.status.success(), "{o}{}", stderr(&out));
    assert!(
        o.contains(&format!("{api}/oauth/authorize?oauth_token=req-token")),
        "{o}"
    );
    assert!(o.contains("Connected tweepydev-x: @TweepyDev"), "{o}");
    assert!(
        !o.contains(CONSUMER_SECRET) && !o.contains(ACCESS),
        "no secret printed"
    );
    let secrets = std::fs::read_to_string(sb.config_dir().join("secrets.toml")).expect("secrets");
    assert!(
        secrets.contains(ACCESS) && secrets.contains("access-secret"),
        "{secrets}"
    );
    let cfg = std::fs::read_to_string(sb.config_dir().join("config.toml")).expect("config");
    assert!(
        cfg.contains("channel = \"x\"") && cfg.contains(CONSUMER_KEY),
        "{cfg}"
    );
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert_eq!(count(&sb.items(), "tweepydev-x", "mention"), 20);
    let api_calls = fake.server.requests();
    assert!(
        api_calls
            .iter()
            .filter(|r| r.path.starts_with("/2/"))
            .all(|r| r
                .header("authorization")
                .is_some_and(|h| h.starts_with("OAuth ") && h.contains("oauth_signature="))),
        "signed"
    );
}
