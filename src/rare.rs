//! Rare-event estimation: fixed-effort multilevel splitting, repeated in
//! independent replicates, and the diagnostics that decide whether its
//! answer can be trusted.
//!
//! A *particle* is a trajectory of a model that can be copied mid-way and
//! continued with fresh randomness. Its *level* (the importance function:
//! fragments lost, units down) rises towards the rare event at the top
//! level. Stage i starts `n_i` particles from the entrance states of stage
//! i − 1 (chosen uniformly at random among them) and counts those that
//! reach level i before the horizon; p̂ = Π successesᵢ / nᵢ is an unbiased
//! estimate of P(reach the top level), and p̂ × the mean of any functional
//! over the top-level particles, continued to the horizon, is an unbiased
//! estimate of E[functional · 1{top reached}] (Del Moral's interacting
//! particle systems; Cérou, Del Moral, Furon & Guyader, "Sequential Monte
//! Carlo for rare event estimation", Statistics and Computing 2012). No
//! likelihood ratio is involved, so nothing can degenerate the way
//! importance-sampling weights do.
//!
//! Particles of one replicate are dependent, so the variance is not taken
//! from within a replicate: the estimate is the mean of R independent
//! replicates and its standard error their sample standard deviation / √R,
//! with a Student-t interval. Relative error is the 95% half-width divided
//! by the estimate. The estimate is refused (reported as "no reliable
//! estimate") when a stage was crossed by too few particles, when one
//! replicate holds most of the total, or when the relative error stays
//! above its bound once the effort allowed is spent.

use crate::rng::{SimRng, stream};
use rand::RngExt;
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;

/// A trajectory that multilevel splitting can copy and continue.
pub trait Particle: Clone + Send + Sync {
    /// Its current level (0: nothing on the way to the rare event).
    fn level(&self) -> u32;
    /// Runs until the level reaches `target` (true) or the horizon (false).
    fn advance(&mut self, target: u32) -> bool;
    /// Draws its future afresh from `rng` (what has happened stays), and
    /// starts a new likelihood ratio at 1.
    fn reseed(&mut self, rng: SimRng);
    /// The likelihood ratio of the path since the last reseed (1 when it
    /// samples the model's own laws; otherwise the correction for its
    /// biased sampling).
    fn weight(&self) -> f64;
    /// Runs on to the horizon (after reaching the top level), so the
    /// functionals see the whole trajectory.
    fn finish(&mut self);
    /// The functionals estimated along with the probability (e.g. groups
    /// lost, downtime), read after [`Particle::finish`].
    fn functionals(&self) -> Vec<f64>;
}

/// How much effort a splitting estimate may spend.
#[derive(Clone, Debug)]
pub struct Effort {
    /// Stop once the relative error (95% half-width / estimate) is below this.
    pub target_re: f64,
    /// At least this many replicates.
    pub min_replicates: u32,
    /// At most this many particle runs in all (pilot included).
    pub max_runs: u64,
    /// Replicates run between two checks of the stopping rule (fixed, so
    /// the result does not depend on the thread count).
    pub batch: u32,
}

impl Default for Effort {
    fn default() -> Self {
        Effort { target_re: 0.10, min_replicates: 32, max_runs: 50_000_000, batch: 8 }
    }
}

/// One replicate's result.
#[derive(Clone, Debug)]
struct Replicate {
    estimate: f64,
    functionals: Vec<f64>,
    /// Successes per stage.
    hits: Vec<u64>,
    /// Per stage: Σ w and Σ w² of the successes' likelihood ratios.
    weights: Vec<(f64, f64)>,
    runs: u64,
}

