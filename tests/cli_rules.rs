//! Rules and alerts from the config, applied by the real binary as items arrive.

mod support;

use support::fake_mastodon::{FakeMastodon, account, connect, status};
use support::{stderr, stdout};

const RULES: &str = r#"
[[rules]]
name = "billing"
keywords = ["refund", "charged twice"]
tags = ["billing"]
assign = "sam"

[[rules]]
name = "vip"
authors = ["@kim@example.social"]
priority = "high"
tags = ["vip"]
alert = true

[[rules]]
name = "spam"
regex = "(?i)free\\s+crypto"
spam = true

[[rules]]
name = "influencer"
followers_over = 10000
tags = ["influencer"]
priority = "high"

[[alerts]]
name = "outage"
keywords = ["down"]
count = 2
window = "10m"
"#;

#[test]
fn rules_tag_assign_hide_and_alert_on_arrival() {
    let fake = FakeMastodon::start();
    let kim = account("11", "kim@example.social", "Kim");
    let bot = account("12", "bot@spam.example", "Bot");
    let mut ana = account("13", "ana@example.social", "Ana");
    // Mastodon reports each author's follower count with the post.
    ana["followers_count"] = serde_json::json!(52_000);
    fake.mention(
        10,
        status("100", kim, "<p>I was charged twice!</p>", "public", None),
    );
    fake.mention(
        11,
        status("101", bot, "<p>FREE crypto for all</p>", "public", None),
    );
    fake.mention(
        12,
        status(
            "102",
            ana.clone(),
            "<p>Is the app down?</p>",
            "public",
            None,
        ),
    );
    fake.mention(
        13,
        status(
            "103",
            ana.clone(),
            "<p>Site is down for me</p>",
            "public",
            None,
        ),
    );
    let sb = connect(&fake);
    let config = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(RULES);
    std::fs::write(&config, text).expect("write");

    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let said = stdout(&out);
    assert!(
        said.contains("brand: ALERT vip: @kim@example.social"),
        "{said}"
    );
    assert!(
        !said.contains("outage"),
        "two items are not more than two: {said}"
    );

    let all = sb.run(&["list", "--json", "--all"]);
    let items: serde_json::Value = serde_json::from_str(&stdout(&all)).expect("json");
    let by_remote = |id: &str| {
        items
            .as_array()
            .expect("array")
            .iter()
            .find(|i| i["remote_id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("{id} in {items}"))
    };
    let kim = by_remote("100");
    assert_eq!(kim["tags"], serde_json::json!(["billing", "vip"]));
    assert_eq!(kim["assignee"], "sam");
    assert_eq!(kim["priority"], "high");
    assert_eq!(by_remote("101")["status"], "ignored");
    assert_eq!(by_remote("102")["tags"], serde_json::json!(["influencer"]));
    assert_eq!(by_remote("102")["priority"], "high");
    assert_eq!(
        kim["tags"],
        serde_json::json!(["billing", "vip"]),
        "no follower count: not an influencer"
    );

    let shown = sb.run(&["show", kim["id"].as_str().expect("id"), "--json"]);
    let shown = stdout(&shown);
    assert!(
        shown.contains("rule billing") && shown.contains("rule vip"),
        "{shown}"
    );

    // A third "down" within ten minutes crosses the spike threshold: one alert.
    let ana = account("13", "ana@example.social", "Ana");
    fake.mention(
        14,
        status("104", ana, "<p>Everything is down</p>", "public", None),
    );
    let out = sb.run(&["sync", "--once"]);
    let said = stdout(&out);
    assert!(
        said.contains("ALERT outage: 3 items in the last 10 min (more than 2)"),
        "{said}"
    );
}

#[test]
fn a_broken_rule_names_its_place() {
    let sb = support::Sandbox::new();
    sb.write_config("[[rules]]\nname = \"x\"\nregex = \"(unclosed\"\ntags = [\"a\"]\n");
    let out = sb.run(&["list"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("config.toml:3:") && err.contains("rules[0].regex"),
        "{err}"
    );

    sb.write_config("[[rules]]\nname = \"nothing\"\nkeywords = [\"a\"]\n");
    let err = stderr(&sb.run(&["list"]));
    assert!(err.contains("does nothing"), "{err}");
}
