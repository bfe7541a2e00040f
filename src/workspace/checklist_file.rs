//! The checklist file schema (`checklists/<slug>.toml`) and the checks of
//! each item that need nothing but the file itself.

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Diagnostic;
use crate::model::sampling::{AQLS, DefectClass, Level, SamplingPlan, Standard, aql_index};
use crate::model::{Checklist, Item, ItemKind, is_slug_id};
use crate::workspace::toml_diag::toml_error;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistFront {
    pub id: Spanned<String>,
    pub title: Spanned<String>,
    pub sop: Option<Spanned<String>>,
    #[serde(default)]
    pub applies_to: Vec<String>,
    pub description: Option<String>,
    /// The roles that may inspect with it (default: the roles its SOP applies to).
    #[serde(default)]
    pub inspectors: Vec<Spanned<String>>,
    #[serde(default, rename = "item")]
    pub items: Vec<ItemFront>,
    /// Lots are inspected by sampling plan.
    pub sampling: Option<SamplingFront>,
}

/// `[sampling]`: `standard = "iso2859-1" | "z1.4"`, `level = "II"`, and
/// `aql = 1.0` or `aql = { critical = 0.1, major = 1.0, minor = 4.0 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplingFront {
    pub standard: Spanned<String>,
    pub level: Spanned<String>,
    pub aql: Spanned<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemFront {
    pub id: Spanned<String>,
    pub prompt: Spanned<String>,
    pub kind: Spanned<String>,
    #[serde(default)]
    pub critical: bool,
    pub help: Option<String>,
    pub unit: Option<Spanned<String>>,
    pub nominal: Option<Spanned<f64>>,
    pub lower: Option<Spanned<f64>>,
    pub upper: Option<Spanned<f64>>,
    /// The natural bounds of a measurement (`lower_bound = 0`: it cannot be negative).
    pub lower_bound: Option<Spanned<f64>>,
    pub upper_bound: Option<Spanned<f64>>,
    pub options: Option<Spanned<Vec<Spanned<String>>>>,
    pub pass: Option<Spanned<Vec<Spanned<String>>>>,
    pub max: Option<Spanned<u32>>,
    /// `critical`, `major` or `minor`, for a sampling plan's AQLs.
    pub class: Option<Spanned<String>>,
}

#[derive(Debug)]
pub struct ChecklistFile {
    pub path: String,
    pub front: ChecklistFront,
    pub items: Vec<Item>,
    pub sampling: Option<SamplingPlan>,
}

impl ChecklistFile {
    pub fn into_model(self) -> Checklist {
        let slug = self
            .path
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".toml")
            .to_string();
        let f = self.front;
        Checklist {
            id: f.id.into_inner(),
            title: f.title.into_inner(),
            sop: f.sop.map(Spanned::into_inner),
            applies_to: f.applies_to,
            description: f.description,
            inspectors: f.inspectors.into_iter().map(Spanned::into_inner).collect(),
            items: self.items,
            path: self.path,
            slug,
            sampling: self.sampling,
        }
    }
}

/// Item ids that would collide with the columns of the CSV import layouts
/// (`sopbook inspections import`): a column per item id sits next to these.
pub const RESERVED_ITEM_IDS: &[&str] = &[
    "checklist",
    "lot",
    "serial",
    "inspector",
    "station",
    "recorded_at",
    "reinspects",
    "item",
    "value",
    "note",
];

/// Prefixes of import columns that belong to an item (`note:<item>`), so
/// no item id may start with them either.
pub const RESERVED_ITEM_PREFIXES: &[&str] = &["note:"];

/// Whether an item id is taken by the CSV import layouts.
pub fn is_reserved_item_id(id: &str) -> bool {
    RESERVED_ITEM_IDS.contains(&id) || RESERVED_ITEM_PREFIXES.iter().any(|p| id.starts_with(p))
}

const KINDS: &str = "`pass_fail`, `measure`, `choice`, `count` or `text`";

