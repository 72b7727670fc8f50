//! Tables for the terminal: the headline metrics of a run, one line per sweep point and
//! the paired comparison of variants. Each returns the text; the caller prints it.

use std::fmt::Write as _;

use super::format::{limit_phrase, metric_number, percent, signed_percent, table_number};
use crate::model::{Metric, Summary};
use crate::model::{ReorgKind, RunResult};
use crate::sweep::ci::MeanCi;
use crate::sweep::compare::{CompareRow, ALL_TEAMS};

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
            format!(
                "[{}, {}]",
                metric_number(m, ci.low()),
                metric_number(m, ci.high())
            )
        } else {
            "–".into()
        };
        let _ = writeln!(
            out,
            "{:<30} {:>10} {:>22}",
            label,
            metric_number(m, ci.mean),
            interval
        );
    }
    out
}

/// What `sresim run` prints and saves as `summary.txt`: the scenario line, the headline
/// table, each team's figures side by side (several teams), and the notes and warnings
/// (understaffed rotations, limits passed, re-organisations, engagement).
pub fn run_summary(
    name: &str,
    sim: &crate::scenario::SimulationConfig,
    runs: &[RunResult],
) -> String {
    let mut out = format!(
        "{}: {} replications × {} weeks ({} warm-up), seed {}\n",
        name, sim.replications, sim.horizon_weeks, sim.warmup_weeks, sim.seed
    );
    let summaries: Vec<&Summary> = runs.iter().map(|r| &r.summary).collect();
    out.push_str(&headline_table(&summaries));
    for part in [
        team_table(runs),
        understaffed_note(runs),
        limits_note(runs),
        reorg_note(runs),
        engagement_note(runs),
    ]
    .into_iter()
    .flatten()
    {
        out.push_str(&part);
    }
    out
}

