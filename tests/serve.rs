//! `sopbook serve` in-process: every route and every refusal, through the
//! router as a browser would use it (cookies, forms, redirects), with the
//! records checked afterwards by the real binary.

mod common;
#[path = "common/http.rs"]
mod http_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Ws, copy_dir};
use http_support::{Browser, Page, contexts, copy_of, encode, released};
use sopbook::http::{Contexts, State, router};
use tower::ServiceExt as _;

/// A fresh copy of the `base` fixture, released, with the manual published.
fn workspace() -> Ws {
    copy_of(released("serve-released", true))
}

fn app(ws: &Ws) -> Router {
    let root = ws.path().to_path_buf();
    let book = root.join("book");
    router(State::new(contexts(root), "bench-1", Some(book)))
}

/// The answers to the base fixture's CL-001, with `length` as given.
fn answers(length: &str) -> Vec<(&'static str, String)> {
    vec![
        ("v:label", "pass".into()),
        ("v:length", length.into()),
        ("v:finish", "good".into()),
        ("v:scratches", "0".into()),
        ("v:remarks", "none".into()),
    ]
}

/// Opens CL-001 for `lot` and returns the form's page.
async fn open_form(b: &mut Browser, lot: &str) -> Page {
    let start = b.get("/inspect/CL-001").await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    let csrf = start.csrf();
    let revision = start.field("revision");
    b.post(
        "/inspect/CL-001",
        &[("csrf", &csrf), ("revision", &revision), ("lot", lot)],
    )
    .await
}

/// What a form page sends back with its answers: csrf, lot, serial,
/// revision and key, then the answers.
fn sent_back(form: &Page, answers: &[(&str, String)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = ["csrf", "lot", "serial", "revision", "key"]
        .into_iter()
        .map(|k| (k.to_string(), form.field(k)))
        .collect();
    fields.extend(answers.iter().map(|(k, v)| (k.to_string(), v.clone())));
    fields
}

async fn post_owned(b: &mut Browser, path: &str, fields: &[(String, String)]) -> Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &borrowed).await
}

fn json(ws: &Ws, args: &[&str]) -> serde_json::Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn last_event(ws: &Ws) -> serde_json::Value {
    let log = json(ws, &["audit", "log", "--json"]);
    log.as_array().unwrap().last().unwrap().clone()
}

