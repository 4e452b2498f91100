//! `[load_balancers]` and `[groups]`: auto-scaling groups of instances
//! behind a load balancer whose health check detects failures. A group is
//! a component entry (for causes), `max` slot units per zone, and a
//! k-of-slots gate.

use super::super::Seg;
use super::super::raw::{DistSpec, RawGroup, RawScenario};
use super::components::unknown_instance;
use super::dists::{dist, time_to_failure};
use super::values::*;
use crate::dist::Dist;
use crate::model::{CauseKind, Component, CostItem, Gate, Group, Node, Role, Unit};
use crate::presets::aws;
use crate::rng::stream_key;
use crate::units::{HOURS_PER_MONTH, parse_percent};
use indexmap::IndexMap;

use super::Draft;

/// Compiles the load balancers (price, and health-check detection time by
/// name) and then every group.
pub(super) fn groups(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    let detection = load_balancers(raw, d)?;
    for (name, g) in &raw.groups {
        let at = path(&["groups", name]);
        if raw.components.contains_key(name) {
            return invalid(at, format!("{name:?} is both a component and a group: names must be unique"));
        }
        group(name, g, &at, &detection, d)?;
    }
    Ok(())
}

/// Prices each load balancer; returns its detection time (interval ×
/// unhealthy threshold) by name.
fn load_balancers(raw: &RawScenario, d: &mut Draft) -> Res<IndexMap<String, f64>> {
    let mut detection = IndexMap::new();
    for (name, lb) in &raw.load_balancers {
        let at = path(&["load_balancers", name]);
        if let Some(kind) = &lb.kind {
            if kind != "alb" {
                return invalid(with(&at, "type"), format!("unknown load balancer type {kind:?}: known: \"alb\""));
            }
        }
        let interval = match &lb.interval {
            Some(t) => positive_duration(t, &with(&at, "interval"))?,
            None => 30.0 / 3600.0,
        };
        let threshold = match lb.unhealthy_threshold {
            None => 2,
            Some(n) if (1..=100).contains(&n) => n,
            Some(n) => {
                return invalid(
                    with(&at, "unhealthy_threshold"),
                    format!("must be a whole number from 1 to 100 (got {n})"),
                );
            }
        };
        detection.insert(name.clone(), interval * threshold as f64);
        let hourly = match lb.hourly_usd {
            Some(v) => price(Some(v), &with(&at, "hourly_usd"))?,
            None => aws::LOAD_BALANCER[0].value,
        };
        d.cost.push(CostItem { name: format!("load balancer {name}"), monthly_usd: hourly * HOURS_PER_MONTH });
    }
    Ok(detection)
}

/// Desired, max and min_healthy, checked against each other.
fn sizes(g: &RawGroup, at: &[Seg]) -> Res<(u32, u32, u32)> {
    let desired = match g.desired {
        n if (1..=100_000).contains(&n) => n as u32,
        n => return invalid(with(at, "desired"), format!("must be a whole number from 1 to 100000 (got {n})")),
    };
    let max = match g.max {
        None => desired,
        Some(n) if n >= i64::from(desired) && n <= 100_000 => n as u32,
        Some(n) => {
            return invalid(
                with(at, "max"),
                format!("must be at least desired ({desired}) and at most 100000 (got {n})"),
            );
        }
    };
    let min_healthy = match g.min_healthy {
        None => 1,
        Some(k) if k >= 1 && k <= i64::from(max) && k <= i64::from(desired) => k as u32,
        Some(k) => {
            return invalid(
                with(at, "min_healthy"),
                format!("must be between 1 and desired ({desired}), which is at most max ({max}) (got {k})"),
            );
        }
    };
    Ok((desired, max, min_healthy))
}

/// Spot interruptions per instance-hour: a band's or a monthly rate's
/// (0 for on-demand).
fn spot_rate(g: &RawGroup, at: &[Seg]) -> Res<f64> {
    let Some(band) = &g.spot else { return Ok(0.0) };
    let p = with(at, "spot");
    let monthly = match aws::spot_band_monthly(band) {
        Some(q) => q,
        None => {
            let q = parse_percent(band).map_err(|_| {
                rule(
                    &p,
                    format!(
                        "expected an interruption band ({}) or a monthly rate like \"8%\" (got {band:?})",
                        aws::spot_band_names()
                    ),
                )
            })?;
            if !(q > 0.0 && q < 1.0) {
                return invalid(p, format!("must be between 0% and 100%, exclusive (got {band:?})"));
            }
            q
        }
    };
    // A monthly interruption probability q is a constant rate −ln(1 − q)
    // per month.
    Ok(-(1.0 - monthly).ln() / HOURS_PER_MONTH)
}

