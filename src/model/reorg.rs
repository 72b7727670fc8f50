//! Teams that change during a run (`organization.split_when`, `organization.merge_when`).
//!
//! At the end of every week, once each team's week has closed, the rules look at the
//! world and decide: two SRE teams under their minimum rotation for
//! `understaffed_weeks` weeks in a row merge (the later team into the earlier one), and
//! a team that carries more than `services_over` services, or has been over the ops
//! cap for `ops_cap_weeks` weeks in a row, splits in two along stack or product lines
//! when its head count allows two rotations at the minimum. Deciding is pure
//! ([`split_decision`], [`merge_decisions`]); applying moves the engineers, the pagers
//! and the waiting pages, restarts the shifts of the teams involved at the boundary and
//! writes one `reorgs.csv` row. Nothing is lost: head count and services are conserved.

use super::oncall::covering_pattern;
use super::people::people_stream;
use super::results::ReorgRecord;
use super::run::Model;
use super::world::{EngineerId, Rotation, ServiceId, Team, TeamId, TeamKind, World};
use crate::engine::stream_rng;
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

    fn team_added(&mut self) {
        self.weeks_under.push(0);
    }
}

impl Model<'_> {
    /// Restarts `team`'s counts of weeks over a rule (after it re-organised).
    fn reset_counts(&mut self, team: TeamId) {
        self.world.team_mut(team).weeks_over_cap = 0;
        if let Some(r) = &mut self.reorg {
            r.weeks_under[team.index()] = 0;
        }
    }
}

/// A team to split: the services and engineers that move to the new team.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The team that splits (it keeps the rest).
    pub team: TeamId,
    /// The services whose pager moves to the new team.
    pub services: Vec<ServiceId>,
    /// One service of each stack (or product) that moves, naming the line.
    pub lines: Vec<ServiceId>,
    /// The engineers who move.
    pub engineers: Vec<EngineerId>,
    /// Why, in words.
    pub reason: String,
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

/// `teams`' names, `;`-separated.
fn names(world: &World, teams: &[TeamId]) -> String {
    teams
        .iter()
        .map(|&t| world.team(t).name.as_str())
        .collect::<Vec<_>>()
        .join(";")
}

