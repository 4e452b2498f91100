//! Benchmarks of the simulation engine (issues "Core" §8 and "Performance").
//!
//! One criterion binary, one module per question:
//!
//! - [`reference`]: how fast could it be? Minimal hand-written loops for the
//!   2-of-3 model and the 4-zone × 5-instance model, with the same generator,
//!   the same per-unit stream seeding and the same `rand_distr` samplers as
//!   the engine. Before timing, the setup checks that each reference computes
//!   the same quantity as the engine (mean downtime and events per trial agree
//!   within a few standard errors over 20 000 trials), so the comparison is
//!   apples to apples.
//! - [`engine`]: the same two models through the scenario engine
//!   (`run_chunk` on one thread, and `run_trial` with a no-op observer to
//!   separate the event loop from the statistics it feeds).
//! - [`scaling_components`]: generated k-of-n models of 10 … 10 000 units.
//!   `dense`: every unit fails as often as in 2-of-3, so events per trial grow
//!   linearly with N and events/s should fall at most like log N (heap depth).
//!   `sparse`: MTTF grows with N so events per trial stay constant; this
//!   exposes the per-trial cost that is linear in N (seeding every unit).
//! - [`scaling_threads`]: `runner::run` on a rayon pool of 1 and 2 threads.
//! - [`primitives`]: what one event is made of: seeding a stream, one
//!   exponential draw, and one hold operation (pop the earliest event,
//!   schedule the next) on the engine's `EventQueue` and on std's
//!   `BinaryHeap`, with 3, 24 and 10 000 pending events.
//!
//! Throughput is reported as trials/s (`elem/s`) for the model benches and
//! events/s for the scaling benches. Run with `cargo bench`; one topic with
//! e.g. `cargo bench -- scaling_components`.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, criterion_group, criterion_main};
use nines::model::Model;
use std::path::Path;
use std::time::Duration;

/// Loads the (only) variant of a scenario shipped in `scenarios/`.
fn shipped(file: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    let mut s = nines::scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    s.variants.remove(0)
}

/// Modest timings so that the whole `cargo bench` takes a few minutes.
fn configure(group: &mut BenchmarkGroup<'_, WallTime>) {
    group.sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
}

/// Trials per iteration of the model benches (a few milliseconds each).
const TWO_OF_THREE_TRIALS: u64 = 2_000;
const FOUR_BY_FIVE_TRIALS: u64 = 200;

/// Ignores outages: the engine's event loop without the statistics.
struct Discard;

impl nines::engine::Observer for Discard {
    #[inline]
    fn outage(&mut self, _start: f64, _length: f64, _cause: u32) {}
}

/// Events per trial of `model`, from a short single-thread pre-run.
fn events_per_trial(model: &Model, trials: u64) -> f64 {
    let mut scratch = nines::engine::Scratch::new(model);
    let st = nines::runner::run_chunk(model, 0..trials, &mut scratch, None);
    st.events as f64 / st.trials as f64
}

pub mod reference {
    //! Hand-written simulations of the two benchmark models: fixed-size
    //! arrays, no model interpretation, no statistics beyond a sum.
    //!
    //! They use what the engine uses: `nines::rng::stream(seed, trial, key)`
    //! per unit (and per zone) per trial, with the keys the scenario compiler
    //! derives from the names, and `rand_distr::Exp` built from the same
    //! rates. Up/down alternation, the horizon cut (events after it are never
    //! scheduled) and the downtime sum follow the engine's semantics.

    use super::*;
    use nines::rng::{SimRng, stream, stream_key};
    use rand_distr::{Distribution, Exp};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

    /// What one trial produced.
    #[derive(Clone, Copy, Debug, Default)]
    pub struct Trial {
        /// Hours the service was down within the horizon.
        pub downtime: f64,
        /// Events processed (failures, repairs, zone outages and recoveries).
        pub events: u64,
    }

