//! Importance-sampling downtime estimates (`nines run --rare`) against
//! closed forms and plain Monte Carlo. Every figure the estimator reports
//! is recomputed here from the per-trial weighted values (mean and standard
//! error two-pass, in `common::mean_se`), and the comparisons use those.

mod common;

use common::mean_se;
use nines::downtime::{self, Budget, RareDowntime};
use nines::engine::rare::WeightedTrial;
use nines::engine::{self, Observer, Scratch};
use nines::model::Model;
use nines::units::HOURS_PER_YEAR;
use nines::validate::closed_form::{avail_exp, structure_downtime};
use rayon::prelude::*;
use std::path::Path;

fn shipped(name: &str) -> Model {
    let path = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    nines::scenario::load(Path::new(&path)).unwrap().variants.remove(0)
}

fn inline(text: &str) -> Model {
    nines::scenario::load_str(Path::new("inline.toml"), text, &[]).unwrap_or_else(|e| panic!("{e}")).variants.remove(0)
}

/// Mean downtime (h/yr) and its standard error recomputed from the weighted
/// trials the estimate ran; checks they, and every other figure and
/// diagnostic reported, are what those trials give.
fn recomputed(model: &Model, r: &RareDowntime) -> (f64, f64) {
    let years = model.horizon_years();
    let trials = downtime::weighted_trials(model, r.bias_threshold, 0..r.trials);
    let each = |f: &dyn Fn(&nines::engine::rare::Weighted) -> f64| -> Vec<f64> { trials.iter().map(f).collect() };
    let values = each(&|t| t.weight * t.summary.downtime / years);
    let (mean, se) = mean_se(&values);
    let d = r.downtime_hours.as_ref().expect("a reliable estimate has a mean downtime");
    assert!((mean - d.estimate).abs() <= 1e-9 * mean, "reported mean {} vs per-trial mean {mean}", d.estimate);
    assert!((se - d.std_error).abs() <= 1e-6 * se, "reported SE {} vs per-trial SE {se}", d.std_error);
    let same = |what: &str, reported: f64, values: &[f64]| {
        let (m, e) = mean_se(values);
        assert!((m - reported).abs() <= 1e-9 * m.abs().max(1e-300), "{what}: reported {reported} vs per-trial {m}");
        e
    };
    let f = r.outages_per_year.as_ref().unwrap();
    let e = same("outages a year", f.estimate, &each(&|t| t.weight * f64::from(t.summary.outages) / years));
    assert!((e - f.std_error).abs() <= 1e-6 * e, "outages a year: SE {} vs {e}", f.std_error);
    let f = r.outage_probability.as_ref().unwrap();
    let any = each(&|t| t.weight * f64::from(u8::from(t.summary.outages > 0)));
    let e = same("P(an outage)", f.estimate, &any);
    assert!((e - f.std_error).abs() <= 1e-6 * e, "P(an outage): SE {} vs {e}", f.std_error);
    if let Some(f) = r.slo_windows_missed.as_ref() {
        let windows = f64::from(model.slo_windows.max(1));
        let missed = each(&|t| t.weight * f64::from(t.summary.slo_windows - t.summary.slo_windows_met) / windows);
        same("SLO windows missed", f.estimate, &missed);
    }
    let hits: Vec<&nines::engine::rare::Weighted> = trials.iter().filter(|t| t.summary.outages > 0).collect();
    assert_eq!(r.trials_with_outage, hits.len() as u64);
    let weights = each(&|t| t.weight);
    let (wm, wse) = mean_se(&weights);
    assert!(
        (r.mean_weight[0] - wm).abs() <= 1e-9 && (r.mean_weight[1] - wse).abs() <= 1e-6 * wse,
        "{:?}",
        r.mean_weight
    );
    let spells = trials.iter().map(|t| f64::from(t.spells)).sum::<f64>() / trials.len() as f64;
    assert!((r.spells_per_trial - spells).abs() <= 1e-12 * spells, "{} vs {spells}", r.spells_per_trial);
    let total: f64 = values.iter().sum();
    let largest = values.iter().cloned().fold(0.0, f64::max) / total;
    assert!((r.largest_share - largest).abs() <= 1e-9 * largest, "{} vs {largest}", r.largest_share);
    let (w1, w2) = hits.iter().fold((0.0, 0.0), |(a, b), t| (a + t.weight, b + t.weight * t.weight));
    let evenness = w1 * w1 / w2 / hits.len() as f64;
    assert!((r.weight_evenness - evenness).abs() <= 1e-9 * evenness, "{} vs {evenness}", r.weight_evenness);
    // Plain Monte Carlo's variance of a trial's downtime: E[D²] (weighted)
    // less the mean squared.
    let second = each(&|t| t.weight * (t.summary.downtime / years).powi(2)).iter().sum::<f64>() / trials.len() as f64;
    let variance = second - mean * mean;
    let reported = r.plain_variance_per_trial.unwrap();
    assert!((reported - variance).abs() <= 1e-6 * variance, "plain variance {reported} vs {variance}");
    (mean, se)
}

