//! The recorder: the only place where totals and the statistics window live.
//!
//! The other parts of the model tell it what happened (a page, a handling that
//! started, a shift or a week that closed, an SLO window that can no longer change);
//! it decides what falls inside the statistics window `[warm-up, horizon)` and counts.
//! [`Recorder::finish`] turns the counts into result rows.

use super::accounting::{ratio, WeekFigures, OPS_CAP_FRAC};
use super::decision::EngagementWork;
use super::hours::WORKING_TIME;
use super::metrics::{Metric, MetricValues};
use super::options::RunOptions;
use super::results::{
    EngagementRecord, IncidentRecord, ReorgRecord, RunResult, ServiceResult, SiteResult, Summary,
    TeamResult, WeeklyRow,
};
use super::slo::ClosedWindow;
use super::stats::{CountHistogram, LogHistogram, Mean};
use super::world::{EngineerId, Incident, ServiceId, TeamId, TeamKind, World};
use crate::engine::calendar::{HOURS_PER_WEEK, WEEKS_PER_MONTH};
use crate::scenario::ScenarioConfig;

/// Hours of `[a, b)` inside `[lo, hi)`.
#[inline]
pub fn clipped(a: f64, b: f64, lo: f64, hi: f64) -> f64 {
    (b.min(hi) - a.max(lo)).max(0.0)
}

/// One team's sums over the statistics window (or every team's, merged).
#[derive(Debug, Clone, Default)]
struct TeamTotals {
    incidents: u64,
    shifts: CountHistogram,
    /// Shifts over the pager budget.
    shifts_over_budget: u64,
    uncovered: u64,
    wait: Mean,
    ttm: Mean,
    /// Responder-hours on shift.
    oncall_hours: f64,
    /// Handling hours inside the responder's shift.
    busy_on_shift_hours: f64,
    /// Handling hours after the responder's shift ended.
    overrun_hours: f64,
    capacity_hours: f64,
    ops_hours: f64,
    writeoff_hours: f64,
    project_hours: f64,
    engineer_weeks: f64,
    ops_load_max: f64,
    weeks_over_cap: u64,
    offhours_pages: u64,
    understaffed_weeks: u64,
    context_switch_hours: f64,
    /// Highest on-shift hours per week of one engineer (set when the run finishes).
    oncall_hours_max_engineer_week: f64,
    hires: u64,
    departures: u64,
    /// Re-organisations the team took part in.
    reorgs: u64,
    /// Head count at the horizon (set when the run finishes).
    headcount_end: u64,
    /// Cost of an engineer-year (set when the run finishes).
    cost_per_engineer_year: f64,
}

impl TeamTotals {
    /// Adds another team's sums (the highest weekly ops load is the larger of the two;
    /// NaN until a first team is merged).
    fn merge(&mut self, o: &TeamTotals) {
        self.incidents += o.incidents;
        self.shifts.merge(&o.shifts);
        self.shifts_over_budget += o.shifts_over_budget;
        self.uncovered += o.uncovered;
        self.wait.merge(&o.wait);
        self.ttm.merge(&o.ttm);
        self.oncall_hours += o.oncall_hours;
        self.busy_on_shift_hours += o.busy_on_shift_hours;
        self.overrun_hours += o.overrun_hours;
        self.capacity_hours += o.capacity_hours;
        self.ops_hours += o.ops_hours;
        self.writeoff_hours += o.writeoff_hours;
        self.project_hours += o.project_hours;
        self.engineer_weeks += o.engineer_weeks;
        self.ops_load_max = if self.ops_load_max.is_nan() {
            o.ops_load_max
        } else {
            self.ops_load_max.max(o.ops_load_max)
        };
        self.weeks_over_cap += o.weeks_over_cap;
        self.offhours_pages += o.offhours_pages;
        self.understaffed_weeks += o.understaffed_weeks;
        self.context_switch_hours += o.context_switch_hours;
        self.oncall_hours_max_engineer_week = self
            .oncall_hours_max_engineer_week
            .max(o.oncall_hours_max_engineer_week);
        self.hires += o.hires;
        self.departures += o.departures;
        self.reorgs += o.reorgs;
        self.headcount_end += o.headcount_end;
        self.cost_per_engineer_year = self.cost_per_engineer_year.max(o.cost_per_engineer_year);
    }

