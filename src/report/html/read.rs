//! A [`Section`] from an output folder's files alone: what kind of job wrote it, its
//! headline tables, the readings of its numbers, its warnings, its charts and its
//! scenario's assumptions.

use std::fs;
use std::path::Path;

use super::page::{Assumption, Cell, Figure, HtmlTable, Section, Tone};
use crate::model::metrics::Limit;
use crate::model::Metric;
use crate::report::charts::table::Table;
use crate::report::charts::{axis_title, compact_label, ChartError};
use crate::report::format::{chart_number, limit_phrase, metric_number, percent, signed_percent};
use crate::report::terminal::{team_limit_lines, understaffed_line};
use crate::sweep::ci::MeanCi;
use crate::sweep::compare::ALL_TEAMS;

/// The metrics a limit applies to, each with the limit that breaks it (the worst team:
/// the book's limits hold for every rotation).
const LIMITED: [Metric; 3] = [
    Metric::WorstTeamPagesPerShiftMean,
    Metric::WorstTeamOncallTimeFrac,
    Metric::WorstTeamOpsLoadFrac,
];

/// The metrics the sweep and comparison tables show, in order.
const TABLE_METRICS: [Metric; 7] = [
    Metric::WorstTeamPagesPerShiftMean,
    Metric::WorstTeamOncallTimeFrac,
    Metric::WorstTeamOpsLoadFrac,
    Metric::ProjectHoursPerEngineerWeek,
    Metric::SloMetFrac,
    Metric::TtmHoursMean,
    Metric::DevOpsHoursPerWeek,
];

/// The limit of `m` that a higher value breaks, if any.
fn breach(m: Metric) -> Option<&'static Limit> {
    m.def().limits.iter().find(|l| l.breach)
}

/// A value of `m` past its limit? Only means are held to the book's limits, not a
/// percentile or the worst week.
fn over(m: Metric, x: f64) -> bool {
    matches!(
        m,
        Metric::PagesPerShiftMean
            | Metric::OncallTimeFrac
            | Metric::OpsLoadFrac
            | Metric::WorstTeamPagesPerShiftMean
            | Metric::WorstTeamOncallTimeFrac
            | Metric::WorstTeamOpsLoadFrac
    ) && breach(m).is_some_and(|l| x > l.value)
}

/// A metric's value in a sentence: a share in %, a count whole, anything else to about
/// three significant digits.
fn say(m: Metric, x: f64) -> String {
    if m.is_share() || m.def().integer {
        metric_number(m, x)
    } else {
        chart_number(x)
    }
}

