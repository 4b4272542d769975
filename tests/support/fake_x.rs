//! A fake X API v2 on loopback serving the recorded corpus (`../shared/x-corpus/`): routes by
//! method and path, pages mentions and DM events by `pagination_token` (the recorded pages
//! chained by their own `next_token`s, then an empty page), answers 401 to unknown
//! credentials, records every write's JSON body, and serves the PIN flow's token endpoints
//! (not recorded upstream: built from X's OAuth 1.0a reference, form-encoded answers).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::http::{Request, Response, Server, serve};
use super::{Sandbox, stderr, stdout};

/// The OAuth 2.0 user token of `--token-stdin` accounts.
pub const TOKEN: &str = "x-test-user-token";
/// The PIN flow's app and user credentials.
pub const CONSUMER_KEY: &str = "test-consumer-key";
pub const CONSUMER_SECRET: &str = "test-consumer-secret";
pub const ACCESS: &str = "1072250532645998596-access";
pub const PIN: &str = "7654321";
/// The recorded `/2/users/me`: @TweepyDev.
pub const ME: &str = "1072250532645998596";

/// The mentions pages in the order their tokens chain them.
pub const MENTION_PAGES: &[&str] = &[
    "v2/mentions/test_client_get_users_mentions.0.json",
    "v2/mentions/test_asyncclient_get_users_mentions.0.json",
    "v2/mentions/test_client_get_users_mentions.2021-04-13.0.json",
];
/// The DM event pages, likewise.
pub const DM_PAGES: &[&str] = &[
    "v2/dm/test_manage_and_lookup_direct_messages.4.json",
    "v2/dm/test_asyncclient_manage_and_lookup_direct_messages.5.json",
    "v2/dm/test_manage_and_lookup_direct_messages.3.json",
];

pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/x-corpus");
    dir.join("index.json").is_file().then_some(dir)
}

pub fn read(dir: &Path, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(file)).expect(file)).expect(file)
}

#[derive(Default)]
pub struct State {
    /// Every write: (method, path, JSON body).
    pub writes: Vec<(String, String, Value)>,
    /// Answer every mentions request with a 429 whose window resets in this many seconds.
    pub limited: Option<i64>,
    /// Give the DM events a sender and a conversation (the recorded ones have neither; the
    /// fields are those of X's `dm_event.fields` reference).
    pub dm_sender: Option<String>,
    /// Serve the mentions' authors, times and conversations (the recorded default payloads
    /// carry none; the fields are those of X's `tweet.fields` reference).
    pub expand: bool,
}

pub struct FakeX {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
    pub dir: PathBuf,
}

impl FakeX {
    pub fn start(dir: &Path) -> FakeX {
        let state = Arc::new(Mutex::new(State::default()));
        let (s2, d2) = (state.clone(), dir.to_path_buf());
        let server = serve(Arc::new(move |req: &Request| route(&d2, &s2, req)));
        FakeX {
            server,
            state,
            dir: dir.to_path_buf(),
        }
    }
    pub fn api_url(&self) -> String {
        self.server.url()
    }
    pub fn writes(&self) -> Vec<(String, String, Value)> {
        self.state.lock().expect("state").writes.clone()
    }
    /// Requests to `path` by method, counted.
    pub fn count(&self, method: &str, path: &str) -> usize {
        self.server.count(method, path)
    }
    /// The number of objects in `data` over `files`.
    pub fn data_len(&self, files: &[&str]) -> usize {
        files
            .iter()
            .map(|f| {
                read(&self.dir, f)["response"]["body"]["data"]
                    .as_array()
                    .map_or(0, Vec::len)
            })
            .sum()
    }
}

/// A sandbox with `config` and one X account connected to the fake with a user token.
pub fn connect_with(config: &str, name: &str) -> Option<(Sandbox, FakeX)> {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/x-corpus is not present");
        return None;
    };
    let fake = FakeX::start(&dir);
    let sb = Sandbox::new();
    sb.write_config(config);
    add(&sb, &fake, name);
    Some((sb, fake))
}

