//! CSV exports, for spreadsheets and notebooks: the per-variant summary
//! (`--csv`), one row per trial (`--trials-csv`), and the rows of a sweep.
//!
//! Numbers are written in full (Rust's shortest round-trip form), so a value
//! read back is the very `f64` of the report. Every summary row carries the
//! seed, trials, nines version and scenario hash, so it can be reproduced.

use super::{Report, VariantReport};
use crate::engine::TrialSummary;
use crate::error::Error;

/// A column: header, and the cell of one variant of a report.
type Column = (&'static str, fn(&Report, &VariantReport) -> String);

fn num(x: f64) -> String {
    format!("{x}")
}

fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// The summary columns, shared by `--csv` and the sweep CSV.
const COLUMNS: &[Column] = &[
    ("scenario", |r, _| r.scenario.clone()),
    ("variant", |_, v| v.name.clone()),
    ("service", |_, v| v.service.clone()),
    ("trials", |_, v| v.trials.to_string()),
    ("seed", |r, _| r.seed.to_string()),
    ("horizon_hours", |r, _| num(r.horizon_hours)),
    ("downtime_h_per_year_mean", |_, v| num(v.downtime_hours.mean)),
    ("downtime_h_per_year_ci95_low", |_, v| num(v.downtime_hours.ci95[0])),
    ("downtime_h_per_year_ci95_high", |_, v| num(v.downtime_hours.ci95[1])),
    ("downtime_h_per_year_std_error", |_, v| num(v.downtime_hours.std_error)),
    ("downtime_h_per_year_p50", |_, v| num(v.downtime_hours.p50)),
    ("downtime_h_per_year_p90", |_, v| num(v.downtime_hours.p90)),
    ("downtime_h_per_year_p99", |_, v| num(v.downtime_hours.p99)),
    ("downtime_h_per_year_max", |_, v| num(v.downtime_hours.max)),
    ("availability_mean", |_, v| num(v.availability.mean)),
    ("nines", |_, v| opt(v.availability.nines)),
    ("slo_target", |_, v| opt(v.slo.as_ref().map(|s| s.target))),
    ("slo_met_probability", |_, v| opt(v.slo.as_ref().map(|s| s.met_probability.estimate))),
    ("slo_met_ci95_low", |_, v| opt(v.slo.as_ref().map(|s| s.met_probability.ci95[0]))),
    ("slo_met_ci95_high", |_, v| opt(v.slo.as_ref().map(|s| s.met_probability.ci95[1]))),
    ("outages_per_year_mean", |_, v| num(v.outages_per_year.mean)),
    ("outages_per_year_ci95_low", |_, v| num(v.outages_per_year.ci95[0])),
    ("outages_per_year_ci95_high", |_, v| num(v.outages_per_year.ci95[1])),
    ("outage_length_h_mean", |_, v| num(v.outage_length_hours.mean)),
    ("outage_length_h_p50", |_, v| num(v.outage_length_hours.p50)),
    ("outage_length_h_p99", |_, v| num(v.outage_length_hours.p99)),
    ("no_outage_probability", |_, v| num(v.reliability.estimate)),
    ("monthly_usd", |_, v| opt(v.cost.as_ref().map(|c| c.monthly_usd))),
    ("downtime_usd_per_year", |_, v| {
        opt(v.cost.as_ref().and_then(|c| c.expected_downtime_usd_per_year.as_ref()).map(|d| d.mean))
    }),
    ("total_usd_per_year", |_, v| opt(v.cost.as_ref().map(|c| c.total_usd_per_year.mean))),
    ("events", |_, v| v.events.to_string()),
    ("nines_version", |r, _| r.nines_version.clone()),
    ("scenario_sha256", |r, _| r.scenario_sha256.clone()),
];

fn fail(e: impl std::fmt::Display) -> Error {
    Error::Runtime(format!("cannot write CSV: {e}"))
}

fn finish(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, Error> {
    w.into_inner().map_err(|e| fail(e.error()))
}

/// One row per variant.
pub fn summary(r: &Report) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Each dataset's durability: columns named after it, empty where a
    // variant has no such dataset or its estimate was refused.
    let mut datasets: Vec<&str> = Vec::new();
    for v in &r.variants {
        for d in &v.durability {
            if !datasets.contains(&d.name.as_str()) {
                datasets.push(&d.name);
            }
        }
    }
    // Operations: columns named after each crew, schedule, … of any variant.
    let ops: Vec<Vec<(String, f64)>> = r
        .variants
        .iter()
        .map(|v| v.operations.as_ref().map(super::operations::csv_columns).unwrap_or_default())
        .collect();
    let mut op_names: Vec<&str> = Vec::new();
    for (name, _) in ops.iter().flatten() {
        if !op_names.contains(&name.as_str()) {
            op_names.push(name);
        }
    }
    let mut head: Vec<String> = COLUMNS.iter().map(|c| c.0.to_owned()).collect();
    for name in &datasets {
        head.extend(DURABILITY_COLUMNS.iter().map(|(c, _)| format!("dataset.{name}.{c}")));
    }
    head.extend(op_names.iter().map(|n| (*n).to_owned()));
    w.write_record(&head).map_err(fail)?;
    for (v, cols) in r.variants.iter().zip(&ops) {
        let mut row: Vec<String> = COLUMNS.iter().map(|c| (c.1)(r, v)).collect();
        for name in &datasets {
            let d = v.durability.iter().find(|d| d.name == *name);
            row.extend(DURABILITY_COLUMNS.iter().map(|(_, f)| d.map(f).unwrap_or_default()));
        }
        for name in &op_names {
            row.push(opt(cols.iter().find(|(n, _)| n == name).map(|c| c.1)));
        }
        w.write_record(&row).map_err(fail)?;
    }
    finish(w)
}

/// A dataset's columns in the summary: what JSON's `durability[]` holds.
type DurabilityColumn = (&'static str, fn(&crate::durability::DurabilityReport) -> String);

const DURABILITY_COLUMNS: &[DurabilityColumn] = &[
    ("scheme", |d| d.scheme.clone()),
    ("groups", |d| d.groups.to_string()),
    ("reliable", |d| d.estimator.reliable.to_string()),
    ("method", |d| d.estimator.method.clone()),
    ("loss_probability", |d| opt(d.loss_probability.as_ref().map(|p| p.estimate))),
    ("loss_probability_ci95_low", |d| opt(d.loss_probability.as_ref().map(|p| p.ci95[0]))),
    ("loss_probability_ci95_high", |d| opt(d.loss_probability.as_ref().map(|p| p.ci95[1]))),
    ("relative_error", |d| opt(d.loss_probability.as_ref().map(|p| p.relative_error))),
    ("durability_nines", |d| opt(d.durability_nines)),
    ("mttdl_years", |d| opt(d.mttdl_years)),
    ("groups_lost_per_year", |d| opt(d.groups_lost_per_year.as_ref().map(|p| p.estimate))),
    ("bytes_lost_per_year", |d| opt(d.bytes_lost_per_year.as_ref().map(|p| p.estimate))),
    ("trials", |d| d.estimator.trials.to_string()),
    ("effective_sample_size", |d| num(d.estimator.effective_sample_size)),
    ("monthly_usd", |d| num(d.monthly_usd)),
];

/// One row per (value, variant) of a sweep: the parameter, its value as
/// given, then the summary columns.
pub fn sweep(s: &super::sweep::SweepReport) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["parameter", "value"].into_iter().chain(COLUMNS.iter().map(|c| c.0))).map_err(fail)?;
    for run in &s.runs {
        for v in &run.report.variants {
            let head = [s.parameter.clone(), run.value.clone()];
            w.write_record(head.into_iter().chain(COLUMNS.iter().map(|c| (c.1)(&run.report, v)))).map_err(fail)?;
        }
    }
    finish(w)
}

