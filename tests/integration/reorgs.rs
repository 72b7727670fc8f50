//! Teams that split or merge during a run (`organization.split_when`, `merge_when`):
//! nothing is lost (head count and services are conserved), pages follow the pager to
//! the new team, a split waits until the head count allows two rotations, and every
//! re-organisation is a row of `reorgs.csv`.

use std::collections::{BTreeMap, BTreeSet};

use sresim::engine::calendar::HOURS_PER_WEEK;
use sresim::model::{Metric, ReorgKind, RunResult};
use sresim::scenario::{ScenarioError, ScenarioSource};

use crate::support::{load, read, root, run, sresim, temp_dir, traced, with_table};

/// `scenarios/structures.toml` (40 services over 4 products and 3 stacks, 24 SREs at
/// two sites), shortened, with `sets` on top.
fn structures(sets: &[&str]) -> sresim::scenario::ScenarioConfig {
    let mut all = vec![
        "simulation.horizon_weeks=12",
        "simulation.warmup_weeks=0",
        "simulation.replications=3",
    ];
    all.extend_from_slice(sets);
    load("structures.toml", &all)
}

/// Head count at the end, summed over the teams.
fn headcount(r: &RunResult) -> f64 {
    r.teams.iter().map(|t| t[Metric::HeadcountEnd]).sum()
}

#[test]
fn a_split_conserves_head_count_and_services() {
    let cfg = structures(&["organization.split_when.services_over=20"]);
    for r in run(&cfg) {
        assert_eq!(r.reorgs.len(), 1, "{:?}", r.reorgs);
        let split = &r.reorgs[0];
        assert_eq!(
            (split.kind, split.teams_before.as_str()),
            (ReorgKind::Split, "sre")
        );
        assert_eq!(split.teams_after, "sre;sre-2");
        assert_eq!(split.week, 0, "due at the first week's end");
        // java 14, go 14, python 12: the second-largest stack moves.
        assert_eq!(split.lines_moved, "go");
        assert_eq!(split.services_moved, 14);
        // 35% of each site's 12, raised to the minimum of 6 per site.
        assert_eq!(split.engineers_moved, 12);
        assert_eq!(headcount(&r), 24.0, "nobody lost or counted twice");
        assert_eq!(r.services.len(), 40);
        for s in &r.services {
            let expected = if s.stack == "go" { "sre-2" } else { "sre" };
            assert_eq!(s.team, expected, "{}", s.service);
        }
        assert_eq!(r.summary[Metric::Reorgs], 1.0);
        let per_team: Vec<f64> = r.teams.iter().map(|t| t[Metric::Reorgs]).collect();
        assert_eq!(per_team, vec![1.0, 1.0]);
    }
}

#[test]
fn after_a_split_the_moved_services_pages_go_to_the_new_team_and_its_engineers() {
    let cfg = structures(&["organization.split_when.services_over=20"]);
    let r = traced(&cfg);
    let at = HOURS_PER_WEEK; // the end of week 0
    let stack: BTreeMap<&str, &str> = r
        .services
        .iter()
        .map(|s| (s.service.as_str(), s.stack.as_str()))
        .collect();
    let mut responders: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut after = 0;
    for inc in r.incidents.iter().filter(|i| i.paged_at_hours >= at) {
        after += 1;
        let expected = if stack[inc.service.as_str()] == "go" {
            "sre-2"
        } else {
            "sre"
        };
        assert_eq!(inc.team, expected, "{inc:?}");
        if inc.started_at_hours.is_some_and(|s| s >= at) {
            responders
                .entry(inc.team.as_str())
                .or_default()
                .insert(inc.responder.as_str());
        }
    }
    assert!(after > 300, "{after} incidents after the split");
    let (a, b) = (&responders["sre"], &responders["sre-2"]);
    assert!(
        a.is_disjoint(b),
        "an engineer answers for both teams: {a:?} {b:?}"
    );
    assert!(b.len() > 4 && a.len() > 4, "{a:?} {b:?}");
}

