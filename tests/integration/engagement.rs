//! Engagement over the service lifecycle (`[engagement]`): each phase gives the
//! involvement it should, reviews and the onboarding queue behave as configured, and
//! with every service supported from week 0 and no engagement costs nothing moves.

use sresim::engine::calendar::HOURS_PER_WEEK;
use sresim::model::{simulate, HolderReason, Metric, RunOptions, RunResult};
use sresim::scenario::{ScenarioConfig, ScenarioError, ScenarioSource};

use crate::support::{load, read, resolves, run, sresim, temp_dir, traced, with_table};

/// One SRE team of 8 at one site and one product, `app`, whose services go through the
/// lifecycle: 4 weeks of design, `dev` weeks of active development, 8 of limited
/// availability, then general availability. `extra` goes into `[engagement]`.
fn lifecycle(dev: f64, extra: &str, sets: &[&str]) -> ScenarioConfig {
    let text = format!(
        r#"version = 1
[simulation]
horizon_weeks = 104
replications = 4
seed = 3

[engagement]
{extra}

[[sites]]
name = "london"
utc_offset_hours = 0

[[teams]]
name = "sre"
members = {{ london = 8 }}
shift_hours = 168
responders_per_shift = 1

[[services]]
name = "app"
product = "shop"
stack = "go"
team = "sre"
count = 3
page_rate_per_week = 4
slo_target = 0.999
phase_weeks = {{ design = 4, active_development = {dev}, limited_availability = 8 }}
severities = [
  {{ name = "sev1", share = 0.2, impact_fraction = 1, time_to_mitigate = {{ exponential = {{ mean_hours = 1 }} }} }},
  {{ name = "sev2", share = 0.8, impact_fraction = 0.1, time_to_mitigate = {{ exponential = {{ mean_hours = 1 }} }} }},
]
"#
    );
    resolves(&text, sets)
}

fn summary_bits(r: &RunResult) -> Vec<u64> {
    r.summary.values.0.iter().map(|v| v.to_bits()).collect()
}

/// When each service was onboarded (hours), from the engagement rows.
fn onboarded_at(r: &RunResult, service: &str) -> Option<f64> {
    r.engagements
        .iter()
        .find(|e| e.service == service && e.reason == HolderReason::Onboarded)
        .map(|e| e.at_hours)
}

#[test]
fn with_every_service_supported_from_week_0_and_no_costs_nothing_moves() {
    // The validation scenarios' services start in general availability (reviewed before
    // the run): SRE holds them from the start.
    for (file, reps) in [("validation/mm1.toml", 2), ("validation/mmc.toml", 2)] {
        let plain = load(file, &[&format!("simulation.replications={reps}")]);
        let engaged = load(
            file,
            &[
                &format!("simulation.replications={reps}"),
                "engagement.dev_share=0",
                "engagement.consultation_hours=0",
                "engagement.cleanup_hours=0",
            ],
        );
        assert!(engaged.engagement.is_some());
        let (a, b) = (run(&plain), run(&engaged));
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(summary_bits(x), summary_bits(y), "{file}");
            assert!(y.teams.iter().any(|t| t.kind == "developer"), "{file}");
        }
    }
}

#[test]
fn no_sre_pager_before_onboarding_and_developers_until_then() {
    let cfg = lifecycle(20.0, "prr_pass_probability = 1", &[]);
    let r = traced(&cfg);
    for name in ["app-1", "app-2", "app-3"] {
        let at = onboarded_at(&r, name).expect("onboarded");
        // Reviewed through active development (weeks 4 to 24), onboarded at the next
        // quarterly review (week 26).
        assert_eq!(at, 26.0 * HOURS_PER_WEEK, "{name}");
        let mut before = 0;
        for inc in r.incidents.iter().filter(|i| i.service == name) {
            if inc.paged_at_hours < at {
                before += 1;
                assert_eq!(inc.team, "dev-shop", "{inc:?}");
            }
        }
        assert!(before > 0, "{name} paged its developers before onboarding");
    }
    // After onboarding: shared until general availability (week 32), then SRE's, but
    // for the developers' share.
    let after_ga: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours >= 32.0 * HOURS_PER_WEEK)
        .collect();
    let sre = after_ga.iter().filter(|i| i.team == "sre").count();
    let dev = after_ga.iter().filter(|i| i.team == "dev-shop").count();
    assert_eq!(sre + dev, after_ga.len());
    // dev_share 0.1: the developers' count is binomial; 4 standard deviations.
    let n = after_ga.len() as f64;
    let sd = (n * 0.1 * 0.9).sqrt();
    assert!((dev as f64 - 0.1 * n).abs() < 4.0 * sd, "{dev} of {n}");
}

