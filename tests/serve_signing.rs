//! `sopbook serve`'s signing pages in-process: documents in review with
//! their changes, approved and rejected with the password typed again; an
//! inspection voided from its page; the reader's list and "read and
//! understood"; the training matrix and its CSV. Each refuses as the
//! command line refuses: no sign-in, a wrong password, a form without this
//! browser's CSRF token, a role that may not.

mod common;
#[path = "common/http.rs"]
mod http_support;

use axum::Router;
use axum::http::{StatusCode, header};
use common::{PASSWORD, Ws};
use http_support::{Browser, Page, contexts, copy_of, released};
use serde_json::Value;
use sopbook::http::{State, router};

/// A fresh copy of the `base` fixture, released, passwords set. Its
/// approvers (and, without a `[permissions]` table, its voiders and
/// training managers) are the inspectors bob and cay; ann and dan are clerks.
fn workspace() -> Ws {
    copy_of(released("serve-signing-released", false))
}

fn app(ws: &Ws) -> Router {
    let root = ws.path().to_path_buf();
    router(State::new(contexts(root), "bench-1", None))
}

fn json(ws: &Ws, args: &[&str]) -> Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

fn last_event(ws: &Ws) -> Value {
    json(ws, &["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone()
}

#[track_caller]
fn assert_refused_in_audit(ws: &Ws, actor: &str, record: &str, reason: &str) {
    let last = last_event(ws);
    assert_eq!(
        (
            last["actor"].as_str(),
            last["action"].as_str(),
            last["record"].as_str()
        ),
        (Some(actor), Some("refused"), Some(record)),
        "{last}"
    );
    assert_eq!(last["detail"]["note"]["reason"], reason, "{last}");
}

#[track_caller]
fn lacks(page: &Page, text: &str) {
    assert!(!page.body.contains(text), "{text:?} in:\n{}", page.body);
}

/// QC-001 rev 2 in review: ann added a step with markup in it.
fn in_review() -> Ws {
    let ws = workspace();
    ws.edit(
        "manual/quality/final-inspection.md",
        "3. Quarantine",
        "4. Record the <serial> & lot.\n3. Quarantine",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Record the <serial>",
        "--as",
        "ann",
    ]);
    ws
}

/// Signs `step` (`approve` or `reject`) of `id` with the page's token.
async fn decide(b: &mut Browser, id: &str, step: &str, fields: &[(&str, &str)]) -> Page {
    let page = b.get(&format!("/documents/{id}")).await;
    let csrf = page.csrf();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post(&format!("/documents/{id}/{step}"), &all).await
}

#[tokio::test]
async fn a_revision_in_review_shows_its_changes_and_is_approved_with_the_password() {
    let ws = in_review();
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    let manage = bob.get("/manage").await;
    manage.shows("<a class=\"button\" href=\"/documents\">Documents in review</a>");

    let list = bob.get("/documents").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.shows("<h1>Documents in review (1)</h1>");
    list.shows("<a class=\"card\" href=\"/documents/QC-001\">");
    list.shows("<span class=\"card-id\">QC-001 rev 2</span>");
    list.shows("Record the &lt;serial&gt;");
    list.shows("0 of 2 approvals");
    list.shows("You may approve it");

    let page = bob.get("/documents/QC-001").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.shows("<h1>QC-001 rev 2</h1>");
    page.shows(
        "QC-001 rev 2 against QC-001 rev 1, the revision in force (lines added: 1, removed: 0).",
    );
    page.shows("<div class=\"hunk-head\">@@ -14,4 +14,5 @@</div>");
    page.shows("<ins class=\"line\"><span class=\"mark\" aria-hidden=\"true\">+</span>4. Record the &lt;serial&gt; &amp; lot.</ins>");
    page.shows("<span class=\"line\"><span class=\"mark\" aria-hidden=\"true\"> </span>1. Take the unit off the line.</span>");
    page.shows("<form class=\"stack\" method=\"post\" action=\"/documents/QC-001/approve\">");
    page.shows("<form class=\"stack\" method=\"post\" action=\"/documents/QC-001/reject\">");
    lacks(&page, "<serial>");

    let signed = decide(&mut bob, "QC-001", "approve", &[("password", PASSWORD)]).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/documents?approved=QC-001");
    let list = bob.get(signed.location()).await;
    list.shows("Your approval of QC-001 is signed.");
    list.shows("1 of 2 approvals (bob)");
    list.shows("You may reject it");
    let again = bob.get("/documents/QC-001").await;
    lacks(&again, "action=\"/documents/QC-001/approve\"");
    again.shows("You have approved it.");

    let mut cay = Browser::signed_in(app(&ws), "cay").await;
    let done = decide(&mut cay, "QC-001", "approve", &[("password", PASSWORD)]).await;
    assert_eq!(done.location(), "/documents?approved=QC-001");
    cay.get("/documents").await.shows("Nothing is in review.");
    let status = json(&ws, &["status", "--json"]);
    let qc = status
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "QC-001")
        .unwrap();
    assert_eq!(qc["effective_revision"], 2, "{qc}");
    let last = last_event(&ws);
    assert_eq!(
        (last["actor"].as_str(), last["action"].as_str()),
        (Some("cay"), Some("approved"))
    );
    let gone = cay.get("/documents/QC-001").await;
    assert_eq!(gone.status, StatusCode::CONFLICT);
    gone.shows("nothing of QC-001 is in review; the last request, QC-001 rev 2, is decided");
    assert_eq!(ws.run(&["audit", "verify"]).code, 0);
}

