//! Jobs: a run, a sweep, a comparison, a merge of shards, charts, a validation. Each
//! takes a spec, loads and resolves the scenario, runs it, writes the output folder
//! (CSV, manifest, charts) and returns a typed report or a [`JobError`]; none prints.
//!
//! This layer sits above [`crate::scenario`], [`crate::sweep`] and [`crate::report`];
//! the `sresim` command is a thin shell over it, and another program can call it alike.
//!
//! ```no_run
//! use sresim::jobs::{self, CommonSpec, RunSpec};
//!
//! let spec = RunSpec {
//!     common: CommonSpec {
//!         replications: Some(3),
//!         no_charts: true,
//!         ..CommonSpec::default()
//!     },
//!     trace: false,
//! };
//! match jobs::run(&spec) {
//!     Ok(report) => assert_eq!(report.runs.len(), 3),
//!     Err(e) => eprintln!("{e} ({:?})", e.kind()),
//! }
//! ```

mod compare;
mod folder;
pub mod json;
mod merge;
mod plan;
mod run;
mod sensitivity;
mod sweep;
mod validate;
mod workshop;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use compare::{compare, parse_variant, CompareReport, CompareSpec, Variant};
pub use folder::{plot, report, FolderSpec, ReportOutcome, MAX_READ_BYTES};
pub use merge::{merge, MergeReport, MergeSpec};
pub use plan::{
    parse_metric, parse_scope, parse_target, plan, Blocking, Op, PlanReport, PlanSpec, Scope,
    Target, Trial, Verdict, DEFAULT_CONFIDENCE, DEFAULT_PLAN_REPLICATIONS,
};
pub use run::{run, RunReport, RunSpec};
pub use sensitivity::{sensitivity, KeyEffect, SensitivityReport, SensitivitySpec, DEFAULT_DELTA};
pub use sweep::{
    sweep, PointMeans, PointOverview, SweepHooks, SweepReport, SweepSpec, DEFAULT_MAX_REPLICATIONS,
};
pub use validate::validate;
pub use workshop::{workshop, PartKind, WorkshopPart, WorkshopReport, WorkshopSpec, WORKSHOP};

use crate::model::Unstable;
use crate::report::charts::{self, ChartError};
use crate::report::{self, Claim, Manifest, OutputDir, ReportError};
use crate::scenario::{Override, Problem, ScenarioConfig, ScenarioError, ScenarioSource};
use crate::sweep::{ExecError, PlanError, PoolError, RunError};

/// How every replication's random streams are seeded, as recorded in each manifest.
pub const SEED_DERIVATION: &str = "stream seed = stream_seed(seed, 0, replication, stream id): replication r of every point \
     and variant shares its streams (common random numbers); a service's streams are keyed by \
     its name: ids b (arrivals), b+1 (handling), b+2 (tickets), b+3..b+15 reserved and spare, with b = 16 × FNV-1a(name)";

/// What the run, sweep and compare jobs share: which scenario, with which overrides,
/// where the output goes and how many threads run it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommonSpec {
    /// Scenario file (TOML); `None` for the bundled baseline.
    pub scenario: Option<PathBuf>,
    /// Output folder; `None` for `output/<scenario name>` (with `-sweep` or `-compare`
    /// appended for those jobs).
    pub out: Option<PathBuf>,
    /// Replications, overriding `simulation.replications`.
    pub replications: Option<u32>,
    /// Base seed, overriding `simulation.seed` (at most `i64::MAX`).
    pub seed: Option<u64>,
    /// `KEY=VALUE` overrides, applied in order.
    pub sets: Vec<String>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    pub threads: usize,
    /// Do not draw charts (CSV only).
    pub no_charts: bool,
    /// Run even when the job is estimated past [`MAX_EVENTS`] or [`MAX_RESULT_BYTES`].
    pub force: bool,
    /// The command line, recorded in the manifest.
    pub command_line: Vec<String>,
}

/// Events a job may be estimated at without `force`: about a quarter of an hour of
/// one core at [`EVENTS_PER_CORE_SECOND`].
pub const MAX_EVENTS: f64 = 5e9;

