//! Streaming, mergeable statistics: what the trials of one variant add up to,
//! in memory that does not grow with the number of trials.
//!
//! The engine reports each trial ([`TrialSummary`], the outages and
//! incidents it tells an [`Observer`], the buckets' [`BucketTrial`]);
//! [`VariantStats`] adds them up. Accumulators are filled chunk by chunk and
//! merged in chunk order, so sums
//! within a chunk run in trial order and merge exactly across chunks
//! ([`crate::superacc`]): every printed digit is the same whatever the
//! number of threads, and whatever split of the run into shards of whole
//! chunks. Quantiles come from a DDSketch with a stated relative error (its
//! bins are integer counts, which merge exactly); means and their
//! confidence intervals are exact. Every accumulator serialises, so a
//! shard's statistics can be saved and merged later.

pub mod control;

pub mod ops;

use crate::engine::{BucketTrial, Incident, Observer, OpsTrial, TrialSummary};
use crate::model::Model;
use crate::superacc::{Sum, dd};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sketches_ddsketch::{Config, DDSketch};

/// Relative accuracy of every reported quantile (0.5%).
pub const QUANTILE_RELATIVE_ERROR: f64 = 0.005;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Count, sum and sum of squares, minimum and maximum of a per-trial
/// quantity. Within a chunk of trials the sums are plain running sums (the
/// order is fixed); across chunks they merge exactly ([`Sum`]), so a run
/// split into shards, merged in any order, gives the same bits as one run.
/// The variance comes from the exact sums in double-double arithmetic, so
/// the cancellation in Σx² − (Σx)²/n costs nothing that shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Moments {
    n: u64,
    sum: Sum,
    sum_sq: Sum,
    min: f64,
    max: f64,
}

impl Moments {
    /// Adds one observation.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum.add(x);
        self.sum_sq.add(x * x);
        if self.n == 1 {
            (self.min, self.max) = (x, x);
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
    }

    /// Adds another accumulator's observations (exactly: the result does
    /// not depend on the order or grouping of merges).
    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            (self.min, self.max) = (o.min, o.max);
        } else {
            self.min = self.min.min(o.min);
            self.max = self.max.max(o.max);
        }
        self.n += o.n;
        self.sum.merge(&o.sum);
        self.sum_sq.merge(&o.sum_sq);
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sum of the observations.
    pub fn sum(&self) -> f64 {
        self.sum.value()
    }

    /// Sample mean (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.sum.value() / self.n as f64 }
    }

    /// Largest observation (0 when empty).
    pub fn max(&self) -> f64 {
        self.max
    }

    /// Smallest observation (0 when empty).
    pub fn min(&self) -> f64 {
        self.min
    }

    /// Σ(x − mean)², from the exact sums (0 when all observations are equal).
    pub fn sum_sq_dev(&self) -> f64 {
        if self.n < 2 || self.min == self.max {
            return 0.0;
        }
        let s1 = self.sum.value_pair();
        let s2 = self.sum_sq.value_pair();
        let square_over_n = dd::div(dd::mul(s1, s1), self.n as f64);
        dd::add(s2, dd::neg(square_over_n)).0.max(0.0)
    }

    /// Sample variance.
    pub fn variance(&self) -> f64 {
        if self.n < 2 { 0.0 } else { self.sum_sq_dev() / (self.n - 1) as f64 }
    }

    /// Sample standard deviation.
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Standard error of the mean.
    pub fn std_error(&self) -> f64 {
        if self.n == 0 { 0.0 } else { self.std_dev() / (self.n as f64).sqrt() }
    }

    /// Normal-approximation 95% interval of the mean (many trials make the
    /// mean's sampling distribution normal even for skewed downtime).
    pub fn ci95(&self) -> [f64; 2] {
        let h = Z95 * self.std_error();
        let m = self.mean();
        [m - h, m + h]
    }
}

/// Quantiles with relative error [`QUANTILE_RELATIVE_ERROR`]; zeros are
/// counted exactly (most trial-years of a good design have no downtime).
#[derive(Clone)]
pub struct Quantiles(DDSketch);

impl std::fmt::Debug for Quantiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Quantiles").field("count", &self.0.count()).finish()
    }
}

impl Default for Quantiles {
    fn default() -> Self {
        Quantiles(DDSketch::new(Config::new(QUANTILE_RELATIVE_ERROR, 4096, 1e-12)))
    }
}