struct Discard;

impl Observer for Discard {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
}

/// Plain Monte-Carlo downtime per trial, h/yr, for trials `0..n`.
fn plain(model: &Model, n: u64) -> Vec<f64> {
    let years = model.horizon_years();
    let chunks: Vec<Vec<f64>> = (0..n.div_ceil(10_000))
        .into_par_iter()
        .map(|c| {
            let mut s = Scratch::new(model);
            (c * 10_000..((c + 1) * 10_000).min(n))
                .map(|k| engine::run_trial(model, k, &mut s, &mut Discard).downtime / years)
                .collect()
        })
        .collect();
    chunks.concat()
}

/// four-by-five: fewer than 1 year in 1 000 has an outage. The weighted
/// estimate and 600 000 plain years agree within 4 standard errors of their
/// difference, the weighted one also agrees with the exact transient
/// answer (`nines::exact`, a Markov-chain solution that shares no code with
/// the sampler), and the weighting cuts the variance per trial at least
/// tenfold (it measured about 60×).
#[test]
fn four_by_five_agrees_with_plain_monte_carlo() {
    let m = shipped("four-by-five");
    let r = downtime::estimate(&m, &Budget { target_re: 0.05, max_trials: 1_000_000 });
    assert!(r.reliable, "{:?}", r.refusal);
    let (mean, se) = recomputed(&m, &r);
    let p = plain(&m, 600_000);
    let (pm, pse) = mean_se(&p);
    let z = (mean - pm) / (se * se + pse * pse).sqrt();
    let per_trial = (se * se * r.trials as f64, pse * pse * p.len() as f64);
    println!(
        "four-by-five: weighted {mean:.6} ± {se:.6} h/yr ({} trials, threshold {}), plain {pm:.6} ± {pse:.6} ({} trials), z = {z:+.2}, variance per trial {:.3e} vs {:.3e} ({:.0}×)",
        r.trials,
        r.bias_threshold,
        p.len(),
        per_trial.0,
        per_trial.1,
        per_trial.1 / per_trial.0
    );
    assert!(z.abs() < 4.0, "weighted {mean} vs plain {pm}: z = {z:.2}");
    // Against the exact answer on a fixed number of weighted trials (a run
    // that stops once its relative error is small stops, a little more
    // often, where its mean happens to be high).
    let exact = nines::exact::analyse(&m).exact().expect("four-by-five has an exact answer").downtime_hours;
    let fixed: Vec<f64> = downtime::weighted_trials(&m, r.bias_threshold, 0..300_000)
        .iter()
        .map(|t| t.weight * t.summary.downtime / m.horizon_years())
        .collect();
    let (fm, fse) = mean_se(&fixed);
    let z = (fm - exact) / fse;
    println!(
        "four-by-five: exact {exact:.6} h/yr, weighted {fm:.6} ± {fse:.6} over {} trials, z = {z:+.2}",
        fixed.len()
    );
    assert!(z.abs() < 4.0, "weighted {fm} ± {fse} vs exact {exact}: z = {z:.2}");
    assert!(per_trial.0 * 10.0 < per_trial.1, "variance per trial {:.3e} vs plain {:.3e}", per_trial.0, per_trial.1);
    // The SLO (99.99% a year) is missed in the years with more than 53 min
    // down: the same trials, the same weights.
    let years = m.horizon_years();
    let missed: Vec<f64> = downtime::weighted_trials(&m, r.bias_threshold, 0..r.trials)
        .iter()
        .map(|t| t.weight * f64::from(t.summary.slo_windows - t.summary.slo_windows_met))
        .collect();
    let (wm, wse) = mean_se(&missed);
    let slo = r.slo_windows_missed.as_ref().expect("four-by-five has an SLO");
    assert!((wm - slo.estimate).abs() <= 1e-9 * wm);
    let threshold = 0.0001 * m.horizon;
    let plain_missed: Vec<f64> = p.iter().map(|d| f64::from(u8::from(d * years > threshold))).collect();
    let (qm, qse) = mean_se(&plain_missed);
    let z = (wm - qm) / (wse * wse + qse * qse).sqrt();
    println!("four-by-five SLO windows missed: weighted {wm:.3e} ± {wse:.1e}, plain {qm:.3e} ± {qse:.1e}, z = {z:+.2}");
    assert!(z.abs() < 4.0, "SLO missed: weighted {wm} vs plain {qm}: z = {z:.2}");
}