pub fn add(sb: &Sandbox, fake: &FakeX, name: &str) {
    let api = fake.api_url();
    let args = [
        "account",
        "add",
        "x",
        "--token-stdin",
        "--api-url",
        &api,
        "--name",
        name,
    ];
    let out = sb.run_with_stdin(&args, &format!("{TOKEN}\n"));
    assert!(
        out.status.success(),
        "account add x: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains(&format!("Connected {name}")));
}

/// The recorded answer of `file`, with its status and rate-limit headers.
fn recorded(dir: &Path, file: &str) -> Response {
    let v = read(dir, file);
    let r = &v["response"];
    let mut resp = Response::raw(
        r["status"].as_u64().unwrap_or(200) as u16,
        "application/json; charset=utf-8",
        r["body_raw"].as_str().unwrap_or(""),
    );
    if let Some(h) = r["headers"].as_object() {
        for (k, vals) in h {
            if (k.starts_with("x-rate-limit") || k == "date" || k == "location")
                && let Some(first) = vals
                    .as_array()
                    .and_then(|a| a.first())
                    .and_then(Value::as_str)
            {
                resp = resp.with_header(k, first);
            }
        }
    }
    resp
}

/// The page after `token` in `pages` (the first without one), else an empty page.
fn paged<'a>(dir: &Path, pages: &[&'a str], token: Option<&str>) -> Option<&'a str> {
    let Some(t) = token else {
        return pages.first().copied();
    };
    let at = pages
        .iter()
        .position(|p| read(dir, p)["response"]["body"]["meta"]["next_token"].as_str() == Some(t))?;
    pages.get(at + 1).copied()
}

fn authorized(req: &Request) -> bool {
    let h = req.header("authorization").unwrap_or("");
    h == format!("Bearer {TOKEN}")
        || (h.starts_with("OAuth ")
            && h.contains(&format!("oauth_token=\"{ACCESS}\""))
            && h.contains(&format!("oauth_consumer_key=\"{CONSUMER_KEY}\""))
            && h.contains("oauth_signature=\""))
}

fn problem(status: u16, title: &str) -> Response {
    // X's problem shape (`title`, `detail`, `type`, `status`), from its error reference.
    Response::json(
        status,
        &json!({"title": title, "detail": title, "type": "about:blank", "status": status}),
    )
}

