//! Command-line interface, thin over [`sresim::jobs`]: argument parsing (clap), the
//! printing of what a job returns, and the exit-code policy.
//!
//! Exit codes: 0 success; 1 the scenario (or sweep plan) has problems, every one listed
//! on stderr; 2 usage or I/O errors (bad arguments, unreadable files, unwritable or
//! busy output, a job refused for its size, a run stopped as unstable); 130 a sweep
//! stopped by Ctrl-C (complete points kept for `--resume`).
//! This is the only place that maps errors to exit codes ([`exit_code`]).

mod commands;
mod help;
mod output;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use sresim::jobs::ErrorKind;

/// Discrete-event simulator of SRE team scaling.
///
/// With no command, runs the workshop set (`sresim workshop`) and prints the path of
/// its HTML page.
#[derive(Debug, Parser)]
#[command(name = "sresim", version, about, long_about, after_help = help::TOP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario's replications and write CSV, charts, a manifest and a summary.
    #[command(after_help = help::RUN)]
    Run(RunArgs),
    /// Check scenario files; list every problem with its file:line:col and key path.
    #[command(after_help = help::VALIDATE)]
    Validate(ValidateArgs),
    /// Run a scenario over a grid (or Latin hypercube) of parameter values.
    #[command(after_help = help::SWEEP)]
    Sweep(SweepArgs),
    /// Compare variants of a scenario with the base on the same seeds (paired).
    #[command(after_help = help::COMPARE)]
    Compare(CompareArgs),
    /// The smallest value of a key (or cheapest pair of two) that meets targets with a
    /// given probability, or why none does.
    #[command(after_help = help::PLAN)]
    Plan(PlanArgs),
    /// Which assumption matters: each numeric key moved down and up, one at a time, on
    /// the same seeds, ranked by its effect on a metric.
    #[command(after_help = help::SENSITIVITY)]
    Sensitivity(SensitivityArgs),
    /// Redraw the charts of an output folder from its CSV files alone.
    #[command(after_help = help::PLOT)]
    Plot(PlotArgs),
    /// Merge shard folders of one sweep into the files an unsharded sweep writes.
    #[command(after_help = help::MERGE)]
    Merge(MergeArgs),
    /// Print the JSON Schema of scenario files (for editors that check TOML against one).
    #[command(after_help = help::SCHEMA)]
    Schema,
    /// Print a shell completion script for bash, zsh or fish.
    #[command(after_help = help::COMPLETIONS)]
    Completions(CompletionsArgs),
    /// Run the bundled workshop set (baseline, capacity, structures, disengagement,
    /// lifecycle) and write one HTML page over it: output/workshop/index.html.
    #[command(after_help = help::WORKSHOP)]
    Workshop(WorkshopArgs),
    /// Write the HTML page of an output folder of run, sweep, compare or merge
    /// (DIR/index.html): readings, warnings, tables, charts, assumptions.
    #[command(after_help = help::REPORT)]
    Report(ReportArgs),
}

#[derive(Debug, Args, Default)]
struct WorkshopArgs {
    /// Workshop folder [default: output/workshop].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Finish an interrupted workshop in the same folder (its sweeps continue from
    /// their complete points).
    #[arg(long)]
    resume: bool,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// An output folder of run, sweep, compare or merge.
    dir: PathBuf,
    /// Draw the folder even when its files do not match the checksums in its
    /// manifest, or reading it is estimated past the size limits (with a warning).
    #[arg(long)]
    force: bool,
}

/// Options shared by the commands that run simulations.
#[derive(Debug, Args, Default, Clone)]
struct Common {
    /// Scenario file (TOML). Without it, the bundled baseline scenario.
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>, -sweep or -compare for those].
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Replications (overrides simulation.replications).
    #[arg(long, value_name = "N")]
    replications: Option<u32>,
    /// Base seed (overrides simulation.seed).
    #[arg(long, value_name = "SEED")]
    seed: Option<u64>,
    /// Override any scenario key, e.g. --set teams.core.shift_hours=12
    /// (entries of arrays of tables are addressed by name). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Worker threads (0 = one per core). Results do not depend on it.
    #[arg(long, default_value_t = 0, value_name = "N")]
    threads: usize,
    /// Do not print the summary table.
    #[arg(long, short)]
    quiet: bool,
    /// Do not draw charts (CSV only).
    #[arg(long)]
    no_charts: bool,
    /// Run even when the job is estimated too large (more than 5e9 events, about a
    /// quarter of an hour of one core, or 4 GiB of results in memory at once).
    #[arg(long)]
    force: bool,
    /// Print a JSON summary on stdout instead of the tables (messages stay on stderr).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args, Default)]