    /// The value of a metric over these sums; `None` for the metrics that are not per
    /// team. Every metric of the catalogue has its arm here.
    fn value(&self, m: Metric, window_hours: f64) -> Option<f64> {
        let engineer_months = self.engineer_weeks / WEEKS_PER_MONTH;
        let v = match m {
            Metric::Incidents => self.incidents as f64,
            Metric::PagesPerShiftMean => self.shifts.mean(),
            Metric::PagesPerShiftP95 => self.shifts.quantile(0.95),
            Metric::ShiftsOverBudgetFrac => {
                ratio(self.shifts_over_budget as f64, self.shifts.count() as f64)
            }
            Metric::WaitHoursMean => self.wait.mean(),
            Metric::TtmHoursMean => self.ttm.mean(),
            Metric::ResponderBusyFrac => ratio(self.busy_on_shift_hours, self.oncall_hours),
            Metric::HandoverOverrunHours => self.overrun_hours,
            Metric::OncallTimeFrac => {
                ratio(self.oncall_hours, self.engineer_weeks * HOURS_PER_WEEK)
            }
            Metric::OncallHoursMaxEngineerWeek => self.oncall_hours_max_engineer_week,
            Metric::OncallWriteoffFrac => ratio(self.writeoff_hours, self.capacity_hours),
            Metric::OpsLoadFrac => ratio(self.ops_hours, self.capacity_hours),
            Metric::OpsLoadMaxFrac => self.ops_load_max,
            Metric::WeeksOverOpsCap => self.weeks_over_cap as f64,
            Metric::UnderstaffedWeeks => self.understaffed_weeks as f64,
            Metric::ContextSwitchHoursPerEngineerWeek => {
                ratio(self.context_switch_hours, self.engineer_weeks)
            }
            Metric::ProjectHoursPerEngineerWeek => ratio(self.project_hours, self.engineer_weeks),
            Metric::OffhoursPagesPerEngineerMonth => {
                ratio(self.offhours_pages as f64, engineer_months)
            }
            Metric::UncoveredPages => self.uncovered as f64,
            Metric::EngineersMean => ratio(self.engineer_weeks * HOURS_PER_WEEK, window_hours),
            Metric::HeadcountEnd => self.headcount_end as f64,
            Metric::CostPerYear => {
                ratio(self.engineer_weeks * HOURS_PER_WEEK, window_hours)
                    * self.cost_per_engineer_year
            }
            Metric::Hires => self.hires as f64,
            Metric::Departures => self.departures as f64,
            Metric::Reorgs => self.reorgs as f64,
            Metric::DevOpsHoursPerWeek
            | Metric::ConsultationHours
            | Metric::PrrHours
            | Metric::PrrFailed
            | Metric::OnboardingWaitWeeksMean
            | Metric::ServicesSupportedEnd
            | Metric::ServicesLaunched
            | Metric::IncidentsDesign
            | Metric::IncidentsActiveDevelopment
            | Metric::IncidentsLimitedAvailability
            | Metric::IncidentsGeneralAvailability
            | Metric::IncidentsDeprecation
            | Metric::IncidentsAbandoned
            | Metric::IncidentsUnsupported
            | Metric::ReliabilityHoursPerWeek
            | Metric::PageRateFactorEnd
            | Metric::Handbacks
            | Metric::Freezes
            | Metric::FreezeWeeks
            | Metric::Takebacks
            | Metric::AckHoursMean
            | Metric::TtmHoursP90
            | Metric::SloMetFrac
            | Metric::ErrorBudgetSpentFrac
            | Metric::IncidentsOpenAtEnd
            | Metric::QueueLengthMean
            | Metric::ArrivalsPerHour
            | Metric::WorstTeamPagesPerShiftMean
            | Metric::WorstTeamOncallTimeFrac
            | Metric::WorstTeamOpsLoadFrac => return None,
        };
        Some(v)
    }
}

/// The engineers of one team at one site: their sums over the statistics window.
#[derive(Debug, Clone, Copy, Default)]
struct SiteTotals {
    engineer_weeks: f64,
    oncall_hours: f64,
    offhours_pages: u64,
}

/// One service's sums over the statistics window.
#[derive(Debug, Clone, Default)]
struct ServiceTotals {
    incidents: u64,
    tickets: u64,
    ttm: Mean,
    slo_evaluated: u64,
    slo_met: u64,
    spent_frac_sum: f64,
}

