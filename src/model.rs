//! The compiled model: what the engine runs. Index-based and validated; the
//! only way to build one is `scenario::load`, so the engine never sees a
//! dangling reference, a k larger than n or a negative duration.
//!
//! Replicas are expanded into *units* (one per running copy). Zones and
//! regions list the units they hold, so a common-cause outage is a loop over
//! a slice. The service structure is a DAG of k-of-n *gates*; each unit and
//! gate knows its parents, so a state change is pushed upward incrementally
//! instead of re-evaluating the tree.

use crate::calendar::Calendar;
use crate::dist::Dist;
use crate::presets::storage::StorageClass;
use std::fmt;

/// No zone or region.
pub const NONE: u32 = u32::MAX;

/// Compressed lists: `items[offsets[i]..offsets[i+1]]` belong to `i`.
#[derive(Clone, Debug, Default)]
pub struct Csr {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Csr {
    /// Builds from one list per index.
    pub fn from_lists(lists: &[Vec<u32>]) -> Self {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::new();
        offsets.push(0);
        for l in lists {
            items.extend_from_slice(l);
            offsets.push(items.len() as u32);
        }
        Csr { offsets, items }
    }

    /// The list of index `i`.
    #[inline]
    pub fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
}

/// A component as declared: a name, its replicas and their distributions.
#[derive(Clone, Debug)]
pub struct Component {
    /// Name in the scenario.
    pub name: String,
    /// Optional description from the file.
    pub description: Option<String>,
    /// Index into `Model::dists`: time to failure.
    pub failure: u32,
    /// Index into `Model::dists`: time to repair.
    pub repair: u32,
    /// First unit of this component; its replicas are consecutive.
    pub first_unit: u32,
    /// Number of replicas.
    pub count: u32,
    /// Instance type or database class it is priced as, when the scenario
    /// names one (`t3.micro`, `db.t4g.micro`).
    pub instance_type: Option<String>,
    /// Price of one replica (instance) per hour, USD, when priced by the hour.
    pub hourly_usd: Option<f64>,
}

/// What drives a unit's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Its own failure/repair process.
    Plain,
    /// An instance slot of auto-scaling group `0`: launched, failed and
    /// replaced by the group's logic.
    Slot(u32),
    /// A member of standby pair `0`: its own failure/repair process, and the
    /// pair decides which member serves.
    Member(u32),
    /// The serving side of standby pair `0`: up while its active member
    /// serves and no failover is under way. This is what structures see.
    Standby(u32),
    /// Data store `0`: down while it recovers from an incident.
    Store(u32),
}

/// One running replica of a component.
#[derive(Clone, Copy, Debug)]
pub struct Unit {
    /// Index into `Model::components`.
    pub component: u32,
    /// What drives its state.
    pub role: Role,
    /// Zone it stands in, or [`NONE`].
    pub zone: u32,
    /// Region it stands in (directly or through its zone), or [`NONE`].
    pub region: u32,
    /// Random-stream key (stable across variants).
    pub stream: u64,
}

/// An up/down process that is not one component's (zone, region outage).
#[derive(Clone, Debug)]
pub struct OutageProcess {
    /// Index into `Model::dists`: time from the end of one outage to the next.
    pub between: u32,
    /// Index into `Model::dists`: length of an outage.
    pub duration: u32,
    /// Probability that one outage destroys the data kept only in the zone
    /// (or, for a region, in the region); 0 for none.
    pub destroy_p: f64,
    /// Random-stream key of the destruction draws (kept apart so adding
    /// destruction leaves the outage times unchanged).
    pub destroy_stream: u64,
}

/// An availability zone.
#[derive(Clone, Debug)]
pub struct Zone {
    /// Name (unique across regions).
    pub name: String,
    /// Index into `Model::regions`.
    pub region: u32,
    /// Its outage process, if it has one.
    pub outage: Option<OutageProcess>,
    /// Random-stream key.
    pub stream: u64,
}

