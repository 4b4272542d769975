use super::*;
use crate::model::{Author, IncomingItem, Visibility};
use crate::store::prelude::*;
use crate::store::sqlite::SqliteStore;
use crate::testing::{at, t0};

fn incoming(id: &str, handle: &str, text: &str, kind: Kind) -> IncomingItem {
    IncomingItem {
        remote_id: id.into(),
        kind,
        author: Author {
            handle: handle.into(),
            name: String::new(),
        },
        text: text.into(),
        url: None,
        created_at: t0(),
        thread_root: None,
        in_reply_to: None,
        visibility: Visibility::Public,
    }
}

fn rule(name: &str, when: Condition, then: Actions) -> Rule {
    Rule {
        name: name.into(),
        when,
        then,
    }
}

fn ingest(s: &mut SqliteStore, items: &[IncomingItem], now: Timestamp) -> Vec<ItemId> {
    s.ingest("brand", ChannelKind::Mastodon, items, None, now)
        .expect("ingest")
        .new_items
}

#[test]
fn rules_apply_in_order_and_are_recorded_in_history() {
    let mut s = SqliteStore::open_in_memory().expect("store");
    let rules = Rules {
        rules: vec![
            rule(
                "billing",
                Condition {
                    keywords: vec!["refund".into(), "charged twice".into()],
                    ..Condition::default()
                },
                Actions {
                    tags: vec!["billing".into()],
                    assign: Some("sam".into()),
                    ..Actions::default()
                },
            ),
            rule(
                "vip",
                Condition {
                    authors: vec!["kim@example.social".into()],
                    ..Condition::default()
                },
                Actions {
                    tags: vec!["vip".into()],
                    priority: Some(Priority::High),
                    alert: true,
                    ..Actions::default()
                },
            ),
            rule(
                "spam",
                Condition {
                    regex: Some(Regex::new(r"(?i)free\s+crypto").expect("re")),
                    ..Condition::default()
                },
                Actions {
                    spam: true,
                    ..Actions::default()
                },
            ),
        ],
        spikes: Vec::new(),
    };
    let ids = ingest(
        &mut s,
        &[
            incoming("1", "@Kim@example.social", "I was CHARGED TWICE", Kind::Dm),
            incoming(
                "2",
                "@bot@spam.example",
                "Free   crypto here",
                Kind::Mention,
            ),
            incoming(
                "3",
                "@ana@example.social",
                "Love the new blend",
                Kind::Mention,
            ),
        ],
        t0(),
    );
    let alerts = rules
        .apply(&mut s, &ids, &Default::default(), at(1))
        .expect("apply");

    let kim = s.item(ids[0]).expect("kim");
    assert_eq!(kim.tags, ["billing", "vip"]);
    assert_eq!(kim.priority, Priority::High);
    assert_eq!(kim.assignee.as_deref(), Some("sam"));
    let history = s.history(ids[0]).expect("history");
    assert!(
        history.iter().any(|h| h.who == "rule billing"),
        "{history:?}"
    );
    assert!(history.iter().any(|h| h.who == "rule vip"), "{history:?}");
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].item, Some(ids[0]));
    assert!(alerts[0].message.contains("vip") && alerts[0].message.contains("@Kim"));

    let spam = s.item(ids[1]).expect("spam");
    assert_eq!(spam.status, Status::Ignored);
    assert!(
        s.history(ids[1])
            .expect("h")
            .iter()
            .any(|h| h.why == "spam")
    );

    let plain = s.item(ids[2]).expect("plain");
    assert!(plain.tags.is_empty() && plain.status == Status::New);
    assert_eq!(s.history(ids[2]).expect("h").len(), 1, "only its arrival");
}

