//! Files to model: finding the workspace, reading `sopbook.toml`, the SOP
//! and checklist files, and checking them all together.

pub mod check;
mod checklist_file;
pub mod config;
mod frontmatter;
pub mod links;
pub mod overrides;
pub mod scaffold;
mod sop_file;
mod toml_diag;
pub mod translation_file;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

pub use check::check_workspace;
pub use checklist_file::{RESERVED_ITEM_IDS, RESERVED_ITEM_PREFIXES, is_reserved_item_id};
pub use config::{CONFIG_FILE, Config};
pub use links::{DocLink, find_links};

use crate::diagnostic::{Diagnostic, Sources};
use crate::model::translation::{Translation, TranslationKind};
use crate::model::{Checklist, Sop, TextFacts};
pub use translation_file::TranslationFile;

pub const MANUAL_DIR: &str = "manual";
pub const CHECKLISTS_DIR: &str = "checklists";
pub const TEMPLATES_DIR: &str = "templates";

/// Page templates that were renamed: (old file name, new file name). An
/// override under the old name is still used; `check` says to rename it.
pub const RENAMED_TEMPLATES: &[(&str, &str)] = &[
    ("onboarding-index.md.hbs", "reading-paths.md.hbs"),
    ("onboarding.md.hbs", "reading-path.md.hbs"),
];

/// A workspace as read from disk, with everything found wrong in it.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub config: Config,
    pub sops: Vec<Sop>,
    pub checklists: Vec<Checklist>,
    /// Translations of SOPs and checklists, in id order (`QC-001.he`, `QC-001.nb`).
    pub translations: Vec<TranslationFile>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// How many SOP and checklist files were read, parsed or not.
    pub files_read: (usize, usize),
    /// Where each document is in the lists above, made on the first lookup.
    index: std::sync::OnceLock<Index>,
}

/// Document id -> position in `sops`, `checklists` and `translations`
/// (the first of an id, as a search from the front finds), and the
/// lengths the lists had when it was made.
#[derive(Debug, Clone, Default)]
struct Index {
    sops: HashMap<String, usize>,
    checklists: HashMap<String, usize>,
    translations: HashMap<String, usize>,
    lens: (usize, usize, usize),
}

impl Index {
    fn of(ws: &Workspace) -> Index {
        fn positions<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
            let mut map = HashMap::new();
            for (i, id) in ids.enumerate() {
                map.entry(id.to_string()).or_insert(i);
            }
            map
        }
        Index {
            sops: positions(ws.sops.iter().map(|s| s.id.as_str())),
            checklists: positions(ws.checklists.iter().map(|c| c.id.as_str())),
            translations: positions(ws.translations.iter().map(|t| t.translation.id.as_str())),
            lens: (ws.sops.len(), ws.checklists.len(), ws.translations.len()),
        }
    }
}

/// The item of `list` with id `id`: by the index while the list has the
/// length it was indexed at and the item found has that id, else by a
/// search from the front (a copy of the workspace that was added to).
fn lookup<'a, T>(
    list: &'a [T],
    index: &HashMap<String, usize>,
    indexed_len: usize,
    id: &str,
    key: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    if list.len() == indexed_len {
        let found = list.get(*index.get(id)?).filter(|x| key(x) == id);
        if found.is_some() {
            return found;
        }
    }
    list.iter().find(|x| key(x) == id)
}