pub fn parse(path: &str, text: &str, diags: &mut Vec<Diagnostic>) -> Option<ChecklistFile> {
    let front: ChecklistFront = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            diags.push(toml_error(&e, path, text, 0, 0..0));
            return None;
        }
    };
    diags.extend(super::control_character(
        path,
        "the title",
        front.title.get_ref(),
        front.title.span(),
        false,
    ));
    if front.items.is_empty() {
        diags.push(
            Diagnostic::error(
                "no-items",
                format!("checklist {} has no items", front.id.get_ref()),
            )
            .at(path, front.id.span())
            .help("add at least one [[item]] table with id, prompt and kind"),
        );
    }
    let mut items: Vec<Item> = Vec::new();
    let mut seen: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    for item in &front.items {
        let id = item.id.get_ref();
        if is_reserved_item_id(id) {
            let words: Vec<_> = RESERVED_ITEM_IDS.iter().map(|w| format!("`{w}`")).collect();
            let prefixes: Vec<_> = RESERVED_ITEM_PREFIXES
                .iter()
                .map(|p| format!("`{p}`"))
                .collect();
            diags.push(
                Diagnostic::error("reserved-item-id", format!("item id `{id}` is reserved"))
                    .at(path, item.id.span())
                    .label("the CSV import uses this name for a column of its own")
                    .help(format!(
                        "choose another id; {} are reserved, and so is anything starting with {}",
                        words.join(", "),
                        prefixes.join(" or ")
                    )),
            );
        } else if !is_slug_id(id) {
            diags.push(
                Diagnostic::error("item-id", format!("item id `{id}` is not valid"))
                    .at(path, item.id.span())
                    .label("expected lowercase letters, digits and `-`")
                    .help("item ids look like `outlet-pressure`; inspections refer to items by this id"),
            );
        }
        if let Some((_, first)) = seen.iter().find(|(s, _)| s == id) {
            diags.push(
                Diagnostic::error(
                    "duplicate-item",
                    format!("item `{id}` appears twice in this checklist"),
                )
                .at(path, item.id.span())
                .also(path, first.clone(), "first used here"),
            );
        } else {
            seen.push((id.clone(), item.id.span()));
        }
        if item.prompt.get_ref().trim().is_empty() {
            diags.push(
                Diagnostic::error("empty-prompt", format!("item `{id}` has an empty prompt"))
                    .at(path, item.prompt.span())
                    .help(
                        "say what the inspector checks, e.g. \"Rating plate present and legible\"",
                    ),
            );
        }
        diags.extend(super::control_character(
            path,
            &format!("the prompt of item `{id}`"),
            item.prompt.get_ref(),
            item.prompt.span(),
            true,
        ));
        let class = match &item.class {
            None => None,
            Some(c) => match DefectClass::parse(c.get_ref()) {
                Some(class) => Some(class),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "item-class",
                            format!("item `{id}` has an unknown class `{}`", c.get_ref()),
                        )
                        .at(path, c.span())
                        .label("unknown class")
                        .help("class is `critical`, `major` or `minor`"),
                    );
                    None
                }
            },
        };
        if let Some(kind) = item_kind(path, item, diags) {
            items.push(Item {
                id: id.clone(),
                prompt: item.prompt.get_ref().clone(),
                help: item.help.clone(),
                critical: item.critical,
                kind,
                class,
            });
        }
    }
    let sampling = front
        .sampling
        .as_ref()
        .and_then(|s| sampling_plan(path, s, &items, diags));
    Some(ChecklistFile {
        path: path.to_string(),
        front,
        items,
        sampling,
    })
}

