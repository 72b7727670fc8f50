//! Raw TOML table → validated [`ScenarioConfig`], collecting every problem.
//!
//! The document is deserialized section by section and entry by entry; when an entry has
//! a bad key, the key is reported, dropped, and the entry deserialized again, so one
//! mistake never hides the next. What did deserialize is then checked for ranges and
//! cross-references. A configuration is returned only when nothing at all is wrong.

mod growth;

pub(crate) use growth::raw_keys as growth_keys;

use std::collections::{HashMap, HashSet};

use serde::de::DeserializeOwned;

use super::config::{
    BudgetPolicy, Disengage, Duration, EngagementConfig, Hiring, MergeRule, Onboarding,
    PeopleConfig, PerPhase, Phase, PlannedHire, ReliabilityConfig, ReorgConfig, ScenarioConfig,
    ServiceConfig, Severity, SimulationConfig, Site, SplitAlong, SplitRule, TeamConfig,
    LAUNCH_PRIMARY,
};
use super::names;
use super::organization::{self, Organization, Share, Structure};
use super::path::{self, KeyPath, Seg};
use super::ranges::{self as r, KeyRange};
use super::raw::{
    Int, RawBudgetPolicy, RawEngagement, RawExponential, RawFixed, RawLoadProfile, RawLogNormal,
    RawMerge, RawPeople, RawPhases, RawReliability, RawService, RawSeverity, RawSimulation,
    RawSite, RawSplit, RawTeam, F64, TOP_LEVEL_KEYS, VERSION,
};
use super::show::{escaped, number};
use super::suggest;
use crate::engine::calendar::HOURS_PER_WEEK;

/// A problem before it is rendered: where (as a path) and what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RawProblem {
    /// Where the problem is, from the document root.
    pub path: KeyPath,
    /// What is wrong.
    pub message: String,
    /// The override text, when the problem is about applying an override itself.
    pub set_by: Option<String>,
    /// Index of that override among those applied (set where they are applied).
    pub by: Option<usize>,
}

/// The option a [`Problem::set_by`](super::Problem::set_by) comes from when nothing says
/// otherwise.
pub(crate) const SET: &str = "--set";

/// Default replications when `[simulation]` has none.
pub(crate) const DEFAULT_REPLICATIONS: u32 = 10;
/// Default seed when `[simulation]` has none.
pub(crate) const DEFAULT_SEED: u64 = 1;
/// Tolerance on the sum of severity shares.
pub(crate) const SHARE_SUM_TOLERANCE: f64 = 1e-6;
/// Default `phase_weeks`: everything zero except general availability, which lasts forever.
pub(crate) const DEFAULT_PHASE_WEEKS: PerPhase<f64> =
    PerPhase([0.0, 0.0, 0.0, f64::INFINITY, 0.0, 0.0, 0.0]);
/// Default `page_multiplier` per phase, in `Phase::ALL` order.
pub(crate) const DEFAULT_PAGE_MULTIPLIER: PerPhase<f64> =
    PerPhase([0.0, 0.0, 1.5, 1.0, 1.2, 1.0, 0.0]);

/// Bound on re-deserializing one entry after dropping a bad key.
const MAX_ATTEMPTS: usize = 64;
const DURATION_KINDS: [&str; 4] = ["zero", "fixed", "exponential", "lognormal"];
const DURATION_HINT: &str = "\"zero\", { fixed = { hours = H } }, { exponential = { mean_hours = M } } or { lognormal = { median_hours = A, p90_hours = B } }";

/// Validate a scenario table. `default_name` names the scenario when `[simulation]` has
/// no `name`; `key_order` gives the document order of a table's keys (for `members`).
pub(crate) fn validate(
    root: &toml::Table,
    default_name: &str,
    key_order: &dyn Fn(&[Seg]) -> Vec<String>,
) -> Result<ScenarioConfig, Vec<RawProblem>> {
    let mut v = Validator {
        problems: Vec::new(),
        dropped: Vec::new(),
        key_order,
    };
    for k in root.keys() {
        if !TOP_LEVEL_KEYS.contains(&k.as_str()) {
            let message = unknown_key_message(k, &TOP_LEVEL_KEYS);
            v.problem(vec![Seg::Key(k.clone())], message);
        }
    }
    v.version(root.get("version"));
    let simulation = v.simulation(root.get("simulation"), default_name);
    let site_names = raw_names(root.get("sites"));
    let team_names = raw_names(root.get("teams"));
    let sites = v.sites(root.get("sites"));
    // `None`: the organisation could not be read; `Some(None)`: explicit teams.
    let (organization, reorg) = v.organization(root.get("organization"), &site_names);
    let derived = matches!(organization, Some(Some(_)));
    let teams = if derived {
        Some(Vec::new())
    } else {
        v.teams(root.get("teams"), &site_names)
    };
    if let Some(teams) = &teams {
        // Each team has at least one engineer already; only the total's upper bound is
        // left to check.
        let engineers: u64 = teams.iter().map(|t| u64::from(t.headcount())).sum();
        if let Some(message) = r::ENGINEERS
            .check_int("engineers in all teams", i128::from(engineers))
            .filter(|_| engineers > 0)
        {
            v.problem(vec![Seg::Key("teams".to_owned())], message);
        }
    }
    let services = v.services(
        root.get("services"),
        &site_names,
        (!derived).then_some(team_names.as_slice()),
    );
    // Launched services join before the organisation is derived, so that derived
    // teams carry them too.
    let growth = v.growth(root.get("growth"), &raw_names(root.get("services")));
    let services = match (services, growth, &simulation) {
        (services, Some(rules), _) if rules.is_empty() => services,
        (Some(services), Some(rules), Some((_, sim)))
            if r::HORIZON_WEEKS.contains(sim.horizon_weeks) =>
        {
            v.grow(services, &rules, sim)
        }
        _ => None,
    };
    let people = v.people(root.get("people"), &site_names);
    let reliability = v.reliability(root.get("reliability"));
    let (teams, services) = match (organization, teams, services) {
        // Derive only from values that all passed their checks.
        (Some(Some(org)), Some(_), Some(mut services)) if v.problems.is_empty() => {
            match organization::derive(&org, &mut services, sites.as_deref().unwrap_or(&[])) {
                Ok(teams) => (Some(teams), Some(services)),
                Err(message) => {
                    v.problem(
                        vec![
                            Seg::Key("organization".to_owned()),
                            Seg::Key("members".to_owned()),
                        ],
                        message,
                    );
                    (None, None)
                }
            }
        }
        (Some(Some(_)), _, _) => (None, None),
        (Some(None), teams, services) => (teams, services),
        (None, _, _) => (None, None),
    };
    // Developer teams: one per product unless `[[dev_teams]]` says otherwise; they need
    // the services' products and sites, and the SRE teams' names.
    let engagement = match (&teams, &services) {
        (Some(teams), Some(services)) => v.engagement(
            root.get("engagement"),
            root.get("dev_teams"),
            &site_names,
            services,
            teams,
        ),
        _ => None,
    };
    // Planned hires name a team: known only now that derived teams exist.
    let people = match (people, &teams) {
        (Some(Some((mut pc, hires))), Some(teams)) => {
            let names: Vec<Option<String>> = teams.iter().map(|t| Some(t.name.clone())).collect();
            for (p, week, team, site, count) in hires {
                let tp = path::key(&p, "team");
                let Some(ti) = v.reference(tp.clone(), "team", &team, &names) else {
                    continue;
                };
                let staffed = teams[ti].members.iter().any(|&(s, n)| s == site && n > 0);
                if v.check(&path::key(&p, "site"), staffed, || {
                    format!(
                        "team {} has no engineers at this site: a hire joins a rotation the team already runs there",
                        escaped(&team)
                    )
                }) {
                    pc.plan.push(PlannedHire {
                        week,
                        team: ti,
                        site,
                        count,
                    });
                }
            }
            Some(Some(pc))
        }
        (Some(Some(_)), None) => None,
        (other, _) => other.map(|_| None),
    };

    match (
        simulation,
        sites,
        teams,
        services,
        people,
        engagement,
        reliability,
    ) {
        (
            Some((name, simulation)),
            Some(sites),
            Some(teams),
            Some(services),
            Some(people),
            Some(engagement),
            Some(reliability),
        ) if v.problems.is_empty() => Ok(ScenarioConfig {
            name,
            simulation,
            sites,
            teams,
            services,
            people,
            reorg,
            engagement,
            reliability,
        }),
        _ => {
            if v.problems.is_empty() {
                // Every `None` above comes with a problem; this is a guard, not a path.
                v.problem(Vec::new(), "scenario is incomplete".to_owned());
            }
            Err(v.problems)
        }
    }
}

/// The developers' own defaults, under the keys a developer team leaves out: one
/// developer on call for a week at a time, and no minimum rotation (the book's minimum is
/// for SRE rotations): assumptions.
fn developer_defaults(table: &mut toml::Table) {
    for (k, v) in [
        ("shift_hours", 168),
        ("responders_per_shift", 1),
        ("min_rotation_single_site", 1),
        ("min_rotation_per_site", 1),
    ] {
        table.entry(k.to_owned()).or_insert(toml::Value::Integer(v));
    }
}

