//! The entities of one run and their state: services, teams, engineers and incidents,
//! each behind a typed id, and who holds each service's pager.
//!
//! The world holds state only. What happens to it is decided by the other parts
//! (`arrivals`, `oncall`, `accounting`, `slo`) and counted by the `recorder`.

use std::collections::VecDeque;

use super::durations::Sampler;
use crate::engine::EventId;
use crate::scenario::Phase;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The id of the entity at `index` in its list.
            ///
            /// # Panics
            /// If `index` does not fit in 32 bits: lists that long are refused by
            /// validation long before, so this is a bug in the caller.
            #[inline]
            pub fn new(index: usize) -> Self {
                match u32::try_from(index) {
                    Ok(i) => Self(i),
                    Err(_) => panic!(concat!(stringify!($name), " out of range: {}"), index),
                }
            }

            /// Position in its list.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

typed_id!(
    /// A service of the scenario (after `count` stamping), in file order.
    ServiceId
);
typed_id!(
    /// A team, in file order.
    TeamId
);
typed_id!(
    /// An engineer, numbered team by team and site by site.
    EngineerId
);
typed_id!(
    /// A slot of the incident slab; slots are reused once an incident is mitigated.
    IncidentId
);

/// Whether a team is an SRE team or a team of the service's developers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TeamKind {
    /// Site reliability engineers.
    Sre,
    /// The developers of a product, holding the pager for what SRE does not support.
    Developer,
}

/// Who answers a service's pages. It can change during a run (onboarding, hand-back,
/// a shared launch); routing a page asks the holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PagerHolder {
    /// One team holds the pager.
    Team(TeamId),
    /// One team is primary; when all its on-shift responders are busy, a free
    /// responder of the other team takes the page. Pages wait in the primary's queue.
    Shared {
        /// The team paged first, and whose queue a waiting page joins.
        primary: TeamId,
        /// The team that backs it up.
        secondary: TeamId,
    },
    /// The developers hold the pager; SRE takes, best effort, only the incidents whose
    /// severity is at or above `sre_from_severity` (severities are listed most severe
    /// first, so index `i` is at or above the level when `i <= sre_from_severity`).
    BestEffort {
        /// The developer team.
        developers: TeamId,
        /// The SRE team taking the severe incidents.
        sre: TeamId,
        /// Index of the least severe level SRE takes.
        sre_from_severity: u16,
    },
    /// Nobody answers: incidents go unhandled until they mitigate by themselves.
    Nobody,
}

/// Where a page goes: the team paged first, and a team that may take it when every
/// responder of the first is busy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// Paged first; a page that finds no free responder waits in its queue.
    pub first: TeamId,
    /// Backs up `first` with a free responder, if any.
    pub backup: Option<TeamId>,
}

impl PagerHolder {
    /// The same holder with team `from` replaced by `to` wherever it appears.
    pub fn replace_team(self, from: TeamId, to: TeamId) -> PagerHolder {
        let swap = |t: TeamId| if t == from { to } else { t };
        match self {
            PagerHolder::Team(t) => PagerHolder::Team(swap(t)),
            PagerHolder::Shared { primary, secondary } => PagerHolder::Shared {
                primary: swap(primary),
                secondary: swap(secondary),
            },
            PagerHolder::BestEffort {
                developers,
                sre,
                sre_from_severity,
            } => PagerHolder::BestEffort {
                developers: swap(developers),
                sre: swap(sre),
                sre_from_severity,
            },
            PagerHolder::Nobody => PagerHolder::Nobody,
        }
    }

    /// The route of a page of the given severity index; `None` when nobody answers.
    #[inline]
    pub fn route(&self, severity: u16) -> Option<Route> {
        match *self {
            PagerHolder::Team(t) => Some(Route {
                first: t,
                backup: None,
            }),
            PagerHolder::Shared { primary, secondary } => Some(Route {
                first: primary,
                backup: Some(secondary),
            }),
            PagerHolder::BestEffort {
                developers,
                sre,
                sre_from_severity,
            } => Some(Route {
                first: if severity <= sre_from_severity {
                    sre
                } else {
                    developers
                },
                backup: None,
            }),
            PagerHolder::Nobody => None,
        }
    }

    /// The team that carries the service's non-paging work (tickets): the holder, the
    /// primary of a shared pager, the developers of a best-effort one.
    pub fn ticket_team(&self) -> Option<TeamId> {
        match *self {
            PagerHolder::Team(t) => Some(t),
            PagerHolder::Shared { primary, .. } => Some(primary),
            PagerHolder::BestEffort { developers, .. } => Some(developers),
            PagerHolder::Nobody => None,
        }
    }
}

