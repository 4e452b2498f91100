//! From raw scenario to compiled [`Model`]: every rule a scenario must obey
//! is checked here, and each failure names the field it is about.

use super::raw::*;
use super::{Invalid, Seg};
use crate::dist::{Dist, Z_P90, Z_P95, Z_P99};
use crate::model::*;
use crate::presets::{aws, storage};
use crate::rng::stream_key;
use crate::units::{HOURS_PER_MONTH, HOURS_PER_YEAR, parse_bytes, parse_duration, parse_percent, parse_rate};
use indexmap::IndexMap;

type Res<T> = Result<T, Invalid>;

/// Builds a field path from string segments.
fn path(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|p| Seg::Key((*p).to_owned())).collect()
}

fn with(base: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

fn with_index(base: &[Seg], i: usize) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Index(i));
    p
}

fn invalid<T>(path: Vec<Seg>, message: impl Into<String>) -> Res<T> {
    Err(Invalid { path, message: message.into() })
}

/// A duration that must be positive and finite.
fn positive_duration(text: &str, at: &[Seg]) -> Res<f64> {
    let hours = parse_duration(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if hours <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive duration like \"4h\" (got {text:?})"));
    }
    // Not infinite (a huge number times a large unit), and not so small
    // (subnormal) that its reciprocal, a rate, overflows to infinity.
    if !hours.is_normal() {
        let what = if hours.is_finite() { "short" } else { "long" };
        return invalid(at.to_vec(), format!("is too {what} to simulate (got {text:?})"));
    }
    Ok(hours)
}

/// A rate per hour that must be positive and finite.
fn positive_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let rate = parse_rate(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if rate <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive rate like \"0.2/y\" (got {text:?})"));
    }
    if !rate.is_finite() {
        return invalid(at.to_vec(), format!("is too large to simulate (got {text:?})"));
    }
    Ok(rate)
}

/// An annual failure rate ("1.5%") as a rate per hour: AFR is failures per
/// unit-year, the way Backblaze and AWS state it.
fn afr_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let afr = parse_percent(text).map_err(|m| Invalid { path: at.to_vec(), message: m })?;
    if afr <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive annual failure rate like \"1.5%\" (got {text:?})"));
    }
    Ok(afr / HOURS_PER_YEAR)
}

/// Exactly one of the named options must be given; returns which.
fn one_of(at: &[Seg], names: &[&str], given: &[bool], what: &str) -> Res<usize> {
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let chosen: Vec<usize> = (0..names.len()).filter(|&i| given[i]).collect();
    match chosen.as_slice() {
        [one] => Ok(*one),
        [] => invalid(at.to_vec(), format!("{what}: give one of {list}")),
        [first, second, ..] => invalid(
            with(at, names[*second]),
            format!("{what}: give only one of {list} (found `{}` and `{}`)", names[*first], names[*second]),
        ),
    }
}

/// Converts a constructor's message into an error at `at`.
fn at_path<T>(r: Result<T, String>, at: &[Seg]) -> Res<T> {
    r.map_err(|message| Invalid { path: at.to_vec(), message })
}

const KINDS: &str = "exponential, weibull, lognormal, gamma, uniform, fixed, empirical";

/// Compiles a distribution spec into `dists`, returning its index.
fn dist(spec: &DistSpec, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let d = match spec {
        DistSpec::Fixed(text) => Dist::Fixed(positive_duration(text, at)?),
        DistSpec::Table(t) => table_dist(t, at)?,
    };
    dists.push(d);
    Ok(dists.len() as u32 - 1)
}

/// "a weibull distribution", "an exponential distribution".
fn a_kind(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {kind} distribution")
}

fn table_dist(t: &RawDist, at: &[Seg]) -> Res<Dist> {
    let Some(kind) = t.kind.as_deref() else {
        return invalid(at.to_vec(), format!("missing `type`: one of {KINDS}"));
    };
    // Which fields each kind takes; any other field given is an error, so a
    // typo'd combination is not silently ignored.
    let allowed: &[&str] = match kind {
        "exponential" => &["mean", "rate", "afr"],
        "weibull" | "gamma" => &["shape", "scale", "mean"],
        "lognormal" => &["median", "p90", "p95", "p99"],
        "uniform" => &["min", "max"],
        "fixed" => &["value"],
        "empirical" => &["samples"],
        other => {
            return invalid(with(at, "type"), format!("unknown distribution {other:?}: expected one of {KINDS}"));
        }
    };
    let present = [
        ("mean", t.mean.is_some()),
        ("rate", t.rate.is_some()),
        ("afr", t.afr.is_some()),
        ("shape", t.shape.is_some()),
        ("scale", t.scale.is_some()),
        ("median", t.median.is_some()),
        ("p90", t.p90.is_some()),
        ("p95", t.p95.is_some()),
        ("p99", t.p99.is_some()),
        ("min", t.min.is_some()),
        ("max", t.max.is_some()),
        ("value", t.value.is_some()),
        ("samples", t.samples.is_some()),
    ];
    if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
        let takes = allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        return invalid(with(at, field), format!("does not apply to {} (it takes {takes})", a_kind(kind)));
    }
    let need = |field: &str, v: &Option<String>| -> Res<f64> {
        match v {
            Some(text) => positive_duration(text, &with(at, field)),
            None => invalid(at.to_vec(), format!("{} needs `{field}`", a_kind(kind))),
        }
    };
    let shape = || -> Res<f64> {
        match t.shape {
            Some(s) if s.is_finite() && s > 0.0 => Ok(s),
            Some(s) => invalid(with(at, "shape"), format!("must be a positive number (got {s})")),
            None => invalid(at.to_vec(), format!("{} needs `shape`", a_kind(kind))),
        }
    };
    match kind {
        "exponential" => {
            let options = [&t.mean, &t.rate, &t.afr];
            let names = ["mean", "rate", "afr"];
            let given = options.map(Option::is_some);
            let which =
                one_of(at, &names, &given, "an exponential distribution takes its mean, rate or annual failure rate")?;
            let text = options[which].as_deref().expect("given");
            let p = with(at, names[which]);
            let rate = match which {
                0 => 1.0 / positive_duration(text, &p)?,
                1 => positive_rate(text, &p)?,
                _ => afr_rate(text, &p)?,
            };
            at_path(Dist::exponential(rate), &p)
        }
        "weibull" | "gamma" => {
            let k = shape()?;
            let options = [&t.scale, &t.mean];
            let names = ["scale", "mean"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                &format!("{} takes `shape` with its scale or mean", a_kind(kind)),
            )?;
            let v = positive_duration(options[which].as_deref().expect("given"), &with(at, names[which]))?;
            let built = match (kind, which) {
                ("weibull", 0) => Dist::weibull(k, v),
                ("weibull", _) => Dist::weibull_with_mean(k, v),
                (_, 0) => Dist::gamma(k, v),
                _ => Dist::gamma(k, v / k),
            };
            at_path(built, at)
        }
        "lognormal" => {
            let median = need("median", &t.median)?;
            let options = [&t.p90, &t.p95, &t.p99];
            let names = ["p90", "p95", "p99"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                "a lognormal distribution takes its median and one upper percentile",
            )?;
            let p = with(at, names[which]);
            let upper = positive_duration(options[which].as_deref().expect("given"), &p)?;
            at_path(Dist::lognormal_from_quantile(median, upper, [Z_P90, Z_P95, Z_P99][which]), &p)
        }
        "uniform" => {
            let Some(min_text) = t.min.as_deref() else {
                return invalid(at.to_vec(), "a uniform distribution needs `min`");
            };
            let min = at_path(parse_duration(min_text), &with(at, "min"))?;
            if min < 0.0 {
                return invalid(with(at, "min"), format!("must not be negative (got {min_text:?})"));
            }
            let max = need("max", &t.max)?;
            at_path(Dist::uniform(min, max), &with(at, "max"))
        }
        "fixed" => Ok(Dist::Fixed(need("value", &t.value)?)),
        _ => {
            let Some(samples) = t.samples.as_ref() else {
                return invalid(at.to_vec(), "an empirical distribution needs `samples`, a list of observed durations");
            };
            if samples.is_empty() {
                return invalid(with(at, "samples"), "must list at least one observed duration");
            }
            let p = with(at, "samples");
            let values = samples
                .iter()
                .enumerate()
                .map(|(i, s)| positive_duration(s, &with_index(&p, i)))
                .collect::<Res<Vec<f64>>>()?;
            Ok(Dist::Empirical(values.into_boxed_slice()))
        }
    }
}