/// Run-wide sums over the statistics window.
#[derive(Debug, Default)]
struct RunTotals {
    /// Every page, answered or not.
    incidents: u64,
    wait: Mean,
    ack: Mean,
    ttm: Mean,
    ttm_hist: LogHistogram,
    queue_area: f64,
    queue_len: u64,
    queue_changed_at: f64,
    open_at_end: u64,
    /// Re-organisations in the window.
    reorgs: u64,
    /// Ops hours of the developer teams.
    dev_ops_hours: f64,
    consultation_hours: f64,
    prr_hours: f64,
    prr_failed: u64,
    /// Weeks each service onboarded in the window waited.
    onboarding_wait: Mean,
    /// Incidents by the phase their service was in.
    by_phase: [u64; 7],
    /// Set when the run finishes.
    services_supported_end: u64,
    services_launched: u64,
    /// SRE reliability hours in the window.
    reliability_hours: f64,
    /// Set when the run finishes.
    page_rate_factor_end: f64,
    /// Pagers SRE handed back to developers, and took back, in the window.
    handbacks: u64,
    takebacks: u64,
    /// Release freezes started, and service-weeks frozen, in the window.
    freezes: u64,
    freeze_weeks: f64,
}

/// Every team's sums merged, with the run's own, from which the summary follows.
struct Pooled<'a> {
    run: &'a RunTotals,
    teams: TeamTotals,
    team_rows: &'a [TeamResult],
    slo_evaluated: u64,
    slo_met: u64,
    spent_frac_sum: f64,
    window_hours: f64,
}

impl Pooled<'_> {
    /// The value of one summary metric: the run's own figure where it has one (counts
    /// and means over every incident, SLO windows, the queue), the worst team's for the
    /// worst-team metrics, else the formula of [`TeamTotals::value`] on the merged sums.
    fn value(&self, m: Metric) -> f64 {
        let worst = |of: Metric| {
            self.team_rows
                .iter()
                .map(|t| t[of])
                .filter(|v| v.is_finite())
                .fold(f64::NAN, f64::max)
        };
        match m {
            Metric::WaitHoursMean => self.run.wait.mean(),
            Metric::AckHoursMean => self.run.ack.mean(),
            Metric::TtmHoursMean => self.run.ttm.mean(),
            Metric::TtmHoursP90 => self.run.ttm_hist.quantile(0.9),
            Metric::SloMetFrac => ratio(self.slo_met as f64, self.slo_evaluated as f64),
            Metric::ErrorBudgetSpentFrac => ratio(self.spent_frac_sum, self.slo_evaluated as f64),
            Metric::IncidentsOpenAtEnd => self.run.open_at_end as f64,
            Metric::Reorgs => self.run.reorgs as f64,
            Metric::DevOpsHoursPerWeek => {
                ratio(self.run.dev_ops_hours, self.window_hours / HOURS_PER_WEEK)
            }
            Metric::ConsultationHours => self.run.consultation_hours,
            Metric::PrrHours => self.run.prr_hours,
            Metric::PrrFailed => self.run.prr_failed as f64,
            Metric::OnboardingWaitWeeksMean => self.run.onboarding_wait.mean(),
            Metric::ServicesSupportedEnd => self.run.services_supported_end as f64,
            Metric::ServicesLaunched => self.run.services_launched as f64,
            Metric::IncidentsDesign => self.run.by_phase[0] as f64,
            Metric::IncidentsActiveDevelopment => self.run.by_phase[1] as f64,
            Metric::IncidentsLimitedAvailability => self.run.by_phase[2] as f64,
            Metric::IncidentsGeneralAvailability => self.run.by_phase[3] as f64,
            Metric::IncidentsDeprecation => self.run.by_phase[4] as f64,
            Metric::IncidentsAbandoned => self.run.by_phase[5] as f64,
            Metric::IncidentsUnsupported => self.run.by_phase[6] as f64,
            Metric::ReliabilityHoursPerWeek => ratio(
                self.run.reliability_hours,
                self.window_hours / HOURS_PER_WEEK,
            ),
            Metric::PageRateFactorEnd => self.run.page_rate_factor_end,
            Metric::Handbacks => self.run.handbacks as f64,
            Metric::Freezes => self.run.freezes as f64,
            Metric::FreezeWeeks => self.run.freeze_weeks,
            Metric::Takebacks => self.run.takebacks as f64,
            Metric::QueueLengthMean => ratio(self.run.queue_area, self.window_hours),
            Metric::Incidents => self.run.incidents as f64,
            Metric::ArrivalsPerHour => ratio(self.run.incidents as f64, self.window_hours),
            Metric::WorstTeamPagesPerShiftMean => worst(Metric::PagesPerShiftMean),
            Metric::WorstTeamOncallTimeFrac => worst(Metric::OncallTimeFrac),
            Metric::WorstTeamOpsLoadFrac => worst(Metric::OpsLoadFrac),
            _ => self.teams.value(m, self.window_hours).unwrap_or(f64::NAN),
        }
    }
}

