//! Command-line interface: argument parsing (clap) and the exit-code policy.
//!
//! Exit codes: 0 success; 1 the scenario has problems (every one is listed on stderr);
//! 2 usage or I/O errors (bad arguments, unreadable files, unwritable output).
//! This is the only place that maps errors to exit codes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};

use sresim::report::{self, Manifest};
use sresim::scenario::{Override, ScenarioError, ScenarioSource};
use sresim::sweep;

/// Discrete-event simulator of SRE team scaling.
///
/// With no command, runs the bundled baseline scenario into output/baseline/.
#[derive(Debug, Parser)]
#[command(name = "sresim", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario's replications and write CSV, a manifest and a summary table.
    Run(RunArgs),
    /// Check scenario files; list every problem with its file:line:col and key path.
    Validate(ValidateArgs),
}

#[derive(Debug, Args, Default)]
struct RunArgs {
    /// Scenario file (TOML). Without it, the bundled baseline scenario.
    scenario: Option<PathBuf>,
    /// Output folder [default: output/<scenario name>].
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
    /// Also write incidents.csv, one row per incident.
    #[arg(long)]
    trace: bool,
    /// Do not print the summary table.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// Scenario files to check.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Parses the command line, runs the command and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Run(args)) => run(&args),
        Some(Command::Validate(args)) => validate(&args),
        None => run(&RunArgs::default()),
    };
    ExitCode::from(code)
}

fn report_scenario_error(e: &ScenarioError) -> u8 {
    eprintln!("{e}");
    if let ScenarioError::Invalid(problems) = e {
        eprintln!(
            "{} problem{} found",
            problems.len(),
            if problems.len() == 1 { "" } else { "s" }
        );
    }
    e.exit_code() as u8
}

fn load(path: Option<&Path>) -> Result<ScenarioSource, ScenarioError> {
    match path {
        Some(p) => ScenarioSource::from_file(p),
        None => Ok(ScenarioSource::baseline()),
    }
}

fn run(args: &RunArgs) -> u8 {
    let started = Instant::now();
    let source = match load(args.scenario.as_deref()) {
        Ok(s) => s,
        Err(e) => return report_scenario_error(&e),
    };
    let mut overrides = Vec::new();
    for text in &args.set {
        match Override::parse(text) {
            Ok(o) => overrides.push(o),
            Err(e) => return report_scenario_error(&e),
        }
    }
    if let Some(n) = args.replications {
        overrides.push(Override::new(
            "simulation.replications",
            toml::Value::Integer(i64::from(n)),
        ));
    }
    if let Some(seed) = args.seed {
        match i64::try_from(seed) {
            Ok(s) => overrides.push(Override::new("simulation.seed", toml::Value::Integer(s))),
            Err(_) => {
                eprintln!("--seed {seed}: seeds above {} are not supported", i64::MAX);
                return 2;
            }
        }
    }
    let cfg = match source.resolve(&overrides) {
        Ok(c) => c,
        Err(e) => return report_scenario_error(&e),
    };
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        args.threads
    };
    let runs = match sweep::run_replications(&cfg, 0, args.trace, threads) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return 2;
        }
    };
    let sim_seconds = started.elapsed().as_secs_f64();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&cfg.name));
    let files = match report::write_run(&out, &runs, args.trace) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot write results: {e}");
            return 2;
        }
    };
    let manifest = Manifest {
        version: env!("CARGO_PKG_VERSION"),
        command_line: std::env::args().collect(),
        scenario_origin: source.origin(),
        overrides: overrides.iter().map(|o| o.text().to_string()).collect(),
        resolved_scenario: &cfg,
        seed: cfg.simulation.seed,
        replications: u64::from(cfg.simulation.replications),
        seed_derivation: "stream seed = stream_seed(seed, point = 0, replication, stream id); \
                          service i uses stream ids 4i (arrivals), 4i+1 (handling), 4i+2 (tickets)",
        threads,
        wall_time_seconds: sim_seconds,
        files,
    };
    let json = match serde_json::to_vec_pretty(&manifest) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("cannot encode manifest: {e}");
            return 2;
        }
    };
    if let Err(e) = report::write_atomic(&out.join("manifest.json"), &json) {
        eprintln!("cannot write results: {e}");
        return 2;
    }
    if !args.quiet {
        let summaries: Vec<_> = runs.iter().map(|r| &r.summary).collect();
        println!(
            "{}: {} replications × {} weeks ({} warm-up), seed {}",
            cfg.name,
            cfg.simulation.replications,
            cfg.simulation.horizon_weeks,
            cfg.simulation.warmup_weeks,
            cfg.simulation.seed
        );
        print!("{}", report::headline_table(&summaries));
        println!(
            "wrote {} in {:.2} s",
            out.display(),
            started.elapsed().as_secs_f64()
        );
    }
    0
}

fn validate(args: &ValidateArgs) -> u8 {
    let mut worst = 0u8;
    for file in &args.files {
        match ScenarioSource::from_file(file).and_then(|s| s.resolve(&[])) {
            Ok(cfg) => println!(
                "{}: ok ({} sites, {} teams, {} services)",
                file.display(),
                cfg.sites.len(),
                cfg.teams.len(),
                cfg.services.len()
            ),
            Err(e) => worst = worst.max(report_scenario_error(&e)),
        }
    }
    worst
}
