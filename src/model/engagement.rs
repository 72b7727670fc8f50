//! Engagement over the service lifecycle (`[engagement]`): who holds each service's
//! pager in each phase, and what SRE spends on the way.
//!
//! Every service starts with its developers (one team per product unless
//! `[[dev_teams]]` says otherwise), except one whose lifecycle starts past active
//! development: it went through its review before the run, and SRE supports it. Entering *design* costs its SRE team a consultation;
//! entering *active development* starts a production readiness review whose effort is
//! spread over its weeks (cut short when active development ends). A review passes with
//! a probability drawn from the service's own engagement stream; its findings lower the
//! page rate (the reliability factor of the arrivals, so no other draw moves); a failed
//! review is tried again after a delay while the service is still in active development,
//! else the service stays with its developers. A passed service waits in the onboarding
//! queue until a service review admits it (by tier, then expected load, through the
//! gate `all`, `tier` or `capacity`; a review falls at the end of the week it is due
//! in, after every team's week has closed). Once onboarded, the pager follows the phase:
//! shared at limited availability, SRE's at general availability and deprecation (the
//! developers keep a share of the incidents), the developers' with SRE best effort on the
//! most severe when abandoned, nobody's when unsupported (after SRE's clean-up). Every
//! change of holder is a row of `engagements.csv`.

use rand::Rng;

use super::accounting::OPS_CAP_FRAC;
use super::arrivals::{service_stream, ServiceStream};
use super::decision::{Decision, EngagementWork, HolderReason, RateFactor};
use super::event::Event;
use super::recorder::Recorder;
use super::world::{PagerHolder, Route, ServiceId, TeamId, TeamKind, World};
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::SimRng;
use crate::scenario::organization::hours_per_page;
use crate::scenario::{Disengage, EngagementConfig, Onboarding, Phase, ScenarioConfig};

/// Weeks of a team's ops hours behind the capacity gate's projection.
const RECENT_WEEKS: usize = 4;

/// Where a service's readiness review stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Review {
    NotStarted,
    /// Running over `[start, end)`; hours booked up to `booked_to`.
    Running {
        start: f64,
        end: f64,
        booked_to: f64,
    },
    Passed,
    Failed,
}

/// One service's engagement.
#[derive(Debug, Clone)]
struct ServiceState {
    sre: TeamId,
    developers: TeamId,
    onboarded: bool,
    review: Review,
    /// When it joined the onboarding queue (NaN when not queued).
    queued_at: f64,
    /// Expected SRE ops hours a week in general availability, after its review.
    expected_ops_hours: f64,
    tier: u32,
    /// Handed back to its developers (for now, or for good).
    handed_back: bool,
    /// Handed back for good: never taken back.
    for_good: bool,
    handed_back_at: f64,
    /// SLO windows over budget in a row, and when the last one ended.
    over_streak: u32,
    last_over: f64,
    /// SRE ops hours in the last weeks (a ring).
    ops_recent: [f64; RECENT_WEEKS],
    /// What its review's findings left on its page rate (1 before).
    findings: f64,
    /// Developer hours a week on its reliability the budget policy asks for now.
    dev_hours: f64,
    /// End of its release freeze (NaN when not frozen).
    frozen_until: f64,
}

/// Where a developer team's empowerment (`empower_then_exit`) stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Empower {
    NotStarted,
    /// Since `start`, paid for by the SRE team `sre`.
    Running {
        start: f64,
        sre: TeamId,
    },
    Done,
}

/// The engagement state of one run.
#[derive(Debug)]
pub struct Engagement {
    cfg: EngagementConfig,
    services: Vec<ServiceState>,
    /// Services that passed their review and wait to be onboarded.
    queue: Vec<ServiceId>,
    /// By service: the engagement stream (review outcomes, the developers' share).
    rngs: Vec<SimRng>,
    /// By team: (ops hours, capacity hours) of the last weeks, a ring.
    recent: Vec<[(f64, f64); RECENT_WEEKS]>,
    /// When the next service review is due.
    next_review: f64,
    /// By team: the mitigation factor of a developer team now.
    dev_factor: Vec<f64>,
    /// By team: a developer team's empowerment (`empower_then_exit`).
    empower: Vec<Empower>,
    /// The run's horizon, hours.
    horizon: f64,
}

