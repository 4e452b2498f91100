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
use crate::report::{Report, Timing, VariantReport};
use crate::scenario::{self, Scenario};
use crate::stats::VariantStats;
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

/// Runs all trials of `model` on the current rayon pool; `progress` is
/// called with the number of trials done after each batch.
pub fn run(model: &Model, progress: &(dyn Fn(u64) + Sync)) -> VariantStats {
    run_keeping_trials(model, progress, false).0
}

/// Like [`run`], and with `keep` also returns every trial's summary in
/// trial order (memory grows with trials: for exports only).
pub fn run_keeping_trials(
    model: &Model,
    progress: &(dyn Fn(u64) + Sync),
    keep: bool,
) -> (VariantStats, Vec<TrialSummary>) {
    let chunks = model.trials.div_ceil(CHUNK_TRIALS);
    let mut total = VariantStats::new(model);
    let mut kept = Vec::new();
    let mut first = 0;
    while first < chunks {
        let last = (first + CHUNKS_PER_BATCH).min(chunks);
        let parts: Vec<(VariantStats, Vec<TrialSummary>)> = (first..last)
            .into_par_iter()
            .map_init(
                || Scratch::new(model),
                |scratch, c| {
                    let start = c * CHUNK_TRIALS;
                    let mut trials = Vec::new();
                    let range = start..(start + CHUNK_TRIALS).min(model.trials);
                    let stats = run_chunk(model, range, scratch, keep.then_some(&mut trials));
                    (stats, trials)
                },
            )
            .collect();
        for (stats, trials) in parts {
            total.merge(&stats);
            kept.extend(trials);
        }
        progress(total.trials);
        first = last;
    }
    (total, kept)
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

/// Runs every variant of `s` on `pool`, advancing `progress` from
/// `done_before`; with `keep`, also returns each variant's trials.
pub fn run_variants(
    s: &Scenario,
    pool: &rayon::ThreadPool,
    progress: &Progress,
    done_before: u64,
    keep: bool,
) -> (Vec<VariantReport>, Vec<Vec<TrialSummary>>) {
    let mut reports = Vec::new();
    let mut kept = Vec::new();
    let mut before = done_before;
    for m in &s.variants {
        progress.set_message(m.variant.clone());
        let (stats, trials) =
            pool.install(|| run_keeping_trials(m, &|done| progress.set_position(before + done), keep));
        before += m.trials;
        reports.push(VariantReport::new(m, &stats));
        kept.push(trials);
    }
    (reports, kept)
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

/// Runs every selected variant and builds the report.
pub fn simulate(opts: &RunOptions) -> Result<Report, Error> {
    simulate_keeping(opts, false).map(|r| r.1)
}

/// [`simulate`], also returning the scenario and, with `keep`, every
/// variant's per-trial summaries in trial order.
pub fn simulate_keeping(opts: &RunOptions, keep: bool) -> Result<(Scenario, Report, Vec<Vec<TrialSummary>>), Error> {
    let mut s = load_with_overrides(&opts.file, opts.trials, opts.seed)?;
    select_variants(&mut s, &opts.variants)?;
    let (pool, threads) = thread_pool(opts.threads)?;
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let progress = Progress::new(total, !opts.quiet);
    let start = Instant::now();
    let (reports, trials) = run_variants(&s, &pool, &progress, 0, keep);
    progress.finish();
    let timing = timing(start, threads, total, &reports);
    let report = Report::new(&s, &opts.file.display().to_string(), reports, timing);
    Ok((s, report, trials))
}
