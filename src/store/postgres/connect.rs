//! Reaching the database: the connection string, TLS (rustls, with the platform's trust store
//! or exactly the certificates of `sslrootcert`), and a password that is never shown.

use std::str::FromStr;
use std::sync::Arc;

use postgres::Client;
use postgres::config::SslMode;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_platform_verifier::BuilderVerifierExt;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{PgOptions, PgStore, explain};
use crate::store::{StoreError, StoreResult};

impl PgStore {
    /// A new connection to the database of `opts` (the store's own, or a second one; the
    /// bench makes its database through one).
    pub fn connect(opts: &PgOptions) -> StoreResult<Client> {
        let shown = redact(&opts.url);
        let open_err = |reason: String| StoreError::Open {
            path: shown.clone(),
            reason,
        };
        let (url, rootcert) = take_sslrootcert(&opts.url);
        // The driver knows disable/prefer/require; we always verify the certificate, so the
        // libpq modes that ask for verification are `require` here.
        let url = url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let mut config = postgres::Config::from_str(&url)
            .map_err(|e| open_err(format!("not a valid connection URL: {}", explain(&e))))?;
        if let Some(pw) = &opts.password {
            config.password(pw);
        }
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        if config.get_ssl_mode() == SslMode::Disable {
            return config
                .connect(postgres::NoTls)
                .map_err(|e| open_err(explain(&e)));
        }
        let tls = tls_config(rootcert.as_deref()).map_err(open_err)?;
        config
            .connect(MakeRustlsConnect::new(tls))
            .map_err(|e| open_err(connect_hint(explain(&e), rootcert.is_some())))
    }
}

/// Add what the user can do when the server's certificate is not trusted.
fn connect_hint(reason: String, has_rootcert: bool) -> String {
    let lower = reason.to_lowercase();
    if lower.contains("certificate") && !has_rootcert {
        format!(
            "{reason} (the server's certificate is not trusted by this system; add \
             sslrootcert=/path/to/ca.pem to the URL to trust a private CA)"
        )
    } else {
        reason
    }
}

/// rustls with ring: the platform verifier, or only the certificates of the PEM file.
fn tls_config(rootcert: Option<&str>) -> Result<ClientConfig, String> {
    let builder =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup: {e}"))?;
    let Some(path) = rootcert else {
        return Ok(builder
            .with_platform_verifier()
            .map_err(|e| format!("TLS setup: {e}"))?
            .with_no_client_auth());
    };
    let mut roots = RootCertStore::empty();
    let mut pinned = Vec::new();
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| format!("cannot read sslrootcert {path}: {e}"))?;
    for cert in certs {
        let cert = cert.map_err(|e| format!("cannot read sslrootcert {path}: {e}"))?;
        roots
            .add(cert.clone())
            .map_err(|e| format!("sslrootcert {path}: {e}"))?;
        pinned.push(cert);
    }
    if roots.is_empty() {
        return Err(format!("sslrootcert {path} holds no certificate"));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
        .build()
        .map_err(|e| format!("sslrootcert {path}: {e}"))?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(RootCertVerifier { pinned, webpki }))
        .with_no_client_auth())
}

/// Trust exactly the certificates of `sslrootcert`: a server certificate signed by one of them
/// (WebPKI), or one of them itself — a self-signed server certificate, which WebPKI refuses as
/// an end entity when it is marked as a CA (as `openssl req -x509` makes them). The handshake
/// signatures are always checked, so the server must hold the certificate's key.
#[derive(Debug)]
struct RootCertVerifier {
    pinned: Vec<CertificateDer<'static>>,
    webpki: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for RootCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if self
            .pinned
            .iter()
            .any(|p| p.as_ref() == end_entity.as_ref())
        {
            return Ok(ServerCertVerified::assertion());
        }
        self.webpki
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// The connection string without its `sslrootcert` parameter (the driver refuses parameters
/// it does not know), and that parameter's value.
pub(super) fn take_sslrootcert(conn: &str) -> (String, Option<String>) {
    let key = "sslrootcert";
    if is_url(conn) {
        let Some((base, query)) = conn.split_once('?') else {
            return (conn.to_string(), None);
        };
        let mut found = None;
        let mut kept = Vec::new();
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            if name == key {
                found = url::form_urlencoded::parse(pair.as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned());
            } else if !pair.is_empty() {
                kept.push(pair);
            }
        }
        let url = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        return (url, found);
    }
    // key=value form: `host=… sslrootcert=/path …` (unquoted values).
    let mut found = None;
    let mut kept = Vec::new();
    for word in conn.split_whitespace() {
        match word.split_once('=') {
            Some((k, v)) if k == key => found = Some(v.trim_matches('\'').to_string()),
            _ => kept.push(word),
        }
    }
    (kept.join(" "), found)
}

