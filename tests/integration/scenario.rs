//! The scenario layer: TOML text and `--set` overrides → validated `ScenarioConfig`,
//! and every problem reported with its file position, key path and message.

use std::path::{Path, PathBuf};

use sresim::scenario::{
    Duration, Override, PerPhase, Phase, Problem, ScenarioConfig, ScenarioError, ScenarioSource,
    BASELINE_TOML,
};

use crate::support::MINIMAL;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Parse a fixture under `tests/fixtures/bad/`, with the relative path as origin.
fn fixture(name: &str) -> Result<ScenarioSource, ScenarioError> {
    let path = repo_root().join("tests/fixtures/bad").join(name);
    let text = std::fs::read_to_string(&path).expect("fixture is readable");
    ScenarioSource::parse(&text, &format!("tests/fixtures/bad/{name}"), "fixture")
}

fn sets(texts: &[&str]) -> Vec<Override> {
    texts
        .iter()
        .map(|t| Override::parse(t).expect("override parses"))
        .collect()
}

fn minimal() -> ScenarioSource {
    ScenarioSource::parse(MINIMAL, "minimal.toml", "minimal").expect("minimal parses")
}

/// Resolve `text` with overrides, returning the config or the problems as displayed.
fn resolve_text(text: &str, overrides: &[&str]) -> Result<ScenarioConfig, Vec<String>> {
    let source = ScenarioSource::parse(text, "s.toml", "s").map_err(|e| lines(&e))?;
    source.resolve(&sets(overrides)).map_err(|e| lines(&e))
}

fn lines(e: &ScenarioError) -> Vec<String> {
    e.to_string().lines().map(str::to_owned).collect()
}

fn problems(result: Result<ScenarioConfig, ScenarioError>) -> Vec<Problem> {
    match result {
        Ok(_) => panic!("expected problems, got a valid scenario"),
        Err(ScenarioError::Invalid(problems)) => problems,
        Err(other) => panic!("expected Invalid, got {other}"),
    }
}

fn assert_has(lines: &[String], expected: &str) {
    assert!(
        lines.iter().any(|l| l == expected),
        "missing line\n  {expected}\nin\n  {}",
        lines.join("\n  ")
    );
}

// ---- the bundled baseline and the scenarios folder ----------------------------------

#[test]
fn baseline_resolves_without_overrides() {
    let config = ScenarioSource::baseline()
        .resolve(&[])
        .expect("baseline is valid");
    assert_eq!(config.name, "baseline");
    assert_eq!(config.simulation.horizon_weeks, 104.0);
    assert_eq!(config.simulation.warmup_weeks, 4.0);
    assert_eq!(config.simulation.replications, 20);
    assert_eq!(config.simulation.seed, 7);
    assert_eq!(config.sites.len(), 2);
    assert_eq!(config.teams.len(), 1);
    assert_eq!(config.teams[0].headcount(), 12);
    assert_eq!(config.teams[0].shift_hours, 12.0);
    assert_eq!(config.services.len(), 20);
    let products: std::collections::BTreeSet<&str> =
        config.services.iter().map(|s| s.product.as_str()).collect();
    let stacks: std::collections::BTreeSet<&str> =
        config.services.iter().map(|s| s.stack.as_str()).collect();
    assert_eq!(products.len(), 3);
    assert_eq!(stacks.len(), 3);
}

#[test]
fn baseline_origin_is_the_bundled_label() {
    let source = ScenarioSource::baseline();
    assert_eq!(source.origin(), "<bundled baseline.toml>");
    assert_eq!(source.text(), BASELINE_TOML);
}

/// Pages per week over all services at week `t`: base rate × the multiplier of the
/// phase the service is in (zero before launch and after the last phase).
fn pages_per_week_at(config: &ScenarioConfig, t: f64) -> f64 {
    config
        .services
        .iter()
        .map(|s| {
            let mut start = s.launch_week;
            for (weeks, multiplier) in s.phase_weeks.0.iter().zip(s.page_multiplier.0) {
                if t >= start && t < start + weeks {
                    return s.page_rate_per_week * multiplier;
                }
                start += weeks;
            }
            0.0
        })
        .sum()
}

#[test]
fn baseline_load_stays_between_20_and_30_pages_per_week() {
    let config = ScenarioSource::baseline().resolve(&[]).expect("valid");
    for week in 0..104 {
        let rate = pages_per_week_at(&config, f64::from(week) + 0.5);
        assert!(
            (20.0..=30.0).contains(&rate),
            "week {week}: {rate} pages per week"
        );
    }
}

