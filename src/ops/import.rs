//! `sopbook inspections import`: many inspections from a CSV file. The whole
//! file is checked and staged first, while the floor goes on recording;
//! then everything is moved into the records in one transaction, the only
//! time the import holds the write lock, or nothing is.
//!
//! Two layouts, told apart by the header:
//! - one row per item result: `checklist,lot,serial,inspector,station,recorded_at,item,value,note`
//!   (consecutive rows with the same first six columns are one inspection);
//! - one row per inspection: `checklist,lot,serial,inspector,station,recorded_at` and then one
//!   column per item id, holding its value (and optionally `note:<item>` columns).
//!
//! `serial`, `station`, `recorded_at` and `note` may be left out or empty;
//! `recorded_at` is RFC 3339 or `YYYY-MM-DD[ HH:MM]` in local time (default: now). An
//! optional `reinspects` column names the failed inspection a row re-inspects.
//!
//! Every refusal names the file, the line the row starts on and, where there is one, the
//! column, and nothing is recorded. Refused:
//! - anything but a regular file (a named pipe, a device, a folder), before it is read;
//! - a quoted field that is never closed or whose closing quote is followed by more text
//!   (the CSV reader would silently take the rest of the file into one field), and a row
//!   longer than [`MAX_ROW`]. [`Watch`] follows the bytes on their way to the CSV reader
//!   for these, and for the line each row starts on (the reader's own positions are off
//!   after blank lines and in files with CRLF line ends);
//! - a header with a column twice, a column the layout has no use for, a `note:<item>`
//!   column without the item's column;
//! - in a workspace, an inspector who is not a person in `sopbook.toml`;
//! - a `recorded_at` before 2000 or more than an hour after now;
//! - a `reinspects` that does not name a failed inspection of the same checklist recorded
//!   before the import. When the header has a `reinspects` column the file is read twice:
//!   first for these ids, which are checked against the records, then to import;
//! - in the one-row-per-inspection layout, a checklist with an item whose id is one of the
//!   layouts' column names ([`COLUMNS`]): its column cannot be told from the inspection's.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fs::{File, FileType};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use super::Context;
use super::documents::rev_name;
use super::inspections::{
    Entry, Header, check_reinspection, effective_checklist, parse_ins, prepare_with,
};
use crate::error::{Error, ErrorKind, Result};
use crate::model::Checklist;
use crate::model::control::local_date;
use crate::model::inspection::check_label;
use crate::store::{BatchHeader, NewInspection, Records, RevisionRow, Store};

/// What an import recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Imported {
    pub file: String,
    pub inspections: usize,
    /// How many failed; each opened a nonconformance.
    pub failed: usize,
}

/// The column names of the two layouts: the item ids `sopbook check`
/// refuses for this reason.
pub use crate::workspace::RESERVED_ITEM_IDS as COLUMNS;

/// The longest row accepted, in bytes: no field grows without bound.
pub const MAX_ROW: u64 = 1 << 20;

/// The most rows one inspection may have in the one-row-per-item layout.
const MAX_ITEM_ROWS: usize = 10_000;

/// How many inspections the reader hands to the writer at a time.
const CHUNK: usize = 512;

/// Records every inspection in the CSV file at `file`, or none.
pub fn import(ctx: &mut Context, file: &Path, person: &str) -> Result<Imported> {
    let shown = file.display().to_string();
    let people = match ctx.root() {
        Some(_) => Some(ctx.people()?),
        None => None,
    };
    if let Some(people) = &people
        && !people.iter().any(|p| p.id == person)
    {
        return Err(
            Error::not_found(format!("`{person}` is not a person in sopbook.toml"))
                .with_hint(super::people_hint(people)),
        );
    }
    let inspectors = people.map(|people| Inspectors {
        ids: people.iter().map(|p| p.id.clone()).collect(),
        hint: format!(
            "the inspector must be a person in sopbook.toml; {}",
            super::people_hint(&people)
        ),
    });
    let source = open(file, &shown)?;
    ctx.sync_roster()?;
    let now = ctx.now();
    let mut lots = super::lots::trackers(ctx)?;
    let (inspections, failed) = import_file(
        ctx.store()?,
        &source,
        &shown,
        person,
        now,
        inspectors.as_ref(),
        &mut lots,
    )?;
    // Units of lots opened by plan: a lot their sample now decides closes.
    let _ = super::lots::after_record(ctx, person, &lots.touched());
    Ok(Imported {
        file: shown,
        inspections,
        failed,
    })
}

/// The people who may be named as inspectors, in a workspace.
struct Inspectors {
    ids: HashSet<String>,
    hint: String,
}

/// Opens `file` if it is a regular file (after following symbolic links):
/// a named pipe or a device would be read for ever.
fn open(file: &Path, shown: &str) -> Result<File> {
    let cannot = |e: std::io::Error| {
        Error::invalid(format!("cannot read `{shown}`: {e}; nothing was imported"))
            .with_hint("give the path of a CSV file")
    };
    regular(&std::fs::metadata(file).map_err(cannot)?, shown)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Should the path be swapped for a named pipe after the look above, opening it must not wait for a writer.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let source = options.open(file).map_err(cannot)?;
    regular(&source.metadata().map_err(cannot)?, shown)?;
    Ok(source)
}

