//! The command line: argument types (clap) and what each command does. Kept
//! out of `main.rs` so the commands can be tested as library calls.

use crate::engine::{self, TrialSummary};
use crate::error::Error;
use crate::output::write_atomic;
use crate::progress::Progress;
use crate::report::timeline::{self, Timeline};
use crate::report::{Report, Timing, VariantReport, check, csv, table};
use crate::scenario::{self, Scenario};
use crate::{plot, sweep};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Failure simulator for cloud data architectures.
#[derive(Debug, Parser)]
#[command(name = "nines", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and print its report.
    Run(RunArgs),
    /// Validate a scenario and print the compiled model.
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
    },
    /// Draw and list one trial: "a year in the life".
    Timeline(TimelineArgs),
    /// Run a scenario for each value of one parameter, with the same seed.
    Sweep(SweepArgs),
    /// List the sourced presets scenarios can refer to by name.
    Presets {
        /// Only this topic (storage).
        topic: Option<String>,
    },
}

/// Options of `nines run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Trials per variant (overrides simulation.trials).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write one row per variant as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also write one row per trial (downtime, outages, events) as CSV.
    #[arg(long, value_name = "FILE")]
    pub trials_csv: Option<PathBuf>,
    /// Also draw the charts (PNG and SVG) into this folder.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Run only these variants (repeatable).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// No progress bar, no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `nines timeline`.
#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Trial to show, from 0 (default: the first trial with a service outage).
    #[arg(long, value_name = "K")]
    pub trial: Option<u64>,
    /// Variant to show (default: the first).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Trials of the run the trial belongs to (overrides simulation.trials).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for the chart (timeline-VARIANT-trialK.png and .svg).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub plots: PathBuf,
    /// Also write the timeline as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Options of `nines sweep`.
#[derive(Debug, clap::Args)]
pub struct SweepArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// PATH=V1,V2,...: the field to sweep and its values (TOML, or bare
    /// strings like 4h); repeat with one value to fix other fields.
    #[arg(long = "set", value_name = "PATH=V1,V2,...", required = true)]
    pub set: Vec<String>,
    /// Metrics to plot, comma-separated (default: downtime, slo and cost where known).
    #[arg(long = "metric", value_name = "METRIC", value_delimiter = ',')]
    pub metrics: Vec<sweep::Metric>,
    /// Trials per variant and value (overrides simulation.trials).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only these variants (repeatable).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// Folder for sweep-PATH.csv, .png and .svg.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Also write every run as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// No progress bar, no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Runs a parsed command line; the caller maps the error to an exit code.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Check { file } => {
            let s = scenario::load(&file)?;
            print!("{}", check::render(&s, &file.display().to_string()));
            Ok(())
        }
        Command::Presets { topic } => {
            print!("{}", crate::presets::render(topic.as_deref()).map_err(Error::Usage)?);
            Ok(())
        }
        Command::Run(args) => run_command(&args),
        Command::Timeline(args) => timeline_command(&args),
        Command::Sweep(args) => sweep::run(&args),
    }
}

/// `nines run`: the table on stdout, then every file asked for.
fn run_command(args: &RunArgs) -> Result<(), Error> {
    let (s, report, trials) = simulate_keeping(args, args.trials_csv.is_some())?;
    print!("{}", table::render(&report));
    if let Some(path) = &args.json {
        write_atomic(path, report.to_json().as_bytes())?;
    }
    if let Some(path) = &args.csv {
        write_atomic(path, &csv::summary(&report)?)?;
    }
    if let Some(path) = &args.trials_csv {
        let rows: Vec<csv::VariantTrials<'_>> = s
            .variants
            .iter()
            .zip(&trials)
            .map(|(m, t)| csv::VariantTrials {
                variant: &m.variant,
                seed: m.seed,
                horizon: m.horizon,
                slo: m.slo,
                trials: t,
            })
            .collect();
        write_atomic(path, &csv::trials(&rows)?)?;
    }
    if let Some(dir) = &args.plots {
        let models: Vec<&crate::model::Model> = s.variants.iter().collect();
        let trial = timeline::first_trial_with_outage(&models).unwrap_or(0);
        let timelines: Vec<Timeline> = models.iter().map(|m| timeline::record(&s, m, trial)).collect();
        let files = plot::plot_run(&report, &timelines, dir)?;
        if !args.quiet {
            eprintln!(
                "wrote {} charts to {} as PNG and SVG (timelines show trial {trial})",
                files.len() / 2,
                dir.display()
            );
        }
    }
    Ok(())
}

