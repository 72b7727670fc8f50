//! Running many simulations: replications of one scenario, sweeps over a grid or Latin
//! hypercube of parameter values, and paired comparisons of variants.
//!
//! Parallelism is across runs only: each run is an independent, single-threaded
//! simulation with its own seeded streams, and results come back in run order, so
//! output does not depend on the number of threads. Replication r of every sweep point
//! and every variant uses the same random streams (common random numbers).

pub mod ci;
pub mod compare;
mod exec;
pub mod plan;

pub use exec::{
    check_plan, execute, meets_ci_target, shard_points, ExecError, Outcome, PointRuns, SweepOptions,
};
pub use plan::{parse_vary, Axis, PlanError, SweepPlan};

use rayon::prelude::*;

use crate::model::{simulate, RunOptions, RunResult, Unstable};
use crate::scenario::ScenarioConfig;

/// A failure to set up the worker pool.
#[derive(Debug)]
pub struct PoolError(pub String);

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start worker threads: {}", self.0)
    }
}

impl std::error::Error for PoolError {}

/// Why replications could not all run.
#[derive(Debug)]
pub enum RunError {
    /// The worker pool could not start.
    Pool(PoolError),
    /// A run stopped because a team's queue grew without bound.
    Unstable(Unstable),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Pool(e) => write!(f, "{e}"),
            RunError::Unstable(u) => write!(f, "{u}"),
        }
    }
}

impl std::error::Error for RunError {}

/// The worker pool of a job: `threads` workers (0 = one per core).
fn pool(threads: usize) -> Result<rayon::ThreadPool, PoolError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PoolError(e.to_string()))
}

/// Runs replications `0..cfg.simulation.replications` of each configuration, on
/// `threads` workers (0 = one per core), all on the same streams per replication.
/// Results are in (configuration, replication) order.
pub fn run_many(
    cfgs: &[&ScenarioConfig],
    trace: bool,
    threads: usize,
) -> Result<Vec<Vec<RunResult>>, RunError> {
    run_many_with(cfgs, trace, threads, &|r| r)
}

/// Like [`run_many`], but each result goes through `keep` on its worker as soon as
/// its run ends, so that only what `keep` returns (a [`crate::model::RunDigest`], say)
/// is held for every run.
pub fn run_many_with<T: Send>(
    cfgs: &[&ScenarioConfig],
    trace: bool,
    threads: usize,
    keep: &(dyn Fn(RunResult) -> T + Sync),
) -> Result<Vec<Vec<T>>, RunError> {
    let pool = pool(threads).map_err(RunError::Pool)?;
    let jobs: Vec<(usize, u64)> = cfgs
        .iter()
        .enumerate()
        .flat_map(|(i, c)| (0..u64::from(c.simulation.replications)).map(move |r| (i, r)))
        .collect();
    let flat: Vec<T> = pool
        .install(|| {
            jobs.par_iter()
                .map(|&(i, replication)| {
                    simulate(cfgs[i], options(i as u64, replication, trace)).map(keep)
                })
                .collect::<Result<_, _>>()
        })
        .map_err(RunError::Unstable)?;
    let mut out: Vec<Vec<T>> = cfgs.iter().map(|_| Vec::new()).collect();
    for (&(i, _), r) in jobs.iter().zip(flat) {
        out[i].push(r);
    }
    Ok(out)
}

/// The options of replication `replication` of configuration `point`.
fn options(point: u64, replication: u64, trace: bool) -> RunOptions {
    RunOptions {
        point,
        stream_point: 0,
        replication,
        trace,
    }
}

/// Runs replications `0..cfg.simulation.replications` of one scenario on `threads`
/// workers (0 = one per core). Results are in replication order.
pub fn run_replications(
    cfg: &ScenarioConfig,
    trace: bool,
    threads: usize,
) -> Result<Vec<RunResult>, RunError> {
    Ok(run_many(&[cfg], trace, threads)?.pop().unwrap_or_default())
}

/// Runs replications `0..cfg.simulation.replications` of one scenario on `threads`
/// workers (0 = one per core) in windows of `window` replications, and hands each
/// result to `sink` in replication order. Each result first goes through `prepare` on
/// its worker (encoding its rows, say) as soon as its run ends; while one window
/// runs, the previous one is handed over, so at most two windows of prepared results
/// are held at once, however many replications there are.
pub fn stream_replications<T: Send, E: Send>(
    cfg: &ScenarioConfig,
    trace: bool,
    threads: usize,
    window: usize,
    prepare: &(dyn Fn(RunResult) -> T + Sync),
    mut sink: impl FnMut(T) -> Result<(), E> + Send,
) -> Result<(), ExecError<E>> {
    let pool = pool(threads).map_err(|e| ExecError::Pool(e.0))?;
    let reps: Vec<u64> = (0..u64::from(cfg.simulation.replications)).collect();
    let run_window = |ids: &[u64]| -> Result<Vec<T>, Unstable> {
        ids.par_iter()
            .with_max_len(1)
            .map(|&r| simulate(cfg, options(0, r, trace)).map(prepare))
            .collect()
    };
    let mut hand_over = |ready: Vec<T>| ready.into_iter().try_for_each(&mut sink);
    let mut pending: Vec<T> = Vec::new();
    for ids in reps.chunks(window.max(1)) {
        let ready = std::mem::take(&mut pending);
        let (computed, handed) =
            pool.install(|| rayon::join(|| run_window(ids), || hand_over(ready)));
        handed.map_err(ExecError::Sink)?;
        pending = computed.map_err(ExecError::Unstable)?;
    }
    hand_over(pending).map_err(ExecError::Sink)
}
