//! Statistical process control: individuals / moving range and X-bar / R
//! control charts, the Western Electric rules and process capability.
//!
//! Pure computations with the formulas and constants of the quality
//! glossary (`shared/quality-glossary.md`), so a QA manager can redo every
//! number by hand.

use std::fmt;

/// `E2` for an individuals chart with moving ranges of two: the limits are
/// mean +/- 2.66 MRbar (2.66 = 3 / 1.128, rounded as published).
const IMR_E2: f64 = 2.66;
/// `d2` for ranges of two values: sigma_within = MRbar / 1.128.
const IMR_D2: f64 = 1.128;
/// `D4` for ranges of two values: MR chart UCL = 3.267 MRbar.
const IMR_D4: f64 = 3.267;

/// The X-bar / R constants by subgroup size: `(n, A2, D3, D4, d2)`.
const XBAR_R_CONSTANTS: [(usize, f64, f64, f64, f64); 9] = [
    (2, 1.880, 0.0, 3.267, 1.128),
    (3, 1.023, 0.0, 2.574, 1.693),
    (4, 0.729, 0.0, 2.282, 2.059),
    (5, 0.577, 0.0, 2.114, 2.326),
    (6, 0.483, 0.0, 2.004, 2.534),
    (7, 0.419, 0.076, 1.924, 2.704),
    (8, 0.373, 0.136, 1.864, 2.847),
    (9, 0.337, 0.184, 1.816, 2.970),
    (10, 0.308, 0.223, 1.777, 3.078),
];

/// Specification limits; either may be absent (a one-sided specification).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Spec {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Individuals and moving ranges of two consecutive values.
    IndividualsMovingRange,
    /// Means and ranges of consecutive subgroups of `n` values.
    XbarR { n: usize },
}

/// A computed control chart: the plotted points with their limits, the
/// range chart beneath them, and the Western Electric rule violations.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlChart {
    pub kind: ChartKind,
    /// The individual values, or the subgroup means.
    pub points: Vec<f64>,
    pub center: f64,
    pub ucl: f64,
    pub lcl: f64,
    pub sigma_within: f64,
    /// The moving ranges (one fewer than the points: `ranges[i]` is
    /// `|points[i + 1] - points[i]|`), or the subgroup ranges.
    pub ranges: Vec<f64>,
    pub range_center: f64,
    pub range_ucl: f64,
    pub range_lcl: f64,
    pub violations: Vec<Violation>,
    /// Ranges outside their control limits (the range chart's rule 1). The
    /// index is the plotted point the range belongs to: the later of its two
    /// points for a moving range, its subgroup for a subgroup range.
    pub range_violations: Vec<Violation>,
    /// Values left out because they did not fill a last subgroup; always 0
    /// for an individuals chart.
    pub dropped: usize,
}

/// One Western Electric rule broken by the points of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The rule, 1 to 4, numbered as in the glossary.
    pub rule: u8,
    /// The point (0-based, into `points`) that completes the pattern.
    pub index: usize,
    /// The pattern in words; it numbers points from 1, as a reader counts
    /// them on the chart.
    pub description: String,
}

/// Process capability (within-subgroup sigma) and performance (overall
/// sigma) against a specification.
#[derive(Debug, Clone, PartialEq)]
pub struct Capability {
    /// Needs both limits.
    pub cp: Option<f64>,
    /// The lower of CPU and CPL, or the one that exists for a one-sided
    /// specification.
    pub cpk: Option<f64>,
    /// Needs both limits.
    pub pp: Option<f64>,
    pub ppk: Option<f64>,
    pub mean: f64,
    pub sigma_within: f64,
    /// The sample standard deviation (divisor n - 1); NaN for fewer than
    /// two values.
    pub sigma_overall: f64,
    pub n: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpcError {
    TooFew {
        needed: usize,
        got: usize,
    },
    BadSubgroup(usize),
    /// The 0-based index of the first value that is NaN or infinite.
    NotFinite(usize),
}

impl fmt::Display for SpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpcError::TooFew { needed, got } => {
                let there = match got {
                    0 => "there are none".to_string(),
                    1 => "there is 1".to_string(),
                    n => format!("there are {n}"),
                };
                write!(
                    f,
                    "at least {needed} values are needed for a control chart; {there}"
                )
            }
            SpcError::BadSubgroup(n) => write!(
                f,
                "a subgroup size of {n} is not supported; use 2 to 10 values per subgroup \
                 (or an individuals chart for single values)"
            ),
            SpcError::NotFinite(index) => write!(
                f,
                "value {} is not a finite number (it is NaN or infinite)",
                index + 1
            ),
        }
    }
}

