//! The derived organisation: `[organization]` turns an SRE head count per site and a
//! rotation template into teams, one for all services (`single`), one per product
//! (`by_product`) or one per technology stack (`by_stack`). `explicit` (the default)
//! keeps the scenario's `[[teams]]`.
//!
//! Derivation happens here, in the scenario layer: the model only ever sees teams and
//! services with their pager holder, so a structure changes nothing else. Each
//! service's random streams are keyed by its name, so under one seed every service has
//! the same incidents whatever the structure.

use serde::Serialize;

use super::config::{ServiceConfig, Site, TeamConfig};

/// How the SRE organisation is cut into teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Structure {
    /// The scenario's own `[[teams]]`, each service naming its team.
    Explicit,
    /// One team carries every service.
    Single,
    /// One team per product.
    ByProduct,
    /// One team per technology stack.
    ByStack,
}

impl Structure {
    /// Every structure, as written in a scenario.
    pub const NAMES: [&'static str; 4] = ["explicit", "single", "by_product", "by_stack"];

    /// The structure written as `name`.
    pub fn parse(name: &str) -> Option<Structure> {
        match name {
            "explicit" => Some(Structure::Explicit),
            "single" => Some(Structure::Single),
            "by_product" => Some(Structure::ByProduct),
            "by_stack" => Some(Structure::ByStack),
            _ => None,
        }
    }
}

/// How a site's engineers are shared among the derived teams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Share {
    /// In proportion to each team's expected ops hours a week.
    Proportional,
    /// As evenly as the head count allows.
    Equal,
}

impl Share {
    /// Every rule, as written in a scenario.
    pub const NAMES: [&'static str; 2] = ["proportional", "equal"];

    /// The rule written as `name`.
    pub fn parse(name: &str) -> Option<Share> {
        match name {
            "proportional" => Some(Share::Proportional),
            "equal" => Some(Share::Equal),
            _ => None,
        }
    }
}

/// A validated `[organization]` that derives its teams.
#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    /// Single, by product or by stack (never explicit here).
    pub structure: Structure,
    /// How each site's engineers are shared.
    pub share: Share,
    /// The rotation every derived team inherits, with the organisation's head count per
    /// site as its members.
    pub template: TeamConfig,
    /// Shift length of a derived team whose engineers are all at one site, or at sites
    /// too close in time for follow-the-sun (24 h or a week-long shift, say).
    pub single_site_shift_hours: f64,
}

/// Hours apart two sites' clocks must be for a team spanning them to run
/// follow-the-sun shifts (assumption: with less, one site's day covers the other's).
pub const FOLLOW_THE_SUN_MIN_APART_HOURS: f64 = 6.0;

/// Whether a team with engineers at `sites` (their UTC offsets) can follow the sun.
fn follows_the_sun(offsets: &[f64]) -> bool {
    offsets.iter().enumerate().any(|(i, a)| {
        offsets[i + 1..].iter().any(|b| {
            let d = (a - b).rem_euclid(24.0);
            d.min(24.0 - d) >= FOLLOW_THE_SUN_MIN_APART_HOURS
        })
    })
}

/// Name of the one team of a `single` structure.
pub const SINGLE_TEAM: &str = "sre";

/// Expected hours team `t` spends on one page of service `s`: acknowledge (in working
/// time), mitigation (the severities' mean), follow-up and interrupt.
pub(crate) fn hours_per_page(s: &ServiceConfig, t: &TeamConfig) -> f64 {
    let ttm: f64 = s
        .severities
        .iter()
        .map(|v| v.share * v.time_to_mitigate.mean_hours())
        .sum();
    t.ack_business_hours.mean_hours()
        + ttm
        + t.followup_hours_per_incident
        + t.interrupt_overhead_hours
}

/// Expected ops hours a week of one service at phase multiplier 1: pages times their
/// handling, plus tickets.
fn ops_hours(s: &ServiceConfig, t: &TeamConfig) -> f64 {
    s.page_rate_per_week * hours_per_page(s, t) + s.tickets_per_week * s.hours_per_ticket
}

