//! A trial sampled with biased failure clocks, for importance-sampling
//! estimates of service downtime when outages are rare
//! ([`crate::downtime`]).
//!
//! The state's *distance* is the fewest further unit failures that would
//! bring the service's structure down (a k-of-n gate that is up with c
//! members up needs the c − k + 1 cheapest of them down). While it is at
//! most a threshold (chosen by [`crate::downtime`] from a plain pilot so
//! that such spells are few per trial — the likelihood ratio's variance
//! grows with their number), the exponential clocks that move the service
//! towards an outage — a unit's own failure, a zone's or region's next
//! outage — are redrawn with their rates raised so that one of them fires
//! within the spell with probability about [`THETA`], shared in proportion
//! to the square of how much each would shorten the distance (a zone
//! outage taking five units weighs 25 against a unit's 1: the big jumps
//! are the likely way to an outage, and spreading the bias over many
//! single failures makes paths of vanishing weight). A clock keeps the
//! multiplier it was drawn with while the new one is within a factor 1.5
//! (redrawing every clock at every event would cost more than it gains).
//! After the trial's first outage it runs unbiased: biasing on would crowd
//! the rest of the spell with outages of vanishing weight. Memoryless clocks redrawn from now keep their law;
//! other clocks (repairs, laws with memory) run unbiased. The likelihood
//! ratio is exp(Σ(b − 1)·rate·Δt) over the time a biased clock did not
//! fire, times 1/b for the one that fired; every figure of the trial is
//! weighted by it, so the estimates stay unbiased whatever the threshold.

use super::{Event, Scratch, TrialState, TrialSummary, begin_trial, end_trial, step};
use crate::dist::Dist;
use crate::model::{Model, Node, Role};
use crate::queue::EventKey;
use crate::rng::SimRng;
use rand_distr::{Distribution, Exp1};

/// Target chance that a biased clock fires within a spell. Small: on
/// four-by-five, work-normalised variance was lowest near 0.06 (measured
/// from 0.03 to 0.35; at 0.15 it was twice as high, at 0.35 fifteen times).
pub const THETA: f64 = 0.06;

/// The pending failure and outage-start events of a trial (weighted runs
/// only), so their clocks can be redrawn.
#[derive(Clone, Debug, Default)]
pub struct Clocks {
    unit: Vec<Slot>,
    zone: Vec<Slot>,
    region: Vec<Slot>,
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
enum Slot {
    /// Not running.
    #[default]
    Idle,
    /// Pending in the event queue.
    Queued(EventKey),
    /// Drawn past the horizon: it is running and will not fire within the
    /// trial unless redrawn; if it was drawn biased, its survival still
    /// counts in the likelihood ratio until it is redrawn or the trial ends.
    Beyond,
}

impl Clocks {
    fn slot(&mut self, ev: Event) -> Option<&mut Slot> {
        match ev {
            Event::Fail(u) => self.unit.get_mut(u as usize),
            Event::ZoneDown(z) => self.zone.get_mut(z as usize),
            Event::RegionDown(r) => self.region.get_mut(r as usize),
            _ => None,
        }
    }
}

/// Records that a clock that may be biased was drawn past the horizon: it
/// is running all the same (whether a clock is biased must not depend on
/// where its draw fell, or the likelihood ratio would be wrong).
#[inline(always)]
pub(super) fn beyond(s: &mut Scratch, ev: Event) {
    if let Some(slot) = s.clocks.as_mut().and_then(|c| c.slot(ev)) {
        *slot = Slot::Beyond;
    }
}

/// Records the key of a scheduled event whose clock may be biased (called
/// where the engine schedules failures and outage starts; does nothing
/// outside weighted runs).
#[inline(always)]
pub(super) fn record(s: &mut Scratch, ev: Event, key: EventKey) {
    if let Some(slot) = s.clocks.as_mut().and_then(|c| c.slot(ev)) {
        *slot = Slot::Queued(key);
    }
}

/// A pending clock drawn with a raised rate: its event, base rate and
/// multiplier.
#[derive(Clone, Copy, Debug)]
struct Biased {
    ev: Event,
    rate: f64,
    b: f64,
}

/// The model's clock rates, looked up once per [`WeightedTrial`] instead
/// of at every event: 0 where a clock may not be biased (a law with memory,
/// a unit under operations' own clocks) or nothing recovers.
struct Rates {
    unit_fail: Vec<f64>,
    zone_down: Vec<f64>,
    region_down: Vec<f64>,
    /// 1 / mean repair of plain and member units.
    unit_repair: Vec<f64>,
    /// 1 / mean outage length.
    zone_up: Vec<f64>,
    region_up: Vec<f64>,
}

impl Rates {
    fn new(m: &Model) -> Self {
        let exp = |d: u32| match m.dists[d as usize] {
            Dist::Exponential { rate, .. } => rate,
            _ => 0.0,
        };
        let plain = |u: usize| matches!(m.units[u].role, Role::Plain | Role::Member(_));
        let n = m.units.len();
        Rates {
            // Units under crews, ages, maintenance, tests or shocks keep
            // their own clocks (never biased).
            unit_fail: (0..n)
                .map(|u| if plain(u) && !m.ops.unit_special[u] { exp(m.unit_life[u][0]) } else { 0.0 })
                .collect(),
            zone_down: m.zones.iter().map(|z| z.outage.as_ref().map_or(0.0, |o| exp(o.between))).collect(),
            region_down: m.regions.iter().map(|r| r.outage.as_ref().map_or(0.0, |o| exp(o.between))).collect(),
            unit_repair: (0..n)
                .map(|u| if plain(u) { 1.0 / m.dists[m.unit_life[u][1] as usize].mean() } else { 0.0 })
                .collect(),
            zone_up: m
                .zones
                .iter()
                .map(|z| z.outage.as_ref().map_or(0.0, |o| 1.0 / m.dists[o.duration as usize].mean()))
                .collect(),
            region_up: m
                .regions
                .iter()
                .map(|r| r.outage.as_ref().map_or(0.0, |o| 1.0 / m.dists[o.duration as usize].mean()))
                .collect(),
        }
    }
}

/// One trial, run with biased clocks below a distance threshold, with the
/// likelihood ratio of its path.
pub struct WeightedTrial<'m> {
    model: &'m Model,
    s: Scratch,
    /// Bias while the distance is at most this (0: never).
    threshold: u32,
    /// Clocks currently drawn with b > 1.
    biased: Vec<Biased>,
    lr_at: f64,
    log_w: f64,
    /// Working memory of the distance computation.
    need: Vec<u32>,
    buf: Vec<u32>,
    /// Gates whose children are all units (their distance is a count).
    unit_gates: Vec<bool>,
    rates: Rates,
    candidates: Vec<(Event, f64, u32)>,
    next: Vec<Biased>,
    redo: Vec<Biased>,
}