impl Serialize for Quantiles {
    /// The sketch (its bins are integer counts), or null when empty.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.0.count() > 0).then_some(&self.0).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Quantiles {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut q = Quantiles::default();
        if let Some(sketch) = Option::<DDSketch>::deserialize(d)? {
            q.0.merge(&sketch).map_err(|_| serde::de::Error::custom("a quantile sketch of another configuration"))?;
        }
        Ok(q)
    }
}

impl Quantiles {
    /// Adds one observation (must be ≥ 0).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.0.add(x);
    }

    /// Adds another sketch's observations.
    pub fn merge(&mut self, o: &Quantiles) {
        self.0.merge(&o.0).expect("all sketches share one configuration");
    }

    /// The q-quantile (0 when empty).
    pub fn quantile(&self, q: f64) -> f64 {
        self.0.quantile(q).ok().flatten().unwrap_or(0.0)
    }
}

/// A probability estimated from `hits` out of `trials`.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema, PartialEq)]
pub struct Proportion {
    /// Trials in which the event happened.
    pub observed: u64,
    /// Trials.
    pub trials: u64,
    /// observed / trials.
    pub estimate: f64,
    /// Wilson score 95% interval.
    pub ci95: [f64; 2],
    /// When observed is 0: the one-sided 95% upper bound 1 − 0.05^(1/n)
    /// (≈ 3/n, "the rule of three"); the estimate 0 alone would claim too much.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper_bound95: Option<f64>,
    /// When observed equals trials: the one-sided 95% lower bound.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lower_bound95: Option<f64>,
    /// For a share of events clustered in trials (incidents, outages,
    /// windows): the number of independent observations the interval is
    /// worth, from the cluster-robust variance (the trial is the unit).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_trials: Option<f64>,
}

impl Proportion {
    /// Estimates a probability from independent trials, with its interval.
    pub fn new(observed: u64, trials: u64) -> Self {
        Self::with_effective_n(observed, trials, trials.max(1) as f64)
    }

    /// `observed` of `trials` events whose interval is worth `n`
    /// independent observations (Wilson score interval and rule-of-three
    /// bounds at `n`).
    fn with_effective_n(observed: u64, trials: u64, n: f64) -> Self {
        let p = observed as f64 / trials.max(1) as f64;
        let z2 = Z95 * Z95;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
        let bound = 1.0 - 0.05f64.powf(1.0 / n);
        Proportion {
            observed,
            trials,
            estimate: p,
            ci95: [(centre - half).max(0.0), (centre + half).min(1.0)],
            upper_bound95: (observed == 0).then_some(bound),
            lower_bound95: (observed == trials && trials > 0).then_some(1.0 - bound),
            effective_trials: None,
        }
    }
}

/// A share of events (incidents, outages, SLO windows, months) that met a
/// condition, with the trial as the unit of independence: the events of
/// one trial share its backups, its zone outages and its state, so they
/// are not independent. The estimate is the ratio Σhits / Σevents over
/// trials; its variance is the cluster-robust (sandwich) one,
/// Σ(hᵢ − R·nᵢ)² / (Σnᵢ)², from per-trial hits hᵢ and events nᵢ. The
/// interval is Wilson's at the effective number of observations
/// R(1 − R) / Var(R), which is the plain count when every trial has at
/// most one event.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ClusteredShare {
    hits: u64,
    events: u64,
    /// Trials with at least one event.
    clusters: u64,
    /// Largest number of events in one trial.
    largest: u64,
    hh: u128,
    he: u128,
    ee: u128,
}

impl ClusteredShare {
    /// Adds one trial's `hits` out of its `events`.
    #[inline]
    pub fn add_trial(&mut self, hits: u64, events: u64) {
        if events == 0 {
            return;
        }
        self.hits += hits;
        self.events += events;
        self.clusters += 1;
        self.largest = self.largest.max(events);
        let (h, e) = (u128::from(hits), u128::from(events));
        self.hh += h * h;
        self.he += h * e;
        self.ee += e * e;
    }

    /// Adds another accumulator's trials (exact: integer sums).
    pub fn merge(&mut self, o: &ClusteredShare) {
        self.hits += o.hits;
        self.events += o.events;
        self.clusters += o.clusters;
        self.largest = self.largest.max(o.largest);
        self.hh += o.hh;
        self.he += o.he;
        self.ee += o.ee;
    }

