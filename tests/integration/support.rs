//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sresim::model::{RunResult, Summary};
use sresim::scenario::{Override, ScenarioConfig, ScenarioSource};
use sresim::sweep::ci::MeanCi;
use sresim::sweep::run_replications;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads `scenarios/<rel>` with `--set`-style overrides.
pub fn load(rel: &str, sets: &[&str]) -> ScenarioConfig {
    let path = root().join("scenarios").join(rel);
    let source = ScenarioSource::from_file(&path).expect("bundled scenario loads");
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("override parses"))
        .collect();
    source
        .resolve(&overrides)
        .unwrap_or_else(|e| panic!("{rel} with {sets:?} is invalid:\n{e}"))
}

/// Runs every replication of `cfg` on two threads.
pub fn run(cfg: &ScenarioConfig) -> Vec<RunResult> {
    run_replications(cfg, false, 2).expect("thread pool")
}

/// Replication 0 of `cfg`, with one row per incident.
pub fn traced(cfg: &ScenarioConfig) -> RunResult {
    sresim::model::simulate(
        cfg,
        sresim::model::RunOptions {
            trace: true,
            ..sresim::model::RunOptions::default()
        },
    )
    .expect("stable")
}

/// Mean and 95% CI of one summary metric across replications.
pub fn ci(runs: &[RunResult], metric: impl Fn(&Summary) -> f64) -> MeanCi {
    MeanCi::of(runs.iter().map(|r| metric(&r.summary)))
}

/// A fresh, empty temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sresim-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Reads a file to a string, naming it on failure.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs the real `sresim` binary from the repository root.
pub fn sresim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("binary runs")
}

/// A command's standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A command's standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The data rows of a CSV file.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut rd = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    rd.records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect()
}

/// The header of a CSV file.
pub fn header(path: &Path) -> Vec<String> {
    let mut rd = csv::Reader::from_path(path).expect("csv");
    rd.headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect()
}

/// A small valid scenario; tests change it with overrides or text edits.
pub const MINIMAL: &str = r#"version = 1

[simulation]
horizon_weeks = 10

[[sites]]
name = "london"
utc_offset_hours = 0

[[sites]]
name = "mountain-view"
utc_offset_hours = -8

[[teams]]
name = "core"
members = { mountain-view = 3, london = 5 }

[[services]]
name = "checkout"
product = "shop"
stack = "jvm"
team = "core"
page_rate_per_week = 1
slo_target = 0.999

[[services.severities]]
name = "sev1"
share = 0.25
impact_fraction = 1
time_to_mitigate = { exponential = { mean_hours = 1 } }

[[services.severities]]
name = "sev2"
share = 0.75
impact_fraction = 0.1
time_to_mitigate = "zero"
"#;

/// The files of an untraced sweep, besides the manifest.
pub const SWEEP_FILES: [&str; 8] = [
    "runs.csv",
    "points.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "reorgs.csv",
    "engagements.csv",
];
