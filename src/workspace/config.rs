//! `sopbook.toml`: the file schema and the [`Config`] built from it.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::model::translation::{Direction, Language, is_language_code};
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
    #[serde(default)]
    quality: QualityFile,
    #[serde(default)]
    language: Vec<LanguageFile>,
}

/// `[[language]]`: a language of the manual.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LanguageFile {
    code: Spanned<String>,
    name: String,
    direction: Option<TextDirection>,
    #[serde(default)]
    source: bool,
    approver_roles: Option<Vec<Spanned<String>>>,
}

/// `[quality]`: what the quality dashboard and the scorecard aim at.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct QualityFile {
    /// "95%": checked by [`fpy_target`], so a number gets a helpful error.
    fpy_target: Option<Spanned<toml::Value>>,
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
    reset_password: Option<Vec<Spanned<String>>>,
    training: Option<Vec<Spanned<String>>>,
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
    start: Option<Spanned<toml::Value>>,
    until: Option<Spanned<toml::Value>>,
    language: Option<Spanned<String>>,
    #[serde(default)]
    reads: Vec<Spanned<String>>,
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
    /// Who may give a person who forgot their password a new one (and key).
    pub reset_password: Vec<String>,
    /// Who may see everyone's training records (the training matrix of
    /// `sopbook serve`); each person sees their own reading list.
    pub training: Vec<String>,
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
    pub database: Option<crate::store::pg_url::DatabaseSpec>,
    pub people: Vec<Person>,
    /// The default approval rule; sections may have their own.
    pub approval: ApprovalRule,
    /// Section id -> its own approval rule.
    pub section_approval: Vec<(String, ApprovalRule)>,
    /// Who may take the signed steps on nonconformances and inspections.
    pub permissions: Permissions,
    /// The first-pass yield aimed at, 0 to 1 (`[quality] fpy_target = "95%"`).
    pub fpy_target: Option<f64>,
    /// The languages of the manual (`[[language]]`), the source language
    /// among them; empty: one language, and no translations.
    pub languages: Vec<Language>,
    /// Where each language code was defined, for diagnostics.
    pub language_spans: Vec<std::ops::Range<usize>>,
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
            fpy_target: None,
            languages: Vec::new(),
            language_spans: Vec::new(),
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

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    /// The language documents are written in, when languages are listed.
    pub fn source_language(&self) -> Option<&Language> {
        self.languages.iter().find(|l| l.source)
    }

    /// The languages documents are translated into.
    pub fn target_languages(&self) -> impl Iterator<Item = &Language> {
        self.languages.iter().filter(|l| !l.source)
    }

    /// The approval rule for documents of a section (checklists: `None`).
    pub fn approval_for(&self, section: Option<&str>) -> &ApprovalRule {
        section
            .and_then(|s| self.section_approval.iter().find(|(id, _)| id == s))
            .map_or(&self.approval, |(_, rule)| rule)
    }

    /// The approval rule for a document by its id: its section's rule, or
    /// for a translation (`QC-001.nb`) one approval by the language's
    /// approver roles (else the source's approver roles); who approves a
    /// translation must also read its language.
    pub fn approval_for_doc(&self, id: &str) -> ApprovalRule {
        let source = crate::model::translation::split_translation_id(id);
        let section = source.map_or(id, |(s, _)| s).split('-').next();
        let rule = self.approval_for(section);
        let Some((_, language)) = source else {
            return rule.clone();
        };
        let roles = self
            .language(language)
            .map(|l| l.approver_roles.clone())
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| rule.roles.clone());
        ApprovalRule { required: 1, roles }
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
            database: file.database.map(Into::into),
            fpy_target: file
                .quality
                .fpy_target
                .as_ref()
                .and_then(|t| fpy_target(t, diags)),
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
        parse_languages(&mut config, file.language, diags);
        let mut sections: Vec<(i64, usize, Section, std::ops::Range<usize>)> = Vec::new();
        // Section id, where to point (its `approvals`, else its id), the
        // number of approvals and the roles as written.
        type PendingRule = (
            String,
            std::ops::Range<usize>,
            u32,
            Vec<(std::ops::Range<usize>, String)>,
        );
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
                let at = section
                    .approvals
                    .as_ref()
                    .map_or(span.clone(), Spanned::span);
                pending_roles.push((id.clone(), at, required, roles));
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
        for (_, _, section, span) in &sections {
            if config.language(&section.dir).is_some() {
                diags.push(
                    Diagnostic::error(
                        "section-dir",
                        format!(
                            "section folder `{}` is also a language code; the manual in that language is published there",
                            section.dir
                        ),
                    )
                    .at(CONFIG_FILE, span.clone())
                    .help("give the section another `dir`"),
                );
            }
        }
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
            let until_span = person.until.as_ref().map(Spanned::span);
            let start = person.start.and_then(|d| person_date("start", &d, diags));
            let until = person.until.and_then(|d| person_date("until", &d, diags));
            if let (Some(s), Some(u), Some(at)) = (start, until, until_span)
                && u < s
            {
                diags.push(
                    Diagnostic::error(
                        "person-dates",
                        format!("`{id}` leaves on {u}, before they start on {s}"),
                    )
                    .at(CONFIG_FILE, at)
                    .label("before `start`")
                    .help("`until` is the last day they work here, on or after `start`"),
                );
            }
            let mut known_language = |code: Spanned<String>| {
                let span = code.span();
                let code = code.into_inner();
                if config.language(&code).is_some() {
                    return Some(code);
                }
                diags.push(unknown_language(&config, span, &code));
                None
            };
            let language = person.language.and_then(&mut known_language);
            let reads = person
                .reads
                .into_iter()
                .filter_map(&mut known_language)
                .collect();
            config.people.push(Person {
                id,
                name: person.name,
                roles,
                start,
                until,
                language,
                reads,
            });
        }
        let default_at = file.approval.required.as_ref().map(Spanned::span);
        let explicit_default = default_at.is_some() || !file.approval.roles.is_empty();
        if let Some(n) = &file.approval.required {
            config.approval.required = required_approvals(n, diags);
        }
        // Listed roles that are all unknown are reported as such; the rule
        // is then not also checked as if it had no roles (anyone).
        let default_written = !file.approval.roles.is_empty();
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
            reset_password: roles_for(file.permissions.reset_password),
            training: roles_for(file.permissions.training),
        };
        config.permissions = permissions;
        let default_lost = default_written && config.approval.roles.is_empty();
        let mut rule_spans = Vec::new();
        for (section, at, required, roles) in pending_roles {
            // A section that sets only the number of approvals keeps the default approver roles.
            let (roles, lost) = if roles.is_empty() {
                (config.approval.roles.clone(), default_lost)
            } else {
                let checked = check_roles(&config, roles, diags);
                let lost = checked.is_empty();
                (checked, lost)
            };
            rule_spans.push((at, lost));
            config
                .section_approval
                .push((section, ApprovalRule { required, roles }));
        }
        if config.people.is_empty() {
            if explicit_default || !config.section_approval.is_empty() {
                let first = default_at.or_else(|| rule_spans.first().map(|(at, _)| at.clone()));
                let warning = Diagnostic::warning(
                    "no-people",
                    "sopbook.toml lists no people, so no document can be released or approved yet",
                )
                .help("add a [[person]] table (id, name, roles) for everyone who signs; the approval rules are then checked against them");
                diags.push(match first {
                    Some(span) => warning
                        .at(CONFIG_FILE, span)
                        .label("nobody can give these approvals yet"),
                    None => warning.in_file(CONFIG_FILE),
                });
            }
        } else {
            if !default_lost
                && let Some(d) = unsatisfiable(
                    &config,
                    &config.approval,
                    "the default approval rule",
                    default_at,
                )
            {
                diags.push(d);
            }
            for ((section, rule), (at, lost)) in config.section_approval.iter().zip(rule_spans) {
                if lost {
                    continue;
                }
                let who = format!("section `{section}`");
                if let Some(d) = unsatisfiable(&config, rule, &who, Some(at)) {
                    diags.push(d);
                }
            }
        }
        check_translators(&config, diags);
        Some(config)
    }
}

