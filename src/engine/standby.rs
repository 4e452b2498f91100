//! Active/passive (standby) pairs within one trial.
//!
//! Rules (also in README): one member serves. When it goes down (its own
//! failure, or its zone or region) and another member is up, the pair is
//! down for a failover time, then that member serves. When no member is up,
//! the pair stays down until one comes back, which then serves at once (its
//! repair is the longer path). With `resume_on_return`, a member that comes
//! back during a failover also serves at once, abandoning the failover
//! (failback, as when a region returns before a DR failover completes). A
//! standby going down while the active member serves changes nothing. With
//! `needs_control_plane`, a failover (or a member other than the last active
//! one taking over) waits while the target's region's control plane is
//! impaired.

use super::{Event, Happening, Scratch, set_unit};
use crate::model::{Model, NONE};
use crate::queue::EventKey;
use crate::rng::{SimRng, stream};

/// Working memory for the standby pairs of one trial.
pub(super) struct StandbyScratch {
    active: Vec<u32>,
    /// The member that served last: it may resume without a failover.
    last_active: Vec<u32>,
    target: Vec<u32>,
    key: Vec<Option<EventKey>>,
    rng: Vec<SimRng>,
}

impl StandbyScratch {
    pub fn new(model: &Model) -> Self {
        let n = model.standbys.len();
        StandbyScratch {
            active: vec![NONE; n],
            last_active: vec![NONE; n],
            target: vec![NONE; n],
            key: vec![None; n],
            rng: vec![stream(0, 0, 0); n],
        }
    }
}

/// The first member serves at time 0.
pub(super) fn start_trial(model: &Model, s: &mut Scratch, trial: u64) {
    for (p, pair) in model.standbys.iter().enumerate() {
        s.standby.active[p] = pair.members[0];
        s.standby.last_active[p] = pair.members[0];
        s.standby.target[p] = NONE;
        s.standby.key[p] = None;
        s.standby.rng[p] = stream(model.seed, trial, pair.stream);
    }
}

/// A member went down or came back.
pub(super) fn member_flipped(model: &Model, s: &mut Scratch, p: u32, u: u32, is_up: bool, t: f64) {
    let pi = p as usize;
    let pair = &model.standbys[pi];
    if !is_up {
        if s.standby.active[pi] == u {
            s.standby.active[pi] = NONE;
            s.standby.last_active[pi] = u;
            set_unit(model, s, pair.unit, true, t);
            start_failover(model, s, p, t);
        } else if s.standby.target[pi] == u {
            if let Some(k) = s.standby.key[pi].take() {
                s.queue.cancel(k);
            }
            s.standby.target[pi] = NONE;
            start_failover(model, s, p, t);
        }
    } else if s.standby.active[pi] == NONE
        && (s.standby.target[pi] == NONE || pair.resume_on_return)
        && may_serve_at_once(model, s, p, u)
    {
        if let Some(k) = s.standby.key[pi].take() {
            s.queue.cancel(k);
        }
        s.standby.target[pi] = NONE;
        s.standby.active[pi] = u;
        set_unit(model, s, pair.unit, false, t);
    }
}

/// Whether member `u`, back up while no member serves, may serve at once: the
/// member that served last resumes in place; another one needs a failover,
/// which with `needs_control_plane` waits for its region's control plane.
fn may_serve_at_once(model: &Model, s: &Scratch, p: u32, u: u32) -> bool {
    let pair = &model.standbys[p as usize];
    u == s.standby.last_active[p as usize]
        || !pair.needs_control_plane
        || s.control_plane_works(model.units[u as usize].region)
}

/// Fails over to the first member that is up, if any (with
/// `needs_control_plane`, the first whose region's control plane works; if
/// none, the pair waits for [`control_plane_back`]).
fn start_failover(model: &Model, s: &mut Scratch, p: u32, t: f64) {
    // Looking for a member finds the hidden failures of the others.
    super::latent::needed_by_pair(model, s, p, t);
    let pi = p as usize;
    let pair = &model.standbys[pi];
    let usable = |m: u32| {
        s.unit_down[m as usize] == 0
            && (!pair.needs_control_plane || s.control_plane_works(model.units[m as usize].region))
    };
    let Some(&m) = pair.members.iter().find(|&&m| usable(m)) else { return };
    s.standby.target[pi] = m;
    let done = t + model.dists[pair.failover as usize].sample(&mut s.standby.rng[pi]);
    if model.within(done) {
        s.standby.key[pi] = Some(s.queue.schedule(done, Event::FailoverDone(p)));
    }
    s.pending_happenings.push((t, Happening::FailoverStarted(p)));
}

/// Whether member `u` serves pair `p` now.
pub(super) fn is_active(s: &Scratch, p: u32, u: u32) -> bool {
    s.standby.active[p as usize] == u
}

/// The failover finished: the target member serves.
pub(super) fn failover_done(model: &Model, s: &mut Scratch, p: u32, t: f64) {
    let pi = p as usize;
    s.standby.key[pi] = None;
    let m = std::mem::replace(&mut s.standby.target[pi], NONE);
    s.standby.active[pi] = m;
    set_unit(model, s, model.standbys[pi].unit, false, t);
}

/// A control plane works again: pairs down and waiting (for it or another)
/// try their failover now.
pub(super) fn control_plane_back(model: &Model, s: &mut Scratch, t: f64) {
    for (p, pair) in model.standbys.iter().enumerate() {
        if pair.needs_control_plane && s.standby.active[p] == NONE && s.standby.target[p] == NONE {
            start_failover(model, s, p as u32, t);
        }
    }
}