    /// Events counted.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Hits counted.
    pub fn hits(&self) -> u64 {
        self.hits
    }

    /// Standard error of the share: binomial with at most one event per
    /// trial, else the cluster-robust one.
    pub fn std_error(&self) -> f64 {
        if self.events == 0 {
            return 0.0;
        }
        let r = self.hits as f64 / self.events as f64;
        if self.largest <= 1 { (r * (1.0 - r) / self.events as f64).sqrt() } else { self.variance().sqrt() }
    }

    /// Cluster-robust variance of the ratio estimate (0 when it is 0 or 1).
    pub fn variance(&self) -> f64 {
        if self.events == 0 || self.hits == 0 || self.hits == self.events {
            return 0.0;
        }
        let r = self.hits as f64 / self.events as f64;
        let resid = self.hh as f64 - 2.0 * r * self.he as f64 + r * r * self.ee as f64;
        resid.max(0.0) / (self.events as f64 * self.events as f64)
    }

    /// The share with its interval.
    pub fn proportion(&self) -> Proportion {
        if self.largest <= 1 {
            return Proportion::new(self.hits, self.events);
        }
        let r = self.hits as f64 / self.events as f64;
        let var = self.variance();
        let n = if var > 0.0 { r * (1.0 - r) / var } else { self.clusters as f64 };
        Proportion { effective_trials: Some(n), ..Proportion::with_effective_n(self.hits, self.events, n) }
    }
}

/// Two variants compared trial by trial: they share their random numbers,
/// so the difference of their downtimes in one trial is free of most of
/// the noise both carry, and its mean has a much tighter interval than the
/// difference of the two means.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PairStats {
    /// First variant (index in the run).
    pub a: usize,
    /// Second variant.
    pub b: usize,
    /// Downtime of `a` minus downtime of `b`, hours per year, per trial
    /// both ran.
    pub downtime: Moments,
}

impl PairStats {
    /// Nothing compared yet.
    pub fn new(a: usize, b: usize) -> Self {
        PairStats { a, b, downtime: Moments::default() }
    }

    /// Adds one trial's difference.
    #[inline]
    pub fn add(&mut self, downtime_difference: f64) {
        self.downtime.add(downtime_difference);
    }

    /// Adds another accumulator's trials after these.
    pub fn merge(&mut self, o: &PairStats) {
        self.downtime.merge(&o.downtime);
    }
}

/// What the trials add up to for one bucket.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BucketStats {
    /// Hours per year the bucket was unavailable, all causes.
    pub downtime: Moments,
    /// Of which its storage class's own outages.
    pub own: Moments,
    /// Of which zone or region outages (while the class itself was up).
    pub infra: Moments,
    /// Simulated whole months.
    pub months: u64,
    /// Months that earned each SLA credit tier (same order as the class's
    /// tiers), as shares of months with the trial as the unit.
    pub credit_months: Vec<ClusteredShare>,
    /// SLA credit per trial, USD per year.
    pub credit_usd: Moments,
    /// Trials in which the bucket's data was destroyed.
    pub lost_trials: u64,
    /// Bytes destroyed per trial, per year.
    pub bytes_lost: Moments,
}

impl BucketStats {
    /// Empty statistics for a class with `tiers` credit tiers.
    pub fn new(tiers: usize) -> Self {
        BucketStats { credit_months: vec![ClusteredShare::default(); tiers], ..Default::default() }
    }

    /// Adds bucket `b`'s figures of one trial of `years` years.
    pub fn record(&mut self, model: &Model, b: usize, t: &BucketTrial<'_>, years: f64) {
        let bucket = &model.buckets[b];
        let total = t.down_hours[b];
        let own = t.own_hours[b];
        self.downtime.add(total / years);
        self.own.add(own / years);
        self.infra.add((total - own).max(0.0) / years);
        let months = &t.month_down_hours[b * t.months..(b + 1) * t.months];
        let tier = |down: &f64| bucket.class.credit_tier(1.0 - down / crate::units::HOURS_PER_MONTH);
        let credit_pct =
            months.iter().filter_map(tier).fold(0.0, |sum, i| sum + bucket.class.sla_credit_tiers.tiers[i][2]);
        for (i, share) in self.credit_months.iter_mut().enumerate() {
            let n = months.iter().filter(|d| tier(d) == Some(i)).count();
            share.add_trial(n as u64, t.months as u64);
        }
        self.months += t.months as u64;
        self.credit_usd.add(credit_pct / 100.0 * bucket.monthly_usd() / years);
        if t.lost[b] {
            self.lost_trials += 1;
        }
        self.bytes_lost.add(if t.lost[b] { bucket.size_bytes / years } else { 0.0 });
    }

