//! Validated scenario types: what parsing and validating a scenario file produces, and
//! what the model reads. Every value here has already been checked (rates are
//! non-negative, SLO targets lie in (0, 1), shifts divide a week, names resolve to
//! indices), so the model can use them without further checks.

use std::ops::{Index, IndexMut};

use serde::ser::SerializeMap;
use serde::Serialize;

/// The seven lifecycle phases of a service, in the order a service goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Architecture and design: SRE consults, nothing in production.
    Design,
    /// Active development: productionizing, production readiness review.
    ActiveDevelopment,
    /// Limited availability (beta): real users, the team is still learning the service.
    LimitedAvailability,
    /// General availability: the service is fully in production.
    GeneralAvailability,
    /// Deprecation: the old system runs while users move to its replacement.
    Deprecation,
    /// Abandoned: developers own operations; SRE only best-effort.
    Abandoned,
    /// Unsupported: configuration and documentation are being removed.
    Unsupported,
}

impl Phase {
    /// All phases in lifecycle order.
    pub const ALL: [Phase; 7] = [
        Phase::Design,
        Phase::ActiveDevelopment,
        Phase::LimitedAvailability,
        Phase::GeneralAvailability,
        Phase::Deprecation,
        Phase::Abandoned,
        Phase::Unsupported,
    ];

    /// Position in lifecycle order (design is 0).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The snake_case name used in scenario files and CSV output.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Design => "design",
            Phase::ActiveDevelopment => "active_development",
            Phase::LimitedAvailability => "limited_availability",
            Phase::GeneralAvailability => "general_availability",
            Phase::Deprecation => "deprecation",
            Phase::Abandoned => "abandoned",
            Phase::Unsupported => "unsupported",
        }
    }

    /// Whether the service has users in this phase (limited availability up to and
    /// including abandoned), so that its SLO is evaluated.
    pub fn is_serving(self) -> bool {
        matches!(
            self,
            Phase::LimitedAvailability
                | Phase::GeneralAvailability
                | Phase::Deprecation
                | Phase::Abandoned
        )
    }
}

/// One value per lifecycle phase, indexed by [`Phase`]. Serialised as a table from
/// phase name to value, in lifecycle order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerPhase<T>(pub [T; 7]);

impl<T> PerPhase<T> {
    /// Each phase with its value, in lifecycle order.
    pub fn iter(&self) -> impl Iterator<Item = (Phase, &T)> {
        Phase::ALL.into_iter().zip(self.0.iter())
    }
}

impl<T> Index<Phase> for PerPhase<T> {
    type Output = T;
    fn index(&self, phase: Phase) -> &T {
        &self.0[phase.index()]
    }
}

impl<T> IndexMut<Phase> for PerPhase<T> {
    fn index_mut(&mut self, phase: Phase) -> &mut T {
        &mut self.0[phase.index()]
    }
}

impl<T: Serialize> Serialize for PerPhase<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(7))?;
        for (phase, value) in self.iter() {
            map.serialize_entry(phase.as_str(), value)?;
        }
        map.end()
    }
}

/// A non-negative duration distribution, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Duration {
    /// Always zero.
    Zero,
    /// Always the same number of hours.
    Fixed {
        /// The duration in hours (≥ 0).
        hours: f64,
    },
    /// Exponential with the given mean (> 0).
    Exponential {
        /// Mean in hours.
        mean_hours: f64,
    },
    /// Log-normal given by its median and 90th percentile (0 < median < p90).
    LogNormal {
        /// Median in hours.
        median_hours: f64,
        /// 90th percentile in hours.
        p90_hours: f64,
    },
}

impl Duration {
    /// The distribution's mean in hours.
    pub fn mean_hours(&self) -> f64 {
        match *self {
            Duration::Zero => 0.0,
            Duration::Fixed { hours } => hours,
            Duration::Exponential { mean_hours } => mean_hours,
            Duration::LogNormal {
                median_hours,
                p90_hours,
            } => {
                let sigma = lognormal_sigma(median_hours, p90_hours);
                median_hours * (sigma * sigma / 2.0).exp()
            }
        }
    }
}

/// The standard normal quantile at 0.9, used to turn a p90 into a log-normal σ.
pub const Z90: f64 = 1.281_551_565_544_600_5;