/// `n thing` or `n things`.
fn count(x: f64, thing: &str) -> String {
    let n = format!("{x:.0}");
    if n == "1" {
        format!("1 {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

fn tone(m: Metric, x: f64) -> Tone {
    if over(m, x) {
        Tone::Over
    } else {
        Tone::Plain
    }
}

/// The section of the folder `dir`, linking its files relative to `link_prefix` (the
/// folder's path as seen from the page, `""` or `"baseline/"`).
pub fn section(dir: &Path, id: &str, link_prefix: &str) -> Result<Section, ChartError> {
    let manifest: Option<serde_json::Value> = fs::read_to_string(dir.join("manifest.json"))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let has = |name: &str| dir.join(name).is_file();
    let mut s = Section {
        id: id.to_string(),
        ..Section::default()
    };
    if has("points.csv") {
        s.kind = "sweep".into();
        let points = Table::read(&dir.join("points.csv"))?;
        let axis_columns: Vec<&str> = axes(&points)
            .into_iter()
            .map(|a| points.headers()[a.col].as_str())
            .collect();
        check(&points, &axis_columns, &[])?;
        sweep_section(&mut s, &points, manifest.as_ref());
    } else if has("compare.csv") {
        s.kind = "compare".into();
        let compare = Table::read(&dir.join("compare.csv"))?;
        check(
            &compare,
            &["variant", "team", "metric"],
            &["significant", "meaningful"],
        )?;
        compare_section(&mut s, &compare);
    } else if has("summary.csv") {
        s.kind = "run".into();
        let teams = if has("teams.csv") {
            let teams = Table::read(&dir.join("teams.csv"))?;
            check(&teams, &["team", "kind"], &[])?;
            Some(teams)
        } else {
            None
        };
        let summary = Table::read(&dir.join("summary.csv"))?;
        check(&summary, &[], &[])?;
        run_section(&mut s, &summary, teams.as_ref());
    } else {
        return Err(ChartError::Empty {
            dir: dir.to_path_buf(),
        });
    }

    let name = manifest
        .as_ref()
        .and_then(|m| {
            m.pointer("/resolved_scenario/name")
                .or_else(|| m.pointer("/resolved_base/name"))
        })
        .and_then(|v| v.as_str())
        .map(str::to_string)
        .unwrap_or_else(|| {
            dir.file_name()
                .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned())
        });
    s.title = name;
    if let Some(m) = &manifest {
        s.command = m
            .get("command_line")
            .and_then(|c| c.as_array())
            .map(|parts| {
                let words: Vec<&str> = parts.iter().filter_map(|p| p.as_str()).collect();
                let mut line = vec!["sresim"];
                line.extend(words.iter().skip(1));
                line.join(" ")
            });
        for o in m
            .get("overrides")
            .and_then(|o| o.as_array())
            .into_iter()
            .flatten()
        {
            if let (Some(text), Some(axes)) = (o.as_str(), m.get("axes").and_then(|a| a.as_array()))
            {
                let key = text.split('=').next().unwrap_or("");
                if axes.iter().any(|a| a.as_str() == Some(key)) {
                    s.warnings.push(format!(
                        "--set {text} was shadowed: the sweep varies {key} itself"
                    ));
                }
            }
        }
        if s.kind == "sweep" {
            if let (Some(target), Some(cap)) = (
                m.get("ci_target").and_then(|v| v.as_f64()),
                m.get("max_replications").and_then(|v| v.as_u64()),
            ) {
                capped_points(&mut s, &dir.join("points.csv"), target, cap)?;
            }
        }
        if let Some(origin) = scenario_origin(m) {
            let text = if origin == "<bundled baseline.toml>" {
                Some(crate::scenario::BASELINE_TOML.to_string())
            } else {
                fs::read_to_string(&origin).ok()
            };
            if let Some(text) = text {
                let (question, sources, assumptions) = read_scenario(&text);
                s.question = question;
                s.sources = sources;
                s.assumptions = assumptions;
                s.scenario = Some((origin, text));
            }
        }
    }
    charts(&mut s, dir)?;
    caption(&mut s);
    let mut files: Vec<String> = Vec::new();
    for entry in read_dir(dir)? {
        let name = entry;
        if name.ends_with(".csv") || name == "manifest.json" || name == "summary.txt" {
            files.push(format!("{link_prefix}{name}"));
        }
    }
    s.files = files;
    Ok(s)
}

/// Checks every cell of `t` before anything is read from it: a number in every column
/// but the `text` and `flags` ones, `true`/`false` in those. The page is built from
/// numbers that parsed, never from a cell quietly skipped; a bad cell is an error naming
/// the file, line and column.
fn check(t: &Table, text: &[&str], flags: &[&str]) -> Result<(), ChartError> {
    for (col, name) in t.headers().iter().enumerate() {
        if text.contains(&name.as_str()) {
            continue;
        }
        let is_flag = flags.contains(&name.as_str());
        for row in 0..t.len() {
            if is_flag {
                t.flag(row, col)?;
            } else {
                t.number(row, col)?;
            }
        }
    }
    Ok(())
}

/// The file names in `dir`, sorted.
fn read_dir(dir: &Path) -> Result<Vec<String>, ChartError> {
    let io = |source| ChartError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names)
}

/// Where the scenario came from: the run's or sweep's origin, or a comparison's base.
fn scenario_origin(m: &serde_json::Value) -> Option<String> {
    m.get("scenario_origin")
        .and_then(|v| v.as_str())
        .or_else(|| m.pointer("/variants/0/origin").and_then(|v| v.as_str()))
        .map(|o| o.split(" with ").next().unwrap_or(o).to_string())
}

/// The SVG charts of the folder: the ones that answer the section's question first.
fn charts(s: &mut Section, dir: &Path) -> Result<(), ChartError> {
    let featured: &[&str] = match s.kind.as_str() {
        "run" => &[
            "pages_per_shift",
            "ops_load",
            "engagement",
            "reliability",
            "headcount",
        ],
        "sweep" => &[
            "capacity",
            "tradeoff",
            "sweep_worst_team_pages_per_shift_mean",
            "heatmap_worst_team_pages_per_shift_mean",
            "sweep_worst_team_oncall_time_frac",
            "heatmap_worst_team_oncall_time_frac",
            "sweep_worst_team_ops_load_frac",
            "heatmap_worst_team_ops_load_frac",
            "sweep_project_hours_per_engineer_week",
            "heatmap_project_hours_per_engineer_week",
        ],
        _ => &["compare"],
    };
    let svgs: Vec<String> = read_dir(dir)?
        .into_iter()
        .filter_map(|n| n.strip_suffix(".svg").map(str::to_string))
        .collect();
    let load = |stem: &str| -> Result<Figure, ChartError> {
        let path = dir.join(format!("{stem}.svg"));
        let svg = fs::read_to_string(&path).map_err(|source| ChartError::Io { path, source })?;
        Ok(Figure {
            stem: stem.to_string(),
            svg,
            caption: Vec::new(),
        })
    };
    for stem in featured {
        if svgs.iter().any(|s| s == stem) {
            s.featured.push(load(stem)?);
        }
    }
    // Scatter plots of a sample come first among the rest.
    for stem in &svgs {
        if !featured.contains(&stem.as_str()) {
            s.more.push(load(stem)?);
        }
    }
    if s.featured.is_empty() && !s.more.is_empty() {
        let first = s.more.remove(0);
        s.featured.push(first);
    }
    Ok(())
}

/// The metrics a chart shows, by its file stem (`None`: every reading, for the one
/// chart of a comparison).
fn chart_metrics(stem: &str) -> Option<Vec<Metric>> {
    let of = |key: &str| Metric::ALL.iter().copied().find(|m| m.key() == key);
    Some(match stem {
        "compare" => return None,
        "pages_per_shift" => vec![Metric::PagesPerShiftMean],
        "ops_load" | "reliability" => vec![Metric::OpsLoadFrac],
        "headcount" => vec![Metric::HeadcountEnd],
        "engagement" => vec![Metric::DevOpsHoursPerWeek],
        "capacity" => vec![
            Metric::WorstTeamPagesPerShiftMean,
            Metric::WorstTeamOpsLoadFrac,
        ],
        "tradeoff" => vec![
            Metric::WorstTeamOpsLoadFrac,
            Metric::DevOpsHoursPerWeek,
            Metric::SloMetFrac,
        ],
        _ => stem
            .strip_prefix("sweep_")
            .or_else(|| stem.strip_prefix("heatmap_"))
            .or_else(|| {
                stem.strip_prefix("scatter_")
                    .and_then(|k| k.split("__").next())
            })
            .and_then(of)
            .into_iter()
            .collect(),
    })
}

/// Each chart's caption: the readings of the metrics it shows.
fn caption(s: &mut Section) {
    let readings: Vec<(Option<Metric>, String)> = s
        .reading_metrics
        .iter()
        .copied()
        .zip(s.readings.iter().cloned())
        .collect();
    for f in s.featured.iter_mut().chain(s.more.iter_mut()) {
        f.caption = match chart_metrics(&f.stem) {
            None => readings.iter().map(|(_, r)| r.clone()).collect(),
            Some(ms) => readings
                .iter()
                .filter(|(m, _)| m.is_some_and(|m| ms.contains(&m)))
                .map(|(_, r)| r.clone())
                .collect(),
        };
    }
}

/// The question (the opening comment's first paragraph), the opening comment whole
/// (its sources legend), and every `key = value  # comment` line, from a scenario file.
fn read_scenario(text: &str) -> (Option<String>, Option<String>, Vec<Assumption>) {
    let opening: Vec<&str> = text
        .lines()
        .take_while(|l| l.trim_start().starts_with('#'))
        .map(|l| l.trim_start().trim_start_matches('#').trim())
        .collect();
    let first_paragraph: Vec<&str> = opening
        .iter()
        .copied()
        .take_while(|l| !l.is_empty())
        .collect();
    let question = (!first_paragraph.is_empty()).then(|| first_paragraph.join(" "));
    let sources = (!opening.is_empty()).then(|| opening.join("\n"));

    let mut table = String::new();
    let mut assumptions = Vec::new();
    let mut pending_name = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            table = t
                .split('#')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(|c| c == '[' || c == ']')
                .trim()
                .to_string();
            pending_name = t.starts_with("[[");
            continue;
        }
        let Some((code, note)) = split_comment(t) else {
            if pending_name {
                if let Some(name) = name_of(t) {
                    table = format!("{table} {name}");
                    pending_name = false;
                }
            }
            continue;
        };
        if pending_name {
            if let Some(name) = name_of(code) {
                table = format!("{table} {name}");
                pending_name = false;
            }
        }
        if let Some((key, value)) = code.split_once('=') {
            assumptions.push(Assumption {
                table: table.clone(),
                key: key.trim().to_string(),
                value: value.trim().to_string(),
                note: note.to_string(),
            });
        }
    }
    (question, sources, assumptions)
}