#[tokio::test]
async fn the_author_and_a_role_that_may_not_see_no_approve_form_and_are_refused() {
    let ws = in_review();
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    let page = ann.get("/documents/QC-001").await;
    lacks(&page, "action=\"/documents/QC-001/approve\"");
    page.shows("action=\"/documents/QC-001/reject\"");
    page.shows("You requested it, so another approver must sign.");
    let refused = decide(&mut ann, "QC-001", "approve", &[("password", PASSWORD)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.shows("ann requested QC-001 rev 2 and cannot also approve it; nothing was signed (the refusal is in the audit log)");
    refused.shows("<h1>QC-001 rev 2</h1>");
    assert_refused_in_audit(
        &ws,
        "ann",
        "QC-001 rev 2",
        "the author cannot approve their own revision",
    );

    let mut dan = Browser::signed_in(app(&ws), "dan").await;
    let page = dan.get("/documents/QC-001").await;
    assert_eq!(page.status, StatusCode::OK);
    lacks(&page, "type=\"password\"");
    page.shows("Approvers of QC-001 hold the role inspector.");
    dan.get("/documents")
        .await
        .shows("For approvers: inspector");
    let refused = decide(&mut dan, "QC-001", "approve", &[("password", PASSWORD)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.shows("dan may not approve QC-001 rev 2: approvers must hold the role inspector; nothing was signed");
    assert_refused_in_audit(&ws, "dan", "QC-001 rev 2", "no approver role");
    let refused = decide(
        &mut dan,
        "QC-001",
        "reject",
        &[("password", PASSWORD), ("reason", "no")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused
        .shows("dan may not reject QC-001 rev 2: only its author or an approver (inspector) may");
    let history = json(&ws, &["history", "QC-001", "--json"]);
    assert_eq!(history["changes"][1]["status"]["state"], "in review");
    assert_eq!(
        history["changes"][1]["signatures"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "only the author's"
    );
}

#[tokio::test]
async fn a_wrong_password_or_a_form_from_elsewhere_signs_nothing() {
    let ws = in_review();
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    for password in ["not-it", ""] {
        let page = decide(&mut bob, "QC-001", "approve", &[("password", password)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        page.shows("wrong password for bob; nothing was signed (the refusal is in the audit log)");
        page.shows("action=\"/documents/QC-001/approve\"");
        assert_refused_in_audit(&ws, "bob", "QC-001 rev 2", "wrong password");
    }
    let before = json(&ws, &["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .len();
    let forged = bob
        .post("/documents/QC-001/approve", &[("password", PASSWORD)])
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.shows("Form refused");
    let unknown = decide(&mut bob, "QC-001", "publish", &[("password", PASSWORD)]).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let after = json(&ws, &["audit", "log", "--json"])
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, before, "nothing signed, nothing refused");

    let mut nobody = Browser::new(app(&ws));
    for path in ["/documents", "/documents/QC-001"] {
        let page = nobody.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location(), format!("/signin?next={path}"));
    }
    let post = nobody
        .post("/documents/QC-001/approve", &[("password", PASSWORD)])
        .await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let history = json(&ws, &["history", "QC-001", "--json"]);
    assert_eq!(history["changes"][1]["status"]["state"], "in review");
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_sends_the_revision_back() {
    let ws = in_review();
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    let empty = decide(
        &mut bob,
        "QC-001",
        "reject",
        &[("password", PASSWORD), ("reason", " ")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    empty.shows("say why it is rejected");
    let rejected = decide(
        &mut bob,
        "QC-001",
        "reject",
        &[("password", PASSWORD), ("reason", "Say which serial")],
    )
    .await;
    assert_eq!(rejected.location(), "/documents?rejected=QC-001");
    bob.get(rejected.location())
        .await
        .shows("QC-001 was rejected and goes back to its author.");
    let history = json(&ws, &["history", "QC-001", "--json"]);
    let change = &history["changes"][1];
    assert_eq!(change["status"]["state"], "rejected");
    assert_eq!(change["status"]["reason"], "Say which serial");
    let none = bob.get("/documents/QC-002").await;
    assert_eq!(none.status, StatusCode::CONFLICT);
    none.shows("nothing of QC-002 is in review");
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

fn sent_back(form: &Page, answers: &[(String, String)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = ["csrf", "lot", "serial", "revision", "key"]
        .into_iter()
        .map(|k| (k.to_string(), form.field(k)))
        .collect();
    fields.extend(answers.iter().cloned());
    fields
}

/// bob inspects lot L-7 with CL-001: INS-000001, a pass.
async fn inspected(ws: &Ws) -> Browser {
    let mut b = Browser::signed_in(app(ws), "bob").await;
    let start = b.get("/inspect/CL-001").await;
    let (csrf, revision) = (start.csrf(), start.field("revision"));
    let form = b
        .post(
            "/inspect/CL-001",
            &[("csrf", &csrf), ("revision", &revision), ("lot", "L-7")],
        )
        .await;
    let review = post_owned(
        &mut b,
        "/inspect/CL-001/review",
        &sent_back(&form, &answers("120.1")),
    )
    .await;
    let recorded = post_owned(
        &mut b,
        "/inspect/CL-001/record",
        &sent_back(&review, &answers("120.1")),
    )
    .await;
    assert_eq!(recorded.location(), "/inspections/INS-000001?recorded=new");
    b
}

async fn void(b: &mut Browser, fields: &[(&str, &str)]) -> Page {
    let page = b.get("/inspections/INS-000001").await;
    let csrf = page.csrf();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    b.post("/inspections/INS-000001/void", &all).await
}

#[tokio::test]
async fn an_inspection_is_voided_with_a_reason_and_the_password() {
    let ws = workspace();
    let mut bob = inspected(&ws).await;
    let page = bob.get("/inspections/INS-000001").await;
    page.shows("<form class=\"stack\" method=\"post\" action=\"/inspections/INS-000001/void\">");

    let wrong = void(&mut bob, &[("reason", "wrong lot"), ("password", "not-it")]).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    wrong.shows("wrong password for bob; nothing was signed (the refusal is in the audit log)");
    wrong.shows("<details class=\"void\" open>");
    assert_refused_in_audit(&ws, "bob", "INS-000001", "wrong password");
    let empty = void(&mut bob, &[("reason", ""), ("password", PASSWORD)]).await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    empty.shows("say why the inspection is void");

    let done = void(
        &mut bob,
        &[("reason", "Wrong <lot>"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/inspections/INS-000001?recorded=void");
    let shown = bob.get(done.location()).await;
    shown.shows("<p class=\"done\" role=\"status\">Voided.</p>");
    shown.shows("<strong>Void:</strong> Wrong &lt;lot&gt; (bob)");
    lacks(&shown, "action=\"/inspections/INS-000001/void\"");
    let row = json(&ws, &["inspections", "show", "INS-000001", "--json"]);
    assert_eq!(row["void"]["reason"], "Wrong <lot>", "{row}");
    assert_eq!(row["void"]["voided_by"], "bob");

    let twice = bob
        .post(
            "/inspections/INS-000001/void",
            &[
                ("csrf", &shown.csrf()),
                ("reason", "again"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    twice.shows("INS-000001 was already voided by bob");
}

#[tokio::test]
async fn voiding_is_refused_to_a_role_that_may_not_a_forged_form_and_nobody() {
    let ws = workspace();
    let bob = inspected(&ws).await;
    let mut ann = Browser::signed_in(bob.app.clone(), "ann").await;
    let page = ann.get("/inspections/INS-000001").await;
    assert_eq!(page.status, StatusCode::OK);
    lacks(&page, "action=\"/inspections/INS-000001/void\"");
    let refused = void(&mut ann, &[("reason", "mine"), ("password", PASSWORD)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    refused.shows(
        "ann may not sign the void of INS-000001: it needs the role inspector; nothing was signed",
    );
    assert_refused_in_audit(&ws, "ann", "INS-000001", "no role for this step");

    let mut bob = bob;
    let forged = bob
        .post(
            "/inspections/INS-000001/void",
            &[("reason", "x"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.shows("Form refused");
    let mut nobody = Browser::new(bob.app.clone());
    let post = nobody
        .post(
            "/inspections/INS-000001/void",
            &[("reason", "x"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let row = json(&ws, &["inspections", "show", "INS-000001", "--json"]);
    assert_eq!(row["void"], Value::Null);
}

async fn confirm(b: &mut Browser, id: &str, password: &str) -> Page {
    let page = b.get(&format!("/reading/{id}")).await;
    let csrf = page.csrf();
    b.post(
        &format!("/reading/{id}"),
        &[("csrf", csrf.as_str()), ("password", password)],
    )
    .await
}

#[tokio::test]
async fn the_reading_list_shrinks_as_the_reader_confirms_with_the_password() {
    let ws = workspace();
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    ann.get("/")
        .await
        .shows("<a class=\"reading-link\" href=\"/reading\">Reading</a>");
    let list = ann.get("/reading").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let cli = json(&ws, &["reading-list", "--as", "ann", "--json"]);
    let ids: Vec<&str> = cli["to_read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["doc_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["CS-001", "QC-002", "CL-002"], "{cli}");
    list.shows("Ann Author: 0 of 3 documents read and understood at the revision in force.");
    for id in &ids {
        list.shows(&format!(
            "<a class=\"button primary\" href=\"/reading/{id}\">Read and confirm {id}</a>"
        ));
    }
    list.shows("<span class=\"num\" title=\"Place in your reading path\">1</span>");
    list.shows("New to you: due since");
    let at: Vec<usize> = ids
        .iter()
        .map(|id| list.body.find(&format!("/reading/{id}")).unwrap())
        .collect();
    assert!(
        at.windows(2).all(|w| w[0] < w[1]),
        "in the order of reading-list"
    );

    let doc = ann.get("/reading/CS-001").await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
    doc.shows("<h1><span class=\"doc-id\">CS-001</span> Handling a complaint</h1>");
    doc.shows("<h2>Steps</h2>");
    doc.shows("<li>Deal with the feeling first.</li>");
    doc.shows("(<a href=\"/reading/QC-001\">see QC-001</a>)");
    lacks(&doc, "+++");
    doc.shows("<form class=\"stack\" method=\"post\" action=\"/reading/CS-001\">");

    let wrong = confirm(&mut ann, "CS-001", "not-it").await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    wrong.shows("wrong password for ann; nothing was signed (the refusal is in the audit log)");
    assert_refused_in_audit(
        &ws,
        "ann",
        "CS-001 rev 1 read and understood",
        "wrong password",
    );

    let signed = confirm(&mut ann, "CS-001", PASSWORD).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/reading?confirmed=CS-001&rev=1");
    let list = ann.get(signed.location()).await;
    list.shows("You confirmed that you read and understood CS-001 rev 1.");
    list.shows("Ann Author: 1 of 3 documents");
    lacks(&list, "href=\"/reading/CS-001\"");
    let last = last_event(&ws);
    assert_eq!(
        (last["actor"].as_str(), last["action"].as_str()),
        (Some("ann"), Some("read and understood"))
    );
    let doc = ann.get("/reading/CS-001").await;
    doc.shows("You confirmed rev 1 on");
    lacks(&doc, "type=\"password\"");

    let checklist = ann.get("/reading/CL-002").await;
    checklist.shows("<pre class=\"file-text\">id &#x3D; &quot;CL-002&quot;");
    for id in ["CL-002", "QC-002"] {
        let signed = confirm(&mut ann, id, PASSWORD).await;
        assert_eq!(signed.location(), format!("/reading?confirmed={id}&rev=1"));
    }
    ann.get("/reading")
        .await
        .shows("Nothing to read: you have read and understood everything your roles need.");
    let cli = json(&ws, &["reading-list", "--as", "ann", "--json"]);
    assert_eq!(cli["to_read"], serde_json::json!([]));
}

#[tokio::test]
async fn an_outdated_document_shows_what_changed_since_it_was_read() {
    let ws = workspace();
    ws.ok(&["ack", "CS-001", "--as", "ann"]);
    ws.edit(
        "manual/service/complaints.md",
        "1. Deal with the feeling first.",
        "1. Deal with the feeling first.\n1. Write it down <now>.",
    );
    ws.ok(&[
        "release",
        "CS-001",
        "--summary",
        "Write it down",
        "--as",
        "dan",
    ]);
    ws.ok(&["approve", "CS-001", "--as", "bob"]);
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    let list = ann.get("/reading").await;
    list.shows("<span class=\"badge state-outdated\">changed</span>");
    list.shows("Changed in rev 2 (in force since");
    list.shows("Write it down. You read rev 1 on");
    list.shows("<summary>What changed since rev 1 (lines added: 1, removed: 0)</summary>");
    list.shows("<ins class=\"line\"><span class=\"mark\" aria-hidden=\"true\">+</span>1. Write it down &lt;now&gt;.</ins>");
    let doc = ann.get("/reading/CS-001").await;
    doc.shows("You read rev 1 on");
    doc.shows("<details class=\"changes\" open>");
    doc.shows("Write it down &lt;now&gt;.");
    lacks(&doc, "<now>");
    let signed = confirm(&mut ann, "CS-001", PASSWORD).await;
    assert_eq!(signed.location(), "/reading?confirmed=CS-001&rev=2");
}

#[tokio::test]
async fn reading_refuses_a_document_not_for_the_readers_roles_a_forged_form_and_nobody() {
    let ws = workspace();
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    let doc = bob.get("/reading/CS-001").await;
    assert_eq!(doc.status, StatusCode::OK);
    doc.shows("Not for your roles: nothing to sign.");
    lacks(&doc, "type=\"password\"");
    let refused = bob
        .post(
            "/reading/CS-001",
            &[("csrf", &doc.csrf()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    refused.shows(
        "CS-001 is not for bob&#x27;s roles (inspector): it is for clerk; nothing was signed",
    );
    let forged = bob.post("/reading/QC-001", &[("password", PASSWORD)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    forged.shows("Form refused");
    let unknown = bob.get("/reading/QC-404").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    let mut nobody = Browser::new(app(&ws));
    for path in ["/reading", "/reading/QC-001"] {
        let page = nobody.get(path).await;
        assert_eq!(page.location(), format!("/signin?next={path}"));
    }
    let post = nobody
        .post("/reading/QC-001", &[("password", PASSWORD)])
        .await;
    assert_eq!(post.status, StatusCode::UNAUTHORIZED);
    let acks = json(&ws, &["training", "--json"]);
    assert!(
        acks["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["state"] == "missing"),
        "{acks}"
    );
}

#[tokio::test]
async fn the_training_matrix_and_its_csv_are_sopbook_trainings() {
    let ws = workspace();
    ws.ok(&["ack", "CS-001", "--as", "ann"]);
    ws.ok(&["ack", "QC-001", "--as", "bob"]);
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    bob.get("/manage")
        .await
        .shows("<a class=\"button\" href=\"/manage/training\">Training</a>");
    let page = bob.get("/manage/training").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cli = json(&ws, &["training", "--json"]);
    let rows = cli["rows"].as_array().unwrap();
    page.shows(&format!(
        "<h2 id=\"matrix\">Documents ({})</h2>",
        rows.len()
    ));
    for r in rows {
        let state = r["state"].as_str().unwrap();
        page.shows(&format!(
            "<tr class=\"state-{state}\"><td data-label=\"Person\" class=\"who\">{}</td><td data-label=\"Document\" class=\"what\">{}</td><td class=\"n\" data-label=\"Rev\">{}</td><td data-label=\"State\" class=\"state\"><span class=\"badge state-{state}\">{state}</span></td>",
            r["person"].as_str().unwrap(),
            r["doc_id"].as_str().unwrap(),
            r["revision"]
        ));
    }
    for c in cli["compliance"].as_array().unwrap() {
        page.shows(&format!(
            "<td class=\"n\" data-label=\"Current\">{}</td><td class=\"n\" data-label=\"Of\">{}</td>",
            c["current"], c["required"]
        ));
    }
    page.shows("<td class=\"n\" data-label=\"Share\">33.3% (behind)</td>");
    // Handlebars writes `=` in an attribute as `&#x3D;`; the browser reads it back.
    page.shows(
        "<a class=\"button\" href=\"/manage/training?format&#x3D;csv\" download>Download CSV</a>",
    );

    let csv = bob.get("/manage/training?format=csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.header(header::CONTENT_TYPE), "text/csv; charset=utf-8");
    assert_eq!(
        csv.header(header::CONTENT_DISPOSITION),
        "attachment; filename=\"training.csv\""
    );
    assert_eq!(csv.body, ws.ok(&["training", "--csv"]).stdout);

    for (query, args) in [
        ("person=ann", ["--person", "ann"]),
        ("role=inspector", ["--role", "inspector"]),
        ("document=QC-001", ["--document", "QC-001"]),
    ] {
        let page = bob.get(&format!("/manage/training?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}: {}", page.body);
        page.shows(&format!(
            "href=\"/manage/training?{}&amp;format&#x3D;csv\"",
            query.replace('=', "&#x3D;")
        ));
        let csv = bob
            .get(&format!("/manage/training?{query}&format=csv"))
            .await;
        let want = ws.ok(&["training", "--csv", args[0], args[1]]).stdout;
        assert_eq!(csv.body, want, "{query}");
    }
    let page = bob.get("/manage/training?person=ann&role=&document=").await;
    page.shows("<option value=\"ann\" selected>Ann Author (ann)</option>");
    let unknown = bob.get("/manage/training?person=zed").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    unknown.shows("<code>zed</code> is not a person in sopbook.toml");
}

#[tokio::test]
async fn the_training_matrix_is_for_the_roles_in_permissions_training() {
    let ws = workspace();
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    for path in ["/manage/training", "/manage/training?format=csv"] {
        let refused = ann.get(path).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        refused
            .shows("ann may not see everyone&#x27;s training records: it needs the role inspector");
        lacks(&refused, "PERSON,DOCUMENT");
    }
    let mut nobody = Browser::new(app(&ws));
    let page = nobody.get("/manage/training").await;
    assert_eq!(page.location(), "/signin?next=/manage/training");

    // The plant lets its clerks see it instead.
    let toml = ws.read("sopbook.toml");
    ws.write(
        "sopbook.toml",
        &format!("{toml}\n[permissions]\ntraining = [\"clerk\"]\n"),
    );
    let mut ann = Browser::signed_in(app(&ws), "ann").await;
    assert_eq!(ann.get("/manage/training").await.status, StatusCode::OK);
    let mut bob = Browser::signed_in(app(&ws), "bob").await;
    assert_eq!(
        bob.get("/manage/training").await.status,
        StatusCode::FORBIDDEN
    );
}
