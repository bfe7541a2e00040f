//! CSV over a table's cells: what `--csv` prints and what `sopbook serve`'s
//! CSV downloads send, written the same way.

use crate::error::{Error, Result};

/// Writes `headers`, then each row, as CSV.
pub fn write<W: std::io::Write>(out: W, headers: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let failed = |e: csv::Error| Error::invalid(e.to_string());
    w.write_record(headers).map_err(failed)?;
    for row in rows {
        w.write_record(row).map_err(failed)?;
    }
    w.flush()?;
    Ok(())
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
    fn fields_with_commas_and_quotes_are_quoted() {
        let rows = vec![vec!["a,b".to_string(), "say \"hi\"".to_string()]];
        assert_eq!(
            super::text(&["ONE", "TWO"], &rows).unwrap(),
            "ONE,TWO\n\"a,b\",\"say \"\"hi\"\"\"\n"
        );
    }
}
