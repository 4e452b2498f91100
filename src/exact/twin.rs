//! Exact twins: for a model close to one with an exact answer, that model.
//!
//! The twin has the same units, zones and regions as the model, with each
//! failure, repair and outage law replaced by the exponential of the same
//! mean (and, when that is still beyond the exact route, without zone and
//! region outages). Run on the same random streams — the model's laws drawn
//! by inversion of the same standard exponential draws as the twin's
//! ([`Dist::coupled`]) — the twin's downtime is strongly correlated with
//! the model's and its mean is known exactly: a control variate.

use super::{Route, analyse};
use crate::dist::{Dist, Draw};
use crate::model::{Model, Role};

/// A model's exact twin.
#[derive(Clone, Debug)]
pub struct Twin {
    /// The twin, ready to run.
    pub model: Model,
    /// Its exact mean downtime over the horizon, hours per year.
    pub exact_downtime_hours: f64,
    /// What differs from the model, in words.
    pub changes: Vec<String>,
}

/// The exact twin of `model`, or why it has none.
pub fn twin(model: &Model) -> Result<Twin, Vec<String>> {
    let mut why = Vec::new();
    if !model.groups.is_empty() {
        why.push("auto-scaling groups have no exponential twin".to_owned());
    }
    if !model.standbys.is_empty() {
        why.push("standby pairs have no exponential twin".to_owned());
    }
    if !model.stores.is_empty() {
        why.push("data stores have no exponential twin".to_owned());
    }
    if model.units.iter().any(|u| u.role != Role::Plain) && why.is_empty() {
        why.push("units driven by rules of their own".to_owned());
    }
    if !why.is_empty() {
        return Err(why);
    }
    let mut t = model.clone();
    let mut changes = Vec::new();
    let mut replaced = vec![false; t.dists.len()];
    let mut exponential = |t: &mut Model, i: u32, what: String, changes: &mut Vec<String>| -> Result<(), String> {
        let d = &t.dists[i as usize];
        if matches!(d, Dist::Exponential { .. }) || replaced[i as usize] {
            return Ok(());
        }
        let mean = d.mean();
        let family = super::family(d);
        t.dists[i as usize] =
            Dist::exponential(1.0 / mean).map_err(|_| format!("{what}: a {family} law of mean {mean} h"))?;
        replaced[i as usize] = true;
        changes.push(format!("{what}: {family} → exponential of the same mean"));
        Ok(())
    };
    let mut seen = std::collections::HashSet::new();
    for u in 0..t.units.len() {
        let c = t.units[u].component;
        let [f, r] = t.unit_life[u];
        if seen.insert(c) {
            let name = t.components[c as usize].name.clone();
            exponential(&mut t, f, format!("failures of {name}"), &mut changes).map_err(|e| vec![e])?;
            exponential(&mut t, r, format!("repairs of {name}"), &mut changes).map_err(|e| vec![e])?;
        }
    }
    for z in 0..t.zones.len() {
        if let Some(o) = t.zones[z].outage.clone() {
            let name = format!("zone {}", t.zones[z].name);
            exponential(&mut t, o.between, format!("{name} outage intervals"), &mut changes).map_err(|e| vec![e])?;
            exponential(&mut t, o.duration, format!("{name} outage durations"), &mut changes).map_err(|e| vec![e])?;
        }
    }
    for r in 0..t.regions.len() {
        if let Some(o) = t.regions[r].outage.clone() {
            let name = format!("region {}", t.regions[r].name);
            exponential(&mut t, o.between, format!("{name} outage intervals"), &mut changes).map_err(|e| vec![e])?;
            exponential(&mut t, o.duration, format!("{name} outage durations"), &mut changes).map_err(|e| vec![e])?;
        }
    }
    let route = match analyse(&t) {
        r @ Route::Exact(_) => r,
        Route::None { .. } => {
            // Too many zones to condition on: the twin without them.
            t.zones.iter_mut().for_each(|z| z.outage = None);
            t.regions.iter_mut().for_each(|r| r.outage = None);
            changes.push("without zone and region outages".to_owned());
            analyse(&t)
        }
    };
    match route {
        Route::Exact(e) => {
            t.variant = format!("{} (exact twin)", model.variant);
            Ok(Twin { model: t, exact_downtime_hours: e.downtime_hours, changes })
        }
        Route::None { reasons } => Err(reasons),
    }
}

/// `model` with every law its units, zones and regions draw replaced by
/// the same law drawn by inversion from `draw`, so that it runs on the same
/// random numbers as its twin, or as its antithetic mirror (with
/// [`Draw::Exp1`], exponential laws are unchanged: they draw that way
/// already).
pub fn coupled(model: &Model, draw: Draw) -> Model {
    let mut m = model.clone();
    let mut used = vec![false; m.dists.len()];
    for life in &m.unit_life {
        used[life[0] as usize] = true;
        used[life[1] as usize] = true;
    }
    for o in m.zones.iter().filter_map(|z| z.outage.as_ref()).chain(m.regions.iter().filter_map(|r| r.outage.as_ref()))
    {
        used[o.between as usize] = true;
        used[o.duration as usize] = true;
    }
    for (d, used) in m.dists.iter_mut().zip(used) {
        if used {
            *d = d.coupled(draw);
        }
    }
    m
}
