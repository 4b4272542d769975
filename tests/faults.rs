//! Faults a long-running inbox meets: the network goes away and comes back, a name does not
//! resolve, TLS fails. Each is a clear, transient error, and polling recovers by itself.

mod support;

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::json;
use support::http::{Request, Response, serve, serve_on};
use tinbox::channels::mastodon::{MastodonChannel, MastodonOptions};
use tinbox::channels::poller::{PollerConfig, PollerEvent, spawn_poller};
use tinbox::channels::{Channel, ChannelError};
use tinbox::store::StoreHandle;
use tinbox::store::sqlite::SqliteStore;

fn mastodon(url: &str) -> MastodonChannel {
    MastodonChannel::new(url, "token".into(), MastodonOptions::default()).expect("channel")
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("rt")
}

fn answers(r: &Request) -> Response {
    match r.path.as_str() {
        "/api/v1/accounts/verify_credentials" => Response::json(
            200,
            &json!({"id": "1", "username": "brand", "acct": "brand"}),
        ),
        "/api/v1/notifications" | "/api/v1/conversations" => Response::json(200, &json!([])),
        _ => Response::json(200, &json!({})),
    }
}

#[test]
fn dns_and_tls_failures_are_clear_transient_errors() {
    let rt = rt();
    let e = rt
        .block_on(mastodon("https://tinbox-test.invalid").poll(None))
        .expect_err("no such host");
    assert!(
        matches!(e, ChannelError::Network(_)) && e.is_transient(),
        "{e:?}"
    );
    assert!(e.to_string().contains("cannot connect"), "{e}");
    assert!(!e.to_string().contains("token"), "{e}");

    // https to a server that speaks plain http: the TLS handshake fails.
    let plain = serve(Arc::new(answers));
    let e = rt
        .block_on(mastodon(&format!("https://{}", plain.addr)).poll(None))
        .expect_err("tls");
    assert!(
        matches!(e, ChannelError::Network(_)) && e.is_transient(),
        "{e:?}"
    );
}

#[test]
fn polling_recovers_when_the_network_comes_back() {
    // A port with nothing behind it: connection refused, as when the network is down.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let rt = rt();
    let dir = tempfile::tempdir().expect("dir");
    let store = StoreHandle::spawn(Box::new(
        SqliteStore::open(&dir.path().join("t.db")).expect("store"),
    ));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let clock: tinbox::channels::demo::Clock = Arc::new(Timestamp::now);
    let cfg = PollerConfig {
        interval: Duration::from_secs(60),
        jitter: 0.0,
        first_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(400),
        backfill: None,
    };
    let ch: Arc<dyn Channel> = Arc::new(mastodon(&url));
    rt.block_on(async {
        let _poller = spawn_poller(
            "acc".into(),
            ch,
            store.clone(),
            Default::default(),
            cfg,
            tx,
            clock,
        );
        let mut failures = 0;
        let mut server = None;
        let outcome = tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(ev) = rx.recv().await {
                match ev {
                    PollerEvent::Failed {
                        error, retry_at, ..
                    } => {
                        failures += 1;
                        assert!(error.contains("cannot connect"), "{error}");
                        assert!(retry_at.is_some(), "a retry is planned");
                        // The network comes back after two failures.
                        if failures == 2 {
                            server =
                                Some(serve_on(&format!("127.0.0.1:{port}"), Arc::new(answers)));
                        }
                    }
                    PollerEvent::Synced { .. } => return failures,
                    PollerEvent::Started { .. }
                    | PollerEvent::Elsewhere { .. }
                    | PollerEvent::Usage { .. } => {}
                }
            }
            failures
        })
        .await
        .expect("synced again within 20 s");
        assert!(outcome >= 2, "failed while down, then synced");
        drop(server);
    });
}

#[test]
fn a_slow_server_times_out_within_its_bound() {
    let slow = serve(Arc::new(|r: &Request| {
        std::thread::sleep(Duration::from_secs(5));
        answers(r)
    }));
    let ch = MastodonChannel::new(
        &slow.url(),
        "token".into(),
        MastodonOptions {
            timeout: Duration::from_millis(500),
            ..MastodonOptions::default()
        },
    )
    .expect("channel");
    let started = std::time::Instant::now();
    let e = rt().block_on(ch.poll(None)).expect_err("too slow");
    assert!(
        e.is_transient() && e.to_string().contains("timed out"),
        "{e}"
    );
    // Bounded by the timeout, not by the server (which would answer after 5 s).
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn an_endless_answer_is_refused_not_swallowed() {
    let rt = rt();
    // Announced: a 20 MB page of notifications.
    let huge = serve(Arc::new(|r: &Request| match r.path.as_str() {
        "/api/v1/notifications" => Response::raw(
            200,
            "application/json",
            &format!("[{}]", " ".repeat(20 * 1024 * 1024)),
        ),
        _ => answers(r),
    }));
    let e = rt
        .block_on(mastodon(&format!("http://{}", huge.addr)).poll(None))
        .expect_err("too big");
    assert!(e.to_string().contains("larger than 16 MB"), "{e}");

    // Not announced: a server that streams without a length and never stops.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        use std::io::{BufRead, Write};
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = std::io::BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                let mut path = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    if path.is_empty() {
                        path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    }
                    line.clear();
                }
                let mut out = stream;
                if path.starts_with("/api/v1/accounts/verify_credentials") {
                    let body = r#"{"id": "1", "username": "brand", "acct": "brand"}"#;
                    let _ = write!(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    return;
                }
                let _ = out.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[",
                );
                let chunk = vec![b' '; 64 * 1024];
                while out.write_all(&chunk).is_ok() {}
            });
        }
    });
    let e = rt
        .block_on(mastodon(&format!("http://{addr}")).poll(None))
        .expect_err("endless");
    assert!(e.to_string().contains("larger than 16 MB"), "{e}");
}
