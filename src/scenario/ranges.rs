//! The accepted range of every number a scenario (and a sweep plan) takes, in one table.
//!
//! The validator checks each value against its entry here, the README's "Input ranges"
//! section is this table (a test keeps the two identical), and the messages of values
//! out of range are written from it. The bounds are chosen far beyond any real SRE
//! organisation and far inside what the simulator computes correctly: no overflow, no
//! allocation that grows without bound from one value, no loop that does not end.
//! Where a bound has no published source it says "assumption".

use super::show::number;

/// The accepted range of one key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyRange {
    /// The key as a pattern: the dotted path without array entries
    /// (`teams.shift_hours`), `<phase>` for any lifecycle phase, `<site>` for any site,
    /// `<duration>` for any duration key; a count of entries is the array's key.
    pub key: &'static str,
    /// Lower bound.
    pub min: f64,
    /// Whether the lower bound itself is excluded.
    pub min_exclusive: bool,
    /// How the lower bound is written for people (empty: the number itself).
    pub min_label: &'static str,
    /// Upper bound.
    pub max: f64,
    /// Whether the upper bound itself is excluded.
    pub max_exclusive: bool,
    /// How the upper bound is written for people (empty: the number itself).
    pub max_label: &'static str,
    /// Whether `inf` is accepted besides the range.
    pub or_infinite: bool,
    /// Whether the value is an integer (a count).
    pub integer: bool,
    /// Unit of the value (empty for a plain number).
    pub unit: &'static str,
    /// A further rule the validator checks beside the range (empty when none).
    pub also: &'static str,
    /// Why these bounds: a published source, or "assumption".
    pub why: &'static str,
}

impl KeyRange {
    const fn new(key: &'static str, min: f64, max: f64, unit: &'static str) -> Self {
        KeyRange {
            key,
            min,
            min_exclusive: false,
            min_label: "",
            max,
            max_exclusive: false,
            max_label: "",
            or_infinite: false,
            integer: false,
            unit,
            also: "",
            why: "",
        }
    }

    const fn count(key: &'static str, min: f64, max: f64, unit: &'static str) -> Self {
        KeyRange {
            integer: true,
            ..KeyRange::new(key, min, max, unit)
        }
    }

    const fn why(self, why: &'static str) -> Self {
        KeyRange { why, ..self }
    }

    const fn also(self, also: &'static str) -> Self {
        KeyRange { also, ..self }
    }

    const fn min_exclusive(self) -> Self {
        KeyRange {
            min_exclusive: true,
            ..self
        }
    }

    const fn max_exclusive(self) -> Self {
        KeyRange {
            max_exclusive: true,
            ..self
        }
    }

    const fn labels(self, min_label: &'static str, max_label: &'static str) -> Self {
        KeyRange {
            min_label,
            max_label,
            ..self
        }
    }

    const fn or_infinite(self) -> Self {
        KeyRange {
            or_infinite: true,
            ..self
        }
    }

    /// Whether `x` is accepted (NaN never is).
    pub fn contains(&self, x: f64) -> bool {
        if x.is_nan() {
            return false;
        }
        if x == f64::INFINITY && self.or_infinite {
            return true;
        }
        let above = if self.min_exclusive {
            x > self.min
        } else {
            x >= self.min
        };
        let below = if self.max_exclusive {
            x < self.max
        } else {
            x <= self.max
        };
        above && below && (!self.integer || x.fract() == 0.0)
    }

    /// Whether the integer `n` is accepted.
    pub fn contains_int(&self, n: i128) -> bool {
        // Count bounds are small integers, exact in f64; the seed's upper bound
        // 2^63 - 1 is not an f64, and 2^63 (the nearest) stands for it.
        let lo = self.min.ceil() as i128;
        let hi = if self.max >= I64_MAX_AS_F64 {
            i128::from(i64::MAX)
        } else {
            self.max.floor() as i128
        };
        (lo..=hi).contains(&n)
    }

    fn min_text(&self) -> String {
        if self.min_label.is_empty() {
            number(self.min)
        } else {
            self.min_label.to_owned()
        }
    }

    fn max_text(&self) -> String {
        if self.max_label.is_empty() {
            number(self.max)
        } else {
            self.max_label.to_owned()
        }
    }

    /// The interval, e.g. `between 0.25 and 168`, `>= 0 and < 24`.
    fn interval(&self) -> String {
        let (lo, hi) = (self.min_text(), self.max_text());
        match (self.min_exclusive, self.max_exclusive) {
            (false, false) => format!("between {lo} and {hi}"),
            (true, false) => format!("> {lo} and <= {hi}"),
            (false, true) => format!(">= {lo} and < {hi}"),
            (true, true) => format!("strictly between {lo} and {hi}"),
        }
    }

    /// What is accepted, e.g. `between 0.25 and 168`, `between 0 and 5200, or inf`.
    pub fn expected(&self) -> String {
        let or_inf = if self.or_infinite { ", or inf" } else { "" };
        format!("{}{or_inf}", self.interval())
    }

