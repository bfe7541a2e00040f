//! `sopbook.toml`: the file schema and the [`Config`] built from it.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::model::{ApprovalRule, Person, Role, Section, is_slug_id};
use crate::workspace::toml_diag::toml_error;

pub const CONFIG_FILE: &str = "sopbook.toml";

/// Folders of the published manual that sections may not use.
pub const RESERVED_DIRS: &[&str] = &["checklists", "reading-paths"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    organisation: OrganisationFile,
    database: Option<String>,
    #[serde(default)]
    person: Vec<PersonFile>,
    #[serde(default)]
    approval: ApprovalFile,
    #[serde(default)]
    manual: ManualFile,
    #[serde(default)]
    role: Vec<RoleFile>,
    #[serde(default)]
    section: Vec<SectionFile>,
    #[serde(default)]
    publish: PublishFile,
    #[serde(default)]
    book: BookFile,
    #[serde(default)]
    permissions: PermissionsFile,
}

/// `[permissions]`: which roles may take the signed steps that are not
/// document approvals.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct PermissionsFile {
    disposition: Option<Vec<Spanned<String>>>,
    corrective_action: Option<Vec<Spanned<String>>>,
    close: Option<Vec<Spanned<String>>>,
    void: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrganisationFile {
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManualFile {
    title: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RoleFile {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionFile {
    id: Spanned<String>,
    title: String,
    dir: Option<Spanned<String>>,
    order: Option<i64>,
    approvals: Option<Spanned<u32>>,
    approver_roles: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFile {
    id: Spanned<String>,
    name: String,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ApprovalFile {
    required: Option<Spanned<u32>>,
    #[serde(default)]
    roles: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublishFile {
    out: Option<String>,
}

/// Options passed through to mdBook's `book.toml`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BookFile {
    pub language: Option<String>,
    pub text_direction: Option<TextDirection>,
    pub description: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextDirection {
    Ltr,
    Rtl,
}

/// The roles that may take each signed step; an empty list lets anyone in
/// sopbook.toml take it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Permissions {
    pub disposition: Vec<String>,
    pub corrective_action: Vec<String>,
    pub close: Vec<String>,
    pub void: Vec<String>,
}

/// The workspace configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub organisation: String,
    pub description: String,
    pub title: String,
    pub roles: Vec<Role>,
    /// In manual order.
    pub sections: Vec<Section>,
    pub out: String,
    pub book: BookFile,
    /// `database = "..."`: a path (relative to the workspace) or a URL.
    pub database: Option<String>,
    pub people: Vec<Person>,
    /// The default approval rule; sections may have their own.
    pub approval: ApprovalRule,
    /// Section id -> its own approval rule.
    pub section_approval: Vec<(String, ApprovalRule)>,
    /// Who may take the signed steps on nonconformances and inspections.
    pub permissions: Permissions,
    /// Where each role and section id was defined, for diagnostics.
    pub role_spans: Vec<std::ops::Range<usize>>,
    pub section_spans: Vec<std::ops::Range<usize>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            organisation: String::new(),
            description: String::new(),
            title: "Procedures manual".to_string(),
            roles: Vec::new(),
            sections: Vec::new(),
            out: "book".to_string(),
            book: BookFile::default(),
            database: None,
            people: Vec::new(),
            approval: ApprovalRule {
                required: 1,
                roles: Vec::new(),
            },
            section_approval: Vec::new(),
            permissions: Permissions::default(),
            role_spans: Vec::new(),
            section_spans: Vec::new(),
        }
    }
}

impl Config {
    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.id == id)
    }

    pub fn person(&self, id: &str) -> Option<&Person> {
        self.people.iter().find(|p| p.id == id)
    }

    /// The approval rule for documents of a section (checklists: `None`).
    pub fn approval_for(&self, section: Option<&str>) -> &ApprovalRule {
        section
            .and_then(|s| self.section_approval.iter().find(|(id, _)| id == s))
            .map_or(&self.approval, |(_, rule)| rule)
    }

    /// Parses `sopbook.toml`. Returns `None` when the file cannot be used at
    /// all; the diagnostics say why.
    pub fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Config> {
        let file: ConfigFile = match toml::from_str(text) {
            Ok(f) => f,
            Err(e) => {
                diags.push(toml_error(&e, CONFIG_FILE, text, 0, 0..0));
                return None;
            }
        };
        let at = |span: std::ops::Range<usize>| (CONFIG_FILE, span);
        let mut config = Config {
            organisation: file.organisation.name,
            description: file.organisation.description,
            title: file
                .manual
                .title
                .unwrap_or_else(|| "Procedures manual".to_string()),
            out: file.publish.out.unwrap_or_else(|| "book".to_string()),
            book: file.book,
            database: file.database,
            ..Config::default()
        };
        for role in file.role {
            let span = role.id.span();
            let id = role.id.into_inner();
            if !is_slug_id(&id) {
                let (f, s) = at(span.clone());
                diags.push(
                    Diagnostic::error("role-id", format!("role id `{id}` is not valid"))
                        .at(f, s)
                        .label("expected lowercase letters, digits and `-`")
                        .help("role ids look like `inspector` or `cs-rep`"),
                );
            }
            if let Some(i) = config.roles.iter().position(|r| r.id == id) {
                diags.push(
                    Diagnostic::error("duplicate-role", format!("role `{id}` is defined twice"))
                        .at(CONFIG_FILE, span.clone())
                        .also(
                            CONFIG_FILE,
                            config.role_spans[i].clone(),
                            "first defined here",
                        ),
                );
                continue;
            }
            config.role_spans.push(span);
            config.roles.push(Role {
                id,
                name: role.name,
                description: role.description,
            });
        }
        let mut sections: Vec<(i64, usize, Section, std::ops::Range<usize>)> = Vec::new();
        type PendingRule = (String, u32, Vec<(std::ops::Range<usize>, String)>);
        let mut pending_roles: Vec<PendingRule> = Vec::new();
        for (position, section) in file.section.into_iter().enumerate() {
            let span = section.id.span();
            let id = section.id.into_inner();
            if !(2..=5).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_uppercase()) {
                diags.push(
                    Diagnostic::error("section-id", format!("section id `{id}` is not valid"))
                        .at(CONFIG_FILE, span.clone())
                        .label("expected 2 to 5 capital letters")
                        .help("the section id is the prefix of its SOP ids: section `QC` holds QC-001, QC-002 ..."),
                );
            }
            if let Some((_, _, _, first)) = sections.iter().find(|s| s.2.id == id) {
                diags.push(
                    Diagnostic::error(
                        "duplicate-section",
                        format!("section `{id}` is defined twice"),
                    )
                    .at(CONFIG_FILE, span.clone())
                    .also(CONFIG_FILE, first.clone(), "first defined here"),
                );
                continue;
            }
            let dir = match section.dir {
                Some(dir) => {
                    let dir_span = dir.span();
                    let dir = dir.into_inner();
                    if RESERVED_DIRS.contains(&dir.as_str()) {
                        diags.push(
                            Diagnostic::error(
                                "section-dir",
                                format!("section folder `{dir}` is reserved"),
                            )
                            .at(CONFIG_FILE, dir_span.clone())
                            .label("the published manual uses this folder itself")
                            .help(format!(
                                "choose another folder name; {} are reserved",
                                RESERVED_DIRS.join(" and ")
                            )),
                        );
                    } else if !is_slug_id(&dir) {
                        diags.push(
                            Diagnostic::error(
                                "section-dir",
                                format!("section folder `{dir}` is not valid"),
                            )
                            .at(CONFIG_FILE, dir_span)
                            .label("expected one folder name of lowercase letters, digits and `-`")
                            .help(
                                "the folder lives directly under manual/, e.g. dir = \"quality\"",
                            ),
                        );
                    }
                    dir
                }
                None => id.to_ascii_lowercase(),
            };
            let order = section.order.unwrap_or(i64::MAX);
            if section.approvals.is_some() || section.approver_roles.is_some() {
                let required = match &section.approvals {
                    Some(n) => required_approvals(n, diags),
                    None => 1,
                };
                let roles = section
                    .approver_roles
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| (r.span(), r.into_inner()))
                    .collect();
                pending_roles.push((id.clone(), required, roles));
            }
            sections.push((
                order,
                position,
                Section {
                    id,
                    title: section.title,
                    dir,
                },
                span,
            ));
        }
        sections.sort_by_key(|s| (s.0, s.1));
        for (_, _, section, span) in sections {
            config.sections.push(section);
            config.section_spans.push(span);
        }
        let check_roles = |config: &Config,
                           roles: Vec<(std::ops::Range<usize>, String)>,
                           diags: &mut Vec<Diagnostic>| {
            roles
                .into_iter()
                .filter_map(|(span, role)| {
                    if config.role(&role).is_some() {
                        Some(role)
                    } else {
                        diags.push(unknown_role(config, span, &role));
                        None
                    }
                })
                .collect::<Vec<_>>()
        };
        for person in file.person {
            let span = person.id.span();
            let id = person.id.into_inner();
            if !is_slug_id(&id) {
                diags.push(
                    Diagnostic::error("person-id", format!("person id `{id}` is not valid"))
                        .at(CONFIG_FILE, span.clone())
                        .label("expected lowercase letters, digits and `-`")
                        .help("person ids look like `ingrid` or `li-wei`; people sign with them (--as ingrid)"),
                );
            }
            if config.person(&id).is_some() || config.role(&id).is_some() {
                diags.push(
                    Diagnostic::error(
                        "duplicate-person",
                        format!("`{id}` is already a person or role id"),
                    )
                    .at(CONFIG_FILE, span)
                    .help("person and role ids share one namespace, since an owner may be either"),
                );
                continue;
            }
            let roles = check_roles(
                &config,
                person
                    .roles
                    .into_iter()
                    .map(|r| (r.span(), r.into_inner()))
                    .collect(),
                diags,
            );
            config.people.push(Person {
                id,
                name: person.name,
                roles,
            });
        }
        if let Some(n) = &file.approval.required {
            config.approval.required = required_approvals(n, diags);
        }
        config.approval.roles = check_roles(
            &config,
            file.approval
                .roles
                .into_iter()
                .map(|r| (r.span(), r.into_inner()))
                .collect(),
            diags,
        );
        // Without a [permissions] entry, a step is for the quality manager, or
        // where the workspace has no such role, for the approvers of procedures.
        let default_roles = if config.role("quality-manager").is_some() {
            vec!["quality-manager".to_string()]
        } else {
            config.approval.roles.clone()
        };
        let mut roles_for = |given: Option<Vec<Spanned<String>>>| match given {
            Some(list) => check_roles(
                &config,
                list.into_iter()
                    .map(|r| (r.span(), r.into_inner()))
                    .collect(),
                diags,
            ),
            None => default_roles.clone(),
        };
        let permissions = Permissions {
            disposition: roles_for(file.permissions.disposition),
            corrective_action: roles_for(file.permissions.corrective_action),
            close: roles_for(file.permissions.close),
            void: roles_for(file.permissions.void),
        };
        config.permissions = permissions;
        for (section, required, roles) in pending_roles {
            // A section that sets only the number of approvals keeps the default approver roles.
            let roles = if roles.is_empty() {
                config.approval.roles.clone()
            } else {
                check_roles(&config, roles, diags)
            };
            config
                .section_approval
                .push((section, ApprovalRule { required, roles }));
        }
        Some(config)
    }
}

