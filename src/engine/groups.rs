//! Auto-scaling groups behind a load balancer, within one trial.
//!
//! Rules (also in README):
//! - the group keeps `desired` instances, spread over its zones; each fails
//!   on its own (its time-to-failure distribution) and, on Spot, is
//!   interrupted at its band's rate;
//! - a failed instance keeps receiving its share of requests until the load
//!   balancer's health check notices it (`detection`): that share of traffic
//!   fails (error budget); then it is terminated and a replacement launched
//!   in the healthy zone with the fewest instances, serving after launch +
//!   warm-up;
//! - a Spot notice starts the replacement at once; the instance serves until
//!   the notice ends (2 min), so a replacement faster than that loses nothing;
//! - when a zone goes out, its instances fail their health checks; once that
//!   is detected, replacements are launched in healthy zones, but the group
//!   never runs more than `max` instances, counting those stranded in the
//!   out zone (they are still running, only unreachable);
//! - when the zone returns, its instances serve again and the group scales
//!   back to `desired`, cancelling launches first, then terminating instances
//!   in the most crowded zones, so capacity never dips.

use super::{Event, Happening, Scratch, set_unit};
use crate::model::{Model, Role};
use crate::queue::EventKey;
use crate::rng::{SimRng, stream};

const OFF: u8 = 0;
const PENDING: u8 = 1;
const ACTIVE: u8 = 2;
/// Interrupted (Spot notice), still serving until the notice ends.
const DRAINING: u8 = 3;

/// Working memory for the groups of one trial. Per-unit vectors are empty
/// when the model has no groups.
pub(super) struct GroupScratch {
    state: Vec<u8>,
    /// Down and still in the load balancer's rotation.
    undetected: Vec<bool>,
    /// Failed on its own (as opposed to out with its zone).
    failed: Vec<bool>,
    fail_key: Vec<Option<EventKey>>,
    spot_key: Vec<Option<EventKey>>,
    launch_key: Vec<Option<EventKey>>,
    spot_rng: Vec<SimRng>,
    /// Per group.
    rng: Vec<SimRng>,
    active: Vec<u32>,
    pending: Vec<u32>,
    failing: Vec<u32>,
    /// Per group and zone position: ACTIVE + PENDING instances.
    zone_count: Vec<Vec<u32>>,
    zone_detect_key: Vec<Vec<Option<EventKey>>>,
}

impl GroupScratch {
    pub fn new(model: &Model) -> Self {
        let n = if model.groups.is_empty() { 0 } else { model.units.len() };
        let placeholder = stream(0, 0, 0);
        let g = model.groups.len();
        GroupScratch {
            state: vec![OFF; n],
            undetected: vec![false; n],
            failed: vec![false; n],
            fail_key: vec![None; n],
            spot_key: vec![None; n],
            launch_key: vec![None; n],
            spot_rng: vec![placeholder.clone(); n],
            rng: vec![placeholder; g],
            active: vec![0; g],
            pending: vec![0; g],
            failing: vec![0; g],
            zone_count: model.groups.iter().map(|g| vec![0; g.zones.len()]).collect(),
            zone_detect_key: model.groups.iter().map(|g| vec![None; g.zones.len()]).collect(),
        }
    }
}

