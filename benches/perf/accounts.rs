//! Figure 6: many accounts polled at once on loopback fake Mastodon servers, one answering
//! 429 and one never answering. The others must all be synced within one poll interval.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::json;
use tinbox::channels::Channel;
use tinbox::channels::demo::Clock;
use tinbox::channels::mastodon::{MastodonChannel, MastodonOptions};
use tinbox::channels::poller::{PollerConfig, PollerEvent, spawn_poller};
use tinbox::store::StoreHandle;
use tinbox::store::sqlite::SqliteStore;

use super::http::{self, Request, Response, serve};

/// A Mastodon-API server with one mention; `mode` 1 answers 429, 2 never answers.
fn server(n: usize, mode: u8) -> http::Server {
    serve(Arc::new(move |r: &Request| {
        if mode == 2 {
            std::thread::sleep(Duration::from_secs(600));
        }
        if mode == 1 {
            return Response::json(429, &json!({"error": "Too many requests"}))
                .with_header("X-RateLimit-Remaining", "0")
                .with_header("X-RateLimit-Reset", "2099-01-01T00:00:00Z");
        }
        let me = json!({"id": "1", "username": "brand", "acct": "brand", "display_name": "Brand"});
        let kim =
            json!({"id": "2", "username": "kim", "acct": "kim@x.social", "display_name": "Kim"});
        let status = json!({"id": format!("{n}00"), "created_at": "2026-11-20T09:00:00.000Z",
            "account": kim, "content": "<p>hello</p>", "visibility": "public",
            "in_reply_to_id": null, "url": null, "uri": "x", "spoiler_text": ""});
        match r.path.as_str() {
            "/api/v1/accounts/verify_credentials" => Response::json(200, &me),
            "/api/v2/instance" => Response::json(200, &json!({})),
            "/api/v1/notifications" => Response::json(
                200,
                &json!([{"id": format!("{n}1"), "type": "mention", "created_at": "2026-11-20T09:00:00.000Z",
                         "account": kim, "status": status}]),
            ),
            "/api/v1/conversations" => Response::json(200, &json!([])),
            _ => Response::json(404, &json!({"error": "not found"})),
        }
    }))
}

pub fn run(accounts: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("dir");
    let store = StoreHandle::spawn(Box::new(
        SqliteStore::open(&dir.path().join("accounts.db")).expect("store"),
    ));
    let servers: Vec<http::Server> = (0..accounts)
        .map(|i| server(i, [1, 2].get(i).copied().unwrap_or(0)))
        .collect();
    let interval = Duration::from_secs(30);
    let clock: Clock = Arc::new(Timestamp::now);
    rt.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let t = Instant::now();
        let mut handles = Vec::new();
        for (i, s) in servers.iter().enumerate() {
            let ch: Arc<dyn Channel> = Arc::new(
                MastodonChannel::new(&s.url(), "token".into(), MastodonOptions::default())
                    .expect("channel"),
            );
            handles.push(spawn_poller(
                format!("acc{i:02}"),
                ch,
                store.clone(),
                Default::default(),
                PollerConfig::every(interval),
                tx.clone(),
                clock.clone(),
            ));
        }
        drop(tx);
        let healthy = accounts.saturating_sub(2);
        let mut synced = std::collections::BTreeSet::new();
        let mut limited = false;
        let deadline = tokio::time::sleep(interval);
        tokio::pin!(deadline);
        while synced.len() < healthy {
            tokio::select! {
                ev = rx.recv() => match ev {
                    Some(PollerEvent::Synced { account, .. }) => { synced.insert(account); }
                    Some(PollerEvent::Failed { account, .. }) if account == "acc00" => limited = true,
                    Some(_) => {}
                    None => break,
                },
                _ = &mut deadline => break,
            }
        }
        println!(
            "6. {accounts} accounts polled at once: {} of {healthy} healthy ones synced in {:.0} ms (one 429{}, one hanging)   target: all within one interval ({}s)",
            synced.len(),
            t.elapsed().as_secs_f64() * 1000.0,
            if limited { " reported" } else { "" },
            interval.as_secs()
        );
        drop(handles);
    });
    // The hanging server's handler thread sleeps on; the process exits anyway.
    rt.shutdown_background();
}