/// Checks `[sampling]` and builds the plan: a known standard and level,
/// AQLs among the preferred ones, and an AQL for every class an item
/// falls in.
fn sampling_plan(
    path: &str,
    s: &SamplingFront,
    items: &[Item],
    diags: &mut Vec<Diagnostic>,
) -> Option<SamplingPlan> {
    let before = diags.len();
    let standard = Standard::parse(s.standard.get_ref());
    if standard.is_none() {
        diags.push(
            Diagnostic::error(
                "sampling-standard",
                format!("unknown sampling standard `{}`", s.standard.get_ref()),
            )
            .at(path, s.standard.span())
            .label("unknown standard")
            .help("standard is \"iso2859-1\" or \"z1.4\""),
        );
    }
    let level = Level::parse(s.level.get_ref());
    if level.is_none() {
        diags.push(
            Diagnostic::error(
                "sampling-level",
                format!("unknown inspection level `{}`", s.level.get_ref()),
            )
            .at(path, s.level.span())
            .label("unknown level")
            .help("level is one of \"S-1\", \"S-2\", \"S-3\", \"S-4\", \"I\", \"II\", \"III\" (\"II\" unless the plan says otherwise)"),
        );
    }
    let preferred = AQLS.join(", ");
    let column = |v: &toml::Value, diags: &mut Vec<Diagnostic>, what: &str| -> Option<usize> {
        let x = match v {
            toml::Value::Float(f) => Some(*f),
            toml::Value::Integer(i) => Some(*i as f64),
            _ => None,
        };
        let found = x.and_then(aql_index);
        if found.is_none() {
            diags.push(
                Diagnostic::error(
                    "sampling-aql",
                    format!("{what} is not one of the AQLs of the tables"),
                )
                .at(path, s.aql.span())
                .label("not a preferred AQL")
                .help(format!("the AQLs of the tables are {preferred}")),
            );
        }
        found
    };
    let mut aqls = Vec::new();
    match s.aql.get_ref() {
        toml::Value::Table(t) => {
            let named: Vec<DefectClass> = t.keys().filter_map(|k| DefectClass::parse(k)).collect();
            for (key, v) in t {
                let Some(class) = DefectClass::parse(key) else {
                    diags.push(
                        Diagnostic::error(
                            "sampling-aql",
                            format!("unknown class `{key}` in `aql`"),
                        )
                        .at(path, s.aql.span())
                        .label("unknown class")
                        .help("the classes are `critical`, `major` and `minor`"),
                    );
                    continue;
                };
                if let Some(c) = column(v, diags, &format!("the AQL of class `{key}`")) {
                    aqls.push((Some(class), c));
                }
            }
            aqls.sort();
            for item in items {
                let class = item.defect_class();
                if !named.contains(&class) {
                    diags.push(
                        Diagnostic::error(
                            "sampling-class",
                            format!(
                                "item `{}` is a {} nonconformity, but `aql` gives no AQL for class `{}`",
                                item.id,
                                class.as_str(),
                                class.as_str()
                            ),
                        )
                        .at(path, s.aql.span())
                        .label(format!("no `{}` here", class.as_str()))
                        .help(format!("add `{} = ...` to `aql`, or give the item another `class`", class.as_str())),
                    );
                }
            }
        }
        v => {
            if let Some(c) = column(v, diags, "`aql`") {
                aqls.push((None, c));
            }
        }
    }
    if aqls.is_empty() && diags.len() == before {
        diags.push(
            Diagnostic::error("sampling-aql", "`aql` names no class")
                .at(path, s.aql.span())
                .help("write `aql = 1.0`, or `aql = { major = 1.0, minor = 4.0 }`"),
        );
    }
    if diags.len() > before {
        return None;
    }
    Some(SamplingPlan {
        standard: standard?,
        level: level?,
        aqls,
    })
}

