use super::*;
use crate::model::{ChannelKind, IncomingItem};
use crate::store::ItemQuery;
use crate::store::conformance::incoming;
use crate::store::prelude::*;
use crate::testing::at;

/// Every backend-independent test, on a fresh in-memory store.
mod conformance {
    use super::SqliteStore;
    use crate::store::StoreBackend;

    fn run(test: fn(&mut dyn StoreBackend)) {
        test(&mut SqliteStore::open_in_memory().expect("store"));
    }

    crate::store::conformance::conformance_suite!(run);
}

#[test]
fn migrations_run_once_and_reopen_is_a_no_op() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("data/tinbox.db");
    let mut s = SqliteStore::open(&path).expect("open");
    assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    s.ingest(
        "a",
        ChannelKind::Demo,
        &[incoming("1", at(0))],
        Some("c1"),
        at(5),
    )
    .expect("ingest");
    drop(s);
    let mut s = SqliteStore::open(&path).expect("reopen");
    assert_eq!(s.schema_version().expect("v"), SCHEMA_VERSION);
    assert_eq!(s.list_items(&ItemQuery::default()).expect("list").len(), 1);
    assert!(s.integrity_ok().expect("check"));
}

#[test]
fn newer_schema_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    drop(SqliteStore::open(&path).expect("open"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw");
        c.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .expect("bump");
    }
    let before = std::fs::read(&path).expect("read");
    match SqliteStore::open(&path) {
        Err(StoreError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (SCHEMA_VERSION + 1, SCHEMA_VERSION))
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer schema must be refused"),
    }
    assert_eq!(
        std::fs::read(&path).expect("read"),
        before,
        "nothing changed"
    );
}

#[test]
fn not_a_database_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("tinbox.db");
    std::fs::write(
        &path,
        "this is not sqlite, just some text that is long enough to look like a header....",
    )
    .expect("w");
    let err = SqliteStore::open(&path).err().expect("error").to_string();
    assert!(err.contains("not a tinbox store"), "{err}");
}

#[test]
fn a_full_disk_is_a_clear_error_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = SqliteStore::open(&dir.path().join("full.db")).expect("open");
    let first: Vec<IncomingItem> = (0..10).map(|i| incoming(&format!("a{i}"), at(i))).collect();
    s.ingest("acc", ChannelKind::Demo, &first, Some("c1"), at(20))
        .expect("ingest");
    // The file may not grow any more: SQLite answers SQLITE_FULL, as on a full disk.
    let pages: i64 = s
        .conn
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .expect("pages");
    s.conn
        .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
        .expect("limit");
    let big: Vec<IncomingItem> = (0..500)
        .map(|i| IncomingItem {
            text: "x".repeat(4000),
            ..incoming(&format!("b{i}"), at(30 + i))
        })
        .collect();
    let e = s
        .ingest("acc", ChannelKind::Demo, &big, Some("c2"), at(40))
        .expect_err("full");
    assert_eq!(
        e.to_string(),
        StoreError::Db("the disk is full".into()).to_string()
    );
    // Nothing half-written: the ten items and the old cursor, an intact file.
    assert_eq!(s.list_items(&ItemQuery::default()).expect("list").len(), 10);
    assert_eq!(
        s.account("acc")
            .expect("acc")
            .and_then(|a| a.cursor)
            .as_deref(),
        Some("c1"),
        "the cursor does not move past items that were not stored"
    );
    assert!(s.integrity_ok().expect("check"));
    // Space again: the same batch goes in.
    s.conn
        .query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(()))
        .expect("unlimit");
    s.ingest("acc", ChannelKind::Demo, &big, Some("c2"), at(50))
        .expect("ingest after space is freed");
    assert_eq!(
        s.list_items(&ItemQuery::default()).expect("list").len(),
        510
    );
}

#[test]
fn a_reply_sent_through_the_outbox_counts_from_when_it_was_queued() {
    use crate::store::Activity;
    let mut s = SqliteStore::open_in_memory().expect("store");
    let id = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("root", at(0))],
            None,
            at(10),
        )
        .expect("i")
        .new_items[0];
    // Composer opened at 100; a reply (from a script) queued at 120, which the network dates
    // earlier (its clock is behind): still news.
    let oid = s.enqueue_reply(id, "hi", "k1", at(120)).expect("queue");
    assert_eq!(
        s.activity_since(id, at(100), "kim").expect("activity"),
        vec![Activity::Reply {
            who: "kim".into(),
            at: at(120),
            queued: true
        }]
    );
    assert!(s.outbox_mark_sending(oid, at(121)).expect("take"));
    s.outbox_mark_sent(oid, "out-9", "kim", at(50))
        .expect("sent");
    assert_eq!(
        s.activity_since(id, at(100), "kim").expect("activity"),
        vec![Activity::Reply {
            who: "kim".into(),
            at: at(120),
            queued: false
        }]
    );
    assert!(
        s.activity_since(id, at(130), "kim")
            .expect("activity")
            .is_empty()
    );
}

/// `tinbox` and `tinbox sync` started together on a fresh data dir both create the store:
/// every opener succeeds and the schema is migrated once.
#[test]
fn openers_racing_on_a_new_store_all_succeed() {
    for round in 0..15 {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("tinbox.db");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    SqliteStore::open(&path).map(|s| s.schema_version())
                })
            })
            .collect();
        for h in handles {
            match h.join().expect("thread") {
                Ok(v) => assert_eq!(v.expect("version"), SCHEMA_VERSION),
                Err(e) => panic!("round {round}: {e}"),
            }
        }
    }
}