/// An exponential distribution by its mean, pushed into `dists`.
fn exponential_mean(text: &str, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let mean = positive_duration(text, at)?;
    dists.push(at_path(Dist::exponential(1.0 / mean), at)?);
    Ok(dists.len() as u32 - 1)
}

/// A probability given as a percentage, from 0% to 100%.
fn probability(text: &str, at: &[Seg]) -> Res<f64> {
    let p = at_path(parse_percent(text), at)?;
    if !(0.0..=1.0).contains(&p) {
        return invalid(at.to_vec(), format!("must be a probability from 0% to 100% (got {text:?})"));
    }
    Ok(p)
}

/// A price in USD that must be finite and not negative.
fn price(value: Option<f64>, at: &[Seg]) -> Res<f64> {
    match value {
        None => Ok(0.0),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => invalid(at.to_vec(), format!("must be a price in USD, zero or more (got {v})")),
    }
}

/// An outage process; `name` keys its destruction stream.
fn outage(o: &RawOutage, at: &[Seg], dists: &mut Vec<Dist>, name: &str) -> Res<OutageProcess> {
    let which = one_of(
        at,
        &["rate", "mtbf", "every"],
        &[o.rate.is_some(), o.mtbf.is_some(), o.every.is_some()],
        "an outage process takes how often it happens",
    )?;
    let between = match which {
        0 => {
            let p = with(at, "rate");
            let rate = positive_rate(o.rate.as_deref().expect("given"), &p)?;
            dists.push(at_path(Dist::exponential(rate), &p)?);
            dists.len() as u32 - 1
        }
        1 => exponential_mean(o.mtbf.as_deref().expect("given"), &with(at, "mtbf"), dists)?,
        _ => dist(o.every.as_ref().expect("given"), &with(at, "every"), dists)?,
    };
    let duration = dist(&o.duration, &with(at, "duration"), dists)?;
    let destroy_p = match &o.destroy_probability {
        None => 0.0,
        Some(text) => probability(text, &with(at, "destroy_probability"))?,
    };
    Ok(OutageProcess { between, duration, destroy_p, destroy_stream: stream_key(&format!("destroy:{name}")) })
}

