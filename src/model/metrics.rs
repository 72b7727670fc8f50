//! The metric catalogue: every metric of a run, declared once.
//!
//! Each entry gives the CSV column, the label of the terminal tables, the chart title
//! and axis (with its unit), the limit lines drawn with it, whether it is a headline
//! metric (terminal tables, charts, comparisons) and whether `--ci-target` watches it.
//! `summary.csv`, `runs.csv`, `points.csv`, `compare.csv`, the terminal tables, the
//! charts, the CI-target rule and the tests all loop over [`Metric::ALL`]; adding a
//! metric is one entry here plus its computation (an arm of the recorder's exhaustive
//! `match`).

use std::ops::{Index, IndexMut};

use serde::ser::SerializeStruct;

use super::accounting::{BOOK_PAGER_BUDGET, ONCALL_CAP_FRAC, OPS_CAP_FRAC};

/// A reference level drawn as a dashed line beside a metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The level.
    pub value: f64,
    /// What the line is called on a chart.
    pub label: &'static str,
    /// Whether a value above the line breaks a limit (rather than leaving a good level).
    pub breach: bool,
}

/// The pager budget of the SRE book: two incidents per 12-hour shift (ch.11).
pub const PAGER_BUDGET: Limit = Limit {
    value: BOOK_PAGER_BUDGET as f64,
    label: "pager budget",
    breach: true,
};

/// At most 50% of SRE time on ops (SRE book ch.1).
pub const OPS_CAP: Limit = Limit {
    value: OPS_CAP_FRAC,
    label: "50% ops cap",
    breach: true,
};

/// At most 25% of time on call (SRE book ch.11).
pub const ONCALL_LIMIT: Limit = Limit {
    value: ONCALL_CAP_FRAC,
    label: "25% on-call limit",
    breach: true,
};

/// Off-hours pages per engineer-month: 2 is good, 7 bad (PagerDuty, State of Digital
/// Operations 2021).
pub const OFFHOURS_LEVELS: [Limit; 2] = [
    Limit {
        value: 2.0,
        label: "good",
        breach: false,
    },
    Limit {
        value: 7.0,
        label: "bad",
        breach: true,
    },
];

/// Everything known about one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricDef {
    /// The metric itself.
    pub metric: Metric,
    /// CSV column (units in the name).
    pub key: &'static str,
    /// Label in terminal tables.
    pub label: &'static str,
    /// Chart title.
    pub title: &'static str,
    /// Chart axis description, with the unit.
    pub unit: &'static str,
    /// Limit lines drawn with it.
    pub limits: &'static [Limit],
    /// Shown in terminal tables, charts and comparisons.
    pub headline: bool,
    /// Watched by `--ci-target`.
    pub ci_target: bool,
    /// Also computed for each team (a column of `teams.csv`, rows of `compare.csv`).
    pub per_team: bool,
    /// A count: written as an integer in CSV files.
    pub integer: bool,
}

macro_rules! catalogue {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            key: $key:literal,
            label: $label:literal,
            title: $title:literal,
            unit: $unit:literal,
            limits: $limits:expr,
            headline: $headline:literal,
            ci_target: $ci:literal,
            per_team: $per_team:literal,
            integer: $integer:literal $(,)?
        }
    ),* $(,)?) => {
        /// A metric of one run (see the [module documentation](self)).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Metric {
            $($(#[$doc])* $variant,)*
        }

        /// The catalogue, in CSV column order.
        pub const CATALOGUE: &[MetricDef] = &[$(
            MetricDef {
                metric: Metric::$variant,
                key: $key,
                label: $label,
                title: $title,
                unit: $unit,
                limits: $limits,
                headline: $headline,
                ci_target: $ci,
                per_team: $per_team,
                integer: $integer,
            },
        )*];

        impl Metric {
            /// Every metric, in CSV column order.
            pub const ALL: &'static [Metric] = &[$(Metric::$variant,)*];
        }
    };
}