/// A region.
#[derive(Clone, Debug)]
pub struct Region {
    /// Name.
    pub name: String,
    /// Its zones, as indices into `Model::zones`.
    pub zones: Vec<u32>,
    /// Its outage process, if it has one.
    pub outage: Option<OutageProcess>,
    /// Random-stream key.
    pub stream: u64,
    /// Impairments of its control plane (no destruction), if modelled:
    /// launches in the region, and failovers that need it, wait them out.
    pub control_plane: Option<OutageProcess>,
    /// Random-stream key of the control-plane process.
    pub control_plane_stream: u64,
}

/// A child of a gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// A unit (leaf).
    Unit(u32),
    /// Another gate.
    Gate(u32),
}

/// Up while at least `k` of its children are up.
#[derive(Clone, Debug)]
pub struct Gate {
    /// What the scenario calls it: a service name, or a description of the
    /// anonymous gate (`at_least 2 of [...]`).
    pub label: String,
    /// Threshold.
    pub k: u32,
    /// Children, in scenario order (a child may appear more than once).
    pub children: Vec<Node>,
}

/// An object-storage bucket: a unit whose own outages are the storage
/// class's, calibrated to its designed availability.
#[derive(Clone, Debug)]
pub struct Bucket {
    /// Name in the scenario.
    pub name: String,
    /// Its storage class.
    pub class: &'static StorageClass,
    /// The unit that carries its availability.
    pub unit: u32,
    /// Stored bytes.
    pub size_bytes: f64,
    /// Stored objects.
    pub objects: u64,
    /// Availability its own outage process is calibrated to.
    pub availability: f64,
    /// Storage price, USD per GB-month.
    pub price_per_gb_month: f64,
}

impl Bucket {
    /// Monthly storage bill, USD (GB = 10⁹ bytes).
    pub fn monthly_usd(&self) -> f64 {
        self.size_bytes / 1e9 * self.price_per_gb_month
    }
}

/// An auto-scaling group of instances behind a load balancer. Its slots are
/// units, `max` per zone (`first_unit + zone_index * max + j`), of which at
/// most `max` are launched at a time.
#[derive(Clone, Debug)]
pub struct Group {
    /// Name.
    pub name: String,
    /// Its entry in `Model::components` (for causes and distributions).
    pub component: u32,
    /// Zones it launches into.
    pub zones: Vec<u32>,
    /// Instances it keeps running.
    pub desired: u32,
    /// Most instances it may run, counting ones stranded in a down zone.
    pub max: u32,
    /// Healthy instances needed to carry the load.
    pub min_healthy: u32,
    /// First slot unit.
    pub first_unit: u32,
    /// Index into `Model::dists`: instance launch time.
    pub launch: u32,
    /// Index into `Model::dists`: time until the load balancer admits it.
    pub warmup: u32,
    /// Load balancer health-check detection time, hours.
    pub detection: f64,
    /// Spot interruption rate per instance-hour (0: on-demand).
    pub spot_rate: f64,
    /// Spot interruption notice, hours.
    pub spot_notice: f64,
    /// Random-stream key of Spot interruptions, per slot.
    pub spot_streams: Vec<u64>,
    /// Random-stream key of the group's launch timings.
    pub stream: u64,
    /// The k-of-slots gate (k = `min_healthy`).
    pub gate: u32,
}

impl Group {
    /// Slot unit for zone position `zi`, slot `j`.
    #[inline]
    pub fn slot(&self, zi: usize, j: u32) -> u32 {
        self.first_unit + zi as u32 * self.max + j
    }

    /// Whether slot `j` of zone position `zi` runs an instance at the start
    /// of a trial: the `desired` instances go round-robin over the zones.
    pub fn starts_running(&self, zi: usize, j: u32) -> bool {
        let zones = self.zones.len() as u32;
        zones > 0 && j * zones + (zi as u32) < self.desired
    }

    /// Zone position (in `zones`) of slot unit `u`.
    #[inline]
    pub fn zone_pos(&self, u: u32) -> usize {
        ((u - self.first_unit) / self.max) as usize
    }
}

/// An active/passive set: one member serves; when it fails, another that is
/// up takes over after a failover time.
#[derive(Clone, Debug)]
pub struct StandbyPair {
    /// Name (the component's).
    pub name: String,
    /// Member units, the first active at time 0.
    pub members: Vec<u32>,
    /// The virtual unit that structures see.
    pub unit: u32,
    /// Index into `Model::dists`: failover time.
    pub failover: u32,
    /// Random-stream key of failover times.
    pub stream: u64,
    /// A member that returns during a failover serves again (failback).
    pub resume_on_return: bool,
    /// Failing over needs the control plane of the target member's region.
    pub needs_control_plane: bool,
}

