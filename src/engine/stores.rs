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
//! - a backup's recovery point is the data as of its start. It is usable
//!   for an incident only if it completed before the incident struck (a
//!   loss destroys the source of a backup still running; a corruption
//!   taints what is copied after it), it is still retained at the decision
//!   to restore, and its destination has not been destroyed. A backup
//!   whose run overlaps a time the store was down recovering copied
//!   nothing: it fails, and the failure is known;
//! - retention `keep = N` keeps the newest N completed backups at the
//!   decision: a backup still running takes no slot, nor does one known to
//!   have failed (verified, or with nothing to copy); one that failed
//!   silently does (nobody knows it is bad). A silently failed backup costs
//!   a failed restore attempt before an older one is tried;
//! - a shipped log covers data up to its shipping time, while retained;
//! - recovery = detection + decision + (failover | restore: overhead +
//!   size ÷ throughput, slower across regions) + validation; the store is
//!   down from the loss (or the corruption's detection) until then;
//! - overlapping incidents: a loss while the store is already down
//!   recovering is absorbed by that recovery, and a corruption while an
//!   earlier one is still unnoticed merges into it (restoring from before
//!   the first covers both). Otherwise both are recorded: a loss during an
//!   unnoticed corruption is recovered as operators would, not knowing of
//!   the corruption (a replica or backup taken after it may be used), and
//!   the corruption, once noticed, is restored from a copy that is neither
//!   corrupted nor destroyed; a corruption during a loss's recovery is
//!   noticed and restored on its own clock. The store is back when every
//!   recovery under way has finished.

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
    /// Recoveries under way per store (the store is down while any is).
    recoveries: Vec<u32>,
    /// When the corruption not yet noticed struck, or NaN.
    corrupted_at: Vec<f64>,
    /// Per store, the times it was down recovering, `[from, to)` (`to` is
    /// infinite while still down): backups overlapping one copied nothing.
    down: Vec<Vec<(f64, f64)>>,
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
            recoveries: vec![0; n],
            corrupted_at: vec![f64::NAN; n],
            down: vec![Vec::new(); n],
            incident_rng: vec![r.clone(); n],
            corruption_rng: vec![r.clone(); n],
            recovery_rng: vec![r; n],
            zone_destroyed: vec![f64::INFINITY; model.zones.len()],
            region_destroyed: vec![f64::INFINITY; model.regions.len()],
        }
    }

    /// Whether store `i` was down recovering at any time in `[from, to]`.
    fn down_during(&self, i: usize, from: f64, to: f64) -> bool {
        self.down[i].iter().any(|&(a, b)| a <= to && from < b)
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
        s.stores.recoveries[i] = 0;
        s.stores.corrupted_at[i] = f64::NAN;
        s.stores.down[i].clear();
        s.stores.incident_rng[i] = stream(model.seed, trial, st.incident_stream);
        s.stores.corruption_rng[i] = stream(model.seed, trial, st.incident_stream ^ 0x5bd1_e995);
        s.stores.recovery_rng[i] = stream(model.seed, trial, st.recovery_stream);
        if st.loss_rate > 0.0 {
            let t = exp(&mut s.stores.incident_rng[i], st.loss_rate);
            if model.within(t) {
                s.queue.schedule(t, Event::StoreLoss(i as u32));
            }
        }
        if st.corruption_rate > 0.0 {
            let t = exp(&mut s.stores.corruption_rng[i], st.corruption_rate);
            if model.within(t) {
                s.queue.schedule(t, Event::StoreCorrupt(i as u32));
            }
        }
    }
}

