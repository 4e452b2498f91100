//! Running a scenario: loading it with the command line's overrides,
//! choosing variants, the thread pool, progress and timing, and the
//! parallel loop that folds trials into per-variant accumulators.
//!
//! Trials are grouped into fixed chunks of [`CHUNK_TRIALS`] consecutive
//! trial indices; each chunk is folded into its own [`VariantStats`] on some
//! worker, and the chunks are merged in chunk order, so the output does not
//! depend on the number of threads. Every command that simulates (`run`,
//! `sweep`, and what later builds on partial results) goes through here.

use crate::dist::Draw;
use crate::engine::{self, Scratch, TrialSummary};
use crate::error::Error;
use crate::exact::twin;
use crate::model::Model;
use crate::progress::Progress;
use crate::rare::Effort;
use crate::report::precision::{self, Levers, Metric, Stopping, TwinReport};
use crate::report::{Comparison, Report, Timing, VariantReport};
use crate::scenario::{self, Scenario};
use crate::stats::control::ControlStats;
use crate::stats::{PairStats, VariantStats};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
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
    /// Relative error (95% half-width / estimate) to run to: the
    /// availability pass stops (in whole chunks) once `target` reaches it
    /// in every variant; rare-event estimates run to it (default 10% for
    /// durability, 1% for `rare`).
    pub target_re: Option<f64>,
    /// Also estimate each variant's downtime by importance sampling.
    pub rare: bool,
    /// The figure `target_re` applies to in the availability pass.
    pub target: Metric,
    /// Stop the availability pass after the batch during which this much
    /// wall time has passed.
    pub time_budget: Option<std::time::Duration>,
    /// Variance reduction: control variates, antithetic pairs.
    pub levers: Levers,
    /// Run only shard `index` of `count` (contiguous ranges of whole chunks).
    pub shard: Option<Shard>,
}

/// One of `count` contiguous ranges of whole chunks, numbered from 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// Which, from 0.
    pub index: u64,
    /// How many.
    pub count: u64,
}

impl Shard {
    /// Its chunks among `chunks`: ⌊i·C/N⌋ to ⌊(i+1)·C/N⌋.
    pub fn chunks(&self, chunks: u64) -> std::ops::Range<u64> {
        let at = |i: u64| (u128::from(i) * u128::from(chunks) / u128::from(self.count)) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// Trials run with `--target-re` or `--time-budget` when `--trials` does
/// not bound them.
pub const STOPPING_CAP: u64 = 100_000_000;

/// Chunks a stopping rule sees before it may stop a run (8192 trials), so
/// that an early, lucky interval does not end it.
pub const MIN_STOPPING_CHUNKS: u64 = 16;

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
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Outcome {
    /// Per variant, in the order given.
    pub stats: Vec<VariantStats>,
    /// Per pair of variants, their trial-by-trial differences.
    pub pairs: Vec<PairStats>,
    /// Per variant, the sums of variance reduction (when it is on).
    pub controls: Vec<Option<ControlStats>>,
    /// The chunks merged, in order.
    pub chunks: std::ops::Range<u64>,
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

/// How one variant's trials are drawn: its model, and for variance
/// reduction the antithetic mirror and the exact twin (and its mirror).
#[derive(Clone, Copy, Debug)]
pub struct Lane<'a> {
    /// The model whose figures are reported (its laws drawn by inversion
    /// when variance reduction is on).
    pub main: &'a Model,
    /// The mirror of `main` (antithetic pairs: trial 2j runs `main` and
    /// trial 2j + 1 runs this, both on the streams of trial j).
    pub mirror: Option<&'a Model>,
    /// The exact twin (control variate) and its mirror.
    pub twin: Option<&'a Model>,
    /// See `twin`.
    pub twin_mirror: Option<&'a Model>,
}

impl<'a> Lane<'a> {
    /// A plain lane: `model` as it is.
    pub fn plain(model: &'a Model) -> Self {
        Lane { main: model, mirror: None, twin: None, twin_mirror: None }
    }

    fn reduces(&self) -> bool {
        self.mirror.is_some() || self.twin.is_some()
    }
}

/// Which chunks to run, and when to stop early.
pub struct Schedule<'s> {
    /// Chunk indices to run (all: `0..chunks`; a shard: its range).
    pub chunks: std::ops::Range<u64>,
    /// Checked after each chunk is merged, in chunk order (so the stopping
    /// point does not depend on the thread count): true stops the run.
    pub stop: Option<&'s (dyn Fn(&Outcome) -> bool + Sync)>,
    /// Stop after the batch during which this instant passed.
    pub deadline: Option<Instant>,
}

impl Schedule<'_> {
    /// Every chunk of `models`.
    pub fn all(models: &[&Model]) -> Self {
        let chunks = models.iter().map(|m| m.trials.div_ceil(CHUNK_TRIALS)).max().unwrap_or(0);
        Schedule { chunks: 0..chunks, stop: None, deadline: None }
    }
}

