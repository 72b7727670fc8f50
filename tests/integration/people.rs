//! Engineers as individuals (`[people]`): attrition driven by each engineer's off-hours
//! load, load-triggered hiring with a lead time and a ramp-up before on-call.

use sresim::model::{simulate, Metric, RunOptions, RunResult};
use sresim::scenario::{Override, ScenarioConfig, ScenarioSource};
use sresim::sweep::ci::MeanCi;

use crate::support::{read, root};

/// The baseline with `[people]` (its keys as given) and overrides.
fn baseline_with_people(people: &str, sets: &[&str]) -> ScenarioConfig {
    let text = read(&root().join("scenarios/baseline.toml"));
    let at = text.find("[[sites]]").expect("sites");
    let text = format!("{}[people]\n{people}\n\n{}", &text[..at], &text[at..]);
    let overrides: Vec<Override> = sets
        .iter()
        .map(|s| Override::parse(s).expect("override"))
        .collect();
    ScenarioSource::parse(&text, "people.toml", "people")
        .and_then(|s| s.resolve(&overrides))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn runs(cfg: &ScenarioConfig, n: u64, trace: bool) -> Vec<RunResult> {
    (0..n)
        .map(|r| {
            simulate(
                cfg,
                RunOptions {
                    replication: r,
                    trace,
                    ..RunOptions::default()
                },
            )
            .expect("stable")
        })
        .collect()
}

#[test]
fn without_attrition_or_hiring_nothing_changes() {
    let plain = crate::support::load("baseline.toml", &["simulation.replications=2"]);
    let still = baseline_with_people("attrition_per_year = 0", &["simulation.replications=2"]);
    let (a, b) = (runs(&plain, 2, false), runs(&still, 2, false));
    for (x, y) in a.iter().zip(&b) {
        // Bit for bit (a NaN, nothing to average, equals itself here).
        let bits = |r: &sresim::model::RunResult| -> Vec<u64> {
            r.summary.values.0.iter().map(|v| v.to_bits()).collect()
        };
        assert_eq!(bits(x), bits(y), "the same run");
        assert_eq!(y.summary[Metric::HeadcountEnd], 12.0);
        assert_eq!(y.summary[Metric::Departures], 0.0);
        assert_eq!(y.summary[Metric::Hires], 0.0);
    }
}

#[test]
fn more_off_hours_load_means_more_departures() {
    let departures = |factor: f64| {
        let sets: Vec<String> = ["checkout", "cart", "storefront", "payments"]
            .iter()
            .map(|s| {
                let base = crate::support::load("baseline.toml", &[]);
                let rate = base
                    .services
                    .iter()
                    .find(|x| x.name == *s)
                    .map_or(1.0, |x| x.page_rate_per_week);
                format!("services.{s}.page_rate_per_week={}", rate * factor)
            })
            .collect();
        let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
        let cfg = baseline_with_people("attrition_per_year = 0.13", &refs);
        let r = runs(&cfg, 40, false);
        let ci = MeanCi::of(r.iter().map(|x| x.summary[Metric::Departures]));
        let load = MeanCi::of(
            r.iter()
                .map(|x| x.summary[Metric::OffhoursPagesPerEngineerMonth]),
        );
        (ci, load.mean)
    };
    let (low, low_load) = departures(1.0);
    let (high, high_load) = departures(8.0);
    assert!(
        high_load > low_load + 3.0,
        "{low_load} → {high_load} pages a month"
    );
    assert!(
        high.low() > low.high(),
        "departures: {:.2} [{:.2}, {:.2}] at {low_load:.1} pages a month, {:.2} [{:.2}, {:.2}] at {high_load:.1}",
        low.mean,
        low.low(),
        low.high(),
        high.mean,
        high.low(),
        high.high()
    );
}

#[test]
fn nobody_is_on_call_before_their_ramp_up_ends() {
    // 4 per site is below the minimum rotation: a requisition opens after the first
    // week, is filled two weeks later, and the hire ramps up for exactly 20 weeks.
    let cfg = baseline_with_people(
        "attrition_per_year = 0\nhiring = \"load\"\ntrigger_weeks = 1\nlead_time_weeks_min = 2\nlead_time_weeks_max = 2\nramp_up_weeks_min = 20\nramp_up_weeks_max = 20\nheadcount_ceiling = 12",
        &[
            "teams.core.members.london=4",
            "teams.core.members.mountain-view=4",
            "simulation.replications=1",
            "simulation.warmup_weeks=0",
        ],
    );
    let r = &runs(&cfg, 1, true)[0];
    assert!(r.summary[Metric::Hires] >= 1.0, "hired");
    assert!(r.summary[Metric::HeadcountEnd] <= 12.0, "the ceiling holds");
    let first = r
        .incidents
        .iter()
        .filter(|i| i.responder.contains("-h1"))
        .filter_map(|i| i.started_at_hours)
        .fold(f64::INFINITY, f64::min);
    assert!(first.is_finite(), "the first hire goes on call");
    // Hired at the end of week 1 + 2 weeks of lead time, on call 20 weeks later.
    assert!(first >= 23.0 * 168.0, "on call at hour {first}");
}

#[test]
fn a_bad_people_table_is_a_located_problem() {
    let text = read(&root().join("scenarios/baseline.toml"));
    let at = text.find("[[sites]]").expect("sites");
    let bad = "[people]\nhiring = \"always\"\nramp_up_weeks_min = 40\nramp_up_weeks_max = 10\n\n";
    let text = format!("{}{bad}{}", &text[..at], &text[at..]);
    let e = ScenarioSource::parse(&text, "p.toml", "p")
        .and_then(|s| s.resolve(&[]))
        .expect_err("refused");
    let m = e.to_string();
    assert!(
        m.contains("people.hiring: expected one of none, load"),
        "{m}"
    );
    assert!(
        m.contains("ramp_up_weeks_max must be at least ramp_up_weeks_min"),
        "{m}"
    );
}

#[test]
fn the_head_count_chart_appears_when_people_come_and_go() {
    let dir = crate::support::temp_dir("people-chart");
    let run = |out: &str, sets: Vec<String>| {
        let spec = sresim::jobs::RunSpec {
            common: sresim::jobs::CommonSpec {
                scenario: Some(root().join("scenarios/burnout.toml")),
                out: Some(dir.join(out)),
                replications: Some(2),
                sets,
                ..sresim::jobs::CommonSpec::default()
            },
            trace: false,
        };
        sresim::jobs::run(&spec).expect("run");
    };
    run("hiring", vec!["people.hiring=\"load\"".into()]);
    assert!(dir.join("hiring/headcount.png").is_file());
    assert!(dir.join("hiring/headcount.svg").is_file());
    run("still", vec!["people.attrition_per_year=0".into()]);
    assert!(
        !dir.join("still/headcount.png").exists(),
        "no head-count chart when nobody comes or goes"
    );
}

#[test]
fn fatigue_slows_an_overloaded_team_and_nothing_else() {
    let burnout = |sets: &[&str]| {
        let mut s = vec!["simulation.replications=3"];
        s.extend(sets);
        crate::support::load("burnout.toml", &s)
    };
    let mean_ttm = |cfg: &ScenarioConfig| {
        MeanCi::of(
            runs(cfg, 3, false)
                .iter()
                .map(|r| r.summary[Metric::TtmHoursMean]),
        )
        .mean
    };
    let rested = burnout(&["people.fatigue_per_ops_load=0"]);
    let tired = burnout(&["people.fatigue_per_ops_load=1"]);
    // Ops load near 150%: a factor of about 1 + (1.5 - 0.5) = 2 on mitigation.
    assert!(mean_ttm(&tired) > 1.5 * mean_ttm(&rested));
    // A team under the cap is not tired at all: the baseline runs as before.
    let plain = crate::support::load("baseline.toml", &["simulation.replications=1"]);
    let with = baseline_with_people(
        "attrition_per_year = 0\nfatigue_per_ops_load = 5",
        &["simulation.replications=1"],
    );
    let (a, b) = (runs(&plain, 1, false), runs(&with, 1, false));
    assert!(
        a[0].summary[Metric::OpsLoadMaxFrac] > 0.5,
        "some weeks over the cap"
    );
    assert!(
        b[0].summary[Metric::TtmHoursMean] >= a[0].summary[Metric::TtmHoursMean],
        "fatigue never speeds anyone up"
    );
}

#[test]
fn cost_is_the_mean_head_count_times_the_cost_of_an_engineer_year() {
    let cfg = crate::support::load(
        "baseline.toml",
        &[
            "simulation.replications=1",
            "simulation.cost_per_engineer_year=250000",
        ],
    );
    let r = &runs(&cfg, 1, false)[0];
    let want = r.summary[Metric::EngineersMean] * 250_000.0;
    assert!(
        (r.summary[Metric::CostPerYear] - want).abs() < 1e-6,
        "{}",
        r.summary[Metric::CostPerYear]
    );
    assert_eq!(r.summary[Metric::CostPerYear], 12.0 * 250_000.0);
}

#[test]
fn planned_hires_join_when_planned_and_are_checked() {
    let cfg = baseline_with_people(
        "attrition_per_year = 0\nhiring = \"plan\"\nramp_up_weeks_min = 4\nramp_up_weeks_max = 4\nplan = [ { week = 10, team = \"core\", site = \"london\", count = 3 }, { week = 200, team = \"core\", site = \"london\" } ]",
        &["simulation.replications=1"],
    );
    let r = &runs(&cfg, 1, true)[0];
    // The second entry falls after the horizon (104 weeks).
    assert_eq!(r.summary[Metric::Hires], 3.0);
    assert_eq!(r.summary[Metric::HeadcountEnd], 15.0);
    let first = r
        .incidents
        .iter()
        .filter(|i| i.responder.contains("-h"))
        .filter_map(|i| i.started_at_hours)
        .fold(f64::INFINITY, f64::min);
    assert!(
        first >= 14.0 * 168.0,
        "on call from week 14, not at hour {first}"
    );
    let bad = |plan: &str| {
        let text = read(&root().join("scenarios/baseline.toml"));
        let at = text.find("[[sites]]").expect("sites");
        let text = format!(
            "{}[people]\nplan = [ {plan} ]\n\n{}",
            &text[..at],
            &text[at..]
        );
        ScenarioSource::parse(&text, "p.toml", "p")
            .and_then(|s| s.resolve(&[]))
            .expect_err("refused")
            .to_string()
    };
    let m = bad("{ week = 1, team = \"nobody\", site = \"london\" }");
    assert!(m.contains("people.plan[0].team: unknown team"), "{m}");
    let m = bad("{ week = 1, team = \"core\", site = \"atlantis\" }");
    assert!(m.contains("people.plan[0].site: unknown site"), "{m}");
}
