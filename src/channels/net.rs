//! HTTP pieces every network channel shares: the clients, the redirect rule, the cap on
//! open connections, the wording of network errors, and reading `Retry-After`.
//!
//! TLS roots: the system's roots are read on the first TLS handshake of the process
//! ([`roots`]), not when a client is built, so a run that talks plain http to loopback or
//! to nobody at all never reads them.
//!
//! Connections: every request holds a [`Permit`] until its answer is read, at most
//! [`MAX_CONNECTIONS`] at once overall and [`MAX_PER_HOST`] to one host, and no idle
//! connection is kept afterwards. A thousand accounts polled together thus open a few dozen
//! sockets, not a thousand (which met `ulimit -n` and failed as "cannot connect").

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use reqwest::header::HeaderMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::ChannelError;

pub mod roots;

/// How long one request may take, end to end, unless an account says otherwise.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A client for one account's API: https only (checked by the caller), no redirects (a
/// token must not follow a redirect to another host), bounded connect and request times.
pub fn api_client() -> Result<reqwest::Client, ChannelError> {
    api_client_with(REQUEST_TIMEOUT)
}

/// [`api_client`] with another request timeout (a slow server fails after `timeout`).
pub fn api_client_with(timeout: Duration) -> Result<reqwest::Client, ChannelError> {
    shared(Purpose::Api, timeout, || {
        builder(timeout)
            .user_agent(concat!("tinbox/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::none())
            .build()
    })
}

/// A client for a feed: redirects followed (feeds move), at most [`MAX_REDIRECTS`], and
/// each target must pass the rule a configured URL passes: https, or plain http to a
/// loopback address only. A redirect elsewhere is refused before connecting to it.
pub fn feed_client(timeout: Duration) -> Result<reqwest::Client, ChannelError> {
    shared(Purpose::Feed, timeout, || {
        builder(timeout)
            .user_agent(concat!(
                "tinbox/",
                env!("CARGO_PKG_VERSION"),
                " (feed reader)"
            ))
            .redirect(feed_redirects())
            .build()
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Purpose {
    Api,
    Feed,
}

/// One client per purpose and timeout for the whole process (building one costs a TLS
/// configuration; a thousand accounts paid it a thousand times). Sharing is safe across
/// runtimes because no idle connection is kept (see [`builder`]).
fn shared(
    purpose: Purpose,
    timeout: Duration,
    build: impl FnOnce() -> reqwest::Result<reqwest::Client>,
) -> Result<reqwest::Client, ChannelError> {
    type Clients = Mutex<HashMap<(Purpose, Duration), reqwest::Client>>;
    static CLIENTS: OnceLock<Clients> = OnceLock::new();
    // reqwest needs a process-wide TLS provider; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut clients = CLIENTS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(c) = clients.get(&(purpose, timeout)) {
        return Ok(c.clone());
    }
    let client = build().map_err(|e| ChannelError::Network(e.to_string()))?;
    clients.insert((purpose, timeout), client.clone());
    Ok(client)
}

/// How many redirects a feed may take.
pub const MAX_REDIRECTS: usize = 5;

fn feed_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= MAX_REDIRECTS {
            return attempt.error(RedirectRefused(format!(
                "more than {MAX_REDIRECTS} redirects"
            )));
        }
        match crate::config::check_url(attempt.url().as_str()) {
            Ok(()) => attempt.follow(),
            Err(_) => {
                let to = format!(
                    "{}://{}",
                    attempt.url().scheme(),
                    attempt.url().host_str().unwrap_or("?")
                );
                attempt.error(RedirectRefused(format!(
                    "redirected to {to}, which is neither https nor a loopback address"
                )))
            }
        }
    })
}

/// Why a redirect was not followed (the text of the network error).
#[derive(Debug)]
struct RedirectRefused(String);

impl std::fmt::Display for RedirectRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectRefused {}

/// What every client shares: bounded connect and request times, no idle connections kept
/// (see the module's note on connections), and the system's roots read when first needed.
fn builder(timeout: Duration) -> reqwest::ClientBuilder {
    let b = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .timeout(timeout)
        .pool_max_idle_per_host(0);
    match roots::tls_config() {
        Ok(tls) => b.tls_backend_preconfigured(tls),
        // Cannot happen with the ring provider (it has TLS 1.2 and 1.3); reqwest's own
        // configuration is the same, only it reads the roots at once.
        Err(_) => b,
    }
}

/// Requests in flight at once, over all accounts.
pub const MAX_CONNECTIONS: usize = 32;
/// Requests in flight at once to one host (`host:port`).
pub const MAX_PER_HOST: usize = 8;

/// The right to have one request open; dropped once its answer is read.
pub struct Permit {
    _host: OwnedSemaphorePermit,
    _all: OwnedSemaphorePermit,
}

struct Limits {
    all: Arc<Semaphore>,
    hosts: Mutex<HashMap<String, Arc<Semaphore>>>,
}

fn limits() -> &'static Limits {
    static LIMITS: OnceLock<Limits> = OnceLock::new();
    LIMITS.get_or_init(|| Limits {
        all: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
        hosts: Mutex::new(HashMap::new()),
    })
}

