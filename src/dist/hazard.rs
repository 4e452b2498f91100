//! Cumulative hazards: what a device's age says about its remaining life.
//!
//! H(x) = −ln P(T > x). A device that has survived to age `a` fails next at
//! the t with H(t) = H(a) + E, E a standard exponential draw; the first of
//! `n` such devices (independent, same age) at H(t) = H(a) + E/n. This is
//! how the durability simulator keeps a whole population of untouched
//! devices as one clock, and how a cloned trajectory gets a fresh future
//! that is still exact for non-exponential laws (the state is the ages).

use super::Dist;
use super::special::{inverse_ln_normal_sf, ln_gamma_q, ln_normal_sf};
use rand::Rng;
use rand_distr::{Distribution, Exp1};

impl Dist {
    /// H(x) = −ln P(T > x); infinite past the end of the support.
    pub fn cumulative_hazard(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match self {
            Dist::Exponential { rate, .. } => rate * x,
            Dist::Weibull { shape, scale, .. } => (x / scale).powf(*shape),
            Dist::LogNormal { mu, sigma, .. } => -ln_normal_sf((x.ln() - mu) / sigma),
            Dist::Gamma { shape, scale, .. } => -ln_gamma_q(*shape, x / scale),
            Dist::Uniform { min, max, .. } => match x {
                x if x <= *min => 0.0,
                x if x >= *max => f64::INFINITY,
                x => -((max - x) / (max - min)).ln(),
            },
            Dist::Fixed(v) => {
                if x < *v {
                    0.0
                } else {
                    f64::INFINITY
                }
            }
            Dist::Empirical(values) => {
                let above = values.iter().filter(|&&v| v > x).count();
                if above == 0 { f64::INFINITY } else { -(above as f64 / values.len() as f64).ln() }
            }
            Dist::Coupled(law, _) => law.cumulative_hazard(x),
        }
    }

    /// The smallest x with H(x) ≥ `h` (h > 0): the time at which a
    /// survival probability of e^(−h) is reached.
    pub fn inverse_cumulative_hazard(&self, h: f64) -> f64 {
        match self {
            Dist::Exponential { rate, .. } => h / rate,
            Dist::Weibull { shape, scale, .. } => scale * h.powf(1.0 / shape),
            Dist::LogNormal { mu, sigma, .. } => (mu + sigma * inverse_ln_normal_sf(-h)).exp(),
            Dist::Gamma { shape, scale, .. } => {
                // H is increasing: bracket, then bisect.
                let (mut lo, mut hi) = (0.0, shape.max(1.0));
                while -ln_gamma_q(*shape, hi) < h && hi < 1e300 {
                    lo = hi;
                    hi *= 2.0;
                }
                for _ in 0..200 {
                    let mid = 0.5 * (lo + hi);
                    if -ln_gamma_q(*shape, mid) < h {
                        lo = mid
                    } else {
                        hi = mid
                    }
                    if hi - lo <= 1e-15 * hi {
                        break;
                    }
                }
                hi * scale
            }
            Dist::Uniform { min, max, .. } => max - (max - min) * (-h).exp(),
            Dist::Fixed(v) => *v,
            Dist::Empirical(values) => {
                // P(T > x) ≤ e^(−h): at most ⌊n·e^(−h)⌋ values lie above.
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                let allowed_above = ((sorted.len() as f64) * (-h).exp()).floor() as usize;
                sorted[sorted.len() - 1 - allowed_above.min(sorted.len() - 1)]
            }
            Dist::Coupled(law, _) => law.inverse_cumulative_hazard(h),
        }
    }

