//! Importance-sampling estimates of downtime for designs whose outages are
//! rare (`nines run --rare`): mean downtime per year, the share of SLO
//! windows missed, outages per year and the chance of any outage, each with
//! its 95% interval and relative error, and the speed-up over plain Monte
//! Carlo measured in the same run.
//!
//! Every trial runs with failure clocks biased near an outage
//! ([`crate::engine::rare::WeightedTrial`]) and every figure is weighted by
//! the trial's likelihood ratio, so each estimate is a plain mean over
//! independent trials: its standard error comes from the per-trial values,
//! like plain Monte Carlo's. How close "near" is (the distance threshold)
//! comes from a plain pilot: the largest distance the service enters at
//! most [`MAX_SPELLS`] times a trial on average, since every biased spell
//! multiplies the likelihood ratio's variance.
//!
//! The answer is refused, never printed, when fewer than
//! [`MIN_HITS`] trials saw an outage, when one trial carries more than
//! [`MAX_SHARE`] of the mean downtime, when the mean likelihood ratio is
//! not 1 within its 99.9% interval (the weights are off), or when the
//! relative error is still above its target once the trials allowed are
//! spent.
//!
//! The gain is reported as work-normalised variance: plain Monte Carlo's
//! variance of one trial's downtime (estimated by this run, as
//! E[w·D²] − E[w·D]²) times the CPU time of one plain trial (measured on
//! plain trials of the same model), over this estimate's variance times its
//! CPU time.

use crate::engine::Scratch;
use crate::engine::rare::{Weighted, WeightedTrial};
use crate::model::Model;
use crate::rng::stream;
use crate::stats::VariantStats;
use crate::stats::Z95;
use cpu_time::ThreadTime;
use rayon::prelude::*;
use schemars::JsonSchema;
use serde::Serialize;

/// Largest mean number of biased spells per trial the threshold allows:
/// each spell multiplies the likelihood ratio's second moment (by about
/// 1/(1 − θ)) and costs CPU time. On four-by-five the thresholds with 3.4,
/// 3.8 and 5.9 spells a trial gave work-normalised variances of 1.0, 0.9
/// and 1.1 (relative).
pub const MAX_SPELLS: f64 = 5.0;
/// Fewest trials with an outage for a trusted answer.
pub const MIN_HITS: u64 = 30;
/// Largest share of the summed weighted downtime one trial may carry.
pub const MAX_SHARE: f64 = 0.1;
/// Trials per chunk: the unit of parallel work and of summation order.
const CHUNK: u64 = 512;
/// Chunks between two checks of the stopping rule (fixed, so the result
/// does not depend on the thread count).
const CHUNKS_PER_CHECK: u64 = 8;
/// Plain trials of the pilot that chooses the threshold.
const PILOT: u64 = 2_000;
/// Fewest trials of an estimate.
const MIN_TRIALS: u64 = 4 * CHUNK * CHUNKS_PER_CHECK;
/// Stream key of the biased clocks' draws.
const BIAS_STREAM: u64 = 0x0b1a_5ed0_c10c;
/// Trial numbers of the pilot (apart from the estimate's).
const PILOT_TRIALS: u64 = 1 << 62;

/// A figure with its 95% interval and relative error.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Figure {
    /// Estimate.
    pub estimate: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// Standard error.
    pub std_error: f64,
    /// 95% half-width / estimate.
    pub relative_error: f64,
}

impl Figure {
    fn new(mean: f64, se: f64) -> Self {
        let h = Z95 * se;
        Figure {
            estimate: mean,
            ci95: [(mean - h).max(0.0), mean + h],
            std_error: se,
            relative_error: if mean > 0.0 { h / mean } else { f64::INFINITY },
        }
    }
}

