//! Durability estimates against exact answers computed here: a k-of-n
//! group with exponential failures and rebuilds is a birth–death chain on
//! the number of failed devices, absorbed at data loss; P(loss before T)
//! comes from uniformisation of that chain. The splitting estimate's 99.9%
//! interval, recomputed here from its replicate estimates, must cover it;
//! the intervals themselves are checked for coverage over 100 seeds.

use nines::durability::{self, DurabilityReport, Method};
use nines::model::Model;
use nines::rare::Effort;
use std::path::Path;

const HOURS_PER_YEAR: f64 = 8760.0;

/// P(more than n − k of n devices down at once before `t`), devices
/// failing at rate λ each and rebuilt independently at rate μ each: the
/// birth–death chain on the number down.
fn exact_loss(n: u32, k: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    let top = (n - k + 1) as usize;
    let mut q = vec![vec![0.0; top + 1]; top + 1];
    for i in 0..top {
        q[i][i + 1] = (n as f64 - i as f64) * lambda;
        if i > 0 {
            q[i][i - 1] = i as f64 * mu;
        }
    }
    absorbed(&q, top, t)
}

/// P(absorbed in `to` before `t`), from state 0 of the chain with
/// off-diagonal rates `q` (uniformisation).
fn absorbed(q: &[Vec<f64>], to: usize, t: f64) -> f64 {
    let n = q.len();
    let out: Vec<f64> = q.iter().map(|row| row.iter().sum()).collect();
    let big = out.iter().copied().fold(0.0, f64::max);
    let lt = big * t;
    let mut v = vec![0.0; n];
    v[0] = 1.0;
    let mut total = 0.0;
    for j in 0..(lt + 12.0 * lt.sqrt() + 100.0) as usize {
        total += (-lt + j as f64 * lt.ln() - ln_factorial(j)).exp() * v[to];
        let mut next = vec![0.0; n];
        for i in 0..n {
            next[i] += v[i] * (1.0 - out[i] / big);
            for (k, rate) in q[i].iter().enumerate() {
                next[k] += v[i] * rate / big;
            }
        }
        v = next;
    }
    total
}

/// P(exactly j of n independent events of probability q).
fn binomial(n: usize, j: usize, q: f64) -> f64 {
    let choose: f64 = (1..=j).map(|i| (n - j + i) as f64 / i as f64).product();
    choose * q.powi(j as i32) * (1.0 - q).powi((n - j) as i32)
}

fn ln_factorial(j: usize) -> f64 {
    (1..=j).map(|i| (i as f64).ln()).sum()
}

/// A scenario with one dataset of `n` fragments of which `k` are needed,
/// exponential devices of annual failure rate `afr` (%), exponential
/// rebuilds of mean `rebuild` hours; `extra` adds fields.
fn scenario(n: u32, k: u32, afr: f64, rebuild: f64, seed: u64, extra: &str) -> String {
    let scheme = if k == 1 { format!("scheme = \"{n} replicas\"") } else { format!("scheme = \"{k}+{}\"", n - k) };
    format!(
        r#"
[simulation]
horizon = "1y"
trials = 10
seed = {seed}

[components.host]
mttf = "1000h"
mttr = "1h"

[services.s]
up_when = "host"

[datasets.d]
{scheme}
afr = "{afr}%"
rebuild = {{ type = "exponential", mean = "{rebuild}h" }}
size = "1TB"
{extra}
"#
    )
}

fn model(text: &str) -> Model {
    nines::scenario::load_str(Path::new("inline.toml"), text, &[]).unwrap_or_else(|e| panic!("{e}")).variants.remove(0)
}

fn run(text: &str, method: Method, effort: &Effort) -> DurabilityReport {
    let m = model(text);
    durability::estimate_with(&m, &m.data_groups[0], effort, method)
}

/// Two-sided Student t quantile at level 1 − α/2 = `z`'s normal level, by
/// the Cornish–Fisher expansion (accurate to about 1e-3 from 10 degrees of
/// freedom).
fn t_quantile(z: f64, df: f64) -> f64 {
    z + (z.powi(3) + z) / (4.0 * df)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z.powi(7) + 19.0 * z.powi(5) + 17.0 * z.powi(3) - 15.0 * z) / (384.0 * df.powi(3))
}

/// Mean and standard error of the replicate estimates, computed here.
fn replicate_mean_se(r: &DurabilityReport) -> (f64, f64, usize) {
    let xs = &r.estimator.replicate_estimates;
    assert!(xs.len() >= 2, "{}: no replicates ({})", r.name, r.estimator.method);
    let (mean, se) = mean_se(xs);
    (mean, se, xs.len())
}

/// Mean and standard error of independent values.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// The exact value lies in the 99.9% interval of the replicates.
fn assert_covers_999(what: &str, r: &DurabilityReport, exact: f64) {
    let (mean, se, n) = replicate_mean_se(r);
    let half = t_quantile(3.290_526_731_491_926, (n - 1) as f64) * se;
    eprintln!(
        "{what}: exact {exact:.4e}, splitting {mean:.4e} ± {half:.2e} (99.9%), RE(95%) {:.1}%, {} replicates, {} runs",
        100.0 * r.loss_probability.as_ref().map_or(f64::NAN, |p| p.relative_error),
        n,
        r.estimator.trials
    );
    assert!(r.estimator.reliable, "{what}: refused: {:?}", r.estimator.refusal);
    if !r.estimator.from_one_group {
        let p = r.loss_probability.as_ref().unwrap();
        assert!((p.estimate - mean).abs() <= 1e-12 * mean, "{what}: reported {} vs replicates {mean}", p.estimate);
        // The reported relative error is the 95% Student half-width of the
        // replicates over their mean (the test's t quantile is good to 1e-4
        // from 30 degrees of freedom).
        let re = t_quantile(1.959_963_984_540_054, (n - 1) as f64) * se / mean;
        assert!((p.relative_error / re - 1.0).abs() < 1e-3, "{what}: relative error {} vs {re}", p.relative_error);
    }
    assert!((mean - exact).abs() <= half, "{what}: {mean} ± {half} misses the exact {exact}");
}