/// `nines timeline`: one trial as text on stdout, and as a chart.
fn timeline_command(args: &TimelineArgs) -> Result<(), Error> {
    let s = load_with_overrides(&args.file, args.trials, args.seed)?;
    let model = match &args.variant {
        None => &s.variants[0],
        Some(name) => s.variants.iter().find(|m| &m.variant == name).ok_or_else(|| unknown_variant(&s, name))?,
    };
    let trial = match args.trial {
        Some(k) if k >= model.trials => {
            return Err(Error::Usage(format!(
                "--trial {k}: the run has {} trials, numbered 0 to {}",
                model.trials,
                model.trials - 1
            )));
        }
        Some(k) => k,
        None => timeline::first_trial_with_outage(&[model]).unwrap_or_else(|| {
            if !args.quiet {
                eprintln!("note: no trial of {} had a service outage; showing trial 0", model.variant);
            }
            0
        }),
    };
    let t = timeline::record(&s, model, trial);
    print!("{}", timeline::render(&t));
    if let Some(path) = &args.json {
        let mut json = serde_json::to_string_pretty(&t).expect("timelines serialise");
        json.push('\n');
        write_atomic(path, json.as_bytes())?;
    }
    let stem = format!("timeline-{}-trial{trial}", plot::file_safe(&model.variant));
    let files = plot::save(&plot::TimelineChart { timeline: &t, stem }, &args.plots)?;
    if !args.quiet {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        eprintln!("wrote {}", names.join(", "));
    }
    Ok(())
}

fn unknown_variant(s: &Scenario, want: &str) -> Error {
    let known: Vec<&str> = s.variants.iter().map(|m| m.variant.as_str()).collect();
    Error::Usage(format!("no variant {want:?} in {}: known: {}", s.path.display(), known.join(", ")))
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
            pool.install(|| engine::run_keeping_trials(m, &|done| progress.set_position(before + done), keep));
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
pub fn load_with_overrides(file: &Path, trials: Option<u64>, seed: Option<u64>) -> Result<scenario::Scenario, Error> {
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
        // TOML integers are signed; the seed's bits are what matter.
        overrides.push(("simulation.seed", toml::Value::Integer(s as i64)));
    }
    Ok(overrides)
}

/// Runs every selected variant and builds the report.
pub fn simulate(args: &RunArgs) -> Result<Report, Error> {
    simulate_keeping(args, false).map(|r| r.1)
}

/// [`simulate`], also returning the scenario and, with `keep`, every
/// variant's per-trial summaries in trial order.
pub fn simulate_keeping(args: &RunArgs, keep: bool) -> Result<(Scenario, Report, Vec<Vec<TrialSummary>>), Error> {
    let mut s = load_with_overrides(&args.file, args.trials, args.seed)?;
    select_variants(&mut s, &args.variants)?;
    let (pool, threads) = thread_pool(args.threads)?;
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let progress = Progress::new(total, !args.quiet);
    let start = Instant::now();
    let (reports, trials) = run_variants(&s, &pool, &progress, 0, keep);
    progress.finish();
    let timing = timing(start, threads, total, &reports);
    let report = Report::new(&s, &args.file.display().to_string(), reports, timing);
    Ok((s, report, trials))
}