/// The sweep table: a header (`point`, the axes' titles, `n` and a few headline
/// metrics) and one line per point (its axis values, replications and the means of
/// those metrics), the axis column as wide as its widest entry.
pub fn point_table(axes: &[String], points: &[(usize, &[String], &[Summary])]) -> String {
    let values: Vec<String> = points
        .iter()
        .map(|(_, v, _)| {
            v.iter()
                .map(|x| super::charts::compact_label(x))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    let title = axes.join("; ");
    let w = values
        .iter()
        .chain(std::iter::once(&title))
        .map(|v| v.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, 60);
    let mut out = format!(
        "{:>5} {:<w$} {:>4} {:>9} {:>9} {:>9} {:>9} {:>9}\n",
        "point", title, "n", "pages/sh", "over bud", "ops load", "on-call", "proj h/wk"
    );
    for ((point, _, summaries), v) in points.iter().zip(&values) {
        let m = |metric: Metric| MeanCi::of(summaries.iter().map(|s| s[metric])).mean;
        let _ = writeln!(
            out,
            "{:>5} {:<w$} {:>4} {:>9.2} {:>9} {:>9} {:>9} {:>9.1}",
            point,
            v,
            summaries.len(),
            m(Metric::PagesPerShiftMean),
            percent(m(Metric::ShiftsOverBudgetFrac)),
            percent(m(Metric::OpsLoadFrac)),
            percent(m(Metric::OncallTimeFrac)),
            m(Metric::ProjectHoursPerEngineerWeek),
        );
    }
    out
}

/// The comparison table, one row per headline metric and one column per variant: the
/// base's mean, then each variant's mean with its change from the base in percent,
/// `*` where the change is worth marking (the paired 95% CI excludes 0 and the change
/// is at least the metric's minimum effect, [`Metric::min_effect`]).
pub fn compare_table(names: &[String], rows: &[CompareRow]) -> String {
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(16, 24);
    let mut s = String::new();
    let _ = write!(s, "{:<30}", "metric (mean)");
    for name in names {
        let _ = write!(s, " {:>width$}", clip(name, width));
    }
    let _ = writeln!(s);
    for m in Metric::headline() {
        let cells: Vec<String> = names
            .iter()
            .map(|name| {
                rows.iter()
                    .find(|r| r.metric == m.key() && &r.variant == name && r.team == ALL_TEAMS)
                    .map_or_else(String::new, |r| {
                        let value = metric_number(m, r.mean);
                        match r.diff_pct {
                            Some(p) => format!(
                                "{value} ({}){}",
                                signed_percent(p),
                                if r.meaningful == Some(true) { "*" } else { " " }
                            ),
                            None if r.diff_mean.is_some() => format!("{value} (–) "),
                            None => format!("{value}  "),
                        }
                    })
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let _ = write!(s, "{:<30}", m.def().label);
        for c in &cells {
            let _ = write!(s, " {c:>width$}");
        }
        let _ = writeln!(s);
    }
    s
}

/// A warning line for each variant (the base included) whose worst team is past one of
/// the book's limits on average (pages per shift over the budget of 2, more than 25% of
/// time on call, more than 50% on ops), or `None` when every variant keeps them.
pub fn compare_limits_note(names: &[String], rows: &[CompareRow]) -> Option<String> {
    let mut out = String::new();
    for name in names {
        for m in [
            Metric::WorstTeamPagesPerShiftMean,
            Metric::WorstTeamOncallTimeFrac,
            Metric::WorstTeamOpsLoadFrac,
        ] {
            let Some(limit) = m.def().limits.iter().find(|l| l.breach) else {
                continue;
            };
            let Some(r) = rows
                .iter()
                .find(|r| r.metric == m.key() && &r.variant == name && r.team == ALL_TEAMS)
            else {
                continue;
            };
            if r.mean > limit.value {
                out.push_str(&format!(
                    "over a limit: {name}: {} is {}, past {}\n",
                    m.def().label,
                    metric_number(m, r.mean),
                    limit_phrase(m, limit)
                ));
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// `text` cut to `width` characters, with an ellipsis when cut.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() > width {
        text.chars().take(width - 1).collect::<String>() + "…"
    } else {
        text.to_string()
    }
}

/// Width of a column of the team tables.
const TEAM_COLUMN: usize = 14;

/// One row per headline metric that is also per team, one column per `columns` entry:
/// `cell(column, metric)` is the text of a cell.
fn side_by_side(
    title: &str,
    headers: &[Vec<String>],
    columns: usize,
    cell: impl Fn(usize, Metric) -> String,
) -> String {
    let mut s = String::new();
    for (i, line) in headers.iter().enumerate() {
        let lead = if i + 1 == headers.len() { title } else { "" };
        let _ = write!(s, "{lead:<30}");
        for h in line {
            let _ = write!(s, " {:>TEAM_COLUMN$}", clip(h, TEAM_COLUMN));
        }
        let _ = writeln!(s);
    }
    for m in Metric::headline().filter(|m| m.def().per_team) {
        let _ = write!(s, "{:<30}", m.def().label);
        for c in 0..columns {
            let _ = write!(s, " {:>TEAM_COLUMN$}", cell(c, m));
        }
        let _ = writeln!(s);
    }
    s
}

/// Each team's headline metrics side by side (means over the replications), or `None`
/// when the run has a single team. The book's limits apply to each team, so the pooled
/// figures alone can mislead.
pub fn team_table(runs: &[RunResult]) -> Option<String> {
    let teams = team_names(runs);
    if teams.len() < 2 {
        return None;
    }
    let n = teams.len();
    Some(side_by_side(
        "per team (mean)",
        std::slice::from_ref(&teams),
        n,
        |c, m| {
            let ci = MeanCi::of(team_values(runs, &teams[c], m));
            metric_number(m, ci.mean)
        },
    ))
}

/// Every team of the runs, in order of first appearance (teams formed by a split
/// appear in the runs where it happened).
pub(crate) fn team_names(runs: &[RunResult]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for t in runs.iter().flat_map(|r| &r.teams) {
        if !names.contains(&t.team) {
            names.push(t.team.clone());
        }
    }
    names
}

/// Metric `m` of team `team` in each run that has the team.
fn team_values<'a>(
    runs: &'a [RunResult],
    team: &'a str,
    m: Metric,
) -> impl Iterator<Item = f64> + 'a {
    runs.iter()
        .filter_map(move |r| r.teams.iter().find(|t| t.team == team))
        .map(move |t| t[m])
}

/// What the engagement cost and gave (means over the replications), or `None` when the
/// run has no developer teams (no `[engagement]`).
pub fn engagement_note(runs: &[RunResult]) -> Option<String> {
    let engaged = runs
        .iter()
        .any(|r| r.teams.iter().any(|t| t.kind == "developer"));
    if !engaged {
        return None;
    }
    let mean = |m: Metric| compact(MeanCi::of(runs.iter().map(|r| r.summary[m])).mean);
    Some(format!(
        "engagement (mean per replication): SRE spent {} h on design consultations and {} h on readiness reviews ({} failed); \
         services waited {} weeks in the onboarding queue; SRE supports {} services at the end ({} launched during the run); \
         developers spent {} ops hours a week; {} hand-backs, {} take-backs, {} release freezes \
         (each change of pager is a row of engagements.csv)\n",
        mean(Metric::ConsultationHours),
        mean(Metric::PrrHours),
        mean(Metric::PrrFailed),
        mean(Metric::OnboardingWaitWeeksMean),
        mean(Metric::ServicesSupportedEnd),
        mean(Metric::ServicesLaunched),
        mean(Metric::DevOpsHoursPerWeek),
        mean(Metric::Handbacks),
        mean(Metric::Takebacks),
        mean(Metric::Freezes),
    ))
}

/// A warning line for each SRE team past one of the book's limits on average over the
/// replications (time on call over 25%, pages per shift over its budget, ops over 50%),
/// or `None` when every team keeps them.
pub fn limits_note(runs: &[RunResult]) -> Option<String> {
    let mut out = String::new();
    for team in team_names(runs) {
        let rows: Vec<_> = runs
            .iter()
            .filter_map(|r| r.teams.iter().find(|t| t.team == team && t.kind == "sre"))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mean = |m: Metric| MeanCi::of(rows.iter().map(|t| t[m])).mean;
        for line in team_limit_lines(
            &team,
            mean(Metric::OncallTimeFrac),
            mean(Metric::PagesPerShiftMean),
            f64::from(rows[0].pager_budget_per_shift),
            mean(Metric::OpsLoadFrac),
        ) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The warnings for one SRE team past the book's limits, given its means: time on call
/// over 25%, pages per shift over its pager budget, ops over 50%. Shared by the
/// terminal and the HTML report, so both say the same.
pub fn team_limit_lines(team: &str, oncall: f64, pages: f64, budget: f64, ops: f64) -> Vec<String> {
    use crate::model::accounting::{ONCALL_CAP_FRAC, OPS_CAP_FRAC};
    let mut out = Vec::new();
    if oncall > ONCALL_CAP_FRAC {
        out.push(format!(
            "over a limit: team {team} is on call {:.0}% of its time (the SRE book's limit is 25%)",
            100.0 * oncall
        ));
    }
    if pages > budget {
        out.push(format!(
            "over a limit: team {team} averages {} pages per shift against its pager budget of {}",
            compact(pages),
            compact(budget)
        ));
    }
    if ops > OPS_CAP_FRAC {
        out.push(format!(
            "over a limit: team {team} spends {:.0}% of its time on ops (the cap is 50%)",
            100.0 * ops
        ));
    }
    out
}

/// The warning for a team below its minimum rotation in `weeks` weeks on average.
pub fn understaffed_line(team: &str, weeks: f64) -> String {
    format!(
        "understaffed: team {team} is below its minimum rotation (min_rotation_single_site, min_rotation_per_site; the SRE book says 8 at one site, 6 per site on two) in {} weeks",
        table_number(weeks)
    )
}

/// A mean for a sentence: whole numbers without decimals, others with one (two below
/// 10), "–" when there is nothing to average.
fn compact(x: f64) -> String {
    if !x.is_finite() {
        "–".to_owned()
    } else if x.fract() == 0.0 || x.abs() >= 100.0 {
        format!("{x:.0}")
    } else if x.abs() >= 10.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.2}")
    }
}

/// A line saying how often teams split and merged (mean per replication), or `None`
/// when they never did.
pub fn reorg_note(runs: &[RunResult]) -> Option<String> {
    let count = |kind: ReorgKind| {
        let n = runs
            .iter()
            .flat_map(|r| &r.reorgs)
            .filter(|x| x.kind == kind)
            .count();
        n as f64 / runs.len().max(1) as f64
    };
    let (splits, merges) = (count(ReorgKind::Split), count(ReorgKind::Merge));
    (splits + merges > 0.0).then(|| {
        format!(
            "re-organisations per replication (mean): {} splits, {} merges; each one is a row of reorgs.csv\n",
            compact(splits),
            compact(merges)
        )
    })
}

/// A warning line for each team below the minimum rotation in some week (mean team-weeks
/// over the replications), or `None` when every team is staffed.
pub fn understaffed_note(runs: &[RunResult]) -> Option<String> {
    let mut out = String::new();
    for team in team_names(runs) {
        let ci = MeanCi::of(team_values(runs, &team, Metric::UnderstaffedWeeks));
        if ci.mean > 0.0 {
            out.push_str(&understaffed_line(&team, ci.mean));
            out.push('\n');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Each variant's teams side by side (mean, with `*` where the paired 95% CI of the
/// difference from the base's team of the same name excludes 0), or `None` when no
/// more than one team appears across the variants.
pub fn compare_team_table(rows: &[CompareRow]) -> Option<String> {
    let mut columns: Vec<(&str, &str)> = Vec::new();
    for r in rows.iter().filter(|r| r.team != ALL_TEAMS) {
        if !columns.contains(&(r.variant.as_str(), r.team.as_str())) {
            columns.push((r.variant.as_str(), r.team.as_str()));
        }
    }
    let mut teams: Vec<&str> = columns.iter().map(|c| c.1).collect();
    teams.sort_unstable();
    teams.dedup();
    if teams.len() < 2 {
        return None;
    }
    // Columns variant by variant, in the order the variants come.
    let mut variants: Vec<&str> = Vec::new();
    for r in rows {
        if !variants.contains(&r.variant.as_str()) {
            variants.push(&r.variant);
        }
    }
    columns.sort_by_key(|c| variants.iter().position(|v| *v == c.0));
    let headers = vec![
        columns.iter().map(|c| c.0.to_string()).collect(),
        columns.iter().map(|c| c.1.to_string()).collect(),
    ];
    Some(side_by_side("per team", &headers, columns.len(), |c, m| {
        let (variant, team) = columns[c];
        rows.iter()
            .find(|r| r.variant == variant && r.team == team && r.metric == m.key())
            .map_or_else(String::new, |r| {
                let star = if r.meaningful == Some(true) { "*" } else { "" };
                format!("{}{star}", metric_number(m, r.mean))
            })
    }))
}