    /// The time left at a random instant of a renewal process whose
    /// durations follow this law: the equilibrium law, with density
    /// P(X > x)/E[X], drawn as V·L with V uniform on (0, 1) and L
    /// length-biased (density x·f(x)/E[X]): Weibull(k, λ): λ·G^(1/k), G a
    /// Gamma(1 + 1/k) draw; lognormal(μ, σ): lognormal(μ + σ², σ); gamma(a,
    /// θ): gamma(a + 1, θ); uniform(a, b): √(a² + U·(b² − a²)); an
    /// empirical table: a value drawn with weight equal to itself;
    /// exponential: itself (memoryless).
    pub fn sample_equilibrium<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        use rand::RngExt;
        use rand_distr::{Distribution, Gamma, LogNormal};
        let length_biased = match self {
            Dist::Exponential { .. } => return self.sample(rng),
            Dist::Coupled(law, _) => return law.sample_equilibrium(rng),
            Dist::Weibull { shape, scale, .. } => {
                let g = Gamma::new(1.0 + 1.0 / shape, 1.0).map_or(1.0, |g| g.sample(rng));
                scale * g.powf(1.0 / shape)
            }
            Dist::LogNormal { mu, sigma, .. } => {
                LogNormal::new(mu + sigma * sigma, *sigma).map_or((*mu).exp(), |l| l.sample(rng))
            }
            Dist::Gamma { shape, scale, .. } => {
                Gamma::new(shape + 1.0, *scale).map_or(shape * scale, |g| g.sample(rng))
            }
            Dist::Uniform { min, max, .. } => (min * min + rng.random::<f64>() * (max * max - min * min)).sqrt(),
            Dist::Fixed(v) => *v,
            Dist::Empirical(values) => {
                let total: f64 = values.iter().sum();
                let mut pick = rng.random::<f64>() * total;
                let mut chosen = values[values.len() - 1];
                for &v in values.iter() {
                    if pick < v {
                        chosen = v;
                        break;
                    }
                    pick -= v;
                }
                chosen
            }
        };
        rng.random::<f64>() * length_biased
    }

    /// Time until the first failure among `n` independent devices of this
    /// law that have all survived to `age` (hours from now).
    pub fn sample_residual<R: Rng + ?Sized>(&self, age: f64, n: u64, rng: &mut R) -> f64 {
        self.sample_residual_scaled(age, n as f64, rng)
    }

    /// Like [`Dist::sample_residual`] with the hazard multiplied by `scale`
    /// (n devices, each with its hazard multiplied by b: scale = n·b), as
    /// importance sampling draws it.
    pub fn sample_residual_scaled<R: Rng + ?Sized>(&self, age: f64, scale: f64, rng: &mut R) -> f64 {
        let e: f64 = Exp1.sample(rng);
        if let Dist::Exponential { rate, .. } = self {
            return e / (rate * scale);
        }
        let h = self.cumulative_hazard(age) + e / scale;
        (self.inverse_cumulative_hazard(h) - age).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn laws() -> Vec<Dist> {
        vec![
            Dist::exponential(0.01).unwrap(),
            Dist::weibull(1.7, 300.0).unwrap(),
            Dist::weibull(0.6, 300.0).unwrap(),
            Dist::lognormal(4.0, 1.2).unwrap(),
            Dist::gamma(2.5, 40.0).unwrap(),
            Dist::uniform(10.0, 90.0).unwrap(),
        ]
    }

    #[test]
    fn the_inverse_undoes_the_hazard() {
        for d in laws() {
            for x in [0.5, 5.0, 50.0, 80.0, 200.0, 1000.0] {
                let h = d.cumulative_hazard(x);
                if h > 0.0 && h.is_finite() {
                    assert_relative_eq!(d.inverse_cumulative_hazard(h), x, max_relative = 1e-7);
                }
            }
        }
    }

    #[test]
    fn residual_lives_have_the_conditional_survival() {
        // P(first of n devices aged a survives s more) = (S(a + s)/S(a))^n:
        // compare the empirical survival at the median of the exact law
        // with 1/2, within 4 binomial standard errors.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for d in laws() {
            for (age, n) in [(0.0, 1), (30.0, 1), (30.0, 5)] {
                let ha = d.cumulative_hazard(age);
                let median = d.inverse_cumulative_hazard(ha + 2f64.ln() / n as f64) - age;
                let draws = 40_000;
                let above = (0..draws).filter(|_| d.sample_residual(age, n, &mut rng) > median).count();
                let share = above as f64 / draws as f64;
                let se = (0.25 / draws as f64).sqrt();
                assert!((share - 0.5).abs() < 4.0 * se, "{d}: age {age}, n {n}: {share}");
            }
        }
    }

    #[test]
    fn hazards_match_survival_functions() {
        // Weibull: H = (x/λ)^k; lognormal at its median: ln 2.
        assert_relative_eq!(Dist::weibull(2.0, 10.0).unwrap().cumulative_hazard(5.0), 0.25, max_relative = 1e-14);
        let ln = Dist::lognormal(3.0, 0.7).unwrap();
        assert_relative_eq!(ln.cumulative_hazard(3f64.exp()), 2f64.ln(), max_relative = 1e-12);
        assert_eq!(Dist::Fixed(5.0).cumulative_hazard(4.9), 0.0);
        assert_eq!(Dist::Fixed(5.0).inverse_cumulative_hazard(1.0), 5.0);
        let e = Dist::Empirical(vec![1.0, 2.0, 3.0, 4.0].into_boxed_slice());
        assert_relative_eq!(e.cumulative_hazard(2.5), 2f64.ln());
        assert_eq!(e.inverse_cumulative_hazard(2f64.ln()), 2.0);
    }
}