/// A splitting estimate with its diagnostics.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SplittingEstimate {
    /// P(top level reached within the horizon).
    pub estimate: f64,
    /// 95% interval (Student t over replicates).
    pub ci95: [f64; 2],
    /// Standard error.
    pub std_error: f64,
    /// 95% half-width / estimate.
    pub relative_error: f64,
    /// Independent replicates.
    pub replicates: u32,
    /// Particle runs in all, pilot included.
    pub runs: u64,
    /// Particles started per stage in each replicate.
    pub effort_per_stage: Vec<u64>,
    /// Share of particles that crossed each level, over all replicates.
    pub hit_fraction: Vec<f64>,
    /// Particles that crossed each level, over all replicates.
    pub hits: Vec<u64>,
    /// Plain Monte-Carlo trials that would give the same variance:
    /// p(1 − p) / Var(p̂).
    pub effective_sample_size: f64,
    /// Largest replicate's share of the sum of replicate estimates.
    pub largest_replicate_share: f64,
    /// Per level, the effective share of the particles that crossed it,
    /// (Σw)² / Σw² / crossings, w their likelihood ratios: near 1 when the
    /// weights are even, near 0 when a few dominate (degenerate).
    pub weight_evenness: Vec<f64>,
    /// Each functional: mean, 95% interval (per unit of the functional).
    pub functionals: Vec<FunctionalEstimate>,
    /// Every replicate's estimate, in order (for checks that recompute the
    /// interval).
    #[serde(skip)]
    pub replicate_estimates: Vec<f64>,
    /// Why the estimate cannot be trusted, if it cannot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// E[functional · 1{top reached}] with its interval.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct FunctionalEstimate {
    /// Mean.
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// Every replicate's value, in order (for checks that recompute the
    /// interval).
    #[serde(skip)]
    pub replicates: Vec<f64>,
}

/// Fewest crossings of any level, over all replicates, for a trusted answer.
pub const MIN_HITS_PER_LEVEL: u64 = 30;

/// Largest share one replicate may hold of the sum of all.
pub const MAX_REPLICATE_SHARE: f64 = 0.5;

/// Smallest weight evenness of any level for a trusted answer: below it a
/// handful of particles carry the level whatever their number.
pub const MIN_WEIGHT_EVENNESS: f64 = 1e-4;

/// Runs one replicate: `init` is the state at t = 0.
fn replicate<P: Particle>(init: &P, top: u32, effort: &[u64], seed: u64, key: u64) -> Replicate {
    let mut rng = stream(seed, key, SELECTION);
    let mut entrances = vec![init.clone()];
    // Cumulative weights of the entrances, for selection in proportion.
    let mut cumulative = vec![1.0];
    let mut estimate = 1.0;
    let mut hits = Vec::with_capacity(top as usize);
    let mut moments = Vec::with_capacity(top as usize);
    let mut runs = 0;
    for (stage, target) in (1..=top).enumerate() {
        let n = effort[stage];
        let mut next = Vec::new();
        let mut weights = Vec::new();
        let total = *cumulative.last().expect("entrances");
        for i in 0..n {
            let u = rng.random::<f64>() * total;
            let from = cumulative.partition_point(|&c| c <= u).min(entrances.len() - 1);
            let mut p = entrances[from].clone();
            p.reseed(stream(seed, key, particle_key(stage, i)));
            runs += 1;
            if p.level() >= target || p.advance(target) {
                weights.push(p.weight());
                next.push(p);
            }
        }
        hits.push(next.len() as u64);
        moments.push((weights.iter().sum(), weights.iter().map(|w| w * w).sum()));
        // The stage's factor: the mean over its runs of 1{crossed} times
        // the likelihood ratio of the run.
        let sum: f64 = weights.iter().sum();
        estimate *= sum / n as f64;
        if next.is_empty() || sum <= 0.0 {
            hits.resize(top as usize, 0);
            moments.resize(top as usize, (0.0, 0.0));
            return Replicate { estimate: 0.0, functionals: Vec::new(), hits, weights: moments, runs };
        }
        cumulative = weights
            .iter()
            .scan(0.0, |acc, w| {
                *acc += w;
                Some(*acc)
            })
            .collect();
        entrances = next;
    }
    // The top-level particles run on to the horizon (unbiased); the
    // functionals are their mean weighted by their last stage's ratios,
    // scaled like the probability.
    let weights: Vec<f64> = cumulative
        .iter()
        .scan(0.0, |prev, &c| {
            let w = c - *prev;
            *prev = c;
            Some(w)
        })
        .collect();
    let total: f64 = weights.iter().sum();
    let mut sums: Vec<f64> = Vec::new();
    for (p, w) in entrances.iter_mut().zip(&weights) {
        p.finish();
        let f = p.functionals();
        if sums.is_empty() {
            sums = vec![0.0; f.len()];
        }
        sums.iter_mut().zip(f).for_each(|(s, x)| *s += w * x);
    }
    Replicate {
        estimate,
        functionals: sums.into_iter().map(|s| estimate * s / total).collect(),
        hits,
        weights: moments,
        runs,
    }
}

