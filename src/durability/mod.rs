//! Durability by simulation: the probability that a dataset kept in
//! redundancy groups (replicas or erasure coding) loses data within the
//! horizon, with an honest error bar down to eleven nines and beyond.
//!
//! [`sim`] simulates a dataset's devices, rebuilds, zone and region
//! destructions and common-cause events. This module chooses how to
//! estimate: plain Monte Carlo when a pilot run sees losses often enough,
//! otherwise replicated multilevel splitting ([`crate::rare`]) on the most
//! fragments lost in any group. It runs as its own pass, on its own random
//! streams, so the availability figures of the same run are untouched.
//!
//! Groups are independent unless a zone or region destruction can reach
//! them: then the whole dataset is simulated at once; otherwise one group
//! is, and P(dataset loss) = 1 − (1 − p)^count, its interval mapped through
//! the same increasing function.

pub mod sim;

use crate::model::{Backing, DataGroup, Model};
use crate::rare::{self, Effort, Particle};
use crate::rng::{stream, stream_key};
use crate::stats::{Proportion, Z95};
use schemars::JsonSchema;
use serde::Serialize;
use sim::{Context, Trajectory};

/// Plain trajectories of the pilot that decides the method.
const PILOT: u64 = 20_000;

/// Losses the pilot must see for plain Monte Carlo to be used.
const PLAIN_HITS: u64 = 200;

/// Most plain trajectories run.
const MAX_PLAIN: u64 = 20_000_000;

/// How an estimate was made and whether it can be trusted.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Estimator {
    /// "plain Monte Carlo" or "multilevel splitting (fixed effort, N replicates)".
    pub method: String,
    /// Whether its diagnostics passed: when false, no figure is given.
    pub reliable: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Trajectories simulated (plain), or particle runs (splitting), pilot included.
    pub trials: u64,
    /// Plain Monte-Carlo trials that would give the same variance.
    pub effective_sample_size: f64,
    /// Splitting only: independent replicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicates: Option<u32>,
    /// Splitting only: share of particles crossing each level (fragments
    /// lost 1, 2, …, then data loss).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hit_fraction: Vec<f64>,
    /// Splitting only: particles started per level in each replicate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub effort_per_level: Vec<u64>,
    /// Splitting only: the largest replicate's share of the total.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub largest_replicate_share: Option<f64>,
    /// Splitting only: per level, (Σw)²/Σw²/crossings of the likelihood
    /// ratios w of the particles crossing it (1: even; near 0: degenerate).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub weight_evenness: Vec<f64>,
    /// The dataset figure was derived from one group's (groups independent).
    pub from_one_group: bool,
    /// Splitting only: every replicate's estimate of the simulated groups'
    /// loss probability (one group's when `from_one_group`).
    #[serde(skip)]
    pub replicate_estimates: Vec<f64>,
    /// Splitting only: every replicate's estimate of the simulated groups'
    /// expected groups lost over the horizon (one group's when
    /// `from_one_group`).
    #[serde(skip)]
    pub replicate_groups_lost: Vec<f64>,
}

impl Estimator {
    /// An estimator with no splitting diagnostics (plain Monte Carlo, or
    /// splitting refused before it ran): reliable unless `refusal`.
    fn without_splitting(method: &str, trials: u64, effective_sample_size: f64, refusal: Option<String>) -> Self {
        Estimator {
            method: method.to_owned(),
            reliable: refusal.is_none(),
            refusal,
            trials,
            effective_sample_size,
            replicates: None,
            hit_fraction: Vec::new(),
            effort_per_level: Vec::new(),
            largest_replicate_share: None,
            weight_evenness: Vec::new(),
            from_one_group: false,
            replicate_estimates: Vec::new(),
            replicate_groups_lost: Vec::new(),
        }
    }
}

/// Which estimator to use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Method {
    /// Plain Monte Carlo if a pilot sees losses often enough, else splitting.
    #[default]
    Auto,
    /// Plain Monte Carlo, to the target relative error (or its trial cap).
    Plain,
    /// Multilevel splitting.
    Splitting,
}