/// Splits `n` by `weights` with the largest-remainder rule (ties to the earlier group).
fn apportion(n: u32, weights: &[f64]) -> Vec<u32> {
    let total: f64 = weights.iter().sum();
    if weights.is_empty() {
        return Vec::new();
    }
    let quotas: Vec<f64> = if total > 0.0 && total.is_finite() {
        // Each quota lies in [0, n]: the clamp only guards rounding.
        weights
            .iter()
            .map(|w| (f64::from(n) * (w / total)).clamp(0.0, f64::from(n)))
            .collect()
    } else {
        vec![f64::from(n) / weights.len() as f64; weights.len()]
    };
    let mut out: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let mut left = n - out.iter().sum::<u32>().min(n);
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (fa, fb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &g in order.iter().cycle() {
        if left == 0 {
            break;
        }
        out[g] += 1;
        left -= 1;
    }
    out
}

/// Derives the teams of `org` and points each service at its team. Returns the teams,
/// or why the head count cannot staff them (each derived team needs at least
/// `responders_per_shift` engineers).
pub fn derive(
    org: &Organization,
    services: &mut [ServiceConfig],
    sites: &[Site],
) -> Result<Vec<TeamConfig>, String> {
    let key = |s: &ServiceConfig| -> String {
        match org.structure {
            Structure::Explicit | Structure::Single => SINGLE_TEAM.to_string(),
            Structure::ByProduct => s.product.clone(),
            Structure::ByStack => s.stack.clone(),
        }
    };
    let mut groups: Vec<String> = Vec::new();
    for s in services.iter() {
        let k = key(s);
        if !groups.contains(&k) {
            groups.push(k);
        }
    }
    let weights: Vec<f64> = groups
        .iter()
        .map(|g| match org.share {
            Share::Equal => 1.0,
            Share::Proportional => services
                .iter()
                .filter(|s| key(s) == *g)
                .map(|s| ops_hours(s, &org.template))
                .sum(),
        })
        .collect();
    // Each site's engineers, shared by weight.
    let mut members: Vec<Vec<(usize, u32)>> = vec![Vec::new(); groups.len()];
    for &(site, n) in &org.template.members {
        for (g, k) in apportion(n, &weights).into_iter().enumerate() {
            members[g].push((site, k));
        }
    }
    // Every team needs a full shift of responders: move engineers one at a time from
    // the largest team (at its largest site) to the smallest that lacks them.
    let need = org.template.responders_per_shift;
    let headcount = |m: &[(usize, u32)]| m.iter().map(|&(_, n)| n).sum::<u32>();
    let total: u32 = org.template.headcount();
    if u64::from(total) < u64::from(need) * groups.len() as u64 {
        return Err(format!(
            "{total} engineers cannot staff {} teams of at least {need} (responders_per_shift) each; \
             add engineers, lower responders_per_shift or choose a structure with fewer teams",
            groups.len()
        ));
    }
    while let Some(short) = (0..groups.len()).find(|&g| headcount(&members[g]) < need) {
        let Some(rich) = (0..groups.len())
            .filter(|&g| headcount(&members[g]) > need)
            .max_by_key(|&g| (headcount(&members[g]), std::cmp::Reverse(g)))
        else {
            break;
        };
        let Some(site_pos) =
            (0..members[rich].len()).max_by_key(|&i| (members[rich][i].1, std::cmp::Reverse(i)))
        else {
            break;
        };
        members[rich][site_pos].1 -= 1;
        members[short][site_pos].1 += 1;
    }
    for s in services.iter_mut() {
        let k = key(s);
        s.team = groups.iter().position(|g| *g == k).unwrap_or(0);
    }
    Ok(groups
        .into_iter()
        .zip(members)
        .map(|(name, members)| {
            let offsets: Vec<f64> = members
                .iter()
                .filter(|&&(_, n)| n > 0)
                .filter_map(|&(s, _)| sites.get(s).map(|s| s.utc_offset_hours))
                .collect();
            let shift_hours = if follows_the_sun(&offsets) {
                org.template.shift_hours
            } else {
                org.single_site_shift_hours
            };
            TeamConfig {
                name,
                members,
                shift_hours,
                ..org.template.clone()
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_the_sun_needs_sites_hours_apart() {
        assert!(follows_the_sun(&[0.0, -8.0]));
        assert!(
            follows_the_sun(&[10.0, -8.0]),
            "18 h apart is 6 h the other way"
        );
        assert!(!follows_the_sun(&[0.0, 1.0]));
        assert!(!follows_the_sun(&[0.0]));
        assert!(!follows_the_sun(&[]));
    }

    #[test]
    fn apportion_is_exact_and_follows_the_weights() {
        assert_eq!(apportion(12, &[1.0, 1.0, 1.0]), vec![4, 4, 4]);
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(12, &[3.0, 1.0]), vec![9, 3]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![3, 2]);
        assert_eq!(apportion(4, &[f64::MAX, f64::MAX]), vec![2, 2]);
        assert_eq!(apportion(4, &[1e308, 1.0]).iter().sum::<u32>(), 4);
        for n in 0..40 {
            let w = [0.3, 1.7, 0.0, 2.2];
            assert_eq!(apportion(n, &w).iter().sum::<u32>(), n);
        }
    }
}