/// Every `.toml` file under `dir`, recursively, sorted.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("readable scenarios folder") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_scenario_file_validates() {
    let files = toml_files(&repo_root().join("scenarios"));
    assert!(files.iter().any(|f| f.ends_with("baseline.toml")));
    let mut failures = Vec::new();
    for file in &files {
        match ScenarioSource::from_file(file).and_then(|s| s.resolve(&[])) {
            Ok(_) => {}
            Err(e) => failures.push(e.to_string()),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- reading files ------------------------------------------------------------------

#[test]
fn from_file_names_the_missing_path_and_exits_2() {
    let path = repo_root().join("scenarios/no-such-file.toml");
    let err = ScenarioSource::from_file(&path).expect_err("missing file");
    assert!(matches!(err, ScenarioError::Io { .. }));
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("no-such-file.toml"), "{err}");
}

#[test]
fn from_file_uses_the_path_as_origin_and_the_stem_as_default_name() {
    let dir = std::env::temp_dir().join(format!("sresim-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("my-scenario.toml");
    std::fs::write(&path, MINIMAL).expect("write temp scenario");
    let source = ScenarioSource::from_file(&path).expect("readable");
    assert_eq!(source.origin(), path.display().to_string());
    let config = source.resolve(&[]).expect("valid");
    assert_eq!(config.name, "my-scenario");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

// ---- problems in files --------------------------------------------------------------

#[test]
fn syntax_error_reports_line_and_column() {
    let err = fixture("syntax.toml").expect_err("syntax error");
    assert_eq!(err.exit_code(), 1);
    let problems = err.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, Some(5));
    assert_eq!(problems[0].column, Some(16));
    assert_eq!(problems[0].key_path, "");
    assert!(
        problems[0].message.starts_with("TOML syntax error: "),
        "{}",
        problems[0].message
    );
    assert!(err
        .to_string()
        .starts_with("tests/fixtures/bad/syntax.toml:5:16: TOML syntax error: "));
}

#[test]
fn unknown_keys_suggest_the_closest_known_key() {
    let source = fixture("unknown_key.toml").expect("parses");
    let lines = lines(&source.resolve(&[]).expect_err("unknown keys"));
    let f = "tests/fixtures/bad/unknown_key.toml";
    assert_has(
        &lines,
        &format!("{f}:4:2: simulaton: unknown key `simulaton`; did you mean `simulation`?"),
    );
    assert_has(
        &lines,
        &format!(
            "{f}:14:3: teams[core].shift-hours: unknown key `shift-hours`; did you mean `shift_hours`?"
        ),
    );
    assert_has(
        &lines,
        &format!(
            "{f}:23:51: services[checkout].load_profile.of_hours_multiplier: unknown key `of_hours_multiplier`; did you mean `off_hours_multiplier`?"
        ),
    );
    assert_has(
        &lines,
        &format!("{f}:24:1: services[checkout].colour: unknown key `colour`; expected one of: name, product, stack, tier, count, team, site, launch_week, page_rate_per_week, tickets_per_week, hours_per_ticket, slo_target, slo_window_weeks, phase_weeks, page_multiplier, load_profile, severities"),
    );
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{f}:30:22: services[checkout].severities[all].time_to_mitigate.lognrmal: unknown duration kind `lognrmal` (did you mean `lognormal`?)"
        ))),
        "{lines:#?}"
    );
    assert_has(
        &lines,
        &format!("{f}:1:1: simulation: missing required table [simulation]"),
    );
    assert_eq!(lines.len(), 6, "{lines:#?}");
}

#[test]
fn wrong_types_name_what_was_expected_and_what_was_found() {
    let source = fixture("wrong_type.toml").expect("parses");
    let lines = lines(&source.resolve(&[]).expect_err("wrong types"));
    let f = "tests/fixtures/bad/wrong_type.toml";
    for expected in [
        "5:1: simulation.horizon_weeks: expected a number, got the string \"a year\"",
        "6:1: simulation.replications: expected a non-negative integer, got the float 2.5",
        "7:1: simulation.seed: seed must be between 0 and 2^63 - 1; got -1",
        "15:13: teams[core].members.london: expected a non-negative integer, got the string \"eight\"",
        "16:1: teams[core].responders_per_shift: responders_per_shift must be between 1 and 10000 (engineers); got -2",
        "26:1: services[checkout].phase_weeks: expected a table of phase names to numbers, got an array",
        "27:1: services[checkout].severities: expected an array of tables ([[services.severities]]), got a table",
    ] {
        assert_has(&lines, &format!("{f}:{expected}"));
    }
    assert!(lines.iter().any(|l| l.starts_with(&format!(
        "{f}:17:1: teams[core].ack_off_hours: expected a duration ("
    )) && l.ends_with("got the integer 5")));
    // A type error is not also reported as "missing" or "no members".
    assert_eq!(lines.len(), 8, "{lines:#?}");
}

