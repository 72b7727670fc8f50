//! Edge cases of the on-call model that must be right.

use sresim::model::{simulate, Metric, RunOptions};
use sresim::scenario::ScenarioConfig;
use sresim::scenario::ScenarioSource;

use crate::support::traced;

/// A one-team, one-service scenario; `team` and `service` are extra TOML lines.
fn scenario(sim: &str, team: &str, service: &str, severity: &str) -> ScenarioConfig {
    let text = format!(
        r#"
version = 1
[simulation]
{sim}
replications = 1
seed = 3

[[sites]]
name = "a"
utc_offset_hours = 0

[[teams]]
name = "t"
{team}

[[services]]
name = "s"
product = "p"
stack = "x"
team = "t"
slo_target = 0.99
{service}

[[services.severities]]
name = "only"
share = 1.0
impact_fraction = 1.0
{severity}
"#
    );
    ScenarioSource::parse(&text, "edge.toml", "edge")
        .and_then(|s| s.resolve(&[]))
        .unwrap_or_else(|e| panic!("{e}\n{text}"))
}

#[test]
fn shift_without_eligible_responder_queues_pages_as_uncovered() {
    // The team only joins the rotation at week 2: pages before then wait.
    let cfg = scenario(
        "horizon_weeks = 6",
        "members = { a = 4 }\nshift_hours = 12\nresponders_per_shift = 1\non_call_from_week = 2",
        "page_rate_per_week = 10",
        "time_to_mitigate = { fixed = { hours = 0.5 } }",
    );
    let r = traced(&cfg);
    let early: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours < 2.0 * 168.0)
        .collect();
    assert!(!early.is_empty());
    assert_eq!(
        (r.summary[Metric::UncoveredPages] as u64),
        early.len() as u64
    );
    assert!(early.iter().all(|i| i.uncovered));
    // Nothing is lost: the queue is worked off in order from the first covered shift.
    let mut last_start = 0.0;
    for i in &early {
        let start = i.started_at_hours.unwrap_or(f64::NAN);
        assert!(start >= 2.0 * 168.0 && start >= last_start, "{i:?}");
        last_start = start;
        assert!(i.mitigated_at_hours.is_some());
    }
    assert_eq!(early[0].started_at_hours, Some(2.0 * 168.0));
    assert_eq!(
        (r.summary[Metric::Incidents] as u64),
        r.incidents.len() as u64
    );
    assert_eq!((r.summary[Metric::IncidentsOpenAtEnd] as u64), 0);
    // Later pages are covered.
    assert!(r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours >= 2.0 * 168.0)
        .all(|i| !i.uncovered));
}

#[test]
fn incident_open_at_shift_change_stays_with_its_responder_and_its_shift() {
    // 10-hour mitigation against 12-hour shifts: many incidents cross a handoff.
    let cfg = scenario(
        "horizon_weeks = 8",
        "members = { a = 6 }\nshift_hours = 12\nresponders_per_shift = 2\npager_budget_per_shift = 100",
        "page_rate_per_week = 6",
        "time_to_mitigate = { fixed = { hours = 10 } }",
    );
    let r = traced(&cfg);
    let crossing: Vec<_> = r
        .incidents
        .iter()
        .filter(|i| match (i.started_at_hours, i.mitigated_at_hours) {
            (Some(start), Some(end)) => (start / 12.0).floor() != (end / 12.0).floor(),
            _ => false,
        })
        .collect();
    assert!(
        crossing.len() > 5,
        "only {} incidents cross a handoff",
        crossing.len()
    );
    for i in &crossing {
        // Handling is never cut short by the handoff.
        let ttm = i.ttm_hours.unwrap_or(f64::NAN);
        let wait = i.wait_hours.unwrap_or(f64::NAN);
        assert!((ttm - wait - 10.0).abs() < 1e-9, "{i:?}");
        assert!(!i.responder.is_empty());
    }
    // Each page counts once, in the shift where it was paged.
    let team = &r.teams[0];
    let counted = team[Metric::PagesPerShiftMean] * team.shifts as f64;
    let pages_in_counted_shifts = r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours < 8.0 * 168.0)
        .count() as f64;
    assert!(
        (counted - pages_in_counted_shifts).abs() < 1e-6,
        "{counted} vs {pages_in_counted_shifts}"
    );
}

