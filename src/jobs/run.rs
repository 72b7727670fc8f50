//! The run job: every replication of one scenario, written as CSV, a manifest and
//! charts.

use std::time::{Duration, Instant};

use super::{
    claim, finish, manifest, out_dir, prepare, run_cost, threads, window, CommonSpec, JobError,
    JobEstimate, Output,
};
use crate::model::{RunDigest, RunResult};
use crate::report::{self, Claim, EncodedRun, Manifest, ReportError, RunWriter};
use crate::scenario::ScenarioConfig;
use crate::sweep::{self, ExecError};

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
    /// What the summaries keep of each replication, in replication order (the rows
    /// per site, service and week and the incidents are in the CSV files only, written
    /// as the replications ran).
    pub runs: Vec<RunDigest>,
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
    run_cost(&cfg, spec.trace, threads, c.no_charts).check(c.force)?;
    let mut out = claim(&out_dir(c.out.as_deref(), &cfg.name, ""), Claim::Replace)?;
    let stage = out.staging().map_err(JobError::Report)?;
    let mut writer = RunWriter::create(&stage, spec.trace).map_err(JobError::Report)?;
    let window = window(&crate::model::estimate_run(&cfg, spec.trace), threads);
    let trace = spec.trace;
    let prepare_run = |r: RunResult| -> Result<(EncodedRun, RunDigest), ReportError> {
        let encoded = RunWriter::encode(&r, trace)?;
        Ok((encoded, r.into_digest()))
    };
    let mut runs: Vec<RunDigest> = Vec::with_capacity(cfg.simulation.replications as usize);
    sweep::stream_replications(&cfg, trace, threads, window, &prepare_run, |prepared| {
        let (encoded, digest) = prepared?;
        writer.append(&encoded)?;
        runs.push(digest);
        Ok(())
    })
    .map_err(|e| match e {
        ExecError::Pool(m) => JobError::Pool(sweep::PoolError(m)),
        ExecError::Unstable(u) => JobError::Unstable(u),
        ExecError::Sink(e) => JobError::Report(e),
        ExecError::Scenario(e) => JobError::Scenario(e),
    })?;
    let sim_seconds = started.elapsed().as_secs_f64();
    let mut files = writer.finish().map_err(JobError::Report)?;
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

/// What [`run`] with `spec` is estimated to cost (its peak memory in
/// [`JobEstimate::bytes`]), without running anything: the figures `run` refuses a job
/// by.
pub fn run_estimate(spec: &RunSpec) -> Result<JobEstimate, JobError> {
    let c = &spec.common;
    let (_, _, cfg) = prepare(c)?;
    Ok(run_cost(&cfg, spec.trace, threads(c.threads)?, c.no_charts))
}
