//! Data stores within one trial: incidents that destroy or corrupt data,
//! the recovery point each can come back to, and how long recovery takes.
//!
//! Rules (also in README):
//! - a physical loss (the store's hardware, its zone or region destroyed)
//!   fails over to a surviving replica if there is one: no data lost from a
//!   synchronous replica, the replication lag from an asynchronous one;
//!   otherwise the store is restored from the newest usable recovery point;
//! - a logical corruption reaches every replica, so only a recovery point
//!   from before it helps; it is noticed after a detection delay, and the
//!   writes made meanwhile are rolled back;
//! - a backup's recovery point is the data as of its start, usable once it
//!   has completed (by the time of the decision to restore), while it is
//!   retained and its destination has not been destroyed; a failed backup
//!   is skipped if verification is on, otherwise a restore from it fails
//!   and costs a restore's time before falling back to an older one;
//! - a shipped log covers data up to its shipping time, while retained;
//! - recovery = detection + decision + (failover | restore: overhead +
//!   size ÷ throughput, slower across regions) + validation; the store is
//!   down from the loss (or the corruption's detection) until then;
//! - an incident that strikes a store already recovering is absorbed by
//!   that recovery.

use super::{Event, Happening, Observer, Scratch, set_unit};
use crate::model::{BackupDuration, BackupSchedule, Model, NONE, Place, Retention};
use crate::rng::{SimRng, stream};
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

/// One data incident, as reported to the observer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Incident {
    /// Store index.
    pub store: u32,
    /// When it struck.
    pub time: f64,
    /// Logical corruption (else physical loss).
    pub corruption: bool,
    /// Hours of data lost: from the recovery point to the incident; `None`
    /// when no usable recovery point existed (data gone for good).
    pub window: Option<f64>,
    /// Hours from the incident until the store serves again.
    pub recovery: f64,
    /// Hours of writes rolled back (corruption to detection).
    pub rolled_back: f64,
}

/// Working memory for the stores of one trial.
pub(super) struct StoreScratch {
    recovering: Vec<bool>,
    corrupted_at: Vec<f64>,
    incident_rng: Vec<SimRng>,
    corruption_rng: Vec<SimRng>,
    recovery_rng: Vec<SimRng>,
    /// When each zone / region was destroyed in this trial (∞: never).
    pub zone_destroyed: Vec<f64>,
    pub region_destroyed: Vec<f64>,
}

impl StoreScratch {
    pub fn new(model: &Model) -> Self {
        let n = model.stores.len();
        let r = stream(0, 0, 0);
        StoreScratch {
            recovering: vec![false; n],
            corrupted_at: vec![0.0; n],
            incident_rng: vec![r.clone(); n],
            corruption_rng: vec![r.clone(); n],
            recovery_rng: vec![r; n],
            zone_destroyed: vec![f64::INFINITY; model.zones.len()],
            region_destroyed: vec![f64::INFINITY; model.regions.len()],
        }
    }
}

fn exp(rng: &mut SimRng, rate: f64) -> f64 {
    let e: f64 = Exp1.sample(rng);
    e / rate
}

/// Schedules each store's first loss and corruption.
pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    s.stores.zone_destroyed.fill(f64::INFINITY);
    s.stores.region_destroyed.fill(f64::INFINITY);
    for (i, st) in model.stores.iter().enumerate() {
        s.stores.recovering[i] = false;
        s.stores.incident_rng[i] = stream(model.seed, trial, st.incident_stream);
        s.stores.corruption_rng[i] = stream(model.seed, trial, st.incident_stream ^ 0x5bd1_e995);
        s.stores.recovery_rng[i] = stream(model.seed, trial, st.recovery_stream);
        if st.loss_rate > 0.0 {
            let t = exp(&mut s.stores.incident_rng[i], st.loss_rate);
            if t <= model.horizon {
                s.queue.schedule(t, Event::StoreLoss(i as u32));
            }
        }
        if st.corruption_rate > 0.0 {
            let t = exp(&mut s.stores.corruption_rng[i], st.corruption_rate);
            if t <= model.horizon {
                s.queue.schedule(t, Event::StoreCorrupt(i as u32));
            }
        }
    }
}