    /// The message for a value out of range:
    /// `<name> must be <interval> (<unit>)[, or inf]; got <x>`.
    pub fn message(&self, name: &str, got: &str) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.unit)
        };
        let or_inf = if self.or_infinite { ", or inf" } else { "" };
        format!(
            "{name} must be {}{unit}{or_inf}; got {got}",
            self.interval()
        )
    }

    /// `None` when `x` is accepted, else the message naming the value as `name`.
    pub fn check(&self, name: &str, x: f64) -> Option<String> {
        (!self.contains(x)).then(|| self.message(name, &number(x)))
    }

    /// `None` when the integer `n` is accepted, else the message.
    pub fn check_int(&self, name: &str, n: i128) -> Option<String> {
        (!self.contains_int(n)).then(|| self.message(name, &n.to_string()))
    }

    /// The upper bound as a count (for the integer entries).
    pub fn max_count(&self) -> usize {
        self.max as usize
    }

    /// This entry as a row of the README's table.
    pub fn markdown_row(&self) -> String {
        let mut range = self.expected();
        if self.integer {
            range.push_str(", an integer");
        }
        if !self.also.is_empty() {
            range.push_str("; ");
            range.push_str(self.also);
        }
        format!(
            "| `{}` | {} | {} | {} |",
            self.key, range, self.unit, self.why
        )
    }
}

/// The README's table of every range, header included (one row per entry of
/// [`RANGES`], in order).
pub fn markdown_table() -> String {
    let mut out = String::from("| key | accepted | unit | why |\n|---|---|---|---|\n");
    for r in RANGES {
        out.push_str(&r.markdown_row());
        out.push('\n');
    }
    out
}

/// `i64::MAX` rounded to the nearest f64 (2^63).
const I64_MAX_AS_F64: f64 = i64::MAX as f64;

/// Weeks in a century: the longest horizon and any time in weeks (assumption).
const CENTURY_WEEKS: f64 = 5200.0;
/// Hours in a year (365 days): the longest duration and amount of work (assumption).
const YEAR_HOURS: f64 = 8760.0;
/// One minute in hours: the shortest random duration (assumption).
const MINUTE_HOURS: f64 = 1.0 / 60.0;

const WHY_CENTURY: &str = "a century; keeps event times and weekly series bounded (assumption)";
const WHY_YEAR: &str = "a year of hours (assumption)";
const WHY_DURATION: &str =
    "one minute to a year (assumption); shorter: write \"zero\" or use fixed";
const WHY_MULTIPLIER: &str =
    "keeps rate × multipliers finite and the event count bounded (assumption)";

// ---- simulation -----------------------------------------------------------------------

/// `simulation.horizon_weeks`.
pub const HORIZON_WEEKS: KeyRange = KeyRange::new(
    "simulation.horizon_weeks",
    1.0 / 168.0,
    CENTURY_WEEKS,
    "weeks",
)
.labels("1/168 (one hour)", "")
.why("one hour to a century (assumption)");
/// `simulation.warmup_weeks`.
pub const WARMUP_WEEKS: KeyRange =
    KeyRange::new("simulation.warmup_weeks", 0.0, CENTURY_WEEKS, "weeks")
        .also("< horizon_weeks")
        .why(WHY_CENTURY);
/// `simulation.replications`.
pub const REPLICATIONS: KeyRange =
    KeyRange::count("simulation.replications", 1.0, 100_000.0, "runs")
        .why("100 000 runs put a 95% CI within 1% of a standard deviation (assumption)");
/// `simulation.seed`.
pub const SEED: KeyRange = KeyRange::count("simulation.seed", 0.0, I64_MAX_AS_F64, "")
    .labels("", "2^63 - 1")
    .why("a TOML integer (signed 64-bit, TOML 1.0)");

// ---- sites ---------------------------------------------------------------------------

/// Number of `[[sites]]` entries.
pub const SITES: KeyRange = KeyRange::count("sites", 1.0, 1_000.0, "entries").why("assumption");
/// `sites.utc_offset_hours`.
pub const UTC_OFFSET_HOURS: KeyRange =
    KeyRange::new("sites.utc_offset_hours", -12.0, 14.0, "hours")
        .why("the offsets in use span UTC-12 to UTC+14 (IANA time zone database)");

// ---- teams ---------------------------------------------------------------------------

/// Number of `[[teams]]` entries.
pub const TEAMS: KeyRange = KeyRange::count("teams", 1.0, 1_000.0, "entries").why("assumption");
/// `teams.members.<site>`.
pub const MEMBERS_PER_SITE: KeyRange =
    KeyRange::count("teams.members.<site>", 0.0, 10_000.0, "engineers").why("assumption");
/// A team's head count (the sum of `teams.members`).
pub const TEAM_HEADCOUNT: KeyRange = KeyRange::count("teams.members", 1.0, 10_000.0, "engineers")
    .also("the team's head count, summed over its sites")
    .why("assumption");
