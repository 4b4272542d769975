//! A fake Mastodon server speaking the documented API on loopback, with scriptable state
//! and faults. Bodies are generated here; nothing recorded is copied.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::http::{Request, Response, Server, serve};

pub const TOKEN: &str = "test-token-123";
pub const ME: &str = "1";
pub const GOOD_CODE: &str = "good-code";

#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    /// 429 with only `X-RateLimit-Reset` (Mastodon sends no Retry-After).
    RateLimited,
    Malformed,
    Delay(u64),
}

pub struct State {
    /// Notifications, oldest first; ids are numbers.
    pub notifications: Vec<Value>,
    pub statuses: HashMap<String, Value>,
    pub conversations: Vec<Value>,
    pub faults: VecDeque<Fault>,
    /// Faults that hit a request so far.
    pub faults_served: usize,
    /// Faults for one kind of request only (method, path), before the general queue.
    pub targeted: Vec<(String, String, Fault)>,
    pub idempotency: HashMap<String, String>,
    /// Statuses created through POST, in order.
    pub posted: Vec<Value>,
    /// Every POST of a status, duplicates (same idempotency key) included.
    pub post_requests: usize,
    pub max_chars: u64,
    /// Markers in the notifications' JSON replaced by raw bytes on the wire (invalid UTF-8,
    /// lone surrogate escapes: what a JSON serializer cannot write).
    pub raw_patches: Vec<(String, Vec<u8>)>,
    pub rate_remaining: u64,
    pub next_id: u64,
    pub host: String,
}

pub struct FakeMastodon {
    pub server: Server,
    pub state: Arc<Mutex<State>>,
}

pub fn account(id: &str, acct: &str, name: &str) -> Value {
    json!({ "id": id, "username": acct.split('@').next().unwrap_or(acct), "acct": acct, "display_name": name, "url": format!("https://x.invalid/@{acct}") })
}

/// A time `n` minutes before now, as Mastodon writes it: mentions on this server have just
/// arrived (a new account's first sync keeps what is older than its backfill window as history).
pub fn minutes_ago(n: i64) -> String {
    let t = jiff::Timestamp::now() - jiff::SignedDuration::from_mins(n);
    t.strftime("%Y-%m-%dT%H:%M:%S.000Z").to_string()
}

/// A status by `who` (an account JSON) with `html` content.
pub fn status(
    id: &str,
    who: Value,
    html: &str,
    visibility: &str,
    in_reply_to: Option<&str>,
) -> Value {
    json!({
        "id": id, "created_at": minutes_ago(5), "account": who, "content": html,
        "spoiler_text": "", "visibility": visibility, "in_reply_to_id": in_reply_to,
        "url": format!("https://x.invalid/@someone/{id}"), "uri": format!("https://x.invalid/statuses/{id}"),
        "media_attachments": [], "mentions": [], "tags": [], "emojis": [], "new_field_from_the_future": {"x": 1}
    })
}

impl FakeMastodon {
    pub fn start() -> FakeMastodon {
        let state = Arc::new(Mutex::new(State {
            notifications: Vec::new(),
            statuses: HashMap::new(),
            conversations: Vec::new(),
            faults: VecDeque::new(),
            faults_served: 0,
            targeted: Vec::new(),
            idempotency: HashMap::new(),
            posted: Vec::new(),
            post_requests: 0,
            max_chars: 500,
            raw_patches: Vec::new(),
            rate_remaining: 300,
            next_id: 900_000,
            host: String::new(),
        }));
        let s2 = state.clone();
        let server = serve(Arc::new(move |req: &Request| route(&s2, req)));
        state.lock().expect("state").host = server.addr.to_string();
        FakeMastodon { server, state }
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().expect("state"))
    }

    /// Add a mention notification (and its status) with notification id `nid`.
    pub fn mention(&self, nid: u64, status: Value) {
        self.with(|s| {
            let sid = status["id"].as_str().unwrap_or_default().to_string();
            s.statuses.insert(sid, status.clone());
            s.notifications.push(json!({ "id": nid.to_string(), "type": "mention", "created_at": minutes_ago(5), "account": status["account"].clone(), "status": status }));
        });
    }

    pub fn notification(&self, n: Value) {
        self.with(|s| s.notifications.push(n));
    }

    pub fn fault(&self, f: Fault) {
        self.with(|s| s.faults.push_back(f));
    }

    /// A fault for the next `method path` request only (e.g. the POST of a reply).
    pub fn fault_on(&self, method: &str, path: &str, f: Fault) {
        self.with(|s| s.targeted.push((method.into(), path.into(), f)));
    }
}

