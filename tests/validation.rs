//! Statistical validation of the engine against closed forms.
//!
//! Every stochastic test runs a fixed seed and asserts |measured − exact| <
//! 4·SE, where SE is the standard error of the mean downtime estimated from
//! the run itself (per-trial downtimes are i.i.d., so by the CLT the mean is
//! normal to a very good approximation at these trial counts; 4 SE gives a
//! false-alarm rate of about 6e-5 per assertion, yet any modelling error
//! larger than a few SE is caught). The "exact" values are computed
//! independently of the engine, with the closed forms of
//! `nines::validate::closed_form` (shared with `nines validate`, and checked
//! against renewal limits in `helpers_are_accurate`): point availabilities of independent two-state
//! processes combined through the structure function and integrated over the
//! horizon (E[downtime] = ∫₀ᵀ P(service down at t) dt, by Fubini), or
//! steady-state renewal-reward limits with their transient bias quantified.
//! Fixed-duration cases are checked exactly.
//!
//! Run with `cargo test --release --test validation -- --nocapture` to see
//! the exact value, the measured mean, its 95% interval and the z-score of
//! every case.

use approx::assert_relative_eq;
use nines::model::Model;
use nines::runner;
use nines::stats::VariantStats;
use nines::validate::closed_form::*;
use std::path::Path;

// ---------------------------------------------------------------- helpers --

const HOURS_PER_YEAR: f64 = 8760.0;

/// z of a two-sided 95% interval, written here rather than taken from the
/// code under test.
const Z_95: f64 = 1.959_963_984_540_054;

/// A run's statistics, and its per-trial downtimes with the mean and
/// standard error computed here from them.
struct Measured {
    stats: VariantStats,
    mean: f64,
    se: f64,
}

impl std::ops::Deref for Measured {
    type Target = VariantStats;
    fn deref(&self) -> &VariantStats {
        &self.stats
    }
}

/// Loads inline scenario text (first variant) and runs all its trials.
/// The mean and standard error the checks use are computed here from the
/// per-trial downtimes (two-pass, s/√n), and the program's own mean,
/// standard error and 95% interval must agree with them.
fn run(toml: &str) -> (Model, Measured) {
    let scenario = nines::scenario::load_str(Path::new("inline.toml"), toml, &[])
        .unwrap_or_else(|e| panic!("scenario does not load: {e}"));
    let model = scenario.variants.into_iter().next().expect("one variant");
    let (stats, trials) = runner::run_keeping_trials(&model, &|_| {}, true);
    assert_eq!(stats.trials, model.trials);
    let years = model.horizon_years();
    let xs: Vec<f64> = trials.iter().map(|t| t.downtime / years).collect();
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let se = if n > 1.0 { (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt() } else { 0.0 };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300);
    assert!(close(stats.downtime.mean(), mean), "mean: program {} vs {mean}", stats.downtime.mean());
    let program_se = stats.downtime.std_error();
    assert!(close(program_se, se), "SE: program {program_se} vs {se}");
    let ci = stats.downtime.ci95();
    assert!(close(ci[0], mean - Z_95 * se) && close(ci[1], mean + Z_95 * se), "95% CI: program {ci:?}");
    (model, Measured { stats, mean, se })
}

/// Compares the mean annual downtime with `exact` (hours per year): prints
/// the figures for the record and asserts |mean − exact| < 4 SE.
fn check_downtime(case: &str, m: &Measured, exact: f64) {
    let (mean, se) = (m.mean, m.se);
    assert!(se > 0.0, "{case}: zero standard error, the test has no power");
    let z = (mean - exact) / se;
    println!(
        "{case}: exact {exact:.6} h/y, measured {mean:.6} h/y, 95% CI [{:.6}, {:.6}], SE {se:.6} ({:.3}% of exact), z = {z:+.3}, trials {}",
        mean - Z_95 * se,
        mean + Z_95 * se,
        100.0 * se / exact,
        m.trials,
    );
    assert!(z.abs() < 4.0, "{case}: measured {mean} h/y vs exact {exact} h/y is {z:.2} standard errors off (SE {se})");
}

