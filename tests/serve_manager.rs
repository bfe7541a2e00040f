//! `sopbook serve`'s manager pages in-process: `/manage` shows the numbers
//! the command line shows for the same records, and a nonconformance's
//! page signs its steps with the password typed again, refuses as the
//! command line refuses, and starts the re-inspection that lets it close.

mod common;
#[path = "common/http.rs"]
mod http_support;

use axum::Router;
use axum::http::{StatusCode, header};
use common::{PASSWORD, Ws};
use http_support::{Browser, Page, contexts, copy_of, released};
use serde_json::Value;
use sopbook::http::{State, router};

/// A fresh copy of the `base` fixture, released, passwords set.
fn workspace() -> Ws {
    copy_of(released("serve-manager-released", false))
}

/// The server of station `station` on the workspace.
fn app_at(ws: &Ws, station: &str) -> Router {
    let root = ws.path().to_path_buf();
    router(State::new(contexts(root), station, None))
}

fn app(ws: &Ws) -> Router {
    app_at(ws, "bench-1")
}

/// The answers to CL-001 with `length` as given (120.5 at most passes).
fn answers(length: &str) -> Vec<(String, String)> {
    [
        ("v:label", "pass"),
        ("v:length", length),
        ("v:finish", "good"),
        ("v:scratches", "0"),
        ("v:remarks", "none"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post_owned(b: &mut Browser, path: &str, fields: &[(String, String)]) -> Page {
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    b.post(path, &borrowed).await
}

/// What the form page sends back: its hidden fields, then the answers.
fn sent_back(form: &Page, answers: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = ["csrf", "lot", "serial", "revision", "key"]
        .into_iter()
        .map(|k| (k.to_string(), form.field(k)))
        .collect();
    if form.body.contains("name=\"reinspects\"") {
        fields.push(("reinspects".into(), form.field("reinspects")));
    }
    fields.extend(answers.iter().cloned());
    fields
}

/// Fills in an opened form with `length`, reviews it and records it.
async fn fill_and_record(b: &mut Browser, form: &Page, length: &str) -> Page {
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let review = post_owned(
        b,
        "/inspect/CL-001/review",
        &sent_back(form, &answers(length)),
    )
    .await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    let recorded = post_owned(
        b,
        "/inspect/CL-001/record",
        &sent_back(&review, &answers(length)),
    )
    .await;
    assert_eq!(recorded.status, StatusCode::SEE_OTHER, "{}", recorded.body);
    recorded
}

/// Inspects a unit of `lot` with CL-001 on the floor.
async fn inspect(b: &mut Browser, lot: &str, length: &str) -> Page {
    let start = b.get("/inspect/CL-001").await;
    let (csrf, revision) = (start.csrf(), start.field("revision"));
    let form = b
        .post(
            "/inspect/CL-001",
            &[("csrf", &csrf), ("revision", &revision), ("lot", lot)],
        )
        .await;
    fill_and_record(b, &form, length).await
}

/// A workspace where bob failed lot L-7 (INS-000001), which opened NC-0001.
async fn failed() -> (Ws, Browser) {
    let ws = workspace();
    let mut b = Browser::signed_in(app(&ws), "bob").await;
    let recorded = inspect(&mut b, "L-7", "121.1").await;
    assert_eq!(recorded.location(), "/inspections/INS-000001?recorded=new");
    (ws, b)
}

fn json(ws: &Ws, args: &[&str]) -> Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn events(ws: &Ws) -> Vec<Value> {
    json(ws, &["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .clone()
}

fn steps(ws: &Ws) -> Vec<Value> {
    json(ws, &["nc", "show", "NC-0001", "--json"])["steps"]
        .as_array()
        .unwrap()
        .clone()
}

/// Signs `step` of NC-0001 with the page's token and `password`.
async fn sign(b: &mut Browser, step: &str, password: &str, more: &[(&str, &str)]) -> Page {
    let page = b.get("/nc/NC-0001").await;
    let csrf = page.csrf();
    let mut fields = vec![("csrf", csrf.as_str()), ("password", password)];
    fields.extend_from_slice(more);
    b.post(&format!("/nc/NC-0001/{step}"), &fields).await
}

fn percent(v: &Value) -> String {
    v.as_f64()
        .map_or("–".to_string(), |p| format!("{:.1}%", p * 100.0))
}

#[tokio::test]
async fn the_manager_page_shows_the_numbers_of_report_nc_list_and_due() {
    let ws = workspace();
    // QC-001 gets a 20-day review interval, so it is due within 30 days.
    ws.edit(
        "manual/quality/final-inspection.md",
        "review_interval = \"12 months\"",
        "review_interval = \"20 days\"",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Shorter review",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
    let mut here = Browser::signed_in(app(&ws), "bob").await;
    inspect(&mut here, "L-1", "120.1").await;
    inspect(&mut here, "L-2", "121.1").await;
    let mut there = Browser::signed_in(app_at(&ws, "bench-2"), "cay").await;
    inspect(&mut there, "L-3", "120.0").await;

    let page = here.get("/manage").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let today = chrono::Local::now().date_naive();
    let tomorrow = (today + chrono::Days::new(1)).to_string();
    let today = today.to_string();
    let day = json(
        &ws,
        &[
            "report", "--json", "--by", "station", "--since", &today, "--until", &tomorrow,
        ],
    );
    let station = day["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "bench-1")
        .unwrap();
    // bench-1: 1 of 2 first inspections passed; the plant: 2 of 3.
    for (fpy, passed, first) in [
        (
            &station["first_pass_yield"],
            &station["first_passed"],
            &station["first"],
        ),
        (
            &day["first_pass_yield"],
            &day["first_passed"],
            &day["first_inspections"],
        ),
    ] {
        page.shows(&format!(
            "<span class=\"tile-value\">{}</span><span class=\"tile-count\">{passed} of {first} passed first time</span>",
            percent(fpy)
        ));
    }
    page.shows("<span class=\"tile-value\">50.0%</span><span class=\"tile-count\">1 of 2 passed first time</span>");
    page.shows("<span class=\"tile-value\">66.7%</span><span class=\"tile-count\">2 of 3 passed first time</span>");

    let report = json(&ws, &["report", "--json"]);
    let pareto = report["pareto"].as_array().unwrap();
    assert!(!pareto.is_empty());
    for row in pareto {
        page.shows(&format!(
            "<tr><td data-label=\"Item\">{}</td><td class=\"n\" data-label=\"Fails\">{}</td><td class=\"n\" data-label=\"Share\">{}</td><td class=\"n\" data-label=\"Cumulative\">{}</td></tr>",
            row["item"].as_str().unwrap(),
            row["fails"],
            percent(&row["share"]),
            percent(&row["cumulative"])
        ));
    }

    let open = json(&ws, &["nc", "list", "--open", "--json"]);
    let open = open.as_array().unwrap();
    assert_eq!(open.len(), 1);
    page.shows("Open nonconformances (1)");
    page.shows(&format!(
        "<tr><td data-label=\"NC\"><a href=\"/nc/NC-0001\">NC-0001</a></td><td data-label=\"Checklist\">CL-001</td><td data-label=\"Lot\">L-2</td><td data-label=\"Opened\">{}</td><td class=\"n\" data-label=\"Age (days)\">{}</td><td data-label=\"Next step\">disposition</td></tr>",
        sopbook::render::time::local(
            &chrono::DateTime::parse_from_rfc3339(open[0]["opened_at"].as_str().unwrap())
                .unwrap()
                .to_utc()
        ),
        open[0]["age_days"]
    ));

    let due = json(&ws, &["due", "--json"]);
    let rows = due.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{due}");
    page.shows(&format!(
        "<td data-label=\"Document\">QC-001</td><td data-label=\"Title\">Final inspection</td><td data-label=\"Owner\">inspector</td><td data-label=\"Due\">{}</td><td class=\"n\" data-label=\"Days\">{}</td>",
        rows[0]["due"].as_str().unwrap(),
        rows[0]["days"]
    ));
    page.shows("<a class=\"manage-link\" href=\"/manage\">Manager</a>");
}

#[tokio::test]
async fn the_charts_are_the_published_dashboards_own_svgs() {
    let (ws, mut b) = failed().await;
    inspect(&mut b, "L-8", "120.2").await;
    let page = b.get("/manage").await;
    for file in ["fpy.svg", "pareto.svg", "spc-cl-001-length.svg"] {
        page.shows(&format!("<img src=\"/manage/charts/{file}\""));
    }
    ws.ok(&["publish"]);
    for file in ["fpy.svg", "pareto.svg", "spc-cl-001-length.svg"] {
        let chart = b.get(&format!("/manage/charts/{file}")).await;
        assert_eq!(chart.status, StatusCode::OK, "{file}: {}", chart.body);
        assert_eq!(
            chart.headers.get(header::CONTENT_TYPE).unwrap(),
            "image/svg+xml"
        );
        assert_eq!(
            chart.body,
            ws.read(&format!("book/dashboard/{file}")),
            "{file}"
        );
    }
    let none = b.get("/manage/charts/nothing.svg").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_manager_pages_need_a_sign_in() {
    let ws = workspace();
    let mut b = Browser::new(app(&ws));
    for path in ["/manage", "/nc/NC-0001", "/manage/charts/fpy.svg"] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), format!("/signin?next={path}"));
    }
    let post = b.post("/nc/NC-0001/close", &[("password", PASSWORD)]).await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn each_step_is_signed_with_the_password_by_a_role_that_may() {
    let (ws, mut b) = failed().await;
    let page = b.get("/nc/NC-0001").await;
    page.shows("<h1>NC-0001</h1>");
    page.shows("<a href=\"/inspections/INS-000001\">INS-000001</a>");
    page.shows("<dt>Lot</dt><dd>L-7</dd>");
    page.shows("<strong>open</strong> Next: disposition");
    page.shows("action=\"/nc/NC-0001/disposition\"");
    page.shows("action=\"/nc/NC-0001/action\"");
    assert!(
        !page.body.contains("action=\"/nc/NC-0001/close\""),
        "no close before a disposition"
    );

    let signed = sign(
        &mut b,
        "disposition",
        PASSWORD,
        &[("disposition", "scrap"), ("note", "bent")],
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/nc/NC-0001?signed=disposition");
    let shown = b.get(signed.location()).await;
    shown.shows("Disposition signed.");
    shown.shows("<strong>Disposition</strong>");
    shown.shows("<span class=\"step-value\">scrap</span> by bob");
    shown.shows("action=\"/nc/NC-0001/close\"");

    let acted = sign(
        &mut b,
        "action",
        PASSWORD,
        &[("action", "Gauge recalibrated"), ("sop", "")],
    )
    .await;
    assert_eq!(acted.location(), "/nc/NC-0001?signed=action");
    let closed = sign(&mut b, "close", PASSWORD, &[("note", "done")]).await;
    assert_eq!(closed.location(), "/nc/NC-0001?signed=close");
    let shown = b.get(closed.location()).await;
    shown.shows("<strong>closed</strong> Next: nothing (closed)");
    assert!(
        !shown.body.contains("type=\"password\""),
        "a closed NC offers no form"
    );

    let got: Vec<_> = steps(&ws)
        .iter()
        .map(|s| {
            (
                s["kind"].as_str().unwrap().to_string(),
                s["value"].as_str().unwrap().to_string(),
                s["signer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("disposition", "scrap", "bob"),
        ("action", "Gauge recalibrated", "bob"),
        ("close", "closed", "bob"),
    ]
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()));
    assert_eq!(got, want);
    let last = events(&ws).last().unwrap().clone();
    assert_eq!(
        (
            last["actor"].as_str(),
            last["action"].as_str(),
            last["record"].as_str()
        ),
        (Some("bob"), Some("nc closed"), Some("NC-0001"))
    );
    let verify = ws.run(&["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);
}

#[tokio::test]
async fn a_wrong_password_is_refused_and_audited_though_signed_in() {
    let (ws, mut b) = failed().await;
    for password in ["not-it", ""] {
        let page = sign(&mut b, "disposition", password, &[("disposition", "scrap")]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        page.shows("wrong password for bob; nothing was signed (the refusal is in the audit log)");
        page.shows("<h1>NC-0001</h1>");
        let last = events(&ws).last().unwrap().clone();
        assert_eq!(
            (
                last["actor"].as_str(),
                last["action"].as_str(),
                last["record"].as_str()
            ),
            (Some("bob"), Some("refused"), Some("NC-0001"))
        );
        assert_eq!(last["detail"]["note"]["reason"], "wrong password", "{last}");
    }
    assert!(steps(&ws).is_empty());
}

#[tokio::test]
async fn wrong_passwords_pause_the_signature_as_on_the_command_line() {
    let (ws, mut b) = failed().await;
    for _ in 0..5 {
        sign(&mut b, "disposition", "guess", &[("disposition", "scrap")]).await;
    }
    let paused = sign(&mut b, "disposition", PASSWORD, &[("disposition", "scrap")]).await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(paused.headers[axum::http::header::RETRY_AFTER], "900");
    paused.shows("5 wrong passwords for bob in the last 15 minutes: signing as bob is paused");
    assert!(steps(&ws).is_empty());
}

#[tokio::test]
async fn a_person_whose_roles_may_not_sees_no_form_and_is_refused_and_audited() {
    let (ws, _) = failed().await;
    // ann is a clerk; the steps of a nonconformance are for inspectors here.
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    let page = ann.get("/nc/NC-0001").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    assert!(
        !page.body.contains("action=\"/nc/NC-0001/"),
        "{}",
        page.body
    );
    page.shows("Your roles may not sign: Disposition, Corrective action, Close");
    let refused = sign(
        &mut ann,
        "disposition",
        PASSWORD,
        &[("disposition", "scrap")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.shows(
        "ann may not sign the disposition of NC-0001: it needs the role inspector; nothing was signed",
    );
    let last = events(&ws).last().unwrap().clone();
    assert_eq!(
        (last["actor"].as_str(), last["action"].as_str()),
        (Some("ann"), Some("refused"))
    );
    assert_eq!(last["detail"]["note"]["reason"], "no role for this step");
    assert!(steps(&ws).is_empty());
}

#[tokio::test]
async fn a_step_without_this_browsers_csrf_token_signs_nothing() {
    let (ws, mut b) = failed().await;
    let before = events(&ws).len();
    let missing = b
        .post(
            "/nc/NC-0001/disposition",
            &[("password", PASSWORD), ("disposition", "scrap")],
        )
        .await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    missing.shows("Form refused");
    let mut other = Browser::signed_in(app(&ws), "cay").await;
    let theirs = other.get("/nc/NC-0001").await.csrf();
    let forged = b
        .post(
            "/nc/NC-0001/disposition",
            &[
                ("csrf", &theirs),
                ("password", PASSWORD),
                ("disposition", "scrap"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(steps(&ws).is_empty());
    // Only cay's sign-in was added: a forged form is nobody's signature.
    let after = events(&ws);
    assert_eq!(after.len(), before + 1);
    assert_eq!(after.last().unwrap()["action"], "signed in");
}

#[tokio::test]
async fn a_step_out_of_order_shows_the_operations_message() {
    let (ws, mut b) = failed().await;
    let early = sign(&mut b, "close", PASSWORD, &[]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    early.shows("NC-0001 has no disposition yet; record one first");
    let bad = sign(&mut b, "disposition", PASSWORD, &[("disposition", "burn")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    bad.shows("<code>burn</code> is not a disposition");
    let unknown = sign(&mut b, "void", PASSWORD, &[]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(steps(&ws).is_empty());
}

#[tokio::test]
async fn markup_in_a_nonconformance_is_shown_as_text() {
    let (_ws, mut b) = failed().await;
    let hostile = "<img src=x onerror=alert(1)>";
    sign(
        &mut b,
        "disposition",
        PASSWORD,
        &[("disposition", "scrap"), ("note", hostile)],
    )
    .await;
    sign(&mut b, "action", PASSWORD, &[("action", hostile)]).await;
    let page = b.get("/nc/NC-0001").await;
    page.shows("<span class=\"step-value\">&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</span>");
    page.shows("<p class=\"note-text\">&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;</p>");
    assert!(!page.body.contains("<img"), "{}", page.body);
}

#[tokio::test]
async fn a_reinspection_started_from_the_nc_page_lets_it_close() {
    let (ws, mut b) = failed().await;
    let reworked = sign(
        &mut b,
        "disposition",
        PASSWORD,
        &[("disposition", "rework")],
    )
    .await;
    assert_eq!(reworked.status, StatusCode::SEE_OTHER, "{}", reworked.body);
    let page = b.get("/nc/NC-0001").await;
    page.shows("Next: re-inspection after rework");
    page.shows("<form class=\"stack\" method=\"post\" action=\"/inspect/CL-001\">");
    assert_eq!(page.field("reinspects"), "INS-000001");
    assert_eq!(page.field("lot"), "L-7");
    assert!(!page.body.contains("action=\"/nc/NC-0001/close\""));
    // Closing now is refused with the operation's reason.
    let early = sign(&mut b, "close", PASSWORD, &[]).await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    early.shows("NC-0001 was reworked, so it closes only after a passing re-inspection");

    let form = b
        .post(
            "/inspect/CL-001",
            &[
                ("csrf", &page.csrf()),
                ("lot", &page.field("lot")),
                ("serial", &page.field("serial")),
                ("reinspects", &page.field("reinspects")),
            ],
        )
        .await;
    assert_eq!(
        form.field("reinspects"),
        "INS-000001",
        "carried on the form"
    );
    let recorded = fill_and_record(&mut b, &form, "120.1").await;
    assert_eq!(recorded.location(), "/inspections/INS-000002?recorded=new");
    let again = json(&ws, &["inspections", "show", "INS-000002", "--json"]);
    assert_eq!(again["verdict"], "pass");
    let first = json(&ws, &["inspections", "show", "INS-000001", "--json"]);
    assert_eq!(first["reinspected_by"], serde_json::json!(["INS-000002"]));

    let page = b.get("/nc/NC-0001").await;
    page.shows("Next: close");
    page.shows("<strong>Re-inspection</strong>\n    <a href=\"/inspections/INS-000002\">INS-000002</a> <span class=\"badge pass\">pass</span>");
    let closed = sign(&mut b, "close", PASSWORD, &[]).await;
    assert_eq!(closed.location(), "/nc/NC-0001?signed=close");
    let shown = json(&ws, &["nc", "show", "NC-0001", "--json"]);
    assert_eq!(shown["status"], "closed");
    let manage = b.get("/manage").await;
    manage.shows("Open nonconformances (0)");
}
