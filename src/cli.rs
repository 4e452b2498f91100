//! The command line: argument types (clap) and what each command does. Kept
//! out of `main.rs` so the commands can be tested as library calls.

use crate::error::Error;
use crate::import::{self, Source};
use crate::output::write_atomic;
use crate::report::precision::{self, Levers};
use crate::report::sweep::{self as sweep_report, Metric};
use crate::report::timeline::{self, Timeline};
use crate::report::{check, csv, table};
use crate::runner::{self, RunOptions};
use crate::{plot, scenario, stdout, sweep};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};

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
    /// Write a scenario skeleton from `terraform show -json` output or a
    /// CloudFormation template (JSON or YAML).
    Import(ImportArgs),
    /// Merge the partials of a sharded run (`run --shard I/N --save FILE`)
    /// into the report one run would give.
    Merge(MergeArgs),
}

/// Options of `nines merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Partial files written by `nines run FILE --shard I/N --save FILE`.
    #[arg(required = true)]
    pub partials: Vec<PathBuf>,
    /// Worker threads for the durability pass, if any (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar, no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Also write one row per variant as CSV to this file.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Also draw the charts (PNG and SVG) into this folder.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
}

/// Options of `nines import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// `terraform show -json` output (state or plan), or a CloudFormation
    /// template (.json, .yaml, .yml).
    pub file: PathBuf,
    /// The input's format (default: told from its content).
    #[arg(long, value_enum, default_value = "auto")]
    pub from: ImportFormat,
    /// Write the scenario to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--from` of `nines import`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportFormat {
    /// Told from the content (`format_version`: Terraform; `Resources`: CloudFormation).
    Auto,
    /// `terraform show -json` output.
    Terraform,
    /// A CloudFormation template.
    Cloudformation,
}

/// What the simulating commands share: how many trials, from which seed.
#[derive(Debug, clap::Args)]
pub struct SamplingArgs {
    /// Trials per variant (overrides simulation.trials).
    #[arg(long)]
    pub trials: Option<u64>,
    /// Seed (overrides simulation.seed).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// How `run` and `sweep` execute: threads, variants, progress.
#[derive(Debug, clap::Args)]
pub struct ExecutionArgs {
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only these variants (repeatable).
    #[arg(long = "variant", value_name = "NAME")]
    pub variants: Vec<String>,
    /// No progress bar, no notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Relative error (95% half-width / estimate) to reach, e.g. 1%: `run`
    /// stops its trials (in whole chunks) once mean downtime (or the
    /// --target figure) reaches it in every variant; dataset durability
    /// estimates run until it (default 10%).
    #[arg(long, value_name = "PERCENT", value_parser = parse_relative_error)]
    pub target_re: Option<f64>,
}

/// `run`'s precision and scale: stopping rules, variance reduction, shards.
#[derive(Debug, clap::Args)]
pub struct PrecisionArgs {
    /// The figure --target-re applies to.
    #[arg(long, value_enum, default_value = "downtime")]
    pub target: TargetMetric,
    /// Stop after about this much wall time (e.g. 60s, 10m), in whole
    /// chunks; the report says how many trials were reached.
    #[arg(long, value_name = "DURATION", value_parser = parse_time_budget)]
    pub time_budget: Option<std::time::Duration>,
    /// Use the exact twin's downtime (exponential laws of the same means)
    /// as a control variate for mean downtime and the SLO probability.
    #[arg(long)]
    pub control_variates: bool,
    /// Run trials in antithetic pairs (the second on 1 − U for every U).
    #[arg(long)]
    pub antithetic: bool,
    /// Run only shard I of N (from 0): I/N, or N alone to read I from
    /// JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
    /// Write the run's mergeable statistics to this file (for `nines merge`).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// `--target`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TargetMetric {
    /// Mean downtime per year.
    Downtime,
    /// Probability that an SLO window meets the SLO.
    Slo,
    /// Outages per year.
    Outages,
}

/// "60s", "10m", "1h": a positive duration of wall time.
fn parse_time_budget(text: &str) -> Result<std::time::Duration, String> {
    let hours = crate::units::parse_duration(text).map_err(|e| format!("{e} (e.g. 60s or 10m)"))?;
    if hours > 0.0 && hours.is_finite() && hours < 1e6 {
        Ok(std::time::Duration::from_secs_f64(hours * 3600.0))
    } else {
        Err(format!("must be a positive duration like 60s or 10m (got {text:?})"))
    }
}

/// "5%" or "0.05", strictly between 0 and 1.
fn parse_relative_error(text: &str) -> Result<f64, String> {
    let value = match text.trim().strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|x| x / 100.0),
        None => text.trim().parse::<f64>(),
    }
    .map_err(|_| format!("expected a percentage like 5% (got {text:?})"))?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!("must be between 0% and 100%, exclusive (got {text:?})"))
    }
}