impl Workspace {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::of(self))
    }

    pub fn sop(&self, id: &str) -> Option<&Sop> {
        let x = self.index();
        lookup(&self.sops, &x.sops, x.lens.0, id, |s| &s.id)
    }

    pub fn checklist(&self, id: &str) -> Option<&Checklist> {
        let x = self.index();
        lookup(&self.checklists, &x.checklists, x.lens.1, id, |c| &c.id)
    }

    /// A translation by its id (`QC-001.nb`).
    pub fn translation(&self, id: &str) -> Option<&Translation> {
        self.translation_file(id).map(|f| &f.translation)
    }

    pub fn translation_file(&self, id: &str) -> Option<&TranslationFile> {
        let x = self.index();
        lookup(&self.translations, &x.translations, x.lens.2, id, |t| {
            &t.translation.id
        })
    }

    /// Loads and checks the workspace at `root`. Fails only when the
    /// workspace cannot be read at all; everything else is a diagnostic.
    pub fn load(root: &Path) -> Result<Workspace> {
        let (config, mut diagnostics, mut sources) = load_config(root)?;
        let config_ok = config.is_some();
        let config = config.unwrap_or_default();

        // Ids of files that did not parse, so that references to them do not
        // pile further errors on top of the one that matters.
        let mut broken = Vec::new();
        let mut sop_files = Vec::new();
        let mut translations = Vec::new();
        // Every file is read and parsed on its own, on as many threads as
        // the machine has; what they found is taken in in the files' order.
        let listed = list_files(root, MANUAL_DIR, "md", 2, &mut diagnostics)?;
        let mut files_read = (listed.len(), 0);
        let read = crate::par::par_map(&listed, |(rel, abs)| {
            Ok(read_file(rel, abs, |text, diags| {
                if translation_file::language_of(rel).is_some() {
                    return Parsed::Translation(translation_file::parse_sop(rel, text, diags));
                }
                match sop_file::parse(rel, text, diags) {
                    Some(f) => Parsed::Sop(f),
                    None => {
                        Parsed::Broken(check::salvage_id(text).map(|id| (check::DocKind::Sop, id)))
                    }
                }
            }))
        })?;
        let mut checklist_files = Vec::new();
        let listed = list_files(root, CHECKLISTS_DIR, "toml", 1, &mut diagnostics)?;
        files_read.1 = listed.len();
        let read_checklists = crate::par::par_map(&listed, |(rel, abs)| {
            Ok(read_file(rel, abs, |text, diags| {
                if translation_file::language_of(rel).is_some() {
                    return Parsed::Translation(translation_file::parse_checklist(
                        rel, text, diags,
                    ));
                }
                match checklist_file::parse(rel, text, diags) {
                    Some(f) => Parsed::Checklist(f),
                    None => Parsed::Broken(
                        check::salvage_id(text).map(|id| (check::DocKind::Checklist, id)),
                    ),
                }
            }))
        })?;
        for (kind, files) in [(0, read), (1, read_checklists)] {
            for file in files {
                diagnostics.extend(file.diagnostics);
                if let Some(text) = file.text {
                    sources.insert(file.rel, text);
                }
                match file.parsed {
                    Some(Parsed::Sop(f)) => sop_files.push(f),
                    Some(Parsed::Checklist(f)) => checklist_files.push(f),
                    Some(Parsed::Translation(t)) => {
                        if kind == 0 {
                            files_read.0 -= 1;
                        } else {
                            files_read.1 -= 1;
                        }
                        translations.extend(t);
                    }
                    Some(Parsed::Broken(id)) => broken.extend(id),
                    None => {}
                }
            }
        }
        check_template_names(root, &mut diagnostics);
        overrides::check_overrides(root, &mut diagnostics, &mut sources);
        if config_ok {
            check_workspace(
                &config,
                &sop_files,
                &checklist_files,
                &broken,
                &mut diagnostics,
            );
        }
        let mut sops: Vec<Sop> = sop_files
            .into_iter()
            .map(sop_file::SopFile::into_model)
            .collect();
        let mut checklists: Vec<Checklist> = checklist_files
            .into_iter()
            .map(checklist_file::ChecklistFile::into_model)
            .collect();
        sops.sort_by(|a, b| id_order(&a.id, &b.id));
        checklists.sort_by(|a, b| id_order(&a.id, &b.id));
        if config_ok {
            for t in &translations {
                check_translation_file(&config, &sops, &checklists, t, &mut diagnostics);
            }
        }
        translations.sort_by(|a, b| {
            let (a, b) = (&a.translation, &b.translation);
            id_order(&a.source, &b.source).then_with(|| a.language.cmp(&b.language))
        });
        sort_diagnostics(&mut diagnostics, &sources);
        Ok(Workspace {
            root: root.to_path_buf(),
            config,
            sops,
            checklists,
            translations,
            diagnostics,
            sources,
            files_read,
            index: std::sync::OnceLock::new(),
        })
    }
}