#[test]
fn the_chain_solver_matches_a_hand_computed_case() {
    // One device, no tolerance: P(loss before T) = 1 − e^(−λT).
    let p = exact_loss(1, 1, 1e-4, 0.1, 1000.0);
    assert!((p - (1.0 - (-0.1f64).exp())).abs() < 1e-12, "{p}");
    // Two replicas, no repair: (1 − e^(−λT))².
    let p = exact_loss(2, 1, 1e-4, 0.0, 1000.0);
    assert!((p - (1.0 - (-0.1f64).exp()).powi(2)).abs() < 1e-12, "{p}");
}

#[test]
fn splitting_covers_the_exact_loss_probability_from_1e_7_to_1e_15() {
    let effort = Effort::default();
    for (n, k, afr, rebuild, seeds) in [
        (3, 1, 10.0, 72.0, [1, 2]),
        (3, 1, 2.0, 24.0, [3, 4]),
        (9, 6, 1.0, 72.0, [5, 6]),
        (20, 17, 0.4, 168.0, [7, 8]),
        (9, 6, 0.5, 72.0, [9, 10]),
        (9, 6, 0.2, 48.0, [11, 12]),
    ] {
        let exact = exact_loss(n, k, afr / 100.0 / HOURS_PER_YEAR, 1.0 / rebuild, HOURS_PER_YEAR);
        for seed in seeds {
            let r = run(&scenario(n, k, afr, rebuild, seed, ""), Method::Auto, &effort);
            assert!(r.estimator.method.starts_with("multilevel"), "{}", r.estimator.method);
            assert_covers_999(&format!("{}, AFR {afr}%, rebuild {rebuild} h, seed {seed}", r.scheme), &r, exact);
        }
    }
}

#[test]
fn a_single_copy_is_lost_with_its_device() {
    // One replica at AFR 0.01%: the copy is lost at its device's first
    // failure, P = 1 − e^(−0.0001) in a year. Too rare for the pilot's 200
    // losses, so splitting runs a ladder of one level.
    let exact = -(-1e-4f64).exp_m1();
    for seed in [1, 2] {
        let r = run(&scenario(1, 1, 0.01, 72.0, seed, ""), Method::Auto, &Effort::default());
        assert!(r.estimator.method.starts_with("multilevel"), "{}", r.estimator.method);
        assert_covers_999(&format!("1 replica, AFR 0.01%, seed {seed}"), &r, exact);
    }
}

#[test]
fn plain_monte_carlo_agrees_where_losses_are_common() {
    // Two replicas, AFR 50%, rebuild 100 h: p ≈ 5.5e-3.
    let exact = exact_loss(2, 1, 0.5 / HOURS_PER_YEAR, 0.01, HOURS_PER_YEAR);
    let r = run(&scenario(2, 1, 50.0, 100.0, 3, ""), Method::Plain, &Effort::default());
    assert_eq!(r.estimator.method, "plain Monte Carlo");
    let n = r.estimator.trials as f64;
    let p = r.loss_probability.as_ref().unwrap().estimate;
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!("plain: exact {exact:.5e}, measured {p:.5e} over {n} trajectories, z = {:.2}", (p - exact) / se);
    assert!((p - exact).abs() < 4.0 * se);
    // Splitting on the same case agrees too.
    let s = run(&scenario(2, 1, 50.0, 100.0, 3, ""), Method::Splitting, &Effort::default());
    assert_covers_999("splitting where plain works", &s, exact);
}

#[test]
fn independent_groups_combine_exactly() {
    // 1000 groups, no zone destruction: P(any loses) = 1 − (1 − p)^1000,
    // and the expected groups lost is 1000 p.
    let exact = exact_loss(3, 1, 0.02 / HOURS_PER_YEAR, 1.0 / 24.0, HOURS_PER_YEAR);
    let r = run(&scenario(3, 1, 2.0, 24.0, 11, "groups = 1000"), Method::Auto, &Effort::default());
    assert!(r.estimator.from_one_group);
    assert_covers_999("one group of 1000", &r, exact);
    let p = r.loss_probability.as_ref().unwrap();
    let (one, _, _) = replicate_mean_se(&r);
    let any = -((1000.0 * (-one).ln_1p()).exp_m1());
    assert!((p.estimate - any).abs() <= 1e-12 * any, "{} vs {any}", p.estimate);
    let lost = r.groups_lost_per_year.as_ref().unwrap();
    assert!((lost.estimate - 1000.0 * one).abs() <= 1e-9 * lost.estimate);
}

#[test]
fn a_destroyed_zone_takes_a_single_zone_dataset() {
    // Three replicas in one zone, devices that practically never fail; the
    // zone has outages at 2 a year (1 s long), each destroying it with
    // probability 5%: destructions are Poisson at 0.1 a year, and the first
    // loses everything: P = 1 − e^(−0.1). With 1000 groups in that zone the
    // dataset loses data exactly then too (not 1 − (1 − p)^1000).
    let zone = r#"
[regions.r]
zones = ["a", "b", "c"]

[zones.a]
outage = { rate = "2/y", duration = "1s", destroy_probability = "5%" }
"#;
    for groups in [1, 1000] {
        let text = scenario(3, 1, 0.000001, 24.0, 5, &format!("zone = \"a\"\ngroups = {groups}\n{zone}"));
        let r = run(&text, Method::Auto, &Effort::default());
        let exact = 1.0 - (-0.1f64).exp();
        let p = r.loss_probability.as_ref().unwrap();
        let n = r.estimator.trials as f64;
        let se = (exact * (1.0 - exact) / n).sqrt();
        eprintln!("single zone, {groups} groups: exact {exact:.5}, measured {:.5} ({n} trajectories)", p.estimate);
        assert!((p.estimate - exact).abs() < 4.0 * se, "{groups} groups: {} vs {exact}", p.estimate);
        assert!(!r.estimator.from_one_group);
        assert_eq!(r.loss_by_cause.len(), 1);
        assert_eq!(r.loss_by_cause[0].cause, "zone or region destroyed");
        // Every group goes at once.
        let lost = r.groups_lost_per_year.as_ref().unwrap().estimate;
        assert!((lost / p.estimate - groups as f64).abs() < 1e-9 * groups as f64, "{lost}");
    }
}

