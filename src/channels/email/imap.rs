//! A small typed IMAP client over `async-imap`: connect (TLS, STARTTLS or loopback clear
//! text), log in (password or XOAUTH2), and the few commands the channel needs. Mail is read
//! with `BODY.PEEK[]`, so polling never sets `\Seen` (unless the account asks for it).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::types::NameAttribute;
use futures_util::StreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::tls::{Endpoint, Security, client_config, tls_error};
use crate::channels::ChannelError;

/// A TCP connection, in the clear (loopback only) or under TLS.
#[derive(Debug)]
pub enum Conn {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// How the account proves who it is.
#[derive(Clone)]
pub enum Credential {
    Password(String),
    /// An OAuth2 access token (from `token_cmd`), sent with SASL XOAUTH2 (Gmail, Microsoft
    /// 365), else OAUTHBEARER (RFC 7628) where a server only knows the standard one.
    OAuth2(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secret itself.
        f.write_str(match self {
            Credential::Password(_) => "Password(…)",
            Credential::OAuth2(_) => "OAuth2(…)",
        })
    }
}

/// SASL XOAUTH2's initial response (Google's and Microsoft's mechanism).
pub fn xoauth2(login: &str, token: &str) -> String {
    format!("user={login}\x01auth=Bearer {token}\x01\x01")
}

/// SASL OAUTHBEARER's initial response (RFC 7628): a GS2 header naming the user (`,` and
/// `=` escaped as `=2C` and `=3D`), then the host, the port and the bearer token.
pub fn oauthbearer(login: &str, host: &str, port: u16, token: &str) -> String {
    let user = login.replace('=', "=3D").replace(',', "=2C");
    format!("n,a={user},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")
}

/// Answers a SASL exchange with its initial response (sent as the first answer).
struct XOAuth2(String);

impl async_imap::Authenticator for XOAuth2 {
    type Response = String;
    fn process(&mut self, _challenge: &[u8]) -> String {
        // A second challenge is the server's error report: answer empty to get the NO.
        std::mem::take(&mut self.0)
    }
}

/// One fetched message.
#[derive(Debug, Clone)]
pub struct Fetched {
    pub uid: u32,
    pub raw: Vec<u8>,
    /// The server's arrival time (INTERNALDATE), seconds since the epoch.
    pub arrived: Option<i64>,
    /// Larger than the size cap: `raw` holds the headers only.
    pub over_cap: bool,
}

pub type Session = async_imap::Session<Conn>;

fn net(what: &str, e: impl std::fmt::Display) -> ChannelError {
    ChannelError::Network(format!("IMAP {what}: {e}"))
}

fn imap_err(what: &str, e: async_imap::error::Error) -> ChannelError {
    use async_imap::error::Error;
    match e {
        Error::Io(e) => net(what, e),
        Error::ConnectionLost => net(what, "connection lost"),
        Error::No(m) | Error::Bad(m) => ChannelError::Rejected(format!("IMAP {what}: {m}")),
        other => ChannelError::Malformed(format!("IMAP {what}: {other}")),
    }
}

/// Connect and log in; `limit` bounds each step.
pub async fn connect(
    ep: &Endpoint,
    ca_file: Option<&str>,
    login: &str,
    cred: &Credential,
    limit: Duration,
) -> Result<Session, ChannelError> {
    let step = |what: &'static str| move |_| net(what, "timed out");
    let tcp = tokio::time::timeout(limit, TcpStream::connect((ep.host.as_str(), ep.port)))
        .await
        .map_err(step("connect"))?
        .map_err(|e| net("connect", format!("{}:{}: {e}", ep.host, ep.port)))?;
    let tls = || async {
        let cfg = client_config(ca_file)?;
        Ok::<_, ChannelError>(tokio_rustls::TlsConnector::from(cfg))
    };
    let conn = match ep.security {
        Security::Plain => Conn::Plain(tcp),
        Security::Implicit => {
            let s = tokio::time::timeout(limit, tls().await?.connect(ep.server_name()?, tcp))
                .await
                .map_err(step("TLS"))?
                .map_err(|e| tls_error(&ep.host, &e))?;
            Conn::Tls(Box::new(s))
        }
        Security::StartTls => {
            let mut c = async_imap::Client::new(Conn::Plain(tcp));
            greeting(&mut c, limit).await?;
            tokio::time::timeout(limit, c.run_command_and_check_ok("STARTTLS", None))
                .await
                .map_err(step("STARTTLS"))?
                .map_err(|e| {
                    ChannelError::Rejected(format!(
                        "{} refused STARTTLS ({e}); tinbox does not send a password in the clear",
                        ep.host
                    ))
                })?;
            let Conn::Plain(tcp) = c.into_inner() else {
                return Err(net("STARTTLS", "unexpected stream"));
            };
            let s = tokio::time::timeout(limit, tls().await?.connect(ep.server_name()?, tcp))
                .await
                .map_err(step("TLS"))?
                .map_err(|e| tls_error(&ep.host, &e))?;
            Conn::Tls(Box::new(s))
        }
    };
    let mut client = async_imap::Client::new(conn);
    if ep.security != Security::StartTls {
        greeting(&mut client, limit).await?;
    }
    let session = match cred {
        Credential::Password(p) => tokio::time::timeout(limit, client.login(login, p))
            .await
            .map_err(step("login"))?,
        Credential::OAuth2(token) => {
            let sasl = xoauth2(login, token);
            let first = tokio::time::timeout(limit, client.authenticate("XOAUTH2", XOAuth2(sasl)))
                .await
                .map_err(step("login"))?;
            match first {
                // Refused (an unknown mechanism, or the token): the standard mechanism next,
                // on the same connection; the first refusal is the one reported.
                Err((
                    e @ (async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_)),
                    c,
                )) => {
                    let sasl = oauthbearer(login, &ep.host, ep.port, token);
                    let second =
                        tokio::time::timeout(limit, c.authenticate("OAUTHBEARER", XOAuth2(sasl)))
                            .await
                            .map_err(step("login"))?;
                    second.map_err(|(_, c)| (e, c))
                }
                other => other,
            }
        }
    };
    session.map_err(|(e, _)| match e {
        async_imap::error::Error::No(m) | async_imap::error::Error::Bad(m) => {
            ChannelError::Auth(format!("IMAP login as {login} refused: {m}"))
        }
        other => imap_err("login", other),
    })
}

