//! The mail server restarts under tinbox: a poll while it is down fails and changes nothing,
//! and afterwards the mail that arrived before the restart comes in once. This stops and
//! starts the whole lab, so it lives in its own test binary (`cargo test` runs binaries one
//! at a time). Needs the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use std::path::Path;
use std::process::Command;
use support::mail_lab::{WAIT, wait_for, wait_item};
use support::{stderr, stdout};

fn lab_script(name: &str) {
    let user = std::env::var("MAIL_LAB_USER_SCRIPT").expect("lab");
    let dir = Path::new(&user).parent().expect("scripts folder");
    let out = Command::new("bash")
        .arg(dir.join(name))
        .output()
        .expect("lab script");
    assert!(
        out.status.success(),
        "{name}: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn a_server_restart_loses_and_doubles_nothing() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let cust = lab.new_user("kim", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let first = lab.send(&cust, &brand, "First", "one", &[]);
    wait_item(&sb, &first);
    // A second mail is delivered, then the server goes down before tinbox polls again.
    let second = lab.send(&cust, &brand, "Second", "two", &[]);
    wait_for("the second mail delivered", WAIT, || {
        (lab.mailbox(&brand, "INBOX").len() == 2).then_some(())
    });
    lab_script("stop-mail-lab.sh");
    let down = sb.run(&["sync", "--once"]);
    lab_script("start-mail-lab.sh");
    assert_eq!(
        sb.items().len(),
        1,
        "a failed poll changes nothing: {}",
        stderr(&down)
    );

    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let ids: Vec<String> = sb
        .items()
        .iter()
        .filter_map(|i| i["remote_id"].as_str().map(String::from))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    assert!(ids.contains(&first) && ids.contains(&second));
    assert!(sb.run(&["sync", "--once"]).status.success());
    assert_eq!(sb.items().len(), 2, "nothing doubled");
}
