//! `sresim plan`: the smallest value that meets the targets with the asked confidence
//! is the one a full sweep on the same seeds finds, bisection and the exhaustive search
//! agree, a target the key cannot move is reported infeasible with the reason, and bad
//! arguments are refused naming the option.

use std::collections::BTreeMap;

use crate::support::*;

/// Runs `sresim plan ARGS --json --out DIR` and returns the JSON answer.
fn plan_json(name: &str, args: &[&str]) -> serde_json::Value {
    let dir = temp_dir(name);
    let out = dir.join("plan");
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    all.extend([
        "--json",
        "--threads",
        "2",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let o = sresim(&all);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert!(out.join("plan.csv").is_file(), "plan.csv written");
    assert!(
        out.join("plan_probability.svg").is_file(),
        "the chart drawn"
    );
    let _ = std::fs::remove_dir_all(&dir);
    v
}

#[test]
fn plan_answer_is_the_smallest_passing_value_of_a_full_sweep_on_the_same_seeds() {
    // Fixed replications (the cap equals the start): a value passes when at least 90%
    // of its replications keep ops load at or under 45%.
    let common = [
        "scenarios/baseline.toml",
        "--replications",
        "30",
        "--max-replications",
        "30",
    ];
    let mut args = common.to_vec();
    args.extend([
        "--over",
        "teams.core.members.london=2..9",
        "--target",
        "ops_load_frac<=0.45",
        "--confidence",
        "0.9",
    ]);
    let plan = plan_json("plan-vs-sweep", &args);

    let dir = temp_dir("plan-vs-sweep-sweep");
    let out = dir.join("sweep");
    let o = sresim(&[
        "sweep",
        "scenarios/baseline.toml",
        "--replications",
        "30",
        "--vary",
        "teams.core.members.london=2..9",
        "--no-charts",
        "--quiet",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = csv_rows(&out.join("runs.csv"));
    let head = header(&out.join("runs.csv"));
    let key = head
        .iter()
        .position(|h| h == "teams.core.members.london")
        .expect("axis column");
    let ops = head
        .iter()
        .position(|h| h == "ops_load_frac")
        .expect("metric column");
    let mut by_value: BTreeMap<i64, (u32, u32)> = BTreeMap::new();
    for r in &rows {
        let v: i64 = r[key].parse().expect("an integer");
        let x: f64 = r[ops].parse().expect("a number");
        let e = by_value.entry(v).or_default();
        e.0 += 1;
        e.1 += u32::from(x <= 0.45);
    }
    let smallest = by_value
        .iter()
        .find(|(_, &(n, pass))| f64::from(pass) / f64::from(n) >= 0.9)
        .map(|(v, _)| *v)
        .expect("some value passes in the sweep");
    assert_eq!(
        plan["answer"]["teams.core.members.london"].as_i64(),
        Some(smallest),
        "{plan:#}"
    );
    assert_eq!(plan["feasible"], true);
    // The margin is shown: the value below fails.
    let below = &plan["below"];
    assert_eq!(
        below["values"]["teams.core.members.london"].as_i64(),
        Some(smallest - 1)
    );
    assert!(below["probability"].as_f64().expect("p") < 0.9);
    // Bisection ran fewer values than the range holds.
    assert!(plan["trials"].as_array().expect("trials").len() < 8);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plan_bisection_and_every_value_agree_on_two_keys() {
    let base = [
        "scenarios/baseline.toml",
        "--replications",
        "10",
        "--max-replications",
        "40",
        "--over",
        "teams.core.members.london=2..6",
        "--over",
        "teams.core.members.mountain-view=2..6",
        "--target",
        "ops_load_frac<=0.5",
    ];
    let bisect = plan_json("plan-two-bisect", &base);
    let mut every_args = base.to_vec();
    every_args.push("--every");
    let every = plan_json("plan-two-every", &every_args);
    assert_eq!(bisect["feasible"], true);
    assert_eq!(bisect["answer"], every["answer"], "{bisect:#}\n{every:#}");
    assert_eq!(bisect["frontier"], every["frontier"]);
    assert_eq!(every["trials"].as_array().expect("trials").len(), 25);
    assert!(bisect["trials"].as_array().expect("trials").len() < 25);
    // The cheapest pair of the frontier: no frontier pair has fewer engineers.
    let cheapest = |v: &serde_json::Value| {
        let a = &v["answer"];
        a["teams.core.members.london"].as_i64().expect("a value")
            + a["teams.core.members.mountain-view"]
                .as_i64()
                .expect("a value")
    };
    for f in every["frontier"].as_array().expect("frontier") {
        let sum = f["teams.core.members.london"].as_i64().expect("a value")
            + f["teams.core.members.mountain-view"]
                .as_i64()
                .expect("a value");
        assert!(sum >= cheapest(&every), "{f} is cheaper than the answer");
    }
}

#[test]
fn plan_reports_infeasible_when_the_key_does_not_move_the_metric() {
    // Pages per shift follow the services and the shift, not the head count: with
    // 12-hour shifts the p95 stays at 4 at every size.
    let v = plan_json(
        "plan-infeasible",
        &[
            "scenarios/baseline.toml",
            "--over",
            "teams.core.members.london=2..10",
            "--target",
            "pages_per_shift_p95<=2",
            "--target",
            "ops_load_frac<=0.5",
        ],
    );
    assert_eq!(v["feasible"], false);
    assert!(v["answer"].is_null());
    let blocking = v["blocking"].as_array().expect("blocking");
    assert_eq!(blocking.len(), 1, "only the pages target blocks: {v:#}");
    assert_eq!(blocking[0]["metric"], "pages_per_shift_p95");
    assert_eq!(blocking[0]["moves_with_key"], false);
    let sentence = v["sentence"].as_str().expect("a sentence");
    assert!(sentence.starts_with("Infeasible"), "{sentence}");
    assert!(sentence.contains("does not depend on teams.core.members.london"));
}

#[test]
fn plan_refuses_bad_arguments_naming_the_option() {
    let cases: [(&[&str], &str); 5] = [
        (
            &[
                "--over",
                "teams.core.members.london=2..4",
                "--target",
                "ops_load<=0.5",
            ],
            "did you mean `ops_load_frac`",
        ),
        (
            &[
                "--over",
                "teams.core.members.london=2..4",
                "--target",
                "ops_load_frac=0.5",
            ],
            "expected METRIC<=VALUE",
        ),
        (
            &[
                "--over",
                "teams.core.members.london=2..4",
                "--target",
                "ops_load_frac<=0.5",
                "--scope",
                "team:nobody",
            ],
            "no team `nobody`",
        ),
        (
            &[
                "--over",
                "teams.core.members.london=2..4",
                "--target",
                "ops_load_frac<=0.5",
                "--confidence",
                "1",
            ],
            "--confidence 1",
        ),
        (
            &[
                "--over",
                "teams.core.members.london=-1..2",
                "--target",
                "ops_load_frac<=0.5",
            ],
            "--over",
        ),
    ];
    for (args, expected) in cases {
        let dir = temp_dir("plan-bad");
        let out = dir.join("p");
        let mut all = vec!["plan", "scenarios/baseline.toml"];
        all.extend_from_slice(args);
        all.extend(["--out", out.to_str().expect("utf-8")]);
        let o = sresim(&all);
        assert!(!o.status.success(), "{args:?} accepted");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "{args:?}: nothing written");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn plan_by_quarter_gives_a_requisition_timeline_on_a_growing_scenario() {
    // The lifecycle scenario adds services every quarter: the head count one site needs
    // for ops load at or under 50% rises, and each rise asks for a requisition.
    let v = plan_json(
        "plan-by-quarter",
        &[
            "scenarios/lifecycle.toml",
            "--over",
            "teams.core.members.london=3..8",
            "--target",
            "ops_load_frac<=0.5",
            "--by",
            "quarter",
            "--replications",
            "10",
            "--max-replications",
            "40",
        ],
    );
    let timeline = v["timeline"].as_array().expect("a timeline");
    assert_eq!(timeline.len(), 12, "three years in quarters");
    assert_eq!(timeline[0]["period"], "Q1");
    let needs: Vec<Option<i64>> = timeline
        .iter()
        .map(|p| p["answer"]["teams.core.members.london"].as_i64())
        .collect();
    let known: Vec<i64> = needs.iter().flatten().copied().collect();
    assert!(known.len() >= 6, "{needs:?}");
    assert!(known.last() > known.first(), "the need grows: {needs:?}");
    let reqs = v["requisitions"].as_array().expect("requisitions");
    assert!(!reqs.is_empty(), "{v:#}");
    for r in reqs {
        assert!(r["count"].as_i64().expect("a count") >= 1);
        assert!(r["open_by_week"].as_f64().expect("a week") >= 0.0);
    }
    let sentence = v["sentence"].as_str().expect("a sentence");
    assert!(sentence.contains("first fail in Q"), "{sentence}");
    assert!(sentence.contains("requisition"), "{sentence}");
}

#[test]
fn plan_by_refuses_a_target_the_weekly_series_does_not_carry() {
    let dir = temp_dir("plan-by-bad");
    let out = dir.join("p");
    let o = sresim(&[
        "plan",
        "scenarios/lifecycle.toml",
        "--over",
        "teams.core.members.london=3..8",
        "--target",
        "pages_per_shift_p95<=2",
        "--by",
        "quarter",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot be checked period by period"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