#[test]
fn consultations_come_in_design_and_reviews_in_active_development_only() {
    let base = "prr_pass_probability = 1\nconsultation_hours = 5\nprr_sres = 2\nprr_weeks = 10\nprr_hours_per_sre_week = 20";
    // Active development of 20 weeks: the whole review, 2 × 10 × 20 h per service.
    let long = &run(&lifecycle(20.0, base, &[]))[0];
    assert_eq!(long.summary[Metric::ConsultationHours], 15.0);
    assert!((long.summary[Metric::PrrHours] - 3.0 * 400.0).abs() < 1e-6);
    // Active development of 5 weeks cuts each review to half its effort.
    let short = &run(&lifecycle(5.0, base, &[]))[0];
    assert!((short.summary[Metric::PrrHours] - 3.0 * 200.0).abs() < 1e-6);
    // No design phase: no consultation; no active development: no review.
    let none = &run(&lifecycle(
        0.0,
        base,
        &["services.app.phase_weeks.design=0"],
    ))[0];
    assert_eq!(none.summary[Metric::ConsultationHours], 0.0);
    assert_eq!(none.summary[Metric::PrrHours], 0.0);
    // The review's hours come out of the team's project time, week by week, while it
    // runs (weeks 4 to 24) and not after.
    let weekly = |r: &RunResult, w: u64| {
        r.weekly
            .iter()
            .find(|x| x.team == "sre" && x.week == w)
            .map(|x| x.project_hours)
            .expect("week")
    };
    let quiet = lifecycle(20.0, "prr_pass_probability = 1\nprr_sres = 0", &[]);
    let quiet = &run(&quiet)[0];
    assert!(weekly(quiet, 10) - weekly(long, 10) > 100.0);
    assert_eq!(weekly(quiet, 60), weekly(long, 60));
}

#[test]
fn a_failed_review_keeps_the_service_with_its_developers() {
    let cfg = lifecycle(
        20.0,
        "prr_pass_probability = 0\nprr_weeks = 6\nprr_retry_weeks = 2",
        &[],
    );
    for r in run(&cfg) {
        assert!(r
            .engagements
            .iter()
            .all(|e| e.reason != HolderReason::Onboarded));
        assert_eq!(r.summary[Metric::ServicesSupportedEnd], 0.0);
        let sre = r.teams.iter().find(|t| t.team == "sre").expect("sre");
        assert_eq!(
            sre[Metric::Incidents],
            0.0,
            "the developers answer everything"
        );
        // Reviews of 6 weeks, 2 weeks apart, in 20 weeks of active development: weeks
        // 4-10, 12-18, 20-24 (cut short), for each of the 3 services.
        assert_eq!(r.summary[Metric::PrrFailed], 9.0);
    }
}

#[test]
fn the_tier_gate_admits_only_the_critical_services() {
    let cfg = lifecycle(
        20.0,
        "prr_pass_probability = 1\nonboarding = \"tier\"\nonboarding_max_tier = 1",
        &["services.app.tier=2"],
    );
    let r = &run(&cfg)[0];
    assert!(onboarded_at(r, "app-1").is_none());
    let cfg = lifecycle(
        20.0,
        "prr_pass_probability = 1\nonboarding = \"tier\"\nonboarding_max_tier = 2",
        &["services.app.tier=2"],
    );
    assert!(onboarded_at(&run(&cfg)[0], "app-1").is_some());
}