fn route(dir: &Path, state: &Mutex<State>, req: &Request) -> Response {
    let path = req.path.as_str();
    let h = req.header("authorization").unwrap_or("");
    if path == "/oauth/request_token" {
        if !h.contains("oauth_callback=\"oob\"") || !h.contains(CONSUMER_KEY) {
            return Response::raw(
                401,
                "text/plain",
                "Desktop applications only support the oauth_callback value 'oob'",
            );
        }
        return Response::raw(
            200,
            "text/html",
            "oauth_token=req-token&oauth_token_secret=req-secret&oauth_callback_confirmed=true",
        );
    }
    if path == "/oauth/access_token" {
        if !h.contains(&format!("oauth_verifier=\"{PIN}\""))
            || !h.contains("oauth_token=\"req-token\"")
        {
            return Response::raw(401, "text/plain", "Invalid oauth_verifier parameter");
        }
        return Response::raw(
            200,
            "text/html",
            &format!(
                "oauth_token={ACCESS}&oauth_token_secret=access-secret&user_id={ME}&screen_name=TweepyDev"
            ),
        );
    }
    if !authorized(req) {
        return problem(401, "Unauthorized");
    }
    let mut st = state.lock().expect("state");
    if req.method != "GET" {
        let body = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        st.writes.push((req.method.clone(), path.to_string(), body));
    }
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (req.method.as_str(), segs.as_slice()) {
        ("GET", ["2", "users", "me"]) => recorded(dir, "v2/users/test_client_get_me.0.json"),
        ("GET", ["2", "users", id, "mentions"]) if *id == ME => {
            if let Some(secs) = st.limited {
                let now = jiff::Timestamp::now();
                let reset = now.as_second() + secs;
                return problem(429, "Too Many Requests")
                    .with_header("x-rate-limit-limit", "450")
                    .with_header("x-rate-limit-remaining", "0")
                    .with_header("x-rate-limit-reset", &reset.to_string())
                    .with_header(
                        "date",
                        &now.strftime("%a, %d %b %Y %H:%M:%S GMT").to_string(),
                    );
            }
            if req.param("since_id").is_some() && req.param("pagination_token").is_none() {
                return Response::json(200, &json!({"meta": {"result_count": 0}}));
            }
            match paged(dir, MENTION_PAGES, req.param("pagination_token")) {
                Some(f) if st.expand => expanded(recorded(dir, f)),
                Some(f) => recorded(dir, f),
                None => Response::json(200, &json!({"meta": {"result_count": 0}})),
            }
        }
        ("GET", ["2", "dm_events"]) => match paged(dir, DM_PAGES, req.param("pagination_token")) {
            Some(f) => match &st.dm_sender {
                Some(s) => with_sender(recorded(dir, f), s),
                None => recorded(dir, f),
            },
            None => Response::json(200, &json!({"meta": {"result_count": 0}})),
        },
        ("POST", ["2", "tweets"]) => {
            recorded(dir, "v2/tweets/test_client_create_and_delete_tweet.0.json")
        }
        ("POST", ["2", "dm_conversations", "with", _, "messages"]) => {
            recorded(dir, "v2/dm/test_manage_and_lookup_direct_messages.0.json")
        }
        ("PUT", ["2", "tweets", _, "hidden"]) => recorded(
            dir,
            "v2/hide_replies/test_client_hide_and_unhide_reply.0.json",
        ),
        ("GET", ["2", "tweets", "search", "recent"]) => {
            recorded(dir, "v2/tweets/test_client_search_recent_tweets.0.json")
        }
        ("GET", ["2", "tweets", _]) => recorded(dir, "v2/tweets/test_client_get_tweet.0.json"),
        _ => problem(404, "Not Found"),
    }
}

fn map_data(mut resp: Response, f: impl Fn(&mut serde_json::Map<String, Value>)) -> Response {
    if let Ok(mut v) = serde_json::from_slice::<Value>(&resp.body) {
        if let Some(a) = v["data"].as_array_mut() {
            a.iter_mut().filter_map(Value::as_object_mut).for_each(&f);
        }
        resp.body = serde_json::to_vec(&v).expect("json");
    }
    resp
}

fn with_sender(resp: Response, sender: &str) -> Response {
    let conv = format!("{sender}-{ME}");
    let now = jiff::Timestamp::now().to_string();
    map_data(resp, |o| {
        o.insert("sender_id".into(), json!(sender));
        o.insert("dm_conversation_id".into(), json!(conv));
        o.insert("created_at".into(), json!(now));
    })
}

/// Each mention by user 42 (@customer), posted now, in its own conversation; the mentions
/// whose id ends in 5 answer a post of ours (replies).
fn expanded(resp: Response) -> Response {
    let now = jiff::Timestamp::now().to_string();
    let mut r = map_data(resp, |o| {
        let id = o["id"].clone();
        o.insert("author_id".into(), json!("42"));
        o.insert("created_at".into(), json!(now));
        if id.as_str().is_some_and(|i| i.ends_with('5')) {
            o.insert("in_reply_to_user_id".into(), json!(ME));
            o.insert(
                "referenced_tweets".into(),
                json!([{"type": "replied_to", "id": "1111"}]),
            );
            o.insert("conversation_id".into(), json!("1111"));
        } else {
            o.insert("conversation_id".into(), id);
        }
    });
    if let Ok(mut v) = serde_json::from_slice::<Value>(&r.body) {
        v["includes"] =
            json!({"users": [{"id": "42", "username": "customer", "name": "A Customer"}]});
        r.body = serde_json::to_vec(&v).expect("json");
    }
    r
}
