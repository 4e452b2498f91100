//! "A year in the life": everything that happened in one trial — component
//! failures and repairs, zone and region outages, data incidents, backups,
//! and the service's own outages — as serde data for the timeline chart,
//! and as text.
//!
//! The trial is replayed with [`engine::run_trial`] and the same seed, so it
//! is exactly the year the statistics counted as trial K.

use super::check::unit_name;
use crate::engine::{self, Happening, Incident, Observer, Scratch};
use crate::model::{Model, Role};
use crate::scenario::Scenario;
use schemars::JsonSchema;
use serde::Serialize;
use std::fmt::Write;

/// Above this many units, failures are drawn one lane per component (any
/// replica down) instead of one lane per replica.
pub const MAX_UNIT_LANES: usize = 24;

/// Above this many components, replicas are drawn one lane per zone (any
/// unit there down) instead of one per component; stores and buckets keep
/// their own lanes.
pub const MAX_COMPONENT_LANES: usize = 40;

/// Above this many backups of one store in the trial, a lane keeps only the
/// failed ones (a chart could not show more; the JSON stays small).
pub const MAX_BACKUP_MARKS: usize = 10_000;

/// Schedules of more backups than this in one trial are not listed at all
/// (working each one out would take longer than the trial itself).
const MAX_BACKUPS_LOOKED_AT: u64 = 1_000_000;

/// What a lane shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LaneKind {
    /// The reported service: its outages.
    Service,
    /// A region's outages.
    Region,
    /// A region's control-plane impairments (running resources unaffected).
    #[serde(rename = "control_plane")]
    ControlPlane,
    /// A zone's outages.
    Zone,
    /// One replica's failures (or, for large fleets, any replica's).
    Component,
    /// A bucket's storage-class outages.
    Storage,
    /// A data store: recovering from an incident (down), corrupted but not
    /// yet noticed, and the data lost.
    Store,
}

/// An interval during which a lane was down.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Span {
    /// Hours from the start of the trial.
    pub start: f64,
    /// Hours from the start of the trial (the horizon when still down there).
    pub end: f64,
    /// For the service: what started the outage (`zone use1-az1`); for a
    /// component's replica, when it was not a failure: `maintenance`,
    /// `test` or `shock NAME` (planned or common-cause, what took it down
    /// first); for a standby pair's lane, `failover` while it fails over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
}

/// One row of the timeline.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Lane {
    /// What it shows.
    pub kind: LaneKind,
    /// Its label (`zone use1-az1`, `web#2 @use1-az1`).
    pub name: String,
    /// When it was down.
    pub down: Vec<Span>,
    /// When an outage of this zone or region destroyed the data kept there.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub destroyed: Vec<f64>,
    /// A store's data corrupted but not yet noticed (still serving).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unnoticed: Vec<Span>,
    /// A store's data-loss windows: from the recovery point restored to the
    /// incident (`cause`: "no recovery point" when the data is gone).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost: Vec<Span>,
    /// A store's backups started in the trial, each with its outcome (only
    /// the failed ones when there are more than [`MAX_BACKUP_MARKS`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backups: Vec<BackupMark>,
}

impl Lane {
    /// A lane with down spans only.
    fn new(kind: LaneKind, name: String, down: Vec<Span>) -> Self {
        Lane { kind, name, down, destroyed: Vec::new(), unnoticed: Vec::new(), lost: Vec::new(), backups: Vec::new() }
    }
}

/// One backup of a store: its start is the recovery point it offers.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, JsonSchema)]
pub struct BackupMark {
    /// Hours from the start of the trial.
    pub start: f64,
    /// When it finished (may lie beyond the horizon).
    pub end: f64,
    /// Whether it succeeded.
    pub ok: bool,
}

/// One line of the event list.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Entry {
    /// Hours from the start of the trial.
    pub time: f64,
    /// Whether this line is about the service itself.
    pub service: bool,
    /// What happened.
    pub text: String,
}