/// Bytes of results a job may be estimated to hold in memory at once without `force`.
pub const MAX_RESULT_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;

/// Events one core gets through per second in a whole job (simulation, results and
/// CSV), for the time in an estimate: measured on the baseline scenario, about 5
/// million; an assumption for other machines and scenarios.
pub const EVENTS_PER_CORE_SECOND: f64 = 5e6;

/// What a job is estimated to cost before it starts (see [`crate::model::estimate`]).
#[derive(Debug, Clone, PartialEq)]
pub struct JobEstimate {
    /// Runs the job makes (at most, with a CI target).
    pub runs: u64,
    /// Events over all runs.
    pub events: f64,
    /// Bytes of results held in memory at once.
    pub bytes: f64,
    /// Replications per run, as the scenario (or `--replications`) sets them.
    pub replications: u32,
    /// Weeks simulated per run.
    pub horizon_weeks: f64,
    /// The scenario key that contributes most events per run, and its value.
    pub driver: (String, f64),
}

impl JobEstimate {
    /// Adds `runs` runs of a scenario estimated at `run`.
    fn add(&mut self, run: &crate::model::RunEstimate, runs: u64) {
        self.runs += runs;
        self.events += run.events * runs as f64;
        if self.driver.0.is_empty() {
            self.driver = run.driver.clone();
        }
    }

    /// Refuses the job when past a limit and not forced.
    fn check(&self, force: bool) -> Result<(), JobError> {
        if force || (self.events <= MAX_EVENTS && self.bytes <= MAX_RESULT_BYTES) {
            Ok(())
        } else {
            Err(JobError::TooLarge(self.clone()))
        }
    }
}

impl fmt::Display for JobEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.events / EVENTS_PER_CORE_SECOND / 60.0;
        write!(
            f,
            "this job is estimated at {:.1e} events over {} runs (about {:.0} core-minutes) and {:.1} GiB of results held in memory; \
             without --force the limits are {MAX_EVENTS:.0e} events and {:.0} GiB. The cost grows with \
             simulation.replications (here {}), simulation.horizon_weeks (here {}) and, per run, most with {} (here {}): \
             lower them, or pass --force to run it anyway",
            self.events,
            self.runs,
            minutes.max(1.0),
            self.bytes / (1024.0 * 1024.0 * 1024.0),
            MAX_RESULT_BYTES / (1024.0 * 1024.0 * 1024.0),
            self.replications,
            self.horizon_weeks,
            self.driver.0,
            self.driver.1
        )
    }
}

/// The estimate of `runs` runs of `cfg`, all held in memory at once.
fn estimate_all(cfgs: &[&ScenarioConfig], trace: bool) -> JobEstimate {
    let mut e = JobEstimate {
        runs: 0,
        events: 0.0,
        bytes: 0.0,
        replications: cfgs.first().map_or(0, |c| c.simulation.replications),
        horizon_weeks: cfgs.first().map_or(0.0, |c| c.simulation.horizon_weeks),
        driver: (String::new(), 0.0),
    };
    for cfg in cfgs {
        let run = crate::model::estimate_run(cfg, trace);
        let n = u64::from(cfg.simulation.replications);
        e.add(&run, n);
        e.bytes += run.bytes * n as f64;
    }
    e
}

/// Which exit code a [`JobError`] earns; the command maps each kind to one code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The scenario or the sweep plan has problems, every one listed with its position.
    /// Exit code 1.
    Scenario,
    /// A bad argument, or files that are not what the job needs (an interrupted sweep
    /// without resume, shards of different sweeps, a folder without CSVs). Exit code 2.
    Usage,
    /// Reading, writing or starting threads failed. Exit code 2.
    Io,
    /// A sweep was stopped through its stop flag; its complete points are kept for a
    /// resume. Exit code 130.
    Interrupted,
    /// The job was refused or stopped for its size: estimated too large to run without
    /// `--force`, or a run's queue grew without bound. Exit code 2.
    Refused,
}