fn rate_headers(resp: Response, remaining: u64) -> Response {
    resp.with_header("X-RateLimit-Limit", "300")
        .with_header("X-RateLimit-Remaining", &remaining.to_string())
        .with_header("X-RateLimit-Reset", "2099-01-01T00:00:00.000000Z")
}

fn route(state: &Mutex<State>, req: &Request) -> Response {
    let mut s = state.lock().expect("state");
    let aimed = s
        .targeted
        .iter()
        .position(|(m, p, _)| *m == req.method && *p == req.path)
        .map(|i| s.targeted.remove(i).2);
    if let Some(f) = aimed.or_else(|| s.faults.pop_front()) {
        s.faults_served += 1;
        match f {
            Fault::Status(code) => {
                return Response::json(
                    code,
                    &json!({"error": "Something went wrong (test fault)"}),
                );
            }
            Fault::RateLimited => {
                return Response::json(429, &json!({"error": "Too many requests"}))
                    .with_header("X-RateLimit-Limit", "300")
                    .with_header("X-RateLimit-Remaining", "0")
                    .with_header("X-RateLimit-Reset", "2099-01-01T00:00:00.000000Z");
            }
            Fault::Malformed => {
                return Response::raw(200, "application/json", "[{\"id\": \"1\", \"type\": ");
            }
            Fault::Delay(ms) => {
                drop(s);
                std::thread::sleep(std::time::Duration::from_millis(ms));
                s = state.lock().expect("state");
            }
        }
    }
    let api = req.path.starts_with("/api/");
    if api
        && req.path != "/api/v1/apps"
        && req.header("authorization") != Some(&format!("Bearer {TOKEN}"))
    {
        return Response::json(401, &json!({"error": "The access token is invalid"}));
    }
    s.rate_remaining = s.rate_remaining.saturating_sub(1);
    let remaining = s.rate_remaining;
    let resp = match (req.method.as_str(), req.path.as_str()) {
        ("GET", "/api/v1/accounts/verify_credentials") => {
            Response::json(200, &account(ME, "brand", "Brand"))
        }
        ("GET", "/api/v2/instance") => Response::json(
            200,
            &json!({"domain": "fake", "configuration": {"statuses": {"max_characters": s.max_chars, "characters_reserved_per_url": 23}}}),
        ),
        ("GET", "/api/v1/notifications") => notifications(&s, req),
        ("GET", "/api/v1/conversations") => {
            Response::json(200, &Value::Array(s.conversations.clone()))
        }
        ("POST", "/api/v1/statuses") => post_status(&mut s, req),
        ("POST", "/api/v1/apps") => Response::json(
            200,
            &json!({"id": "7", "name": "tinbox", "client_id": "cid", "client_secret": "csecret", "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"}),
        ),
        ("POST", "/oauth/token") => {
            if req.form_field("code").as_deref() == Some(GOOD_CODE)
                && req.form_field("client_secret").as_deref() == Some("csecret")
            {
                Response::json(
                    200,
                    &json!({"access_token": TOKEN, "token_type": "Bearer", "scope": "read write:statuses", "created_at": 1}),
                )
            } else {
                Response::json(
                    400,
                    &json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid"}),
                )
            }
        }
        ("GET", p) if p.starts_with("/api/v1/statuses/") => {
            let rest = &p["/api/v1/statuses/".len()..];
            match rest.strip_suffix("/context") {
                Some(id) => context(&s, id),
                None => match s.statuses.get(rest) {
                    Some(st) => Response::json(200, st),
                    None => Response::json(404, &json!({"error": "Record not found"})),
                },
            }
        }
        _ => Response::json(404, &json!({"error": "Record not found"})),
    };
    if api {
        rate_headers(resp, remaining)
    } else {
        resp
    }
}

fn id_of(v: &Value) -> u64 {
    v["id"].as_str().and_then(|s| s.parse().ok()).unwrap_or(0)
}

