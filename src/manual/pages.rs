//! The mdBook source of the manual: which books, which pages, the page
//! texts (rendered from templates) and each book's SUMMARY.md.
//!
//! A small manual is one book. A large one is split into a home book
//! (home page, reading paths, by-role index) and books of at most [`CHUNK`]
//! pages per section and for the checklists, because mdBook's HTML
//! renderer does work per page that grows with the size of the book. Page
//! URLs are the same either way: `<section dir>/<slug>.html`,
//! `checklists/<slug>.html`, `reading-paths/<role>.html`. Every book of a
//! split manual is built as if it were the whole manual (its pages at
//! those addresses from the root) and publishing puts their pages together
//! in one folder; every book's sidebar leads to every section.

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context, Result};
use handlebars::Handlebars;
use serde_json::{Value, json};

use crate::manual::content::{Manual, PageControl};
use crate::manual::escape::md_text;
use crate::model::{Checklist, ItemKind, Sop, num};
use crate::workspace::links::rewrite_links;

/// Above this many pages the manual is published as several books.
pub const SPLIT_ABOVE: usize = 400;
/// The most pages one book of a split manual holds: mdBook copies a
/// book's whole list of chapters into the data of every page it renders, so
/// its time grows with the square of a book's pages, while each book costs
/// the compiling of its templates. At 10,000 procedures 160 pages a book
/// published fastest, by 2–8% over 100 and 250 (three runs each).
pub const CHUNK: usize = 160;

/// One page of a book: its path inside the book's `src/` and its Markdown.
#[derive(Debug)]
pub struct Page {
    pub path: String,
    pub content: String,
}

/// One mdBook to build: where it goes in the output, its title, summary and pages.
#[derive(Debug)]
pub struct BookPlan {
    /// Folder under the output root, `""` for the root, else ending in `/`.
    pub folder: String,
    pub title: String,
    pub summary: String,
    pub pages: Vec<Page>,
    /// Files to copy into the book's `src/` (images beside SOPs): (path in src, absolute source).
    pub assets: Vec<(String, std::path::PathBuf)>,
    /// In a workspace with `[[language]]`s: the book's language code and
    /// direction (else `[book]` in sopbook.toml says).
    pub language: Option<(String, crate::model::translation::Direction)>,
    /// Pages that other books of a split manual publish, listed in this
    /// book's sidebar: written into the source so mdBook builds the
    /// sidebar, never published from this book.
    pub stubs: Vec<Page>,
}

impl BookPlan {
    /// Whether this book is its edition's home: it publishes the files
    /// every book makes at its root (`index.html`, `print.html`, `404.html`,
    /// `toc.html`), and the others leave theirs out.
    pub fn is_home(&self) -> bool {
        self.pages.iter().any(|p| p.path == "index.md")
    }

    /// What names this book from one publish to the next: its edition's
    /// folder and its first page (the books of a split edition share the
    /// folder).
    pub fn key(&self) -> String {
        let first = self.pages.first().map_or("", |p| p.path.as_str());
        format!("{}{first}", self.folder)
    }
}

/// A rendered page: (URL from the output root without `.html`, title in the summary, Markdown).
type Rendered = (String, String, String);

/// The relative URL from page `from` to `to`, both relative to the output root.
pub fn rel(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let mut out = "../".repeat(depth);
    out.push_str(to);
    out
}

struct Ctx<'a> {
    ws: &'a Manual,
    hb: &'a Handlebars<'static>,
    /// Document id -> (URL from the output root, title).
    urls: BTreeMap<&'a str, (String, &'a str)>,
    /// Document id -> SOPs that list it as related or link to it.
    backrefs: BTreeMap<&'a str, Vec<&'a str>>,
    /// SOP id -> the SOP.
    sops: HashMap<&'a str, &'a Sop>,
    /// SOP id -> the checklists that name it as their procedure.
    checklists_of: HashMap<&'a str, Vec<&'a str>>,
    /// Checklist id -> the SOPs that list it.
    listed_by: HashMap<&'a str, Vec<&'a Sop>>,
}

impl Ctx<'_> {
    fn url(&self, id: &str) -> String {
        self.urls.get(id).map(|u| u.0.clone()).unwrap_or_default()
    }
}

impl Ctx<'_> {
    fn render(&self, template: &str, data: Value) -> Result<String> {
        // The data as it is: `render` would copy it whole first.
        self.hb
            .render_with_context(template, &handlebars::Context::from(data))
            .with_context(|| format!("could not render the page template `{template}.md.hbs`"))
    }

    /// On a page sopbook writes in English only, a note saying so in the
    /// edition's language.
    fn english_only(&self, data: &mut serde_json::Map<String, Value>) {
        if let Some(note) = super::words::english_only(self.ws.language.as_deref()) {
            data.insert("translation".into(), json!(note));
            data.insert("english_only".into(), json!(true));
            data.insert("note_lang".into(), json!(self.ws.language));
        }
    }

    fn base(&self, page_url: &str) -> serde_json::Map<String, Value> {
        let c = &self.ws.config;
        let mut m = serde_json::Map::new();
        m.insert("manual_title".into(), json!(c.title));
        m.insert("title".into(), json!(c.title));
        m.insert("organisation".into(), json!(c.organisation));
        m.insert("description".into(), json!(c.description));
        m.insert("drafts".into(), json!(self.ws.drafts));
        m.insert("as_of".into(), json!(self.ws.as_of.to_string()));
        m.insert(
            "what_changed_url".into(),
            json!(rel(page_url, "what-changed.html")),
        );
        m.insert("obsolete_url".into(), json!(rel(page_url, "obsolete.html")));
        m.insert("home_url".into(), json!(rel(page_url, "index.html")));
        m.insert(
            "checklists_url".into(),
            json!(rel(page_url, "checklists/index.html")),
        );
        let reading_paths = json!(rel(page_url, "reading-paths/index.html"));
        m.insert("reading_paths_url".into(), reading_paths.clone());
        // The same, under its old name, for workspaces' own templates.
        m.insert("onboarding_url".into(), reading_paths);
        m.insert("by_role_url".into(), json!(rel(page_url, "by-role.html")));
        if let Some((seq, hash, at)) = &self.ws.records_head {
            m.insert(
                "records_head".into(),
                json!({ "seq": seq, "hash": hash, "at": at }),
            );
        }
        m
    }

    fn doc_link(&self, from: &str, id: &str) -> Value {
        match self.urls.get(id) {
            Some((url, title)) => json!({ "id": id, "title": title, "url": rel(from, url) }),
            None => {
                json!({ "id": id, "title": "(not in force)", "url": rel(from, "obsolete.html") })
            }
        }
    }

    fn role_name(&self, id: &str) -> String {
        self.ws
            .config
            .role(id)
            .map_or_else(|| id.to_string(), |r| r.name.clone())
    }
}

