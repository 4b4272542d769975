//! The mail lab (../shared/mail-lab: Postfix and Dovecot on loopback) from a test: fresh
//! users, a customer writing over SMTP, and a look into any mailbox over IMAP.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use super::{Sandbox, stderr, stdout};

use lettre::message::{Mailbox, Message, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use tinbox::channels::email::imap::{self, Credential, Session};
use tinbox::channels::email::parse::{self, ParsedMail};
use tinbox::channels::email::tls::Endpoint;

pub const PASSWORD: &str = "lab-pw-1";

pub struct Lab {
    pub ca_file: String,
    script: String,
    pub imaps: String,
    pub smtps: String,
    pub submission: String,
    smtp_port: u16,
}

/// Skip (with a printed line) where the lab is not running.
#[macro_export]
macro_rules! mail_lab_or_skip {
    () => {
        match support::mail_lab::Lab::from_env() {
            Some(lab) => lab,
            None => {
                println!("skipped: MAIL_LAB_USER_SCRIPT is not set (see ../shared/mail-lab)");
                return;
            }
        }
    };
}

fn port(var: &str, default: u16) -> u16 {
    std::env::var(var)
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(default)
}

impl Lab {
    pub fn from_env() -> Option<Lab> {
        let script = std::env::var("MAIL_LAB_USER_SCRIPT").ok()?;
        let ca_file = std::env::var("MAIL_LAB_CA_FILE").ok()?;
        Some(Lab {
            ca_file,
            script,
            imaps: format!("imaps://127.0.0.1:{}", port("MAIL_LAB_IMAPS_PORT", 1993)),
            smtps: format!(
                "smtps://127.0.0.1:{}",
                port("MAIL_LAB_SUBMISSIONS_PORT", 1465)
            ),
            submission: format!(
                "smtp://127.0.0.1:{}",
                port("MAIL_LAB_SUBMISSION_PORT", 1587)
            ),
            smtp_port: port("MAIL_LAB_SMTP_PORT", 1025),
        })
    }

    /// A fresh address on the lab, `who-N@domain`, unique to this run.
    pub fn new_user(&self, who: &str, domain: &str) -> String {
        let n = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let address = format!("{who}-{}-{n}@{domain}", std::process::id());
        let ok = Command::new("bash")
            .args([self.script.as_str(), "add", &address, PASSWORD])
            .status()
            .expect("mail-lab-user.sh");
        assert!(ok.success(), "adding {address}");
        address
    }

    /// `from` writes to `to` through the lab's inbound SMTP (as the internet would);
    /// `headers` adds threading headers. Returns the Message-ID (bare).
    pub fn send(
        &self,
        from: &str,
        to: &str,
        subject: &str,
        body: &str,
        reply_to: &[&str],
    ) -> String {
        let id = format!("{}@customer.test", uniq());
        let mut b = Message::builder()
            .from(from.parse::<Mailbox>().expect("from"))
            .to(to.parse::<Mailbox>().expect("to"))
            .subject(subject)
            .message_id(Some(format!("<{id}>")))
            .header(ContentType::TEXT_PLAIN);
        if let Some(last) = reply_to.last() {
            b = b.in_reply_to(format!("<{last}>"));
            let refs: Vec<String> = reply_to.iter().map(|r| format!("<{r}>")).collect();
            b = b.references(refs.join(" "));
        }
        let msg = b.body(body.to_string()).expect("message");
        let t = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(self.smtp_port)
            .build();
        rt().block_on(t.send(msg)).expect("smtp send");
        id
    }

    /// `user` logged in over IMAPS (with the lab CA).
    pub async fn imap(&self, user: &str) -> Session {
        let ep = Endpoint::parse(&self.imaps).expect("endpoint");
        let cred = Credential::Password(PASSWORD.into());
        let limit = Duration::from_secs(20);
        imap::connect(&ep, Some(&self.ca_file), user, &cred, limit)
            .await
            .expect("imap login")
    }

    /// Every message in `user`'s `folder`, parsed.
    pub fn mailbox(&self, user: &str, folder: &str) -> Vec<ParsedMail> {
        rt().block_on(async {
            let mut s = self.imap(user).await;
            imap::select(&mut s, folder).await.expect("select");
            let uids = imap::uid_search(&mut s, "ALL").await.expect("search");
            let all = imap::fetch(&mut s, &uids, usize::MAX, false)
                .await
                .expect("fetch");
            let _ = s.logout().await;
            all.iter()
                .map(|f| parse::parse(&f.raw, usize::MAX))
                .collect()
        })
    }
}

fn uniq() -> String {
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("cust-{}-{n}", std::process::id())
}

fn rt() -> Arc<tokio::runtime::Runtime> {
    Arc::new(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime"),
    )
}

/// Poll until the condition holds (the lab delivers asynchronously, in tens of ms).
pub use super::bsky_lab::wait_for;

/// How long a test waits for the lab.
pub const WAIT: Duration = Duration::from_secs(30);

impl Lab {
    /// A sandbox with `brand` connected by `tinbox account add email` as account `support`
    /// (IMAPS and the given SMTP URL, checked against the lab's CA).
    pub fn connect(&self, brand: &str, smtp: &str) -> Sandbox {
        let sb = Sandbox::new();
        let out = sb.run_with_stdin(
            &[
                "account",
                "add",
                "email",
                "--address",
                brand,
                "--imap",
                &self.imaps,
                "--smtp",
                smtp,
                "--ca-file",
                &self.ca_file,
                "--name",
                "support",
                "--password-stdin",
            ],
            &format!("{PASSWORD}\n"),
        );
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        assert!(
            stdout(&out).contains("Connected support"),
            "{}",
            stdout(&out)
        );
        sb
    }

    /// `user`'s `folder` once it holds something.
    pub fn wait_mailbox(&self, user: &str, folder: &str) -> Vec<ParsedMail> {
        wait_for(&format!("mail in {user}'s {folder}"), WAIT, || {
            let m = self.mailbox(user, folder);
            (!m.is_empty()).then_some(m)
        })
    }
}

/// Adds `lines` to the account's table: the last table in the file `account add` wrote.
pub fn configure(sb: &Sandbox, lines: &str) {
    let config = sb.config_dir().join("config.toml");
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(lines);
    std::fs::write(&config, text).expect("write config");
}

/// Sync until the message `id` is an item.
pub fn wait_item(sb: &Sandbox, id: &str) -> serde_json::Value {
    wait_for(&format!("{id} in tinbox list"), WAIT, || {
        let out = sb.run(&["sync", "--once"]);
        assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
        sb.items().into_iter().find(|i| i["remote_id"] == id)
    })
}