/// Stream key of a replicate's selection of entrance states.
const SELECTION: u64 = 0x005e_ed5e_1ec7;

/// The stream key of particle `i` of stage `stage` within a replicate:
/// distinct for every (stage, particle) pair with `i` < 2⁴⁰ (no stage
/// starts that many), and at least 2⁴⁰, so never the selection's key.
fn particle_key(stage: usize, i: u64) -> u64 {
    (stage as u64 + 1) << 40 | i
}

/// Student t quantile for a two-sided 95% interval with `df` degrees of
/// freedom (exact table to 30, then the Cornish–Fisher expansion).
pub fn t95(df: u32) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df as usize <= TABLE.len() {
        return TABLE[df as usize - 1];
    }
    // Cornish-Fisher to 1/n³: within 1e-6 of the quantile from 31 df on.
    let z = crate::stats::Z95;
    let n = f64::from(df);
    z + (z.powi(3) + z) / (4.0 * n)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * n * n * n)
}

/// Mean, standard error and 95% half-width (t) of `xs`.
fn mean_se(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    let se = (var / n).sqrt();
    (mean, se, t95(xs.len() as u32 - 1) * se)
}

/// Chooses the effort per stage from a pilot: about `per_stage` crossings
/// expected at every level, between the bounds. A level crossed by no
/// pilot particle gets the pilot's effort times 8 (and the pilot grows
/// until every level is crossed, or the allowance runs out).
fn plan<P: Particle>(init: &P, top: u32, seed: u64, max_runs: u64) -> (Vec<u64>, u64) {
    const START: u64 = 1000;
    const PER_STAGE: f64 = 60.0;
    const MAX_PER_STAGE: u64 = 2_000_000;
    let mut n = START;
    let mut spent = 0;
    loop {
        let r = replicate(init, top, &vec![n; top as usize], seed, u64::MAX - n);
        spent += r.runs;
        let crossed_all = r.hits.iter().all(|&h| h >= 5);
        if crossed_all || n >= MAX_PER_STAGE || spent * 8 > max_runs {
            let effort = r
                .hits
                .iter()
                .map(|&h| {
                    let p = h as f64 / n as f64;
                    let want = if h == 0 { (n * 8) as f64 } else { PER_STAGE / p };
                    (want.ceil() as u64).clamp(200, MAX_PER_STAGE)
                })
                .collect();
            return (effort, spent);
        }
        n *= 4;
    }
}

/// Estimates P(top level reached within the horizon) from `init` by
/// replicated fixed-effort splitting, with `effort` bounds. Deterministic
/// for a given `seed` whatever the thread count.
pub fn estimate<P: Particle>(init: &P, top: u32, seed: u64, effort: &Effort) -> SplittingEstimate {
    let (per_stage, mut runs) = plan(init, top, seed, effort.max_runs);
    let cost: u64 = per_stage.iter().sum();
    let mut reps: Vec<Replicate> = Vec::new();
    loop {
        let first = reps.len() as u64;
        let batch: Vec<Replicate> = (first..first + u64::from(effort.batch))
            .into_par_iter()
            .map(|r| replicate(init, top, &per_stage, seed, r))
            .collect();
        runs += batch.iter().map(|r| r.runs).sum::<u64>();
        reps.extend(batch);
        let xs: Vec<f64> = reps.iter().map(|r| r.estimate).collect();
        let (mean, _, half) = mean_se(&xs);
        let enough = reps.len() as u32 >= effort.min_replicates;
        if enough && mean > 0.0 && half / mean <= effort.target_re {
            break;
        }
        if runs + cost * u64::from(effort.batch) > effort.max_runs {
            break;
        }
    }
    summarize(&reps, per_stage, runs, effort.target_re)
}

