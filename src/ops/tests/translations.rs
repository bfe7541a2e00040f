//! Translations: who approves them, when they go stale, what `check` finds
//! in them, and an inspection shown in another language.

use super::*;
use crate::model::records::DocKind;
use crate::ops::translations::{self as tr, TranslationState, TranslationsInput};

/// The test workspace with English as the source, Norwegian and Hebrew to
/// translate into; bob reads Norwegian, ida works in Norwegian.
fn bench() -> Bench {
    let mut b = Bench::new();
    let config = CONFIG
        .replace(
            "name = \"Bob Approver\"",
            "name = \"Bob Approver\"\nreads = [\"nb\"]",
        )
        .replace(
            "name = \"Ida Inspector\"",
            "name = \"Ida Inspector\"\nlanguage = \"nb\"",
        );
    let config = format!(
        "{config}\n[[language]]\ncode = \"en\"\nname = \"English\"\nsource = true\n\n[[language]]\ncode = \"nb\"\nname = \"Norsk bokmål\"\n\n[[language]]\ncode = \"he\"\nname = \"עברית\"\n"
    );
    b.put("sopbook.toml", &config);
    b
}

const QC_001_NB: &str = "manual/quality/final-inspection.nb.md";
const CL_001_NB: &str = "checklists/final-inspection.nb.toml";

fn sop_translation(revision: i64) -> String {
    format!(
        "+++\ntranslates = \"QC-001\"\nrevision = {revision}\ntitle = \"Sluttkontroll\"\n+++\n\n## Steg\n\n1. Ta enheten av linjen.\n"
    )
}

fn checklist_translation(items: &str) -> String {
    format!("translates = \"CL-001\"\nrevision = 1\ntitle = \"Sluttkontroll\"\n{items}")
}

const ALL_ITEMS: &str = "\n[item.label]\nprompt = \"Etikett på plass og lesbar\"\nhelp = \"Se etter riper\"\n\n[item.length]\nprompt = \"Total lengde\"\n\n[item.finish]\nprompt = \"Overflate\"\n";

impl Bench {
    /// Writes a workspace file and reloads the workspace.
    fn put(&mut self, rel: &str, text: &str) {
        write(self.dir.path(), rel, text);
        self.ctx
            .set_workspace(Workspace::load(self.dir.path()).unwrap());
    }

    fn release_as(&mut self, id: &str, summary: &str, minor: bool) {
        docs::release(
            &mut self.ctx,
            ReleaseInput {
                id,
                summary,
                effective: None,
                minor,
                actor: "ann",
            },
        )
        .unwrap();
    }

    fn row(&mut self, id: &str, language: &str) -> tr::TranslationRow {
        tr::translations(&mut self.ctx, TranslationsInput::default())
            .unwrap()
            .rows
            .into_iter()
            .find(|r| r.document == id && r.language == language)
            .unwrap_or_else(|| panic!("no row for {id} in {language}"))
    }
}

#[test]
fn a_translation_is_approved_by_someone_who_reads_its_language() {
    let mut b = bench();
    b.make_effective("QC-001");
    b.put(QC_001_NB, &sop_translation(1));
    let r = b.release("QC-001.nb", "ann").unwrap();
    assert_eq!((r.record.as_str(), r.required), ("QC-001.nb rev 1", 1));
    let refused = b.approve("QC-001.nb", "cay").unwrap_err();
    assert_eq!(refused.kind, ErrorKind::Refused);
    assert!(
        refused.message.contains("reads its language, `nb`"),
        "{}",
        refused.message
    );
    let a = b.approve("QC-001.nb", "bob").unwrap();
    assert_eq!(a.effective, Some(b.ctx.today()));
    let status = b.status("QC-001.nb");
    assert_eq!(status.effective_revision, Some(1));
    assert_eq!(status.title.as_deref(), Some("Sluttkontroll"));
    let records = b.ctx.store().unwrap().records().unwrap();
    let rev = records
        .revisions
        .iter()
        .find(|r| r.doc_id == "QC-001.nb")
        .unwrap();
    assert_eq!((rev.kind, rev.path.as_str()), (DocKind::Sop, QC_001_NB));
}

