//! Golden outputs: the CSV bytes of fixed-seed runs, sweeps and comparisons through the
//! real binary, compared with the files under `tests/golden/`. A refactoring must leave
//! them byte-identical; a change that is meant to move results regenerates them with
//! `SRESIM_BLESS=1 cargo test golden` and says so in its commit message.

use std::path::Path;

use crate::support::{root, sresim, stderr, temp_dir};

/// Runs `sresim` with `args` into a fresh folder and compares `files` with
/// `tests/golden/<case>/`; with `SRESIM_BLESS=1`, rewrites the golden files instead.
fn check(case: &str, args: &[&str], files: &[&str]) {
    let out = temp_dir(&format!("golden-{case}"));
    let out_s = out.display().to_string();
    let mut full: Vec<&str> = args.to_vec();
    full.extend(["--out", &out_s, "--no-charts", "--quiet", "--threads", "2"]);
    let o = sresim(&full);
    assert!(o.status.success(), "{case}: {}", stderr(&o));
    let golden = root().join("tests/golden").join(case);
    let bless = std::env::var_os("SRESIM_BLESS").is_some();
    let mut differ = Vec::new();
    for f in files {
        let got = std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{case}/{f}: {e}"));
        let want_path = golden.join(f);
        if bless {
            std::fs::create_dir_all(&golden).expect("golden dir");
            std::fs::write(&want_path, &got).expect("write golden");
            continue;
        }
        let want = std::fs::read(&want_path)
            .unwrap_or_else(|e| panic!("{}: {e} (bless with SRESIM_BLESS=1)", want_path.display()));
        if got != want {
            differ.push(format!("{f}: {}", first_difference(&got, &want)));
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    assert!(
        differ.is_empty(),
        "{case}: output differs from tests/golden/{case}:\n{}",
        differ.join("\n")
    );
}

/// The first line that differs, for the failure message.
fn first_difference(got: &[u8], want: &[u8]) -> String {
    let got = String::from_utf8_lossy(got);
    let want = String::from_utf8_lossy(want);
    for (i, (g, w)) in got.lines().zip(want.lines()).enumerate() {
        if g != w {
            return format!("line {}:\n  got  {g}\n  want {w}", i + 1);
        }
    }
    format!(
        "{} lines against {} expected",
        got.lines().count(),
        want.lines().count()
    )
}

const RUN_FILES: [&str; 6] = [
    "summary.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "incidents.csv",
];

#[test]
fn golden_baseline_run() {
    check(
        "baseline",
        &[
            "run",
            "scenarios/baseline.toml",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_weeks=16",
            "--set",
            "simulation.warmup_weeks=2",
            "--trace",
        ],
        &RUN_FILES,
    );
}

#[test]
fn golden_two_teams_run() {
    check(
        "two-teams",
        &[
            "run",
            "scenarios/two-teams.toml",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_weeks=12",
            "--trace",
        ],
        &RUN_FILES,
    );
}

#[test]
fn golden_mmc_run() {
    check(
        "mmc",
        &[
            "run",
            "scenarios/validation/mmc.toml",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_weeks=3",
            "--trace",
        ],
        &RUN_FILES,
    );
}

#[test]
fn golden_mixed_run() {
    let fixture = Path::new("tests/fixtures/golden/mixed.toml");
    check(
        "mixed",
        &["run", &fixture.display().to_string(), "--trace"],
        &RUN_FILES,
    );
}

#[test]
fn golden_capacity_sweep() {
    check(
        "capacity-sweep",
        &[
            "sweep",
            "scenarios/capacity.toml",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_weeks=10",
            "--set",
            "simulation.warmup_weeks=1",
        ],
        &[
            "runs.csv",
            "points.csv",
            "teams.csv",
            "sites.csv",
            "services.csv",
            "weekly.csv",
        ],
    );
}

#[test]
fn golden_compare() {
    check(
        "compare",
        &[
            "compare",
            "scenarios/baseline.toml",
            "--replications",
            "4",
            "--set",
            "simulation.horizon_weeks=20",
            "--variant",
            "two-teams=scenarios/two-teams.toml",
            "--variant",
            "24h shifts: teams.core.shift_hours=24",
        ],
        &["compare.csv", "runs.csv"],
    );
}

#[test]
fn golden_reorg_run() {
    // Splits, merges, attrition and hiring: teams that change during the run.
    check(
        "reorg",
        &[
            "run",
            "scenarios/reorg.toml",
            "--replications",
            "2",
            "--set",
            "simulation.horizon_weeks=40",
            "--set",
            "services.*.count=4",
        ],
        &[
            "summary.csv",
            "teams.csv",
            "sites.csv",
            "services.csv",
            "weekly.csv",
            "reorgs.csv",
        ],
    );
}