/// One trial of one variant.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct Timeline {
    /// Version of this JSON format.
    pub schema_version: u32,
    /// Version of nines that produced it.
    pub nines_version: String,
    /// Scenario name.
    pub scenario: String,
    /// SHA-256 of the scenario file.
    pub scenario_sha256: String,
    /// Variant name.
    pub variant: String,
    /// The service reported on.
    pub service: String,
    /// Seed of every random stream.
    pub seed: u64,
    /// Trial index (0-based), as in `--trials-csv`.
    pub trial: u64,
    /// Trials per variant in the run this trial belongs to.
    pub trials: u64,
    /// Simulated hours.
    pub horizon_hours: f64,
    /// Hours the service was down in this trial.
    pub downtime_hours: f64,
    /// Service outages in this trial.
    pub outages: u32,
    /// Events processed.
    pub events: u64,
    /// Rows: the service, then regions, zones and components.
    pub lanes: Vec<Lane>,
    /// How replicas were grouped into lanes when there were too many to
    /// draw one each (`None`: one lane per replica).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grouping: Option<String>,
    /// Everything that happened, in order.
    pub entries: Vec<Entry>,
}

/// Keeps what a trial reports.
#[derive(Default)]
struct Recorder {
    happenings: Vec<(f64, Happening)>,
    outages: Vec<(f64, f64, u32)>,
    incidents: Vec<Incident>,
}

impl Observer for Recorder {
    fn outage(&mut self, start: f64, length: f64, cause: u32) {
        self.outages.push((start, length, cause));
    }

    fn happened(&mut self, time: f64, what: Happening) {
        self.happenings.push((time, what));
    }

    fn incident(&mut self, incident: &Incident) {
        self.incidents.push(*incident);
    }
}

/// Counts nothing: the statistics of a trial are in its summary.
struct Ignore;

impl Observer for Ignore {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
}

/// The first trial (lowest index) in which any of `models` has a service
/// outage, or `None` when none has one in any of its trials.
pub fn first_trial_with_outage(models: &[&Model]) -> Option<u64> {
    let mut scratch: Vec<Scratch> = models.iter().map(|m| Scratch::new(m)).collect();
    let last = models.iter().map(|m| m.trials).max().unwrap_or(0);
    (0..last).find(|&trial| {
        models
            .iter()
            .zip(&mut scratch)
            .any(|(m, s)| trial < m.trials && engine::run_trial(m, trial, s, &mut Ignore).outages > 0)
    })
}

/// Name of a cause, as in the report (`zone use1-az1`).
fn cause_name(model: &Model, cause: u32) -> String {
    let c = &model.causes[cause as usize];
    format!("{} {}", c.kind, c.name)
}

/// Opens and closes intervals of one lane; `depth` counts overlapping
/// reasons (replicas of one component) so the lane is down while any is.
#[derive(Default)]
struct Track {
    depth: u32,
    since: f64,
    /// What took it down first, when not a failure.
    cause: Option<String>,
    spans: Vec<Span>,
}

impl Track {
    fn down(&mut self, t: f64) {
        self.down_for(t, None);
    }

    /// Down for a reason other than a failure (maintenance, a test, a shock).
    fn down_for(&mut self, t: f64, cause: Option<String>) {
        if self.depth == 0 {
            self.since = t;
            self.cause = cause;
        }
        self.depth += 1;
    }

    fn up(&mut self, t: f64) {
        if self.depth == 0 {
            return; // up already (a slot launched for the first time)
        }
        self.depth -= 1;
        if self.depth == 0 {
            self.spans.push(Span { start: self.since, end: t, cause: self.cause.take() });
        }
    }

    /// Down or up as a state (not counted): for failovers.
    fn set(&mut self, t: f64, down: bool) {
        if down && self.depth == 0 {
            self.down_for(t, Some("failover".into()));
        } else if !down && self.depth > 0 {
            self.depth = 1;
            self.up(t);
        }
    }

    fn close(mut self, horizon: f64) -> Vec<Span> {
        if self.depth > 0 {
            self.spans.push(Span { start: self.since, end: horizon, cause: self.cause.take() });
        }
        self.spans
    }
}

