//! Running a scenario: loading it with the command line's overrides,
//! choosing variants, the thread pool, progress and timing, and the
//! parallel loop that folds trials into per-variant accumulators.
//!
//! Trials are grouped into fixed chunks of [`CHUNK_TRIALS`] consecutive
//! trial indices; each chunk is folded into its own [`VariantStats`] on some
//! worker, and the chunks are merged in chunk order, so the output does not
//! depend on the number of threads. Every command that simulates (`run`,
//! `sweep`, and what later builds on partial results) goes through here.

use crate::engine::{self, Scratch, TrialSummary};
use crate::error::Error;
use crate::model::Model;
use crate::progress::Progress;
use crate::rare::Effort;
use crate::report::{Comparison, Report, Timing, VariantReport};
use crate::scenario::{self, Scenario};
use crate::stats::{PairStats, VariantStats};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Trials per chunk. Fixed, so that chunk boundaries (and hence merge order
/// and every printed digit) do not depend on the thread count.
pub const CHUNK_TRIALS: u64 = 512;

/// Chunks simulated between two merges: bounds memory whatever the trials.
const CHUNKS_PER_BATCH: u64 = 64;

/// What a simulating command was asked for, whatever its command line.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Scenario file.
    pub file: PathBuf,
    /// Trials per variant (overrides `simulation.trials`).
    pub trials: Option<u64>,
    /// Seed (overrides `simulation.seed`).
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    pub threads: Option<usize>,
    /// Only these variants (all when empty).
    pub variants: Vec<String>,
    /// No progress bar.
    pub quiet: bool,
    /// Relative error (95% half-width / estimate) rare-event estimates
    /// run to (default 10% for durability, 1% for `rare`).
    pub target_re: Option<f64>,
    /// Also estimate each variant's downtime by importance sampling.
    pub rare: bool,
}

/// Runs trials `range` of `model` into one accumulator; with `trials`,
/// also keeps each trial's summary (for per-trial exports).
pub fn run_chunk(
    model: &Model,
    range: std::ops::Range<u64>,
    scratch: &mut Scratch,
    mut trials: Option<&mut Vec<TrialSummary>>,
) -> VariantStats {
    let mut acc = VariantStats::new(model);
    for trial in range {
        let t = engine::run_trial(model, trial, scratch, &mut acc);
        acc.record_trial(model, &t, &scratch.bucket_trial());
        if let Some(v) = trials.as_deref_mut() {
            v.push(t);
        }
    }
    acc
}

/// What the trials of several variants, run side by side, add up to.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Per variant, in the order given.
    pub stats: Vec<VariantStats>,
    /// Per pair of variants, their trial-by-trial differences.
    pub pairs: Vec<PairStats>,
}

/// Above this many variants only the pairs with the first are compared.
const MAX_ALL_PAIRS: usize = 12;

/// The pairs of variants compared: all of them, or with many variants
/// each against the first.
fn pairs(n: usize) -> Vec<(usize, usize)> {
    if n > MAX_ALL_PAIRS {
        return (1..n).map(|b| (0, b)).collect();
    }
    (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).collect()
}

/// Per worker: a scratch and a buffer of trial summaries per variant.
struct Worker {
    scratch: Vec<Scratch>,
    trials: Vec<Vec<TrialSummary>>,
}

/// What one chunk of trials gave, for every variant.
struct ChunkOut {
    stats: Vec<VariantStats>,
    pairs: Vec<PairStats>,
    /// The chunk's trial summaries, per variant, when a sink wants them.
    trials: Option<Vec<Vec<TrialSummary>>>,
}

fn run_one_chunk(models: &[&Model], pairs: &[(usize, usize)], w: &mut Worker, c: u64, keep: bool) -> ChunkOut {
    let start = c * CHUNK_TRIALS;
    let stats = models
        .iter()
        .enumerate()
        .map(|(v, m)| {
            let range = start.min(m.trials)..(start + CHUNK_TRIALS).min(m.trials);
            w.trials[v].clear();
            run_chunk(m, range, &mut w.scratch[v], Some(&mut w.trials[v]))
        })
        .collect();
    let pairs = pairs
        .iter()
        .map(|&(a, b)| {
            let mut p = PairStats::new(a, b);
            let (ya, yb) = (models[a].horizon_years(), models[b].horizon_years());
            for (ta, tb) in w.trials[a].iter().zip(&w.trials[b]) {
                p.add(ta.downtime / ya - tb.downtime / yb);
            }
            p
        })
        .collect();
    ChunkOut { stats, pairs, trials: keep.then(|| w.trials.clone()) }
}