impl Engagement {
    /// The state of `cfg`'s engagement, with every service held by its developers.
    pub fn new(cfg: &ScenarioConfig, e: &EngagementConfig, opts: &super::RunOptions) -> Self {
        let sre_teams = cfg.teams.len();
        let services = cfg
            .services
            .iter()
            .map(|s| {
                let dev = e
                    .dev_team_of_product
                    .iter()
                    .find(|(p, _)| *p == s.product)
                    .map_or(0, |&(_, d)| d);
                let per_page = hours_per_page(s, &cfg.teams[s.team]);
                let ga = s.page_multiplier.0[Phase::GeneralAvailability.index()];
                let expected = ga
                    * (s.page_rate_per_week * e.prr_page_rate_factor * per_page
                        + s.tickets_per_week * s.hours_per_ticket);
                // A service whose lifecycle starts past active development went through
                // its review before the run: SRE supports it from the start.
                let reviewed = s.phase_weeks.0[Phase::Design.index()] == 0.0
                    && s.phase_weeks.0[Phase::ActiveDevelopment.index()] == 0.0;
                ServiceState {
                    sre: TeamId::new(s.team),
                    developers: TeamId::new(sre_teams + dev),
                    onboarded: reviewed,
                    review: if reviewed {
                        Review::Passed
                    } else {
                        Review::NotStarted
                    },
                    queued_at: f64::NAN,
                    expected_ops_hours: expected,
                    tier: s.tier,
                    handed_back: false,
                    for_good: false,
                    handed_back_at: f64::NAN,
                    over_streak: 0,
                    last_over: f64::NEG_INFINITY,
                    ops_recent: [0.0; RECENT_WEEKS],
                    findings: 1.0,
                    dev_hours: 0.0,
                    frozen_until: f64::NAN,
                }
            })
            .collect();
        let rngs = cfg
            .services
            .iter()
            .map(|s| {
                service_stream(
                    cfg.simulation.seed,
                    opts,
                    &s.name,
                    ServiceStream::Engagement,
                )
            })
            .collect();
        Engagement {
            cfg: e.clone(),
            services,
            queue: Vec::new(),
            rngs,
            recent: vec![[(0.0, 0.0); RECENT_WEEKS]; sre_teams + e.dev_teams.len()],
            next_review: e.review_weeks * HOURS_PER_WEEK,
            dev_factor: vec![e.dev_mitigation_factor; sre_teams + e.dev_teams.len()],
            empower: vec![Empower::NotStarted; sre_teams + e.dev_teams.len()],
            horizon: cfg.simulation.horizon_weeks * HOURS_PER_WEEK,
        }
    }

    /// Who holds the pager of `service` when it launches into `phase`.
    pub fn initial_holder(&self, service: ServiceId, phase: Option<Phase>) -> PagerHolder {
        self.holder(service, phase)
    }

    /// The time-to-mitigate factor of developer team `team` now.
    pub fn dev_mitigation_factor(&self, team: TeamId) -> f64 {
        self.dev_factor[team.index()]
    }

    /// An SLO window of `service` ending at `end` closed, within its budget or not.
    /// With a budget policy, the escalation follows the windows over budget in a row:
    /// named engineers after one, a reliability push after two, a release freeze after
    /// three (returns whether a freeze starts now).
    pub fn window_closed(&mut self, service: ServiceId, end: f64, met: bool) -> bool {
        let s = &mut self.services[service.index()];
        if met {
            s.over_streak = 0;
        } else {
            s.over_streak += 1;
            s.last_over = end;
        }
        let Some(policy) = self.cfg.budget_policy else {
            return false;
        };
        s.dev_hours = match s.over_streak {
            0 => 0.0,
            1 => policy.named_engineer_hours,
            _ => policy.push_hours,
        };
        s.over_streak >= 3 && policy.freeze_weeks > 0.0 && !s.frozen_until.is_finite()
    }

