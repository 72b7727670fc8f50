//! Machine-readable summaries of what the jobs return (`--json` on `run`, `sweep`,
//! `compare` and `validate`): pure functions from a job's report to one JSON value.
//!
//! Every number that has no value (a mean over nothing, a CI of one replication) is
//! `null`. Metrics are identified by their catalogue key ([`Metric::key`]) and carry
//! their label and unit, so a reader needs nothing else to show them.

use std::path::PathBuf;

use serde_json::{json, Map, Value};

use super::{CompareReport, PlanReport, RunReport, SensitivityReport, SweepReport, Trial};
use crate::model::Metric;
use crate::report::terminal;
use crate::scenario::{Problem, ScenarioConfig, ScenarioError};
use crate::sweep::ci::MeanCi;

/// Version of the JSON layout, in every document as `"format"`; raised when a field
/// changes meaning or goes away (new fields may appear without it).
pub const FORMAT: u32 = 1;

/// A number, or `null` when it is not finite.
fn number(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

/// One metric's mean and 95% CI.
fn metric_ci(m: Metric, ci: &MeanCi) -> Value {
    let def = m.def();
    json!({
        "key": def.key,
        "label": def.label,
        "unit": def.unit,
        "mean": number(ci.mean),
        "ci95_low": number(ci.low()),
        "ci95_high": number(ci.high()),
        "n": ci.n,
    })
}

/// The lines of an optional note, without their line ends.
fn lines(note: Option<String>) -> Vec<String> {
    note.map(|n| n.lines().map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The summary of a run: the scenario, each headline metric over the replications,
/// each team's headline per-team metrics, and the warning lines (limits over, teams
/// understaffed) that the terminal shows.
pub fn run(r: &RunReport) -> Value {
    let sim = &r.config.simulation;
    let metrics: Vec<Value> = Metric::headline()
        .map(|m| metric_ci(m, &MeanCi::of(r.runs.iter().map(|run| run.summary[m]))))
        .collect();
    let teams: Vec<Value> = terminal::team_names(&r.runs)
        .into_iter()
        .map(|team| {
            let rows: Vec<_> = r
                .runs
                .iter()
                .filter_map(|run| run.teams.iter().find(|t| t.team == team))
                .collect();
            let kind = rows.first().map_or("", |t| t.kind);
            let metrics: Vec<Value> = Metric::headline()
                .filter(|m| m.def().per_team)
                .map(|m| metric_ci(m, &MeanCi::of(rows.iter().map(|t| t[m]))))
                .collect();
            json!({ "team": team, "kind": kind, "metrics": metrics })
        })
        .collect();
    let mut warnings = lines(terminal::understaffed_note(&r.runs));
    warnings.extend(lines(terminal::limits_note(&r.runs)));
    let mut notes = lines(terminal::reorg_note(&r.runs));
    notes.extend(lines(terminal::engagement_note(&r.runs)));
    json!({
        "format": FORMAT,
        "command": "run",
        "scenario": r.config.name,
        "replications": sim.replications,
        "horizon_weeks": number(sim.horizon_weeks),
        "warmup_weeks": number(sim.warmup_weeks),
        "seed": sim.seed,
        "output_dir": r.output.dir.display().to_string(),
        "files": r.output.files,
        "metrics": metrics,
        "teams": teams,
        "warnings": warnings,
        "notes": notes,
        "wall_time_seconds": r.wall_time.as_secs_f64(),
    })
}

/// The summary of a sweep: its axes, and every point this call ran with its axis
/// values, replications and headline means. `warnings` are the `--set` overrides the
/// axes make useless.
pub fn sweep(r: &SweepReport) -> Value {
    let points: Vec<Value> = r
        .point_means
        .iter()
        .map(|p| {
            let values: Map<String, Value> = r
                .axes
                .iter()
                .zip(&p.axis_values)
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            let means: Map<String, Value> = p
                .means
                .iter()
                .map(|(m, x)| (m.key().to_owned(), number(*x)))
                .collect();
            json!({ "point": p.point, "values": values, "n": p.n, "means": means })
        })
        .collect();
    let metrics: Vec<Value> = Metric::headline()
        .map(|m| json!({ "key": m.key(), "label": m.def().label, "unit": m.def().unit }))
        .collect();
    json!({
        "format": FORMAT,
        "command": "sweep",
        "scenario": r.config.name,
        "axes": r.axes,
        "points": r.points,
        "shard": r.shard.map(|(k, n)| json!({ "k": k, "n": n })),
        "points_in_shard": r.points_in_shard,
        "resumed_after": r.resumed_after,
        "recomputed": r.recomputed,
        "points_run": r.points_run,
        "replications": r.config.simulation.replications,
        "seed": r.config.simulation.seed,
        "ci_target": r.ci_target,
        "replications_per_point": { "min": r.replications_per_point.0, "max": r.replications_per_point.1 },
        "output_dir": r.output.dir.display().to_string(),
        "metrics": metrics,
        "point_results": points,
        "warnings": r.warnings,
        "wall_time_seconds": r.wall_time.as_secs_f64(),
    })
}

/// The summary of a comparison: the variants and every row of `compare.csv` (each
/// variant, team, pooled `all` included, and metric: mean, CI, paired difference from
/// the base).
pub fn compare(r: &CompareReport) -> Value {
    let rows: Vec<Value> = r
        .rows
        .iter()
        .map(|row| {
            let def = Metric::ALL
                .iter()
                .find(|m| m.key() == row.metric)
                .map(|m| m.def());
            let opt = |x: Option<f64>| x.map_or(Value::Null, number);
            json!({
                "variant": row.variant,
                "team": row.team,
                "metric": row.metric,
                "label": def.map(|d| d.label),
                "unit": def.map(|d| d.unit),
                "n": row.n,
                "mean": number(row.mean),
                "ci95_low": number(row.ci95_low),
                "ci95_high": number(row.ci95_high),
                "diff_mean": opt(row.diff_mean),
                "diff_ci95_low": opt(row.diff_ci95_low),
                "diff_ci95_high": opt(row.diff_ci95_high),
                "diff_pct": opt(row.diff_pct),
                "significant": row.significant,
                "min_effect": number(row.min_effect),
                "meaningful": row.meaningful,
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "command": "compare",
        "scenario": r.base.name,
        "variants": r.names,
        "replications": r.base.simulation.replications,
        "seed": r.base.simulation.seed,
        "output_dir": r.output.dir.display().to_string(),
        "rows": rows,
        "wall_time_seconds": r.wall_time.as_secs_f64(),
    })
}

/// A plan's values of each key, as a JSON object by key.
fn plan_values(keys: &[String], t: &Trial) -> Value {
    let mut m = Map::new();
    for (k, v) in keys.iter().zip(&t.values) {
        m.insert(
            k.clone(),
            serde_json::to_value(v)
                .unwrap_or_else(|_| Value::String(crate::sweep::plan::value_text(v))),
        );
    }
    Value::Object(m)
}

/// `sresim plan --json`: whether the targets can be met, the answer (the key values)
/// with the probability that every target holds and its 95% interval, the targets not
/// met when infeasible, and every value tried.
pub fn plan(r: &PlanReport) -> Value {
    let answer = r.answer.map(|i| &r.trials[i]);
    let trial = |t: &Trial| {
        json!({
            "values": plan_values(&r.keys, t),
            "replications": t.replications,
            "passes": t.passes,
            "probability": number(t.probability),
            "probability_ci95": [number(t.probability_ci95.0), number(t.probability_ci95.1)],
            "verdict": t.verdict.as_str(),
            "engineers_mean": number(t.engineers_mean),
            "cost_per_year": number(t.cost_per_year),
            "targets": r.targets.iter().zip(&t.target_means).zip(&t.target_probability)
                .map(|((target, m), p)| json!({
                    "target": target.to_string(),
                    "mean": number(m.mean),
                    "ci95_low": number(m.low()),
                    "ci95_high": number(m.high()),
                    "holds_probability": number(*p),
                }))
                .collect::<Vec<_>>(),
        })
    };
    let blocking: Vec<Value> = r
        .blocking
        .iter()
        .map(|b| {
            json!({
                "target": b.target.to_string(),
                "metric": b.target.metric.key(),
                "best": number(b.best),
                "best_at": b.best_at.iter().map(crate::sweep::plan::value_text).collect::<Vec<_>>(),
                "moves_with_key": b.moves(),
                "change_across_range": b.change.map(|d| metric_ci_plain(&d)),
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "command": "plan",
        "scenario": r.config.name,
        "keys": r.keys,
        "targets": r.targets.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        "confidence": r.confidence,
        "feasible": answer.is_some(),
        "answer": answer.map_or(Value::Null, |t| plan_values(&r.keys, t)),
        "probability": answer.map_or(Value::Null, |t| number(t.probability)),
        "probability_ci95": answer.map_or(Value::Null, |t| json!([number(t.probability_ci95.0), number(t.probability_ci95.1)])),
        "below": r.below.map_or(Value::Null, |i| trial(&r.trials[i])),
        "frontier": r.frontier.iter().map(|&i| plan_values(&r.keys, &r.trials[i])).collect::<Vec<_>>(),
        "blocking": blocking,
        "timeline": r.timeline.iter().map(|p| json!({
            "period": p.label,
            "week_from": p.weeks.0,
            "week_to": p.weeks.1,
            "base_probability": number(p.base_probability),
            "base_probability_ci95": [number(p.base_probability_ci95.0), number(p.base_probability_ci95.1)],
            "answer": p.answer.map_or(Value::Null, |a| plan_values(&r.keys, &r.trials[a])),
            "probability": number(p.probability),
        })).collect::<Vec<_>>(),
        "requisitions": r.requisitions.iter().map(|q| json!({
            "open_by_week": number(q.open_by_week),
            "count": q.count,
            "period": q.period,
        })).collect::<Vec<_>>(),
        "trials": r.trials.iter().map(trial).collect::<Vec<_>>(),
        "sentence": r.sentence,
        "output_dir": r.output.dir.display().to_string(),
        "wall_time_seconds": r.wall_time.as_secs_f64(),
    })
}

/// `sresim sensitivity --json`: the metric and the ranking, most effect first.
pub fn sensitivity(r: &SensitivityReport) -> Value {
    let ranking: Vec<Value> = r
        .ranking
        .iter()
        .map(|e| {
            json!({
                "key": e.key,
                "base": number(e.base),
                "low": number(e.low),
                "high": number(e.high),
                "metric_at_low": number(e.metric_low),
                "metric_at_high": number(e.metric_high),
                "effect": number(e.effect.mean),
                "effect_ci95": [number(e.effect.low()), number(e.effect.high())],
                "n": e.effect.n,
                "measurable": e.measurable(),
            })
        })
        .collect();
    json!({
        "format": FORMAT,
        "command": "sensitivity",
        "scenario": r.config.name,
        "metric": r.metric.key(),
        "delta": r.delta,
        "ranking": ranking,
        "global": r.global.iter().map(|g| json!({
            "key": g.key,
            "srrc": number(g.srrc),
            "srrc_ci95": [number(g.ci95.0), number(g.ci95.1)],
            "measurable": g.measurable(),
        })).collect::<Vec<_>>(),
        "sample_points": r.sample_points.0,
        "sample_refused": r.sample_points.1,
        "sentence": r.sentence,
        "output_dir": r.output.dir.display().to_string(),
        "wall_time_seconds": r.wall_time.as_secs_f64(),
    })
}

/// A mean with its 95% interval, without a metric's label.
fn metric_ci_plain(ci: &MeanCi) -> Value {
    json!({
        "mean": number(ci.mean),
        "ci95_low": number(ci.low()),
        "ci95_high": number(ci.high()),
        "n": ci.n,
    })
}

/// One problem of a scenario.
fn problem(p: &Problem) -> Value {
    json!({
        "origin": p.origin,
        "line": p.line,
        "column": p.column,
        "key_path": p.key_path,
        "message": p.message,
        "set_by": p.set_by,
    })
}

/// The result of `validate`: per file, `ok` and what it holds, or every problem (a file
/// that could not be read has an `error` and no problems).
pub fn validate(results: &[(PathBuf, Result<ScenarioConfig, ScenarioError>)]) -> Value {
    let files: Vec<Value> = results
        .iter()
        .map(|(file, checked)| match checked {
            Ok(cfg) => json!({
                "file": file.display().to_string(),
                "ok": true,
                "scenario": cfg.name,
                "sites": cfg.sites.len(),
                "teams": cfg.teams.len(),
                "services": cfg.services.len(),
                "problems": [],
            }),
            Err(e) => {
                let problems: Vec<Value> = e.problems().iter().map(problem).collect();
                let mut v = json!({
                    "file": file.display().to_string(),
                    "ok": false,
                    "problems": problems,
                });
                if e.problems().is_empty() {
                    v["error"] = json!(e.to_string());
                }
                v
            }
        })
        .collect();
    json!({
        "format": FORMAT,
        "command": "validate",
        "ok": results.iter().all(|(_, r)| r.is_ok()),
        "files": files,
    })
}