impl std::error::Error for SpcError {}

/// An individuals / moving range (I-MR) chart of `values`, in order.
pub fn individuals(values: &[f64]) -> Result<ControlChart, SpcError> {
    check_finite(values)?;
    if values.len() < 2 {
        return Err(SpcError::TooFew {
            needed: 2,
            got: values.len(),
        });
    }
    let center = mean(values);
    let ranges: Vec<f64> = values.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mr_bar = mean(&ranges);
    Ok(with_violations(ControlChart {
        kind: ChartKind::IndividualsMovingRange,
        points: values.to_vec(),
        center,
        ucl: center + IMR_E2 * mr_bar,
        lcl: center - IMR_E2 * mr_bar,
        sigma_within: mr_bar / IMR_D2,
        ranges,
        range_center: mr_bar,
        range_ucl: IMR_D4 * mr_bar,
        range_lcl: 0.0,
        violations: Vec::new(),
        range_violations: Vec::new(),
        dropped: 0,
    }))
}

/// An X-bar / R chart of consecutive subgroups of `n` values (2 to 10). A
/// last subgroup with fewer than `n` values is left out and counted in
/// [`ControlChart::dropped`].
pub fn xbar_r(values: &[f64], n: usize) -> Result<ControlChart, SpcError> {
    let &(_, a2, d3, d4, d2) = XBAR_R_CONSTANTS
        .iter()
        .find(|row| row.0 == n)
        .ok_or(SpcError::BadSubgroup(n))?;
    check_finite(values)?;
    if values.len() / n < 2 {
        return Err(SpcError::TooFew {
            needed: 2 * n,
            got: values.len(),
        });
    }
    let (points, ranges): (Vec<f64>, Vec<f64>) = values
        .chunks_exact(n)
        .map(|group| {
            let max = group.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let min = group.iter().copied().fold(f64::INFINITY, f64::min);
            (mean(group), max - min)
        })
        .unzip();
    let center = mean(&points);
    let r_bar = mean(&ranges);
    Ok(with_violations(ControlChart {
        kind: ChartKind::XbarR { n },
        points,
        center,
        ucl: center + a2 * r_bar,
        lcl: center - a2 * r_bar,
        sigma_within: r_bar / d2,
        ranges,
        range_center: r_bar,
        range_ucl: d4 * r_bar,
        range_lcl: d3 * r_bar,
        violations: Vec::new(),
        range_violations: Vec::new(),
        dropped: values.len() % n,
    }))
}

/// The zone sigma is taken from the limits, (UCL - centre) / 3, so that it
/// is sigma_within for an individuals chart and sigma_within / sqrt(n) for
/// subgroup means, and the rule 1 zone is exactly the drawn limits.
fn with_violations(mut chart: ControlChart) -> ControlChart {
    let sigma = (chart.ucl - chart.center) / 3.0;
    chart.violations = western_electric(&chart.points, chart.center, sigma);
    chart.range_violations = range_violations(&chart);
    chart
}

/// Ranges beyond their limits: above the UCL, or below an LCL above zero
/// (subgroups of 7 or more). Strict, as for the points: a range exactly on
/// a limit is inside it.
fn range_violations(chart: &ControlChart) -> Vec<Violation> {
    let moving = chart.kind == ChartKind::IndividualsMovingRange;
    let mut out = Vec::new();
    for (i, &r) in chart.ranges.iter().enumerate() {
        let side = if r > chart.range_ucl {
            "above its upper"
        } else if chart.range_lcl > 0.0 && r < chart.range_lcl {
            "below its lower"
        } else {
            continue;
        };
        let (index, what) = if moving {
            (
                i + 1,
                format!("the moving range from point {} to {}", i + 1, i + 2),
            )
        } else {
            (i, format!("the range of subgroup {}", i + 1))
        };
        out.push(Violation {
            rule: 1,
            index,
            description: format!("{what} is {side} control limit"),
        });
    }
    out
}