#[test]
fn boundaries_at_the_horizon_and_the_end_of_warmup_are_counted_exactly_once() {
    let cfg = scenario(
        "horizon_weeks = 5\nwarmup_weeks = 2",
        "members = { a = 8 }\nshift_hours = 12",
        "page_rate_per_week = 20",
        "time_to_mitigate = { exponential = { mean_hours = 1 } }",
    );
    let r = traced(&cfg);
    // Shifts from the end of warm-up up to and including the one ending at the horizon.
    assert_eq!(r.teams[0].shifts, 3 * 14);
    // One weekly row per week, the first two flagged as warm-up.
    assert_eq!(r.weekly.len(), 5);
    let flags: Vec<bool> = r.weekly.iter().map(|w| w.in_warmup).collect();
    assert_eq!(flags, vec![true, true, false, false, false]);
    assert!(r.weekly.iter().all(|w| w.shifts == 14 || w.in_warmup));
    // The statistics window is [warmup, horizon): incidents and shift pages agree.
    let in_window = r
        .incidents
        .iter()
        .filter(|i| i.paged_at_hours >= 2.0 * 168.0 && i.paged_at_hours < 5.0 * 168.0)
        .count() as u64;
    assert_eq!((r.summary[Metric::Incidents] as u64), in_window);
    assert_eq!(
        r.incidents.len() as u64,
        in_window,
        "trace holds window incidents only"
    );
    let shift_pages =
        (r.teams[0][Metric::PagesPerShiftMean] * r.teams[0].shifts as f64).round() as u64;
    assert_eq!(shift_pages, in_window);
    // Capacity is counted for the window's three weeks only.
    let engineer_weeks = r.summary[Metric::EngineersMean] * 3.0;
    assert!((engineer_weeks - 24.0).abs() < 1e-9);
}

#[test]
fn warmup_of_zero_and_horizon_of_a_partial_week_work() {
    let cfg = scenario(
        "horizon_weeks = 1.5",
        "members = { a = 8 }\nshift_hours = 12",
        "page_rate_per_week = 20",
        "time_to_mitigate = { exponential = { mean_hours = 1 } }",
    );
    let r = traced(&cfg);
    assert_eq!(r.weekly.len(), 2);
    assert!((r.weekly[1].capacity_hours - 8.0 * 40.0 * 0.5).abs() < 1e-9);
    assert_eq!(r.teams[0].shifts, 21);
}

#[test]
fn phase_change_while_an_incident_is_open_lets_it_finish() {
    // General availability for one week, then the service retires (all later
    // phases last zero weeks); every incident takes 100 hours to mitigate.
    let cfg = scenario(
        "horizon_weeks = 4",
        "members = { a = 8 }\nshift_hours = 12\nresponders_per_shift = 2",
        "page_rate_per_week = 3\nphase_weeks = { general_availability = 1 }",
        "time_to_mitigate = { fixed = { hours = 100 } }",
    );
    let r = traced(&cfg);
    assert!((r.summary[Metric::Incidents] as u64) > 0);
    assert!(r.incidents.iter().all(|i| i.paged_at_hours < 168.0));
    assert!(r
        .incidents
        .iter()
        .all(|i| i.phase == "general_availability"));
    assert!(r
        .incidents
        .iter()
        .any(|i| i.mitigated_at_hours.is_some_and(|m| m > 168.0)));
    assert_eq!((r.summary[Metric::IncidentsOpenAtEnd] as u64), 0);
    assert_eq!(r.services[0].phase_at_end, "retired");
    // Every incident waited (at most two responders) and then took exactly 100 h.
    for i in &r.incidents {
        let ttm = i.ttm_hours.unwrap_or(f64::NAN);
        let wait = i.wait_hours.unwrap_or(f64::NAN);
        assert!((ttm - wait - 100.0).abs() < 1e-9);
    }
}