fn regular(meta: &std::fs::Metadata, shown: &str) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "`{shown}` is {}, not a regular file; nothing was imported",
        file_kind(meta.file_type())
    ))
    .with_hint("import a CSV file saved on disk: export the inspections to a file first"))
}

fn file_kind(t: FileType) -> &'static str {
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

/// `file:line: column N (name): message; nothing was imported`, with the
/// error's kind and hint. (A value's own message says what it must be.)
fn refuse(file: &str, line: u64, column: Option<(usize, &str)>, e: Error) -> Error {
    let place = match column {
        Some((c, name)) => format!("column {} ({name}): ", c + 1),
        None => String::new(),
    };
    let out = Error::new(
        e.kind,
        format!("{file}:{line}: {place}{}; nothing was imported", e.message),
    );
    match &e.hint {
        Some(h) => out.with_hint(h.clone()),
        None => out,
    }
}

/// Gives `e` a hint if it has none.
fn or_hint(e: Error, hint: &str) -> Error {
    if e.hint.is_some() {
        e
    } else {
        e.with_hint(hint)
    }
}

fn invalid(message: impl Into<String>, hint: impl Into<String>) -> Error {
    Error::invalid(message).with_hint(hint)
}

// ---------------------------------------------------------------------------
// The bytes on their way to the CSV reader.

/// Where the CSV reader is in its input: csv-core's states for the default
/// delimiter `,`, quote `"` (doubled inside a quoted field) and line ends
/// (`\r`, `\n` or both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Between rows; line ends here are blank lines, which the reader skips.
    RowStart,
    FieldStart,
    Field,
    Quoted,
    /// A quote inside a quoted field: the end of the field, or the first of two.
    QuoteInQuoted,
    /// Spaces after a closing quote (the reader keeps them, and trims them).
    Closed,
}

/// What the CSV reader would accept silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// A quoted field that starts on `line` reaches the end of the file.
    Unclosed { line: u64 },
    /// A quoted field that starts on `line` is closed on line `at` and followed by more text.
    AfterQuote { line: u64, at: u64 },
    /// The row starting on `line` is longer than [`MAX_ROW`].
    TooLong { line: u64 },
}

impl Problem {
    fn error(self, file: &str) -> Error {
        let (line, e) = match self {
            Problem::Unclosed { line } => (
                line,
                invalid(
                    "a quoted field starts here and is never closed",
                    "end the field with a quote (\"); a quote inside a quoted field is written twice (\"\")",
                ),
            ),
            Problem::AfterQuote { line, at } => (
                line,
                invalid(
                    if at == line {
                        "a quoted field starts here and its closing quote is followed by more text"
                            .to_string()
                    } else {
                        format!(
                            "a quoted field starts here and its closing quote, on line {at}, is followed by more text"
                        )
                    },
                    "inside a quoted field a quote is written twice (\"\"); after the closing quote comes a comma or the end of the line",
                ),
            ),
            Problem::TooLong { line } => (
                line,
                invalid(
                    format!(
                        "the row that starts here is longer than {} MiB",
                        MAX_ROW >> 20
                    ),
                    "a row holds one inspection or one item result; look for a quote that is never closed",
                ),
            ),
        };
        refuse(file, line, None, e)
    }
}

/// A reader that follows the bytes it hands on to the CSV reader the way
/// the CSV reader parses them: the line each row starts on, a quoted field
/// never closed or closed too early, a row too long (reading stops there).
struct Watch<R> {
    inner: R,
    scan: Scan,
    /// The line of the next byte.
    line: u64,
    /// Where the last quoted field started.
    quote_line: u64,
    /// The offset of the next byte, and where the current row started.
    offset: u64,
    row_start: u64,
    row_line: u64,
    /// The lines the rows read so far start on, not yet taken.
    starts: VecDeque<u64>,
    problem: Option<Problem>,
}

impl<R: Read> Watch<R> {
    fn new(inner: R) -> Watch<R> {
        Watch {
            inner,
            scan: Scan::RowStart,
            line: 1,
            quote_line: 1,
            offset: 0,
            row_start: 0,
            row_line: 1,
            starts: VecDeque::new(),
            problem: None,
        }
    }

    fn found(&mut self, problem: Problem) {
        self.problem.get_or_insert(problem);
    }

    /// The end of a row at `offset`.
    fn row_end(&mut self, offset: u64) -> Scan {
        if offset - self.row_start > MAX_ROW {
            self.found(Problem::TooLong {
                line: self.row_line,
            });
        }
        Scan::RowStart
    }

    fn field_start(&mut self, b: u8, offset: u64, line: u64) -> Scan {
        match b {
            b'"' => {
                self.quote_line = line;
                Scan::Quoted
            }
            b',' => Scan::FieldStart,
            b'\r' | b'\n' => self.row_end(offset),
            _ => Scan::Field,
        }
    }

