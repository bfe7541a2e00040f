//! Translations through the real binary: `check` on a translation file,
//! `translations` as a manager reads it (and CI's exit code), `inspect`
//! in another language and the published books per language.

mod common;
#[path = "common/http.rs"]
mod http_support;

use common::{PASSWORD, Run, Ws, assert_inline, outcome, without_dates};
use snapbox::str;

const LANGUAGES: &str = "
[[language]]
code = \"en\"
name = \"English\"
source = true

[[language]]
code = \"nb\"
name = \"Norsk bokmål\"

[[language]]
code = \"he\"
name = \"עברית\"
";

const QC_001_NB: &str = "manual/quality/final-inspection.nb.md";
const CL_001_NB: &str = "checklists/final-inspection.nb.toml";

/// The `base` fixture in English, Norwegian and Hebrew, every document in
/// force; cay works in Norwegian and reads Hebrew, bob works in Hebrew.
fn multilingual() -> Ws {
    let ws = Ws::fixture("base");
    let config = ws.read("sopbook.toml");
    ws.write("sopbook.toml", &format!("{config}{LANGUAGES}"));
    ws.edit(
        "sopbook.toml",
        "name = \"Cay Checker\"",
        "name = \"Cay Checker\"\nlanguage = \"nb\"\nreads = [\"he\"]",
    );
    ws.edit(
        "sopbook.toml",
        "name = \"Bob Boss\"",
        "name = \"Bob Boss\"\nlanguage = \"he\"",
    );
    ws.release_all();
    ws
}

fn sop_nb(revision: i64) -> String {
    format!(
        "+++\ntranslates = \"QC-001\"\nrevision = {revision}\ntitle = \"Sluttkontroll\"\n+++\n\n## Steg\n\n1. Ta enheten av linjen.\n"
    )
}

const CL_NB: &str = "translates = \"CL-001\"
revision = 1
title = \"Sluttkontroll\"

[item.label]
prompt = \"Etikett på plass og lesbar\"
help = \"Les den på en armlengdes avstand.\"

[item.length]
prompt = \"Total lengde\"

[item.finish]
prompt = \"Overflate\"

[item.scratches]
prompt = \"Riper over 5 mm\"

[item.remarks]
prompt = \"Merknader\"
";

/// Releases a translation by ann and has cay (who reads it) approve it.
fn in_force(ws: &Ws, id: &str) {
    ws.ok(&["release", id, "--summary", "Translated", "--as", "ann"]);
    ws.ok(&["approve", id, "--as", "cay"]);
}

fn signed(ws: &Ws, args: &[&str]) -> Run {
    ws.run_env(args, &[("SOPBOOK_PASSWORD", PASSWORD)])
}

/// The station of `ws`, as `sopbook serve` answers.
fn station(ws: &Ws) -> axum::Router {
    let contexts = http_support::contexts(ws.path().to_path_buf());
    sopbook::http::router(sopbook::http::State::new(contexts, "bench-1", None))
}

/// `page` holds every one of `said`.
#[track_caller]
fn shows_all(page: &http_support::Page, said: &[&str]) {
    for s in said {
        page.shows(s);
    }
}

