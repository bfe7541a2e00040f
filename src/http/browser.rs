//! What a browser holds and sends: the session cookie (the token of a
//! sign-in, as `sopbook login` keeps it in a file), a form cookie before
//! anyone signs in, the CSRF token every form carries, and form fields.
//!
//! The CSRF token is a hash of the session token (or, on the sign-in form,
//! of the form cookie): a page of another site can neither read it nor
//! make it, and SameSite=Strict keeps the cookies off its requests anyway.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, header};

use super::failure::Failure;
use super::state::{Proof, State};
use crate::error::Error;
use crate::ops::inspections::Entry;
use crate::ops::photos::{PHOTO_LIMIT, PhotoRef, Upload};
use crate::ops::sessions::{self, Holder, Presence};
use crate::store::sha256_hex;

/// The cookie holding the session token.
pub const SESSION_COOKIE: &str = "sopbook_session";
/// The cookie that ties the sign-in form to the browser that asked for it.
pub const FORM_COOKIE: &str = "sopbook_form";
/// The cookie saying which station this browser's tablet is.
pub const STATION_COOKIE: &str = "sopbook_station";
/// How long a tablet keeps its station: 400 days, the most browsers keep a cookie.
pub const STATION_DAYS: i64 = 400;
/// How long a browser stays signed in: a shift.
pub const SHIFT_HOURS: i64 = 12;
/// The largest form sopbook accepts.
pub const FORM_LIMIT: usize = 256 * 1024;
/// How many full-size photos one form (the floor's items) may carry at once.
pub const PHOTOS_AT_ONCE: usize = 4;
/// The largest form with photos: the form, and [`PHOTOS_AT_ONCE`] photos of
/// the largest size kept. Only the route that takes photos allows it.
pub const PHOTO_FORM_LIMIT: usize = FORM_LIMIT + PHOTOS_AT_ONCE * PHOTO_LIMIT as usize;

/// The cookies sopbook set in this browser.
#[derive(Debug, Clone, Default)]
pub struct Visitor {
    pub session: Option<String>,
    pub form: Option<String>,
    /// The network address the request came from (without the port), when
    /// the server knows it.
    pub origin: Option<String>,
    /// The station this browser's tablet was set to, if it was.
    pub station: Option<String>,
}

/// A cookie's value if it looks like one sopbook made (hex), else nothing.
fn ours(value: &str) -> Option<String> {
    let ok = (16..=128).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| value.to_string())
}

impl Visitor {
    pub fn of(parts: &Parts) -> Visitor {
        let mut v = Visitor {
            origin: origin_of(parts),
            ..Visitor::default()
        };
        for header in parts.headers.get_all(header::COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            for pair in text.split(';') {
                let Some((name, value)) = pair.trim().split_once('=') else {
                    continue;
                };
                match name {
                    SESSION_COOKIE => v.session = ours(value),
                    FORM_COOKIE => v.form = ours(value),
                    STATION_COOKIE => v.station = station_of_cookie(value),
                    _ => {}
                }
            }
        }
        v
    }

    /// The CSRF token of the sign-in form: from the form cookie.
    pub fn form_csrf(&self) -> Option<String> {
        self.form.as_deref().map(csrf_of)
    }

    /// The CSRF token of a signed-in browser's forms: from the session.
    pub fn session_csrf(&self) -> Option<String> {
        self.session.as_deref().map(csrf_of)
    }
}

