//! Feeds against a loopback HTTP server: RSS 2.0, Atom, JSON Feed, validators, faults.

mod support;

use std::sync::Arc;

use support::http::{Request, Response, serve};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::demo::Clock;
use tinbox::channels::feed::FeedChannel;
use tinbox::channels::{Channel, ChannelError};
use tinbox::model::Kind;
use tinbox::testing::{at, t0};

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Café Reviews</title><link>https://reviews.invalid/</link><description>reviews</description>
<item><title>Northwind outage again</title><link>https://reviews.invalid/1</link><guid>r-1</guid><pubDate>Fri, 20 Nov 2026 09:00:00 GMT</pubDate><description><![CDATA[<p>The <b>app</b> was down &amp; my order vanished. Zoë 😤</p>]]></description></item>
<item><title>Great coffee</title><link>https://reviews.invalid/2</link><guid>r-2</guid><description>Loved the Guji.</description></item>
<item><title>Same guid again</title><link>https://reviews.invalid/1b</link><guid>r-1</guid><description>a duplicate</description></item>
<item><title>Refund took weeks</title><link>https://reviews.invalid/3</link><description>no guid, a REFUND story</description></item>
</channel></rss>"#;

const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Forum</title><id>urn:forum</id><updated>2026-11-20T10:00:00Z</updated>
<entry><title>Northwind grinder broke</title><id>urn:forum:1</id><updated>2026-11-20T08:00:00Z</updated><author><name>Ruth</name></author><link href="https://forum.invalid/t/1"/><content type="html">&lt;p&gt;Third one this year. An outage of patience.&lt;/p&gt;</content></entry>
<entry><title>Unrelated</title><id>urn:forum:2</id><updated>2026-11-20T07:00:00Z</updated><summary>nothing to see</summary></entry>
</feed>"#;

const JSON_FEED: &str = r#"{"version":"https://jsonfeed.org/version/1.1","title":"Alerts","items":[{"id":"a1","content_text":"Outage reported in Leith","date_published":"2026-11-20T09:30:00Z","url":"https://alerts.invalid/a1"}]}"#;

fn clock() -> Clock {
    Arc::new(t0)
}

/// Serves the documents by path; `/etag` honours If-None-Match.
fn server() -> support::http::Server {
    serve(Arc::new(|req: &Request| match req.path.as_str() {
        "/rss" => Response::raw(200, "application/rss+xml; charset=utf-8", RSS),
        "/atom" => Response::raw(200, "application/atom+xml", ATOM),
        "/json" => Response::raw(200, "application/feed+json", JSON_FEED),
        "/etag" => {
            if req.header("if-none-match") == Some("\"v1\"") {
                Response::raw(304, "text/plain", "")
            } else {
                Response::raw(200, "application/rss+xml", RSS)
                    .with_header("ETag", "\"v1\"")
                    .with_header("Last-Modified", "Fri, 20 Nov 2026 09:00:00 GMT")
            }
        }
        "/html" => Response::raw(
            200,
            "text/html",
            "<!doctype html><html><body><h1>Welcome</h1></body></html>",
        ),
        "/truncated" => Response::raw(200, "application/rss+xml", &RSS[..RSS.len() / 2]),
        "/huge" => Response::raw(200, "application/rss+xml", &"x".repeat(6 * 1024 * 1024)),
        "/busy" => Response::raw(429, "text/plain", "slow down").with_header("Retry-After", "120"),
        "/down" => Response::raw(503, "text/plain", "maintenance").with_header("Retry-After", "30"),
        _ => Response::raw(404, "text/plain", "no"),
    }))
}

fn feed(url: &str, keywords: &[&str]) -> FeedChannel {
    FeedChannel::new(
        url,
        keywords.iter().map(|k| k.to_string()).collect(),
        clock(),
    )
    .expect("feed")
}