/// Where a copy of data lives: it shares that zone's or region's fate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place {
    /// Zone, or [`NONE`].
    pub zone: u32,
    /// Region, or [`NONE`].
    pub region: u32,
}

/// A replica of a store.
#[derive(Clone, Debug)]
pub struct Replica {
    /// Where it lives.
    pub place: Place,
    /// Index into `Model::dists` of its replication lag; `None`: synchronous.
    pub lag: Option<u32>,
}

/// How long a backup takes.
#[derive(Clone, Copy, Debug)]
pub enum BackupDuration {
    /// A distribution (index into `Model::dists`).
    Dist(u32),
    /// Always this many hours (data copied ÷ throughput).
    Hours(f64),
}

/// How long backups are kept.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Retention {
    /// While younger than this many hours.
    Age(f64),
    /// The newest this many.
    Count(u32),
    /// For ever.
    Forever,
}

/// A backup schedule of a store.
#[derive(Clone, Debug)]
pub struct BackupSchedule {
    /// Hours between starts.
    pub every: f64,
    /// Start of the first, hours.
    pub offset: f64,
    /// Duration.
    pub duration: BackupDuration,
    /// Probability that one succeeds.
    pub success: f64,
    /// Failed backups are known (skipped) only when verified; otherwise a
    /// restore from one fails and costs a restore's time.
    pub verify: bool,
    /// Retention.
    pub retention: Retention,
    /// Where the copies live (for a bucket: where the bucket stands).
    pub destination: Place,
    /// The bucket holding the copies, or [`NONE`]: they are gone once its
    /// data is destroyed.
    pub bucket: u32,
    /// Restores from it cross regions.
    pub cross_region: bool,
    /// Random-stream key (each backup's outcome is a function of it and
    /// its index, so it is the same whenever it is looked at).
    pub stream: u64,
}

/// Point-in-time recovery logs.
#[derive(Clone, Debug)]
pub struct LogShipping {
    /// Hours between shipments; a shipment covers data up to its time.
    pub every: f64,
    /// Hours they are kept.
    pub retention: f64,
    /// Where they live (for a bucket: where the bucket stands).
    pub destination: Place,
    /// The bucket holding them, or [`NONE`].
    pub bucket: u32,
    /// Restores from them cross regions.
    pub cross_region: bool,
}

/// A data store and what protects it.
#[derive(Clone, Debug)]
pub struct Store {
    /// Name.
    pub name: String,
    /// Its unit: down while it recovers.
    pub unit: u32,
    /// Where its primary copy lives.
    pub place: Place,
    /// Bytes.
    pub size_bytes: f64,
    /// Bytes written per hour.
    pub change_rate: f64,
    /// Physical losses of the primary copy per hour (0: none).
    pub loss_rate: f64,
    /// Logical corruptions per hour (0: none).
    pub corruption_rate: f64,
    /// Index into `Model::dists`: time until a corruption is noticed.
    pub corruption_detection: u32,
    /// Replicas.
    pub replicas: Vec<Replica>,
    /// Backup schedules.
    pub backups: Vec<BackupSchedule>,
    /// Point-in-time logs.
    pub logs: Option<LogShipping>,
    /// Indices into `Model::dists` of the recovery steps.
    pub detection: u32,
    /// See `detection`.
    pub decision: u32,
    /// See `detection`.
    pub failover: u32,
    /// See `detection`.
    pub restore_overhead: u32,
    /// See `detection`.
    pub validation: u32,
    /// Restore speed, bytes per hour, within the region and across.
    pub throughput: f64,
    /// See `throughput`.
    pub cross_region_throughput: f64,
    /// Random-stream keys: incident times, recovery steps.
    pub incident_stream: u64,
    /// See `incident_stream`.
    pub recovery_stream: u64,
}

