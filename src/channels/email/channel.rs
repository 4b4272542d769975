//! The email channel: polls the account's folders over IMAP with a `UIDVALIDITY:UID` cursor
//! per folder, and answers over SMTP submission, exactly once.
//!
//! Exactly once: a reply's Message-ID is derived from its outbox key. Before sending, the
//! Sent folder is searched for that id: a reply an earlier attempt delivered and filed is
//! not sent again. The window left is between the server accepting the message (the 250
//! after DATA) and the copy being filed in Sent (one APPEND, milliseconds): a crash exactly
//! there sends the reply a second time on restart.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::imap::{self, Credential, Session};
use super::parse::{self, ParsedMail};
use super::smtp;
use super::tls::Endpoint;
use crate::channels::{
    BoxFuture, Capabilities, Channel, ChannelError, LengthUnit, PollOutcome, ReplyRequest,
    SentReply,
};
use crate::model::{Author, ChannelKind, ThreadEntry};

/// At most this many messages per folder and poll; the cursor carries on from there.
const PAGE: usize = 200;

/// Gives the account's secret when a connection needs it (`password_cmd`, `token_cmd` or
/// the secrets file, read again each time).
pub type SecretSource = Arc<dyn Fn() -> Result<Credential, String> + Send + Sync>;

#[derive(Debug, Clone)]
pub struct EmailOptions {
    pub address: String,
    pub login: String,
    pub imap: Endpoint,
    pub smtp: Endpoint,
    pub ca_file: Option<String>,
    pub folders: Vec<String>,
    pub sent_folder: Option<String>,
    pub mark_seen: bool,
    /// Quote the customer's message below the reply.
    pub quote: bool,
    pub timeout: Duration,
    /// The first sync reads back this far (`Duration::MAX`: everything); `None`: only new mail.
    pub first_sync_window: Option<Duration>,
    pub size_cap: usize,
}

pub struct EmailChannel {
    opts: EmailOptions,
    secret: SecretSource,
}

/// Per folder: `UIDVALIDITY:last UID`. Stored as lines `FOLDER\tV:U`.
type Cursor = BTreeMap<String, (u32, u32)>;

fn read_cursor(c: Option<&str>) -> Cursor {
    c.unwrap_or("")
        .lines()
        .filter_map(|l| {
            let (folder, vu) = l.rsplit_once('\t')?;
            let (v, u) = vu.split_once(':')?;
            Some((folder.to_string(), (v.parse().ok()?, u.parse().ok()?)))
        })
        .collect()
}

