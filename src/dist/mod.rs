//! Probability distributions of durations (time to failure, time to repair,
//! outage length), as compiled from a scenario and sampled by the engine.
//!
//! Every distribution is over hours and knows its own mean, so `nines check`
//! can print it and tests can compare against closed forms.

use rand::Rng;
use rand_distr::{Distribution, Exp, Gamma, LogNormal, Uniform, Weibull};
use std::fmt;

mod hazard;
mod special;

/// Standard normal quantiles used to fit a lognormal from a median and a
/// high percentile (how people state outage lengths).
pub const Z_P90: f64 = 1.281_551_565_544_600_4;
/// See [`Z_P90`].
pub const Z_P95: f64 = 1.644_853_626_951_472_2;
/// See [`Z_P90`].
pub const Z_P99: f64 = 2.326_347_874_040_840_8;

/// A compiled duration distribution (hours). Parameters are named as in
/// the literature; `sampler` is the rand_distr object built from them.
#[allow(missing_docs)]
#[derive(Clone, Debug)]
pub enum Dist {
    /// Exponential with the given rate per hour (memoryless failures).
    Exponential { rate: f64, sampler: Exp<f64> },
    /// Weibull: shape < 1 infant mortality, > 1 wear-out.
    Weibull { shape: f64, scale: f64, sampler: Weibull<f64> },
    /// Lognormal with the parameters of the underlying normal.
    LogNormal { mu: f64, sigma: f64, sampler: LogNormal<f64> },
    /// Gamma with shape and scale (hours).
    Gamma { shape: f64, scale: f64, sampler: Gamma<f64> },
    /// Uniform on `[min, max)`.
    Uniform { min: f64, max: f64, sampler: Uniform<f64> },
    /// Always the same value.
    Fixed(f64),
    /// Resamples the observed durations with equal weight.
    Empirical(Box<[f64]>),
    /// The inner law drawn by inversion of one standard exponential draw
    /// E: H⁻¹(E), H its cumulative hazard (an empirical table is kept
    /// sorted). Two laws drawn this way from the same stream are
    /// comonotone, as a control variate needs its twin to be; an
    /// exponential law drawn with [`Dist::sample`] uses E the same way, so
    /// it needs no wrapping. Used only by variance-reduction runs.
    Coupled(Box<Dist>, Draw),
}

/// How a [`Dist::Coupled`] law gets its standard exponential draw E.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Draw {
    /// The ziggurat draw every exponential law uses ([`rand_distr::Exp1`]).
    Exp1,
    /// E = −ln u, u = (k + ½)·2⁻⁵³ from 53 random bits k.
    Uniform,
    /// E = −ln(1 − u) for the same u: the antithetic mirror of `Uniform`.
    Mirror,
}

impl Draw {
    /// One standard exponential draw.
    #[inline]
    fn exp1<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        if self == Draw::Exp1 {
            return rand_distr::Exp1.sample(rng);
        }
        let u = ((rng.next_u64() >> 11) as f64 + 0.5) * (1.0 / (1u64 << 53) as f64);
        if self == Draw::Uniform { -u.ln() } else { -(-u).ln_1p() }
    }
}

impl Dist {
    /// Exponential by its rate per hour. The rate must be positive and finite.
    pub fn exponential(rate: f64) -> Result<Self, String> {
        let sampler = Exp::new(rate).map_err(|e| format!("invalid exponential rate {rate}: {e}"))?;
        Ok(Dist::Exponential { rate, sampler })
    }

    /// Weibull by shape and scale (hours).
    pub fn weibull(shape: f64, scale: f64) -> Result<Self, String> {
        let sampler = Weibull::new(scale, shape).map_err(|e| format!("invalid Weibull: {e}"))?;
        Ok(Dist::Weibull { shape, scale, sampler })
    }

    /// Weibull by shape and mean: scale = mean / Γ(1 + 1/shape).
    pub fn weibull_with_mean(shape: f64, mean: f64) -> Result<Self, String> {
        Self::weibull(shape, mean / libm::tgamma(1.0 + 1.0 / shape))
    }

    /// Lognormal from its median and the value at standard-normal quantile `z`.
    pub fn lognormal_from_quantile(median: f64, upper: f64, z: f64) -> Result<Self, String> {
        if upper <= median {
            return Err(format!("the upper percentile ({upper} h) must be greater than the median ({median} h)"));
        }
        Self::lognormal(median.ln(), (upper / median).ln() / z)
    }

    /// Lognormal from the mean and standard deviation of its logarithm.
    pub fn lognormal(mu: f64, sigma: f64) -> Result<Self, String> {
        let sampler = LogNormal::new(mu, sigma).map_err(|e| format!("invalid lognormal: {e}"))?;
        Ok(Dist::LogNormal { mu, sigma, sampler })
    }

    /// Gamma by shape and scale (hours).
    pub fn gamma(shape: f64, scale: f64) -> Result<Self, String> {
        let sampler = Gamma::new(shape, scale).map_err(|e| format!("invalid gamma: {e}"))?;
        Ok(Dist::Gamma { shape, scale, sampler })
    }

    /// Uniform on `[min, max)`.
    pub fn uniform(min: f64, max: f64) -> Result<Self, String> {
        if min.partial_cmp(&max) != Some(std::cmp::Ordering::Less) {
            return Err(format!("min ({min} h) must be less than max ({max} h)"));
        }
        let sampler = Uniform::new(min, max).map_err(|e| format!("invalid uniform: {e}"))?;
        Ok(Dist::Uniform { min, max, sampler })
    }