/// Plans every book of the manual and renders every page.
/// `split_above`: publish as several books above this many pages
/// ([`SPLIT_ABOVE`] unless a caller such as the benchmark says otherwise).
pub fn plan(ws: &Manual, hb: &Handlebars<'static>, split_above: usize) -> Result<Vec<BookPlan>> {
    let total = 5
        + 2 * ws.config.roles.len()
        + ws.config.sections.len()
        + ws.sops.len()
        + ws.checklists.len();
    let split = total > split_above;
    // A page's address never depends on the split: see the module's note.
    let mut urls = BTreeMap::new();
    for sop in &ws.sops {
        if let Some(section) = ws.config.section(&sop.section) {
            urls.insert(
                sop.id.as_str(),
                (
                    format!("{}/{}.html", section.dir, sop.slug),
                    sop.title.as_str(),
                ),
            );
        }
    }
    for c in &ws.checklists {
        urls.insert(
            c.id.as_str(),
            (format!("checklists/{}.html", c.slug), c.title.as_str()),
        );
    }
    let mut backrefs: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for sop in &ws.sops {
        let linked = crate::workspace::find_links(&sop.body);
        let targets = sop
            .related
            .iter()
            .map(String::as_str)
            .chain(linked.iter().map(|l| l.id.as_str()));
        for target in targets {
            if let Some((&key, _)) = urls.get_key_value(target) {
                let refs = backrefs.entry(key).or_default();
                if !refs.contains(&sop.id.as_str()) {
                    refs.push(sop.id.as_str());
                }
            }
        }
    }
    let mut sops = HashMap::new();
    let mut listed_by: HashMap<&str, Vec<&Sop>> = HashMap::new();
    for sop in &ws.sops {
        sops.entry(sop.id.as_str()).or_insert(sop);
        for c in &sop.checklists {
            let list = listed_by.entry(c.as_str()).or_default();
            if !list.last().is_some_and(|s| std::ptr::eq(*s, sop)) {
                list.push(sop);
            }
        }
    }
    let mut checklists_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in &ws.checklists {
        if let Some(sop) = c.sop.as_deref() {
            checklists_of.entry(sop).or_default().push(c.id.as_str());
        }
    }
    let ctx = Ctx {
        ws,
        hb,
        urls,
        backrefs,
        sops,
        checklists_of,
        listed_by,
    };

    // Pages as (URL from the output root without ".html", SUMMARY title, content), grouped.
    // The names of the manual's own pages, in the edition's language.
    let names = super::words::labels(ws.language.as_deref());
    let mut home = vec![(
        "index".to_string(),
        names.home.to_string(),
        home_page(&ctx)?,
    )];
    let mut reading_paths = vec![(
        "reading-paths/index".to_string(),
        names.reading_paths.to_string(),
        reading_paths_page(&ctx)?,
    )];
    for role in &ws.config.roles {
        reading_paths.push((
            format!("reading-paths/{}", role.id),
            role.name.clone(),
            reading_path_page(&ctx, &role.id)?,
        ));
    }
    let by_role = (
        "by-role".to_string(),
        names.by_role.to_string(),
        by_role_page(&ctx)?,
    );
    let what_changed = (
        "what-changed".to_string(),
        names.what_changed.to_string(),
        what_changed_page(&ctx)?,
    );
    let obsolete = (
        "obsolete".to_string(),
        names.obsolete_documents.to_string(),
        obsolete_page(&ctx)?,
    );
    // The quality dashboard: a page, a page of control charts per
    // checklist under it, and the charts as files beside them.
    let dashboard: Option<Rendered> = match &ws.dashboard {
        Some(d) => {
            let mut data = ctx.base("dashboard/index.html");
            if let Value::Object(extra) = &d.data {
                data.extend(extra.clone());
            }
            ctx.english_only(&mut data);
            Some((
                "dashboard/index".to_string(),
                names.quality_dashboard.to_string(),
                ctx.render("dashboard", Value::Object(data))?,
            ))
        }
        None => None,
    };
    let mut dashboard_pages: Vec<Rendered> = Vec::new();
    for page in ws.dashboard.iter().flat_map(|d| d.pages.iter()) {
        let url = format!("dashboard/{}", page.slug);
        let mut data = ctx.base(&format!("{url}.html"));
        data.insert("dashboard_url".into(), json!("index.html"));
        let checklist = ctx.url(&page.checklist);
        if !checklist.is_empty() {
            data.insert(
                "checklist_url".into(),
                json!(rel(&format!("{url}.html"), &checklist)),
            );
        }
        if let Value::Object(extra) = &page.data {
            data.extend(extra.clone());
        }
        ctx.english_only(&mut data);
        dashboard_pages.push((
            url,
            page.title.clone(),
            ctx.render("dashboard-checklist", Value::Object(data))?,
        ));
    }
    let mut charts: Vec<Page> = ws
        .dashboard
        .iter()
        .flat_map(|d| d.files.iter())
        .map(|(name, svg)| Page {
            path: format!("dashboard/{name}"),
            content: svg.clone(),
        })
        .collect();
    // The training status chapter, with links to the documents it names.
    let training: Option<Rendered> = match &ws.training {
        Some(t) => {
            let url = "training/index.html";
            let mut data = ctx.base(url);
            if let Value::Object(extra) = &t.data {
                data.extend(extra.clone());
            }
            ctx.english_only(&mut data);
            if let Some(Value::Array(docs)) = data.get_mut("documents") {
                for d in docs {
                    let id = d["id"].as_str().unwrap_or_default().to_string();
                    let to = ctx.url(&id);
                    if !to.is_empty() {
                        d["url"] = json!(rel(url, &to));
                    }
                }
            }
            charts.extend(t.files.iter().map(|(name, svg)| Page {
                path: format!("training/{name}"),
                content: svg.clone(),
            }));
            Some((
                "training/index".to_string(),
                names.training_status.to_string(),
                ctx.render("training", Value::Object(data))?,
            ))
        }
        None => None,
    };

    let mut sections = Vec::new();
    for section in &ws.config.sections {
        let sops: Vec<&Sop> = ws.sops.iter().filter(|s| s.section == section.id).collect();
        let index = (
            format!("{}/index", section.dir),
            section.title.clone(),
            section_page(&ctx, &section.id, &sops)?,
        );
        let pages = crate::par::par_map(&sops, |sop| {
            let url = ctx.url(&sop.id);
            Ok((
                url.trim_end_matches(".html").to_string(),
                format!("{} {}", sop.id, sop.title),
                sop_page(&ctx, sop, &url)?,
            ))
        })?;
        sections.push((section, index, pages));
    }
    let checklist_index = (
        "checklists/index".to_string(),
        names.checklists.to_string(),
        checklists_page(&ctx)?,
    );
    let checklist_pages = crate::par::par_map(&ws.checklists, |c| {
        let url = ctx.url(&c.id);
        Ok((
            url.trim_end_matches(".html").to_string(),
            format!("{} {}", c.id, c.title),
            checklist_page(&ctx, c, &url)?,
        ))
    })?;

    let assets = |dir: &str, prefix: &str| -> Vec<(String, std::path::PathBuf)> {
        section_assets(ws, dir)
            .into_iter()
            .map(|(name, path)| (format!("{prefix}{name}"), path))
            .collect()
    };

    let title = ws.config.title.clone();
    if !split {
        let mut summary = format!(
            "# Summary\n\n[{}](index.md)\n\n# {}\n\n",
            md_text(names.home),
            md_text(names.procedures)
        );
        let mut pages = Vec::new();
        let mut files = Vec::new();
        let entry = |summary: &mut String, indent: &str, (url, title, _): &Rendered| {
            summary.push_str(&format!("{indent}- [{}]({url}.md)\n", md_text(title)));
        };
        for (section, index, sops) in &sections {
            entry(&mut summary, "", index);
            for p in sops {
                entry(&mut summary, "    ", p);
            }
            files.extend(assets(&section.dir, &format!("{}/", section.dir)));
        }
        summary.push_str(&format!("\n# {}\n\n", md_text(names.forms_and_training)));
        entry(&mut summary, "", &checklist_index);
        for p in &checklist_pages {
            entry(&mut summary, "    ", p);
        }
        entry(&mut summary, "", &reading_paths[0]);
        for p in &reading_paths[1..] {
            entry(&mut summary, "    ", p);
        }
        entry(&mut summary, "", &by_role);
        summary.push_str("\n---\n\n");
        entry(&mut summary, "", &what_changed);
        if let Some(d) = &dashboard {
            entry(&mut summary, "", d);
            for p in &dashboard_pages {
                entry(&mut summary, "    ", p);
            }
        }
        if let Some(t) = &training {
            entry(&mut summary, "", t);
        }
        entry(&mut summary, "", &obsolete);
        home.extend(reading_paths);
        home.push(by_role);
        home.push(what_changed);
        home.push(obsolete);
        home.extend(dashboard);
        home.extend(dashboard_pages);
        home.extend(training);
        for (_, index, sops) in sections {
            home.push(index);
            home.extend(sops);
        }
        home.push(checklist_index);
        home.extend(checklist_pages);
        for (url, _, content) in home {
            pages.push(Page {
                path: format!("{url}.md"),
                content,
            });
        }
        pages.extend(charts);
        return Ok(vec![BookPlan {
            folder: String::new(),
            title,
            summary,
            pages,
            assets: files,
            language: None,
            stubs: Vec::new(),
        }]);
    }

    // Split: a home book, then books of at most CHUNK pages per section and
    // for the checklists. Every book is built as if it were the whole
    // manual, its pages at their addresses from the manual's root, and
    // publishing puts the books' pages together in one folder: a page's
    // address is the same in one book or many. Every book's sidebar shows
    // the same outline (home, every section, the forms and training pages),
    // its own section opened; the entries that other books publish are
    // stubs, built for the sidebar and never published from this book.
    let pairs = |list: &[Rendered]| -> Vec<(String, String)> {
        list.iter()
            .map(|(u, t, _)| (u.clone(), t.clone()))
            .collect()
    };
    // The entries listed under an entry in the home book's sidebar only.
    let home_children: Vec<(&str, Vec<(String, String)>)> = vec![
        ("reading-paths/index", pairs(&reading_paths[1..])),
        ("dashboard/index", pairs(&dashboard_pages)),
    ];
    let forms: Vec<(String, String)> = vec![
        (checklist_index.0.clone(), checklist_index.1.clone()),
        (reading_paths[0].0.clone(), reading_paths[0].1.clone()),
        (by_role.0.clone(), by_role.1.clone()),
    ];
    let mut after: Vec<(String, String)> = vec![(what_changed.0.clone(), what_changed.1.clone())];
    after.extend(dashboard.iter().map(|d| (d.0.clone(), d.1.clone())));
    after.extend(training.iter().map(|t| (t.0.clone(), t.1.clone())));
    after.push((obsolete.0.clone(), obsolete.1.clone()));
    let section_entries: Vec<(String, String)> = sections
        .iter()
        .map(|(_, index, _)| (index.0.clone(), index.1.clone()))
        .collect();
    // One book's SUMMARY.md and its stubs: `open` is the index URL of the
    // section (or the checklists) whose `pages` this book holds; `None` for
    // the home book. `own` says which entries the book publishes itself.
    let outline = |open: Option<&str>, pages: &[Rendered], own: &dyn Fn(&str) -> bool| {
        let mut summary = format!(
            "# Summary\n\n[{}](index.md)\n\n# {}\n\n",
            md_text(names.home),
            md_text(names.procedures)
        );
        let mut listed: Vec<(String, String)> = vec![("index".to_string(), names.home.to_string())];
        let mut entry = |summary: &mut String, indent: &str, (url, title): &(String, String)| {
            summary.push_str(&format!("{indent}- [{}]({url}.md)\n", md_text(title)));
            listed.push((url.clone(), title.clone()));
        };
        let children = |summary: &mut String, url: &str| {
            if Some(url) == open {
                for (u, t, _) in pages {
                    summary.push_str(&format!("    - [{}]({u}.md)\n", md_text(t)));
                }
            } else if open.is_none() {
                let list = home_children.iter().filter(|(u, _)| *u == url);
                for (u, t) in list.flat_map(|(_, l)| l) {
                    summary.push_str(&format!("    - [{}]({u}.md)\n", md_text(t)));
                }
            }
        };
        for e in &section_entries {
            entry(&mut summary, "", e);
            children(&mut summary, &e.0);
        }
        summary.push_str(&format!("\n# {}\n\n", md_text(names.forms_and_training)));
        for e in forms.iter() {
            entry(&mut summary, "", e);
            children(&mut summary, &e.0);
        }
        summary.push_str("\n---\n\n");
        for e in &after {
            entry(&mut summary, "", e);
            children(&mut summary, &e.0);
        }
        let stubs = listed
            .into_iter()
            .filter(|(url, _)| !own(url))
            .map(|(url, title)| Page {
                path: format!("{url}.md"),
                content: format!("# {}\n", md_text(&title)),
            })
            .collect();
        (summary, stubs)
    };

    let mut books = Vec::new();
    home.extend(reading_paths);
    home.push(by_role);
    home.push(what_changed);
    home.push(obsolete);
    home.extend(dashboard);
    home.extend(dashboard_pages);
    home.extend(training);
    let home_own: Vec<&str> = home.iter().map(|p| p.0.as_str()).collect();
    let (summary, stubs) = outline(None, &[], &|url| home_own.contains(&url));
    drop(home_own);
    books.push(BookPlan {
        folder: String::new(),
        title: title.clone(),
        summary,
        pages: home
            .into_iter()
            .map(|(url, _, content)| Page {
                path: format!("{url}.md"),
                content,
            })
            .chain(charts)
            .collect(),
        stubs,
        assets: Vec::new(),
        language: None,
    });
    let mut groups: Vec<(String, String, Rendered, Vec<Rendered>)> = sections
        .into_iter()
        .map(|(s, index, pages)| {
            (
                s.dir.clone(),
                format!("{} – {}", s.title, title),
                index,
                pages,
            )
        })
        .collect();
    groups.push((
        "checklists".to_string(),
        format!("Checklists – {title}"),
        checklist_index,
        checklist_pages,
    ));
    for (dir, book_title, index, pages) in groups {
        let mut rest = pages;
        let mut first = true;
        while first || !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(CHUNK));
            let chunk = std::mem::replace(&mut rest, tail);
            let own: Vec<&str> = chunk
                .iter()
                .map(|p| p.0.as_str())
                .chain(first.then_some(index.0.as_str()))
                .collect();
            let (summary, stubs) = outline(Some(&index.0), &chunk, &|url| own.contains(&url));
            let mut book_pages = Vec::new();
            if first {
                book_pages.push(Page {
                    path: format!("{}.md", index.0),
                    content: index.2.clone(),
                });
            }
            book_pages.extend(chunk.into_iter().map(|(url, _, content)| Page {
                path: format!("{url}.md"),
                content,
            }));
            books.push(BookPlan {
                folder: String::new(),
                title: book_title.clone(),
                summary,
                pages: book_pages,
                stubs,
                assets: if dir == "checklists" || !first {
                    Vec::new()
                } else {
                    assets(&dir, &format!("{dir}/"))
                },
                language: None,
            });
            first = false;
        }
    }
    Ok(books)
}

