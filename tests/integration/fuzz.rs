//! Property tests: no input makes sresim panic, abort or hang. Generated scenario
//! documents (bundled scenarios with their values, lines and bytes mutated), arbitrary
//! bytes, and arbitrary `--set` and `--vary` arguments go through validation, and every
//! scenario that validates and is cheap enough runs (and, with a `[sweep]` table,
//! sweeps) through the same jobs the command runs.
//!
//! `SRESIM_FUZZ_CASES` sets the cases per property (default 160, about 30 s in all);
//! the README gives the longer run.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use sresim::jobs::{self, CommonSpec, RunSpec, SweepHooks, SweepSpec};
use sresim::model::estimate_run;
use sresim::scenario::{Override, ScenarioSource};
use sresim::sweep::{self, SweepPlan};

use crate::support::{root, temp_dir};

/// Scenario files the mutations start from.
const SOURCES: [&str; 14] = [
    "scenarios/baseline.toml",
    "scenarios/burnout.toml",
    "scenarios/structures.toml",
    "scenarios/reorg.toml",
    "scenarios/lifecycle.toml",
    "scenarios/disengagement.toml",
    "scenarios/ares.toml",
    "scenarios/pipeline.toml",
    "tests/fixtures/structures/by_product.toml",
    "scenarios/capacity.toml",
    "scenarios/two-teams.toml",
    "scenarios/validation/mmc.toml",
    "tests/fixtures/golden/mixed.toml",
    "tests/fixtures/bad/many_problems.toml",
];

/// Events a mutated scenario may be estimated at for the property to run it.
const RUN_EVENTS: f64 = 4e5;

fn cases() -> u32 {
    std::env::var("SRESIM_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4000)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Values that broke, or nearly broke, something once: edges of every numeric type,
/// non-finite floats, names with control characters or path separators, wrong types.
fn value() -> impl Strategy<Value = String> {
    let edges = prop::sample::select(vec![
        "0",
        "-1",
        "1",
        "0.25",
        "0.5",
        "1e-300",
        "1e-12",
        "1e-7",
        "1e300",
        "1e308",
        "1e309",
        "-0.0",
        "nan",
        "inf",
        "-inf",
        "1e5",
        "1e9",
        "1e12",
        "4294967295",
        "4294967296",
        "9223372036854775807",
        "-9223372036854775808",
        "\"\"",
        "\"..\"",
        "\"../../x\"",
        "\"/abs\"",
        "\"a\\u0000b\"",
        "\"bell\\u0007\"",
        "\"\\u001b[31mred\"",
        "\"\\uFFFF\"",
        "\"line\\nbreak\"",
        "\"lots\"",
        "true",
        "[]",
        "{}",
        "[10, \"lots\"]",
        "{ london = 1e9 }",
        "{ lognormal = { median_hours = 0, p90_hours = 0 } }",
        "{ lognormal = { median_hours = 1e300, p90_hours = 1e301 } }",
        "{ exponential = { mean_hours = 1e-300 } }",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        4 => edges,
        // Plausible values, so that many mutated scenarios still validate and run.
        3 => (-2.0f64..4.0).prop_map(|e| format!("{}", 10f64.powf(e))),
        2 => (0.0f64..1.0).prop_map(|x| format!("{x}")),
        2 => (0u32..50).prop_map(|x| x.to_string()),
        1 => any::<f64>().prop_map(|x| format!("{x:e}")),
        1 => any::<i64>().prop_map(|x| x.to_string()),
        1 => "[a-z_.]{0,12}".prop_map(|s| format!("\"{s}\"")),
        1 => "\"x{250,300}\"".prop_map(|s| s),
    ]
}

/// Numbers: edges, and plausible values of every magnitude.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => prop::sample::select(vec![
            "0", "-1", "1", "1e-300", "1e-12", "1e-7", "1e300", "1e308", "1e309", "-0.0",
            "nan", "inf", "1e5", "1e9", "1e12", "4294967295", "9223372036854775807",
        ])
        .prop_map(str::to_string),
        3 => (-3.0f64..5.0).prop_map(|e| format!("{}", 10f64.powf(e))),
        2 => (0u32..100).prop_map(|x| x.to_string()),
        1 => (0.0f64..1.0).prop_map(|x| format!("{x}")),
    ]
}

/// One change to a scenario's text.
#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the value of the `line`-th `key = value` line.
    Set { line: usize, value: String },
    /// Replace the value of the `line`-th line whose value is a number by a number.
    Number { line: usize, value: String },
    /// Delete a line.
    Delete { line: usize },
    /// Repeat a line.
    Duplicate { line: usize },
    /// Cut the text at a byte.
    Truncate { at: usize },
    /// Overwrite a byte.
    Byte { at: usize, byte: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), value()).prop_map(|(line, value)| Mutation::Set { line, value }),
        6 => (any::<usize>(), number()).prop_map(|(line, value)| Mutation::Number { line, value }),
        1 => any::<usize>().prop_map(|line| Mutation::Delete { line }),
        1 => any::<usize>().prop_map(|line| Mutation::Duplicate { line }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Byte { at, byte }),
    ]
}

