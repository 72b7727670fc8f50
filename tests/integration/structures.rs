//! The derived organisation: `[organization] structure` turns one SRE head count into
//! one team, a team per product or a team per stack, on the same services and the same
//! random numbers.

use std::collections::BTreeMap;

use sresim::model::{simulate, RunOptions};
use sresim::report::write_run;
use sresim::scenario::{Override, ScenarioConfig, ScenarioSource};

use crate::support::{read, root, temp_dir, traced};

/// The baseline with an `[organization]` of its own team's rotation and head count.
fn baseline_with_organization(structure: &str, extra: &[&str]) -> ScenarioConfig {
    let text = read(&root().join("scenarios/baseline.toml"));
    let org = format!(
        r#"
[organization]
structure = "{structure}"
members = {{ london = 6, mountain-view = 6 }}
shift_hours = 12
handoff_utc_hour = 6
responders_per_shift = 2
pager_budget_per_shift = 2
hours_per_week = 40
followup_hours_per_incident = 3.5
interrupt_overhead_hours = 1.7
ack_business_hours = {{ lognormal = {{ median_hours = 0.05, p90_hours = 0.15 }} }}
ack_off_hours = {{ lognormal = {{ median_hours = 0.1, p90_hours = 0.33 }} }}
"#
    );
    // The table goes before the first array of tables, as TOML requires.
    let at = text.find("[[sites]]").expect("sites");
    let text = format!("{}{org}\n{}", &text[..at], &text[at..]);
    let overrides: Vec<Override> = extra
        .iter()
        .map(|s| Override::parse(s).expect("override"))
        .collect();
    ScenarioSource::parse(&text, "baseline+organization.toml", "baseline")
        .and_then(|s| s.resolve(&overrides))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn explicit_is_the_default_and_keeps_the_teams() {
    let cfg = baseline_with_organization("explicit", &["simulation.replications=1"]);
    assert_eq!(cfg.teams.len(), 1);
    assert_eq!(cfg.teams[0].name, "core");
}

#[test]
fn a_derived_single_team_behaves_exactly_like_the_explicit_one() {
    let derived = baseline_with_organization("single", &["simulation.replications=2"]);
    assert_eq!(derived.teams.len(), 1);
    assert_eq!(derived.teams[0].name, "sre");
    let mut explicit = baseline_with_organization("explicit", &["simulation.replications=2"]);
    // The same team under the derived team's name, so that the rows can match.
    explicit.teams[0].name = "sre".into();
    let runs = |cfg: &ScenarioConfig| {
        (0..2)
            .map(|r| {
                simulate(
                    cfg,
                    RunOptions {
                        replication: r,
                        trace: true,
                        ..RunOptions::default()
                    },
                )
                .expect("stable")
            })
            .collect::<Vec<_>>()
    };
    let (a, b) = (temp_dir("structure-single"), temp_dir("structure-explicit"));
    let files = write_run(&a, &runs(&derived), true).expect("write");
    write_run(&b, &runs(&explicit), true).expect("write");
    for f in files {
        assert!(
            read(&a.join(&f)) == read(&b.join(&f)),
            "{f} differs between the derived and the explicit single team"
        );
    }
}

/// Each service's page times, by service.
fn arrivals(cfg: &ScenarioConfig) -> BTreeMap<String, Vec<u64>> {
    let mut out: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for i in traced(cfg).incidents {
        out.entry(i.service.clone())
            .or_default()
            .push(i.paged_at_hours.to_bits());
    }
    out
}

#[test]
fn changing_only_the_structure_leaves_every_service_s_incidents_identical() {
    let single = arrivals(&baseline_with_organization("single", &[]));
    assert!(
        single.len() > 10,
        "services with incidents: {}",
        single.len()
    );
    for structure in ["by_product", "by_stack", "explicit"] {
        let other = arrivals(&baseline_with_organization(structure, &[]));
        assert!(
            single == other,
            "{structure}: some service's incidents changed"
        );
    }
}

#[test]
fn a_split_conserves_head_count_and_services_by_product_or_stack() {
    for (structure, key) in [("by_product", 0), ("by_stack", 1)] {
        let cfg = baseline_with_organization(structure, &[]);
        let label = |s: &sresim::scenario::ServiceConfig| {
            if key == 0 {
                s.product.clone()
            } else {
                s.stack.clone()
            }
        };
        let mut labels: Vec<String> = cfg.services.iter().map(label).collect();
        labels.dedup();
        labels.sort();
        labels.dedup();
        let mut names: Vec<String> = cfg.teams.iter().map(|t| t.name.clone()).collect();
        names.sort();
        assert_eq!(names, labels, "{structure}: one team per {structure}");
        for s in &cfg.services {
            assert_eq!(cfg.teams[s.team].name, label(s), "{structure}: {}", s.name);
        }
        for site in 0..cfg.sites.len() {
            let n: u32 = cfg
                .teams
                .iter()
                .flat_map(|t| &t.members)
                .filter(|&&(s, _)| s == site)
                .map(|&(_, n)| n)
                .sum();
            assert_eq!(n, 6, "{structure}: site {site} keeps its 6 engineers");
        }
        for t in &cfg.teams {
            assert!(t.headcount() >= t.responders_per_shift, "{}", t.name);
            assert_eq!(t.shift_hours, 12.0, "the template's rotation");
        }
    }
}

#[test]
fn proportional_sharing_follows_the_load_and_equal_does_not() {
    let cfg = baseline_with_organization("by_product", &[]);
    let heads: Vec<u32> = cfg.teams.iter().map(|t| t.headcount()).collect();
    let load = |team: usize| -> f64 {
        cfg.services
            .iter()
            .filter(|s| s.team == team)
            .map(|s| s.page_rate_per_week)
            .sum()
    };
    let busiest = (0..cfg.teams.len())
        .max_by(|&a, &b| load(a).total_cmp(&load(b)))
        .expect("teams");
    assert_eq!(
        heads[busiest],
        *heads.iter().max().expect("teams"),
        "the busiest product gets the most engineers: {heads:?}"
    );
    let equal = baseline_with_organization("by_product", &["organization.share=\"equal\""]);
    let heads: Vec<u32> = equal.teams.iter().map(|t| t.headcount()).collect();
    assert!(
        heads.iter().max().expect("teams") - heads.iter().min().expect("teams") <= 2,
        "{heads:?}"
    );
}

#[test]
fn an_organization_too_small_for_its_teams_is_a_located_problem() {
    let text = read(&root().join("scenarios/baseline.toml"));
    let at = text.find("[[sites]]").expect("sites");
    let org = "[organization]\nstructure = \"by_stack\"\nmembers = { london = 2, mountain-view = 1 }\nresponders_per_shift = 2\n\n";
    let text = format!("{}{org}{}", &text[..at], &text[at..]);
    let e = ScenarioSource::parse(&text, "small.toml", "small")
        .and_then(|s| s.resolve(&[]))
        .expect_err("refused");
    let m = e.to_string();
    assert!(m.contains("organization.members"), "{m}");
    assert!(
        m.contains("3 engineers cannot staff 3 teams of at least 2"),
        "{m}"
    );
    let bad = text.replace("\"by_stack\"", "\"by_team\"");
    let e = ScenarioSource::parse(&bad, "bad.toml", "bad")
        .and_then(|s| s.resolve(&[]))
        .expect_err("refused");
    assert!(
        e.to_string()
            .contains("expected one of explicit, single, by_product, by_stack"),
        "{e}"
    );
}

#[test]
fn regression_an_out_of_range_template_value_is_a_problem_not_a_panic() {
    // Found by the property test: a value out of its range must stop the derivation
    // (it would share engineers by an infinite weight).
    let text = read(&root().join("tests/fixtures/structures/by_product.toml"));
    let text = text.replacen(
        "followup_hours_per_incident = 3.5",
        "followup_hours_per_incident = 1e308",
        1,
    );
    let e = ScenarioSource::parse(&text, "by_product.toml", "by_product")
        .and_then(|s| s.resolve(&[]))
        .expect_err("refused");
    assert!(
        e.to_string()
            .contains("organization.followup_hours_per_incident"),
        "{e}"
    );
}

/// Mean of a summary metric over `n` replications.
fn mean_over(cfg: &ScenarioConfig, n: u64, m: sresim::model::Metric) -> f64 {
    let sum: f64 = (0..n)
        .map(|r| {
            simulate(
                cfg,
                RunOptions {
                    replication: r,
                    ..RunOptions::default()
                },
            )
            .expect("stable")
            .summary[m]
        })
        .sum();
    sum / n as f64
}

#[test]
fn with_familiarity_a_split_by_stack_mitigates_faster_than_one_by_product() {
    use sresim::model::Metric;
    // The baseline's products span stacks: a team per product carries several stacks
    // and is slower on all but its main one; a team per stack carries one.
    let slow = ["organization.unfamiliar_ttm_factor=2"];
    let by_stack = baseline_with_organization("by_stack", &slow);
    let by_product = baseline_with_organization("by_product", &slow);
    let (s, p) = (
        mean_over(&by_stack, 4, Metric::TtmHoursMean),
        mean_over(&by_product, 4, Metric::TtmHoursMean),
    );
    assert!(
        p > 1.1 * s,
        "time to mitigate: by stack {s:.3} h, by product {p:.3} h"
    );
    // Without familiarity the two differ only by queueing: close.
    let by_stack = baseline_with_organization("by_stack", &[]);
    let by_product = baseline_with_organization("by_product", &[]);
    let (s, p) = (
        mean_over(&by_stack, 4, Metric::TtmHoursMean),
        mean_over(&by_product, 4, Metric::TtmHoursMean),
    );
    assert!(
        (p / s - 1.0).abs() < 0.05,
        "by stack {s:.3} h, by product {p:.3} h"
    );
}

#[test]
fn context_switches_and_coordination_cost_exactly_their_hours() {
    use sresim::model::Metric;
    // One team carrying the baseline's 3 stacks and 3 products: 2 + 2 extra, at 1 h each.
    let base = baseline_with_organization("single", &["simulation.replications=1"]);
    let cs = baseline_with_organization(
        "single",
        &[
            "organization.context_switch_hours=1",
            "simulation.replications=1",
        ],
    );
    let one = |cfg: &ScenarioConfig| simulate(cfg, RunOptions::default()).expect("stable");
    let (b, c) = (one(&base), one(&cs));
    assert_eq!(b.summary[Metric::ContextSwitchHoursPerEngineerWeek], 0.0);
    let per = c.summary[Metric::ContextSwitchHoursPerEngineerWeek];
    assert!((per - 4.0).abs() < 1e-9, "{per}");
    let lost = b.summary[Metric::ProjectHoursPerEngineerWeek]
        - c.summary[Metric::ProjectHoursPerEngineerWeek];
    assert!((lost - 4.0).abs() < 1e-9, "project hours lost: {lost}");
    // Three teams by product, each syncing with the two others at 2 h a week each
    // (a head count large enough that no week's project time runs out).
    let big = [
        "organization.members.london=20",
        "organization.members.mountain-view=20",
    ];
    let base = baseline_with_organization("by_product", &big);
    let mut with_sync = big.to_vec();
    with_sync.push("organization.cross_team_hours=2");
    let sync = baseline_with_organization("by_product", &with_sync);
    let (b, c) = (one(&base), one(&sync));
    for (tb, tc) in b.teams.iter().zip(&c.teams) {
        let lost =
            tb[Metric::ProjectHoursPerEngineerWeek] - tc[Metric::ProjectHoursPerEngineerWeek];
        assert!((lost - 4.0).abs() < 1e-9, "{}: {lost}", tb.team);
    }
}

#[test]
fn a_team_below_the_minimum_rotation_is_flagged_every_week() {
    use sresim::model::Metric;
    let weeks = |sets: &[&str]| {
        let mut s = vec!["simulation.replications=1"];
        s.extend(sets);
        let cfg = baseline_with_organization("explicit", &s);
        simulate(&cfg, RunOptions::default())
            .expect("stable")
            .summary[Metric::UnderstaffedWeeks]
    };
    // The baseline: 104 weeks, 4 of warm-up, 6 per site on two sites.
    assert_eq!(weeks(&[]), 0.0);
    assert_eq!(weeks(&["teams.core.min_rotation_per_site=7"]), 100.0);
    let one_site = [
        "teams.core.members.mountain-view=0",
        "teams.core.members.london=7",
    ];
    assert_eq!(weeks(&one_site), 100.0, "7 at one site is below 8");
    let eight = [
        "teams.core.members.mountain-view=0",
        "teams.core.members.london=8",
    ];
    assert_eq!(weeks(&eight), 0.0);
}

#[test]
fn the_most_loaded_engineer_shows_an_uneven_rotation() {
    use sresim::model::Metric;
    let run = |sets: &[&str]| {
        let mut s = vec!["simulation.replications=1"];
        s.extend(sets);
        let cfg = baseline_with_organization("explicit", &s);
        let r = simulate(&cfg, RunOptions::default()).expect("stable");
        (
            r.summary[Metric::OncallHoursMaxEngineerWeek],
            r.summary[Metric::OncallTimeFrac] * 168.0,
        )
    };
    // 6 and 6: every engineer takes the same share of a round-robin rotation.
    let (max, mean) = run(&[]);
    assert!(
        max >= mean - 1e-9 && max < 1.05 * mean,
        "max {max}, mean {mean}"
    );
    // 6 and 2: the two at mountain-view are both on call for every shift they cover.
    let (max, mean) = run(&["teams.core.members.mountain-view=2"]);
    assert!(max > 1.5 * mean, "max {max}, mean {mean}");
}

#[test]
fn a_derived_team_at_one_site_takes_the_single_site_shifts() {
    let two_sites =
        baseline_with_organization("by_product", &["organization.single_site_shift_hours=24"]);
    assert!(
        two_sites.teams.iter().all(|t| t.shift_hours == 12.0),
        "follow-the-sun"
    );
    let one_site = baseline_with_organization(
        "by_product",
        &[
            "organization.single_site_shift_hours=24",
            "organization.members.mountain-view=0",
            "organization.members.london=12",
        ],
    );
    assert!(one_site.teams.iter().all(|t| t.shift_hours == 24.0));
    let e = ScenarioSource::parse(
        &read(&root().join("tests/fixtures/structures/by_product.toml")),
        "by_product.toml",
        "by_product",
    )
    .and_then(|s| {
        s.resolve(&[Override::parse("organization.single_site_shift_hours=10").expect("set")])
    })
    .expect_err("10 does not divide 168");
    assert!(e.to_string().contains("must divide 168"), "{e}");
}
