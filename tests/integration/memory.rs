//! Peak memory of the real binary against the estimate a job is refused by: the
//! estimate must be at or above the measured peak (or the guard does not guard) and
//! not more than four times above it (or it refuses jobs that would fit), for run,
//! sweep, compare and the workshop; and a run's memory must not grow with its
//! replications beyond the small rows the summaries keep.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use sresim::jobs::{self, CommonSpec, CompareSpec, JobEstimate, RunSpec, SweepSpec, WorkshopSpec};

use super::support::{read, root, temp_dir};

/// Runs the real binary with `args` from the repository root and returns its peak
/// resident set in bytes, as the kernel counts it for this child alone (`wait4`'s
/// `ru_maxrss`, in KiB on Linux). Panics with its standard error when it fails.
#[allow(clippy::zombie_processes)] // reaped by wait4, which `Child::wait` cannot follow
fn peak_rss(args: &[&str], dir: &Path) -> f64 {
    let err_path = dir.join("stderr.txt");
    let err = File::create(&err_path).expect("stderr file");
    let child = Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::from(err))
        .spawn()
        .expect("binary starts");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data that wait4 fills in; the pid is our own child's,
    // reaped here once (the `Child` is never waited on).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(got, pid, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(ok, "sresim {args:?} failed:\n{}", read(&err_path));
    usage.ru_maxrss as f64 * 1024.0
}

/// Asserts that `estimate` is at or above `peak` and at most four times above it.
fn assert_bounds(case: &str, estimate: &JobEstimate, peak: f64) {
    let mib = |b: f64| b / (1024.0 * 1024.0);
    let (e, p) = (estimate.bytes, peak);
    eprintln!("{case}: estimate {:.1} MiB, peak {:.1} MiB", mib(e), mib(p));
    assert!(
        e >= p,
        "{case}: estimated {:.1} MiB, below the measured peak of {:.1} MiB",
        mib(e),
        mib(p)
    );
    assert!(
        e <= 4.0 * p,
        "{case}: estimated {:.1} MiB, more than 4x the measured peak of {:.1} MiB",
        mib(e),
        mib(p)
    );
}

/// The common spec of a case: `scenario` with `sets`, two threads, charts unless
/// `no_charts`.
fn common(scenario: &str, replications: Option<u32>, sets: &[&str], out: &Path) -> CommonSpec {
    CommonSpec {
        scenario: Some(root().join(scenario)),
        out: Some(out.to_path_buf()),
        replications,
        sets: sets.iter().map(|s| s.to_string()).collect(),
        threads: 2,
        ..CommonSpec::default()
    }
}

/// The arguments `common` stands for, after the command and the scenario.
fn args_of(c: &CommonSpec) -> Vec<String> {
    let mut a = vec![
        "--out".to_string(),
        c.out
            .as_ref()
            .map_or(String::new(), |p| p.display().to_string()),
        "--threads".into(),
        c.threads.to_string(),
        "--quiet".into(),
    ];
    if let Some(n) = c.replications {
        a.extend(["--replications".into(), n.to_string()]);
    }
    for s in &c.sets {
        a.extend(["--set".into(), s.clone()]);
    }
    if c.no_charts {
        a.push("--no-charts".into());
    }
    a
}