    fn follow(&mut self, bytes: &[u8]) {
        let (mut scan, mut line) = (self.scan, self.line);
        for (i, &b) in bytes.iter().enumerate() {
            let offset = self.offset + i as u64;
            scan = match scan {
                Scan::RowStart => match b {
                    b'\r' | b'\n' => Scan::RowStart,
                    _ => {
                        self.starts.push_back(line);
                        self.row_start = offset;
                        self.row_line = line;
                        self.field_start(b, offset, line)
                    }
                },
                Scan::FieldStart => self.field_start(b, offset, line),
                Scan::Field => match b {
                    b',' => Scan::FieldStart,
                    b'\r' | b'\n' => self.row_end(offset),
                    _ => Scan::Field,
                },
                Scan::Quoted if b == b'"' => Scan::QuoteInQuoted,
                Scan::Quoted => Scan::Quoted,
                Scan::QuoteInQuoted | Scan::Closed => match b {
                    b'"' if scan == Scan::QuoteInQuoted => Scan::Quoted,
                    b' ' | b'\t' => Scan::Closed,
                    b',' => Scan::FieldStart,
                    b'\r' | b'\n' => self.row_end(offset),
                    _ => {
                        self.found(Problem::AfterQuote {
                            line: self.quote_line,
                            at: line,
                        });
                        Scan::Field
                    }
                },
            };
            line += u64::from(b == b'\n');
        }
        self.offset += bytes.len() as u64;
        (self.scan, self.line) = (scan, line);
        if scan != Scan::RowStart && self.offset - self.row_start > MAX_ROW {
            self.found(Problem::TooLong {
                line: self.row_line,
            });
        }
    }
}

impl<R: Read> Read for Watch<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let too_long = || std::io::Error::other("a row is too long");
        if matches!(self.problem, Some(Problem::TooLong { .. })) {
            return Err(too_long());
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            if matches!(self.scan, Scan::Quoted) {
                let line = self.quote_line;
                self.found(Problem::Unclosed { line });
            }
            return Ok(0);
        }
        self.follow(&buf[..n]);
        if matches!(self.problem, Some(Problem::TooLong { .. })) {
            return Err(too_long());
        }
        Ok(n)
    }
}

/// The rows of the file, one at a time, each with the line it starts on.
struct Rows<'f> {
    file: &'f str,
    reader: csv::Reader<Watch<&'f File>>,
    /// The row last read.
    record: csv::StringRecord,
}

impl<'f> Rows<'f> {
    fn new(source: &'f File, file: &'f str) -> Rows<'f> {
        Rows {
            file,
            reader: csv::ReaderBuilder::new()
                .has_headers(false)
                .trim(csv::Trim::All)
                .from_reader(Watch::new(source)),
            record: csv::StringRecord::new(),
        }
    }

    /// Reads the next row (the header first) into `record`; the line it
    /// starts on, or `None` at the end of the file.
    fn next(&mut self) -> Result<Option<u64>> {
        let read = self.reader.read_record(&mut self.record);
        let fallback = self.reader.position().line();
        let watch = self.reader.get_mut();
        if let Some(problem) = watch.problem {
            return Err(problem.error(self.file));
        }
        let line = match &read {
            Ok(false) => return Ok(None),
            Ok(true) | Err(_) => watch.starts.pop_front().unwrap_or(fallback),
        };
        match read {
            Ok(_) => Ok(Some(line)),
            Err(e) => Err(csv_error(self.file, line, e)),
        }
    }
}

fn csv_error(file: &str, line: u64, e: csv::Error) -> Error {
    let (message, hint) = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => (
            format!("this row has {len} fields and the header has {expected_len}"),
            "give every row one field per column of the header; put a value that holds a comma in quotes",
        ),
        csv::ErrorKind::Utf8 { err, .. } => (
            format!("field {} is not valid UTF-8", err.field() + 1),
            "save the file as UTF-8 (\"CSV UTF-8\" in a spreadsheet)",
        ),
        csv::ErrorKind::Io(io) => {
            return invalid(
                format!("cannot read `{file}`: {io}; nothing was imported"),
                "make sure the file can be read, then import it again",
            );
        }
        _ => (e.to_string(), "save the file as CSV, then import it again"),
    };
    refuse(file, line, None, invalid(message, hint))
}

// ---------------------------------------------------------------------------
// The header.

/// Which column holds what.
struct Layout {
    names: Vec<String>,
    checklist: usize,
    lot: usize,
    inspector: usize,
    serial: Option<usize>,
    station: Option<usize>,
    at: Option<usize>,
    reinspects: Option<usize>,
    shape: Shape,
}

enum Shape {
    /// One row per item result.
    Long {
        item: usize,
        value: usize,
        note: Option<usize>,
    },
    /// One row per inspection: (value column, its `note:<item>` column).
    Wide { values: Vec<(usize, Option<usize>)> },
}

const HEADER_HINT: &str = "the first row names the columns: checklist,lot,serial,inspector,station,recorded_at and then one column per item (or item,value,note for one row per item result)";

