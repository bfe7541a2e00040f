//! Photos on the floor, in-process: a photo sent with the items form is
//! kept, shown at the review, recorded with the inspection and shown on
//! it, only to someone signed in; a photo too large or not a photo sends
//! the form back with what was entered; a form too large is refused.

mod common;
#[path = "common/http.rs"]
mod http_support;

use std::collections::BTreeMap;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Ws};
use http_support::{contexts, copy_of, released};
use sopbook::http::{State, router};
use tower::ServiceExt as _;

/// A 2×2 red PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd, 0xd4, 0x9a,
    0x73, 0x00, 0x00, 0x00, 0x10, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x38, 0xa1, 0xa1, 0x01,
    0x44, 0x0c, 0x10, 0x0a, 0x00, 0x21, 0x2e, 0x04, 0x61, 0xf6, 0xe1, 0xc2, 0x4d, 0x00, 0x00, 0x00,
    0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn sha256(bytes: &[u8]) -> String {
    sopbook::store::sha256_hex(bytes)
}

/// A fresh copy of the `base` fixture, released, passwords set.
fn workspace() -> Ws {
    copy_of(released("serve-photos-released", false))
}

fn app(ws: &Ws) -> Router {
    router(State::new(
        contexts(ws.path().to_path_buf()),
        "bench-1",
        None,
    ))
}

struct Page {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

impl Page {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Every value of the fields named `name`, in order.
    fn fields(&self, name: &str) -> Vec<String> {
        let body = self.text();
        let needle = format!("name=\"{name}\" value=\"");
        body.match_indices(&needle)
            .map(|(at, _)| {
                let rest = &body[at + needle.len()..];
                rest[..rest.find('"').unwrap()].to_string()
            })
            .collect()
    }

    fn field(&self, name: &str) -> String {
        self.fields(name)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no field {name} in:\n{}", self.text()))
    }

    fn shows(&self, texts: &[&str]) {
        let body = self.text();
        for t in texts {
            assert!(body.contains(t), "no {t:?} in:\n{body}");
        }
    }
}

/// What a form sends: text fields, and files (field, file name, claimed type, bytes).
#[derive(Default)]
struct Sent {
    fields: Vec<(String, String)>,
    files: Vec<(String, String, String, Vec<u8>)>,
}

const BOUNDARY: &str = "sopbook-test-boundary-7MA4YWxkTrZu0gW";

impl Sent {
    fn multipart(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (k, v) in &self.fields {
            out.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, kind, bytes) in &self.files {
            out.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
                )
                .as_bytes(),
            );
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        out
    }

    fn urlencoded(&self) -> String {
        let enc = |s: &str| {
            s.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        self.fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

struct Browser {
    app: Router,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    async fn send(&mut self, request: Request<Body>) -> Page {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let text = set.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            self.cookies.insert(name.to_string(), value.to_string());
        }
        let body = axum::body::to_bytes(response.into_body(), 1 << 26)
            .await
            .unwrap()
            .to_vec();
        Page {
            status,
            headers,
            body,
        }
    }

    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> Page {
        let request = Request::get(path)
            .header(header::COOKIE, self.cookie())
            .body(Body::empty())
            .unwrap();
        self.send(request).await
    }

    async fn post(&mut self, path: &str, sent: &Sent) -> Page {
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(sent.urlencoded()))
            .unwrap();
        self.send(request).await
    }

    async fn post_multipart(&mut self, path: &str, sent: &Sent) -> Page {
        let request = Request::post(path)
            .header(header::COOKIE, self.cookie())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(sent.multipart()))
            .unwrap();
        self.send(request).await
    }

