//! The discrete-event engine: one trial's event loop over a compiled model,
//! and many trials in parallel.
//!
//! Semantics (also in README):
//! - at time 0 everything is up;
//! - each plain unit alternates up (time to failure) and down (time to
//!   repair), independently of zone and region outages, which overlay it: a
//!   unit serves while it is not failed and neither its zone nor its region
//!   is out;
//! - auto-scaling groups ([`groups`]) and standby pairs ([`standby`]) drive
//!   their units by their own rules;
//! - the service is up while its root gate holds; each up→down transition
//!   starts an outage, attributed to the event that caused it;
//! - an outage still running at the horizon is cut there.
//!
//! The engine knows nothing of how results are aggregated: a trial reports
//! its outages and incidents to an [`Observer`], returns a [`TrialSummary`],
//! and leaves per-bucket figures readable through [`Scratch::bucket_trial`].
//! [`crate::runner`] runs many trials in parallel; [`crate::stats`] adds
//! them up.

mod ages;
mod buckets;
mod crews;
mod groups;
mod latent;
mod maintenance;
mod operations;
pub mod rare;
mod shocks;
mod standby;
mod start;
mod stores;

pub use buckets::BucketTrial;
pub use operations::{CrewTrial, LatentTrial, MaintenanceTrial, OpsTrial, ShockTrial};
pub use stores::{Incident, backup_outcome};

use crate::model::{Model, NONE, OutageProcess, Role, Start};
use crate::queue::EventQueue;
use crate::rng::{SimRng, TrialSeed, stream};
use buckets::BucketScratch;
use rand::RngExt;

/// What can happen in a trial. Indices refer to the model's vectors.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A unit fails on its own.
    Fail(u32),
    /// A unit is repaired.
    Repair(u32),
    /// A zone's outage begins.
    ZoneDown(u32),
    /// A zone's outage ends.
    ZoneUp(u32),
    /// A region's outage begins.
    RegionDown(u32),
    /// A region's outage ends.
    RegionUp(u32),
    /// A group's instance failed on its own.
    SlotFail(u32),
    /// The load balancer noticed a failed instance.
    Detect(u32),
    /// A launched instance passed its health checks.
    LaunchDone(u32),
    /// Spot interruption notice.
    SpotNotice(u32),
    /// Spot instance stopped, at the end of the notice.
    SpotEnd(u32),
    /// The load balancer noticed that zone position `1` of group `0` is out.
    ZoneDetect(u32, u32),
    /// A standby pair finished failing over.
    FailoverDone(u32),
    /// A store's hardware lost its data.
    StoreLoss(u32),
    /// A store's data was corrupted (noticed later).
    StoreCorrupt(u32),
    /// A store's corruption was noticed.
    CorruptionNoticed(u32),
    /// A store serves again after an incident.
    StoreRecovered(u32),
    /// A region's control plane became impaired.
    ControlPlaneDown(u32),
    /// A region's control plane works again.
    ControlPlaneUp(u32),
    /// Working hours of crew `0` begin (repairs wait for them).
    CrewShift(u32),
    /// Maintenance schedule `0`: a turn (or a round) is due.
    MaintenanceDue(u32),
    /// Maintenance schedule `0`: the work under way ends.
    MaintenanceDone(u32),
    /// A periodic test of unit `0` is due.
    TestStart(u32),
    /// The test of unit `0` ends.
    TestEnd(u32),
    /// Shock `0` strikes.
    ShockStart(u32),
    /// Shock `0` is rolled back.
    ShockEnd(u32),
}

