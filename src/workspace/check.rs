//! Checks that need the whole workspace: ids, references between files,
//! links, places in reading paths.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::Diagnostic;
use crate::model::is_document_id;
use crate::workspace::checklist_file::ChecklistFile;
use crate::workspace::config::{CONFIG_FILE, Config};
use crate::workspace::links::{LinkKind, find_links};
use crate::workspace::sop_file::{SopFile, slot_span};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DocKind {
    Sop,
    Checklist,
}

struct Known<'a> {
    kind: DocKind,
    path: &'a str,
    span: Range<usize>,
}

pub fn check_workspace(
    config: &Config,
    sops: &[SopFile],
    checklists: &[ChecklistFile],
    broken: &[(DocKind, String)],
    diags: &mut Vec<Diagnostic>,
) {
    let mut ids: HashMap<&str, Known<'_>> = HashMap::new();
    for (kind, id) in broken {
        ids.insert(
            id,
            Known {
                kind: *kind,
                path: "",
                span: 0..0,
            },
        );
    }
    let docs = sops
        .iter()
        .map(|s| (DocKind::Sop, s.path.as_str(), &s.front.id))
        .chain(
            checklists
                .iter()
                .map(|c| (DocKind::Checklist, c.path.as_str(), &c.front.id)),
        );
    for (kind, path, id) in docs {
        let value = id.get_ref().as_str();
        if !is_document_id(value) {
            diags.push(
                Diagnostic::error("id-format", format!("`{value}` is not a valid document id"))
                    .at(path, id.span())
                    .label("expected 2-5 capital letters, `-`, 3 or more digits")
                    .help("ids look like `QC-003` or `CL-012`; they name records and pages, so nothing path-like is allowed"),
            );
            continue;
        }
        if let Some(first) = ids.get(value).filter(|k| !k.path.is_empty()) {
            diags.push(
                Diagnostic::error("duplicate-id", format!("id `{value}` is used twice"))
                    .at(path, id.span())
                    .label("used again here")
                    .also(first.path, first.span.clone(), format!("`{value}` is first used in {}", first.path))
                    .help("give one of the documents a free id (`sopbook new` picks the next free one)"),
            );
            continue;
        }
        ids.insert(
            value,
            Known {
                kind,
                path,
                span: id.span(),
            },
        );
    }

    let role_exists = |id: &str| config.role(id).is_some();
    let role_help = || {
        let roles: Vec<_> = config.roles.iter().map(|r| format!("`{}`", r.id)).collect();
        if roles.is_empty() {
            "define roles in sopbook.toml with [[role]] tables".to_string()
        } else {
            format!("the roles in sopbook.toml are {}", roles.join(", "))
        }
    };
    let unknown_role = |path: &str, span: Range<usize>, id: &str| {
        Diagnostic::error("unknown-role", format!("unknown role `{id}`"))
            .at(path, span)
            .label("not a role in sopbook.toml")
            .help(role_help())
    };
    let reference = |path: &str,
                     span: Range<usize>,
                     id: &str,
                     want: DocKind,
                     key: &str|
     -> Option<Diagnostic> {
        let what = if want == DocKind::Sop {
            "SOP"
        } else {
            "checklist"
        };
        match ids.get(id) {
            Some(k) if k.kind == want => None,
            Some(_) => Some(
                Diagnostic::error(
                    "wrong-reference",
                    format!(
                        "`{id}` is not a{} {what}",
                        if want == DocKind::Sop { "n" } else { "" }
                    ),
                )
                .at(path, span)
                .label(format!("`{key}` lists {what}s"))
                .help(if want == DocKind::Sop {
                    "list checklists under `checklists`"
                } else {
                    "list SOPs under `related`"
                }),
            ),
            None => Some(
                Diagnostic::error(
                    if want == DocKind::Sop {
                        "unknown-sop"
                    } else {
                        "unknown-checklist"
                    },
                    format!("no {what} has the id `{id}`"),
                )
                .at(path, span)
                .label(format!("unknown {what}"))
                .help(format!(
                    "check the id, or create it with `sopbook new {}`",
                    if want == DocKind::Sop {
                        "sop"
                    } else {
                        "checklist"
                    }
                )),
            ),
        }
    };

    let mut slots: HashMap<(String, u32), (&str, Range<usize>, &str)> = HashMap::new();
    for sop in sops {
        let f = &sop.front;
        let path = sop.path.as_str();
        let id = f.id.get_ref();
        match config.section(f.section.get_ref()) {
            None => {
                let known: Vec<_> = config
                    .sections
                    .iter()
                    .map(|s| format!("`{}`", s.id))
                    .collect();
                diags.push(
                    Diagnostic::error(
                        "unknown-section",
                        format!("unknown section `{}`", f.section.get_ref()),
                    )
                    .at(path, f.section.span())
                    .label("not a section in sopbook.toml")
                    .help(format!("the sections are {}", known.join(", "))),
                );
            }
            Some(section) => {
                if is_document_id(id) && id.split('-').next() != Some(section.id.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            "id-prefix",
                            format!("`{id}` is in section {} but has another prefix", section.id),
                        )
                        .at(path, f.id.span())
                        .label(format!("expected `{}-...`", section.id))
                        .help("the id prefix names the section; change the id or the section"),
                    );
                }
                let folder = path.split('/').nth(1).unwrap_or_default();
                if folder != section.dir {
                    diags.push(
                        Diagnostic::error(
                            "section-folder",
                            format!("SOP of section {} is in `manual/{folder}/`", section.id),
                        )
                        .at(path, f.section.span())
                        .label(format!(
                            "section {} lives in manual/{}/",
                            section.id, section.dir
                        ))
                        .help(format!(
                            "move the file to manual/{}/, or change its section",
                            section.dir
                        )),
                    );
                }
            }
        }
        if f.title.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error("empty-title", "the title is empty").at(path, f.title.span()),
            );
        }
        diags.extend(super::control_character(
            path,
            "the title",
            f.title.get_ref(),
            f.title.span(),
            false,
        ));
        let owner = f.owner.get_ref();
        if !role_exists(owner) && config.person(owner).is_none() {
            diags.push(
                Diagnostic::error("unknown-owner", format!("unknown owner `{owner}`"))
                    .at(path, f.owner.span())
                    .label("not a role or person in sopbook.toml")
                    .help(role_help()),
            );
        }
        if f.roles.get_ref().is_empty() {
            diags.push(
                Diagnostic::warning("no-roles", format!("{id} applies to no role"))
                    .at(path, f.roles.span())
                    .help(
                        "list the roles that must follow it, so it appears in their by-role index",
                    ),
            );
        }
        for role in f.roles.get_ref() {
            if !role_exists(role.get_ref()) {
                diags.push(unknown_role(path, role.span(), role.get_ref()));
            }
        }
        for r in &f.related {
            if r.get_ref() == id {
                diags.push(
                    Diagnostic::warning("self-reference", format!("{id} lists itself as related"))
                        .at(path, r.span()),
                );
            } else if let Some(d) = reference(path, r.span(), r.get_ref(), DocKind::Sop, "related")
            {
                diags.push(d);
            }
        }
        for c in &f.checklists {
            if let Some(d) = reference(
                path,
                c.span(),
                c.get_ref(),
                DocKind::Checklist,
                "checklists",
            ) {
                diags.push(d);
            }
        }
        for slot in f.reading_path_slots() {
            let role = slot.role.get_ref();
            if !role_exists(role) {
                diags.push(unknown_role(path, slot.role.span(), role));
                continue;
            }
            let order = *slot.order.get_ref();
            let key = (role.clone(), order);
            if let Some((other_path, other_span, other_id)) = slots.get(&key) {
                diags.push(
                    Diagnostic::error(
                        "reading-path-slot",
                        format!("{id} and {other_id} both claim place {order} in the `{role}` reading path"),
                    )
                    .at(path, slot_span(slot))
                    .label("claimed again here")
                    .also(*other_path, other_span.clone(), format!("{other_id} claims it in {other_path}"))
                    .help("give each SOP its own `order` within a role"),
                );
            } else {
                slots.insert(key, (path, slot_span(slot), id));
            }
        }
        for link in find_links(&sop.body) {
            let span = link.id_range.start + sop.body_offset..link.id_range.end + sop.body_offset;
            let want = if link.kind == LinkKind::Sop {
                DocKind::Sop
            } else {
                DocKind::Checklist
            };
            if let Some(mut d) = reference(path, span, &link.id, want, "link") {
                d.code = "broken-link";
                d.message = format!(
                    "link to {} does not resolve",
                    if link.id.is_empty() {
                        "nothing"
                    } else {
                        &link.id
                    }
                );
                d.label = Some(
                    if want == DocKind::Sop {
                        "no such SOP"
                    } else {
                        "no such checklist"
                    }
                    .to_string(),
                );
                diags.push(d);
            }
        }
    }

    for c in checklists {
        for role in &c.front.inspectors {
            if !role_exists(role.get_ref()) {
                diags.push(unknown_role(&c.path, role.span(), role.get_ref()));
            }
        }
        match &c.front.sop {
            Some(sop) => {
                if let Some(d) = reference(&c.path, sop.span(), sop.get_ref(), DocKind::Sop, "sop")
                {
                    diags.push(d);
                }
            }
            None => diags.push(
                Diagnostic::warning(
                    "no-sop",
                    format!("checklist {} implements no SOP", c.front.id.get_ref()),
                )
                .at(&c.path, c.front.id.span())
                .help("add `sop = \"QC-001\"`: the procedure this checklist carries out"),
            ),
        }
    }

    for (role, span) in config.roles.iter().zip(&config.role_spans) {
        if !slots.keys().any(|(r, _)| r == &role.id) {
            diags.push(
                Diagnostic::warning("no-reading-path", format!("role `{}` has no reading path", role.id))
                    .at(CONFIG_FILE, span.clone())
                    .help(format!("add `reading_path = {{ role = \"{}\", order = 1 }}` to the SOPs a new colleague in this role reads first", role.id)),
            );
        }
    }
}

/// The id of a file that did not parse, read from its `id = "..."` line.
pub fn salvage_id(text: &str) -> Option<String> {
    static ID: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?m)^\s*id\s*=\s*"([^"\n]+)""#).expect("valid regex")
    });
    ID.captures(text).map(|c| c[1].to_string())
}