/// One row per trial, streamed: `variant, seed, trial, downtime_hours,
/// outages, events, slo_windows, slo_windows_met` (trial as `nines timeline
/// --trial` takes it; the SLO columns empty without an SLO). Trials arrive
/// chunk by chunk for all variants at once; each variant's rows go to a
/// temporary file of their own and are joined, variant by variant, when
/// the file is written, so memory stays flat whatever the trials.
pub struct TrialsCsv {
    variants: Vec<Spill>,
}

/// One variant's rows so far.
struct Spill {
    name: String,
    seed: String,
    slo: bool,
    next: u64,
    rows: csv::Writer<std::io::BufWriter<std::fs::File>>,
}

impl TrialsCsv {
    /// Spill files for `models`' trials.
    pub fn new(models: &[&crate::model::Model]) -> Result<Self, Error> {
        let variants = models
            .iter()
            .map(|m| {
                let f = tempfile::tempfile().map_err(fail)?;
                let w = csv::WriterBuilder::new().has_headers(false).from_writer(std::io::BufWriter::new(f));
                Ok(Spill { name: m.variant.clone(), seed: m.seed.to_string(), slo: m.slo.is_some(), next: 0, rows: w })
            })
            .collect::<Result<_, Error>>()?;
        Ok(TrialsCsv { variants })
    }

    /// Adds consecutive trials of variant `v`.
    pub fn add(&mut self, v: usize, trials: &[TrialSummary]) -> Result<(), Error> {
        let sp = &mut self.variants[v];
        for t in trials {
            let (windows, met) = if sp.slo {
                (t.slo_windows.to_string(), t.slo_windows_met.to_string())
            } else {
                (String::new(), String::new())
            };
            sp.rows
                .write_record([
                    sp.name.as_str(),
                    &sp.seed,
                    &sp.next.to_string(),
                    &num(t.downtime),
                    &t.outages.to_string(),
                    &t.events.to_string(),
                    &windows,
                    &met,
                ])
                .map_err(fail)?;
            sp.next += 1;
        }
        Ok(())
    }

    /// Writes the header and every variant's rows to `path`.
    pub fn write(self, path: &std::path::Path) -> Result<(), Error> {
        let mut spills = Vec::new();
        for sp in self.variants {
            let mut f = sp.rows.into_inner().map_err(|e| fail(e.error()))?.into_inner().map_err(|e| fail(e.error()))?;
            std::io::Seek::rewind(&mut f).map_err(fail)?;
            spills.push(f);
        }
        crate::output::write_streamed(path, |out| {
            out.write_all(TRIAL_COLUMNS.join(",").as_bytes())?;
            out.write_all(b"\n")?;
            for f in &mut spills {
                std::io::copy(f, out)?;
            }
            Ok(())
        })
    }
}

/// Columns of [`TrialsCsv`].
const TRIAL_COLUMNS: [&str; 8] =
    ["variant", "seed", "trial", "downtime_hours", "outages", "events", "slo_windows", "slo_windows_met"];
