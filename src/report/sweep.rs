//! A sweep's results: one run of the scenario per value of one parameter
//! ([`SweepReport`]), the metrics its chart shows, and its text table.

use super::Report;
use super::table::{percent_avail, probability, sig};
use schemars::JsonSchema;
use serde::Serialize;
use std::fmt::Write;

/// What a sweep chart shows, one panel each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Mean downtime per year with its 95% interval.
    Downtime,
    /// Probability that a year meets the SLO, with its 95% interval.
    Slo,
    /// Monthly cost, when the scenario prices anything.
    Cost,
}

/// One value of the swept parameter and what it gave.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SweepRun {
    /// The value as given on the command line.
    pub value: String,
    /// Its position on a numeric axis: the number itself, or a duration in
    /// hours; absent when the values are not all numbers (or all durations).
    pub x: Option<f64>,
    /// The run, all selected variants.
    pub report: Report,
}

/// A whole sweep.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SweepReport {
    /// Version of this JSON format.
    pub schema_version: u32,
    /// Version of nines that produced it.
    pub nines_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Seed of every run.
    pub seed: u64,
    /// Trials per variant and value.
    pub trials: u64,
    /// The swept path.
    pub parameter: String,
    /// Unit of `x` (`hours` for durations), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_unit: Option<String>,
    /// Other `--set` overrides, applied to every run (`PATH=VALUE`).
    pub fixed: Vec<String>,
    /// One run per value, in the order given.
    pub runs: Vec<SweepRun>,
}

/// The metrics to plot: those asked for, else downtime, the SLO when the
/// scenario has one, and cost when it prices anything.
pub fn default_metrics(s: &SweepReport, asked: &[Metric]) -> Vec<Metric> {
    if !asked.is_empty() {
        let mut m = asked.to_vec();
        m.dedup();
        return m;
    }
    let variants = || s.runs.iter().flat_map(|r| &r.report.variants);
    let mut m = vec![Metric::Downtime];
    if variants().any(|v| v.slo.is_some()) {
        m.push(Metric::Slo);
    }
    if variants().any(|v| v.cost.is_some()) {
        m.push(Metric::Cost);
    }
    m
}

/// The sweep as an aligned table: one row per value and variant.
pub fn render(s: &SweepReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "nines {} · {} ({}, sha256 {}…) · sweep {} · {} trials × {} value{} · seed {}",
        s.nines_version,
        s.scenario,
        s.scenario_file,
        &s.scenario_sha256[..s.scenario_sha256.len().min(12)],
        s.parameter,
        s.trials,
        s.runs.len(),
        if s.runs.len() == 1 { "" } else { "s" },
        s.seed
    );
    if !s.fixed.is_empty() {
        let _ = writeln!(out, "with {}", s.fixed.join(", "));
    }
    let slo = s.runs.iter().flat_map(|r| &r.report.variants).find_map(|v| v.slo.as_ref());
    let priced = s.runs.iter().flat_map(|r| &r.report.variants).any(|v| v.cost.is_some());
    let mut head = vec![s.parameter.clone(), "variant".into(), "downtime h/yr [95% CI]".into(), "availability".into()];
    if let Some(slo) = slo {
        head.push(format!("{} meeting SLO {}", slo.windows_name(), percent_avail(slo.target)));
    }
    if priced {
        head.push("cost $/month".into());
    }
    let mut rows = vec![head];
    for r in &s.runs {
        for v in &r.report.variants {
            let d = &v.downtime_hours;
            let mut row = vec![
                r.value.clone(),
                v.name.clone(),
                format!("{} [{}, {}]", sig(d.mean, 3), sig(d.ci95[0].max(0.0), 3), sig(d.ci95[1], 3)),
                percent_avail(v.availability.mean),
            ];
            if slo.is_some() {
                row.push(v.slo.as_ref().map_or("–".into(), |x| probability(&x.met_probability)));
            }
            if priced {
                row.push(v.cost.as_ref().map_or("–".into(), |c| sig(c.monthly_usd, 4)));
            }
            rows.push(row);
        }
    }
    let widths: Vec<usize> =
        (0..rows[0].len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for r in &rows {
        let mut line = String::new();
        for (cell, w) in r.iter().zip(&widths) {
            let _ = write!(line, "{cell:w$}   ");
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}