/// Engineers in the whole scenario.
pub const ENGINEERS: KeyRange =
    KeyRange::count("teams.members (all teams)", 1.0, 100_000.0, "engineers")
        .also("summed over every team")
        .why("assumption");
/// `teams.shift_hours`.
pub const SHIFT_HOURS: KeyRange = KeyRange::new("teams.shift_hours", 0.25, 168.0, "hours")
    .also("divides 168")
    .why("15 minutes to a week; a rotation repeats every week (assumption)");
/// `teams.handoff_utc_hour`.
pub const HANDOFF_UTC_HOUR: KeyRange =
    KeyRange::new("teams.handoff_utc_hour", 0.0, 24.0, "hour of the day")
        .max_exclusive()
        .why("an hour of the day");
/// `teams.responders_per_shift`.
pub const RESPONDERS: KeyRange =
    KeyRange::count("teams.responders_per_shift", 1.0, 10_000.0, "engineers")
        .also("<= the team's head count")
        .why("primary, secondary, ... (SRE book ch.11)");
/// `teams.pager_budget_per_shift`.
pub const PAGER_BUDGET: KeyRange =
    KeyRange::count("teams.pager_budget_per_shift", 0.0, 10_000.0, "pages").why(
        "the book's budget is 2 per 12-hour shift (SRE book ch.11); the bound is an assumption",
    );
/// `teams.hours_per_week`.
pub const HOURS_PER_WEEK: KeyRange = KeyRange::new("teams.hours_per_week", 1.0, 168.0, "hours")
    .why("a week has 168 hours; at least one working hour (assumption)");
/// `teams.followup_hours_per_incident`.
pub const FOLLOWUP_HOURS: KeyRange = KeyRange::new(
    "teams.followup_hours_per_incident",
    0.0,
    YEAR_HOURS,
    "hours",
)
.why(WHY_YEAR);
/// `teams.interrupt_overhead_hours`.
pub const INTERRUPT_HOURS: KeyRange =
    KeyRange::new("teams.interrupt_overhead_hours", 0.0, 168.0, "hours")
        .why("a week of hours per page (assumption)");
/// `teams.on_call_from_week`.
pub const ON_CALL_FROM_WEEK: KeyRange =
    KeyRange::new("teams.on_call_from_week", 0.0, CENTURY_WEEKS, "weeks").why(WHY_CENTURY);

/// `organization.single_site_shift_hours`.
pub const SINGLE_SITE_SHIFT_HOURS: KeyRange =
    KeyRange::new("organization.single_site_shift_hours", 0.25, 168.0, "hours")
        .why("as teams.shift_hours: 15 minutes to a week-long shift [G] Workbook ch.8");
/// `teams.unfamiliar_ttm_factor`.
pub const UNFAMILIAR_TTM_FACTOR: KeyRange =
    KeyRange::new("teams.unfamiliar_ttm_factor", 1.0, 100.0, "")
        .why("from no slowdown to a hundredfold (assumption)");
/// `teams.context_switch_hours`.
pub const CONTEXT_SWITCH_HOURS: KeyRange =
    KeyRange::new("teams.context_switch_hours", 0.0, 40.0, "hours")
        .why("up to a working week per engineer-week (assumption)");
/// `teams.coordination_hours`.
pub const COORDINATION_HOURS: KeyRange =
    KeyRange::new("teams.coordination_hours", 0.0, 40.0, "hours")
        .why("up to a working week per engineer-week (assumption)");
/// `teams.cross_team_hours`.
pub const CROSS_TEAM_HOURS: KeyRange = KeyRange::new("teams.cross_team_hours", 0.0, 40.0, "hours")
    .why("up to a working week per engineer-week and other team (assumption)");
/// `teams.min_rotation_single_site`.
pub const MIN_ROTATION_SINGLE_SITE: KeyRange =
    KeyRange::count("teams.min_rotation_single_site", 1.0, 10_000.0, "engineers")
        .why("a team's head count at most (the SRE book ch.11 says 8)");
/// `teams.min_rotation_per_site`.
pub const MIN_ROTATION_PER_SITE: KeyRange =
    KeyRange::count("teams.min_rotation_per_site", 1.0, 10_000.0, "engineers")
        .why("a site's head count at most (the SRE book ch.11 says 6)");
/// `organization.split_when.services_over`.
pub const SPLIT_SERVICES_OVER: KeyRange = KeyRange::count(
    "organization.split_when.services_over",
    0.0,
    100_000.0,
    "services",
)
.why("0 turns the size trigger off; at most the scenario's services (assumption)");
/// `organization.split_when.ops_cap_weeks`.
pub const SPLIT_OPS_CAP_WEEKS: KeyRange =
    KeyRange::count("organization.split_when.ops_cap_weeks", 0.0, 520.0, "weeks")
        .also("services_over or ops_cap_weeks above 0")
        .why("0 turns the load trigger off; up to ten years (assumption)");
