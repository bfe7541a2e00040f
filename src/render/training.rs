//! The training matrix as a table: the rows of `sopbook training` (and of
//! its `--csv`) and of the CSV that `sopbook serve`'s training page sends.

use crate::ops::training::Matrix;

/// The columns of the training matrix.
pub const MATRIX_HEADERS: &[&str] = &[
    "PERSON",
    "DOCUMENT",
    "REV",
    "STATE",
    "READ REV",
    "READ ON",
    "DUE SINCE",
];

/// One row of cells per person and document, under [`MATRIX_HEADERS`].
pub fn matrix_cells(m: &Matrix) -> Vec<Vec<String>> {
    m.rows
        .iter()
        .map(|r| {
            vec![
                r.person.clone(),
                r.doc_id.clone(),
                r.revision.to_string(),
                r.state.as_str().to_string(),
                r.acknowledged_revision
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                r.acknowledged_on.map(|d| d.to_string()).unwrap_or_default(),
                r.due_since.to_string(),
            ]
        })
        .collect()
}
