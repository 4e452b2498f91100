//! Precision: the exact answer beside the simulated one, estimates with
//! reduced variance (control variates, antithetic pairs), and the relative
//! error that stopping rules watch.

use super::VariantReport;
use crate::stats::control::{ControlStats, Reduced};
use crate::stats::{VariantStats, Z95};
use crate::units::HOURS_PER_YEAR;
use schemars::JsonSchema;
use serde::Serialize;

/// Which variance-reduction levers a run pulls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema, serde::Deserialize)]
pub struct Levers {
    /// The exact twin's downtime as a control variate.
    pub control_variates: bool,
    /// Antithetic pairs of trials.
    pub antithetic: bool,
}

impl Levers {
    /// Whether any lever is pulled.
    pub fn any(&self) -> bool {
        self.control_variates || self.antithetic
    }
}

/// A variant's exact twin as the report tells it, or why it has none.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TwinReport {
    /// Its exact mean downtime over the horizon, hours per year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_downtime_hours: Option<f64>,
    /// What differs from the variant.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// Why there is none (no control variate was used).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub none_because: Vec<String>,
}

/// One figure estimated plainly and with reduced variance.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReducedFigure {
    /// The plain estimate from the same trials (as independent trials).
    pub plain_mean: f64,
    /// Its standard error.
    pub plain_std_error: f64,
    /// The reduced-variance estimate.
    #[serde(flatten)]
    pub reduced: Reduced,
    /// Plain variance of the mean over reduced variance, at the same
    /// number of trials: how many times fewer trials the same precision needs.
    pub variance_reduction: f64,
}

/// What variance reduction did for a variant.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct VarianceReport {
    /// "control variate", "antithetic pairs", or both.
    pub method: String,
    /// The exact twin, when control variates were asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub twin: Option<TwinReport>,
    /// Mean downtime, hours per year.
    pub downtime_hours: ReducedFigure,
    /// Probability that an SLO window meets the SLO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_met_probability: Option<ReducedFigure>,
}

fn figure(plain_mean: f64, plain_se: f64, reduced: Reduced) -> ReducedFigure {
    let variance_reduction = if reduced.std_error > 0.0 {
        (plain_se / reduced.std_error).powi(2)
    } else if plain_se > 0.0 {
        f64::INFINITY
    } else {
        1.0
    };
    ReducedFigure { plain_mean, plain_std_error: plain_se, reduced, variance_reduction }
}

/// The reduced-variance estimates of `control`: (downtime, SLO share).
pub fn reduced(control: &ControlStats, twin_mean: Option<f64>) -> (Option<Reduced>, Option<Reduced>) {
    (control.downtime.estimate(twin_mean), control.slo.estimate(twin_mean))
}

/// Puts variance reduction into `r`: the reduced estimates replace the
/// plain mean downtime (and availability), and `variance_reduction` says
/// by how much.
pub fn apply(
    r: &mut VariantReport,
    s: &VariantStats,
    control: &ControlStats,
    levers: Levers,
    twin: Option<TwinReport>,
) {
    let mean = twin.as_ref().and_then(|t| t.exact_downtime_hours);
    let (down, slo) = reduced(control, if levers.control_variates { mean } else { None });
    let Some(down) = down else { return };
    let method = match (levers.control_variates && mean.is_some(), levers.antithetic) {
        (true, true) => "control variate (exact twin) and antithetic pairs",
        (true, false) => "control variate (exact twin)",
        (false, true) => "antithetic pairs",
        (false, false) => "none (no exact twin)",
    };
    let downtime = figure(s.downtime.mean(), s.downtime.std_error(), down.clone());
    let slo = slo.filter(|_| r.slo.is_some()).map(|x| {
        let p = r.slo.as_ref().expect("checked").met_probability.estimate;
        figure(p, s.slo_met.std_error(), x)
    });
    let d = &mut r.downtime_hours;
    (d.mean, d.ci95, d.std_error) = (down.mean, down.ci95, down.std_error);
    let unavail = |h: f64| h / HOURS_PER_YEAR;
    r.availability.mean = 1.0 - unavail(down.mean);
    r.availability.ci95 = [1.0 - unavail(down.ci95[1]), (1.0 - unavail(down.ci95[0])).min(1.0)];
    r.availability.nines = (down.mean > 0.0).then(|| -unavail(down.mean).log10());
    r.variance_reduction =
        Some(VarianceReport { method: method.to_owned(), twin, downtime_hours: downtime, slo_met_probability: slo });
}

/// What a stopping rule watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, JsonSchema, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// Mean downtime per year.
    #[default]
    Downtime,
    /// Probability that an SLO window meets the SLO.
    Slo,
    /// Outages per year.
    Outages,
}

impl Metric {
    /// Its name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Downtime => "downtime",
            Metric::Slo => "slo",
            Metric::Outages => "outages",
        }
    }
}

/// Relative error (95% half-width / estimate) of `metric` for one variant,
/// from plain statistics or, with `control`, the reduced estimate; infinite
/// while the estimate is 0.
pub fn relative_error(metric: Metric, s: &VariantStats, control: Option<(&ControlStats, Option<f64>)>) -> f64 {
    let re = |mean: f64, se: f64| if mean > 0.0 { Z95 * se / mean } else { f64::INFINITY };
    let reduced = control.map(|(c, mu)| reduced(c, mu));
    match metric {
        Metric::Downtime => match reduced.and_then(|r| r.0) {
            Some(r) => re(r.mean, r.std_error),
            None => re(s.downtime.mean(), s.downtime.std_error()),
        },
        Metric::Slo => match reduced.and_then(|r| r.1) {
            Some(r) => re(r.mean, r.std_error),
            None => {
                let n = s.slo_met.events();
                let p = if n == 0 { 0.0 } else { s.slo_met.hits() as f64 / n as f64 };
                re(p, s.slo_met.std_error())
            }
        },
        Metric::Outages => re(s.outages.mean(), s.outages.std_error()),
    }
}

/// How an availability run stopped, when a stopping rule was given.
#[derive(Clone, Debug, Default, Serialize, JsonSchema)]
pub struct Stopping {
    /// The rule: "relative error 1% of downtime", "time budget 60 s", or both.
    pub rule: String,
    /// Whether the relative error target was reached.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_reached: Option<bool>,
    /// Trials per variant when it stopped: rerunning with `--trials` this
    /// number gives the same report.
    pub trials: u64,
    /// The largest relative error of the watched metric over the variants.
    pub relative_error: f64,
}