/// The checks of a translation file that need only the workspace: its
/// language is one of sopbook.toml's, not the source language; it
/// translates a document of its kind and sits beside that document's file.
fn check_translation_file(
    config: &Config,
    sops: &[Sop],
    checklists: &[Checklist],
    file: &TranslationFile,
    diags: &mut Vec<Diagnostic>,
) {
    let t = &file.translation;
    let path = t.path.as_str();
    let at = file.source_span.clone();
    match config.language(&t.language) {
        None => {
            let known: Vec<_> = config
                .target_languages()
                .map(|l| format!("`{}`", l.code))
                .collect();
            let help = if known.is_empty() {
                "list the languages in sopbook.toml first: [[language]] tables with code, name and direction, one of them `source = true`".to_string()
            } else {
                format!(
                    "the file name ends with the language code; translations are into {}",
                    known.join(", ")
                )
            };
            diags.push(
                Diagnostic::error(
                    "unknown-language",
                    if t.language.is_empty() {
                        "the file name's language code is empty (two dots before the extension)"
                            .to_string()
                    } else {
                        format!("`{}` is not a language of sopbook.toml", t.language)
                    },
                )
                .at(path, at.clone())
                .label(format!(
                    "a translation into `{}`, by its file name",
                    t.language
                ))
                .help(help),
            );
            return;
        }
        Some(l) if l.source => {
            diags.push(
                Diagnostic::error(
                    "translation-into-source",
                    format!("`{}` is the source language; documents are written in it, not translated into it", t.language),
                )
                .at(path, at.clone())
                .help("rename the file for the language it is written in, or make it the source document itself"),
            );
            return;
        }
        Some(_) => {}
    }
    let source_path = match t.kind {
        TranslationKind::Sop => sops.iter().find(|s| s.id == t.source).map(|s| &s.path),
        TranslationKind::Checklist => checklists
            .iter()
            .find(|c| c.id == t.source)
            .map(|c| &c.path),
    };
    let what = match t.kind {
        TranslationKind::Sop => "SOP",
        TranslationKind::Checklist => "checklist",
    };
    let Some(source_path) = source_path else {
        diags.push(
            Diagnostic::error(
                "unknown-source",
                format!("this translates `{}`, but no {what} has that id", t.source),
            )
            .at(path, at)
            .label(format!("not a {what} of the workspace"))
            .help(format!(
                "name the {what} it translates, as its own front matter gives its id"
            )),
        );
        return;
    };
    let beside = translation_file::source_path_of(path);
    if beside.as_deref() != Some(source_path.as_str()) {
        let expected = {
            let (stem, ext) = source_path.rsplit_once('.').unwrap_or((source_path, ""));
            format!("{stem}.{}.{ext}", t.language)
        };
        diags.push(
            Diagnostic::error(
                "translation-not-beside",
                format!(
                    "a translation of {} sits beside its source, {source_path}",
                    t.source
                ),
            )
            .at(path, at)
            .label(format!("translates {}", t.source))
            .help(format!("rename this file to {expected}")),
        );
    }
}

/// Overrides in `templates/` under a name a template no longer has.
fn check_template_names(root: &Path, diags: &mut Vec<Diagnostic>) {
    for (old, new) in RENAMED_TEMPLATES {
        if !root.join(TEMPLATES_DIR).join(old).is_file() {
            continue;
        }
        let old_path = format!("{TEMPLATES_DIR}/{old}");
        let new_path = format!("{TEMPLATES_DIR}/{new}");
        let diag = if root.join(&new_path).is_file() {
            Diagnostic::warning(
                "renamed-template",
                format!("`{old_path}` is not used: the template is now called `{new}`, and `{new_path}` is used instead"),
            )
            .help(format!("delete `{old_path}`, or merge it into `{new_path}`"))
        } else {
            Diagnostic::warning(
                "renamed-template",
                format!("the template `{old}` is now called `{new}`"),
            )
            .help(format!(
                "rename `{old_path}` to `{new_path}`; until then the old name still works"
            ))
        };
        diags.push(diag.in_file(old_path));
    }
}

/// Only `sopbook.toml`, for commands that need the people and rules but not
/// the documents. Returns `None` with the diagnostics when it has errors.
/// A `sopbook.toml` that cannot be read (a pipe, too large, not UTF-8) is
/// a diagnostic too.
pub fn load_config(root: &Path) -> Result<(Option<Config>, Vec<Diagnostic>, Sources)> {
    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let Some(text) = read_listed(&root.join(CONFIG_FILE), CONFIG_FILE, &mut diagnostics) else {
        return Ok((None, diagnostics, sources));
    };
    let config = Config::parse(&text, &mut diagnostics);
    sources.insert(CONFIG_FILE, text);
    Ok((config, diagnostics, sources))
}

/// [`load_config`] for a process that reads sopbook.toml again and again
/// (the server makes a context per request): the file is read every time,
/// and parsed only when its text differs from the last text that parsed
/// without a word to say.
pub fn load_config_kept(
    root: &Path,
) -> Result<(Option<std::sync::Arc<Config>>, Vec<Diagnostic>, Sources)> {
    use std::sync::{Arc, LazyLock, Mutex};
    type Kept = Option<(PathBuf, String, Arc<Config>)>;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Default::default);
    let mut diagnostics = Vec::new();
    let mut sources = Sources::default();
    let Some(text) = read_listed(&root.join(CONFIG_FILE), CONFIG_FILE, &mut diagnostics) else {
        return Ok((None, diagnostics, sources));
    };
    let kept = KEPT.lock().ok().and_then(|kept| match &*kept {
        Some((path, was, config)) if path == root && *was == text => Some(config.clone()),
        _ => None,
    });
    let config = match kept {
        Some(config) => Some(config),
        None => {
            let config = Config::parse(&text, &mut diagnostics).map(Arc::new);
            if let (Some(config), true) = (&config, diagnostics.is_empty())
                && let Ok(mut kept) = KEPT.lock()
            {
                *kept = Some((root.to_path_buf(), text.clone(), config.clone()));
            }
            config
        }
    };
    sources.insert(CONFIG_FILE, text);
    Ok((config, diagnostics, sources))
}