fn summarize(reps: &[Replicate], per_stage: Vec<u64>, runs: u64, target_re: f64) -> SplittingEstimate {
    let xs: Vec<f64> = reps.iter().map(|r| r.estimate).collect();
    let (mean, se, half) = mean_se(&xs);
    let top = per_stage.len();
    let hits: Vec<u64> = (0..top).map(|i| reps.iter().map(|r| r.hits[i]).sum()).collect();
    let started: Vec<u64> = (0..top).map(|i| per_stage[i] * reps.len() as u64).collect();
    let sum: f64 = xs.iter().sum();
    let largest = if sum > 0.0 { xs.iter().cloned().fold(0.0, f64::max) / sum } else { 0.0 };
    let nf = reps.iter().map(|r| r.functionals.len()).max().unwrap_or(0);
    let functionals = (0..nf)
        .map(|j| {
            let v: Vec<f64> = reps.iter().map(|r| r.functionals.get(j).copied().unwrap_or(0.0)).collect();
            let (m, _, h) = mean_se(&v);
            FunctionalEstimate { mean: m, ci95: [(m - h).max(0.0), m + h], replicates: v }
        })
        .collect();
    let weight_evenness: Vec<f64> = (0..top)
        .map(|i| {
            let (s, s2) = reps.iter().fold((0.0, 0.0), |(a, b), r| (a + r.weights[i].0, b + r.weights[i].1));
            if hits[i] == 0 || s2 <= 0.0 { 0.0 } else { s * s / s2 / hits[i] as f64 }
        })
        .collect();
    let relative_error = if mean > 0.0 { half / mean } else { f64::INFINITY };
    let refused = if mean == 0.0 {
        Some(format!("no trajectory reached the event in {} replicates of {} particle runs", reps.len(), runs))
    } else if let Some((i, h)) = hits.iter().enumerate().find(|(_, h)| **h < MIN_HITS_PER_LEVEL) {
        Some(format!("level {} was crossed by only {h} particles (at least {MIN_HITS_PER_LEVEL} needed)", i + 1))
    } else if let Some((i, e)) = weight_evenness
        .iter()
        .enumerate()
        .find(|(i, e)| **e < MIN_WEIGHT_EVENNESS || **e * (hits[*i] as f64) < MIN_HITS_PER_LEVEL as f64)
    {
        Some(format!(
            "the likelihood ratios at level {} are degenerate: its {} crossings count as {:.0} ({:.3}%)",
            i + 1,
            hits[i],
            e * hits[i] as f64,
            100.0 * e
        ))
    } else if largest > MAX_REPLICATE_SHARE {
        Some(format!("one replicate of {} holds {:.0}% of the estimate", reps.len(), 100.0 * largest))
    } else if relative_error > target_re {
        Some(format!(
            "relative error {:.1}% after {runs} particle runs, above the bound of {:.1}%",
            100.0 * relative_error,
            100.0 * target_re
        ))
    } else {
        None
    };
    SplittingEstimate {
        estimate: mean,
        ci95: [(mean - half).max(0.0), mean + half],
        std_error: se,
        relative_error,
        replicates: reps.len() as u32,
        runs,
        effort_per_stage: per_stage,
        hit_fraction: hits.iter().zip(&started).map(|(&h, &s)| h as f64 / s as f64).collect(),
        hits,
        effective_sample_size: if se > 0.0 { mean * (1.0 - mean) / (se * se) } else { 0.0 },
        largest_replicate_share: largest,
        weight_evenness,
        functionals,
        replicate_estimates: xs,
        refused,
    }
}