#[test]
fn conditions_must_all_hold() {
    let mut it = crate::testing::item(1, t0(), 0);
    it.text = "Where is my refund?".into();
    let c = Condition {
        keywords: vec!["refund".into()],
        kind: Some(Kind::Dm),
        ..Condition::default()
    };
    assert!(!c.matches(&it, None), "a mention is not a DM");
    it.kind = Kind::Dm;
    assert!(c.matches(&it, None));
    let big = Condition {
        followers_over: Some(10_000),
        ..c.clone()
    };
    assert!(big.matches(&it, Some(25_000)));
    assert!(!big.matches(&it, Some(10_000)), "more than, not as many as");
    assert!(!big.matches(&it, None), "unknown counts do not match");
    let c = Condition {
        channel: Some(ChannelKind::Bluesky),
        ..c
    };
    assert!(!c.matches(&it, None));
}

#[test]
fn a_spike_alerts_once_when_it_crosses_the_threshold() {
    let mut s = SqliteStore::open_in_memory().expect("store");
    let rules = Rules {
        rules: Vec::new(),
        spikes: vec![Spike {
            name: "outage".into(),
            keywords: vec!["down".into()],
            count: 3,
            window_s: 600,
        }],
    };
    let post = |n: usize, text: &str| incoming(&format!("p{n}"), "@u@x", text, Kind::Mention);
    // 3 matching items within ten minutes: not more than 3, no alert.
    let ids = ingest(
        &mut s,
        &[
            post(1, "site down?"),
            post(2, "is it down"),
            post(3, "hello"),
        ],
        at(0),
    );
    assert!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(0))
            .expect("apply")
            .is_empty()
    );
    let ids = ingest(&mut s, &[post(4, "app DOWN for me")], at(60));
    assert!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(60))
            .expect("apply")
            .is_empty()
    );
    // The fourth crosses it.
    let ids = ingest(&mut s, &[post(5, "down again")], at(120));
    let alerts = rules
        .apply(&mut s, &ids, &Default::default(), at(120))
        .expect("apply");
    assert_eq!(alerts.len(), 1);
    assert!(
        alerts[0].message.contains("4 items in the last 10 min"),
        "{}",
        alerts[0].message
    );
    // A fifth does not alert again.
    let ids = ingest(&mut s, &[post(6, "still down")], at(180));
    assert!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(180))
            .expect("apply")
            .is_empty()
    );
    // Much later, the window has emptied: one more is no spike.
    let ids = ingest(&mut s, &[post(7, "down?")], at(3600));
    assert!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(3600))
            .expect("apply")
            .is_empty()
    );
}

/// A first sync brings old posts in (seen now, written days ago): that is history, no spike.
#[test]
fn old_posts_seen_now_are_no_spike() {
    let mut s = SqliteStore::open_in_memory().expect("store");
    let rules = Rules {
        rules: Vec::new(),
        spikes: vec![Spike {
            name: "outage".into(),
            keywords: Vec::new(),
            count: 3,
            window_s: 600,
        }],
    };
    let old = |n: usize| IncomingItem {
        created_at: at(-3 * 86_400),
        ..incoming(&format!("old{n}"), "@u@x", "down", Kind::Mention)
    };
    let ids = ingest(&mut s, &(1..=10).map(old).collect::<Vec<_>>(), at(0));
    assert!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(0))
            .expect("apply")
            .is_empty()
    );
    // Four written now do cross it.
    let new = |n: usize| incoming(&format!("new{n}"), "@u@x", "down", Kind::Mention);
    let ids = ingest(&mut s, &(1..=4).map(new).collect::<Vec<_>>(), at(0));
    assert_eq!(
        rules
            .apply(&mut s, &ids, &Default::default(), at(0))
            .expect("apply")
            .len(),
        1
    );
}

#[test]
fn conditions_that_differ_only_in_followers_are_not_equal() {
    let big = Condition {
        followers_over: Some(10_000),
        ..Condition::default()
    };
    let small = Condition {
        followers_over: Some(10),
        ..Condition::default()
    };
    assert_ne!(big, small);
    assert_ne!(big, Condition::default());
    assert_eq!(big, big.clone());
}