    /// Developer hours a week the budget policy puts on `service`'s reliability now.
    pub fn budget_dev_hours(&self, service: ServiceId) -> f64 {
        self.services[service.index()].dev_hours
    }

    /// Who holds the pager of `service` in `phase`.
    fn holder(&self, service: ServiceId, phase: Option<Phase>) -> PagerHolder {
        let s = &self.services[service.index()];
        let (sre, dev) = (s.sre, s.developers);
        if !s.onboarded || s.handed_back {
            return PagerHolder::Team(dev);
        }
        let strategy = self.cfg.disengage;
        match phase {
            // The legacy system stays with its developers from its deprecation on.
            Some(Phase::Deprecation | Phase::Abandoned)
                if strategy == Disengage::HandoverLegacy =>
            {
                PagerHolder::Team(dev)
            }
            Some(Phase::Abandoned) if strategy == Disengage::Never => PagerHolder::Team(sre),
            Some(Phase::LimitedAvailability) => {
                if self.cfg.sre_primary_at_launch {
                    PagerHolder::Shared {
                        primary: sre,
                        secondary: dev,
                    }
                } else {
                    PagerHolder::Shared {
                        primary: dev,
                        secondary: sre,
                    }
                }
            }
            Some(Phase::Abandoned) => PagerHolder::BestEffort {
                developers: dev,
                sre,
                sre_from_severity: 0,
            },
            Some(Phase::Unsupported) | None => PagerHolder::Nobody,
            Some(_) => PagerHolder::Team(sre),
        }
    }

    /// `team`'s week closed with `ops_hours` of `capacity_hours`.
    pub fn week_closed(&mut self, team: TeamId, week: u64, ops_hours: f64, capacity_hours: f64) {
        self.recent[team.index()][week as usize % RECENT_WEEKS] = (ops_hours, capacity_hours);
    }

    /// A team formed during the run (a split).
    pub fn team_added(&mut self) {
        self.recent.push([(0.0, 0.0); RECENT_WEEKS]);
        self.dev_factor.push(self.cfg.dev_mitigation_factor);
        self.empower.push(Empower::NotStarted);
    }

    /// `services` moved to SRE team `to` (a split): it supports them from now on.
    pub fn services_moved(&mut self, services: &[ServiceId], to: TeamId) {
        for s in services {
            self.services[s.index()].sre = to;
        }
    }

    /// SRE team `from` merged into `to`: its services are `to`'s.
    pub fn team_merged(&mut self, from: TeamId, to: TeamId) {
        for s in &mut self.services {
            if s.sre == from {
                s.sre = to;
            }
        }
    }

    /// Moves every service's ops hours of the week (the world's count) into its ring.
    fn roll_week(&mut self, world: &World, week: u64) {
        for (s, svc) in self.services.iter_mut().zip(&world.services) {
            s.ops_recent[week as usize % RECENT_WEEKS] = svc.ops_hours_week;
        }
    }
}

/// Whether an SRE team holds `service`'s pager, alone or shared (best effort on the
/// most severe incidents of an abandoned service is not support).
fn sre_holds(world: &World, service: ServiceId) -> bool {
    let sre = |t: TeamId| world.team(t).kind == TeamKind::Sre;
    match world.service(service).holder {
        PagerHolder::Team(t) => sre(t),
        PagerHolder::Shared { primary, secondary } => sre(primary) || sre(secondary),
        PagerHolder::BestEffort { .. } | PagerHolder::Nobody => false,
    }
}