/// A station's name as a cookie value: every byte but letters, digits
/// and `-_.~` as `%XX`.
pub fn station_cookie_value(station: &str) -> String {
    let mut out = String::new();
    for b in station.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The station in a cookie value, if it is one that
/// [`station_cookie_value`] made of a name the station rule allows.
fn station_of_cookie(value: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut rest = value.as_bytes();
    while let Some((&b, after)) = rest.split_first() {
        if b == b'%' {
            let hex = std::str::from_utf8(after.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &after[2..];
        } else {
            bytes.push(b);
            rest = after;
        }
    }
    crate::ops::stations::station(&String::from_utf8(bytes).ok()?).ok()
}

/// Refuses a POST whose form does not carry the token `expected`.
pub fn check_csrf(expected: Option<String>, given: Option<&str>) -> Result<(), Failure> {
    match (expected, given) {
        (Some(want), Some(got)) if same(want.as_bytes(), got.as_bytes()) => Ok(()),
        _ => Err(Failure::Forged),
    }
}

/// The address a request came from, as the server's listener saw it.
pub fn origin_of(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<super::tls::Peer>>()
        .map(|info| info.0.0.ip().to_string())
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Visitor::of(parts))
    }
}

fn csrf_of(seed: &str) -> String {
    sha256_hex(format!("sopbook form\n{seed}").as_bytes())
}

/// Compares in time that does not depend on where the bytes differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// 32 random bytes as hex: a form cookie.
pub fn new_seed() -> Result<String, Failure> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| Failure::Op(Error::invalid(format!("could not make a form cookie: {e}"))))?;
    Ok(hex::encode(bytes))
}

/// `Set-Cookie` for a cookie only sopbook's own pages send back.
pub fn cookie(name: &str, value: &str, max_age: Option<i64>) -> String {
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}")
}

/// `Set-Cookie` that removes a cookie.
pub fn removed(name: &str) -> String {
    cookie(name, "", Some(0))
}

/// Adds a `Set-Cookie` header (made by [`cookie`] or [`removed`]).
pub fn set_cookie(response: &mut axum::response::Response, value: &str) {
    if let Ok(v) = axum::http::HeaderValue::from_str(value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A person signed in in this browser, with their session token.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub holder: Holder,
    pub token: String,
    pub visitor: Visitor,
}

impl SignedIn {
    pub fn proof(&self) -> Proof {
        Proof::Session(self.token.clone())
    }

    pub fn csrf(&self) -> String {
        csrf_of(&self.token)
    }

    /// The station this browser's tablet is: as it was set here, else the
    /// server's default.
    pub fn station<'a>(&'a self, state: &'a State) -> &'a str {
        self.visitor.station.as_deref().unwrap_or(state.station())
    }

    /// Refuses a form that does not carry this session's CSRF token.
    pub fn check(&self, fields: &Fields) -> Result<(), Failure> {
        check_csrf(Some(self.csrf()), fields.get("csrf"))
    }

    /// What every page that signs does: checks the form's CSRF token, then
    /// runs `op` as the signed-in person with the password typed into the
    /// form, from this browser's address (so guessing there is slowed).
    pub async fn sign<T, F>(&self, state: &State, fields: &Fields, op: F) -> Result<T, Failure>
    where
        T: Send + 'static,
        F: FnOnce(&mut crate::ops::Context, &str) -> crate::error::Result<T> + Send + 'static,
    {
        self.check(fields)?;
        let password = fields.get("password").unwrap_or_default().to_string();
        let person = self.holder.person.clone();
        state
            .run_from(
                self.visitor.origin.clone(),
                Proof::Password(password),
                move |ctx| op(ctx, &person),
            )
            .await
    }
}

impl FromRequestParts<State> for SignedIn {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &State) -> Result<Self, Failure> {
        let visitor = Visitor::of(parts);
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .filter(|_| parts.method == Method::GET);
        let signed_out = |idle| Failure::SignIn {
            next: next.clone(),
            idle,
        };
        let Some(token) = visitor.session.clone() else {
            return Err(signed_out(None));
        };
        let key = sha256_hex(token.as_bytes());
        let (held, last, idle) = (token.clone(), state.last_used(&key), state.idle());
        let presence = state
            .run_from(visitor.origin.clone(), Proof::Nothing, move |ctx| {
                sessions::presence(ctx, &held, last, idle)
            })
            .await?;
        match presence {
            Presence::Here { holder, now } => {
                state.note_use(&key, Some(now));
                Ok(SignedIn {
                    holder,
                    token,
                    visitor,
                })
            }
            Presence::Idle { minutes, .. } => {
                state.note_use(&key, None);
                Err(signed_out(Some(minutes)))
            }
            Presence::Gone => {
                state.note_use(&key, None);
                Err(signed_out(None))
            }
        }
    }
}

