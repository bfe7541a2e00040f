//! The JSON API of `sopbook serve` in-process: tokens made, listed and
//! revoked with the real binary, then every request through the router as
//! a gauge or script would send it (a bearer token, JSON in and out).

mod common;
#[path = "common/http.rs"]
mod http_support;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Ws};
use http_support::{contexts, copy_of, released};
use serde_json::{Value, json};
use sopbook::http::routes::api;
use sopbook::http::{Contexts, State, router};
use sopbook::ops::Clock;
use tower::ServiceExt as _;

/// A fresh copy of the `base` fixture, released, passwords set.
fn workspace() -> Ws {
    copy_of(released("serve-api-released", false))
}

/// The server over `ws`, its clock `ahead` of the real one.
fn app_at(ws: &Ws, ahead: chrono::Duration) -> Router {
    let plain = contexts(ws.path().to_path_buf());
    let contexts: Contexts = Arc::new(move || {
        let mut ctx = plain()?;
        if !ahead.is_zero() {
            ctx.clock = Clock::Fixed(chrono::Utc::now() + ahead);
        }
        Ok(ctx)
    });
    router(State::new(contexts, "bench-1", None))
}

fn app(ws: &Ws) -> Router {
    app_at(ws, chrono::Duration::zero())
}

/// `sopbook token create --as person`, as a user types it: the token on
/// standard output.
fn make_token(ws: &Ws, person: &str, expires: &str) -> String {
    let run = ws.run_env(
        &["token", "create", "--as", person, "--expires", expires],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout.trim().to_string()
}

fn cli_json(ws: &Ws, args: &[&str]) -> Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn last_event(ws: &Ws) -> Value {
    let log = cli_json(ws, &["audit", "log", "--json"]);
    log.as_array().unwrap().last().unwrap().clone()
}

fn inspections(ws: &Ws) -> Vec<Value> {
    cli_json(ws, &["inspections", "list", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

/// An answer: status, headers, the body as JSON.
struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes));
    });
    Answer {
        status,
        headers,
        json,
    }
}

/// `curl -H "Authorization: Bearer $TOKEN" URL`
async fn get(app: &Router, token: Option<&str>, path: &str) -> Answer {
    let mut request = Request::get(path);
    if let Some(t) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

fn post_request(token: &str, key: Option<&str>, body: &Value) -> Request<Body> {
    let mut request = Request::post("/api/v1/inspections")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        request = request.header("Idempotency-Key", k);
    }
    request.body(Body::from(body.to_string())).unwrap()
}

/// `curl -X POST -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: …" -d @inspection.json`
async fn post(app: &Router, token: &str, key: Option<&str>, body: &Value) -> Answer {
    send(app, post_request(token, key, body)).await
}

/// CL-001 of the base fixture for `lot`, with `length` as measured.
fn inspection(lot: &str, length: &str) -> Value {
    json!({
        "checklist": "CL-001",
        "lot": lot,
        "serial": "SN-7",
        "entries": [
            { "item": "label", "value": "pass" },
            { "item": "length", "value": length },
            { "item": "finish", "value": "good" },
            { "item": "scratches", "value": 0 },
            { "item": "remarks", "value": "none", "note": "from the gauge" }
        ]
    })
}

