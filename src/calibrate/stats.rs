//! The statistics calibration rests on: exact Poisson (Garwood) and Wilson intervals,
//! the normal distribution, a log-normal fitted by maximum likelihood with
//! right-censored observations, the Kaplan–Meier estimate and the Kolmogorov–Smirnov
//! distance between them. Plain functions on slices; no allocation beyond a sort.

use std::f64::consts::{PI, SQRT_2};

/// The 97.5% quantile of the standard normal: a 95% two-sided interval.
pub const Z95: f64 = 1.959_963_984_540_054;
/// The 90% quantile of the standard normal (a log-normal's p90 is `exp(mu + Z90 sigma)`).
pub const Z90: f64 = 1.281_551_565_544_600_5;

/// The standard normal density.
pub fn normal_pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * PI).sqrt()
}

/// The standard normal distribution function (through [`erfc`]: relative error
/// below 1.2e-7).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// The complementary error function: the Chebyshev fit `erfcc` of Numerical Recipes
/// (2nd ed., §6.2), fractional error below 1.2e-7 everywhere.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let ans = t
        * (-z * z - 1.265_512_23
            + t * (1.000_023_68
                + t * (0.374_091_96
                    + t * (0.096_784_18
                        + t * (-0.186_288_06
                            + t * (0.278_868_07
                                + t * (-1.135_203_98
                                    + t * (1.488_515_87
                                        + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
            .exp();
    if x >= 0.0 {
        ans
    } else {
        2.0 - ans
    }
}

/// The standard normal quantile (Acklam's algorithm, relative error about 1e-9).
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized lower incomplete gamma function P(a, x) (series below a + 1, a
/// continued fraction above: Numerical Recipes §6.2).
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_pre = a * x.ln() - x - ln_gamma(a);
    if x < a + 1.0 {
        let mut sum = 1.0 / a;
        let mut term = sum;
        let mut ap = a;
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-15 {
                break;
            }
        }
        (sum.ln() + ln_pre).exp().min(1.0)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-15 {
                break;
            }
        }
        (1.0 - (ln_pre.exp() * h)).max(0.0)
    }
}

/// The `p` quantile of the Gamma(shape `a`, scale 1) distribution, by bisection on
/// [`gamma_p`] (to a relative 1e-12).
fn gamma_quantile(a: f64, p: f64) -> f64 {
    let mut lo = 0.0;
    let mut hi = a + 10.0 * a.sqrt() + 10.0;
    while gamma_p(a, hi) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if gamma_p(a, mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The exact (Garwood) 95% interval of a Poisson mean from `k` observed events:
/// `[Gamma⁻¹(0.025; k), Gamma⁻¹(0.975; k + 1)]`.
pub fn poisson_ci95(k: u64) -> (f64, f64) {
    let k = k as f64;
    let lo = if k == 0.0 {
        0.0
    } else {
        gamma_quantile(k, 0.025)
    };
    (lo, gamma_quantile(k + 1.0, 0.975))
}

/// The Wilson score 95% interval of a proportion `k` of `n` (`(0, 1)` when `n` is 0).
pub fn wilson_ci95(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = n as f64;
    let p = k as f64 / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// The `q` quantile of sorted `xs` (linear between order statistics, as R's type 7).
/// `NaN` when empty.
pub fn quantile_sorted(xs: &[f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let h = (xs.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let i = h.floor() as usize;
    let j = (i + 1).min(xs.len() - 1);
    xs[i] + (h - i as f64) * (xs[j] - xs[i])
}

/// A distribution-free 95% interval of the `q` quantile of sorted `xs`: the order
/// statistics at ranks `n q ∓ z sqrt(n q (1 − q))` (the normal approximation to the
/// binomial), clamped to the sample.
pub fn quantile_ci95_sorted(xs: &[f64], q: f64) -> (f64, f64) {
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let n = xs.len() as f64;
    let half = Z95 * (n * q * (1.0 - q)).sqrt();
    let lo = ((n * q - half).floor().max(1.0) as usize).min(xs.len()) - 1;
    let hi = ((n * q + half).ceil().max(1.0) as usize).min(xs.len()) - 1;
    (xs[lo], xs[hi])
}

/// One duration: its length and whether it ended (false: still open when the export
/// was taken, a right-censored observation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Duration {
    /// Hours observed (to the end, or to the export's end when still open).
    pub hours: f64,
    /// Whether it ended.
    pub ended: bool,
}

/// A log-normal fitted by maximum likelihood: `ln T ~ Normal(mu, sigma)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogNormalFit {
    /// Mean of ln hours.
    pub mu: f64,
    /// Standard deviation of ln hours.
    pub sigma: f64,
    /// Observations that ended.
    pub events: usize,
    /// Observations still open (censored).
    pub censored: usize,
}

impl LogNormalFit {
    /// The median, hours.
    pub fn median(&self) -> f64 {
        self.mu.exp()
    }

    /// The p90, hours.
    pub fn p90(&self) -> f64 {
        (self.mu + Z90 * self.sigma).exp()
    }

    /// The distribution function at `hours`.
    pub fn cdf(&self, hours: f64) -> f64 {
        if hours <= 0.0 {
            0.0
        } else {
            normal_cdf((hours.ln() - self.mu) / self.sigma)
        }
    }

    /// 95% intervals of the median and the p90 (delta method on the MLE:
    /// var(mu) = sigma²/n, var(sigma) = sigma²/(2n), n the ended observations — the
    /// censored ones carry less information, so this errs wide).
    pub fn ci95(&self) -> ((f64, f64), (f64, f64)) {
        let n = self.events.max(1) as f64;
        let se_median = self.sigma / n.sqrt();
        let se_p90 = self.sigma * ((1.0 + Z90 * Z90 / 2.0) / n).sqrt();
        let p90 = self.mu + Z90 * self.sigma;
        (
            (
                (self.mu - Z95 * se_median).exp(),
                (self.mu + Z95 * se_median).exp(),
            ),
            ((p90 - Z95 * se_p90).exp(), (p90 + Z95 * se_p90).exp()),
        )
    }
}

/// Smallest duration used, hours (a zero-length incident would have ln = −∞): one
/// second.
pub const MIN_HOURS: f64 = 1.0 / 3600.0;

/// Fits a log-normal to `xs` by maximum likelihood, the censored observations by
/// expectation–maximisation on the log scale (each E-step replaces a censored ln c by
/// the normal's conditional moments above it). `None` with fewer than two ended
/// observations.
pub fn fit_lognormal(xs: &[Duration]) -> Option<LogNormalFit> {
    let events = xs.iter().filter(|d| d.ended).count();
    if events < 2 {
        return None;
    }
    let censored = xs.len() - events;
    let n = xs.len() as f64;
    let ln = |d: &Duration| d.hours.max(MIN_HOURS).ln();
    let (mut s1, mut s2) = (0.0, 0.0);
    for d in xs.iter().filter(|d| d.ended) {
        let l = ln(d);
        s1 += l;
        s2 += l * l;
    }
    let ne = events as f64;
    let mut mu = s1 / ne;
    let mut sigma = (s2 / ne - mu * mu).max(1e-12).sqrt();
    if censored > 0 {
        for _ in 0..500 {
            let (mut e1, mut e2) = (s1, s2);
            for d in xs.iter().filter(|d| !d.ended) {
                let c = ln(d);
                let a = (c - mu) / sigma;
                let tail = (1.0 - normal_cdf(a)).max(1e-300);
                let lambda = normal_pdf(a) / tail;
                e1 += mu + sigma * lambda;
                e2 += mu * mu + sigma * sigma + sigma * (c + mu) * lambda;
            }
            let new_mu = e1 / n;
            let new_sigma = (e2 / n - new_mu * new_mu).max(1e-12).sqrt();
            let done = (new_mu - mu).abs() < 1e-10 && (new_sigma - sigma).abs() < 1e-10;
            mu = new_mu;
            sigma = new_sigma;
            if done {
                break;
            }
        }
    }
    Some(LogNormalFit {
        mu,
        sigma,
        events,
        censored,
    })
}

/// The Kaplan–Meier estimate of the distribution function: `(hours, F(hours))` at
/// each distinct ended duration, in order. Censored observations leave the risk set
/// without a step.
pub fn kaplan_meier(xs: &[Duration]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<Duration> = xs.to_vec();
    // Ended before censored at equal times: the usual convention.
    sorted.sort_by(|a, b| a.hours.total_cmp(&b.hours).then(b.ended.cmp(&a.ended)));
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].hours;
        let (mut deaths, mut leaving) = (0.0, 0.0);
        while i < sorted.len() && sorted[i].hours == t {
            if sorted[i].ended {
                deaths += 1.0;
            }
            leaving += 1.0;
            i += 1;
        }
        if deaths > 0.0 {
            survival *= 1.0 - deaths / at_risk;
            out.push((t, 1.0 - survival));
        }
        at_risk -= leaving;
    }
    out
}

/// The `q` quantile of a Kaplan–Meier curve: the first time its F reaches `q`
/// (`NaN` when it never does: too many open incidents).
pub fn km_quantile(km: &[(f64, f64)], q: f64) -> f64 {
    km.iter()
        .find(|(_, f)| *f >= q - 1e-12)
        .map_or(f64::NAN, |(t, _)| *t)
}

/// The Kolmogorov–Smirnov distance between a Kaplan–Meier curve and a fitted
/// distribution function: the largest gap, either side of each step.
pub fn ks_distance(km: &[(f64, f64)], cdf: impl Fn(f64) -> f64) -> f64 {
    let mut d: f64 = 0.0;
    let mut before = 0.0;
    for &(t, f) in km {
        let g = cdf(t);
        d = d.max((g - before).abs()).max((g - f).abs());
        before = f;
    }
    d
}

/// An ordinary Poisson regression of weekly counts on the week index
/// (`log E[count_w] = a + b w`), by Newton's method: `(b, standard error of b)`.
/// `None` with fewer than two weeks or no events.
pub fn poisson_trend(counts: &[u64]) -> Option<(f64, f64)> {
    if counts.len() < 2 || counts.iter().all(|&c| c == 0) {
        return None;
    }
    let n = counts.len() as f64;
    let total: f64 = counts.iter().map(|&c| c as f64).sum();
    // Centre the week index for a well-conditioned Hessian.
    let mid = (n - 1.0) / 2.0;
    let mut a = (total / n).ln();
    let mut b = 0.0;
    let mut info = (0.0, 0.0, 0.0);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (w, &c) in counts.iter().enumerate() {
            let x = w as f64 - mid;
            let m = (a + b * x).exp();
            let r = c as f64 - m;
            ga += r;
            gb += r * x;
            haa += m;
            hab += m * x;
            hbb += m * x * x;
        }
        let det = haa * hbb - hab * hab;
        if det <= 0.0 || !det.is_finite() {
            return None;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a += da;
        b += db;
        info = (haa, hab, hbb);
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            break;
        }
    }
    let (haa, hab, hbb) = info;
    let det = haa * hbb - hab * hab;
    let var_b = haa / det;
    (b.is_finite() && var_b.is_finite()).then(|| (b, var_b.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garwood_interval_matches_published_values() {
        // Garwood (1936) table values: k = 0 → [0, 3.689]; k = 10 → [4.795, 18.39].
        let (lo, hi) = poisson_ci95(0);
        assert_eq!(lo, 0.0);
        assert!((hi - 3.6889).abs() < 1e-3, "{hi}");
        let (lo, hi) = poisson_ci95(10);
        assert!((lo - 4.7954).abs() < 1e-3, "{lo}");
        assert!((hi - 18.390).abs() < 1e-3, "{hi}");
    }

    #[test]
    fn normal_functions_invert_each_other() {
        for p in [0.001, 0.025, 0.1, 0.5, 0.9, 0.975, 0.999] {
            let x = normal_quantile(p);
            assert!((normal_cdf(x) - p).abs() < 1e-6, "{p} {x}");
        }
        assert!((normal_quantile(0.975) - Z95).abs() < 1e-8);
    }

    #[test]
    fn censored_lognormal_recovers_its_parameters() {
        // Quantiles of ln T ~ N(0.1, 1.25), censored above 3 h: the fit must see
        // through the censoring (a fit dropping them would shrink sigma).
        let n = 4000;
        let xs: Vec<Duration> = (0..n)
            .map(|i| {
                let p = (i as f64 + 0.5) / n as f64;
                let t = (0.1 + 1.25 * normal_quantile(p)).exp();
                Duration {
                    hours: t.min(3.0),
                    ended: t < 3.0,
                }
            })
            .collect();
        let fit = fit_lognormal(&xs).expect("a fit");
        assert!((fit.mu - 0.1).abs() < 0.01, "{fit:?}");
        assert!((fit.sigma - 1.25).abs() < 0.01, "{fit:?}");
        let km = kaplan_meier(&xs);
        assert!(ks_distance(&km, |t| fit.cdf(t)) < 0.01);
    }

    #[test]
    fn trend_of_a_doubling_series_is_found() {
        let counts: Vec<u64> = (0..52)
            .map(|w| (20.0 * (w as f64 * 2f64.ln() / 51.0).exp()).round() as u64)
            .collect();
        let (b, se) = poisson_trend(&counts).expect("a trend");
        assert!((b * 51.0 - 2f64.ln()).abs() < 3.0 * se * 51.0, "{b} {se}");
        assert!(b - Z95 * se > 0.0);
    }
}
