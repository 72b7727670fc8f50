//! The fits, per service and per team: page rate per week (exact Poisson interval)
//! and its trend per quarter, the working-time multiplier and the hour-of-week
//! profile, the severity mix, time to mitigate per severity (censored log-normal, with
//! its Kolmogorov–Smirnov distance and the empirical quantiles beside it) and the
//! acknowledge delays in and out of working time.

use std::collections::BTreeMap;

use super::stats::{self, Duration, LogNormalFit, Z95};
use super::{Export, Incident, SECONDS_PER_WEEK};
use crate::model::WORKING_TIME;

/// Weeks in a quarter, as the trend is reported.
pub const WEEKS_PER_QUARTER: f64 = 13.0;

/// Fewest ended incidents for a service's own time-to-mitigate fit of one severity;
/// with fewer the service borrows the export-wide fit of that severity.
pub const MIN_TTM_EVENTS: usize = 10;

/// An estimate with its 95% interval and the sample it rests on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// Lower end of the 95% interval.
    pub lo: f64,
    /// Upper end of the 95% interval.
    pub hi: f64,
    /// Observations it rests on.
    pub n: u64,
}

impl Estimate {
    /// Whether `x` lies inside the interval.
    pub fn covers(&self, x: f64) -> bool {
        self.lo <= x && x <= self.hi
    }
}

/// A trend of the page rate over the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    /// Relative change of the rate per quarter (0.1 = 10% more pages each quarter).
    pub per_quarter: Estimate,
    /// The fitted rate at the period's end, pages per week.
    pub end_rate_per_week: f64,
}

impl Trend {
    /// Whether the interval excludes zero (then the scenario takes the end rate).
    pub fn significant(&self) -> bool {
        self.per_quarter.lo > 0.0 || self.per_quarter.hi < 0.0
    }
}

/// A time-to-mitigate (or acknowledge) fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TtmFit {
    /// The log-normal.
    pub fit: LogNormalFit,
    /// Its median, hours.
    pub median: Estimate,
    /// Its p90, hours.
    pub p90: Estimate,
    /// The empirical (Kaplan–Meier) median and p90, hours (`NaN` when open incidents
    /// hide them).
    pub empirical: (f64, f64),
    /// The Kolmogorov–Smirnov distance between the two.
    pub ks: f64,
    /// The Kaplan–Meier curve (hours, F), for the chart.
    pub km: Vec<(f64, f64)>,
}

impl TtmFit {
    /// Fits `xs`; `None` with fewer than two ended observations.
    pub fn of(xs: &[Duration]) -> Option<TtmFit> {
        let fit = stats::fit_lognormal(xs)?;
        let ((mlo, mhi), (plo, phi)) = fit.ci95();
        let km = stats::kaplan_meier(xs);
        let n = xs.len() as u64;
        Some(TtmFit {
            median: Estimate {
                value: fit.median(),
                lo: mlo,
                hi: mhi,
                n,
            },
            p90: Estimate {
                value: fit.p90(),
                lo: plo,
                hi: phi,
                n,
            },
            empirical: (stats::km_quantile(&km, 0.5), stats::km_quantile(&km, 0.9)),
            ks: stats::ks_distance(&km, |t| fit.cdf(t)),
            km,
            fit,
        })
    }
}

/// One severity of a service.
#[derive(Debug, Clone, PartialEq)]
pub struct SeverityFit {
    /// Its name after the mapping.
    pub name: String,
    /// Its share of the service's incidents (Wilson interval).
    pub share: Estimate,
    /// Time to mitigate; `None` where the service has too few and the export-wide fit
    /// stands in (see [`Calibration::pooled_ttm`]).
    pub ttm: Option<TtmFit>,
}

/// One service.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceFit {
    /// Its name in the export.
    pub name: String,
    /// The team most of its incidents name (empty when none).
    pub team: String,
    /// Page rate per week (Garwood interval).
    pub rate: Estimate,
    /// The trend over the period, where there are two weeks or more.
    pub trend: Option<Trend>,
    /// Rate in working time over the rate outside it (the scenario's
    /// `business_hours_multiplier` with `off_hours_multiplier = 1`).
    pub business_multiplier: Estimate,
    /// Incidents by local hour of the week (Monday 00:00 = 0).
    pub hour_of_week: [u64; 168],
    /// Incidents by week of the period.
    pub weekly: Vec<u64>,
    /// Share of incidents created outside working time.
    pub offhours_share: f64,
    /// The severity mix, most frequent first.
    pub severities: Vec<SeverityFit>,
}