/// How a failed device's data is rebuilt on a new one.
#[derive(Clone, Debug)]
pub enum Rebuild {
    /// Takes a time drawn from this distribution (index into `Model::dists`).
    Dist(u32),
    /// Copies `bytes` at `bytes_per_hour`; with `shared`, the devices of a
    /// group rebuilding at once share that bandwidth equally.
    Bandwidth {
        /// Data on one device.
        bytes: f64,
        /// Rebuild speed.
        bytes_per_hour: f64,
        /// Concurrent rebuilds in a group share the speed.
        shared: bool,
    },
}

/// What a data group's durability is reported with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backing {
    /// Stands alone.
    Alone,
    /// The data of bucket `0`.
    Bucket(u32),
    /// The data of store `0`.
    Store(u32),
}

/// A dataset kept in `count` redundancy groups of `fragments` fragments
/// (replicas, or erasure-coded data and parity), of which `needed` must be
/// intact: data is lost when fewer are.
#[derive(Clone, Debug)]
pub struct DataGroup {
    /// Name in the scenario.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// The scheme as written ("3 replicas", "6+3 erasure coding").
    pub scheme: String,
    /// Fragments per group (n).
    pub fragments: u32,
    /// Intact fragments needed to read the data (k).
    pub needed: u32,
    /// Fragments on one device: a device failure loses them all.
    pub fragments_per_device: u32,
    /// Zone of each device of a group (round-robin over the placement), or
    /// [`NONE`].
    pub device_zone: Vec<u32>,
    /// Region of each device (its zone's, or the one placed in), or [`NONE`].
    pub device_region: Vec<u32>,
    /// Index into `Model::dists`: a device's time to failure.
    pub device_failure: u32,
    /// Index into `Model::dists`: time until a failure is noticed.
    pub detection: u32,
    /// How a device is rebuilt.
    pub rebuild: Rebuild,
    /// Index into `Model::dists`: time to re-protect everything a destroyed
    /// zone held.
    pub zone_rebuild: u32,
    /// Group-wide common-cause events: (rate per hour, probability each
    /// device fails at one).
    pub common_cause: Option<(f64, f64)>,
    /// Groups holding the dataset.
    pub count: u64,
    /// Bytes of the whole dataset (before redundancy).
    pub size_bytes: f64,
    /// Monthly price of its raw capacity, USD.
    pub monthly_usd: f64,
    /// What it backs.
    pub backing: Backing,
    /// Random-stream key.
    pub stream: u64,
}

impl DataGroup {
    /// Devices per group.
    pub fn devices(&self) -> u32 {
        self.fragments.div_ceil(self.fragments_per_device)
    }

    /// Fragments on device `d`.
    pub fn fragments_on(&self, d: u32) -> u32 {
        let first = d * self.fragments_per_device;
        self.fragments_per_device.min(self.fragments - first)
    }

    /// Fragments that may be lost without losing data (m).
    pub fn tolerance(&self) -> u32 {
        self.fragments - self.needed
    }
}

/// A repair crew: `size` people who repair the units that name it, one
/// unit each at a time, first come first served (or by priority).
#[derive(Clone, Debug)]
pub struct Crew {
    /// Name in the scenario.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// Members: repairs under way at once.
    pub size: u32,
    /// Working hours; `None`: always at work.
    pub hours: Option<Calendar>,
    /// Index into `Model::dists`: out of working hours, the on-call
    /// response before a repair starts; `None`: repairs wait for working
    /// hours.
    pub after_hours: Option<u32>,
    /// Waiting repairs are taken by priority (lowest number first), then
    /// in order of arrival; otherwise in order of arrival.
    pub by_priority: bool,
    /// Random-stream key of response delays.
    pub stream: u64,
}

/// Planned maintenance of a component's replicas: each round takes them out
/// of service, one at a time (`rolling`) or all at once.
#[derive(Clone, Debug)]
pub struct Maintenance {
    /// Index into `Model::components`.
    pub component: u32,
    /// The units maintained, in order.
    pub units: Vec<u32>,
    /// Hours between rounds.
    pub every: f64,
    /// Hours to the first round.
    pub offset: f64,
    /// Index into `Model::dists`: how long one unit (or, all at once, the
    /// round) is out of service.
    pub duration: u32,
    /// Work starts only while this is open; `None`: any time.
    pub window: Option<Calendar>,
    /// One unit at a time, each skipped while another replica is down;
    /// otherwise all at once.
    pub rolling: bool,
    /// Random-stream key of durations.
    pub stream: u64,
}

