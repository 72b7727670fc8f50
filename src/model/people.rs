//! Engineers as individuals (`[people]`): each week every engineer may leave, at the
//! base turnover times a load multiplier driven by their own off-hours pages over the
//! last quarter; with load-triggered hiring, a team over a limit (or below its minimum
//! rotation) for some weeks opens a requisition, filled after a lead time by a hire who
//! ramps up before going on call.
//!
//! The multiplier's shape is an assumption (no public curve): 1 up to 2 off-hours pages
//! per engineer-month ("good", PagerDuty 2021), rising linearly to
//! `attrition_multiplier_bad` at 7 ("bad") and to `attrition_multiplier_burnout` at 19
//! (a burnout signal), flat beyond. It is a load risk, not a diagnosis.

use rand::Rng;

use super::accounting::{WeekFigures, ONCALL_CAP_FRAC, OPS_CAP_FRAC};
use super::decision::Decision;
use super::world::{EngineerId, TeamId, TeamKind, World};
use crate::engine::calendar::{HOURS_PER_WEEK, WEEKS_PER_MONTH, WEEKS_PER_YEAR};
use crate::engine::{fnv1a64, SimRng};
use crate::scenario::{Hiring, PeopleConfig};

/// Weeks of off-hours pages behind an engineer's load multiplier (a quarter).
pub const LOAD_WEEKS: usize = 13;

/// Off-hours pages per engineer-month of the three load levels (PagerDuty 2021).
const GOOD: f64 = 2.0;
const BAD: f64 = 7.0;
const BURNOUT: f64 = 19.0;

/// The stream id of a team's people events (departures, lead times, ramp-ups): apart
/// from every service's block of sixteen ids.
pub fn people_stream(team: &str) -> u64 {
    fnv1a64(&format!("people:{team}"))
}

/// The attrition multiplier at `pages` off-hours pages per engineer-month.
pub fn load_multiplier(cfg: &PeopleConfig, pages: f64) -> f64 {
    let (bad, burnout) = (
        cfg.attrition_multiplier_bad,
        cfg.attrition_multiplier_burnout,
    );
    if pages <= GOOD {
        1.0
    } else if pages <= BAD {
        1.0 + (bad - 1.0) * (pages - GOOD) / (BAD - GOOD)
    } else if pages <= BURNOUT {
        bad + (burnout - bad) * (pages - BAD) / (BURNOUT - BAD)
    } else {
        burnout
    }
}

/// The state of `[people]` in one run.
#[derive(Debug)]
pub struct People {
    cfg: PeopleConfig,
    /// By team.
    rngs: Vec<SimRng>,
    /// By engineer: off-hours pages in each of the last weeks (a ring).
    recent: Vec<[u32; LOAD_WEEKS]>,
    slot: usize,
    /// By team: consecutive weeks over a limit or understaffed.
    weeks_over: Vec<u32>,
    /// By team: requisitions open.
    open: Vec<u32>,
    /// By team: hires so far (names the next one).
    hired: Vec<u32>,
    /// By team: ops load of the last weeks (a ring of [`FATIGUE_WEEKS`]).
    ops_recent: Vec<[f64; FATIGUE_WEEKS]>,
    /// By team: the time-to-mitigate factor of fatigue now.
    fatigue: Vec<f64>,
}

/// Weeks of ops load behind fatigue.
pub const FATIGUE_WEEKS: usize = 4;

impl People {
    /// The state for `engineers` engineers and one stream per team.
    pub fn new(cfg: &PeopleConfig, engineers: usize, rngs: impl Iterator<Item = SimRng>) -> Self {
        let rngs: Vec<SimRng> = rngs.collect();
        let teams = rngs.len();
        People {
            cfg: cfg.clone(),
            rngs,
            recent: vec![[0; LOAD_WEEKS]; engineers],
            slot: 0,
            weeks_over: vec![0; teams],
            open: vec![0; teams],
            hired: vec![0; teams],
            ops_recent: vec![[0.0; FATIGUE_WEEKS]; teams],
            fatigue: vec![1.0; teams],
        }
    }

    /// A team formed during the run (a split), with its own stream.
    pub fn team_added(&mut self, rng: SimRng) {
        self.rngs.push(rng);
        self.weeks_over.push(0);
        self.open.push(0);
        self.hired.push(0);
        self.ops_recent.push([0.0; FATIGUE_WEEKS]);
        self.fatigue.push(1.0);
    }

