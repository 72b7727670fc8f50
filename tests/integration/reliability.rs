//! Reliability: resume and merge verify what they reuse, a command owns its output
//! folder (locked, replaced whole, never mixed), and bad arguments get clear errors.
//! Each regression test is named after the failure it pins.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use sresim::jobs::{self, CommonSpec, ErrorKind, MergeSpec, RunSpec, SweepHooks, SweepSpec};
use sresim::report::{Claim, OutputDir};

use crate::support::{read, root, sresim, stderr, temp_dir, SWEEP_FILES as FILES};

/// A small sweep of the capacity scenario: 33 points × 8 ticket rates (264 points), 2
/// replications of 3 weeks. On two threads a sweep computes 128 points at a time.
fn spec(out: &Path) -> SweepSpec {
    SweepSpec {
        common: CommonSpec {
            scenario: Some(root().join("scenarios/capacity.toml")),
            out: Some(out.to_path_buf()),
            replications: Some(2),
            sets: vec![
                "simulation.horizon_weeks=3".into(),
                "simulation.warmup_weeks=0".into(),
            ],
            threads: 2,
            no_charts: true,
            ..CommonSpec::default()
        },
        vary: vec!["services.svc.tickets_per_week=1..8".into()],
        ..SweepSpec::default()
    }
}

/// Runs in the whole sweep.
const RUNS: u64 = 264 * 2;

/// Runs the sweep, raising its stop flag once `after_runs` runs are done (the sweep
/// stops after the points it is handing over); returns the points complete in its
/// folder. With `after_runs` past the first 256 runs, the first 128 points are done.
fn interrupted(spec: &SweepSpec, after_runs: u64) -> usize {
    let stop = AtomicBool::new(false);
    let progress = |done: u64, _total: u64| {
        if done >= after_runs {
            stop.store(true, Ordering::SeqCst);
        }
    };
    let hooks = SweepHooks {
        stop: &stop,
        progress: &progress,
    };
    match jobs::sweep(spec, hooks) {
        Err(jobs::JobError::Interrupted { completed, .. }) => completed,
        other => panic!("expected an interrupted sweep, got {other:?}"),
    }
}

fn resume(spec: &SweepSpec) -> Result<jobs::SweepReport, jobs::JobError> {
    let mut s = spec.clone();
    s.resume = true;
    jobs::sweep(&s, SweepHooks::default())
}

/// The uninterrupted sweep's files, once per test binary.
fn whole() -> &'static Path {
    static WHOLE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    WHOLE.get_or_init(|| {
        let dir = temp_dir("reliability-whole");
        jobs::sweep(&spec(&dir), SweepHooks::default()).expect("whole sweep");
        dir
    })
}

fn assert_same_as_whole(dir: &Path) {
    for f in FILES {
        assert!(
            read(&whole().join(f)) == read(&dir.join(f)),
            "{f} differs from the uninterrupted sweep"
        );
    }
}

/// Damages one file of an interrupted sweep's partial folder, resumes, and checks the
/// result is the uninterrupted sweep's, with the damaged points run again.
fn damage_and_resume(tag: &str, damage: impl FnOnce(&Path)) -> jobs::SweepReport {
    let dir = temp_dir(tag);
    let s = spec(&dir);
    let done = interrupted(&s, 500);
    assert!(done >= 2, "{done} points complete");
    damage(&dir.join(".partial"));
    let r = resume(&s).expect("resume completes");
    assert_same_as_whole(&dir);
    assert!(!dir.join(".partial").exists());
    // The checksums carried through the resume are those of the files as written.
    let m: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).expect("manifest");
    for f in FILES {
        let sum = sresim::report::file_checksum(&dir.join(f)).expect("checksum");
        assert_eq!(m["checksums"][f], sum.as_str(), "{f}");
    }
    r
}

#[test]
fn regression_resume_recomputes_an_emptied_partial_file() {
    let r = damage_and_resume("rel-empty", |p| {
        fs::write(p.join("teams.csv"), b"").expect("empty");
    });
    assert_eq!(r.resumed_after, 0);
    assert!(r.recomputed >= 2, "{}", r.recomputed);
}

