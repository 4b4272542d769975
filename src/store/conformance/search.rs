//! The conformance suite: filters and search run by the store. Every case is checked twice:
//! against what it should find (written out), and against the inbox's own matching on the
//! rows ([`Filter::matches`], [`words_match`]), so that both backends mean what the inbox means.

use super::incoming;
use crate::filter::{Filter, search_words, words_match};
use crate::model::{ChannelKind, ItemId, Kind, Priority, RowBuilder, Status};
use crate::sla::TimerState;
use crate::store::{ItemQuery, StoreBackend};
use crate::testing::at;

/// The items of the cases, by remote id: (remote id, account, handle, name, text).
const ITEMS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "refund",
        "a",
        "@kim@example.social",
        "Kim",
        "Where is my REFUND?",
    ),
    (
        "ete",
        "a",
        "@zoe@example.fr",
        "Zoé",
        "l'ÉTÉ arrive — café ☕ crème",
    ),
    (
        "order",
        "Shop",
        "sam@shop.example",
        "Sam Lee",
        "order #4411 never came",
    ),
    (
        "hostile",
        "a",
        "@x",
        "",
        "AND NEAR( \"quoted\" * -minus OR col:umn ^start",
    ),
    (
        "emoji",
        "Shop",
        "@party",
        "🎉 Party",
        "🎉party time ❤️ 100%",
    ),
    ("turkish", "a", "@ist", "İstanbul", "ǅemal straße"),
];

/// The ids of the items, in the order of [`ITEMS`] (item `n` written at `n` seconds).
fn fill(s: &mut dyn StoreBackend) -> Vec<ItemId> {
    let mut ids = Vec::new();
    for (n, (remote, account, handle, name, text)) in ITEMS.iter().enumerate() {
        let mut it = incoming(remote, at(n as i64));
        it.author.handle = handle.to_string();
        it.author.name = name.to_string();
        it.text = text.to_string();
        if *remote == "order" {
            it.kind = Kind::Dm;
        }
        let channel = if *account == "Shop" {
            ChannelKind::Email
        } else {
            ChannelKind::Mastodon
        };
        ids.extend(
            s.ingest(account, channel, &[it], None, at(10))
                .expect("ingest")
                .new_items,
        );
    }
    let kim = "kim";
    s.set_tags(ids[0], &["vip".into(), "refund".into()], kim, at(11))
        .expect("tags");
    s.set_tags(ids[2], &["VIP".into()], kim, at(11))
        .expect("tags");
    s.set_assignee(ids[0], Some("Kim"), kim, at(11)).expect("a");
    s.set_assignee(ids[1], Some("sam"), kim, at(11)).expect("a");
    s.set_assignee(ids[4], Some("none"), kim, at(11))
        .expect("a");
    s.set_priority(ids[2], Priority::High, kim, at(11))
        .expect("p");
    s.set_status(ids[3], Status::Done, kim, "spam", at(12))
        .expect("s");
    s.set_status(ids[5], Status::Pending, kim, "asked", at(12))
        .expect("s");
    s.set_read(ids[0], true).expect("read");
    s.set_read(ids[3], true).expect("read");
    ids
}

/// The remote ids `q` lists, in list order, after checking that the ids, the count and the
/// inbox's own matching (`me` is Kim) agree.
fn listed(s: &mut dyn StoreBackend, q: &ItemQuery) -> Vec<String> {
    let items = s.list_items(q).expect("list");
    let ids: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    assert_eq!(s.list_ids(q).expect("ids"), ids, "list_ids order: {q:?}");
    assert_eq!(s.count_items(q).expect("count"), ids.len(), "count: {q:?}");
    // The same query matched row by row, as the inbox does.
    let every = ItemQuery {
        filter: None,
        search: None,
        limit: None,
        ..q.clone()
    };
    let mut rows = RowBuilder::default();
    let words = q.search.as_deref().map(search_words).unwrap_or_default();
    // `is:breaching` is the caller's (it needs the clock): the store lists as if it were not there.
    let flt = q.filter.clone().map(|mut f| {
        f.breaching = false;
        f
    });
    let expected: Vec<ItemId> = s
        .list_rows(&every, &mut rows)
        .expect("rows")
        .iter()
        .filter(|r| {
            let hay = format!("{} {} {}", r.handle(), r.name(), r.text());
            words_match(&words, &hay)
                && flt
                    .as_ref()
                    .is_none_or(|f| f.matches(r, "Kim", || TimerState::None))
        })
        .map(|r| r.id)
        .take(q.limit.unwrap_or(usize::MAX))
        .collect();
    assert_eq!(ids, expected, "the inbox's matching: {q:?}");
    items.into_iter().map(|i| i.remote_id).collect()
}