/// Launches each group's initial instances (round-robin over its zones).
pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    if model.groups.is_empty() {
        return;
    }
    let gs = &mut s.groups;
    gs.state.fill(OFF);
    gs.undetected.fill(false);
    gs.failed.fill(false);
    gs.fail_key.fill(None);
    gs.spot_key.fill(None);
    gs.launch_key.fill(None);
    for (gi, g) in model.groups.iter().enumerate() {
        let gs = &mut s.groups;
        gs.rng[gi] = stream(model.seed, trial, g.stream);
        gs.active[gi] = 0;
        gs.pending[gi] = 0;
        gs.failing[gi] = 0;
        gs.zone_count[gi].fill(0);
        gs.zone_detect_key[gi].fill(None);
        let slots = g.max * g.zones.len() as u32;
        for i in 0..slots {
            let u = g.first_unit + i;
            s.unit_rng[u as usize] = stream(model.seed, trial, model.units[u as usize].stream);
            if g.spot_rate > 0.0 {
                s.groups.spot_rng[u as usize] = stream(model.seed, trial, g.spot_streams[i as usize]);
            }
            // Not launched: one reason to be down. The gate was initialised
            // with every child up, so count it down directly.
            s.unit_down[u as usize] = 1;
        }
        s.gate_up_count[g.gate as usize] = 0;
        for i in 0..g.desired {
            let zp = (i as usize) % g.zones.len();
            let j = i / g.zones.len() as u32;
            let u = g.slot(zp, j);
            s.unit_down[u as usize] = 0;
            s.gate_up_count[g.gate as usize] += 1;
            s.groups.state[u as usize] = ACTIVE;
            s.groups.active[gi] += 1;
            s.groups.zone_count[gi][zp] += 1;
            schedule_life(model, s, gi as u32, u, 0.0);
        }
        s.gate_up[g.gate as usize] = s.gate_up_count[g.gate as usize] >= g.min_healthy;
    }
    // Gates above the groups were initialised all-up; settle them.
    for g in &model.groups {
        if !s.gate_up[g.gate as usize] {
            s.stack.push(g.gate);
        }
    }
    while let Some(g) = s.stack.pop() {
        let up = s.gate_up[g as usize];
        for &p in model.gate_parents.get(g) {
            super::child_changed(model, s, p, up);
        }
    }
}

/// Schedules an instance's own failure and, on Spot, its interruption.
fn schedule_life(model: &Model, s: &mut Scratch, g: u32, u: u32, t: f64) {
    let group = &model.groups[g as usize];
    let ttf = &model.dists[model.components[group.component as usize].failure as usize];
    let at = t + ttf.sample(&mut s.unit_rng[u as usize]);
    if model.within(at) {
        s.groups.fail_key[u as usize] = Some(s.queue.schedule(at, Event::SlotFail(u)));
    }
    if group.spot_rate > 0.0 {
        let e: f64 = rand_distr::Distribution::sample(&rand_distr::Exp1, &mut s.groups.spot_rng[u as usize]);
        let at = t + e / group.spot_rate;
        if model.within(at) {
            s.groups.spot_key[u as usize] = Some(s.queue.schedule(at, Event::SpotNotice(u)));
        }
    }
}

/// The share of requests failing, over all groups: 1 − Π(1 − share).
pub(super) fn error_rate(model: &Model, s: &Scratch) -> f64 {
    let mut ok = 1.0;
    for (gi, g) in model.groups.iter().enumerate() {
        let failing = s.groups.failing[gi];
        if failing > 0 {
            let serving = s.gate_up_count[g.gate as usize];
            ok *= f64::from(serving) / f64::from(serving + failing);
        }
    }
    1.0 - ok
}

/// A slot went down or came back: keep the count of failed instances still
/// in the load balancer's rotation.
pub(super) fn slot_flipped(_model: &Model, s: &mut Scratch, g: u32, u: u32, is_up: bool) {
    let gs = &mut s.groups;
    let ui = u as usize;
    if !is_up && matches!(gs.state[ui], ACTIVE | DRAINING) && !gs.undetected[ui] {
        gs.undetected[ui] = true;
        gs.failing[g as usize] += 1;
    } else if is_up && gs.undetected[ui] {
        gs.undetected[ui] = false;
        gs.failing[g as usize] -= 1;
    }
}

fn clear_undetected(s: &mut Scratch, g: u32, u: u32) {
    if s.groups.undetected[u as usize] {
        s.groups.undetected[u as usize] = false;
        s.groups.failing[g as usize] -= 1;
    }
}

fn group_of(model: &Model, u: u32) -> u32 {
    match model.units[u as usize].role {
        Role::Slot(g) => g,
        _ => unreachable!("group events concern slot units"),
    }
}

/// An instance failed on its own: down now, detected after the health check.
pub(super) fn own_failure(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let g = group_of(model, u);
    s.groups.fail_key[u as usize] = None;
    s.groups.failed[u as usize] = true;
    set_unit(model, s, u, true, t);
    let at = t + model.groups[g as usize].detection;
    if model.within(at) {
        s.queue.schedule(at, Event::Detect(u));
    }
}

/// The health check noticed a failed instance: replace it.
pub(super) fn detected(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let g = group_of(model, u);
    if s.groups.state[u as usize] != ACTIVE || !s.groups.failed[u as usize] {
        return;
    }
    terminate(model, s, g, u, t);
    request_launch(model, s, g, t);
}