/// Counts what happens in one run.
#[derive(Debug)]
pub struct Recorder {
    opts: RunOptions,
    warmup: f64,
    horizon: f64,
    run: RunTotals,
    teams: Vec<TeamTotals>,
    /// By team, then by the scenario's site index.
    sites: Vec<Vec<SiteTotals>>,
    services: Vec<ServiceTotals>,
    /// By engineer: hours on shift and weeks in the window.
    engineers: Vec<(f64, f64)>,
    weekly: Vec<WeeklyRow>,
    trace: Vec<IncidentRecord>,
    reorgs: Vec<ReorgRecord>,
    engagements: Vec<EngagementRecord>,
}

impl Recorder {
    /// A recorder for a run of `teams` teams, `sites` sites and `services` services
    /// whose statistics window is `[warmup, horizon)` (hours).
    pub fn new(
        opts: RunOptions,
        (warmup, horizon): (f64, f64),
        teams: usize,
        sites: usize,
        services: usize,
    ) -> Self {
        Recorder {
            opts,
            warmup,
            horizon,
            run: RunTotals {
                queue_changed_at: warmup,
                ..RunTotals::default()
            },
            teams: vec![TeamTotals::default(); teams],
            sites: vec![vec![SiteTotals::default(); sites]; teams],
            services: vec![ServiceTotals::default(); services],
            engineers: Vec::new(),
            weekly: Vec::new(),
            trace: Vec::new(),
            reorgs: Vec::new(),
            engagements: Vec::new(),
        }
    }

    /// SRE engagement hours of `kind` (a design consultation, a readiness review or a
    /// clean-up) over `[from, to)`, spread evenly.
    pub fn engagement_hours(&mut self, kind: EngagementWork, hours: f64, (from, to): (f64, f64)) {
        let share = if to > from {
            clipped(from, to, self.warmup, self.horizon) / (to - from)
        } else if self.counts(from) {
            1.0
        } else {
            0.0
        };
        let h = hours * share;
        match kind {
            EngagementWork::Consultation => self.run.consultation_hours += h,
            EngagementWork::Review => self.run.prr_hours += h,
            EngagementWork::Cleanup | EngagementWork::Empowerment => {}
        }
    }

    /// A readiness review failed at `t`.
    pub fn review_failed(&mut self, t: f64) {
        if self.counts(t) {
            self.run.prr_failed += 1;
        }
    }

    /// A service was onboarded at `t` after waiting `wait_hours` in the queue.
    pub fn onboarded(&mut self, t: f64, wait_hours: f64) {
        if self.counts(t) {
            self.run.onboarding_wait.add(wait_hours / HOURS_PER_WEEK);
        }
    }

    /// A service's pager changed hands at `t` (every change is a row, warm-up
    /// included; hand-backs and take-backs inside the window are counted).
    pub fn holder_changed(&mut self, t: f64, mut row: EngagementRecord) {
        if self.counts(t) {
            if row.reason.is_handback() {
                self.run.handbacks += 1;
            } else if row.reason.is_takeback() {
                self.run.takebacks += 1;
            }
        }
        row.point = self.opts.point;
        row.replication = self.opts.replication;
        self.engagements.push(row);
    }

    /// Services SRE supports at the horizon.
    pub fn set_supported_end(&mut self, n: u64) {
        self.run.services_supported_end = n;
    }

    /// `hours` of SRE reliability work in the week starting at `week_start`.
    pub fn reliability_hours(&mut self, hours: f64, week_start: f64) {
        if !self.in_warmup(week_start) {
            self.run.reliability_hours += hours;
        }
    }