/// The developer teams, and each product with the index of its team.
type DevTeams = (Vec<TeamConfig>, Vec<(String, usize)>);

/// Developers per product team when `[engagement.developers]` gives no `members`
/// (assumption).
const DEV_TEAM_SIZE: i64 = 6;

/// The `name` of each entry of an array of tables, as written (for cross-references that
/// should work even when the entry has other problems).
fn raw_names(value: Option<&toml::Value>) -> Vec<Option<String>> {
    value
        .and_then(|v| v.as_array())
        .map(|entries| {
            entries
                .iter()
                .map(|e| e.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The distinct names, comma-separated, for "known: …" lists.
fn known_list(names: &[Option<String>]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for n in names.iter().flatten() {
        if !seen.contains(&n.as_str()) {
            seen.push(n);
        }
    }
    if seen.is_empty() {
        "(none)".to_owned()
    } else {
        seen.join(", ")
    }
}

/// "unknown key `x`; did you mean `y`?" or "unknown key `x`; expected one of: …".
pub(crate) fn unknown_key_message(key: &str, known: &[&str]) -> String {
    match suggest::closest(key, known) {
        Some(s) => format!("unknown key `{key}`; did you mean `{s}`?"),
        None if known.is_empty() => format!("unknown key `{key}`; this table takes no keys"),
        None => format!("unknown key `{key}`; expected one of: {}", known.join(", ")),
    }
}

/// A reference to an unknown name, with a suggestion when one is close.
fn unknown_name_message(kind: &str, name: &str, known: &[Option<String>]) -> String {
    let candidates: Vec<&str> = known.iter().flatten().map(String::as_str).collect();
    let hint = suggest::closest(name, &candidates)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!(
        "unknown {kind} '{}'{hint}; known {kind}s: {}",
        escaped(name),
        known_list(known)
    )
}

/// A TOML value as a phrase: `the string "x"`, `the integer 3`, `a table`, …
pub(crate) fn describe_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(i) => format!("the integer {i}"),
        toml::Value::Float(f) => format!("the float {}", number(*f)),
        toml::Value::Boolean(b) => format!("the boolean {b}"),
        toml::Value::Datetime(d) => format!("the date-time {d}"),
        toml::Value::Array(_) => "an array".to_owned(),
        toml::Value::Table(_) => "a table".to_owned(),
    }
}

/// The value at `rel` below `value`, if there is one.
fn value_at<'a>(value: &'a toml::Value, rel: &[Seg]) -> Option<&'a toml::Value> {
    rel.iter().try_fold(value, |cur, seg| match seg {
        Seg::Key(k) => cur.as_table().and_then(|t| t.get(k)),
        Seg::Index(i) => cur.as_array().and_then(|a| a.get(*i)),
    })
}

/// Remove the value at `rel` below `value`; false if there is nothing removable there.
fn remove_at(value: &mut toml::Value, rel: &[Seg]) -> bool {
    let Some((last, parent)) = rel.split_last() else {
        return false;
    };
    let mut cur = value;
    for seg in parent {
        let next = match seg {
            Seg::Key(k) => cur.as_table_mut().and_then(|t| t.get_mut(k)),
            Seg::Index(i) => cur.as_array_mut().and_then(|a| a.get_mut(*i)),
        };
        match next {
            Some(n) => cur = n,
            None => return false,
        }
    }
    match last {
        Seg::Key(k) => cur
            .as_table_mut()
            .is_some_and(|t| t.remove(k.as_str()).is_some()),
        Seg::Index(_) => false,
    }
}

/// Turn serde's message about `value` (at `rel` below the entry) into ours; returns an
/// extra path segment when the message names a key that is not in the path yet.
fn describe_error(message: &str, value: &toml::Value, rel: &[Seg]) -> (Option<String>, String) {
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let names = suggest::backticked(message);
        let key = rest.split('`').next().unwrap_or_default().to_owned();
        let known: Vec<&str> = names.iter().skip(1).copied().collect();
        let text = unknown_key_message(&key, &known);
        return (Some(key), text);
    }
    if let Some(field) = message.strip_prefix("missing field `") {
        let key = field.split('`').next().unwrap_or_default().to_owned();
        let text = format!("missing required key `{key}`");
        return (Some(key), text);
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some(at) = rest.rfind(", expected ") {
                let expected = match &rest[at + ", expected ".len()..] {
                    "a map" => "a table",
                    "a sequence" => "an array",
                    other => other,
                };
                let got = value_at(value, rel)
                    .map(describe_value)
                    .unwrap_or_else(|| rest[..at].to_owned());
                return (None, format!("expected {expected}, got {got}"));
            }
        }
    }
    (None, message.to_owned())
}

/// The last key of a path, for messages that name the field.
fn field_name(path: &[Seg]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .unwrap_or("value")
}

/// A planned hire before its team is known (derived teams exist only later): its
/// path, week, team name as written, site index and count.
type PlanDraft = (KeyPath, f64, String, usize, u32);

struct Validator<'a> {
    problems: Vec<RawProblem>,
    /// Keys dropped after a type error, so they are not also reported as missing.
    dropped: Vec<KeyPath>,
    key_order: &'a dyn Fn(&[Seg]) -> Vec<String>,
}