/// A bad argument value the lower layers do not check.
#[derive(Debug, Clone, PartialEq)]
pub enum UsageError {
    /// `--seed` above `i64::MAX` (TOML integers are signed).
    Seed(u64),
    /// `--shard` is not `K/N` with 1 ≤ K ≤ N.
    Shard(String),
    /// `--ci-target` is not a positive, finite fraction.
    CiTarget(f64),
    /// `--max-replications` is below the starting replications (or 2).
    MaxReplications {
        /// The upper bound given.
        max: u32,
        /// The replications each point starts with.
        start: u32,
    },
    /// `--max-replications` above the bound of `simulation.replications`.
    MaxReplicationsTooHigh(u32),
    /// `--variant` is none of the accepted forms.
    Variant(String),
    /// `--threads` above [`MAX_THREADS`].
    Threads(usize),
    /// A variant's name is unusable.
    VariantName {
        /// The `--variant` argument, escaped.
        spec: String,
        /// Why.
        why: String,
    },
    /// `--max-replications` given without `--ci-target`, where it has no effect.
    MaxReplicationsWithoutTarget(u32),
    /// `--vary` given twice for one key.
    DuplicateVary(String),
    /// A `plan` argument is unusable (`--over`, `--target`, `--scope`,
    /// `--confidence`, `--max-replications`); the text says which and why.
    Plan(String),
    /// `--shard K/N` with more shards than the sweep has points: some shards would be
    /// empty, and the merge could never be complete.
    TooManyShards {
        /// Shards asked for.
        n: usize,
        /// Points of the plan.
        points: usize,
    },
    /// Two variants (or a variant and the base) share a name.
    DuplicateVariant {
        /// The `--variant` argument as given.
        spec: String,
        /// The name used twice.
        name: String,
    },
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::Seed(seed) => write!(
                f,
                "--seed {seed}: seeds above {} are not supported",
                i64::MAX
            ),
            UsageError::Shard(text) => write!(
                f,
                "--shard {text:?}: expected K/N with 1 <= K <= N, e.g. 3/16"
            ),
            UsageError::CiTarget(t) => write!(
                f,
                "--ci-target must be a fraction between {MIN_CI_TARGET} and 1 (e.g. 0.05); got {}",
                crate::scenario::show_about(*t)
            ),
            UsageError::MaxReplicationsWithoutTarget(n) => write!(
                f,
                "--max-replications {n} has no effect without --ci-target; give both, or neither"
            ),
            UsageError::Plan(m) => f.write_str(m),
            UsageError::DuplicateVary(key) => write!(
                f,
                "--vary {key}=... is given twice; give one --vary per key with all its values"
            ),
            UsageError::TooManyShards { n, points } => write!(
                f,
                "--shard K/{n}: the sweep has {points} points, so some of {n} shards would have none and their merge could never be complete; use at most {points} shards"
            ),
            UsageError::MaxReplications { max, start } => write!(
                f,
                "--max-replications {max} is below the starting replications ({start})"
            ),
            UsageError::MaxReplicationsTooHigh(max) => write!(
                f,
                "--max-replications {max}: at most {} (the bound of simulation.replications)",
                sweep::MAX_REPLICATIONS
            ),
            UsageError::Variant(spec) => write!(
                f,
                "--variant {spec:?}: expected NAME=FILE.toml, \"NAME: KEY=VALUE; KEY=VALUE\" or KEY=VALUE"
            ),
            UsageError::Threads(n) => write!(
                f,
                "--threads {n}: at most {MAX_THREADS} threads (0 = one per core)"
            ),
            UsageError::VariantName { spec, why } => {
                write!(f, "--variant \"{spec}\": the name is refused: {why}")
            }
            UsageError::DuplicateVariant { spec, name } => {
                write!(f, "--variant {spec:?}: the name {name:?} is used twice")
            }
        }
    }
}

impl std::error::Error for UsageError {}