#[test]
fn a_substantive_source_revision_makes_a_translation_stale_and_a_minor_one_does_not() {
    let mut b = bench();
    // r1, and its translation.
    b.make_effective("QC-001");
    b.put(QC_001_NB, &sop_translation(1));
    b.release("QC-001.nb", "ann").unwrap();
    b.approve("QC-001.nb", "bob").unwrap();
    let row = b.row("QC-001", "nb");
    assert_eq!(row.state, TranslationState::Current);
    assert_eq!(
        (row.translated_revision, row.translation_revision),
        (Some(1), Some(1))
    );
    assert_eq!(b.row("QC-001", "he").state, TranslationState::Missing);
    // A minor r2: still current.
    b.on(2026, 3, 3);
    b.amend("QC-001", "3. Wipe the label.");
    b.release_as("QC-001", "Typo in step 3", true);
    b.approve("QC-001", "bob").unwrap();
    b.approve("QC-001", "cay").unwrap();
    let row = b.row("QC-001", "nb");
    assert_eq!(row.state, TranslationState::Current);
    assert_eq!(row.source_revision, 2);
    assert_eq!(row.changes.len(), 1);
    assert!(row.changes[0].minor);
    assert_eq!(row.diff, None);
    // A substantive r3: stale since 3, with the source's diff since r1.
    b.on(2026, 3, 4);
    b.amend("QC-001", "4. Weigh the unit.");
    b.release_as("QC-001", "Added the weighing", false);
    b.approve("QC-001", "bob").unwrap();
    b.approve("QC-001", "cay").unwrap();
    let row = b.row("QC-001", "nb");
    assert_eq!(row.state, TranslationState::Stale);
    assert_eq!(row.stale_since, Some(3));
    assert_eq!(row.translated_revision, Some(1));
    let summaries: Vec<_> = row.changes.iter().map(|c| c.summary.as_str()).collect();
    assert_eq!(summaries, ["Typo in step 3", "Added the weighing"]);
    let diff = row.diff.unwrap();
    assert!(diff.contains("--- QC-001 rev 1"), "{diff}");
    assert!(diff.contains("+++ QC-001 rev 3"), "{diff}");
    assert!(diff.contains("+3. Wipe the label."), "{diff}");
    assert!(diff.contains("+4. Weigh the unit."), "{diff}");
    let view = tr::translations(
        &mut b.ctx,
        TranslationsInput {
            language: Some("nb"),
        },
    )
    .unwrap();
    assert_eq!(view.stale(), 1);
    assert_eq!(view.languages.len(), 1);
    // Retranslated from r3: current again.
    b.put(QC_001_NB, &sop_translation(3));
    b.release("QC-001.nb", "ann").unwrap();
    // A draft meanwhile does not hide that the one in force is stale.
    assert_eq!(b.row("QC-001", "nb").state, TranslationState::Stale);
    b.approve("QC-001.nb", "bob").unwrap();
    let row = b.row("QC-001", "nb");
    assert_eq!(row.state, TranslationState::Current);
    assert_eq!(
        (row.translated_revision, row.translation_revision),
        (Some(3), Some(2))
    );
}

#[test]
fn a_translation_released_but_not_approved_is_a_draft() {
    let mut b = bench();
    b.make_effective("QC-001");
    b.put(QC_001_NB, &sop_translation(1));
    assert_eq!(b.row("QC-001", "nb").state, TranslationState::Draft);
    b.release("QC-001.nb", "ann").unwrap();
    assert_eq!(b.row("QC-001", "nb").state, TranslationState::Draft);
}

