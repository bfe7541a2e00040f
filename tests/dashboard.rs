//! The quality dashboard of the published sample manual, read the way a
//! QA manager checks it: against `sopbook report --json` and `sopbook spc
//! --json` for the same records. One computation feeds all of them.

mod common;

use common::Ws;
use regex::Regex;
use serde_json::Value;

/// The sample workspace (the repository root) with the demo's records and
/// its published manual.
fn demo() -> Ws {
    let ws = Ws::sample();
    let run = ws.run(&["demo"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    ws
}

fn json(ws: &Ws, args: &[&str]) -> Value {
    let run = ws.run(args);
    assert_eq!(run.code, 0, "sopbook {args:?}: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// "87.5%", as every view prints a share.
fn percent(v: &Value) -> String {
    format!("{:.1}%", v.as_f64().unwrap() * 100.0)
}

/// Text with the tags taken out and the entities the pages use decoded.
fn text(html: &str) -> String {
    let tags = Regex::new(r"<[^>]*>").unwrap();
    tags.replace_all(html, "")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The rows of the table that follows `after` in the page, as cell texts.
fn table_after(html: &str, after: &str) -> Vec<Vec<String>> {
    let start = html.find(after).unwrap_or_else(|| panic!("no `{after}`"));
    let rest = &html[start..];
    let table = &rest[rest.find("<tbody>").unwrap()..rest.find("</tbody>").unwrap()];
    let row = Regex::new(r"(?s)<tr>(.*?)</tr>").unwrap();
    let cell = Regex::new(r"(?s)<td[^>]*>(.*?)</td>").unwrap();
    row.captures_iter(table)
        .map(|r| cell.captures_iter(&r[1]).map(|c| text(&c[1])).collect())
        .collect()
}

/// The text of every `<text>` element of an SVG.
fn svg_texts(svg: &str) -> Vec<String> {
    let re = Regex::new(r"(?s)<text[^>]*>(.*?)</text>").unwrap();
    re.captures_iter(svg).map(|c| text(&c[1])).collect()
}

/// The items of the list that follows `after` in the page.
fn list_after(html: &str, after: &str) -> Vec<String> {
    let start = html.find(after).unwrap_or_else(|| panic!("no `{after}`"));
    let rest = &html[start..];
    let list = &rest[rest.find("<ul>").unwrap()..rest.find("</ul>").unwrap()];
    let item = Regex::new(r"(?s)<li>(.*?)</li>").unwrap();
    item.captures_iter(list).map(|c| text(&c[1])).collect()
}

#[test]
fn dashboard_numbers_equal_report_json_for_the_demo_records() {
    let ws = demo();
    let report = json(&ws, &["report", "--json"]);
    let weekly = json(&ws, &["report", "--by", "week", "--json"]);
    let page = ws.read("book/dashboard/index.html");

    // First-pass yield, its target (sopbook.toml [quality]) and the weeks.
    assert!(page.contains(&format!(
        "<strong>{}</strong> of units passed their first inspection ({} of {})",
        percent(&report["first_pass_yield"]),
        report["first_passed"],
        report["first_inspections"]
    )));
    assert_eq!(report["fpy_target"], 0.95);
    let weeks = table_after(&page, "First-pass yield by week");
    let groups = weekly["groups"].as_array().unwrap();
    assert_eq!(weeks.len(), groups.len());
    let mut below = 0;
    for (row, g) in weeks.iter().zip(groups) {
        let fpy = percent(&g["first_pass_yield"]);
        let under = g["first_pass_yield"].as_f64().unwrap() < 0.95;
        below += usize::from(under);
        let shown = if under {
            format!("{fpy} (below target)")
        } else {
            fpy
        };
        assert_eq!(
            row,
            &[
                g["key"].as_str().unwrap().to_string(),
                g["first"].to_string(),
                g["first_passed"].to_string(),
                shown
            ]
        );
    }
    assert!(below > 0, "the demo has weeks below the target");
    assert!(text(&page).contains(&format!(
        "The target is 95.0%; {below} of {} weeks were below it",
        groups.len()
    )));
    let fpy = ws.read("book/dashboard/fpy.svg");
    let texts = svg_texts(&fpy);
    assert!(texts.contains(&"target 95%".to_string()), "{texts:?}");
    assert!(
        texts.contains(&"First-pass yield (axis from 85%)".to_string()),
        "the axis starts near the lowest week (87.5%), and says so: {texts:?}"
    );
    assert!(!texts.contains(&"0%".to_string()));

    // The Pareto: every failed item, with the JSON's shares, ending at 100%.
    let pareto = report["pareto"].as_array().unwrap();
    assert_eq!(pareto.len(), 13);
    let rows = table_after(&page, "Failed items, Pareto chart");
    let expected: Vec<Vec<String>> = pareto
        .iter()
        .map(|p| {
            vec![
                p["item"].as_str().unwrap().to_string(),
                p["fails"].to_string(),
                percent(&p["share"]),
                percent(&p["cumulative"]),
            ]
        })
        .collect();
    assert_eq!(rows, expected);
    assert_eq!(rows.last().unwrap()[3], "100.0%");
    // The same lines in the command line's table.
    let cli = ws.run(&["report"]).stdout;
    let squeezed = Regex::new(r" +").unwrap();
    for p in pareto {
        let line = format!(
            "{} {} {} {}",
            p["item"].as_str().unwrap(),
            p["fails"],
            percent(&p["share"]),
            percent(&p["cumulative"])
        );
        assert!(
            cli.lines()
                .any(|l| squeezed.replace_all(l.trim(), " ") == line),
            "`{line}` not in:\n{cli}"
        );
    }
    // The chart: the first nine items with the same cumulative shares,
    // the other four as one grey bar at 100%; every bar labelled in full.
    let chart = ws.read("book/dashboard/pareto.svg");
    let texts = svg_texts(&chart);
    for p in &pareto[..9] {
        assert!(texts.contains(&p["item"].as_str().unwrap().to_string()));
        assert!(texts.contains(&percent(&p["cumulative"])));
    }
    let rest: i64 = pareto[9..]
        .iter()
        .map(|p| p["fails"].as_i64().unwrap())
        .sum();
    assert!(texts.contains(&"Other (4 items)".to_string()), "{texts:?}");
    assert!(texts.contains(&rest.to_string()));
    assert!(texts.contains(&"100.0%".to_string()));
    assert!(!texts.iter().any(|t| t.contains('…')), "no label cut off");
    assert!(text(&page).contains("the chart groups the last 4 into “Other”"));

    // Nonconformances.
    let nc = &report["nonconformances"];
    assert!(text(&page).contains(&format!(
        "{} open ({} up to 7 days old, {} 8 to 30 days, {} older), {} closed",
        nc["open"],
        nc["open_0_7_days"],
        nc["open_8_30_days"],
        nc["open_over_30_days"],
        nc["closed"]
    )));
}

#[test]
fn control_charts_have_a_page_per_checklist_matching_spc_json() {
    let ws = demo();
    let index = ws.read("book/dashboard/index.html");
    let toc = ws.read("book/toc.html");
    for id in ["cl-001", "cl-002", "cl-003", "cl-006"] {
        assert!(index.contains(&format!("href=\"{id}.html\"")), "{id}");
        assert!(
            toc.contains(&format!("dashboard/{id}.html")),
            "{id} in the table of contents"
        );
    }
    // No chart on the first page any more; each page links back.
    assert!(!index.contains("<img src=\"spc-"));
    let page = ws.read("book/dashboard/cl-001.html");
    assert!(page.contains("href=\"index.html\">Quality dashboard</a>"));
    assert!(page.contains("href=\"../checklists/final-inspection-px-40.html\""));

    let date = Regex::new(r"^\d{4}-\d{2}-\d{2}$").unwrap();
    for item in ["leak-test", "outlet-pressure", "earth-continuity"] {
        let spc = json(&ws, &["spc", "CL-001", item, "--json"]);
        let anchor = format!("<a id=\"item-{item}\"></a>");
        let section = &page[page.find(&anchor).unwrap()..];
        let end = section[anchor.len()..]
            .find("<a id=\"item-")
            .map_or(section.len(), |e| e + anchor.len());
        let section = &section[..end];
        let numbers = table_after(section, "<table>");
        assert_eq!(numbers[0], ["Values", &spc["values"].to_string()]);
        let centre: f64 = numbers[1][1].split(' ').next().unwrap().parse().unwrap();
        let expected = spc["center"].as_f64().unwrap();
        assert!(
            (centre - expected).abs() <= expected.abs() * 1e-4,
            "{item}: {centre}"
        );
        let two = |v: &Value| v.as_f64().map_or("–".to_string(), |x| format!("{x:.2}"));
        assert_eq!(
            numbers[5],
            [
                "Cp, Cpk".to_string(),
                format!("{}, {}", two(&spc["cp"]), two(&spc["cpk"]))
            ]
        );
        assert_eq!(
            numbers[6],
            [
                "Pp, Ppk".to_string(),
                format!("{}, {}", two(&spc["pp"]), two(&spc["ppk"]))
            ]
        );
        // Every run of broken rules, as `spc` groups them, in its order.
        let runs = spc["runs"].as_array().unwrap();
        let point = |r: &Value| {
            if r["first_point"] == r["last_point"] {
                format!("point {}", r["first_point"])
            } else {
                format!("points {} to {}", r["first_point"], r["last_point"])
            }
        };
        if runs.is_empty() {
            assert!(section.contains("No point breaks a Western Electric rule"));
        } else {
            let listed = list_after(section, "Western Electric rules broken");
            assert_eq!(listed.len(), runs.len(), "{item}");
            for (line, run) in listed.iter().zip(runs) {
                assert!(
                    line.starts_with(&format!("Rule {}, {}, ", run["rule"], point(run))),
                    "{line}"
                );
                assert!(
                    line.ends_with(run["description"].as_str().unwrap()),
                    "{line}"
                );
            }
        }
        // The moving ranges out of control: listed, as `spc` lists them.
        let ranges = spc["range_runs"].as_array().unwrap();
        if !ranges.is_empty() {
            let listed = list_after(section, "Out of control on the moving range chart");
            assert_eq!(listed.len(), ranges.len(), "{item}");
            for (line, run) in listed.iter().zip(ranges) {
                assert!(line.starts_with(&format!("{}, ", point(run))), "{line}");
            }
        }
        let svg = ws.read(&format!("book/dashboard/spc-cl-001-{item}.svg"));
        assert_eq!(
            svg.matches("<title>").count(),
            spc["values"].as_u64().unwrap() as usize,
            "a hover text per point"
        );
        let texts = svg_texts(&svg);
        assert!(texts.contains(&"Date inspected".to_string()));
        assert!(texts.iter().any(|t| date.is_match(t)));
    }
}

#[test]
fn leak_test_limit_below_zero_is_drawn_at_its_natural_bound() {
    let ws = demo();
    let spc = json(&ws, &["spc", "CL-001", "leak-test", "--json"]);
    assert_eq!(spc["lower_bound"], 0.0);
    assert_eq!(spc["upper_bound"], Value::Null);
    assert_eq!(spc["lcl_at_bound"], true);
    assert_eq!(spc["ucl_at_bound"], false);
    let lcl = spc["lcl"].as_f64().unwrap();
    assert!(lcl < 0.0, "the computed limit stays in the JSON: {lcl}");

    let run = ws.run(&["spc", "CL-001", "leak-test", "--svg", "leak.svg"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(&format!("LCL {lcl:.4}")));
    assert!(
        run.stdout.contains(
            "The LCL is below the natural bound 0 mbar: the chart draws it at the bound."
        )
    );
    for svg in [
        ws.read("leak.svg"),
        ws.read("book/dashboard/spc-cl-001-leak-test.svg"),
    ] {
        let texts = svg_texts(&svg);
        assert!(texts.contains(&"LCL = 0 (bound)".to_string()), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("The computed LCL, -1.")
                && t.ends_with("mbar, is below the natural bound 0 mbar: drawn at the bound")),
            "{texts:?}"
        );
        assert!(!texts.iter().any(|t| t.starts_with("LCL = -")), "{texts:?}");
    }
    let page = ws.read("book/dashboard/cl-001.html");
    let section = &page[page.find("<a id=\"item-leak-test\"></a>").unwrap()..];
    let numbers = table_after(section, "<table>");
    let shown = &numbers[3];
    assert_eq!(shown[0], "LCL");
    let prefix = "0 mbar, the natural bound (the computed ";
    assert!(shown[1].starts_with(prefix), "{shown:?}");
    let computed: f64 = shown[1][prefix.len()..]
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((computed - lcl).abs() < 5e-5, "{computed} vs {lcl}");
}