impl Engagement {
    /// `service` entered `phase` at `t` (`None`: retired): the SRE work the phase asks
    /// for, and the pager holder the phase gives.
    pub fn phase_entered(
        &mut self,
        world: &World,
        service: ServiceId,
        phase: Option<Phase>,
        t: f64,
        out: &mut Vec<Decision>,
    ) {
        let s = &self.services[service.index()];
        let sre = s.sre;
        let handover = self.cfg.disengage == Disengage::HandoverLegacy;
        match phase {
            Some(Phase::Design) => out.push(Decision::Work {
                team: sre,
                work: EngagementWork::Consultation,
                hours: self.cfg.consultation_hours,
                span: (t, t),
            }),
            Some(Phase::ActiveDevelopment) if s.review == Review::NotStarted => {
                self.start_review(world, service, t, out);
            }
            Some(Phase::Unsupported) if s.onboarded => out.push(Decision::Work {
                team: sre,
                work: EngagementWork::Cleanup,
                hours: self.cfg.cleanup_hours,
                span: (t, t),
            }),
            _ => {}
        }
        let why = match phase {
            Some(Phase::LimitedAvailability) => HolderReason::SharedLaunch,
            Some(Phase::GeneralAvailability) => HolderReason::GeneralAvailability,
            Some(Phase::Deprecation) if handover => HolderReason::Handover,
            Some(Phase::Deprecation) => HolderReason::Deprecation,
            Some(Phase::Abandoned) => HolderReason::Abandoned,
            Some(Phase::Unsupported) => HolderReason::Unsupported,
            Some(_) => HolderReason::Phase,
            None => HolderReason::Retired,
        };
        out.push(self.set_holder(service, phase, why));
    }

    /// The holder `service`'s engagement and `phase` call for, as a decision.
    fn set_holder(&self, service: ServiceId, phase: Option<Phase>, why: HolderReason) -> Decision {
        Decision::SetHolder {
            service,
            to: self.holder(service, phase),
            why,
        }
    }

    /// Starts a readiness review of `service` at `t`: it runs its weeks, or until active
    /// development ends.
    fn start_review(&mut self, world: &World, service: ServiceId, t: f64, out: &mut Vec<Decision>) {
        let schedule = &world.service(service).schedule;
        let dev_end = schedule.start[Phase::ActiveDevelopment.index() + 1];
        let end = (t + self.cfg.prr_weeks * HOURS_PER_WEEK)
            .min(dev_end)
            .max(t);
        self.services[service.index()].review = Review::Running {
            start: t,
            end,
            booked_to: t,
        };
        if end <= self.horizon {
            out.push(Decision::Schedule {
                at: end,
                event: Event::ReviewEnded { service },
            });
        }
    }

    /// Books every running review's hours up to `t` (at a week's end, and when a review
    /// ends).
    pub fn book_reviews(&mut self, t: f64, out: &mut Vec<Decision>) {
        let rate = if self.cfg.prr_weeks > 0.0 {
            self.cfg.prr_effort_hours / (self.cfg.prr_weeks * HOURS_PER_WEEK)
        } else {
            0.0
        };
        for s in &mut self.services {
            if let Review::Running { end, booked_to, .. } = &mut s.review {
                let to = t.min(*end);
                if to > *booked_to {
                    out.push(Decision::Work {
                        team: s.sre,
                        work: EngagementWork::Review,
                        hours: rate * (to - *booked_to),
                        span: (*booked_to, to),
                    });
                    *booked_to = to;
                }
            }
        }
    }

