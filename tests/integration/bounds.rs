//! Input bounds: every number of a scenario has a range (one table,
//! `sresim::scenario::ranges::RANGES`, also listed in the README), names cannot leave
//! the output folder or carry control characters, sweep plans are counted exactly and
//! bounded, and the messages say what is wrong and where. Each regression test is named
//! after the input that used to be accepted and then panicked, hung, ran out of memory,
//! or gave an unhelpful message.

use std::path::{Path, PathBuf};

use sresim::jobs::{self, CommonSpec, RunSpec};
use sresim::scenario::ranges::{self, KeyRange, RANGES};
use sresim::scenario::{show_number, Override, ScenarioError, ScenarioSource};
use sresim::sweep::plan::{self, SweepPlan};
use sresim::sweep::{check_plan, parse_vary, PlanError};

use crate::support::{
    line_of, problem_at, problems_of, read, resolves, root, source, temp_dir, MINIMAL,
};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write scenario");
    path
}

// ---- every number has a range -------------------------------------------------------

#[test]
fn regression_shift_hours_1e12_is_refused() {
    let p = problems_of(MINIMAL, &["teams.core.shift_hours=1e12"]);
    let p = problem_at(&p, "teams[core].shift_hours");
    assert_eq!(
        p.message,
        "shift_hours must be between 0.25 and 168 (hours); got 1e12"
    );
    assert_eq!(p.set_by.as_deref(), Some("teams.core.shift_hours=1e12"));
    // The same value in the file is reported at its line.
    let text = MINIMAL.replace(
        "members = { mountain-view = 3, london = 5 }",
        "members = { mountain-view = 3, london = 5 }\nshift_hours = 1e12",
    );
    let problems = problems_of(&text, &[]);
    let p = problem_at(&problems, "teams[core].shift_hours");
    assert_eq!(p.line, Some(line_of(&text, "shift_hours = 1e12")));
    assert_eq!(p.set_by, None);
}

#[test]
fn regression_shift_hours_tiny_values_are_refused() {
    for x in ["1e-300", "1e-7", "1e-12", "0.2"] {
        let set = format!("teams.core.shift_hours={x}");
        let p = problems_of(MINIMAL, &[&set]);
        let p = problem_at(&p, "teams[core].shift_hours");
        assert_eq!(
            p.message,
            format!("shift_hours must be between 0.25 and 168 (hours); got {x}")
        );
    }
}

#[test]
fn regression_members_4294967295_is_refused() {
    let p = problems_of(MINIMAL, &["teams.core.members.london=4294967295"]);
    let p = problem_at(&p, "teams[core].members.london");
    assert_eq!(
        p.message,
        "the head count at london must be between 0 and 10000 (engineers); got 4294967295"
    );
}

#[test]
fn regression_slo_window_1e_9_and_1e_300_are_refused() {
    for x in ["1e-9", "1e-300", "0.1"] {
        let set = format!("services.checkout.slo_window_weeks={x}");
        let p = problems_of(MINIMAL, &[&set]);
        let p = problem_at(&p, "services[checkout].slo_window_weeks");
        assert_eq!(
            p.message,
            format!("slo_window_weeks must be between 1/7 (one day) and 260 (weeks); got {x}")
        );
    }
}

#[test]
fn regression_page_rate_1e9_and_multiplier_1e308_are_refused() {
    let p = problems_of(MINIMAL, &["services.checkout.page_rate_per_week=1e9"]);
    assert_eq!(
        problem_at(&p, "services[checkout].page_rate_per_week").message,
        "page_rate_per_week must be between 0 and 100000 (pages per week); got 1e9"
    );
    let p = problems_of(
        MINIMAL,
        &["services.checkout.page_multiplier.general_availability=1e308"],
    );
    assert_eq!(
        problem_at(
            &p,
            "services[checkout].page_multiplier.general_availability"
        )
        .message,
        "general_availability must be between 0 and 1000; got 1e308"
    );
    let p = problems_of(
        MINIMAL,
        &["services.checkout.load_profile.business_hours_multiplier=1e308"],
    );
    assert_eq!(
        problem_at(
            &p,
            "services[checkout].load_profile.business_hours_multiplier"
        )
        .message,
        "business_hours_multiplier must be between 0 and 1000; got 1e308"
    );
}

#[test]
fn regression_replications_4294967295_is_refused() {
    let p = problems_of(MINIMAL, &["simulation.replications=4294967295"]);
    assert_eq!(
        problem_at(&p, "simulation.replications").message,
        "replications must be between 1 and 100000 (runs); got 4294967295"
    );
}

/// How to set each entry of the table on `MINIMAL`: `{}` stands for the value. Extra
/// overrides make room for a bound (a head count for the most responders, the other
/// share for a share of 0 or 1); `at_min`/`at_max` say whether the bound itself can be
/// given alone (the warm-up must stay below the horizon's maximum, a log-normal's p90
/// above its median).
struct Setter {
    key: &'static str,
    set: &'static str,
    extra_min: &'static [&'static str],
    extra_max: &'static [&'static str],
    at_min: bool,
    at_max: bool,
}

const fn setter(key: &'static str, set: &'static str) -> Setter {
    Setter {
        key,
        set,
        extra_min: &[],
        extra_max: &[],
        at_min: true,
        at_max: true,
    }
}

