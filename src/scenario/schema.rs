//! A JSON Schema (draft 2020-12) of scenario files, for editors that validate and
//! complete TOML against one (taplo, VS Code's "Even Better TOML").
//!
//! The schema is built from what the validator itself uses, so it cannot drift: the keys
//! of each table are read from the raw serde structs (`raw.rs`, through the field list
//! serde derives for them), numbers take their bounds, unit and source from
//! [`RANGES`], and words their choices from the validated types' `NAMES`. Only the
//! descriptions of the keys are written here. Rules between keys (shares that sum to 1,
//! a warm-up shorter than the horizon, references to sites and teams) stay with
//! `sresim validate`; the schema says so in the descriptions.
//!
//! ```
//! let schema = sresim::scenario::schema::scenario_schema();
//! assert_eq!(schema["properties"]["version"]["const"], 1);
//! ```

use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde_json::{json, Map, Value};

use super::config::{Disengage, Hiring, Onboarding, SplitAlong, LAUNCH_PRIMARY};
use super::names::NAME_RULE;
use super::organization::{Share, Structure};
use super::ranges::{self as r, KeyRange, MAX_NAME_CHARS, RANGES};
use super::raw::{
    RawBudgetPolicy, RawEngagement, RawExponential, RawFixed, RawHire, RawLoadProfile,
    RawLogNormal, RawMerge, RawPeople, RawPhases, RawReliability, RawService, RawSeverity,
    RawSimulation, RawSite, RawSplit, RawTeam, TOP_LEVEL_KEYS, VERSION,
};
use super::validate::growth_keys;

/// The JSON Schema dialect the schema is written in.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of a scenario file, as a JSON value.
pub fn scenario_schema() -> Value {
    let mut properties = Map::new();
    for key in TOP_LEVEL_KEYS {
        properties.insert(key.to_owned(), top_level(key));
    }
    json!({
        "$schema": DIALECT,
        "title": "sresim scenario",
        "description": "A scenario of sresim, the simulator of SRE team scaling (format version 1). \
            The schema checks keys, types, words and ranges; `sresim validate FILE` also checks \
            the rules between keys (references to sites and teams, shares that sum to 1, ...).",
        "type": "object",
        "additionalProperties": false,
        "required": ["version", "simulation", "sites", "services"],
        "properties": properties,
        "$defs": { "duration": duration() },
    })
}

/// [`scenario_schema`] as pretty-printed JSON text, ending with a newline.
pub fn scenario_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&scenario_schema())
        .unwrap_or_else(|e| unreachable!("a JSON value always serializes: {e}"));
    text.push('\n');
    text
}

// ---- the keys of a raw struct ------------------------------------------------------------

/// What the field probe stops with: the field names of a struct, or anything else.
#[derive(Debug)]
enum Probe {
    Fields(&'static [&'static str]),
    Other,
}

impl std::fmt::Display for Probe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("field probe")
    }
}

impl std::error::Error for Probe {}

impl de::Error for Probe {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Probe::Other
    }
}

/// A deserializer that only asks a derived struct for its field names.
struct FieldProbe;

