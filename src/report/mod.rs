//! What a run reports: the per-variant figures as one serde type, built from
//! the accumulated statistics, then rendered as an aligned table ([`table`])
//! or JSON. Every renderer reads the same [`Report`], so the table and the
//! JSON cannot disagree.

pub mod check;
pub mod csv;
pub mod operations;
pub mod precision;
pub mod sentences;
pub mod sweep;
pub mod table;
pub mod timeline;
pub mod uncertainty;

use crate::model::Model;
use crate::scenario::Scenario;
use crate::stats::{Moments, Proportion, QUANTILE_RELATIVE_ERROR, VariantStats};
use crate::units::HOURS_PER_YEAR;
use schemars::JsonSchema;
use serde::Serialize;

/// Version of the JSON outputs' format (report, sweep, timeline): raised
/// when a field is removed or renamed or changes its type or meaning, not
/// when one is added (readers ignore fields they do not know). The schemas
/// under `schemas/` describe this version.
pub const SCHEMA_VERSION: u32 = 1;

/// A whole run: provenance, one entry per variant, and timing.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Report {
    /// Version of this JSON format ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
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
    /// Variants compared trial by trial (all pairs; with more than twelve
    /// variants, each against the first).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub comparisons: Vec<Comparison>,
    /// With `--uncertainty N`: the spread of mean downtime across input
    /// sets, and the tornado.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<uncertainty::UncertaintyReport>,
    /// Wall time and speed; the only part that differs between runs.
    pub timing: Timing,
}

/// Two variants compared on the same trials (common random numbers).
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Comparison {
    /// First variant.
    pub a: String,
    /// Second variant.
    pub b: String,
    /// Trials both ran.
    pub trials: u64,
    /// Mean of the per-trial difference of downtime, a − b, hours per year,
    /// with its 95% interval and standard error: tighter than the two
    /// variants' intervals suggest, because they share their random numbers.
    pub downtime_hours_difference: Difference,
    /// Monthly cost of a minus that of b, USD (when either prices anything).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_usd_difference: Option<f64>,
}

/// A mean difference with its interval.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Difference {
    /// Mean.
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci95: [f64; 2],
    /// Standard error of the mean.
    pub std_error: f64,
}

impl Comparison {
    /// The comparison of `p.a` with `p.b` among `models`.
    pub fn new(models: &[&Model], p: &crate::stats::PairStats) -> Self {
        let bill = |m: &Model| (!m.cost.is_empty()).then(|| m.cost.iter().map(|c| c.monthly_usd).sum::<f64>());
        let (ma, mb) = (models[p.a], models[p.b]);
        let d = &p.downtime;
        Comparison {
            a: ma.variant.clone(),
            b: mb.variant.clone(),
            trials: d.count(),
            downtime_hours_difference: Difference { mean: d.mean(), ci95: d.ci95(), std_error: d.std_error() },
            monthly_usd_difference: match (bill(ma), bill(mb)) {
                (None, None) => None,
                (x, y) => Some(x.unwrap_or(0.0) - y.unwrap_or(0.0)),
            },
        }
    }
}

/// How long the run took.
#[derive(Clone, Debug, Serialize, JsonSchema, Default)]
pub struct Timing {
    /// Worker threads.
    pub threads: usize,
    /// Wall-clock seconds for all variants.
    pub wall_seconds: f64,
    /// Trials (all variants) per second.
    pub trials_per_second: f64,
    /// Events (all variants) per second.
    pub events_per_second: f64,
    /// How the run stopped, when `--target-re` or `--time-budget` ruled it
    /// (here because a time budget makes it differ between runs; the trials
    /// it reached are the report's `trials`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopping: Option<precision::Stopping>,
    /// With `nines merge`: the shards merged, and their wall time added up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<u64>,
}

/// Mean with interval and quantiles of a per-trial quantity.
#[derive(Clone, Debug, Serialize, JsonSchema)]
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

/// One point of a distribution: the `q`-quantile is `hours`.
#[derive(Clone, Debug, Serialize, JsonSchema, PartialEq)]
pub struct QuantilePoint {
    /// Quantile level, 0 to 1.
    pub q: f64,
    /// Hours (per year, for downtime; per incident, for data incidents).
    pub hours: f64,
}