    /// A release freeze started at `t`.
    pub fn freeze_started(&mut self, t: f64) {
        if self.counts(t) {
            self.run.freezes += 1;
        }
    }

    /// A service was frozen through the week starting at `week_start` (a share
    /// `fraction` of a whole week).
    pub fn frozen(&mut self, week_start: f64, fraction: f64) {
        if !self.in_warmup(week_start) {
            self.run.freeze_weeks += fraction;
        }
    }

    /// The page rate at the horizon relative to the scenario's.
    pub fn set_page_rate_factor_end(&mut self, x: f64) {
        self.run.page_rate_factor_end = x;
    }

    /// A team formed during the run (a split): its totals start empty.
    pub fn team_added(&mut self) {
        let sites = self.sites.first().map_or(0, Vec::len);
        self.teams.push(TeamTotals::default());
        self.sites.push(vec![SiteTotals::default(); sites]);
    }

    /// A re-organisation at `t` involving `teams`, described by `row` (its point and
    /// replication are filled in here). It counts if `t` is inside the window.
    pub fn reorganized(&mut self, t: f64, teams: &[TeamId], mut row: ReorgRecord) {
        if self.counts(t) {
            self.run.reorgs += 1;
            for team in teams {
                self.teams[team.index()].reorgs += 1;
            }
        }
        row.point = self.opts.point;
        row.replication = self.opts.replication;
        self.reorgs.push(row);
    }

    /// Whether something that happens at `t` counts in the statistics.
    #[inline]
    pub fn counts(&self, t: f64) -> bool {
        t >= self.warmup && t < self.horizon
    }

    /// Whether the week that starts at `week_start` is warm-up.
    #[inline]
    pub fn in_warmup(&self, week_start: f64) -> bool {
        week_start < self.warmup
    }

    /// The number of pages waiting for a responder changed by `delta` at `t`.
    #[inline]
    pub fn queue_changed(&mut self, t: f64, delta: i64) {
        let run = &mut self.run;
        if t > run.queue_changed_at {
            run.queue_area += run.queue_len as f64 * (t - run.queue_changed_at);
            run.queue_changed_at = t;
        }
        run.queue_len = (run.queue_len as i64 + delta) as u64;
    }

    /// A page of `service` went to `team`.
    #[inline]
    pub fn paged(&mut self, inc: &Incident) {
        if !inc.counted {
            return;
        }
        self.run.incidents += 1;
        self.run.by_phase[inc.phase.index()] += 1;
        self.services[inc.service.index()].incidents += 1;
        if let Some(team) = inc.team {
            let tt = &mut self.teams[team.index()];
            tt.incidents += 1;
            if inc.uncovered {
                tt.uncovered += 1;
            }
        }
    }

    /// An engineer of `team` left at `t`.
    pub fn departed(&mut self, team: TeamId, t: f64) {
        if self.counts(t) {
            self.teams[team.index()].departures += 1;
        }
    }

    /// `team` hired an engineer at `t`.
    pub fn hired(&mut self, team: TeamId, t: f64) {
        if self.counts(t) {
            self.teams[team.index()].hires += 1;
        }
    }

    /// The `responders` of `team` were on shift over `[from, to)`.
    #[inline]
    pub fn oncall_booked(
        &mut self,
        world: &World,
        team: TeamId,
        (from, to): (f64, f64),
        responders: &[EngineerId],
    ) {
        let hours = clipped(from, to, self.warmup, self.horizon);
        if hours <= 0.0 {
            return;
        }
        self.teams[team.index()].oncall_hours += hours * responders.len() as f64;
        for &e in responders {
            self.sites[team.index()][world.engineer(e).site].oncall_hours += hours;
            if self.engineers.len() <= e.index() {
                self.engineers.resize(e.index() + 1, (0.0, 0.0));
            }
            self.engineers[e.index()].0 += hours;
        }
    }

    /// An engineer of `team` was handling a page over `[from, to)`, inside their shift or
    /// after it ended.
    #[inline]
    pub fn busy_booked(&mut self, team: TeamId, from: f64, to: f64, on_shift: bool) {
        let hours = clipped(from, to, self.warmup, self.horizon);
        let tt = &mut self.teams[team.index()];
        if on_shift {
            tt.busy_on_shift_hours += hours;
        } else {
            tt.overrun_hours += hours;
        }
    }

