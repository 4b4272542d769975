//! The Bluesky client against a loopback fake speaking XRPC: sessions (expiry, refresh,
//! re-login), errors as this network sends them, 429, and paging back through a gap.

mod support;

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde_json::{Value, json};
use support::http::{Request, Response, Server, serve};
use tinbox::channels::bluesky::session::{MemorySessions, Session, SessionStore};
use tinbox::channels::bluesky::{BlueskyChannel, BlueskyOptions};
use tinbox::channels::{Channel, ChannelError, ReplyRequest};
use tinbox::model::Visibility;

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |n, b| (n << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// An unsigned JWT-shaped token that expires at `exp` (the fake only compares strings).
fn jwt(name: &str, exp: i64) -> String {
    format!(
        "{}.{}.sig-{name}",
        b64url(br#"{"typ":"at+jwt","alg":"HS256"}"#),
        b64url(format!(r#"{{"sub":"did:plc:brand","exp":{exp}}}"#).as_bytes())
    )
}

fn in_hours(h: i64) -> i64 {
    Timestamp::now().as_second() + h * 3600
}

/// The fake's state: which tokens it accepts, and what it answers.
struct Fake {
    access: String,
    refresh: String,
    refresh_ok: bool,
    issued: u32,
    notifications: Vec<Value>,
    page_size: usize,
    rate_limited: bool,
    /// A marker in the notifications' JSON and the raw bytes sent in its place.
    patch: Option<(String, Vec<u8>)>,
}

fn session_json(f: &Fake) -> Value {
    json!({"accessJwt": f.access, "refreshJwt": f.refresh, "did": "did:plc:brand",
           "handle": "brand.test"})
}

fn handler(state: Arc<Mutex<Fake>>) -> Arc<dyn Fn(&Request) -> Response + Send + Sync> {
    Arc::new(move |r: &Request| {
        let mut f = state.lock().expect("fake");
        let bearer = r
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("")
            .to_string();
        let err = |s: u16, e: &str, m: &str| Response::json(s, &json!({"error": e, "message": m}));
        match r.path.as_str() {
            "/xrpc/com.atproto.server.createSession" => {
                let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
                if body["password"] != "app-pass-1" {
                    return err(
                        401,
                        "AuthenticationRequired",
                        "Invalid identifier or password",
                    );
                }
                f.issued += 1;
                f.access = jwt(&format!("login{}", f.issued), in_hours(2));
                f.refresh = jwt(&format!("refresh{}", f.issued), in_hours(24 * 60));
                f.refresh_ok = true;
                Response::json(200, &session_json(&f))
            }
            "/xrpc/com.atproto.server.refreshSession" => {
                if !f.refresh_ok || bearer != f.refresh {
                    return err(400, "ExpiredToken", "Token has expired");
                }
                f.issued += 1;
                f.access = jwt(&format!("access{}", f.issued), in_hours(2));
                f.refresh = jwt(&format!("refresh{}", f.issued), in_hours(24 * 60));
                Response::json(200, &session_json(&f))
            }
            _ if bearer != f.access => err(400, "ExpiredToken", "Token has expired"),
            _ if f.rate_limited => err(429, "RateLimitExceeded", "Rate Limit Exceeded")
                .with_header("ratelimit-limit", "3000")
                .with_header("ratelimit-remaining", "0")
                .with_header("ratelimit-reset", "4102444800"),
            "/xrpc/app.bsky.notification.listNotifications" => {
                let start: usize = r.param("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
                let end = (start + f.page_size).min(f.notifications.len());
                let mut page = json!({"notifications": f.notifications[start..end]});
                if end < f.notifications.len() {
                    page["cursor"] = json!(end.to_string());
                }
                let mut resp = Response::json(200, &page);
                if let Some((marker, raw)) = &f.patch {
                    let body =
                        String::from_utf8_lossy(&resp.body).replace(marker.as_str(), "\u{1}");
                    let parts: Vec<&[u8]> = body.as_bytes().split(|b| *b == 1).collect();
                    resp.body = parts.join(raw.as_slice());
                }
                resp
            }
            "/xrpc/app.bsky.feed.getPostThread" => {
                err(400, "NotFound", "Post not found: at://gone")
            }
            _ => err(400, "MethodNotImplemented", "not in this fake"),
        }
    })
}

/// Notification `i` of `n`, newest first: minute `n - i` after 10:00.
fn notification(i: usize, n: usize) -> Value {
    let minute = n - i;
    json!({
        "uri": format!("at://did:plc:cust/app.bsky.feed.post/p{minute:03}"),
        "cid": "c", "reason": if minute.is_multiple_of(5) { "like" } else { "mention" },
        "author": {"did": "did:plc:cust", "handle": "cust.test"},
        "record": {"$type": "app.bsky.feed.post", "text": format!("post {minute}"),
                   "createdAt": format!("2026-11-22T10:{minute:02}:00Z")},
        "indexedAt": format!("2026-11-22T10:{minute:02}:00.500Z"),
    })
}

fn fake(notifications: usize, page_size: usize) -> (Server, Arc<Mutex<Fake>>) {
    let state = Arc::new(Mutex::new(Fake {
        access: String::new(),
        refresh: String::new(),
        refresh_ok: true,
        issued: 0,
        notifications: (0..notifications)
            .map(|i| notification(i, notifications))
            .collect(),
        page_size,
        rate_limited: false,
        patch: None,
    }));
    (serve(handler(state.clone())), state)
}

fn channel(server: &Server, sessions: Arc<MemorySessions>, password: &str) -> BlueskyChannel {
    let pw = password.to_string();
    BlueskyChannel::new(
        &server.url(),
        "brand.test",
        Some(Arc::new(move || Ok(pw.clone()))),
        sessions,
        BlueskyOptions::default(),
    )
    .expect("channel")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn logs_in_once_then_refreshes_an_expired_token_and_logs_in_again_when_refresh_expires() {
    let (server, state) = fake(3, 50);
    let sessions = Arc::new(MemorySessions::default());
    let ch = channel(&server, sessions.clone(), "app-pass-1");
    let rt = rt();

    // First poll: no session yet, so one login; the session is kept.
    let out = rt.block_on(ch.poll(None)).expect("poll");
    assert_eq!(out.items.len(), 3);
    assert_eq!(
        server.count("POST", "/xrpc/com.atproto.server.createSession"),
        1
    );
    let kept = sessions.load().expect("kept");
    assert_eq!(kept.access_jwt, state.lock().expect("s").access);

    // The server expires the access token early: one refresh, the call is retried, kept.
    state.lock().expect("s").access = "revoked".into();
    rt.block_on(ch.poll(None)).expect("poll after expiry");
    assert_eq!(
        server.count("POST", "/xrpc/com.atproto.server.refreshSession"),
        1
    );
    assert_eq!(
        server.count("POST", "/xrpc/com.atproto.server.createSession"),
        1
    );
    assert_eq!(
        sessions.load().expect("kept").access_jwt,
        state.lock().expect("s").access
    );

    // The refresh token has expired too: tinbox logs in again with the app password.
    {
        let mut f = state.lock().expect("s");
        f.access = "revoked".into();
        f.refresh_ok = false;
    }
    rt.block_on(ch.poll(None))
        .expect("poll after the refresh token expired");
    assert_eq!(
        server.count("POST", "/xrpc/com.atproto.server.createSession"),
        2
    );
}

#[test]
fn an_access_token_about_to_expire_is_refreshed_before_the_call() {
    let (server, state) = fake(1, 50);
    {
        let mut f = state.lock().expect("s");
        f.access = jwt("old", Timestamp::now().as_second() - 5);
        f.refresh = jwt("r0", in_hours(100));
    }
    let old = {
        let f = state.lock().expect("s");
        Session {
            access_jwt: f.access.clone(),
            refresh_jwt: f.refresh.clone(),
            did: "did:plc:brand".into(),
            handle: "brand.test".into(),
            pds: None,
        }
    };
    let sessions = Arc::new(MemorySessions::new(Some(old)));
    let ch = channel(&server, sessions.clone(), "app-pass-1");
    rt().block_on(ch.poll(None)).expect("poll");
    let calls: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        calls,
        [
            "/xrpc/com.atproto.server.refreshSession",
            "/xrpc/app.bsky.notification.listNotifications"
        ],
        "refreshed first, never sent the expired token"
    );
    assert!(
        sessions
            .load()
            .expect("s")
            .access_jwt
            .ends_with("sig-access1")
    );
}

#[test]
fn a_wrong_password_a_missing_post_and_429_get_clear_errors() {
    let (server, state) = fake(1, 50);
    let ch = channel(&server, Arc::new(MemorySessions::default()), "wrong");
    let e = rt().block_on(ch.poll(None)).expect_err("wrong password");
    assert!(
        matches!(&e, ChannelError::Auth(m) if m.contains("wrong handle or app password")),
        "{e}"
    );

    let ch = channel(&server, Arc::new(MemorySessions::default()), "app-pass-1");
    let rt = rt();
    let e = rt
        .block_on(ch.fetch_thread("at://gone"))
        .expect_err("not found");
    assert!(e.to_string().contains("the post no longer exists"), "{e}");
    assert!(!e.is_transient());

    state.lock().expect("s").rate_limited = true;
    let e = rt.block_on(ch.poll(None)).expect_err("429");
    assert_eq!(
        e,
        ChannelError::RateLimited {
            until: Timestamp::from_second(4_102_444_800).expect("ts")
        }
    );
    // While the window is exhausted, tinbox does not even ask.
    let before = server.requests().len();
    state.lock().expect("s").rate_limited = false;
    assert!(matches!(
        rt.block_on(ch.poll(None)),
        Err(ChannelError::RateLimited { .. })
    ));
    assert_eq!(server.requests().len(), before);
}

#[test]
fn pages_back_through_a_gap_and_keeps_only_wanted_reasons() {
    // 30 notifications, 7 per page, newest first. We last saw minute 4.
    let (server, _state) = fake(30, 7);
    let ch = channel(&server, Arc::new(MemorySessions::default()), "app-pass-1");
    let rt = rt();
    let cursor = r#"{"seen":"2026-11-22T10:04:00.5Z"}"#;
    let out = rt.block_on(ch.poll(Some(cursor))).expect("poll");
    let mut minutes: Vec<String> = out.items.iter().map(|i| i.text.clone()).collect();
    minutes.sort();
    // Minutes 5..=30 without the likes (every 5th), plus minutes 3 and 4 from the last page
    // (already seen; the store ignores them).
    assert!(minutes.contains(&"post 6".to_string()) && minutes.contains(&"post 29".to_string()));
    assert!(
        !minutes.contains(&"post 10".to_string()),
        "likes are not items"
    );
    assert_eq!(
        server.count("GET", "/xrpc/app.bsky.notification.listNotifications"),
        4
    );
    let next: Value = serde_json::from_str(out.cursor.as_deref().expect("cursor")).expect("json");
    assert_eq!(next["seen"], "2026-11-22T10:30:00.5Z");

    // Nothing new: one page, nothing past what was seen.
    let out = rt.block_on(ch.poll(Some(&next.to_string()))).expect("poll");
    assert_eq!(
        server.count("GET", "/xrpc/app.bsky.notification.listNotifications"),
        5
    );
    assert!(
        out.items
            .iter()
            .all(|i| i.text == "post 30" || i.text.starts_with("post 2"))
    );
}

#[test]
fn a_reply_over_300_graphemes_is_refused_before_anything_is_sent() {
    let (server, _state) = fake(0, 50);
    let ch = channel(&server, Arc::new(MemorySessions::default()), "app-pass-1");
    let req = ReplyRequest {
        in_reply_to: "at://did:plc:cust/app.bsky.feed.post/p001".into(),
        thread_root: String::new(),
        visibility: Visibility::Public,
        text: "👍🏽".repeat(301),
        idempotency_key: "k".into(),
        queued_at: Timestamp::now(),
    };
    let e = rt().block_on(ch.send_reply(&req)).expect_err("too long");
    assert!(
        e.to_string().contains("301") && e.to_string().contains("300"),
        "{e}"
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_first_sync_reads_back_through_the_backfill_window() {
    // 30 notifications from 2026-11-22, 7 per page.
    let (server, _state) = fake(30, 7);
    let first = |window: Option<std::time::Duration>| {
        let pw = "app-pass-1".to_string();
        let ch = BlueskyChannel::new(
            &server.url(),
            "brand.test",
            Some(Arc::new(move || Ok(pw.clone()))),
            Arc::new(MemorySessions::default()),
            BlueskyOptions {
                first_sync_window: window,
                ..BlueskyOptions::default()
            },
        )
        .expect("channel");
        let before = server.count("GET", "/xrpc/app.bsky.notification.listNotifications");
        let out = rt().block_on(ch.poll(None)).expect("poll");
        let pages = server.count("GET", "/xrpc/app.bsky.notification.listNotifications") - before;
        (out.items.len(), pages)
    };
    // No window, or a day (the newest page is already older): one page.
    assert_eq!(first(None).1, 1);
    assert_eq!(first(Some(std::time::Duration::from_secs(86_400))).1, 1);
    // "all": every page the server has (30 / 7 → 5), every wanted post (the likes are not).
    let (items, pages) = first(Some(std::time::Duration::MAX));
    assert_eq!((items, pages), (24, 5));
}

#[test]
fn a_bad_byte_or_a_lone_surrogate_in_one_notification_fails_nothing() {
    let (server, state) = fake(50, 50);
    {
        let mut f = state.lock().expect("s");
        f.notifications[11]["record"]["text"] = json!("bad @@BAD@@ byte");
        f.notifications[21]["author"]["displayName"] = json!("cut @@BAD@@");
        f.notifications[31]["record"]["text"] = json!("lone @@SURROGATE@@ escape");
        f.patch = Some(("@@BAD@@".into(), b"\xff".to_vec()));
    }
    let ch = channel(&server, Arc::new(MemorySessions::default()), "app-pass-1");
    let out = rt().block_on(ch.poll(None)).expect("the poll succeeds");
    let texts: Vec<&str> = out.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(out.items.len(), 40, "every mention (10 of 50 are likes)");
    assert!(texts.contains(&"bad \u{fffd} byte"), "{texts:?}");

    // A lone surrogate escape (a JavaScript string cut inside an emoji).
    state.lock().expect("s").patch = Some(("@@SURROGATE@@".into(), br"\ud83d".to_vec()));
    let out = rt().block_on(ch.poll(None)).expect("the poll succeeds");
    let texts: Vec<&str> = out.items.iter().map(|i| i.text.as_str()).collect();
    assert!(texts.contains(&"lone \u{fffd} escape"), "{texts:?}");
}
