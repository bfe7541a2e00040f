//! The domain, pure: sections, roles, SOPs, checklists and their items.
//! Nothing here reads files; see `workspace` for that.

pub mod control;
pub mod inspection;
mod interval;
pub mod records;
pub mod sampling;
pub mod translation;

pub use interval::{Interval, IntervalUnit};

/// How fast sopbook assumes people read a procedure, for reading times.
pub const WORDS_PER_MINUTE: usize = 200;

/// The words of a text: its runs of letters, digits and signs between spaces.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Whole minutes to read `words` at [`WORDS_PER_MINUTE`], rounded up, at
/// least one.
pub fn reading_minutes(words: usize) -> u32 {
    u32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(u32::MAX)
}

/// A role people have in the company; SOPs apply to roles.
#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub id: String,
    pub name: String,
    pub description: String,
}

/// Someone who can sign: author, approve, review, inspect.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub roles: Vec<String>,
    /// The first day they work here: nothing is due for them before it.
    pub start: Option<chrono::NaiveDate>,
    /// The last day they work here: after it they sign nothing and drop out
    /// of the training matrix; their records stay.
    pub until: Option<chrono::NaiveDate>,
    /// The language they read best (a code of `[[language]]`): `inspect`
    /// shows them checklists in it.
    pub language: Option<String>,
    /// Other languages they read, besides `language` (an approver of
    /// translations into them).
    pub reads: Vec<String>,
}

impl Person {
    /// Whether they had left by `today` (worked here until a day before it).
    pub fn left_by(&self, today: chrono::NaiveDate) -> bool {
        self.until.is_some_and(|u| u < today)
    }

    /// Whether they read `language`: their own language or one of `reads`.
    pub fn reads(&self, language: &str) -> bool {
        self.language.as_deref() == Some(language) || self.reads.iter().any(|l| l == language)
    }
}

/// How many approvals a revision needs, and from which roles.
/// No roles listed: anyone but the author may approve.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalRule {
    pub required: u32,
    pub roles: Vec<String>,
}

/// A section of the manual; its id is the prefix of its SOPs' ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub id: String,
    pub title: String,
    /// Folder under `manual/`.
    pub dir: String,
}

/// A place in a role's reading path: the procedures a new colleague in that
/// role reads first, in order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReadingPathSlot {
    pub role: String,
    pub order: u32,
}

/// What the training records need of a released text: who must read it,
/// where it sits and how long it takes. Derived from the text alone, so
/// the store keeps them beside each revision at release
/// (`Store::keep_text_facts`) and training need not read every text again;
/// `audit verify` derives them again and compares.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct TextFacts {
    /// Whether the text parsed; one that does not is for nobody.
    pub parsed: bool,
    /// An SOP's `roles`; a checklist's own `inspectors`.
    pub roles: Vec<String>,
    /// An SOP's places in reading paths.
    pub reading_path: Vec<ReadingPathSlot>,
    /// An SOP's section.
    pub section: Option<String>,
    /// A checklist's procedure.
    pub sop: Option<String>,
    /// The words a reader reads.
    pub words: usize,
}

/// A standard operating procedure as written in the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Sop {
    pub id: String,
    pub title: String,
    pub section: String,
    pub owner: String,
    pub roles: Vec<String>,
    pub review_interval: Interval,
    pub related: Vec<String>,
    pub checklists: Vec<String>,
    pub reading_path: Vec<ReadingPathSlot>,
    /// The Markdown after the front matter.
    pub body: String,
    /// Workspace-relative path of the file, with `/` separators.
    pub path: String,
    /// File name without `.md`.
    pub slug: String,
}

/// A QC checklist as written in the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Checklist {
    pub id: String,
    pub title: String,
    pub sop: Option<String>,
    pub applies_to: Vec<String>,
    pub description: Option<String>,
    /// The roles that may inspect with it; empty: the roles its SOP applies to.
    pub inspectors: Vec<String>,
    pub items: Vec<Item>,
    pub path: String,
    pub slug: String,
    /// Lots inspected by sampling plan (`[sampling]`).
    pub sampling: Option<sampling::SamplingPlan>,
}

impl Sop {
    /// The words a reader reads: the title and the text.
    pub fn words(&self) -> usize {
        word_count(&self.title) + word_count(&self.body)
    }
}

impl Checklist {
    /// The words a reader reads: the title, the description and each
    /// item's prompt and help.
    pub fn words(&self) -> usize {
        word_count(&self.title)
            + self.description.as_deref().map_or(0, word_count)
            + self
                .items
                .iter()
                .map(|i| word_count(&i.prompt) + i.help.as_deref().map_or(0, word_count))
                .sum::<usize>()
    }

    /// The roles that fill in this checklist: its own `inspectors`, else the
    /// roles its procedure `sop` (as in force) applies to; empty lets anyone.
    pub fn inspector_roles<'a>(&'a self, sop: Option<&'a Sop>) -> &'a [String] {
        if !self.inspectors.is_empty() {
            return &self.inspectors;
        }
        sop.map_or(&[], |s| s.roles.as_slice())
    }
}

