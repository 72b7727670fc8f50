//! The charts of one run: weekly ops load and pages per shift per team, from
//! `weekly.csv` and `teams.csv`, summarised across replications.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::draw::{
    Chart, EventKind, EventMark, Format, LimitLine, LineChart, Mark, Panel, Point, Series, Shade,
    XAxis,
};
use super::style::{colour, DEFAULT_PAGER_BUDGET, LIMIT_COLOUR};
use super::table::{Rows, Table};
use super::ChartError;
use crate::model::metrics::OPS_CAP;
use crate::model::HolderReason;

/// One team's values in one week, one per replication.
#[derive(Debug, Default)]
struct Week {
    ops_load: Vec<f64>,
    pages: Vec<f64>,
    headcount: Vec<f64>,
    hires: Vec<f64>,
    departures: Vec<f64>,
    /// Project hours per engineer.
    project: Vec<f64>,
    page_rate_factor: Vec<f64>,
    warmup: bool,
}

#[derive(Debug)]
struct Team {
    name: String,
    weeks: BTreeMap<i64, Week>,
}

/// `ops_load` and `pages_per_shift`, by file stem.
pub(super) fn charts(
    weekly: &Rows,
    teams: Option<&Table>,
    events: &[EventMark],
) -> Result<Vec<(String, Chart)>, ChartError> {
    let replication = weekly.require("replication")?;
    let team_col = weekly.require("team")?;
    let week_col = weekly.require("week")?;
    let ops_col = weekly.require("ops_load_frac")?;
    let pages_col = weekly.require("pages_per_shift")?;
    let warm_col = weekly.column("in_warmup");
    let head_col = weekly.column("headcount");
    let hires_col = weekly.column("hires");
    let departures_col = weekly.column("departures");
    let project_col = weekly.column("project_hours");
    let factor_col = weekly.column("page_rate_factor");

    let mut by_team: Vec<Team> = Vec::new();
    let mut replications: HashSet<String> = HashSet::new();
    weekly.each(|row| {
        let name = row.text(team_col);
        let week = row.number(week_col)?;
        if !week.is_finite() {
            return Err(row.error(format!("line {}: `week` is not a number", row.line())));
        }
        let rep = row.text(replication);
        if !replications.contains(rep) {
            replications.insert(rep.to_string());
        }
        let idx = match by_team.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                by_team.push(Team {
                    name: name.to_string(),
                    weeks: BTreeMap::new(),
                });
                by_team.len() - 1
            }
        };
        let entry = by_team[idx].weeks.entry(week.round() as i64).or_default();
        entry.ops_load.push(row.number(ops_col)?);
        entry.pages.push(row.number(pages_col)?);
        for (col, into) in [
            (head_col, &mut entry.headcount),
            (hires_col, &mut entry.hires),
            (departures_col, &mut entry.departures),
        ] {
            if let Some(c) = col {
                into.push(row.number(c)?);
            }
        }
        if let Some(c) = warm_col {
            entry.warmup |= row.flag(c)?;
        }
        if let (Some(p), Some(h)) = (project_col, head_col) {
            let heads = row.number(h)?;
            let per = if heads > 0.0 {
                row.number(p)? / heads
            } else {
                f64::NAN
            };
            entry.project.push(per);
        }
        if let Some(c) = factor_col {
            entry.page_rate_factor.push(row.number(c)?);
        }
        Ok(())
    })?;

    // Hires and departures so far, per replication (its values keep their order).
    for t in &mut by_team {
        let (mut hired, mut left): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for w in t.weeks.values_mut() {
            for (sums, values) in [(&mut hired, &mut w.hires), (&mut left, &mut w.departures)] {
                sums.resize(sums.len().max(values.len()), 0.0);
                for (s, v) in sums.iter_mut().zip(values.iter_mut()) {
                    *s += *v;
                    *v = *s;
                }
            }
        }
    }
    let n = replications.len();
    let subtitle = format!(
        "mean of {n} replication{}; shaded band: 5th–95th percentile across replications",
        if n == 1 { "" } else { "s" }
    );
    let band_label = Some("5th–95th percentile".to_string());
    let shade = warmup_shade(&by_team);
    let series = |get: fn(&Week) -> &[f64]| -> Vec<Series> {
        by_team
            .iter()
            .enumerate()
            .map(|(i, t)| Series {
                label: format!("team {}", t.name),
                colour: colour(i),
                points: t
                    .weeks
                    .iter()
                    .map(|(w, values)| summarise(*w as f64, get(values)))
                    .collect(),
            })
            .collect()
    };
    let week_axis = XAxis::Numeric {
        desc: "week".into(),
    };

    let ops = LineChart {
        title: "Weekly ops load by team".into(),
        subtitle: Some(subtitle.clone()),
        x: week_axis.clone(),
        panels: vec![Panel {
            y_desc: "ops load (share of capacity)".into(),
            format: Format::Share,
            series: series(|w| &w.ops_load),
            limits: vec![LimitLine::of(&OPS_CAP)],
            shade: shade.clone(),
            mark: Mark::Lines { markers: false },
            colour_by: None,
        }],
        band_label: band_label.clone(),
        events: events.to_vec(),
    };
    let pages = LineChart {
        title: "Weekly pages per shift by team".into(),
        subtitle: Some(subtitle),
        x: week_axis,
        panels: vec![Panel {
            y_desc: "pages per on-call shift".into(),
            format: Format::Plain,
            series: series(|w| &w.pages),
            limits: budget_lines(teams, &by_team)?,
            shade: shade.clone(),
            mark: Mark::Lines { markers: false },
            colour_by: None,
        }],
        band_label,
        events: events.to_vec(),
    };
    let mut charts = vec![
        ("ops_load".into(), Chart::Lines(ops)),
        ("pages_per_shift".into(), Chart::Lines(pages)),
    ];
    // Head count over time, only when it changes (engineers leave or join).
    let changes = by_team.iter().any(|t| {
        let mut heads = t.weeks.values().flat_map(|w| w.headcount.iter());
        let first = heads.next();
        heads.any(|h| Some(h) != first)
            || t.weeks
                .values()
                .any(|w| w.hires.iter().chain(&w.departures).any(|&x| x > 0.0))
    });
    if changes {
        let moves = by_team
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                let line = |label: &str, c: usize, get: fn(&Week) -> &[f64]| Series {
                    label: format!("{label}, team {}", t.name),
                    colour: colour(c),
                    points: t
                        .weeks
                        .iter()
                        .map(|(w, values)| summarise(*w as f64, get(values)))
                        .collect(),
                };
                [
                    line("hires", 2 * i, |w| &w.hires),
                    line("departures", 2 * i + 1, |w| &w.departures),
                ]
            })
            .collect();
        let head = LineChart {
            title: "Head count by team".into(),
            subtitle: Some(subtitle_heads(n)),
            x: XAxis::Numeric {
                desc: "week".into(),
            },
            panels: vec![
                Panel {
                    y_desc: "engineers".into(),
                    format: Format::Count,
                    series: series(|w| &w.headcount),
                    limits: Vec::new(),
                    shade: shade.clone(),
                    mark: Mark::Lines { markers: false },
                    colour_by: None,
                },
                Panel {
                    y_desc: "hires and departures so far (engineers)".into(),
                    format: Format::Count,
                    series: moves,
                    limits: Vec::new(),
                    shade: shade.clone(),
                    mark: Mark::Lines { markers: false },
                    colour_by: None,
                },
            ],
            band_label: Some("5th–95th percentile".to_string()),
            events: events.to_vec(),
        };
        charts.push(("headcount".into(), Chart::Lines(head)));
    }
    // The vicious circle, when page rates move (readiness reviews, reliability work or
    // neglect): ops load, project time and page rates side by side.
    let moves = by_team.iter().any(|t| {
        t.weeks
            .values()
            .flat_map(|w| &w.page_rate_factor)
            .any(|&f| f.is_finite() && f != 1.0)
    });
    if moves {
        let panel = |y: &str, format, get: fn(&Week) -> &[f64], limits: Vec<LimitLine>| Panel {
            y_desc: y.into(),
            format,
            series: series(get),
            limits,
            shade: shade.clone(),
            mark: Mark::Lines { markers: false },
            colour_by: None,
        };
        let circle = LineChart {
            title: "Ops load, project time and page rates by team".into(),
            subtitle: Some(format!(
                "mean of {n} replication{}; shaded band: 5th–95th percentile across replications",
                if n == 1 { "" } else { "s" }
            )),
            x: XAxis::Numeric {
                desc: "week".into(),
            },
            panels: vec![
                panel(
                    "ops load (share)",
                    Format::Share,
                    |w| &w.ops_load,
                    vec![LimitLine::of(&OPS_CAP)],
                ),
                panel(
                    "project h / engineer-week",
                    Format::Plain,
                    |w| &w.project,
                    Vec::new(),
                ),
                panel(
                    "page rate (× scenario's)",
                    Format::Plain,
                    |w| &w.page_rate_factor,
                    Vec::new(),
                ),
            ],
            band_label: Some("5th–95th percentile".to_string()),
            events: events.to_vec(),
        };
        charts.push(("reliability".into(), Chart::Lines(circle)));
    }
    Ok(charts)
}