    /// Index of the earliest time (a next-event scan).
    #[inline]
    fn argmin<const N: usize>(next: &[f64; N]) -> (usize, f64) {
        let mut best = 0;
        for i in 1..N {
            if next[i] < next[best] {
                best = i;
            }
        }
        (best, next[best])
    }

    /// Three servers, MTTF 1000 h, MTTR 10 h (exponential); up while ≥ 2 are.
    pub struct TwoOfThree {
        seed: u64,
        keys: [u64; 3],
        ttf: Exp<f64>,
        ttr: Exp<f64>,
        horizon: f64,
    }

    impl TwoOfThree {
        /// The model of `scenarios/two-of-three.toml` under `seed`.
        pub fn new(seed: u64) -> Self {
            TwoOfThree {
                seed,
                keys: std::array::from_fn(|i| stream_key(&format!("component:server#{i}"))),
                ttf: Exp::new(1.0 / 1000.0).unwrap(),
                ttr: Exp::new(1.0 / 10.0).unwrap(),
                horizon: 8760.0,
            }
        }

        /// One year, simulated with a next-event scan over the three units.
        pub fn trial(&self, trial: u64) -> Trial {
            let mut rng: [SimRng; 3] = std::array::from_fn(|i| stream(self.seed, trial, self.keys[i]));
            let mut next: [f64; 3] = std::array::from_fn(|i| self.ttf.sample(&mut rng[i]));
            let mut failed = [false; 3];
            let mut up_count = 3;
            let mut out = Trial::default();
            let mut down_since = 0.0;
            loop {
                let (i, t) = argmin(&next);
                if t > self.horizon {
                    break;
                }
                out.events += 1;
                let was_up = up_count >= 2;
                if failed[i] {
                    failed[i] = false;
                    up_count += 1;
                    next[i] = t + self.ttf.sample(&mut rng[i]);
                } else {
                    failed[i] = true;
                    up_count -= 1;
                    next[i] = t + self.ttr.sample(&mut rng[i]);
                }
                let is_up = up_count >= 2;
                if was_up && !is_up {
                    down_since = t;
                } else if !was_up && is_up {
                    out.downtime += t - down_since;
                }
            }
            if up_count < 2 {
                out.downtime += self.horizon - down_since;
            }
            out
        }
    }

    const UNITS: usize = 20;
    const ZONES: usize = 4;
    const PROCS: usize = UNITS + ZONES;
    const NEED: u32 = 10;

    /// 20 instances round-robin over 4 zones (unit u in zone u % 4), MTTF
    /// 1000 h, MTTR 10 h; zone outages every 1 y for 4 h (exponential); up
    /// while ≥ 10 instances serve (not failed and their zone not out).
    pub struct FourByFive {
        seed: u64,
        unit_keys: [u64; UNITS],
        zone_keys: [u64; ZONES],
        ttf: Exp<f64>,
        ttr: Exp<f64>,
        zone_between: Exp<f64>,
        zone_length: Exp<f64>,
        horizon: f64,
    }

    /// State of one 4×5 trial, shared by the heap and scan loops.
    struct State {
        rng: [SimRng; PROCS],
        down: [bool; PROCS],
        serving: u32,
        out: Trial,
        down_since: f64,
    }

    impl FourByFive {
        /// The model of `scenarios/four-by-five.toml` under `seed`.
        pub fn new(seed: u64) -> Self {
            FourByFive {
                seed,
                unit_keys: std::array::from_fn(|i| stream_key(&format!("component:web#{i}"))),
                zone_keys: std::array::from_fn(|z| stream_key(&format!("zone:zone-{}", (b'a' + z as u8) as char))),
                ttf: Exp::new(1.0 / 1000.0).unwrap(),
                ttr: Exp::new(1.0 / 10.0).unwrap(),
                zone_between: Exp::new(1.0 / 8760.0).unwrap(),
                zone_length: Exp::new(1.0 / 4.0).unwrap(),
                horizon: 8760.0,
            }
        }

