//! The sensitivity job: which assumption matters. Each numeric key of the scenario (or
//! the listed ones) is moved down and up by a fraction of its value, one at a time, on
//! the same seeds; the paired change of one metric between the two is the key's effect,
//! with its 95% CI. Keys are ranked by the size of their effect; a key whose interval
//! holds zero has no measurable effect at this number of replications.

use std::time::{Duration, Instant};

use super::{claim, finish, manifest, out_dir, prepare, threads, CommonSpec, JobError, Output};
use crate::model::Metric;
use crate::report::files::{SENSITIVITY_CSV, SENSITIVITY_GLOBAL_CSV};
use crate::report::{self, Claim, Manifest};
use crate::scenario::{Override, ScenarioConfig, ScenarioSource};
use crate::sweep;
use crate::sweep::ci::MeanCi;

/// The move asked for when none is given: ±20% of each value.
pub const DEFAULT_DELTA: f64 = 0.2;

/// What to measure.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivitySpec {
    /// Scenario, overrides, output folder, threads, charts, command line.
    pub common: CommonSpec,
    /// The metric whose change is measured (a column of `summary.csv`).
    pub metric: String,
    /// Keys to move (dotted paths; `*` matches within one segment, a trailing `*` any
    /// rest); every numeric key of the scenario when empty.
    pub keys: Vec<String>,
    /// The move, as a fraction of each value (0.2 = ±20%), between 0.01 and 0.9.
    pub delta: f64,
    /// Also draw this many points by Latin hypercube over every key's ±delta range at
    /// once, and rank the keys globally by standardised rank regression coefficients.
    pub sample: Option<usize>,
}

impl Default for SensitivitySpec {
    fn default() -> Self {
        SensitivitySpec {
            common: CommonSpec::default(),
            metric: String::new(),
            keys: Vec::new(),
            delta: DEFAULT_DELTA,
            sample: None,
        }
    }
}

/// One key's effect.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyEffect {
    /// The key path.
    pub key: String,
    /// Its value in the scenario.
    pub base: f64,
    /// The value moved down, and up (the same as `base` on a side the validator
    /// refuses even halfway).
    pub low: f64,
    /// See `low`.
    pub high: f64,
    /// The metric's mean at the low and at the high value.
    pub metric_low: f64,
    /// See `metric_low`.
    pub metric_high: f64,
    /// The paired change of the metric from the low to the high value, per
    /// replication, with its 95% CI.
    pub effect: MeanCi,
}

impl KeyEffect {
    /// Whether the effect's interval excludes zero.
    pub fn measurable(&self) -> bool {
        self.effect.n >= 2 && !(self.effect.low() <= 0.0 && 0.0 <= self.effect.high())
    }
}

/// One key's place in the global ranking of a sampled sensitivity.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalEffect {
    /// The key path.
    pub key: String,
    /// Its standardised rank regression coefficient (SRRC): the change of the metric's
    /// rank, in standard deviations, per standard deviation of the key's rank, the other
    /// keys held (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, ch. 1).
    pub srrc: f64,
    /// The coefficient's 95% bootstrap percentile interval.
    pub ci95: (f64, f64),
}

impl GlobalEffect {
    /// Whether the interval excludes zero.
    pub fn measurable(&self) -> bool {
        !(self.ci95.0 <= 0.0 && 0.0 <= self.ci95.1)
    }
}

/// Bootstrap resamples behind a coefficient's interval.
const BOOTSTRAP: usize = 400;

/// The stream of the bootstrap's draws (apart from every model stream).
const BOOTSTRAP_STREAM: u64 = 0x5ee5_0b00;

/// Ranks of `xs` (1-based, ties averaged).
fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut out = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            out[k] = r;
        }
        i = j + 1;
    }
    out
}

/// `xs` standardised to mean 0 and standard deviation 1 (all 0 when constant).
fn standardised(xs: &[f64]) -> Vec<f64> {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0)).sqrt();
    xs.iter()
        .map(|x| if sd > 0.0 { (x - mean) / sd } else { 0.0 })
        .collect()
}