/// Entries that are counts of entries or of points, tested by their own tests below.
const COUNTED: &[&str] = &[
    "sites",
    "teams",
    "teams.members",
    "teams.members (all teams)",
    "services",
    "services.severities",
    "sweep.axes (values of one axis)",
    "sweep points (grid or sample)",
    "sweep.sample",
];

fn setters() -> Vec<Setter> {
    const DURATION: &str = "teams.core.ack_off_hours=";
    vec![
        setter("simulation.horizon_weeks", "simulation.horizon_weeks={}"),
        Setter {
            at_max: false,
            ..setter("simulation.warmup_weeks", "simulation.warmup_weeks={}")
        },
        setter("simulation.replications", "simulation.replications={}"),
        setter("simulation.seed", "simulation.seed={}"),
        setter("sites.utc_offset_hours", "sites.london.utc_offset_hours={}"),
        Setter {
            extra_max: &["teams.core.members.mountain-view=0"],
            ..setter("teams.members.<site>", "teams.core.members.london={}")
        },
        setter("teams.shift_hours", "teams.core.shift_hours={}"),
        setter("teams.handoff_utc_hour", "teams.core.handoff_utc_hour={}"),
        Setter {
            extra_max: &[
                "teams.core.members.london=10000",
                "teams.core.members.mountain-view=0",
            ],
            ..setter(
                "teams.responders_per_shift",
                "teams.core.responders_per_shift={}",
            )
        },
        setter(
            "teams.pager_budget_per_shift",
            "teams.core.pager_budget_per_shift={}",
        ),
        setter("teams.hours_per_week", "teams.core.hours_per_week={}"),
        setter(
            "teams.followup_hours_per_incident",
            "teams.core.followup_hours_per_incident={}",
        ),
        setter(
            "teams.interrupt_overhead_hours",
            "teams.core.interrupt_overhead_hours={}",
        ),
        setter("teams.on_call_from_week", "teams.core.on_call_from_week={}"),
        setter("people.attrition_per_year", "people.attrition_per_year={}"),
        Setter {
            extra_max: &["people.attrition_multiplier_burnout=100"],
            ..setter(
                "people.attrition_multiplier_bad",
                "people.attrition_multiplier_bad={}",
            )
        },
        Setter {
            extra_min: &["people.attrition_multiplier_bad=1"],
            ..setter(
                "people.attrition_multiplier_burnout",
                "people.attrition_multiplier_burnout={}",
            )
        },
        Setter {
            extra_max: &["people.ramp_up_weeks_max=520"],
            ..setter("people.ramp_up_weeks_min", "people.ramp_up_weeks_min={}")
        },
        Setter {
            extra_min: &["people.ramp_up_weeks_min=0"],
            ..setter("people.ramp_up_weeks_max", "people.ramp_up_weeks_max={}")
        },
        setter("people.trigger_weeks", "people.trigger_weeks={}"),
        Setter {
            extra_max: &["people.lead_time_weeks_max=520"],
            ..setter(
                "people.lead_time_weeks_min",
                "people.lead_time_weeks_min={}",
            )
        },
        Setter {
            extra_min: &["people.lead_time_weeks_min=0"],
            ..setter(
                "people.lead_time_weeks_max",
                "people.lead_time_weeks_max={}",
            )
        },
        setter("people.headcount_ceiling", "people.headcount_ceiling={}"),
        setter(
            "people.plan.week",
            "people.plan=[{ week = {}, team = \"core\", site = \"london\" }]",
        ),
        setter(
            "people.plan.count",
            "people.plan=[{ week = 1, team = \"core\", site = \"london\", count = {} }]",
        ),
        setter(
            "people.fatigue_per_ops_load",
            "people.fatigue_per_ops_load={}",
        ),
        setter(
            "simulation.cost_per_engineer_year",
            "simulation.cost_per_engineer_year={}",
        ),
        setter(
            "organization.single_site_shift_hours",
            "organization.single_site_shift_hours={}",
        ),
        Setter {
            // At 0 the size trigger is off: the load trigger must be on.
            extra_min: &["organization.split_when.ops_cap_weeks=1"],
            ..setter(
                "organization.split_when.services_over",
                "organization.split_when.services_over={}",
            )
        },
        Setter {
            extra_min: &["organization.split_when.services_over=1"],
            ..setter(
                "organization.split_when.ops_cap_weeks",
                "organization.split_when.ops_cap_weeks={}",
            )
        },
        setter(
            "organization.merge_when.understaffed_weeks",
            "organization.merge_when.understaffed_weeks={}",
        ),
        setter("engagement.review_weeks", "engagement.review_weeks={}"),
        setter(
            "engagement.consultation_hours",
            "engagement.consultation_hours={}",
        ),
        setter("engagement.prr_sres", "engagement.prr_sres={}"),
        setter("engagement.prr_weeks", "engagement.prr_weeks={}"),
        setter(
            "engagement.prr_hours_per_sre_week",
            "engagement.prr_hours_per_sre_week={}",
        ),
        setter(
            "engagement.prr_pass_probability",
            "engagement.prr_pass_probability={}",
        ),
        setter(
            "engagement.prr_page_rate_factor",
            "engagement.prr_page_rate_factor={}",
        ),
        setter(
            "engagement.prr_retry_weeks",
            "engagement.prr_retry_weeks={}",
        ),
        setter(
            "engagement.onboarding_max_tier",
            "engagement.onboarding_max_tier={}",
        ),
        setter("engagement.dev_share", "engagement.dev_share={}"),
        setter("engagement.cleanup_hours", "engagement.cleanup_hours={}"),
        setter(
            "engagement.dev_mitigation_factor",
            "engagement.dev_mitigation_factor={}",
        ),
        setter(
            "engagement.handback_windows",
            "engagement.handback_windows={}",
        ),
        setter("engagement.takeback_weeks", "engagement.takeback_weeks={}"),
        setter("engagement.overload_weeks", "engagement.overload_weeks={}"),
        setter(
            "engagement.empower_hours_per_week",
            "engagement.empower_hours_per_week={}",
        ),
        setter("engagement.empower_weeks", "engagement.empower_weeks={}"),
        setter(
            "engagement.empowered_dev_factor",
            "engagement.empowered_dev_factor={}",
        ),
        setter(
            "engagement.empower_page_rate_factor",
            "engagement.empower_page_rate_factor={}",
        ),
        setter(
            "engagement.budget_policy.change_share",
            "engagement.budget_policy.change_share={}",
        ),
        setter(
            "engagement.budget_policy.named_engineer_hours",
            "engagement.budget_policy.named_engineer_hours={}",
        ),
        setter(
            "engagement.budget_policy.push_hours",
            "engagement.budget_policy.push_hours={}",
        ),
        setter(
            "engagement.budget_policy.freeze_weeks",
            "engagement.budget_policy.freeze_weeks={}",
        ),
        setter("reliability.project_share", "reliability.project_share={}"),
        setter("reliability.cut_per_100h", "reliability.cut_per_100h={}"),
        setter("reliability.floor", "reliability.floor={}"),
        setter(
            "reliability.drift_per_week",
            "reliability.drift_per_week={}",
        ),
        setter("reliability.ceiling", "reliability.ceiling={}"),
        setter(
            "teams.unfamiliar_ttm_factor",
            "teams.core.unfamiliar_ttm_factor={}",
        ),
        setter(
            "teams.context_switch_hours",
            "teams.core.context_switch_hours={}",
        ),
        setter(
            "teams.coordination_hours",
            "teams.core.coordination_hours={}",
        ),
        setter("teams.cross_team_hours", "teams.core.cross_team_hours={}"),
        setter(
            "teams.min_rotation_single_site",
            "teams.core.min_rotation_single_site={}",
        ),
        setter(
            "teams.min_rotation_per_site",
            "teams.core.min_rotation_per_site={}",
        ),
        setter(
            "<duration>.fixed.hours",
            const_format(DURATION, "{ fixed = { hours = {} } }"),
        ),
        setter(
            "<duration>.exponential.mean_hours",
            const_format(DURATION, "{ exponential = { mean_hours = {} } }"),
        ),
        Setter {
            at_max: false,
            ..setter(
                "<duration>.lognormal.median_hours",
                const_format(
                    DURATION,
                    "{ lognormal = { median_hours = {}, p90_hours = 8760 } }",
                ),
            )
        },
        Setter {
            at_min: false,
            ..setter(
                "<duration>.lognormal.p90_hours",
                const_format(
                    DURATION,
                    "{ lognormal = { median_hours = 0.1, p90_hours = {} } }",
                ),
            )
        },
        setter("services.count", "services.checkout.count={}"),
        setter("services.tier", "services.checkout.tier={}"),
        setter("services.launch_week", "services.checkout.launch_week={}"),
        setter(
            "services.page_rate_per_week",
            "services.checkout.page_rate_per_week={}",
        ),
        setter(
            "services.tickets_per_week",
            "services.checkout.tickets_per_week={}",
        ),
        setter(
            "services.hours_per_ticket",
            "services.checkout.hours_per_ticket={}",
        ),
        setter("services.slo_target", "services.checkout.slo_target={}"),
        setter(
            "services.slo_window_weeks",
            "services.checkout.slo_window_weeks={}",
        ),
        setter(
            "services.phase_weeks.<phase>",
            "services.checkout.phase_weeks.design={}",
        ),
        setter(
            "services.page_multiplier.<phase>",
            "services.checkout.page_multiplier.design={}",
        ),
        setter(
            "services.load_profile.business_hours_multiplier",
            "services.checkout.load_profile.business_hours_multiplier={}",
        ),
        setter(
            "services.load_profile.off_hours_multiplier",
            "services.checkout.load_profile.off_hours_multiplier={}",
        ),
        Setter {
            extra_min: &["services.checkout.severities.sev2.share=1"],
            extra_max: &["services.checkout.severities.sev2.share=0"],
            ..setter(
                "services.severities.share",
                "services.checkout.severities.sev1.share={}",
            )
        },
        setter(
            "services.severities.impact_fraction",
            "services.checkout.severities.sev1.impact_fraction={}",
        ),
        setter(
            "growth.per_quarter",
            "growth=[{ template = \"checkout\", per_quarter = {} }]",
        ),
        setter(
            "growth.start_week",
            "growth=[{ template = \"checkout\", per_quarter = 1, start_week = {} }]",
        ),
        setter(
            "growth.end_week",
            "growth=[{ template = \"checkout\", per_quarter = 1, end_week = {} }]",
        ),
        setter(
            "growth.jitter_weeks",
            "growth=[{ template = \"checkout\", per_quarter = 1, jitter_weeks = {} }]",
        ),
    ]
}

