//! Weekly time accounting per team: what the week's hours went to.
//!
//! During a week each team's ledger collects handling, follow-up, ticket and interrupt
//! hours, the hours its engineers spent on shift as responders and the primary's
//! written-off working day. When the week closes, capacity is head count × hours per
//! week; *ops* is the sum of the ops hours (the 50% limit); the *on-call share* is the
//! on-shift responder hours over head count × 168 h (the 25% limit, counted as the SRE
//! book counts it: time on call in any role); project time is what capacity leaves
//! after the write-off, the ops hours not already done inside a written-off day and the
//! structural overheads (context switches between stacks and products, coordination).

use rand_distr::{Distribution, Poisson};

use super::world::Service;
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::SimRng;

/// Ops load above which a week counts as over the cap (SRE book ch.1).
pub const OPS_CAP_FRAC: f64 = 0.5;

/// Share of time on call above which a team is over the limit (SRE book ch.11).
pub const ONCALL_CAP_FRAC: f64 = 0.25;

/// The SRE book's pager budget: at most two incidents per 12-hour shift (ch.11), the
/// default of `pager_budget_per_shift`.
pub const BOOK_PAGER_BUDGET: u32 = 2;

/// One team's sums for the current week.
#[derive(Debug, Clone, Copy, Default)]
pub struct WeekLedger {
    /// Incidents paged to the team.
    pub incidents: u64,
    /// Shifts that ended (and are counted).
    pub shifts: u64,
    /// Pages in those shifts.
    pub shift_pages: u64,
    /// Acknowledge and mitigation hours.
    pub handling_hours: f64,
    /// Follow-up hours.
    pub followup_hours: f64,
    /// Ticket hours.
    pub ticket_hours: f64,
    /// Context-switch hours.
    pub interrupt_hours: f64,
    /// Hours engineers spent on shift as responders, in any role.
    pub oncall_hours: f64,
    /// The primaries' working hours written off for project work.
    pub writeoff_hours: f64,
    /// Handling hours a primary spent inside their working day: already written off.
    pub primary_workday_handling_hours: f64,
    /// Hours lost to switching between the stacks and products the team carries.
    pub context_switch_hours: f64,
    /// Hours of coordination inside the team and with other teams.
    pub coordination_hours: f64,
    /// Engagement hours: design consultations, readiness reviews, clean-ups (not ops,
    /// taken from project time).
    pub engagement_hours: f64,
    /// Engineers hired this week.
    pub hires: u64,
    /// Engineers who left at the end of this week.
    pub departures: u64,
}

/// A closed week of one team.
#[derive(Debug, Clone, Copy)]
pub struct WeekFigures {
    /// The ledger of the week.
    pub ledger: WeekLedger,
    /// Head count at the end of the week.
    pub headcount: u32,
    /// Working hours available.
    pub capacity_hours: f64,
    /// Handling, follow-up, tickets and interrupt overhead.
    pub ops_hours: f64,
    /// Hours left for project work.
    pub project_hours: f64,
    /// Ops hours over capacity.
    pub ops_load: f64,
    /// On-shift responder hours over head count × the week's hours (the 25% limit).
    pub oncall_frac: f64,
    /// Share of a whole week this week spans (less than 1 for a final partial week).
    pub week_fraction: f64,
}

/// `num / den`, NaN when there is nothing to divide by.
#[inline]
pub fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

impl WeekLedger {
    /// Closes the week: takes the ledger (leaving it empty for the next week) and
    /// computes the week's figures.
    pub fn close(
        &mut self,
        ticket_hours: f64,
        headcount: u32,
        hours_per_week: f64,
        week_fraction: f64,
        (context_switch_hours, coordination_hours): (f64, f64),
    ) -> WeekFigures {
        let mut w = std::mem::take(self);
        w.ticket_hours += ticket_hours;
        w.context_switch_hours = context_switch_hours;
        w.coordination_hours = coordination_hours;
        let capacity = f64::from(headcount) * hours_per_week * week_fraction;
        let ops = w.handling_hours + w.followup_hours + w.ticket_hours + w.interrupt_hours;
        let chargeable_ops = (ops - w.primary_workday_handling_hours).max(0.0);
        let project = (capacity
            - w.writeoff_hours
            - chargeable_ops
            - w.context_switch_hours
            - w.coordination_hours
            - w.engagement_hours)
            .max(0.0);
        let all_hours = f64::from(headcount) * HOURS_PER_WEEK * week_fraction;
        WeekFigures {
            ledger: w,
            headcount,
            capacity_hours: capacity,
            ops_hours: ops,
            project_hours: project,
            ops_load: ratio(ops, capacity),
            oncall_frac: ratio(w.oncall_hours, all_hours),
            week_fraction,
        }
    }
}

/// Tickets a service raised over `[from, to)`: Poisson with mean tickets per week × the
/// phase multiplier integrated over the interval.
pub fn tickets(service: &Service, rng: &mut SimRng, from: f64, to: f64) -> u64 {
    let mean = service.tickets_per_week / HOURS_PER_WEEK
        * service.schedule.multiplier_integral(from, to)
        * service.toil_factor;
    if mean > 0.0 {
        Poisson::new(mean)
            .map(|p| p.sample(rng) as u64)
            .unwrap_or(0)
    } else {
        0
    }
}
