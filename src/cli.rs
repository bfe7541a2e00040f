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

    /// Create the records database where SOPBOOK_DATABASE or `database` in
    /// sopbook.toml points, if there is none yet (the default location is
    /// created without asking)
    #[arg(long, global = true)]
    pub create_records: bool,

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
    /// Set up the sample records (people, releases, approvals) and publish the manual
    Demo(DemoArgs),
    /// List the people who sign, or set a signing password
    People(PeopleArgs),
    /// Release the working file of a document as its next revision, for review
    Release(ReleaseArgs),
    /// Approve the revision (or retirement) of a document that is in review
    Approve(ApproveArgs),
    /// Reject the revision (or retirement) in review and send it back
    Reject(RejectArgs),
    /// Ask for a document to become obsolete (approved like a release)
    Retire(RetireArgs),
    /// Record a periodic review with no change; resets the due date
    Review(ReviewArgs),
    /// Documents due or overdue for periodic review, by owner
    Due(DueArgs),
    /// One line per document: effective revision, review, working-copy changes
    Status(JsonArgs),
    /// The revisions of a document with their signatures
    History(DocArgs),
    /// A revision of a document as it was released
    Show(ShowArgs),
    /// The difference between two revisions, or a revision and the working file
    Diff(DiffArgs),
    /// Sign that you read and understood the revision in force of an SOP or checklist
    Ack(AckArgs),
    /// What a person must still read and understood, in reading order
    ReadingList(ReadingListArgs),
    /// Training records: who has read and understood what, and compliance per person
    Training(TrainingArgs),
    /// The audit trail: list it, or verify that nothing was changed behind sopbook's back
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The records database: which backend, where, schema version, counts, chain head
    #[command(subcommand)]
    Db(DbCommand),
    /// Sign in for a shift: inspections then need no password per unit
    Login(LoginArgs),
    /// End this station's sign-in before it expires
    Logout,
    /// API tokens for `sopbook serve`'s JSON API: create, list, revoke
    #[command(subcommand)]
    Token(TokenCommand),
    /// Run a checklist against a lot or unit and record the inspection
    Inspect(InspectArgs),
    /// List, show, void and import inspections
    #[command(subcommand)]
    Inspections(InspectionsCommand),
    /// Nonconformances and their disposition, corrective action and closing
    #[command(subcommand)]
    Nc(NcCommand),
    /// The scorecard: first-pass yield, the defect Pareto, open nonconformances
    Report(ReportArgs),
    /// A control chart and capability for a measured item
    Spc(SpcArgs),
    /// Serve the floor (checklists to tick off) and the manual to browsers
    Serve(ServeArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
    /// Write man pages
    Man(ManArgs),
    /// Translations per language and document: current, stale (with what
    /// changed in the source), draft or missing
    Translations(TranslationsArgs),
    /// Lots inspected by sampling plan: open one, close it, where a supplier stands
    #[command(subcommand)]
    Lot(LotCommand),
    /// Lots opened by sampling plan: sample, nonconforming units, decision, severity
    Lots(LotsArgs),
    /// Turn an existing Markdown, mdBook or MkDocs procedures collection into a workspace
    Adopt(AdoptArgs),
}