/// The store's own hardware lost its data.
pub(super) fn hardware_loss(model: &Model, s: &mut Scratch, i: u32, t: f64, obs: &mut impl Observer) {
    let st = &model.stores[i as usize];
    let next = t + exp(&mut s.stores.incident_rng[i as usize], st.loss_rate);
    if model.within(next) {
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
    if s.stores.recoveries[ii] > 0 {
        return;
    }
    let st = &model.stores[ii];
    begin_recovery(model, s, ii, t);
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

/// Store `ii` goes down at `t` for a recovery (one more reason to be down).
fn begin_recovery(model: &Model, s: &mut Scratch, ii: usize, t: f64) {
    s.stores.recoveries[ii] += 1;
    s.stores.down[ii].push((t, f64::INFINITY));
    set_unit(model, s, model.stores[ii].unit, true, t);
}

/// A logical corruption strikes now; it is noticed after the detection delay.
pub(super) fn corruption(model: &Model, s: &mut Scratch, i: u32, t: f64) {
    let ii = i as usize;
    let st = &model.stores[ii];
    let next = t + exp(&mut s.stores.corruption_rng[ii], st.corruption_rate);
    if model.within(next) {
        s.queue.schedule(next, Event::StoreCorrupt(i));
    }
    if !s.stores.corrupted_at[ii].is_nan() {
        return;
    }
    s.stores.corrupted_at[ii] = t;
    s.pending_happenings.push((t, Happening::DataCorrupted(i)));
    let noticed = t + sample(model, s, ii, st.corruption_detection);
    if model.within(noticed) {
        s.queue.schedule(noticed, Event::CorruptionNoticed(i));
    }
}

/// The corruption is noticed: take the store down and restore from before it.
pub(super) fn corruption_noticed(model: &Model, s: &mut Scratch, i: u32, t: f64, obs: &mut impl Observer) {
    let ii = i as usize;
    let st = &model.stores[ii];
    let struck = std::mem::replace(&mut s.stores.corrupted_at[ii], f64::NAN);
    begin_recovery(model, s, ii, t);
    let decide = sample(model, s, ii, st.decision);
    let (window, steps) = restore(model, s, ii, struck, t + decide);
    let back = t + decide + steps + sample(model, s, ii, st.validation);
    let inc =
        Incident { store: i, time: struck, corruption: true, window, recovery: back - struck, rolled_back: t - struck };
    finish(model, s, obs, inc, back);
}

/// Reports the incident; the recovery that began last ends at `back`.
fn finish(model: &Model, s: &mut Scratch, obs: &mut impl Observer, inc: Incident, back: f64) {
    obs.incident(&inc);
    s.incidents.push(inc);
    let down = s.stores.down[inc.store as usize].last_mut().expect("a recovery began");
    down.1 = back;
    if model.within(back) {
        s.queue.schedule(back, Event::StoreRecovered(inc.store));
    }
}

/// A recovery finished; the store serves again once none is under way.
pub(super) fn recovered(model: &Model, s: &mut Scratch, i: u32, t: f64) {
    s.stores.recoveries[i as usize] -= 1;
    set_unit(model, s, model.stores[i as usize].unit, false, t);
    if s.stores.recoveries[i as usize] == 0 {
        s.pending_happenings.push((t, Happening::DataRecovered(i)));
    }
}

/// The newest recovery point usable for an incident that struck at
/// `struck`, when deciding to restore at `decide`: returns the data-loss
/// window (None: no usable point) and the restore time, including failed
/// attempts on silently broken backups.
fn restore(model: &Model, s: &mut Scratch, i: usize, struck: f64, decide: f64) -> (Option<f64>, f64) {
    let st = &model.stores[i];
    let overhead = sample(model, s, i, st.restore_overhead);
    let restore_time =
        |cross: bool| overhead + st.size_bytes / if cross { st.cross_region_throughput } else { st.throughput };
    // (recovery point, restore hours)
    let mut best: Option<(f64, f64)> = None;
    if let Some(l) = &st.logs {
        let rp = (struck / l.every).floor() * l.every;
        if rp >= 0.0 && decide - rp <= l.retention && copies_alive(s, l.destination, l.bucket, decide) {
            best = Some((rp, restore_time(l.cross_region)));
        }
    }
    for b in &st.backups {
        if !copies_alive(s, b.destination, b.bucket, decide) {
            continue;
        }
        if let Some((rp, failed)) = newest_backup(model, s, i, b, struck, decide, best.map(|b| b.0)) {
            best = Some((rp, restore_time(b.cross_region) + failed * restore_time(b.cross_region)));
        }
    }
    match best {
        Some((rp, hours)) => (Some(struck - rp), hours),
        None => (None, 0.0),
    }
}

/// The newest backup of schedule `b` usable for an incident that struck at
/// `struck`, deciding at `decide`, if it is newer than `better` (a point
/// already found): its start, and how many silently failed backups a
/// restore tries first. Walks back from the newest backup started by the
/// decision, counting retention slots as it goes.
fn newest_backup(
    model: &Model,
    s: &Scratch,
    i: usize,
    b: &BackupSchedule,
    struck: f64,
    decide: f64,
    better: Option<f64>,
) -> Option<(f64, f64)> {
    let mut k = ((decide - b.offset) / b.every).floor();
    let mut slots = 0u32;
    let mut failed = 0.0;
    while k >= 0.0 {
        let index = k as u64;
        let start = b.offset + k * b.every;
        k -= 1.0;
        if better.is_some_and(|rp| rp >= start) {
            return None;
        }
        let (took, ok) = backup_outcome(model, s.trial, b, index);
        let end = start + took;
        if end > decide {
            // Still running at the decision: neither kept nor usable.
            continue;
        }
        let copied = !s.stores.down_during(i, start, end);
        let known_bad = !copied || (!ok && b.verify);
        if !known_bad {
            slots += 1;
        }
        let retained = match b.retention {
            Retention::Age(age) => decide - start <= age,
            Retention::Count(n) => slots <= n,
            Retention::Forever => true,
        };
        if !retained {
            // Pruned, and every older one with it.
            return None;
        }
        if known_bad || end > struck {
            // Known to be bad, or completed after the incident struck.
            continue;
        }
        if !ok {
            failed += 1.0;
            continue;
        }
        return Some((start, failed));
    }
    None
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
