//! Control variates and antithetic pairs: the sums a variance-reduced
//! estimate needs, merged exactly like every other accumulator, and the
//! estimates themselves.
//!
//! An *observation* is one trial, or with antithetic pairs the mean of a
//! pair (a trial and its mirror, run on 1 − U for every uniform U), so
//! observations are independent. With a control variate X (the exact
//! twin's downtime, E[X] = μ known), the estimate of E[Y] is
//! Ȳ − β(X̄ − μ) with β = Sxy/Sxx fitted on the same observations (the
//! regression estimator; its bias is O(1/n), far below its standard error
//! at the trial counts used), and its variance the residual variance
//! (Syy − β·Sxy)/(m − 2) over m observations. A regression on a handful
//! of trials with any downtime fits them exactly and would claim no
//! variance at all, so with fewer than [`MIN_EVENTS`] observations where
//! the twin had downtime (x ≠ 0) the control is not used (the plain
//! estimate, β = 0), unless y = x in every observation (the variant is its
//! own twin: the estimate is μ).

use crate::stats::Z95;
use crate::superacc::{Sum, dd};
use serde::{Deserialize, Serialize};

/// Fewest observations with a non-zero x (the twin had downtime) for a
/// control variate to be used (below, the estimate is the plain one).
pub const MIN_EVENTS: u64 = 30;

/// Sums of y (the model's figure), x (the twin's downtime) and their
/// products, over observations.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Paired {
    n: u64,
    /// Observations where x is not zero.
    events: u64,
    /// Observations where y and x differ.
    differ: u64,
    y: Sum,
    x: Sum,
    yy: Sum,
    xx: Sum,
    xy: Sum,
}

/// What the variance-reduced estimate of one figure came to.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Reduced {
    /// Estimate.
    pub mean: f64,
    /// Its 95% interval.
    pub ci95: [f64; 2],
    /// Its standard error.
    pub std_error: f64,
    /// Control-variate coefficient β (absent without a control variate).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
}

impl Paired {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, y: f64, x: f64) {
        self.n += 1;
        self.events += u64::from(x != 0.0);
        self.differ += u64::from(y != x);
        self.y.add(y);
        self.x.add(x);
        self.yy.add(y * y);
        self.xx.add(x * x);
        self.xy.add(x * y);
    }

    /// Adds another accumulator's observations, exactly.
    pub fn merge(&mut self, o: &Paired) {
        self.n += o.n;
        self.events += o.events;
        self.differ += o.differ;
        self.y.merge(&o.y);
        self.x.merge(&o.x);
        self.yy.merge(&o.yy);
        self.xx.merge(&o.xx);
        self.xy.merge(&o.xy);
    }

    /// Observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Σ(a − ā)(b − b̄) from exact sums, in double-double.
    fn centred(&self, a: &Sum, b: &Sum, ab: &Sum) -> f64 {
        let n = self.n as f64;
        let prod = dd::div(dd::mul(a.value_pair(), b.value_pair()), n);
        dd::add(ab.value_pair(), dd::neg(prod)).0
    }

    /// The estimate of E[y]: with `control` = Some(μ), Ȳ − β(X̄ − μ);
    /// without, Ȳ (and with fewer than [`MIN_EVENTS`] observations of a
    /// non-zero x, Ȳ with β = 0). `None` with fewer than 3 observations.
    pub fn estimate(&self, control: Option<f64>) -> Option<Reduced> {
        if self.n < 3 {
            return None;
        }
        let m = self.n as f64;
        let ybar = self.y.value() / m;
        let syy = self.centred(&self.y, &self.y, &self.yy).max(0.0);
        let sxx = self.centred(&self.x, &self.x, &self.xx).max(0.0);
        let (mean, var, beta) = match control {
            None => (ybar, syy / (m - 1.0) / m, None),
            Some(_) if sxx == 0.0 || (self.events < MIN_EVENTS && self.differ > 0) => {
                (ybar, syy / (m - 1.0) / m, Some(0.0))
            }
            Some(mu) => {
                let sxy = self.centred(&self.x, &self.y, &self.xy);
                let beta = sxy / sxx;
                let resid = (syy - beta * sxy).max(0.0);
                let xbar = self.x.value() / m;
                (ybar - beta * (xbar - mu), resid / (m - 2.0) / m, Some(beta))
            }
        };
        let se = var.sqrt();
        Some(Reduced { mean, ci95: [mean - Z95 * se, mean + Z95 * se], std_error: se, beta })
    }
}

/// One variant's sums for variance reduction: downtime (hours per year)
/// and the share of SLO windows met, each paired with the twin's downtime.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ControlStats {
    /// Downtime per observation, with the twin's.
    pub downtime: Paired,
    /// Share of the trial's SLO windows met, with the twin's downtime.
    pub slo: Paired,
    /// The first trial of a pair, waiting for its mirror: (downtime, twin, slo share).
    #[serde(skip)]
    pending: Option<(f64, f64, f64)>,
}

impl ControlStats {
    /// Adds one trial; with `paired`, trials come in pairs (a trial, then
    /// its mirror) and each pair is one observation.
    #[inline]
    pub fn add_trial(&mut self, downtime: f64, twin: f64, slo_share: f64, paired: bool) {
        if !paired {
            self.downtime.add(downtime, twin);
            self.slo.add(slo_share, twin);
            return;
        }
        match self.pending.take() {
            None => self.pending = Some((downtime, twin, slo_share)),
            Some((d, t, s)) => {
                let twin = (t + twin) / 2.0;
                self.downtime.add((d + downtime) / 2.0, twin);
                self.slo.add((s + slo_share) / 2.0, twin);
            }
        }
    }

    /// Adds another accumulator's observations, exactly.
    pub fn merge(&mut self, o: &ControlStats) {
        self.downtime.merge(&o.downtime);
        self.slo.merge(&o.slo);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_control_leaves_no_variance() {
        let mut p = Paired::default();
        for i in 0..100 {
            let x = f64::from(i % 7);
            p.add(2.0 * x + 1.0, x);
        }
        // E[x] known to be 3: the estimate is 2·3 + 1 exactly, SE 0.
        let r = p.estimate(Some(3.0)).unwrap();
        assert!((r.mean - 7.0).abs() < 1e-12 && r.std_error < 1e-9, "{r:?}");
        assert!((r.beta.unwrap() - 2.0).abs() < 1e-12);
        let plain = p.estimate(None).unwrap();
        assert!(plain.std_error > 0.1);
    }

    #[test]
    fn too_few_events_leave_the_plain_estimate() {
        // One trial in 1000 with downtime, in both: a regression would fit
        // it exactly and claim SE 0.
        let mut p = Paired::default();
        for i in 0..1000 {
            let x = if i == 500 { 3.0 } else { 0.0 };
            p.add(2.0 * x, x);
        }
        let (r, plain) = (p.estimate(Some(0.1)).unwrap(), p.estimate(None).unwrap());
        assert_eq!(r.beta, Some(0.0));
        assert_eq!((r.mean, r.std_error), (plain.mean, plain.std_error));
        assert!(r.std_error > 0.0);
    }
}
