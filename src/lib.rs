//! sopbook keeps a company's quality and procedures manual under control.
//!
//! The layers, from the outside in:
//! - [`cli`]: the command line (clap derive), one variant per command.
//! - [`cmd`]: the command-line front end: parse, call one operation, render.
//! - [`http`]: `sopbook serve`, the browser front end, as thin as `cmd`.
//! - [`render`]: how the command line shows things: tables, dates, numbers, colour.
//! - [`ops`]: the operations, with typed input and typed `Serialize` views;
//!   every rule lives here, once, for every front end.
//! - [`error`]: the one error type of the operations and the exit codes.
//! - [`model`]: the domain: sections, roles, SOPs, checklists, items,
//!   document-control state, inspection verdicts.
//! - [`workspace`]: files to model: `sopbook.toml`, front matter, checklist TOML, checks.
//! - [`diagnostic`]: findings that point into a file, rendered with the source line.
//! - [`manual`]: publishing: mdBook source generation, templates, the build.
//! - [`report`]: the statistics: control charts, capability, SVG charts.
//! - [`store`]: the records: a `Store` trait over SQLite, append-only, hash-chained audit.
//! - [`adopt`]: reading an existing Markdown, mdBook or MkDocs collection for `sopbook adopt`.

pub mod adopt;
pub mod cli;
pub mod cmd;
pub mod diagnostic;
pub mod error;
pub mod http;
pub mod manual;
pub mod model;
pub mod ops;
pub mod par;
pub mod render;
pub mod report;
pub mod store;
pub mod words;
pub mod workspace;

pub use cmd::main_with_args;
