//! Helpers shared by the closed-form test files: run a scenario text, and
//! compare a measured mean or share with an exact value within 4 standard
//! errors (the suite's CI-derived tolerance; fixed seeds make each run
//! deterministic).
//!
//! The tests do not trust the code they check: every run is also replayed
//! trial by trial through the engine with a recording observer, and the
//! means and standard errors the assertions use are computed here from
//! those per-trial values (s/√n for i.i.d. trials; a cluster-robust ratio
//! for per-incident figures, since incidents of one trial are not
//! independent). The replayed means must equal the report's.

#![allow(dead_code)] // Each test file uses its own subset.

use nines::engine::{self, CrewTrial, Incident, LatentTrial, Observer, OpsTrial, Scratch, ShockTrial, TrialSummary};
use nines::model::Model;
use nines::report::VariantReport;
use nines::runner;
use nines::scenario::load_str;
use std::ops::Deref;
use std::path::Path;

/// What one trial produced, as the engine reported it.
#[derive(Clone, Debug, Default)]
pub struct Trial {
    /// The trial's summary.
    pub summary: TrialSummary,
    /// Its data incidents, in order.
    pub incidents: Vec<Incident>,
    /// Its service outages: (start, length, cause).
    pub outages: Vec<(f64, f64, u32)>,
    /// Per bucket: hours of the class's own outages.
    pub bucket_own_hours: Vec<f64>,
    /// Per bucket: hours unavailable, all causes.
    pub bucket_down_hours: Vec<f64>,
    /// Per bucket: data destroyed.
    pub bucket_lost: Vec<bool>,
    /// Per crew, as the engine reported it at the trial's end.
    pub crews: Vec<CrewTrial>,
    /// Per hidden-failure entry.
    pub latent: Vec<LatentTrial>,
    /// Per shock.
    pub shocks: Vec<ShockTrial>,
}

#[derive(Default)]
struct Recorder {
    incidents: Vec<Incident>,
    outages: Vec<(f64, f64, u32)>,
    crews: Vec<CrewTrial>,
    latent: Vec<LatentTrial>,
    shocks: Vec<ShockTrial>,
}

impl Observer for Recorder {
    fn outage(&mut self, start: f64, length: f64, cause: u32) {
        self.outages.push((start, length, cause));
    }
    fn incident(&mut self, incident: &Incident) {
        self.incidents.push(*incident);
    }
    fn operations(&mut self, t: &OpsTrial<'_>) {
        self.crews = t.crews.to_vec();
        self.latent = t.latent.to_vec();
        self.shocks = t.shocks.to_vec();
    }
}

/// A variant's report, and every one of its trials replayed.
pub struct Run {
    /// The report of `nines run`.
    pub report: VariantReport,
    /// The compiled model.
    pub model: Model,
    /// Every trial, in order.
    pub trials: Vec<Trial>,
}

impl Deref for Run {
    type Target = VariantReport;
    fn deref(&self) -> &VariantReport {
        &self.report
    }
}

impl Run {
    /// Years per trial.
    pub fn years(&self) -> f64 {
        self.model.horizon_years()
    }

    /// One value per trial.
    pub fn per_trial(&self, f: impl Fn(&Trial) -> f64) -> Vec<f64> {
        self.trials.iter().map(f).collect()
    }

    /// Per trial, (sum of `f` over its incidents, number of its incidents
    /// that `keep`): the input of a per-incident ratio.
    pub fn per_incident(&self, keep: impl Fn(&Incident) -> bool, f: impl Fn(&Incident) -> f64) -> Vec<(f64, f64)> {
        self.trials
            .iter()
            .map(|t| {
                let kept = t.incidents.iter().filter(|i| keep(i));
                kept.fold((0.0, 0.0), |(s, n), i| (s + f(i), n + 1.0))
            })
            .collect()
    }

    /// All incidents of all trials.
    pub fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.trials.iter().flat_map(|t| &t.incidents)
    }
}

/// Downtime per trial, hours per year.
pub fn downtime(r: &Run) -> Vec<f64> {
    let years = r.years();
    r.per_trial(|t| t.summary.downtime / years)
}