/// `organization.merge_when.understaffed_weeks`.
pub const MERGE_UNDERSTAFFED_WEEKS: KeyRange = KeyRange::count(
    "organization.merge_when.understaffed_weeks",
    1.0,
    520.0,
    "weeks",
)
.why("up to ten years (assumption)");

// ---- engagement -----------------------------------------------------------------------

/// `engagement.review_weeks`.
pub const REVIEW_WEEKS: KeyRange = KeyRange::new("engagement.review_weeks", 1.0, 520.0, "weeks")
    .why("a week to ten years; quarterly by default, at least yearly [G] Workbook ch.18");
/// `engagement.consultation_hours`.
pub const CONSULTATION_HOURS: KeyRange =
    KeyRange::new("engagement.consultation_hours", 0.0, 10_000.0, "hours")
        .why("1-2 SREs for a few hours [G] SRE book ch.32; the bound is an assumption");
/// `engagement.prr_sres`.
pub const PRR_SRES: KeyRange = KeyRange::new("engagement.prr_sres", 0.0, 100.0, "engineers")
    .why("2-3 SREs, 1 with frameworks [G] SRE book ch.32; the bound is an assumption");
/// `engagement.prr_weeks`.
pub const PRR_WEEKS: KeyRange = KeyRange::new("engagement.prr_weeks", 0.0, 520.0, "weeks")
    .why("2-3 quarters, 1 with frameworks [G] SRE book ch.32; up to ten years");
/// `engagement.prr_hours_per_sre_week`.
pub const PRR_HOURS_PER_SRE_WEEK: KeyRange =
    KeyRange::new("engagement.prr_hours_per_sre_week", 0.0, 168.0, "hours")
        .why("at most a week's hours (assumption)");
/// `engagement.prr_pass_probability`.
pub const PRR_PASS_PROBABILITY: KeyRange =
    KeyRange::new("engagement.prr_pass_probability", 0.0, 1.0, "").why("a probability");
/// `engagement.prr_page_rate_factor`.
pub const PRR_PAGE_RATE_FACTOR: KeyRange =
    KeyRange::new("engagement.prr_page_rate_factor", 0.0, 1.0, "")
        .why("findings lower the page rate, never raise it (assumption)");
/// `engagement.prr_retry_weeks`.
pub const PRR_RETRY_WEEKS: KeyRange =
    KeyRange::new("engagement.prr_retry_weeks", 0.0, 520.0, "weeks")
        .why("0: a failed review is not retried; up to ten years");
/// `engagement.onboarding_max_tier`.
pub const ONBOARDING_MAX_TIER: KeyRange =
    KeyRange::count("engagement.onboarding_max_tier", 1.0, 100.0, "").why("as services.tier");
/// `engagement.dev_share`.
pub const DEV_SHARE: KeyRange =
    KeyRange::new("engagement.dev_share", 0.0, 1.0, "").why("a share [G] Workbook ch.18");
/// `engagement.cleanup_hours`.
pub const CLEANUP_HOURS: KeyRange =
    KeyRange::new("engagement.cleanup_hours", 0.0, 10_000.0, "hours").why("assumption");
/// `engagement.dev_mitigation_factor`.
pub const DEV_MITIGATION_FACTOR: KeyRange =
    KeyRange::new("engagement.dev_mitigation_factor", 0.01, 100.0, "")
        .why("a hundredfold either way (assumption)");
/// `engagement.handback_windows`.
pub const HANDBACK_WINDOWS: KeyRange =
    KeyRange::count("engagement.handback_windows", 1.0, 1000.0, "SLO windows").why("assumption");
/// `engagement.takeback_weeks`.
pub const TAKEBACK_WEEKS: KeyRange =
    KeyRange::new("engagement.takeback_weeks", 0.0, 520.0, "weeks")
        .why("up to ten years (assumption)");
/// `engagement.overload_weeks`.
pub const OVERLOAD_WEEKS: KeyRange =
    KeyRange::count("engagement.overload_weeks", 1.0, 520.0, "weeks")
        .why("up to ten years (assumption)");
/// `engagement.empower_hours_per_week`.
pub const EMPOWER_HOURS: KeyRange =
    KeyRange::new("engagement.empower_hours_per_week", 0.0, 10_000.0, "hours").why("assumption");
/// `engagement.empower_weeks`.
pub const EMPOWER_WEEKS: KeyRange = KeyRange::new("engagement.empower_weeks", 0.0, 520.0, "weeks")
    .why("up to ten years (assumption)");
/// `engagement.empowered_dev_factor`.
pub const EMPOWERED_DEV_FACTOR: KeyRange =
    KeyRange::new("engagement.empowered_dev_factor", 0.01, 100.0, "")
        .why("as dev_mitigation_factor (assumption)");
