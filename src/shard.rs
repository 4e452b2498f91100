//! Shards and merging: `nines run FILE --shard I/N --save part.json` runs
//! the I-th of N contiguous ranges of whole chunks and saves its mergeable
//! statistics; `nines merge part-*.json` checks that the partials belong
//! together and cover every chunk once, merges them (exactly: the result is
//! the same bits in any order) and reports as one run would.
//!
//! A partial carries the scenario's text and SHA-256, the nines version,
//! the seed, trials and variant selection, the levers, the shard and its
//! chunks. The durability pass (multilevel splitting, a single estimate
//! that does not add up over trials) is not run by shards: `merge` runs it,
//! from the scenario the partials carry.
//!
//! May use: `runner`, `scenario`, `report`, `stats`, `output`, `error`.

use crate::error::Error;
use crate::output::write_atomic;
use crate::progress::Progress;
use crate::report::Report;
use crate::report::precision::Levers;
use crate::runner::{self, CHUNK_TRIALS, Outcome, Pass, Reduction, RunOptions, Shard};
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What a partial file says it is.
pub const FORMAT: &str = "nines-partial/1";

/// Environment variables array schedulers set to a task's index, in the
/// order they are read.
pub const INDEX_VARIABLES: [&str; 3] = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX"];

/// `--shard`: "I/N", or "N" (or "/N") with I from the scheduler's variable.
pub fn parse_shard(text: &str) -> Result<Shard, Error> {
    let bad = |why: String| Error::Usage(format!("--shard {text}: {why}"));
    let (index, count) = match text.trim().split_once('/') {
        Some((i, n)) if !i.trim().is_empty() => (Some(i.trim()), n.trim()),
        Some((_, n)) => (None, n.trim()),
        None => (None, text.trim()),
    };
    let count: u64 = count
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| bad("the shard count must be a whole number ≥ 1".into()))?;
    let (index, source) = match index {
        Some(i) => (i.to_owned(), "I".to_owned()),
        None => {
            let found = INDEX_VARIABLES.iter().find_map(|v| std::env::var(v).ok().map(|x| (x, (*v).to_owned())));
            found.ok_or_else(|| {
                bad(format!("no shard index given (I/N), and none of {} is set", INDEX_VARIABLES.join(", ")))
            })?
        }
    };
    let index: u64 = index.trim().parse().map_err(|_| bad(format!("{source} = {index:?} is not a whole number")))?;
    if index >= count {
        return Err(bad(format!(
            "shard index {index} (from {source}) must be below the shard count: 0 to {} (with Slurm, --array=0-{})",
            count - 1,
            count - 1
        )));
    }
    Ok(Shard { index, count })
}

/// A shard's statistics and what identifies its run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Partial {
    /// [`FORMAT`].
    pub format: String,
    /// Version of nines that wrote it.
    pub nines_version: String,
    /// Scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario text.
    pub scenario_sha256: String,
    /// The scenario text itself (the merge reloads it).
    pub scenario: String,
    /// `--trials`, if given.
    pub trials_override: Option<u64>,
    /// `--seed`, if given.
    pub seed_override: Option<u64>,
    /// Seed of the run.
    pub seed: u64,
    /// Trials per variant of the whole run.
    pub trials: u64,
    /// `--variant` names (all variants when empty).
    pub variants: Vec<String>,
    /// Variance-reduction levers.
    pub levers: Levers,
    /// `--target-re` (for the durability pass the merge runs).
    pub target_re: Option<f64>,
    /// Which shard.
    pub shard: Shard,
    /// Its chunks (of [`CHUNK_TRIALS`] trials), `[first, end)`, and the run's total.
    pub chunks: [u64; 2],
    /// Chunks in the whole run.
    pub total_chunks: u64,
    /// Wall time of the shard, seconds.
    pub wall_seconds: f64,
    /// What its trials add up to.
    pub outcome: Outcome,
}

/// Runs shard `shard` of `opts` and writes its partial to `save`; returns
/// a one-line summary.
pub fn run_shard(opts: &RunOptions, save: &Path) -> Result<String, Error> {
    let mut s = runner::load_for(opts)?;
    let (pool, _) = runner::thread_pool(opts.threads)?;
    let shard = opts.shard.unwrap_or(Shard { index: 0, count: 1 });
    let total_chunks = s.variants.iter().map(|m| m.trials.div_ceil(CHUNK_TRIALS)).max().unwrap_or(0);
    let chunks = shard.chunks(total_chunks);
    let trials = s.variants[0].trials;
    let progress = Progress::new((chunks.end - chunks.start) * CHUNK_TRIALS * s.variants.len() as u64, !opts.quiet);
    let start = Instant::now();
    let pass = runner::availability_pass(&mut s, &opts.plan(), &pool, &progress, None)?;
    progress.finish();
    let partial = partial(opts, &s, shard, total_chunks, trials, start.elapsed().as_secs_f64(), pass.outcome)?;
    save_partial(&partial, save)?;
    let (lo, hi) = ((chunks.start * CHUNK_TRIALS).min(trials), (chunks.end * CHUNK_TRIALS).min(trials));
    Ok(format!(
        "shard {}/{}: trials {lo} to {} of {trials} ({} chunks) in {:.2} s, saved to {}",
        shard.index,
        shard.count,
        hi.saturating_sub(1).max(lo),
        chunks.end - chunks.start,
        partial.wall_seconds,
        save.display()
    ))
}