/// Why a job failed.
///
/// Errors that are *fatal for the input* fail again on every retry until the scenario,
/// the arguments or the folders given change. *Retryable* errors leave the input as
/// valid as it was: the same job may succeed once the environment allows (disk space,
/// permissions, threads), and an interrupted sweep continues with resume. Every
/// variant's [`ErrorKind`] is given by [`JobError::kind`].
#[derive(Debug)]
pub enum JobError {
    /// The scenario could not be read or resolved. Fatal for the input when it is
    /// invalid or an override is malformed; retryable when the file could not be read.
    Scenario(ScenarioError),
    /// The sweep plan (`--vary`, `--sample`, the file's `[sweep]` table) is unusable.
    /// Fatal for the input.
    Plan(PlanError),
    /// A bad argument value. Fatal for the input.
    Usage(UsageError),
    /// The worker threads could not start. Retryable.
    Pool(PoolError),
    /// The job is estimated past [`MAX_EVENTS`] or [`MAX_RESULT_BYTES`] and was not
    /// forced. Fatal for the input unless forced.
    TooLarge(JobEstimate),
    /// A folder given to `plot` or `report` is estimated past [`MAX_RESULT_BYTES`] of
    /// memory or [`MAX_READ_BYTES`] of CSV to read, and was not forced. Fatal for the
    /// folder unless forced.
    FolderTooLarge {
        /// The folder.
        dir: PathBuf,
        /// What reading it would cost.
        estimate: crate::report::verify::ReadEstimate,
    },
    /// A folder given to `plot` or `report` does not verify against its manifest
    /// (files changed, missing or unlisted), and was not forced. Fatal for the folder
    /// unless forced.
    Unverified(Vec<crate::report::verify::Mismatch>),
    /// A run stopped because a team's queue of waiting pages grew without bound: the
    /// scenario is overloaded. Fatal for the input.
    Unstable(Unstable),
    /// The output could not be written, or the output folder holds an interrupted sweep
    /// that this job may not continue. Retryable when writing failed
    /// ([`ReportError::Io`]); fatal for this folder otherwise.
    Report(ReportError),
    /// The shards could not be merged: they are not the complete shards of one sweep
    /// (fatal for the input) or could not be read or written (retryable).
    Merge(ReportError),
    /// The charts of a job's output could not be drawn; its CSV files and manifest are
    /// written. Retryable with [`plot`] once the cause is fixed.
    Charts(ChartError),
    /// The charts of a folder could not be drawn ([`plot`]): fatal for the folder when
    /// its CSV files are missing or malformed, retryable when reading or drawing failed.
    Plot(ChartError),
    /// A sweep failed while running: a point did not resolve, the threads did not start
    /// or a finished point could not be written. Complete points are kept; retryable
    /// with resume when writing failed.
    Sweep(ExecError<ReportError>),
    /// A sweep was stopped through its stop flag. Retryable: the same sweep with resume
    /// continues from the complete points.
    Interrupted {
        /// Points complete in the output folder.
        completed: usize,
        /// Points the sweep (or its shard) has.
        points: usize,
        /// The output folder.
        out: PathBuf,
    },
}

impl JobError {
    /// The kind of failure, for the exit code.
    pub fn kind(&self) -> ErrorKind {
        let report = |e: &ReportError| match e {
            ReportError::Io { .. } => ErrorKind::Io,
            ReportError::Encode { .. } => ErrorKind::Usage,
        };
        let chart = |e: &ChartError| match e {
            ChartError::Io { .. } | ChartError::Draw { .. } => ErrorKind::Io,
            ChartError::Csv { .. } | ChartError::Empty { .. } => ErrorKind::Usage,
        };
        match self {
            JobError::Scenario(ScenarioError::Invalid(_)) => ErrorKind::Scenario,
            JobError::Scenario(ScenarioError::Io { .. }) => ErrorKind::Io,
            JobError::Scenario(ScenarioError::BadOverride { .. }) => ErrorKind::Usage,
            JobError::Plan(PlanError::Invalid(_)) => ErrorKind::Scenario,
            JobError::Plan(PlanError::Usage(_)) | JobError::Usage(_) => ErrorKind::Usage,
            JobError::Pool(_) => ErrorKind::Io,
            JobError::Unstable(_)
            | JobError::TooLarge(_)
            | JobError::FolderTooLarge { .. }
            | JobError::Sweep(ExecError::Unstable(_)) => ErrorKind::Refused,
            JobError::Report(e) | JobError::Merge(e) => report(e),
            JobError::Charts(e) | JobError::Plot(e) => chart(e),
            JobError::Unverified(_) => ErrorKind::Usage,
            // A point's scenario was checked before the sweep started: a failure to
            // resolve it now is not the input's problem list.
            JobError::Sweep(ExecError::Scenario(_) | ExecError::Pool(_)) => ErrorKind::Io,
            JobError::Sweep(ExecError::Sink(e)) => report(e),
            JobError::Interrupted { .. } => ErrorKind::Interrupted,
        }
    }