#[cfg(test)]
mod tests {
    //! The arithmetic that turns replicates into an interval and a verdict,
    //! against values computed by hand or taken from published tables.
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn t95_matches_the_student_t_table() {
        // Two-sided 95% quantiles of Student's t (e.g. NIST/SEMATECH
        // e-Handbook, table 1.3.6.7.2): small df from the table, large df
        // from the Cornish-Fisher expansion, within the table's rounding.
        assert!(t95(0).is_infinite());
        for (df, t) in [(1, 12.706), (2, 4.303), (5, 2.571), (10, 2.228), (30, 2.042)] {
            assert_relative_eq!(t95(df), t, max_relative = 1e-4);
        }
        // Beyond the table, against the quantile computed to 12 digits
        // (mpmath: the root of the regularised incomplete beta function).
        for (df, t) in
            [(31, 2.0395134464), (40, 2.02107539031), (60, 2.00029782201), (100, 1.98397151852), (1000, 1.96233908083)]
        {
            assert_relative_eq!(t95(df), t, max_relative = 1e-6);
        }
        assert_relative_eq!(t95(1_000_000), 1.959966, max_relative = 1e-6);
        // Decreasing in df, across the table's end too.
        for df in 1..200 {
            assert!(t95(df + 1) < t95(df), "t95({}) >= t95({df})", df + 1);
        }
    }

    #[test]
    fn every_particle_of_every_stage_draws_its_own_stream() {
        let mut keys = std::collections::HashSet::new();
        for stage in 0..40 {
            for i in [0, 1, 2, 1000, (1 << 40) - 1] {
                let k = particle_key(stage, i);
                assert_ne!(k, SELECTION, "the selection stream's key");
                assert!(keys.insert(k), "stage {stage}, particle {i}: key {k:#x} reused");
            }
        }
    }

    #[test]
    fn mean_se_and_half_width_by_hand() {
        // 1, 2, 3, 4: mean 2.5, sample variance 5/3, SE √(5/12), t(3) = 3.182.
        let (m, se, half) = mean_se(&[1.0, 2.0, 3.0, 4.0]);
        assert_relative_eq!(m, 2.5);
        assert_relative_eq!(se, (5.0f64 / 12.0).sqrt(), max_relative = 1e-12);
        assert_relative_eq!(half, 3.182 * (5.0f64 / 12.0).sqrt(), max_relative = 1e-12);
        let (m, se, half) = mean_se(&[7.0]);
        assert_eq!((m, se), (7.0, 0.0));
        assert!(half.is_nan() || half == 0.0 || half.is_infinite());
    }

    fn rep(estimate: f64, hits: &[u64], weights: &[(f64, f64)]) -> Replicate {
        Replicate {
            estimate,
            functionals: vec![2.0 * estimate],
            hits: hits.to_vec(),
            weights: weights.to_vec(),
            runs: 100,
        }
    }

    /// Eight replicates over two stages of 50 particles, even weights.
    fn good() -> Vec<Replicate> {
        [1.0, 2.0, 3.0, 4.0, 1.0, 2.0, 3.0, 4.0]
            .iter()
            .map(|&x| rep(x * 1e-6, &[20, 10], &[(20.0, 20.0), (10.0, 10.0)]))
            .collect()
    }

    #[test]
    fn summary_figures_by_hand() {
        let s = summarize(&good(), vec![50, 50], 1234, 1.0);
        assert_eq!(s.refused, None);
        let (m, sd) = (2.5e-6, (8.0f64 / 7.0 * 1.25).sqrt() * 1e-6); // sample SD of 1,2,3,4,1,2,3,4 (× 1e-6)
        let se = sd / 8f64.sqrt();
        let half = 2.365 * se; // t(7)
        assert_relative_eq!(s.estimate, m, max_relative = 1e-12);
        assert_relative_eq!(s.std_error, se, max_relative = 1e-12);
        assert_relative_eq!(s.ci95[0], m - half, max_relative = 1e-12);
        assert_relative_eq!(s.ci95[1], m + half, max_relative = 1e-12);
        assert_relative_eq!(s.relative_error, half / m, max_relative = 1e-12);
        assert_eq!(s.hits, vec![160, 80]);
        assert_eq!(s.hit_fraction, vec![160.0 / 400.0, 80.0 / 400.0]);
        assert_eq!((s.replicates, s.runs, s.effort_per_stage.clone()), (8, 1234, vec![50, 50]));
        assert_relative_eq!(s.effective_sample_size, m * (1.0 - m) / (se * se), max_relative = 1e-12);
        assert_relative_eq!(s.largest_replicate_share, 4.0 / 20.0, max_relative = 1e-12);
        // Weights all 1: Σw²/… gives evenness exactly 1 at each level.
        assert_eq!(s.weight_evenness, vec![1.0, 1.0]);
        assert_eq!(s.functionals.len(), 1);
        assert_relative_eq!(s.functionals[0].mean, 2.0 * m, max_relative = 1e-12);
        assert_relative_eq!(s.functionals[0].ci95[0], 2.0 * (m - half), max_relative = 1e-12);
        assert_relative_eq!(s.functionals[0].ci95[1], 2.0 * (m + half), max_relative = 1e-12);
        assert_eq!(s.replicate_estimates.len(), 8);
        // A lower bound never goes below 0.
        let wide = summarize(
            &[rep(1e-6, &[40, 40], &[(40.0, 40.0); 2]), rep(0.0, &[40, 0], &[(40.0, 40.0), (0.0, 0.0)])],
            vec![50, 50],
            1,
            100.0,
        );
        assert_eq!(wide.ci95[0], 0.0);
    }