/// A Western Electric rule in a few words, for lists of broken rules.
pub fn rule_name(rule: u8) -> &'static str {
    match rule {
        1 => "a point beyond 3 sigma",
        2 => "2 of 3 points beyond 2 sigma on one side",
        3 => "4 of 5 points beyond 1 sigma on one side",
        4 => "8 points in a row on one side of the centre line",
        _ => "unknown rule",
    }
}

/// The values a measurement can take by its nature: a pressure drop or a
/// resistance is never negative. Either side may be absent.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Bounds {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

/// Control limits as drawn: a computed limit beyond a natural bound means
/// nothing there, so it is drawn at the bound (and said so).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DrawnLimits {
    pub lcl: f64,
    pub ucl: f64,
    pub lcl_at_bound: bool,
    pub ucl_at_bound: bool,
}

impl Bounds {
    pub fn limits(&self, lcl: f64, ucl: f64) -> DrawnLimits {
        let low = self.lower.filter(|b| lcl < *b);
        let high = self.upper.filter(|b| ucl > *b);
        DrawnLimits {
            lcl: low.unwrap_or(lcl),
            ucl: high.unwrap_or(ucl),
            lcl_at_bound: low.is_some(),
            ucl_at_bound: high.is_some(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Above,
    Below,
}

impl Side {
    fn word(self) -> &'static str {
        match self {
            Side::Above => "above",
            Side::Below => "below",
        }
    }
}

/// The Western Electric rules 1 to 4 (glossary) over `points`, with zones
/// measured in `sigma` from `center`:
///
/// 1. one point beyond 3 sigma;
/// 2. two of three consecutive points beyond 2 sigma on the same side;
/// 3. four of five consecutive points beyond 1 sigma on the same side;
/// 4. eight consecutive points on the same side of the centre line (a point
///    exactly on the line ends the run).
///
/// "Beyond" is strict: a point exactly on a zone edge is inside it. Each
/// violation is reported once, at the point that completes the pattern;
/// for rules 2 and 3 that point must itself be beyond the zone (a later
/// point inside the zone completes nothing). A longer pattern reports again
/// at each further point that extends it. Violations come ordered by point,
/// then rule.
pub fn western_electric(points: &[f64], center: f64, sigma: f64) -> Vec<Violation> {
    let beyond = |x: f64, side: Side, zones: f64| match side {
        Side::Above => x > center + zones * sigma,
        Side::Below => x < center - zones * sigma,
    };
    let mut violations = Vec::new();
    let mut run: Option<(Side, usize)> = None;
    for (i, &x) in points.iter().enumerate() {
        for side in [Side::Above, Side::Below] {
            if beyond(x, side, 3.0) {
                let limit = match side {
                    Side::Above => "upper",
                    Side::Below => "lower",
                };
                violations.push(Violation {
                    rule: 1,
                    index: i,
                    description: format!(
                        "point {} is {} the {limit} control limit (more than 3 sigma from the centre line)",
                        i + 1,
                        side.word()
                    ),
                });
            }
        }

        // k of m: the pattern fits in a window of m consecutive points as
        // long as the series has m points, even where the window ending at
        // `i` would start before the first point.
        for (rule, k, m, zones) in [(2u8, 2usize, 3usize, 2.0), (3, 4, 5, 1.0)] {
            if points.len() < m {
                continue;
            }
            for side in [Side::Above, Side::Below] {
                if !beyond(x, side, zones) {
                    continue;
                }
                let hits: Vec<usize> = (i.saturating_sub(m - 1)..=i)
                    .filter(|&j| beyond(points[j], side, zones))
                    .collect();
                if hits.len() >= k {
                    violations.push(Violation {
                        rule,
                        index: i,
                        description: format!(
                            "points {} are more than {zones} sigma {} the centre line \
                             ({k} or more of {m} consecutive points)",
                            list_points(&hits),
                            side.word()
                        ),
                    });
                }
            }
        }

        let side = if x > center {
            Some(Side::Above)
        } else if x < center {
            Some(Side::Below)
        } else {
            None
        };
        run = match (side, run) {
            (Some(s), Some((r, len))) if s == r => Some((s, len + 1)),
            (Some(s), _) => Some((s, 1)),
            (None, _) => None,
        };
        if let Some((s, len)) = run
            && len >= 8
        {
            violations.push(Violation {
                rule: 4,
                index: i,
                description: format!(
                    "points {} to {} are all {} the centre line (8 in a row)",
                    i + 1 - 7,
                    i + 1,
                    s.word()
                ),
            });
        }
    }
    violations
}

/// "1 and 3", "1, 2, 4 and 5", counting from 1.
fn list_points(indices: &[usize]) -> String {
    let numbers: Vec<String> = indices.iter().map(|i| (i + 1).to_string()).collect();
    match numbers.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// Capability (Cp, Cpk with `sigma_within`) and performance (Pp, Ppk with
/// the sample standard deviation of `values`) against `spec`.
///
/// `values` should be the ones the chart was computed from (finite, at
/// least two). An index that cannot be computed is `None`: Cp and Pp
/// without both limits, any index when its sigma is zero, NaN or infinite
/// or the mean is not finite.
pub fn capability(values: &[f64], sigma_within: f64, spec: &Spec) -> Capability {
    let mean = mean(values);
    let sigma_overall = if values.len() < 2 {
        f64::NAN
    } else {
        let squares: f64 = values.iter().map(|x| (x - mean) * (x - mean)).sum();
        (squares / (values.len() - 1) as f64).sqrt()
    };
    let (cp, cpk) = indices(mean, sigma_within, spec);
    let (pp, ppk) = indices(mean, sigma_overall, spec);
    Capability {
        cp,
        cpk,
        pp,
        ppk,
        mean,
        sigma_within,
        sigma_overall,
        n: values.len(),
    }
}

/// (Cp, Cpk), or (Pp, Ppk) when given the overall sigma.
fn indices(mean: f64, sigma: f64, spec: &Spec) -> (Option<f64>, Option<f64>) {
    if !(sigma > 0.0 && sigma.is_finite() && mean.is_finite()) {
        return (None, None);
    }
    let finite = |v: f64| Some(v).filter(|v| v.is_finite());
    let spread = match (spec.lower, spec.upper) {
        (Some(lsl), Some(usl)) => finite((usl - lsl) / (6.0 * sigma)),
        _ => None,
    };
    let cpu = spec
        .upper
        .and_then(|usl| finite((usl - mean) / (3.0 * sigma)));
    let cpl = spec
        .lower
        .and_then(|lsl| finite((mean - lsl) / (3.0 * sigma)));
    let k = match (cpu, cpl) {
        (Some(u), Some(l)) => Some(u.min(l)),
        (u, l) => u.or(l),
    };
    (spread, k)
}

fn check_finite(values: &[f64]) -> Result<(), SpcError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(SpcError::NotFinite(index)),
        None => Ok(()),
    }
}

/// NaN for no values.
fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal to hand-computed values to well within their printed digits.
    #[track_caller]
    fn close(actual: f64, expected: f64) {
        assert!(
            (actual - expected).abs() < 1e-9,
            "got {actual}, expected {expected}"
        );
    }

