//! The system's TLS roots, read once per process on the first TLS handshake.
//!
//! reqwest's own rustls set-up reads every root certificate of the system (hundreds of
//! files or one large bundle, then parsed) when a client is *built*. Most runs of tinbox
//! never need them: `list`, `show` and `report` open no connection, and tests and the bench
//! talk plain http to loopback. Here the clients get a verifier that asks the platform
//! verifier (the same one reqwest uses) only when a server presents its certificate;
//! signatures are checked with the provider's algorithms, as that verifier does.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

type Loaded = Result<Arc<rustls_platform_verifier::Verifier>, rustls::Error>;

/// Checks server certificates against the system's roots, read when first needed.
#[derive(Debug)]
pub struct LazyRoots {
    provider: Arc<CryptoProvider>,
    loaded: OnceLock<Loaded>,
}

impl LazyRoots {
    fn verifier(&self) -> Result<&rustls_platform_verifier::Verifier, rustls::Error> {
        let loaded = self.loaded.get_or_init(|| {
            tracing::debug!("reading the system's TLS roots");
            rustls_platform_verifier::Verifier::new(self.provider.clone()).map(Arc::new)
        });
        loaded.as_deref().map_err(Clone::clone)
    }
}

/// The process's one verifier (so the roots are read at most once, whatever the clients).
fn shared() -> Arc<LazyRoots> {
    static ROOTS: OnceLock<Arc<LazyRoots>> = OnceLock::new();
    ROOTS
        .get_or_init(|| {
            Arc::new(LazyRoots {
                provider: Arc::new(rustls::crypto::ring::default_provider()),
                loaded: OnceLock::new(),
            })
        })
        .clone()
}

/// Whether this process has read the system's roots yet (for tests and the bench).
pub fn loaded() -> bool {
    shared().loaded.get().is_some()
}

/// The client TLS configuration of every HTTP client: TLS 1.2 and 1.3 with the ring
/// provider, HTTP/2 or 1.1 by ALPN (what reqwest sets itself), certificates checked by
/// [`LazyRoots`].
pub fn tls_config() -> Result<rustls::ClientConfig, rustls::Error> {
    let roots = shared();
    let mut tls = rustls::ClientConfig::builder_with_provider(roots.provider.clone())
        .with_safe_default_protocol_versions()?
        .dangerous()
        .with_custom_certificate_verifier(roots)
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(tls)
}

impl ServerCertVerifier for LazyRoots {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
