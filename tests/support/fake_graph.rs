//! A fake Graph API on loopback serving the recorded corpus (`../shared/meta-corpus/`):
//! routes by path, pages by the `after` cursor (a page's `_p2` sibling, else an empty page),
//! answers code 190 to a wrong token, and records every POST. The Page's conversation list
//! (not recorded upstream) is built from the recorded conversation batch.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::http::{Request, Response, Server, serve};
use super::{Sandbox, stderr, stdout};

pub const TOKEN: &str = "graph-test-token";
/// The Page of the recorded feed.
pub const PAGE: &str = "19292868552";
/// Our Instagram account (not the recorded commenter, so every comment is a customer's).
pub const IG: &str = "17841400455970028";
pub const VERSION: &str = "/v21.0";

pub fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/meta-corpus");
    dir.join("index.json").is_file().then_some(dir)
}

pub fn read(dir: &Path, file: &str) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join(file)).expect(file)).expect(file)
}

/// A scripted answer: status, body, headers.
pub type Fault = (u16, Value, Vec<(String, String)>);

#[derive(Default)]
pub struct State {
    /// Every POST: (path without the version, form fields).
    pub posts: Vec<(String, Vec<(String, String)>)>,
    /// Replace every message's `created_time` (a recent DM for reply tests).
    pub message_time: Option<String>,
    /// Our earlier replies, served back in the threads (path of the edge, body).
    pub existing: Vec<(String, Value)>,
    /// Objects (by id) served with another time (`timestamp` / `created_time`).
    pub retime: Vec<(String, String)>,
    /// The next answer instead of the route's: status, body, headers.
    pub fault: Option<Fault>,
}

pub struct FakeGraph {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
    pub dir: PathBuf,
}

impl FakeGraph {
    pub fn start(dir: &Path) -> FakeGraph {
        let state = Arc::new(Mutex::new(State::default()));
        let (s2, d2) = (state.clone(), dir.to_path_buf());
        let server = serve(Arc::new(move |req: &Request| {
            let resp = route(&d2, &s2, req);
            let retime = s2.lock().expect("state").retime.clone();
            retimed(resp, &retime)
        }));
        FakeGraph {
            server,
            state,
            dir: dir.to_path_buf(),
        }
    }
    /// The versioned base, as `api_url`.
    pub fn api_url(&self) -> String {
        format!("{}{VERSION}", self.server.url())
    }
    pub fn posts(&self) -> Vec<(String, Vec<(String, String)>)> {
        self.state.lock().expect("state").posts.clone()
    }
    /// Ids of the recorded feed's posts, in order.
    pub fn post_ids(&self) -> Vec<String> {
        ids(&read(
            &self.dir,
            "facebook/posts/feeds_default_fields_p1.json",
        ))
    }
    /// Ids of our recorded Instagram media (both pages).
    pub fn media_ids(&self) -> Vec<String> {
        let mut v = ids(&read(&self.dir, "instagram/users/medias_p1.json"));
        v.extend(ids(&read(&self.dir, "instagram/users/medias_p2.json")));
        v
    }
}

fn add(sb: &Sandbox, fake: &FakeGraph, channel: &str, ids: &[&str], name: &str) {
    let api = fake.api_url();
    let mut args = vec!["account", "add", channel];
    args.extend_from_slice(ids);
    args.extend_from_slice(&["--token-stdin", "--api-url", &api, "--name", name]);
    let out = sb.run_with_stdin(&args, &format!("{TOKEN}\n"));
    assert!(
        out.status.success(),
        "account add {channel}: {}{}",
        stdout(&out),
        stderr(&out)
    );
    assert!(stdout(&out).contains(&format!("Connected {name}")));
}

/// A sandbox with a Facebook Page and an Instagram account connected to the fake.
/// Everything recorded is years old: `backfill = "all"` reads it all in as new.
pub fn connected() -> Option<(Sandbox, FakeGraph)> {
    connect_with("backfill = \"all\"\n", true)
}

/// A sandbox with `config` and the Instagram account (and the Page when `facebook`).
pub fn connect_with(config: &str, facebook: bool) -> Option<(Sandbox, FakeGraph)> {
    let Some(dir) = corpus() else {
        println!("skipped: ../shared/meta-corpus is not present");
        return None;
    };
    let fake = FakeGraph::start(&dir);
    let sb = Sandbox::new();
    sb.write_config(config);
    if facebook {
        add(&sb, &fake, "facebook", &["--page-id", PAGE], "brand-fb");
    }
    // Linked to the Page: its Instagram conversations are the account's DMs.
    add(
        &sb,
        &fake,
        "instagram",
        &["--ig-user-id", IG, "--page-id", PAGE],
        "brand-ig",
    );
    Some((sb, fake))
}