/// Least squares of `y` on the columns `x` (no intercept: all standardised), by the
/// normal equations with partial pivoting; `None` when they are singular.
fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Option<Vec<f64>> {
    let k = x.len();
    let mut a = vec![vec![0.0; k + 1]; k];
    for i in 0..k {
        for j in 0..k {
            a[i][j] = x[i].iter().zip(&x[j]).map(|(p, q)| p * q).sum();
        }
        a[i][k] = x[i].iter().zip(y).map(|(p, q)| p * q).sum();
    }
    for c in 0..k {
        let p = (c..k).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-9 {
            return None;
        }
        a.swap(c, p);
        let pivot = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot[c];
                for (x, p) in row.iter_mut().zip(&pivot).skip(c) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..k).map(|i| a[i][k] / a[i][i]).collect())
}

/// The SRRC of each key column of `x` for `y` over the rows `rows`; a constant key
/// gets 0.
fn srrc(x: &[Vec<f64>], y: &[f64], rows: &[usize]) -> Option<Vec<f64>> {
    let pick = |v: &[f64]| rows.iter().map(|&r| v[r]).collect::<Vec<f64>>();
    let ys = standardised(&ranks(&pick(y)));
    let cols: Vec<Vec<f64>> = x.iter().map(|c| standardised(&ranks(&pick(c)))).collect();
    let live: Vec<usize> = (0..cols.len())
        .filter(|&j| cols[j].iter().any(|v| *v != 0.0))
        .collect();
    let beta = least_squares(
        &live.iter().map(|&j| cols[j].clone()).collect::<Vec<_>>(),
        &ys,
    )?;
    let mut out = vec![0.0; cols.len()];
    for (b, &j) in beta.iter().zip(&live) {
        out[j] = *b;
    }
    Some(out)
}

