//! The section of a comparison folder: each variant's marked changes, the pooled and
//! per-team tables, and a warning for each variant past a limit.

use super::*;
use crate::report::charts::marked_column;

pub(super) fn compare_section(s: &mut Section, table: &Table) {
    let col = |name: &str| table.column(name);
    let (Some(variant), Some(metric), Some(_)) = (col("variant"), col("metric"), col("mean"))
    else {
        return;
    };
    let team = col("team");
    let pooled = |r: usize| team.is_none_or(|c| table.text(r, c) == ALL_TEAMS);
    let variants = table.distinct(variant);
    let find = |v: &str, m: Metric| {
        (0..table.len())
            .find(|&r| pooled(r) && table.text(r, variant) == v && table.text(r, metric) == m.key())
    };
    let num = |r: usize, name: &str| {
        col(name)
            .and_then(|c| table.number(r, c).ok())
            .unwrap_or(f64::NAN)
    };
    let base = variants.first().cloned().unwrap_or_default();

    // Readings: each variant's marked changes, largest first.
    for v in variants.iter().skip(1) {
        let mut changes: Vec<(f64, String)> = Vec::new();
        for m in Metric::headline() {
            let (Some(r), Some(b)) = (find(v, m), find(&base, m)) else {
                continue;
            };
            if !marked(table, r) {
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

/// Whether row `r`'s difference is marked ([`marked_column`]).
fn marked(table: &Table, r: usize) -> bool {
    marked_column(table).is_some_and(|c| table.flag(r, c).unwrap_or(false))
}

/// A cell of a comparison table: row `r`'s mean of `m`, with its change from the base
/// in % under it (none for the base), blue where the change is marked, red past a
/// limit.
fn change_cell(table: &Table, r: usize, m: Metric) -> Cell {
    let num = |name: &str| {
        table
            .column(name)
            .and_then(|c| table.number(r, c).ok())
            .unwrap_or(f64::NAN)
    };
    let (x, pct) = (num("mean"), num("diff_pct"));
    let marked = marked(table, r);
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