/// A sink for every trial's summary: called with the variant's index and
/// consecutive trials of it, in trial order for each variant.
pub type TrialSink<'a> = &'a mut (dyn FnMut(usize, &[TrialSummary]) -> Result<(), Error> + Send);

/// Runs every trial of every model side by side on the current rayon pool:
/// chunk `c` of every variant runs on the same worker, so trial `k` of two
/// variants (which share their random numbers) can be compared. Progress
/// is told of trials done (and of events as they happen); `sink`, if given,
/// receives every trial's summary, in trial order per variant, while memory
/// stays bounded.
pub fn run_side_by_side(
    models: &[&Model],
    progress: Option<&Progress>,
    mut sink: Option<TrialSink<'_>>,
) -> Result<Outcome, Error> {
    let chunks = models.iter().map(|m| m.trials.div_ceil(CHUNK_TRIALS)).max().unwrap_or(0);
    let pairs = pairs(models.len());
    let mut total = Outcome {
        stats: models.iter().map(|m| VariantStats::new(m)).collect(),
        pairs: pairs.iter().map(|&(a, b)| PairStats::new(a, b)).collect(),
    };
    let counter = progress.map(Progress::event_counter);
    let keep = sink.is_some();
    // A first small batch (a chunk per worker) gives an early estimate of
    // the run's length; then larger ones. Batches do not change results:
    // chunks are merged in chunk order.
    let mut batch = (rayon::current_num_threads() as u64).max(1);
    let mut first = 0;
    while first < chunks {
        let last = (first + batch).min(chunks);
        let parts: Vec<ChunkOut> = (first..last)
            .into_par_iter()
            .map_init(
                || {
                    let mut scratch: Vec<Scratch> = models.iter().map(|m| Scratch::new(m)).collect();
                    if let Some(c) = &counter {
                        scratch.iter_mut().for_each(|s| s.count_events(c.clone()));
                    }
                    Worker { scratch, trials: vec![Vec::with_capacity(CHUNK_TRIALS as usize); models.len()] }
                },
                |w, c| run_one_chunk(models, &pairs, w, c, keep),
            )
            .collect();
        for part in parts {
            for (t, s) in total.stats.iter_mut().zip(&part.stats) {
                t.merge(s);
            }
            for (t, p) in total.pairs.iter_mut().zip(&part.pairs) {
                t.merge(p);
            }
            if let (Some(sink), Some(trials)) = (sink.as_deref_mut(), &part.trials) {
                for (v, t) in trials.iter().enumerate() {
                    sink(v, t)?;
                }
            }
        }
        if let Some(p) = progress {
            p.set_position(total.stats.iter().map(|s| s.trials).sum());
        }
        first = last;
        batch = CHUNKS_PER_BATCH;
    }
    Ok(total)
}

/// Runs all trials of `model` on the current rayon pool; `progress` is
/// called with the number of trials done after each batch.
pub fn run(model: &Model, progress: &(dyn Fn(u64) + Sync)) -> VariantStats {
    run_keeping_trials(model, progress, false).0
}

/// Like [`run`], and with `keep` also returns every trial's summary in
/// trial order (memory grows with trials: for tests and small exports).
pub fn run_keeping_trials(
    model: &Model,
    progress: &(dyn Fn(u64) + Sync),
    keep: bool,
) -> (VariantStats, Vec<TrialSummary>) {
    let mut kept = Vec::new();
    let mut sink = |_: usize, t: &[TrialSummary]| {
        kept.extend_from_slice(t);
        Ok(())
    };
    let outcome =
        run_side_by_side(&[model], None, keep.then_some(&mut sink as TrialSink<'_>)).expect("keeping never fails");
    let stats = outcome.stats.into_iter().next().expect("one model");
    progress(stats.trials);
    (stats, kept)
}

fn unknown_variant(s: &Scenario, want: &str) -> Error {
    let known: Vec<&str> = s.variants.iter().map(|m| m.variant.as_str()).collect();
    Error::Usage(format!("no variant {want:?} in {}: known: {}", s.path.display(), known.join(", ")))
}

/// The variant named `name`, or the first when `None`.
pub fn find_variant<'a>(s: &'a Scenario, name: Option<&str>) -> Result<&'a Model, Error> {
    match name {
        None => Ok(&s.variants[0]),
        Some(name) => s.variants.iter().find(|m| m.variant == name).ok_or_else(|| unknown_variant(s, name)),
    }
}

