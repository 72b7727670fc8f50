//! Incident arrivals per service: a Poisson process thinned from an upper-bound rate,
//! and the fixed layout of every service's random streams.
//!
//! Candidates arrive at the *candidate rate*: the base rate × the load profile's peak ×
//! the current phase multiplier × the product of the dynamic factors' upper bounds. Each
//! candidate draws one thinning uniform and becomes a page when the uniform is below the
//! acceptance ratio: the load profile at that moment relative to its peak, times each
//! dynamic factor relative to its bound. The phase schedule is known in advance, so a
//! phase change restarts the candidate process at the new rate (exact, because the
//! exponential is memoryless). The dynamic factors (reliability, freeze, growth) can
//! change at any event; because every candidate draws its uniform whatever the ratio,
//! a changed factor never moves another draw, and two runs that differ only in a
//! factor see the same candidates (common random numbers): the pages of the lower
//! factor are a subset of the pages of the higher.

use rand::Rng;
use rand_distr::{Distribution, Exp1};

use super::hours::WORKING_TIME;
use super::options::RunOptions;
use crate::engine::calendar::HOURS_PER_WEEK;
use crate::engine::{fnv1a64, stream_rng, EventId, SimRng};
use crate::scenario::ServiceConfig;

/// Stream ids each service owns, from [`service_stream_base`] on. Fixed: a new random
/// process takes a spare offset, so adding it re-seeds nothing else.
pub const STREAMS_PER_SERVICE: u64 = 16;

/// The random streams of a service, by offset from its [`service_stream_base`].
///
/// | offset | stream |
/// |---|---|
/// | 0 | arrivals: candidate times and every candidate's thinning uniform |
/// | 1 | handling: severity, acknowledge delay, time to mitigate |
/// | 2 | tickets |
/// | 3 | change-induced arrivals (`[engagement.budget_policy]`) |
/// | 4 | readiness reviews and engagement decisions |
/// | 5–15 | spare |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceStream {
    /// Candidate times and thinning uniforms.
    Arrivals = 0,
    /// Severity, acknowledge delay and time to mitigate of each page.
    Handling = 1,
    /// Ticket counts.
    Tickets = 2,
    /// The change-induced part of the page rate (a freeze stops it).
    ChangeArrivals = 3,
    /// Readiness-review outcomes and the developers' share of incidents.
    Engagement = 4,
}

impl ServiceStream {
    /// Every stream in offset order.
    pub const ALL: [ServiceStream; 5] = [
        ServiceStream::Arrivals,
        ServiceStream::Handling,
        ServiceStream::Tickets,
        ServiceStream::ChangeArrivals,
        ServiceStream::Engagement,
    ];

    /// Offset from the service's first stream id.
    pub fn offset(self) -> u64 {
        self as u64
    }
}

/// First stream id of a service: FNV-1a of its name, times [`STREAMS_PER_SERVICE`].
/// Keying streams by name rather than position keeps a service's incidents the same
/// when other services are added or removed (a sweep over `count`, another scenario
/// file in a comparison).
pub fn service_stream_base(name: &str) -> u64 {
    fnv1a64(name).wrapping_mul(STREAMS_PER_SERVICE)
}

/// The generator of one of a service's streams in one run.
pub fn service_stream(seed: u64, opts: &RunOptions, name: &str, stream: ServiceStream) -> SimRng {
    stream_rng(
        seed,
        opts.stream_point,
        opts.replication,
        service_stream_base(name).wrapping_add(stream.offset()),
    )
}

/// A factor of the page rate that can change at any event during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArrivalFactor {
    /// What reliability work (or its absence) has made of the service.
    Reliability = 0,
    /// A release freeze.
    Freeze = 1,
    /// Traffic growth.
    Growth = 2,
}

/// The dynamic factors: each with its value and the upper bound it may not pass.
#[derive(Debug, Clone, Copy)]
struct Factors {
    value: [f64; 3],
    max: [f64; 3],
    /// Product of the bounds: part of the candidate rate.
    bound: f64,
    /// Product of value / max: part of the acceptance ratio.
    ratio: f64,
}

impl Factors {
    fn unit() -> Self {
        Factors {
            value: [1.0; 3],
            max: [1.0; 3],
            bound: 1.0,
            ratio: 1.0,
        }
    }

    fn refresh(&mut self) {
        self.bound = self.max.iter().product();
        self.ratio = self
            .value
            .iter()
            .zip(&self.max)
            .map(|(v, m)| if *m > 0.0 { v / m } else { 0.0 })
            .product();
    }
}