/// An estimate with its interval.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Interval {
    /// Estimate.
    pub estimate: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// 95% half-width / estimate.
    pub relative_error: f64,
}

/// Loss by what caused it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CauseShare {
    /// "devices", "zone or region destroyed", "common cause".
    pub cause: String,
    /// Share of the loss probability.
    pub share: f64,
}

/// A dataset's durability.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DurabilityReport {
    /// Dataset name.
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// "3 replicas", "6+3 erasure coding".
    pub scheme: String,
    /// Groups holding it.
    pub groups: u64,
    /// Bytes of data.
    pub size_bytes: f64,
    /// Raw capacity price per month, USD.
    pub monthly_usd: f64,
    /// The bucket or store it backs, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backs: Option<String>,
    /// How it was estimated.
    pub estimator: Estimator,
    /// P(some data lost within the horizon); absent when refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loss_probability: Option<Interval>,
    /// P(some data lost within a year), from the above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annual_loss_probability: Option<Interval>,
    /// −log10 of the annual loss probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub durability_nines: Option<f64>,
    /// Mean time to data loss, years, as if losses came at the constant
    /// rate that gives the annual loss probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mttdl_years: Option<f64>,
    /// Expected groups losing data per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups_lost_per_year: Option<Interval>,
    /// Expected bytes lost per year (groups lost × bytes per group).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes_lost_per_year: Option<Interval>,
    /// What caused the losses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub loss_by_cause: Vec<CauseShare>,
}

/// What was estimated for `count` simulated groups.
struct Raw {
    p: Interval,
    /// Expected groups lost (per horizon).
    lost: Interval,
    causes: [f64; 3],
    estimator: Estimator,
}

fn interval(estimate: f64, lo: f64, hi: f64) -> Interval {
    let relative_error = if estimate > 0.0 { (hi - lo) / 2.0 / estimate } else { f64::INFINITY };
    Interval { estimate, ci95: [lo.max(0.0), hi], relative_error }
}

fn plain(ctx: &Context<'_>, seed: u64, n: u64, first: u64) -> (u64, f64, f64, [u64; 3]) {
    use rayon::prelude::*;
    let top = ctx.top();
    (first..first + n)
        .into_par_iter()
        .map(|i| {
            let mut t = Trajectory::new(ctx, stream(seed, i, 0x9a1e), false);
            if t.advance(top) {
                t.finish();
            }
            let mut causes = [0; 3];
            if let Some((_, c)) = t.first_loss {
                causes[c as usize] = 1;
            }
            (u64::from(t.lost > 0), t.lost as f64, (t.lost as f64).powi(2), causes)
        })
        .reduce(
            || (0, 0.0, 0.0, [0; 3]),
            |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, [a.3[0] + b.3[0], a.3[1] + b.3[1], a.3[2] + b.3[2]]),
        )
}

/// How many plain trajectories to have after the next round, `n` run so
/// far with loss probability about `p`: enough for `target_re` by the
/// normal approximation with a 10% margin, at least a quarter more than
/// `n` (the estimate so far can be low), at most [`MAX_PLAIN`].
fn next_round(n: u64, p: f64, target_re: f64) -> u64 {
    let need = (1.1 * (Z95 / target_re).powi(2) * (1.0 - p) / p).ceil() as u64;
    // Not `clamp`: a quarter more than a run near the cap exceeds it.
    need.max(n + n / 4).min(MAX_PLAIN)
}

