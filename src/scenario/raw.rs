//! The scenario file as written: serde types that mirror the TOML, with
//! unknown fields rejected. Nothing here is checked beyond its type; the
//! rules live in `compile`.

#![allow(missing_docs)] // Fields mirror the TOML keys, documented in README.md.

use indexmap::IndexMap;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A whole scenario (one variant, after overrides were merged in).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Name and description for reports.
    #[serde(default)]
    pub scenario: RawMeta,
    /// Horizon, trials, seed.
    pub simulation: RawSimulation,
    /// Availability SLO, RTO, RPO and the cost of downtime.
    #[serde(default)]
    pub targets: RawTargets,
    /// Regions and the zones they contain.
    #[serde(default)]
    pub regions: IndexMap<String, RawRegion>,
    /// Per-zone settings that differ from the region's default.
    #[serde(default)]
    pub zones: IndexMap<String, RawZone>,
    /// Things that fail and get repaired.
    #[serde(default)]
    pub components: IndexMap<String, RawComponent>,
    /// Auto-scaling groups of instances behind a load balancer.
    #[serde(default)]
    pub groups: IndexMap<String, RawGroup>,
    /// Load balancers (health-check settings and price).
    #[serde(default)]
    pub load_balancers: IndexMap<String, RawLoadBalancer>,
    /// Data stores with their copies, backups and incidents.
    #[serde(default)]
    pub stores: IndexMap<String, RawStore>,
    /// Object-storage buckets in a storage class.
    #[serde(default)]
    pub buckets: IndexMap<String, RawBucket>,
    /// Named structures: when is each service up.
    #[serde(default)]
    pub services: IndexMap<String, RawService>,
    /// Other monthly costs by name, USD (what no component carries).
    #[serde(default)]
    pub costs: IndexMap<String, f64>,
    /// Data sent between zones, priced when the design spans zones.
    pub data_transfer: Option<RawDataTransfer>,
    /// Datasets kept in redundancy groups, whose durability is simulated.
    #[serde(default)]
    pub datasets: IndexMap<String, RawDataset>,
    /// Repair crews that components name.
    #[serde(default)]
    pub crews: IndexMap<String, RawCrew>,
    /// Common-cause shocks on sets of components (bad deploys, …).
    #[serde(default)]
    pub shocks: IndexMap<String, RawShock>,
}

/// `[crews.NAME]`: people who repair the components that name the crew.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCrew {
    /// Who they are, for reports.
    pub description: Option<String>,
    /// Members (repairs under way at once).
    pub size: i64,
    /// Working hours, e.g. "weekdays 09:00-17:00" (default: always).
    pub hours: Option<String>,
    /// Time zone of the hours, e.g. "-05:00" (default: simulation.time_zone).
    pub time_zone: Option<String>,
    /// Out of hours, the on-call response before a repair starts; without
    /// it, repairs wait for working hours.
    pub after_hours: Option<DistSpec>,
    /// "fifo" (default) or "priority" (components' `priority`, lowest first).
    pub queue: Option<String>,
}

/// `maintenance = { every = "30d", duration = "20m", window = "sun 02:00-06:00" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMaintenance {
    /// Interval between rounds, e.g. "30d".
    pub every: String,
    /// First round (default: at `every`).
    pub offset: Option<String>,
    /// Out of service per unit (all at once: per round).
    pub duration: DistSpec,
    /// Work starts only within these hours, e.g. "sun 02:00-06:00".
    pub window: Option<String>,
    /// One unit at a time, skipped while another replica is down (default);
    /// `false`: all at once.
    pub rolling: Option<bool>,
}

/// `test = { every = "30d", duration = "15m", miss = "5%" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTest {
    /// Interval between tests, e.g. "30d".
    pub every: String,
    /// First test (default: at `every`).
    pub offset: Option<String>,
    /// Out of service while tested (default: not at all).
    pub duration: Option<DistSpec>,
    /// Chance a test misses a hidden failure (default 0%).
    pub miss: Option<String>,
    /// Replicas tested in turn, spread over the interval.
    #[serde(default)]
    pub stagger: bool,
}