/// σ of a log-normal with the given median and 90th percentile.
pub fn lognormal_sigma(median_hours: f64, p90_hours: f64) -> f64 {
    (p90_hours / median_hours).ln() / Z90
}

/// A site: a place where engineers work, with its offset from UTC.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Site {
    /// Unique site name.
    pub name: String,
    /// Local time minus UTC, in hours (e.g. −8 for US Pacific standard time).
    pub utc_offset_hours: f64,
}

/// A validated SRE team and its on-call rotation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamConfig {
    /// Unique team name.
    pub name: String,
    /// Members per site: (index into `ScenarioConfig::sites`, head count), in the order
    /// the scenario lists them; at least one count is positive.
    pub members: Vec<(usize, u32)>,
    /// Shift length; divides 168.
    pub shift_hours: f64,
    /// Shift boundaries fall at this UTC hour plus multiples of `shift_hours` (0 ≤ h < 24).
    pub handoff_utc_hour: f64,
    /// Responders per shift: primary, secondary, … (≥ 1).
    pub responders_per_shift: u32,
    /// Pages per shift above which a shift counts as over budget.
    pub pager_budget_per_shift: u32,
    /// Working hours per engineer and week (capacity).
    pub hours_per_week: f64,
    /// Acknowledge delay when the page reaches the responder in their working time.
    pub ack_business_hours: Duration,
    /// Acknowledge delay when the page reaches the responder off-hours.
    pub ack_off_hours: Duration,
    /// Follow-up work (postmortem, fixes) queued as ops hours per incident.
    pub followup_hours_per_incident: f64,
    /// Extra context-switch hours each page costs on top of handling.
    pub interrupt_overhead_hours: f64,
    /// Week from which the members may be put on call (a new team still ramping up
    /// has no eligible responder before it: its pages wait and count as uncovered).
    pub on_call_from_week: f64,
    /// Time-to-mitigate factor for an incident of a stack the team does not mainly
    /// carry (1: familiarity does not matter).
    pub unfamiliar_ttm_factor: f64,
    /// Context-switch hours per engineer-week for each stack and each product the team
    /// carries beyond its first.
    pub context_switch_hours: f64,
    /// Coordination hours per engineer-week inside the team.
    pub coordination_hours: f64,
    /// Coordination hours per engineer-week for each other SRE team (cross-team sync).
    pub cross_team_hours: f64,
    /// Smallest rotation at one site (the SRE book: 8).
    pub min_rotation_single_site: u32,
    /// Smallest head count at each site of a multi-site rotation (the SRE book: 6).
    pub min_rotation_per_site: u32,
}

impl TeamConfig {
    /// Total head count over all sites.
    pub fn headcount(&self) -> u32 {
        self.members.iter().map(|&(_, n)| n).sum()
    }
}

/// One severity level of a service's incidents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Severity {
    /// Label, e.g. "sev1".
    pub name: String,
    /// Share of the service's incidents at this severity; shares sum to 1.
    pub share: f64,
    /// Fraction of users affected while the incident is open, in [0, 1].
    pub impact_fraction: f64,
    /// Time from the start of handling (after acknowledgement) to mitigation.
    pub time_to_mitigate: Duration,
}

/// A validated service (one copy after `count` stamping).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceConfig {
    /// Unique service name (`name-k` for stamped copies).
    pub name: String,
    /// The block name in the scenario file this service came from.
    pub block: String,
    /// Product the service belongs to.
    pub product: String,
    /// Technology stack.
    pub stack: String,
    /// Criticality tier (1 is most critical).
    pub tier: u32,
    /// Index into `ScenarioConfig::teams` of the team holding the pager.
    pub team: usize,
    /// Index into `ScenarioConfig::sites` whose local time shapes the load profile.
    pub site: usize,
    /// Week the service enters its first phase (design).
    pub launch_week: f64,
    /// Duration of each phase in weeks; after the last the service is retired. May be
    /// infinite.
    pub phase_weeks: PerPhase<f64>,
    /// Page-rate multiplier for each phase.
    pub page_multiplier: PerPhase<f64>,
    /// Base incident (page) rate per week at multiplier 1.
    pub page_rate_per_week: f64,
    /// Relative load during the service site's working time (weekdays 07:00–22:00).
    pub business_hours_multiplier: f64,
    /// Relative load outside working time. Both multipliers are normalised so the
    /// weekly average rate is unchanged.
    pub off_hours_multiplier: f64,
    /// Severity mix; at least one entry.
    pub severities: Vec<Severity>,
    /// Non-paging tickets per week (scaled by the phase multiplier).
    pub tickets_per_week: f64,
    /// Hours of work per ticket.
    pub hours_per_ticket: f64,
    /// SLO target, in (0, 1).
    pub slo_target: f64,
    /// SLO window in weeks (> 0).
    pub slo_window_weeks: f64,
}

