//! The plan job: the smallest value of a key (a head count, say) for which the
//! probability that every target holds, across replications, reaches the asked
//! confidence — or, over two keys, the cheapest pair and the frontier — or why no value
//! in the range does.
//!
//! A replication passes when each target (`METRIC<=VALUE`) holds for it, its metric
//! taken for the worst SRE team, one team or the whole organisation. The probability is
//! the share of passing replications with its 95% Wilson interval. Every value of the
//! key runs on the same seeds (common random numbers), and passing is taken to be
//! monotone along the range as given (cheapest first), so a bisection finds the answer
//! without running every value; `every` runs them all instead. Near the boundary
//! replications double until the interval clears the confidence or the cap is reached,
//! which the answer then says.

use std::fmt;
use std::time::{Duration, Instant};

use super::{claim, finish, manifest, out_dir, prepare, threads, CommonSpec, JobError, Output};
use crate::model::{Metric, RunResult};
use crate::report::files::{PLAN_CSV, TIMELINE_CSV};
use crate::report::{self, Claim, Manifest};
use crate::scenario::{Override, ScenarioConfig, ScenarioSource};
use crate::sweep::ci::{wilson_95, MeanCi};
use crate::sweep::{self, plan::value_text, Axis};

/// The confidence asked for when none is given.
pub const DEFAULT_CONFIDENCE: f64 = 0.95;

/// Replications per value at most, unless the spec says otherwise.
pub const DEFAULT_PLAN_REPLICATIONS: u32 = 400;

/// The metrics a timeline (`--by`) can check period by period: those the weekly
/// series carries (`weekly.csv`).
pub const PERIOD_METRICS: [Metric; 6] = [
    Metric::OpsLoadFrac,
    Metric::PagesPerShiftMean,
    Metric::OncallTimeFrac,
    Metric::WorstTeamOpsLoadFrac,
    Metric::WorstTeamPagesPerShiftMean,
    Metric::WorstTeamOncallTimeFrac,
];

/// One period of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// `Q1`, `M1`, `W1`, … from the start of the statistics window.
    pub label: String,
    /// Its first week (from 0) and the week after its last.
    pub weeks: (u64, u64),
    /// Replications of the scenario as given, and the share in which every target held
    /// in this period, with its 95% Wilson interval.
    pub base_replications: u64,
    /// The share of the scenario's own replications meeting every target.
    pub base_probability: f64,
    /// Its interval.
    pub base_probability_ci95: (f64, f64),
    /// The trial of the smallest value meeting every target in this period with the
    /// confidence, `None` when no value in the range does.
    pub answer: Option<usize>,
    /// The share of that value's replications meeting every target in this period.
    pub probability: f64,
}

/// Engineers to ask for, and by when.
#[derive(Debug, Clone, PartialEq)]
pub struct Requisition {
    /// The week (from 0) by which the requisition must open: the period's first week
    /// less the longest lead time and ramp-up of `[people]`.
    pub open_by_week: f64,
    /// Engineers it asks for.
    pub count: i64,
    /// The period that needs them.
    pub period: String,
}

/// What to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSpec {
    /// Scenario, overrides, output folder, threads, charts, command line; its
    /// replications are the starting count per value.
    pub common: CommonSpec,
    /// One or two keys with their ranges, `KEY=START..END[:STEP]` or `KEY=V1,V2,...`,
    /// cheapest value first.
    pub over: Vec<String>,
    /// Targets, `METRIC<=VALUE` (also `<`, `>=`, `>`), any metric of the catalogue.
    pub targets: Vec<String>,
    /// The probability that every target holds that the answer must reach (0.5 to 0.999).
    pub confidence: f64,
    /// Whose figures a target reads: `worst-team` (default), `team:NAME` or `all`.
    pub scope: String,
    /// Replications per value at most.
    pub max_replications: u32,
    /// Run every value (every pair) instead of bisecting.
    pub every: bool,
    /// A timeline by `quarter`, `month` or `week` (one key): per period, the chance
    /// that the targets hold at the scenario's own value and the smallest value that
    /// meets them, and when requisitions must open.
    pub by: Option<String>,
}

impl Default for PlanSpec {
    fn default() -> Self {
        PlanSpec {
            common: CommonSpec::default(),
            over: Vec::new(),
            targets: Vec::new(),
            confidence: DEFAULT_CONFIDENCE,
            scope: "worst-team".into(),
            max_replications: DEFAULT_PLAN_REPLICATIONS,
            every: false,
            by: None,
        }
    }
}

/// How a target compares a replication's figure with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// At most.
    Le,
    /// Below.
    Lt,
    /// At least.
    Ge,
    /// Above.
    Gt,
}

impl Op {
    fn holds(self, x: f64, v: f64) -> bool {
        match self {
            Op::Le => x <= v,
            Op::Lt => x < v,
            Op::Ge => x >= v,
            Op::Gt => x > v,
        }
    }

    /// Whether a higher figure is the worse one.
    fn higher_is_worse(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        }
    }
}

/// One target: a metric, a comparison and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// The metric of the catalogue.
    pub metric: Metric,
    /// The comparison.
    pub op: Op,
    /// The value compared with.
    pub value: f64,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.metric.key(), self.op.symbol(), self.value)
    }
}

