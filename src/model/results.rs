//! What one replication produces: a summary row, rows per team and per service, the
//! weekly time series per team and, on request, one row per incident.
//!
//! Every struct here is also a CSV row; field names carry their units.

use std::ops::Index;

use serde::ser::SerializeStruct;
use serde::Serialize;

use super::decision::{HolderReason, ReorgKind};
use super::metrics::{serialize_fields, Metric, MetricValues, N_METRICS};

/// The metrics of one replication over the statistics window `[warmup, horizon)`,
/// one value per [`Metric`] of the catalogue. Means with nothing to average are NaN.
/// A `summary.csv` row: `replication`, `seed`, then the metrics in catalogue order.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Replication index (0-based).
    pub replication: u64,
    /// Base seed of the run (every stream derives from it and the replication).
    pub seed: u64,
    /// The metric values.
    pub values: MetricValues,
}

impl Index<Metric> for Summary {
    type Output = f64;
    #[inline]
    fn index(&self, m: Metric) -> &f64 {
        &self.values[m]
    }
}

impl Serialize for Summary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Summary", 2 + N_METRICS)?;
        s.serialize_field("replication", &self.replication)?;
        s.serialize_field("seed", &self.seed)?;
        serialize_fields(&mut s, &self.values, |_| true)?;
        s.end()
    }
}

/// Per team, one replication: a `teams.csv` row. After the leading fields come the
/// catalogue's per-team metrics, in catalogue order.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamResult {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Team name.
    pub team: String,
    /// `sre` or `developer`.
    pub kind: &'static str,
    /// The team's pager budget per shift (for charts and limits).
    pub pager_budget_per_shift: u32,
    /// Shifts counted (inside the window).
    pub shifts: u64,
    /// The team's metrics; NaN for metrics that are not per team.
    pub values: MetricValues,
}

impl Index<Metric> for TeamResult {
    type Output = f64;
    #[inline]
    fn index(&self, m: Metric) -> &f64 {
        &self.values[m]
    }
}

impl Serialize for TeamResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("TeamResult", 6 + N_METRICS)?;
        s.serialize_field("point", &self.point)?;
        s.serialize_field("replication", &self.replication)?;
        s.serialize_field("team", &self.team)?;
        s.serialize_field("kind", &self.kind)?;
        s.serialize_field("pager_budget_per_shift", &self.pager_budget_per_shift)?;
        s.serialize_field("shifts", &self.shifts)?;
        serialize_fields(&mut s, &self.values, |d| d.per_team)?;
        s.end()
    }
}

/// The engineers of one team at one site, one replication: what the team's average
/// hides when its sites carry the pager unequally.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteResult {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// Team name.
    pub team: String,
    /// Site name.
    pub site: String,
    /// Mean head count of the team at the site over the window.
    pub engineers_mean: f64,
    /// Hours on shift as a responder, in any role, per engineer and week.
    pub oncall_hours_per_engineer_week: f64,
    /// Pages reaching an engineer off-hours, per engineer and month.
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
    /// Engineers hired this week (`[people]`).
    pub hires: u64,
    /// Engineers who left at the end of this week (`[people]`).
    pub departures: u64,
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
    /// Hours on shift as a responder, in any role, over head count × the week's hours.
    pub oncall_time_frac: f64,
    /// Primaries' working hours written off for on-call, over capacity.
    pub oncall_writeoff_frac: f64,
    /// Hours left for project work.
    pub project_hours: f64,
    /// SRE engagement hours (design consultations, readiness reviews, clean-ups), taken
    /// from project time (`[engagement]`).
    pub engagement_hours: f64,
    /// Mean page-rate factor of the services the team carries and that are launched
    /// (readiness-review findings, reliability work and neglect; 1 without them).
    pub page_rate_factor: f64,
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

/// One re-organisation: a team split in two, or two teams merged.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReorgRecord {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// The week that ended when it happened (0-based).
    pub week: u64,
    /// `split` or `merge`.
    pub kind: ReorgKind,
    /// The teams before, `;`-separated.
    pub teams_before: String,
    /// The teams after, `;`-separated.
    pub teams_after: String,
    /// The stacks or products that moved to the new team (a split), `;`-separated.
    pub lines_moved: String,
    /// Services whose pager moved to another team.
    pub services_moved: u32,
    /// Engineers who moved to another team.
    pub engineers_moved: u32,
    /// Why, in words.
    pub reason: String,
}

/// One change of a service's pager holder.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EngagementRecord {
    /// Sweep point index (0 for a plain run).
    pub point: u64,
    /// Replication index.
    pub replication: u64,
    /// The week it happened in (from 0).
    pub week: u64,
    /// When, hours since t = 0.
    pub at_hours: f64,
    /// The service.
    pub service: String,
    /// Who held the pager before (`team`, `primary+secondary`, `developers/sre`, or
    /// empty for nobody).
    pub from: String,
    /// Who holds it after.
    pub to: String,
    /// Why: `onboarded`, `shared_launch`, `general_availability`, `abandoned`,
    /// `unsupported`, `retired`, …
    pub reason: HolderReason,
}

/// Everything one replication produced.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    /// Headline metrics.
    pub summary: Summary,
    /// One row per team.
    pub teams: Vec<TeamResult>,
    /// One row per team and site.
    pub sites: Vec<SiteResult>,
    /// One row per service.
    pub services: Vec<ServiceResult>,
    /// One row per team and week.
    pub weekly: Vec<WeeklyRow>,
    /// One row per incident in the window, when tracing.
    pub incidents: Vec<IncidentRecord>,
    /// One row per re-organisation over the whole run.
    pub reorgs: Vec<ReorgRecord>,
    /// One row per change of a pager holder over the whole run (`[engagement]`).
    pub engagements: Vec<EngagementRecord>,
}