/// `name = "x"` → `x`.
fn name_of(code: &str) -> Option<String> {
    let (k, v) = code.split_once('=')?;
    (k.trim() == "name").then(|| v.trim().trim_matches('"').to_string())
}

/// A line of code with a comment after it: (code, comment). A `#` inside a quoted
/// string does not start a comment.
fn split_comment(line: &str) -> Option<(&str, &str)> {
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '#' if !quoted => {
                let code = line[..i].trim();
                let note = line[i + 1..].trim();
                return (!code.is_empty() && !note.is_empty()).then_some((code, note));
            }
            _ => {}
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// A run

fn column_ci(t: &Table, col: usize) -> MeanCi {
    MeanCi::of((0..t.len()).filter_map(|r| t.number(r, col).ok()))
}

fn run_section(s: &mut Section, summary: &Table, teams: Option<&Table>) {
    let ci = |m: Metric| summary.column(m.key()).map(|c| column_ci(summary, c));
    let mean = |m: Metric| ci(m).map_or(f64::NAN, |c| c.mean);
    let text = |m: Metric| say(m, mean(m));

    // Readings.
    if let Some(p) = ci(Metric::PagesPerShiftMean) {
        let budget = Metric::PagesPerShiftMean
            .def()
            .limits
            .first()
            .map_or(2.0, |l| l.value);
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
                "The most loaded team is on call {} of its time: {} the SRE book's limit of 25%.",
                percent(oncall),
                if oncall > 0.25 { "over" } else { "within" }
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
    let mut names: Vec<String> = Vec::new();
    for r in 0..teams.len() {
        let n = teams.text(r, team_col);
        if !names.iter().any(|x| x == n) {
            names.push(n.to_string());
        }
    }
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
            .unwrap_or(2.0);
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
    if names.len() > 1 || metrics.len() > 1 {
        let mut headers = vec!["team".to_string()];
        headers.extend(metrics.iter().map(|m| m.def().label.to_string()));
        s.tables.push(HtmlTable {
            caption: "Per team (means over replications)".into(),
            headers,
            rows,
            note: Some("Red: an SRE team past its pager budget, 25% on call or 50% ops.".into()),
        });
    }
}

// ---------------------------------------------------------------------------------------
// A sweep

/// One sweep axis read from `points.csv`: its column, and whether every value is a
/// number.
struct Axis {
    key: String,
    col: usize,
    numeric: bool,
}

fn axes(points: &Table) -> Vec<Axis> {
    let headers = points.headers();
    let start = headers
        .iter()
        .position(|h| h == "point")
        .map_or(0, |i| i + 1);
    let end = headers.iter().position(|h| h == "n").unwrap_or(start);
    (start..end)
        .map(|col| Axis {
            key: headers[col].clone(),
            col,
            numeric: (0..points.len()).all(|r| points.text(r, col).parse::<f64>().is_ok()),
        })
        .collect()
}

fn sweep_section(s: &mut Section, points: &Table, manifest: Option<&serde_json::Value>) {
    let axes = axes(points);
    // The axis's `label` recorded in the manifest, else the title the charts derive.
    let label = |a: &Axis| -> String {
        manifest
            .and_then(|m| {
                m.pointer(&format!(
                    "/axis_labels/{}",
                    a.key.replace('~', "~0").replace('/', "~1")
                ))
            })
            .and_then(|v| v.as_str())
            .map_or_else(|| axis_title(&a.key), str::to_string)
    };
    let mean_of = |r: usize, m: Metric| {
        points
            .column(&format!("{}_mean", m.key()))
            .and_then(|c| points.number(r, c).ok())
            .unwrap_or(f64::NAN)
    };
    let value = |r: usize, a: &Axis| compact_label(points.text(r, a.col));

    let sampled = manifest
        .and_then(|m| m.get("sample"))
        .is_some_and(|v| v.is_u64());
    // A sample has no lines along an axis to follow: say how many points pass each
    // limit, and let the scatter charts show which axis drives it.
    if sampled {
        for m in LIMITED {
            let Some(limit) = breach(m) else { continue };
            let past = (0..points.len())
                .filter(|&r| mean_of(r, m) > limit.value)
                .count();
            s.read(
                Some(m),
                format!(
                    "{} is past {} at {past} of {} sampled points; the scatter charts show which axis drives it.",
                    m.def().title,
                    limit_phrase(m, limit),
                    points.len()
                ),
            );
        }
    }
    // A value on an axis in a sentence: `30 services`, `core: shift hours 12`.
    let at_value = |r: usize, a: &Axis| {
        let l = label(a);
        if l.contains(':') {
            format!("{l} {}", value(r, a))
        } else {
            format!("{} {l}", value(r, a))
        }
    };
    // Where a limit is first passed along the first numeric axis, for each combination
    // of the other axes.
    if let Some(x) = axes.iter().find(|a| a.numeric).filter(|_| !sampled) {
        let others: Vec<&Axis> = axes.iter().filter(|a| a.key != x.key).collect();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for r in 0..points.len() {
            // The other axes' values (their labels are said once, in the sentence).
            let g = others
                .iter()
                .map(|a| value(r, a))
                .collect::<Vec<_>>()
                .join(" and ");
            match groups.iter_mut().find(|(k, _)| *k == g) {
                Some((_, rows)) => rows.push(r),
                None => groups.push((g, vec![r])),
            }
        }
        for m in LIMITED {
            let Some(limit) = breach(m) else { continue };
            if points.column(&format!("{}_mean", m.key())).is_none() {
                continue;
            }
            // (where it is passed, the sentence without the group), per group.
            let mut found: Vec<(String, Vec<String>)> = Vec::new();
            for (g, rows) in &groups {
                let mut rows = rows.clone();
                rows.sort_by(|a, b| {
                    let (va, vb) = (
                        points.number(*a, x.col).unwrap_or(f64::NAN),
                        points.number(*b, x.col).unwrap_or(f64::NAN),
                    );
                    va.total_cmp(&vb)
                });
                let Some(&last) = rows.last() else { continue };
                let first_over = rows.iter().position(|&r| mean_of(r, m) > limit.value);
                let at = |r: usize| at_value(r, x);
                let what = match first_over {
                    Some(0) => format!("is past it already at {}", at(rows[0])),
                    Some(i) => format!(
                        "passes it at {} ({} at {}, {} at {})",
                        at(rows[i]),
                        say(m, mean_of(rows[i - 1], m)),
                        value(rows[i - 1], x),
                        say(m, mean_of(rows[i], m)),
                        value(rows[i], x)
                    ),
                    None => format!("stays within it up to {}", at(last)),
                };
                match found.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, gs)) => gs.push(g.clone()),
                    None => found.push((what, vec![g.clone()])),
                }
            }
            let name = limit_phrase(m, limit);
            let other_labels = others
                .iter()
                .map(|a| label(a))
                .collect::<Vec<_>>()
                .join(" and ");
            let parts: Vec<String> = found
                .iter()
                .map(|(what, gs)| {
                    let with = if gs.len() == groups.len() && groups.len() > 1 {
                        format!(" for every {other_labels}")
                    } else if gs.iter().all(String::is_empty) {
                        String::new()
                    } else {
                        format!(" with {other_labels} {}", gs.join(" or "))
                    };
                    format!("{what}{with}")
                })
                .collect();
            s.read(
                Some(m),
                format!("{} against {name}: {}.", m.def().title, parts.join("; it ")),
            );
        }
    }

    // Categories side by side: for each named axis, at each combination of the others
    // (for a numeric axis, its largest value only), the key metrics from best to worst.
    for c in axes.iter().filter(|a| !a.numeric) {
        let others: Vec<&Axis> = axes.iter().filter(|a| a.key != c.key).collect();
        let keep: Vec<usize> = (0..points.len())
            .filter(|&r| {
                others.iter().all(|a| {
                    !a.numeric || {
                        let top = (0..points.len())
                            .filter_map(|q| points.number(q, a.col).ok())
                            .fold(f64::NEG_INFINITY, f64::max);
                        points.number(r, a.col).ok() == Some(top)
                    }
                })
            })
            .collect();
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for &r in &keep {
            let g = others
                .iter()
                .map(|a| format!("{} {}", value(r, a), label(a)))
                .collect::<Vec<_>>()
                .join(", ");
            match groups.iter_mut().find(|(k, _)| *k == g) {
                Some((_, rows)) => rows.push(r),
                None => groups.push((g, vec![r])),
            }
        }
        for (g, rows) in &groups {
            for m in [
                Metric::WorstTeamOpsLoadFrac,
                Metric::WorstTeamPagesPerShiftMean,
                Metric::WorstTeamOncallTimeFrac,
                Metric::ProjectHoursPerEngineerWeek,
                Metric::DevOpsHoursPerWeek,
                Metric::SloMetFrac,
            ] {
                let mut vals: Vec<(String, f64)> = rows
                    .iter()
                    .map(|&r| (value(r, c), mean_of(r, m)))
                    .filter(|(_, v)| v.is_finite())
                    .collect();
                let (lo, hi) = vals
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (_, v)| {
                        (lo.min(*v), hi.max(*v))
                    });
                // Nothing to rank when every category is within the minimum effect.
                if vals.len() < 2 || hi - lo < m.min_effect().max(1e-12) {
                    continue;
                }
                // Best first: less of a load, more of project time and SLOs met.
                let higher_is_better =
                    matches!(m, Metric::ProjectHoursPerEngineerWeek | Metric::SloMetFrac);
                vals.sort_by(|a, b| {
                    if higher_is_better {
                        b.1.total_cmp(&a.1)
                    } else {
                        a.1.total_cmp(&b.1)
                    }
                });
                // Names with commas in them (inline tables) are kept apart by semicolons.
                let sep = if vals.iter().any(|(n, _)| n.contains(',')) {
                    "; "
                } else {
                    ", "
                };
                let list = vals
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", say(m, *v)))
                    .collect::<Vec<_>>()
                    .join(sep);
                let at = if g.is_empty() {
                    String::new()
                } else {
                    format!(" at {g}")
                };
                s.read(
                    Some(m),
                    format!(
                        "{}{at}, by {} from best to worst: {list}.",
                        m.def().title,
                        label(c)
                    ),
                );
            }
        }
    }

    // Points where a team was short of its minimum rotation.
    let short: Vec<usize> = (0..points.len())
        .filter(|&r| mean_of(r, Metric::UnderstaffedWeeks) > 0.0)
        .collect();
    if let Some(&first) = short.first() {
        let at = axes
            .iter()
            .map(|a| format!("{} {}", label(a), value(first, a)))
            .collect::<Vec<_>>()
            .join(", ");
        s.warnings.push(format!(
            "At {} of {} points a team is below its minimum rotation in some week (the first: {at}).",
            short.len(),
            points.len()
        ));
    }

    // The table: one row per point.
    let metrics: Vec<Metric> = TABLE_METRICS
        .iter()
        .copied()
        .filter(|m| points.column(&format!("{}_mean", m.key())).is_some())
        .filter(|m| {
            *m != Metric::DevOpsHoursPerWeek || (0..points.len()).any(|r| mean_of(r, *m) > 0.0)
        })
        .collect();
    let n_col = points.column("n");
    let mut headers: Vec<String> = axes.iter().map(label).collect();
    headers.push("replications".into());
    headers.extend(metrics.iter().map(|m| m.def().label.to_string()));
    let rows = (0..points.len())
        .map(|r| {
            let mut row: Vec<Cell> = axes.iter().map(|a| Cell::plain(value(r, a))).collect();
            row.push(Cell::plain(
                n_col.map_or_else(String::new, |c| points.text(r, c).to_string()),
            ));
            for &m in &metrics {
                let x = mean_of(r, m);
                let ci = match (
                    points.column(&format!("{}_ci95_low", m.key())),
                    points.column(&format!("{}_ci95_high", m.key())),
                ) {
                    (Some(lo), Some(hi)) => match (points.number(r, lo), points.number(r, hi)) {
                        (Ok(lo), Ok(hi)) if lo.is_finite() && hi.is_finite() => Some(format!(
                            "{} to {}",
                            metric_number(m, lo),
                            metric_number(m, hi)
                        )),
                        _ => None,
                    },
                    _ => None,
                };
                row.push(Cell {
                    text: metric_number(m, x),
                    note: ci,
                    tone: tone(m, x),
                });
            }
            row
        })
        .collect();
    s.tables.push(HtmlTable {
        caption: format!("Every point of the sweep ({} points)", points.len()),
        headers,
        rows,
        note: Some(
            "Means over replications, 95% CI under each; red: past the SRE book's limit (the worst team: the limits hold for every rotation).".into(),
        ),
    });
}

