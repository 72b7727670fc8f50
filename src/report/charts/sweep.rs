//! The charts of a sweep, from `points.csv`: line charts with a 95% CI band for one
//! axis, heatmaps for a two-axis grid, scatter plots otherwise.

use std::collections::BTreeMap;

use super::draw::{
    finite_bounds, Chart, ColourBy, Format, Heatmap, LimitLine, LineChart, Mark, Panel, Point,
    Series, XAxis,
};
use super::style::{colour, headline_metrics};
use super::table::Table;
use super::ChartError;
use crate::model::metrics::Limit;
use crate::model::{Metric, MetricDef};
use crate::report::format::chart_number;

/// One sweep axis: its key path, its title on charts and each point's value.
#[derive(Debug)]
struct Axis {
    key: String,
    title: String,
    values: AxisValues,
}

#[derive(Debug)]
enum AxisValues {
    Numbers(Vec<f64>),
    /// Strings or booleans; `order` lists the distinct values in file order and `index`
    /// each point's position in it.
    Names {
        order: Vec<String>,
        index: Vec<usize>,
    },
}

impl Axis {
    /// The x axis for this sweep axis and each point's x position on it.
    fn x_axis(&self) -> (XAxis, Vec<f64>) {
        let desc = self.title.clone();
        match &self.values {
            AxisValues::Numbers(v) => (XAxis::Numeric { desc }, v.clone()),
            AxisValues::Names { order, index } => (
                XAxis::Categories {
                    desc,
                    names: order.clone(),
                },
                index.iter().map(|i| *i as f64).collect(),
            ),
        }
    }

    /// The distinct values as grid positions (numbers ascending, names in file order) and
    /// each point's position.
    fn grid(&self) -> (XAxis, Vec<usize>) {
        let desc = self.title.clone();
        match &self.values {
            AxisValues::Numbers(v) => {
                let mut distinct: Vec<f64> = v.clone();
                distinct.sort_by(f64::total_cmp);
                distinct.dedup();
                let index = v
                    .iter()
                    .map(|x| distinct.iter().position(|d| d == x).unwrap_or(0))
                    .collect();
                let names = distinct.iter().map(|d| chart_number(*d)).collect();
                (XAxis::Categories { desc, names }, index)
            }
            AxisValues::Names { order, index } => (
                XAxis::Categories {
                    desc,
                    names: order.clone(),
                },
                index.clone(),
            ),
        }
    }
}

/// A headline metric's mean and CI per point.
#[derive(Debug)]
struct MetricValues {
    metric: &'static MetricDef,
    mean: Vec<f64>,
    low: Vec<f64>,
    high: Vec<f64>,
}

impl MetricValues {
    fn limits(&self) -> Vec<LimitLine> {
        self.metric.limits.iter().map(LimitLine::of).collect()
    }
}

/// Every chart the sweep's `points.csv` supports, by file stem. `labels` are the axes'
/// titles by key path (from the manifest); an axis without one gets [`axis_title`].
pub(super) fn charts(
    points: &Table,
    labels: &BTreeMap<String, String>,
) -> Result<Vec<(String, Chart)>, ChartError> {
    let point_col = points.require("point")?;
    let n_col = points.require("n")?;
    if n_col <= point_col + 1 {
        return Err(points.error("no sweep axis columns between `point` and `n`".into()));
    }
    // An axis that takes one value everywhere is a constant of the sweep, not a
    // dimension of its charts (unless every axis is like that).
    let all: Vec<usize> = (point_col + 1..n_col).collect();
    let varying: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&c| (1..points.len()).any(|r| points.text(r, c) != points.text(0, c)))
        .collect();
    let columns = if varying.is_empty() { &all } else { &varying };
    let axes: Vec<Axis> = columns
        .iter()
        .map(|&c| read_axis(points, c, labels))
        .collect();
    let metrics = read_metrics(points)?;

    let mut out = Vec::new();
    match axes.as_slice() {
        [axis] => {
            for m in &metrics {
                out.push((
                    format!("sweep_{}", m.metric.key),
                    Chart::Lines(line_chart(axis, m)),
                ));
            }
            if let Some(c) = capacity_chart(axis, &metrics) {
                out.push(("capacity".into(), Chart::Lines(c)));
            }
            if let Some(c) = tradeoff_chart(axis, points)? {
                out.push(("tradeoff".into(), Chart::Lines(c)));
            }
        }
        [x, y] if is_grid(x, y) => {
            for m in &metrics {
                out.push((
                    format!("heatmap_{}", m.metric.key),
                    Chart::Heatmap(heatmap(x, y, m)),
                ));
            }
        }
        _ => {
            for m in &metrics {
                for (i, a) in axes.iter().enumerate() {
                    // Colours show the next axis, so no axis hides behind another.
                    let other = axes.get((i + 1) % axes.len()).filter(|_| axes.len() > 1);
                    out.push((
                        format!("scatter_{}__{}", m.metric.key, file_safe(&a.key)),
                        Chart::Lines(scatter(a, other, m)),
                    ));
                }
            }
        }
    }
    Ok(out)
}