/// `[[language]]` tables: codes checked, one source language.
fn parse_languages(config: &mut Config, files: Vec<LanguageFile>, diags: &mut Vec<Diagnostic>) {
    let mut first_source: Option<std::ops::Range<usize>> = None;
    let mut first_span = None;
    for file in files {
        let span = file.code.span();
        let code = file.code.into_inner();
        first_span.get_or_insert(span.clone());
        if !is_language_code(&code) {
            diags.push(
                Diagnostic::error("language-code", format!("language code `{code}` is not valid"))
                    .at(CONFIG_FILE, span.clone())
                    .label("expected a lowercase code like `nb`, `he` or `zh-hans`")
                    .help("the code ends the names of translation files: manual/quality/final-inspection.nb.md"),
            );
            continue;
        }
        if let Some(i) = config.languages.iter().position(|l| l.code == code) {
            diags.push(
                Diagnostic::error(
                    "duplicate-language",
                    format!("language `{code}` is listed twice"),
                )
                .at(CONFIG_FILE, span)
                .also(
                    CONFIG_FILE,
                    config.language_spans[i].clone(),
                    "first listed here",
                ),
            );
            continue;
        }
        if file.source {
            if let Some(first) = &first_source {
                diags.push(
                    Diagnostic::error("two-source-languages", format!("`{code}` is a second source language"))
                        .at(CONFIG_FILE, span.clone())
                        .also(CONFIG_FILE, first.clone(), "the source language")
                        .help("documents are written in one language; the others are translations of them: remove `source = true` from one"),
                );
                continue;
            }
            first_source = Some(span.clone());
        }
        let mut approver_roles = Vec::new();
        for role in file.approver_roles.unwrap_or_default() {
            let (at, role) = (role.span(), role.into_inner());
            if config.role(&role).is_some() {
                approver_roles.push(role);
            } else {
                diags.push(unknown_role(config, at, &role));
            }
        }
        let direction = match file.direction {
            Some(TextDirection::Rtl) => Direction::Rtl,
            Some(TextDirection::Ltr) => Direction::Ltr,
            None => Direction::of(&code),
        };
        config.languages.push(Language {
            code,
            name: file.name,
            direction,
            source: file.source,
            approver_roles,
        });
        config.language_spans.push(span);
    }
    if first_source.is_none()
        && let Some(span) = first_span
    {
        diags.push(
            Diagnostic::error(
                "no-source-language",
                "no language is marked as the source language",
            )
            .at(CONFIG_FILE, span)
            .label("one of these is the language documents are written in")
            .help("add `source = true` to the [[language]] the documents are written in"),
        );
    }
}

