//! The section of a run folder: readings, the headline and per-team tables, and a
//! warning for each SRE team past a limit or below its minimum rotation.

use super::*;
use crate::model::metrics::{ONCALL_LIMIT, PAGER_BUDGET};

fn column_ci(t: &Table, col: usize) -> MeanCi {
    MeanCi::of((0..t.len()).filter_map(|r| t.number(r, col).ok()))
}

pub(super) fn run_section(s: &mut Section, summary: &Table, teams: Option<&Table>) {
    let ci = |m: Metric| summary.column(m.key()).map(|c| column_ci(summary, c));
    let mean = |m: Metric| ci(m).map_or(f64::NAN, |c| c.mean);
    let text = |m: Metric| say(m, mean(m));

    // Readings.
    if let Some(p) = ci(Metric::PagesPerShiftMean) {
        let budget = PAGER_BUDGET.value;
        s.read(Some(Metric::PagesPerShiftMean), format!(
            "Pages per on-call shift average {} (95% CI {} to {}), {} the pager budget of {}; {} of shifts go over it.",
            chart_number(p.mean),
            chart_number(p.low()),
            chart_number(p.high()),
            if p.mean > budget { "over" } else { "under" },
            chart_number(budget),
            text(Metric::ShiftsOverBudgetFrac)
        ));
    }
    let oncall = mean(Metric::WorstTeamOncallTimeFrac);
    if oncall.is_finite() {
        s.read(
            Some(Metric::WorstTeamOncallTimeFrac),
            format!(
                "The most loaded team is on call {} of its time: {} {}.",
                percent(oncall),
                if over(Metric::WorstTeamOncallTimeFrac, oncall) {
                    "past"
                } else {
                    "within"
                },
                limit_phrase(Metric::WorstTeamOncallTimeFrac, &ONCALL_LIMIT)
            ),
        );
    }
    let ops = mean(Metric::OpsLoadFrac);
    if ops.is_finite() {
        s.read(
            Some(Metric::OpsLoadFrac),
            format!(
                "Ops work takes {} of SRE capacity (the cap is 50%); the worst week reaches {}.",
                percent(ops),
                text(Metric::OpsLoadMaxFrac)
            ),
        );
    }
    s.read(Some(Metric::ProjectHoursPerEngineerWeek), format!(
        "{} hours per engineer-week are left for project work; {} of SLO windows are met, spending {} of the error budget on average.",
        text(Metric::ProjectHoursPerEngineerWeek),
        text(Metric::SloMetFrac),
        text(Metric::ErrorBudgetSpentFrac)
    ));
    let dev = mean(Metric::DevOpsHoursPerWeek);
    if dev > 0.0 {
        s.read(Some(Metric::DevOpsHoursPerWeek), format!(
            "Developers spend {} hours a week on operations; SRE supports {} at the end, after {} and {} (means per replication).",
            chart_number(dev),
            count(mean(Metric::ServicesSupportedEnd), "service"),
            count(mean(Metric::Handbacks), "hand-back"),
            count(mean(Metric::Takebacks), "take-back")
        ));
    }
    let (hires, departures) = (mean(Metric::Hires), mean(Metric::Departures));
    if hires > 0.0 || departures > 0.0 {
        s.read(
            Some(Metric::HeadcountEnd),
            format!(
                "Per replication, {} join and {} leave; the head count ends at {}.",
                count(hires, "engineer"),
                chart_number(departures),
                text(Metric::HeadcountEnd)
            ),
        );
    }

    // The headline table.
    let rows = Metric::headline()
        .filter_map(|m| {
            let c = ci(m)?;
            Some(vec![
                Cell::plain(m.def().label),
                Cell {
                    text: metric_number(m, c.mean),
                    note: None,
                    tone: tone(m, c.mean),
                },
                Cell::plain(if c.half_width.is_finite() {
                    format!(
                        "{} to {}",
                        metric_number(m, c.low()),
                        metric_number(m, c.high())
                    )
                } else {
                    "–".into()
                }),
            ])
        })
        .collect();
    s.tables.push(HtmlTable {
        caption: format!("Headline metrics over {} replications", summary.len()),
        headers: vec!["metric".into(), "mean".into(), "95% CI".into()],
        rows,
        note: Some("Red: past one of the SRE book's limits.".into()),
    });

    if let Some(teams) = teams {
        team_table(s, teams);
    }
}

/// Each team's headline figures (means over replications), and a warning for each
/// SRE team past a limit or below its minimum rotation.
fn team_table(s: &mut Section, teams: &Table) {
    let Some(team_col) = teams.column("team") else {
        return;
    };
    let kind_col = teams.column("kind");
    let budget_col = teams.column("pager_budget_per_shift");
    let names = teams.distinct(team_col);
    let metrics: Vec<Metric> = [
        Metric::PagesPerShiftMean,
        Metric::OncallTimeFrac,
        Metric::OpsLoadFrac,
        Metric::ProjectHoursPerEngineerWeek,
        Metric::OffhoursPagesPerEngineerMonth,
        Metric::EngineersMean,
        Metric::UnderstaffedWeeks,
    ]
    .into_iter()
    .filter(|m| teams.column(m.key()).is_some())
    .collect();
    let mut rows = Vec::new();
    for name in &names {
        let of_team: Vec<usize> = (0..teams.len())
            .filter(|&r| teams.text(r, team_col) == name)
            .collect();
        let kind = kind_col.map_or("sre", |c| teams.text(of_team[0], c));
        let mean = |m: Metric| {
            teams.column(m.key()).map_or(f64::NAN, |c| {
                MeanCi::of(of_team.iter().filter_map(|&r| teams.number(r, c).ok())).mean
            })
        };
        let budget = budget_col
            .and_then(|c| teams.number(of_team[0], c).ok())
            .unwrap_or(PAGER_BUDGET.value);
        let mut row = vec![Cell::plain(format!("{name} ({kind})"))];
        for &m in &metrics {
            let x = mean(m);
            let is_over = kind == "sre"
                && match m {
                    Metric::PagesPerShiftMean => x > budget,
                    _ => over(m, x),
                };
            row.push(Cell {
                text: metric_number(m, x),
                note: None,
                tone: if is_over { Tone::Over } else { Tone::Plain },
            });
        }
        rows.push(row);
        if kind != "sre" {
            continue;
        }
        s.warnings.extend(team_limit_lines(
            name,
            mean(Metric::OncallTimeFrac),
            mean(Metric::PagesPerShiftMean),
            budget,
            mean(Metric::OpsLoadFrac),
        ));
        let under = mean(Metric::UnderstaffedWeeks);
        if under > 0.0 {
            s.warnings.push(understaffed_line(name, under));
        }
    }
    let mut headers = vec!["team".to_string()];
    headers.extend(metrics.iter().map(|m| m.def().label.to_string()));
    s.tables.push(HtmlTable {
        caption: "Per team (means over replications)".into(),
        headers,
        rows,
        note: Some("Red: an SRE team past its pager budget, 25% on call or 50% ops.".into()),
    });
}
