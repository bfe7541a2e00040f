//! `sopbook serve`: the floor and the reader in a browser, a front end over
//! [`crate::ops`] as thin as the command line. A handler parses the
//! request, calls one operation with a [`Context`](crate::ops::Context) of
//! its own and renders the view as HTML; the operation's error kind decides
//! the status ([`ErrorKind::http_status`](crate::error::ErrorKind::http_status)).
//! No SQL, no rule, no computation lives here.
//!
//! - [`state`]: what every request shares: how to make a context, the
//!   station, the published manual; running an operation off the async
//!   threads.
//! - [`browser`]: cookies, the session a browser holds, CSRF tokens, form fields.
//! - [`pages`]: the built-in handlebars templates and the stylesheet.
//! - [`failure`]: errors as pages with their status.
//! - [`routes`]: one file per area: sign in, the floor, inspections, the manual.
//!
//! Every page works without JavaScript: forms that POST, answered with a
//! page or a redirect. Every POST carries a CSRF token; the session cookie
//! is HttpOnly and SameSite=Strict.

pub mod browser;
pub mod failure;
pub mod pages;
pub mod routes;
pub mod state;
pub mod tls;

pub use routes::router;
pub use state::{Contexts, State};

/// Serves `router` on `listener` until Ctrl-C (or SIGTERM), finishing the
/// requests under way; over TLS when given a server configuration.
pub async fn serve(
    listener: tokio::net::TcpListener,
    tls: Option<std::sync::Arc<tokio_rustls::rustls::ServerConfig>>,
    router: axum::Router,
) -> std::io::Result<()> {
    // Each request knows the address it came from: refusals record it and
    // guessing from one address is slowed.
    let service = router.into_make_service_with_connect_info::<tls::Peer>();
    match tls {
        None => {
            axum::serve(listener, service)
                .with_graceful_shutdown(shutdown())
                .await
        }
        Some(config) => {
            axum::serve(tls::TlsListener::new(listener, config)?, service)
                .with_graceful_shutdown(shutdown())
                .await
        }
    }
}

async fn shutdown() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