/// `--rare` on `m` to a 3% relative error: reliable, its figures those of
/// its own trials (`recomputed`), its mean within 4 standard errors of
/// `exact`, and its variance per trial cut `at_least`-fold.
fn weighted_matches_exact(what: &str, m: &Model, exact: f64, at_least: f64) -> RareDowntime {
    let start = std::time::Instant::now();
    let r = downtime::estimate(m, &Budget { target_re: 0.03, max_trials: 2_000_000 });
    let wall = start.elapsed().as_secs_f64();
    assert!(r.reliable, "{what}: {:?}", r.refusal);
    // CPU times behind the speed-up: the plain probe (20 000 trials on
    // this thread) cannot have taken longer than the whole call, nor the
    // weighted chunks more than every thread for all of it.
    let plain_probe = 20_000.0 * r.plain_cpu_seconds_per_trial;
    assert!(plain_probe > 0.0 && plain_probe <= wall, "{what}: plain probe {plain_probe} s in {wall} s");
    let threads = rayon::current_num_threads() as f64;
    assert!(r.cpu_seconds > 0.0 && r.cpu_seconds <= wall * threads, "{what}: {} CPU s in {wall} s", r.cpu_seconds);
    let (mean, se) = recomputed(m, &r);
    let z = (mean - exact) / se;
    println!("{what}: exact {exact:.6e}, weighted {mean:.6e} ± {se:.1e} h/yr, z = {z:+.2}, {} trials", r.trials);
    assert!(z.abs() < 4.0, "{what}: {mean} vs exact {exact}: z = {z:.2}");
    assert_variance_cut(what, m, se * se * r.trials as f64, exact, at_least);
    r
}

/// The weighting cuts the variance per trial at least `at_least`-fold
/// against 400 000 plain trials (whose mean must agree with `exact` too): a
/// weighting that stopped biasing would still be unbiased, only slow.
fn assert_variance_cut(what: &str, m: &Model, weighted_per_trial: f64, exact: f64, at_least: f64) {
    let p = plain(m, 400_000);
    let (pm, pse) = mean_se(&p);
    let plain_per_trial = pse * pse * p.len() as f64;
    println!(
        "{what}: plain {pm:.4e} ± {pse:.1e}, variance per trial {weighted_per_trial:.3e} vs plain {plain_per_trial:.3e} ({:.0}×)",
        plain_per_trial / weighted_per_trial
    );
    assert!((pm - exact).abs() < 4.0 * pse, "{what}: plain {pm} vs exact {exact}");
    assert!(
        at_least * weighted_per_trial < plain_per_trial,
        "{what}: {weighted_per_trial:.3e} vs plain {plain_per_trial:.3e}"
    );
}