/// `engagement.empower_page_rate_factor`.
pub const EMPOWER_PAGE_RATE_FACTOR: KeyRange =
    KeyRange::new("engagement.empower_page_rate_factor", 0.0, 1.0, "")
        .why("tooling lowers the page rate, never raises it (assumption)");
/// `engagement.budget_policy.change_share`.
pub const CHANGE_SHARE: KeyRange =
    KeyRange::new("engagement.budget_policy.change_share", 0.0, 1.0, "")
        .why("a share; about 70% of outages come from changes to a live system [G] SRE book ch.1");
/// `engagement.budget_policy.named_engineer_hours`.
pub const NAMED_ENGINEER_HOURS: KeyRange = KeyRange::new(
    "engagement.budget_policy.named_engineer_hours",
    0.0,
    10_000.0,
    "hours",
)
.why("assumption");
/// `engagement.budget_policy.push_hours`.
pub const PUSH_HOURS: KeyRange = KeyRange::new(
    "engagement.budget_policy.push_hours",
    0.0,
    10_000.0,
    "hours",
)
.why("assumption");
/// `engagement.budget_policy.freeze_weeks`.
pub const FREEZE_WEEKS: KeyRange =
    KeyRange::new("engagement.budget_policy.freeze_weeks", 0.0, 520.0, "weeks")
        .why("up to ten years (assumption)");

// ---- reliability ----------------------------------------------------------------------

/// `reliability.project_share`.
pub const RELIABILITY_PROJECT_SHARE: KeyRange =
    KeyRange::new("reliability.project_share", 0.0, 1.0, "").why("a share (assumption)");
/// `reliability.cut_per_100h`.
pub const RELIABILITY_CUT: KeyRange =
    KeyRange::new("reliability.cut_per_100h", 0.0, 1.0, "").why("a share of a gap (assumption)");
/// `reliability.floor`.
pub const RELIABILITY_FLOOR: KeyRange =
    KeyRange::new("reliability.floor", 0.0, 1.0, "").why("a factor of the page rate (assumption)");
/// `reliability.drift_per_week`.
pub const RELIABILITY_DRIFT: KeyRange =
    KeyRange::new("reliability.drift_per_week", 0.0, 1.0, "").why("a share of a gap (assumption)");
/// `reliability.ceiling`.
pub const RELIABILITY_CEILING: KeyRange =
    KeyRange::new("reliability.ceiling", 1.0, 100.0, "").why("a hundredfold at most (assumption)");

// ---- people ---------------------------------------------------------------------------

/// `people.attrition_per_year`.
pub const ATTRITION_PER_YEAR: KeyRange = KeyRange::new("people.attrition_per_year", 0.0, 5.0, "per year")
    .why("up to five times a team's size a year (assumption); the software sector's turnover is about 0.13 (LinkedIn 2018)");
/// `people.attrition_multiplier_bad`.
pub const ATTRITION_MULTIPLIER_BAD: KeyRange =
    KeyRange::new("people.attrition_multiplier_bad", 1.0, 100.0, "")
        .why("no public curve of attrition against load (assumption)");
/// `people.attrition_multiplier_burnout`.
pub const ATTRITION_MULTIPLIER_BURNOUT: KeyRange =
    KeyRange::new("people.attrition_multiplier_burnout", 1.0, 100.0, "")
        .also("at least attrition_multiplier_bad")
        .why("no public curve of attrition against load (assumption)");
/// `people.ramp_up_weeks_min`.
pub const RAMP_UP_WEEKS_MIN: KeyRange =
    KeyRange::new("people.ramp_up_weeks_min", 0.0, 520.0, "weeks")
        .why("up to ten years; new hires are ready for on-call in 3 to 9 months [G] Workbook ch.8");
/// `people.ramp_up_weeks_max`.
pub const RAMP_UP_WEEKS_MAX: KeyRange =
    KeyRange::new("people.ramp_up_weeks_max", 0.0, 520.0, "weeks")
        .also("at least ramp_up_weeks_min")
        .why("as ramp_up_weeks_min");
/// `people.trigger_weeks`.
pub const TRIGGER_WEEKS: KeyRange = KeyRange::count("people.trigger_weeks", 1.0, 520.0, "weeks")
    .why("up to ten years (assumption)");
/// `people.lead_time_weeks_min`.
pub const LEAD_TIME_WEEKS_MIN: KeyRange =
    KeyRange::new("people.lead_time_weeks_min", 0.0, 520.0, "weeks")
        .why("up to ten years; about 45 to 90 days to fill an SRE role (secondary sources, weak)");
/// `people.lead_time_weeks_max`.
pub const LEAD_TIME_WEEKS_MAX: KeyRange =
    KeyRange::new("people.lead_time_weeks_max", 0.0, 520.0, "weeks")
        .also("at least lead_time_weeks_min")
        .why("as lead_time_weeks_min");
