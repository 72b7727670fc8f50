//! The run job: every replication of one scenario, written as CSV, a manifest and
//! charts.

use std::time::{Duration, Instant};

use super::{
    claim, estimate_all, finish, manifest, out_dir, prepare, threads, CommonSpec, JobError, Output,
};
use crate::model::RunResult;
use crate::report::{self, Claim, Manifest};
use crate::scenario::ScenarioConfig;
use crate::sweep;

/// The run's terminal summary, saved beside its CSV files.
pub const SUMMARY_TXT: &str = "summary.txt";

/// What to run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSpec {
    /// Scenario, overrides, output folder, threads, charts, command line.
    pub common: CommonSpec,
    /// Also write `incidents.csv`, one row per incident.
    pub trace: bool,
}

/// What a run job did.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// The scenario after overrides, validation and defaults.
    pub config: ScenarioConfig,
    /// One result per replication, in replication order.
    pub runs: Vec<RunResult>,
    /// The output folder and what was written there.
    pub output: Output,
    /// The summary printed by `sresim run` and saved as `summary.txt`
    /// ([`crate::report::terminal::run_summary`]).
    pub summary: String,
    /// Wall time of the whole job.
    pub wall_time: Duration,
}

/// Runs every replication of the scenario and writes `summary.csv`, `teams.csv`,
/// `sites.csv`, `services.csv`, `weekly.csv` (and with `trace`, `incidents.csv`),
/// `summary.txt` (the terminal summary), `manifest.json` and the charts into the output folder. Nothing is written when the
/// scenario or an argument is invalid.
pub fn run(spec: &RunSpec) -> Result<RunReport, JobError> {
    let started = Instant::now();
    let c = &spec.common;
    let (source, overrides, cfg) = prepare(c)?;
    let threads = threads(c.threads)?;
    estimate_all(&[&cfg], spec.trace).check(c.force)?;
    let mut out = claim(&out_dir(c.out.as_deref(), &cfg.name, ""), Claim::Replace)?;
    let runs = sweep::run_replications(&cfg, spec.trace, threads)?;
    let sim_seconds = started.elapsed().as_secs_f64();
    let stage = out.staging().map_err(JobError::Report)?;
    let mut files = report::write_run(&stage, &runs, spec.trace).map_err(JobError::Report)?;
    let summary = report::terminal::run_summary(&cfg.name, &cfg.simulation, &runs);
    report::write_atomic(&stage.join(SUMMARY_TXT), summary.as_bytes()).map_err(JobError::Report)?;
    files.push(SUMMARY_TXT.into());
    files.push("manifest.json".into());
    let mut m = Manifest {
        scenario_origin: Some(source.origin().to_string()),
        scenario_text: Some(source.text().to_string()),
        resolved_scenario: Some(cfg.clone()),
        wall_time_seconds: sim_seconds,
        files,
        ..manifest(&c.command_line, &overrides, &cfg, threads)
    };
    let output = finish(out, &mut m, c.no_charts)?;
    Ok(RunReport {
        config: cfg,
        runs,
        output,
        summary,
        wall_time: started.elapsed(),
    })
}