/// Document ids in the order people expect: by prefix, then by number
/// (QC-9 before QC-10), then as text.
/// A control character (an escape, a bell, a NUL) in text people read (a
/// title, an item's prompt): an error at `span`. Such a character would
/// move the terminal's cursor or ring it, so it is refused where it is
/// written. Line breaks and tabs are whitespace in a `prose` text (a prompt
/// may be a multi-line TOML string, read as one paragraph), never in a title.
pub fn control_character(
    path: &str,
    what: &str,
    text: &str,
    span: std::ops::Range<usize>,
    prose: bool,
) -> Option<Diagnostic> {
    let c = text
        .chars()
        .find(|c| c.is_control() && !(prose && matches!(c, '\n' | '\r' | '\t')))?;
    Some(
        Diagnostic::error(
            "control-character",
            format!("{what} contains a control character (U+{:04X})", c as u32),
        )
        .at(path, span)
        .label("one line of text")
        .help(match c {
            '\n' | '\r' => "write it on one line: a line break does not belong in it",
            _ => "remove it; use letters, digits, spaces and punctuation",
        }),
    )
}

pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    let key = |id: &str| {
        let (prefix, number) = id.split_once('-').unwrap_or((id, ""));
        (
            prefix.to_string(),
            number.parse::<u64>().unwrap_or(u64::MAX),
            id.to_string(),
        )
    };
    key(a).cmp(&key(b))
}

/// Errors before warnings; then by file, line.
fn sort_diagnostics(diags: &mut [Diagnostic], _sources: &Sources) {
    diags.sort_by(|a, b| {
        (a.severity, &a.file, a.span.as_ref().map(|s| s.start)).cmp(&(
            b.severity,
            &b.file,
            b.span.as_ref().map(|s| s.start),
        ))
    });
}

/// Finds the workspace: `explicit` if given, else the nearest folder from
/// the current one upwards that holds `sopbook.toml`.
pub fn find_root(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.is_dir() {
            bail!(
                "`{}` is not a folder; -C takes the folder that holds sopbook.toml",
                dir.display()
            );
        }
        if !dir.join(CONFIG_FILE).exists() {
            bail!(
                "no `{CONFIG_FILE}` in `{}`\n\nhelp: run `sopbook init {}` to create a workspace there",
                dir.display(),
                dir.display()
            );
        }
        return Ok(dir.to_path_buf());
    }
    let cwd = std::env::current_dir().context("could not read the current folder")?;
    for dir in cwd.ancestors() {
        if dir.join(CONFIG_FILE).exists() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(
        "could not find `{CONFIG_FILE}` in `{}` or any folder above it\n\nhelp: run `sopbook init` to create a workspace here, or pass -C <folder>",
        cwd.display()
    )
}

/// The most bytes a document (an SOP, a checklist) or `sopbook.toml` may
/// hold. Real ones are a few kilobytes; the limit only keeps a runaway or
/// hostile file from filling memory.
pub const MAX_DOCUMENT_BYTES: u64 = 16 * 1024 * 1024;

/// Why [`read_regular`] could not give a file's text.
#[derive(Debug)]
pub enum ReadProblem {
    /// Nothing at that path.
    Missing,
    /// A symbolic link whose target does not exist.
    BrokenLink,
    /// A folder where a file was expected.
    Folder,
    /// Not a regular file: "a named pipe", "a socket", "a character
    /// device", "a block device" or "a special file".
    Special(&'static str),
    /// More than `limit` bytes. `size` is `None` when the file was small
    /// enough when opened but grew past the limit while it was read.
    TooLarge { size: Option<u64>, limit: u64 },
    /// Not UTF-8; the first bad byte is at `valid_up_to`.
    NotUtf8 { valid_up_to: usize },
    /// Anything else the system refused (permissions, I/O errors).
    Io(std::io::Error),
}

impl ReadProblem {
    /// A short code for a [`Diagnostic`].
    pub fn code(&self) -> &'static str {
        match self {
            ReadProblem::Missing | ReadProblem::BrokenLink => "missing-file",
            ReadProblem::Folder => "is-a-folder",
            ReadProblem::Special(_) => "not-a-regular-file",
            ReadProblem::TooLarge { .. } => "file-too-large",
            ReadProblem::NotUtf8 { .. } => "not-utf8",
            ReadProblem::Io(_) => "unreadable",
        }
    }

