//! The derived organisation: `[organization] structure` turns one SRE head count into
//! one team, a team per product or a team per stack, on the same services and the same
//! random numbers.

use std::collections::BTreeMap;

use sresim::model::{simulate, RunOptions};
use sresim::report::write_run;
use sresim::scenario::{Override, ScenarioConfig, ScenarioSource};

use crate::support::{read, root, temp_dir};

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

fn traced(cfg: &ScenarioConfig) -> sresim::model::RunResult {
    simulate(
        cfg,
        RunOptions {
            trace: true,
            ..RunOptions::default()
        },
    )
    .expect("stable")
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