/// One engineer.
#[derive(Debug, Clone)]
pub struct Engineer {
    /// `team-site-k`.
    pub name: String,
    /// The team the engineer belongs to.
    pub team: TeamId,
    /// Index of the engineer's site in the scenario.
    pub site: usize,
    /// The site's offset from UTC, hours.
    pub utc_offset_hours: f64,
    /// Whether the engineer may be put on call (their ramp-up has ended).
    pub on_call_eligible: bool,
    /// Whether the engineer is on the team's roster (false once they leave).
    pub active: bool,
    /// The incident being handled, if any.
    pub handling: Option<IncidentId>,
    /// Whether the engineer is a responder of the team's current shift.
    pub on_shift: bool,
    /// Start of the handling time not yet booked as on-shift or after-shift time.
    pub busy_since: f64,
    /// Pages the engineer started handling off-hours this week (the people part's
    /// load multiplier reads them at the week's end).
    pub offhours_pages_week: u32,
}

impl Engineer {
    /// Whether the engineer is handling an incident.
    #[inline]
    pub fn busy(&self) -> bool {
        self.handling.is_some()
    }
}

/// A team's fixed on-call parameters.
#[derive(Debug, Clone)]
pub struct TeamParams {
    /// Shift length, hours (divides a week).
    pub shift_hours: f64,
    /// UTC hour of the first shift boundary.
    pub handoff_utc_hour: f64,
    /// Responders per shift: primary, secondary, …
    pub responders: usize,
    /// Pages per shift above which a shift is over budget.
    pub pager_budget: u32,
    /// Working hours per engineer and week.
    pub hours_per_week: f64,
    /// Acknowledge delay in the responder's working time.
    pub ack_working: Sampler,
    /// Acknowledge delay off-hours.
    pub ack_off: Sampler,
    /// Follow-up hours booked per incident.
    pub followup_hours: f64,
    /// Context-switch hours booked per page.
    pub interrupt_hours: f64,
    /// Time-to-mitigate factor for incidents of a stack the team does not mainly carry.
    pub unfamiliar_ttm_factor: f64,
    /// Context-switch hours per engineer-week for each stack and product beyond the
    /// first.
    pub context_switch_hours: f64,
    /// Coordination hours per engineer-week inside the team.
    pub coordination_hours: f64,
    /// Coordination hours per engineer-week for each other SRE team.
    pub cross_team_hours: f64,
    /// Smallest rotation at one site.
    pub min_rotation_single_site: u32,
    /// Smallest head count at each site of a multi-site rotation.
    pub min_rotation_per_site: u32,
}

/// A team's rotation and its current shift.
#[derive(Debug, Clone, Default)]
pub struct Rotation {
    /// Roster per covering site, in rotation order.
    pub by_site: Vec<Vec<EngineerId>>,
    /// The scenario's site index of each roster in `by_site`.
    pub roster_sites: Vec<usize>,
    /// Round-robin position per covering site.
    pub cursor: Vec<usize>,
    /// Which entry of `by_site` covers each shift of the weekly pattern.
    pub covering: Vec<usize>,
    /// Index of the current shift (shift k starts at handoff + k × shift hours).
    pub shift_index: i64,
    /// Start of the current shift.
    pub shift_start: f64,
    /// End of the current shift.
    pub shift_end: f64,
    /// Pages to the team in the current shift.
    pub shift_pages: u32,
    /// Responders of the current shift, primary first.
    pub on_shift: Vec<EngineerId>,
    /// Time up to which the shift's on-call hours and the primary's write-off are
    /// booked.
    pub booked_to: f64,
    /// The pending `ShiftStarted` event of the next shift.
    pub next_shift: Option<EventId>,
}

impl Rotation {
    /// The current primary, if the shift has any responder.
    #[inline]
    pub fn primary(&self) -> Option<EngineerId> {
        self.on_shift.first().copied()
    }
}