/// `[shocks.NAME]`: a common-cause event on a set of components.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    /// What the shock is (a bad deploy, a bad batch), for reports.
    pub description: Option<String>,
    /// Components whose replicas it may take down.
    pub components: Vec<String>,
    /// Shocks per time, e.g. "2/y" (or `mtbf` or `beta`).
    pub rate: Option<String>,
    /// Mean time between shocks (or `rate` or `beta`).
    pub mtbf: Option<String>,
    /// β-factor form: this share of each member's failure rate is moved
    /// to the shock (members then need one exponential rate).
    pub beta: Option<String>,
    /// Each member is taken down with this probability (default 100%)...
    pub probability: Option<String>,
    /// ...or exactly this many members.
    pub exactly: Option<i64>,
    /// Until everything it took down is back (rollback), not via crews.
    pub rollback: DistSpec,
}

/// `[datasets.NAME]`: data kept in `groups` redundancy groups of replicas
/// or erasure-coded fragments on devices that fail and get rebuilt.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDataset {
    /// What the data is, for reports.
    pub description: Option<String>,
    /// "3 replicas" (n full copies, one enough to read) or "6+3" (k data
    /// and m parity fragments, any k enough).
    pub scheme: String,
    /// All devices in this zone.
    pub zone: Option<String>,
    /// Devices placed round-robin over these zones.
    pub zones: Option<Vec<String>>,
    /// The region the devices are in.
    pub region: Option<String>,
    /// Fragments sharing one device (a host, a rack): lost together.
    pub fragments_per_device: Option<i64>,
    /// A device's time to failure: `afr`, `mttf` or `failure`.
    pub afr: Option<String>,
    /// A device's mean time to failure (exponential; or `afr` or `failure`).
    pub mttf: Option<String>,
    /// A device's time to failure as any distribution, e.g. a Weibull.
    pub failure: Option<DistSpec>,
    /// Time until a failed device is noticed (default: at once).
    pub detection: Option<DistSpec>,
    /// Rebuild time of one device...
    pub rebuild: Option<DistSpec>,
    /// ...or its data (`device_size`) at this speed, e.g. "100MB/s".
    pub rebuild_bandwidth: Option<String>,
    /// Data on one device, e.g. "20TB" (rebuild time = device_size / rebuild_bandwidth).
    pub device_size: Option<String>,
    /// Devices of a group rebuilding at once share the bandwidth.
    #[serde(default)]
    pub shared_bandwidth: bool,
    /// Time to re-protect what a destroyed zone held (default: `rebuild`).
    pub zone_rebuild: Option<DistSpec>,
    /// A bad batch or firmware bug: at each event each device fails with
    /// `probability`.
    pub common_cause: Option<RawCommonCause>,
    /// Redundancy groups holding the dataset (default 1).
    pub groups: Option<i64>,
    /// Data size (before redundancy), e.g. "500TB".
    pub size: String,
    /// Raw capacity price, USD per GB-month (billed on size × n / k).
    pub price_per_gb_month: Option<f64>,
    /// A bucket or store whose data this is.
    pub backs: Option<String>,
}

/// `common_cause = { rate = "0.1/y", probability = "2%" }`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCommonCause {
    /// Events per time, e.g. "0.1/y" (or `mtbf`).
    pub rate: Option<String>,
    /// Mean time between events, e.g. "10y" (or `rate`).
    pub mtbf: Option<String>,
    /// Chance that one event fails each device, e.g. "2%".
    pub probability: String,
}

/// `[load_balancers.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLoadBalancer {
    /// What it fronts, for reports.
    pub description: Option<String>,
    /// Only "alb" for now (its price and health-check defaults).
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// Health-check interval (default 30 s).
    pub interval: Option<String>,
    /// Failed checks before a target is taken out (default 2).
    pub unhealthy_threshold: Option<i64>,
    /// Overrides the price, USD per hour.
    pub hourly_usd: Option<f64>,
}