fn inspections(ws: &Ws) -> Vec<serde_json::Value> {
    json(ws, &["inspections", "list", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_page_without_a_session_goes_to_sign_in_and_comes_back() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.location(), "/signin?next=/");
    let form = b.get("/inspect/CL-001").await;
    assert_eq!(form.location(), "/signin?next=/inspect/CL-001");
    let shown = b.get("/inspections/INS-000001").await;
    assert_eq!(shown.location(), "/signin?next=/inspections/INS-000001");
    let signin = b.get("/signin?next=/inspect/CL-001").await;
    assert_eq!(signin.status, StatusCode::OK);
    assert_eq!(signin.field("next"), "/inspect/CL-001");
    let csrf = signin.csrf();
    let signed = b
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("next", "/inspect/CL-001"),
                ("person", "bob"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert_eq!(signed.location(), "/inspect/CL-001");
}

#[tokio::test]
async fn a_post_without_a_session_records_nothing() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    let page = b
        .post(
            "/inspect/CL-001/record",
            &[("lot", "L-1"), ("key", "00000000000000000000000000000001")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(
        page.body.contains("You are not signed in here"),
        "{}",
        page.body
    );
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn signing_in_sets_a_strict_http_only_cookie_for_a_shift_and_is_audited() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    let form = b.get("/signin").await;
    let form_cookie = form.header(header::SET_COOKIE).to_string();
    assert!(
        form_cookie.starts_with("sopbook_form=")
            && form_cookie.ends_with("; Path=/; HttpOnly; SameSite=Strict"),
        "{form_cookie}"
    );
    let signed = b
        .post(
            "/signin",
            &[
                ("csrf", &form.csrf()),
                ("next", "/"),
                ("person", "bob"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    let cookie = signed.header(header::SET_COOKIE);
    assert!(
        cookie.starts_with("sopbook_session=")
            && cookie.ends_with("; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"),
        "{cookie}"
    );
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("bob"), Some("signed in"))
    );
    let home = b.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("Bob Boss"),
        "the bar names who is signed in"
    );
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_the_refusal_is_in_the_audit_log() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    let page = b.sign_in("bob", "not-the-password").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains(
            "wrong password for bob; nothing was signed (the refusal is in the audit log)"
        ),
        "{}",
        page.body
    );
    assert_eq!(page.field("person"), "bob", "the id stays filled in");
    assert!(!b.cookies.contains_key("sopbook_session"));
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("bob"), Some("refused"))
    );
    assert_eq!(event["detail"]["note"]["reason"], "wrong password");
    let unknown = b.sign_in("zed", PASSWORD).await;
    assert_eq!(unknown.status, StatusCode::FORBIDDEN);
    assert!(
        !unknown.body.contains("the people are"),
        "the sign-in page does not list who may sign in"
    );
    let empty = b.sign_in("", PASSWORD).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_post_without_this_browsers_csrf_token_is_refused() {
    let ws = workspace();
    let app = app(&ws);
    let mut b = Browser::signed_in(app.clone(), "bob").await;
    let start = b.get("/inspect/CL-001").await;
    let missing = b.post("/inspect/CL-001", &[("lot", "L-1")]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("Form refused"), "{}", missing.body);
    // Another browser's token does not do either.
    let other = Browser::signed_in(app.clone(), "cay").await;
    let mut theirs = other;
    let their_page = theirs.get("/inspect/CL-001").await;
    let forged = b
        .post(
            "/inspect/CL-001",
            &[("csrf", &their_page.csrf()), ("lot", "L-1")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let ok = b
        .post(
            "/inspect/CL-001",
            &[("csrf", &start.csrf()), ("lot", "L-1")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    // The sign-in form needs the form cookie's token too.
    let mut fresh = Browser::new(app);
    let no_token = fresh
        .post("/signin", &[("person", "bob"), ("password", PASSWORD)])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let out = b.post("/signout", &[]).await;
    assert_eq!(
        out.status,
        StatusCode::FORBIDDEN,
        "signing out needs it too"
    );
}

#[tokio::test]
async fn a_person_whose_roles_may_not_inspect_is_refused_and_audited() {
    let ws = workspace();
    // ann is a clerk; CL-001's procedure applies to inspectors.
    let mut b = Browser::signed_in(app(&ws), "ann").await;
    let page = open_form(&mut b, "L-1").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body.contains(
            "ann may not sign the inspect of CL-001 lot L-1: it needs the role inspector"
        ),
        "{}",
        page.body
    );
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("ann"), Some("refused"))
    );
}

#[tokio::test]
async fn a_checklist_not_in_force_cannot_be_opened() {
    let ws = workspace();
    ws.write(
        "checklists/draft.toml",
        "id = \"CL-003\"\ntitle = \"Draft\"\n\n[[item]]\nid = \"ok\"\nprompt = \"OK\"\nkind = \"pass_fail\"\n",
    );
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let draft = b.get("/inspect/CL-003").await;
    assert_eq!(draft.status, StatusCode::CONFLICT);
    assert!(
        draft.body.contains("CL-003 is a working draft"),
        "{}",
        draft.body
    );
    let home = b.get("/inspect/CL-001").await;
    let forced = b
        .post("/inspect/CL-003", &[("csrf", &home.csrf()), ("lot", "L-1")])
        .await;
    assert_eq!(forced.status, StatusCode::CONFLICT);
    let unknown = b.get("/inspect/CL-404").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let list = b.get("/").await;
    assert!(!list.body.contains("CL-003"), "a draft is not offered");
}

#[tokio::test]
async fn the_floor_lists_the_checklists_in_force() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let page = b.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "href=\"/inspect/CL-001\"",
        "Final inspection",
        "href=\"/inspect/CL-002\"",
        "Station <strong>bench-1</strong>",
        "<button type=\"submit\" class=\"small\">Sign out</button>",
    ] {
        assert!(page.body.contains(shown), "no {shown:?} in:\n{}", page.body);
    }
}

#[tokio::test]
async fn the_form_shows_each_kind_of_item_as_a_touch_control() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    for shown in [
        // pass / fail as two buttons, critical marked
        "name=\"v:label\" value=\"pass\" required",
        "name=\"v:label\" value=\"fail\"",
        "<span class=\"badge critical\">Critical</span>",
        // a measurement: numeric keyboard, unit, limits
        "name=\"v:length\" value=\"\" inputmode=\"decimal\"",
        "<span class=\"unit\">mm</span>",
        "Limits 119.5 – 120.5 mm (nominal 120)",
        // its limits for the live feedback, from the item's spec
        "data-unit=\"mm\" data-lower=\"119.5\" data-upper=\"120.5\" data-mayskip=\"true\"",
        // choices, with not applicable for an item that is not critical
        "name=\"v:finish\" value=\"marked\"",
        "name=\"v:finish\" value=\"na\"",
        // a count, a text, a note per item, the help one tap away
        "name=\"v:scratches\" value=\"\" inputmode=\"numeric\"",
        "Pass: at most 2",
        "name=\"v:remarks\"",
        "name=\"n:length\"",
        "<summary>How to check</summary><p>Calliper, end to end.</p>",
    ] {
        assert!(form.body.contains(shown), "no {shown:?} in:\n{}", form.body);
    }
    assert!(
        !form.body.contains("name=\"v:label\" value=\"na\""),
        "a critical item cannot be not applicable"
    );
    assert_eq!(form.field("key").len(), 32);
}

