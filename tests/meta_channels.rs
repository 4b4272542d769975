//! Facebook and Instagram end to end with the real binary against the fake Graph server
//! serving the recorded corpus: connecting, `sync --once` bringing every comment and message
//! of the served pages (paging followed to the end), an expired token failing one account
//! clearly while the others sync.

mod support;

use serde_json::Value;
use support::fake_graph::{PAGE, TOKEN, connected, read};
use support::{stderr, stdout};

/// Items in a recorded page, nested `replies.data` included.
fn items_in(dir: &std::path::Path, file: &str) -> usize {
    read(dir, file)["data"].as_array().map_or(0, |a| {
        a.iter()
            .map(|c| 1 + c["replies"]["data"].as_array().map_or(0, Vec::len))
            .sum()
    })
}

fn count(items: &[Value], account: &str, kind: &str) -> usize {
    items
        .iter()
        .filter(|i| i["account"] == account && i["kind"] == kind)
        .count()
}

#[test]
fn sync_brings_every_comment_and_message_and_an_expired_token_fails_alone() {
    let Some((sb, fake)) = connected() else {
        return;
    };
    let dir = fake.dir.clone();
    // A third account whose token Graph no longer accepts.
    let cfg = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text.push_str(&format!(
        "\n[accounts.old-page]\nchannel = \"facebook\"\npage_id = \"{PAGE}\"\napi_url = \"{}\"\ntoken_cmd = \"printf expired-token\"\n",
        fake.api_url()
    ));
    std::fs::write(&cfg, text).expect("config");

    let out = sb.run(&["sync", "--once"]);
    let (o, e) = (stdout(&out), stderr(&out));
    assert!(!out.status.success(), "one account failed: {o}{e}");
    let all = format!("{o}{e}");
    assert_eq!(all.matches("code 190").count(), 1, "one clear error: {all}");
    assert!(
        all.contains("old-page") && all.contains("--token-stdin"),
        "{all}"
    );
    assert!(
        !all.contains(TOKEN) && !all.contains("expired-token"),
        "{all}"
    );

    let items = sb.items();
    let fb_comments = [
        "facebook/comments/comments_p1.json",
        "facebook/comments/comments_p2.json",
        "facebook/comments/comment_by_parent_p1.json",
        "facebook/comments/comment_by_parent_p2.json",
        "facebook/comments/comments.json",
    ]
    .iter()
    .map(|f| items_in(&dir, f))
    .sum::<usize>();
    assert_eq!(fb_comments, 27);
    assert_eq!(count(&items, "brand-fb", "comment"), fb_comments, "{o}");
    // Both recorded messages (one served per recorded conversation) are the same message
    // (same id, once with its text and once without): one item.
    assert_eq!(count(&items, "brand-fb", "dm"), 1);
    let ig_comments = [
        "instagram/comments/comment_default_p1.json",
        "instagram/comments/comment_default_p2.json",
        "instagram/medias/comments_p1.json",
        "instagram/medias/comments_p2.json",
    ]
    .iter()
    .map(|f| items_in(&dir, f))
    .sum::<usize>();
    assert_eq!(count(&items, "brand-ig", "comment"), ig_comments);
    let tagged = items_in(&dir, "instagram/mentions/tagged_user_medias_p1.json")
        + items_in(&dir, "instagram/mentions/tagged_user_medias_p2.json");
    assert_eq!(count(&items, "brand-ig", "mention"), tagged);
    assert_eq!(count(&items, "old-page", "comment"), 0);
    // Every request carried the token in its header, none in the URL.
    let reqs = fake.server.requests();
    assert!(reqs.iter().all(|r| r.query.iter().all(|(_, v)| v != TOKEN)));
    // Paging was followed: the second pages were asked for by cursor.
    let after = |path_end: &str| {
        reqs.iter()
            .filter(|r| r.path.ends_with(path_end) && r.query.iter().any(|(k, _)| k == "after"))
            .count()
    };
    assert!(after("/tags") >= 1 && after("/media") >= 1, "cursor paging");
    // Instagram DMs are read from the linked Page's conversations.
    let ig_inbox = reqs.iter().filter(|r| {
        r.path.ends_with(&format!("{PAGE}/conversations"))
            && r.query.contains(&("platform".into(), "instagram".into()))
    });
    assert_eq!(ig_inbox.count(), 1);
    assert_eq!(count(&items, "brand-ig", "dm"), 1, "the Instagram DM");

    // A second sync brings nothing twice.
    assert!(
        sb.run(&["sync", "--once", "--account", "brand-ig"])
            .status
            .success()
    );
    assert_eq!(sb.items().len(), items.len());
}

/// `account add` checks the token with Graph before it keeps anything: a token Graph refuses
/// (190) saves nothing and says how to get a new one; an accepted one lands in the 0600
/// secrets file, never in the config.
#[test]
fn account_add_checks_the_token_and_keeps_it_secret() {
    let Some(dir) = support::fake_graph::corpus() else {
        println!("skipped: ../shared/meta-corpus is not present");
        return;
    };
    let fake = support::fake_graph::FakeGraph::start(&dir);
    let sb = support::Sandbox::new();
    let api = fake.api_url();
    let args = [
        "account",
        "add",
        "facebook",
        "--page-id",
        PAGE,
        "--token-stdin",
        "--api-url",
        api.as_str(),
        "--name",
        "brand-fb",
    ];
    let out = sb.run_with_stdin(&args, "an-expired-token\n");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(err.contains("190") && err.contains("token"), "{err}");
    assert!(!err.contains("an-expired-token"), "{err}");
    assert!(
        !sb.config_dir().join("config.toml").exists(),
        "nothing saved"
    );
    assert!(
        !sb.config_dir().join("secrets.toml").exists(),
        "nothing saved"
    );

    let out = sb.run_with_stdin(&args, &format!("{TOKEN}\n"));
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(sb.secrets().contains(TOKEN));
    let config = std::fs::read_to_string(sb.config_dir().join("config.toml")).expect("config");
    assert!(
        config.contains("channel = \"facebook\"") && !config.contains(TOKEN),
        "{config}"
    );
}