/// The importance-sampling estimate of a variant's downtime.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RareDowntime {
    /// How it was estimated.
    pub method: String,
    /// Whether its diagnostics passed (no figures otherwise).
    pub reliable: bool,
    /// Why not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    /// Mean downtime, hours per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtime_hours: Option<Figure>,
    /// Share of SLO windows that miss the SLO (with an SLO).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_windows_missed: Option<Figure>,
    /// Outages per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outages_per_year: Option<Figure>,
    /// P(at least one outage in a trial).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outage_probability: Option<Figure>,
    /// Weighted trials run.
    pub trials: u64,
    /// Trials that had an outage.
    pub trials_with_outage: u64,
    /// Fewest further unit failures to an outage from the start state.
    pub distance_at_start: u32,
    /// Clocks are biased at this distance or closer.
    pub bias_threshold: u32,
    /// Mean biased spells per trial.
    pub spells_per_trial: f64,
    /// Mean likelihood ratio (1 in expectation) and its standard error.
    pub mean_weight: [f64; 2],
    /// Largest share of the summed weighted downtime one trial carried.
    pub largest_share: f64,
    /// Effective share of the outage trials: (Σw)²/Σw²/count (1: even).
    pub weight_evenness: f64,
    /// CPU seconds spent (pilot and estimate; the threads' own CPU time).
    pub cpu_seconds: f64,
    /// Plain Monte Carlo's variance of one trial's downtime, (h/yr)².
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_variance_per_trial: Option<f64>,
    /// CPU seconds of one plain trial (measured on 20 000 plain trials).
    pub plain_cpu_seconds_per_trial: f64,
    /// Work-normalised variance of plain Monte Carlo over this estimate's:
    /// how many times less CPU time this estimate needs for the same
    /// interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speedup: Option<f64>,
    /// Plain trials that would reach this estimate's relative error on
    /// mean downtime.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plain_trials_for_same_error: Option<f64>,
}

/// How far an estimate may go.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Stop once mean downtime's relative error is at most this.
    pub target_re: f64,
    /// At most this many weighted trials.
    pub max_trials: u64,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { target_re: 0.01, max_trials: 20_000_000 }
    }
}

/// Sums over trials, in trial order within a chunk and chunk order across.
#[derive(Clone, Debug, Default)]
struct Sums {
    n: u64,
    hits: u64,
    spells: u64,
    /// Σ x and Σ x² of each weighted figure: downtime, windows missed,
    /// outages per year, any outage, downtime².
    s1: [f64; 5],
    s2: [f64; 5],
    w1: f64,
    w2: f64,
    /// Σ w and Σ w² over the trials with an outage.
    hit_w1: f64,
    hit_w2: f64,
    largest: f64,
    cpu: f64,
}

impl Sums {
    fn add(&mut self, o: &Sums) {
        self.n += o.n;
        self.hits += o.hits;
        self.spells += o.spells;
        for i in 0..5 {
            self.s1[i] += o.s1[i];
            self.s2[i] += o.s2[i];
        }
        self.w1 += o.w1;
        self.w2 += o.w2;
        self.hit_w1 += o.hit_w1;
        self.hit_w2 += o.hit_w2;
        self.largest = self.largest.max(o.largest);
        self.cpu += o.cpu;
    }

    /// Mean and standard error of figure `i` (or of the weight).
    fn mean_se(n: u64, s1: f64, s2: f64) -> (f64, f64) {
        let n = n as f64;
        let mean = s1 / n;
        let var = ((s2 - s1 * s1 / n) / (n - 1.0)).max(0.0);
        (mean, (var / n).sqrt())
    }

    fn figure(&self, i: usize, scale: f64) -> Figure {
        let (m, se) = Sums::mean_se(self.n, self.s1[i], self.s2[i]);
        Figure::new(m * scale, se * scale)
    }
}

