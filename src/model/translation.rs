//! Languages and translations: a translation is a document of its own
//! (`QC-001.nb`) that names the source document and the source revision
//! it follows.

/// Which way a language's text runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }

    /// The usual direction of a language code: right-to-left for Hebrew,
    /// Arabic, Persian, Urdu and Yiddish.
    pub fn of(code: &str) -> Direction {
        let base = code.split('-').next().unwrap_or(code);
        if ["he", "ar", "fa", "ur", "yi"].contains(&base) {
            Direction::Rtl
        } else {
            Direction::Ltr
        }
    }
}

/// A language of the manual, from `[[language]]` in sopbook.toml.
#[derive(Debug, Clone, PartialEq)]
pub struct Language {
    /// `nb`, `he`, `zh-hans`: the suffix of translation files.
    pub code: String,
    /// "Norsk bokmål": how the language's readers call it.
    pub name: String,
    pub direction: Direction,
    /// The language documents are written in; one per workspace.
    pub source: bool,
    /// Who approves translations into it (with reading the language);
    /// empty: the roles of the source document's approval rule.
    pub approver_roles: Vec<String>,
}

/// What a translation is a translation of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationKind {
    Sop,
    Checklist,
}

/// The prompt and help of one checklist item, in another language.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemText {
    pub id: String,
    pub prompt: String,
    pub help: Option<String>,
}

/// A translation as written in the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// `QC-001.nb`: the id its revisions are recorded under.
    pub id: String,
    /// The source document, `QC-001`.
    pub source: String,
    /// The language code, from the file name.
    pub language: String,
    /// The source revision it translates.
    pub source_revision: i64,
    pub kind: TranslationKind,
    pub title: String,
    /// An SOP's Markdown after the front matter (empty for a checklist).
    pub body: String,
    /// A checklist's description.
    pub description: Option<String>,
    /// A checklist's items, in file order.
    pub items: Vec<ItemText>,
    pub path: String,
}

impl Translation {
    pub fn item(&self, id: &str) -> Option<&ItemText> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// `QC-001.nb` from `QC-001` and `nb`.
pub fn translation_id(source: &str, language: &str) -> String {
    format!("{source}.{language}")
}

/// `("QC-001", "nb")` from `QC-001.nb`; `None` for a source document's id.
pub fn split_translation_id(id: &str) -> Option<(&str, &str)> {
    id.split_once('.')
        .filter(|(s, l)| !s.is_empty() && !l.is_empty())
}

/// Whether an id names a translation rather than a source document.
pub fn is_translation_id(id: &str) -> bool {
    split_translation_id(id).is_some()
}

/// Whether a language code is well formed: lowercase letters, then
/// optionally `-` and letters or digits (`nb`, `zh-hans`, `pt-br`).
pub fn is_language_code(code: &str) -> bool {
    let (base, rest) = code.split_once('-').unwrap_or((code, ""));
    (2..=3).contains(&base.len())
        && base.bytes().all(|b| b.is_ascii_lowercase())
        && (code.len() == base.len()
            || (!rest.is_empty()
                && rest.len() <= 8
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_codes() {
        assert_eq!(translation_id("QC-001", "nb"), "QC-001.nb");
        assert_eq!(split_translation_id("CL-001.he"), Some(("CL-001", "he")));
        assert_eq!(split_translation_id("CL-001"), None);
        assert!(is_language_code("nb"));
        assert!(is_language_code("zh-hans"));
        assert!(!is_language_code("NB"));
        assert!(!is_language_code("n"));
        assert!(!is_language_code("nb-"));
        assert!(!is_language_code("../x"));
        assert_eq!(Direction::of("he"), Direction::Rtl);
        assert_eq!(Direction::of("ar-eg"), Direction::Rtl);
        assert_eq!(Direction::of("nb"), Direction::Ltr);
    }
}
