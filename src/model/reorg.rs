//! Teams that change during a run (`organization.split_when`, `organization.merge_when`).
//!
//! At the end of every week, once each team's week has closed, the rules look at the
//! world and decide: two SRE teams under their minimum rotation for
//! `understaffed_weeks` weeks in a row merge (the later team into the earlier one), and
//! a team that carries more than `services_over` services, or has been over the ops
//! cap for `ops_cap_weeks` weeks in a row, splits in two along stack or product lines
//! when its head count allows two rotations at the minimum. Deciding is pure
//! ([`split_decision`], [`merge_decisions`]) and returns [`Decision`]s; the loop's `apply` moves the engineers, the pagers
//! and the waiting pages, restarts the shifts of the teams involved at the boundary and
//! writes one `reorgs.csv` row. Nothing is lost: head count and services are conserved.

use super::decision::{Decision, Split};
use super::world::{EngineerId, ServiceId, TeamId, TeamKind, World};
use crate::scenario::{MergeRule, ReorgConfig, SplitAlong, SplitRule};

/// The re-organisation rules of a run and the weeks each team has been under its
/// minimum rotation (its weeks over the ops cap are the team's own).
#[derive(Debug)]
pub struct Reorg {
    cfg: ReorgConfig,
    /// By team: weeks in a row under the minimum rotation.
    weeks_under: Vec<u32>,
}

impl Reorg {
    /// The state of `teams` teams under `cfg`.
    pub fn new(cfg: ReorgConfig, teams: usize) -> Self {
        Reorg {
            cfg,
            weeks_under: vec![0; teams],
        }
    }

    /// `team`'s week closed, under its minimum rotation or not.
    pub fn week_closed(&mut self, team: TeamId, understaffed: bool) {
        let n = &mut self.weeks_under[team.index()];
        *n = if understaffed { n.saturating_add(1) } else { 0 };
    }

    /// A team formed during the run (a split).
    pub fn team_added(&mut self) {
        self.weeks_under.push(0);
    }

    /// `team` re-organised: its count of weeks under the minimum starts again.
    pub fn reset(&mut self, team: TeamId) {
        self.weeks_under[team.index()] = 0;
    }

    /// At the end of the week at `t`: the merges the merge rule asks for, decided
    /// together before any is carried out.
    pub fn merges(&self, world: &World) -> Vec<Decision> {
        let Some(rule) = self.cfg.merge else {
            return Vec::new();
        };
        merge_decisions(world, &rule, &self.weeks_under)
            .into_iter()
            .map(|(keep, absorbed)| Decision::Merge {
                keep,
                absorbed,
                weeks: rule.understaffed_weeks,
            })
            .collect()
    }

    /// Whether the split rule applies at all.
    pub fn splits(&self) -> bool {
        self.cfg.split.is_some()
    }

    /// The split of `team` at `t` the split rule asks for, given the world as the
    /// earlier splits of this week left it.
    pub fn split(&self, world: &World, team: TeamId, t: f64) -> Option<Decision> {
        let rule = self.cfg.split?;
        split_decision(world, team, &rule, t).map(Decision::Split)
    }
}

/// Whether `team` takes part in re-organisations: an SRE team not merged away.
fn live_sre(world: &World, team: TeamId) -> bool {
    let t = world.team(team);
    t.kind == TeamKind::Sre && t.merged_into.is_none()
}

/// The split of `team` at `t` that `rule` asks for, if it is due and possible: the team
/// carries more than `services_over` services or has been over the ops cap for
/// `ops_cap_weeks` weeks in a row, its services span at least two
/// stacks (or products), and each of its staffed sites has enough engineers for two
/// rotations at the minimum.
///
/// The lines are dealt largest first to the side with fewer services (ties to the team
/// that stays); each site gives the new team its share of engineers, rounded, but
/// leaves both teams at least the minimum.
pub fn split_decision(world: &World, team: TeamId, rule: &SplitRule, t: f64) -> Option<Split> {
    if !live_sre(world, team) {
        return None;
    }
    let carried: Vec<ServiceId> = world
        .service_ids()
        .filter(|&s| {
            let svc = world.service(s);
            svc.holder.ticket_team() == Some(team) && svc.schedule.start[7] > t
        })
        .collect();
    let n = carried.len();
    let weeks_over_cap = world.team(team).weeks_over_cap;
    let reason = if rule.services_over > 0 && n > rule.services_over as usize {
        format!("carries {n} services, more than {}", rule.services_over)
    } else if rule.ops_cap_weeks > 0 && weeks_over_cap >= rule.ops_cap_weeks {
        format!("over the 50% ops cap {weeks_over_cap} weeks in a row")
    } else {
        return None;
    };
    let line_of = |s: ServiceId| match rule.along {
        SplitAlong::Stack => world.service(s).stack,
        SplitAlong::Product => world.service(s).product,
    };
    // The lines in first-seen order, with their services.
    let mut groups: Vec<(usize, Vec<ServiceId>)> = Vec::new();
    for &s in &carried {
        let line = line_of(s);
        match groups.iter_mut().find(|(l, _)| *l == line) {
            Some((_, v)) => v.push(s),
            None => groups.push((line, vec![s])),
        }
    }
    if groups.len() < 2 {
        return None;
    }
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| std::cmp::Reverse(groups[g].1.len()));
    let (mut stay, mut go) = (0usize, 0usize);
    let mut moving = vec![false; groups.len()];
    for g in order {
        if go < stay {
            moving[g] = true;
            go += groups[g].1.len();
        } else {
            stay += groups[g].1.len();
        }
    }
    let share = go as f64 / n as f64;
    // Engineers: each staffed site keeps at least the minimum on both sides.
    let tm = world.team(team);
    let rosters: Vec<Vec<EngineerId>> = tm
        .rotation
        .by_site
        .iter()
        .map(|r| {
            r.iter()
                .copied()
                .filter(|&e| world.engineer(e).active)
                .collect::<Vec<_>>()
        })
        .filter(|r| !r.is_empty())
        .collect();
    let least = match rosters.len() {
        0 => return None,
        1 => tm.params.min_rotation_single_site,
        _ => tm.params.min_rotation_per_site,
    } as usize;
    let mut engineers = Vec::new();
    for roster in &rosters {
        let n = roster.len();
        if n < 2 * least {
            return None;
        }
        let k = ((n as f64 * share).round() as usize).clamp(least, n - least);
        engineers.extend_from_slice(&roster[n - k..]);
    }
    let mut services = Vec::new();
    let mut lines = Vec::new();
    for (g, (_, svcs)) in groups.into_iter().enumerate() {
        if moving[g] {
            lines.push(svcs[0]);
            services.extend(svcs);
        }
    }
    services.sort();
    Some(Split {
        team,
        services,
        lines,
        along: rule.along,
        engineers,
        reason,
    })
}

/// The merges `rule` asks for: the live SRE teams under their minimum rotation for
/// `understaffed_weeks` weeks in a row (`weeks_under`, by team), paired in team order;
/// each pair is (the team that stays, the team merged into it).
pub fn merge_decisions(
    world: &World,
    rule: &MergeRule,
    weeks_under: &[u32],
) -> Vec<(TeamId, TeamId)> {
    let due: Vec<TeamId> = world
        .team_ids()
        .filter(|&t| live_sre(world, t) && weeks_under[t.index()] >= rule.understaffed_weeks)
        .collect();
    due.chunks_exact(2).map(|p| (p[0], p[1])).collect()
}