/// Runs chunk `c` of weighted trials.
fn chunk(model: &Model, threshold: u32, c: u64) -> Sums {
    let start = ThreadTime::now();
    let mut t = WeightedTrial::new(model, threshold);
    let years = model.horizon_years();
    let mut s = Sums::default();
    for trial in c * CHUNK..(c + 1) * CHUNK {
        let mut rng = stream(model.seed, trial, BIAS_STREAM);
        let r = t.run(trial, &mut rng);
        let w = r.weight;
        let d = r.summary.downtime / years;
        let missed = f64::from(r.summary.slo_windows - r.summary.slo_windows_met);
        let xs = [
            w * d,
            w * missed,
            w * f64::from(r.summary.outages) / years,
            w * f64::from(u8::from(r.summary.outages > 0)),
            w * d * d,
        ];
        for (i, x) in xs.iter().enumerate() {
            s.s1[i] += x;
            s.s2[i] += x * x;
        }
        s.n += 1;
        s.spells += u64::from(r.spells);
        s.w1 += w;
        s.w2 += w * w;
        if r.summary.outages > 0 {
            s.hits += 1;
            s.hit_w1 += w;
            s.hit_w2 += w * w;
            s.largest = s.largest.max(xs[0]);
        }
    }
    s.cpu = start.elapsed().as_secs_f64();
    s
}

/// The biasing threshold [`estimate`] uses for `model` (from its pilot).
pub fn bias_threshold(model: &Model) -> u32 {
    let base = WeightedTrial::base_distance(model);
    if base > 1 { threshold(model, base).0 } else { 0 }
}

/// Weighted trials `trials` of `model` biased at `threshold`, one by one,
/// as [`estimate`] runs them (for checks that recompute its figures).
pub fn weighted_trials(model: &Model, threshold: u32, trials: std::ops::Range<u64>) -> Vec<Weighted> {
    let mut t = WeightedTrial::new(model, threshold);
    trials.map(|i| t.run(i, &mut stream(model.seed, i, BIAS_STREAM))).collect()
}

/// The distance threshold: the largest distance below the start's that
/// trials enter at most [`MAX_SPELLS`] times on average (0 when even an
/// outage is that frequent: plain trials are then the right tool).
fn threshold(model: &Model, base: u32) -> (u32, f64) {
    let (entries, cpu) = (0..PILOT.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let start = ThreadTime::now();
            let mut t = WeightedTrial::new(model, 0);
            let mut e = vec![0u64; base as usize];
            for i in c * CHUNK..((c + 1) * CHUNK).min(PILOT) {
                t.count_entries(PILOT_TRIALS + i, &mut e);
            }
            (e, start.elapsed().as_secs_f64())
        })
        .reduce(
            || (vec![0u64; base as usize], 0.0),
            |(mut a, ca), (b, cb)| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                (a, ca + cb)
            },
        );
    let per_trial = |d: u32| entries[d as usize] as f64 / PILOT as f64;
    let most = MAX_SPELLS;
    let chosen = if per_trial(0) > most { 0 } else { (1..base).rev().find(|&d| per_trial(d) <= most).unwrap_or(0) };
    (chosen, cpu)
}

/// Estimates `model`'s downtime by importance sampling until mean
/// downtime's relative error reaches `budget.target_re` (checked every
/// fixed number of chunks, so the result is the same on any thread count).
pub fn estimate(model: &Model, budget: &Budget) -> RareDowntime {
    // One plain trial's cost, measured on the plain engine.
    let probe = 20_000u64;
    let start = ThreadTime::now();
    let mut scratch = Scratch::new(model);
    let mut acc = VariantStats::new(model);
    for k in 0..probe {
        let t = crate::engine::run_trial(model, k, &mut scratch, &mut acc);
        acc.record_trial(model, &t, &scratch.bucket_trial());
    }
    let plain_per_trial = start.elapsed().as_secs_f64() / probe as f64;

    let base = WeightedTrial::base_distance(model);
    let (threshold, pilot_cpu) = if base > 1 { threshold(model, base) } else { (0, 0.0) };
    let mut sums = Sums { cpu: pilot_cpu, ..Sums::default() };
    let mut next = 0u64;
    loop {
        let batch: Vec<Sums> =
            (next..next + CHUNKS_PER_CHECK).into_par_iter().map(|c| chunk(model, threshold, c)).collect();
        for b in &batch {
            sums.add(b);
        }
        next += CHUNKS_PER_CHECK;
        let d = sums.figure(0, 1.0);
        if sums.n >= MIN_TRIALS && sums.hits >= MIN_HITS && d.relative_error <= budget.target_re {
            break;
        }
        if sums.n + CHUNK * CHUNKS_PER_CHECK > budget.max_trials.max(MIN_TRIALS) {
            break;
        }
    }
    summarize(model, &sums, base, threshold, plain_per_trial, budget)
}