/// SRE and developer ops hours a week, with the onboardings and the phase changes of
/// supported services so far (`[engagement]`): drawn when `engagements.csv` has rows.
/// Team kinds come from `teams.csv`.
pub(super) fn engagement_chart(
    weekly: &Rows,
    teams: &Table,
    engagements: &Table,
    events: &[EventMark],
) -> Result<Option<Chart>, ChartError> {
    if engagements.len() == 0 {
        return Ok(None);
    }
    let (team_col, kind_col) = (teams.require("team")?, teams.require("kind")?);
    let developers: HashSet<&str> = (0..teams.len())
        .filter(|&r| teams.text(r, kind_col) == "developer")
        .map(|r| teams.text(r, team_col))
        .collect();
    let developer = |name: &str| developers.contains(name);
    let (rep_col, wteam, week_col, ops_col) = (
        weekly.require("replication")?,
        weekly.require("team")?,
        weekly.require("week")?,
        weekly.require("ops_hours")?,
    );
    let engagement_col = weekly.column("engagement_hours");
    // (replication, week) → (SRE ops, developer ops, SRE engagement) hours.
    let mut reps: HashMap<String, usize> = HashMap::new();
    let mut hours: BTreeMap<(usize, i64), (f64, f64, f64)> = BTreeMap::new();
    weekly.each(|row| {
        let rep = row.text(rep_col);
        let r = match reps.get(rep) {
            Some(&r) => r,
            None => {
                let r = reps.len();
                reps.insert(rep.to_string(), r);
                r
            }
        };
        let week = row.number(week_col)?.round() as i64;
        let h = row.number(ops_col)?;
        let engaged = match engagement_col {
            Some(c) => row.number(c)?,
            None => 0.0,
        };
        let e = hours.entry((r, week)).or_insert((0.0, 0.0, 0.0));
        if developer(row.text(wteam)) {
            e.1 += h;
        } else {
            e.0 += h;
            e.2 += engaged;
        }
        Ok(())
    })?;
    let weeks: Vec<i64> = {
        let mut w: Vec<i64> = hours.keys().map(|k| k.1).collect();
        w.sort_unstable();
        w.dedup();
        w
    };
    let per_week = |pick: fn(&(f64, f64, f64)) -> f64| -> Vec<Point> {
        weeks
            .iter()
            .map(|&w| {
                let v: Vec<f64> = (0..reps.len())
                    .filter_map(|r| hours.get(&(r, w)).map(pick))
                    .collect();
                summarise(w as f64, &v)
            })
            .collect()
    };
    // Events so far, per replication and week.
    let (erep, eweek, ereason) = (
        engagements.require("replication")?,
        engagements.require("week")?,
        engagements.require("reason")?,
    );
    let so_far = |reason: HolderReason| -> Result<Vec<Point>, ChartError> {
        let mut counts = vec![BTreeMap::<i64, f64>::new(); reps.len()];
        for row in 0..engagements.len() {
            if HolderReason::parse(engagements.text(row, ereason)) != Some(reason) {
                continue;
            }
            let Some(&r) = reps.get(engagements.text(row, erep)) else {
                continue;
            };
            let w = engagements.number(row, eweek)?.round() as i64;
            *counts[r].entry(w).or_default() += 1.0;
        }
        // Each replication's count so far, week by week: one pass over its weeks.
        let mut so_far: Vec<std::iter::Peekable<std::collections::btree_map::IntoIter<i64, f64>>> =
            counts
                .into_iter()
                .map(|c| c.into_iter().peekable())
                .collect();
        let mut totals = vec![0.0; so_far.len()];
        Ok(weeks
            .iter()
            .map(|&w| {
                for (it, total) in so_far.iter_mut().zip(totals.iter_mut()) {
                    while let Some((_, n)) = it.next_if(|&(week, _)| week <= w) {
                        *total += n;
                    }
                }
                summarise(w as f64, &totals)
            })
            .collect())
    };
    let line = |label: &str, c: usize, points: Vec<Point>| Series {
        label: label.into(),
        colour: colour(c),
        points,
    };
    let n = reps.len();
    Ok(Some(Chart::Lines(LineChart {
        title: "SRE and developer load, onboardings and phase changes".into(),
        subtitle: Some(format!(
            "mean of {n} replication{}; shaded band: 5th–95th percentile; below: supported services' changes so far",
            if n == 1 { "" } else { "s" }
        )),
        x: XAxis::Numeric {
            desc: "week".into(),
        },
        panels: vec![
            Panel {
                y_desc: "hours per week".into(),
                format: Format::Plain,
                series: vec![
                    line("SRE ops", 0, per_week(|h| h.0)),
                    line("developer ops", 1, per_week(|h| h.1)),
                    line(
                        "SRE reviews, consultations, clean-ups",
                        6,
                        per_week(|h| h.2),
                    ),
                ],
                limits: Vec::new(),
                shade: None,
                mark: Mark::Lines { markers: false },
                    colour_by: None,
            },
            Panel {
                y_desc: "services so far".into(),
                format: Format::Count,
                series: vec![
                    line(HolderReason::Onboarded.as_str(), 2, so_far(HolderReason::Onboarded)?),
                    line("shared launch", 3, so_far(HolderReason::SharedLaunch)?),
                    line(
                        "to general availability",
                        4,
                        so_far(HolderReason::GeneralAvailability)?,
                    ),
                    line("abandoned", 5, so_far(HolderReason::Abandoned)?),
                ],
                limits: Vec::new(),
                shade: None,
                mark: Mark::Lines { markers: false },
                    colour_by: None,
            },
        ],
        band_label: Some("5th–95th percentile".to_string()),
            events: events.to_vec(),
    })))
}