/// The numerical helpers against closed forms: the tabulated fixed-outage
/// availability integrates to T(1−A) − c (renewal limit, c = A(E[C²]/2E[C] −
/// E[U²]/2E[U]) = A·r·d²/(2(1+rd)) for Exp(r) up, d down; the transient has
/// died out long before T); and zone_count_dist sums to 1. Tolerance: 1e-9
/// relative, far below any SE used here.
#[test]
fn helpers_are_accurate() {
    let (r, d) = (2.0 / HOURS_PER_YEAR, 8.0);
    let (p, h) = avail_fixed_outage(r, d, HOURS_PER_YEAR, 96);
    let down: Vec<f64> = p.iter().map(|x| 1.0 - x).collect();
    let numeric = simpson_table(&down, h);
    let a = (1.0 / r) / (1.0 / r + d);
    let (eu, eu2) = (1.0 / r, 2.0 / (r * r));
    let (ec, ec2) = (eu + d, eu2 + 2.0 * d * eu + d * d);
    let c = a * (ec2 / (2.0 * ec) - eu2 / (2.0 * eu));
    assert_relative_eq!(numeric, HOURS_PER_YEAR * (1.0 - a) - c, max_relative = 1e-9);
    assert_relative_eq!(p[p.len() - 1], a, max_relative = 1e-12);
    let dist = zone_count_dist(0.9, 0.8, 3);
    assert_relative_eq!(dist.iter().sum::<f64>(), 1.0, max_relative = 1e-14);
    assert_relative_eq!(dist[3], 0.9 * 0.512, max_relative = 1e-14);
}

// ------------------------------------------------- 1. one component, exp --

/// One exponential component from up: E[D] = λ/(λ+μ)T − λ/(λ+μ)²(1−e^{−(λ+μ)T}) ≈ 86.635 h; tolerance 4 SE of the run.
#[test]
fn single_exponential_one_year_matches_transient_closed_form() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 40000
        seed = 101
        [components.box]
        mttf = "1000h"
        mttr = "10h"
        [services.app]
        up_when = "box"
    "#);
    let exact = downtime_exp(1000.0, 10.0, HOURS_PER_YEAR);
    check_downtime("1a single exp, 1 y", &s, exact);
    // The Simpson helper must agree with the closed form it replaces below.
    let integral = simpson(|t| 1.0 - avail_exp(1000.0, 10.0, t), 0.0, HOURS_PER_YEAR, 100_000);
    assert_relative_eq!(integral, exact, max_relative = 1e-9);
}

/// One exponential component over 100 y: downtime/y → 8760·MTTR/(MTTF+MTTR) (steady state); start-up bias 0.00098 h/y ≈ 0.01 SE, asserted negligible; tolerance 4 SE.
#[test]
fn single_exponential_long_horizon_matches_steady_state() {
    let (m, s) = run(r#"
        [simulation]
        horizon = "100y"
        trials = 2048
        seed = 102
        [components.box]
        mttf = "1000h"
        mttr = "10h"
        [services.app]
        up_when = "box"
    "#);
    let steady = HOURS_PER_YEAR * 10.0 / 1010.0;
    let transient = downtime_exp(1000.0, 10.0, m.horizon) / m.horizon_years();
    let bias = steady - transient;
    assert!(bias.abs() < 0.05 * s.se, "transient bias {bias} is not negligible");
    check_downtime("1b single exp, 100 y vs steady state", &s, steady);
}

// ------------------------------------------- 2. series, parallel, k-of-n --

/// Series of two different exponential parts: ∫(1 − a₁a₂) dt; tolerance 4 SE.
#[test]
fn series_of_two() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 30000
        seed = 201
        [components.a]
        mttf = "1000h"
        mttr = "10h"
        [components.b]
        mttf = "300h"
        mttr = "30h"
        [services.app]
        up_when = { all = ["a", "b"] }
    "#);
    let exact = structure_downtime(|t| avail_exp(1000.0, 10.0, t) * avail_exp(300.0, 30.0, t));
    check_downtime("2a series(a, b)", &s, exact);
}

