//! Failures and repairs of the units that operations concern: repaired by
//! a crew ([`super::crews`]), failing silently ([`super::latent`]),
//! maintained ([`super::maintenance`]) or with a clock that stops during
//! outages ([`super::ages`]). Other units keep the engine's fast path.
//!
//! Ages (also in README): a repaired unit is as good as new (a fresh time
//! to failure is drawn at the end of its repair); every other unit keeps
//! its age, whatever happens to its neighbours, its zone or its region: a
//! pending failure is never redrawn. A unit's draws come from its own
//! stream in the same order as without crews or tests (time to failure,
//! time to repair, …), so the k-th failure of a unit lasts the same in
//! every variant; only when the repair starts can change.

use super::{Event, Happening, Observer, Scratch, ages, crews, latent, maintenance, set_unit, shocks};
use crate::model::{Model, NONE};

/// What operations add up to in one trial, per crew, maintenance schedule,
/// hidden-failure entry and shock (in model order).
#[derive(Clone, Copy, Debug)]
pub struct OpsTrial<'a> {
    /// Per crew.
    pub crews: &'a [CrewTrial],
    /// Per maintenance schedule.
    pub maintenance: &'a [MaintenanceTrial],
    /// Per component with hidden failures.
    pub latent: &'a [LatentTrial],
    /// Per shock.
    pub shocks: &'a [ShockTrial],
}

/// One crew in one trial (hours within the horizon).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CrewTrial {
    /// Repairs asked of it (failures noticed).
    pub requests: u32,
    /// Member-hours at work (responding or repairing).
    pub busy_hours: f64,
    /// Hours repairs waited for a member (every one busy, or, without
    /// on-call, out of working hours), summed over repairs.
    pub queue_hours: f64,
    /// Hours of on-call response out of working hours, summed.
    pub response_hours: f64,
}

/// One maintenance schedule in one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MaintenanceTrial {
    /// Units taken out of service for maintenance.
    pub done: u32,
    /// Turns skipped (the unit failed, or, rolling, another replica down).
    pub skipped: u32,
}

/// One component's hidden failures in one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LatentTrial {
    /// Failures that were silent.
    pub silent: u32,
    /// Of which found by a test (or a maintenance).
    pub found_by_check: u32,
    /// Of which found when the unit was needed.
    pub found_when_needed: u32,
    /// Unit-hours spent failed without anybody knowing.
    pub hidden_hours: f64,
    /// Tests done.
    pub tests: u32,
    /// Tests that missed a hidden failure.
    pub missed: u32,
}

/// One shock in one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ShockTrial {
    /// Times it struck.
    pub shocks: u32,
    /// Units it took down, summed over its strikes.
    pub hits: u32,
}

/// Per unit: failed on its own (noticed or not) and not yet repaired.
pub(super) struct OpsScratch {
    pub failed: Vec<bool>,
}

impl OpsScratch {
    pub fn new(model: &Model) -> Self {
        let special = model.ops.unit_special.iter().any(|&s| s);
        OpsScratch { failed: vec![false; if special { model.units.len() } else { 0 }] }
    }
}

/// Resets every operations module for a new trial.
pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    s.operations.failed.fill(false);
    ages::start_trial(model, s);
    crews::start_trial(model, s, trial);
    latent::start_trial(model, s, trial);
    maintenance::start_trial(model, s, trial);
    shocks::start_trial(model, s, trial);
}

/// Draws the first failure of special unit `u` (its stream is seeded).
pub(super) fn first_failure(model: &Model, s: &mut Scratch, u: u32) {
    let ttf = model.dists[model.unit_life[u as usize][0] as usize].sample(&mut s.unit_rng[u as usize]);
    ages::schedule_failure(model, s, u, 0.0, ttf);
}

/// Special unit `u` failed: down now; noticed (its repair asked for) or
/// silent. Returns the cause index.
pub(super) fn failed(model: &Model, s: &mut Scratch, u: u32, t: f64) -> u32 {
    ages::failed(s, u);
    s.operations.failed[u as usize] = true;
    let silent = latent::silent(model, s, u);
    s.pending_happenings.push((t, if silent { Happening::FailedSilently(u) } else { Happening::Failed(u) }));
    set_unit(model, s, u, true, t);
    if silent {
        latent::hide(model, s, u, t);
    } else {
        start_repair(model, s, u, t);
    }
    model.component_cause(u)
}

/// The failure of `u` is known: its crew is asked, or it is repaired on
/// its own clock.
pub(super) fn start_repair(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    if model.ops.unit_crew[u as usize] != NONE {
        crews::request(model, s, u, t);
    } else {
        let ttr = model.dists[model.unit_life[u as usize][1] as usize].sample(&mut s.unit_rng[u as usize]);
        if model.within(t + ttr) {
            s.queue.schedule(t + ttr, Event::Repair(u));
        }
    }
}

/// Special unit `u` is repaired: as good as new, back in service, and its
/// crew member takes the next repair. Returns the cause index.
pub(super) fn repaired(model: &Model, s: &mut Scratch, u: u32, t: f64) -> u32 {
    s.operations.failed[u as usize] = false;
    set_unit(model, s, u, false, t);
    let ttf = model.dists[model.unit_life[u as usize][0] as usize].sample(&mut s.unit_rng[u as usize]);
    ages::schedule_failure(model, s, u, t, ttf);
    if model.ops.unit_crew[u as usize] != NONE {
        crews::release(model, s, u, t);
    }
    model.component_cause(u)
}

/// Whether special unit `u` has failed and is not yet repaired.
#[inline]
pub(super) fn is_failed(s: &Scratch, u: u32) -> bool {
    s.operations.failed.get(u as usize).copied().unwrap_or(false)
}

/// Closes what is open at the horizon and tells `obs` the trial's figures.
pub(super) fn end_trial(model: &Model, s: &mut Scratch, obs: &mut impl Observer) {
    if !model.ops.any() {
        return;
    }
    crews::close(model, s);
    latent::close(model, s);
    obs.operations(&OpsTrial {
        crews: &s.crews.trial,
        maintenance: &s.maintenance.trial,
        latent: &s.latent.trial,
        shocks: &s.shocks.trial,
    });
}
