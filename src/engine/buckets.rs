//! Per-trial bookkeeping of buckets: when each was unavailable (split by
//! month for SLA credits, and into the class's own outages versus zone or
//! region outages) and whether its data was destroyed.

use crate::model::Model;
use crate::units::HOURS_PER_MONTH;

/// Working memory for the buckets of one trial.
pub(super) struct BucketScratch {
    /// Start of the current unavailability, or NaN while available.
    pub down_since: Vec<f64>,
    /// Start of the current own (storage-class) outage, or NaN.
    pub own_since: Vec<f64>,
    down_total: Vec<f64>,
    pub own_total: Vec<f64>,
    /// Unavailable hours per bucket and month (`bucket * months + month`).
    month_down: Vec<f64>,
    pub lost: Vec<bool>,
    months: usize,
}

impl BucketScratch {
    pub fn new(model: &Model) -> Self {
        let n = model.buckets.len();
        BucketScratch {
            down_since: vec![f64::NAN; n],
            own_since: vec![f64::NAN; n],
            down_total: vec![0.0; n],
            own_total: vec![0.0; n],
            month_down: vec![0.0; n * model.months as usize],
            lost: vec![false; n],
            months: model.months as usize,
        }
    }

    pub fn reset(&mut self) {
        self.down_since.fill(f64::NAN);
        self.own_since.fill(f64::NAN);
        self.down_total.fill(0.0);
        self.own_total.fill(0.0);
        self.month_down.fill(0.0);
        self.lost.fill(false);
    }

    /// Adds the unavailability `[from, to)` of bucket `b`, split by month.
    pub fn add_down(&mut self, b: usize, from: f64, to: f64) {
        self.down_total[b] += to - from;
        let months = &mut self.month_down[b * self.months..(b + 1) * self.months];
        super::spread(from, to, HOURS_PER_MONTH, months);
    }

    /// Closes the intervals still open at the horizon.
    pub fn close(&mut self, horizon: f64) {
        for b in 0..self.down_since.len() {
            let since = self.down_since[b];
            if !since.is_nan() {
                self.add_down(b, since, horizon);
            }
            let own = self.own_since[b];
            if !own.is_nan() {
                self.own_total[b] += horizon - own;
            }
        }
    }

    /// The figures of the trial just run.
    pub fn trial(&self) -> BucketTrial<'_> {
        BucketTrial {
            down_hours: &self.down_total,
            own_hours: &self.own_total,
            month_down_hours: &self.month_down,
            lost: &self.lost,
            months: self.months,
        }
    }
}

/// One trial's figures for every bucket (in model order), as the engine
/// left them: what [`crate::stats::BucketStats`] adds up.
#[derive(Clone, Copy, Debug)]
pub struct BucketTrial<'a> {
    /// Hours each bucket was unavailable, all causes.
    pub down_hours: &'a [f64],
    /// Of which its storage class's own outages.
    pub own_hours: &'a [f64],
    /// Unavailable hours per bucket and whole month (`bucket * months + month`).
    pub month_down_hours: &'a [f64],
    /// Whether each bucket's data was destroyed.
    pub lost: &'a [bool],
    /// Whole months in the horizon.
    pub months: usize,
}