/// The store's own hardware lost its data.
pub(super) fn hardware_loss(model: &Model, s: &mut Scratch, i: u32, t: f64, obs: &mut impl Observer) {
    let st = &model.stores[i as usize];
    let next = t + exp(&mut s.stores.incident_rng[i as usize], st.loss_rate);
    if next <= model.horizon {
        s.queue.schedule(next, Event::StoreLoss(i));
    }
    physical_loss(model, s, i, t, obs);
}

/// A zone (or region) was destroyed at `t`: stores living there lose their data.
pub(super) fn destroyed(model: &Model, s: &mut Scratch, zone: u32, region: u32, t: f64, obs: &mut impl Observer) {
    if zone != NONE {
        s.stores.zone_destroyed[zone as usize] = s.stores.zone_destroyed[zone as usize].min(t);
    }
    if region != NONE {
        s.stores.region_destroyed[region as usize] = s.stores.region_destroyed[region as usize].min(t);
    }
    for (i, st) in model.stores.iter().enumerate() {
        if !alive(s, st.place, t) && st.place != (Place { zone: NONE, region: NONE }) {
            physical_loss(model, s, i as u32, t, obs);
        }
    }
}

/// True if nothing has destroyed `place` by time `t`.
fn alive(s: &Scratch, place: Place, t: f64) -> bool {
    let z = place.zone == NONE || s.stores.zone_destroyed[place.zone as usize] > t;
    let r = place.region == NONE || s.stores.region_destroyed[place.region as usize] > t;
    z && r
}

/// Whether copies kept at `place`, or in `bucket`, still exist at `t`. A
/// bucket's data is destroyed as the bucket's storage class says (a
/// single-zone class with its zone, any class with its region).
fn copies_alive(s: &Scratch, place: Place, bucket: u32, t: f64) -> bool {
    if bucket != NONE {
        return !s.buckets.lost[bucket as usize];
    }
    alive(s, place, t)
}

fn sample(model: &Model, s: &mut Scratch, i: usize, dist: u32) -> f64 {
    model.dists[dist as usize].sample(&mut s.stores.recovery_rng[i])
}

/// Physical loss of the primary copy at `t`.
fn physical_loss(model: &Model, s: &mut Scratch, i: u32, t: f64, obs: &mut impl Observer) {
    let ii = i as usize;
    if s.stores.recovering[ii] {
        return;
    }
    let st = &model.stores[ii];
    s.stores.recovering[ii] = true;
    set_unit(model, s, st.unit, true, t);
    s.pending_happenings.push((t, Happening::DataLost(i)));
    let detect = sample(model, s, ii, st.detection) + sample(model, s, ii, st.decision);
    // A replica survives unless what destroyed the primary (its zone or
    // region) holds it too; after a hardware loss every replica survives.
    let replica = st.replicas.iter().find(|r| alive(s, r.place, t)).map(|r| r.lag);
    let (window, steps) = match replica {
        Some(lag) => {
            let w = lag.map_or(0.0, |d| sample(model, s, ii, d));
            (Some(w), sample(model, s, ii, st.failover))
        }
        None => restore(model, s, ii, t, t + detect),
    };
    let recovery = detect + steps + sample(model, s, ii, st.validation);
    finish(
        model,
        s,
        obs,
        Incident { store: i, time: t, corruption: false, window, recovery, rolled_back: 0.0 },
        t + recovery,
    );
}

/// A logical corruption strikes now; it is noticed after the detection delay.
pub(super) fn corruption(model: &Model, s: &mut Scratch, i: u32, t: f64) {
    let ii = i as usize;
    let st = &model.stores[ii];
    let next = t + exp(&mut s.stores.corruption_rng[ii], st.corruption_rate);
    if next <= model.horizon {
        s.queue.schedule(next, Event::StoreCorrupt(i));
    }
    if s.stores.recovering[ii] {
        return;
    }
    s.stores.recovering[ii] = true;
    s.stores.corrupted_at[ii] = t;
    s.pending_happenings.push((t, Happening::DataCorrupted(i)));
    let noticed = t + sample(model, s, ii, st.corruption_detection);
    if noticed <= model.horizon {
        s.queue.schedule(noticed, Event::CorruptionNoticed(i));
    }
}

