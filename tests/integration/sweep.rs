//! Sweeps, comparisons, sharding and merging, through the real binary and the library.

use std::sync::atomic::AtomicBool;

use sresim::model::Metric;
use sresim::report::sweep::SweepWriter;
use sresim::scenario::{Override, ScenarioSource};
use sresim::sweep::ci::MeanCi;
use sresim::sweep::{self, compare, Outcome, SweepOptions, SweepPlan};

use crate::support::{csv_rows, header, read, sresim, stderr, temp_dir};

/// A small, fast sweep of the baseline: 12 weeks, 4 replications.
fn sweep_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep",
        "scenarios/baseline.toml",
        "--out",
        out,
        "--quiet",
        "--no-charts",
        "--replications",
        "4",
        "--set",
        "simulation.horizon_weeks=12",
        "--set",
        "simulation.warmup_weeks=2",
    ];
    args.extend_from_slice(extra);
    args
}

#[test]
fn grid_sweep_writes_runs_and_points_with_axis_columns() {
    let dir = temp_dir("sweep-grid");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&sweep_args(
        &out,
        &[
            "--vary",
            "teams.core.shift_hours=8,12",
            "--vary",
            "services.catalog.count=1..5:2",
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&dir.join("runs.csv"));
    assert_eq!(
        &h[..4],
        [
            "point",
            "replication",
            "teams.core.shift_hours",
            "services.catalog.count"
        ]
    );
    let runs = csv_rows(&dir.join("runs.csv"));
    assert_eq!(runs.len(), 2 * 3 * 4);
    let points = csv_rows(&dir.join("points.csv"));
    assert_eq!(points.len(), 6);
    let ph = header(&dir.join("points.csv"));
    assert_eq!(ph[3], "n");
    assert!(ph.contains(&"pages_per_shift_mean_ci95_low".to_string()));
    // Last axis fastest; ranges include their end.
    let combos: Vec<(String, String)> = points
        .iter()
        .map(|r| (r[1].clone(), r[2].clone()))
        .collect();
    assert_eq!(combos[0], ("8".into(), "1".into()));
    assert_eq!(combos[2], ("8".into(), "5".into()));
    assert_eq!(combos[3], ("12".into(), "1".into()));
    assert!(points.iter().all(|r| r[3] == "4"));
    // More services mean more incidents (same streams for the shared services).
    let incidents = |p: &Vec<String>| p[4].parse::<f64>().expect("incidents mean");
    assert!(incidents(&points[2]) > incidents(&points[0]));
    for f in ["teams.csv", "services.csv", "weekly.csv", "manifest.json"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    assert!(!dir.join(".partial").exists());
}

#[test]
fn sweep_is_thread_count_independent() {
    let a = temp_dir("sweep-threads-1");
    let b = temp_dir("sweep-threads-2");
    for (dir, t) in [(&a, "1"), (&b, "2")] {
        let out = dir.to_string_lossy().into_owned();
        let o = sresim(&sweep_args(
            &out,
            &[
                "--vary",
                "services.catalog.count=1,3,5",
                "--threads",
                t,
                "--trace",
            ],
        ));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    for f in [
        "runs.csv",
        "points.csv",
        "teams.csv",
        "sites.csv",
        "services.csv",
        "weekly.csv",
        "incidents.csv",
    ] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs");
    }
}

#[test]
fn points_share_random_streams_where_parameters_do_not_differ() {
    // Interrupt overhead changes accounting, not incidents: with common random numbers
    // replication r sees exactly the same incidents at both points.
    let dir = temp_dir("sweep-crn");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&sweep_args(
        &out,
        &["--vary", "teams.core.interrupt_overhead_hours=0,3"],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let runs = csv_rows(&dir.join("runs.csv"));
    let h = header(&dir.join("runs.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let (inc, ops) = (col("incidents"), col("ops_load_frac"));
    for r in 0..4 {
        assert_eq!(runs[r][inc], runs[4 + r][inc], "replication {r}");
        assert_ne!(runs[r][ops], runs[4 + r][ops]);
    }
}

#[test]
fn adding_services_leaves_the_other_services_incidents_unchanged() {
    // Streams are keyed by service name, so stamping more catalog copies does not move
    // the streams of the services listed after it.
    let dir = temp_dir("sweep-crn-count");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&sweep_args(&out, &["--vary", "services.catalog.count=2,5"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&dir.join("services.csv"));
    let h = header(&dir.join("services.csv"));
    let col = |name: &str| h.iter().position(|c| c == name).expect(name);
    let (pc, rc, sc, ic) = (
        col("point"),
        col("replication"),
        col("service"),
        col("incidents"),
    );
    let incidents = |point: &str, rep: &str, svc: &str| {
        rows.iter()
            .find(|r| r[pc] == point && r[rc] == rep && r[sc] == svc)
            .map(|r| r[ic].clone())
            .expect("row")
    };
    for rep in ["0", "1", "2", "3"] {
        for svc in ["checkout", "storefront", "tiles-3", "catalog-2"] {
            assert_eq!(
                incidents("0", rep, svc),
                incidents("1", rep, svc),
                "{svc}, replication {rep}"
            );
        }
    }
}

#[test]
fn latin_hypercube_sample_is_deterministic() {
    let a = temp_dir("sweep-lhs-a");
    let b = temp_dir("sweep-lhs-b");
    for dir in [&a, &b] {
        let out = dir.to_string_lossy().into_owned();
        let o = sresim(&sweep_args(
            &out,
            &[
                "--vary",
                "services.catalog.count=1..20",
                "--vary",
                "teams.core.followup_hours_per_incident=0.0..6.0:0.5",
                "--sample",
                "5",
            ],
        ));
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(read(&a.join("points.csv")), read(&b.join("points.csv")));
    assert_eq!(csv_rows(&a.join("points.csv")).len(), 5);
}

#[test]
fn sweep_declared_in_the_file_runs() {
    let dir = temp_dir("sweep-file");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "sweep",
        "scenarios/capacity.toml",
        "--out",
        &out,
        "--quiet",
        "--no-charts",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=6",
        "--set",
        "simulation.warmup_weeks=1",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&dir.join("points.csv"));
    assert_eq!(&h[1..3], ["services.svc.count", "teams.core.members"]);
    assert_eq!(csv_rows(&dir.join("points.csv")).len(), 11 * 3);
}

#[test]
fn shards_merge_into_the_unsharded_files_byte_for_byte() {
    let full = temp_dir("shard-full");
    let extra = [
        "--vary",
        "services.catalog.count=1..7:2",
        "--vary",
        "teams.core.shift_hours=12,24",
    ];
    let o = sresim(&sweep_args(&full.to_string_lossy(), &extra));
    assert!(o.status.success(), "{}", stderr(&o));
    let mut shard_dirs = Vec::new();
    for k in 1..=3 {
        let d = temp_dir(&format!("shard-{k}"));
        let shard = format!("{k}/3");
        let mut args = sweep_args(&d.to_string_lossy(), &extra)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>();
        args.extend(["--shard".to_string(), shard]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = sresim(&refs);
        assert!(o.status.success(), "{}", stderr(&o));
        shard_dirs.push(d.to_string_lossy().into_owned());
    }
    let merged = temp_dir("shard-merged");
    let merged_s = merged.to_string_lossy().into_owned();
    // Shards given out of order.
    let o = sresim(&[
        "merge",
        &shard_dirs[2],
        &shard_dirs[0],
        &shard_dirs[1],
        "--out",
        &merged_s,
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "runs.csv",
        "points.csv",
        "teams.csv",
        "sites.csv",
        "services.csv",
        "weekly.csv",
    ] {
        assert_eq!(
            read(&full.join(f)),
            read(&merged.join(f)),
            "{f} differs after merge"
        );
    }
    // A missing shard is refused, and nothing is written.
    let partial = temp_dir("shard-merged-partial");
    let partial_s = partial.to_string_lossy().into_owned();
    let o = sresim(&[
        "merge",
        &shard_dirs[0],
        &shard_dirs[1],
        "--out",
        &partial_s,
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shard 3/3 is missing"),
        "{}",
        stderr(&o)
    );
    assert!(!partial.join("runs.csv").exists());
}

#[test]
fn merging_shards_of_different_sweeps_is_refused() {
    let a = temp_dir("shard-diff-a");
    let b = temp_dir("shard-diff-b");
    let o = sresim(&sweep_args(
        &a.to_string_lossy(),
        &["--vary", "services.catalog.count=1,2", "--shard", "1/2"],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let o = sresim(&sweep_args(
        &b.to_string_lossy(),
        &["--vary", "services.catalog.count=1,3", "--shard", "2/2"],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let out = temp_dir("shard-diff-out");
    let o = sresim(&[
        "merge",
        &a.to_string_lossy(),
        &b.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("different sweep"), "{}", stderr(&o));
    assert!(!out.join("runs.csv").exists());
}

#[test]
fn interrupted_sweep_resumes_to_the_same_output() {
    let source = ScenarioSource::baseline();
    let base = vec![
        Override::parse("simulation.horizon_weeks=8").expect("override"),
        Override::parse("simulation.replications=3").expect("override"),
    ];
    let plan = SweepPlan::grid(vec![
        sweep::parse_vary("services.catalog.count=1..6").expect("axis")
    ])
    .expect("plan");
    let axes = vec!["services.catalog.count".to_string()];
    let opts = SweepOptions {
        threads: 2,
        shard: None,
        ci_target: None,
        max_replications: 3,
        trace: false,
    };
    let values = |p: usize| vec![plan.value_text(p, 0)];
    // Uninterrupted.
    let whole = temp_dir("resume-whole");
    let mut w =
        SweepWriter::open(&whole.join(".partial"), &axes, "fp", false, false).expect("writer");
    let stop = AtomicBool::new(false);
    let outcome = sweep::execute(
        &source,
        &base,
        &plan,
        &opts,
        &|_| false,
        &stop,
        &|_| {},
        &|pr| pr,
        |pr| w.write_point(pr.point, &values(pr.point), &pr.runs, false),
    )
    .expect("sweep");
    assert_eq!(outcome, Outcome::Complete);
    w.finish(&whole).expect("finish");
    // Interrupted after the first batch of points, then resumed.
    let part = temp_dir("resume-part");
    let mut w =
        SweepWriter::open(&part.join(".partial"), &axes, "fp", false, false).expect("writer");
    let stop = AtomicBool::new(false);
    let outcome = sweep::execute(
        &source,
        &base,
        &plan,
        &opts,
        &|_| false,
        &stop,
        &|_| {},
        &|pr| pr,
        |pr| {
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
            w.write_point(pr.point, &values(pr.point), &pr.runs, false)
        },
    )
    .expect("sweep");
    assert_eq!(outcome, Outcome::Stopped);
    let done = w.completed().to_vec();
    assert!(!done.is_empty() && done.len() < 6, "{done:?}");
    drop(w);
    assert!(
        !part.join("runs.csv").exists(),
        "no final file before the sweep completes"
    );
    // Starting afresh over it is refused; resuming with another fingerprint too.
    assert!(SweepWriter::open(&part.join(".partial"), &axes, "fp", false, false).is_err());
    assert!(SweepWriter::open(&part.join(".partial"), &axes, "other", false, true).is_err());
    let mut w =
        SweepWriter::open(&part.join(".partial"), &axes, "fp", false, true).expect("resume");
    assert_eq!(w.completed(), done);
    let stop = AtomicBool::new(false);
    let outcome = sweep::execute(
        &source,
        &base,
        &plan,
        &opts,
        &|p| done.contains(&p),
        &stop,
        &|_| {},
        &|pr| pr,
        |pr| w.write_point(pr.point, &values(pr.point), &pr.runs, false),
    )
    .expect("sweep");
    assert_eq!(outcome, Outcome::Complete);
    w.finish(&part).expect("finish");
    for f in [
        "runs.csv",
        "points.csv",
        "teams.csv",
        "sites.csv",
        "services.csv",
        "weekly.csv",
    ] {
        assert_eq!(
            read(&whole.join(f)),
            read(&part.join(f)),
            "{f} differs after resume"
        );
    }
}

#[test]
fn ci_target_adds_replications_until_met() {
    let dir = temp_dir("sweep-ci");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&sweep_args(
        &out,
        &[
            "--vary",
            "services.catalog.count=1,8",
            "--ci-target",
            "0.2",
            "--max-replications",
            "32",
        ],
    ));
    assert!(o.status.success(), "{}", stderr(&o));
    let points = csv_rows(&dir.join("points.csv"));
    let runs = csv_rows(&dir.join("runs.csv"));
    let ns: Vec<usize> = points.iter().map(|p| p[2].parse().expect("n")).collect();
    assert_eq!(ns.iter().sum::<usize>(), runs.len());
    assert!(ns.iter().all(|&n| (4..=32).contains(&n)), "{ns:?}");
    assert!(
        ns.iter().any(|&n| n > 4),
        "a 20% target needs more than 4 replications somewhere: {ns:?}"
    );
    // Each point either met the target on its headline metrics or reached the maximum.
    let h = header(&dir.join("runs.csv"));
    for (p, &n) in ns.iter().enumerate() {
        let rows: Vec<&Vec<String>> = runs.iter().filter(|r| r[0] == p.to_string()).collect();
        assert_eq!(rows.len(), n);
        if n == 32 {
            continue;
        }
        for m in Metric::ALL.iter().filter(|m| m.def().ci_target) {
            let column = m.key();
            let c = h.iter().position(|x| x == column).expect("column");
            let ci = MeanCi::of(rows.iter().map(|r| r[c].parse::<f64>().expect("number")));
            assert!(
                ci.half_width <= 0.2 * ci.mean.abs() + 1e-12 || ci.mean == 0.0 || ci.n == 0,
                "point {p}, {column}: {ci:?}"
            );
        }
    }
}

#[test]
fn paired_differences_have_narrower_intervals_than_unpaired() {
    let source = ScenarioSource::baseline();
    let sets = |extra: &[&str]| {
        let mut o = vec![
            Override::parse("simulation.horizon_weeks=26").expect("o"),
            Override::parse("simulation.replications=20").expect("o"),
        ];
        o.extend(extra.iter().map(|s| Override::parse(s).expect("o")));
        source.resolve(&o).expect("valid")
    };
    let base = sets(&[]);
    let variant = sets(&["services.checkout.page_rate_per_week=3.0"]);
    let runs = sweep::run_many(&[&base, &variant], false, 2).expect("pool");
    let rows = compare::compare(&["base".into(), "busier checkout".into()], &runs);
    for metric in ["incidents", "pages_per_shift_mean", "ops_load_frac"] {
        let r = rows
            .iter()
            .find(|r| r.variant == "busier checkout" && r.metric == metric && r.team == "all")
            .expect("row");
        let paired = r.diff_ci95_high.unwrap_or(f64::NAN) - r.diff_ci95_low.unwrap_or(f64::NAN);
        let unpaired = r.unpaired_diff_ci95_high.unwrap_or(f64::NAN)
            - r.unpaired_diff_ci95_low.unwrap_or(f64::NAN);
        assert!(
            paired < 0.5 * unpaired,
            "{metric}: paired {paired} vs unpaired {unpaired}"
        );
        assert_eq!(r.significant, Some(true), "{metric}: {r:?}");
    }
}

#[test]
fn compare_writes_a_table_and_compare_csv() {
    let dir = temp_dir("compare");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "compare",
        "scenarios/baseline.toml",
        "--out",
        &out,
        "--no-charts",
        "--replications",
        "4",
        "--set",
        "simulation.horizon_weeks=12",
        "--variant",
        "24h shifts: teams.core.shift_hours=24",
        "--variant",
        "capacity=scenarios/capacity.toml",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("24h shifts"), "{text}");
    assert!(text.contains("paired 95% CI"), "{text}");
    let rows = csv_rows(&dir.join("compare.csv"));
    let n_metrics = Metric::ALL.len();
    let pooled: Vec<_> = rows.iter().filter(|r| r[1] == "all").collect();
    assert_eq!(pooled.len(), 3 * n_metrics);
    assert_eq!(rows[0][0], "base");
    assert_eq!(rows[n_metrics][0], "24h shifts");
    assert_eq!(header(&dir.join("compare.csv"))[7], "diff_mean");
    assert_eq!(csv_rows(&dir.join("runs.csv")).len(), 12);
}

#[test]
fn bad_sweep_input_is_reported_and_writes_nothing() {
    let cases: [(&[&str], i32, &str); 6] = [
        (
            &["--vary", "teams.core.shift_hour=8,12"],
            1,
            "did you mean `shift_hours`",
        ),
        (&["--vary", "services.catalog.count=9..3"], 2, "empty"),
        (
            &["--vary", "teams.core.shift_hours=8,twelve"],
            1,
            "shift_hours",
        ),
        (
            &["--vary", "teams.core.shift_hours=8", "--shard", "4/3"],
            2,
            "--shard",
        ),
        (
            &["--vary", "teams.core.shift_hours=8", "--shard", "0/3"],
            2,
            "--shard",
        ),
        (&["--vary", "nonsense"], 2, "KEY=VALUES"),
    ];
    for (i, (extra, code, needle)) in cases.iter().enumerate() {
        let dir = temp_dir(&format!("sweep-bad-{i}"));
        let out = dir.join("out").to_string_lossy().into_owned();
        let o = sresim(&sweep_args(&out, extra));
        assert_eq!(o.status.code(), Some(*code), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{extra:?}: {}", stderr(&o));
        assert!(!dir.join("out").exists(), "{extra:?} wrote output");
    }
}

#[test]
fn bad_sweep_table_in_a_file_is_located() {
    let dir = temp_dir("sweep-bad-file");
    let path = dir.join("bad.toml");
    let text = sresim::scenario::BASELINE_TOML.to_string()
        + "\n[sweep]\nsampel = 3\n[[sweep.axes]]\nkey = \"services.catalog.count\"\nrange = \"5..1\"\n";
    std::fs::write(&path, text).expect("write");
    let o = sresim(&["validate", &path.to_string_lossy()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("unknown key `sampel`"), "{err}");
    assert!(err.contains("empty"), "{err}");
    assert!(err.contains("bad.toml:"), "{err}");
}

#[test]
fn ctrl_c_keeps_complete_points_and_resume_finishes_the_same_sweep() {
    let args = |out: &str| -> Vec<String> {
        [
            "sweep",
            "scenarios/capacity.toml",
            "--out",
            out,
            "--quiet",
            "--no-charts",
            "--threads",
            "2",
            "--replications",
            "100",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let whole = temp_dir("ctrlc-whole");
    let whole_s = whole.to_string_lossy().into_owned();
    let a = args(&whole_s);
    let o = sresim(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));

    let part = temp_dir("ctrlc-part");
    let part_s = part.to_string_lossy().into_owned();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_sresim"))
        .args(args(&part_s))
        .current_dir(crate::support::root())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    assert!(part.join(".partial").join("progress.log").is_file());
    assert!(
        !part.join("runs.csv").exists(),
        "no final file from an interrupted sweep"
    );

    let mut resume = args(&part_s);
    resume.push("--resume".into());
    let o = sresim(&resume.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));
    for f in [
        "runs.csv",
        "points.csv",
        "teams.csv",
        "sites.csv",
        "services.csv",
        "weekly.csv",
    ] {
        assert_eq!(
            read(&whole.join(f)),
            read(&part.join(f)),
            "{f} differs after resume"
        );
    }
    assert!(!part.join(".partial").exists());
}

/// One team of 12 against two teams of 6: each team's figures side by side, on the
/// same incidents, with differences only where the base has a team of that name.
#[test]
fn a_two_team_comparison_shows_each_team_side_by_side() {
    let dir = temp_dir("compare-teams");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "compare",
        "scenarios/baseline.toml",
        "--replications",
        "4",
        "--set",
        "simulation.horizon_weeks=20",
        "--variant",
        "two-teams=scenarios/two-teams.toml",
        "--out",
        &out,
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    for team in ["core", "shop", "platform"] {
        assert!(text.contains(team), "{team} missing from\n{text}");
    }
    assert!(text.contains("per team"), "{text}");
    let rows = csv_rows(&dir.join("compare.csv"));
    let get = |variant: &str, team: &str, metric: &str| {
        rows.iter()
            .find(|r| r[0] == variant && r[1] == team && r[2] == metric)
            .unwrap_or_else(|| panic!("no row {variant}/{team}/{metric}"))
            .clone()
    };
    let num = |r: &[String], c: usize| r[c].parse::<f64>().expect("number");
    // Common random numbers: the two teams share out the base team's incidents.
    let core = num(&get("base", "core", "incidents"), 4);
    let shop = num(&get("two-teams", "shop", "incidents"), 4);
    let platform = num(&get("two-teams", "platform", "incidents"), 4);
    assert_eq!(core, shop + platform);
    // 2 responders always on shift over 6 engineers: a third of all hours on call.
    for team in ["shop", "platform"] {
        let share = num(&get("two-teams", team, "oncall_time_frac"), 4);
        assert!((share - 1.0 / 3.0).abs() < 1e-9, "{team}: {share}");
        // The base has no such team: no paired difference.
        assert_eq!(get("two-teams", team, "oncall_time_frac")[7], "");
    }
    let worst = get("two-teams", "all", "worst_team_oncall_time_frac");
    assert!((num(&worst, 4) - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(
        worst[12], "true",
        "significant against the base's 1/6: {worst:?}"
    );
    assert!(rows.iter().all(|r| r[1] != "shop" || r[0] != "base"));
}

/// sites.csv: per team and site, the head count and the on-call hours and off-hours
/// pages per engineer, written by runs and by sweeps alike.
#[test]
fn sites_csv_splits_each_team_by_site() {
    let dir = temp_dir("sites");
    let out = dir.to_string_lossy().into_owned();
    let o = sresim(&[
        "run",
        "scenarios/two-teams.toml",
        "--replications",
        "2",
        "--set",
        "simulation.horizon_weeks=12",
        "--out",
        &out,
        "--no-charts",
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let h = header(&dir.join("sites.csv"));
    assert_eq!(
        h,
        [
            "point",
            "replication",
            "team",
            "site",
            "engineers_mean",
            "oncall_hours_per_engineer_week",
            "offhours_pages_per_engineer_month"
        ]
    );
    let rows = csv_rows(&dir.join("sites.csv"));
    assert_eq!(rows.len(), 2 * 2 * 2, "2 replications × 2 teams × 2 sites");
    for r in &rows {
        assert_eq!(r[4], "3.0");
        // Follow-the-sun: each site covers one 12-hour shift a day with 2 responders,
        // 168 responder-hours a week shared by 3 engineers.
        assert_eq!(r[5], "56.0", "{r:?}");
    }
}

#[test]
fn a_set_on_a_key_the_sweep_varies_is_reported_not_silently_dropped() {
    let dir = crate::support::temp_dir("sweep-shadowed-set");
    let out = dir.join("out");
    let o = crate::support::sresim(&[
        "sweep",
        "scenarios/capacity.toml",
        "--set",
        "services.svc.count=3",
        "--set",
        "simulation.horizon_weeks=6",
        "--replications",
        "1",
        "--no-charts",
        "--quiet",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(o.status.success(), "{}", crate::support::stderr(&o));
    let err = crate::support::stderr(&o);
    assert!(
        err.contains("warning: --set services.svc.count=3 has no effect"),
        "{err}"
    );
    // Exactly one warning: the other --set is not an axis.
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