/// Per-thread working memory, reused from trial to trial.
pub struct Scratch {
    /// Reasons each unit is out of service (own failure, zone, region,
    /// not launched, not serving).
    unit_down: Vec<u8>,
    unit_rng: Vec<SimRng>,
    zone_rng: Vec<SimRng>,
    region_rng: Vec<SimRng>,
    zone_out: Vec<bool>,
    region_out: Vec<bool>,
    pub(crate) gate_up_count: Vec<u32>,
    gate_up: Vec<bool>,
    queue: EventQueue<Event>,
    stack: Vec<u32>,
    zone_destroy_rng: Vec<SimRng>,
    region_destroy_rng: Vec<SimRng>,
    buckets: BucketScratch,
    groups: groups::GroupScratch,
    standby: standby::StandbyScratch,
    stores: stores::StoreScratch,
    /// Data incidents of the current trial.
    incidents: Vec<Incident>,
    /// The trial being simulated.
    trial: u64,
    /// Happenings produced by group and standby logic, reported after the
    /// event that caused them.
    pending_happenings: Vec<(f64, Happening)>,
    /// Zone health before a zone or region changes (working memory).
    zone_was_healthy: Vec<bool>,
    /// Per region: its control plane is impaired.
    control_impaired: Vec<bool>,
    control_rng: Vec<SimRng>,
    /// Service downtime within each SLO window of the trial, hours.
    window_down: Vec<f64>,
    /// Where to count events as they happen (for progress), if anywhere.
    events_counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
    operations: operations::OpsScratch,
    ages: ages::AgeScratch,
    crews: crews::CrewScratch,
    latent: latent::LatentScratch,
    maintenance: maintenance::MaintenanceScratch,
    shocks: shocks::ShockScratch,
    /// Weighted runs only: the pending failure and outage-start events, so
    /// their clocks can be redrawn with a raised rate.
    clocks: Option<Box<rare::Clocks>>,
}

impl Scratch {
    /// Working memory sized for `model`.
    pub fn new(model: &Model) -> Self {
        let placeholder = stream(0, 0, 0);
        Scratch {
            unit_down: vec![0; model.units.len()],
            unit_rng: vec![placeholder.clone(); model.units.len()],
            zone_rng: vec![placeholder.clone(); model.zones.len()],
            region_rng: vec![placeholder.clone(); model.regions.len()],
            zone_out: vec![false; model.zones.len()],
            region_out: vec![false; model.regions.len()],
            gate_up_count: vec![0; model.gates.len()],
            gate_up: vec![true; model.gates.len()],
            queue: EventQueue::new(),
            stack: Vec::new(),
            zone_destroy_rng: vec![placeholder.clone(); model.zones.len()],
            region_destroy_rng: vec![placeholder; model.regions.len()],
            buckets: BucketScratch::new(model),
            groups: groups::GroupScratch::new(model),
            standby: standby::StandbyScratch::new(model),
            stores: stores::StoreScratch::new(model),
            incidents: Vec::new(),
            trial: 0,
            pending_happenings: Vec::new(),
            zone_was_healthy: Vec::new(),
            control_impaired: vec![false; model.regions.len()],
            control_rng: vec![stream(0, 0, 0); model.regions.len()],
            window_down: vec![0.0; model.slo_windows as usize],
            events_counter: None,
            operations: operations::OpsScratch::new(model),
            ages: ages::AgeScratch::new(model),
            crews: crews::CrewScratch::new(model),
            latent: latent::LatentScratch::new(model),
            maintenance: maintenance::MaintenanceScratch::new(model),
            shocks: shocks::ShockScratch::new(model),
            clocks: None,
        }
    }

    /// Adds the service outage `[from, to)` to the SLO windows it falls in.
    fn add_window_down(&mut self, model: &Model, from: f64, to: f64) {
        spread(from, to, model.slo_window, &mut self.window_down);
    }

    /// Adds every [`EVENTS_PER_REPORT`] events processed to `counter`, so a
    /// progress display moves even within one long trial.
    pub fn count_events(&mut self, counter: std::sync::Arc<std::sync::atomic::AtomicU64>) {
        self.events_counter = Some(counter);
    }

    /// The buckets' figures of the trial just run.
    pub fn bucket_trial(&self) -> BucketTrial<'_> {
        self.buckets.trial()
    }

    /// True when launches (and control-plane failovers) can happen in
    /// region `r` ([`NONE`]: no region, nothing to impair).
    #[inline]
    fn control_plane_works(&self, r: u32) -> bool {
        r == NONE || !self.control_impaired[r as usize]
    }

    /// True when zone `z` and its region are both up.
    #[inline]
    fn zone_healthy(&self, model: &Model, z: u32) -> bool {
        !self.zone_out[z as usize] && !self.region_out[model.zones[z as usize].region as usize]
    }
}

/// Events between two additions to a progress counter (a power of two).
pub const EVENTS_PER_REPORT: u64 = 1 << 16;