/// The connection string as it may be shown: without a password.
pub(crate) fn redact(conn: &str) -> String {
    if is_url(conn) {
        let (scheme, rest) = conn.split_once("://").unwrap_or(("postgres", conn));
        // The user info ends at the last '@' (a password may hold '/', '?' or '@'); when the
        // query holds an '@' this hides too much, never too little.
        let (userinfo, rest) = match rest.rfind('@') {
            Some(at) => match rest[..at].split_once(':') {
                Some((user, _)) => (format!("{user}:***@"), &rest[at + 1..]),
                None => (String::new(), rest),
            },
            None => (String::new(), rest),
        };
        let mut shown = format!("{scheme}://{userinfo}{rest}");
        // `password=` in the query.
        let mut from = 0;
        while let Some(i) = shown[from..].find("password=") {
            let start = from + i + "password=".len();
            let end = shown[start..].find('&').map_or(shown.len(), |e| start + e);
            shown.replace_range(start..end, "***");
            from = start + 3;
        }
        return shown;
    }
    // key=value form: drop everything after `password=` up to the next key.
    let mut out = Vec::new();
    let mut hiding = false;
    for word in conn.split_whitespace() {
        let key = word.split_once('=').map(|(k, _)| k);
        if key == Some("password") {
            out.push("password=***");
            // A quoted password may contain spaces: hide until its closing quote.
            let v = word.split_once('=').map(|(_, v)| v).unwrap_or_default();
            hiding = v.starts_with('\'') && (v.len() < 2 || !v.ends_with('\''));
            continue;
        }
        if hiding {
            hiding = !word.ends_with('\'');
            continue;
        }
        out.push(word);
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::{redact, take_sslrootcert};

    #[test]
    fn passwords_are_never_shown() {
        assert_eq!(
            redact("postgres://kim:s3cr%40t@db.example:5432/team?sslmode=require"),
            "postgres://kim:***@db.example:5432/team?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://kim@db/team?password=hunter2&sslmode=prefer"),
            "postgresql://kim@db/team?password=***&sslmode=prefer"
        );
        assert_eq!(
            redact("postgres://kim:p@ss@db/team"),
            "postgres://kim:***@db/team"
        );
        assert_eq!(
            redact("postgres://kim:pa/s?s@db:5432/team"),
            "postgres://kim:***@db:5432/team"
        );
        assert_eq!(redact("postgres://db/team"), "postgres://db/team");
        assert_eq!(
            redact("host=db user=kim password='a b c' dbname=team"),
            "host=db user=kim password=*** dbname=team"
        );
        assert_eq!(
            redact("host=db password=x dbname=t"),
            "host=db password=*** dbname=t"
        );
    }

    #[test]
    fn sslrootcert_is_taken_out_of_the_url() {
        assert_eq!(
            take_sslrootcert("postgres://k@h/db?sslmode=require&sslrootcert=%2Ftmp%2Fca.pem"),
            (
                "postgres://k@h/db?sslmode=require".to_string(),
                Some("/tmp/ca.pem".to_string())
            )
        );
        assert_eq!(
            take_sslrootcert("postgres://k@h/db?sslrootcert=/a/b.pem"),
            (
                "postgres://k@h/db".to_string(),
                Some("/a/b.pem".to_string())
            )
        );
        assert_eq!(
            take_sslrootcert("postgres://k@h/db"),
            ("postgres://k@h/db".to_string(), None)
        );
        assert_eq!(
            take_sslrootcert("host=h sslrootcert=/a.pem dbname=x"),
            ("host=h dbname=x".to_string(), Some("/a.pem".to_string()))
        );
    }
}