/// A periodic (proof) test of a unit that may fail silently.
#[derive(Clone, Debug)]
pub struct ProofTest {
    /// Hours between tests of one unit.
    pub every: f64,
    /// Hours to the first test.
    pub offset: f64,
    /// Replicas are tested in turn (replica i shifted by i/count of the
    /// interval) rather than together.
    pub stagger: bool,
    /// Index into `Model::dists`: how long a test takes the unit out of
    /// service.
    pub duration: u32,
    /// Probability that a test misses a hidden failure.
    pub miss: f64,
}

/// Hidden (latent) failures of a component's replicas.
#[derive(Clone, Debug)]
pub struct Latent {
    /// Index into `Model::components`.
    pub component: u32,
    /// Its units.
    pub units: Vec<u32>,
    /// Share of its failures that are silent (a standby member's failures
    /// while it serves are always noticed).
    pub share: f64,
    /// Periodic tests, if any.
    pub test: Option<ProofTest>,
    /// Random-stream key of silent/noticed draws and test outcomes.
    pub stream: u64,
}

/// An input given as a range or distribution ("we don't know it"), as
/// found in the scenario: which field, how it is spread, and the value this
/// model was compiled with.
#[derive(Clone, Debug, PartialEq)]
pub struct UncertainInput {
    /// Dotted field path (`components.db.mttf`).
    pub path: String,
    /// `log-uniform`, `uniform`, `triangular` or `lognormal`.
    pub law: String,
    /// Low end as written (for a lognormal its 5th percentile).
    pub low: String,
    /// High end as written (for a lognormal its 95th percentile).
    pub high: String,
    /// The central value (median, or the mode of a triangular), as the
    /// model would be written with it.
    pub central: String,
    /// The value this model was compiled with.
    pub value: String,
}

/// How many members one shock takes down.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ShockHits {
    /// Each member independently with this probability.
    Each(f64),
    /// Exactly this many, chosen at random.
    Exactly(u32),
}

/// A common-cause shock on a set of units (a bad deploy, a configuration
/// push, an expired certificate): it strikes at its own rate, takes members
/// down, and all of them come back after the rollback, without repairs.
#[derive(Clone, Debug)]
pub struct Shock {
    /// Name in the scenario.
    pub name: String,
    /// Optional description.
    pub description: Option<String>,
    /// Units it may take down.
    pub members: Vec<u32>,
    /// Index into `Model::dists`: time from the end of one shock to the next.
    pub between: u32,
    /// Index into `Model::dists`: time until everything hit is back.
    pub rollback: u32,
    /// Which members a shock takes down.
    pub hits: ShockHits,
    /// The β factor it was stated with, if any (for `nines check`).
    pub beta: Option<f64>,
    /// Random-stream key of shock times.
    pub stream: u64,
    /// Random-stream key of which members are hit and of rollback times.
    pub hit_stream: u64,
}

/// How operations run: repair crews, planned maintenance, hidden failures
/// and their tests, common-cause shocks, and which units' failure clocks
/// stop while their zone or region is out. Per-unit tables are indexed by
/// unit.
#[derive(Clone, Debug, Default)]
pub struct Operations {
    /// Repair crews.
    pub crews: Vec<Crew>,
    /// Maintenance schedules.
    pub maintenance: Vec<Maintenance>,
    /// Components with hidden failures.
    pub latent: Vec<Latent>,
    /// Common-cause shocks.
    pub shocks: Vec<Shock>,
    /// Per unit: its crew, or [`NONE`] (repaired on its own clock).
    pub unit_crew: Vec<u32>,
    /// Per unit: its repair priority (lower first).
    pub unit_priority: Vec<u32>,
    /// Per unit: its entry in `latent`, or [`NONE`].
    pub unit_latent: Vec<u32>,
    /// Per unit: its failure clock stops while its zone or region is out
    /// (otherwise it ages, and may fail, during the outage).
    pub unit_pauses: Vec<bool>,
    /// Per unit: its failures and repairs go through crews, hidden
    /// failures or paused clocks (`engine::operations`).
    pub unit_special: Vec<bool>,
    /// Some unit's clock stops during zone or region outages.
    pub any_pauses: bool,
}

