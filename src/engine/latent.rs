//! Hidden (latent) failures and periodic tests within one trial.
//!
//! Rules (also in README): a failure of a unit with `latent = P` is silent
//! with probability P (a standby member's failure while it serves is always
//! noticed). A silent failure takes the unit out of service — it would not
//! serve — but nobody knows: no repair starts. It is found
//! - by a test: every `test.every` the unit is taken out of service for
//!   `test.duration` (a standby member only while it is not serving; a unit
//!   known to be failed is not tested); at the end, a hidden failure that
//!   struck before is found unless the test misses it (`test.miss`);
//! - by a maintenance of the unit, which finds it at its end;
//! - when it is needed: its standby pair fails over and looks for a
//!   member, or a gate it belongs to goes down while it is failed.
//!
//! Once found, its repair is asked for (its crew, or its own clock).

use super::operations::{LatentTrial, is_failed, start_repair};
use super::{Event, Happening, Scratch, set_unit, standby};
use crate::model::{Model, NONE, Role};
use crate::queue::EventKey;
use crate::rng::{SimRng, stream};
use rand::RngExt;

/// Working memory (per unit, empty without hidden failures).
pub(super) struct LatentScratch {
    hidden: Vec<bool>,
    since: Vec<f64>,
    rng: Vec<SimRng>,
    /// Nominal time of the next test of each unit.
    next_test: Vec<f64>,
    /// The unit is being tested (out of service) until its `TestEnd`.
    in_test: Vec<bool>,
    /// A pending end of test.
    test_key: Vec<Option<EventKey>>,
    /// Units failed without anybody knowing, now.
    pub hidden_now: u32,
    /// This trial's figures, per hidden-failure entry.
    pub trial: Vec<LatentTrial>,
}

impl LatentScratch {
    pub fn new(model: &Model) -> Self {
        let n = if model.ops.latent.is_empty() { 0 } else { model.units.len() };
        LatentScratch {
            hidden: vec![false; n],
            since: vec![0.0; n],
            rng: vec![stream(0, 0, 0); n],
            next_test: vec![f64::INFINITY; n],
            in_test: vec![false; n],
            test_key: vec![None; n],
            hidden_now: 0,
            trial: vec![LatentTrial::default(); model.ops.latent.len()],
        }
    }
}

pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    let ls = &mut s.latent;
    ls.hidden.fill(false);
    ls.in_test.fill(false);
    ls.test_key.fill(None);
    ls.hidden_now = 0;
    ls.trial.fill(LatentTrial::default());
    for l in &model.ops.latent {
        for (i, &u) in l.units.iter().enumerate() {
            let key = l.stream ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            s.latent.rng[u as usize] = stream(model.seed, trial, key);
            let Some(test) = &l.test else { continue };
            let shift = if test.stagger { test.every * i as f64 / l.units.len() as f64 } else { 0.0 };
            let first = test.offset + shift;
            s.latent.next_test[u as usize] = first;
            if model.within(first) {
                s.queue.schedule(first, Event::TestStart(u));
            }
        }
    }
}

/// Whether the failure of `u`, happening now, is silent.
pub(super) fn silent(model: &Model, s: &mut Scratch, u: u32) -> bool {
    let l = model.ops.unit_latent[u as usize];
    if l == NONE {
        return false;
    }
    let x: f64 = s.latent.rng[u as usize].random();
    let serving = match model.units[u as usize].role {
        Role::Member(p) => standby::is_active(s, p, u),
        _ => false,
    };
    !serving && x < model.ops.latent[l as usize].share
}

/// `u` failed silently at `t`.
pub(super) fn hide(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let l = model.ops.unit_latent[u as usize] as usize;
    s.latent.hidden[u as usize] = true;
    s.latent.since[u as usize] = t;
    s.latent.hidden_now += 1;
    s.latent.trial[l].silent += 1;
}