/// Replays every trial of `model`.
pub fn replay(model: &Model) -> Vec<Trial> {
    let mut scratch = Scratch::new(model);
    (0..model.trials)
        .map(|k| {
            let mut rec = Recorder::default();
            let summary = engine::run_trial(model, k, &mut scratch, &mut rec);
            let b = scratch.bucket_trial();
            Trial {
                summary,
                incidents: rec.incidents,
                outages: rec.outages,
                bucket_own_hours: b.own_hours.to_vec(),
                bucket_down_hours: b.down_hours.to_vec(),
                bucket_lost: b.lost.to_vec(),
                crews: rec.crews,
                latent: rec.latent,
                shocks: rec.shocks,
            }
        })
        .collect()
}

/// Runs the first variant of a scenario text.
pub fn run(text: &str) -> Run {
    run_all(text).remove(0)
}

/// Runs every variant of a scenario text.
pub fn run_all(text: &str) -> Vec<Run> {
    run_overriding(text, &[])
}

/// Runs every variant of a scenario text with `trials` trials.
pub fn run_trials(text: &str, trials: i64) -> Vec<Run> {
    run_overriding(text, &[("simulation.trials", toml::Value::Integer(trials))])
}

fn run_overriding(text: &str, overrides: &[(&str, toml::Value)]) -> Vec<Run> {
    let s = load_str(Path::new("inline.toml"), text, overrides).unwrap_or_else(|e| panic!("{e}"));
    s.variants
        .into_iter()
        .map(|model| {
            let report = VariantReport::new(&model, &runner::run(&model, &|_| {}));
            let trials = replay(&model);
            let years = model.horizon_years();
            let mean = trials.iter().map(|t| t.summary.downtime / years).sum::<f64>() / trials.len() as f64;
            let reported = report.downtime_hours.mean;
            assert!(
                (mean - reported).abs() <= 1e-9 * mean.abs().max(1e-12),
                "{}: replayed mean downtime {mean} differs from the report's {reported}",
                model.variant
            );
            Run { report, model, trials }
        })
        .collect()
}

/// Mean and standard error s/√n of i.i.d. values, computed here (two-pass).
pub fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    assert!(n >= 2.0, "need at least two values");
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Ratio Σsᵢ / Σnᵢ over trials and its cluster-robust standard error
/// √(Σ(sᵢ − R·nᵢ)²) / Σnᵢ: per-incident figures with the trial as the unit.
pub fn ratio_se(per_trial: &[(f64, f64)]) -> (f64, f64) {
    let (s, n) = per_trial.iter().fold((0.0, 0.0), |(a, b), &(x, y)| (a + x, b + y));
    assert!(n > 0.0, "no events to average");
    let r = s / n;
    let resid: f64 = per_trial.iter().map(|&(x, y)| (x - r * y).powi(2)).sum();
    (r, resid.sqrt() / n)
}

/// |measured − exact| < 4 SE, mean and SE computed here from per-trial values.
pub fn assert_z(what: &str, values: &[f64], exact: f64) {
    let (mean, se) = mean_se(values);
    assert_close(what, mean, se, exact);
}

/// |ratio − exact| < 4 SE for a per-incident mean (see [`ratio_se`]).
pub fn assert_ratio(what: &str, per_trial: &[(f64, f64)], exact: f64) {
    let (r, se) = ratio_se(per_trial);
    assert_close(what, r, se, exact);
}

/// |estimate − exact| < 4 `se`.
pub fn assert_close(what: &str, estimate: f64, se: f64, exact: f64) {
    assert!(se > 0.0, "{what}: zero standard error, the test has no power");
    let z = (estimate - exact) / se;
    eprintln!("{what}: measured {estimate:.6} ± {se:.6} (SE), exact {exact:.6}, z = {z:.2}");
    assert!(z.abs() < 4.0, "{what}: measured {estimate} ± {se} (SE), exact {exact}, z = {z:.2}");
}

/// |p̂ − p| < 4 binomial standard errors of the exact p.
pub fn assert_p(what: &str, observed: u64, n: u64, exact: f64) {
    let p = observed as f64 / n as f64;
    let se = (exact * (1.0 - exact) / n as f64).sqrt();
    let z = (p - exact) / se;
    eprintln!("{what}: measured {p:.5} ({observed} of {n}), exact {exact:.5}, z = {z:.2}");
    assert!(z.abs() < 4.0, "{what}: {p} vs {exact}, z = {z:.2}");
}