#[tokio::test]
async fn an_inspection_from_the_browser_is_recorded_as_the_command_line_records_it() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-7").await;
    let key = form.field("key");
    let review = post_owned(
        &mut b,
        "/inspect/CL-001/review",
        &sent_back(&form, &answers("121.1")),
    )
    .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    for shown in [
        "<strong>FAIL</strong> 1 item fails. Recording it opens a nonconformance.",
        "0.6 mm above the upper limit 120.5",
        "Confirm and record",
        "formaction=\"/inspect/CL-001/items\"",
    ] {
        assert!(
            review.body.contains(shown),
            "no {shown:?} in:\n{}",
            review.body
        );
    }
    assert!(inspections(&ws).is_empty(), "the review records nothing");
    let recorded = post_owned(
        &mut b,
        "/inspect/CL-001/record",
        &sent_back(&review, &answers("121.1")),
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    assert_eq!(recorded.location(), "/inspections/INS-000001?recorded=new");
    let shown = b.get(recorded.location()).await;
    assert_eq!(shown.status, StatusCode::OK);
    for text in [
        "Recorded.",
        "<h1>INS-000001</h1>",
        "<strong>FAIL</strong>",
        "NC-0001",
        "CL-001 Final inspection, rev 1",
        "<span class=\"prompt\">Overall length</span>",
        "<span class=\"value\">121.1 mm</span>",
        "0.6 mm above the upper limit 120.5",
    ] {
        assert!(shown.body.contains(text), "no {text:?} in:\n{}", shown.body);
    }
    let list = inspections(&ws);
    assert_eq!(list.len(), 1);
    let row = &list[0];
    assert_eq!(
        (
            row["name"].as_str(),
            row["lot"].as_str(),
            row["inspector"].as_str(),
            row["station"].as_str(),
            row["verdict"].as_str()
        ),
        (
            Some("INS-000001"),
            Some("L-7"),
            Some("bob"),
            Some("bench-1"),
            Some("fail")
        )
    );
    let event = last_event(&ws);
    assert_eq!(
        (
            event["actor"].as_str(),
            event["action"].as_str(),
            event["record"].as_str()
        ),
        (Some("bob"), Some("inspected"), Some("CL-001 lot L-7"))
    );
    assert_eq!(
        event["detail"]["note"]["submission"].as_str(),
        Some(key.as_str())
    );
    let nc = json(&ws, &["nc", "list", "--json"]);
    assert_eq!(nc.as_array().unwrap().len(), 1, "{nc}");
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

#[tokio::test]
async fn a_bad_value_sends_the_form_back_with_what_is_wrong() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    let back = post_owned(
        &mut b,
        "/inspect/CL-001/review",
        &sent_back(&form, &answers("12o.1")),
    )
    .await;
    assert_eq!(back.status, StatusCode::BAD_REQUEST);
    for shown in [
        "<strong>1 item needs a look</strong>",
        "<li><a href=\"#item-length\">Overall length</a></li>",
        "<p class=\"problem\"><code>length</code> is a measurement in mm: <code>12o.1</code> is not a number</p>",
        "name=\"v:length\" value=\"12o.1\"",
        "name=\"v:label\" value=\"pass\" required checked",
    ] {
        assert!(back.body.contains(shown), "no {shown:?} in:\n{}", back.body);
    }
    assert_eq!(back.field("key"), form.field("key"), "the same form");
    // Sent straight to record, a bad value is refused as well.
    let refused = post_owned(
        &mut b,
        "/inspect/CL-001/record",
        &sent_back(&form, &answers("12o.1")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn a_replayed_submission_records_one_inspection() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    let fields = sent_back(&form, &answers("120.1"));
    let first = post_owned(&mut b, "/inspect/CL-001/record", &fields).await;
    assert_eq!(first.location(), "/inspections/INS-000001?recorded=new");
    let again = post_owned(&mut b, "/inspect/CL-001/record", &fields).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.location(), "/inspections/INS-000001?recorded=again");
    let shown = b.get(again.location()).await;
    assert!(
        shown
            .body
            .contains("This form had been recorded already; nothing more was recorded."),
        "{}",
        shown.body
    );
    assert_eq!(inspections(&ws).len(), 1);
    // The same key for another lot is not a new inspection either.
    let mut other = fields.clone();
    other[1].1 = "L-2".into();
    let conflict = post_owned(&mut b, "/inspect/CL-001/record", &other).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(inspections(&ws).len(), 1);
}

#[tokio::test]
async fn a_note_holding_markup_is_shown_as_text() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    let hostile = "<img src=x onerror=alert(1)>";
    let mut fields = sent_back(&form, &answers("120.0"));
    fields.push(("n:finish".into(), hostile.into()));
    let review = post_owned(&mut b, "/inspect/CL-001/review", &fields).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(
        review
            .body
            .contains("Note: &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;")
    );
    assert!(!review.body.contains("<img"), "{}", review.body);
    let recorded = post_owned(&mut b, "/inspect/CL-001/record", &fields).await;
    let shown = b.get(recorded.location()).await;
    assert!(
        shown
            .body
            .contains("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;")
    );
    assert!(!shown.body.contains("<img"), "{}", shown.body);
    let row = json(&ws, &["inspections", "show", "INS-000001", "--json"]);
    let notes: Vec<_> = row["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["note"].as_str().unwrap().to_string())
        .collect();
    assert!(notes.contains(&hostile.to_string()), "{notes:?}");
}

#[tokio::test]
async fn changing_answers_goes_back_to_the_form_with_them_filled_in() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    let fields = sent_back(&form, &answers("120.2"));
    let back = post_owned(&mut b, "/inspect/CL-001/items", &fields).await;
    assert_eq!(back.status, StatusCode::OK);
    assert!(back.body.contains("name=\"v:length\" value=\"120.2\""));
    assert!(
        back.body
            .contains("name=\"v:finish\" value=\"good\" required checked")
    );
    assert_eq!(back.field("key"), form.field("key"));
}

