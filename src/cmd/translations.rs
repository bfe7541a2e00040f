//! `sopbook translations`: which translations lag behind the source in force.

use super::inspections::{print_list, table_of};
use super::{Outcome, say};
use crate::cli::TranslationsArgs;
use crate::error::Result;
use crate::ops::Context;
use crate::ops::translations::{self, TranslationRow, TranslationState, TranslationsInput};
use crate::render::Table;

const HEADERS: &[&str] = &[
    "LANGUAGE",
    "ID",
    "TITLE",
    "STATE",
    "SOURCE REV",
    "TRANSLATES REV",
    "STALE SINCE",
];

pub fn translations(ctx: &mut Context, args: &TranslationsArgs) -> Result<Outcome> {
    let view = translations::translations(
        ctx,
        TranslationsInput {
            language: args.lang.as_deref(),
        },
    )?;
    let found = if args.fail_on_stale && view.stale() > 0 {
        Outcome::Problem
    } else {
        Outcome::Ok
    };
    let cells: Vec<Vec<String>> = view.rows.iter().map(cells).collect();
    if args.format.json || args.format.csv {
        print_list(&args.format, Table::new(HEADERS), &cells, HEADERS, &view)?;
        return Ok(found);
    }
    let mut counts = Table::new(&["LANGUAGE", "NAME", "CURRENT", "STALE", "DRAFT", "MISSING"])
        .right(2)
        .right(3)
        .right(4)
        .right(5);
    for l in &view.languages {
        counts.row(vec![
            l.code.clone(),
            l.name.clone(),
            l.current.to_string(),
            l.stale.to_string(),
            l.draft.to_string(),
            l.missing.to_string(),
        ]);
    }
    counts.print();
    if view.rows.is_empty() {
        say("no document is in force yet, so there is nothing to translate");
        return Ok(found);
    }
    println!();
    table_of(HEADERS, &cells).max(2, 34).print();
    for r in view
        .rows
        .iter()
        .filter(|r| r.state == TranslationState::Stale)
    {
        println!();
        let translated = r.translated_revision.unwrap_or_default();
        println!(
            "{} follows {} revision {translated}; revision {} is in force:",
            r.translation, r.document, r.source_revision
        );
        for c in &r.changes {
            let minor = if c.minor { " (minor)" } else { "" };
            println!(
                "  rev {} effective {}{minor}: {}",
                c.revision, c.effective, c.summary
            );
        }
        if let Some(diff) = &r.diff {
            println!();
            print!("{diff}");
        }
    }
    Ok(found)
}

fn cells(r: &TranslationRow) -> Vec<String> {
    let opt = |n: Option<i64>| n.map_or("–".to_string(), |n| n.to_string());
    vec![
        r.language.clone(),
        r.document.clone(),
        r.title.clone(),
        r.state.as_str().to_string(),
        r.source_revision.to_string(),
        opt(r.translated_revision),
        opt(r.stale_since),
    ]
}