async fn greeting(c: &mut async_imap::Client<Conn>, limit: Duration) -> Result<(), ChannelError> {
    match tokio::time::timeout(limit, c.read_response()).await {
        Ok(Ok(Some(_))) => Ok(()),
        Ok(Ok(None)) => Err(net("greeting", "the server closed the connection")),
        Ok(Err(e)) => Err(net("greeting", e)),
        Err(_) => Err(net("greeting", "timed out")),
    }
}

/// `(UIDVALIDITY, UIDNEXT)` of a selected folder.
pub async fn select(s: &mut Session, folder: &str) -> Result<(u32, u32), ChannelError> {
    let mb = s.select(folder).await.map_err(|e| imap_err("SELECT", e))?;
    Ok((mb.uid_validity.unwrap_or(0), mb.uid_next.unwrap_or(0)))
}

/// UIDs matching an IMAP search, ascending.
pub async fn uid_search(s: &mut Session, query: &str) -> Result<Vec<u32>, ChannelError> {
    let mut uids: Vec<u32> = s
        .uid_search(query)
        .await
        .map_err(|e| imap_err("SEARCH", e))?
        .into_iter()
        .collect();
    uids.sort_unstable();
    Ok(uids)
}

/// The messages with these UIDs: whole when at most `cap` bytes, else headers only.
pub async fn fetch(
    s: &mut Session,
    uids: &[u32],
    cap: usize,
    mark_seen: bool,
) -> Result<Vec<Fetched>, ChannelError> {
    if uids.is_empty() {
        return Ok(Vec::new());
    }
    let set = uid_set(uids);
    let mut sizes = Vec::new();
    {
        let mut stream = s
            .uid_fetch(&set, "(UID RFC822.SIZE)")
            .await
            .map_err(|e| imap_err("FETCH", e))?;
        while let Some(f) = stream.next().await {
            let f = f.map_err(|e| imap_err("FETCH", e))?;
            if let Some(uid) = f.uid {
                sizes.push((uid, f.size.unwrap_or(0) as usize));
            }
        }
    }
    let (small, big): (Vec<_>, Vec<_>) = sizes.iter().partition(|(_, n)| *n <= cap);
    let body = if mark_seen { "BODY[]" } else { "BODY.PEEK[]" };
    let mut out = Vec::new();
    for (list, query, over_cap) in [
        (small, format!("(UID INTERNALDATE {body})"), false),
        (
            big,
            "(UID INTERNALDATE BODY.PEEK[HEADER])".to_string(),
            true,
        ),
    ] {
        let uids: Vec<u32> = list.iter().map(|(u, _)| *u).collect();
        if uids.is_empty() {
            continue;
        }
        let mut stream = s
            .uid_fetch(uid_set(&uids), &query)
            .await
            .map_err(|e| imap_err("FETCH", e))?;
        while let Some(f) = stream.next().await {
            let f = f.map_err(|e| imap_err("FETCH", e))?;
            let Some(uid) = f.uid else { continue };
            let raw = f.body().or_else(|| f.header()).unwrap_or_default().to_vec();
            out.push(Fetched {
                uid,
                raw,
                arrived: f.internal_date().map(|d| d.timestamp()),
                over_cap,
            });
        }
    }
    out.sort_by_key(|f| f.uid);
    Ok(out)
}

