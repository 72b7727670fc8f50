//! `[[growth]]`: services launched from a template block at a rate per quarter, expanded
//! into ordinary services while the scenario is validated.

use std::collections::BTreeMap;

use sresim::model::RunResult;
use sresim::scenario::ScenarioConfig;

use crate::support::{line_of, problem_at, problems_of, read, resolves, root, traced, MINIMAL};

/// Weeks in a quarter, the period of `per_quarter`.
const QUARTER_WEEKS: f64 = 13.0;

/// The 1-based line of the first line of `text` at or after line `from` that contains
/// `needle`.
fn line_after(text: &str, needle: &str, from: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{needle} not in the text after line {from}"))
}

/// `MINIMAL` with `[[growth]]` entries appended, each given by its keys.
fn minimal_with(entries: &[&str]) -> String {
    let mut text = MINIMAL.to_owned();
    for e in entries {
        text.push_str(&format!("\n[[growth]]\n{e}\n"));
    }
    text
}

/// The baseline with `[[growth]]` entries appended.
fn baseline_with(entries: &[&str]) -> String {
    let mut text = read(&root().join("scenarios/baseline.toml"));
    for e in entries {
        text.push_str(&format!("\n[[growth]]\n{e}\n"));
    }
    text
}

/// The launched services of `cfg` (those after the first `stamped`): name and week.
fn launched(cfg: &ScenarioConfig, stamped: usize) -> Vec<(String, f64)> {
    cfg.services[stamped..]
        .iter()
        .map(|s| (s.name.clone(), s.launch_week))
        .collect()
}

/// Page times (hours) and severities of every incident of each service.
fn pages_by_service(run: &RunResult) -> BTreeMap<String, Vec<(f64, String)>> {
    let mut out: BTreeMap<String, Vec<(f64, String)>> = BTreeMap::new();
    for i in &run.incidents {
        out.entry(i.service.clone())
            .or_default()
            .push((i.paged_at_hours, i.severity.clone()));
    }
    out
}

#[test]
fn growth_is_reproducible_and_follows_the_seed() {
    let text = minimal_with(&["template = \"checkout\"\nper_quarter = 2\njitter_weeks = 6"]);
    let sets = ["simulation.horizon_weeks=104"];
    let a = launched(&resolves(&text, &sets), 1);
    let b = launched(&resolves(&text, &sets), 1);
    assert_eq!(a, b, "the same scenario and seed launch the same services");
    assert_eq!(a.len(), 16, "2 a quarter for 8 quarters");
    let names: Vec<String> = (1..=16).map(|k| format!("checkout-g-{k}")).collect();
    assert_eq!(a.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(), names);
    let other = launched(
        &resolves(
            &text,
            &["simulation.horizon_weeks=104", "simulation.seed=2"],
        ),
        1,
    );
    assert_eq!(
        other.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        a.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        "the count does not depend on the seed here"
    );
    assert_ne!(
        other.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        a.iter().map(|(_, w)| *w).collect::<Vec<_>>(),
        "another seed draws other weeks"
    );
}

#[test]
fn launches_per_quarter_follow_floor_accumulation() {
    let text = minimal_with(&[
        "template = \"checkout\"\nper_quarter = 1.5\nstart_week = 10\nend_week = 62\njitter_weeks = 4\nprefix = \"web-new\"",
    ]);
    let cfg = resolves(&text, &["simulation.horizon_weeks=200"]);
    let weeks = launched(&cfg, 1);
    let mut per_quarter = [0; 4];
    for (k, (name, week)) in weeks.iter().enumerate() {
        assert_eq!(name, &format!("web-new-{}", k + 1));
        let q = ((week - 10.0) / QUARTER_WEEKS).floor();
        assert!(
            (0.0..4.0).contains(&q),
            "week {week} outside the four quarters"
        );
        let start = 10.0 + q * QUARTER_WEEKS;
        assert!(
            *week >= start && *week < start + 4.0,
            "week {week} outside [{start}, {start} + jitter)"
        );
        per_quarter[q as usize] += 1;
    }
    assert_eq!(per_quarter, [1, 2, 1, 2]);
    assert!(
        weeks.windows(2).all(|w| w[0].1 <= w[1].1),
        "named in launch order"
    );
    // Launched services are the template's first stamped service under another name.
    let template = &cfg.services[0];
    for s in &cfg.services[1..] {
        let mut copy = s.clone();
        copy.name = template.name.clone();
        copy.launch_week = template.launch_week;
        assert_eq!(&copy, template);
        assert_eq!(s.block, "checkout");
    }
    // An end inside a quarter, and the horizon, stop launches at and after them.
    for (sets, stop) in [
        (
            vec!["simulation.horizon_weeks=200", "growth.0.end_week=50"],
            50.0,
        ),
        (
            vec!["simulation.horizon_weeks=40", "growth.*.end_week=62"],
            40.0,
        ),
    ] {
        let cut = launched(&resolves(&text, &sets), 1);
        assert!(!cut.is_empty());
        assert!(cut.iter().all(|(_, w)| *w < stop), "{sets:?}: {cut:?}");
        // The launches before the stop are those of the longer run.
        assert_eq!(cut[..], weeks[..cut.len()], "{sets:?}");
    }
}

