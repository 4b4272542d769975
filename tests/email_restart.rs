//! The mail server restarts under tinbox: a poll while it is down fails and changes nothing,
//! and afterwards the mail that arrived before the restart comes in once. This stops and
//! starts the whole lab, so it lives in its own test binary (`cargo test` runs binaries one
//! at a time). Needs the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::mail_lab::{PASSWORD, wait_for};
use support::{Sandbox, stderr, stdout};

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
    let sb = Sandbox::new();
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
            "--ca-file",
            &lab.ca_file,
            "--name",
            "support",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let wait = Duration::from_secs(30);
    let first = lab.send(&cust, &brand, "First", "one", &[]);
    wait_for("the first mail as an item", wait, || {
        assert!(sb.run(&["sync", "--once"]).status.success());
        sb.items()
            .into_iter()
            .find(|i| i["remote_id"] == first.as_str())
    });
    // A second mail is delivered, then the server goes down before tinbox polls again.
    let second = lab.send(&cust, &brand, "Second", "two", &[]);
    wait_for("the second mail delivered", wait, || {
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