impl Layout {
    fn read(rows: &mut Rows<'_>) -> Result<Layout> {
        let file = rows.file;
        let Some(line) = rows.next()? else {
            return Err(invalid(
                format!("`{file}` is empty; nothing was imported"),
                HEADER_HINT,
            ));
        };
        let names: Vec<String> = rows.record.iter().map(str::to_string).collect();
        let at = |c: usize, message: String, hint: &str| {
            refuse(
                file,
                line,
                Some((c, names[c].as_str())),
                invalid(message, hint),
            )
        };
        for (c, name) in names.iter().enumerate() {
            if name.is_empty() {
                return Err(refuse(
                    file,
                    line,
                    None,
                    invalid(format!("column {} has no name", c + 1), HEADER_HINT),
                ));
            }
            if let Some(first) = names[..c].iter().position(|n| n == name) {
                return Err(at(
                    c,
                    format!("`{name}` is column {} already", first + 1),
                    "name each column once",
                ));
            }
        }
        let col = |name: &str| names.iter().position(|h| h == name);
        let required = |name: &str| {
            col(name).ok_or_else(|| {
                refuse(
                    file,
                    line,
                    None,
                    invalid(format!("the header has no `{name}` column"), HEADER_HINT),
                )
            })
        };
        let (checklist, lot, inspector) = (
            required("checklist")?,
            required("lot")?,
            required("inspector")?,
        );
        let shape = match (col("item"), col("value")) {
            (Some(item), Some(value)) => {
                if let Some(c) = names.iter().position(|n| !COLUMNS.contains(&n.as_str())) {
                    return Err(at(
                        c,
                        format!(
                            "with `item` and `value` columns a row holds one item result; `{}` is not one of its columns ({})",
                            names[c],
                            COLUMNS.join(", ")
                        ),
                        "remove the column, or import one row per inspection with a column per item and no item and value columns",
                    ));
                }
                Shape::Long {
                    item,
                    value,
                    note: col("note"),
                }
            }
            (Some(c), None) | (None, Some(c)) => {
                return Err(at(
                    c,
                    "one row per item result needs both an `item` and a `value` column".into(),
                    "add the missing column, or import one row per inspection with a column per item; a checklist item called `item` or `value` can only be imported with one row per item result",
                ));
            }
            (None, None) => {
                let mut values = Vec::new();
                for (c, name) in names.iter().enumerate() {
                    if name == "note" {
                        return Err(at(
                            c,
                            "a `note` column belongs to one row per item result (with `item` and `value` columns); with a column per item, notes go in `note:<item>` columns".into(),
                            "rename the column to note:<item>; a checklist item called `note` can only be imported with one row per item result",
                        ));
                    }
                    if let Some(item) = name.strip_prefix("note:") {
                        let is_item = |c: usize| {
                            !COLUMNS.contains(&names[c].as_str()) && !names[c].starts_with("note:")
                        };
                        if !col(item).is_some_and(is_item) {
                            return Err(at(
                                c,
                                format!("there is no item column `{item}` for this note"),
                                "a note:<item> column needs a column <item> with the item's values; correct the name or remove the column",
                            ));
                        }
                        continue;
                    }
                    if COLUMNS.contains(&name.as_str()) {
                        continue;
                    }
                    values.push((c, col(&format!("note:{name}"))));
                }
                if values.is_empty() {
                    return Err(refuse(
                        file,
                        line,
                        None,
                        invalid("the header has no item columns", HEADER_HINT),
                    ));
                }
                Shape::Wide { values }
            }
        };
        Ok(Layout {
            checklist,
            lot,
            inspector,
            serial: col("serial"),
            station: col("station"),
            at: col("recorded_at"),
            reinspects: col("reinspects"),
            shape,
            names,
        })
    }

    fn name(&self, c: usize) -> (usize, &str) {
        (c, self.names[c].as_str())
    }
}

// ---------------------------------------------------------------------------
// Rows to inspections.

/// The fields that make rows one inspection, in this order.
const CHECKLIST: usize = 0;
const LOT: usize = 1;
const SERIAL: usize = 2;
const INSPECTOR: usize = 3;
const STATION: usize = 4;
const AT: usize = 5;
const REINSPECTS: usize = 6;

/// One inspection read from the file, not yet checked.
struct Pending {
    /// The line its (first) row starts on.
    line: u64,
    key: [String; 7],
    entries: Vec<Entry>,
    /// One row per item result: the line of each entry.
    lines: Vec<u64>,
}

/// Re-inspected ids and the row's checklist, checked against the records before the import.
type Reinspections = HashMap<(i64, String), Result<()>>;

/// What checking an inspection needs, shared with the reading thread.
struct Check<'a> {
    file: &'a str,
    layout: &'a Layout,
    records: &'a Records,
    inspectors: Option<&'a Inspectors>,
    reinspections: &'a Reinspections,
    now: DateTime<Utc>,
}

type Cache = HashMap<(String, NaiveDate), (RevisionRow, Checklist)>;