/// A form's fields, in order, as sent (`application/x-www-form-urlencoded`).
#[derive(Debug, Clone, Default)]
pub struct Fields(pub Vec<(String, String)>);

/// An item's value is sent as `v:ITEM`, its note as `n:ITEM`.
pub const VALUE: &str = "v:";
pub const NOTE: &str = "n:";
/// A photo for an item is sent as the file `p:ITEM`; one kept in an earlier
/// step is named by `k:ITEM` = `SHA256:FILE NAME`.
pub const PHOTO: &str = "p:";
pub const KEPT: &str = "k:";

impl Fields {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field that may be left empty: empty is none.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The photos kept in an earlier step that the form names, in order.
    /// A value that is not `SHA256:NAME` names no photo and is passed on as
    /// it is, for the operation to refuse.
    pub fn photos(&self) -> Vec<PhotoRef> {
        self.0
            .iter()
            .filter_map(|(k, v)| {
                let item = k.strip_prefix(KEPT)?;
                let (sha256, file_name) = v.split_once(':').unwrap_or((v, ""));
                Some(PhotoRef {
                    item: item.to_string(),
                    sha256: sha256.to_string(),
                    file_name: file_name.to_string(),
                })
            })
            .collect()
    }

    /// The items' values and notes, in the order their fields came.
    pub fn entries(&self) -> Vec<Entry> {
        let mut entries: Vec<Entry> = Vec::new();
        for (k, v) in &self.0 {
            let (item, is_value) = match (k.strip_prefix(VALUE), k.strip_prefix(NOTE)) {
                (Some(item), _) => (item, true),
                (_, Some(item)) => (item, false),
                _ => continue,
            };
            let at = match entries.iter().position(|e| e.item == item) {
                Some(at) => at,
                None => {
                    entries.push(Entry {
                        item: item.to_string(),
                        value: String::new(),
                        note: String::new(),
                    });
                    entries.len() - 1
                }
            };
            if is_value {
                entries[at].value = v.clone();
            } else {
                entries[at].note = v.clone();
            }
        }
        entries
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(fields)) => Ok(Fields(fields)),
            Err(e) => Err(Failure::Op(Error::invalid(format!(
                "the form could not be read: {}",
                e.body_text()
            )))),
        }
    }
}

/// A file sent with a form: the field's name, the file's name as the
/// device gave it, and at most [`PHOTO_LIMIT`] + 1 of its bytes (enough to
/// tell that it is too large).
#[derive(Debug, Clone)]
pub struct SentFile {
    pub field: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A form that may carry photos: `multipart/form-data` (the floor's items
/// form) or, like every other form, urlencoded.
#[derive(Debug, Clone, Default)]
pub struct WithFiles {
    pub fields: Fields,
    pub files: Vec<SentFile>,
}

impl WithFiles {
    /// The photos sent for items (`p:ITEM`), in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.files
            .iter()
            .filter_map(|f| {
                Some(Upload {
                    item: f.field.strip_prefix(PHOTO)?.to_string(),
                    file_name: f.file_name.clone(),
                    bytes: f.bytes.clone(),
                })
            })
            .collect()
    }
}

/// A multipart form's failure: too large is its own page (413).
fn unreadable(e: axum::extract::multipart::MultipartError) -> Failure {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        Failure::TooLarge {
            limit: PHOTO_FORM_LIMIT,
        }
    } else {
        Failure::Op(Error::invalid(format!(
            "the form could not be read: {}",
            e.body_text()
        )))
    }
}

