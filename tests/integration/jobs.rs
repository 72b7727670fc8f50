//! The job layer called directly, as another program would: typed reports, typed
//! errors with their kinds, and the files each job writes (or does not).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sresim::jobs::{
    self, CommonSpec, CompareSpec, ErrorKind, JobError, MergeSpec, RunSpec, SweepHooks, SweepSpec,
    UsageError, Variant,
};

use crate::support::{csv_rows, read, root, temp_dir};

/// The baseline cut to 12 weeks and 2 replications, into `out`, without charts.
fn small(out: &Path) -> CommonSpec {
    CommonSpec {
        scenario: Some(root().join("scenarios/baseline.toml")),
        out: Some(out.to_path_buf()),
        replications: Some(2),
        sets: vec![
            "simulation.horizon_weeks=12".into(),
            "simulation.warmup_weeks=2".into(),
        ],
        threads: 2,
        no_charts: true,
        command_line: vec!["test".into()],
        ..CommonSpec::default()
    }
}

fn run_spec(common: CommonSpec) -> RunSpec {
    RunSpec {
        common,
        trace: false,
    }
}

fn shift_sweep(out: &Path, shard: Option<&str>) -> SweepSpec {
    SweepSpec {
        common: small(out),
        vary: vec!["teams.core.shift_hours=8,12".into()],
        shard: shard.map(str::to_owned),
        ..SweepSpec::default()
    }
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("manifest.json"))).expect("manifest is JSON")
}

