//! The section of a sweep folder: where each limit is passed along a numeric axis,
//! categories ranked, the table of points, and the warnings of a sweep.

use super::*;

/// One sweep axis read from `points.csv`: its column, and whether every value is a
/// number.
pub(super) struct Axis {
    key: String,
    pub(super) col: usize,
    numeric: bool,
}

pub(super) fn axes(points: &Table) -> Vec<Axis> {
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

pub(super) fn sweep_section(s: &mut Section, points: &Table, manifest: Option<&serde_json::Value>) {
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
pub(super) fn capped_points(
    s: &mut Section,
    path: &Path,
    target: f64,
    cap: u64,
) -> Result<(), ChartError> {
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