/// Parses `METRIC<=VALUE` (or `<`, `>=`, `>`).
pub fn parse_target(text: &str) -> Result<Target, String> {
    let ops = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
    let Some((at, sym, op)) = ops
        .iter()
        .filter_map(|&(s, op)| text.find(s).map(|i| (i, s, op)))
        .min_by_key(|&(i, s, _)| (i, usize::MAX - s.len()))
    else {
        return Err(format!(
            "--target {text:?}: expected METRIC<=VALUE, e.g. pages_per_shift_p95<=2 or ops_load_frac<=0.5"
        ));
    };
    let key = text[..at].trim();
    let value_text = text[at + sym.len()..].trim();
    let metric = parse_metric(key, &format!("--target {text:?}"))?;
    let value: f64 = value_text
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| format!("--target {text:?}: `{value_text}` is not a finite number"))?;
    Ok(Target { metric, op, value })
}

/// The metric of the catalogue named `key` (a column of `summary.csv`); the error
/// names `option` and the closest metric.
pub fn parse_metric(key: &str, option: &str) -> Result<Metric, String> {
    Metric::ALL
        .iter()
        .copied()
        .find(|m| m.key() == key)
        .ok_or_else(|| {
            let keys: Vec<&str> = Metric::ALL.iter().map(|m| m.key()).collect();
            let near = crate::scenario::closest(key, &keys);
            let hint = near.map_or(String::new(), |n| format!("; did you mean `{n}`?"));
            format!("{option}: `{key}` is not a metric (the columns of summary.csv){hint}")
        })
}

/// Whose figures a target reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The SRE team with the worst figure in each replication (for a metric that has a
    /// value per team; otherwise the whole organisation's).
    WorstTeam,
    /// One team, by name.
    Team(String),
    /// The whole organisation's figure (`summary.csv`).
    All,
}

/// Parses `worst-team`, `team:NAME` or `all`.
pub fn parse_scope(text: &str) -> Result<Scope, String> {
    match text {
        "worst-team" => Ok(Scope::WorstTeam),
        "all" => Ok(Scope::All),
        t => match t.strip_prefix("team:") {
            Some(name) if !name.is_empty() => Ok(Scope::Team(name.to_string())),
            _ => Err(format!(
                "--scope {text:?}: expected worst-team, team:NAME or all"
            )),
        },
    }
}

/// What a value's replications say about the targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The probability's interval lies at or above the confidence.
    Meets,
    /// The interval lies below the confidence.
    Fails,
    /// The interval still holds the confidence at the replication cap; the estimate
    /// decides (at or above: `true`).
    Undecided(bool),
}

impl Verdict {
    /// Whether the value counts as meeting the targets.
    pub fn passes(self) -> bool {
        matches!(self, Verdict::Meets | Verdict::Undecided(true))
    }

    /// As `plan.csv` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Meets => "meets",
            Verdict::Fails => "fails",
            Verdict::Undecided(true) => "undecided_meets",
            Verdict::Undecided(false) => "undecided_fails",
        }
    }
}

/// One value (or pair) tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// The value of each key, in key order.
    pub values: Vec<toml::Value>,
    /// Replications run.
    pub replications: u64,
    /// Replications in which every target held.
    pub passes: u64,
    /// `passes / replications`.
    pub probability: f64,
    /// The probability's 95% Wilson interval.
    pub probability_ci95: (f64, f64),
    /// Per target: its metric's mean (in the target's scope) with its 95% CI.
    pub target_means: Vec<MeanCi>,
    /// Per target: the share of replications in which it held.
    pub target_probability: Vec<f64>,
    /// Mean SRE head count over the window.
    pub engineers_mean: f64,
    /// Mean cost per year (0 when the scenario sets no cost).
    pub cost_per_year: f64,
    /// What the replications say.
    pub verdict: Verdict,
    /// With a timeline: per period, the replications in which every target held.
    pub period_passes: Vec<u64>,
    /// Per target, per replication: the figure (for paired differences).
    figures: Vec<Vec<f64>>,
}

/// A target no value in the range meets.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocking {
    /// The target.
    pub target: Target,
    /// Its metric's mean at the value that did best for it.
    pub best: f64,
    /// The value (of each key) where it did best.
    pub best_at: Vec<toml::Value>,
    /// The paired difference of its metric between the last and the first value of
    /// the range (one key), or `None` with two keys.
    pub change: Option<MeanCi>,
}

impl Blocking {
    /// Whether moving the key moves the metric at all (the paired difference's
    /// interval excludes zero).
    pub fn moves(&self) -> bool {
        self.change
            .is_none_or(|d| !(d.low() <= 0.0 && 0.0 <= d.high()))
    }
}

/// What a plan found.
#[derive(Debug, Clone)]
pub struct PlanReport {
    /// The base scenario after overrides.
    pub config: ScenarioConfig,
    /// The keys planned over.
    pub keys: Vec<String>,
    /// The targets.
    pub targets: Vec<Target>,
    /// The confidence asked for.
    pub confidence: f64,
    /// Whose figures the targets read.
    pub scope: Scope,
    /// Every value (pair) tried, in the order of the range (first key slowest).
    pub trials: Vec<Trial>,
    /// The answer's trial, `None` when no value meets the targets.
    pub answer: Option<usize>,
    /// With one key: the trial of the value just before the answer (the margin).
    pub below: Option<usize>,
    /// With two keys: per value of the first key, the trial of the smallest value of
    /// the second that meets the targets.
    pub frontier: Vec<usize>,
    /// When infeasible: the targets not met, and why.
    pub blocking: Vec<Blocking>,
    /// With `--by`: one entry per period.
    pub timeline: Vec<Period>,
    /// With `--by`: the requisitions the timeline asks for, earliest first.
    pub requisitions: Vec<Requisition>,
    /// The answer in one or two sentences.
    pub sentence: String,
    /// The output folder and what was written there.
    pub output: Output,
    /// Wall time of the whole job.
    pub wall_time: Duration,
}

