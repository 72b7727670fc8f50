//! On-call: rotations and shifts, routing a page to a responder, handling and the
//! queue of pages waiting for a free responder.
//!
//! A page asks its service's [`PagerHolder`](super::world::PagerHolder) where to go. It goes to that team's
//! on-shift responders in order (primary, secondary, …), then to a free responder of the
//! backup team, if the holder names one; when nobody is free it waits in the team's FIFO
//! queue. Handling takes an acknowledge delay plus a mitigation time. Each shift is
//! covered by the site with most of the shift in its local daytime, and within that
//! site responders are taken round-robin.

use super::accounting::WeekLedger;
use super::durations::Sampler;
use super::event::Event;
use super::hours::{DAYTIME, WORKING_DAY, WORKING_TIME};
use super::options::{RunOptions, Unstable, MAX_WAITING_PAGES};
use super::recorder::Recorder;
use super::world::{
    Engineer, EngineerId, Incident, IncidentId, Rotation, Route, ServiceId, Team, TeamId, TeamKind,
    TeamParams, World,
};
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::{SimRng, Simulation};
use crate::scenario::{Phase, ScenarioConfig};

/// The engineers and teams of a scenario: the SRE teams, then the developer teams of
/// `[engagement]`, each holding its rotation. Engineers are numbered team by team, site
/// by site in the order the team lists them. Each engineer's on-call start
/// (`on_call_from_week`) is returned beside them.
pub fn build_teams(cfg: &ScenarioConfig) -> (Vec<Engineer>, Vec<f64>, Vec<Team>) {
    let mut engineers = Vec::new();
    let mut on_call_from = Vec::new();
    let developers = cfg
        .engagement
        .as_ref()
        .map_or(&[][..], |e| &e.dev_teams[..]);
    let all = cfg
        .teams
        .iter()
        .map(|t| (t, TeamKind::Sre))
        .chain(developers.iter().map(|t| (t, TeamKind::Developer)));
    let mut teams = Vec::with_capacity(cfg.teams.len() + developers.len());
    for (ti, (tc, kind)) in all.enumerate() {
        let mut by_site = Vec::new();
        let mut roster_sites = Vec::new();
        let mut offsets = Vec::new();
        let from = tc.on_call_from_week * HOURS_PER_WEEK;
        for &(site, count) in tc.members.iter().filter(|&&(_, n)| n > 0) {
            let s = &cfg.sites[site];
            let ids = (0..count)
                .map(|k| {
                    engineers.push(Engineer {
                        name: format!("{}-{}-{}", tc.name, s.name, k + 1),
                        team: TeamId::new(ti),
                        site,
                        utc_offset_hours: s.utc_offset_hours,
                        on_call_eligible: from <= 0.0,
                        active: true,
                        handling: None,
                        on_shift: false,
                        busy_since: 0.0,
                        offhours_pages_week: 0,
                    });
                    on_call_from.push(from);
                    EngineerId::new(engineers.len() - 1)
                })
                .collect();
            by_site.push(ids);
            roster_sites.push(site);
            offsets.push(s.utc_offset_hours);
        }
        let covering = covering_pattern(tc.shift_hours, tc.handoff_utc_hour, &offsets);
        teams.push(Team {
            name: tc.name.clone(),
            kind,
            params: TeamParams {
                shift_hours: tc.shift_hours,
                handoff_utc_hour: tc.handoff_utc_hour,
                responders: tc.responders_per_shift as usize,
                pager_budget: tc.pager_budget_per_shift,
                hours_per_week: tc.hours_per_week,
                ack_working: Sampler::new(&tc.ack_business_hours),
                ack_off: Sampler::new(&tc.ack_off_hours),
                followup_hours: tc.followup_hours_per_incident,
                interrupt_hours: tc.interrupt_overhead_hours,
                unfamiliar_ttm_factor: tc.unfamiliar_ttm_factor,
                context_switch_hours: tc.context_switch_hours,
                coordination_hours: tc.coordination_hours,
                cross_team_hours: tc.cross_team_hours,
                min_rotation_single_site: tc.min_rotation_single_site,
                min_rotation_per_site: tc.min_rotation_per_site,
            },
            rotation: Rotation {
                cursor: vec![0; by_site.len()],
                by_site,
                roster_sites,
                covering,
                ..Rotation::default()
            },
            queue: Default::default(),
            main_stack: None,
            merged_into: None,
            weeks_over_cap: 0,
            fatigue_ttm_factor: 1.0,
            dev_ttm_factor: 1.0,
        });
    }
    (engineers, on_call_from, teams)
}

