//! tinbox against a real local Bluesky network (PLC, PDS, AppView from the official npm
//! packages; see ../shared/bsky-lab). `.ci/run` starts it and sets `BSKY_PDS_URL`; without it
//! these tests say they are skipped.

mod support;

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use support::bsky_lab::{Lab, Ref, User, wait_for};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::bluesky::session::MemorySessions;
use tinbox::channels::bluesky::{BlueskyChannel, BlueskyOptions};
use tinbox::channels::{Channel, ReplyRequest};
use tinbox::model::Visibility;

const WAIT: Duration = Duration::from_secs(30);

macro_rules! lab_or_skip {
    () => {
        match Lab::from_env() {
            Some(lab) => lab,
            None => {
                eprintln!("skipped: BSKY_PDS_URL is not set (see ../shared/bsky-lab)");
                return;
            }
        }
    };
}

/// A sandbox with `brand` connected through `tinbox account add bluesky`.
fn connect(lab: &Lab, brand: &User) -> Sandbox {
    let sb = Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "bluesky",
            "--handle",
            &brand.handle,
            "--service",
            &lab.pds,
            "--name",
            "brand",
            "--password-stdin",
        ],
        &format!("{}\n", brand.app_password),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Connected brand"), "{}", stdout(&out));
    sb
}

/// Sync until the post `uri` is an item.
fn wait_item(lab: &Lab, sb: &Sandbox, uri: &str) -> Value {
    wait_for(&format!("{uri} in tinbox list"), WAIT, || {
        lab.process_all();
        let out = sb.run(&["sync", "--once"]);
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        sb.items().into_iter().find(|i| i["remote_id"] == uri)
    })
}

/// The notification `u` gets for a reply by `from` whose parent is `parent` (its reason is
/// `mention` when the reply also mentions `u`).
fn wait_reply_notification(lab: &Lab, u: &User, from: &User, parent: &str, reason: &str) -> Value {
    wait_for("the reply notification", WAIT, || {
        lab.process_all();
        lab.notifications(u).into_iter().find(|n| {
            n["reason"] == reason
                && n["author"]["did"] == from.did.as_str()
                && n["record"]["reply"]["parent"]["uri"] == parent
        })
    })
}

fn secrets(sb: &Sandbox) -> toml::Table {
    let text = std::fs::read_to_string(sb.config_dir().join("secrets.toml")).expect("secrets");
    toml::from_str(&text).expect("toml")
}

fn set_secret(sb: &Sandbox, key: &str, value: Option<&str>) {
    let mut t = secrets(sb);
    let acc = t
        .get_mut("brand")
        .and_then(|v| v.as_table_mut())
        .expect("brand");
    match value {
        Some(v) => {
            acc.insert(key.into(), toml::Value::String(v.into()));
        }
        None => {
            acc.remove(key);
        }
    }
    std::fs::write(
        sb.config_dir().join("secrets.toml"),
        toml::to_string(&t).expect("toml"),
    )
    .expect("write");
}

