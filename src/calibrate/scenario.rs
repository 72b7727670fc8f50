//! The scenario a calibration writes: the fitted services (each value with its 95%
//! interval and sample size in a comment) in a complete scenario of their own, or in
//! place of a base scenario's services, its teams, sites, organisation and policies
//! kept. What an export cannot tell is written as a marked assumption.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::fit::{Calibration, Estimate, ServiceFit, TtmFit};

/// What every scenario written says it could not infer.
pub const NOT_INFERRED: &str = "team sizes and sites, shift patterns, lifecycle phases, SLO targets, impact fractions, products, stacks, tiers and tickets";

/// The mark on every value an export cannot tell.
const MARK: &str = "NOT INFERRED (assumption)";

/// Shortest duration a scenario accepts, hours (one minute).
const MIN_DURATION_HOURS: f64 = 1.0 / 60.0;

/// Impact fraction written for every severity (not in an export).
pub const ASSUMED_IMPACT: f64 = 0.01;

/// `name` as a scenario name: characters a name may not hold become `-`, cut to 64
/// characters, never empty.
pub fn scenario_name(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(64)
        .collect();
    let t = mapped.trim_matches(|c| c == ' ' || c == '.').to_string();
    if t.is_empty() {
        "unnamed".into()
    } else {
        t
    }
}

/// The scenario name of every service (and team) of the export, unique: a name that
/// maps onto an earlier one gets `-2`, `-3`, … (export name → scenario name).
pub fn names<'a>(export_names: impl Iterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut used = BTreeSet::new();
    let mut out = BTreeMap::new();
    for n in export_names {
        if out.contains_key(n) {
            continue;
        }
        let base = scenario_name(n);
        let mut name = base.clone();
        let mut k = 2;
        while !used.insert(name.to_lowercase()) {
            name = format!("{}-{k}", base.chars().take(60).collect::<String>());
            k += 1;
        }
        out.insert(n.to_string(), name);
    }
    out
}

/// A number as written: four significant digits, no exponent for ordinary values.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        return "inf".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
    // Half away from zero (formatting alone rounds a tie to even: 1234.5 to 1234).
    let scale = 10f64.powi(digits as i32);
    let r = (x * scale).round() / scale;
    let s = format!("{r:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn interval(e: &Estimate) -> String {
    format!("95% CI [{}, {}], n = {}", num(e.lo), num(e.hi), e.n)
}

/// A log-normal duration as the scenario takes it, kept inside the accepted range.
fn lognormal(f: &TtmFit) -> String {
    let median = f.median.value.clamp(MIN_DURATION_HOURS, 8760.0);
    let p90 = f.p90.value.max(median * 1.01).min(8760.0 * 1.01);
    format!(
        "{{ lognormal = {{ median_hours = {}, p90_hours = {} }} }}",
        num(median),
        num(p90.max(median * 1.01))
    )
}

fn ttm_note(f: &TtmFit, own: bool) -> String {
    format!(
        "median {} h ({}), p90 {} h ({}), KS {}, {} open{}",
        num(f.median.value),
        interval(&f.median),
        num(f.p90.value),
        interval(&f.p90),
        num(f.ks),
        f.fit.censored,
        if own {
            ""
        } else {
            "; too few for this service: the export-wide fit of this severity"
        }
    )
}

/// What the scenario's header says about the export.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The export file, as given.
    pub export: String,
    /// The format read.
    pub format: String,
    /// Incidents used and rows rejected.
    pub used: u64,
    /// Rows rejected.
    pub rejected: u64,
    /// The time zone of the profile.
    pub timezone: String,
    /// The scenario's name.
    pub name: String,
}

/// The page rate the scenario takes: the mean, or the rate at the period's end when
/// the trend's interval excludes zero.
pub fn written_rate(s: &ServiceFit) -> f64 {
    match &s.trend {
        Some(t) if t.significant() => t.end_rate_per_week,
        _ => s.rate.value,
    }
}

