//! TLS roots are read on the first TLS handshake, not when a client is built: a poll over
//! plain http to loopback never reads them, and certificates are still checked once they
//! are (an unknown issuer is refused; the issuer trusted through `SSL_CERT_FILE` is not).
//! A real TLS server on loopback (rustls) in front of the fake Mastodon server.

mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use support::fake_mastodon::{FakeMastodon, TOKEN, account, status};
use support::{Sandbox, stderr, stdout};
use tinbox::channels::mastodon::{MastodonChannel, MastodonOptions};
use tinbox::channels::net::roots;
use tinbox::channels::{Channel, ChannelError};

/// A test-only certificate authority and the certificate it issued for 127.0.0.1 (valid
/// for a hundred years; the key protects nothing but these tests).
const CA: &str = "\
-----BEGIN CERTIFICATE-----
MIIBmTCCAT+gAwIBAgIUVEURdYhafJCdWTaaTQ6onIBNHXEwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOdGluYm94IHRlc3QgQ0EwIBcNMjYxMjAyMTMxNTAyWhgPMjEy
NjExMDgxMzE1MDJaMBkxFzAVBgNVBAMMDnRpbmJveCB0ZXN0IENBMFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAE+6MzfRsy9IloOJ7PqgFC9k9sOLZSP1CRLSNTtf7S
J4AZVBctoGDTAOSqNsjTk756AZBUKkEBpHu3kQvdVk/dIqNjMGEwHQYDVR0OBBYE
FGP1U3Yff9bbEzigXz8NNvWy7KtjMB8GA1UdIwQYMBaAFGP1U3Yff9bbEzigXz8N
NvWy7KtjMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMAoGCCqGSM49
BAMCA0gAMEUCIQCHHXwUnaz+kdcDVaJjFYFkN9xljg2Tu/XBCLVXZg3tpQIgFSlJ
fqC6LQrI44f/3WJRKxMIIeE9wpKeC9g3/i7xTqY=
-----END CERTIFICATE-----
";
const CERT: &str = "\
-----BEGIN CERTIFICATE-----
MIIBuDCCAV+gAwIBAgIUeuI3uABBJBKmzFLWs+FvSE0wwa4wCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOdGluYm94IHRlc3QgQ0EwIBcNMjYxMjAyMTMxNTAyWhgPMjEy
NjExMDgxMzE1MDJaMBQxEjAQBgNVBAMMCTEyNy4wLjAuMTBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABE95GQsgzCkcVkvQQV62KEoGOo7v+ia0UAU/psfiVUL/f2W3
HYBzbawmrRDyEx+g7efdhQFBMRF1MUV6+3OjFcWjgYcwgYQwDAYDVR0TAQH/BAIw
ADAPBgNVHREECDAGhwR/AAABMBMGA1UdJQQMMAoGCCsGAQUFBwMBMA4GA1UdDwEB
/wQEAwIHgDAdBgNVHQ4EFgQUONmeUgVoAK2jGECC+K2VDV8/Xg0wHwYDVR0jBBgw
FoAUY/VTdh9/1tsTOKBfPw029bLsq2MwCgYIKoZIzj0EAwIDRwAwRAIgOswVTILP
a5PdIwpx9WZ1mA0LqH3D++YGM0J8Iges+0ICIBc0Dv1i2YlhTJT4MZ3j0C2tCAmr
It51toTlJvoHJT5w
-----END CERTIFICATE-----
";
const KEY: &str = "\
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcBvwc062UbWn2b8M
VpPW33qddSwWY2lymbp84EL5g/mhRANCAARPeRkLIMwpHFZL0EFetihKBjqO7/om
tFAFP6bH4lVC/39ltx2Ac22sJq0Q8hMfoO3n3YUBQTERdTFFevtzoxXF
-----END PRIVATE KEY-----
";

/// Terminates TLS on a loopback port and passes each request to `backend` (plain http,
/// one request per connection, as the fake answers with `Connection: close`).
fn tls_front(backend: std::net::SocketAddr) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let cert = CertificateDer::from_pem_slice(CERT.as_bytes()).expect("cert");
    let key = PrivateKeyDer::from_pem_slice(KEY.as_bytes()).expect("key");
    let config = Arc::new(
        rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .expect("server config"),
    );
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        for tcp in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let _ = relay(&mut tls, backend);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    format!("https://{addr}")
}

fn relay(client: &mut impl ReadWrite, backend: std::net::SocketAddr) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    let mut upstream = TcpStream::connect(backend)?;
    upstream.write_all(&request)?;
    let mut answer = Vec::new();
    upstream.read_to_end(&mut answer)?;
    client.write_all(&answer)?;
    client.flush()
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

fn fake() -> FakeMastodon {
    let fake = FakeMastodon::start();
    fake.mention(
        10,
        status(
            "110000000000000001",
            account("77", "kim@x.invalid", "Kim"),
            "<p>@brand over TLS</p>",
            "public",
            None,
        ),
    );
    fake
}

#[test]
fn roots_are_read_on_the_first_handshake_and_still_check_the_issuer() {
    let fake = fake();
    let https = tls_front(fake.server.addr);
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let plain = MastodonChannel::new(&fake.url(), TOKEN.into(), MastodonOptions::default())
        .expect("client");
    let out = rt.block_on(plain.poll(None)).expect("plain poll");
    assert_eq!(out.items.len(), 1);
    assert!(
        !roots::loaded(),
        "plain http to loopback read the TLS roots"
    );

    let tls =
        MastodonChannel::new(&https, TOKEN.into(), MastodonOptions::default()).expect("client");
    assert!(!roots::loaded(), "building a client read the TLS roots");
    let e = rt
        .block_on(tls.poll(None))
        .expect_err("our test CA is not among the system's roots");
    assert!(roots::loaded(), "the handshake read them");
    assert!(matches!(e, ChannelError::Network(_)), "{e:?}");
}

#[test]
fn the_binary_syncs_over_tls_with_a_trusted_issuer_only() {
    let fake = fake();
    let https = tls_front(fake.server.addr);
    let sb = Sandbox::new();
    let ca = sb.dir.path().join("ca.pem");
    std::fs::write(&ca, CA).expect("ca");
    sb.write_config(&format!(
        "[accounts.brand]\nchannel = \"mastodon\"\ninstance = \"{https}\"\ntoken_cmd = \"printf {TOKEN}\"\n"
    ));
    let refused = sb.run(&["sync", "--once"]);
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(
        stdout(&refused).contains("brand: error: network error: cannot connect"),
        "{}",
        stdout(&refused)
    );
    assert!(
        fake.server.requests().is_empty(),
        "nothing passes an untrusted handshake"
    );

    let out = sb
        .cmd()
        .env("SSL_CERT_FILE", &ca)
        .args(["sync", "--once"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(
        stdout(&out).contains("brand: synced, 1 new"),
        "{}",
        stdout(&out)
    );
}