/// Wait for a free connection to `url`'s host and overall. The host's turn comes first, so
/// a crowded host does not hold overall slots while it waits.
pub async fn permit(url: &reqwest::Url) -> Permit {
    let key = format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    );
    let l = limits();
    let host = {
        let mut hosts = l.hosts.lock().unwrap_or_else(|e| e.into_inner());
        hosts
            .entry(key)
            .or_insert_with(|| Arc::new(Semaphore::new(MAX_PER_HOST)))
            .clone()
    };
    // The semaphores are never closed, so acquiring cannot fail; the arms keep clippy calm.
    let host = match host.acquire_owned().await {
        Ok(p) => p,
        Err(_) => unreachable_permit(),
    };
    let all = match l.all.clone().acquire_owned().await {
        Ok(p) => p,
        Err(_) => unreachable_permit(),
    };
    Permit {
        _host: host,
        _all: all,
    }
}

#[cold]
fn unreachable_permit() -> ! {
    panic!("the connection limits are never closed")
}

/// Send `req` once a [`permit`] for its host is free; keep the permit until the answer's
/// body is read.
pub async fn send(
    req: reqwest::RequestBuilder,
) -> Result<(reqwest::Response, Permit), reqwest::Error> {
    let (client, req) = req.build_split();
    let req = req?;
    let permit = permit(req.url()).await;
    let resp = client.execute(req).await?;
    Ok((resp, permit))
}

/// The most an API answer may weigh (a page of notifications is tens of kilobytes): a server
/// that sends more is broken or hostile, and is not allowed to fill the memory.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The body of `resp`, refused (as a malformed answer) once it passes `max` bytes, whether
/// or not the server announced its length.
pub async fn read_capped(
    mut resp: reqwest::Response,
    max: usize,
    what: &str,
) -> Result<Vec<u8>, ChannelError> {
    let too_big =
        || ChannelError::Malformed(format!("{what} is larger than {} MB", max / 1024 / 1024));
    if resp.content_length().is_some_and(|n| n > max as u64) {
        return Err(too_big());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| ChannelError::Network(network_message(&e)))?
    {
        if body.len() + chunk.len() > max {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// How far back a sync reads: nothing past the newest page (`None`) unless this is the first
/// sync and a backfill `window` is set; then `Some(Some(t))`, back to `t`, or `Some(None)`, as
/// far as the server goes (a window too long to subtract: "all").
pub fn first_sync_limit(first: bool, window: Option<Duration>) -> Option<Option<Timestamp>> {
    let w = window.filter(|_| first)?;
    Some(
        SignedDuration::try_from(w)
            .ok()
            .and_then(|w| Timestamp::now().checked_sub(w).ok()),
    )
}

/// A short, URL-free description of a failed request. Running out of file descriptors is
/// said as such (it is not the server's fault, and raising `ulimit -n` fixes it).
pub fn network_message(e: &reqwest::Error) -> String {
    if let Some(m) = too_many_open_files(e) {
        return m;
    }
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_redirect() {
        "redirect refused"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_decode() || e.is_body() {
        "the answer was cut off"
    } else {
        "request failed"
    };
    // Without the URL: short, and nothing from the query string leaks into the status bar.
    match std::error::Error::source(e) {
        Some(src) => format!("{kind}: {src}"),
        None => kind.to_string(),
    }
}

/// "too many open files" when an error down the chain is EMFILE or ENFILE.
fn too_many_open_files(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            // EMFILE (this process) and ENFILE (the whole system).
            if matches!(io.raw_os_error(), Some(24 | 23)) {
                return Some(
                    "too many open files: raise the limit (`ulimit -n`) or poll fewer accounts"
                        .into(),
                );
            }
        }
        cur = err.source();
    }
    None
}

/// `Retry-After: 30` as an absolute time.
pub fn retry_after(headers: &HeaderMap) -> Option<Timestamp> {
    let secs: i64 = headers
        .get("retry-after")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Timestamp::now()
        .checked_add(SignedDuration::from_secs(secs))
        .ok()
}

/// A minute from now: the wait when a server says "too many requests" and not until when.
pub fn a_minute_from_now() -> Timestamp {
    Timestamp::now()
        .checked_add(SignedDuration::from_secs(60))
        .unwrap_or(Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(std::io::Error);
    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("tcp connect error")
        }
    }
    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }

    #[test]
    fn running_out_of_file_descriptors_is_said_as_such() {
        let e = Wrapped(std::io::Error::from_raw_os_error(24));
        let m = too_many_open_files(&e).expect("EMFILE found down the chain");
        assert!(
            m.contains("too many open files") && m.contains("ulimit -n"),
            "{m}"
        );
        let other = Wrapped(std::io::Error::from_raw_os_error(111));
        assert_eq!(too_many_open_files(&other), None);
    }
}
