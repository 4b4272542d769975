//! A fake YouTube Data API (under `/youtube/v3`) and Google OAuth (`/device/code`, `/token`)
//! on loopback, serving the recorded corpus (`../shared/youtube-corpus/`). Routes by path and
//! query, pages by `pageToken`, counts requests and quota units per access token (a list 1,
//! an insert 50), records inserted bodies, answers a `quotaExceeded` 403 to the tokens told
//! to, and runs the device flow (pending answers first, then tokens).
//!
//! Built by hand where the corpus has no recording (each said where it is built): the chain
//! of pages of `allThreadsRelatedToChannelId` (three recorded pages joined by tokens), the
//! held-for-review thread, the quota error body, video titles other than the recorded one,
//! our channel's lookup, and the OAuth answers.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::http::{Request, Response, Server, serve};
use super::{Sandbox, stderr, stdout};

/// Our channel: the corpus's own test channel "ikaros data" (its inserts are ours).
pub const CHANNEL: &str = "UCa-vrCLQHviTOVnEKDOdetQ";
pub const TOKEN: &str = "yt-test-token";
pub const BASE: &str = "/youtube/v3";
/// The thread whose replies are recorded in two pages (`comments_by_parent_paged_*`).
pub const PAGED_PARENT: &str = "Ugw5zYU6n9pmIgAZWvN4AaABAg";
pub const HELD_ID: &str = "UgzHeldForReview0000AaABAg";
pub const CLIENT_ID: &str = "tinbox-test.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "yt-client-secret";
pub const REFRESH: &str = "yt-refresh-token";
/// Token of the third page of threads (the second recorded page has none: added here).
const PAGE3: &str = "fake-page-3";

pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/youtube-corpus");
    dir.join("index.json").is_file().then_some(dir)
}

pub fn read(dir: &Path, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(file)).expect(file)).expect(file)
}

#[derive(Default)]
pub struct State {
    /// Access tokens the API accepts.
    pub valid: Vec<String>,
    /// Tokens whose project has spent its quota: a 403 `quotaExceeded`.
    pub exhausted: Vec<String>,
    /// Units spent per token, counted as Google does (a list 1, an insert 50).
    pub units: HashMap<String, u64>,
    /// Every inserted body (`POST /comments`).
    pub inserts: Vec<Value>,
    /// Replies already there, served by `comments?parentId=` (a crash after an insert).
    pub existing: Vec<Value>,
    /// Comments (by id) served with another `publishedAt`.
    pub retime: Vec<(String, String)>,
    /// Device flow: how many `authorization_pending` answers before the tokens.
    pub pending: usize,
    /// Answer the next API call with a 401 (an expired access token).
    pub expire_next: bool,
    /// Every OAuth request: (path, form).
    pub oauth: Vec<(String, Vec<(String, String)>)>,
    issued: usize,
}

pub struct FakeYoutube {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
    pub dir: PathBuf,
}

impl FakeYoutube {
    pub fn start(dir: &Path) -> FakeYoutube {
        let state = Arc::new(Mutex::new(State {
            valid: vec![TOKEN.into()],
            ..State::default()
        }));
        let (s2, d2) = (state.clone(), dir.to_path_buf());
        let server = serve(Arc::new(move |req: &Request| route(&d2, &s2, req)));
        FakeYoutube {
            server,
            state,
            dir: dir.to_path_buf(),
        }
    }
    pub fn api_url(&self) -> String {
        format!("{}{BASE}", self.server.url())
    }
    pub fn units(&self, token: &str) -> u64 {
        let st = self.state.lock().expect("state");
        st.units.get(token).copied().unwrap_or(0)
    }
    pub fn inserts(&self) -> Vec<Value> {
        self.state.lock().expect("state").inserts.clone()
    }
    /// API requests (not OAuth) so far.
    pub fn api_requests(&self) -> usize {
        let reqs = self.server.requests();
        reqs.iter().filter(|r| r.path.starts_with(BASE)).count()
    }
}