struct RunArgs {
    #[command(flatten)]
    common: Common,
    /// Also write incidents.csv, one row per incident.
    #[arg(long)]
    trace: bool,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print the result as JSON on stdout (every file, ok or its problems).
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct SweepArgs {
    #[command(flatten)]
    common: Common,
    /// An axis: KEY=V1,V2,... or KEY=START..END:STEP (end included). Repeatable; axes
    /// combine as a full grid and add to (or replace) those in the file's [sweep].
    #[arg(long, value_name = "KEY=VALUES")]
    vary: Vec<String>,
    /// Draw N points by Latin hypercube (seeded) instead of the full grid.
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
    /// Also write incidents.csv.
    #[arg(long)]
    trace: bool,
    /// Run only shard K of N (1-based): every N-th point, for a job array.
    #[arg(long, value_name = "K/N")]
    shard: Option<String>,
    /// Continue an interrupted sweep in the same output folder.
    #[arg(long)]
    resume: bool,
    /// Add replications until every headline metric's 95% CI half-width is within
    /// this fraction of its mean (e.g. 0.05).
    #[arg(long, value_name = "FRACTION")]
    ci_target: Option<f64>,
    /// Upper bound on replications per point with --ci-target [default: 200].
    #[arg(long, value_name = "N")]
    max_replications: Option<u32>,
}

#[derive(Debug, Args)]
struct CompareArgs {
    #[command(flatten)]
    common: Common,
    /// A variant: "NAME=FILE.toml", "NAME: KEY=VALUE; KEY=VALUE", or "KEY=VALUE".
    /// Repeatable.
    #[arg(long, value_name = "SPEC", required = true)]
    variant: Vec<String>,
}

#[derive(Debug, Args)]
struct PlanArgs {
    #[command(flatten)]
    common: Common,
    /// A key and its range, cheapest first: KEY=START..END[:STEP] or KEY=V1,V2,...
    /// Once or twice.
    #[arg(long, value_name = "KEY=RANGE", required = true)]
    over: Vec<String>,
    /// A target every replication is checked against: METRIC<=VALUE (also <, >=, >),
    /// any column of summary.csv. Repeatable; all must hold.
    #[arg(long, value_name = "METRIC<=VALUE", required = true)]
    target: Vec<String>,
    /// The probability that every target holds that the answer must reach.
    #[arg(long, default_value_t = sresim::jobs::DEFAULT_CONFIDENCE, value_name = "P")]
    confidence: f64,
    /// Whose figures the targets read: worst-team, team:NAME or all.
    #[arg(long, default_value = "worst-team", value_name = "SCOPE")]
    scope: String,
    /// Replications per value at most (they double from --replications near the
    /// boundary).
    #[arg(long, default_value_t = sresim::jobs::DEFAULT_PLAN_REPLICATIONS, value_name = "N")]
    max_replications: u32,
    /// Run every value (every pair) instead of bisecting.
    #[arg(long)]
    every: bool,
    /// A timeline (one key): per quarter, month or week, the chance that the targets
    /// hold as the scenario stands, the smallest value that meets them, and when to
    /// open requisitions.
    #[arg(long, value_name = "PERIOD", value_parser = ["quarter", "month", "week"])]
    by: Option<String>,
}

#[derive(Debug, Args)]
struct SensitivityArgs {
    #[command(flatten)]
    common: Common,
    /// The metric whose change is measured (a column of summary.csv).
    #[arg(long, value_name = "METRIC", required = true)]
    metric: String,
    /// Keys to move, comma-separated dotted paths (`*` for a segment, or any rest when
    /// last) [default: every numeric key of the scenario].
    #[arg(long, value_name = "KEY,...", value_delimiter = ',')]
    keys: Vec<String>,
    /// The move, a fraction or a percentage of each value: 0.2 or 20%.
    #[arg(long, default_value = "20%", value_name = "F")]
    delta: String,
    /// Also draw N points by Latin hypercube moving every key at once within its
    /// ±delta range, and rank the keys globally (standardised rank regression).
    #[arg(long, value_name = "N")]
    sample: Option<usize>,
}

#[derive(Debug, Args)]
struct PlotArgs {
    /// An output folder of run, sweep, compare or merge.
    dir: PathBuf,
    /// Draw the folder even when its files do not match the checksums in its
    /// manifest, or reading it is estimated past the size limits (with a warning).
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
struct MergeArgs {
    /// Shard folders (each written by `sresim sweep --shard K/N`).
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Folder for the merged files.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Do not draw charts (CSV only).
    #[arg(long)]
    no_charts: bool,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: CompletionShell,
}

/// The shells `sresim completions` writes for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

/// The exit code for a job's error.
fn exit_code(kind: ErrorKind) -> u8 {
    match kind {
        ErrorKind::Scenario => 1,
        ErrorKind::Usage | ErrorKind::Io | ErrorKind::Refused => 2,
        ErrorKind::Interrupted => 130,
    }
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Run(a)) => commands::run(&a.common, a.trace),
        Some(Command::Validate(a)) => commands::validate(&a.files, a.json),
        Some(Command::Sweep(a)) => commands::sweep(&a),
        Some(Command::Compare(a)) => commands::compare(&a.common, &a.variant),
        Some(Command::Plan(a)) => commands::plan(&a),
        Some(Command::Sensitivity(a)) => commands::sensitivity(&a),
        Some(Command::Plot(a)) => commands::plot(&a.dir, a.force),
        Some(Command::Merge(a)) => commands::merge(&a.shards, &a.out, a.no_charts),
        Some(Command::Schema) => commands::schema(),
        Some(Command::Completions(a)) => commands::completions(a.shell),
        Some(Command::Workshop(a)) => commands::workshop(a.out, a.threads, a.resume),
        Some(Command::Report(a)) => commands::report(&a.dir, a.force),
        None => commands::workshop(None, 0, false),
    };
    ExitCode::from(code)
}