/// Adds the interval `[from, to)` to consecutive bins of `width` hours from
/// t = 0 (SLO windows, months), each bin getting the part that falls in it;
/// whatever lies past the last bin is dropped.
fn spread(from: f64, to: f64, width: f64, bins: &mut [f64]) {
    let mut i = (from / width) as usize;
    let mut t = from;
    while t < to && i < bins.len() {
        let end = to.min((i + 1) as f64 * width);
        if end > t {
            bins[i] += end - t;
            t = end;
        }
        i += 1;
    }
}

/// What one trial produced, besides what it wrote into the accumulator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TrialSummary {
    /// Hours the service was down within the horizon.
    pub downtime: f64,
    /// Outages started within the horizon.
    pub outages: u32,
    /// Events processed.
    pub events: u64,
    /// Hours of requests failing while the service was up: the share of
    /// traffic sent to failed, not yet detected instances, integrated over
    /// time (SRE "error budget").
    pub error_budget: f64,
    /// Spot interruptions.
    pub spot_interruptions: u32,
    /// SLO windows judged (whole windows within the horizon).
    pub slo_windows: u32,
    /// Of which met the SLO.
    pub slo_windows_met: u32,
    /// Data incidents (losses and corruptions).
    pub incidents: u32,
    /// Incidents that missed the RPO or the RTO (or had no recovery point).
    pub incidents_missed: u32,
    /// Hours of writes lost: the sum of data-loss windows (incidents without
    /// a recovery point are counted apart).
    pub data_lost_hours: f64,
    /// Bytes lost: each window times its store's change rate, or the whole
    /// store when no recovery point was usable.
    pub data_lost_bytes: f64,
}

/// Something that happened in a trial, for timelines ("a year in the life").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Happening {
    /// Unit failed.
    Failed(u32),
    /// Unit repaired.
    Repaired(u32),
    /// Zone outage began.
    ZoneDown(u32),
    /// Zone outage ended.
    ZoneUp(u32),
    /// Region outage began.
    RegionDown(u32),
    /// Region outage ended.
    RegionUp(u32),
    /// A zone outage destroyed the data kept only in that zone.
    ZoneDestroyed(u32),
    /// A region outage destroyed the data kept in that region.
    RegionDestroyed(u32),
    /// A group's instance (slot unit) started serving.
    Launched(u32),
    /// A group's instance was terminated (failed, interrupted or surplus).
    Terminated(u32),
    /// A Spot instance received its interruption notice.
    SpotInterrupted(u32),
    /// Standby pair started failing over.
    FailoverStarted(u32),
    /// Standby pair finished failing over.
    FailoverDone(u32),
    /// Store lost its data physically.
    DataLost(u32),
    /// Store's data was corrupted.
    DataCorrupted(u32),
    /// Store serves again.
    DataRecovered(u32),
    /// A region's control plane became impaired.
    ControlPlaneImpaired(u32),
    /// A region's control plane works again.
    ControlPlaneRestored(u32),
    /// Unit failed without anybody noticing (a hidden failure).
    FailedSilently(u32),
    /// A hidden failure of the unit was found: by a test or maintenance
    /// (`true`) or because it was needed (`false`).
    LatentFound(u32, bool),
    /// A periodic test took the unit out of service.
    TestStarted(u32),
    /// The unit's test ended.
    TestEnded(u32),
    /// The unit's test missed its hidden failure.
    TestMissed(u32),
    /// Planned maintenance took the unit out of service.
    MaintenanceStarted(u32),
    /// The unit's maintenance ended.
    MaintenanceEnded(u32),
    /// The unit's maintenance turn was skipped (it, or another replica, down).
    MaintenanceSkipped(u32),
    /// The unit's repair waits for its crew (every member busy, or out of
    /// working hours).
    RepairQueued(u32),
    /// A crew member took the unit's repair.
    RepairStarted(u32),
    /// Shock `0` struck.
    ShockStarted(u32),
    /// Shock `0` took unit `1` down.
    ShockHit(u32, u32),
    /// Shock `0` was rolled back: everything it took down is back.
    ShockEnded(u32),
}

