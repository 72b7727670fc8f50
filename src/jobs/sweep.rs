//! The sweep job: a scenario over a grid (or Latin hypercube) of parameter values,
//! streamed point by point into the output folder, resumable, optionally one shard.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::{
    claim, finish, manifest, out_dir, prepare, threads, CommonSpec, JobError, JobEstimate, Output,
    UsageError,
};
use crate::model::{Metric, Summary};
use crate::report::sweep::SweepWriter;
use crate::report::{Claim, Manifest, SweepManifest, PARTIAL};
use crate::scenario::ScenarioConfig;
use crate::sweep::ci::MeanCi;
use crate::sweep::{self, plan, Outcome, SweepOptions, SweepPlan};

/// Replications per point at most with a CI target, unless the spec says otherwise.
pub const DEFAULT_MAX_REPLICATIONS: u32 = 200;

/// The highest `--max-replications` accepted: the bound of `simulation.replications`.
pub const MAX_REPLICATIONS: u32 = 100_000;

/// Points whose overview a [`SweepReport`] keeps.
const OVERVIEW_POINTS: usize = 40;

/// What to sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepSpec {
    /// Scenario, overrides, output folder, threads, charts, command line.
    pub common: CommonSpec,
    /// Axes as `KEY=V1,V2,...` or `KEY=START..END:STEP`; they add to (or replace, by
    /// key) the axes of the file's `[sweep]` table.
    pub vary: Vec<String>,
    /// Draw this many points by Latin hypercube instead of the full grid (overrides the
    /// file's `sample`).
    pub sample: Option<usize>,
    /// Also write `incidents.csv`.
    pub trace: bool,
    /// Run only shard `K/N` (1-based, as text): every N-th point.
    pub shard: Option<String>,
    /// Continue an interrupted sweep in the same output folder.
    pub resume: bool,
    /// Add replications until every headline metric's 95% CI half-width is within this
    /// fraction of its mean.
    pub ci_target: Option<f64>,
    /// Upper bound on replications per point with `ci_target`.
    pub max_replications: u32,
}

impl Default for SweepSpec {
    fn default() -> Self {
        SweepSpec {
            common: CommonSpec::default(),
            vary: Vec::new(),
            sample: None,
            trace: false,
            shard: None,
            resume: false,
            ci_target: None,
            max_replications: DEFAULT_MAX_REPLICATIONS,
        }
    }
}

/// How the caller watches and stops a sweep.
#[derive(Clone, Copy)]
pub struct SweepHooks<'a> {
    /// Raised (by a Ctrl-C handler, say) to stop the sweep after its complete points;
    /// the sweep then returns [`JobError::Interrupted`].
    pub stop: &'a AtomicBool,
    /// Called from worker threads with (runs done, runs expected) as runs finish, and
    /// with (0, runs expected) before the first. The expected number grows when a CI
    /// target adds replications.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

static NEVER: AtomicBool = AtomicBool::new(false);

impl Default for SweepHooks<'_> {
    /// Never stops, reports no progress.
    fn default() -> Self {
        SweepHooks {
            stop: &NEVER,
            progress: &|_, _| {},
        }
    }
}

impl std::fmt::Debug for SweepHooks<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SweepHooks")
            .field("stop", &self.stop)
            .finish_non_exhaustive()
    }
}

/// One point that ran, for an overview (the full results are in the CSV files).
#[derive(Debug, Clone)]
pub struct PointOverview {
    /// Point index in the plan.
    pub point: usize,
    /// Its axis values, as written in the CSV files.
    pub axis_values: Vec<String>,
    /// One summary per replication.
    pub summaries: Vec<Summary>,
}

/// One point that ran, reduced to its headline means (kept for every point, unlike
/// [`PointOverview`], for machine-readable summaries).
#[derive(Debug, Clone)]
pub struct PointMeans {
    /// Point index in the plan.
    pub point: usize,
    /// Its axis values, as written in the CSV files.
    pub axis_values: Vec<String>,
    /// Replications the point ran.
    pub n: usize,
    /// Each headline metric ([`Metric::headline`]) with its mean over the replications
    /// (NaN when no replication had a value).
    pub means: Vec<(Metric, f64)>,
}

