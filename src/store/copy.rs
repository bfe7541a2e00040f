//! The records table by table, value by value: what `sopbook db copy`
//! reads from one store and writes into another. Rows are copied as they
//! are stored, never rebuilt from their types, so every row hashes as it
//! did and every event, seal and signature verifies on both sides.

use std::fmt::Write as _;

/// One stored value. A boolean is kept as SQLite keeps it (0 or 1);
/// PostgreSQL reads `0` and `1` as booleans.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// Where `Store::dump` sends each row: (table, column names, values).
pub type RowSink<'a> = &'a mut dyn FnMut(&'static str, &[String], Vec<Cell>) -> anyhow::Result<()>;

/// The columns a table's rows are read in order of: the order they were
/// recorded in.
pub fn key_of(table: &str) -> &'static str {
    match table {
        "events" => "seq",
        "item_results" | "attachments" => "inspection_id, position",
        _ => "id",
    }
}

/// A column name quoted for SQL (both backends quote alike).
pub fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `rows` in PostgreSQL's `COPY ... FROM STDIN` text format, appended to `out`.
pub fn copy_text(rows: &[Vec<Cell>], out: &mut String) {
    for row in rows {
        for (k, cell) in row.iter().enumerate() {
            if k > 0 {
                out.push('\t');
            }
            match cell {
                Cell::Null => out.push_str("\\N"),
                Cell::Int(i) => {
                    let _ = write!(out, "{i}");
                }
                // Rust prints the shortest text that reads back as the same
                // double, and PostgreSQL reads it back exactly.
                Cell::Real(f) if f.is_nan() => out.push_str("NaN"),
                Cell::Real(f) if f.is_infinite() => {
                    out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
                }
                Cell::Real(f) => {
                    let _ = write!(out, "{f:?}");
                }
                Cell::Text(t) => escape_into(out, t),
            }
        }
        out.push('\n');
    }
}

/// `text` as a field of `COPY` text, appended to `out`.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_copy_reads_specially() {
        let mut out = String::new();
        copy_text(
            &[vec![
                Cell::Int(7),
                Cell::Null,
                Cell::Real(0.1),
                Cell::Text("a\tb\\c\nd\re".into()),
            ]],
            &mut out,
        );
        assert_eq!(out, "7\t\\N\t0.1\ta\\tb\\\\c\\nd\\re\n");
    }

    #[test]
    fn a_double_is_written_so_that_it_reads_back_the_same() {
        for f in [120.0, 0.1 + 0.2, 1e300, -2.5e-310, 119.99999999999999] {
            let mut out = String::new();
            copy_text(&[vec![Cell::Real(f)]], &mut out);
            let back: f64 = out.trim_end().parse().unwrap();
            assert_eq!(back.to_bits(), f.to_bits(), "{out}");
        }
    }

    #[test]
    fn quoted_doubles_quotes() {
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