/// Measures `sresim run` with `spec` and returns (estimate, peak).
fn measure_run(spec: &RunSpec, dir: &Path) -> (JobEstimate, f64) {
    let estimate = jobs::run_estimate(spec).expect("estimate");
    let scenario = spec.common.scenario.clone().unwrap_or_default();
    let mut args = vec!["run".to_string(), scenario.display().to_string()];
    args.extend(args_of(&spec.common));
    if spec.trace {
        args.push("--trace".into());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (estimate, peak_rss(&args, dir))
}

fn run_spec(
    scenario: &str,
    replications: u32,
    sets: &[&str],
    no_charts: bool,
    trace: bool,
    out: PathBuf,
) -> RunSpec {
    RunSpec {
        common: CommonSpec {
            no_charts,
            ..common(scenario, Some(replications), sets, &out)
        },
        trace,
    }
}

#[test]
fn run_estimate_bounds_the_measured_peak() {
    let dir = temp_dir("memory-run");
    let cases = [
        // Many small replications: the summaries' rows and the windows.
        (
            "lifecycle, 400 replications",
            run_spec(
                "scenarios/lifecycle.toml",
                400,
                &[],
                true,
                false,
                dir.join("a"),
            ),
        ),
        // A long weekly series per replication.
        (
            "M/M/1, 2,600 weeks x 60 replications",
            run_spec(
                "scenarios/validation/mm1.toml",
                60,
                &["simulation.horizon_weeks=2600"],
                true,
                false,
                dir.join("b"),
            ),
        ),
        // Traced: every incident a row.
        (
            "M/M/1 traced, 520 weeks x 16 replications",
            run_spec(
                "scenarios/validation/mm1.toml",
                16,
                &["simulation.horizon_weeks=520"],
                true,
                true,
                dir.join("c"),
            ),
        ),
        // With charts, which read the weekly series of every replication back.
        (
            "lifecycle with charts, 200 replications",
            run_spec(
                "scenarios/lifecycle.toml",
                200,
                &[],
                false,
                false,
                dir.join("d"),
            ),
        ),
    ];
    for (case, spec) in &cases {
        let (estimate, peak) = measure_run(spec, &dir);
        assert_bounds(case, &estimate, peak);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_compare_and_workshop_estimates_bound_the_measured_peak() {
    let dir = temp_dir("memory-jobs");
    let sweep = SweepSpec {
        common: common("scenarios/capacity.toml", Some(6), &[], &dir.join("s")),
        ..SweepSpec::default()
    };
    let mut args = vec!["sweep".to_string(), "scenarios/capacity.toml".to_string()];
    args.extend(args_of(&sweep.common));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let peak = peak_rss(&args, &dir);
    assert_bounds(
        "capacity sweep, 6 replications",
        &jobs::sweep_estimate(&sweep).expect("estimate"),
        peak,
    );

    let variant = "24h: teams.core.shift_hours=24";
    let compare = CompareSpec {
        common: common("scenarios/baseline.toml", Some(200), &[], &dir.join("c")),
        variants: vec![variant.to_string()],
    };
    let mut args = vec!["compare".to_string(), "scenarios/baseline.toml".to_string()];
    args.extend(args_of(&compare.common));
    args.extend(["--variant".to_string(), variant.to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let peak = peak_rss(&args, &dir);
    assert_bounds(
        "baseline compare, 2 x 200 replications",
        &jobs::compare_estimate(&compare).expect("estimate"),
        peak,
    );

    let workshop = WorkshopSpec {
        out: Some(dir.join("w")),
        threads: 2,
        resume: false,
    };
    let out = dir.join("w").display().to_string();
    let peak = peak_rss(&["workshop", "--out", &out, "--threads", "2"], &dir);
    assert_bounds(
        "workshop",
        &jobs::workshop_estimate(&workshop).expect("estimate"),
        peak,
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Regression (issue 17): every replication's results were held until the end, and
/// each CSV file was built whole in memory, so a run's peak grew with its
/// replications (8,000 lifecycle replications peaked at 1.8 GiB).
#[test]
fn run_memory_does_not_grow_with_replications() {
    let dir = temp_dir("memory-growth");
    let small = run_spec(
        "scenarios/lifecycle.toml",
        250,
        &[],
        true,
        false,
        dir.join("a"),
    );
    let large = run_spec(
        "scenarios/lifecycle.toml",
        1000,
        &[],
        true,
        false,
        dir.join("b"),
    );
    let (_, p_small) = measure_run(&small, &dir);
    let (_, p_large) = measure_run(&large, &dir);
    assert!(
        p_large < 1.5 * p_small,
        "4x the replications took the peak from {:.1} to {:.1} MiB",
        p_small / 1048576.0,
        p_large / 1048576.0
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_past_the_memory_limit_is_refused_before_any_work_naming_its_keys() {
    let dir = temp_dir("memory-refused");
    let out = dir.join("out");
    let spec = run_spec(
        "scenarios/lifecycle.toml",
        60_000,
        &[],
        false,
        false,
        out.clone(),
    );
    let estimate = jobs::run_estimate(&spec).expect("estimate");
    assert!(estimate.bytes > jobs::MAX_RESULT_BYTES, "{estimate:?}");
    let o = super::support::sresim(&[
        "run",
        "scenarios/lifecycle.toml",
        "--replications",
        "60000",
        "--out",
        &out.display().to_string(),
    ]);
    let err = super::support::stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for needle in [
        "peak of",
        "GiB of memory",
        "simulation.replications (here 60000)",
        "simulation.horizon_weeks (here 156)",
    ] {
        assert!(err.contains(needle), "{needle:?} not in {err}");
    }
    assert!(!out.exists(), "nothing may be written before the refusal");
    // Without charts the same replications fit: only the summaries' rows stay.
    let bare = run_spec("scenarios/lifecycle.toml", 60_000, &[], true, false, out);
    let e = jobs::run_estimate(&bare).expect("estimate");
    assert!(e.bytes < jobs::MAX_RESULT_BYTES / 4.0, "{e:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