#[test]
fn regression_resume_recomputes_a_file_cut_short() {
    let r = damage_and_resume("rel-short", |p| {
        let path = p.join("weekly.csv");
        let len = fs::metadata(&path).expect("weekly").len();
        let f = fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        f.set_len(len / 2).expect("cut");
    });
    assert!(r.resumed_after >= 1, "the points before the cut are kept");
    assert!(r.recomputed >= 1);
}

#[test]
fn regression_resume_recomputes_a_deleted_runs_csv() {
    let r = damage_and_resume("rel-deleted", |p| {
        fs::remove_file(p.join("runs.csv")).expect("delete");
    });
    assert_eq!(r.resumed_after, 0);
}

#[test]
fn regression_resume_recomputes_a_changed_value() {
    damage_and_resume("rel-changed", |p| {
        let path = p.join("services.csv");
        let mut bytes = fs::read(&path).expect("services");
        let at = bytes.len() - 3;
        bytes[at] = if bytes[at] == b'7' { b'8' } else { b'7' };
        fs::write(&path, bytes).expect("write");
    });
}

#[test]
fn regression_resume_rejects_an_edited_journal_line() {
    // A line copied with its point changed: its own checksum fails, so it (and
    // anything after it) is void.
    let r = damage_and_resume("rel-journal", |p| {
        let path = p.join("progress.log");
        let text = read(&path);
        let last = text.lines().last().expect("a line").to_string();
        let rest = last.splitn(3, ' ').nth(2).expect("chunks");
        fs::write(&path, format!("{text}P 99 {rest}\n")).expect("write");
    });
    assert_eq!(r.recomputed, 1);
}

#[test]
fn regression_resume_rejects_a_point_marked_done_without_its_rows() {
    // A well-formed line (its checksum right) for a point whose rows are not there.
    let r = damage_and_resume("rel-no-rows", |p| {
        let path = p.join("progress.log");
        let text = read(&path);
        let chunks = " 0:cbf29ce484222325".repeat(5);
        let body = format!("P 99 2{chunks}");
        let check = sresim::engine::fnv1a64(&body);
        fs::write(&path, format!("{text}{body} {check:016x}\n")).expect("write");
    });
    assert_eq!(r.recomputed, 1);
}

#[test]
fn regression_resume_refuses_an_unreadable_journal() {
    let dir = temp_dir("rel-garbage");
    let s = spec(&dir);
    interrupted(&s, 500);
    fs::write(dir.join(".partial/progress.log"), b"\0\0\0garbage").expect("write");
    let e = resume(&s).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("not a progress record"), "{e}");
    assert!(!dir.join("runs.csv").exists());
}

#[test]
fn regression_manifest_counts_the_runs_of_every_resumed_call() {
    let dir = temp_dir("rel-manifest");
    let s = spec(&dir);
    interrupted(&s, 500);
    let r = resume(&s).expect("resume");
    assert!(r.runs < RUNS, "this call ran only the rest: {}", r.runs);
    assert_eq!(r.runs_total, RUNS);
    let m: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).expect("manifest");
    assert_eq!(m["runs"], RUNS);
    assert_eq!(m["replications_per_point_min"], 2);
    assert_eq!(m["replications_per_point_max"], 2);
}

/// Runs the capacity sweep as shards 1/3..3/3 into `dir/s1..s3`.
fn shards(dir: &Path, scenario: &str) -> Vec<PathBuf> {
    (1..=3)
        .map(|k| {
            let d = dir.join(format!("s{k}"));
            let mut s = spec(&d);
            s.common.scenario = Some(root().join(scenario));
            s.shard = Some(format!("{k}/3"));
            jobs::sweep(&s, SweepHooks::default()).expect("shard");
            d
        })
        .collect()
}

fn merge(shards: &[PathBuf], out: &Path) -> Result<jobs::MergeReport, jobs::JobError> {
    jobs::merge(&MergeSpec {
        shards: shards.to_vec(),
        out: out.to_path_buf(),
        no_charts: true,
        command_line: vec![],
    })
}