    /// The review of `service` ended at `t`: it passed (the findings lower its page rate
    /// and it joins the onboarding queue) or failed (tried again later, or the service
    /// stays with its developers).
    pub fn review_ended(
        &mut self,
        service: ServiceId,
        t: f64,
        recorder: &mut Recorder,
        out: &mut Vec<Decision>,
    ) {
        self.book_reviews(t, out);
        // Every review draws, passed or not.
        let u: f64 = self.rngs[service.index()].random();
        let s = &mut self.services[service.index()];
        if u < self.cfg.prr_pass_probability {
            s.review = Review::Passed;
            s.queued_at = t;
            self.queue.push(service);
            let factor = self.cfg.prr_page_rate_factor;
            s.findings = factor;
            out.push(Decision::SetFactor {
                service,
                factor: RateFactor::Engagement,
                value: factor,
            });
        } else {
            s.review = Review::Failed;
            recorder.review_failed(t);
            let retry = self.cfg.prr_retry_weeks * HOURS_PER_WEEK;
            if retry > 0.0 && t + retry <= self.horizon {
                out.push(Decision::Schedule {
                    at: t + retry,
                    event: Event::ReviewRetried { service },
                });
            }
        }
    }

    /// A failed review of `service` comes up again at `t`: it runs if the service is
    /// still in active development.
    pub fn review_retried(
        &mut self,
        world: &World,
        service: ServiceId,
        t: f64,
        out: &mut Vec<Decision>,
    ) {
        if world.service(service).phase == Some(Phase::ActiveDevelopment) {
            self.start_review(world, service, t, out);
        }
    }

    /// At the end of the week at `t`, once every team's week has closed: the service
    /// review due in this week, if any.
    pub fn service_reviews(
        &mut self,
        world: &World,
        t: f64,
        recorder: &mut Recorder,
        out: &mut Vec<Decision>,
    ) {
        if self.next_review > t || t >= self.horizon {
            return;
        }
        while self.next_review <= t {
            self.next_review += self.cfg.review_weeks * HOURS_PER_WEEK;
        }
        self.service_review(world, t, recorder, out);
    }

    /// A service review at `t`: the onboarding queue is worked, by tier then expected
    /// load, through the gate.
    fn service_review(
        &mut self,
        world: &World,
        t: f64,
        recorder: &mut Recorder,
        out: &mut Vec<Decision>,
    ) {
        self.review_strategy(world, t, out);
        let mut queue = std::mem::take(&mut self.queue);
        queue.sort_by(|&a, &b| {
            let (sa, sb) = (&self.services[a.index()], &self.services[b.index()]);
            sa.tier
                .cmp(&sb.tier)
                .then(sb.expected_ops_hours.total_cmp(&sa.expected_ops_hours))
                .then(a.cmp(&b))
        });
        // The capacity gate's projection: each team's mean weekly ops hours and capacity
        // over the last weeks, plus what this review onboards.
        let mut projected: Vec<(f64, f64)> = self
            .recent
            .iter()
            .map(|r| {
                let n = RECENT_WEEKS as f64;
                (
                    r.iter().map(|x| x.0).sum::<f64>() / n,
                    r.iter().map(|x| x.1).sum::<f64>() / n,
                )
            })
            .collect();
        let mut admitted = Vec::new();
        let mut waiting = Vec::new();
        for service in queue {
            let s = &self.services[service.index()];
            let admit = match self.cfg.onboarding {
                Onboarding::All => true,
                Onboarding::Tier => s.tier <= self.cfg.onboarding_max_tier,
                Onboarding::Capacity => {
                    let (ops, capacity) = projected[s.sre.index()];
                    capacity > 0.0 && (ops + s.expected_ops_hours) / capacity <= OPS_CAP_FRAC
                }
            };
            if admit {
                projected[s.sre.index()].0 += s.expected_ops_hours;
                admitted.push(service);
            } else {
                waiting.push(service);
            }
        }
        self.queue = waiting;
        for service in admitted {
            let s = &mut self.services[service.index()];
            s.onboarded = true;
            let wait = t - s.queued_at;
            s.queued_at = f64::NAN;
            recorder.onboarded(t, wait);
            let phase = world.service(service).phase;
            out.push(self.set_holder(service, phase, HolderReason::Onboarded));
        }
    }