impl PointMeans {
    fn of(overview: &PointOverview) -> Self {
        PointMeans {
            point: overview.point,
            axis_values: overview.axis_values.clone(),
            n: overview.summaries.len(),
            means: Metric::headline()
                .map(|m| (m, MeanCi::of(overview.summaries.iter().map(|s| s[m])).mean))
                .collect(),
        }
    }
}

/// What a sweep job did.
#[derive(Debug, Clone)]
pub struct SweepReport {
    /// The base scenario (overrides applied, no axis values).
    pub config: ScenarioConfig,
    /// The axes' key paths.
    pub axes: Vec<String>,
    /// The axes' titles for people: each axis's `label`, or a title derived from its key.
    pub axis_titles: Vec<String>,
    /// Points in the whole plan.
    pub points: usize,
    /// `(K, N)` when one shard ran.
    pub shard: Option<(usize, usize)>,
    /// Points of this shard (all of them without a shard).
    pub points_in_shard: usize,
    /// Points already complete from an earlier, interrupted call (with resume), each
    /// verified against the journal's checksums.
    pub resumed_after: usize,
    /// Points an earlier call had recorded whose rows did not verify on resume (cut
    /// short, changed or missing files); they ran again in this call.
    pub recomputed: usize,
    /// Points run by this call.
    pub points_run: usize,
    /// The first points run by this call (at most 40), in point order.
    pub first_points: Vec<PointOverview>,
    /// Every point run by this call, in point order, with its headline means.
    pub point_means: Vec<PointMeans>,
    /// The CI target, if any.
    pub ci_target: Option<f64>,
    /// Fewest and most replications a point ran, over every call (0 and 0 when none
    /// ran).
    pub replications_per_point: (u64, u64),
    /// Runs in this call.
    pub runs: u64,
    /// Runs of the whole sweep (or shard), earlier calls of a resumed sweep included.
    pub runs_total: u64,
    /// The output folder and what was written there (no charts for a shard).
    pub output: Output,
    /// Wall time of the whole job.
    pub wall_time: Duration,
    /// What the user should know although the sweep ran: a `--set` on a key the plan
    /// also varies (the axis values win, so the `--set` has no effect).
    pub warnings: Vec<String>,
}

/// The `--set` overrides whose key an axis of `plan` also sets: each has no effect, as
/// every point sets the key to its axis value.
fn shadowed_sets(sets: &[String], plan: &SweepPlan) -> Vec<String> {
    sets.iter()
        .filter_map(|text| {
            let o = crate::scenario::Override::parse(text).ok()?;
            plan.axes.iter().any(|a| a.key == o.key()).then(|| {
                format!(
                    "--set {text} has no effect: the sweep varies `{}` (each point sets it to its axis value); drop the --set, or change the axis with --vary",
                    o.key()
                )
            })
        })
        .collect()
}

/// The estimate of a sweep (or its shard): every point's runs, at most
/// `max_replications` each with a CI target; in memory, the runs of the points being
/// computed and handed over at once (two chunks of about 128 runs per thread).
fn estimate_sweep(
    source: &crate::scenario::ScenarioSource,
    base: &[crate::scenario::Override],
    plan: &SweepPlan,
    shard: Option<(usize, usize)>,
    spec: &SweepSpec,
    threads: usize,
) -> Result<JobEstimate, JobError> {
    let mut e = JobEstimate {
        runs: 0,
        events: 0.0,
        bytes: 0.0,
        replications: 0,
        horizon_weeks: 0.0,
        driver: (String::new(), 0.0),
    };
    let mut per_run_bytes: f64 = 0.0;
    let mut scale = 1.0;
    for p in sweep::shard_points(plan.points.len(), shard) {
        let mut o = base.to_vec();
        o.extend(plan.overrides(p));
        let cfg = source.resolve(&o)?;
        let reps = cfg.simulation.replications;
        let runs = match spec.ci_target {
            Some(_) => {
                scale = f64::from(spec.max_replications) / f64::from(reps.max(1));
                spec.max_replications.max(reps)
            }
            None => reps,
        };
        let run = crate::model::estimate_run(&cfg, spec.trace);
        if e.runs == 0 {
            e.replications = reps;
            e.horizon_weeks = cfg.simulation.horizon_weeks;
        }
        e.add(&run, u64::from(runs));
        per_run_bytes = per_run_bytes.max(run.bytes);
    }
    let in_flight = (2.0 * 128.0 * threads as f64 * scale).min(e.runs as f64);
    e.bytes = per_run_bytes * in_flight;
    Ok(e)
}