impl PlanReport {
    /// The values tried as a table: the keys, replications, the probability that every
    /// target holds with its interval, the verdict, and each target's mean; the answer
    /// marked `<`.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        for k in &self.keys {
            let _ = write!(s, "{:>w$} ", k, w = k.len().max(8));
        }
        let _ = write!(
            s,
            "{:>6} {:>24} {:>16}",
            "n", "P(all targets) [95% CI]", "verdict"
        );
        for t in &self.targets {
            let _ = write!(
                s,
                " {:>w$}",
                t.metric.key(),
                w = t.metric.key().len().max(10)
            );
        }
        let _ = writeln!(s);
        for (i, t) in self.trials.iter().enumerate() {
            for (k, v) in self.keys.iter().zip(&t.values) {
                let _ = write!(s, "{:>w$} ", value_text(v), w = k.len().max(8));
            }
            let p = format!(
                "{:.1}% [{:.1}, {:.1}]",
                100.0 * t.probability,
                100.0 * t.probability_ci95.0,
                100.0 * t.probability_ci95.1
            );
            let _ = write!(
                s,
                "{:>6} {:>24} {:>16}",
                t.replications,
                p,
                t.verdict.as_str()
            );
            for (target, m) in self.targets.iter().zip(&t.target_means) {
                let w = target.metric.key().len().max(10);
                let _ = write!(
                    s,
                    " {:>w$}",
                    crate::report::format::metric_number(target.metric, m.mean)
                );
            }
            if Some(i) == self.answer {
                s.push_str("  <");
            }
            let _ = writeln!(s);
        }
        s
    }
}

/// Evaluates values of the keys, each once, on the same seeds.
struct Evaluator<'a> {
    source: &'a ScenarioSource,
    base: &'a [Override],
    axes: &'a [Axis],
    targets: &'a [Target],
    scope: &'a Scope,
    confidence: f64,
    start: u32,
    cap: u32,
    threads: usize,
    /// The timeline's periods, as `[from, to)` weeks; empty without one.
    periods: &'a [(u64, u64)],
    /// By point index (first key slowest).
    done: Vec<Option<Trial>>,
}