fn summarize(
    model: &Model,
    s: &Sums,
    base: u32,
    threshold: u32,
    plain_per_trial: f64,
    budget: &Budget,
) -> RareDowntime {
    let downtime = s.figure(0, 1.0);
    let (w_mean, w_se) = Sums::mean_se(s.n, s.w1, s.w2);
    let largest_share = if s.s1[0] > 0.0 { s.largest / s.s1[0] } else { 0.0 };
    let evenness = if s.hit_w2 > 0.0 { s.hit_w1 * s.hit_w1 / s.hit_w2 / s.hits as f64 } else { 0.0 };
    let refusal = if s.hits < MIN_HITS {
        Some(format!(
            "only {} of {} trials had an outage (at least {MIN_HITS} are needed); the service may never go down in this model",
            s.hits, s.n
        ))
    } else if largest_share > MAX_SHARE {
        Some(format!(
            "one trial carries {:.0}% of the mean downtime (at most {:.0}% is trusted): the weights are too uneven",
            100.0 * largest_share,
            100.0 * MAX_SHARE
        ))
    } else if (w_mean - 1.0).abs() > 3.29 * w_se {
        Some(format!("the mean likelihood ratio is {w_mean:.4} ± {w_se:.4}, not 1: the biased sampling is off"))
    } else if downtime.relative_error > budget.target_re {
        Some(format!(
            "relative error {:.2}% after {} trials, above the {:.2}% asked for (allow more trials or a looser target)",
            100.0 * downtime.relative_error,
            s.n,
            100.0 * budget.target_re
        ))
    } else {
        None
    };
    let ok = refusal.is_none();
    let second = s.s1[4] / s.n as f64;
    let variance = (second - downtime.estimate * downtime.estimate).max(0.0);
    let speedup = (downtime.std_error > 0.0 && s.cpu > 0.0)
        .then(|| variance * plain_per_trial / (downtime.std_error * downtime.std_error * s.cpu));
    // A reliable estimate saw outages, so its mean and relative error are
    // positive and finite.
    let plain_trials = ok.then(|| variance * (Z95 / (downtime.relative_error * downtime.estimate)).powi(2));
    let windows = f64::from(model.slo_windows.max(1));
    RareDowntime {
        method: format!("importance sampling: failure clocks biased within {threshold} failures of an outage"),
        reliable: ok,
        refusal,
        downtime_hours: ok.then_some(downtime),
        slo_windows_missed: (ok && model.slo.is_some()).then(|| s.figure(1, 1.0 / windows)),
        outages_per_year: ok.then(|| s.figure(2, 1.0)),
        outage_probability: ok.then(|| s.figure(3, 1.0)),
        trials: s.n,
        trials_with_outage: s.hits,
        distance_at_start: base,
        bias_threshold: threshold,
        spells_per_trial: s.spells as f64 / s.n as f64,
        mean_weight: [w_mean, w_se],
        largest_share,
        weight_evenness: evenness,
        cpu_seconds: s.cpu,
        plain_variance_per_trial: ok.then_some(variance),
        plain_cpu_seconds_per_trial: plain_per_trial,
        speedup: speedup.filter(|_| ok),
        plain_trials_for_same_error: plain_trials,
    }
}

#[cfg(test)]
mod tests {
    //! The arithmetic from weighted sums to figures, diagnostics and
    //! speed-up, against values computed by hand from per-trial lists.
    use super::*;
    use approx::assert_relative_eq;
    use std::path::Path;