#[tokio::test]
async fn rss_entries_are_read_deduped_and_dated() {
    let srv = server();
    let out = feed(&format!("{}/rss", srv.url()), &[])
        .poll(None)
        .await
        .expect("poll");
    let ids: Vec<_> = out.items.iter().map(|i| i.remote_id.as_str()).collect();
    assert_eq!(ids.len(), 3, "the duplicate guid is dropped: {ids:?}");
    assert_eq!(&ids[..2], &["r-1", "r-2"]);
    assert!(
        ids[2].starts_with("gen:"),
        "an entry without guid gets a stable id"
    );
    let first = &out.items[0];
    assert_eq!(first.kind, Kind::Entry);
    assert_eq!(
        first.text,
        "Northwind outage again\n\nThe app was down & my order vanished. Zoë 😤"
    );
    assert_eq!(first.author.name, "Café Reviews");
    assert_eq!(first.url.as_deref(), Some("https://reviews.invalid/1"));
    assert_eq!(first.created_at.to_string(), "2026-11-20T09:00:00Z");
    assert_eq!(out.items[1].created_at, t0(), "no date: first seen");
    // The same document again gives the same generated id.
    let again = feed(&format!("{}/rss", srv.url()), &[])
        .poll(None)
        .await
        .expect("poll");
    assert_eq!(again.items[2].remote_id, out.items[2].remote_id);
}

#[tokio::test]
async fn atom_and_json_feed_and_keywords() {
    let srv = server();
    let atom = feed(&format!("{}/atom", srv.url()), &[])
        .poll(None)
        .await
        .expect("atom");
    assert_eq!(atom.items.len(), 2);
    assert_eq!(atom.items[0].author.name, "Ruth");
    assert_eq!(
        atom.items[0].text,
        "Northwind grinder broke\n\nThird one this year. An outage of patience."
    );
    let json = feed(&format!("{}/json", srv.url()), &[])
        .poll(None)
        .await
        .expect("json");
    assert_eq!(
        (json.items.len(), json.items[0].remote_id.as_str()),
        (1, "a1")
    );
    // Keywords: any of them, any case, in title or body.
    let rss = feed(&format!("{}/rss", srv.url()), &["outage", "refund"])
        .poll(None)
        .await
        .expect("rss");
    let titles: Vec<_> = rss
        .items
        .iter()
        .map(|i| i.text.lines().next().unwrap_or(""))
        .collect();
    assert_eq!(titles, vec!["Northwind outage again", "Refund took weeks"]);
    let atom = feed(&format!("{}/atom", srv.url()), &["OUTAGE"])
        .poll(None)
        .await
        .expect("atom");
    assert_eq!(atom.items.len(), 1, "matched in the content");
}

#[tokio::test]
async fn validators_are_sent_and_304_brings_nothing() {
    let srv = server();
    let f = feed(&format!("{}/etag", srv.url()), &[]);
    let first = f.poll(None).await.expect("first");
    assert_eq!(first.items.len(), 3);
    let cursor = first.cursor.expect("validators kept");
    let second = f.poll(Some(&cursor)).await.expect("second");
    assert!(
        second.items.is_empty() && second.cursor.is_none(),
        "304: nothing new, validators kept"
    );
    let last = srv.requests().pop().expect("request");
    assert_eq!(last.header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        last.header("if-modified-since"),
        Some("Fri, 20 Nov 2026 09:00:00 GMT")
    );
}

#[tokio::test]
async fn busy_servers_and_broken_documents_get_clear_errors() {
    let srv = server();
    let err = |path: &str| {
        let f = feed(&format!("{}{path}", srv.url()), &[]);
        async move { f.poll(None).await.expect_err("fails") }
    };
    assert_eq!(
        err("/busy").await,
        ChannelError::RateLimited { until: at(120) }
    );
    assert_eq!(
        err("/down").await,
        ChannelError::RateLimited { until: at(30) }
    );
    for path in ["/html", "/truncated"] {
        match err(path).await {
            ChannelError::Malformed(m) => {
                assert!(m.contains("not an RSS, Atom or JSON feed"), "{path}: {m}")
            }
            other => panic!("{path}: {other:?}"),
        }
    }
    assert!(
        matches!(err("/huge").await, ChannelError::Malformed(m) if m.contains("larger than 5 MB"))
    );
    assert!(matches!(err("/missing").await, ChannelError::Rejected(m) if m.contains("404")));
    assert!(
        FeedChannel::new("http://feeds.example/x.rss", vec![], clock()).is_err(),
        "plain http only for loopback"
    );
}