/// `people.fatigue_per_ops_load`.
pub const FATIGUE: KeyRange = KeyRange::new("people.fatigue_per_ops_load", 0.0, 100.0, "")
    .why("work pressure lowers productivity (Oliva & Sterman 2001); no public figure (assumption)");
/// `simulation.cost_per_engineer_year`.
pub const COST_PER_ENGINEER_YEAR: KeyRange =
    KeyRange::new("simulation.cost_per_engineer_year", 0.0, 1e9, "")
        .why("any unit, no currency assumed (assumption)");
/// `people.plan.week`.
pub const PLAN_WEEK: KeyRange =
    KeyRange::new("people.plan.week", 0.0, CENTURY_WEEKS, "weeks").why(WHY_CENTURY);
/// `people.plan.count`.
pub const PLAN_COUNT: KeyRange = KeyRange::count("people.plan.count", 1.0, 10_000.0, "engineers")
    .why("a team's head count at most");
/// `people.headcount_ceiling`.
pub const HEADCOUNT_CEILING: KeyRange =
    KeyRange::count("people.headcount_ceiling", 1.0, 10_000.0, "engineers")
        .why("a team's head count at most");

// ---- durations -----------------------------------------------------------------------

/// `<duration>.fixed.hours`.
pub const FIXED_HOURS: KeyRange = KeyRange::new("<duration>.fixed.hours", 0.0, YEAR_HOURS, "hours")
    .why("up to a year (assumption)");
/// `<duration>.exponential.mean_hours`.
pub const EXPONENTIAL_MEAN: KeyRange = KeyRange::new(
    "<duration>.exponential.mean_hours",
    MINUTE_HOURS,
    YEAR_HOURS,
    "hours",
)
.labels("1/60 (one minute)", "")
.why(WHY_DURATION);
/// `<duration>.lognormal.median_hours`.
pub const LOGNORMAL_MEDIAN: KeyRange = KeyRange::new(
    "<duration>.lognormal.median_hours",
    MINUTE_HOURS,
    YEAR_HOURS,
    "hours",
)
.labels("1/60 (one minute)", "")
.why(WHY_DURATION);
/// `<duration>.lognormal.p90_hours`.
pub const LOGNORMAL_P90: KeyRange = KeyRange::new(
    "<duration>.lognormal.p90_hours",
    MINUTE_HOURS,
    YEAR_HOURS,
    "hours",
)
.labels("1/60 (one minute)", "")
.also("> median_hours")
.why(WHY_DURATION);

// ---- services ------------------------------------------------------------------------

/// Number of services after `count` stamping.
pub const SERVICES: KeyRange = KeyRange::count("services", 1.0, 10_000.0, "services")
    .also("counted after stamping copies and after growth")
    .why("assumption");
/// `services.count`.
pub const COUNT: KeyRange =
    KeyRange::count("services.count", 1.0, 10_000.0, "copies").why("assumption");
/// `services.tier`.
pub const TIER: KeyRange = KeyRange::count("services.tier", 1.0, 100.0, "")
    .why("1 is most critical; a label (assumption)");
/// `services.launch_week`.
pub const LAUNCH_WEEK: KeyRange =
    KeyRange::new("services.launch_week", 0.0, CENTURY_WEEKS, "weeks").why(WHY_CENTURY);
/// `services.page_rate_per_week`.
pub const PAGE_RATE: KeyRange =
    KeyRange::new("services.page_rate_per_week", 0.0, 1e5, "pages per week")
        .why("about 600 pages an hour from one service (assumption)");
/// `services.tickets_per_week`.
pub const TICKETS: KeyRange =
    KeyRange::new("services.tickets_per_week", 0.0, 1e5, "tickets per week").why("assumption");
/// `services.hours_per_ticket`.
pub const HOURS_PER_TICKET: KeyRange =
    KeyRange::new("services.hours_per_ticket", 0.0, YEAR_HOURS, "hours").why(WHY_YEAR);
/// `services.slo_target`.
pub const SLO_TARGET: KeyRange = KeyRange::new("services.slo_target", 0.0, 1.0, "e.g. 0.999")
    .min_exclusive()
    .max_exclusive()
    .why("a fraction of good events (SRE book ch.4)");
/// `services.slo_window_weeks`.
pub const SLO_WINDOW_WEEKS: KeyRange =
    KeyRange::new("services.slo_window_weeks", 1.0 / 7.0, 260.0, "weeks")
        .labels("1/7 (one day)", "")
        .why("one day to five years; 4 weeks is the Workbook's window (SRE Workbook, appendix B); the bounds are assumptions");
/// `services.phase_weeks.<phase>`.
pub const PHASE_WEEKS: KeyRange =
    KeyRange::new("services.phase_weeks.<phase>", 0.0, CENTURY_WEEKS, "weeks")
        .or_infinite()
        .why(WHY_CENTURY);
/// `services.page_multiplier.<phase>`.
pub const PAGE_MULTIPLIER: KeyRange =
    KeyRange::new("services.page_multiplier.<phase>", 0.0, 1000.0, "").why(WHY_MULTIPLIER);