/// A warning for each language nobody could approve a translation into:
/// its approvers must read it.
fn check_translators(config: &Config, diags: &mut Vec<Diagnostic>) {
    // Without a source language that error says enough.
    if config.people.is_empty() || config.source_language().is_none() {
        return;
    }
    for (language, span) in config.languages.iter().zip(&config.language_spans) {
        if language.source {
            continue;
        }
        let may = |p: &&Person| {
            p.reads(&language.code)
                && (language.approver_roles.is_empty()
                    || p.roles.iter().any(|r| language.approver_roles.contains(r)))
        };
        if config.people.iter().any(|p| may(&p)) {
            continue;
        }
        diags.push(
            Diagnostic::warning(
                "no-translator",
                format!("nobody can approve a translation into `{}`", language.code),
            )
            .at(CONFIG_FILE, span.clone())
            .label("no approver reads this language")
            .help(format!(
                "give an approver `language = \"{0}\"` or `reads = [\"{0}\"]` in their [[person]] table",
                language.code
            )),
        );
    }
}

fn unknown_language(config: &Config, span: std::ops::Range<usize>, code: &str) -> Diagnostic {
    let known: Vec<_> = config
        .languages
        .iter()
        .map(|l| format!("`{}`", l.code))
        .collect();
    let help = if known.is_empty() {
        "list the languages of the manual first, as [[language]] tables with code, name and direction".to_string()
    } else {
        format!("the languages are {}", known.join(", "))
    };
    Diagnostic::error("unknown-language", format!("unknown language `{code}`"))
        .at(CONFIG_FILE, span)
        .label("not a [[language]] of sopbook.toml")
        .help(help)
}

