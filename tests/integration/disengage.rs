//! Ending the engagement (`engagement.disengage`): each strategy's trigger fires on a
//! constructed case and not on a healthy one, `never` never hands back, temporary
//! hand-backs return, handing back moves ops hours from SRE to the developers, and the
//! strategies run on common random numbers.

use std::collections::BTreeMap;

use sresim::engine::calendar::HOURS_PER_WEEK;
use sresim::model::{HolderReason, Metric, RunResult};
use sresim::scenario::ScenarioConfig;

use crate::support::{load, resolves, run, traced};

/// One SRE team of 8 at one site supporting, from the start, a healthy service
/// (`calm`, product `a`) and a second one (`hot`, product `b`) shaped by `hot`;
/// `engagement` goes into `[engagement]`.
fn two_services(engagement: &str, hot: &str, sets: &[&str]) -> ScenarioConfig {
    let sev = r#"severities = [
  { name = "sev1", share = 0.5, impact_fraction = 1, time_to_mitigate = { exponential = { mean_hours = 2 } } },
  { name = "sev2", share = 0.5, impact_fraction = 0.1, time_to_mitigate = { exponential = { mean_hours = 1 } } },
]"#;
    let text = format!(
        r#"version = 1
[simulation]
horizon_weeks = 104
replications = 3
seed = 9

[engagement]
{engagement}

[[sites]]
name = "london"
utc_offset_hours = 0

[[teams]]
name = "sre"
members = {{ london = 8 }}
shift_hours = 168
responders_per_shift = 1
followup_hours_per_incident = 3

[[services]]
name = "calm"
product = "a"
stack = "go"
team = "sre"
page_rate_per_week = 0.2
slo_target = 0.99
{sev}

[[services]]
name = "hot"
product = "b"
stack = "go"
team = "sre"
slo_target = 0.999
{hot}
{sev}
"#
    );
    resolves(&text, sets)
}

fn reasons(r: &RunResult, service: &str) -> Vec<HolderReason> {
    r.engagements
        .iter()
        .filter(|e| e.service == service)
        .map(|e| e.reason)
        .collect()
}

#[test]
fn never_never_hands_back() {
    let cfg = load(
        "disengagement.toml",
        &[
            "engagement.disengage=\"never\"",
            "simulation.replications=2",
        ],
    );
    for r in run(&cfg) {
        assert_eq!(r.summary[Metric::Handbacks], 0.0);
        assert!(
            r.engagements.iter().all(|e| !e.reason.is_handback()),
            "{:?}",
            r.engagements
        );
    }
}

#[test]
fn error_budget_hands_back_a_burner_and_takes_it_back_once_it_is_in_slo() {
    // A launch that burns its budget for 12 weeks (30 times the rate), then a calm
    // general availability.
    let hot = "page_rate_per_week = 1\nphase_weeks = { limited_availability = 12 }\npage_multiplier = { limited_availability = 30, general_availability = 0.05 }";
    let cfg = two_services("disengage = \"error_budget\"", hot, &[]);
    for r in run(&cfg) {
        assert!(reasons(&r, "calm").is_empty(), "the healthy one stays");
        let hot = reasons(&r, "hot");
        // Shared at launch (onboarded before the run), SRE's at general availability
        // (week 12), handed back at the first quarterly review (week 13), back to SRE a
        // quarter after.
        assert_eq!(
            hot[..3],
            [
                HolderReason::GeneralAvailability,
                HolderReason::HandedBack,
                HolderReason::TakenBack
            ],
            "{:?}",
            r.engagements
        );
        let at = |reason: HolderReason| {
            r.engagements
                .iter()
                .find(|e| e.service == "hot" && e.reason == reason)
                .map(|e| e.at_hours / HOURS_PER_WEEK)
                .expect("row")
        };
        assert_eq!(at(HolderReason::HandedBack), 13.0);
        assert!(
            at(HolderReason::TakenBack) >= 13.0 + 13.0,
            "{}",
            at(HolderReason::TakenBack)
        );
        // Every take-back follows a hand-back (a rare sev1 in general availability can
        // burn two windows in a row again).
        assert!(r.summary[Metric::Takebacks] >= 1.0);
        assert!(r.summary[Metric::Takebacks] <= r.summary[Metric::Handbacks]);
    }
}