#[test]
fn out_of_range_values_are_each_reported_with_position_and_key_path() {
    let source = fixture("out_of_range.toml").expect("parses");
    let lines = lines(&source.resolve(&[]).expect_err("out of range"));
    let f = "tests/fixtures/bad/out_of_range.toml";
    for expected in [
        "2:1: version: unsupported scenario version 2; this sresim reads version 1",
        "6:1: simulation.warmup_weeks: warmup_weeks must be less than horizon_weeks (10); got 10",
        "13:1: sites[london].name: duplicate site name 'london'; site names must be unique",
        "14:1: sites[london].utc_offset_hours: utc_offset_hours must be between -12 and 14 (hours); got 15",
        "18:25: teams[core].members.paris: unknown site 'paris'; known sites: london",
        "19:1: teams[core].shift_hours: shift_hours must divide 168 (24·7); got 13",
        "23:1: teams[empty].members: team has no members on any site",
        "29:1: services[checkout].team: unknown team 'cor' (did you mean `core`?); known teams: core, empty",
        "30:1: services[checkout].site: unknown site 'tokyo'; known sites: london",
        "31:1: services[checkout].page_rate_per_week: page_rate_per_week must be between 0 and 100000 (pages per week); got -1",
        "33:1: services[checkout].ack: unknown key `ack`; did you mean `stack`?",
        "35:12: services[checkout].severities: severity shares must sum to 1; got 0.9 (sev1 0.5 + sev2 0.4)",
        "39:54: services[checkout].severities[sev1].time_to_mitigate.lognormal.p90_hours: p90_hours must be greater than median_hours (2); got 1",
        "48:1: services[checkout].name: duplicate service name 'checkout'; service names must be unique",
        "53:1: services[checkout].slo_target: slo_target must be strictly between 0 and 1 (e.g. 0.999); got 0",
    ] {
        assert_has(&lines, &format!("{f}:{expected}"));
    }
    assert_eq!(lines.len(), 15, "{lines:#?}");
}

#[test]
fn all_problems_in_different_entries_are_reported_at_once() {
    let source = fixture("many_problems.toml").expect("parses");
    let err = source.resolve(&[]).expect_err("three problems");
    assert_eq!(err.exit_code(), 1);
    let f = "tests/fixtures/bad/many_problems.toml";
    assert_eq!(
        lines(&err),
        vec![
            format!("{f}:14:1: teams[core].shift_huors: unknown key `shift_huors`; did you mean `shift_hours`?"),
            format!("{f}:21:1: services[checkout].page_rate_per_week: expected a number, got the string \"often\""),
            format!("{f}:36:1: services[search].slo_target: slo_target must be strictly between 0 and 1 (e.g. 0.999); got 1.5"),
        ]
    );
}

#[test]
fn problems_carry_structured_fields() {
    let problems = problems(fixture("many_problems.toml").expect("parses").resolve(&[]));
    let slo = &problems[2];
    assert_eq!(slo.origin, "tests/fixtures/bad/many_problems.toml");
    assert_eq!((slo.line, slo.column), (Some(36), Some(1)));
    assert_eq!(slo.key_path, "services[search].slo_target");
    assert!(slo.message.contains("got 1.5"));
    assert_eq!(slo.set_by, None);
}

#[test]
fn missing_required_keys_point_at_the_entry_header() {
    let source = fixture("missing_keys.toml").expect("parses");
    let lines = lines(&source.resolve(&[]).expect_err("missing keys"));
    let f = "tests/fixtures/bad/missing_keys.toml";
    assert_eq!(
        lines,
        vec![
            format!("{f}:1:1: version: missing required key `version`; add `version = 1` at the top"),
            format!("{f}:3:2: simulation.horizon_weeks: missing required key `horizon_weeks`"),
            format!("{f}:6:1: sites[london].utc_offset_hours: missing required key `utc_offset_hours`"),
            format!("{f}:9:1: teams[0].name: missing required key `name`"),
            format!("{f}:12:1: services[checkout].product: missing required key `product`"),
            format!("{f}:12:1: services[checkout].slo_target: missing required key `slo_target`"),
            format!("{f}:12:1: services[checkout].severities: at least one [[services.severities]] entry is required"),
        ]
    );
}

#[test]
fn each_problem_in_one_entry_is_reported() {
    let text = MINIMAL.replace(
        "members = { mountain-view = 3, london = 5 }",
        "members = { mountain-view = 3, london = 5 }\nshift = 8\nhours_per_week = \"40\"\npager_budget = 2\nshift_hours = 10",
    );
    let lines = resolve_text(&text, &[]).expect_err("four problems");
    assert_eq!(
        lines,
        vec![
            "s.toml:17:1: teams[core].shift: unknown key `shift`; did you mean `shift_hours`?",
            "s.toml:18:1: teams[core].hours_per_week: expected a number, got the string \"40\"",
            "s.toml:19:1: teams[core].pager_budget: unknown key `pager_budget`; did you mean `pager_budget_per_shift`?",
            "s.toml:20:1: teams[core].shift_hours: shift_hours must divide 168 (24·7); got 10",
        ]
    );
}

