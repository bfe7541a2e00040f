//! The training matrix as tables: the rows of `sopbook training` (and of
//! its `--csv`) and of the CSV that `sopbook serve`'s training page sends,
//! and the compliance per person, role and section.

use crate::ops::training::{Cell, Grid, Matrix, Standing};

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

/// A grid cell in a terminal: `✓` current, `r2` read revision 2 (since
/// changed), `✗` never read, `·` not required.
pub fn grid_mark(c: &Cell) -> String {
    match (c.standing, c.read_revision) {
        (Standing::Current, _) => "✓".to_string(),
        (Standing::Outdated, Some(n)) => format!("r{n}"),
        (Standing::Outdated, None) | (Standing::Missing, _) => "✗".to_string(),
        (Standing::NotRequired, _) => "·".to_string(),
    }
}

/// The same in a CSV cell: words a spreadsheet filter can pick.
pub fn grid_word(c: &Cell) -> String {
    match (c.standing, c.read_revision) {
        (Standing::Current, Some(n)) => format!("current (read rev {n})"),
        (Standing::Current, None) => "current".to_string(),
        (Standing::Outdated, Some(n)) => format!("outdated (read rev {n})"),
        (Standing::Outdated, None) | (Standing::Missing, _) => "missing".to_string(),
        (Standing::NotRequired, _) => "not required".to_string(),
    }
}

/// The grid's header: person, name, then each document with its revision
/// in force (`QC-001 r3`).
pub fn grid_headers(g: &Grid) -> Vec<String> {
    ["PERSON".to_string(), "NAME".to_string()]
        .into_iter()
        .chain(
            g.documents
                .iter()
                .map(|d| format!("{} r{}", d.doc_id, d.revision)),
        )
        .collect()
}

/// One row of cells per person under [`grid_headers`], each cell made by `cell`.
pub fn grid_cells(g: &Grid, cell: fn(&Cell) -> String) -> Vec<Vec<String>> {
    g.people
        .iter()
        .map(|p| {
            [p.person.clone(), p.name.clone()]
                .into_iter()
                .chain(p.cells.iter().map(cell))
                .collect()
        })
        .collect()
}
