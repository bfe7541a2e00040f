//! The command line: the [`Cli`] struct and one [`Command`] variant per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use clap_complete::Shell;

#[derive(Debug, Parser)]
#[command(
    name = "sopbook",
    version,
    about = "Keep a quality and procedures manual under control",
    long_about = "Keep a quality and procedures manual under control.\n\n\
        SOPs (Markdown with TOML front matter) and QC checklists (TOML) live as files \
        in a workspace; sopbook checks them and publishes them as an mdBook manual.",
    after_help = "Run `sopbook init my-manual` to start a workspace, then `sopbook check` and `sopbook publish`."
)]
pub struct Cli {
    /// Work on the workspace in DIR instead of searching upwards from the current folder
    #[arg(
        short = 'C',
        long = "workspace",
        value_name = "DIR",
        global = true,
        env = "SOPBOOK_WORKSPACE"
    )]
    pub workspace: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new workspace with one section, one SOP and one checklist
    Init(InitArgs),
    /// Create a new SOP or checklist from a template
    #[command(subcommand)]
    New(NewCommand),
    /// Check every SOP and checklist and report all problems at once
    Check(CheckArgs),
    /// Build the manual as an mdBook (HTML with search and a print view)
    Publish(PublishArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Write man pages
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the workspace in (created if missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Name of the organisation
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A new SOP with the next free id of its section
    Sop(NewSopArgs),
    /// A new checklist with the next free CL- id
    Checklist(NewChecklistArgs),
}

#[derive(Debug, Args)]
pub struct NewSopArgs {
    /// Title of the procedure
    pub title: String,
    /// Section id, such as QC
    #[arg(long, short)]
    pub section: String,
    /// Role that owns the procedure (default: the first role in sopbook.toml)
    #[arg(long, value_name = "ROLE")]
    pub owner: Option<String>,
    /// Roles the procedure applies to, comma-separated (default: the owner)
    #[arg(long, value_name = "ROLES", value_delimiter = ',')]
    pub roles: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NewChecklistArgs {
    /// Title of the checklist
    pub title: String,
    /// The SOP this checklist implements
    #[arg(long, value_name = "ID")]
    pub sop: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the findings as JSON objects (severity, code, message, file, line, column)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Output folder (default: `out` in sopbook.toml's [publish], else book/)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Open the manual in a browser when done
    #[arg(long)]
    pub open: bool,
    /// Also keep the generated mdBook source in DIR
    #[arg(long, value_name = "DIR")]
    pub keep_source: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to generate completions for
    pub shell: Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write the man pages to (default: print sopbook.1 to stdout)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }
}