fn search(s: &mut dyn StoreBackend, text: &str) -> Vec<String> {
    let q = ItemQuery {
        all: true,
        search: Some(text.into()),
        ..ItemQuery::default()
    };
    let found = listed(s, &q);
    // The same search over given ids (the inbox's next match near the selection).
    if !crate::filter::search_words(text).is_empty() {
        let every = s
            .list_ids(&ItemQuery {
                all: true,
                ..ItemQuery::default()
            })
            .expect("ids");
        let matching = s.matching_ids(&every, text).expect("matching");
        assert_eq!(
            matching,
            s.list_ids(&q).expect("ids"),
            "matching_ids {text:?}"
        );
    }
    found
}

fn filter(s: &mut dyn StoreBackend, query: &str) -> Vec<String> {
    listed(
        s,
        &ItemQuery {
            all: true,
            filter: Some(Filter::parse(query).expect(query)),
            me: Some("Kim".into()),
            ..ItemQuery::default()
        },
    )
}

/// Search: words start words of the handle, the name or the text, whatever the case; accents
/// count; emoji and punctuation are no words; FTS syntax in the query is only text.
pub(crate) fn search_finds_words_by_their_start(s: &mut dyn StoreBackend) {
    fill(s);
    let all = ["turkish", "emoji", "hostile", "order", "ete", "refund"];
    for (q, want) in [
        ("refu", &["refund"][..]),
        ("REFUND where", &["refund"]),
        ("und", &[]),
        ("kim@example", &["refund"]),
        ("sam@shop.example", &["order"]),
        ("shop", &["order"]),
        ("#4411", &["order"]),
        ("4411 never", &["order"]),
        ("44 came", &["order"]),
        ("été", &["ete"]),
        ("ÉTÉ CAF", &["ete"]),
        ("ete", &[]),
        ("cafe", &[]),
        ("crème", &["ete"]),
        ("zoé", &["ete"]),
        ("party", &["emoji"]),
        ("🎉party", &["emoji"]),
        ("100%", &["emoji"]),
        ("☕", &all),
        ("", &all),
        ("\"", &all),
        ("*", &all),
        ("\"quoted\"*", &["hostile"]),
        ("AND", &["hostile"]),
        ("and near", &["hostile"]),
        ("NEAR(", &["hostile"]),
        ("-minus", &["hostile"]),
        ("col:umn", &["hostile"]),
        ("^start OR", &["hostile"]),
        ("straße", &["turkish"]),
        ("ǆemal", &["turkish"]),
        ("refund zzz", &[]),
    ] {
        assert_eq!(search(s, q), want, "search {q:?}");
    }
    // Lowercase İ is i and a combining dot: "i" starts the word, "istanbul" does not (the
    // inbox's matching decides; both stores agree with it).
    assert_eq!(search(s, "i"), ["turkish", "refund"]);
    search(s, "istanbul");
    search(s, "İstanbul");
}

/// Each filter key, their combinations, and the filter's free words.
pub(crate) fn filters_run_in_the_store(s: &mut dyn StoreBackend) {
    fill(s);
    for (q, want) in [
        ("channel:email", &["emoji", "order"][..]),
        (
            "channel:email,mastodon",
            &["turkish", "emoji", "hostile", "order", "ete", "refund"],
        ),
        ("account:shop", &["emoji", "order"]),
        (
            "account:SHOP,a",
            &["turkish", "emoji", "hostile", "order", "ete", "refund"],
        ),
        ("account:nobody", &[]),
        ("status:done", &["hostile"]),
        (
            "status:new,pending",
            &["turkish", "emoji", "order", "ete", "refund"],
        ),
        ("kind:dm", &["order"]),
        (
            "kind:dm,mention",
            &["turkish", "emoji", "hostile", "order", "ete", "refund"],
        ),
        ("tag:vip", &["refund"]),
        ("tag:refund,other", &["refund"]),
        ("tag:VIP", &["refund"]),
        ("assignee:me", &["refund"]),
        ("assignee:none", &["turkish", "emoji", "hostile", "order"]),
        ("assignee:SAM", &["ete"]),
        ("assignee:sam,me", &["ete", "refund"]),
        ("priority:high", &["order"]),
        (
            "priority:normal",
            &["turkish", "emoji", "hostile", "ete", "refund"],
        ),
        ("is:unread", &["turkish", "emoji", "order", "ete"]),
        ("is:read", &["hostile", "refund"]),
        (
            "is:breaching",
            &["turkish", "emoji", "hostile", "order", "ete", "refund"],
        ),
        ("refu", &["refund"]),
        ("kind:mention tag:vip refund", &["refund"]),
        ("kind:mention tag:vip café", &[]),
        ("channel:mastodon is:unread", &["turkish", "ete"]),
        ("account:a status:done is:read near(", &["hostile"]),
        ("assignee:none priority:normal channel:email", &["emoji"]),
    ] {
        assert_eq!(filter(s, q), want, "filter {q:?}");
    }
}

