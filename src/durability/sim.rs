//! One trajectory of a dataset: its groups' devices failing, being noticed
//! and rebuilt, its zones and regions destroyed and re-protected, and
//! common-cause events, until the horizon or until data is lost.
//!
//! A dataset may hold millions of groups, almost all of them untouched at
//! any time. Untouched ("pristine") groups are not stored one by one: they
//! are identical (same placement, devices of the same ages), so the first
//! failure among the U pristine devices at one position of the layout is
//! drawn from the law of the first of U residual lives (see
//! [`Dist::sample_residual`]) and lands on one of them, which then becomes
//! an explicit group. With memoryless devices the failures of all intact
//! devices of an owner (a group, or the pristine population) are one clock.
//! Zone and region destructions strike every group at once, and the
//! re-protection of a destroyed zone is one process for all of them; with
//! memoryless devices a group whose devices are all intact again rejoins
//! the pristine ones.
//!
//! The trajectory is a [`Particle`]: its level is the most fragments any
//! group has lost, and reaching `m + 1` (more than a group tolerates) is
//! data loss. For splitting, it can also sample *biased*: while an owner
//! has lost fragments, its intact devices fail with their hazard multiplied
//! by b (failure biasing: b makes a further failure within the degraded
//! spell about 20% likely rather than rare, or less when a trajectory is
//! expected to hold many spells; stronger biasing spreads the weights over
//! long spells, or over many, too thin), and the trajectory carries the
//! likelihood ratio of what it sampled, exp(Σ (b − 1)·ΔH) for survivals and
//! 1/b per biased failure. Without this, reaching the next level from a
//! degraded state is one rare race that splitting alone cannot subdivide.
//! Biased runs also let a zone or region outage destroy its data with
//! probability at least 0.3, or less when many outages are expected
//! (weighed by p/q, or (1 − p)/(1 − q) when it does not), so destruction
//! paths are explored as often as device ones,
//! and a common-cause event that fails anything fails a number of devices
//! uniform over 1..=n (weighed back), so an event that takes a whole group
//! is not a one-in-qⁿ draw.

use crate::dist::Dist;
use crate::model::{DataGroup, Model, NONE, OutageProcess, Rebuild};
use crate::rare::Particle;
use crate::rng::SimRng;
use rand::RngExt;
use rand_distr::{Distribution, Exp1};

/// What destroyed the data of the first group to lose it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Devices failing on their own.
    Devices,
    /// A zone or region destroyed.
    Area,
    /// A group-wide common-cause event.
    CommonCause,
}

/// Target probability that the next change of a degraded owner is a
/// further failure, under biasing (0.5 is classic balanced failure
/// biasing; 0.2 keeps the likelihood ratios of long degraded spells from
/// spreading, measured on the tests' codes).
const BIAS_THETA: f64 = 0.2;

/// Probability that a zone or region outage destroys its data, in biased
/// runs, when the model's is lower (weighed back by the likelihood ratio).
const AREA_BIAS: f64 = 0.3;

/// Largest hazard multiplier.
const MAX_BIAS: f64 = 1e9;

/// Bound on θ × (degraded spells a trajectory is expected to hold). Each
/// biased spell that ends without a further failure multiplies the second
/// moment of the likelihood ratio by about 1/(1 − θ) ≈ e^θ (for small θ;
/// (1 − θ)/(1 − 2θ) with exponential windows), so N spells by about
/// e^(θN). With many groups simulated together (N = 75 on 50 groups of
/// three devices at AFR 50%) a fixed θ = 0.2 made the weights so
/// heavy-tailed that splitting came out 13–45% low with passing
/// diagnostics; θN = 3 was still 6% low on 50 groups whose zones are
/// destroyed (N = 30); θN ≤ 1 measured unbiased on both. Outages that may
/// destroy get a budget of the same size: each biased draw that does not
/// destroy multiplies the second moment by about 1/(1 − q).
const SPELL_BUDGET: f64 = 1.0;

/// A process destroying sites: a zone's or region's outages, each
/// destroying what is kept there with a probability.
#[derive(Debug)]
struct Area<'m> {
    process: &'m OutageProcess,
    /// Sites it destroys.
    sites: Vec<usize>,
}

/// Everything about a dataset that does not change during a trajectory.
#[derive(Debug)]
pub struct Context<'m> {
    model: &'m Model,
    g: &'m DataGroup,
    /// Groups simulated (1 when the groups are independent and the
    /// dataset figure follows from one group's).
    pub count: u64,
    devices: usize,
    /// Fragments on each device.
    frags: Vec<u32>,
    /// Site of each device (a zone, or a region for devices placed in a
    /// region only), or `usize::MAX`.
    site: Vec<usize>,
    sites: usize,
    areas: Vec<Area<'m>>,
    /// Devices fail at a constant rate (this one, per hour).
    memoryless: Option<f64>,
    /// A device's failure rate at its mean life (for the bias).
    mean_rate: f64,
    /// Mean time a device failure leaves a fragment missing.
    device_window: f64,
    /// Mean time a destroyed site stays lost.
    site_window: f64,
    /// Target probability of a further failure within a biased spell:
    /// [`BIAS_THETA`], less when many spells are expected.
    theta: f64,
    /// Destruction probability of an outage in biased runs (at least the
    /// model's): [`AREA_BIAS`], less when many outages are expected.
    area_bias: f64,
}