/// Checks the fields of one item against its kind and builds the kind.
fn item_kind(path: &str, item: &ItemFront, diags: &mut Vec<Diagnostic>) -> Option<ItemKind> {
    let id = item.id.get_ref();
    let kind = item.kind.get_ref().as_str();
    let allowed: &[&str] = match kind {
        "pass_fail" | "text" => &[],
        "measure" => &[
            "unit",
            "nominal",
            "lower",
            "upper",
            "lower_bound",
            "upper_bound",
        ],
        "choice" => &["options", "pass"],
        "count" => &["max"],
        _ => {
            diags.push(
                Diagnostic::error(
                    "item-kind",
                    format!("item `{id}` has an unknown kind `{kind}`"),
                )
                .at(path, item.kind.span())
                .label("unknown kind")
                .help(format!("kind is one of {KINDS}")),
            );
            return None;
        }
    };
    let present = [
        ("unit", item.unit.as_ref().map(Spanned::span)),
        ("nominal", item.nominal.as_ref().map(Spanned::span)),
        ("lower", item.lower.as_ref().map(Spanned::span)),
        ("upper", item.upper.as_ref().map(Spanned::span)),
        ("lower_bound", item.lower_bound.as_ref().map(Spanned::span)),
        ("upper_bound", item.upper_bound.as_ref().map(Spanned::span)),
        ("options", item.options.as_ref().map(Spanned::span)),
        ("pass", item.pass.as_ref().map(Spanned::span)),
        ("max", item.max.as_ref().map(Spanned::span)),
    ];
    let mut ok = true;
    for (name, span) in present {
        if let Some(span) = span
            && !allowed.contains(&name)
        {
            ok = false;
            diags.push(
                Diagnostic::error(
                    "item-field",
                    format!("`{name}` does not apply to a `{kind}` item"),
                )
                .at(path, span)
                .label(format!("not used by `{kind}` items"))
                .help(format!("remove it, or change the kind of item `{id}`")),
            );
        }
    }
    let missing = |field: &str, example: &str| {
        Diagnostic::error(
            "item-field",
            format!("`{kind}` item `{id}` has no `{field}`"),
        )
        .at(path, item.kind.span())
        .label(format!("needs `{field}`"))
        .help(format!("add {example}"))
    };
    let kind = match kind {
        "pass_fail" => ItemKind::PassFail,
        "text" => ItemKind::Text,
        "count" => match &item.max {
            Some(max) => ItemKind::Count {
                max: *max.get_ref(),
            },
            None => {
                diags.push(missing("max", "`max = 0` (the most that still passes)"));
                return None;
            }
        },
        "measure" => measure(path, item, diags, &missing)?,
        "choice" => choice(path, item, diags, &missing)?,
        _ => return None,
    };
    ok.then_some(kind)
}

fn measure(
    path: &str,
    item: &ItemFront,
    diags: &mut Vec<Diagnostic>,
    missing: &dyn Fn(&str, &str) -> Diagnostic,
) -> Option<ItemKind> {
    let id = item.id.get_ref();
    let unit = match &item.unit {
        Some(u) if !u.get_ref().trim().is_empty() => u.get_ref().clone(),
        Some(u) => {
            diags.push(
                Diagnostic::error(
                    "measure-unit",
                    format!("measure item `{id}` has an empty unit"),
                )
                .at(path, u.span())
                .help("name the unit the value is measured in, e.g. \"bar\", \"mm\", \"A\""),
            );
            return None;
        }
        None => {
            let mut d = missing("unit", "unit = \"mm\" (the unit the value is measured in)");
            d.code = "measure-unit";
            diags.push(d);
            return None;
        }
    };
    let lower = item.lower.as_ref().map(|s| *s.get_ref());
    let upper = item.upper.as_ref().map(|s| *s.get_ref());
    let nominal = item.nominal.as_ref().map(|s| *s.get_ref());
    if lower.is_none() && upper.is_none() {
        let mut d = missing(
            "lower",
            "`lower`, `upper` or both: the specification limits",
        );
        d.code = "measure-limits";
        d.message = format!("measure item `{id}` has no limits");
        diags.push(d);
        return None;
    }
    for (name, v) in [
        ("nominal", &item.nominal),
        ("lower", &item.lower),
        ("upper", &item.upper),
        ("lower_bound", &item.lower_bound),
        ("upper_bound", &item.upper_bound),
    ] {
        if let Some(v) = v
            && !v.get_ref().is_finite()
        {
            diags.push(
                Diagnostic::error(
                    "measure-limits",
                    format!("`{name}` of item `{id}` is not a finite number"),
                )
                .at(path, v.span()),
            );
            return None;
        }
    }
    if let (Some(l), Some(u)) = (&item.lower, &item.upper)
        && l.get_ref() > u.get_ref()
    {
        diags.push(
            Diagnostic::error(
                "measure-limits",
                format!(
                    "lower limit {} of item `{id}` is above its upper limit {}",
                    l.get_ref(),
                    u.get_ref()
                ),
            )
            .at(path, l.span())
            .label("lower > upper")
            .also(path, u.span(), "upper limit")
            .help("limits must satisfy lower <= nominal <= upper"),
        );
        return None;
    }
    if let Some(n) = &item.nominal {
        let v = *n.get_ref();
        if lower.is_some_and(|l| v < l) || upper.is_some_and(|u| v > u) {
            diags.push(
                Diagnostic::error(
                    "measure-limits",
                    format!("nominal {v} of item `{id}` lies outside its limits"),
                )
                .at(path, n.span())
                .label("outside the limits")
                .help("limits must satisfy lower <= nominal <= upper"),
            );
            return None;
        }
    }
    if !bounds_hold(path, item, diags) {
        return None;
    }
    Some(ItemKind::Measure {
        unit,
        nominal,
        lower,
        upper,
        lower_bound: item.lower_bound.as_ref().map(|s| *s.get_ref()),
        upper_bound: item.upper_bound.as_ref().map(|s| *s.get_ref()),
    })
}

