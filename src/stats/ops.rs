//! What crews, planned maintenance, hidden failures and shocks add up to
//! over the trials of one variant: streaming and mergeable like the rest of
//! [`crate::stats`], fed once per trial by the engine's
//! [`OpsTrial`](crate::engine::OpsTrial).
//!
//! Per-trial figures (utilisation, fractional dead time, counts per year)
//! are i.i.d. across trials and kept as [`Moments`]; the mean queueing
//! delay is a ratio over repairs, with the trial as the unit of its
//! cluster-robust standard error ([`Ratio`]).

use super::Moments;
use crate::engine::OpsTrial;
use crate::model::Model;
use crate::superacc::Sum;
use serde::{Deserialize, Serialize};

/// Σxᵢ / Σnᵢ over trials with its cluster-robust variance
/// Σ(xᵢ − R·nᵢ)² / (Σnᵢ)² (sums of squares kept, so it merges exactly).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Ratio {
    x: Sum,
    n: Sum,
    xx: Sum,
    xn: Sum,
    nn: Sum,
}

impl Ratio {
    /// Adds one trial's total `x` over its `n` events.
    pub fn add(&mut self, x: f64, n: f64) {
        self.x.add(x);
        self.n.add(n);
        self.xx.add(x * x);
        self.xn.add(x * n);
        self.nn.add(n * n);
    }

    /// Adds another accumulator's trials.
    pub fn merge(&mut self, o: &Ratio) {
        self.x.merge(&o.x);
        self.n.merge(&o.n);
        self.xx.merge(&o.xx);
        self.xn.merge(&o.xn);
        self.nn.merge(&o.nn);
    }

    /// Events counted.
    pub fn events(&self) -> f64 {
        self.n.value()
    }

    /// The ratio (0 without events).
    pub fn mean(&self) -> f64 {
        let n = self.n.value();
        if n > 0.0 { self.x.value() / n } else { 0.0 }
    }

    /// Its standard error.
    pub fn std_error(&self) -> f64 {
        let n = self.n.value();
        if n <= 0.0 {
            return 0.0;
        }
        let r = self.mean();
        ((self.xx.value() - 2.0 * r * self.xn.value() + r * r * self.nn.value()).max(0.0)).sqrt() / n
    }

    /// Normal-approximation 95% interval.
    pub fn ci95(&self) -> [f64; 2] {
        let h = super::Z95 * self.std_error();
        [self.mean() - h, self.mean() + h]
    }
}

/// One crew over all trials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CrewStats {
    /// Repairs asked for, per year.
    pub requests: Moments,
    /// Share of member-hours at work, per trial.
    pub utilisation: Moments,
    /// Hours each repair waited for a member.
    pub queue: Ratio,
    /// Hours of on-call response per repair.
    pub response: Ratio,
}

/// One maintenance schedule over all trials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MaintenanceStats {
    /// Units taken out of service, per year.
    pub done: Moments,
    /// Turns skipped, per year.
    pub skipped: Moments,
}

/// One component's hidden failures over all trials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LatentStats {
    /// Silent failures per year.
    pub silent: Moments,
    /// Found by a test or maintenance (all trials).
    pub found_by_check: u64,
    /// Found when needed (all trials).
    pub found_when_needed: u64,
    /// Fraction of unit-time spent failed without anybody knowing.
    pub dead_fraction: Moments,
    /// Tests per year.
    pub tests: Moments,
    /// Tests that missed (all trials).
    pub missed: u64,
}

/// One shock over all trials.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ShockStats {
    /// Strikes per year.
    pub shocks: Moments,
    /// Units taken down per year.
    pub hits: Moments,
}

/// Everything operations add up to in one variant.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OpsStats {
    /// Per crew, in model order.
    pub crews: Vec<CrewStats>,
    /// Per maintenance schedule.
    pub maintenance: Vec<MaintenanceStats>,
    /// Per hidden-failure entry.
    pub latent: Vec<LatentStats>,
    /// Per shock.
    pub shocks: Vec<ShockStats>,
    /// Per crew: member-hours available in a trial (size × horizon).
    crew_hours: Vec<f64>,
    /// Per hidden-failure entry: unit-hours in a trial.
    latent_hours: Vec<f64>,
    years: f64,
}

impl OpsStats {
    /// Empty statistics for `model`'s crews, schedules, entries and shocks.
    pub fn new(model: &Model) -> Self {
        let o = &model.ops;
        OpsStats {
            crews: vec![CrewStats::default(); o.crews.len()],
            maintenance: vec![MaintenanceStats::default(); o.maintenance.len()],
            latent: vec![LatentStats::default(); o.latent.len()],
            shocks: vec![ShockStats::default(); o.shocks.len()],
            crew_hours: o.crews.iter().map(|c| f64::from(c.size) * model.horizon).collect(),
            latent_hours: o.latent.iter().map(|l| l.units.len() as f64 * model.horizon).collect(),
            years: model.horizon_years(),
        }
    }

    /// Adds one trial.
    pub fn record(&mut self, t: &OpsTrial<'_>) {
        let y = self.years;
        for ((st, tr), avail) in self.crews.iter_mut().zip(t.crews).zip(&self.crew_hours) {
            st.requests.add(f64::from(tr.requests) / y);
            st.utilisation.add(tr.busy_hours / avail);
            st.queue.add(tr.queue_hours, f64::from(tr.requests));
            st.response.add(tr.response_hours, f64::from(tr.requests));
        }
        for (st, tr) in self.maintenance.iter_mut().zip(t.maintenance) {
            st.done.add(f64::from(tr.done) / y);
            st.skipped.add(f64::from(tr.skipped) / y);
        }
        for ((st, tr), hours) in self.latent.iter_mut().zip(t.latent).zip(&self.latent_hours) {
            st.silent.add(f64::from(tr.silent) / y);
            st.found_by_check += u64::from(tr.found_by_check);
            st.found_when_needed += u64::from(tr.found_when_needed);
            st.dead_fraction.add(tr.hidden_hours / hours);
            st.tests.add(f64::from(tr.tests) / y);
            st.missed += u64::from(tr.missed);
        }
        for (st, tr) in self.shocks.iter_mut().zip(t.shocks) {
            st.shocks.add(f64::from(tr.shocks) / y);
            st.hits.add(f64::from(tr.hits) / y);
        }
    }

    /// Adds another accumulator (chunk) after this one.
    pub fn merge(&mut self, o: &OpsStats) {
        for (a, b) in self.crews.iter_mut().zip(&o.crews) {
            a.requests.merge(&b.requests);
            a.utilisation.merge(&b.utilisation);
            a.queue.merge(&b.queue);
            a.response.merge(&b.response);
        }
        for (a, b) in self.maintenance.iter_mut().zip(&o.maintenance) {
            a.done.merge(&b.done);
            a.skipped.merge(&b.skipped);
        }
        for (a, b) in self.latent.iter_mut().zip(&o.latent) {
            a.silent.merge(&b.silent);
            a.found_by_check += b.found_by_check;
            a.found_when_needed += b.found_when_needed;
            a.dead_fraction.merge(&b.dead_fraction);
            a.tests.merge(&b.tests);
            a.missed += b.missed;
        }
        for (a, b) in self.shocks.iter_mut().zip(&o.shocks) {
            a.shocks.merge(&b.shocks);
            a.hits.merge(&b.hits);
        }
    }
}