/// `services.load_profile.business_hours_multiplier`.
pub const BUSINESS_MULTIPLIER: KeyRange = KeyRange::new(
    "services.load_profile.business_hours_multiplier",
    0.0,
    1000.0,
    "",
)
.also("not both multipliers 0")
.why(WHY_MULTIPLIER);
/// `services.load_profile.off_hours_multiplier`.
pub const OFF_MULTIPLIER: KeyRange = KeyRange::new(
    "services.load_profile.off_hours_multiplier",
    0.0,
    1000.0,
    "",
)
.also("not both multipliers 0")
.why(WHY_MULTIPLIER);
/// Number of `[[services.severities]]` entries of one service.
pub const SEVERITIES: KeyRange =
    KeyRange::count("services.severities", 1.0, 100.0, "entries").why("assumption");
/// `services.severities.share`.
pub const SHARE: KeyRange = KeyRange::new("services.severities.share", 0.0, 1.0, "")
    .also("a service's shares sum to 1")
    .why("a fraction of the service's incidents");
/// `services.severities.impact_fraction`.
pub const IMPACT_FRACTION: KeyRange =
    KeyRange::new("services.severities.impact_fraction", 0.0, 1.0, "")
        .why("a fraction of users affected");

// ---- growth --------------------------------------------------------------------------

/// `growth.per_quarter`.
pub const GROWTH_PER_QUARTER: KeyRange =
    KeyRange::new("growth.per_quarter", 0.0, 1000.0, "services per quarter")
        .also("may be fractional")
        .why("assumption");
/// `growth.start_week`.
pub const GROWTH_START_WEEK: KeyRange =
    KeyRange::new("growth.start_week", 0.0, CENTURY_WEEKS, "weeks").why(WHY_CENTURY);
/// `growth.end_week`.
pub const GROWTH_END_WEEK: KeyRange = KeyRange::new("growth.end_week", 0.0, CENTURY_WEEKS, "weeks")
    .also("at least start_week")
    .why(WHY_CENTURY);
/// `growth.jitter_weeks`.
pub const GROWTH_JITTER_WEEKS: KeyRange = KeyRange::new("growth.jitter_weeks", 0.0, 13.0, "weeks")
    .why("at most a quarter, so that each launch falls in its own quarter (assumption)");

// ---- sweeps --------------------------------------------------------------------------

/// Values of one sweep axis (`--vary`, `[[sweep.axes]]`).
pub const AXIS_VALUES: KeyRange =
    KeyRange::count("sweep.axes (values of one axis)", 1.0, 10_000.0, "values")
        .also("a range start..end:step is counted exactly")
        .why("assumption");
/// Points of a sweep plan (the grid, or `--sample` / `sweep.sample`).
pub const SWEEP_POINTS: KeyRange =
    KeyRange::count("sweep points (grid or sample)", 1.0, 100_000.0, "points").why("assumption");
/// `sweep.sample` and `--sample`.
pub const SAMPLE: KeyRange =
    KeyRange::count("sweep.sample", 1.0, 100_000.0, "points").why("assumption");