    #[track_caller]
    fn close_opt(actual: Option<f64>, expected: f64) {
        match actual {
            Some(a) => close(a, expected),
            None => panic!("got None, expected {expected}"),
        }
    }

    fn rules(violations: &[Violation]) -> Vec<(u8, usize)> {
        violations.iter().map(|v| (v.rule, v.index)).collect()
    }

    /// 10 values, sum 101, mean 10.1.
    /// Moving ranges |x_i - x_(i-1)|: 2, 2, 3, 2, 2, 1, 2, 2, 2 (sum 18),
    /// MRbar = 18 / 9 = 2.
    const SERIES: [f64; 10] = [8.0, 10.0, 8.0, 11.0, 9.0, 11.0, 10.0, 12.0, 10.0, 12.0];

    #[test]
    fn individuals_moving_range_limits() {
        let chart = individuals(&SERIES).unwrap();
        assert_eq!(chart.kind, ChartKind::IndividualsMovingRange);
        assert_eq!(chart.points, SERIES);
        assert_eq!(chart.ranges, [2.0, 2.0, 3.0, 2.0, 2.0, 1.0, 2.0, 2.0, 2.0]);
        close(chart.center, 10.1);
        close(chart.range_center, 2.0);
        // UCL = 10.1 + 2.66 * 2 = 15.42; LCL = 10.1 - 5.32 = 4.78.
        close(chart.ucl, 15.42);
        close(chart.lcl, 4.78);
        // sigma_within = 2 / 1.128 = 1.7730496...
        close(chart.sigma_within, 2.0 / 1.128);
        assert!((chart.sigma_within - 1.773_05).abs() < 1e-5);
        // MR chart: UCL = 3.267 * 2 = 6.534, LCL = 0.
        close(chart.range_ucl, 6.534);
        assert_eq!(chart.range_lcl, 0.0);
        assert_eq!(chart.dropped, 0);
        // Zone sigma = 5.32 / 3 = 1.7733: 8 and 12 are beyond 1 sigma but
        // never 4 of 5 together, nothing beyond 2 sigma, runs of at most 3.
        assert_eq!(chart.violations, []);
    }

