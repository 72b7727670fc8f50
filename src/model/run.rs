//! One replication: [`simulate`] builds the world from a validated scenario, runs the
//! event loop to the horizon and hands the recorder's rows back.
//!
//! The loop owns the event dispatch, the ordering between the parts and `apply`:
//! arrivals become pages for the on-call part; a week's end first closes any shift
//! ending with it, then each team's week (accounting), then the parts' weekly work
//! (reliability, disengagement, service reviews, re-organisation), then the SLO windows
//! that can no longer change. Every decision a part returns goes through `apply`, the
//! only writer of pager holders, teams and rosters and of the `engagements.csv` and
//! `reorgs.csv` rows.

use super::accounting::{tickets, WeekLedger, OPS_CAP_FRAC};
use super::arrivals::{service_stream, ArrivalFactor, ArrivalProcess, ServiceStream};
use super::decision::{Decision, HolderReason, RateFactor, ReorgKind, Split};
use super::durations::Sampler;
use super::engagement::{supported_at, Engagement};
use super::event::Event;
use super::oncall::{book_busy, book_shift_time, build_teams, covering_pattern, Desk, OnCall};
use super::options::{RunOptions, Unstable};
use super::people::{people_stream, People};
use super::recorder::Recorder;
use super::reliability::Reliability;
use super::reorg::Reorg;
use super::results::{EngagementRecord, ReorgRecord, RunResult};
use super::slo::SloTracker;
use super::world::{
    Engineer, EngineerId, IncidentId, Incidents, PagerHolder, PhaseSchedule, Rotation, Service,
    ServiceId, SeverityModel, Team, TeamId, TeamKind, World,
};
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::{stream_rng, SimRng, Simulation};
use crate::scenario::{Phase, ScenarioConfig, SplitAlong};

/// The state of one run: the world, the processes acting on it, and the recorder.
pub(super) struct Model<'a> {
    pub cfg: &'a ScenarioConfig,
    pub sim: Simulation<Event>,
    pub horizon: f64,
    pub world: World,
    /// Arrival processes, by service.
    pub arrivals: Vec<ArrivalProcess>,
    /// The change-induced part of each service's arrivals, which a release freeze
    /// stops (empty without `[engagement.budget_policy]`).
    pub changes: Vec<ArrivalProcess>,
    /// The other random streams, by service.
    pub tickets: Vec<SimRng>,
    /// Rotations, shifts, routing, handling and the waiting queues.
    pub oncall: OnCall,
    /// The current week's ledger, by team.
    pub ledgers: Vec<WeekLedger>,
    /// SLO windows, by service.
    pub slo: Vec<SloTracker>,
    pub recorder: Recorder,
    pub week_start: f64,
    pub week_index: u64,
    /// Attrition, ramp-up and hiring, when the scenario has `[people]`.
    pub people: Option<People>,
    /// Splits and merges, when the scenario has `split_when` or `merge_when`.
    pub reorg: Option<Reorg>,
    /// Developer teams and SRE engagement by phase, when the scenario has
    /// `[engagement]`.
    pub engagement: Option<Engagement>,
    /// Reliability work and neglect, when the scenario has `[reliability]`.
    pub reliability: Option<Reliability>,
    pub opts: RunOptions,
    /// A part's decisions waiting for `apply` (kept to reuse its allocation).
    decisions: Vec<Decision>,
}