/// One team: fixed parameters, its rotation and the pages waiting for a responder.
#[derive(Debug, Clone)]
pub struct Team {
    /// Team name.
    pub name: String,
    /// SRE or developers.
    pub kind: TeamKind,
    /// Fixed on-call parameters.
    pub params: TeamParams,
    /// Rotation and current shift.
    pub rotation: Rotation,
    /// Pages waiting for a free responder, oldest first.
    pub queue: VecDeque<IncidentId>,
    /// The stack most of the team's services run on (its incidents of other stacks
    /// take longer to mitigate); `None` while it holds no service.
    pub main_stack: Option<usize>,
    /// The team it was merged into, once it has been (it then has no engineers, no
    /// services and no shifts).
    pub merged_into: Option<TeamId>,
    /// Weeks in a row the team has been over the 50% ops cap (the trigger of
    /// `split_when.ops_cap_weeks` and of `ops_overload`; either restarts it).
    pub weeks_over_cap: u32,
    /// The factor fatigue puts on the team's times to mitigate now (1 without
    /// `[people]`); the people part sets it at the end of each week.
    pub fatigue_ttm_factor: f64,
    /// The time-to-mitigate factor of a developer team now (the engagement part's;
    /// unused for an SRE team).
    pub dev_ttm_factor: f64,
}

/// One severity level of a service.
#[derive(Debug, Clone)]
pub struct SeverityModel {
    /// Cumulative share up to and including this level (the last is 1).
    pub cumulative_share: f64,
    /// Fraction of users affected while an incident is open.
    pub impact: f64,
    /// Time to mitigate once acknowledged.
    pub ttm: Sampler,
}

/// A service's lifecycle as a schedule: phase i spans `[start[i], start[i + 1])`, and
/// the service is retired from `start[7]`.
#[derive(Debug, Clone, Copy)]
pub struct PhaseSchedule {
    /// Start of each phase, then the retirement; hours since t = 0.
    pub start: [f64; 8],
    /// Page-rate (and ticket-rate) multiplier of each phase.
    pub multiplier: [f64; 7],
}

impl PhaseSchedule {
    /// The phase at `t`: `None` before launch and after retirement.
    #[inline]
    pub fn phase_at(&self, t: f64) -> Option<Phase> {
        if t < self.start[0] {
            return None;
        }
        (0..7)
            .find(|&i| t < self.start[i + 1])
            .map(|i| Phase::ALL[i])
    }

    /// The next time after `t` at which the phase changes (or the service retires).
    pub fn next_change_after(&self, t: f64) -> Option<f64> {
        self.start.iter().copied().find(|&s| s > t)
    }

    /// ∫ multiplier dt over `[a, b]`, hours.
    pub fn multiplier_integral(&self, a: f64, b: f64) -> f64 {
        (0..7)
            .map(|i| {
                let lo = a.max(self.start[i]);
                let hi = b.min(self.start[i + 1]);
                if hi > lo {
                    (hi - lo) * self.multiplier[i]
                } else {
                    0.0
                }
            })
            .sum()
    }
}

/// One service.
#[derive(Debug, Clone)]
pub struct Service {
    /// Who answers its pages now.
    pub holder: PagerHolder,
    /// Its lifecycle phase now (`None` before launch and after retirement).
    pub phase: Option<Phase>,
    /// Its lifecycle schedule.
    pub schedule: PhaseSchedule,
    /// Severity levels, most severe first.
    pub severities: Vec<SeverityModel>,
    /// Tickets per week at phase multiplier 1.
    pub tickets_per_week: f64,
    /// Hours per ticket.
    pub hours_per_ticket: f64,
    /// Its technology stack, as an index into the run's distinct stacks.
    pub stack: usize,
    /// Its product, as an index into the run's distinct products.
    pub product: usize,
    /// What the engagement has made of its page rate: a readiness review's findings,
    /// times the developers' tooling (`empower_then_exit`); 1 without either.
    pub engagement_factor: f64,
    /// Its page rate now relative to the scenario's: a readiness review's findings
    /// times what reliability work and neglect have made of it (1 without either).
    pub rate_factor: f64,
    /// Its ticket rate now relative to the scenario's (toil automated or grown back).
    pub toil_factor: f64,
    /// SRE ops hours spent on it this week (pages, follow-ups, tickets); the
    /// engagement part's `ops_overload` reads them at the week's end.
    pub ops_hours_week: f64,
}