#[test]
fn lifecycle_multipliers_scale_the_page_rate() {
    // 50 weeks of limited availability at 2x, then 50 of general availability at 1x.
    let cfg = scenario(
        "horizon_weeks = 100",
        "members = { a = 8 }",
        "page_rate_per_week = 10\nphase_weeks = { limited_availability = 50, general_availability = inf }\n\
         page_multiplier = { limited_availability = 2.0, general_availability = 1.0 }",
        "time_to_mitigate = { fixed = { hours = 0.1 } }",
    );
    let r = traced(&cfg);
    let la = r
        .incidents
        .iter()
        .filter(|i| i.phase == "limited_availability")
        .count() as f64;
    let ga = r
        .incidents
        .iter()
        .filter(|i| i.phase == "general_availability")
        .count() as f64;
    // Poisson counts: 1000 ± 32 and 500 ± 22; four standard deviations each.
    assert!((la - 1000.0).abs() < 4.0 * 1000f64.sqrt(), "{la}");
    assert!((ga - 500.0).abs() < 4.0 * 500f64.sqrt(), "{ga}");
}

#[test]
fn load_profile_shifts_pages_into_working_hours_without_changing_the_total() {
    let cfg = scenario(
        "horizon_weeks = 200",
        "members = { a = 8 }",
        "page_rate_per_week = 20\nload_profile = { business_hours_multiplier = 3.0, off_hours_multiplier = 0.5 }",
        "time_to_mitigate = { fixed = { hours = 0.1 } }",
    );
    let r = traced(&cfg);
    let n = r.incidents.len() as f64;
    assert!((n - 4000.0).abs() < 4.0 * 4000f64.sqrt(), "{n}");
    // Working time is 75 of 168 hours: share = 75*3 / (75*3 + 93*0.5) = 0.8287.
    let working = r
        .incidents
        .iter()
        .filter(|i| sresim::model::WORKING_TIME.contains(i.paged_at_hours, 0.0))
        .count() as f64;
    let p = 225.0 / 271.5;
    let sd = (p * (1.0 - p) / n).sqrt();
    assert!((working / n - p).abs() < 4.0 * sd, "{} vs {p}", working / n);
}

#[test]
fn zero_rates_run_cleanly() {
    let cfg = scenario(
        "horizon_weeks = 10\nwarmup_weeks = 1",
        "members = { a = 8 }",
        "page_rate_per_week = 0\ntickets_per_week = 0",
        "time_to_mitigate = \"zero\"",
    );
    let r = simulate(&cfg, RunOptions::default()).expect("stable");
    assert_eq!((r.summary[Metric::Incidents] as u64), 0);
    assert_eq!(r.summary[Metric::PagesPerShiftMean], 0.0);
    assert_eq!(r.summary[Metric::ShiftsOverBudgetFrac], 0.0);
    assert!(r.summary[Metric::WaitHoursMean].is_nan());
    assert_eq!(r.summary[Metric::SloMetFrac], 1.0);
    assert_eq!(r.summary[Metric::ErrorBudgetSpentFrac], 0.0);
    assert_eq!(r.summary[Metric::OpsLoadFrac], 0.0);
    assert_eq!(r.weekly.len(), 10);
}

#[test]
fn follow_the_sun_shifts_go_to_the_site_in_daylight() {
    // Two sites 12 hours apart, handoff 07:00 UTC: site a covers 07-19 UTC, b the rest.
    let text = r#"
version = 1
[simulation]
horizon_weeks = 4
replications = 1
[[sites]]
name = "a"
utc_offset_hours = 0
[[sites]]
name = "b"
utc_offset_hours = 12
[[teams]]
name = "t"
members = { a = 3, b = 3 }
shift_hours = 12
handoff_utc_hour = 7
responders_per_shift = 1
[[services]]
name = "s"
product = "p"
stack = "x"
team = "t"
slo_target = 0.99
page_rate_per_week = 30
severities = [{ name = "only", share = 1.0, impact_fraction = 0.1, time_to_mitigate = { fixed = { hours = 0.01 } } }]
"#;
    let cfg = ScenarioSource::parse(text, "fts.toml", "fts")
        .and_then(|s| s.resolve(&[]))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = traced(&cfg);
    assert!(r.incidents.len() > 50);
    for i in &r.incidents {
        let hour = i.paged_at_hours.rem_euclid(24.0);
        let expected_site = if (7.0..19.0).contains(&hour) {
            "t-a-"
        } else {
            "t-b-"
        };
        assert!(i.responder.starts_with(expected_site), "{i:?}");
    }
    // Round robin: all three members of each site take turns.
    let mut responders: Vec<&str> = r.incidents.iter().map(|i| i.responder.as_str()).collect();
    responders.sort();
    responders.dedup();
    assert_eq!(responders.len(), 6, "{responders:?}");
    // Follow the sun: nobody is paged at night, so no off-hours pages on weekdays.
    assert!(r
        .incidents
        .iter()
        .filter(|i| i.offhours)
        .all(|i| sresim::engine::calendar::local_day_of_week(i.paged_at_hours, 0.0) >= 4));
}