/// Replays trial `trial` of `model` and records its timeline.
pub fn record(scenario: &Scenario, model: &Model, trial: u64) -> Timeline {
    let mut rec = Recorder::default();
    let summary = engine::run_trial(model, trial, &mut Scratch::new(model), &mut rec);
    let horizon = model.horizon;
    let lanes_plan = plan_lanes(model, &rec.happenings);

    // Lanes, filled from the happenings.
    let mut zones: Vec<Track> = model.zones.iter().map(|_| Track::default()).collect();
    let mut regions: Vec<Track> = model.regions.iter().map(|_| Track::default()).collect();
    let mut control: Vec<Track> = model.regions.iter().map(|_| Track::default()).collect();
    let mut control_since = vec![0.0; model.regions.len()];
    let lane_count = lanes_plan.names.len();
    let mut units: Vec<Track> = (0..lane_count).map(|_| Track::default()).collect();
    let mut zone_destroyed = vec![Vec::new(); model.zones.len()];
    let mut region_destroyed = vec![Vec::new(); model.regions.len()];
    let mut failed_at = vec![0.0; model.units.len()];
    let mut zone_since = vec![0.0; model.zones.len()];
    let mut region_since = vec![0.0; model.regions.len()];
    let lane_of = |u: u32| lanes_plan.of_unit[u as usize];
    let mut shock_hit: Vec<Vec<u32>> = vec![Vec::new(); model.ops.shocks.len()];

    // Entries: key 2i for happening i; 2i+1 for a service line after it.
    let mut entries: Vec<(usize, Entry)> = Vec::new();
    for (i, &(t, what)) in rec.happenings.iter().enumerate() {
        let text = match what {
            Happening::Failed(u) => {
                units[lane_of(u)].down(t);
                failed_at[u as usize] = t;
                format!("{} failed", unit_name(model, u))
            }
            Happening::Repaired(u) => {
                units[lane_of(u)].up(t);
                format!("{} repaired after {}", unit_name(model, u), span_text(t - failed_at[u as usize]))
            }
            Happening::ZoneDown(z) => {
                zones[z as usize].down(t);
                zone_since[z as usize] = t;
                format!("zone {} outage begins", model.zones[z as usize].name)
            }
            Happening::ZoneUp(z) => {
                zones[z as usize].up(t);
                format!("zone {} back after {}", model.zones[z as usize].name, span_text(t - zone_since[z as usize]))
            }
            Happening::RegionDown(r) => {
                regions[r as usize].down(t);
                region_since[r as usize] = t;
                format!("region {} outage begins", model.regions[r as usize].name)
            }
            Happening::RegionUp(r) => {
                regions[r as usize].up(t);
                format!(
                    "region {} back after {}",
                    model.regions[r as usize].name,
                    span_text(t - region_since[r as usize])
                )
            }
            Happening::ControlPlaneImpaired(r) => {
                control[r as usize].down(t);
                control_since[r as usize] = t;
                format!(
                    "region {} control plane impaired: launches and control-plane failovers wait",
                    model.regions[r as usize].name
                )
            }
            Happening::ControlPlaneRestored(r) => {
                control[r as usize].up(t);
                format!(
                    "region {} control plane back after {}",
                    model.regions[r as usize].name,
                    span_text(t - control_since[r as usize])
                )
            }
            Happening::ZoneDestroyed(z) => {
                zone_destroyed[z as usize].push(t);
                format!("zone {} DESTROYED: data kept only in it is lost", model.zones[z as usize].name)
            }
            Happening::RegionDestroyed(r) => {
                region_destroyed[r as usize].push(t);
                format!("region {} DESTROYED: data kept in it is lost", model.regions[r as usize].name)
            }
            Happening::Launched(u) => {
                units[lane_of(u)].up(t);
                format!("{} launched and serving", unit_name(model, u))
            }
            Happening::Terminated(u) => format!("{} terminated", unit_name(model, u)),
            Happening::SpotInterrupted(u) => {
                format!("{} Spot interruption notice (2 min)", unit_name(model, u))
            }
            Happening::FailoverStarted(p) => {
                units[lane_of(model.standbys[p as usize].unit)].set(t, true);
                format!("{} failing over to its standby", model.standbys[p as usize].name)
            }
            Happening::FailoverDone(p) => {
                units[lane_of(model.standbys[p as usize].unit)].set(t, false);
                format!("{} failover complete", model.standbys[p as usize].name)
            }
            Happening::DataLost(i) => format!("store {} LOST its primary copy", model.stores[i as usize].name),
            Happening::DataCorrupted(i) => {
                format!("store {} corrupted (not noticed yet)", model.stores[i as usize].name)
            }
            Happening::DataRecovered(i) => format!("store {} recovered", model.stores[i as usize].name),
            Happening::FailedSilently(u) => {
                units[lane_of(u)].down(t);
                failed_at[u as usize] = t;
                format!("{} failed SILENTLY (nobody knows yet)", unit_name(model, u))
            }
            Happening::LatentFound(u, by_check) => format!(
                "{}: hidden failure found {} after {}",
                unit_name(model, u),
                if by_check { "by a test or maintenance" } else { "when it was needed" },
                span_text(t - failed_at[u as usize])
            ),
            Happening::TestStarted(u) => {
                units[lane_of(u)].down_for(t, Some("test".into()));
                format!("{} out of service for its periodic test", unit_name(model, u))
            }
            Happening::TestEnded(u) => {
                units[lane_of(u)].up(t);
                format!("{} test over", unit_name(model, u))
            }
            Happening::TestMissed(u) => format!("{}: the test MISSED its hidden failure", unit_name(model, u)),
            Happening::MaintenanceStarted(u) => {
                units[lane_of(u)].down_for(t, Some("maintenance".into()));
                format!("{} out of service for planned maintenance", unit_name(model, u))
            }
            Happening::MaintenanceEnded(u) => {
                units[lane_of(u)].up(t);
                format!("{} maintenance over", unit_name(model, u))
            }
            Happening::MaintenanceSkipped(u) => {
                format!("{} maintenance turn skipped (it or another replica is down)", unit_name(model, u))
            }
            Happening::RepairQueued(u) => format!("{} waits for its repair crew", unit_name(model, u)),
            Happening::RepairStarted(u) => format!("{}: a crew member starts the repair", unit_name(model, u)),
            Happening::ShockStarted(k) => format!("shock {} strikes", model.ops.shocks[k as usize].name),
            Happening::ShockHit(k, u) => {
                units[lane_of(u)].down_for(t, Some(format!("shock {}", model.ops.shocks[k as usize].name)));
                shock_hit[k as usize].push(u);
                format!("{} taken down by shock {}", unit_name(model, u), model.ops.shocks[k as usize].name)
            }
            Happening::ShockEnded(k) => {
                for u in shock_hit[k as usize].drain(..) {
                    units[lane_of(u)].up(t);
                }
                format!("shock {} rolled back: everything it took down is back", model.ops.shocks[k as usize].name)
            }
        };
        entries.push((2 * i, Entry { time: t, service: false, text }));
    }
    // The happening that changed the service's state is the last one at or
    // before the change.
    let after = |t: f64| 2 * rec.happenings.partition_point(|h| h.0 <= t).saturating_sub(1) + 1;
    // Data incidents: the store is down from the loss (or from when the
    // corruption is noticed) until it serves again; the data lost reaches
    // back to the recovery point restored.
    let mut store_down: Vec<Vec<Span>> = vec![Vec::new(); lane_count];
    let mut unnoticed: Vec<Vec<Span>> = vec![Vec::new(); lane_count];
    let mut lost: Vec<Vec<Span>> = vec![Vec::new(); lane_count];
    for inc in &rec.incidents {
        let store = &model.stores[inc.store as usize];
        let lane = lane_of(store.unit);
        let noticed = inc.time + inc.rolled_back;
        let back = inc.time + inc.recovery;
        if inc.corruption {
            unnoticed[lane].push(Span { start: inc.time, end: noticed.min(horizon), cause: None });
        }
        if noticed < horizon {
            store_down[lane].push(Span { start: noticed, end: back.min(horizon), cause: None });
        }
        let what = if inc.corruption {
            format!("store {}: corruption noticed after {}", store.name, span_text(inc.rolled_back))
        } else {
            format!("store {}: primary copy lost", store.name)
        };
        let text = match inc.window {
            Some(w) => {
                lost[lane].push(Span { start: inc.time - w, end: inc.time, cause: None });
                format!(
                    "{what}; recovers to {} ({} of data lost), serving again after {}",
                    clock(inc.time - w),
                    span_text(w),
                    span_text(inc.recovery - inc.rolled_back)
                )
            }
            None => {
                lost[lane].push(Span { start: 0.0, end: inc.time, cause: Some("no recovery point".into()) });
                format!("{what}; NO usable recovery point: the data is gone for good")
            }
        };
        if noticed < horizon {
            entries.push((after(noticed), Entry { time: noticed, service: false, text }));
        }
    }
    // Backups: each one's outcome is a pure function of the trial and its
    // index, the same as when a restore looked at it.
    let mut backups: Vec<Vec<BackupMark>> = vec![Vec::new(); lane_count];
    for st in &model.stores {
        let mut marks = Vec::new();
        for b in &st.backups {
            let count = ((horizon - b.offset) / b.every).ceil().max(0.0);
            if count > MAX_BACKUPS_LOOKED_AT as f64 {
                continue;
            }
            for k in 0..count as u64 {
                let start = b.offset + k as f64 * b.every;
                if start >= horizon {
                    break;
                }
                let (took, ok) = engine::backup_outcome(model, trial, b, k);
                let end = start + took;
                marks.push(BackupMark { start, end, ok });
                if !ok && end < horizon {
                    let text = format!(
                        "backup of {} started {} FAILED ({})",
                        st.name,
                        clock(start),
                        if b.verify {
                            "verified, so restores skip it"
                        } else {
                            "not verified: a restore would try it first, and fail"
                        }
                    );
                    entries.push((after(end), Entry { time: end, service: false, text }));
                }
            }
        }
        if marks.len() > MAX_BACKUP_MARKS {
            marks.retain(|m| !m.ok);
        }
        marks.sort_by(|a, b| a.start.total_cmp(&b.start));
        backups[lane_of(st.unit)].extend(marks);
    }
    let mut service = Vec::new();
    for &(start, length, cause) in &rec.outages {
        let end = start + length;
        let cause = cause_name(model, cause);
        entries.push((
            after(start),
            Entry { time: start, service: true, text: format!("SERVICE DOWN: {} (cause: {cause})", model.service) },
        ));
        let text = if end >= horizon {
            format!("service still down at the end of the trial, after {}", span_text(length))
        } else {
            format!("service up again after {}", span_text(length))
        };
        entries.push((after(end), Entry { time: end, service: true, text }));
        service.push(Span { start, end, cause: Some(cause) });
    }
    entries.sort_by_key(|e| e.0);

    let mut lanes = vec![Lane::new(LaneKind::Service, format!("service {}", model.service), service)];
    for (r, (track, destroyed)) in regions.into_iter().zip(region_destroyed).enumerate() {
        if model.regions[r].outage.is_some() {
            let name = format!("region {}", model.regions[r].name);
            lanes.push(Lane { destroyed, ..Lane::new(LaneKind::Region, name, track.close(horizon)) });
        }
    }
    for (r, track) in control.into_iter().enumerate() {
        if model.regions[r].control_plane.is_some() {
            let name = format!("control plane {}", model.regions[r].name);
            lanes.push(Lane::new(LaneKind::ControlPlane, name, track.close(horizon)));
        }
    }
    for (z, (track, destroyed)) in zones.into_iter().zip(zone_destroyed).enumerate() {
        if model.zones[z].outage.is_some() {
            let name = format!("zone {}", model.zones[z].name);
            lanes.push(Lane { destroyed, ..Lane::new(LaneKind::Zone, name, track.close(horizon)) });
        }
    }
    for (i, ((((track, mut store_spans), unnoticed), lost), backups)) in
        units.into_iter().zip(store_down).zip(unnoticed).zip(lost).zip(backups).enumerate()
    {
        if !lanes_plan.shown[i] {
            continue;
        }
        let mut down = track.close(horizon);
        down.append(&mut store_spans);
        down.sort_by(|a, b| a.start.total_cmp(&b.start));
        let (name, kind) = (lanes_plan.names[i].clone(), lanes_plan.kinds[i]);
        lanes.push(Lane { unnoticed, lost, backups, ..Lane::new(kind, name, down) });
    }
    Timeline {
        schema_version: super::SCHEMA_VERSION,
        nines_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: scenario.name.clone(),
        scenario_sha256: scenario.sha256.clone(),
        variant: model.variant.clone(),
        service: model.service.clone(),
        seed: model.seed,
        trial,
        trials: model.trials,
        horizon_hours: horizon,
        downtime_hours: summary.downtime,
        outages: summary.outages,
        events: summary.events,
        lanes,
        grouping: lanes_plan.grouping,
        entries: entries.into_iter().map(|e| e.1).collect(),
    }
}

