//! `[stores]`: data with a size, a change rate and a home, what can
//! destroy or corrupt it, and what protects it (replicas, backup schedules,
//! point-in-time logs) with the steps and speed of recovery. A store is a
//! unit that is down while it recovers from an incident.

use super::super::Seg;
use super::super::raw::{RawBackup, RawIncidentRate, RawScenario, RawStore};
use super::Draft;
use super::dists::{dist, step};
use super::values::*;
use crate::model::{
    BackupDuration, BackupSchedule, CauseKind, Component, CostItem, LogShipping, NONE, Place, Replica, Retention, Role,
    Store, Unit,
};
use crate::rng::stream_key;
use crate::units::{HOURS_PER_MONTH, parse_bytes};

/// Compiles every store, with its bill (its own price and its copies').
pub(super) fn stores(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, st) in &raw.stores {
        let at = path(&["stores", name]);
        if raw.components.contains_key(name) || raw.buckets.contains_key(name) || raw.groups.contains_key(name) {
            return invalid(at, format!("{name:?} is also a component, group or bucket: names must be unique"));
        }
        let unit = d.units.len() as u32;
        let store = store(st, name, &at, d, unit)?;
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
            d.cost.push(CostItem { name: format!("store {name} (with its copies)"), monthly_usd: monthly + copies });
        }
        d.units.push(Unit {
            component: d.components.len() as u32,
            role: Role::Store(d.stores.len() as u32),
            // A store's availability comes from its incidents; its host's
            // (zone and region outages) is modelled by components.
            zone: NONE,
            region: NONE,
            stream: stream_key(&format!("store:{name}")),
        });
        d.push_component(
            Component {
                name: name.clone(),
                description: st.description.clone(),
                failure: store.detection,
                repair: store.detection,
                first_unit: unit,
                count: 1,
                instance_type: None,
                hourly_usd: None,
            },
            CauseKind::Store,
        );
        d.stores.push(store);
    }
    Ok(())
}

/// Where a store's copies (backups, logs) live: the zone, region or bucket
/// named `name`, whose fate they then share (and the bucket, or
/// [`NONE`]); absent, the store's region.
fn copies_place(d: &Draft, name: &Option<String>, at: &[Seg], home: Place) -> Res<(Place, u32)> {
    let Some(name) = name else { return Ok((Place { zone: NONE, region: home.region }, NONE)) };
    let bucket = d.buckets.iter().position(|b| &b.name == name);
    let is_place = d.is_place(name);
    match bucket {
        Some(_) if is_place => {
            invalid(at.to_vec(), format!("{name:?} is both a bucket and a zone or region: rename one"))
        }
        Some(b) => {
            let u = &d.units[d.buckets[b].unit as usize];
            // A bucket placed nowhere counts as in the store's region
            // (restores from it do not cross regions).
            let region = if u.region == NONE { home.region } else { u.region };
            Ok((Place { zone: u.zone, region }, b as u32))
        }
        None if is_place => Ok((d.place(name, at)?, NONE)),
        None => {
            let names = d
                .zones
                .iter()
                .map(|z| &z.name)
                .chain(d.regions.iter().map(|r| &r.name))
                .chain(d.buckets.iter().map(|b| &b.name));
            invalid(at.to_vec(), format!("unknown zone, region or bucket {name:?}: {}", known(names)))
        }
    }
}