/// The partial of a run (or shard) of `opts` that gave `outcome`.
pub fn partial(
    opts: &RunOptions,
    s: &Scenario,
    shard: Shard,
    total_chunks: u64,
    trials: u64,
    wall_seconds: f64,
    outcome: Outcome,
) -> Result<Partial, Error> {
    let text = crate::scenario::read(&opts.file)?;
    Ok(Partial {
        format: FORMAT.to_owned(),
        nines_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario_file: opts.file.display().to_string(),
        scenario_sha256: s.sha256.clone(),
        scenario: text,
        trials_override: opts.trials,
        seed_override: opts.seed,
        seed: s.variants[0].seed,
        trials,
        variants: opts.variants.clone(),
        levers: opts.levers,
        target_re: opts.target_re,
        shard,
        chunks: [outcome.chunks.start, outcome.chunks.end],
        total_chunks,
        wall_seconds,
        outcome,
    })
}

/// Writes `p` to `path` (atomically).
pub fn save_partial(p: &Partial, path: &Path) -> Result<(), Error> {
    let mut json = serde_json::to_string(p).expect("partials serialise");
    json.push('\n');
    write_atomic(path, json.as_bytes())
}

/// Reads a partial, refusing anything else.
pub fn load_partial(path: &Path) -> Result<Partial, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{}: not a nines partial (not JSON: {e})", path.display())))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(Error::Usage(format!(
            "{}: not a nines partial ({FORMAT}): write one with nines run FILE --shard I/N --save FILE",
            path.display()
        )));
    }
    serde_json::from_value(value).map_err(|e| Error::Usage(format!("{}: a damaged nines partial: {e}", path.display())))
}

/// The first field on which `b` differs from `a` (those that make them
/// parts of different runs), as "name: a vs b".
fn mismatch(a: &Partial, b: &Partial) -> Option<String> {
    let fields: [(&str, String, String); 9] = [
        ("nines version", a.nines_version.clone(), b.nines_version.clone()),
        ("scenario SHA-256", a.scenario_sha256.clone(), b.scenario_sha256.clone()),
        ("scenario file", a.scenario_file.clone(), b.scenario_file.clone()),
        ("seed", a.seed.to_string(), b.seed.to_string()),
        ("trials", a.trials.to_string(), b.trials.to_string()),
        ("variants", format!("{:?}", a.variants), format!("{:?}", b.variants)),
        ("levers", format!("{:?}", a.levers), format!("{:?}", b.levers)),
        ("--target-re", format!("{:?}", a.target_re), format!("{:?}", b.target_re)),
        ("shard count", a.shard.count.to_string(), b.shard.count.to_string()),
    ];
    fields.into_iter().find(|(_, x, y)| x != y).map(|(name, x, y)| format!("{name}: {x} vs {y}"))
}

/// Checks that `parts` (with their file names) are the shards of one run,
/// each once, covering every chunk; returns them in shard order.
pub fn check(parts: Vec<(PathBuf, Partial)>) -> Result<Vec<(PathBuf, Partial)>, Error> {
    let Some((first_path, first)) = parts.first().cloned() else {
        return Err(Error::Usage("nines merge needs at least one partial".into()));
    };
    let here = env!("CARGO_PKG_VERSION");
    if first.nines_version != here {
        return Err(Error::Usage(format!(
            "{}: written by nines {}, this is nines {here}: merge with the version that ran the shards",
            first_path.display(),
            first.nines_version
        )));
    }
    for (path, p) in &parts[1..] {
        if let Some(what) = mismatch(&first, p) {
            return Err(Error::Usage(format!(
                "{} and {} are not parts of the same run ({what})",
                first_path.display(),
                path.display()
            )));
        }
    }
    let mut sorted = parts;
    sorted.sort_by_key(|(_, p)| p.shard.index);
    for w in sorted.windows(2) {
        if w[0].1.shard.index == w[1].1.shard.index {
            return Err(Error::Usage(format!(
                "{} and {} are both shard {}/{}: they overlap (trials would count twice)",
                w[0].0.display(),
                w[1].0.display(),
                w[0].1.shard.index,
                w[0].1.shard.count
            )));
        }
    }
    for (path, p) in &sorted {
        let expected = p.shard.chunks(p.total_chunks);
        if p.chunks != [expected.start, expected.end] || p.outcome.chunks != expected {
            return Err(Error::Usage(format!(
                "{}: shard {}/{} should hold chunks {} to {}, it holds {} to {} (a damaged partial)",
                path.display(),
                p.shard.index,
                p.shard.count,
                expected.start,
                expected.end,
                p.chunks[0],
                p.chunks[1]
            )));
        }
    }
    let count = first.shard.count;
    let missing: Vec<String> = (0..count)
        .filter(|i| !sorted.iter().any(|(_, p)| p.shard.index == *i))
        .map(|i| format!("{i}/{count}"))
        .collect();
    if !missing.is_empty() {
        let trials = |i: u64| {
            let c = Shard { index: i, count }.chunks(first.total_chunks);
            format!("trials {} to {}", c.start * CHUNK_TRIALS, (c.end * CHUNK_TRIALS).min(first.trials))
        };
        let detail: Vec<String> = missing
            .iter()
            .zip((0..count).filter(|i| !sorted.iter().any(|(_, p)| p.shard.index == *i)))
            .map(|(m, i)| format!("{m} ({})", trials(i)))
            .collect();
        return Err(Error::Usage(format!("a gap: shard {} missing", detail.join(", "))));
    }
    Ok(sorted)
}

