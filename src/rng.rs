//! Random streams: which generator, and how each trial and each component
//! gets its own stream from the scenario seed.
//!
//! Xoshiro256++ is a named generator whose output is fixed by its
//! specification (unlike `StdRng`), so a seed gives the same numbers on every
//! release and machine. A stream is seeded from `(seed, trial, key)`, where
//! `key` is a stable hash of what draws from it (`"component:web#2"`,
//! `"zone:use1-az1"`). Two variants that differ in one component therefore
//! draw the same failures for all the others: common random numbers, which
//! make side-by-side comparisons sharper than independent runs.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used everywhere in the simulation.
pub type SimRng = Xoshiro256PlusPlus;

/// SplitMix64 finaliser: a bijective mixer with good avalanche.
#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable 64-bit key for a stream name (FNV-1a, then mixed). Stable across
/// releases and platforms because it depends only on the bytes of the name.
pub fn stream_key(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    mix(h)
}

/// The generator for stream `key` of trial `trial` under `seed`.
#[inline]
pub fn stream(seed: u64, trial: u64, key: u64) -> SimRng {
    TrialSeed::new(seed, trial).stream(key)
}

/// The part of a stream's seed that depends on (seed, trial), hashed once
/// per trial rather than once per stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrialSeed(u64);

impl TrialSeed {
    /// For trial `trial` under `seed`.
    #[inline]
    pub fn new(seed: u64, trial: u64) -> Self {
        TrialSeed(mix(seed ^ mix(trial)))
    }

    /// The generator for stream `key`: `SimRng::seed_from_u64(mix(self ^ key))`,
    /// with SplitMix64's four outputs (`mix(x + i·γ)`) written out instead
    /// of the generic byte filling (13.6 → 8.2 ns per stream).
    #[inline]
    pub fn stream(self, key: u64) -> SimRng {
        const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;
        // `mix` adds γ first, so `mix(x + i·γ)` is SplitMix64's output i + 1
        // for state x; seed_from_u64 starts from state x.
        let x = mix(self.0 ^ key);
        let mut bytes = [0u8; 32];
        for (i, chunk) in bytes.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&mix(x.wrapping_add(GAMMA.wrapping_mul(i as u64))).to_le_bytes());
        }
        // `from_seed` replaces an all-zero state as `seed_from_u64` does.
        SimRng::from_seed(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_trial_and_key_and_repeat_exactly() {
        let a = stream(1, 0, stream_key("component:a#0")).next_u64();
        let b = stream(1, 1, stream_key("component:a#0")).next_u64();
        let c = stream(1, 0, stream_key("component:a#1")).next_u64();
        let again = stream(1, 0, stream_key("component:a#0")).next_u64();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, again);
    }

    #[test]
    fn trial_seed_streams_are_seed_from_u64_streams() {
        for trial in 0..500 {
            for key in [0, 1, u64::MAX, stream_key("component:a#0"), stream_key("zone:z")] {
                let base = TrialSeed::new(42, trial);
                let mut fast = base.stream(key);
                let mut generic = SimRng::seed_from_u64(mix(base.0 ^ key));
                assert!((0..8).all(|_| fast.next_u64() == generic.next_u64()), "trial {trial} key {key}");
            }
        }
    }

    #[test]
    fn first_draw_is_pinned() {
        // A change here changes every published result: it must be deliberate.
        assert_eq!(stream(7, 3, stream_key("component:server#0")).next_u64(), 7_910_355_362_900_891_570);
    }

    #[test]
    fn key_is_pinned() {
        // A change here changes every published result: it must be deliberate.
        assert_eq!(stream_key(""), mix(0xcbf2_9ce4_8422_2325));
    }
}
