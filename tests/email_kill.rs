//! Exactly once on a real mail system: tinbox killed (SIGKILL) while the SMTP server holds
//! the DATA phase sends the reply once after restart; a reply already in Sent is never sent
//! again. Needs the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use support::mail_lab::{WAIT, wait_item};
use support::{Sandbox, stderr, stdout};

/// A loopback SMTP proxy in front of the lab's submission port. The first connection that
/// reaches the DATA phase is held there: the command goes through, the message never does,
/// and `held` says so.
struct HoldingProxy {
    port: u16,
    held: mpsc::Receiver<()>,
}

fn holding_proxy(upstream: u16) -> HoldingProxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, held) = mpsc::channel();
    let armed = Arc::new(AtomicBool::new(true));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            let (tx, armed) = (tx.clone(), armed.clone());
            let (mut c_read, mut s_write) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(Shutdown::Both);
            });
            std::thread::spawn(move || {
                let mut lines = BufReader::new(&mut c_read);
                let mut line = Vec::new();
                let mut holding = false;
                while lines.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                    if !holding {
                        let _ = s_write.write_all(&line);
                    }
                    if !holding
                        && line.eq_ignore_ascii_case(b"DATA\r\n")
                        && armed.swap(false, Ordering::SeqCst)
                    {
                        holding = true;
                        let _ = tx.send(());
                    }
                    line.clear();
                }
                // The client is gone: so is the transaction it never finished.
                let _ = s_write.shutdown(Shutdown::Both);
                let mut rest = Vec::new();
                let _ = lines.read_to_end(&mut rest);
            });
        }
    });
    HoldingProxy { port, held }
}

fn lab_port(var: &str, default: u16) -> u16 {
    std::env::var(var)
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default)
}

fn item_id(sb: &Sandbox, remote: &str) -> String {
    wait_item(sb, remote)["id"]
        .as_str()
        .expect("id")
        .to_string()
}

#[test]
fn sigkill_in_the_data_phase_then_restart_delivers_exactly_once() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let cust = lab.new_user("kim", "customer.test");
    let proxy = holding_proxy(lab_port("MAIL_LAB_SUBMISSION_PORT", 1587));
    let sb = lab.connect(&brand, &format!("smtp://127.0.0.1:{}", proxy.port));
    let first = lab.send(&cust, &brand, "Charged twice", "Please refund one.", &[]);
    let id = item_id(&sb, &first);

    let mut child = sb
        .cmd()
        .args(["reply", &id, "--text", "Refund is on its way.", "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn reply");
    proxy
        .held
        .recv_timeout(WAIT)
        .expect("the reply to reach DATA");
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");

    // Restart: the entry left `sending` finds no copy in Sent and goes out once.
    let out = sb.run(&["sync", "--once"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("outbox: reply to #"),
        "{}",
        stdout(&out)
    );
    let inbox = lab.wait_mailbox(&cust, "INBOX");
    // Another sync and a look again: still one (Postfix delivers within tens of ms).
    assert!(!stdout(&sb.run(&["sync", "--once"])).contains("outbox:"));
    assert_eq!(inbox.len(), 1);
    assert_eq!(lab.mailbox(&cust, "INBOX").len(), 1, "exactly one reply");
    assert_eq!(lab.mailbox(&brand, "Sent").len(), 1, "one copy in Sent");
}

#[test]
fn a_reply_already_in_sent_is_not_sent_again() {
    use tinbox::channels::{Channel, ReplyRequest};
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let cust = lab.new_user("kim", "customer.test");
    let sb = lab.connect(&brand, &lab.smtps);
    let first = lab.send(&cust, &brand, "Where is my order", "It is late.", &[]);
    item_id(&sb, &first);

    // The same queued reply, sent twice (a retry after a lost answer or a crash after DATA
    // and APPEND): the second attempt finds its Message-ID in Sent.
    let path = sb.config_dir().join("config.toml");
    let text = std::fs::read_to_string(&path).expect("config");
    let config = tinbox::config::parse(&text, &path).expect("config parses");
    let secrets = sb.config_dir().join("secrets.toml");
    let ch = tinbox::accounts::email_channel("support", &config.accounts["support"], &secrets)
        .expect("channel");
    let req = ReplyRequest {
        in_reply_to: first.clone(),
        thread_root: first.clone(),
        visibility: tinbox::model::Visibility::Direct,
        text: "It ships today.".into(),
        idempotency_key: "tinbox-1-00000000000000aa".into(),
        queued_at: jiff::Timestamp::now(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    let one = rt.block_on(ch.send_reply(&req)).expect("first send");
    let two = rt.block_on(ch.send_reply(&req)).expect("second attempt");
    assert_eq!(one.remote_id, two.remote_id);
    assert_eq!(
        one.remote_id,
        format!(
            "tinbox-1-00000000000000aa@{}",
            brand.split('@').nth(1).expect("domain")
        )
    );
    let inbox = lab.wait_mailbox(&cust, "INBOX");
    assert_eq!(inbox.len(), 1);
    // APPEND is done when send_reply returns: a second send would show here for certain.
    assert_eq!(lab.mailbox(&brand, "Sent").len(), 1, "one copy in Sent");
}