/// Run-level settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimulationConfig {
    /// Simulated time in weeks (> 0).
    pub horizon_weeks: f64,
    /// Statistics ignore everything before this week (0 ≤ warmup < horizon).
    pub warmup_weeks: f64,
    /// Independent replications to run (≥ 1).
    pub replications: u32,
    /// Base seed from which every random stream is derived.
    pub seed: u64,
    /// Cost of one engineer for a year, in whatever unit the scenario uses (no
    /// currency assumed); 0 when not given.
    pub cost_per_engineer_year: f64,
}

/// A fully validated scenario, ready to simulate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioConfig {
    /// Scenario name (used for the default output folder).
    pub name: String,
    /// Run-level settings.
    pub simulation: SimulationConfig,
    /// Sites, in file order.
    pub sites: Vec<Site>,
    /// SRE teams, in file order.
    pub teams: Vec<TeamConfig>,
    /// Services after `count` stamping, in file order.
    pub services: Vec<ServiceConfig>,
    /// Engineers as individuals (`[people]`): attrition, ramp-up and hiring; `None`
    /// keeps every team's head count fixed.
    pub people: Option<PeopleConfig>,
    /// When SRE teams split or merge during a run (`organization.split_when`,
    /// `organization.merge_when`); off by default.
    #[serde(skip_serializing_if = "ReorgConfig::is_off")]
    pub reorg: ReorgConfig,
    /// How SRE engages with each service over its lifecycle (`[engagement]`); `None`:
    /// every service's pager is its SRE team's from the start, as in `[[teams]]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engagement: Option<EngagementConfig>,
    /// Reliability work and its absence (`[reliability]`); `None`: page rates stay as the
    /// scenario gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reliability: Option<ReliabilityConfig>,
}

/// `[reliability]`: SRE project hours spent on the services a team supports lower their
/// page and ticket rates toward a floor; without such work the rates drift up.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReliabilityConfig {
    /// Share of each SRE team's project hours spent on its services' reliability.
    pub project_share: f64,
    /// Share of the gap between a service's rate factor and the floor that 100 hours of
    /// reliability work close.
    pub cut_per_100h: f64,
    /// The lowest rate factor reliability work reaches.
    pub floor: f64,
    /// Share of the gap between the rate factor and the ceiling that one week closes,
    /// work or not.
    pub drift_per_week: f64,
    /// The highest rate factor neglect reaches.
    pub ceiling: f64,
}

/// Which services the onboarding queue admits at a service review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Onboarding {
    /// Every service that passed its readiness review.
    All,
    /// Services of tier `onboarding_max_tier` or more critical (a lower number).
    Tier,
    /// A service whose team's projected ops load after onboarding stays under the cap.
    Capacity,
}

impl Onboarding {
    /// Every gate, as written in a scenario.
    pub const NAMES: [&'static str; 3] = ["all", "tier", "capacity"];

    /// The gate written as `name`.
    pub fn parse(name: &str) -> Option<Onboarding> {
        match name {
            "all" => Some(Onboarding::All),
            "tier" => Some(Onboarding::Tier),
            "capacity" => Some(Onboarding::Capacity),
            _ => None,
        }
    }
}

/// When SRE hands a supported service's pager back to its developers
/// (`engagement.disengage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disengage {
    /// SRE keeps every service it supports until it is unsupported.
    Never,
    /// Hand back when the service is abandoned (SRE stays best effort on the most
    /// severe incidents).
    Lifecycle,
    /// Hand back after `handback_windows` SLO windows over budget in a row; take back
    /// after `takeback_weeks` in SLO.
    ErrorBudget,
    /// When a team is over the ops cap for `overload_weeks` weeks in a row, hand back the
    /// service with the most ops hours per unit of tier weight.
    OpsOverload,
    /// Spend `empower_hours_per_week` on each product's developers for
    /// `empower_weeks`, then leave for good.
    EmpowerThenExit,
    /// Hand a service back to its developers when it enters deprecation (its
    /// replacement has launched), for the overlap.
    HandoverLegacy,
}