/// Non-Markdown files in `manual/<dir>/` (images and the like), by file name.
fn section_assets(ws: &Manual, dir: &str) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = std::fs::read_dir(ws.root.join(crate::workspace::MANUAL_DIR).join(dir))
    else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .filter(|e| e.path().extension().is_none_or(|x| x != "md"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    out.sort();
    out
}

fn home_page(ctx: &Ctx<'_>) -> Result<String> {
    let ws = ctx.ws;
    let mut data = ctx.base("index.html");
    let roles: Vec<_> = ws
        .config
        .roles
        .iter()
        .map(|r| {
            let n = reading_path(ws, &r.id).len();
            json!({ "id": r.id, "name": r.name, "description": r.description,
                    "url": format!("reading-paths/{}.html", r.id), "paths": n, "one_path": n == 1 })
        })
        .collect();
    let sections: Vec<_> = ws
        .config
        .sections
        .iter()
        .map(|s| {
            let n = ws.sops.iter().filter(|x| x.section == s.id).count();
            json!({ "id": s.id, "title": s.title, "url": format!("{}/index.html", s.dir), "count": n, "one": n == 1 })
        })
        .collect();
    data.insert("roles".into(), json!(roles));
    data.insert("sections".into(), json!(sections));
    data.insert("checklist_count".into(), json!(ws.checklists.len()));
    data.insert("one_checklist".into(), json!(ws.checklists.len() == 1));
    // An edition's home page in its language, where sopbook has one.
    let translated =
        ws.language
            .as_deref()
            .map(|code| match code.split('-').next().unwrap_or(code) {
                "nn" | "no" => "home.nb".to_string(),
                short => format!("home.{short}"),
            });
    let template = translated
        .as_deref()
        .filter(|name| ctx.hb.has_template(name))
        .unwrap_or("home");
    ctx.render(template, Value::Object(data))
}

fn sop_page(ctx: &Ctx<'_>, sop: &Sop, url: &str) -> Result<String> {
    let ws = ctx.ws;
    let mut data = ctx.base(url);
    let section = ws.config.section(&sop.section);
    let roles: Vec<_> = sop
        .roles
        .iter()
        .map(|r| json!({ "id": r, "name": ctx.role_name(r), "url": rel(url, &format!("reading-paths/{r}.html")) }))
        .collect();
    let checklists: Vec<_> = sop
        .checklists
        .iter()
        .map(String::as_str)
        .chain(
            ctx.checklists_of
                .get(sop.id.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|c| !sop.checklists.iter().any(|l| l == c)),
        )
        .map(|id| ctx.doc_link(url, id))
        .collect();
    // Related in both directions: what this SOP lists, then SOPs that list or link to it.
    let mut related: Vec<Value> = sop.related.iter().map(|id| ctx.doc_link(url, id)).collect();
    for &other in ctx.backrefs.get(sop.id.as_str()).into_iter().flatten() {
        if other != sop.id && !sop.related.iter().any(|r| r == other) {
            let mut link = ctx.doc_link(url, other);
            link["referenced_only"] = json!(true);
            related.push(link);
        }
    }
    let body = rewrite_links(&sop.body, |l| {
        ctx.urls.get(l.id.as_str()).map(|(to, _)| rel(url, to))
    });
    data.insert(
        "sop".into(),
        json!({
            "id": sop.id, "title": sop.title, "review_interval": super::words::interval(ws.language.as_deref(), &sop.review_interval),
            "review_every": super::words::every(ws.language.as_deref(), &sop.review_interval),
            "owner": sop.owner, "path": sop.path,
        }),
    );
    data.insert(
        "section".into(),
        json!({
            "id": sop.section,
            "title": section.map(|s| s.title.as_str()),
            "url": section.map(|s| rel(url, &format!("{}/index.html", s.dir))),
        }),
    );
    data.insert("owner".into(), json!(ctx.role_name(&sop.owner)));
    data.insert("roles".into(), json!(roles));
    data.insert("checklists".into(), json!(checklists));
    data.insert("related".into(), json!(related));
    data.insert("body".into(), json!(body));
    data.insert(
        "reading_minutes".into(),
        json!(crate::model::reading_minutes(sop.words())),
    );
    let control = ctx.ws.control.get(&sop.id);
    // What a reader who read an earlier revision must know: the summary of
    // the substantive revision in force, or that it was editorial.
    if let Some(c) = control
        && let Some(rev) = c.revision
        && c.draft.is_none()
        && let Some(h) = c.history.iter().find(|h| h.revision == rev)
        && rev > 1
    {
        let key = if h.minor {
            "editorial_change"
        } else {
            "substantive_change"
        };
        data.insert(
            key.into(),
            json!({ "revision": h.revision, "summary": h.summary, "effective": h.effective.to_string() }),
        );
    }
    insert_control(&mut data, control, ctx.ws.language.as_deref());
    insert_translation(&mut data, control, url);
    ctx.render("sop", Value::Object(data))
}

fn checklist_page(ctx: &Ctx<'_>, c: &Checklist, url: &str) -> Result<String> {
    let mut data = ctx.base(url);
    let items: Vec<_> = c
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let mut v = json!({
                "number": i + 1, "id": item.id, "prompt": item.prompt, "help": item.help,
                "critical": item.critical, "spec": super::words::spec(ctx.ws.language.as_deref(), &item.kind), item.kind.name(): true,
            });
            match &item.kind {
                ItemKind::Measure {
                    unit,
                    nominal,
                    lower,
                    upper,
                    ..
                } => {
                    v["unit"] = json!(unit);
                    v["nominal"] = json!(nominal.map(num));
                    v["lower"] = json!(lower.map(num));
                    v["upper"] = json!(upper.map(num));
                }
                ItemKind::Choice { options, pass } => {
                    v["options"] = json!(options);
                    v["pass"] = json!(pass);
                }
                ItemKind::Count { max } => v["max"] = json!(max),
                ItemKind::PassFail | ItemKind::Text => {}
            }
            v
        })
        .collect();
    let used_by: Vec<_> = ctx
        .listed_by
        .get(c.id.as_str())
        .into_iter()
        .flatten()
        .filter(|s| c.sop.as_deref() != Some(s.id.as_str()))
        .map(|s| ctx.doc_link(url, &s.id))
        .collect();
    data.insert(
        "checklist".into(),
        json!({ "id": c.id, "title": c.title, "applies_to": c.applies_to, "description": c.description, "path": c.path }),
    );
    data.insert(
        "sop".into(),
        c.sop
            .as_deref()
            .map_or(Value::Null, |s| ctx.doc_link(url, s)),
    );
    data.insert("used_by".into(), json!(used_by));
    data.insert("item_count".into(), json!(c.items.len()));
    data.insert(
        "critical_count".into(),
        json!(c.items.iter().filter(|i| i.critical).count()),
    );
    data.insert("items".into(), json!(items));
    if let Some(plan) = &c.sampling {
        data.insert(
            "sampling".into(),
            json!({
                "standard": plan.standard.title(),
                "level": plan.level.as_str(),
                "lines": crate::model::sampling::plan_lines(plan),
            }),
        );
    }
    let inspectors: Vec<_> = inspector_roles(ctx, c)
        .iter()
        .map(|r| json!({ "id": r, "name": ctx.role_name(r) }))
        .collect();
    data.insert("inspectors".into(), json!(inspectors));
    let control = ctx.ws.control.get(&c.id);
    data.insert(
        "print".into(),
        print_heads(c, control, super::words::labels(ctx.ws.language.as_deref())),
    );
    insert_control(&mut data, control, ctx.ws.language.as_deref());
    insert_translation(&mut data, control, url);
    ctx.render("checklist", Value::Object(data))
}