    /// The whole sentence, naming the file: "`manual/qc/a.md` is a named
    /// pipe, not a regular file". `kind` names what the limit applies to,
    /// in the plural: "documents", "CSV files".
    pub fn message(&self, name: &str, kind: &str) -> String {
        match self {
            ReadProblem::Io(e) => format!("could not read `{name}`: {e}"),
            _ => format!("`{name}` {}", self.reason(kind)),
        }
    }

    /// What is wrong, to follow the file's name.
    pub fn reason(&self, kind: &str) -> String {
        match self {
            ReadProblem::Missing => "does not exist".to_string(),
            ReadProblem::BrokenLink => {
                "is a symbolic link to a file that does not exist".to_string()
            }
            ReadProblem::Folder => "is a folder, but a file was expected".to_string(),
            ReadProblem::Special(what) => format!("is {what}, not a regular file"),
            ReadProblem::TooLarge { size, limit } => {
                let limit_text = size_text(*limit);
                // A size that would print like the limit ("16.0 MiB") says "larger than".
                match size.filter(|s| size_tenths(*s) != size_tenths(*limit)) {
                    Some(s) => format!("is {}; {kind} are limited to {limit_text}", size_text(s)),
                    _ => format!("is larger than {limit_text}; {kind} are limited to that"),
                }
            }
            ReadProblem::NotUtf8 { .. } => "is not valid UTF-8 text".to_string(),
            ReadProblem::Io(e) => format!("could not be read: {e}"),
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            ReadProblem::Missing => "create the file, or check the path".to_string(),
            ReadProblem::BrokenLink => {
                "point the link at an existing file, or replace it with the file itself".to_string()
            }
            ReadProblem::Folder => {
                "rename the folder, or move its contents into a file".to_string()
            }
            ReadProblem::Special(_) => "replace it with a regular file holding the text; sopbook does not read from pipes, sockets or devices".to_string(),
            ReadProblem::TooLarge { .. } => "split it into smaller files".to_string(),
            ReadProblem::NotUtf8 { valid_up_to } => format!(
                "the first bad byte is at offset {valid_up_to}; save the file as UTF-8"
            ),
            ReadProblem::Io(_) => "check the file's permissions".to_string(),
        }
    }
}

impl std::fmt::Display for ReadProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason("files"))
    }
}

impl std::error::Error for ReadProblem {}

/// A size in tenths of its unit, as [`size_text`] rounds it.
fn size_tenths(bytes: u64) -> (u64, u128) {
    let unit = if bytes >= 1024 * 1024 {
        1024 * 1024
    } else if bytes >= 1024 {
        1024
    } else {
        1
    };
    (
        unit,
        (u128::from(bytes) * 10 + u128::from(unit / 2)) / u128::from(unit),
    )
}

/// "20.1 MiB", "16 MiB", "512.5 KiB", "10 bytes".
pub fn size_text(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    #[allow(clippy::cast_precision_loss)] // one decimal is all that is shown
    let scaled = |unit: u64| bytes as f64 / unit as f64;
    if bytes >= MIB {
        if bytes.is_multiple_of(MIB) {
            format!("{} MiB", bytes / MIB)
        } else {
            format!("{:.1} MiB", scaled(MIB))
        }
    } else if bytes >= KIB {
        if bytes.is_multiple_of(KIB) {
            format!("{} KiB", bytes / KIB)
        } else {
            format!("{:.1} KiB", scaled(KIB))
        }
    } else {
        format!("{bytes} bytes")
    }
}

/// What kind of thing a path that is not a regular file is.
fn special_kind(ty: fs::FileType) -> Result<(), ReadProblem> {
    if ty.is_file() {
        return Ok(());
    }
    if ty.is_dir() {
        return Err(ReadProblem::Folder);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ty.is_fifo() {
            return Err(ReadProblem::Special("a named pipe"));
        }
        if ty.is_socket() {
            return Err(ReadProblem::Special("a socket"));
        }
        if ty.is_char_device() {
            return Err(ReadProblem::Special("a character device"));
        }
        if ty.is_block_device() {
            return Err(ReadProblem::Special("a block device"));
        }
    }
    Err(ReadProblem::Special("a special file"))
}

/// Reads the text of a regular file of at most `limit` bytes: the one way
/// sopbook reads a file a user points it at.
///
/// Symbolic links are followed, and what they lead to must be a regular
/// file: a named pipe, a socket or a device (`/dev/zero`) is refused
/// before it is opened, so nothing blocks or reads for ever. The file is
/// opened without blocking and checked again on the open handle, so one
/// swapped in meanwhile is refused too. At most `limit` bytes are read
/// whatever the size says, so a file that grows while it is read cannot
/// go past the limit either.
pub fn read_regular(path: &Path, limit: u64) -> std::result::Result<String, ReadProblem> {
    let bytes = read_regular_bytes(path, limit)?;
    String::from_utf8(bytes).map_err(|e| ReadProblem::NotUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
    })
}