fn estimate_raw(ctx: &Context<'_>, seed: u64, effort: &Effort, method: Method) -> Raw {
    // A pilot of plain trajectories: if losses are common enough, plain
    // Monte Carlo reaches the target on its own.
    let pilot = if method == Method::Splitting { (0, 0.0, 0.0, [0; 3]) } else { plain(ctx, seed, PILOT, 0) };
    if method == Method::Plain || (method == Method::Auto && pilot.0 >= PLAIN_HITS) {
        // Add trajectories until the interval is narrow enough (each round
        // sized from the estimate so far), or the cap.
        let (mut n, mut acc) = (PILOT, pilot);
        loop {
            let p = acc.0.max(1) as f64 / n as f64;
            let prop = Proportion::new(acc.0, n);
            let re = if acc.0 > 0 { (prop.ci95[1] - prop.ci95[0]) / 2.0 / prop.estimate } else { f64::INFINITY };
            if re <= effort.target_re || n >= MAX_PLAIN {
                break;
            }
            let target = next_round(n, p, effort.target_re);
            let add = plain(ctx, seed, target - n, n);
            acc = (acc.0 + add.0, acc.1 + add.1, acc.2 + add.2, [0, 1, 2].map(|i| acc.3[i] + add.3[i]));
            n = target;
        }
        let (hits, sum, sum2, causes) = acc;
        let hits_f = hits.max(1) as f64;
        let prop = Proportion::new(hits, n);
        let mean = sum / n as f64;
        let var = (sum2 / n as f64 - mean * mean).max(0.0) * n as f64 / (n as f64 - 1.0);
        let half = Z95 * (var / n as f64).sqrt();
        let p_interval = interval(prop.estimate, prop.ci95[0], prop.ci95[1]);
        let refusal = (p_interval.relative_error > effort.target_re).then(|| {
            format!(
                "relative error {:.1}% after {n} trajectories, above the bound of {:.1}%",
                100.0 * p_interval.relative_error,
                100.0 * effort.target_re
            )
        });
        return Raw {
            lost: interval(mean, mean - half, mean + half),
            causes: [0, 1, 2].map(|i| causes[i] as f64 / hits_f * p_interval.estimate),
            p: p_interval,
            estimator: Estimator::without_splitting("plain Monte Carlo", n, n as f64, refusal),
        };
    }
    let init = Trajectory::new(ctx, stream(seed, u64::MAX, 0x1417), true);
    let s = rare::estimate(&init, ctx.top(), seed, effort);
    let f = |i: usize| s.functionals.get(i).map_or(0.0, |x| x.mean);
    let lost = s.functionals.first().map_or(interval(0.0, 0.0, 0.0), |x| interval(x.mean, x.ci95[0], x.ci95[1]));
    Raw {
        p: interval(s.estimate, s.ci95[0], s.ci95[1]),
        lost,
        causes: [f(1), f(2), f(3)],
        estimator: Estimator {
            method: format!("multilevel splitting (fixed effort, {} replicates)", s.replicates),
            reliable: s.refused.is_none(),
            refusal: s.refused.clone(),
            trials: s.runs + if method == Method::Auto { PILOT } else { 0 },
            effective_sample_size: s.effective_sample_size,
            replicates: Some(s.replicates),
            hit_fraction: s.hit_fraction.clone(),
            effort_per_level: s.effort_per_stage.clone(),
            largest_replicate_share: Some(s.largest_replicate_share),
            weight_evenness: s.weight_evenness.clone(),
            from_one_group: false,
            replicate_estimates: s.replicate_estimates.clone(),
            replicate_groups_lost: s.functionals.first().map_or_else(Vec::new, |f| f.replicates.clone()),
        },
    }
}

/// 1 − (1 − p)^n, accurate for tiny p.
fn any_of(p: f64, n: u64) -> f64 {
    if p >= 1.0 {
        return 1.0;
    }
    -((n as f64) * (-p).ln_1p()).exp_m1()
}

/// Estimates the durability of data group `g` of `model`, seeded from the
/// model's seed and the group's stream (its own pass: no availability
/// figure changes).
pub fn estimate(model: &Model, g: &DataGroup, effort: &Effort) -> DurabilityReport {
    estimate_with(model, g, effort, Method::Auto)
}

