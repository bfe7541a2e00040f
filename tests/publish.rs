//! `sopbook publish`, `init` and `new`: what ends up in the manual and on disk.

mod common;

use std::fs;
use std::path::Path;

use common::{Ws, assert_snapshot, run_in, without_dates};

#[test]
fn fixture_publishes_a_complete_book() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run(&["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        without_dates(&run.stderr),
        "Published the manual in force on [DATE]: 3 SOPs and 2 checklists (15 pages) to [ROOT]/book\nOpen [ROOT]/book/index.html\n"
    );
    let book = ws.path().join("book");
    for page in [
        "index.html",
        "print.html",
        "quality/index.html",
        "quality/final-inspection.html",
        "quality/nonconformance.html",
        "service/complaints.html",
        "checklists/index.html",
        "checklists/final-inspection.html",
        "checklists/complaint-review.html",
        "reading-paths/index.html",
        "reading-paths/inspector.html",
        "reading-paths/clerk.html",
        "by-role.html",
        "what-changed.html",
        "obsolete.html",
        ".sopbook-manual",
    ] {
        assert!(book.join(page).is_file(), "missing {page}");
    }
    let search = fs::read_dir(&book)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("searchindex") && n.ends_with(".js")
        });
    assert!(search, "no search index");
}

#[test]
fn links_between_documents_resolve() {
    let ws = Ws::fixture("base");
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let book = ws.path().join("book");
    let cs = fs::read_to_string(book.join("service/complaints.html")).unwrap();
    // The body link sop:QC-001 becomes a link to the page, and the page exists.
    assert!(
        cs.contains(r#"<a href="../quality/final-inspection.html">see QC-001</a>"#),
        "{cs}"
    );
    // Related in both directions: QC-001 lists QC-002, so QC-002 shows QC-001.
    let nc = fs::read_to_string(book.join("quality/nonconformance.html")).unwrap();
    assert!(nc.contains(r#"<a href="../quality/final-inspection.html">QC-001 Final inspection</a> (refers to this procedure)"#));
    // Every relative link in every page points at a file that exists.
    check_links(&book);
}

/// Follows every relative href in the book's HTML pages.
fn check_links(book: &Path) {
    let re = regex::Regex::new(r##"href="([^"#:]+\.html)(#[^"]*)?""##).unwrap();
    let mut checked = 0;
    for entry in walk(book) {
        if entry.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let text = fs::read_to_string(&entry).unwrap();
        for cap in re.captures_iter(&text) {
            let target = entry.parent().unwrap().join(&cap[1]);
            assert!(
                target.exists(),
                "{} links to missing {}",
                entry.display(),
                &cap[1]
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "only {checked} links checked");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p))
        } else {
            out.push(p)
        }
    }
    out
}

#[test]
fn sop_and_checklist_pages_snapshot() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run(&["publish", "--keep-source", "src-kept"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let src = ws.path().join("src-kept/0/src");
    let page = |p: &str| without_dates(&fs::read_to_string(src.join(p)).unwrap());
    assert_snapshot("publish/sop-page.md", &page("quality/final-inspection.md"));
    assert_snapshot(
        "publish/checklist-page.md",
        &page("checklists/final-inspection.md"),
    );
    assert_snapshot(
        "publish/SUMMARY.md",
        &fs::read_to_string(src.join("SUMMARY.md")).unwrap(),
    );
    assert_snapshot(
        "publish/reading-path.md",
        &fs::read_to_string(src.join("reading-paths/clerk.md")).unwrap(),
    );
}

/// The text of an HTML page without its tags, whitespace collapsed: what a
/// reader sees, roughly.
fn visible_text(html: &str) -> String {
    let body = html.split("<main>").nth(1).unwrap_or(html);
    let body = body.split("</main>").next().unwrap_or(body);
    let no_style = regex::Regex::new(r"(?s)<style>.*?</style>")
        .unwrap()
        .replace_all(body, "");
    let text = regex::Regex::new(r"<[^>]*>")
        .unwrap()
        .replace_all(&no_style, " ");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A notice template (the workspace's own) that ends right after its HTML:
/// the Markdown after it on every page is still rendered, not shown as typed.
#[test]
fn markdown_after_a_notice_without_a_blank_line_is_rendered() {
    let ws = Ws::fixture("base");
    ws.write(
        "templates/notice.md.hbs",
        "{{#if drafts}}<div class=\"sopbook-notice\">Preview, not approved.</div>{{/if}}\n",
    );
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = ws.path().join("book");
    let home = fs::read_to_string(book.join("index.html")).unwrap();
    assert!(home.contains("Preview, not approved."), "{home}");
    assert!(home.contains("<strong>Fixture Works</strong>"), "{home}");
    for page in walk(&book) {
        if page.extension().is_none_or(|e| e != "html") || page.ends_with("print.html") {
            continue;
        }
        let text = visible_text(&fs::read_to_string(&page).unwrap());
        assert!(
            !text.contains("**") && !text.contains("## "),
            "{} shows Markdown as typed: {text}",
            page.display()
        );
    }
}

/// One name for the procedures a new colleague reads first, on every page
/// of the manual; the overview shows each procedure's title beside its id.
#[test]
fn reading_paths_have_one_name_and_show_titles() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run(&["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = ws.path().join("book");
    for page in walk(&book) {
        if page.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = fs::read_to_string(&page).unwrap();
        assert!(
            !html.to_lowercase().contains("onboarding"),
            "{} still says onboarding",
            page.display()
        );
    }
    let overview =
        visible_text(&fs::read_to_string(book.join("reading-paths/index.html")).unwrap());
    assert!(
        overview.starts_with("Fixture Manual Reading paths Welcome to Fixture Works."),
        "{overview}"
    );
    assert!(
        overview.contains(
            "Inspector Checks every unit. QC-001 Final inspection (about 1 min) QC-002 Handling a nonconformance (about 1 min) About 2 minutes in all."
        ),
        "{overview}"
    );
    assert!(
        overview
            .contains("Service clerk CS-001 Handling a complaint (about 1 min) QC-002 Handling a nonconformance (about 1 min) About 2 minutes in all."),
        "{overview}"
    );
    let toc = fs::read_to_string(book.join("toc.html")).unwrap();
    assert!(toc.contains(">Reading paths</a>"), "{toc}");
    let home = visible_text(&fs::read_to_string(book.join("index.html")).unwrap());
    assert!(
        home.contains("Reading paths The procedures a new colleague reads first, role by role ( all on one page ): Inspector : 2 procedures to read. Checks every unit."),
        "{home}"
    );
}

/// The by-role index lists the checklists each role fills in: a checklist's
/// own `inspectors`, else the roles its procedure applies to.
#[test]
fn by_role_lists_the_checklists_each_role_fills_in() {
    let ws = Ws::fixture("base");
    let by_role = |ws: &Ws| {
        let run = ws.run(&["publish", "--drafts"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        visible_text(&ws.read("book/by-role.html"))
    };
    let text = by_role(&ws);
    assert!(
        text.contains("Inspector Procedures QC-001 Final inspection (owner) QC-002 Handling a nonconformance (owner) Checklists to fill in CL-001 Final inspection Service clerk"),
        "{text}"
    );
    assert!(
        text.ends_with("Service clerk Procedures CS-001 Handling a complaint (owner) QC-002 Handling a nonconformance Checklists to fill in CL-002 Complaint review"),
        "{text}"
    );
    ws.edit(
        "checklists/final-inspection.toml",
        "applies_to = ",
        "inspectors = [\"clerk\"]\napplies_to = ",
    );
    let text = by_role(&ws);
    assert!(
        text.contains("Inspector Procedures QC-001 Final inspection (owner) QC-002 Handling a nonconformance (owner) Checklists to fill in This role fills in no checklist."),
        "{text}"
    );
    assert!(
        text.ends_with("Checklists to fill in CL-001 Final inspection CL-002 Complaint review"),
        "{text}"
    );
    let form = visible_text(&ws.read("book/checklists/final-inspection.html"));
    assert!(form.contains("Filled in by Service clerk"), "{form}");
}

/// A checklist's page has its own print button, and its printed pages carry
/// the form's id, revision, effective date, lot and serial blanks and page
/// numbers (how they look on paper: tests/browser.rs).
#[test]
fn a_checklist_prints_as_its_own_form() {
    let ws = Ws::fixture("base");
    ws.release_all();
    let run = ws.run(&["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = without_dates(&ws.read("book/checklists/final-inspection.html"));
    assert!(
        page.contains(r#"<button type="button" class="sopbook-print-form" title="Prints this form alone, with its id, revision and page numbers on every page">Print this form</button>"#),
        "{page}"
    );
    for rule in [
        "@page sopbook-CL-001 {",
        r#"@top-left { content: "CL-001 Final inspection"; "#,
        r#"@top-right { content: "Revision 1, effective [DATE]"; "#,
        r#"@bottom-left { content: "Lot ________________   Serial ________________"; "#,
        r#"@bottom-right { content: "Page " counter(page) " of " counter(pages); "#,
        ".sopbook-sheet-CL-001 { page: sopbook-CL-001; }",
        r#"<div class="sopbook-sheet sopbook-sheet-CL-001">"#,
    ] {
        assert!(page.contains(rule), "no `{rule}` in {page}");
    }
    // The button's script, loaded by the page (mdBook names it by its hash).
    let script = regex::Regex::new(r#"<script src="\.\./(sopbook-[0-9a-f]+\.js)""#)
        .unwrap()
        .captures(&page)
        .map(|c| c[1].to_string())
        .expect("the page does not load sopbook's script");
    assert!(
        ws.read(&format!("book/{script}"))
            .contains("window.print()")
    );
    // A draft says so on paper too.
    ws.edit(
        "checklists/final-inspection.toml",
        r#"title = "Final inspection""#,
        r#"title = "Final inspection, new""#,
    );
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let page = ws.read("book/checklists/final-inspection.html");
    assert!(
        page.contains(r#"@top-right { content: "DRAFT, not approved (revision 1 is in force)"; "#),
        "{page}"
    );
}

#[test]
fn refuses_a_workspace_with_errors_and_keeps_the_old_book() {
    let ws = Ws::fixture("base");
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let before = fs::read_to_string(ws.path().join("book/index.html")).unwrap();
    ws.edit(
        "manual/quality/final-inspection.md",
        "owner = \"inspector\"",
        "owner = \"ghost\"",
    );
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 1);
    assert_snapshot("publish/refused", &run.stderr);
    assert_eq!(
        fs::read_to_string(ws.path().join("book/index.html")).unwrap(),
        before
    );
    // The released manual does not depend on working files, so it still
    // publishes; a broken sopbook.toml stops it too.
    assert_eq!(ws.run(&["publish"]).code, 0);
    ws.edit("sopbook.toml", "[manual]", "[manual]\ncolour = 1");
    assert_eq!(ws.run(&["publish"]).code, 1);
}

#[test]
fn refuses_to_publish_into_sources() {
    let ws = Ws::fixture("base");
    let run = ws.run(&["publish", "--out", "manual/quality/book"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: refusing to publish into `manual/quality/book`: it is inside the workspace's manual/ folder, which holds your sources\n\nhelp: publish to a folder of its own, such as `--out book`\n"
    );
    let run = ws.run(&["publish", "--out", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("the workspace itself is inside it"),
        "{}",
        run.stderr
    );
    assert!(!ws.path().join("manual/quality/book").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_make() {
    let ws = Ws::fixture("base");
    ws.write("notes/todo.txt", "keep me");
    let run = ws.run(&["publish", "--out", "notes"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("it is not empty and was not made by sopbook"),
        "{}",
        run.stderr
    );
    assert_eq!(ws.read("notes/todo.txt"), "keep me");
    ws.write("afile", "x");
    let run = ws.run(&["publish", "--out", "afile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is a file; --out takes a folder"),
        "{}",
        run.stderr
    );
}

#[test]
fn republishing_replaces_the_book() {
    let ws = Ws::fixture("base");
    assert_eq!(ws.run(&["publish", "--drafts", "--out", "site"]).code, 0);
    ws.edit(
        "manual/quality/final-inspection.md",
        "title = \"Final inspection\"",
        "title = \"Final inspection, revised\"",
    );
    assert_eq!(ws.run(&["publish", "--drafts", "--out", "site"]).code, 0);
    let page = fs::read_to_string(ws.path().join("site/quality/final-inspection.html")).unwrap();
    assert!(page.contains("QC-001 Final inspection, revised"));
    // No temporary folders left behind.
    let leftovers: Vec<_> = fs::read_dir(ws.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".sopbook-publish")
        })
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn template_override_is_used() {
    let ws = Ws::fixture("base");
    ws.write(
        "templates/notice.md.hbs",
        "<div class=\"sopbook-notice\">DRAFT: do not use on the floor.</div>\n",
    );
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let page = fs::read_to_string(ws.path().join("book/quality/final-inspection.html")).unwrap();
    assert!(page.contains("DRAFT: do not use on the floor."));
    ws.write("templates/sop.md.hbs", "{{#if}}");
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("error: templates/sop.md.hbs is not a valid handlebars template"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(" --> templates/sop.md.hbs:1:8\n"),
        "where it breaks: {}",
        run.stderr
    );
}

#[test]
fn init_creates_a_workspace_that_checks_and_publishes() {
    let dir = tempfile::tempdir().unwrap();
    let run = run_in(dir.path(), &["init", "shop", "--name", "Tinker & Sons"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let shop = dir.path().join("shop");
    let config = fs::read_to_string(shop.join("sopbook.toml")).unwrap();
    assert!(config.contains("name = \"Tinker & Sons\""), "{config}");
    let run = run_in(&shop, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        "Checked 1 SOP and 1 checklist: no problems found.\n"
    );
    let run = run_in(&shop, &["publish"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("note: no document is in force on"),
        "{}",
        run.stderr
    );
    assert_eq!(run_in(&shop, &["publish", "--drafts"]).code, 0);
    assert!(shop.join("book/checklists/final-inspection.html").is_file());
    let again = run_in(dir.path(), &["init", "shop"]);
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("already holds a workspace"),
        "{}",
        again.stderr
    );
}

#[test]
fn new_sop_and_checklist_get_the_next_free_ids() {
    let ws = Ws::fixture("base");
    let run = ws.run(&[
        "new",
        "sop",
        "Packing an order",
        "--section",
        "QC",
        "--roles",
        "inspector,clerk",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "manual/quality/packing-an-order.md\n");
    let text = ws.read("manual/quality/packing-an-order.md");
    assert!(text.starts_with("+++\nid = \"QC-003\"\ntitle = \"Packing an order\"\nsection = \"QC\"\nowner = \"inspector\"\nroles = [\"inspector\", \"clerk\"]\n"), "{text}");
    let run = ws.run(&["new", "checklist", "Packing check", "--sop", "QC-003"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "checklists/packing-check.toml\n");
    assert!(
        ws.read("checklists/packing-check.toml")
            .starts_with("id = \"CL-003\"\n")
    );
    let run = ws.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = ws.run(&["new", "sop", "Packing an order", "--section", "QC"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("already exists"));
    let run = ws.run(&["new", "sop", "X", "--section", "ZZ"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: unknown section `ZZ`\n\nhelp: the sections in sopbook.toml are QC, CS\n"
    );
}

#[test]
fn new_uses_the_workspace_template() {
    let ws = Ws::fixture("base");
    ws.write(
        "templates/new-sop.md.hbs",
        "+++\nid = {{toml id}}\ntitle = {{toml title}}\nsection = {{toml section}}\nowner = {{toml owner}}\nroles = []\nreview_interval = \"1 year\"\n+++\n\nOur house layout.\n",
    );
    assert_eq!(
        ws.run(&["new", "sop", "Returns", "--section", "CS"]).code,
        0
    );
    assert!(
        ws.read("manual/service/returns.md")
            .ends_with("Our house layout.\n")
    );
}

#[test]
fn sample_workspace_checks_clean_and_publishes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = run_in(root, &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.ends_with("no problems found.\n"),
        "{}",
        run.stderr
    );
    let out = tempfile::tempdir().unwrap();
    let book = out.path().join("book");
    let run = run_in(
        root,
        &["publish", "--drafts", "--out", book.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ws_sops = walk(&root.join("manual"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .count();
    let pages = walk(&book)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .count();
    assert!(ws_sops >= 12, "the sample has {ws_sops} SOPs");
    assert!(pages > ws_sops, "{pages} pages");
    assert!(book.join("print.html").is_file());
    check_links(&book);
}

#[test]
fn completions_and_man_pages() {
    let ws = Ws::empty();
    let run = ws.run(&["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("sopbook"));
    let run = ws.run(&["man"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with(".ie"), "{}", &run.stdout[..40]);
    let run = ws.run(&["bogus"]);
    assert_eq!(run.code, 2);
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

const IMG: &str = "<img src=x onerror=document.title='pwned'>";
const BACKSLASH: &str = "Title ending in \\";
const LINK: &str = "[link](javascript:alert(1))";
const EMPH: &str = "*emph* and `code` and {onclick=alert(1)}";

/// Titles, names and texts that hold HTML or Markdown, everywhere sopbook
/// writes them into the manual.
fn hostile_workspace() -> Ws {
    let ws = Ws::fixture("base");
    let toml = "sopbook.toml";
    ws.edit(
        toml,
        r#"title = "Fixture Manual""#,
        &format!("title = {}", toml_string(&format!("{IMG} \"Manual\" \\"))),
    );
    ws.edit(
        toml,
        r#"name = "Fixture Works""#,
        &format!("name = {}", toml_string(&format!("{LINK} Works"))),
    );
    ws.edit(
        toml,
        r#"description = "A small workshop used by sopbook's tests.""#,
        &format!(
            "description = {}",
            toml_string(&format!("{IMG}\n\n- not a list\n<script>alert(1)</script>"))
        ),
    );
    ws.edit(
        toml,
        r#"name = "Inspector""#,
        &format!(
            "name = {}",
            toml_string(&format!("{EMPH} <b>Inspector</b>"))
        ),
    );
    ws.edit(
        toml,
        r#"description = "Checks every unit.""#,
        &format!("description = {}", toml_string(IMG)),
    );
    ws.edit(
        toml,
        r#"name = "Ann Author""#,
        &format!("name = {}", toml_string("/*x*/ <b>Ann</b>")),
    );
    ws.edit(
        toml,
        r#"name = "Bob Boss""#,
        &format!("name = {}", toml_string(&format!("Bob {LINK} |"))),
    );
    ws.edit(
        toml,
        r#"title = "Quality control""#,
        &format!("title = {}", toml_string(&format!("{LINK} {IMG}"))),
    );
    ws.edit(
        "manual/quality/final-inspection.md",
        r#"title = "Final inspection""#,
        &format!("title = {}", toml_string(IMG)),
    );
    ws.edit(
        "manual/quality/nonconformance.md",
        r#"title = "Handling a nonconformance""#,
        &format!("title = {}", toml_string(BACKSLASH)),
    );
    ws.edit(
        "manual/service/complaints.md",
        r#"title = "Handling a complaint""#,
        &format!("title = {}", toml_string(&format!("{LINK} {EMPH}"))),
    );
    let cl = "checklists/final-inspection.toml";
    ws.edit(
        cl,
        r#"title = "Final inspection""#,
        &format!("title = {}", toml_string(&format!("{IMG} | {BACKSLASH}"))),
    );
    ws.edit(
        cl,
        r#"applies_to = ["Widget W-1"]"#,
        &format!(
            "applies_to = [{}]\ndescription = {}",
            toml_string(EMPH),
            toml_string(&format!("{LINK}\n\n{IMG}"))
        ),
    );
    ws.edit(
        cl,
        r#"prompt = "Label present and legible""#,
        &format!("prompt = {}", toml_string(&format!("{IMG} <b>label</b>"))),
    );
    ws.edit(
        cl,
        r#"help = "Read it at arm's length.""#,
        &format!("help = {}", toml_string(&format!("{LINK} {EMPH}"))),
    );
    ws.edit(
        cl,
        r#"unit = "mm""#,
        &format!("unit = {}", toml_string("<i>mm</i>")),
    );
    ws.edit(
        cl,
        r#"options = ["good", "marked", "damaged"]
pass = ["good", "marked"]"#,
        &format!(
            "options = [{0}, \"marked\", \"damaged\"]\npass = [{0}, \"marked\"]",
            toml_string("<u>good</u>")
        ),
    );
    ws
}

/// What no page of a manual built from [`hostile_workspace`] may hold: the
/// hostile texts as markup.
fn assert_no_markup_from_the_workspace(book: &Path) {
    let forbidden = [
        "<img src=x",
        "<img src=\"x\"",
        "onerror=\"document",
        "href=\"javascript:",
        "<b>Ann",
        "<b>Inspector",
        "<b>label",
        "<em>x</em>",
        "<em>emph</em>",
        "<code>code</code>",
        "<script>alert",
        "<i>mm",
        "<u>good",
        "onclick=\"",
    ];
    let mut pages = 0;
    for path in walk(book) {
        let Some(ext) = path.extension() else {
            continue;
        };
        if ext != "html" && !(ext == "js" && path.to_string_lossy().contains("searchindex")) {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        if ext == "js" {
            // The search page shows breadcrumbs as HTML (and escapes bodies itself).
            let parts = sopbook::manual::search::read_parts(&text).unwrap();
            let mut crumbs = 0;
            for part in &parts {
                for doc in part["index"]["docs"].as_array().unwrap() {
                    let shown = doc[2].as_str().unwrap();
                    assert!(
                        !shown.contains('<'),
                        "{}: breadcrumbs {shown}",
                        path.display()
                    );
                    crumbs += 1;
                }
            }
            assert!(
                crumbs > 10,
                "only {crumbs} breadcrumbs in {}",
                path.display()
            );
            continue;
        }
        pages += 1;
        for bad in forbidden {
            // mdBook's own print page and scripts never hold these; a sopbook page must not either.
            assert!(
                !text.contains(bad),
                "{} holds `{bad}`:\n{}",
                path.display(),
                text.lines()
                    .filter(|l| l.contains(bad))
                    .collect::<Vec<_>>()
                    .join("\n")
            );
        }
    }
    assert!(pages > 10, "only {pages} pages checked");
}

#[test]
fn hostile_titles_and_names_stay_text() {
    let ws = hostile_workspace();
    ws.release_all();
    let run = ws.run(&["publish", "--keep-source", "src-kept"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let book = ws.path().join("book");
    assert_no_markup_from_the_workspace(&book);
    let read = |p: &str| fs::read_to_string(book.join(p)).unwrap();

    // The SOP page: its heading, control block (approvers) and history (author).
    let sop = read("quality/final-inspection.html");
    assert!(
        sop.contains("QC-001 &lt;img src=x onerror=document.title='pwned'&gt;</a></h1>"),
        "{sop}"
    );
    assert!(
        sop.contains("<dd>Bob [link](javascript:alert(1)) |, Cay Checker</dd>"),
        "{sop}"
    );
    assert!(
        sop.contains("<td data-label=\"Author\">/*x*/ &lt;b&gt;Ann&lt;/b&gt;</td>"),
        "the author in the history table: {sop}"
    );
    assert!(
        sop.contains(
            "<dd>*emph* and `code` and {onclick=alert(1)} &lt;b&gt;Inspector&lt;/b&gt;</dd>"
        ),
        "the owner: {sop}"
    );
    // The page title in the browser tab.
    assert!(
        sop.contains(
            "<title>QC-001 &lt;img src&#x3D;x onerror&#x3D;document.title&#x3D;&#x27;pwned&#x27;&gt; - "
        ),
        "{sop}"
    );
    // A title ending in a backslash, in the sidebar and on its page.
    let nc = read("quality/nonconformance.html");
    assert!(nc.contains("QC-002 Title ending in \\</a></h1>"), "{nc}");
    let toc = read("toc.html");
    assert!(toc.contains("QC-002 Title ending in &#92;"), "{toc}");
    assert!(toc.contains("QC-001 &lt;img src=x"), "{toc}");
    // Link and emphasis syntax in a title stays as written.
    let cs = read("service/complaints.html");
    assert!(
        cs.contains(
            "CS-001 [link](javascript:alert(1)) *emph* and `code` and {onclick=alert(1)}</a></h1>"
        ),
        "{cs}"
    );
    // The checklist: title with a table cell separator, prompt, help, unit, options.
    let cl = read("checklists/final-inspection.html");
    for text in [
        "CL-001 &lt;img src=x onerror=document.title='pwned'&gt; | Title ending in \\</a></h1>",
        "<strong>&lt;img src=x onerror=document.title='pwned'&gt; &lt;b&gt;label&lt;/b&gt;</strong>",
        "&lt;i&gt;mm&lt;/i&gt;",
        "☐ &lt;u&gt;good&lt;/u&gt;",
        "<p>[link](javascript:alert(1))</p>\n<p>&lt;img src=x onerror=document.title='pwned'&gt;</p>",
    ] {
        assert!(cl.contains(text), "no `{text}` in {cl}");
    }
    // The printed form's running head: the title as a CSS string, escaped so
    // that it can neither end the string nor the page's <style> element.
    assert!(
        cl.contains(
            r#"@top-left { content: "CL-001 \3c img src\3d x onerror\3d document.title\3d \27 pwned\27 \3e  \7c  Title ending in \5c "; "#
        ),
        "{cl}"
    );
    assert_eq!(cl.matches("</style>").count(), 1, "{cl}");
    let checklists = read("checklists/index.html");
    assert!(
        checklists.contains(
            "&lt;img src=x onerror=document.title='pwned'&gt; | Title ending in \\</a></td>"
        ),
        "the title with `|` stays in its table cell: {checklists}"
    );
    // The home page: organisation, description paragraphs, role names.
    let home = read("index.html");
    for text in [
        "<strong>[link](javascript:alert(1)) Works</strong>",
        "<p>&lt;img src=x onerror=document.title='pwned'&gt;</p>\n<p>- not a list &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "*emph* and `code` and {onclick=alert(1)} &lt;b&gt;Inspector&lt;/b&gt;</a>",
    ] {
        assert!(home.contains(text), "no `{text}` in {home}");
    }
    // The manual's title reaches book.toml as the same string.
    let book_toml: toml::Table =
        toml::from_str(&fs::read_to_string(ws.path().join("src-kept/0/book.toml")).unwrap())
            .unwrap();
    assert_eq!(
        book_toml["book"]["title"].as_str(),
        Some(format!("{IMG} \"Manual\" \\").as_str())
    );
    // Working copies marked as drafts, too.
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_no_markup_from_the_workspace(&book);
}

#[test]
fn publishing_again_keeps_what_did_not_change() {
    let ws = Ws::fixture("base");
    assert_eq!(ws.run(&["publish", "--drafts"]).code, 0);
    let page = ws.path().join("book/quality/final-inspection.html");
    let before = fs::read(&page).unwrap();
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        without_dates(&run.stderr),
        "Published a preview with drafts: 3 SOPs and 2 checklists (15 pages) to [ROOT]/book\nNothing had changed since the last publish: every book was kept as it was.\nOpen [ROOT]/book/index.html\n"
    );
    assert_eq!(fs::read(&page).unwrap(), before);

    // A changed procedure: the book is built again, with the change.
    ws.edit(
        "manual/quality/final-inspection.md",
        "## Steps",
        "Read this first.\n\n## Steps",
    );
    let run = ws.run(&["publish", "--drafts"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        !run.stderr.contains("Nothing had changed"),
        "{}",
        run.stderr
    );
    let after = fs::read_to_string(&page).unwrap();
    assert!(after.contains("Read this first."), "{after}");
}
