//! The charts of a sweep, from `points.csv`: line charts with a 95% CI band for one
//! axis, heatmaps for a two-axis grid, scatter plots otherwise.

use super::draw::{Chart, Heatmap, LimitLine, LineChart, Mark, Panel, Point, Series, XAxis};
use super::style::{colour, headline_metrics};
use super::table::Table;
use super::ChartError;
use crate::model::metrics::Limit;
use crate::model::{Metric, MetricDef};
use crate::report::format::chart_number;

/// One sweep axis: its key path and each point's value.
#[derive(Debug)]
struct Axis {
    key: String,
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
        let desc = self.key.clone();
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
        let desc = self.key.clone();
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

/// Every chart the sweep's `points.csv` supports, by file stem.
pub(super) fn charts(points: &Table) -> Result<Vec<(String, Chart)>, ChartError> {
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
    let axes: Vec<Axis> = columns.iter().map(|&c| read_axis(points, c)).collect();
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
                for a in &axes {
                    out.push((
                        format!("scatter_{}__{}", m.metric.key, file_safe(&a.key)),
                        Chart::Lines(scatter(a, m)),
                    ));
                }
            }
        }
    }
    Ok(out)
}

fn read_axis(points: &Table, col: usize) -> Axis {
    let key = points.headers().get(col).cloned().unwrap_or_default();
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
    Axis { key, values }
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
            limits: values.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
        });
        x_axis = Some(x);
    }
    let Some(x) = x_axis else {
        return Ok(None);
    };
    Ok(Some(LineChart {
        title: format!("SRE load, developer load and SLOs by {}", axis.key),
        subtitle: Some("mean over replications; shaded band: 95% confidence interval".into()),
        x,
        panels,
        band_label: Some("95% confidence interval".into()),
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
    let subtitle = match crossings(&x, &points, m.metric.limits) {
        Some(note) => format!("mean over replications; {note}"),
        None => "mean over replications at each sweep point".into(),
    };
    LineChart {
        title: format!("{} by {}", m.metric.title, axis.key),
        subtitle: Some(subtitle),
        x,
        panels: vec![Panel {
            y_desc: m.metric.unit.into(),
            series: vec![Series {
                label: "mean".into(),
                colour: colour(0),
                points,
            }],
            limits: m.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
        }],
        band_label: Some("95% confidence interval".into()),
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
        if let Some(note) = crossings(&x, &points, m.metric.limits) {
            notes.push(format!("{}: {note}", m.metric.title.to_lowercase()));
        }
        panels.push(Panel {
            y_desc: m.metric.unit.into(),
            series: vec![Series {
                label: m.metric.title.into(),
                colour: colour(i),
                points,
            }],
            limits: m.limits(),
            shade: None,
            mark: Mark::Lines { markers: true },
        });
        x_axis = Some(x);
    }
    Some(LineChart {
        title: format!("Capacity: pages and ops load by {}", axis.key),
        subtitle: Some(if notes.is_empty() {
            "mean over replications; shaded band: 95% confidence interval".into()
        } else {
            notes.join(" · ")
        }),
        x: x_axis?,
        panels,
        band_label: Some("95% confidence interval".into()),
    })
}

/// Where the mean crosses each breach limit, in words, for a subtitle: "rises above
/// pager budget (2) at ≈ 5.1", "falls below 50% ops cap (0.5) at ≈ 3.6" (interpolated
/// on a numeric axis; the first category past the crossing otherwise), or "stays
/// below" / "above … throughout". None when the metric has no limit or no finite point.
fn crossings(x: &XAxis, points: &[Point], limits: &[Limit]) -> Option<String> {
    let finite: Vec<&Point> = points.iter().filter(|p| p.mean.is_finite()).collect();
    let first = finite.first()?;
    let notes: Vec<String> = limits
        .iter()
        .filter(|l| l.breach)
        .map(|l| {
            // "pager budget (2)", but "the bad level (7)" for one-word labels.
            let name = if l.label.contains(' ') {
                format!("{} ({})", l.label, chart_number(l.value))
            } else {
                format!("the {} level ({})", l.label, chart_number(l.value))
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
    Heatmap {
        title: m.metric.title.to_string(),
        subtitle: Some(format!(
            "mean over replications, by {} and {}",
            x.key, y.key
        )),
        x: xa,
        y: ya,
        values,
        value_desc: m.metric.unit.into(),
        breach: m.metric.limits.iter().find(|l| l.breach).map(LimitLine::of),
    }
}

fn scatter(axis: &Axis, m: &MetricValues) -> LineChart {
    let (x, points) = series_points(axis, m);
    LineChart {
        title: format!("{} by {}", m.metric.title, axis.key),
        subtitle: Some("one marker per sweep point: mean over replications".into()),
        x,
        panels: vec![Panel {
            y_desc: m.metric.unit.into(),
            series: vec![Series {
                label: "sweep point".into(),
                colour: colour(0),
                points,
            }],
            limits: m.limits(),
            shade: None,
            mark: Mark::Scatter,
        }],
        band_label: None,
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
        let note = crossings(&x, &[p(0.0, 1.0), p(10.0, 3.0)], &limit);
        assert_eq!(note.as_deref(), Some("rises above pager budget (2) at ≈ 5"));
        let note = crossings(&x, &[p(0.0, 3.0), p(4.0, 1.0)], &limit);
        assert_eq!(note.as_deref(), Some("falls below pager budget (2) at ≈ 2"));
        let note = crossings(&x, &[p(0.0, 3.0)], &limit);
        assert_eq!(note.as_deref(), Some("above pager budget (2) throughout"));
        let note = crossings(&x, &[p(0.0, 1.0)], &limit);
        assert_eq!(note.as_deref(), Some("stays below pager budget (2)"));
        assert_eq!(crossings(&x, &[p(0.0, f64::NAN)], &limit), None);
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
