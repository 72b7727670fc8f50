//! The real binary, end to end: exit codes, files written, reproducibility.

use std::path::Path;
use std::process::Output;

use crate::support::{read, root, sresim, stderr, stdout, temp_dir};

const CSVS: [&str; 7] = [
    "summary.csv",
    "teams.csv",
    "sites.csv",
    "services.csv",
    "weekly.csv",
    "reorgs.csv",
    "engagements.csv",
];

fn run_into(dir: &Path, extra: &[&str]) -> Output {
    let out = dir.to_string_lossy().into_owned();
    let mut args = vec!["run", "scenarios/baseline.toml", "--out", &out, "--quiet"];
    args.extend_from_slice(extra);
    sresim(&args)
}

#[test]
fn run_writes_every_file_and_a_manifest() {
    let dir = temp_dir("cli-run");
    let o = run_into(&dir, &["--replications", "3", "--seed", "5", "--trace"]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in CSVS.iter().chain(&["incidents.csv", "manifest.json"]) {
        assert!(dir.join(f).is_file(), "{f} missing");
    }
    let summary = read(&dir.join("summary.csv"));
    let mut lines = summary.lines();
    let header = lines.next().unwrap_or_default();
    for col in [
        "replication",
        "seed",
        "incidents",
        "pages_per_shift_mean",
        "pages_per_shift_p95",
        "shifts_over_budget_frac",
        "wait_hours_mean",
        "ack_hours_mean",
        "ttm_hours_mean",
        "ttm_hours_p90",
        "responder_busy_frac",
        "oncall_time_frac",
        "ops_load_frac",
        "ops_load_max_frac",
        "project_hours_per_engineer_week",
        "offhours_pages_per_engineer_month",
        "slo_met_frac",
        "error_budget_spent_frac",
    ] {
        assert!(
            header.split(',').any(|c| c == col),
            "summary.csv lacks {col}"
        );
    }
    assert_eq!(lines.count(), 3);
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).expect("manifest is JSON");
    assert_eq!(manifest["seed"], 5);
    assert_eq!(manifest["replications"], 3);
    assert_eq!(manifest["resolved_scenario"]["name"], "baseline");
    assert!(manifest["wall_time_seconds"].as_f64().is_some());
    // No temporary files are left behind.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.starts_with('.'), "left over: {name}");
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let a = temp_dir("cli-threads-1");
    let b = temp_dir("cli-threads-2");
    let c = temp_dir("cli-threads-4");
    for (dir, threads) in [(&a, "1"), (&b, "2"), (&c, "4")] {
        let o = run_into(
            dir,
            &["--replications", "6", "--threads", threads, "--trace"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in CSVS.iter().chain(&["incidents.csv"]) {
        let x = read(&a.join(f));
        assert_eq!(x, read(&b.join(f)), "{f} differs between 1 and 2 threads");
        assert_eq!(x, read(&c.join(f)), "{f} differs between 1 and 4 threads");
    }
}

#[test]
fn same_seed_same_output_and_other_seed_differs() {
    let a = temp_dir("cli-seed-a");
    let b = temp_dir("cli-seed-b");
    let c = temp_dir("cli-seed-c");
    for (dir, seed) in [(&a, "3"), (&b, "3"), (&c, "4")] {
        let o = run_into(dir, &["--replications", "2", "--seed", seed]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(read(&a.join("weekly.csv")), read(&b.join("weekly.csv")));
    assert_ne!(read(&a.join("weekly.csv")), read(&c.join("weekly.csv")));
}

#[test]
fn set_overrides_reach_the_model() {
    let dir = temp_dir("cli-set");
    let o = run_into(
        &dir,
        &[
            "--replications",
            "1",
            "--set",
            "services.checkout.page_rate_per_week=0",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let services = read(&dir.join("services.csv"));
    let mut lines = services.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let col = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let row: Vec<&str> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[col("service")] == "checkout")
        .expect("checkout row");
    assert_eq!(row[col("incidents")], "0", "{row:?}");
}

#[test]
fn run_prints_the_headline_table() {
    let dir = temp_dir("cli-table");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&["run", "--out", &out, "--replications", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("95% CI"), "{text}");
    assert!(text.contains("ops load"), "{text}");
}

#[test]
fn validate_accepts_every_bundled_scenario() {
    let mut files = vec![];
    for sub in ["scenarios", "scenarios/validation"] {
        for e in std::fs::read_dir(root().join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p.to_string_lossy().into_owned());
            }
        }
    }
    assert!(files.len() >= 3);
    let mut args = vec!["validate"];
    args.extend(files.iter().map(String::as_str));
    let o = sresim(&args);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn validate_reports_problems_with_exit_code_1() {
    let o = sresim(&["validate", "tests/fixtures/bad/many_problems.toml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("many_problems.toml:"), "{}", stderr(&o));
}

#[test]
fn missing_file_is_a_usage_error_with_exit_code_2() {
    let o = sresim(&["validate", "scenarios/does-not-exist.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("does-not-exist.toml"), "{}", stderr(&o));
    let o = sresim(&["run", "scenarios/does-not-exist.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn malformed_set_is_a_usage_error_and_bad_value_a_scenario_error() {
    let dir = temp_dir("cli-badset");
    let o = run_into(&dir, &["--set", "no-equals-sign"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = run_into(&dir, &["--set", "teams.core.shift_hours=13"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("shift_hours"), "{}", stderr(&o));
    // Nothing was written for the failed runs.
    assert!(!dir.join("summary.csv").exists());
}

#[test]
fn unwritable_output_is_an_io_error_with_exit_code_2() {
    let dir = temp_dir("cli-unwritable");
    let blocker = dir.join("file");
    std::fs::write(&blocker, "x").unwrap();
    let o = run_into(&blocker.join("sub"), &["--replications", "1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("file"), "{}", stderr(&o));
}

#[test]
fn closed_stdout_pipe_is_not_a_panic() {
    // `sresim run | head -1`: the reader goes away before the table is printed.
    let dir = temp_dir("cli-pipe");
    let out = dir.to_string_lossy().into_owned();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(["run", "--replications", "2", "--no-charts", "--out", &out])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let o = child.wait_with_output().expect("wait");
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(dir.join("summary.csv").is_file());
}

#[test]
fn run_says_which_team_is_past_a_limit_and_stays_quiet_when_none_is() {
    let dir = crate::support::temp_dir("cli-limits");
    let over = sresim(&[
        "run",
        "scenarios/burnout.toml",
        "--no-charts",
        "--replications",
        "2",
        "--out",
        &dir.join("burnout").to_string_lossy(),
    ]);
    let text = String::from_utf8_lossy(&over.stdout);
    assert!(
        text.contains("over a limit: team core averages") && text.contains("pager budget of 2"),
        "{text}"
    );
    assert!(
        text.contains("of its time on ops (the cap is 50%)"),
        "{text}"
    );
    let fine = sresim(&[
        "run",
        "--no-charts",
        "--replications",
        "2",
        "--out",
        &dir.join("baseline").to_string_lossy(),
    ]);
    assert!(!String::from_utf8_lossy(&fine.stdout).contains("over a limit"));
    std::fs::remove_dir_all(&dir).ok();
}