/// A warning for the points of a `--ci-target` sweep that stopped at the cap.
fn capped_points(s: &mut Section, path: &Path, target: f64, cap: u64) -> Result<(), ChartError> {
    let points = Table::read(path)?;
    let Some(n) = points.column("n") else {
        return Ok(());
    };
    let capped = (0..points.len())
        .filter(|&r| points.number(r, n).is_ok_and(|x| x as u64 >= cap))
        .count();
    if capped > 0 {
        s.warnings.push(format!(
            "{capped} of {} points stopped at the cap of {cap} replications before every headline CI was within {} of its mean: read them with care.",
            points.len(),
            percent(target)
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// A comparison

fn compare_section(s: &mut Section, table: &Table) {
    let col = |name: &str| table.column(name);
    let (Some(variant), Some(metric), Some(_)) = (col("variant"), col("metric"), col("mean"))
    else {
        return;
    };
    let team = col("team");
    let pooled = |r: usize| team.is_none_or(|c| table.text(r, c) == ALL_TEAMS);
    let mut variants: Vec<String> = Vec::new();
    for r in 0..table.len() {
        let v = table.text(r, variant);
        if !variants.iter().any(|x| x == v) {
            variants.push(v.to_string());
        }
    }
    let find = |v: &str, m: Metric| {
        (0..table.len())
            .find(|&r| pooled(r) && table.text(r, variant) == v && table.text(r, metric) == m.key())
    };
    let num = |r: usize, name: &str| {
        col(name)
            .and_then(|c| table.number(r, c).ok())
            .unwrap_or(f64::NAN)
    };
    let flag = |r: usize, name: &str| col(name).is_some_and(|c| table.flag(r, c).unwrap_or(false));
    let base = variants.first().cloned().unwrap_or_default();

    // Readings: each variant's marked changes, largest first.
    for v in variants.iter().skip(1) {
        let mut changes: Vec<(f64, String)> = Vec::new();
        for m in Metric::headline() {
            let (Some(r), Some(b)) = (find(v, m), find(&base, m)) else {
                continue;
            };
            let marked = if col("meaningful").is_some() {
                flag(r, "meaningful")
            } else {
                flag(r, "significant")
            };
            if !marked {
                continue;
            }
            let pct = num(r, "diff_pct");
            changes.push((
                pct.abs(),
                format!(
                    "{} {} → {} ({})",
                    m.def().title.to_lowercase(),
                    say(m, num(b, "mean")),
                    say(m, num(r, "mean")),
                    signed_percent(pct)
                ),
            ));
        }
        changes.sort_by(|a, b| b.0.total_cmp(&a.0));
        if changes.is_empty() {
            s.read(
                None,
                format!(
                "{v} against {base}: no headline metric changes by more than its minimum effect."
            ),
            );
        } else {
            let list: Vec<String> = changes.into_iter().take(5).map(|c| c.1).collect();
            s.read(None, format!("{v} against {base}: {}.", list.join("; ")));
        }
        for m in LIMITED {
            let (Some(r), Some(limit)) = (find(v, m), breach(m)) else {
                continue;
            };
            let x = num(r, "mean");
            if x > limit.value {
                s.warnings.push(format!(
                    "{v}: {} is {}, past {}.",
                    m.def().title.to_lowercase(),
                    say(m, x),
                    limit_phrase(m, limit)
                ));
            }
        }
    }

    // The wide table: a row per headline metric, a column per variant.
    let rows = Metric::headline()
        .filter_map(|m| {
            let mut row = vec![Cell::plain(m.def().label)];
            let mut any = false;
            for v in &variants {
                let Some(r) = find(v, m) else {
                    row.push(Cell::plain(""));
                    continue;
                };
                any = true;
                row.push(change_cell(table, r, m));
            }
            any.then_some(row)
        })
        .collect();
    let mut headers = vec!["metric".to_string()];
    headers.extend(variants.iter().cloned());
    s.tables.push(HtmlTable {
        caption: format!("Variants against {base}, paired on the same seeds"),
        headers,
        rows,
        note: Some(
            "Means over replications; under each, the change from the base in %. * and blue: the paired 95% CI of the change excludes 0 and the change is at least the metric's minimum effect. Red: past the SRE book's limit.".into(),
        ),
    });
    compare_team_table(s, table, &variants);
}

/// A cell of a comparison table: row `r`'s mean of `m`, with its change from the base
/// in % under it (none for the base), blue where the change is marked (`meaningful`),
/// red past a limit.
fn change_cell(table: &Table, r: usize, m: Metric) -> Cell {
    let num = |name: &str| {
        table
            .column(name)
            .and_then(|c| table.number(r, c).ok())
            .unwrap_or(f64::NAN)
    };
    let (x, pct) = (num("mean"), num("diff_pct"));
    let marked = table
        .column("meaningful")
        .is_some_and(|c| table.flag(r, c).unwrap_or(false));
    Cell {
        text: metric_number(m, x),
        note: pct
            .is_finite()
            .then(|| format!("{}{}", signed_percent(pct), if marked { " *" } else { "" })),
        tone: if over(m, x) {
            Tone::Over
        } else if marked {
            Tone::Marked
        } else {
            Tone::Plain
        },
    }
}

/// Each variant's teams, a row each (when more than one team appears): the per-team
/// limits and project time, with the change from the base's team of the same name.
fn compare_team_table(s: &mut Section, table: &Table, variants: &[String]) {
    let (Some(team), Some(variant), Some(metric)) = (
        table.column("team"),
        table.column("variant"),
        table.column("metric"),
    ) else {
        return;
    };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for r in 0..table.len() {
        let t = table.text(r, team);
        if t == ALL_TEAMS {
            continue;
        }
        let key = (table.text(r, variant).to_string(), t.to_string());
        if !pairs.contains(&key) {
            pairs.push(key);
        }
    }
    let teams: std::collections::BTreeSet<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    if teams.len() < 2 {
        return;
    }
    pairs.sort_by_key(|p| variants.iter().position(|v| *v == p.0));
    let metrics = [
        Metric::PagesPerShiftMean,
        Metric::OncallTimeFrac,
        Metric::OpsLoadFrac,
        Metric::ProjectHoursPerEngineerWeek,
    ];
    let rows = pairs
        .iter()
        .map(|(v, t)| {
            let mut row = vec![Cell::plain(format!("{v} · {t}"))];
            for m in metrics {
                let found = (0..table.len()).find(|&r| {
                    table.text(r, variant) == v
                        && table.text(r, team) == t
                        && table.text(r, metric) == m.key()
                });
                row.push(found.map_or_else(|| Cell::plain(""), |r| change_cell(table, r, m)));
            }
            row
        })
        .collect();
    let mut headers = vec!["variant · team".to_string()];
    headers.extend(metrics.iter().map(|m| m.def().label.to_string()));
    s.tables.push(HtmlTable {
        caption: "Per team".into(),
        headers,
        rows,
        note: Some(
            "Means over replications; under each, the change from the base's team of the same name. Red: past the SRE book's limit (pager budget of 2, 25% on call, 50% ops).".into(),
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scenario_gives_its_question_and_sourced_values() {
        let text = "# One team.\n# How loaded is it?\n#\n# Sources: [G] SRE book\n\n\
                    [simulation]   # the run\nseed = 7   # assumption\n\n[[teams]]\nname = \"core\"\n\
                    shift_hours = 12  # [G] Workbook ch.8\nnote = \"a # b\"\n";
        let (q, sources, a) = read_scenario(text);
        assert_eq!(q.as_deref(), Some("One team. How loaded is it?"));
        assert!(sources.is_some_and(|s| s.contains("[G] SRE book")));
        assert_eq!(a.len(), 2, "{a:?}");
        assert_eq!(a[0].table, "simulation");
        assert_eq!(a[1].table, "teams core");
        assert_eq!(a[1].key, "shift_hours");
        assert_eq!(a[1].note, "[G] Workbook ch.8");
    }
}