/// Ignores outages (the figures come from the trial's summary).
struct Quiet;

impl super::Observer for Quiet {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
}

/// A weighted trial's result.
#[derive(Clone, Copy, Debug)]
pub struct Weighted {
    /// What the trial gave.
    pub summary: TrialSummary,
    /// Its likelihood ratio.
    pub weight: f64,
    /// Biased spells (entries into the threshold's distance or below).
    pub spells: u32,
}

impl<'m> WeightedTrial<'m> {
    /// Working memory for weighted trials of `model`, biased at distances
    /// up to `threshold` (0: plain trials that only count spells).
    pub fn new(model: &'m Model, threshold: u32) -> Self {
        let mut s = Scratch::new(model);
        s.clocks = Some(Box::new(Clocks {
            unit: vec![Slot::Idle; model.units.len()],
            zone: vec![Slot::Idle; model.zones.len()],
            region: vec![Slot::Idle; model.regions.len()],
        }));
        WeightedTrial {
            model,
            s,
            threshold,
            biased: Vec::new(),
            lr_at: 0.0,
            log_w: 0.0,
            need: vec![0; model.gates.len()],
            buf: Vec::new(),
            unit_gates: model.gates.iter().map(|g| g.children.iter().all(|c| matches!(c, Node::Unit(_)))).collect(),
            rates: Rates::new(model),
            candidates: Vec::new(),
            next: Vec::new(),
            redo: Vec::new(),
        }
    }

    /// The fewest unit failures that bring the service down from the
    /// state at t = 0 (everything that runs at the start up).
    pub fn base_distance(model: &'m Model) -> u32 {
        let mut t = WeightedTrial::new(model, 0);
        let _ = begin_trial(model, 0, &mut t.s);
        t.distance()
    }