/// `prefix` + `rest`, leaked into a `&'static str` (test data only).
fn const_format(prefix: &str, rest: &str) -> &'static str {
    Box::leak(format!("{prefix}{rest}").into_boxed_str())
}

/// A value as override text: integers for counts, compact numbers otherwise.
fn text(r: &KeyRange, x: f64) -> String {
    if r.integer {
        if x >= 9.2e18 {
            i64::MAX.to_string()
        } else {
            format!("{}", x as i64)
        }
    } else {
        show_number(x)
    }
}

#[test]
fn every_range_entry_is_enforced_at_and_beyond_its_bounds() {
    let setters = setters();
    for r in RANGES {
        assert!(
            setters.iter().any(|s| s.key == r.key) || COUNTED.contains(&r.key),
            "no test sets {}",
            r.key
        );
    }
    for s in &setters {
        let r = RANGES
            .iter()
            .find(|r| r.key == s.key)
            .unwrap_or_else(|| panic!("{} is not in RANGES", s.key));
        let step = if r.integer {
            1.0
        } else {
            (r.max - r.min) * 1e-6
        };
        let below = if r.min_exclusive { r.min } else { r.min - step };
        let above = if r.max_exclusive { r.max } else { r.max + step };
        let is_seed = r.key == "simulation.seed";
        let mut out_of_range = vec![below];
        if !is_seed {
            // A seed above 2^63 - 1 is not a TOML integer at all.
            out_of_range.push(above);
        }
        for x in out_of_range {
            let set = s.set.replace("{}", &text(r, x));
            let problems = problems_of(MINIMAL, &[&set]);
            assert!(
                problems.iter().any(|p| p.message.contains(" must be ")
                    && p.message.ends_with(&format!("; got {}", text(r, x)))
                    && (r.unit.is_empty() || p.message.contains(&format!("({})", r.unit)))),
                "{set}: {problems:#?}"
            );
        }
        if s.at_min && !r.min_exclusive {
            let set = s.set.replace("{}", &text(r, r.min));
            let mut sets = vec![set.as_str()];
            sets.extend(s.extra_min);
            resolves(MINIMAL, &sets);
        }
        if s.at_max && !r.max_exclusive {
            let set = s.set.replace("{}", &text(r, r.max));
            let mut sets = vec![set.as_str()];
            sets.extend(s.extra_max);
            resolves(MINIMAL, &sets);
        }
        if r.or_infinite {
            let set = s.set.replace("{}", "inf");
            resolves(MINIMAL, &[&set]);
        }
    }
}