/// Quantile levels of [`VariantReport::downtime_quantiles`] (and of the
/// data-loss window and recovery time grids), 67 of them:
/// every 2.5% up to 90%, then denser in the tail where designs differ
/// (91…99%, 99.1…99.9%, 99.91…99.99%, 99.995%, 99.999%), and 1 (the worst
/// year or incident, exact).
pub fn quantile_grid() -> Vec<f64> {
    let mut q: Vec<f64> = (0..=36).map(|k| f64::from(k) / 40.0).collect();
    q.extend((91..=99).map(|k| f64::from(k) / 100.0));
    q.extend((991..=999).map(|k| f64::from(k) / 1000.0));
    q.extend((9991..=9999).map(|k| f64::from(k) / 10_000.0));
    q.extend([0.99995, 0.99999, 1.0]);
    q
}

/// `q` on the [`quantile_grid`], the last point (q = 1) the exact `max`.
fn quantile_points(q: &crate::stats::Quantiles, max: f64) -> Vec<QuantilePoint> {
    quantile_grid()
        .into_iter()
        .map(|level| QuantilePoint { q: level, hours: if level >= 1.0 { max } else { q.quantile(level).min(max) } })
        .collect()
}

/// Availability: mean fraction of time up, and its nines.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Availability {
    /// Mean availability (1 − mean downtime / year).
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// −log10(1 − mean); absent when no downtime was seen at all.
    pub nines: Option<f64>,
}

/// The SLO and how often a window meets it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Slo {
    /// Target availability.
    pub target: f64,
    /// Length of the window it is judged over, hours (8760: a year).
    pub window_hours: f64,
    /// Whole windows judged, all trials (consecutive from t = 0; a trailing
    /// partial window is not judged).
    pub windows_judged: u64,
    /// Probability that a window's availability met the target (the trial
    /// is the unit of the interval: windows of one trial are not independent).
    pub met_probability: Proportion,
}

impl Slo {
    /// What its windows are called: "years", "months", or "720h windows".
    pub fn windows_name(&self) -> String {
        if (self.window_hours - HOURS_PER_YEAR).abs() < 1e-9 {
            "years".to_owned()
        } else if (self.window_hours - crate::units::HOURS_PER_MONTH).abs() < 1e-9 {
            "months".to_owned()
        } else {
            format!("{} windows", crate::units::format_duration(self.window_hours))
        }
    }
}

/// Outage counts.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Rate {
    /// Mean per year.
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
}

/// Lengths of individual outages.
#[derive(Clone, Debug, Serialize, JsonSchema)]
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
#[derive(Clone, Debug, Serialize, JsonSchema)]
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
#[derive(Clone, Debug, Serialize, JsonSchema)]
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
    /// Distribution of annual downtime across trials on the fixed grid of
    /// [`quantile_grid`] (for charts); quantiles within the sketch's
    /// relative error, the last point (q = 1) the exact worst year.
    pub downtime_quantiles: Vec<QuantilePoint>,
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
    /// Minutes per year of requests failing while the service was up
    /// (traffic sent to failed instances before the health check noticed),
    /// weighted by the share of traffic failing; present with groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_budget_minutes: Option<MeanCi>,
    /// Spot interruptions per year; present with Spot groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot_interruptions_per_year: Option<MeanCi>,
    /// What started the downtime, largest first; causes with none are left out.
    pub causes: Vec<CauseShare>,
    /// Buckets and their storage classes, when the scenario has any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<BucketReport>,
    /// Monthly bill and downtime cost, when the scenario prices anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<CostReport>,
    /// Recovery point objective and how often data incidents met it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpo: Option<RpoReport>,
    /// Recovery time objective: data incidents, and every service outage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto: Option<RtoReport>,
    /// Data-loss window per incident, hours (incidents with a recovery point).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_loss_window_hours: Option<Spread>,
    /// Recovery time per data incident, hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_time_hours: Option<Spread>,
    /// Distribution of the data-loss window per incident with a recovery
    /// point, on the grid of [`quantile_grid`] (for charts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_loss_window_quantiles: Option<Vec<QuantilePoint>>,
    /// Distribution of the recovery time per data incident, on the same grid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery_time_quantiles: Option<Vec<QuantilePoint>>,
    /// Data incidents per year and what they cost in data.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<DataReport>,
    /// Each dataset's durability (its own estimation pass).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub durability: Vec<crate::durability::DurabilityReport>,
    /// Crews, maintenance, hidden failures, shocks, and downtime without
    /// planned work, when the scenario has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operations: Option<operations::OperationsReport>,
    /// Downtime by importance sampling (`--rare`; its own pass).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rare_downtime: Option<crate::downtime::RareDowntime>,
    /// The exact answer where the model admits one (independent exponential
    /// units and outages), else why not.
    pub exact: crate::exact::Route,
    /// With `--control-variates` or `--antithetic`: the plain and the
    /// reduced-variance estimates (the latter also in `downtime_hours`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variance_reduction: Option<precision::VarianceReport>,
}