/// `n` exponential replicas (MTTF 1000 h, MTTR 10 h), the service up
/// while any is, over `horizon`.
fn one_of(n: u32, horizon: &str, seed: u64) -> Model {
    inline(&format!(
        r#"
        [simulation]
        horizon = "{horizon}"
        trials = 1000
        seed = {seed}
        [components.server]
        count = {n}
        mttf = "1000h"
        mttr = "10h"
        [services.app]
        up_when = {{ any = ["server"] }}
        "#
    ))
}

/// 1-of-3 identical exponential replicas (MTTF 1000 h, MTTR 10 h) from all
/// up: E[D] = ∫(1 − a(t))³ dt ≈ 8.6e-3 h/yr, an outage about one year in
/// 400. Plain Monte Carlo would need about 2 million years for 5%.
#[test]
fn one_of_three_matches_its_closed_form() {
    let m = one_of(3, "1y", 31);
    let exact = structure_downtime(|t| 1.0 - (1.0 - avail_exp(1000.0, 10.0, t)).powi(3));
    // Variance cut measured 12× (outages one year in 400).
    weighted_matches_exact("1-of-3", &m, exact, 5.0);
}

/// The same 1-of-3 over a 2-year horizon: every figure is per year (a
/// trial's downtime and outages divided by 2, which `recomputed` checks
/// trial by trial), and the mean is the two years' ∫(1 − a(t))³ dt halved.
#[test]
fn a_two_year_horizon_is_reported_per_year() {
    let m = one_of(3, "2y", 32);
    let down = |t: f64| (1.0 - avail_exp(1000.0, 10.0, t)).powi(3);
    let exact = (structure_downtime(|t| 1.0 - down(t)) + structure_downtime(|t| 1.0 - down(t + HOURS_PER_YEAR))) / 2.0;
    weighted_matches_exact("1-of-3 over 2 years", &m, exact, 5.0);
}

/// The biasing threshold is the largest distance below the start's that
/// trials enter at most 5 times a year (0, plain trials, when none is).
/// For 1-of-n exponential replicas (MTTF 1000 h, MTTR 10 h, so each is
/// down a share u = 1/101 of the time) the entries into "j down" are
/// (n − j + 1)·λ·P(j − 1 down)·8760 h a year.
#[test]
fn the_threshold_is_the_largest_distance_entered_at_most_five_times_a_year() {
    for (n, expected) in [(2u32, 0u32), (3, 1), (4, 2)] {
        let m = one_of(n, "1y", 1);
        let u: f64 = 1.0 / 101.0;
        let down = |j: u32| {
            let choose = (0..j).fold(1.0, |c, i| c * f64::from(n - i) / f64::from(i + 1));
            choose * u.powi(j as i32) * (1.0 - u).powi((n - j) as i32)
        };
        let entries = |j: u32| f64::from(n - j + 1) * 1e-3 * down(j - 1) * 8760.0;
        // Distance d is n − j: the largest with at most 5 entries a year.
        let want = (1..n).map(|j| (n - j, entries(j))).filter(|&(_, e)| e <= 5.0).map(|(d, _)| d).max().unwrap_or(0);
        assert_eq!(want, expected, "1-of-{n}: entries {:?}", (1..n).map(entries).collect::<Vec<_>>());
        assert_eq!(downtime::bias_threshold(&m), expected, "1-of-{n}");
    }
}

