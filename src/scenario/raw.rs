//! Raw serde mirrors of the scenario TOML, before validation.
//!
//! Every field is optional here (required keys are checked during validation, so that a
//! missing key never hides other problems) and every struct denies unknown keys.
//! Durations are kept as TOML values and parsed by the validator for clearer messages.
//!
//! # Schema, version 1
//!
//! Every number also lies within its range in [`super::ranges`] (the README's "Input
//! ranges"), and every name follows [`super::NAME_RULE`]; the comments below give the
//! defaults and the rules between keys.
//!
//! ```toml
//! version = 1                          # required; only 1 is accepted
//!
//! [simulation]                         # required
//! name = "baseline"                    # default: the file stem
//! horizon_weeks = 104                  # required; > 0
//! warmup_weeks = 4                     # default 0; 0 <= warmup < horizon
//! replications = 20                    # default 10; >= 1
//! seed = 7                             # default 1; 0 ..= 2^63-1 (a TOML integer)
//!
//! [[sites]]                            # at least one; unique names
//! name = "london"                      # required
//! utc_offset_hours = 0.0               # required; -12 ..= 14
//!
//! [[teams]]                            # at least one; unique names
//! name = "core"                        # required
//! members = { london = 6 }             # required; site -> head count; known sites; some > 0
//! shift_hours = 12                     # default 12; > 0 and divides 168
//! handoff_utc_hour = 7                 # default 0; 0 <= h < 24
//! responders_per_shift = 2             # default 2; >= 1 and <= head count
//! pager_budget_per_shift = 2           # default 2; >= 0
//! hours_per_week = 40                  # default 40; 0 < h <= 168
//! followup_hours_per_incident = 2.0    # default 0; >= 0
//! interrupt_overhead_hours = 1.7       # default 0; >= 0
//! on_call_from_week = 0                # default 0; >= 0: members join the rotation then
//! ack_business_hours = "zero"          # default "zero"; a duration (below)
//! ack_off_hours = "zero"               # default "zero"; a duration
//!
//! [[services]]                         # at least one; unique names after stamping
//! name = "checkout"                    # required
//! product = "shop"                     # required
//! stack = "jvm"                        # required
//! tier = 1                             # default 2; >= 1
//! count = 1                            # default 1; 1 ..= 10000; > 1 stamps checkout-1 ..
//! team = "core"                        # required; a team name
//! site = "london"                      # default: the first site; a site name
//! launch_week = 0                      # default 0; >= 0
//! page_rate_per_week = 1.5             # required; >= 0
//! tickets_per_week = 2                 # default 0; >= 0
//! hours_per_ticket = 0.5               # default 0; >= 0
//! slo_target = 0.999                   # required; 0 < target < 1
//! slo_window_weeks = 4                 # default 4; > 0
//! phase_weeks = { general_availability = inf }   # per phase, >= 0, inf allowed;
//!                                      # default 0 except general_availability = inf
//! page_multiplier = { limited_availability = 1.5 } # per phase, >= 0, finite; defaults
//!                                      # 0, 0, 1.5, 1, 1.2, 1, 0 in lifecycle order
//! load_profile = { business_hours_multiplier = 1.5, off_hours_multiplier = 0.7 }
//!                                      # both default 1; >= 0; not both 0
//!
//! [[services.severities]]              # at least one; unique names; shares sum to 1
//! name = "sev1"                        # required
//! share = 0.07                         # required; 0 ..= 1
//! impact_fraction = 1.0                # required; 0 ..= 1
//! time_to_mitigate = { lognormal = { median_hours = 1.1, p90_hours = 5.5 } }  # required
//!
//! [[growth]]                           # optional; services launched from a template
//! template = "checkout"                # required; a [[services]] block name
//! per_quarter = 1.5                    # required; launches per 13 weeks, may be fractional
//! start_week = 0                       # default 0
//! end_week = 52                        # default: the horizon; >= start_week
//! jitter_weeks = 4                     # default 0; 0 ..= 13
//! prefix = "checkout-g"                # default "<template>-g"; names PREFIX-1, PREFIX-2, ..
//! ```
//!
//! `[[growth]]` is read by its own module (`validate/growth.rs`), raw struct included.
//!
//! A duration is `"zero"`, `{ fixed = { hours = H } }` (H >= 0),
//! `{ exponential = { mean_hours = M } }` (M > 0) or
//! `{ lognormal = { median_hours = A, p90_hours = B } }` (0 < A < B), all finite.
//! Every number field accepts integers and floats; phases are `design`,
//! `active_development`, `limited_availability`, `general_availability`, `deprecation`,
//! `abandoned`, `unsupported`.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A number field: accepts TOML integers and floats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct F64(pub f64);