#[test]
fn a_rate_of_zero_or_a_start_past_the_horizon_launches_nothing() {
    let text = minimal_with(&["template = \"checkout\"\nper_quarter = 0"]);
    assert_eq!(resolves(&text, &[]).services.len(), 1);
    let text = minimal_with(&["template = \"checkout\"\nper_quarter = 5\nstart_week = 10"]);
    assert_eq!(
        resolves(&text, &[]).services.len(),
        1,
        "horizon is 10 weeks"
    );
}

#[test]
fn adding_growth_leaves_the_existing_incidents_identical() {
    let sets = ["simulation.horizon_weeks=52", "simulation.warmup_weeks=0"];
    let plain = resolves(&baseline_with(&[]), &sets);
    let grown = resolves(
        &baseline_with(&[
            "template = \"checkout\"\nper_quarter = 2\njitter_weeks = 4",
            "template = \"tiles\"\nper_quarter = 0.5",
        ]),
        &sets,
    );
    assert_eq!(grown.services.len(), plain.services.len() + 8 + 2);
    let (before, after) = (
        pages_by_service(&traced(&plain)),
        pages_by_service(&traced(&grown)),
    );
    for s in &plain.services {
        assert_eq!(
            before.get(&s.name),
            after.get(&s.name),
            "{}: the same pages at the same times",
            s.name
        );
    }
    let new_pages: usize = grown.services[plain.services.len()..]
        .iter()
        .filter_map(|s| after.get(&s.name).map(Vec::len))
        .sum();
    assert!(new_pages > 0, "the launched services page too");
}

#[test]
fn launched_services_page_only_after_launch_and_their_early_phases() {
    // ads-ml-pipeline spends 8 weeks in design and 12 in active development, at the
    // default page multiplier of 0 in both.
    let text =
        baseline_with(&["template = \"ads-ml-pipeline\"\nper_quarter = 1\njitter_weeks = 13"]);
    let cfg = resolves(&text, &["simulation.warmup_weeks=0"]);
    let stamped = cfg.services.len() - 8;
    let run = traced(&cfg);
    let pages = pages_by_service(&run);
    let mut paging = 0;
    for s in &cfg.services[stamped..] {
        assert!(s.name.starts_with("ads-ml-pipeline-g-"), "{}", s.name);
        let quiet_until = (s.launch_week + 8.0 + 12.0) * 168.0;
        let first = pages
            .get(&s.name)
            .and_then(|p| p.iter().map(|(t, _)| *t).reduce(f64::min));
        if let Some(first) = first {
            paging += 1;
            assert!(
                first >= quiet_until,
                "{} launched at week {} paged at hour {first}",
                s.name,
                s.launch_week
            );
        }
    }
    assert!(paging >= 3, "the early launches reach production and page");
}

#[test]
fn growth_problems_are_reported_at_their_key_with_the_line() {
    let text = minimal_with(&[
        "template = \"checkout\"\nper_quater = 2",
        "template = \"chekout\"\nper_quarter = 1",
        "template = \"checkout\"\nper_quarter = 2000",
        "template = \"checkout\"\nper_quarter = 1\njitter_weeks = 14",
        "template = \"checkout\"\nper_quarter = 1\nstart_week = 20\nend_week = 10",
        "template = \"checkout\"\nper_quarter = \"two\"",
        "per_quarter = 1",
        "template = \"checkout\"\nper_quarter = 1\nprefix = \"a/b\"",
    ]);
    let problems = problems_of(&text, &[]);
    let growth_line = |i: usize| {
        let mut at = 0;
        for _ in 0..=i {
            at = line_after(&text, "[[growth]]", at + 1);
        }
        at
    };
    for (i, key, needle, message) in [
        (
            0,
            "per_quater",
            "per_quater",
            "unknown key `per_quater`; did you mean `per_quarter`?",
        ),
        (
            1,
            "template",
            "template",
            "unknown service block 'chekout' (did you mean `checkout`?); known service blocks: checkout",
        ),
        (
            2,
            "per_quarter",
            "per_quarter",
            "per_quarter must be between 0 and 1000 (services per quarter); got 2000",
        ),
        (
            3,
            "jitter_weeks",
            "jitter_weeks",
            "jitter_weeks must be between 0 and 13 (weeks); got 14",
        ),
        (
            4,
            "end_week",
            "end_week",
            "end_week must be at least start_week (20); got 10",
        ),
        (
            5,
            "per_quarter",
            "per_quarter",
            "expected a number, got the string \"two\"",
        ),
        (6, "template", "[[growth]]", "missing required key `template`"),
        (
            7,
            "prefix",
            "prefix",
            "prefix 'a/b' contains '/' at character 2; names are 1 to 64 characters: letters, digits, spaces and - _ . (not only dots, no space at either end)",
        ),
    ] {
        let p = problem_at(&problems, &format!("growth[{i}].{key}"));
        assert_eq!(p.message, message, "growth[{i}]");
        assert_eq!(
            p.line,
            Some(line_after(&text, needle, growth_line(i))),
            "growth[{i}].{key}"
        );
    }
    let shown = problem_at(&problems, "growth[3].jitter_weeks").to_string();
    assert!(
        shown.starts_with(&format!("s.toml:{}:", growth_line(3) + 3)),
        "{shown}"
    );
    // Not an array of tables.
    let p = problems_of(&format!("growth = 3\n{MINIMAL}"), &[]);
    let p = problem_at(&p, "growth");
    assert_eq!(
        p.message,
        "expected an array of tables ([[growth]]), got the integer 3"
    );
    assert_eq!(p.line, Some(1));
}

