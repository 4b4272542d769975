//! STARTTLS, as `imap://` and `smtp://` use it to any host that is not this machine: on the
//! mail lab's clear-text ports (IMAP 1143, submission 1587) the client upgrades before it
//! logs in, verifies the certificate against the account's CA, and refuses an untrusted
//! one. (Loopback URLs stay clear text, so these tests build the endpoints directly.) Needs
//! the mail lab (`MAIL_LAB_USER_SCRIPT`), else says it is skipped.

mod support;

use std::time::Duration;

use lettre::message::{Mailbox, Message};
use support::mail_lab::PASSWORD;
use tinbox::channels::email::imap::{self, Credential};
use tinbox::channels::email::smtp;
use tinbox::channels::email::tls::{Endpoint, Security};

fn port(var: &str, default: u16) -> u16 {
    std::env::var(var)
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default)
}

fn starttls(port: u16) -> Endpoint {
    Endpoint {
        host: "localhost".into(),
        port,
        security: Security::StartTls,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

const LIMIT: Duration = Duration::from_secs(20);

#[test]
fn imap_upgrades_with_starttls_and_checks_the_certificate() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let ep = starttls(port("MAIL_LAB_IMAP_PORT", 1143));
    let cred = Credential::Password(PASSWORD.into());
    rt().block_on(async {
        let mut s = imap::connect(&ep, Some(&lab.ca_file), &brand, &cred, LIMIT)
            .await
            .expect("login after STARTTLS");
        imap::select(&mut s, "INBOX").await.expect("select");
        let _ = s.logout().await;
        // Without the lab's CA the upgraded connection is refused before the password goes.
        let err = imap::connect(&ep, None, &brand, &cred, LIMIT)
            .await
            .expect_err("an untrusted certificate");
        assert!(err.to_string().contains("is not trusted"), "{err}");
    });
}

#[test]
fn submission_upgrades_with_starttls_and_delivers() {
    let lab = mail_lab_or_skip!();
    let brand = lab.new_user("brand", "brand.test");
    let kim = lab.new_user("kim", "customer.test");
    let ep = starttls(port("MAIL_LAB_SUBMISSION_PORT", 1587));
    let cred = Credential::Password(PASSWORD.into());
    let msg = Message::builder()
        .from(brand.parse::<Mailbox>().expect("from"))
        .to(kim.parse::<Mailbox>().expect("to"))
        .subject("Your order")
        .body("It ships today.".to_string())
        .expect("message");
    rt().block_on(async {
        let t = smtp::transport(&ep, Some(&lab.ca_file), &brand, &cred, LIMIT).expect("transport");
        smtp::send(&t, &msg).await.expect("sent over STARTTLS");
        let t = smtp::transport(&ep, None, &brand, &cred, LIMIT).expect("transport");
        let err = smtp::send(&t, &msg)
            .await
            .expect_err("an untrusted certificate");
        let err = err.to_string().to_ascii_lowercase();
        assert!(
            err.contains("certificate") || err.contains("unknownissuer"),
            "{err}"
        );
    });
    let inbox = lab.wait_mailbox(&kim, "INBOX");
    assert_eq!(inbox.len(), 1, "delivered once");
    assert_eq!(inbox[0].subject, "Your order");
}
