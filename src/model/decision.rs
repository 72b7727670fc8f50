//! What the parts decide: closed decisions the loop's one `apply` carries out, and the
//! closed reasons written into `engagements.csv`.
//!
//! A part handles its events with read access to the world and returns decisions; it
//! never writes a pager holder, a team or a roster itself. The recorder counts the
//! decisions by variant (a hand-back is a [`HolderReason`] whose
//! [`is_handback`](HolderReason::is_handback) is true), never by the words in the CSV.

use serde::{Serialize, Serializer};

use super::event::Event;
use super::world::{EngineerId, PagerHolder, ServiceId, TeamId};
use crate::scenario::SplitAlong;

/// SRE work of an engagement, counted apart from ops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngagementWork {
    /// A design consultation.
    Consultation,
    /// A production readiness review.
    Review,
    /// Removing an unsupported service.
    Cleanup,
    /// Work with the developers on their tooling and skills (`empower_then_exit`).
    Empowerment,
}

/// Why a service's pager changed hands: one row of `engagements.csv` each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HolderReason {
    /// A phase without its own reason (design, active development).
    #[default]
    Phase,
    /// Limited availability: SRE and the developers share the pager.
    SharedLaunch,
    /// General availability: SRE holds the pager.
    GeneralAvailability,
    /// Deprecation: SRE keeps a scaled-back pager.
    Deprecation,
    /// Deprecation under `hand_over_legacy`: the old system goes to its developers.
    Handover,
    /// Abandoned: the developers hold the pager, SRE best effort on the most severe.
    Abandoned,
    /// Unsupported: nobody holds the pager.
    Unsupported,
    /// The service retired at the end of its lifecycle.
    Retired,
    /// Admitted from the onboarding queue at a service review.
    Onboarded,
    /// `error_budget`: handed back after windows over budget.
    HandedBack,
    /// `error_budget`: taken back after weeks within its SLO.
    TakenBack,
    /// `ops_overload`: the costliest service of an overloaded team, handed back.
    Overload,
    /// `empower_then_exit`: SRE left for good once the developers were empowered.
    Exit,
}

impl HolderReason {
    /// Every reason, in declaration order.
    pub const ALL: [HolderReason; 13] = [
        HolderReason::Phase,
        HolderReason::SharedLaunch,
        HolderReason::GeneralAvailability,
        HolderReason::Deprecation,
        HolderReason::Handover,
        HolderReason::Abandoned,
        HolderReason::Unsupported,
        HolderReason::Retired,
        HolderReason::Onboarded,
        HolderReason::HandedBack,
        HolderReason::TakenBack,
        HolderReason::Overload,
        HolderReason::Exit,
    ];

    /// The reason written as `text` in `engagements.csv`, if it is one.
    pub fn parse(text: &str) -> Option<HolderReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// How the reason is written in `engagements.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            HolderReason::Phase => "phase",
            HolderReason::SharedLaunch => "shared_launch",
            HolderReason::GeneralAvailability => "general_availability",
            HolderReason::Deprecation => "deprecation",
            HolderReason::Handover => "handover",
            HolderReason::Abandoned => "abandoned",
            HolderReason::Unsupported => "unsupported",
            HolderReason::Retired => "retired",
            HolderReason::Onboarded => "onboarded",
            HolderReason::HandedBack => "handback",
            HolderReason::TakenBack => "takeback",
            HolderReason::Overload => "overload",
            HolderReason::Exit => "exit",
        }
    }

    /// Whether SRE gives the pager back to the developers (the hand-backs metric).
    pub fn is_handback(self) -> bool {
        matches!(
            self,
            HolderReason::Abandoned
                | HolderReason::Handover
                | HolderReason::HandedBack
                | HolderReason::Overload
                | HolderReason::Exit
        )
    }

    /// Whether SRE takes a handed-back pager back (the take-backs metric).
    pub fn is_takeback(self) -> bool {
        self == HolderReason::TakenBack
    }
}

impl std::fmt::Display for HolderReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for HolderReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// What kind of re-organisation a `reorgs.csv` row records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReorgKind {
    /// A team split in two.
    #[default]
    Split,
    /// Two teams merged into one.
    Merge,
}

impl ReorgKind {
    /// How the kind is written in `reorgs.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReorgKind::Split => "split",
            ReorgKind::Merge => "merge",
        }
    }
}

impl Serialize for ReorgKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A team to split: the services and engineers that move to the new team.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The team that splits (it keeps the rest).
    pub team: TeamId,
    /// The services whose pager moves to the new team.
    pub services: Vec<ServiceId>,
    /// One service of each stack (or product) that moves, naming the line.
    pub lines: Vec<ServiceId>,
    /// Whether the lines are stacks or products.
    pub along: SplitAlong,
    /// The engineers who move.
    pub engineers: Vec<EngineerId>,
    /// Why, in words.
    pub reason: String,
}

/// Which of a service's rate factors a [`Decision::SetFactor`] sets; the page rate is
/// their product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateFactor {
    /// What the engagement made of the rate (a review's findings, the developers'
    /// tooling).
    Engagement,
    /// What reliability work and neglect made of the rate (and of the tickets).
    Reliability,
}

/// A decision of a part, carried out by the loop's one `apply`.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// `service`'s pager goes to `to`, for `why` (a row of `engagements.csv` when the
    /// holder changes).
    SetHolder {
        /// The service.
        service: ServiceId,
        /// Its new holder.
        to: PagerHolder,
        /// Why.
        why: HolderReason,
    },
    /// A team splits in two.
    Split(Split),
    /// `absorbed` merges into `keep`, both under the minimum rotation for `weeks` weeks.
    Merge {
        /// The team that stays.
        keep: TeamId,
        /// The team merged into it.
        absorbed: TeamId,
        /// Weeks in a row both were under the minimum rotation.
        weeks: u32,
    },
    /// One of `service`'s rate factors becomes `value`.
    SetFactor {
        /// The service.
        service: ServiceId,
        /// Which factor.
        factor: RateFactor,
        /// Its new value.
        value: f64,
    },
    /// `engineer` leaves the team (attrition).
    Leave {
        /// The engineer.
        engineer: EngineerId,
    },
    /// `team` spends `hours` of engagement work `work` over `span` (hours since the
    /// start), from its project time.
    Work {
        /// The team.
        team: TeamId,
        /// What kind of work.
        work: EngagementWork,
        /// How long, hours.
        hours: f64,
        /// When, `(from, to)`.
        span: (f64, f64),
    },
    /// Developer team `team` spends `hours` on a service's reliability (the
    /// error-budget policy), from its project time.
    DeveloperWork {
        /// The developer team.
        team: TeamId,
        /// How long, hours.
        hours: f64,
    },
    /// `event` is due at `at`.
    Schedule {
        /// When, hours since the start.
        at: f64,
        /// What.
        event: Event,
    },
    /// `service`'s release freeze starts (`frozen`) or ends: the change-induced part of
    /// its page rate stops or resumes.
    Freeze {
        /// The service.
        service: ServiceId,
        /// Whether it is frozen from now on.
        frozen: bool,
    },
    /// `team`'s count of weeks over the ops cap starts again (a hand-back relieved it).
    ResetOverCap {
        /// The team.
        team: TeamId,
    },
    /// A requisition of `team` is filled: a new engineer at `site` starts a ramp-up of
    /// `ramp_hours` before going on call.
    Hire {
        /// The team (the merged team, if it merged since the requisition opened).
        team: TeamId,
        /// Index of the site in the scenario.
        site: usize,
        /// `team-site-hN`.
        name: String,
        /// The ramp-up, hours.
        ramp_hours: f64,
    },
}
