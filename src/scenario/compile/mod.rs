//! From raw scenario to compiled [`Model`]: every rule a scenario must obey
//! is checked here, and each failure names the field it is about.
//!
//! One module per concept, each owning its rules and error messages:
//! [`values`] (durations, rates, prices), [`dists`] (distributions),
//! [`topology`] (regions, zones, outages), [`components`] and [`standby`],
//! [`groups`] (with load balancers), [`buckets`], [`stores`] and
//! [`structure`] (services). Each adds its parts to a [`Draft`]; [`compile`]
//! runs them in order and links the result. A new concept is a new module
//! and one line in [`compile`].

mod ages;
mod buckets;
mod components;
mod crews;
mod datasets;
mod dists;
mod groups;
mod latent;
mod maintenance;
mod shocks;
mod standby;
mod start;
mod stores;
mod structure;
mod topology;
pub(super) mod uncertain;
mod values;

use super::raw::RawScenario;
use crate::dist::Dist;
use crate::model::*;
use crate::units::{HOURS_PER_MONTH, HOURS_PER_YEAR, parse_percent};
use indexmap::IndexMap;
use values::*;

/// The model under construction: each step adds its concept's parts, in
/// scenario order, and indices into these vectors are final.
#[derive(Default)]
struct Draft {
    dists: Vec<Dist>,
    regions: Vec<Region>,
    zones: Vec<Zone>,
    components: Vec<Component>,
    /// What each component entry is, for the cause breakdown.
    kinds: Vec<CauseKind>,
    units: Vec<Unit>,
    cost: Vec<CostItem>,
    standbys: Vec<StandbyPair>,
    groups: Vec<Group>,
    /// Each group's k-of-slots gate, in group order: the first gates.
    group_gates: Vec<Gate>,
    buckets: Vec<Bucket>,
    stores: Vec<Store>,
    data_groups: Vec<DataGroup>,
    /// Names that stand for one node in structures (groups, standby pairs).
    single_node: IndexMap<String, Node>,
    /// Crews, maintenance, hidden failures, shocks, clocks.
    ops: Operations,
    /// Local week-hour at t = 0 in the scenario's time zone ([`start`]).
    origin: f64,
    /// The scenario's UTC offset, hours.
    time_zone: f64,
    /// What the scenario sets that this variant ignores, said to the user.
    notes: Vec<String>,
}

impl Draft {
    /// Adds a component entry of `kind`.
    fn push_component(&mut self, c: Component, kind: CauseKind) {
        self.components.push(c);
        self.kinds.push(kind);
    }
}

/// The seed: any u64, as an integer or (beyond what a TOML integer holds)
/// as a string of digits.
fn seed(raw: &RawScenario) -> Res<u64> {
    use super::raw::RawSeed;
    let at = path(&["simulation", "seed"]);
    let range = "must be a whole number from 0 to 18446744073709551615";
    match &raw.simulation.seed {
        None => Ok(0),
        Some(RawSeed::Integer(n)) => u64::try_from(*n).or_else(|_| invalid(at, format!("{range} (got {n})"))),
        Some(RawSeed::Digits(text)) => match text.trim().parse::<u64>() {
            Ok(n) if !text.trim().starts_with('+') => Ok(n),
            _ => invalid(at, format!("{range}, written as an integer or as a string of digits (got {text:?})")),
        },
    }
}

/// Horizon, trials and the availability target.
fn simulation(raw: &RawScenario) -> Res<(f64, u64, Option<f64>, f64)> {
    let horizon = positive_duration(&raw.simulation.horizon, &path(&["simulation", "horizon"]))?;
    let trials = match u64::try_from(raw.simulation.trials) {
        Ok(n) if n >= 1 => n,
        _ => {
            let got = raw.simulation.trials;
            return invalid(path(&["simulation", "trials"]), format!("must be a whole number ≥ 1 (got {got})"));
        }
    };
    let slo = match &raw.targets.slo {
        None => None,
        Some(text) => {
            let at = path(&["targets", "slo"]);
            let a = parse_percent(text).map_err(|m| rule(&at, m))?;
            if !(a > 0.0 && a < 1.0) {
                return invalid(at, format!("must be between 0% and 100%, exclusive (got {text:?})"));
            }
            Some(a)
        }
    };
    let slo_window = match &raw.targets.slo_window {
        None => HOURS_PER_YEAR,
        Some(text) => {
            let at = path(&["targets", "slo_window"]);
            if slo.is_none() {
                return invalid(at, "applies only with `slo`, the availability target it judges");
            }
            // A bare unit ("month", "year") means one of it.
            let one = if text.trim().starts_with(|c: char| c.is_ascii_alphabetic()) {
                format!("1{}", text.trim())
            } else {
                text.clone()
            };
            positive_duration(&one, &at)?
        }
    };
    Ok((horizon, trials, slo, slo_window))
}