    #[test]
    fn each_diagnostic_refuses_on_its_own() {
        let refusal = |reps: &[Replicate], target: f64| summarize(reps, vec![50, 50], 1, target).refused;
        assert_eq!(refusal(&good(), 1.0), None);
        // Relative error: the good set's is 0.71; a bound just under refuses, just over passes.
        let re = summarize(&good(), vec![50, 50], 1, 1.0).relative_error;
        assert!(refusal(&good(), re * 0.999).is_some_and(|r| r.contains("relative error")));
        assert_eq!(refusal(&good(), re * 1.001), None);
        // Nothing reached the event.
        let none: Vec<Replicate> = (0..8).map(|_| rep(0.0, &[20, 0], &[(20.0, 20.0), (0.0, 0.0)])).collect();
        assert!(refusal(&none, 1.0).is_some_and(|r| r.contains("no trajectory")));
        let zero = summarize(&none, vec![50, 50], 1, 1.0);
        assert_eq!((zero.largest_replicate_share, zero.weight_evenness[1]), (0.0, 0.0), "0, not NaN");
        assert!(zero.relative_error.is_infinite(), "an estimate of 0 has an infinite relative error, not NaN");
        // Crossings whose likelihood ratios are all 0: degenerate, not NaN.
        let weightless: Vec<Replicate> =
            good().into_iter().map(|r| Replicate { weights: vec![(20.0, 20.0), (0.0, 0.0)], ..r }).collect();
        assert!(refusal(&weightless, 1.0).is_some_and(|r| r.contains("level 2") && r.contains("degenerate")));
        // A level crossed fewer than 30 times in all (8 × 3 = 24), then exactly 30 (passes).
        let few: Vec<Replicate> = good().into_iter().map(|r| Replicate { hits: vec![20, 3], ..r }).collect();
        assert!(refusal(&few, 1.0).is_some_and(|r| r.contains("level 2") && r.contains("24 particles")));
        let mut thirty: Vec<Replicate> = good()
            .into_iter()
            .map(|r| Replicate { hits: vec![20, 4], weights: vec![(20.0, 20.0), (4.0, 4.0)], ..r })
            .collect();
        thirty[0].hits[1] = 2;
        thirty[0].weights[1] = (2.0, 2.0);
        assert_eq!(thirty.iter().map(|r| r.hits[1]).sum::<u64>(), MIN_HITS_PER_LEVEL);
        assert_eq!(refusal(&thirty, 1.0), None);
        // Degenerate weights: one weight of 1 and 79 of 1e-6 at level 2.
        let mut skewed = good();
        for (i, r) in skewed.iter_mut().enumerate() {
            let (s, s2) = if i == 0 { (1.0 + 9.0 * 1e-6, 1.0 + 9.0 * 1e-12) } else { (10.0 * 1e-6, 10.0 * 1e-12) };
            r.weights[1] = (s, s2);
        }
        assert!(refusal(&skewed, 1.0).is_some_and(|r| r.contains("level 2") && r.contains("degenerate")));
        // One replicate holding more than half of the sum.
        let mut heavy = good();
        heavy[0].estimate = 30e-6;
        let share = summarize(&heavy, vec![50, 50], 1, 100.0).largest_replicate_share;
        assert_relative_eq!(share, 30.0 / 49.0, max_relative = 1e-12);
        assert!(refusal(&heavy, 100.0).is_some_and(|r| r.contains("holds 61%")));
        heavy[0].estimate = 16e-6; // 16 / 35: under half
        assert_eq!(refusal(&heavy, 100.0), None);
        // Boundaries are trusted: exactly half in one replicate (3 of 6,
        // in powers of two so the share is exact),
        // a relative error exactly at the bound.
        let half: Vec<Replicate> = [3.0, 1.0, 1.0, 1.0]
            .iter()
            .map(|&x| rep(x / 1_048_576.0, &[20, 10], &[(20.0, 20.0), (10.0, 10.0)]))
            .collect();
        assert_eq!(summarize(&half, vec![50, 50], 1, 100.0).largest_replicate_share, MAX_REPLICATE_SHARE);
        assert_eq!(refusal(&half, 100.0), None);
        assert_eq!(refusal(&good(), re), None);
        // Uneven weights over very many crossings: evenness 9e-5 (below
        // 1e-4) though they still count as 36 particles (above 30).
        let many: Vec<Replicate> = (0..8).map(|_| rep(2e-6, &[20, 50_000], &[(20.0, 20.0), (0.75, 0.125)])).collect();
        let s = summarize(&many, vec![50, 100_000], 1, 100.0);
        assert_relative_eq!(s.weight_evenness[1], 9e-5, max_relative = 1e-12);
        assert!(s.refused.is_some_and(|r| r.contains("degenerate")));
        // Exactly the smallest evenness trusted (10² / 1 / 10⁶ = 1e-4): trusted.
        let edge: Vec<Replicate> = (0..8).map(|_| rep(2e-6, &[20, 125_000], &[(20.0, 20.0), (1.25, 0.125)])).collect();
        let s = summarize(&edge, vec![50, 200_000], 1, 100.0);
        assert_eq!(s.weight_evenness[1], MIN_WEIGHT_EVENNESS);
        assert_eq!(s.refused, None);
    }