fn required_approvals(n: &Spanned<u32>, diags: &mut Vec<Diagnostic>) -> u32 {
    if *n.get_ref() == 0 {
        diags.push(
            Diagnostic::error("approvals", "a document needs at least one approval")
                .at(CONFIG_FILE, n.span())
                .help("set the number of approvals to 1 or more"),
        );
        return 1;
    }
    *n.get_ref()
}

fn unknown_role(config: &Config, span: std::ops::Range<usize>, role: &str) -> Diagnostic {
    let known: Vec<_> = config.roles.iter().map(|r| format!("`{}`", r.id)).collect();
    Diagnostic::error("unknown-role", format!("unknown role `{role}`"))
        .at(CONFIG_FILE, span)
        .label("not a role defined above")
        .help(format!("the roles are {}", known.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[organisation]
name = "Acme"

[[role]]
id = "inspector"
name = "Inspector"

[[section]]
id = "QC"
title = "Quality"
order = 2

[[section]]
id = "CS"
title = "Customer service"
dir = "service"
order = 1
"#;

    #[test]
    fn parses_and_orders_sections() {
        let mut diags = Vec::new();
        let config = Config::parse(MINIMAL, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(config.organisation, "Acme");
        let ids: Vec<_> = config.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["CS", "QC"]);
        assert_eq!(config.section("QC").unwrap().dir, "qc");
        assert_eq!(config.section("CS").unwrap().dir, "service");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let mut diags = Vec::new();
        let text = "[organisation]\nname = \"Acme\"\ncolour = \"red\"\n";
        assert!(Config::parse(text, &mut diags).is_none());
        assert_eq!(diags[0].code, "unknown-key");
        assert_eq!(&text[diags[0].span.clone().unwrap()], "colour");
    }
}
