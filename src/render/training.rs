//! The training matrix as tables: the rows of `sopbook training` (and of
//! its `--csv`) and of the CSV that `sopbook serve`'s training page sends,
//! and the compliance per person, role and section.

use crate::ops::training::Matrix;

/// The columns of the training matrix.
pub const MATRIX_HEADERS: &[&str] = &[
    "PERSON",
    "DOCUMENT",
    "SECTION",
    "REV",
    "STATE",
    "READ REV",
    "READ ON",
    "DUE SINCE",
    "DAYS DUE",
];

/// The columns of the compliance table.
pub const COMPLIANCE_HEADERS: &[&str] = &["GROUP", "ID", "NAME", "CURRENT", "REQUIRED", "PERCENT"];

/// One row of cells per person and document, under [`MATRIX_HEADERS`].
pub fn matrix_cells(m: &Matrix) -> Vec<Vec<String>> {
    m.rows
        .iter()
        .map(|r| {
            vec![
                r.person.clone(),
                r.doc_id.clone(),
                r.section.clone().unwrap_or_default(),
                r.revision.to_string(),
                r.state.as_str().to_string(),
                r.acknowledged_revision
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                r.acknowledged_on.map(|d| d.to_string()).unwrap_or_default(),
                r.due_since.to_string(),
                r.days_due.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect()
}

/// Compliance per person, then per role, then per section, under
/// [`COMPLIANCE_HEADERS`]; a percentage is `-` where nothing is required.
pub fn compliance_cells(m: &Matrix) -> Vec<Vec<String>> {
    let pct = |p: Option<u32>| p.map_or_else(|| "-".to_string(), |p| p.to_string());
    m.compliance
        .iter()
        .map(|c| {
            (
                "person", &c.person, &c.name, c.current, c.required, c.percent,
            )
        })
        .chain(
            m.by_role
                .iter()
                .map(|g| ("role", &g.id, &g.name, g.current, g.required, g.percent)),
        )
        .chain(
            m.by_section
                .iter()
                .map(|g| ("section", &g.id, &g.name, g.current, g.required, g.percent)),
        )
        .map(|(group, id, name, current, required, percent)| {
            vec![
                group.to_string(),
                id.clone(),
                name.clone(),
                current.to_string(),
                required.to_string(),
                pct(percent),
            ]
        })
        .collect()
}