#[tokio::test]
async fn signing_out_ends_the_session_in_the_records() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let token = b.cookies["sopbook_session"].clone();
    let home = b.get("/").await;
    let out = b.post("/signout", &[("csrf", &home.csrf())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.location(), "/signin");
    assert!(!b.cookies.contains_key("sopbook_session"));
    assert_eq!(last_event(&ws)["action"], "signed out");
    // The old token is worth nothing now, even if a browser kept it.
    b.cookies.insert("sopbook_session".into(), token);
    assert_eq!(b.get("/").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_manual_is_served_under_manual() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    let bare = b.get("/manual").await;
    assert_eq!(bare.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(bare.location(), "/manual/");
    let index = b.get("/manual/").await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(index.body.contains("Fixture Manual"), "{}", index.body);
    assert!(
        index
            .header(header::CONTENT_SECURITY_POLICY)
            .contains("script-src 'self' 'unsafe-inline'"),
        "mdBook's pages keep their scripts"
    );
    for missing in [
        "/manual/nothing.html",
        "/manual/../sopbook.toml",
        "/manual/%2e%2e/sopbook.toml",
    ] {
        assert_eq!(
            b.get(missing).await.status,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
    // A station started with only the records has no manual to serve.
    let bare = router(State::new(
        contexts(ws.path().to_path_buf()),
        "bench-1",
        None,
    ));
    let mut c = Browser::new(bare);
    let none = c.get("/manual/").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert!(none.body.contains("this station serves no manual"));
}

#[tokio::test]
async fn every_app_page_allows_only_its_own_script_file_and_forbids_framing_and_caching() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    for path in ["/signin", "/", "/nowhere"] {
        let page = b.get(path).await;
        assert_eq!(
            page.header(header::CONTENT_SECURITY_POLICY),
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            "{path}"
        );
        // The one script is the file, deferred: no inline script anywhere.
        assert_eq!(
            page.body.matches("<script").count(),
            page.body
                .matches("<script src=\"/assets/floor.js\" defer></script>")
                .count(),
            "{path}: {}",
            page.body
        );
        assert_eq!(page.header(header::X_FRAME_OPTIONS), "DENY");
        assert_eq!(page.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff");
        assert_eq!(page.header(header::CACHE_CONTROL), "no-store");
    }
    let css = b.get("/assets/floor.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert_eq!(css.header(header::CONTENT_TYPE), "text/css; charset=utf-8");
    assert!(css.body.contains(".choices"));
    let js = b.get("/assets/floor.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert_eq!(
        js.header(header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert!(js.body.contains("The server cannot be reached."));
    assert!(
        !js.body.contains("eval(") && !js.body.contains("new Function"),
        "the script needs no eval"
    );
    let nowhere = b.get("/nowhere").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_inspection_that_does_not_exist_is_not_found() {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let page = b.get("/inspections/INS-000099").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("there is no inspection INS-000099"));
    let bad = b.get("/inspections/nonsense").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

/// Starts the real `sopbook serve` with `args` and returns what it printed
/// up to the line that says where it serves (or everything, if it ended).
fn serve_says(ws: &Ws, args: &[&str]) -> (Option<i32>, String) {
    match start_serve(ws, args) {
        Ok((mut child, said)) => {
            let _ = child.kill();
            let _ = child.wait();
            (None, said)
        }
        Err(ended) => ended,
    }
}

/// `sopbook serve ARGS` in `ws`, once it says it is serving: the running
/// server (killed when dropped by the caller) and what it said; or, if it
/// stopped first, its exit code and what it said.
fn start_serve(
    ws: &Ws,
    args: &[&str],
) -> Result<(std::process::Child, String), (Option<i32>, String)> {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sopbook"))
        .arg("serve")
        .args(args)
        .current_dir(ws.path())
        .env_remove("SOPBOOK_WORKSPACE")
        .env_remove("SOPBOOK_DATABASE")
        .env_remove("SOPBOOK_STATION")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    while let Some(Ok(line)) = lines.next() {
        said.push_str(&line);
        said.push('\n');
        if line.starts_with("Serving the floor") {
            return Ok((child, said));
        }
    }
    Err((child.wait().unwrap().code(), said))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_listens_on_loopback_and_warns_before_it_listens_beyond() {
    let ws = workspace();
    let port = free_port();
    let (code, said) = serve_says(&ws, &["--listen", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, None, "{said}");
    assert_eq!(
        said,
        format!(
            "Serving the floor for station main at http://127.0.0.1:{port} (the manual at http://127.0.0.1:{port}/manual/, the API at http://127.0.0.1:{port}/api/v1/). Ctrl-C stops it.\n"
        )
    );
    let port = free_port();
    let (_, said) = serve_says(
        &ws,
        &["--listen", &format!("0.0.0.0:{port}"), "--station", "dock"],
    );
    assert!(
        said.starts_with(&format!(
            "warning: listening on 0.0.0.0:{port}, reachable from the network over plain HTTP: \
             anyone on the network can read the passwords, session cookies and API tokens"
        )),
        "{said}"
    );
    assert!(said.contains("for station dock"), "{said}");
}

#[test]
fn serve_refuses_a_listen_address_or_station_it_cannot_use() {
    let ws = workspace();
    let (code, said) = serve_says(&ws, &["--listen", "8080"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        said,
        "error: --listen `8080` is not an address and port; write it as 127.0.0.1:8080\n"
    );
    let (code, said) = serve_says(&ws, &["--station", " "]);
    assert_eq!(
        (code, said.as_str()),
        (Some(2), "error: the station is empty\n")
    );
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let (code, said) = serve_says(&ws, &["--listen", &format!("127.0.0.1:{port}")]);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.starts_with(&format!("error: could not listen on 127.0.0.1:{port}: ")),
        "{said}"
    );
    assert!(
        said.contains("help: another program may be using the port"),
        "{said}"
    );
}

#[test]
fn the_demo_ends_by_saying_how_to_serve_the_floor() {
    // The sample workspace of this repository, as the README's main command runs it.
    let ws = Ws::empty();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(repo.join("sopbook.toml"), ws.path().join("sopbook.toml")).unwrap();
    copy_dir(&repo.join("manual"), &ws.path().join("manual"));
    copy_dir(&repo.join("checklists"), &ws.path().join("checklists"));
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.starts_with("The floor in a browser: `")
            && last.ends_with(
                " serve`, then open http://127.0.0.1:8080 and sign in as yosef (password \"nordvann-demo\")."
            ),
        "{last}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_form_sent_four_times_at_once_records_one_inspection() {
    let ws = workspace();
    let app = app(&ws);
    let mut b = Browser::signed_in(app.clone(), "bob").await;
    let form = open_form(&mut b, "L-1").await;
    let fields = sent_back(&form, &answers("120.0"));
    let body = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let cookie = b.cookie_header();
    let sends = (0..4).map(|_| {
        let request = Request::post("/inspect/CL-001/record")
            .header(header::COOKIE, cookie.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.clone()))
            .unwrap();
        tokio::spawn(app.clone().oneshot(request))
    });
    let mut places = Vec::new();
    for send in sends.collect::<Vec<_>>() {
        let response = send.await.unwrap().unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let to = response.headers()[header::LOCATION].to_str().unwrap();
        places.push(to.split('?').next().unwrap().to_string());
    }
    assert_eq!(places, ["/inspections/INS-000001"; 4]);
    assert_eq!(inspections(&ws).len(), 1);
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

/// The server over `ws` with sign-ins that end after `idle` unused, on a
/// clock the test moves.
fn app_with_clock(
    ws: &Ws,
    idle: chrono::Duration,
    clock: Arc<std::sync::Mutex<chrono::DateTime<chrono::Utc>>>,
) -> Router {
    let root = ws.path().to_path_buf();
    let plain = contexts(root.clone());
    let timed: Contexts = Arc::new(move || {
        let mut ctx = plain()?;
        ctx.clock = sopbook::ops::Clock::Fixed(*clock.lock().unwrap());
        Ok(ctx)
    });
    router(State::new(timed, "bench-1", Some(root.join("book"))).with_idle(Some(idle)))
}

#[tokio::test]
async fn a_sign_in_unused_past_the_idle_time_ends_and_the_browser_is_told_why() {
    let ws = workspace();
    let clock = Arc::new(std::sync::Mutex::new(chrono::Utc::now()));
    let app = app_with_clock(&ws, chrono::Duration::minutes(30), clock.clone());
    let mut b = Browser::signed_in(app, "dan").await;
    let later = |minutes| {
        let mut t = clock.lock().unwrap();
        *t += chrono::Duration::minutes(minutes);
    };
    later(20);
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    // 20 minutes after that use: still signed in (the idle time counts
    // from the last use, not from the sign-in).
    later(20);
    assert_eq!(b.get("/").await.status, StatusCode::OK);
    later(31);
    let away = b.get("/inspect/CL-001").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location(), "/signin?next=/inspect/CL-001&idle=30");
    let form = b.get(away.location()).await;
    assert!(
        form.body
            .contains("You were signed out after 30 minutes without use. Sign in again to go on."),
        "{}",
        form.body
    );
    let ended = last_event(&ws);
    assert_eq!(
        (ended["action"].as_str(), ended["actor"].as_str()),
        (Some("signed out"), Some("dan"))
    );
    // Whatever else the address says about it is ignored.
    for odd in [
        "/signin?idle=abc",
        "/signin?idle=-5",
        "/signin?idle=99999999999999999999",
    ] {
        let page = b.get(odd).await;
        assert_eq!(page.status, StatusCode::OK, "{odd}");
        assert!(!page.body.contains("You were signed out"), "{odd}");
    }
    // The cookie is no sign-in any more, and a form sent with it records nothing.
    let sent = b.post("/inspect/CL-001/record", &[("csrf", "x")]).await;
    assert_eq!(sent.status, StatusCode::UNAUTHORIZED);
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn guessing_from_one_address_pauses_sign_in_from_it_and_says_for_how_long() {
    let ws = workspace();
    let app = app(&ws);
    let mut guesser = Browser::new(app.clone());
    guesser.from = Some("192.0.2.7:41000".parse().unwrap());
    for n in 0..20 {
        let page = guesser.sign_in(&format!("guess{n}"), "guess").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);
    }
    let refusal = last_event(&ws);
    assert!(refusal.to_string().contains("192.0.2.7"), "{refusal}");
    // Now the right password of a real person is paused from there...
    let paused = guesser.sign_in("dan", PASSWORD).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(paused.header(header::RETRY_AFTER), "900");
    assert!(
        paused
            .body
            .contains("from 192.0.2.7 in the last 15 minutes: signing in from there is paused"),
        "{}",
        paused.body
    );
    assert!(!guesser.cookies.contains_key("sopbook_session"));
    // ...and not from the next station.
    let mut neighbour = Browser::new(app);
    neighbour.from = Some("192.0.2.8:41000".parse().unwrap());
    assert_eq!(
        neighbour.sign_in("dan", PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

/// A self-signed certificate for 127.0.0.1 and localhost, as PEM files in
/// `dir`: (certificate, key, the certificate as DER to trust).
fn self_signed(dir: &Path) -> (PathBuf, PathBuf, Vec<u8>) {
    let made =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
    let (cert, key) = (dir.join("station.crt"), dir.join("station.key"));
    std::fs::write(&cert, made.cert.pem()).unwrap();
    std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
    (cert, key, made.cert.der().to_vec())
}

/// `GET path` over TLS to 127.0.0.1:port, trusting only `trusted`: the
/// answer's head (status line and headers).
async fn https_get(port: u16, trusted: &[u8], path: &str) -> String {
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
    let mut roots = RootCertStore::empty();
    roots
        .add(rustls::pki_types::CertificateDer::from(trusted.to_vec()))
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut tls = connector.connect(name, tcp).await.unwrap();
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.split("\r\n\r\n").next().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_speaks_https_with_a_certificate_and_marks_its_cookies_secure() {
    let ws = workspace();
    let (cert, key, der) = self_signed(ws.path());
    let port = free_port();
    let listen = format!("0.0.0.0:{port}");
    let args = [
        "--listen",
        listen.as_str(),
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ];
    let (mut server, said) = start_serve(&ws, &args).unwrap();
    // On the network, but over TLS: no warning.
    assert_eq!(
        said,
        format!(
            "Serving the floor for station main at https://0.0.0.0:{port} (the manual at https://0.0.0.0:{port}/manual/, the API at https://0.0.0.0:{port}/api/v1/). Ctrl-C stops it.\n"
        )
    );
    // Plain HTTP to the HTTPS port, and a client that never finishes its
    // handshake, get nothing, and hold up nobody else.
    let mut idle = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    {
        use std::io::{Read, Write};
        plain
            .write_all(b"GET /signin HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        plain
            .set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut got = Vec::new();
        let _ = plain.read_to_end(&mut got);
        assert!(
            !String::from_utf8_lossy(&got).contains("sopbook"),
            "a page was sent over plain HTTP"
        );
        let _ = idle.write_all(b"\x16");
    }
    let head = https_get(port, &der, "/signin").await;
    let _ = server.kill();
    let _ = server.wait();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let cookie = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_else(|| panic!("no cookie set: {head}"));
    assert!(
        cookie.ends_with("HttpOnly; SameSite=Strict; Secure"),
        "{cookie}"
    );
}

#[test]
fn serve_refuses_a_certificate_or_key_it_cannot_use() {
    let ws = workspace();
    let (cert, key, _) = self_signed(ws.path());
    std::fs::write(ws.path().join("empty.pem"), "").unwrap();
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let run = ws.run(&[
        "serve",
        "--listen",
        &listen,
        "--tls-cert",
        "empty.pem",
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(
            "error: empty.pem is not a PEM certificate chain: it holds no certificate"
        ),
        "{}",
        run.stderr
    );
    // A key that is not the certificate's.
    let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(
        ws.path().join("other.key"),
        other.signing_key.serialize_pem(),
    )
    .unwrap();
    let run = ws.run(&[
        "serve",
        "--listen",
        &listen,
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        "other.key",
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("do not make a TLS server"),
        "{}",
        run.stderr
    );
    // A device is never read: it would never end.
    let run = ws.run(&[
        "serve",
        "--listen",
        &listen,
        "--tls-cert",
        "/dev/zero",
        "--tls-key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .starts_with("error: `/dev/zero` is a character device, not a regular file"),
        "{}",
        run.stderr
    );
    // One without the other is a usage error.
    let run = ws.run(&["serve", "--tls-cert", cert.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("--tls-key"), "{}", run.stderr);
}

/// The server over `ws` with the workspace's own page templates, as
/// `sopbook serve` starts it.
fn app_with_templates(ws: &Ws) -> Router {
    let root = ws.path().to_path_buf();
    let pages = sopbook::http::pages::Pages::load(Some(&root)).unwrap();
    router(State::new(contexts(root.clone()), "bench-1", Some(root.join("book"))).with_pages(pages))
}

#[tokio::test]
async fn a_page_template_or_stylesheet_in_templates_serve_replaces_the_built_in_one() {
    let ws = workspace();
    ws.write(
        "templates/serve/signin.html.hbs",
        "{{> head}}\n<h1>Plant 7: sign in at the gate</h1>\n\
         <form method=\"post\" action=\"/signin\">\
         <input type=\"hidden\" name=\"csrf\" value=\"{{csrf}}\"></form>\n{{> foot}}\n",
    );
    ws.write(
        "templates/serve/floor.css",
        "body { background: #ffd700; }\n",
    );
    let mut b = Browser::new(app_with_templates(&ws));
    let signin = b.get("/signin").await;
    assert_eq!(signin.status, StatusCode::OK, "{}", signin.body);
    assert!(
        signin
            .body
            .contains("<h1>Plant 7: sign in at the gate</h1>"),
        "{}",
        signin.body
    );
    assert!(
        signin.body.contains("<header class=\"bar\">"),
        "the built-in partials still serve the override"
    );
    let css = b.get("/assets/floor.css").await;
    assert_eq!(css.body, "body { background: #ffd700; }\n");
    // Other servers in this process keep the built-in pages.
    let mut plain = Browser::new(app(&ws));
    let built_in = plain.get("/signin").await;
    assert!(!built_in.body.contains("Plant 7"));
    assert!(plain.get("/assets/floor.css").await.body.contains(".bar"));
}

#[test]
fn serve_refuses_a_broken_page_template_and_check_names_it_too() {
    let ws = workspace();
    ws.write(
        "templates/serve/items.html.hbs",
        "{{> head}}\n<ul>\n{{#each sheet.items}}<li>{{prompt}}</li>\n</ul>\n{{> foot}}\n",
    );
    let (code, said) = serve_says(&ws, &["--listen", &format!("127.0.0.1:{}", free_port())]);
    assert_eq!(code, Some(2), "{said}");
    let named = "\
error: templates/serve/items.html.hbs is not a valid handlebars template
 --> templates/serve/items.html.hbs:5:12
  |
5 | {{> foot}}
  |           ^ the template ends inside a block: a closing `{{/if}}`, `{{/each}}` or the like is missing
  |
  = help: fix it, or delete `templates/serve/items.html.hbs` to use the built-in template
";
    assert_eq!(
        said,
        format!(
            "{named}\nerror: the page template templates/serve/items.html.hbs is broken; sopbook serve did not start\n\n\
             help: fix it, or delete it to serve the built-in page\n"
        )
    );
    let check = ws.run(&["check"]);
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert!(check.stderr.starts_with(named), "{}", check.stderr);
}

#[tokio::test]
async fn a_revision_approved_after_serve_started_is_served_under_manual() {
    let ws = workspace();
    let root = ws.path().to_path_buf();
    let app = router(
        State::new(contexts(root.clone()), "bench-1", Some(root.join("book")))
            .with_manual_check(std::time::Duration::ZERO),
    );
    let mut b = Browser::new(app);
    let page = "/manual/quality/final-inspection.html";
    let before = b.get(page).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains("Photograph the serial label"));

    ws.edit(
        "manual/quality/final-inspection.md",
        "3. Quarantine",
        "3. Photograph the serial label.\n4. Quarantine",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Photo of the label",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);

    // The first request after the approval finds the manual stale and gets
    // the old one while the new one is built.
    let first = b.get(page).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(!first.body.contains("Photograph the serial label"));
    let mut waited = 0;
    let shown = loop {
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        waited += 1;
        let now = b.get(page).await;
        assert_eq!(now.status, StatusCode::OK, "served all along");
        if now.body.contains("Photograph the serial label") || waited > 240 {
            break now;
        }
    };
    assert!(
        shown.body.contains("Photograph the serial label"),
        "the manual was not published again within a minute"
    );
    assert!(shown.body.contains("Photo of the label"), "its history");
}

/// Records a passing CL-001 for `lot` from browser `b`.
async fn record_one(b: &mut Browser, lot: &str) {
    let form = open_form(b, lot).await;
    let recorded = post_owned(
        b,
        "/inspect/CL-001/record",
        &sent_back(&form, &answers("120.0")),
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
}

#[tokio::test]
async fn a_tablet_set_to_station_dock_records_at_dock_and_another_at_the_default() {
    let ws = workspace();
    let app = app(&ws);
    let mut dock = Browser::signed_in(app.clone(), "bob").await;
    let home = dock.get("/").await;
    assert!(
        home.body
            .contains("This tablet records at <strong>bench-1</strong>, the server's station."),
        "{}",
        home.body
    );
    let empty = dock
        .post("/station", &[("csrf", &home.csrf()), ("typed", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.body.contains("the station is empty"),
        "{}",
        empty.body
    );
    assert!(!dock.cookies.contains_key("sopbook_station"));

    let set = dock
        .post(
            "/station",
            &[
                ("csrf", &home.csrf()),
                ("station", "bench-1"),
                ("typed", "dock"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert_eq!(set.location(), "/");
    assert_eq!(
        set.header(header::SET_COOKIE),
        "sopbook_station=dock; Path=/; HttpOnly; SameSite=Strict; Max-Age=34560000"
    );
    let home = dock.get("/").await;
    assert!(
        home.body
            .contains("<span class=\"station\">Station <strong>dock</strong></span>"),
        "{}",
        home.body
    );
    assert!(
        home.body
            .contains("This tablet is station <strong>dock</strong>.")
    );
    record_one(&mut dock, "L-DOCK").await;

    let mut bench = Browser::signed_in(app.clone(), "bob").await;
    record_one(&mut bench, "L-BENCH").await;
    // The station used lately is offered to every tablet.
    let offered = bench.get("/").await;
    assert!(
        offered.body.contains("<option value=\"bench-1\" selected>bench-1</option><option value=\"dock\">dock</option>"),
        "{}",
        offered.body
    );
    // A checklist used at dock comes first on dock's tablet.
    assert!(dock.get("/").await.body.contains("Used at dock"));

    let at: BTreeMap<String, String> = inspections(&ws)
        .iter()
        .map(|row| {
            (
                row["lot"].as_str().unwrap().to_string(),
                row["station"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        at,
        BTreeMap::from([
            ("L-BENCH".to_string(), "bench-1".to_string()),
            ("L-DOCK".to_string(), "dock".to_string()),
        ])
    );
}
