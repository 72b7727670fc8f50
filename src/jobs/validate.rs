//! The validate job: scenario files checked (with their `[sweep]` tables) without
//! running anything.

use std::path::PathBuf;

use crate::scenario::{PathStep, ScenarioConfig, ScenarioError, ScenarioSource};
use crate::sweep::{self, plan, PlanError, SweepPlan};

/// Checks each file: it must resolve to a valid scenario, and its `[sweep]` table, if
/// any, must pass exactly the checks `sweep` makes before it runs anything: the table
/// reads as a plan (grid, or the Latin hypercube of its `sample`, drawn with the
/// scenario's seed) and the scenario of every point of that plan resolves. Problems of
/// the sweep table, those of its points included, are reported at their line in the
/// file. Returns, per file in order, the resolved scenario or every problem found.
pub fn validate(files: &[PathBuf]) -> Vec<(PathBuf, Result<ScenarioConfig, ScenarioError>)> {
    files
        .iter()
        .map(|file| (file.clone(), check(file)))
        .collect()
}

fn check(file: &std::path::Path) -> Result<ScenarioConfig, ScenarioError> {
    let s = ScenarioSource::from_file(file)?;
    let cfg = s.resolve(&[])?;
    check_sweep_table(&s, &cfg)?;
    Ok(cfg)
}

/// The file's `[sweep]` table, checked as the sweep job checks it (without `--vary` or
/// `--sample`, which only the command line gives).
fn check_sweep_table(s: &ScenarioSource, cfg: &ScenarioConfig) -> Result<(), ScenarioError> {
    if s.sweep_table().is_none() {
        return Ok(());
    }
    let plan_error = |e: PlanError| match e {
        PlanError::Invalid(problems) => ScenarioError::Invalid(problems),
        PlanError::Usage(m) => {
            ScenarioError::Invalid(vec![s.problem_at(&[PathStep::Key("sweep")], m)])
        }
    };
    let file = plan::from_file(s).map_err(plan_error)?;
    let plan = match file.sample {
        Some(n) => SweepPlan::latin_hypercube(file.axes, n, cfg.simulation.seed),
        None => SweepPlan::grid(file.axes),
    }
    .map_err(plan_error)?;
    sweep::check_plan(s, &[], &plan)
}
