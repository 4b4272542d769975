//! YouTube end to end with the real binary against the fake YouTube server serving the
//! recorded corpus: `sync --once` brings every comment of the served pages (paging, inlined
//! and fetched replies, the held one marked, ours left out) with the quota counted as Google
//! counts it; a spent quota waits for the next day while another account syncs; replies go
//! to comments.insert under the top-level comment, once; the device flow connects.

mod support;

use serde_json::{Value, json};
use support::fake_youtube::{
    CHANNEL, CLIENT_ID, CLIENT_SECRET, FakeYoutube, HELD_ID, PAGED_PARENT, REFRESH, TOKEN,
    account_toml, connect_with, meter_units, read, sync_ok, thread_page,
};
use support::{Sandbox, stderr, stdout};

/// Comments the fake serves that are not ours: every thread's top-level comment and inlined
/// replies over the three pages, the three recorded replies of the paged thread, the held one.
fn expected(fake: &FakeYoutube) -> usize {
    let mut n = 0;
    let mut token: Option<String> = None;
    loop {
        let p = thread_page(&fake.dir, token.as_deref());
        for t in p["items"].as_array().expect("items") {
            let top = &t["snippet"]["topLevelComment"]["snippet"];
            n += usize::from(top["authorChannelId"]["value"] != CHANNEL);
            n += t["replies"]["comments"].as_array().map_or(0, Vec::len);
        }
        match p["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let replies = [
        "comments/comments_by_parent_paged_1.json",
        "comments/comments_by_parent_paged_2.json",
    ]
    .iter()
    .map(|f| read(&fake.dir, f)["items"].as_array().map_or(0, Vec::len))
    .sum::<usize>();
    n + replies + 1
}

/// A reply in the thread whose replies come in two pages.
fn in_paged_thread(i: &Value) -> bool {
    i["remote_id"]
        .as_str()
        .is_some_and(|r| r.starts_with(&format!("{PAGED_PARENT}.")))
}

fn mine(items: &[Value], account: &str) -> Vec<Value> {
    items
        .iter()
        .filter(|i| i["account"] == account)
        .cloned()
        .collect()
}

#[test]
fn sync_brings_every_comment_once_and_counts_the_quota() {
    let Some((sb, fake)) = connect_with("backfill = \"all\"\n") else {
        return;
    };
    sync_ok(&sb);
    let items = mine(&sb.items(), "yt");
    assert_eq!(expected(&fake), 19);
    assert_eq!(items.len(), 19, "{items:#?}");
    assert!(
        items
            .iter()
            .all(|i| i["kind"] == "comment" && i["channel"] == "youtube")
    );
    let held = items
        .iter()
        .find(|i| i["remote_id"] == HELD_ID)
        .expect("the held comment");
    assert_eq!(held["text"], "[held for review] Where is my refund?");
    // Our own top-level comment (the recorded insert) is not an item.
    assert!(
        items
            .iter()
            .all(|i| i["remote_id"] != "Ugx_5P8rmn4vKbN6wwt4AaABAg")
    );
    let paged = items.iter().filter(|i| in_paged_thread(i)).count();
    assert_eq!(paged, 3, "both pages of replies were read");
    let link = items
        .iter()
        .find(|i| i["remote_id"] == "Ugy4OzAuz5uJuFt3FH54AaABAg")
        .expect("item");
    assert_eq!(
        link["url"],
        "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=Ugy4OzAuz5uJuFt3FH54AaABAg"
    );
    // Three pages of threads, the held list, four reply lists (two pages for one thread),
    // one batch of video titles: 9 units, in the meter as at Google.
    assert_eq!(fake.units(TOKEN), 9);
    assert_eq!(meter_units(&sb, "yt"), 9);
    let reqs = fake.server.requests();
    let paged_threads = reqs
        .iter()
        .filter(|r| r.path.ends_with("/commentThreads") && r.param("pageToken").is_some())
        .count();
    assert_eq!(paged_threads, 2);
    assert!(
        reqs.iter().all(|r| r.query.iter().all(|(_, v)| v != TOKEN)),
        "token only in a header"
    );
    let titles = reqs.iter().filter(|r| r.path.ends_with("/videos")).count();
    assert_eq!(titles, 1, "titles in one batch");

    // Again: the first page of each list reaches what was seen; nothing twice, 2 units.
    sync_ok(&sb);
    assert_eq!(mine(&sb.items(), "yt").len(), 19);
    assert_eq!(meter_units(&sb, "yt"), 11);
    assert_eq!(fake.units(TOKEN), 11);
    // `account list` says it, read from the meter without asking the network.
    let out = sb.run(&["account", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(listed.contains("11 of 10,000 units today"), "{listed}");
    assert_eq!(fake.units(TOKEN), 11);
}

#[test]
fn a_spent_quota_waits_for_the_next_day_while_another_account_syncs() {
    let Some((sb, fake)) = connect_with("backfill = \"all\"\n") else {
        return;
    };
    {
        let mut st = fake.state.lock().expect("state");
        st.valid.push("yt-spent-token".into());
        st.exhausted.push("yt-spent-token".into());
    }
    let cfg = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&cfg).expect("config");
    text.push_str(&account_toml(&fake, "yt-spent", "yt-spent-token"));
    std::fs::write(&cfg, text).expect("config");

    let out = sb.run(&["sync", "--once"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(!out.status.success(), "{all}");
    assert!(all.contains("yt-spent: error: rate limited until"), "{all}");
    assert!(all.contains("yt: synced"), "{all}");
    assert_eq!(mine(&sb.items(), "yt").len(), 19);
    assert!(mine(&sb.items(), "yt-spent").is_empty());
    // Spent as far as Google is concerned: the meter says the whole day's quota.
    assert_eq!(meter_units(&sb, "yt-spent"), 10_000);
    // The next run does not ask YouTube again today.
    let before = fake.api_requests();
    let out = sb.run(&["sync", "--once", "--account", "yt-spent"]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("rate limited until"),
        "{}",
        stdout(&out)
    );
    assert_eq!(fake.api_requests(), before);
}

#[test]
fn polling_stops_at_the_reserve_and_stores_nothing_half_read() {
    // A quota of 10 units keeps 2 for replies: the 9-unit first poll cannot finish.
    let Some((sb, fake)) = connect_with("backfill = \"all\"\n") else {
        return;
    };
    let cfg = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    std::fs::write(&cfg, format!("{text}daily_quota = 10\n")).expect("config");
    let out = sb.run(&["sync", "--once"]);
    assert!(!out.status.success());
    assert!(
        stdout(&out).contains("yt: error: rate limited until"),
        "{}",
        stdout(&out)
    );
    assert!(
        mine(&sb.items(), "yt").is_empty(),
        "nothing of a half poll is stored"
    );
    let spent = meter_units(&sb, "yt");
    assert_eq!(spent, fake.units(TOKEN));
    assert_eq!(spent, 8, "stopped with the reserve left");
    // The next run does not poll again today.
    let before = fake.api_requests();
    assert!(!sb.run(&["sync", "--once"]).status.success());
    assert_eq!(fake.api_requests(), before);
}

fn synced() -> Option<(Sandbox, FakeYoutube, Vec<Value>)> {
    let (sb, fake) = connect_with("backfill = \"all\"\n")?;
    sync_ok(&sb);
    let items = mine(&sb.items(), "yt");
    Some((sb, fake, items))
}

fn reply(sb: &Sandbox, item: &Value, text: &str) -> String {
    let id = item["id"].as_str().expect("id");
    let out = sb.run(&["reply", id, "--text", text, "--yes"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{all}");
    all
}

#[test]
fn a_reply_goes_under_the_top_level_comment_and_costs_52_units() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let answer = items
        .iter()
        .find(|i| in_paged_thread(i))
        .expect("a reply in the paged thread");
    let before = meter_units(&sb, "yt");
    reply(&sb, answer, "Thanks, we are looking into it");
    let inserts = fake.inserts();
    assert_eq!(
        inserts,
        vec![
            json!({"snippet": {"parentId": PAGED_PARENT, "textOriginal": "Thanks, we are looking into it"}})
        ]
    );
    let post = fake
        .server
        .requests()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("post");
    assert_eq!(post.path, "/youtube/v3/comments");
    assert_eq!(post.param("part"), Some("snippet"));
    // The thread's replies (two pages: is ours there already?) and the insert.
    assert_eq!(meter_units(&sb, "yt") - before, 52);
    assert_eq!(fake.units(TOKEN), meter_units(&sb, "yt"));
}

#[test]
fn our_reply_already_in_the_thread_is_not_posted_again() {
    let Some((sb, fake, items)) = synced() else {
        return;
    };
    let top = items
        .iter()
        .find(|i| i["remote_id"] == "UgyZ1jqkHKYvi1-ruOZ4AaABAg")
        .expect("item");
    // As if a crash came after YouTube took the reply and before tinbox recorded it.
    let now = jiff::Timestamp::now().to_string();
    fake.state.lock().expect("state").existing.push(json!({
        "kind": "youtube#comment", "id": "UgyZ1jqkHKYvi1-ruOZ4AaABAg.ourEarlierReply",
        "snippet": {"textOriginal": "Once only", "textDisplay": "Once only",
            "parentId": "UgyZ1jqkHKYvi1-ruOZ4AaABAg", "authorDisplayName": "ikaros data",
            "authorChannelId": {"value": CHANNEL}, "publishedAt": now, "updatedAt": now}
    }));
    let out = reply(&sb, top, "Once only");
    assert!(out.contains("ourEarlierReply"), "{out}");
    assert!(fake.inserts().is_empty(), "not posted twice");
}

#[test]
fn the_device_flow_waits_while_pending_then_keeps_the_refresh_token() {
    let Some((sb, fake)) = connect_with("") else {
        return;
    };
    sb.write_config("");
    fake.state.lock().expect("state").pending = 2;
    let (api, oauth) = (fake.api_url(), fake.server.url());
    let args = [
        "account",
        "add",
        "youtube",
        "--channel-id",
        CHANNEL,
        "--client-id",
        CLIENT_ID,
        "--api-url",
        &api,
        "--oauth-url",
        &oauth,
        "--name",
        "brand-yt",
    ];
    let out = sb.run_with_stdin(&args, &format!("{CLIENT_SECRET}\n"));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{all}");
    assert!(
        all.contains("enter WXYZ-PQRS at https://www.google.com/device"),
        "{all}"
    );
    assert!(
        all.contains("Connected brand-yt: YouTube channel ikaros data"),
        "{all}"
    );
    assert!(
        !all.contains(REFRESH) && !all.contains(CLIENT_SECRET),
        "{all}"
    );
    let grants = |g: &str| {
        let st = fake.state.lock().expect("state");
        st.oauth
            .iter()
            .filter(|(_, f)| f.iter().any(|(k, v)| k == "grant_type" && v == g))
            .count()
    };
    // Two "authorization_pending" answers, then the tokens.
    assert_eq!(grants("urn:ietf:params:oauth:grant-type:device_code"), 3);
    let text = sb.secrets();
    assert!(text.contains(REFRESH) && text.contains(CLIENT_SECRET));
    let config = std::fs::read_to_string(sb.config_dir().join("config.toml")).expect("config");
    assert!(config.contains(CHANNEL) && config.contains(CLIENT_ID) && !config.contains(REFRESH));

    // Syncing renews the access token from the refresh token, and again after a 401.
    let refreshes = grants("refresh_token");
    fake.state.lock().expect("state").expire_next = true;
    let out = sync_ok(&sb);
    assert!(out.contains("brand-yt: synced"), "{out}");
    assert_eq!(grants("refresh_token") - refreshes, 2);
}
