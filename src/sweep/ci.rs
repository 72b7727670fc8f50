//! Means with Student-t confidence intervals across replications: what sweeps,
//! comparisons and the `--ci-target` rule estimate, and what reports print.

use serde::Serialize;

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
///
/// Exact table values up to 30 degrees of freedom; beyond, the Cornish–Fisher
/// expansion around the normal quantile (error below 1e-4).
pub fn t_quantile_975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z = 1.959_963_984_540_054_f64;
            let n = df as f64;
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            let z7 = z.powi(7);
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n.powi(3))
        }
    }
}

/// Mean, standard deviation and 95% confidence interval of a sample.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MeanCi {
    /// Number of finite observations used.
    pub n: u64,
    /// Sample mean (NaN when n = 0).
    pub mean: f64,
    /// Sample standard deviation (NaN when n < 2).
    pub sd: f64,
    /// Half-width of the 95% Student-t interval (NaN when n < 2).
    pub half_width: f64,
}

impl MeanCi {
    /// Summarises the finite values of `xs` (NaN entries, e.g. a metric with nothing
    /// to average in some replication, are left out and reduce `n`).
    pub fn of(xs: impl IntoIterator<Item = f64>) -> Self {
        let vals: Vec<f64> = xs.into_iter().filter(|x| x.is_finite()).collect();
        let n = vals.len() as u64;
        if n == 0 {
            return MeanCi {
                n,
                mean: f64::NAN,
                sd: f64::NAN,
                half_width: f64::NAN,
            };
        }
        let mean = vals.iter().sum::<f64>() / n as f64;
        if n < 2 {
            return MeanCi {
                n,
                mean,
                sd: f64::NAN,
                half_width: f64::NAN,
            };
        }
        let var = vals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let sd = var.sqrt();
        MeanCi {
            n,
            mean,
            sd,
            half_width: t_quantile_975(n - 1) * sd / (n as f64).sqrt(),
        }
    }

    /// Lower end of the 95% interval.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    /// Upper end of the 95% interval.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }

    /// Whether `x` lies inside the 95% interval.
    pub fn contains(&self, x: f64) -> bool {
        self.low() <= x && x <= self.high()
    }
}

/// The 95% Wilson score interval of a proportion: `successes` of `n` trials. Unlike the
/// normal interval it stays inside [0, 1] and is not empty at 0 or `n` successes
/// (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it for small `n`). `(NaN, NaN)`
/// when `n` is 0.
pub fn wilson_95(successes: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    let z = 1.959_963_984_540_054_f64;
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
    // At 0 or n successes the bound is exactly 0 or 1; the arithmetic above leaves an ulp.
    let low = if successes == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if p >= 1.0 {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantile_is_continuous_past_the_table() {
        // Reference: t_{0.975, 31} = 2.0395, t_{0.975, 60} = 2.0003, t_{0.975, 120} = 1.9799.
        assert!((t_quantile_975(31) - 2.039_513).abs() < 1e-4);
        assert!((t_quantile_975(60) - 2.000_298).abs() < 1e-4);
        assert!((t_quantile_975(120) - 1.979_930).abs() < 1e-4);
    }

    #[test]
    fn wilson_interval_of_known_proportions() {
        // Reference values (Newcombe 1998, table I): 81 of 263 gives 0.2553 to 0.3662;
        // 0 of 10 gives 0 to 0.2775; 10 of 10 gives 0.7225 to 1.
        let (lo, hi) = wilson_95(81, 263);
        assert!(
            (lo - 0.2553).abs() < 1e-4 && (hi - 0.3662).abs() < 1e-4,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson_95(0, 10);
        assert!(lo == 0.0 && (hi - 0.2775).abs() < 1e-4, "{lo} {hi}");
        let (lo, hi) = wilson_95(10, 10);
        assert!((lo - 0.7225).abs() < 1e-4 && hi == 1.0, "{lo} {hi}");
        assert!(wilson_95(0, 0).0.is_nan());
    }

    #[test]
    fn mean_ci_of_a_known_sample() {
        let ci = MeanCi::of([1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(ci.n, 5);
        assert_eq!(ci.mean, 3.0);
        assert!((ci.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert!((ci.half_width - 2.776_445_105 * 2.5f64.sqrt() / 5f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn nan_values_are_left_out() {
        let ci = MeanCi::of([1.0, f64::NAN, 3.0]);
        assert_eq!(ci.n, 2);
        assert_eq!(ci.mean, 2.0);
        assert!(MeanCi::of([]).mean.is_nan());
    }
}