#[test]
fn invalid_numbers_are_rejected() {
    for (set, expected) in [
        (
            "services.checkout.page_rate_per_week=nan",
            "page_rate_per_week must be between 0 and 100000 (pages per week); got nan",
        ),
        (
            "services.checkout.page_rate_per_week=inf",
            "page_rate_per_week must be between 0 and 100000 (pages per week); got inf",
        ),
        (
            "services.checkout.tickets_per_week=-0.5",
            "tickets_per_week must be between 0 and 100000 (tickets per week); got -0.5",
        ),
        (
            "services.checkout.slo_target=1",
            "slo_target must be strictly between 0 and 1 (e.g. 0.999); got 1",
        ),
        (
            "services.checkout.phase_weeks.design=-1",
            "design must be between 0 and 5200 (weeks), or inf; got -1",
        ),
        (
            "services.checkout.page_multiplier.deprecation=inf",
            "deprecation must be between 0 and 1000; got inf",
        ),
        (
            "services.checkout.load_profile={ business_hours_multiplier = 0, off_hours_multiplier = 0 }",
            "business_hours_multiplier and off_hours_multiplier must not both be 0",
        ),
        (
            "services.checkout.severities.sev1.impact_fraction=1.5",
            "impact_fraction must be between 0 and 1; got 1.5",
        ),
        (
            "services.checkout.severities.sev1.time_to_mitigate={ fixed = { hours = -1 } }",
            "hours must be between 0 and 8760 (hours); got -1",
        ),
        (
            "services.checkout.severities.sev1.time_to_mitigate={ exponential = { mean_hours = 0 } }",
            "mean_hours must be between 1/60 (one minute) and 8760 (hours); got 0",
        ),
        (
            "services.checkout.severities.sev1.time_to_mitigate={ lognormal = { median_hours = 2, p90_hours = 2 } }",
            "p90_hours must be greater than median_hours (2); got 2",
        ),
        ("services.checkout.count=0", "count must be between 1 and 10000 (copies); got 0"),
        ("services.checkout.tier=0", "tier must be between 1 and 100; got 0"),
        ("teams.core.shift_hours=0", "shift_hours must be between 0.25 and 168 (hours); got 0"),
        (
            "teams.core.handoff_utc_hour=24",
            "handoff_utc_hour must be >= 0 and < 24 (hour of the day); got 24",
        ),
        (
            "teams.core.responders_per_shift=0",
            "responders_per_shift must be between 1 and 10000 (engineers); got 0",
        ),
        (
            "teams.core.responders_per_shift=9",
            "responders_per_shift (9) exceeds the team's head count (8)",
        ),
        (
            "teams.core.hours_per_week=200",
            "hours_per_week must be between 1 and 168 (hours); got 200",
        ),
        ("teams.core.members={ london = 0 }", "team has no members on any site"),
        (
            "simulation.horizon_weeks=0",
            "horizon_weeks must be between 1/168 (one hour) and 5200 (weeks); got 0",
        ),
        (
            "simulation.replications=0",
            "replications must be between 1 and 100000 (runs); got 0",
        ),
        (
            "simulation.warmup_weeks=-1",
            "warmup_weeks must be between 0 and 5200 (weeks); got -1",
        ),
        (
            "sites.london.utc_offset_hours=-13",
            "utc_offset_hours must be between -12 and 14 (hours); got -13",
        ),
    ] {
        let lines = resolve_text(MINIMAL, &[set]).expect_err(set);
        assert_eq!(lines.len(), 1, "{set}: {lines:#?}");
        assert!(
            lines[0].ends_with(expected),
            "{set}: expected …{expected}\n got {}",
            lines[0]
        );
        assert!(
            lines[0].starts_with(&format!("s.toml: --set {set}: ")),
            "{}",
            lines[0]
        );
    }
}

#[test]
fn empty_sections_are_reported() {
    let text = "version = 1\nsites = []\nteams = 3\n[simulation]\nhorizon_weeks = 1\n";
    let lines = resolve_text(text, &[]).expect_err("empty");
    assert_eq!(
        lines,
        vec![
            "s.toml:1:1: services: at least one [[services]] entry is required",
            "s.toml:2:1: sites: at least one [[sites]] entry is required",
            "s.toml:3:1: teams: expected an array of tables ([[teams]]), got the integer 3",
        ]
    );
}

// ---- conversion to the model --------------------------------------------------------