/// The load profile: relative load in and out of the service site's working time.
#[derive(Debug, Clone, Copy)]
struct LoadProfile {
    /// Working-time load relative to the profile's peak (1 = no thinning needed).
    working_factor: f64,
    /// Off-hours load relative to the peak.
    off_factor: f64,
    /// Offset of the site whose local time shapes the load.
    utc_offset_hours: f64,
}

impl LoadProfile {
    #[inline]
    fn ratio_at(&self, t: f64) -> f64 {
        // A flat profile needs no calendar look-up.
        if self.working_factor == self.off_factor || WORKING_TIME.contains(t, self.utc_offset_hours)
        {
            self.working_factor
        } else {
            self.off_factor
        }
    }
}

/// One service's arrival process.
#[derive(Debug, Clone)]
pub struct ArrivalProcess {
    rng: SimRng,
    /// The scenario's mean page rate per hour at phase multiplier 1.
    base_rate_per_hour: f64,
    /// Base rate per hour × the load profile's peak factor (0: no arrivals at all).
    peak_rate_per_hour: f64,
    /// The current phase's multiplier (0 before launch and after retirement).
    phase_factor: f64,
    profile: LoadProfile,
    factors: Factors,
    /// The pending candidate, cancelled when the phase changes.
    pending: Option<EventId>,
}

impl ArrivalProcess {
    /// The process of a validated service whose load follows the local time at
    /// `utc_offset_hours`, drawing from `rng` (its arrivals stream). It starts with no
    /// phase (factor 0) and every dynamic factor at 1 with bound 1.
    pub fn new(sc: &ServiceConfig, utc_offset_hours: f64, rng: SimRng) -> Self {
        let working_share = WORKING_TIME.hours_per_week() / HOURS_PER_WEEK;
        let mean_profile = working_share * sc.business_hours_multiplier
            + (1.0 - working_share) * sc.off_hours_multiplier;
        let max_profile = sc.business_hours_multiplier.max(sc.off_hours_multiplier);
        let peak_factor = if mean_profile > 0.0 {
            max_profile / mean_profile
        } else {
            0.0
        };
        let relative = |m: f64| {
            if max_profile > 0.0 {
                m / max_profile
            } else {
                0.0
            }
        };
        ArrivalProcess {
            rng,
            base_rate_per_hour: sc.page_rate_per_week / HOURS_PER_WEEK,
            peak_rate_per_hour: sc.page_rate_per_week / HOURS_PER_WEEK * peak_factor,
            phase_factor: 0.0,
            profile: LoadProfile {
                working_factor: relative(sc.business_hours_multiplier),
                off_factor: relative(sc.off_hours_multiplier),
                utc_offset_hours,
            },
            factors: Factors::unit(),
            pending: None,
        }
    }

    /// Gives a dynamic factor its upper bound (before the run starts: the bound is part
    /// of the candidate rate). The value is clamped to it.
    pub fn bound_factor(&mut self, factor: ArrivalFactor, max: f64) {
        let i = factor as usize;
        self.factors.max[i] = max;
        self.factors.value[i] = self.factors.value[i].min(max);
        self.factors.refresh();
    }

    /// Sets a dynamic factor, at any time.
    ///
    /// # Panics
    /// If `value` is negative or above the factor's bound: the policy that sets it must
    /// respect the bound its scenario declared.
    pub fn set_factor(&mut self, factor: ArrivalFactor, value: f64) {
        let i = factor as usize;
        assert!(
            (0.0..=self.factors.max[i]).contains(&value),
            "{factor:?} factor {value} outside [0, {}]",
            self.factors.max[i]
        );
        self.factors.value[i] = value;
        self.factors.refresh();
    }

    /// Scales the process's rate by `f` (before the run starts): the part of a service's
    /// page rate a process carries.
    pub fn scale(&mut self, f: f64) {
        self.peak_rate_per_hour *= f;
        self.base_rate_per_hour *= f;
    }

    /// The scenario's mean page rate per hour at phase multiplier 1, before any factor.
    pub fn base_rate_per_hour(&self) -> f64 {
        self.base_rate_per_hour
    }

    /// The current value of a dynamic factor.
    pub fn factor(&self, factor: ArrivalFactor) -> f64 {
        self.factors.value[factor as usize]
    }

    /// Enters a phase with the given page multiplier (0 for none, or retired).
    pub fn enter_phase(&mut self, multiplier: f64) {
        self.phase_factor = multiplier;
    }

    /// The candidate rate per hour now.
    #[inline]
    pub fn candidate_rate(&self) -> f64 {
        self.peak_rate_per_hour * self.phase_factor * self.factors.bound
    }

