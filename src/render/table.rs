//! One column layout for every table the command line prints: columns
//! padded by display width (so Hebrew, Chinese and Norwegian names line up),
//! two spaces apart, numbers aligned right, no trailing spaces.

use unicode_width::UnicodeWidthStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A line of a table: cells, or a heading over the rows that follow.
#[derive(Debug, Clone)]
enum Row {
    Cells(Vec<String>),
    Heading(String),
}

/// A table with a header row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    align: Vec<Align>,
    rows: Vec<Row>,
    /// Columns wider than this are cut with "…".
    max_width: Vec<Option<usize>>,
    indent: usize,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            align: vec![Align::Left; headers.len()],
            max_width: vec![None; headers.len()],
            ..Table::default()
        }
    }

    /// Aligns column `c` to the right (counts, percentages).
    pub fn right(mut self, c: usize) -> Table {
        if let Some(a) = self.align.get_mut(c) {
            *a = Align::Right;
        }
        self
    }

    /// Cuts column `c` at `width` display columns.
    pub fn max(mut self, c: usize, width: usize) -> Table {
        if let Some(m) = self.max_width.get_mut(c) {
            *m = Some(width.max(1));
        }
        self
    }

    /// Spaces before every line.
    pub fn indent(mut self, n: usize) -> Table {
        self.indent = n;
        self
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(Row::Cells(cells));
    }

    /// A line of its own, not indented, over the rows that follow (the
    /// columns stay aligned across headings).
    pub fn heading(&mut self, text: String) {
        self.rows.push(Row::Heading(text));
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as lines of text, header first (none when `headers` is empty).
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let cell = |row: &[String], c: usize| -> String {
            let text = super::visible(row.get(c).map_or("", String::as_str)).into_owned();
            match self.max_width[c] {
                Some(w) => cut(&text, w),
                None => text,
            }
        };
        let rows: Vec<Option<Vec<String>>> = self
            .rows
            .iter()
            .map(|r| match r {
                Row::Cells(r) => Some((0..n).map(|c| cell(r, c)).collect()),
                Row::Heading(_) => None,
            })
            .collect();
        let widths: Vec<usize> = (0..n)
            .map(|c| {
                rows.iter()
                    .flatten()
                    .map(|r| r[c].width())
                    .chain([self.headers[c].width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let mut text = " ".repeat(self.indent);
            for (c, cell) in cells.iter().enumerate() {
                let pad = " ".repeat(widths[c].saturating_sub(cell.width()));
                if c > 0 {
                    text.push_str("  ");
                }
                match self.align[c] {
                    Align::Left => {
                        text.push_str(cell);
                        text.push_str(&pad);
                    }
                    Align::Right => {
                        text.push_str(&pad);
                        text.push_str(cell);
                    }
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        if self.headers.iter().any(|h| !h.is_empty()) {
            line(&mut out, &self.headers);
        }
        for (r, row) in rows.iter().zip(&self.rows) {
            match (r, row) {
                (Some(cells), _) => line(&mut out, cells),
                (None, Row::Heading(h)) => {
                    out.push_str(super::visible(h).trim_end());
                    out.push('\n');
                }
                (None, Row::Cells(_)) => {}
            }
        }
        out
    }

    /// Prints the table on standard output.
    pub fn print(&self) {
        anstream::print!("{}", self.render());
    }
}

/// `s` cut to `width` display columns, ending in "…" when cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width() {
        let mut t = Table::new(&["ID", "NAME", "N"]).right(2);
        t.row(vec!["a".into(), "Åse".into(), "7".into()]);
        t.row(vec!["bb".into(), "王伟".into(), "10".into()]);
        t.row(vec!["c".into(), "דנה".into(), "".into()]);
        assert_eq!(
            t.render(),
            "ID  NAME   N\na   Åse    7\nbb  王伟  10\nc   דנה\n"
        );
    }

    #[test]
    fn long_cells_are_cut_and_controls_shown() {
        let mut t = Table::new(&["T"]).max(0, 5);
        t.row(vec!["abcdefgh".into()]);
        t.row(vec!["a\u{1b}[2J".into()]);
        assert_eq!(t.render(), "T\nabcd…\na\\u{…\n");
        assert_eq!(cut("王伟王伟", 5), "王伟…");
    }
}