/// `[groups.NAME]`: an auto-scaling group.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGroup {
    /// What the group runs, for reports.
    pub description: Option<String>,
    /// Instance type preset (price), e.g. "t3.micro".
    pub instance_type: Option<String>,
    /// Spot interruption band ("<5%", "5-10%", ...) or a monthly rate "8%".
    pub spot: Option<String>,
    /// Instances the group keeps running.
    pub desired: i64,
    /// Most instances it may run (default: desired).
    pub max: Option<i64>,
    /// Healthy instances the load needs; below this the group is down.
    pub min_healthy: Option<i64>,
    /// Zones its instances are spread over (round-robin).
    pub zones: Vec<String>,
    /// The load balancer in front (its health check detects failures).
    pub load_balancer: Option<String>,
    /// An instance's mean time to failure (or `afr` or `failure`).
    pub mttf: Option<String>,
    /// An instance's annual failure rate (or `mttf` or `failure`).
    pub afr: Option<String>,
    /// An instance's time to failure as any distribution.
    pub failure: Option<DistSpec>,
    /// Instance launch time (default 29 s).
    pub launch: Option<DistSpec>,
    /// Time from running to admitted by the load balancer (default 150 s).
    pub warmup: Option<DistSpec>,
    /// Overrides the instance price, USD per hour.
    pub hourly_usd: Option<f64>,
}