#[test]
fn check_names_an_item_the_source_does_not_have_and_one_left_untranslated() {
    let ws = multilingual();
    ws.write(CL_001_NB, &CL_NB.replace("[item.remarks]", "[item.remark]"));
    let run = ws.run(&["check"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 1
error: item `remarks` of CL-001 rev 1 is not translated
 --> checklists/final-inspection.nb.toml:1:14
  |
1 | translates = "CL-001"
  |              ^^^^^^^^ the items of this checklist
  |
  = help: add [item.remarks] with its prompt (and help) in `nb`

error: CL-001 rev 1 has no item `remark`
  --> checklists/final-inspection.nb.toml:18:7
   |
18 | [item.remark]
   |       ^^^^^^ not an item of the source
   |
   = help: the items are `label`, `length`, `finish`, `scratches`, `remarks`

Checked 3 SOPs, 2 checklists and 1 translation: 2 errors, 0 warnings.

"#]],
    );
    ws.write(CL_001_NB, &CL_NB.replace("revision = 1", "revision = 7"));
    ws.write(
        "manual/service/complaints.sv.md",
        &sop_nb(1).replace("QC-001", "CS-001"),
    );
    let run = ws.run(&["check"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 1
error: CL-001 has no revision 7
 --> checklists/final-inspection.nb.toml:2:12
  |
2 | revision = 7
  |            ^ not a recorded revision
  |
  = help: its latest revision is 1; `sopbook history CL-001` lists them

error: `sv` is not a language of sopbook.toml
 --> manual/service/complaints.sv.md:2:14
  |
2 | translates = "CS-001"
  |              ^^^^^^^^ a translation into `sv`, by its file name
  |
  = help: the file name ends with the language code; translations are into `nb`, `he`

Checked 3 SOPs, 2 checklists and 2 translations: 2 errors, 0 warnings.

"#]],
    );
}

#[test]
fn translations_shows_a_stale_one_with_what_changed_and_fails_on_stale_for_ci() {
    let ws = multilingual();
    ws.write(QC_001_NB, &sop_nb(1));
    in_force(&ws, "QC-001.nb");
    let run = ws.run(&["translations", "--lang", "nb", "--fail-on-stale"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A minor revision keeps it current; a substantive one makes it stale.
    ws.edit(
        "manual/quality/final-inspection.md",
        "the line.",
        "the line carefully.",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Wording",
        "--minor",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
    let run = ws.run(&["translations", "--lang", "nb", "--fail-on-stale"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps\n",
        "## Steps\n\n0. Put on safety glasses.\n",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Safety glasses first",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
    let run = ws.run(&["translations", "--lang", "nb", "--fail-on-stale"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_inline(
        &without_dates(&run.stdout),
        str![[r#"
LANGUAGE  NAME          CURRENT  STALE  DRAFT  MISSING
nb        Norsk bokmål        0      1      0        4

LANGUAGE  ID      TITLE                      STATE    SOURCE REV  TRANSLATES REV  STALE SINCE
nb        CL-001  Final inspection           missing  1           –               –
nb        CL-002  Complaint review           missing  1           –               –
nb        CS-001  Handling a complaint       missing  1           –               –
nb        QC-001  Final inspection           stale    3           1               3
nb        QC-002  Handling a nonconformance  missing  1           –               –

QC-001.nb follows QC-001 revision 1; revision 3 is in force:
  rev 2 effective [DATE] (minor): Wording
  rev 3 effective [DATE]: Safety glasses first

--- QC-001 rev 1
+++ QC-001 rev 3
@@ -12,6 +12,8 @@
 
 ## Steps
 
-1. Take the unit off the line.
+0. Put on safety glasses.
+
+1. Take the unit off the line carefully.
 2. Work through the [final inspection form](checklist:CL-001).
 3. Quarantine a failed unit as in [nonconformance](sop:QC-002).

"#]],
    );
    let json = ws.run(&["translations", "--json"]);
    let view: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let he = &view["languages"][1];
    assert_eq!(
        (he["code"].as_str(), he["missing"].as_u64()),
        (Some("he"), Some(5))
    );
    let csv = ws.run(&["translations", "--csv", "--lang", "nb"]);
    assert!(
        csv.stdout
            .contains("nb,QC-001,Final inspection,stale,3,1,3"),
        "{}",
        csv.stdout
    );
    // Translated again from revision 3: current.
    ws.write(QC_001_NB, &sop_nb(3));
    in_force(&ws, "QC-001.nb");
    let run = ws.run(&["translations", "--lang", "nb", "--fail-on-stale"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn a_translation_is_approved_only_by_someone_who_reads_its_language() {
    let ws = multilingual();
    ws.write(QC_001_NB, &sop_nb(1));
    ws.ok(&[
        "release",
        "QC-001.nb",
        "--summary",
        "Translated",
        "--as",
        "ann",
    ]);
    let run = signed(&ws, &["approve", "QC-001.nb", "--as", "bob"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 1
error: bob may not approve QC-001.nb rev 1: an approver of a translation reads its language, `nb`; nothing was signed (the refusal is in the audit log)

help: ask an approver who reads `nb`; a person reads their `language` and those in `reads` in sopbook.toml

"#]],
    );
}

#[test]
fn an_inspection_shows_the_form_in_the_inspectors_language() {
    let ws = multilingual();
    ws.write(CL_001_NB, CL_NB);
    in_force(&ws, "CL-001.nb");
    let set = [
        "--set",
        "label=pass",
        "--set",
        "length=120.1",
        "--set",
        "finish=good",
        "--set",
        "scratches=0",
        "--set",
        "remarks=ok",
    ];
    // cay works in Norwegian.
    let mut args = vec!["inspect", "CL-001", "--lot", "L1", "--as", "cay"];
    args.extend(set);
    let run = signed(&ws, &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("CL-001 Sluttkontroll"),
        "{}",
        run.stderr
    );
    // Asked for English, the same checklist as written.
    let mut args = vec![
        "inspect", "CL-001", "--lot", "L2", "--as", "cay", "--lang", "en",
    ];
    args.extend(set);
    let run = signed(&ws, &args);
    assert!(
        run.stderr.contains("CL-001 Final inspection\n"),
        "{}",
        run.stderr
    );
    // Hebrew, bob's language, has no translation in force: as written,
    // with a note in Hebrew, and sopbook's own words in Hebrew.
    let mut args = vec!["inspect", "CL-001", "--lot", "L3", "--as", "bob"];
    args.extend(set);
    let run = signed(&ws, &args);
    assert!(
        run.stderr
            .contains("הערה: ל-CL-001 אין עדיין תרגום לעברית בתוקף; הרשימה מוצגת כפי שנכתבה"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("CL-001 Final inspection\n") && run.stderr.contains(": תקין"),
        "{}",
        run.stderr
    );
    // Standard output stays what a script reads, in any language.
    assert!(run.stdout.ends_with(" PASS\n"), "{}", run.stdout);
    let list = ws.run(&["inspections", "list", "--json"]);
    let rows: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    let revisions: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["checklist"].clone(),
                r["revision"].clone(),
                r["verdict"].clone(),
            )
        })
        .collect();
    assert_eq!(revisions.len(), 3);
    assert!(revisions.windows(2).all(|w| w[0] == w[1]), "{revisions:?}");
    let run = ws.run(&[
        "inspect", "CL-001", "--lot", "L4", "--as", "bob", "--lang", "xx",
    ]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 2
error: `xx` is not a language of sopbook.toml

help: the languages are en, nb, he

"#]],
    );
}

#[test]
fn each_language_is_a_book_with_a_switcher_its_direction_and_notes() {
    let ws = multilingual();
    ws.write(QC_001_NB, &sop_nb(1));
    in_force(&ws, "QC-001.nb");
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps\n",
        "## Steps\n\n0. Put on safety glasses.\n",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Safety <glasses> first",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
    let run = ws.run(&["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("In `he`: [ROOT]/book/he/index.html"),
        "{}",
        run.stderr
    );
    let en = ws.read("book/quality/final-inspection.html");
    let nb = ws.read("book/nb/quality/final-inspection.html");
    let he = ws.read("book/he/quality/final-inspection.html");
    assert!(en.contains("<html lang=\"en\" class=\"light sidebar-visible\" dir=\"ltr\">"));
    assert!(he.contains("<html lang=\"he\" class=\"light sidebar-visible\" dir=\"rtl\">"));
    assert!(nb.contains("<html lang=\"nb\""));
    // The switcher leads to the same page in the other languages.
    assert!(
        en.contains("<a href=\"../nb/quality/final-inspection.html\" lang=\"nb\" hreflang=\"nb\" dir=\"ltr\">Norsk bokmål</a>"),
        "{en}"
    );
    assert!(
        he.contains("<a href=\"../../quality/final-inspection.html\" lang=\"en\" hreflang=\"en\" dir=\"ltr\">English</a>"),
        "{he}"
    );
    assert!(he.contains("<strong lang=\"he\" dir=\"rtl\" aria-current=\"page\">עברית</strong>"));
    // The stale Norwegian page: its translation, with the banner in Norwegian.
    assert!(nb.contains("Sluttkontroll"), "{nb}");
    assert!(
        nb.contains("Denne oversettelsen følger revisjon 1 av QC-001. Revisjon 2 har endret den siden: Safety &lt;glasses&gt; first. Det som gjelder, er <a href=\"../../quality/final-inspection.html\">siden slik den gjelder nå</a>."),
        "{nb}"
    );
    // Its control block in Norwegian, naming both revisions.
    assert!(
        nb.contains("<dt>Revisjon</dt>\n<dd>2 · Oversettelsen følger revisjon 1</dd>"),
        "{nb}"
    );
    assert!(nb.contains("<dt>Gjelder fra</dt>"), "{nb}");
    assert!(!en.contains("Translation follows"), "{en}");
    // No Hebrew translation: the page as written, with a note in Hebrew.
    assert!(he.contains("דף זה עדיין לא תורגם."), "{he}");
    assert!(he.contains("Put on safety glasses"), "{he}");
    assert!(he.contains("<dt>גרסה</dt>\n<dd>2</dd>"), "{he}");
    // The source language's pages carry no note.
    assert!(!en.contains("sopbook-translation\">"), "{en}");
    // An edition's own pages and the sidebar speak its language; the
    // source language's are as they were.
    let home = |path: &str| ws.read(path);
    let (en_home, nb_home, he_home) = (
        home("book/index.html"),
        home("book/nb/index.html"),
        home("book/he/index.html"),
    );
    assert!(en_home.contains("How to use this manual"), "{en_home}");
    assert!(nb_home.contains("Slik bruker du håndboken"), "{nb_home}");
    assert!(he_home.contains("איך להשתמש במדריך"), "{he_home}");
    let toc = |dir: &str| {
        let book = ws.path().join(dir);
        let name = std::fs::read_dir(&book)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .find(|n| n.starts_with("toc-") && n.ends_with(".js"))
            .unwrap();
        std::fs::read_to_string(book.join(name)).unwrap()
    };
    assert!(toc("book/nb").contains("Lesestier"));
    assert!(toc("book/he").contains("מסלולי קריאה"));
    assert!(toc("book").contains("Reading paths"));
    let nb_form = ws.read("book/nb/checklists/final-inspection.html");
    assert!(nb_form.contains(">Skriv ut skjemaet</button>"), "{nb_form}");
}

#[test]
fn translations_without_languages_says_how_to_list_them() {
    let ws = Ws::fixture("base");
    let run = ws.run(&["translations"]);
    assert_inline(
        &outcome(&run),
        str![[r#"
exit: 2
error: sopbook.toml lists no languages, so there are no translations to follow

help: add [[language]] tables (code, name, direction; one with source = true)

"#]],
    );
}

#[test]
fn a_workspace_without_languages_publishes_one_book_as_before() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run(&["publish", "--keep-source", "src-kept"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("In `"), "{}", run.stderr);
    assert!(!ws.path().join("src-kept/1").exists());
    assert_inline(
        &ws.read("src-kept/0/book.toml"),
        str![[r#"
[book]
authors = ["Fixture Works"]
description = "A small workshop used by sopbook's tests."
src = "src"
title = "Fixture Manual"

[build]
create-missing = false
use-default-preprocessors = false

[output.html]
additional-css = ["sopbook.css"]
additional-js = ["sopbook.js", "search.js"]
no-section-label = true

[output.html.fold]
enable = true
level = 1

[output.html.print]
enable = true

[output.html.search]
enable = true

"#]],
    );
    let css = ws.read("src-kept/0/sopbook.css");
    assert!(!css.contains("sopbook-languages"));
    let page = ws.read("src-kept/0/src/quality/final-inspection.md");
    assert!(!page.contains("sopbook-languages"), "{page}");
    assert!(!page.contains("sopbook-translation"), "{page}");
}

const CL_HE: &str = "translates = \"CL-001\"
revision = 1
title = \"בדיקה סופית\"

[item.label]
prompt = \"התווית במקומה וקריאה\"
help = \"קראו אותה ממרחק זרוע.\"

[item.length]
prompt = \"אורך כולל\"

[item.finish]
prompt = \"גימור\"

[item.scratches]
prompt = \"שריטות מעל 5 מ״מ\"

[item.remarks]
prompt = \"הערות\"
";

#[tokio::test]
async fn the_station_shows_the_form_in_the_inspectors_language_and_records_the_same() {
    use axum::http::StatusCode;
    use http_support::Browser;
    let ws = multilingual();
    ws.write("checklists/final-inspection.he.toml", CL_HE);
    ws.ok(&[
        "release",
        "CL-001.he",
        "--summary",
        "Translated",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "CL-001.he", "--as", "cay"]);
    let app = station(&ws);
    // bob works in Hebrew: the start page offers the languages, his chosen.
    let mut bob = Browser::signed_in(app, "bob").await;
    let start = bob.get("/inspect/CL-001").await;
    assert_eq!(start.status, StatusCode::OK, "{}", start.body);
    assert!(
        start
            .body
            .contains("<option value=\"he\" lang=\"he\" selected>עברית</option>"),
        "{}",
        start.body
    );
    // The step before the form speaks the language it opens in.
    shows_all(
        &start,
        &[
            "<label for=\"lot\">אצווה</label>",
            "<label for=\"lang\">שפת הטופס</label>",
            ">התחלה</button>",
        ],
    );
    let csrf = start.csrf();
    let form = bob
        .post(
            "/inspect/CL-001",
            &[
                ("csrf", &csrf),
                ("revision", "1"),
                ("lot", "L-HE"),
                ("lang", "he"),
            ],
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body
            .contains("<form class=\"sheet\" lang=\"he\" dir=\"rtl\""),
        "{}",
        form.body
    );
    assert!(form.body.contains("התווית במקומה וקריאה"), "{}", form.body);
    assert!(form.body.contains("קראו אותה ממרחק זרוע."), "{}", form.body);
    // The form's own words too.
    assert!(form.body.contains("<span>תקין</span>"), "{}", form.body);
    assert!(
        form.body.contains("<summary>איך בודקים</summary>"),
        "{}",
        form.body
    );
    assert!(
        form.body
            .contains("<input type=\"hidden\" name=\"lang\" value=\"he\">"),
        "the language goes with the form: {}",
        form.body
    );
    let key = form.field("key");
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("revision", "1".to_string()),
        ("lot", "L-HE".to_string()),
        ("lang", "he".to_string()),
        ("key", key),
    ];
    for (item, value) in [
        ("label", "pass"),
        ("length", "120.1"),
        ("finish", "good"),
        ("scratches", "0"),
        ("remarks", "ok"),
    ] {
        fields.push((
            Box::leak(format!("v:{item}").into_boxed_str()),
            value.to_string(),
        ));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // A length that is not a number: the form again, what is wrong said
    // in Hebrew.
    let with_length = |length: &'static str| {
        let mut f = fields.clone();
        for field in &mut f {
            if field.0 == "v:length" {
                field.1 = length;
            }
        }
        f
    };
    let again = bob
        .post("/inspect/CL-001/review", &with_length("12l"))
        .await;
    assert!(
        again
            .body
            .contains("1 סעיף דורש בדיקה</strong>; עדיין לא נרשם דבר:"),
        "{}",
        again.body
    );
    assert!(
        again
            .body
            .contains("<code>length</code> הוא מדידה ב-mm: <code>12l</code> אינו מספר"),
        "{}",
        again.body
    );
    // Out of its limits: judged in Hebrew, the verdict in Hebrew.
    let out = bob
        .post("/inspect/CL-001/review", &with_length("121"))
        .await;
    assert!(
        out.body
            .contains("מחוץ למפרט: 0.5 mm מעל הגבול העליון 120.5"),
        "{}",
        out.body
    );
    assert!(
        out.body
            .contains("<strong>פסול</strong> 1 סעיף נכשל. הרישום יפתח דוח אי-התאמה."),
        "{}",
        out.body
    );
    let review = bob.post("/inspect/CL-001/review", &fields).await;
    assert_eq!(review.status, StatusCode::OK, "{}", review.body);
    assert!(review.body.contains("dir=\"rtl\""), "{}", review.body);
    assert!(
        review
            .body
            .contains("<strong>תקין</strong> כל הסעיפים תקינים."),
        "{}",
        review.body
    );
    // The page's script gets its words in Hebrew too.
    assert!(
        review
            .body
            .contains("data-words=\"{&quot;in_spec&quot;:&quot;בתחום המפרט&quot;"),
        "{}",
        review.body
    );
    assert!(
        review.body.contains(">אישור ורישום</button>"),
        "{}",
        review.body
    );
    let done = bob.post("/inspect/CL-001/record", &fields).await;
    assert!(
        done.status == StatusCode::SEE_OTHER || done.status == StatusCode::OK,
        "{}: {}",
        done.status,
        done.body
    );
    // The record is the source's, whatever the language of the form.
    let list = ws
        .ok(&["inspections", "list", "--lot", "L-HE", "--json"])
        .stdout;
    // After recording, the inspection's page and the list of checklists
    // are in bob's language too.
    let rows: serde_json::Value = serde_json::from_str(&list).unwrap();
    let name = format!("INS-{:06}", rows[0]["id"].as_i64().unwrap());
    let page = bob.get(&format!("/inspections/{name}?recorded=new")).await;
    shows_all(
        &page,
        &[
            "<p class=\"done\" role=\"status\"",
            ">נרשם.</p>",
            "<strong>תקין</strong>",
            "<dt>אצווה</dt><dd>L-HE</dd>",
            ">בדיקת היחידה הבאה</a>",
            ">יציאה</button>",
        ],
    );
    let home = bob.get("/").await;
    assert!(home.body.contains("<h1>רשימות תיוג</h1>"), "{}", home.body);
    assert!(
        home.body.contains("<header class=\"bar\" lang=\"he\">"),
        "{}",
        home.body
    );
    assert!(list.contains("\"verdict\": \"pass\""), "{list}");
    assert!(list.contains("\"inspector\": \"bob\""), "{list}");
}

#[tokio::test]
async fn a_reader_reads_their_reading_list_and_a_current_translation_in_their_language() {
    use axum::http::StatusCode;
    use http_support::Browser;
    let ws = multilingual();
    ws.write(QC_001_NB, &sop_nb(1));
    in_force(&ws, "QC-001.nb");
    let app = station(&ws);
    // cay works in Norwegian.
    let mut cay = Browser::signed_in(app, "cay").await;
    let list = cay.get("/reading").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    shows_all(
        &list,
        &[
            "<div class=\"reading\" lang=\"nb\" dir=\"ltr\">",
            "<h1>Din leseliste</h1>",
            "Cay Checker: 0 av 3 dokumenter lest og forstått i revisjonen som gjelder.",
            // The translated title; the one without a translation in English, marked so.
            "<p class=\"card-title\">Sluttkontroll</p>",
            "<p class=\"card-title\" lang=\"en\" dir=\"ltr\">Handling a nonconformance</p>",
            ">Les og bekreft QC-001</a>",
        ],
    );
    // The document: the translation's text, marked as Norwegian, and the
    // way to the original.
    let doc = cay.get("/reading/QC-001").await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.body);
    shows_all(
        &doc,
        &[
            "<span class=\"doc-id\">QC-001</span> Sluttkontroll</h1>",
            "Oversettelsen til Norsk bokmål av rev. 1. <a href=\"/reading/QC-001?original=1\">Les originalen</a>",
            "<article class=\"doc-text\" lang=\"nb\" dir=\"ltr\">",
            "Ta enheten av linjen.",
            "<h2>Lest og forstått</h2>",
            "Du bekrefter at du har lest og forstått QC-001 rev. 1.",
            ">Signer: lest og forstått</button>",
        ],
    );
    assert!(!doc.body.contains("Take the unit"), "{}", doc.body);
    let original = cay.get("/reading/QC-001?original=1").await;
    shows_all(
        &original,
        &[
            "<article class=\"doc-text\" lang=\"en\" dir=\"ltr\">",
            "<a href=\"/reading/QC-001\" lang=\"nb\" dir=\"ltr\">Les den på Norsk bokmål</a>",
        ],
    );
    assert!(!original.body.contains("Ta enheten"), "{}", original.body);
    // No translation: the original, and why.
    let other = cay.get("/reading/QC-002").await;
    assert!(
        other.body.contains(
            "QC-002 har ingen gjeldende oversettelse til Norsk bokmål, så dette er originalen."
        ),
        "{}",
        other.body
    );
    // Signing a reading of the translation signs the source's revision.
    let csrf = doc.csrf();
    let signed = cay
        .post(
            "/reading/QC-001",
            &[("csrf", &csrf), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let list = cay.get(signed.location()).await;
    assert!(
        list.body
            .contains("Du bekreftet at du har lest og forstått QC-001 rev. 1."),
        "{}",
        list.body
    );

    // A substantive revision: the translation is stale and not given to read.
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps\n",
        "## Steps\n\n0. Put on safety glasses.\n",
    );
    ws.ok(&[
        "release",
        "QC-001",
        "--summary",
        "Safety glasses first",
        "--as",
        "ann",
    ]);
    ws.ok(&["approve", "QC-001", "--as", "bob"]);
    ws.ok(&["approve", "QC-001", "--as", "cay"]);
    let stale = cay.get("/reading/QC-001").await;
    shows_all(
        &stale,
        &[
            "Oversettelsen til Norsk bokmål følger rev. 1; rev. 2 har endret prosedyren siden, så dette er originalen.",
            "Put on safety glasses.",
            "Du leste rev. 1",
        ],
    );
    assert!(!stale.body.contains("Ta enheten"), "{}", stale.body);
}

#[tokio::test]
async fn the_sign_in_page_speaks_the_language_the_browser_prefers() {
    use axum::body::Body;
    use axum::http::{Request, StatusCode, header};
    use http_support::Browser;
    let ws = multilingual();
    let app = station(&ws);
    let mut b = Browser::new(app);
    let get = |path: &str, accept: &str| {
        Request::get(path)
            .header(header::ACCEPT_LANGUAGE, accept)
            .body(Body::empty())
            .unwrap()
    };
    let form = b.send(get("/signin", "he-IL,he;q=0.9,en;q=0.8")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    shows_all(
        &form,
        &[
            "<title>כניסה · sopbook</title>",
            "<div class=\"signin\" lang=\"he\" dir=\"rtl\">",
            "<label for=\"person\">מזהה המשתמש שלכם</label>",
            "<label for=\"password\">סיסמת חתימה</label>",
            "<button type=\"submit\" class=\"primary\">כניסה</button>",
            "הכניסה כאן נשמרת למשך משמרת (<bdi>12</bdi> שעות) או עד שתצאו.",
        ],
    );
    // Norwegian, and what an empty id is told in it.
    let form = b.send(get("/signin", "nb-NO,nb;q=0.9")).await;
    form.shows("<h1>Logg inn</h1>");
    let csrf = form.csrf();
    let body = format!("csrf={csrf}&next=%2F&person=&password=x");
    let request = Request::post("/signin")
        .header(header::ACCEPT_LANGUAGE, "nb")
        .header(header::COOKIE, b.cookie_header())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let refused = b.send(request).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    refused.shows("Skriv inn ID-en din, slik den står i sopbook.toml (for eksempel yosef).");
    // A language sopbook has no words of, or none asked for: English.
    for accept in ["de-DE,de;q=0.9", ""] {
        let form = b.send(get("/signin", accept)).await;
        form.shows("<h1>Sign in</h1>");
        form.shows("<div class=\"signin\">");
    }
}

#[test]
fn russian_and_chinese_editions_and_the_terminal_speak_their_languages() {
    let ws = multilingual();
    let config = ws.read("sopbook.toml");
    ws.write(
        "sopbook.toml",
        &format!(
            "{config}\n[[language]]\ncode = \"ru\"\nname = \"Русский\"\n\n[[language]]\ncode = \"zh\"\nname = \"中文\"\n"
        ),
    );
    let run = ws.run(&["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |p: &str| std::fs::read_to_string(ws.path().join("book").join(p)).unwrap();
    let ru = read("ru/index.html");
    assert!(ru.contains("<html lang=\"ru\""), "{ru}");
    assert!(ru.contains("Как пользоваться руководством"), "{ru}");
    let zh = read("zh/checklists/final-inspection.html");
    assert!(zh.contains("<html lang=\"zh\""), "{zh}");
    for said in ["本页尚未翻译", "检查项目", "合格 / 不合格"] {
        assert!(zh.contains(said), "{said}: {zh}");
    }
    // At the terminal, in Chinese around a checklist without a
    // translation; what a script reads is the same.
    let run = signed(
        &ws,
        &[
            "inspect",
            "CL-001",
            "--lot",
            "L-ZH",
            "--as",
            "cay",
            "--lang",
            "zh",
            "--set",
            "label=pass",
            "--set",
            "length=120.1",
            "--set",
            "finish=good",
            "--set",
            "scratches=0",
            "--set",
            "remarks=ok",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("尚无生效的"), "{}", run.stderr);
    assert!(run.stdout.ends_with(" PASS\n"), "{}", run.stdout);
}

#[tokio::test]
async fn a_manager_who_works_in_hebrew_reads_the_managers_pages_in_hebrew() {
    use axum::http::StatusCode;
    use http_support::Browser;
    let ws = multilingual();
    // A failed unit: a nonconformance to look at.
    let run = signed(
        &ws,
        &[
            "inspect",
            "CL-001",
            "--lot",
            "L-9",
            "--as",
            "cay",
            "--lang",
            "en",
            "--set",
            "label=fail",
            "--set",
            "length=120.1",
            "--set",
            "finish=good",
            "--set",
            "scratches=0",
            "--set",
            "remarks=scratched",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    // A revision in review.
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps\n",
        "## Steps\n\n0. Put on safety glasses.\n",
    );
    ws.ok(&["release", "QC-001", "--summary", "Glasses", "--as", "ann"]);
    let app = station(&ws);
    // bob works in Hebrew.
    let mut bob = Browser::signed_in(app, "bob").await;
    let manage = bob.get("/manage").await;
    assert_eq!(manage.status, StatusCode::OK, "{}", manage.body);
    shows_all(
        &manage,
        &[
            "<div class=\"manage-page\" lang=\"he\" dir=\"rtl\">",
            "<h1>ניהול</h1>",
            "<h2 id=\"open\"><span>דוחות אי-התאמה פתוחים (<bdi>1</bdi>)</span></h2>",
            "<td data-label=\"השלב הבא\">החלטה על המוצר</td>",
            ">מסמכים לאישור</a>",
        ],
    );
    let nc = bob.get("/nc/NC-0001").await;
    assert_eq!(nc.status, StatusCode::OK, "{}", nc.body);
    shows_all(
        &nc,
        &[
            "<strong>פתוח</strong> הבא: החלטה על המוצר",
            "<dt>נכשל</dt>",
            "<h2>שלבים</h2>",
        ],
    );
    let documents = bob.get("/documents").await;
    shows_all(
        &documents,
        &[
            "<h1><span>מסמכים לאישור (<bdi>1</bdi>)</span></h1>",
            "גרסאות והוצאות משימוש שממתינות לאישור, כפי ש-<code>sopbook status</code> מציג אותן.",
        ],
    );
    let document = bob.get("/documents/QC-001").await;
    assert_eq!(document.status, StatusCode::OK, "{}", document.body);
    for said in ["<h2>מה הוא משנה</h2>", "<dt>שינוי</dt>", "<dt>אישורים</dt>"]
    {
        assert!(document.body.contains(said), "{said}: {}", document.body);
    }
}