    /// The problems of an invalid scenario or sweep plan, in file order (empty for
    /// every other error). Non-empty exactly when the kind is [`ErrorKind::Scenario`].
    pub fn problems(&self) -> &[Problem] {
        match self {
            JobError::Scenario(e) => e.problems(),
            JobError::Plan(PlanError::Invalid(problems)) => problems,
            _ => &[],
        }
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobError::Scenario(e) => write!(f, "{e}"),
            JobError::Plan(e) => write!(f, "{e}"),
            JobError::Usage(e) => write!(f, "{e}"),
            JobError::Pool(e) => write!(f, "{e}"),
            JobError::Unstable(u) => write!(f, "{u}"),
            JobError::TooLarge(e) => write!(f, "refused: {e}"),
            JobError::FolderTooLarge { dir, estimate } => {
                write!(f, "refused: {}: {estimate}", dir.display())
            }
            JobError::Unverified(m) => write!(f, "refused: {}", folder::unverified_text(m)),
            JobError::Report(e) => write!(f, "cannot write results: {e}"),
            JobError::Merge(e) => write!(f, "cannot merge: {e}"),
            JobError::Charts(e) => write!(f, "cannot draw charts: {e}"),
            JobError::Plot(e) => write!(f, "{e}"),
            JobError::Sweep(e) => write!(f, "sweep failed: {e}"),
            JobError::Interrupted {
                completed,
                points,
                out,
            } => write!(
                f,
                "interrupted: {completed} of {points} points complete in {}; rerun the same command with --resume to continue",
                out.display()
            ),
        }
    }
}

impl std::error::Error for JobError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JobError::Scenario(e) => Some(e),
            JobError::Plan(e) => Some(e),
            JobError::Usage(e) => Some(e),
            JobError::Pool(e) => Some(e),
            JobError::Unstable(u) => Some(u),
            JobError::TooLarge(_) | JobError::FolderTooLarge { .. } | JobError::Unverified(_) => {
                None
            }
            JobError::Report(e) | JobError::Merge(e) => Some(e),
            JobError::Charts(e) | JobError::Plot(e) => Some(e),
            JobError::Sweep(e) => Some(e),
            JobError::Interrupted { .. } => None,
        }
    }
}

impl From<ScenarioError> for JobError {
    fn from(e: ScenarioError) -> Self {
        JobError::Scenario(e)
    }
}

impl From<PlanError> for JobError {
    fn from(e: PlanError) -> Self {
        JobError::Plan(e)
    }
}

impl From<UsageError> for JobError {
    fn from(e: UsageError) -> Self {
        JobError::Usage(e)
    }
}

impl From<RunError> for JobError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::Pool(p) => JobError::Pool(p),
            RunError::Unstable(u) => JobError::Unstable(u),
        }
    }
}

/// The scenario source, the overrides from `sets`, `replications` and `seed`, and the
/// scenario they resolve to.
fn prepare(c: &CommonSpec) -> Result<(ScenarioSource, Vec<Override>, ScenarioConfig), JobError> {
    let source = match &c.scenario {
        Some(p) => ScenarioSource::from_file(p)?,
        None => ScenarioSource::baseline(),
    };
    let mut overrides = Vec::new();
    for text in &c.sets {
        overrides.push(Override::parse(text)?);
    }
    if let Some(n) = c.replications {
        overrides.push(Override::new(
            "simulation.replications",
            toml::Value::Integer(i64::from(n)),
        ));
    }
    if let Some(seed) = c.seed {
        let s = i64::try_from(seed).map_err(|_| UsageError::Seed(seed))?;
        overrides.push(Override::new("simulation.seed", toml::Value::Integer(s)));
    }
    let cfg = source.resolve(&overrides)?;
    Ok((source, overrides, cfg))
}