/// The natural bounds enclose everything else a measurement item states:
/// `lower_bound <= lower <= nominal <= upper <= upper_bound`, and leave
/// room between them. A bound may equal a limit (a leak test's nominal 0
/// at its bound 0).
fn bounds_hold(path: &str, item: &ItemFront, diags: &mut Vec<Diagnostic>) -> bool {
    let id = item.id.get_ref();
    let help = "a natural bound is a value no measurement can go beyond (a pressure drop \
                is never below 0); it must enclose the limits: \
                lower_bound <= lower <= nominal <= upper <= upper_bound";
    if let (Some(lb), Some(ub)) = (&item.lower_bound, &item.upper_bound)
        && lb.get_ref() >= ub.get_ref()
    {
        diags.push(
            Diagnostic::error(
                "measure-bounds",
                format!(
                    "lower_bound {} of item `{id}` is not below its upper_bound {}",
                    lb.get_ref(),
                    ub.get_ref()
                ),
            )
            .at(path, lb.span())
            .label("lower_bound >= upper_bound")
            .also(path, ub.span(), "upper_bound")
            .help(help),
        );
        return false;
    }
    let stated = [
        ("lower limit", &item.lower),
        ("nominal", &item.nominal),
        ("upper limit", &item.upper),
    ];
    for (bound, side, beyond) in [
        (&item.lower_bound, "lower_bound", "below"),
        (&item.upper_bound, "upper_bound", "above"),
    ] {
        let Some(bound) = bound else { continue };
        let b = *bound.get_ref();
        for (name, value) in stated {
            let Some(value) = value else { continue };
            let v = *value.get_ref();
            let outside = if side == "lower_bound" { v < b } else { v > b };
            if outside {
                diags.push(
                    Diagnostic::error(
                        "measure-bounds",
                        format!("{name} {v} of item `{id}` is {beyond} its {side} {b}"),
                    )
                    .at(path, bound.span())
                    .label(format!("{side} {b}"))
                    .also(path, value.span(), name)
                    .help(help),
                );
                return false;
            }
        }
    }
    true
}