impl<'m> Context<'m> {
    /// The constants of `g` in `model`, simulating `count` groups.
    pub fn new(model: &'m Model, g: &'m DataGroup, count: u64) -> Self {
        let devices = g.devices() as usize;
        // Sites: the distinct zones devices stand in, then the distinct
        // regions of devices placed in a region only.
        let mut keys: Vec<(u32, u32)> = Vec::new();
        let mut site = Vec::with_capacity(devices);
        for d in 0..devices {
            let (z, r) = (g.device_zone[d], g.device_region[d]);
            if z == NONE && r == NONE {
                site.push(usize::MAX);
                continue;
            }
            let i = keys.iter().position(|k| *k == (z, r)).unwrap_or_else(|| {
                keys.push((z, r));
                keys.len() - 1
            });
            site.push(i);
        }
        let mut areas = Vec::new();
        for (zi, zone) in model.zones.iter().enumerate() {
            if let Some(o) = zone.outage.as_ref().filter(|o| o.destroy_p > 0.0) {
                let sites: Vec<usize> = (0..keys.len()).filter(|&s| keys[s].0 == zi as u32).collect();
                if !sites.is_empty() {
                    areas.push(Area { process: o, sites });
                }
            }
        }
        for (ri, region) in model.regions.iter().enumerate() {
            if let Some(o) = region.outage.as_ref().filter(|o| o.destroy_p > 0.0) {
                let sites: Vec<usize> = (0..keys.len())
                    .filter(|&s| {
                        let (z, r) = keys[s];
                        r == ri as u32 || (z != NONE && model.zones[z as usize].region == ri as u32)
                    })
                    .collect();
                if !sites.is_empty() {
                    areas.push(Area { process: o, sites });
                }
            }
        }
        let dist = |i: u32| &model.dists[i as usize];
        let rebuild = match g.rebuild {
            Rebuild::Dist(i) => dist(i).mean(),
            Rebuild::Bandwidth { bytes, bytes_per_hour, .. } => bytes / bytes_per_hour,
        };
        let mean_rate = 1.0 / dist(g.device_failure).mean();
        // Outages expected over the horizon (a renewal count: T over the
        // mean cycle), per area.
        let outages = |a: &Area| model.horizon / (dist(a.process.between).mean() + dist(a.process.duration).mean());
        // Those biased, A: q = 1 − e^(−budget/A), A outages of
        // second-moment factor 1/(1 − q) each. (An empty sum is −0.0: test
        // for a positive count.)
        let biased: f64 = areas.iter().filter(|a| a.process.destroy_p < AREA_BIAS).map(outages).sum();
        let area_bias = if biased > 0.0 { AREA_BIAS.min(-(-SPELL_BUDGET / biased).exp_m1()) } else { AREA_BIAS };
        // Degraded spells expected over the horizon: each device's failures
        // (the cumulative hazard of a new device, at least T/mean: more
        // for laws whose hazard falls with age), and each destruction
        // biased runs draw, which opens one spell for the pristine groups
        // and one for each touched group (with laws with memory, every
        // group that has had a failure stays touched).
        let f = dist(g.device_failure);
        let h = f.cumulative_hazard(model.horizon);
        let per_device = if h.is_finite() { h.max(model.horizon * mean_rate) } else { model.horizon * mean_rate };
        let memoryless = matches!(f, Dist::Exponential { .. });
        let touched = if memoryless { 0.0 } else { count as f64 * (devices as f64 * per_device).min(1.0) };
        let destructions: f64 = areas.iter().map(|a| outages(a) * a.process.destroy_p.max(area_bias)).sum();
        let spells = count as f64 * devices as f64 * per_device + destructions.max(0.0) * (1.0 + touched);
        Context {
            model,
            g,
            count,
            devices,
            frags: (0..devices as u32).map(|d| g.fragments_on(d)).collect(),
            site,
            sites: keys.len(),
            areas,
            memoryless: match dist(g.device_failure) {
                Dist::Exponential { rate, .. } => Some(*rate),
                _ => None,
            },
            mean_rate,
            device_window: dist(g.detection).mean() + rebuild,
            site_window: dist(g.zone_rebuild).mean(),
            theta: BIAS_THETA.min(SPELL_BUDGET / spells),
            area_bias,
        }
    }

    /// Whether zone or region destructions can reach the dataset (then its
    /// groups are not independent).
    pub fn has_areas(&self) -> bool {
        !self.areas.is_empty()
    }