/// What every printed page of a checklist's form carries in its margins:
/// `key` names the form's page style, `heading` and `revision` are text.
fn print_heads(c: &Checklist, control: Option<&PageControl>, w: super::words::Labels) -> Value {
    let key: String =
        c.id.chars()
            .map(|ch| if ch.is_ascii_alphanumeric() { ch } else { '-' })
            .collect();
    let revision = match control {
        Some(PageControl {
            draft: Some(_),
            revision: Some(rev),
            ..
        }) => format!(
            "{} ({} {rev} {})",
            w.draft_not_approved, w.revision_lower, w.is_in_force
        ),
        Some(PageControl { draft: Some(_), .. }) => w.draft_not_approved.to_string(),
        Some(PageControl {
            revision: Some(rev),
            effective: Some(from),
            ..
        }) => format!("{} {rev}, {} {from}", w.revision, w.effective_from),
        Some(PageControl {
            revision: Some(rev),
            ..
        }) => format!("{} {rev}", w.revision),
        _ => w.not_released_head.to_string(),
    };
    json!({ "key": key, "heading": format!("{} {}", c.id, c.title), "revision": revision })
}

/// The revision fields of a page's control block and its history table.
/// The note of a translated page, linking to the source page: the same
/// address one folder up (the edition lives in `<code>/`).
fn insert_translation(
    data: &mut serde_json::Map<String, Value>,
    control: Option<&PageControl>,
    url: &str,
) {
    if let Some(note) = control.and_then(|c| c.translation.as_ref()) {
        let source = format!("../{}", rel(url, url));
        data.insert(
            "translation".into(),
            json!(note.replace("{source_url}", &source)),
        );
    }
}

