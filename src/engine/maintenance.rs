//! Planned maintenance within one trial.
//!
//! Rules (also in README): rounds fall due at `offset`, `offset + every`, …;
//! with a `window`, work starts only while it is open (a turn due outside
//! waits for the next opening; work under way runs to its end). All at once
//! (`rolling = false`): every replica not failed is out of service for one
//! duration. Rolling: the replicas in turn, each out for its own duration;
//! a replica's turn is skipped when it has failed or another replica is out
//! of service for any reason. A unit known to be failed is never
//! maintained; a hidden failure is found at the end of its maintenance.
//! The next round falls due `every` after this one did (at once, if the
//! round ran past it).

use super::operations::{MaintenanceTrial, is_failed};
use super::{Event, Happening, Scratch, latent, set_unit};
use crate::model::Model;
use crate::rng::{SimRng, stream};

/// Working memory (per schedule; per unit for who is being maintained).
pub(super) struct MaintenanceScratch {
    rng: Vec<SimRng>,
    /// Nominal time of the current round.
    due: Vec<f64>,
    /// Rolling: position of the next unit in the round.
    pos: Vec<usize>,
    /// Per unit: out of service for maintenance.
    under: Vec<bool>,
    /// This trial's figures.
    pub trial: Vec<MaintenanceTrial>,
}

impl MaintenanceScratch {
    pub fn new(model: &Model) -> Self {
        let n = model.ops.maintenance.len();
        MaintenanceScratch {
            rng: vec![stream(0, 0, 0); n],
            due: vec![0.0; n],
            pos: vec![0; n],
            under: vec![false; if n == 0 { 0 } else { model.units.len() }],
            trial: vec![MaintenanceTrial::default(); n],
        }
    }
}

pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    s.maintenance.under.fill(false);
    for (m, sched) in model.ops.maintenance.iter().enumerate() {
        s.maintenance.rng[m] = stream(model.seed, trial, sched.stream);
        s.maintenance.due[m] = sched.offset;
        s.maintenance.pos[m] = 0;
        s.maintenance.trial[m] = MaintenanceTrial::default();
        if model.within(sched.offset) {
            s.queue.schedule(sched.offset, Event::MaintenanceDue(m as u32));
        }
    }
}

/// Schedule `m`'s next turn is due at `t`. Returns whether it took a unit
/// out of service.
pub(super) fn due(model: &Model, s: &mut Scratch, m: u32, t: f64) -> bool {
    let mi = m as usize;
    let sched = &model.ops.maintenance[mi];
    if let Some(w) = &sched.window {
        let open = w.next_open(t);
        if open > t {
            if model.within(open) {
                s.queue.schedule(open, Event::MaintenanceDue(m));
            }
            return false;
        }
    }
    if !sched.rolling {
        let mut any = false;
        for &u in &sched.units {
            if is_failed(s, u) {
                s.maintenance.trial[mi].skipped += 1;
                s.pending_happenings.push((t, Happening::MaintenanceSkipped(u)));
                continue;
            }
            take_out(model, s, mi, u, t);
            any = true;
        }
        let end = t + model.dists[sched.duration as usize].sample(&mut s.maintenance.rng[mi]);
        if any {
            if model.within(end) {
                s.queue.schedule(end, Event::MaintenanceDone(m));
            }
        } else {
            next_round(model, s, mi, t);
        }
        return any;
    }
    while s.maintenance.pos[mi] < sched.units.len() {
        let u = sched.units[s.maintenance.pos[mi]];
        s.maintenance.pos[mi] += 1;
        let sibling_down = sched.units.iter().any(|&v| v != u && s.unit_down[v as usize] > 0);
        if is_failed(s, u) || sibling_down {
            s.maintenance.trial[mi].skipped += 1;
            s.pending_happenings.push((t, Happening::MaintenanceSkipped(u)));
            continue;
        }
        take_out(model, s, mi, u, t);
        let end = t + model.dists[sched.duration as usize].sample(&mut s.maintenance.rng[mi]);
        if model.within(end) {
            s.queue.schedule(end, Event::MaintenanceDone(m));
        }
        return true;
    }
    next_round(model, s, mi, t);
    false
}

fn take_out(model: &Model, s: &mut Scratch, mi: usize, u: u32, t: f64) {
    s.maintenance.under[u as usize] = true;
    s.maintenance.trial[mi].done += 1;
    s.pending_happenings.push((t, Happening::MaintenanceStarted(u)));
    set_unit(model, s, u, true, t);
}

/// The unit (or, all at once, the units) of schedule `m` under maintenance
/// are back; a rolling round goes on with the next one.
pub(super) fn done(model: &Model, s: &mut Scratch, m: u32, t: f64) {
    let mi = m as usize;
    let sched = &model.ops.maintenance[mi];
    for &u in &sched.units {
        if s.maintenance.under[u as usize] {
            s.maintenance.under[u as usize] = false;
            s.pending_happenings.push((t, Happening::MaintenanceEnded(u)));
            latent::checked(model, s, u, t);
            set_unit(model, s, u, false, t);
        }
    }
    if sched.rolling {
        s.queue.schedule(t, Event::MaintenanceDue(m));
    } else {
        next_round(model, s, mi, t);
    }
}

/// The round is over: the next falls due `every` after this one did.
fn next_round(model: &Model, s: &mut Scratch, mi: usize, t: f64) {
    let sched = &model.ops.maintenance[mi];
    let due = (s.maintenance.due[mi] + sched.every).max(t);
    s.maintenance.due[mi] = due;
    s.maintenance.pos[mi] = 0;
    if model.within(due) {
        s.queue.schedule(due, Event::MaintenanceDue(mi as u32));
    }
}