#[test]
fn regression_entry_counts_are_bounded() {
    // 1001 sites.
    let mut text = MINIMAL.to_owned();
    for i in 0..1000 {
        text.push_str(&format!(
            "\n[[sites]]\nname = \"s{i}\"\nutc_offset_hours = 0\n"
        ));
    }
    let p = problems_of(&text, &[]);
    assert_eq!(
        problem_at(&p, "sites").message,
        "the number of [[sites]] entries must be between 1 and 1000 (entries); got 1002"
    );
    // More than 10000 services after stamping.
    let p = problems_of(
        &format!(
            "{MINIMAL}\n[[services]]\nname = \"more\"\nproduct = \"p\"\nstack = \"s\"\nteam = \"core\"\npage_rate_per_week = 1\nslo_target = 0.9\nseverities = [{{ name = \"all\", share = 1, impact_fraction = 1, time_to_mitigate = \"zero\" }}]\n"
        ),
        &["services.checkout.count=10000"],
    );
    assert_eq!(
        problem_at(&p, "services").message,
        "the number of services after stamping copies must be between 1 and 10000 (services); got 10001"
    );
    // A team of more than 10000.
    let p = problems_of(
        MINIMAL,
        &["teams.core.members={ london = 6000, mountain-view = 6000 }"],
    );
    assert_eq!(
        problem_at(&p, "teams[core].members").message,
        "the team's head count must be between 1 and 10000 (engineers); got 12000"
    );
    // More than 100000 engineers in all.
    let mut text = MINIMAL.to_owned();
    for i in 0..10 {
        text.push_str(&format!(
            "\n[[teams]]\nname = \"t{i}\"\nmembers = {{ london = 10000 }}\n"
        ));
    }
    let p = problems_of(&text, &[]);
    assert_eq!(
        problem_at(&p, "teams").message,
        "engineers in all teams must be between 1 and 100000 (engineers); got 100008"
    );
    // 101 severities.
    let entries: Vec<String> = (0..101)
        .map(|i| {
            format!(
                "{{ name = \"s{i}\", share = 0, impact_fraction = 1, time_to_mitigate = \"zero\" }}"
            )
        })
        .collect();
    let set = format!("services.checkout.severities=[{}]", entries.join(", "));
    let p = problems_of(MINIMAL, &[&set]);
    assert_eq!(
        problem_at(&p, "services[checkout].severities").message,
        "the number of [[services.severities]] entries must be between 1 and 100 (entries); got 101"
    );
}