/// An incident (one problem = one page), from page to mitigation.
#[derive(Debug, Clone, Copy)]
pub struct Incident {
    /// The service it belongs to.
    pub service: ServiceId,
    /// The team paged first (`None` when nobody holds the pager).
    pub team: Option<TeamId>,
    /// Severity index.
    pub severity: u16,
    /// The service's phase when paged.
    pub phase: Phase,
    /// Whether no responder was on shift when paged.
    pub uncovered: bool,
    /// Whether it was paged inside the statistics window.
    pub counted: bool,
    /// The SLO window it spends budget in (when counted).
    pub slo_window: u64,
    /// Page time.
    pub paged_at: f64,
    /// Start of handling (NaN while waiting).
    pub started_at: f64,
    /// Acknowledge delay (NaN while waiting).
    pub ack: f64,
    /// Who handles it.
    pub responder: Option<EngineerId>,
}

/// Incidents in flight: a slab whose slots are reused, so memory follows the number
/// open at once, not the number over the run.
#[derive(Debug, Default)]
pub struct Incidents {
    slots: Vec<Incident>,
    free: Vec<IncidentId>,
}

impl Incidents {
    /// Stores a new incident and returns its id.
    #[inline]
    pub fn open(&mut self, incident: Incident) -> IncidentId {
        match self.free.pop() {
            Some(id) => {
                self.slots[id.index()] = incident;
                id
            }
            None => {
                self.slots.push(incident);
                IncidentId::new(self.slots.len() - 1)
            }
        }
    }

    /// Frees the slot of a mitigated incident and returns the incident.
    #[inline]
    pub fn close(&mut self, id: IncidentId) -> Incident {
        self.free.push(id);
        self.slots[id.index()]
    }

    /// The incident in slot `id`.
    #[inline]
    pub fn get(&self, id: IncidentId) -> &Incident {
        &self.slots[id.index()]
    }

    /// The incident in slot `id`, to update.
    #[inline]
    pub fn get_mut(&mut self, id: IncidentId) -> &mut Incident {
        &mut self.slots[id.index()]
    }

    /// Incidents still open, in slot order.
    pub fn open_ones(&self) -> Vec<IncidentId> {
        let mut is_free = vec![false; self.slots.len()];
        for f in &self.free {
            is_free[f.index()] = true;
        }
        (0..self.slots.len())
            .filter(|&i| !is_free[i])
            .map(IncidentId::new)
            .collect()
    }
}

/// Everything in one run.
#[derive(Debug)]
pub struct World {
    /// Engineers, by [`EngineerId`].
    pub engineers: Vec<Engineer>,
    /// Teams, by [`TeamId`].
    pub teams: Vec<Team>,
    /// Services, by [`ServiceId`].
    pub services: Vec<Service>,
    /// Incidents in flight.
    pub incidents: Incidents,
}

impl World {
    /// Distinct stacks and products among the services `team` carries (holds the
    /// tickets of).
    pub fn carried(&self, team: TeamId) -> (usize, usize) {
        let mut stacks: Vec<usize> = Vec::new();
        let mut products: Vec<usize> = Vec::new();
        for s in self
            .services
            .iter()
            .filter(|s| s.holder.ticket_team() == Some(team))
        {
            if !stacks.contains(&s.stack) {
                stacks.push(s.stack);
            }
            if !products.contains(&s.product) {
                products.push(s.product);
            }
        }
        (stacks.len(), products.len())
    }

    /// Sets each team's main stack: the stack of most of the services it carries (ties
    /// to the stack listed first).
    pub fn refresh_main_stacks(&mut self) {
        for ti in 0..self.teams.len() {
            let mut counts: Vec<u32> = Vec::new();
            for s in &self.services {
                if s.holder.ticket_team() == Some(TeamId::new(ti)) {
                    if counts.len() <= s.stack {
                        counts.resize(s.stack + 1, 0);
                    }
                    counts[s.stack] += 1;
                }
            }
            self.teams[ti].main_stack = counts
                .iter()
                .enumerate()
                .filter(|&(_, &c)| c > 0)
                .max_by_key(|&(i, &c)| (c, std::cmp::Reverse(i)))
                .map(|(i, _)| i);
        }
    }

    /// The engineer with id `e`.
    #[inline]
    pub fn engineer(&self, e: EngineerId) -> &Engineer {
        &self.engineers[e.index()]
    }

    /// The engineer with id `e`, to update.
    #[inline]
    pub fn engineer_mut(&mut self, e: EngineerId) -> &mut Engineer {
        &mut self.engineers[e.index()]
    }

    /// The team with id `t`.
    #[inline]
    pub fn team(&self, t: TeamId) -> &Team {
        &self.teams[t.index()]
    }