#[test]
fn the_capacity_gate_never_takes_a_team_over_the_cap_by_its_own_projection() {
    // Each service is expected to cost its SRE team 4 pages × (1 h + 4 h follow-up) = 20
    // ops hours a week: the team of 8 (320 h) can take 8 by the 50% cap, not 9.
    let extra = "prr_pass_probability = 1\nprr_page_rate_factor = 1\ndev_share = 0\nonboarding = \"capacity\"";
    let cfg = lifecycle(
        20.0,
        extra,
        &[
            "teams.sre.followup_hours_per_incident=4",
            "services.app.count=9",
        ],
    );
    for r in run(&cfg) {
        let mut reviews: Vec<(u64, usize)> = Vec::new();
        for e in r
            .engagements
            .iter()
            .filter(|e| e.reason == HolderReason::Onboarded)
        {
            match reviews.last_mut() {
                Some((w, n)) if *w == e.week => *n += 1,
                _ => reviews.push((e.week, 1)),
            }
        }
        // All nine passed their reviews by week 24; the first service review after
        // (week 26) takes eight.
        assert_eq!(reviews.first(), Some(&(26, 8)), "{reviews:?}");
        // Every review (at the end of the week before `week`): the team's mean ops hours
        // over the four weeks before, plus 20 h
        // for each service it takes, stay within half its capacity.
        for (week, n) in reviews {
            let last: Vec<_> = r
                .weekly
                .iter()
                .filter(|w| w.team == "sre" && w.week + 4 >= week && w.week < week)
                .collect();
            assert_eq!(last.len(), 4);
            let ops = last.iter().map(|w| w.ops_hours).sum::<f64>() / 4.0;
            let capacity = last.iter().map(|w| w.capacity_hours).sum::<f64>() / 4.0;
            assert!(
                (ops + 20.0 * n as f64) / capacity <= 0.5 + 1e-12,
                "week {week}: {ops} + {n} × 20 over {capacity}"
            );
        }
    }
    // With every service admitted, all nine go at once.
    let cfg = lifecycle(
        20.0,
        "prr_pass_probability = 1\nonboarding = \"all\"",
        &["services.app.count=9"],
    );
    let r = &run(&cfg)[0];
    let onboarded: Vec<u64> = r
        .engagements
        .iter()
        .filter(|e| e.reason == HolderReason::Onboarded)
        .map(|e| e.week)
        .collect();
    assert_eq!(onboarded, vec![26; 9]);
    assert!(r.summary[Metric::OnboardingWaitWeeksMean] > 0.0);
}

#[test]
fn frameworks_shorten_onboarding() {
    let when = |frameworks: bool| {
        let cfg = lifecycle(
            40.0,
            &format!("prr_pass_probability = 1\nframeworks = {frameworks}"),
            &[],
        );
        onboarded_at(&run(&cfg)[0], "app-1").expect("onboarded")
    };
    // A quarter's review (weeks 4-17) against 2.5 quarters (weeks 4-36.5), each
    // onboarded at the next quarterly service review.
    assert_eq!(when(true), 26.0 * HOURS_PER_WEEK);
    assert_eq!(when(false), 39.0 * HOURS_PER_WEEK);
}