/// The weeks to mark on a run's weekly charts: lifecycle phase changes, onboardings and
/// hand-backs (`engagements.csv`), hires and departures (`weekly.csv`: its `hires` and
/// `departures` columns, else rises and falls of `headcount`), and re-organisations
/// (`reorgs.csv`). One mark per kind and week, with the share of replications that
/// had one.
pub(super) fn events(
    weekly: &Rows,
    engagements: Option<&Table>,
    reorgs: Option<&Table>,
) -> Result<Vec<EventMark>, ChartError> {
    let rep_col = weekly.require("replication")?;
    let mut reps: HashSet<String> = HashSet::new();
    weekly.each(|row| {
        let r = row.text(rep_col);
        if !reps.contains(r) {
            reps.insert(r.to_string());
        }
        Ok(())
    })?;
    // (kind, week) → the replications that had one.
    let mut seen: BTreeMap<(EventKind, i64), HashSet<String>> = BTreeMap::new();
    let mut note = |kind: EventKind, week: f64, rep: &str| {
        if !week.is_finite() {
            return;
        }
        let e = seen.entry((kind, week.round() as i64)).or_default();
        if !e.contains(rep) {
            e.insert(rep.to_string());
        }
    };

    let week_col = weekly.require("week")?;
    let (hires, departures) = (weekly.column("hires"), weekly.column("departures"));
    if let (Some(h), Some(d)) = (hires, departures) {
        weekly.each(|row| {
            let (week, rep) = (row.number(week_col)?, row.text(rep_col));
            if row.number(h)? > 0.0 {
                note(EventKind::Hire, week, rep);
            }
            if row.number(d)? > 0.0 {
                note(EventKind::Departure, week, rep);
            }
            Ok(())
        })?;
    } else if let (Some(head), Some(team)) = (weekly.column("headcount"), weekly.column("team")) {
        // Rows run week by week within a replication; compare each team with its
        // previous row.
        let mut last: BTreeMap<(String, String), f64> = BTreeMap::new();
        weekly.each(|row| {
            let rep = row.text(rep_col);
            let key = (rep.to_string(), row.text(team).to_string());
            let (week, now) = (row.number(week_col)?, row.number(head)?);
            if let Some(before) = last.insert(key, now) {
                if now > before {
                    note(EventKind::Hire, week, rep);
                } else if now < before {
                    note(EventKind::Departure, week, rep);
                }
            }
            Ok(())
        })?;
    }

    if let Some(t) = engagements {
        let (rep, week, reason) = (
            t.require("replication")?,
            t.require("week")?,
            t.require("reason")?,
        );
        for row in 0..t.len() {
            let kind = match HolderReason::parse(t.text(row, reason)) {
                Some(r) if r == HolderReason::Onboarded || r.is_takeback() => EventKind::Onboarding,
                Some(r) if r.is_handback() => EventKind::HandBack,
                _ => EventKind::PhaseChange,
            };
            note(kind, t.number(row, week)?, t.text(row, rep));
        }
    }
    if let Some(t) = reorgs {
        let (rep, week) = (t.require("replication")?, t.require("week")?);
        for row in 0..t.len() {
            note(EventKind::Reorg, t.number(row, week)?, t.text(row, rep));
        }
    }

    let n = reps.len().max(1) as f64;
    Ok(seen
        .into_iter()
        .map(|((kind, week), r)| EventMark {
            week: week as f64,
            kind,
            share: (r.len() as f64 / n).min(1.0),
        })
        .collect())
}