/// The bytes of a regular file, read as [`read_regular`] reads its text
/// (a photo given on the command line).
pub fn read_regular_bytes(path: &Path, limit: u64) -> std::result::Result<Vec<u8>, ReadProblem> {
    use std::io::Read;
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dangling = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            return Err(if dangling {
                ReadProblem::BrokenLink
            } else {
                ReadProblem::Missing
            });
        }
        Err(e) => return Err(ReadProblem::Io(e)),
    };
    special_kind(meta.file_type())?;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Should the path have become a pipe since `metadata`, opening it
        // must not wait for a writer, nor make a terminal ours.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = options.open(path).map_err(ReadProblem::Io)?;
    let meta = file.metadata().map_err(ReadProblem::Io)?;
    special_kind(meta.file_type())?;
    if meta.len() > limit {
        return Err(ReadProblem::TooLarge {
            size: Some(meta.len()),
            limit,
        });
    }
    // Room for what the size promised; never more than the limit up front.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadProblem::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadProblem::TooLarge { size: None, limit });
    }
    Ok(bytes)
}

/// A problem reading a workspace file, as a diagnostic on that file.
fn read_diagnostic(rel: &str, problem: &ReadProblem) -> Diagnostic {
    let config = rel == CONFIG_FILE;
    let help = match problem {
        ReadProblem::TooLarge { .. } if config => {
            format!(
                "{CONFIG_FILE} holds the organisation, people, roles and sections; remove what does not belong there"
            )
        }
        ReadProblem::TooLarge { .. } => {
            "split it into several documents; a procedure this long is not read on the floor"
                .to_string()
        }
        _ => problem.help(),
    };
    let kind = if config {
        "workspace files"
    } else {
        "documents"
    };
    Diagnostic::error(problem.code(), problem.message(rel, kind))
        .in_file(rel)
        .help(help)
}

/// Reads a workspace file (a document or `sopbook.toml`); trouble becomes
/// a diagnostic naming `rel`.
/// What a listed file of the workspace holds.
enum Parsed {
    Sop(sop_file::SopFile),
    Checklist(checklist_file::ChecklistFile),
    Translation(Option<TranslationFile>),
    /// A document that did not parse, and its id if one could be found.
    Broken(Option<(check::DocKind, String)>),
}

/// A listed file read and parsed on its own: its text (none if it could
/// not be read), what it holds, and what was found wrong with it.
struct ReadFile {
    rel: String,
    text: Option<String>,
    parsed: Option<Parsed>,
    diagnostics: Vec<Diagnostic>,
}

fn read_file(
    rel: &str,
    abs: &Path,
    parse: impl FnOnce(&str, &mut Vec<Diagnostic>) -> Parsed,
) -> ReadFile {
    let mut diagnostics = Vec::new();
    let text = read_listed(abs, rel, &mut diagnostics);
    let parsed = text.as_deref().map(|t| parse(t, &mut diagnostics));
    ReadFile {
        rel: rel.to_string(),
        text,
        parsed,
        diagnostics,
    }
}

fn read_listed(abs: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    match read_regular(abs, MAX_DOCUMENT_BYTES) {
        Ok(text) => Some(text),
        Err(problem) => {
            diags.push(read_diagnostic(rel, &problem));
            None
        }
    }
}

/// Lists `<dir>/**.<ext>` up to `depth` levels below `dir`, sorted, as
/// (workspace-relative path with `/`, absolute path). A missing folder is
/// an empty list; a folder where a file is expected is a diagnostic.
fn list_files(
    root: &Path,
    dir: &str,
    ext: &str,
    depth: usize,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    let base = root.join(dir);
    if !base.exists() {
        return Ok(out);
    }
    if !base.is_dir() {
        bail!(
            "`{}` is a file, but sopbook expects a folder there",
            base.display()
        );
    }
    walk(&base, dir, ext, 1, depth, &mut out, diags)?;
    out.sort();
    Ok(out)
}

