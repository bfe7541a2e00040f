//! HTTPS for `sopbook serve --tls-cert FILE --tls-key FILE`: rustls (with
//! ring, no C library to install) over the same router. On the plant's
//! network that keeps passwords, session cookies and API tokens unreadable,
//! marks the cookies `Secure`, and makes the page a secure context.
//!
//! Handshakes run on tasks of their own, so a client that opens a
//! connection and says nothing holds up nobody else; one that has not
//! finished its handshake within [`HANDSHAKE_SECONDS`] is dropped.

use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::server::TlsStream;

use crate::error::{Error, Result};

/// How long a client may take to finish its TLS handshake.
pub const HANDSHAKE_SECONDS: u64 = 10;

/// The address a request came from, whether over TLS or not: what
/// `ConnectInfo` holds for sopbook's handlers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, TcpListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Peer {
        Peer(*stream.remote_addr())
    }
}

/// The largest certificate chain or key file read: far more than any real one.
pub const PEM_LIMIT: u64 = 1024 * 1024;

/// The server's certificate chain and key, read from PEM files (regular
/// files of at most [`PEM_LIMIT`] bytes: not a pipe, not `/dev/zero`).
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>> {
    let unreadable = |file: &Path, what: &str, e: String| {
        Error::invalid(format!("{} is not a {what}: {e}", file.display())).with_hint(
            "give --tls-cert the certificate chain and --tls-key its private key, both as PEM files",
        )
    };
    let read = |file: &Path| {
        crate::workspace::read_regular_bytes(file, PEM_LIMIT).map_err(|problem| {
            Error::invalid(problem.message(&file.display().to_string(), "certificate and key files"))
                .with_hint(
                    "give --tls-cert the certificate chain and --tls-key its private key, both as PEM files",
                )
        })
    };
    let cert_bytes = read(cert)?;
    let key_bytes = read(key)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_bytes)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| unreadable(cert, "PEM certificate chain", e.to_string()))?;
    if chain.is_empty() {
        return Err(unreadable(
            cert,
            "PEM certificate chain",
            "it holds no certificate".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_bytes)
        .map_err(|e| unreadable(key, "PEM private key", e.to_string()))?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(chain, key))
        .map_err(|e| {
            Error::invalid(format!(
                "the certificate {} and key do not make a TLS server: {e}",
                cert.display()
            ))
            .with_hint("the key must be the private key of the first certificate in the chain")
        })?;
    let mut config = config;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A listener that hands on connections once their TLS handshake is done.
pub struct TlsListener {
    local: SocketAddr,
    done: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
}

impl TlsListener {
    /// Accepts on `tcp`, shaking hands with `config` on a task per connection.
    pub fn new(tcp: TcpListener, config: Arc<ServerConfig>) -> io::Result<TlsListener> {
        let local = tcp.local_addr()?;
        let (send, done) = mpsc::channel(64);
        let acceptor = TlsAcceptor::from(config);
        tokio::spawn(async move {
            loop {
                let (stream, peer) = match tcp.accept().await {
                    Ok(accepted) => accepted,
                    Err(_) => {
                        // Out of file descriptors and the like: wait, go on.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (acceptor, handed) = (acceptor.clone(), send.clone());
                tokio::spawn(async move {
                    let shake = tokio::time::timeout(
                        Duration::from_secs(HANDSHAKE_SECONDS),
                        acceptor.accept(stream),
                    );
                    // A failed or slow handshake (plain HTTP sent to the
                    // HTTPS port, say) is that client's problem alone.
                    if let Ok(Ok(tls)) = shake.await {
                        let _ = handed.send((tls, peer)).await;
                    }
                });
                if send.is_closed() {
                    return;
                }
            }
        });
        Ok(TlsListener { local, done })
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.done.recv().await {
            Some(accepted) => accepted,
            // The accepting task ended: no connection will come again.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}
