//! Running a sweep: every (point, replication) run in parallel, handed back point by
//! point in point order so that output can be streamed and does not depend on the
//! number of threads.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rayon::prelude::*;

use super::ci::MeanCi;
use super::plan::SweepPlan;
use crate::model::{simulate, Metric, RunOptions, RunResult, Summary, Unstable};
use crate::scenario::ScenarioConfig;
use crate::scenario::{Override, ScenarioError, ScenarioSource};

/// How to run a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    /// Worker threads (0 = one per core).
    pub threads: usize,
    /// Run only shard K of N (1-based): the points p with p mod N = K − 1.
    pub shard: Option<(usize, usize)>,
    /// Keep adding replications to a point until every headline metric's 95% CI
    /// half-width is within this fraction of its mean.
    pub ci_target: Option<f64>,
    /// Upper bound on replications per point with `ci_target`.
    pub max_replications: u32,
    /// Record one row per incident.
    pub trace: bool,
}

/// The runs of one point, in replication order.
#[derive(Debug, Clone)]
pub struct PointRuns {
    /// Point index in the plan.
    pub point: usize,
    /// One result per replication.
    pub runs: Vec<RunResult>,
}

/// How a sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Every point of this shard ran.
    Complete,
    /// The stop flag was raised; the points handed back so far are complete.
    Stopped,
}

/// A failure while running a sweep.
#[derive(Debug)]
pub enum ExecError<E> {
    /// A point's scenario did not resolve (the plan was not checked first).
    Scenario(ScenarioError),
    /// The worker pool could not start.
    Pool(String),
    /// The consumer of finished points failed (e.g. writing output).
    Sink(E),
    /// A run stopped because a team's queue grew without bound.
    Unstable(Unstable),
}

impl<E: std::fmt::Display> std::fmt::Display for ExecError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Scenario(e) => write!(f, "{e}"),
            ExecError::Pool(m) => write!(f, "cannot start worker threads: {m}"),
            ExecError::Sink(e) => write!(f, "{e}"),
            ExecError::Unstable(u) => write!(f, "{u}"),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for ExecError<E> {}

/// Which points of the plan a shard runs.
pub fn shard_points(n_points: usize, shard: Option<(usize, usize)>) -> Vec<usize> {
    match shard {
        None => (0..n_points).collect(),
        Some((k, n)) => (0..n_points).filter(|p| p % n == k - 1).collect(),
    }
}

/// Resolves the scenario of every point, collecting every problem (deduplicated), so
/// that a bad key path or value is reported before anything runs.
pub fn check_plan(
    source: &ScenarioSource,
    base: &[Override],
    plan: &SweepPlan,
) -> Result<(), ScenarioError> {
    let mut problems = Vec::new();
    // The grid's corners first (each axis at its first or last value): that is where
    // values leave their ranges, and a big scenario at a far corner is refused at once
    // instead of after every point before it was resolved.
    let corner = |p: usize| {
        plan.axes
            .iter()
            .zip(&plan.points[p])
            .all(|(a, v)| a.values.first() == Some(v) || a.values.last() == Some(v))
    };
    let corners: Vec<usize> = (0..plan.points.len())
        .filter(|&p| corner(p))
        .take(64)
        .collect();
    let rest = (0..plan.points.len()).filter(|p| !corners.contains(p));
    let mut checked_corners = false;
    for p in corners.iter().copied().chain(rest) {
        if !checked_corners && !corners.contains(&p) {
            checked_corners = true;
            if !problems.is_empty() {
                break;
            }
        }
        let mut o = base.to_vec();
        o.extend(plan.overrides(p));
        match source.resolve(&o) {
            Ok(_) => {}
            Err(ScenarioError::Invalid(ps)) => {
                for pr in ps {
                    if !problems.contains(&pr) {
                        problems.push(pr);
                    }
                }
            }
            Err(e) => return Err(e),
        }
        if problems.len() > 50 {
            break;
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid(problems))
    }
}

/// Whether the CI half-width of every metric the catalogue marks for `--ci-target` is
/// within `target` of its mean.
pub fn meets_ci_target(summaries: &[&Summary], target: f64) -> bool {
    let watched = Metric::ALL.iter().filter(|m| m.def().ci_target);
    watched.into_iter().all(|&m| {
        let ci = MeanCi::of(summaries.iter().map(|s| s[m]));
        match ci.n {
            0 => true,  // nothing to estimate (e.g. no incidents at all)
            1 => false, // no interval from one value
            _ => ci.half_width <= target * ci.mean.abs(),
        }
    })
}

