//! Running replications in parallel.
//!
//! Parallelism is across runs only: each replication is an independent, single-threaded
//! simulation with its own seeded streams, and results come back in replication order,
//! so output does not depend on the number of threads.

use rayon::prelude::*;

use crate::model::{simulate, RunOptions, RunResult, ScenarioConfig};

/// A failure to set up the worker pool.
#[derive(Debug)]
pub struct PoolError(pub String);

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start worker threads: {}", self.0)
    }
}

impl std::error::Error for PoolError {}

/// Runs replications `0..cfg.simulation.replications` of sweep point `point`, on
/// `threads` workers (0 = one per core). Results are in replication order.
pub fn run_replications(
    cfg: &ScenarioConfig,
    point: u64,
    trace: bool,
    threads: usize,
) -> Result<Vec<RunResult>, PoolError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| PoolError(e.to_string()))?;
    let reps = u64::from(cfg.simulation.replications);
    Ok(pool.install(|| {
        (0..reps)
            .into_par_iter()
            .map(|replication| {
                simulate(
                    cfg,
                    RunOptions {
                        point,
                        replication,
                        trace,
                    },
                )
            })
            .collect()
    }))
}