/// The global ranking: SRRCs over the sample with bootstrap percentile intervals.
fn global_ranking(keys: &[String], x: &[Vec<f64>], y: &[f64], seed: u64) -> Vec<GlobalEffect> {
    use rand::Rng;
    let n = y.len();
    let all: Vec<usize> = (0..n).collect();
    let Some(point) = srrc(x, y, &all) else {
        return Vec::new();
    };
    let mut rng = crate::engine::stream_rng(seed, 0, 0, BOOTSTRAP_STREAM);
    let mut draws: Vec<Vec<f64>> = vec![Vec::with_capacity(BOOTSTRAP); keys.len()];
    for _ in 0..BOOTSTRAP {
        let rows: Vec<usize> = (0..n).map(|_| rng.random_range(0..n)).collect();
        if let Some(b) = srrc(x, y, &rows) {
            for (d, v) in draws.iter_mut().zip(b) {
                d.push(v);
            }
        }
    }
    let mut out: Vec<GlobalEffect> = keys
        .iter()
        .zip(point)
        .zip(draws)
        .map(|((k, s), mut d)| {
            d.sort_by(f64::total_cmp);
            let q = |p: f64| {
                d.get(((d.len() as f64 - 1.0) * p).round() as usize)
                    .copied()
                    .unwrap_or(f64::NAN)
            };
            GlobalEffect {
                key: k.clone(),
                srrc: s,
                ci95: (q(0.025), q(0.975)),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.measurable()
            .cmp(&a.measurable())
            .then(b.srrc.abs().total_cmp(&a.srrc.abs()))
            .then(a.key.cmp(&b.key))
    });
    out
}

/// What a sensitivity job found.
#[derive(Debug, Clone)]
pub struct SensitivityReport {
    /// The base scenario after overrides.
    pub config: ScenarioConfig,
    /// The metric measured.
    pub metric: Metric,
    /// The move asked for.
    pub delta: f64,
    /// Every key's effect, the largest first (measurable before not).
    pub ranking: Vec<KeyEffect>,
    /// With a sample: the global ranking, largest coefficient first.
    pub global: Vec<GlobalEffect>,
    /// With a sample: points drawn, and those the validator refused (left out).
    pub sample_points: (usize, usize),
    /// Which assumption would change the conclusion, in one sentence.
    pub sentence: String,
    /// The output folder and what was written there.
    pub output: Output,
    /// Wall time of the whole job.
    pub wall_time: Duration,
}

/// Every numeric key of `table` as a dotted path with its value: entries of arrays of
/// tables by their `name`; the `[simulation]` settings of the run itself (seed,
/// replications, horizon, warm-up, version) and the `[sweep]` table left out.
fn numeric_keys(table: &toml::Table) -> Vec<(String, f64, bool)> {
    fn walk(prefix: &str, v: &toml::Value, out: &mut Vec<(String, f64, bool)>) {
        match v {
            toml::Value::Integer(i) => out.push((prefix.to_string(), *i as f64, true)),
            toml::Value::Float(x) => out.push((prefix.to_string(), *x, false)),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    walk(&format!("{prefix}.{k}"), v, out);
                }
            }
            toml::Value::Array(a) => {
                for e in a {
                    if let Some(name) = e.get("name").and_then(|n| n.as_str()) {
                        walk(&format!("{prefix}.{name}"), e, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (k, v) in table {
        if matches!(k.as_str(), "sweep" | "version") {
            continue;
        }
        walk(k, v, &mut out);
    }
    out.retain(|(k, _, _)| {
        !matches!(
            k.as_str(),
            "simulation.seed"
                | "simulation.replications"
                | "simulation.horizon_weeks"
                | "simulation.warmup_weeks"
        )
    });
    out
}

/// Whether `key` matches `pattern` (`*` a whole segment, or any rest when last).
fn matches(pattern: &str, key: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let k: Vec<&str> = key.split('.').collect();
    for (i, seg) in p.iter().enumerate() {
        if *seg == "*" && i == p.len() - 1 {
            return k.len() >= p.len();
        }
        match k.get(i) {
            Some(s) if *seg == "*" || seg == s => {}
            _ => return false,
        }
    }
    k.len() == p.len()
}

/// A value moved by `factor` (an integer stays one, and moves by at least 1).
fn moved(base: f64, integer: bool, factor: f64) -> toml::Value {
    let x = base * factor;
    if integer {
        let mut i = x.round() as i64;
        if i == base as i64 {
            i += if factor > 1.0 { 1 } else { -1 };
        }
        toml::Value::Integer(i)
    } else {
        toml::Value::Float(x)
    }
}

/// A moved value as people write it: the float noise of the move (`2.8000000000000003`)
/// rounded away at nine decimals.
fn short(x: f64) -> String {
    let r = (x * 1e9).round() / 1e9;
    if r.is_finite() {
        format!("{r}")
    } else {
        format!("{x}")
    }
}

fn number(v: &toml::Value) -> f64 {
    match v {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(x) => *x,
        _ => f64::NAN,
    }
}

/// Runs the side of `key` moved by `factor`, pulling the move halfway back (twice at
/// most) while the validator refuses it; `None` when every try is refused.
#[allow(clippy::too_many_arguments)]
fn side(
    source: &ScenarioSource,
    base: &[Override],
    key: &str,
    value: f64,
    integer: bool,
    factor: f64,
    threads: usize,
    metric: Metric,
) -> Result<Option<(f64, Vec<f64>)>, JobError> {
    let mut f = factor;
    for _ in 0..3 {
        let v = moved(value, integer, f);
        let mut o = base.to_vec();
        o.push(Override::new(key, v.clone()).from_option("--keys"));
        if let Ok(cfg) = source.resolve(&o) {
            let runs = sweep::run_replications(&cfg, false, threads)?;
            return Ok(Some((
                number(&v),
                runs.iter().map(|r| r.summary[metric]).collect(),
            )));
        }
        f = 1.0 + (f - 1.0) / 2.0;
    }
    Ok(None)
}

/// Runs the sensitivity job (see the module documentation) and writes
/// `sensitivity.csv`, the tornado chart and `manifest.json`.
pub fn sensitivity(spec: &SensitivitySpec) -> Result<SensitivityReport, JobError> {
    sensitivity_job(spec, true)
}

/// The same answer computed without writing anything (for the workshop's answers): the
/// report's `output` is empty.
pub(super) fn sensitivity_in_memory(spec: &SensitivitySpec) -> Result<SensitivityReport, JobError> {
    sensitivity_job(spec, false)
}

/// The job, writing its folder when `write`.
fn sensitivity_job(spec: &SensitivitySpec, write: bool) -> Result<SensitivityReport, JobError> {
    let started = Instant::now();
    let c = &spec.common;
    let usage = |m: String| JobError::Usage(super::UsageError::Plan(m));
    let metric = super::plan::parse_metric(&spec.metric, "--metric").map_err(usage)?;
    if !(0.01..=0.9).contains(&spec.delta) {
        return Err(usage(format!(
            "--delta {}: between 1% and 90% (0.01 to 0.9)",
            spec.delta
        )));
    }
    let (source, base, cfg) = prepare(c)?;
    let threads = threads(c.threads)?;
    let table = source.resolved_table(&base)?;
    let all = numeric_keys(&table);
    let keys: Vec<(String, f64, bool)> = if spec.keys.is_empty() {
        all
    } else {
        let mut picked = Vec::new();
        for pattern in &spec.keys {
            let found: Vec<_> = all.iter().filter(|(k, _, _)| matches(pattern, k)).collect();
            if found.is_empty() {
                return Err(usage(format!(
                    "--keys {pattern}: no numeric key of the scenario matches (keys are dotted paths as for --set, e.g. teams.core.members.london or services.*.page_rate_per_week)"
                )));
            }
            for k in found {
                if !picked
                    .iter()
                    .any(|(p, _, _): &(String, f64, bool)| p == &k.0)
                {
                    picked.push(k.clone());
                }
            }
        }
        picked
    };
    let mut estimate = super::estimate_all(&[&cfg], false);
    estimate.runs *= 2 * keys.len() as u64;
    estimate.events *= 2.0 * keys.len() as f64;
    estimate.check(c.force)?;
    let out = if write {
        Some(claim(
            &out_dir(c.out.as_deref(), &cfg.name, "-sensitivity"),
            Claim::Replace,
        )?)
    } else {
        None
    };

    let mut ranking = Vec::new();
    for (key, value, integer) in &keys {
        let run = |factor| {
            side(
                &source, &base, key, *value, *integer, factor, threads, metric,
            )
        };
        let down = run(1.0 - spec.delta)?;
        let up = run(1.0 + spec.delta)?;
        let at_base = || -> Result<(f64, Vec<f64>), JobError> {
            let runs = sweep::run_replications(&cfg, false, threads)?;
            Ok((*value, runs.iter().map(|r| r.summary[metric]).collect()))
        };
        let (low, high) = match (down, up) {
            (Some(d), Some(u)) => (d, u),
            (Some(d), None) => (d, at_base()?),
            (None, Some(u)) => (at_base()?, u),
            (None, None) => continue,
        };
        let n = low.1.len().min(high.1.len());
        ranking.push(KeyEffect {
            key: key.clone(),
            base: *value,
            low: low.0,
            high: high.0,
            metric_low: MeanCi::of(low.1.iter().copied()).mean,
            metric_high: MeanCi::of(high.1.iter().copied()).mean,
            effect: MeanCi::of((0..n).map(|i| high.1[i] - low.1[i])),
        });
    }
    ranking.sort_by(|a, b| {
        b.measurable()
            .cmp(&a.measurable())
            .then(b.effect.mean.abs().total_cmp(&a.effect.mean.abs()))
            .then(a.key.cmp(&b.key))
    });
    let (global, sample_points) = match spec.sample {
        None => (Vec::new(), (0, 0)),
        Some(n) => sample(&source, &base, &cfg, &keys, spec.delta, n, threads, metric)?,
    };
    let mut sentence = sentence(metric, spec.delta, &ranking);
    if let Some(g) = global.first().filter(|g| g.measurable()) {
        sentence.push_str(&format!(
            " Over a Latin hypercube of {} points moving every key at once, {} ranks first (SRRC {:.2} [{:.2}, {:.2}]).",
            sample_points.0 - sample_points.1,
            g.key,
            g.srrc,
            g.ci95.0,
            g.ci95.1
        ));
    }
    let output = match out {
        None => Output {
            dir: std::path::PathBuf::new(),
            files: Vec::new(),
            charts: None,
        },
        Some(mut out) => {
            let stage = out.staging().map_err(JobError::Report)?;
            report::write_atomic(
                &stage.join(SENSITIVITY_CSV),
                &sensitivity_csv(metric, &ranking).map_err(JobError::Report)?,
            )
            .map_err(JobError::Report)?;
            let mut files = vec![SENSITIVITY_CSV.to_string()];
            if !global.is_empty() {
                report::write_atomic(
                    &stage.join(SENSITIVITY_GLOBAL_CSV),
                    &global_csv(metric, &global).map_err(JobError::Report)?,
                )
                .map_err(JobError::Report)?;
                files.push(SENSITIVITY_GLOBAL_CSV.into());
            }
            files.push("manifest.json".into());
            let mut m = Manifest {
                scenario_origin: Some(source.origin().to_string()),
                scenario_text: Some(source.text().to_string()),
                resolved_scenario: Some(cfg.clone()),
                wall_time_seconds: started.elapsed().as_secs_f64(),
                files,
                ..manifest(&c.command_line, &base, &cfg, threads)
            };
            finish(out, &mut m, c.no_charts)?
        }
    };
    Ok(SensitivityReport {
        config: cfg,
        metric,
        delta: spec.delta,
        ranking,
        global,
        sample_points,
        sentence,
        output,
        wall_time: started.elapsed(),
    })
}

/// The sampled, global part: `n` points by Latin hypercube over every key's ±delta
/// range, each run at the scenario's replications; the metric's mean per point is
/// regressed on the keys' values, by rank. Returns the ranking, and the points drawn and
/// refused.
#[allow(clippy::too_many_arguments)]
fn sample(
    source: &ScenarioSource,
    base: &[Override],
    cfg: &ScenarioConfig,
    keys: &[(String, f64, bool)],
    delta: f64,
    n: usize,
    threads: usize,
    metric: Metric,
) -> Result<(Vec<GlobalEffect>, (usize, usize)), JobError> {
    let usage = |m: String| JobError::Usage(super::UsageError::Plan(m));
    if n < keys.len() + 10 {
        return Err(usage(format!(
            "--sample {n}: at least the number of keys plus 10 ({}) points for a regression over {} keys; name fewer with --keys",
            keys.len() + 10,
            keys.len()
        )));
    }
    let mut axes = Vec::new();
    for (key, value, integer) in keys {
        let (lo, hi) = (value * (1.0 - delta), value * (1.0 + delta));
        let spec = if *integer {
            let (lo, hi) = (
                lo.round() as i64,
                (hi.round() as i64).max(lo.round() as i64 + 1),
            );
            format!("{key}={lo}..{hi}:1")
        } else if hi > lo {
            format!("{key}={lo:?}..{hi:?}:{:?}", hi - lo)
        } else {
            format!("{key}={value:?}")
        };
        axes.push(sweep::parse_vary(&spec)?);
    }
    let plan = sweep::SweepPlan::latin_hypercube(axes, n, cfg.simulation.seed)?;
    let mut cfgs = Vec::new();
    let mut x: Vec<Vec<f64>> = vec![Vec::new(); keys.len()];
    let mut refused = 0;
    for p in 0..plan.points.len() {
        let mut o = base.to_vec();
        let point = plan.overrides(p);
        o.extend(point.iter().cloned());
        match source.resolve(&o) {
            Ok(c) => {
                for (col, ov) in x.iter_mut().zip(&point) {
                    col.push(number(ov.value()));
                }
                cfgs.push(c);
            }
            Err(_) => refused += 1,
        }
    }
    if cfgs.len() < keys.len() + 10 {
        return Err(usage(format!(
            "--sample {n}: the validator refused {refused} of the {n} points, too few are left for the regression; lower --delta"
        )));
    }
    let refs: Vec<&ScenarioConfig> = cfgs.iter().collect();
    let runs = sweep::run_many(&refs, false, threads)?;
    let y: Vec<f64> = runs
        .iter()
        .map(|rs| MeanCi::of(rs.iter().map(|r| r.summary[metric])).mean)
        .collect();
    let names: Vec<String> = keys.iter().map(|k| k.0.clone()).collect();
    Ok((
        global_ranking(&names, &x, &y, cfg.simulation.seed),
        (n, refused),
    ))
}

/// The ranking in one sentence: the key whose move changes the metric most.
fn sentence(metric: Metric, delta: f64, ranking: &[KeyEffect]) -> String {
    let key = metric.key();
    let fmt = |x: f64| crate::report::format::metric_number(metric, x);
    match ranking.first().filter(|e| e.measurable()) {
        Some(e) => {
            let mut s = format!(
                "{key} depends most on {}: moving it from {} to {} (±{:.0}%) changes {key} by {} [{}, {}].",
                e.key,
                short(e.low),
                short(e.high),
                100.0 * delta,
                fmt(e.effect.mean),
                fmt(e.effect.low()),
                fmt(e.effect.high())
            );
            if let Some(next) = ranking.get(1).filter(|e| e.measurable()) {
                s.push_str(&format!(
                    " Next: {} ({}). If {} is wrong, the conclusion on {key} is the first to move.",
                    next.key,
                    fmt(next.effect.mean),
                    e.key
                ));
            }
            let none = ranking.iter().filter(|e| !e.measurable()).count();
            if none > 0 {
                s.push_str(&format!(
                    " {none} of {} keys have no measurable effect at these replications.",
                    ranking.len()
                ));
            }
            s
        }
        None => format!(
            "No key moved by ±{:.0}% has a measurable effect on {key} at these replications.",
            100.0 * delta
        ),
    }
}

/// `sensitivity_global.csv`: one row per key of a sampled sensitivity, the largest
/// coefficient first.
fn global_csv(metric: Metric, global: &[GlobalEffect]) -> Result<Vec<u8>, report::ReportError> {
    let encode = |e: csv::Error| report::ReportError::Encode {
        path: SENSITIVITY_GLOBAL_CSV.into(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "key",
        "metric",
        "srrc",
        "srrc_ci95_low",
        "srrc_ci95_high",
        "measurable",
    ])
    .map_err(encode)?;
    for (i, g) in global.iter().enumerate() {
        w.write_record([
            (i + 1).to_string(),
            g.key.clone(),
            metric.key().to_string(),
            g.srrc.to_string(),
            g.ci95.0.to_string(),
            g.ci95.1.to_string(),
            g.measurable().to_string(),
        ])
        .map_err(encode)?;
    }
    w.into_inner().map_err(|e| report::ReportError::Encode {
        path: SENSITIVITY_GLOBAL_CSV.into(),
        message: e.to_string(),
    })
}

/// `sensitivity.csv`: one row per key, the largest effect first.
fn sensitivity_csv(metric: Metric, ranking: &[KeyEffect]) -> Result<Vec<u8>, report::ReportError> {
    let encode = |e: csv::Error| report::ReportError::Encode {
        path: SENSITIVITY_CSV.into(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "key",
        "metric",
        "base_value",
        "low_value",
        "high_value",
        "metric_at_low",
        "metric_at_high",
        "effect",
        "effect_ci95_low",
        "effect_ci95_high",
        "n",
        "measurable",
    ])
    .map_err(encode)?;
    for (i, e) in ranking.iter().enumerate() {
        w.write_record([
            (i + 1).to_string(),
            e.key.clone(),
            metric.key().to_string(),
            e.base.to_string(),
            e.low.to_string(),
            e.high.to_string(),
            e.metric_low.to_string(),
            e.metric_high.to_string(),
            e.effect.mean.to_string(),
            e.effect.low().to_string(),
            e.effect.high().to_string(),
            e.effect.n.to_string(),
            e.measurable().to_string(),
        ])
        .map_err(encode)?;
    }
    w.into_inner().map_err(|e| report::ReportError::Encode {
        path: SENSITIVITY_CSV.into(),
        message: e.to_string(),
    })
}

impl SensitivityReport {
    /// With a sample: the global ranking as a table; `None` without one.
    pub fn global_table(&self) -> Option<String> {
        use std::fmt::Write as _;
        if self.global.is_empty() {
            return None;
        }
        let width = self
            .global
            .iter()
            .map(|g| g.key.len())
            .max()
            .unwrap_or(3)
            .max(3);
        let mut s = format!(
            "global ranking over {} sampled points ({} refused):\n{:>4} {:<width$} {:>24}\n",
            self.sample_points.0 - self.sample_points.1,
            self.sample_points.1,
            "rank",
            "key",
            "SRRC [95% bootstrap CI]"
        );
        for (i, g) in self.global.iter().enumerate() {
            let cell = format!(
                "{:.2} [{:.2}, {:.2}]{}",
                g.srrc,
                g.ci95.0,
                g.ci95.1,
                if g.measurable() { "" } else { " –" }
            );
            let _ = writeln!(s, "{:>4} {:<width$} {:>24}", i + 1, g.key, cell);
        }
        Some(s)
    }

    /// The ranking as a table: rank, key, low and high value, the effect with its CI,
    /// and whether it is measurable.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let fmt = |x: f64| crate::report::format::metric_number(self.metric, x);
        let width = self
            .ranking
            .iter()
            .map(|e| e.key.len())
            .max()
            .unwrap_or(3)
            .max(3);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{:>4} {:<width$} {:>10} {:>10} {:>28}",
            "rank",
            "key",
            "low",
            "high",
            format!("effect on {} [95% CI]", self.metric.key())
        );
        for (i, e) in self.ranking.iter().enumerate() {
            let effect = format!(
                "{} [{}, {}]{}",
                fmt(e.effect.mean),
                fmt(e.effect.low()),
                fmt(e.effect.high()),
                if e.measurable() { "" } else { " –" }
            );
            let _ = writeln!(
                s,
                "{:>4} {:<width$} {:>10} {:>10} {:>28}",
                i + 1,
                e.key,
                short(e.low),
                short(e.high),
                effect
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_patterns_match_whole_segments() {
        assert!(matches(
            "services.*.page_rate_per_week",
            "services.cart.page_rate_per_week"
        ));
        assert!(!matches(
            "services.*.page_rate_per_week",
            "services.cart.tier"
        ));
        assert!(matches("teams.core.*", "teams.core.members.london"));
        assert!(!matches("teams.core", "teams.core.members.london"));
    }

    #[test]
    fn srrc_recovers_a_known_ranking() {
        // y = 3 a - b + 0 c on a fixed design: a first, b second and negative, c none.
        let n = 60;
        let a: Vec<f64> = (0..n).map(|i| ((i * 7) % n) as f64).collect();
        let b: Vec<f64> = (0..n).map(|i| ((i * 11) % n) as f64).collect();
        let c: Vec<f64> = (0..n).map(|i| ((i * 13) % n) as f64).collect();
        let y: Vec<f64> = (0..n).map(|i| 3.0 * a[i] - b[i]).collect();
        let keys = ["a".to_string(), "b".to_string(), "c".to_string()];
        let g = global_ranking(&keys, &[a, b, c], &y, 1);
        assert_eq!(g[0].key, "a");
        assert!(g[0].srrc > 0.8, "{g:?}");
        assert_eq!(g[1].key, "b");
        assert!(g[1].srrc < 0.0 && g[1].measurable(), "{g:?}");
        assert_eq!(g[2].key, "c");
        assert!(!g[2].measurable(), "{g:?}");
    }

    #[test]
    fn ranks_average_ties() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn an_integer_moves_by_at_least_one() {
        assert_eq!(moved(2.0, true, 1.2), toml::Value::Integer(3));
        assert_eq!(moved(2.0, true, 0.8), toml::Value::Integer(1));
        assert_eq!(moved(10.0, true, 1.2), toml::Value::Integer(12));
        assert_eq!(moved(2.5, false, 1.2), toml::Value::Float(3.0));
    }
}