impl<'de> Deserializer<'de> for FieldProbe {
    type Error = Probe;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Probe> {
        Err(Probe::Other)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Probe> {
        Err(Probe::Fields(fields))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// The keys of a raw struct, in declaration order: the field list serde derives for it
/// (every raw struct denies other keys, so this is exactly what the validator accepts).
pub(crate) fn fields<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    match T::deserialize(FieldProbe) {
        Err(Probe::Fields(f)) => f,
        _ => &[],
    }
}

// ---- nodes -------------------------------------------------------------------------------

/// A range as schema keywords and a sentence.
fn range_node(range: &KeyRange, about: &str) -> Value {
    let mut node = Map::new();
    let bound = |x: f64, up: bool| -> Value {
        if range.integer {
            if x >= i64::MAX as f64 {
                json!(i64::MAX)
            } else if up {
                json!(x.floor() as i64)
            } else {
                json!(x.ceil() as i64)
            }
        } else {
            json!(x)
        }
    };
    node.insert(
        "type".into(),
        json!(if range.integer { "integer" } else { "number" }),
    );
    let lo = if range.min_exclusive {
        "exclusiveMinimum"
    } else {
        "minimum"
    };
    let hi = if range.max_exclusive {
        "exclusiveMaximum"
    } else {
        "maximum"
    };
    node.insert(lo.into(), bound(range.min, false));
    node.insert(hi.into(), bound(range.max, true));
    node.insert("description".into(), json!(range_text(range, about)));
    if range.or_infinite {
        // TOML's `inf` has no JSON form; converters write it as the string "inf".
        json!({
            "description": range_text(range, about),
            "anyOf": [Value::Object(node), { "const": "inf", "description": "inf: without end" }],
        })
    } else {
        Value::Object(node)
    }
}

/// `about`, then the accepted values, the unit, any further rule and the source.
fn range_text(range: &KeyRange, about: &str) -> String {
    let mut s = String::from(about);
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str("Accepted: ");
    s.push_str(&range.expected());
    if range.integer {
        s.push_str(", an integer");
    }
    if !range.unit.is_empty() {
        s.push_str(&format!(" ({})", range.unit));
    }
    if !range.also.is_empty() {
        s.push_str("; ");
        s.push_str(range.also);
    }
    s.push_str(". Why: ");
    s.push_str(range.why);
    s.push('.');
    s
}

/// The range of `key` in [`RANGES`], if any.
fn range_of(key: &str) -> Option<&'static KeyRange> {
    RANGES.iter().find(|r| r.key == key)
}

/// A name (of a site, team, service, ...).
fn name(about: &str) -> Value {
    json!({
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_NAME_CHARS,
        "description": format!("{about} A name: {NAME_RULE}."),
    })
}

/// One word among `names`.
fn word(names: &[&str], about: &str) -> Value {
    json!({
        "type": "string",
        "enum": names,
        "description": format!("{about} One of: {}.", names.join(", ")),
    })
}

/// A table of `keys` (no others), each given by `node`.
fn table(keys: &[&str], required: &[&str], about: &str, node: &dyn Fn(&str) -> Value) -> Value {
    let mut properties = Map::new();
    for key in keys {
        properties.insert((*key).to_owned(), node(key));
    }
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": properties,
        "description": about,
    })
}

/// An array of tables, with its count range when it has one.
fn array(items: Value, count: Option<&KeyRange>, about: &str) -> Value {
    let mut node = json!({ "type": "array", "items": items, "description": about });
    if let Some(range) = count {
        node["minItems"] = json!(range.min.ceil() as u64);
        node["maxItems"] = json!(range.max.floor() as u64);
        node["description"] = json!(range_text(range, about));
    }
    node
}

/// A key whose whole schema is its range: `section.key` in [`RANGES`], described by
/// [`about`]. A key without a range gets a schema with a description and no type, which
/// the tests catch.
fn ranged(section: &str, key: &str) -> Value {
    let path = format!("{section}.{key}");
    match range_of(&path) {
        Some(range) => range_node(range, about(&path)),
        None => json!({ "description": about(&path) }),
    }
}

// ---- the scenario --------------------------------------------------------------------

fn top_level(key: &str) -> Value {
    match key {
        "version" => json!({
            "const": VERSION,
            "description": format!("The scenario format version; required, and only {VERSION} is accepted."),
        }),
        "simulation" => table(
            fields::<RawSimulation>(),
            &["horizon_weeks"],
            "[simulation]: how long, how often and with which seed the scenario runs. Required.",
            &|k| match k {
                "name" => name("The scenario's name (default: the file stem); names the output folder."),
                _ => ranged("simulation", k),
            },
        ),
        "sites" => array(
            table(
                fields::<RawSite>(),
                &["name", "utc_offset_hours"],
                "One [[sites]] entry: an office whose engineers share working hours.",
                &|k| match k {
                    "name" => name("The site's name, unique among sites."),
                    _ => ranged("sites", k),
                },
            ),
            Some(&r::SITES),
            "[[sites]]: the offices; at least one, names unique.",
        ),
        "teams" => array(
            team(
                "teams",
                &["name", "members"],
                "One [[teams]] entry: an SRE team and its on-call rotation.",
            ),
            Some(&r::TEAMS),
            "[[teams]]: the SRE teams (leave out with a derived [organization]); names unique.",
        ),
        "organization" => organization(),
        "people" => people(),
        "engagement" => engagement(),
        "reliability" => table(
            fields::<RawReliability>(),
            &[],
            "[reliability]: SRE project work that lowers page rates, and the drift that raises them.",
            &|k| ranged("reliability", k),
        ),
        "dev_teams" => array(
            team(
                "dev_teams",
                &["name", "products"],
                "One [[dev_teams]] entry: a developer team, with the products whose pagers it holds (a team's keys, with developer defaults).",
            ),
            Some(&r::TEAMS),
            "[[dev_teams]]: developer teams named explicitly (needs [engagement]); products without one get a team from [engagement.developers].",
        ),
        "services" => array(
            service(),
            Some(&r::SERVICES),
            "[[services]]: the services, each a block that `count` may stamp into copies; at least one.",
        ),
        "growth" => array(
            table(
                growth_keys(),
                &["template", "per_quarter"],
                "One [[growth]] entry: services launched during the run from a template block.",
                &|k| match k {
                    "template" => name("The [[services]] block whose first copy each launch copies."),
                    "prefix" => name("Launched services are named PREFIX-1, PREFIX-2, ... (default \"<template>-g\")."),
                    _ => ranged("growth", k),
                },
            ),
            None,
            "[[growth]]: services launched during the run, at a rate per quarter.",
        ),
        "sweep" => sweep(),
        _ => json!({ "description": "undocumented top-level key" }),
    }
}

