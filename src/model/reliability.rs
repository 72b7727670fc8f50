//! Reliability work and its absence (`[reliability]`): what makes overload
//! self-reinforcing.
//!
//! Every week each service's rate factor drifts toward the ceiling by a share of the
//! gap (systems decay without care: new features, growing traffic, configuration
//! drift), and the reliability work SRE spends on it pulls it toward the floor: each 100
//! hours close `cut_per_100h` of the gap, compounding (200 hours close
//! `1 − (1 − cut)²`). An SRE team spends `project_share` of the project hours its week
//! left on the services it supports, in proportion to the pages each is expected to
//! bring. The factor scales the service's page rate (through the arrivals' reliability
//! factor, whose bound is the ceiling, so no other draw moves) and its tickets (toil
//! automated or grown back). An overloaded team has no project hours left, its services
//! drift up, they page more, and its ops load rises further.

use super::decision::{Decision, RateFactor};
use super::world::{PagerHolder, ServiceId, TeamId, TeamKind, World};
use crate::scenario::ReliabilityConfig;

/// The reliability state of one run.
#[derive(Debug)]
pub struct Reliability {
    cfg: ReliabilityConfig,
    /// By service: what work and neglect have made of its rates.
    factor: Vec<f64>,
}

impl Reliability {
    /// Every service at factor 1.
    pub fn new(cfg: ReliabilityConfig, services: usize) -> Self {
        Reliability {
            cfg,
            factor: vec![1.0; services],
        }
    }

    /// The highest factor: the bound of the arrivals' reliability factor.
    pub fn ceiling(&self) -> f64 {
        self.cfg.ceiling
    }
}

/// The next factor after one week at `f` with `hours` of reliability work.
pub fn next_factor(cfg: &ReliabilityConfig, f: f64, hours: f64) -> f64 {
    let drifted = f + cfg.drift_per_week * (cfg.ceiling - f);
    let kept = (1.0 - cfg.cut_per_100h).powf(hours / 100.0);
    let worked = if drifted > cfg.floor {
        cfg.floor + (drifted - cfg.floor) * kept
    } else {
        drifted
    };
    worked.clamp(cfg.floor.min(f), cfg.ceiling)
}

/// Whether `team` holds `holder`'s pager, alone or shared.
fn holds(holder: PagerHolder, team: TeamId) -> bool {
    match holder {
        PagerHolder::Team(t) => t == team,
        PagerHolder::Shared { primary, secondary } => primary == team || secondary == team,
        PagerHolder::BestEffort { .. } | PagerHolder::Nobody => false,
    }
}

impl Reliability {
    /// What reliability work and neglect have made of `service`'s rates now.
    pub fn factor(&self, service: ServiceId) -> f64 {
        self.factor[service.index()]
    }

    /// At the end of a week: each SRE team's reliability work (`project_hours`: what
    /// each team's week left, spread over the services it supports by the pages each
    /// is expected to bring, `pages_per_hour`), plus the developer hours the
    /// error-budget policy puts on each service (`dev_hours`), then every launched
    /// service's drift and the work's effect. Returns the hours each team spent and
    /// the new factors.
    pub fn week(
        &mut self,
        world: &World,
        project_hours: &[(TeamId, f64)],
        pages_per_hour: impl Fn(ServiceId) -> f64,
        dev_hours: impl Fn(ServiceId) -> f64,
    ) -> ReliabilityWeek {
        let cfg = self.cfg;
        let n = world.services.len();
        let mut hours = vec![0.0; n];
        let mut spent = Vec::new();
        for &(team, project) in project_hours {
            let tm = world.team(team);
            if tm.kind != TeamKind::Sre || tm.merged_into.is_some() {
                continue;
            }
            let budget = project * cfg.project_share;
            // Where the pages are expected to come from now.
            let weights: Vec<(usize, f64)> = (0..n)
                .filter_map(|si| {
                    let s = &world.services[si];
                    let phase = s.phase?;
                    holds(s.holder, team).then(|| {
                        let pages = pages_per_hour(ServiceId::new(si))
                            * s.schedule.multiplier[phase.index()]
                            * s.rate_factor;
                        (si, pages)
                    })
                })
                .collect();
            let total: f64 = weights.iter().map(|w| w.1).sum();
            if budget <= 0.0 || weights.is_empty() {
                continue;
            }
            for &(si, w) in &weights {
                let share = if total > 0.0 {
                    w / total
                } else {
                    1.0 / weights.len() as f64
                };
                hours[si] += budget * share;
            }
            spent.push(budget);
        }
        // Developer hours the error-budget policy puts on a service count as its
        // reliability work too.
        for (si, h) in hours.iter_mut().enumerate() {
            *h += dev_hours(ServiceId::new(si));
        }
        let mut factors = Vec::with_capacity(n);
        for (si, &h) in hours.iter().enumerate() {
            if world.services[si].phase.is_none() {
                continue;
            }
            let f = next_factor(&cfg, self.factor[si], h);
            self.factor[si] = f;
            factors.push(Decision::SetFactor {
                service: ServiceId::new(si),
                factor: RateFactor::Reliability,
                value: f,
            });
        }
        ReliabilityWeek { spent, factors }
    }
}

/// What a week of reliability work came to.
#[derive(Debug)]
pub struct ReliabilityWeek {
    /// Hours each SRE team spent on reliability work, in team order.
    pub spent: Vec<f64>,
    /// The new reliability factor of every launched service.
    pub factors: Vec<Decision>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> ReliabilityConfig {
        ReliabilityConfig {
            project_share: 0.5,
            cut_per_100h: 0.1,
            floor: 0.5,
            drift_per_week: 0.01,
            ceiling: 2.0,
        }
    }

    #[test]
    fn neglect_drifts_toward_the_ceiling_and_work_toward_the_floor() {
        let c = cfg();
        let mut f = 1.0;
        for _ in 0..1000 {
            f = next_factor(&c, f, 0.0);
        }
        assert!((f - 2.0).abs() < 1e-3, "{f}");
        let mut g = 1.0;
        for _ in 0..1000 {
            g = next_factor(&c, g, 400.0);
        }
        // Equilibrium: the drift's push equals the work's pull, just above the floor.
        assert!(g > 0.5 && g < 0.6, "{g}");
        // 100 hours close a tenth of the gap (after a week's drift).
        let one = next_factor(&c, 1.0, 100.0);
        let drifted = 1.0 + 0.01 * 1.0;
        assert!((one - (0.5 + (drifted - 0.5) * 0.9)).abs() < 1e-12);
    }
}
