//! Paired comparisons: a base scenario and variants run on the same seeds, so that each
//! replication of a variant meets the same incidents as the base wherever the variant
//! does not change them (common random numbers). The per-replication differences then
//! give a much narrower confidence interval than comparing two independent means.

use serde::Serialize;

use super::ci::{t_quantile_975, MeanCi};
use crate::model::{Metric, RunResult};

/// The `team` of the rows that pool every team.
pub const ALL_TEAMS: &str = "all";

/// One row of `compare.csv`: one variant (the first is the base), one team (or
/// [`ALL_TEAMS`]) and one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareRow {
    /// Variant name (`base` for the base scenario).
    pub variant: String,
    /// Team name, or `all` for the figures pooled over every team.
    pub team: String,
    /// Metric (a `summary.csv` column).
    pub metric: &'static str,
    /// Replications with a finite value.
    pub n: u64,
    /// Mean across replications.
    pub mean: f64,
    /// 95% CI of the mean, lower end.
    pub ci95_low: f64,
    /// 95% CI of the mean, upper end.
    pub ci95_high: f64,
    /// Mean of (variant − base) over paired replications (empty for the base).
    pub diff_mean: Option<f64>,
    /// Paired 95% CI of the difference, lower end.
    pub diff_ci95_low: Option<f64>,
    /// Paired 95% CI of the difference, upper end.
    pub diff_ci95_high: Option<f64>,
    /// Unpaired (Welch) 95% CI of the difference, lower end, for reference.
    pub unpaired_diff_ci95_low: Option<f64>,
    /// Unpaired (Welch) 95% CI of the difference, upper end.
    pub unpaired_diff_ci95_high: Option<f64>,
    /// Whether the paired CI excludes zero.
    pub significant: Option<bool>,
    /// The difference as a percentage of the base's mean (empty for the base, or where
    /// the base's mean is zero).
    pub diff_pct: Option<f64>,
    /// The metric's smallest difference worth marking ([`Metric::min_effect`]).
    pub min_effect: f64,
    /// Whether the difference is worth marking: significant, and at least `min_effect`
    /// in size. Charts, terminal tables and the report mark only these.
    pub meaningful: Option<bool>,
}

/// Welch's 95% interval for the difference of two independent means: (low, high).
pub fn welch_ci(a: &MeanCi, b: &MeanCi) -> (f64, f64) {
    if a.n < 2 || b.n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let va = a.sd * a.sd / a.n as f64;
    let vb = b.sd * b.sd / b.n as f64;
    let se = (va + vb).sqrt();
    let diff = a.mean - b.mean;
    if se == 0.0 {
        return (diff, diff);
    }
    let df = (va + vb).powi(2) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let t = t_quantile_975(df.floor().max(1.0) as u64);
    (diff - t * se, diff + t * se)
}

/// Compares every variant with the first (the base), metric by metric: first the
/// figures pooled over every team (`team` = `all`, every metric of the catalogue), then
/// each team's (its per-team metrics), teams in order of first appearance, the base's
/// first. `runs[v][r]` is replication r of variant v; replications are paired by index.
/// A team's differences are taken against the base's team of the same name; a team the
/// base does not have gets no difference.
pub fn compare(names: &[String], runs: &[Vec<RunResult>]) -> Vec<CompareRow> {
    let mut rows = Vec::new();
    push_rows(&mut rows, names, ALL_TEAMS, Metric::ALL, |v, m| {
        Some(runs[v].iter().map(|r| r.summary[m]).collect())
    });
    let per_team: Vec<Metric> = Metric::per_team().collect();
    for team in team_names(runs) {
        push_rows(&mut rows, names, &team, &per_team, |v, m| {
            runs[v]
                .iter()
                .map(|r| r.teams.iter().find(|t| t.team == team).map(|t| t[m]))
                .collect()
        });
    }
    rows
}

/// Every team name, in order of first appearance (a team formed by a split may be in
/// some replications only: it gets rows where every replication of a variant has it).
fn team_names(runs: &[Vec<RunResult>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for r in runs.iter().flatten() {
        for t in &r.teams {
            if !names.contains(&t.team) {
                names.push(t.team.clone());
            }
        }
    }
    names
}

/// The rows of one team (or of all): `values(v, m)` gives variant v's value of `m` in
/// each replication, `None` when the variant has no such team.
fn push_rows(
    rows: &mut Vec<CompareRow>,
    names: &[String],
    team: &str,
    metrics: &[Metric],
    values: impl Fn(usize, Metric) -> Option<Vec<f64>>,
) {
    for (v, name) in names.iter().enumerate() {
        for &m in metrics {
            let Some(own) = values(v, m) else {
                continue;
            };
            let ci = MeanCi::of(own.iter().copied());
            let mut row = CompareRow {
                variant: name.clone(),
                team: team.to_string(),
                metric: m.key(),
                n: ci.n,
                mean: ci.mean,
                ci95_low: ci.low(),
                ci95_high: ci.high(),
                diff_mean: None,
                diff_ci95_low: None,
                diff_ci95_high: None,
                unpaired_diff_ci95_low: None,
                unpaired_diff_ci95_high: None,
                significant: None,
                diff_pct: None,
                min_effect: m.min_effect(),
                meaningful: None,
            };
            if let Some(base) = (v > 0).then(|| values(0, m)).flatten() {
                let diffs = own.iter().zip(&base).map(|(a, b)| a - b);
                let d = MeanCi::of(diffs);
                let base_ci = MeanCi::of(base.iter().copied());
                let (ul, uh) = welch_ci(&ci, &base_ci);
                row.diff_mean = Some(d.mean);
                row.diff_ci95_low = Some(d.low());
                row.diff_ci95_high = Some(d.high());
                row.unpaired_diff_ci95_low = Some(ul);
                row.unpaired_diff_ci95_high = Some(uh);
                let significant = d.low() > 0.0 || d.high() < 0.0;
                row.significant = Some(significant);
                row.diff_pct = (base_ci.mean != 0.0 && base_ci.mean.is_finite())
                    .then(|| 100.0 * d.mean / base_ci.mean.abs());
                row.meaningful = Some(significant && d.mean.abs() >= m.min_effect());
            }
            rows.push(row);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welch_matches_a_hand_computed_interval() {
        let a = MeanCi::of([1.0, 2.0, 3.0, 4.0]);
        let b = MeanCi::of([2.0, 4.0, 6.0, 8.0]);
        let (lo, hi) = welch_ci(&a, &b);
        // se = sqrt(1.6667/4 + 6.6667/4) = 1.4434; df = 4.41 -> 4; t = 2.7764.
        let se = (5.0f64 / 12.0 + 20.0 / 12.0).sqrt();
        assert!((lo - (-2.5 - 2.776_445_105 * se)).abs() < 1e-9);
        assert!((hi - (-2.5 + 2.776_445_105 * se)).abs() < 1e-9);
    }
}