fn apply(text: &[u8], m: &Mutation) -> Vec<u8> {
    let lines = || {
        let s = String::from_utf8_lossy(text).into_owned();
        s.lines().map(str::to_owned).collect::<Vec<String>>()
    };
    match m {
        Mutation::Set { line, value } => {
            let mut ls = lines();
            let assignments: Vec<usize> = (0..ls.len())
                .filter(|&i| ls[i].contains(" = ") && !ls[i].trim_start().starts_with('#'))
                .collect();
            if let Some(&i) = assignments.get(line % assignments.len().max(1)) {
                let key = ls[i].split(" = ").next().unwrap_or_default().to_string();
                ls[i] = format!("{key} = {value}");
            }
            (ls.join("\n") + "\n").into_bytes()
        }
        Mutation::Number { line, value } => {
            let mut ls = lines();
            let numeric: Vec<usize> = (0..ls.len())
                .filter(|&i| {
                    ls[i].split_once(" = ").is_some_and(|(_, v)| {
                        let v = v.split('#').next().unwrap_or_default().trim();
                        v.parse::<f64>().is_ok()
                    })
                })
                .collect();
            if let Some(&i) = numeric.get(line % numeric.len().max(1)) {
                let key = ls[i].split(" = ").next().unwrap_or_default().to_string();
                ls[i] = format!("{key} = {value}");
            }
            (ls.join("\n") + "\n").into_bytes()
        }
        Mutation::Delete { line } => {
            let mut ls = lines();
            if !ls.is_empty() {
                let i = line % ls.len();
                ls.remove(i);
            }
            (ls.join("\n") + "\n").into_bytes()
        }
        Mutation::Duplicate { line } => {
            let mut ls = lines();
            if !ls.is_empty() {
                let i = line % ls.len();
                let l = ls[i].clone();
                ls.insert(i, l);
            }
            (ls.join("\n") + "\n").into_bytes()
        }
        Mutation::Truncate { at } => text[..at % (text.len() + 1)].to_vec(),
        Mutation::Byte { at, byte } => {
            let mut t = text.to_vec();
            if !t.is_empty() {
                let i = at % t.len();
                t[i] = *byte;
            }
            t
        }
    }
}

/// Validates `bytes` as a scenario file, and runs (and sweeps) it when it validates
/// and is cheap. Panics only if sresim does.
fn exercise(dir: &Path, bytes: &[u8], charts: bool) {
    let file = dir.join("case.toml");
    std::fs::write(&file, bytes).expect("write case");
    let checked = jobs::validate(std::slice::from_ref(&file));
    let Some((_, Ok(cfg))) = checked.into_iter().next() else {
        return;
    };
    if estimate_run(&cfg, true).events > RUN_EVENTS {
        return;
    }
    let common = CommonSpec {
        scenario: Some(file.clone()),
        out: Some(dir.join("out")),
        replications: Some(1),
        threads: 1,
        no_charts: !charts,
        ..CommonSpec::default()
    };
    let _ = jobs::run(&RunSpec {
        common: common.clone(),
        trace: true,
    });
    let Ok(source) = ScenarioSource::from_file(&file) else {
        return;
    };
    if source.sweep_table().is_none() {
        return;
    }
    let small = sweep::plan::from_file(&source)
        .ok()
        .and_then(|f| match f.sample {
            Some(n) => SweepPlan::latin_hypercube(f.axes, n, 1).ok(),
            None => SweepPlan::grid(f.axes).ok(),
        })
        .is_some_and(|p| p.points.len() <= 40);
    if small {
        let spec = SweepSpec {
            common: CommonSpec {
                out: Some(dir.join("sweep")),
                ..common
            },
            ..SweepSpec::default()
        };
        let _ = jobs::sweep(&spec, SweepHooks::default());
    }
}

fn source_bytes() -> Vec<Vec<u8>> {
    SOURCES
        .iter()
        .map(|s| std::fs::read(root().join(s)).expect("bundled scenario"))
        .collect()
}

#[test]
fn mutated_scenarios_never_panic() {
    let dir = temp_dir("fuzz-mutated");
    let sources = source_bytes();
    let strategy = (
        0..sources.len(),
        prop::collection::vec(mutation(), 1..3),
        prop::bool::weighted(0.05),
    );
    runner()
        .run(&strategy, |(s, muts, charts)| {
            let mut text = sources[s].clone();
            for m in &muts {
                text = apply(&text, m);
            }
            exercise(&dir, &text, charts);
            Ok(())
        })
        .expect("no panic on a mutated scenario");
}

#[test]
fn arbitrary_bytes_never_panic() {
    let dir = temp_dir("fuzz-bytes");
    let strategy = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        "[ -~\n\t\u{0}-\u{1f}\u{7f}-\u{ff}]{0,400}".prop_map(String::into_bytes),
        // A valid head with garbage after it.
        prop::collection::vec(any::<u8>(), 0..200).prop_map(|tail| {
            let mut t = b"version = 1\n[simulation]\nhorizon_weeks = 8\n".to_vec();
            t.extend(tail);
            t
        }),
    ];
    runner()
        .run(&strategy, |bytes| {
            exercise(&dir, &bytes, false);
            Ok(())
        })
        .expect("no panic on arbitrary bytes");
}

