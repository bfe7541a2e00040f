//! sopbook keeps a company's quality and procedures manual under control.
//!
//! - [`cli`]: the command line (clap derive), one variant per command.
//! - [`cmd`]: one thin module per command: load, call the domain, print.
//! - [`model`]: the domain types: sections, roles, SOPs, checklists, items.
//! - [`workspace`]: files to model: `sopbook.toml`, front matter, checklist TOML, checks.
//! - [`diagnostic`]: findings that point into a file, rendered with the source line.
//! - [`manual`]: publishing: mdBook source generation, templates, the build.
//! - [`store`]: the records: a `Store` trait over SQLite, append-only, hash-chained audit.
//! - [`control`]: operations that write records: document control, inspections, nonconformances.
//! - [`report`]: the scorecard's statistics: control charts, capability, SVG charts.
//! - [`error`]: the exit codes and how a failed command is reported.

pub mod cli;
pub mod cmd;
pub mod control;
pub mod diagnostic;
pub mod error;
pub mod manual;
pub mod model;
pub mod report;
pub mod store;
pub mod workspace;

pub use error::main_with_args;
