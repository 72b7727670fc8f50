//! Arguments that were accepted silently or answered with the wrong words: each is now
//! refused with a message that names the option it came from. Each regression test is
//! named after the failure it pins.

use crate::support::{sresim, stderr, temp_dir};

/// The capacity sweep, short, into a fresh folder, with `extra` arguments.
fn capacity(tag: &str, extra: &[&str]) -> std::process::Output {
    let out = temp_dir(tag).join("o");
    let out = out.to_string_lossy().into_owned();
    let mut args = vec![
        "sweep",
        "scenarios/capacity.toml",
        "--replications",
        "1",
        "--set",
        "simulation.horizon_weeks=3",
        "--set",
        "simulation.warmup_weeks=0",
        "--no-charts",
        "--quiet",
        "--out",
        &out,
    ];
    args.extend_from_slice(extra);
    sresim(&args)
}

#[test]
fn regression_variant_names_with_bidi_overrides_or_formula_starts_are_refused() {
    for (name, why) in [
        ("evil\u{202e}gnp", "invisible character"),
        ("a\u{2066}b", "invisible character"),
        ("=HYPERLINK(1)", "starts with '='"),
        ("+1", "starts with '+'"),
        ("-2", "starts with '-'"),
        ("@SUM", "starts with '@'"),
    ] {
        let spec = format!("{name}: teams.core.shift_hours=24");
        let e = sresim::jobs::parse_variant(&spec).expect_err(name);
        let m = e.to_string();
        assert!(m.contains(why), "{name:?}: {m}");
        assert!(!m.contains('\u{202e}') && !m.contains('\u{2066}'), "{m:?}");
    }
    assert!(sresim::jobs::parse_variant("x-2: teams.core.shift_hours=24").is_ok());
}

#[test]
fn regression_more_shards_than_points_is_refused() {
    // 33 points: 100 000 shards would leave most of them empty, and their merge could
    // never be complete.
    let o = capacity("arg-shards", &["--shard", "1/100000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the sweep has 33 points"),
        "{}",
        stderr(&o)
    );
    assert!(capacity("arg-shards-ok", &["--shard", "33/33"])
        .status
        .success());
}

#[test]
fn regression_vary_twice_on_one_key_is_refused() {
    let o = capacity(
        "arg-vary-twice",
        &[
            "--vary",
            "teams.core.shift_hours=12",
            "--vary",
            "teams.core.shift_hours=24",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("given twice"), "{}", stderr(&o));
}

#[test]
fn regression_max_replications_without_ci_target_is_refused() {
    for n in ["0", "100001", "200"] {
        let o = capacity("arg-maxreps", &["--max-replications", n]);
        assert_eq!(o.status.code(), Some(2), "{n}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("has no effect without --ci-target"),
            "{n}: {}",
            stderr(&o)
        );
    }
    let o = capacity(
        "arg-maxreps-high",
        &["--ci-target", "0.5", "--max-replications", "100001"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("at most 100000"), "{}", stderr(&o));
}

#[test]
fn regression_a_tiny_ci_target_is_refused_in_a_few_digits() {
    let o = capacity("arg-ci-tiny", &["--ci-target", "1e-300"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let m = stderr(&o);
    assert!(m.contains("between 0.0001 and 1"), "{m}");
    assert!(m.len() < 200, "a short message: {m}");
}

#[test]
fn regression_vary_problems_name_vary_and_the_far_corner_first() {
    let out = temp_dir("arg-vary-count").join("o");
    let o = sresim(&[
        "sweep",
        "scenarios/baseline.toml",
        "--vary",
        "services.checkout.count=1..10000",
        "--no-charts",
        "--out",
        &out.to_string_lossy(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let m = stderr(&o);
    // The far end of the axis is checked before the 9 999 points below it.
    assert!(m.contains("--vary services.checkout.count=10000"), "{m}");
    assert!(!m.contains("--set services.checkout"), "{m}");
    assert!(m.contains("1 problem found"), "{m}");
}

#[test]
fn regression_report_and_plot_of_a_file_name_no_option_they_lack() {
    for cmd in ["report", "plot"] {
        let o = sresim(&[cmd, "README.md"]);
        assert_eq!(o.status.code(), Some(2));
        let m = stderr(&o);
        assert!(m.contains("is a file, not a folder"), "{cmd}: {m}");
        assert!(!m.contains("--out"), "{cmd}: {m}");
    }
}