    #[test]
    fn capability_two_sided() {
        let chart = individuals(&SERIES).unwrap();
        let spec = Spec {
            lower: Some(5.0),
            upper: Some(15.0),
        };
        let cap = capability(&SERIES, chart.sigma_within, &spec);
        assert_eq!(cap.n, 10);
        close(cap.mean, 10.1);
        // Cp = (15 - 5) / (6 * 2 / 1.128) = 10 * 1.128 / 12 = 0.94.
        close_opt(cap.cp, 0.94);
        // Cpk = min(15 - 10.1, 10.1 - 5) / (3 * 2 / 1.128)
        //     = 4.9 * 1.128 / 6 = 0.9212.
        close_opt(cap.cpk, 0.9212);
        // Sum of squared deviations from 10.1:
        // 4.41 + 0.01 + 4.41 + 0.81 + 1.21 + 0.81 + 0.01 + 3.61 + 0.01 + 3.61
        // = 18.9; s = sqrt(18.9 / 9) = sqrt(2.1) = 1.4491377...
        close(cap.sigma_overall, 2.1f64.sqrt());
        assert!((cap.sigma_overall - 1.449_138).abs() < 1e-6);
        // Pp = 10 / (6 * 1.4491377) = 1.150109...
        close_opt(cap.pp, 10.0 / (6.0 * 2.1f64.sqrt()));
        assert!((cap.pp.unwrap() - 1.150_109).abs() < 1e-6);
        // Ppk = 4.9 / (3 * 1.4491377) = 1.127107...
        close_opt(cap.ppk, 4.9 / (3.0 * 2.1f64.sqrt()));
        assert!((cap.ppk.unwrap() - 1.127_107).abs() < 1e-6);
    }

    #[test]
    fn capability_one_sided() {
        let sigma_within = 2.0 / 1.128;
        let upper_only = Spec {
            lower: None,
            upper: Some(15.0),
        };
        let cap = capability(&SERIES, sigma_within, &upper_only);
        assert_eq!(cap.cp, None);
        assert_eq!(cap.pp, None);
        // CPU = (15 - 10.1) * 1.128 / 6 = 0.9212.
        close_opt(cap.cpk, 0.9212);
        close_opt(cap.ppk, 4.9 / (3.0 * 2.1f64.sqrt()));

        let lower_only = Spec {
            lower: Some(5.0),
            upper: None,
        };
        let cap = capability(&SERIES, sigma_within, &lower_only);
        assert_eq!(cap.cp, None);
        // CPL = (10.1 - 5) * 1.128 / 6 = 5.1 * 0.188 = 0.9588.
        close_opt(cap.cpk, 0.9588);
        // PPL = 5.1 / (3 * 1.4491377) = 1.173111...
        assert!((cap.ppk.unwrap() - 1.173_111).abs() < 1e-6);

        let cap = capability(&SERIES, sigma_within, &Spec::default());
        assert_eq!((cap.cp, cap.cpk, cap.pp, cap.ppk), (None, None, None, None));
    }

    #[test]
    fn capability_without_spread_has_no_indices() {
        let spec = Spec {
            lower: Some(5.0),
            upper: Some(15.0),
        };
        let cap = capability(&[10.0, 10.0, 10.0], 0.0, &spec);
        assert_eq!((cap.cp, cap.cpk, cap.pp, cap.ppk), (None, None, None, None));
        assert_eq!(cap.sigma_overall, 0.0);
        let cap = capability(&[10.0], 1.0, &spec);
        assert!(cap.sigma_overall.is_nan());
        close_opt(cap.cp, 10.0 / 6.0);
        assert_eq!(cap.pp, None);
    }

