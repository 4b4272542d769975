//! tinbox against a real mail system on loopback (../shared/mail-lab: Postfix and Dovecot).
//! `.ci/run` starts it and sources its env; without `MAIL_LAB_USER_SCRIPT` these tests say
//! they are skipped.

mod support;

use support::mail_lab::wait_item;
use support::{stderr, stdout};

#[test]
fn a_customer_mail_is_answered_once_and_the_answer_joins_the_thread() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let cust = lab.new_user("kim", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);

    // The customer writes: a non-ASCII subject and body (encoded words, quoted-printable).
    let subject = "Mühle kaputt — order #4411";
    let first = lab.send(
        &cust,
        &brand,
        subject,
        "The grinder stopped. Grüße, Kim",
        &[],
    );
    let item = wait_item(&sb, &first);
    assert_eq!(item["channel"], "email");
    assert_eq!(item["kind"], "email");
    assert_eq!(item["author"]["handle"], cust.as_str());
    let text = item["text"].as_str().expect("text");
    assert!(text.starts_with(subject), "{text}");
    assert!(text.contains("The grinder stopped. Grüße, Kim"), "{text}");
    // Polling never marks the mail read in the mailbox.
    assert_eq!(item["timer"]["target"], "first_response");

    // Reply through tinbox.
    let id = item["id"].as_str().expect("id");
    let out = sb.run(&[
        "reply",
        id,
        "--text",
        "Sorry Kim! A new grinder ships today.",
        "--yes",
    ]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let inbox = lab.wait_mailbox(&cust, "INBOX");
    assert_eq!(inbox.len(), 1, "exactly one reply");
    let reply = &inbox[0];
    assert_eq!(reply.from_address, brand);
    assert_eq!(reply.subject, format!("Re: {subject}"));
    assert_eq!(reply.in_reply_to.as_deref(), Some(first.as_str()));
    assert_eq!(reply.references, vec![first.clone()]);
    assert!(reply.new_part.contains("A new grinder ships today."));
    let sent = lab.mailbox(&brand, "Sent");
    assert_eq!(sent.len(), 1, "one copy in Sent");
    assert_eq!(sent[0].message_id, reply.message_id);

    // The customer answers our reply: it joins the thread with a next-response timer.
    let answer = lab.send(
        &cust,
        &brand,
        &format!("Re: {subject}"),
        "Thanks! Will it arrive by Friday?\n\nOn Mon, Support wrote:\n> Sorry Kim!",
        &[&first, &reply.message_id],
    );
    let item2 = wait_item(&sb, &answer);
    assert_eq!(item2["timer"]["target"], "next_response", "{item2}");
    assert_eq!(item2["status"], "new");
    let text2 = item2["text"].as_str().expect("text");
    let (new, folded) = text2.split_once("──── quoted").expect("folded quote");
    assert!(new.contains("Will it arrive by Friday?") && !new.contains("> Sorry"));
    assert!(folded.contains("> Sorry Kim!"));
    let first_now = sb
        .items()
        .into_iter()
        .find(|i| i["remote_id"] == first.as_str());
    // The first message was answered: no longer waiting.
    assert!(
        first_now.as_ref().is_none_or(|i| i["status"] == "replied"),
        "{first_now:?}"
    );
    // A second sync brings nothing twice.
    let before = sb.items().len();
    assert!(sb.run(&["sync", "--once"]).status.success());
    assert_eq!(sb.items().len(), before);
}

#[test]
fn an_untrusted_certificate_is_refused_and_said_so() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    // Without the lab's CA the server's certificate chains to nothing this machine trusts.
    let sb = support::Sandbox::new();
    let out = sb.run_with_stdin(
        &[
            "account",
            "add",
            "email",
            "--address",
            &brand,
            "--imap",
            &lab.imaps,
            "--smtp",
            &lab.smtps,
            "--password-stdin",
        ],
        &format!("{}\n", support::mail_lab::PASSWORD),
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("is not trusted") && err.contains("ca_file"),
        "{err}"
    );
    assert!(
        !sb.config_dir().join("config.toml").exists(),
        "nothing saved"
    );
}
