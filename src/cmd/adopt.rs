//! `sopbook adopt SOURCE [--into DIR] [--dry-run] [--map FILE] [--json]`.

use super::env::Env;
use super::{Outcome, json};
use crate::cli::AdoptArgs;
use crate::error::Result;
use crate::ops::adopt::{self, AdoptInput, Adopted, Change, DocKind};

pub fn adopt(env: &Env, args: &AdoptArgs) -> Result<Outcome> {
    let report = adopt::adopt(AdoptInput {
        source: &args.source,
        into: args.into.as_deref(),
        dry_run: args.dry_run,
        map: args.map.as_deref(),
        git_history: args.git_history,
    })?;
    if args.json {
        json(&report)?;
    } else {
        print!("{}", text(&report, &env.program));
    }
    Ok(if report.decisions.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Problem
    })
}

/// The report as text, like cargo's: a verb, then what.
pub fn text(r: &Adopted, program: &str) -> String {
    let mut s = String::new();
    let verb = if r.dry_run { "Would adopt" } else { "Adopted" };
    s.push_str(&format!(
        "{verb} {} ({}) into {}\n",
        r.source,
        r.layout_name(),
        r.into
    ));
    if let Some(lang) = &r.source_language {
        s.push_str(&format!(
            "Languages: {} (source: {lang})\n",
            r.languages.join(", ")
        ));
    }
    s.push_str("\nSections:\n");
    for sec in &r.sections {
        s.push_str(&format!(
            "  {:<5} {}  (manual/{}/)\n",
            sec.id, sec.title, sec.dir
        ));
    }
    let width = r
        .documents
        .iter()
        .map(|d| d.source.chars().count())
        .max()
        .unwrap_or(0);
    for (kind, heading) in [
        (DocKind::Sop, "Documents"),
        (DocKind::Checklist, "Checklists (drafts)"),
        (DocKind::Translation, "Translations"),
        (DocKind::Attachment, "Attachments"),
    ] {
        let docs: Vec<_> = r.documents.iter().filter(|d| d.kind == kind).collect();
        if docs.is_empty() {
            continue;
        }
        s.push_str(&format!("\n{heading}:\n"));
        for d in docs {
            let id = if d.id.is_empty() {
                String::new()
            } else {
                format!("{} ", d.id)
            };
            s.push_str(&format!("  {:<width$} -> {id}{}\n", d.source, d.path));
            for n in &d.notes {
                s.push_str(&format!("  {:<width$}      {n}\n", ""));
            }
        }
    }
    if !r.left_out.is_empty() {
        s.push_str("\nLeft out:\n");
        let w = r
            .left_out
            .iter()
            .map(|l| l.path.chars().count())
            .max()
            .unwrap_or(0);
        for l in &r.left_out {
            s.push_str(&format!("  {:<w$}  {}\n", l.path, l.why));
        }
    }
    let count = |c| r.count(c);
    let would = if r.dry_run { "would be " } else { "" };
    s.push_str(&format!(
        "\nFiles {would}added {}, changed {}, removed {}, unchanged {}, kept as a person left them {}\n",
        count(Change::Added),
        count(Change::Changed),
        count(Change::Removed),
        count(Change::Unchanged),
        count(Change::Kept),
    ));
    if r.rerun {
        for f in &r.files {
            let word = match f.change {
                Change::Added => "added",
                Change::Changed => "changed",
                Change::Removed => "removed",
                Change::Kept => "kept",
                Change::Unchanged => continue,
            };
            s.push_str(&format!("  {word:<8} {}\n", f.path));
        }
    }
    if r.decisions.is_empty() {
        s.push_str("\nNothing is left for a person to decide.\n");
    } else {
        s.push_str(&format!(
            "\nLeft for a person to decide ({}):\n",
            r.decisions.len()
        ));
        for d in &r.decisions {
            let at = match (d.line, d.column) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", d.file),
                (Some(l), None) => format!("{}:{l}", d.file),
                _ => d.file.clone(),
            };
            s.push_str(&format!("  {at}: {}\n", d.what));
        }
    }
    if !r.dry_run {
        s.push_str(&format!(
            "\nNext: {program} -C {} check, then {program} -C {} publish --drafts\n",
            r.into, r.into
        ));
    }
    s
}