fn insert_control(
    data: &mut serde_json::Map<String, Value>,
    control: Option<&PageControl>,
    language: Option<&str>,
) {
    let c = control.cloned().unwrap_or_default();
    data.insert("revision".into(), json!(c.revision));
    data.insert(
        "effective".into(),
        json!(c.effective.map(|d| d.to_string())),
    );
    data.insert("approvers".into(), json!(c.approvers.join(", ")));
    data.insert(
        "next_review".into(),
        json!(c.next_review.map(|d| d.to_string())),
    );
    data.insert("draft".into(), json!(c.draft.map(|d| d.said(language))));
    data.insert("follows".into(), json!(c.follows));
    let history: Vec<_> = c
        .history
        .iter()
        .rev()
        .map(|h| {
            json!({ "revision": h.revision, "effective": h.effective.to_string(), "summary": h.summary,
                    "author": h.author, "approvers": h.approvers.join(", "), "minor": h.minor })
        })
        .collect();
    data.insert("history".into(), json!(history));
}

fn what_changed_page(ctx: &Ctx<'_>) -> Result<String> {
    let url = "what-changed.html";
    let mut data = ctx.base(url);
    let rows: Vec<_> = ctx
        .ws
        .changed
        .iter()
        .map(|c| {
            let link = ctx.doc_link(url, &c.id);
            json!({ "id": c.id, "title": c.title, "url": link["url"], "revision": c.revision,
                    "effective": c.effective.to_string(), "summary": c.summary })
        })
        .collect();
    data.insert(
        "days".into(),
        json!(crate::manual::content::WHAT_CHANGED_DAYS),
    );
    data.insert("changes".into(), json!(rows));
    ctx.render("what-changed", Value::Object(data))
}