        /// Seeds the streams and draws every process's first event time.
        fn start(&self, trial: u64) -> (State, [f64; PROCS]) {
            let mut rng: [SimRng; PROCS] = std::array::from_fn(|p| {
                let key = if p < UNITS { self.unit_keys[p] } else { self.zone_keys[p - UNITS] };
                stream(self.seed, trial, key)
            });
            let first = std::array::from_fn(|p| {
                if p < UNITS { self.ttf.sample(&mut rng[p]) } else { self.zone_between.sample(&mut rng[p]) }
            });
            (State { rng, down: [false; PROCS], serving: UNITS as u32, out: Trial::default(), down_since: 0.0 }, first)
        }

        /// Applies the event of process `p` at `t`; returns its next time.
        #[inline]
        fn step(&self, s: &mut State, p: usize, t: f64) -> f64 {
            s.out.events += 1;
            let was_up = s.serving >= NEED;
            let down = !s.down[p];
            s.down[p] = down;
            let next = if p < UNITS {
                // A unit's failure matters only while its zone is up.
                if !s.down[UNITS + p % ZONES] {
                    if down {
                        s.serving -= 1;
                    } else {
                        s.serving += 1;
                    }
                }
                if down { self.ttr.sample(&mut s.rng[p]) } else { self.ttf.sample(&mut s.rng[p]) }
            } else {
                let z = p - UNITS;
                let alive = (z..UNITS).step_by(ZONES).filter(|&u| !s.down[u]).count() as u32;
                if down {
                    s.serving -= alive;
                    self.zone_length.sample(&mut s.rng[p])
                } else {
                    s.serving += alive;
                    self.zone_between.sample(&mut s.rng[p])
                }
            };
            let is_up = s.serving >= NEED;
            if was_up && !is_up {
                s.down_since = t;
            } else if !was_up && is_up {
                s.out.downtime += t - s.down_since;
            }
            t + next
        }

        fn finish(&self, mut s: State) -> Trial {
            if s.serving < NEED {
                s.out.downtime += self.horizon - s.down_since;
            }
            s.out
        }

        /// One year with a binary heap of (time, sequence, process). Times
        /// are non-negative, so their bit patterns order like the numbers.
        pub fn trial_heap(&self, trial: u64) -> Trial {
            let (mut s, first) = self.start(trial);
            let mut heap = BinaryHeap::with_capacity(PROCS);
            let mut seq = 0u32;
            for (p, &t) in first.iter().enumerate() {
                if t <= self.horizon {
                    heap.push(Reverse((t.to_bits(), seq, p as u8)));
                    seq += 1;
                }
            }
            while let Some(Reverse((bits, _, p))) = heap.pop() {
                let t = f64::from_bits(bits);
                let next = self.step(&mut s, p as usize, t);
                if next <= self.horizon {
                    heap.push(Reverse((next.to_bits(), seq, p)));
                    seq += 1;
                }
            }
            self.finish(s)
        }

        /// One year with a next-event scan over the 24 processes.
        pub fn trial_scan(&self, trial: u64) -> Trial {
            let (mut s, mut next) = self.start(trial);
            loop {
                let (p, t) = argmin(&next);
                if t > self.horizon {
                    break;
                }
                next[p] = self.step(&mut s, p, t);
            }
            self.finish(s)
        }
    }

    /// Mean and standard error of a sample, from running sums.
    #[derive(Default)]
    struct Mean {
        n: f64,
        sum: f64,
        sum_sq: f64,
    }

    impl Mean {
        fn add(&mut self, x: f64) {
            self.n += 1.0;
            self.sum += x;
            self.sum_sq += x * x;
        }
        fn mean(&self) -> f64 {
            self.sum / self.n
        }
        fn std_error(&self) -> f64 {
            let var = (self.sum_sq - self.sum * self.sum / self.n) / (self.n - 1.0);
            (var.max(0.0) / self.n).sqrt()
        }
    }

