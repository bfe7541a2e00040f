//! The few sentences a translated edition of the manual says to its
//! reader in their own language: a page not translated yet, a translation
//! that follows an older revision, the label of the language switcher.
//! Languages without their own words here get English ones.

use crate::manual::escape::html_text;

/// One language's sentences. `{…}` marks are filled in by [`fill`].
struct Words {
    /// `{source}`: the source language's name.
    missing: &'static str,
    /// `{id}`, `{follows}`, `{changed}`, `{summary}`, `{link}`.
    stale: &'static str,
    /// The words of the link to the source page in force.
    link: &'static str,
    /// The switcher's label for screen readers.
    languages: &'static str,
}

const ENGLISH: Words = Words {
    missing: "This page has not been translated yet. It is shown as written, in {source}.",
    stale: "This translation follows revision {follows} of {id}. Revision {changed} has changed it since: {summary}. What counts is {link}.",
    link: "the page in force",
    languages: "Languages",
};

const NORWEGIAN: Words = Words {
    missing: "Denne siden er ikke oversatt ennå. Den vises slik den er skrevet, på {source}.",
    stale: "Denne oversettelsen følger revisjon {follows} av {id}. Revisjon {changed} har endret den siden: {summary}. Det som gjelder, er {link}.",
    link: "siden slik den gjelder nå",
    languages: "Språk",
};

const HEBREW: Words = Words {
    missing: "דף זה עדיין לא תורגם. הוא מוצג כפי שנכתב, ב{source}.",
    stale: "תרגום זה עוקב אחר גרסה {follows} של {id}. גרסה {changed} שינתה אותו מאז: {summary}. הנוסח המחייב הוא {link}.",
    link: "הדף בתוקף",
    languages: "שפות",
};

fn words(code: &str) -> &'static Words {
    match code.split('-').next().unwrap_or(code) {
        "nb" | "nn" | "no" => &NORWEGIAN,
        "he" => &HEBREW,
        _ => &ENGLISH,
    }
}

fn fill(text: &str, marks: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (mark, value) in marks {
        out = out.replace(&format!("{{{mark}}}"), value);
    }
    out
}

/// The note on a page shown in the source language because its
/// translation into `code` is missing (HTML).
pub fn missing(code: &str, source_name: &str) -> String {
    fill(
        &html_text(words(code).missing),
        &[("source", &html_text(source_name))],
    )
}

/// The banner of a stale translation into `code` (HTML); `{source_url}`
/// is left for the page to fill in with the address of the source page.
pub fn stale(code: &str, id: &str, follows: i64, changed: i64, summary: &str) -> String {
    let w = words(code);
    let link = format!("<a href=\"{{source_url}}\">{}</a>", html_text(w.link));
    fill(
        &html_text(w.stale),
        &[
            ("id", &html_text(id)),
            ("follows", &follows.to_string()),
            ("changed", &changed.to_string()),
            ("summary", &html_text(summary)),
            ("link", &link),
        ],
    )
}

/// The label of the language switcher, in the page's language.
pub fn languages(code: &str) -> &'static str {
    words(code).languages
}

/// The labels of a page's control block, in the page's language.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Labels {
    pub id: &'static str,
    pub revision: &'static str,
    pub effective: &'static str,
    pub next_review: &'static str,
    pub section: &'static str,
    pub owner: &'static str,
    pub approved_by: &'static str,
    pub applies_to: &'static str,
    pub checklists: &'static str,
    pub items: &'static str,
    pub critical: &'static str,
    pub procedure: &'static str,
    pub filled_in_by: &'static str,
    pub used_in: &'static str,
    pub not_released: &'static str,
    pub not_in_force: &'static str,
    pub every: &'static str,
    /// Before the source revision a translation follows.
    pub translation_follows: &'static str,
    // The manual's own pages and the sidebar's parts.
    pub home: &'static str,
    pub procedures: &'static str,
    pub forms_and_training: &'static str,
    pub reading_paths: &'static str,
    pub by_role: &'static str,
    pub what_changed: &'static str,
    pub obsolete_documents: &'static str,
    pub quality_dashboard: &'static str,
    pub training_status: &'static str,
    /// A checklist's print button, and what it does.
    pub print_form: &'static str,
    pub print_form_title: &'static str,
}