/// `[costs]`: other monthly costs by name.
fn other_costs(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, &usd) in &raw.costs {
        let monthly_usd = price(Some(usd), &path(&["costs", name]))?;
        d.cost.push(CostItem { name: name.clone(), monthly_usd });
    }
    Ok(())
}

/// `simulation.initial`: everything new and up, or each part drawn from its
/// stationary state (which groups, standby pairs, stores and operations do
/// not have).
fn initial(raw: &RawScenario, d: &Draft) -> Res<Start> {
    let at = path(&["simulation", "initial"]);
    match raw.simulation.initial.as_deref().map(str::trim) {
        None | Some("new") => Ok(Start::New),
        Some("steady-state") => {
            let unsupported = [
                (!d.groups.is_empty(), "auto-scaling groups"),
                (!d.standbys.is_empty(), "standby pairs"),
                (!d.stores.is_empty(), "data stores"),
                (!d.ops.crews.is_empty(), "repair crews"),
                (!d.ops.maintenance.is_empty(), "planned maintenance"),
                (!d.ops.latent.is_empty(), "hidden failures"),
                (!d.ops.shocks.is_empty(), "shocks"),
                (d.ops.unit_pauses.iter().any(|&p| p), "clocks stopped during outages"),
            ];
            match unsupported.iter().find(|(has, _)| *has) {
                Some((_, what)) => invalid(
                    at,
                    format!(
                        "\"steady-state\" is not supported with {what} yet (their stationary state is not drawn): use \"new\""
                    ),
                ),
                None => Ok(Start::SteadyState),
            }
        }
        Some(other) => invalid(at, format!("must be \"new\" or \"steady-state\" (got {other:?})")),
    }
}

/// `[data_transfer]`: the cross-zone volume is billed when the variant's
/// components and groups stand in more than one zone (a single-zone design
/// sends nothing between zones), at the scenario's own price.
fn data_transfer(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    let Some(t) = &raw.data_transfer else { return Ok(()) };
    let at = path(&["data_transfer"]);
    let bytes = at_path(crate::units::parse_bytes(&t.cross_zone_per_month), &with(&at, "cross_zone_per_month"))?;
    let Some(per_gb) = t.price_per_gb else {
        return invalid(
            with(&at, "price_per_gb"),
            "give the price per GB sent between zones: nines has no sourced figure for it (see your provider's data transfer pricing)",
        );
    };
    let per_gb = price(Some(per_gb), &with(&at, "price_per_gb"))?;
    let mut zones: Vec<u32> = d
        .units
        .iter()
        .enumerate()
        .filter(|(u, unit)| unit.zone != NONE && !d.buckets.iter().any(|b| b.unit as usize == *u))
        .map(|(_, unit)| unit.zone)
        .collect();
    zones.sort_unstable();
    zones.dedup();
    if zones.len() > 1 {
        d.cost.push(CostItem {
            name: format!("cross-zone data transfer ({} a month)", crate::units::format_bytes(bytes)),
            monthly_usd: bytes / 1e9 * per_gb,
        });
    } else {
        d.notes.push("data_transfer: everything stands in one zone or none, so nothing crosses zones".to_owned());
    }
    Ok(())
}

/// RTO, RPO and the price of an hour of downtime.
fn targets(raw: &RawScenario) -> Res<(Option<f64>, Option<f64>, Option<f64>)> {
    let t = &raw.targets;
    let rto = t.rto.as_deref().map(|t| positive_duration(t, &path(&["targets", "rto"]))).transpose()?;
    let rpo = t.rpo.as_deref().map(|t| nonnegative_duration(t, &path(&["targets", "rpo"]))).transpose()?;
    let per_hour =
        t.downtime_cost_per_hour.map(|v| price(Some(v), &path(&["targets", "downtime_cost_per_hour"]))).transpose()?;
    Ok((rto, rpo, per_hour))
}

/// Compiles one variant.
pub(super) fn compile(raw: &RawScenario, variant: &str, description: Option<String>) -> Res<Model> {
    let (horizon, trials, slo, slo_window) = simulation(raw)?;
    let seed = seed(raw)?;
    let mut d = Draft::default();
    start::start(raw, &mut d)?;
    topology::regions(raw, &mut d)?;
    components::require_any(raw)?;
    components::components(raw, &mut d)?;
    groups::groups(raw, &mut d)?;
    buckets::buckets(raw, &mut d)?;
    other_costs(raw, &mut d)?;
    stores::stores(raw, &mut d)?;
    datasets::datasets(raw, &mut d)?;
    crews::crews(raw, &mut d)?;
    maintenance::maintenance(raw, &mut d)?;
    latent::latent(raw, &mut d)?;
    shocks::shocks(raw, &mut d)?;
    ages::ages(raw, &mut d)?;
    data_transfer(raw, &mut d)?;
    let structure = structure::build(raw, &mut d)?;
    let (rto, rpo, downtime_cost_per_hour) = targets(raw)?;
    let start = initial(raw, &d)?;
    Ok(Model {
        start,
        variant: variant.to_owned(),
        description,
        horizon,
        months: (horizon / HOURS_PER_MONTH + 1e-9).floor() as u32,
        trials,
        seed,
        slo,
        slo_window,
        slo_windows: if slo.is_some() { (horizon / slo_window + 1e-9).floor() as u32 } else { 0 },
        rto,
        rpo,
        downtime_cost_per_hour,
        ..link(d, structure)
    })
}