    /// Team `from` merged into `into`: its open requisitions are the merged team's now.
    pub fn team_merged(&mut self, from: TeamId, into: TeamId) {
        let open = std::mem::take(&mut self.open[from.index()]);
        self.open[into.index()] += open;
        self.weeks_over[into.index()] = 0;
    }

    /// The factor fatigue puts on `team`'s times to mitigate now (1 without fatigue).
    #[inline]
    pub fn fatigue(&self, team: TeamId) -> f64 {
        self.fatigue[team.index()]
    }

    /// Records `team`'s ops load of the week that closed and updates its fatigue: 1
    /// plus `fatigue_per_ops_load` times the mean ops load of the last weeks above the
    /// 50% cap.
    fn tire(&mut self, team: TeamId, ops_load: f64, week: usize) {
        let ti = team.index();
        self.ops_recent[ti][week % FATIGUE_WEEKS] =
            if ops_load.is_finite() { ops_load } else { 0.0 };
        let mean = self.ops_recent[ti].iter().sum::<f64>() / FATIGUE_WEEKS as f64;
        self.fatigue[ti] = 1.0 + self.cfg.fatigue_per_ops_load * (mean - OPS_CAP_FRAC).max(0.0);
    }

    /// Off-hours pages per month of `e` over the last quarter, this week's
    /// `this_week` included.
    fn pages_per_month(&self, e: usize, this_week: u32) -> f64 {
        let quarter: u32 =
            self.recent[e].iter().sum::<u32>() - self.recent[e][self.slot] + this_week;
        f64::from(quarter) / LOAD_WEEKS as f64 * WEEKS_PER_MONTH
    }

    /// Moves this week's off-hours pages of every engineer of `world` into the ring
    /// (after every team's week has closed).
    pub fn roll_week(&mut self, world: &World) {
        self.roll_counts(world.engineers.iter().map(|e| e.offhours_pages_week));
    }

    /// Moves this week's off-hours pages, by engineer, into the ring.
    fn roll_counts(&mut self, this_week: impl Iterator<Item = u32>) {
        for (r, w) in self.recent.iter_mut().zip(this_week) {
            r[self.slot] = w;
        }
        self.slot = (self.slot + 1) % LOAD_WEEKS;
    }
}

/// A uniform draw in `[lo, hi]` weeks, in hours.
fn uniform_hours(rng: &mut SimRng, (lo, hi): (f64, f64)) -> f64 {
    let u: f64 = rng.random();
    (lo + (hi - lo) * u) * HOURS_PER_WEEK
}

