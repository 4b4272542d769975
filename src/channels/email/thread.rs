//! Threading by subject, the last resort: a mail without `In-Reply-To` or `References` (a
//! customer who wrote again with a new message rather than a reply, "Re: My order" typed by
//! hand) joins the thread of an earlier mail from the same address with the same subject,
//! reply and forward prefixes aside, sent within [`WINDOW_DAYS`] before it. The mailbox is
//! the memory: the earlier mail is found with an IMAP SEARCH in the folder being polled.

use jiff::{SignedDuration, Timestamp};

use super::imap;
use super::parse::ParsedMail;
use crate::sanitize::one_line;

/// How far back an earlier mail with the same subject and sender starts the thread.
pub const WINDOW_DAYS: i64 = 7;

/// The subject without its reply and forward prefixes (`Re:`, `RE:`, `Fwd:`, `AW:`, `R:`,
/// `SV:`, `Antw:`, Italian `R:`/`I:`, `[n]`), one line, trimmed.
pub fn base_subject(subject: &str) -> String {
    const PREFIXES: &[&str] = &[
        "re", "fw", "fwd", "aw", "r", "i", "sv", "vs", "antw", "wg", "tr",
    ];
    let mut rest = one_line(subject);
    loop {
        let trimmed = rest.trim_start();
        let Some((head, tail)) = trimmed.split_once(':') else {
            break;
        };
        let word = head
            .trim()
            .trim_end_matches(|c: char| c == ']' || c.is_ascii_digit());
        let word = word.trim_end_matches('[').to_ascii_lowercase();
        if head.len() <= 6 && PREFIXES.contains(&word.as_str()) {
            rest = tail.to_string();
        } else {
            break;
        }
    }
    rest.trim().to_string()
}

/// When `p` (arrived at `at`) has no thread headers: the IMAP SEARCH for earlier mail that
/// may start its thread (same sender, subject containing its base, in the window).
pub fn search_for(p: &ParsedMail, at: Timestamp) -> Option<String> {
    let subject = base_subject(&p.subject);
    if p.in_reply_to.is_some() || !p.references.is_empty() || subject.is_empty() {
        return None;
    }
    if p.from_address.is_empty() {
        return None;
    }
    let since = at
        .checked_sub(SignedDuration::from_hours(24 * WINDOW_DAYS))
        .ok()?;
    Some(format!(
        "FROM {} SUBJECT {} SINCE {}",
        imap::quoted(&p.from_address),
        imap::quoted(&subject),
        since.strftime("%-d-%b-%Y"),
    ))
}

/// Among the earlier mails the search found (parsed headers, arrival time), the thread `p`
/// (arrived at `at`) joins: the earliest with the same sender and base subject, arrived
/// before it and within the window; its own thread if it has one, else itself.
pub fn root(p: &ParsedMail, at: Timestamp, earlier: &[(ParsedMail, Timestamp)]) -> Option<String> {
    let subject = base_subject(&p.subject);
    let from = at
        .checked_sub(SignedDuration::from_hours(24 * WINDOW_DAYS))
        .ok()?;
    earlier
        .iter()
        .filter(|(e, t)| {
            e.message_id != p.message_id
                && e.from_address.eq_ignore_ascii_case(&p.from_address)
                && base_subject(&e.subject).eq_ignore_ascii_case(&subject)
                && *t >= from
                && *t <= at
        })
        .min_by_key(|(_, t)| *t)
        .map(|(e, _)| e.thread_root().unwrap_or_else(|| e.message_id.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::email::parse::parse;

    fn mail(id: &str, from: &str, subject: &str, extra: &str) -> ParsedMail {
        let raw = format!(
            "From: {from}\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{extra}\r\nbody\r\n"
        );
        parse(raw.as_bytes(), 1 << 20)
    }

    fn at(hours: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_hours(500_000 + hours)
    }

    #[test]
    fn prefixes_are_taken_off_in_any_language() {
        assert_eq!(base_subject("Re: AW: Fwd: My order"), "My order");
        assert_eq!(base_subject("RE[2]: SV: My order "), "My order");
        assert_eq!(base_subject("Question: my order"), "Question: my order");
    }

    #[test]
    fn a_mail_without_thread_headers_joins_the_same_senders_earlier_subject() {
        let first = mail("a@c", "kim@c.test", "Grinder broken", "");
        let again = mail("b@c", "Kim@C.test", "Re: grinder broken", "");
        let q = search_for(&again, at(0)).expect("a search");
        assert!(q.starts_with("FROM \"kim@c.test\" SUBJECT \"grinder broken\" SINCE "));
        let found = [(first.clone(), at(-48))];
        assert_eq!(root(&again, at(0), &found).as_deref(), Some("a@c"));
        // The earlier mail was itself a reply: its thread, not itself.
        let threaded = mail(
            "t@c",
            "kim@c.test",
            "Grinder broken",
            "In-Reply-To: <r@brand>\r\n",
        );
        assert_eq!(
            root(&again, at(0), &[(threaded, at(-2))]).as_deref(),
            Some("r@brand")
        );
    }

    #[test]
    fn another_sender_another_subject_or_an_old_mail_starts_a_new_thread() {
        let again = mail("b@c", "kim@c.test", "Grinder broken", "");
        let other = mail("x@c", "ana@c.test", "Grinder broken", "");
        let topic = mail("y@c", "kim@c.test", "Invoice", "");
        let old = mail("z@c", "kim@c.test", "Grinder broken", "");
        let later = mail("w@c", "kim@c.test", "Grinder broken", "");
        let found = [
            (other, at(-1)),
            (topic, at(-1)),
            (old, at(-24 * 8)),
            (later, at(1)),
            (again.clone(), at(0)),
        ];
        assert_eq!(root(&again, at(0), &found), None);
        // A real reply is threaded by its headers: no search.
        let reply = mail("r@c", "kim@c.test", "Re: x", "In-Reply-To: <q@brand>\r\n");
        assert_eq!(search_for(&reply, at(0)), None);
        assert_eq!(
            search_for(&mail("e@c", "kim@c.test", "Re:", ""), at(0)),
            None
        );
    }
}
