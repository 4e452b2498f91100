//! `[buckets]`: object storage in a storage class. A bucket is a unit whose
//! own outages are the class's, calibrated to its designed availability;
//! single-zone classes stand in a zone, the others in a region.

use super::super::Seg;
use super::super::raw::{RawBucket, RawScenario};
use super::Draft;
use super::dists::dist;
use super::values::*;
use crate::dist::{Dist, Z_P90};
use crate::model::{Bucket, CauseKind, Component, CostItem, NONE, Role, Unit};
use crate::presets::storage;
use crate::rng::stream_key;
use crate::units::{format_bytes, parse_bytes, parse_percent};

/// Default length of a storage class's own outages. AWS publishes none: this
/// is an assumption (the 2017 us-east-1 S3 event lasted 4 h 17 min; most
/// service events are far shorter). It shapes the monthly SLA-credit figures,
/// not the mean downtime, which the calibration fixes.
pub const DEFAULT_CLASS_OUTAGE_MEDIAN_H: f64 = 1.0;
/// See [`DEFAULT_CLASS_OUTAGE_MEDIAN_H`].
pub const DEFAULT_CLASS_OUTAGE_P90_H: f64 = 4.0;

/// Compiles every bucket, with its storage bill.
pub(super) fn buckets(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, b) in &raw.buckets {
        let at = path(&["buckets", name]);
        if raw.components.contains_key(name) {
            return invalid(at, format!("{name:?} is both a component and a bucket: names must be unique"));
        }
        bucket(b, name, &at, d)?;
    }
    Ok(())
}

/// Where a bucket stands: (zone or [`NONE`], region or [`NONE`]).
fn bucket_place(b: &RawBucket, at: &[Seg], single_az: bool, class_name: &str, d: &mut Draft) -> Res<(u32, u32)> {
    let zone = match &b.zone {
        None => None,
        Some(z) => {
            let zi = d.zone(z, with(at, "zone"))?;
            let region = d.zones[zi as usize].region;
            if let Some(r) = &b.region {
                if d.regions.iter().position(|x| &x.name == r) != Some(region as usize) {
                    return invalid(with(at, "region"), format!("zone {z:?} is not in region {r:?}"));
                }
            }
            Some((zi, region))
        }
    };
    match (zone, &b.region, single_az) {
        (None, _, true) => invalid(
            at.to_vec(),
            format!("{class_name} keeps data in a single zone: set `zone` (it is lost if that zone is destroyed)"),
        ),
        (Some(place), _, true) => Ok(place),
        // A multi-zone class keeps the zone's region and ignores the zone,
        // so one bucket can switch classes in a variant or a sweep.
        (Some((_, region)), _, false) => {
            d.notes.push(format!(
                "{}.zone: {class_name} keeps data in at least 3 zones of {}: the zone is ignored",
                super::super::format_path(at),
                d.regions[region as usize].name
            ));
            Ok((NONE, region))
        }
        (None, Some(r), false) => Ok((NONE, d.region(r, with(at, "region"))?)),
        (None, None, false) => Ok((NONE, NONE)),
    }
}

/// Compiles a bucket into its model record, the component and the unit that
/// carry its availability. The class's own outages alternate with up times
/// of mean E[d]·A/(1−A), so that alone they give the designed availability A.
fn bucket(b: &RawBucket, name: &str, at: &[Seg], d: &mut Draft) -> Res<()> {
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
    let (zone, region) = bucket_place(b, at, class.single_az(), &class.name, d)?;
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
    let dists = &mut d.dists;
    let repair = match &b.outage_duration {
        Some(spec) => dist(spec, &with(at, "outage_duration"), dists)?,
        None => {
            let outage =
                Dist::lognormal_from_quantile(DEFAULT_CLASS_OUTAGE_MEDIAN_H, DEFAULT_CLASS_OUTAGE_P90_H, Z_P90);
            dists.push(at_path(outage, at)?);
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
    let unit = d.units.len() as u32;
    let bucket = Bucket { name: name.to_owned(), class, unit, size_bytes, objects, availability, price_per_gb_month };
    d.cost.push(CostItem {
        name: format!("bucket {name} ({}, {})", class.name, format_bytes(size_bytes)),
        monthly_usd: bucket.monthly_usd(),
    });
    let component = d.components.len() as u32;
    d.units.push(Unit { component, role: Role::Plain, zone, region, stream: stream_key(&format!("bucket:{name}")) });
    d.push_component(
        Component {
            name: name.to_owned(),
            description: b.description.clone(),
            failure,
            repair,
            first_unit: unit,
            count: 1,
            instance_type: None,
            hourly_usd: None,
        },
        CauseKind::Bucket,
    );
    d.buckets.push(bucket);
    Ok(())
}