/// The hidden failure of `u` is found at `t` (by a test or maintenance, or
/// because it was needed): its repair is asked for.
fn reveal(model: &Model, s: &mut Scratch, u: u32, t: f64, by_check: bool) {
    let l = model.ops.unit_latent[u as usize] as usize;
    s.latent.hidden[u as usize] = false;
    s.latent.hidden_now -= 1;
    let tr = &mut s.latent.trial[l];
    tr.hidden_hours += t - s.latent.since[u as usize];
    if by_check {
        tr.found_by_check += 1;
    } else {
        tr.found_when_needed += 1;
    }
    s.pending_happenings.push((t, Happening::LatentFound(u, by_check)));
    start_repair(model, s, u, t);
}

/// After an event: a hidden failure under a gate that is now down is found
/// (the unit was needed).
pub(super) fn reveal_needed(model: &Model, s: &mut Scratch, t: f64) {
    for l in &model.ops.latent {
        for &u in &l.units {
            if s.latent.hidden[u as usize] && model.unit_parents.get(u).iter().any(|&g| !s.gate_up[g as usize]) {
                reveal(model, s, u, t, false);
            }
        }
    }
}

/// Standby pair `p` looks for a member to fail over to: hidden failures of
/// its members are found.
pub(super) fn needed_by_pair(model: &Model, s: &mut Scratch, p: u32, t: f64) {
    if s.latent.hidden_now == 0 {
        return;
    }
    for &m in &model.standbys[p as usize].members {
        if s.latent.hidden[m as usize] {
            reveal(model, s, m, t, false);
        }
    }
}

/// A maintenance of `u` ended: a hidden failure is found.
pub(super) fn checked(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    if s.latent.hidden.get(u as usize).copied().unwrap_or(false) {
        reveal(model, s, u, t, true);
    }
}

/// A test of `u` is due. Returns whether it took the unit out of service.
pub(super) fn test_start(model: &Model, s: &mut Scratch, u: u32, t: f64) -> bool {
    let l = model.ops.unit_latent[u as usize] as usize;
    let test = model.ops.latent[l].test.as_ref().expect("tests scheduled only with a test");
    let ui = u as usize;
    // The next one, on the schedule whatever happens to this one.
    let next = s.latent.next_test[ui] + test.every;
    s.latent.next_test[ui] = next;
    if model.within(next) {
        s.queue.schedule(next, Event::TestStart(u));
    }
    let known_failed = is_failed(s, u) && !s.latent.hidden[ui];
    let serving = match model.units[ui].role {
        Role::Member(p) => standby::is_active(s, p, u),
        _ => false,
    };
    if s.latent.in_test[ui] || known_failed || serving {
        return false;
    }
    s.latent.trial[l].tests += 1;
    let duration = model.dists[test.duration as usize].sample(&mut s.latent.rng[ui]);
    if duration <= 0.0 {
        conclude(model, s, u, t);
        return false;
    }
    s.latent.in_test[ui] = true;
    s.pending_happenings.push((t, Happening::TestStarted(u)));
    set_unit(model, s, u, true, t);
    if model.within(t + duration) {
        s.latent.test_key[ui] = Some(s.queue.schedule(t + duration, Event::TestEnd(u)));
    }
    true
}

/// A test of `u` ends: a hidden failure is found unless missed; the unit
/// goes back in service.
pub(super) fn test_end(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    s.latent.in_test[u as usize] = false;
    s.latent.test_key[u as usize] = None;
    s.pending_happenings.push((t, Happening::TestEnded(u)));
    conclude(model, s, u, t);
    set_unit(model, s, u, false, t);
}

fn conclude(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    if !s.latent.hidden[u as usize] {
        return;
    }
    let l = model.ops.unit_latent[u as usize] as usize;
    let miss = model.ops.latent[l].test.as_ref().map_or(0.0, |x| x.miss);
    let x: f64 = s.latent.rng[u as usize].random();
    if x < miss {
        s.latent.trial[l].missed += 1;
        s.pending_happenings.push((t, Happening::TestMissed(u)));
    } else {
        reveal(model, s, u, t, true);
    }
}

/// At the horizon: hidden failures add their time so far.
pub(super) fn close(model: &Model, s: &mut Scratch) {
    for (l, entry) in model.ops.latent.iter().enumerate() {
        for &u in &entry.units {
            if s.latent.hidden[u as usize] {
                s.latent.trial[l].hidden_hours += model.horizon - s.latent.since[u as usize];
            }
        }
    }
}
