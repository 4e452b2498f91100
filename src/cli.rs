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
    #[command(after_help = "Examples:
  nines run scenarios/two-of-three.toml
  nines run scenarios/lab-web-app.toml --variant t3-micro --variant t3-nano
  nines run scenarios/lab-web-app.toml --trials 100000 --seed 7 --json out.json --plots charts/
  nines run scenarios/dr-strategies.toml --html dr.html --layout rows
  nines run scenarios/multi-az-web.toml --control-variates --target-re 1%
  nines run scenarios/multi-az-web.toml --trials 10000000 --shard 8 --save part-$SLURM_ARRAY_TASK_ID.json")]
    Run(RunArgs),
    /// Validate a scenario and print the compiled model.
    #[command(after_help = "Examples:
  nines check scenarios/multi-az-web.toml
  nines check my.toml && nines run my.toml")]
    Check {
        /// Scenario file (TOML).
        file: PathBuf,
    },
    /// Draw and list one trial: "a year in the life".
    #[command(after_help = "Examples:
  nines timeline scenarios/two-of-three.toml
  nines timeline scenarios/lab-web-app.toml --variant single-az --trial 41 --plots charts/
  nines timeline scenarios/dr-strategies.toml --json year.json")]
    Timeline(TimelineArgs),
    /// Run a scenario for each value of one parameter, with the same seed.
    #[command(after_help = "Examples:
  nines sweep scenarios/two-of-three.toml --set components.server.mttr=2h,10h,24h
  nines sweep scenarios/workshop/04-s3-classes.toml --set buckets.data.class=standard,one-zone-ia
  nines sweep scenarios/lab-web-app.toml --set groups.web.desired=2,3,4 --variant t3-nano --out sweeps/")]
    Sweep(SweepArgs),
    /// List the sourced presets scenarios can refer to by name.
    #[command(after_help = "Topics:
  aws      EC2 and RDS prices, ALB and auto-scaling defaults, failover times,
           EBS failure rates, Spot bands and notice, the node MTTF
  storage  every S3 storage class: designed availability and durability,
           SLA tiers, zones, minimum days, prices, each with its source

Examples:
  nines presets
  nines presets storage")]
    Presets {
        /// Only this topic: aws or storage (see below).
        topic: Option<String>,
    },
    /// Write a scenario skeleton from `terraform show -json` output or a
    /// CloudFormation template (JSON or YAML).
    #[command(after_help = "Examples:
  terraform show -json > state.json && nines import state.json -o lab.toml
  nines import stack.yaml --from cloudformation -o stack.toml")]
    Import(ImportArgs),
    /// Merge the partials of a sharded run (`run --shard I/N --save FILE`)
    /// into the report one run would give.
    #[command(after_help = "Examples:
  nines run scenarios/multi-az-web.toml --trials 1000000 --shard 0/2 --save part-0.json
  nines run scenarios/multi-az-web.toml --trials 1000000 --shard 1/2 --save part-1.json
  nines merge part-*.json --json report.json")]
    Merge(MergeArgs),
    /// Draw the architecture: regions and zones as boxes, what stands in
    /// each, and what the service needs to be up (PNG or SVG).
    #[command(after_help = "Examples:
  nines diagram scenarios/lab-web-app.toml
  nines diagram scenarios/dr-strategies.toml --variant pilot-light -o pilot-light.svg")]
    Diagram(DiagramArgs),
    /// Simulate a scenario and write one self-contained HTML page: the
    /// question, the architecture, the answer, every chart, the assumptions.
    #[command(after_help = "Examples:
  nines report scenarios/lab-web-app.toml -o report.html
  nines report scenarios/workshop/04-s3-classes.toml --trials 100000 -o s3.html")]
    Report(ReportArgs),
    /// Check the simulator against closed forms: exact vs simulated, with
    /// the interval and z of each case; exit code 1 if any fails.
    #[command(after_help = "Examples:
  nines validate
  nines validate --quick
  nines validate --case 2c --case 4a")]
    Validate(ValidateArgs),
    /// Write a commented starting scenario NAME.toml.
    #[command(after_help = "Examples:
  nines new checkout
  nines new lab --from lab-web-app
  nines new my-dr --from dr-strategies -o scenarios/my-dr.toml")]
    New(NewArgs),
    /// Print the JSON Schema (draft 2020-12) of a scenario file or of a
    /// `--json` output, for editors, CI checks and notebooks.
    #[command(after_help = "Examples:
  nines schema scenario -o schemas/scenario.schema.json
  nines schema report | python3 -m json.tool

