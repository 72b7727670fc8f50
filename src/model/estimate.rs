//! What a run will cost before it starts: events to simulate and bytes of results to
//! hold, from the scenario alone. Jobs add up their runs and refuse a job past a limit
//! unless forced, naming the key that drives the cost.
//!
//! The figures are upper-leaning estimates, not bounds, counted in events of the
//! baseline's cost: pages at each service's highest phase multiplier over the whole
//! horizon, three events per page (the arrival candidate, the thinned-out candidates
//! around it, the mitigation), one event per shift and per week, plus the work that
//! grows with head count: a page looks for a free responder among those on shift, a
//! shift books each of its responders, a week's end each engineer. Those are cheaper
//! than an event; their weights below come from timing runs with 10 000 responders.

use super::results::{IncidentRecord, WeeklyRow};
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::scenario::ScenarioConfig;

/// Events per page in the estimate (see the module documentation).
const EVENTS_PER_PAGE: f64 = 3.0;

/// On-shift responders checked per event's worth of work, when a page looks for a free
/// one (measured: about 1 ns a check, against about 200 ns an event).
const SCANS_PER_EVENT: f64 = 100.0;

/// Responders booked (at a shift's change) or engineers closed (at a week's end) per
/// event's worth of work (measured: about 6 ns each).
const BOOKINGS_PER_EVENT: f64 = 30.0;

/// Heap bytes per text field of a result row (names), on top of the row itself.
const TEXT_BYTES: f64 = 32.0;

/// The cost of one run of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct RunEstimate {
    /// Events the run is expected to process.
    pub events: f64,
    /// Bytes of results the run hands back (the weekly series, and incidents when
    /// traced).
    pub bytes: f64,
    /// The scenario key that contributes most events, as a key path (a service's
    /// `page_rate_per_week`, a team's `shift_hours`), with its value.
    pub driver: (String, f64),
}

/// Estimates one run of `cfg` (with `trace`, one incident row per page).
pub fn estimate_run(cfg: &ScenarioConfig, trace: bool) -> RunEstimate {
    let weeks = cfg.simulation.horizon_weeks;
    let hours = weeks * HOURS_PER_WEEK;
    let engineers: f64 = cfg
        .teams
        .iter()
        .map(|t| t.members.iter().map(|&(_, n)| f64::from(n)).sum::<f64>())
        .sum();
    let most_responders = cfg
        .teams
        .iter()
        .map(|t| f64::from(t.responders_per_shift))
        .fold(0.0, f64::max);
    let per_page = EVENTS_PER_PAGE + most_responders / SCANS_PER_EVENT;
    let mut pages = 0.0;
    let mut events = weeks * (1.0 + (cfg.teams.len() as f64 + engineers) / BOOKINGS_PER_EVENT);
    let mut driver = ("simulation.horizon_weeks".to_string(), weeks, weeks);
    // Services stamped from one block share their key: add them up per block.
    let mut blocks: Vec<(&str, f64, f64)> = Vec::new();
    for s in &cfg.services {
        let peak = s
            .page_multiplier
            .0
            .iter()
            .copied()
            .filter(|m| m.is_finite())
            .fold(0.0, f64::max);
        let p = s.page_rate_per_week * peak * weeks;
        pages += p;
        match blocks.iter_mut().find(|(b, _, _)| *b == s.block) {
            Some(b) => b.2 += p * per_page,
            None => blocks.push((&s.block, s.page_rate_per_week, p * per_page)),
        }
    }
    for (block, rate, e) in blocks {
        events += e;
        if e > driver.2 {
            driver = (format!("services.{block}.page_rate_per_week"), rate, e);
        }
    }
    for t in &cfg.teams {
        let e =
            hours / t.shift_hours * (1.0 + f64::from(t.responders_per_shift) / BOOKINGS_PER_EVENT);
        events += e;
        if e > driver.2 {
            driver = (format!("teams.{}.shift_hours", t.name), t.shift_hours, e);
        }
    }
    let weekly_rows = weeks.ceil() * cfg.teams.len() as f64;
    let mut bytes = weekly_rows * (std::mem::size_of::<WeeklyRow>() as f64 + TEXT_BYTES);
    if trace {
        bytes += pages * (std::mem::size_of::<IncidentRecord>() as f64 + 4.0 * TEXT_BYTES);
    }
    RunEstimate {
        events,
        bytes,
        driver: (driver.0, driver.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> ScenarioConfig {
        crate::scenario::ScenarioSource::baseline()
            .resolve(&[])
            .expect("baseline")
    }

    #[test]
    fn events_grow_with_the_horizon_and_the_page_rates() {
        let cfg = baseline();
        let e = estimate_run(&cfg, false);
        assert!(e.events > 0.0 && e.bytes > 0.0, "{e:?}");
        let mut longer = cfg.clone();
        longer.simulation.horizon_weeks *= 2.0;
        let l = estimate_run(&longer, false);
        assert!(
            (l.events / e.events - 2.0).abs() < 0.01,
            "{} {}",
            l.events,
            e.events
        );
        let mut busier = cfg.clone();
        for s in &mut busier.services {
            s.page_rate_per_week *= 1000.0;
        }
        let b = estimate_run(&busier, true);
        assert!(b.events > 100.0 * e.events);
        assert!(b.driver.0.starts_with("services."), "{:?}", b.driver);
        assert!(
            b.driver.0.ends_with(".page_rate_per_week"),
            "{:?}",
            b.driver
        );
        assert!(
            b.bytes > estimate_run(&busier, false).bytes,
            "tracing holds incidents"
        );
    }

    #[test]
    fn short_shifts_drive_the_estimate_when_pages_are_few() {
        let mut cfg = baseline();
        for s in &mut cfg.services {
            s.page_rate_per_week = 0.0;
        }
        cfg.teams[0].shift_hours = 0.25;
        let e = estimate_run(&cfg, false);
        assert_eq!(
            e.driver.0,
            format!("teams.{}.shift_hours", cfg.teams[0].name)
        );
    }
}