fn write_cursor(c: &Cursor) -> String {
    c.iter()
        .map(|(f, (v, u))| format!("{f}\t{v}:{u}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Select `folder`; `false` when the server says it does not exist (a Sent folder not made
/// yet), so a search there finds nothing instead of failing the reply.
async fn selectable(s: &mut Session, folder: &str) -> Result<bool, ChannelError> {
    match imap::select(s, folder).await {
        Ok(_) => Ok(true),
        Err(ChannelError::Rejected(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A fetched message parsed: one over the cap came as its headers alone (smaller than the
/// cap), and is read as headers only whatever their size.
fn read(f: &imap::Fetched, cap: usize) -> ParsedMail {
    parse::parse(&f.raw, if f.over_cap { 0 } else { cap })
}

/// The server's arrival time (INTERNALDATE).
fn arrival(f: &imap::Fetched) -> Option<Timestamp> {
    f.arrived.and_then(|t| Timestamp::from_second(t).ok())
}

/// `2-Mar-2026`, IMAP's date for SEARCH SINCE.
fn imap_date(t: Timestamp) -> String {
    t.strftime("%-d-%b-%Y").to_string()
}

impl EmailChannel {
    pub fn new(opts: EmailOptions, secret: SecretSource) -> EmailChannel {
        EmailChannel { opts, secret }
    }

    /// The secret a connection logs in with, read now from its source.
    pub fn credential(&self) -> Result<Credential, ChannelError> {
        (self.secret)().map_err(ChannelError::Auth)
    }

    /// A logged-in IMAP session (the login is checked by `account add` this way too).
    pub async fn session(&self) -> Result<Session, ChannelError> {
        let cred = self.credential()?;
        let o = &self.opts;
        imap::connect(&o.imap, o.ca_file.as_deref(), &o.login, &cred, o.timeout).await
    }

    async fn do_poll(&self, cursor: Option<&str>) -> Result<PollOutcome, ChannelError> {
        let mut cur = read_cursor(cursor);
        let mut s = self.session().await?;
        let mut out = PollOutcome::default();
        let mut seen = HashSet::new();
        for folder in &self.opts.folders {
            self.poll_folder(&mut s, folder, &mut cur, &mut out, &mut seen)
                .await?;
        }
        let _ = s.logout().await;
        out.cursor = Some(write_cursor(&cur));
        Ok(out)
    }

    async fn poll_folder(
        &self,
        s: &mut Session,
        folder: &str,
        cur: &mut Cursor,
        out: &mut PollOutcome,
        seen: &mut HashSet<String>,
    ) -> Result<(), ChannelError> {
        let (validity, next) = imap::select(s, folder).await?;
        let query = match cur.get(folder) {
            Some((v, u)) if *v == validity => format!("UID {}:*", u.saturating_add(1)),
            // A new UIDVALIDITY: every UID changed meaning. Read the folder again; the store
            // dedups by Message-ID, so nothing comes in twice and nothing is lost.
            Some(_) => "ALL".to_string(),
            None => match super::super::net::first_sync_limit(true, self.opts.first_sync_window) {
                Some(Some(since)) => format!("SINCE {}", imap_date(since)),
                Some(None) => "ALL".to_string(),
                // No backfill: only mail from now on.
                None => format!("UID {}:*", next.max(1)),
            },
        };
        let after = match cur.get(folder) {
            Some((v, u)) if *v == validity => *u,
            _ => 0,
        };
        let mut uids: Vec<u32> = imap::uid_search(s, &query)
            .await?
            .into_iter()
            .filter(|u| *u > after)
            .collect();
        if cur.get(folder).is_none() && self.opts.first_sync_window.is_none() {
            uids.retain(|u| *u >= next);
        }
        uids.truncate(PAGE);
        let mut last = after;
        for chunk in uids.chunks(50) {
            for f in imap::fetch(s, chunk, self.opts.size_cap, self.opts.mark_seen).await? {
                last = last.max(f.uid);
                let p = read(&f, self.opts.size_cap);
                // Our own mail (a copy, a Cc to ourselves) is not a customer writing.
                if p.from_address.eq_ignore_ascii_case(&self.opts.address)
                    || !seen.insert(p.message_id.clone())
                {
                    continue;
                }
                let arrived = arrival(&f).unwrap_or_else(Timestamp::now);
                if p.noise.is_some() {
                    out.noise.push(p.message_id.clone());
                }
                let mut item = super::normalize(&p, arrived);
                if let Some(root) = self.subject_root(s, f.uid, &p, arrived).await? {
                    item.thread_root = Some(root);
                }
                out.items.push(item);
            }
        }
        if uids.is_empty() {
            last = last.max(next.saturating_sub(1)).max(after);
        }
        cur.insert(folder.to_string(), (validity, last));
        Ok(())
    }

    /// For a mail without thread headers: the thread of an earlier mail in this folder from
    /// the same sender with the same subject ([`super::thread`]), if there is one.
    async fn subject_root(
        &self,
        s: &mut Session,
        uid: u32,
        p: &ParsedMail,
        at: Timestamp,
    ) -> Result<Option<String>, ChannelError> {
        let Some(query) = super::thread::search_for(p, at) else {
            return Ok(None);
        };
        let mut uids = imap::uid_search(s, &query).await?;
        uids.retain(|u| *u < uid);
        uids.truncate(20);
        // A cap of 0: the headers of each, never a body.
        let earlier: Vec<(ParsedMail, Timestamp)> = imap::fetch(s, &uids, 0, false)
            .await?
            .iter()
            .filter_map(|f| Some((read(f, 0), arrival(f)?)))
            .collect();
        Ok(super::thread::root(p, at, &earlier))
    }

    /// The Sent folder: configured, else the one marked `\Sent`, else "Sent".
    async fn sent(&self, s: &mut Session) -> Result<String, ChannelError> {
        if let Some(f) = &self.opts.sent_folder {
            return Ok(f.clone());
        }
        Ok(imap::sent_folder(s)
            .await?
            .unwrap_or_else(|| "Sent".to_string()))
    }

    /// A message by Message-ID from the polled folders (and Sent).
    async fn find(
        &self,
        s: &mut Session,
        folders: &[String],
        id: &str,
    ) -> Result<Option<ParsedMail>, ChannelError> {
        for folder in folders {
            if !selectable(s, folder).await? {
                continue;
            }
            let q = format!("HEADER Message-ID {}", imap::quoted(id));
            let uids = imap::uid_search(s, &q).await?;
            if let Some(uid) = uids.last() {
                let f = imap::fetch(s, &[*uid], self.opts.size_cap, false).await?;
                if let Some(f) = f.first() {
                    return Ok(Some(read(f, self.opts.size_cap)));
                }
            }
        }
        Ok(None)
    }

    async fn do_reply(&self, req: &ReplyRequest) -> Result<SentReply, ChannelError> {
        if req.text.trim().is_empty() {
            return Err(ChannelError::Rejected("the reply is empty".into()));
        }
        let id = smtp::message_id(&req.idempotency_key, &self.opts.address);
        let mut s = self.session().await?;
        let sent = self.sent(&mut s).await?;
        // Sent by an earlier attempt (its answer lost, or tinbox killed after sending)?
        if selectable(&mut s, &sent).await? && imap::has_message_id(&mut s, &sent, &id).await? {
            let _ = s.logout().await;
            return Ok(SentReply {
                remote_id: id,
                url: None,
                created_at: Timestamp::now(),
            });
        }
        let mut folders = self.opts.folders.clone();
        folders.push(sent.clone());
        let original = self
            .find(&mut s, &folders, &req.in_reply_to)
            .await?
            .ok_or_else(|| {
                ChannelError::Rejected(
                    "the message being answered is no longer in the mailbox".into(),
                )
            })?;
        let msg = smtp::compose(
            &self.opts.address,
            &original,
            &req.text,
            &id,
            self.opts.quote,
        )?;
        let cred = self.credential()?;
        let o = &self.opts;
        let t = smtp::transport(&o.smtp, o.ca_file.as_deref(), &o.login, &cred, o.timeout)?;
        smtp::send(&t, &msg).await?;
        let now = Timestamp::now();
        // Sent: file the copy. A failure here is logged, not an error: the customer has the
        // reply, and a retry would send it again.
        if let Err(e) = imap::append(&mut s, &sent, &msg.formatted()).await {
            tracing::warn!("email: the reply was sent but not filed in {sent}: {e}");
        }
        let _ = s.logout().await;
        Ok(SentReply {
            remote_id: id,
            url: None,
            created_at: now,
        })
    }

    /// The conversation: messages in the folders and Sent that are the root or refer to it.
    async fn do_thread(&self, root: &str) -> Result<Vec<ThreadEntry>, ChannelError> {
        let mut s = self.session().await?;
        let mut folders = self.opts.folders.clone();
        folders.push(self.sent(&mut s).await?);
        let q = imap::quoted(root);
        let query = format!("OR HEADER Message-ID {q} HEADER References {q}");
        let mut entries = BTreeMap::new();
        for folder in &folders {
            if !selectable(&mut s, folder).await? {
                continue;
            }
            let mut uids = imap::uid_search(&mut s, &query).await?;
            uids.truncate(PAGE);
            for f in imap::fetch(&mut s, &uids, self.opts.size_cap, false).await? {
                let p = read(&f, self.opts.size_cap);
                let created_at = p
                    .date
                    .or_else(|| arrival(&f))
                    .unwrap_or(Timestamp::UNIX_EPOCH);
                let outbound = p.from_address.eq_ignore_ascii_case(&self.opts.address);
                entries.entry(p.message_id.clone()).or_insert(ThreadEntry {
                    remote_id: p.message_id.clone(),
                    author: Author {
                        handle: p.from_address.clone(),
                        name: p.from_name.clone(),
                    },
                    text: p.display_text(),
                    created_at,
                    outbound,
                    item: None,
                });
            }
        }
        let _ = s.logout().await;
        let mut list: Vec<ThreadEntry> = entries.into_values().collect();
        list.sort_by_key(|e| e.created_at);
        Ok(list)
    }
}

impl Channel for EmailChannel {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            can_reply: true,
            can_dm: false,
            max_len: None,
            length_unit: LengthUnit::Chars,
        }
    }

    fn poll<'a>(
        &'a self,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<PollOutcome, ChannelError>> {
        Box::pin(self.do_poll(cursor))
    }

    fn fetch_thread<'a>(
        &'a self,
        remote_id: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ThreadEntry>, ChannelError>> {
        Box::pin(self.do_thread(remote_id))
    }

    fn send_reply<'a>(
        &'a self,
        req: &'a ReplyRequest,
    ) -> BoxFuture<'a, Result<SentReply, ChannelError>> {
        Box::pin(self.do_reply(req))
    }

    fn watch(&self, wake: Arc<tokio::sync::Notify>) -> Option<BoxFuture<'_, ()>> {
        Some(Box::pin(async move {
            super::idle::watch(&self.opts.folders, || self.session(), &wake).await
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_per_folder() {
        let mut c = Cursor::new();
        c.insert("INBOX".into(), (1700000000, 42));
        c.insert("Support/Shop".into(), (7, 3));
        let text = write_cursor(&c);
        assert_eq!(text, "INBOX\t1700000000:42\nSupport/Shop\t7:3");
        assert_eq!(read_cursor(Some(&text)), c);
        assert!(read_cursor(Some("garbage")).is_empty());
    }

    #[test]
    fn search_dates_are_imap_dates() {
        let t: Timestamp = "2026-03-02T10:00:00Z".parse().expect("time");
        assert_eq!(imap_date(t), "2-Mar-2026");
    }
}