    /// Draws one duration in hours.
    #[inline(always)]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        // Exponential is by far the most common: a predictable branch
        // instead of a jump table on the hot path.
        if let Dist::Exponential { sampler, .. } = self {
            return sampler.sample(rng);
        }
        self.sample_other(rng)
    }

    /// [`Dist::sample`] for the other families.
    #[inline(never)]
    fn sample_other<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Exponential { sampler, .. } => sampler.sample(rng),
            Dist::Weibull { sampler, .. } => sampler.sample(rng),
            Dist::LogNormal { sampler, .. } => sampler.sample(rng),
            Dist::Gamma { sampler, .. } => sampler.sample(rng),
            Dist::Uniform { sampler, .. } => sampler.sample(rng),
            Dist::Fixed(v) => *v,
            Dist::Empirical(values) => {
                let i = Uniform::new(0, values.len()).expect("empirical tables are never empty").sample(rng);
                values[i]
            }
            Dist::Coupled(law, draw) => {
                let e = draw.exp1(rng);
                match &**law {
                    // Sorted: the smallest x with P(T > x) ≤ e^(−E).
                    Dist::Empirical(sorted) => {
                        let above = ((sorted.len() as f64) * (-e).exp()).floor() as usize;
                        sorted[sorted.len() - 1 - above.min(sorted.len() - 1)]
                    }
                    law => law.inverse_cumulative_hazard(e),
                }
            }
        }
    }

    /// This law drawn by inversion ([`Dist::Coupled`]) from `draw`; with
    /// [`Draw::Exp1`] an exponential law is returned as it is (it draws
    /// that way already).
    pub fn coupled(&self, draw: Draw) -> Dist {
        match self {
            Dist::Exponential { .. } if draw == Draw::Exp1 => self.clone(),
            Dist::Coupled(law, _) => law.coupled(draw),
            Dist::Empirical(values) => {
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                Dist::Coupled(Box::new(Dist::Empirical(sorted.into_boxed_slice())), draw)
            }
            other => Dist::Coupled(Box::new(other.clone()), draw),
        }
    }

    /// The mean in hours.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Exponential { rate, .. } => 1.0 / rate,
            Dist::Weibull { shape, scale, .. } => scale * libm::tgamma(1.0 + 1.0 / shape),
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Dist::Gamma { shape, scale, .. } => shape * scale,
            Dist::Uniform { min, max, .. } => (min + max) / 2.0,
            Dist::Fixed(v) => *v,
            Dist::Empirical(values) => values.iter().sum::<f64>() / values.len() as f64,
            Dist::Coupled(law, _) => law.mean(),
        }
    }
}

impl fmt::Display for Dist {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::units::format_duration as d;
        match self {
            Dist::Exponential { .. } => write!(f, "exponential"),
            Dist::Weibull { shape, scale, .. } => write!(f, "weibull(shape {shape}, scale {})", d(*scale)),
            Dist::LogNormal { mu, sigma, .. } => {
                write!(f, "lognormal(median {}, p99 {})", d(mu.exp()), d((mu + sigma * Z_P99).exp()))
            }
            Dist::Gamma { shape, scale, .. } => write!(f, "gamma(shape {shape}, scale {})", d(*scale)),
            Dist::Uniform { min, max, .. } => write!(f, "uniform({}, {})", d(*min), d(*max)),
            // A fixed value is its own mean.
            Dist::Fixed(v) => return write!(f, "fixed {}", d(*v)),
            Dist::Empirical(values) => write!(f, "empirical({} observations)", values.len()),
            Dist::Coupled(law, _) => return write!(f, "{law} (drawn by inversion)"),
        }?;
        write!(f, ", mean {}", d(self.mean()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn means_match_parameters() {
        assert_relative_eq!(Dist::exponential(0.001).unwrap().mean(), 1000.0);
        assert_relative_eq!(Dist::weibull_with_mean(2.0, 500.0).unwrap().mean(), 500.0, max_relative = 1e-12);
        let ln = Dist::lognormal_from_quantile(3.0, 10.0, Z_P90).unwrap();
        if let Dist::LogNormal { mu, sigma, .. } = ln {
            assert_relative_eq!((mu + sigma * Z_P90).exp(), 10.0, max_relative = 1e-12);
        }
        assert_relative_eq!(Dist::gamma(2.0, 3.0).unwrap().mean(), 6.0);
        assert_relative_eq!(Dist::uniform(1.0, 3.0).unwrap().mean(), 2.0);
    }

    #[test]
    fn invalid_parameters_are_errors() {
        assert!(Dist::exponential(f64::NAN).is_err());
        assert!(Dist::exponential(-1.0).is_err());
        assert!(Dist::uniform(3.0, 1.0).is_err());
        assert!(Dist::lognormal_from_quantile(5.0, 4.0, Z_P99).is_err());
    }

    /// Pins exact draws, one per family, so that a change of generator or
    /// sampler, which would silently change every published result, fails
    /// loudly. The values were taken from rand 0.10 / rand_distr 0.6.
    #[test]
    fn samples_are_value_stable() {
        let dists = [
            Dist::exponential(0.001).unwrap(),
            Dist::weibull(2.0, 100.0).unwrap(),
            Dist::lognormal(1.0, 0.5).unwrap(),
            Dist::gamma(2.0, 3.0).unwrap(),
            Dist::uniform(1.0, 5.0).unwrap(),
        ];
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let bits: Vec<u64> = dists.iter().map(|d| d.sample(&mut rng).to_bits()).collect();
        assert_eq!(
            bits,
            PINNED_BITS,
            "draws changed: {:?}",
            bits.iter().map(|&b| f64::from_bits(b)).collect::<Vec<_>>()
        );
    }

    const PINNED_BITS: [u64; 5] =
        [4639570070367195366, 4638871203902541788, 4615912090619042721, 4616019196849809510, 4613628904535458904];
}
