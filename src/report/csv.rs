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
    w.write_record(COLUMNS.iter().map(|c| c.0)).map_err(fail)?;
    for v in &r.variants {
        w.write_record(COLUMNS.iter().map(|c| (c.1)(r, v))).map_err(fail)?;
    }
    finish(w)
}

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

/// The trials of one variant, for [`trials`].
pub struct VariantTrials<'a> {
    /// Variant name.
    pub variant: &'a str,
    /// Seed of the run.
    pub seed: u64,
    /// Simulated hours per trial.
    pub horizon: f64,
    /// Availability target, if any.
    pub slo: Option<f64>,
    /// Per-trial summaries, in trial order.
    pub trials: &'a [TrialSummary],
}

/// One row per trial: variant, seed, trial index (as `nines timeline
/// --trial` takes it), downtime hours within the horizon, outages, events,
/// and whether the trial met the SLO (empty without one).
pub fn trials(variants: &[VariantTrials<'_>]) -> Result<Vec<u8>, Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["variant", "seed", "trial", "downtime_hours", "outages", "events", "slo_met"]).map_err(fail)?;
    for v in variants {
        let seed = v.seed.to_string();
        for (i, t) in v.trials.iter().enumerate() {
            let met = v.slo.map(|slo| (1.0 - t.downtime / v.horizon >= slo).to_string()).unwrap_or_default();
            w.write_record([
                v.variant,
                &seed,
                &i.to_string(),
                &num(t.downtime),
                &t.outages.to_string(),
                &t.events.to_string(),
                &met,
            ])
            .map_err(fail)?;
        }
    }
    finish(w)
}