    /// Draws the next candidate after `from`, or `None` while the candidate rate is 0
    /// (nothing is drawn then).
    #[inline]
    pub fn next_candidate(&mut self, from: f64) -> Option<f64> {
        let rate = self.candidate_rate();
        if rate > 0.0 {
            let e: f64 = Exp1.sample(&mut self.rng);
            Some(from + e / rate)
        } else {
            None
        }
    }

    /// Whether the candidate at `t` becomes a page. Draws its thinning uniform always.
    #[inline]
    pub fn accept(&mut self, t: f64) -> bool {
        let u: f64 = self.rng.random();
        u < self.profile.ratio_at(t) * self.factors.ratio
    }

    /// Forgets and returns the pending candidate event (to cancel it).
    pub fn take_pending(&mut self) -> Option<EventId> {
        self.pending.take()
    }

    /// Remembers the pending candidate event.
    pub fn set_pending(&mut self, id: Option<EventId>) {
        self.pending = id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::ScenarioSource;

    #[test]
    fn stream_layout_is_fixed() {
        // Pinned: changing the layout or the hash re-seeds every result.
        assert_eq!(STREAMS_PER_SERVICE, 16);
        let offsets: Vec<u64> = ServiceStream::ALL.iter().map(|s| s.offset()).collect();
        assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
        assert_eq!(service_stream_base("checkout"), 0x2fbb_229c_28a2_4590);
        assert_eq!(
            service_stream_base("a"),
            0xaf63_dc4c_8601_ec8c_u64.wrapping_mul(16)
        );
    }

    fn process() -> ArrivalProcess {
        let cfg = ScenarioSource::baseline()
            .resolve(&[])
            .expect("baseline is valid");
        let sc = &cfg.services[0];
        let opts = RunOptions::default();
        let rng = service_stream(1, &opts, &sc.name, ServiceStream::Arrivals);
        let mut p = ArrivalProcess::new(sc, 0.0, rng);
        p.enter_phase(1.0);
        p
    }

    /// Candidate times and whether each was accepted, over `n` candidates, with the
    /// reliability factor set to `factor` from candidate `from` on.
    fn trace(n: usize, from: usize, factor: f64) -> Vec<(f64, bool)> {
        let mut p = process();
        let mut t = 0.0;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            if i == from {
                p.set_factor(ArrivalFactor::Reliability, factor);
            }
            t = p.next_candidate(t).expect("positive rate");
            out.push((t, p.accept(t)));
        }
        out
    }

    #[test]
    fn a_changed_factor_keeps_every_candidate_and_thins_to_a_subset() {
        let base = trace(4000, 1000, 1.0);
        let thinned = trace(4000, 1000, 0.4);
        assert_eq!(base.len(), thinned.len());
        for (i, ((ta, a), (tb, b))) in base.iter().zip(&thinned).enumerate() {
            assert_eq!(ta, tb, "candidate {i} moved");
            assert!(
                !b || *a,
                "candidate {i} accepted only with the lower factor"
            );
            if i < 1000 {
                assert_eq!(a, b, "candidate {i} before the change");
            }
        }
        // After the change, about 0.4 of the base pages remain: a binomial proportion
        // with its 99.9% interval.
        let kept = |v: &[(f64, bool)]| v[1000..].iter().filter(|(_, a)| *a).count() as f64;
        let (n, k) = (kept(&base), kept(&thinned));
        let se = (0.4 * 0.6 / n).sqrt();
        assert!((k / n - 0.4).abs() < 3.3 * se, "{k} of {n}");
    }

    #[test]
    fn a_bound_above_one_raises_the_candidate_rate_not_the_page_rate() {
        let mut p = process();
        let before = p.candidate_rate();
        p.bound_factor(ArrivalFactor::Growth, 2.0);
        assert_eq!(p.candidate_rate(), 2.0 * before);
        assert_eq!(p.factor(ArrivalFactor::Growth), 1.0);
        p.set_factor(ArrivalFactor::Growth, 2.0);
        assert_eq!(p.factor(ArrivalFactor::Growth), 2.0);
    }

    #[test]
    #[should_panic(expected = "outside")]
    fn a_factor_above_its_bound_is_a_bug() {
        process().set_factor(ArrivalFactor::Freeze, 1.5);
    }

    #[test]
    fn no_phase_means_no_candidates_and_no_draws() {
        let mut p = process();
        p.enter_phase(0.0);
        assert_eq!(p.next_candidate(5.0), None);
    }
}