    /// A shift of `team` spanning `[start, end)` ended with `pages` pages against a
    /// budget of `budget`; returns whether it counts (it lies inside the statistics
    /// window).
    #[inline]
    pub fn shift_ended(
        &mut self,
        team: TeamId,
        (start, end): (f64, f64),
        pages: u32,
        budget: u32,
    ) -> bool {
        let counted = start >= self.warmup && end <= self.horizon;
        if counted {
            let tt = &mut self.teams[team.index()];
            tt.shifts.add(pages);
            if pages > budget {
                tt.shifts_over_budget += 1;
            }
        }
        counted
    }

    /// A responder of `team` at `site` started handling `inc` at `t`.
    #[inline]
    pub fn handling_started(
        &mut self,
        (team, site): (TeamId, usize),
        inc: &Incident,
        t: f64,
        offhours: bool,
    ) {
        let tt = &mut self.teams[team.index()];
        if inc.counted {
            let wait = t - inc.paged_at;
            tt.wait.add(wait);
            self.run.wait.add(wait);
            self.run.ack.add(inc.ack);
            if offhours {
                tt.offhours_pages += 1;
                self.sites[team.index()][site].offhours_pages += 1;
            }
        }
    }

    /// `inc` was mitigated at `t`.
    #[inline]
    pub fn mitigated(&mut self, inc: &Incident, t: f64) {
        if !inc.counted {
            return;
        }
        let ttm = t - inc.paged_at;
        self.run.ttm.add(ttm);
        self.run.ttm_hist.add(ttm);
        if let Some(team) = inc.team {
            self.teams[team.index()].ttm.add(ttm);
        }
        self.services[inc.service.index()].ttm.add(ttm);
    }

    /// `inc` is still open at the horizon.
    pub fn open_at_end(&mut self, inc: &Incident) {
        if inc.counted {
            self.run.open_at_end += 1;
        }
    }

    /// `service` raised `n` tickets in a week that starts at `week_start`.
    pub fn tickets(&mut self, service: ServiceId, n: u64, week_start: f64) {
        if !self.in_warmup(week_start) {
            self.services[service.index()].tickets += n;
        }
    }

    /// A week of `team` closed: the totals take it if it is not warm-up, and it
    /// becomes a row of the weekly series.
    pub fn week_closed(
        &mut self,
        world: &World,
        team: TeamId,
        week: u64,
        week_start: f64,
        f: &WeekFigures,
    ) {
        let in_warmup = self.in_warmup(week_start);
        if !in_warmup && world.team(team).kind == TeamKind::Developer {
            self.run.dev_ops_hours += f.ops_hours;
        }
        if !in_warmup {
            let tt = &mut self.teams[team.index()];
            tt.capacity_hours += f.capacity_hours;
            tt.ops_hours += f.ops_hours;
            tt.writeoff_hours += f.ledger.writeoff_hours;
            tt.project_hours += f.project_hours;
            tt.engineer_weeks += f64::from(f.headcount) * f.week_fraction;
            tt.context_switch_hours += f.ledger.context_switch_hours;
            let sites = &mut self.sites[team.index()];
            for (i, e) in world
                .engineers
                .iter()
                .enumerate()
                .filter(|(_, e)| e.team == team && e.active)
            {
                sites[e.site].engineer_weeks += f.week_fraction;
                if self.engineers.len() <= i {
                    self.engineers.resize(i + 1, (0.0, 0.0));
                }
                self.engineers[i].1 += f.week_fraction;
            }
            let under = world.understaffed(team);
            if under {
                tt.understaffed_weeks += 1;
            }
            if f.ops_load > tt.ops_load_max {
                tt.ops_load_max = f.ops_load;
            }
            if f.ops_load > OPS_CAP_FRAC {
                tt.weeks_over_cap += 1;
            }
        }
        let w = &f.ledger;
        let (sum, n) = world
            .services
            .iter()
            .filter(|s| s.phase.is_some() && s.holder.ticket_team() == Some(team))
            .fold((0.0, 0u32), |(sum, n), s| (sum + s.rate_factor, n + 1));
        let page_rate_factor = ratio(sum, f64::from(n));
        self.weekly.push(WeeklyRow {
            point: self.opts.point,
            replication: self.opts.replication,
            team: world.team(team).name.clone(),
            week,
            in_warmup,
            headcount: f.headcount,
            hires: w.hires,
            departures: w.departures,
            incidents: w.incidents,
            shifts: w.shifts,
            pages_per_shift: ratio(w.shift_pages as f64, w.shifts as f64),
            ops_hours: f.ops_hours,
            capacity_hours: f.capacity_hours,
            ops_load_frac: f.ops_load,
            oncall_time_frac: f.oncall_frac,
            oncall_writeoff_frac: ratio(w.writeoff_hours, f.capacity_hours),
            project_hours: f.project_hours,
            engagement_hours: w.engagement_hours,
            page_rate_factor,
        });
    }