/// The `[[services]]` blocks, each on `team` (a scenario team name) at `site`.
fn services(
    cal: &Calibration,
    names: &BTreeMap<String, String>,
    team_of: &dyn Fn(&ServiceFit) -> Option<String>,
    site: Option<&str>,
) -> String {
    let mut t = String::new();
    for s in &cal.services {
        let _ = writeln!(t, "[[services]]");
        let _ = writeln!(t, "name = {:?}", names[&s.name]);
        let _ = writeln!(t, "product = \"calibrated\"   # {MARK}");
        let _ = writeln!(t, "stack = \"unknown\"        # {MARK}");
        if let Some(team) = team_of(s) {
            let _ = writeln!(
                t,
                "team = {team:?}{}",
                if s.team.is_empty() {
                    "   # the export names no team".to_string()
                } else {
                    format!("   # export team {:?}", s.team)
                }
            );
        }
        if let Some(site) = site {
            let _ = writeln!(t, "site = {site:?}");
        }
        let rate = written_rate(s);
        let trend = match &s.trend {
            Some(tr) => format!(
                "; trend {}% per quarter (95% CI [{}%, {}%]){}",
                num(100.0 * tr.per_quarter.value),
                num(100.0 * tr.per_quarter.lo),
                num(100.0 * tr.per_quarter.hi),
                if tr.significant() {
                    format!(
                        ": excludes 0, so the rate at the period's end (mean {})",
                        num(s.rate.value)
                    )
                } else {
                    ": includes 0, so the mean".into()
                }
            ),
            None => String::new(),
        };
        let _ = writeln!(
            t,
            "page_rate_per_week = {}   # fitted: {}, over {} weeks{trend}",
            num(rate),
            interval(&s.rate),
            num(cal.weeks)
        );
        let _ = writeln!(t, "slo_target = 0.999        # {MARK}");
        let b = &s.business_multiplier;
        let (bm, om) = if b.value.is_infinite() {
            ("1".to_string(), "0")
        } else {
            (num(b.value.min(1000.0)), "1")
        };
        let _ = writeln!(
            t,
            "load_profile = {{ business_hours_multiplier = {bm}, off_hours_multiplier = {om} }}   # fitted: rate in working time (weekdays 07-22 local) over the rest, {}",
            interval(b)
        );
        let _ = writeln!(t, "severities = [");
        let shares = rounded_shares(s.severities.iter().map(|x| x.share.value));
        for (x, share) in s.severities.iter().zip(shares) {
            let (ttm, note) = match cal.ttm_for(s, &x.name) {
                Some(f) => (lognormal(f), ttm_note(f, x.ttm.is_some())),
                None => (
                    "{ lognormal = { median_hours = 1.1, p90_hours = 5.5 } }".to_string(),
                    format!("{MARK}: too few resolved incidents; median 1.1 h, p90 5.5 h after [D] Davidovic 2021"),
                ),
            };
            let _ = writeln!(
                t,
                "  # {}: share {} ({}); time to mitigate {note}; impact_fraction {MARK}",
                x.name,
                num(x.share.value),
                interval(&x.share),
            );
            let _ = writeln!(
                t,
                "  {{ name = {:?}, share = {share}, impact_fraction = {ASSUMED_IMPACT}, time_to_mitigate = {ttm} }},",
                scenario_name(&x.name),
            );
        }
        let _ = writeln!(t, "]\n");
    }
    t
}

/// Shares rounded to six decimals, the last taking the rest so that they sum to 1.
fn rounded_shares(xs: impl Iterator<Item = f64>) -> Vec<String> {
    let xs: Vec<f64> = xs.collect();
    let mut out = Vec::with_capacity(xs.len());
    let mut micro_left: i64 = 1_000_000;
    for (i, x) in xs.iter().enumerate() {
        let m = if i + 1 == xs.len() {
            micro_left
        } else {
            ((x * 1e6).round() as i64).min(micro_left)
        };
        micro_left -= m;
        out.push(format!("{:.6}", m as f64 / 1e6));
    }
    out
}

fn header_text(h: &Header, cal: &Calibration) -> String {
    format!(
        "# Calibrated by `sresim calibrate` from {} ({} format): {} incidents over {} weeks, {} rows rejected (see rejected.csv).\n\
         # Local time: {}. Every fitted value carries its 95% interval and sample size.\n\
         # Time to mitigate is a log-normal fitted to the resolve times after the\n\
         # acknowledgement (the model adds the acknowledge delay), open incidents censored.\n\
         # Not inferred from an export, marked \"{MARK}\": {NOT_INFERRED}.\n",
        h.export,
        h.format,
        h.used,
        num(cal.weeks),
        h.rejected,
        h.timezone
    )
}