#[test]
fn a_launched_name_that_is_taken_is_a_problem_at_the_prefix() {
    let text = minimal_with(&["template = \"checkout\"\nper_quarter = 1\nprefix = \"checkout\""]);
    let p = problems_of(&text, &["services.checkout.count=3"]);
    let p = problem_at(&p, "growth[0].prefix");
    assert_eq!(
        p.message,
        "launched service name 'checkout-1' is already used by a copy stamped from service block 'checkout'; service names must be unique: choose another prefix"
    );
    assert_eq!(p.line, Some(line_of(&text, "prefix =")));
    // Two entries on one template need their own prefixes.
    let text = minimal_with(&[
        "template = \"checkout\"\nper_quarter = 1",
        "template = \"checkout\"\nper_quarter = 2",
    ]);
    let p = problems_of(&text, &[]);
    assert_eq!(
        problem_at(&p, "growth[1].prefix").message,
        "launched service name 'checkout-g-1' is already used by growth[0]; service names must be unique: choose another prefix"
    );
    let ok = resolves(&text, &["growth.1.prefix=checkout-h"]);
    assert_eq!(ok.services.len(), 1 + 1 + 2);
}

#[test]
fn growth_cannot_pass_the_limit_on_services() {
    let text = minimal_with(&["template = \"checkout\"\nper_quarter = 1000"]);
    let p = problems_of(&text, &["simulation.horizon_weeks=5200"]);
    let p = problem_at(&p, "growth");
    assert_eq!(
        p.message,
        "the number of services after growth must be between 1 and 10000 (services); got more than 10000 (1 before this [[growth]] entry)"
    );
    assert_eq!(p.line, Some(line_of(&text, "[[growth]]")));
    // 1 + 1000 × 9 quarters (the ninth starts at week 104) fits.
    let cfg = resolves(&text, &["simulation.horizon_weeks=105"]);
    assert_eq!(cfg.services.len(), 9001);
}

#[test]
fn growth_entries_are_addressed_by_index_or_all_at_once() {
    let text = minimal_with(&[
        "template = \"checkout\"\nper_quarter = 1",
        "template = \"checkout\"\nper_quarter = 1\nprefix = \"other\"",
    ]);
    let count = |sets: &[&str]| resolves(&text, sets).services.len() - 1;
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["growth.1.per_quarter=3"]), 4);
    assert_eq!(count(&["growth.*.per_quarter=3"]), 6);
    let p = problems_of(&text, &["growth.0.per_quarter=-1"]);
    let p = problem_at(&p, "growth[0].per_quarter");
    assert_eq!(p.set_by.as_deref(), Some("growth.0.per_quarter=-1"));
    let p = problems_of(&text, &["growth.2.per_quarter=1"]);
    assert!(
        p.iter().any(|p| p
            .message
            .contains("entries have no names: address one by its index, 0 to 1")),
        "{p:#?}"
    );
}

#[test]
fn derived_teams_carry_the_launched_services() {
    // Two stacks with one service each; growth adds three more on the jvm stack.
    let search = "\n[[services]]\nname = \"search\"\nproduct = \"shop\"\nstack = \"go\"\nteam = \"core\"\npage_rate_per_week = 1\nslo_target = 0.999\nseverities = [{ name = \"sev1\", share = 1, impact_fraction = 1, time_to_mitigate = { exponential = { mean_hours = 1 } } }]\n";
    let organization = "[organization]\nstructure = \"by_stack\"\nmembers = { london = 12, mountain-view = 12 }\n\n[[teams]]";
    let plain = format!("{MINIMAL}{search}").replace("[[teams]]", organization);
    let grown = format!("{plain}\n[[growth]]\ntemplate = \"checkout\"\nper_quarter = 3\n");
    let heads = |cfg: &ScenarioConfig| -> Vec<(String, u32)> {
        cfg.teams
            .iter()
            .map(|t| (t.name.clone(), t.headcount()))
            .collect()
    };
    let before = resolves(&plain, &[]);
    let after = resolves(&grown, &[]);
    assert_eq!(after.services.len(), 5);
    let jvm = after.teams.iter().position(|t| t.name == "jvm");
    assert!(
        after.services[2..].iter().all(|s| Some(s.team) == jvm),
        "the launched services go to the jvm team"
    );
    let (b, a) = (heads(&before), heads(&after));
    assert_eq!(b[0].0, "jvm");
    assert!(
        a[0].1 > b[0].1 && a[1].1 < b[1].1,
        "engineers follow the launched services: {b:?} → {a:?}"
    );
}