/// The spells `--rare` reports are entries into the biasing threshold's
/// distance or below, before the first outage: weighed by their
/// likelihood ratios they must average what plain trials count
/// (`count_entries`, which also counts after an outage: 1 year in 400 has
/// one, which adds 0.0007 to the plain mean of 0.51, measured over 2
/// million trials, a third of the difference's standard error here).
#[test]
fn weighted_spells_average_the_plain_entries() {
    let m = one_of(3, "1y", 33);
    let threshold = downtime::bias_threshold(&m);
    let base = WeightedTrial::base_distance(&m);
    // The largest distance entered at most 5 times a year: one server down
    // is entered 3λ·P(all up)·8760 h ≈ 25.5 times a year, two down
    // 2λ·P(one down)·8760 h ≈ 0.51 times, so the threshold is distance 1.
    assert_eq!((threshold, base), (1, 3));
    let n = 200_000;
    let weighted: Vec<f64> =
        downtime::weighted_trials(&m, threshold, 0..n).iter().map(|t| t.weight * f64::from(t.spells)).collect();
    let plain: Vec<f64> = (0..n.div_ceil(10_000))
        .into_par_iter()
        .flat_map_iter(|c| {
            let mut t = WeightedTrial::new(&m, 0);
            (c * 10_000..(c + 1) * 10_000).map(move |k| {
                let mut e = vec![0u64; base as usize];
                t.count_entries(1_000_000_000 + k, &mut e);
                e[threshold as usize] as f64
            })
        })
        .collect();
    let ((wm, wse), (pm, pse)) = (mean_se(&weighted), mean_se(&plain));
    let z = (wm - pm) / wse.hypot(pse);
    println!("spells: weighted {wm:.4} ± {wse:.4}, plain entries {pm:.4} ± {pse:.4}, z = {z:+.2}");
    assert!(pm > 0.1 && z.abs() < 4.0, "weighted spells {wm} vs plain entries {pm}: z = {z:.2}");
}

/// 3-of-5 with different repair times: a k-of-n gate whose distance is not
/// a plain count of identical units; E[D] = ∫ P(fewer than 3 up) dt. (The
/// SLO, missed in any year with 5 minutes down, only adds a figure.)
#[test]
fn three_of_five_matches_its_closed_form() {
    let m = inline(
        r#"
        [simulation]
        horizon = "1y"
        trials = 1000
        seed = 35
        [components.a]
        count = 3
        mttf = "2000h"
        mttr = "8h"
        [components.b]
        count = 2
        mttf = "1000h"
        mttr = "24h"
        [services.app]
        up_when = { at_least = 3, of = ["a", "b"] }
        [targets]
        slo = "99.999%"
        "#,
    );
    let exact = structure_downtime(|t| {
        let (a, b) = (avail_exp(2000.0, 8.0, t), avail_exp(1000.0, 24.0, t));
        // P(at least 3 of 5 up): distribution of up counts, convolved.
        let pa = [(1.0 - a).powi(3), 3.0 * a * (1.0 - a).powi(2), 3.0 * a * a * (1.0 - a), a.powi(3)];
        let pb = [(1.0 - b).powi(2), 2.0 * b * (1.0 - b), b * b];
        let mut up = 0.0;
        for (i, x) in pa.iter().enumerate() {
            for (j, y) in pb.iter().enumerate() {
                if i + j >= 3 {
                    up += x * y;
                }
            }
        }
        up
    });
    // Variance cut measured 3.7× (outages are less rare here: 0.077 h/yr).
    let r = weighted_matches_exact("3-of-5", &m, exact, 2.0);
    assert!(r.slo_windows_missed.as_ref().is_some_and(|f| f.estimate > 0.0), "{:?}", r.slo_windows_missed);
}

/// One replica in each of two regions, each region going down (0.2 a
/// year, 20 h) with its replica: a replica is up when it and its region
/// are, independently, so E[D] = ∫ (1 − a(t)·ρ(t))² dt; the region outages'
/// clocks are biased along with the replicas'.
#[test]
fn region_outages_are_biased_and_weighed_too() {
    let r = outages_biased(
        "two regions",
        "[regions.r1]\nzones = [\"a\"]\noutage = OUTAGE\n[regions.r2]\nzones = [\"b\"]\noutage = OUTAGE",
    );
    assert!(r.bias_threshold >= 1, "threshold {}", r.bias_threshold);
}

#[test]
fn zone_outages_are_biased_and_weighed_too() {
    let r = outages_biased("two zones", "[regions.r]\nzones = [\"a\", \"b\"]\nzone_outage = OUTAGE");
    assert!(r.bias_threshold >= 1, "threshold {}", r.bias_threshold);
}