/// Mean with interval, quantiles and maximum of a per-incident quantity.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Spread {
    /// Incidents measured.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci95: [f64; 2],
    /// Median.
    pub p50: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    fn new(m: &Moments, q: &crate::stats::Quantiles) -> Self {
        Spread {
            count: m.count(),
            mean: m.mean(),
            ci95: m.ci95(),
            p50: q.quantile(0.5),
            p99: q.quantile(0.99),
            max: m.max(),
        }
    }
}

/// The RPO and data incidents that met it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RpoReport {
    /// Target, hours.
    pub target_hours: f64,
    /// Probability that a data incident lost at most the RPO (incidents
    /// without a recovery point count as missed).
    pub met_probability: Proportion,
}

/// The RTO, for data incidents and for every outage of the service.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct RtoReport {
    /// Target, hours.
    pub target_hours: f64,
    /// Probability that a data incident was recovered within the RTO.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub met_probability: Option<Proportion>,
    /// Share of all service outages (any cause) that ended within the RTO.
    pub outages_within: Proportion,
}

/// Data incidents of a variant.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct DataReport {
    /// Incidents per year.
    pub incidents_per_year: MeanCi,
    /// Incidents simulated.
    pub incidents: u64,
    /// Of which logical corruptions.
    pub corruptions: u64,
    /// Share of incidents with no usable recovery point (data gone for good).
    pub no_recovery_point: Proportion,
    /// Probability that every incident of a year met both RPO and RTO.
    pub years_all_met: Proportion,
    /// Data lost, hours of writes per year.
    pub lost_hours_per_year: MeanCi,
    /// Data lost, bytes per year (window × change rate).
    pub lost_bytes_per_year: MeanCi,
    /// Writes rolled back per corruption (corruption to detection), hours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rolled_back_hours: Option<MeanCi>,
}

/// A mean per year with its 95% interval.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MeanCi {
    /// Mean.
    pub mean: f64,
    /// 95% interval of the mean.
    pub ci95: [f64; 2],
}

impl From<&Moments> for MeanCi {
    fn from(m: &Moments) -> Self {
        MeanCi { mean: m.mean(), ci95: m.ci95() }
    }
}

/// Unavailability of a bucket, in its two parts.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BucketDowntime {
    /// All causes, hours per year.
    pub total: MeanCi,
    /// The storage class's own outages (calibrated to its designed availability).
    pub class_outages: MeanCi,
    /// The scenario's zone and region outages, while the class itself was up.
    pub zone_region_outages: MeanCi,
    /// What the designed availability alone implies: (1 − A) × 8760 h.
    pub designed: f64,
}

/// One SLA credit tier and how often a month fell in it.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CreditTier {
    /// Monthly uptime below this percentage…
    pub uptime_below_pct: f64,
    /// …and at least this one…
    pub uptime_at_least_pct: f64,
    /// …earns this credit, percent of the monthly bill.
    pub credit_pct: f64,
    /// Share of simulated months in this tier.
    pub months: Proportion,
}

/// SLA credits of a bucket.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct SlaCredits {
    /// Tiers, in the class's order.
    pub tiers: Vec<CreditTier>,
    /// Expected credit per year on the bucket's storage bill, USD.
    pub expected_credit_usd_per_year: MeanCi,
    /// Source of the tiers.
    pub source: String,
}

/// Durability: the designed figure, and what the scenario's destructive
/// events did.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Durability {
    /// Designed annual loss probability per object (1 − designed durability).
    pub designed_object_loss_per_year: f64,
    /// Designed expected objects lost per year (objects × that probability).
    pub designed_objects_lost_per_year: f64,
    /// Probability the bucket's data is destroyed within the horizon (scenario).
    pub scenario_loss_probability: Proportion,
    /// Bytes destroyed per year (scenario).
    pub scenario_bytes_lost_per_year: MeanCi,
}

/// A bucket's results.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct BucketReport {
    /// Bucket name.
    pub name: String,
    /// Storage class display name.
    pub class: String,
    /// Storage class key.
    pub class_key: String,
    /// Data kept in a single zone.
    pub single_az: bool,
    /// Stored bytes.
    pub size_bytes: f64,
    /// Stored objects.
    pub objects: u64,
    /// Unavailability, hours per year.
    pub downtime_hours: BucketDowntime,
    /// SLA credits per month.
    pub sla: SlaCredits,
    /// Data loss.
    pub durability: Durability,
    /// Storage bill, USD per month.
    pub monthly_usd: f64,
}