/// Open items only unless asked; the limit cuts what passed the filter; ids and rows come back
/// in the order asked.
pub(crate) fn limits_apply_after_the_filter_and_orders_hold(s: &mut dyn StoreBackend) {
    let ids = fill(s);
    let open = |f: &str, limit| ItemQuery {
        filter: Some(Filter::parse(f).expect(f)),
        me: Some("Kim".into()),
        limit,
        ..ItemQuery::default()
    };
    assert_eq!(
        listed(s, &open("is:unread", None)),
        ["turkish", "emoji", "order", "ete"]
    );
    assert_eq!(listed(s, &open("status:done", None)), Vec::<String>::new());
    assert_eq!(
        listed(s, &open("channel:mastodon", Some(2))),
        ["turkish", "ete"]
    );
    assert_eq!(listed(s, &open("account:a", Some(1))), ["turkish"]);
    let q = ItemQuery {
        search: Some("a".into()),
        filter: Some(Filter::parse("channel:mastodon").expect("f")),
        all: true,
        limit: Some(2),
        ..ItemQuery::default()
    };
    assert_eq!(listed(s, &q), ["hostile", "ete"]);
    // Rows by id: in the order given, unknown ids left out.
    let asked = [ids[2], ids[0], ItemId(999_999), ids[5], ids[1]];
    let rows = s
        .rows_by_ids(&asked, &mut RowBuilder::default())
        .expect("rows");
    let got: Vec<ItemId> = rows.iter().map(|r| r.id).collect();
    assert_eq!(got, [ids[2], ids[0], ids[5], ids[1]]);
    assert_eq!(rows[0].text(), "order #4411 never came");
}

/// Keyset pages (`after`) of a list read one after another are the list, in its order,
/// items written in the same second included; an anchor no longer stored ends the list.
pub(crate) fn pages_after_an_item_are_the_list_in_order(s: &mut dyn StoreBackend) {
    let items: Vec<_> = (0..23)
        .map(|n| {
            let mut it = incoming(&format!("p{n}"), at(n / 3));
            it.kind = if n % 2 == 0 { Kind::Dm } else { Kind::Mention };
            it
        })
        .collect();
    s.ingest("a", ChannelKind::Demo, &items, None, at(30))
        .expect("ingest");
    for f in [None, Some("kind:mention")] {
        let base = ItemQuery {
            all: true,
            filter: f.map(|f| Filter::parse(f).expect(f)),
            ..ItemQuery::default()
        };
        let whole = s.list_ids(&base).expect("whole");
        assert_eq!(whole.len(), if f.is_some() { 11 } else { 23 });
        let mut paged = Vec::new();
        loop {
            let q = ItemQuery {
                after: paged.last().copied(),
                limit: Some(4),
                ..base.clone()
            };
            let page = s.list_ids(&q).expect("page");
            if page.is_empty() {
                break;
            }
            paged.extend(page);
        }
        assert_eq!(paged, whole, "{f:?}");
    }
    // Scanned pages: 5 rows read each, whatever they keep; together, the filtered list.
    let everything = ItemQuery {
        all: true,
        ..ItemQuery::default()
    };
    for (f, search) in [
        (None, None),
        (Some("kind:mention"), None),
        (Some("kind:dm hello"), None),
        (None, Some("hel")),
        (Some("kind:mention"), Some("zzz")),
    ] {
        let q = ItemQuery {
            filter: f.map(|f| Filter::parse(f).expect(f)),
            search: search.map(String::from),
            ..everything.clone()
        };
        let whole = s.list_ids(&q).expect("whole");
        let (mut scanned, mut pages, mut after) = (Vec::new(), 0, None);
        loop {
            let page = s
                .scan_ids(&ItemQuery { after, ..q.clone() }, 5)
                .expect("scan");
            assert!(page.ids.len() <= 5);
            scanned.extend(page.ids);
            pages += 1;
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        assert_eq!(scanned, whole, "{f:?} {search:?}");
        assert_eq!(pages, 5, "23 rows, 5 a page: {f:?} {search:?}");
    }
    let gone = ItemQuery {
        all: true,
        after: Some(ItemId(999_999)),
        ..ItemQuery::default()
    };
    assert!(s.list_ids(&gone).expect("gone").is_empty());
}