fn notifications(s: &State, req: &Request) -> Response {
    let types = req.params("types[]");
    let limit: usize = req
        .param("limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(40);
    let min_id: Option<u64> = req.param("min_id").and_then(|v| v.parse().ok());
    let max_id: Option<u64> = req.param("max_id").and_then(|v| v.parse().ok());
    let mut matching: Vec<&Value> = s
        .notifications
        .iter()
        .filter(|n| types.is_empty() || types.contains(&n["type"].as_str().unwrap_or("")))
        .filter(|n| max_id.is_none_or(|m| id_of(n) < m))
        .collect();
    matching.sort_by_key(|n| id_of(n));
    let page: Vec<Value> = match min_id {
        // The page immediately after min_id, newest first.
        Some(m) => {
            let mut p: Vec<Value> = matching
                .into_iter()
                .filter(|n| id_of(n) > m)
                .take(limit)
                .cloned()
                .collect();
            p.reverse();
            p
        }
        None => matching.into_iter().rev().take(limit).cloned().collect(),
    };
    let mut resp = Response::json(200, &Value::Array(page.clone()));
    for (marker, raw) in &s.raw_patches {
        resp.body = replace_bytes(&resp.body, marker.as_bytes(), raw);
    }
    if let (Some(first), Some(last)) = (page.first(), page.last()) {
        let base = format!("http://{}/api/v1/notifications", s.host);
        let t: String = types.iter().map(|t| format!("&types%5B%5D={t}")).collect();
        resp = resp.with_header(
            "Link",
            &format!("<{base}?limit={limit}&max_id={}{t}>; rel=\"next\", <{base}?limit={limit}&min_id={}{t}>; rel=\"prev\"", id_of(last), id_of(first)),
        );
    }
    resp
}

fn replace_bytes(body: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

fn post_status(s: &mut State, req: &Request) -> Response {
    s.post_requests += 1;
    let key = req.header("idempotency-key").map(String::from);
    if let Some(existing) = key
        .as_ref()
        .and_then(|k| s.idempotency.get(k))
        .and_then(|id| s.statuses.get(id))
    {
        return Response::json(200, existing);
    }
    let text = req.form_field("status").unwrap_or_default();
    // As Mastodon validates: a link costs 23 characters however long it is.
    let counted: usize = text
        .split(' ')
        .map(|w| {
            if w.starts_with("https://") || w.starts_with("http://") {
                23
            } else {
                w.chars().count()
            }
        })
        .sum::<usize>()
        + text.matches(' ').count();
    if counted as u64 > s.max_chars {
        return Response::json(
            422,
            &json!({"error": "Validation failed: Text character limit of 500 exceeded"}),
        );
    }
    s.next_id += 1;
    let id = s.next_id.to_string();
    let visibility = req
        .form_field("visibility")
        .unwrap_or_else(|| "public".into());
    let reply_to = req.form_field("in_reply_to_id");
    let st = status(
        &id,
        account(ME, "brand", "Brand"),
        &format!("<p>{text}</p>"),
        &visibility,
        reply_to.as_deref(),
    );
    let mut st = st;
    if let Some(w) = req.form_field("spoiler_text") {
        st["spoiler_text"] = Value::String(w);
    }
    s.statuses.insert(id.clone(), st.clone());
    s.posted.push(st.clone());
    if let Some(k) = key {
        s.idempotency.insert(k, id);
    }
    Response::json(200, &st)
}

fn context(s: &State, id: &str) -> Response {
    let Some(st) = s.statuses.get(id) else {
        return Response::json(404, &json!({"error": "Record not found"}));
    };
    let mut ancestors = Vec::new();
    let mut cur = st["in_reply_to_id"].as_str().map(String::from);
    while let Some(p) = cur {
        match s.statuses.get(&p) {
            Some(parent) => {
                ancestors.insert(0, parent.clone());
                cur = parent["in_reply_to_id"].as_str().map(String::from);
            }
            None => break,
        }
    }
    let descendants: Vec<Value> = s
        .statuses
        .values()
        .filter(|v| v["in_reply_to_id"].as_str() == Some(id))
        .cloned()
        .collect();
    Response::json(
        200,
        &json!({"ancestors": ancestors, "descendants": descendants}),
    )
}

/// A sandbox with this server connected as account `brand` (token given on stdin).
pub fn connect(fake: &FakeMastodon) -> super::Sandbox {
    let sb = super::Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "mastodon",
            "--instance",
            &fake.url(),
            "--name",
            "brand",
            "--token-stdin",
        ],
        &format!("{TOKEN}\n"),
    );
    assert!(out.status.success(), "account add: {}", super::stderr(&out));
    sb
}