#[test]
fn weibull_devices_agree_with_a_long_plain_run() {
    // Wear-out (shape 2) devices, three replicas, p about 1e-4: plain Monte
    // Carlo is exact in law; splitting must agree within both intervals.
    let text = scenario(3, 1, 1.0, 1.0, 21, "")
        .replace("afr = \"1%\"", "failure = { type = \"weibull\", shape = 2.0, mean = \"2y\" }")
        .replace(
            "rebuild = { type = \"exponential\", mean = \"1h\" }",
            "rebuild = { type = \"lognormal\", median = \"200h\", p90 = \"600h\" }",
        );
    assert!(text.contains("weibull") && text.contains("lognormal"), "{text}");
    let effort = Effort { target_re: 0.10, ..Effort::default() };
    let plain = run(&text, Method::Plain, &effort);
    let split = run(&text, Method::Splitting, &effort);
    assert!(plain.estimator.reliable && split.estimator.reliable, "{:?} {:?}", plain.estimator, split.estimator);
    let (pp, sp) = (plain.loss_probability.as_ref().unwrap(), split.loss_probability.as_ref().unwrap());
    let (ms, ss, _) = replicate_mean_se(&split);
    let n = plain.estimator.trials as f64;
    let sp_se = (pp.estimate * (1.0 - pp.estimate) / n).sqrt();
    let z = (ms - pp.estimate) / (ss * ss + sp_se * sp_se).sqrt();
    eprintln!(
        "Weibull: plain {:.4e} ({n} trajectories), splitting {:.4e} ± {ss:.1e}, z = {z:.2}",
        pp.estimate, sp.estimate
    );
    assert!(pp.estimate > 2e-5 && pp.estimate < 5e-4, "p = {} is not the intended 1e-4", pp.estimate);
    assert!(z.abs() < 4.0);
}

#[test]
fn splitting_intervals_cover_the_truth_about_95_times_in_100() {
    // Five replicas, AFR 100%, rebuild 200 h: p = 1.15e-6. Forty replicates
    // per seed keep this quick; the interval is Student t with 39 degrees
    // of freedom.
    let exact = exact_loss(5, 1, 1.0 / HOURS_PER_YEAR, 1.0 / 200.0, HOURS_PER_YEAR);
    assert!((exact - 1.15e-6).abs() < 0.01e-6, "{exact}");
    let effort = Effort { target_re: 10.0, min_replicates: 40, batch: 40, ..Effort::default() };
    let mut covered = 0;
    for seed in 0..100 {
        let r = run(&scenario(5, 1, 100.0, 200.0, 1000 + seed, ""), Method::Splitting, &effort);
        let p = r.loss_probability.as_ref().unwrap_or_else(|| panic!("seed {seed}: {:?}", r.estimator.refusal));
        if p.ci95[0] <= exact && exact <= p.ci95[1] {
            covered += 1;
        }
    }
    eprintln!("splitting: 95% intervals covering p = {exact:.3e}: {covered} of 100");
    assert!((90..=99).contains(&covered), "{covered} of 100");
}

#[test]
fn the_pilot_chooses_plain_monte_carlo_when_losses_are_common() {
    // p ≈ 3e-2: the pilot's 20 000 trajectories see about 600 losses.
    let r = run(&scenario(2, 1, 90.0, 150.0, 4, ""), Method::Auto, &Effort::default());
    assert_eq!(r.estimator.method, "plain Monte Carlo");
    let r = run(&scenario(3, 1, 2.0, 24.0, 4, ""), Method::Auto, &Effort::default());
    assert!(r.estimator.method.starts_with("multilevel splitting"), "{}", r.estimator.method);
    // The same splitting run as when asked for, plus the pilot's 20 000
    // trajectories in the count.
    let s = run(&scenario(3, 1, 2.0, 24.0, 4, ""), Method::Splitting, &Effort::default());
    assert_eq!(r.estimator.trials, s.estimator.trials + 20_000);
    let bits = |r: &DurabilityReport| r.loss_probability.as_ref().map(|p| p.estimate.to_bits());
    assert_eq!(bits(&r), bits(&s));
}

#[test]
fn plain_intervals_cover_the_truth_about_95_times_in_100() {
    // Two replicas, AFR 60%, rebuild 150 h: p ≈ 1e-2.
    let exact = exact_loss(2, 1, 0.6 / HOURS_PER_YEAR, 1.0 / 150.0, HOURS_PER_YEAR);
    assert!(exact > 5e-3 && exact < 2e-2, "{exact}");
    let effort = Effort { target_re: 0.3, ..Effort::default() };
    let mut covered = 0;
    for seed in 0..100 {
        let r = run(&scenario(2, 1, 60.0, 150.0, 2000 + seed, ""), Method::Plain, &effort);
        let p = r.loss_probability.as_ref().expect("reliable");
        if p.ci95[0] <= exact && exact <= p.ci95[1] {
            covered += 1;
        }
    }
    eprintln!("plain: 95% intervals covering p = {exact:.3e}: {covered} of 100");
    assert!((90..=99).contains(&covered), "{covered} of 100");
}

#[test]
fn zone_destructions_count_the_same_in_splitting_and_plain_runs() {
    // Three replicas in three zones that are destroyed often (each zone's
    // outages at 1 a year, 20% destructive, re-protection 30 days): loss
    // comes mostly from overlapping destructions, which splitting does not
    // bias. Both estimators must agree; a splitting run whose copies shared
    // their zones' future would miss this path entirely.
    // Memoryless outages, and outages every 100 days exactly (then a copy
    // made mid-spell must know how long the spell has lasted).
    // (Six seeds of the periodic case gave z from −1.2 to +1.4 against a
    // 1.5-million-trajectory plain run.)
    for (outage, plain_re) in [("rate = \"1/y\"", 0.1), ("every = \"100d\"", 0.03)] {
        zone_destructions_agree(&TEXT.replace("rate = \"1/y\"", outage), plain_re);
    }
}

const TEXT: &str = r#"
[simulation]
horizon = "1y"
trials = 10
seed = 17

[regions.r]
zones = ["a", "b", "c"]
zone_outage = { rate = "1/y", duration = "1s", destroy_probability = "20%" }

[components.host]
mttf = "1000h"
mttr = "1h"

[services.s]
up_when = "host"

[datasets.d]
scheme = "3 replicas"
zones = ["a", "b", "c"]
afr = "20%"
rebuild = { type = "exponential", mean = "48h" }
zone_rebuild = { type = "exponential", mean = "30d" }
size = "1TB"
"#;

