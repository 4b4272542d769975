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