fn read_axis(points: &Table, col: usize, labels: &BTreeMap<String, String>) -> Axis {
    let key = points.headers().get(col).cloned().unwrap_or_default();
    let title = labels
        .get(&key)
        .cloned()
        .unwrap_or_else(|| axis_title(&key));
    let texts: Vec<&str> = (0..points.len()).map(|r| points.text(r, col)).collect();
    let numbers: Option<Vec<f64>> = texts
        .iter()
        .map(|t| t.parse::<f64>().ok().filter(|v| v.is_finite()))
        .collect();
    let values = match numbers {
        Some(v) => AxisValues::Numbers(v),
        None => {
            let mut order: Vec<String> = Vec::new();
            let index = texts
                .iter()
                .map(|t| match order.iter().position(|o| o == t) {
                    Some(i) => i,
                    None => {
                        order.push(t.to_string());
                        order.len() - 1
                    }
                })
                .collect();
            AxisValues::Names { order, index }
        }
    };
    Axis { key, title, values }
}

/// A readable axis title derived from a key path, for axes without a `label`: the last
/// meaningful segments, underscores as spaces (`services.svc.count` → "svc services",
/// `teams.core.members` → "core: members per site", `organization.structure` →
/// "structure").
pub(crate) fn axis_title(key: &str) -> String {
    let segments: Vec<String> = key
        .split('.')
        .map(|s| s.trim().trim_matches('"').trim_matches('\'').to_string())
        .collect();
    let words = |s: &str| s.replace(['_', '-'], " ");
    let seg: Vec<&str> = segments.iter().map(String::as_str).collect();
    match seg.as_slice() {
        ["services", "*", "count"] => "services per block".into(),
        ["services", name, "count"] => format!("{name} services"),
        ["services", "*", field] => format!("every service block: {}", words(field)),
        ["services", name, field] => format!("{name}: {}", words(field)),
        ["teams", "*", "members"] => "members per site, every team".into(),
        ["teams", team, "members"] => format!("{team}: members per site"),
        ["teams", team, "members", site] => format!("{team}: members in {site}"),
        ["teams", team, rest @ ..] if !rest.is_empty() => {
            format!("{team}: {}", words(&rest.join(" ")))
        }
        ["engagement", "disengage"] => "disengagement strategy".into(),
        [.., last] if !last.is_empty() && *last != "*" => words(last),
        _ => key.to_string(),
    }
}

/// The headline metrics that have a `_mean` column; CI columns are optional.
fn read_metrics(points: &Table) -> Result<Vec<MetricValues>, ChartError> {
    let mut out = Vec::new();
    for metric in headline_metrics() {
        if let Some(m) = read_metric(points, metric)? {
            out.push(m);
        }
    }
    Ok(out)
}

/// One metric's mean and CI per point; `None` when `points.csv` has no such column.
fn read_metric(
    points: &Table,
    metric: &'static MetricDef,
) -> Result<Option<MetricValues>, ChartError> {
    let Some(mean_col) = points.column(&format!("{}_mean", metric.key)) else {
        return Ok(None);
    };
    let low_col = points.column(&format!("{}_ci95_low", metric.key));
    let high_col = points.column(&format!("{}_ci95_high", metric.key));
    let mut m = MetricValues {
        metric,
        mean: Vec::with_capacity(points.len()),
        low: Vec::with_capacity(points.len()),
        high: Vec::with_capacity(points.len()),
    };
    for row in 0..points.len() {
        m.mean.push(points.number(row, mean_col)?);
        m.low.push(points.number_or_nan(row, low_col)?);
        m.high.push(points.number_or_nan(row, high_col)?);
    }
    Ok(Some(m))
}

