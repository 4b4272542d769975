//! Composing and submitting a reply: from the account's address to the customer's
//! (`Reply-To`, else `From`), `Re:` once, `In-Reply-To`/`References` pointing at the thread,
//! plain text wrapped at 72 columns. The Message-ID is derived from the outbox entry's key,
//! so the same reply always has the same id (the channel looks for it in Sent before sending).
//!
//! No header can be injected: the subject is one line (CR/LF removed) and encoded by
//! `lettre`; ids went through [`super::parse::bare_id`]; addresses through `lettre`'s parser.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::imap::Credential;
use super::parse::{ParsedMail, bare_id};
use super::tls::{Endpoint, Security};
use crate::channels::ChannelError;

/// Wrap plain text here (RFC 5322 recommends lines under 78 characters).
pub const WRAP: usize = 72;

/// The Message-ID of the reply queued with this key, e.g.
/// `tinbox-42-00ff…@brand.example`: the same key always gives the same id.
pub fn message_id(key: &str, from_address: &str) -> String {
    let local: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    let domain = from_address
        .rsplit_once('@')
        .and_then(|(_, d)| bare_id(d))
        .unwrap_or_else(|| "tinbox.invalid".into());
    format!("{local}@{domain}")
}

/// `Re: ` once: earlier reply and forward prefixes are taken off first
/// ([`super::thread::base_subject`]), so a thread never grows `Re: Re: Re:`.
pub fn re_subject(subject: &str) -> String {
    let rest = super::thread::base_subject(subject);
    if rest.is_empty() {
        "Re: your message".into()
    } else {
        format!("Re: {rest}")
    }
}

/// Plain text wrapped at [`WRAP`] columns on spaces; quoted lines and lines without a
/// space to break at (long links) are left as they are.
pub fn wrap(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        if line.chars().count() <= WRAP || line.starts_with('>') {
            out.push(line.to_string());
            continue;
        }
        let mut cur = String::new();
        for word in line.split(' ') {
            if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > WRAP {
                out.push(std::mem::take(&mut cur));
            } else if !cur.is_empty() {
                cur.push(' ');
            }
            cur.push_str(word);
        }
        out.push(cur);
    }
    out.join("\n")
}

/// `text` wrapped, and with `quote` the customer's new part below it, each line `> `.
pub fn body(original: &ParsedMail, text: &str, quote: bool) -> String {
    let mut body = wrap(text);
    if quote && !original.new_part.is_empty() {
        let who = if original.from_name.is_empty() {
            &original.from_address
        } else {
            &original.from_name
        };
        let when = original
            .date
            .map(|d| d.strftime("On %a, %-d %b %Y at %H:%M UTC, ").to_string())
            .unwrap_or_default();
        body.push_str(&format!("\n\n{when}{who} wrote:\n"));
        for line in original.new_part.lines() {
            body.push_str(if line.is_empty() { ">" } else { "> " });
            body.push_str(line);
            body.push('\n');
        }
    }
    body
}

/// The reply to `original` as a message ready to submit.
pub fn compose(
    from: &str,
    original: &ParsedMail,
    text: &str,
    id: &str,
    quote: bool,
) -> Result<Message, ChannelError> {
    let bad = |what: &str, e: String| ChannelError::Rejected(format!("{what}: {e}"));
    let from: Mailbox = from
        .parse()
        .map_err(|e: lettre::address::AddressError| bad("the account's address", e.to_string()))?;
    let to: Mailbox = original
        .reply_to
        .parse()
        .map_err(|e: lettre::address::AddressError| {
            bad(
                &format!("the customer's address {:?}", original.reply_to),
                e.to_string(),
            )
        })?;
    let mut refs: Vec<String> = original.references.clone();
    refs.push(original.message_id.clone());
    refs.dedup();
    // The root and the most recent dozen are enough to thread (RFC 5322 suggests trimming).
    if refs.len() > 12 {
        let root = refs[0].clone();
        refs.drain(..refs.len() - 11);
        refs.insert(0, root);
    }
    let refs: Vec<String> = refs
        .iter()
        .filter_map(|r| bare_id(r))
        .map(|r| format!("<{r}>"))
        .collect();
    let mut b = Message::builder()
        .from(from)
        .to(to)
        .subject(re_subject(&original.subject))
        .message_id(Some(format!("<{id}>")))
        .header(ContentType::TEXT_PLAIN);
    if let Some(parent) = bare_id(&original.message_id) {
        b = b.in_reply_to(format!("<{parent}>"));
    }
    if !refs.is_empty() {
        b = b.references(refs.join(" "));
    }
    b.body(body(original, text, quote))
        .map_err(|e| bad("composing the reply", e.to_string()))
}