impl People {
    /// The planned hires of `[people]`: when (hours), the team and the site of each.
    pub fn planned_hires(&self) -> impl Iterator<Item = (f64, TeamId, usize)> + '_ {
        self.cfg.plan.iter().flat_map(|h| {
            let at = h.week * HOURS_PER_WEEK;
            (0..h.count).map(move |_| (at, TeamId::new(h.team), h.site))
        })
    }

    /// At the end of SRE team `team`'s week (a share `week_fraction` of a whole week),
    /// before the week closes: the engineers who leave.
    pub fn attrition(&mut self, world: &World, team: TeamId, week_fraction: f64) -> Vec<Decision> {
        let mut leaving = Vec::new();
        // Every engineer draws every week, leaving or not, so that one engineer's fate
        // does not shift the others' draws.
        for (i, e) in world.engineers.iter().enumerate() {
            if e.team != team || !e.active {
                continue;
            }
            let multiplier =
                load_multiplier(&self.cfg, self.pages_per_month(i, e.offhours_pages_week));
            let hazard = self.cfg.attrition_per_year * multiplier * week_fraction / WEEKS_PER_YEAR;
            let u: f64 = self.rngs[team.index()].random();
            if u < 1.0 - (-hazard).exp() {
                leaving.push(Decision::Leave {
                    engineer: EngineerId::new(i),
                });
            }
        }
        leaving
    }

    /// After `team`'s week `week` closed with `f`: fatigue follows the ops load; with
    /// load-triggered hiring (not in the `last` week, not for developers), a
    /// requisition opens once the team has been over a limit for long enough. Returns
    /// the requisition: the site and the lead time, hours.
    pub fn week_closed(
        &mut self,
        world: &World,
        team: TeamId,
        f: &WeekFigures,
        week: u64,
        last: bool,
    ) -> Option<(usize, f64)> {
        self.tire(team, f.ops_load, week as usize);
        if last || self.cfg.hiring != Hiring::Load || world.team(team).kind == TeamKind::Developer {
            return None;
        }
        let tm = world.team(team);
        let pages_per_shift = if f.ledger.shifts > 0 {
            f.ledger.shift_pages as f64 / f.ledger.shifts as f64
        } else {
            0.0
        };
        let over = f.ops_load > OPS_CAP_FRAC
            || pages_per_shift > f64::from(tm.params.pager_budget)
            || f.oncall_frac > ONCALL_CAP_FRAC
            || world.understaffed(team);
        let ti = team.index();
        self.weeks_over[ti] = if over { self.weeks_over[ti] + 1 } else { 0 };
        let headcount = world.headcount(team);
        if self.weeks_over[ti] < self.cfg.trigger_weeks
            || headcount + self.open[ti] >= self.cfg.headcount_ceiling
        {
            return None;
        }
        self.weeks_over[ti] = 0;
        self.open[ti] += 1;
        // The hire goes to the team's site with the fewest engineers.
        let rot = &tm.rotation;
        let site = (0..rot.by_site.len())
            .min_by_key(|&r| {
                rot.by_site[r]
                    .iter()
                    .filter(|&&e| world.engineer(e).active)
                    .count()
            })
            .map_or(0, |r| rot.roster_sites[r]);
        Some((
            site,
            uniform_hours(&mut self.rngs[ti], self.cfg.lead_time_weeks),
        ))
    }

    /// A requisition of `team` (the merged team, if it merged since) was filled at
    /// `site` (`site_name`): the new engineer and their ramp-up.
    pub fn hired(&mut self, world: &World, team: TeamId, site: usize, site_name: &str) -> Decision {
        let ti = team.index();
        self.open[ti] = self.open[ti].saturating_sub(1);
        self.hired[ti] += 1;
        let name = format!(
            "{}-{}-h{}",
            world.team(team).name,
            site_name,
            self.hired[ti]
        );
        let ramp_hours = uniform_hours(&mut self.rngs[ti], self.cfg.ramp_up_weeks);
        self.recent.push([0; LOAD_WEEKS]);
        Decision::Hire {
            team,
            site,
            name,
            ramp_hours,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> PeopleConfig {
        PeopleConfig {
            attrition_per_year: 0.13,
            attrition_multiplier_bad: 2.0,
            attrition_multiplier_burnout: 4.0,
            ramp_up_weeks: (13.0, 39.0),
            hiring: Hiring::None,
            trigger_weeks: 4,
            lead_time_weeks: (6.5, 13.0),
            headcount_ceiling: 100,
            fatigue_per_ops_load: 0.0,
            plan: Vec::new(),
        }
    }

    #[test]
    fn the_load_multiplier_passes_through_the_three_levels() {
        let c = cfg();
        assert_eq!(load_multiplier(&c, 0.0), 1.0);
        assert_eq!(load_multiplier(&c, 2.0), 1.0);
        assert_eq!(load_multiplier(&c, 4.5), 1.5);
        assert_eq!(load_multiplier(&c, 7.0), 2.0);
        assert_eq!(load_multiplier(&c, 13.0), 3.0);
        assert_eq!(load_multiplier(&c, 19.0), 4.0);
        assert_eq!(load_multiplier(&c, 100.0), 4.0);
    }

    #[test]
    fn a_quarter_of_pages_rolls_through_the_ring() {
        let mut p = People::new(&cfg(), 1, std::iter::empty());
        for _ in 0..LOAD_WEEKS {
            p.roll_counts(std::iter::once(1));
        }
        // 13 pages in 13 weeks: one a week, 52/12 a month.
        assert!((p.pages_per_month(0, 0) - 12.0 / 13.0 * WEEKS_PER_MONTH).abs() < 1e-12);
        p.roll_counts(std::iter::once(0));
        assert!((p.pages_per_month(0, 0) - 11.0 / 13.0 * WEEKS_PER_MONTH).abs() < 1e-12);
    }
}
