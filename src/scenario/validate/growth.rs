//! `[[growth]]`: services launched during the run from a template block, at a rate per
//! quarter. The section's raw form, its validated rule and its expansion live here.
//!
//! Growth is expanded while the scenario is validated, into ordinary services appended
//! after the stamped `[[services]]`: the model never hears of it. A rule of
//! `per_quarter = 1.5` launches 1, 2, 1, 2, … services in successive quarters of 13
//! weeks (quarter `q` launches `floor((q+1)·r) − floor(q·r)`), each at the quarter's start
//! plus a uniform draw in `[0, jitter_weeks)`, named `PREFIX-1`, `PREFIX-2`, … in launch
//! order. The draws come from a stream keyed by the simulation seed and the prefix alone,
//! so every replication and sweep point launches the same services, and since every
//! service's random streams are keyed by its name, adding growth leaves the incidents of
//! the existing services as they were.

use std::collections::HashMap;

use rand::Rng;
use serde::Deserialize;

use super::{describe_value, Validator};
use crate::engine::{fnv1a64, stream_rng};
use crate::scenario::config::{ServiceConfig, SimulationConfig};
use crate::scenario::names;
use crate::scenario::path::{self, KeyPath, Seg};
use crate::scenario::ranges as r;
use crate::scenario::raw::F64;
use crate::scenario::show::{escaped, number};

/// Weeks in a quarter: the period of `per_quarter`.
const QUARTER_WEEKS: f64 = 13.0;

/// Slack when flooring `q · per_quarter`, so that a rate written in decimals (0.29)
/// launches its exact count over 100 quarters despite binary rounding (28.999999…).
const FLOOR_SLACK: f64 = 1e-9;

/// One `[[growth]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a table")]
struct RawGrowth {
    template: Option<String>,
    per_quarter: Option<F64>,
    start_week: Option<F64>,
    end_week: Option<F64>,
    jitter_weeks: Option<F64>,
    prefix: Option<String>,
}

/// The keys of a `[[growth]]` entry (for the JSON Schema of scenario files).
pub(crate) fn raw_keys() -> &'static [&'static str] {
    crate::scenario::schema::fields::<RawGrowth>()
}

/// One validated `[[growth]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GrowthRule {
    /// Where the entry is (`growth[i]`), for problems found while expanding it.
    pub path: KeyPath,
    /// The name of the `[[services]]` block whose first stamped service is copied.
    pub template: String,
    /// Services launched per quarter, possibly fractional (0 ..= 1000).
    pub per_quarter: f64,
    /// Start of the first quarter, in weeks.
    pub start_week: f64,
    /// No launch at or after this week; `None`: the horizon.
    pub end_week: Option<f64>,
    /// Each launch falls uniformly in `[quarter start, quarter start + jitter_weeks)`.
    pub jitter_weeks: f64,
    /// Launched services are named `PREFIX-1`, `PREFIX-2`, …
    pub prefix: String,
}

/// Services launched in quarter `q` at `per_quarter` a quarter: the launches accumulate
/// and are floored, so that a fractional rate spreads evenly (1.5: 1, 2, 1, 2, …).
fn launches_in_quarter(per_quarter: f64, q: u64) -> u64 {
    let floor = |x: f64| (x + FLOOR_SLACK).floor() as u64;
    floor((q + 1) as f64 * per_quarter) - floor(q as f64 * per_quarter)
}

/// The id of the stream a rule's launch weeks are drawn from: keyed by its prefix, so a
/// rule's launches do not depend on the other rules.
fn growth_stream(prefix: &str) -> u64 {
    fnv1a64(&format!("growth:{prefix}"))
}

/// The launch weeks of `rule` before `stop_week`, ascending (each quarter's launches
/// lie inside the quarter, since `jitter_weeks` is at most a quarter); `None` as soon as
/// there are more than `most`, so that a huge rate never allocates more than that.
fn launch_weeks(rule: &GrowthRule, seed: u64, stop_week: f64, most: usize) -> Option<Vec<f64>> {
    // Point and replication 0: every replication and sweep point launches alike.
    let mut rng = stream_rng(seed, 0, 0, growth_stream(&rule.prefix));
    let mut weeks: Vec<f64> = Vec::new();
    for q in 0_u64.. {
        let start = rule.start_week + q as f64 * QUARTER_WEEKS;
        if start >= stop_week {
            break;
        }
        let first = weeks.len();
        for _ in 0..launches_in_quarter(rule.per_quarter, q) {
            // Drawn even when the launch falls past the stop, so that a later end leaves
            // the earlier launches as they were.
            let u: f64 = rng.random();
            let week = start + rule.jitter_weeks * u;
            if week < stop_week {
                if weeks.len() == most {
                    return None;
                }
                weeks.push(week);
            }
        }
        weeks[first..].sort_by(f64::total_cmp);
    }
    Some(weeks)
}