#[derive(Debug, Args)]
pub struct AdoptArgs {
    /// The collection: a folder of Markdown files, an mdBook (book.toml) or a MkDocs site (mkdocs.yml); only read
    pub source: PathBuf,
    /// The workspace to write (default: a folder `<SOURCE>-sopbook` beside SOURCE); run again to update it
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Write nothing; print only the report
    #[arg(long)]
    pub dry_run: bool,
    /// Rules that turn the collection's ids into sopbook's: [[rule]] pattern = 'GDI-SOP(\d+)', section = "GDI"
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Summarise each file's git log as its history before sopbook (SOURCE in a git repository)
    #[arg(long)]
    pub git_history: bool,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TranslationsArgs {
    /// Only this language (a code of sopbook.toml's [[language]])
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Exit 1 when a translation is stale (for CI)
    #[arg(long)]
    pub fail_on_stale: bool,
    #[command(flatten)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the workspace in (created if missing)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Name of the organisation
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The person who writes procedures, such as "Ada Lind" (id: ada)
    #[arg(long, value_name = "NAME", default_value = "Ada Author")]
    pub author: String,
    /// The quality manager who approves them and inspects, such as "Quinn Berg" (id: quinn)
    #[arg(long, value_name = "NAME", default_value = "Quinn Quality")]
    pub approver: String,
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
    /// Publish the manual exactly as it was in force on this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// A preview: working copies that differ from the effective revision, marked as drafts
    #[arg(long)]
    pub drafts: bool,
    /// Add a "Training status" chapter: who has read and understood what, and compliance per
    /// role, section and person. Off by default: it names people, and the manual may be read
    /// by anyone
    #[arg(long)]
    pub training: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output folder for the manual (default: as for publish)
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Who is signing: `--as <person>` or SOPBOOK_USER.
#[derive(Debug, Args)]
pub struct Signer {
    /// The person signing (an id from sopbook.toml)
    #[arg(long = "as", value_name = "PERSON", env = "SOPBOOK_USER")]
    pub person: String,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Make a bearer token acting for a person (after their password); it is printed once
    Create {
        #[command(flatten)]
        signer: Signer,
        /// How long it lasts: days or hours, as 90d or 12h (at most 366d)
        #[arg(long, default_value = "90d", value_name = "LIFETIME")]
        expires: String,
    },
    /// The tokens, live, expired and revoked (never the tokens themselves)
    List {
        /// Only the tokens acting for this person
        #[arg(long = "as", value_name = "PERSON")]
        person: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token (by the person it acts for, or a role in [permissions] reset-password)
    Revoke {
        /// The token's id, from `sopbook token list`
        id: i64,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    #[command(flatten)]
    pub signer: Signer,
    /// How long the sign-in lasts, 1 to 24 hours
    #[arg(long, default_value_t = 12, value_name = "N")]
    pub hours: i64,
}

#[derive(Debug, Args)]
pub struct PeopleArgs {
    #[command(subcommand)]
    pub command: Option<PeopleCommand>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PeopleCommand {
    /// Set or change a person's signing password (prompted without echo;
    /// SOPBOOK_NEW_PASSWORD and, to change one, SOPBOOK_PASSWORD in scripts)
    Passwd {
        /// The person
        person: String,
    },
    /// Give a person who forgot their password a new one, and a new signing
    /// key (their older signatures stay valid); they should then change it
    /// with `people passwd`
    Reset {
        /// The person who forgot their password
        #[arg(value_name = "PERSON")]
        forgot: String,
        /// Why, for the audit log
        #[arg(long, short)]
        reason: String,
        #[command(flatten)]
        by: Signer,
    },
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// Document id, such as QC-001
    pub id: String,
    /// What changed and why
    #[arg(long, short)]
    pub summary: String,
    /// When the revision takes effect once approved (YYYY-MM-DD; default: on approval)
    #[arg(long, value_name = "DATE")]
    pub effective: Option<String>,
    /// An editorial change (typo, formatting): earlier read-and-understood records stay valid
    #[arg(long)]
    pub minor: bool,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// Document id
    pub id: String,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["id", "all_due"])))]
pub struct AckArgs {
    /// Document id
    pub id: Option<String>,
    /// Every document on your reading list: it is shown, then one password signs them all
    #[arg(long, conflicts_with = "id")]
    pub all_due: bool,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
pub struct ReadingListArgs {
    /// The person whose reading list it is (an id from sopbook.toml)
    #[arg(long = "as", value_name = "PERSON", env = "SOPBOOK_USER")]
    pub person: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TrainingArgs {
    /// Only this person
    #[arg(long, value_name = "PERSON")]
    pub person: Option<String>,
    /// Only the people who hold this role
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Only this document
    #[arg(long, value_name = "ID")]
    pub document: Option<String>,
    /// Only the documents of this manual section (a section id from sopbook.toml)
    #[arg(long, value_name = "SECTION")]
    pub section: Option<String>,
    /// Only readings due for more than DAYS days and not done; exits 1 when there are any
    #[arg(long, value_name = "DAYS")]
    pub overdue: Option<u32>,
    /// Only the compliance: per person, role and section (with --csv: one row each)
    #[arg(long)]
    pub compliance: bool,
    /// People x documents: a row per person, a column per document one of them must read
    #[arg(long, conflicts_with_all = ["compliance", "overdue"])]
    pub grid: bool,
    #[command(flatten)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct RejectArgs {
    /// Document id
    pub id: String,
    /// Why it goes back
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
pub struct RetireArgs {
    /// Document id
    pub id: String,
    /// Why it is no longer needed
    #[arg(long)]
    pub reason: String,
    /// When it becomes obsolete once approved (YYYY-MM-DD; default: on approval)
    #[arg(long, value_name = "DATE")]
    pub effective: Option<String>,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Document id
    pub id: String,
    /// What the review looked at
    #[arg(long, default_value = "")]
    pub note: String,
    #[command(flatten)]
    pub signer: Signer,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// Also list documents due within this time: 30d, 6w, 2m
    #[arg(long, value_name = "TIME", default_value = "30d")]
    pub within: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct JsonArgs {
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DocArgs {
    /// Document id
    pub id: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document id
    pub id: String,
    /// Revision number (default: the one in force today)
    #[arg(long, value_name = "N")]
    pub rev: Option<i64>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Document id
    pub id: String,
    /// The older revision (default: the one before --to, or the effective one with --working)
    #[arg(long, value_name = "N")]
    pub from: Option<i64>,
    /// The newer revision (default: the latest)
    #[arg(long, value_name = "M", conflicts_with = "working")]
    pub to: Option<i64>,
    /// Compare with the working file instead of a revision
    #[arg(long)]
    pub working: bool,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// The audit log, oldest first
    Log {
        /// Only events on or after this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Walk the hash chain and check every record against it, and every anchor
    Verify {
        /// Also check this anchor (SEQ:HASH, as `audit anchor` or the manual's home page shows)
        #[arg(long = "anchor", value_name = "SEQ:HASH")]
        anchors: Vec<String>,
        /// Print as JSON
        #[arg(long)]
        json: bool,
    },
    /// Write the chain's head to records.anchors in the workspace (commit it)
    Anchor,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Which backend holds the records, where (never with a password), the
    /// schema version, how many rows each table has, and the audit chain's head
    Status(JsonArgs),
    /// Copy every record into other, empty records (SQLite to PostgreSQL or
    /// back), row for row, and verify the chain and every signature on both sides
    Copy(DbCopyArgs),
}

#[derive(Debug, Args)]
pub struct DbCopyArgs {
    /// The records to copy into: a postgres:// URL, a sqlite:// URL or a
    /// SQLite file; they must be empty
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on; another than loopback is reached
    /// from the network, which needs --tls-cert and --tls-key to be safe
    #[arg(long, value_name = "ADDRESS:PORT", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Serve HTTPS with this certificate chain (PEM); needs --tls-key
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// The station the browsers record at; its checklists come first
    #[arg(
        long,
        value_name = "NAME",
        env = "SOPBOOK_STATION",
        default_value = "main"
    )]
    pub station: String,
    /// How long a browser's sign-in may go unused before it ends, as 30m
    /// or 2h, or off (a station kept signed in for a whole shift)
    #[arg(long, value_name = "TIME", default_value = "30m")]
    pub idle: String,
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

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Checklist id, such as CL-001
    pub checklist: String,
    /// The lot or batch inspected
    #[arg(long)]
    pub lot: String,
    /// The unit's serial number
    #[arg(long)]
    pub serial: Option<String>,
    /// The inspector (a person id)
    #[arg(long = "as", value_name = "PERSON", env = "SOPBOOK_USER")]
    pub inspector: String,
    /// The station recording it
    #[arg(long, env = "SOPBOOK_STATION", default_value = "main")]
    pub station: String,
    /// A result, without asking: ITEM=VALUE (repeat for each item)
    #[arg(long = "set", value_name = "ITEM=VALUE")]
    pub set: Vec<String>,
    /// A note on an item: ITEM=TEXT (repeatable)
    #[arg(long = "note", value_name = "ITEM=TEXT")]
    pub notes: Vec<String>,
    /// Results from a JSON file: {"item": "value", "other": {"value": "4.1", "note": "..."}}
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// A photo of an item: ITEM=PATH (JPEG, PNG, WebP or HEIC, up to 10 MiB;
    /// repeatable, up to 3 per item)
    #[arg(long = "photo", value_name = "ITEM=PATH")]
    pub photos: Vec<String>,
    /// This is a re-inspection after rework of inspection ID
    #[arg(long, value_name = "ID")]
    pub reinspect: Option<String>,
    /// Exit 1 when the verdict is FAIL (for scripts)
    #[arg(long)]
    pub exit_code: bool,
    /// Show prompts and help in this language (default: the inspector's
    /// `language` in sopbook.toml); the record is the same in any language
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListFormat {
    /// Print as JSON
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Print as CSV
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Subcommand)]
pub enum InspectionsCommand {
    /// Inspections, oldest first
    List {
        #[arg(long)]
        checklist: Option<String>,
        #[arg(long)]
        lot: Option<String>,
        /// On or after this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Before this date (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        /// Only pass or fail
        #[arg(long, value_name = "pass|fail")]
        result: Option<String>,
        #[command(flatten)]
        format: ListFormat,
    },
    /// One inspection with its item results
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Record that an inspection is void (it stays visible, and leaves the scorecard)
    Void {
        id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// Record many inspections from a CSV file, all or nothing
    Import {
        /// The CSV file (see the README for its columns)
        file: PathBuf,
        /// The person importing (recorded in the audit log)
        #[arg(long = "as", value_name = "PERSON", env = "SOPBOOK_USER")]
        person: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum NcCommand {
    /// Nonconformances, oldest first
    List {
        /// Only those not closed
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        format: ListFormat,
    },
    /// One nonconformance with its inspection and steps
    Show {
        nc: String,
        #[arg(long)]
        json: bool,
    },
    /// What happens to the product: rework, scrap, use-as-is, return-to-supplier or sort (a 100% sort of a lot)
    Disposition {
        nc: String,
        #[arg(value_parser = ["rework", "scrap", "use-as-is", "return-to-supplier", "sort"])]
        disposition: String,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        signer: Signer,
    },
    /// A corrective action, optionally naming the procedure that must change
    Action {
        nc: String,
        /// What will be done so it does not happen again
        action: String,
        /// The SOP this action changes
        #[arg(long, value_name = "ID")]
        sop: Option<String>,
        #[command(flatten)]
        signer: Signer,
    },
    /// Close it (needs a disposition; after rework, a passing re-inspection)
    Close {
        nc: String,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportBy {
    Checklist,
    Item,
    Lot,
    Inspector,
    Station,
    Week,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// On or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Group the yield by
    #[arg(long, value_enum, default_value = "checklist")]
    pub by: ReportBy,
    #[command(flatten)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
pub struct SpcArgs {
    /// Checklist id
    pub checklist: String,
    /// A measurement item of it
    pub item: String,
    /// Only values recorded on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// X-bar/R chart with subgroups of N consecutive values (2-10); default individuals/moving range
    #[arg(long, value_name = "N")]
    pub subgroup: Option<usize>,
    /// Write the chart as SVG
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum LotCommand {
    /// Open a lot: prints the code letter, the sample to draw and Ac/Re at the severity in force
    #[command(override_usage = "sopbook lot open <CHECKLIST> --lot <LOT> --size <N> --as <PERSON>")]
    Open {
        /// Checklist id (its revision in force carries a [sampling] plan)
        checklist: String,
        /// The lot's label; its sampled units are inspected with `sopbook inspect CL --lot LOT`
        #[arg(long)]
        lot: String,
        /// Units in the lot
        #[arg(long, value_name = "N")]
        size: u64,
        /// Who delivered it: the switching rules are kept per checklist and supplier
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        signer: Signer,
    },
    /// Decide a lot from its sample (it closes by itself when the sample is complete)
    Close {
        lot: String,
        /// The checklist, when two checklists opened lots with the same label
        #[arg(long)]
        checklist: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        signer: Signer,
    },
    /// Where a checklist's lots from a supplier stand: normal, tightened, reduced or discontinued
    Status {
        checklist: String,
        #[arg(long)]
        supplier: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Approve reduced inspection (signed), once the lot history allows it
    Reduce {
        checklist: String,
        #[arg(long)]
        supplier: Option<String>,
        /// Why: production is steady, and whatever else the approver weighed
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        signer: Signer,
    },
}

#[derive(Debug, Args)]
pub struct LotsArgs {
    /// Only this supplier's lots
    #[arg(long)]
    pub supplier: Option<String>,
    /// Lot acceptance rate and current severity per checklist and supplier
    #[arg(long)]
    pub suppliers: bool,
    #[command(flatten)]
    pub format: ListFormat,
}