    #[test]
    fn xbar_r_subgroups_of_five() {
        let values = [
            10.0, 12.0, 11.0, 9.0, 13.0, // mean 55/5 = 11, range 13 - 9 = 4
            11.0, 13.0, 12.0, 10.0, 14.0, // mean 60/5 = 12, range 14 - 10 = 4
            10.0, 10.0, 11.0, 9.0, 10.0, // mean 50/5 = 10, range 11 - 9 = 2
            12.0, 9.0, 15.0, 11.0, 13.0, // mean 60/5 = 12, range 15 - 9 = 6
            1.0, 2.0, 3.0, // incomplete: dropped
        ];
        let chart = xbar_r(&values, 5).unwrap();
        assert_eq!(chart.kind, ChartKind::XbarR { n: 5 });
        assert_eq!(chart.dropped, 3);
        assert_eq!(chart.points, [11.0, 12.0, 10.0, 12.0]);
        assert_eq!(chart.ranges, [4.0, 4.0, 2.0, 6.0]);
        // Xbarbar = (11 + 12 + 10 + 12) / 4 = 11.25; Rbar = 16 / 4 = 4.
        close(chart.center, 11.25);
        close(chart.range_center, 4.0);
        // X-bar limits = 11.25 +/- 0.577 * 4 = 11.25 +/- 2.308.
        close(chart.ucl, 13.558);
        close(chart.lcl, 8.942);
        // R chart: UCL = 2.114 * 4 = 8.456, LCL = 0 * 4 = 0.
        close(chart.range_ucl, 8.456);
        close(chart.range_lcl, 0.0);
        // sigma_within = 4 / 2.326 = 1.7196904...
        close(chart.sigma_within, 4.0 / 2.326);
        assert!((chart.sigma_within - 1.719_690).abs() < 1e-6);
        // Zone sigma = 2.308 / 3 = 0.7693: only 10 is beyond 1 sigma (below
        // 10.4807), none beyond 2 sigma; sides alternate.
        assert_eq!(chart.violations, []);
    }

    #[test]
    fn xbar_r_lower_range_limit_from_seven() {
        // Subgroups of 7: ranges 6 - 0 = 6 and 8 - 0 = 8, Rbar = 7.
        let values = [
            0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, //
            0.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0,
        ];
        let chart = xbar_r(&values, 7).unwrap();
        close(chart.range_center, 7.0);
        // D3 = 0.076: LCL = 0.532; D4 = 1.924: UCL = 13.468.
        close(chart.range_lcl, 0.532);
        close(chart.range_ucl, 13.468);
        // Means 21/7 = 3 and 28/7 = 4; Xbarbar = 3.5; A2 = 0.419: +/- 2.933.
        close(chart.ucl, 6.433);
        close(chart.lcl, 0.567);
        close(chart.sigma_within, 7.0 / 2.704);
    }

    #[test]
    fn moving_ranges_beyond_their_limit_are_listed() {
        // MR = 2, 2, 3, 2, 2, 1, 2, 2, 2, 18: MRbar = 36 / 10 = 3.6, MR UCL =
        // 3.267 * 3.6 = 11.7612. Only the 18 (points 10 to 11) is above it; it
        // belongs to point 11, the later of its two points.
        let values = [
            8.0, 10.0, 8.0, 11.0, 9.0, 11.0, 10.0, 12.0, 10.0, 12.0, 30.0,
        ];
        let chart = individuals(&values).unwrap();
        close(chart.range_ucl, 11.7612);
        assert_eq!(rules(&chart.range_violations), [(1, 10)]);
        assert_eq!(
            chart.range_violations[0].description,
            "the moving range from point 10 to 11 is above its upper control limit"
        );
        assert_eq!(individuals(&SERIES).unwrap().range_violations, []);
    }

    #[test]
    fn subgroup_ranges_below_a_lower_limit_are_listed() {
        // Subgroups of 7, ranges 0.1, 10 and 10: Rbar = 20.1 / 3 = 6.7,
        // R LCL = 0.076 * 6.7 = 0.5092, UCL = 1.924 * 6.7 = 12.8908.
        let values = [
            5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.1, //
            0.0, 2.0, 4.0, 5.0, 6.0, 8.0, 10.0, //
            1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 11.0,
        ];
        let chart = xbar_r(&values, 7).unwrap();
        close(chart.range_lcl, 0.076 * 20.1 / 3.0);
        close(chart.range_ucl, 1.924 * 20.1 / 3.0);
        assert_eq!(rules(&chart.range_violations), [(1, 0)]);
        assert_eq!(
            chart.range_violations[0].description,
            "the range of subgroup 1 is below its lower control limit"
        );
    }