impl Operations {
    /// Whether the model has any crew, maintenance, hidden failure or shock.
    pub fn any(&self) -> bool {
        !(self.crews.is_empty() && self.maintenance.is_empty() && self.latent.is_empty() && self.shocks.is_empty())
    }
}

/// One line of a variant's monthly bill.
#[derive(Clone, Debug)]
pub struct CostItem {
    /// What is paid for.
    pub name: String,
    /// USD per month.
    pub monthly_usd: f64,
}

/// What took the service down, for the downtime-by-cause breakdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CauseKind {
    /// A replica of this component failed.
    Component,
    /// Its zone had an outage.
    Zone,
    /// Its region had an outage.
    Region,
    /// A storage class's own outage.
    Bucket,
    /// An instance of an auto-scaling group (failure, replacement, Spot).
    Group,
    /// A member of an active/passive pair (failure, failover).
    Standby,
    /// A data store's incident (loss or corruption) and its recovery.
    Store,
    /// Planned maintenance of a component.
    Maintenance,
    /// A periodic test of a component (it is out of service meanwhile).
    Test,
    /// A common-cause shock (bad deploy, configuration push, …).
    Shock,
}

impl fmt::Display for CauseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CauseKind::Component => "component",
            CauseKind::Zone => "zone",
            CauseKind::Region => "region",
            CauseKind::Bucket => "bucket",
            CauseKind::Group => "group",
            CauseKind::Standby => "standby pair",
            CauseKind::Store => "store",
            CauseKind::Maintenance => "maintenance",
            CauseKind::Test => "test",
            CauseKind::Shock => "shock",
        })
    }
}

/// One entry of the cause breakdown.
#[derive(Clone, Debug)]
pub struct Cause {
    /// Kind of event.
    pub kind: CauseKind,
    /// Name of the component, zone or region.
    pub name: String,
}

/// How each trial starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Start {
    /// Everything new and up at t = 0 (the default).
    #[default]
    New,
    /// Every unit, zone and region in its stationary state: up or down with
    /// its long-run probability, with a residual time drawn from the
    /// stationary (equilibrium) law of its renewal process.
    SteadyState,
}

/// A validated, compiled variant of a scenario.
#[derive(Clone, Debug)]
pub struct Model {
    /// Variant name (`"base"` when the scenario has no variants).
    pub variant: String,
    /// Variant description.
    pub description: Option<String>,
    /// Name of the service whose availability is reported.
    pub service: String,
    /// Simulated time per trial, hours.
    pub horizon: f64,
    /// Number of independent trials.
    pub trials: u64,
    /// Seed of every random stream.
    pub seed: u64,
    /// Availability target, as a fraction (0.999).
    pub slo: Option<f64>,
    /// Length of the window the SLO is judged over, hours (a year unless
    /// the scenario says otherwise; provider SLAs are monthly).
    pub slo_window: f64,
    /// Whole SLO windows in a trial, consecutive from t = 0 (a trailing
    /// partial window is not judged); 0 without an SLO.
    pub slo_windows: u32,
    /// All distributions, referenced by index.
    pub dists: Vec<Dist>,
    /// Components as declared.
    pub components: Vec<Component>,
    /// Running replicas.
    pub units: Vec<Unit>,
    /// Zones.
    pub zones: Vec<Zone>,
    /// Regions.
    pub regions: Vec<Region>,
    /// Gates of the structure; the root is `root`.
    pub gates: Vec<Gate>,
    /// The gate whose state is the service's.
    pub root: u32,
    /// Each gate's threshold, apart from `gates` for the hot path.
    pub gate_k: Vec<u32>,
    /// Parent gates of each unit.
    pub unit_parents: Csr,
    /// Parent gates of each gate.
    pub gate_parents: Csr,
    /// Units standing in each zone.
    pub zone_units: Csr,
    /// Units standing in each region (in its zones or directly).
    pub region_units: Csr,
    /// Causes: components, then zones, regions, maintenance schedules,
    /// tests and shocks.
    pub causes: Vec<Cause>,
    /// Buckets.
    pub buckets: Vec<Bucket>,
    /// For each unit, its bucket or [`NONE`].
    pub unit_bucket: Vec<u32>,
    /// For each unit: a plain unit that is no bucket, whose state changes
    /// need nothing but propagation (the engine's fast path).
    pub unit_plain: Vec<bool>,
    /// For each unit, its component's time-to-failure and time-to-repair
    /// distributions (indices into `dists`), one load away on the hot path.
    pub unit_life: Vec<[u32; 2]>,
    /// Whole months in the horizon (SLA credits are per month).
    pub months: u32,
    /// Monthly bill, by item.
    pub cost: Vec<CostItem>,
    /// Business cost of an hour of downtime, USD.
    pub downtime_cost_per_hour: Option<f64>,
    /// Auto-scaling groups.
    pub groups: Vec<Group>,
    /// Groups launching into each zone.
    pub zone_groups: Csr,
    /// Standby pairs.
    pub standbys: Vec<StandbyPair>,
    /// Data stores.
    pub stores: Vec<Store>,
    /// Datasets in redundancy groups, whose durability is simulated.
    pub data_groups: Vec<DataGroup>,
    /// Recovery time objective, hours.
    pub rto: Option<f64>,
    /// Recovery point objective, hours.
    pub rpo: Option<f64>,
    /// Crews, maintenance, hidden failures, shocks, clocks.
    pub ops: Operations,
    /// Inputs given as ranges, with the value each took here.
    pub uncertain: Vec<UncertainInput>,
    /// How each trial starts.
    pub start: Start,
    /// Settings of the scenario this variant ignores, with why (`buckets.a.zone:
    /// S3 Standard keeps data in at least 3 zones…`), for `check` and `run`.
    pub notes: Vec<String>,
}