impl Disengage {
    /// Every strategy, as written in a scenario.
    pub const NAMES: [&'static str; 6] = [
        "never",
        "lifecycle",
        "error_budget",
        "ops_overload",
        "empower_then_exit",
        "handover_legacy",
    ];

    /// The strategy written as `name`.
    pub fn parse(name: &str) -> Option<Disengage> {
        Some(match name {
            "never" => Disengage::Never,
            "lifecycle" => Disengage::Lifecycle,
            "error_budget" => Disengage::ErrorBudget,
            "ops_overload" => Disengage::OpsOverload,
            "empower_then_exit" => Disengage::EmpowerThenExit,
            "handover_legacy" => Disengage::HandoverLegacy,
            _ => return None,
        })
    }
}

/// `[engagement.budget_policy]`: what exhausting an error budget sets off, window after
/// window over budget (Workbook ch.18's escalation): named engineers on the problem, a
/// reliability push, then a release freeze.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BudgetPolicy {
    /// Share of each service's page rate that comes from changes (releases), which a
    /// freeze stops.
    pub change_share: f64,
    /// Developer hours a week on the service after one window over budget.
    pub named_engineer_hours: f64,
    /// Developer hours a week after two windows over budget in a row.
    pub push_hours: f64,
    /// Weeks of release freeze after three windows over budget in a row.
    pub freeze_weeks: f64,
}

/// `[engagement]`: developer teams, and SRE's involvement in each lifecycle phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EngagementConfig {
    /// Weeks between service reviews, where the onboarding queue is worked.
    pub review_weeks: f64,
    /// SRE hours of one design consultation (a service entering design).
    pub consultation_hours: f64,
    /// Whether the services are built on SRE frameworks (shorter readiness reviews).
    pub frameworks: bool,
    /// Engineer-hours of one production readiness review, spread over its weeks.
    pub prr_effort_hours: f64,
    /// Weeks a readiness review takes (cut short when active development ends).
    pub prr_weeks: f64,
    /// Chance that a review passes.
    pub prr_pass_probability: f64,
    /// The page-rate factor the findings of a passed review leave behind.
    pub prr_page_rate_factor: f64,
    /// Weeks after a failed review before it is tried again (0: never).
    pub prr_retry_weeks: f64,
    /// Which passed services the onboarding queue admits.
    pub onboarding: Onboarding,
    /// With `onboarding = "tier"`: the least critical tier admitted.
    pub onboarding_max_tier: u32,
    /// In limited availability, whether SRE (rather than the developers) is primary.
    pub sre_primary_at_launch: bool,
    /// Share of a supported service's incidents in general availability that its
    /// developers keep.
    pub dev_share: f64,
    /// SRE hours spent once removing a supported service that becomes unsupported.
    pub cleanup_hours: f64,
    /// Time-to-mitigate factor of a developer responder.
    pub dev_mitigation_factor: f64,
    /// The error-budget policy, when `[engagement.budget_policy]` is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_policy: Option<BudgetPolicy>,
    /// When SRE hands pagers back.
    pub disengage: Disengage,
    /// `error_budget`: SLO windows over budget in a row before a hand-back.
    pub handback_windows: u32,
    /// `error_budget`: weeks in SLO before a take-back.
    pub takeback_weeks: f64,
    /// `ops_overload`: weeks in a row over the ops cap before a hand-back.
    pub overload_weeks: u32,
    /// `empower_then_exit`: SRE hours a week spent on each product's developers.
    pub empower_hours_per_week: f64,
    /// `empower_then_exit`: weeks of it before SRE leaves.
    pub empower_weeks: f64,
    /// `empower_then_exit`: the developers' mitigation factor at the end of it.
    pub empowered_dev_factor: f64,
    /// `empower_then_exit`: the page-rate factor it leaves on the product's services.
    pub empower_page_rate_factor: f64,
    /// The developer teams, after the SRE teams.
    pub dev_teams: Vec<TeamConfig>,
    /// Each product (by name) with its developer team (an index into `dev_teams`).
    pub dev_team_of_product: Vec<(String, usize)>,
}