#[test]
fn a_token_is_printed_once_listed_without_it_and_revoked_with_a_password() {
    let ws = workspace();
    let made = ws.run_env(
        &["token", "create", "--as", "bob", "--expires", "90d"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let token = made.stdout.trim();
    assert!(token.starts_with("sbt_") && token.len() == 68, "{token}");
    assert!(
        made.stderr
            .contains("API token 1 acts for Bob Boss (bob) until")
            && made
                .stderr
                .contains("`sopbook token revoke 1 --as bob` ends it")
            && made.stderr.contains("shown only this once"),
        "{}",
        made.stderr
    );
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("bob"), Some("created an API token"))
    );
    let list = ws.run(&["token", "list"]);
    assert_eq!(list.code, 0, "{}", list.stderr);
    assert!(
        list.stdout.contains("bob") && list.stdout.contains("live"),
        "{}",
        list.stdout
    );
    assert!(!list.stdout.contains(token), "the list never shows a token");
    let dump = std::fs::read(ws.path().join(".sopbook/records.db")).unwrap_or_default();
    assert!(
        !String::from_utf8_lossy(&dump).contains(token),
        "the records keep only the token's hash"
    );
    let wrong = ws.run_env(
        &["token", "revoke", "1", "--as", "bob"],
        &[("SOPBOOK_PASSWORD", "not-the-password")],
    );
    assert_eq!(wrong.code, 1, "{}", wrong.stderr);
    let revoked = ws.run_env(
        &["token", "revoke", "1", "--as", "bob"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(revoked.code, 0, "{}", revoked.stderr);
    assert!(
        revoked.stderr.contains("API token 1 of bob is revoked"),
        "{}",
        revoked.stderr
    );
    let listed = cli_json(&ws, &["token", "list", "--as", "bob", "--json"]);
    assert_eq!(listed[0]["state"], "revoked");
    assert_eq!(listed[0]["id"], 1);
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

#[test]
fn a_token_lifetime_that_is_not_days_or_hours_is_a_usage_error() {
    let ws = workspace();
    let run = ws.run_env(
        &["token", "create", "--as", "bob", "--expires", "3 months"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("`3 months` is not a lifetime: write days or hours, as 90d or 12h"),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn a_request_without_a_live_token_is_refused_with_401() {
    let ws = workspace();
    let app = app(&ws);
    let none = get(&app, None, "/api/v1/checklists").await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        none.json["error"],
        "this request has no API token; nothing was done"
    );
    assert_eq!(
        none.headers[header::WWW_AUTHENTICATE],
        "Bearer realm=\"sopbook\""
    );
    let basic = send(
        &app,
        Request::get("/api/v1/checklists")
            .header(header::AUTHORIZATION, "Basic Ym9iOnRlc3Q=")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    let unknown = get(&app, Some("sbt_0123"), "/api/v1/checklists").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);

    let token = make_token(&ws, "bob", "90d");
    assert_eq!(
        get(&app, Some(&token), "/api/v1/checklists").await.status,
        StatusCode::OK
    );
    let lower_case = send(
        &app,
        Request::get("/api/v1/checklists")
            .header(header::AUTHORIZATION, format!("bearer {token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(lower_case.status, StatusCode::OK);
    ws.ok(&["token", "revoke", "1", "--as", "bob"]);
    let revoked = get(&app, Some(&token), "/api/v1/checklists").await;
    assert_eq!(revoked.status, StatusCode::UNAUTHORIZED);
    assert!(
        revoked.json["error"].as_str().unwrap().contains("revoked"),
        "{}",
        revoked.json
    );

    let short = make_token(&ws, "bob", "1h");
    let later = app_at(&ws, chrono::Duration::hours(2));
    assert_eq!(
        get(&later, Some(&short), "/api/v1/checklists").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_browser_session_cookie_is_not_accepted_by_the_api() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    // A token sent as the browser's cookie is not a sign-in, and a cookie
    // is not a bearer token.
    let request = Request::get("/api/v1/checklists")
        .header(header::COOKIE, format!("sopbook_session={token}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_checklists_in_force_come_with_their_items() {
    let ws = workspace();
    let token = make_token(&ws, "bob", "90d");
    let answer = get(&app(&ws), Some(&token), "/api/v1/checklists").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers[header::CONTENT_TYPE], "application/json");
    let ids: Vec<&str> = answer
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["CL-001", "CL-002"]);
    let length = &answer.json[0]["items"][1];
    assert_eq!(length["id"], "length");
    assert_eq!(length["kind"], "measure");
    assert!(
        length["unit"].is_string() && length["lower"].is_number(),
        "{length}"
    );
}

#[tokio::test]
async fn an_inspection_posted_is_recorded_as_the_command_line_records_it() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    let answer = post(
        &app,
        &token,
        Some("gauge-7-0001"),
        &inspection("L-1", "120.0"),
    )
    .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.json);
    assert_eq!(answer.json["name"], "INS-000001");
    assert_eq!(answer.json["verdict"], "pass");
    assert_eq!(answer.json["replayed"], false);
    assert_eq!(
        answer.headers[header::LOCATION],
        "/api/v1/inspections/INS-000001"
    );
    let event = last_event(&ws);
    assert_eq!(event["actor"], "bob");
    let listed = inspections(&ws);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["station"], "bench-1");

    let list = get(
        &app,
        Some(&token),
        "/api/v1/inspections?checklist=CL-001&result=pass",
    )
    .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.json, Value::Array(listed));
    let one = get(&app, Some(&token), "/api/v1/inspections/INS-000001").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.json,
        cli_json(&ws, &["inspections", "show", "INS-000001", "--json"])
    );
    let missing = get(&app, Some(&token), "/api/v1/inspections/INS-000099").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json["error"], "there is no inspection INS-000099");
}

#[tokio::test]
async fn a_replayed_idempotency_key_records_once_and_answers_with_the_same_inspection() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    let first = post(&app, &token, Some("k-1"), &inspection("L-1", "120.0")).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = post(&app, &token, Some("k-1"), &inspection("L-1", "120.0")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["name"], "INS-000001");
    assert_eq!(again.json["replayed"], true);
    assert_eq!(inspections(&ws).len(), 1);
    let other_lot = post(&app, &token, Some("k-1"), &inspection("L-2", "120.0")).await;
    assert_eq!(other_lot.status, StatusCode::CONFLICT, "{}", other_lot.json);
    let new_key = post(&app, &token, Some("k-2"), &inspection("L-1", "120.0")).await;
    assert_eq!(new_key.json["name"], "INS-000002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn four_posts_at_once_with_the_same_key_record_one_inspection() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    let body = inspection("L-1", "120.0");
    let sends: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn(
                app.clone()
                    .oneshot(post_request(&token, Some("same"), &body)),
            )
        })
        .collect();
    let mut statuses = Vec::new();
    for send in sends {
        let response = send.await.unwrap().unwrap();
        statuses.push(response.status());
        assert_eq!(
            response.headers()[header::LOCATION],
            "/api/v1/inspections/INS-000001"
        );
    }
    statuses.sort();
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::CREATED
        ]
    );
    assert_eq!(inspections(&ws).len(), 1);
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

