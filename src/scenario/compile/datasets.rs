//! `[datasets]`: data kept in redundancy groups (replicas, or erasure coding
//! with k data and m parity fragments) on devices that fail and are rebuilt,
//! placed in zones that can be destroyed; their durability is simulated
//! (see `crate::durability`).

use super::super::Seg;
use super::super::raw::{RawDataset, RawScenario};
use super::Draft;
use super::dists::{dist, step, time_to_failure};
use super::values::*;
use crate::dist::Dist;
use crate::model::{Backing, CostItem, DataGroup, NONE, Rebuild};
use crate::rng::stream_key;
use crate::units::{format_bytes, parse_bytes};

/// Most fragments in one group.
const MAX_FRAGMENTS: i64 = 1000;

/// Most groups in one dataset.
const MAX_GROUPS: i64 = 1_000_000_000_000;

/// Compiles every dataset, with its raw-capacity bill.
pub(super) fn datasets(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, ds) in &raw.datasets {
        let at = path(&["datasets", name]);
        let g = dataset(name, ds, &at, d)?;
        if g.monthly_usd > 0.0 {
            d.cost.push(CostItem {
                name: format!("dataset {name} ({}, {})", g.scheme, format_bytes(g.size_bytes)),
                monthly_usd: g.monthly_usd,
            });
        }
        d.data_groups.push(g);
    }
    Ok(())
}

/// (fragments n, needed k, scheme as text) from "3 replicas" or "6+3".
fn scheme(ds: &RawDataset, at: &[Seg]) -> Res<(u32, u32, String)> {
    let sat = with(at, "scheme");
    let text = ds.scheme.trim();
    let whole = |t: &str| t.trim().parse::<i64>().ok();
    if let Some((k, m)) = text.split_once('+') {
        let (Some(k), Some(m)) = (whole(k), whole(m)) else {
            return invalid(sat, format!("expected \"K+M\" with whole numbers, like \"6+3\" (got {text:?})"));
        };
        if k < 1 || m < 0 || k + m > MAX_FRAGMENTS {
            return invalid(
                sat,
                format!(
                    "needs at least 1 data fragment, no negative parity, and at most {MAX_FRAGMENTS} in all (got {text:?})"
                ),
            );
        }
        return Ok(((k + m) as u32, k as u32, format!("{k}+{m} erasure coding")));
    }
    let count = text.strip_suffix("replicas").or_else(|| text.strip_suffix("replica")).and_then(whole);
    match count {
        Some(n) if (1..=MAX_FRAGMENTS).contains(&n) => {
            Ok((n as u32, 1, format!("{n} replica{}", if n == 1 { "" } else { "s" })))
        }
        _ => invalid(
            sat,
            format!(
                "expected \"N replicas\" (1 to {MAX_FRAGMENTS}) or \"K+M\" erasure coding like \"6+3\" (got {text:?})"
            ),
        ),
    }
}

/// Zone and region of each device: round-robin over `zones`, or all in
/// `zone` or `region`, or nowhere in particular.
fn placement(ds: &RawDataset, at: &[Seg], devices: u32, d: &Draft) -> Res<(Vec<u32>, Vec<u32>)> {
    let places: Vec<(u32, u32)> = match (&ds.zone, &ds.zones, &ds.region) {
        (None, None, None) => vec![(NONE, NONE)],
        (Some(z), None, None) => {
            let zi = d.zone(z, with(at, "zone"))?;
            vec![(zi, d.zones[zi as usize].region)]
        }
        (None, Some(list), None) => {
            if list.is_empty() {
                return invalid(with(at, "zones"), "must list at least one zone");
            }
            let mut out = Vec::new();
            for (i, z) in list.iter().enumerate() {
                let zi = d.zone(z, with_index(&with(at, "zones"), i))?;
                out.push((zi, d.zones[zi as usize].region));
            }
            out
        }
        (None, None, Some(r)) => vec![(NONE, d.region(r, with(at, "region"))?)],
        _ => {
            let second = if ds.zone.is_some() && ds.zones.is_some() { "zones" } else { "region" };
            return invalid(with(at, second), "give only one of `zone`, `zones` and `region`");
        }
    };
    Ok((0..devices as usize).map(|i| places[i % places.len()]).unzip())
}

