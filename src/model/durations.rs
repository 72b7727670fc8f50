//! Sampling the scenario's duration distributions (acknowledge delays, times to
//! mitigate) in hours.

use rand_distr::{Distribution, Exp1, StandardNormal};

use crate::engine::SimRng;
use crate::scenario::{lognormal_sigma, Duration};

/// A [`Duration`] ready to sample: the log-normal's parameters computed once.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always zero.
    Zero,
    /// Always the same number of hours.
    Fixed(f64),
    /// Exponential with this mean.
    Exponential(f64),
    /// `exp(mu + sigma · z)` with z standard normal.
    LogNormal {
        /// Log of the median.
        mu: f64,
        /// Log-scale standard deviation.
        sigma: f64,
    },
}

impl Sampler {
    /// The sampler of a validated duration.
    pub fn new(d: &Duration) -> Self {
        match *d {
            Duration::Zero => Sampler::Zero,
            Duration::Fixed { hours } => Sampler::Fixed(hours),
            Duration::Exponential { mean_hours } => Sampler::Exponential(mean_hours),
            Duration::LogNormal {
                median_hours,
                p90_hours,
            } => Sampler::LogNormal {
                mu: median_hours.ln(),
                sigma: lognormal_sigma(median_hours, p90_hours),
            },
        }
    }

    /// One draw, hours. Zero and fixed durations draw nothing from `rng`.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> f64 {
        match *self {
            Sampler::Zero => 0.0,
            Sampler::Fixed(h) => h,
            Sampler::Exponential(mean) => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::LogNormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}