impl Validator<'_> {
    /// The `[[growth]]` entries (none when the key is absent); `None` when any has a
    /// problem (reported). `blocks` are the `[[services]]` block names as written.
    pub(super) fn growth(
        &mut self,
        v: Option<&toml::Value>,
        blocks: &[Option<String>],
    ) -> Option<Vec<GrowthRule>> {
        let base = vec![Seg::Key("growth".to_owned())];
        let entries = match v {
            None => return Some(Vec::new()),
            Some(toml::Value::Array(a)) => a,
            Some(other) => {
                self.problem(
                    base,
                    format!(
                        "expected an array of tables ([[growth]]), got {}",
                        describe_value(other)
                    ),
                );
                return None;
            }
        };
        let mut rules = Vec::new();
        let mut complete = true;
        for (i, e) in entries.iter().enumerate() {
            let p = path::index(&base, i);
            match self
                .lenient::<RawGrowth>(e, &p)
                .and_then(|raw| self.growth_rule(&p, raw, blocks))
            {
                Some(rule) => rules.push(rule),
                None => complete = false,
            }
        }
        complete.then_some(rules)
    }

    /// One `[[growth]]` entry; `None` when it has a problem (reported).
    fn growth_rule(
        &mut self,
        p: &[Seg],
        raw: RawGrowth,
        blocks: &[Option<String>],
    ) -> Option<GrowthRule> {
        let tp = path::key(p, "template");
        let template = self
            .required(tp.clone(), raw.template)
            .and_then(|t| self.reference(tp, "service block", &t, blocks).map(|_| t));
        let in_range = |x: Option<f64>, range: &r::KeyRange| x.filter(|&x| range.contains(x));
        let per_quarter = self.number(
            p,
            "per_quarter",
            raw.per_quarter,
            None,
            &r::GROWTH_PER_QUARTER,
        );
        let start_week = self.number(
            p,
            "start_week",
            raw.start_week,
            Some(0.0),
            &r::GROWTH_START_WEEK,
        );
        let end_week = match raw.end_week {
            None => Some(None),
            Some(x) => {
                let end = self.number(p, "end_week", Some(x), None, &r::GROWTH_END_WEEK);
                in_range(end, &r::GROWTH_END_WEEK).map(Some)
            }
        };
        let jitter_weeks = self.number(
            p,
            "jitter_weeks",
            raw.jitter_weeks,
            Some(0.0),
            &r::GROWTH_JITTER_WEEKS,
        );
        let start_week = in_range(start_week, &r::GROWTH_START_WEEK);
        let ordered = match (start_week, end_week) {
            (Some(start), Some(Some(end))) => {
                self.check(&path::key(p, "end_week"), end >= start, || {
                    format!(
                        "end_week must be at least start_week ({}); got {}",
                        number(start),
                        number(end)
                    )
                })
            }
            _ => true,
        };
        let prefix = match raw.prefix {
            Some(prefix) => {
                let pp = path::key(p, "prefix");
                match names::check("prefix", &prefix) {
                    Some(message) => {
                        self.problem(pp, message);
                        None
                    }
                    None => Some(prefix),
                }
            }
            None => template.as_ref().map(|t| format!("{t}-g")),
        };
        if !ordered {
            return None;
        }
        Some(GrowthRule {
            path: p.to_vec(),
            template: template?,
            per_quarter: in_range(per_quarter, &r::GROWTH_PER_QUARTER)?,
            start_week: start_week?,
            end_week: end_week?,
            jitter_weeks: in_range(jitter_weeks, &r::GROWTH_JITTER_WEEKS)?,
            prefix: prefix?,
        })
    }

    /// `services` (the stamped `[[services]]`) with the services `rules` launch appended,
    /// in rule order, then launch order; `None` when a launched name is taken or not a
    /// valid name, or there would be too many services (reported).
    pub(super) fn grow(
        &mut self,
        mut services: Vec<ServiceConfig>,
        rules: &[GrowthRule],
        simulation: &SimulationConfig,
    ) -> Option<Vec<ServiceConfig>> {
        if rules.is_empty() {
            return Some(services);
        }
        // Who holds each name, for messages about a launched name that is taken.
        let mut owner: HashMap<String, String> = services
            .iter()
            .map(|s| {
                let who = if s.name == s.block {
                    format!("service block '{}'", escaped(&s.block))
                } else {
                    format!("a copy stamped from service block '{}'", escaped(&s.block))
                };
                (s.name.clone(), who)
            })
            .collect();
        let most = r::SERVICES.max_count();
        let mut complete = true;
        for rule in rules {
            let pp = path::key(&rule.path, "prefix");
            let Some(template) = services.iter().find(|s| s.block == rule.template).cloned() else {
                // The template was checked against the blocks as written; a block that
                // did not validate leaves no services at all.
                complete = false;
                continue;
            };
            let stop = rule
                .end_week
                .unwrap_or(simulation.horizon_weeks)
                .min(simulation.horizon_weeks);
            let room = most.saturating_sub(services.len());
            let Some(weeks) = launch_weeks(rule, simulation.seed, stop, room) else {
                let message = r::SERVICES.message(
                    "the number of services after growth",
                    &format!(
                        "more than {most} ({} before this [[growth]] entry)",
                        services.len()
                    ),
                );
                self.problem(vec![Seg::Key("growth".to_owned())], message);
                return None;
            };
            // The longest name is the last; the others pass if it does.
            if let Some(last) = weeks.len().checked_sub(1) {
                let name = format!("{}-{}", rule.prefix, last + 1);
                if let Some(message) = names::check("launched service name", &name) {
                    self.problem(pp, message);
                    complete = false;
                    continue;
                }
            }
            let who = format!("growth[{}]", index_of(&rule.path));
            for (k, week) in weeks.into_iter().enumerate() {
                let name = format!("{}-{}", rule.prefix, k + 1);
                if let Some(other) = owner.get(&name) {
                    self.problem(
                        pp.clone(),
                        format!(
                            "launched service name '{}' is already used by {other}; service names must be unique: choose another prefix",
                            escaped(&name)
                        ),
                    );
                    complete = false;
                    break;
                }
                owner.insert(name.clone(), who.clone());
                let mut service = template.clone();
                service.name = name;
                service.launch_week = week;
                services.push(service);
            }
        }
        complete.then_some(services)
    }
}