The same schemas ship in the repository's schemas/ folder; README.md says how
to point an editor (Taplo / Even Better TOML) at the scenario schema.")]
    Schema {
        /// Which file: a scenario, or the JSON of run/merge (report), sweep or timeline.
        kind: crate::schema::Kind,
        /// Write it to this file instead of standard output.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(after_help = "Examples:
  nines completions bash > ~/.local/share/bash-completion/completions/nines
  nines completions zsh > ~/.zfunc/_nines
  nines completions fish > ~/.config/fish/completions/nines.fish")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (roff): nines.1 on stdout, or one page per
    /// command into a folder.
    #[command(after_help = "Examples:
  nines manpage | man -l -
  nines manpage -o /usr/local/share/man/man1")]
    Manpage {
        /// Folder for nines.1 and nines-COMMAND.1.
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
}

/// Options of `nines new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Scenario name (also the file name, NAME.toml, unless -o).
    pub name: String,
    /// What to start from: starter, two-of-three, lab-web-app, multi-az-web,
    /// four-by-five, s3-standard-vs-one-zone-ia, dr-strategies, durability,
    /// backups.
    #[arg(long, value_name = "TEMPLATE", default_value = "starter")]
    pub from: String,
    /// Write here instead of NAME.toml.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `nines validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// A tenth of the trials (a few seconds; wider intervals).
    #[arg(long)]
    pub quick: bool,
    /// Only these cases (repeatable), e.g. --case 2c.
    #[arg(long = "case", value_name = "ID")]
    pub cases: Vec<String>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Options of `nines report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub sampling: SamplingArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub execution: ExecutionArgs,
    /// The page to write (default: SCENARIO-report.html here).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `nines diagram`.
#[derive(Debug, clap::Args)]
pub struct DiagramArgs {
    /// Scenario file (TOML).
    pub file: PathBuf,
    /// Variant to draw (default: the first).
    #[arg(long, value_name = "NAME")]
    pub variant: Option<String>,
    /// Output file: .svg or .png (default: SCENARIO-VARIANT-architecture.png and .svg here).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// No notes on stderr.
    #[arg(long, short)]
    pub quiet: bool,
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
    /// --target figure) reaches it in every variant; rare-event estimates
    /// run until it (default 10% for dataset durability, 1% for --rare).
    #[arg(long, value_name = "PERCENT", value_parser = parse_relative_error)]
    pub target_re: Option<f64>,
    /// Also estimate downtime by importance sampling, for designs whose
    /// outages are too rare for plain trials (mean downtime, SLO windows
    /// missed, outages/yr, with the speed-up over plain trials measured).
    #[arg(long)]
    pub rare: bool,
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
            rare: self.rare,
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
    /// Also write the report as one self-contained HTML page.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Draw N input sets of the scenario's uncertain inputs (ranges), run
    /// each, and report the mean downtime's P5/P50/P95 and a tornado.
    #[arg(long, value_name = "N")]
    pub uncertainty: Option<u64>,
    /// Variants side by side (columns), wrapped to the terminal's width
    /// (wrap), or one under another (rows); auto: columns when they fit.
    #[arg(long, value_enum, default_value = "auto")]
    pub layout: LayoutArg,
}

/// `--layout` of `nines run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LayoutArg {
    /// Side by side when they fit the terminal, else wrapped.
    Auto,
    /// Side by side, however wide.
    Columns,
    /// As many side by side as fit the terminal, the rest below.
    Wrap,
    /// One variant under another.
    Rows,
}

/// The terminal's width in columns, when standard output is one.
pub fn terminal_width() -> Option<usize> {
    console::Term::stdout().size_checked().map(|(_, cols)| usize::from(cols)).filter(|&c| c >= 40)
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
    /// Also draw the chart (timeline-VARIANT-trialK.png and .svg) into this folder.
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
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
        Command::Presets { topic } => {
            stdout::print(&crate::presets::render_for(topic.as_deref(), terminal_width()).map_err(Error::Usage)?)
        }
        Command::Run(args) => run_command(&args),
        Command::Import(args) => import_command(&args),
        Command::Timeline(args) => timeline_command(&args),
        Command::Sweep(args) => sweep_command(&args),
        Command::Merge(args) => merge_command(&args),
        Command::Diagram(args) => diagram_command(&args),
        Command::Report(args) => report_command(&args),
        Command::Validate(args) => validate_command(&args),
        Command::New(args) => new_command(&args),
        Command::Schema { kind, output } => {
            let text = crate::schema::text(kind);
            match output {
                Some(path) => crate::output::write_atomic(&path, text.as_bytes()),
                None => stdout::print(&text),
            }
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "nines", &mut out);
            stdout::print(&String::from_utf8_lossy(&out))
        }
        Command::Manpage { output } => manpage_command(output.as_deref()),
    }
}

