//! SVG charts for reports: control charts, Pareto charts and trends.
//!
//! Drawn with plotters' SVG backend, which writes every label as an SVG
//! `<text>` element for the browser to render; without a font feature
//! plotters only estimates label widths for the layout.
//!
//! Empty input gives an empty-state chart (the title and "No data to
//! chart") rather than an error, so a report page can always embed the
//! chart. The error is for input that cannot be drawn (a value that is not
//! a finite number, a share outside 0..=1) and for drawing failures.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::spc::{Bounds, ChartKind, ControlChart, Spec, Violation};

const WIDTH: u32 = 800;
const HEIGHT: u32 = 500;
const FONT: &str = "sans-serif";
/// Room right of a plot for the labels of its horizontal lines.
const LINE_LABEL_MARGIN: i32 = 110;
const Y_LABEL_AREA: i32 = 70;

const POINT: RGBColor = RGBColor(31, 119, 180);
const OUT_OF_CONTROL: RGBColor = RGBColor(214, 39, 40);
const CENTER: RGBColor = RGBColor(44, 160, 44);
const CONTROL_LIMIT: RGBColor = RGBColor(90, 90, 90);
const SPEC_LIMIT: RGBColor = RGBColor(148, 103, 189);
const BAR: RGBColor = RGBColor(31, 119, 180);
const CUMULATIVE: RGBColor = RGBColor(255, 127, 14);
/// The grouped rest of a Pareto chart ("Other").
const REST: RGBColor = RGBColor(150, 150, 150);
const INK: RGBColor = RGBColor(40, 40, 40);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
/// A text and the pixel it belongs at, for what is added after plotters.
type Placed = ((i32, i32), String);

/// What one plotted point of a control chart is: the date under it on the
/// x axis, and the text shown when the pointer rests on it.
#[derive(Debug, Clone, PartialEq)]
pub struct PointLabel {
    /// "2026-09-14"
    pub date: String,
    /// "point 36: 2.7 mbar, INS-000066, lot L-2609, 2026-09-14 10:32"
    pub detail: String,
}

/// Everything a control chart shows.
pub struct ControlFigure<'a> {
    pub title: &'a str,
    pub unit: &'a str,
    pub chart: &'a ControlChart,
    pub spec: &'a Spec,
    /// The measurement's natural bounds: a control limit beyond one is
    /// drawn at it, and a note under the title says so.
    pub bounds: &'a Bounds,
    /// One per plotted point, or none: the x axis then numbers the points.
    pub labels: &'a [PointLabel],
}