#[test]
fn no_incidents_once_unsupported_and_the_pager_follows_the_phase() {
    // Reviewed in weeks 4-8, onboarded at the review of week 13, still in active
    // development (to week 16).
    let cfg = lifecycle(
        12.0,
        "prr_pass_probability = 1\nprr_weeks = 4",
        &[
            "services.app.phase_weeks.general_availability=20",
            "services.app.phase_weeks.deprecation=8",
            "services.app.phase_weeks.abandoned=8",
            "services.app.phase_weeks.unsupported=8",
        ],
    );
    let r = traced(&cfg);
    assert_eq!(r.summary[Metric::IncidentsUnsupported], 0.0);
    let unsupported_from = (4.0 + 12.0 + 8.0 + 20.0 + 8.0 + 8.0) * HOURS_PER_WEEK;
    assert!(r
        .incidents
        .iter()
        .all(|i| i.paged_at_hours < unsupported_from));
    let reasons: Vec<HolderReason> = r
        .engagements
        .iter()
        .filter(|e| e.service == "app-1")
        .map(|e| e.reason)
        .collect();
    assert_eq!(
        reasons,
        [
            HolderReason::Onboarded,
            HolderReason::SharedLaunch,
            HolderReason::GeneralAvailability,
            HolderReason::Abandoned,
            HolderReason::Unsupported
        ]
    );
    // Abandoned: SRE takes the most severe incidents only.
    let abandoned = (4.0 + 12.0 + 8.0 + 20.0 + 8.0) * HOURS_PER_WEEK;
    for inc in r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours >= abandoned && i.paged_at_hours < unsupported_from)
    {
        let expected = if inc.severity == "sev1" {
            "sre"
        } else {
            "dev-shop"
        };
        assert_eq!(inc.team, expected, "{inc:?}");
    }
}

#[test]
fn reviews_leave_every_other_draw_where_it_was() {
    // The review's outcome draws from the service's engagement stream: with and without
    // the findings' page-rate factor, the arrival candidates are the same, so the pages
    // with the factor are a subset of the pages without.
    let with = traced(&lifecycle(20.0, "prr_pass_probability = 1", &[]));
    let without = traced(&lifecycle(
        20.0,
        "prr_pass_probability = 1\nprr_page_rate_factor = 1",
        &[],
    ));
    let times = |r: &RunResult| -> Vec<(String, u64)> {
        r.incidents
            .iter()
            .map(|i| (i.service.clone(), i.paged_at_hours.to_bits()))
            .collect()
    };
    let (a, b) = (times(&with), times(&without));
    assert!(a.len() < b.len());
    assert!(a.iter().all(|x| b.contains(x)));
}

#[test]
fn dev_teams_are_checked_where_they_are_written() {
    let text = format!(
        "{}\n[[dev_teams]]\nname = \"core\"\nproducts = [\"nope\"]\nmembers = {{ london = 2 }}\n",
        with_table(crate::support::MINIMAL, "[engagement]")
    );
    let err = ScenarioSource::parse(&text, "s.toml", "s")
        .and_then(|s| s.resolve(&[]))
        .expect_err("invalid");
    let ScenarioError::Invalid(problems) = &err else {
        panic!("{err}");
    };
    let at = |key: &str| {
        problems
            .iter()
            .find(|p| p.key_path.ends_with(key) && p.key_path.starts_with("dev_teams"))
            .unwrap_or_else(|| panic!("no problem at {key}: {err}"))
    };
    assert!(at("products").message.contains("no service has product"));
    assert!(at("name").message.contains("duplicate team name"));
    // Developer teams need [engagement].
    let text = format!(
        "{}\n[[dev_teams]]\nname = \"d\"\nproducts = [\"shop\"]\nmembers = {{ london = 2 }}\n",
        crate::support::MINIMAL
    );
    let err = ScenarioSource::parse(&text, "s.toml", "s")
        .and_then(|s| s.resolve(&[]))
        .expect_err("invalid");
    assert!(err.to_string().contains("[engagement]"), "{err}");
}

#[test]
fn a_run_is_the_same_whatever_the_order_of_replications() {
    let cfg = lifecycle(20.0, "", &[]);
    let all = run(&cfg);
    let third = simulate(
        &cfg,
        RunOptions {
            replication: 2,
            ..RunOptions::default()
        },
    )
    .expect("stable");
    assert_eq!(summary_bits(&all[2]), summary_bits(&third));
    assert_eq!(all[2].engagements, third.engagements);
}