impl<'de> Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = F64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<F64, E> {
                Ok(F64(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// An integer field (a count or the seed): any TOML integer, so that the range check
/// (see `ranges.rs`) reports a value out of range with the accepted bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a non-negative integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                i64::try_from(v).map(Int).map_err(|_| {
                    E::custom(format!(
                        "the integer {v} is beyond the TOML integer range (at most {})",
                        i64::MAX
                    ))
                })
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// `[simulation]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawSimulation {
    pub name: Option<String>,
    pub horizon_weeks: Option<F64>,
    pub warmup_weeks: Option<F64>,
    pub replications: Option<Int>,
    pub seed: Option<Int>,
    pub cost_per_engineer_year: Option<F64>,
}

/// One `[[sites]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawSite {
    pub name: Option<String>,
    pub utc_offset_hours: Option<F64>,
}

/// One `[[teams]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawTeam {
    pub name: Option<String>,
    pub members: Option<BTreeMap<String, Int>>,
    pub shift_hours: Option<F64>,
    pub handoff_utc_hour: Option<F64>,
    pub responders_per_shift: Option<Int>,
    pub pager_budget_per_shift: Option<Int>,
    pub hours_per_week: Option<F64>,
    pub followup_hours_per_incident: Option<F64>,
    pub interrupt_overhead_hours: Option<F64>,
    pub on_call_from_week: Option<F64>,
    pub ack_business_hours: Option<toml::Value>,
    pub ack_off_hours: Option<toml::Value>,
    pub unfamiliar_ttm_factor: Option<F64>,
    pub context_switch_hours: Option<F64>,
    pub coordination_hours: Option<F64>,
    pub cross_team_hours: Option<F64>,
    pub min_rotation_single_site: Option<Int>,
    pub min_rotation_per_site: Option<Int>,
}

/// `[people]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPeople {
    pub attrition_per_year: Option<F64>,
    pub attrition_multiplier_bad: Option<F64>,
    pub attrition_multiplier_burnout: Option<F64>,
    pub ramp_up_weeks_min: Option<F64>,
    pub ramp_up_weeks_max: Option<F64>,
    pub hiring: Option<String>,
    pub trigger_weeks: Option<Int>,
    pub lead_time_weeks_min: Option<F64>,
    pub lead_time_weeks_max: Option<F64>,
    pub headcount_ceiling: Option<Int>,
    pub fatigue_per_ops_load: Option<F64>,
    pub plan: Option<Vec<RawHire>>,
}

/// `[engagement]` as written (`developers` is a team template, read apart).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawEngagement {
    pub review_weeks: Option<F64>,
    pub consultation_hours: Option<F64>,
    pub frameworks: Option<bool>,
    pub prr_sres: Option<F64>,
    pub prr_weeks: Option<F64>,
    pub prr_hours_per_sre_week: Option<F64>,
    pub prr_pass_probability: Option<F64>,
    pub prr_page_rate_factor: Option<F64>,
    pub prr_retry_weeks: Option<F64>,
    pub onboarding: Option<String>,
    pub onboarding_max_tier: Option<Int>,
    pub launch_primary: Option<String>,
    pub dev_share: Option<F64>,
    pub cleanup_hours: Option<F64>,
    pub dev_mitigation_factor: Option<F64>,
    pub disengage: Option<String>,
    pub budget_policy: Option<RawBudgetPolicy>,
    pub handback_windows: Option<Int>,
    pub takeback_weeks: Option<F64>,
    pub overload_weeks: Option<Int>,
    pub empower_hours_per_week: Option<F64>,
    pub empower_weeks: Option<F64>,
    pub empowered_dev_factor: Option<F64>,
    pub empower_page_rate_factor: Option<F64>,
    pub developers: Option<toml::Value>,
}