#[test]
fn a_mention_arrives_and_replies_land_in_the_thread() {
    let lab = lab_or_skip!();
    let (brand, cust) = (lab.new_user("brand"), lab.new_user("cust"));
    let sb = connect(&lab, &brand);

    let mention = lab.post(
        &cust,
        &format!("@{} my order #4411 never arrived 😡", brand.handle),
        Some(&brand),
        None,
    );
    let item = wait_item(&lab, &sb, &mention.uri);
    assert_eq!(item["kind"], "mention");
    assert_eq!(item["channel"], "bluesky");
    assert_eq!(item["author"]["handle"], format!("@{}", cust.handle));
    assert!(
        item["text"]
            .as_str()
            .expect("text")
            .contains("#4411 never arrived 😡")
    );

    // Reply through tinbox, mentioning the customer: root and parent are the mention.
    let text = format!("Sorry @{}! Which email did you order with?", cust.handle);
    let out = sb.run(&[
        "reply",
        item["id"].as_str().expect("id"),
        "--text",
        &text,
        "--yes",
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("Sent: at://"), "{}", stdout(&out));
    let n = wait_reply_notification(&lab, &cust, &brand, &mention.uri, "mention");
    let rec = &n["record"];
    assert_eq!(rec["text"], text);
    assert_eq!(rec["reply"]["root"]["uri"], mention.uri);
    assert_eq!(rec["reply"]["root"]["cid"], mention.cid);
    let facet = &rec["facets"][0];
    assert_eq!(facet["features"][0]["did"], cust.did);
    let start = facet["index"]["byteStart"].as_u64().expect("start") as usize;
    let end = facet["index"]["byteEnd"].as_u64().expect("end") as usize;
    assert_eq!(&text[start..end], format!("@{}", cust.handle));
    let ours = Ref {
        uri: n["uri"].as_str().expect("uri").into(),
        cid: n["cid"].as_str().expect("cid").into(),
    };

    // The customer answers our reply: a `reply` item in the same thread; our answer to it
    // keeps the thread's root and names their post as parent.
    let answer = lab.post(
        &cust,
        "It was kim@example.com",
        None,
        Some((&mention, &ours)),
    );
    let item2 = wait_item(&lab, &sb, &answer.uri);
    assert_eq!(item2["kind"], "reply");
    let out = sb.run(&[
        "reply",
        item2["id"].as_str().expect("id"),
        "--text",
        "Found it, a new parcel ships today.",
        "--yes",
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let n2 = wait_reply_notification(&lab, &cust, &brand, &answer.uri, "reply");
    assert_eq!(n2["record"]["reply"]["root"]["uri"], mention.uri);
    assert_eq!(n2["record"]["reply"]["parent"]["cid"], answer.cid);

    // The thread as tinbox shows it: the mention, our reply, their answer, our answer.
    let out = sb.run(&["show", item2["id"].as_str().expect("id"), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(
        shown.contains("kim@example.com") && shown.contains("Found it"),
        "{shown}"
    );
}

#[test]
fn an_expired_session_is_renewed_without_the_user_noticing() {
    let lab = lab_or_skip!();
    let (brand, cust) = (lab.new_user("brand"), lab.new_user("cust"));
    let sb = connect(&lab, &brand);
    // Access tokens carry no nonce (a refresh in the same second gives the same one); refresh
    // tokens do, so a renewed session shows in the refresh token.
    let first = secrets(&sb)["brand"]["refresh_jwt"]
        .as_str()
        .expect("jwt")
        .to_string();

    // The access token is refused (the network says 400 InvalidToken): refreshed.
    set_secret(&sb, "access_jwt", Some("eyJhbGciOiJIUzI1NiJ9.e30.bad"));
    let m = lab.post(
        &cust,
        &format!("@{} hello?", brand.handle),
        Some(&brand),
        None,
    );
    wait_item(&lab, &sb, &m.uri);
    let kept = secrets(&sb);
    let access = kept["brand"]["access_jwt"].as_str().expect("jwt");
    assert!(
        access.starts_with("eyJ") && !access.ends_with(".bad"),
        "{access}"
    );
    assert_ne!(kept["brand"]["refresh_jwt"].as_str(), Some(first.as_str()));

    // Both tokens are refused: tinbox logs in again with the stored app password.
    set_secret(&sb, "access_jwt", Some("x"));
    set_secret(&sb, "refresh_jwt", Some("y"));
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        secrets(&sb)["brand"]["refresh_jwt"]
            .as_str()
            .expect("r")
            .starts_with("eyJ")
    );

    // Without a password there is no way back in: a clear message and exit code 1.
    set_secret(&sb, "access_jwt", Some("x"));
    set_secret(&sb, "refresh_jwt", Some("y"));
    set_secret(&sb, "app_password", None);
    let out = sb.run(&["sync", "--once"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("account add bluesky"), "{all}");
}

#[test]
fn a_retried_reply_is_posted_once() {
    let lab = lab_or_skip!();
    let (brand, cust) = (lab.new_user("brand"), lab.new_user("cust"));
    let m = lab.post(
        &cust,
        &format!("@{} ping", brand.handle),
        Some(&brand),
        None,
    );
    let pw = brand.app_password.clone();
    let ch = BlueskyChannel::new(
        &lab.pds,
        &brand.handle,
        Some(Arc::new(move || Ok(pw.clone()))),
        Arc::new(MemorySessions::default()),
        BlueskyOptions::default(),
    )
    .expect("channel");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    lab.process_all();
    let req = ReplyRequest {
        in_reply_to: m.uri.clone(),
        thread_root: m.uri.clone(),
        visibility: Visibility::Public,
        text: "pong".into(),
        idempotency_key: "tinbox-1-0123456789abcdef".into(),
        queued_at: jiff::Timestamp::now(),
    };
    let a = rt.block_on(ch.send_reply(&req)).expect("first attempt");
    let b = rt
        .block_on(ch.send_reply(&req))
        .expect("a retry of the same reply");
    assert_eq!(a.remote_id, b.remote_id);
    let posts = lab.posts_of(&brand);
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0]["value"]["text"], "pong");

    // A post that does not exist: a clear, permanent error.
    let gone = ReplyRequest {
        in_reply_to: format!("{}x", m.uri),
        idempotency_key: "tinbox-1-fedcba9876543210".into(),
        ..req
    };
    let e = rt.block_on(ch.send_reply(&gone)).expect_err("unknown post");
    assert!(
        !e.is_transient() && e.to_string().contains("no longer exists"),
        "{e}"
    );
}

#[test]
fn the_inbox_answers_a_bluesky_mention_from_the_composer() {
    let lab = lab_or_skip!();
    let (brand, cust) = (lab.new_user("brand"), lab.new_user("cust"));
    let sb = connect(&lab, &brand);
    let mention = lab.post(
        &cust,
        &format!("@{} the app logs me out every hour", brand.handle),
        Some(&brand),
        None,
    );
    wait_item(&lab, &sb, &mention.uri);
    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = support::pty::PtyApp::spawn(&[], &envs, 120, 30);
    app.wait_text("the app l");
    app.send("r");
    // Bluesky counts graphemes against 300, and the audience is said before sending.
    app.wait_text("/300");
    app.wait_text("public");
    app.send("Thanks! A fix ships tonight 🛠️");
    app.wait_text("ships tonight");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    // `reply`, or `mention` when the composer's prefix names the customer.
    let n = wait_for("the reply notification", WAIT, || {
        lab.process_all();
        lab.notifications(&cust).into_iter().find(|n| {
            n["author"]["did"] == brand.did.as_str()
                && n["record"]["reply"]["parent"]["uri"] == mention.uri.as_str()
        })
    });
    assert!(
        n["record"]["text"]
            .as_str()
            .expect("text")
            .ends_with("Thanks! A fix ships tonight 🛠️"),
        "{n}"
    );
    assert_eq!(n["record"]["reply"]["root"]["uri"], mention.uri);
    app.send("q");
    assert!(app.wait_exit());
}