/// `[accounts.NAME]` for a YouTube account on the fake with a `token_cmd`.
pub fn account_toml(fake: &FakeYoutube, name: &str, token: &str) -> String {
    format!(
        "\n[accounts.{name}]\nchannel = \"youtube\"\nchannel_id = \"{CHANNEL}\"\napi_url = \"{}\"\ntoken_cmd = \"printf {token}\"\n",
        fake.api_url()
    )
}

/// A sandbox with `config` and one YouTube account `yt` (token_cmd) on a fresh fake.
pub fn connect_with(config: &str) -> Option<(Sandbox, FakeYoutube)> {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/youtube-corpus is not present");
        return None;
    };
    let fake = FakeYoutube::start(&dir);
    let sb = Sandbox::new();
    sb.write_config(&format!("{config}{}", account_toml(&fake, "yt", TOKEN)));
    Some((sb, fake))
}

/// Units the meter file of `account` says were spent today.
pub fn meter_units(sb: &Sandbox, account: &str) -> u64 {
    let p = sb
        .config_dir()
        .join("usage")
        .join(format!("{account}.json"));
    let Ok(bytes) = std::fs::read(&p) else {
        return 0;
    };
    let v: Value = serde_json::from_slice(&bytes).expect("meter json");
    v["used"].as_u64().expect("used")
}

pub fn sync_ok(sb: &Sandbox) -> String {
    let out = sb.run(&["sync", "--once"]);
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(out.status.success(), "{all}");
    all
}

/// The threads served for `allThreadsRelatedToChannelId`, page by page (`None`: page 1).
pub fn thread_page(dir: &Path, token: Option<&str>) -> Value {
    let p1 = read(dir, "comment_threads/comment_threads_by_video_paged_1.json");
    let first_token = p1["nextPageToken"].as_str().unwrap_or("").to_string();
    match token {
        None => p1,
        Some(t) if t == first_token => {
            let mut p = read(dir, "comment_threads/comment_threads_by_video_id.json");
            p["nextPageToken"] = json!(PAGE3);
            p
        }
        Some(PAGE3) => {
            let mut p = read(dir, "comment_threads/comment_threads_all_to_me.json");
            let items = p["items"].as_array_mut().expect("items");
            // Recorded before its replies (recorded later in comments_by_parent_paged_*):
            // the count they have.
            for t in items.iter_mut() {
                if t["id"] == PAGED_PARENT {
                    t["snippet"]["totalReplyCount"] = json!(3);
                }
            }
            // Our own top-level comment (the recorded insert): not an item.
            items.push(read(dir, "comment_threads/insert_response.json"));
            p
        }
        Some(_) => json!({"error": {"code": 400, "message": "Invalid page token",
            "errors": [{"domain": "youtube.parameter", "reason": "invalidPageToken"}]}}),
    }
}

/// Built by hand from the API reference (`moderationStatus` is returned to the channel's
/// owner): one thread held for review.
pub fn held_thread() -> Value {
    let c = json!({
        "kind": "youtube#comment", "etag": "held-etag", "id": HELD_ID,
        "snippet": {
            "channelId": CHANNEL, "videoId": "JE8xdDp5B8Q",
            "textDisplay": "Where is my refund?", "textOriginal": "Where is my refund?",
            "authorDisplayName": "@held-customer",
            "authorChannelId": {"value": "UCheldCustomer00000000000"},
            "canRate": true, "viewerRating": "none", "likeCount": 0,
            "moderationStatus": "heldForReview",
            "publishedAt": "2022-11-16T09:00:00Z", "updatedAt": "2022-11-16T09:00:00Z"
        }
    });
    json!({"kind": "youtube#commentThread", "etag": "held-thread", "id": HELD_ID,
        "snippet": {"channelId": CHANNEL, "videoId": "JE8xdDp5B8Q", "topLevelComment": c,
            "canReply": true, "totalReplyCount": 0, "isPublic": true}})
}