    /// Identical replicates: no spread, so a zero standard error, and no
    /// effective sample size to claim (0, not infinity).
    #[test]
    fn identical_replicates_claim_no_sample_size() {
        let same: Vec<Replicate> = (0..8).map(|_| rep(2e-6, &[20, 10], &[(20.0, 20.0), (10.0, 10.0)])).collect();
        let s = summarize(&same, vec![50, 50], 1, 1.0);
        assert_eq!((s.std_error, s.relative_error, s.effective_sample_size), (0.0, 0.0, 0.0));
    }

    /// A particle climbing a ladder: from level ℓ it reaches ℓ + 1 with
    /// probability `p[ℓ]`, else stops; P(top) = Π p.
    #[derive(Clone)]
    struct Ladder {
        level: u32,
        p: Vec<f64>,
        rng: SimRng,
    }

    impl Particle for Ladder {
        fn level(&self) -> u32 {
            self.level
        }
        fn advance(&mut self, target: u32) -> bool {
            while self.level < target {
                if self.rng.random::<f64>() >= self.p[self.level as usize] {
                    return false;
                }
                self.level += 1;
            }
            true
        }
        fn reseed(&mut self, rng: SimRng) {
            self.rng = rng;
        }
        fn weight(&self) -> f64 {
            1.0
        }
        fn finish(&mut self) {}
        fn functionals(&self) -> Vec<f64> {
            Vec::new()
        }
    }

    fn ladder(p: &[f64]) -> Ladder {
        Ladder { level: 0, p: p.to_vec(), rng: stream(1, 2, 3) }
    }