    #[test]
    fn limits_beyond_a_natural_bound_are_drawn_at_it() {
        // A leak test: mean 0.5, LCL 0.5 - 2.66 * 0.65 = -1.229 mbar.
        let bounds = Bounds {
            lower: Some(0.0),
            upper: None,
        };
        let drawn = bounds.limits(-1.229, 2.229);
        assert_eq!(
            drawn,
            DrawnLimits {
                lcl: 0.0,
                ucl: 2.229,
                lcl_at_bound: true,
                ucl_at_bound: false
            }
        );
        // A limit inside the bounds, or on one, is drawn where it is.
        let both = Bounds {
            lower: Some(0.0),
            upper: Some(100.0),
        };
        let drawn = both.limits(0.0, 100.0);
        assert!(!drawn.lcl_at_bound && !drawn.ucl_at_bound);
        let drawn = both.limits(20.0, 104.5);
        assert_eq!(
            (drawn.lcl, drawn.ucl, drawn.ucl_at_bound),
            (20.0, 100.0, true)
        );
        let none = Bounds::default().limits(-3.0, 3.0);
        assert_eq!((none.lcl, none.ucl), (-3.0, 3.0));
    }

    #[test]
    fn errors_users_understand() {
        let err = individuals(&[1.0]).unwrap_err();
        assert_eq!(err, SpcError::TooFew { needed: 2, got: 1 });
        assert_eq!(
            err.to_string(),
            "at least 2 values are needed for a control chart; there is 1"
        );
        assert_eq!(
            individuals(&[]).unwrap_err().to_string(),
            "at least 2 values are needed for a control chart; there are none"
        );
        let err = xbar_r(&[1.0; 9], 5).unwrap_err();
        assert_eq!(err, SpcError::TooFew { needed: 10, got: 9 });
        assert_eq!(
            err.to_string(),
            "at least 10 values are needed for a control chart; there are 9"
        );
        for n in [0, 1, 11] {
            assert_eq!(xbar_r(&[1.0; 30], n).unwrap_err(), SpcError::BadSubgroup(n));
        }
        assert_eq!(
            SpcError::BadSubgroup(1).to_string(),
            "a subgroup size of 1 is not supported; use 2 to 10 values per subgroup \
             (or an individuals chart for single values)"
        );
    }

    #[test]
    fn non_finite_values_are_rejected() {
        let err = individuals(&[1.0, 2.0, f64::NAN, 3.0]).unwrap_err();
        assert_eq!(err, SpcError::NotFinite(2));
        assert_eq!(
            err.to_string(),
            "value 3 is not a finite number (it is NaN or infinite)"
        );
        assert_eq!(
            individuals(&[f64::INFINITY]).unwrap_err(),
            SpcError::NotFinite(0)
        );
        let mut values = [1.0; 10];
        values[7] = f64::NEG_INFINITY;
        assert_eq!(xbar_r(&values, 2).unwrap_err(), SpcError::NotFinite(7));
        // Even in the incomplete subgroup that would be dropped.
        let mut values = [1.0; 11];
        values[10] = f64::NAN;
        assert_eq!(xbar_r(&values, 5).unwrap_err(), SpcError::NotFinite(10));
    }

    // The rule tests use centre 0 and sigma 1, so a value is its distance
    // from the centre line in sigma.

    #[test]
    fn no_rule_broken() {
        let points = [
            0.5, -0.5, 1.5, -1.5, 0.5, -0.5, 2.5, -0.5, 0.5, -2.5, 3.0, 0.0, -3.0,
        ];
        assert_eq!(western_electric(&points, 0.0, 1.0), []);
    }

    #[test]
    fn rule_1_one_point_beyond_3_sigma() {
        // 3.0 is on the limit, not beyond it.
        let points = [0.0, 0.5, 3.5, 0.0, -3.2, 3.0];
        let violations = western_electric(&points, 0.0, 1.0);
        assert_eq!(rules(&violations), [(1, 2), (1, 4)]);
        assert_eq!(
            violations[0].description,
            "point 3 is above the upper control limit (more than 3 sigma from the centre line)"
        );
        assert_eq!(
            violations[1].description,
            "point 5 is below the lower control limit (more than 3 sigma from the centre line)"
        );
    }