#[test]
fn regression_merge_verifies_shard_checksums() {
    let dir = temp_dir("rel-merge-sums");
    let parts = shards(&dir, "scenarios/capacity.toml");
    let out = dir.join("merged");
    merge(&parts, &out).expect("merge");
    assert_same_as_whole(&out);
    type Edit = fn(&str) -> String;
    let edits: [(&str, Edit); 3] = [
        ("an edited value", |t| t.replacen(",0.", ",1.", 1)),
        ("a changed point index", |t| {
            let (head, rows) = t.split_once('\n').expect("header");
            format!("{head}\n9{rows}")
        }),
        ("a dropped row", |t| {
            let mut lines: Vec<&str> = t.lines().collect();
            lines.remove(1);
            lines.join("\n") + "\n"
        }),
    ];
    for (what, edit) in edits {
        let path = parts[1].join("runs.csv");
        let original = read(&path);
        fs::write(&path, edit(&original)).expect("edit");
        let e = merge(&parts, &dir.join("m2")).expect_err(what);
        assert!(e.to_string().contains("checksum"), "{what}: {e}");
        assert!(!dir.join("m2").exists(), "{what}: nothing written");
        fs::write(&path, original).expect("restore");
    }
}

#[test]
fn regression_a_failed_merge_leaves_the_folder_as_it_was() {
    let dir = temp_dir("rel-merge-mixed");
    let parts = shards(&dir, "scenarios/capacity.toml");
    let out = dir.join("merged");
    merge(&parts, &out).expect("first merge");
    let before: Vec<_> = FILES.iter().map(|f| read(&out.join(f))).collect();
    // Shards of another sweep, one with a file missing.
    let other = shards(&dir.join("other"), "scenarios/capacity.toml");
    fs::write(other[0].join("weekly.csv"), b"").ok();
    fs::remove_file(other[2].join("teams.csv")).expect("remove");
    let e = merge(&other, &out).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage, "{e}");
    let after: Vec<_> = FILES.iter().map(|f| read(&out.join(f))).collect();
    assert!(before == after, "the earlier merge is untouched");
    let names: Vec<String> = fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "no staging left behind: {names:?}");
}

