//! CSV over a table's cells: what `--csv` prints and what `sopbook serve`'s
//! CSV downloads send, written the same way.
//!
//! These files are opened in spreadsheets, which run a cell starting with
//! `=`, `+`, `-` or `@` as a formula. A lot number or a note typed on the
//! floor must not become one: such a cell gets a `'` in front (what
//! spreadsheets show as text), unless it is a plain number such as `-0.05`.

use std::borrow::Cow;

use crate::error::{Error, Result};

/// Writes `headers`, then each row, as CSV.
pub fn write<W: std::io::Write>(out: W, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| Error::invalid(e.to_string());
    w.write_record(headers).map_err(failed)?;
    for row in rows {
        w.write_record(row.iter().map(|cell| defused(cell).into_owned()))
            .map_err(failed)?;
    }
    w.flush()?;
    Ok(())
}

/// `cell`, with a `'` in front where a spreadsheet would run it as a formula.
fn defused(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && cell.trim().parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The CSV of `headers` and `rows`, as text.
pub fn text(headers: &[&str], rows: &[Vec<String>]) -> Result<String> {
    let mut out = Vec::new();
    write(&mut out, headers, rows)?;
    String::from_utf8(out).map_err(|e| Error::invalid(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_cell_a_spreadsheet_would_run_is_text_and_numbers_stay_numbers() {
        let rows = vec![vec![
            "=HYPERLINK(\"http://x\")".to_string(),
            "+1+2".to_string(),
            "@SUM(A1)".to_string(),
            "-0.05".to_string(),
            "-".to_string(),
            "L-7".to_string(),
        ]];
        assert_eq!(
            super::text(&["A", "B", "C", "D", "E", "F"], &rows).unwrap(),
            "A,B,C,D,E,F\n\"'=HYPERLINK(\"\"http://x\"\")\",'+1+2,'@SUM(A1),-0.05,'-,L-7\n"
        );
    }

    #[test]
    fn fields_with_commas_and_quotes_are_quoted() {
        let rows = vec![vec!["a,b".to_string(), "say \"hi\"".to_string()]];
        assert_eq!(
            super::text(&["ONE", "TWO"], &rows).unwrap(),
            "ONE,TWO\n\"a,b\",\"say \"\"hi\"\"\"\n"
        );
    }
}
