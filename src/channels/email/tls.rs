//! Where a mail server is and how to reach it safely: `imaps://`/`smtps://` are TLS from the
//! first byte; `imap://`/`smtp://` upgrade with STARTTLS, which is required, except to this
//! machine (tests, a local bridge), where they stay clear text. TLS is rustls, verified by
//! the platform's roots, or by the account's `ca_file` alone when it has one.

use std::sync::Arc;

use rustls::ClientConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls_platform_verifier::BuilderVerifierExt;

use crate::channels::ChannelError;

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (`imaps`, `smtps`).
    Implicit,
    /// Clear text, then STARTTLS, which must succeed.
    StartTls,
    /// Clear text: only ever to a loopback address.
    Plain,
}

/// A mail server's address from its URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    /// `imaps://h` (993), `imap://h` (143), `smtps://h` (465), `smtp://h` (587).
    pub fn parse(url: &str) -> Result<Endpoint, ChannelError> {
        let u = url::Url::parse(url)
            .map_err(|e| ChannelError::Rejected(format!("{url:?} is not a URL: {e}")))?;
        let host = u
            .host_str()
            .ok_or_else(|| ChannelError::Rejected(format!("{url:?} names no host")))?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let loopback = crate::config::is_loopback_url(url);
        let (port, security) = match u.scheme() {
            "imaps" => (993, Security::Implicit),
            "smtps" => (465, Security::Implicit),
            "imap" => (143, clear(loopback)),
            "smtp" => (587, clear(loopback)),
            other => {
                return Err(ChannelError::Rejected(format!(
                    "{url:?}: unsupported scheme {other:?}"
                )));
            }
        };
        Ok(Endpoint {
            host,
            port: u.port().unwrap_or(port),
            security,
        })
    }

    /// The name the certificate must carry (`localhost` for a loopback IP works too: the
    /// certificate is checked for the name given).
    pub fn server_name(&self) -> Result<ServerName<'static>, ChannelError> {
        ServerName::try_from(self.host.clone())
            .map_err(|e| ChannelError::Rejected(format!("{:?}: {e}", self.host)))
    }
}

fn clear(loopback: bool) -> Security {
    if loopback {
        Security::Plain
    } else {
        Security::StartTls
    }
}

/// The certificates of a PEM file (a private CA).
pub fn read_ca(path: &str) -> Result<Vec<CertificateDer<'static>>, ChannelError> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_file_iter(path)
        .map_err(|e| ChannelError::Rejected(format!("cannot read ca_file {path}: {e}")))?
        .collect();
    let certs = certs.map_err(|e| ChannelError::Rejected(format!("ca_file {path}: {e}")))?;
    if certs.is_empty() {
        return Err(ChannelError::Rejected(format!(
            "ca_file {path} holds no certificate"
        )));
    }
    Ok(certs)
}

/// rustls with ring: the platform verifier, or exactly the CA file's certificates.
pub fn client_config(ca_file: Option<&str>) -> Result<Arc<ClientConfig>, ChannelError> {
    let setup = |e: String| ChannelError::Rejected(format!("TLS setup: {e}"));
    let builder =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| setup(e.to_string()))?;
    let config = match ca_file {
        None => builder
            .with_platform_verifier()
            .map_err(|e| setup(e.to_string()))?
            .with_no_client_auth(),
        Some(path) => {
            let mut roots = rustls::RootCertStore::empty();
            for c in read_ca(path)? {
                roots
                    .add(c)
                    .map_err(|e| setup(format!("ca_file {path}: {e}")))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
    };
    Ok(Arc::new(config))
}

/// A TLS failure as the user should read it: an untrusted certificate says so.
pub fn tls_error(host: &str, e: &std::io::Error) -> ChannelError {
    let text = e.to_string();
    if text.contains("certificate") || text.contains("UnknownIssuer") {
        ChannelError::Auth(format!(
            "the certificate of {host} is not trusted ({text}); set ca_file for a private CA"
        ))
    } else {
        ChannelError::Network(format!("TLS with {host}: {text}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_ports_and_clear_text_only_to_loopback() {
        let ep = |u: &str| Endpoint::parse(u).expect(u);
        assert_eq!(ep("imaps://imap.example.com").port, 993);
        assert_eq!(ep("smtps://smtp.example.com").security, Security::Implicit);
        assert_eq!(ep("imap://imap.example.com").security, Security::StartTls);
        assert_eq!(ep("smtp://smtp.example.com:2525").port, 2525);
        assert_eq!(ep("imap://127.0.0.1:1143").security, Security::Plain);
        assert_eq!(ep("smtp://localhost").security, Security::Plain);
        assert_eq!(ep("smtp://[::1]:25").security, Security::Plain);
        assert!(Endpoint::parse("http://mail.example.com").is_err());
    }
}