impl Evaluator<'_> {
    /// The value index of each key at point `p`.
    fn indices(&self, p: usize) -> Vec<usize> {
        let mut rest = p;
        let mut out = vec![0; self.axes.len()];
        for (i, a) in self.axes.iter().enumerate().rev() {
            out[i] = rest % a.values.len();
            rest /= a.values.len();
        }
        out
    }

    fn point(&self, idx: &[usize]) -> usize {
        idx.iter()
            .zip(self.axes)
            .fold(0, |p, (&i, a)| p * a.values.len() + i)
    }

    /// The figure a target reads in one replication.
    fn figure(&self, t: &Target, r: &RunResult) -> f64 {
        let def = t.metric.def();
        let sre = r.teams.iter().filter(|x| x.kind == "sre");
        match self.scope {
            Scope::All => r.summary[t.metric],
            Scope::WorstTeam if def.per_team => {
                let xs = sre.map(|x| x[t.metric]).filter(|x| x.is_finite());
                if t.op.higher_is_worse() {
                    xs.fold(f64::NAN, f64::max)
                } else {
                    xs.fold(f64::NAN, f64::min)
                }
            }
            Scope::WorstTeam => r.summary[t.metric],
            Scope::Team(name) if def.per_team => r
                .teams
                .iter()
                .find(|x| &x.team == name)
                .map_or(f64::NAN, |x| x[t.metric]),
            Scope::Team(_) => r.summary[t.metric],
        }
    }

    /// The figure a target reads in weeks `[from, to)` of one replication, from the
    /// weekly series of the SRE teams (see [`PERIOD_METRICS`]).
    fn period_figure(&self, t: &Target, r: &RunResult, from: u64, to: u64) -> f64 {
        let sre: Vec<&str> = r
            .teams
            .iter()
            .filter(|x| x.kind == "sre")
            .map(|x| x.team.as_str())
            .collect();
        // Per team: (numerator, denominator) summed over the period's weeks.
        let mut per_team: Vec<(&str, f64, f64)> = Vec::new();
        for w in r.weekly.iter().filter(|w| (from..to).contains(&w.week)) {
            if !sre.contains(&w.team.as_str()) {
                continue;
            }
            let (num, den) = match t.metric {
                Metric::OpsLoadFrac | Metric::WorstTeamOpsLoadFrac => {
                    (w.ops_hours, w.capacity_hours)
                }
                Metric::PagesPerShiftMean | Metric::WorstTeamPagesPerShiftMean => {
                    (w.incidents as f64, w.shifts as f64)
                }
                _ => (
                    w.oncall_time_frac * f64::from(w.headcount),
                    f64::from(w.headcount),
                ),
            };
            match per_team.iter_mut().find(|e| e.0 == w.team) {
                Some(e) => {
                    e.1 += num;
                    e.2 += den;
                }
                None => per_team.push((w.team.as_str(), num, den)),
            }
        }
        let ratio = |n: f64, d: f64| if d > 0.0 { n / d } else { f64::NAN };
        let worst = matches!(
            t.metric,
            Metric::WorstTeamOpsLoadFrac
                | Metric::WorstTeamPagesPerShiftMean
                | Metric::WorstTeamOncallTimeFrac
        );
        match self.scope {
            Scope::Team(name) if !worst => per_team
                .iter()
                .find(|e| e.0 == name)
                .map_or(f64::NAN, |e| ratio(e.1, e.2)),
            Scope::All if !worst => {
                let (n, d) = per_team
                    .iter()
                    .fold((0.0, 0.0), |a, e| (a.0 + e.1, a.1 + e.2));
                ratio(n, d)
            }
            _ => {
                let xs = per_team
                    .iter()
                    .map(|e| ratio(e.1, e.2))
                    .filter(|x| x.is_finite());
                if t.op.higher_is_worse() {
                    xs.fold(f64::NAN, f64::max)
                } else {
                    xs.fold(f64::NAN, f64::min)
                }
            }
        }
    }

    /// Runs `n` replications of point `p` (the scenario as given when `None`) and
    /// summarises them.
    fn run(&self, p: Option<usize>, n: u32) -> Result<Trial, JobError> {
        let idx = p.map_or_else(Vec::new, |p| self.indices(p));
        let mut overrides = self.base.to_vec();
        let mut values = Vec::new();
        for (a, &i) in self.axes.iter().zip(&idx) {
            overrides.push(Override::new(&a.key, a.values[i].clone()).from_option("--over"));
            values.push(a.values[i].clone());
        }
        overrides.push(Override::new(
            "simulation.replications",
            toml::Value::Integer(i64::from(n)),
        ));
        let cfg = self.source.resolve(&overrides)?;
        let runs = sweep::run_replications(&cfg, false, self.threads)?;
        let figures: Vec<Vec<f64>> = self
            .targets
            .iter()
            .map(|t| runs.iter().map(|r| self.figure(t, r)).collect())
            .collect();
        let passes = (0..runs.len())
            .filter(|&i| {
                self.targets
                    .iter()
                    .zip(&figures)
                    .all(|(t, f)| t.op.holds(f[i], t.value))
            })
            .count() as u64;
        let reps = runs.len() as u64;
        let ci = wilson_95(passes, reps);
        let probability = passes as f64 / reps.max(1) as f64;
        let verdict = if ci.0 >= self.confidence {
            Verdict::Meets
        } else if ci.1 < self.confidence {
            Verdict::Fails
        } else {
            Verdict::Undecided(probability >= self.confidence)
        };
        let mean = |m: Metric| MeanCi::of(runs.iter().map(|r| r.summary[m])).mean;
        let period_passes = self
            .periods
            .iter()
            .map(|&(from, to)| {
                runs.iter()
                    .filter(|r| {
                        self.targets
                            .iter()
                            .all(|t| t.op.holds(self.period_figure(t, r, from, to), t.value))
                    })
                    .count() as u64
            })
            .collect();
        Ok(Trial {
            values,
            replications: reps,
            passes,
            probability,
            probability_ci95: ci,
            target_means: figures
                .iter()
                .map(|f| MeanCi::of(f.iter().copied()))
                .collect(),
            target_probability: self
                .targets
                .iter()
                .zip(&figures)
                .map(|(t, f)| {
                    f.iter().filter(|&&x| t.op.holds(x, t.value)).count() as f64
                        / reps.max(1) as f64
                })
                .collect(),
            engineers_mean: mean(Metric::EngineersMean),
            cost_per_year: mean(Metric::CostPerYear),
            verdict,
            period_passes,
            figures,
        })
    }

    /// Point `p`'s trial: run once, with replications doubled from the starting count
    /// while the verdict is undecided and the cap allows.
    fn eval(&mut self, p: usize) -> Result<&Trial, JobError> {
        if self.done[p].is_none() {
            let mut n = self.start.min(self.cap).max(1);
            let mut t = self.run(Some(p), n)?;
            while matches!(t.verdict, Verdict::Undecided(_)) && n < self.cap {
                n = n.saturating_mul(2).min(self.cap);
                t = self.run(Some(p), n)?;
            }
            self.done[p] = Some(t);
        }
        Ok(self.done[p].as_ref().expect("evaluated above"))
    }

    fn passes(&mut self, p: usize) -> Result<bool, JobError> {
        Ok(self.eval(p)?.verdict.passes())
    }

    /// Along the last key with the others fixed at `prefix`: the index of the first
    /// passing value, by bisection (or by trying each in order with `every`).
    fn first_passing(&mut self, prefix: &[usize], every: bool) -> Result<Option<usize>, JobError> {
        let m = self.axes[self.axes.len() - 1].values.len();
        let at = |i: usize| {
            let mut idx = prefix.to_vec();
            idx.push(i);
            idx
        };
        if every {
            let mut first = None;
            for i in 0..m {
                let p = self.point(&at(i));
                if self.passes(p)? && first.is_none() {
                    first = Some(i);
                }
            }
            return Ok(first);
        }
        let last = self.point(&at(m - 1));
        if !self.passes(last)? {
            return Ok(None);
        }
        // Invariant: every value up to `lo` fails (none when `lo` is None), `hi` passes.
        let (mut lo, mut hi): (Option<usize>, usize) = (None, m - 1);
        while hi > lo.map_or(0, |l| l + 1) {
            let mid = lo.map_or(0, |l| l + 1) + (hi - lo.map_or(0, |l| l + 1)) / 2;
            if self.passes(self.point(&at(mid)))? {
                hi = mid;
            } else {
                lo = Some(mid);
            }
        }
        Ok(Some(hi))
    }
}

/// Runs the plan (see the module documentation) and writes `plan.csv`, the chart and
/// `manifest.json` into the output folder.
pub fn plan(spec: &PlanSpec) -> Result<PlanReport, JobError> {
    plan_job(spec, true)
}