#[test]
fn a_split_waits_until_the_head_count_allows_two_rotations() {
    // 12 per site cannot make two rotations of 7 per site.
    let cfg = structures(&[
        "organization.split_when.services_over=20",
        "organization.min_rotation_per_site=7",
    ]);
    for r in run(&cfg) {
        assert!(r.reorgs.is_empty(), "{:?}", r.reorgs);
        assert_eq!(r.teams.len(), 1);
        assert_eq!(r.summary[Metric::Reorgs], 0.0);
    }
}

#[test]
fn a_team_over_the_ops_cap_for_long_enough_splits_along_products() {
    // Three times the pages: the single team is far over the 50% ops cap.
    let cfg = structures(&[
        "services.*.page_rate_per_week=4",
        "organization.split_when.ops_cap_weeks=3",
        "organization.split_when.along=\"product\"",
    ]);
    for r in run(&cfg) {
        assert_eq!(r.reorgs.len(), 1, "{:?}", r.reorgs);
        let split = &r.reorgs[0];
        assert_eq!(split.week, 2, "after three weeks over the cap");
        assert!(split.reason.contains("ops cap"), "{}", split.reason);
        let products: BTreeSet<&str> = split.lines_moved.split(';').collect();
        let moved: BTreeSet<&str> = r
            .services
            .iter()
            .filter(|s| s.team == "sre-2")
            .map(|s| s.product.as_str())
            .collect();
        assert_eq!(products, moved);
        assert_eq!(moved.len(), 2, "two of the four products move");
        assert_eq!(headcount(&r), 24.0);
    }
}

#[test]
fn understaffed_teams_merge_until_one_rotation_is_staffed() {
    // 12 SREs cut into four product teams of three: all under the minimum.
    let cfg = structures(&[
        "organization.structure=\"by_product\"",
        "organization.members.london=6",
        "organization.members.mountain-view=6",
        "organization.merge_when.understaffed_weeks=2",
    ]);
    for r in run(&cfg) {
        let kinds: Vec<ReorgKind> = r.reorgs.iter().map(|x| x.kind).collect();
        assert_eq!(kinds, [ReorgKind::Merge; 3], "{:?}", r.reorgs);
        // Two pairs after two weeks, then the two halves, still short, after two more.
        let weeks: Vec<u64> = r.reorgs.iter().map(|x| x.week).collect();
        assert_eq!(weeks, [1, 1, 3]);
        assert_eq!(r.reorgs[2].teams_before, "storefront;search");
        // Per site 6 shared 2, 2, 1, 1: the storefront-payments half has 8 and takes the 4 of
        // the other half.
        assert_eq!(r.reorgs[2].engineers_moved, 4);
        assert_eq!(headcount(&r), 12.0);
        let holders: BTreeSet<&str> = r.services.iter().map(|s| s.team.as_str()).collect();
        assert_eq!(holders, BTreeSet::from(["storefront"]));
        // Every page after the last merge goes to the one team left.
        let last = r.weekly.iter().filter(|w| w.week > 4);
        for w in last {
            if w.team != "storefront" {
                assert_eq!((w.incidents, w.headcount), (0, 0), "{w:?}");
            }
        }
    }
}

#[test]
fn a_merged_team_writes_no_weeks_after_it_is_gone() {
    let cfg = structures(&[
        "organization.structure=\"by_product\"",
        "organization.members.london=6",
        "organization.members.mountain-view=6",
        "organization.merge_when.understaffed_weeks=2",
        "simulation.replications=1",
    ]);
    let r = &run(&cfg)[0];
    let last_week = |team: &str| {
        r.weekly
            .iter()
            .filter(|w| w.team == team)
            .map(|w| w.week)
            .max()
    };
    assert_eq!(last_week("storefront"), Some(11));
    assert_eq!(
        last_week("payments"),
        Some(1),
        "merged at the end of week 1"
    );
    assert_eq!(last_week("search"), Some(3));
}