fn obsolete_page(ctx: &Ctx<'_>) -> Result<String> {
    let mut data = ctx.base("obsolete.html");
    let rows: Vec<_> = ctx
        .ws
        .obsolete
        .iter()
        .map(|o| {
            json!({ "id": o.id, "title": o.title, "revision": o.revision, "since": o.since.to_string(),
                    "reason": o.reason })
        })
        .collect();
    data.insert("documents".into(), json!(rows));
    ctx.render("obsolete", Value::Object(data))
}

fn section_page(ctx: &Ctx<'_>, section_id: &str, sops: &[&Sop]) -> Result<String> {
    let section = ctx.ws.config.section(section_id);
    let dir = section.map_or("", |s| s.dir.as_str());
    let url = format!("{dir}/index.html");
    let mut data = ctx.base(&url);
    let rows: Vec<_> = sops
        .iter()
        .map(|s| {
            let roles: Vec<_> = s.roles.iter().map(|r| ctx.role_name(r)).collect();
            json!({
                "id": s.id, "title": s.title, "url": rel(&url, &ctx.url(&s.id)),
                "owner": ctx.role_name(&s.owner), "roles": roles.join(", "),
                "review_interval": super::words::interval(ctx.ws.language.as_deref(), &s.review_interval),
            })
        })
        .collect();
    data.insert(
        "section".into(),
        json!({ "id": section_id, "title": section.map(|s| s.title.as_str()) }),
    );
    data.insert("sops".into(), json!(rows));
    ctx.render("section", Value::Object(data))
}