    /// At a service review: the hand-backs and take-backs of `error_budget`, and the
    /// start of `empower_then_exit`'s work with each product's developers.
    fn review_strategy(&mut self, world: &World, t: f64, out: &mut Vec<Decision>) {
        let mut changes: Vec<(ServiceId, HolderReason)> = Vec::new();
        match self.cfg.disengage {
            Disengage::ErrorBudget => {
                let takeback = self.cfg.takeback_weeks * HOURS_PER_WEEK;
                for (si, s) in self.services.iter_mut().enumerate() {
                    if !s.onboarded || s.for_good {
                        continue;
                    }
                    if !s.handed_back && s.over_streak >= self.cfg.handback_windows {
                        s.handed_back = true;
                        s.handed_back_at = t;
                        changes.push((ServiceId::new(si), HolderReason::HandedBack));
                    } else if s.handed_back && t - s.last_over.max(s.handed_back_at) >= takeback {
                        s.handed_back = false;
                        changes.push((ServiceId::new(si), HolderReason::TakenBack));
                    }
                }
            }
            Disengage::EmpowerThenExit => {
                for si in 0..self.services.len() {
                    let s = &self.services[si];
                    let dev = s.developers.index();
                    if self.empower[dev] == Empower::NotStarted
                        && s.onboarded
                        && !s.handed_back
                        && world.services[si].phase.is_some()
                    {
                        self.empower[dev] = Empower::Running {
                            start: t,
                            sre: s.sre,
                        };
                    }
                }
            }
            _ => {}
        }
        for (service, why) in changes {
            let phase = world.service(service).phase;
            out.push(self.set_holder(service, phase, why));
        }
    }

    /// At the end of week `week` (at `t`), after every team's week has closed:
    /// `ops_overload`'s hand-backs and `empower_then_exit`'s weekly work and exits.
    pub fn disengage_week(&mut self, world: &World, week: u64, t: f64, out: &mut Vec<Decision>) {
        self.roll_week(world, week);
        if t >= self.horizon {
            return;
        }
        let mut changes: Vec<(ServiceId, HolderReason)> = Vec::new();
        // Page-rate factors the developers' new tooling leaves (`empower_then_exit`).
        let mut rates: Vec<(ServiceId, f64)> = Vec::new();
        match self.cfg.disengage {
            Disengage::OpsOverload => {
                for ti in 0..world.teams.len() {
                    let tm = &world.teams[ti];
                    if tm.kind != TeamKind::Sre || tm.weeks_over_cap < self.cfg.overload_weeks {
                        continue;
                    }
                    out.push(Decision::ResetOverCap {
                        team: TeamId::new(ti),
                    });
                    // The service with the most ops hours per unit of tier weight (a
                    // tier-1 service weighs most).
                    let costliest = (0..self.services.len())
                        .filter(|&si| {
                            let s = &self.services[si];
                            s.sre.index() == ti && s.onboarded && !s.handed_back
                        })
                        .map(|si| {
                            let s = &self.services[si];
                            let ops: f64 = s.ops_recent.iter().sum();
                            (si, ops * f64::from(s.tier))
                        })
                        .filter(|&(_, score)| score > 0.0)
                        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                    if let Some((si, _)) = costliest {
                        let s = &mut self.services[si];
                        s.handed_back = true;
                        s.for_good = true;
                        s.handed_back_at = t;
                        changes.push((ServiceId::new(si), HolderReason::Overload));
                    }
                }
            }
            Disengage::EmpowerThenExit => {
                let weeks = self.cfg.empower_weeks * HOURS_PER_WEEK;
                let base = self.cfg.dev_mitigation_factor;
                for dev in 0..self.empower.len() {
                    let Empower::Running { start, sre } = self.empower[dev] else {
                        continue;
                    };
                    // This week's work with the developers, from SRE's project time.
                    out.push(Decision::Work {
                        team: sre,
                        work: EngagementWork::Empowerment,
                        hours: self.cfg.empower_hours_per_week,
                        span: (t, t),
                    });
                    let progress = if weeks > 0.0 {
                        ((t - start) / weeks).min(1.0)
                    } else {
                        1.0
                    };
                    self.dev_factor[dev] = base + (self.cfg.empowered_dev_factor - base) * progress;
                    let rate = 1.0 + (self.cfg.empower_page_rate_factor - 1.0) * progress;
                    let done = progress >= 1.0;
                    if done {
                        self.empower[dev] = Empower::Done;
                    }
                    for (si, s) in self.services.iter_mut().enumerate() {
                        if s.developers.index() != dev {
                            continue;
                        }
                        rates.push((ServiceId::new(si), s.findings * rate));
                        if done && s.onboarded && !s.handed_back {
                            s.handed_back = true;
                            s.for_good = true;
                            s.handed_back_at = t;
                            changes.push((ServiceId::new(si), HolderReason::Exit));
                        }
                    }
                }
            }
            _ => {}
        }
        for (service, value) in rates {
            out.push(Decision::SetFactor {
                service,
                factor: RateFactor::Engagement,
                value,
            });
        }
        for (service, why) in changes {
            let phase = world.service(service).phase;
            out.push(self.set_holder(service, phase, why));
        }
    }