/// `nines diagram`: the architecture of one variant as PNG and/or SVG.
fn diagram_command(args: &DiagramArgs) -> Result<(), Error> {
    let s = scenario::load(&args.file)?;
    let model = runner::find_variant(&s, args.variant.as_deref())?;
    let diagram = crate::diagram::Diagram::new(&s.name, &s.sha256, model);
    let stem = format!("{}-{}-architecture", plot::file_safe(&s.name), plot::file_safe(&model.variant));
    let chart = plot::ArchitectureChart { diagram: &diagram, stem };
    let files = match &args.output {
        None => plot::save(&chart, Path::new("."))?,
        Some(path) => {
            let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let wanted = match ext.as_deref() {
                Some("svg") => "svg",
                Some("png") => "png",
                _ => {
                    return Err(Error::Usage(format!("-o {}: the file name must end in .svg or .png", path.display())));
                }
            };
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let bytes = plot::render(&chart, dir)?
                .into_iter()
                .find(|(p, _)| p.extension().is_some_and(|e| e == wanted))
                .map(|(_, b)| b)
                .expect("render draws PNG and SVG");
            plot::write(vec![(path.clone(), bytes)])?
        }
    };
    if !args.quiet {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        stdout::note(format_args!("wrote {}", names.join(", ")));
    }
    Ok(())
}

