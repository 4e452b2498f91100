//! Steady-state start (`simulation.initial = "steady-state"`): each unit,
//! zone and region begins a trial in its stationary state instead of new
//! and up, so a trial's figures carry no start-up bias.
//!
//! An alternating renewal process with up times U and down times D is, at
//! a time far from its start, down with probability E[D]/(E[U] + E[D]);
//! given its state, the time left in it follows the equilibrium law of that
//! state's duration, with density P(X > x)/E[X] (drawn as V·L, V uniform
//! and L length-biased: [`crate::dist::Dist::sample_equilibrium`]). A
//! zone or region outage under way at t = 0 destroys nothing (it began
//! before the trial). Groups, standby pairs and stores have no such start
//! (the scenario is refused).

use super::{Event, Scratch, set_unit};
use crate::model::{Model, NONE};
use rand::RngExt;

/// Draws unit `u`'s initial state and schedules its first change (its
/// stream is seeded); returns its cause index when it starts down.
pub(super) fn unit(model: &Model, s: &mut Scratch, u: u32) -> Option<u32> {
    let [f, r] = model.unit_life[u as usize];
    let (up, down) = (&model.dists[f as usize], &model.dists[r as usize]);
    let rng = &mut s.unit_rng[u as usize];
    let p_down = down.mean() / (up.mean() + down.mean());
    let starts_down = rng.random::<f64>() < p_down;
    let left = if starts_down { down } else { up }.sample_equilibrium(rng);
    if starts_down {
        set_unit(model, s, u, true, 0.0);
        let b = model.unit_bucket[u as usize];
        if b != NONE {
            s.buckets.own_since[b as usize] = 0.0;
        }
        if model.within(left) {
            s.queue.schedule(left, Event::Repair(u));
        }
        Some(model.component_cause(u))
    } else {
        if model.within(left) {
            s.queue.schedule(left, Event::Fail(u));
        }
        None
    }
}

/// Draws an outage process's initial state (its stream is seeded) and
/// schedules its first change; with `down`, the units it holds go out.
/// Returns whether it starts down.
pub(super) fn outage(model: &Model, s: &mut Scratch, zone: u32, region: u32) -> bool {
    let (o, rng) = if region == NONE {
        (model.zones[zone as usize].outage.as_ref(), &mut s.zone_rng[zone as usize])
    } else {
        (model.regions[region as usize].outage.as_ref(), &mut s.region_rng[region as usize])
    };
    let o = o.expect("called only for a process");
    let (between, duration) = (&model.dists[o.between as usize], &model.dists[o.duration as usize]);
    let p_down = duration.mean() / (between.mean() + duration.mean());
    let starts_down = rng.random::<f64>() < p_down;
    let left = if starts_down { duration } else { between }.sample_equilibrium(rng);
    let next = match (region == NONE, starts_down) {
        (true, true) => Event::ZoneUp(zone),
        (true, false) => Event::ZoneDown(zone),
        (false, true) => Event::RegionUp(region),
        (false, false) => Event::RegionDown(region),
    };
    if model.within(left) {
        s.queue.schedule(left, next);
    }
    if starts_down {
        let units = if region == NONE {
            s.zone_out[zone as usize] = true;
            model.zone_units.get(zone)
        } else {
            s.region_out[region as usize] = true;
            model.region_units.get(region)
        };
        for &u in units {
            set_unit(model, s, u, true, 0.0);
        }
    }
    starts_down
}