impl ExecutionArgs {
    /// The library's options for `file` with these and `sampling`.
    fn options(&self, file: &Path, sampling: &SamplingArgs) -> RunOptions {
        RunOptions {
            file: file.to_owned(),
            trials: sampling.trials,
            seed: sampling.seed,
            threads: self.threads,
            variants: self.variants.clone(),
            quiet: self.quiet,
            target_re: self.target_re,
            ..RunOptions::default()
        }
    }
}

/// Options of `nines run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub execution: ExecutionArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub precision: PrecisionArgs,
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
}

impl RunArgs {
    /// The library's options for this command line.
    pub fn options(&self) -> Result<RunOptions, Error> {
        let p = &self.precision;
        Ok(RunOptions {
            target: match p.target {
                TargetMetric::Downtime => precision::Metric::Downtime,
                TargetMetric::Slo => precision::Metric::Slo,
                TargetMetric::Outages => precision::Metric::Outages,
            },
            time_budget: p.time_budget,
            levers: Levers { control_variates: p.control_variates, antithetic: p.antithetic },
            shard: p.shard.as_deref().map(crate::shard::parse_shard).transpose()?,
            ..self.execution.options(&self.file, &self.sampling)
        })
    }
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
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sampling: SamplingArgs,
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
    pub metrics: Vec<Metric>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub execution: ExecutionArgs,
    /// Folder for sweep-PATH.csv, .png and .svg.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub out: PathBuf,
    /// Also write every run as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

impl clap::ValueEnum for Metric {
    fn value_variants<'a>() -> &'a [Self] {
        &[Metric::Downtime, Metric::Slo, Metric::Cost]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            Metric::Downtime => PossibleValue::new("downtime").help("Mean downtime per year with its 95% interval"),
            Metric::Slo => PossibleValue::new("slo").help("Probability that a year meets the SLO"),
            Metric::Cost => PossibleValue::new("cost").help("Monthly cost, when the scenario prices anything"),
        })
    }
}

/// Runs a parsed command line; the caller maps the error to an exit code.
pub fn run(cli: Cli) -> Result<(), Error> {
    crate::output::remove_temporary_files_on_signals()?;
    match cli.command {
        Command::Check { file } => {
            let s = scenario::load(&file)?;
            stdout::print(&check::render(&s, &file.display().to_string()))
        }
        Command::Presets { topic } => stdout::print(&crate::presets::render(topic.as_deref()).map_err(Error::Usage)?),
        Command::Run(args) => run_command(&args),
        Command::Import(args) => import_command(&args),
        Command::Timeline(args) => timeline_command(&args),
        Command::Sweep(args) => sweep_command(&args),
        Command::Merge(args) => merge_command(&args),
    }
}

/// `nines merge`: the merged report, then every file asked for.
fn merge_command(args: &MergeArgs) -> Result<(), Error> {
    let (s, report) = crate::shard::merge(&args.partials, args.threads, args.quiet)?;
    stdout::print(&table::render(&report))?;
    write_outputs(&s, &report, args.json.as_deref(), args.csv.as_deref(), args.plots.as_deref(), args.quiet)?;
    report.refusals()
}

/// The report's files: JSON, CSV, charts.
fn write_outputs(
    s: &scenario::Scenario,
    report: &crate::report::Report,
    json: Option<&Path>,
    csv_path: Option<&Path>,
    plots: Option<&Path>,
    quiet: bool,
) -> Result<(), Error> {
    if let Some(path) = json {
        write_atomic(path, report.to_json().as_bytes())?;
    }
    if let Some(path) = csv_path {
        write_atomic(path, &csv::summary(report)?)?;
    }
    if let Some(dir) = plots {
        let models: Vec<&crate::model::Model> = s.variants.iter().collect();
        let trial = timeline::first_trial_with_outage(&models).unwrap_or(0);
        let timelines: Vec<Timeline> = models.iter().map(|m| timeline::record(s, m, trial)).collect();
        let files = plot::plot_run(report, &timelines, dir)?;
        if !quiet {
            stdout::note(format_args!(
                "wrote {} charts to {} as PNG and SVG (timelines show trial {trial})",
                files.len() / 2,
                dir.display()
            ));
        }
    }
    Ok(())
}

