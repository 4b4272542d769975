//! One raw message (RFC 5322 / MIME, untrusted bytes) to what the inbox shows and threads by.
//!
//! `mail-parser` decodes charsets, encoded words and broken MIME; everything it gives back
//! goes through [`crate::sanitize`] (headers on one line, the body without control
//! characters). HTML-only mail becomes text through [`crate::html::to_text`]. The new part of
//! the message comes first; quoted history and the signature are folded below a marker line
//! (see [`super::fold`]); attachments are listed by name, type and size and never opened.
//! Messages above the size cap are read for their headers only.

use jiff::Timestamp;
use mail_parser::{HeaderValue, Message, MessageParser, MimeHeaders};

use super::fold;
use crate::sanitize::{clean, one_line};

/// Above this a message is listed with its headers only (the default: 25 MB).
pub const DEFAULT_SIZE_CAP: usize = 25 * 1024 * 1024;

/// Why a message is automatic mail rather than a customer writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noise {
    /// `Auto-Submitted`, `X-Autoreply`, `Precedence: auto_reply`: out-of-office and friends.
    AutoReply,
    /// A delivery-status report or a mail from `MAILER-DAEMON`/`postmaster`.
    Bounce,
    /// A read receipt (`disposition-notification`) or another `multipart/report`.
    Report,
    /// Mailing lists and bulk mail (`List-Id`, `Precedence: bulk|list|junk`).
    Bulk,
}

/// An attachment as listed (its content is never decoded for display nor opened).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub mime: String,
    pub size: usize,
}

/// A parsed, normalised message. Every string is sanitized; ids are bare (no `<>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedMail {
    /// The Message-ID, or `tinbox-…` derived from the raw bytes when there is none.
    pub message_id: String,
    /// The sender's address, lower-cased; empty when the message names none.
    pub from_address: String,
    pub from_name: String,
    /// Where replies go: `Reply-To`, else the sender.
    pub reply_to: String,
    /// Decoded subject; empty when there is none.
    pub subject: String,
    pub date: Option<Timestamp>,
    pub in_reply_to: Option<String>,
    /// `References`, oldest first (the thread's root first).
    pub references: Vec<String>,
    /// What the customer wrote this time (quoted history and signature removed).
    pub new_part: String,
    /// Quoted history and signature, kept whole.
    pub folded: String,
    pub attachments: Vec<Attachment>,
    pub noise: Option<Noise>,
    /// Over the size cap: only the headers were read.
    pub headers_only: bool,
}

impl ParsedMail {
    /// The thread key: the first reference (the conversation's root), else the message
    /// answered, else none (the message starts its own thread).
    pub fn thread_root(&self) -> Option<String> {
        self.references
            .first()
            .cloned()
            .or_else(|| self.in_reply_to.clone())
    }

    /// The item's text: the subject, the new part, the attachment list, then the folded
    /// quote and signature below a marker line.
    pub fn display_text(&self) -> String {
        let mut out = String::new();
        let subject = if self.subject.is_empty() {
            "(no subject)"
        } else {
            &self.subject
        };
        out.push_str(subject);
        out.push_str("\n\n");
        if self.headers_only {
            out.push_str("(message over the size limit: only its headers were read)");
        } else if self.new_part.is_empty() {
            out.push_str("(no text)");
        } else {
            out.push_str(&self.new_part);
        }
        if !self.attachments.is_empty() {
            out.push_str("\n\nAttachments:");
            for a in &self.attachments {
                out.push_str(&format!(
                    "\n  {} ({}, {})",
                    a.name,
                    a.mime,
                    human_size(a.size)
                ));
            }
        }
        if !self.folded.is_empty() {
            out.push_str("\n\n");
            out.push_str(fold::MARKER);
            out.push('\n');
            out.push_str(&self.folded);
        }
        out
    }
}

/// `12 KB`, `3.4 MB`: sizes as a person reads them.
pub fn human_size(n: usize) -> String {
    const KB: usize = 1024;
    match n {
        n if n < KB => format!("{n} B"),
        n if n < KB * KB => format!("{} KB", n.div_ceil(KB)),
        n => format!("{:.1} MB", n as f64 / (KB * KB) as f64),
    }
}

/// Parse one raw message. Never fails: whatever cannot be read is left empty, and a
/// message without a Message-ID gets one derived from its bytes (stable across polls).
pub fn parse(raw: &[u8], size_cap: usize) -> ParsedMail {
    // A byte-order mark before the first header hides every header from a strict parser.
    let body = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let headers_only = body.len() > size_cap;
    let parser = MessageParser::default();
    let msg = if headers_only {
        parser.parse_headers(body)
    } else {
        parser.parse(body)
    };
    let mut out = ParsedMail {
        message_id: String::new(),
        from_address: String::new(),
        from_name: String::new(),
        reply_to: String::new(),
        subject: String::new(),
        date: None,
        in_reply_to: None,
        references: Vec::new(),
        new_part: String::new(),
        folded: String::new(),
        attachments: Vec::new(),
        noise: None,
        headers_only,
    };
    if let Some(m) = &msg {
        read_headers(m, &mut out);
        if !headers_only {
            read_body(m, &mut out);
        }
    }
    if out.message_id.is_empty() {
        out.message_id = derived_id(raw);
    }
    out
}