/// `nines merge`: the report of the run the partials in `files` are the
/// shards of, merged in the order given (any order gives the same bits).
pub fn merge(files: &[PathBuf], threads: Option<usize>, quiet: bool) -> Result<(Scenario, Report), Error> {
    let parts: Vec<(PathBuf, Partial)> =
        files.iter().map(|f| load_partial(f).map(|p| (f.clone(), p))).collect::<Result<_, _>>()?;
    let order: Vec<u64> = parts.iter().map(|(_, p)| p.shard.index).collect();
    let sorted = check(parts)?;
    let first = &sorted[0].1;
    let file = PathBuf::from(&first.scenario_file);
    let overrides = runner::base_overrides(first.trials_override, first.seed_override)?;
    // The hash first: a damaged text must not be read as a scenario.
    if crate::scenario::hex_sha256(first.scenario.as_bytes()) != first.scenario_sha256 {
        return Err(Error::Usage(format!(
            "{}: the scenario text does not match its SHA-256 (a damaged partial)",
            sorted[0].0.display()
        )));
    }
    let mut s = crate::scenario::load_str(&file, &first.scenario, &overrides)?;
    runner::select_variants(&mut s, &first.variants)?;
    let mut outcome: Option<Outcome> = None;
    for index in order {
        let p = &sorted.iter().find(|(_, p)| p.shard.index == index).expect("checked").1;
        match outcome.as_mut() {
            None => outcome = Some(p.outcome.clone()),
            Some(o) => merge_outcome(o, &p.outcome)?,
        }
    }
    let mut outcome = outcome.expect("at least one partial");
    outcome.chunks = 0..first.total_chunks;
    if outcome.stats.len() != s.variants.len() {
        return Err(Error::Usage("the partials hold another number of variants than their scenario".into()));
    }
    let levers = first.levers;
    let pass = Pass {
        outcome,
        reductions: s.variants.iter().map(|m| levers.any().then(|| Reduction::new(m, levers))).collect(),
        stopping: None,
    };
    let (pool, threads) = runner::thread_pool(threads)?;
    let progress = Progress::new(0, !quiet);
    let opts = RunOptions { target_re: first.target_re, ..RunOptions::default() };
    let start = Instant::now();
    let (reports, comparisons) = runner::build_reports(&s, &pass, levers, &pool, &progress, &opts.effort());
    progress.finish();
    let wall = start.elapsed().as_secs_f64() + sorted.iter().map(|(_, p)| p.wall_seconds).sum::<f64>();
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let mut timing = runner::timing_of(wall, threads, total, &reports);
    timing.shards = Some(first.shard.count);
    let report = Report::new(&s, &first.scenario_file, reports, comparisons, timing);
    Ok((s, report))
}

/// Adds `o` to `total` (exactly, so the order does not matter).
fn merge_outcome(total: &mut Outcome, o: &Outcome) -> Result<(), Error> {
    if total.stats.len() != o.stats.len() || total.pairs.len() != o.pairs.len() {
        return Err(Error::Usage("partials with different numbers of variants".into()));
    }
    for (a, b) in total.stats.iter_mut().zip(&o.stats) {
        a.merge(b);
    }
    for (a, b) in total.pairs.iter_mut().zip(&o.pairs) {
        a.merge(b);
    }
    for (a, b) in total.controls.iter_mut().zip(&o.controls) {
        match (a, b) {
            (Some(a), Some(b)) => a.merge(b),
            (None, None) => {}
            _ => return Err(Error::Usage("partials with and without variance reduction".into())),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_the_chunks_once() {
        for chunks in [0, 1, 5, 196, 1000] {
            for count in [1, 2, 3, 7, 300] {
                let ranges: Vec<_> = (0..count).map(|index| Shard { index, count }.chunks(chunks)).collect();
                assert_eq!(ranges[0].start, 0);
                assert_eq!(ranges[count as usize - 1].end, chunks);
                assert!(ranges.windows(2).all(|w| w[0].end == w[1].start));
            }
        }
    }

    #[test]
    fn shard_specs_parse() {
        assert_eq!(parse_shard("2/7").unwrap(), Shard { index: 2, count: 7 });
        assert!(parse_shard("7/7").unwrap_err().to_string().contains("must be below the shard count: 0 to 6"));
        assert!(parse_shard("x/7").is_err());
        assert!(parse_shard("1/0").is_err());
    }
}