/// A control chart: the points with their centre line, control limits and
/// specification limits above; the moving ranges or subgroup ranges with
/// theirs below. Points that break a Western Electric rule are red and
/// carry the rule numbers; ranges outside their limits are red too and
/// carry a 1 (the range chart's rule 1). With point labels, the x axis
/// shows dates and every point has a hover text.
pub fn control_chart_svg(figure: &ControlFigure<'_>) -> Result<String, String> {
    let chart = figure.chart;
    check_control_chart(figure)?;
    let drawn = figure.bounds.limits(chart.lcl, chart.ucl);
    let mut notes = Vec::new();
    if chart.dropped > 0 {
        let s = if chart.dropped == 1 { "" } else { "s" };
        notes.push(format!(
            "{} value{s} in an incomplete last subgroup not charted",
            chart.dropped
        ));
    }
    let unit = if figure.unit.is_empty() {
        String::new()
    } else {
        format!(" {}", figure.unit)
    };
    for (at_bound, name, computed, side, bound) in [
        (drawn.lcl_at_bound, "LCL", chart.lcl, "below", drawn.lcl),
        (drawn.ucl_at_bound, "UCL", chart.ucl, "above", drawn.ucl),
    ] {
        if at_bound {
            notes.push(format!(
                "The computed {name}, {}{unit}, is {side} the natural bound {}{unit}: drawn at the bound",
                num(computed),
                num(bound)
            ));
        }
    }
    let mut svg = String::new();
    let mut hovers = Vec::new();
    {
        let canvas = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        let mut area = canvas
            .titled(figure.title, title_style())
            .map_err(draw_err)?;
        for note in &notes {
            area = area
                .titled(note, text_style(14, INK, HPos::Center, VPos::Top))
                .map_err(draw_err)?;
        }
        if chart.points.is_empty() {
            empty_state(&area)?;
        } else {
            let (_, height) = area.dim_in_pixel();
            let (top, bottom) = area.split_vertically(height as i32 * 3 / 5);
            hovers = points_panel(&canvas, &top, figure)?;
            ranges_panel(&canvas, &bottom, figure)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    // Plotters writes no `<title>`: the hover texts go on invisible circles
    // over the points, last so that nothing covers them.
    let mut extra = String::new();
    for ((x, y), text) in hovers {
        extra.push_str(&format!(
            r#"<circle cx="{x}" cy="{y}" r="6" fill="black" fill-opacity="0" pointer-events="all"><title>{}</title></circle>
"#,
            xml_escape(&text)
        ));
    }
    Ok(append_to_svg(svg, &extra))
}

/// One bar of a Pareto chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ParetoBar {
    pub label: String,
    pub count: u64,
    /// The share of all counts up to and including this bar, 0 to 1, as
    /// the caller computed it for its table (the line shows these).
    pub cumulative: f64,
    /// The bar groups the remaining categories ("Other"): drawn grey.
    pub rest: bool,
}

/// A Pareto chart: one bar per category in the order given (the caller
/// sorts them, descending, with any grouped rest last), counts on the left
/// axis, and the cumulative share as a line on the right axis, 0 to 100%.
/// The left axis runs to the total count so that the line starts at the
/// top of the first bar. Every bar is labelled, slanted, in full.
pub fn pareto_svg(title: &str, bars: &[ParetoBar]) -> Result<String, String> {
    if let Some(bar) = bars
        .iter()
        .find(|b| !(b.cumulative.is_finite() && (0.0..=1.0).contains(&b.cumulative)))
    {
        return Err(format!(
            "cannot chart `{title}`: the cumulative share of `{}` is {}; a share from 0 to 1 is expected",
            bar.label, bar.cumulative
        ));
    }
    let total: u128 = bars.iter().map(|b| u128::from(b.count)).sum();
    // Room under the axis for the longest label, slanted.
    let longest = bars
        .iter()
        .map(|b| label_width(&b.label))
        .max()
        .unwrap_or(0);
    let (sin, cos) = LABEL_SLANT.to_radians().sin_cos();
    let label_area = (f64::from(longest) * sin + 14.0 * cos).ceil() as i32 + 14;
    let height = HEIGHT.max(380 + label_area as u32);
    let mut svg = String::new();
    let mut labels = Vec::new();
    {
        let canvas = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        let area = canvas.titled(title, title_style()).map_err(draw_err)?;
        if total == 0 {
            empty_state(&area)?;
        } else {
            labels = pareto_plot(&canvas, &area, bars, total as f64, label_area)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    // Plotters turns text by right angles only: the slanted labels are
    // written here, each ending under its bar.
    let mut extra = String::new();
    for ((x, y), label) in labels {
        extra.push_str(&format!(
            r#"<text x="{x}" y="{y}" dy="0.76em" text-anchor="end" font-family="{FONT}" font-size="{}" fill="{}" transform="rotate(-{LABEL_SLANT}, {x}, {y})">{}</text>
"#,
            font_px(14),
            hex(INK),
            xml_escape(&label)
        ));
    }
    Ok(append_to_svg(svg, &extra))
}

/// How far the Pareto chart's labels slant from the horizontal, in degrees.
const LABEL_SLANT: f64 = 40.0;

/// A trend of shares (0 to 1, such as weekly first-pass yield) as a line
/// with points, one labelled position per point. The axis runs from a
/// floor chosen from the data (a multiple of 5% at least 2.5 points below
/// the lowest value or the target; 0 when that is under 20%) to 100%, and
/// the axis title says where it starts. A target draws a dashed line, and
/// the points below it are red.
pub fn trend_svg(
    title: &str,
    y_label: &str,
    points: &[(String, f64)],
    target: Option<f64>,
) -> Result<String, String> {
    let is_share = |v: &f64| v.is_finite() && (0.0..=1.0).contains(v);
    if let Some((label, value)) = points.iter().find(|(_, v)| !is_share(v)) {
        return Err(format!(
            "cannot chart `{title}`: the value for `{label}` is {value}; a share from 0 to 1 is expected"
        ));
    }
    if let Some(t) = target.filter(|t| !is_share(t)) {
        return Err(format!(
            "cannot chart `{title}`: the target is {t}; a share from 0 to 1 is expected"
        ));
    }
    let mut svg = String::new();
    {
        let canvas = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        let area = canvas.titled(title, title_style()).map_err(draw_err)?;
        if points.is_empty() {
            empty_state(&area)?;
        } else {
            trend_plot(&canvas, &area, y_label, points, target)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// Where a trend's percentage axis starts: a multiple of 5 at least 2.5
/// points below `lowest` (in percent), or 0 when that would be below 20.
pub fn trend_floor(lowest: f64) -> f64 {
    let floor = ((lowest - 2.5) / 5.0).floor() * 5.0;
    if floor < 20.0 { 0.0 } else { floor }
}

fn check_control_chart(figure: &ControlFigure<'_>) -> Result<(), String> {
    let (title, chart, spec, bounds) = (figure.title, figure.chart, figure.spec, figure.bounds);
    if !figure.labels.is_empty() && figure.labels.len() != chart.points.len() {
        return Err(format!(
            "cannot chart `{title}`: {} point labels for {} points",
            figure.labels.len(),
            chart.points.len()
        ));
    }
    let lines = [
        chart.center,
        chart.ucl,
        chart.lcl,
        chart.range_center,
        chart.range_ucl,
        chart.range_lcl,
    ];
    let all = chart
        .points
        .iter()
        .chain(&chart.ranges)
        .chain(&lines)
        .chain(spec.lower.iter())
        .chain(spec.upper.iter())
        .chain(bounds.lower.iter())
        .chain(bounds.upper.iter());
    if all.clone().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(format!(
            "cannot chart `{title}`: a value or limit is not a finite number"
        ))
    }
}

/// A horizontal line across a plot, labelled right of it.
struct Line {
    label: String,
    value: f64,
    color: RGBColor,
    dashed: bool,
}

impl Line {
    fn new(name: &str, value: f64, color: RGBColor, dashed: bool) -> Line {
        Line {
            label: format!("{name} = {}", num(value)),
            value,
            color,
            dashed,
        }
    }
}

type Plot<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The points panel; returns each point's pixel position and hover text.
fn points_panel(
    canvas: &Area<'_>,
    area: &Area<'_>,
    figure: &ControlFigure<'_>,
) -> Result<Vec<Placed>, String> {
    let (chart, spec, bounds) = (figure.chart, figure.spec, figure.bounds);
    let drawn = bounds.limits(chart.lcl, chart.ucl);
    let y_name = match chart.kind {
        ChartKind::IndividualsMovingRange => "Individual value".to_string(),
        ChartKind::XbarR { n } => format!("Mean of {n}"),
    };
    let limit = |name: &str, value: f64, at_bound: bool| {
        let mut line = Line::new(name, value, CONTROL_LIMIT, true);
        if at_bound {
            line.label = format!("{name} = {} (bound)", num(value));
        }
        line
    };
    let mut lines = vec![
        limit("UCL", drawn.ucl, drawn.ucl_at_bound),
        Line::new("CL", chart.center, CENTER, false),
        limit("LCL", drawn.lcl, drawn.lcl_at_bound),
    ];
    if let Some(usl) = spec.upper {
        lines.push(Line::new("USL", usl, SPEC_LIMIT, false));
    }
    if let Some(lsl) = spec.lower {
        lines.push(Line::new("LSL", lsl, SPEC_LIMIT, false));
    }
    let values = chart
        .points
        .iter()
        .copied()
        .chain(lines.iter().map(|l| l.value));
    let (mut low, mut high) = padded_range(values);
    // Nothing lies beyond a natural bound: the axis stops just short of
    // it (the points on it stay clear of the frame) and labels none of
    // the values beyond it.
    // (A value recorded beyond a bound keeps the whole axis.)
    let pad = (high - low) * 0.02;
    let floor = bounds
        .lower
        .filter(|&b| low < b && chart.points.iter().all(|&p| p >= b));
    let ceiling = bounds
        .upper
        .filter(|&b| high > b && chart.points.iter().all(|&p| p <= b));
    if let Some(b) = floor {
        low = b - pad;
    }
    if let Some(b) = ceiling {
        high = b + pad;
    }
    let inside = |v: f64| {
        floor.is_none_or(|b| v >= b - pad / 2.0) && ceiling.is_none_or(|b| v <= b + pad / 2.0)
    };
    let x_range = 0.5..chart.points.len() as f64 + 0.5;
    let dates = !figure.labels.is_empty();

    let mut ctx = ChartBuilder::on(area)
        .margin(8)
        .margin_right(LINE_LABEL_MARGIN)
        .x_label_area_size(28)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x_range.clone(), low..high)
        .map_err(draw_err)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(if dates { 0 } else { chart.points.len().min(20) })
        .x_label_formatter(&whole_number)
        .y_label_formatter(&|v| if inside(*v) { num(*v) } else { String::new() })
        .y_desc(with_unit(&y_name, figure.unit))
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    if dates {
        date_axis(canvas, &ctx, figure.labels)?;
    }
    draw_lines(canvas, &mut ctx, &x_range, &lines)?;

    let xy = |i: usize, y: f64| ((i + 1) as f64, y);
    ctx.draw_series(LineSeries::new(
        chart.points.iter().enumerate().map(|(i, &y)| xy(i, y)),
        POINT.stroke_width(1),
    ))
    .map_err(draw_err)?;
    ctx.draw_series(chart.points.iter().enumerate().map(|(i, &y)| {
        let flagged = chart.violations.iter().any(|v| v.index == i);
        let color = if flagged { OUT_OF_CONTROL } else { POINT };
        Circle::new(xy(i, y), if flagged { 4 } else { 3 }, color.filled())
    }))
    .map_err(draw_err)?;
    rule_marks(canvas, &ctx, &chart.points, &chart.violations)?;
    Ok(figure
        .labels
        .iter()
        .enumerate()
        .filter_map(|(i, label)| {
            let y = *chart.points.get(i)?;
            Some((ctx.backend_coord(&xy(i, y)), label.detail.clone()))
        })
        .collect())
}

/// The rule numbers above flagged points, as Minitab marks them. A mark
/// that would overlap the one before it (neighbouring points flagged at
/// about the same height) joins it: one mark over the group, listing each
/// rule once.
fn rule_marks(
    canvas: &Area<'_>,
    ctx: &Plot<'_, '_>,
    points: &[f64],
    violations: &[Violation],
) -> Result<(), String> {
    // (left x, right x, top y, rules) of each group of marks.
    let mut groups: Vec<(i32, i32, i32, Vec<u8>)> = Vec::new();
    for (i, &y) in points.iter().enumerate() {
        let rules: Vec<u8> = violations
            .iter()
            .filter(|v| v.index == i)
            .map(|v| v.rule)
            .collect();
        if rules.is_empty() {
            continue;
        }
        let (px, py) = ctx.backend_coord(&((i + 1) as f64, y));
        // A mark is about 7 pixels a character ("1,2,3") and 13 high.
        let wide = |rules: &[u8]| (rules.len() * 14) as i32;
        match groups.last_mut() {
            Some(g) if px - g.1 < (wide(&g.3) + wide(&rules)) / 2 + 2 && (py - g.2).abs() < 14 => {
                g.1 = px;
                g.2 = g.2.min(py);
                g.3.extend(rules);
                g.3.sort_unstable();
                g.3.dedup();
            }
            _ => groups.push((px, px, py, rules)),
        }
    }
    for (left, right, top, mut rules) in groups {
        rules.sort_unstable();
        rules.dedup();
        let text: Vec<String> = rules.iter().map(u8::to_string).collect();
        canvas
            .draw_text(
                &text.join(","),
                &text_style(13, OUT_OF_CONTROL, HPos::Center, VPos::Bottom),
                ((left + right) / 2, top - 6),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Dates under the x axis: at the first point of a day, as many as fit
/// without touching, none running off the right edge.
fn date_axis(canvas: &Area<'_>, ctx: &Plot<'_, '_>, labels: &[PointLabel]) -> Result<(), String> {
    let (_, axis_y) = ctx.backend_coord(&(0.5, ctx.y_range().start));
    let right_edge = WIDTH as i32 - 4;
    let mut last_x: Option<i32> = None;
    for (i, label) in labels.iter().enumerate() {
        if i > 0 && labels[i - 1].date == label.date {
            continue;
        }
        let (x, _) = ctx.backend_coord(&((i + 1) as f64, 0.0));
        let half = label_width(&label.date) / 2;
        if last_x.is_some_and(|l| x - l < 2 * half + 16) || x + half > right_edge {
            continue;
        }
        last_x = Some(x);
        canvas
            .draw(&PathElement::new(
                vec![(x, axis_y), (x, axis_y + 4)],
                INK.stroke_width(1),
            ))
            .map_err(draw_err)?;
        canvas
            .draw_text(
                &label.date,
                &text_style(14, INK, HPos::Center, VPos::Top),
                (x, axis_y + 6),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

fn ranges_panel(
    canvas: &Area<'_>,
    area: &Area<'_>,
    figure: &ControlFigure<'_>,
) -> Result<(), String> {
    let (chart, unit) = (figure.chart, figure.unit);
    let dates = !figure.labels.is_empty();
    // A moving range belongs to the later of its two points.
    let (x_name, y_name, first_x) = match (chart.kind, dates) {
        (ChartKind::IndividualsMovingRange, false) => ("Observation", "Moving range", 2),
        (ChartKind::IndividualsMovingRange, true) => ("Date inspected", "Moving range", 2),
        (ChartKind::XbarR { .. }, false) => ("Subgroup", "Range", 1),
        (ChartKind::XbarR { .. }, true) => ("Date of the subgroup's last value", "Range", 1),
    };
    let mut lines = vec![
        Line::new("UCL", chart.range_ucl, CONTROL_LIMIT, true),
        Line::new("CL", chart.range_center, CENTER, false),
    ];
    if chart.range_lcl > 0.0 {
        lines.push(Line::new("LCL", chart.range_lcl, CONTROL_LIMIT, true));
    }
    let high = chart
        .ranges
        .iter()
        .copied()
        .chain(lines.iter().map(|l| l.value))
        .fold(0.0, f64::max);
    let high = if high > 0.0 { high * 1.1 } else { 1.0 };
    let x_range = 0.5..chart.points.len() as f64 + 0.5;

    let mut ctx = ChartBuilder::on(area)
        .margin(8)
        .margin_right(LINE_LABEL_MARGIN)
        .x_label_area_size(40)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(x_range.clone(), 0.0..high)
        .map_err(draw_err)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(if dates { 0 } else { chart.points.len().min(20) })
        .x_label_formatter(&whole_number)
        .y_labels(5)
        .y_label_formatter(&|v| num(*v))
        .x_desc(x_name)
        .y_desc(with_unit(y_name, unit))
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    if dates {
        date_axis(canvas, &ctx, figure.labels)?;
    }
    draw_lines(canvas, &mut ctx, &x_range, &lines)?;

    let xy = |i: usize, y: f64| ((i + first_x) as f64, y);
    ctx.draw_series(LineSeries::new(
        chart.ranges.iter().enumerate().map(|(i, &y)| xy(i, y)),
        POINT.stroke_width(1),
    ))
    .map_err(draw_err)?;
    // The violations are indexed by the point a range belongs to.
    let out = |i: usize| {
        chart
            .range_violations
            .iter()
            .any(|v| v.index + 1 == i + first_x)
    };
    ctx.draw_series(chart.ranges.iter().enumerate().map(|(i, &y)| {
        let color = if out(i) { OUT_OF_CONTROL } else { POINT };
        Circle::new(xy(i, y), 3, color.filled())
    }))
    .map_err(draw_err)?;
    // Marked at the points they belong to: the ranges plotted from index 0.
    let mut by_point = vec![f64::NAN; chart.points.len()];
    for (i, &r) in chart.ranges.iter().enumerate() {
        if let Some(slot) = by_point.get_mut(i + first_x - 1) {
            *slot = r;
        }
    }
    rule_marks(canvas, &ctx, &by_point, &chart.range_violations)?;
    Ok(())
}

/// Draws the lines across the plot and their labels in the right margin,
/// moved apart where they would overlap and kept beside the plot.
fn draw_lines(
    canvas: &Area<'_>,
    ctx: &mut Plot<'_, '_>,
    x_range: &std::ops::Range<f64>,
    lines: &[Line],
) -> Result<(), String> {
    let mut labels = Vec::new();
    for line in lines {
        let ends = [(x_range.start, line.value), (x_range.end, line.value)];
        let style = line.color.stroke_width(if line.dashed { 1 } else { 2 });
        if line.dashed {
            ctx.draw_series(DashedLineSeries::new(ends, 6, 4, style))
                .map_err(draw_err)?;
        } else {
            ctx.draw_series(LineSeries::new(ends, style))
                .map_err(draw_err)?;
        }
        let (x, y) = ctx.backend_coord(&(x_range.end, line.value));
        labels.push((y, x + 6, line));
    }
    labels.sort_by_key(|(y, _, _)| *y);
    let ys: Vec<i32> = labels.iter().map(|l| l.0).collect();
    let (top, bottom) = {
        let y = ctx.y_range();
        (
            ctx.backend_coord(&(0.0, y.end)).1,
            ctx.backend_coord(&(0.0, y.start)).1,
        )
    };
    for (label, y) in labels.iter().zip(spread(&ys, 15, top, bottom)) {
        let (_, x, line) = label;
        canvas
            .draw_text(
                &line.label,
                &text_style(14, line.color, HPos::Left, VPos::Center),
                (*x, y),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Positions for labels wanted at `ys` (sorted), at least `gap` apart and
/// within `top..=bottom` when they fit: pushed down past each other, then
/// back up from the bottom.
fn spread(ys: &[i32], gap: i32, top: i32, bottom: i32) -> Vec<i32> {
    let mut out: Vec<i32> = Vec::with_capacity(ys.len());
    for &y in ys {
        let y = out.last().map_or(y.max(top), |&p| y.max(p + gap));
        out.push(y);
    }
    let mut limit = bottom;
    for y in out.iter_mut().rev() {
        if *y > limit {
            *y = limit;
        }
        limit = *y - gap;
    }
    out
}

/// Draws the bars, counts and cumulative line; returns where each label
/// goes (the end of its text) for the caller to write slanted.
fn pareto_plot(
    canvas: &Area<'_>,
    area: &Area<'_>,
    bars: &[ParetoBar],
    total: f64,
    label_area: i32,
) -> Result<Vec<Placed>, String> {
    let n = bars.len() as f64;
    // The first label reaches left of its bar: widen the left margin when
    // it would leave the picture.
    let (width, _) = area.dim_in_pixel();
    let cos = LABEL_SLANT.to_radians().cos();
    let mut margin_left = 10;
    for _ in 0..2 {
        let plot = width as i32 - margin_left - 10 - 2 * Y_LABEL_AREA;
        let first_x = margin_left + Y_LABEL_AREA + (f64::from(plot) / n / 2.0) as i32;
        let reach = bars
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let x = first_x + (f64::from(plot) / n * i as f64) as i32;
                (f64::from(label_width(&b.label)) * cos) as i32 - x + 4
            })
            .max()
            .unwrap_or(0);
        margin_left += reach.max(0);
    }
    let mut ctx = ChartBuilder::on(area)
        .margin(10)
        .margin_top(24)
        .margin_left(margin_left)
        .x_label_area_size(label_area)
        .y_label_area_size(Y_LABEL_AREA)
        .right_y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0.0..n, 0.0..total)
        .map_err(draw_err)?
        .set_secondary_coord(0.0..n, 0.0..100.0);
    ctx.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(0)
        .y_labels((total as usize + 1).min(11))
        .y_label_formatter(&whole_number)
        .y_desc("Count")
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    ctx.configure_secondary_axes()
        .y_labels(11)
        .y_label_formatter(&|v| format!("{v:.0}%"))
        .y_desc("Cumulative share")
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;

    ctx.draw_series(bars.iter().enumerate().map(|(i, bar)| {
        let i = i as f64;
        let color = if bar.rest { REST } else { BAR };
        Rectangle::new(
            [(i + 0.15, 0.0), (i + 0.85, bar.count as f64)],
            color.filled(),
        )
    }))
    .map_err(draw_err)?;
    for (i, bar) in bars.iter().enumerate() {
        let top = ctx.backend_coord(&(i as f64 + 0.5, bar.count as f64));
        let bottom = ctx.backend_coord(&(i as f64 + 0.5, 0.0));
        let (style, y) = if bottom.1 - top.1 >= 22 {
            (text_style(14, WHITE, HPos::Center, VPos::Top), top.1 + 4)
        } else {
            (text_style(14, INK, HPos::Center, VPos::Bottom), top.1 - 3)
        };
        canvas
            .draw_text(&bar.count.to_string(), &style, (top.0, y))
            .map_err(draw_err)?;
    }

    let cumulative: Vec<(f64, f64)> = bars
        .iter()
        .enumerate()
        .map(|(i, bar)| (i as f64 + 0.5, bar.cumulative * 100.0))
        .collect();
    ctx.draw_secondary_series(LineSeries::new(
        cumulative.iter().copied(),
        CUMULATIVE.stroke_width(2),
    ))
    .map_err(draw_err)?;
    ctx.draw_secondary_series(
        cumulative
            .iter()
            .map(|&p| Circle::new(p, 4, CUMULATIVE.filled())),
    )
    .map_err(draw_err)?;
    // The secondary coordinates have the same pixels as the primary ones
    // scaled to the total, which is what `backend_coord` knows about.
    for &(x, pct) in &cumulative {
        let (px, py) = ctx.backend_coord(&(x, pct / 100.0 * total));
        canvas
            .draw_text(
                &format!("{pct:.1}%"),
                &text_style(13, CUMULATIVE, HPos::Center, VPos::Bottom),
                (px, py - 7),
            )
            .map_err(draw_err)?;
    }
    Ok(bars
        .iter()
        .enumerate()
        .map(|(i, bar)| {
            let (x, y) = ctx.backend_coord(&(i as f64 + 0.5, 0.0));
            ((x + 4, y + 6), bar.label.clone())
        })
        .collect())
}

fn trend_plot(
    canvas: &Area<'_>,
    area: &Area<'_>,
    y_label: &str,
    points: &[(String, f64)],
    target: Option<f64>,
) -> Result<(), String> {
    let n = points.len() as f64;
    let lowest = points
        .iter()
        .map(|(_, v)| *v)
        .chain(target)
        .fold(1.0, f64::min);
    let floor = trend_floor(lowest * 100.0);
    let step = if 100.0 - floor <= 30.0 { 5.0 } else { 10.0 };
    let y_desc = if floor > 0.0 {
        format!("{y_label} (axis from {floor:.0}%)")
    } else {
        y_label.to_string()
    };
    let mut ctx = ChartBuilder::on(area)
        .margin(10)
        .margin_top(24)
        .margin_right(if target.is_some() { 90 } else { 30 })
        .x_label_area_size(36)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0.0..n, floor..100.0)
        .map_err(draw_err)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(0)
        .y_labels(((100.0 - floor) / step) as usize + 1)
        .y_label_formatter(&|v| format!("{v:.0}%"))
        .y_desc(y_desc)
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    if let Some(t) = target {
        let line = Line {
            label: format!("target {}", percent_label(t)),
            value: t * 100.0,
            color: CENTER,
            dashed: true,
        };
        draw_lines(canvas, &mut ctx, &(0.0..n), &[line])?;
    }
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, share))| (i as f64 + 0.5, share * 100.0))
        .collect();
    ctx.draw_series(LineSeries::new(xy.iter().copied(), POINT.stroke_width(2)))
        .map_err(draw_err)?;
    let below = |share: f64| target.is_some_and(|t| share < t);
    ctx.draw_series(points.iter().zip(&xy).map(|((_, share), &p)| {
        let color = if below(*share) { OUT_OF_CONTROL } else { POINT };
        Circle::new(p, 4, color.filled())
    }))
    .map_err(draw_err)?;
    // Values above the points while there is room for them.
    if points.len() <= 26 {
        for ((_, share), &(x, pct)) in points.iter().zip(&xy) {
            let (px, py) = ctx.backend_coord(&(x, pct));
            let color = if below(*share) { OUT_OF_CONTROL } else { INK };
            canvas
                .draw_text(
                    &format!("{pct:.1}%"),
                    &text_style(13, color, HPos::Center, VPos::Bottom),
                    (px, py - 7),
                )
                .map_err(draw_err)?;
        }
    }
    let labels: Vec<&str> = points.iter().map(|(label, _)| label.as_str()).collect();
    category_labels(canvas, &ctx, &labels)
}

/// "95%", "97.5%": a target as people write it.
fn percent_label(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    format!("{}%", text.trim_end_matches(".0"))
}

/// Labels under the slots of a category axis (slot `i` is `i..i + 1`),
/// shortened to their slot's width, every few slots when they are narrow.
fn category_labels(canvas: &Area<'_>, ctx: &Plot<'_, '_>, labels: &[&str]) -> Result<(), String> {
    let origin = ctx.backend_coord(&(0.0, ctx.y_range().start));
    let slot = (ctx.backend_coord(&(1.0, 0.0)).0 - origin.0).max(1);
    // About 7 pixels a character at the 14-point label size, 60 pixels at
    // least for a label.
    let step = (60 / slot + 1) as usize;
    let width = slot * step as i32;
    let max_chars = ((width - 6) / 7).max(3) as usize;
    for (i, label) in labels.iter().enumerate().step_by(step) {
        let (x, _) = ctx.backend_coord(&(i as f64 + 0.5, 0.0));
        canvas
            .draw_text(
                &shorten(label, max_chars),
                &text_style(14, INK, HPos::Center, VPos::Top),
                (x, origin.1 + 8),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

fn empty_state(area: &Area<'_>) -> Result<(), String> {
    let (width, height) = area.dim_in_pixel();
    area.draw_text(
        "No data to chart",
        &text_style(18, INK, HPos::Center, VPos::Center),
        (width as i32 / 2, height as i32 / 2),
    )
    .map_err(draw_err)
}

/// The smallest and largest value, padded so that no point sits on the
/// frame; a range of one value is widened around it.
fn padded_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (low, high) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let pad = if high > low {
        (high - low) * 0.08
    } else {
        (low.abs() * 0.1).max(1.0)
    };
    (low - pad, high + pad)
}

fn text_style(size: i32, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color).pos(Pos::new(h, v))
}

fn title_style() -> TextStyle<'static> {
    text_style(24, INK, HPos::Center, VPos::Top)
}

fn with_unit(name: &str, unit: &str) -> String {
    if unit.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({unit})")
    }
}

/// Axis labels for counts and positions: whole numbers only.
fn whole_number(v: &f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// A number as a reader checks it: five significant digits, no trailing
/// zeros (15.42, 1.773, 0.00012, 1234.6).
pub fn num(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v.is_finite() {
            "0".to_string()
        } else {
            v.to_string()
        };
    }
    let decimals = (4 - v.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

fn shorten(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_string()
    } else {
        let kept: String = label.chars().take(max_chars.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

/// The pixel size plotters writes for a font size (it divides by 1.24).
fn font_px(size: i32) -> f64 {
    f64::from(size) / 1.24
}

/// About how wide a label is at the 14-point label size: 6.5 pixels a
/// character (plotters only estimates widths without a font feature).
fn label_width(label: &str) -> i32 {
    (label.chars().count() as f64 * 6.5).ceil() as i32
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `extra` SVG elements added at the end of the picture, over everything.
fn append_to_svg(mut svg: String, extra: &str) -> String {
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, extra);
    }
    svg
}

fn draw_err(e: impl std::fmt::Display) -> String {
    format!("could not draw the chart: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::spc::{individuals, xbar_r};

    /// The text of every `<text>` element, in order.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|rest| {
                let start = rest.find('>').unwrap() + 1;
                let end = rest.find("</text>").unwrap();
                rest[start..end].trim().to_string()
            })
            .collect()
    }

    #[track_caller]
    fn assert_svg(svg: &str, expected: &[&str]) {
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
        let texts = texts(svg);
        for text in expected {
            assert!(
                texts.iter().any(|t| t == text),
                "no <text> `{text}` in {texts:?}"
            );
        }
    }

    fn figure<'a>(
        title: &'a str,
        unit: &'a str,
        chart: &'a ControlChart,
        spec: &'a Spec,
    ) -> ControlFigure<'a> {
        ControlFigure {
            title,
            unit,
            chart,
            spec,
            bounds: &NO_BOUNDS,
            labels: &[],
        }
    }

    const NO_BOUNDS: Bounds = Bounds {
        lower: None,
        upper: None,
    };

    #[test]
    fn individuals_chart_labels_limits_and_flags() {
        let values = [
            8.0, 10.0, 8.0, 11.0, 9.0, 11.0, 10.0, 12.0, 10.0, 12.0, 30.0,
        ];
        let chart = individuals(&values).unwrap();
        // Mean 131 / 11 = 11.909..., MRbar = (18 + 18) / 10 = 3.6,
        // UCL = 11.909 + 2.66 * 3.6 = 21.485: the 30 breaks rule 1.
        assert!(
            chart
                .violations
                .iter()
                .any(|v| v.rule == 1 && v.index == 10)
        );
        let spec = Spec {
            lower: Some(5.0),
            upper: Some(15.0),
        };
        let svg =
            control_chart_svg(&figure("Bore <diameter> & depth", "mm", &chart, &spec)).unwrap();
        assert_svg(
            &svg,
            &[
                "Bore &lt;diameter&gt; &amp; depth",
                "UCL = 21.485",
                "CL = 11.909",
                "LCL = 2.3331",
                "USL = 15",
                "LSL = 5",
                "CL = 3.6",
                "UCL = 11.761",
                "Individual value (mm)",
                "Moving range (mm)",
                "Observation",
                "1",
            ],
        );
        // Red: the point and its rule number, the moving range of 18 (above
        // the MR UCL, listed as its rule 1) and its rule number; nothing else.
        assert_eq!(svg.matches(r##"fill="#D62728""##).count(), 4, "{svg}");
        let red_marks: Vec<String> = svg
            .split("<text")
            .filter(|t| t[..t.find('>').unwrap_or(0)].contains(r##"fill="#D62728""##))
            .map(|t| {
                t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]
                    .trim()
                    .to_string()
            })
            .collect();
        assert_eq!(
            red_marks,
            ["1", "1"],
            "over the point and over its moving range"
        );
    }

    #[test]
    fn control_chart_with_dates_and_hover_texts() {
        // 40 values over 10 days, 4 a day: one label per day at most, and
        // never two closer than a label's width.
        let values: Vec<f64> = (0..40).map(|i| f64::from(i % 5)).collect();
        let chart = individuals(&values).unwrap();
        let labels: Vec<PointLabel> = (0..40)
            .map(|i| PointLabel {
                date: format!("2026-09-{:02}", 10 + i / 4),
                detail: format!("point {}: INS-{i:06} & lot <L-1>", i + 1),
            })
            .collect();
        let svg = control_chart_svg(&ControlFigure {
            labels: &labels,
            ..figure("Torque", "Nm", &chart, &Spec::default())
        })
        .unwrap();
        assert_svg(&svg, &["2026-09-10", "Date inspected"]);
        let texts = texts(&svg);
        assert!(!texts.iter().any(|t| t == "Observation"));
        // The same dates under both panels, each once, from the first day
        // to near the last: a day is 4 points, about 60 pixels, so every
        // other day has room for its label.
        let dates: Vec<&String> = texts.iter().filter(|t| t.starts_with("2026-09-")).collect();
        let (top, bottom) = dates.split_at(dates.len() / 2);
        assert_eq!(top, bottom);
        assert_eq!(
            top,
            [
                "2026-09-10",
                "2026-09-12",
                "2026-09-14",
                "2026-09-16",
                "2026-09-18"
            ]
        );
        // A hover text per point, escaped.
        assert_eq!(svg.matches("<title>").count(), 40);
        assert!(svg.contains("<title>point 7: INS-000006 &amp; lot &lt;L-1&gt;</title>"));
        // Labels must match the points.
        let err = control_chart_svg(&ControlFigure {
            labels: &labels[..3],
            ..figure("Torque", "Nm", &chart, &Spec::default())
        })
        .unwrap_err();
        assert_eq!(err, "cannot chart `Torque`: 3 point labels for 40 points");
    }

    #[test]
    fn limit_beyond_a_natural_bound_is_drawn_at_it_and_said() {
        // Mean 0.5, MRbar = 1: LCL = 0.5 - 2.66 = -2.16 mbar, below 0.
        let values = [0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let chart = individuals(&values).unwrap();
        let bounds = Bounds {
            lower: Some(0.0),
            upper: None,
        };
        let svg = control_chart_svg(&ControlFigure {
            bounds: &bounds,
            ..figure("Leak test", "mbar", &chart, &Spec::default())
        })
        .unwrap();
        assert_svg(
            &svg,
            &[
                "The computed LCL, -2.16 mbar, is below the natural bound 0 mbar: drawn at the bound",
                "LCL = 0 (bound)",
                "UCL = 3.16",
            ],
        );
        let texts = texts(&svg);
        assert!(
            !texts.iter().any(|t| t.starts_with('-')),
            "no negative axis value: {texts:?}"
        );
        // Without the bound, the computed limit.
        let svg =
            control_chart_svg(&figure("Leak test", "mbar", &chart, &Spec::default())).unwrap();
        assert_svg(&svg, &["LCL = -2.16"]);
    }

    #[test]
    fn a_value_recorded_beyond_its_bound_keeps_the_axis() {
        // A leak tester that read -0.4 mbar once: the axis goes below 0 and
        // labels its values there.
        let values = [0.0, 1.0, -0.4, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let chart = individuals(&values).unwrap();
        let bounds = Bounds {
            lower: Some(0.0),
            upper: None,
        };
        let svg = control_chart_svg(&ControlFigure {
            bounds: &bounds,
            ..figure("Leak test", "mbar", &chart, &Spec::default())
        })
        .unwrap();
        let texts = texts(&svg);
        assert!(texts.contains(&"LCL = 0 (bound)".to_string()), "{texts:?}");
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with('-') && t.parse::<f64>().is_ok()),
            "an axis value below 0: {texts:?}"
        );
    }

    #[test]
    fn neighbouring_flags_share_one_mark() {
        // Ten points on one side, then ten on the other: rule 4 at points
        // 8, 9 and 10 (and 18 to 20) marks "4" once over each group.
        let mut values = vec![1.0; 10];
        values.extend([-1.0; 10]);
        values.extend([0.0; 230]);
        let chart = individuals(&values).unwrap();
        let fours = chart.violations.iter().filter(|v| v.rule == 4).count();
        assert!(fours >= 6, "{:?}", chart.violations);
        let svg = control_chart_svg(&figure("Noise", "dB", &chart, &Spec::default())).unwrap();
        let marks = texts(&svg).into_iter().filter(|t| t == "4").count();
        assert!(marks < fours, "{marks} marks for {fours} flagged points");
    }

    #[test]
    fn line_labels_stay_apart_and_beside_the_plot() {
        assert_eq!(spread(&[100, 100, 100], 15, 0, 400), [100, 115, 130]);
        // Near the bottom they are moved up instead of off the plot.
        assert_eq!(spread(&[395, 398, 400], 15, 0, 400), [370, 385, 400]);
        assert_eq!(spread(&[-20, 50], 15, 0, 400), [0, 50]);
    }

    #[test]
    fn xbar_chart_notes_dropped_values() {
        let mut values = vec![10.0, 12.0, 11.0, 9.0, 13.0, 11.0, 13.0, 12.0, 10.0, 14.0];
        values.extend([
            10.0, 10.0, 11.0, 9.0, 10.0, 12.0, 9.0, 15.0, 11.0, 13.0, 1.0,
        ]);
        let chart = xbar_r(&values, 5).unwrap();
        let svg = control_chart_svg(&figure("Fill weight", "g", &chart, &Spec::default())).unwrap();
        assert_svg(
            &svg,
            &[
                "Fill weight",
                "1 value in an incomplete last subgroup not charted",
                "UCL = 13.558",
                "CL = 11.25",
                "LCL = 8.942",
                "UCL = 8.456",
                "CL = 4",
                "Mean of 5 (g)",
                "Range (g)",
                "Subgroup",
            ],
        );
        assert!(!svg.contains("USL"));
    }

    #[test]
    fn empty_control_chart_is_an_empty_state() {
        let mut chart = individuals(&[1.0, 2.0]).unwrap();
        chart.points.clear();
        chart.ranges.clear();
        let svg = control_chart_svg(&figure("Torque", "Nm", &chart, &Spec::default())).unwrap();
        assert_svg(&svg, &["Torque", "No data to chart"]);
    }

    #[test]
    fn control_chart_refuses_non_finite() {
        let mut chart = individuals(&[1.0, 2.0]).unwrap();
        chart.ucl = f64::NAN;
        assert_eq!(
            control_chart_svg(&figure("Torque", "Nm", &chart, &Spec::default())).unwrap_err(),
            "cannot chart `Torque`: a value or limit is not a finite number"
        );
    }

    fn bar(label: &str, count: u64, cumulative: f64) -> ParetoBar {
        ParetoBar {
            label: label.to_string(),
            count,
            cumulative,
            rest: false,
        }
    }

    #[test]
    fn pareto_bars_and_cumulative_share() {
        let mut other = bar("Other (2 items)", 3, 1.0);
        other.rest = true;
        let bars = [
            bar("Scratch", 12, 0.4),
            bar("Wrong label", 9, 0.7),
            bar("CL-002/rejects-in-sample", 6, 0.9),
            other,
        ];
        let svg = pareto_svg("Defects, week 12", &bars).unwrap();
        // Total 30: 12 / 30 = 40%, 21 / 30 = 70%, 27 / 30 = 90%, 100%.
        assert_svg(
            &svg,
            &[
                "Defects, week 12",
                "Scratch",
                "Wrong label",
                "CL-002/rejects-in-sample",
                "Other (2 items)",
                "12",
                "3",
                "40.0%",
                "70.0%",
                "90.0%",
                "100.0%",
                "Count",
                "Cumulative share",
            ],
        );
        assert_eq!(svg.matches("<rect").count(), 1 + 4, "background and bars");
        assert_eq!(
            svg.matches(r##"fill="#969696""##).count(),
            1,
            "one grey rest"
        );
        // Every label is whole and slanted.
        assert_eq!(svg.matches("transform=\"rotate(-40").count(), 4);
    }

    #[test]
    fn pareto_labels_never_leave_the_picture() {
        let long = "CL-002/insulation-resistance-after-soak";
        let bars: Vec<ParetoBar> = (0..10)
            .map(|i| bar(long, 10 - i, f64::from(i as u32 + 1) / 10.0))
            .collect();
        let svg = pareto_svg("Failed items", &bars).unwrap();
        let height: i32 = svg
            .split("height=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .parse()
            .unwrap();
        let (sin, cos) = LABEL_SLANT.to_radians().sin_cos();
        let reach = f64::from(label_width(long));
        let slanted = format!("rotate(-{LABEL_SLANT}");
        for text in svg.split("<text").skip(1).filter(|t| t.contains(&slanted)) {
            let attr = |name: &str| -> f64 {
                let at = text.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                text[at..].split('"').next().unwrap().parse().unwrap()
            };
            let (x, y) = (attr("x"), attr("y"));
            assert!(x - reach * cos >= 0.0, "label at x {x} leaves on the left");
            assert!(
                y + reach * sin <= f64::from(height),
                "label at y {y} leaves below"
            );
        }
    }

    #[test]
    fn pareto_without_failures_is_an_empty_state() {
        for bars in [vec![], vec![bar("Scratch", 0, 0.0)]] {
            let svg = pareto_svg("Defects", &bars).unwrap();
            assert_svg(&svg, &["Defects", "No data to chart"]);
        }
    }

    #[test]
    fn pareto_refuses_shares_outside_0_to_1() {
        assert_eq!(
            pareto_svg("Defects", &[bar("Scratch", 3, 100.0)]).unwrap_err(),
            "cannot chart `Defects`: the cumulative share of `Scratch` is 100; a share from 0 to 1 is expected"
        );
    }

    #[test]
    fn trend_axis_starts_near_the_data_and_says_so() {
        let points = [
            ("W10".to_string(), 0.875),
            ("W11".to_string(), 0.9),
            ("W12".to_string(), 1.0),
        ];
        let svg = trend_svg("First-pass yield", "First-pass yield", &points, None).unwrap();
        // Lowest 87.5%: the axis starts at 85%, in steps of 5%.
        assert_svg(
            &svg,
            &[
                "First-pass yield",
                "First-pass yield (axis from 85%)",
                "W10",
                "W12",
                "87.5%",
                "90.0%",
                "100.0%",
                "85%",
                "95%",
                "100%",
            ],
        );
        assert!(!texts(&svg).iter().any(|t| t == "0%" || t == "80%"));
        let svg = trend_svg("First-pass yield", "FPY", &[], None).unwrap();
        assert_svg(&svg, &["First-pass yield", "No data to chart"]);
    }

    #[test]
    fn trend_marks_the_target_and_the_weeks_below_it() {
        let points = [
            ("W10".to_string(), 0.875),
            ("W11".to_string(), 0.96),
            ("W12".to_string(), 1.0),
        ];
        let svg = trend_svg("First-pass yield", "FPY", &points, Some(0.95)).unwrap();
        assert_svg(&svg, &["target 95%"]);
        // The week below the target: its point and its value are red.
        assert_eq!(svg.matches(r##"fill="#D62728""##).count(), 2, "{svg}");
        // A low target lowers the axis.
        let svg = trend_svg("First-pass yield", "FPY", &points, Some(0.6)).unwrap();
        assert_svg(&svg, &["FPY (axis from 55%)", "target 60%"]);
        assert_eq!(percent_label(0.975), "97.5%");
    }

    #[test]
    fn trend_floor_is_a_multiple_of_5_or_zero() {
        assert_eq!(trend_floor(87.5), 85.0);
        assert_eq!(trend_floor(87.4), 80.0);
        assert_eq!(trend_floor(100.0), 95.0);
        assert_eq!(trend_floor(22.0), 0.0);
        assert_eq!(trend_floor(0.0), 0.0);
    }

    #[test]
    fn trend_refuses_shares_outside_0_to_1() {
        let points = [("W10".to_string(), 87.5)];
        assert_eq!(
            trend_svg("FPY", "FPY", &points, None).unwrap_err(),
            "cannot chart `FPY`: the value for `W10` is 87.5; a share from 0 to 1 is expected"
        );
        assert_eq!(
            trend_svg("FPY", "FPY", &[], Some(95.0)).unwrap_err(),
            "cannot chart `FPY`: the target is 95; a share from 0 to 1 is expected"
        );
    }

    #[test]
    fn numbers_as_a_reader_checks_them() {
        assert_eq!(num(15.42), "15.42");
        assert_eq!(num(2.0 / 1.128), "1.773");
        assert_eq!(num(0.00012), "0.00012");
        assert_eq!(num(1234.5678), "1234.6");
        assert_eq!(num(-4.78), "-4.78");
        assert_eq!(num(0.0), "0");
        assert_eq!(shorten("Missing screw", 8), "Missing…");
    }
}

/// Compliance as horizontal bars, one per group (a role), 0 to 100%, each
/// labelled with its name on the left and its percentage at the bar's end;
/// a group with nothing to read shows a dash. Drawn as plain SVG: the bars
/// need no axes beyond the 0, 50 and 100% marks.
pub fn compliance_svg(title: &str, bars: &[(String, Option<u32>)]) -> String {
    const ROW: i32 = 34;
    const TOP: i32 = 56;
    let label_area = bars
        .iter()
        .map(|(l, _)| label_width(l))
        .max()
        .unwrap_or(0)
        .clamp(80, 320)
        + 20;
    let plot = WIDTH as i32 - label_area - 70;
    let height = TOP + ROW * bars.len().max(1) as i32 + 36;
    let mut svg = format!(
        r##"<svg width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#FFFFFF"/>
<text x="{}" y="30" text-anchor="middle" font-family="{FONT}" font-size="{}" fill="{}">{}</text>
"##,
        WIDTH / 2,
        font_px(24),
        hex(INK),
        xml_escape(title)
    );
    let bottom = TOP + ROW * bars.len().max(1) as i32;
    for pct in [0, 50, 100] {
        let x = label_area + plot * pct / 100;
        svg.push_str(&format!(
            r#"<line x1="{x}" y1="{}" x2="{x}" y2="{bottom}" stroke="{}" stroke-width="1"/>
<text x="{x}" y="{}" text-anchor="middle" font-family="{FONT}" font-size="{}" fill="{}">{pct}%</text>
"#,
            TOP - 6,
            hex(CONTROL_LIMIT),
            bottom + 18,
            font_px(14),
            hex(INK)
        ));
    }
    for (i, (label, pct)) in bars.iter().enumerate() {
        let y = TOP + ROW * i as i32;
        let mid = y + ROW / 2;
        svg.push_str(&format!(
            r#"<text x="{}" y="{mid}" dy="0.35em" text-anchor="end" font-family="{FONT}" font-size="{}" fill="{}">{}</text>
"#,
            label_area - 10,
            font_px(14),
            hex(INK),
            xml_escape(label)
        ));
        let (width, shown) = match pct {
            Some(p) => (plot * (*p).min(100) as i32 / 100, format!("{p}%")),
            None => (0, "–".to_string()),
        };
        let colour = if pct.is_some_and(|p| p >= 100) {
            CENTER
        } else {
            BAR
        };
        svg.push_str(&format!(
            r#"<rect x="{label_area}" y="{}" width="{width}" height="{}" fill="{}"/>
<text x="{}" y="{mid}" dy="0.35em" font-family="{FONT}" font-size="{}" fill="{}">{shown}</text>
"#,
            y + 6,
            ROW - 12,
            hex(colour),
            label_area + width + 6,
            font_px(14),
            hex(INK)
        ));
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod compliance_chart {
    #[test]
    fn each_group_is_a_labelled_bar_and_nothing_to_read_is_a_dash() {
        let svg = super::compliance_svg(
            "Compliance <by role>",
            &[
                ("Inspector".into(), Some(50)),
                ("Clerk".into(), Some(100)),
                ("Welder".into(), None),
            ],
        );
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("Compliance &lt;by role&gt;"));
        for label in [
            ">Inspector<",
            ">50%<",
            ">Clerk<",
            ">100%<",
            ">Welder<",
            ">–<",
        ] {
            assert!(svg.contains(label), "{label} in {svg}");
        }
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