fn choice(
    path: &str,
    item: &ItemFront,
    diags: &mut Vec<Diagnostic>,
    missing: &dyn Fn(&str, &str) -> Diagnostic,
) -> Option<ItemKind> {
    let id = item.id.get_ref();
    let Some(options) = &item.options else {
        diags.push(missing(
            "options",
            "options = [\"good\", \"marked\", \"damaged\"]",
        ));
        return None;
    };
    let Some(pass) = &item.pass else {
        diags.push(missing("pass", "pass = [...]: the options that pass"));
        return None;
    };
    if options.get_ref().len() < 2 {
        diags.push(
            Diagnostic::error(
                "choice-options",
                format!("choice item `{id}` needs at least two options"),
            )
            .at(path, options.span()),
        );
        return None;
    }
    let mut ok = true;
    for (i, o) in options.get_ref().iter().enumerate() {
        if options.get_ref()[..i]
            .iter()
            .any(|p| p.get_ref() == o.get_ref())
        {
            ok = false;
            diags.push(
                Diagnostic::error(
                    "choice-options",
                    format!("option `{}` is listed twice", o.get_ref()),
                )
                .at(path, o.span()),
            );
        }
    }
    if pass.get_ref().is_empty() {
        ok = false;
        diags.push(
            Diagnostic::error(
                "choice-pass",
                format!("choice item `{id}` has no passing option"),
            )
            .at(path, pass.span())
            .help("list the options that pass, e.g. pass = [\"good\"]"),
        );
    }
    for p in pass.get_ref() {
        if !options.get_ref().iter().any(|o| o.get_ref() == p.get_ref()) {
            ok = false;
            let list: Vec<_> = options
                .get_ref()
                .iter()
                .map(|o| format!("`{}`", o.get_ref()))
                .collect();
            diags.push(
                Diagnostic::error(
                    "choice-pass",
                    format!("passing option `{}` is not one of the options", p.get_ref()),
                )
                .at(path, p.span())
                .label("not in `options`")
                .help(format!("the options are {}", list.join(", "))),
            );
        }
    }
    ok.then(|| ItemKind::Choice {
        options: options
            .get_ref()
            .iter()
            .map(|o| o.get_ref().clone())
            .collect(),
        pass: pass.get_ref().iter().map(|o| o.get_ref().clone()).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_items(items: &str) -> (Option<ChecklistFile>, Vec<Diagnostic>) {
        let text = format!("id = \"CL-001\"\ntitle = \"T\"\n{items}");
        let mut diags = Vec::new();
        (parse("checklists/t.toml", &text, &mut diags), diags)
    }

    #[test]
    fn a_prompt_may_run_over_lines_but_holds_no_escape() {
        let (f, diags) = parse_items(
            "[[item]]\nid = \"a\"\nprompt = \"\"\"\nLeak test,\nafter 2 minutes\"\"\"\nkind = \"pass_fail\"\n[[item]]\nid = \"b\"\nprompt = \"\\u001b[2Jgone\"\nkind = \"pass_fail\"\n",
        );
        assert!(f.is_some());
        let codes: Vec<_> = diags.iter().map(|d| (d.code, d.message.as_str())).collect();
        assert_eq!(
            codes,
            [(
                "control-character",
                "the prompt of item `b` contains a control character (U+001B)"
            )]
        );
    }

    #[test]
    fn every_kind_parses() {
        let (f, diags) = parse_items(
            r#"
[[item]]
id = "a"
prompt = "A"
kind = "pass_fail"
critical = true
[[item]]
id = "b"
prompt = "B"
kind = "measure"
unit = "bar"
nominal = 4
lower = 3.8
upper = 4.2
[[item]]
id = "c"
prompt = "C"
kind = "choice"
options = ["x", "y"]
pass = ["x"]
[[item]]
id = "d"
prompt = "D"
kind = "count"
max = 2
[[item]]
id = "e"
prompt = "E"
kind = "text"
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        let f = f.unwrap();
        assert_eq!(f.items.len(), 5);
        assert!(f.items[0].critical);
        assert_eq!(
            f.items[1].kind,
            ItemKind::Measure {
                unit: "bar".into(),
                nominal: Some(4.0),
                lower: Some(3.8),
                upper: Some(4.2),
                lower_bound: None,
                upper_bound: None,
            }
        );
    }

    #[test]
    fn limits_out_of_order() {
        let (_, diags) = parse_items(
            "[[item]]\nid = \"b\"\nprompt = \"B\"\nkind = \"measure\"\nunit = \"bar\"\nnominal = 5\nlower = 3.8\nupper = 4.2\n",
        );
        assert_eq!(diags[0].code, "measure-limits");
        assert!(
            diags[0].message.contains("nominal 5"),
            "{}",
            diags[0].message
        );
    }

    fn measure_item(extra: &str) -> (Option<ChecklistFile>, Vec<Diagnostic>) {
        parse_items(&format!(
            "[[item]]\nid = \"leak\"\nprompt = \"Leak\"\nkind = \"measure\"\nunit = \"mbar\"\nnominal = 0.0\nupper = 5.0\n{extra}"
        ))
    }

    #[test]
    fn natural_bounds_of_a_measurement() {
        let (f, diags) = measure_item("lower_bound = 0\n");
        assert!(diags.is_empty(), "{diags:?}");
        assert!(matches!(
            f.unwrap().items[0].kind,
            ItemKind::Measure {
                lower_bound: Some(0.0),
                upper_bound: None,
                ..
            }
        ));
        for (extra, message) in [
            (
                "lower_bound = 0.5\n",
                "nominal 0 of item `leak` is below its lower_bound 0.5",
            ),
            (
                "upper_bound = 4\n",
                "upper limit 5 of item `leak` is above its upper_bound 4",
            ),
            (
                "lower_bound = 10\nupper_bound = 10\n",
                "lower_bound 10 of item `leak` is not below its upper_bound 10",
            ),
        ] {
            let (f, diags) = measure_item(extra);
            assert!(f.unwrap().items.is_empty(), "{extra}");
            let messages: Vec<_> = diags.iter().map(|d| d.message.as_str()).collect();
            assert_eq!(messages, [message], "{extra}");
            assert_eq!(diags[0].code, "measure-bounds");
        }
        let (_, diags) = parse_items(
            "[[item]]\nid = \"n\"\nprompt = \"N\"\nkind = \"count\"\nmax = 1\nlower_bound = 0\n",
        );
        assert_eq!(
            diags[0].message,
            "`lower_bound` does not apply to a `count` item"
        );
    }

    #[test]
    fn pass_not_in_options_and_field_of_other_kind() {
        let (_, diags) = parse_items(
            "[[item]]\nid = \"c\"\nprompt = \"C\"\nkind = \"choice\"\noptions = [\"x\", \"y\"]\npass = [\"z\"]\n[[item]]\nid = \"d\"\nprompt = \"D\"\nkind = \"pass_fail\"\nunit = \"mm\"\n",
        );
        let codes: Vec<_> = diags.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["choice-pass", "item-field"]);
    }
}

#[cfg(test)]
mod reserved {
    use super::*;

    fn item(id: &str) -> String {
        let id = toml::Value::String(id.to_string());
        format!(
            "id = \"CL-001\"\ntitle = \"T\"\n[[item]]\nid = {id}\nprompt = \"P\"\nkind = \"text\"\n"
        )
    }

    #[test]
    fn every_import_column_name_is_a_reserved_item_id() {
        for id in RESERVED_ITEM_IDS
            .iter()
            .map(|s| s.to_string())
            .chain(["note:label".to_string(), "note:".to_string()])
        {
            let text = item(&id);
            let mut diags = Vec::new();
            parse("checklists/t.toml", &text, &mut diags).unwrap();
            assert_eq!(diags.len(), 1, "{id}: {diags:?}");
            let d = &diags[0];
            assert_eq!((d.code, d.is_error()), ("reserved-item-id", true), "{id}");
            let span = d.span.clone().unwrap();
            assert_eq!(text[span].trim_matches('"'), id, "points at the id");
            let help = d.help.as_deref().unwrap();
            for word in RESERVED_ITEM_IDS {
                assert!(help.contains(&format!("`{word}`")), "{help}");
            }
            assert!(help.contains("`note:`"), "{help}");
        }
    }

    #[test]
    fn ids_that_only_resemble_reserved_words_are_free() {
        for id in ["lots", "item-2", "notes", "value-a", "serial-no", "noted"] {
            assert!(!is_reserved_item_id(id), "{id}");
            let mut diags = Vec::new();
            parse("checklists/t.toml", &item(id), &mut diags).unwrap();
            assert!(diags.is_empty(), "{id}: {diags:?}");
        }
    }
}
