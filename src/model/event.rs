//! The model's closed set of events, as past-tense facts.

use super::world::{EngineerId, IncidentId, ServiceId, TeamId};
use crate::scenario::Phase;

/// Something that happened at a point in simulated time. Small and `Copy`, so the
/// event queue never allocates per event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Event {
    /// A candidate arrival of the service's thinned Poisson process came due.
    ArrivalDue {
        /// The service.
        service: ServiceId,
    },
    /// A candidate arrival of the change-induced part of a service's page rate came
    /// due (`[engagement.budget_policy]`).
    ChangeArrivalDue {
        /// The service.
        service: ServiceId,
    },
    /// A responder mitigated an incident (or, with nobody on the pager, it mitigated by
    /// itself).
    IncidentMitigated {
        /// The incident.
        incident: IncidentId,
    },
    /// A team's next shift began.
    ShiftStarted {
        /// The team.
        team: TeamId,
    },
    /// A week ended (or the horizon came, ending a partial week).
    WeekEnded,
    /// A service entered a lifecycle phase.
    PhaseEntered {
        /// The service.
        service: ServiceId,
        /// The phase it is in from now on.
        phase: Phase,
    },
    /// A service left its last phase.
    ServiceRetired {
        /// The service.
        service: ServiceId,
    },
    /// A requisition was filled: a new engineer starts at `site` and ramps up.
    EngineerHired {
        /// The hiring team.
        team: TeamId,
        /// The scenario's site index.
        site: u32,
    },
    /// A service's production readiness review ended.
    ReviewEnded {
        /// The service.
        service: ServiceId,
    },
    /// A failed readiness review comes up again.
    ReviewRetried {
        /// The service.
        service: ServiceId,
    },
    /// An engineer joined their team's on-call rotation (their ramp-up ended); they are
    /// put on call from the next shift boundary.
    EngineerJoined {
        /// The engineer.
        engineer: EngineerId,
    },
}