/// Built by hand from the API reference's error table: the body of a 403 once the
/// project's daily quota is spent (the corpus has no recording of it).
pub fn quota_body() -> Value {
    json!({"error": {"code": 403,
        "message": "The request cannot be completed because you have exceeded your <a href=\"/youtube/v3/getting-started#quota\">quota</a>.",
        "errors": [{"message": "The request cannot be completed because you have exceeded your quota.",
            "domain": "youtube.quota", "reason": "quotaExceeded"}]}})
}

fn list(items: Vec<Value>) -> Value {
    let n = items.len();
    json!({"kind": "youtube#listResponse", "pageInfo": {"totalResults": n, "resultsPerPage": 20}, "items": items})
}

fn all_threads(dir: &Path) -> Vec<Value> {
    let mut v = Vec::new();
    let mut token = None;
    loop {
        let p = thread_page(dir, token.as_deref());
        v.extend(p["items"].as_array().cloned().unwrap_or_default());
        match p["nextPageToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    v.push(held_thread());
    v
}

fn retimed(v: &mut Value, retime: &[(String, String)]) {
    match v {
        Value::Object(o) => {
            let id = o.get("id").and_then(Value::as_str).map(String::from);
            if let Some((_, t)) = retime.iter().find(|(i, _)| Some(i) == id.as_ref())
                && let Some(s) = o.get_mut("snippet").and_then(Value::as_object_mut)
            {
                s.insert("publishedAt".into(), json!(t));
            }
            o.values_mut().for_each(|x| retimed(x, retime));
        }
        Value::Array(a) => a.iter_mut().for_each(|x| retimed(x, retime)),
        _ => {}
    }
}

fn oauth(state: &Mutex<State>, req: &Request) -> Response {
    let mut st = state.lock().expect("state");
    st.oauth.push((req.path.clone(), req.form()));
    let f = |k: &str| req.form_field(k).unwrap_or_default();
    if req.path == "/device/code" {
        assert_eq!(
            f("scope"),
            "https://www.googleapis.com/auth/youtube.force-ssl"
        );
        return Response::json(
            200,
            &json!({"device_code": "dev-code-1", "user_code": "WXYZ-PQRS",
                "verification_url": "https://www.google.com/device", "expires_in": 1800, "interval": 0}),
        );
    }
    if f("client_id") != CLIENT_ID || f("client_secret") != CLIENT_SECRET {
        return Response::json(401, &json!({"error": "invalid_client"}));
    }
    let grant = f("grant_type");
    let ok = match grant.as_str() {
        "urn:ietf:params:oauth:grant-type:device_code" if f("device_code") == "dev-code-1" => {
            if st.pending > 0 {
                st.pending -= 1;
                return Response::json(
                    428,
                    &json!({"error": "authorization_pending",
                    "error_description": "Precondition Required"}),
                );
            }
            true
        }
        "refresh_token" => f("refresh_token") == REFRESH,
        _ => false,
    };
    if !ok {
        return Response::json(400, &json!({"error": "invalid_grant"}));
    }
    st.issued += 1;
    let access = format!("yt-access-{}", st.issued);
    st.valid.push(access.clone());
    let mut t = json!({"access_token": access, "expires_in": 3599, "token_type": "Bearer",
        "scope": "https://www.googleapis.com/auth/youtube.force-ssl"});
    if grant != "refresh_token" {
        t["refresh_token"] = json!(REFRESH);
    }
    Response::json(200, &t)
}

fn route(dir: &Path, state: &Mutex<State>, req: &Request) -> Response {
    let Some(resource) = req.path.strip_prefix(BASE) else {
        return oauth(state, req);
    };
    let resource = resource.trim_start_matches('/').to_string();
    let token = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or("")
        .to_string();
    let mut st = state.lock().expect("state");
    if !st.valid.contains(&token) || std::mem::take(&mut st.expire_next) {
        return Response::json(
            401,
            &json!({"error": {"code": 401, "message": "Request had invalid authentication credentials.",
            "errors": [{"message": "Invalid Credentials", "domain": "global", "reason": "authError"}],
            "status": "UNAUTHENTICATED"}}),
        );
    }
    if st.exhausted.contains(&token) {
        return Response::json(403, &quota_body());
    }
    let cost = if req.method == "POST" { 50 } else { 1 };
    *st.units.entry(token).or_default() += cost;
    let p = |k: &str| req.param(k).map(String::from);
    let mut body = match (req.method.as_str(), resource.as_str()) {
        ("POST", "comments") => {
            let b: Value = serde_json::from_slice(&req.body).expect("json body");
            st.inserts.push(b.clone());
            let parent = b["snippet"]["parentId"].as_str().unwrap_or("").to_string();
            let mut c = read(dir, "comments/insert_response.json");
            c["id"] = json!(format!("{parent}.fakeReply{}", st.inserts.len()));
            c["snippet"]["parentId"] = json!(parent);
            c["snippet"]["textOriginal"] = b["snippet"]["textOriginal"].clone();
            c["snippet"]["textDisplay"] = b["snippet"]["textOriginal"].clone();
            c
        }
        ("GET", "commentThreads") if p("id").is_some() => {
            let id = p("id").unwrap_or_default();
            list(
                all_threads(dir)
                    .into_iter()
                    .filter(|t| t["id"] == id.as_str())
                    .collect(),
            )
        }
        ("GET", "commentThreads") if p("moderationStatus").as_deref() == Some("heldForReview") => {
            list(vec![held_thread()])
        }
        ("GET", "commentThreads")
            if p("allThreadsRelatedToChannelId").as_deref() == Some(CHANNEL) =>
        {
            thread_page(dir, p("pageToken").as_deref())
        }
        ("GET", "comments") if p("parentId").is_some() => {
            let parent = p("parentId").unwrap_or_default();
            let mut page = if parent == PAGED_PARENT {
                let p1 = read(dir, "comments/comments_by_parent_paged_1.json");
                match p("pageToken") {
                    Some(t) if Some(t.as_str()) == p1["nextPageToken"].as_str() => {
                        read(dir, "comments/comments_by_parent_paged_2.json")
                    }
                    _ => p1,
                }
            } else {
                // Replies the corpus did not record: none.
                json!({"kind": "youtube#commentListResponse", "pageInfo": {"resultsPerPage": 20}, "items": []})
            };
            let mine: Vec<Value> = st
                .existing
                .iter()
                .filter(|c| c["snippet"]["parentId"] == parent.as_str())
                .cloned()
                .collect();
            if let Some(items) = page["items"].as_array_mut() {
                items.splice(0..0, mine);
            }
            page
        }
        ("GET", "videos") => {
            let recorded = read(dir, "videos/videos_info_single.json");
            let ids = p("id").unwrap_or_default();
            let items = ids
                .split(',')
                .map(|id| match recorded["items"][0]["id"].as_str() == Some(id) {
                    true => recorded["items"][0].clone(),
                    // Not recorded: a title built from the id.
                    false => json!({"kind": "youtube#video", "id": id, "snippet": {"title": format!("Video {id}")}}),
                })
                .collect();
            list(items)
        }
        ("GET", "channels") => {
            let id = p("id").unwrap_or_default();
            let mut items: Vec<Value> = [
                "channels/channel_info_multi.json",
                "channels/info_multiple.json",
            ]
            .iter()
            .flat_map(|f| {
                read(dir, f)["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .filter(|c| c["id"] == id.as_str())
            .take(1)
            .collect();
            if id == CHANNEL {
                // Our test channel has no recorded lookup: its name from the recorded insert.
                items.push(json!({"kind": "youtube#channel", "id": CHANNEL, "snippet": {"title": "ikaros data"}}));
            }
            list(items)
        }
        _ => {
            return Response::json(
                404,
                &json!({"error": {"code": 404, "message": "Not Found", "errors": [{"reason": "notFound"}]}}),
            );
        }
    };
    let retime = st.retime.clone();
    if !retime.is_empty() {
        retimed(&mut body, &retime);
    }
    Response::json(200, &body)
}