/// `fpy_target = "95%"`: a percentage above 0 and at most 100, as a share.
fn fpy_target(value: &Spanned<toml::Value>, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let percent = match value.get_ref() {
        toml::Value::String(s) => s
            .trim()
            .strip_suffix('%')
            .and_then(|n| n.trim().parse::<f64>().ok())
            .filter(|p| p.is_finite()),
        _ => None,
    };
    let problem = match percent {
        Some(p) if p > 0.0 && p <= 100.0 => return Some(p / 100.0),
        Some(_) => "a first-pass yield target is above 0% and at most 100%",
        None => "the first-pass yield target is a percentage",
    };
    let written = match value.get_ref() {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let example = match value.get_ref() {
        toml::Value::Float(f) if *f > 0.0 && *f <= 1.0 => {
            format!(
                "write it as a percentage: fpy_target = \"{}%\"",
                (f * 1000.0).round() / 10.0
            )
        }
        toml::Value::Float(_) | toml::Value::Integer(_) => {
            format!("write it with a percent sign, in quotes: fpy_target = \"{written}%\"")
        }
        _ => "write it like fpy_target = \"95%\"".to_string(),
    };
    diags.push(
        Diagnostic::error("fpy-target", format!("{problem}: `{written}` is not one"))
            .at(CONFIG_FILE, value.span())
            .help(example),
    );
    None
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

/// An error if nobody could ever satisfy `rule` with the people listed.
///
/// Any listed person may author a revision (release it), and the author
/// can never approve it. So the rule can be met when some author leaves at
/// least `required` eligible approvers besides themselves. The most
/// favourable author is someone who is not an eligible approver, if there
/// is one; otherwise every author is one of the eligible. Hence the rule:
///
/// - at least `required` people may approve (hold an approver role, or
///   anyone when the rule lists no roles), and
/// - at least `required + 1` people are listed, so that someone is left to
///   author when every approver is also a possible author.
///
/// Rules that can be met only when a particular person authors pass; a
/// refused signature says so when it happens.
fn unsatisfiable(
    config: &Config,
    rule: &ApprovalRule,
    who: &str,
    at: Option<std::ops::Range<usize>>,
) -> Option<Diagnostic> {
    let required = rule.required as usize;
    let eligible: Vec<&Person> = config
        .people
        .iter()
        .filter(|p| rule.roles.is_empty() || p.roles.iter().any(|r| rule.roles.contains(r)))
        .collect();
    let people = config.people.len();
    if eligible.len() >= required && people > required {
        return None;
    }
    let approvals = plural(required, "approval");
    let message = if eligible.is_empty() {
        format!("{who} needs {approvals}, but nobody may approve")
    } else if eligible.len() < required {
        format!(
            "{who} needs {approvals}, but only {} may approve",
            people_count(eligible.len())
        )
    } else {
        format!(
            "{who} needs {approvals} from people other than the author, but sopbook.toml lists only {}",
            people_count(people)
        )
    };
    let names: Vec<String> = eligible.iter().map(|p| format!("`{}`", p.id)).collect();
    let roles: Vec<String> = rule.roles.iter().map(|r| format!("`{r}`")).collect();
    let eligible_text = if rule.roles.is_empty() {
        format!(
            "the rule lists no approver roles, so anyone but the author may approve: {}",
            names.join(", ")
        )
    } else if names.is_empty() {
        format!("nobody holds the role {}", roles.join(" or "))
    } else {
        format!(
            "the people who may approve (role {}) are {}",
            roles.join(" or "),
            names.join(", ")
        )
    };
    // The most approvals these people can give: every eligible approver,
    // less one when every person is eligible (the author).
    let most = eligible.len().min(people.saturating_sub(1));
    let holding = if roles.len() == 1 {
        format!("the role {}", roles[0])
    } else {
        format!("one of the roles {}", roles.join(", "))
    };
    let remedy = match (most, rule.roles.is_empty()) {
        (0, true) => "add more people to sopbook.toml".to_string(),
        (0, false) => format!("give people {holding}"),
        (n, true) => format!("ask for at most {n}, or add more people to sopbook.toml"),
        (n, false) => format!("ask for at most {n}, or give more people {holding}"),
    };
    let d = Diagnostic::error("approvals-unsatisfiable", message).help(format!(
        "{eligible_text}; the author of a revision cannot approve it; {remedy}"
    ));
    Some(match at {
        Some(span) => d
            .at(CONFIG_FILE, span)
            .label("more approvals than these people can give"),
        None => d.in_file(CONFIG_FILE),
    })
}

fn plural(n: usize, word: &str) -> String {
    crate::diagnostic::plural(n, word)
}

fn people_count(n: usize) -> String {
    if n == 1 {
        "1 person".to_string()
    } else {
        format!("{n} people")
    }
}

/// A `start` or `until` date of a person: a TOML date (`2026-03-02`) or the
/// same as a string.
fn person_date(
    field: &str,
    value: &Spanned<toml::Value>,
    diags: &mut Vec<Diagnostic>,
) -> Option<chrono::NaiveDate> {
    let date = match value.get_ref() {
        toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            dt.date.and_then(|d| {
                chrono::NaiveDate::from_ymd_opt(
                    i32::from(d.year),
                    u32::from(d.month),
                    u32::from(d.day),
                )
            })
        }
        toml::Value::String(s) => crate::model::control::parse_date(s),
        _ => None,
    };
    if date.is_none() {
        diags.push(
            Diagnostic::error("person-date", format!("`{field}` is not a date"))
                .at(CONFIG_FILE, value.span())
                .label("expected a day like 2026-03-02")
                .help(format!(
                    "write the day as {field} = 2026-03-02 (`start` is their first day, `until` their last)"
                )),
        );
    }
    date
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
    fn fpy_target_is_a_percentage() {
        let parse = |value: &str| {
            let text =
                format!("[organisation]\nname = \"Acme\"\n[quality]\nfpy_target = {value}\n");
            let mut diags = Vec::new();
            let config = Config::parse(&text, &mut diags).unwrap();
            let found: Vec<_> = diags
                .iter()
                .map(|d| {
                    (
                        &text[d.span.clone().unwrap()],
                        d.message.clone(),
                        d.help.clone(),
                    )
                })
                .map(|(at, m, h)| format!("{at}: {m} ({})", h.unwrap_or_default()))
                .collect();
            (config.fpy_target, found)
        };
        assert_eq!(parse("\"95%\""), (Some(0.95), vec![]));
        assert_eq!(parse("\" 97.5 % \""), (Some(0.975), vec![]));
        assert_eq!(
            parse("0.95"),
            (
                None,
                vec![
                    "0.95: the first-pass yield target is a percentage: `0.95` is not one \
                      (write it as a percentage: fpy_target = \"95%\")"
                        .to_string()
                ]
            )
        );
        assert_eq!(
            parse("95").1,
            [
                "95: the first-pass yield target is a percentage: `95` is not one \
              (write it with a percent sign, in quotes: fpy_target = \"95%\")"
            ]
        );
        assert_eq!(
            parse("\"120%\"").1,
            [
                "\"120%\": a first-pass yield target is above 0% and at most 100%: `120%` is not one \
              (write it like fpy_target = \"95%\")"
            ]
        );
        let mut diags = Vec::new();
        let config = Config::parse(MINIMAL, &mut diags).unwrap();
        assert_eq!(config.fpy_target, None);
    }

    #[test]
    fn unknown_key_is_an_error() {
        let mut diags = Vec::new();
        let text = "[organisation]\nname = \"Acme\"\ncolour = \"red\"\n";
        assert!(Config::parse(text, &mut diags).is_none());
        assert_eq!(diags[0].code, "unknown-key");
        assert_eq!(&text[diags[0].span.clone().unwrap()], "colour");
    }

    const PEOPLE: &str = r#"
[organisation]
name = "Acme"

[[role]]
id = "inspector"
name = "Inspector"

[[role]]
id = "clerk"
name = "Clerk"

[[person]]
id = "ann"
name = "Ann"
roles = ["clerk"]

[[person]]
id = "bob"
name = "Bob"
roles = ["inspector"]

[[person]]
id = "cay"
name = "Cay"
roles = ["inspector"]
"#;

    /// Parses `PEOPLE` plus `rules`; the diagnostics, and the text they point into.
    fn rules(rules: &str) -> (Vec<Diagnostic>, String) {
        let text = format!("{PEOPLE}\n{rules}");
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        (diags, text)
    }

    fn only_error<'a>(diags: &'a [Diagnostic], code: &str) -> &'a Diagnostic {
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert!(diags[0].is_error(), "{diags:?}");
        assert_eq!(diags[0].code, code, "{diags:?}");
        &diags[0]
    }

    #[test]
    fn a_persons_start_and_until_are_days() {
        let with = |dates: &str| {
            let text = format!(
                "{PEOPLE}\n[[person]]\nid = \"dag\"\nname = \"Dag\"\nroles = [\"clerk\"]\n{dates}\n"
            );
            let mut diags = Vec::new();
            let config = Config::parse(&text, &mut diags).unwrap();
            let dag = config.person("dag").cloned().unwrap();
            let found: Vec<_> = diags
                .iter()
                .map(|d| format!("{}: {}", &text[d.span.clone().unwrap()], d.message))
                .collect();
            (dag.start, dag.until, found)
        };
        let day = |m, d| chrono::NaiveDate::from_ymd_opt(2026, m, d);
        assert_eq!(
            with("start = 2026-03-02\nuntil = \"2026-09-30\""),
            (day(3, 2), day(9, 30), vec![])
        );
        assert_eq!(with(""), (None, None, vec![]));
        assert_eq!(
            with("start = \"March\""),
            (
                None,
                None,
                vec!["\"March\": `start` is not a date".to_string()]
            )
        );
        assert_eq!(
            with("until = 2026-03-02T08:00:00"),
            (
                None,
                None,
                vec!["2026-03-02T08:00:00: `until` is not a date".to_string()]
            )
        );
        assert_eq!(
            with("start = 2026-03-02\nuntil = 2026-03-01").2,
            ["2026-03-01: `dag` leaves on 2026-03-01, before they start on 2026-03-02"]
        );
    }

    #[test]
    fn section_asking_more_approvals_than_eligible_people_is_an_error_at_the_value() {
        let (diags, text) = rules(
            "[approval]\nrequired = 1\nroles = [\"inspector\"]\n\n[[section]]\nid = \"QC\"\ntitle = \"Q\"\napprovals = 3\n",
        );
        let d = only_error(&diags, "approvals-unsatisfiable");
        assert_eq!(&text[d.span.clone().unwrap()], "3");
        assert!(
            d.message.contains("section `QC` needs 3 approvals"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("only 2 people may approve"),
            "{}",
            d.message
        );
        let help = d.help.as_deref().unwrap();
        assert!(help.contains("`bob`, `cay`"), "{help}");
        assert!(help.contains("at most 2"), "{help}");
    }

    #[test]
    fn default_rule_asking_ten_approvals_is_an_error_at_the_value() {
        let (diags, text) = rules("[approval]\nrequired = 10\n");
        let d = only_error(&diags, "approvals-unsatisfiable");
        assert_eq!(&text[d.span.clone().unwrap()], "10");
        assert!(
            d.message.contains("the default approval rule"),
            "{}",
            d.message
        );
        // No roles: anyone but the author, so 3 people give at most 2.
        assert!(d.help.as_deref().unwrap().contains("at most 2"), "{d:?}");
    }

    #[test]
    fn no_roles_means_anyone_but_the_author_so_people_minus_one_approvals() {
        let (diags, _) = rules("[approval]\nrequired = 2\nroles = []\n");
        assert!(diags.is_empty(), "{diags:?}");
        let (diags, _) = rules("[approval]\nrequired = 3\nroles = []\n");
        let d = only_error(&diags, "approvals-unsatisfiable");
        assert!(d.message.contains("other than the author"), "{}", d.message);
        assert!(d.message.contains("only 3 people"), "{}", d.message);
    }

    #[test]
    fn approvers_who_are_every_possible_author_need_one_more_person() {
        // bob and cay may approve; ann (no approver role) can author, so 2 approvals work.
        let (diags, _) = rules("[approval]\nrequired = 2\nroles = [\"inspector\"]\n");
        assert!(diags.is_empty(), "{diags:?}");
        // With only bob and cay listed, whoever authors leaves one approver.
        let text = PEOPLE.replace("roles = [\"clerk\"]", "roles = [\"inspector\"]");
        let text = format!("{text}\n[approval]\nrequired = 3\nroles = [\"inspector\"]\n");
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        only_error(&diags, "approvals-unsatisfiable");
    }

    #[test]
    fn section_approver_roles_nobody_holds_is_an_error_naming_the_section() {
        let text = format!(
            "{}\n[[role]]\nid = \"auditor\"\nname = \"Auditor\"\n\n[[section]]\nid = \"QC\"\ntitle = \"Q\"\napprover_roles = [\"auditor\"]\n",
            PEOPLE
        );
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        let d = only_error(&diags, "approvals-unsatisfiable");
        assert_eq!(&text[d.span.clone().unwrap()], "\"QC\"");
        assert!(d.message.contains("nobody may approve"), "{}", d.message);
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("nobody holds the role `auditor`"),
            "{d:?}"
        );
    }

    #[test]
    fn approver_roles_that_are_all_unknown_are_not_read_as_anyone() {
        let (diags, _) = rules("[approval]\nrequired = 3\nroles = [\"boss\"]\n");
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["unknown-role"]);
    }

    #[test]
    fn zero_approvals_is_an_error_at_the_value() {
        let (diags, text) = rules("[approval]\nrequired = 0\n");
        let d = only_error(&diags, "approvals");
        assert_eq!(&text[d.span.clone().unwrap()], "0");
        let (diags, text) = rules("[[section]]\nid = \"QC\"\ntitle = \"Q\"\napprovals = 0\n");
        let d = only_error(&diags, "approvals");
        assert_eq!(&text[d.span.clone().unwrap()], "0");
    }

    #[test]
    fn rules_without_people_are_a_warning_and_a_fresh_workspace_has_none() {
        let text = format!("{MINIMAL}\n[approval]\nrequired = 5\n");
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!((diags[0].code, diags[0].is_error()), ("no-people", false));
        // What `init` writes: no people and no rule of its own.
        let mut diags = Vec::new();
        Config::parse(MINIMAL, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn languages_have_one_source_and_people_read_listed_ones() {
        let parse = |extra: &str| {
            let text = format!(
                "{PEOPLE}\n[[language]]\ncode = \"en\"\nname = \"English\"\nsource = true\n\n[[language]]\ncode = \"he\"\nname = \"Hebrew\"\n{extra}"
            );
            let mut diags = Vec::new();
            let config = Config::parse(&text, &mut diags).unwrap();
            let found: Vec<_> = diags
                .iter()
                .map(|d| format!("{}: {}", &text[d.span.clone().unwrap()], d.message))
                .collect();
            (config, found)
        };
        let (config, found) = parse("");
        assert_eq!(config.source_language().unwrap().code, "en");
        assert_eq!(
            config.language("he").unwrap().direction,
            crate::model::translation::Direction::Rtl
        );
        // Nobody reads Hebrew, so nobody could approve a translation into it.
        assert_eq!(
            found,
            ["\"he\": nobody can approve a translation into `he`"]
        );
        let (_, found) = parse(
            "\n[[language]]\ncode = \"nb\"\nname = \"Norsk\"\nsource = true\n\n[[language]]\ncode = \"NO\"\nname = \"x\"\n",
        );
        assert!(
            found.contains(&"\"nb\": `nb` is a second source language".to_string()),
            "{found:?}"
        );
        assert!(
            found.contains(&"\"NO\": language code `NO` is not valid".to_string()),
            "{found:?}"
        );
        let text = PEOPLE.replace("name = \"Bob\"", "name = \"Bob\"\nlanguage = \"sv\"");
        let text = format!("{text}\n[[language]]\ncode = \"en\"\nname = \"English\"\n");
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        let found: Vec<_> = diags
            .iter()
            .map(|d| format!("{}: {}", &text[d.span.clone().unwrap()], d.message))
            .collect();
        assert_eq!(
            found,
            [
                "\"en\": no language is marked as the source language",
                "\"sv\": unknown language `sv`"
            ]
        );
        let mut text = format!(
            "{MINIMAL}\n[[language]]\ncode = \"en\"\nname = \"English\"\nsource = true\n\n[[language]]\ncode = \"qc\"\nname = \"Q\"\n"
        );
        text = text.replace(
            "id = \"QC\"\ntitle = \"Quality\"",
            "id = \"QC\"\ntitle = \"Quality\"\ndir = \"qc\"",
        );
        let mut diags = Vec::new();
        Config::parse(&text, &mut diags).unwrap();
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code, "section-dir");
    }

    #[test]
    fn the_sample_workspace_rules_can_be_met() {
        let text = include_str!("../../sopbook.toml");
        let mut diags = Vec::new();
        Config::parse(text, &mut diags).unwrap();
        assert!(diags.is_empty(), "{diags:?}");
    }
}