#[tokio::test]
async fn a_person_whose_roles_may_not_inspect_is_refused_with_403_and_audited() {
    let ws = workspace();
    let token = make_token(&ws, "ann", "90d");
    let answer = post(&app(&ws), &token, Some("k"), &inspection("L-1", "120.0")).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert!(
        answer.json["error"].as_str().unwrap().contains(
            "ann may not sign the inspect of CL-001 lot L-1: it needs the role inspector"
        ),
        "{}",
        answer.json
    );
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("ann"), Some("refused"))
    );
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn a_checklist_not_in_force_is_refused() {
    let ws = workspace();
    ws.write(
        "checklists/draft.toml",
        "id = \"CL-003\"\ntitle = \"Draft\"\n\n[[item]]\nid = \"ok\"\nprompt = \"OK\"\nkind = \"pass_fail\"\n",
    );
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    let body = json!({ "checklist": "CL-003", "lot": "L-1", "entries": [{ "item": "ok", "value": "pass" }] });
    let draft = post(&app, &token, None, &body).await;
    assert!(draft.status.is_client_error(), "{}", draft.status);
    assert!(
        draft.json["error"].as_str().unwrap().contains("CL-003"),
        "{}",
        draft.json
    );
    let unknown = post(
        &app,
        &token,
        None,
        &json!({ "checklist": "CL-404", "lot": "L-1", "entries": [] }),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.json);
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn a_bad_value_is_refused_with_400_naming_the_item() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    let answer = post(&app, &token, None, &inspection("L-1", "long")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.json);
    assert!(
        answer.json["error"].as_str().unwrap().contains("length"),
        "{}",
        answer.json
    );
    let not_json = send(
        &app,
        Request::post("/api/v1/inspections")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from("lot=L-1"))
            .unwrap(),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    assert!(
        not_json.json["hint"]
            .as_str()
            .unwrap()
            .contains("openapi.json")
    );
    assert!(inspections(&ws).is_empty());
}