/// Which roster (index into `offsets`, the UTC offsets of a team's roster sites)
/// covers each shift of the weekly pattern.
pub(super) fn covering_pattern(
    shift_hours: f64,
    handoff_utc_hour: f64,
    offsets: &[f64],
) -> Vec<usize> {
    let per_week = (HOURS_PER_WEEK / shift_hours).round() as usize;
    (0..per_week)
        .map(|k| {
            let start = handoff_utc_hour + k as f64 * shift_hours;
            covering_site(offsets, start, start + shift_hours)
        })
        .collect()
}

/// Which site (index into `offsets`) covers the shift `[start, end)`: the one with the
/// most of it in local daytime; ties go to the site listed first.
fn covering_site(offsets: &[f64], start: f64, end: f64) -> usize {
    let mut best = 0;
    let mut best_hours = f64::NEG_INFINITY;
    for (i, &off) in offsets.iter().enumerate() {
        let h = DAYTIME.overlap_hours(start, end, off);
        if h > best_hours + 1e-9 {
            best = i;
            best_hours = h;
        }
    }
    best
}

/// The on-call part: each service's handling stream (severity, acknowledge delay, time
/// to mitigate) and whether a queue grew past its bound. Rotations, queues and
/// incidents are the world's; the part works them through a [`Desk`].
#[derive(Debug)]
pub struct OnCall {
    /// By service.
    handling: Vec<SimRng>,
    horizon: f64,
    opts: RunOptions,
    unstable: Option<Unstable>,
}

/// What the on-call part works on while it handles an event: the world, the event
/// queue, the recorder (for its facts) and each team's week ledger.
pub struct Desk<'m> {
    /// The entities.
    pub world: &'m mut World,
    /// The event queue.
    pub sim: &'m mut Simulation<Event>,
    /// Facts go here.
    pub recorder: &'m mut Recorder,
    /// The current week's ledger, by team.
    pub ledgers: &'m mut [WeekLedger],
}

impl OnCall {
    /// The part for a run to `horizon` hours, with each service's handling stream.
    pub fn new(handling: Vec<SimRng>, horizon: f64, opts: RunOptions) -> Self {
        OnCall {
            handling,
            horizon,
            opts,
            unstable: None,
        }
    }

    /// Starts shift `k` of `team` at `t`: takes the next eligible responders of the
    /// covering site, schedules the next shift and lets free responders take waiting
    /// pages.
    pub fn begin_shift(&mut self, d: &mut Desk, team: TeamId, k: i64, t: f64) {
        let horizon = self.horizon;
        // Responders still handling a page leave the shift: their time so far was on
        // shift.
        for r in 0..d.world.team(team).rotation.on_shift.len() {
            let e = d.world.team(team).rotation.on_shift[r];
            book_busy(d, e, t);
        }
        let sim = &mut *d.sim;
        let engineers = &mut d.world.engineers;
        let tm = &mut d.world.teams[team.index()];
        let rot = &mut tm.rotation;
        for &e in &rot.on_shift {
            engineers[e.index()].on_shift = false;
        }
        rot.on_shift.clear();
        rot.shift_index = k;
        rot.shift_start = tm.params.handoff_utc_hour + k as f64 * tm.params.shift_hours;
        rot.shift_end = rot.shift_start + tm.params.shift_hours;
        rot.shift_pages = 0;
        rot.booked_to = t;
        let per_week = rot.covering.len() as i64;
        let site = rot.covering[k.rem_euclid(per_week) as usize];
        let members = &rot.by_site[site];
        let n = members.len();
        let mut pos = rot.cursor[site];
        for _ in 0..n {
            if rot.on_shift.len() == tm.params.responders {
                break;
            }
            let e = members[pos % n];
            pos += 1;
            let eng = &engineers[e.index()];
            if eng.on_call_eligible && eng.active {
                rot.on_shift.push(e);
            }
        }
        rot.cursor[site] = pos % n.max(1);
        let (shift_end, responders) = (rot.shift_end, rot.on_shift.len());
        rot.next_shift =
            (shift_end <= horizon).then(|| sim.schedule(shift_end, Event::ShiftStarted { team }));
        for r in 0..responders {
            let e = d.world.team(team).rotation.on_shift[r];
            // A responder still handling a page from an earlier shift: that time was
            // after the end of their shift.
            book_busy(d, e, t);
            d.world.engineer_mut(e).on_shift = true;
        }
        // Free responders take queued pages, in responder order.
        for r in 0..responders {
            let e = d.world.team(team).rotation.on_shift[r];
            if d.world.engineer(e).busy() {
                continue;
            }
            let Some(next) = d.world.team_mut(team).queue.pop_front() else {
                break;
            };
            d.recorder.queue_changed(t, -1);
            self.start_handling(d, e, next, t);
        }
    }

