//! Email: a support mailbox read over IMAP and answered over SMTP submission.

pub mod channel;
pub mod fold;
pub mod idle;
pub mod imap;
pub mod parse;
pub mod smtp;
pub mod thread;
pub mod tls;

use jiff::Timestamp;

use crate::model::{Author, IncomingItem, Kind, Visibility};
pub use channel::{EmailChannel, EmailOptions, SecretSource};
use parse::ParsedMail;

/// The tag automatic mail (auto-replies, bounces, bulk, receipts) arrives with.
pub const NOISE_TAG: &str = "noise";

/// A parsed message as an inbox item: kind `email`, the Message-ID as remote id, threaded
/// by its references. `received` (the server's arrival time) stands in for a missing or
/// future `Date`.
pub fn normalize(p: &ParsedMail, received: Timestamp) -> IncomingItem {
    let handle = if p.from_address.is_empty() {
        "(unknown sender)".to_string()
    } else {
        p.from_address.clone()
    };
    IncomingItem {
        remote_id: p.message_id.clone(),
        kind: Kind::Email,
        author: Author {
            handle,
            name: p.from_name.clone(),
        },
        text: p.display_text(),
        url: None,
        // A sender's clock can be wrong or hostile: a date after arrival is not believed.
        created_at: p.date.filter(|d| *d <= received).unwrap_or(received),
        thread_root: p.thread_root(),
        in_reply_to: p
            .in_reply_to
            .clone()
            .or_else(|| p.references.last().cloned()),
        visibility: Visibility::Direct,
    }
}