/// Compiles one variant.
pub(super) fn compile(raw: &RawScenario, variant: &str, description: Option<String>) -> Res<Model> {
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
            let a = parse_percent(text).map_err(|m| Invalid { path: at.clone(), message: m })?;
            if !(a > 0.0 && a < 1.0) {
                return invalid(at, format!("must be between 0% and 100%, exclusive (got {text:?})"));
            }
            Some(a)
        }
    };
    let mut dists = Vec::new();

    // Regions and zones.
    let mut regions = Vec::new();
    let mut zones: Vec<Zone> = Vec::new();
    for (ri, (rname, r)) in raw.regions.iter().enumerate() {
        let at = path(&["regions", rname]);
        let outage_proc = r
            .outage
            .as_ref()
            .map(|o| outage(o, &with(&at, "outage"), &mut dists, &format!("region:{rname}")))
            .transpose()?;
        let mut zone_ids = Vec::new();
        for (zi, zname) in r.zones.iter().enumerate() {
            if let Some(other) = zones.iter().find(|z| &z.name == zname) {
                return invalid(
                    with_index(&with(&at, "zones"), zi),
                    format!(
                        "zone {zname:?} is already in region {:?}: zone names must be unique",
                        regions_name(&raw.regions, other.region)
                    ),
                );
            }
            let zone_at = path(&["zones", zname]);
            let zo = match raw.zones.get(zname).and_then(|z| z.outage.as_ref()) {
                Some(o) => Some(outage(o, &with(&zone_at, "outage"), &mut dists, &format!("zone:{zname}"))?),
                None => r
                    .zone_outage
                    .as_ref()
                    .map(|o| outage(o, &with(&at, "zone_outage"), &mut dists, &format!("zone:{zname}")))
                    .transpose()?,
            };
            zone_ids.push(zones.len() as u32);
            zones.push(Zone {
                name: zname.clone(),
                region: ri as u32,
                outage: zo,
                stream: stream_key(&format!("zone:{zname}")),
            });
        }
        let control_plane = match &r.control_plane {
            None => None,
            Some(o) => {
                let cat = with(&at, "control_plane");
                if o.destroy_probability.is_some() {
                    return invalid(
                        with(&cat, "destroy_probability"),
                        "a control-plane impairment destroys nothing; use the region's `outage`",
                    );
                }
                Some(outage(o, &cat, &mut dists, &format!("control-plane:{rname}"))?)
            }
        };
        regions.push(Region {
            name: rname.clone(),
            zones: zone_ids,
            outage: outage_proc,
            stream: stream_key(&format!("region:{rname}")),
            control_plane,
            control_plane_stream: stream_key(&format!("control-plane:{rname}")),
        });
    }
    for zname in raw.zones.keys() {
        if !zones.iter().any(|z| &z.name == zname) {
            return invalid(path(&["zones", zname]), format!("zone {zname:?} is not listed in any region's `zones`"));
        }
    }
    let zone_index = |name: &str| zones.iter().position(|z| z.name == name).map(|i| i as u32);

    // Components and their replicas.
    if raw.components.is_empty() && raw.buckets.is_empty() && raw.groups.is_empty() && raw.stores.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [components], [groups], [buckets] or [stores]: declare at least one, e.g. [components.web] with mttf and mttr",
        );
    }
    let mut components = Vec::new();
    let mut units = Vec::new();
    let mut cost = Vec::new();
    let mut standbys = Vec::new();
    // Names that stand for one node in structures (groups, standby pairs).
    let mut single_node: IndexMap<String, Node> = IndexMap::new();
    for (ci, (name, c)) in raw.components.iter().enumerate() {
        let at = path(&["components", name]);
        let count = match c.count {
            None => 1,
            Some(n) if (1..=1_000_000).contains(&n) => n as u32,
            Some(n) => {
                return invalid(with(&at, "count"), format!("must be a whole number from 1 to 1000000 (got {n})"));
            }
        };
        let failure = match one_of(
            &at,
            &["mttf", "afr", "failure"],
            &[c.mttf.is_some(), c.afr.is_some(), c.failure.is_some()],
            "a component needs a time to failure",
        )? {
            0 => exponential_mean(c.mttf.as_deref().expect("given"), &with(&at, "mttf"), &mut dists)?,
            1 => {
                let p = with(&at, "afr");
                let rate = afr_rate(c.afr.as_deref().expect("given"), &p)?;
                dists.push(at_path(Dist::exponential(rate), &p)?);
                dists.len() as u32 - 1
            }
            _ => dist(c.failure.as_ref().expect("given"), &with(&at, "failure"), &mut dists)?,
        };
        let repair = match one_of(
            &at,
            &["mttr", "repair"],
            &[c.mttr.is_some(), c.repair.is_some()],
            "a component needs a time to repair",
        )? {
            0 => exponential_mean(c.mttr.as_deref().expect("given"), &with(&at, "mttr"), &mut dists)?,
            _ => dist(c.repair.as_ref().expect("given"), &with(&at, "repair"), &mut dists)?,
        };
        // Placement: one zone, a list of zones (replicas round-robin), a
        // region, or nowhere in particular (no common-cause outage reaches it).
        let placements: Vec<(u32, u32)> = match (&c.zone, &c.zones, &c.region) {
            (None, None, None) if c.regions.is_some() => {
                let list = c.regions.as_ref().expect("checked");
                if list.is_empty() {
                    return invalid(with(&at, "regions"), "must list at least one region");
                }
                list.iter()
                    .enumerate()
                    .map(|(i, r)| {
                        let ri = raw.regions.get_index_of(r).ok_or_else(|| Invalid {
                            path: with_index(&with(&at, "regions"), i),
                            message: format!("unknown region {r:?}: {}", known(raw.regions.keys())),
                        })?;
                        Ok((NONE, ri as u32))
                    })
                    .collect::<Res<_>>()?
            }
            _ if c.regions.is_some() && (c.zone.is_some() || c.zones.is_some() || c.region.is_some()) => {
                return invalid(with(&at, "regions"), "give only one of `zone`, `zones`, `region` and `regions`");
            }
            (None, None, None) => vec![(NONE, NONE)],
            (Some(z), None, None) => {
                let zi = zone_index(z).ok_or_else(|| Invalid {
                    path: with(&at, "zone"),
                    message: format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))),
                })?;
                vec![(zi, zones[zi as usize].region)]
            }
            (None, Some(list), None) => {
                if list.is_empty() {
                    return invalid(with(&at, "zones"), "must list at least one zone");
                }
                list.iter()
                    .enumerate()
                    .map(|(i, z)| {
                        let zi = zone_index(z).ok_or_else(|| Invalid {
                            path: with_index(&with(&at, "zones"), i),
                            message: format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))),
                        })?;
                        Ok((zi, zones[zi as usize].region))
                    })
                    .collect::<Res<_>>()?
            }
            (None, None, Some(r)) => {
                let ri = raw.regions.get_index_of(r).ok_or_else(|| Invalid {
                    path: with(&at, "region"),
                    message: format!("unknown region {r:?}: {}", known(raw.regions.keys())),
                })?;
                vec![(NONE, ri as u32)]
            }
            _ => {
                let second = if c.zone.is_some() && c.zones.is_some() { "zones" } else { "region" };
                return invalid(with(&at, second), "give only one of `zone`, `zones` and `region`");
            }
        };
        let first_unit = units.len() as u32;
        for i in 0..count {
            let (zone, region) = placements[i as usize % placements.len()];
            units.push(Unit {
                component: ci as u32,
                role: Role::Plain,
                zone,
                region,
                stream: stream_key(&format!("component:{name}#{i}")),
            });
        }
        let failover = c.failover.as_ref().filter(|f| !matches!(f, DistSpec::Fixed(n) if n == "none"));
        if c.failover_needs_control_plane && failover.is_none() {
            return invalid(
                with(&at, "failover_needs_control_plane"),
                "applies only to an active/passive component: give `failover` too",
            );
        }
        if let Some(spec) = failover {
            let p = with(&at, "failover");
            if count < 2 {
                return invalid(
                    p,
                    format!("an active/passive component needs count = 2 or more (a standby), got {count}"),
                );
            }
            let sb = standbys.len() as u32;
            for u in first_unit..first_unit + count {
                units[u as usize].role = Role::Member(sb);
            }
            let failover = failover_dist(spec, &p, &mut dists)?;
            let unit = units.len() as u32;
            units.push(Unit {
                component: ci as u32,
                role: Role::Standby(sb),
                zone: NONE,
                region: NONE,
                stream: stream_key(&format!("standby:{name}")),
            });
            standbys.push(StandbyPair {
                resume_on_return: c.resume_on_return,
                needs_control_plane: c.failover_needs_control_plane,
                name: name.clone(),
                members: (first_unit..first_unit + count).collect(),
                unit,
                failover,
                stream: stream_key(&format!("failover:{name}")),
            });
            single_node.insert(name.clone(), Node::Unit(unit));
        }
        let preset_hourly = match &c.instance_type {
            None => 0.0,
            Some(t) => match aws::instance_price(t) {
                Some(p) => p.value,
                None => return invalid(with(&at, "instance_type"), unknown_instance(t)),
            },
        };
        let hourly =
            if c.hourly_usd.is_some() { price(c.hourly_usd, &with(&at, "hourly_usd"))? } else { preset_hourly };
        let monthly = price(c.monthly_usd, &with(&at, "monthly_usd"))?;
        if hourly > 0.0 || monthly > 0.0 {
            cost.push(CostItem {
                name: format!("{name} ×{count}"),
                monthly_usd: f64::from(count) * (hourly * HOURS_PER_MONTH + monthly),
            });
        }
        components.push(Component {
            name: name.clone(),
            description: c.description.clone(),
            failure,
            repair,
            first_unit,
            count,
        });
    }
    // Load balancers: price and health-check detection time.
    let mut lb_detection: IndexMap<String, f64> = IndexMap::new();
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
        lb_detection.insert(name.clone(), interval * threshold as f64);
        let hourly = match lb.hourly_usd {
            Some(v) => price(Some(v), &with(&at, "hourly_usd"))?,
            None => aws::LOAD_BALANCER[0].value,
        };
        cost.push(CostItem { name: format!("load balancer {name}"), monthly_usd: hourly * HOURS_PER_MONTH });
    }
    // Auto-scaling groups: a component entry (for causes), `max` slot units
    // per zone, and a k-of-slots gate.
    let mut groups = Vec::new();
    let mut group_gates = Vec::new();
    for (name, g) in &raw.groups {
        let at = path(&["groups", name]);
        if raw.components.contains_key(name) {
            return invalid(at, format!("{name:?} is both a component and a group: names must be unique"));
        }
        let desired = match g.desired {
            n if (1..=100_000).contains(&n) => n as u32,
            n => return invalid(with(&at, "desired"), format!("must be a whole number from 1 to 100000 (got {n})")),
        };
        let max = match g.max {
            None => desired,
            Some(n) if n >= i64::from(desired) && n <= 100_000 => n as u32,
            Some(n) => {
                return invalid(
                    with(&at, "max"),
                    format!("must be at least desired ({desired}) and at most 100000 (got {n})"),
                );
            }
        };
        let min_healthy = match g.min_healthy {
            None => 1,
            Some(k) if k >= 1 && k <= i64::from(max) && k <= i64::from(desired) => k as u32,
            Some(k) => {
                return invalid(
                    with(&at, "min_healthy"),
                    format!("must be between 1 and desired ({desired}), which is at most max ({max}) (got {k})"),
                );
            }
        };
        if g.zones.is_empty() {
            return invalid(with(&at, "zones"), "must list at least one zone");
        }
        let mut gzones = Vec::new();
        for (i, z) in g.zones.iter().enumerate() {
            let zp = with_index(&with(&at, "zones"), i);
            let Some(zi) = zones.iter().position(|x| &x.name == z) else {
                return invalid(zp, format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))));
            };
            if gzones.contains(&(zi as u32)) {
                return invalid(zp, format!("zone {z:?} is listed twice"));
            }
            gzones.push(zi as u32);
        }
        let detection = match &g.load_balancer {
            None => aws::LOAD_BALANCER[1].value * aws::LOAD_BALANCER[2].value / 3600.0,
            Some(lb) => match lb_detection.get(lb) {
                Some(d) => *d,
                None => {
                    return invalid(
                        with(&at, "load_balancer"),
                        format!("unknown load balancer {lb:?}: {}", known(lb_detection.keys())),
                    );
                }
            },
        };
        let failure = match one_of(
            &at,
            &["mttf", "afr", "failure"],
            &[g.mttf.is_some(), g.afr.is_some(), g.failure.is_some()],
            "a group needs its instances' time to failure",
        )? {
            0 => exponential_mean(g.mttf.as_deref().expect("given"), &with(&at, "mttf"), &mut dists)?,
            1 => {
                let p = with(&at, "afr");
                let rate = afr_rate(g.afr.as_deref().expect("given"), &p)?;
                dists.push(at_path(Dist::exponential(rate), &p)?);
                dists.len() as u32 - 1
            }
            _ => dist(g.failure.as_ref().expect("given"), &with(&at, "failure"), &mut dists)?,
        };
        let mut timing = |spec: &Option<DistSpec>, field: &str, default_s: f64| -> Res<u32> {
            match spec {
                Some(d) => dist(d, &with(&at, field), &mut dists),
                None => {
                    dists.push(Dist::Fixed(default_s / 3600.0));
                    Ok(dists.len() as u32 - 1)
                }
            }
        };
        let launch = timing(&g.launch, "launch", aws::AUTO_SCALING[0].value)?;
        let warmup = timing(&g.warmup, "warmup", aws::AUTO_SCALING[1].value)?;
        let spot_rate = match &g.spot {
            None => 0.0,
            Some(band) => {
                let p = with(&at, "spot");
                let monthly = match aws::spot_band_monthly(band) {
                    Some(q) => q,
                    None => {
                        let q = parse_percent(band).map_err(|_| Invalid {
                            path: p.clone(),
                            message: format!(
                                "expected an interruption band ({}) or a monthly rate like \"8%\" (got {band:?})",
                                aws::spot_band_names()
                            ),
                        })?;
                        if !(q > 0.0 && q < 1.0) {
                            return invalid(p, format!("must be between 0% and 100%, exclusive (got {band:?})"));
                        }
                        q
                    }
                };
                // A monthly interruption probability q is a constant rate
                // −ln(1 − q) per month.
                -(1.0 - monthly).ln() / HOURS_PER_MONTH
            }
        };
        let preset_hourly = match &g.instance_type {
            None => 0.0,
            Some(t) => match aws::instance_price(t) {
                Some(p) => p.value,
                None => return invalid(with(&at, "instance_type"), unknown_instance(t)),
            },
        };
        let hourly = match g.hourly_usd {
            Some(v) => price(Some(v), &with(&at, "hourly_usd"))?,
            None if spot_rate > 0.0 => preset_hourly * aws::SPOT_PRICE_RATIO.value,
            None => preset_hourly,
        };
        if hourly > 0.0 {
            let kind = if spot_rate > 0.0 { "Spot " } else { "" };
            let itype = g.instance_type.as_deref().unwrap_or("instance");
            cost.push(CostItem {
                name: format!("group {name}: {desired} × {kind}{itype}"),
                monthly_usd: f64::from(desired) * hourly * HOURS_PER_MONTH,
            });
        }
        let gi = groups.len() as u32;
        let component = components.len() as u32;
        let first_unit = units.len() as u32;
        let mut children = Vec::new();
        let mut spot_streams = Vec::new();
        for (zp, &z) in gzones.iter().enumerate() {
            for j in 0..max {
                children.push(Node::Unit(units.len() as u32));
                spot_streams.push(stream_key(&format!("spot:{name}#{zp}.{j}")));
                units.push(Unit {
                    component,
                    role: Role::Slot(gi),
                    zone: z,
                    region: zones[z as usize].region,
                    stream: stream_key(&format!("group:{name}#{zp}.{j}")),
                });
            }
        }
        components.push(Component {
            name: name.clone(),
            description: g.description.clone(),
            failure,
            repair: launch,
            first_unit,
            count: units.len() as u32 - first_unit,
        });
        group_gates.push(Gate { label: name.clone(), k: min_healthy, children });
        groups.push(Group {
            name: name.clone(),
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
        single_node.insert(name.clone(), Node::Gate(gi));
    }
    let plain_components = components.len();
    let mut buckets = Vec::new();
    for (name, b) in &raw.buckets {
        let at = path(&["buckets", name]);
        if raw.components.contains_key(name) {
            return invalid(at, format!("{name:?} is both a component and a bucket: names must be unique"));
        }
        let bucket =
            bucket(b, name, &at, &zones, &raw.regions, &mut dists, components.len() as u32, units.len() as u32)?;
        cost.push(CostItem {
            name: format!(
                "bucket {name} ({}, {})",
                bucket.0.class.name,
                crate::units::format_bytes(bucket.0.size_bytes)
            ),
            monthly_usd: bucket.0.monthly_usd(),
        });
        components.push(bucket.1);
        units.push(bucket.2);
        buckets.push(bucket.0);
    }
    for (name, &usd) in &raw.costs {
        let monthly_usd = price(Some(usd), &path(&["costs", name]))?;
        cost.push(CostItem { name: name.clone(), monthly_usd });
    }
    let store_components = components.len();
    let mut stores = Vec::new();
    for (name, st) in &raw.stores {
        let at = path(&["stores", name]);
        if raw.components.contains_key(name) || raw.buckets.contains_key(name) || raw.groups.contains_key(name) {
            return invalid(at, format!("{name:?} is also a component, group or bucket: names must be unique"));
        }
        let unit = units.len() as u32;
        let copies_at = CopiesAt { zones: &zones, regions: &raw.regions, buckets: &buckets, units: &units };
        let store = store(st, name, &at, &copies_at, &mut dists, unit)?;
        let (sm, hourly) = (st.monthly_usd, st.hourly_usd);
        let monthly =
            price(sm, &with(&at, "monthly_usd"))? + price(hourly, &with(&at, "hourly_usd"))? * HOURS_PER_MONTH;
        let copies: f64 = st.replicas.iter().map(|r| r.monthly_usd.unwrap_or(0.0)).sum::<f64>()
            + st.backups.iter().map(|b| b.monthly_usd.unwrap_or(0.0)).sum::<f64>();
        for (i, r) in st.replicas.iter().enumerate() {
            price(r.monthly_usd, &with(&with_index(&with(&at, "replicas"), i), "monthly_usd"))?;
        }
        for (i, b) in st.backups.iter().enumerate() {
            price(b.monthly_usd, &with(&with_index(&with(&at, "backups"), i), "monthly_usd"))?;
        }
        if monthly + copies > 0.0 {
            cost.push(CostItem { name: format!("store {name} (with its copies)"), monthly_usd: monthly + copies });
        }
        units.push(Unit {
            component: components.len() as u32,
            role: Role::Store(stores.len() as u32),
            // A store's availability comes from its incidents; its host's
            // (zone and region outages) is modelled by components.
            zone: NONE,
            region: NONE,
            stream: stream_key(&format!("store:{name}")),
        });
        components.push(Component {
            name: name.clone(),
            description: st.description.clone(),
            failure: store.detection,
            repair: store.detection,
            first_unit: unit,
            count: 1,
        });
        stores.push(store);
    }
    let mut component_index: IndexMap<String, usize> = IndexMap::new();
    for (i, c) in components.iter().enumerate() {
        component_index.insert(c.name.clone(), i);
    }

    // Services: the structure DAG.
    if raw.services.is_empty() {
        return invalid(
            Vec::new(),
            "the scenario has no [services]: say when the service is up, e.g. [services.app] up_when = { all = [\"web\", \"db\"] }",
        );
    }
    for name in raw.services.keys() {
        if component_index.contains_key(name) {
            return invalid(
                path(&["services", name]),
                format!("{name:?} is both a component and a service: names must be unique"),
            );
        }
    }
    let mut builder = StructureBuilder {
        raw_services: &raw.services,
        component_index: &component_index,
        single_node: &single_node,
        components: &components,
        gates: group_gates,
        service_gate: vec![None; raw.services.len()],
        visiting: Vec::new(),
        referenced: vec![false; raw.services.len()],
    };
    for i in 0..raw.services.len() {
        builder.service(i, &[])?;
    }
    let root_name = match &raw.simulation.service {
        Some(s) => {
            if !raw.services.contains_key(s) {
                return invalid(
                    path(&["simulation", "service"]),
                    format!("unknown service {s:?}: {}", known(raw.services.keys())),
                );
            }
            s.clone()
        }
        None => {
            let roots: Vec<&String> =
                raw.services.keys().enumerate().filter(|(i, _)| !builder.referenced[*i]).map(|(_, n)| n).collect();
            match roots.as_slice() {
                [one] => (*one).clone(),
                _ => {
                    return invalid(
                        path(&["services"]),
                        format!(
                            "several top-level services ({}): set simulation.service to the one to report on",
                            roots.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
        }
    };
    let root = builder.service_gate[raw.services.get_index_of(&root_name).expect("root exists")].expect("built");
    let gates = builder.gates;

    // Parent links and placement lists.
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
        .enumerate()
        .map(|(i, c)| Cause {
            kind: if groups.iter().any(|g| g.component as usize == i) {
                CauseKind::Group
            } else if standbys.iter().any(|p| units[p.unit as usize].component as usize == i) {
                CauseKind::Standby
            } else if i < plain_components {
                CauseKind::Component
            } else if i >= store_components {
                CauseKind::Store
            } else {
                CauseKind::Bucket
            },
            name: c.name.clone(),
        })
        .chain(zones.iter().map(|z| Cause { kind: CauseKind::Zone, name: z.name.clone() }))
        .chain(regions.iter().map(|r| Cause { kind: CauseKind::Region, name: r.name.clone() }))
        .collect();

    let mut zone_group_lists = vec![Vec::new(); zones.len()];
    for (g, group) in groups.iter().enumerate() {
        for &z in &group.zones {
            zone_group_lists[z as usize].push(g as u32);
        }
    }
    let zone_groups = Csr::from_lists(&zone_group_lists);
    let mut unit_bucket = vec![NONE; units.len()];
    for (b, bucket) in buckets.iter().enumerate() {
        unit_bucket[bucket.unit as usize] = b as u32;
    }
    let unit_plain = units.iter().zip(&unit_bucket).map(|(u, &b)| u.role == Role::Plain && b == NONE).collect();
    let unit_life = units
        .iter()
        .map(|u| {
            let c = &components[u.component as usize];
            [c.failure, c.repair]
        })
        .collect();
    Ok(Model {
        variant: variant.to_owned(),
        description,
        service: root_name,
        horizon,
        trials,
        seed: raw.simulation.seed,
        slo,
        dists,
        components,
        units,
        zones,
        regions,
        gate_k: gates.iter().map(|g| g.k).collect(),
        gates,
        root,
        unit_parents: Csr::from_lists(&unit_parents),
        gate_parents: Csr::from_lists(&gate_parents),
        zone_units: Csr::from_lists(&zone_units),
        region_units: Csr::from_lists(&region_units),
        causes,
        unit_plain,
        unit_life,
        unit_bucket,
        buckets,
        months: (horizon / HOURS_PER_MONTH + 1e-9).floor() as u32,
        cost,
        zone_groups,
        groups,
        standbys,
        stores,
        rto: match &raw.targets.rto {
            None => None,
            Some(t) => Some(positive_duration(t, &path(&["targets", "rto"]))?),
        },
        rpo: match &raw.targets.rpo {
            None => None,
            Some(t) => Some(nonnegative_duration(t, &path(&["targets", "rpo"]))?),
        },
        downtime_cost_per_hour: match raw.targets.downtime_cost_per_hour {
            None => None,
            Some(v) => Some(price(Some(v), &path(&["targets", "downtime_cost_per_hour"]))?),
        },
    })
}

/// A duration that may be zero (an RPO of zero: no data loss allowed).
fn nonnegative_duration(text: &str, at: &[Seg]) -> Res<f64> {
    let hours = at_path(parse_duration(text), at)?;
    if hours < 0.0 || !hours.is_finite() {
        return invalid(at.to_vec(), format!("must be a duration of zero or more like \"1h\" (got {text:?})"));
    }
    Ok(hours)
}

/// A zone or region by name, as the place a copy lives.
fn place(name: &str, at: &[Seg], zones: &[Zone], regions: &IndexMap<String, RawRegion>) -> Res<Place> {
    if let Some(z) = zones.iter().position(|z| z.name == name) {
        return Ok(Place { zone: z as u32, region: zones[z].region });
    }
    if let Some(r) = regions.get_index_of(name) {
        return Ok(Place { zone: NONE, region: r as u32 });
    }
    let names = zones.iter().map(|z| &z.name).chain(regions.keys());
    invalid(at.to_vec(), format!("unknown zone or region {name:?}: {}", known(names)))
}

/// `zone = ...` or `region = ...` (or neither) of a store or replica.
fn placement(
    zone: &Option<String>,
    region: &Option<String>,
    at: &[Seg],
    zones: &[Zone],
    regions: &IndexMap<String, RawRegion>,
) -> Res<Place> {
    match (zone, region) {
        (Some(_), Some(_)) => invalid(with(at, "region"), "give only one of `zone` and `region`"),
        (Some(z), None) => place(z, &with(at, "zone"), zones, regions),
        (None, Some(r)) => place(r, &with(at, "region"), zones, regions),
        (None, None) => Ok(Place { zone: NONE, region: NONE }),
    }
}

/// An optional recovery step; absent means it takes no time.
fn step(spec: &Option<DistSpec>, at: &[Seg], field: &str, dists: &mut Vec<Dist>) -> Res<u32> {
    match spec {
        Some(d) => dist(d, &with(at, field), dists),
        None => {
            dists.push(Dist::Fixed(0.0));
            Ok(dists.len() as u32 - 1)
        }
    }
}

/// A rate of incidents: `rate`, `mtbf` or `afr`.
fn incident_rate(r: &RawIncidentRate, at: &[Seg]) -> Res<f64> {
    match one_of(
        at,
        &["rate", "mtbf", "afr"],
        &[r.rate.is_some(), r.mtbf.is_some(), r.afr.is_some()],
        "an incident process takes how often it happens",
    )? {
        0 => positive_rate(r.rate.as_deref().expect("given"), &with(at, "rate")),
        1 => Ok(1.0 / positive_duration(r.mtbf.as_deref().expect("given"), &with(at, "mtbf"))?),
        _ => afr_rate(r.afr.as_deref().expect("given"), &with(at, "afr")),
    }
}

fn throughput(text: &str, at: &[Seg]) -> Res<f64> {
    let v = at_path(crate::units::parse_throughput(text), at)?;
    if !(v > 0.0 && v.is_finite()) {
        return invalid(at.to_vec(), format!("must be a positive data rate like \"500GB/h\" (got {text:?})"));
    }
    Ok(v)
}

/// Compiles a data store.
/// Where a store's copies (backups, logs) can live: a zone, a region, or a
/// bucket, which they then share the fate of.
struct CopiesAt<'a> {
    zones: &'a [Zone],
    regions: &'a IndexMap<String, RawRegion>,
    buckets: &'a [Bucket],
    units: &'a [Unit],
}

impl CopiesAt<'_> {
    /// The place and bucket (or [`NONE`]) named `name`; absent, the store's
    /// region.
    fn resolve(&self, name: &Option<String>, at: &[Seg], home: Place) -> Res<(Place, u32)> {
        let Some(name) = name else { return Ok((Place { zone: NONE, region: home.region }, NONE)) };
        let bucket = self.buckets.iter().position(|b| &b.name == name);
        let is_place = self.zones.iter().any(|z| &z.name == name) || self.regions.contains_key(name);
        match bucket {
            Some(_) if is_place => {
                invalid(at.to_vec(), format!("{name:?} is both a bucket and a zone or region: rename one"))
            }
            Some(b) => {
                let u = &self.units[self.buckets[b].unit as usize];
                // A bucket placed nowhere counts as in the store's region
                // (restores from it do not cross regions).
                let region = if u.region == NONE { home.region } else { u.region };
                Ok((Place { zone: u.zone, region }, b as u32))
            }
            None if is_place => Ok((place(name, at, self.zones, self.regions)?, NONE)),
            None => {
                let names = self
                    .zones
                    .iter()
                    .map(|z| &z.name)
                    .chain(self.regions.keys())
                    .chain(self.buckets.iter().map(|b| &b.name));
                invalid(at.to_vec(), format!("unknown zone, region or bucket {name:?}: {}", known(names)))
            }
        }
    }
}

/// `"HH:MM"` as hours after midnight.
fn daily_time(text: &str, at: &[Seg]) -> Res<f64> {
    let digits = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    let parsed = text.trim().split_once(':').and_then(|(h, m)| {
        let ok = digits(h) && m.len() == 2 && digits(m);
        let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (ok && h < 24 && m < 60).then(|| f64::from(h) + f64::from(m) / 60.0)
    });
    match parsed {
        Some(hours) => Ok(hours),
        None => invalid(at.to_vec(), format!("expected a time of day like \"02:30\" (got {text:?})")),
    }
}

fn store(st: &RawStore, name: &str, at: &[Seg], copies_at: &CopiesAt, dists: &mut Vec<Dist>, unit: u32) -> Res<Store> {
    let (zones, regions) = (copies_at.zones, copies_at.regions);
    let size_bytes = at_path(parse_bytes(&st.size), &with(at, "size"))?;
    if size_bytes <= 0.0 {
        return invalid(with(at, "size"), format!("must be a positive size like \"200GB\" (got {:?})", st.size));
    }
    let change_rate = match &st.change_rate {
        None => 0.0,
        Some(t) => throughput(t, &with(at, "change_rate"))?,
    };
    let home = placement(&st.zone, &st.region, at, zones, regions)?;
    let loss_rate = match &st.loss {
        None => 0.0,
        Some(l) => incident_rate(l, &with(at, "loss"))?,
    };
    let (corruption_rate, corruption_detection) = match &st.corruption {
        None => (0.0, step(&None, at, "", dists)?),
        Some(c) => {
            let cat = with(at, "corruption");
            let rate = incident_rate(&RawIncidentRate { rate: c.rate.clone(), mtbf: c.mtbf.clone(), afr: None }, &cat)?;
            (rate, dist(&c.detection, &with(&cat, "detection"), dists)?)
        }
    };
    let region_of = |p: Place| p.region;
    let mut replicas = Vec::new();
    for (i, r) in st.replicas.iter().enumerate() {
        let rat = with_index(&with(at, "replicas"), i);
        let place = placement(&r.zone, &r.region, &rat, zones, regions)?;
        let lag = match (r.mode.as_str(), &r.lag) {
            ("sync", None) => None,
            ("sync", Some(_)) => {
                return invalid(with(&rat, "lag"), "a synchronous replica has no lag; use mode = \"async\"");
            }
            ("async", Some(l)) => Some(dist(l, &with(&rat, "lag"), dists)?),
            ("async", None) => return invalid(rat, "an asynchronous replica needs `lag`, a distribution"),
            (other, _) => {
                return invalid(with(&rat, "mode"), format!("expected \"sync\" or \"async\" (got {other:?})"));
            }
        };
        replicas.push(Replica { place, lag });
    }
    let rec = &st.recovery;
    let rat = with(at, "recovery");
    let throughput_in =
        rec.restore_throughput.as_ref().map(|t| throughput(t, &with(&rat, "restore_throughput"))).transpose()?;
    let throughput_cross = rec
        .cross_region_throughput
        .as_ref()
        .map(|t| throughput(t, &with(&rat, "cross_region_throughput")))
        .transpose()?;
    if (!st.backups.is_empty() || st.logs.is_some()) && throughput_in.is_none() {
        return invalid(rat, "restoring from backups or logs needs `restore_throughput`, e.g. \"500GB/h\"");
    }
    let mut backups = Vec::new();
    for (i, b) in st.backups.iter().enumerate() {
        let bat = with_index(&with(at, "backups"), i);
        let (every, offset) = match (&b.every, &b.at) {
            (Some(every), None) => {
                let offset = match &b.offset {
                    None => 0.0,
                    Some(t) => nonnegative_duration(t, &with(&bat, "offset"))?,
                };
                (positive_duration(every, &with(&bat, "every"))?, offset)
            }
            (None, Some(time)) if b.offset.is_none() => (24.0, daily_time(time, &with(&bat, "at"))?),
            (None, Some(_)) => {
                return invalid(with(&bat, "offset"), "give `at` (a daily time) or `every` with `offset`, not both");
            }
            (Some(_), Some(_)) => {
                return invalid(with(&bat, "at"), "give `at` (a daily time) or `every` (an interval), not both");
            }
            (None, None) => {
                return invalid(bat, "a backup needs `every` (an interval, \"24h\") or `at` (a daily time, \"02:30\")");
            }
        };
        let duration = match (&b.duration, &b.throughput) {
            (Some(d), None) => BackupDuration::Dist(dist(d, &with(&bat, "duration"), dists)?),
            (None, Some(t)) => {
                let bytes = if b.incremental { change_rate * every } else { size_bytes };
                BackupDuration::Hours(bytes / throughput(t, &with(&bat, "throughput"))?)
            }
            (None, None) => BackupDuration::Hours(0.0),
            (Some(_), Some(_)) => {
                return invalid(with(&bat, "throughput"), "give only one of `duration` and `throughput`");
            }
        };
        let success = match &b.success {
            None => 1.0,
            Some(t) => probability(t, &with(&bat, "success"))?,
        };
        let retention = match (&b.retention, b.keep) {
            (Some(t), None) => Retention::Age(positive_duration(t, &with(&bat, "retention"))?),
            (None, Some(n)) if (1..=1_000_000).contains(&n) => Retention::Count(n as u32),
            (None, Some(n)) => {
                return invalid(with(&bat, "keep"), format!("must be a whole number from 1 to 1000000 (got {n})"));
            }
            (None, None) => Retention::Forever,
            (Some(_), Some(_)) => return invalid(with(&bat, "keep"), "give only one of `retention` and `keep`"),
        };
        let (destination, bucket) = copies_at.resolve(&b.destination, &with(&bat, "destination"), home)?;
        backups.push(BackupSchedule {
            every,
            offset,
            duration,
            success,
            verify: b.verify,
            retention,
            destination,
            bucket,
            cross_region: region_of(destination) != home.region,
            stream: stream_key(&format!("backup:{name}#{i}")),
        });
    }
    let logs = match &st.logs {
        None => None,
        Some(l) => {
            let lat = with(at, "logs");
            let (destination, bucket) = copies_at.resolve(&l.destination, &with(&lat, "destination"), home)?;
            Some(LogShipping {
                every: positive_duration(&l.every, &with(&lat, "every"))?,
                retention: positive_duration(&l.retention, &with(&lat, "retention"))?,
                destination,
                bucket,
                cross_region: region_of(destination) != home.region,
            })
        }
    };
    let throughput_in = throughput_in.unwrap_or(f64::INFINITY);
    Ok(Store {
        name: name.to_owned(),
        unit,
        place: home,
        size_bytes,
        change_rate,
        loss_rate,
        corruption_rate,
        corruption_detection,
        replicas,
        backups,
        logs,
        detection: step(&rec.detection, &rat, "detection", dists)?,
        decision: step(&rec.decision, &rat, "decision", dists)?,
        failover: step(&rec.failover, &rat, "failover", dists)?,
        restore_overhead: step(&rec.restore_overhead, &rat, "restore_overhead", dists)?,
        validation: step(&rec.validation, &rat, "validation", dists)?,
        throughput: throughput_in,
        cross_region_throughput: throughput_cross.unwrap_or(throughput_in),
        incident_stream: stream_key(&format!("incident:{name}")),
        recovery_stream: stream_key(&format!("recovery:{name}")),
    })
}

/// A failover time: a preset name ("rds-multi-az": uniform over the range
/// AWS documents) or any distribution.
fn failover_dist(spec: &DistSpec, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    if let DistSpec::Fixed(name) = spec {
        if let Some((lo, hi, _)) = aws::failover(name) {
            dists.push(at_path(Dist::uniform(lo / 3600.0, hi / 3600.0), at)?);
            return Ok(dists.len() as u32 - 1);
        }
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return invalid(at.to_vec(), format!("unknown failover preset {name:?}: known: {}", aws::failover_names()));
        }
    }
    dist(spec, at, dists)
}

fn unknown_instance(t: &str) -> String {
    let known: Vec<&str> = aws::INSTANCE_TYPES.iter().chain(aws::DB_CLASSES).map(|p| p.key).collect();
    format!("unknown instance type {t:?}: known: {} (or set hourly_usd)", known.join(", "))
}

/// Default length of a storage class's own outages. AWS publishes none: this
/// is an assumption (the 2017 us-east-1 S3 event lasted 4 h 17 min; most
/// service events are far shorter). It shapes the monthly SLA-credit figures,
/// not the mean downtime, which the calibration fixes.
pub const DEFAULT_CLASS_OUTAGE_MEDIAN_H: f64 = 1.0;
/// See [`DEFAULT_CLASS_OUTAGE_MEDIAN_H`].
pub const DEFAULT_CLASS_OUTAGE_P90_H: f64 = 4.0;

/// Compiles a bucket into its model record, the component and the unit that
/// carry its availability. The class's own outages alternate with up times
/// of mean E[d]·A/(1−A), so that alone they give the designed availability A.
#[allow(clippy::too_many_arguments)]
fn bucket(
    b: &RawBucket,
    name: &str,
    at: &[Seg],
    zones: &[Zone],
    regions: &IndexMap<String, RawRegion>,
    dists: &mut Vec<Dist>,
    component: u32,
    unit: u32,
) -> Res<(Bucket, Component, Unit)> {
    let Some(class) = storage::find(&b.class) else {
        return invalid(with(at, "class"), format!("unknown storage class {:?}: known: {}", b.class, storage::names()));
    };
    let size_bytes = at_path(parse_bytes(&b.size), &with(at, "size"))?;
    if size_bytes <= 0.0 {
        return invalid(with(at, "size"), format!("must be a positive size like \"5TB\" (got {:?})", b.size));
    }
    let objects = match b.objects {
        None => 0,
        Some(n) if n >= 0 => n as u64,
        Some(n) => return invalid(with(at, "objects"), format!("must be zero or more (got {n})")),
    };
    let (zone, region) = match (&b.zone, &b.region, class.single_az()) {
        (Some(_), _, false) => {
            return invalid(
                with(at, "zone"),
                format!("{} keeps data in at least 3 zones: place it with `region`, not `zone`", class.name),
            );
        }
        (None, _, true) => {
            return invalid(
                at.to_vec(),
                format!(
                    "{} keeps data in a single zone: set `zone` (it is lost if that zone is destroyed)",
                    class.name
                ),
            );
        }
        (Some(z), _, true) => {
            let Some(zi) = zones.iter().position(|x| &x.name == z) else {
                return invalid(
                    with(at, "zone"),
                    format!("unknown zone {z:?}: {}", known(zones.iter().map(|z| &z.name))),
                );
            };
            if let Some(r) = &b.region {
                if regions.get_index_of(r) != Some(zones[zi].region as usize) {
                    return invalid(with(at, "region"), format!("zone {z:?} is not in region {r:?}"));
                }
            }
            (zi as u32, zones[zi].region)
        }
        (None, Some(r), false) => {
            let Some(ri) = regions.get_index_of(r) else {
                return invalid(with(at, "region"), format!("unknown region {r:?}: {}", known(regions.keys())));
            };
            (NONE, ri as u32)
        }
        (None, None, false) => (NONE, NONE),
    };
    let availability = match &b.availability {
        None => class.availability(),
        Some(text) => {
            let p = with(at, "availability");
            let a = at_path(parse_percent(text), &p)?;
            if !(a > 0.0 && a < 1.0) {
                return invalid(p, format!("must be between 0% and 100%, exclusive (got {text:?})"));
            }
            a
        }
    };
    let repair = match &b.outage_duration {
        Some(spec) => dist(spec, &with(at, "outage_duration"), dists)?,
        None => {
            let d = Dist::lognormal_from_quantile(DEFAULT_CLASS_OUTAGE_MEDIAN_H, DEFAULT_CLASS_OUTAGE_P90_H, Z_P90);
            dists.push(at_path(d, at)?);
            dists.len() as u32 - 1
        }
    };
    let mean_outage = dists[repair as usize].mean();
    let up_mean = mean_outage * availability / (1.0 - availability);
    dists.push(at_path(Dist::exponential(1.0 / up_mean), at)?);
    let failure = dists.len() as u32 - 1;
    let price_per_gb_month = match b.price_per_gb_month {
        None => class.storage_price_usd_per_gb_month.value,
        Some(v) => price(Some(v), &with(at, "price_per_gb_month"))?,
    };
    Ok((
        Bucket { name: name.to_owned(), class, unit, size_bytes, objects, availability, price_per_gb_month },
        Component {
            name: name.to_owned(),
            description: b.description.clone(),
            failure,
            repair,
            first_unit: unit,
            count: 1,
        },
        Unit { component, role: Role::Plain, zone, region, stream: stream_key(&format!("bucket:{name}")) },
    ))
}

fn regions_name(regions: &IndexMap<String, RawRegion>, i: u32) -> &str {
    regions.get_index(i as usize).map_or("?", |(n, _)| n.as_str())
}

/// "known: a, b, c" for an unknown-name message.
fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = names.map(|s| s.as_str()).collect();
    if list.is_empty() { "none are declared".to_owned() } else { format!("known: {}", list.join(", ")) }
}