/// Which lane each unit draws on, and the lanes: one per replica while
/// there are at most [`MAX_UNIT_LANES`] units, else one per component while
/// there are at most [`MAX_COMPONENT_LANES`], else one per zone (stores and
/// buckets keep theirs). Slots of an auto-scaling group that never ran an
/// instance in the trial get no lane.
struct LanePlan {
    of_unit: Vec<usize>,
    names: Vec<String>,
    kinds: Vec<LaneKind>,
    shown: Vec<bool>,
    grouping: Option<String>,
}

fn plan_lanes(model: &Model, happenings: &[(f64, Happening)]) -> LanePlan {
    let kind_of = |u: usize| match model.units[u].role {
        Role::Store(_) => LaneKind::Store,
        _ if model.unit_bucket[u] != crate::model::NONE => LaneKind::Storage,
        _ => LaneKind::Component,
    };
    // A group's slot is used if it ran at the start or anything happened to it.
    let mut used = vec![true; model.units.len()];
    for g in &model.groups {
        for zp in 0..g.zones.len() {
            for j in 0..g.max {
                let u = g.slot(zp, j) as usize;
                used[u] = g.starts_running(zp, j);
            }
        }
    }
    for (_, h) in happenings {
        if let Happening::Launched(u)
        | Happening::Failed(u)
        | Happening::Terminated(u)
        | Happening::SpotInterrupted(u) = *h
        {
            used[u as usize] = true;
        }
    }
    let lanes_wanted = used.iter().filter(|&&x| x).count();
    let mut plan =
        LanePlan { of_unit: Vec::new(), names: Vec::new(), kinds: Vec::new(), shown: Vec::new(), grouping: None };
    if lanes_wanted <= MAX_UNIT_LANES {
        for (u, &ran) in used.iter().enumerate() {
            plan.of_unit.push(u);
            plan.names.push(unit_name(model, u as u32));
            plan.kinds.push(kind_of(u));
            plan.shown.push(ran);
        }
        return plan;
    }
    if model.components.len() <= MAX_COMPONENT_LANES {
        for c in &model.components {
            plan.names.push(if c.count == 1 { c.name.clone() } else { format!("{} (any of {})", c.name, c.count) });
            plan.kinds.push(kind_of(c.first_unit as usize));
            plan.shown.push(true);
        }
        plan.of_unit = model.units.iter().map(|u| u.component as usize).collect();
        plan.grouping = Some(format!("{} units drawn one lane per component (any replica down)", model.units.len()));
        return plan;
    }
    // One lane per zone, one per region for units in a region but no zone,
    // one for units placed nowhere; stores and buckets apart.
    let mut index: std::collections::HashMap<(u8, u32), usize> = std::collections::HashMap::new();
    let mut counts: Vec<usize> = Vec::new();
    for (u, unit) in model.units.iter().enumerate() {
        let kind = kind_of(u);
        let key = if kind != LaneKind::Component {
            (3, u as u32)
        } else if unit.zone != crate::model::NONE {
            (0, unit.zone)
        } else if unit.region != crate::model::NONE {
            (1, unit.region)
        } else {
            (2, 0)
        };
        let lane = *index.entry(key).or_insert_with(|| {
            plan.names.push(match key.0 {
                0 => format!("in zone {}", model.zones[key.1 as usize].name),
                1 => format!("in region {}", model.regions[key.1 as usize].name),
                2 => "not placed in a zone".to_owned(),
                _ => unit_name(model, u as u32),
            });
            plan.kinds.push(kind);
            plan.shown.push(true);
            counts.push(0);
            plan.names.len() - 1
        });
        counts[lane] += 1;
        plan.of_unit.push(lane);
    }
    for (name, n) in plan.names.iter_mut().zip(&counts) {
        if *n > 1 {
            name.push_str(&format!(" (any of {n})"));
        }
    }
    plan.grouping = Some(format!(
        "{} units of {} components drawn one lane per zone (any unit there down)",
        model.units.len(),
        model.components.len()
    ));
    plan
}