    /// Trials of the agreement check.
    const CHECK_TRIALS: u64 = 20_000;

    /// Asserts that a reference loop and the engine estimate the same mean
    /// downtime and the same events per trial (within 4 combined standard
    /// errors). It also counts the trials whose downtime and event count are
    /// bit-identical to the engine's: all of them as long as the engine seeds
    /// and draws its streams as it did when this was written; fewer is not
    /// an error (the engine may change how it draws), only the means matter.
    fn check_agreement(label: &str, model: &Model, trial: impl Fn(u64) -> Trial) {
        let mut scratch = nines::engine::Scratch::new(model);
        let engine = nines::runner::run_chunk(model, 0..CHECK_TRIALS, &mut scratch, None);
        let (mut down, mut events) = (Mean::default(), Mean::default());
        let mut identical = 0;
        for i in 0..CHECK_TRIALS {
            let t = trial(i);
            down.add(t.downtime);
            events.add(t.events as f64);
            let e = nines::engine::run_trial(model, i, &mut scratch, &mut Discard);
            if e.downtime.to_bits() == t.downtime.to_bits() && e.events == t.events {
                identical += 1;
            }
        }
        let years = model.horizon_years();
        let (e_mean, e_se) = (engine.downtime.mean() * years, engine.downtime.std_error() * years);
        let e_events = engine.events as f64 / engine.trials as f64;
        let tol = 4.0 * (down.std_error().powi(2) + e_se.powi(2)).sqrt();
        eprintln!(
            "reference check {label}: downtime h/trial engine {e_mean:.6} ± {e_se:.6}, reference {:.6} ± {:.6}; \
             events/trial engine {e_events:.3}, reference {:.3}; {identical}/{CHECK_TRIALS} trials bit-identical",
            down.mean(),
            down.std_error(),
            events.mean(),
        );
        assert!(
            (down.mean() - e_mean).abs() <= tol.max(1e-12),
            "{label}: reference mean downtime {} differs from the engine's {e_mean} by more than {tol}",
            down.mean()
        );
        // Events per trial are nearly Poisson: variance ≈ mean.
        let ev_tol = 4.0 * (2.0 * events.std_error().powi(2)).sqrt();
        assert!(
            (events.mean() - e_events).abs() <= ev_tol.max(1e-12),
            "{label}: reference events/trial {} differ from the engine's {e_events}",
            events.mean()
        );
    }

    /// Benchmarks the reference loops (after checking them against the engine).
    pub fn bench(c: &mut Criterion) {
        let two = shipped("two-of-three.toml");
        let four = shipped("four-by-five.toml");
        let r2 = TwoOfThree::new(two.seed);
        let r4 = FourByFive::new(four.seed);
        check_agreement("two-of-three", &two, |i| r2.trial(i));
        check_agreement("four-by-five (heap)", &four, |i| r4.trial_heap(i));
        check_agreement("four-by-five (scan)", &four, |i| r4.trial_scan(i));

        let mut g = c.benchmark_group("reference");
        configure(&mut g);
        g.throughput(criterion::Throughput::Elements(TWO_OF_THREE_TRIALS));
        g.bench_function("two-of-three", |b| {
            b.iter(|| (0..TWO_OF_THREE_TRIALS).map(|i| r2.trial(i).downtime).sum::<f64>())
        });
        g.throughput(criterion::Throughput::Elements(FOUR_BY_FIVE_TRIALS));
        g.bench_function("four-by-five/heap", |b| {
            b.iter(|| (0..FOUR_BY_FIVE_TRIALS).map(|i| r4.trial_heap(i).downtime).sum::<f64>())
        });
        g.bench_function("four-by-five/scan", |b| {
            b.iter(|| (0..FOUR_BY_FIVE_TRIALS).map(|i| r4.trial_scan(i).downtime).sum::<f64>())
        });
        g.finish();
    }
}