    /// The team with id `t`, to update.
    #[inline]
    pub fn team_mut(&mut self, t: TeamId) -> &mut Team {
        &mut self.teams[t.index()]
    }

    /// The service with id `s`.
    #[inline]
    pub fn service(&self, s: ServiceId) -> &Service {
        &self.services[s.index()]
    }

    /// The service with id `s`, to update.
    #[inline]
    pub fn service_mut(&mut self, s: ServiceId) -> &mut Service {
        &mut self.services[s.index()]
    }

    /// The team `t` is now: itself, or the team it was merged into (followed through
    /// later merges).
    pub fn current_team(&self, mut t: TeamId) -> TeamId {
        while let Some(next) = self.team(t).merged_into {
            t = next;
        }
        t
    }

    /// Ids of all teams.
    pub fn team_ids(&self) -> impl Iterator<Item = TeamId> {
        (0..self.teams.len()).map(TeamId::new)
    }

    /// Ids of all services.
    pub fn service_ids(&self) -> impl Iterator<Item = ServiceId> {
        (0..self.services.len()).map(ServiceId::new)
    }

    /// Whether `team` is below its minimum rotation now: fewer than
    /// `min_rotation_single_site` engineers at its one staffed site, or fewer than
    /// `min_rotation_per_site` at any staffed site of several.
    pub fn understaffed(&self, team: TeamId) -> bool {
        let rot = &self.team(team).rotation;
        let p = &self.team(team).params;
        let staffed: Vec<u32> = rot
            .by_site
            .iter()
            .map(|r| r.iter().filter(|&&e| self.engineer(e).active).count() as u32)
            .filter(|&n| n > 0)
            .collect();
        match staffed.len() {
            0 => true,
            1 => staffed[0] < p.min_rotation_single_site,
            _ => staffed.iter().any(|&n| n < p.min_rotation_per_site),
        }
    }

    /// Engineers on a team's roster.
    pub fn headcount(&self, t: TeamId) -> u32 {
        self.engineers
            .iter()
            .filter(|e| e.team == t && e.active)
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holders_route_pages_to_the_right_team() {
        let (sre, dev) = (TeamId::new(0), TeamId::new(1));
        assert_eq!(
            PagerHolder::Team(sre).route(3),
            Some(Route {
                first: sre,
                backup: None
            })
        );
        assert_eq!(
            PagerHolder::Shared {
                primary: dev,
                secondary: sre
            }
            .route(0),
            Some(Route {
                first: dev,
                backup: Some(sre)
            })
        );
        let best_effort = PagerHolder::BestEffort {
            developers: dev,
            sre,
            sre_from_severity: 1,
        };
        assert_eq!(best_effort.route(0).map(|r| r.first), Some(sre));
        assert_eq!(best_effort.route(1).map(|r| r.first), Some(sre));
        assert_eq!(best_effort.route(2).map(|r| r.first), Some(dev));
        assert_eq!(best_effort.ticket_team(), Some(dev));
        assert_eq!(PagerHolder::Nobody.route(0), None);
        assert_eq!(PagerHolder::Nobody.ticket_team(), None);
    }

    #[test]
    fn phase_schedule_skips_empty_phases_and_retires() {
        let s = PhaseSchedule {
            start: [10.0, 10.0, 20.0, 30.0, 30.0, 40.0, 50.0, 60.0],
            multiplier: [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        };
        assert_eq!(s.phase_at(5.0), None);
        assert_eq!(s.phase_at(10.0), Some(Phase::ActiveDevelopment));
        assert_eq!(s.phase_at(30.0), Some(Phase::Deprecation));
        assert_eq!(s.phase_at(60.0), None);
        assert_eq!(s.next_change_after(10.0), Some(20.0));
        assert_eq!(s.next_change_after(60.0), None);
        assert_eq!(s.multiplier_integral(0.0, 25.0), 10.0 + 10.0);
    }

    #[test]
    fn incident_slots_are_reused() {
        let inc = Incident {
            service: ServiceId::new(0),
            team: None,
            severity: 0,
            phase: Phase::GeneralAvailability,
            uncovered: false,
            counted: true,
            slo_window: 0,
            paged_at: 1.0,
            started_at: f64::NAN,
            ack: f64::NAN,
            responder: None,
        };
        let mut slab = Incidents::default();
        let a = slab.open(inc);
        let b = slab.open(inc);
        slab.close(a);
        assert_eq!(slab.open_ones(), vec![b]);
        assert_eq!(slab.open(inc), a);
    }
}