/// The SRE book's case (ch.11): with 8 engineers at one site and a primary and a
/// secondary, each engineer is on call one week in four, whatever the shift length.
#[test]
fn oncall_share_counts_time_on_shift_in_any_role_as_the_sre_book_does() {
    for (shift, responders, expected) in [
        (168, 2, 0.25),
        (24, 2, 0.25),
        (12, 2, 0.25),
        (168, 3, 0.375),
        (12, 3, 0.375),
    ] {
        let cfg = scenario(
            "horizon_weeks = 8\nwarmup_weeks = 1",
            &format!(
                "members = {{ a = 8 }}\nshift_hours = {shift}\nresponders_per_shift = {responders}"
            ),
            "page_rate_per_week = 4",
            "time_to_mitigate = { exponential = { mean_hours = 1 } }",
        );
        let r = simulate(&cfg, RunOptions::default()).expect("stable");
        let share = r.summary[Metric::OncallTimeFrac];
        assert!(
            (share - expected).abs() < 1e-12,
            "{shift} h shifts, {responders} responders: {share}"
        );
        assert!((r.teams[0][Metric::OncallTimeFrac] - expected).abs() < 1e-12);
        for w in r.weekly.iter().filter(|w| !w.in_warmup) {
            assert!((w.oncall_time_frac - expected).abs() < 1e-12, "{w:?}");
        }
        // The primary's written-off working day is its own figure: with week-long
        // shifts, one engineer in eight gives up the working week.
        if shift == 168 {
            let writeoff = r.summary[Metric::OncallWriteoffFrac];
            assert!((writeoff - 0.125).abs() < 1e-12, "{writeoff}");
        }
    }
}

/// Long incidents carried past a handover: busy time on shift can never pass the time
/// on shift, and what runs over is reported beside it.
#[test]
fn responder_busy_share_stays_within_the_shift_and_the_overrun_is_reported() {
    // 2 engineers, 12 h shifts, 1 responder, 100 pages a week of fixed 8 h: the queue
    // never empties, and every responder carries handling past the end of each shift.
    let cfg = scenario(
        "horizon_weeks = 6",
        "members = { a = 2 }\nshift_hours = 12\nresponders_per_shift = 1",
        "page_rate_per_week = 100",
        "time_to_mitigate = { fixed = { hours = 8 } }",
    );
    let r = traced(&cfg);
    let busy = r.summary[Metric::ResponderBusyFrac];
    let overrun = r.summary[Metric::HandoverOverrunHours];
    assert!(busy <= 1.0 + 1e-12, "{busy}");
    assert!(
        busy > 0.95,
        "an overloaded responder is busy all shift: {busy}"
    );
    assert!(overrun > 0.0);
    // Handling time splits exactly into the on-shift and the after-shift parts.
    let (warmup, horizon) = (0.0, 6.0 * 168.0);
    let handled: f64 = r
        .incidents
        .iter()
        .filter_map(|i| Some((i.started_at_hours?, i.mitigated_at_hours.unwrap_or(horizon))))
        .map(|(s, m)| (m.min(horizon) - s.max(warmup)).max(0.0))
        .sum();
    let window = horizon - warmup;
    let oncall_hours =
        r.summary[Metric::OncallTimeFrac] * r.summary[Metric::EngineersMean] * window;
    assert!(
        (oncall_hours - 0.5 * 2.0 * window).abs() < 1e-6,
        "{oncall_hours}"
    );
    let on_shift = busy * oncall_hours;
    assert!(
        (on_shift + overrun - handled).abs() < 1e-6 * handled,
        "on shift {on_shift} + overrun {overrun} against handled {handled}"
    );
}
