//! The exact route: for a model that admits one, the exact steady-state
//! availability and the exact expected downtime over the horizon, without
//! simulating.
//!
//! Scope: every unit the service depends on alternates up and down with
//! exponential times (components and buckets), independently of the
//! others; zone and region outage processes, if any, are exponential too
//! (up for an exponential time, down for an exponential time). Units are
//! then independent two-state Markov processes given the zones' and
//! regions' states, and a unit serves while it, its zone and its region are
//! up. Auto-scaling groups, standby pairs and stores have rules of their
//! own that couple units, and other laws have memory: those models have no
//! exact answer here, and [`analyse`] says why.
//!
//! The computation: each two-state process (rates λ up→down, μ down→up) is
//! up at t with probability a(t) = μ/(λ+μ) + λ/(λ+μ)·e^{−(λ+μ)t} when it
//! starts up (μ/(λ+μ) at all t when it starts in its stationary state), and
//! down with u(t) = λ/(λ+μ)·(1 − e^{−(λ+μ)t}), computed without
//! cancellation. The structure function of independent processes is
//! multilinear; it is evaluated gate by gate as a pair (P up, P down), each
//! a sum of positive terms (k-of-n by a count recursion truncated at the
//! threshold), so an unavailability of 1e-12 keeps its digits. Zones and
//! regions, and any unit that several services share, are *pivots*: the
//! structure is evaluated for each of their joint states and weighted by
//! its probability (exact by total probability; the rest are independent
//! given the pivots). E[downtime] = ∫₀ᵀ P(down at t) dt (Fubini), by
//! adaptive Gauss–Kronrod (7/15 points) to a relative accuracy of 1e-13.
//!
//! May use: `model`, `dist`, `units`.

mod integrate;
pub mod twin;

use crate::dist::Dist;
use crate::model::{Model, NONE, Node, Role, Start};
use crate::units::HOURS_PER_YEAR;
use schemars::JsonSchema;
use serde::Serialize;

/// Most pivots (zones, regions and shared units) the route conditions on.
pub const MAX_PIVOTS: usize = 16;

/// Most work (pivot states × gate recursion steps × integration points)
/// the route takes on before saying the model is too large.
const MAX_WORK: f64 = 4e9;

/// The exact answer for one model.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct Exact {
    /// Steady-state availability of the service.
    pub steady_state_availability: f64,
    /// Steady-state downtime, hours per year: 8760·(1 − A).
    pub steady_state_downtime_hours: f64,
    /// Expected downtime over the horizon, from the model's start (all up,
    /// or stationary), hours per year of the horizon.
    pub downtime_hours: f64,
}

/// Whether a model has an exact answer.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Route {
    /// It has one.
    Exact(Exact),
    /// It has none, for these reasons.
    None {
        /// Why not, one reason per line ("zone outages of a last a lognormal time").
        reasons: Vec<String>,
    },
}

impl Route {
    /// The exact answer, if any.
    pub fn exact(&self) -> Option<&Exact> {
        match self {
            Route::Exact(e) => Some(e),
            Route::None { .. } => None,
        }
    }
}

/// The name of a law's family, for reasons.
pub fn family(d: &Dist) -> &'static str {
    match d {
        Dist::Exponential { .. } => "exponential",
        Dist::Weibull { .. } => "Weibull",
        Dist::LogNormal { .. } => "lognormal",
        Dist::Gamma { .. } => "gamma",
        Dist::Uniform { .. } => "uniform",
        Dist::Fixed(_) => "fixed",
        Dist::Empirical(_) => "empirical",
        Dist::Coupled(inner, _) => family(inner),
    }
}

/// The rate of an exponential law, if it is one.
fn rate(d: &Dist) -> Option<f64> {
    match d {
        Dist::Exponential { rate, .. } => Some(*rate),
        _ => None,
    }
}

/// A two-state process: rates up→down and down→up.
#[derive(Clone, Copy, Debug)]
struct TwoState {
    fail: f64,
    repair: f64,
}

impl TwoState {
    /// (P up, P down) at `t` (from up), or stationary when `stationary`.
    #[inline]
    fn at(self, t: f64, stationary: bool) -> (f64, f64) {
        let s = self.fail + self.repair;
        let (a, u) = (self.repair / s, self.fail / s);
        if stationary || t.is_infinite() {
            return (a, u);
        }
        let decay = (-s * t).exp();
        (a + u * decay, u * -(-s * t).exp_m1())
    }
}