#[tokio::test]
async fn the_openapi_document_names_every_route_and_no_other() {
    let ws = workspace();
    let answer = get(&app(&ws), None, "/api/v1/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK);
    let doc = answer.json;
    assert_eq!(doc["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            documented.push((method.clone(), path.clone()));
        }
    }
    documented.sort();
    let mut routed: Vec<(String, String)> = api::endpoints()
        .into_iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    routed.sort();
    assert_eq!(documented, routed);
    // Every reference points into the document.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} points nowhere");
    }
}

#[tokio::test]
async fn an_unknown_api_route_answers_json_404() {
    let ws = workspace();
    let token = make_token(&ws, "bob", "90d");
    let answer = get(&app(&ws), Some(&token), "/api/v1/nothing").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json["error"], "there is no such API route");
}

#[test]
fn records_from_before_tokens_are_read_as_they_are_and_migrated_by_the_next_write() {
    let ws = workspace();
    ws.ok(&["login", "--as", "bob"]);
    // As sopbook wrote the records before API tokens: no kind column (and
    // no photos or training records, which came later).
    let db = ws.path().join(".sopbook/records.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("ALTER TABLE sessions DROP COLUMN kind; DROP TABLE attachments; DROP TABLE acknowledgements; DROP TABLE text_facts; DROP INDEX revisions_outline; DROP TABLE lot_closes; DROP TABLE lot_approvals; DROP TABLE lots")
        .unwrap();
    conn.pragma_update(None, "user_version", 7).unwrap();
    drop(conn);
    for args in [&["audit", "verify"][..], &["token", "list"]] {
        let run = ws.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    make_token(&ws, "bob", "30d");
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
    assert_eq!(
        cli_json(&ws, &["token", "list", "--json"])[0]["state"],
        "live"
    );
}

#[tokio::test]
async fn an_api_token_is_not_a_browser_sign_in() {
    let ws = workspace();
    let token = make_token(&ws, "bob", "90d");
    let request = Request::get("/")
        .header(header::COOKIE, format!("sopbook_session={token}"))
        .body(Body::empty())
        .unwrap();
    let response = app(&ws).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/signin?next=/");
}

#[test]
fn only_the_person_or_one_who_may_reset_passwords_may_revoke_a_token() {
    let ws = workspace();
    make_token(&ws, "bob", "90d");
    let run = ws.run_env(
        &["token", "revoke", "1", "--as", "ann"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("ann may not revoke API token 1 of bob"),
        "{}",
        run.stderr
    );
    let event = last_event(&ws);
    assert_eq!(
        (event["actor"].as_str(), event["action"].as_str()),
        (Some("ann"), Some("refused"))
    );
    assert_eq!(
        cli_json(&ws, &["token", "list", "--json"])[0]["state"],
        "live"
    );
    // In the fixture, inspectors approve, so they may reset passwords and
    // revoke others' tokens.
    let run = ws.run_env(
        &["token", "revoke", "1", "--as", "cay"],
        &[("SOPBOOK_PASSWORD", PASSWORD)],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        cli_json(&ws, &["token", "list", "--json"])[0]["state"],
        "revoked"
    );
}

#[tokio::test]
async fn a_body_too_large_is_refused_as_json() {
    let ws = workspace();
    let token = make_token(&ws, "bob", "90d");
    let huge = "x".repeat(2 * 1024 * 1024);
    let answer = send(
        &app(&ws),
        Request::post("/api/v1/inspections")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(huge))
            .unwrap(),
    )
    .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        answer.json["error"]
            .as_str()
            .unwrap()
            .contains("nothing was recorded")
    );
}

/// A request from the network address `from`, as the server's listener
/// hands it on.
fn from_address(mut request: Request<Body>, from: &str) -> Request<Body> {
    let addr: std::net::SocketAddr = format!("{from}:50000").parse().unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(sopbook::http::tls::Peer(addr)));
    request
}