impl Validator<'_> {
    fn problem(&mut self, path: KeyPath, message: String) {
        self.problems.push(RawProblem {
            path,
            message,
            set_by: None,
            by: None,
        });
    }

    /// Deserialize `value` as `T`, reporting and dropping bad keys until it succeeds (or
    /// the problem cannot be dropped, e.g. the value is not a table at all).
    fn lenient<T: DeserializeOwned>(&mut self, value: &toml::Value, base: &[Seg]) -> Option<T> {
        let mut value = value.clone();
        for _ in 0..MAX_ATTEMPTS {
            let err = match serde_path_to_error::deserialize::<_, T>(value.clone()) {
                Ok(t) => return Some(t),
                Err(err) => err,
            };
            let mut rel: KeyPath = err
                .path()
                .iter()
                .filter_map(|s| match s {
                    serde_path_to_error::Segment::Seq { index } => Some(Seg::Index(*index)),
                    serde_path_to_error::Segment::Map { key } => Some(Seg::Key(key.clone())),
                    serde_path_to_error::Segment::Enum { variant } => {
                        Some(Seg::Key(variant.clone()))
                    }
                    serde_path_to_error::Segment::Unknown => None,
                })
                .collect();
            let (extra, message) = describe_error(err.inner().message(), &value, &rel);
            // serde_path_to_error already has the key for unknown fields, not for
            // missing ones; add it only where it is not there yet.
            if let Some(k) = extra {
                if rel.last() != Some(&Seg::Key(k.clone())) {
                    rel.push(Seg::Key(k));
                }
            }
            let mut full = base.to_vec();
            full.extend(rel.iter().cloned());
            self.problem(full.clone(), message);
            if !remove_at(&mut value, &rel) {
                return None;
            }
            self.dropped.push(full);
        }
        None
    }

    /// `Some(v)` as is; `None` reported as a missing required key (unless the key was
    /// dropped after a type error, which is reported already).
    fn required<T>(&mut self, path: KeyPath, v: Option<T>) -> Option<T> {
        if v.is_none() && !self.dropped.contains(&path) {
            let message = format!("missing required key `{}`", field_name(&path));
            self.problem(path, message);
        }
        v
    }

    /// A required name that follows the name rule ([`names::check`]).
    fn name(&mut self, base: &[Seg], v: Option<String>) -> Option<String> {
        self.text(base, "name", v)
    }

    /// A required string field that follows the name rule ([`names::check`]).
    fn text(&mut self, base: &[Seg], k: &str, v: Option<String>) -> Option<String> {
        let p = path::key(base, k);
        let s = self.required(p.clone(), v)?;
        if let Some(message) = names::check(k, &s) {
            self.problem(p, message);
            return None;
        }
        Some(s)
    }

    /// The index of the entry called `name` among `known` (the names as written); an
    /// unknown name is reported, unless there are no entries or some entry has no usable
    /// name: both are reported already, and the reference may well be right.
    fn reference(
        &mut self,
        p: KeyPath,
        kind: &str,
        name: &str,
        known: &[Option<String>],
    ) -> Option<usize> {
        let found = known.iter().position(|n| n.as_deref() == Some(name));
        if found.is_none() && !known.is_empty() && known.iter().all(Option::is_some) {
            self.problem(p, unknown_name_message(kind, name, known));
        }
        found
    }

    /// Report `message` at `path` unless `ok`; returns `ok`.
    fn check(&mut self, path: &[Seg], ok: bool, message: impl FnOnce() -> String) -> bool {
        if !ok {
            self.problem(path.to_vec(), message());
        }
        ok
    }

    /// Report `x` at `path` unless `range` accepts it; returns whether it does.
    fn in_range(&mut self, path: &[Seg], range: &KeyRange, x: f64) -> bool {
        let name = field_name(path).to_owned();
        match range.check(&name, x) {
            Some(message) => {
                self.problem(path.to_vec(), message);
                false
            }
            None => true,
        }
    }

    /// Optional number with a default, checked against `range`; returns the value even
    /// when the check fails (the problem is recorded).
    fn number(
        &mut self,
        base: &[Seg],
        k: &str,
        v: Option<F64>,
        default: Option<f64>,
        range: &KeyRange,
    ) -> Option<f64> {
        let p = path::key(base, k);
        let x = match (v, default) {
            (Some(F64(x)), _) => x,
            (None, Some(d)) => return Some(d),
            (None, None) => {
                self.required(p, None::<f64>);
                return None;
            }
        };
        self.in_range(&p, range, x);
        Some(x)
    }

    /// An optional word among `names` (parsed by `parse`), `default` when absent; `None`
    /// (with the problem recorded) for any other word.
    fn choice<T>(
        &mut self,
        base: &[Seg],
        k: &str,
        v: Option<&str>,
        default: T,
        names: &[&str],
        parse: fn(&str) -> Option<T>,
    ) -> Option<T> {
        let Some(word) = v else {
            return Some(default);
        };
        let parsed = parse(word);
        if parsed.is_none() {
            self.problem(
                path::key(base, k),
                format!(
                    "expected one of {}; got {}",
                    names.join(", "),
                    escaped(word)
                ),
            );
        }
        parsed
    }

    /// Optional integer with a default, checked against `range`; `None` (with the
    /// problem recorded) when out of range.
    fn count(
        &mut self,
        base: &[Seg],
        k: &str,
        v: Option<Int>,
        default: u32,
        range: &KeyRange,
    ) -> Option<u32> {
        let Some(Int(n)) = v else {
            return Some(default);
        };
        let p = path::key(base, k);
        if let Some(message) = range.check_int(k, i128::from(n)) {
            self.problem(p, message);
            return None;
        }
        u32::try_from(n).ok()
    }

    fn version(&mut self, v: Option<&toml::Value>) {
        let p = vec![Seg::Key("version".to_owned())];
        match v {
            None => self.problem(
                p,
                format!("missing required key `version`; add `version = {VERSION}` at the top"),
            ),
            Some(toml::Value::Integer(VERSION)) => {}
            Some(toml::Value::Integer(n)) => self.problem(
                p,
                format!("unsupported scenario version {n}; this sresim reads version {VERSION}"),
            ),
            Some(other) => self.problem(
                p,
                format!("expected an integer, got {}", describe_value(other)),
            ),
        }
    }

    fn simulation(
        &mut self,
        v: Option<&toml::Value>,
        default_name: &str,
    ) -> Option<(String, SimulationConfig)> {
        let base = vec![Seg::Key("simulation".to_owned())];
        let Some(v) = v else {
            self.problem(base, "missing required table [simulation]".to_owned());
            return None;
        };
        let raw: RawSimulation = self.lenient(v, &base)?;
        let name = match raw.name {
            Some(n) => self.name(&base, Some(n)),
            None => Some(names::from_stem(default_name)),
        };
        let horizon = self.number(
            &base,
            "horizon_weeks",
            raw.horizon_weeks,
            None,
            &r::HORIZON_WEEKS,
        );
        let warmup = self.number(
            &base,
            "warmup_weeks",
            raw.warmup_weeks,
            Some(0.0),
            &r::WARMUP_WEEKS,
        );
        if let (Some(h), Some(w)) = (horizon, warmup) {
            if r::HORIZON_WEEKS.contains(h) && r::WARMUP_WEEKS.contains(w) {
                self.check(&path::key(&base, "warmup_weeks"), w < h, || {
                    format!(
                        "warmup_weeks must be less than horizon_weeks ({}); got {}",
                        number(h),
                        number(w)
                    )
                });
            }
        }
        let replications = self.count(
            &base,
            "replications",
            raw.replications,
            DEFAULT_REPLICATIONS,
            &r::REPLICATIONS,
        );
        let seed = match raw.seed {
            None => Some(DEFAULT_SEED),
            Some(Int(n)) => match r::SEED.check_int("seed", i128::from(n)) {
                Some(message) => {
                    self.problem(path::key(&base, "seed"), message);
                    None
                }
                None => u64::try_from(n).ok(),
            },
        };
        let cost = self.number(
            &base,
            "cost_per_engineer_year",
            raw.cost_per_engineer_year,
            Some(0.0),
            &r::COST_PER_ENGINEER_YEAR,
        );
        Some((
            name?,
            SimulationConfig {
                horizon_weeks: horizon?,
                warmup_weeks: warmup?,
                replications: replications?,
                seed: seed?,
                cost_per_engineer_year: cost?,
            },
        ))
    }

    /// The entries of a required, non-empty array of tables, each with its path.
    fn entries<'v>(
        &mut self,
        v: Option<&'v toml::Value>,
        base: &[Seg],
        header: &str,
        range: &KeyRange,
    ) -> Option<Vec<(KeyPath, &'v toml::Value)>> {
        let entries = match v {
            None => None,
            Some(toml::Value::Array(a)) if a.is_empty() => None,
            Some(toml::Value::Array(a)) => Some(a),
            Some(other) => {
                self.problem(
                    base.to_vec(),
                    format!(
                        "expected an array of tables ([[{header}]]), got {}",
                        describe_value(other)
                    ),
                );
                return None;
            }
        };
        let Some(entries) = entries else {
            self.problem(
                base.to_vec(),
                format!("at least one [[{header}]] entry is required"),
            );
            return None;
        };
        if let Some(message) = range.check_int(
            &format!("the number of [[{header}]] entries"),
            entries.len() as i128,
        ) {
            self.problem(base.to_vec(), message);
            return None;
        }
        Some(
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (path::index(base, i), e))
                .collect(),
        )
    }

    /// Report the second and later uses of each name at that entry's `name` key.
    fn unique_names(&mut self, kind: &str, names: &[(KeyPath, Option<String>)]) {
        let mut seen: HashSet<&str> = HashSet::new();
        for (p, name) in names {
            if let Some(n) = name {
                if !seen.insert(n) {
                    self.problem(
                        path::key(p, "name"),
                        format!("duplicate {kind} name '{n}'; {kind} names must be unique"),
                    );
                }
            }
        }
    }

    fn sites(&mut self, v: Option<&toml::Value>) -> Option<Vec<Site>> {
        let base = vec![Seg::Key("sites".to_owned())];
        let entries = self.entries(v, &base, "sites", &r::SITES)?;
        let mut sites = Vec::new();
        let mut names = Vec::new();
        let mut complete = true;
        for (p, e) in entries {
            let Some(raw) = self.lenient::<RawSite>(e, &p) else {
                complete = false;
                continue;
            };
            let name = self.name(&p, raw.name);
            names.push((p.clone(), name.clone()));
            let offset = self.number(
                &p,
                "utc_offset_hours",
                raw.utc_offset_hours,
                None,
                &r::UTC_OFFSET_HOURS,
            );
            match (name, offset) {
                (Some(name), Some(utc_offset_hours)) => sites.push(Site {
                    name,
                    utc_offset_hours,
                }),
                _ => complete = false,
            }
        }
        self.unique_names("site", &names);
        complete.then_some(sites)
    }

    /// `[organization]`: `Some(None)` for explicit teams (no table, or `structure =
    /// "explicit"`), `Some(Some(org))` for a derived organisation, `None` when it has
    /// problems (reported); beside it, when teams split or merge during a run.
    fn organization(
        &mut self,
        v: Option<&toml::Value>,
        site_names: &[Option<String>],
    ) -> (Option<Option<Organization>>, ReorgConfig) {
        let base = vec![Seg::Key("organization".to_owned())];
        let Some(v) = v else {
            return (Some(None), ReorgConfig::default());
        };
        let Some(table) = v.as_table() else {
            self.problem(base, format!("expected a table, got {}", describe_value(v)));
            return (None, ReorgConfig::default());
        };
        let mut rest = table.clone();
        let reorg = ReorgConfig {
            split: rest
                .remove("split_when")
                .and_then(|v| self.split_rule(&v, &base)),
            merge: rest
                .remove("merge_when")
                .and_then(|v| self.merge_rule(&v, &base)),
        };
        (self.derived_organization(rest, &base, site_names), reorg)
    }

    /// `organization.split_when`; `None` when it has problems (reported).
    fn split_rule(&mut self, v: &toml::Value, org: &[Seg]) -> Option<SplitRule> {
        let base = path::key(org, "split_when");
        let raw: RawSplit = self.lenient(v, &base)?;
        let services_over = self.count(
            &base,
            "services_over",
            raw.services_over,
            0,
            &r::SPLIT_SERVICES_OVER,
        );
        let ops_cap_weeks = self.count(
            &base,
            "ops_cap_weeks",
            raw.ops_cap_weeks,
            0,
            &r::SPLIT_OPS_CAP_WEEKS,
        );
        let along = self.choice(
            &base,
            "along",
            raw.along.as_deref(),
            SplitAlong::Stack,
            &SplitAlong::NAMES,
            SplitAlong::parse,
        );
        let (services_over, ops_cap_weeks, along) = (services_over?, ops_cap_weeks?, along?);
        let some_trigger = self.check(&base, services_over > 0 || ops_cap_weeks > 0, || {
            "split_when needs a trigger: services_over (a team carrying more services \
             splits) or ops_cap_weeks (a team over the 50% ops cap this many weeks in a row \
             splits), or both"
                .to_owned()
        });
        some_trigger.then_some(SplitRule {
            services_over,
            ops_cap_weeks,
            along,
        })
    }

    /// `organization.merge_when`; `None` when it has problems (reported).
    fn merge_rule(&mut self, v: &toml::Value, org: &[Seg]) -> Option<MergeRule> {
        let base = path::key(org, "merge_when");
        let raw: RawMerge = self.lenient(v, &base)?;
        let understaffed_weeks = self.count(
            &base,
            "understaffed_weeks",
            raw.understaffed_weeks,
            4,
            &r::MERGE_UNDERSTAFFED_WEEKS,
        )?;
        Some(MergeRule { understaffed_weeks })
    }

    /// The rest of `[organization]` (without the re-organisation rules): `Some(None)` for
    /// explicit teams, `Some(Some(org))` for a derived organisation, `None` when it has
    /// problems (reported).
    fn derived_organization(
        &mut self,
        mut rest: toml::Table,
        base: &[Seg],
        site_names: &[Option<String>],
    ) -> Option<Option<Organization>> {
        let base = base.to_vec();
        let word = |v: &mut Self, k: &str, value: Option<toml::Value>, names: &[&str]| {
            let p = path::key(&base, k);
            match value {
                None => Some(None),
                Some(toml::Value::String(s)) if names.contains(&s.as_str()) => Some(Some(s)),
                Some(other) => {
                    v.problem(
                        p,
                        format!(
                            "expected one of {}; got {}",
                            names.join(", "),
                            describe_value(&other)
                        ),
                    );
                    None
                }
            }
        };
        let structure = word(
            self,
            "structure",
            rest.remove("structure"),
            &Structure::NAMES,
        );
        let share = word(self, "share", rest.remove("share"), &Share::NAMES);
        let single_site = match rest.remove("single_site_shift_hours") {
            None => Some(None),
            Some(toml::Value::Integer(n)) => Some(Some(n as f64)),
            Some(toml::Value::Float(x)) => Some(Some(x)),
            Some(other) => {
                self.problem(
                    path::key(&base, "single_site_shift_hours"),
                    format!("expected a number, got {}", describe_value(&other)),
                );
                None
            }
        };
        let single_site = single_site?.inspect(|&x| {
            let p = path::key(&base, "single_site_shift_hours");
            let ok = self.in_range(&p, &r::SINGLE_SITE_SHIFT_HOURS, x);
            if ok {
                let per_week = HOURS_PER_WEEK / x;
                self.check(&p, (per_week - per_week.round()).abs() < 1e-9, || {
                    format!(
                        "single_site_shift_hours must divide 168 (24·7); got {}",
                        number(x)
                    )
                });
            }
        });
        if rest.contains_key("name") {
            self.problem(
                path::key(&base, "name"),
                "the organisation takes no name: derived teams are named after their product or stack (one team is `sre`)".to_owned(),
            );
            rest.remove("name");
        }
        let structure = structure?
            .as_deref()
            .map_or(Some(Structure::Explicit), Structure::parse)?;
        let share = share?
            .as_deref()
            .map_or(Some(Share::Proportional), Share::parse)?;
        if structure == Structure::Explicit {
            // The template stays unused: a file can hold both `[[teams]]` and a template
            // and compare them by changing `structure` alone.
            return Some(None);
        }
        let raw: RawTeam = self.lenient(&toml::Value::Table(rest), &base)?;
        let template = self.team(&base, raw, site_names)?;
        Some(Some(Organization {
            structure,
            share,
            single_site_shift_hours: single_site.unwrap_or(template.shift_hours),
            template,
        }))
    }

    /// `[reliability]`: `Some(None)` when absent, `None` when it has problems (reported).
    fn reliability(&mut self, v: Option<&toml::Value>) -> Option<Option<ReliabilityConfig>> {
        let base = vec![Seg::Key("reliability".to_owned())];
        let Some(v) = v else {
            return Some(None);
        };
        let raw: RawReliability = self.lenient(v, &base)?;
        let n = |v: &mut Self, k: &str, x: Option<F64>, d: f64, r: &KeyRange| {
            v.number(&base, k, x, Some(d), r)
        };
        let share = n(
            self,
            "project_share",
            raw.project_share,
            0.5,
            &r::RELIABILITY_PROJECT_SHARE,
        );
        let cut = n(
            self,
            "cut_per_100h",
            raw.cut_per_100h,
            0.3,
            &r::RELIABILITY_CUT,
        );
        let floor = n(self, "floor", raw.floor, 0.5, &r::RELIABILITY_FLOOR);
        let drift = n(
            self,
            "drift_per_week",
            raw.drift_per_week,
            0.005,
            &r::RELIABILITY_DRIFT,
        );
        let ceiling = n(self, "ceiling", raw.ceiling, 2.0, &r::RELIABILITY_CEILING);
        let (
            Some(project_share),
            Some(cut_per_100h),
            Some(floor),
            Some(drift_per_week),
            Some(ceiling),
        ) = (share, cut, floor, drift, ceiling)
        else {
            return None;
        };
        Some(Some(ReliabilityConfig {
            project_share,
            cut_per_100h,
            floor,
            drift_per_week,
            ceiling,
        }))
    }

    /// `[engagement]` and `[[dev_teams]]`: `Some(None)` when there is no `[engagement]`,
    /// `None` when they have problems (reported).
    fn engagement(
        &mut self,
        v: Option<&toml::Value>,
        dev_teams: Option<&toml::Value>,
        site_names: &[Option<String>],
        services: &[ServiceConfig],
        sre_teams: &[TeamConfig],
    ) -> Option<Option<EngagementConfig>> {
        let base = vec![Seg::Key("engagement".to_owned())];
        let Some(v) = v else {
            if dev_teams.is_some() {
                self.problem(
                    vec![Seg::Key("dev_teams".to_owned())],
                    "developer teams take part only with an [engagement] table; add one (an empty table takes every default)".to_owned(),
                );
                return None;
            }
            return Some(None);
        };
        let raw: RawEngagement = self.lenient(v, &base)?;
        let n = |v: &mut Self, k: &str, x: Option<F64>, d: f64, r: &KeyRange| {
            v.number(&base, k, x, Some(d), r)
        };
        let frameworks = raw.frameworks.unwrap_or(false);
        // Without SRE frameworks a review takes 2-3 SREs over 2-3 quarters; with them, one
        // SRE for one quarter [G] SRE book ch.32.
        let (sres_default, weeks_default) = if frameworks { (1.0, 13.0) } else { (2.5, 32.5) };
        let review = n(
            self,
            "review_weeks",
            raw.review_weeks,
            13.0,
            &r::REVIEW_WEEKS,
        );
        let consultation = n(
            self,
            "consultation_hours",
            raw.consultation_hours,
            6.0,
            &r::CONSULTATION_HOURS,
        );
        let sres = n(self, "prr_sres", raw.prr_sres, sres_default, &r::PRR_SRES);
        let prr_weeks = n(
            self,
            "prr_weeks",
            raw.prr_weeks,
            weeks_default,
            &r::PRR_WEEKS,
        );
        let per_week = n(
            self,
            "prr_hours_per_sre_week",
            raw.prr_hours_per_sre_week,
            20.0,
            &r::PRR_HOURS_PER_SRE_WEEK,
        );
        let pass = n(
            self,
            "prr_pass_probability",
            raw.prr_pass_probability,
            0.8,
            &r::PRR_PASS_PROBABILITY,
        );
        let factor = n(
            self,
            "prr_page_rate_factor",
            raw.prr_page_rate_factor,
            0.7,
            &r::PRR_PAGE_RATE_FACTOR,
        );
        let retry = n(
            self,
            "prr_retry_weeks",
            raw.prr_retry_weeks,
            13.0,
            &r::PRR_RETRY_WEEKS,
        );
        let max_tier = self.count(
            &base,
            "onboarding_max_tier",
            raw.onboarding_max_tier,
            2,
            &r::ONBOARDING_MAX_TIER,
        );
        let dev_share = n(self, "dev_share", raw.dev_share, 0.1, &r::DEV_SHARE);
        let cleanup = n(
            self,
            "cleanup_hours",
            raw.cleanup_hours,
            40.0,
            &r::CLEANUP_HOURS,
        );
        let dev_factor = n(
            self,
            "dev_mitigation_factor",
            raw.dev_mitigation_factor,
            1.5,
            &r::DEV_MITIGATION_FACTOR,
        );
        let onboarding = self.choice(
            &base,
            "onboarding",
            raw.onboarding.as_deref(),
            Onboarding::All,
            &Onboarding::NAMES,
            Onboarding::parse,
        );
        let sre_primary = match raw.launch_primary.as_deref() {
            None | Some("developers") => Some(false),
            Some("sre") => Some(true),
            Some(other) => {
                self.problem(
                    path::key(&base, "launch_primary"),
                    format!(
                        "expected one of {}; got {}",
                        LAUNCH_PRIMARY.join(", "),
                        escaped(other)
                    ),
                );
                None
            }
        };
        let disengage = self.choice(
            &base,
            "disengage",
            raw.disengage.as_deref(),
            Disengage::Lifecycle,
            &Disengage::NAMES,
            Disengage::parse,
        );
        let handback_windows = self.count(
            &base,
            "handback_windows",
            raw.handback_windows,
            2,
            &r::HANDBACK_WINDOWS,
        );
        let takeback_weeks = n(
            self,
            "takeback_weeks",
            raw.takeback_weeks,
            13.0,
            &r::TAKEBACK_WEEKS,
        );
        let overload_weeks = self.count(
            &base,
            "overload_weeks",
            raw.overload_weeks,
            4,
            &r::OVERLOAD_WEEKS,
        );
        let empower_hours = n(
            self,
            "empower_hours_per_week",
            raw.empower_hours_per_week,
            20.0,
            &r::EMPOWER_HOURS,
        );
        let empower_weeks = n(
            self,
            "empower_weeks",
            raw.empower_weeks,
            52.0,
            &r::EMPOWER_WEEKS,
        );
        let empowered = n(
            self,
            "empowered_dev_factor",
            raw.empowered_dev_factor,
            1.0,
            &r::EMPOWERED_DEV_FACTOR,
        );
        let empower_rate = n(
            self,
            "empower_page_rate_factor",
            raw.empower_page_rate_factor,
            0.8,
            &r::EMPOWER_PAGE_RATE_FACTOR,
        );
        let policy = raw
            .budget_policy
            .map(|p| self.budget_policy(p, &base))
            .map_or(Some(None), |p| p.map(Some));
        let strategy = match (
            disengage,
            handback_windows,
            takeback_weeks,
            overload_weeks,
            empower_hours,
            empower_weeks,
            empowered,
            empower_rate,
        ) {
            (Some(a), Some(b), Some(c), Some(d), Some(e), Some(f), Some(g), Some(h)) => {
                Some((a, b, c, d, e, f, g, h))
            }
            _ => None,
        };
        let dev = self.dev_teams(
            raw.developers.as_ref(),
            dev_teams,
            site_names,
            services,
            sre_teams,
        );
        let (
            Some(review_weeks),
            Some(consultation_hours),
            Some(sres),
            Some(prr_weeks),
            Some(per_week),
            Some(prr_pass_probability),
            Some(prr_page_rate_factor),
            Some(prr_retry_weeks),
            Some(onboarding_max_tier),
            Some(dev_share),
            Some(cleanup_hours),
            Some(dev_mitigation_factor),
            Some(onboarding),
            Some(sre_primary_at_launch),
            Some((dev_teams, dev_team_of_product)),
            Some(budget_policy),
            Some((
                disengage,
                handback_windows,
                takeback_weeks,
                overload_weeks,
                empower_hours_per_week,
                empower_weeks,
                empowered_dev_factor,
                empower_page_rate_factor,
            )),
        ) = (
            review,
            consultation,
            sres,
            prr_weeks,
            per_week,
            pass,
            factor,
            retry,
            max_tier,
            dev_share,
            cleanup,
            dev_factor,
            onboarding,
            sre_primary,
            dev,
            policy,
            strategy,
        )
        else {
            return None;
        };
        Some(Some(EngagementConfig {
            review_weeks,
            consultation_hours,
            frameworks,
            prr_effort_hours: sres * prr_weeks * per_week,
            prr_weeks,
            prr_pass_probability,
            prr_page_rate_factor,
            prr_retry_weeks,
            onboarding,
            onboarding_max_tier,
            sre_primary_at_launch,
            dev_share,
            cleanup_hours,
            dev_mitigation_factor,
            budget_policy,
            disengage,
            handback_windows,
            takeback_weeks,
            overload_weeks,
            empower_hours_per_week,
            empower_weeks,
            empowered_dev_factor,
            empower_page_rate_factor,
            dev_teams,
            dev_team_of_product,
        }))
    }

    /// `[engagement.budget_policy]`; `None` when it has problems (reported).
    fn budget_policy(&mut self, raw: RawBudgetPolicy, engagement: &[Seg]) -> Option<BudgetPolicy> {
        let base = path::key(engagement, "budget_policy");
        let n = |v: &mut Self, k: &str, x: Option<F64>, d: f64, r: &KeyRange| {
            v.number(&base, k, x, Some(d), r)
        };
        let change = n(
            self,
            "change_share",
            raw.change_share,
            0.7,
            &r::CHANGE_SHARE,
        );
        let named = n(
            self,
            "named_engineer_hours",
            raw.named_engineer_hours,
            20.0,
            &r::NAMED_ENGINEER_HOURS,
        );
        let push = n(self, "push_hours", raw.push_hours, 80.0, &r::PUSH_HOURS);
        let freeze = n(
            self,
            "freeze_weeks",
            raw.freeze_weeks,
            4.0,
            &r::FREEZE_WEEKS,
        );
        Some(BudgetPolicy {
            change_share: change?,
            named_engineer_hours: named?,
            push_hours: push?,
            freeze_weeks: freeze?,
        })
    }

    /// The developer teams: each `[[dev_teams]]` entry (a team with the `products` it
    /// develops), then one team per product left, `dev-PRODUCT`, from the
    /// `[engagement.developers]` template (default: 6 developers at the site of the
    /// product's first service, one on call for a week at a time: assumptions).
    fn dev_teams(
        &mut self,
        template: Option<&toml::Value>,
        entries: Option<&toml::Value>,
        site_names: &[Option<String>],
        services: &[ServiceConfig],
        sre_teams: &[TeamConfig],
    ) -> Option<DevTeams> {
        let mut products: Vec<(&str, usize)> = Vec::new();
        for s in services {
            if !products.iter().any(|(p, _)| *p == s.product) {
                products.push((&s.product, s.site));
            }
        }
        let mut teams: Vec<TeamConfig> = Vec::new();
        let mut of_product: Vec<(String, usize)> = Vec::new();
        let mut complete = true;
        let mut names: Vec<(KeyPath, Option<String>)> = sre_teams
            .iter()
            .map(|t| (vec![Seg::Key("teams".to_owned())], Some(t.name.clone())))
            .collect();
        if let Some(v) = entries {
            let base = vec![Seg::Key("dev_teams".to_owned())];
            for (p, e) in self.entries(Some(v), &base, "dev_teams", &r::TEAMS)? {
                let mut table = e.as_table().cloned().unwrap_or_default();
                let listed = table.remove("products");
                developer_defaults(&mut table);
                let Some(raw) = self.lenient::<RawTeam>(&toml::Value::Table(table), &p) else {
                    complete = false;
                    continue;
                };
                let name = self.name(&p, raw.name.clone());
                names.push((p.clone(), name.clone()));
                let team = self.team(&p, raw, site_names);
                let pp = path::key(&p, "products");
                let listed: Vec<String> = match listed {
                    Some(toml::Value::Array(a)) => a
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_owned))
                        .collect(),
                    Some(other) => {
                        self.problem(
                            pp,
                            format!(
                                "expected an array of product names, got {}",
                                describe_value(&other)
                            ),
                        );
                        complete = false;
                        continue;
                    }
                    None => {
                        self.required(pp, None::<()>);
                        complete = false;
                        continue;
                    }
                };
                let (Some(mut team), Some(name)) = (team, name) else {
                    complete = false;
                    continue;
                };
                team.name = name;
                for prod in listed {
                    let known = products.iter().any(|(p, _)| *p == prod);
                    let unclaimed = !of_product.iter().any(|(p, _)| *p == prod);
                    if self.check(&pp, known && unclaimed, || {
                        if known {
                            format!("product {} already has a developer team", escaped(&prod))
                        } else {
                            format!(
                                "no service has product {}; known: {}",
                                escaped(&prod),
                                products
                                    .iter()
                                    .map(|(p, _)| *p)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        }
                    }) {
                        of_product.push((prod, teams.len()));
                    }
                }
                teams.push(team);
            }
        }
        // The template, with the developers' own defaults under the keys it leaves out.
        let tbase = vec![
            Seg::Key("engagement".to_owned()),
            Seg::Key("developers".to_owned()),
        ];
        let mut table = match template {
            None => toml::Table::new(),
            Some(toml::Value::Table(t)) => t.clone(),
            Some(other) => {
                self.problem(
                    tbase,
                    format!("expected a table, got {}", describe_value(other)),
                );
                return None;
            }
        };
        let own_members = table.contains_key("members");
        if table.contains_key("name") {
            self.problem(
                path::key(&tbase, "name"),
                "the template takes no name: developer teams are named dev-PRODUCT".to_owned(),
            );
            table.remove("name");
        }
        developer_defaults(&mut table);
        if !own_members {
            let first = site_names.first().cloned().flatten().unwrap_or_default();
            let mut m = toml::Table::new();
            m.insert(first, toml::Value::Integer(DEV_TEAM_SIZE));
            table.insert("members".to_owned(), toml::Value::Table(m));
        }
        let raw: RawTeam = self.lenient(&toml::Value::Table(table), &tbase)?;
        let template = self.team(&tbase, raw, site_names)?;
        for (prod, site) in products {
            if of_product.iter().any(|(p, _)| p == prod) {
                continue;
            }
            let name = format!("dev-{prod}");
            names.push((path::key(&tbase, "name"), Some(name.clone())));
            let members = if own_members {
                template.members.clone()
            } else {
                vec![(site, DEV_TEAM_SIZE as u32)]
            };
            of_product.push((prod.to_owned(), teams.len()));
            teams.push(TeamConfig {
                name,
                members,
                ..template.clone()
            });
        }
        self.unique_names("team", &names);
        complete.then_some((teams, of_product))
    }

    /// `[people]`: `Some(None)` when absent, `None` when it has problems (reported).
    fn people(
        &mut self,
        v: Option<&toml::Value>,
        site_names: &[Option<String>],
    ) -> Option<Option<(PeopleConfig, Vec<PlanDraft>)>> {
        let base = vec![Seg::Key("people".to_owned())];
        let Some(v) = v else {
            return Some(None);
        };
        let raw: RawPeople = self.lenient(v, &base)?;
        let n = |v: &mut Self, k: &str, x: Option<F64>, d: f64, r: &KeyRange| {
            v.number(&base, k, x, Some(d), r)
        };
        let attrition = n(
            self,
            "attrition_per_year",
            raw.attrition_per_year,
            0.13,
            &r::ATTRITION_PER_YEAR,
        );
        let bad = n(
            self,
            "attrition_multiplier_bad",
            raw.attrition_multiplier_bad,
            2.0,
            &r::ATTRITION_MULTIPLIER_BAD,
        );
        let burnout = n(
            self,
            "attrition_multiplier_burnout",
            raw.attrition_multiplier_burnout,
            4.0,
            &r::ATTRITION_MULTIPLIER_BURNOUT,
        );
        let ramp_min = n(
            self,
            "ramp_up_weeks_min",
            raw.ramp_up_weeks_min,
            13.0,
            &r::RAMP_UP_WEEKS_MIN,
        );
        let ramp_max = n(
            self,
            "ramp_up_weeks_max",
            raw.ramp_up_weeks_max,
            39.0,
            &r::RAMP_UP_WEEKS_MAX,
        );
        let lead_min = n(
            self,
            "lead_time_weeks_min",
            raw.lead_time_weeks_min,
            6.5,
            &r::LEAD_TIME_WEEKS_MIN,
        );
        let lead_max = n(
            self,
            "lead_time_weeks_max",
            raw.lead_time_weeks_max,
            13.0,
            &r::LEAD_TIME_WEEKS_MAX,
        );
        let trigger = self.count(
            &base,
            "trigger_weeks",
            raw.trigger_weeks,
            4,
            &r::TRIGGER_WEEKS,
        );
        let ceiling = self.count(
            &base,
            "headcount_ceiling",
            raw.headcount_ceiling,
            10_000,
            &r::HEADCOUNT_CEILING,
        );
        let fatigue = n(
            self,
            "fatigue_per_ops_load",
            raw.fatigue_per_ops_load,
            0.0,
            &r::FATIGUE,
        );
        let hiring = match raw.hiring.as_deref() {
            None | Some("none") => Some(Hiring::None),
            Some("load") => Some(Hiring::Load),
            Some("plan") => Some(Hiring::Plan),
            Some(other) => {
                self.problem(
                    path::key(&base, "hiring"),
                    format!(
                        "expected one of {}; got {}",
                        Hiring::NAMES.join(", "),
                        escaped(other)
                    ),
                );
                None
            }
        };
        let mut hires = Vec::new();
        let mut plan_ok = true;
        for (i, h) in raw.plan.into_iter().flatten().enumerate() {
            let mut p = path::key(&base, "plan");
            p.push(Seg::Index(i));
            let week = self.number(&p, "week", h.week, None, &r::PLAN_WEEK);
            let count = self.count(&p, "count", h.count, 1, &r::PLAN_COUNT);
            let team = self.required(path::key(&p, "team"), h.team);
            let site = self
                .required(path::key(&p, "site"), h.site)
                .and_then(|s| self.reference(path::key(&p, "site"), "site", &s, site_names));
            match (
                week.filter(|&w| r::PLAN_WEEK.contains(w)),
                team,
                site,
                count,
            ) {
                (Some(w), Some(t), Some(s), Some(c)) => hires.push((p, w, t, s, c)),
                _ => plan_ok = false,
            }
        }
        let ordered = |v: &mut Self, k: &str, lo: Option<f64>, hi: Option<f64>, what: &str| {
            if let (Some(lo), Some(hi)) = (lo, hi) {
                v.check(&path::key(&base, k), lo <= hi, || {
                    format!(
                        "{k} must be at least {what} ({}); got {}",
                        number(lo),
                        number(hi)
                    )
                });
            }
        };
        ordered(
            self,
            "attrition_multiplier_burnout",
            bad,
            burnout,
            "attrition_multiplier_bad",
        );
        ordered(
            self,
            "ramp_up_weeks_max",
            ramp_min,
            ramp_max,
            "ramp_up_weeks_min",
        );
        ordered(
            self,
            "lead_time_weeks_max",
            lead_min,
            lead_max,
            "lead_time_weeks_min",
        );
        Some(Some(PeopleConfig {
            attrition_per_year: attrition?,
            attrition_multiplier_bad: bad?,
            attrition_multiplier_burnout: burnout?,
            ramp_up_weeks: (ramp_min?, ramp_max?),
            hiring: hiring?,
            trigger_weeks: trigger?,
            lead_time_weeks: (lead_min?, lead_max?),
            headcount_ceiling: ceiling?,
            fatigue_per_ops_load: fatigue?,
            plan: Vec::new(),
        }))
        .filter(|_| plan_ok)
        .map(|pc| pc.map(|pc| (pc, hires)))
    }

    fn teams(
        &mut self,
        v: Option<&toml::Value>,
        site_names: &[Option<String>],
    ) -> Option<Vec<TeamConfig>> {
        let base = vec![Seg::Key("teams".to_owned())];
        let entries = self.entries(v, &base, "teams", &r::TEAMS)?;
        let mut teams = Vec::new();
        let mut names = Vec::new();
        let mut complete = true;
        for (p, e) in entries {
            let Some(raw) = self.lenient::<RawTeam>(e, &p) else {
                complete = false;
                continue;
            };
            let name = self.name(&p, raw.name.clone());
            names.push((p.clone(), name.clone()));
            match self.team(&p, raw, site_names) {
                Some(mut team) => match name {
                    Some(name) => {
                        team.name = name;
                        teams.push(team);
                    }
                    None => complete = false,
                },
                None => complete = false,
            }
        }
        self.unique_names("team", &names);
        complete.then_some(teams)
    }

    /// One team, with an empty name (filled in by the caller).
    fn team(
        &mut self,
        p: &[Seg],
        raw: RawTeam,
        site_names: &[Option<String>],
    ) -> Option<TeamConfig> {
        let members = self.members(p, raw.members, site_names);
        let shift = self.number(
            p,
            "shift_hours",
            raw.shift_hours,
            Some(12.0),
            &r::SHIFT_HOURS,
        );
        if let Some(x) = shift.filter(|&x| r::SHIFT_HOURS.contains(x)) {
            let per_week = HOURS_PER_WEEK / x;
            self.check(
                &path::key(p, "shift_hours"),
                (per_week - per_week.round()).abs() < 1e-9,
                || format!("shift_hours must divide 168 (24·7); got {}", number(x)),
            );
        }
        let handoff = self.number(
            p,
            "handoff_utc_hour",
            raw.handoff_utc_hour,
            Some(0.0),
            &r::HANDOFF_UTC_HOUR,
        );
        let responders = self.count(
            p,
            "responders_per_shift",
            raw.responders_per_shift,
            2,
            &r::RESPONDERS,
        );
        if let (Some(members), Some(responders)) = (&members, responders) {
            let headcount: u64 = members.iter().map(|&(_, n)| u64::from(n)).sum();
            if headcount > 0 {
                self.check(
                    &path::key(p, "responders_per_shift"),
                    u64::from(responders) <= headcount,
                    || format!("responders_per_shift ({responders}) exceeds the team's head count ({headcount})"),
                );
            }
        }
        let budget = self.count(
            p,
            "pager_budget_per_shift",
            raw.pager_budget_per_shift,
            2,
            &r::PAGER_BUDGET,
        );
        let hours = self.number(
            p,
            "hours_per_week",
            raw.hours_per_week,
            Some(40.0),
            &r::HOURS_PER_WEEK,
        );
        let followup = self.number(
            p,
            "followup_hours_per_incident",
            raw.followup_hours_per_incident,
            Some(0.0),
            &r::FOLLOWUP_HOURS,
        );
        let interrupt = self.number(
            p,
            "interrupt_overhead_hours",
            raw.interrupt_overhead_hours,
            Some(0.0),
            &r::INTERRUPT_HOURS,
        );
        let on_call_from = self.number(
            p,
            "on_call_from_week",
            raw.on_call_from_week,
            Some(0.0),
            &r::ON_CALL_FROM_WEEK,
        );
        let unfamiliar = self.number(
            p,
            "unfamiliar_ttm_factor",
            raw.unfamiliar_ttm_factor,
            Some(1.0),
            &r::UNFAMILIAR_TTM_FACTOR,
        );
        let context_switch = self.number(
            p,
            "context_switch_hours",
            raw.context_switch_hours,
            Some(0.0),
            &r::CONTEXT_SWITCH_HOURS,
        );
        let coordination = self.number(
            p,
            "coordination_hours",
            raw.coordination_hours,
            Some(0.0),
            &r::COORDINATION_HOURS,
        );
        let cross_team = self.number(
            p,
            "cross_team_hours",
            raw.cross_team_hours,
            Some(0.0),
            &r::CROSS_TEAM_HOURS,
        );
        let min_single = self.count(
            p,
            "min_rotation_single_site",
            raw.min_rotation_single_site,
            8,
            &r::MIN_ROTATION_SINGLE_SITE,
        );
        let min_per_site = self.count(
            p,
            "min_rotation_per_site",
            raw.min_rotation_per_site,
            6,
            &r::MIN_ROTATION_PER_SITE,
        );
        let ack_business = self.duration(
            &path::key(p, "ack_business_hours"),
            raw.ack_business_hours.as_ref(),
            false,
        );
        let ack_off = self.duration(
            &path::key(p, "ack_off_hours"),
            raw.ack_off_hours.as_ref(),
            false,
        );
        Some(TeamConfig {
            name: String::new(),
            members: members?,
            shift_hours: shift?,
            handoff_utc_hour: handoff?,
            responders_per_shift: responders?,
            pager_budget_per_shift: budget?,
            hours_per_week: hours?,
            ack_business_hours: ack_business?,
            ack_off_hours: ack_off?,
            followup_hours_per_incident: followup?,
            interrupt_overhead_hours: interrupt?,
            on_call_from_week: on_call_from?,
            unfamiliar_ttm_factor: unfamiliar?,
            context_switch_hours: context_switch?,
            coordination_hours: coordination?,
            cross_team_hours: cross_team?,
            min_rotation_single_site: min_single?,
            min_rotation_per_site: min_per_site?,
        })
    }

    /// `members`: site → head count, in document order, at known sites, not all zero,
    /// each count and the team's head count within range.
    fn members(
        &mut self,
        p: &[Seg],
        raw: Option<std::collections::BTreeMap<String, Int>>,
        site_names: &[Option<String>],
    ) -> Option<Vec<(usize, u32)>> {
        let mp = path::key(p, "members");
        let raw = self.required(mp.clone(), raw)?;
        let order = (self.key_order)(&mp);
        let mut entries: Vec<(String, i64)> = raw.into_iter().map(|(k, Int(n))| (k, n)).collect();
        entries.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
        let mut members = Vec::new();
        let mut ok = true;
        for (site, n) in entries {
            let sp = path::key(&mp, &site);
            let site_index = self.reference(sp.clone(), "site", &site, site_names);
            let what = format!("the head count at {}", escaped(&site));
            let count = match r::MEMBERS_PER_SITE.check_int(&what, i128::from(n)) {
                Some(message) => {
                    self.problem(sp, message);
                    None
                }
                None => u32::try_from(n).ok(),
            };
            match (site_index, count) {
                (Some(i), Some(n)) => members.push((i, n)),
                _ => ok = false,
            }
        }
        let any_dropped = self.dropped.iter().any(|d| path::starts_with(d, &mp));
        if ok && !any_dropped && members.iter().all(|&(_, n)| n == 0) {
            self.problem(mp, "team has no members on any site".to_owned());
            return None;
        }
        if ok {
            let headcount: u64 = members.iter().map(|&(_, n)| u64::from(n)).sum();
            if let Some(message) = r::TEAM_HEADCOUNT
                .check_int("the team's head count", i128::from(headcount))
                .filter(|_| headcount > 0)
            {
                self.problem(mp, message);
                return None;
            }
        }
        ok.then_some(members)
    }

    /// A duration: `"zero"` or a one-key table naming the distribution.
    fn duration(&mut self, p: &[Seg], v: Option<&toml::Value>, required: bool) -> Option<Duration> {
        let Some(v) = v else {
            if required {
                self.required(p.to_vec(), None::<()>);
                return None;
            }
            return Some(Duration::Zero);
        };
        match v {
            toml::Value::String(s) if s == "zero" => Some(Duration::Zero),
            toml::Value::String(s) if DURATION_KINDS.contains(&s.as_str()) => {
                self.problem(
                    p.to_vec(),
                    format!("`{s}` needs its parameters; expected {DURATION_HINT}"),
                );
                None
            }
            toml::Value::String(s) => {
                let message = unknown_duration_message(s);
                self.problem(p.to_vec(), message);
                None
            }
            toml::Value::Table(t) if t.len() == 1 => {
                let (kind, inner) = t.iter().next()?;
                let kp = path::key(p, kind);
                match kind.as_str() {
                    "fixed" => {
                        let raw: RawFixed = self.lenient(inner, &kp)?;
                        let hours = self.number(&kp, "hours", raw.hours, None, &r::FIXED_HOURS)?;
                        r::FIXED_HOURS
                            .contains(hours)
                            .then_some(Duration::Fixed { hours })
                    }
                    "exponential" => {
                        let raw: RawExponential = self.lenient(inner, &kp)?;
                        let mean = self.number(
                            &kp,
                            "mean_hours",
                            raw.mean_hours,
                            None,
                            &r::EXPONENTIAL_MEAN,
                        )?;
                        r::EXPONENTIAL_MEAN
                            .contains(mean)
                            .then_some(Duration::Exponential { mean_hours: mean })
                    }
                    "lognormal" => {
                        let raw: RawLogNormal = self.lenient(inner, &kp)?;
                        let median = self.number(
                            &kp,
                            "median_hours",
                            raw.median_hours,
                            None,
                            &r::LOGNORMAL_MEDIAN,
                        );
                        let p90 =
                            self.number(&kp, "p90_hours", raw.p90_hours, None, &r::LOGNORMAL_P90);
                        let (median, p90) = (median?, p90?);
                        if !(r::LOGNORMAL_MEDIAN.contains(median) && r::LOGNORMAL_P90.contains(p90))
                        {
                            return None;
                        }
                        let ok = self.check(&path::key(&kp, "p90_hours"), p90 > median, || {
                            format!(
                                "p90_hours must be greater than median_hours ({}); got {}",
                                number(median),
                                number(p90)
                            )
                        });
                        ok.then_some(Duration::LogNormal {
                            median_hours: median,
                            p90_hours: p90,
                        })
                    }
                    "zero" => {
                        self.problem(
                            kp,
                            "write a zero duration as the string \"zero\"".to_owned(),
                        );
                        None
                    }
                    other => {
                        let message = unknown_duration_message(other);
                        self.problem(kp, message);
                        None
                    }
                }
            }
            toml::Value::Table(t) => {
                let keys: Vec<&str> = t.keys().map(String::as_str).collect();
                self.problem(
                    p.to_vec(),
                    format!(
                        "a duration table has exactly one key naming the distribution; got {} keys ({}); expected {DURATION_HINT}",
                        keys.len(),
                        if keys.is_empty() { "none".to_owned() } else { keys.join(", ") }
                    ),
                );
                None
            }
            other => {
                self.problem(
                    p.to_vec(),
                    format!(
                        "expected a duration ({DURATION_HINT}), got {}",
                        describe_value(other)
                    ),
                );
                None
            }
        }
    }

    fn services(
        &mut self,
        v: Option<&toml::Value>,
        site_names: &[Option<String>],
        team_names: Option<&[Option<String>]>,
    ) -> Option<Vec<ServiceConfig>> {
        let base = vec![Seg::Key("services".to_owned())];
        let entries = self.entries(v, &base, "services", &r::SERVICES)?;
        // (path of the block, block service, count) for each block that validated.
        let mut blocks: Vec<(KeyPath, ServiceConfig, u32)> = Vec::new();
        let mut complete = true;
        // Every block's name and count as written, for collision checks even when other
        // keys of the block are wrong.
        let mut stamped_names: Vec<(KeyPath, String, u32)> = Vec::new();
        for (p, e) in entries {
            let Some(raw) = self.lenient::<RawService>(e, &p) else {
                complete = false;
                continue;
            };
            let name = self.name(&p, raw.name.clone());
            let count = self.count(&p, "count", raw.count, 1, &r::COUNT);
            if let (Some(n), Some(count)) = (&name, count) {
                stamped_names.push((p.clone(), n.clone(), count));
            }
            match (self.service(&p, raw, site_names, team_names), name, count) {
                (Some(mut s), Some(name), Some(count)) => {
                    s.name = name.clone();
                    s.block = name;
                    blocks.push((p, s, count));
                }
                _ => complete = false,
            }
        }
        // Bound the services after stamping before any copy is named.
        let stamped: u64 = stamped_names.iter().map(|(_, _, c)| u64::from(*c)).sum();
        // An empty total means no block's count was usable, which is reported already.
        if let Some(message) = r::SERVICES
            .check_int(
                "the number of services after stamping copies",
                i128::from(stamped),
            )
            .filter(|_| stamped > 0)
        {
            self.problem(base, message);
            return None;
        }
        // Service names must be unique after stamping `count` copies.
        let mut owner: HashMap<String, String> = HashMap::new();
        for (p, name, count) in &stamped_names {
            let copies: Vec<String> = if *count > 1 {
                (1..=*count).map(|k| format!("{name}-{k}")).collect()
            } else {
                vec![name.clone()]
            };
            let clash = copies
                .iter()
                .find_map(|c| owner.get(c).map(|o| (c.clone(), o.clone())));
            if let Some((copy, other)) = clash {
                let message = if *count > 1 {
                    format!("stamped service name '{copy}' (count = {count}) is already used by service block '{other}'; service names must be unique")
                } else if other == *name {
                    format!("duplicate service name '{name}'; service names must be unique")
                } else {
                    format!("service name '{name}' is already used by a copy stamped from service block '{other}'; service names must be unique")
                };
                self.problem(path::key(p, "name"), message);
                complete = false;
            }
            for c in copies {
                owner.entry(c).or_insert_with(|| name.clone());
            }
        }
        if !complete {
            return None;
        }
        let mut services = Vec::new();
        for (_, block, count) in blocks {
            if count > 1 {
                for k in 1..=count {
                    let mut copy = block.clone();
                    copy.name = format!("{}-{k}", block.name);
                    services.push(copy);
                }
            } else {
                services.push(block);
            }
        }
        Some(services)
    }

    /// One service block, with empty name and block (filled in by the caller).
    fn service(
        &mut self,
        p: &[Seg],
        raw: RawService,
        site_names: &[Option<String>],
        team_names: Option<&[Option<String>]>,
    ) -> Option<ServiceConfig> {
        let product = self.text(p, "product", raw.product);
        let stack = self.text(p, "stack", raw.stack);
        let tier = self.count(p, "tier", raw.tier, 2, &r::TIER);
        // A derived organisation assigns the team; the key is then ignored.
        let team = match team_names {
            Some(team_names) => self
                .required(path::key(p, "team"), raw.team)
                .and_then(|t| self.reference(path::key(p, "team"), "team", &t, team_names)),
            None => Some(0),
        };
        let site = match raw.site {
            None => (!site_names.is_empty()).then_some(0),
            Some(s) => self.reference(path::key(p, "site"), "site", &s, site_names),
        };
        let launch = self.number(
            p,
            "launch_week",
            raw.launch_week,
            Some(0.0),
            &r::LAUNCH_WEEK,
        );
        let rate = self.number(
            p,
            "page_rate_per_week",
            raw.page_rate_per_week,
            None,
            &r::PAGE_RATE,
        );
        let tickets = self.number(
            p,
            "tickets_per_week",
            raw.tickets_per_week,
            Some(0.0),
            &r::TICKETS,
        );
        let ticket_hours = self.number(
            p,
            "hours_per_ticket",
            raw.hours_per_ticket,
            Some(0.0),
            &r::HOURS_PER_TICKET,
        );
        let slo = self.number(p, "slo_target", raw.slo_target, None, &r::SLO_TARGET);
        let window = self.number(
            p,
            "slo_window_weeks",
            raw.slo_window_weeks,
            Some(4.0),
            &r::SLO_WINDOW_WEEKS,
        );
        let phase_weeks = self.phases(
            p,
            "phase_weeks",
            raw.phase_weeks.as_ref(),
            DEFAULT_PHASE_WEEKS,
            &r::PHASE_WEEKS,
        );
        let page_multiplier = self.phases(
            p,
            "page_multiplier",
            raw.page_multiplier.as_ref(),
            DEFAULT_PAGE_MULTIPLIER,
            &r::PAGE_MULTIPLIER,
        );
        let (business, off) = self.load_profile(p, raw.load_profile.as_ref());
        let severities = self.severities(p, raw.severities.as_ref());
        Some(ServiceConfig {
            name: String::new(),
            block: String::new(),
            product: product?,
            stack: stack?,
            tier: tier?,
            team: team?,
            site: site?,
            launch_week: launch?,
            phase_weeks: phase_weeks?,
            page_multiplier: page_multiplier?,
            page_rate_per_week: rate?,
            business_hours_multiplier: business?,
            off_hours_multiplier: off?,
            severities: severities?,
            tickets_per_week: tickets?,
            hours_per_ticket: ticket_hours?,
            slo_target: slo?,
            slo_window_weeks: window?,
        })
    }

    /// A per-phase table with defaults, in `Phase::ALL` order.
    fn phases(
        &mut self,
        p: &[Seg],
        k: &str,
        raw: Option<&RawPhases>,
        defaults: PerPhase<f64>,
        range: &KeyRange,
    ) -> Option<PerPhase<f64>> {
        let mut out = defaults;
        let Some(raw) = raw else {
            return Some(out);
        };
        let tp = path::key(p, k);
        for ((slot, value), phase) in out.0.iter_mut().zip(raw.in_order()).zip(Phase::ALL) {
            if let Some(F64(x)) = value {
                self.in_range(&path::key(&tp, phase.as_str()), range, x);
                *slot = x;
            }
        }
        Some(out)
    }

    fn load_profile(
        &mut self,
        p: &[Seg],
        raw: Option<&RawLoadProfile>,
    ) -> (Option<f64>, Option<f64>) {
        let Some(raw) = raw else {
            return (Some(1.0), Some(1.0));
        };
        let lp = path::key(p, "load_profile");
        let business = self.number(
            &lp,
            "business_hours_multiplier",
            raw.business_hours_multiplier,
            Some(1.0),
            &r::BUSINESS_MULTIPLIER,
        );
        let off = self.number(
            &lp,
            "off_hours_multiplier",
            raw.off_hours_multiplier,
            Some(1.0),
            &r::OFF_MULTIPLIER,
        );
        if business == Some(0.0) && off == Some(0.0) {
            self.problem(
                lp,
                "business_hours_multiplier and off_hours_multiplier must not both be 0".to_owned(),
            );
        }
        (business, off)
    }

    fn severities(&mut self, p: &[Seg], v: Option<&toml::Value>) -> Option<Vec<Severity>> {
        let sp = path::key(p, "severities");
        let entries = self.entries(v, &sp, "services.severities", &r::SEVERITIES)?;
        let mut severities = Vec::new();
        let mut names = Vec::new();
        // (label, share) per entry, for the sum check, which runs whenever every share
        // is known and in range, even if other keys of the entries are wrong.
        let mut shares: Vec<(String, Option<f64>)> = Vec::new();
        let mut complete = true;
        for (i, (ep, e)) in entries.into_iter().enumerate() {
            let Some(raw) = self.lenient::<RawSeverity>(e, &ep) else {
                complete = false;
                shares.push((format!("#{}", i + 1), None));
                continue;
            };
            let name = self.name(&ep, raw.name);
            names.push((ep.clone(), name.clone()));
            let share = self.number(&ep, "share", raw.share, None, &r::SHARE);
            let label = name.clone().unwrap_or_else(|| format!("#{}", i + 1));
            shares.push((label, share.filter(|&x| r::SHARE.contains(x))));
            let impact = self.number(
                &ep,
                "impact_fraction",
                raw.impact_fraction,
                None,
                &r::IMPACT_FRACTION,
            );
            let ttm = self.duration(
                &path::key(&ep, "time_to_mitigate"),
                raw.time_to_mitigate.as_ref(),
                true,
            );
            match (name, share, impact, ttm) {
                (Some(name), Some(share), Some(impact_fraction), Some(time_to_mitigate)) => {
                    severities.push(Severity {
                        name,
                        share,
                        impact_fraction,
                        time_to_mitigate,
                    })
                }
                _ => complete = false,
            }
        }
        self.unique_names("severity", &names);
        if shares.iter().all(|(_, s)| s.is_some()) {
            let sum: f64 = shares.iter().filter_map(|(_, s)| *s).sum();
            if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
                let parts: Vec<String> = shares
                    .iter()
                    .map(|(label, s)| format!("{label} {}", number(s.unwrap_or(f64::NAN))))
                    .collect();
                self.problem(
                    sp,
                    format!(
                        "severity shares must sum to 1; got {} ({})",
                        number(sum),
                        parts.join(" + ")
                    ),
                );
            }
        }
        if !complete {
            return None;
        }
        Some(severities)
    }
}

/// "unknown duration kind `x`; did you mean …?"
fn unknown_duration_message(kind: &str) -> String {
    let hint = suggest::closest(kind, &DURATION_KINDS)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    format!("unknown duration kind `{kind}`{hint}; expected {DURATION_HINT}")
}