    #[test]
    fn the_plan_expects_about_60_crossings_a_level() {
        // Every level crossed at least 5 times by the first pilot (1000 a
        // stage): effort ≈ 60/p (at least 200), from that pilot alone.
        let (effort, spent) = plan(&ladder(&[0.1, 0.02, 0.5]), 3, 7, 50_000_000);
        assert_eq!(spent, 3000);
        for (e, p) in effort.iter().zip([0.1f64, 0.02, 0.5]) {
            let want = (60.0 / p).max(200.0);
            assert!((*e as f64 / want - 1.0).abs() < 0.5, "{effort:?}: {e} vs {want}");
        }
        // A level crossed by 1 in 1000 needs pilots of 1000, 4000 and
        // 16 000 a stage (the first two see fewer than 5 crossings).
        let (effort, spent) = plan(&ladder(&[0.001, 0.5]), 2, 7, 50_000_000);
        assert!((effort[0] as f64 / 60_000.0 - 1.0).abs() < 0.5, "{effort:?}");
        assert_eq!(effort[1], 200, "60 / 0.5 = 120 is raised to the floor of 200");
        assert!(spent > 16_000 && spent <= 2 * 21_000, "{spent}");
    }

    #[test]
    fn a_level_never_crossed_stops_the_plan_at_its_allowance() {
        // Nothing ever crosses: the pilot grows fourfold until its runs
        // pass an eighth of the allowance (1000 + 4000 + … + 256 000 =
        // 341 000 > 1 000 000 / 8), and asks for 8 times its last size,
        // within the bound of 2 000 000 a stage.
        let (effort, spent) = plan(&ladder(&[0.0, 0.5]), 2, 7, 1_000_000);
        assert_eq!(spent, 341_000);
        assert_eq!(effort, vec![2_000_000, 2_000_000]);
        let (effort, spent) = plan(&ladder(&[0.0, 0.5]), 2, 7, 100_000);
        assert_eq!((effort, spent), (vec![128_000, 128_000], 21_000));
    }

    #[test]
    fn batches_stop_before_the_allowance_is_overrun() {
        // A target out of reach: replicates are added batch by batch while
        // the next batch still fits in `max_runs`, then the estimate is
        // refused.
        let effort = Effort { target_re: 0.001, max_runs: 200_000, ..Effort::default() };
        let s = estimate(&ladder(&[0.01, 0.05, 0.2]), 3, 11, &effort);
        let per_batch = s.effort_per_stage.iter().sum::<u64>() * u64::from(effort.batch);
        assert!(s.runs <= effort.max_runs, "{} runs of {} allowed", s.runs, effort.max_runs);
        assert!(s.runs + per_batch > effort.max_runs, "stopped with room for a batch of {per_batch}: {}", s.runs);
        assert!(s.replicates > effort.batch, "more than one batch: {}", s.replicates);
        assert!(s.refused.is_some());
    }

    #[test]
    fn splitting_a_ladder_estimates_the_product_of_its_steps() {
        // P(top) = 0.01 · 0.05 · 0.2 = 1e-4, each level's crossing
        // fraction is its step's p, and every run is counted.
        let p = [0.01, 0.05, 0.2];
        let exact: f64 = p.iter().product();
        let s = estimate(&ladder(&p), 3, 11, &Effort::default());
        assert!(s.refused.is_none(), "{:?}", s.refused);
        let xs = &s.replicate_estimates;
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let se = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
        assert_relative_eq!(s.estimate, mean, max_relative = 1e-12);
        assert!((mean - exact).abs() < 3.5 * se, "{mean} ± {se} vs {exact}");
        for (i, q) in p.iter().enumerate() {
            let started = (s.effort_per_stage[i] * u64::from(s.replicates)) as f64;
            let sd = (q * (1.0 - q) / started).sqrt();
            assert!((s.hit_fraction[i] - q).abs() < 4.0 * sd, "level {i}: {} vs {q}", s.hit_fraction[i]);
        }
        let (_, spent) = plan(&ladder(&p), 3, 11, Effort::default().max_runs);
        let per_replicate: u64 = s.effort_per_stage.iter().sum();
        assert_eq!(s.runs, spent + u64::from(s.replicates) * per_replicate);
    }
}