/// Parallel of two different exponential parts: ∫(1−a₁)(1−a₂) dt; tolerance 4 SE.
#[test]
fn parallel_of_two() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 30000
        seed = 202
        [components.a]
        mttf = "200h"
        mttr = "20h"
        [components.b]
        mttf = "150h"
        mttr = "40h"
        [services.app]
        up_when = { any = ["a", "b"] }
    "#);
    let exact = structure_downtime(|t| 1.0 - (1.0 - avail_exp(200.0, 20.0, t)) * (1.0 - avail_exp(150.0, 40.0, t)));
    check_downtime("2b parallel(a, b)", &s, exact);
}

/// 2-of-3 identical replicas (count = 3): ∫(1 − 3a² + 2a³) dt ≈ 2.57 h; tolerance 4 SE.
#[test]
fn two_of_three_identical() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 100000
        seed = 203
        [components.server]
        count = 3
        mttf = "1000h"
        mttr = "10h"
        [services.quorum]
        up_when = { at_least = 2, of = ["server"] }
    "#);
    let exact = structure_downtime(|t| {
        let a = avail_exp(1000.0, 10.0, t);
        3.0 * a * a - 2.0 * a * a * a
    });
    check_downtime("2c 2-of-3 identical", &s, exact);
}

/// 2-of-3 of three different parts: ∫(1 − (a₁a₂ + a₁a₃ + a₂a₃ − 2a₁a₂a₃)) dt; tolerance 4 SE.
#[test]
fn two_of_three_different() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 30000
        seed = 204
        [components.x]
        mttf = "500h"
        mttr = "25h"
        [components.y]
        mttf = "300h"
        mttr = "20h"
        [components.z]
        mttf = "800h"
        mttr = "50h"
        [services.quorum]
        up_when = { at_least = 2, of = ["x", "y", "z"] }
    "#);
    let exact = structure_downtime(|t| {
        let (a1, a2, a3) = (avail_exp(500.0, 25.0, t), avail_exp(300.0, 20.0, t), avail_exp(800.0, 50.0, t));
        a1 * a2 + a1 * a3 + a2 * a3 - 2.0 * a1 * a2 * a3
    });
    check_downtime("2d 2-of-3 different", &s, exact);
}

/// Nested services: app = all(lb, tier), tier = 2-of-3 web: ∫(1 − a_lb(3a²−2a³)) dt; tolerance 4 SE.
#[test]
fn nested_services() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 30000
        seed = 205
        [components.lb]
        mttf = "2000h"
        mttr = "4h"
        [components.web]
        count = 3
        mttf = "200h"
        mttr = "20h"
        [services.tier]
        up_when = { at_least = 2, of = ["web"] }
        [services.app]
        up_when = { all = ["lb", "tier"] }
    "#);
    let exact = structure_downtime(|t| {
        let a = avail_exp(200.0, 20.0, t);
        avail_exp(2000.0, 4.0, t) * (3.0 * a * a - 2.0 * a * a * a)
    });
    check_downtime("2e all(lb, 2-of-3 web)", &s, exact);
}

// ------------------------------------------ 3. Weibull with lognormal repair --