    async fn signed_in(app: Router, person: &str) -> Browser {
        let mut b = Browser {
            app,
            cookies: BTreeMap::new(),
        };
        let form = b.get("/signin").await;
        let csrf = form.field("csrf");
        let page = b
            .post(
                "/signin",
                &Sent {
                    fields: [
                        ("csrf", csrf.as_str()),
                        ("next", "/"),
                        ("person", person),
                        ("password", PASSWORD),
                    ]
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                    ..Sent::default()
                },
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
        b
    }

    /// CL-001's items form for `lot`.
    async fn open_form(&mut self, lot: &str) -> Page {
        let start = self.get("/inspect/CL-001").await;
        let fields = vec![
            ("csrf".to_string(), start.field("csrf")),
            ("revision".to_string(), start.field("revision")),
            ("lot".to_string(), lot.to_string()),
        ];
        self.post(
            "/inspect/CL-001",
            &Sent {
                fields,
                ..Sent::default()
            },
        )
        .await
    }
}

/// The form's own fields and good answers to CL-001, `length` as given.
fn answers(form: &Page, length: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = ["csrf", "lot", "serial", "revision", "key"]
        .into_iter()
        .map(|k| (k.to_string(), form.field(k)))
        .collect();
    for (k, v) in [
        ("v:label", "pass"),
        ("v:length", length),
        ("v:finish", "good"),
        ("v:scratches", "0"),
        ("v:remarks", "none"),
    ] {
        fields.push((k.to_string(), v.to_string()));
    }
    fields
}

fn photo(item: &str, name: &str, kind: &str, bytes: &[u8]) -> (String, String, String, Vec<u8>) {
    (
        format!("p:{item}"),
        name.to_string(),
        kind.to_string(),
        bytes.to_vec(),
    )
}

fn json(ws: &Ws, args: &[&str]) -> serde_json::Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn recorded(ws: &Ws) -> usize {
    json(ws, &["inspections", "list", "--json"])
        .as_array()
        .unwrap()
        .len()
}

fn kept_files(ws: &Ws) -> usize {
    let dir = ws.path().join(".sopbook/photos");
    std::fs::read_dir(&dir)
        .map(|d| {
            d.flatten()
                .map(|sub| std::fs::read_dir(sub.path()).unwrap().count())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn a_photo_sent_with_the_items_is_reviewed_recorded_and_shown_on_the_inspection() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-7").await;
    form.shows(&[
        "enctype=\"multipart/form-data\"",
        "<span>Add a photo</span><input type=\"file\" name=\"p:finish\" accept=\"image/*\" capture=\"environment\">",
    ]);
    let review = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.1"),
                files: vec![photo("finish", "IMG_0042.png", "image/png", PNG)],
            },
        )
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text());
    let sha = sha256(PNG);
    review.shows(&[
        &format!("<img src=\"/photos/{sha}\" alt=\"Photo for Finish: IMG_0042.png\""),
        "Confirm and record",
    ]);
    assert_eq!(
        review.fields("k:finish"),
        [format!("{sha}:IMG_0042.png")],
        "the review carries the kept photo by its sha256"
    );
    assert_eq!(recorded(&ws), 0, "the review records nothing");
    assert_eq!(kept_files(&ws), 1, "the photo is kept at the review");

    let mut fields = answers(&review, "120.1");
    fields.push(("k:finish".into(), review.field("k:finish")));
    let done = b
        .post(
            "/inspect/CL-001/record",
            &Sent {
                fields,
                ..Sent::default()
            },
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let shown = b.get("/inspections/INS-000001?recorded=new").await;
    shown.shows(&[
        "Recorded.",
        &format!("<img src=\"/photos/{sha}\" alt=\"Photo for Finish: IMG_0042.png\""),
    ]);
    let detail = json(&ws, &["inspections", "show", "INS-000001", "--json"]);
    assert_eq!(
        detail["photos"][0]["sha256"].as_str(),
        Some(sha.as_str()),
        "{detail}"
    );
    assert_eq!(detail["photos"][0]["media_type"], "image/png");
    assert_eq!(detail["photos"][0]["byte_size"], PNG.len());
    assert_eq!(detail["photos"][0]["item"], "finish");
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

#[tokio::test]
async fn a_photo_too_large_sends_the_form_back_with_what_was_entered() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-8").await;
    let mut big = PNG.to_vec();
    big.resize(10 * 1024 * 1024 + 1, 0);
    let page = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.3"),
                files: vec![photo("finish", "huge.png", "image/png", &big)],
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.text());
    page.shows(&[
        "the photo <code>huge.png</code> for item <code>finish</code> is larger than 10.0 MiB; nothing was recorded: take it again at a lower resolution, or crop it to the finding",
        "<a href=\"#item-finish\">Finish</a> (photo)",
        "name=\"v:length\" value=\"120.3\"",
    ]);
    assert_eq!(kept_files(&ws), 0);
    assert_eq!(recorded(&ws), 0);
}

#[tokio::test]
async fn a_file_that_is_not_a_photo_is_refused_by_its_bytes_whatever_it_claims() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-9").await;
    let page = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.2"),
                files: vec![
                    photo("label", "label.jpg", "image/jpeg", b"<svg onload=alert(1)>"),
                    photo("finish", "ok.png", "image/png", PNG),
                ],
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.text());
    page.shows(&[
        "<code>label.jpg</code> for item <code>label</code> is not a JPEG, PNG, WebP or HEIC photo; nothing was recorded: attach the photo itself, as the camera took it",
        "name=\"v:length\" value=\"120.2\"",
    ]);
    // The good photo is kept and stays on the form, ticked.
    assert_eq!(page.fields("k:finish"), [format!("{}:ok.png", sha256(PNG))]);
    assert_eq!(kept_files(&ws), 1);
    assert_eq!(recorded(&ws), 0);
}