/// One acknowledge-delay fit.
pub type AckFit = TtmFit;

/// One team.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamFit {
    /// Its name in the export (empty: incidents naming no team).
    pub name: String,
    /// Pages per week over all its services.
    pub rate: Estimate,
    /// Acknowledge delay of pages in working time.
    pub ack_business: Option<AckFit>,
    /// Acknowledge delay of pages outside it.
    pub ack_off: Option<AckFit>,
    /// Acknowledge delay of all its pages.
    pub ack_all: Option<AckFit>,
}

/// Everything fitted from one export.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Weeks of the period.
    pub weeks: f64,
    /// The services, by name.
    pub services: Vec<ServiceFit>,
    /// The teams, by name.
    pub teams: Vec<TeamFit>,
    /// Time to mitigate per severity over the whole export.
    pub pooled_ttm: BTreeMap<String, TtmFit>,
    /// The offset from UTC most incidents were created at, hours.
    pub utc_offset_hours: f64,
}

impl Calibration {
    /// The time-to-mitigate fit the scenario takes for `sev` of `service`: its own,
    /// else the export-wide one.
    pub fn ttm_for<'a>(&'a self, service: &'a ServiceFit, sev: &str) -> Option<&'a TtmFit> {
        service
            .severities
            .iter()
            .find(|s| s.name == sev)
            .and_then(|s| s.ttm.as_ref())
            .or_else(|| self.pooled_ttm.get(sev))
    }
}

/// Mitigation hours of an incident as the model draws them: from the acknowledgement
/// (the model adds the acknowledge delay itself) when there is one, else from
/// creation; an open incident is censored at the period's end.
fn mitigation(i: &Incident, end: f64) -> Duration {
    let from = i.ack_hours.unwrap_or(0.0);
    match i.resolve_hours {
        Some(h) => Duration {
            hours: (h - from).max(stats::MIN_HOURS),
            ended: true,
        },
        None => Duration {
            hours: ((end - i.created.unix_seconds) / 3600.0 - from).max(stats::MIN_HOURS),
            ended: false,
        },
    }
}

/// The Garwood interval of `k` events over `weeks`, per week.
fn rate(k: u64, weeks: f64) -> Estimate {
    let (lo, hi) = stats::poisson_ci95(k);
    Estimate {
        value: k as f64 / weeks,
        lo: lo / weeks,
        hi: hi / weeks,
        n: k,
    }
}

/// Fits every service and team of `export`.
pub fn fit(export: &Export) -> Calibration {
    let weeks = export.weeks();
    let end = export.end;
    let mut by_service: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    let mut by_team: BTreeMap<&str, Vec<&Incident>> = BTreeMap::new();
    let mut by_severity: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut offsets: BTreeMap<i64, u64> = BTreeMap::new();
    for i in &export.incidents {
        by_service.entry(&i.service).or_default().push(i);
        by_team.entry(&i.team).or_default().push(i);
        by_severity
            .entry(&i.severity)
            .or_default()
            .push(mitigation(i, end));
        *offsets
            .entry((i.created.utc_offset_hours * 4.0).round() as i64)
            .or_default() += 1;
    }
    let utc_offset_hours = offsets
        .iter()
        .max_by_key(|(o, n)| (**n, -**o))
        .map_or(0.0, |(o, _)| *o as f64 / 4.0);
    let pooled_ttm = by_severity
        .iter()
        .filter_map(|(s, xs)| TtmFit::of(xs).map(|f| (s.to_string(), f)))
        .collect();
    let services = by_service
        .iter()
        .map(|(name, xs)| service(name, xs, export.start, end, weeks))
        .collect();
    let teams = by_team
        .iter()
        .map(|(name, xs)| {
            let ack = |keep: &dyn Fn(&Incident) -> bool| {
                let d: Vec<Duration> = xs
                    .iter()
                    .filter(|i| keep(i))
                    .filter_map(|i| i.ack_hours)
                    .map(|h| Duration {
                        hours: h.max(stats::MIN_HOURS),
                        ended: true,
                    })
                    .collect();
                TtmFit::of(&d)
            };
            TeamFit {
                name: name.to_string(),
                rate: rate(xs.len() as u64, weeks),
                ack_business: ack(&|i| i.in_working_time()),
                ack_off: ack(&|i| !i.in_working_time()),
                ack_all: ack(&|_| true),
            }
        })
        .collect();
    Calibration {
        weeks,
        services,
        teams,
        pooled_ttm,
        utc_offset_hours,
    }
}