/// Returns (inspections recorded, how many failed).
fn import_file(
    store: &mut dyn Store,
    source: &File,
    shown: &str,
    person: &str,
    now: DateTime<Utc>,
    inspectors: Option<&Inspectors>,
    lots: &mut super::lots::Trackers,
) -> Result<(usize, usize)> {
    let mut rows = Rows::new(source, shown);
    let layout = Layout::read(&mut rows)?;
    let mut reinspections = Reinspections::new();
    if let Some(c) = layout.reinspects {
        reinspections = check_reinspections(store, &mut rows, &layout, c)?;
        let mut again = source;
        again.seek(SeekFrom::Start(0)).map_err(|e| {
            invalid(
                format!("cannot read `{shown}` again: {e}; nothing was imported"),
                "make sure the file can be read, then import it again",
            )
        })?;
        rows = Rows::new(source, shown);
        if rows.next()?.is_none()
            || rows
                .record
                .iter()
                .ne(layout.names.iter().map(String::as_str))
        {
            return Err(changed(shown));
        }
    }
    let records = store.records()?;
    let check = Check {
        file: shown,
        layout: &layout,
        records: &records,
        inspectors,
        reinspections: &reinspections,
        now,
    };
    // Inspections travel in chunks: one channel message per row cost more than it saved.
    let (tx, rx) = std::sync::mpsc::sync_channel::<anyhow::Result<Vec<NewInspection>>>(16);
    // One thread reads, groups and checks rows while this one stages them
    // in the store; a problem anywhere in the file leaves nothing recorded.
    let result = std::thread::scope(|scope| {
        let check = &check;
        let reader_thread = scope.spawn(move || {
            // The reader owns the sender: when it finishes, the channel closes and the writer stops.
            let tx = tx;
            let fail = |e: Error| {
                let _ = tx.send(Err(anyhow::Error::new(e)));
            };
            let layout = check.layout;
            let mut cache = Cache::new();
            let mut current: Option<Pending> = None;
            let mut chunk: Vec<NewInspection> = Vec::with_capacity(CHUNK);
            let mut total = 0;
            let mut send = |p: Pending, cache: &mut Cache| -> bool {
                match check.prepare(&p, cache) {
                    Ok(new) => {
                        total += 1;
                        chunk.push(new);
                        chunk.len() < CHUNK
                            || tx
                                .send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK))))
                                .is_ok()
                    }
                    Err(e) => {
                        fail(e);
                        false
                    }
                }
            };
            loop {
                let line = match rows.next() {
                    Ok(Some(line)) => line,
                    Ok(None) => break,
                    Err(e) => return fail(e),
                };
                let record = &rows.record;
                let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("").to_string();
                let key = [
                    get(Some(layout.checklist)),
                    get(Some(layout.lot)),
                    get(layout.serial),
                    get(Some(layout.inspector)),
                    get(layout.station),
                    get(layout.at),
                    get(layout.reinspects),
                ];
                match &layout.shape {
                    Shape::Long { item, value, note } => {
                        let entry = Entry {
                            item: get(Some(*item)),
                            value: get(Some(*value)),
                            note: get(*note),
                        };
                        match current.as_mut() {
                            Some(p) if p.key == key => {
                                if p.entries.len() >= MAX_ITEM_ROWS {
                                    return fail(refuse(
                                        shown,
                                        line,
                                        None,
                                        invalid(
                                            format!(
                                                "more than {MAX_ITEM_ROWS} rows for the inspection that starts on line {}",
                                                p.line
                                            ),
                                            "one inspection has one row per item of its checklist",
                                        ),
                                    ));
                                }
                                p.entries.push(entry);
                                p.lines.push(line);
                            }
                            _ => {
                                let next = Pending {
                                    line,
                                    key,
                                    entries: vec![entry],
                                    lines: vec![line],
                                };
                                if let Some(done) = current.replace(next)
                                    && !send(done, &mut cache)
                                {
                                    return;
                                }
                            }
                        }
                    }
                    Shape::Wide { values } => {
                        let entries = values
                            .iter()
                            .map(|&(c, note)| Entry {
                                item: layout.names[c].clone(),
                                value: get(Some(c)),
                                note: get(note),
                            })
                            .collect();
                        let p = Pending {
                            line,
                            key,
                            entries,
                            lines: Vec::new(),
                        };
                        if !send(p, &mut cache) {
                            return;
                        }
                    }
                }
            }
            if let Some(done) = current
                && !send(done, &mut cache)
            {
                return;
            }
            if total == 0 {
                // An error, not an empty batch: the store would record an import of nothing.
                return fail(invalid(
                    format!("`{shown}` holds no inspections; nothing was imported"),
                    "after the header row, give one row per inspection (or per item result)",
                ));
            }
            let _ = tx.send(Ok(chunk));
        });
        let header = BatchHeader {
            actor: person.to_string(),
            action: "imported".into(),
            record: format!("import of {shown}"),
            note: serde_json::json!({ "file": shown }),
        };
        let mut rows = rx
            .iter()
            .flat_map(|chunk| match chunk {
                Ok(list) => list.into_iter().map(Ok).collect::<Vec<_>>(),
                Err(e) => vec![Err(e)],
            })
            .map(|row| {
                row.and_then(|mut new| {
                    lots.apply(&mut new).map_err(anyhow::Error::new)?;
                    Ok(new)
                })
            });
        let written = store.record_inspection_stream(now, header, &mut rows);
        drop(rows);
        // If writing failed, the reader may be blocked on a full channel: dropping `rx` frees it.
        drop(rx);
        let _ = reader_thread.join();
        written
    })?;
    let failed = result.iter().filter(|(_, nc)| nc.is_some()).count();
    Ok((result.len(), failed))
}