/// Removes an instance from service for good.
fn terminate(model: &Model, s: &mut Scratch, g: u32, u: u32, t: f64) {
    let ui = u as usize;
    let group = &model.groups[g as usize];
    clear_undetected(s, g, u);
    match s.groups.state[ui] {
        ACTIVE => {
            s.groups.active[g as usize] -= 1;
            s.groups.zone_count[g as usize][group.zone_pos(u)] -= 1;
        }
        DRAINING => {}
        _ => unreachable!("only running instances are terminated"),
    }
    s.groups.state[ui] = OFF;
    for key in [s.groups.fail_key[ui].take(), s.groups.spot_key[ui].take()].into_iter().flatten() {
        s.queue.cancel(key);
    }
    // Not launched any more; no longer failed on its own.
    set_unit(model, s, u, true, t);
    if s.groups.failed[ui] {
        s.groups.failed[ui] = false;
        set_unit(model, s, u, false, t);
    }
    s.pending_happenings.push((t, Happening::Terminated(u)));
}

/// Launches one instance in the healthy zone with the fewest instances, if
/// there is one and the group is below its maximum.
fn request_launch(model: &Model, s: &mut Scratch, g: u32, t: f64) {
    let gi = g as usize;
    let group = &model.groups[gi];
    if s.groups.active[gi] + s.groups.pending[gi] >= group.max {
        return;
    }
    // A launch needs the zone up and its region's control plane working.
    let best = (0..group.zones.len())
        .filter(|&zp| {
            let z = group.zones[zp];
            s.zone_healthy(model, z) && s.control_plane_works(model.zones[z as usize].region)
        })
        .min_by_key(|&zp| (s.groups.zone_count[gi][zp], zp));
    let Some(zp) = best else { return };
    let Some(u) = (0..group.max).map(|j| group.slot(zp, j)).find(|&u| s.groups.state[u as usize] == OFF) else {
        return;
    };
    s.groups.state[u as usize] = PENDING;
    s.groups.pending[gi] += 1;
    s.groups.zone_count[gi][zp] += 1;
    let rng = &mut s.groups.rng[gi];
    let ready = t + model.dists[group.launch as usize].sample(rng) + model.dists[group.warmup as usize].sample(rng);
    if model.within(ready) {
        s.groups.launch_key[u as usize] = Some(s.queue.schedule(ready, Event::LaunchDone(u)));
    }
}

/// A launched instance is ready; if its zone went out meanwhile, try again.
pub(super) fn launch_done(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let g = group_of(model, u);
    let gi = g as usize;
    let group = &model.groups[gi];
    let zp = group.zone_pos(u);
    s.groups.launch_key[u as usize] = None;
    s.groups.pending[gi] -= 1;
    if !s.zone_healthy(model, group.zones[zp]) {
        s.groups.state[u as usize] = OFF;
        s.groups.zone_count[gi][zp] -= 1;
        request_launch(model, s, g, t);
        return;
    }
    s.groups.state[u as usize] = ACTIVE;
    s.groups.active[gi] += 1;
    set_unit(model, s, u, false, t);
    schedule_life(model, s, g, u, t);
    s.pending_happenings.push((t, Happening::Launched(u)));
}

/// A Spot interruption notice: start the replacement now; the instance
/// serves until the notice ends. Returns whether it was an interruption of
/// a running instance.
pub(super) fn spot_notice(model: &Model, s: &mut Scratch, u: u32, t: f64) -> bool {
    let g = group_of(model, u);
    let gi = g as usize;
    let ui = u as usize;
    s.groups.spot_key[ui] = None;
    if s.groups.state[ui] != ACTIVE || s.groups.failed[ui] {
        return false;
    }
    if let Some(k) = s.groups.fail_key[ui].take() {
        s.queue.cancel(k);
    }
    s.groups.state[ui] = DRAINING;
    s.groups.active[gi] -= 1;
    s.groups.zone_count[gi][model.groups[gi].zone_pos(u)] -= 1;
    let end = t + model.groups[gi].spot_notice;
    if model.within(end) {
        s.groups.spot_key[ui] = Some(s.queue.schedule(end, Event::SpotEnd(u)));
    }
    request_launch(model, s, g, t);
    true
}

