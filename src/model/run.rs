//! One replication of the on-call model.
//!
//! Incidents arrive per service as a non-homogeneous Poisson process (by thinning a
//! homogeneous one at the service's peak rate). A page goes to the team's on-shift
//! responders in order (primary, secondary, …); when all are busy it waits in a FIFO
//! queue. Handling takes an acknowledge delay plus a mitigation time; follow-up work,
//! tickets and interrupt overhead are booked as ops hours in the week they occur.

use std::collections::VecDeque;

use rand::Rng;
use rand_distr::{Distribution, Exp1, Poisson, StandardNormal};

use super::results::{IncidentRecord, RunResult, ServiceResult, Summary, TeamResult, WeeklyRow};
use super::stats::{CountHistogram, LogHistogram, Mean};
use crate::engine::calendar::{fast_floor, DailyWindow, HOURS_PER_WEEK};
use crate::engine::{fnv1a64, stream_rng, SimRng, Simulation};
use crate::scenario::{lognormal_sigma, Duration, Phase, ScenarioConfig};

/// An engineer's working time: weekdays 07:00–22:00 local. Everything else (nights
/// 22:00–07:00 and weekends) is off-hours. It selects the acknowledge delay and what
/// counts as an off-hours page; it also shapes services' load profiles.
pub const WORKING_TIME: DailyWindow = DailyWindow {
    from_hour: 7.0,
    to_hour: 22.0,
    weekdays_only: true,
};

/// An engineer's working day for capacity: weekdays 09:00–17:00 local (the 40-hour
/// week). A primary's on-call hours inside it are written off for project work.
pub const WORKING_DAY: DailyWindow = DailyWindow {
    from_hour: 9.0,
    to_hour: 17.0,
    weekdays_only: true,
};

/// The local daytime used to pick which site covers a shift: 07:00–19:00, every day.
pub const DAYTIME: DailyWindow = DailyWindow {
    from_hour: 7.0,
    to_hour: 19.0,
    weekdays_only: false,
};

/// Ops load above which a week counts as over the cap (SRE book ch.1).
pub const OPS_CAP_FRAC: f64 = 0.5;

const WEEKS_PER_MONTH: f64 = 52.0 / 12.0;

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

/// Random stream ids: each service owns `STREAMS_PER_SERVICE` consecutive ids, starting
/// at a hash of its name (see [`service_stream_base`]). The layout is fixed: a new random
/// process takes a spare id, so adding it re-seeds nothing else.
///
/// | offset | stream |
/// |---|---|
/// | 0 | arrivals: candidate times and every candidate's thinning uniform |
/// | 1 | handling: severity, acknowledge delay, time to mitigate |
/// | 2 | tickets |
/// | 3 | reserved: change-induced arrivals |
/// | 4 | reserved: readiness reviews and engagement |
/// | 5–15 | spare |
const STREAMS_PER_SERVICE: u64 = 16;
const STREAM_ARRIVALS: u64 = 0;
const STREAM_HANDLING: u64 = 1;
const STREAM_TICKETS: u64 = 2;

/// The model's closed set of events, as past-tense facts.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    /// A candidate arrival of the service's thinned Poisson process came due.
    ArrivalDue { service: u32 },
    /// A responder mitigated an incident.
    IncidentMitigated { incident: u32 },
    /// A team's next shift began.
    ShiftStarted { team: u32 },
    /// A week ended (or the horizon came, ending a partial week).
    WeekEnded,
}

/// First stream id of a service: FNV-1a of its name, times sixteen. Keying streams by name
/// rather than position keeps a service's incidents the same when other services are
/// added or removed (a sweep over `count`, another scenario file in a comparison).
pub fn service_stream_base(name: &str) -> u64 {
    fnv1a64(name).wrapping_mul(STREAMS_PER_SERVICE)
}

#[derive(Debug, Clone, Copy)]
enum Sampler {
    Zero,
    Fixed(f64),
    Exponential(f64),
    LogNormal { mu: f64, sigma: f64 },
}

impl Sampler {
    fn new(d: &Duration) -> Self {
        match *d {
            Duration::Zero => Sampler::Zero,
            Duration::Fixed { hours } => Sampler::Fixed(hours),
            Duration::Exponential { mean_hours } => Sampler::Exponential(mean_hours),
            Duration::LogNormal {
                median_hours,
                p90_hours,
            } => Sampler::LogNormal {
                mu: median_hours.ln(),
                sigma: lognormal_sigma(median_hours, p90_hours),
            },
        }
    }