/// `resp` with the times of the objects in `retime` replaced.
fn retimed(mut resp: Response, retime: &[(String, String)]) -> Response {
    fn walk(v: &mut Value, retime: &[(String, String)]) {
        match v {
            Value::Object(o) => {
                let id = o.get("id").and_then(Value::as_str).map(String::from);
                if let Some((_, t)) = retime.iter().find(|(i, _)| Some(i) == id.as_ref()) {
                    for k in ["timestamp", "created_time"] {
                        if o.contains_key(k) {
                            o.insert(k.into(), json!(t));
                        }
                    }
                }
                o.values_mut().for_each(|x| walk(x, retime));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, retime)),
            _ => {}
        }
    }
    if retime.is_empty() {
        return resp;
    }
    if let Ok(mut v) = serde_json::from_slice::<Value>(&resp.body) {
        walk(&mut v, retime);
        resp.body = serde_json::to_vec(&v).expect("json");
    }
    resp
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Which recorded edge answers `path` (without the version): the first page's file.
fn edge_file(dir: &Path, path: &str) -> Option<&'static str> {
    let posts = ids(&read(dir, "facebook/posts/feeds_default_fields_p1.json"));
    let mut media = ids(&read(dir, "instagram/users/medias_p1.json"));
    media.extend(ids(&read(dir, "instagram/users/medias_p2.json")));
    let (node, edge) = path.trim_start_matches('/').split_once('/')?;
    let nth = |v: &[String]| v.iter().position(|x| x == node);
    Some(match (edge, nth(&posts), nth(&media)) {
        ("feed", _, _) if node == PAGE => "facebook/posts/feeds_default_fields_p1.json",
        ("comments", Some(0), _) => "facebook/comments/comments_p1.json",
        ("comments", Some(1), _) => "facebook/comments/comment_by_parent_p1.json",
        ("comments", Some(2), _) => "facebook/comments/comments.json",
        ("media", _, _) if node == IG => "instagram/users/medias_p1.json",
        ("tags", _, _) if node == IG => "instagram/mentions/tagged_user_medias_p1.json",
        ("comments", _, Some(0)) => "instagram/comments/comment_default_p1.json",
        ("comments", _, Some(1)) => "instagram/medias/comments_p1.json",
        _ => return None,
    })
}

fn route(dir: &Path, state: &Mutex<State>, req: &Request) -> Response {
    if req.header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return Response::json(
            400,
            &json!({"error": {"message": "Error validating access token: Session has expired", "type": "OAuthException", "code": 190, "error_subcode": 463, "fbtrace_id": "Axyz"}}),
        );
    }
    let Some(path) = req.path.strip_prefix(VERSION) else {
        return Response::json(
            404,
            &json!({"error": {"message": "unknown version", "code": 2500}}),
        );
    };
    let path = path.trim_start_matches('/').to_string();
    let mut st = state.lock().expect("state");
    if let Some((status, body, headers)) = st.fault.take() {
        return headers
            .iter()
            .fold(Response::json(status, &body), |r, (k, v)| {
                r.with_header(k, v)
            });
    }
    if req.method == "POST" {
        st.posts.push((path.clone(), req.form()));
        let n = st.posts.len();
        return if path.ends_with("/messages") {
            Response::json(
                200,
                &json!({"recipient_id": "r", "message_id": format!("m_sent{n}")}),
            )
        } else {
            Response::json(
                200,
                &json!({"id": format!("{}_sent{n}", path.split('/').next().unwrap_or(""))}),
            )
        };
    }
    let after = req.param("after").is_some();
    if let Some(file) = edge_file(dir, &path) {
        if !after {
            return Response::json(200, &read(dir, file));
        }
        let p2 = file.replace("_p1.json", "_p2.json");
        return match dir.join(&p2).is_file() && p2 != file {
            true => Response::json(200, &read(dir, &p2)),
            false => Response::json(200, &json!({"data": []})),
        };
    }
    let batch = |f: &str| -> Vec<Value> {
        read(dir, f)
            .as_object()
            .map(|o| o.values().cloned().collect())
            .unwrap_or_default()
    };
    let mut msgs = vec![
        read(dir, "facebook/models/message.json"),
        read(dir, "facebook/messages/message_info.json"),
    ];
    if let Some(t) = &st.message_time {
        for m in &mut msgs {
            m["created_time"] = json!(t);
        }
    }
    let convs = batch("facebook/conversations/cvses_info.json");
    let mut body = match path.as_str() {
        "me" => json!({"id": "100000000000001", "name": "Test Admin"}),
        PAGE => read(dir, "facebook/pages/single_fields_page.json"),
        IG => json!({"id": IG, "username": "brand"}),
        // The recorded Messenger conversations stand for the Instagram ones too (the same
        // nodes and edges; Graph tells them apart by `platform` only).
        p if p == format!("{PAGE}/conversations")
            && matches!(req.param("platform"), Some("messenger" | "instagram")) =>
        {
            json!({ "data": convs })
        }
        p if p.ends_with("/conversations") => json!({"data": []}),
        p => {
            let conv = convs
                .iter()
                .position(|c| format!("{}/messages", c["id"].as_str().unwrap_or("")) == p);
            match conv {
                Some(i) => json!({ "data": [msgs[i].clone()] }),
                None => match msgs.iter().find(|m| m["id"].as_str() == Some(p)) {
                    Some(m) => m.clone(),
                    None if p.contains('/') => json!({"data": []}),
                    // An unknown node: code 100, as Graph answers a deleted object.
                    None => {
                        return Response::json(400, &read(dir, "errors/error.json"));
                    }
                },
            }
        }
    };
    if let Some(data) = body["data"].as_array_mut() {
        for (edge, v) in &st.existing {
            if *edge == path {
                data.insert(0, v.clone());
            }
        }
    }
    if after {
        body = json!({"data": []});
    }
    Response::json(200, &body)
}