    fn model(slo: &str) -> Model {
        let text = format!(
            "[simulation]\nhorizon = \"1y\"\ntrials = 100\n{slo}\n[components.a]\ncount = 2\nmttf = \"1000h\"\nmttr = \"10h\"\n[services.s]\nup_when = \"a\"\n"
        );
        crate::scenario::load_str(Path::new("t.toml"), &text, &[]).unwrap().variants.remove(0)
    }

    /// Sums of these per-trial values: (weight, downtime h/yr, windows
    /// missed, outages/yr, outage?); `largest` from the outage trials.
    fn sums(trials: &[(f64, f64, f64, f64)]) -> Sums {
        let mut s = Sums { cpu: 2.0, ..Sums::default() };
        for &(w, d, missed, outages) in trials {
            let xs = [w * d, w * missed, w * outages, w * f64::from(u8::from(outages > 0.0)), w * d * d];
            for (i, x) in xs.iter().enumerate() {
                s.s1[i] += x;
                s.s2[i] += x * x;
            }
            s.n += 1;
            s.w1 += w;
            s.w2 += w * w;
            s.spells += 3;
            if outages > 0.0 {
                s.hits += 1;
                s.hit_w1 += w;
                s.hit_w2 += w * w;
                s.largest = s.largest.max(w * d);
            }
        }
        s
    }

    /// Two-pass mean and standard error, independent of `Sums::mean_se`.
    fn mean_se(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
        (m, (v / n).sqrt())
    }

    /// 40 outage trials of weight 0.5 and downtime 1..=40 h/yr, 2 of them
    /// missing a window, and 960 quiet trials of weight 1.02 (mean weight 1).
    fn trials() -> Vec<(f64, f64, f64, f64)> {
        let mut t: Vec<(f64, f64, f64, f64)> = (1..=40)
            .map(|k| (0.5, f64::from(k), f64::from(u8::from(k > 38)), 1.0 + f64::from(u8::from(k % 2 == 0))))
            .collect();
        t.extend(std::iter::repeat_n((1.02, 0.0, 0.0, 0.0), 960));
        t
    }

    #[test]
    fn figures_by_hand() {
        let t = trials();
        let s = sums(&t);
        let m = model("[targets]\nslo = \"99.9%\"\nslo_window = \"month\"");
        let r = summarize(&m, &s, 2, 1, 1e-6, &Budget { target_re: 1.0, max_trials: 0 });
        assert!(r.reliable, "{:?}", r.refusal);
        let col = |f: fn(&(f64, f64, f64, f64)) -> f64| t.iter().map(f).collect::<Vec<f64>>();
        let check = |fig: &Figure, xs: &[f64], scale: f64| {
            let (mean, se) = mean_se(xs);
            assert_relative_eq!(fig.estimate, mean * scale, max_relative = 1e-12);
            assert_relative_eq!(fig.std_error, se * scale, max_relative = 1e-9);
            assert_relative_eq!(fig.ci95[1], (mean + 1.959964 * se) * scale, max_relative = 1e-6);
            assert_relative_eq!(fig.ci95[0], ((mean - 1.959964 * se) * scale).max(0.0), max_relative = 1e-6);
            assert_relative_eq!(fig.relative_error, 1.959964 * se / mean, max_relative = 1e-6);
        };
        let d = col(|x| x.0 * x.1);
        check(r.downtime_hours.as_ref().unwrap(), &d, 1.0);
        check(r.slo_windows_missed.as_ref().unwrap(), &col(|x| x.0 * x.2), 1.0 / 12.0);
        check(r.outages_per_year.as_ref().unwrap(), &col(|x| x.0 * x.3), 1.0);
        check(r.outage_probability.as_ref().unwrap(), &col(|x| x.0 * f64::from(u8::from(x.3 > 0.0))), 1.0);
        assert_eq!((r.trials, r.trials_with_outage, r.distance_at_start, r.bias_threshold), (1000, 40, 2, 1));
        assert_relative_eq!(r.spells_per_trial, 3.0);
        let (wm, wse) = mean_se(&col(|x| x.0));
        assert_relative_eq!(r.mean_weight[0], wm, max_relative = 1e-12);
        assert_relative_eq!(r.mean_weight[1], wse, max_relative = 1e-6);
        assert_relative_eq!(r.largest_share, 20.0 / d.iter().sum::<f64>(), max_relative = 1e-12);
        assert_relative_eq!(r.weight_evenness, 1.0, max_relative = 1e-12);
        // Plain variance per trial E[w·D²] − E[w·D]², and the speed-up
        // (variance × plain CPU per trial) / (SE² × CPU spent).
        let second = t.iter().map(|x| x.0 * x.1 * x.1).sum::<f64>() / 1000.0;
        let (dm, dse) = mean_se(&d);
        let variance = second - dm * dm;
        assert_relative_eq!(r.plain_variance_per_trial.unwrap(), variance, max_relative = 1e-9);
        assert_relative_eq!(r.speedup.unwrap(), variance * 1e-6 / (dse * dse * 2.0), max_relative = 1e-6);
        assert_relative_eq!(
            r.plain_trials_for_same_error.unwrap(),
            variance * (1.0 / dse).powi(2),
            max_relative = 1e-6
        );
        assert_relative_eq!(r.cpu_seconds, 2.0);
        // No SLO, no SLO figure.
        assert!(
            summarize(&model(""), &s, 2, 1, 1e-6, &Budget { target_re: 1.0, max_trials: 0 })
                .slo_windows_missed
                .is_none()
        );
    }