fn walk(
    abs: &Path,
    rel: &str,
    ext: &str,
    level: usize,
    depth: usize,
    out: &mut Vec<(String, PathBuf)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<()> {
    let entries = fs::read_dir(abs)
        .with_context(|| format!("could not read the folder `{}`", abs.display()))?;
    for entry in entries {
        let entry =
            entry.with_context(|| format!("could not read the folder `{}`", abs.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let rel_path = format!("{rel}/{name}");
        let has_ext = Path::new(&name).extension().is_some_and(|e| e == ext);
        if path.is_dir() {
            if has_ext {
                diags.push(
                    Diagnostic::error(
                        "is-a-folder",
                        format!("`{rel_path}` is a folder, but a file was expected"),
                    )
                    .in_file(rel_path.clone())
                    .help(format!(
                        "rename the folder, or move its contents into a `.{ext}` file"
                    )),
                );
            } else if level < depth {
                walk(&path, &rel_path, ext, level + 1, depth, out, diags)?;
            } else {
                diags.push(
                    Diagnostic::warning(
                        "ignored-folder",
                        format!("`{rel_path}` is ignored: sopbook reads no deeper"),
                    )
                    .in_file(rel_path.clone())
                    .help(format!("{} files belong directly in {rel}/", ext)),
                );
            }
        } else if has_ext {
            if level < depth {
                diags.push(
                    Diagnostic::warning(
                        "ignored-file",
                        format!("`{rel_path}` is ignored: it is not in a section folder"),
                    )
                    .in_file(rel_path.clone())
                    .help("move it into manual/<section folder>/"),
                );
            } else {
                out.push((rel_path, path));
            }
        }
    }
    Ok(())
}

/// Parses one released snapshot back into the model (its text was checked
/// when it was released). `None` if it no longer parses.
pub fn parse_snapshot_sop(path: &str, text: &str) -> Option<Sop> {
    sop_file::parse(path, text, &mut Vec::new()).map(sop_file::SopFile::into_model)
}

/// What training needs of a released text (see [`TextFacts`]).
pub fn text_facts(kind: crate::model::records::DocKind, path: &str, text: &str) -> TextFacts {
    use crate::model::records::DocKind;
    match kind {
        DocKind::Sop => {
            parse_snapshot_sop(path, text).map_or_else(TextFacts::default, |sop| TextFacts {
                parsed: true,
                words: sop.words(),
                roles: sop.roles,
                reading_path: sop.reading_path,
                section: Some(sop.section),
                sop: None,
            })
        }
        DocKind::Checklist => {
            parse_snapshot_checklist(path, text).map_or_else(TextFacts::default, |cl| TextFacts {
                parsed: true,
                words: cl.words(),
                roles: cl.inspectors,
                reading_path: Vec::new(),
                section: None,
                sop: cl.sop,
            })
        }
    }
}

/// The Markdown body of an SOP's text, without its front matter (the
/// whole text when it has none).
pub fn sop_body(text: &str) -> &str {
    frontmatter::split(text).map_or(text, |f| f.body)
}

/// A checklist revision's text from the records, parsed. The last few
/// parses are kept (a revision's text never changes, and a server reads the
/// checklist in force at every request).
pub fn parse_snapshot_checklist(path: &str, text: &str) -> Option<Checklist> {
    use std::collections::VecDeque;
    use std::sync::{LazyLock, Mutex};
    type Kept = VecDeque<(String, String, Option<Checklist>)>;
    const KEEP: usize = 32;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Default::default);
    if let Ok(kept) = KEPT.lock()
        && let Some((_, _, parsed)) = kept.iter().find(|(p, t, _)| p == path && t == text)
    {
        return parsed.clone();
    }
    let mut diags = Vec::new();
    let parsed = checklist_file::parse(path, text, &mut diags).and_then(|file| {
        diags
            .iter()
            .all(|d| !d.is_error())
            .then(|| file.into_model())
    });
    if let Ok(mut kept) = KEPT.lock() {
        if kept.len() == KEEP {
            kept.pop_front();
        }
        kept.push_back((path.to_string(), text.to_string(), parsed.clone()));
    }
    parsed
}

#[cfg(test)]
mod reading {
    use super::*;

    fn fifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[test]
    fn a_regular_file_is_read_up_to_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.md");
        fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_regular(&p, 10).unwrap(), "0123456789");
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&p, &link).unwrap();
        assert_eq!(read_regular(&link, 10).unwrap(), "0123456789");
        let e = read_regular(&p, 9).unwrap_err();
        assert!(
            matches!(
                e,
                ReadProblem::TooLarge {
                    size: Some(10),
                    limit: 9
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("pipe.md");
        fifo(&p);
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).unwrap_err();
        assert_eq!(
            e.message("pipe.md", "documents"),
            "`pipe.md` is a named pipe, not a regular file"
        );
        assert_eq!(e.code(), "not-a-regular-file");
    }

    #[test]
    fn a_symlink_to_dev_zero_is_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("zero.md");
        std::os::unix::fs::symlink("/dev/zero", &p).unwrap();
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).unwrap_err();
        assert_eq!(e.to_string(), "is a character device, not a regular file");
    }

    #[test]
    fn an_oversized_file_is_refused_by_its_size_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.md");
        // Sparse: 20 MiB long, nothing written.
        fs::File::create(&p)
            .unwrap()
            .set_len(20 * 1024 * 1024)
            .unwrap();
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).unwrap_err();
        assert_eq!(
            e.message("manual/qc/big.md", "documents"),
            "`manual/qc/big.md` is 20 MiB; documents are limited to 16 MiB"
        );
        fs::File::create(&p)
            .unwrap()
            .set_len(20 * 1024 * 1024 + 100_000)
            .unwrap();
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).unwrap_err();
        assert_eq!(
            e.reason("documents"),
            "is 20.1 MiB; documents are limited to 16 MiB"
        );
        // Just over: the sizes would print alike, so say "larger than".
        fs::File::create(&p)
            .unwrap()
            .set_len(MAX_DOCUMENT_BYTES + 1)
            .unwrap();
        let e = read_regular(&p, MAX_DOCUMENT_BYTES).unwrap_err();
        assert_eq!(
            e.reason("documents"),
            "is larger than 16 MiB; documents are limited to that"
        );
    }

    /// Files under /proc say they are empty and then give text: the reader
    /// must stop at the limit whatever the size said, as for a file that
    /// grows while it is read.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_longer_than_its_size_says_is_cut_off_at_the_limit() {
        let p = Path::new("/proc/self/status");
        assert_eq!(fs::metadata(p).unwrap().len(), 0);
        let e = read_regular(p, 16).unwrap_err();
        assert!(
            matches!(
                e,
                ReadProblem::TooLarge {
                    size: None,
                    limit: 16
                }
            ),
            "{e:?}"
        );
        assert!(
            read_regular(p, MAX_DOCUMENT_BYTES)
                .unwrap()
                .contains("Name:")
        );
    }

    #[test]
    fn folders_dangling_links_and_bad_text_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_regular(dir.path(), 100).unwrap_err();
        assert_eq!(e.code(), "is-a-folder");
        let p = dir.path().join("gone.md");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &p).unwrap();
        assert!(matches!(
            read_regular(&p, 100),
            Err(ReadProblem::BrokenLink)
        ));
        assert!(matches!(
            read_regular(&dir.path().join("x"), 100),
            Err(ReadProblem::Missing)
        ));
        let p = dir.path().join("latin1.md");
        fs::write(&p, b"ab\xff").unwrap();
        let e = read_regular(&p, 100).unwrap_err();
        assert!(e.help().contains("offset 2"), "{}", e.help());
    }

    #[test]
    fn special_and_oversized_files_in_a_workspace_are_diagnostics_and_the_rest_is_checked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join(CONFIG_FILE),
            "[organisation]\nname = \"A\"\n[[section]]\nid = \"QC\"\ntitle = \"Q\"\n",
        )
        .unwrap();
        fs::create_dir_all(root.join("manual/qc")).unwrap();
        fs::create_dir_all(root.join("checklists")).unwrap();
        fifo(&root.join("manual/qc/pipe.md"));
        fifo(&root.join("checklists/pipe.toml"));
        std::os::unix::fs::symlink("/dev/zero", root.join("manual/qc/zero.md")).unwrap();
        fs::File::create(root.join("manual/qc/big.md"))
            .unwrap()
            .set_len(MAX_DOCUMENT_BYTES + 4 * 1024 * 1024)
            .unwrap();
        fs::write(root.join("manual/qc/ok.md"), "no front matter\n").unwrap();
        let ws = Workspace::load(root).unwrap();
        let found: Vec<(&str, &str)> = ws
            .diagnostics
            .iter()
            .map(|d| (d.file.as_deref().unwrap(), d.code))
            .collect();
        assert_eq!(
            found,
            [
                ("checklists/pipe.toml", "not-a-regular-file"),
                ("manual/qc/big.md", "file-too-large"),
                ("manual/qc/ok.md", "missing-front-matter"),
                ("manual/qc/pipe.md", "not-a-regular-file"),
                ("manual/qc/zero.md", "not-a-regular-file"),
            ]
        );
        let big = &ws.diagnostics[1].message;
        assert_eq!(
            big,
            "`manual/qc/big.md` is 20 MiB; documents are limited to 16 MiB"
        );
    }

    #[test]
    fn a_config_that_is_a_pipe_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        fifo(&dir.path().join(CONFIG_FILE));
        let (config, diags, _) = load_config(dir.path()).unwrap();
        assert!(config.is_none());
        assert_eq!(diags.len(), 1);
        assert_eq!(
            diags[0].message,
            "`sopbook.toml` is a named pipe, not a regular file"
        );
        assert_eq!(diags[0].file.as_deref(), Some(CONFIG_FILE));
    }
}