/// A complete scenario of the calibrated services: one site in the export's local
/// time, one team per export team (8 engineers, week-long shifts with a primary and
/// a secondary: assumptions), its acknowledge delays fitted.
pub fn standalone(cal: &Calibration, h: &Header) -> String {
    let team_names = names(cal.teams.iter().map(|t| team_label(&t.name)));
    let svc_names = names(cal.services.iter().map(|s| s.name.as_str()));
    let mut t = header_text(h, cal);
    let _ = write!(
        t,
        "\nversion = 1\n\n[simulation]\nname = {:?}\nhorizon_weeks = 52        # assumption: a year ahead\nreplications = 20         # assumption\nseed = 1                  # assumption: any fixed seed\n\n\
         [[sites]]\nname = \"local\"\nutc_offset_hours = {}     # the export's local time (the model keeps one offset all year)\n\n",
        scenario_name(&h.name),
        num(cal.utc_offset_hours)
    );
    for team in &cal.teams {
        let _ = writeln!(t, "[[teams]]");
        let _ = writeln!(t, "name = {:?}", team_names[team_label(&team.name)]);
        let _ = writeln!(t, "members = {{ local = 8 }}          # {MARK}: the minimum single-site rotation [G] SRE book ch.11");
        let _ = writeln!(t, "shift_hours = 168                  # {MARK}: week-long primary/secondary [G] Workbook ch.8");
        let _ = writeln!(t, "responders_per_shift = 2           # {MARK}");
        let _ = writeln!(t, "min_rotation_single_site = 8       # {MARK}");
        for (key, fit) in [
            ("ack_business_hours", &team.ack_business),
            ("ack_off_hours", &team.ack_off),
        ] {
            if let Some(f) = fit.as_ref().or(team.ack_all.as_ref()) {
                let _ = writeln!(
                    t,
                    "{key} = {}   # fitted: median {} h ({}), p90 {} h, KS {}",
                    lognormal(f),
                    num(f.median.value),
                    interval(&f.median),
                    num(f.p90.value),
                    num(f.ks)
                );
            }
        }
        let _ = writeln!(t);
    }
    let team_of = |s: &ServiceFit| Some(team_names[team_label(&s.team)].clone());
    t.push_str(&services(cal, &svc_names, &team_of, Some("local")));
    t
}

/// The team name for incidents that name none.
fn team_label(name: &str) -> &str {
    if name.is_empty() {
        "team"
    } else {
        name
    }
}

/// `base` (a scenario's text) with its services replaced by the calibrated ones: its
/// teams, sites, organisation and policies kept. A service goes to the base team of
/// its export team's name, else to the base's first team.
pub fn into_base(cal: &Calibration, h: &Header, base: &str) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = base
        .parse()
        .map_err(|e| format!("the base scenario is not TOML: {e}"))?;
    doc.remove("services");
    let team_names: Vec<String> = doc
        .get("teams")
        .and_then(|t| t.as_array_of_tables())
        .map(|a| {
            a.iter()
                .filter_map(|t| t.get("name").and_then(|n| n.as_str()).map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let site = doc
        .get("sites")
        .and_then(|t| t.as_array_of_tables())
        .and_then(|a| a.iter().next())
        .and_then(|t| t.get("name").and_then(|n| n.as_str()).map(String::from));
    let svc_names = names(cal.services.iter().map(|s| s.name.as_str()));
    let team_of = |s: &ServiceFit| {
        team_names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(&scenario_name(&s.team)))
            .or(team_names.first())
            .cloned()
    };
    let mut out = doc.to_string();
    out.push_str(
        "\n# ---- calibrated services -------------------------------------------------------\n",
    );
    out.push_str(&header_text(h, cal));
    out.push('\n');
    out.push_str(&services(cal, &svc_names, &team_of, site.as_deref()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_valid_and_unique() {
        let n = names(["Checkout API", "checkout/api", "a:b"].into_iter());
        assert_eq!(n["Checkout API"], "Checkout API");
        assert_eq!(n["checkout/api"], "checkout-api");
        assert_eq!(n["a:b"], "a-b");
        let n = names(["x/y", "x:y"].into_iter());
        assert_eq!(n["x/y"], "x-y");
        assert_eq!(n["x:y"], "x-y-2");
    }

    #[test]
    fn shares_sum_to_one_exactly() {
        let s = rounded_shares([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0].into_iter());
        let sum: f64 = s.iter().map(|x| x.parse::<f64>().unwrap()).sum();
        assert!((sum - 1.0).abs() < 1e-9, "{s:?}");
        assert_eq!(num(0.06666), "0.06666");
        assert_eq!(num(1234.5), "1235");
        assert_eq!(num(1.25), "1.25");
    }
}