    /// The current shift of `team` ends at `t`: books it and begins the next one.
    pub fn end_shift(&mut self, d: &mut Desk, team: TeamId, t: f64) {
        book_shift_time(d, team, t);
        let tm = d.world.team(team);
        let rot = &tm.rotation;
        let (span, pages, k) = (
            (rot.shift_start, rot.shift_end),
            rot.shift_pages,
            rot.shift_index,
        );
        let budget = tm.params.pager_budget;
        if d.recorder.shift_ended(team, span, pages, budget) {
            let ledger = &mut d.ledgers[team.index()];
            ledger.shifts += 1;
            ledger.shift_pages += u64::from(pages);
        }
        self.begin_shift(d, team, k + 1, t);
    }

    /// Ends the current shift of `team` now if it ends by `t` (a shift ending exactly at
    /// a week's end belongs to that week), cancelling its pending `ShiftStarted`.
    pub fn end_shift_by(&mut self, d: &mut Desk, team: TeamId, t: f64) {
        if d.world.team(team).rotation.shift_end <= t {
            if let Some(id) = d.world.team_mut(team).rotation.next_shift.take() {
                d.sim.cancel(id);
            }
            self.end_shift(d, team, t);
        }
    }

    /// A page of `service` (in `phase`) at `t`, counted in the statistics or not and in
    /// SLO window `slo_window`: routed by its pager holder, whose route `reroute` may
    /// change (the engagement's share of the developers).
    #[inline]
    pub fn page(
        &mut self,
        d: &mut Desk,
        service: ServiceId,
        phase: Phase,
        (counted, slo_window): (bool, u64),
        t: f64,
        reroute: impl FnOnce(Route) -> Route,
    ) {
        let severity = self.pick_severity(d.world, service);
        let mut inc = Incident {
            service,
            team: None,
            severity,
            phase,
            uncovered: false,
            counted,
            slo_window,
            paged_at: t,
            started_at: f64::NAN,
            ack: f64::NAN,
            responder: None,
        };
        let holder = d.world.service(service).holder;
        let Some(route) = holder.route(severity) else {
            self.unanswered(d, inc, t);
            return;
        };
        let route = reroute(route);
        let team = route.first;
        let Desk { world, ledgers, .. } = d;
        let tm = &mut world.teams[team.index()];
        tm.rotation.shift_pages += 1;
        let ledger = &mut ledgers[team.index()];
        ledger.incidents += 1;
        ledger.followup_hours += tm.params.followup_hours;
        ledger.interrupt_hours += tm.params.interrupt_hours;
        let ops = tm.params.followup_hours + tm.params.interrupt_hours;
        inc.team = Some(team);
        inc.uncovered = tm.rotation.on_shift.is_empty();
        world.services[service.index()].ops_hours_week += ops;
        d.recorder.paged(&inc);
        let id = d.world.incidents.open(inc);
        let free = free_responder(d.world, team)
            .or_else(|| route.backup.and_then(|b| free_responder(d.world, b)));
        match free {
            Some(e) => self.start_handling(d, e, id, t),
            None => {
                let q = &mut d.world.team_mut(team).queue;
                q.push_back(id);
                let waiting = q.len();
                d.recorder.queue_changed(t, 1);
                if waiting >= MAX_WAITING_PAGES {
                    self.stop_unstable(d, team, t);
                }
            }
        }
    }

    /// Stops the run: `team`'s queue passed [`MAX_WAITING_PAGES`] at `t`.
    #[cold]
    fn stop_unstable(&mut self, d: &mut Desk, team: TeamId, t: f64) {
        self.unstable = Some(Unstable {
            team: d.world.team(team).name.clone(),
            week: t / HOURS_PER_WEEK,
            point: self.opts.point,
            replication: self.opts.replication,
        });
        d.sim.clear();
    }

    /// Why the run stopped early, if it did.
    pub fn take_unstable(&mut self) -> Option<Unstable> {
        self.unstable.take()
    }

    /// A page nobody answers: the incident lasts its time to mitigate, unhandled.
    fn unanswered(&mut self, d: &mut Desk, inc: Incident, t: f64) {
        let rng = &mut self.handling[inc.service.index()];
        let mitigation = d.world.service(inc.service).severities[inc.severity as usize]
            .ttm
            .sample(rng);
        d.recorder.paged(&inc);
        let id = d.world.incidents.open(inc);
        d.sim
            .schedule(t + mitigation, Event::IncidentMitigated { incident: id });
    }

    /// The severity index of a new page of `service` (draws only with several levels).
    #[inline]
    fn pick_severity(&mut self, world: &World, service: ServiceId) -> u16 {
        let levels = &world.services[service.index()].severities;
        if levels.len() == 1 {
            return 0;
        }
        let u: f64 = rand::Rng::random(&mut self.handling[service.index()]);
        levels
            .iter()
            .position(|s| u < s.cumulative_share)
            .unwrap_or(levels.len() - 1) as u16
    }