fn checklists_page(ctx: &Ctx<'_>) -> Result<String> {
    let url = "checklists/index.html";
    let mut data = ctx.base(url);
    let rows: Vec<_> = ctx
        .ws
        .checklists
        .iter()
        .map(|c| {
            json!({
                "id": c.id, "title": c.title, "url": rel(url, &ctx.url(&c.id)),
                "sop": c.sop.as_deref().map(|s| ctx.doc_link(url, s)),
                "applies_to": c.applies_to.join(", "), "items": c.items.len(),
            })
        })
        .collect();
    data.insert("checklists".into(), json!(rows));
    ctx.render("checklists", Value::Object(data))
}

/// The SOPs on a role's reading path, in order.
fn reading_path<'a>(ws: &'a Manual, role: &str) -> Vec<(u32, &'a Sop)> {
    let mut path: Vec<_> = ws
        .sops
        .iter()
        .flat_map(|s| {
            s.reading_path
                .iter()
                .filter(|o| o.role == role)
                .map(move |o| (o.order, s))
        })
        .collect();
    path.sort_by_key(|(order, s)| (*order, s.id.clone()));
    path
}

/// A role's reading path as links from `from`: `{order, id, title, url}`.
fn reading_path_links(ctx: &Ctx<'_>, from: &str, role: &str) -> Vec<Value> {
    reading_path(ctx.ws, role)
        .into_iter()
        .enumerate()
        .map(|(i, (_, s))| {
            let mut link = ctx.doc_link(from, &s.id);
            link["order"] = json!(i + 1);
            link["minutes"] = json!(crate::model::reading_minutes(s.words()));
            link
        })
        .collect()
}

/// The minutes to read a whole reading path.
fn total_minutes(path: &[Value]) -> u64 {
    path.iter().filter_map(|l| l["minutes"].as_u64()).sum()
}

fn reading_paths_page(ctx: &Ctx<'_>) -> Result<String> {
    let url = "reading-paths/index.html";
    let mut data = ctx.base(url);
    let roles: Vec<_> = ctx
        .ws
        .config
        .roles
        .iter()
        .map(|r| {
            let path = reading_path_links(ctx, url, &r.id);
            // `paths`: the ids alone, as workspaces' own templates of this page knew them.
            let ids: Vec<_> = path.iter().filter_map(|l| l["id"].as_str()).collect();
            let paths = if ids.is_empty() {
                "none yet".to_string()
            } else {
                ids.join(" → ")
            };
            json!({ "id": r.id, "name": r.name, "description": r.description,
                    "url": rel(url, &format!("reading-paths/{}.html", r.id)),
                    "total_minutes": total_minutes(&path),
                    "path": path, "paths": paths })
        })
        .collect();
    data.insert("roles".into(), json!(roles));
    ctx.render("reading-paths", Value::Object(data))
}

fn reading_path_page(ctx: &Ctx<'_>, role_id: &str) -> Result<String> {
    let url = format!("reading-paths/{role_id}.html");
    let mut data = ctx.base(&url);
    let role = ctx.ws.config.role(role_id);
    data.insert(
        "role".into(),
        json!({ "id": role_id, "name": role.map(|r| r.name.as_str()), "description": role.map(|r| r.description.as_str()) }),
    );
    let path = reading_path_links(ctx, &url, role_id);
    data.insert("total_minutes".into(), json!(total_minutes(&path)));
    data.insert("path".into(), json!(path));
    data.insert(
        "words_per_minute".into(),
        json!(crate::model::WORDS_PER_MINUTE),
    );
    ctx.render("reading-path", Value::Object(data))
}

fn by_role_page(ctx: &Ctx<'_>) -> Result<String> {
    let url = "by-role.html";
    let mut data = ctx.base(url);
    let ws = ctx.ws;
    let roles: Vec<_> = ws
        .config
        .roles
        .iter()
        .map(|r| {
            let sops: Vec<_> = ws
                .sops
                .iter()
                .filter(|s| s.roles.contains(&r.id) || s.owner == r.id)
                .map(|s| {
                    let mut link = ctx.doc_link(url, &s.id);
                    link["owner"] = json!(s.owner == r.id);
                    link
                })
                .collect();
            let checklists: Vec<_> = ws
                .checklists
                .iter()
                .filter(|c| inspector_roles(ctx, c).contains(&r.id))
                .map(|c| ctx.doc_link(url, &c.id))
                .collect();
            json!({ "id": r.id, "name": r.name, "sops": sops, "checklists": checklists })
        })
        .collect();
    data.insert("roles".into(), json!(roles));
    ctx.render("by-role", Value::Object(data))
}