/// The engine's indices: parents of units and gates, units by zone and
/// region, groups by zone, causes, and the per-unit hot-path tables. The
/// simulation settings are left empty for [`compile`] to fill.
fn link(d: Draft, s: structure::Structure) -> Model {
    let Draft {
        dists,
        regions,
        zones,
        components,
        kinds,
        units,
        cost,
        standbys,
        groups,
        buckets,
        stores,
        data_groups,
        mut ops,
        notes,
        ..
    } = d;
    let gates = s.gates;
    let mut unit_parents = vec![Vec::new(); units.len()];
    let mut gate_parents = vec![Vec::new(); gates.len()];
    for (g, gate) in gates.iter().enumerate() {
        for child in &gate.children {
            match *child {
                Node::Unit(u) => unit_parents[u as usize].push(g as u32),
                Node::Gate(c) => gate_parents[c as usize].push(g as u32),
            }
        }
    }
    let mut zone_units = vec![Vec::new(); zones.len()];
    let mut region_units = vec![Vec::new(); regions.len()];
    for (u, unit) in units.iter().enumerate() {
        if unit.zone != NONE {
            zone_units[unit.zone as usize].push(u as u32);
        }
        if unit.region != NONE {
            region_units[unit.region as usize].push(u as u32);
        }
    }
    let causes = components
        .iter()
        .zip(kinds)
        .map(|(c, kind)| Cause { kind, name: c.name.clone() })
        .chain(zones.iter().map(|z| Cause { kind: CauseKind::Zone, name: z.name.clone() }))
        .chain(regions.iter().map(|r| Cause { kind: CauseKind::Region, name: r.name.clone() }))
        .chain(
            ops.maintenance
                .iter()
                .map(|m| Cause { kind: CauseKind::Maintenance, name: components[m.component as usize].name.clone() }),
        )
        .chain(
            ops.latent
                .iter()
                .map(|l| Cause { kind: CauseKind::Test, name: components[l.component as usize].name.clone() }),
        )
        .chain(ops.shocks.iter().map(|k| Cause { kind: CauseKind::Shock, name: k.name.clone() }))
        .collect();
    let mut zone_group_lists = vec![Vec::new(); zones.len()];
    for (g, group) in groups.iter().enumerate() {
        for &z in &group.zones {
            zone_group_lists[z as usize].push(g as u32);
        }
    }
    let mut unit_bucket = vec![NONE; units.len()];
    for (b, bucket) in buckets.iter().enumerate() {
        unit_bucket[bucket.unit as usize] = b as u32;
    }
    let unit_plain = units.iter().zip(&unit_bucket).map(|(u, &b)| u.role == Role::Plain && b == NONE).collect();
    let n = units.len();
    ops.unit_crew.resize(n, NONE);
    ops.unit_priority.resize(n, u32::MAX);
    ops.unit_latent.resize(n, NONE);
    ops.unit_pauses.resize(n, false);
    let mut maintained = vec![false; n];
    for m in &ops.maintenance {
        for &u in &m.units {
            maintained[u as usize] = true;
        }
    }
    ops.unit_special = (0..n)
        .map(|u| ops.unit_crew[u] != NONE || ops.unit_latent[u] != NONE || ops.unit_pauses[u] || maintained[u])
        .collect();
    ops.any_pauses = ops.unit_pauses.iter().any(|&p| p);
    let unit_life = units
        .iter()
        .map(|u| {
            let c = &components[u.component as usize];
            [c.failure, c.repair]
        })
        .collect();
    Model {
        variant: String::new(),
        description: None,
        service: s.root_name,
        horizon: 0.0,
        trials: 0,
        seed: 0,
        slo: None,
        slo_window: 0.0,
        slo_windows: 0,
        dists,
        components,
        units,
        zones,
        regions,
        gate_k: gates.iter().map(|g| g.k).collect(),
        gates,
        root: s.root,
        unit_parents: Csr::from_lists(&unit_parents),
        gate_parents: Csr::from_lists(&gate_parents),
        zone_units: Csr::from_lists(&zone_units),
        region_units: Csr::from_lists(&region_units),
        causes,
        unit_plain,
        unit_life,
        unit_bucket,
        buckets,
        months: 0,
        cost,
        zone_groups: Csr::from_lists(&zone_group_lists),
        groups,
        standbys,
        stores,
        data_groups,
        rto: None,
        rpo: None,
        downtime_cost_per_hour: None,
        ops,
        start: Start::New,
        notes,
        uncertain: Vec::new(),
    }
}