pub mod engine {
    //! The two benchmark models through the scenario engine, on one thread.
    //!
    //! `run_chunk` is what `nines run` does per chunk (trials plus the
    //! statistics). `run_trial` with the no-op `Discard` observer is the bare
    //! event loop, but it is monomorphised here, in the bench crate, where
    //! the engine's non-`#[inline]` helpers are not inlined (no LTO): when it
    //! is slower than `run_chunk`, that is why.

    use super::*;
    use nines::engine::{Scratch, run_trial};
    use nines::runner::run_chunk;

    /// Benchmarks `run_chunk` (what `nines run` does per chunk) and the bare
    /// `run_trial` loop for both models.
    pub fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("engine");
        configure(&mut g);
        for (file, trials) in [("two-of-three.toml", TWO_OF_THREE_TRIALS), ("four-by-five.toml", FOUR_BY_FIVE_TRIALS)] {
            let model = shipped(file);
            let name = file.trim_end_matches(".toml");
            eprintln!("engine {name}: {:.2} events/trial", events_per_trial(&model, 20_000));
            let mut scratch = Scratch::new(&model);
            g.throughput(criterion::Throughput::Elements(trials));
            g.bench_function(format!("{name}/run_chunk"), |b| {
                b.iter(|| run_chunk(&model, 0..trials, &mut scratch, None))
            });
            g.bench_function(format!("{name}/run_trial"), |b| {
                b.iter(|| (0..trials).map(|i| run_trial(&model, i, &mut scratch, &mut Discard).downtime).sum::<f64>())
            });
        }
        g.finish();
    }
}

pub mod scaling_components {
    //! Events/s as the model grows from 10 to 10 000 units (one k-of-n gate,
    //! k = n/2, over one component with `count = N`).

    use super::*;
    use nines::engine::Scratch;
    use nines::runner::run_chunk;

    /// A generated scenario of `n` units with the given MTTF.
    pub fn model(n: u64, mttf_hours: f64) -> Model {
        let text = format!(
            "[simulation]\nhorizon = \"1y\"\ntrials = 1\nseed = 7\n\n\
             [components.unit]\ncount = {n}\nmttf = \"{mttf_hours}h\"\nmttr = \"10h\"\n\n\
             [services.svc]\nup_when = {{ at_least = {k}, of = [\"unit\"] }}\n",
            k = n.div_ceil(2)
        );
        let mut s = nines::scenario::load_str(Path::new("generated.toml"), &text, &[]).expect("generated scenario");
        s.variants.remove(0)
    }

    /// Benchmarks `run_chunk` over generated models; throughput in events.
    pub fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("scaling_components");
        configure(&mut g);
        for n in [10u64, 100, 1_000, 10_000] {
            // dense: MTTF 1000 h for every N (≈ 17 events per unit-year);
            // sparse: MTTF 100·N h, ≈ 174 events per trial whatever N.
            for (kind, mttf, trials) in [("dense", 1000.0, (10_000 / n).max(1)), ("sparse", 100.0 * n as f64, 100)] {
                let m = model(n, mttf);
                let per_trial = events_per_trial(&m, (10 * trials).min(1000));
                let events = (per_trial * trials as f64).round() as u64;
                eprintln!("scaling_components {kind}/{n}: {per_trial:.1} events/trial, {trials} trials/iteration");
                let mut scratch = Scratch::new(&m);
                g.throughput(criterion::Throughput::Elements(events));
                g.bench_function(format!("{kind}/{n}"), |b| b.iter(|| run_chunk(&m, 0..trials, &mut scratch, None)));
            }
        }
        g.finish();
    }
}

pub mod scaling_threads {
    //! `runner::run` (chunks in parallel, merged in order) on 1 and 2 threads.

    use super::*;