    /// Fewest further unit failures that bring the service down (0: down).
    fn distance(&mut self) -> u32 {
        let m = self.model;
        // Gates are built children first, so index order is bottom-up.
        for g in 0..m.gates.len() {
            if !self.s.gate_up[g] {
                self.need[g] = 0;
                continue;
            }
            if self.unit_gates[g] {
                // Every child is a unit: the up ones beyond k − 1.
                self.need[g] = (self.s.gate_up_count[g] + 1).saturating_sub(m.gate_k[g]);
                continue;
            }
            self.buf.clear();
            for child in &m.gates[g].children {
                let n = match *child {
                    Node::Unit(u) => u32::from(self.s.unit_down[u as usize] == 0),
                    Node::Gate(c) => self.need[c as usize],
                };
                if n > 0 {
                    self.buf.push(n);
                }
            }
            self.buf.sort_unstable();
            let take = (self.buf.len() as u32 + 1).saturating_sub(m.gate_k[g]) as usize;
            self.need[g] = self.buf.iter().take(take).sum();
        }
        self.need[m.root as usize]
    }

    /// The exponential rate of a clock, if it may be biased.
    fn rate_of(&self, ev: Event) -> Option<f64> {
        let r = &self.rates;
        let rate = match ev {
            Event::Fail(u) => r.unit_fail[u as usize],
            Event::ZoneDown(z) => r.zone_down[z as usize],
            Event::RegionDown(g) => r.region_down[g as usize],
            _ => 0.0,
        };
        (rate > 0.0).then_some(rate)
    }

    /// How many up units a clock's event would take down, at most `d`.
    fn reach(&self, ev: Event, d: u32) -> u32 {
        let m = self.model;
        let up = |list: &[u32]| list.iter().filter(|&&u| self.s.unit_down[u as usize] == 0).count() as u32;
        let n = match ev {
            Event::Fail(u) => u32::from(self.s.unit_down[u as usize] == 0),
            Event::ZoneDown(z) => up(m.zone_units.get(z)),
            Event::RegionDown(r) => up(m.region_units.get(r)),
            _ => 0,
        };
        n.min(d)
    }

    /// Mean time until the degraded state improves: the inverse of the sum
    /// of the recovery rates of what is down (failed units, zones, regions).
    fn window(&self) -> f64 {
        let r = &self.rates;
        let mut rate = 0.0;
        for (u, &down) in self.s.unit_down.iter().enumerate() {
            if down != 0 {
                rate += r.unit_repair[u];
            }
        }
        for (z, &out) in self.s.zone_out.iter().enumerate() {
            if out {
                rate += r.zone_up[z];
            }
        }
        for (g, &out) in self.s.region_out.iter().enumerate() {
            if out {
                rate += r.region_up[g];
            }
        }
        if rate > 0.0 { 1.0 / rate } else { f64::INFINITY }
    }

    /// Adds the survival part of the likelihood ratio up to `t`.
    fn settle(&mut self, t: f64) {
        let dt = t - self.lr_at;
        for c in &self.biased {
            self.log_w += (c.b - 1.0) * c.rate * dt;
        }
        self.lr_at = t;
    }

    /// Redraws from `t` every pending biasable clock with the multiplier
    /// the state at distance `d` calls for (1 above the threshold).
    fn redraw(&mut self, t: f64, d: u32, rng: &mut SimRng) {
        let active = d > 0 && d <= self.threshold;
        if !active && self.biased.is_empty() {
            return;
        }
        let mut candidates = std::mem::take(&mut self.candidates);
        candidates.clear();
        if active {
            let clocks = self.s.clocks.as_deref().expect("weighted runs keep clocks");
            let pending = (clocks.unit.iter().enumerate().map(|(i, k)| (Event::Fail(i as u32), k)))
                .chain(clocks.zone.iter().enumerate().map(|(i, k)| (Event::ZoneDown(i as u32), k)))
                .chain(clocks.region.iter().enumerate().map(|(i, k)| (Event::RegionDown(i as u32), k)));
            for (ev, slot) in pending {
                if *slot == Slot::Idle {
                    continue;
                }
                if let Some(rate) = self.rate_of(ev) {
                    let reach = self.reach(ev, d);
                    if reach > 0 {
                        candidates.push((ev, rate, reach * reach));
                    }
                }
            }
        }
        let window = self.window();
        let total: u32 = candidates.iter().map(|c| c.2).sum();
        let mut next = std::mem::take(&mut self.next);
        next.clear();
        if active && total > 0 && window.is_finite() {
            for &(ev, rate, reach) in &candidates {
                let want = THETA / (1.0 - THETA) * f64::from(reach) / f64::from(total) / window;
                let b = (want / rate).max(1.0);
                if b > 1.0 {
                    next.push(Biased { ev, rate, b });
                }
            }
        }
        self.candidates = candidates;
        // Clocks biased before and not now go back to their own rate; a
        // clock whose multiplier barely changed keeps its draw; the rest
        // are redrawn from now (memoryless).
        let mut redo = std::mem::take(&mut self.redo);
        redo.clear();
        for c in &self.biased {
            match next.iter_mut().find(|n| same_clock(n.ev, c.ev)) {
                None => redo.push(Biased { b: 1.0, ..*c }),
                Some(n) if (n.b / c.b - 1.0).abs() < 0.5 && c.b / n.b < 1.5 => n.b = c.b,
                Some(n) => redo.push(*n),
            }
        }
        for n in &next {
            if !self.biased.iter().any(|c| same_clock(n.ev, c.ev)) {
                redo.push(*n);
            }
        }
        for c in &redo {
            let clocks = self.s.clocks.as_mut().expect("weighted runs keep clocks");
            let slot = clocks.slot(c.ev).expect("only failures and outage starts are biased");
            match *slot {
                Slot::Idle => continue,
                // A clock the engine cancelled meanwhile is not pending.
                Slot::Queued(k) if !self.s.queue.cancel(k) => {
                    *slot = Slot::Idle;
                    continue;
                }
                _ => {}
            }
            let e: f64 = Exp1.sample(rng);
            let at = t + e / (c.rate * c.b);
            *slot = if self.model.within(at) { Slot::Queued(self.s.queue.schedule(at, c.ev)) } else { Slot::Beyond };
        }
        // Clocks that were not pending are not biased.
        let clocks = self.s.clocks.as_mut().expect("weighted runs keep clocks");
        next.retain(|c| clocks.slot(c.ev).is_some_and(|k| *k != Slot::Idle));
        self.next = std::mem::replace(&mut self.biased, next);
        self.redo = redo;
    }