/// `[reliability]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawReliability {
    pub project_share: Option<F64>,
    pub cut_per_100h: Option<F64>,
    pub floor: Option<F64>,
    pub drift_per_week: Option<F64>,
    pub ceiling: Option<F64>,
}

/// `[engagement.budget_policy]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawBudgetPolicy {
    pub change_share: Option<F64>,
    pub named_engineer_hours: Option<F64>,
    pub push_hours: Option<F64>,
    pub freeze_weeks: Option<F64>,
}

/// `[organization.split_when]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawSplit {
    pub services_over: Option<Int>,
    pub ops_cap_weeks: Option<Int>,
    pub along: Option<String>,
}

/// `[organization.merge_when]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawMerge {
    pub understaffed_weeks: Option<Int>,
}

/// One `[[people.plan]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawHire {
    pub week: Option<F64>,
    pub team: Option<String>,
    pub site: Option<String>,
    pub count: Option<Int>,
}

/// A per-phase table (`phase_weeks`, `page_multiplier`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table of phase names to numbers")]
pub(crate) struct RawPhases {
    pub design: Option<F64>,
    pub active_development: Option<F64>,
    pub limited_availability: Option<F64>,
    pub general_availability: Option<F64>,
    pub deprecation: Option<F64>,
    pub abandoned: Option<F64>,
    pub unsupported: Option<F64>,
}

impl RawPhases {
    /// The values in `Phase::ALL` order.
    pub fn in_order(&self) -> [Option<F64>; 7] {
        [
            self.design,
            self.active_development,
            self.limited_availability,
            self.general_availability,
            self.deprecation,
            self.abandoned,
            self.unsupported,
        ]
    }
}

/// `load_profile` of a service.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawLoadProfile {
    pub business_hours_multiplier: Option<F64>,
    pub off_hours_multiplier: Option<F64>,
}

/// One `[[services]]` entry (a block, before `count` stamping). `severities` entries
/// are deserialized one by one so that each reports its own problems.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawService {
    pub name: Option<String>,
    pub product: Option<String>,
    pub stack: Option<String>,
    pub tier: Option<Int>,
    pub count: Option<Int>,
    pub team: Option<String>,
    pub site: Option<String>,
    pub launch_week: Option<F64>,
    pub page_rate_per_week: Option<F64>,
    pub tickets_per_week: Option<F64>,
    pub hours_per_ticket: Option<F64>,
    pub slo_target: Option<F64>,
    pub slo_window_weeks: Option<F64>,
    pub phase_weeks: Option<RawPhases>,
    pub page_multiplier: Option<RawPhases>,
    pub load_profile: Option<RawLoadProfile>,
    pub severities: Option<toml::Value>,
}

/// One `[[services.severities]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawSeverity {
    pub name: Option<String>,
    pub share: Option<F64>,
    pub impact_fraction: Option<F64>,
    pub time_to_mitigate: Option<toml::Value>,
}

/// `{ fixed = { … } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawFixed {
    pub hours: Option<F64>,
}

/// `{ exponential = { … } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawExponential {
    pub mean_hours: Option<F64>,
}

/// `{ lognormal = { … } }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
pub(crate) struct RawLogNormal {
    pub median_hours: Option<F64>,
    pub p90_hours: Option<F64>,
}

/// Keys allowed at the top level of a scenario file. `sweep` is read by the sweep layer
/// (`crate::sweep`), which validates it; a plain run ignores it.
pub(crate) const TOP_LEVEL_KEYS: [&str; 12] = [
    "version",
    "simulation",
    "sites",
    "organization",
    "people",
    "engagement",
    "reliability",
    "dev_teams",
    "teams",
    "services",
    "growth",
    "sweep",
];

/// The supported scenario format version.
pub(crate) const VERSION: i64 = 1;
