//! FNV-1a, 64 bits: the one hash of the project. Stream ids are keyed by names with
//! it, sweeps fingerprint their plans with it, and output files are checksummed with
//! it; like [`crate::engine::stream_seed`], it must never change.

/// FNV-1a 64 of `text`.
pub fn fnv1a64(text: &str) -> u64 {
    Fnv::of(text.as_bytes())
}

/// Streaming FNV-1a 64: bytes fed in pieces hash as if fed at once.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv::new()
    }
}

impl Fnv {
    /// The hash of nothing yet.
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    /// Feeds `bytes`.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Feeds `bytes` to this hash and to `other` in one pass (two independent chains
    /// run side by side at about the cost of one).
    pub fn write_both(&mut self, other: &mut Fnv, bytes: &[u8]) {
        let (mut a, mut b) = (self.0, other.0);
        for &x in bytes {
            a = (a ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
            b = (b ^ u64::from(x)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        (self.0, other.0) = (a, b);
    }

    /// The hash so far.
    pub fn finish(self) -> u64 {
        self.0
    }

    /// The hash of `bytes`.
    pub fn of(bytes: &[u8]) -> u64 {
        let mut h = Fnv::new();
        h.write(bytes);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a64_matches_the_reference_values() {
        assert_eq!(fnv1a64(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64("foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn streaming_and_paired_hashes_agree_with_the_whole() {
        let (mut a, mut b) = (Fnv::new(), Fnv::new());
        b.write(b"check");
        a.write_both(&mut b, b"out");
        assert_eq!(a.finish(), Fnv::of(b"out"));
        assert_eq!(b.finish(), fnv1a64("checkout"));
    }
}