const ENGLISH_LABELS: Labels = Labels {
    id: "ID",
    revision: "Revision",
    effective: "Effective",
    next_review: "Next review",
    section: "Section",
    owner: "Owner",
    approved_by: "Approved by",
    applies_to: "Applies to",
    checklists: "Checklists",
    items: "Items",
    critical: "critical",
    procedure: "Procedure",
    filled_in_by: "Filled in by",
    used_in: "Used in",
    not_released: "not released",
    not_in_force: "not in force",
    every: "every",
    translation_follows: "Translation follows revision",
    home: "Home",
    procedures: "Procedures",
    forms_and_training: "Forms and training",
    reading_paths: "Reading paths",
    by_role: "By role",
    what_changed: "What changed",
    obsolete_documents: "Obsolete documents",
    quality_dashboard: "Quality dashboard",
    training_status: "Training status",
    print_form: "Print this form",
    print_form_title: "Prints this form alone, with its id, revision and page numbers on every page",
};

const NORWEGIAN_LABELS: Labels = Labels {
    id: "ID",
    revision: "Revisjon",
    effective: "Gjelder fra",
    next_review: "Neste gjennomgang",
    section: "Del",
    owner: "Eier",
    approved_by: "Godkjent av",
    applies_to: "Gjelder for",
    checklists: "Sjekklister",
    items: "Punkter",
    critical: "kritiske",
    procedure: "Prosedyre",
    filled_in_by: "Fylles ut av",
    used_in: "Brukes i",
    not_released: "ikke utgitt",
    not_in_force: "ikke gjeldende",
    every: "hver",
    translation_follows: "Oversettelsen følger revisjon",
    home: "Hjem",
    procedures: "Prosedyrer",
    forms_and_training: "Skjemaer og opplæring",
    reading_paths: "Lesestier",
    by_role: "Etter rolle",
    what_changed: "Hva er endret",
    obsolete_documents: "Utgåtte dokumenter",
    quality_dashboard: "Kvalitetsoversikt",
    training_status: "Opplæringsstatus",
    print_form: "Skriv ut skjemaet",
    print_form_title: "Skriver ut bare dette skjemaet, med id, revisjon og sidetall på hver side",
};

const HEBREW_LABELS: Labels = Labels {
    id: "מזהה",
    revision: "גרסה",
    effective: "בתוקף מ",
    next_review: "סקירה הבאה",
    section: "פרק",
    owner: "אחראי",
    approved_by: "אושר על ידי",
    applies_to: "חל על",
    checklists: "רשימות תיוג",
    items: "סעיפים",
    critical: "קריטיים",
    procedure: "נוהל",
    filled_in_by: "ממולא על ידי",
    used_in: "בשימוש ב",
    not_released: "לא פורסם",
    not_in_force: "לא בתוקף",
    every: "כל",
    translation_follows: "התרגום עוקב אחר גרסה",
    home: "דף הבית",
    procedures: "נהלים",
    forms_and_training: "טפסים והדרכה",
    reading_paths: "מסלולי קריאה",
    by_role: "לפי תפקיד",
    what_changed: "מה השתנה",
    obsolete_documents: "מסמכים שבוטלו",
    quality_dashboard: "לוח בקרת איכות",
    training_status: "מצב הדרכה",
    print_form: "הדפסת הטופס",
    print_form_title: "מדפיס את הטופס הזה בלבד, עם המזהה, הגרסה ומספרי העמודים בכל עמוד",
};

/// The control block's labels in the language `code` (English without one).
pub fn labels(code: Option<&str>) -> Labels {
    match code.map(|c| c.split('-').next().unwrap_or(c)) {
        Some("nb" | "nn" | "no") => NORWEGIAN_LABELS,
        Some("he") => HEBREW_LABELS,
        _ => ENGLISH_LABELS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_in_the_readers_language_and_escaped() {
        assert_eq!(
            stale("nb", "QC-001", 1, 3, "<b>Leak</b> test"),
            "Denne oversettelsen følger revisjon 1 av QC-001. Revisjon 3 har endret den siden: &lt;b&gt;Leak&lt;/b&gt; test. Det som gjelder, er <a href=\"{source_url}\">siden slik den gjelder nå</a>."
        );
        assert!(missing("he", "English").ends_with("בEnglish."));
        assert!(missing("ru", "English").starts_with("This page"));
        assert_eq!(labels(Some("nb")).revision, "Revisjon");
        assert_eq!(labels(Some("he")).effective, "בתוקף מ");
        assert_eq!(labels(None).revision, "Revision");
    }
}