/// A team table (`[[teams]]`, `[[dev_teams]]`, the templates of `[organization]` and
/// `[engagement.developers]`): the keys of a raw team, ranges under `teams.`.
fn team(context: &'static str, required: &[&str], about: &str) -> Value {
    let mut keys: Vec<&str> = fields::<RawTeam>().to_vec();
    let template = matches!(context, "organization" | "engagement.developers");
    if template {
        // A template takes no name: derived teams are named by the simulator.
        keys.retain(|k| *k != "name");
    }
    if context == "dev_teams" {
        keys.push("products");
    }
    let node = move |k: &str| match k {
        "name" => name("The team's name, unique among all teams."),
        "members" => members(),
        "products" => json!({
            "type": "array",
            "items": name("A product name."),
            "description": "The products (as in services.product) whose developers this team is.",
        }),
        "ack_business_hours" => duration_ref(
            "Time to acknowledge a page in the responder's working hours (default \"zero\").",
        ),
        "ack_off_hours" => {
            duration_ref("Time to acknowledge a page outside working hours (default \"zero\").")
        }
        _ => ranged("teams", k),
    };
    if template {
        // The organisation's other keys are added by the caller.
        let mut properties = Map::new();
        for k in &keys {
            properties.insert((*k).to_owned(), node(k));
        }
        return json!({ "properties": properties, "description": about });
    }
    table(&keys, required, about, &node)
}

/// `members = { london = 6 }`.
fn members() -> Value {
    let about = format!(
        "Head count at each site: site name -> engineers; sites must be [[sites]] names. \
         A team's head count is {}; all teams together {}.",
        r::TEAM_HEADCOUNT.expected(),
        r::ENGINEERS.expected()
    );
    json!({
        "type": "object",
        "minProperties": 1,
        "additionalProperties": range_node(&r::MEMBERS_PER_SITE, "Engineers of the team at this site."),
        "description": format!("{about} ({}; {})", range_text(&r::TEAM_HEADCOUNT, "Team head count."), range_text(&r::ENGINEERS, "Engineers in all teams.")),
    })
}

/// `[organization]`: the derived-team template and the re-organisation rules.
fn organization() -> Value {
    let template = team(
        "organization",
        &[],
        "[organization]: teams derived from the services (one team, a team per product or \
         per stack) from a team template, and the rules by which teams split and merge.",
    );
    let mut properties = template["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    properties.insert(
        "structure".into(),
        word(
            &Structure::NAMES,
            "How SRE teams are formed: explicit ([[teams]]), single (one team), by_product or by_stack (default explicit).",
        ),
    );
    properties.insert(
        "share".into(),
        word(
            &Share::NAMES,
            "How the template's head count is shared among derived teams (default proportional).",
        ),
    );
    properties.insert(
        "single_site_shift_hours".into(),
        range_node(
            &r::SINGLE_SITE_SHIFT_HOURS,
            "Shift length of a derived team at one site (default: the template's shift_hours); divides 168.",
        ),
    );
    properties.insert(
        "split_when".into(),
        table(
            fields::<RawSplit>(),
            &[],
            "[organization.split_when]: an SRE team splits in two past a size or load trigger.",
            &|k| match k {
                "along" => word(
                    &SplitAlong::NAMES,
                    "The line a team splits along: its services' stacks or products (default stack).",
                ),
                _ => ranged("organization.split_when", k),
            },
        ),
    );
    properties.insert(
        "merge_when".into(),
        table(
            fields::<RawMerge>(),
            &[],
            "[organization.merge_when]: two teams merge back after weeks below their minimum rotation.",
            &|k| ranged("organization.merge_when", k),
        ),
    );
    json!({
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
        "description": template["description"],
    })
}

