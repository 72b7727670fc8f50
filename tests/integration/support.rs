//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sresim::model::{RunResult, Summary};
use sresim::scenario::{Override, Problem, ScenarioConfig, ScenarioError, ScenarioSource};
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

/// Parses scenario text (origin `s.toml`, default name `s`).
pub fn source(text: &str) -> ScenarioSource {
    ScenarioSource::parse(text, "s.toml", "s").unwrap_or_else(|e| panic!("parses: {e}"))
}

/// Parses `--set`-style overrides.
pub fn overrides(sets: &[&str]) -> Vec<Override> {
    sets.iter()
        .map(|t| Override::parse(t).unwrap_or_else(|e| panic!("{t}: {e}")))
        .collect()
}

/// The problems of `text` with `sets`; panics when it resolves.
pub fn problems_of(text: &str, sets: &[&str]) -> Vec<Problem> {
    match source(text).resolve(&overrides(sets)) {
        Ok(_) => panic!("{sets:?}: expected problems, got a valid scenario"),
        Err(ScenarioError::Invalid(p)) => p,
        Err(other) => panic!("{sets:?}: expected Invalid, got {other}"),
    }
}

/// The one problem at `key_path`, or a panic listing what there is.
pub fn problem_at<'a>(problems: &'a [Problem], key_path: &str) -> &'a Problem {
    problems
        .iter()
        .find(|p| p.key_path == key_path)
        .unwrap_or_else(|| panic!("no problem at {key_path} in\n{problems:#?}"))
}

/// `text` with `sets`, validated; panics with the problems when it does not resolve.
pub fn resolves(text: &str, sets: &[&str]) -> ScenarioConfig {
    source(text)
        .resolve(&overrides(sets))
        .unwrap_or_else(|e| panic!("{sets:?} should resolve:\n{e}"))
}

/// `text` with `table` (TOML tables) inserted before its first `[[sites]]`, where a
/// table may go in a scenario that starts with its plain tables.
pub fn with_table(text: &str, table: &str) -> String {
    let at = text.find("[[sites]]").expect("a [[sites]] entry");
    format!("{}{table}\n\n{}", &text[..at], &text[at..])
}

/// The 1-based line of the first line of `text` that contains `needle`.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in the text"))
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