    #[test]
    fn each_refusal_on_its_own() {
        let m = model("");
        let verdict = |t: &[(f64, f64, f64, f64)], target: f64| {
            let r = summarize(&m, &sums(t), 2, 1, 1e-6, &Budget { target_re: target, max_trials: 0 });
            assert_eq!(r.reliable, r.refusal.is_none());
            assert_eq!(r.downtime_hours.is_some(), r.reliable, "figures only when reliable");
            r.refusal
        };
        assert_eq!(verdict(&trials(), 1.0), None);
        // Relative error just above and just below the target.
        let re = summarize(&m, &sums(&trials()), 2, 1, 1e-6, &Budget { target_re: 1.0, max_trials: 0 })
            .downtime_hours
            .unwrap()
            .relative_error;
        assert!(verdict(&trials(), re * 0.999).is_some_and(|r| r.contains("relative error")));
        assert_eq!(verdict(&trials(), re * 1.001), None);
        // 29 outage trials: too few; 30: enough.
        let mut few = trials();
        few.retain(|x| x.3 == 0.0 || x.1 <= 29.0);
        assert!(verdict(&few, 1.0).is_some_and(|r| r.contains("only 29 of")));
        let mut thirty = trials();
        thirty.retain(|x| x.3 == 0.0 || x.1 <= 30.0);
        assert_eq!(verdict(&thirty, 1.0), None);
        // One trial with more than a tenth of the weighted downtime.
        let mut heavy = trials();
        heavy[0].1 = 100.0; // 50 of Σ w·D = 50 + 409.5
        assert!(verdict(&heavy, 10.0).is_some_and(|r| r.contains("one trial carries 11%")));
        heavy[0].1 = 90.0; // 45 of 454.5: under a tenth
        assert_eq!(verdict(&heavy, 10.0), None);
        // Weights whose mean is not 1.
        let off: Vec<_> = trials().into_iter().map(|x| (x.0 * 1.2, x.1, x.2, x.3)).collect();
        assert!(verdict(&off, 10.0).is_some_and(|r| r.contains("mean likelihood ratio")));
        // Boundaries are trusted: a share of exactly a tenth (1 of 10 h/yr
        // over 37 outage trials), a relative error exactly at the target.
        let mut tenth: Vec<_> = (0..37).map(|k| (1.0, if k == 0 { 1.0 } else { 0.25 }, 0.0, 1.0)).collect();
        tenth.extend(std::iter::repeat_n((1.0, 0.0, 0.0, 0.0), 60));
        let r = summarize(&m, &sums(&tenth), 2, 1, 1e-6, &Budget { target_re: 10.0, max_trials: 0 });
        assert_eq!(r.largest_share, MAX_SHARE);
        assert_eq!(r.refusal, None);
        assert_eq!(verdict(&trials(), re), None);
    }