#[test]
fn regression_two_sweeps_into_one_folder_refuse_the_second() {
    let dir = temp_dir("rel-lock");
    let out = dir.join("out");
    let held = OutputDir::claim(&out, Claim::Sweep).expect("first claim");
    let e = jobs::sweep(&spec(&out), SweepHooks::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(
        e.to_string().contains("in use by another sresim command"),
        "{e}"
    );
    assert!(!out.exists(), "the second sweep wrote nothing");
    drop(held);
    jobs::sweep(&spec(&out), SweepHooks::default()).expect("once the first is done");
    assert_same_as_whole(&out);
}

#[test]
fn regression_two_sweep_processes_into_one_folder_never_mix() {
    // Two real processes at once: one finishes the whole sweep, the other is refused
    // (exit 2) or, if it started after the first finished, replaces the folder whole.
    let dir = temp_dir("rel-lock-procs");
    let out = dir.join("out");
    let out_s = out.to_string_lossy().into_owned();
    let args = [
        "sweep",
        "scenarios/capacity.toml",
        "--out",
        &out_s,
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=3",
        "--set",
        "simulation.warmup_weeks=0",
        "--vary",
        "services.svc.tickets_per_week=1..8",
        "--no-charts",
        "-q",
    ];
    let spawn = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sresim"))
            .args(args)
            .current_dir(root())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    let (a, b) = (
        a.wait_with_output().expect("a"),
        b.wait_with_output().expect("b"),
    );
    let codes = [a.status.code(), b.status.code()];
    assert!(codes.contains(&Some(0)), "{codes:?} {}", stderr(&a));
    for o in [&a, &b] {
        if o.status.code() != Some(0) {
            assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
            assert!(stderr(o).contains("in use"), "{}", stderr(o));
        }
    }
    assert_same_as_whole(&out);
}

#[test]
fn regression_a_run_replaces_an_earlier_output_whole() {
    let dir = temp_dir("rel-stale");
    let out = dir.join("out");
    // A sweep's files (and a traced run's incidents) in the folder first.
    let mut s = spec(&out);
    s.trace = true;
    jobs::sweep(&s, SweepHooks::default()).expect("sweep");
    assert!(out.join("incidents.csv").exists() && out.join("points.csv").exists());
    let run = RunSpec {
        common: CommonSpec {
            out: Some(out.clone()),
            replications: Some(1),
            sets: vec!["simulation.horizon_weeks=8".into()],
            no_charts: true,
            ..CommonSpec::default()
        },
        trace: false,
    };
    let r = jobs::run(&run).expect("run");
    let mut names: Vec<String> = fs::read_dir(&out)
        .expect("out")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut listed = r.output.files.clone();
    listed.sort();
    assert_eq!(names, listed, "exactly the run's files, nothing stale");
    // `plot` redraws the run, not the sweep that was there before.
    let charts = jobs::plot(&jobs::FolderSpec {
        dir: out.to_path_buf(),
        force: false,
    })
    .expect("plot");
    assert!(!charts.is_empty());
    for c in &charts {
        let name = c.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = name.unwrap_or_default();
        assert!(
            !name.starts_with("sweep_") && !name.starts_with("heatmap_"),
            "a sweep chart from the old folder: {name}"
        );
    }
}

#[test]
fn regression_a_folder_of_other_files_is_refused() {
    let dir = temp_dir("rel-foreign");
    fs::write(dir.join("thesis.tex"), "mine").expect("write");
    let dir_s = dir.to_string_lossy().into_owned();
    let o = sresim(&["run", "--out", &dir_s, "--replications", "1", "--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds files sresim did not write (thesis.tex)"));
    assert_eq!(read(&dir.join("thesis.tex")), "mine");
    let file = dir.join("thesis.tex").to_string_lossy().into_owned();
    let o = sresim(&["run", "--out", &file, "--replications", "1", "--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is a file, not a folder"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn regression_a_run_refuses_a_folder_with_an_interrupted_sweep() {
    let dir = temp_dir("rel-run-over-partial");
    let s = spec(&dir);
    interrupted(&s, 500);
    let run = RunSpec {
        common: CommonSpec {
            out: Some(dir.clone()),
            replications: Some(1),
            no_charts: true,
            ..CommonSpec::default()
        },
        trace: false,
    };
    let e = jobs::run(&run).expect_err("refused");
    assert!(e.to_string().contains("interrupted sweep"), "{e}");
    resume(&s).expect("the sweep is intact");
}

#[test]
fn regression_validate_with_stderr_full_does_not_panic() {
    let full = fs::File::create("/dev/full").expect("/dev/full");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(["validate", "tests/fixtures/bad/many_problems.toml"])
        .current_dir(root())
        .stderr(full)
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(1),
        "no panic (101), the scenario's code"
    );
}

#[test]
fn regression_shard_beyond_the_points_is_refused() {
    let dir = temp_dir("rel-shard");
    let mut s = spec(&dir.join("o"));
    s.shard = Some("265/265".into());
    let e = jobs::sweep(&s, SweepHooks::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("has 264 points"), "{e}");
    assert!(!dir.join("o").exists());
}

#[test]
fn regression_threads_are_bounded() {
    let dir = temp_dir("rel-threads");
    let mut s = spec(&dir.join("o"));
    s.common.threads = 100_000;
    let e = jobs::sweep(&s, SweepHooks::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("at most 1024"), "{e}");
}

#[test]
fn regression_a_huge_run_is_refused_with_its_estimate() {
    let dir = temp_dir("rel-huge");
    let out = dir.join("o").to_string_lossy().into_owned();
    let o = sresim(&[
        "run",
        "--out",
        &out,
        "--replications",
        "100000",
        "--set",
        "simulation.horizon_weeks=5000",
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    for needed in [
        "estimated at",
        "core-minutes",
        "simulation.replications (here 100000)",
        "simulation.horizon_weeks (here 5000)",
        "--force",
    ] {
        assert!(e.contains(needed), "{needed:?} missing from: {e}");
    }
    assert!(!dir.join("o").exists(), "nothing written");
}

#[test]
fn regression_a_traced_run_past_the_memory_limit_is_refused() {
    let spec = RunSpec {
        common: CommonSpec {
            replications: Some(20_000),
            sets: vec!["simulation.horizon_weeks=1000".into()],
            no_charts: true,
            ..CommonSpec::default()
        },
        trace: true,
    };
    let e = jobs::run(&spec).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Refused);
    assert!(e.to_string().contains("GiB of results"), "{e}");
}

#[test]
fn regression_an_overloaded_queue_stops_with_a_clear_error() {
    let dir = temp_dir("rel-unstable");
    let out = dir.join("o").to_string_lossy().into_owned();
    let o = sresim(&[
        "run",
        "--out",
        &out,
        "--replications",
        "2",
        "--set",
        "services.checkout.page_rate_per_week=100000",
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("unstable queue: team `core`"), "{e}");
    assert!(e.contains("page_rate_per_week"), "{e}");
    assert!(!dir.join("o").exists(), "nothing written");
}

#[test]
fn regression_variant_names_with_control_characters_are_refused() {
    for bad in [
        "bell\u{7}: teams.core.shift_hours=24",
        "esc\u{1b}[31m: teams.core.shift_hours=24",
    ] {
        let e = jobs::parse_variant(bad).expect_err("refused");
        let m = e.to_string();
        assert!(m.contains("control character"), "{m}");
        assert!(
            !m.contains('\u{1b}') && !m.contains('\u{7}'),
            "escaped: {m:?}"
        );
    }
    let long = format!("{}: teams.core.shift_hours=24", "n".repeat(65));
    assert!(jobs::parse_variant(&long).is_err());
    assert!(jobs::parse_variant("24h: teams.core.shift_hours=24").is_ok());
}

#[test]
fn regression_head_count_work_counts_in_the_estimate() {
    // 10 000 responders a shift and 15-minute shifts: few events, but every shift books
    // every responder. A century of it is refused, not left to run for hours.
    let text = r#"
version = 1
[simulation]
horizon_weeks = 5200
replications = 10
[[sites]]
name = "a"
utc_offset_hours = 0
[[teams]]
name = "t"
members = { a = 10000 }
shift_hours = 0.25
responders_per_shift = 10000
[[services]]
name = "s"
product = "p"
stack = "x"
team = "t"
page_rate_per_week = 1
slo_target = 0.99
severities = [ { name = "sev1", share = 1.0, impact_fraction = 0.1, time_to_mitigate = { fixed = { hours = 1 } } } ]
"#;
    let dir = temp_dir("rel-headcount");
    let file = dir.join("big.toml");
    fs::write(&file, text).expect("write");
    let spec = RunSpec {
        common: CommonSpec {
            scenario: Some(file),
            out: Some(dir.join("o")),
            no_charts: true,
            ..CommonSpec::default()
        },
        trace: false,
    };
    let e = jobs::run(&spec).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Refused, "{e}");
    assert!(e.to_string().contains("teams.t.shift_hours"), "{e}");
}

#[test]
fn regression_max_replications_is_bounded() {
    let dir = temp_dir("rel-maxreps");
    let mut s = spec(&dir.join("o"));
    s.ci_target = Some(0.05);
    s.max_replications = u32::MAX;
    let e = jobs::sweep(&s, SweepHooks::default()).expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("at most 100000"), "{e}");
}

#[test]
fn regression_plot_of_a_missing_folder_says_so() {
    let dir = temp_dir("rel-plot-missing");
    let e = jobs::plot(&jobs::FolderSpec {
        dir: dir.join("nothing").to_path_buf(),
        force: false,
    })
    .expect_err("refused");
    assert_eq!(e.kind(), ErrorKind::Usage);
    assert!(e.to_string().contains("does not exist"), "{e}");
}