/// What the route evaluates: the processes, the units' dependence on them,
/// the pivots, and the structure.
struct Plan<'m> {
    model: &'m Model,
    /// Per unit: its own process (units outside the structure: unused).
    units: Vec<TwoState>,
    /// Per zone and region: its outage process, if it has one that matters.
    zones: Vec<Option<TwoState>>,
    regions: Vec<Option<TwoState>>,
    /// Pivots: zones, regions, then shared units.
    pivots: Vec<Pivot>,
    /// Per unit: index among the pivots, or NONE.
    unit_pivot: Vec<u32>,
    zone_pivot: Vec<u32>,
    region_pivot: Vec<u32>,
    stationary: bool,
    /// Gates reachable from the root, children before parents (evaluated
    /// in this order, without recursion: structures may be 100 000 deep).
    order: Vec<u32>,
}

#[derive(Clone, Copy, Debug)]
enum Pivot {
    Zone(u32),
    Region(u32),
    Unit(u32),
}

/// The gates reachable from the root in depth-first post-order: children
/// before parents.
fn post_order(model: &Model) -> Vec<u32> {
    let mut order = Vec::new();
    let mut state = vec![0u8; model.gates.len()];
    let mut stack = vec![(model.root, false)];
    while let Some((g, done)) = stack.pop() {
        if done {
            order.push(g);
            continue;
        }
        if state[g as usize] != 0 {
            continue;
        }
        state[g as usize] = 1;
        stack.push((g, true));
        for c in &model.gates[g as usize].children {
            if let Node::Gate(h) = c {
                if state[*h as usize] == 0 {
                    stack.push((*h, false));
                }
            }
        }
    }
    order
}

/// How many paths lead from the root to each unit and gate (capped at 2).
fn path_counts(model: &Model) -> (Vec<u8>, Vec<u8>) {
    let mut gate_paths = vec![0u8; model.gates.len()];
    let mut unit_paths = vec![0u8; model.units.len()];
    // Parents first.
    let mut order = post_order(model);
    order.reverse();
    gate_paths[model.root as usize] = 1;
    for &g in &order {
        let p = gate_paths[g as usize];
        for c in &model.gates[g as usize].children {
            match c {
                Node::Gate(h) => gate_paths[*h as usize] = gate_paths[*h as usize].saturating_add(p).min(2),
                Node::Unit(u) => unit_paths[*u as usize] = unit_paths[*u as usize].saturating_add(p).min(2),
            }
        }
    }
    (unit_paths, gate_paths)
}

/// Why `model` has no exact answer (empty: it has one).
pub fn reasons(model: &Model) -> Vec<String> {
    plan(model).err().unwrap_or_default()
}

