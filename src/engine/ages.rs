//! Failure clocks of special units: the pending failure of each (so it can
//! be withdrawn), and, for units with `ages_during_outages = false`, the
//! clock stopped while their zone or region is out.
//!
//! Rules (also in README): a unit's time to failure is drawn when it
//! starts (t = 0, or the end of a repair: as good as new) and is never
//! redrawn. By default it runs through zone and region outages (the unit
//! ages, and may fail, while out of service). With the setting off, the
//! time left is kept when the outage begins and the clock resumes with it
//! when the outage ends: the unit has the same age as before the outage.
//! A repair under way goes on during the outage either way.

use super::{Event, Scratch};
use crate::model::{Model, NONE};
use crate::queue::EventKey;

/// Per special unit (empty without special units).
pub(super) struct AgeScratch {
    /// The pending failure, if scheduled within the horizon.
    key: Vec<Option<EventKey>>,
    /// When the pending failure falls (NaN: none pending, or paused).
    fail_at: Vec<f64>,
    /// Time to failure left while paused (NaN: none).
    left: Vec<f64>,
    /// The clock is stopped (zone or region out).
    paused: Vec<bool>,
}

impl AgeScratch {
    pub fn new(model: &Model) -> Self {
        let n = if model.ops.unit_special.iter().any(|&s| s) { model.units.len() } else { 0 };
        AgeScratch { key: vec![None; n], fail_at: vec![f64::NAN; n], left: vec![f64::NAN; n], paused: vec![false; n] }
    }
}

pub(super) fn start_trial(_model: &Model, s: &mut Scratch) {
    let a = &mut s.ages;
    a.key.fill(None);
    a.fail_at.fill(f64::NAN);
    a.left.fill(f64::NAN);
    a.paused.fill(false);
}

/// Unit `u` (up) will fail `ttf` hours from `t` of its own clock.
pub(super) fn schedule_failure(model: &Model, s: &mut Scratch, u: u32, t: f64, ttf: f64) {
    let ui = u as usize;
    if s.ages.paused[ui] {
        s.ages.left[ui] = ttf;
        return;
    }
    let at = t + ttf;
    s.ages.fail_at[ui] = at;
    s.ages.key[ui] = model.within(at).then(|| s.queue.schedule(at, Event::Fail(u)));
}

/// Unit `u`'s pending failure happened.
pub(super) fn failed(s: &mut Scratch, u: u32) {
    s.ages.key[u as usize] = None;
    s.ages.fail_at[u as usize] = f64::NAN;
}

/// A zone or region holding `units` went out or came back: clocks of
/// units that stop during outages stop or resume.
pub(super) fn area_changed(model: &Model, s: &mut Scratch, units: &[u32], t: f64) {
    for &u in units {
        let ui = u as usize;
        if !model.ops.unit_pauses[ui] {
            continue;
        }
        let unit = &model.units[ui];
        let out = (unit.zone != NONE && s.zone_out[unit.zone as usize])
            || (unit.region != NONE && s.region_out[unit.region as usize]);
        if out && !s.ages.paused[ui] {
            s.ages.paused[ui] = true;
            if !s.ages.fail_at[ui].is_nan() {
                s.ages.left[ui] = s.ages.fail_at[ui] - t;
                s.ages.fail_at[ui] = f64::NAN;
                if let Some(k) = s.ages.key[ui].take() {
                    s.queue.cancel(k);
                }
            }
        } else if !out && s.ages.paused[ui] {
            s.ages.paused[ui] = false;
            let left = std::mem::replace(&mut s.ages.left[ui], f64::NAN);
            if !left.is_nan() {
                schedule_failure(model, s, u, t, left);
            }
        }
    }
}