#[test]
fn values_at_the_bounds_run_without_panic() {
    let dir = temp_dir("bounds-at-the-bounds");
    let path = write(&dir, "edge.toml", MINIMAL);
    let cases: [&[&str]; 3] = [
        // The shortest horizon, shifts, SLO windows and random durations.
        &[
            "simulation.horizon_weeks=0.005952380952380952",
            "teams.core.shift_hours=0.25",
            "services.checkout.slo_window_weeks=0.14285714285714285",
            "teams.core.ack_off_hours={ lognormal = { median_hours = 0.016666666666666666, p90_hours = 8760 } }",
            "teams.core.ack_business_hours={ exponential = { mean_hours = 0.016666666666666666 } }",
            "services.checkout.severities.sev1.time_to_mitigate={ fixed = { hours = 8760 } }",
        ],
        // The largest multipliers, over a week with one-day SLO windows.
        &[
            "simulation.horizon_weeks=1",
            "services.checkout.page_rate_per_week=0.01",
            "services.checkout.page_multiplier.general_availability=1000",
            "services.checkout.load_profile={ business_hours_multiplier = 1000, off_hours_multiplier = 0 }",
            "services.checkout.slo_window_weeks=0.14285714285714285",
            "teams.core.shift_hours=168",
            "teams.core.hours_per_week=1",
            "teams.core.followup_hours_per_incident=8760",
            "teams.core.on_call_from_week=5200",
            "teams.core.interrupt_overhead_hours=168",
            "services.checkout.tickets_per_week=100000",
            "services.checkout.hours_per_ticket=8760",
        ],
        // The largest page rate (in limited availability, at 1.5 times), over one hour;
        // phases, offsets and the seed at their bounds. (The largest rate times the
        // largest multiplier is finite but far beyond what a team can answer: the run
        // refuses it as an unstable queue, as it should.)
        &[
            "simulation.horizon_weeks=0.005952380952380952",
            "services.checkout.page_rate_per_week=100000",
            "services.checkout.phase_weeks={ design = 0, limited_availability = 5200, general_availability = inf }",
            "services.checkout.launch_week=0",
            "teams.core.pager_budget_per_shift=10000",
            "sites.london.utc_offset_hours=14",
            "sites.mountain-view.utc_offset_hours=-12",
            "teams.core.handoff_utc_hour=23.999",
            "simulation.seed=9223372036854775807",
        ],
    ];
    for (i, sets) in cases.iter().enumerate() {
        let spec = RunSpec {
            common: CommonSpec {
                scenario: Some(path.clone()),
                out: Some(dir.join(format!("out-{i}"))),
                replications: Some(1),
                sets: sets.iter().map(|s| s.to_string()).collect(),
                threads: 1,
                no_charts: true,
                ..CommonSpec::default()
            },
            trace: false,
        };
        let result = std::panic::catch_unwind(|| jobs::run(&spec));
        match result {
            Ok(Ok(report)) => assert_eq!(report.runs.len(), 1, "case {i}"),
            Ok(Err(e)) => panic!("case {i}: values at the bounds were refused: {e}"),
            Err(_) => panic!("case {i}: values at the bounds panicked"),
        }
    }
}

// ---- names -------------------------------------------------------------------------

#[test]
fn regression_simulation_name_path_traversal_is_refused() {
    for (name, needle) in [
        ("../../X", "contains '/' at character 3"),
        ("/etc/x", "contains '/' at character 1"),
        ("..", "only dots"),
        (".", "only dots"),
        ("a\\\\b", "contains '\\' at character 2"),
        ("", "must not be empty"),
    ] {
        let set = format!("simulation.name=\"{name}\"");
        let p = problems_of(MINIMAL, &[&set]);
        let p = problem_at(&p, "simulation.name");
        assert!(
            p.message.contains(needle) && p.message.contains("letters, digits, spaces and - _ ."),
            "{name}: {}",
            p.message
        );
        assert_eq!(p.set_by.as_deref(), Some(set.as_str()));
        // In the file: at the line of the name.
        let text = MINIMAL.replace(
            "[simulation]\n",
            &format!("[simulation]\nname = \"{name}\"\n"),
        );
        let problems = problems_of(&text, &[]);
        let p = problem_at(&problems, "simulation.name");
        assert_eq!(p.line, Some(line_of(&text, "name = \"")), "{name}");
    }
}

#[test]
fn regression_every_name_is_bounded_and_checked() {
    let long = "x".repeat(65);
    for (set, what) in [
        ("simulation.name", "name"),
        ("sites.london.name", "name"),
        ("teams.core.name", "name"),
        ("services.checkout.name", "name"),
        ("services.checkout.product", "product"),
        ("services.checkout.stack", "stack"),
        ("services.checkout.severities.sev1.name", "name"),
    ] {
        let set = format!("{set}={long}");
        let problems = problems_of(MINIMAL, &[&set]);
        let p = problems
            .iter()
            .find(|p| {
                p.message
                    .starts_with(&format!("{what} is 65 characters long"))
            })
            .unwrap_or_else(|| panic!("{set}: {problems:#?}"));
        assert!(
            p.key_path.ends_with(&format!(".{what}")),
            "{set}: {}",
            p.key_path
        );
        assert_eq!(p.set_by.as_deref(), Some(set.as_str()));
    }
    // 64 characters are fine.
    let ok = format!("simulation.name={}", "y".repeat(64));
    assert_eq!(resolves(MINIMAL, &[&ok]).name.len(), 64);
}