fn read_headers(m: &Message<'_>, out: &mut ParsedMail) {
    out.message_id = m.message_id().and_then(bare_id).unwrap_or_default();
    let from = m.from().and_then(|a| a.first());
    if let Some(f) = from {
        out.from_address = f.address().map(one_line).unwrap_or_default();
        out.from_address.make_ascii_lowercase();
        out.from_name = f.name().map(one_line).unwrap_or_default();
    }
    out.reply_to = m
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .map(one_line)
        .filter(|a| a.contains('@'))
        .unwrap_or_else(|| out.from_address.clone());
    out.subject = m.subject().map(one_line).unwrap_or_default();
    out.date = m
        .date()
        .and_then(|d| Timestamp::from_second(d.to_timestamp()).ok());
    out.in_reply_to = ids(m.in_reply_to()).into_iter().next();
    out.references = ids(m.references());
    out.noise = noise(m, &out.from_address);
}

fn read_body(m: &Message<'_>, out: &mut ParsedMail) {
    let text = body_text(m);
    let (new_part, folded) = fold::split(&text);
    out.new_part = new_part;
    out.folded = folded;
    out.attachments = m
        .attachments()
        .map(|p| Attachment {
            name: p
                .attachment_name()
                .map(one_line)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| "(unnamed)".into()),
            mime: p
                .content_type()
                .map(|c| {
                    let sub = c.subtype().unwrap_or("octet-stream");
                    one_line(&format!("{}/{sub}", c.ctype())).to_ascii_lowercase()
                })
                .unwrap_or_else(|| "application/octet-stream".into()),
            size: p.len(),
        })
        .collect();
}

/// The readable body: the first text/plain part (format=flowed unwrapped), else the first
/// HTML part through the HTML path, cleaned.
fn body_text(m: &Message<'_>) -> String {
    if let Some(part) = m.text_part(0)
        && !part.is_text_html()
        && let Some(text) = part.text_contents()
    {
        let flowed = part
            .content_type()
            .and_then(|c| c.attribute("format"))
            .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
        let delsp = part
            .content_type()
            .and_then(|c| c.attribute("delsp"))
            .is_some_and(|f| f.eq_ignore_ascii_case("yes"));
        let text = if flowed {
            fold::unflow(text, delsp)
        } else {
            text.to_string()
        };
        return tidy(&clean(&text));
    }
    if let Some(part) = m.html_part(0)
        && let Some(html) = part.text_contents()
    {
        return tidy(&crate::html::to_text(html));
    }
    String::new()
}

/// Trailing spaces off every line, blank lines at both ends dropped.
fn tidy(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// Automatic mail, by its headers, sender and structure.
fn noise(m: &Message<'_>, from: &str) -> Option<Noise> {
    let raw = |name: &str| m.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let ctype = m.content_type();
    if let Some(c) = ctype
        && c.ctype().eq_ignore_ascii_case("multipart")
        && c.subtype()
            .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    {
        let kind = c
            .attribute("report-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        return Some(if kind == "delivery-status" {
            Noise::Bounce
        } else {
            Noise::Report
        });
    }
    let local = from.split('@').next().unwrap_or("");
    if local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster") {
        return Some(Noise::Bounce);
    }
    if raw("Auto-Submitted").is_some_and(|v| !v.is_empty() && !v.starts_with("no"))
        || raw("X-Autoreply").is_some()
        || raw("X-Autorespond").is_some()
    {
        return Some(Noise::AutoReply);
    }
    match raw("Precedence").as_deref() {
        Some("auto_reply") => return Some(Noise::AutoReply),
        Some("bulk" | "list" | "junk") => return Some(Noise::Bulk),
        _ => {}
    }
    if raw("List-Id").is_some() || raw("List-Unsubscribe").is_some() {
        return Some(Noise::Bulk);
    }
    None
}

/// The message ids of an id-list header (`In-Reply-To`, `References`), bare and checked.
fn ids(v: &HeaderValue<'_>) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => bare_id(t).into_iter().collect(),
        HeaderValue::TextList(l) => l.iter().filter_map(|t| bare_id(t)).collect(),
        _ => Vec::new(),
    }
}

/// A Message-ID without its angle brackets, if it is one a header can carry safely:
/// visible ASCII without spaces, brackets or quotes, at most 250 bytes. Remote ids go back
/// out in our replies' `In-Reply-To`/`References`: nothing else may get through.
pub fn bare_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    let ok = !id.is_empty()
        && id.len() <= 250
        && id
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\'));
    ok.then(|| id.to_string())
}

/// A stable id for a message without Message-ID: a 128-bit FNV-1a hash of its bytes (two
/// 64-bit lanes), so the same message polled twice is the same item.
pub fn derived_id(raw: &[u8]) -> String {
    let lane = |seed: u64| {
        raw.iter().fold(seed, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        })
    };
    format!(
        "tinbox-{:016x}{:016x}@no-message-id",
        lane(0xcbf2_9ce4_8422_2325),
        lane(0x6c62_272e_07bb_0142)
    )
}

#[cfg(test)]
mod tests;
