//! `sopbook serve` in-process, as a browser uses it: a router over a copy
//! of the released `base` fixture, and a browser that keeps the cookies
//! the server sets and sends forms. Included by the in-process serve tests
//! only (`#[path = "common/http.rs"] mod http_support;`), beside `common`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sopbook::http::Contexts;
use sopbook::ops::{Access, Context, Settings, StoreOptions};
use tower::ServiceExt as _;

use super::common::{PASSWORD, Ws, copy_dir};

/// The `base` fixture with every document released and approved and every
/// password set (and the manual published, with `publish`): made once per
/// test file in cargo's folder for test files, named `tag`.
pub fn released(tag: &str, publish: bool) -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let ws = Ws::fixture("base");
        ws.release_all();
        if publish {
            ws.ok(&["publish"]);
        }
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(tag);
        let _ = std::fs::remove_dir_all(&dir);
        copy_dir(ws.path(), &dir);
        dir
    })
}

/// A fresh copy of `released`.
pub fn copy_of(released: &Path) -> Ws {
    let ws = Ws::empty();
    copy_dir(released, ws.path());
    ws
}

/// Each request's context: the workspace at `root`, recording there.
pub fn contexts(root: PathBuf) -> Contexts {
    Arc::new(move || {
        let settings = Settings {
            database: None,
            store: StoreOptions {
                access: Access::Write,
                ..StoreOptions::default()
            },
        };
        Ok(Context::new(Some(root.clone()), root.clone(), settings))
    })
}

/// An answer, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.header(header::LOCATION)
    }

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The value of the first hidden or text field named `name`.
    pub fn field(&self, name: &str) -> String {
        let needle = format!("name=\"{name}\" value=\"");
        let at = self
            .body
            .find(&needle)
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.body));
        let rest = &self.body[at + needle.len()..];
        rest[..rest.find('"').unwrap()].to_string()
    }

    pub fn csrf(&self) -> String {
        self.field("csrf")
    }

    #[track_caller]
    pub fn shows(&self, text: &str) {
        assert!(self.body.contains(text), "no {text:?} in:\n{}", self.body);
    }
}

/// A form value, percent-encoded.
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A browser: keeps the cookies the server sets.
pub struct Browser {
    pub app: Router,
    pub cookies: BTreeMap<String, String>,
    /// The network address the requests come from, if the server is told.
    pub from: Option<std::net::SocketAddr>,
}

impl Browser {
    pub fn new(app: Router) -> Browser {
        Browser {
            app,
            cookies: BTreeMap::new(),
            from: None,
        }
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if let Some(addr) = self.from {
            request
                .extensions_mut()
                .insert(axum::extract::ConnectInfo(sopbook::http::tls::Peer(addr)));
        }
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if text.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
            .await
            .unwrap();
        Page {
            status,
            headers,
            body: String::from_utf8(bytes.to_vec()).unwrap(),
        }
    }

    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// Signs in through the sign-in form.
    pub async fn sign_in(&mut self, person: &str, password: &str) -> Page {
        let form = self.get("/signin").await;
        let csrf = form.csrf();
        self.post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("next", "/"),
                ("person", person),
                ("password", password),
            ],
        )
        .await
    }

    /// Signed in as `person` with the test password.
    pub async fn signed_in(app: Router, person: &str) -> Browser {
        let mut b = Browser::new(app);
        let page = b.sign_in(person, PASSWORD).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        b
    }
}