    /// Unweighted, identical trials (the weights all 1, no spread): the mean
    /// weight is exactly 1 with no error, which is right, not suspicious;
    /// with no spread there is no speed-up to report, and no CPU time
    /// spent gives none either. A run without outages has a largest share
    /// and an evenness of 0, not NaN.
    #[test]
    fn degenerate_sums_give_no_nan() {
        let m = model("");
        let same: Vec<_> = (0..40).map(|_| (1.0, 1.0, 0.0, 1.0)).collect();
        let budget = Budget { target_re: 1.0, max_trials: 0 };
        let r = summarize(&m, &sums(&same), 2, 1, 1e-6, &budget);
        assert_eq!(r.refusal, None);
        assert_eq!(r.mean_weight, [1.0, 0.0]);
        assert_eq!(r.speedup, None);
        let mut idle = sums(&trials());
        idle.cpu = 0.0;
        assert_eq!(summarize(&m, &idle, 2, 1, 1e-6, &budget).speedup, None);
        let quiet: Vec<_> = (0..100).map(|_| (1.0, 0.0, 0.0, 0.0)).collect();
        let r = summarize(&m, &sums(&quiet), 2, 1, 1e-6, &budget);
        assert_eq!((r.largest_share, r.weight_evenness), (0.0, 0.0));
        assert!(r.refusal.is_some_and(|r| r.contains("only 0 of 100")));
    }

    #[test]
    fn sums_add_field_by_field() {
        // Chunks combine by adding every sum (the largest share by max):
        // distinct powers of two keep each field's own contribution apart.
        let a = Sums {
            n: 1,
            hits: 2,
            spells: 4,
            s1: [8.0, 16.0, 32.0, 64.0, 128.0],
            s2: [256.0, 512.0, 1024.0, 2048.0, 4096.0],
            w1: 3.0,
            w2: 5.0,
            hit_w1: 7.0,
            hit_w2: 9.0,
            largest: 0.25,
            cpu: 1.5,
        };
        let b = Sums {
            n: 10,
            hits: 20,
            spells: 40,
            s1: [0.5, 0.25, 0.125, 1.5, 2.5],
            s2: [3.5, 4.5, 5.5, 6.5, 7.5],
            w1: 11.0,
            w2: 13.0,
            hit_w1: 17.0,
            hit_w2: 19.0,
            largest: 0.125,
            cpu: 2.25,
        };
        let mut c = a.clone();
        c.add(&b);
        assert_eq!((c.n, c.hits, c.spells), (11, 22, 44));
        assert_eq!(c.s1, [8.5, 16.25, 32.125, 65.5, 130.5]);
        assert_eq!(c.s2, [259.5, 516.5, 1029.5, 2054.5, 4103.5]);
        assert_eq!((c.w1, c.w2, c.hit_w1, c.hit_w2), (14.0, 18.0, 24.0, 28.0));
        assert_eq!((c.largest, c.cpu), (0.25, 3.75));
        let mut d = b.clone();
        d.add(&a);
        assert_eq!(d.largest, 0.25);
    }

    #[test]
    fn a_loose_target_still_runs_the_minimum_of_trials() {
        // Outages are common here (two replicas, MTTF 1000 h, MTTR 10 h),
        // so a 100% target is met well before the minimum; the estimate
        // runs on to 16 384 trials (4 checks of 8 chunks of 512) all the
        // same, so its standard error rests on enough trials.
        let m = model("");
        let r = estimate(&m, &Budget { target_re: 1.0, max_trials: 1_000_000 });
        assert!(r.reliable, "{:?}", r.refusal);
        assert_eq!(r.trials, 16_384);
        // A cap below the minimum does not lower it.
        let r = estimate(&m, &Budget { target_re: 1.0, max_trials: 1000 });
        assert_eq!(r.trials, 16_384);
    }
}