    /// Benchmarks whole runs of both models on rayon pools of 1 and 2 threads.
    pub fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("scaling_threads");
        configure(&mut g);
        // Whole batches of 64 chunks of 512 trials for 2-of-3 (two batches),
        // 32 chunks for 4×5 (one batch, 16 chunks per thread).
        for (file, trials) in [("two-of-three.toml", 65_536u64), ("four-by-five.toml", 16_384)] {
            let mut model = shipped(file);
            model.trials = trials;
            let name = file.trim_end_matches(".toml");
            g.throughput(criterion::Throughput::Elements(trials));
            for threads in [1, 2] {
                let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("thread pool");
                g.bench_function(format!("{name}/{threads}"), |b| {
                    b.iter(|| pool.install(|| nines::runner::run(&model, &|_| {})))
                });
            }
        }
        g.finish();
    }
}

pub mod primitives {
    //! The parts of an event, each timed alone (throughput: operations).

    use super::*;
    use nines::queue::EventQueue;
    use nines::rng::{TrialSeed, stream, stream_key};
    use rand_distr::{Distribution, Exp};
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;
    use std::hint::black_box;

    /// Operations per iteration.
    const OPS: u64 = 10_000;

    /// Benchmarks seeding, sampling and queue hold operations.
    pub fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("primitives");
        configure(&mut g);
        g.measurement_time(Duration::from_secs(2));
        g.throughput(criterion::Throughput::Elements(OPS));
        let key = stream_key("component:server#0");
        g.bench_function("stream_seed", |b| {
            b.iter(|| {
                for t in 0..OPS {
                    black_box(stream(42, black_box(t), key));
                }
            })
        });
        // What the engine does per unit: the (seed, trial) part hashed once
        // per trial (`rng::TrialSeed`), then one hash and expansion per unit.
        let base = TrialSeed::new(42, 0);
        g.bench_function("stream_seed_per_trial", |b| {
            b.iter(|| {
                for k in 0..OPS {
                    black_box(base.stream(black_box(k)));
                }
            })
        });
        let exp = Exp::new(1.0 / 1000.0).unwrap();
        let mut rng = stream(42, 0, key);
        g.bench_function("exp_sample", |b| b.iter(|| (0..OPS).map(|_| exp.sample(&mut rng)).sum::<f64>()));
        // Hold: pop the earliest, schedule it again a random time later.
        let steps: Vec<f64> = (0..4096).map(|_| exp.sample(&mut rng)).collect();
        for n in [3usize, 24, 10_000] {
            let mut q = EventQueue::new();
            for (i, &d) in steps.iter().cycle().take(n).enumerate() {
                q.schedule(d, i as u32);
            }
            let mut k = 0;
            g.bench_function(format!("hold/EventQueue/{n}"), |b| {
                b.iter(|| {
                    for _ in 0..OPS {
                        let (t, e) = q.pop().expect("pending");
                        k = (k + 1) & 4095;
                        q.schedule(t + steps[k], e);
                    }
                })
            });
            let mut h: BinaryHeap<Reverse<(u64, u32)>> =
                steps.iter().cycle().take(n).enumerate().map(|(i, d)| Reverse((d.to_bits(), i as u32))).collect();
            g.bench_function(format!("hold/BinaryHeap-replace-top/{n}"), |b| {
                b.iter(|| {
                    for _ in 0..OPS {
                        let mut top = h.peek_mut().expect("pending");
                        k = (k + 1) & 4095;
                        let Reverse((bits, e)) = *top;
                        *top = Reverse(((f64::from_bits(bits) + steps[k]).to_bits(), e));
                    }
                })
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    // Criterion draws its reports with plotters, which nines builds with
    // embedded fonts only (feature ab_glyph): register them first.
    config = {
        nines::plot::register_fonts();
        Criterion::default()
    };
    targets = reference::bench, engine::bench, scaling_components::bench, scaling_threads::bench, primitives::bench
}
criterion_main!(benches);
