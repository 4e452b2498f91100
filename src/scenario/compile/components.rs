//! `[components]`: things that fail and get repaired, expanded into one
//! unit per replica placed round-robin over their zones or regions, with
//! their price; an active/passive component becomes a standby pair
//! ([`super::standby`]).

use super::super::Seg;
use super::super::raw::{RawComponent, RawScenario};
use super::dists::{dist, exponential_mean, time_to_failure};
use super::values::*;
use super::{Draft, standby};
use crate::model::{CauseKind, Component, CostItem, NONE, Role, Unit};
use crate::presets::aws;
use crate::rng::stream_key;
use crate::units::HOURS_PER_MONTH;

/// Refuses a scenario with nothing that can fail.
pub(super) fn require_any(raw: &RawScenario) -> Res<()> {
    if raw.components.is_empty() && raw.buckets.is_empty() && raw.groups.is_empty() && raw.stores.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [components], [groups], [buckets] or [stores]: declare at least one, e.g. [components.web] with mttf and mttr",
        );
    }
    Ok(())
}

/// Compiles every component.
pub(super) fn components(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, c) in &raw.components {
        component(name, c, d)?;
    }
    Ok(())
}

fn component(name: &str, c: &RawComponent, d: &mut Draft) -> Res<()> {
    let at = path(&["components", name]);
    let ci = d.components.len() as u32;
    let count = match c.count {
        None => 1,
        Some(n) if (1..=1_000_000).contains(&n) => n as u32,
        Some(n) => {
            return invalid(with(&at, "count"), format!("must be a whole number from 1 to 1000000 (got {n})"));
        }
    };
    let failure =
        time_to_failure(&c.mttf, &c.afr, &c.failure, &at, "a component needs a time to failure", &mut d.dists)?;
    let repair = match one_of(
        &at,
        &["mttr", "repair"],
        &[c.mttr.is_some(), c.repair.is_some()],
        "a component needs a time to repair",
    )? {
        0 => exponential_mean(c.mttr.as_deref().expect("given"), &with(&at, "mttr"), &mut d.dists)?,
        _ => dist(c.repair.as_ref().expect("given"), &with(&at, "repair"), &mut d.dists)?,
    };
    let placements = replica_places(c, &at, d)?;
    let first_unit = d.units.len() as u32;
    for i in 0..count {
        let (zone, region) = placements[i as usize % placements.len()];
        d.units.push(Unit {
            component: ci,
            role: Role::Plain,
            zone,
            region,
            stream: stream_key(&format!("component:{name}#{i}")),
        });
    }
    let is_pair = standby::pair(name, c, &at, ci, first_unit, count, d)?;
    let preset_hourly = match &c.instance_type {
        None => 0.0,
        Some(t) => match aws::instance_price(t) {
            Some(p) => p.value,
            None => return invalid(with(&at, "instance_type"), unknown_instance(t)),
        },
    };
    let hourly = if c.hourly_usd.is_some() { price(c.hourly_usd, &with(&at, "hourly_usd"))? } else { preset_hourly };
    let monthly = price(c.monthly_usd, &with(&at, "monthly_usd"))?;
    if hourly > 0.0 || monthly > 0.0 {
        d.cost.push(CostItem {
            name: format!("{name} ×{count}"),
            monthly_usd: f64::from(count) * (hourly * HOURS_PER_MONTH + monthly),
        });
    }
    let kind = if is_pair { CauseKind::Standby } else { CauseKind::Component };
    d.push_component(
        Component {
            name: name.to_owned(),
            description: c.description.clone(),
            failure,
            repair,
            first_unit,
            count,
            instance_type: c.instance_type.clone(),
            hourly_usd: (hourly > 0.0).then_some(hourly),
        },
        kind,
    );
    Ok(())
}

/// Where the replicas go, as (zone, region) pairs used round-robin: one
/// zone, a list of zones, a region, a list of regions, or nowhere in
/// particular (no common-cause outage reaches it).
fn replica_places(c: &RawComponent, at: &[Seg], d: &Draft) -> Res<Vec<(u32, u32)>> {
    let zone_place = |z: &str, p: Vec<Seg>| -> Res<(u32, u32)> {
        let zi = d.zone(z, p)?;
        Ok((zi, d.zones[zi as usize].region))
    };
    match (&c.zone, &c.zones, &c.region) {
        (None, None, None) if c.regions.is_some() => {
            let list = c.regions.as_ref().expect("checked");
            if list.is_empty() {
                return invalid(with(at, "regions"), "must list at least one region");
            }
            list.iter()
                .enumerate()
                .map(|(i, r)| Ok((NONE, d.region(r, with_index(&with(at, "regions"), i))?)))
                .collect()
        }
        _ if c.regions.is_some() && (c.zone.is_some() || c.zones.is_some() || c.region.is_some()) => {
            invalid(with(at, "regions"), "give only one of `zone`, `zones`, `region` and `regions`")
        }
        (None, None, None) => Ok(vec![(NONE, NONE)]),
        (Some(z), None, None) => Ok(vec![zone_place(z, with(at, "zone"))?]),
        (None, Some(list), None) => {
            if list.is_empty() {
                return invalid(with(at, "zones"), "must list at least one zone");
            }
            list.iter().enumerate().map(|(i, z)| zone_place(z, with_index(&with(at, "zones"), i))).collect()
        }
        (None, None, Some(r)) => Ok(vec![(NONE, d.region(r, with(at, "region"))?)]),
        _ => {
            let second = if c.zone.is_some() && c.zones.is_some() { "zones" } else { "region" };
            invalid(with(at, second), "give only one of `zone`, `zones` and `region`")
        }
    }
}

/// The message for an instance type nines has no price for.
pub(super) fn unknown_instance(t: &str) -> String {
    let known: Vec<&str> = aws::INSTANCE_TYPES.iter().chain(aws::DB_CLASSES).map(|p| p.key).collect();
    format!("unknown instance type {t:?}: known: {} (or set hourly_usd)", known.join(", "))
}