/// `[people]`: attrition, ramp-up and hiring.
fn people() -> Value {
    table(
        fields::<RawPeople>(),
        &[],
        "[people]: attrition, ramp-up of new hires, hiring and fatigue.",
        &|k| {
            match k {
            "hiring" => word(
                &Hiring::NAMES,
                "How teams hire: none, load (a requisition when a team is over a limit for trigger_weeks) or plan (only [[people.plan]]); default none.",
            ),
            "plan" => array(
                table(
                    fields::<RawHire>(),
                    &["week", "team", "site"],
                    "One planned hire: count engineers join team at site in week.",
                    &|k| match k {
                        "team" => name("The team they join."),
                        "site" => name("The site they join at."),
                        _ => ranged("people.plan", k),
                    },
                ),
                None,
                "[[people.plan]]: planned hires (with hiring = \"plan\").",
            ),
            _ => ranged("people", k),
        }
        },
    )
}

/// `[engagement]`: developer teams and SRE's part in each lifecycle phase.
fn engagement() -> Value {
    table(
        fields::<RawEngagement>(),
        &[],
        "[engagement]: developer teams, design consultations, readiness reviews, onboarding and hand-backs.",
        &|k| match k {
            "frameworks" => json!({
                "type": "boolean",
                "description": "Whether the services are built on SRE frameworks: shorter readiness reviews (default false).",
            }),
            "onboarding" => word(
                &Onboarding::NAMES,
                "Which services that passed review the onboarding queue admits (default all).",
            ),
            "launch_primary" => word(
                &LAUNCH_PRIMARY,
                "Who is primary on call in limited availability (default developers).",
            ),
            "disengage" => word(
                &Disengage::NAMES,
                "When SRE hands a supported service's pager back to its developers (default lifecycle).",
            ),
            "budget_policy" => table(
                fields::<RawBudgetPolicy>(),
                &[],
                "[engagement.budget_policy]: what windows over error budget set off: named engineers, a push, a freeze.",
                &|k| ranged("engagement.budget_policy", k),
            ),
            "developers" => {
                let mut node = team(
                    "engagement.developers",
                    &[],
                    "[engagement.developers]: the template of each product's developer team (default: 6 developers at the product's site, week-long shifts, one responder).",
                );
                node["type"] = json!("object");
                node["additionalProperties"] = json!(false);
                node
            }
            _ => ranged("engagement", k),
        },
    )
}

/// One `[[services]]` block.
fn service() -> Value {
    table(
        fields::<RawService>(),
        &[
            "name",
            "product",
            "stack",
            "page_rate_per_week",
            "slo_target",
        ],
        "One [[services]] block: a service, its pages, tickets, SLO and lifecycle.",
        &|k| {
            match k {
            "name" => name("The service's name; with count > 1 the copies are NAME-1, NAME-2, ..."),
            "product" => name("The product the service belongs to (teams by product, developer teams)."),
            "stack" => name("The service's technology stack (teams by stack)."),
            "team" => name("The SRE team that supports it (a [[teams]] name); not with a derived [organization]."),
            "site" => name("The site the service's developers are at (default: the first site)."),
            "phase_weeks" => phases(&r::PHASE_WEEKS, "Weeks in each lifecycle phase (default 0, general_availability inf)."),
            "page_multiplier" => phases(&r::PAGE_MULTIPLIER, "Page-rate multiplier in each lifecycle phase (defaults 0, 0, 1.5, 1, 1.2, 1, 0 in lifecycle order)."),
            "load_profile" => table(
                fields::<RawLoadProfile>(),
                &[],
                "When pages come: multipliers in and out of business hours (both default 1, not both 0).",
                &|k| ranged("services.load_profile", k),
            ),
            "severities" => array(
                table(
                    fields::<RawSeverity>(),
                    &["name", "share", "impact_fraction", "time_to_mitigate"],
                    "One [[services.severities]] entry: a class of incidents.",
                    &|k| match k {
                        "name" => name("The severity's name, unique within the service."),
                        "time_to_mitigate" => duration_ref("Time from acknowledgement to mitigation."),
                        _ => ranged("services.severities", k),
                    },
                ),
                Some(&r::SEVERITIES),
                "[[services.severities]]: the service's incident classes; shares sum to 1.",
            ),
            _ => ranged("services", k),
        }
        },
    )
}

