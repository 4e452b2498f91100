//! Benchmarks of the rare-event estimators (issue "Durability by
//! simulation", Performance).
//!
//! - [`durability`]: the time one estimate takes to reach a 10% relative
//!   error (95% half-width / estimate) on one thread, for a 17+3 erasure-
//!   coded group (AFR 0.4%, rebuild a week) and for three Weibull replicas
//!   across three zones whose outages sometimes destroy them. Each
//!   iteration is a whole estimate; the estimate and its relative error are
//!   printed once before timing.
//! - [`downtime`]: four-by-five, plain trials against importance-sampled
//!   trials (`nines run --rare`), both on one thread. Before timing, each
//!   runs for about the same CPU time and its mean downtime's variance ×
//!   CPU seconds (work-normalised variance) is printed with their ratio;
//!   criterion then times a fixed batch of each, so the per-trial costs are
//!   measured in the same run.
//!
//! Run with `cargo bench --bench rare`.

use criterion::{Criterion, criterion_group, criterion_main};
use nines::model::Model;
use nines::rare::Effort;
use std::path::Path;
use std::time::{Duration, Instant};

fn inline(text: &str) -> Model {
    nines::scenario::load_str(Path::new("bench.toml"), text, &[]).unwrap_or_else(|e| panic!("{e}")).variants.remove(0)
}

/// One thread, so "seconds" are CPU seconds on one core.
fn one_thread() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("a pool")
}

mod durability {
    use super::*;

    const HOST: &str = r#"
[simulation]
horizon = "1y"
trials = 10
seed = 7

[components.host]
mttf = "1000h"
mttr = "1h"

[services.s]
up_when = "host"
"#;

    /// 17+3, AFR 0.4%, rebuild one week (fixed): about 3e-11 a year.
    pub fn erasure_17_3() -> Model {
        inline(&format!("{HOST}\n[datasets.d]\nscheme = \"17+3\"\nafr = \"0.4%\"\nrebuild = \"7d\"\nsize = \"1TB\"\n"))
    }

    /// Three replicas in three zones, Weibull (shape 2) devices, zone
    /// outages twice a year of which 0.1% destroy the zone's copy.
    pub fn weibull_zones() -> Model {
        inline(&format!(
            r#"{HOST}
[regions.r]
zones = ["a", "b", "c"]
zone_outage = {{ rate = "2/y", duration = "4h", destroy_probability = "0.1%" }}

[datasets.d]
scheme = "3 replicas"
zones = ["a", "b", "c"]
failure = {{ type = "weibull", shape = 2.0, mean = "30y" }}
rebuild = {{ type = "lognormal", median = "12h", p90 = "36h" }}
zone_rebuild = "7d"
size = "1TB"
"#
        ))
    }

    pub fn bench(c: &mut Criterion) {
        let pool = one_thread();
        let effort = Effort { target_re: 0.10, ..Effort::default() };
        let mut g = c.benchmark_group("durability");
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
        for (name, m) in [("17+3 afr 0.4% rebuild 7d", erasure_17_3()), ("3 replicas weibull zones", weibull_zones())] {
            let start = Instant::now();
            let r = pool.install(|| nines::durability::estimate(&m, &m.data_groups[0], &effort));
            let p = r.loss_probability.as_ref();
            eprintln!(
                "durability/{name}: P(loss in 1y) = {:.3e}, relative error {:.1}%, {} in {:.2} s on one thread",
                p.map_or(f64::NAN, |p| p.estimate),
                100.0 * p.map_or(f64::NAN, |p| p.relative_error),
                r.estimator.method,
                start.elapsed().as_secs_f64()
            );
            g.bench_function(name, |b| {
                b.iter(|| pool.install(|| nines::durability::estimate(&m, &m.data_groups[0], &effort)))
            });
        }
        g.finish();
    }
}

mod downtime {
    use super::*;
    use nines::downtime::{Budget, weighted_trials};
    use nines::engine::{self, Observer, Scratch};
    // CPU time of this thread: other work on the machine does not count.

    struct Discard;

    impl Observer for Discard {
        fn outage(&mut self, _: f64, _: f64, _: u32) {}
    }

    fn four_by_five() -> Model {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/four-by-five.toml");
        nines::scenario::load(&path).unwrap_or_else(|e| panic!("{e}")).variants.remove(0)
    }

    /// Variance of the mean of `xs` (s² / n).
    fn var_of_mean(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var / n)
    }

    /// Plain trials `from..to`, one thread: per-trial downtime (h/yr).
    fn plain(m: &Model, range: std::ops::Range<u64>) -> Vec<f64> {
        let mut s = Scratch::new(m);
        let years = m.horizon_years();
        range.map(|k| engine::run_trial(m, k, &mut s, &mut Discard).downtime / years).collect()
    }

    pub fn bench(c: &mut Criterion) {
        let m = four_by_five();
        let pool = one_thread();
        let threshold = pool.install(|| nines::downtime::bias_threshold(&m));
        let years = m.horizon_years();
        // Equal CPU time: 30 s of plain trials, then weighted trials for the
        // same time.
        let budget = 30.0;
        let start = cpu_time::ThreadTime::now();
        let mut values = Vec::new();
        while start.elapsed().as_secs_f64() < budget {
            let k = values.len() as u64;
            values.extend(plain(&m, k..k + 20_000));
        }
        let plain_cpu = start.elapsed().as_secs_f64();
        let (pm, pv) = var_of_mean(&values);
        let start = cpu_time::ThreadTime::now();
        let mut weighted = Vec::new();
        while start.elapsed().as_secs_f64() < plain_cpu {
            let k = weighted.len() as u64;
            weighted.extend(
                weighted_trials(&m, threshold, k..k + 4_096).iter().map(|t| t.weight * t.summary.downtime / years),
            );
        }
        let is_cpu = start.elapsed().as_secs_f64();
        let (wm, wv) = var_of_mean(&weighted);
        eprintln!(
            "downtime/four-by-five: plain {pm:.3e} h/yr (RE {:.1}%, {} trials, {plain_cpu:.1} s), weighted {wm:.3e} h/yr (RE {:.2}%, {} trials, {is_cpu:.1} s); work-normalised variance plain/weighted = {:.1}×",
            100.0 * 1.96 * pv.sqrt() / pm,
            values.len(),
            100.0 * 1.96 * wv.sqrt() / wm,
            weighted.len(),
            (pv * plain_cpu) / (wv * is_cpu)
        );
        let r = pool.install(|| nines::downtime::estimate(&m, &Budget { target_re: 0.01, ..Budget::default() }));
        eprintln!(
            "downtime/four-by-five --rare to 1%: {:.4e} h/yr, RE {:.2}%, {} trials, {:.1} CPU s; reported speed-up {:.1}×",
            r.downtime_hours.as_ref().map_or(f64::NAN, |d| d.estimate),
            100.0 * r.downtime_hours.as_ref().map_or(f64::NAN, |d| d.relative_error),
            r.trials,
            r.cpu_seconds,
            r.speedup.unwrap_or(f64::NAN)
        );
        let mut g = c.benchmark_group("downtime");
        g.sample_size(10).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
        g.throughput(criterion::Throughput::Elements(4_096));
        g.bench_function("four-by-five plain 4096 trials", |b| b.iter(|| plain(&m, 0..4_096)));
        g.bench_function("four-by-five weighted 4096 trials", |b| b.iter(|| weighted_trials(&m, threshold, 0..4_096)));
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = {
        nines::plot::register_fonts();
        Criterion::default()
    };
    targets = durability::bench, downtime::bench
}
criterion_main!(benches);