fn store(st: &RawStore, name: &str, at: &[Seg], d: &mut Draft, unit: u32) -> Res<Store> {
    let size_bytes = at_path(parse_bytes(&st.size), &with(at, "size"))?;
    if size_bytes <= 0.0 {
        return invalid(with(at, "size"), format!("must be a positive size like \"200GB\" (got {:?})", st.size));
    }
    let change_rate = match &st.change_rate {
        None => 0.0,
        Some(t) => throughput(t, &with(at, "change_rate"))?,
    };
    let home = d.placement(&st.zone, &st.region, at)?;
    let loss_rate = match &st.loss {
        None => 0.0,
        Some(l) => incident_rate(l, &with(at, "loss"))?,
    };
    let (corruption_rate, corruption_detection) = match &st.corruption {
        None => (0.0, step(&None, at, "", &mut d.dists)?),
        Some(c) => {
            let cat = with(at, "corruption");
            let rate = incident_rate(&RawIncidentRate { rate: c.rate.clone(), mtbf: c.mtbf.clone(), afr: None }, &cat)?;
            (rate, dist(&c.detection, &with(&cat, "detection"), &mut d.dists)?)
        }
    };
    let mut replicas = Vec::new();
    for (i, r) in st.replicas.iter().enumerate() {
        let rat = with_index(&with(at, "replicas"), i);
        let place = d.placement(&r.zone, &r.region, &rat)?;
        let lag = match (r.mode.as_str(), &r.lag) {
            ("sync", None) => None,
            ("sync", Some(_)) => {
                return invalid(with(&rat, "lag"), "a synchronous replica has no lag; use mode = \"async\"");
            }
            ("async", Some(l)) => Some(dist(l, &with(&rat, "lag"), &mut d.dists)?),
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
        backups.push(backup(b, &bat, &format!("backup:{name}#{i}"), size_bytes, change_rate, home, d)?);
    }
    let logs = match &st.logs {
        None => None,
        Some(l) => {
            let lat = with(at, "logs");
            let (destination, bucket) = copies_place(d, &l.destination, &with(&lat, "destination"), home)?;
            Some(LogShipping {
                every: positive_duration(&l.every, &with(&lat, "every"))?,
                retention: positive_duration(&l.retention, &with(&lat, "retention"))?,
                destination,
                bucket,
                cross_region: destination.region != home.region,
            })
        }
    };
    let throughput_in = throughput_in.unwrap_or(f64::INFINITY);
    let dists = &mut d.dists;
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

/// One backup schedule of a store of `size_bytes` changing `change_rate`
/// bytes an hour, living at `home`; `stream` names its random stream.
fn backup(
    b: &RawBackup,
    bat: &[Seg],
    stream: &str,
    size_bytes: f64,
    change_rate: f64,
    home: Place,
    d: &mut Draft,
) -> Res<BackupSchedule> {
    let (every, offset) = match (&b.every, &b.at) {
        (Some(every), None) => {
            let offset = match &b.offset {
                None => 0.0,
                Some(t) => nonnegative_duration(t, &with(bat, "offset"))?,
            };
            (positive_duration(every, &with(bat, "every"))?, offset)
        }
        (None, Some(time)) if b.offset.is_none() => (24.0, daily_time(time, &with(bat, "at"))?),
        (None, Some(_)) => {
            return invalid(with(bat, "offset"), "give `at` (a daily time) or `every` with `offset`, not both");
        }
        (Some(_), Some(_)) => {
            return invalid(with(bat, "at"), "give `at` (a daily time) or `every` (an interval), not both");
        }
        (None, None) => {
            return invalid(
                bat.to_vec(),
                "a backup needs `every` (an interval, \"24h\") or `at` (a daily time, \"02:30\")",
            );
        }
    };
    let duration = match (&b.duration, &b.throughput) {
        (Some(spec), None) => BackupDuration::Dist(dist(spec, &with(bat, "duration"), &mut d.dists)?),
        (None, Some(t)) => {
            let bytes = if b.incremental { change_rate * every } else { size_bytes };
            BackupDuration::Hours(bytes / throughput(t, &with(bat, "throughput"))?)
        }
        (None, None) => BackupDuration::Hours(0.0),
        (Some(_), Some(_)) => {
            return invalid(with(bat, "throughput"), "give only one of `duration` and `throughput`");
        }
    };
    let success = match &b.success {
        None => 1.0,
        Some(t) => probability(t, &with(bat, "success"))?,
    };
    let retention = match (&b.retention, b.keep) {
        (Some(t), None) => Retention::Age(positive_duration(t, &with(bat, "retention"))?),
        (None, Some(n)) if (1..=1_000_000).contains(&n) => Retention::Count(n as u32),
        (None, Some(n)) => {
            return invalid(with(bat, "keep"), format!("must be a whole number from 1 to 1000000 (got {n})"));
        }
        (None, None) => Retention::Forever,
        (Some(_), Some(_)) => return invalid(with(bat, "keep"), "give only one of `retention` and `keep`"),
    };
    let (destination, bucket) = copies_place(d, &b.destination, &with(bat, "destination"), home)?;
    Ok(BackupSchedule {
        every,
        offset,
        duration,
        success,
        verify: b.verify,
        retention,
        destination,
        bucket,
        cross_region: destination.region != home.region,
        stream: stream_key(stream),
    })
}
