use std::sync::Arc;

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
    assert_eq!(&*row.tags, &["vip".to_string(), "refund".to_string()]);
    assert_eq!(row.assignee.as_deref(), Some("kim"));
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
fn rows_of_one_list_share_account_and_assignee() {
    let mut b = RowBuilder::default();
    let (mut one, mut two) = (item(1, t0(), 10), item(2, t0(), 20));
    one.assignee = Some("kim".into());
    two.assignee = Some("kim".into());
    let (r1, r2) = (b.row(&one), b.row(&two));
    assert!(Arc::ptr_eq(&r1.account, &r2.account));
    assert!(Arc::ptr_eq(
        r1.assignee.as_ref().expect("a"),
        r2.assignee.as_ref().expect("b")
    ));
    let mut other = item(3, t0(), 30);
    other.account = "brand".into();
    assert_eq!(&*b.row(&other).account, "brand");
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
    assert!(std::mem::size_of::<ItemRow>() <= 168);
    assert!(std::mem::size_of::<Item>() >= 2 * std::mem::size_of::<ItemRow>());
}