#[test]
fn omitted_keys_take_their_documented_defaults() {
    let config = minimal().resolve(&[]).expect("valid");
    assert_eq!(config.name, "minimal");
    assert_eq!(config.simulation.warmup_weeks, 0.0);
    assert_eq!(config.simulation.replications, 10);
    assert_eq!(config.simulation.seed, 1);
    let team = &config.teams[0];
    assert_eq!(team.shift_hours, 12.0);
    assert_eq!(team.handoff_utc_hour, 0.0);
    assert_eq!(team.responders_per_shift, 2);
    assert_eq!(team.pager_budget_per_shift, 2);
    assert_eq!(team.hours_per_week, 40.0);
    assert_eq!(team.followup_hours_per_incident, 0.0);
    assert_eq!(team.interrupt_overhead_hours, 0.0);
    assert_eq!(team.ack_business_hours, Duration::Zero);
    assert_eq!(team.ack_off_hours, Duration::Zero);
    let s = &config.services[0];
    assert_eq!(
        (s.name.as_str(), s.block.as_str()),
        ("checkout", "checkout")
    );
    assert_eq!(s.tier, 2);
    assert_eq!(s.site, 0);
    assert_eq!(s.team, 0);
    assert_eq!(s.launch_week, 0.0);
    assert_eq!(s.tickets_per_week, 0.0);
    assert_eq!(s.hours_per_ticket, 0.0);
    assert_eq!(s.slo_window_weeks, 4.0);
    assert_eq!(
        s.phase_weeks,
        PerPhase([0.0, 0.0, 0.0, f64::INFINITY, 0.0, 0.0, 0.0])
    );
    assert_eq!(
        s.page_multiplier,
        PerPhase([0.0, 0.0, 1.5, 1.0, 1.2, 1.0, 0.0])
    );
    assert_eq!(s.business_hours_multiplier, 1.0);
    assert_eq!(s.off_hours_multiplier, 1.0);
    assert_eq!(s.severities.len(), 2);
    assert_eq!(
        s.severities[0].time_to_mitigate,
        Duration::Exponential { mean_hours: 1.0 }
    );
    assert_eq!(s.severities[1].time_to_mitigate, Duration::Zero);
}

#[test]
fn members_keep_the_file_order_and_resolve_site_indices() {
    let config = minimal().resolve(&[]).expect("valid");
    // mountain-view (site 1) is listed before london (site 0) in the file.
    assert_eq!(config.teams[0].members, vec![(1, 3), (0, 5)]);
}

#[test]
fn duration_forms_map_to_model_durations() {
    let config = minimal()
        .resolve(&sets(&[
            "teams.core.ack_business_hours={ fixed = { hours = 0.25 } }",
            "teams.core.ack_off_hours={ lognormal = { median_hours = 1, p90_hours = 3 } }",
        ]))
        .expect("valid");
    assert_eq!(
        config.teams[0].ack_business_hours,
        Duration::Fixed { hours: 0.25 }
    );
    assert_eq!(
        config.teams[0].ack_off_hours,
        Duration::LogNormal {
            median_hours: 1.0,
            p90_hours: 3.0
        }
    );
}

#[test]
fn malformed_durations_are_explained() {
    for (value, expected) in [
        ("\"fixed\"", "`fixed` needs its parameters; expected \"zero\""),
        ("\"never\"", "unknown duration kind `never`; expected \"zero\""),
        ("{}", "a duration table has exactly one key naming the distribution; got 0 keys (none)"),
        (
            "{ fixed = { hours = 1 }, zero = 1 }",
            "a duration table has exactly one key naming the distribution; got 2 keys (fixed, zero)",
        ),
        ("{ zero = {} }", "write a zero duration as the string \"zero\""),
        ("{ exponential = { mean = 2 } }", "unknown key `mean`; did you mean `mean_hours`?"),
        ("{ fixed = 2 }", "expected a table, got the integer 2"),
    ] {
        let set = format!("teams.core.ack_off_hours={value}");
        let lines = resolve_text(MINIMAL, &[&set]).expect_err(&set);
        assert!(
            lines.iter().any(|l| l.contains(expected)),
            "{set}: {lines:#?}"
        );
    }
}

#[test]
fn integers_are_accepted_for_every_number_field() {
    let config = minimal()
        .resolve(&sets(&[
            "services.checkout.slo_window_weeks=2",
            "services.checkout.launch_week=3",
            "teams.core.followup_hours_per_incident=2",
        ]))
        .expect("valid");
    assert_eq!(config.services[0].slo_window_weeks, 2.0);
    assert_eq!(config.services[0].launch_week, 3.0);
    assert_eq!(config.teams[0].followup_hours_per_incident, 2.0);
}

#[test]
fn phase_weeks_accept_inf_and_map_in_lifecycle_order() {
    let config = minimal()
        .resolve(&sets(&[
            "services.checkout.phase_weeks={ design = 1, active_development = 2, limited_availability = 3, general_availability = 4, deprecation = 5, abandoned = 6, unsupported = inf }",
            "services.checkout.page_multiplier={ design = 0.5, unsupported = 0.25 }",
        ]))
        .expect("valid");
    let s = &config.services[0];
    assert_eq!(
        s.phase_weeks,
        PerPhase([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, f64::INFINITY])
    );
    assert_eq!(
        s.page_multiplier,
        PerPhase([0.5, 0.0, 1.5, 1.0, 1.2, 1.0, 0.25])
    );
}

