//! A [`Section`] from an output folder's files alone: what kind of job wrote it, its
//! headline tables, the readings of its numbers, its warnings, its charts and its
//! scenario's assumptions.

mod compare;
mod run;
mod sweep;

use std::fs;
use std::path::Path;

use super::page::{Assumption, Cell, Figure, HtmlTable, Section, Tone};
use crate::model::metrics::Limit;
use crate::model::Metric;
use crate::report::charts::table::Table;
use crate::report::charts::{axis_title, compact_label, ChartError};
use crate::report::files::{
    COMPARE_CSV, MANIFEST_JSON, POINTS_CSV, SUMMARY_CSV, SUMMARY_TXT, TEAMS_CSV,
};
use crate::report::format::{chart_number, limit_phrase, metric_number, percent, signed_percent};
use crate::report::terminal::{team_limit_lines, understaffed_line};
use crate::sweep::ci::MeanCi;
use crate::sweep::compare::ALL_TEAMS;
use compare::compare_section;
use run::run_section;
use sweep::{axes, capped_points, sweep_section};

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
    let manifest: Option<serde_json::Value> = fs::read_to_string(dir.join(MANIFEST_JSON))
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let has = |name: &str| dir.join(name).is_file();
    let mut s = Section {
        id: id.to_string(),
        ..Section::default()
    };
    if has(POINTS_CSV) {
        s.kind = "sweep".into();
        let points = Table::read(&dir.join(POINTS_CSV))?;
        let axis_columns: Vec<&str> = axes(&points)
            .into_iter()
            .map(|a| points.headers()[a.col].as_str())
            .collect();
        check(&points, &axis_columns, &[])?;
        sweep_section(&mut s, &points, manifest.as_ref());
    } else if has(COMPARE_CSV) {
        s.kind = "compare".into();
        let compare = Table::read(&dir.join(COMPARE_CSV))?;
        check(
            &compare,
            &["variant", "team", "metric"],
            &["significant", "meaningful"],
        )?;
        compare_section(&mut s, &compare);
    } else if has(SUMMARY_CSV) {
        s.kind = "run".into();
        let teams = if has(TEAMS_CSV) {
            let teams = Table::read(&dir.join(TEAMS_CSV))?;
            check(&teams, &["team", "kind"], &[])?;
            Some(teams)
        } else {
            None
        };
        let summary = Table::read(&dir.join(SUMMARY_CSV))?;
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
                capped_points(&mut s, &dir.join(POINTS_CSV), target, cap)?;
            }
        }
        if let Some(origin) = scenario_origin(m) {
            // Only what the folder itself records: a manifest naming another file is
            // never followed out of the folder.
            let text = m
                .get("scenario_text")
                .and_then(|t| t.as_str())
                .map(str::to_string)
                .or_else(|| {
                    (origin == "<bundled baseline.toml>")
                        .then(|| crate::scenario::BASELINE_TOML.to_string())
                });
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
        if name.ends_with(".csv") || name == MANIFEST_JSON || name == SUMMARY_TXT {
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
    // Which columns hold numbers and which flags, then row by row (the order the table
    // is stored in: a column at a time would stride through memory).
    let kinds: Vec<(usize, bool)> = t
        .headers()
        .iter()
        .enumerate()
        .filter(|(_, name)| !text.contains(&name.as_str()))
        .map(|(col, name)| (col, flags.contains(&name.as_str())))
        .collect();
    for row in 0..t.len() {
        for &(col, is_flag) in &kinds {
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

/// The charts of the folder, drawn from its CSV files (never read from its chart
/// files, which the page would otherwise carry as markup): the ones that answer the
/// section's question first.
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
    let mut figures: Vec<Figure> = crate::report::charts::draw_svgs(dir)?
        .into_iter()
        .map(|(stem, svg)| Figure {
            stem,
            svg,
            caption: Vec::new(),
        })
        .collect();
    for stem in featured {
        if let Some(i) = figures.iter().position(|f| f.stem == *stem) {
            s.featured.push(figures.remove(i));
        }
    }
    s.more.extend(figures);
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