/// `nines merge`: the merged report, then every file asked for.
fn merge_command(args: &MergeArgs) -> Result<(), Error> {
    let (s, report) = crate::shard::merge(&args.partials, args.threads, args.quiet)?;
    stdout::print(&table::render_with(&report, table::Layout::Auto, terminal_width()))?;
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
        let (trial, timelines) = run_timelines(s);
        if !quiet && timelines.iter().all(|t| t.outages == 0) {
            stdout::note(format_args!(
                "note: no trial of any variant had a service outage; timelines show trial {trial}"
            ));
        }
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
            ("--html", args.html.is_some()),
        ] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} cannot be combined with --shard: a shard holds part of the trials; nines merge writes the report"
                )));
            }
        }
        for (flag, given) in [("--rare", opts.rare), ("--uncertainty", args.uncertainty.is_some())] {
            if given {
                return Err(Error::Usage(format!(
                    "{flag} cannot be combined with --shard: shards and nines merge carry the plain trials only; run {flag} without --shard"
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
    let (s, mut report, outcome) = runner::simulate_keeping(&opts, sink)?;
    if let Some(sets) = args.uncertainty {
        report.uncertainty = Some(crate::uncertainty::analyse(&opts, sets)?);
    }
    let layout = match args.layout {
        LayoutArg::Auto => table::Layout::Auto,
        LayoutArg::Columns => table::Layout::Columns,
        LayoutArg::Wrap => table::Layout::Wrap,
        LayoutArg::Rows => table::Layout::Rows,
    };
    stdout::print(&table::render_with(&report, layout, terminal_width()))?;
    if let Some(u) = &report.uncertainty {
        stdout::print(&crate::report::uncertainty::render(u))?;
    }
    if !args.execution.quiet {
        notes(&s);
        if opts.levers.control_variates {
            untwinned(&s, &report);
        }
    }
    write_outputs(&s, &report, args.json.as_deref(), args.csv.as_deref(), args.plots.as_deref(), args.execution.quiet)?;
    if let (Some(path), Some(rows)) = (&args.trials_csv, rows) {
        rows.write(path)?;
    }
    if let Some(path) = &args.html {
        write_html(&s, &report, path, args.execution.quiet)?;
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

/// With `--control-variates`, each variant that has no exact twin and why
/// (its figures are plain), on stderr.
fn untwinned(s: &scenario::Scenario, report: &crate::report::Report) {
    for (m, v) in s.variants.iter().zip(&report.variants) {
        let twinned = v
            .variance_reduction
            .as_ref()
            .and_then(|r| r.twin.as_ref())
            .is_some_and(|t| t.exact_downtime_hours.is_some());
        if twinned {
            continue;
        }
        if let Err(why) = crate::exact::twin::twin(m) {
            stdout::note(format_args!(
                "note: --control-variates: variant {} has no exact twin ({}); its figures are plain",
                m.variant,
                why.join("; ")
            ));
        }
    }
}

/// The scenario's notes (settings a variant ignores), each once, on stderr.
fn notes(s: &scenario::Scenario) {
    let mut seen: Vec<&String> = Vec::new();
    for n in s.variants.iter().flat_map(|m| &m.notes) {
        if !seen.contains(&n) {
            stdout::note(format_args!("note: {n}"));
            seen.push(n);
        }
    }
}

/// The timelines of a run: one trial, the same for every variant (the
/// first in which any variant had an outage, else the first).
fn run_timelines(s: &scenario::Scenario) -> (u64, Vec<Timeline>) {
    let models: Vec<&crate::model::Model> = s.variants.iter().collect();
    let trial = timeline::first_trial_with_outage(&models).unwrap_or(0);
    (trial, models.iter().map(|m| timeline::record(s, m, trial)).collect())
}

/// The command line as typed, quoted where a shell would need it.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().collect();
    let shown = |a: &String| {
        if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=,:+%@".contains(c)) {
            a.clone()
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    let mut out = vec!["nines".to_owned()];
    out.extend(args.iter().skip(1).map(shown));
    out.join(" ")
}

/// Writes the HTML page of a run.
fn write_html(s: &scenario::Scenario, report: &crate::report::Report, path: &Path, quiet: bool) -> Result<(), Error> {
    let text = scenario::read(&s.path)?;
    let comparisons = crate::report::sentences::against_first(report);
    let (_, timelines) = run_timelines(s);
    let command = command_line();
    let page = crate::html::Page {
        scenario: s,
        text: &text,
        report,
        comparisons: &comparisons,
        timelines: &timelines,
        command: &command,
    };
    write_atomic(path, crate::html::render(&page)?.as_bytes())?;
    if !quiet {
        stdout::note(format_args!("wrote {}", path.display()));
    }
    Ok(())
}

/// `nines manpage`: nines.1 on stdout, or every page into a folder.
fn manpage_command(dir: Option<&Path>) -> Result<(), Error> {
    let cmd = <Cli as clap::CommandFactory>::command();
    let page = |c: clap::Command| -> Result<Vec<u8>, Error> {
        let mut out = Vec::new();
        clap_mangen::Man::new(c)
            .render(&mut out)
            .map_err(|e| Error::Runtime(format!("cannot write a manual page: {e}")))?;
        Ok(out)
    };
    match dir {
        None => stdout::print(&String::from_utf8_lossy(&page(cmd)?)),
        Some(dir) => {
            let mut files = vec![(dir.join("nines.1"), page(cmd.clone())?)];
            for sub in cmd.get_subcommands() {
                let name: &'static str = Box::leak(format!("nines-{}", sub.get_name()).into_boxed_str());
                files.push((dir.join(format!("{name}.1")), page(sub.clone().name(name))?));
            }
            crate::output::write_all_atomic(&files)?;
            stdout::note(format_args!("wrote {} manual pages to {}", files.len(), dir.display()));
            Ok(())
        }
    }
}

/// `nines new`: a starting scenario, checked to load, never over a file
/// unless `--force`.
fn new_command(args: &NewArgs) -> Result<(), Error> {
    let text = crate::new::scenario(&args.name, &args.from)?;
    let path = args.output.clone().unwrap_or_else(|| PathBuf::from(format!("{}.toml", plot::file_safe(&args.name))));
    if path.exists() && !args.force {
        return Err(Error::Usage(format!("{} exists: choose another name, -o FILE, or --force", path.display())));
    }
    if let Err(e) = scenario::load_str(&path, &text, &[]) {
        return Err(Error::Runtime(format!("template {} does not load, a bug in nines: {e}", args.from)));
    }
    write_atomic(&path, text.as_bytes())?;
    stdout::note(format_args!(
        "wrote {} (from {}): `nines check {}` shows what nines understood, `nines run {}` runs it",
        path.display(),
        args.from,
        path.display(),
        path.display()
    ));
    Ok(())
}

/// `nines validate`: every closed-form case, a table, exit 1 on a failure.
fn validate_command(args: &ValidateArgs) -> Result<(), Error> {
    let cases = crate::validate::cases();
    if let Some(bad) = args.cases.iter().find(|c| !cases.iter().any(|k| k.id == c.as_str())) {
        let ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
        return Err(Error::Usage(format!("--case {bad}: no such case (cases: {})", ids.join(", "))));
    }
    let (pool, _) = runner::thread_pool(args.threads)?;
    let scale = if args.quick { 0.1 } else { 1.0 };
    let mut outcomes = Vec::new();
    for case in cases.iter().filter(|c| args.cases.is_empty() || args.cases.iter().any(|x| x == c.id)) {
        outcomes.push(crate::validate::run_case(case, scale, &pool)?);
    }
    stdout::print(&crate::validate::render(&outcomes))?;
    let failed = outcomes.iter().filter(|o| !o.pass).count();
    if failed > 0 {
        return Err(Error::Runtime(format!("{failed} validation case(s) failed")));
    }
    Ok(())
}

/// `nines report`: simulate, then write the page (the table goes nowhere).
fn report_command(args: &ReportArgs) -> Result<(), Error> {
    let (s, report) = runner::simulate(&args.execution.options(&args.file, &args.sampling), None)?;
    let path = args.output.clone().unwrap_or_else(|| {
        let stem = args.file.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        PathBuf::from(format!("{}-report.html", plot::file_safe(&stem)))
    });
    write_html(&s, &report, &path, args.execution.quiet)?;
    // As `run`: a refused durability estimate is written up, then fails.
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
    if let Some(dir) = &args.plots {
        let stem = format!("timeline-{}-trial{trial}", plot::file_safe(&model.variant));
        let files = plot::save(&plot::TimelineChart { timeline: &t, stem }, dir)?;
        if !args.quiet {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            stdout::note(format_args!("wrote {}", names.join(", ")));
        }
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