    #[test]
    fn rule_2_two_of_three_beyond_2_sigma() {
        let points = [0.0, 2.5, 0.0, 2.5, 0.0, -2.1, -2.2, 0.0, 2.5, -2.5, 2.5];
        let violations = western_electric(&points, 0.0, 1.0);
        // Points 2 and 4 (above), 6 and 7 (below), and 9 and 11 (above,
        // with point 10 beyond 2 sigma on the other side between them).
        assert_eq!(rules(&violations), [(2, 3), (2, 6), (2, 10)]);
        assert_eq!(
            violations[0].description,
            "points 2 and 4 are more than 2 sigma above the centre line \
             (2 or more of 3 consecutive points)"
        );
        assert_eq!(
            violations[1].description,
            "points 6 and 7 are more than 2 sigma below the centre line \
             (2 or more of 3 consecutive points)"
        );
        // The first two points complete the pattern at the second.
        assert_eq!(
            rules(&western_electric(&[2.1, 2.1, 0.0], 0.0, 1.0)),
            [(2, 1)]
        );
        // Three points beyond 2 sigma in a row: each window reports.
        assert_eq!(
            rules(&western_electric(&[0.0, 2.1, 2.2, 2.3], 0.0, 1.0)),
            [(2, 2), (2, 3)]
        );
    }

    #[test]
    fn rule_3_four_of_five_beyond_1_sigma() {
        let points = [1.5, 1.2, 0.5, 1.1, 1.3, 0.2];
        let violations = western_electric(&points, 0.0, 1.0);
        assert_eq!(rules(&violations), [(3, 4)]);
        assert_eq!(
            violations[0].description,
            "points 1, 2, 4 and 5 are more than 1 sigma above the centre line \
             (4 or more of 5 consecutive points)"
        );
        // Below the line, and a pattern that goes on reports at each point.
        let points = [0.0, -1.5, -1.2, -1.1, -1.3, -1.4, 0.0];
        assert_eq!(
            rules(&western_electric(&points, 0.0, 1.0)),
            [(3, 4), (3, 5)]
        );
        // Only three of five.
        let points = [1.5, 1.2, 0.5, 1.1, 0.3, 0.2];
        assert_eq!(western_electric(&points, 0.0, 1.0), []);
    }

    #[test]
    fn rule_4_eight_on_one_side() {
        let points = [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2, -0.1];
        let violations = western_electric(&points, 0.0, 1.0);
        assert_eq!(rules(&violations), [(4, 7)]);
        assert_eq!(
            violations[0].description,
            "points 1 to 8 are all above the centre line (8 in a row)"
        );
        // A point on the centre line ends the run; nine in a row below
        // report at the 8th and the 9th.
        let mut points = vec![0.1, 0.1, 0.1, 0.1, 0.0, 0.1, 0.1, 0.1, 0.1, 0.0];
        points.extend([-0.1; 9]);
        assert_eq!(
            rules(&western_electric(&points, 0.0, 1.0)),
            [(4, 17), (4, 18)]
        );
    }

    #[test]
    fn charts_apply_the_rules_with_sigma_from_the_limits() {
        // 20 values alternating 9 and 11 (MRbar = 2, mean 10, limits
        // 10 +/- 5.32, zone sigma 1.7733), then one at 16: MRbar becomes
        // (19 * 2 + 5) / 20 = 2.15, mean (10 * 20 + 16) / 21 = 10.2857...,
        // UCL = 10.2857 + 2.66 * 2.15 = 16.0047: 16 is inside. At 17:
        // MRbar = 2.2, mean 10.3333, UCL = 16.1853: beyond, rule 1 at 21.
        let mut values: Vec<f64> = (0..20)
            .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
            .collect();
        values.push(16.0);
        let chart = individuals(&values).unwrap();
        close(chart.ucl, 216.0 / 21.0 + 2.66 * 2.15);
        assert_eq!(chart.violations, []);
        values[20] = 17.0;
        let chart = individuals(&values).unwrap();
        close(chart.ucl, 217.0 / 21.0 + 2.66 * 2.2);
        assert_eq!(rules(&chart.violations), [(1, 20)]);
    }
}