#[test]
fn count_stamps_numbered_copies_of_a_block() {
    let config = minimal()
        .resolve(&sets(&["services.checkout.count=3"]))
        .expect("valid");
    let names: Vec<(&str, &str)> = config
        .services
        .iter()
        .map(|s| (s.name.as_str(), s.block.as_str()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("checkout-1", "checkout"),
            ("checkout-2", "checkout"),
            ("checkout-3", "checkout")
        ]
    );
}

#[test]
fn stamped_names_must_not_collide_with_other_services() {
    let text = format!(
        "{MINIMAL}\n[[services]]\nname = \"checkout-2\"\nproduct = \"shop\"\nstack = \"jvm\"\nteam = \"core\"\npage_rate_per_week = 1\nslo_target = 0.9\nseverities = [{{ name = \"all\", share = 1, impact_fraction = 1, time_to_mitigate = \"zero\" }}]\n"
    );
    let lines = resolve_text(&text, &["services.checkout.count=3"]).expect_err("collision");
    assert_eq!(
        lines,
        vec!["s.toml:39:1: services[checkout-2].name: service name 'checkout-2' is already used by a copy stamped from service block 'checkout'; service names must be unique"]
    );
}

#[test]
fn severity_shares_must_sum_to_one() {
    let lines = resolve_text(MINIMAL, &["services.checkout.severities.sev2.share=0.7"])
        .expect_err("sum 0.95");
    assert_eq!(
        lines,
        vec!["s.toml:26:12: --set services.checkout.severities.sev2.share=0.7: services[checkout].severities: severity shares must sum to 1; got 0.95 (sev1 0.25 + sev2 0.7)"]
    );
}

// ---- overrides ----------------------------------------------------------------------

#[test]
fn override_addresses_array_entries_by_name() {
    let config = minimal()
        .resolve(&sets(&[
            "teams.core.shift_hours=8",
            "services.checkout.page_rate_per_week=3.5",
            "services.checkout.severities.sev1.impact_fraction=0.5",
            "simulation.horizon_weeks=52",
            "services.checkout.phase_weeks.general_availability=10",
        ]))
        .expect("valid");
    assert_eq!(config.teams[0].shift_hours, 8.0);
    assert_eq!(config.services[0].page_rate_per_week, 3.5);
    assert_eq!(config.services[0].severities[0].impact_fraction, 0.5);
    assert_eq!(config.simulation.horizon_weeks, 52.0);
    assert_eq!(
        config.services[0].phase_weeks[Phase::GeneralAvailability],
        10.0
    );
}

#[test]
fn override_sets_a_key_of_a_nested_inline_table() {
    let config = minimal()
        .resolve(&sets(&["teams.core.members.london=4"]))
        .expect("valid");
    assert_eq!(config.teams[0].members, vec![(1, 3), (0, 4)]);
}

#[test]
fn override_creates_missing_intermediate_tables() {
    let config = minimal()
        .resolve(&sets(&[
            "services.checkout.load_profile.off_hours_multiplier=0.5",
        ]))
        .expect("valid");
    assert_eq!(config.services[0].off_hours_multiplier, 0.5);
    assert_eq!(config.services[0].business_hours_multiplier, 1.0);
}

#[test]
fn later_overrides_win() {
    let config = minimal()
        .resolve(&sets(&[
            "teams.core.shift_hours=8",
            "teams.core.shift_hours=24",
        ]))
        .expect("valid");
    assert_eq!(config.teams[0].shift_hours, 24.0);
}

#[test]
fn override_value_falls_back_to_a_bare_string() {
    let config = minimal()
        .resolve(&sets(&["simulation.name=my what-if run"]))
        .expect("valid");
    assert_eq!(config.name, "my what-if run");
}

#[test]
fn override_of_an_unknown_entry_name_lists_the_known_names() {
    let err = minimal()
        .resolve(&sets(&["teams.sre.shift_hours=8"]))
        .expect_err("unknown team");
    assert_eq!(err.exit_code(), 1);
    assert_eq!(
        lines(&err),
        vec!["minimal.toml: --set teams.sre.shift_hours=8: teams: no teams entry named 'sre'; known: core"]
    );
    let lines = resolve_text(MINIMAL, &["services.checkout.severities.sev9.share=1"])
        .expect_err("unknown severity");
    assert_eq!(
        lines,
        vec!["s.toml: --set services.checkout.severities.sev9.share=1: services[checkout].severities: no severities entry named 'sev9'; known: sev1, sev2"]
    );
}

#[test]
fn override_with_an_unknown_key_suggests_and_is_located_at_the_set() {
    let err = minimal()
        .resolve(&sets(&["teams.core.shift_huors=8"]))
        .expect_err("unknown key");
    let problems = err.problems();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].line, None);
    assert_eq!(
        problems[0].set_by.as_deref(),
        Some("teams.core.shift_huors=8")
    );
    assert_eq!(
        err.to_string(),
        "minimal.toml: --set teams.core.shift_huors=8: teams[core].shift_huors: unknown key `shift_huors`; did you mean `shift_hours`?"
    );
}