#[tokio::test]
async fn wrong_tokens_are_audited_and_a_flood_from_one_address_is_paused_without_filling_the_log() {
    let ws = workspace();
    let good = make_token(&ws, "bob", "1d");
    let app = app(&ws);
    let wrong = |from: &str| {
        from_address(
            Request::get("/api/v1/checklists")
                .header(header::AUTHORIZATION, "Bearer sbt_0123456789abcdef")
                .body(Body::empty())
                .unwrap(),
            from,
        )
    };
    let first = send(&app, wrong("198.51.100.4")).await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED);
    let refusal = last_event(&ws);
    assert_eq!(refusal["action"], "refused");
    assert_eq!(refusal["actor"], "unknown");
    let detail = refusal.to_string();
    assert!(detail.contains("unknown token"), "{detail}");
    assert!(detail.contains("198.51.100.4"), "{detail}");
    assert!(
        !detail.contains("0123456789abcdef"),
        "the token itself is never recorded: {detail}"
    );
    for _ in 1..20 {
        assert_eq!(
            send(&app, wrong("198.51.100.4")).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let events = cli_json(&ws, &["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .len();
    // The 21st is paused, and nothing more is written while the pause lasts.
    for _ in 0..3 {
        let paused = send(&app, wrong("198.51.100.4")).await;
        assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(paused.headers[header::RETRY_AFTER], "900");
        assert!(
            paused.json["error"].as_str().unwrap().contains("is paused"),
            "{}",
            paused.json
        );
    }
    assert_eq!(
        cli_json(&ws, &["audit", "log", "--json"])
            .as_array()
            .unwrap()
            .len(),
        events,
        "a paused flood writes nothing"
    );
    // A live token works from there, and other addresses are not paused.
    let request = from_address(
        Request::get("/api/v1/checklists")
            .header(header::AUTHORIZATION, format!("Bearer {good}"))
            .body(Body::empty())
            .unwrap(),
        "198.51.100.4",
    );
    assert_eq!(send(&app, request).await.status, StatusCode::OK);
    assert_eq!(
        send(&app, wrong("198.51.100.5")).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn nonconformances_and_the_scorecard_answer_as_the_command_line_prints_them() {
    let ws = workspace();
    let app = app(&ws);
    let token = make_token(&ws, "bob", "90d");
    // One pass and one failed length: one nonconformance.
    for (lot, length) in [("L-1", "120.0"), ("L-2", "999")] {
        let recorded = post(&app, &token, None, &inspection(lot, length)).await;
        assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.json);
    }
    let all = get(&app, Some(&token), "/api/v1/nonconformances").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(all.json, cli_json(&ws, &["nc", "list", "--json"]));
    assert_eq!(all.json.as_array().unwrap().len(), 1);
    let open = get(&app, Some(&token), "/api/v1/nonconformances?open=true").await;
    assert_eq!(
        open.json,
        cli_json(&ws, &["nc", "list", "--open", "--json"])
    );
    let one = get(&app, Some(&token), "/api/v1/nonconformances/NC-0001").await;
    assert_eq!(one.status, StatusCode::OK);
    assert_eq!(
        one.json,
        cli_json(&ws, &["nc", "show", "NC-0001", "--json"])
    );
    let missing = get(&app, Some(&token), "/api/v1/nonconformances/NC-0099").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let card = get(&app, Some(&token), "/api/v1/report").await;
    assert_eq!(card.status, StatusCode::OK);
    assert_eq!(card.json, cli_json(&ws, &["report", "--json"]));
    let by_lot = get(&app, Some(&token), "/api/v1/report?by=lot&since=2000-01-01").await;
    assert_eq!(
        by_lot.json,
        cli_json(
            &ws,
            &["report", "--by", "lot", "--since", "2000-01-01", "--json"]
        )
    );
    let bad = get(&app, Some(&token), "/api/v1/report?by=colour").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json["error"], "`by=colour` is not a grouping");
    assert_eq!(
        bad.json["hint"],
        "group by one of: checklist, item, lot, inspector, station, week"
    );
    // Without a token, nothing.
    assert_eq!(
        get(&app, None, "/api/v1/nonconformances").await.status,
        StatusCode::UNAUTHORIZED
    );
}