/// `[stores.NAME]`: data with a size, a change rate and a placement, the
/// copies that protect it, and what can destroy or corrupt it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawStore {
    /// What the data is, for reports.
    pub description: Option<String>,
    /// Data size, e.g. "500GB".
    pub size: String,
    /// Data written per hour, e.g. "2GB/h".
    pub change_rate: Option<String>,
    /// The primary copy's zone.
    pub zone: Option<String>,
    /// The primary copy's region.
    pub region: Option<String>,
    /// Physical loss of the primary copy (its hardware): `{ afr = "0.2%" }`.
    pub loss: Option<RawIncidentRate>,
    /// Logical corruption or deletion: rate and detection delay.
    pub corruption: Option<RawCorruption>,
    /// Copies kept up to date by replication: [[stores.NAME.replicas]].
    #[serde(default)]
    pub replicas: Vec<RawReplica>,
    /// Backup schedules: [[stores.NAME.backups]].
    #[serde(default)]
    pub backups: Vec<RawBackup>,
    /// Transaction logs shipped for point-in-time restore.
    pub logs: Option<RawLogs>,
    /// How a loss or corruption is recovered: detection, decision, failover, restore.
    #[serde(default)]
    pub recovery: RawRecovery,
    /// Price of the primary, USD per hour.
    pub hourly_usd: Option<f64>,
    /// Price of the primary, USD per month.
    pub monthly_usd: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawIncidentRate {
    /// Incidents per time, e.g. "0.1/y".
    pub rate: Option<String>,
    /// Annual rate as a percentage, e.g. "0.2%".
    pub afr: Option<String>,
    /// Mean time between incidents.
    pub mtbf: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCorruption {
    /// Incidents per time, e.g. "1/y" (or `mtbf`).
    pub rate: Option<String>,
    /// Mean time between incidents (or `rate`).
    pub mtbf: Option<String>,
    /// Time until someone notices.
    pub detection: DistSpec,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReplica {
    /// The zone the replica stands in.
    pub zone: Option<String>,
    /// The region the replica stands in (cross-region).
    pub region: Option<String>,
    /// "sync" (no lag) or "async".
    pub mode: String,
    /// Replication lag of an async replica.
    pub lag: Option<DistSpec>,
    /// Price of the replica, USD per month.
    pub monthly_usd: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBackup {
    /// Interval between backup starts...
    pub every: Option<String>,
    /// ...and the start of the first backup;
    pub offset: Option<String>,
    /// or a daily time, "02:30".
    pub at: Option<String>,
    /// How long one takes (a distribution)...
    pub duration: Option<DistSpec>,
    /// ...or the data it copies divided by this, e.g. "500GB/h".
    pub throughput: Option<String>,
    /// Copies only what changed since the previous backup.
    #[serde(default)]
    pub incremental: bool,
    /// Probability a backup succeeds.
    pub success: Option<String>,
    /// Failed backups are noticed (and skipped) only if verified.
    #[serde(default)]
    pub verify: bool,
    /// Kept this long...
    pub retention: Option<String>,
    /// ...or this many.
    pub keep: Option<i64>,
    /// Zone, region or bucket where the copies live.
    pub destination: Option<String>,
    /// Price of the backups, USD per month.
    pub monthly_usd: Option<f64>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogs {
    /// Shipping interval (RDS: 5 min).
    pub every: String,
    /// How long shipped logs are kept (the point-in-time restore window).
    pub retention: String,
    /// Zone, region or bucket where the logs live.
    pub destination: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRecovery {
    /// Noticing a physical loss.
    pub detection: Option<DistSpec>,
    /// Deciding to fail over or restore.
    pub decision: Option<DistSpec>,
    /// Promoting a replica.
    pub failover: Option<DistSpec>,
    /// Fixed part of a restore.
    pub restore_overhead: Option<DistSpec>,
    /// Restore speed from a copy in the store's region, e.g. "500GB/h".
    pub restore_throughput: Option<String>,
    /// Restore speed from another region.
    pub cross_region_throughput: Option<String>,
    /// Checking the restored data before reopening.
    pub validation: Option<DistSpec>,
}

/// `[buckets.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBucket {
    /// What the bucket holds, for reports.
    pub description: Option<String>,
    /// Storage-class preset (`standard`, `one-zone-ia`, ...).
    pub class: String,
    /// Stored bytes, e.g. "5TB".
    pub size: String,
    /// Number of objects (for designed object loss).
    pub objects: Option<i64>,
    /// The zone a one-zone class keeps its data in.
    pub zone: Option<String>,
    /// The region the bucket is in.
    pub region: Option<String>,
    /// Overrides the class's designed availability.
    pub availability: Option<String>,
    /// Length of the class's own outages (an assumption; see README).
    pub outage_duration: Option<DistSpec>,
    /// Overrides the class's storage price.
    pub price_per_gb_month: Option<f64>,
}

/// `[scenario]`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// Scenario name (default: the file name).
    pub name: Option<String>,
    /// What the scenario describes, for reports.
    pub description: Option<String>,
    /// The question the scenario answers (for reports).
    pub question: Option<String>,
}

/// `[simulation]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSimulation {
    /// Simulated time per trial, e.g. "1y".
    pub horizon: String,
    /// Signed, so that a negative count gets the same message as zero.
    pub trials: i64,
    /// A whole number, or a string of digits for seeds a TOML integer
    /// cannot hold (2^63 and above).
    pub seed: Option<RawSeed>,
    /// Which service the report is about, when there are several roots.
    pub service: Option<String>,
    /// Local date and time of t = 0, e.g. "2026-03-02 08:00" (default: a
    /// Monday 00:00): where calendars and daily times fall.
    pub start: Option<String>,
    /// UTC offset of `start` and of calendars without their own (default UTC).
    pub time_zone: Option<String>,
    /// How each trial starts: "new" (everything up, the default) or
    /// "steady-state" (each part in its stationary state).
    pub initial: Option<String>,
}

/// `[targets]`
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTargets {
    /// Availability objective, e.g. "99.9%".
    pub slo: Option<String>,
    /// Window the SLO is judged over: "1y" (default), "month", "30d", ...
    pub slo_window: Option<String>,
    /// Recovery time objective: longest acceptable outage of one incident.
    pub rto: Option<String>,
    /// Recovery point objective: most data, in time, one incident may lose.
    pub rpo: Option<String>,
    /// Business cost of one hour of downtime, USD.
    pub downtime_cost_per_hour: Option<f64>,
}

/// `[regions.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    /// Its availability zones, by name (e.g. "use1-az1").
    pub zones: Vec<String>,
    /// Outages of the whole region.
    pub outage: Option<RawOutage>,
    /// Default outage process of each of its zones.
    pub zone_outage: Option<RawOutage>,
    /// Impairments of its control plane: running resources keep running,
    /// but launches (and failovers that need the control plane) wait.
    pub control_plane: Option<RawOutage>,
}

/// `[zones.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    /// This zone's outage process, replacing the region's `zone_outage`.
    pub outage: Option<RawOutage>,
}

