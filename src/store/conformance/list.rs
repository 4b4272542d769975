//! The conformance suite: the item list: filters, order, and the inbox rows.

use super::incoming;
use crate::model::{ChannelKind, Kind, RowBuilder, Status, Visibility};
use crate::store::{ItemQuery, StoreBackend};
use crate::testing::at;

pub(crate) fn list_filters(s: &mut dyn StoreBackend) {
    let ids = s
        .ingest(
            "a",
            ChannelKind::Demo,
            &[incoming("1", at(0)), incoming("2", at(1))],
            None,
            at(2),
        )
        .expect("i")
        .new_items;
    s.ingest("b", ChannelKind::Demo, &[incoming("3", at(3))], None, at(4))
        .expect("i");
    s.set_status(ids[0], Status::Ignored, "k", "spam", at(5))
        .expect("s");
    let q = |statuses: Vec<Status>, account: Option<&str>, limit| ItemQuery {
        statuses,
        all: false,
        account: account.map(String::from),
        limit,
        ..ItemQuery::default()
    };
    assert_eq!(s.list_items(&q(vec![], None, None)).expect("l").len(), 2);
    assert_eq!(
        s.list_items(&q(vec![Status::Ignored], None, None))
            .expect("l")
            .len(),
        1
    );
    assert_eq!(
        s.list_items(&q(vec![], Some("a"), None)).expect("l").len(),
        1
    );
    assert_eq!(s.list_items(&q(vec![], None, Some(1))).expect("l").len(), 1);
    // A period (written since) and a window (first seen since), over every status.
    let since = |created: Option<i64>, seen: Option<i64>| ItemQuery {
        all: true,
        created_since: created.map(at),
        seen_since: seen.map(at),
        ..ItemQuery::default()
    };
    let remote = |q: ItemQuery, s: &mut dyn StoreBackend| -> Vec<String> {
        s.list_items(&q)
            .expect("l")
            .into_iter()
            .map(|i| i.remote_id)
            .collect()
    };
    assert_eq!(remote(since(Some(1), None), s), vec!["3", "2"]);
    assert_eq!(remote(since(None, Some(3)), s), vec!["3"]);
    assert_eq!(remote(since(Some(0), Some(0)), s), vec!["3", "2", "1"]);
}

/// The inbox's rows say what the whole items say, in the same order, for every query; a
/// reload shares what did not change.
pub(crate) fn list_rows_are_the_listed_items(s: &mut dyn StoreBackend) {
    let mut dm = incoming("2", at(1));
    dm.kind = Kind::Dm;
    dm.visibility = Visibility::Direct;
    dm.url = Some("https://example.social/@kim/2".into());
    dm.author.name = String::new();
    dm.text = "a longer text: café ☕, where is my order? ".repeat(20);
    let ids = s
        .ingest(
            "a",
            ChannelKind::Mastodon,
            &[incoming("1", at(0)), dm, incoming("3", at(2))],
            None,
            at(3),
        )
        .expect("i")
        .new_items;
    s.ingest("b", ChannelKind::Demo, &[incoming("4", at(4))], None, at(5))
        .expect("i");
    s.set_tags(ids[0], &["vip".into(), "refund".into()], "kim", at(6))
        .expect("tags");
    s.set_assignee(ids[0], Some("sam"), "kim", at(6))
        .expect("assign");
    s.set_assignee(ids[1], Some("sam"), "kim", at(6))
        .expect("assign");
    s.set_status(ids[1], Status::Pending, "kim", "asked", at(7))
        .expect("pending");
    s.set_status(ids[2], Status::Done, "kim", "done", at(7))
        .expect("done");
    s.set_read(ids[0], true).expect("read");
    s.save_draft(ids[0], "draft", at(8)).expect("draft");
    for q in [
        ItemQuery::default(),
        ItemQuery {
            all: true,
            ..ItemQuery::default()
        },
        ItemQuery {
            account: Some("a".into()),
            limit: Some(1),
            ..ItemQuery::default()
        },
    ] {
        let items = s.list_items(&q).expect("items");
        let rows = s.list_rows(&q, &mut RowBuilder::default()).expect("rows");
        assert_eq!(rows.len(), items.len(), "{q:?}");
        for (row, item) in rows.iter().zip(&items) {
            assert!(row.describes(item), "{q:?}: {row:?} vs {item:?}");
            assert_eq!(row.text(), item.text);
        }
    }
    let mut builder = RowBuilder::default();
    let all = ItemQuery {
        all: true,
        ..ItemQuery::default()
    };
    let rows = s.list_rows(&all, &mut builder).expect("rows");
    assert_eq!(rows.len(), 4);
    // A reload shares what did not change with the rows on screen, and only that.
    s.set_tags(ids[0], &["vip".into()], "kim", at(9))
        .expect("tags");
    let again = s.list_rows(&all, &mut builder).expect("reload");
    assert_eq!(again.len(), 4);
    for (old, new) in rows.iter().zip(&again) {
        assert!(old.shares_text_with(new), "#{}", old.id);
        assert_eq!(old == new, old.id != ids[0], "#{}", old.id);
    }
    assert_eq!(again[3].tags(), &["vip".to_string()]);
}