/// The distinct values of `items`, in first-seen order.
fn distinct<'s>(items: impl Iterator<Item = &'s str>) -> Vec<&'s str> {
    let mut out: Vec<&str> = Vec::new();
    for x in items {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

/// Runs one replication of `cfg`, or stops it as [`Unstable`].
pub fn simulate(cfg: &ScenarioConfig, opts: RunOptions) -> Result<RunResult, Unstable> {
    let mut m = Model::new(cfg, opts);
    m.start();
    m.advance_to(m.horizon);
    match m.oncall.take_unstable() {
        Some(u) => Err(u),
        None => Ok(m.finish()),
    }
}

impl<'a> Model<'a> {
    fn new(cfg: &'a ScenarioConfig, opts: RunOptions) -> Self {
        let seed = cfg.simulation.seed;
        let horizon = cfg.simulation.horizon_weeks * HOURS_PER_WEEK;
        let warmup = cfg.simulation.warmup_weeks * HOURS_PER_WEEK;
        let (engineers, on_call_from, teams) = build_teams(cfg);
        let mut sim = Simulation::new();
        // Joining events first: at a shift boundary, a joiner is eligible for that shift.
        for (i, &from) in on_call_from.iter().enumerate() {
            if from > 0.0 {
                sim.schedule(
                    from,
                    Event::EngineerJoined {
                        engineer: EngineerId::new(i),
                    },
                );
            }
        }
        let engagement = cfg
            .engagement
            .as_ref()
            .map(|e| Engagement::new(cfg, e, &opts));
        let mut services = Vec::with_capacity(cfg.services.len());
        let mut arrivals = Vec::with_capacity(cfg.services.len());
        let mut handling = Vec::with_capacity(cfg.services.len());
        let mut ticket_rngs = Vec::with_capacity(cfg.services.len());
        let mut slo = Vec::with_capacity(cfg.services.len());
        let stacks = distinct(cfg.services.iter().map(|s| s.stack.as_str()));
        let products = distinct(cfg.services.iter().map(|s| s.product.as_str()));
        for sc in &cfg.services {
            let stream = |s| service_stream(seed, &opts, &sc.name, s);
            let mut start = [0.0; 8];
            start[0] = sc.launch_week * HOURS_PER_WEEK;
            for i in 0..7 {
                start[i + 1] = start[i] + sc.phase_weeks.0[i] * HOURS_PER_WEEK;
            }
            let total_share: f64 = sc.severities.iter().map(|s| s.share).sum();
            let mut acc = 0.0;
            let severities = sc
                .severities
                .iter()
                .map(|s| {
                    acc += s.share / total_share;
                    SeverityModel {
                        cumulative_share: acc,
                        impact: s.impact_fraction,
                        ttm: Sampler::new(&s.time_to_mitigate),
                    }
                })
                .collect();
            let schedule = PhaseSchedule {
                start,
                multiplier: sc.page_multiplier.0,
            };
            // With `[engagement]` the developers hold the pager until SRE onboards the
            // service.
            let holder = match &engagement {
                Some(e) => e.initial_holder(
                    ServiceId::new(services.len()),
                    schedule.phase_at(schedule.start[0]),
                ),
                None => PagerHolder::Team(TeamId::new(sc.team)),
            };
            services.push(Service {
                holder,
                phase: None,
                schedule,
                severities,
                tickets_per_week: sc.tickets_per_week,
                hours_per_ticket: sc.hours_per_ticket,
                stack: stacks.iter().position(|&x| x == sc.stack).unwrap_or(0),
                product: products.iter().position(|&x| x == sc.product).unwrap_or(0),
                engagement_factor: 1.0,
                rate_factor: 1.0,
                toil_factor: 1.0,
                ops_hours_week: 0.0,
            });
            arrivals.push(ArrivalProcess::new(
                sc,
                cfg.sites[sc.site].utc_offset_hours,
                stream(ServiceStream::Arrivals),
            ));
            handling.push(stream(ServiceStream::Handling));
            ticket_rngs.push(stream(ServiceStream::Tickets));
            slo.push(SloTracker::new(sc.slo_window_weeks, sc.slo_target));
        }
        // The change-induced part of the page rate: its own process and stream, so a
        // freeze leaves every other arrival where it was.
        let change_share = cfg
            .engagement
            .as_ref()
            .and_then(|e| e.budget_policy)
            .map_or(0.0, |p| p.change_share);
        let mut changes = Vec::new();
        if change_share > 0.0 {
            for (sc, base) in cfg.services.iter().zip(arrivals.iter_mut()) {
                base.scale(1.0 - change_share);
                let mut change = ArrivalProcess::new(
                    sc,
                    cfg.sites[sc.site].utc_offset_hours,
                    service_stream(seed, &opts, &sc.name, ServiceStream::ChangeArrivals),
                );
                change.scale(change_share);
                changes.push(change);
            }
        }
        let reliability = cfg.reliability.map(|r| {
            let state = Reliability::new(r, cfg.services.len());
            // The factor may rise to the ceiling: part of the candidate rate from the start.
            for a in arrivals.iter_mut().chain(changes.iter_mut()) {
                a.bound_factor(ArrivalFactor::Reliability, state.ceiling());
            }
            state
        });
        let n_teams = teams.len();
        let mut world = World {
            engineers,
            teams,
            services,
            incidents: Incidents::default(),
        };
        world.refresh_main_stacks();
        let people = cfg.people.as_ref().map(|pc| {
            People::new(
                pc,
                world.engineers.len(),
                world.teams.iter().map(|t| {
                    stream_rng(
                        seed,
                        opts.stream_point,
                        opts.replication,
                        people_stream(&t.name),
                    )
                }),
            )
        });
        let n_services = world.services.len();
        let mut m = Model {
            cfg,
            sim,
            horizon,
            recorder: Recorder::new(
                opts,
                (warmup, horizon),
                n_teams,
                cfg.sites.len(),
                n_services,
            ),
            world,
            arrivals,
            changes,
            tickets: ticket_rngs,
            oncall: OnCall::new(handling, horizon, opts),
            ledgers: vec![WeekLedger::default(); n_teams],
            slo,
            week_start: 0.0,
            week_index: 0,
            people,
            reorg: (!cfg.reorg.is_off()).then(|| Reorg::new(cfg.reorg, n_teams)),
            engagement,
            reliability,
            opts,
            decisions: Vec::new(),
        };
        m.sync_dev_factors();
        m
    }

    /// Schedules the first events: each service's launch, each team's first shift, the
    /// first week's end.
    fn start(&mut self) {
        let ids: Vec<ServiceId> = self.world.service_ids().collect();
        for s in ids {
            let launch = self.world.service(s).schedule.start[0];
            self.schedule_phase_change(s, launch);
        }
        let teams: Vec<TeamId> = self.world.team_ids().collect();
        for team in teams {
            let p = &self.world.team(team).params;
            let k = ((0.0 - p.handoff_utc_hour) / p.shift_hours).floor() as i64;
            let (oc, mut d) = self.on_call();
            oc.begin_shift(&mut d, team, k, 0.0);
        }
        self.sim
            .schedule(HOURS_PER_WEEK.min(self.horizon), Event::WeekEnded);
        if let Some(p) = &self.people {
            for (at, team, site) in p.planned_hires() {
                if at <= self.horizon {
                    let site = site as u32;
                    self.sim.schedule(at, Event::EngineerHired { team, site });
                }
            }
        }
    }

    /// Dispatches every event up to `until` (at most the horizon), in time order.
    fn advance_to(&mut self, until: f64) {
        let until = until.min(self.horizon);
        while let Some((t, ev)) = self.sim.next_until(until) {
            match ev {
                Event::ArrivalDue { service } => self.arrival_due(service, t),
                Event::ChangeArrivalDue { service } => self.change_arrival_due(service, t),
                Event::IncidentMitigated { incident } => self.mitigated(incident, t),
                Event::ShiftStarted { team } => {
                    self.world.team_mut(team).rotation.next_shift = None;
                    let (oc, mut d) = self.on_call();
                    oc.end_shift(&mut d, team, t);
                }
                Event::WeekEnded => self.week_ended(t),
                Event::PhaseEntered { service, phase } => {
                    self.phase_changed(service, Some(phase), t)
                }
                Event::ServiceRetired { service } => self.phase_changed(service, None, t),
                Event::EngineerJoined { engineer } => {
                    // On call from the next shift boundary.
                    self.world.engineer_mut(engineer).on_call_eligible = true;
                }
                Event::EngineerHired { team, site } => {
                    // A requisition of a team that has since merged is filled for the
                    // merged team.
                    let team = self.world.current_team(team);
                    let site = site as usize;
                    if let Some(p) = &mut self.people {
                        let d = p.hired(&self.world, team, site, &self.cfg.sites[site].name);
                        self.apply(d, t);
                    }
                }
                Event::ReviewEnded { service } => {
                    self.engage(t, |e, _, rec, out| e.review_ended(service, t, rec, out))
                }
                Event::ReviewRetried { service } => {
                    self.engage(t, |e, w, _, out| e.review_retried(w, service, t, out))
                }
            }
        }
    }

    /// Schedules the phase change of `service` at `t` if it comes by the horizon.
    fn schedule_phase_change(&mut self, service: ServiceId, t: f64) {
        if t > self.horizon {
            return;
        }
        let ev = match self.world.service(service).schedule.phase_at(t) {
            Some(phase) => Event::PhaseEntered { service, phase },
            None => Event::ServiceRetired { service },
        };
        self.sim.schedule(t, ev);
    }

    /// `service` entered a new phase (or retired) at `t`: its arrivals restart at the
    /// new rate, and the next change is scheduled.
    fn phase_changed(&mut self, service: ServiceId, phase: Option<Phase>, t: f64) {
        let svc = self.world.service_mut(service);
        svc.phase = phase;
        let multiplier = phase.map_or(0.0, |p| svc.schedule.multiplier[p.index()]);
        let next_change = svc.schedule.next_change_after(t);
        let arrivals = &mut self.arrivals[service.index()];
        if let Some(id) = arrivals.take_pending() {
            self.sim.cancel(id);
        }
        arrivals.enter_phase(multiplier);
        if let Some(change) = self.changes.get_mut(service.index()) {
            if let Some(id) = change.take_pending() {
                self.sim.cancel(id);
            }
            change.enter_phase(multiplier);
        }
        if t < self.horizon {
            self.schedule_candidate(service, t);
            self.schedule_change_candidate(service, t);
        }
        if let Some(next) = next_change {
            self.schedule_phase_change(service, next);
        }
        self.engage(t, |e, w, _, out| e.phase_entered(w, service, phase, t, out));
    }

    /// Draws the next candidate arrival of `service` after `t` and schedules it if it
    /// comes before the horizon.
    fn schedule_candidate(&mut self, service: ServiceId, t: f64) {
        let arrivals = &mut self.arrivals[service.index()];
        if let Some(next) = arrivals.next_candidate(t) {
            if next < self.horizon {
                let id = self.sim.schedule(next, Event::ArrivalDue { service });
                arrivals.set_pending(Some(id));
            }
        }
    }

    /// Draws the next change-induced candidate of `service` after `t`, if the service
    /// has that part.
    fn schedule_change_candidate(&mut self, service: ServiceId, t: f64) {
        let Some(change) = self.changes.get_mut(service.index()) else {
            return;
        };
        if let Some(next) = change.next_candidate(t) {
            if next < self.horizon {
                let id = self.sim.schedule(next, Event::ChangeArrivalDue { service });
                change.set_pending(Some(id));
            }
        }
    }

    /// A change-induced candidate of `service` came due at `t`.
    fn change_arrival_due(&mut self, service: ServiceId, t: f64) {
        let Some(change) = self.changes.get_mut(service.index()) else {
            return;
        };
        change.set_pending(None);
        let Some(phase) = self.world.service(service).phase else {
            return;
        };
        let accepted = change.accept(t);
        self.schedule_change_candidate(service, t);
        if accepted {
            self.page(service, phase, t);
        }
    }

    /// A candidate arrival of `service` came due at `t`.
    fn arrival_due(&mut self, service: ServiceId, t: f64) {
        self.arrivals[service.index()].set_pending(None);
        let Some(phase) = self.world.service(service).phase else {
            return;
        };
        let accepted = self.arrivals[service.index()].accept(t);
        self.schedule_candidate(service, t);
        if accepted {
            self.page(service, phase, t);
        }
    }

    /// The on-call part and what it works on.
    #[inline]
    fn on_call(&mut self) -> (&mut OnCall, Desk<'_>) {
        (
            &mut self.oncall,
            Desk {
                world: &mut self.world,
                sim: &mut self.sim,
                recorder: &mut self.recorder,
                ledgers: &mut self.ledgers,
            },
        )
    }

    /// A page of `service` in `phase` at `t`: it opens in its SLO window, and the
    /// on-call part routes it (with the engagement's share of the developers).
    #[inline]
    fn page(&mut self, service: ServiceId, phase: Phase, t: f64) {
        let counted = self.recorder.counts(t);
        let slo_window = if counted {
            self.slo[service.index()].incident_opened(t)
        } else {
            0
        };
        let engagement = &mut self.engagement;
        let mut d = Desk {
            world: &mut self.world,
            sim: &mut self.sim,
            recorder: &mut self.recorder,
            ledgers: &mut self.ledgers,
        };
        self.oncall.page(
            &mut d,
            service,
            phase,
            (counted, slo_window),
            t,
            |route| match engagement {
                Some(e) => e.route(service, phase, route),
                None => route,
            },
        );
    }

    /// Incident `id` was mitigated at `t`: its downtime spends its SLO window, and its
    /// responder takes the next waiting page.
    #[inline]
    fn mitigated(&mut self, id: IncidentId, t: f64) {
        let (oc, mut d) = self.on_call();
        let inc = oc.close(&mut d, id, t);
        if inc.counted {
            let impact = self.world.service(inc.service).severities[inc.severity as usize].impact;
            self.slo[inc.service.index()].spend(inc.slo_window, (t - inc.paged_at) * impact, true);
            if self.recorder.tracing() {
                self.recorder.record(self.cfg, &self.world, &inc, Some(t));
            }
        }
        let (oc, mut d) = self.on_call();
        oc.next_page(&mut d, &inc, t);
    }

    /// Copies each developer team's time-to-mitigate factor from the engagement part
    /// into the world, where the on-call part reads it.
    fn sync_dev_factors(&mut self) {
        if let Some(e) = &self.engagement {
            for (ti, tm) in self.world.teams.iter_mut().enumerate() {
                tm.dev_ttm_factor = e.dev_mitigation_factor(TeamId::new(ti));
            }
        }
    }

    /// A week ended at `t`: close the shifts that end with it, each team's week, and the
    /// SLO windows that can no longer change.
    fn week_ended(&mut self, t: f64) {
        let week_fraction = (t - self.week_start) / HOURS_PER_WEEK;
        self.engage(t, |e, _, _, out| e.book_reviews(t, out));
        let sre_teams = self
            .world
            .team_ids()
            .filter(|&t| {
                self.world.team(t).kind == super::world::TeamKind::Sre
                    && self.world.headcount(t) > 0
            })
            .count();
        let other_sre_teams = sre_teams.saturating_sub(1) as f64;
        let mut project_hours = Vec::with_capacity(self.world.teams.len());
        let mut ticket_ops: Vec<(usize, f64)> = Vec::new();
        for ti in 0..self.world.teams.len() {
            let team = TeamId::new(ti);
            if self.world.team(team).merged_into.is_some() {
                continue; // merged away: no engineers, no services, no shifts
            }
            let (oc, mut d) = self.on_call();
            oc.end_shift_by(&mut d, team, t);
            book_shift_time(&mut d, team, t);
            if t < self.horizon && self.world.team(team).kind == TeamKind::Sre {
                // The run ends at the horizon: nobody leaves there. Developers'
                // turnover is outside the model.
                if let Some(p) = &mut self.people {
                    for d in p.attrition(&self.world, team, week_fraction) {
                        self.apply(d, t);
                    }
                }
            }
            let headcount = self.world.headcount(team);
            let mut ticket_hours = 0.0;
            ticket_ops.clear();
            for (si, svc) in self.world.services.iter().enumerate() {
                if svc.holder.ticket_team() != Some(team) {
                    continue;
                }
                let n = tickets(svc, &mut self.tickets[si], self.week_start, t);
                if n > 0 {
                    let hours = n as f64 * svc.hours_per_ticket;
                    ticket_hours += hours;
                    ticket_ops.push((si, hours));
                    self.recorder
                        .tickets(ServiceId::new(si), n, self.week_start);
                }
            }
            for &(si, hours) in &ticket_ops {
                self.world.services[si].ops_hours_week += hours;
            }
            let params = &self.world.team(team).params;
            let hours_per_week = params.hours_per_week;
            // Structural overheads, per engineer-week: switching between the stacks and
            // products the team carries, coordination inside it and with other teams.
            let (stacks, products) = self.world.carried(team);
            let extra = (stacks.saturating_sub(1) + products.saturating_sub(1)) as f64;
            let context_switch = params.context_switch_hours * extra;
            let coordination =
                params.coordination_hours + params.cross_team_hours * other_sre_teams;
            let per_engineer = f64::from(headcount) * week_fraction;
            let figures = self.ledgers[team.index()].close(
                ticket_hours,
                headcount,
                hours_per_week,
                week_fraction,
                (context_switch * per_engineer, coordination * per_engineer),
            );
            self.recorder.week_closed(
                &self.world,
                team,
                self.week_index,
                self.week_start,
                &figures,
            );
            if let Some(p) = &mut self.people {
                let last = t >= self.horizon;
                let req = p.week_closed(&self.world, team, &figures, self.week_index, last);
                self.world.team_mut(team).fatigue_ttm_factor = p.fatigue(team);
                if let Some((site, lead_hours)) = req {
                    if t + lead_hours <= self.horizon {
                        let site = site as u32;
                        self.sim
                            .schedule(t + lead_hours, Event::EngineerHired { team, site });
                    }
                }
            }
            project_hours.push((team, figures.project_hours));
            let over = figures.ops_load > OPS_CAP_FRAC;
            let tm = self.world.team_mut(team);
            tm.weeks_over_cap = if over { tm.weeks_over_cap + 1 } else { 0 };
            if let Some(e) = &mut self.engagement {
                e.week_closed(
                    team,
                    self.week_index,
                    figures.ops_hours,
                    figures.capacity_hours,
                );
            }
            if let Some(r) = &mut self.reorg {
                r.week_closed(team, self.world.understaffed(team));
            }
        }
        if let Some(p) = &mut self.people {
            p.roll_week(&self.world);
        }
        for e in &mut self.world.engineers {
            e.offhours_pages_week = 0;
        }
        if t < self.horizon {
            self.reliability_week(&project_hours, self.week_start, t);
        }
        let (week, week_start) = (self.week_index, self.week_start);
        self.engage(t, |e, w, _, out| e.disengage_week(w, week, t, out));
        for s in &mut self.world.services {
            s.ops_hours_week = 0.0;
        }
        self.sync_dev_factors();
        self.engage(t, |e, w, rec, out| {
            e.budget_policy_week(w, week_start, t, rec, out)
        });
        self.engage(t, |e, w, rec, out| e.service_reviews(w, t, rec, out));
        self.reorganize(t);
        self.close_slo_windows(t, false);
        self.week_start = t;
        self.week_index += 1;
        if t < self.horizon {
            let next = (t + HOURS_PER_WEEK).min(self.horizon);
            self.sim.schedule(next, Event::WeekEnded);
        }
    }

    /// Hands every SLO window that ended by `t` and can no longer change (or, with
    /// `force`, every one that ended) to the recorder.
    fn close_slo_windows(&mut self, t: f64, force: bool) {
        // Services whose error-budget policy calls for a release freeze now.
        let mut freezes = Vec::new();
        for (si, slo) in self.slo.iter_mut().enumerate() {
            let schedule = &self.world.services[si].schedule;
            let recorder = &mut self.recorder;
            let engagement = &mut self.engagement;
            let freezes = &mut freezes;
            slo.close_until(t, force, |w| {
                let serving = schedule.phase_at(w.start).is_some_and(|p| p.is_serving());
                recorder.slo_window_closed(ServiceId::new(si), &w, serving);
                if let (Some(e), true) = (engagement.as_mut(), serving) {
                    let met = w.spent_hours <= w.budget_hours;
                    if e.window_closed(ServiceId::new(si), w.end, met) {
                        freezes.push(ServiceId::new(si));
                    }
                }
            });
        }
        for service in freezes {
            if let Some(e) = &mut self.engagement {
                if let Some(d) = e.freeze(service, t, &mut self.recorder) {
                    self.apply(d, t);
                }
            }
        }
    }

    /// At the end of the week at `t`: the merges, then the splits, the rules ask for.
    fn reorganize(&mut self, t: f64) {
        let Some(reorg) = &self.reorg else {
            return;
        };
        if t >= self.horizon {
            return;
        }
        let (merges, splits) = (reorg.merges(&self.world), reorg.splits());
        let mut changed = false;
        for d in merges {
            self.apply(d, t);
            changed = true;
        }
        if splits {
            for ti in 0..self.world.teams.len() {
                let team = TeamId::new(ti);
                let split = self
                    .reorg
                    .as_ref()
                    .and_then(|r| r.split(&self.world, team, t));
                if let Some(d) = split {
                    self.apply(d, t);
                    changed = true;
                }
            }
        }
        if changed {
            self.world.refresh_main_stacks();
        }
    }

    /// Runs `handle` on the engagement part, if the scenario has one, with read access
    /// to the world and the recorder for its facts, then applies what it decided, in
    /// order.
    fn engage(
        &mut self,
        t: f64,
        handle: impl FnOnce(&mut Engagement, &World, &mut Recorder, &mut Vec<Decision>),
    ) {
        let Some(e) = &mut self.engagement else {
            return;
        };
        let mut out = std::mem::take(&mut self.decisions);
        handle(e, &self.world, &mut self.recorder, &mut out);
        for d in out.drain(..) {
            self.apply(d, t);
        }
        self.decisions = out;
    }

    /// Carries out decision `d` at `t`: the only writer of pager holders, teams and
    /// rosters, and of the `engagements.csv` and `reorgs.csv` rows.
    pub(super) fn apply(&mut self, d: Decision, t: f64) {
        match d {
            Decision::SetHolder { service, to, why } => self.set_holder(service, to, why, t),
            Decision::Split(split) => self.split(split, t),
            Decision::Merge {
                keep,
                absorbed,
                weeks,
            } => self.merge(keep, absorbed, weeks, t),
            Decision::SetFactor {
                service,
                factor,
                value,
            } => self.set_factor(service, factor, value),
            Decision::Leave { engineer } => self.leave(engineer, t),
            Decision::Work {
                team,
                work,
                hours,
                span,
            } => {
                self.ledgers[team.index()].engagement_hours += hours;
                self.recorder.engagement_hours(work, hours, span);
            }
            Decision::DeveloperWork { team, hours } => {
                self.ledgers[team.index()].engagement_hours += hours;
            }
            Decision::Schedule { at, event } => {
                self.sim.schedule(at, event);
            }
            Decision::Freeze { service, frozen } => {
                if let Some(change) = self.changes.get_mut(service.index()) {
                    change.set_factor(ArrivalFactor::Freeze, if frozen { 0.0 } else { 1.0 });
                }
            }
            Decision::ResetOverCap { team } => self.world.team_mut(team).weeks_over_cap = 0,
            Decision::Hire {
                team,
                site,
                name,
                ramp_hours,
            } => self.hire(team, site, name, ramp_hours, t),
        }
    }

    /// Engineer `e` leaves their team at `t`.
    fn leave(&mut self, e: EngineerId, t: f64) {
        let eng = self.world.engineer_mut(e);
        eng.active = false;
        let team = eng.team;
        self.ledgers[team.index()].departures += 1;
        self.recorder.departed(team, t);
    }

    /// A new engineer `name` joins `team` at `site` at `t`, on call after `ramp_hours`.
    fn hire(&mut self, team: TeamId, site: usize, name: String, ramp_hours: f64, t: f64) {
        self.world.engineers.push(Engineer {
            name,
            team,
            site,
            utc_offset_hours: self.cfg.sites[site].utc_offset_hours,
            on_call_eligible: false,
            active: true,
            handling: None,
            on_shift: false,
            busy_since: 0.0,
            offhours_pages_week: 0,
        });
        let id = EngineerId::new(self.world.engineers.len() - 1);
        self.join_roster(team, id);
        self.ledgers[team.index()].hires += 1;
        self.recorder.hired(team, t);
        if t + ramp_hours <= self.horizon {
            self.sim
                .schedule(t + ramp_hours, Event::EngineerJoined { engineer: id });
        }
    }

    /// Sets one of `service`'s rate factors: its page rate (and, for reliability, its
    /// tickets) follow the product of the engagement's and reliability's factors.
    fn set_factor(&mut self, service: ServiceId, factor: RateFactor, value: f64) {
        let svc = self.world.service_mut(service);
        let rate = match factor {
            RateFactor::Engagement => {
                svc.engagement_factor = value;
                let f = self.reliability.as_ref().map_or(1.0, |r| r.factor(service));
                value * f
            }
            RateFactor::Reliability => {
                svc.toil_factor = value;
                svc.engagement_factor * value
            }
        };
        self.arrivals[service.index()].set_factor(ArrivalFactor::Reliability, rate);
        if let Some(change) = self.changes.get_mut(service.index()) {
            change.set_factor(ArrivalFactor::Reliability, rate);
        }
        self.world.service_mut(service).rate_factor = rate;
    }

    /// At the end of the week starting at `week_start` (ending at `t`): the reliability
    /// part's week, its hours recorded and its factors applied.
    fn reliability_week(&mut self, project_hours: &[(TeamId, f64)], week_start: f64, t: f64) {
        let Some(r) = &mut self.reliability else {
            return;
        };
        let arrivals = &self.arrivals;
        let engagement = &self.engagement;
        let week = r.week(
            &self.world,
            project_hours,
            |s| arrivals[s.index()].base_rate_per_hour(),
            |s| engagement.as_ref().map_or(0.0, |e| e.budget_dev_hours(s)),
        );
        for budget in week.spent {
            self.recorder.reliability_hours(budget, week_start);
        }
        for d in week.factors {
            self.apply(d, t);
        }
    }

    /// Gives `service` the holder `to` at `t`; a change is a row of `engagements.csv`.
    fn set_holder(&mut self, service: ServiceId, to: PagerHolder, why: HolderReason, t: f64) {
        let from = self.world.service(service).holder;
        if to == from {
            return;
        }
        self.world.service_mut(service).holder = to;
        let row = EngagementRecord {
            week: (t / HOURS_PER_WEEK).floor() as u64,
            at_hours: t,
            service: self.cfg.services[service.index()].name.clone(),
            from: describe(&self.world, from),
            to: describe(&self.world, to),
            reason: why,
            ..EngagementRecord::default()
        };
        self.recorder.holder_changed(t, row);
        self.world.refresh_main_stacks();
    }

    /// Restarts `team`'s counts of weeks over a rule (after it re-organised).
    fn reset_counts(&mut self, team: TeamId) {
        self.world.team_mut(team).weeks_over_cap = 0;
        if let Some(r) = &mut self.reorg {
            r.reset(team);
        }
    }

    /// Carries out `d` at `t`: a new team takes the moving services, their waiting pages
    /// and the moving engineers; both teams start their current shift afresh.
    fn split(&mut self, d: Split, t: f64) {
        let old = d.team;
        let base = self.world.team(old).name.clone();
        let name = (2u32..)
            .map(|k| format!("{base}-{k}"))
            .find(|n| self.world.teams.iter().all(|tm| tm.name != *n))
            .unwrap_or_else(|| base.clone());
        let new = TeamId::new(self.world.teams.len());
        let params = self.world.team(old).params.clone();
        self.world.teams.push(Team {
            name: name.clone(),
            kind: TeamKind::Sre,
            params,
            rotation: Rotation::default(),
            queue: Default::default(),
            main_stack: None,
            merged_into: None,
            weeks_over_cap: 0,
            fatigue_ttm_factor: 1.0,
            dev_ttm_factor: 1.0,
        });
        self.ledgers.push(Default::default());
        self.recorder.team_added();
        if let Some(r) = &mut self.reorg {
            r.team_added();
        }
        self.reset_counts(old);
        if let Some(e) = &mut self.engagement {
            e.team_added();
            self.world.team_mut(new).dev_ttm_factor = e.dev_mitigation_factor(new);
            e.services_moved(&d.services, new);
        }
        if let Some(p) = &mut self.people {
            let seed = self.cfg.simulation.seed;
            let rng = stream_rng(
                seed,
                self.opts.stream_point,
                self.opts.replication,
                people_stream(&name),
            );
            p.team_added(rng);
        }
        for &e in &d.engineers {
            self.move_engineer(e, new, t);
        }
        for &s in &d.services {
            let svc = self.world.service_mut(s);
            svc.holder = svc.holder.replace_team(old, new);
        }
        // Pages of the moving services waiting for a responder wait for the new team.
        let moving = |s: ServiceId| d.services.binary_search(&s).is_ok();
        let queue = std::mem::take(&mut self.world.team_mut(old).queue);
        let (go, stay): (Vec<_>, Vec<_>) = queue
            .into_iter()
            .partition(|&i| moving(self.world.incidents.get(i).service));
        self.world.team_mut(old).queue = stay.into();
        self.world.team_mut(new).queue = go.into();
        let (k, pages) = {
            let rot = &self.world.team(old).rotation;
            (rot.shift_index, rot.shift_pages)
        };
        // Both teams have the same rotation parameters: the new one starts in the same
        // shift, with no pages yet.
        self.restart_shift(old, k, pages, t);
        self.restart_shift(new, k, 0, t);
        let lines: Vec<&str> = d
            .lines
            .iter()
            .map(|s| {
                let sc = &self.cfg.services[s.index()];
                match d.along {
                    SplitAlong::Product => sc.product.as_str(),
                    SplitAlong::Stack => sc.stack.as_str(),
                }
            })
            .collect();
        let row = ReorgRecord {
            point: 0,
            replication: 0,
            week: self.week_index,
            kind: ReorgKind::Split,
            teams_before: base,
            teams_after: names(&self.world, &[old, new]),
            lines_moved: lines.join(";"),
            services_moved: d.services.len() as u32,
            engineers_moved: d.engineers.len() as u32,
            reason: d.reason,
        };
        self.recorder.reorganized(t, &[old, new], row);
    }

    /// Merges `absorbed` into `keep` at `t`: its engineers, services, waiting pages and
    /// open requisitions; `keep` keeps its rotation and starts its shift afresh.
    fn merge(&mut self, keep: TeamId, absorbed: TeamId, weeks: u32, t: f64) {
        let before = names(&self.world, &[keep, absorbed]);
        let movers: Vec<EngineerId> = (0..self.world.engineers.len())
            .map(EngineerId::new)
            .filter(|&e| {
                let eng = self.world.engineer(e);
                eng.team == absorbed && eng.active
            })
            .collect();
        // The absorbed team's shift ends now, for good.
        if let Some(id) = self.world.team_mut(absorbed).rotation.next_shift.take() {
            self.sim.cancel(id);
        }
        let on_shift = std::mem::take(&mut self.world.team_mut(absorbed).rotation.on_shift);
        for e in on_shift {
            let (_, mut d) = self.on_call();
            book_busy(&mut d, e, t);
            self.world.engineer_mut(e).on_shift = false;
        }
        for &e in &movers {
            self.move_engineer(e, keep, t);
        }
        let mut services = 0;
        for s in self.world.services.iter_mut() {
            let after = s.holder.replace_team(absorbed, keep);
            if after != s.holder {
                s.holder = after;
                services += 1;
            }
        }
        // Waiting pages keep their order of arrival.
        let moved = std::mem::take(&mut self.world.team_mut(absorbed).queue);
        let incidents = &self.world.incidents;
        let mut queue: Vec<_> = self.world.teams[keep.index()]
            .queue
            .drain(..)
            .chain(moved)
            .collect();
        queue.sort_by(|&a, &b| {
            incidents
                .get(a)
                .paged_at
                .total_cmp(&incidents.get(b).paged_at)
        });
        self.world.team_mut(keep).queue = queue.into();
        self.world.team_mut(absorbed).merged_into = Some(keep);
        if let Some(p) = &mut self.people {
            p.team_merged(absorbed, keep);
        }
        if let Some(e) = &mut self.engagement {
            e.team_merged(absorbed, keep);
        }
        self.reset_counts(keep);
        self.reset_counts(absorbed);
        let (k, pages) = {
            let rot = &self.world.team(keep).rotation;
            (rot.shift_index, rot.shift_pages)
        };
        self.restart_shift(keep, k, pages, t);
        let row = ReorgRecord {
            point: 0,
            replication: 0,
            week: self.week_index,
            kind: ReorgKind::Merge,
            teams_before: before,
            teams_after: names(&self.world, &[keep]),
            lines_moved: String::new(),
            services_moved: services,
            engineers_moved: movers.len() as u32,
            reason: format!("both under the minimum rotation {weeks} weeks in a row"),
        };
        self.recorder.reorganized(t, &[keep, absorbed], row);
    }

    /// Moves engineer `e` to `team` at `t`: their handling so far is booked to their
    /// old team, and they join the new team's roster at their site.
    fn move_engineer(&mut self, e: EngineerId, team: TeamId, t: f64) {
        let (_, mut d) = self.on_call();
        book_busy(&mut d, e, t);
        let from = self.world.engineer(e).team;
        for roster in &mut self.world.team_mut(from).rotation.by_site {
            roster.retain(|&x| x != e);
        }
        let rot = &mut self.world.team_mut(from).rotation;
        if rot.on_shift.contains(&e) {
            rot.on_shift.retain(|&x| x != e);
        }
        let eng = self.world.engineer_mut(e);
        eng.team = team;
        eng.on_shift = false;
        self.join_roster(team, e);
    }

    /// Puts engineer `e` on `team`'s roster at their site; a site the team has no
    /// roster at gets one, and the sites covering each shift are worked out again.
    fn join_roster(&mut self, team: TeamId, e: EngineerId) {
        let site = self.world.engineer(e).site;
        let offsets: Vec<f64>;
        {
            let tm = self.world.team_mut(team);
            let rot = &mut tm.rotation;
            if let Some(r) = rot.roster_sites.iter().position(|&s| s == site) {
                rot.by_site[r].push(e);
                return;
            }
            rot.by_site.push(vec![e]);
            rot.roster_sites.push(site);
            rot.cursor.push(0);
            offsets = rot
                .roster_sites
                .iter()
                .map(|&s| self.cfg.sites[s].utc_offset_hours)
                .collect();
        }
        let tm = self.world.team_mut(team);
        tm.rotation.covering =
            covering_pattern(tm.params.shift_hours, tm.params.handoff_utc_hour, &offsets);
    }

    /// Starts shift `k` of `team` afresh at `t`, with `pages` pages so far: its
    /// responders are picked again from its roster as it is now.
    fn restart_shift(&mut self, team: TeamId, k: i64, pages: u32, t: f64) {
        if let Some(id) = self.world.team_mut(team).rotation.next_shift.take() {
            self.sim.cancel(id);
        }
        let (oc, mut d) = self.on_call();
        oc.begin_shift(&mut d, team, k, t);
        self.world.team_mut(team).rotation.shift_pages = pages;
    }

    fn finish(mut self) -> RunResult {
        let horizon = self.horizon;
        self.recorder.queue_changed(horizon, 0);
        for i in 0..self.world.engineers.len() {
            let (_, mut d) = self.on_call();
            book_busy(&mut d, EngineerId::new(i), horizon);
        }
        // Incidents still open: their downtime so far counts against their window.
        for id in self.world.incidents.open_ones() {
            let inc = *self.world.incidents.get(id);
            if !inc.counted {
                continue;
            }
            self.recorder.open_at_end(&inc);
            let impact = self.world.service(inc.service).severities[inc.severity as usize].impact;
            self.slo[inc.service.index()].spend(
                inc.slo_window,
                (horizon - inc.paged_at) * impact,
                false,
            );
            if self.recorder.tracing() {
                self.recorder.record(self.cfg, &self.world, &inc, None);
            }
        }
        self.close_slo_windows(horizon, true);
        let supported = supported_at(&self.world, horizon);
        self.recorder.set_supported_end(supported);
        // The page rate at the end relative to the scenario's, weighted by base rate.
        let (mut now, mut base) = (0.0, 0.0);
        for a in &self.arrivals {
            now += a.base_rate_per_hour() * a.factor(ArrivalFactor::Reliability);
            base += a.base_rate_per_hour();
        }
        self.recorder
            .set_page_rate_factor_end(if base > 0.0 { now / base } else { 1.0 });
        self.recorder.finish(self.cfg, &self.world)
    }
}

/// `teams`' names, `;`-separated.
fn names(world: &World, teams: &[TeamId]) -> String {
    teams
        .iter()
        .map(|&t| world.team(t).name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

/// How a holder is written in `engagements.csv`.
fn describe(world: &World, h: PagerHolder) -> String {
    let name = |t: TeamId| world.team(t).name.as_str();
    match h {
        PagerHolder::Team(t) => name(t).to_owned(),
        PagerHolder::Shared { primary, secondary } => {
            format!("{}+{}", name(primary), name(secondary))
        }
        PagerHolder::BestEffort {
            developers, sre, ..
        } => format!("{}/{}", name(developers), name(sre)),
        PagerHolder::Nobody => String::new(),
    }
}

#[cfg(test)]
mod tests {
    //! Pager holders that change during a run, driven through the event loop.

    use super::*;
    use crate::model::world::TeamKind;
    use crate::model::Metric;
    use crate::scenario::ScenarioSource;

    /// Two identical single-site teams `a` and `b` (one responder each, week-long
    /// shifts) and one service held by `a`, with two severities.
    fn two_teams(rate: f64, ttm: &str) -> ScenarioConfig {
        let text = format!(
            r#"
version = 1
[simulation]
horizon_weeks = 8
replications = 1
seed = 5
[[sites]]
name = "x"
utc_offset_hours = 0
[[teams]]
name = "a"
members = {{ x = 1 }}
shift_hours = 168
responders_per_shift = 1
[[teams]]
name = "b"
members = {{ x = 1 }}
shift_hours = 168
responders_per_shift = 1
[[services]]
name = "s"
product = "p"
stack = "k"
team = "a"
page_rate_per_week = {rate}
slo_target = 0.99
severities = [
  {{ name = "sev1", share = 0.5, impact_fraction = 1.0, time_to_mitigate = {ttm} }},
  {{ name = "sev2", share = 0.5, impact_fraction = 0.1, time_to_mitigate = {ttm} }},
]
"#
        );
        ScenarioSource::parse(&text, "holders.toml", "holders")
            .and_then(|s| s.resolve(&[]))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    fn traced() -> RunOptions {
        RunOptions {
            trace: true,
            ..RunOptions::default()
        }
    }

    /// The service, team a and team b.
    fn ids() -> (ServiceId, TeamId, TeamId) {
        (ServiceId::new(0), TeamId::new(0), TeamId::new(1))
    }

    #[test]
    fn a_holder_changed_mid_run_sends_the_next_pages_to_the_new_team() {
        let cfg = two_teams(20.0, "{ exponential = { mean_hours = 0.5 } }");
        let (s, _, b) = ids();
        let mut m = Model::new(&cfg, traced());
        m.start();
        let switch = 3.0 * HOURS_PER_WEEK;
        m.advance_to(switch);
        m.world.service_mut(s).holder = PagerHolder::Team(b);
        m.advance_to(m.horizon);
        let r = m.finish();
        assert!(r.incidents.len() > 100);
        for inc in &r.incidents {
            let expected = if inc.paged_at_hours < switch {
                "a"
            } else {
                "b"
            };
            assert_eq!(inc.team, expected, "{inc:?}");
            assert!(inc.responder.starts_with(expected), "{inc:?}");
        }
        let per_team: Vec<f64> = r.teams.iter().map(|t| t[Metric::Incidents]).collect();
        assert_eq!(per_team[0] + per_team[1], r.summary[Metric::Incidents]);
        assert!(per_team[0] > 0.0 && per_team[1] > 0.0);
        assert_eq!(r.services[0].team, "b", "the holder at the horizon");
    }

    #[test]
    fn a_shared_pager_sends_what_the_primary_cannot_take_to_the_secondary() {
        // Eight-hour incidents at 10 a week: the primary's only responder is often busy.
        let cfg = two_teams(10.0, "{ fixed = { hours = 8 } }");
        let (s, a, b) = ids();
        let mut m = Model::new(&cfg, traced());
        m.world.service_mut(s).holder = PagerHolder::Shared {
            primary: a,
            secondary: b,
        };
        m.start();
        m.advance_to(m.horizon);
        let r = m.finish();
        let by = |who: &str| r.incidents.iter().filter(|i| i.responder == who).count();
        assert!(
            r.incidents.iter().all(|i| i.team == "a"),
            "paged to the primary"
        );
        assert!(
            by("a-x-1") > 0 && by("b-x-1") > 0,
            "{} {}",
            by("a-x-1"),
            by("b-x-1")
        );
        // The secondary answers only while the primary is busy: never a wait while
        // either responder is free.
        let waited = r.incidents.iter().filter(|i| i.wait_hours > Some(0.0));
        for inc in waited {
            let t = inc.paged_at_hours;
            let busy = |who: &str| {
                r.incidents.iter().any(|j| {
                    j.responder == who
                        && j.started_at_hours.is_some_and(|s| s <= t)
                        && j.mitigated_at_hours.is_none_or(|e| e > t)
                })
            };
            assert!(busy("a-x-1") && busy("b-x-1"), "{inc:?}");
        }
    }

    #[test]
    fn a_best_effort_pager_gives_sre_only_the_severe_incidents() {
        let cfg = two_teams(20.0, "{ exponential = { mean_hours = 0.5 } }");
        let (s, a, b) = ids();
        let mut m = Model::new(&cfg, traced());
        m.world.team_mut(b).kind = TeamKind::Developer;
        m.world.service_mut(s).holder = PagerHolder::BestEffort {
            developers: b,
            sre: a,
            sre_from_severity: 0,
        };
        m.start();
        m.advance_to(m.horizon);
        let r = m.finish();
        assert!(r.incidents.iter().any(|i| i.severity == "sev1"));
        for inc in &r.incidents {
            let expected = if inc.severity == "sev1" { "a" } else { "b" };
            assert_eq!(inc.team, expected, "{inc:?}");
        }
        assert_eq!(r.services[0].team, "b", "tickets go to the developers");
    }

    #[test]
    fn with_nobody_on_the_pager_incidents_last_their_time_to_mitigate_unhandled() {
        let cfg = two_teams(20.0, "{ fixed = { hours = 2 } }");
        let (s, _, _) = ids();
        let mut m = Model::new(&cfg, traced());
        m.world.service_mut(s).holder = PagerHolder::Nobody;
        m.start();
        m.advance_to(m.horizon);
        let r = m.finish();
        assert!(r.summary[Metric::Incidents] > 100.0);
        for t in &r.teams {
            assert_eq!(t[Metric::Incidents], 0.0, "{}", t.team);
        }
        for inc in &r.incidents {
            assert_eq!(inc.team, "");
            assert_eq!(inc.responder, "");
            if let Some(ttm) = inc.ttm_hours {
                assert!((ttm - 2.0).abs() < 1e-9, "{inc:?}");
            }
        }
        // Their downtime still spends the error budget.
        assert!(r.summary[Metric::ErrorBudgetSpentFrac] > 0.0);
    }
}