/// The engagement trade-off against the one sweep axis, when developers carry some of
/// the load: SRE's worst team's ops load, the developers' ops hours a week and the SLO
/// windows met, one above the other.
fn tradeoff_chart(axis: &Axis, points: &Table) -> Result<Option<LineChart>, ChartError> {
    let def = |m: Metric| m.def();
    let Some(dev) = read_metric(points, def(Metric::DevOpsHoursPerWeek))? else {
        return Ok(None);
    };
    if !dev.mean.iter().any(|&x| x > 0.0) {
        return Ok(None);
    }
    let mut panels = Vec::new();
    let mut x_axis = None;
    for (i, m) in [
        Metric::WorstTeamOpsLoadFrac,
        Metric::DevOpsHoursPerWeek,
        Metric::SloMetFrac,
    ]
    .into_iter()
    .enumerate()
    {
        let Some(values) = read_metric(points, def(m))? else {
            continue;
        };
        let (x, pts) = series_points(axis, &values);
        panels.push(Panel {
            // Three panels: the short label, not the unit, fits beside each.
            y_desc: values.metric.label.into(),
            series: vec![Series {
                label: values.metric.title.into(),
                colour: colour(i),
                points: pts,
            }],
            format: Format::of(values.metric),
            limits: values.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
            colour_by: None,
        });
        x_axis = Some(x);
    }
    let Some(x) = x_axis else {
        return Ok(None);
    };
    Ok(Some(LineChart {
        title: format!("SRE load, developer load and SLOs by {}", axis.title),
        subtitle: Some("mean over replications; shaded band: 95% confidence interval".into()),
        x,
        panels,
        band_label: Some("95% confidence interval".into()),
        events: Vec::new(),
    }))
}

/// The metric's points along `axis`, sorted by x.
fn series_points(axis: &Axis, m: &MetricValues) -> (XAxis, Vec<Point>) {
    let (x_axis, xs) = axis.x_axis();
    let mut pts: Vec<Point> = xs
        .iter()
        .enumerate()
        .map(|(i, x)| Point {
            x: *x,
            mean: m.mean.get(i).copied().unwrap_or(f64::NAN),
            low: m.low.get(i).copied().unwrap_or(f64::NAN),
            high: m.high.get(i).copied().unwrap_or(f64::NAN),
        })
        .collect();
    pts.sort_by(|a, b| a.x.total_cmp(&b.x));
    (x_axis, pts)
}

fn line_chart(axis: &Axis, m: &MetricValues) -> LineChart {
    let (x, points) = series_points(axis, m);
    let subtitle = match crossings(&x, &points, m.metric.limits, Format::of(m.metric)) {
        Some(note) => format!("mean over replications; {note}"),
        None => "mean over replications at each sweep point".into(),
    };
    LineChart {
        title: format!("{} by {}", m.metric.title, axis.title),
        subtitle: Some(subtitle),
        x,
        panels: vec![Panel {
            y_desc: m.metric.unit.into(),
            series: vec![Series {
                label: "mean".into(),
                colour: colour(0),
                points,
            }],
            format: Format::of(m.metric),
            limits: m.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
            colour_by: None,
        }],
        band_label: Some("95% confidence interval".into()),
        events: Vec::new(),
    }
}