    /// Runs trial `trial` to the horizon; `rng` draws the biased clocks.
    pub fn run(&mut self, trial: u64, rng: &mut SimRng) -> Weighted {
        let m = self.model;
        let threshold = self.threshold;
        if let Some(c) = self.s.clocks.as_mut() {
            c.unit.fill(Slot::Idle);
            c.zone.fill(Slot::Idle);
            c.region.fill(Slot::Idle);
        }
        self.biased.clear();
        self.log_w = 0.0;
        self.lr_at = 0.0;
        let mut st: TrialState = begin_trial(m, trial, &mut self.s);
        let mut d = self.distance();
        let mut spells = 0;
        self.redraw(0.0, d, rng);
        while let Some((t, ev)) = step(m, &mut self.s, &mut st, &mut Quiet) {
            self.settle(t);
            // The clock that fired: its key is spent, and if it was biased
            // its density contributes 1/b.
            let clocks = self.s.clocks.as_mut().expect("weighted runs keep clocks");
            if let Some(slot) = clocks.slot(ev) {
                if std::mem::take(slot) != Slot::Idle {
                    if let Some(i) = self.biased.iter().position(|c| same_clock(c.ev, ev)) {
                        self.log_w -= self.biased.swap_remove(i).b.ln();
                    }
                }
            }
            let before = d;
            d = self.distance();
            // After the first outage the trial runs unbiased: biasing on
            // would crowd the rest of the spell with more outages of
            // vanishing weight.
            if st.summary.outages > 0 || !st.up() {
                self.threshold = 0;
            }
            if self.threshold > 0 && before > self.threshold && d <= self.threshold {
                spells += 1;
            }
            self.redraw(t, d, rng);
        }
        self.settle(m.horizon);
        self.threshold = threshold;
        let summary = end_trial(m, &mut self.s, st, &mut Quiet);
        Weighted { summary, weight: self.log_w.exp(), spells }
    }

    /// Runs trial `trial` unbiased and counts, for every distance d, how
    /// many times the trial entered d or below from above.
    pub fn count_entries(&mut self, trial: u64, entries: &mut [u64]) {
        let m = self.model;
        let mut st = begin_trial(m, trial, &mut self.s);
        let mut d = self.distance();
        while step(m, &mut self.s, &mut st, &mut Quiet).is_some() {
            let now = self.distance();
            for e in entries.iter_mut().take(d as usize).skip(now as usize) {
                *e += 1;
            }
            d = now;
        }
        let _ = end_trial(m, &mut self.s, st, &mut Quiet);
    }
}

fn same_clock(a: Event, b: Event) -> bool {
    matches!((a, b), (Event::Fail(x), Event::Fail(y)) | (Event::ZoneDown(x), Event::ZoneDown(y)) | (Event::RegionDown(x), Event::RegionDown(y)) if x == y)
}