/// The line along which a team splits: its services grouped by stack or by product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitAlong {
    /// The services' technology stacks.
    Stack,
    /// The services' products.
    Product,
}

impl SplitAlong {
    /// Every line, as written in a scenario.
    pub const NAMES: [&'static str; 2] = ["stack", "product"];

    /// The line written as `name`.
    pub fn parse(name: &str) -> Option<SplitAlong> {
        match name {
            "stack" => Some(SplitAlong::Stack),
            "product" => Some(SplitAlong::Product),
            _ => None,
        }
    }
}

/// `organization.split_when`: an SRE team splits in two when it carries more than
/// `services_over` services, or has been over the ops cap for `ops_cap_weeks` weeks in a
/// row, and its head count allows two rotations at the minimum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SplitRule {
    /// Services carried above which the team splits (0: never on size).
    pub services_over: u32,
    /// Weeks in a row over the ops cap after which the team splits (0: never on load).
    pub ops_cap_weeks: u32,
    /// The line the services are cut along.
    pub along: SplitAlong,
}

/// `organization.merge_when`: two SRE teams under their minimum rotation for
/// `understaffed_weeks` weeks in a row merge into one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MergeRule {
    /// Weeks in a row under the minimum before a team is merged.
    pub understaffed_weeks: u32,
}

/// When teams re-organise during a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ReorgConfig {
    /// When a team splits; `None`: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split: Option<SplitRule>,
    /// When two teams merge; `None`: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge: Option<MergeRule>,
}

impl ReorgConfig {
    /// Whether teams never re-organise.
    pub fn is_off(&self) -> bool {
        self.split.is_none() && self.merge.is_none()
    }
}

/// How teams hire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hiring {
    /// No hiring.
    None,
    /// A requisition opens when a team is over a limit (ops load, pages per shift or
    /// time on call) or below its minimum rotation for `trigger_weeks` weeks in a row.
    Load,
    /// Only the planned hires.
    Plan,
}

impl Hiring {
    /// Every hiring rule, as written in a scenario (`people.hiring`).
    pub const NAMES: [&'static str; 3] = ["none", "load", "plan"];
}

/// Who is primary on call in limited availability (`engagement.launch_primary`), as
/// written in a scenario: the developers (the default) or SRE.
pub const LAUNCH_PRIMARY: [&str; 2] = ["developers", "sre"];

/// Planned hires: `count` engineers start at `site` of `team` in `week`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedHire {
    /// The week they start (their ramp-up begins then).
    pub week: f64,
    /// Index into `ScenarioConfig::teams`.
    pub team: usize,
    /// Index into `ScenarioConfig::sites`.
    pub site: usize,
    /// How many.
    pub count: u32,
}

/// `[people]`: engineers join, ramp up and leave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeopleConfig {
    /// Yearly chance of leaving at a normal load (the base turnover).
    pub attrition_per_year: f64,
    /// Attrition multiplier at 7 off-hours pages per engineer-month ("bad"); 1 at 2
    /// ("good"), linear in between.
    pub attrition_multiplier_bad: f64,
    /// Attrition multiplier at 19 off-hours pages per engineer-month (a burnout
    /// signal) and above; linear from the "bad" level.
    pub attrition_multiplier_burnout: f64,
    /// Shortest and longest ramp-up before a hire may go on call, weeks (uniform).
    pub ramp_up_weeks: (f64, f64),
    /// How teams hire.
    pub hiring: Hiring,
    /// Consecutive weeks over a limit (or understaffed) that open a requisition.
    pub trigger_weeks: u32,
    /// Shortest and longest time to fill a requisition, weeks (uniform).
    pub lead_time_weeks: (f64, f64),
    /// Most engineers a team may have, counting open requisitions.
    pub headcount_ceiling: u32,
    /// Fatigue: time to mitigate grows by this factor times the team's ops load above
    /// the 50% cap over the last four weeks (0: no fatigue).
    pub fatigue_per_ops_load: f64,
    /// Planned hires (in every hiring mode).
    pub plan: Vec<PlannedHire>,
}
