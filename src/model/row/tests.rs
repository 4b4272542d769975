use super::*;
use crate::sla::Policies;
use crate::testing::{item, t0};

#[test]
fn a_row_keeps_what_the_list_reads() {
    let mut it = item(7, t0(), 90);
    it.author.name = "Ana ☕".into();
    it.text = "café — where is my order?".into();
    it.tags = vec!["vip".into(), "refund".into()];
    it.assignee = Some("kim".into());
    it.read = true;
    it.has_draft = true;
    let row = ItemRow::from(&it);
    assert_eq!(row.handle(), "@user7@demo.invalid");
    assert_eq!(row.name(), "Ana ☕");
    assert_eq!(row.author(), "Ana ☕");
    assert_eq!(row.text(), "café — where is my order?");
    assert_eq!(row.url(), Some("https://demo.invalid/posts/7"));
    assert_eq!(row.tags(), &["vip".to_string(), "refund".to_string()]);
    assert_eq!(row.assignee(), Some("kim"));
    assert_eq!(row.account(), "demo");
    assert_eq!(row.created_at(), it.created_at);
    assert_eq!(row.waiting_since(), it.waiting_since);
    assert_eq!(row.paused_since(), None);
    assert!(row.read && row.has_draft);
    assert!(row.describes(&it));
    it.status = Status::Done;
    assert!(
        !row.describes(&it),
        "a changed status makes the detail stale"
    );
}

#[test]
fn empty_parts_and_a_missing_link_stay_apart() {
    let mut it = item(1, t0(), 10);
    it.author.name.clear();
    it.text.clear();
    it.url = None;
    let row = ItemRow::from(&it);
    assert_eq!((row.name(), row.text(), row.url()), ("", "", None));
    assert_eq!(row.author(), "@user1@demo.invalid");
    it.url = Some(String::new());
    assert_eq!(ItemRow::from(&it).url(), Some(""));
    it.author.handle.clear();
    it.text = "only text".into();
    let row = ItemRow::from(&it);
    assert_eq!(
        (row.handle(), row.name(), row.text()),
        ("", "", "only text")
    );
}

#[test]
fn a_reload_shares_unchanged_strings_and_forgets_unlisted_items() {
    let mut b = RowBuilder::default();
    let (one, mut two, three) = (item(1, t0(), 10), item(2, t0(), 20), item(3, t0(), 30));
    let first: Vec<ItemRow> = [&one, &two, &three].map(|i| b.row(i)).to_vec();
    b.finish();
    two.assignee = Some("sam".into());
    let second = [b.row(&one), b.row(&two)];
    b.finish();
    assert!(first[0].shares_text_with(&second[0]));
    assert_eq!(first[0], second[0]);
    assert!(!first[1].shares_text_with(&second[1]), "assigned since");
    assert_eq!(second[1].assignee(), Some("sam"));
    assert_eq!(b.strings.len(), 2, "#3 is not listed any more");
    // An item that comes back gets its own string again.
    let third = b.row(&three);
    assert!(!third.shares_text_with(&first[2]));
    assert_eq!(third, first[2]);
}

#[test]
fn times_are_whole_seconds_like_the_store() {
    let mut it = item(1, t0(), 10);
    it.created_at = t0()
        .checked_add(jiff::SignedDuration::from_millis(1500))
        .expect("t");
    it.paused_since = Some(crate::testing::at(-5));
    let row = ItemRow::from(&it);
    assert_eq!(row.created_at(), crate::testing::at(1));
    assert_eq!(row.paused_since(), Some(crate::testing::at(-5)));
}

#[test]
fn the_refilled_item_times_like_the_item() {
    let mut policies = Policies::default();
    policies.rules.push(crate::sla::Rule {
        channel: None,
        account: Some("brand".into()),
        kind: None,
        priority: None,
        tag: Some("vip".into()),
        policy: crate::sla::Policy {
            warn_s: 60,
            breach_s: 120,
            hours: None,
        },
    });
    let mut vip = item(1, t0(), 100);
    vip.account = "brand".into();
    vip.tags = vec!["vip".into()];
    let mut paused = item(2, t0(), 5000);
    paused.status = Status::Pending;
    paused.paused_since = Some(t0());
    paused.paused_secs = 30;
    let plain = item(3, t0(), 100);
    let mut scratch = RowItem::default();
    // One scratch item for rows of different shapes, in both orders: nothing leaks across.
    for it in [&vip, &paused, &plain, &vip, &plain] {
        let row = ItemRow::from(it);
        let refilled = scratch.of(&row);
        assert_eq!(
            policies.timer(refilled, t0()),
            policies.timer(it, t0()),
            "#{}",
            it.id
        );
        assert_eq!(refilled.tags, it.tags);
        assert_eq!(refilled.account, it.account);
        assert_eq!(refilled.author, it.author);
        assert_eq!(refilled.text, it.text);
        assert_eq!(refilled.url, it.url);
        assert_eq!(ItemRow::from(refilled), row);
    }
}

#[test]
fn a_row_is_much_smaller_than_an_item() {
    // 100,000 rows are on screen with every status shown: every byte here is 100 kB there.
    assert!(std::mem::size_of::<ItemRow>() <= 96);
    assert!(std::mem::size_of::<Item>() >= 2 * std::mem::size_of::<ItemRow>());
}