#[test]
fn regression_control_characters_in_names_are_refused() {
    for (c, shown) in [
        ('\u{0}', "\\u{0}"),
        ('\u{7}', "\\u{7}"),
        ('\u{1b}', "\\u{1b}"),
        ('\u{ffff}', "\\u{ffff}"),
        ('\n', "\\u{a}"),
        ('\u{85}', "\\u{85}"),
        ('\u{fdd0}', "\\u{fdd0}"),
        ('\u{202e}', "\\u{202e}"),
    ] {
        // Through --set (a bare string) ...
        let set = format!("services.checkout.product=a{c}b");
        let problems = problems_of(MINIMAL, &[&set]);
        let p = problem_at(&problems, "services[checkout].product");
        assert!(
            p.message
                .contains(&format!("character {shown} at character 2")),
            "{shown}: {}",
            p.message
        );
        let display = ScenarioError::Invalid(problems.clone()).to_string();
        assert!(!display.contains(c), "{shown} printed raw: {display}");
        assert_eq!(display.lines().count(), 1, "{display}");
        // ... and in the file, as a TOML escape, at the line of the name.
        let escape = format!("\\u{:04X}", u32::from(c));
        let text = MINIMAL.replace("name = \"core\"", &format!("name = \"co{escape}re\""));
        let problems = problems_of(&text, &[]);
        let p = problems
            .iter()
            .find(|p| p.message.contains(&format!("invisible character {shown}")))
            .unwrap_or_else(|| panic!("{shown}: {problems:#?}"));
        assert_eq!(p.line, Some(line_of(&text, "name = \"co")), "{shown}");
    }
}

#[test]
fn regression_control_characters_in_keys_and_references_are_shown_escaped() {
    let problems = problems_of(MINIMAL, &["services.checkout.team=co\u{1b}[2Jre"]);
    let display = ScenarioError::Invalid(problems).to_string();
    assert!(
        display.contains("unknown team 'co\\u{1b}[2Jre'"),
        "{display}"
    );
    assert!(!display.contains('\u{1b}'), "{display}");
    let text = MINIMAL.replace("[simulation]\n", "[simulation]\n\"bad\\u0007key\" = 1\n");
    let display = ScenarioError::Invalid(problems_of(&text, &[])).to_string();
    assert!(display.contains("bad\\u{7}key"), "{display}");
    assert!(!display.contains('\u{7}'), "{display}");
}