/// A per-phase table (`phase_weeks`, `page_multiplier`).
fn phases(range: &KeyRange, about: &str) -> Value {
    table(fields::<RawPhases>(), &[], about, &|phase| {
        range_node(range, &format!("{about} Phase {phase}."))
    })
}

/// The `$defs` entry of a duration.
fn duration() -> Value {
    let kind = |kind: &str, keys: &[&str], about: &str| {
        let inner = table(keys, keys, about, &|k| {
            let path = format!("<duration>.{kind}.{k}");
            match range_of(&path) {
                Some(range) => range_node(range, about),
                None => json!({ "description": about }),
            }
        });
        json!({
            "type": "object",
            "additionalProperties": false,
            "required": [kind],
            "properties": { kind: inner },
            "description": about,
        })
    };
    json!({
        "description": "A duration: \"zero\", { fixed = { hours = H } }, { exponential = { mean_hours = M } } or { lognormal = { median_hours = A, p90_hours = B } } (A < B).",
        "oneOf": [
            { "const": "zero", "description": "No time at all." },
            kind("fixed", fields::<RawFixed>(), "Always the same number of hours."),
            kind("exponential", fields::<RawExponential>(), "Exponentially distributed, by its mean in hours."),
            kind("lognormal", fields::<RawLogNormal>(), "Log-normally distributed, by its median and 90th percentile in hours (median < p90)."),
        ],
    })
}

/// A reference to the duration definition, with the key's own description.
fn duration_ref(about: &str) -> Value {
    json!({ "$ref": "#/$defs/duration", "description": about })
}

/// `[sweep]`: the sweep a file declares (read by `sresim sweep`).
fn sweep() -> Value {
    let axis = table(
        &["key", "values", "range", "label"],
        &["key"],
        "One [[sweep.axes]] entry: a key path and its values (values or range, not both), with an optional label.",
        &|k| match k {
            "key" => json!({
                "type": "string",
                "minLength": 1,
                "description": "The key path the axis sets, as for --set (e.g. services.catalog.count).",
            }),
            "values" => json!({
                "type": "array",
                "minItems": 1,
                "maxItems": r::AXIS_VALUES.max.floor() as u64,
                "description": range_text(&r::AXIS_VALUES, "The axis' values, each a TOML value for the key."),
            }),
            "range" => json!({
                "type": "string",
                "description": "The axis' values as start..end:step, end included (e.g. \"5..40:5\").",
            }),
            "label" => json!({
                "type": "string",
                "minLength": 1,
                "maxLength": 60,
                "description": "The axis' title on charts, tables and the report (e.g. \"services\"); without it, a title derived from the key.",
            }),
            _ => json!({ "description": "undocumented axis key" }),
        },
    );
    let mut node = table(
        &["sample", "axes"],
        &[],
        &range_text(
            &r::SWEEP_POINTS,
            "[sweep]: the sweep `sresim sweep FILE` runs: a full grid of the axes, or a Latin hypercube sample of it.",
        ),
        &|k| match k {
            "sample" => range_node(&r::SAMPLE, "Draw this many points by Latin hypercube (seeded) instead of the full grid."),
            _ => json!({ "description": "undocumented sweep key" }),
        },
    );
    node["properties"]["axes"] = array(
        axis,
        None,
        &range_text(
            &r::AXIS_VALUES,
            "[[sweep.axes]]: the axes; they combine as a full grid. Values of one axis:",
        ),
    );
    node
}