/// The workshop chart: pages per shift above ops load, each with its limit, against the
/// one sweep axis.
fn capacity_chart(axis: &Axis, metrics: &[MetricValues]) -> Option<LineChart> {
    let mut panels = Vec::new();
    let mut notes = Vec::new();
    let mut x_axis = None;
    for (i, key) in ["pages_per_shift_mean", "ops_load_frac"].iter().enumerate() {
        let Some(m) = metrics.iter().find(|m| m.metric.key == *key) else {
            continue;
        };
        let (x, points) = series_points(axis, m);
        // Crossings read along a numeric axis only: categories have no order to cross in.
        let numeric = matches!(x, XAxis::Numeric { .. });
        if let Some(note) =
            crossings(&x, &points, m.metric.limits, Format::of(m.metric)).filter(|_| numeric)
        {
            notes.push(format!("{}: {note}", m.metric.title.to_lowercase()));
        }
        panels.push(Panel {
            y_desc: m.metric.unit.into(),
            series: vec![Series {
                label: m.metric.title.into(),
                colour: colour(i),
                points,
            }],
            format: Format::of(m.metric),
            limits: m.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
            colour_by: None,
        });
        x_axis = Some(x);
    }
    Some(LineChart {
        title: format!("Capacity: pages and ops load by {}", axis.title),
        subtitle: Some(if notes.is_empty() {
            "mean over replications; shaded band: 95% confidence interval".into()
        } else {
            notes.join(" · ")
        }),
        x: x_axis?,
        panels,
        band_label: Some("95% confidence interval".into()),
        events: Vec::new(),
    })
}

/// Where the mean crosses each breach limit, in words, for a subtitle: "rises above
/// pager budget (2) at ≈ 5.1", "falls below 50% ops cap (0.5) at ≈ 3.6" (interpolated
/// on a numeric axis; the first category past the crossing otherwise), or "stays
/// below" / "above … throughout". None when the metric has no limit or no finite point.
fn crossings(x: &XAxis, points: &[Point], limits: &[Limit], format: Format) -> Option<String> {
    let finite: Vec<&Point> = points.iter().filter(|p| p.mean.is_finite()).collect();
    let first = finite.first()?;
    let notes: Vec<String> = limits
        .iter()
        .filter(|l| l.breach)
        .map(|l| {
            // "pager budget (2)", but "the bad level (7)" for one-word labels and "50%
            // ops cap" for those that start with their value.
            let name = if l.label.starts_with(|c: char| c.is_ascii_digit()) {
                l.label.to_string()
            } else if l.label.contains(' ') {
                format!("{} ({})", l.label, format.value(l.value))
            } else {
                format!("the {} level ({})", l.label, format.value(l.value))
            };
            let above = |p: &Point| p.mean > l.value;
            let changes: Vec<String> = finite
                .windows(2)
                .filter(|w| above(w[0]) != above(w[1]))
                .take(2)
                .map(|w| {
                    let (a, b) = (w[0], w[1]);
                    let verb = if above(b) {
                        "rises above"
                    } else {
                        "falls below"
                    };
                    match x {
                        XAxis::Numeric { .. } => {
                            let at = a.x + (b.x - a.x) * (l.value - a.mean) / (b.mean - a.mean);
                            format!("{verb} {name} at ≈ {}", chart_number(at))
                        }
                        XAxis::Categories { names, .. } => {
                            let i = b.x.round().max(0.0) as usize;
                            let at = names.get(i).map_or("?", String::as_str);
                            format!("{verb} {name} at {at}")
                        }
                    }
                })
                .collect();
            match (changes.is_empty(), above(first)) {
                (false, _) => changes.join(", then "),
                (true, false) => format!("stays below {name}"),
                (true, true) => format!("above {name} throughout"),
            }
        })
        .collect();
    (!notes.is_empty()).then(|| notes.join("; "))
}

/// Whether two axes' points form a (nearly) full grid with one point per cell.
fn is_grid(x: &Axis, y: &Axis) -> bool {
    let (xa, xi) = x.grid();
    let (ya, yi) = y.grid();
    let (nx, ny) = (category_count(&xa), category_count(&ya));
    if nx > 40 || ny > 40 || nx * ny > 2 * xi.len() {
        return false;
    }
    let mut seen = vec![false; nx * ny];
    for (a, b) in xi.iter().zip(&yi) {
        let k = b * nx + a;
        match seen.get_mut(k) {
            Some(s) if !*s => *s = true,
            _ => return false,
        }
    }
    true
}

fn category_count(a: &XAxis) -> usize {
    match a {
        XAxis::Categories { names, .. } => names.len(),
        XAxis::Numeric { .. } => 0,
    }
}