fn group(name: &str, g: &RawGroup, at: &[Seg], lb_detection: &IndexMap<String, f64>, d: &mut Draft) -> Res<()> {
    let (desired, max, min_healthy) = sizes(g, at)?;
    if g.zones.is_empty() {
        return invalid(with(at, "zones"), "must list at least one zone");
    }
    let mut gzones = Vec::new();
    for (i, z) in g.zones.iter().enumerate() {
        let zp = with_index(&with(at, "zones"), i);
        let zi = d.zone(z, zp.clone())?;
        if gzones.contains(&zi) {
            return invalid(zp, format!("zone {z:?} is listed twice"));
        }
        gzones.push(zi);
    }
    let detection = match &g.load_balancer {
        None => aws::LOAD_BALANCER[1].value * aws::LOAD_BALANCER[2].value / 3600.0,
        Some(lb) => match lb_detection.get(lb) {
            Some(d) => *d,
            None => {
                return invalid(
                    with(at, "load_balancer"),
                    format!("unknown load balancer {lb:?}: {}", known(lb_detection.keys())),
                );
            }
        },
    };
    let failure =
        time_to_failure(&g.mttf, &g.afr, &g.failure, at, "a group needs its instances' time to failure", &mut d.dists)?;
    let mut timing = |spec: &Option<DistSpec>, field: &str, default_s: f64| -> Res<u32> {
        match spec {
            Some(spec) => dist(spec, &with(at, field), &mut d.dists),
            None => {
                d.dists.push(Dist::Fixed(default_s / 3600.0));
                Ok(d.dists.len() as u32 - 1)
            }
        }
    };
    let launch = timing(&g.launch, "launch", aws::AUTO_SCALING[0].value)?;
    let warmup = timing(&g.warmup, "warmup", aws::AUTO_SCALING[1].value)?;
    let spot_rate = spot_rate(g, at)?;
    let preset_hourly = match &g.instance_type {
        None => 0.0,
        Some(t) => match aws::instance_price(t) {
            Some(p) => p.value,
            None => return invalid(with(at, "instance_type"), unknown_instance(t)),
        },
    };
    let hourly = match g.hourly_usd {
        Some(v) => price(Some(v), &with(at, "hourly_usd"))?,
        None if spot_rate > 0.0 => preset_hourly * aws::SPOT_PRICE_RATIO.value,
        None => preset_hourly,
    };
    if hourly > 0.0 {
        let kind = if spot_rate > 0.0 { "Spot " } else { "" };
        let itype = g.instance_type.as_deref().unwrap_or("instance");
        d.cost.push(CostItem {
            name: format!("group {name}: {desired} × {kind}{itype}"),
            monthly_usd: f64::from(desired) * hourly * HOURS_PER_MONTH,
        });
    }
    let gi = d.groups.len() as u32;
    let component = d.components.len() as u32;
    let first_unit = d.units.len() as u32;
    let mut children = Vec::new();
    let mut spot_streams = Vec::new();
    for (zp, &z) in gzones.iter().enumerate() {
        for j in 0..max {
            children.push(Node::Unit(d.units.len() as u32));
            spot_streams.push(stream_key(&format!("spot:{name}#{zp}.{j}")));
            d.units.push(Unit {
                component,
                role: Role::Slot(gi),
                zone: z,
                region: d.zones[z as usize].region,
                stream: stream_key(&format!("group:{name}#{zp}.{j}")),
            });
        }
    }
    let count = d.units.len() as u32 - first_unit;
    d.push_component(
        Component {
            name: name.to_owned(),
            description: g.description.clone(),
            failure,
            repair: launch,
            first_unit,
            count,
            instance_type: g.instance_type.clone(),
            hourly_usd: (hourly > 0.0).then_some(hourly),
        },
        CauseKind::Group,
    );
    d.group_gates.push(Gate { label: name.to_owned(), k: min_healthy, children });
    d.groups.push(Group {
        name: name.to_owned(),
        component,
        zones: gzones,
        desired,
        max,
        min_healthy,
        first_unit,
        launch,
        warmup,
        detection,
        spot_rate,
        spot_notice: aws::SPOT_NOTICE_S.value / 3600.0,
        spot_streams,
        stream: stream_key(&format!("group:{name}")),
        gate: gi,
    });
    d.single_node.insert(name.to_owned(), Node::Gate(gi));
    Ok(())
}