/// An SMTP submission client for the account.
pub fn transport(
    ep: &Endpoint,
    ca_file: Option<&str>,
    login: &str,
    cred: &Credential,
    limit: Duration,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, ChannelError> {
    let tls = |host: &str| -> Result<TlsParameters, ChannelError> {
        let setup = |e: String| ChannelError::Rejected(format!("SMTP TLS setup: {e}"));
        match ca_file {
            None => TlsParameters::new_rustls(host.into()).map_err(|e| setup(e.to_string())),
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| setup(format!("cannot read ca_file {path}: {e}")))?;
                let ca = Certificate::from_pem(&pem).map_err(|e| setup(e.to_string()))?;
                TlsParameters::builder(host.into())
                    .add_root_certificate(ca)
                    .build_rustls()
                    .map_err(|e| setup(e.to_string()))
            }
        }
    };
    let security = match ep.security {
        Security::Implicit => Tls::Wrapper(tls(&ep.host)?),
        Security::StartTls => Tls::Required(tls(&ep.host)?),
        Security::Plain => Tls::None,
    };
    let (secret, mechanisms) = match cred {
        Credential::Password(p) => (p.clone(), vec![Mechanism::Plain, Mechanism::Login]),
        Credential::OAuth2(t) => (t.clone(), vec![Mechanism::Xoauth2]),
    };
    Ok(
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(ep.host.as_str())
            .port(ep.port)
            .tls(security)
            .credentials(Credentials::new(login.into(), secret))
            .authentication(mechanisms)
            .timeout(Some(limit))
            .build(),
    )
}

/// Submit the message; its exact bytes are what the caller files in Sent.
pub async fn send(
    t: &AsyncSmtpTransport<Tokio1Executor>,
    msg: &Message,
) -> Result<(), ChannelError> {
    let raw = msg.formatted();
    t.send_raw(msg.envelope(), &raw)
        .await
        .map(drop)
        .map_err(|e| {
            let text = e.to_string();
            if e.is_permanent() {
                if text.contains("535") || text.to_ascii_lowercase().contains("auth") {
                    ChannelError::Auth(format!("SMTP: {text}"))
                } else {
                    ChannelError::Rejected(format!("SMTP: {text}"))
                }
            } else {
                ChannelError::Network(format!("SMTP: {text}"))
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_is_added_once() {
        assert_eq!(re_subject("Order 12"), "Re: Order 12");
        assert_eq!(re_subject("Re: RE: Fwd: Order 12"), "Re: Order 12");
        assert_eq!(re_subject("R: R: I: selca"), "Re: selca");
        assert_eq!(re_subject("Re[2]: x"), "Re: x");
        assert_eq!(re_subject("Ticket: 5"), "Re: Ticket: 5");
        assert_eq!(re_subject("a\r\nBcc: x@y"), "Re: a Bcc: x@y");
    }

    #[test]
    fn long_lines_wrap_at_72() {
        let long = "word ".repeat(40);
        let w = wrap(&format!("{long}\n> {long}"));
        let lines: Vec<&str> = w.lines().collect();
        assert!(
            lines[..lines.len() - 1]
                .iter()
                .all(|l| l.chars().count() <= WRAP)
        );
        assert!(lines.last().is_some_and(|l| l.starts_with("> ")));
    }

    #[test]
    fn the_customer_is_quoted_only_when_asked() {
        let original = super::super::parse::parse(
            b"From: Kim <kim@example.com>\r\nSubject: s\r\nDate: Tue, 3 Mar 2026 10:00:00 +0000\r\n\r\nWhere is it?\r\n\r\nKim",
            1000,
        );
        assert_eq!(body(&original, "Soon.", false), "Soon.");
        assert_eq!(
            body(&original, "Soon.", true),
            "Soon.\n\nOn Tue, 3 Mar 2026 at 10:00 UTC, Kim wrote:\n> Where is it?\n>\n> Kim\n"
        );
    }

    #[test]
    fn message_ids_come_from_the_key() {
        let a = message_id("tinbox-7-00ff", "support@brand.example");
        assert_eq!(a, "tinbox-7-00ff@brand.example");
        assert_eq!(message_id("x\r\ny", "s@b c"), "xy@tinbox.invalid");
    }

    #[test]
    fn crlf_in_the_subject_never_makes_a_header() {
        let original = super::super::parse::parse(
            b"From: kim@example.com\r\nSubject: =?utf-8?Q?hi=0D=0ABcc:_evil@x.example?=\r\nMessage-ID: <m1@example.com>\r\n\r\nbody",
            1000,
        );
        let msg = compose(
            "support@brand.example",
            &original,
            "Thanks!",
            "r1@brand.example",
            false,
        )
        .expect("compose");
        let raw = String::from_utf8(msg.formatted()).expect("utf8");
        assert!(
            !raw.lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <m1@example.com>"));
        assert!(raw.contains("Message-ID: <r1@brand.example>"));
    }
}
