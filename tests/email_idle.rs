//! IMAP IDLE on the mail lab: with the account polled only once an hour, `tinbox watch`
//! still shows a customer's mail as it arrives, because the server announces it on the IDLE
//! connection and the poller polls at once. Needs the mail lab (`MAIL_LAB_USER_SCRIPT`),
//! else says it is skipped.

mod support;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

/// A bound for the lab to deliver and the watch to print, not a speed figure: without IDLE
/// the mail would wait for the next poll, an hour away.
const BOUND: Duration = Duration::from_secs(40);

/// The watch process, killed when the test ends, failed or not (a survivor would hold the
/// test's output open).
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_sees_new_mail_as_the_server_announces_it() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let kim = lab.new_user("kim", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);
    support::mail_lab::configure(&sb, "poll = \"1h\"\n");

    let mut child = Killed(
        sb.cmd()
            .args(["watch", "--json"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("spawn watch"),
    );
    let (tx, rx) = mpsc::channel::<serde_json::Value>();
    let out = child.0.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if let Ok(v) = serde_json::from_str(&line)
                && tx.send(v).is_err()
            {
                return;
            }
        }
    });
    let new_item = |subject: &str| {
        let deadline = std::time::Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(v)
                    if v["event"] == "new"
                        && v["text"].as_str().is_some_and(|t| t.contains(subject)) =>
                {
                    return v;
                }
                Ok(_) => continue,
                Err(e) => panic!("no new item {subject:?} from watch: {e}"),
            }
        }
    };
    // Two mails, one after the other while watch runs: each is announced and shown.
    lab.send(&kim, &brand, "First question", "Hello?", &[]);
    let first = new_item("First question");
    assert_eq!(first["account"], "support");
    lab.send(&kim, &brand, "Second question", "Anyone?", &[]);
    let second = new_item("Second question");
    assert_ne!(first["item"], second["item"]);
}