/// A length as people say it: `45s`, `20m`, `3h 12m`, `2d 4h`.
pub fn span_text(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as u64;
    if hours < 1.0 / 60.0 {
        format!("{}s", (hours * 3600.0).round() as u64)
    } else if minutes < 60 {
        format!("{minutes}m")
    } else if minutes < 48 * 60 {
        format!("{}h {:02}m", minutes / 60, minutes % 60)
    } else {
        let h = (hours).round() as u64;
        format!("{}d {}h", h / 24, h % 24)
    }
}

/// A time of the trial as `day 143 07:02` (day 1 starts at hour 0).
pub fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).floor() as u64;
    format!("day {} {:02}:{:02}", minutes / (24 * 60) + 1, (minutes / 60) % 24, minutes % 60)
}

/// The timeline as text: a header, then one line per event.
pub fn render(t: &Timeline) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "nines {} · {} · variant {} · trial {} (numbered 0 to {}) · seed {} · {}",
        t.nines_version,
        t.scenario,
        t.variant,
        t.trial,
        t.trials.saturating_sub(1),
        t.seed,
        crate::units::format_duration(t.horizon_hours)
    );
    let avail = 1.0 - t.downtime_hours / t.horizon_hours;
    let _ = writeln!(
        out,
        "service {}: {} outage{}, {} down ({} available) · {} events",
        t.service,
        t.outages,
        if t.outages == 1 { "" } else { "s" },
        if t.downtime_hours > 0.0 { span_text(t.downtime_hours) } else { "never".into() },
        super::table::percent_avail(avail),
        t.events
    );
    let _ = writeln!(out);
    // Day numbers right-aligned, so the times line up.
    let days = |h: f64| (h / 24.0).floor() as u64 + 1;
    let width = t.entries.iter().map(|e| days(e.time).to_string().len()).max().unwrap_or(1);
    for e in &t.entries {
        let mark = if e.service { ">>" } else { "  " };
        let minutes = (e.time * 60.0).floor() as u64;
        let _ = writeln!(
            out,
            "day {:>width$} {:02}:{:02}  {mark} {}",
            days(e.time),
            (minutes / 60) % 24,
            minutes % 60,
            e.text
        );
    }
    if let Some(g) = &t.grouping {
        let _ = writeln!(out, "(chart: {g})");
    }
    if t.entries.is_empty() {
        let _ = writeln!(out, "nothing happened in this trial");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_and_clock() {
        assert_eq!(span_text(0.005), "18s");
        assert_eq!(span_text(0.5), "30m");
        assert_eq!(span_text(3.2), "3h 12m");
        assert_eq!(span_text(50.0), "2d 2h");
        assert_eq!(clock(0.0), "day 1 00:00");
        assert_eq!(clock(24.0 * 142.0 + 7.0 + 2.0 / 60.0 + 1e-9), "day 143 07:02");
    }
}