fn heatmap(x: &Axis, y: &Axis, m: &MetricValues) -> Heatmap {
    let (xa, xi) = x.grid();
    let (ya, yi) = y.grid();
    let (nx, ny) = (category_count(&xa), category_count(&ya));
    let mut values = vec![vec![f64::NAN; nx]; ny];
    for (row, (a, b)) in xi.iter().zip(&yi).enumerate() {
        if let Some(cell) = values.get_mut(*b).and_then(|r| r.get_mut(*a)) {
            *cell = m.mean.get(row).copied().unwrap_or(f64::NAN);
        }
    }
    let format = Format::of(m.metric);
    Heatmap {
        scale: colour_scale(m.metric, format, values.iter().flatten().copied()),
        format,
        limits: m.limits(),
        title: m.metric.title.to_string(),
        subtitle: Some(format!(
            "mean over replications, by {} and {}",
            x.title, y.title
        )),
        x: xa,
        y: ya,
        values,
        value_desc: m.metric.unit.into(),
        breach: m.metric.limits.iter().find(|l| l.breach).map(LimitLine::of),
    }
}

/// The metric against one axis of a sample, one marker per point, coloured by `other`
/// (another axis) when there is one: a second axis that a sample varies at the same
/// time would otherwise hide in the spread of the markers.
/// How many minimum effects the colour scale spans at least: differences smaller than
/// a metric's minimum effect then stay within a quarter of the palette.
const SCALE_MIN_EFFECTS: f64 = 4.0;

/// The two ends of a heatmap's colour scale, anchored to what the values mean rather
/// than stretched over whatever they happen to span: from 0 to twice the highest limit
/// (or the data's maximum, if higher) for a metric with limits; 0 to 100% for a share;
/// otherwise the data's range, widened about its middle to at least
/// [`SCALE_MIN_EFFECTS`] × the metric's minimum effect (and kept at or above 0 when
/// the data are), so that noise does not run through the whole palette.
fn colour_scale(
    metric: &MetricDef,
    format: Format,
    values: impl Iterator<Item = f64>,
) -> (f64, f64) {
    let (lo, hi) = finite_bounds(values).unwrap_or((0.0, 1.0));
    let top_limit = metric
        .limits
        .iter()
        .map(|l| l.value)
        .fold(f64::NAN, f64::max);
    if top_limit.is_finite() {
        return (lo.min(0.0), hi.max(2.0 * top_limit));
    }
    if format == Format::Share {
        return (lo.min(0.0), hi.max(1.0));
    }
    let span = SCALE_MIN_EFFECTS * metric.metric.min_effect();
    if hi - lo >= span || span <= 0.0 {
        return if hi > lo {
            (lo, hi)
        } else {
            (lo - 0.5, hi + 0.5)
        };
    }
    let mid = (lo + hi) / 2.0;
    let (a, b) = (mid - span / 2.0, mid + span / 2.0);
    if a < 0.0 && lo >= 0.0 {
        (0.0, span)
    } else {
        (a, b)
    }
}

fn scatter(axis: &Axis, other: Option<&Axis>, m: &MetricValues) -> LineChart {
    let (x, xs) = axis.x_axis();
    // Markers need no order, so the points stay in file order, level with `other`.
    let points = xs
        .iter()
        .enumerate()
        .map(|(i, x)| Point {
            x: *x,
            mean: m.mean.get(i).copied().unwrap_or(f64::NAN),
            low: f64::NAN,
            high: f64::NAN,
        })
        .collect();
    let colour_by = other.map(|o| match &o.values {
        AxisValues::Numbers(v) => ColourBy {
            desc: o.title.clone(),
            values: v.clone(),
            names: Vec::new(),
        },
        AxisValues::Names { order, index } => ColourBy {
            desc: o.title.clone(),
            values: index.iter().map(|i| *i as f64).collect(),
            names: order.clone(),
        },
    });
    let subtitle = match other {
        Some(o) => format!(
            "one marker per sweep point: mean over replications; colour: {}",
            o.title
        ),
        None => "one marker per sweep point: mean over replications".into(),
    };
    LineChart {
        title: format!("{} by {}", m.metric.title, axis.title),
        subtitle: Some(subtitle),
        x,
        panels: vec![Panel {
            y_desc: m.metric.unit.into(),
            format: Format::of(m.metric),
            series: vec![Series {
                label: "sweep point".into(),
                colour: colour(0),
                points,
            }],
            limits: m.limits(),
            shade: None,
            mark: Mark::Scatter,
            colour_by,
        }],
        band_label: None,
        events: Vec::new(),
    }
}