/// Parses `K/N` with 1 ≤ K ≤ N.
fn parse_shard(text: &str) -> Result<(usize, usize), UsageError> {
    let bad = || UsageError::Shard(text.to_string());
    let (k, n) = text.split_once('/').ok_or_else(bad)?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if k == 0 || n == 0 || k > n {
        return Err(bad());
    }
    Ok((k, n))
}

/// Runs the sweep (or its shard) and writes `runs.csv`, `points.csv`, the per-entity
/// CSVs, `manifest.json` and, unless a shard, the charts. Every argument and every
/// point's scenario is checked before anything is written. Points stream into
/// `OUT/.partial/` and move into place at the end; a stopped sweep keeps its complete
/// points there for a resume.
pub fn sweep(spec: &SweepSpec, hooks: SweepHooks<'_>) -> Result<SweepReport, JobError> {
    let started = Instant::now();
    let c = &spec.common;
    let (source, base, base_cfg) = prepare(c)?;
    let file = plan::from_file(&source)?;
    let mut axes = file.axes;
    let mut varied: Vec<String> = Vec::new();
    for v in &spec.vary {
        let axis = sweep::parse_vary(v)?;
        if varied.contains(&axis.key) {
            return Err(UsageError::DuplicateVary(axis.key).into());
        }
        varied.push(axis.key.clone());
        match axes.iter_mut().find(|x| x.key == axis.key) {
            // New values for the file's axis: it keeps its label.
            Some(x) => {
                let label = x.label.take();
                *x = axis;
                x.label = label;
            }
            None => axes.push(axis),
        }
    }
    let sample = spec.sample.or(file.sample);
    let plan = match sample {
        Some(n) => SweepPlan::latin_hypercube(axes, n, base_cfg.simulation.seed)?,
        None => SweepPlan::grid(axes)?,
    };
    let shard = spec.shard.as_deref().map(parse_shard).transpose()?;
    if spec.max_replications > MAX_REPLICATIONS {
        return Err(UsageError::MaxReplicationsTooHigh(spec.max_replications).into());
    }
    if spec.ci_target.is_none() && spec.max_replications != DEFAULT_MAX_REPLICATIONS {
        return Err(UsageError::MaxReplicationsWithoutTarget(spec.max_replications).into());
    }
    if let Some(t) = spec.ci_target {
        if !((super::MIN_CI_TARGET..=1.0).contains(&t)) {
            return Err(UsageError::CiTarget(t).into());
        }
        if spec.max_replications < base_cfg.simulation.replications.max(2) {
            return Err(UsageError::MaxReplications {
                max: spec.max_replications,
                start: base_cfg.simulation.replications,
            }
            .into());
        }
    }
    sweep::check_plan(&source, &base, &plan)?;
    let axis_keys: Vec<String> = plan.axes.iter().map(|x| x.key.clone()).collect();
    let identity = serde_json::json!({
        "scenario": source.resolved_table(&base).ok(),
        "axes": axis_keys,
        "points": plan.points.iter().map(|p| p.iter().map(plan::value_text).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "ci_target": spec.ci_target,
        "max_replications": spec.ci_target.map(|_| spec.max_replications),
        "trace": spec.trace,
    });
    let fingerprint = format!("{:016x}", crate::engine::fnv1a64(&identity.to_string()));
    let in_shard = sweep::shard_points(plan.points.len(), shard).len();
    if let Some((_, n)) = shard {
        if n > plan.points.len() {
            return Err(UsageError::TooManyShards {
                n,
                points: plan.points.len(),
            }
            .into());
        }
    }
    let threads = threads(c.threads)?;
    estimate_sweep(&source, &base, &plan, shard, spec, threads)?.check(c.force)?;
    let out = out_dir(c.out.as_deref(), &base_cfg.name, "-sweep");
    let mut outdir = claim(&out, Claim::Sweep)?;
    let shard_tag = shard.map_or(String::new(), |(k, n)| format!("/shard {k}/{n}"));
    let mut writer = SweepWriter::open(
        &outdir.real().join(PARTIAL),
        &axis_keys,
        &format!("{fingerprint}{shard_tag}"),
        spec.trace,
        spec.resume,
    )
    .map_err(JobError::Report)?;
    let done: Vec<usize> = writer.completed();
    let opts = SweepOptions {
        threads,
        shard,
        ci_target: spec.ci_target,
        max_replications: spec.max_replications,
        trace: spec.trace,
    };
    let total = (in_shard - done.len()) as u64 * u64::from(base_cfg.simulation.replications);
    (hooks.progress)(0, total);
    let mut first_points = Vec::new();
    let mut point_means = Vec::new();
    let mut runs_this_call = 0u64;
    let mut capped = 0usize;
    let prepare_point = |pr: sweep::PointRuns| {
        let values: Vec<String> = (0..plan.axes.len())
            .map(|x| plan.value_text(pr.point, x))
            .collect();
        let encoded = SweepWriter::encode(pr.point, &values, &pr.runs, spec.trace);
        let overview = PointOverview {
            point: pr.point,
            axis_values: values,
            summaries: pr.runs.iter().map(|r| r.summary.clone()).collect(),
        };
        (encoded, overview)
    };
    let outcome = sweep::execute(
        &source,
        &base,
        &plan,
        &opts,
        &|p| done.contains(&p),
        hooks.stop,
        &|n| (hooks.progress)(n, total.max(n)),
        &prepare_point,
        |(encoded, overview)| {
            runs_this_call += overview.summaries.len() as u64;
            if spec.ci_target.is_some()
                && overview.summaries.len() as u64 >= u64::from(spec.max_replications)
            {
                capped += 1;
            }
            point_means.push(PointMeans::of(&overview));
            if first_points.len() < OVERVIEW_POINTS {
                first_points.push(overview);
            }
            writer.write_encoded(encoded?)
        },
    );
    match outcome.map_err(JobError::Sweep)? {
        Outcome::Complete => {}
        Outcome::Stopped => {
            return Err(JobError::Interrupted {
                completed: writer.completed_count(),
                points: in_shard,
                out,
            })
        }
    }
    let (reps_min, reps_max, runs_all) = writer.runs();
    let dropped = writer.dropped();
    let stage = outdir.staging().map_err(JobError::Report)?;
    let written = writer.finish(&stage).map_err(JobError::Report)?;
    let mut files: Vec<String> = written.iter().map(|(name, _)| name.clone()).collect();
    files.push("manifest.json".into());
    let mut m = Manifest {
        scenario_origin: Some(source.origin().to_string()),
        scenario_text: Some(source.text().to_string()),
        resolved_scenario: Some(base_cfg.clone()),
        wall_time_seconds: started.elapsed().as_secs_f64(),
        files,
        checksums: written.into_iter().collect(),
        sweep: Some(SweepManifest {
            sweep_fingerprint: fingerprint,
            axes: axis_keys.clone(),
            axis_labels: plan
                .axes
                .iter()
                .filter_map(|a| Some((a.key.clone(), a.label.clone()?)))
                .collect(),
            points: plan.points.len(),
            sample,
            shard,
            points_in_shard: in_shard,
            ci_target: spec.ci_target,
            max_replications: spec.max_replications,
            replications_per_point_min: reps_min,
            replications_per_point_max: reps_max,
            runs: runs_all,
            merged_from: None,
        }),
        ..manifest(&c.command_line, &base, &base_cfg, threads)
    };
    let output = finish(outdir, &mut m, c.no_charts || shard.is_some())?;
    Ok(SweepReport {
        config: base_cfg,
        axis_titles: plan
            .axes
            .iter()
            .map(|a| {
                a.label
                    .clone()
                    .unwrap_or_else(|| crate::report::charts::axis_title(&a.key))
            })
            .collect(),
        axes: axis_keys,
        points: plan.points.len(),
        shard,
        points_in_shard: in_shard,
        resumed_after: done.len(),
        recomputed: dropped,
        points_run: in_shard - done.len(),
        first_points,
        point_means,
        ci_target: spec.ci_target,
        replications_per_point: (reps_min, reps_max),
        runs: runs_this_call,
        runs_total: runs_all,
        output,
        wall_time: started.elapsed(),
        warnings: {
            let mut w = shadowed_sets(&c.sets, &plan);
            if let (Some(target), true) = (spec.ci_target, capped > 0) {
                w.push(format!(
                    "{capped} of the {} points run stopped at --max-replications {} before every headline metric's 95% CI was within {}% of its mean: read them with care, or raise --max-replications",
                    in_shard - done.len(),
                    spec.max_replications,
                    100.0 * target
                ));
            }
            w
        },
    })
}