impl Model {
    /// Cause index of a unit failure.
    #[inline]
    pub fn component_cause(&self, unit: u32) -> u32 {
        self.units[unit as usize].component
    }

    /// Cause index of a zone outage.
    #[inline]
    pub fn zone_cause(&self, zone: u32) -> u32 {
        self.components.len() as u32 + zone
    }

    /// Cause index of a region outage.
    #[inline]
    pub fn region_cause(&self, region: u32) -> u32 {
        (self.components.len() + self.zones.len()) as u32 + region
    }

    /// Whether anything takes units out of service on purpose (maintenance
    /// or tests that last): downtime is then also reported without it.
    pub fn plans_work(&self) -> bool {
        !self.ops.maintenance.is_empty() || self.ops.latent.iter().any(|l| l.test.is_some())
    }

    /// Cause index of maintenance schedule `m`.
    pub fn maintenance_cause(&self, m: u32) -> u32 {
        (self.components.len() + self.zones.len() + self.regions.len()) as u32 + m
    }

    /// Cause index of the tests of hidden-failure entry `l`.
    pub fn test_cause(&self, l: u32) -> u32 {
        self.maintenance_cause(self.ops.maintenance.len() as u32) + l
    }

    /// Cause index of shock `k`.
    pub fn shock_cause(&self, k: u32) -> u32 {
        self.test_cause(self.ops.latent.len() as u32) + k
    }

    /// Whether an event at time `t` happens within the trial, which covers
    /// the half-open interval [0, horizon): one at exactly the horizon does
    /// not (it would open a zero-length outage).
    #[inline]
    pub fn within(&self, t: f64) -> bool {
        t < self.horizon
    }

    /// Horizon in years (the unit of "per year" figures).
    pub fn horizon_years(&self) -> f64 {
        self.horizon / crate::units::HOURS_PER_YEAR
    }
}

impl Model {
    /// A unit as `web#2 @use1-az1` (no `#` when the component has one
    /// replica): how reports and timelines name it.
    pub fn unit_name(&self, u: u32) -> String {
        let unit = &self.units[u as usize];
        let c = &self.components[unit.component as usize];
        let place = if unit.zone != NONE {
            format!(" @{}", self.zones[unit.zone as usize].name)
        } else if unit.region != NONE {
            format!(" @{}", self.regions[unit.region as usize].name)
        } else {
            String::new()
        };
        if c.count == 1 { format!("{}{place}", c.name) } else { format!("{}#{}{place}", c.name, u - c.first_unit) }
    }
}
