//! IMAP IDLE (RFC 2177) while the inbox runs: one extra connection per polled folder waits
//! for the server to announce new mail (`* N EXISTS`) and wakes the account's poller, which
//! then polls as usual (the poll, with its cursor, stays the only reader). IDLE is renewed
//! every [`RENEW`] (servers drop idle clients after 30 minutes); a dropped connection is made
//! again with growing waits; each new connection wakes the poller once, to catch up on what
//! came while nobody watched.
//! A server without IDLE leaves the interval to do the work.

use std::future::Future;
use std::time::Duration;

use async_imap::extensions::idle::IdleResponse;
use async_imap::imap_proto::{MailboxDatum, Response};
use tokio::sync::Notify;

use super::imap::{self, Session};
use crate::channels::ChannelError;

/// IDLE is ended and sent again this often.
pub const RENEW: Duration = Duration::from_secs(25 * 60);

/// Does this untagged response announce mail (a larger `EXISTS`, or `RECENT`)?
pub fn announces_mail(r: &Response<'_>) -> bool {
    matches!(
        r,
        Response::MailboxData(MailboxDatum::Exists(_) | MailboxDatum::Recent(_))
    )
}

/// The wait before connecting again after `failures` failures in a row: 5 s doubling, at
/// most 5 minutes.
pub fn retry_after(failures: u32) -> Duration {
    let secs = 5u64.saturating_mul(1 << failures.saturating_sub(1).min(6));
    Duration::from_secs(secs.min(300))
}

/// Watch every folder until the task is dropped; `connect` gives a logged-in session.
pub async fn watch<F, Fut>(folders: &[String], connect: F, wake: &Notify)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Session, ChannelError>>,
{
    let each = folders.iter().map(|f| watch_folder(f, &connect, wake));
    futures_util::future::join_all(each).await;
}

async fn watch_folder<F, Fut>(folder: &str, connect: &F, wake: &Notify)
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Session, ChannelError>>,
{
    let mut failures = 0u32;
    loop {
        match idle(folder, connect, wake, &mut failures).await {
            Ok(()) => {
                tracing::info!("email: the server has no IDLE; {folder} is polled on interval");
                return;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!("email: IDLE on {folder}: {e}");
                tokio::time::sleep(retry_after(failures)).await;
            }
        }
    }
}

/// One connection: IDLE until it fails (`Err`), or `Ok` at once when the server has no IDLE.
async fn idle<F, Fut>(
    folder: &str,
    connect: &F,
    wake: &Notify,
    failures: &mut u32,
) -> Result<(), ChannelError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<Session, ChannelError>>,
{
    let err = |what: &str, e: async_imap::error::Error| {
        ChannelError::Network(format!("IMAP {what}: {e}"))
    };
    let mut s = connect().await?;
    let caps = s.capabilities().await.map_err(|e| err("CAPABILITY", e))?;
    if !caps.has_str("IDLE") {
        let _ = s.logout().await;
        return Ok(());
    }
    imap::select(&mut s, folder).await?;
    // Watching from now: what came before (meanwhile, after a failure) is polled now.
    wake.notify_one();
    *failures = 0;
    loop {
        let mut h = s.idle();
        h.init().await.map_err(|e| err("IDLE", e))?;
        let (wait, stop) = h.wait_with_timeout(RENEW);
        let answer = wait.await.map_err(|e| err("IDLE", e))?;
        drop(stop);
        let news = match &answer {
            IdleResponse::NewData(d) => announces_mail(d.parsed()),
            IdleResponse::Timeout => false,
            // The stream ended: the server closed the connection.
            IdleResponse::ManualInterrupt => {
                return Err(ChannelError::Network("IMAP IDLE: connection closed".into()));
            }
        };
        s = h.done().await.map_err(|e| err("DONE", e))?;
        if news {
            wake.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_imap::imap_proto::parser::parse_response;

    fn announces(line: &[u8]) -> bool {
        let (_, r) = parse_response(line).expect("a response");
        announces_mail(&r)
    }

    #[test]
    fn new_mail_is_exists_or_recent_and_nothing_else() {
        assert!(announces(b"* 4 EXISTS\r\n"));
        assert!(announces(b"* 1 RECENT\r\n"));
        assert!(!announces(b"* 2 EXPUNGE\r\n"));
        assert!(!announces(b"* 3 FETCH (FLAGS (\\Seen))\r\n"));
        assert!(!announces(b"* OK Still here\r\n"));
        assert!(!announces(b"* BYE Server shutting down\r\n"));
    }

    #[test]
    fn reconnects_wait_longer_each_time_up_to_five_minutes() {
        let waits: Vec<u64> = (1..=9).map(|n| retry_after(n).as_secs()).collect();
        assert_eq!(waits, vec![5, 10, 20, 40, 80, 160, 300, 300, 300]);
    }
}