fn plan(model: &Model) -> Result<Plan<'_>, Vec<String>> {
    let mut why = Vec::new();
    if !model.groups.is_empty() {
        why.push("auto-scaling groups replace instances by rules of their own".to_owned());
    }
    if !model.standbys.is_empty() {
        why.push("standby pairs fail over between members (their states are not independent)".to_owned());
    }
    if !model.stores.is_empty() {
        why.push("data stores go down with incidents and recoveries".to_owned());
    }
    let (unit_paths, _) = path_counts(model);
    let mut units = vec![TwoState { fail: 1.0, repair: 1.0 }; model.units.len()];
    let mut zones_used = vec![false; model.zones.len()];
    let mut regions_used = vec![false; model.regions.len()];
    let mut seen_components = std::collections::HashSet::new();
    for (u, unit) in model.units.iter().enumerate() {
        if unit_paths[u] == 0 || unit.role != Role::Plain {
            continue;
        }
        let [f, r] = model.unit_life[u];
        let (fd, rd) = (&model.dists[f as usize], &model.dists[r as usize]);
        match (rate(fd), rate(rd)) {
            (Some(fail), Some(repair)) => units[u] = TwoState { fail, repair },
            _ => {
                if seen_components.insert(unit.component) {
                    let name = &model.components[unit.component as usize].name;
                    for (what, d) in [("failures", fd), ("repairs", rd)] {
                        if rate(d).is_none() {
                            why.push(format!("{what} of {name} are {} (not exponential)", family(d)));
                        }
                    }
                }
            }
        }
        if unit.zone != NONE {
            zones_used[unit.zone as usize] = true;
        }
        if unit.region != NONE {
            regions_used[unit.region as usize] = true;
        }
    }
    let mut process = |o: &Option<crate::model::OutageProcess>, used: bool, what: String| -> Option<TwoState> {
        let o = o.as_ref().filter(|_| used)?;
        let (b, d) = (&model.dists[o.between as usize], &model.dists[o.duration as usize]);
        match (rate(b), rate(d)) {
            (Some(fail), Some(repair)) => Some(TwoState { fail, repair }),
            (Some(_), None) => {
                why.push(format!("{what} outages last a {} time (not exponential)", family(d)));
                None
            }
            _ => {
                why.push(format!("{what} outages come at {} intervals (not exponential)", family(b)));
                None
            }
        }
    };
    let zones: Vec<Option<TwoState>> = model
        .zones
        .iter()
        .enumerate()
        .map(|(z, zone)| process(&zone.outage, zones_used[z], format!("zone {}", zone.name)))
        .collect();
    let regions: Vec<Option<TwoState>> = model
        .regions
        .iter()
        .enumerate()
        .map(|(r, reg)| {
            let used = regions_used[r] || reg.zones.iter().any(|&z| zones_used[z as usize]);
            process(&reg.outage, used, format!("region {}", reg.name))
        })
        .collect();
    // Zones of units placed in a zone count for their region too.
    let mut pivots = Vec::new();
    let mut zone_pivot = vec![NONE; model.zones.len()];
    let mut region_pivot = vec![NONE; model.regions.len()];
    let mut unit_pivot = vec![NONE; model.units.len()];
    for (z, p) in zones.iter().enumerate() {
        if p.is_some() {
            zone_pivot[z] = pivots.len() as u32;
            pivots.push(Pivot::Zone(z as u32));
        }
    }
    for (r, p) in regions.iter().enumerate() {
        if p.is_some() {
            region_pivot[r] = pivots.len() as u32;
            pivots.push(Pivot::Region(r as u32));
        }
    }
    for (u, &paths) in unit_paths.iter().enumerate() {
        if paths > 1 {
            unit_pivot[u] = pivots.len() as u32;
            pivots.push(Pivot::Unit(u as u32));
        }
    }
    if pivots.len() > MAX_PIVOTS {
        why.push(format!(
            "{} zones, regions and shared units to condition on (the exact route takes at most {MAX_PIVOTS})",
            pivots.len()
        ));
    }
    if why.is_empty() {
        let steps: f64 = model
            .gates
            .iter()
            .map(|g| {
                let n = g.children.len() as f64;
                n * f64::from(g.k).min(n - f64::from(g.k) + 1.0).max(1.0)
            })
            .sum();
        let work = 2f64.powi(pivots.len() as i32) * steps * 3000.0;
        if work > MAX_WORK {
            why.push(format!("the structure is too large for the exact route ({} units)", model.units.len()));
        }
    }
    if !why.is_empty() {
        return Err(why);
    }
    Ok(Plan {
        model,
        units,
        zones,
        regions,
        pivots,
        unit_pivot,
        zone_pivot,
        region_pivot,
        stationary: model.start == Start::SteadyState,
        order: post_order(model),
    })
}

