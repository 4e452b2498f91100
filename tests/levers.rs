//! Variance reduction (`--control-variates`, `--antithetic`) against plain
//! runs: the reduced estimate has the plain expectation, its reported
//! standard error is honest, and it needs fewer trials.
//!
//! For each case, 12 independent runs (seeds 1 to 12) with the lever give
//! 12 reduced means; their mean and standard error are computed here from
//! the 12 values, and compared with a plain run whose mean and standard
//! error are computed here from its replayed trials: |z| < 4 on the
//! difference. The reported standard errors must match the spread of the
//! 12 means: sample variance / mean reported variance within [0.15, 3.0]
//! (the 0.1% and 99.9% points of χ²₁₁/11 are 0.17 and 2.85).

mod common;
use common::{assert_close, mean_se, replay};
use nines::report::precision::Levers;
use nines::runner::{RunOptions, simulate};
use nines::units::HOURS_PER_YEAR;
use std::path::PathBuf;

const REPLICATES: u64 = 12;

fn shipped(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file)
}

fn options(file: &str, variant: &str, trials: u64, seed: u64, levers: Levers) -> RunOptions {
    RunOptions {
        file: shipped(file),
        trials: Some(trials),
        seed: Some(seed),
        threads: Some(1),
        variants: vec![variant.to_owned()],
        quiet: true,
        levers,
        ..RunOptions::default()
    }
}

/// Mean downtime (h/y) and its SE from `trials` replayed plain trials.
fn plain(file: &str, variant: &str, trials: u64) -> (f64, f64) {
    let (s, _) = simulate(&options(file, variant, trials, 1000, Levers::default()), None).unwrap();
    let model = &s.variants[0];
    let years = model.horizon_years();
    let per_trial: Vec<f64> = replay(model).iter().map(|t| t.summary.downtime / years).collect();
    assert_eq!(per_trial.len() as u64, trials);
    mean_se(&per_trial)
}

/// The checks of the module doc for one case; returns the mean variance
/// reduction the runs reported.
fn check(file: &str, variant: &str, levers: Levers, trials: u64) -> f64 {
    let what = format!("{file} {variant} {levers:?}");
    let (mut means, mut variances, mut factors) = (Vec::new(), Vec::new(), Vec::new());
    for seed in 1..=REPLICATES {
        let (_, report) = simulate(&options(file, variant, trials, seed, levers), None).unwrap();
        let v = &report.variants[0];
        let reduced = v.variance_reduction.as_ref().unwrap_or_else(|| panic!("{what}: no variance reduction"));
        let d = &reduced.downtime_hours;
        means.push(d.reduced.mean);
        variances.push(d.reduced.std_error.powi(2));
        factors.push(d.variance_reduction);
    }
    let (mean, se) = mean_se(&means);
    let (p_mean, p_se) = plain(file, variant, 60_000);
    assert_close(&format!("{what}: reduced − plain"), mean - p_mean, (se * se + p_se * p_se).sqrt(), 0.0);
    let spread = se * se * REPLICATES as f64;
    let reported = variances.iter().sum::<f64>() / REPLICATES as f64;
    let ratio = spread / reported;
    let factor = factors.iter().sum::<f64>() / REPLICATES as f64;
    eprintln!("{what}: observed/reported variance {ratio:.2}, variance reduction {factor:.2}");
    assert!((0.15..3.0).contains(&ratio), "{what}: the reported SE is off: observed/reported variance {ratio}");
    factor
}

const CV: Levers = Levers { control_variates: true, antithetic: false };
const ANTITHETIC: Levers = Levers { control_variates: false, antithetic: true };
const BOTH: Levers = Levers { control_variates: true, antithetic: true };

#[test]
fn control_variates_are_unbiased_and_reduce_variance() {
    // Zone outages of lognormal length: the twin has exponential ones.
    assert!(check("multi-az-web.toml", "two-az", CV, 4096) > 5.0);
    // A storage class's own outages and zone events.
    assert!(check("s3-standard-vs-one-zone-ia.toml", "one-zone-ia", CV, 4096) > 3.0);
}

#[test]
fn antithetic_pairs_are_unbiased_and_reduce_variance() {
    assert!(check("multi-az-web.toml", "three-az-region-events", ANTITHETIC, 4096) > 1.0);
    // Auto-scaling groups: their own draws are not mirrored, and pairs still help.
    assert!(check("lab-web-app.toml", "t3-nano", ANTITHETIC, 2048) > 1.0);
}

#[test]
fn both_levers_together_are_unbiased() {
    assert!(check("multi-az-web.toml", "two-az", BOTH, 4096) > 5.0);
}

/// On every shipped scenario where a lever applies, the measured variance
/// reduction is above 1 (seed 1, 8000 trials) wherever the plain estimate
/// is measured at all (standard error under a tenth of the mean; rarer
/// outages leave a control variate unused, see `MIN_EVENTS`): control
/// variates for every variant with an exact twin that is not exact itself,
/// antithetic pairs on every variant of the scenarios without data stores
/// (which refuse them). A variant that is its own twin gets its exact value.
#[test]
fn levers_reduce_variance_on_the_shipped_scenarios() {
    let files = [
        "two-of-three.toml",
        "multi-az-web.toml",
        "four-by-five.toml",
        "lab-web-app.toml",
        "s3-standard-vs-one-zone-ia.toml",
    ];
    let mut checked = 0;
    for file in files {
        for levers in [CV, ANTITHETIC] {
            let opts = RunOptions { variants: Vec::new(), ..options(file, "", 8000, 1, levers) };
            let (_, report) = simulate(&opts, None).unwrap();
            for v in &report.variants {
                // No twin (auto-scaling groups): control variates do not apply.
                let Some(r) = v.variance_reduction.as_ref() else {
                    assert_eq!(levers, CV, "{file} {}: antithetic pairs always apply", v.name);
                    continue;
                };
                let d = &r.downtime_hours;
                let exact_itself = v.exact.exact().is_some();
                let twin = r.twin.as_ref().and_then(|t| t.exact_downtime_hours).is_some();
                let measured = d.plain_std_error < 0.1 * d.plain_mean;
                eprintln!("{file} {} {}: variance reduction {:.3}", v.name, r.method, d.variance_reduction);
                if exact_itself && levers.control_variates {
                    let e = v.exact.exact().unwrap();
                    assert!((d.reduced.mean - e.downtime_hours).abs() <= 1e-9 * e.downtime_hours.max(1e-12), "{file}");
                    assert!(d.reduced.std_error <= 1e-12 * HOURS_PER_YEAR, "{file}");
                } else if measured && (levers.antithetic || twin) {
                    assert!(d.variance_reduction > 1.0, "{file} {} {}: {}", v.name, r.method, d.variance_reduction);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 12, "only {checked} variants measured");
}

/// Antithetic pairs on a scenario with data stores are refused: stores'
/// draws are not mirrored, so pairs repeat them (variance reduction 0.5).
#[test]
fn antithetic_pairs_refuse_data_stores() {
    let err = simulate(&options("dr-strategies.toml", "pilot-light", 2000, 1, ANTITHETIC), None).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("--antithetic") && text.contains("data stores"), "{text}");
}