/// What each key means, by its path (`section.key`); ranges add their bounds.
fn about(path: &str) -> &'static str {
    match path {
        "simulation.horizon_weeks" => "Simulated weeks per replication. Required.",
        "simulation.warmup_weeks" => "Weeks at the start left out of every metric (default 0).",
        "simulation.replications" => "Independent runs, each with its own seed (default 10).",
        "simulation.seed" => "Base seed; every random stream derives from it (default 1).",
        "simulation.cost_per_engineer_year" => "Cost of one engineer-year, in any currency, for the cost metrics (default 0).",
        "sites.utc_offset_hours" => "The site's offset from UTC, in hours.",
        "teams.shift_hours" => "Length of one on-call shift (default 12).",
        "teams.handoff_utc_hour" => "UTC hour at which shifts hand off (default 0).",
        "teams.responders_per_shift" => "Engineers on call in each shift: primary, secondary, ... (default 2).",
        "teams.pager_budget_per_shift" => "Pages per shift the team considers acceptable (default 2).",
        "teams.hours_per_week" => "Working hours of an engineer per week (default 40).",
        "teams.followup_hours_per_incident" => "Follow-up work (postmortem, fixes) per incident (default 0).",
        "teams.interrupt_overhead_hours" => "Time lost to the interruption of each page (default 0).",
        "teams.on_call_from_week" => "Week from which the members join the rotation (default 0).",
        "teams.unfamiliar_ttm_factor" => "Time-to-mitigate factor of a responder unfamiliar with the service.",
        "teams.context_switch_hours" => "Hours per engineer-week lost to switching between stacks.",
        "teams.coordination_hours" => "Hours per engineer-week spent coordinating within the team.",
        "teams.cross_team_hours" => "Hours per engineer-week spent with each other team.",
        "teams.min_rotation_single_site" => "Smallest healthy rotation at one site (the SRE book says 8).",
        "teams.min_rotation_per_site" => "Smallest healthy rotation per site with two or more sites (the SRE book says 6).",
        "organization.split_when.services_over" => "A team carrying more services than this splits (0: never on size).",
        "organization.split_when.ops_cap_weeks" => "A team over the 50% ops cap this many weeks in a row splits (0: never on load).",
        "organization.merge_when.understaffed_weeks" => "Weeks below the minimum rotation before two teams merge (default 4).",
        "people.attrition_per_year" => "Share of engineers who leave per year (default 0).",
        "people.attrition_multiplier_bad" => "Attrition factor while a team is over a limit.",
        "people.attrition_multiplier_burnout" => "Attrition factor while a team is far over its limits.",
        "people.ramp_up_weeks_min" => "Shortest time before a new hire joins the rotation.",
        "people.ramp_up_weeks_max" => "Longest time before a new hire joins the rotation.",
        "people.trigger_weeks" => "With hiring = \"load\": weeks in a row over a limit before a requisition opens.",
        "people.lead_time_weeks_min" => "Shortest time to fill a requisition.",
        "people.lead_time_weeks_max" => "Longest time to fill a requisition.",
        "people.headcount_ceiling" => "Head count above which a team does not hire.",
        "people.fatigue_per_ops_load" => "Loss of productivity per unit of ops load (default 0).",
        "people.plan.week" => "The week they start (their ramp-up begins then).",
        "people.plan.count" => "How many engineers (default 1).",
        "engagement.review_weeks" => "Weeks between service reviews, where the onboarding queue is worked (default 13).",
        "engagement.consultation_hours" => "SRE hours of one design consultation (default 6).",
        "engagement.prr_sres" => "SREs on one production readiness review (default 2.5, 1 with frameworks).",
        "engagement.prr_weeks" => "Weeks a readiness review takes (default 32.5, 13 with frameworks).",
        "engagement.prr_hours_per_sre_week" => "Hours each reviewing SRE spends on it per week (default 20).",
        "engagement.prr_pass_probability" => "Chance that a review passes (default 0.8).",
        "engagement.prr_page_rate_factor" => "Page-rate factor the findings of a passed review leave (default 0.7).",
        "engagement.prr_retry_weeks" => "Weeks before a failed review is tried again, 0: never (default 13).",
        "engagement.onboarding_max_tier" => "With onboarding = \"tier\": the least critical tier admitted (default 2).",
        "engagement.dev_share" => "Share of a supported service's incidents its developers keep (default 0.1).",
        "engagement.cleanup_hours" => "SRE hours to remove a supported service that becomes unsupported (default 40).",
        "engagement.dev_mitigation_factor" => "Time-to-mitigate factor of a developer responder (default 1.5).",
        "engagement.handback_windows" => "error_budget: SLO windows over budget in a row before a hand-back (default 2).",
        "engagement.takeback_weeks" => "error_budget: weeks in SLO before a take-back (default 13).",
        "engagement.overload_weeks" => "ops_overload: weeks over the ops cap in a row before a hand-back (default 4).",
        "engagement.empower_hours_per_week" => "empower_then_exit: SRE hours a week on each product's developers (default 20).",
        "engagement.empower_weeks" => "empower_then_exit: weeks of it before SRE leaves (default 52).",
        "engagement.empowered_dev_factor" => "empower_then_exit: the developers' mitigation factor at the end (default 1).",
        "engagement.empower_page_rate_factor" => "empower_then_exit: page-rate factor it leaves (default 0.8).",
        "engagement.budget_policy.change_share" => "Share of the page rate that comes from changes, which a freeze stops.",
        "engagement.budget_policy.named_engineer_hours" => "Developer hours a week after one window over budget.",
        "engagement.budget_policy.push_hours" => "Developer hours a week after two windows over budget in a row.",
        "engagement.budget_policy.freeze_weeks" => "Weeks of release freeze after three windows over budget in a row.",
        "reliability.project_share" => "Share of SRE project time spent on reliability work (default 0.5).",
        "reliability.cut_per_100h" => "Share of the gap to the floor closed per 100 hours of it (default 0.3).",
        "reliability.floor" => "Lowest page-rate factor reliability work reaches (default 0.5).",
        "reliability.drift_per_week" => "Share of the gap to the ceiling the page rate drifts per week without it (default 0.005).",
        "reliability.ceiling" => "Highest page-rate factor drift reaches (default 2).",
        "services.tier" => "Criticality, 1 most critical (default 2).",
        "services.count" => "Copies of this block, named NAME-1, NAME-2, ... when more than 1 (default 1).",
        "services.launch_week" => "Week the service enters its lifecycle (default 0).",
        "services.page_rate_per_week" => "Pages per week in general availability. Required.",
        "services.tickets_per_week" => "Tickets per week (default 0).",
        "services.hours_per_ticket" => "Hours of work per ticket (default 0).",
        "services.slo_target" => "Availability target, e.g. 0.999. Required.",
        "services.slo_window_weeks" => "Window the SLO is measured over (default 4).",
        "services.load_profile.business_hours_multiplier" => "Page-rate multiplier in business hours (default 1).",
        "services.load_profile.off_hours_multiplier" => "Page-rate multiplier outside business hours (default 1).",
        "services.severities.share" => "Share of the service's incidents of this severity.",
        "services.severities.impact_fraction" => "Fraction of users an incident affects.",
        "growth.per_quarter" => "Launches per 13 weeks, may be fractional.",
        "growth.start_week" => "Start of the first quarter (default 0).",
        "growth.end_week" => "No launch at or after this week (default: the horizon).",
        "growth.jitter_weeks" => "Each launch falls in [quarter start, + jitter_weeks) (default 0).",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every node under `v` without a type (or a way to get one) or without a
    /// description: a key the schema does not know how to type or explain.
    fn untyped(v: &Value, at: &str, out: &mut Vec<String>) {
        let Some(obj) = v.as_object() else {
            return;
        };
        let typed = ["type", "const", "enum", "$ref", "anyOf", "oneOf"]
            .iter()
            .any(|k| obj.contains_key(*k));
        let described = obj
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| !d.is_empty());
        let complete = typed && described;
        if !at.is_empty() && !complete {
            out.push(at.to_owned());
        }
        if let Some(props) = obj.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                untyped(p, &format!("{at}.{k}"), out);
            }
        }
        for k in ["items", "additionalProperties"] {
            if let Some(p) = obj.get(k).filter(|p| p.is_object()) {
                untyped(p, &format!("{at}[{k}]"), out);
            }
        }
        for k in ["anyOf", "oneOf"] {
            for (i, p) in obj
                .get(k)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                untyped(p, &format!("{at}{{{k}{i}}}"), out);
            }
        }
    }

    #[test]
    fn the_field_probe_lists_a_raw_structs_keys() {
        assert_eq!(fields::<RawSite>(), ["name", "utc_offset_hours"]);
        assert!(fields::<RawTeam>().contains(&"min_rotation_per_site"));
    }

    #[test]
    fn every_key_is_typed_and_described() {
        let schema = scenario_schema();
        let mut missing = Vec::new();
        for (k, v) in schema["properties"].as_object().into_iter().flatten() {
            untyped(v, k, &mut missing);
        }
        untyped(&schema["$defs"]["duration"], "<duration>", &mut missing);
        assert!(missing.is_empty(), "untyped or undescribed: {missing:?}");
    }
}
