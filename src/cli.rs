//! The command line: argument types (clap) and what each command does. Kept
//! out of `main.rs` so the commands can be tested as library calls.

use crate::engine;
use crate::error::Error;
use crate::output::write_atomic;
use crate::report::{Report, Timing, VariantReport, check, table};
use crate::scenario;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
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
    /// Run only these variants (repeatable).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// No progress bar.
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
        Command::Run(args) => {
            let report = simulate(&args)?;
            print!("{}", table::render(&report));
            if let Some(path) = &args.json {
                write_atomic(path, report.to_json().as_bytes())?;
            }
            Ok(())
        }
    }
}

/// Loads the scenario with the command line's overrides applied.
pub fn load_with_overrides(file: &Path, trials: Option<u64>, seed: Option<u64>) -> Result<scenario::Scenario, Error> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Io { path: file.to_owned(), source })?;
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
    scenario::load_str(file, &text, &overrides)
}

/// Runs every selected variant and builds the report.
pub fn simulate(args: &RunArgs) -> Result<Report, Error> {
    let mut s = load_with_overrides(&args.file, args.trials, args.seed)?;
    if !args.variants.is_empty() {
        for want in &args.variants {
            if !s.variants.iter().any(|m| &m.variant == want) {
                let known: Vec<&str> = s.variants.iter().map(|m| m.variant.as_str()).collect();
                return Err(Error::Usage(format!(
                    "no variant {want:?} in {}: known: {}",
                    args.file.display(),
                    known.join(", ")
                )));
            }
        }
        s.variants.retain(|m| args.variants.contains(&m.variant));
    }
    let threads = match args.threads {
        Some(0) => return Err(Error::Usage("--threads must be at least 1".into())),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start {threads} threads: {e}")))?;
    let total: u64 = s.variants.iter().map(|m| m.trials).sum();
    let bar = if args.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg:12} [{bar:30}] {pos}/{len} trials, {eta} left")
            .expect("valid template")
            .progress_chars("=> "),
    );
    let start = Instant::now();
    let mut reports = Vec::new();
    let mut done_before = 0;
    for m in &s.variants {
        bar.set_message(m.variant.clone());
        let stats = pool.install(|| engine::run(m, &|done| bar.set_position(done_before + done)));
        done_before += m.trials;
        reports.push(VariantReport::new(m, &stats));
    }
    bar.finish_and_clear();
    let wall = start.elapsed().as_secs_f64();
    let events: u64 = reports.iter().map(|r| r.events).sum();
    let timing = Timing {
        threads,
        wall_seconds: wall,
        trials_per_second: total as f64 / wall,
        events_per_second: events as f64 / wall,
    };
    Ok(Report::new(&s, &args.file.display().to_string(), reports, timing))
}
