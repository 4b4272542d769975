//! The inbox's list queries are index range scans in list order on both backends: no full
//! scan of `items`, no sort of the whole list (a million items sorted on every reload is
//! what migration 4's indexes are for). The plans are read with `EXPLAIN QUERY PLAN`
//! (SQLite) and `EXPLAIN` (PostgreSQL, when `TINBOX_PG_URL` is set).

use super::common::{SqlStore, plan};
use super::postgres::PgStore;
use super::postgres::tests::testdb::TestDb;
use super::prelude::*;
use super::sqlite::SqliteStore;
use super::{ItemQuery, conformance::incoming};
use crate::filter::Filter;
use crate::model::{ChannelKind, Status};
use crate::testing::at;

/// The lists the inbox, `list` and the rules ask for, by name.
fn lists() -> Vec<(&'static str, ItemQuery)> {
    let f = |q: &str| Some(Filter::parse(q).expect(q));
    vec![
        ("open", ItemQuery::default()),
        (
            "open, a page",
            ItemQuery {
                limit: Some(40),
                ..ItemQuery::default()
            },
        ),
        (
            "everything",
            ItemQuery {
                all: true,
                ..ItemQuery::default()
            },
        ),
        (
            "closed",
            ItemQuery {
                statuses: vec![Status::Done],
                ..ItemQuery::default()
            },
        ),
        (
            "an account's open items",
            ItemQuery {
                account: Some("a".into()),
                ..ItemQuery::default()
            },
        ),
        (
            "an account's items",
            ItemQuery {
                account: Some("a".into()),
                all: true,
                ..ItemQuery::default()
            },
        ),
        (
            "a view",
            ItemQuery {
                filter: f("kind:dm,mention is:unread assignee:me,none priority:high tag:vip"),
                me: Some("kim".into()),
                ..ItemQuery::default()
            },
        ),
        (
            "some open statuses",
            ItemQuery {
                filter: f("status:new,pending"),
                ..ItemQuery::default()
            },
        ),
    ]
}

/// A store with a few items of two accounts, some closed.
fn fill<S: StoreBackend>(s: &mut S) {
    for account in ["a", "b"] {
        let items: Vec<_> = (0..20)
            .map(|n| incoming(&format!("{account}{n}"), at(n)))
            .collect();
        let ids = s
            .ingest(account, ChannelKind::Demo, &items, None, at(30))
            .expect("ingest")
            .new_items;
        for id in ids.iter().step_by(3) {
            s.set_status(*id, Status::Done, "kim", "done", at(31))
                .expect("done");
        }
    }
}

/// Every list's plan, whole items and ids, with what is wrong with it.
fn check<S: SqlStore>(s: &mut S, explain: &str, column: usize, bad: impl Fn(&str) -> bool) {
    for (name, q) in lists() {
        for whole in [true, false] {
            let lines = plan(s, &q, whole, explain, column).expect("plan");
            let text = lines.join("\n");
            assert!(
                !lines.iter().any(|l| bad(l)),
                "{name} ({}): a full scan or a sort:\n{text}",
                if whole { "items" } else { "ids" }
            );
        }
    }
}

#[test]
fn sqlite_lists_are_index_range_scans_in_order() {
    let mut s = SqliteStore::open_in_memory().expect("store");
    fill(&mut s);
    check(&mut s, "EXPLAIN QUERY PLAN", 3, |l| {
        l.contains("TEMP B-TREE")
            || l == "SCAN i"
            || l.starts_with("SCAN i ") && !l.contains("USING")
    });
}

#[test]
fn postgres_lists_are_index_range_scans_in_order() {
    let Some(db) = TestDb::migrated() else {
        return;
    };
    let mut s = PgStore::open(&db.options("kim")).expect("open");
    fill(&mut s);
    // What the planner would do when it must not scan the table or sort: a plan that still
    // does has no index to do without.
    s.client
        .batch_execute("SET enable_seqscan = off; SET enable_sort = off")
        .expect("set");
    check(&mut s, "EXPLAIN", 0, |l| {
        let node = l.trim_start().trim_start_matches("->").trim_start();
        node.starts_with("Seq Scan on items") || node.contains("Sort")
    });
}