    /// Adds another accumulator after this one.
    pub fn merge(&mut self, o: &BucketStats) {
        self.downtime.merge(&o.downtime);
        self.own.merge(&o.own);
        self.infra.merge(&o.infra);
        self.months += o.months;
        for (a, b) in self.credit_months.iter_mut().zip(&o.credit_months) {
            a.merge(b);
        }
        self.credit_usd.merge(&o.credit_usd);
        self.lost_trials += o.lost_trials;
        self.bytes_lost.merge(&o.bytes_lost);
    }
}

/// One trial's incidents, counted as they come.
#[derive(Clone, Copy, Debug, Default)]
struct IncidentCounts {
    incidents: u64,
    gone: u64,
    rpo_met: u64,
    rto_met: u64,
}

/// Data incidents: loss windows, recovery times, RPO and RTO.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DataStats {
    /// Incidents (losses and corruptions).
    pub incidents: u64,
    /// Of which logical corruptions.
    pub corruptions: u64,
    /// Incidents with no usable recovery point (data gone for good).
    pub gone: ClusteredShare,
    /// Data-loss window per incident with a recovery point, hours.
    pub window: Moments,
    /// Its quantiles.
    pub window_q: Quantiles,
    /// Recovery time per incident, hours.
    pub recovery: Moments,
    /// Its quantiles.
    pub recovery_q: Quantiles,
    /// Writes rolled back per corruption (corruption to detection), hours.
    pub rolled_back: Moments,
    /// Incidents whose window was within the RPO.
    pub rpo_met: ClusteredShare,
    /// Incidents whose recovery was within the RTO.
    pub rto_met: ClusteredShare,
    /// This trial's counts so far (folded in by [`DataStats::trial`]).
    #[serde(skip)]
    current: IncidentCounts,
    /// Trials in which every incident met both RPO and RTO.
    pub years_all_met: u64,
    /// Incidents per trial, per year.
    pub per_year: Moments,
    /// Data lost per trial, hours per year.
    pub lost_hours: Moments,
    /// Data lost per trial, bytes per year.
    pub lost_bytes: Moments,
}

impl DataStats {
    /// Adds one incident.
    pub fn record(&mut self, i: &Incident, rpo: Option<f64>, rto: Option<f64>) {
        self.incidents += 1;
        self.current.incidents += 1;
        if i.corruption {
            self.corruptions += 1;
            self.rolled_back.add(i.rolled_back);
        }
        match i.window {
            Some(w) => {
                self.window.add(w);
                self.window_q.add(w);
                if rpo.is_some_and(|r| w <= r) {
                    self.current.rpo_met += 1;
                }
            }
            None => self.current.gone += 1,
        }
        self.recovery.add(i.recovery);
        self.recovery_q.add(i.recovery);
        if rto.is_some_and(|r| i.recovery <= r) {
            self.current.rto_met += 1;
        }
    }

    /// Adds one trial's totals.
    pub fn trial(&mut self, t: &TrialSummary, years: f64) {
        let c = std::mem::take(&mut self.current);
        self.gone.add_trial(c.gone, c.incidents);
        self.rpo_met.add_trial(c.rpo_met, c.incidents);
        self.rto_met.add_trial(c.rto_met, c.incidents);
        self.per_year.add(f64::from(t.incidents) / years);
        self.lost_hours.add(t.data_lost_hours / years);
        self.lost_bytes.add(t.data_lost_bytes / years);
        if t.incidents_missed == 0 {
            self.years_all_met += 1;
        }
    }

    /// Adds another accumulator after this one.
    pub fn merge(&mut self, o: &DataStats) {
        self.incidents += o.incidents;
        self.corruptions += o.corruptions;
        self.gone.merge(&o.gone);
        self.window.merge(&o.window);
        self.window_q.merge(&o.window_q);
        self.recovery.merge(&o.recovery);
        self.recovery_q.merge(&o.recovery_q);
        self.rolled_back.merge(&o.rolled_back);
        self.rpo_met.merge(&o.rpo_met);
        self.rto_met.merge(&o.rto_met);
        self.years_all_met += o.years_all_met;
        self.per_year.merge(&o.per_year);
        self.lost_hours.merge(&o.lost_hours);
        self.lost_bytes.merge(&o.lost_bytes);
    }
}