/// One line of the bill.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CostLine {
    /// What is paid for.
    pub item: String,
    /// USD per month.
    pub monthly_usd: f64,
}

/// What a variant costs.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CostReport {
    /// Infrastructure, USD per month.
    pub monthly_usd: f64,
    /// The bill by item.
    pub items: Vec<CostLine>,
    /// Business cost of one hour of downtime, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtime_cost_per_hour: Option<f64>,
    /// Expected downtime cost per year (mean downtime × price per hour).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_downtime_usd_per_year: Option<MeanCi>,
    /// 12 × monthly infrastructure + expected downtime cost.
    pub total_usd_per_year: MeanCi,
}

fn bucket_report(model: &Model, b: usize, st: &crate::stats::BucketStats, trials: u64) -> BucketReport {
    let bucket = &model.buckets[b];
    let class = bucket.class;
    let tiers = &class.sla_credit_tiers;
    BucketReport {
        name: bucket.name.clone(),
        class: class.name.clone(),
        class_key: class.key.clone(),
        single_az: class.single_az(),
        size_bytes: bucket.size_bytes,
        objects: bucket.objects,
        downtime_hours: BucketDowntime {
            total: (&st.downtime).into(),
            class_outages: (&st.own).into(),
            zone_region_outages: (&st.infra).into(),
            designed: (1.0 - bucket.availability) * HOURS_PER_YEAR,
        },
        sla: SlaCredits {
            tiers: tiers
                .tiers
                .iter()
                .zip(&st.credit_months)
                .map(|(t, n)| CreditTier {
                    uptime_below_pct: t[0],
                    uptime_at_least_pct: t[1],
                    credit_pct: t[2],
                    months: n.proportion(),
                })
                .collect(),
            expected_credit_usd_per_year: (&st.credit_usd).into(),
            source: tiers.source.clone(),
        },
        durability: Durability {
            designed_object_loss_per_year: class.annual_object_loss(),
            designed_objects_lost_per_year: bucket.objects as f64 * class.annual_object_loss(),
            scenario_loss_probability: Proportion::new(st.lost_trials, trials),
            scenario_bytes_lost_per_year: (&st.bytes_lost).into(),
        },
        monthly_usd: bucket.monthly_usd(),
    }
}

fn cost_report(model: &Model, downtime: &Moments) -> Option<CostReport> {
    if model.cost.is_empty() && model.downtime_cost_per_hour.is_none() {
        return None;
    }
    let monthly: f64 = model.cost.iter().map(|c| c.monthly_usd).sum();
    let downtime_cost = model
        .downtime_cost_per_hour
        .map(|p| MeanCi { mean: downtime.mean() * p, ci95: downtime.ci95().map(|x| x.max(0.0) * p) });
    let infra_year = 12.0 * monthly;
    let total = match &downtime_cost {
        Some(d) => MeanCi { mean: infra_year + d.mean, ci95: d.ci95.map(|x| infra_year + x) },
        None => MeanCi { mean: infra_year, ci95: [infra_year, infra_year] },
    };
    Some(CostReport {
        monthly_usd: monthly,
        items: model.cost.iter().map(|c| CostLine { item: c.name.clone(), monthly_usd: c.monthly_usd }).collect(),
        downtime_cost_per_hour: model.downtime_cost_per_hour,
        expected_downtime_usd_per_year: downtime_cost,
        total_usd_per_year: total,
    })
}