struct StructureBuilder<'a> {
    raw_services: &'a IndexMap<String, RawService>,
    component_index: &'a IndexMap<String, usize>,
    single_node: &'a IndexMap<String, Node>,
    components: &'a [Component],
    gates: Vec<Gate>,
    service_gate: Vec<Option<u32>>,
    /// Services being built, for cycle detection.
    visiting: Vec<usize>,
    referenced: Vec<bool>,
}

impl StructureBuilder<'_> {
    /// The gate of service `i`, building it on first use.
    fn service(&mut self, i: usize, from: &[Seg]) -> Res<u32> {
        if let Some(g) = self.service_gate[i] {
            return Ok(g);
        }
        let name = self.raw_services.get_index(i).expect("index").0.clone();
        if let Some(pos) = self.visiting.iter().position(|&v| v == i) {
            let cycle: Vec<&str> = self.visiting[pos..]
                .iter()
                .chain(std::iter::once(&i))
                .map(|&v| self.raw_services.get_index(v).expect("index").0.as_str())
                .collect();
            return invalid(from.to_vec(), format!("dependency cycle: {}", cycle.join(" → ")));
        }
        self.visiting.push(i);
        let at = path(&["services", &name, "up_when"]);
        let expr = &self.raw_services[i].up_when;
        let g = match expr {
            RawExpr::Ref(_) => {
                let children = self.items(std::slice::from_ref(expr), &at, true)?;
                self.push_gate(name.clone(), children.len() as u32, children)
            }
            RawExpr::Gate(gate) => self.gate(gate, &at, Some(name.clone()))?,
        };
        self.visiting.pop();
        self.service_gate[i] = Some(g);
        Ok(g)
    }

    fn push_gate(&mut self, label: String, k: u32, children: Vec<Node>) -> u32 {
        self.gates.push(Gate { label, k, children });
        self.gates.len() as u32 - 1
    }

    fn gate(&mut self, g: &RawGate, at: &[Seg], label: Option<String>) -> Res<u32> {
        let forms = [g.all.is_some(), g.any.is_some(), g.at_least.is_some() || g.of.is_some()];
        let hint = "use exactly one of { all = [...] }, { any = [...] } or { at_least = K, of = [...] }";
        if forms.iter().filter(|f| **f).count() != 1 {
            return invalid(at.to_vec(), hint);
        }
        let (form, list) = if let Some(l) = &g.all {
            ("all", l)
        } else if let Some(l) = &g.any {
            ("any", l)
        } else {
            let Some(l) = &g.of else {
                return invalid(at.to_vec(), "`at_least` needs `of = [...]`, the list it counts");
            };
            ("of", l)
        };
        let list_at = with(at, form);
        if list.is_empty() {
            return invalid(list_at, "must list at least one component or service");
        }
        let children = self.items(list, &list_at, false)?;
        let n = children.len() as u32;
        let k = match form {
            "all" => n,
            "any" => 1,
            _ => {
                let Some(k) = g.at_least else { return invalid(at.to_vec(), "`of` needs `at_least = K`") };
                if k < 1 || k > i64::from(n) {
                    return invalid(
                        with(at, "at_least"),
                        format!(
                            "must be between 1 and the number of members, {n} (got {k}); a component with count N counts N times"
                        ),
                    );
                }
                k as u32
            }
        };
        let label = label.unwrap_or_else(|| {
            let word = match form {
                "all" => "all".to_owned(),
                "any" => "any".to_owned(),
                _ => format!("at least {k}"),
            };
            format!("{word} of {n}")
        });
        Ok(self.push_gate(label, k, children))
    }

    /// Expands a list: a component name becomes its replicas, a service
    /// name its gate, a table a new gate.
    fn items(&mut self, list: &[RawExpr], at: &[Seg], single: bool) -> Res<Vec<Node>> {
        let mut out = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let item_at = if single { at.to_vec() } else { with_index(at, i) };
            match item {
                RawExpr::Ref(name) => {
                    if let Some(&node) = self.single_node.get(name) {
                        out.push(node);
                    } else if let Some(&ci) = self.component_index.get(name) {
                        let c = &self.components[ci];
                        out.extend((c.first_unit..c.first_unit + c.count).map(Node::Unit));
                    } else if let Some(si) = self.raw_services.get_index_of(name) {
                        self.referenced[si] = true;
                        out.push(Node::Gate(self.service(si, &item_at)?));
                    } else {
                        let names = self.component_index.keys().chain(self.raw_services.keys());
                        return invalid(item_at, format!("unknown component or service {name:?}: {}", known(names)));
                    }
                }
                RawExpr::Gate(g) => out.push(Node::Gate(self.gate(g, &item_at, None)?)),
            }
        }
        Ok(out)
    }
}