    /// An SLO window of `service` closed; it is judged if it lies inside the statistics
    /// window and the service was serving users when it began.
    pub fn slo_window_closed(&mut self, service: ServiceId, w: &ClosedWindow, serving: bool) {
        if w.start >= self.warmup && w.end <= self.horizon && serving {
            let st = &mut self.services[service.index()];
            st.slo_evaluated += 1;
            st.spent_frac_sum += w.spent_hours / w.budget_hours;
            if w.spent_hours <= w.budget_hours {
                st.slo_met += 1;
            }
        }
    }

    /// Whether incidents are traced.
    #[inline]
    pub fn tracing(&self) -> bool {
        self.opts.trace
    }

    /// Records one incident row (`mitigated_at` is `None` while still open).
    pub fn record(
        &mut self,
        cfg: &ScenarioConfig,
        world: &World,
        inc: &Incident,
        mitigated_at: Option<f64>,
    ) {
        let svc = &cfg.services[inc.service.index()];
        let started = inc.started_at.is_finite().then_some(inc.started_at);
        let responder = started.and(inc.responder).map(|e| world.engineer(e));
        self.trace.push(IncidentRecord {
            point: self.opts.point,
            replication: self.opts.replication,
            service: svc.name.clone(),
            team: inc
                .team
                .map(|t| world.team(t).name.clone())
                .unwrap_or_default(),
            severity: svc.severities[inc.severity as usize].name.clone(),
            phase: inc.phase.as_str(),
            paged_at_hours: inc.paged_at,
            started_at_hours: started,
            mitigated_at_hours: mitigated_at,
            responder: responder.map(|e| e.name.clone()).unwrap_or_default(),
            offhours: match (started, responder) {
                (Some(s), Some(e)) => !WORKING_TIME.contains(s, e.utc_offset_hours),
                _ => false,
            },
            uncovered: inc.uncovered,
            wait_hours: started.map(|s| s - inc.paged_at),
            ack_hours: started.map(|_| inc.ack),
            ttm_hours: mitigated_at.map(|m| m - inc.paged_at),
        });
    }

