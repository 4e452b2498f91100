//! Repair crews within one trial.
//!
//! Rules (also in README): a noticed failure of a unit that names a crew
//! asks the crew for a repair. A free member takes it at once; when every
//! member is busy it waits, first come first served (with `queue =
//! "priority"`, lowest `priority` first, then first come). With working
//! hours, a repair asked for out of hours waits for the next working hours,
//! or, with `after_hours`, an on-call member answers after that response
//! time; a member who has just finished a repair goes straight on to the
//! next one (without a response time). A repair once started runs to its end, in or out of hours.
//! The member is busy from taking the repair (response included) to its
//! end. The repair itself lasts the unit's time to repair, drawn from the
//! unit's own stream when it starts.

use super::operations::CrewTrial;
use super::{Event, Happening, Scratch};
use crate::model::Model;
use crate::queue::EventKey;
use crate::rng::{SimRng, stream};

/// A repair waiting for a member.
#[derive(Clone, Copy, Debug)]
struct Waiting {
    priority: u32,
    order: u64,
    unit: u32,
    since: f64,
}

/// Working memory of the crews (per crew).
pub(super) struct CrewScratch {
    free: Vec<u32>,
    queue: Vec<Vec<Waiting>>,
    order: u64,
    rng: Vec<SimRng>,
    /// A pending start of working hours, scheduled for waiting repairs.
    shift: Vec<Option<EventKey>>,
    /// This trial's figures.
    pub trial: Vec<CrewTrial>,
}

impl CrewScratch {
    pub fn new(model: &Model) -> Self {
        let n = model.ops.crews.len();
        // Each unit waits at most once: room for all of a crew's units.
        let queue = (0..n)
            .map(|k| Vec::with_capacity(model.ops.unit_crew.iter().filter(|&&c| c as usize == k).count()))
            .collect();
        CrewScratch {
            free: vec![0; n],
            queue,
            order: 0,
            rng: vec![stream(0, 0, 0); n],
            shift: vec![None; n],
            trial: vec![CrewTrial::default(); n],
        }
    }
}

pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    let cs = &mut s.crews;
    cs.order = 0;
    for (k, crew) in model.ops.crews.iter().enumerate() {
        cs.free[k] = crew.size;
        cs.queue[k].clear();
        cs.rng[k] = stream(model.seed, trial, crew.stream);
        cs.shift[k] = None;
        cs.trial[k] = CrewTrial::default();
    }
}

/// Whether crew `k` works at `t`.
fn at_work(model: &Model, k: usize, t: f64) -> bool {
    model.ops.crews[k].hours.as_ref().is_none_or(|h| h.is_open(t))
}

/// The failure of `u` is noticed: a member takes it, or it waits.
pub(super) fn request(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let k = model.ops.unit_crew[u as usize] as usize;
    s.crews.trial[k].requests += 1;
    let crew = &model.ops.crews[k];
    if s.crews.free[k] > 0 && (crew.after_hours.is_some() || at_work(model, k, t)) {
        assign(model, s, k, u, t, true);
        return;
    }
    let order = s.crews.order;
    s.crews.order += 1;
    s.crews.queue[k].push(Waiting { priority: model.ops.unit_priority[u as usize], order, unit: u, since: t });
    s.pending_happenings.push((t, Happening::RepairQueued(u)));
    if s.crews.free[k] > 0 {
        await_hours(model, s, k, t);
    }
}

/// A member of crew `k` takes the repair of `u` at `t`; `fresh`: the member
/// was not at work (out of hours, the on-call response comes first).
fn assign(model: &Model, s: &mut Scratch, k: usize, u: u32, t: f64, fresh: bool) {
    let crew = &model.ops.crews[k];
    s.crews.free[k] -= 1;
    let response = match crew.after_hours {
        Some(d) if fresh && !at_work(model, k, t) => model.dists[d as usize].sample(&mut s.crews.rng[k]),
        _ => 0.0,
    };
    let ttr = model.dists[model.unit_life[u as usize][1] as usize].sample(&mut s.unit_rng[u as usize]);
    let end = t + response + ttr;
    let tr = &mut s.crews.trial[k];
    tr.response_hours += response.min(model.horizon - t);
    tr.busy_hours += end.min(model.horizon) - t;
    if model.within(end) {
        s.queue.schedule(end, Event::Repair(u));
    }
    s.pending_happenings.push((t, Happening::RepairStarted(u)));
}

/// The repair of `u` is done: its member takes the next waiting repair.
pub(super) fn release(model: &Model, s: &mut Scratch, u: u32, t: f64) {
    let k = model.ops.unit_crew[u as usize] as usize;
    s.crews.free[k] += 1;
    dispatch(model, s, k, t, true);
}

/// Working hours began for crew `k`.
pub(super) fn shift(model: &Model, s: &mut Scratch, k: u32, t: f64) {
    s.crews.shift[k as usize] = None;
    dispatch(model, s, k as usize, t, false);
}

/// Free members of crew `k` take waiting repairs; `continuing`: one member
/// has just finished a repair and goes on without a response time (out of
/// hours, only with on-call; without it the repairs wait for the hours).
fn dispatch(model: &Model, s: &mut Scratch, k: usize, t: f64, mut continuing: bool) {
    let crew = &model.ops.crews[k];
    while s.crews.free[k] > 0 && !s.crews.queue[k].is_empty() {
        if !(crew.after_hours.is_some() || at_work(model, k, t)) {
            await_hours(model, s, k, t);
            return;
        }
        let q = &mut s.crews.queue[k];
        let next = (0..q.len())
            .min_by_key(|&i| if crew.by_priority { (q[i].priority, q[i].order) } else { (0, q[i].order) })
            .expect("not empty");
        let w = q.swap_remove(next);
        s.crews.trial[k].queue_hours += t - w.since;
        assign(model, s, k, w.unit, t, !continuing);
        continuing = false;
    }
}

/// Repairs wait for crew `k`'s next working hours.
fn await_hours(model: &Model, s: &mut Scratch, k: usize, t: f64) {
    if s.crews.shift[k].is_some() {
        return;
    }
    let Some(hours) = &model.ops.crews[k].hours else { return };
    let at = hours.next_open(t);
    if model.within(at) && at > t {
        s.crews.shift[k] = Some(s.queue.schedule(at, Event::CrewShift(k as u32)));
    }
}

/// At the horizon: repairs still waiting add their wait so far.
pub(super) fn close(model: &Model, s: &mut Scratch) {
    for k in 0..model.ops.crews.len() {
        let waited: f64 = s.crews.queue[k].iter().map(|w| model.horizon - w.since).sum();
        s.crews.trial[k].queue_hours += waited;
    }
}