/// Weibull(shape 2, mean 1000 h) failures, lognormal(median 2 h, p99 20 h) repairs, 100 y:
/// downtime/y → 8760·E[R]/(E[U]+E[R]) (renewal-reward), minus the start-from-new
/// correction c/T, c = A(E[C²]/2E[C] − E[U²]/2E[U]) ≈ 1.19 h (0.012 h/y ≈ 0.3 SE,
/// so it is included); tolerance 4 SE.
#[test]
fn weibull_lognormal_long_horizon_matches_renewal_reward() {
    let (m, s) = run(r#"
        [simulation]
        horizon = "100y"
        trials = 2048
        seed = 301
        [components.disk]
        failure = { type = "weibull", shape = 2, mean = "1000h" }
        repair = { type = "lognormal", median = "2h", p99 = "20h" }
        [services.app]
        up_when = "disk"
    "#);
    // Moments computed here, not taken from the engine's Dist.
    let gamma_1_5 = std::f64::consts::PI.sqrt() / 2.0; // Γ(1.5)
    let scale = 1000.0 / gamma_1_5;
    let (eu, eu2) = (1000.0, scale * scale); // E[U²] = scale²·Γ(2)
    let mu = 2.0f64.ln();
    let sigma = 10.0f64.ln() / 2.326_347_874_040_840_8; // z of the 99th percentile
    let (er, er2) = ((mu + sigma * sigma / 2.0).exp(), (2.0 * mu + 2.0 * sigma * sigma).exp());
    let (ec, ec2) = (eu + er, eu2 + er2 + 2.0 * eu * er);
    let a = eu / ec;
    let steady = HOURS_PER_YEAR * (1.0 - a);
    // ∫₀^∞ (A(t) − A) dt from the Laplace transform of the alternating renewal process.
    let c = a * (ec2 / (2.0 * ec) - eu2 / (2.0 * eu));
    let exact = steady - c / m.horizon_years();
    println!(
        "3 Weibull/lognormal: E[R] = {er:.4} h, A = {a:.8}, steady {steady:.6} h/y, start-from-new correction {:.6} h/y = {:.3} SE",
        c / m.horizon_years(),
        c / m.horizon_years() / s.se
    );
    check_downtime("3 Weibull(2)/lognormal, 100 y", &s, exact);
}

// ------------------------------------------------------- 4. common cause --

/// Zone outages 2/y of exactly 8 h (tabulated point availability) over three
/// zones, each a cell of 2 units (mttf 500 h, mttr 10 h); service = 2-of-3 cells.
/// Cell availability A_z(t)(1 − u(t)²), service 3c² − 2c³, integrated over 1 y; tolerance 4 SE.
#[test]
fn two_of_three_zone_cells() {
    let (m, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 200000
        seed = 401
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = { rate = "2/y", duration = "8h" }
        [components.web-a]
        count = 2
        zone = "a"
        mttf = "500h"
        mttr = "10h"
        [components.web-b]
        count = 2
        zone = "b"
        mttf = "500h"
        mttr = "10h"
        [components.web-c]
        count = 2
        zone = "c"
        mttf = "500h"
        mttr = "10h"
        [services.cell-a]
        up_when = { any = ["web-a"] }
        [services.cell-b]
        up_when = { any = ["web-b"] }
        [services.cell-c]
        up_when = { any = ["web-c"] }
        [services.app]
        up_when = { at_least = 2, of = ["cell-a", "cell-b", "cell-c"] }
    "#);
    let (zone, h) = avail_fixed_outage(2.0 / HOURS_PER_YEAR, 8.0, m.horizon, 96);
    let down: Vec<f64> = zone
        .iter()
        .enumerate()
        .map(|(i, &z)| {
            let u = 1.0 - avail_exp(500.0, 10.0, i as f64 * h);
            let c = z * (1.0 - u * u);
            1.0 - (3.0 * c * c - 2.0 * c * c * c)
        })
        .collect();
    let exact = simpson_table(&down, h);
    // What the zones add: without them the answer would be far off.
    let no_zones = structure_downtime(|t| {
        let u = 1.0 - avail_exp(500.0, 10.0, t);
        let c = 1.0 - u * u;
        3.0 * c * c - 2.0 * c * c * c
    });
    println!("4a: without zone outages the exact downtime would be {no_zones:.6} h/y");
    check_downtime("4a 2-of-3 zone cells (zone outage 2/y, 8 h)", &s, exact);
}

/// 6 units round-robin over 3 zones (2 each), service needs 5: down if any zone
/// is out or 2 units failed; A = A_z(t)³·P(≥5 of 6 | zones up), zone effect ≈ 80%
/// of the downtime; integrated over 1 y; tolerance 4 SE.
#[test]
fn zone_outage_dominated_five_of_six() {
    let (m, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 20000
        seed = 402
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = { rate = "2/y", duration = "8h" }
        [components.web]
        count = 6
        zones = ["a", "b", "c"]
        mttf = "1000h"
        mttr = "10h"
        [services.app]
        up_when = { at_least = 5, of = ["web"] }
    "#);
    let (zone, h) = avail_fixed_outage(2.0 / HOURS_PER_YEAR, 8.0, m.horizon, 96);
    let down: Vec<f64> = zone
        .iter()
        .enumerate()
        .map(|(i, &z)| {
            let a = avail_exp(1000.0, 10.0, i as f64 * h);
            let per_zone = zone_count_dist(z, a, 2);
            let all = convolve(&convolve(&per_zone, &per_zone), &per_zone);
            1.0 - at_least(&all, 5)
        })
        .collect();
    let exact = simpson_table(&down, h);
    // Closed form in steady state, for the record: 1 − A_z³(a⁶ + 6a⁵u).
    let az = (HOURS_PER_YEAR / 2.0) / (HOURS_PER_YEAR / 2.0 + 8.0);
    let (a, u): (f64, f64) = (1000.0 / 1010.0, 10.0 / 1010.0);
    let steady = HOURS_PER_YEAR * (1.0 - az.powi(3) * (a.powi(6) + 6.0 * a.powi(5) * u));
    let zones_only = HOURS_PER_YEAR * (1.0 - az.powi(3));
    println!("4b: steady-state closed form {steady:.6} h/y, of which zones alone {zones_only:.6} h/y");
    check_downtime("4b 5-of-6 over 3 zones (zone outage 2/y, 8 h)", &s, exact);
}

/// Zones with exponential outages (8 h mean, 2/y), one zone overridden (4/y,
/// fixed 8 h), plus a region outage (0.5/y, exponential 4 h); 6 units over 3
/// zones, service needs 4: A = A_r(t)·P(≥4 in service), counts convolved per
/// zone; tolerance 4 SE.
#[test]
fn zones_and_region_four_of_six() {
    let (m, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 100000
        seed = 403
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = { rate = "2/y", duration = { type = "exponential", mean = "8h" } }
        outage = { rate = "0.5/y", duration = { type = "exponential", mean = "4h" } }
        [zones.c]
        outage = { rate = "4/y", duration = "8h" }
        [components.web]
        count = 6
        zones = ["a", "b", "c"]
        mttf = "300h"
        mttr = "10h"
        [services.app]
        up_when = { at_least = 4, of = ["web"] }
    "#);
    let (zone_c, h) = avail_fixed_outage(4.0 / HOURS_PER_YEAR, 8.0, m.horizon, 96);
    let down: Vec<f64> = zone_c
        .iter()
        .enumerate()
        .map(|(i, &zc)| {
            let t = i as f64 * h;
            let a = avail_exp(300.0, 10.0, t);
            let zab = avail_exp(HOURS_PER_YEAR / 2.0, 8.0, t);
            let region = avail_exp(HOURS_PER_YEAR / 0.5, 4.0, t);
            let ab = zone_count_dist(zab, a, 2);
            let all = convolve(&convolve(&ab, &ab), &zone_count_dist(zc, a, 2));
            1.0 - region * at_least(&all, 4)
        })
        .collect();
    let exact = simpson_table(&down, h);
    check_downtime("4c 4-of-6 over 3 zones + region outage", &s, exact);
}

// ---------------------------------------------------- 5. fixed durations --

/// Fixed TTF 1000 h, TTR 10 h, 8760 h: failures at 1010k − 10 (k = 1..8), so exactly 80 h and 8 outages in every trial; exact equality.
#[test]
fn fixed_durations_are_exact() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "8760h"
        trials = 1000
        seed = 501
        [components.clock]
        failure = "1000h"
        repair = "10h"
        [services.app]
        up_when = "clock"
    "#);
    assert_eq!(s.downtime.mean(), 80.0);
    assert_eq!(s.downtime.max(), 80.0);
    assert_eq!(s.downtime.std_dev(), 0.0);
    assert_eq!(s.outages.mean(), 8.0);
    assert_eq!(s.outages.max(), 8.0);
    assert_eq!(s.outage_len.count(), 8 * 1000);
    assert_eq!(s.outage_len.mean(), 10.0);
    assert_eq!(s.outage_len.max(), 10.0);
    assert_eq!(s.no_outage, 0);
    println!(
        "5a fixed 1000 h / 10 h: exact 80 h/y and 8 outages, measured {} h/y, {} outages/y",
        s.downtime.mean(),
        s.outages.mean()
    );
}

/// Fixed TTF 1000 h, TTR 100 h, 1 y: failures at 1100k − 100; the 8th (8700 h) is cut at 8760 h: 7·100 + 60 = 760 h, 8 outages; exact.
#[test]
fn fixed_outage_is_cut_at_the_horizon() {
    let (_, s) = run(r#"
        [simulation]
        horizon = "1y"
        trials = 1000
        seed = 502
        [components.clock]
        failure = "1000h"
        repair = "100h"
        [services.app]
        up_when = "clock"
    "#);
    assert_eq!(s.downtime.mean(), 760.0);
    assert_eq!(s.downtime.max(), 760.0);
    assert_eq!(s.downtime.std_dev(), 0.0);
    assert_eq!(s.outages.mean(), 8.0);
    assert_eq!(s.outage_len.count(), 8 * 1000);
    assert_eq!(s.outage_len.max(), 100.0);
    // Welford's running mean of 100, …, 100, 60 is 95 up to rounding.
    assert_relative_eq!(s.outage_len.mean(), 760.0 / 8.0, max_relative = 1e-12);
    println!("5b fixed 1000 h / 100 h cut at horizon: exact 760 h/y, measured {} h/y", s.downtime.mean());
}

/// Two fixed alternations (100/50 h and 203/31 h, no coinciding events except
/// harmless simultaneous repairs) in series and in parallel: downtime and outage
/// count equal the measure and run count of the union / intersection of their
/// down intervals, computed here by a sweep; exact.
#[test]
fn fixed_series_and_parallel_match_interval_arithmetic() {
    let horizon = 8760.0;
    let a = fixed_intervals(100.0, 50.0, horizon);
    let b = fixed_intervals(203.0, 31.0, horizon);
    let in_any = |iv: &[(f64, f64)], t: f64| iv.iter().any(|&(s, e)| s < t && t < e);
    let points: Vec<f64> = a.iter().chain(&b).flat_map(|&(s, e)| [s, e]).collect();
    let series = sweep(&points, horizon, |t| in_any(&a, t) || in_any(&b, t));
    let parallel = sweep(&points, horizon, |t| in_any(&a, t) && in_any(&b, t));
    for (gate, expected) in [("all", series), ("any", parallel)] {
        let (_, s) = run(&format!(
            r#"
            [simulation]
            horizon = "8760h"
            trials = 600
            seed = 503
            [components.a]
            failure = "100h"
            repair = "50h"
            [components.b]
            failure = "203h"
            repair = "31h"
            [services.app]
            up_when = {{ {gate} = ["a", "b"] }}
        "#
        ));
        println!(
            "5c fixed {gate}(a, b): exact {} h/y and {} outages, measured {} h/y and {} outages/y (max {})",
            expected.0,
            expected.1,
            s.downtime.mean(),
            s.outages.mean(),
            s.downtime.max()
        );
        assert_relative_eq!(s.downtime.mean(), expected.0, max_relative = 1e-12);
        assert_relative_eq!(s.downtime.max(), expected.0, max_relative = 1e-12);
        assert_eq!(s.downtime.std_dev(), 0.0);
        assert_eq!(s.outages.mean(), f64::from(expected.1));
        assert_eq!(s.outages.max(), f64::from(expected.1));
    }
}

// ------------------------------------------------------ nines validate --

/// The command a room runs: every case passes (exit 0) and prints exact,
/// simulated with its interval, and z; an unknown case is a usage error.
#[test]
fn nines_validate_passes_and_reports_every_case() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_nines")).args(["validate", "--quick"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    for case in nines::validate::cases() {
        let line = text.lines().find(|l| l.starts_with(&format!("{} ", case.id))).unwrap_or_else(|| panic!("{text}"));
        assert!(line.ends_with(" ok"), "{line}");
    }
    assert!(text.contains(&format!("{} passed, 0 failed", nines::validate::cases().len())), "{text}");
    let bad =
        std::process::Command::new(env!("CARGO_BIN_EXE_nines")).args(["validate", "--case", "9z"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}