#[test]
fn without_rules_nobody_reorganises_and_reorgs_csv_has_only_its_header() {
    let dir = temp_dir("reorg-header");
    let out = dir.join("out");
    let o = sresim(&[
        "run",
        "scenarios/baseline.toml",
        "--quiet",
        "--no-charts",
        "--out",
        &out.to_string_lossy(),
        "--set",
        "simulation.replications=1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        read(&out.join("reorgs.csv")),
        "point,replication,week,kind,teams_before,teams_after,lines_moved,services_moved,engineers_moved,reason\n"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_cli_writes_reorgs_csv_and_says_how_often_teams_split() {
    let dir = temp_dir("reorg-cli");
    let out = dir.join("out");
    let o = sresim(&[
        "run",
        "scenarios/structures.toml",
        "--no-charts",
        "--out",
        &out.to_string_lossy(),
        "--set",
        "simulation.replications=2",
        "--set",
        "simulation.horizon_weeks=8",
        "--set",
        "organization.split_when.services_over=20",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("re-organisations per replication (mean): 1 splits, 0 merges"),
        "{stdout}"
    );
    let csv = read(&out.join("reorgs.csv"));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("0,1,0,split,sre,sre;sre-2,go,14,12,"), "{csv}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn split_and_merge_rules_are_checked_where_they_are_written() {
    let path = root().join("scenarios/structures.toml");
    let text = read(&path);
    let cases = [
        (
            "[organization.split_when]\nalong = \"stack\"\n",
            "organization.split_when",
            "needs a trigger",
        ),
        (
            "[organization.split_when]\nservices_over = 3\nalong = \"team\"\n",
            "organization.split_when.along",
            "expected one of stack, product",
        ),
        (
            "[organization.merge_when]\nunderstaffed_weeks = 0\n",
            "organization.merge_when.understaffed_weeks",
            "between 1 and 520",
        ),
        (
            "[organization.merge_when]\nweeks = 3\n",
            "organization.merge_when.weeks",
            "unknown key",
        ),
    ];
    for (table, key, says) in cases {
        // The rule's table goes right after [organization]'s keys.
        let file = with_table(&text, table);
        let err = ScenarioSource::parse(&file, "structures.toml", "structures")
            .and_then(|s| s.resolve(&[]))
            .expect_err(table);
        let ScenarioError::Invalid(problems) = &err else {
            panic!("{err}");
        };
        let p = problems
            .iter()
            .find(|p| p.key_path == key)
            .unwrap_or_else(|| panic!("no problem at {key}: {err}"));
        assert!(p.message.contains(says), "{}", p.message);
        assert!(p.line.is_some(), "{p:?}");
    }
}

#[test]
fn regression_a_split_under_engagement_grows_the_engagement_state_and_keeps_the_pagers() {
    // A split with developer teams after the SRE teams used to index past the
    // engagement's per-team state; the moved services must stay with the new team
    // through their next phase changes.
    let cfg = load(
        "lifecycle.toml",
        &[
            "simulation.replications=2",
            "simulation.horizon_weeks=60",
            "organization.split_when.services_over=5",
            "teams.core.min_rotation_per_site=2",
        ],
    );
    for r in run(&cfg) {
        assert_eq!(r.reorgs.len(), 1, "{:?}", r.reorgs);
        assert_eq!(r.reorgs[0].lines_moved, "go");
        // Every later change of pager of a service SRE carried at the split (the six in
        // general availability from the start) names the team that took it. Services
        // onboarded later go to the team their scenario names.
        let split_at = 168.0;
        let carried = |name: &str| name.starts_with("checkout") || name.starts_with("search");
        for e in r
            .engagements
            .iter()
            .filter(|e| e.at_hours > split_at && carried(&e.service))
        {
            let service = r
                .services
                .iter()
                .find(|s| s.service == e.service)
                .expect("service");
            let sre = if service.stack == "go" {
                "core-2"
            } else {
                "core"
            };
            for side in [&e.from, &e.to] {
                if side.contains("core") {
                    assert!(
                        side.split(['+', '/']).any(|t| t == sre),
                        "{e:?} ({})",
                        service.stack
                    );
                }
            }
        }
        let heads: f64 = r
            .teams
            .iter()
            .filter(|t| t.kind == "sre")
            .map(|t| t[Metric::HeadcountEnd])
            .sum();
        assert_eq!(heads, 12.0);
    }
}