/// The head-count chart's subtitle.
fn subtitle_heads(n: usize) -> String {
    format!(
        "mean of {n} replication{}; shaded band: 5th–95th percentile; below: hires and departures so far",
        if n == 1 { "" } else { "s" }
    )
}

/// The warm-up weeks as one shaded stretch, if any week is flagged.
fn warmup_shade(teams: &[Team]) -> Option<Shade> {
    let all = || teams.iter().flat_map(|t| t.weeks.iter());
    let first = all().map(|(w, _)| *w).min()?;
    let last_warm = all().filter(|(_, v)| v.warmup).map(|(w, _)| *w).max()?;
    Some(Shade {
        from: first as f64 - 0.5,
        to: last_warm as f64 + 0.5,
        label: "warm-up (left out of statistics)".into(),
    })
}

/// One dashed line per distinct pager budget: a single "pager budget" line when every
/// team has the same, else one per team in its colour.
fn budget_lines(teams_csv: Option<&Table>, teams: &[Team]) -> Result<Vec<LimitLine>, ChartError> {
    let columns =
        teams_csv.and_then(|t| Some((t, t.column("pager_budget_per_shift")?, t.column("team")?)));
    let mut budgets = Vec::with_capacity(teams.len());
    for t in teams {
        let mut budget = DEFAULT_PAGER_BUDGET;
        if let Some((teams_csv, b, tc)) = columns {
            for row in 0..teams_csv.len() {
                if teams_csv.text(row, tc) == t.name {
                    let v = teams_csv.number(row, b)?;
                    if v.is_finite() {
                        budget = v;
                        break;
                    }
                }
            }
        }
        budgets.push(budget);
    }
    let first = budgets.first().copied().unwrap_or(DEFAULT_PAGER_BUDGET);
    if budgets.iter().all(|b| *b == first) {
        return Ok(vec![LimitLine {
            value: first,
            label: "pager budget".into(),
            colour: LIMIT_COLOUR,
        }]);
    }
    Ok(teams
        .iter()
        .zip(budgets)
        .enumerate()
        .map(|(i, (t, value))| LimitLine {
            value,
            label: format!("pager budget, {}", t.name),
            colour: colour(i),
        })
        .collect())
}

/// Mean and 5th/95th percentile of the finite values (all NaN when there are none).
fn summarise(x: f64, values: &[f64]) -> Point {
    let mut v: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if v.is_empty() {
        return Point {
            x,
            mean: f64::NAN,
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    v.sort_by(f64::total_cmp);
    Point {
        x,
        mean: v.iter().sum::<f64>() / v.len() as f64,
        low: percentile(&v, 0.05),
        high: percentile(&v, 0.95),
    }
}

/// Linear interpolation between order statistics (Hyndman & Fan type 7, as R and NumPy
/// default to); `sorted` must be non-empty and ascending.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let f = pos - i as f64;
    match (sorted.get(i), sorted.get(i + 1)) {
        (Some(a), Some(b)) => a + (b - a) * f,
        (Some(a), None) => *a,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_between_order_statistics() {
        let v: Vec<f64> = (0..=10).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.05), 0.5);
        assert_eq!(percentile(&v, 0.95), 9.5);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
    }

    #[test]
    fn summaries_skip_nan() {
        let p = summarise(1.0, &[f64::NAN, 2.0, 4.0]);
        assert_eq!(p.mean, 3.0);
        assert!(summarise(1.0, &[f64::NAN]).mean.is_nan());
    }
}
