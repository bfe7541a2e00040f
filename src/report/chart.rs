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

use super::spc::{ChartKind, ControlChart, Spec};

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
const INK: RGBColor = RGBColor(40, 40, 40);

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A control chart: the points with their centre line, control limits and
/// specification limits above; the moving ranges or subgroup ranges with
/// theirs below. Points that break a Western Electric rule are red and
/// carry the rule numbers; ranges outside their limits are red too.
pub fn control_chart_svg(
    title: &str,
    unit: &str,
    chart: &ControlChart,
    spec: &Spec,
) -> Result<String, String> {
    check_control_chart(title, chart, spec)?;
    let mut svg = String::new();
    {
        let canvas = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        let mut area = canvas.titled(title, title_style()).map_err(draw_err)?;
        if chart.dropped > 0 {
            let s = if chart.dropped == 1 { "" } else { "s" };
            let note = format!(
                "{} value{s} in an incomplete last subgroup not charted",
                chart.dropped
            );
            area = area
                .titled(&note, text_style(14, INK, HPos::Center, VPos::Top))
                .map_err(draw_err)?;
        }
        if chart.points.is_empty() {
            empty_state(&area)?;
        } else {
            let (_, height) = area.dim_in_pixel();
            let (top, bottom) = area.split_vertically(height as i32 * 3 / 5);
            points_panel(&canvas, &top, unit, chart, spec)?;
            ranges_panel(&canvas, &bottom, unit, chart)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// A Pareto chart: one bar per category in the order given (the caller
/// sorts them, descending), counts on the left axis, and the cumulative
/// share as a line on the right axis, 0 to 100%. The left axis runs to the
/// total count so that the line starts at the top of the first bar.
pub fn pareto_svg(title: &str, categories: &[(String, u64)]) -> Result<String, String> {
    let total: u128 = categories.iter().map(|(_, count)| u128::from(*count)).sum();
    let mut svg = String::new();
    {
        let canvas = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        canvas.fill(&WHITE).map_err(draw_err)?;
        let area = canvas.titled(title, title_style()).map_err(draw_err)?;
        if total == 0 {
            empty_state(&area)?;
        } else {
            pareto_plot(&canvas, &area, categories, total as f64)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// A trend of shares (0 to 1, such as weekly first-pass yield) as a line
/// with points on a 0-100% axis, one labelled position per point.
pub fn trend_svg(title: &str, y_label: &str, points: &[(String, f64)]) -> Result<String, String> {
    if let Some((label, value)) = points
        .iter()
        .find(|(_, v)| !(v.is_finite() && (0.0..=1.0).contains(v)))
    {
        return Err(format!(
            "cannot chart `{title}`: the value for `{label}` is {value}; a share from 0 to 1 is expected"
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
            trend_plot(&canvas, &area, y_label, points)?;
        }
        canvas.present().map_err(draw_err)?;
    }
    Ok(svg)
}

fn check_control_chart(title: &str, chart: &ControlChart, spec: &Spec) -> Result<(), String> {
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
        .chain(spec.upper.iter());
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

fn points_panel(
    canvas: &Area<'_>,
    area: &Area<'_>,
    unit: &str,
    chart: &ControlChart,
    spec: &Spec,
) -> Result<(), String> {
    let y_name = match chart.kind {
        ChartKind::IndividualsMovingRange => "Individual value".to_string(),
        ChartKind::XbarR { n } => format!("Mean of {n}"),
    };
    let mut lines = vec![
        Line::new("UCL", chart.ucl, CONTROL_LIMIT, true),
        Line::new("CL", chart.center, CENTER, false),
        Line::new("LCL", chart.lcl, CONTROL_LIMIT, true),
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
    let (low, high) = padded_range(values);
    let x_range = 0.5..chart.points.len() as f64 + 0.5;

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
        .x_labels(chart.points.len().min(20))
        .x_label_formatter(&whole_number)
        .y_label_formatter(&|v| num(*v))
        .y_desc(with_unit(&y_name, unit))
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
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

    // The rule numbers above each flagged point, as Minitab marks them.
    for (i, &y) in chart.points.iter().enumerate() {
        let mut rules: Vec<u8> = chart
            .violations
            .iter()
            .filter(|v| v.index == i)
            .map(|v| v.rule)
            .collect();
        if rules.is_empty() {
            continue;
        }
        rules.sort_unstable();
        rules.dedup();
        let text: Vec<String> = rules.iter().map(u8::to_string).collect();
        let (px, py) = ctx.backend_coord(&xy(i, y));
        canvas
            .draw_text(
                &text.join(","),
                &text_style(13, OUT_OF_CONTROL, HPos::Center, VPos::Bottom),
                (px, py - 6),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

fn ranges_panel(
    canvas: &Area<'_>,
    area: &Area<'_>,
    unit: &str,
    chart: &ControlChart,
) -> Result<(), String> {
    // A moving range belongs to the later of its two points.
    let (x_name, y_name, first_x) = match chart.kind {
        ChartKind::IndividualsMovingRange => ("Observation", "Moving range", 2),
        ChartKind::XbarR { .. } => ("Subgroup", "Range", 1),
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
        .x_labels(chart.points.len().min(20))
        .x_label_formatter(&whole_number)
        .y_labels(5)
        .y_label_formatter(&|v| num(*v))
        .x_desc(x_name)
        .y_desc(with_unit(y_name, unit))
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    draw_lines(canvas, &mut ctx, &x_range, &lines)?;

    let xy = |i: usize, y: f64| ((i + first_x) as f64, y);
    ctx.draw_series(LineSeries::new(
        chart.ranges.iter().enumerate().map(|(i, &y)| xy(i, y)),
        POINT.stroke_width(1),
    ))
    .map_err(draw_err)?;
    ctx.draw_series(chart.ranges.iter().enumerate().map(|(i, &y)| {
        let out = y > chart.range_ucl || y < chart.range_lcl;
        let color = if out { OUT_OF_CONTROL } else { POINT };
        Circle::new(xy(i, y), 3, color.filled())
    }))
    .map_err(draw_err)?;
    Ok(())
}

/// Draws the lines across the plot and their labels in the right margin,
/// moved apart where they would overlap.
fn draw_lines(
    canvas: &Area<'_>,
    ctx: &mut ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
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
    let mut previous: Option<i32> = None;
    for (y, x, line) in labels {
        let y = previous.map_or(y, |p| y.max(p + 15));
        previous = Some(y);
        canvas
            .draw_text(
                &line.label,
                &text_style(14, line.color, HPos::Left, VPos::Center),
                (x, y),
            )
            .map_err(draw_err)?;
    }
    Ok(())
}

fn pareto_plot(
    canvas: &Area<'_>,
    area: &Area<'_>,
    categories: &[(String, u64)],
    total: f64,
) -> Result<(), String> {
    let n = categories.len() as f64;
    let mut ctx = ChartBuilder::on(area)
        .margin(10)
        .margin_top(24)
        .x_label_area_size(36)
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

    ctx.draw_series(categories.iter().enumerate().map(|(i, (_, count))| {
        let i = i as f64;
        Rectangle::new([(i + 0.15, 0.0), (i + 0.85, *count as f64)], BAR.filled())
    }))
    .map_err(draw_err)?;
    for (i, (_, count)) in categories.iter().enumerate() {
        let top = ctx.backend_coord(&(i as f64 + 0.5, *count as f64));
        let bottom = ctx.backend_coord(&(i as f64 + 0.5, 0.0));
        let (style, y) = if bottom.1 - top.1 >= 22 {
            (text_style(14, WHITE, HPos::Center, VPos::Top), top.1 + 4)
        } else {
            (text_style(14, INK, HPos::Center, VPos::Bottom), top.1 - 3)
        };
        canvas
            .draw_text(&count.to_string(), &style, (top.0, y))
            .map_err(draw_err)?;
    }

    let mut running = 0u128;
    let cumulative: Vec<(f64, f64)> = categories
        .iter()
        .enumerate()
        .map(|(i, (_, count))| {
            running += u128::from(*count);
            (i as f64 + 0.5, running as f64 * 100.0 / total)
        })
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

    let labels: Vec<&str> = categories.iter().map(|(name, _)| name.as_str()).collect();
    category_labels(canvas, &ctx, &labels)
}

fn trend_plot(
    canvas: &Area<'_>,
    area: &Area<'_>,
    y_label: &str,
    points: &[(String, f64)],
) -> Result<(), String> {
    let n = points.len() as f64;
    let mut ctx = ChartBuilder::on(area)
        .margin(10)
        .margin_top(24)
        .margin_right(30)
        .x_label_area_size(36)
        .y_label_area_size(Y_LABEL_AREA)
        .build_cartesian_2d(0.0..n, 0.0..100.0)
        .map_err(draw_err)?;
    ctx.configure_mesh()
        .disable_x_mesh()
        .max_light_lines(0)
        .x_labels(0)
        .y_labels(11)
        .y_label_formatter(&|v| format!("{v:.0}%"))
        .y_desc(y_label)
        .label_style(text_style(14, INK, HPos::Center, VPos::Center))
        .axis_desc_style(text_style(15, INK, HPos::Center, VPos::Center))
        .draw()
        .map_err(draw_err)?;
    let xy: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .map(|(i, (_, share))| (i as f64 + 0.5, share * 100.0))
        .collect();
    ctx.draw_series(LineSeries::new(xy.iter().copied(), POINT.stroke_width(2)))
        .map_err(draw_err)?;
    ctx.draw_series(xy.iter().map(|&p| Circle::new(p, 4, POINT.filled())))
        .map_err(draw_err)?;
    // Values above the points while there is room for them.
    if points.len() <= 26 {
        for &(x, pct) in &xy {
            let (px, py) = ctx.backend_coord(&(x, pct));
            canvas
                .draw_text(
                    &format!("{pct:.1}%"),
                    &text_style(13, INK, HPos::Center, VPos::Bottom),
                    (px, py - 7),
                )
                .map_err(draw_err)?;
        }
    }
    let labels: Vec<&str> = points.iter().map(|(label, _)| label.as_str()).collect();
    category_labels(canvas, &ctx, &labels)
}

/// Labels under the slots of a category axis (slot `i` is `i..i + 1`),
/// shortened to their slot's width, every few slots when they are narrow.
fn category_labels(
    canvas: &Area<'_>,
    ctx: &ChartContext<'_, SVGBackend<'_>, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labels: &[&str],
) -> Result<(), String> {
    let origin = ctx.backend_coord(&(0.0, 0.0));
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
fn num(v: f64) -> String {
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
        let texts = texts(svg);
        for text in expected {
            assert!(
                texts.iter().any(|t| t == text),
                "no <text> `{text}` in {texts:?}"
            );
        }
    }

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
        let svg = control_chart_svg("Bore <diameter> & depth", "mm", &chart, &spec).unwrap();
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
        // Red: the point, its rule number and its moving range of 18 (above
        // the MR UCL); nothing else.
        assert_eq!(svg.matches(r##"fill="#D62728""##).count(), 3, "{svg}");
    }

    #[test]
    fn xbar_chart_notes_dropped_values() {
        let mut values = vec![10.0, 12.0, 11.0, 9.0, 13.0, 11.0, 13.0, 12.0, 10.0, 14.0];
        values.extend([
            10.0, 10.0, 11.0, 9.0, 10.0, 12.0, 9.0, 15.0, 11.0, 13.0, 1.0,
        ]);
        let chart = xbar_r(&values, 5).unwrap();
        let svg = control_chart_svg("Fill weight", "g", &chart, &Spec::default()).unwrap();
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
        let svg = control_chart_svg("Torque", "Nm", &chart, &Spec::default()).unwrap();
        assert_svg(&svg, &["Torque", "No data to chart"]);
    }

    #[test]
    fn control_chart_refuses_non_finite() {
        let mut chart = individuals(&[1.0, 2.0]).unwrap();
        chart.ucl = f64::NAN;
        assert_eq!(
            control_chart_svg("Torque", "Nm", &chart, &Spec::default()).unwrap_err(),
            "cannot chart `Torque`: a value or limit is not a finite number"
        );
    }

    #[test]
    fn pareto_bars_and_cumulative_share() {
        let categories = [
            ("Scratch".to_string(), 12),
            ("Wrong label".to_string(), 9),
            ("Missing screw".to_string(), 6),
            ("Other".to_string(), 3),
        ];
        let svg = pareto_svg("Defects, week 12", &categories).unwrap();
        // Total 30: 12 / 30 = 40%, 21 / 30 = 70%, 27 / 30 = 90%, 100%.
        assert_svg(
            &svg,
            &[
                "Defects, week 12",
                "Scratch",
                "Wrong label",
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
    }

    #[test]
    fn pareto_without_failures_is_an_empty_state() {
        for categories in [vec![], vec![("Scratch".to_string(), 0)]] {
            let svg = pareto_svg("Defects", &categories).unwrap();
            assert_svg(&svg, &["Defects", "No data to chart"]);
        }
    }

    #[test]
    fn trend_of_first_pass_yield() {
        let points = [
            ("W10".to_string(), 0.875),
            ("W11".to_string(), 0.9),
            ("W12".to_string(), 1.0),
        ];
        let svg = trend_svg("First-pass yield", "First-pass yield", &points).unwrap();
        assert_svg(
            &svg,
            &[
                "First-pass yield",
                "W10",
                "W12",
                "87.5%",
                "90.0%",
                "100.0%",
                "0%",
                "100%",
            ],
        );
        let svg = trend_svg("First-pass yield", "FPY", &[]).unwrap();
        assert_svg(&svg, &["First-pass yield", "No data to chart"]);
    }

    #[test]
    fn trend_refuses_shares_outside_0_to_1() {
        let points = [("W10".to_string(), 87.5)];
        assert_eq!(
            trend_svg("FPY", "FPY", &points).unwrap_err(),
            "cannot chart `FPY`: the value for `W10` is 87.5; a share from 0 to 1 is expected"
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
