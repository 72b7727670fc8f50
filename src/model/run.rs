//! One replication: [`simulate`] builds the world from a validated scenario, runs the
//! event loop to the horizon and hands the recorder's rows back.
//!
//! The loop owns the event dispatch and the ordering between the parts: arrivals
//! become pages for the on-call part; a week's end first closes any shift ending with
//! it, then each team's week (accounting), then the SLO windows that can no longer
//! change.

use super::accounting::{tickets, WeekLedger, OPS_CAP_FRAC};
use super::arrivals::{service_stream, ArrivalFactor, ArrivalProcess, ServiceStream};
use super::durations::Sampler;
use super::engagement::Engagement;
use super::event::Event;
use super::oncall::build_teams;
use super::people::{people_stream, People};
use super::recorder::Recorder;
use super::reliability::Reliability;
use super::reorg::Reorg;
use super::results::RunResult;
use super::slo::SloTracker;
use super::world::{
    EngineerId, Incidents, PagerHolder, PhaseSchedule, Service, ServiceId, SeverityModel, TeamId,
    World,
};
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::{stream_rng, SimRng, Simulation};
use crate::scenario::{Phase, ScenarioConfig};

/// Which run of which sweep point this is, and what to record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Sweep point index (0 for a plain run); labels the rows.
    pub point: u64,
    /// Point index mixed into every stream's seed. Sweeps and comparisons pass 0 for
    /// every point, so that replication r of every point sees the same random streams
    /// (common random numbers).
    pub stream_point: u64,
    /// Replication index; part of every stream's seed.
    pub replication: u64,
    /// Record one row per incident.
    pub trace: bool,
}

/// A service's streams other than its arrivals.
#[derive(Debug, Clone)]
pub(super) struct ServiceRngs {
    /// Severity, acknowledge delay, time to mitigate.
    pub handling: SimRng,
    /// Ticket counts.
    pub tickets: SimRng,
}

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
    pub rngs: Vec<ServiceRngs>,
    /// The current week's ledger, by team.
    pub ledgers: Vec<WeekLedger>,
    /// SLO windows, by service.
    pub slo: Vec<SloTracker>,
    pub recorder: Recorder,
    pub week_start: f64,
    pub week_index: u64,
    /// Set when a team's queue passed [`MAX_WAITING_PAGES`] (the run then stops).
    pub unstable: Option<Unstable>,
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
}

/// Pages waiting for a responder in one team's queue at which a run stops as
/// unstable: far beyond any queue a staffed rotation sees, and a bound on the memory a
/// run's queue takes.
pub const MAX_WAITING_PAGES: usize = 100_000;

/// A run stopped because a team's queue of waiting pages grew past
/// [`MAX_WAITING_PAGES`]: pages arrive faster than its responders mitigate them.
#[derive(Debug, Clone, PartialEq)]
pub struct Unstable {
    /// The team whose queue grew.
    pub team: String,
    /// When the queue passed the bound, in weeks since the start.
    pub week: f64,
    /// Sweep point (0 for a plain run).
    pub point: u64,
    /// Replication.
    pub replication: u64,
}

impl std::fmt::Display for Unstable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unstable queue: team `{}` had {MAX_WAITING_PAGES} pages waiting for a responder by week {:.1} \
             (point {}, replication {}): pages arrive faster than its responders \
             mitigate them, so the queue would grow without bound. Lower the services' \
             page_rate_per_week (or phase multipliers), add responders (responders_per_shift, \
             members) or shorten time_to_mitigate",
            self.team, self.week, self.point, self.replication
        )
    }
}

impl std::error::Error for Unstable {}

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
    match m.unstable.take() {
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
        let mut rngs = Vec::with_capacity(cfg.services.len());
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
            });
            arrivals.push(ArrivalProcess::new(
                sc,
                cfg.sites[sc.site].utc_offset_hours,
                stream(ServiceStream::Arrivals),
            ));
            rngs.push(ServiceRngs {
                handling: stream(ServiceStream::Handling),
                tickets: stream(ServiceStream::Tickets),
            });
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
        Model {
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
            rngs,
            ledgers: vec![WeekLedger::default(); n_teams],
            slo,
            week_start: 0.0,
            week_index: 0,
            unstable: None,
            people,
            reorg: (!cfg.reorg.is_off()).then(|| Reorg::new(cfg.reorg, n_teams)),
            engagement,
            reliability,
            opts,
        }
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
            self.begin_shift(team, k, 0.0);
        }
        self.sim
            .schedule(HOURS_PER_WEEK.min(self.horizon), Event::WeekEnded);
        self.schedule_planned_hires();
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
                    self.end_shift(team, t);
                }
                Event::WeekEnded => self.week_ended(t),
                Event::PhaseEntered { service, phase } => {
                    self.phase_changed(service, Some(phase), t)
                }
                Event::ServiceRetired { service } => self.phase_changed(service, None, t),
                Event::EngineerJoined { engineer } => self.engineer_joined(engineer),
                Event::EngineerHired { team, site } => self.engineer_hired(team, site as usize, t),
                Event::ReviewEnded { service } => self.review_ended(service, t),
                Event::ReviewRetried { service } => self.review_retried(service, t),
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
        self.engagement_phase(service, phase, t);
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

    /// A week ended at `t`: close the shifts that end with it, each team's week, and the
    /// SLO windows that can no longer change.
    fn week_ended(&mut self, t: f64) {
        let week_fraction = (t - self.week_start) / HOURS_PER_WEEK;
        self.book_reviews(t);
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
        for ti in 0..self.world.teams.len() {
            let team = TeamId::new(ti);
            if self.world.team(team).merged_into.is_some() {
                continue; // merged away: no engineers, no services, no shifts
            }
            self.end_shift_by(team, t);
            self.book_shift_time(team, t);
            self.attrition(team, week_fraction, t);
            let headcount = self.world.headcount(team);
            let mut ticket_hours = 0.0;
            for (si, svc) in self.world.services.iter().enumerate() {
                if svc.holder.ticket_team() != Some(team) {
                    continue;
                }
                let n = tickets(svc, &mut self.rngs[si].tickets, self.week_start, t);
                if n > 0 {
                    let hours = n as f64 * svc.hours_per_ticket;
                    ticket_hours += hours;
                    if let Some(e) = &mut self.engagement {
                        e.service_ops(ServiceId::new(si), hours);
                    }
                    self.recorder
                        .tickets(ServiceId::new(si), n, self.week_start);
                }
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
            self.hiring(team, &figures, t);
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
            p.roll_week();
        }
        if t < self.horizon {
            self.reliability_week(&project_hours, self.week_start);
        }
        self.disengage_week(t);
        self.budget_policy_week(self.week_start, t);
        self.service_reviews(t);
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
            self.freeze(service, t);
        }
    }

    fn finish(mut self) -> RunResult {
        let horizon = self.horizon;
        self.recorder.queue_changed(horizon, 0);
        for i in 0..self.world.engineers.len() {
            self.book_busy(EngineerId::new(i), horizon);
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
        let supported = self.supported_at_end();
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