/// The entry index at the end of a `growth[i]` path.
fn index_of(p: &[Seg]) -> usize {
    match p.last() {
        Some(Seg::Index(i)) => *i,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(per_quarter: f64, jitter_weeks: f64) -> GrowthRule {
        GrowthRule {
            path: Vec::new(),
            template: "web".to_owned(),
            per_quarter,
            start_week: 0.0,
            end_week: None,
            jitter_weeks,
            prefix: "web-g".to_owned(),
        }
    }

    #[test]
    fn fractional_rates_accumulate_and_floor() {
        let counts = |r: f64, n: u64| {
            (0..n)
                .map(|q| launches_in_quarter(r, q))
                .collect::<Vec<_>>()
        };
        assert_eq!(counts(1.5, 4), vec![1, 2, 1, 2]);
        assert_eq!(counts(0.5, 4), vec![0, 1, 0, 1]);
        assert_eq!(counts(2.0, 3), vec![2, 2, 2]);
        assert_eq!(counts(0.0, 3), vec![0, 0, 0]);
        // Binary rounding does not lose a launch: 0.29 × 100 is 28.999… in f64.
        assert_eq!(counts(0.29, 100).iter().sum::<u64>(), 29);
        assert_eq!(counts(0.1, 10).iter().sum::<u64>(), 1);
    }

    #[test]
    fn launches_are_ascending_and_bounded() {
        let weeks = launch_weeks(&rule(3.0, 13.0), 7, 52.0, 100).expect("fits");
        assert_eq!(weeks.len(), 12);
        assert!(weeks.windows(2).all(|w| w[0] <= w[1]), "{weeks:?}");
        assert!(weeks.iter().all(|&w| (0.0..52.0).contains(&w)));
        assert_eq!(launch_weeks(&rule(3.0, 13.0), 7, 52.0, 11), None);
    }

    #[test]
    fn a_later_stop_keeps_the_earlier_launches() {
        let short = launch_weeks(&rule(2.5, 6.0), 3, 30.0, 100).expect("fits");
        let long = launch_weeks(&rule(2.5, 6.0), 3, 104.0, 100).expect("fits");
        assert!(long.len() > short.len());
        assert_eq!(&long[..short.len()], &short[..]);
    }
}