/// Everything the trials of one variant add up to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VariantStats {
    /// Trials recorded.
    pub trials: u64,
    /// Events processed.
    pub events: u64,
    /// Downtime per trial, hours per year.
    pub downtime: Moments,
    /// Its quantiles.
    pub downtime_q: Quantiles,
    /// Outages per trial, per year.
    pub outages: Moments,
    /// Length of each outage, hours (clipped at the horizon).
    pub outage_len: Moments,
    /// Its quantiles.
    pub outage_len_q: Quantiles,
    /// Error-budget minutes per trial, per year.
    pub error_budget_minutes: Moments,
    /// Spot interruptions per trial, per year.
    pub spot_interruptions: Moments,
    /// Trials without any outage.
    pub no_outage: u64,
    /// SLO windows that met the SLO, with the trial as the unit.
    pub slo_met: ClusteredShare,
    /// Downtime hours per cause (summed over trials, exactly across chunks).
    pub cause_hours: Vec<Sum>,
    /// Outages per cause (summed over trials).
    pub cause_outages: Vec<u64>,
    /// Per bucket, in model order.
    pub buckets: Vec<BucketStats>,
    /// Data incidents over all stores.
    pub data: DataStats,
    /// Service outages that ended within the RTO, with the trial as the unit.
    pub outages_within_rto: ClusteredShare,
    /// This trial's outages so far, and of them those within the RTO.
    #[serde(skip)]
    current_outages: (u64, u64),
    /// Crews, maintenance, hidden failures and shocks, when the model has any.
    pub ops: Option<Box<ops::OpsStats>>,
    /// Downtime started by planned work (maintenance and tests), hours per
    /// year, per trial; kept when the model plans any.
    pub planned: Moments,
    /// Downtime from every other cause, hours per year, per trial.
    pub unplanned: Moments,
    /// Per cause: planned work (maintenance or a test).
    planned_cause: Vec<bool>,
    /// This trial's planned downtime so far, hours.
    current_planned: f64,
    /// The model's RTO and RPO, hours (for classifying as we go).
    pub rto: Option<f64>,
    /// See `rto`.
    pub rpo: Option<f64>,
}

impl VariantStats {
    /// Empty statistics for `model` (one slot per cause and bucket).
    pub fn new(model: &Model) -> Self {
        let causes = model.causes.len();
        VariantStats {
            cause_hours: vec![Sum::default(); causes],
            cause_outages: vec![0; causes],
            buckets: model.buckets.iter().map(|b| BucketStats::new(b.class.sla_credit_tiers.tiers.len())).collect(),
            ops: model.ops.any().then(|| Box::new(ops::OpsStats::new(model))),
            planned_cause: model
                .causes
                .iter()
                .map(|c| matches!(c.kind, crate::model::CauseKind::Maintenance | crate::model::CauseKind::Test))
                .collect(),
            rto: model.rto,
            rpo: model.rpo,
            ..Default::default()
        }
    }

    /// Adds one trial of `model`: its summary and its buckets' figures
    /// (its outages and incidents came in through [`Observer`]).
    pub fn record_trial(&mut self, model: &Model, t: &TrialSummary, buckets: &BucketTrial<'_>) {
        let years = model.horizon_years();
        self.trials += 1;
        self.events += t.events;
        let annual = t.downtime / years;
        self.downtime.add(annual);
        self.downtime_q.add(annual);
        self.outages.add(f64::from(t.outages) / years);
        if !model.groups.is_empty() {
            self.error_budget_minutes.add(t.error_budget * 60.0 / years);
            self.spot_interruptions.add(f64::from(t.spot_interruptions) / years);
        }
        if !model.stores.is_empty() {
            self.data.trial(t, years);
        }
        if t.outages == 0 {
            self.no_outage += 1;
        }
        if model.slo.is_some() {
            self.slo_met.add_trial(u64::from(t.slo_windows_met), u64::from(t.slo_windows));
        }
        let planned = std::mem::take(&mut self.current_planned);
        if model.plans_work() {
            self.planned.add(planned / years);
            self.unplanned.add((t.downtime - planned) / years);
        }
        let (outages, within) = std::mem::take(&mut self.current_outages);
        if self.rto.is_some() {
            self.outages_within_rto.add_trial(within, outages);
        }
        for (b, st) in self.buckets.iter_mut().enumerate() {
            st.record(model, b, buckets, years);
        }
    }