fn service(name: &str, xs: &[&Incident], start: f64, end: f64, weeks: f64) -> ServiceFit {
    let n = xs.len() as u64;
    let mut teams: BTreeMap<&str, u64> = BTreeMap::new();
    let mut how = [0u64; 168];
    let whole_weeks = (weeks.floor() as usize).max(1);
    let mut weekly = vec![0u64; whole_weeks];
    let mut working = 0u64;
    for i in xs {
        *teams.entry(&i.team).or_default() += 1;
        how[(i.created.local_hour_of_week as usize).min(167)] += 1;
        let w = ((i.created.unix_seconds - start) / SECONDS_PER_WEEK).floor();
        if w >= 0.0 && (w as usize) < whole_weeks {
            weekly[w as usize] += 1;
        }
        working += u64::from(i.in_working_time());
    }
    let team = teams
        .iter()
        .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
        .map_or(String::new(), |(t, _)| t.to_string());
    let rate = rate(n, weeks);
    // Trend: only the whole weeks (a partial last week would read as a drop).
    let trend = (whole_weeks >= 2 && weeks >= 2.0)
        .then(|| stats::poisson_trend(&weekly))
        .flatten()
        .map(|(b, se)| {
            let q = |x: f64| (WEEKS_PER_QUARTER * x).exp() - 1.0;
            Trend {
                per_quarter: Estimate {
                    value: q(b),
                    lo: q(b - Z95 * se),
                    hi: q(b + Z95 * se),
                    n,
                },
                // The log-linear fit passes through the mean rate at mid-period.
                end_rate_per_week: rate.value * (b * weeks / 2.0).exp(),
            }
        });
    // Working time: 75 of 168 hours. Given n, the working-time count is binomial with
    // p = 75 r / (75 r + 93), r the rate ratio; Wilson's interval of p maps to r.
    let hw = WORKING_TIME.hours_per_week();
    let ho = 168.0 - hw;
    let to_ratio = |p: f64| {
        if p >= 1.0 {
            f64::INFINITY
        } else {
            p / (1.0 - p) * ho / hw
        }
    };
    let (plo, phi) = stats::wilson_ci95(working, n);
    let business_multiplier = Estimate {
        value: to_ratio(working as f64 / n.max(1) as f64),
        lo: to_ratio(plo),
        hi: to_ratio(phi),
        n,
    };
    let mut sevs: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for i in xs {
        sevs.entry(&i.severity)
            .or_default()
            .push(mitigation(i, end));
    }
    let mut severities: Vec<SeverityFit> = sevs
        .iter()
        .map(|(s, d)| {
            let k = d.len() as u64;
            let (lo, hi) = stats::wilson_ci95(k, n);
            let ended = d.iter().filter(|d| d.ended).count();
            SeverityFit {
                name: s.to_string(),
                share: Estimate {
                    value: k as f64 / n as f64,
                    lo,
                    hi,
                    n,
                },
                ttm: (ended >= MIN_TTM_EVENTS).then(|| TtmFit::of(d)).flatten(),
            }
        })
        .collect();
    severities.sort_by(|a, b| {
        b.share
            .value
            .total_cmp(&a.share.value)
            .then(a.name.cmp(&b.name))
    });
    ServiceFit {
        name: name.to_string(),
        team,
        rate,
        trend,
        business_multiplier,
        hour_of_week: how,
        weekly,
        offhours_share: 1.0 - working as f64 / n.max(1) as f64,
        severities,
    }
}