/// Per worker: scratches (per variant: its own, and its twin's) and a
/// buffer of trial summaries per variant.
struct Worker {
    scratch: Vec<Scratch>,
    twin_scratch: Vec<Option<Scratch>>,
    trials: Vec<Vec<TrialSummary>>,
}

/// What one chunk of trials gave, for every variant.
struct ChunkOut {
    stats: Vec<VariantStats>,
    pairs: Vec<PairStats>,
    controls: Vec<Option<ControlStats>>,
    /// The chunk's trial summaries, per variant, when a sink wants them.
    trials: Option<Vec<Vec<TrialSummary>>>,
}

/// Sees nothing: a twin's trial needs only its summary.
struct Blind;

impl engine::Observer for Blind {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
}

/// Runs chunk `c` of one lane into `acc` (and the control sums).
fn run_lane_chunk(
    lane: &Lane<'_>,
    range: std::ops::Range<u64>,
    w: &mut Worker,
    v: usize,
) -> (VariantStats, Option<ControlStats>) {
    let m = lane.main;
    let mut acc = VariantStats::new(m);
    let mut control = lane.reduces().then(ControlStats::default);
    let years = m.horizon_years();
    let paired = lane.mirror.is_some();
    for k in range {
        let (index, mirrored) = if paired { (k / 2, k % 2 == 1) } else { (k, false) };
        let model = if mirrored { lane.mirror.expect("paired") } else { m };
        let t = engine::run_trial(model, index, &mut w.scratch[v], &mut acc);
        acc.record_trial(m, &t, &w.scratch[v].bucket_trial());
        if let Some(c) = control.as_mut() {
            let twin = match (lane.twin, mirrored) {
                (None, _) => 0.0,
                (Some(tw), false) => run_twin(tw, index, w, v),
                (Some(_), true) => run_twin(lane.twin_mirror.expect("mirrored twin"), index, w, v),
            };
            let slo = if t.slo_windows > 0 { f64::from(t.slo_windows_met) / f64::from(t.slo_windows) } else { 0.0 };
            c.add_trial(t.downtime / years, twin, slo, paired);
        }
        w.trials[v].push(t);
    }
    (acc, control)
}

/// The twin's downtime in trial `index`, hours per year.
fn run_twin(twin: &Model, index: u64, w: &mut Worker, v: usize) -> f64 {
    let s = w.twin_scratch[v].get_or_insert_with(|| Scratch::new(twin));
    engine::run_trial(twin, index, s, &mut Blind).downtime / twin.horizon_years()
}