/// Keeps only the variants named (all when `names` is empty).
pub fn select_variants(s: &mut Scenario, names: &[String]) -> Result<(), Error> {
    if names.is_empty() {
        return Ok(());
    }
    if let Some(want) = names.iter().find(|w| !s.variants.iter().any(|m| &&m.variant == w)) {
        return Err(unknown_variant(s, want));
    }
    s.variants.retain(|m| names.contains(&m.variant));
    Ok(())
}

/// A rayon pool of `threads` workers (default: all cores); returns it and
/// its size.
pub fn thread_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize), Error> {
    let threads = match threads {
        Some(0) => return Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {threads} threads: {e}")))?;
    Ok((pool, threads))
}

/// Runs every variant of `s` side by side on `pool` and builds their
/// reports (with the paired comparisons); `sink` receives every trial.
pub fn run_variants(
    s: &Scenario,
    pool: &rayon::ThreadPool,
    progress: &Progress,
    sink: Option<TrialSink<'_>>,
    effort: &Effort,
) -> Result<(Vec<VariantReport>, Vec<Comparison>), Error> {
    let models: Vec<&Model> = s.variants.iter().collect();
    progress.set_message(match models.len() {
        1 => models[0].variant.clone(),
        n => format!("{n} variants"),
    });
    let outcome = pool.install(|| run_side_by_side(&models, Some(progress), sink))?;
    let mut reports: Vec<VariantReport> =
        models.iter().zip(&outcome.stats).map(|(m, st)| VariantReport::new(m, st)).collect();
    // Durability: its own pass per variant, on its own random streams.
    for (m, r) in models.iter().zip(&mut reports) {
        if !m.data_groups.is_empty() {
            progress.set_message(format!("{}: durability", m.variant));
            r.durability = pool.install(|| crate::durability::estimate_all(m, effort));
        }
    }
    let comparisons = outcome.pairs.iter().map(|p| Comparison::new(&models, p)).collect();
    Ok((reports, comparisons))
}

/// Wall time and speed of a run that began at `start`.
pub fn timing(start: Instant, threads: usize, trials: u64, reports: &[VariantReport]) -> Timing {
    let wall = start.elapsed().as_secs_f64();
    let events: u64 = reports.iter().map(|r| r.events).sum();
    Timing {
        threads,
        wall_seconds: wall,
        trials_per_second: trials as f64 / wall,
        events_per_second: events as f64 / wall,
    }
}

/// Loads the scenario with the command line's overrides applied.
pub fn load_with_overrides(file: &Path, trials: Option<u64>, seed: Option<u64>) -> Result<Scenario, Error> {
    let text = scenario::read(file)?;
    scenario::load_str(file, &text, &base_overrides(trials, seed)?)
}

/// `--trials` and `--seed` as scenario overrides.
pub fn base_overrides(trials: Option<u64>, seed: Option<u64>) -> Result<Vec<(&'static str, toml::Value)>, Error> {
    let mut overrides = Vec::new();
    if let Some(t) = trials {
        if t == 0 {
            return Err(Error::Usage("--trials must be at least 1".into()));
        }
        overrides.push(("simulation.trials", toml::Value::Integer(i64::try_from(t).unwrap_or(i64::MAX))));
    }
    if let Some(s) = seed {
        // As digits: a TOML integer stops at 2^63 - 1, and this value is valid.
        overrides.push(("simulation.seed", toml::Value::String(s.to_string())));
    }
    Ok(overrides)
}

/// Runs every selected variant and builds the report; `sink`, if given,
/// receives every trial's summary as it is simulated.
pub fn simulate(opts: &RunOptions, sink: Option<TrialSink<'_>>) -> Result<(Scenario, Report), Error> {
    let mut s = load_with_overrides(&opts.file, opts.trials, opts.seed)?;
    select_variants(&mut s, &opts.variants)?;
    let (pool, threads) = thread_pool(opts.threads)?;
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let progress = Progress::new(total, !opts.quiet);
    let start = Instant::now();
    let effort = Effort { target_re: opts.target_re.unwrap_or(Effort::default().target_re), ..Effort::default() };
    let (mut reports, comparisons) = run_variants(&s, &pool, &progress, sink, &effort)?;
    if opts.rare {
        let budget = crate::downtime::Budget {
            target_re: opts.target_re.unwrap_or(crate::downtime::Budget::default().target_re),
            ..Default::default()
        };
        for (m, r) in s.variants.iter().zip(&mut reports) {
            progress.set_message(format!("{}: rare-event downtime", m.variant));
            r.rare_downtime = Some(pool.install(|| crate::downtime::estimate(m, &budget)));
        }
    }
    progress.finish();
    let timing = timing(start, threads, total, &reports);
    let report = Report::new(&s, &opts.file.display().to_string(), reports, comparisons, timing);
    Ok((s, report))
}