#[test]
fn the_cli_writes_engagements_csv_and_draws_the_engagement_chart() {
    let dir = temp_dir("engagement-cli");
    let out = dir.join("out");
    let o = sresim(&[
        "run",
        "scenarios/lifecycle.toml",
        "--out",
        &out.to_string_lossy(),
        "--set",
        "simulation.replications=2",
        "--set",
        "simulation.horizon_weeks=60",
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("engagement (mean per replication)"),
        "{stdout}"
    );
    assert!(out.join("engagement.png").is_file());
    let csv = read(&out.join("engagements.csv"));
    assert!(csv.starts_with("point,replication,week,at_hours,service,from,to,reason\n"));
    assert!(csv.contains(",onboarded\n"), "{csv}");
    let teams = read(&out.join("teams.csv"));
    assert!(teams.contains(",dev-shop,developer,"), "{teams}");
    // Without [engagement]: no such chart, and only the header.
    let plain = dir.join("plain");
    let o = sresim(&[
        "run",
        "--out",
        &plain.to_string_lossy(),
        "--set",
        "simulation.replications=1",
    ]);
    assert!(o.status.success());
    assert!(!plain.join("engagement.png").exists());
    assert_eq!(read(&plain.join("engagements.csv")).lines().count(), 1);
    std::fs::remove_dir_all(&dir).ok();
}

/// The baseline with `[reliability]` (its keys in `extra`) and `sets`.
fn with_reliability(extra: &str, sets: &[&str]) -> ScenarioConfig {
    let text = std::fs::read_to_string(crate::support::root().join("scenarios/baseline.toml"))
        .expect("baseline");
    resolves(&with_table(&text, &format!("[reliability]\n{extra}")), sets)
}

#[test]
fn reliability_work_lowers_page_rates_toward_the_floor_and_neglect_raises_them() {
    let sets = ["simulation.replications=3", "simulation.horizon_weeks=52"];
    // The baseline team has project time to spare: its services' rates fall.
    for r in run(&with_reliability("project_share = 0.5", &sets)) {
        let f = r.summary[Metric::PageRateFactorEnd];
        assert!((0.5..1.0).contains(&f), "{f}");
        assert!(r.summary[Metric::ReliabilityHoursPerWeek] > 0.0);
    }
    // No reliability work: the rates drift toward the ceiling, 1 + (2 − 1)(1 − 0.995^52).
    for r in run(&with_reliability("project_share = 0", &sets)) {
        let f = r.summary[Metric::PageRateFactorEnd];
        let drifted = 2.0 - 0.995f64.powi(52);
        assert!(f > 1.0 && f <= drifted + 1e-9, "{f} {drifted}");
        assert_eq!(r.summary[Metric::ReliabilityHoursPerWeek], 0.0);
    }
}

#[test]
fn an_overloaded_team_spirals_its_page_rates_up() {
    // Three times the baseline's pages: no project time, no reliability work, rates up,
    // ops load up.
    let sets = [
        "simulation.replications=2",
        "services.*.page_rate_per_week=6",
    ];
    let r = &run(&with_reliability("", &sets))[0];
    // Two years of neglect: close to 2 − 0.995^104 = 1.41.
    let f = r.summary[Metric::PageRateFactorEnd];
    assert!(f > 1.3 && f <= 2.0 - 0.995f64.powi(104) + 1e-9, "{f}");
    let ops = |r: &RunResult, from: u64, to: u64| {
        let w: Vec<f64> = r
            .weekly
            .iter()
            .filter(|w| w.team == "core" && w.week >= from && w.week < to)
            .map(|w| w.ops_load_frac)
            .collect();
        w.iter().sum::<f64>() / w.len() as f64
    };
    // Against the same scenario without [reliability] (whose portfolio changes too:
    // launches, a retirement), the load grows with the page-rate factor, from about
    // 1.05 in weeks 5-15 to about 1.38 in weeks 90-100.
    let plain = &run(&load("baseline.toml", &sets))[0];
    assert_eq!(plain.summary[Metric::PageRateFactorEnd], 1.0);
    let growth = ops(r, 90, 100) / ops(r, 5, 15);
    let plain_growth = ops(plain, 90, 100) / ops(plain, 5, 15);
    assert!(growth / plain_growth > 1.2, "{growth} {plain_growth}");
}
