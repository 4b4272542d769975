//! A cheaper `sync --once`: the account's identity and the server's limits are remembered
//! between runs, so an unchanged Mastodon account costs two requests, and a changed token
//! or instance is asked again at once. The real binary against loopback fake servers that
//! log every request.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use support::fake_mastodon::{account, status};
use support::http::{Request, Response, Server, serve};
use support::{Sandbox, stderr, stdout};

/// Which account each token belongs to on the fake servers.
fn owner(req: &Request) -> Option<Value> {
    match req.header("authorization") {
        Some("Bearer tok-a") => Some(account("1", "brand", "Brand")),
        Some("Bearer tok-b") => Some(account("7", "care", "Brand Care")),
        _ => None,
    }
}

/// A Mastodon-API server with `notes` (ids as numbers, oldest first). `v2`: whether it has
/// `/api/v2/instance` (older servers only have v1, with Pleroma's `max_toot_chars`).
fn fake(notes: Arc<Mutex<Vec<Value>>>, v2: bool) -> Server {
    serve(Arc::new(move |req: &Request| {
        if owner(req).is_none() {
            return Response::json(401, &json!({"error": "The access token is invalid"}));
        }
        match req.path.as_str() {
            "/api/v1/accounts/verify_credentials" => {
                Response::json(200, &owner(req).unwrap_or(Value::Null))
            }
            "/api/v2/instance" if v2 => Response::json(
                200,
                &json!({"configuration": {"statuses": {"max_characters": 1000, "characters_reserved_per_url": 23}}}),
            ),
            "/api/v1/instance" => Response::json(200, &json!({"max_toot_chars": 5000})),
            "/api/v1/notifications" => {
                let min: u64 = req
                    .param("min_id")
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(0);
                let id = |n: &Value| n["id"].as_str().and_then(|i| i.parse::<u64>().ok());
                let page: Vec<Value> = notes
                    .lock()
                    .expect("notes")
                    .iter()
                    .rev()
                    .filter(|n| id(n).is_some_and(|i| i > min))
                    .cloned()
                    .collect();
                Response::json(200, &Value::Array(page))
            }
            "/api/v1/conversations" => Response::json(200, &json!([])),
            _ => Response::json(404, &json!({"error": "Record not found"})),
        }
    }))
}

fn mention(notes: &Mutex<Vec<Value>>, nid: u64, author: Value, text: &str) {
    let st = status(&format!("9{nid:05}"), author.clone(), text, "public", None);
    notes.lock().expect("notes").push(json!({
        "id": nid.to_string(), "type": "mention", "created_at": st["created_at"],
        "account": author, "status": st
    }));
}

fn configure(sb: &Sandbox, server: &Server, token: &str) {
    sb.write_config(&format!(
        "[accounts.brand]\nchannel = \"mastodon\"\ninstance = \"{}\"\ntoken_cmd = \"printf {token}\"\n",
        server.url()
    ));
}

/// Runs `sync --once` and returns the paths it asked `server` for, in order.
fn sync(sb: &Sandbox, server: &Server) -> Vec<String> {
    let before = server.requests().len();
    let out = sb.run(&["sync", "--once"]);
    assert!(
        out.status.success(),
        "sync: {}{}",
        stdout(&out),
        stderr(&out)
    );
    server.requests()[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect()
}

fn texts(sb: &Sandbox) -> Vec<String> {
    let mut t: Vec<String> = sb
        .items()
        .iter()
        .filter_map(|i| i["text"].as_str().map(String::from))
        .collect();
    t.sort();
    t
}

const VERIFY: &str = "/api/v1/accounts/verify_credentials";

#[test]
fn an_unchanged_account_costs_two_requests_and_a_new_token_is_asked_again() {
    let notes = Arc::new(Mutex::new(Vec::new()));
    let kim = account("2", "kim@x.invalid", "Kim");
    let care = account("7", "care", "Brand Care");
    mention(&notes, 10, kim.clone(), "<p>@brand where is my order?</p>");
    let server = fake(notes.clone(), true);
    let sb = Sandbox::new();
    configure(&sb, &server, "tok-a");

    let first = sync(&sb, &server);
    assert_eq!(
        first,
        [
            VERIFY,
            "/api/v2/instance",
            "/api/v1/notifications",
            "/api/v1/conversations"
        ],
        "a first sync asks who we are and the server's limits"
    );
    let second = sync(&sb, &server);
    assert_eq!(
        second,
        ["/api/v1/notifications", "/api/v1/conversations"],
        "nothing new: two requests"
    );
    assert_eq!(texts(&sb), ["@brand where is my order?"]);

    // Another token (another account of the brand's): who "we" are changes, and a post by
    // that account is ours, not a customer's. A remembered identity would list it.
    mention(&notes, 11, care.clone(), "<p>@kim we are on it</p>");
    mention(&notes, 12, kim, "<p>@brand thanks!</p>");
    configure(&sb, &server, "tok-b");
    let third = sync(&sb, &server);
    assert_eq!(third.first().map(String::as_str), Some(VERIFY), "{third:?}");
    assert_eq!(
        texts(&sb),
        ["@brand thanks!", "@brand where is my order?"],
        "our own post is not an item"
    );
    assert_eq!(
        sync(&sb, &server),
        ["/api/v1/notifications", "/api/v1/conversations"]
    );

    // Neither token is kept anywhere in the data dir (the cache keeps a fingerprint).
    for entry in std::fs::read_dir(sb.data_dir()).expect("data dir") {
        let path = entry.expect("entry").path();
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains("tok-a") && !text.contains("tok-b"),
                "{}",
                path.display()
            );
        }
    }
}

#[test]
fn another_instance_is_asked_again_and_v1_stands_in_for_a_missing_v2() {
    let notes = Arc::new(Mutex::new(Vec::new()));
    mention(
        &notes,
        10,
        account("2", "kim@x.invalid", "Kim"),
        "<p>hello</p>",
    );
    let (old, new) = (fake(notes.clone(), true), fake(notes, false));
    let sb = Sandbox::new();
    configure(&sb, &old, "tok-a");
    assert_eq!(sync(&sb, &old).len(), 4);
    assert_eq!(sync(&sb, &old).len(), 2);

    configure(&sb, &new, "tok-a");
    assert_eq!(
        sync(&sb, &new),
        [
            VERIFY,
            "/api/v2/instance",
            "/api/v1/instance",
            "/api/v1/notifications",
            "/api/v1/conversations"
        ],
        "a new instance: who we are and its limits (v1 where v2 is missing)"
    );
    assert_eq!(
        sync(&sb, &new),
        ["/api/v1/notifications", "/api/v1/conversations"],
        "the v1 limits are remembered too"
    );
    assert_eq!(old.requests().len(), 6, "the old server is left alone");
}
