//! Fixed-memory statistics: running means and histograms whose size does not grow
//! with the number of observations.

/// Sum and count, for a mean.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mean {
    sum: f64,
    n: u64,
}

impl Mean {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.sum += x;
        self.n += 1;
    }

    /// Adds all observations of another accumulator.
    pub fn merge(&mut self, other: &Mean) {
        self.sum += other.sum;
        self.n += other.n;
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// The mean, or NaN with no observations.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum / self.n as f64
        }
    }
}

/// Histogram of non-negative reals with logarithmic bins: 64 bins per doubling
/// (about 1.1% relative width) from 2⁻²⁰ to 2²⁰; smaller values share bin 0 and
/// larger ones the last bin. Quantiles are reported at the geometric middle of a bin.
#[derive(Debug, Clone)]
pub struct LogHistogram {
    bins: Vec<u64>,
    n: u64,
}

const SUB_BITS: u32 = 6;
const MIN_EXP: i64 = -20;
const MAX_EXP: i64 = 20;
const N_BINS: usize = ((MAX_EXP - MIN_EXP) as usize) << SUB_BITS;

impl Default for LogHistogram {
    fn default() -> Self {
        Self {
            bins: vec![0; N_BINS],
            n: 0,
        }
    }
}

impl LogHistogram {
    #[inline]
    fn index(x: f64) -> usize {
        if x.is_nan() || x <= 0.0 {
            return 0;
        }
        // Exponent and top mantissa bits of the IEEE-754 representation: monotone in x.
        let key = (x.to_bits() >> (52 - SUB_BITS)) as i64;
        let lo = (MIN_EXP + 1023) << SUB_BITS;
        (key - lo).clamp(0, N_BINS as i64 - 1) as usize
    }

    fn bin_middle(i: usize) -> f64 {
        let lo_key = ((MIN_EXP + 1023) << SUB_BITS) as u64 + i as u64;
        let lo = f64::from_bits(lo_key << (52 - SUB_BITS));
        let hi = f64::from_bits((lo_key + 1) << (52 - SUB_BITS));
        (lo * hi).sqrt()
    }

    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.bins[Self::index(x)] += 1;
        self.n += 1;
    }

    /// The q-quantile (0 < q ≤ 1), or NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let target = (q * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, &c) in self.bins.iter().enumerate() {
            seen += c;
            if seen >= target {
                return Self::bin_middle(i);
            }
        }
        Self::bin_middle(N_BINS - 1)
    }
}

/// Histogram of small counts (pages per shift).
#[derive(Debug, Clone, Default)]
pub struct CountHistogram {
    counts: Vec<u64>,
    n: u64,
    sum: u64,
}

impl CountHistogram {
    /// Adds one observation.
    pub fn add(&mut self, k: u32) {
        let k = k as usize;
        if k >= self.counts.len() {
            self.counts.resize(k + 1, 0);
        }
        self.counts[k] += 1;
        self.n += 1;
        self.sum += k as u64;
    }

    /// Adds all observations of another histogram.
    pub fn merge(&mut self, other: &CountHistogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.n += other.n;
        self.sum += other.sum;
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Mean count, NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            f64::NAN
        } else {
            self.sum as f64 / self.n as f64
        }
    }

    /// Smallest k with P(X ≤ k) ≥ q, NaN when empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let target = (q * self.n as f64).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (k, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= target {
                return k as f64;
            }
        }
        (self.counts.len().saturating_sub(1)) as f64
    }

    /// Fraction of observations strictly above `k`, NaN when empty.
    pub fn frac_above(&self, k: u32) -> f64 {
        if self.n == 0 {
            return f64::NAN;
        }
        let above: u64 = self.counts.iter().skip(k as usize + 1).sum();
        above as f64 / self.n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_histogram_quantiles_are_within_bin_width() {
        let mut h = LogHistogram::default();
        for i in 1..=1000 {
            h.add(i as f64 / 100.0);
        }
        let p90 = h.quantile(0.9);
        assert!((p90 / 9.0 - 1.0).abs() < 0.012, "{p90}");
        let p50 = h.quantile(0.5);
        assert!((p50 / 5.0 - 1.0).abs() < 0.012, "{p50}");
    }

    #[test]
    fn log_histogram_handles_zero_and_extremes() {
        let mut h = LogHistogram::default();
        h.add(0.0);
        h.add(1e30);
        assert!(h.quantile(0.5) < 1e-5);
        assert!(h.quantile(1.0) > 1e5);
        assert!(LogHistogram::default().quantile(0.9).is_nan());
    }

    #[test]
    fn count_histogram_tail_and_quantile() {
        let mut h = CountHistogram::default();
        for k in [0, 1, 1, 2, 3, 5, 0, 0, 2, 4] {
            h.add(k);
        }
        assert_eq!(h.frac_above(2), 0.3);
        assert_eq!(h.quantile(0.95), 5.0);
        assert_eq!(h.quantile(0.5), 1.0);
        assert_eq!(h.mean(), 1.8);
    }
}
