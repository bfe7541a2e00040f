//! TLS to the PostgreSQL server, as libpq's `sslmode` means it, with rustls
//! (ring, as `sopbook serve` uses): `prefer` and `require` encrypt without
//! checking the server's certificate, `verify-ca` checks that an authority
//! the station trusts signed it, `verify-full` also that it names the host
//! of the URL. Trusted are the certificates of the PEM file `sslrootcert`
//! names (a plant's own authority), else the station's own trusted
//! certificates (`/etc/ssl/certs` and the like, where a plant's IT puts
//! its authority).

use std::error::Error as _;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use anyhow::{Result, anyhow};
use tokio_postgres_rustls::MakeRustlsConnect;
use tokio_rustls::rustls::client::WebPkiServerVerifier;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{
    CryptoProvider, ring, verify_tls12_signature, verify_tls13_signature,
};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::rustls::{
    self, CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

use super::pg_url::{PgUrl, RootCert, SslMode};
use crate::error::{ErrorKind, StoreFailure};

/// The largest `sslrootcert` file read: far more than any real one.
const PEM_LIMIT: u64 = 1024 * 1024;

/// What tokio-postgres says when the server answers "no TLS here".
const NO_TLS: &str = "server does not support TLS";

/// The TLS connector for `url`, or `None` when it connects in the clear.
pub(crate) fn connector(url: &PgUrl) -> Result<Option<MakeRustlsConnect>> {
    let provider = Arc::new(ring::default_provider());
    let verifier: Arc<dyn ServerCertVerifier> = match (url.ssl, &url.root_cert) {
        (SslMode::Disable | SslMode::Allow, _) => return Ok(None),
        // libpq: `require` with a root certificate file checks as verify-ca.
        (SslMode::Prefer, _) | (SslMode::Require, RootCert::System) => {
            Arc::new(EncryptOnly(provider.clone()))
        }
        (SslMode::Require | SslMode::VerifyCa, roots) => {
            Arc::new(AuthorityOnly(webpki(url, roots, &provider)?))
        }
        (SslMode::VerifyFull, roots) => webpki(url, roots, &provider)?,
    };
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| anyhow!("TLS to PostgreSQL cannot be set up: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Some(MakeRustlsConnect::new(config)))
}

/// A refusal to connect that is the station's or the server's setup, not a
/// passing trouble: the command exits 2, `serve` answers 500.
fn setup(message: String) -> anyhow::Error {
    anyhow::Error::new(StoreFailure(ErrorKind::Store)).context(message)
}

/// The station's trusted certificates, read once per process.
static SYSTEM_ROOTS: LazyLock<std::result::Result<Arc<RootCertStore>, String>> =
    LazyLock::new(|| {
        let found = rustls_native_certs::load_native_certs();
        let mut roots = RootCertStore::empty();
        let (_, _) = roots.add_parsable_certificates(found.certs);
        if roots.is_empty() {
            let why = found
                .errors
                .first()
                .map_or("none were found".to_string(), |e| e.to_string());
            return Err(why);
        }
        Ok(Arc::new(roots))
    });

/// The checker of a certificate against the authorities `roots` names.
fn webpki(
    url: &PgUrl,
    roots: &RootCert,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>> {
    let roots = match roots {
        RootCert::System => SYSTEM_ROOTS.clone().map_err(|why| {
            setup(format!(
                "sslmode={} in `{url}` asks to check the server's certificate, but this station has no trusted certificates ({why}); nothing was read or written\n\nhelp: name the certificate of the authority that signed the server's in the URL (sslrootcert=/path/to/ca.pem), or install the station's trusted certificates (ca-certificates)",
                url.ssl.as_str()
            ))
        })?,
        RootCert::File(file) => Arc::new(read_roots(url, file)?),
    };
    WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
        .build()
        .map_err(|e| anyhow!("the server's certificate cannot be checked: {e}"))
}

/// The authorities in the PEM file `file`.
fn read_roots(url: &PgUrl, file: &Path) -> Result<RootCertStore> {
    let shown = file.display();
    let bad = |what: String| {
        setup(format!(
            "`{shown}` (sslrootcert in `{url}`) {what}; nothing was read or written\n\nhelp: give sslrootcert the certificate of the authority that signed the server's certificate, as a PEM file"
        ))
    };
    let bytes = crate::workspace::read_regular_bytes(file, PEM_LIMIT)
        .map_err(|problem| bad(problem.reason("certificate files")))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| bad(format!("is not a PEM certificate file: {e}")))?;
    if certs.is_empty() {
        return Err(bad("holds no certificate".into()));
    }
    let mut roots = RootCertStore::empty();
    for cert in certs {
        roots
            .add(cert)
            .map_err(|e| bad(format!("holds a certificate that cannot be used: {e}")))?;
    }
    Ok(roots)
}

/// `prefer`, and `require` without `sslrootcert`: the connection is
/// encrypted, the certificate taken as it comes (libpq does the same).
/// The handshake's own signatures are still checked.
#[derive(Debug)]
struct EncryptOnly(Arc<CryptoProvider>);

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca`: the whole check of the certificate but its name. (The
/// chain is checked before the name, so a name that does not fit is only
/// ever reported for a certificate whose authority is trusted.)
#[derive(Debug)]
struct AuthorityOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AuthorityOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// A connection refused over TLS, said with the server's name and what to
/// do; `None` when `e` is not about TLS.
pub(crate) fn explain(e: &postgres::Error, url: &PgUrl) -> Option<anyhow::Error> {
    let server = format!(
        "the PostgreSQL server {}:{} holding the records `{url}`",
        url.host, url.port
    );
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.source();
    while let Some(c) = cause {
        if c.to_string() == NO_TLS {
            return Some(setup(format!(
                "{server} does not offer TLS, and sslmode={} asks for it; nothing was read or written\n\nhelp: turn TLS on in the server (ssl = on in postgresql.conf, with its certificate and key); only on a network you trust, connect in the clear with sslmode=prefer",
                url.ssl.as_str()
            )));
        }
        let tls = c.downcast_ref::<rustls::Error>().or_else(|| {
            c.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(tls) = tls {
            return Some(certificate(tls, url, &server));
        }
        cause = c.source();
    }
    None
}

fn certificate(e: &rustls::Error, url: &PgUrl, server: &str) -> anyhow::Error {
    let trusted = match &url.root_cert {
        RootCert::File(file) => format!("the authorities in {}", file.display()),
        RootCert::System => "this station's trusted certificates".to_string(),
    };
    let (what, help) = match e {
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => (
            format!("showed a certificate that none of {trusted} signed"),
            "name the certificate of the authority that signed the server's in the URL (sslrootcert=/path/to/ca.pem), or check that the URL names the right server".to_string(),
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
        ) => (
            format!("showed a certificate made for another name than `{}`", url.host),
            format!(
                "write the server's name as its certificate gives it in the URL, or ask whoever runs the server for a certificate that names `{}`",
                url.host
            ),
        ),
        rustls::Error::InvalidCertificate(
            CertificateError::Expired
            | CertificateError::ExpiredContext { .. }
            | CertificateError::NotValidYet
            | CertificateError::NotValidYetContext { .. },
        ) => (
            "showed a certificate that is out of its dates".to_string(),
            "ask whoever runs the server to renew its certificate, and check this station's clock".to_string(),
        ),
        other => (
            format!("could not agree on TLS with this station ({other})"),
            format!(
                "check the server's TLS settings and the URL's sslmode ({})",
                url.ssl.as_str()
            ),
        ),
    };
    setup(format!(
        "{server} {what}; nothing was read or written\n\nhelp: {help}"
    ))
}