#[test]
fn ops_overload_hands_back_the_costliest_service_of_an_overloaded_team_only() {
    // 60 pages a week of `hot` (about 270 ops hours) put the team of 8 (320 hours) far
    // over the cap.
    let cfg = two_services(
        "disengage = \"ops_overload\"",
        "page_rate_per_week = 60",
        &[],
    );
    for r in run(&cfg) {
        assert_eq!(
            reasons(&r, "hot"),
            [HolderReason::Overload],
            "{:?}",
            r.engagements
        );
        assert!(reasons(&r, "calm").is_empty());
        // At the end of the fourth week in a row over the cap.
        let week = r.engagements[0].week;
        let over = r
            .weekly
            .iter()
            .filter(|w| w.team == "sre" && w.week + 4 >= week && w.week < week)
            .filter(|w| w.ops_load_frac > 0.5)
            .count();
        assert_eq!(over, 4, "week {week}");
        assert!(week <= 13, "{week}");
    }
    // A healthy team never triggers it.
    let cfg = two_services(
        "disengage = \"ops_overload\"",
        "page_rate_per_week = 1",
        &[],
    );
    for r in run(&cfg) {
        assert!(r.engagements.is_empty(), "{:?}", r.engagements);
    }
}

#[test]
fn handover_legacy_hands_a_deprecated_service_to_its_developers() {
    let hot =
        "page_rate_per_week = 2\nphase_weeks = { general_availability = 20, deprecation = 40 }";
    let cfg = two_services("disengage = \"handover_legacy\"", hot, &[]);
    let r = &run(&cfg)[0];
    let row = r
        .engagements
        .iter()
        .find(|e| e.service == "hot")
        .expect("a row");
    assert_eq!(
        (row.reason, row.from.as_str(), row.to.as_str()),
        (HolderReason::Handover, "sre", "dev-b")
    );
    assert_eq!(row.at_hours, 20.0 * HOURS_PER_WEEK);
    // Under `lifecycle` SRE keeps it through deprecation.
    let cfg = two_services("disengage = \"lifecycle\"", hot, &[]);
    assert!(run(&cfg)[0]
        .engagements
        .iter()
        .all(|e| e.service != "hot" || e.reason != HolderReason::Handover));
}

#[test]
fn empower_then_exit_leaves_for_good_with_faster_developers() {
    let engagement =
        "disengage = \"empower_then_exit\"\nempower_weeks = 26\nempowered_dev_factor = 1";
    let cfg = two_services(engagement, "page_rate_per_week = 5", &[]);
    let r = traced(&cfg);
    for service in ["calm", "hot"] {
        assert_eq!(
            reasons(&r, service),
            [HolderReason::Exit],
            "{:?}",
            r.engagements
        );
    }
    // Started at the first review (week 13), done 26 weeks later.
    assert_eq!(r.engagements[0].at_hours, 39.0 * HOURS_PER_WEEK);
    assert_eq!(r.summary[Metric::ServicesSupportedEnd], 0.0);
    // After the exit every page goes to the developers, now as fast as SRE.
    let after: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours > 40.0 * HOURS_PER_WEEK)
        .collect();
    assert!(after.iter().all(|i| i.team.starts_with("dev-")));
    let ttm = after.iter().filter_map(|i| i.ttm_hours).sum::<f64>() / after.len() as f64;
    let before: Vec<f64> = r
        .incidents
        .iter()
        .filter(|i| i.team == "sre")
        .filter_map(|i| i.ttm_hours)
        .collect();
    let sre_ttm = before.iter().sum::<f64>() / before.len() as f64;
    // The same mitigation times (factor 1) up to sampling noise; untrained developers
    // would take 1.5 times as long.
    assert!(ttm < 1.25 * sre_ttm, "{ttm} {sre_ttm}");
}

#[test]
fn handing_back_moves_ops_hours_from_sre_to_the_developers() {
    let base = ["simulation.replications=4"];
    let mut never = base.to_vec();
    never.push("engagement.disengage=\"never\"");
    let mut budget = base.to_vec();
    budget.push("engagement.disengage=\"error_budget\"");
    let (a, b) = (
        run(&load("disengagement.toml", &never)),
        run(&load("disengagement.toml", &budget)),
    );
    for (x, y) in a.iter().zip(&b) {
        assert!(y.summary[Metric::OpsLoadFrac] < x.summary[Metric::OpsLoadFrac]);
        assert!(y.summary[Metric::DevOpsHoursPerWeek] > x.summary[Metric::DevOpsHoursPerWeek]);
        assert!(y.summary[Metric::Handbacks] > 0.0);
    }
}