/// One thing to check.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub prompt: String,
    pub help: Option<String>,
    pub critical: bool,
    pub kind: ItemKind,
    /// Its class of nonconformity under a sampling plan; unset: critical
    /// items are critical, the others major.
    pub class: Option<sampling::DefectClass>,
}

impl Item {
    /// The class a failure of this item counts in.
    pub fn defect_class(&self) -> sampling::DefectClass {
        self.class.unwrap_or(if self.critical {
            sampling::DefectClass::Critical
        } else {
            sampling::DefectClass::Major
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    PassFail,
    Measure {
        unit: String,
        nominal: Option<f64>,
        /// The specification limits.
        lower: Option<f64>,
        upper: Option<f64>,
        /// The natural bounds: no value can lie beyond them (a pressure drop
        /// is never negative). Control limits beyond them are drawn at them.
        lower_bound: Option<f64>,
        upper_bound: Option<f64>,
    },
    Choice {
        options: Vec<String>,
        pass: Vec<String>,
    },
    Count {
        max: u32,
    },
    Text,
}

impl ItemKind {
    /// The name used in checklist files.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::PassFail => "pass_fail",
            ItemKind::Measure { .. } => "measure",
            ItemKind::Choice { .. } => "choice",
            ItemKind::Count { .. } => "count",
            ItemKind::Text => "text",
        }
    }

    /// The specification in words, as printed on a form: "3.8 – 4.2 bar (nominal 4.0)".
    pub fn spec(&self) -> String {
        match self {
            ItemKind::PassFail => "pass / fail".to_string(),
            ItemKind::Measure {
                unit,
                nominal,
                lower,
                upper,
                ..
            } => {
                let limits = match (lower, upper) {
                    (Some(l), Some(u)) => format!("{} – {} {unit}", num(*l), num(*u)),
                    (Some(l), None) => format!("≥ {} {unit}", num(*l)),
                    (None, Some(u)) => format!("≤ {} {unit}", num(*u)),
                    (None, None) => unit.clone(),
                };
                match nominal {
                    Some(n) => format!("{limits} (nominal {})", num(*n)),
                    None => limits,
                }
            }
            ItemKind::Choice { pass, .. } => format!("pass: {}", pass.join(", ")),
            ItemKind::Count { max } => format!("at most {max}"),
            ItemKind::Text => "record".to_string(),
        }
    }
}

/// A number as a person writes it: no trailing `.0` noise, no float artefacts.
pub fn num(x: f64) -> String {
    let s = format!("{x}");
    if s.contains('e') {
        format!("{x:.6}")
    } else {
        s
    }
}

/// The id rule for SOPs and checklists: two to five capital letters, a dash,
/// three or more digits. Nothing path-like can pass it.
pub fn is_document_id(id: &str) -> bool {
    let Some((prefix, number)) = id.split_once('-') else {
        return false;
    };
    (2..=5).contains(&prefix.len())
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && number.len() >= 3
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// Ids of roles, items and the like: lowercase letters, digits and `-`,
/// starting with a letter.
pub fn is_slug_id(id: &str) -> bool {
    let mut bytes = id.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z'))
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A file name from a title: lowercase letters and digits joined by `-`.
/// Letters outside ASCII are kept (`første-dag`), so titles in any script work.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "untitled".to_string()
    } else {
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_ids() {
        assert!(is_document_id("QC-003"));
        assert!(is_document_id("ONBRD-1234"));
        assert!(!is_document_id("Q-003"));
        assert!(!is_document_id("QC-03"));
        assert!(!is_document_id("qc-003"));
        assert!(!is_document_id("../x"));
        assert!(!is_document_id("QC-003/.."));
        assert!(!is_document_id("QC-00a"));
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Final inspection: by a second person"),
            "final-inspection-by-a-second-person"
        );
        assert_eq!(slugify("Første dag på jobben"), "første-dag-på-jobben");
        assert_eq!(slugify("--"), "untitled");
        assert!(is_slug_id("cs-rep"));
        assert!(!is_slug_id("CS rep"));
        assert!(!is_slug_id("1st"));
    }

    #[test]
    fn specs_read_like_a_form() {
        let m = ItemKind::Measure {
            unit: "bar".into(),
            nominal: Some(4.0),
            lower: Some(3.8),
            upper: Some(4.2),
            lower_bound: None,
            upper_bound: None,
        };
        assert_eq!(m.spec(), "3.8 – 4.2 bar (nominal 4)");
        let low = ItemKind::Measure {
            unit: "MΩ".into(),
            nominal: None,
            lower: Some(2.0),
            upper: None,
            lower_bound: Some(0.0),
            upper_bound: None,
        };
        assert_eq!(low.spec(), "≥ 2 MΩ");
    }
}
