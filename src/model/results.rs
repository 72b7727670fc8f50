//! What one replication produces: a summary row, rows per team and per service, the
//! weekly time series per team and, on request, one row per incident.
//!
//! Every struct here is also a CSV row; field names carry their units.

use serde::Serialize;

/// Headline metrics of one replication, over the statistics window
/// `[warmup, horizon)`. Means with nothing to average are NaN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Replication index (0-based).
    pub replication: u64,
    /// Base seed of the run (every stream derives from it and the replication).
    pub seed: u64,
    /// Incidents paged in the window.
    pub incidents: u64,
    /// Mean pages per counted shift, over all teams.
    pub pages_per_shift_mean: f64,
    /// 95th percentile of pages per shift.
    pub pages_per_shift_p95: f64,
    /// Share of shifts with more pages than the team's pager budget.
    pub shifts_over_budget_frac: f64,
    /// Mean time from page to the start of handling (queueing delay Wq), hours.
    pub wait_hours_mean: f64,
    /// Mean acknowledge delay, hours.
    pub ack_hours_mean: f64,
    /// Mean time from page to mitigation, hours.
    pub ttm_hours_mean: f64,
    /// 90th percentile of time to mitigate, hours.
    pub ttm_hours_p90: f64,
    /// Share of on-shift responder time spent handling incidents.
    pub responder_busy_frac: f64,
    /// Primaries' working hours written off for on-call, over team capacity.
    pub oncall_time_frac: f64,
    /// Ops hours (handling, follow-up, tickets, interrupts) over capacity.
    pub ops_load_frac: f64,
    /// Highest weekly ops load of any team.
    pub ops_load_max_frac: f64,
    /// Project hours left per engineer and week.
    pub project_hours_per_engineer_week: f64,
    /// Pages reaching an engineer off-hours, per engineer and month.
    pub offhours_pages_per_engineer_month: f64,
    /// Share of evaluated SLO windows (service × window) within budget.
    pub slo_met_frac: f64,
    /// Mean error budget spent per evaluated SLO window, as a fraction of the budget.
    pub error_budget_spent_frac: f64,
    /// Pages that arrived while the shift had no eligible responder.
    pub uncovered_pages: u64,
    /// Incidents paged in the window and not yet mitigated at the horizon.
    pub incidents_open_at_end: u64,
    /// Time-average number of incidents waiting for a responder.
    pub queue_length_mean: f64,
    /// Incidents per hour of the window.
    pub arrivals_per_hour: f64,
    /// Mean SRE head count over the window.
    pub engineers_mean: f64,
}

impl Summary {
    /// Names of the metric columns, in CSV order (every column after `replication`
    /// and `seed`).
    pub const METRICS: [&'static str; 21] = [
        "incidents",
        "pages_per_shift_mean",
        "pages_per_shift_p95",
        "shifts_over_budget_frac",
        "wait_hours_mean",
        "ack_hours_mean",
        "ttm_hours_mean",
        "ttm_hours_p90",
        "responder_busy_frac",
        "oncall_time_frac",
        "ops_load_frac",
        "ops_load_max_frac",
        "project_hours_per_engineer_week",
        "offhours_pages_per_engineer_month",
        "slo_met_frac",
        "error_budget_spent_frac",
        "uncovered_pages",
        "incidents_open_at_end",
        "queue_length_mean",
        "arrivals_per_hour",
        "engineers_mean",
    ];

    /// The metric values, in [`Summary::METRICS`] order.
    pub fn metric_values(&self) -> [f64; 21] {
        [
            self.incidents as f64,
            self.pages_per_shift_mean,
            self.pages_per_shift_p95,
            self.shifts_over_budget_frac,
            self.wait_hours_mean,
            self.ack_hours_mean,
            self.ttm_hours_mean,
            self.ttm_hours_p90,
            self.responder_busy_frac,
            self.oncall_time_frac,
            self.ops_load_frac,
            self.ops_load_max_frac,
            self.project_hours_per_engineer_week,
            self.offhours_pages_per_engineer_month,
            self.slo_met_frac,
            self.error_budget_spent_frac,
            self.uncovered_pages as f64,
            self.incidents_open_at_end as f64,
            self.queue_length_mean,
            self.arrivals_per_hour,
            self.engineers_mean,
        ]
    }
}