#[test]
fn regression_default_name_from_an_odd_file_stem_stays_in_the_output_folder() {
    let dir = temp_dir("bounds-odd-stem");
    let path = write(&dir, "..toml", MINIMAL);
    let cfg = ScenarioSource::from_file(&path)
        .and_then(|s| s.resolve(&[]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.name, "scenario");
    let path = write(&dir, "what if (v2).toml", MINIMAL);
    let cfg = ScenarioSource::from_file(&path)
        .and_then(|s| s.resolve(&[]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cfg.name, "what if _v2_");
}

// ---- sweep plans -------------------------------------------------------------------

fn usage(result: Result<sresim::sweep::Axis, PlanError>) -> String {
    match result {
        Err(PlanError::Usage(m)) => m,
        other => panic!("expected a usage error, got {other:?}"),
    }
}

#[test]
fn regression_range_overflowing_to_empty_is_refused() {
    let m = usage(parse_vary("teams.core.shift_hours=1..2:1e-300"));
    assert!(
        m.contains("has about 1e300 values; an axis has at most 10000"),
        "{m}"
    );
    let m = usage(parse_vary("simulation.seed=0..18446744073709551615:1"));
    assert!(
        m.contains("the integer `18446744073709551615` is out of range: TOML integers lie between -9223372036854775808 and 9223372036854775807"),
        "{m}"
    );
    let m = usage(parse_vary("simulation.seed=0..9223372036854775807:1"));
    assert!(m.contains("has about 9.22e18 values"), "{m}");
    let m = usage(parse_vary("x=1..1e400"));
    assert!(
        m.contains("`1e400` is out of range: it is not finite"),
        "{m}"
    );
}

#[test]
fn regression_range_is_counted_exactly() {
    let count = |spec: &str| parse_vary(spec).map(|a| a.values.len()).unwrap_or(0);
    assert_eq!(count("x=0.1..0.3:0.1"), 3);
    assert_eq!(count("x=0..1:0.1"), 11);
    assert_eq!(count("x=0.7..0.9:0.1"), 3);
    assert_eq!(count("x=1..10000"), 10_000);
    assert_eq!(count("x=-5..5:2.5"), 5);
    assert_eq!(count("x=1e30..1e30:1e-10"), 1);
    let a = parse_vary("x=0.7..0.9:0.1").unwrap_or_else(|e| panic!("{e}"));
    let texts: Vec<String> = a.values.iter().map(plan::value_text).collect();
    assert_eq!(texts, ["0.7", "0.8", "0.9"]);
    let m = usage(parse_vary("x=1..10001"));
    assert!(
        m.contains("range `1..10001` has 10001 values; an axis has at most 10000"),
        "{m}"
    );
}

#[test]
fn regression_vary_empty_item_is_refused() {
    for (spec, item) in [("seed=1,,2", 2), ("seed=1,2,", 3), ("seed=,1", 1)] {
        let m = usage(parse_vary(&format!("simulation.{spec}")));
        assert!(
            m.contains(&format!("value {item} of ")) && m.contains("is empty"),
            "{spec}: {m}"
        );
    }
}

#[test]
fn regression_vary_value_out_of_number_range_is_refused() {
    let m = usage(parse_vary("simulation.horizon_weeks=2,1e309"));
    assert!(
        m.contains("value 2: the number 1e309 is out of range: it is not finite"),
        "{m}"
    );
}

#[test]
fn regression_control_characters_in_sweep_axis_values_are_refused() {
    let m = usage(parse_vary("simulation.name=ok,a\u{1b}b"));
    assert!(
        m.contains("value 2: 'a\\u{1b}b' contains the control or invisible character \\u{1b}"),
        "{m}"
    );
    let text = format!(
        "{MINIMAL}\n[sweep]\n[[sweep.axes]]\nkey = \"simulation.name\"\nvalues = [\"ok\", \"a\\u0007b\"]\n"
    );
    let s = source(&text);
    match plan::from_file(&s) {
        Err(PlanError::Invalid(p)) => {
            assert_eq!(p.len(), 1, "{p:#?}");
            assert_eq!(p[0].line, Some(line_of(&text, "values = [\"ok\"")));
            assert!(p[0].message.contains("\\u{7}"), "{}", p[0].message);
        }
        other => panic!("expected a located problem, got {other:?}"),
    }
}

#[test]
fn regression_plan_points_and_sample_are_bounded() {
    let axes = || {
        vec![
            parse_vary("a=1..1000").unwrap_or_else(|e| panic!("{e}")),
            parse_vary("b=1..1000").unwrap_or_else(|e| panic!("{e}")),
        ]
    };
    match SweepPlan::grid(axes()) {
        Err(PlanError::Usage(m)) => assert!(
            m.contains(
                "the grid has 1000000 points (a (1000) × b (1000)); a sweep has at most 100000"
            ),
            "{m}"
        ),
        other => panic!("expected a usage error, got {other:?}"),
    }
    for n in [0, 100_001] {
        match SweepPlan::latin_hypercube(axes(), n, 1) {
            Err(PlanError::Usage(m)) => assert!(
                m.contains(&format!(
                    "--sample {n}: the sample size must be between 1 and 100000 (points); got {n}"
                )),
                "{m}"
            ),
            other => panic!("expected a usage error, got {other:?}"),
        }
    }
    let text = format!(
        "{MINIMAL}\n[sweep]\nsample = 100001\n[[sweep.axes]]\nkey = \"teams.core.shift_hours\"\nvalues = [8, 12]\n"
    );
    match plan::from_file(&source(&text)) {
        Err(PlanError::Invalid(p)) => {
            assert_eq!(p[0].line, Some(line_of(&text, "sample = ")));
            assert!(
                p[0].message.contains("between 1 and 100000"),
                "{}",
                p[0].message
            );
        }
        other => panic!("expected a located problem, got {other:?}"),
    }
}

#[test]
fn regression_set_key_with_empty_segment_explains_why() {
    for (set, reason) in [
        (
            "a..b=1",
            "segment 2 is empty: two dots with nothing between them at characters 2 and 3",
        ),
        (".a=1", "segment 1 is empty: the key starts with a dot"),
        (
            "a.=1",
            "segment 2 is empty: the key ends with the dot at character 2",
        ),
        ("a b=1", "segment 1 has a space at character 2"),
        ("a.\"\".b=1", "segment 2 is empty"),
        ("a.\"b=1", "the quote at character 3 is never closed"),
        (
            "a.b*c=1",
            "character 4 ('*') cannot appear in an unquoted segment",
        ),
    ] {
        let e = Override::parse(set).expect_err(set);
        let m = e.to_string();
        assert!(m.contains(reason), "{set}: {m}");
        assert!(m.contains("like teams.core.shift_hours"), "{set}: {m}");
        assert_eq!(e.exit_code(), 2);
    }
    let m = usage(parse_vary("teams..core=1,2"));
    assert!(m.contains("segment 2 is empty"), "{m}");
}

#[test]
fn regression_horizon_1e309_says_out_of_range() {
    let problems = problems_of(MINIMAL, &["simulation.horizon_weeks=1e309"]);
    let p = problem_at(&problems, "simulation.horizon_weeks");
    assert_eq!(
        p.message,
        "the number 1e309 is out of range: it is not finite (the largest finite number is about 1.8e308)"
    );
    assert_eq!(p.set_by.as_deref(), Some("simulation.horizon_weeks=1e309"));
    let problems = problems_of(MINIMAL, &["simulation.seed=99999999999999999999"]);
    assert!(problem_at(&problems, "simulation.seed")
        .message
        .starts_with("the integer 99999999999999999999 is out of range"));
    // In a file.
    let text = MINIMAL.replace("horizon_weeks = 10", "horizon_weeks = 1e309");
    let e = ScenarioSource::parse(&text, "s.toml", "s").expect_err("not TOML");
    let p = &e.problems()[0];
    assert_eq!(p.line, Some(line_of(&text, "horizon_weeks")));
    assert!(
        p.message
            .contains("the number 1e309 is out of range: it is not finite"),
        "{}",
        p.message
    );
}

#[test]
fn regression_missing_sections_are_located_at_line_1() {
    let text = "version = 1\n\n[[sites]]\nname = \"london\"\nutc_offset_hours = 0\n";
    let problems = problems_of(text, &[]);
    for key in ["simulation", "teams", "services"] {
        let p = problem_at(&problems, key);
        assert_eq!((p.line, p.column), (Some(1), Some(1)), "{key}");
    }
    let display = ScenarioError::Invalid(problems).to_string();
    assert!(
        display.contains("s.toml:1:1: simulation: missing required table [simulation]"),
        "{display}"
    );
}

#[test]
fn regression_invalid_utf8_is_located() {
    let dir = temp_dir("bounds-utf8");
    let path = dir.join("latin1.toml");
    let mut bytes = b"version = 1\n# caf".to_vec();
    bytes.push(0xe9);
    bytes.extend_from_slice(b"\n[simulation]\n");
    std::fs::write(&path, &bytes).expect("write");
    let e = ScenarioSource::from_file(&path).expect_err("not UTF-8");
    assert_eq!(e.exit_code(), 1);
    let p = &e.problems()[0];
    assert_eq!((p.line, p.column), (Some(2), Some(6)));
    assert!(
        p.message.contains("byte 0xe9 at byte offset 17"),
        "{}",
        p.message
    );
}

#[test]
fn regression_numbers_in_messages_are_compact() {
    let problems = problems_of(MINIMAL, &["simulation.horizon_weeks=1e300"]);
    let m = &problem_at(&problems, "simulation.horizon_weeks").message;
    assert!(m.ends_with("; got 1e300"), "{m}");
    assert!(!m.contains("000000000"), "{m}");
    let problems = problems_of(MINIMAL, &["services.checkout.severities.sev1.share=1e-300"]);
    let m = &problem_at(&problems, "services[checkout].severities").message;
    assert!(m.contains("sev1 1e-300"), "{m}");
}

// ---- validate checks the sweep table as sweep does ----------------------------------

#[test]
fn regression_validate_checks_sweep_table() {
    let dir = temp_dir("bounds-validate-sweep");
    let text = format!(
        "{MINIMAL}\n[sweep]\n[[sweep.axes]]\nkey = \"services.checkout.page_rate_per_week\"\nvalues = [10, \"lots\"]\n[[sweep.axes]]\nkey = \"teams.core.shift_hours\"\nrange = \"5..6\"\n"
    );
    let path = write(&dir, "sweepy.toml", &text);
    let results = jobs::validate(std::slice::from_ref(&path));
    let problems = match &results[0].1 {
        Err(ScenarioError::Invalid(p)) => p.clone(),
        other => panic!("expected problems, got {other:?}"),
    };
    let lots = problems
        .iter()
        .find(|p| p.message.contains("got the string \"lots\""))
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(lots.key_path, "services[checkout].page_rate_per_week");
    assert_eq!(lots.set_by, None);
    assert_eq!(lots.line, Some(line_of(&text, "values = [10, \"lots\"]")));
    assert_eq!(lots.column, Some("values = [10, ".len() + 1));
    assert!(
        lots.message
            .ends_with("(from value 2 of the [sweep] axis `services.checkout.page_rate_per_week`)"),
        "{}",
        lots.message
    );
    let five = problems
        .iter()
        .find(|p| p.message.contains("shift_hours must divide 168"))
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(five.line, Some(line_of(&text, "range = \"5..6\"")));
    assert!(
        five.message
            .ends_with("(from the value 5 of the [sweep] axis `teams.core.shift_hours`)"),
        "{}",
        five.message
    );
    assert!(!ScenarioError::Invalid(problems.clone())
        .to_string()
        .contains("--set"));
    // The sweep's own check before running says the same.
    let s = ScenarioSource::from_file(&path).unwrap_or_else(|e| panic!("{e}"));
    let file = plan::from_file(&s).unwrap_or_else(|e| panic!("{e}"));
    let plan = SweepPlan::grid(file.axes).unwrap_or_else(|e| panic!("{e}"));
    let e = check_plan(&s, &[], &plan).expect_err("bad points");
    assert!(e.problems().iter().any(|p| p == lots));
}

#[test]
fn validate_accepts_every_bundled_scenario_with_its_sweep_table() {
    let files: Vec<PathBuf> = ["baseline", "capacity", "two-teams"]
        .iter()
        .map(|n| root().join("scenarios").join(format!("{n}.toml")))
        .chain([root().join("tests/fixtures/golden/mixed.toml")])
        .collect();
    for (file, result) in jobs::validate(&files) {
        if let Err(e) = result {
            panic!("{}: {e}", file.display());
        }
    }
}

// ---- the README lists the table -----------------------------------------------------

#[test]
fn readme_lists_every_input_range() {
    let readme = read(&root().join("README.md"));
    let start = readme
        .find("\n## Input ranges\n")
        .expect("README has an Input ranges section");
    let section = &readme[start + 1..];
    let end = section[3..].find("\n## ").map_or(section.len(), |e| e + 4);
    let section = &section[..end];
    assert!(
        section.contains(&ranges::markdown_table()),
        "the README's Input ranges table differs from scenario::ranges::RANGES; paste:\n{}",
        ranges::markdown_table()
    );
    let rows = section.lines().filter(|l| l.starts_with("| `")).count();
    assert_eq!(rows, RANGES.len(), "extra rows in the README's table");
    assert!(
        section.contains(sresim::scenario::NAME_RULE),
        "the README states the name rule"
    );
}
