//! `sresim sensitivity`: keys ranked by their paired effect on a metric; a key that does
//! not touch the metric comes last with an interval holding zero; the ranking of the
//! baseline's assumptions for ops load and for pages per shift is the one the model's
//! arithmetic implies.

use crate::support::*;

/// Runs `sresim sensitivity ARGS --json --out DIR` and returns the JSON.
fn sensitivity_json(name: &str, args: &[&str]) -> serde_json::Value {
    let dir = temp_dir(name);
    let out = dir.join("s");
    let mut all = vec!["sensitivity"];
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
    assert!(out.join("sensitivity.csv").is_file());
    assert!(out.join("tornado.svg").is_file(), "the tornado drawn");
    let _ = std::fs::remove_dir_all(&dir);
    v
}

fn keys(v: &serde_json::Value) -> Vec<String> {
    v["ranking"]
        .as_array()
        .expect("a ranking")
        .iter()
        .map(|e| e["key"].as_str().expect("a key").to_string())
        .collect()
}

#[test]
fn sensitivity_ranks_the_baseline_for_ops_load_with_a_key_of_no_effect_last() {
    let v = sensitivity_json(
        "sensitivity-ops",
        &[
            "scenarios/baseline.toml",
            "--metric",
            "ops_load_frac",
            "--keys",
            "teams.core.pager_budget_per_shift,teams.core.hours_per_week,services.checkout.page_rate_per_week,teams.core.members.london",
        ],
    );
    let ranked = keys(&v);
    // Ops load is ops hours over capacity: the working week moves it most.
    assert_eq!(ranked[0], "teams.core.hours_per_week", "{v:#}");
    // The pager budget only counts shifts over it: it moves no hour of work.
    assert_eq!(
        ranked.last().map(String::as_str),
        Some("teams.core.pager_budget_per_shift")
    );
    let last = v["ranking"]
        .as_array()
        .expect("ranking")
        .last()
        .expect("an entry")
        .clone();
    assert_eq!(last["measurable"], false);
    let ci = last["effect_ci95"].as_array().expect("an interval");
    assert!(ci[0].as_f64().expect("low") <= 0.0 && ci[1].as_f64().expect("high") >= 0.0);
    // Directions: more hours or more people lower the load; more pages raise it.
    let effect = |k: &str| {
        v["ranking"]
            .as_array()
            .expect("ranking")
            .iter()
            .find(|e| e["key"] == k)
            .and_then(|e| e["effect"].as_f64())
            .expect("an effect")
    };
    assert!(effect("teams.core.hours_per_week") < 0.0);
    assert!(effect("teams.core.members.london") < 0.0);
    assert!(effect("services.checkout.page_rate_per_week") > 0.0);
    assert!(v["sentence"]
        .as_str()
        .expect("a sentence")
        .starts_with("ops_load_frac depends most on teams.core.hours_per_week"));
}

#[test]
fn sensitivity_of_pages_per_shift_ignores_the_head_count() {
    let v = sensitivity_json(
        "sensitivity-pages",
        &[
            "scenarios/baseline.toml",
            "--metric",
            "pages_per_shift_mean",
            "--keys",
            "teams.core.members.*,teams.core.shift_hours,services.*.page_rate_per_week",
        ],
    );
    let ranking = v["ranking"].as_array().expect("ranking");
    // The shift's length scales the pages in it.
    assert_eq!(ranking[0]["key"], "teams.core.shift_hours", "{v:#}");
    // Head count does not change pages per shift (a page goes to one rotation, whoever
    // is on it): both sites' keys have no measurable effect.
    for e in ranking.iter().filter(|e| {
        e["key"]
            .as_str()
            .is_some_and(|k| k.starts_with("teams.core.members."))
    }) {
        assert_eq!(e["measurable"], false, "{e}");
    }
}

#[test]
fn sensitivity_refuses_unknown_metrics_and_keys() {
    for (args, expected) in [
        (
            &["--metric", "ops_load"][..],
            "did you mean `ops_load_frac`",
        ),
        (
            &["--metric", "ops_load_frac", "--keys", "teams.nobody.*"][..],
            "no numeric key of the scenario matches",
        ),
        (
            &["--metric", "ops_load_frac", "--delta", "200%"][..],
            "--delta",
        ),
    ] {
        let dir = temp_dir("sensitivity-bad");
        let out = dir.join("s");
        let mut all = vec!["sensitivity", "scenarios/baseline.toml"];
        all.extend_from_slice(args);
        all.extend(["--out", out.to_str().expect("utf-8")]);
        let o = sresim(&all);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(expected), "{args:?}: {}", stderr(&o));
        assert!(!out.exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn sensitivity_sample_ranks_globally_by_rank_regression() {
    let v = sensitivity_json(
        "sensitivity-sample",
        &[
            "scenarios/baseline.toml",
            "--metric",
            "ops_load_frac",
            "--keys",
            "teams.core.hours_per_week,teams.core.members.*,teams.core.pager_budget_per_shift",
            "--sample",
            "40",
        ],
    );
    let global = v["global"].as_array().expect("a global ranking");
    assert_eq!(global.len(), 4);
    assert_eq!(global[0]["key"], "teams.core.hours_per_week", "{v:#}");
    assert!(global[0]["srrc"].as_f64().expect("srrc") < 0.0);
    assert_eq!(global[0]["measurable"], true);
    let last = global.last().expect("an entry");
    assert_eq!(last["key"], "teams.core.pager_budget_per_shift");
    assert_eq!(last["measurable"], false);
    assert_eq!(v["sample_points"], 40);
}

#[test]
fn sensitivity_sample_needs_more_points_than_keys() {
    let dir = temp_dir("sensitivity-small-sample");
    let out = dir.join("s");
    let o = sresim(&[
        "sensitivity",
        "scenarios/baseline.toml",
        "--metric",
        "ops_load_frac",
        "--sample",
        "20",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("name fewer with --keys"),
        "{}",
        stderr(&o)
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}