    fn dist(&self, i: u32) -> &'m Dist {
        &self.model.dists[i as usize]
    }

    /// The level at which data is lost: more fragments gone than tolerated.
    pub fn top(&self) -> u32 {
        self.g.tolerance() + 1
    }

    /// The hazard multiplier for an owner with `intact` devices and `lost`
    /// fragments missing (`site_lost`: some of them with a destroyed site).
    fn bias(&self, intact: usize, lost: u32, site_lost: bool) -> f64 {
        if lost == 0 || intact == 0 {
            return 1.0;
        }
        let window = if site_lost { self.site_window } else { self.device_window };
        let b = self.theta / (1.0 - self.theta) / (intact as f64 * self.mean_rate * window);
        b.clamp(1.0, MAX_BIAS)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Dev {
    /// Intact; fails on its own at `fail_at` (laws with memory); born
    /// (new) at `birth`.
    Up { birth: f64, fail_at: f64 },
    /// Failed, not yet noticed (`cc`: by a common-cause event).
    Detecting { until: f64, cc: bool },
    /// Being rebuilt: done at `until` (for a shared bandwidth, recomputed
    /// from `remaining` bytes whenever the group's rebuilds change).
    Rebuilding { until: f64, remaining: f64, cc: bool },
    /// Its site was destroyed: back when the site is re-protected.
    SiteLost,
}

#[derive(Clone, Debug)]
struct Group {
    dev: Vec<Dev>,
    /// Memoryless devices: the next failure of any intact device.
    fail_next: f64,
    cc_next: f64,
    /// When shared-bandwidth rebuilds were last brought up to date.
    shared_at: f64,
    /// Fragments missing now.
    lost: u32,
    /// Its next device event: (time, device).
    next: (f64, usize),
    /// Hazard multiplier of its intact devices since `lr_at`.
    b: f64,
    lr_at: f64,
}

impl Group {
    /// Recomputes the cached fields after its devices changed.
    fn refresh(&mut self, frags: &[u32]) {
        let mut lost = 0;
        let mut next = (f64::INFINITY, 0);
        for (d, dev) in self.dev.iter().enumerate() {
            let t = match *dev {
                Dev::Up { fail_at, .. } => fail_at,
                Dev::Detecting { until, .. } | Dev::Rebuilding { until, .. } => {
                    lost += frags[d];
                    until
                }
                Dev::SiteLost => {
                    lost += frags[d];
                    continue;
                }
            };
            if t < next.0 {
                next = (t, d);
            }
        }
        self.lost = lost;
        self.next = next;
    }

    fn intact(&self) -> usize {
        self.dev.iter().filter(|d| matches!(d, Dev::Up { .. })).count()
    }
}

/// One trajectory of a dataset.
#[derive(Clone, Debug)]
pub struct Trajectory<'c, 'm> {
    ctx: &'c Context<'m>,
    rng: SimRng,
    t: f64,
    /// Per area: its next change (an outage starting or ending).
    area_next: Vec<f64>,
    /// Per area: when its current phase began, and whether it is out.
    area_phase: Vec<(f64, bool)>,
    /// Per site: when its re-protection ends (NaN while intact).
    site_back: Vec<f64>,
    pristine: u64,
    /// Per device position: when the pristine groups' device there was born.
    birth: Vec<f64>,
    /// Per device position: the next failure among pristine devices there
    /// (laws with memory).
    cohort_next: Vec<f64>,
    /// Memoryless devices: the next failure of any pristine device.
    pristine_next: f64,
    /// Hazard multiplier of pristine devices since `pristine_lr_at`.
    pristine_b: f64,
    pristine_lr_at: f64,
    /// The next common-cause event among pristine groups.
    cc_next: f64,
    touched: Vec<Group>,
    /// Groups that have lost data.
    pub lost: u64,
    /// When and why the first group lost data.
    pub first_loss: Option<(f64, Cause)>,
    /// Failure biasing on (splitting), off (plain runs, and after the top).
    biased: bool,
    /// ln of the likelihood ratio of the path since the last reseed.
    log_w: f64,
}

fn exp(rng: &mut SimRng, rate: f64) -> f64 {
    if rate <= 0.0 {
        return f64::INFINITY;
    }
    let e: f64 = Exp1.sample(rng);
    e / rate
}

impl<'c, 'm> Trajectory<'c, 'm> {
    /// Everything intact at t = 0; `biased` turns failure biasing on.
    pub fn new(ctx: &'c Context<'m>, rng: SimRng, biased: bool) -> Self {
        let mut t = Trajectory {
            ctx,
            rng,
            t: 0.0,
            area_next: vec![f64::INFINITY; ctx.areas.len()],
            area_phase: vec![(0.0, false); ctx.areas.len()],
            site_back: vec![f64::NAN; ctx.sites],
            pristine: ctx.count,
            birth: vec![0.0; ctx.devices],
            cohort_next: vec![f64::INFINITY; ctx.devices],
            pristine_next: f64::INFINITY,
            pristine_b: 1.0,
            pristine_lr_at: 0.0,
            cc_next: f64::INFINITY,
            touched: Vec::new(),
            lost: 0,
            first_loss: None,
            biased,
            log_w: 0.0,
        };
        t.draw_future();
        t
    }

    fn site_lost(&self, d: usize) -> bool {
        let s = self.ctx.site[d];
        s != usize::MAX && !self.site_back[s].is_nan()
    }

    fn live_positions(&self) -> usize {
        (0..self.ctx.devices).filter(|&d| !self.site_lost(d)).count()
    }

    /// Redraws every clock whose law is known from the state (not the
    /// areas' renewals nor rebuilds under way): pristine and group failure
    /// clocks given the ages, and common-cause clocks.
    fn draw_future(&mut self) {
        // Each area's current phase (between outages, or in one) goes on
        // for its residual time given how long it has lasted.
        for (a, area) in self.ctx.areas.iter().enumerate() {
            let (since, out) = self.area_phase[a];
            let law = self.ctx.dist(if out { area.process.duration } else { area.process.between });
            self.area_next[a] = self.t + law.sample_residual(self.t - since, 1, &mut self.rng);
        }
        self.redraw_pristine();
        for gi in 0..self.touched.len() {
            self.rebias_with(gi, true);
            if let Some((rate, _)) = self.ctx.g.common_cause {
                self.touched[gi].cc_next = self.t + exp(&mut self.rng, rate);
            }
        }
    }

    // ---- likelihood ratio -------------------------------------------------

    /// Adds the survival part of the likelihood ratio of group `gi` since
    /// its `lr_at`, so its intact set or multiplier may change now.
    fn settle(&mut self, gi: usize) {
        let ctx = self.ctx;
        let g = &mut self.touched[gi];
        if g.b != 1.0 {
            let dh: f64 = match ctx.memoryless {
                Some(rate) => rate * g.intact() as f64 * (self.t - g.lr_at),
                None => {
                    let f = ctx.dist(ctx.g.device_failure);
                    g.dev
                        .iter()
                        .map(|d| match *d {
                            Dev::Up { birth, .. } => {
                                f.cumulative_hazard(self.t - birth) - f.cumulative_hazard(g.lr_at - birth)
                            }
                            _ => 0.0,
                        })
                        .sum()
                }
            };
            self.log_w += (g.b - 1.0) * dh;
        }
        g.lr_at = self.t;
    }

    /// The same for the pristine population.
    fn settle_pristine(&mut self) {
        let ctx = self.ctx;
        if self.pristine_b != 1.0 && self.pristine > 0 {
            let dh: f64 = match ctx.memoryless {
                Some(rate) => {
                    rate * (self.live_positions() as u64 * self.pristine) as f64 * (self.t - self.pristine_lr_at)
                }
                None => {
                    let f = ctx.dist(ctx.g.device_failure);
                    let then = self.pristine_lr_at;
                    (0..ctx.devices)
                        .filter(|&d| !self.site_lost(d))
                        .map(|d| {
                            f.cumulative_hazard(self.t - self.birth[d]) - f.cumulative_hazard(then - self.birth[d])
                        })
                        .sum::<f64>()
                        * self.pristine as f64
                }
            };
            self.log_w += (self.pristine_b - 1.0) * dh;
        }
        self.pristine_lr_at = self.t;
    }

    /// Settles every owner (at the end of a stage run, or before the bias
    /// is turned off).
    fn settle_all(&mut self) {
        for gi in 0..self.touched.len() {
            self.settle(gi);
        }
        self.settle_pristine();
    }

    // ---- clocks -----------------------------------------------------------

    /// After group `gi` changed (settled before): its lost fragments, next
    /// event, multiplier and failure clocks. Intact devices keep their
    /// clocks unless the multiplier changed or `force` (redrawn given
    /// their ages); new devices get theirs.
    fn rebias(&mut self, gi: usize) {
        self.rebias_with(gi, false);
    }

    fn rebias_with(&mut self, gi: usize, force: bool) {
        let ctx = self.ctx;
        self.touched[gi].refresh(&ctx.frags);
        let g = &self.touched[gi];
        let site_lost = g.dev.contains(&Dev::SiteLost);
        let b = if self.biased { ctx.bias(g.intact(), g.lost, site_lost) } else { 1.0 };
        let g = &mut self.touched[gi];
        let changed = b != g.b;
        g.b = b;
        g.lr_at = self.t;
        match ctx.memoryless {
            Some(rate) => {
                let up = g.intact() as f64;
                g.fail_next = self.t + exp(&mut self.rng, rate * up * b);
            }
            None => {
                let f = ctx.dist(ctx.g.device_failure);
                for dev in &mut g.dev {
                    if let Dev::Up { birth, fail_at } = dev {
                        if changed || force || fail_at.is_infinite() {
                            *fail_at = self.t + f.sample_residual_scaled(self.t - *birth, b, &mut self.rng);
                        }
                    }
                }
                g.refresh(&ctx.frags);
            }
        }
    }

    /// Redraws the pristine failure clocks (after the pristine count, a
    /// site, or the multiplier changed; settled before).
    fn redraw_pristine(&mut self) {
        let ctx = self.ctx;
        let lost = self.pristine_lost();
        let live = self.live_positions();
        // One spell for the whole population (a destroyed zone degrades
        // every pristine group at once): biasing each group's devices as a
        // lone group's would open `pristine` biased spells per destruction.
        let intact = live.saturating_mul(usize::try_from(self.pristine).unwrap_or(usize::MAX));
        self.pristine_b = if self.biased { ctx.bias(intact, lost, lost > 0) } else { 1.0 };
        self.pristine_lr_at = self.t;
        let scale = self.pristine as f64 * self.pristine_b;
        match ctx.memoryless {
            Some(rate) => self.pristine_next = self.t + exp(&mut self.rng, rate * live as f64 * scale),
            None => {
                for d in 0..ctx.devices {
                    self.cohort_next[d] = if self.pristine == 0 || self.site_lost(d) {
                        f64::INFINITY
                    } else {
                        let age = self.t - self.birth[d];
                        self.t + ctx.dist(ctx.g.device_failure).sample_residual_scaled(age, scale, &mut self.rng)
                    };
                }
            }
        }
        self.cc_next = match ctx.g.common_cause {
            Some((rate, _)) => self.t + exp(&mut self.rng, rate * self.pristine as f64),
            None => f64::INFINITY,
        };
    }

    /// The devices of `candidates` a common-cause event fails, in a biased
    /// run: as often none as unbiased (weight 1), otherwise a number of
    /// them uniform over 1..=n (then which ones uniformly, as unbiased),
    /// weighed by P(j of n) · n / P(at least one). Unbiased, a group of n
    /// devices loses all n to one event with probability qⁿ; here with
    /// probability P(at least one)/n, so losses by one event of too many
    /// devices are seen without weights growing over events that fail
    /// nothing.
    fn biased_cc_hits(&mut self, mut candidates: Vec<usize>, q: f64) -> Vec<usize> {
        let n = candidates.len();
        if q >= 1.0 {
            return candidates;
        }
        let ln_none = n as f64 * (-q).ln_1p();
        if n == 0 || self.rng.random::<f64>() < ln_none.exp() {
            return Vec::new();
        }
        let j = self.rng.random_range(1..=n);
        let ln_choose: f64 = (1..=j).map(|i| ((n - j + i) as f64 / i as f64).ln()).sum();
        let ln_p = ln_choose + j as f64 * q.ln() + (n - j) as f64 * (-q).ln_1p();
        self.log_w += ln_p + (n as f64).ln() - (-ln_none.exp_m1()).ln();
        for i in 0..j {
            let k = self.rng.random_range(i..n);
            candidates.swap(i, k);
        }
        candidates.truncate(j);
        candidates
    }

    /// A device failure drawn from a clock with multiplier `b`.
    fn biased_failure(&mut self, b: f64) {
        if b != 1.0 {
            self.log_w -= b.ln();
        }
    }

    // ---- state ------------------------------------------------------------

    /// Fragments a pristine group has lost (those at destroyed sites).
    fn pristine_lost(&self) -> u32 {
        (0..self.ctx.devices).filter(|&d| self.site_lost(d)).map(|d| self.ctx.frags[d]).sum()
    }

    /// Most fragments missing in any group still holding its data; the top
    /// level once a group has lost data.
    fn current_level(&self) -> u32 {
        if self.lost > 0 {
            return self.ctx.top();
        }
        let mut level = if self.pristine > 0 { self.pristine_lost() } else { 0 };
        for g in &self.touched {
            level = level.max(g.lost);
        }
        level
    }

    /// Turns one pristine group into an explicit one (pristine settled
    /// before; the caller redraws the pristine clocks after).
    fn materialize(&mut self) -> usize {
        let ctx = self.ctx;
        let dev = (0..ctx.devices)
            .map(|d| {
                if self.site_lost(d) {
                    Dev::SiteLost
                } else {
                    // Clocks are drawn by `rebias` (b is NaN until then).
                    Dev::Up { birth: self.birth[d], fail_at: f64::INFINITY }
                }
            })
            .collect();
        let cc_next = ctx.g.common_cause.map_or(f64::INFINITY, |(rate, _)| self.t + exp(&mut self.rng, rate));
        self.pristine -= 1;
        self.touched.push(Group {
            dev,
            fail_next: f64::INFINITY,
            cc_next,
            shared_at: self.t,
            lost: 0,
            next: (0.0, 0),
            b: f64::NAN,
            lr_at: self.t,
        });
        let gi = self.touched.len() - 1;
        self.rebias(gi);
        gi
    }

    /// Device `d` of touched group `gi` fails now (settled before); `cc`:
    /// by a common-cause event.
    fn fail_device(&mut self, gi: usize, d: usize, cc: bool) {
        let until = self.t + self.ctx.dist(self.ctx.g.detection).sample(&mut self.rng);
        self.touched[gi].dev[d] = Dev::Detecting { until, cc };
    }

    /// What a group losing its data now lost it to: a destroyed site if it
    /// holds a fragment there, else a common cause if one took a fragment,
    /// else its devices.
    fn cause_of(&self, g: &Group) -> Cause {
        if g.dev.contains(&Dev::SiteLost) {
            Cause::Area
        } else if g.dev.iter().any(|d| matches!(d, Dev::Detecting { cc: true, .. } | Dev::Rebuilding { cc: true, .. }))
        {
            Cause::CommonCause
        } else {
            Cause::Devices
        }
    }

    /// Brings a group's shared-bandwidth rebuilds up to date (before a
    /// change in how many run) and reschedules them (after it).
    fn reshare(&mut self, gi: usize) {
        let Rebuild::Bandwidth { bytes_per_hour, shared: true, .. } = self.ctx.g.rebuild else { return };
        let g = &mut self.touched[gi];
        let active = g.dev.iter().filter(|d| matches!(d, Dev::Rebuilding { .. })).count() as f64;
        let elapsed = self.t - g.shared_at;
        g.shared_at = self.t;
        if active == 0.0 {
            return;
        }
        // Called before a change, this is the share that applied since
        // `shared_at`; called after, `elapsed` is 0 and the new share sets
        // the completion times.
        let rate = bytes_per_hour / active;
        for dev in &mut g.dev {
            if let Dev::Rebuilding { until, remaining, .. } = dev {
                *remaining = (*remaining - elapsed * rate).max(0.0);
                *until = self.t + *remaining / rate;
            }
        }
        g.refresh(&self.ctx.frags);
    }

    /// Records losses among touched groups and the pristine ones.
    fn check_losses(&mut self) {
        let k_lost = self.ctx.top();
        let mut i = 0;
        while i < self.touched.len() {
            if self.touched[i].lost >= k_lost {
                self.settle(i);
                let cause = self.cause_of(&self.touched[i]);
                self.touched.swap_remove(i);
                self.record_loss(1, cause);
            } else {
                i += 1;
            }
        }
        if self.pristine > 0 && self.pristine_lost() >= k_lost {
            self.settle_pristine();
            let n = self.pristine;
            self.pristine = 0;
            self.record_loss(n, Cause::Area);
            self.redraw_pristine();
        }
    }

    fn record_loss(&mut self, groups: u64, cause: Cause) {
        self.lost += groups;
        if self.first_loss.is_none() {
            self.first_loss = Some((self.t, cause));
        }
    }

    /// With memoryless devices, a group whose devices are all as a pristine
    /// group's are rejoins the pristine ones (settled before).
    fn maybe_rejoin(&mut self, gi: usize) {
        if self.ctx.memoryless.is_none() {
            return;
        }
        let g = &self.touched[gi];
        let same = g.dev.iter().enumerate().all(|(d, dev)| match dev {
            Dev::Up { .. } => !self.site_lost(d),
            Dev::SiteLost => self.site_lost(d),
            _ => false,
        });
        if same {
            self.settle(gi);
            self.settle_pristine();
            self.touched.swap_remove(gi);
            self.pristine += 1;
            self.redraw_pristine();
        }
    }

    /// Processes the next event; false when there is none before the horizon.
    fn step(&mut self) -> bool {
        let ctx = self.ctx;
        #[derive(Clone, Copy)]
        enum Ev {
            Area(usize),
            SiteBack(usize),
            Cohort(usize),
            PristineFail,
            PristineCc,
            Dev(usize, usize),
            GroupFail(usize),
            GroupCc(usize),
        }
        let mut best = (f64::INFINITY, Ev::PristineCc);
        let mut consider = |t: f64, e: Ev| {
            if t < best.0 {
                best = (t, e);
            }
        };
        for (a, &t) in self.area_next.iter().enumerate() {
            consider(t, Ev::Area(a));
        }
        for (s, &t) in self.site_back.iter().enumerate() {
            if !t.is_nan() {
                consider(t, Ev::SiteBack(s));
            }
        }
        if ctx.memoryless.is_none() {
            for (d, &t) in self.cohort_next.iter().enumerate() {
                consider(t, Ev::Cohort(d));
            }
        }
        consider(self.pristine_next, Ev::PristineFail);
        consider(self.cc_next, Ev::PristineCc);
        for (gi, g) in self.touched.iter().enumerate() {
            consider(g.next.0, Ev::Dev(gi, g.next.1));
            consider(g.fail_next, Ev::GroupFail(gi));
            consider(g.cc_next, Ev::GroupCc(gi));
        }
        let (t, ev) = best;
        if t >= ctx.model.horizon {
            self.t = ctx.model.horizon;
            return false;
        }
        self.t = t;
        match ev {
            Ev::Area(a) => {
                let o = ctx.areas[a].process;
                let out = !self.area_phase[a].1;
                self.area_phase[a] = (t, out);
                if out {
                    // Biased runs make destruction common, and weigh it.
                    let p = o.destroy_p;
                    let q = if self.biased { p.max(ctx.area_bias) } else { p };
                    let destroyed = self.rng.random::<f64>() < q;
                    if q != p {
                        self.log_w += if destroyed { (p / q).ln() } else { ((1.0 - p) / (1.0 - q)).ln() };
                    }
                    if destroyed {
                        self.destroy(&ctx.areas[a].sites);
                    }
                }
                let law = ctx.dist(if out { o.duration } else { o.between });
                self.area_next[a] = t + law.sample(&mut self.rng);
            }
            Ev::SiteBack(s) => self.site_back_now(s),
            Ev::Cohort(d) => self.pristine_failure(d),
            Ev::PristineFail => {
                let pick = self.rng.random_range(0..self.live_positions());
                let d = (0..ctx.devices).filter(|&d| !self.site_lost(d)).nth(pick).expect("a live position");
                self.pristine_failure(d);
            }
            Ev::PristineCc => {
                let (_, q) = ctx.g.common_cause.expect("scheduled only with common causes");
                let hit: Vec<bool> = if self.biased {
                    let live: Vec<usize> = (0..ctx.devices).filter(|&d| !self.site_lost(d)).collect();
                    let mut hit = vec![false; ctx.devices];
                    for d in self.biased_cc_hits(live, q) {
                        hit[d] = true;
                    }
                    hit
                } else {
                    (0..ctx.devices).map(|d| self.rng.random::<f64>() < q && !self.site_lost(d)).collect()
                };
                self.settle_pristine();
                if hit.contains(&true) {
                    let gi = self.materialize();
                    self.settle(gi);
                    for (d, &h) in hit.iter().enumerate() {
                        if h {
                            self.fail_device(gi, d, true);
                        }
                    }
                    self.rebias(gi);
                }
                self.redraw_pristine();
                self.check_losses();
            }
            Ev::GroupFail(gi) => {
                self.settle(gi);
                let b = self.touched[gi].b;
                self.biased_failure(b);
                let is_up = |d: &usize| matches!(self.touched[gi].dev[*d], Dev::Up { .. });
                let pick = self.rng.random_range(0..(0..ctx.devices).filter(is_up).count());
                let d = (0..ctx.devices).filter(is_up).nth(pick).expect("an intact device");
                self.fail_device(gi, d, false);
                self.rebias(gi);
                self.check_losses();
            }
            Ev::GroupCc(gi) => {
                let (rate, q) = ctx.g.common_cause.expect("scheduled only with common causes");
                self.settle(gi);
                if self.biased {
                    let up = (0..ctx.devices).filter(|&d| matches!(self.touched[gi].dev[d], Dev::Up { .. })).collect();
                    for d in self.biased_cc_hits(up, q) {
                        self.fail_device(gi, d, true);
                    }
                } else {
                    for d in 0..ctx.devices {
                        if matches!(self.touched[gi].dev[d], Dev::Up { .. }) && self.rng.random::<f64>() < q {
                            self.fail_device(gi, d, true);
                        }
                    }
                }
                self.touched[gi].cc_next = t + exp(&mut self.rng, rate);
                self.rebias(gi);
                self.check_losses();
            }
            Ev::Dev(gi, d) => self.device_event(gi, d),
        }
        true
    }

    /// A pristine device at position `d` fails (from a clock with the
    /// pristine multiplier).
    fn pristine_failure(&mut self, d: usize) {
        self.settle_pristine();
        let b = self.pristine_b;
        self.biased_failure(b);
        let gi = self.materialize();
        self.settle(gi);
        self.fail_device(gi, d, false);
        self.rebias(gi);
        self.redraw_pristine();
        self.check_losses();
    }

    fn device_event(&mut self, gi: usize, d: usize) {
        let ctx = self.ctx;
        match self.touched[gi].dev[d] {
            Dev::Up { .. } => {
                // A clock of a device with memory, drawn with the group's
                // multiplier.
                self.settle(gi);
                let b = self.touched[gi].b;
                self.biased_failure(b);
                self.fail_device(gi, d, false);
                self.rebias(gi);
                self.check_losses();
            }
            Dev::Detecting { cc, .. } => {
                self.reshare(gi);
                self.touched[gi].dev[d] = match ctx.g.rebuild {
                    Rebuild::Dist(i) => {
                        Dev::Rebuilding { until: self.t + ctx.dist(i).sample(&mut self.rng), remaining: 0.0, cc }
                    }
                    Rebuild::Bandwidth { bytes, bytes_per_hour, .. } => {
                        Dev::Rebuilding { until: self.t + bytes / bytes_per_hour, remaining: bytes, cc }
                    }
                };
                self.touched[gi].refresh(&ctx.frags);
                self.reshare(gi);
            }
            Dev::Rebuilding { .. } => {
                self.reshare(gi);
                self.settle(gi);
                self.touched[gi].dev[d] = self.new_device();
                self.rebias(gi);
                self.reshare(gi);
                self.maybe_rejoin(gi);
            }
            Dev::SiteLost => unreachable!("a device at a destroyed site has no event"),
        }
    }

    /// A new device, born now (its clock is drawn by `rebias`, with the
    /// group's multiplier).
    fn new_device(&self) -> Dev {
        Dev::Up { birth: self.t, fail_at: f64::INFINITY }
    }

    /// Destroys `sites` now: every device there, in every group.
    fn destroy(&mut self, sites: &[usize]) {
        let ctx = self.ctx;
        let back = self.t + ctx.dist(ctx.g.zone_rebuild).sample(&mut self.rng);
        self.settle_pristine();
        for gi in 0..self.touched.len() {
            self.reshare(gi);
            self.settle(gi);
            for d in 0..ctx.devices {
                if sites.contains(&ctx.site[d]) {
                    self.touched[gi].dev[d] = Dev::SiteLost;
                }
            }
            self.rebias(gi);
            self.reshare(gi);
        }
        for &s in sites {
            let b = &mut self.site_back[s];
            *b = if b.is_nan() { back } else { b.max(back) };
        }
        self.redraw_pristine();
        self.check_losses();
    }

    /// Site `s` is re-protected: new devices there, in every group.
    fn site_back_now(&mut self, s: usize) {
        let ctx = self.ctx;
        self.settle_pristine();
        for gi in 0..self.touched.len() {
            self.settle(gi);
        }
        self.site_back[s] = f64::NAN;
        for d in 0..ctx.devices {
            if ctx.site[d] != s {
                continue;
            }
            self.birth[d] = self.t;
            for gi in 0..self.touched.len() {
                if self.touched[gi].dev[d] == Dev::SiteLost {
                    self.touched[gi].dev[d] = self.new_device();
                }
            }
        }
        for gi in 0..self.touched.len() {
            self.rebias(gi);
        }
        self.redraw_pristine();
        let mut gi = self.touched.len();
        while gi > 0 {
            gi -= 1;
            self.maybe_rejoin(gi);
        }
    }
}

impl Particle for Trajectory<'_, '_> {
    fn level(&self) -> u32 {
        self.current_level()
    }

    fn advance(&mut self, target: u32) -> bool {
        let reached = loop {
            if self.current_level() >= target {
                break true;
            }
            if !self.step() {
                break false;
            }
        };
        self.settle_all();
        reached
    }

    fn reseed(&mut self, rng: SimRng) {
        self.rng = rng;
        self.log_w = 0.0;
        self.draw_future();
    }

    fn weight(&self) -> f64 {
        self.log_w.exp()
    }

    fn finish(&mut self) {
        // The rest of the path runs unbiased, so its functionals need no
        // further correction.
        self.settle_all();
        self.biased = false;
        self.draw_future();
        while self.step() {}
    }

    fn functionals(&self) -> Vec<f64> {
        let cause = self.first_loss.map(|c| c.1);
        vec![
            self.lost as f64,
            f64::from(u8::from(cause == Some(Cause::Devices))),
            f64::from(u8::from(cause == Some(Cause::Area))),
            f64::from(u8::from(cause == Some(Cause::CommonCause))),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;
    use std::path::Path;

    /// A dataset of 2 replicas whose devices fail as `failure` says.
    fn two_replicas(failure: &str) -> Model {
        let text = format!(
            "[simulation]\nhorizon = \"1y\"\ntrials = 10\n[components.host]\nmttf = \"1000h\"\nmttr = \"1h\"\n[services.s]\nup_when = \"host\"\n[datasets.d]\nscheme = \"2 replicas\"\n{failure}\nrebuild = \"10h\"\nsize = \"1TB\"\n"
        );
        crate::scenario::load_str(Path::new("inline.toml"), &text, &[]).unwrap().variants.remove(0)
    }

    /// Pristine devices whose hazard was multiplied by b from `lr_at` to t
    /// add (b − 1)·Λ to −log of the likelihood ratio's survival part, Λ
    /// their cumulative hazard over that time: 4 groups of 2 devices born
    /// at 500 h, looked at from 1000 h to 3000 h, b = 3. Weibull shape 2
    /// scale 2000 h: Λ = 4·2·((2500/2000)² − (500/2000)²) = 12; AFR 50%:
    /// Λ = 4·2·(0.5/8760 h)·2000 h.
    #[test]
    fn the_pristine_populations_survival_enters_the_likelihood_ratio() {
        for (failure, lambda) in [
            (r#"failure = { type = "weibull", shape = 2.0, scale = "2000h" }"#, 12.0),
            (r#"afr = "50%""#, 8.0 * 0.5 / 8760.0 * 2000.0),
        ] {
            let model = two_replicas(failure);
            let ctx = Context::new(&model, &model.data_groups[0], 4);
            let mut tr = Trajectory::new(&ctx, stream(1, 0, 0), true);
            (tr.t, tr.pristine_lr_at, tr.pristine_b, tr.log_w) = (3000.0, 1000.0, 3.0, 0.0);
            tr.birth = vec![500.0; ctx.devices];
            tr.settle_pristine();
            assert!((tr.log_w - 2.0 * lambda).abs() < 1e-9 * lambda, "{failure}: {} vs {}", tr.log_w, 2.0 * lambda);
            assert_eq!(tr.pristine_lr_at, 3000.0);
        }
    }

    /// Pristine devices born at 1000 h (their zone re-protected then) and
    /// looked at t = 2000 h are 1000 h old: the first failure among U of
    /// them, Weibull shape 2 scale 2000 h, outlasts another 1000 h with
    /// probability (S(2000)/S(1000))^U = e^(−0.75·U), by the survival
    /// function itself (the age, 3000 h if taken from the wrong end, would
    /// give e^(−1.75·U)).
    #[test]
    fn pristine_clocks_start_from_the_cohorts_age() {
        let model = two_replicas(r#"failure = { type = "weibull", shape = 2.0, scale = "2000h" }"#);
        for groups in [1u64, 4] {
            let ctx = Context::new(&model, &model.data_groups[0], groups);
            let mut tr = Trajectory::new(&ctx, stream(1, 0, 0), false);
            let n = 20_000;
            let mut outlast = 0;
            for i in 0..n {
                tr.rng = stream(1, i, 1);
                tr.t = 2000.0;
                tr.birth = vec![1000.0; ctx.devices];
                tr.redraw_pristine();
                outlast += usize::from(tr.cohort_next[0] - tr.t > 1000.0);
            }
            let p = (-0.75 * groups as f64).exp();
            let se = (p * (1.0 - p) / n as f64).sqrt();
            let got = outlast as f64 / n as f64;
            assert!((got - p).abs() < 4.0 * se, "{groups} groups: {got} vs {p} ± {se}");
        }
    }
}