/// Every range, in the order of the scenario format.
pub const RANGES: &[KeyRange] = &[
    HORIZON_WEEKS,
    WARMUP_WEEKS,
    REPLICATIONS,
    SEED,
    SITES,
    UTC_OFFSET_HOURS,
    TEAMS,
    MEMBERS_PER_SITE,
    TEAM_HEADCOUNT,
    ENGINEERS,
    SHIFT_HOURS,
    HANDOFF_UTC_HOUR,
    RESPONDERS,
    PAGER_BUDGET,
    HOURS_PER_WEEK,
    FOLLOWUP_HOURS,
    INTERRUPT_HOURS,
    ON_CALL_FROM_WEEK,
    SINGLE_SITE_SHIFT_HOURS,
    UNFAMILIAR_TTM_FACTOR,
    CONTEXT_SWITCH_HOURS,
    COORDINATION_HOURS,
    CROSS_TEAM_HOURS,
    MIN_ROTATION_SINGLE_SITE,
    MIN_ROTATION_PER_SITE,
    SPLIT_SERVICES_OVER,
    SPLIT_OPS_CAP_WEEKS,
    MERGE_UNDERSTAFFED_WEEKS,
    REVIEW_WEEKS,
    CONSULTATION_HOURS,
    PRR_SRES,
    PRR_WEEKS,
    PRR_HOURS_PER_SRE_WEEK,
    PRR_PASS_PROBABILITY,
    PRR_PAGE_RATE_FACTOR,
    PRR_RETRY_WEEKS,
    ONBOARDING_MAX_TIER,
    DEV_SHARE,
    CLEANUP_HOURS,
    DEV_MITIGATION_FACTOR,
    HANDBACK_WINDOWS,
    TAKEBACK_WEEKS,
    OVERLOAD_WEEKS,
    EMPOWER_HOURS,
    EMPOWER_WEEKS,
    EMPOWERED_DEV_FACTOR,
    EMPOWER_PAGE_RATE_FACTOR,
    CHANGE_SHARE,
    NAMED_ENGINEER_HOURS,
    PUSH_HOURS,
    FREEZE_WEEKS,
    RELIABILITY_PROJECT_SHARE,
    RELIABILITY_CUT,
    RELIABILITY_FLOOR,
    RELIABILITY_DRIFT,
    RELIABILITY_CEILING,
    ATTRITION_PER_YEAR,
    ATTRITION_MULTIPLIER_BAD,
    ATTRITION_MULTIPLIER_BURNOUT,
    RAMP_UP_WEEKS_MIN,
    RAMP_UP_WEEKS_MAX,
    TRIGGER_WEEKS,
    LEAD_TIME_WEEKS_MIN,
    LEAD_TIME_WEEKS_MAX,
    HEADCOUNT_CEILING,
    FATIGUE,
    PLAN_WEEK,
    PLAN_COUNT,
    COST_PER_ENGINEER_YEAR,
    FIXED_HOURS,
    EXPONENTIAL_MEAN,
    LOGNORMAL_MEDIAN,
    LOGNORMAL_P90,
    SERVICES,
    COUNT,
    TIER,
    LAUNCH_WEEK,
    PAGE_RATE,
    TICKETS,
    HOURS_PER_TICKET,
    SLO_TARGET,
    SLO_WINDOW_WEEKS,
    PHASE_WEEKS,
    PAGE_MULTIPLIER,
    BUSINESS_MULTIPLIER,
    OFF_MULTIPLIER,
    SEVERITIES,
    SHARE,
    IMPACT_FRACTION,
    GROWTH_PER_QUARTER,
    GROWTH_START_WEEK,
    GROWTH_END_WEEK,
    GROWTH_JITTER_WEEKS,
    AXIS_VALUES,
    SWEEP_POINTS,
    SAMPLE,
];

/// Longest name (simulation, site, team, service block, product, stack, severity), in
/// characters.
pub const MAX_NAME_CHARS: usize = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_every_entry_explains_itself() {
        for (i, r) in RANGES.iter().enumerate() {
            assert!(
                RANGES[..i].iter().all(|o| o.key != r.key),
                "{} twice",
                r.key
            );
            assert!(!r.why.is_empty(), "{} has no why", r.key);
            assert!(r.min < r.max, "{}", r.key);
            assert!(r.min.is_finite() && r.max.is_finite(), "{}", r.key);
        }
    }

    #[test]
    fn bounds_are_in_or_out_as_declared() {
        assert!(SHIFT_HOURS.contains(0.25) && SHIFT_HOURS.contains(168.0));
        assert!(!SHIFT_HOURS.contains(0.249) && !SHIFT_HOURS.contains(1e12));
        assert!(!SLO_TARGET.contains(0.0) && !SLO_TARGET.contains(1.0));
        assert!(SLO_TARGET.contains(0.999));
        assert!(HANDOFF_UTC_HOUR.contains(0.0) && !HANDOFF_UTC_HOUR.contains(24.0));
        assert!(PHASE_WEEKS.contains(f64::INFINITY) && !PHASE_WEEKS.contains(f64::NEG_INFINITY));
        assert!(!PAGE_RATE.contains(f64::INFINITY) && !PAGE_RATE.contains(f64::NAN));
        assert!(!REPLICATIONS.contains(1.5));
        assert!(REPLICATIONS.contains_int(100_000) && !REPLICATIONS.contains_int(100_001));
        assert!(!MEMBERS_PER_SITE.contains_int(4_294_967_295));
        assert!(SEED.contains_int(i128::from(i64::MAX)) && !SEED.contains_int(-1));
    }

    #[test]
    fn messages_state_the_range_the_unit_and_the_value_compactly() {
        assert_eq!(
            SHIFT_HOURS.check("shift_hours", 1e12).as_deref(),
            Some("shift_hours must be between 0.25 and 168 (hours); got 1e12")
        );
        assert_eq!(
            SLO_WINDOW_WEEKS
                .check("slo_window_weeks", 1e-300)
                .as_deref(),
            Some("slo_window_weeks must be between 1/7 (one day) and 260 (weeks); got 1e-300")
        );
        assert_eq!(
            SLO_TARGET.check("slo_target", 1.5).as_deref(),
            Some("slo_target must be strictly between 0 and 1 (e.g. 0.999); got 1.5")
        );
        assert_eq!(SHIFT_HOURS.check("shift_hours", 12.0), None);
    }

    #[test]
    fn the_markdown_table_has_one_row_per_entry() {
        let table = markdown_table();
        assert_eq!(table.lines().count(), RANGES.len() + 2);
        assert!(
            table.contains("| `teams.shift_hours` | between 0.25 and 168; divides 168 | hours |")
        );
    }
}
