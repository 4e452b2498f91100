//! Common-cause shocks within one trial.
//!
//! Rules (also in README): a shock process alternates like an outage
//! process: quiet for an exponential time (its rate), then a shock, which
//! takes members down — each with its probability, or exactly k of them
//! chosen at random — until its rollback time has passed, when all of them
//! come back at once (no crew is involved; their own failures and repairs
//! go on meanwhile). The next shock can strike only after the rollback.

use super::operations::ShockTrial;
use super::{Event, Happening, Scratch, set_unit};
use crate::model::{Model, ShockHits};
use crate::rng::{SimRng, TrialSeed, stream};
use rand::RngExt;

/// Working memory (per shock).
pub(super) struct ShockScratch {
    rng: Vec<SimRng>,
    hit_rng: Vec<SimRng>,
    /// Per shock, per member: taken down by the current shock.
    hit: Vec<Vec<bool>>,
    /// Per shock: member positions, shuffled to choose exactly k.
    order: Vec<Vec<u32>>,
    /// This trial's figures.
    pub trial: Vec<ShockTrial>,
}

impl ShockScratch {
    pub fn new(model: &Model) -> Self {
        let shocks = &model.ops.shocks;
        ShockScratch {
            rng: vec![stream(0, 0, 0); shocks.len()],
            hit_rng: vec![stream(0, 0, 0); shocks.len()],
            hit: shocks.iter().map(|k| vec![false; k.members.len()]).collect(),
            order: shocks.iter().map(|k| (0..k.members.len() as u32).collect()).collect(),
            trial: vec![ShockTrial::default(); shocks.len()],
        }
    }
}

pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    let seed = TrialSeed::new(model.seed, trial);
    for (k, shock) in model.ops.shocks.iter().enumerate() {
        s.shocks.rng[k] = seed.stream(shock.stream);
        s.shocks.hit_rng[k] = seed.stream(shock.hit_stream);
        s.shocks.hit[k].fill(false);
        for (i, x) in s.shocks.order[k].iter_mut().enumerate() {
            *x = i as u32;
        }
        s.shocks.trial[k] = ShockTrial::default();
        let first = model.dists[shock.between as usize].sample(&mut s.shocks.rng[k]);
        if model.within(first) {
            s.queue.schedule(first, Event::ShockStart(k as u32));
        }
    }
}

/// Shock `k` strikes.
pub(super) fn strike(model: &Model, s: &mut Scratch, k: u32, t: f64) {
    let ki = k as usize;
    let shock = &model.ops.shocks[ki];
    s.shocks.trial[ki].shocks += 1;
    s.pending_happenings.push((t, Happening::ShockStarted(k)));
    match shock.hits {
        ShockHits::Each(p) => {
            for i in 0..shock.members.len() {
                let x: f64 = s.shocks.hit_rng[ki].random();
                s.shocks.hit[ki][i] = x < p;
            }
        }
        ShockHits::Exactly(n) => {
            // A partial Fisher–Yates shuffle: the first n positions.
            let order = &mut s.shocks.order[ki];
            for i in 0..n as usize {
                let j = s.shocks.hit_rng[ki].random_range(i..order.len());
                order.swap(i, j);
            }
            for &i in &order[..n as usize] {
                s.shocks.hit[ki][i as usize] = true;
            }
        }
    }
    for (i, &u) in shock.members.iter().enumerate() {
        if s.shocks.hit[ki][i] {
            s.shocks.trial[ki].hits += 1;
            s.pending_happenings.push((t, Happening::ShockHit(k, u)));
            set_unit(model, s, u, true, t);
        }
    }
    let end = t + model.dists[shock.rollback as usize].sample(&mut s.shocks.hit_rng[ki]);
    if model.within(end) {
        s.queue.schedule(end, Event::ShockEnd(k));
    }
}

/// Shock `k` is rolled back: everything it took down is back.
pub(super) fn rolled_back(model: &Model, s: &mut Scratch, k: u32, t: f64) {
    let ki = k as usize;
    let shock = &model.ops.shocks[ki];
    s.pending_happenings.push((t, Happening::ShockEnded(k)));
    for (i, &u) in shock.members.iter().enumerate() {
        if std::mem::replace(&mut s.shocks.hit[ki][i], false) {
            set_unit(model, s, u, false, t);
        }
    }
    let next = t + model.dists[shock.between as usize].sample(&mut s.shocks.rng[ki]);
    if model.within(next) {
        s.queue.schedule(next, Event::ShockStart(k));
    }
}