/// The same answer computed without writing anything (for the workshop's answers): the
/// report's `output` is empty.
pub(super) fn plan_in_memory(spec: &PlanSpec) -> Result<PlanReport, JobError> {
    plan_job(spec, false)
}

/// The job, writing its folder when `write`.
fn plan_job(spec: &PlanSpec, write: bool) -> Result<PlanReport, JobError> {
    let started = Instant::now();
    let c = &spec.common;
    let usage = |m: String| JobError::Usage(super::UsageError::Plan(m));
    if spec.over.is_empty() || spec.over.len() > 2 {
        return Err(usage(format!(
            "give one or two --over KEY=RANGE (got {}), e.g. --over teams.core.members.london=2..10",
            spec.over.len()
        )));
    }
    if spec.targets.is_empty() {
        return Err(usage(
            "give at least one --target METRIC<=VALUE, e.g. --target ops_load_frac<=0.5".into(),
        ));
    }
    if !(0.5..=0.999).contains(&spec.confidence) {
        return Err(usage(format!(
            "--confidence {}: between 0.5 and 0.999",
            spec.confidence
        )));
    }
    if !(1..=super::sweep::MAX_REPLICATIONS).contains(&spec.max_replications) {
        return Err(usage(format!(
            "--max-replications {}: between 1 and {}",
            spec.max_replications,
            super::sweep::MAX_REPLICATIONS
        )));
    }
    let targets: Vec<Target> = spec
        .targets
        .iter()
        .map(|t| parse_target(t))
        .collect::<Result<_, _>>()
        .map_err(usage)?;
    let scope = parse_scope(&spec.scope).map_err(usage)?;
    let mut axes = Vec::new();
    for o in &spec.over {
        let axis = sweep::parse_vary(o).map_err(|e| match e {
            sweep::PlanError::Usage(m) => usage(m.replace("--vary", "--over")),
            other => JobError::from(other),
        })?;
        if axes.iter().any(|a: &Axis| a.key == axis.key) {
            return Err(usage(format!("--over {}: given twice", axis.key)));
        }
        axes.push(axis);
    }
    let (source, base, cfg) = prepare(c)?;
    if let Scope::Team(name) = &scope {
        if !cfg.teams.iter().any(|t| &t.name == name) {
            let names: Vec<&str> = cfg.teams.iter().map(|t| t.name.as_str()).collect();
            return Err(usage(format!(
                "--scope team:{name}: the scenario has no team `{name}` (teams: {})",
                names.join(", ")
            )));
        }
    }
    let threads = threads(c.threads)?;
    let periods = match spec.by.as_deref() {
        None => Vec::new(),
        Some(by) => {
            if axes.len() != 1 {
                return Err(usage(format!(
                    "--by {by}: a timeline plans over one --over key"
                )));
            }
            if let Some(t) = targets.iter().find(|t| !PERIOD_METRICS.contains(&t.metric)) {
                let names: Vec<&str> = PERIOD_METRICS.iter().map(|m| m.key()).collect();
                return Err(usage(format!(
                    "--by {by}: the target {t} cannot be checked period by period; a timeline reads the weekly series: {}",
                    names.join(", ")
                )));
            }
            periods(
                by,
                cfg.simulation.warmup_weeks,
                cfg.simulation.horizon_weeks,
            )
            .map_err(usage)?
        }
    };
    // Every value must be a valid scenario, and the largest job fits the limits.
    let n_points: usize = axes.iter().map(|a| a.values.len()).product();
    let mut worst = super::estimate_all(&[], false);
    for a in &axes {
        for v in &a.values {
            let mut o = base.clone();
            o.push(Override::new(&a.key, v.clone()).from_option("--over"));
            let point_cfg = source.resolve(&o)?;
            let mut capped = point_cfg.clone();
            capped.simulation.replications = spec.max_replications;
            let e = super::estimate_all(&[&capped], false);
            if e.events > worst.events {
                worst = e;
            }
        }
    }
    worst.runs *= n_points as u64;
    worst.events *= n_points as f64;
    worst.check(c.force)?;
    let out = if write {
        Some(claim(
            &out_dir(c.out.as_deref(), &cfg.name, "-plan"),
            Claim::Replace,
        )?)
    } else {
        None
    };

    let mut ev = Evaluator {
        source: &source,
        base: &base,
        axes: &axes,
        targets: &targets,
        scope: &scope,
        confidence: spec.confidence,
        start: cfg.simulation.replications,
        cap: spec.max_replications,
        threads,
        periods: &periods,
        done: vec![None; n_points],
    };
    // A timeline needs every value in every period.
    let every = spec.every || !periods.is_empty();
    let (answer, below, frontier) = if axes.len() == 1 {
        let first = ev.first_passing(&[], every)?;
        let below = match first {
            Some(i) if i > 0 => {
                ev.eval(i - 1)?;
                Some(i - 1)
            }
            _ => None,
        };
        (first, below, Vec::new())
    } else {
        let mut frontier = Vec::new();
        for a in 0..axes[0].values.len() {
            if let Some(b) = ev.first_passing(&[a], every)? {
                frontier.push(ev.point(&[a, b]));
            }
        }
        let cost = |t: &Trial| {
            if t.cost_per_year > 0.0 {
                t.cost_per_year
            } else {
                t.engineers_mean
            }
        };
        let cheapest = frontier.iter().copied().min_by(|&x, &y| {
            let (tx, ty) = (ev.done[x].as_ref(), ev.done[y].as_ref());
            let (cx, cy) = (
                tx.map_or(f64::INFINITY, cost),
                ty.map_or(f64::INFINITY, cost),
            );
            cx.total_cmp(&cy).then(x.cmp(&y))
        });
        (cheapest, None, frontier)
    };
    let mut blocking = Vec::new();
    if answer.is_none() {
        // Why: each target's best mean over the values tried, and (one key) whether the
        // key moves it at all, as a paired difference between the range's ends.
        let last = n_points - 1;
        ev.eval(last)?;
        if axes.len() == 1 && n_points > 1 {
            ev.eval(0)?;
        }
        let tried: Vec<usize> = (0..n_points).filter(|&p| ev.done[p].is_some()).collect();
        for (k, t) in targets.iter().enumerate() {
            let at_last = ev.done[last].as_ref().expect("evaluated");
            if at_last.target_probability[k] >= spec.confidence {
                continue;
            }
            let better = |a: f64, b: f64| {
                if t.op.higher_is_worse() {
                    a < b
                } else {
                    a > b
                }
            };
            let mut best = (f64::NAN, last);
            for &p in &tried {
                let m = ev.done[p].as_ref().expect("tried").target_means[k].mean;
                if best.0.is_nan() || better(m, best.0) {
                    best = (m, p);
                }
            }
            let change = (axes.len() == 1 && n_points > 1).then(|| {
                let first = ev.done[0].as_ref().expect("evaluated");
                let n = first.figures[k].len().min(at_last.figures[k].len());
                MeanCi::of((0..n).map(|i| at_last.figures[k][i] - first.figures[k][i]))
            });
            blocking.push(Blocking {
                target: t.clone(),
                best: best.0,
                best_at: ev.done[best.1].as_ref().expect("tried").values.clone(),
                change,
            });
        }
    }
    let trials_idx: Vec<usize> = (0..n_points).filter(|&p| ev.done[p].is_some()).collect();
    let position = |p: usize| trials_idx.iter().position(|&q| q == p);
    let trials: Vec<Trial> = ev.done.iter().flatten().cloned().collect();
    let answer = answer.map(|p| if axes.len() == 1 { ev.point(&[p]) } else { p });
    let below = below.map(|p| ev.point(&[p]));
    let answer_t = answer.and_then(position);
    let below_t = below.and_then(position);
    let frontier_t: Vec<usize> = frontier.iter().filter_map(|&p| position(p)).collect();

    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let (timeline, requisitions) = if periods.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let base_trial = ev.run(None, cfg.simulation.replications.max(1))?;
        let timeline = timeline(
            &spec.by.clone().unwrap_or_default(),
            &periods,
            &base_trial,
            &trials,
            spec.confidence,
        );
        let current = current_value(&source, &base, &keys[0]);
        let lead = cfg
            .people
            .as_ref()
            .map_or(0.0, |p| p.lead_time_weeks.1 + p.ramp_up_weeks.1);
        (
            timeline.clone(),
            requisitions(&timeline, &trials, current, lead),
        )
    };
    let mut sentence = sentence(
        &keys,
        &targets,
        &scope,
        spec.confidence,
        &trials,
        answer_t,
        below_t,
        &blocking,
        spec.max_replications,
    );
    if let Some(line) =
        timeline_sentence(&keys[0], &timeline, &trials, &requisitions, spec.confidence)
    {
        sentence.push(' ');
        sentence.push_str(&line);
    }
    let output = match out {
        None => Output {
            dir: std::path::PathBuf::new(),
            files: Vec::new(),
            charts: None,
        },
        Some(mut out) => {
            let stage = out.staging().map_err(JobError::Report)?;
            let mut files = vec![PLAN_CSV.to_string()];
            if !timeline.is_empty() {
                report::write_atomic(
                    &stage.join(TIMELINE_CSV),
                    &timeline_csv(&keys[0], &timeline, &trials).map_err(JobError::Report)?,
                )
                .map_err(JobError::Report)?;
                files.push(TIMELINE_CSV.into());
            }
            files.push("manifest.json".into());
            report::write_atomic(
                &stage.join(PLAN_CSV),
                &plan_csv(&keys, &targets, &trials, spec.confidence, answer_t)
                    .map_err(JobError::Report)?,
            )
            .map_err(JobError::Report)?;
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
    Ok(PlanReport {
        config: cfg,
        keys,
        targets,
        confidence: spec.confidence,
        scope,
        trials,
        answer: answer_t,
        below: below_t,
        frontier: frontier_t,
        blocking,
        timeline,
        requisitions,
        sentence,
        output,
        wall_time: started.elapsed(),
    })
}

/// The periods of a timeline over the statistics window `[warmup, horizon)`: quarters
/// of 13 weeks, months of 52/12 weeks (rounded down to whole weeks) or weeks.
fn periods(by: &str, warmup: f64, horizon: f64) -> Result<Vec<(u64, u64)>, String> {
    let len = match by {
        "quarter" => 13.0,
        "month" => crate::engine::calendar::WEEKS_PER_MONTH,
        "week" => 1.0,
        _ => return Err(format!("--by {by:?}: expected quarter, month or week")),
    };
    let (start, end) = (warmup.ceil() as u64, horizon.floor() as u64);
    let mut out = Vec::new();
    let mut k = 0.0;
    loop {
        let from = start + (k * len).floor() as u64;
        let to = (start + ((k + 1.0) * len).floor() as u64).min(end);
        if from >= end {
            break;
        }
        out.push((from, to));
        k += 1.0;
    }
    if out.is_empty() {
        return Err(format!(
            "--by {by}: the statistics window holds no whole {by}"
        ));
    }
    Ok(out)
}

/// The label of period `i` of a timeline by `by`.
fn period_label(by: &str, i: usize) -> String {
    let tag = match by {
        "quarter" => "Q",
        "month" => "M",
        _ => "W",
    };
    format!("{tag}{}", i + 1)
}

/// Per period: the chance at the scenario's own value, and the smallest value of the
/// range (trials in range order) whose share of replications meeting every target in
/// that period reaches the confidence.
fn timeline(
    by: &str,
    periods: &[(u64, u64)],
    base: &Trial,
    trials: &[Trial],
    confidence: f64,
) -> Vec<Period> {
    periods
        .iter()
        .enumerate()
        .map(|(k, &weeks)| {
            let share = |t: &Trial| t.period_passes[k] as f64 / t.replications.max(1) as f64;
            let answer = trials.iter().position(|t| share(t) >= confidence);
            Period {
                label: period_label(by, k),
                weeks,
                base_replications: base.replications,
                base_probability: share(base),
                base_probability_ci95: wilson_95(base.period_passes[k], base.replications),
                answer,
                probability: answer.map_or(f64::NAN, |a| share(&trials[a])),
            }
        })
        .collect()
}

/// The scenario's own value of `key` (a number), read from the resolved scenario:
/// entries of arrays of tables are found by their `name`.
fn current_value(source: &ScenarioSource, base: &[Override], key: &str) -> Option<f64> {
    let table = source.resolved_table(base).ok()?;
    let mut at = toml::Value::Table(table);
    for seg in key.split('.') {
        at = match at {
            toml::Value::Table(mut t) => t.remove(seg)?,
            toml::Value::Array(a) => a
                .into_iter()
                .find(|e| e.get("name").and_then(|n| n.as_str()) == Some(seg))?,
            _ => return None,
        };
    }
    match at {
        toml::Value::Integer(i) => Some(i as f64),
        toml::Value::Float(x) => Some(x),
        _ => None,
    }
}

/// The requisitions a timeline asks for: each time the smallest value passing rises
/// above the most needed so far (starting from the scenario's own value, or the first
/// period's answer when it has none), the rise, opened `lead_weeks` before the period.
fn requisitions(
    timeline: &[Period],
    trials: &[Trial],
    current: Option<f64>,
    lead_weeks: f64,
) -> Vec<Requisition> {
    let number = |t: &Trial| match t.values.first() {
        Some(toml::Value::Integer(i)) => Some(*i as f64),
        Some(toml::Value::Float(x)) => Some(*x),
        _ => None,
    };
    let mut have = current.or_else(|| {
        timeline
            .first()
            .and_then(|p| p.answer)
            .and_then(|a| number(&trials[a]))
    });
    let mut out = Vec::new();
    for p in timeline {
        let Some(need) = p.answer.and_then(|a| number(&trials[a])) else {
            continue;
        };
        if let Some(h) = have {
            if need > h {
                out.push(Requisition {
                    open_by_week: p.weeks.0 as f64 - lead_weeks,
                    count: (need - h).ceil() as i64,
                    period: p.label.clone(),
                });
            }
        }
        have = Some(have.map_or(need, |h| h.max(need)));
    }
    out
}

/// The timeline in words: the first period the scenario as given fails, and the
/// requisitions.
fn timeline_sentence(
    key: &str,
    timeline: &[Period],
    trials: &[Trial],
    reqs: &[Requisition],
    confidence: f64,
) -> Option<String> {
    if timeline.is_empty() {
        return None;
    }
    let mut s = match timeline.iter().find(|p| p.base_probability < confidence) {
        Some(p) => format!(
            "As the scenario stands, the targets first fail in {} (weeks {}–{}): {:.0}% [{:.0}%, {:.0}%] of replications meet them there.",
            p.label,
            p.weeks.0,
            p.weeks.1.saturating_sub(1),
            100.0 * p.base_probability,
            100.0 * p.base_probability_ci95.0,
            100.0 * p.base_probability_ci95.1
        ),
        None => "As the scenario stands, the targets hold in every period.".to_string(),
    };
    let needs: Vec<String> = timeline
        .iter()
        .map(|p| {
            format!(
                "{} {}",
                p.label,
                p.answer
                    .map_or("none".to_string(), |a| value_text(&trials[a].values[0]))
            )
        })
        .collect();
    s.push_str(&format!(" Smallest {key} by period: {}.", needs.join(", ")));
    for r in reqs {
        s.push_str(&format!(
            " Open {} requisition{} by week {} for {}.",
            r.count,
            if r.count == 1 { "" } else { "s" },
            crate::report::format::chart_number(r.open_by_week),
            r.period
        ));
    }
    Some(s)
}

/// `timeline.csv`: one row per period.
fn timeline_csv(
    key: &str,
    timeline: &[Period],
    trials: &[Trial],
) -> Result<Vec<u8>, report::ReportError> {
    let encode = |e: csv::Error| report::ReportError::Encode {
        path: TIMELINE_CSV.into(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "period",
        "week_from",
        "week_to",
        "base_replications",
        "base_probability",
        "base_probability_ci95_low",
        "base_probability_ci95_high",
        key,
        "probability",
    ])
    .map_err(encode)?;
    for p in timeline {
        w.write_record([
            p.label.clone(),
            p.weeks.0.to_string(),
            p.weeks.1.to_string(),
            p.base_replications.to_string(),
            p.base_probability.to_string(),
            p.base_probability_ci95.0.to_string(),
            p.base_probability_ci95.1.to_string(),
            p.answer
                .map_or(String::new(), |a| value_text(&trials[a].values[0])),
            p.probability.to_string(),
        ])
        .map_err(encode)?;
    }
    w.into_inner().map_err(|e| report::ReportError::Encode {
        path: TIMELINE_CSV.into(),
        message: e.to_string(),
    })
}

/// `plan.csv`: one row per value (pair) tried.
fn plan_csv(
    keys: &[String],
    targets: &[Target],
    trials: &[Trial],
    confidence: f64,
    answer: Option<usize>,
) -> Result<Vec<u8>, report::ReportError> {
    let encode = |e: csv::Error| report::ReportError::Encode {
        path: PLAN_CSV.into(),
        message: e.to_string(),
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = keys.to_vec();
    header.extend(
        [
            "replications",
            "passes",
            "probability",
            "probability_ci95_low",
            "probability_ci95_high",
            "verdict",
            "confidence",
            "answer",
            "engineers_mean",
            "cost_per_year",
        ]
        .map(String::from),
    );
    for t in targets {
        header.push(format!("mean_{}", t.metric.key()));
        header.push(format!("holds_{}", t.metric.key()));
    }
    w.write_record(&header).map_err(encode)?;
    for (i, t) in trials.iter().enumerate() {
        let mut row: Vec<String> = t.values.iter().map(value_text).collect();
        row.extend([
            t.replications.to_string(),
            t.passes.to_string(),
            t.probability.to_string(),
            t.probability_ci95.0.to_string(),
            t.probability_ci95.1.to_string(),
            t.verdict.as_str().to_string(),
            confidence.to_string(),
            (Some(i) == answer).to_string(),
            t.engineers_mean.to_string(),
            t.cost_per_year.to_string(),
        ]);
        for (m, p) in t.target_means.iter().zip(&t.target_probability) {
            row.push(m.mean.to_string());
            row.push(p.to_string());
        }
        w.write_record(&row).map_err(encode)?;
    }
    w.into_inner().map_err(|e| report::ReportError::Encode {
        path: PLAN_CSV.into(),
        message: e.to_string(),
    })
}

/// A probability with its interval, in percent.
fn chance(t: &Trial) -> String {
    format!(
        "{:.1}% [{:.1}%, {:.1}%] over {} replications",
        100.0 * t.probability,
        100.0 * t.probability_ci95.0,
        100.0 * t.probability_ci95.1,
        t.replications
    )
}

/// The values of a trial, `key = value` joined.
fn at(keys: &[String], t: &Trial) -> String {
    keys.iter()
        .zip(&t.values)
        .map(|(k, v)| format!("{k} = {}", value_text(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The answer in words.
#[allow(clippy::too_many_arguments)]
fn sentence(
    keys: &[String],
    targets: &[Target],
    scope: &Scope,
    confidence: f64,
    trials: &[Trial],
    answer: Option<usize>,
    below: Option<usize>,
    blocking: &[Blocking],
    cap: u32,
) -> String {
    let whose = match scope {
        Scope::WorstTeam => "for the worst team".to_string(),
        Scope::Team(n) => format!("for team {n}"),
        Scope::All => "for the whole organisation".to_string(),
    };
    let goal = targets
        .iter()
        .map(|t| t.to_string())
        .collect::<Vec<_>>()
        .join(" and ");
    match answer {
        Some(a) => {
            let t = &trials[a];
            let what = if keys.len() == 1 {
                "The smallest value"
            } else {
                "The cheapest combination"
            };
            let mut s = format!(
                "{what} that keeps {goal} {whose} with {:.0}% confidence: {}; the chance that every target holds is {}.",
                100.0 * confidence,
                at(keys, t),
                chance(t)
            );
            if let Some(b) = below {
                s.push_str(&format!(
                    " At {} it is {}.",
                    at(keys, &trials[b]),
                    chance(&trials[b])
                ));
            }
            if matches!(t.verdict, Verdict::Undecided(_)) {
                s.push_str(&format!(
                    " The interval still holds {:.0}% at the cap of {cap} replications: the answer is the estimate's, not a clear decision (raise --max-replications).",
                    100.0 * confidence
                ));
            }
            s
        }
        None => {
            let mut s = format!(
                "Infeasible: no value of {} in the range keeps {goal} {whose} with {:.0}% confidence.",
                keys.join(" and "),
                100.0 * confidence
            );
            for b in blocking {
                let def = b.target.metric.def();
                s.push_str(&format!(
                    " {} is not met: {} is at best {} (at {}).",
                    b.target,
                    def.key,
                    crate::report::format::chart_number(b.best),
                    keys.iter()
                        .zip(&b.best_at)
                        .map(|(k, v)| format!("{k} = {}", value_text(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if let (false, Some(d)) = (b.moves(), b.change) {
                    s.push_str(&format!(
                        " It does not depend on {} (paired change across the range {} [{}, {}]): {}.",
                        keys[0],
                        crate::report::format::chart_number(d.mean),
                        crate::report::format::chart_number(d.low()),
                        crate::report::format::chart_number(d.high()),
                        advice(b.target.metric)
                    ));
                }
            }
            s
        }
    }
}

/// What to change instead when a key does not move a metric.
fn advice(m: Metric) -> &'static str {
    match m {
        Metric::PagesPerShiftMean
        | Metric::PagesPerShiftP95
        | Metric::ShiftsOverBudgetFrac
        | Metric::WorstTeamPagesPerShiftMean => {
            "pages per shift follow the services and the shift length, not the head count; change the shift hours or the services"
        }
        _ => "change another key",
    }
}