/// The roles that fill in a checklist, as published: its `inspectors`, else
/// the roles of its procedure as this manual shows it.
fn inspector_roles<'a>(ctx: &Ctx<'a>, c: &'a Checklist) -> &'a [String] {
    let sop = c.sop.as_deref().and_then(|id| ctx.sops.get(id).copied());
    c.inspector_roles(sop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::Workspace;

    /// A workspace of two sections, the first holding `first` SOPs, and
    /// three checklists.
    fn workspace(first: usize) -> (tempfile::TempDir, Manual) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut config = String::from(
            "[organisation]\nname = \"Works\"\n\n[manual]\ntitle = \"Manual\"\n\n[[role]]\nid = \"op\"\nname = \"Operator\"\n\n",
        );
        for (id, dir) in [("QA", "quality"), ("SV", "service")] {
            config.push_str(&format!(
                "[[section]]\nid = \"{id}\"\ntitle = \"{dir}\"\ndir = \"{dir}\"\n\n"
            ));
        }
        std::fs::write(root.join("sopbook.toml"), config).unwrap();
        for (section, dir, n) in [("QA", "quality", first), ("SV", "service", 2)] {
            std::fs::create_dir_all(root.join("manual").join(dir)).unwrap();
            for i in 0..n {
                let text = format!(
                    "+++\nid = \"{section}-{i:03}\"\ntitle = \"Procedure {i}\"\nsection = \"{section}\"\nowner = \"op\"\nroles = [\"op\"]\nreview_interval = \"12 months\"\n+++\n\nDo it.\n"
                );
                std::fs::write(root.join(format!("manual/{dir}/p{i}.md")), text).unwrap();
            }
        }
        std::fs::create_dir_all(root.join("checklists")).unwrap();
        for c in 0..3 {
            let text = format!(
                "id = \"CL-{c:03}\"\ntitle = \"Checklist {c}\"\n\n[[item]]\nid = \"a\"\nprompt = \"Check\"\nkind = \"pass_fail\"\n"
            );
            std::fs::write(root.join(format!("checklists/c{c}.toml")), text).unwrap();
        }
        let ws = Workspace::load(root).unwrap();
        assert!(!ws.has_errors(), "{:?}", ws.diagnostics.first());
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let manual = Manual::working_copies(&ws, today);
        (dir, manual)
    }

    /// Every page a plan publishes, from the manual's root, sorted.
    fn addresses(books: &[BookPlan]) -> Vec<String> {
        let mut out: Vec<String> = books
            .iter()
            .flat_map(|b| {
                b.pages
                    .iter()
                    .map(move |p| format!("{}{}", b.folder, p.path))
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_page_has_the_same_address_in_one_book_and_in_many() {
        let (dir, ws) = workspace(CHUNK + 3);
        let hb = crate::manual::templates::engine(dir.path(), None).unwrap();
        let one = plan(&ws, &hb, usize::MAX).unwrap();
        let split = plan(&ws, &hb, 0).unwrap();
        assert_eq!(one.len(), 1);
        // Home, quality in two books, service, checklists.
        assert_eq!(split.len(), 5);
        assert_eq!(addresses(&one), addresses(&split));
        assert!(
            split[2]
                .pages
                .iter()
                .any(|p| p.path == format!("quality/p{}.md", CHUNK + 2)),
            "the second book of a section keeps the section's folder: {:?}",
            split[2].pages.iter().map(|p| &p.path).collect::<Vec<_>>()
        );
        assert!(split.iter().all(|b| b.folder.is_empty()));
    }

    #[test]
    fn every_book_of_a_split_manual_leads_to_every_section() {
        let (dir, ws) = workspace(CHUNK + 3);
        let hb = crate::manual::templates::engine(dir.path(), None).unwrap();
        let split = plan(&ws, &hb, 0).unwrap();
        for book in &split {
            for entry in [
                "(index.md)",
                "(quality/index.md)",
                "(service/index.md)",
                "(checklists/index.md)",
                "(reading-paths/index.md)",
                "(what-changed.md)",
            ] {
                assert!(
                    book.summary.contains(entry),
                    "the sidebar of {} has no {entry}:\n{}",
                    book.title,
                    book.summary
                );
            }
            // What the sidebar lists and the book does not hold is a stub,
            // and no page is both.
            let own: Vec<&str> = book.pages.iter().map(|p| p.path.as_str()).collect();
            for stub in &book.stubs {
                assert!(!own.contains(&stub.path.as_str()), "{} is both", stub.path);
                assert!(book.summary.contains(&format!("({})", stub.path)));
            }
        }
        // The second book of quality opens its own pages in the sidebar,
        // under the section, and the home book none of them.
        assert!(split[2].summary.contains(&format!(
            "- [quality](quality/index.md)\n    - [QA-{:03} Procedure {0}](quality/p{0}.md)",
            CHUNK
        )));
        assert!(!split[0].summary.contains("quality/p0.md"));
        assert!(split[0].is_home() && !split[1].is_home());
    }

    #[test]
    fn a_small_manual_is_one_book_without_stubs() {
        let (dir, ws) = workspace(2);
        let hb = crate::manual::templates::engine(dir.path(), None).unwrap();
        let one = plan(&ws, &hb, SPLIT_ABOVE).unwrap();
        assert_eq!(one.len(), 1);
        assert!(one[0].stubs.is_empty());
    }

    #[test]
    fn relative_urls() {
        assert_eq!(rel("index.html", "quality/a.html"), "quality/a.html");
        assert_eq!(rel("quality/a.html", "service/b.html"), "../service/b.html");
        assert_eq!(
            rel("quality/part-2/a.html", "index.html"),
            "../../index.html"
        );
    }
}
