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

/// Runs replications `0..cfg.simulation.replications` of each configuration, on
/// `threads` workers (0 = one per core), all on the same streams per replication.
/// Results are in (configuration, replication) order.
pub fn run_many(
    cfgs: &[&ScenarioConfig],
    trace: bool,
    threads: usize,
) -> Result<Vec<Vec<RunResult>>, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Pool(PoolError(e.to_string())))?;
    let jobs: Vec<(usize, u64)> = cfgs
        .iter()
        .enumerate()
        .flat_map(|(i, c)| (0..u64::from(c.simulation.replications)).map(move |r| (i, r)))
        .collect();
    let flat: Vec<RunResult> = pool
        .install(|| {
            jobs.par_iter()
                .map(|&(i, replication)| {
                    simulate(
                        cfgs[i],
                        RunOptions {
                            point: i as u64,
                            stream_point: 0,
                            replication,
                            trace,
                        },
                    )
                })
                .collect::<Result<_, _>>()
        })
        .map_err(RunError::Unstable)?;
    let mut out: Vec<Vec<RunResult>> = vec![Vec::new(); cfgs.len()];
    for (&(i, _), r) in jobs.iter().zip(flat) {
        out[i].push(r);
    }
    Ok(out)
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