/// `1,3,7` (at most a few thousand per poll: the caller pages).
fn uid_set(uids: &[u32]) -> String {
    uids.iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The folder marked `\Sent` (RFC 6154), if the server says.
pub async fn sent_folder(s: &mut Session) -> Result<Option<String>, ChannelError> {
    let mut stream = s
        .list(Some(""), Some("*"))
        .await
        .map_err(|e| imap_err("LIST", e))?;
    let mut found = None;
    while let Some(n) = stream.next().await {
        let n = n.map_err(|e| imap_err("LIST", e))?;
        if found.is_none() && n.attributes().contains(&NameAttribute::Sent) {
            found = Some(n.name().to_string());
        }
    }
    Ok(found)
}

/// A message id as an IMAP quoted string (ids were checked by `parse::bare_id`: visible
/// ASCII without quotes or backslashes).
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace(['"', '\\', '\r', '\n'], ""))
}

/// Does `folder` hold a message with this Message-ID?
pub async fn has_message_id(
    s: &mut Session,
    folder: &str,
    message_id: &str,
) -> Result<bool, ChannelError> {
    select(s, folder).await?;
    let q = format!("HEADER Message-ID {}", quoted(message_id));
    Ok(!uid_search(s, &q).await?.is_empty())
}

/// File a copy of a sent message, marked `\Seen`.
pub async fn append(s: &mut Session, folder: &str, raw: &[u8]) -> Result<(), ChannelError> {
    s.append(folder, Some("(\\Seen)"), None, raw)
        .await
        .map_err(|e| imap_err("APPEND", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The initial responses byte for byte (RFC 7628 §3.1; Google's XOAUTH2 description).
    #[test]
    fn oauth2_initial_responses() {
        assert_eq!(
            xoauth2("support@brand.example", "ya29.t0k"),
            "user=support@brand.example\x01auth=Bearer ya29.t0k\x01\x01"
        );
        assert_eq!(
            oauthbearer("support@brand.example", "imap.example.com", 993, "t0k"),
            "n,a=support@brand.example,\x01host=imap.example.com\x01port=993\x01auth=Bearer t0k\x01\x01"
        );
        // A login with `,` or `=` cannot end the GS2 header early.
        assert_eq!(
            oauthbearer("a,b=c", "h", 143, "t"),
            "n,a=a=2Cb=3Dc,\x01host=h\x01port=143\x01auth=Bearer t\x01\x01"
        );
    }

    #[test]
    fn a_credential_never_prints_its_secret() {
        let c = Credential::OAuth2("ya29.secret".into());
        assert_eq!(format!("{c:?}"), "OAuth2(…)");
        let p = Credential::Password("hunter2".into());
        assert!(!format!("{p:?}").contains("hunter2"));
    }
}