/// An outage process: up for an exponential time (`rate` or `mtbf`) or any
/// distribution (`every`), then down for `duration`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutage {
    /// Outages per time, e.g. "1/y" (or `mtbf` or `every`).
    pub rate: Option<String>,
    /// Mean time between outages (or `rate` or `every`).
    pub mtbf: Option<String>,
    /// Time between outages as any distribution ("30d" fixed: maintenance).
    pub every: Option<DistSpec>,
    /// How long one outage lasts (any distribution).
    pub duration: DistSpec,
    /// Chance that one outage destroys the data kept only there (fire, flood).
    pub destroy_probability: Option<String>,
}

/// `[components.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    /// What it is, for reports.
    pub description: Option<String>,
    /// Replicas (default 1).
    pub count: Option<i64>,
    /// The zone all replicas stand in.
    pub zone: Option<String>,
    /// Replicas placed round-robin over these zones.
    pub zones: Option<Vec<String>>,
    /// The region all replicas stand in.
    pub region: Option<String>,
    /// Replicas placed round-robin over these regions.
    pub regions: Option<Vec<String>>,
    /// Mean time to failure (exponential), e.g. "2000h" (or `afr` or `failure`).
    pub mttf: Option<String>,
    /// Annual failure rate, e.g. "5%" (exponential; or `mttf` or `failure`).
    pub afr: Option<String>,
    /// Time to failure as any distribution (or `mttf` or `afr`).
    pub failure: Option<DistSpec>,
    /// Mean time to repair (exponential), e.g. "4h" (or `repair`).
    pub mttr: Option<String>,
    /// Repair time as any distribution (or `mttr`).
    pub repair: Option<DistSpec>,
    /// Active/passive: one member serves, a failure fails over to a standby
    /// after this time (a distribution, or a preset such as "rds-multi-az").
    pub failover: Option<DistSpec>,
    /// With failover: if the failed member comes back before the failover
    /// completes, it serves again and the failover is abandoned (failback).
    #[serde(default)]
    pub resume_on_return: bool,
    /// With failover: it needs the control plane of the region it fails
    /// over to (API calls, scaling up), so it waits out an impairment there.
    #[serde(default)]
    pub failover_needs_control_plane: bool,
    /// Price preset for each replica (instance type or DB class).
    pub instance_type: Option<String>,
    /// Price of one replica per hour, USD.
    pub hourly_usd: Option<f64>,
    /// Price of one replica per month, USD.
    pub monthly_usd: Option<f64>,
    /// The crew that repairs it (default: each replica repaired at once,
    /// on its own clock).
    pub crew: Option<String>,
    /// Repair priority with a crew's `queue = "priority"` (lower first).
    pub priority: Option<i64>,
    /// Planned maintenance of its replicas.
    pub maintenance: Option<RawMaintenance>,
    /// Share of its failures that are silent (hidden until a test or until
    /// it is needed), e.g. "100%".
    pub latent: Option<String>,
    /// Periodic tests that find hidden failures.
    pub test: Option<RawTest>,
    /// Whether its failure clock runs while its zone or region is out
    /// (default true).
    pub ages_during_outages: Option<bool>,
}

/// `[services.NAME]`
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// What the service is, for reports.
    pub description: Option<String>,
    /// When it is up: a component or service name, or a gate (all, any, at_least).
    pub up_when: RawExpr,
}

/// A distribution: a bare duration string (fixed) or a table with `type`.
#[derive(Debug)]
pub enum DistSpec {
    Fixed(String),
    Table(Box<RawDist>),
}