    #[inline]
    fn sample(&self, rng: &mut SimRng) -> f64 {
        match *self {
            Sampler::Zero => 0.0,
            Sampler::Fixed(h) => h,
            Sampler::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}

struct Engineer {
    name: String,
    team: u32,
    utc_offset_hours: f64,
    /// First time the engineer may be put on call (hire date plus ramp-up).
    on_call_from: f64,
    /// Time the engineer leaves (infinite while staying).
    left_at: f64,
    busy: bool,
    on_shift: bool,
    offhours_pages: u64,
}

impl Engineer {
    fn eligible_at(&self, t: f64) -> bool {
        self.on_call_from <= t && t < self.left_at
    }
}

/// Per-team sums for the current week.
#[derive(Debug, Clone, Copy, Default)]
struct WeekAcc {
    incidents: u64,
    shifts: u64,
    shift_pages: u64,
    handling_hours: f64,
    followup_hours: f64,
    ticket_hours: f64,
    interrupt_hours: f64,
    writeoff_hours: f64,
    /// Handling hours a primary spent inside their working day: already written off.
    primary_workday_handling_hours: f64,
}

/// Per-team sums over the statistics window.
#[derive(Debug, Clone, Default)]
struct TeamTotals {
    incidents: u64,
    shifts: CountHistogram,
    uncovered: u64,
    wait: Mean,
    ttm: Mean,
    busy_hours: f64,
    slot_hours: f64,
    capacity_hours: f64,
    ops_hours: f64,
    writeoff_hours: f64,
    project_hours: f64,
    engineer_weeks: f64,
    ops_load_max: f64,
    weeks_over_cap: u64,
    offhours_pages: u64,
}

struct Team {
    /// Engineers per covering site entry, in rotation order.
    rotation: Vec<Vec<u32>>,
    /// Round-robin cursor per site entry.
    cursor: Vec<usize>,
    /// Site entry covering each shift of the weekly pattern.
    covering: Vec<usize>,
    shift_hours: f64,
    handoff: f64,
    responders: usize,
    budget: u32,
    hours_per_week: f64,
    ack_working: Sampler,
    ack_off: Sampler,
    followup_hours: f64,
    interrupt_hours: f64,
    shift_index: i64,
    shift_start: f64,
    shift_end: f64,
    shift_pages: u32,
    on_shift: Vec<u32>,
    queue: VecDeque<u32>,
    /// Time up to which the current primary's write-off has been booked.
    writeoff_booked_to: f64,
    week: WeekAcc,
    totals: TeamTotals,
    services: Vec<u32>,
}

/// SLO windows of one service that may still receive downtime.
struct SloTracker {
    window_hours: f64,
    /// 1 / window_hours: the window index is a multiplication on the per-incident path.
    per_window: f64,
    budget_hours: f64,
    /// Index of the oldest open window.
    front: u64,
    spent: VecDeque<f64>,
    open: VecDeque<u32>,
    evaluated: u64,
    met: u64,
    spent_frac_sum: f64,
}

struct SeverityModel {
    cumulative_share: f64,
    impact: f64,
    ttm: Sampler,
}

/// The lifecycle phase at `t`, given the phases' start times (`phase_start[7]` is the
/// retirement): `None` before launch and after retirement.
fn phase_index(phase_start: &[f64; 8], t: f64) -> Option<usize> {
    if t < phase_start[0] {
        return None;
    }
    (0..7).find(|&i| t < phase_start[i + 1])
}

struct Service {
    team: u32,
    utc_offset_hours: f64,
    arrivals: SimRng,
    handling: SimRng,
    tickets: SimRng,
    /// Phase i spans `[phase_start[i], phase_start[i + 1])`; retired after the last.
    phase_start: [f64; 8],
    multiplier: [f64; 7],
    /// Base rate per hour × the load profile's peak factor (0: no arrivals at all);
    /// candidates arrive at this times the phase multiplier.
    peak_rate_per_hour: f64,
    /// Normalised profile factors relative to their maximum (1 = no thinning needed).
    working_factor: f64,
    off_factor: f64,
    severities: Vec<SeverityModel>,
    tickets_per_week: f64,
    hours_per_ticket: f64,
    incidents: u64,
    ticket_count: u64,
    ttm: Mean,
    slo: SloTracker,
}

impl Service {
    fn phase_at(&self, t: f64) -> Option<usize> {
        phase_index(&self.phase_start, t)
    }

    /// ∫ multiplier dt over [a, b], in hours.
    fn multiplier_integral(&self, a: f64, b: f64) -> f64 {
        (0..7)
            .map(|i| {
                let lo = a.max(self.phase_start[i]);
                let hi = b.min(self.phase_start[i + 1]);
                if hi > lo {
                    (hi - lo) * self.multiplier[i]
                } else {
                    0.0
                }
            })
            .sum()
    }

    /// Next candidate arrival after `from`. Candidates arrive at the peak rate of the
    /// current phase (base rate × phase multiplier × the load profile's peak factor);
    /// when a draw crosses a phase boundary the process restarts there at the next
    /// phase's rate, which is exact because the exponential is memoryless.
    fn next_candidate(&mut self, mut from: f64, horizon: f64) -> Option<f64> {
        if self.peak_rate_per_hour <= 0.0 {
            return None;
        }
        from = from.max(self.phase_start[0]);
        loop {
            if from >= horizon {
                return None;
            }
            let phase = self.phase_at(from)?;
            let end = self.phase_start[phase + 1];
            let rate = self.peak_rate_per_hour * self.multiplier[phase];
            if rate > 0.0 {
                let e: f64 = Exp1.sample(&mut self.arrivals);
                let t = from + e / rate;
                if t < end {
                    return (t < horizon).then_some(t);
                }
            }
            from = end;
        }
    }

    /// Whether the candidate at `t` is a real arrival (thinning). Every candidate draws
    /// its uniform, whatever the ratio, so that a changed ratio never moves a later draw.
    #[inline]
    fn accept(&mut self, t: f64) -> bool {
        let u: f64 = self.arrivals.random();
        // A flat profile needs no calendar look-up.
        let ratio = if self.working_factor == self.off_factor
            || WORKING_TIME.contains(t, self.utc_offset_hours)
        {
            self.working_factor
        } else {
            self.off_factor
        };
        u < ratio
    }

    fn pick_severity(&mut self) -> usize {
        if self.severities.len() == 1 {
            return 0;
        }
        let u: f64 = self.handling.random();
        self.severities
            .iter()
            .position(|s| u < s.cumulative_share)
            .unwrap_or(self.severities.len() - 1)
    }
}

#[derive(Debug, Clone, Copy)]
struct Incident {
    service: u32,
    team: u32,
    severity: u16,
    phase: u8,
    uncovered: bool,
    in_window: bool,
    paged_at: f64,
    started_at: f64,
    ack: f64,
    responder: u32,
}

/// Run-wide sums over the statistics window.
#[derive(Default)]
struct RunTotals {
    wait: Mean,
    ack: Mean,
    ttm: Mean,
    ttm_hist: LogHistogram,
    queue_area: f64,
    queue_len: u64,
    queue_changed_at: f64,
}

struct Model<'a> {
    cfg: &'a ScenarioConfig,
    opts: RunOptions,
    sim: Simulation<Event>,
    warmup: f64,
    horizon: f64,
    week_start: f64,
    week_index: u64,
    engineers: Vec<Engineer>,
    teams: Vec<Team>,
    services: Vec<Service>,
    incidents: Vec<Incident>,
    free_incidents: Vec<u32>,
    totals: RunTotals,
    weekly: Vec<WeeklyRow>,
    trace: Vec<IncidentRecord>,
}

/// Runs one replication of `cfg`.
pub fn simulate(cfg: &ScenarioConfig, opts: RunOptions) -> RunResult {
    let mut m = Model::new(cfg, opts);
    m.run();
    m.finish()
}

/// Hours of `[a, b)` inside `[lo, hi)`.
#[inline]
fn clipped(a: f64, b: f64, lo: f64, hi: f64) -> f64 {
    (b.min(hi) - a.max(lo)).max(0.0)
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

impl<'a> Model<'a> {
    fn new(cfg: &'a ScenarioConfig, opts: RunOptions) -> Self {
        let seed = cfg.simulation.seed;
        let horizon = cfg.simulation.horizon_weeks * HOURS_PER_WEEK;
        let warmup = cfg.simulation.warmup_weeks * HOURS_PER_WEEK;
        let mut engineers = Vec::new();
        let mut teams = Vec::with_capacity(cfg.teams.len());
        for (ti, tc) in cfg.teams.iter().enumerate() {
            let mut rotation = Vec::new();
            let mut offsets = Vec::new();
            for &(site, count) in tc.members.iter().filter(|&&(_, n)| n > 0) {
                let s = &cfg.sites[site];
                let ids = (0..count)
                    .map(|k| {
                        engineers.push(Engineer {
                            name: format!("{}-{}-{}", tc.name, s.name, k + 1),
                            team: ti as u32,
                            utc_offset_hours: s.utc_offset_hours,
                            on_call_from: tc.on_call_from_week * HOURS_PER_WEEK,
                            left_at: f64::INFINITY,
                            busy: false,
                            on_shift: false,
                            offhours_pages: 0,
                        });
                        (engineers.len() - 1) as u32
                    })
                    .collect();
                rotation.push(ids);
                offsets.push(s.utc_offset_hours);
            }
            let per_week = (HOURS_PER_WEEK / tc.shift_hours).round() as usize;
            let covering = (0..per_week)
                .map(|k| {
                    let start = tc.handoff_utc_hour + k as f64 * tc.shift_hours;
                    let end = start + tc.shift_hours;
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
                })
                .collect();
            teams.push(Team {
                cursor: vec![0; rotation.len()],
                rotation,
                covering,
                shift_hours: tc.shift_hours,
                handoff: tc.handoff_utc_hour,
                responders: tc.responders_per_shift as usize,
                budget: tc.pager_budget_per_shift,
                hours_per_week: tc.hours_per_week,
                ack_working: Sampler::new(&tc.ack_business_hours),
                ack_off: Sampler::new(&tc.ack_off_hours),
                followup_hours: tc.followup_hours_per_incident,
                interrupt_hours: tc.interrupt_overhead_hours,
                shift_index: 0,
                shift_start: 0.0,
                shift_end: 0.0,
                shift_pages: 0,
                on_shift: Vec::with_capacity(tc.responders_per_shift as usize),
                queue: VecDeque::new(),
                writeoff_booked_to: 0.0,
                week: WeekAcc::default(),
                totals: TeamTotals::default(),
                services: Vec::new(),
            });
        }
        let mut services = Vec::with_capacity(cfg.services.len());
        for (si, sc) in cfg.services.iter().enumerate() {
            let base_stream = service_stream_base(&sc.name);
            let stream = |kind: u64| {
                stream_rng(
                    seed,
                    opts.stream_point,
                    opts.replication,
                    base_stream.wrapping_add(kind),
                )
            };
            let mut phase_start = [0.0; 8];
            phase_start[0] = sc.launch_week * HOURS_PER_WEEK;
            for i in 0..7 {
                phase_start[i + 1] = phase_start[i] + sc.phase_weeks.0[i] * HOURS_PER_WEEK;
            }
            let working_share = WORKING_TIME.hours_per_week() / HOURS_PER_WEEK;
            let mean_profile = working_share * sc.business_hours_multiplier
                + (1.0 - working_share) * sc.off_hours_multiplier;
            let max_profile = sc.business_hours_multiplier.max(sc.off_hours_multiplier);
            let peak_factor = if mean_profile > 0.0 {
                max_profile / mean_profile
            } else {
                0.0
            };
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
            let window_hours = sc.slo_window_weeks * HOURS_PER_WEEK;
            teams[sc.team].services.push(si as u32);
            services.push(Service {
                team: sc.team as u32,
                utc_offset_hours: cfg.sites[sc.site].utc_offset_hours,
                arrivals: stream(STREAM_ARRIVALS),
                handling: stream(STREAM_HANDLING),
                tickets: stream(STREAM_TICKETS),
                phase_start,
                multiplier: sc.page_multiplier.0,
                peak_rate_per_hour: sc.page_rate_per_week / HOURS_PER_WEEK * peak_factor,
                working_factor: if max_profile > 0.0 {
                    sc.business_hours_multiplier / max_profile
                } else {
                    0.0
                },
                off_factor: if max_profile > 0.0 {
                    sc.off_hours_multiplier / max_profile
                } else {
                    0.0
                },
                severities,
                tickets_per_week: sc.tickets_per_week,
                hours_per_ticket: sc.hours_per_ticket,
                incidents: 0,
                ticket_count: 0,
                ttm: Mean::default(),
                slo: SloTracker {
                    window_hours,
                    per_window: 1.0 / window_hours,
                    budget_hours: (1.0 - sc.slo_target) * window_hours,
                    front: 0,
                    spent: VecDeque::new(),
                    open: VecDeque::new(),
                    evaluated: 0,
                    met: 0,
                    spent_frac_sum: 0.0,
                },
            });
        }
        Model {
            cfg,
            opts,
            sim: Simulation::new(),
            warmup,
            horizon,
            week_start: 0.0,
            week_index: 0,
            engineers,
            teams,
            services,
            incidents: Vec::new(),
            free_incidents: Vec::new(),
            totals: RunTotals {
                queue_changed_at: warmup,
                ..RunTotals::default()
            },
            weekly: Vec::new(),
            trace: Vec::new(),
        }
    }

    fn run(&mut self) {
        for si in 0..self.services.len() {
            if let Some(t) = self.services[si].next_candidate(0.0, self.horizon) {
                self.sim
                    .schedule(t, Event::ArrivalDue { service: si as u32 });
            }
        }
        for ti in 0..self.teams.len() {
            let team = &self.teams[ti];
            let k = ((0.0 - team.handoff) / team.shift_hours).floor() as i64;
            self.begin_shift(ti, k, 0.0);
        }
        self.sim
            .schedule(HOURS_PER_WEEK.min(self.horizon), Event::WeekEnded);
        while let Some((t, ev)) = self.sim.next_until(self.horizon) {
            match ev {
                Event::ArrivalDue { service } => self.on_arrival_due(service as usize, t),
                Event::IncidentMitigated { incident } => self.on_mitigated(incident, t),
                Event::ShiftStarted { team } => self.on_shift_started(team as usize, t),
                Event::WeekEnded => self.on_week_ended(t),
            }
        }
    }

    fn in_window(&self, t: f64) -> bool {
        t >= self.warmup && t < self.horizon
    }

    fn set_queue_len(&mut self, t: f64, delta: i64) {
        let tot = &mut self.totals;
        if t > tot.queue_changed_at {
            tot.queue_area += tot.queue_len as f64 * (t - tot.queue_changed_at);
            tot.queue_changed_at = t;
        }
        tot.queue_len = (tot.queue_len as i64 + delta) as u64;
    }

    fn on_arrival_due(&mut self, si: usize, t: f64) {
        let svc = &mut self.services[si];
        let Some(phase) = svc.phase_at(t) else {
            return;
        };
        let accepted = svc.accept(t);
        if let Some(next) = svc.next_candidate(t, self.horizon) {
            self.sim
                .schedule(next, Event::ArrivalDue { service: si as u32 });
        }
        if accepted {
            self.page(si, phase, t);
        }
    }

    fn page(&mut self, si: usize, phase: usize, t: f64) {
        let in_window = self.in_window(t);
        let svc = &mut self.services[si];
        let severity = svc.pick_severity();
        let ti = svc.team as usize;
        if in_window {
            svc.incidents += 1;
            // Never an already closed window, even if the product rounds down at a boundary.
            let w = (fast_floor(t * svc.slo.per_window) as u64).max(svc.slo.front);
            let slo = &mut svc.slo;
            let idx = (w - slo.front) as usize;
            if idx >= slo.spent.len() {
                slo.spent.resize(idx + 1, 0.0);
                slo.open.resize(idx + 1, 0);
            }
            slo.open[idx] += 1;
        }
        let team = &mut self.teams[ti];
        team.shift_pages += 1;
        team.week.incidents += 1;
        team.week.followup_hours += team.followup_hours;
        team.week.interrupt_hours += team.interrupt_hours;
        let uncovered = team.on_shift.is_empty();
        if in_window {
            team.totals.incidents += 1;
            if uncovered {
                team.totals.uncovered += 1;
            }
        }
        let inc = Incident {
            service: si as u32,
            team: ti as u32,
            severity: severity as u16,
            phase: phase as u8,
            uncovered,
            in_window,
            paged_at: t,
            started_at: f64::NAN,
            ack: f64::NAN,
            responder: u32::MAX,
        };
        let id = match self.free_incidents.pop() {
            Some(id) => {
                self.incidents[id as usize] = inc;
                id
            }
            None => {
                self.incidents.push(inc);
                (self.incidents.len() - 1) as u32
            }
        };
        let free = self.teams[ti]
            .on_shift
            .iter()
            .copied()
            .find(|&e| !self.engineers[e as usize].busy);
        match free {
            Some(e) => self.start_handling(e, id, t),
            None => {
                self.teams[ti].queue.push_back(id);
                self.set_queue_len(t, 1);
            }
        }
    }

    fn start_handling(&mut self, e: u32, id: u32, t: f64) {
        let inc = self.incidents[id as usize];
        let eng = &mut self.engineers[e as usize];
        eng.busy = true;
        let offhours = !WORKING_TIME.contains(t, eng.utc_offset_hours);
        let offset = eng.utc_offset_hours;
        let ti = inc.team as usize;
        let team = &mut self.teams[ti];
        let svc = &mut self.services[inc.service as usize];
        let ack = if offhours {
            team.ack_off.sample(&mut svc.handling)
        } else {
            team.ack_working.sample(&mut svc.handling)
        };
        let mitigation = svc.severities[inc.severity as usize]
            .ttm
            .sample(&mut svc.handling);
        let end = t + ack + mitigation;
        let handling = ack + mitigation;
        team.week.handling_hours += handling;
        if team.on_shift.first() == Some(&e) {
            team.week.primary_workday_handling_hours +=
                WORKING_DAY.overlap_hours(t, end.min(team.shift_end), offset);
        }
        team.totals.busy_hours += clipped(t, end, self.warmup, self.horizon);
        if inc.in_window {
            let wait = t - inc.paged_at;
            team.totals.wait.add(wait);
            self.totals.wait.add(wait);
            self.totals.ack.add(ack);
            if offhours {
                eng.offhours_pages += 1;
                team.totals.offhours_pages += 1;
            }
        }
        let slot = &mut self.incidents[id as usize];
        slot.started_at = t;
        slot.ack = ack;
        slot.responder = e;
        self.sim
            .schedule(end, Event::IncidentMitigated { incident: id });
    }

    fn on_mitigated(&mut self, id: u32, t: f64) {
        let inc = self.incidents[id as usize];
        self.free_incidents.push(id);
        let e = inc.responder;
        self.engineers[e as usize].busy = false;
        if inc.in_window {
            let ttm = t - inc.paged_at;
            self.totals.ttm.add(ttm);
            self.totals.ttm_hist.add(ttm);
            self.teams[inc.team as usize].totals.ttm.add(ttm);
            let svc = &mut self.services[inc.service as usize];
            svc.ttm.add(ttm);
            let impact = svc.severities[inc.severity as usize].impact;
            Self::book_downtime(&mut svc.slo, inc.paged_at, ttm * impact, true);
            if self.opts.trace {
                self.record(&inc, Some(t));
            }
        }
        if self.engineers[e as usize].on_shift {
            if let Some(next) = self.teams[inc.team as usize].queue.pop_front() {
                self.set_queue_len(t, -1);
                self.start_handling(e, next, t);
            }
        }
    }

    fn book_downtime(slo: &mut SloTracker, paged_at: f64, hours: f64, closes: bool) {
        // The same index as when paged: that window cannot have closed since.
        let w = (fast_floor(paged_at * slo.per_window) as u64).max(slo.front);
        let idx = (w - slo.front) as usize;
        slo.spent[idx] += hours;
        if closes {
            slo.open[idx] -= 1;
        }
    }

    fn record(&mut self, inc: &Incident, mitigated_at: Option<f64>) {
        let cfg = self.cfg;
        let svc = &cfg.services[inc.service as usize];
        let started = inc.started_at.is_finite().then_some(inc.started_at);
        self.trace.push(IncidentRecord {
            point: self.opts.point,
            replication: self.opts.replication,
            service: svc.name.clone(),
            team: cfg.teams[inc.team as usize].name.clone(),
            severity: svc.severities[inc.severity as usize].name.clone(),
            phase: Phase::ALL[inc.phase as usize].as_str(),
            paged_at_hours: inc.paged_at,
            started_at_hours: started,
            mitigated_at_hours: mitigated_at,
            responder: started
                .map(|_| self.engineers[inc.responder as usize].name.clone())
                .unwrap_or_default(),
            offhours: started.is_some_and(|s| {
                !WORKING_TIME.contains(s, self.engineers[inc.responder as usize].utc_offset_hours)
            }),
            uncovered: inc.uncovered,
            wait_hours: started.map(|s| s - inc.paged_at),
            ack_hours: started.map(|_| inc.ack),
            ttm_hours: mitigated_at.map(|m| m - inc.paged_at),
        });
    }

    /// Books the current primary's written-off working hours up to `t`.
    fn book_writeoff(&mut self, ti: usize, t: f64) {
        let team = &mut self.teams[ti];
        if let Some(&p) = team.on_shift.first() {
            let off = self.engineers[p as usize].utc_offset_hours;
            team.week.writeoff_hours += WORKING_DAY.overlap_hours(team.writeoff_booked_to, t, off);
        }
        team.writeoff_booked_to = t;
    }

    fn begin_shift(&mut self, ti: usize, k: i64, t: f64) {
        let team = &mut self.teams[ti];
        for &e in &team.on_shift {
            self.engineers[e as usize].on_shift = false;
        }
        team.on_shift.clear();
        team.shift_index = k;
        team.shift_start = team.handoff + k as f64 * team.shift_hours;
        team.shift_end = team.shift_start + team.shift_hours;
        team.shift_pages = 0;
        team.writeoff_booked_to = t;
        let per_week = team.covering.len() as i64;
        let site = team.covering[k.rem_euclid(per_week) as usize];
        let members = &team.rotation[site];
        let n = members.len();
        let mut taken = 0;
        let mut pos = team.cursor[site];
        for _ in 0..n {
            if taken == team.responders {
                break;
            }
            let e = members[pos % n];
            pos += 1;
            if self.engineers[e as usize].eligible_at(t) {
                team.on_shift.push(e);
                self.engineers[e as usize].on_shift = true;
                taken += 1;
            }
        }
        team.cursor[site] = pos % n.max(1);
        let slot_hours =
            clipped(t, team.shift_end, self.warmup, self.horizon) * team.on_shift.len() as f64;
        team.totals.slot_hours += slot_hours;
        if team.shift_end <= self.horizon {
            self.sim
                .schedule(team.shift_end, Event::ShiftStarted { team: ti as u32 });
        }
        // Free responders take queued pages, in responder order.
        for r in 0..self.teams[ti].on_shift.len() {
            let e = self.teams[ti].on_shift[r];
            if self.engineers[e as usize].busy {
                continue;
            }
            let Some(next) = self.teams[ti].queue.pop_front() else {
                break;
            };
            self.set_queue_len(t, -1);
            self.start_handling(e, next, t);
        }
    }

    fn on_shift_started(&mut self, ti: usize, t: f64) {
        if t < self.teams[ti].shift_end {
            // Stale: the week's end at this same instant already changed the shift.
            return;
        }
        self.book_writeoff(ti, t);
        let team = &mut self.teams[ti];
        let counted = team.shift_start >= self.warmup && team.shift_end <= self.horizon;
        if counted {
            team.totals.shifts.add(team.shift_pages);
            team.week.shifts += 1;
            team.week.shift_pages += u64::from(team.shift_pages);
        }
        let k = team.shift_index + 1;
        self.begin_shift(ti, k, t);
    }

    fn on_week_ended(&mut self, t: f64) {
        let week_fraction = (t - self.week_start) / HOURS_PER_WEEK;
        let in_warmup = self.week_start < self.warmup;
        for ti in 0..self.teams.len() {
            // A shift ending exactly now belongs to the week that ends now.
            if self.teams[ti].shift_end <= t {
                self.on_shift_started(ti, t);
            }
            self.book_writeoff(ti, t);
            let headcount = self
                .engineers
                .iter()
                .filter(|e| e.team == ti as u32 && e.left_at > t)
                .count() as u32;
            let mut ticket_hours = 0.0;
            for k in 0..self.teams[ti].services.len() {
                let si = self.teams[ti].services[k] as usize;
                let svc = &mut self.services[si];
                let mean = svc.tickets_per_week / HOURS_PER_WEEK
                    * svc.multiplier_integral(self.week_start, t);
                if mean > 0.0 {
                    let n = Poisson::new(mean)
                        .map(|p| p.sample(&mut svc.tickets) as u64)
                        .unwrap_or(0);
                    ticket_hours += n as f64 * svc.hours_per_ticket;
                    if !in_warmup {
                        svc.ticket_count += n;
                    }
                }
            }
            let team = &mut self.teams[ti];
            let mut w = std::mem::take(&mut team.week);
            w.ticket_hours += ticket_hours;
            let capacity = f64::from(headcount) * team.hours_per_week * week_fraction;
            let ops = w.handling_hours + w.followup_hours + w.ticket_hours + w.interrupt_hours;
            let chargeable_ops = (ops - w.primary_workday_handling_hours).max(0.0);
            let project = (capacity - w.writeoff_hours - chargeable_ops).max(0.0);
            let ops_load = ratio(ops, capacity);
            if !in_warmup {
                let tt = &mut team.totals;
                tt.capacity_hours += capacity;
                tt.ops_hours += ops;
                tt.writeoff_hours += w.writeoff_hours;
                tt.project_hours += project;
                tt.engineer_weeks += f64::from(headcount) * week_fraction;
                if ops_load > tt.ops_load_max {
                    tt.ops_load_max = ops_load;
                }
                if ops_load > OPS_CAP_FRAC {
                    tt.weeks_over_cap += 1;
                }
            }
            self.weekly.push(WeeklyRow {
                point: self.opts.point,
                replication: self.opts.replication,
                team: self.cfg.teams[ti].name.clone(),
                week: self.week_index,
                in_warmup,
                headcount,
                incidents: w.incidents,
                shifts: w.shifts,
                pages_per_shift: ratio(w.shift_pages as f64, w.shifts as f64),
                ops_hours: ops,
                capacity_hours: capacity,
                ops_load_frac: ops_load,
                oncall_time_frac: ratio(w.writeoff_hours, capacity),
                project_hours: project,
            });
        }
        for si in 0..self.services.len() {
            self.close_slo_windows(si, t, false);
        }
        self.week_start = t;
        self.week_index += 1;
        if t < self.horizon {
            let next = (t + HOURS_PER_WEEK).min(self.horizon);
            self.sim.schedule(next, Event::WeekEnded);
        }
    }

    /// Evaluates windows that ended by `t` and can no longer change (all their
    /// incidents mitigated), or all ended windows when `force`.
    fn close_slo_windows(&mut self, si: usize, t: f64, force: bool) {
        let (warmup, horizon) = (self.warmup, self.horizon);
        let phase_start = self.services[si].phase_start;
        let serving_at =
            |x: f64| phase_index(&phase_start, x).is_some_and(|i| Phase::ALL[i].is_serving());
        let slo = &mut self.services[si].slo;
        loop {
            let start = slo.front as f64 * slo.window_hours;
            let end = start + slo.window_hours;
            if end > t {
                break;
            }
            let open = slo.open.front().copied().unwrap_or(0);
            if open > 0 && !force {
                break;
            }
            let spent = slo.spent.pop_front().unwrap_or(0.0);
            slo.open.pop_front();
            if start >= warmup && end <= horizon && serving_at(start) {
                slo.evaluated += 1;
                let frac = spent / slo.budget_hours;
                slo.spent_frac_sum += frac;
                if spent <= slo.budget_hours {
                    slo.met += 1;
                }
            }
            slo.front += 1;
        }
    }

    fn finish(mut self) -> RunResult {
        let horizon = self.horizon;
        self.set_queue_len(horizon, 0);
        // Incidents still open: their downtime so far counts against their window.
        let mut open_at_end = 0;
        let mut still_open: Vec<u32> = (0..self.incidents.len() as u32).collect();
        let mut is_free = vec![false; self.incidents.len()];
        for &f in &self.free_incidents {
            is_free[f as usize] = true;
        }
        still_open.retain(|&i| !is_free[i as usize]);
        for id in still_open {
            let inc = self.incidents[id as usize];
            if !inc.in_window {
                continue;
            }
            open_at_end += 1;
            let svc = &mut self.services[inc.service as usize];
            let impact = svc.severities[inc.severity as usize].impact;
            Self::book_downtime(
                &mut svc.slo,
                inc.paged_at,
                (horizon - inc.paged_at) * impact,
                false,
            );
            if self.opts.trace {
                self.record(&inc, None);
            }
        }
        for si in 0..self.services.len() {
            self.close_slo_windows(si, horizon, true);
        }
        let cfg = self.cfg;
        let rep = self.opts.replication;
        let window_hours = (horizon - self.warmup).max(0.0);

        let mut shifts = CountHistogram::default();
        let mut over_budget = 0.0;
        let (mut busy, mut slots, mut cap, mut ops, mut writeoff, mut project, mut eng_weeks) =
            (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
        let (mut ops_max, mut offhours, mut uncovered, mut incidents) = (f64::NAN, 0, 0, 0);
        let mut teams = Vec::with_capacity(self.teams.len());
        for (ti, team) in self.teams.iter().enumerate() {
            let t = &team.totals;
            shifts.merge(&t.shifts);
            let above = t.shifts.frac_above(team.budget);
            if t.shifts.count() > 0 {
                over_budget += above * t.shifts.count() as f64;
            }
            busy += t.busy_hours;
            slots += t.slot_hours;
            cap += t.capacity_hours;
            ops += t.ops_hours;
            writeoff += t.writeoff_hours;
            project += t.project_hours;
            eng_weeks += t.engineer_weeks;
            ops_max = if ops_max.is_nan() {
                t.ops_load_max
            } else {
                ops_max.max(t.ops_load_max)
            };
            offhours += t.offhours_pages;
            uncovered += t.uncovered;
            incidents += t.incidents;
            teams.push(TeamResult {
                point: self.opts.point,
                replication: rep,
                team: cfg.teams[ti].name.clone(),
                pager_budget_per_shift: team.budget,
                headcount_mean: ratio(t.engineer_weeks * HOURS_PER_WEEK, window_hours),
                incidents: t.incidents,
                shifts: t.shifts.count(),
                pages_per_shift_mean: t.shifts.mean(),
                pages_per_shift_p95: t.shifts.quantile(0.95),
                shifts_over_budget_frac: above,
                uncovered_pages: t.uncovered,
                wait_hours_mean: t.wait.mean(),
                ttm_hours_mean: t.ttm.mean(),
                responder_busy_frac: ratio(t.busy_hours, t.slot_hours),
                oncall_time_frac: ratio(t.writeoff_hours, t.capacity_hours),
                ops_load_frac: ratio(t.ops_hours, t.capacity_hours),
                ops_load_max_frac: t.ops_load_max,
                weeks_over_ops_cap: t.weeks_over_cap,
                project_hours_per_engineer_week: ratio(t.project_hours, t.engineer_weeks),
                offhours_pages_per_engineer_month: ratio(
                    t.offhours_pages as f64,
                    t.engineer_weeks / WEEKS_PER_MONTH,
                ),
            });
        }
        let mut slo_evaluated = 0;
        let mut slo_met = 0;
        let mut spent_sum = 0.0;
        let services = self
            .services
            .iter()
            .enumerate()
            .map(|(si, s)| {
                let sc = &cfg.services[si];
                slo_evaluated += s.slo.evaluated;
                slo_met += s.slo.met;
                spent_sum += s.slo.spent_frac_sum;
                ServiceResult {
                    point: self.opts.point,
                    replication: rep,
                    service: sc.name.clone(),
                    product: sc.product.clone(),
                    stack: sc.stack.clone(),
                    tier: sc.tier,
                    team: cfg.teams[sc.team].name.clone(),
                    incidents: s.incidents,
                    ttm_hours_mean: s.ttm.mean(),
                    tickets: s.ticket_count,
                    slo_windows: s.slo.evaluated,
                    slo_met_frac: ratio(s.slo.met as f64, s.slo.evaluated as f64),
                    error_budget_spent_frac: ratio(s.slo.spent_frac_sum, s.slo.evaluated as f64),
                    phase_at_end: match s.phase_at(horizon) {
                        Some(p) => Phase::ALL[p].as_str(),
                        None if horizon < s.phase_start[0] => "not_launched",
                        None => "retired",
                    },
                }
            })
            .collect();
        let summary = Summary {
            replication: rep,
            seed: cfg.simulation.seed,
            incidents,
            pages_per_shift_mean: shifts.mean(),
            pages_per_shift_p95: shifts.quantile(0.95),
            shifts_over_budget_frac: ratio(over_budget, shifts.count() as f64),
            wait_hours_mean: self.totals.wait.mean(),
            ack_hours_mean: self.totals.ack.mean(),
            ttm_hours_mean: self.totals.ttm.mean(),
            ttm_hours_p90: self.totals.ttm_hist.quantile(0.9),
            responder_busy_frac: ratio(busy, slots),
            oncall_time_frac: ratio(writeoff, cap),
            ops_load_frac: ratio(ops, cap),
            ops_load_max_frac: ops_max,
            project_hours_per_engineer_week: ratio(project, eng_weeks),
            offhours_pages_per_engineer_month: ratio(offhours as f64, eng_weeks / WEEKS_PER_MONTH),
            slo_met_frac: ratio(slo_met as f64, slo_evaluated as f64),
            error_budget_spent_frac: ratio(spent_sum, slo_evaluated as f64),
            uncovered_pages: uncovered,
            incidents_open_at_end: open_at_end,
            queue_length_mean: ratio(self.totals.queue_area, window_hours),
            arrivals_per_hour: ratio(incidents as f64, window_hours),
            engineers_mean: ratio(eng_weeks * HOURS_PER_WEEK, window_hours),
        };
        self.trace
            .sort_by(|a, b| a.paged_at_hours.total_cmp(&b.paged_at_hours));
        RunResult {
            summary,
            teams,
            services,
            weekly: self.weekly,
            incidents: self.trace,
        }
    }
}