catalogue! {
    /// Incidents paged in the statistics window.
    Incidents {
        key: "incidents", label: "incidents", title: "Incidents",
        unit: "incidents in the statistics window", limits: &[],
        headline: true, ci_target: true, per_team: true, integer: true,
    },
    /// Mean pages per counted shift, all teams.
    PagesPerShiftMean {
        key: "pages_per_shift_mean", label: "pages per shift", title: "Pages per shift",
        unit: "pages per on-call shift", limits: &[PAGER_BUDGET],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// 95th percentile of pages per shift.
    PagesPerShiftP95 {
        key: "pages_per_shift_p95", label: "pages per shift, p95",
        title: "Pages per shift, 95th percentile", unit: "pages per on-call shift (p95)",
        limits: &[PAGER_BUDGET], headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Share of shifts with more pages than their team's pager budget.
    ShiftsOverBudgetFrac {
        key: "shifts_over_budget_frac", label: "shifts over budget",
        title: "Shifts over the pager budget", unit: "share of shifts", limits: &[],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Mean time from page to the start of handling (queueing delay Wq), hours.
    WaitHoursMean {
        key: "wait_hours_mean", label: "wait for responder, h", title: "Wait for a responder",
        unit: "hours", limits: &[], headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Mean acknowledge delay, hours.
    AckHoursMean {
        key: "ack_hours_mean", label: "acknowledge, h", title: "Acknowledge delay",
        unit: "hours", limits: &[], headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Mean time from page to mitigation, hours.
    TtmHoursMean {
        key: "ttm_hours_mean", label: "time to mitigate, h", title: "Time to mitigate",
        unit: "hours", limits: &[], headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// 90th percentile of time to mitigate, hours.
    TtmHoursP90 {
        key: "ttm_hours_p90", label: "time to mitigate p90, h",
        title: "Time to mitigate, 90th percentile", unit: "hours", limits: &[],
        headline: true, ci_target: true, per_team: false, integer: false,
    },
    /// Share of on-shift responder time spent handling incidents (at most 1).
    ResponderBusyFrac {
        key: "responder_busy_frac", label: "responder busy", title: "Responders busy",
        unit: "share of on-shift responder time", limits: &[],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Handling hours done after the responder's shift ended (long incidents carried
    /// past a handover).
    HandoverOverrunHours {
        key: "handover_overrun_hours", label: "handling after shift end, h",
        title: "Handling after the shift ended", unit: "hours", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Hours engineers spent on shift as responders, in any role, over head count ×
    /// 168 h: the share of time on call the SRE book caps at 25% (ch.11).
    OncallTimeFrac {
        key: "oncall_time_frac", label: "on-call share (≤ 0.25)", title: "Time on call",
        unit: "share of all hours on shift", limits: &[ONCALL_LIMIT],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Hours on shift per week of the engineer with the most (each engineer's on-shift
    /// hours over their weeks in the window): beside the mean (`oncall_time_frac` ×
    /// 168 h), how evenly the rotation spreads the pager.
    OncallHoursMaxEngineerWeek {
        key: "oncall_hours_max_engineer_week", label: "on-call h / week, most-loaded",
        title: "On-call hours, most-loaded engineer", unit: "hours on shift per week",
        limits: &[], headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Primaries' working hours written off for project work (SRE book ch.29), over
    /// capacity.
    OncallWriteoffFrac {
        key: "oncall_writeoff_frac", label: "primary write-off", title: "Primary write-off",
        unit: "share of working time", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Ops hours (handling, follow-up, tickets, interrupts) over capacity.
    OpsLoadFrac {
        key: "ops_load_frac", label: "ops load (≤ 0.50)", title: "Ops load",
        unit: "ops load (share of capacity)", limits: &[OPS_CAP],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Highest weekly ops load of any team.
    OpsLoadMaxFrac {
        key: "ops_load_max_frac", label: "worst weekly ops load", title: "Worst weekly ops load",
        unit: "ops load (share of capacity)", limits: &[OPS_CAP],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Weeks in which a team's ops load was above the 50% cap, summed over teams.
    WeeksOverOpsCap {
        key: "weeks_over_ops_cap", label: "weeks over the ops cap", title: "Weeks over the ops cap",
        unit: "team-weeks above 50% ops load", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Weeks in which a team was below the book's minimum rotation (8 at one site, 6
    /// per site on several; the team's `min_rotation_*` keys), summed over teams.
    UnderstaffedWeeks {
        key: "understaffed_weeks", label: "weeks understaffed", title: "Weeks understaffed",
        unit: "team-weeks below the minimum rotation", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Project hours left per engineer and week.
    ProjectHoursPerEngineerWeek {
        key: "project_hours_per_engineer_week", label: "project h / engineer-week",
        title: "Project time", unit: "hours per engineer-week", limits: &[],
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Hours per engineer-week lost to switching between the stacks and products a team
    /// carries beyond its first.
    ContextSwitchHoursPerEngineerWeek {
        key: "context_switch_hours_per_engineer_week", label: "context switch h / eng-week",
        title: "Context switching", unit: "hours per engineer-week", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Pages reaching an engineer off-hours, per engineer and month.
    OffhoursPagesPerEngineerMonth {
        key: "offhours_pages_per_engineer_month", label: "off-hours pages / eng-month",
        title: "Off-hours pages", unit: "pages per engineer-month", limits: &OFFHOURS_LEVELS,
        headline: true, ci_target: true, per_team: true, integer: false,
    },
    /// Share of evaluated SLO windows (service × window) within budget.
    SloMetFrac {
        key: "slo_met_frac", label: "SLO windows met", title: "SLO windows met",
        unit: "share of SLO windows met", limits: &[],
        headline: true, ci_target: true, per_team: false, integer: false,
    },
    /// Mean error budget spent per evaluated window, as a fraction of the budget.
    ErrorBudgetSpentFrac {
        key: "error_budget_spent_frac", label: "error budget spent", title: "Error budget spent",
        unit: "share of error budget", limits: &[],
        headline: true, ci_target: true, per_team: false, integer: false,
    },
    /// Pages that arrived while the shift had no eligible responder.
    UncoveredPages {
        key: "uncovered_pages", label: "uncovered pages", title: "Uncovered pages",
        unit: "pages with nobody on shift", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Incidents paged in the window and not yet mitigated at the horizon.
    IncidentsOpenAtEnd {
        key: "incidents_open_at_end", label: "open at the horizon",
        title: "Incidents open at the horizon", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Time-average number of incidents waiting for a responder.
    QueueLengthMean {
        key: "queue_length_mean", label: "pages waiting", title: "Pages waiting",
        unit: "incidents waiting (time average)", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Incidents per hour of the window.
    ArrivalsPerHour {
        key: "arrivals_per_hour", label: "arrivals per hour", title: "Arrival rate",
        unit: "incidents per hour", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// SRE head count at the horizon (hires ramping up included).
    HeadcountEnd {
        key: "headcount_end", label: "head count at the end", title: "Head count at the end",
        unit: "engineers", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Engineers hired in the window (requisitions filled).
    Hires {
        key: "hires", label: "hires", title: "Hires", unit: "engineers", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Engineers who left in the window.
    Departures {
        key: "departures", label: "departures", title: "Departures", unit: "engineers",
        limits: &[], headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Ops hours per week of the developer teams (`[engagement]`): feature work lost to
    /// operations while developers hold pagers.
    DevOpsHoursPerWeek {
        key: "dev_ops_hours_per_week", label: "developer ops h / week",
        title: "Developer ops hours per week", unit: "hours per week, all developer teams",
        limits: &[], headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// SRE hours of design consultations in the window.
    ConsultationHours {
        key: "consultation_hours", label: "consultation hours", title: "Design consultations",
        unit: "SRE hours", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// SRE hours of production readiness reviews in the window.
    PrrHours {
        key: "prr_hours", label: "readiness review hours", title: "Readiness reviews",
        unit: "SRE hours", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Readiness reviews that failed in the window.
    PrrFailed {
        key: "prr_failed", label: "failed reviews", title: "Failed readiness reviews",
        unit: "reviews", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Mean weeks a service waited in the onboarding queue, over the services onboarded
    /// in the window.
    OnboardingWaitWeeksMean {
        key: "onboarding_wait_weeks_mean", label: "onboarding wait, weeks",
        title: "Onboarding wait", unit: "weeks from a passed review to onboarding",
        limits: &[], headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Services SRE supports at the horizon (holds the pager, alone or shared).
    ServicesSupportedEnd {
        key: "services_supported_end", label: "services supported at the end",
        title: "Services supported", unit: "services", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Services launched (entered their first phase) in the window, after the start.
    ServicesLaunched {
        key: "services_launched", label: "services launched", title: "Services launched",
        unit: "services", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged while their service was in design.
    IncidentsDesign {
        key: "incidents_design", label: "incidents in design", title: "Incidents in design",
        unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged in active development.
    IncidentsActiveDevelopment {
        key: "incidents_active_development", label: "incidents in active development",
        title: "Incidents in active development", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged in limited availability.
    IncidentsLimitedAvailability {
        key: "incidents_limited_availability", label: "incidents in limited availability",
        title: "Incidents in limited availability", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged in general availability.
    IncidentsGeneralAvailability {
        key: "incidents_general_availability", label: "incidents in general availability",
        title: "Incidents in general availability", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged in deprecation.
    IncidentsDeprecation {
        key: "incidents_deprecation", label: "incidents in deprecation",
        title: "Incidents in deprecation", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged while abandoned.
    IncidentsAbandoned {
        key: "incidents_abandoned", label: "incidents while abandoned",
        title: "Incidents while abandoned", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Incidents paged while unsupported.
    IncidentsUnsupported {
        key: "incidents_unsupported", label: "incidents while unsupported",
        title: "Incidents while unsupported", unit: "incidents", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// SRE hours a week of reliability work on supported services (`[reliability]`).
    ReliabilityHoursPerWeek {
        key: "reliability_hours_per_week", label: "reliability h / week",
        title: "Reliability work", unit: "SRE hours per week", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// The page rate at the horizon relative to the scenario's (base-rate weighted):
    /// below 1 after reviews and reliability work, above 1 after neglect.
    PageRateFactorEnd {
        key: "page_rate_factor_end", label: "page rate at the end / start",
        title: "Page rate at the end, relative to the start", unit: "factor", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Pagers SRE handed back to developers in the window (`engagement.disengage`).
    Handbacks {
        key: "handbacks", label: "hand-backs", title: "Hand-backs",
        unit: "services", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Release freezes started in the window (`[engagement.budget_policy]`).
    Freezes {
        key: "freezes", label: "release freezes", title: "Release freezes",
        unit: "freezes", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Service-weeks under a release freeze in the window.
    FreezeWeeks {
        key: "freeze_weeks", label: "frozen service-weeks", title: "Weeks under a freeze",
        unit: "service-weeks", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: false,
    },
    /// Pagers SRE took back in the window (`error_budget`).
    Takebacks {
        key: "takebacks", label: "take-backs", title: "Take-backs",
        unit: "services", limits: &[],
        headline: false, ci_target: false, per_team: false, integer: true,
    },
    /// Re-organisations in the window (`organization.split_when`, `merge_when`): splits
    /// and merges; per team, those the team took part in.
    Reorgs {
        key: "reorgs", label: "re-organisations", title: "Re-organisations",
        unit: "splits and merges", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: true,
    },
    /// Mean head count over the window times `simulation.cost_per_engineer_year`: the
    /// yearly cost of the SRE organisation (no currency assumed).
    CostPerYear {
        key: "cost_per_year", label: "cost per year", title: "Cost per year",
        unit: "cost per year (the scenario's unit)", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Mean SRE head count over the window.
    EngineersMean {
        key: "engineers_mean", label: "engineers", title: "Head count",
        unit: "engineers (mean over the window)", limits: &[],
        headline: false, ci_target: false, per_team: true, integer: false,
    },
    /// Mean pages per shift of the team with the highest in this replication: the
    /// pager budget applies to each rotation.
    WorstTeamPagesPerShiftMean {
        key: "worst_team_pages_per_shift_mean", label: "worst team: pages per shift",
        title: "Pages per shift, worst team", unit: "pages per on-call shift",
        limits: &[PAGER_BUDGET], headline: true, ci_target: true, per_team: false,
        integer: false,
    },
    /// On-call share of the team with the highest in this replication.
    WorstTeamOncallTimeFrac {
        key: "worst_team_oncall_time_frac", label: "worst team: on-call share",
        title: "Time on call, worst team", unit: "share of all hours on shift",
        limits: &[ONCALL_LIMIT], headline: true, ci_target: true, per_team: false,
        integer: false,
    },
    /// Ops load of the team with the highest in this replication.
    WorstTeamOpsLoadFrac {
        key: "worst_team_ops_load_frac", label: "worst team: ops load",
        title: "Ops load, worst team", unit: "ops load (share of capacity)",
        limits: &[OPS_CAP], headline: true, ci_target: true, per_team: false,
        integer: false,
    },
}

/// Number of metrics.
pub const N_METRICS: usize = Metric::ALL.len();

impl Metric {
    /// Its catalogue entry.
    #[inline]
    pub fn def(self) -> &'static MetricDef {
        &CATALOGUE[self as usize]
    }

    /// Its CSV column.
    pub fn key(self) -> &'static str {
        self.def().key
    }

    /// The headline metrics, in catalogue order.
    pub fn headline() -> impl Iterator<Item = Metric> {
        Metric::ALL.iter().copied().filter(|m| m.def().headline)
    }

    /// The metrics also computed per team, in catalogue order.
    pub fn per_team() -> impl Iterator<Item = Metric> {
        Metric::ALL.iter().copied().filter(|m| m.def().per_team)
    }

    /// The smallest difference worth marking in a comparison, in the metric's own unit:
    /// with common random numbers a paired interval can exclude zero around a
    /// difference nobody in the room would act on, so a difference is marked only when
    /// it is also at least this large. Assumptions, chosen as the resolution a planning
    /// discussion works at: 0.05 pages per shift, one percentage point of a share, a
    /// few minutes of a delay, an hour of a weekly figure, one engineer, service or
    /// event of a count.
    pub fn min_effect(self) -> f64 {
        use Metric::*;
        match self {
            Incidents => 10.0,
            PagesPerShiftMean | WorstTeamPagesPerShiftMean => 0.05,
            PagesPerShiftP95 => 0.1,
            ShiftsOverBudgetFrac | ResponderBusyFrac | OncallTimeFrac | OncallWriteoffFrac
            | OpsLoadFrac | OpsLoadMaxFrac | ErrorBudgetSpentFrac | WorstTeamOncallTimeFrac
            | WorstTeamOpsLoadFrac => 0.01,
            SloMetFrac => 0.005,
            WaitHoursMean | AckHoursMean => 0.02,
            TtmHoursMean => 0.05,
            TtmHoursP90 => 0.1,
            HandoverOverrunHours | OncallHoursMaxEngineerWeek | DevOpsHoursPerWeek
            | ReliabilityHoursPerWeek => 1.0,
            ProjectHoursPerEngineerWeek => 0.5,
            ContextSwitchHoursPerEngineerWeek | OffhoursPagesPerEngineerMonth => 0.1,
            ConsultationHours | PrrHours => 10.0,
            QueueLengthMean | PageRateFactorEnd => 0.01,
            ArrivalsPerHour => 0.001,
            OnboardingWaitWeeksMean => 1.0,
            IncidentsDesign
            | IncidentsActiveDevelopment
            | IncidentsLimitedAvailability
            | IncidentsGeneralAvailability
            | IncidentsDeprecation
            | IncidentsAbandoned
            | IncidentsUnsupported => 5.0,
            WeeksOverOpsCap | UnderstaffedWeeks | UncoveredPages | IncidentsOpenAtEnd
            | HeadcountEnd | Hires | Departures | PrrFailed | ServicesSupportedEnd
            | ServicesLaunched | Handbacks | Freezes | FreezeWeeks | Takebacks | Reorgs => 1.0,
            EngineersMean => 0.5,
            // The scenario's cost unit is its own: any significant difference is marked.
            CostPerYear => 0.0,
        }
    }

    /// Whether the metric is a share (its key ends in `_frac`): shown as a percentage
    /// to people, kept as a fraction in CSV files.
    pub fn is_share(self) -> bool {
        self.key().ends_with("_frac")
    }
}

/// One value per metric, indexed by [`Metric`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricValues(pub [f64; N_METRICS]);

impl MetricValues {
    /// The values `f(m)` of every metric.
    pub fn from_fn(mut f: impl FnMut(Metric) -> f64) -> Self {
        let mut v = [f64::NAN; N_METRICS];
        for (slot, &m) in v.iter_mut().zip(Metric::ALL) {
            *slot = f(m);
        }
        MetricValues(v)
    }

    /// Each metric with its value, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (Metric, f64)> + '_ {
        Metric::ALL.iter().copied().zip(self.0.iter().copied())
    }
}

impl Index<Metric> for MetricValues {
    type Output = f64;
    #[inline]
    fn index(&self, m: Metric) -> &f64 {
        &self.0[m as usize]
    }
}

impl IndexMut<Metric> for MetricValues {
    #[inline]
    fn index_mut(&mut self, m: Metric) -> &mut f64 {
        &mut self.0[m as usize]
    }
}

/// Serialises the `values` of the metrics `which` keeps as struct fields named by the
/// catalogue's keys, counts as integers (for CSV rows whose other fields come first).
pub(crate) fn serialize_fields<S: SerializeStruct>(
    s: &mut S,
    values: &MetricValues,
    which: impl Fn(&MetricDef) -> bool,
) -> Result<(), S::Error> {
    for (m, x) in values.iter().filter(|(m, _)| which(m.def())) {
        let def = m.def();
        if def.integer && x.is_finite() && x >= 0.0 {
            s.serialize_field(def.key, &(x as u64))?;
        } else {
            s.serialize_field(def.key, &x)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_order_matches_the_enum_and_keys_are_unique() {
        for (i, def) in CATALOGUE.iter().enumerate() {
            assert_eq!(def.metric as usize, i, "{}", def.key);
        }
        let mut keys: Vec<&str> = CATALOGUE.iter().map(|d| d.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), N_METRICS);
    }

    #[test]
    fn every_ci_watched_metric_is_a_headline_metric() {
        for def in CATALOGUE.iter().filter(|d| d.ci_target) {
            assert!(def.headline, "{}", def.key);
        }
    }
}