/// The table form of a distribution; which fields apply depends on `type`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    /// The law; which other keys apply depends on it.
    #[serde(rename = "type")]
    #[schemars(extend("enum" = ["exponential", "weibull", "gamma", "lognormal", "uniform", "fixed", "empirical"]))]
    pub kind: Option<String>,
    /// Mean (exponential, weibull, gamma), e.g. "4h".
    pub mean: Option<String>,
    /// Rate (exponential), e.g. "2/y".
    pub rate: Option<String>,
    /// Annual failure rate (exponential), e.g. "5%".
    pub afr: Option<String>,
    /// Shape (weibull, gamma): above 1, a hazard that grows with age.
    pub shape: Option<f64>,
    /// Scale (weibull, gamma), a duration.
    pub scale: Option<String>,
    /// Median (lognormal).
    pub median: Option<String>,
    /// 90th percentile (lognormal; one of p90, p95, p99).
    pub p90: Option<String>,
    /// 95th percentile (lognormal).
    pub p95: Option<String>,
    /// 99th percentile (lognormal).
    pub p99: Option<String>,
    /// Lower end (uniform).
    pub min: Option<String>,
    /// Upper end (uniform).
    pub max: Option<String>,
    /// The value (fixed).
    pub value: Option<String>,
    /// Observed durations to draw from (empirical).
    pub samples: Option<Vec<String>>,
}

impl<'de> Deserialize<'de> for DistSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DistSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration like \"4h\" or a table like { type = \"exponential\", mean = \"10h\" }")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<DistSpec, E> {
                Ok(DistSpec::Fixed(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DistSpec, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| DistSpec::Table(Box::new(t)))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for DistSpec {
    fn schema_name() -> Cow<'static, str> {
        "Distribution".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration such as \"4h\" (fixed), a preset name, or a table such as { type = \"exponential\", mean = \"10h\" }.",
            "anyOf": [{ "type": "string" }, generator.subschema_for::<RawDist>()]
        })
    }
}

/// A structure expression: the name of a component or service, or a gate
/// over a list of expressions.
#[derive(Debug)]
pub enum RawExpr {
    Ref(String),
    Gate(RawGate),
}

/// `{ all = [...] }`, `{ any = [...] }` or `{ at_least = K, of = [...] }`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGate {
    /// Up when all of these are up (series).
    pub all: Option<Vec<RawExpr>>,
    /// Up when any of these is up (parallel).
    pub any: Option<Vec<RawExpr>>,
    /// Up when at least this many of `of` are up (k-of-n).
    pub at_least: Option<i64>,
    /// The members of an `at_least` gate.
    pub of: Option<Vec<RawExpr>>,
}

impl<'de> Deserialize<'de> for RawExpr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawExpr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a component or service name, or a table { all = [...] }, { any = [...] } or { at_least = K, of = [...] }",
                )
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawExpr, E> {
                Ok(RawExpr::Ref(s.to_owned()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawExpr, A::Error> {
                RawGate::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawExpr::Gate)
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawExpr {
    fn schema_name() -> Cow<'static, str> {
        "Structure".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A component or service name, or { all = [...] }, { any = [...] } or { at_least = K, of = [...] }.",
            "anyOf": [{ "type": "string" }, generator.subschema_for::<RawGate>()]
        })
    }
}

/// `simulation.seed`: an integer, or digits in a string.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "must be a whole number from 0 to 18446744073709551615, written as an integer or, above 9223372036854775807, as a string of digits"
)]
pub enum RawSeed {
    Integer(i64),
    Digits(String),
}

/// `[data_transfer]`: the volume that crosses zones when the design spans
/// more than one, and its price (the user's: nines has no sourced one).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDataTransfer {
    /// Bytes a month sent between zones, e.g. "500GB".
    pub cross_zone_per_month: String,
    /// USD per GB sent between zones.
    pub price_per_gb: Option<f64>,
}