/// Runs the plan's points (those of the shard, minus `skip`): each finished point goes
/// through `prepare` on a worker thread (e.g. encoding its rows), then to `on_point`,
/// in point order. Replication r of every point uses the same
/// random streams (common random numbers). `progress` is called with the number of
/// runs finished so far. Between batches the `stop` flag is checked; once raised, the
/// sweep returns [`Outcome::Stopped`] after handing back only complete points.
#[allow(clippy::too_many_arguments)]
pub fn execute<T: Send, E: Send>(
    source: &ScenarioSource,
    base: &[Override],
    plan: &SweepPlan,
    opts: &SweepOptions,
    skip: &dyn Fn(usize) -> bool,
    stop: &AtomicBool,
    progress: &(dyn Fn(u64) + Sync),
    prepare: &(dyn Fn(PointRuns) -> T + Sync),
    mut on_point: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<Outcome, ExecError<E>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| ExecError::Pool(e.to_string()))?;
    let threads = pool.current_num_threads().max(1);
    let points: Vec<usize> = shard_points(plan.points.len(), opts.shard)
        .into_iter()
        .filter(|&p| !skip(p))
        .collect();
    let done = AtomicU64::new(0);
    let resolve = |p: usize| -> Result<ScenarioConfig, ScenarioError> {
        let mut o = base.to_vec();
        o.extend(plan.overrides(p));
        source.resolve(&o)
    };
    let per_point = match points.first() {
        Some(&p) => u64::from(
            resolve(p)
                .map_err(ExecError::Scenario)?
                .simulation
                .replications
                .max(1),
        ),
        None => return Ok(Outcome::Complete),
    };
    // Chunks of points with enough runs to keep every thread busy. While one chunk
    // computes, the previous one is handed over (written) on another worker, so the
    // writing overlaps the simulation instead of idling the pool.
    let take = (128 * threads as u64).div_ceil(per_point) as usize;
    let chunks: Vec<&[usize]> = points.chunks(take.max(1)).collect();
    let run_chunk = |ids: &[usize]| -> Result<Vec<T>, ExecError<E>> {
        let cfgs: Vec<ScenarioConfig> = ids
            .par_iter()
            .with_max_len(1)
            .map(|&p| resolve(p))
            .collect::<Result<_, _>>()
            .map_err(ExecError::Scenario)?;
        let runs = run_rounds(&cfgs, ids, opts, &done, progress).map_err(ExecError::Unstable)?;
        let points: Vec<PointRuns> = ids
            .iter()
            .zip(runs)
            .map(|(&point, runs)| PointRuns { point, runs })
            .collect();
        Ok(points
            .into_par_iter()
            .with_max_len(1)
            .map(prepare)
            .collect())
    };
    let mut hand_over = |ready: Vec<T>| -> Result<bool, E> {
        for pr in ready {
            // A stop request cuts the hand-over short: only whole points go out.
            if stop.load(Ordering::SeqCst) {
                return Ok(false);
            }
            on_point(pr)?;
        }
        Ok(true)
    };
    let mut pending: Vec<T> = Vec::new();
    for ids in chunks {
        if stop.load(Ordering::SeqCst) {
            return Ok(Outcome::Stopped);
        }
        let ready = std::mem::take(&mut pending);
        let (computed, handed) =
            pool.install(|| rayon::join(|| run_chunk(ids), || hand_over(ready)));
        if !handed.map_err(ExecError::Sink)? {
            return Ok(Outcome::Stopped);
        }
        pending = computed?;
    }
    if !hand_over(pending).map_err(ExecError::Sink)? {
        return Ok(Outcome::Stopped);
    }
    Ok(Outcome::Complete)
}

/// Runs the replications of a chunk's points in parallel. The first round runs each
/// point's replications; with a CI target, points that miss it double their
/// replications (up to the maximum) round after round. Results are in point order,
/// then replication order.
fn run_rounds(
    cfgs: &[ScenarioConfig],
    ids: &[usize],
    opts: &SweepOptions,
    done: &AtomicU64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Vec<RunResult>>, Unstable> {
    let mut results: Vec<Vec<RunResult>> = vec![Vec::new(); cfgs.len()];
    let mut wanted: Vec<u32> = cfgs.iter().map(|c| c.simulation.replications).collect();
    loop {
        let jobs: Vec<(usize, u64)> = (0..cfgs.len())
            .flat_map(|i| {
                let have = results[i].len() as u64;
                (have..u64::from(wanted[i])).map(move |r| (i, r))
            })
            .collect();
        if jobs.is_empty() {
            break;
        }
        // One run per task: runs differ in cost, so fine-grained stealing keeps every
        // thread busy to the end of the chunk.
        let out: Vec<RunResult> = jobs
            .par_iter()
            .with_max_len(1)
            .map(|&(i, r)| {
                let res = simulate(
                    &cfgs[i],
                    RunOptions {
                        point: ids[i] as u64,
                        stream_point: 0,
                        replication: r,
                        trace: opts.trace,
                    },
                );
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                res
            })
            .collect::<Result<_, _>>()?;
        for (&(i, _), res) in jobs.iter().zip(out) {
            results[i].push(res);
        }
        let Some(target) = opts.ci_target else {
            break;
        };
        let mut more = false;
        for (i, w) in wanted.iter_mut().enumerate() {
            let summaries: Vec<&Summary> = results[i].iter().map(|r| &r.summary).collect();
            if *w < opts.max_replications && !meets_ci_target(&summaries, target) {
                *w = w.saturating_mul(2).min(opts.max_replications);
                more = true;
            }
        }
        if !more {
            break;
        }
    }
    Ok(results)
}