#[test]
fn override_value_of_the_wrong_type_is_reported_at_the_set() {
    let lines = resolve_text(
        MINIMAL,
        &[
            "services.checkout.page_rate_per_week=often",
            "teams.core.responders_per_shift=1.5",
        ],
    )
    .expect_err("wrong types");
    assert_eq!(
        lines,
        vec![
            "s.toml: --set services.checkout.page_rate_per_week=often: services[checkout].page_rate_per_week: expected a number, got the string \"often\"",
            "s.toml: --set teams.core.responders_per_shift=1.5: teams[core].responders_per_shift: expected a non-negative integer, got the float 1.5",
        ]
    );
}

#[test]
fn override_into_a_non_table_is_a_problem() {
    let lines = resolve_text(MINIMAL, &["simulation.horizon_weeks.max=3"]).expect_err("scalar");
    assert_eq!(
        lines,
        vec!["s.toml: --set simulation.horizon_weeks.max=3: simulation.horizon_weeks: cannot set `max` inside `horizon_weeks`: it holds the integer 10, not a table"]
    );
}

#[test]
fn problem_in_a_file_entry_changed_by_an_override_shows_both() {
    let lines = resolve_text(
        MINIMAL,
        &[
            "teams.core.members.london=0",
            "teams.core.members.mountain-view=0",
        ],
    )
    .expect_err("no members");
    assert_eq!(
        lines,
        vec!["s.toml:16:1: --set teams.core.members.mountain-view=0: teams[core].members: team has no members on any site"]
    );
}

#[test]
fn override_parse_rejects_text_without_a_key_and_exits_2() {
    for text in ["shift_hours", "=3", "teams..core=1", "a b=1"] {
        let err = Override::parse(text).expect_err(text);
        assert!(matches!(err, ScenarioError::BadOverride { .. }), "{text}");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains(text), "{err}");
    }
}

#[test]
fn override_parse_reads_toml_values() {
    let o = Override::parse("teams.core.members={ london = 2 }").expect("parses");
    assert_eq!(o.key(), "teams.core.members");
    assert!(o.value().is_table());
    let o = Override::parse("teams.core.members.\"new york\"=2").expect("quoted key");
    assert_eq!(o.key(), "teams.core.members.\"new york\"");
    assert_eq!(o.value(), &toml::Value::Integer(2));
    assert_eq!(
        Override::parse("simulation.name=\"quoted\"")
            .map(|o| o.value().clone())
            .ok(),
        Some(toml::Value::String("quoted".into()))
    );
}

#[test]
fn override_new_builds_sweep_points() {
    let point = Override::new("teams.core.shift_hours", toml::Value::Integer(13));
    assert_eq!(point.key(), "teams.core.shift_hours");
    let err = minimal()
        .resolve(&[point])
        .expect_err("13 does not divide 168");
    assert_eq!(
        err.to_string(),
        "minimal.toml: --set teams.core.shift_hours=13: teams[core].shift_hours: shift_hours must divide 168 (24·7); got 13"
    );
    let bad_key = Override::new("teams..x", toml::Value::Integer(1));
    let err = minimal().resolve(&[bad_key]).expect_err("empty segment");
    assert!(err.to_string().contains("empty key segment"), "{err}");
}

#[test]
fn resolved_table_holds_the_override_values() {
    let source = minimal();
    let table = source
        .resolved_table(&sets(&["teams.core.shift_hours=8"]))
        .expect("applies");
    let team = &table["teams"].as_array().expect("array")[0];
    assert_eq!(team["shift_hours"], toml::Value::Integer(8));
    // The source itself is unchanged, so overrides can be applied again.
    let again = source.resolved_table(&[]).expect("applies");
    assert!(again["teams"][0].get("shift_hours").is_none());
    let err = source
        .resolved_table(&sets(&["teams.nope.x=1"]))
        .expect_err("unknown entry");
    assert_eq!(err.exit_code(), 1);
}

// ---- display, errors, robustness ----------------------------------------------------

#[test]
fn problem_display_omits_what_is_unknown() {
    let mut p = Problem {
        origin: "scenarios/x.toml".into(),
        line: Some(12),
        column: Some(3),
        key_path: "teams[core].shift_hours".into(),
        message: "shift_hours must divide 168 (24·7); got 13".into(),
        set_by: None,
        set_with: "--set",
    };
    assert_eq!(
        p.to_string(),
        "scenarios/x.toml:12:3: teams[core].shift_hours: shift_hours must divide 168 (24·7); got 13"
    );
    p.line = None;
    p.column = None;
    p.set_by = Some("teams.core.shift_hours=13".into());
    assert_eq!(
        p.to_string(),
        "scenarios/x.toml: --set teams.core.shift_hours=13: teams[core].shift_hours: shift_hours must divide 168 (24·7); got 13"
    );
    p.set_by = None;
    p.key_path.clear();
    assert_eq!(
        p.to_string(),
        "scenarios/x.toml: shift_hours must divide 168 (24·7); got 13"
    );
}