fn changed(shown: &str) -> Error {
    Error::conflict(format!(
        "`{shown}` changed while it was being imported; nothing was imported"
    ))
    .with_hint("import it again once nothing writes to it")
}

/// Reads the rest of the file for its `reinspects` values and checks each
/// against the records as they are before the import: it must name a failed
/// inspection of the row's checklist. A row that cannot be read stops the
/// search; the import itself then names it.
fn check_reinspections(
    store: &mut dyn Store,
    rows: &mut Rows<'_>,
    layout: &Layout,
    column: usize,
) -> Result<Reinspections> {
    let mut wanted: HashSet<(i64, String)> = HashSet::new();
    while let Ok(Some(_)) = rows.next() {
        let value = rows.record.get(column).unwrap_or("");
        if value.is_empty() {
            continue;
        }
        if let Ok(id) = parse_ins(value) {
            let checklist = rows.record.get(layout.checklist).unwrap_or("");
            wanted.insert((id, checklist.to_string()));
        }
    }
    let mut checked = Reinspections::new();
    for (id, checklist) in wanted {
        let answer = check_reinspection(store, id, &checklist).map(|_| ());
        if let Err(e) = &answer
            && !matches!(e.kind, ErrorKind::Invalid | ErrorKind::NotFound)
        {
            // The records could not be read: not a problem of the row.
            return Err(e.clone());
        }
        checked.insert((id, checklist), answer);
    }
    Ok(checked)
}

/// 2000-01-01T00:00:00Z: no inspection recorded with sopbook is older.
fn earliest() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0).unwrap()
}

fn parse_when(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let local = |n: NaiveDateTime| {
        n.and_local_timezone(Local)
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    };
    if let Ok(n) = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M") {
        return local(n);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| local(d.and_hms_opt(12, 0, 0)?))
}

impl Check<'_> {
    /// Checks one inspection of the file against the checklist revision in
    /// force when it was recorded, and against the people and the records.
    fn prepare(&self, p: &Pending, cache: &mut Cache) -> Result<NewInspection> {
        let layout = self.layout;
        let at =
            |c: Option<usize>, e: Error| refuse(self.file, p.line, c.map(|c| layout.name(c)), e);
        let correct = |what: &str| {
            format!(
                "correct the {what} on line {} and import the file again",
                p.line
            )
        };

        let inspector = &p.key[INSPECTOR];
        check_label("inspector", inspector)
            .map_err(|m| at(Some(layout.inspector), invalid(m, correct("inspector"))))?;
        if let Some(people) = self.inspectors
            && !people.ids.contains(inspector)
        {
            return Err(at(
                Some(layout.inspector),
                Error::not_found(format!("`{inspector}` is not a person in sopbook.toml"))
                    .with_hint(people.hint.clone()),
            ));
        }
        check_label("lot", &p.key[LOT])
            .map_err(|m| at(Some(layout.lot), invalid(m, correct("lot"))))?;
        if let Some(c) = layout.serial
            && !p.key[SERIAL].is_empty()
        {
            check_label("serial number", &p.key[SERIAL])
                .map_err(|m| at(Some(c), invalid(m, correct("serial number"))))?;
        }
        let station = match p.key[STATION].as_str() {
            "" => "import",
            s => s,
        };
        if let Some(c) = layout.station {
            check_label("station", station)
                .map_err(|m| at(Some(c), invalid(m, correct("station"))))?;
        }

        let when = match (layout.at, p.key[AT].as_str()) {
            (_, "") | (None, _) => self.now,
            (Some(c), s) => {
                let time_hint = "write the time the inspection was made, as 2026-11-25T09:30:00Z or 2026-11-25 09:30 (local time), or leave it empty for now";
                let when = parse_when(s).ok_or_else(|| {
                    at(Some(c), invalid(format!("`{s}` is not a time"), time_hint))
                })?;
                if when > self.now + chrono::Duration::hours(1) {
                    return Err(at(
                        Some(c),
                        invalid(
                            format!("`{s}` is in the future (more than an hour from now)"),
                            time_hint,
                        ),
                    ));
                }
                if when < earliest() {
                    return Err(at(
                        Some(c),
                        invalid(format!("`{s}` is before the year 2000"), time_hint),
                    ));
                }
                when
            }
        };

        let key = (p.key[CHECKLIST].clone(), local_date(when));
        if !cache.contains_key(&key) {
            let found = effective_checklist(self.records, &key.0, key.1).map_err(|e| {
                at(
                    Some(layout.checklist),
                    or_hint(e, "an inspection uses the checklist revision in force on its date; `sopbook status` shows them"),
                )
            })?;
            fits(layout, &found).map_err(|(c, e)| at(c, e))?;
            cache.insert(key.clone(), found);
        }
        let (rev, checklist) = &cache[&key];

        let reinspects = match (layout.reinspects, p.key[REINSPECTS].as_str()) {
            (_, "") | (None, _) => None,
            (Some(c), s) => {
                let id = parse_ins(s).map_err(|e| {
                    at(Some(c), or_hint(e, "name the failed inspection this one re-inspects, like INS-000012, or leave the field empty"))
                })?;
                match self.reinspections.get(&(id, p.key[CHECKLIST].clone())) {
                    Some(Ok(())) => Some(id),
                    Some(Err(e)) => {
                        return Err(at(
                            Some(c),
                            e.clone().with_hint(
                                "a re-inspection names a failed inspection of the same checklist recorded before this import; `sopbook inspections list --result fail` lists them",
                            ),
                        ));
                    }
                    None => return Err(changed(self.file)),
                }
            }
        };

        if let Shape::Long { item: c_item, .. } = layout.shape {
            self.known_items(p, checklist, c_item)?;
        }
        let header = Header {
            lot: p.key[LOT].clone(),
            serial: (!p.key[SERIAL].is_empty()).then(|| p.key[SERIAL].clone()),
            inspector: inspector.clone(),
            station: station.to_string(),
            reinspects,
            at: when,
        };
        prepare_with(rev, checklist, &header, &p.entries)
            .map(|prepared| prepared.new)
            .map_err(|e| self.place_value_error(p, e))
    }

    /// One row per item result: every item is the checklist's, and given once.
    fn known_items(&self, p: &Pending, checklist: &Checklist, c_item: usize) -> Result<()> {
        for (k, e) in p.entries.iter().enumerate() {
            let at = |e: Error| refuse(self.file, p.lines[k], Some(self.layout.name(c_item)), e);
            if checklist.items.iter().all(|i| i.id != e.item) {
                let ids: Vec<_> = checklist.items.iter().map(|i| i.id.as_str()).collect();
                return Err(at(invalid(
                    format!(
                        "{} has no item `{}`; its items are {}",
                        checklist.id,
                        e.item,
                        ids.join(", ")
                    ),
                    "correct the item id",
                )));
            }
            if let Some(first) = p.entries[..k].iter().position(|f| f.item == e.item) {
                return Err(at(invalid(
                    format!(
                        "item `{}` is given twice for this inspection (first on line {})",
                        e.item, p.lines[first]
                    ),
                    "give each item of an inspection one row; rows of another inspection differ in checklist, lot, serial, inspector, station or recorded_at",
                )));
            }
        }
        Ok(())
    }

    /// Names the line and column of a value `prepare_with` refused.
    fn place_value_error(&self, p: &Pending, e: Error) -> Error {
        let item = e.message.split('`').nth(1).unwrap_or("");
        let found = p.entries.iter().rposition(|x| x.item == item);
        match (&self.layout.shape, found) {
            (Shape::Wide { values }, Some(k)) => {
                refuse(self.file, p.line, Some(self.layout.name(values[k].0)), e)
            }
            (Shape::Long { value, .. }, Some(k)) => {
                refuse(self.file, p.lines[k], Some(self.layout.name(*value)), e)
            }
            _ => refuse(self.file, p.line, None, e),
        }
    }
}