#[tokio::test]
async fn a_form_larger_than_the_photo_route_takes_is_refused_with_413() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-10").await;
    let mut big = PNG.to_vec();
    big.resize(9 * 1024 * 1024, 0);
    let files = (0..5)
        .map(|k| {
            let mut bytes = big.clone();
            bytes.push(k);
            photo("finish", &format!("{k}.png"), "image/png", &bytes)
        })
        .collect();
    let page = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.2"),
                files,
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    page.shows(&[
        "larger than 40 MiB, more than sopbook takes at once, so nothing was kept or recorded",
        "each may be up to 10 MiB",
    ]);
    assert_eq!(recorded(&ws), 0);
}

#[tokio::test]
async fn a_multipart_form_without_the_csrf_token_is_refused() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-11").await;
    let mut fields = answers(&form, "120.2");
    fields.retain(|(k, _)| k != "csrf");
    let page = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields,
                files: vec![photo("finish", "ok.png", "image/png", PNG)],
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(kept_files(&ws), 0, "nothing is kept from a forged form");
}

#[tokio::test]
async fn a_photo_is_served_only_to_the_signed_in_with_its_own_type_and_nosniff() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-12").await;
    b.post_multipart(
        "/inspect/CL-001/review",
        &Sent {
            fields: answers(&form, "120.2"),
            files: vec![photo("finish", "ok.png", "text/html", PNG)],
        },
    )
    .await;
    let sha = sha256(PNG);
    let page = b.get(&format!("/photos/{sha}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CONTENT_TYPE), "image/png");
    assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert!(
        page.header(header::CONTENT_SECURITY_POLICY)
            .contains("default-src 'none'")
    );
    assert_eq!(page.body, PNG);

    let mut stranger = Browser {
        app: app(&ws),
        cookies: BTreeMap::new(),
    };
    let refused = stranger.get(&format!("/photos/{sha}")).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.body.is_empty());

    for missing in [
        format!("/photos/{}", "0".repeat(64)),
        "/photos/..%2F..%2Fsopbook.toml".to_string(),
        format!("/photos/{}", sha.to_uppercase()),
    ] {
        let page = b.get(&missing).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn a_photo_the_records_do_not_keep_is_not_recorded() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-13").await;
    let review = b
        .post(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.2"),
                ..Sent::default()
            },
        )
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text());
    let mut fields = answers(&review, "120.2");
    fields.push(("k:finish".into(), format!("{}:forged.png", "ab".repeat(32))));
    let page = b
        .post(
            "/inspect/CL-001/record",
            &Sent {
                fields,
                ..Sent::default()
            },
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    page.shows(&[
        "the photo <code>forged.png</code> for item <code>finish</code> is not among the photos kept here; nothing was recorded",
        "attach the photo again",
    ]);
    assert_eq!(recorded(&ws), 0);
}

#[tokio::test]
async fn a_file_name_holding_markup_is_shown_as_text() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-14").await;
    let review = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.2"),
                files: vec![photo(
                    "finish",
                    "<img src=x onerror=alert(1)>.png",
                    "image/png",
                    PNG,
                )],
            },
        )
        .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.text());
    review.shows(&["Finish: &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;.png"]);
    assert!(!review.text().contains("<img src=x"));
}

#[tokio::test]
async fn photos_kept_at_the_review_come_back_to_the_form_and_can_be_left_off() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = b.open_form("L-15").await;
    let review = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&form, "120.2"),
                files: vec![photo("finish", "ok.png", "image/png", PNG)],
            },
        )
        .await;
    // "Change answers" posts the review's hidden fields to the items form.
    let mut fields = answers(&review, "120.2");
    fields.push(("k:finish".into(), review.field("k:finish")));
    let back = b
        .post(
            "/inspect/CL-001/items",
            &Sent {
                fields,
                ..Sent::default()
            },
        )
        .await;
    assert_eq!(back.status, StatusCode::OK, "{}", back.text());
    back.shows(&[&format!(
        "<input type=\"checkbox\" name=\"k:finish\" value=\"{}:ok.png\" checked>",
        sha256(PNG)
    )]);
    // Unticked, the photo is not sent: the review and the record leave it off.
    let again = b
        .post_multipart(
            "/inspect/CL-001/review",
            &Sent {
                fields: answers(&back, "120.2"),
                files: Vec::new(),
            },
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text());
    assert!(again.fields("k:finish").is_empty());
}