impl Model<'_> {
    /// At the end of the week at `t`: the merges, then the splits, the rules ask for.
    pub(super) fn reorganize(&mut self, t: f64) {
        let Some(reorg) = &self.reorg else {
            return;
        };
        if t >= self.horizon {
            return;
        }
        let cfg = reorg.cfg;
        let mut changed = false;
        if let Some(rule) = cfg.merge {
            let pairs = merge_decisions(&self.world, &rule, &reorg.weeks_under);
            for (keep, absorbed) in pairs {
                self.merge(keep, absorbed, rule.understaffed_weeks, t);
                changed = true;
            }
        }
        if let Some(rule) = cfg.split {
            for ti in 0..self.world.teams.len() {
                let team = TeamId::new(ti);
                if let Some(split) = split_decision(&self.world, team, &rule, t) {
                    self.split(split, t);
                    changed = true;
                }
            }
        }
        if changed {
            self.world.refresh_main_stacks();
        }
    }

    /// Carries out `d` at `t`: a new team takes the moving services, their waiting pages
    /// and the moving engineers; both teams start their current shift afresh.
    fn split(&mut self, d: Split, t: f64) {
        let old = d.team;
        let base = self.world.team(old).name.clone();
        let name = (2u32..)
            .map(|k| format!("{base}-{k}"))
            .find(|n| self.world.teams.iter().all(|tm| tm.name != *n))
            .unwrap_or_else(|| base.clone());
        let new = TeamId::new(self.world.teams.len());
        let params = self.world.team(old).params.clone();
        self.world.teams.push(Team {
            name: name.clone(),
            kind: TeamKind::Sre,
            params,
            rotation: Rotation::default(),
            queue: Default::default(),
            main_stack: None,
            merged_into: None,
            weeks_over_cap: 0,
        });
        self.ledgers.push(Default::default());
        self.recorder.team_added();
        if let Some(r) = &mut self.reorg {
            r.team_added();
        }
        self.reset_counts(old);
        if let Some(e) = &mut self.engagement {
            e.team_added();
            e.services_moved(&d.services, new);
        }
        if let Some(p) = &mut self.people {
            let seed = self.cfg.simulation.seed;
            let rng = stream_rng(
                seed,
                self.opts.stream_point,
                self.opts.replication,
                people_stream(&name),
            );
            p.team_added(rng);
        }
        for &e in &d.engineers {
            self.move_engineer(e, new, t);
        }
        for &s in &d.services {
            let svc = self.world.service_mut(s);
            svc.holder = svc.holder.replace_team(old, new);
        }
        // Pages of the moving services waiting for a responder wait for the new team.
        let moving = |s: ServiceId| d.services.binary_search(&s).is_ok();
        let queue = std::mem::take(&mut self.world.team_mut(old).queue);
        let (go, stay): (Vec<_>, Vec<_>) = queue
            .into_iter()
            .partition(|&i| moving(self.world.incidents.get(i).service));
        self.world.team_mut(old).queue = stay.into();
        self.world.team_mut(new).queue = go.into();
        let (k, pages) = {
            let rot = &self.world.team(old).rotation;
            (rot.shift_index, rot.shift_pages)
        };
        // Both teams have the same rotation parameters: the new one starts in the same
        // shift, with no pages yet.
        self.restart_shift(old, k, pages, t);
        self.restart_shift(new, k, 0, t);
        let along = self
            .reorg
            .as_ref()
            .and_then(|r| r.cfg.split)
            .map(|r| r.along);
        let lines: Vec<&str> = d
            .lines
            .iter()
            .map(|s| {
                let sc = &self.cfg.services[s.index()];
                match along {
                    Some(SplitAlong::Product) => sc.product.as_str(),
                    _ => sc.stack.as_str(),
                }
            })
            .collect();
        let row = ReorgRecord {
            point: 0,
            replication: 0,
            week: self.week_index,
            kind: "split",
            teams_before: base,
            teams_after: names(&self.world, &[old, new]),
            lines_moved: lines.join(";"),
            services_moved: d.services.len() as u32,
            engineers_moved: d.engineers.len() as u32,
            reason: d.reason,
        };
        self.recorder.reorganized(t, &[old, new], row);
    }

    /// Merges `absorbed` into `keep` at `t`: its engineers, services, waiting pages and
    /// open requisitions; `keep` keeps its rotation and starts its shift afresh.
    fn merge(&mut self, keep: TeamId, absorbed: TeamId, weeks: u32, t: f64) {
        let before = names(&self.world, &[keep, absorbed]);
        let movers: Vec<EngineerId> = (0..self.world.engineers.len())
            .map(EngineerId::new)
            .filter(|&e| {
                let eng = self.world.engineer(e);
                eng.team == absorbed && eng.active
            })
            .collect();
        // The absorbed team's shift ends now, for good.
        if let Some(id) = self.world.team_mut(absorbed).rotation.next_shift.take() {
            self.sim.cancel(id);
        }
        let on_shift = std::mem::take(&mut self.world.team_mut(absorbed).rotation.on_shift);
        for e in on_shift {
            self.book_busy(e, t);
            self.world.engineer_mut(e).on_shift = false;
        }
        for &e in &movers {
            self.move_engineer(e, keep, t);
        }
        let mut services = 0;
        for s in self.world.services.iter_mut() {
            let after = s.holder.replace_team(absorbed, keep);
            if after != s.holder {
                s.holder = after;
                services += 1;
            }
        }
        // Waiting pages keep their order of arrival.
        let moved = std::mem::take(&mut self.world.team_mut(absorbed).queue);
        let incidents = &self.world.incidents;
        let mut queue: Vec<_> = self.world.teams[keep.index()]
            .queue
            .drain(..)
            .chain(moved)
            .collect();
        queue.sort_by(|&a, &b| {
            incidents
                .get(a)
                .paged_at
                .total_cmp(&incidents.get(b).paged_at)
        });
        self.world.team_mut(keep).queue = queue.into();
        self.world.team_mut(absorbed).merged_into = Some(keep);
        if let Some(p) = &mut self.people {
            p.team_merged(absorbed, keep);
        }
        if let Some(e) = &mut self.engagement {
            e.team_merged(absorbed, keep);
        }
        self.reset_counts(keep);
        self.reset_counts(absorbed);
        let (k, pages) = {
            let rot = &self.world.team(keep).rotation;
            (rot.shift_index, rot.shift_pages)
        };
        self.restart_shift(keep, k, pages, t);
        let row = ReorgRecord {
            point: 0,
            replication: 0,
            week: self.week_index,
            kind: "merge",
            teams_before: before,
            teams_after: names(&self.world, &[keep]),
            lines_moved: String::new(),
            services_moved: services,
            engineers_moved: movers.len() as u32,
            reason: format!("both under the minimum rotation {weeks} weeks in a row"),
        };
        self.recorder.reorganized(t, &[keep, absorbed], row);
    }

    /// Moves engineer `e` to `team` at `t`: their handling so far is booked to their
    /// old team, and they join the new team's roster at their site.
    fn move_engineer(&mut self, e: EngineerId, team: TeamId, t: f64) {
        self.book_busy(e, t);
        let from = self.world.engineer(e).team;
        for roster in &mut self.world.team_mut(from).rotation.by_site {
            roster.retain(|&x| x != e);
        }
        let rot = &mut self.world.team_mut(from).rotation;
        if rot.on_shift.contains(&e) {
            rot.on_shift.retain(|&x| x != e);
        }
        let eng = self.world.engineer_mut(e);
        eng.team = team;
        eng.on_shift = false;
        self.join_roster(team, e);
    }

    /// Puts engineer `e` on `team`'s roster at their site; a site the team has no
    /// roster at gets one, and the sites covering each shift are worked out again.
    pub(super) fn join_roster(&mut self, team: TeamId, e: EngineerId) {
        let site = self.world.engineer(e).site;
        let offsets: Vec<f64>;
        {
            let tm = self.world.team_mut(team);
            let rot = &mut tm.rotation;
            if let Some(r) = rot.roster_sites.iter().position(|&s| s == site) {
                rot.by_site[r].push(e);
                return;
            }
            rot.by_site.push(vec![e]);
            rot.roster_sites.push(site);
            rot.cursor.push(0);
            offsets = rot
                .roster_sites
                .iter()
                .map(|&s| self.cfg.sites[s].utc_offset_hours)
                .collect();
        }
        let tm = self.world.team_mut(team);
        tm.rotation.covering =
            covering_pattern(tm.params.shift_hours, tm.params.handoff_utc_hour, &offsets);
    }

    /// Starts shift `k` of `team` afresh at `t`, with `pages` pages so far: its
    /// responders are picked again from its roster as it is now.
    fn restart_shift(&mut self, team: TeamId, k: i64, pages: u32, t: f64) {
        if let Some(id) = self.world.team_mut(team).rotation.next_shift.take() {
            self.sim.cancel(id);
        }
        self.begin_shift(team, k, t);
        self.world.team_mut(team).rotation.shift_pages = pages;
    }
}