/// [`estimate`] with the estimator chosen by the caller (for checks).
pub fn estimate_with(model: &Model, g: &DataGroup, effort: &Effort, method: Method) -> DurabilityReport {
    // Its own streams: the availability pass of the same run is untouched.
    let seed = model.seed ^ g.stream ^ stream_key("durability");
    let whole = Context::new(model, g, g.count);
    let independent = !whole.has_areas() && g.count > 1;
    let raw = if independent {
        let one = Context::new(model, g, 1);
        let mut r = estimate_raw(&one, seed, effort, method);
        let c = g.count;
        r.p = interval(any_of(r.p.estimate, c), any_of(r.p.ci95[0], c), any_of(r.p.ci95[1], c));
        let cf = c as f64;
        r.lost = interval(r.lost.estimate * cf, r.lost.ci95[0] * cf, r.lost.ci95[1] * cf);
        r.estimator.from_one_group = true;
        r
    } else {
        estimate_raw(&whole, seed, effort, method)
    };
    report(model, g, raw)
}

fn report(model: &Model, g: &DataGroup, raw: Raw) -> DurabilityReport {
    let years = model.horizon_years();
    let backs = match g.backing {
        Backing::Alone => None,
        Backing::Bucket(b) => Some(format!("bucket {}", model.buckets[b as usize].name)),
        Backing::Store(s) => Some(format!("store {}", model.stores[s as usize].name)),
    };
    let ok = raw.estimator.reliable;
    let annual = |p: f64| if p >= 1.0 { 1.0 } else { -((-p).ln_1p() / years).exp_m1() };
    let annual_p = Interval {
        estimate: annual(raw.p.estimate),
        ci95: raw.p.ci95.map(annual),
        relative_error: raw.p.relative_error,
    };
    let per_year = |i: &Interval| Interval {
        estimate: i.estimate / years,
        ci95: i.ci95.map(|x| x / years),
        relative_error: i.relative_error,
    };
    let bytes_per_group = g.size_bytes / g.count as f64;
    let total: f64 = raw.causes.iter().sum();
    let names = ["devices failing on their own", "zone or region destroyed", "common cause"];
    DurabilityReport {
        name: g.name.clone(),
        description: g.description.clone(),
        scheme: g.scheme.clone(),
        groups: g.count,
        size_bytes: g.size_bytes,
        monthly_usd: g.monthly_usd,
        backs,
        durability_nines: ok.then(|| -annual_p.estimate.log10()).filter(|n| n.is_finite()),
        mttdl_years: ok.then(|| 1.0 / -(-annual_p.estimate).ln_1p()).filter(|m| m.is_finite()),
        groups_lost_per_year: ok.then(|| per_year(&raw.lost)),
        bytes_lost_per_year: ok.then(|| {
            let l = per_year(&raw.lost);
            Interval {
                estimate: l.estimate * bytes_per_group,
                ci95: l.ci95.map(|x| x * bytes_per_group),
                relative_error: l.relative_error,
            }
        }),
        loss_by_cause: if ok && total > 0.0 {
            names
                .iter()
                .zip(raw.causes)
                .filter(|(_, c)| *c > 0.0)
                .map(|(n, c)| CauseShare { cause: (*n).to_owned(), share: c / total })
                .collect()
        } else {
            Vec::new()
        },
        loss_probability: ok.then_some(raw.p),
        annual_loss_probability: ok.then_some(annual_p),
        estimator: raw.estimator,
    }
}

/// Every data group of `model`, estimated in turn.
pub fn estimate_all(model: &Model, effort: &Effort) -> Vec<DurabilityReport> {
    model.data_groups.iter().map(|g| estimate(model, g, effort)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rounds_are_sized_for_the_target_and_stay_under_the_cap() {
        // 1.1 × (1.959964 / 0.1)² × 0.99 / 0.01 = 41 833.5 trajectories.
        assert_eq!(next_round(PILOT, 0.01, 0.10), 41_834);
        // The estimate says nearly done: still a quarter more, so rounds
        // grow geometrically.
        assert_eq!(next_round(100_000, 0.01, 0.10), 125_000);
        assert_eq!(next_round(100_000, 0.5, 0.10), 125_000);
        // A run past 16 M whose target is not reached yet: `clamp(n + n/4,
        // cap)` panicked here (minimum above maximum).
        assert_eq!(next_round(17_000_000, 0.01, 0.0047), MAX_PLAIN);
        assert_eq!(next_round(1000, 1e-9, 0.10), MAX_PLAIN);
    }
}
