//! The inbox in a pseudo-terminal on an email account of the mail lab: a customer's mail is
//! answered from the composer. Needs the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is
//! skipped.

mod support;

use support::mail_lab::wait_item;
use support::pty::PtyApp;

#[test]
fn a_mail_is_answered_from_the_composer() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let cust = lab.new_user("kim", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let first = lab.send(
        &cust,
        &brand,
        "Wrong size delivered",
        "I ordered an M.",
        &[],
    );
    wait_item(&sb, &first);

    let envs = vec![
        ("TINBOX_CONFIG_DIR", sb.config_dir().display().to_string()),
        ("TINBOX_DATA_DIR", sb.data_dir().display().to_string()),
        ("NO_COLOR", "1".to_string()),
    ];
    let mut app = PtyApp::spawn(&[], &envs, 120, 30);
    app.wait_text("Wrong size delivered");
    app.send("r");
    app.wait_text("Reply to");
    app.send("We will swap it for an M.");
    app.send("\x13");
    app.wait_text("Send this reply?");
    app.send("y");
    app.wait_text("sent");
    app.send("q");
    assert!(app.wait_exit());

    let inbox = lab.wait_mailbox(&cust, "INBOX");
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].subject, "Re: Wrong size delivered");
    assert_eq!(inbox[0].in_reply_to.as_deref(), Some(first.as_str()));
    assert!(inbox[0].new_part.contains("We will swap it for an M."));
}
