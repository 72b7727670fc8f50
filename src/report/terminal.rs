//! Tables for the terminal: the headline metrics of a run, one line per sweep point and
//! the paired comparison of variants. Each returns the text; the caller prints it.

use std::fmt::Write as _;

use crate::model::{Metric, Summary};
use crate::sweep::ci::MeanCi;
use crate::sweep::compare::CompareRow;

fn fmt_num(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let a = x.abs();
    if a >= 1000.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.3}")
    }
}

/// A plain-text table of the headline metrics: mean and 95% CI across replications.
pub fn headline_table(summaries: &[&Summary]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<30} {:>10} {:>22}   (n = {})",
        "metric",
        "mean",
        "95% CI",
        summaries.len()
    );
    for m in Metric::headline() {
        let label = m.def().label;
        let ci = MeanCi::of(summaries.iter().map(|s| s[m]));
        let interval = if ci.half_width.is_finite() {
            format!("[{}, {}]", fmt_num(ci.low()), fmt_num(ci.high()))
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "{:<30} {:>10} {:>22}",
            label,
            fmt_num(ci.mean),
            interval
        );
    }
    out
}

/// The header of the sweep table: `point`, the axes' key paths, then the columns of
/// [`point_line`].
pub fn point_header(axes: &[String]) -> String {
    format!(
        "{:>5} {:<28} {:>4} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "point",
        axes.join(", "),
        "n",
        "pages/sh",
        "over bud",
        "ops load",
        "on-call",
        "proj h/wk"
    )
}

/// One line of the sweep table: the point, its axis values, its replications and the
/// means of a few headline metrics over them.
pub fn point_line(point: usize, axis_values: &[String], summaries: &[Summary]) -> String {
    let m = |metric: Metric| MeanCi::of(summaries.iter().map(|s| s[metric])).mean;
    format!(
        "{:>5} {:<28} {:>4} {:>9.2} {:>9.3} {:>9.3} {:>9.3} {:>9.1}",
        point,
        axis_values.join(", "),
        summaries.len(),
        m(Metric::PagesPerShiftMean),
        m(Metric::ShiftsOverBudgetFrac),
        m(Metric::OpsLoadFrac),
        m(Metric::OncallTimeFrac),
        m(Metric::ProjectHoursPerEngineerWeek),
    )
}

/// The comparison table: per headline metric, each variant's mean and its paired
/// difference from the base (the first name) with the 95% CI; `*` marks a CI that
/// excludes 0.
pub fn compare_table(names: &[String], rows: &[CompareRow]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<28} {:<24} {:>10} {:>10} {:>24}",
        "metric", "variant", "mean", "Δ vs base", "paired 95% CI of Δ"
    );
    for m in Metric::headline() {
        let (column, label) = (m.key(), m.def().label);
        for name in names {
            let Some(r) = rows
                .iter()
                .find(|r| r.metric == column && &r.variant == name)
            else {
                continue;
            };
            let f = |x: f64| {
                if x.is_finite() {
                    format!("{x:.3}")
                } else {
                    "–".into()
                }
            };
            let (d, ci) = match (r.diff_mean, r.diff_ci95_low, r.diff_ci95_high) {
                (Some(d), Some(lo), Some(hi)) => (
                    format!(
                        "{}{}",
                        f(d),
                        if r.significant == Some(true) { "*" } else { "" }
                    ),
                    format!("[{}, {}]", f(lo), f(hi)),
                ),
                _ => (String::new(), String::new()),
            };
            let label = if name == &names[0] { label } else { "" };
            let mut vname = name.clone();
            if vname.chars().count() > 24 {
                vname = vname.chars().take(23).collect::<String>() + "…";
            }
            let _ = writeln!(
                s,
                "{:<28} {:<24} {:>10} {:>10} {:>24}",
                label,
                vname,
                f(r.mean),
                d,
                ci
            );
        }
    }
    s
}