impl Plan<'_> {
    /// P(service up), P(service down) at `t` (∞: steady state).
    fn at(&self, t: f64, scratch: &mut Vec<(f64, f64)>, dp: &mut Vec<f64>) -> (f64, f64) {
        let m = self.model;
        let n = self.pivots.len();
        let probs: Vec<(f64, f64)> = self
            .pivots
            .iter()
            .map(|p| match *p {
                Pivot::Zone(z) => self.zones[z as usize].expect("a pivot zone has a process").at(t, self.stationary),
                Pivot::Region(r) => {
                    self.regions[r as usize].expect("a pivot region has a process").at(t, self.stationary)
                }
                Pivot::Unit(u) => self.units[u as usize].at(t, self.stationary),
            })
            .collect();
        let (mut up, mut down) = (0.0, 0.0);
        let mut kids: Vec<(f64, f64)> = Vec::new();
        for config in 0u32..(1 << n) {
            // Bit i set: pivot i is down.
            let mut w = 1.0;
            for (i, p) in probs.iter().enumerate() {
                w *= if config >> i & 1 == 1 { p.1 } else { p.0 };
            }
            if w == 0.0 {
                continue;
            }
            let pivot_down = |i: u32| i != NONE && config >> i & 1 == 1;
            scratch.clear();
            scratch.resize(m.gates.len(), (f64::NAN, f64::NAN));
            let leaf = |u: u32| -> (f64, f64) {
                let unit = &m.units[u as usize];
                let out = (unit.zone != NONE && pivot_down(self.zone_pivot[unit.zone as usize]))
                    || (unit.region != NONE && pivot_down(self.region_pivot[unit.region as usize]));
                if out {
                    return (0.0, 1.0);
                }
                let p = self.unit_pivot[u as usize];
                if p != NONE {
                    return if pivot_down(p) { (0.0, 1.0) } else { (1.0, 0.0) };
                }
                self.units[u as usize].at(t, self.stationary)
            };
            for &g in &self.order {
                let gate = &m.gates[g as usize];
                kids.clear();
                kids.extend(gate.children.iter().map(|c| match *c {
                    Node::Unit(u) => leaf(u),
                    Node::Gate(h) => scratch[h as usize],
                }));
                scratch[g as usize] = k_of_n(&kids, gate.k as usize, dp);
            }
            let (gu, gd) = scratch[m.root as usize];
            up += w * gu;
            down += w * gd;
        }
        (up, down)
    }
}

/// (P at least `k` of the independent `children` up, P fewer), each a sum
/// of positive terms: a recursion on the count of children up (or down,
/// whichever threshold is nearer), truncated at the threshold.
fn k_of_n(children: &[(f64, f64)], k: usize, dp: &mut Vec<f64>) -> (f64, f64) {
    let n = children.len();
    if k == 0 {
        return (1.0, 0.0);
    }
    if k > n {
        return (0.0, 1.0);
    }
    // Count the side whose threshold is smaller: ups (need k) or downs
    // (n − k + 1 downs put the gate down).
    let count_ups = k <= n - k + 1;
    let cap = if count_ups { k } else { n - k + 1 };
    dp.clear();
    dp.resize(cap + 1, 0.0);
    dp[0] = 1.0;
    for &(a, d) in children {
        let (hit, miss) = if count_ups { (a, d) } else { (d, a) };
        // dp[cap] absorbs: reaching the threshold settles the gate.
        dp[cap] += dp[cap - 1] * hit;
        for j in (1..cap).rev() {
            dp[j] = dp[j] * miss + dp[j - 1] * hit;
        }
        dp[0] *= miss;
    }
    let reached = dp[cap];
    let short: f64 = dp[..cap].iter().sum();
    if count_ups { (reached, short) } else { (short, reached) }
}

/// The exact answer for `model`, or why there is none.
pub fn analyse(model: &Model) -> Route {
    let plan = match plan(model) {
        Ok(p) => p,
        Err(reasons) => return Route::None { reasons },
    };
    let (mut memo, mut dp) = (Vec::new(), Vec::new());
    let (steady_up, steady_down) = plan.at(f64::INFINITY, &mut memo, &mut dp);
    let horizon = model.horizon;
    let total = if plan.stationary {
        steady_down * horizon
    } else {
        integrate::gauss_kronrod(|t| plan.at(t, &mut memo, &mut dp).1, 0.0, horizon, 1e-13)
    };
    Route::Exact(Exact {
        steady_state_availability: steady_up,
        steady_state_downtime_hours: steady_down * HOURS_PER_YEAR,
        downtime_hours: total / model.horizon_years(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n_matches_the_binomial() {
        let mut dp = Vec::new();
        let a: f64 = 0.9;
        let c = vec![(a, 1.0 - a); 3];
        let (up, down) = k_of_n(&c, 2, &mut dp);
        assert!((up - (3.0 * a * a - 2.0 * a * a * a)).abs() < 1e-15);
        assert!((down - (1.0 - up)).abs() < 1e-15);
        // Series and parallel keep tiny probabilities exact.
        let tiny = vec![(1.0 - 1e-12, 1e-12); 4];
        assert!((k_of_n(&tiny, 1, &mut dp).1 - 1e-48).abs() < 1e-60);
        // 1 − (1 − q)⁴ = 4q − 6q² + 4q³ − q⁴: the q² term is 6e-24, far above
        // the last digit of 4e-12 (about 1e-27), so it must be there.
        assert!((k_of_n(&tiny, 4, &mut dp).1 - (4e-12 - 6e-24)).abs() < 1e-26);
    }
}