/// `nines run`: the table on stdout, then every file asked for.
fn run_command(args: &RunArgs) -> Result<(), Error> {
    let opts = args.options()?;
    if opts.shard.is_some() {
        let Some(save) = &args.precision.save else {
            return Err(Error::Usage(
                "--shard needs --save FILE: a shard's statistics are merged later by nines merge".into(),
            ));
        };
        for (flag, given) in [
            ("--json", args.json.is_some()),
            ("--csv", args.csv.is_some()),
            ("--plots", args.plots.is_some()),
            ("--trials-csv", args.trials_csv.is_some()),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} cannot be combined with --shard: a shard holds part of the trials; nines merge writes the report"
                )));
            }
        }
        let summary = crate::shard::run_shard(&opts, save)?;
        return stdout::print(&format!("{summary}\n"));
    }
    if args.trials_csv.is_some() && opts.levers.any() {
        return Err(Error::Usage(
            "--trials-csv cannot be combined with --control-variates or --antithetic: their trials draw by inversion, not as nines timeline replays them".into(),
        ));
    }
    // Per-trial rows stream to spill files as the run goes: the scenario
    // is loaded once first to know its variants.
    let mut rows = match &args.trials_csv {
        None => None,
        Some(_) => {
            let mut s = runner::load_with_overrides(&args.file, args.sampling.trials, args.sampling.seed)?;
            runner::select_variants(&mut s, &args.execution.variants)?;
            Some(csv::TrialsCsv::new(&s.variants.iter().collect::<Vec<_>>())?)
        }
    };
    let mut add = |v: usize, t: &[crate::engine::TrialSummary]| rows.as_mut().map_or(Ok(()), |r| r.add(v, t));
    let sink: Option<runner::TrialSink<'_>> = args.trials_csv.is_some().then_some(&mut add as runner::TrialSink<'_>);
    let start = std::time::Instant::now();
    let (s, report, outcome) = runner::simulate_keeping(&opts, sink)?;
    stdout::print(&table::render(&report))?;
    write_outputs(&s, &report, args.json.as_deref(), args.csv.as_deref(), args.plots.as_deref(), args.execution.quiet)?;
    if let (Some(path), Some(rows)) = (&args.trials_csv, rows) {
        rows.write(path)?;
    }
    if let Some(save) = &args.precision.save {
        let chunks = outcome.chunks.end;
        let whole = crate::runner::Shard { index: 0, count: 1 };
        let trials = s.variants[0].trials;
        let opts = crate::runner::RunOptions { trials: Some(trials), ..opts };
        let partial = crate::shard::partial(&opts, &s, whole, chunks, trials, start.elapsed().as_secs_f64(), outcome)?;
        crate::shard::save_partial(&partial, save)?;
    }
    report.refusals()
}

/// `nines timeline`: one trial as text on stdout, and as a chart.
fn timeline_command(args: &TimelineArgs) -> Result<(), Error> {
    let s = runner::load_with_overrides(&args.file, args.sampling.trials, args.sampling.seed)?;
    let model = runner::find_variant(&s, args.variant.as_deref())?;
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
                stdout::note(format_args!("note: no trial of {} had a service outage; showing trial 0", model.variant));
            }
            0
        }),
    };
    let t = timeline::record(&s, model, trial);
    stdout::print(&timeline::render(&t))?;
    if let Some(path) = &args.json {
        let mut json = serde_json::to_string_pretty(&t).expect("timelines serialise");
        json.push('\n');
        write_atomic(path, json.as_bytes())?;
    }
    let stem = format!("timeline-{}-trial{trial}", plot::file_safe(&model.variant));
    let files = plot::save(&plot::TimelineChart { timeline: &t, stem }, &args.plots)?;
    if !args.quiet {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        stdout::note(format_args!("wrote {}", names.join(", ")));
    }
    Ok(())
}

/// `nines sweep`: a table on stdout; CSV and chart in `--out`.
fn sweep_command(args: &SweepArgs) -> Result<(), Error> {
    let report = sweep::simulate(&args.execution.options(&args.file, &args.sampling), &args.set)?;
    stdout::print(&sweep_report::render(&report))?;
    let stem = format!("sweep-{}", plot::file_safe(&report.parameter));
    let csv_path = args.out.join(format!("{stem}.csv"));
    write_atomic(&csv_path, &csv::sweep(&report)?)?;
    let metrics = sweep_report::default_metrics(&report, &args.metrics);
    let mut files = vec![csv_path];
    files.extend(plot::plot_sweep(&report, &metrics, &args.out, &stem)?);
    if let Some(path) = &args.json {
        let mut json = serde_json::to_string_pretty(&report).expect("sweeps serialise");
        json.push('\n');
        write_atomic(path, json.as_bytes())?;
        files.push(path.clone());
    }
    if !args.execution.quiet {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        stdout::note(format_args!("wrote {}", names.join(", ")));
    }
    Ok(())
}

/// `nines import`: the scenario on stdout or in `--output`, checked by
/// loading it first.
fn import_command(args: &ImportArgs) -> Result<(), Error> {
    let source = match args.from {
        ImportFormat::Auto => Source::Auto,
        ImportFormat::Terraform => Source::Terraform,
        ImportFormat::Cloudformation => Source::CloudFormation,
    };
    let imported = import::import_file(&args.file, source)?;
    let name = args.output.clone().unwrap_or_else(|| PathBuf::from("imported.toml"));
    if let Err(e) = scenario::load_str(&name, &imported.scenario, &[]) {
        return Err(Error::Runtime(format!(
            "the scenario imported from {} does not load, a bug in nines import (please report it with the input): {e}",
            args.file.display()
        )));
    }
    match &args.output {
        None => print!("{}", imported.scenario),
        Some(path) => {
            write_atomic(path, imported.scenario.as_bytes())?;
            if !args.quiet {
                eprintln!("wrote {}: {}", path.display(), import::summary(&imported));
            }
        }
    }
    Ok(())
}