impl VariantReport {
    /// Derives the reported figures from a variant's statistics.
    pub fn new(model: &Model, s: &VariantStats) -> Self {
        let d = &s.downtime;
        let years_total = s.trials as f64 * model.horizon_years();
        let unavail = |h: f64| h / HOURS_PER_YEAR;
        let ci = d.ci95();
        let cause_hours: Vec<f64> = s.cause_hours.iter().map(crate::superacc::Sum::value).collect();
        let total_hours: f64 = cause_hours.iter().sum();
        let mut causes: Vec<CauseShare> = model
            .causes
            .iter()
            .enumerate()
            .filter(|(i, _)| cause_hours[*i] > 0.0)
            .map(|(i, c)| CauseShare {
                kind: c.kind.to_string(),
                name: c.name.clone(),
                downtime_hours_per_year: cause_hours[i] / years_total,
                share: cause_hours[i] / total_hours,
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
            downtime_quantiles: quantile_points(&s.downtime_q, d.max()),
            availability: Availability {
                mean: 1.0 - unavail(d.mean()),
                ci95: [1.0 - unavail(ci[1]), (1.0 - unavail(ci[0])).min(1.0)],
                nines: (d.mean() > 0.0).then(|| -unavail(d.mean()).log10()),
            },
            slo: model.slo.map(|target| Slo {
                target,
                window_hours: model.slo_window,
                windows_judged: s.slo_met.events(),
                met_probability: s.slo_met.proportion(),
            }),
            outages_per_year: Rate { mean: s.outages.mean(), ci95: s.outages.ci95() },
            outage_length_hours: Lengths {
                count: s.outage_len.count(),
                mean: s.outage_len.mean(),
                p50: s.outage_len_q.quantile(0.5),
                p99: s.outage_len_q.quantile(0.99),
                max: s.outage_len.max(),
            },
            reliability: Proportion::new(s.no_outage, s.trials),
            error_budget_minutes: (!model.groups.is_empty()).then(|| (&s.error_budget_minutes).into()),
            spot_interruptions_per_year: model
                .groups
                .iter()
                .any(|g| g.spot_rate > 0.0)
                .then(|| (&s.spot_interruptions).into()),
            causes,
            storage: s.buckets.iter().enumerate().map(|(b, st)| bucket_report(model, b, st, s.trials)).collect(),
            cost: cost_report(model, &s.downtime),
            rpo: model
                .rpo
                .filter(|_| !model.stores.is_empty())
                .map(|rpo| RpoReport { target_hours: rpo, met_probability: s.data.rpo_met.proportion() }),
            rto: model.rto.map(|rto| RtoReport {
                target_hours: rto,
                met_probability: (!model.stores.is_empty()).then(|| s.data.rto_met.proportion()),
                outages_within: s.outages_within_rto.proportion(),
            }),
            data_loss_window_hours: (!model.stores.is_empty()).then(|| Spread::new(&s.data.window, &s.data.window_q)),
            recovery_time_hours: (!model.stores.is_empty()).then(|| Spread::new(&s.data.recovery, &s.data.recovery_q)),
            data_loss_window_quantiles: (!model.stores.is_empty())
                .then(|| quantile_points(&s.data.window_q, s.data.window.max())),
            recovery_time_quantiles: (!model.stores.is_empty())
                .then(|| quantile_points(&s.data.recovery_q, s.data.recovery.max())),
            data: (!model.stores.is_empty()).then(|| DataReport {
                incidents_per_year: (&s.data.per_year).into(),
                incidents: s.data.incidents,
                corruptions: s.data.corruptions,
                no_recovery_point: s.data.gone.proportion(),
                years_all_met: Proportion::new(s.data.years_all_met, s.trials),
                lost_hours_per_year: (&s.data.lost_hours).into(),
                lost_bytes_per_year: (&s.data.lost_bytes).into(),
                rolled_back_hours: (s.data.corruptions > 0).then(|| (&s.data.rolled_back).into()),
            }),
            durability: Vec::new(),
            operations: operations::report(model, s),
            rare_downtime: None,
            exact: crate::exact::analyse(model),
            variance_reduction: None,
        }
    }
}

impl Report {
    /// Assembles the report of a run.
    pub fn new(
        scenario: &Scenario,
        file: &str,
        variants: Vec<VariantReport>,
        comparisons: Vec<Comparison>,
        timing: Timing,
    ) -> Self {
        let first = &scenario.variants[0];
        Report {
            schema_version: SCHEMA_VERSION,
            nines_version: env!("CARGO_PKG_VERSION").to_owned(),
            scenario: scenario.name.clone(),
            scenario_file: file.to_owned(),
            scenario_sha256: scenario.sha256.clone(),
            seed: first.seed,
            trials: first.trials,
            horizon_hours: first.horizon,
            quantile_relative_error: QUANTILE_RELATIVE_ERROR,
            variants,
            comparisons,
            uncertainty: None,
            timing,
        }
    }

    /// An error naming every estimate refused as unreliable (after the
    /// report, which says "no reliable estimate", was written), if any.
    pub fn refusals(&self) -> Result<(), crate::Error> {
        let refused: Vec<String> = self
            .variants
            .iter()
            .flat_map(|v| {
                let datasets = v.durability.iter().filter_map(move |d| {
                    d.estimator.refusal.as_ref().map(|why| format!("{} / dataset {}: {why}", v.name, d.name))
                });
                let rare = v.rare_downtime.as_ref().and_then(|r| r.refusal.as_ref());
                datasets.chain(rare.map(|why| format!("{} / rare-event downtime: {why}", v.name)))
            })
            .collect();
        if refused.is_empty() {
            Ok(())
        } else {
            Err(crate::Error::Unreliable(format!("no reliable estimate for {}", refused.join("; "))))
        }
    }

    /// Pretty JSON, ending in a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("reports serialise");
        s.push('\n');
        s
    }
}