/// Keys the argument properties aim at.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "simulation.seed",
            "simulation.replications",
            "simulation.horizon_weeks",
            "simulation.name",
            "teams.core.shift_hours",
            "teams.core.members",
            "services.checkout.page_rate_per_week",
            "services.checkout.slo_window_weeks",
            "organization.structure",
            "people.hiring",
            "people.attrition_per_year",
            "people.ramp_up_weeks_max",
            "organization.share",
            "organization.members.london",
            "organization.responders_per_shift",
            "organization.split_when.services_over",
            "organization.split_when.along",
            "organization.merge_when.understaffed_weeks",
            "engagement.onboarding",
            "engagement.disengage",
            "reliability.ceiling",
            "engagement.prr_weeks",
            "engagement.review_weeks",
            "engagement.developers.members.london",
            "a..b",
            "",
            ".",
            "teams.\"quoted\".x",
        ])
        .prop_map(str::to_string),
        "[a-z.\"\\[\\]0-9]{0,20}",
    ]
}

#[test]
fn arbitrary_set_and_vary_arguments_never_panic() {
    let base = ScenarioSource::baseline();
    let range = (
        prop::sample::select(vec![
            "0",
            "1",
            "-1",
            "1e-300",
            "1e300",
            "18446744073709551615",
            "9223372036854775807",
            "0.1",
            "2",
            "",
            "x",
        ]),
        prop::sample::select(vec![
            "0",
            "1",
            "2",
            "1e300",
            "18446744073709551615",
            "-5",
            "",
            "nan",
        ]),
        prop::sample::select(vec!["", ":1", ":0", ":-1", ":1e-300", ":0.1", ":", ":inf"]),
    )
        .prop_map(|(a, b, s)| format!("{a}..{b}{s}"));
    let spec = prop_oneof![
        range,
        prop::collection::vec(value(), 0..4).prop_map(|v| v.join(",")),
        ".{0,30}",
    ];
    let strategy = (key(), spec, value(), prop::option::of(0usize..200_000));
    runner()
        .run(&strategy, |(k, spec, v, sample)| {
            let set = format!("{k}={v}");
            if let Ok(o) = Override::parse(&set) {
                let _ = base.resolve(&[o]);
            }
            let _ = Override::parse(&k);
            if let Ok(axis) = sweep::parse_vary(&format!("{k}={spec}")) {
                let axes = vec![axis];
                let plan = match sample {
                    Some(n) => SweepPlan::latin_hypercube(axes, n, 7),
                    None => SweepPlan::grid(axes),
                };
                if let Ok(plan) = plan {
                    prop_assert!(!plan.points.is_empty(), "an empty plan is an error");
                    if plan.points.len() <= 50 {
                        let _ = sweep::check_plan(&base, &[], &plan);
                    }
                }
            }
            Ok(())
        })
        .expect("no panic on arguments");
}

/// Shard folders of one small sweep, for the merge property.
fn shard_folders(dir: &Path) -> Vec<PathBuf> {
    (1..=2)
        .map(|k| {
            let d = dir.join(format!("s{k}"));
            let spec = SweepSpec {
                common: CommonSpec {
                    scenario: Some(root().join("scenarios/capacity.toml")),
                    out: Some(d.clone()),
                    replications: Some(1),
                    sets: vec![
                        "simulation.horizon_weeks=2".into(),
                        "simulation.warmup_weeks=0".into(),
                    ],
                    threads: 1,
                    no_charts: true,
                    ..CommonSpec::default()
                },
                shard: Some(format!("{k}/2")),
                ..SweepSpec::default()
            };
            jobs::sweep(&spec, SweepHooks::default()).expect("shard");
            d
        })
        .collect()
}

#[test]
fn damaged_shards_never_panic_merge() {
    let dir = temp_dir("fuzz-merge");
    let shards = shard_folders(&dir);
    let names = ["runs.csv", "teams.csv", "weekly.csv", "manifest.json"];
    let originals: Vec<Vec<Vec<u8>>> = shards
        .iter()
        .map(|d| {
            names
                .iter()
                .map(|n| std::fs::read(d.join(n)).expect("shard file"))
                .collect()
        })
        .collect();
    let strategy = (0..2usize, 0..names.len(), mutation());
    runner()
        .run(&strategy, |(s, f, m)| {
            let path = shards[s].join(names[f]);
            std::fs::write(&path, apply(&originals[s][f], &m)).expect("damage");
            let r = jobs::merge(&jobs::MergeSpec {
                shards: shards.clone(),
                out: dir.join("merged"),
                no_charts: true,
                command_line: vec![],
            });
            std::fs::write(&path, &originals[s][f]).expect("restore");
            // A damaged data file never merges; a manifest edit may leave it intact
            // (a changed wall time), and then the merge is the real one.
            if f < 3 && apply(&originals[s][f], &m) != originals[s][f] {
                prop_assert!(r.is_err(), "a damaged {} merged", names[f]);
            }
            Ok(())
        })
        .expect("no panic on damaged shards");
}
