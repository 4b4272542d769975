//! How long the store's list, count, filter and search queries take on a big store: ignored by
//! default, timings printed, never asserted. Run in release:
//! `TINBOX_STORE_ITEMS=1000000 cargo test --release --lib store::perf_tests -- --ignored --nocapture`
//! (with `TINBOX_PG_URL` set, the PostgreSQL store is measured too).

use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};

use super::ItemQuery;
use super::postgres::PgStore;
use super::postgres::tests::testdb::TestDb;
use super::prelude::*;
use super::sqlite::SqliteStore;
use crate::filter::Filter;
use crate::model::{Author, ChannelKind, IncomingItem, Kind, RowBuilder, Visibility};

const WORDS: &[&str] = &[
    "order",
    "refund",
    "late",
    "app",
    "crash",
    "love",
    "coffee",
    "subscription",
    "billing",
    "thanks",
    "where",
    "is",
    "my",
    "the",
    "a",
    "please",
    "help",
    "account",
    "login",
    "broken",
    "great",
    "service",
    "delivery",
    "package",
    "today",
    "yesterday",
    "still",
    "waiting",
    "why",
    "café",
    "été",
    "#4411",
    "kim@example.com",
];

fn items(n: usize) -> Vec<IncomingItem> {
    let mut rng = fastrand::Rng::with_seed(21);
    let now = Timestamp::now();
    (0..n)
        .map(|i| {
            let mut text: Vec<String> = (0..rng.usize(8..40))
                .map(|_| WORDS[rng.usize(..WORDS.len())].to_string())
                .collect();
            // Rarer words: one of 20,000 in a third of the items.
            if i % 3 == 0 {
                text.push(format!("zq{}", rng.usize(..20_000)));
            }
            IncomingItem {
                remote_id: format!("r{i}"),
                kind: [Kind::Mention, Kind::Reply, Kind::Dm, Kind::Quote][rng.usize(..4)],
                author: Author {
                    handle: format!("@user{}@example.social", rng.usize(..5000)),
                    name: format!("User {}", rng.usize(..5000)),
                },
                text: text.join(" "),
                url: None,
                created_at: now
                    .checked_sub(SignedDuration::from_secs((n - i) as i64 * 30))
                    .unwrap_or(now),
                thread_root: None,
                in_reply_to: None,
                visibility: Visibility::Public,
            }
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Ingest `n` items in batches of 500, close eleven in twelve, then time each query (the
/// median of 5 runs).
fn measure(name: &str, s: &mut dyn StoreBackend, n: usize, close: &dyn Fn()) {
    let all = items(n);
    let t = Instant::now();
    for chunk in all.chunks(500) {
        s.ingest(
            "brand",
            ChannelKind::Mastodon,
            chunk,
            None,
            Timestamp::now(),
        )
        .expect("ingest");
    }
    let secs = t.elapsed().as_secs_f64();
    println!("{name} {n}: ingest {:.0} items/s", n as f64 / secs);
    drop(all);
    close();
    let f = |q: &str| Some(Filter::parse(q).expect(q));
    let search = |w: &str, all: bool| ItemQuery {
        search: Some(w.into()),
        all,
        ..ItemQuery::default()
    };
    let cases: Vec<(&str, ItemQuery)> = vec![
        ("open ids", ItemQuery::default()),
        (
            "all ids",
            ItemQuery {
                all: true,
                ..ItemQuery::default()
            },
        ),
        (
            "filter kind:dm is:unread (all)",
            ItemQuery {
                all: true,
                filter: f("kind:dm is:unread"),
                ..ItemQuery::default()
            },
        ),
        ("search refund (open)", search("refund", false)),
        ("search refund (all)", search("refund", true)),
        ("search rare zq1234 (all)", search("zq1234", true)),
        ("search prefix re (all)", search("re", true)),
        ("search two words (all)", search("late coff", true)),
    ];
    for (what, q) in cases {
        let mut times = Vec::new();
        let (mut found, mut counted) = (0, 0);
        let mut count_times = Vec::new();
        let mut page_times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            found = s.list_ids(&q).expect("ids").len();
            times.push(t.elapsed());
            let t = Instant::now();
            counted = s.count_items(&q).expect("count");
            count_times.push(t.elapsed());
            let page = ItemQuery {
                limit: Some(60),
                ..q.clone()
            };
            let t = Instant::now();
            s.list_rows(&page, &mut RowBuilder::default())
                .expect("rows");
            page_times.push(t.elapsed());
        }
        for v in [&mut times, &mut count_times, &mut page_times] {
            v.sort();
        }
        assert_eq!(found, counted);
        println!(
            "{name} {n}: {what}: {found} ids in {:.1} ms, counted in {:.1} ms, first 60 rows in {:.1} ms",
            ms(times[2]),
            ms(count_times[2]),
            ms(page_times[2])
        );
    }
}

fn size() -> usize {
    std::env::var("TINBOX_STORE_ITEMS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn sqlite_queries_on_a_big_store() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    // Ingest without migration 4's list indexes, for their cost; same items, same batches.
    {
        let old = dir.path().join("schema3.db");
        let mut s3 = SqliteStore::open(&old).expect("store");
        let c = rusqlite::Connection::open(&old).expect("conn");
        c.execute_batch("DROP INDEX items_open; DROP INDEX items_created;")
            .expect("drop");
        drop(c);
        let all = items(size());
        let t = Instant::now();
        for chunk in all.chunks(500) {
            s3.ingest(
                "brand",
                ChannelKind::Mastodon,
                chunk,
                None,
                Timestamp::now(),
            )
            .expect("ingest");
        }
        let rate = all.len() as f64 / t.elapsed().as_secs_f64();
        println!(
            "sqlite {}: ingest without the list indexes {rate:.0} items/s",
            all.len()
        );
    }
    let mut s = SqliteStore::open(&path).expect("store");
    let close = || {
        let c = rusqlite::Connection::open(&path).expect("conn");
        c.execute("UPDATE items SET status = 'done' WHERE id % 12 <> 0", [])
            .expect("close");
    };
    measure("sqlite", &mut s, size(), &close);
}

#[test]
#[ignore = "a measurement: run in release with --ignored --nocapture"]
fn postgres_queries_on_a_big_store() {
    let Some(db) = TestDb::migrated() else {
        return;
    };
    let mut s = PgStore::open(&db.options("kim")).expect("open");
    let close = || {
        let mut c = db.raw();
        c.batch_execute("UPDATE items SET status = 'done' WHERE id % 12 <> 0; ANALYZE items")
            .expect("close");
    };
    measure("postgres", &mut s, size(), &close);
}