#[test]
fn scenario_source_can_be_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<ScenarioSource>();
    assert_send_sync::<ScenarioError>();
}

/// Deterministic mutations of the baseline text.
fn mutations(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Truncations at 100 evenly spread points.
    for k in 0..100 {
        let mut cut = k * text.len() / 100;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push(text[..cut].to_owned());
    }
    // Deleting one line, for 80 lines spread over the file.
    let lines: Vec<&str> = text.lines().collect();
    for k in 0..80 {
        let drop = k * lines.len() / 80;
        let kept: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != drop)
            .map(|(_, l)| *l)
            .collect();
        out.push(kept.join("\n"));
    }
    // Replacing the value after the n-th "= " by something odd.
    let starts: Vec<usize> = text.match_indices("= ").map(|(i, _)| i + 2).collect();
    let odd = [
        "-1",
        "\"x\"",
        "1e400",
        "nan",
        "-inf",
        "0",
        "99999999999999999999",
        "{}",
        "[]",
    ];
    for k in 0..130 {
        let at = starts[k * starts.len() / 130];
        let end = text[at..]
            .find([',', '\n', '}', ' '])
            .map_or(text.len(), |e| at + e);
        let replacement = odd[k % odd.len()];
        out.push(format!("{}{replacement}{}", &text[..at], &text[end..]));
    }
    out
}

#[test]
fn mutated_baselines_never_panic() {
    let texts = mutations(BASELINE_TOML);
    assert!(texts.len() >= 300);
    let mut invalid = 0;
    for (i, text) in texts.iter().enumerate() {
        let result = ScenarioSource::parse(text, "m.toml", "m").and_then(|s| {
            s.resolve(&[])?;
            // Odd overrides on top must not panic either.
            let odd = sets(&[
                "teams.core.members.london=-1",
                "services.checkout.severities=3",
                "sites={ a = 1 }",
            ]);
            s.resolve(&odd)
        });
        if let Err(e) = result {
            invalid += 1;
            assert!(
                !e.problems().is_empty() || e.exit_code() == 2,
                "mutation {i}: {e}"
            );
            let _ = e.to_string();
        }
    }
    assert!(invalid > 200, "only {invalid} mutations were rejected");
}
#[test]
fn dotted_keys_and_date_times_are_reported_like_other_values() {
    let text = MINIMAL.replace(
        "members = { mountain-view = 3, london = 5 }",
        "members.mountain-view = 3\nmembers.london = \"x\"\nhandoff_utc_hour = 1979-05-27",
    );
    let lines = resolve_text(&text, &[]).expect_err("bad values");
    assert_eq!(
        lines,
        vec![
            "s.toml:17:9: teams[core].members.london: expected a non-negative integer, got the string \"x\"",
            "s.toml:18:1: teams[core].handoff_utc_hour: expected a number, got the date-time 1979-05-27",
        ]
    );
}

#[test]
fn references_are_not_reported_when_their_section_is_missing() {
    let lines = resolve_text(MINIMAL, &["sites=[]"]).expect_err("no sites");
    assert_eq!(
        lines,
        vec!["s.toml: --set sites=[]: sites: at least one [[sites]] entry is required"]
    );
}

#[test]
fn every_scenario_file_says_how_to_run_it_and_is_indexed() {
    let root = repo_root().join("scenarios");
    let index = std::fs::read_to_string(root.join("README.md")).expect("scenarios/README.md");
    for file in toml_files(&root) {
        let rel = file
            .strip_prefix(&root)
            .expect("under scenarios")
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            index.contains(&format!("`{rel}`")),
            "{rel} is not in scenarios/README.md"
        );
        let text = std::fs::read_to_string(&file).expect("readable");
        let header: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
        assert!(
            header
                .iter()
                .any(|l| l.contains("sresim ") && l.contains("scenarios/")),
            "{rel}: its opening comment gives no command"
        );
        assert!(header.iter().any(|l| l.contains('?')), "{rel}: no question");
        // The published sources themselves, and what is an assumption.
        assert!(
            header.iter().any(|l| l.contains("Sources")
                || l.contains("[G]")
                || l.contains("SRE book")
                || l.contains("Workbook")),
            "{rel}: its opening comment names no published source"
        );
        assert!(
            header.iter().any(|l| l.contains("assumption")),
            "{rel}: its opening comment does not say what is an assumption"
        );
        for l in &header {
            for outside in ["DOMAIN.md", "DESIGN.md", "STYLE.md", "../"] {
                assert!(
                    !l.contains(outside),
                    "{rel}: cites a file outside the repository: {l}"
                );
            }
        }
    }
}