/// The Spot notice ended: the instance stops.
pub(super) fn spot_end(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    s.groups.spot_key[u as usize] = None;
    if s.groups.state[u as usize] == DRAINING {
        terminate(model, s, group_of(model, u), u, t);
    }
}

/// A zone (or its region) went out or came back.
pub(super) fn zone_changed(model: &Model, s: &mut Scratch, z: u32, t: f64) {
    let healthy = s.zone_healthy(model, z);
    for &g in model.zone_groups.get(z) {
        let gi = g as usize;
        let group = &model.groups[gi];
        let zp = group.zones.iter().position(|&x| x == z).expect("listed zone");
        if !healthy {
            let at = t + group.detection;
            if model.within(at) {
                s.groups.zone_detect_key[gi][zp] = Some(s.queue.schedule(at, Event::ZoneDetect(g, zp as u32)));
            }
        } else {
            if let Some(k) = s.groups.zone_detect_key[gi][zp].take() {
                s.queue.cancel(k);
            }
            rebalance(model, s, g, t);
        }
    }
}

/// The load balancer noticed a zone's instances failing: they leave the
/// rotation, and the group replaces them elsewhere, up to `max`.
pub(super) fn zone_detected(model: &Model, s: &mut Scratch, g: u32, zp: u32, t: f64) {
    let gi = g as usize;
    let group = &model.groups[gi];
    s.groups.zone_detect_key[gi][zp as usize] = None;
    for j in 0..group.max {
        let u = group.slot(zp as usize, j);
        clear_undetected(s, g, u);
    }
    replace_stranded(model, s, g, t);
}

/// Launches up to `desired` serving instances. Instances in zones that are
/// out still count against `max`, but not as capacity.
fn replace_stranded(model: &Model, s: &mut Scratch, g: u32, t: f64) {
    let gi = g as usize;
    let group = &model.groups[gi];
    let stranded: u32 = (0..group.zones.len())
        .filter(|&p| !s.zone_healthy(model, group.zones[p]))
        .map(|p| (0..group.max).filter(|&j| s.groups.state[group.slot(p, j) as usize] == ACTIVE).count() as u32)
        .sum();
    let healthy = s.groups.active[gi] - stranded + s.groups.pending[gi];
    for _ in healthy..group.desired {
        request_launch(model, s, g, t);
    }
}

/// Region `r`'s control plane works again: each group with zones there
/// launches what it is missing (instances that failed and were terminated,
/// or replacements for a zone that is out).
pub(super) fn control_plane_back(model: &Model, s: &mut Scratch, r: u32, t: f64) {
    for (g, group) in model.groups.iter().enumerate() {
        if group.zones.iter().any(|&z| model.zones[z as usize].region == r) {
            replace_stranded(model, s, g as u32, t);
        }
    }
}

/// After a zone returns: launch what is missing, then scale back to
/// `desired`, cancelling launches first, then terminating instances in the
/// most crowded zones.
fn rebalance(model: &Model, s: &mut Scratch, g: u32, t: f64) {
    let gi = g as usize;
    let group = &model.groups[gi];
    let running = s.groups.active[gi] + s.groups.pending[gi];
    for _ in running..group.desired {
        request_launch(model, s, g, t);
    }
    while s.groups.active[gi] + s.groups.pending[gi] > group.desired {
        let pending = (0..group.zones.len())
            .flat_map(|zp| (0..group.max).map(move |j| (zp, j)))
            .map(|(zp, j)| group.slot(zp, j))
            .find(|&u| s.groups.state[u as usize] == PENDING);
        if let Some(u) = pending {
            if let Some(k) = s.groups.launch_key[u as usize].take() {
                s.queue.cancel(k);
            }
            s.groups.state[u as usize] = OFF;
            s.groups.pending[gi] -= 1;
            s.groups.zone_count[gi][group.zone_pos(u)] -= 1;
            continue;
        }
        let crowded = (0..group.zones.len())
            .max_by_key(|&zp| (s.groups.zone_count[gi][zp], std::cmp::Reverse(zp)))
            .expect("zones");
        let Some(u) =
            (0..group.max).rev().map(|j| group.slot(crowded, j)).find(|&u| s.groups.state[u as usize] == ACTIVE)
        else {
            break;
        };
        terminate(model, s, g, u, t);
    }
}