fn dataset(name: &str, ds: &RawDataset, at: &[Seg], d: &mut Draft) -> Res<DataGroup> {
    let (fragments, needed, scheme) = scheme(ds, at)?;
    let per_device = match ds.fragments_per_device {
        None => 1,
        Some(f) if f >= 1 && f <= i64::from(fragments) => f as u32,
        Some(f) => {
            return invalid(
                with(at, "fragments_per_device"),
                format!("must be a whole number from 1 to the fragments of a group, {fragments} (got {f})"),
            );
        }
    };
    let count = match ds.groups {
        None => 1,
        Some(n) if (1..=MAX_GROUPS).contains(&n) => n as u64,
        Some(n) => {
            return invalid(with(at, "groups"), format!("must be a whole number from 1 to {MAX_GROUPS} (got {n})"));
        }
    };
    let size_bytes = at_path(parse_bytes(&ds.size), &with(at, "size"))?;
    if !(size_bytes > 0.0 && size_bytes.is_finite()) {
        return invalid(with(at, "size"), format!("must be a positive size like \"500TB\" (got {:?})", ds.size));
    }
    let devices = fragments.div_ceil(per_device);
    let (device_zone, device_region) = placement(ds, at, devices, d)?;
    let device_failure = time_to_failure(
        &ds.mttf,
        &ds.afr,
        &ds.failure,
        at,
        "a dataset needs its devices' time to failure",
        &mut d.dists,
    )?;
    let detection = step(&ds.detection, at, "detection", &mut d.dists)?;
    let rebuild = rebuild(ds, at, size_bytes / count as f64 / f64::from(needed) * f64::from(per_device), d)?;
    let zone_rebuild = match (&ds.zone_rebuild, &rebuild) {
        (Some(spec), _) => dist(spec, &with(at, "zone_rebuild"), &mut d.dists)?,
        (None, Rebuild::Dist(i)) => *i,
        (None, Rebuild::Bandwidth { bytes, bytes_per_hour, .. }) => {
            d.dists.push(Dist::Fixed(bytes / bytes_per_hour));
            d.dists.len() as u32 - 1
        }
    };
    let common_cause = match &ds.common_cause {
        None => None,
        Some(c) => {
            let cat = with(at, "common_cause");
            let rate = match one_of(
                &cat,
                &["rate", "mtbf"],
                &[c.rate.is_some(), c.mtbf.is_some()],
                "a common cause takes how often it happens",
            )? {
                0 => positive_rate(c.rate.as_deref().expect("given"), &with(&cat, "rate"))?,
                _ => 1.0 / positive_duration(c.mtbf.as_deref().expect("given"), &with(&cat, "mtbf"))?,
            };
            let q = probability(&c.probability, &with(&cat, "probability"))?;
            Some((rate, q))
        }
    };
    let price = price(ds.price_per_gb_month, &with(at, "price_per_gb_month"))?;
    let backing = match &ds.backs {
        None => Backing::Alone,
        Some(b) => {
            if let Some(i) = d.buckets.iter().position(|x| &x.name == b) {
                Backing::Bucket(i as u32)
            } else if let Some(i) = d.stores.iter().position(|x| &x.name == b) {
                Backing::Store(i as u32)
            } else {
                let names = d.buckets.iter().map(|x| &x.name).chain(d.stores.iter().map(|x| &x.name));
                return invalid(with(at, "backs"), format!("unknown bucket or store {b:?}: {}", known(names)));
            }
        }
    };
    Ok(DataGroup {
        name: name.to_owned(),
        description: ds.description.clone(),
        scheme,
        fragments,
        needed,
        fragments_per_device: per_device,
        device_zone,
        device_region,
        device_failure,
        detection,
        rebuild,
        zone_rebuild,
        common_cause,
        count,
        size_bytes,
        monthly_usd: size_bytes / 1e9 * f64::from(fragments) / f64::from(needed) * price,
        backing,
        stream: stream_key(&format!("dataset:{name}")),
    })
}

/// `rebuild` (a distribution) or `rebuild_bandwidth` with `device_size`
/// (default `default_bytes`, the data one device holds).
fn rebuild(ds: &RawDataset, at: &[Seg], default_bytes: f64, d: &mut Draft) -> Res<Rebuild> {
    match (&ds.rebuild, &ds.rebuild_bandwidth) {
        (Some(spec), None) => {
            if ds.shared_bandwidth {
                return invalid(with(at, "shared_bandwidth"), "applies only with `rebuild_bandwidth`");
            }
            if ds.device_size.is_some() {
                return invalid(with(at, "device_size"), "applies only with `rebuild_bandwidth`");
            }
            Ok(Rebuild::Dist(dist(spec, &with(at, "rebuild"), &mut d.dists)?))
        }
        (None, Some(bw)) => {
            let bytes_per_hour = throughput(bw, &with(at, "rebuild_bandwidth"))?;
            let bytes = match &ds.device_size {
                None => default_bytes,
                Some(text) => {
                    let b = at_path(parse_bytes(text), &with(at, "device_size"))?;
                    if !(b > 0.0 && b.is_finite()) {
                        return invalid(
                            with(at, "device_size"),
                            format!("must be a positive size like \"4TB\" (got {text:?})"),
                        );
                    }
                    b
                }
            };
            Ok(Rebuild::Bandwidth { bytes, bytes_per_hour, shared: ds.shared_bandwidth })
        }
        (None, None) => invalid(
            at.to_vec(),
            "a dataset needs how long a device takes to rebuild: `rebuild` (a duration or distribution) or `rebuild_bandwidth`",
        ),
        (Some(_), Some(_)) => {
            invalid(with(at, "rebuild_bandwidth"), "give only one of `rebuild` and `rebuild_bandwidth`")
        }
    }
}
