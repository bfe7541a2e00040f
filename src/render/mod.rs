//! How the command line shows things, in one place: tables, dates and
//! times, numbers, colour. Text goes out through `anstream`, which drops the
//! colour codes when the output is not a terminal, `NO_COLOR` is set or
//! `TERM=dumb`, and keeps them under `CLICOLOR_FORCE`. (`anstream` alone
//! would still paint a dumb terminal when `CI` or `CLICOLOR` is set; see
//! [`choose_colour`].)

pub mod csv;
pub mod diff;
pub mod inspection;
pub mod number;
pub mod table;
pub mod time;
pub mod training;
pub mod wrap;

pub use table::Table;

/// The styles sopbook uses.
pub mod style {
    use anstyle::{AnsiColor, Style};

    pub const BOLD: Style = Style::new().bold();
    pub const ERROR: Style = AnsiColor::Red.on_default().bold();
    pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
    pub const GOOD: Style = AnsiColor::Green.on_default();
    pub const BAD: Style = AnsiColor::Red.on_default().bold();
    pub const ADDED: Style = AnsiColor::Green.on_default();
    pub const REMOVED: Style = AnsiColor::Red.on_default();
    pub const HUNK: Style = AnsiColor::Cyan.on_default();
    pub const DIM: Style = Style::new().dimmed();
}

/// Settles the colour choice once, at start: a terminal that says it is dumb
/// gets no colour codes whatever else is set, unless `CLICOLOR_FORCE` asks
/// for them. Everything else is `anstream`'s own choice per stream.
pub fn choose_colour() {
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    if dumb && !forced {
        anstream::ColorChoice::Never.write_global();
    }
}

/// `text` in `style`.
pub fn paint(style: anstyle::Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Whether colour reaches standard error (for renderers that need to know,
/// such as the diagnostics).
pub fn stderr_color() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

/// Whether colour reaches standard output.
pub fn stdout_color() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// Pretty JSON on standard output: the `--json` contract.
pub fn json(view: &impl serde::Serialize) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(view).map_err(std::io::Error::other)?;
    anstream::println!("{text}");
    Ok(())
}

/// Control characters made visible, so that text from files and records
/// cannot move the cursor or change the terminal: `\u{1b}` becomes `\u{1b}`
/// written out.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// "1 SOP", "2 SOPs".
pub fn plural(n: usize, word: &str) -> String {
    crate::diagnostic::plural(n, word)
}