/// `key` with anything but letters, digits, `.`, `-` and `_` replaced, for file names.
fn file_safe(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    // File names have a length limit (255 bytes on most file systems): a long key keeps
    // its start and a hash of the whole, so distinct keys stay distinct.
    if safe.len() <= MAX_KEY_IN_NAME {
        safe
    } else {
        format!(
            "{}-{:016x}",
            &safe[..MAX_KEY_IN_NAME - 17],
            crate::engine::fnv1a64(key)
        )
    }
}

/// The most characters of an axis key a chart's file name carries.
const MAX_KEY_IN_NAME: usize = 120;

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(key: &str, v: &[f64]) -> Axis {
        Axis {
            key: key.into(),
            title: key.into(),
            values: AxisValues::Numbers(v.to_vec()),
        }
    }

    #[test]
    fn full_grids_are_grids_and_samples_are_not() {
        let x = numbers("x", &[1.0, 2.0, 1.0, 2.0]);
        let y = numbers("y", &[5.0, 5.0, 6.0, 6.0]);
        assert!(is_grid(&x, &y));
        let x = numbers("x", &[0.1, 0.7, 0.3, 0.9]);
        let y = numbers("y", &[0.5, 0.2, 0.8, 0.4]);
        assert!(!is_grid(&x, &y));
        let x = numbers("x", &[1.0, 1.0]);
        let y = numbers("y", &[5.0, 5.0]);
        assert!(!is_grid(&x, &y), "a repeated cell is not a grid");
    }

    #[test]
    fn crossing_is_interpolated_on_numeric_axes() {
        let p = |x, mean| Point {
            x,
            mean,
            low: f64::NAN,
            high: f64::NAN,
        };
        let limit = [Limit {
            value: 2.0,
            label: "pager budget",
            breach: true,
        }];
        let x = XAxis::Numeric { desc: "x".into() };
        let note = crossings(&x, &[p(0.0, 1.0), p(10.0, 3.0)], &limit, Format::Plain);
        assert_eq!(note.as_deref(), Some("rises above pager budget (2) at ≈ 5"));
        let note = crossings(&x, &[p(0.0, 3.0), p(4.0, 1.0)], &limit, Format::Plain);
        assert_eq!(note.as_deref(), Some("falls below pager budget (2) at ≈ 2"));
        let note = crossings(&x, &[p(0.0, 3.0)], &limit, Format::Plain);
        assert_eq!(note.as_deref(), Some("above pager budget (2) throughout"));
        let note = crossings(&x, &[p(0.0, 1.0)], &limit, Format::Plain);
        assert_eq!(note.as_deref(), Some("stays below pager budget (2)"));
        assert_eq!(
            crossings(&x, &[p(0.0, f64::NAN)], &limit, Format::Plain),
            None
        );
        let cap = [Limit {
            value: 0.5,
            label: "50% ops cap",
            breach: true,
        }];
        let note = crossings(&x, &[p(0.0, 0.4), p(10.0, 0.6)], &cap, Format::Share);
        assert_eq!(note.as_deref(), Some("rises above 50% ops cap at ≈ 5"));
    }

    /// A heatmap of `metric` over a 2 × 1 grid with the given two cell values.
    fn two_cells(metric: Metric, a: f64, b: f64) -> Heatmap {
        let m = MetricValues {
            metric: metric.def(),
            mean: vec![a, b],
            low: vec![f64::NAN; 2],
            high: vec![f64::NAN; 2],
        };
        heatmap(&numbers("x", &[1.0, 2.0]), &numbers("y", &[1.0, 1.0]), &m)
    }

    fn colour_distance(h: &Heatmap, a: f64, b: f64) -> i32 {
        let (p, q) = (h.colour_of(a), h.colour_of(b));
        (p.0 as i32 - q.0 as i32).abs()
            + (p.1 as i32 - q.1 as i32).abs()
            + (p.2 as i32 - q.2 as i32).abs()
    }

    #[test]
    fn noise_below_the_minimum_effect_keeps_one_colour() {
        // A share: 99.3% and 99.5% of SLO windows met look alike on a 0–100% scale.
        let h = two_cells(Metric::SloMetFrac, 0.993, 0.995);
        assert_eq!(h.scale, (0.0, 1.0));
        assert!(colour_distance(&h, 0.993, 0.995) <= 6, "{:?}", h.scale);
        // No limit, not a share: 0.002 h apart is far below the 0.05 h minimum effect.
        let h = two_cells(Metric::TtmHoursMean, 2.500, 2.502);
        assert!(h.scale.1 - h.scale.0 >= 4.0 * 0.05, "{:?}", h.scale);
        assert!(colour_distance(&h, 2.500, 2.502) <= 6, "{:?}", h.scale);
        // Without the widening the two would sit at both ends of the palette.
        assert!(colour_distance(&h, h.scale.0, h.scale.1) > 200);
    }

    #[test]
    fn a_metric_with_a_limit_is_scaled_from_zero_past_its_limit() {
        let h = two_cells(Metric::PagesPerShiftMean, 1.0, 1.5);
        assert_eq!(h.scale, (0.0, 4.0), "twice the pager budget of 2");
        assert!((h.position(2.0) - 0.5).abs() < 1e-9, "the limit mid-scale");
        assert_eq!(h.limits.first().map(|l| l.value), Some(2.0));
        let h = two_cells(Metric::PagesPerShiftMean, 1.0, 9.0);
        assert_eq!(
            h.scale,
            (0.0, 9.0),
            "data beyond twice the limit stay on the scale"
        );
        let h = two_cells(Metric::OpsLoadFrac, 0.2, 0.3);
        assert_eq!(h.scale, (0.0, 1.0));
        assert_eq!(h.format, Format::Share);
    }

    #[test]
    fn sample_scatter_colours_markers_by_the_other_axis() {
        let m = MetricValues {
            metric: Metric::OpsLoadFrac.def(),
            mean: vec![0.2, 0.4, 0.3],
            low: vec![f64::NAN; 3],
            high: vec![f64::NAN; 3],
        };
        let x = numbers("services.svc.count", &[30.0, 10.0, 20.0]);
        let y = numbers("teams.core.shift_hours", &[8.0, 24.0, 12.0]);
        let chart = scatter(&x, Some(&y), &m);
        let by = chart.panels[0].colour_by.as_ref().expect("coloured");
        assert_eq!(by.desc, "teams.core.shift_hours");
        // Level with the points: the point at x = 10 has the longest shifts.
        let points = &chart.panels[0].series[0].points;
        assert_eq!(points[1].x, 10.0);
        assert_eq!(by.values[1], 24.0);
        assert_ne!(by.colour(0), by.colour(1));
        assert!(scatter(&x, None, &m).panels[0].colour_by.is_none());
    }

    #[test]
    fn axis_titles_are_derived_from_keys() {
        for (key, title) in [
            ("services.svc.count", "svc services"),
            ("services.*.count", "services per block"),
            ("teams.core.members", "core: members per site"),
            ("teams.core.members.london", "core: members in london"),
            ("teams.core.shift_hours", "core: shift hours"),
            ("organization.structure", "structure"),
            ("engagement.disengage", "disengagement strategy"),
            ("people.hiring", "hiring"),
            ("reliability.project_share", "project share"),
            ("x", "x"),
        ] {
            assert_eq!(axis_title(key), title, "{key}");
        }
    }

    #[test]
    fn file_names_lose_odd_characters() {
        assert_eq!(
            file_safe("teams.core.members.london"),
            "teams.core.members.london"
        );
        assert_eq!(file_safe("a b/c"), "a_b_c");
        let long = format!("teams.{}.members", "x".repeat(300));
        let name = file_safe(&long);
        assert_eq!(name.len(), MAX_KEY_IN_NAME);
        assert_ne!(
            name,
            file_safe(&format!("teams.{}.members", "x".repeat(301)))
        );
    }
}
