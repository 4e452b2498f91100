//! What a run reports: the per-variant figures as one serde type, built from
//! the accumulated statistics, then rendered as an aligned table ([`table`])
//! or JSON. Every renderer reads the same [`Report`], so the table and the
//! JSON cannot disagree.

pub mod check;
pub mod table;

use crate::model::Model;
use crate::scenario::Scenario;
use crate::stats::{Proportion, QUANTILE_RELATIVE_ERROR, VariantStats};
use crate::units::HOURS_PER_YEAR;
use serde::Serialize;

/// A whole run: provenance, one entry per variant, and timing.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Version of nines that produced it.
    pub nines_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Trials per variant.
    pub trials: u64,
    /// Simulated hours per trial.
    pub horizon_hours: f64,
    /// Relative error bound of every quantile (p50, p90, p99).
    pub quantile_relative_error: f64,
    /// Side-by-side results.
    pub variants: Vec<VariantReport>,
    /// Wall time and speed; the only part that differs between runs.
    pub timing: Timing,
}

/// How long the run took.
#[derive(Clone, Debug, Serialize, Default)]
pub struct Timing {
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock seconds for all variants.
    pub wall_seconds: f64,
    /// Trials (all variants) per second.
    pub trials_per_second: f64,
    /// Events (all variants) per second.
    pub events_per_second: f64,
}

/// Mean with interval and quantiles of a per-trial quantity.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Mean over trials.
    pub mean: f64,
    /// 95% confidence interval of the mean.
    pub ci95: [f64; 2],
    /// Standard error of the mean.
    pub std_error: f64,
    /// Median trial.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Worst trial.
    pub max: f64,
}

/// Availability: mean fraction of time up, and its nines.
#[derive(Clone, Debug, Serialize)]
pub struct Availability {
    /// Mean availability (1 − mean downtime / year).
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// −log10(1 − mean); absent when no downtime was seen at all.
    pub nines: Option<f64>,
}

/// The SLO and how often a year meets it.
#[derive(Clone, Debug, Serialize)]
pub struct Slo {
    /// Target availability.
    pub target: f64,
    /// Probability that a trial's availability met the target.
    pub met_probability: Proportion,
}

/// Outage counts.
#[derive(Clone, Debug, Serialize)]
pub struct Rate {
    /// Mean per year.
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
}

/// Lengths of individual outages.
#[derive(Clone, Debug, Serialize)]
pub struct Lengths {
    /// Outages observed (all trials).
    pub count: u64,
    /// Mean length, hours.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Longest.
    pub max: f64,
}

/// Downtime that began with one cause.
#[derive(Clone, Debug, Serialize)]
pub struct CauseShare {
    /// `component`, `zone` or `region`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Downtime hours per year started by this cause.
    pub downtime_hours_per_year: f64,
    /// Fraction of all downtime.
    pub share: f64,
    /// Outages per year started by this cause.
    pub outages_per_year: f64,
}

/// Results of one variant.
#[derive(Clone, Debug, Serialize)]
pub struct VariantReport {
    /// Variant name.
    pub name: String,
    /// Variant description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The service reported on.
    pub service: String,
    /// Trials simulated.
    pub trials: u64,
    /// Events processed.
    pub events: u64,
    /// Downtime, hours per year.
    pub downtime_hours: Summary,
    /// Availability.
    pub availability: Availability,
    /// SLO, when the scenario sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo: Option<Slo>,
    /// Outages per year.
    pub outages_per_year: Rate,
    /// Outage lengths.
    pub outage_length_hours: Lengths,
    /// Probability of no outage over the horizon.
    pub reliability: Proportion,
    /// What started the downtime, largest first; causes with none are left out.
    pub causes: Vec<CauseShare>,
}

impl VariantReport {
    /// Derives the reported figures from a variant's statistics.
    pub fn new(model: &Model, s: &VariantStats) -> Self {
        let d = &s.downtime;
        let years_total = s.trials as f64 * model.horizon_years();
        let unavail = |h: f64| h / HOURS_PER_YEAR;
        let ci = d.ci95();
        let total_hours: f64 = s.cause_hours.iter().sum();
        let mut causes: Vec<CauseShare> = model
            .causes
            .iter()
            .enumerate()
            .filter(|(i, _)| s.cause_hours[*i] > 0.0)
            .map(|(i, c)| CauseShare {
                kind: c.kind.to_string(),
                name: c.name.clone(),
                downtime_hours_per_year: s.cause_hours[i] / years_total,
                share: s.cause_hours[i] / total_hours,
                outages_per_year: s.cause_outages[i] as f64 / years_total,
            })
            .collect();
        causes.sort_by(|a, b| b.share.total_cmp(&a.share));
        VariantReport {
            name: model.variant.clone(),
            description: model.description.clone(),
            service: model.service.clone(),
            trials: s.trials,
            events: s.events,
            downtime_hours: Summary {
                mean: d.mean(),
                ci95: ci,
                std_error: d.std_error(),
                p50: s.downtime_q.quantile(0.5),
                p90: s.downtime_q.quantile(0.9),
                p99: s.downtime_q.quantile(0.99),
                max: d.max(),
            },
            availability: Availability {
                mean: 1.0 - unavail(d.mean()),
                ci95: [1.0 - unavail(ci[1]), (1.0 - unavail(ci[0])).min(1.0)],
                nines: (d.mean() > 0.0).then(|| -unavail(d.mean()).log10()),
            },
            slo: model.slo.map(|target| Slo { target, met_probability: Proportion::new(s.slo_met, s.trials) }),
            outages_per_year: Rate { mean: s.outages.mean(), ci95: s.outages.ci95() },
            outage_length_hours: Lengths {
                count: s.outage_len.count(),
                mean: s.outage_len.mean(),
                p50: s.outage_len_q.quantile(0.5),
                p99: s.outage_len_q.quantile(0.99),
                max: s.outage_len.max(),
            },
            reliability: Proportion::new(s.no_outage, s.trials),
            causes,
        }
    }
}

impl Report {
    /// Assembles the report of a run.
    pub fn new(scenario: &Scenario, file: &str, variants: Vec<VariantReport>, timing: Timing) -> Self {
        let first = &scenario.variants[0];
        Report {
            nines_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: scenario.name.clone(),
            scenario_file: file.to_owned(),
            scenario_sha256: scenario.sha256.clone(),
            seed: first.seed,
            trials: first.trials,
            horizon_hours: first.horizon,
            quantile_relative_error: QUANTILE_RELATIVE_ERROR,
            variants,
            timing,
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("reports serialise");
        s.push('\n');
        s
    }
}