#[test]
fn check_finds_unknown_and_untranslated_items_and_a_source_revision_never_recorded() {
    let mut b = bench();
    b.checklist_in_force();
    let text = checklist_translation(
        "\n[item.label]\nprompt = \"Etikett\"\n\n[item.colour]\nprompt = \"Farge\"\n\n[item.length]\nprompt = \"Lengde\"\n",
    );
    b.put(CL_001_NB, &text);
    let ws = b.ctx.workspace().unwrap();
    let found = tr::check_files(&mut b.ctx, &ws);
    let seen: Vec<_> = found
        .iter()
        .map(|d| (d.code, &text[d.span.clone().unwrap()], d.message.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "unknown-item",
                "colour",
                "CL-001 rev 1 has no item `colour`"
            ),
            (
                "untranslated-item",
                "\"CL-001\"",
                "item `finish` of CL-001 rev 1 is not translated"
            ),
        ]
    );
    let text = text.replace("revision = 1", "revision = 4");
    b.put(CL_001_NB, &text);
    let ws = b.ctx.workspace().unwrap();
    let found = tr::check_files(&mut b.ctx, &ws);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].code, "unknown-source-revision");
    assert_eq!(found[0].message, "CL-001 has no revision 4");
    assert_eq!(&text[found[0].span.clone().unwrap()], "4");
    // Releasing it is refused for the same reason.
    let e = b.release("CL-001.nb", "ann").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
}

#[test]
fn the_workspace_names_a_translation_into_an_unknown_language_or_of_an_unknown_document() {
    let mut b = bench();
    b.put(
        "checklists/final-inspection.sv.toml",
        &checklist_translation(ALL_ITEMS),
    );
    b.put(
        "manual/quality/final-inspection.he.md",
        &sop_translation(1).replace("QC-001", "QC-404"),
    );
    let ws = b.ctx.workspace().unwrap();
    let found: Vec<_> = ws
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| {
            (
                d.file.as_deref().unwrap_or_default(),
                d.code,
                d.message.as_str(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "checklists/final-inspection.sv.toml",
                "unknown-language",
                "`sv` is not a language of sopbook.toml"
            ),
            (
                "manual/quality/final-inspection.he.md",
                "unknown-source",
                "this translates `QC-404`, but no SOP has that id"
            ),
        ]
    );
}

#[test]
fn an_inspection_in_norwegian_records_exactly_what_one_in_english_does() {
    let mut b = bench();
    b.checklist_in_force();
    b.put(CL_001_NB, &checklist_translation(ALL_ITEMS));
    b.release("CL-001.nb", "ann").unwrap();
    b.approve("CL-001.nb", "bob").unwrap();
    let start = |b: &mut Bench, lot: &str, lang: Option<&str>| {
        ins::start_in(
            &mut b.ctx,
            StartInput {
                checklist: "CL-001",
                lot,
                serial: None,
                inspector: "ida",
                station: "bench-1",
                reinspect: None,
            },
            lang,
        )
        .unwrap()
    };
    // ida works in Norwegian: her own language without asking.
    let nb = start(&mut b, "L1", None);
    assert_eq!(nb.checklist.title, "Sluttkontroll");
    assert_eq!(nb.checklist.items[0].prompt, "Etikett på plass og lesbar");
    assert_eq!(
        nb.checklist.items[0].help.as_deref(),
        Some("Se etter riper")
    );
    let shown = nb.language.clone().unwrap();
    assert_eq!(
        (shown.language.as_str(), shown.translation_revision),
        ("nb", Some(1))
    );
    let en = start(&mut b, "L2", Some("en"));
    assert_eq!(en.checklist.items[0].prompt, "Label present and legible");
    assert!(en.language.is_none());
    assert_eq!(en.revision.id, nb.revision.id);
    let a = ins::record(&mut b.ctx, &nb, &entries_of(LONG), &[]).unwrap();
    let c = ins::record(&mut b.ctx, &en, &entries_of(LONG), &[]).unwrap();
    assert_eq!((a.revision, a.verdict), (c.revision, c.verdict));
    let results = |b: &mut Bench, id| {
        let mut rows = b.ctx.store().unwrap().item_results(id).unwrap();
        for r in &mut rows {
            r.inspection_id = 0;
        }
        serde_json::to_string(&rows).unwrap()
    };
    assert_eq!(results(&mut b, a.id), results(&mut b, c.id));
    // Hebrew has no translation in force: the form is as written, with a note.
    let he = start(&mut b, "L3", Some("he"));
    assert_eq!(he.checklist.items[0].prompt, "Label present and legible");
    let note = he.language.unwrap().note.unwrap();
    assert!(note.contains("ל-CL-001 אין עדיין תרגום לעברית"), "{note}");
    let e = ins::start_in(
        &mut b.ctx,
        StartInput {
            checklist: "CL-001",
            lot: "L4",
            serial: None,
            inspector: "ida",
            station: "bench-1",
            reinspect: None,
        },
        Some("xx"),
    )
    .unwrap_err();
    assert_eq!(e.message, "`xx` is not a language of sopbook.toml");
}

