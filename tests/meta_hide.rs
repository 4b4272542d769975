//! Moderation, never deletion, with the real binary against the fake Graph server:
//! `tinbox hide` hides a Facebook comment (`is_hidden=true`) and an Instagram comment
//! (`hide=true`) at `POST /{comment}`, and the item becomes ignored with what was done in its
//! history; a DM, a demo item and an unconfirmed hide are refused before any network call; a
//! call Graph refuses leaves the item as it was. In the inbox (a pseudo-terminal), `h` asks,
//! and `y` hides the comment and says so in the status bar.

mod support;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use support::fake_graph::{FakeGraph, connect_with, connected};
use support::pty::PtyApp;
use support::{Sandbox, stderr, stdout};

/// Connected and synced: every recorded comment and message is an item.
fn synced() -> Option<(Sandbox, FakeGraph, Vec<Value>)> {
    let (sb, fake) = connected()?;
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let items = sb.items();
    Some((sb, fake, items))
}

fn find<'a>(items: &'a [Value], account: &str, kind: &str) -> &'a Value {
    items
        .iter()
        .find(|i| i["account"] == account && i["kind"] == kind)
        .expect("an item like that")
}

fn id(item: &Value) -> &str {
    item["id"].as_str().expect("id")
}

/// `show --json`: the item with its history.
fn show(sb: &Sandbox, id: &str) -> Value {
    let out = sb.run(&["show", id, "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("json")
}

fn whys(item: &Value) -> Vec<String> {
    item["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|h| h["why"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn form(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[test]
fn a_facebook_and_an_instagram_comment_are_hidden_and_ignored() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let cases = [
        ("brand-fb", "is_hidden", "facebook", Some("spam")),
        ("brand-ig", "hide", "instagram", None),
    ];
    for (account, param, network, reason) in cases {
        fake.state.lock().expect("state").posts.clear();
        let comment = find(&items, account, "comment");
        let mut args = vec!["hide", id(comment), "--yes"];
        if let Some(r) = reason {
            args.extend(["--reason", r]);
        }
        let out = sb.run(&args);
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        assert!(stdout(&out).contains("not deleted"), "{}", stdout(&out));
        let posts = fake.posts();
        assert_eq!(posts.len(), 1, "one POST: {posts:?}");
        let remote = comment["remote_id"].as_str().expect("remote_id");
        assert_eq!(posts[0].0, remote, "the comment's own node");
        assert_eq!(form(&posts[0].1), vec![(param, "true")]);

        let after = show(&sb, id(comment));
        assert_eq!(after["status"], "ignored");
        let said = match reason {
            Some(r) => format!("hidden on {network}: {r}"),
            None => format!("hidden on {network}"),
        };
        assert_eq!(whys(&after).last(), Some(&said), "{after}");
    }
}

#[test]
fn a_dm_is_refused_before_any_network_call() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let dm = find(&items, "brand-fb", "dm");
    let before = fake.server.requests().len();
    let out = sb.run(&["hide", id(dm), "--yes"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("direct message"), "{}", stderr(&out));
    assert_eq!(
        fake.server.requests().len(),
        before,
        "nothing reached Graph"
    );
    assert_eq!(show(&sb, id(dm))["status"], "new");
}

#[test]
fn without_a_terminal_it_wants_yes() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let comment = find(&items, "brand-fb", "comment");
    let out = sb.run(&["hide", id(comment)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(fake.posts().is_empty());
    assert_eq!(show(&sb, id(comment))["status"], "new");
}

#[test]
fn a_refused_call_leaves_the_item_as_it_was() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let comment = find(&items, "brand-ig", "comment");
    fake.state.lock().expect("state").fault = Some((
        403,
        json!({"error": {"message": "(#200) Requires instagram_manage_comments permission",
                         "type": "OAuthException", "code": 200}}),
        Vec::new(),
    ));
    let out = sb.run(&["hide", id(comment), "--yes", "--reason", "abuse"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("Not hidden") && err.contains("left as it was"),
        "{err}"
    );
    let after = show(&sb, id(comment));
    assert_eq!(after["status"], "new");
    assert!(
        !whys(&after).iter().any(|w| w.starts_with("hidden")),
        "{after}"
    );
}

#[test]
fn a_network_without_hiding_says_so() {
    let sb = Sandbox::new();
    sb.write_config("[accounts.demo]\nchannel = \"demo\"\n");
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let items = sb.items();
    let item = items.first().expect("demo items");
    let out = sb.run(&["hide", id(item), "--yes"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("demo has no way to hide a post; tinbox never deletes"),
        "{}",
        stderr(&out)
    );
    assert_ne!(show(&sb, id(item))["status"], "ignored");
}

#[test]
fn h_in_the_inbox_asks_then_hides_the_comment() {
    // The default backfill: the recorded (years old) items come in as done, except the
    // comment served as ten minutes old, which is the one open item.
    let Some((sb, fake)) = connect_with("", false) else {
        return;
    };
    let recent = Timestamp::now()
        .checked_sub(SignedDuration::from_mins(10))
        .expect("time")
        .strftime("%Y-%m-%dT%H:%M:%S+0000")
        .to_string();
    let comment = "17844360649889631";
    fake.state
        .lock()
        .expect("state")
        .retime
        .push((comment.into(), recent));
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&[], &envs, 120, 30);
    app.wait_text("@ikroskun");
    app.send("h");
    app.wait_text("Hide this comment by @ikroskun on instagram?");
    assert!(fake.posts().is_empty(), "nothing before the answer");
    app.send("y");
    app.wait_text("Hidden on instagram");
    let posts = fake.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].0, comment);
    assert_eq!(form(&posts[0].1), vec![("hide", "true")]);
    app.send("q");
    assert!(app.wait_exit());
    let hidden = all_items(&sb)
        .into_iter()
        .find(|i| i["remote_id"] == comment)
        .expect("the comment");
    let after = show(&sb, id(&hidden));
    assert_eq!(after["status"], "ignored");
    assert_eq!(
        whys(&after).last().map(String::as_str),
        Some("hidden on instagram")
    );
}

fn all_items(sb: &Sandbox) -> Vec<Value> {
    let out = sb.run(&["list", "--json", "--all"]);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_str::<Value>(&stdout(&out))
        .expect("json")
        .as_array()
        .cloned()
        .unwrap_or_default()
}
