//! The list's store side on a real SQLite file: a new list comes with what fills its
//! window, read 500 rows at a time; the pages after it make the whole filtered list.

use super::*;
use crate::filter::Filter;
use crate::model::{ChannelKind, Kind};
use crate::store::conformance::incoming;
use crate::store::prelude::*;
use crate::store::sqlite::SqliteStore;
use crate::testing::at;

/// 3,000 closed items, one in a hundred a DM about a refund.
fn store(dir: &std::path::Path) -> SqliteStore {
    let path = dir.join("tinbox.db");
    let mut s = SqliteStore::open(&path).expect("store");
    let items: Vec<_> = (0..3000)
        .map(|n| {
            let mut it = incoming(&format!("r{n}"), at(n));
            if n % 100 == 7 {
                it.kind = Kind::Dm;
                it.text = format!("where is my refund {n}");
            }
            it
        })
        .collect();
    for batch in items.chunks(500) {
        s.ingest("a", ChannelKind::Demo, batch, None, at(4000))
            .expect("ingest");
    }
    let c = rusqlite::Connection::open(&path).expect("conn");
    c.execute("UPDATE items SET status = 'done'", [])
        .expect("close");
    s
}

fn spec(filter: Option<&str>, window: std::ops::Range<usize>) -> ListSpec {
    ListSpec {
        filter: filter.map(|f| Filter::parse(f).expect(f)),
        me: "me".into(),
        merged: false,
        window,
        first: Some(crate::app::list::FIRST),
        reuse_open: false,
    }
}

/// The list's tail: its first part, then every page after it.
fn whole(s: &mut SqliteStore, spec: &ListSpec) -> (usize, Vec<ItemId>) {
    let loaded = load_list(s, spec, &mut RowBuilder::default()).expect("list");
    let first = loaded.tail.len();
    let (mut ids, mut next) = (loaded.tail, loaded.next);
    while let Some(after) = next {
        let page = load_page(s, spec, after).expect("page");
        assert_eq!(page.after, after);
        ids.extend(page.ids);
        next = page.next;
    }
    (first, ids)
}

#[test]
fn a_new_list_reads_until_its_window_is_full_and_pages_bring_the_rest() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut s = store(dir.path());
    let all = |s: &mut SqliteStore, f: Option<&str>| {
        let q = tail_query(&spec(f, 0..0), None);
        s.list_ids(&q).expect("ids")
    };
    // Unfiltered: the first 500 rows read are the first part.
    let (first, ids) = whole(&mut s, &spec(None, 0..40));
    assert_eq!(first, crate::app::list::FIRST);
    assert_eq!(ids, all(&mut s, None));
    // A filter that keeps 1 in 100: rows are read until 10 are kept (1,000 rows).
    let f = Some("kind:dm refund");
    let (first, ids) = whole(&mut s, &spec(f, 0..10));
    assert_eq!(first, 10);
    assert_eq!(ids.len(), 30);
    assert_eq!(ids, all(&mut s, f));
    // The window and its rows come with the list.
    let loaded = load_list(&mut s, &spec(f, 0..4), &mut RowBuilder::default()).expect("list");
    assert_eq!(loaded.covered, 0..4);
    let texts: Vec<String> = loaded.window.iter().map(|r| r.text().to_string()).collect();
    assert_eq!(texts[0], "where is my refund 2907");
    assert_eq!(loaded.window.len(), 4);
}