    /// Engineer `e` starts handling incident `id` at `t`.
    pub fn start_handling(&mut self, d: &mut Desk, e: EngineerId, id: IncidentId, t: f64) {
        let Desk {
            world,
            sim,
            recorder,
            ledgers,
        } = d;
        let inc = *world.incidents.get(id);
        let eng = world.engineer_mut(e);
        eng.handling = Some(id);
        eng.busy_since = t;
        let offset = eng.utc_offset_hours;
        let (team, site) = (eng.team, eng.site);
        let offhours = !WORKING_TIME.contains(t, offset);
        if offhours {
            eng.offhours_pages_week += 1;
        }
        let tm = &world.teams[team.index()];
        let rng = &mut self.handling[inc.service.index()];
        let ack = if offhours {
            tm.params.ack_off.sample(rng)
        } else {
            tm.params.ack_working.sample(rng)
        };
        let svc = &world.services[inc.service.index()];
        let mut mitigation = svc.severities[inc.severity as usize].ttm.sample(rng);
        if tm.main_stack.is_some_and(|m| m != svc.stack) {
            mitigation *= tm.params.unfamiliar_ttm_factor;
        }
        mitigation *= tm.fatigue_ttm_factor;
        if tm.kind == TeamKind::Developer {
            // Developers know the code, not the operations.
            mitigation *= tm.dev_ttm_factor;
        }
        let end = t + ack + mitigation;
        let ledger: &mut WeekLedger = &mut ledgers[team.index()];
        ledger.handling_hours += ack + mitigation;
        if tm.rotation.primary() == Some(e) {
            ledger.primary_workday_handling_hours +=
                WORKING_DAY.overlap_hours(t, end.min(tm.rotation.shift_end), offset);
        }
        world.services[inc.service.index()].ops_hours_week += ack + mitigation;
        let slot = world.incidents.get_mut(id);
        slot.started_at = t;
        slot.ack = ack;
        slot.responder = Some(e);
        let started = *slot;
        recorder.handling_started((team, site), &started, t, offhours);
        sim.schedule(end, Event::IncidentMitigated { incident: id });
    }

    /// Incident `id` was mitigated at `t`: its responder is free again. Returns the
    /// incident (its downtime is the SLO's, its row the recorder's); hand it to
    /// [`OnCall::next_page`] after.
    #[inline]
    pub fn close(&mut self, d: &mut Desk, id: IncidentId, t: f64) -> Incident {
        let inc = d.world.incidents.close(id);
        if let Some(e) = inc.responder {
            book_busy(d, e, t);
            d.world.engineer_mut(e).handling = None;
        }
        d.recorder.mitigated(&inc, t);
        inc
    }

    /// After `inc` closed at `t`: its responder, if still on shift, takes the next
    /// waiting page.
    #[inline]
    pub fn next_page(&mut self, d: &mut Desk, inc: &Incident, t: f64) {
        let Some(e) = inc.responder else {
            return;
        };
        let eng = d.world.engineer(e);
        if eng.on_shift {
            let team = eng.team;
            if let Some(next) = d.world.team_mut(team).queue.pop_front() {
                d.recorder.queue_changed(t, -1);
                self.start_handling(d, e, next, t);
            }
        }
    }
}

/// Books the current shift's time of `team` up to `t`: every responder's hours on
/// shift, and the primary's working hours, written off for project work.
pub fn book_shift_time(d: &mut Desk, team: TeamId, t: f64) {
    let rot = &d.world.teams[team.index()].rotation;
    let from = rot.booked_to;
    let ledger = &mut d.ledgers[team.index()];
    if let Some(p) = rot.primary() {
        let off = d.world.engineer(p).utc_offset_hours;
        ledger.writeoff_hours += WORKING_DAY.overlap_hours(from, t, off);
    }
    ledger.oncall_hours += (t - from) * rot.on_shift.len() as f64;
    d.recorder
        .oncall_booked(d.world, team, (from, t), &rot.on_shift);
    d.world.team_mut(team).rotation.booked_to = t;
}

/// Books engineer `e`'s handling time since it was last booked, as time on shift or
/// after the end of their shift.
#[inline]
pub fn book_busy(d: &mut Desk, e: EngineerId, t: f64) {
    let eng = d.world.engineer_mut(e);
    if eng.busy() {
        let from = std::mem::replace(&mut eng.busy_since, t);
        d.recorder.busy_booked(eng.team, from, t, eng.on_shift);
    }
}

/// The first on-shift responder of `team` who is not busy.
#[inline]
fn free_responder(world: &World, team: TeamId) -> Option<EngineerId> {
    world
        .team(team)
        .rotation
        .on_shift
        .iter()
        .copied()
        .find(|&e| !world.engineer(e).busy())
}
