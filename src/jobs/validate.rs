//! The validate job: scenario files checked (with their `[sweep]` tables) without
//! running anything.

use std::path::PathBuf;

use crate::scenario::{ScenarioConfig, ScenarioError, ScenarioSource};
use crate::sweep::{plan, PlanError};

/// Checks each file: it must resolve to a valid scenario, and its `[sweep]` table, if
/// any, must be a valid plan. Returns, per file in order, the resolved scenario or every
/// problem found.
pub fn validate(files: &[PathBuf]) -> Vec<(PathBuf, Result<ScenarioConfig, ScenarioError>)> {
    files
        .iter()
        .map(|file| (file.clone(), check(file)))
        .collect()
}

fn check(file: &std::path::Path) -> Result<ScenarioConfig, ScenarioError> {
    let s = ScenarioSource::from_file(file)?;
    let cfg = s.resolve(&[])?;
    plan::from_file(&s).map_err(|e| match e {
        PlanError::Invalid(p) => ScenarioError::Invalid(p),
        PlanError::Usage(m) => ScenarioError::Invalid(vec![s.problem_at(&[], m)]),
    })?;
    Ok(cfg)
}