/// The smallest `--ci-target` accepted: a CI half-width of 0.01% of the mean.
pub const MIN_CI_TARGET: f64 = 1e-4;

/// Most worker threads a job starts.
pub const MAX_THREADS: usize = 1024;

/// Worker threads for `n` (0 = one per core); more than [`MAX_THREADS`] is refused.
fn threads(n: usize) -> Result<usize, UsageError> {
    match n {
        0 => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
        n if n > MAX_THREADS => Err(UsageError::Threads(n)),
        n => Ok(n),
    }
}

/// The output folder: the one given, else `output/<name><suffix>`.
fn out_dir(given: Option<&Path>, name: &str, suffix: &str) -> PathBuf {
    given.map_or_else(
        || Path::new("output").join(format!("{name}{suffix}")),
        Path::to_path_buf,
    )
}

/// The output folder of a job and what was written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The folder.
    pub dir: PathBuf,
    /// The files written into it (charts aside), `manifest.json` last.
    pub files: Vec<String>,
    /// Chart files drawn; `None` when none were (switched off, or a sweep shard).
    pub charts: Option<usize>,
}

/// Claims the output folder `dir` for a job (see [`OutputDir`]).
fn claim(dir: &Path, mode: Claim) -> Result<OutputDir, JobError> {
    OutputDir::claim(dir, mode).map_err(JobError::Report)
}

/// Completes a job's output: draws the charts unless `no_charts`, records the checksum
/// of every file the manifest lists (reading those it has none for yet) and of every
/// chart, writes the manifest into the staging folder and moves the folder into place.
/// When the charts fail, the CSV files and the manifest are still moved into place,
/// and the error says so.
fn finish<S: Serialize>(
    mut out: OutputDir,
    manifest: &mut Manifest<S>,
    no_charts: bool,
) -> Result<Output, JobError> {
    let stage = out.staging().map_err(JobError::Report)?;
    // The charts read the manifest (axis labels): written once before them, and again
    // with their checksums.
    manifest.write(&stage).map_err(JobError::Report)?;
    let (charts, failed) = if no_charts {
        (Vec::new(), None)
    } else {
        match charts::plot_dir(&stage) {
            Ok(written) => (written, None),
            Err(e) => (Vec::new(), Some(e)),
        }
    };
    let chart_names = charts
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let listed: Vec<String> = manifest
        .files
        .iter()
        .filter(|f| *f != "manifest.json")
        .cloned()
        .chain(chart_names)
        .collect();
    for name in listed {
        if let std::collections::btree_map::Entry::Vacant(e) = manifest.checksums.entry(name) {
            let sum = report::file_checksum(&stage.join(e.key())).map_err(JobError::Report)?;
            e.insert(sum);
        }
    }
    manifest.write(&stage).map_err(JobError::Report)?;
    let dir = out.commit().map_err(JobError::Report)?;
    if let Some(e) = failed {
        return Err(JobError::Charts(e));
    }
    let charts = (!no_charts).then_some(charts.len());
    Ok(Output {
        dir,
        files: manifest.files.clone(),
        charts,
    })
}

/// The manifest fields every job shares, for the base scenario `cfg` run with
/// `overrides`; the caller fills in the rest.
fn manifest(
    command_line: &[String],
    overrides: &[Override],
    cfg: &ScenarioConfig,
    threads: usize,
) -> Manifest {
    Manifest {
        generator: report::GENERATOR.to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: command_line.to_vec(),
        scenario_origin: None,
        scenario_text: None,
        overrides: overrides.iter().map(|o| o.text().to_string()).collect(),
        resolved_scenario: None,
        seed: cfg.simulation.seed,
        replications: u64::from(cfg.simulation.replications),
        seed_derivation: SEED_DERIVATION.to_string(),
        threads,
        wall_time_seconds: 0.0,
        files: Vec::new(),
        checksums: Default::default(),
        sweep: None,
        compare: None,
    }
}
