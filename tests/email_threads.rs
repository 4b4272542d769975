//! Threading by subject, the last resort, on the mail lab: a customer who writes again as a
//! new message (no `In-Reply-To`, no `References`) with the same subject joins the thread we
//! answered, with a next-response timer; another sender with that subject does not. Needs
//! the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use support::mail_lab::wait_item;
use support::{stderr, stdout};

#[test]
fn a_new_mail_with_the_same_subject_joins_the_senders_thread() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let kim = lab.new_user("kim", "customer.test");
    let ana = lab.new_user("ana", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let subject = "Grinder broken, order 4411";
    let first = lab.send(&kim, &brand, subject, "It stopped.", &[]);
    let item = wait_item(&sb, &first);
    assert_eq!(item["timer"]["target"], "first_response");
    let id = item["id"].as_str().expect("id");
    let out = sb.run(&["reply", id, "--text", "A new one ships today.", "--yes"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));

    // Kim writes again from her mail client's "new message", the subject typed by hand.
    let again = lab.send(
        &kim,
        &brand,
        &format!("RE: {subject}"),
        "When does it arrive?",
        &[],
    );
    let item2 = wait_item(&sb, &again);
    assert_eq!(item2["timer"]["target"], "next_response", "{item2}");
    // Ana asks about her own order 4411 under the same words: a conversation of her own.
    let other = lab.send(&ana, &brand, subject, "Mine too.", &[]);
    let item3 = wait_item(&sb, &other);
    assert_eq!(item3["timer"]["target"], "first_response", "{item3}");
    // The thread as the store holds it: the first mail, our reply, Kim's new mail.
    let out = sb.run(&["show", item2["id"].as_str().expect("id"), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let thread = shown["thread"].as_array().cloned().unwrap_or_default();
    let texts: Vec<&str> = thread.iter().filter_map(|e| e["text"].as_str()).collect();
    assert!(
        texts.iter().any(|t| t.contains("It stopped."))
            && texts.iter().any(|t| t.contains("A new one ships today.")),
        "{shown}"
    );
}