#[test]
fn a_reading_is_signed_for_the_source_not_its_translation() {
    let mut b = bench();
    b.make_effective("QC-001");
    b.put(QC_001_NB, &sop_translation(1));
    b.release("QC-001.nb", "ann").unwrap();
    b.approve("QC-001.nb", "bob").unwrap();
    let e = crate::ops::training::ack(&mut b.ctx, "QC-001.nb", "ida").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert_eq!(e.hint.as_deref(), Some("`sopbook ack QC-001`"));
}

#[test]
fn a_reader_reads_a_current_translation_and_the_source_when_it_is_stale_or_missing() {
    use crate::ops::reading;
    let mut b = bench();
    b.make_effective("QC-001");
    // No translation yet: the source's text, and why.
    let doc = reading::document(&mut b.ctx, "ida", "QC-001", Some("nb")).unwrap();
    let t = doc.in_language.as_ref().unwrap();
    assert_eq!(
        (t.state, t.name.as_str(), t.text.as_deref()),
        (TranslationState::Missing, "Norsk bokmål", None)
    );
    assert!(!doc.translated());
    // Current: its title and text, to sign for the source's revision.
    b.put(QC_001_NB, &sop_translation(1));
    b.release("QC-001.nb", "ann").unwrap();
    let doc = reading::document(&mut b.ctx, "ida", "QC-001", Some("nb")).unwrap();
    assert_eq!(
        doc.in_language.as_ref().map(|t| t.state),
        Some(TranslationState::Draft),
        "released, not approved"
    );
    b.approve("QC-001.nb", "bob").unwrap();
    let doc = reading::document(&mut b.ctx, "ida", "QC-001", Some("nb")).unwrap();
    assert!(doc.translated());
    let t = doc.in_language.as_ref().unwrap();
    assert_eq!(t.title.as_deref(), Some("Sluttkontroll"));
    assert_eq!(
        t.text.as_deref(),
        Some("\n## Steg\n\n1. Ta enheten av linjen.\n")
    );
    assert_eq!((doc.revision, t.translation_revision), (1, Some(1)));
    assert!(doc.text.contains("## Steps"), "the source's text stays");
    let list = reading::page(&mut b.ctx, "ida", Some("nb")).unwrap();
    let titles: Vec<_> = list
        .to_read
        .iter()
        .map(|r| (r.required.doc_id.as_str(), r.translated_title.as_deref()))
        .collect();
    assert!(
        titles.contains(&("QC-001", Some("Sluttkontroll"))),
        "{titles:?}"
    );
    // The source language, or none: no translation.
    for language in [None, Some("en")] {
        let doc = reading::document(&mut b.ctx, "ida", "QC-001", language).unwrap();
        assert!(doc.in_language.is_none(), "{language:?}");
    }
    // A substantive source revision: stale, and not given to read.
    b.on(2026, 3, 4);
    b.amend("QC-001", "4. Weigh the unit.");
    b.release_as("QC-001", "Added the weighing", false);
    b.approve("QC-001", "bob").unwrap();
    b.approve("QC-001", "cay").unwrap();
    let doc = reading::document(&mut b.ctx, "ida", "QC-001", Some("nb")).unwrap();
    let t = doc.in_language.as_ref().unwrap();
    assert_eq!(
        (
            t.state,
            t.stale_since,
            t.translated_revision,
            t.text.as_deref()
        ),
        (TranslationState::Stale, Some(2), Some(1), None)
    );
    assert!(!doc.translated());
    let list = reading::page(&mut b.ctx, "ida", Some("nb")).unwrap();
    assert!(list.to_read.iter().all(|r| r.translated_title.is_none()));
    // Signing is for the source's revision in force, whatever was read.
    let signed = crate::ops::training::ack(&mut b.ctx, "QC-001", "ida").unwrap();
    assert_eq!((signed.doc_id.as_str(), signed.revision), ("QC-001", 2));
}