/// Per team, one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamResult {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Team name.
    pub team: String,
    /// The team's pager budget per shift (for charts and limits).
    pub pager_budget_per_shift: u32,
    /// Mean head count over the window.
    pub headcount_mean: f64,
    /// Incidents paged to the team in the window.
    pub incidents: u64,
    /// Shifts counted (inside the window).
    pub shifts: u64,
    /// Mean pages per shift.
    pub pages_per_shift_mean: f64,
    /// 95th percentile of pages per shift.
    pub pages_per_shift_p95: f64,
    /// Share of shifts over the pager budget.
    pub shifts_over_budget_frac: f64,
    /// Pages that arrived with no eligible responder on shift.
    pub uncovered_pages: u64,
    /// Mean wait before handling, hours.
    pub wait_hours_mean: f64,
    /// Mean time to mitigate, hours.
    pub ttm_hours_mean: f64,
    /// Share of on-shift responder time spent handling incidents.
    pub responder_busy_frac: f64,
    /// Share of working time written off for on-call.
    pub oncall_time_frac: f64,
    /// Ops hours over capacity.
    pub ops_load_frac: f64,
    /// Highest weekly ops load.
    pub ops_load_max_frac: f64,
    /// Weeks with ops load above 50%.
    pub weeks_over_ops_cap: u64,
    /// Project hours per engineer and week.
    pub project_hours_per_engineer_week: f64,
    /// Off-hours pages per engineer and month.
    pub offhours_pages_per_engineer_month: f64,
}

/// Per service, one replication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceResult {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Service name.
    pub service: String,
    /// Product.
    pub product: String,
    /// Technology stack.
    pub stack: String,
    /// Tier.
    pub tier: u32,
    /// Team holding the pager.
    pub team: String,
    /// Incidents in the window.
    pub incidents: u64,
    /// Mean time to mitigate, hours.
    pub ttm_hours_mean: f64,
    /// Tickets in the window.
    pub tickets: u64,
    /// SLO windows evaluated (entirely inside the statistics window while serving).
    pub slo_windows: u64,
    /// Share of evaluated windows within budget.
    pub slo_met_frac: f64,
    /// Mean error budget spent per evaluated window, as a fraction of the budget.
    pub error_budget_spent_frac: f64,
    /// Lifecycle phase at the horizon ("not_launched" or "retired" outside the lifecycle).
    pub phase_at_end: &'static str,
}

/// One team in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeeklyRow {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Team name.
    pub team: String,
    /// Week number, from 0.
    pub week: u64,
    /// Whether the week starts before the end of warm-up (excluded from statistics).
    pub in_warmup: bool,
    /// Head count at the end of the week.
    pub headcount: u32,
    /// Incidents paged to the team this week.
    pub incidents: u64,
    /// Shifts that ended this week.
    pub shifts: u64,
    /// Mean pages per shift over the shifts that ended this week.
    pub pages_per_shift: f64,
    /// Ops hours: handling, follow-up, tickets and interrupt overhead.
    pub ops_hours: f64,
    /// Working hours available (head count × hours per week).
    pub capacity_hours: f64,
    /// Ops hours over capacity.
    pub ops_load_frac: f64,
    /// Primaries' working hours written off for on-call, over capacity.
    pub oncall_time_frac: f64,
    /// Hours left for project work.
    pub project_hours: f64,
}

/// One incident (written only with `--trace`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentRecord {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Service name.
    pub service: String,
    /// Team paged.
    pub team: String,
    /// Severity label.
    pub severity: String,
    /// Lifecycle phase of the service when paged.
    pub phase: &'static str,
    /// Page time, hours since t = 0.
    pub paged_at_hours: f64,
    /// Start of handling, hours since t = 0 (empty when still waiting at the horizon).
    pub started_at_hours: Option<f64>,
    /// Mitigation time, hours since t = 0 (empty when still open at the horizon).
    pub mitigated_at_hours: Option<f64>,
    /// Responder that handled it (empty when still waiting).
    pub responder: String,
    /// Whether the page reached the responder off-hours.
    pub offhours: bool,
    /// Whether the shift had no eligible responder when paged.
    pub uncovered: bool,
    /// Queueing delay, hours (empty when still waiting).
    pub wait_hours: Option<f64>,
    /// Acknowledge delay, hours (empty when still waiting).
    pub ack_hours: Option<f64>,
    /// Page to mitigation, hours (empty when still open).
    pub ttm_hours: Option<f64>,
}

/// Everything one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Headline metrics.
    pub summary: Summary,
    /// One row per team.
    pub teams: Vec<TeamResult>,
    /// One row per service.
    pub services: Vec<ServiceResult>,
    /// One row per team and week.
    pub weekly: Vec<WeeklyRow>,
    /// One row per incident in the window, when tracing.
    pub incidents: Vec<IncidentRecord>,
}