#[test]
fn a_new_feeds_old_entries_come_in_as_done_history() {
    let srv = server();
    let sb = Sandbox::new();
    // The default window: 24 hours. The forum's two entries are days old.
    sb.write_config(&format!(
        "[accounts.forum]\nchannel = \"feed\"\nurl = \"{}/atom\"\n",
        srv.url()
    ));
    let out = sb.run(&["sync", "--once"]);
    assert!(
        stdout(&out).contains("forum: synced, 0 new, 2 older kept as done history (backfill)"),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let open: serde_json::Value =
        serde_json::from_str(&stdout(&sb.run(&["list", "--json"]))).expect("json");
    assert_eq!(
        open.as_array().map(Vec::len),
        Some(0),
        "nothing waits: {open}"
    );
    let all: serde_json::Value =
        serde_json::from_str(&stdout(&sb.run(&["list", "--json", "--all"]))).expect("json");
    let all = all.as_array().expect("array");
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|i| i["status"] == "done"), "{all:?}");
    // Later syncs are not first syncs: nothing more is cut, nothing comes twice.
    let out = sb.run(&["sync", "--once"]);
    assert!(
        stdout(&out).contains("forum: synced, 0 new"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn sync_lists_entries_and_a_broken_feed_does_not_stop_the_others() {
    let srv = server();
    let sb = Sandbox::new();
    // These entries are days old: `all` keeps a new account's whole history open (the
    // backfill window is another test).
    sb.write_config(&format!(
        "backfill = \"all\"\n\
         [accounts.reviews]\nchannel = \"feed\"\nurl = \"{0}/etag\"\nkeywords = [\"outage\", \"refund\"]\n\n\
         [accounts.forum]\nchannel = \"feed\"\nurl = \"{0}/atom\"\n\n\
         [accounts.broken]\nchannel = \"feed\"\nurl = \"{0}/html\"\n",
        srv.url()
    ));
    let out = sb.run(&["sync", "--once"]);
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one account failed: {text}{}",
        stderr(&out)
    );
    assert!(text.contains("reviews: synced, 2 new"), "{text}");
    assert!(text.contains("forum: synced, 2 new"), "{text}");
    assert!(
        text.contains("broken: error:") && text.contains("not an RSS, Atom or JSON feed"),
        "{text}"
    );
    let list: serde_json::Value =
        serde_json::from_str(&stdout(&sb.run(&["list", "--json"]))).expect("json");
    let items = list.as_array().expect("array");
    assert_eq!(items.len(), 4);
    assert!(
        items
            .iter()
            .all(|i| i["kind"] == "entry" && i["channel"] == "feed")
    );
    assert!(
        items.iter().all(|i| i["timer"]["state"] == "ok"),
        "entries wait from when they were first seen"
    );
    assert!(
        items
            .iter()
            .any(|i| i["created_at"] == "2026-11-20T09:00:00Z"),
        "but keep their own date"
    );

    let out = sb.run(&["sync", "--once"]);
    assert!(
        stdout(&out).contains("reviews: synced, 0 new"),
        "{}",
        stdout(&out)
    );
    let etag_requests: Vec<_> = srv
        .requests()
        .into_iter()
        .filter(|r| r.path == "/etag")
        .collect();
    assert_eq!(etag_requests.len(), 2);
    assert_eq!(
        etag_requests[1].header("if-none-match"),
        Some("\"v1\""),
        "the second sync sent the validator"
    );
    let again: serde_json::Value =
        serde_json::from_str(&stdout(&sb.run(&["list", "--json"]))).expect("json");
    assert_eq!(again.as_array().expect("array").len(), 4, "no duplicates");
}

#[test]
fn account_add_feed_checks_the_feed_first() {
    let srv = server();
    let sb = Sandbox::new();
    let out = sb.run(&["account", "add", "feed", &format!("{}/html", srv.url())]);
    assert!(
        !out.status.success() && stderr(&out).contains("not an RSS"),
        "{}",
        stderr(&out)
    );
    let out = sb.run(&[
        "account",
        "add",
        "feed",
        &format!("{}/rss", srv.url()),
        "--name",
        "reviews",
        "--keywords",
        "outage,refund",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("2 matching entries"),
        "{}",
        stdout(&out)
    );
    let cfg = std::fs::read_to_string(sb.config_dir().join("config.toml")).expect("config");
    assert!(
        cfg.contains("[accounts.reviews]") && cfg.contains("keywords = [\"outage\", \"refund\"]"),
        "{cfg}"
    );
}