    /// Adds another accumulator (chunk) after this one.
    pub fn merge(&mut self, o: &VariantStats) {
        self.trials += o.trials;
        self.events += o.events;
        self.downtime.merge(&o.downtime);
        self.downtime_q.merge(&o.downtime_q);
        self.outages.merge(&o.outages);
        self.outage_len.merge(&o.outage_len);
        self.outage_len_q.merge(&o.outage_len_q);
        self.error_budget_minutes.merge(&o.error_budget_minutes);
        self.spot_interruptions.merge(&o.spot_interruptions);
        self.no_outage += o.no_outage;
        self.slo_met.merge(&o.slo_met);
        for (a, b) in self.cause_hours.iter_mut().zip(&o.cause_hours) {
            a.merge(b);
        }
        for (a, b) in self.cause_outages.iter_mut().zip(&o.cause_outages) {
            *a += b;
        }
        for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
            a.merge(b);
        }
        self.data.merge(&o.data);
        self.outages_within_rto.merge(&o.outages_within_rto);
        self.planned.merge(&o.planned);
        self.unplanned.merge(&o.unplanned);
        if let (Some(a), Some(b)) = (&mut self.ops, &o.ops) {
            a.merge(b);
        }
    }
}

impl Observer for VariantStats {
    #[inline]
    fn outage(&mut self, _start: f64, length: f64, cause: u32) {
        self.outage_len.add(length);
        self.outage_len_q.add(length);
        self.cause_hours[cause as usize].add(length);
        self.cause_outages[cause as usize] += 1;
        if self.planned_cause.get(cause as usize).copied().unwrap_or(false) {
            self.current_planned += length;
        }
        self.current_outages.0 += 1;
        if self.rto.is_some_and(|rto| length <= rto) {
            self.current_outages.1 += 1;
        }
    }

    fn incident(&mut self, i: &Incident) {
        self.data.record(i, self.rpo, self.rto);
    }

    fn operations(&mut self, t: &OpsTrial<'_>) {
        if let Some(o) = &mut self.ops {
            o.record(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn merged_moments_equal_sequential() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64 / 10.0).collect();
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.add(x));
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..300].iter().for_each(|&x| a.add(x));
        xs[300..].iter().for_each(|&x| b.add(x));
        a.merge(&b);
        assert_eq!(a.count(), 1000);
        assert_relative_eq!(a.mean(), all.mean(), max_relative = 1e-12);
        assert_relative_eq!(a.std_dev(), all.std_dev(), max_relative = 1e-12);
        assert_eq!(a.max(), all.max());
    }

    #[test]
    fn zero_hits_give_rule_of_three_bound() {
        let p = Proportion::new(0, 1000);
        assert_eq!(p.estimate, 0.0);
        let ub = p.upper_bound95.unwrap();
        assert!((ub - 3.0 / 1000.0).abs() < 1e-4, "{ub}");
        assert!(Proportion::new(1000, 1000).lower_bound95.is_some());
    }

    #[test]
    fn wilson_interval_contains_estimate() {
        let p = Proportion::new(30, 100);
        assert!(p.ci95[0] < 0.3 && 0.3 < p.ci95[1]);
        assert_relative_eq!(p.ci95[0], 0.2189, epsilon = 1e-3);
        assert_relative_eq!(p.ci95[1], 0.3958, epsilon = 1e-3);
    }

    #[test]
    fn quantiles_are_within_stated_error() {
        let mut q = Quantiles::default();
        for i in 1..=10_000 {
            q.add(i as f64);
        }
        let p50 = q.quantile(0.5);
        assert!((p50 - 5000.0).abs() / 5000.0 < QUANTILE_RELATIVE_ERROR * 1.01, "{p50}");
        let mut z = Quantiles::default();
        for _ in 0..90 {
            z.add(0.0);
        }
        for _ in 0..10 {
            z.add(5.0);
        }
        assert_eq!(z.quantile(0.5), 0.0);
    }
}
