//! The back-test: what the held-out weeks showed, per service and pooled, against
//! the 90% interval of the same figures over replications of the fitted scenario
//! simulated for as many weeks. Weekly pages, the off-hours share and the median and
//! p90 time to mitigate (page to resolution, as the export measures it).

use std::collections::BTreeMap;

use super::stats::quantile_sorted;

/// The figures of one set of incidents over a span of weeks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Pages per week.
    pub pages_per_week: f64,
    /// Share created outside working time (`NaN` with no incident).
    pub offhours_share: f64,
    /// Median page-to-resolution hours of the resolved ones (`NaN` with none).
    pub ttm_median_hours: f64,
    /// Their p90 (`NaN` with none).
    pub ttm_p90_hours: f64,
}

/// One incident as the back-test sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    /// Whether it came outside working time (local).
    pub offhours: bool,
    /// Page to resolution, hours (`None`: still open).
    pub ttm_hours: Option<f64>,
}

/// The figures of `pages` over `weeks`.
pub fn figures(pages: &[Page], weeks: f64) -> Figures {
    let mut ttm: Vec<f64> = pages.iter().filter_map(|p| p.ttm_hours).collect();
    ttm.sort_by(f64::total_cmp);
    let n = pages.len() as f64;
    Figures {
        pages_per_week: n / weeks,
        offhours_share: if pages.is_empty() {
            f64::NAN
        } else {
            pages.iter().filter(|p| p.offhours).count() as f64 / n
        },
        ttm_median_hours: quantile_sorted(&ttm, 0.5),
        ttm_p90_hours: quantile_sorted(&ttm, 0.9),
    }
}

/// The four figures, by name, in report order.
pub const FIGURES: [&str; 4] = [
    "pages_per_week",
    "offhours_share",
    "ttm_median_hours",
    "ttm_p90_hours",
];

fn get(f: &Figures, i: usize) -> f64 {
    match i {
        0 => f.pages_per_week,
        1 => f.offhours_share,
        2 => f.ttm_median_hours,
        _ => f.ttm_p90_hours,
    }
}

/// One check: an observed figure against the simulated 90% interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The service (`all` for the pooled figures).
    pub service: String,
    /// Which figure ([`FIGURES`]).
    pub figure: &'static str,
    /// What the held-out weeks showed.
    pub observed: f64,
    /// The 5% quantile over replications.
    pub sim_p05: f64,
    /// The 95% quantile over replications.
    pub sim_p95: f64,
    /// Replications the interval rests on (those where the figure exists).
    pub replications: usize,
}

impl Check {
    /// Whether the observed figure lies inside the simulated interval.
    pub fn inside(&self) -> bool {
        self.sim_p05 <= self.observed && self.observed <= self.sim_p95
    }
}

/// The service name of the pooled checks.
pub const POOLED: &str = "all";

/// Compares `observed` (service → figures) with `simulated` (per replication:
/// service → figures): every figure defined on both sides gives one check, the
/// pooled ones under [`POOLED`] included when given.
pub fn compare(
    observed: &BTreeMap<String, Figures>,
    simulated: &[BTreeMap<String, Figures>],
) -> Vec<Check> {
    let mut out = Vec::new();
    for (service, obs) in observed {
        for (i, figure) in FIGURES.iter().enumerate() {
            let o = get(obs, i);
            if !o.is_finite() {
                continue;
            }
            let mut sims: Vec<f64> = simulated
                .iter()
                .map(|r| {
                    r.get(service)
                        .map_or(if i == 0 { 0.0 } else { f64::NAN }, |f| get(f, i))
                })
                .filter(|x| x.is_finite())
                .collect();
            if sims.len() < 2 {
                continue;
            }
            sims.sort_by(f64::total_cmp);
            out.push(Check {
                service: service.clone(),
                figure,
                observed: o,
                sim_p05: quantile_sorted(&sims, 0.05),
                sim_p95: quantile_sorted(&sims, 0.95),
                replications: sims.len(),
            });
        }
    }
    out
}

/// How many checks fall inside their interval, of how many.
pub fn card(checks: &[Check]) -> (usize, usize) {
    (checks.iter().filter(|c| c.inside()).count(), checks.len())
}