fn run_one_chunk(lanes: &[Lane<'_>], pairs: &[(usize, usize)], w: &mut Worker, c: u64, keep: bool) -> ChunkOut {
    let start = c * CHUNK_TRIALS;
    let mut stats = Vec::with_capacity(lanes.len());
    let mut controls = Vec::with_capacity(lanes.len());
    for (v, lane) in lanes.iter().enumerate() {
        let m = lane.main;
        let range = start.min(m.trials)..(start + CHUNK_TRIALS).min(m.trials);
        w.trials[v].clear();
        let (st, ctl) = run_lane_chunk(lane, range, w, v);
        stats.push(st);
        controls.push(ctl);
    }
    let pairs = pairs
        .iter()
        .map(|&(a, b)| {
            let mut p = PairStats::new(a, b);
            let (ya, yb) = (lanes[a].main.horizon_years(), lanes[b].main.horizon_years());
            for (ta, tb) in w.trials[a].iter().zip(&w.trials[b]) {
                p.add(ta.downtime / ya - tb.downtime / yb);
            }
            p
        })
        .collect();
    ChunkOut { stats, pairs, controls, trials: keep.then(|| w.trials.clone()) }
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
    sink: Option<TrialSink<'_>>,
) -> Result<Outcome, Error> {
    let lanes: Vec<Lane<'_>> = models.iter().map(|m| Lane::plain(m)).collect();
    run_lanes(&lanes, &Schedule::all(models), progress, sink)
}

/// Runs the chunks `schedule` names of every lane side by side (see
/// [`run_side_by_side`]), merging them in chunk order and stopping early
/// when the schedule says so.
pub fn run_lanes(
    lanes: &[Lane<'_>],
    schedule: &Schedule<'_>,
    progress: Option<&Progress>,
    mut sink: Option<TrialSink<'_>>,
) -> Result<Outcome, Error> {
    let pairs = pairs(lanes.len());
    let mut total = Outcome {
        stats: lanes.iter().map(|l| VariantStats::new(l.main)).collect(),
        pairs: pairs.iter().map(|&(a, b)| PairStats::new(a, b)).collect(),
        controls: lanes.iter().map(|l| l.reduces().then(ControlStats::default)).collect(),
        chunks: schedule.chunks.start..schedule.chunks.start,
    };
    let counter = progress.map(Progress::event_counter);
    let keep = sink.is_some();
    // A first small batch (a chunk per worker) gives an early estimate of
    // the run's length; then larger ones. Batches do not change results:
    // chunks are merged in chunk order.
    let mut batch = (rayon::current_num_threads() as u64).max(1);
    let mut first = schedule.chunks.start;
    'run: while first < schedule.chunks.end {
        let last = (first + batch).min(schedule.chunks.end);
        let parts: Vec<ChunkOut> = (first..last)
            .into_par_iter()
            .map_init(
                || {
                    let mut scratch: Vec<Scratch> = lanes.iter().map(|l| Scratch::new(l.main)).collect();
                    if let Some(c) = &counter {
                        scratch.iter_mut().for_each(|s| s.count_events(c.clone()));
                    }
                    let twin_scratch = lanes.iter().map(|_| None).collect();
                    Worker {
                        scratch,
                        twin_scratch,
                        trials: vec![Vec::with_capacity(CHUNK_TRIALS as usize); lanes.len()],
                    }
                },
                |w, c| run_one_chunk(lanes, &pairs, w, c, keep),
            )
            .collect();
        for part in parts {
            for (t, s) in total.stats.iter_mut().zip(&part.stats) {
                t.merge(s);
            }
            for (t, p) in total.pairs.iter_mut().zip(&part.pairs) {
                t.merge(p);
            }
            for (t, c) in total.controls.iter_mut().zip(&part.controls) {
                if let (Some(t), Some(c)) = (t, c) {
                    t.merge(c);
                }
            }
            if let (Some(sink), Some(trials)) = (sink.as_deref_mut(), &part.trials) {
                for (v, t) in trials.iter().enumerate() {
                    sink(v, t)?;
                }
            }
            total.chunks.end += 1;
            if schedule.stop.is_some_and(|stop| stop(&total)) {
                break 'run;
            }
        }
        if let Some(p) = progress {
            p.set_position(total.stats.iter().map(|s| s.trials).sum());
        }
        if schedule.deadline.is_some_and(|d| Instant::now() >= d) {
            break;
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

/// What variance reduction runs for one variant: the models it draws
/// (owned), and the twin's story for the report.
pub struct Reduction {
    main: Model,
    mirror: Option<Model>,
    twin: Option<Model>,
    twin_mirror: Option<Model>,
    /// The twin's exact mean downtime, hours per year.
    pub twin_mean: Option<f64>,
    /// What the report says of the twin (control variates only).
    pub twin_report: Option<TwinReport>,
}

impl Reduction {
    /// The models `levers` need for `model`.
    pub fn new(model: &Model, levers: Levers) -> Self {
        let draw = if levers.antithetic { Draw::Uniform } else { Draw::Exp1 };
        let main = twin::coupled(model, draw);
        let mirror = levers.antithetic.then(|| twin::coupled(model, Draw::Mirror));
        let (mut tw, mut tw_mirror, mut mean, mut report) = (None, None, None, None);
        if levers.control_variates {
            match twin::twin(model) {
                Ok(t) => {
                    tw = Some(if levers.antithetic { twin::coupled(&t.model, Draw::Uniform) } else { t.model.clone() });
                    tw_mirror = levers.antithetic.then(|| twin::coupled(&t.model, Draw::Mirror));
                    mean = Some(t.exact_downtime_hours);
                    report = Some(TwinReport {
                        exact_downtime_hours: Some(t.exact_downtime_hours),
                        changes: t.changes,
                        none_because: Vec::new(),
                    });
                }
                Err(why) => {
                    report = Some(TwinReport { exact_downtime_hours: None, changes: Vec::new(), none_because: why });
                }
            }
        }
        Reduction { main, mirror, twin: tw, twin_mirror: tw_mirror, twin_mean: mean, twin_report: report }
    }

    /// The lane that runs it.
    pub fn lane(&self) -> Lane<'_> {
        Lane {
            main: &self.main,
            mirror: self.mirror.as_ref(),
            twin: self.twin.as_ref(),
            twin_mirror: self.twin_mirror.as_ref(),
        }
    }
}

/// What an availability pass was asked to do beyond running its trials.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Variance reduction.
    pub levers: Levers,
    /// Relative error to stop at, and of which figure.
    pub target: Option<(f64, Metric)>,
    /// Wall time to stop after.
    pub time_budget: Option<std::time::Duration>,
    /// Only this shard.
    pub shard: Option<Shard>,
}

/// The availability pass of every variant: trials, side by side.
pub struct Pass {
    /// What the trials add up to.
    pub outcome: Outcome,
    /// Per variant, its variance reduction (when levers are pulled).
    pub reductions: Vec<Option<Reduction>>,
    /// How it stopped, with a stopping rule.
    pub stopping: Option<Stopping>,
}

/// Runs the availability pass of every variant of `s` on `pool` as `plan`
/// says; `sink` receives every trial. When a stopping rule ends the pass
/// early, every variant's `trials` is set to the trials it reached.
pub fn availability_pass(
    s: &mut Scenario,
    plan: &Plan,
    pool: &rayon::ThreadPool,
    progress: &Progress,
    sink: Option<TrialSink<'_>>,
) -> Result<Pass, Error> {
    let reductions: Vec<Option<Reduction>> =
        s.variants.iter().map(|m| plan.levers.any().then(|| Reduction::new(m, plan.levers))).collect();
    let models: Vec<&Model> = s.variants.iter().collect();
    progress.set_message(match models.len() {
        1 => models[0].variant.clone(),
        n => format!("{n} variants"),
    });
    let lanes: Vec<Lane<'_>> =
        models.iter().zip(&reductions).map(|(m, r)| r.as_ref().map_or(Lane::plain(m), Reduction::lane)).collect();
    let mut schedule = Schedule::all(&models);
    if let Some(shard) = plan.shard {
        schedule.chunks = shard.chunks(schedule.chunks.end);
    }
    let twin_means: Vec<Option<f64>> = reductions.iter().map(|r| r.as_ref().and_then(|r| r.twin_mean)).collect();
    let worst_re = |o: &Outcome, metric: Metric| -> f64 {
        o.stats
            .iter()
            .zip(&o.controls)
            .zip(&twin_means)
            .map(|((st, c), mu)| precision::relative_error(metric, st, c.as_ref().map(|c| (c, *mu))))
            .fold(0.0, f64::max)
    };
    let stop = |o: &Outcome| match plan.target {
        Some((target, metric)) => o.chunks.end - o.chunks.start >= MIN_STOPPING_CHUNKS && worst_re(o, metric) <= target,
        None => false,
    };
    if plan.target.is_some() {
        schedule.stop = Some(&stop);
    }
    schedule.deadline = plan.time_budget.map(|b| Instant::now() + b);
    let planned = schedule.chunks.end;
    let outcome = pool.install(|| run_lanes(&lanes, &schedule, Some(progress), sink))?;
    let stopping = (plan.target.is_some() || plan.time_budget.is_some()).then(|| {
        let reached = outcome.stats.iter().map(|st| st.trials).max().unwrap_or(0);
        let metric = plan.target.map_or(Metric::Downtime, |t| t.1);
        let re = worst_re(&outcome, metric);
        let mut rule = Vec::new();
        if let Some((t, m)) = plan.target {
            rule.push(format!("relative error {}% of {}", 100.0 * t, m.name()));
        }
        if let Some(b) = plan.time_budget {
            rule.push(format!("time budget {} s", b.as_secs_f64()));
        }
        Stopping {
            rule: rule.join(", "),
            target_reached: plan.target.map(|(t, _)| re <= t),
            trials: reached,
            relative_error: re,
        }
    });
    if outcome.chunks.end < planned {
        let reached = outcome.chunks.end * CHUNK_TRIALS;
        for m in &mut s.variants {
            m.trials = m.trials.min(reached);
        }
    }
    Ok(Pass { outcome, reductions, stopping })
}

/// The reports of every variant of `s` from its availability pass (with
/// the paired comparisons, the exact route and variance reduction), and
/// the durability pass of each variant with datasets, run here on `pool`.
pub fn build_reports(
    s: &Scenario,
    pass: &Pass,
    levers: Levers,
    pool: &rayon::ThreadPool,
    progress: &Progress,
    effort: &Effort,
) -> (Vec<VariantReport>, Vec<Comparison>) {
    let models: Vec<&Model> = s.variants.iter().collect();
    let o = &pass.outcome;
    let mut reports: Vec<VariantReport> =
        models.iter().zip(&o.stats).map(|(m, st)| VariantReport::new(m, st)).collect();
    for (((r, st), c), red) in reports.iter_mut().zip(&o.stats).zip(&o.controls).zip(&pass.reductions) {
        if let (Some(c), Some(red)) = (c, red) {
            precision::apply(r, st, c, levers, red.twin_report.clone());
        }
    }
    // Durability: its own pass per variant, on its own random streams.
    for (m, r) in models.iter().zip(&mut reports) {
        if !m.data_groups.is_empty() {
            progress.set_message(format!("{}: durability", m.variant));
            r.durability = pool.install(|| crate::durability::estimate_all(m, effort));
        }
    }
    let comparisons = o.pairs.iter().map(|p| Comparison::new(&models, p)).collect();
    (reports, comparisons)
}

/// Runs every selected variant of `s` side by side on `pool` and builds their
/// reports (with the paired comparisons); `sink` receives every trial.
pub fn run_variants(
    s: &Scenario,
    pool: &rayon::ThreadPool,
    progress: &Progress,
    sink: Option<TrialSink<'_>>,
    effort: &Effort,
) -> Result<(Vec<VariantReport>, Vec<Comparison>), Error> {
    let mut s = s.clone();
    let pass = availability_pass(&mut s, &Plan::default(), pool, progress, sink)?;
    Ok(build_reports(&s, &pass, Levers::default(), pool, progress, effort))
}

/// Wall time and speed of a run that began at `start`.
pub fn timing(start: Instant, threads: usize, trials: u64, reports: &[VariantReport]) -> Timing {
    timing_of(start.elapsed().as_secs_f64(), threads, trials, reports)
}

/// Speed of a run of `wall` seconds.
pub fn timing_of(wall: f64, threads: usize, trials: u64, reports: &[VariantReport]) -> Timing {
    let events: u64 = reports.iter().map(|r| r.events).sum();
    Timing {
        threads,
        wall_seconds: wall,
        trials_per_second: trials as f64 / wall,
        events_per_second: events as f64 / wall,
        stopping: None,
        shards: None,
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

impl RunOptions {
    /// What the availability pass is asked to do.
    pub fn plan(&self) -> Plan {
        Plan {
            levers: self.levers,
            target: self.target_re.map(|t| (t, self.target)),
            time_budget: self.time_budget,
            shard: self.shard,
        }
    }

    /// How much effort rare-event estimates may spend.
    pub fn effort(&self) -> Effort {
        Effort { target_re: self.target_re.unwrap_or(Effort::default().target_re), ..Effort::default() }
    }

    /// Checks the options against each other.
    fn check(&self) -> Result<(), Error> {
        let stopping = self.target_re.is_some() || self.time_budget.is_some();
        if self.shard.is_some() && stopping {
            let flag = if self.target_re.is_some() { "--target-re" } else { "--time-budget" };
            return Err(Error::Usage(format!(
                "{flag} cannot be combined with --shard: a shard cannot tell the whole run's precision; run the shards with --trials and merge them"
            )));
        }
        Ok(())
    }
}

/// Loads the scenario of `opts` with its overrides and chosen variants
/// (with a stopping rule and no `--trials`, at most [`STOPPING_CAP`] trials).
pub fn load_for(opts: &RunOptions) -> Result<Scenario, Error> {
    opts.check()?;
    let stopping = opts.target_re.is_some() || opts.time_budget.is_some();
    let trials = opts.trials.or(stopping.then_some(STOPPING_CAP));
    let mut s = load_with_overrides(&opts.file, trials, opts.seed)?;
    select_variants(&mut s, &opts.variants)?;
    if opts.levers.antithetic {
        if let Some(m) = s.variants.iter().find(|m| m.trials % 2 == 1) {
            return Err(Error::Usage(format!(
                "--antithetic runs trials in pairs: {} trials is odd (variant {}); use --trials with an even number",
                m.trials, m.variant
            )));
        }
        if let Some(m) = s.variants.iter().find(|m| !m.stores.is_empty()) {
            return Err(Error::Usage(format!(
                "--antithetic cannot be used with variant {}: its data stores draw incidents, failovers and restores outside the mirrored laws, so each pair would repeat them and need more trials, not fewer (variance reduction 0.5 on scenarios/dr-strategies.toml); run without --antithetic",
                m.variant
            )));
        }
    }
    Ok(s)
}

/// Runs every selected variant and builds the report; `sink`, if given,
/// receives every trial's summary as it is simulated.
pub fn simulate(opts: &RunOptions, sink: Option<TrialSink<'_>>) -> Result<(Scenario, Report), Error> {
    simulate_keeping(opts, sink).map(|(s, r, _)| (s, r))
}

/// Like [`simulate`], and also returns what the trials added up to (for
/// `--save`).
pub fn simulate_keeping(opts: &RunOptions, sink: Option<TrialSink<'_>>) -> Result<(Scenario, Report, Outcome), Error> {
    let mut s = load_for(opts)?;
    let (pool, threads) = thread_pool(opts.threads)?;
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let progress = Progress::new(total, !opts.quiet);
    let start = Instant::now();
    let pass = availability_pass(&mut s, &opts.plan(), &pool, &progress, sink)?;
    let (mut reports, comparisons) = build_reports(&s, &pass, opts.levers, &pool, &progress, &opts.effort());
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
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let mut timing = timing(start, threads, total, &reports);
    timing.stopping = pass.stopping;
    let report = Report::new(&s, &opts.file.display().to_string(), reports, comparisons, timing);
    Ok((s, report, pass.outcome))
}
