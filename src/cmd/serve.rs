//! `sopbook serve`: the floor and the manual in a browser. This sets up
//! what the server shares (the workspace found once, the station, the
//! published manual, publishing it first if there is none) and runs
//! [`crate::http`] until Ctrl-C.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::Env;
use super::{Outcome, say};
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::http::{self, Contexts, State};
use crate::model::inspection::check_label;
use crate::ops::publish::{self, PublishInput};
use crate::ops::{Access, floor, sessions};

pub fn serve(env: Env, ws: Option<&Path>, args: &ServeArgs) -> Result<Outcome> {
    check_label("station", &args.station).map_err(Error::invalid)?;
    let addr = address(&args.listen)?;
    let idle = sessions::parse_idle(&args.idle).map_err(|e| e.with_hint("such as --idle 30m"))?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(http::tls::config(cert, key)?),
        _ => None,
    };
    let mut ctx = env.context(ws, true, Access::Write)?;
    // A broken page template is found now, not by the first person at a tablet.
    let pages = http::pages::Pages::load(ctx.root())?;
    // The records must be there and readable before anyone opens a page.
    floor::checklists(&mut ctx, &args.station)?;
    let book = publish::default_out(&mut ctx)?;
    if let Some(book) = &book
        && !book.join("index.html").is_file()
    {
        say(format!(
            "There is no published manual in {} yet; publishing it.",
            book.display()
        ));
        publish::publish(&mut ctx, PublishInput::default())?;
    }
    // Every request finds the same workspace as this one did.
    let root: Option<PathBuf> = ctx.root().map(Path::to_path_buf);
    let env = Arc::new(env);
    let contexts: Contexts = Arc::new(move || env.context(root.as_deref(), true, Access::Write));
    let state = State::new(contexts, args.station.clone(), book)
        .with_idle(idle)
        .with_tls(tls.is_some())
        .with_pages(pages);
    // A request opens the records anew; its connection is kept for the next.
    crate::store::keep_connections();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::invalid(format!("could not start the server: {e}")))?;
    let served = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Error::invalid(format!("could not listen on {addr}: {e}")).with_hint(
                "another program may be using the port: pick another with --listen 127.0.0.1:8081",
            )
        })?;
        if !addr.ip().is_loopback() && tls.is_none() {
            say(format!(
                "warning: listening on {addr}, reachable from the network over plain HTTP: \
                 anyone on the network can read the passwords, session cookies and API tokens \
                 sent to it and act as the people they belong to. Give it --tls-cert and \
                 --tls-key, keep it on 127.0.0.1, or put it behind a proxy that serves HTTPS."
            ));
        }
        let scheme = if tls.is_some() { "https" } else { "http" };
        let url = format!("{scheme}://{addr}");
        say(format!(
            "Serving the floor for station {} at {url} (the manual at {url}/manual/, the API at {url}/api/v1/). Ctrl-C stops it.",
            args.station
        ));
        http::serve(listener, tls, http::router(state))
            .await
            .map_err(|e| Error::invalid(format!("the server stopped: {e}")))
    });
    // The last connection to close folds the log back into the records file.
    crate::store::close_kept();
    served?;
    say("Stopped.");
    Ok(Outcome::Ok)
}

/// `127.0.0.1:8080`, `[::1]:8080` or `localhost:8080`.
fn address(listen: &str) -> Result<SocketAddr> {
    let bad = || {
        Error::invalid(format!(
            "--listen `{listen}` is not an address and port; write it as 127.0.0.1:8080"
        ))
    };
    if let Ok(addr) = listen.parse() {
        return Ok(addr);
    }
    listen
        .to_socket_addrs()
        .map_err(|_| bad())?
        .next()
        .ok_or_else(bad)
}