impl<S: Send + Sync> FromRequest<S> for WithFiles {
    type Rejection = Failure;

    async fn from_request(req: Request, state: &S) -> Result<Self, Failure> {
        let multipart = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"));
        if !multipart {
            let fields = Fields::from_request(req, state).await?;
            return Ok(WithFiles {
                fields,
                files: Vec::new(),
            });
        }
        let mut form = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|e| {
                Failure::Op(Error::invalid(format!(
                    "the form could not be read: {}",
                    e.body_text()
                )))
            })?;
        let mut out = WithFiles::default();
        while let Some(mut field) = form.next_field().await.map_err(unreadable)? {
            let name = field.name().unwrap_or_default().to_string();
            match field.file_name().map(str::to_string) {
                Some(file_name) => {
                    let mut bytes = Vec::new();
                    // Past the limit the rest is not kept: the operation
                    // says the photo is too large.
                    while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                        let room = (PHOTO_LIMIT as usize + 1).saturating_sub(bytes.len());
                        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    }
                    // A file input left empty sends a part with no name and no bytes.
                    if !(file_name.is_empty() && bytes.is_empty()) {
                        out.files.push(SentFile {
                            field: name,
                            file_name,
                            bytes,
                        });
                    }
                }
                None => {
                    let text = field.text().await.map_err(unreadable)?;
                    out.fields.0.push((name, text));
                }
            }
        }
        Ok(out)
    }
}

/// Where to go after signing in: a path on this server, never elsewhere.
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn values_and_notes_of_an_item_make_one_entry() {
        let f = fields(&[
            ("csrf", "x"),
            ("v:pressure", "3.6"),
            ("n:label", "smudged"),
            ("n:pressure", "gauge 2"),
            ("v:label", "pass"),
        ]);
        let got: Vec<_> = f
            .entries()
            .into_iter()
            .map(|e| (e.item, e.value, e.note))
            .collect();
        assert_eq!(
            got,
            [
                ("pressure".into(), "3.6".into(), "gauge 2".into()),
                ("label".into(), "pass".into(), "smudged".into())
            ]
        );
    }

    #[test]
    fn only_paths_on_this_server_are_followed_after_sign_in() {
        assert_eq!(local_path(Some("/inspect/CL-001")), "/inspect/CL-001");
        for away in ["//evil.example/", "https://evil.example/", "/\\evil", ""] {
            assert_eq!(local_path(Some(away)), "/", "{away}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn a_station_comes_back_from_its_cookie_as_it_was_set() {
        for name in ["dock", "Bay 2; \"east\"", "Prüfplatz 3", "%41"] {
            let value = station_cookie_value(name);
            assert!(
                value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)),
                "{value}"
            );
            assert_eq!(station_of_cookie(&value).as_deref(), Some(name));
        }
        for bad in ["", "%20", "%0A", "%", "%4", "%zz", "%FF"] {
            assert_eq!(station_of_cookie(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_csrf_token_is_the_browsers_own() {
        let v = Visitor {
            session: Some("ab".repeat(32)),
            form: Some("ef".repeat(32)),
            ..Visitor::default()
        };
        let token = v.session_csrf().unwrap();
        assert!(check_csrf(v.session_csrf(), Some(&token)).is_ok());
        assert!(check_csrf(v.session_csrf(), None).is_err());
        assert!(check_csrf(v.session_csrf(), Some(&token[1..])).is_err());
        assert!(
            check_csrf(v.form_csrf(), Some(&token)).is_err(),
            "the sign-in form has a token of its own"
        );
        let other = Visitor {
            session: Some("cd".repeat(32)),
            ..Visitor::default()
        };
        assert!(check_csrf(other.session_csrf(), Some(&token)).is_err());
        assert!(check_csrf(Visitor::default().form_csrf(), Some("")).is_err());
    }
}