/// In the one-row-per-inspection layout, every item column is an item of
/// the checklist, every item has a column, and no item is named like a
/// column of the layout.
fn fits(
    layout: &Layout,
    (rev, checklist): &(RevisionRow, Checklist),
) -> std::result::Result<(), (Option<usize>, Error)> {
    let Shape::Wide { values } = &layout.shape else {
        return Ok(());
    };
    if let Some(item) = checklist
        .items
        .iter()
        .find(|i| COLUMNS.contains(&i.id.as_str()))
    {
        let e = invalid(
            format!(
                "{} has an item `{}`, and `{}` is also a column of the import: with one row per inspection its values cannot be told from the inspection's {}",
                rev_name(rev),
                item.id,
                item.id,
                item.id
            ),
            format!(
                "import {}'s inspections with one row per item result (columns checklist,lot,serial,inspector,station,recorded_at,item,value,note), where item ids are values; and rename the item in its next revision (`sopbook check` refuses such ids)",
                checklist.id
            ),
        );
        return Err((Some(layout.checklist), e));
    }
    let ids: Vec<&str> = checklist.items.iter().map(|i| i.id.as_str()).collect();
    for &(c, _) in values {
        let name = layout.names[c].as_str();
        if !ids.contains(&name) {
            let e = invalid(
                format!(
                    "{} has no item `{name}`; its items are {}",
                    rev_name(rev),
                    ids.join(", ")
                ),
                "name the item columns after the checklist's items",
            );
            return Err((Some(c), e));
        }
    }
    let missing: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| !values.iter().any(|&(c, _)| layout.names[c] == *id))
        .collect();
    if !missing.is_empty() {
        let e = invalid(
            format!(
                "the header has no column for {} of {}: {}",
                if missing.len() == 1 { "item" } else { "items" },
                rev_name(rev),
                missing.join(", ")
            ),
            "give every item a column; `n` marks a non-critical item not applicable",
        );
        return Err((None, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines `Watch` gives each row, and what the CSV reader read.
    fn rows_of(text: &str) -> (Vec<(u64, Vec<String>)>, Option<Problem>) {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(Watch::new(text.as_bytes()));
        let mut out = Vec::new();
        let mut record = csv::StringRecord::new();
        while let Ok(true) = reader.read_record(&mut record) {
            let line = reader.get_mut().starts.pop_front().unwrap();
            out.push((line, record.iter().map(str::to_string).collect()));
        }
        let watch = reader.get_mut();
        assert!(watch.starts.is_empty(), "a row start left over");
        (out, watch.problem)
    }

    fn lines(text: &str) -> Vec<u64> {
        rows_of(text).0.iter().map(|(l, _)| *l).collect()
    }

    #[test]
    fn watch_gives_each_row_its_first_line_across_blank_lines_crlf_and_quoted_line_ends() {
        assert_eq!(lines("a,b\n1,2\n\n\n3,4\n"), [1, 2, 5]);
        assert_eq!(lines("a,b\r\n1,2\r\n\r\n3,4\r\n"), [1, 2, 4]);
        assert_eq!(lines("a,b\r1,2\r3,4"), [1, 1, 1]);
        assert_eq!(lines("a,b\n1,\"x\ny\"\n3,4\n"), [1, 2, 4]);
        assert_eq!(lines("a,b\n1,\"say \"\"hi\"\"\nthere\"\n3,4"), [1, 2, 4]);
    }

    #[test]
    fn watch_finds_a_quoted_field_that_reaches_the_end_of_the_file() {
        let (rows, problem) = rows_of("a,b\n1,2\n3,\"4\n5,6\n7,8\n");
        assert_eq!(rows.len(), 3, "the CSV reader takes the rest as one field");
        assert_eq!(problem, Some(Problem::Unclosed { line: 3 }));
        assert_eq!(rows_of("a,b\n1,\"2\"\n").1, None);
    }

    #[test]
    fn watch_finds_a_closing_quote_followed_by_text() {
        let (_, problem) = rows_of("a,b\n1,\"2\nx,\"y\",z\n");
        assert_eq!(problem, Some(Problem::AfterQuote { line: 2, at: 3 }));
        assert_eq!(
            rows_of("a,b\n\"1\" x,2\n").1,
            Some(Problem::AfterQuote { line: 2, at: 2 })
        );
        // A quote inside an unquoted field is only text; spaces may follow a closing quote.
        assert_eq!(rows_of("a,b\n1,12\" pipe\n").1, None);
        assert_eq!(rows_of("a,b\n\"1\" ,\"2\"\t\n").1, None);
    }

    #[test]
    fn watch_stops_a_row_longer_than_the_limit() {
        let long = format!("a,b\n1,\"{}\"\n", "x".repeat(MAX_ROW as usize + 1));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(Watch::new(long.as_bytes()));
        let mut record = csv::StringRecord::new();
        assert!(reader.read_record(&mut record).unwrap());
        assert!(reader.read_record(&mut record).is_err());
        assert_eq!(reader.get_ref().problem, Some(Problem::TooLong { line: 2 }));
        let fits = format!("a,b\n1,{}\n", "x".repeat(MAX_ROW as usize - 2));
        assert_eq!(rows_of(&fits).1, None);
    }

    fn layout(header: &str) -> Layout {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("batch.csv");
        std::fs::write(&path, header).unwrap();
        let source = File::open(&path).unwrap();
        Layout::read(&mut Rows::new(&source, "batch.csv")).unwrap()
    }

    fn revision_with_items(ids: &[&str]) -> (RevisionRow, Checklist) {
        let rev = RevisionRow {
            id: 1,
            doc_id: "CL-009".into(),
            kind: crate::model::records::DocKind::Checklist,
            number: 2,
            title: "Dock check".into(),
            path: "checklists/dock.toml".into(),
            content: String::new(),
            content_hash: String::new(),
            summary: String::new(),
            minor: false,
            author: "ann".into(),
            created_at: Utc::now(),
            event_seq: 0,
        };
        let items = ids
            .iter()
            .map(|id| crate::model::Item {
                id: id.to_string(),
                prompt: id.to_string(),
                help: None,
                critical: false,
                kind: crate::model::ItemKind::PassFail,
                class: None,
            })
            .collect();
        let checklist = Checklist {
            id: "CL-009".into(),
            title: "Dock check".into(),
            sop: None,
            applies_to: Vec::new(),
            description: None,
            inspectors: Vec::new(),
            items,
            path: "checklists/dock.toml".into(),
            slug: "dock".into(),
            sampling: None,
        };
        (rev, checklist)
    }

    #[test]
    fn an_item_named_like_a_column_is_refused_one_row_per_inspection_and_the_way_out_named() {
        let wide = layout("checklist,lot,inspector,station,seal\n");
        let (column, e) = fits(&wide, &revision_with_items(&["seal", "station"])).unwrap_err();
        assert_eq!(column, Some(0), "the checklist column");
        assert_eq!(
            e.message,
            "CL-009 rev 2 has an item `station`, and `station` is also a column of the import: with one row per inspection its values cannot be told from the inspection's station"
        );
        assert!(
            e.hint
                .as_deref()
                .unwrap()
                .contains("one row per item result")
        );
        // One row per item result: item ids are values, nothing collides.
        let long = layout("checklist,lot,inspector,station,item,value\n");
        assert!(fits(&long, &revision_with_items(&["seal", "station"])).is_ok());
        assert!(fits(&wide, &revision_with_items(&["seal"])).is_ok());
    }
}