#[test]
fn strategies_share_each_service_s_incidents_until_its_holder_or_rate_changes() {
    // Without [reliability] a hand-back changes who answers, not when pages come: every
    // service's page times are the same under every strategy.
    let hot = "page_rate_per_week = 40";
    let pages = |strategy: &str| -> BTreeMap<String, Vec<u64>> {
        let cfg = two_services(&format!("disengage = \"{strategy}\""), hot, &[]);
        let mut m: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for i in traced(&cfg).incidents {
            m.entry(i.service)
                .or_default()
                .push(i.paged_at_hours.to_bits());
        }
        m
    };
    let never = pages("never");
    for s in ["ops_overload", "error_budget", "handover_legacy"] {
        assert_eq!(pages(s), never, "{s}");
    }
}

#[test]
fn a_freeze_removes_exactly_the_change_induced_arrivals() {
    // Three windows over budget in a row (a hot launch, 12 weeks), then a freeze; half
    // of each service's page rate comes from changes.
    let hot = "page_rate_per_week = 2\nphase_weeks = { limited_availability = 12 }\npage_multiplier = { limited_availability = 20, general_availability = 1 }";
    let policy = |weeks: u32| {
        format!(
            "disengage = \"never\"\n[engagement.budget_policy]\nchange_share = 0.5\nfreeze_weeks = {weeks}"
        )
    };
    let frozen = traced(&two_services(&policy(520), hot, &[]));
    let free = traced(&two_services(&policy(0), hot, &[]));
    assert_eq!(frozen.summary[Metric::Freezes], 1.0);
    assert_eq!(free.summary[Metric::Freezes], 0.0);
    let start = 12.0 * HOURS_PER_WEEK;
    assert!((frozen.summary[Metric::FreezeWeeks] - 92.0).abs() < 1e-9);
    let times = |r: &RunResult, service: &str, after: bool| -> Vec<u64> {
        r.incidents
            .iter()
            .filter(|i| i.service == service && (i.paged_at_hours >= start) == after)
            .map(|i| i.paged_at_hours.to_bits())
            .collect()
    };
    // Before the freeze, and for the other service throughout, nothing moves.
    assert_eq!(times(&frozen, "hot", false), times(&free, "hot", false));
    for after in [false, true] {
        assert_eq!(times(&frozen, "calm", after), times(&free, "calm", after));
    }
    // During it the hot service's pages are the unfrozen run's minus about half (its
    // change-induced half): a subset, and a binomial share within 4 standard deviations.
    let (kept, all) = (times(&frozen, "hot", true), times(&free, "hot", true));
    assert!(kept.iter().all(|t| all.contains(t)));
    let n = all.len() as f64;
    let sd = (n * 0.25).sqrt();
    assert!(
        (kept.len() as f64 - 0.5 * n).abs() < 4.0 * sd,
        "{} of {n}",
        kept.len()
    );
}

#[test]
fn windows_over_budget_put_developer_hours_on_the_problem() {
    let hot = "page_rate_per_week = 2\nphase_weeks = { limited_availability = 12 }\npage_multiplier = { limited_availability = 20, general_availability = 0.01 }";
    let engagement = "disengage = \"never\"\n[engagement.budget_policy]\nnamed_engineer_hours = 10\npush_hours = 40\nfreeze_weeks = 0";
    let r = &run(&two_services(engagement, hot, &[]))[0];
    let dev = |week: u64| {
        r.weekly
            .iter()
            .find(|w| w.team == "dev-b" && w.week == week)
            .map(|w| w.engagement_hours)
            .expect("week")
    };
    // Windows end at weeks 4, 8, 12: named engineers through the second window, a push
    // through the third and the fourth (still counting the launch's downtime), nothing
    // once a window is met again.
    assert_eq!(dev(2), 0.0);
    assert_eq!(dev(5), 10.0);
    assert_eq!(dev(9), 40.0);
    assert_eq!(dev(60), 0.0);
}