fn zone_destructions_agree(text: &str, plain_re: f64) {
    let effort = Effort::default();
    let plain = run(text, Method::Plain, &Effort { target_re: plain_re, ..effort.clone() });
    let split = run(text, Method::Splitting, &effort);
    let pp = plain.loss_probability.as_ref().expect("plain is reliable").estimate;
    let n = plain.estimator.trials as f64;
    let plain_se = (pp * (1.0 - pp) / n).sqrt();
    let (ms, ss, _) = replicate_mean_se(&split);
    let z = (ms - pp) / (ss * ss + plain_se * plain_se).sqrt();
    eprintln!("zones: plain {pp:.4e} ({n} trajectories), splitting {ms:.4e} ± {ss:.1e}, z = {z:.2}");
    assert!(z.abs() < 4.0, "z = {z}");
    let zone_share =
        split.loss_by_cause.iter().find(|c| c.cause == "zone or region destroyed").map_or(0.0, |c| c.share);
    assert!(zone_share > 0.9, "{:?}", split.loss_by_cause);
}

#[test]
fn a_refused_estimate_prints_no_number_and_fails_the_command() {
    // Devices that practically never fail: no particle ever reaches data
    // loss, so there is nothing to estimate from, and nines says so.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("never.toml");
    let json = dir.path().join("r.json");
    std::fs::write(&file, scenario(3, 1, 1e-12, 1.0, 1, "")).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(["run", file.to_str().unwrap(), "--quiet", "--trials", "20", "--json", json.to_str().unwrap()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(stdout.contains("no reliable estimate: no trajectory reached"), "{stdout}");
    assert!(stderr.contains("no reliable estimate for base / dataset d"), "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let d = &r["variants"][0]["durability"][0];
    assert_eq!(d["estimator"]["reliable"], false);
    assert!(d.get("loss_probability").is_none() && d.get("durability_nines").is_none(), "{d}");
}

#[test]
fn a_refusal_after_the_budget_gives_no_figure_at_all() {
    // Splitting reaches losses (so it has an estimate and causes) but not
    // the 0.1% asked for within 200 000 particle runs: refused, and no
    // figure of it is given, the split by cause included.
    let effort = Effort { target_re: 0.001, max_runs: 200_000, ..Effort::default() };
    let r = run(&scenario(3, 1, 10.0, 72.0, 5, ""), Method::Splitting, &effort);
    let why = r.estimator.refusal.as_deref().unwrap_or("");
    assert!(!r.estimator.reliable && why.contains("relative error"), "{:?}", r.estimator);
    assert!(r.estimator.replicate_estimates.iter().any(|&x| x > 0.0), "losses were reached");
    assert!(r.loss_probability.is_none() && r.annual_loss_probability.is_none(), "{r:?}");
    assert!(r.durability_nines.is_none() && r.mttdl_years.is_none(), "{r:?}");
    assert!(r.groups_lost_per_year.is_none() && r.bytes_lost_per_year.is_none(), "{r:?}");
    assert!(r.loss_by_cause.is_empty(), "{:?}", r.loss_by_cause);
}

#[test]
fn the_derived_figures_follow_from_the_loss_probability() {
    // Four independent groups of two replicas over two years (AFR 60%,
    // rebuild 150 h): the dataset's figures follow from one group's loss
    // probability p1 over the horizon, known exactly.
    let years = 2.0;
    let text = scenario(2, 1, 60.0, 150.0, 8, "groups = 4").replace("horizon = \"1y\"", "horizon = \"2y\"");
    let r = run(&text, Method::Plain, &Effort { target_re: 0.05, ..Effort::default() });
    assert!(r.estimator.reliable && r.estimator.from_one_group, "{:?}", r.estimator);
    let p1 = exact_loss(2, 1, 0.6 / HOURS_PER_YEAR, 1.0 / 150.0, years * HOURS_PER_YEAR);
    let n = r.estimator.trials as f64;
    let se1 = (p1 * (1.0 - p1) / n).sqrt();
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1e-300);

    // P(some group loses data within the horizon) = 1 − (1 − p1)⁴.
    let p = r.loss_probability.as_ref().unwrap();
    let exact = 1.0 - (1.0 - p1).powi(4);
    let se = 4.0 * (1.0 - p1).powi(3) * se1;
    eprintln!(
        "four groups, two years: exact {exact:.5e}, measured {:.5e}, z = {:.2}",
        p.estimate,
        (p.estimate - exact) / se
    );
    assert!((p.estimate - exact).abs() < 4.0 * se, "{} vs {exact}", p.estimate);
    assert!(p.ci95[0] < p.estimate && p.estimate < p.ci95[1], "{p:?}");
    assert!(close(p.relative_error, (p.ci95[1] - p.ci95[0]) / 2.0 / p.estimate), "{p:?}");
    assert!(p.relative_error <= 0.05, "{p:?}");

    // A year's share of it, its nines and the mean time to data loss.
    let annual = r.annual_loss_probability.as_ref().unwrap();
    let per_year = |x: f64| 1.0 - (1.0 - x).powf(1.0 / years);
    assert!(close(annual.estimate, per_year(p.estimate)), "{annual:?}");
    assert!(close(annual.ci95[0], per_year(p.ci95[0])) && close(annual.ci95[1], per_year(p.ci95[1])), "{annual:?}");
    assert!(close(r.durability_nines.unwrap(), -annual.estimate.log10()));
    assert!(close(r.mttdl_years.unwrap(), years / -(1.0 - p.estimate).ln()), "{:?}", r.mttdl_years);

    // A group that loses data counts once: 4 p1 groups per horizon.
    let lost = r.groups_lost_per_year.as_ref().unwrap();
    let lost_exact = 4.0 * p1 / years;
    let lost_se = 4.0 * se1 / years;
    assert!((lost.estimate - lost_exact).abs() < 4.0 * lost_se, "{} vs {lost_exact}", lost.estimate);
    assert!(lost.ci95[0] < lost.estimate && lost.estimate < lost.ci95[1], "{lost:?}");
    // Its interval is the mean's: half-width 1.96 × the SE of the
    // per-trajectory groups lost (0 or 1 for the one group simulated), whose
    // sample variance is p̂(1 − p̂)·n/(n − 1).
    let hat = lost.estimate * years / 4.0;
    let per_trajectory_se = (hat * (1.0 - hat) * n / (n - 1.0) / n).sqrt();
    let half = (lost.ci95[1] - lost.ci95[0]) / 2.0;
    let want = 1.959_963_984_540_054 * per_trajectory_se * 4.0 / years;
    assert!((half / want - 1.0).abs() < 1e-9, "{half} vs {want}");
    let bytes = r.bytes_lost_per_year.as_ref().unwrap();
    let per_group = r.size_bytes / 4.0;
    assert!(close(bytes.estimate, lost.estimate * per_group), "{bytes:?}");
    assert!(close(bytes.ci95[1], lost.ci95[1] * per_group), "{bytes:?}");
    assert_eq!(r.loss_by_cause.len(), 1);
    assert_eq!(r.loss_by_cause[0].cause, "devices failing on their own");
    assert!(close(r.loss_by_cause[0].share, 1.0));
}

/// P(loss before `t`) for `n` devices tolerating `m` failed at once,
/// failing at rate λ, noticed at rate δ, then rebuilt at rate μ: the chain
/// on (noticing, rebuilding) counts, absorbed when more than m are down.
fn exact_loss_with_detection(n: usize, m: usize, lambda: f64, delta: f64, mu: f64, t: f64) -> f64 {
    let states: Vec<(usize, usize)> = (0..=m).flat_map(|d| (0..=m - d).map(move |r| (d, r))).collect();
    let index = |s: (usize, usize)| states.iter().position(|x| *x == s);
    let loss = states.len();
    let mut q = vec![vec![0.0; loss + 1]; loss + 1];
    for (i, &(d, r)) in states.iter().enumerate() {
        q[i][index((d + 1, r)).unwrap_or(loss)] += (n - d - r) as f64 * lambda;
        if d > 0 {
            q[i][index((d - 1, r + 1)).unwrap()] += d as f64 * delta;
        }
        if r > 0 {
            q[i][index((d, r - 1)).unwrap()] += r as f64 * mu;
        }
    }
    absorbed(&q, loss, t)
}

/// Plain Monte Carlo within 4 binomial standard errors (computed here from
/// the trajectories run) of `exact`.
fn assert_plain_agrees(what: &str, r: &DurabilityReport, exact: f64) {
    assert_eq!(r.estimator.method, "plain Monte Carlo", "{what}");
    let p = r.loss_probability.as_ref().unwrap_or_else(|| panic!("{what}: {:?}", r.estimator.refusal)).estimate;
    let n = r.estimator.trials as f64;
    let se = (exact * (1.0 - exact) / n).sqrt();
    eprintln!("{what}: exact {exact:.5e}, plain {p:.5e} over {n} trajectories, z = {:.2}", (p - exact) / se);
    assert!((p - exact).abs() < 4.0 * se, "{what}: {p} vs {exact}");
}

#[test]
fn the_detection_delay_lengthens_the_window_as_its_chain_says() {
    // Two replicas (AFR 50%): failures noticed after an exponential 48 h,
    // then rebuilt in an exponential 100 h. Without the delay p would be
    // a third lower, far outside the interval.
    let (lambda, delta, mu) = (0.5 / HOURS_PER_YEAR, 1.0 / 48.0, 1.0 / 100.0);
    let exact = exact_loss_with_detection(2, 1, lambda, delta, mu, HOURS_PER_YEAR);
    let without = exact_loss(2, 1, lambda, mu, HOURS_PER_YEAR);
    assert!(exact > 1.3 * without, "{exact} vs {without}");
    let delay = "detection = { type = \"exponential\", mean = \"48h\" }";
    let effort = Effort { target_re: 0.04, ..Effort::default() };
    let r = run(&scenario(2, 1, 50.0, 100.0, 31, delay), Method::Plain, &effort);
    assert_plain_agrees("two replicas, detection 48 h", &r, exact);
    // And splitting, for three replicas where it is rare.
    let (lambda, delta, mu) = (2.0 / HOURS_PER_YEAR, 1.0 / 24.0, 1.0 / 72.0);
    let exact = exact_loss_with_detection(3, 2, lambda, delta, mu, HOURS_PER_YEAR);
    let delay = "detection = { type = \"exponential\", mean = \"24h\" }";
    for seed in [32, 33] {
        let r = run(&scenario(3, 1, 200.0, 72.0, seed, delay), Method::Splitting, &Effort::default());
        assert_covers_999(&format!("three replicas, detection 24 h, seed {seed}"), &r, exact);
    }
}

#[test]
fn a_common_cause_event_loses_the_group_when_too_many_devices_go_at_once() {
    // Devices that practically never fail on their own, rebuilt in 1 h;
    // common-cause events at rate r each fail every device with
    // probability q. A group is lost at an event that fails more than it
    // tolerates: P = 1 − exp(−r·T·P(Binomial(n, q) > m)), overlapping
    // events (within the hour's rebuild) being negligible.
    let tail = |n: u32, m: u32, q: f64| -> f64 { (m + 1..=n).map(|j| binomial(n as usize, j as usize, q)).sum() };
    let effort = Effort { target_re: 0.05, ..Effort::default() };
    for (n, k, rate, q, seed) in [(3, 1, 2.0, 0.3, 41), (9, 6, 0.2, 0.3, 42)] {
        let cc = format!("common_cause = {{ rate = \"{rate}/y\", probability = \"{}%\" }}", q * 100.0);
        let r = run(&scenario(n, k, 0.000001, 1.0, seed, &cc), Method::Plain, &effort);
        let exact = 1.0 - (-rate * tail(n, n - k, q)).exp();
        assert_plain_agrees(&format!("{}, common cause {rate}/y at {q}", r.scheme), &r, exact);
        assert_eq!(r.loss_by_cause.len(), 1, "{:?}", r.loss_by_cause);
        assert_eq!(r.loss_by_cause[0].cause, "common cause");
    }
    // Rare: q = 2%, 1 event a year: p = 1 − e^(−q³) ≈ 8e-6, by splitting
    // (whose biased runs make events fail more devices, and weigh them).
    let cc = "common_cause = { rate = \"1/y\", probability = \"2%\" }";
    for seed in [43, 44] {
        let effort = Effort { target_re: 0.2, ..Effort::default() };
        let r = run(&scenario(3, 1, 0.000001, 1.0, seed, cc), Method::Splitting, &effort);
        assert_covers_999(&format!("rare common cause, seed {seed}"), &r, 1.0 - (-(0.02f64.powi(3))).exp());
    }
}

#[test]
fn fragments_sharing_a_device_are_lost_together() {
    // 4+2 with two fragments a device is three devices of which any two
    // hold the data: the chain of 2-of-3 devices.
    let exact = exact_loss(3, 2, 0.3 / HOURS_PER_YEAR, 1.0 / 100.0, HOURS_PER_YEAR);
    let text = scenario(6, 4, 30.0, 100.0, 51, "fragments_per_device = 2");
    let r = run(&text, Method::Plain, &Effort { target_re: 0.05, ..Effort::default() });
    assert_plain_agrees("4+2, two fragments a device", &r, exact);
    for seed in [52, 53] {
        let text = scenario(6, 4, 1.0, 100.0, seed, "fragments_per_device = 2");
        let exact = exact_loss(3, 2, 0.01 / HOURS_PER_YEAR, 1.0 / 100.0, HOURS_PER_YEAR);
        let r = run(&text, Method::Splitting, &Effort::default());
        assert_covers_999(&format!("4+2 on three devices, seed {seed}"), &r, exact);
    }
}

#[test]
fn a_destroyed_region_takes_a_dataset_spread_over_its_zones() {
    // Three replicas over three zones of one region whose outages (1 a
    // year) destroy it with probability 4%: P = 1 − e^(−0.04). The zones'
    // own outages never destroy anything.
    let region = r#"
zones = ["a", "b", "c"]
groups = 100

[regions.r]
zones = ["a", "b", "c"]
outage = { rate = "1/y", duration = "1h", destroy_probability = "4%" }
zone_outage = { rate = "3/y", duration = "1h" }
"#;
    let text = scenario(3, 1, 0.000001, 24.0, 61, region);
    let r = run(&text, Method::Auto, &Effort { target_re: 0.05, ..Effort::default() });
    assert_plain_agrees("three zones, region destroyed", &r, 1.0 - (-0.04f64).exp());
    assert!(!r.estimator.from_one_group);
    assert_eq!(r.loss_by_cause.len(), 1);
    assert_eq!(r.loss_by_cause[0].cause, "zone or region destroyed");
    let lost = r.groups_lost_per_year.as_ref().unwrap().estimate;
    assert!((lost / r.loss_probability.as_ref().unwrap().estimate - 100.0).abs() < 1e-9, "{lost}");
}

/// P(loss before `t`) for two replicas failing at rate λ each, a failed one
/// rebuilt in exactly `w`: after the first failure the other must fail
/// within the window, else both are new again (a renewal equation, solved
/// on a grid of `w`/`steps`).
fn exact_loss_fixed_window(lambda: f64, w: f64, t: f64, steps: usize) -> f64 {
    let h = w / steps as f64;
    let cells = (t / h).ceil() as usize;
    let first = |s: f64| 2.0 * lambda * (-2.0 * lambda * s).exp();
    let in_window = |x: f64| 1.0 - (-lambda * x.min(w)).exp();
    let mut l = vec![0.0; cells + 1];
    for i in 1..=cells {
        let ti = i as f64 * h;
        let mut sum = 0.0;
        for j in 0..i {
            let s = (j as f64 + 0.5) * h;
            let mut v = in_window(ti - s);
            if ti - s > w {
                // L at ti − s − w, between grid points.
                let x = (ti - s - w) / h;
                let (lo, frac) = (x.floor() as usize, x - x.floor());
                v += (-lambda * w).exp() * (l[lo] * (1.0 - frac) + l[(lo + 1).min(i - 1)] * frac);
            }
            sum += first(s) * v * h;
        }
        l[i] = sum;
    }
    l[cells]
}

#[test]
fn a_rebuild_at_a_fixed_bandwidth_is_a_fixed_window() {
    // Two replicas (AFR 100%), 36 TB a device at 100 MB/s: every rebuild
    // takes exactly 100 h.
    let lambda = 1.0 / HOURS_PER_YEAR;
    let exact = exact_loss_fixed_window(lambda, 100.0, HOURS_PER_YEAR, 25);
    // The grid is fine enough: halving it moves the answer by < 0.1%.
    let coarse = exact_loss_fixed_window(lambda, 100.0, HOURS_PER_YEAR, 12);
    assert!((coarse / exact - 1.0).abs() < 1e-3, "{coarse} vs {exact}");
    let text = scenario(2, 1, 100.0, 1.0, 71, "").replace(
        "rebuild = { type = \"exponential\", mean = \"1h\" }",
        "rebuild_bandwidth = \"100MB/s\"\ndevice_size = \"36TB\"",
    );
    let effort = Effort { target_re: 0.04, ..Effort::default() };
    let r = run(&text, Method::Plain, &effort);
    assert_plain_agrees("two replicas, 100 h rebuilds", &r, exact);
    // Shared, the bandwidth goes whole to the one rebuild a pair can have
    // before it loses data: the same window.
    let r = run(&text.replace("device_size", "shared_bandwidth = true\ndevice_size"), Method::Plain, &effort);
    assert_plain_agrees("two replicas, 100 h rebuilds, shared bandwidth", &r, exact);
    // A window of 800 h (bits taken for bytes) would be far outside.
    assert!(exact_loss_fixed_window(lambda, 800.0, HOURS_PER_YEAR, 25) > 5.0 * exact);
}

#[test]
fn a_destroyed_zone_and_failing_devices_follow_their_chain() {
    // Two replicas in zones a and b, each zone destroyed at rate δ (2
    // one-second outages a year, each destroying with probability d) and
    // re-protected at rate ρ, devices failing at λ and rebuilt at μ. The
    // chain: all well → one device rebuilding (2λ) or one zone lost (2δ);
    // from either, loss when the other device fails or the other zone is
    // destroyed (λ + δ); a rebuilding device whose own zone is destroyed
    // waits for its zone instead (δ). Paths with a pristine group missing a
    // destroyed zone's copy are where splitting biases the pristine devices.
    let chain = |afr: f64, d: f64| {
        let (lambda, delta) = (afr / HOURS_PER_YEAR, 2.0 * d / HOURS_PER_YEAR);
        let (mu, rho) = (1.0 / 48.0, 1.0 / 240.0);
        // States: 0 well, 1 rebuilding, 2 zone lost, 3 loss.
        let q = vec![
            vec![0.0, 2.0 * lambda, 2.0 * delta, 0.0],
            vec![mu, 0.0, delta, lambda + delta],
            vec![rho, 0.0, 0.0, lambda + delta],
            vec![0.0; 4],
        ];
        absorbed(&q, 3, HOURS_PER_YEAR)
    };
    let text = |afr: f64, d: f64, seed: u64| {
        let zones = format!(
            r#"zones = ["a", "b"]
zone_rebuild = {{ type = "exponential", mean = "240h" }}

[regions.r]
zones = ["a", "b"]
zone_outage = {{ rate = "2/y", duration = "1s", destroy_probability = "{d}%" }}
"#,
            d = d * 100.0
        );
        scenario(2, 1, afr * 100.0, 48.0, seed, &zones)
    };
    let exact = chain(0.5, 0.1);
    let r = run(&text(0.5, 0.1, 81), Method::Plain, &Effort { target_re: 0.03, ..Effort::default() });
    assert_plain_agrees("two zones, destruction 10%, AFR 50%", &r, exact);
    let exact = chain(0.01, 0.01);
    for seed in [82, 83] {
        let r = run(&text(0.01, 0.01, seed), Method::Splitting, &Effort::default());
        assert_covers_999(&format!("two zones, destruction 1%, AFR 1%, seed {seed}"), &r, exact);
    }
    // The same devices as a Weibull law of shape 1 (exponential, taken
    // down the path for laws with memory: the pristine group's biased
    // survival while a zone is lost is then a sum of cumulative hazards).
    let weibull =
        text(0.01, 0.01, 84).replace("afr = \"1%\"", "failure = { type = \"weibull\", shape = 1.0, mean = \"100y\" }");
    assert!(weibull.contains("weibull"));
    let r = run(&weibull, Method::Splitting, &Effort::default());
    assert_covers_999("two zones, destruction 1%, Weibull shape 1", &r, exact);
}

#[test]
fn rebuilds_sharing_a_bandwidth_take_longer_together() {
    // Three replicas (AFR 1%), 36 TB a device at 100 MB/s: one rebuild
    // takes w = 100 h. Data is lost when the third device fails while two
    // are down. A second failure s into the first's rebuild leaves two
    // down for w − s, or, sharing the bandwidth, for 2(w − s) (both at half
    // speed until the first is done). To first order in λw (1e-4 here):
    // P = 3λT · ∫₀ʷ 2λ · λ·c(w − s) ds = 3λ³w²T·c, with c = 1 or 2.
    let lambda = 0.01 / HOURS_PER_YEAR;
    let first_order = 3.0 * lambda.powi(3) * 100.0f64.powi(2) * HOURS_PER_YEAR;
    let text = scenario(3, 1, 1.0, 1.0, 91, "").replace(
        "rebuild = { type = \"exponential\", mean = \"1h\" }",
        "rebuild_bandwidth = \"100MB/s\"\ndevice_size = \"36TB\"",
    );
    let alone = run(&text, Method::Splitting, &Effort::default());
    assert_covers_999("three replicas, 100 h rebuilds", &alone, first_order);
    let shared = text.replace("device_size", "shared_bandwidth = true\ndevice_size");
    let shared = run(&shared, Method::Splitting, &Effort::default());
    assert_covers_999("three replicas, 100 h rebuilds, shared bandwidth", &shared, 2.0 * first_order);
}

#[test]
fn common_causes_striking_a_group_under_repair_follow_their_chain() {
    // Common-cause events (rate r, each intact device failing with
    // probability q) often strike a group still rebuilding from the last
    // one when rebuilds take 30 days: the chain on the number j of failed
    // devices jumps by i at rate r·C(n − j, i)·qⁱ(1 − q)ⁿ⁻ʲ⁻ⁱ and comes
    // down at jμ; devices practically never fail on their own.
    let chain = |n: usize, m: usize, rate: f64, q: f64, mu: f64| {
        let loss = m + 1;
        let mut g = vec![vec![0.0; loss + 1]; loss + 1];
        for j in 0..=m {
            for i in 1..=n - j {
                g[j][(j + i).min(loss)] += rate / HOURS_PER_YEAR * binomial(n - j, i, q);
            }
            if j > 0 {
                g[j][j - 1] += j as f64 * mu;
            }
        }
        absorbed(&g, loss, HOURS_PER_YEAR)
    };
    let case = |q: f64, seed: u64| {
        let extra = format!("common_cause = {{ rate = \"4/y\", probability = \"{}%\" }}", q * 100.0);
        scenario(3, 1, 0.000001, 720.0, seed, &extra)
    };
    let exact = chain(3, 2, 4.0, 0.3, 1.0 / 720.0);
    let r = run(&case(0.3, 101), Method::Plain, &Effort { target_re: 0.03, ..Effort::default() });
    assert_plain_agrees("common causes, 30-day rebuilds, q = 30%", &r, exact);
    let exact = chain(3, 2, 4.0, 0.02, 1.0 / 720.0);
    for seed in [102, 103] {
        let r = run(&case(0.02, seed), Method::Splitting, &Effort::default());
        assert_covers_999(&format!("common causes, 30-day rebuilds, q = 2%, seed {seed}"), &r, exact);
    }
}

#[test]
fn a_weibull_of_shape_one_takes_the_general_path_to_the_exact_answer() {
    // A Weibull law of shape 1 is the exponential law, but nines treats it
    // as a law with memory: per-device clocks, residual lives given ages,
    // cumulative hazards in the likelihood ratio. The chain's answer must
    // come out all the same.
    for (n, k, years, rebuild, seed) in [(3, 1, 10.0, 48.0, 111), (9, 6, 50.0, 72.0, 112)] {
        let lambda = 1.0 / (years * HOURS_PER_YEAR);
        let exact = exact_loss(n, k, lambda, 1.0 / rebuild, HOURS_PER_YEAR);
        let text = scenario(n, k, 1.0, rebuild, seed, "")
            .replace("afr = \"1%\"", &format!("failure = {{ type = \"weibull\", shape = 1.0, mean = \"{years}y\" }}"));
        assert!(text.contains("weibull"), "{text}");
        let r = run(&text, Method::Splitting, &Effort { target_re: 0.05, ..Effort::default() });
        assert_covers_999(&format!("{}, Weibull shape 1, mean {years} y", r.scheme), &r, exact);
    }
}

#[test]
fn splitting_over_many_groups_simulated_together() {
    // Groups over zones that could (but, with outages once in a million
    // years, practically never do) be destroyed are simulated together, so
    // one trajectory holds every group's degraded spells: 75 a year for 50
    // groups of three devices at AFR 50%. Biasing each as strongly as a
    // lone group's made the likelihood ratios so heavy-tailed that
    // splitting came out 6.4e-4 to 7.8e-4 against the exact 1.23e-3 (z
    // from −5.9 to −13.9, diagnostics passing); nines now biases less when
    // a trajectory is expected to hold many spells.
    let zones = |groups: u32| {
        format!(
            r#"zones = ["a", "b", "c"]
groups = {groups}

[regions.r]
zones = ["a", "b", "c"]
zone_outage = {{ rate = "0.000001/y", duration = "1s", destroy_probability = "50%" }}
"#
        )
    };
    let exact = |groups: u32, afr: f64| {
        let p1 = exact_loss(3, 1, afr / HOURS_PER_YEAR, 1.0 / 72.0, HOURS_PER_YEAR);
        -((f64::from(groups) * (-p1).ln_1p()).exp_m1())
    };
    let effort = Effort { target_re: 0.2, ..Effort::default() };
    for seed in [123, 124] {
        let r = run(&scenario(3, 1, 50.0, 72.0, seed, &zones(50)), Method::Splitting, &effort);
        assert_covers_999(&format!("50 groups, AFR 50%, seed {seed}"), &r, exact(50, 0.5));
    }
    // Rare: 1000 groups at AFR 2% (60 spells a year), p = 1.6e-6.
    let r = run(&scenario(3, 1, 2.0, 72.0, 121, &zones(1000)), Method::Auto, &effort);
    assert!(r.estimator.method.contains("splitting"), "{}", r.estimator.method);
    assert_covers_999("1000 groups, AFR 2%", &r, exact(1000, 0.02));
    // Groups lost after the first loss count too: 20 groups of 2 replicas
    // at AFR 100% with 100 h rebuilds, each lost with p1 ≈ 0.0216, so
    // E[groups lost] = 20·p1 ≈ 0.432 while P(any) ≈ 0.354 (a trajectory
    // ended at its first loss would report about that). One year, so the
    // yearly figure is the replicates' mean.
    let p1 = exact_loss(2, 1, 1.0 / HOURS_PER_YEAR, 0.01, HOURS_PER_YEAR);
    let r = run(&scenario(2, 1, 100.0, 100.0, 125, &zones(20)), Method::Splitting, &effort);
    assert_covers_999("20 groups of 2, AFR 100%", &r, -((20.0 * (-p1).ln_1p()).exp_m1()));
    let (mean, se) = mean_se(&r.estimator.replicate_groups_lost);
    let n = r.estimator.replicate_groups_lost.len();
    let half999 = t_quantile(3.290_526_731_491_926, (n - 1) as f64) * se;
    let lost = r.groups_lost_per_year.as_ref().unwrap().estimate;
    eprintln!("groups lost: {mean:.4} ± {half999:.4} (99.9%, {n} replicates) vs 20 p1 = {:.4}", 20.0 * p1);
    assert!((lost - mean).abs() <= 1e-12 * mean, "reported {lost} vs replicates {mean}");
    assert!((mean - 20.0 * p1).abs() < half999, "{mean} ± {half999} vs {}", 20.0 * p1);
    // Plain Monte Carlo agrees where it can.
    let r = run(
        &scenario(3, 1, 50.0, 72.0, 120, &zones(50)),
        Method::Plain,
        &Effort { target_re: 0.1, ..Effort::default() },
    );
    assert_plain_agrees("50 groups together, plain", &r, exact(50, 0.5));
}

#[test]
fn frequent_destructive_outages() {
    // Three replicas in one zone with 100 outages a year (1 h each), each
    // destroying the zone with probability 1e-8; devices practically never
    // fail. Loss is the first destruction: 1 − (1 − p)^N ≈ p·E[N] with
    // E[N] = rT/(1 + r·1h) outage starts in the year. Biasing every outage
    // to destroy with probability 0.3 gave weights (1/0.7)^j over the j
    // outages before a destruction, so heavy-tailed that splitting was
    // refused (and 43–67% low); nines biases less when many outages are
    // expected.
    let zones = r#"zones = ["a"]

[regions.r]
zones = ["a"]
zone_outage = { rate = "100/y", duration = "1h", destroy_probability = "0.000001%" }
"#;
    let rate = 100.0 / HOURS_PER_YEAR;
    let starts = rate * HOURS_PER_YEAR / (1.0 + rate);
    let exact = -(starts * (-1e-8f64).ln_1p()).exp_m1();
    for seed in [1, 2] {
        let r = run(&scenario(3, 1, 0.000001, 1.0, seed, zones), Method::Auto, &Effort::default());
        assert!(r.estimator.method.contains("splitting"), "{}", r.estimator.method);
        assert_covers_999(&format!("100 destructive outages a year, seed {seed}"), &r, exact);
    }
}

#[test]
fn splitting_over_groups_whose_zones_are_destroyed() {
    // 50 groups of TEXT's layout (devices at AFR 5%): zone destructions
    // (0.6 a year) degrade every group at once. Biasing each pristine
    // group's devices as a lone group's opens 50 biased spells a
    // destruction: splitting then ran 150 s and refused (degenerate
    // weights). Biased as one population, it agrees with plain Monte Carlo
    // (both to 5%). With a law with memory (Weibull of shape 2, mean 20
    // years) groups that had a failure stay explicit, each degraded by a
    // destruction: the cohort clocks and their count in the budget.
    let weibull = r#"failure = { type = "weibull", shape = 2.0, mean = "20y" }"#;
    for failure in [r#"afr = "5%""#, weibull] {
        let text = TEXT.replace("size = \"1TB\"", "size = \"1TB\"\ngroups = 50").replace(r#"afr = "20%""#, failure);
        let effort = Effort { target_re: 0.05, ..Effort::default() };
        let plain = run(&text, Method::Plain, &effort);
        let split = run(&text, Method::Splitting, &effort);
        let pp = plain.loss_probability.as_ref().expect("plain is reliable").estimate;
        let n = plain.estimator.trials as f64;
        let plain_se = (pp * (1.0 - pp) / n).sqrt();
        assert!(split.estimator.reliable, "{failure}: {:?}", split.estimator.refusal);
        let (ms, ss, _) = replicate_mean_se(&split);
        let z = (ms - pp) / (ss * ss + plain_se * plain_se).sqrt();
        eprintln!(
            "50 groups, zones destroyed, {failure}: plain {pp:.4e} ± {plain_se:.1e}, splitting {ms:.4e} ± {ss:.1e}, z = {z:.2}"
        );
        assert!(z.abs() < 4.0, "{failure}: z = {z}");
    }
}
