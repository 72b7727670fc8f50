//! Seeded random streams.
//!
//! Every random process in a run (each service's arrivals, each service's repair times,
//! …) draws from its own stream, seeded by [`stream_seed`] from (base seed, point,
//! replication, stream id). Two runs that share those four numbers see identical
//! draws, whatever else differs between them (common random numbers), and whatever
//! thread runs them.

/// The one generator type used everywhere: PCG-64 (MCG variant), portable and fast.
pub type SimRng = rand_pcg::Pcg64Mcg;

/// SplitMix64 finaliser: a bijective mixing of 64 bits.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives the seed of one random stream.
///
/// The four inputs are folded in turn through the SplitMix64 finaliser
/// (`h = mix(h ^ x)` for `x` in seed, point, replication, stream), so that changing
/// any one input gives an unrelated seed. The function is pure and fixed: changing it
/// changes every result the tool has ever produced.
pub fn stream_seed(seed: u64, point: u64, replication: u64, stream: u64) -> u64 {
    let mut h = mix(seed);
    h = mix(h ^ point);
    h = mix(h ^ replication.wrapping_mul(0xD6E8_FEB8_6659_FD93));
    mix(h ^ stream.wrapping_mul(0xA076_1D64_78BD_642F))
}

/// A generator for one stream (see [`stream_seed`]).
pub fn stream_rng(seed: u64, point: u64, replication: u64, stream: u64) -> SimRng {
    let s = stream_seed(seed, point, replication, stream);
    let state = (u128::from(mix(s)) << 64) | u128::from(mix(s ^ 0x5851_F42D_4C95_7F2D));
    SimRng::new(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;
    use std::collections::HashSet;

    #[test]
    fn stream_seed_is_a_fixed_function() {
        // Pinned so that results stay reproducible across versions.
        assert_eq!(stream_seed(7, 0, 0, 0), stream_seed(7, 0, 0, 0));
        let pinned = stream_seed(1, 2, 3, 4);
        assert_eq!(pinned, 0xa7ee_5988_d769_387f, "got {pinned:#x}");
    }

    #[test]
    fn neighbouring_inputs_give_distinct_seeds() {
        let mut seen = HashSet::new();
        for seed in 0..4 {
            for point in 0..8 {
                for rep in 0..16 {
                    for stream in 0..32 {
                        assert!(seen.insert(stream_seed(seed, point, rep, stream)));
                    }
                }
            }
        }
    }

    #[test]
    fn streams_are_reproducible_and_differ() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = stream_rng(9, 0, 1, 2);
                move |_| r.random()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = stream_rng(9, 0, 1, 2);
                move |_| r.random()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut r = stream_rng(9, 0, 1, 3);
                move |_| r.random()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