    /// A release freeze of `service` starts at `t`: the change-induced part of its page
    /// rate stops until the freeze ends.
    pub fn freeze(
        &mut self,
        service: ServiceId,
        t: f64,
        recorder: &mut Recorder,
    ) -> Option<Decision> {
        let policy = self.cfg.budget_policy?;
        self.services[service.index()].frozen_until = t + policy.freeze_weeks * HOURS_PER_WEEK;
        recorder.freeze_started(t);
        Some(Decision::Freeze {
            service,
            frozen: true,
        })
    }

    /// At the end of the week that started at `week_start` and ends at `t`: the
    /// developer hours the budget policy asks for (from the developers' project time)
    /// and the freezes, counted and ended when due.
    pub fn budget_policy_week(
        &mut self,
        world: &World,
        week_start: f64,
        t: f64,
        recorder: &mut Recorder,
        out: &mut Vec<Decision>,
    ) {
        let fraction = (t - week_start) / HOURS_PER_WEEK;
        for si in 0..self.services.len() {
            let s = &mut self.services[si];
            if s.dev_hours > 0.0 && world.services[si].phase.is_some() {
                out.push(Decision::DeveloperWork {
                    team: s.developers,
                    hours: s.dev_hours * fraction,
                });
            }
            if s.frozen_until.is_finite() {
                recorder.frozen(week_start, fraction);
                if s.frozen_until <= t {
                    s.frozen_until = f64::NAN;
                    out.push(Decision::Freeze {
                        service: ServiceId::new(si),
                        frozen: false,
                    });
                }
            }
        }
    }

    /// Where a page of `service` in `phase` goes: the holder's route, except that in
    /// general availability the developers keep a share of a supported service's
    /// incidents (drawn from the service's engagement stream).
    #[inline]
    pub fn route(&mut self, service: ServiceId, phase: Phase, route: Route) -> Route {
        let s = &self.services[service.index()];
        if !s.onboarded || phase != Phase::GeneralAvailability || self.cfg.dev_share <= 0.0 {
            return route;
        }
        let dev = s.developers;
        let u: f64 = self.rngs[service.index()].random();
        if u < self.cfg.dev_share {
            Route {
                first: dev,
                backup: None,
            }
        } else {
            route
        }
    }
}

/// Services SRE supports at `t` (the horizon).
pub fn supported_at(world: &World, t: f64) -> u64 {
    world
        .service_ids()
        .filter(|&s| world.service(s).schedule.phase_at(t).is_some())
        .filter(|&s| sre_holds(world, s))
        .count() as u64
}