/// Receives what happens during a trial (the accumulator, or a timeline).
pub trait Observer {
    /// An outage of `length` hours starting at `start`, caused by `cause`.
    fn outage(&mut self, start: f64, length: f64, cause: u32);
    /// Every event, in order; the statistics ignore these.
    #[inline]
    fn happened(&mut self, _time: f64, _what: Happening) {}
    /// A data incident, once its recovery is known.
    #[inline]
    fn incident(&mut self, _incident: &Incident) {}
    /// What crews, maintenance, hidden failures and shocks added up to in
    /// the trial, once at its end (only when the model has any of them).
    #[inline]
    fn operations(&mut self, _trial: &OpsTrial<'_>) {}
}

/// Where a trial stands between two events: what the event loop carries
/// besides the [`Scratch`] (so a trial can be stepped, and copied mid-way).
#[derive(Clone, Copy, Debug, Default)]
pub struct TrialState {
    /// The summary so far.
    pub summary: TrialSummary,
    up: bool,
    down_since: f64,
    down_cause: u32,
    last_t: f64,
    error_rate: f64,
}

impl TrialState {
    /// Whether the service is up.
    pub fn up(&self) -> bool {
        self.up
    }
}

/// Runs trial `trial` of `model`, reporting outages to `obs`.
pub fn run_trial(model: &Model, trial: u64, s: &mut Scratch, obs: &mut impl Observer) -> TrialSummary {
    let mut st = begin_trial(model, trial, s);
    while step(model, s, &mut st, obs).is_some() {}
    end_trial(model, s, st, obs)
}

/// Starts trial `trial` of `model`: everything up at t = 0, first events
/// scheduled.
pub fn begin_trial(model: &Model, trial: u64, s: &mut Scratch) -> TrialState {
    let seed = TrialSeed::new(model.seed, trial);
    s.queue.clear();
    s.unit_down.fill(0);
    s.zone_out.fill(false);
    s.region_out.fill(false);
    s.buckets.reset();
    s.pending_happenings.clear();
    s.incidents.clear();
    s.window_down.fill(0.0);
    s.trial = trial;
    for (g, gate) in model.gates.iter().enumerate() {
        s.gate_up_count[g] = gate.children.len() as u32;
        s.gate_up[g] = true;
    }
    // With a steady-state start, what starts down and the cause it gives.
    let warm = model.start == Start::SteadyState;
    let mut initial_cause = None;
    for (u, unit) in model.units.iter().enumerate() {
        if matches!(unit.role, Role::Plain | Role::Member(_)) {
            let rng = &mut s.unit_rng[u];
            *rng = seed.stream(unit.stream);
            if model.ops.unit_special[u] {
                continue;
            }
            if warm {
                initial_cause = start::unit(model, s, u as u32).or(initial_cause);
                continue;
            }
            let t = model.dists[model.unit_life[u][0] as usize].sample(rng);
            if model.within(t) {
                let k = s.queue.schedule(t, Event::Fail(u as u32));
                rare::record(s, Event::Fail(u as u32), k);
            } else {
                rare::beyond(s, Event::Fail(u as u32));
            }
        }
    }
    for (z, zone) in model.zones.iter().enumerate() {
        if let Some(o) = &zone.outage {
            if warm {
                if o.destroy_p > 0.0 {
                    s.zone_destroy_rng[z] = seed.stream(o.destroy_stream);
                }
                s.zone_rng[z] = seed.stream(zone.stream);
                if start::outage(model, s, z as u32, NONE) {
                    initial_cause = Some(model.zone_cause(z as u32));
                }
                continue;
            }
            let first = first_outage(model, o, seed, zone.stream, &mut s.zone_rng[z], Some(&mut s.zone_destroy_rng[z]));
            if model.within(first) {
                let k = s.queue.schedule(first, Event::ZoneDown(z as u32));
                rare::record(s, Event::ZoneDown(z as u32), k);
            } else {
                rare::beyond(s, Event::ZoneDown(z as u32));
            }
        }
    }
    for (r, region) in model.regions.iter().enumerate() {
        if let Some(o) = &region.outage {
            if warm {
                if o.destroy_p > 0.0 {
                    s.region_destroy_rng[r] = seed.stream(o.destroy_stream);
                }
                s.region_rng[r] = seed.stream(region.stream);
                if start::outage(model, s, NONE, r as u32) {
                    initial_cause = Some(model.region_cause(r as u32));
                }
                continue;
            }
            let destroy = Some(&mut s.region_destroy_rng[r]);
            let first = first_outage(model, o, seed, region.stream, &mut s.region_rng[r], destroy);
            if model.within(first) {
                let k = s.queue.schedule(first, Event::RegionDown(r as u32));
                rare::record(s, Event::RegionDown(r as u32), k);
            } else {
                rare::beyond(s, Event::RegionDown(r as u32));
            }
        }
    }
    s.control_impaired.fill(false);
    for (r, region) in model.regions.iter().enumerate() {
        if let Some(o) = &region.control_plane {
            let first = first_outage(model, o, seed, region.control_plane_stream, &mut s.control_rng[r], None);
            if model.within(first) {
                s.queue.schedule(first, Event::ControlPlaneDown(r as u32));
            }
        }
    }
    groups::start_trial(model, s, trial);
    standby::start_trial(model, s, trial);
    stores::start_trial(model, s, trial);
    operations::start_trial(model, s, trial);
    for u in 0..model.units.len() as u32 {
        if model.ops.unit_special[u as usize] {
            operations::first_failure(model, s, u);
        }
    }

    TrialState { up: s.gate_up[model.root as usize], down_cause: initial_cause.unwrap_or(0), ..TrialState::default() }
}

/// Processes the next event of the trial; returns it and its time, or
/// `None` when nothing is left before the horizon.
#[inline(always)]
pub fn step(model: &Model, s: &mut Scratch, st: &mut TrialState, obs: &mut impl Observer) -> Option<(f64, Event)> {
    let (t, ev) = s.queue.pop()?;
    let summary = &mut st.summary;
    summary.events += 1;
    if summary.events & (EVENTS_PER_REPORT - 1) == 0 {
        if let Some(c) = &s.events_counter {
            c.fetch_add(EVENTS_PER_REPORT, std::sync::atomic::Ordering::Relaxed);
        }
    }
    if st.up && st.error_rate > 0.0 {
        summary.error_budget += st.error_rate * (t - st.last_t);
    }
    st.last_t = t;
    let seen = match ev {
        // Special units tell whether their failure was noticed.
        Event::Fail(u) if model.ops.unit_special[u as usize] => None,
        Event::Fail(u) | Event::SlotFail(u) => Some(Happening::Failed(u)),
        Event::Repair(u) => Some(Happening::Repaired(u)),
        Event::ZoneDown(z) => Some(Happening::ZoneDown(z)),
        Event::ZoneUp(z) => Some(Happening::ZoneUp(z)),
        Event::RegionDown(r) => Some(Happening::RegionDown(r)),
        Event::RegionUp(r) => Some(Happening::RegionUp(r)),
        Event::SpotNotice(u) => Some(Happening::SpotInterrupted(u)),
        Event::FailoverDone(p) => Some(Happening::FailoverDone(p)),
        Event::ControlPlaneDown(r) => Some(Happening::ControlPlaneImpaired(r)),
        Event::ControlPlaneUp(r) => Some(Happening::ControlPlaneRestored(r)),
        Event::Detect(_)
        | Event::LaunchDone(_)
        | Event::SpotEnd(_)
        | Event::ZoneDetect(..)
        | Event::StoreLoss(_)
        | Event::StoreCorrupt(_)
        | Event::CorruptionNoticed(_)
        | Event::StoreRecovered(_)
        | Event::CrewShift(_)
        | Event::MaintenanceDue(_)
        | Event::MaintenanceDone(_)
        | Event::TestStart(_)
        | Event::TestEnd(_)
        | Event::ShockStart(_)
        | Event::ShockEnd(_) => None,
    };
    if let Some(what) = seen {
        obs.happened(t, what);
    }
    let cause = handle(model, s, t, ev, summary, obs);
    if s.latent.hidden_now > 0 {
        latent::reveal_needed(model, s, t);
    }
    for (when, what) in s.pending_happenings.drain(..) {
        obs.happened(when, what);
    }
    if !model.groups.is_empty() {
        st.error_rate = groups::error_rate(model, s);
    }
    let now_up = s.gate_up[model.root as usize];
    if st.up && !now_up {
        st.down_since = t;
        st.down_cause = cause;
        summary.outages += 1;
    } else if !st.up && now_up {
        summary.downtime += t - st.down_since;
        s.add_window_down(model, st.down_since, t);
        obs.outage(st.down_since, t - st.down_since, st.down_cause);
    }
    st.up = now_up;
    Some((t, ev))
}

/// Ends the trial at the horizon: closes what is still open and returns its
/// summary.
pub fn end_trial(model: &Model, s: &mut Scratch, st: TrialState, obs: &mut impl Observer) -> TrialSummary {
    let horizon = model.horizon;
    let TrialState { mut summary, up, down_since, down_cause, last_t, error_rate } = st;
    if up && error_rate > 0.0 {
        summary.error_budget += error_rate * (horizon - last_t);
    }
    if !up {
        summary.downtime += horizon - down_since;
        s.add_window_down(model, down_since, horizon);
        obs.outage(down_since, horizon - down_since, down_cause);
    }
    if let Some(slo) = model.slo {
        summary.slo_windows = model.slo_windows;
        let met = s.window_down.iter().filter(|&&d| 1.0 - d / model.slo_window >= slo).count();
        summary.slo_windows_met = met as u32;
    }
    s.buckets.close(horizon);
    operations::end_trial(model, s, obs);
    for inc in &s.incidents {
        summary.incidents += 1;
        let st = &model.stores[inc.store as usize];
        match inc.window {
            Some(w) => {
                summary.data_lost_hours += w;
                summary.data_lost_bytes += w * st.change_rate;
            }
            // No recovery point: all of it is gone (counted apart in hours).
            None => summary.data_lost_bytes += st.size_bytes,
        }
        let rpo_ok = model.rpo.is_none_or(|rpo| inc.window.is_some_and(|w| w <= rpo));
        let rto_ok = model.rto.is_none_or(|rto| inc.recovery <= rto);
        if !(rpo_ok && rto_ok) {
            summary.incidents_missed += 1;
        }
    }
    summary
}

/// Seeds the streams of an up/down process (a zone's or region's outages,
/// a control plane's impairments) and draws the start of its first down
/// time. `destroy_rng` is the stream of its destruction draws, if it has one.
fn first_outage(
    model: &Model,
    o: &OutageProcess,
    seed: TrialSeed,
    key: u64,
    rng: &mut SimRng,
    destroy_rng: Option<&mut SimRng>,
) -> f64 {
    if let Some(d) = destroy_rng.filter(|_| o.destroy_p > 0.0) {
        *d = seed.stream(o.destroy_stream);
    }
    *rng = seed.stream(key);
    model.dists[o.between as usize].sample(rng)
}

/// Handles one event; returns its cause index.
fn handle(
    model: &Model,
    s: &mut Scratch,
    t: f64,
    ev: Event,
    summary: &mut TrialSummary,
    obs: &mut impl Observer,
) -> u32 {
    match ev {
        Event::Fail(u) if model.ops.unit_special[u as usize] => operations::failed(model, s, u, t),
        Event::Repair(u) if model.ops.unit_special[u as usize] => operations::repaired(model, s, u, t),
        Event::Fail(u) => {
            set_unit(model, s, u, true, t);
            let b = model.unit_bucket[u as usize];
            if b != NONE {
                s.buckets.own_since[b as usize] = t;
            }
            let ttr = &model.dists[model.unit_life[u as usize][1] as usize];
            let next = t + ttr.sample(&mut s.unit_rng[u as usize]);
            if model.within(next) {
                s.queue.schedule(next, Event::Repair(u));
            }
            model.component_cause(u)
        }
        Event::Repair(u) => {
            set_unit(model, s, u, false, t);
            let b = model.unit_bucket[u as usize];
            if b != NONE {
                let b = b as usize;
                s.buckets.own_total[b] += t - s.buckets.own_since[b];
                s.buckets.own_since[b] = f64::NAN;
            }
            let ttf = &model.dists[model.unit_life[u as usize][0] as usize];
            let next = t + ttf.sample(&mut s.unit_rng[u as usize]);
            if model.within(next) {
                let k = s.queue.schedule(next, Event::Fail(u));
                rare::record(s, Event::Fail(u), k);
            } else {
                rare::beyond(s, Event::Fail(u));
            }
            model.component_cause(u)
        }
        Event::ZoneDown(z) => area_changed(model, s, t, Area::Zone(z), true, obs),
        Event::ZoneUp(z) => area_changed(model, s, t, Area::Zone(z), false, obs),
        Event::RegionDown(r) => area_changed(model, s, t, Area::Region(r), true, obs),
        Event::RegionUp(r) => area_changed(model, s, t, Area::Region(r), false, obs),
        Event::SlotFail(u) => {
            groups::own_failure(model, s, u, t);
            model.component_cause(u)
        }
        Event::Detect(u) => {
            groups::detected(model, s, u, t);
            model.component_cause(u)
        }
        Event::LaunchDone(u) => {
            groups::launch_done(model, s, u, t);
            model.component_cause(u)
        }
        Event::SpotNotice(u) => {
            if groups::spot_notice(model, s, u, t) {
                summary.spot_interruptions += 1;
            }
            model.component_cause(u)
        }
        Event::SpotEnd(u) => {
            groups::spot_end(model, s, u, t);
            model.component_cause(u)
        }
        Event::ZoneDetect(g, zp) => {
            groups::zone_detected(model, s, g, zp, t);
            model.zone_cause(model.groups[g as usize].zones[zp as usize])
        }
        Event::StoreLoss(i) => {
            stores::hardware_loss(model, s, i, t, obs);
            model.units[model.stores[i as usize].unit as usize].component
        }
        Event::StoreCorrupt(i) => {
            stores::corruption(model, s, i, t);
            model.units[model.stores[i as usize].unit as usize].component
        }
        Event::CorruptionNoticed(i) => {
            stores::corruption_noticed(model, s, i, t, obs);
            model.units[model.stores[i as usize].unit as usize].component
        }
        Event::StoreRecovered(i) => {
            stores::recovered(model, s, i, t);
            model.units[model.stores[i as usize].unit as usize].component
        }
        Event::ControlPlaneDown(r) | Event::ControlPlaneUp(r) => {
            let down = matches!(ev, Event::ControlPlaneDown(_));
            s.control_impaired[r as usize] = down;
            if !down {
                // What waited for it goes ahead now.
                groups::control_plane_back(model, s, r, t);
                standby::control_plane_back(model, s, t);
            }
            let o = model.regions[r as usize].control_plane.as_ref().expect("scheduled only with a process");
            let d = if down { o.duration } else { o.between };
            let next = t + model.dists[d as usize].sample(&mut s.control_rng[r as usize]);
            if model.within(next) {
                s.queue.schedule(next, if down { Event::ControlPlaneUp(r) } else { Event::ControlPlaneDown(r) });
            }
            model.region_cause(r)
        }
        Event::FailoverDone(p) => {
            standby::failover_done(model, s, p, t);
            model.units[model.standbys[p as usize].unit as usize].component
        }
        Event::CrewShift(k) => {
            // Repairs starting bring nothing down: any cause will do.
            crews::shift(model, s, k, t);
            0
        }
        Event::MaintenanceDue(m) => {
            maintenance::due(model, s, m, t);
            model.maintenance_cause(m)
        }
        Event::MaintenanceDone(m) => {
            maintenance::done(model, s, m, t);
            model.maintenance_cause(m)
        }
        Event::TestStart(u) => {
            latent::test_start(model, s, u, t);
            model.test_cause(model.ops.unit_latent[u as usize])
        }
        Event::TestEnd(u) => {
            latent::test_end(model, s, u, t);
            model.test_cause(model.ops.unit_latent[u as usize])
        }
        Event::ShockStart(k) => {
            shocks::strike(model, s, k, t);
            model.shock_cause(k)
        }
        Event::ShockEnd(k) => {
            shocks::rolled_back(model, s, k, t);
            model.shock_cause(k)
        }
    }
}

/// What an outage process takes down.
#[derive(Clone, Copy, Debug)]
enum Area {
    Zone(u32),
    Region(u32),
}

/// A zone or region outage begins (`down`) or ends: data kept there may be
/// destroyed, its units go out of (or back into) service, groups with
/// instances there react, and the next change is scheduled. Returns the
/// cause index.
fn area_changed(model: &Model, s: &mut Scratch, t: f64, area: Area, down: bool, obs: &mut impl Observer) -> u32 {
    let (outage, units, zones, zone, region) = match &area {
        Area::Zone(z) => {
            (&model.zones[*z as usize].outage, model.zone_units.get(*z), std::slice::from_ref(z), *z, NONE)
        }
        Area::Region(r) => {
            let reg = &model.regions[*r as usize];
            (&reg.outage, model.region_units.get(*r), &reg.zones[..], NONE, *r)
        }
    };
    let o = outage.as_ref().expect("scheduled only with an outage process");
    let destroy_rng = if region == NONE {
        &mut s.zone_destroy_rng[zone as usize]
    } else {
        &mut s.region_destroy_rng[region as usize]
    };
    if down && o.destroy_p > 0.0 && destroy_rng.random::<f64>() < o.destroy_p {
        obs.happened(
            t,
            if region == NONE { Happening::ZoneDestroyed(zone) } else { Happening::RegionDestroyed(region) },
        );
        // Buckets first: a store lost here cannot restore from backups kept
        // in a bucket lost with it.
        for &u in units {
            let b = model.unit_bucket[u as usize];
            // A zone takes the buckets kept in it alone; a region takes all.
            if b != NONE && (region != NONE || model.buckets[b as usize].class.single_az()) {
                s.buckets.lost[b as usize] = true;
            }
        }
        stores::destroyed(model, s, zone, region, t, obs);
    }
    let mut was_healthy = std::mem::take(&mut s.zone_was_healthy);
    was_healthy.clear();
    was_healthy.extend(zones.iter().map(|&z| s.zone_healthy(model, z)));
    if region == NONE {
        s.zone_out[zone as usize] = down;
    } else {
        s.region_out[region as usize] = down;
    }
    for &u in units {
        set_unit(model, s, u, down, t);
    }
    if model.ops.any_pauses {
        ages::area_changed(model, s, units, t);
    }
    for (&z, &was) in zones.iter().zip(&was_healthy) {
        if was != s.zone_healthy(model, z) {
            groups::zone_changed(model, s, z, t);
        }
    }
    s.zone_was_healthy = was_healthy;
    let d = model.dists[if down { o.duration } else { o.between } as usize].sample(if region == NONE {
        &mut s.zone_rng[zone as usize]
    } else {
        &mut s.region_rng[region as usize]
    });
    let next = match area {
        Area::Zone(z) if down => Event::ZoneUp(z),
        Area::Zone(z) => Event::ZoneDown(z),
        Area::Region(r) if down => Event::RegionUp(r),
        Area::Region(r) => Event::RegionDown(r),
    };
    if model.within(t + d) {
        let k = s.queue.schedule(t + d, next);
        rare::record(s, next, k);
    } else {
        rare::beyond(s, next);
    }
    if region == NONE { model.zone_cause(zone) } else { model.region_cause(region) }
}

/// Adds (`down`) or removes one reason for unit `u` to be out of service and
/// pushes a resulting state change up the structure, then tells the group
/// or standby pair that owns the unit.
#[inline]
fn set_unit(model: &Model, s: &mut Scratch, u: u32, down: bool, t: f64) {
    let c = &mut s.unit_down[u as usize];
    let was_up = *c == 0;
    if down {
        *c += 1;
    } else {
        *c -= 1;
    }
    let is_up = *c == 0;
    if was_up == is_up {
        return;
    }
    if model.unit_plain[u as usize] {
        propagate(model, s, u, is_up);
        return;
    }
    let b = model.unit_bucket[u as usize];
    if b != NONE {
        let b = b as usize;
        if is_up {
            let since = s.buckets.down_since[b];
            s.buckets.add_down(b, since, t);
            s.buckets.down_since[b] = f64::NAN;
        } else {
            s.buckets.down_since[b] = t;
        }
    }
    propagate(model, s, u, is_up);
    match model.units[u as usize].role {
        Role::Slot(g) => groups::slot_flipped(model, s, g, u, is_up),
        Role::Member(p) => standby::member_flipped(model, s, p, u, is_up, t),
        Role::Plain | Role::Standby(_) | Role::Store(_) => {}
    }
}

/// Pushes unit `u`'s new state up the structure, as far as gates flip.
#[inline(always)]
fn propagate(model: &Model, s: &mut Scratch, u: u32, is_up: bool) {
    for &g in model.unit_parents.get(u) {
        child_changed(model, s, g, is_up);
    }
    while let Some(g) = s.stack.pop() {
        let gate_up = s.gate_up[g as usize];
        for &p in model.gate_parents.get(g) {
            child_changed(model, s, p, gate_up);
        }
    }
}

#[inline(always)]
fn child_changed(model: &Model, s: &mut Scratch, g: u32, child_up: bool) {
    let gi = g as usize;
    if child_up {
        s.gate_up_count[gi] += 1;
    } else {
        s.gate_up_count[gi] -= 1;
    }
    let now = s.gate_up_count[gi] >= model.gate_k[gi];
    if now != s.gate_up[gi] {
        s.gate_up[gi] = now;
        // Only gates with parents have anything further to tell.
        if !model.gate_parents.get(g).is_empty() {
            s.stack.push(g);
        }
    }
}