/// Two servers (MTTF 5000 h, MTTR 10 h) in places `a` and `b` that each
/// have outages at 0.2 a year lasting an exponential 20 h (`places`
/// writes OUTAGE for them): the service is down while both are.
fn outages_biased(what: &str, places: &str) -> RareDowntime {
    let outage = r#"{ rate = "0.2/y", duration = { type = "exponential", mean = "20h" } }"#;
    let m = inline(&format!(
        "[simulation]\nhorizon = \"1y\"\ntrials = 1000\nseed = 37\n{}\n[components.server]\ncount = 2\nzones = [\"a\", \"b\"]\nmttf = \"5000h\"\nmttr = \"10h\"\n[services.app]\nup_when = {{ any = [\"server\"] }}\n",
        places.replace("OUTAGE", outage)
    ));
    let exact = structure_downtime(|t| {
        let u = avail_exp(5000.0, 10.0, t) * avail_exp(5.0 * 8760.0, 20.0, t);
        1.0 - (1.0 - u).powi(2)
    });
    // Variance cut measured 15× for regions; 4× when the outages' clocks
    // are left unbiased.
    weighted_matches_exact(what, &m, exact, 8.0)
}

/// Two pairs in series, one pair of two kinds of replica: a gate of gates,
/// whose distance is its cheapest child's (2 failures). E[D] = ∫ 1 −
/// (1 − (1 − a)²)(1 − (1 − b)²(1 − c)) dt, c a single unit in parallel
/// with the second pair (so the children's distances differ: 2 and 3).
#[test]
fn gates_of_gates_match_their_closed_form() {
    let m = inline(
        r#"
        [simulation]
        horizon = "1y"
        trials = 1000
        seed = 39
        [components.a]
        count = 2
        mttf = "4000h"
        mttr = "10h"
        [components.b]
        count = 2
        mttf = "1000h"
        mttr = "20h"
        [components.c]
        mttf = "2000h"
        mttr = "5h"
        [services.app]
        up_when = { all = [{ any = ["a"] }, { any = ["b", "c"] }] }
        "#,
    );
    let exact = structure_downtime(|t| {
        let (a, b, c) = (avail_exp(4000.0, 10.0, t), avail_exp(1000.0, 20.0, t), avail_exp(2000.0, 5.0, t));
        (1.0 - (1.0 - a).powi(2)) * (1.0 - (1.0 - b).powi(2) * (1.0 - c))
    });
    let r = weighted_matches_exact("gates of gates", &m, exact, 2.0);
    assert_eq!(r.distance_at_start, 2);
}

/// The same seed gives the same estimate on one thread and on two.
#[test]
fn weighted_estimates_do_not_depend_on_the_thread_count() {
    let m = shipped("four-by-five");
    let budget = Budget { target_re: 0.2, max_trials: 100_000 };
    let on = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| downtime::estimate(&m, &budget))
    };
    let (a, b) = (on(1), on(2));
    assert_eq!(a.trials, b.trials);
    assert_eq!(a.bias_threshold, b.bias_threshold);
    let bits = |r: &RareDowntime| r.downtime_hours.as_ref().map(|d| (d.estimate.to_bits(), d.std_error.to_bits()));
    assert_eq!(bits(&a), bits(&b));
}

/// A service that almost never goes down within the trials allowed (two
/// replicas, MTTF 10⁶ h, 10-hour trials) gets no figure, and says why.
#[test]
fn too_few_outages_are_refused() {
    let m = inline(
        r#"
        [simulation]
        horizon = "10h"
        trials = 1000
        seed = 7
        [components.server]
        count = 2
        mttf = "1000000h"
        mttr = "1h"
        [services.app]
        up_when = { any = ["server"] }
        "#,
    );
    let r = downtime::estimate(&m, &Budget { target_re: 0.05, max_trials: 20_000 });
    assert!(!r.reliable);
    // It stops within the cap: checks come every 4096 trials, and the next
    // would pass 20 000.
    assert_eq!(r.trials, 16_384);
    assert!(r.downtime_hours.is_none() && r.speedup.is_none());
    let why = r.refusal.expect("a refusal says why");
    assert!(why.contains("had an outage"), "{why}");
}
