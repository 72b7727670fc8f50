//! The chart of a comparison, from `compare.csv`: one small bar chart per headline
//! metric, one bar per variant with its 95% CI (the rows pooled over every team).

use super::draw::{Bar, BarPanel, Chart, Compare, Format, LimitLine};
use super::style::headline_metrics;
use super::table::Table;
use super::ChartError;
use crate::sweep::compare::ALL_TEAMS;

/// The column of `compare.csv` that says whether a row's difference is marked: a
/// difference that is significant and at least the metric's minimum effect
/// (`meaningful`); files from before that column mark every significant one. The
/// chart, the report's tables and its readings all mark by it.
pub(crate) fn marked_column(table: &Table) -> Option<usize> {
    table
        .column("meaningful")
        .or_else(|| table.column("significant"))
}

/// `compare`, by file stem.
pub(super) fn charts(table: &Table) -> Result<Vec<(String, Chart)>, ChartError> {
    let variant_col = table.require("variant")?;
    let metric_col = table.require("metric")?;
    let mean_col = table.require("mean")?;
    let low_col = table.column("ci95_low");
    let high_col = table.column("ci95_high");
    let sig_col = marked_column(table);
    // Files written before per-team rows existed have no `team` column: every row pools.
    let team_col = table.column("team");
    let pooled = |row: usize| team_col.is_none_or(|c| table.text(row, c) == ALL_TEAMS);

    let variants = table.distinct(variant_col);

    let mut panels = Vec::new();
    for metric in headline_metrics() {
        let mut bars = vec![
            Bar {
                mean: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                significant: false,
            };
            variants.len()
        ];
        let mut found = false;
        for row in 0..table.len() {
            if table.text(row, metric_col) != metric.key || !pooled(row) {
                continue;
            }
            let v = table.text(row, variant_col);
            let Some(i) = variants.iter().position(|x| x == v) else {
                continue;
            };
            found = true;
            bars[i] = Bar {
                mean: table.number(row, mean_col)?,
                low: table.number_or_nan(row, low_col)?,
                high: table.number_or_nan(row, high_col)?,
                significant: match sig_col {
                    Some(c) if i > 0 => table.flag(row, c)?,
                    _ => false,
                },
            };
        }
        if found {
            panels.push(BarPanel {
                title: metric.title.into(),
                y_desc: metric.unit.into(),
                format: Format::of(metric),
                bars,
                limits: metric.limits.iter().map(LimitLine::of).collect(),
            });
        }
    }
    if panels.is_empty() {
        return Err(table.error("no headline metric in column `metric`".into()));
    }
    let base = variants.first().cloned().unwrap_or_default();
    let chart = Compare {
        title: "Comparison of variants".into(),
        subtitle: Some(format!(
            "mean over replications with 95% CI; differences tested against {base}"
        )),
        variants,
        panels,
    };
    Ok(vec![("compare".into(), Chart::Compare(chart))])
}