    /// Turns the counts into result rows.
    pub fn finish(mut self, cfg: &ScenarioConfig, world: &World) -> RunResult {
        let horizon = self.horizon;
        let rep = self.opts.replication;
        let window_hours = (horizon - self.warmup).max(0.0);
        let mut merged = TeamTotals {
            ops_load_max: f64::NAN,
            ..TeamTotals::default()
        };
        for e in world.engineers.iter().filter(|e| e.active) {
            self.teams[e.team.index()].headcount_end += 1;
        }
        for t in &mut self.teams {
            t.cost_per_engineer_year = cfg.simulation.cost_per_engineer_year;
        }
        for (i, e) in world.engineers.iter().enumerate() {
            let &(hours, weeks) = self.engineers.get(i).unwrap_or(&(0.0, 0.0));
            if weeks > 0.0 {
                let t = &mut self.teams[e.team.index()];
                t.oncall_hours_max_engineer_week =
                    t.oncall_hours_max_engineer_week.max(hours / weeks);
            }
        }
        let mut teams = Vec::with_capacity(self.teams.len());
        for (ti, t) in self.teams.iter().enumerate() {
            let team = &world.teams[ti];
            // SRE figures count SRE teams only; developer teams have their own rows.
            let sre = team.kind == TeamKind::Sre;
            if sre {
                merged.merge(t);
            }
            teams.push(TeamResult {
                point: self.opts.point,
                replication: rep,
                team: team.name.clone(),
                kind: if sre { "sre" } else { "developer" },
                pager_budget_per_shift: team.params.pager_budget,
                shifts: t.shifts.count(),
                values: MetricValues::from_fn(|m| t.value(m, window_hours).unwrap_or(f64::NAN)),
            });
        }
        let mut sites = Vec::new();
        for (ti, by_site) in self.sites.iter().enumerate() {
            for (si, st) in by_site.iter().enumerate() {
                let staffed = world
                    .engineers
                    .iter()
                    .any(|e| e.team.index() == ti && e.site == si);
                if !staffed {
                    continue;
                }
                sites.push(SiteResult {
                    point: self.opts.point,
                    replication: rep,
                    team: world.teams[ti].name.clone(),
                    site: cfg.sites[si].name.clone(),
                    engineers_mean: ratio(st.engineer_weeks * HOURS_PER_WEEK, window_hours),
                    oncall_hours_per_engineer_week: ratio(st.oncall_hours, st.engineer_weeks),
                    offhours_pages_per_engineer_month: ratio(
                        st.offhours_pages as f64,
                        st.engineer_weeks / WEEKS_PER_MONTH,
                    ),
                });
            }
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
                let svc = &world.services[si];
                slo_evaluated += s.slo_evaluated;
                slo_met += s.slo_met;
                spent_sum += s.spent_frac_sum;
                ServiceResult {
                    point: self.opts.point,
                    replication: rep,
                    service: sc.name.clone(),
                    product: sc.product.clone(),
                    stack: sc.stack.clone(),
                    tier: sc.tier,
                    team: svc
                        .holder
                        .ticket_team()
                        .map(|t| world.team(t).name.clone())
                        .unwrap_or_default(),
                    incidents: s.incidents,
                    ttm_hours_mean: s.ttm.mean(),
                    tickets: s.tickets,
                    slo_windows: s.slo_evaluated,
                    slo_met_frac: ratio(s.slo_met as f64, s.slo_evaluated as f64),
                    error_budget_spent_frac: ratio(s.spent_frac_sum, s.slo_evaluated as f64),
                    phase_at_end: match svc.schedule.phase_at(horizon) {
                        Some(p) => p.as_str(),
                        None if horizon < svc.schedule.start[0] => "not_launched",
                        None => "retired",
                    },
                }
            })
            .collect();
        self.run.services_launched = world
            .services
            .iter()
            .filter(|s| s.schedule.start[0] > 0.0 && self.counts(s.schedule.start[0]))
            .count() as u64;
        let sre_rows: Vec<TeamResult> = teams.iter().filter(|t| t.kind == "sre").cloned().collect();
        let pooled = Pooled {
            run: &self.run,
            teams: merged,
            team_rows: &sre_rows,
            slo_evaluated,
            slo_met,
            spent_frac_sum: spent_sum,
            window_hours,
        };
        let summary = Summary {
            replication: rep,
            seed: cfg.simulation.seed,
            values: MetricValues::from_fn(|m| pooled.value(m)),
        };
        self.trace
            .sort_by(|a, b| a.paged_at_hours.total_cmp(&b.paged_at_hours));
        RunResult {
            summary,
            teams,
            sites,
            services,
            weekly: self.weekly,
            incidents: self.trace,
            reorgs: self.reorgs,
            engagements: self.engagements,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{simulate, CATALOGUE};
    use crate::scenario::ScenarioSource;

    #[test]
    fn a_metric_has_a_team_value_exactly_when_the_catalogue_says_per_team() {
        let totals = TeamTotals::default();
        for def in CATALOGUE {
            assert_eq!(
                totals.value(def.metric, 1.0).is_some(),
                def.per_team,
                "{}",
                def.key
            );
        }
    }

    #[test]
    fn every_summary_metric_has_a_value_on_the_baseline() {
        let cfg = ScenarioSource::baseline()
            .resolve(&[])
            .expect("baseline is valid");
        let r = simulate(&cfg, RunOptions::default()).expect("stable");
        for (m, x) in r.summary.values.iter() {
            if m == Metric::OnboardingWaitWeeksMean {
                // A mean over onboarded services: none without [engagement].
                assert!(x.is_nan());
                continue;
            }
            assert!(x.is_finite(), "{}: {x}", m.key());
        }
        for t in &r.teams {
            for m in Metric::per_team() {
                assert!(t[m].is_finite(), "{} {}: {}", t.team, m.key(), t[m]);
            }
        }
    }
}