/// The corruption is noticed: take the store down and restore from before it.
pub(super) fn corruption_noticed(model: &Model, s: &mut Scratch, i: u32, t: f64, obs: &mut impl Observer) {
    let ii = i as usize;
    let st = &model.stores[ii];
    let struck = s.stores.corrupted_at[ii];
    set_unit(model, s, st.unit, true, t);
    let decide = sample(model, s, ii, st.decision);
    let (window, steps) = restore(model, s, ii, struck, t + decide);
    let back = t + decide + steps + sample(model, s, ii, st.validation);
    let inc =
        Incident { store: i, time: struck, corruption: true, window, recovery: back - struck, rolled_back: t - struck };
    finish(model, s, obs, inc, back);
}

fn finish(model: &Model, s: &mut Scratch, obs: &mut impl Observer, inc: Incident, back: f64) {
    obs.incident(&inc);
    s.incidents.push(inc);
    if back <= model.horizon {
        s.queue.schedule(back, Event::StoreRecovered(inc.store));
    }
}

/// The store serves again.
pub(super) fn recovered(model: &Model, s: &mut Scratch, i: u32, t: f64) {
    s.stores.recovering[i as usize] = false;
    set_unit(model, s, model.stores[i as usize].unit, false, t);
    s.pending_happenings.push((t, Happening::DataRecovered(i)));
}

/// The newest recovery point at or before `cutoff` usable when deciding at
/// `decide`: returns the data-loss window (None: none usable) and the
/// restore time, including failed attempts on unverified broken backups.
fn restore(model: &Model, s: &mut Scratch, i: usize, cutoff: f64, decide: f64) -> (Option<f64>, f64) {
    let st = &model.stores[i];
    let overhead = sample(model, s, i, st.restore_overhead);
    let restore_time =
        |cross: bool| overhead + st.size_bytes / if cross { st.cross_region_throughput } else { st.throughput };
    // (recovery point, restore hours)
    let mut best: Option<(f64, f64)> = None;
    if let Some(l) = &st.logs {
        let rp = (cutoff / l.every).floor() * l.every;
        if rp >= 0.0 && decide - rp <= l.retention && copies_alive(s, l.destination, l.bucket, decide) {
            best = Some((rp, restore_time(l.cross_region)));
        }
    }
    for b in &st.backups {
        if !copies_alive(s, b.destination, b.bucket, decide) {
            continue;
        }
        let newest_by_decision = ((decide - b.offset) / b.every).floor();
        let mut k = ((cutoff - b.offset) / b.every).floor();
        let mut failed_attempts = 0.0;
        while k >= 0.0 {
            let start = b.offset + k * b.every;
            if best.is_some_and(|(rp, _)| rp >= start) {
                break;
            }
            let retained = match b.retention {
                Retention::Age(age) => decide - start <= age,
                Retention::Count(n) => k > newest_by_decision - f64::from(n),
                Retention::Forever => true,
            };
            if !retained {
                break;
            }
            let (took, ok) = backup_outcome(model, s.trial, b, k as u64);
            if start + took <= decide {
                if ok {
                    best = Some((start, restore_time(b.cross_region) + failed_attempts));
                    break;
                }
                if !b.verify {
                    failed_attempts += restore_time(b.cross_region);
                }
            }
            k -= 1.0;
        }
    }
    match best {
        Some((rp, hours)) => (Some(cutoff - rp), hours),
        None => (None, 0.0),
    }
}

/// How long backup `k` (from 0) of schedule `b` took in trial `trial`, and
/// whether it succeeded. A pure function of its arguments, so a backup is
/// the same whenever it is looked at: by a restore, or by a timeline.
pub fn backup_outcome(model: &Model, trial: u64, b: &BackupSchedule, k: u64) -> (f64, bool) {
    let mut rng = stream(model.seed, trial, b.stream ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let took = match b.duration {
        BackupDuration::Hours(h) => h,
        BackupDuration::Dist(d) => model.dists[d as usize].sample(&mut rng),
    };
    let ok = b.success >= 1.0 || rng.random::<f64>() < b.success;
    (took, ok)
}