#[test]
fn run_job_returns_results_and_writes_the_files() {
    let dir = temp_dir("jobs-run");
    let out = dir.join("out");
    let r = jobs::run(&RunSpec {
        common: small(&out),
        trace: true,
    })
    .expect("the run succeeds");
    assert_eq!(r.runs.len(), 2);
    assert_eq!(r.config.simulation.replications, 2);
    assert_eq!(r.config.simulation.horizon_weeks, 12.0);
    assert_eq!(r.output.dir, out);
    assert_eq!(r.output.charts, None);
    let files = &r.output.files;
    assert_eq!(files.last().map(String::as_str), Some("manifest.json"));
    for f in files {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    assert!(files.iter().any(|f| f == "incidents.csv"));
    assert_eq!(csv_rows(&out.join("summary.csv")).len(), 2);
    let m = manifest(&out);
    assert_eq!(m["replications"], 2);
    assert_eq!(m["command_line"], serde_json::json!(["test"]));
    assert_eq!(m["seed_derivation"], jobs::SEED_DERIVATION);
    assert_eq!(m["resolved_scenario"]["name"], "baseline");
    assert!(m.get("sweep_fingerprint").is_none(), "{m}");
}

#[test]
fn invalid_scenario_is_a_scenario_error_and_writes_nothing() {
    let dir = temp_dir("jobs-invalid");
    let out = dir.join("out");
    let spec = run_spec(CommonSpec {
        scenario: Some(root().join("tests/fixtures/bad/many_problems.toml")),
        ..small(&out)
    });
    let e = jobs::run(&spec).expect_err("the scenario is invalid");
    assert_eq!(e.kind(), ErrorKind::Scenario, "{e}");
    assert_eq!(e.problems().len(), 3, "{e}");
    assert!(e.to_string().contains("shift_huors"), "{e}");
    assert!(!out.exists(), "an invalid scenario wrote output");
}

#[test]
fn unreadable_scenario_and_malformed_set_are_not_scenario_problems() {
    let dir = temp_dir("jobs-unreadable");
    let out = dir.join("out");
    let missing = run_spec(CommonSpec {
        scenario: Some(dir.join("nonexistent.toml")),
        ..small(&out)
    });
    let e = jobs::run(&missing).expect_err("no such file");
    assert_eq!(e.kind(), ErrorKind::Io, "{e}");
    assert!(e.problems().is_empty());
    let bad_set = run_spec(CommonSpec {
        sets: vec!["no equals sign".into()],
        ..small(&out)
    });
    let e = jobs::run(&bad_set).expect_err("malformed --set");
    assert_eq!(e.kind(), ErrorKind::Usage, "{e}");
    assert!(!out.exists());
}

#[test]
fn seed_above_i64_max_is_a_usage_error() {
    let dir = temp_dir("jobs-seed");
    let out = dir.join("out");
    let spec = run_spec(CommonSpec {
        seed: Some(u64::MAX),
        ..small(&out)
    });
    let e = jobs::run(&spec).expect_err("seed out of range");
    assert!(matches!(e, JobError::Usage(UsageError::Seed(_))), "{e:?}");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(!out.exists());
}

#[test]
fn bad_shard_spec_is_a_usage_error_and_writes_nothing() {
    let dir = temp_dir("jobs-shard");
    let out = dir.join("out");
    for shard in ["4/3", "0/3", "three", "1/"] {
        let e = jobs::sweep(&shift_sweep(&out, Some(shard)), SweepHooks::default())
            .expect_err("bad shard");
        assert_eq!(e.kind(), ErrorKind::Usage, "{shard}: {e}");
        assert!(matches!(e, JobError::Usage(UsageError::Shard(_))), "{e:?}");
        assert!(e.to_string().contains("--shard"), "{e}");
    }
    assert!(!out.exists(), "a bad shard wrote output");
}

#[test]
fn invalid_axis_value_is_a_scenario_error() {
    let dir = temp_dir("jobs-axis");
    let out = dir.join("out");
    let spec = SweepSpec {
        vary: vec!["teams.core.shift_hours=8,13".into()],
        ..shift_sweep(&out, None)
    };
    let e = jobs::sweep(&spec, SweepHooks::default()).expect_err("13 does not divide 168");
    assert_eq!(e.kind(), ErrorKind::Scenario, "{e}");
    assert!(!e.problems().is_empty());
    assert!(!out.exists());
}

#[test]
fn sweep_with_the_stop_flag_raised_is_interrupted_and_keeps_no_final_files() {
    let dir = temp_dir("jobs-stop");
    let out = dir.join("out");
    let stop = AtomicBool::new(true);
    let hooks = SweepHooks {
        stop: &stop,
        ..SweepHooks::default()
    };
    let e = jobs::sweep(&shift_sweep(&out, None), hooks).expect_err("stopped");
    assert_eq!(e.kind(), ErrorKind::Interrupted, "{e}");
    match &e {
        JobError::Interrupted {
            completed,
            points,
            out: folder,
        } => {
            assert_eq!((*completed, *points), (0, 2));
            assert_eq!(folder, &out);
        }
        other => panic!("expected Interrupted, got {other:?}"),
    }
    assert!(e.to_string().contains("--resume"), "{e}");
    assert!(!out.join("runs.csv").exists());
    assert!(!out.join("manifest.json").exists());
}

#[test]
fn sweep_reports_progress_points_and_a_sweep_manifest() {
    let dir = temp_dir("jobs-sweep");
    let out = dir.join("out");
    let last = AtomicU64::new(0);
    let expected = AtomicU64::new(0);
    let progress = |done: u64, total: u64| {
        last.fetch_max(done, Ordering::SeqCst);
        expected.store(total, Ordering::SeqCst);
    };
    let hooks = SweepHooks {
        progress: &progress,
        ..SweepHooks::default()
    };
    let r = jobs::sweep(&shift_sweep(&out, None), hooks).expect("the sweep succeeds");
    assert_eq!(last.load(Ordering::SeqCst), 4);
    assert_eq!(expected.load(Ordering::SeqCst), 4);
    assert_eq!(r.axes, ["teams.core.shift_hours"]);
    assert_eq!((r.points, r.points_in_shard, r.points_run), (2, 2, 2));
    assert_eq!(r.resumed_after, 0);
    assert_eq!(r.runs, 4);
    assert_eq!(r.replications_per_point, (2, 2));
    let points: Vec<usize> = r.first_points.iter().map(|p| p.point).collect();
    assert_eq!(points, [0, 1]);
    assert_eq!(r.first_points[1].axis_values, ["12"]);
    assert_eq!(r.first_points[1].summaries.len(), 2);
    assert_eq!(csv_rows(&out.join("points.csv")).len(), 2);
    let m = manifest(&out);
    assert_eq!(m["axes"], serde_json::json!(["teams.core.shift_hours"]));
    assert_eq!(m["shard"], serde_json::Value::Null);
    assert_eq!(m["runs"], 4);
    assert!(m["sweep_fingerprint"]
        .as_str()
        .is_some_and(|s| s.len() == 16));
}

#[test]
fn merged_shards_record_their_folders_and_no_shard() {
    let dir = temp_dir("jobs-merge");
    let shards: Vec<PathBuf> = ["1/2", "2/2"]
        .iter()
        .enumerate()
        .map(|(i, shard)| {
            let out = dir.join(format!("shard{i}"));
            let r = jobs::sweep(&shift_sweep(&out, Some(shard)), SweepHooks::default())
                .expect("the shard runs");
            assert_eq!(r.points_in_shard, 1);
            assert_eq!(r.output.charts, None, "shards draw no charts");
            out
        })
        .collect();
    let whole = dir.join("whole");
    jobs::sweep(&shift_sweep(&whole, None), SweepHooks::default()).expect("the sweep runs");
    let out = dir.join("merged");
    let r = jobs::merge(&MergeSpec {
        shards: shards.clone(),
        out: out.clone(),
        no_charts: true,
        command_line: vec!["merge".into()],
    })
    .expect("the shards merge");
    assert_eq!(r.shards, 2);
    assert_eq!(
        r.output.files.last().map(String::as_str),
        Some("manifest.json")
    );
    for f in ["runs.csv", "points.csv", "weekly.csv"] {
        assert_eq!(read(&out.join(f)), read(&whole.join(f)), "{f}");
    }
    let m = manifest(&out);
    assert_eq!(m["shard"], serde_json::Value::Null);
    assert_eq!(m["command_line"], serde_json::json!(["merge"]));
    assert_eq!(m["merged_from"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        m["sweep_fingerprint"],
        manifest(&whole)["sweep_fingerprint"]
    );

    let e = jobs::merge(&MergeSpec {
        shards: shards[..1].to_vec(),
        out: dir.join("half"),
        ..MergeSpec::default()
    })
    .expect_err("a shard is missing");
    assert_eq!(e.kind(), ErrorKind::Usage, "{e}");
    assert!(e.to_string().contains("shard 2/2 is missing"), "{e}");
}

#[test]
fn compare_returns_one_summary_set_per_variant_in_variant_order() {
    let dir = temp_dir("jobs-compare");
    let out = dir.join("out");
    let spec = CompareSpec {
        common: small(&out),
        variants: vec![
            "twelve: teams.core.shift_hours=12".into(),
            "eight: teams.core.shift_hours=8".into(),
            "teams=scenarios/two-teams.toml".into(),
        ],
    };
    let r = jobs::compare(&spec).expect("the comparison runs");
    assert_eq!(r.names, ["base", "twelve", "eight", "teams"]);
    assert_eq!(r.summaries.len(), 4);
    for s in &r.summaries {
        let reps: Vec<u64> = s.iter().map(|x| x.replication).collect();
        assert_eq!(reps, [0, 1], "every variant runs the base's replications");
    }
    assert!(r.rows.iter().any(|row| row.variant == "eight"));
    assert_eq!(r.output.files, ["compare.csv", "runs.csv", "manifest.json"]);
    let m = manifest(&out);
    let names: Vec<&str> = m["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .filter_map(|v| v["name"].as_str())
        .collect();
    assert_eq!(names, ["base", "twelve", "eight", "teams"]);
    assert_eq!(m["resolved_base"]["name"], "baseline");
    assert!(m.get("resolved_scenario").is_none(), "{m}");
}

#[test]
fn duplicate_or_malformed_variants_are_usage_errors_and_write_nothing() {
    let dir = temp_dir("jobs-variants");
    let out = dir.join("out");
    for variants in [
        vec![
            "x: teams.core.shift_hours=12",
            "x: teams.core.shift_hours=8",
        ],
        vec!["base: teams.core.shift_hours=8"],
        vec![":"],
    ] {
        let spec = CompareSpec {
            common: small(&out),
            variants: variants.iter().map(|s| s.to_string()).collect(),
        };
        let e = jobs::compare(&spec).expect_err("bad variants");
        assert_eq!(e.kind(), ErrorKind::Usage, "{variants:?}: {e}");
        assert!(e.to_string().starts_with("--variant"), "{e}");
    }
    assert!(!out.exists());
}

#[test]
fn variants_parse_as_file_sets_or_a_single_set() {
    assert_eq!(
        jobs::parse_variant("big = scenarios/two-teams.toml"),
        Ok(Variant::File {
            name: "big".into(),
            path: "scenarios/two-teams.toml".into()
        })
    );
    assert_eq!(
        jobs::parse_variant("long: teams.core.shift_hours=24; services.catalog.count=3"),
        Ok(Variant::Sets {
            name: "long".into(),
            sets: vec![
                "teams.core.shift_hours=24".into(),
                "services.catalog.count=3".into()
            ]
        })
    );
    assert_eq!(
        jobs::parse_variant("teams.core.shift_hours=24"),
        Ok(Variant::Sets {
            name: "teams.core.shift_hours=24".into(),
            sets: vec!["teams.core.shift_hours=24".into()]
        })
    );
    assert!(jobs::parse_variant("name:").is_err());
}

#[test]
fn validate_checks_every_file_in_order() {
    let files = [
        root().join("scenarios/baseline.toml"),
        root().join("tests/fixtures/bad/syntax.toml"),
        root().join("scenarios/capacity.toml"),
    ];
    let checked = jobs::validate(&files);
    let paths: Vec<&PathBuf> = checked.iter().map(|(p, _)| p).collect();
    assert_eq!(paths, files.iter().collect::<Vec<_>>());
    assert!(checked[0].1.is_ok());
    assert!(checked[1]
        .1
        .as_ref()
        .is_err_and(|e| e.problems().len() == 1));
    assert!(checked[2].1.is_ok());
}

#[test]
fn plot_of_a_folder_without_csv_is_an_error() {
    let dir = temp_dir("jobs-plot");
    let e = jobs::plot(&jobs::FolderSpec {
        dir: dir.to_path_buf(),
        force: false,
    })
    .expect_err("nothing to draw");
    assert_eq!(e.kind(), ErrorKind::Usage, "{e}");
}
