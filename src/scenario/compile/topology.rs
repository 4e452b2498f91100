//! Where things run: regions, their zones, and the outage processes of
//! both (and of a region's control plane); looking zones and regions up by
//! name for every other step.

use super::super::Seg;
use super::super::raw::{RawOutage, RawScenario};
use super::Draft;
use super::dists::{dist, exponential_mean};
use super::values::*;
use crate::dist::Dist;
use crate::model::{NONE, OutageProcess, Place, Region, Zone};
use crate::rng::stream_key;

/// Compiles `[regions]` and `[zones]`.
pub(super) fn regions(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (ri, (rname, r)) in raw.regions.iter().enumerate() {
        let at = path(&["regions", rname]);
        let outage_proc = r
            .outage
            .as_ref()
            .map(|o| outage(o, &with(&at, "outage"), &mut d.dists, &format!("region:{rname}")))
            .transpose()?;
        let mut zone_ids = Vec::new();
        for (zi, zname) in r.zones.iter().enumerate() {
            if let Some(other) = d.zones.iter().find(|z| &z.name == zname) {
                let other_region = raw.regions.get_index(other.region as usize).map_or("?", |(n, _)| n.as_str());
                return invalid(
                    with_index(&with(&at, "zones"), zi),
                    format!("zone {zname:?} is already in region {other_region:?}: zone names must be unique"),
                );
            }
            let zone_at = path(&["zones", zname]);
            let zo = match raw.zones.get(zname).and_then(|z| z.outage.as_ref()) {
                Some(o) => Some(outage(o, &with(&zone_at, "outage"), &mut d.dists, &format!("zone:{zname}"))?),
                None => r
                    .zone_outage
                    .as_ref()
                    .map(|o| outage(o, &with(&at, "zone_outage"), &mut d.dists, &format!("zone:{zname}")))
                    .transpose()?,
            };
            zone_ids.push(d.zones.len() as u32);
            d.zones.push(Zone {
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
                Some(outage(o, &cat, &mut d.dists, &format!("control-plane:{rname}"))?)
            }
        };
        d.regions.push(Region {
            name: rname.clone(),
            zones: zone_ids,
            outage: outage_proc,
            stream: stream_key(&format!("region:{rname}")),
            control_plane,
            control_plane_stream: stream_key(&format!("control-plane:{rname}")),
        });
    }
    for zname in raw.zones.keys() {
        if !d.zones.iter().any(|z| &z.name == zname) {
            return invalid(path(&["zones", zname]), format!("zone {zname:?} is not listed in any region's `zones`"));
        }
    }
    Ok(())
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

impl Draft {
    /// Zone `name`, or an error at `at` listing the known zones.
    pub(super) fn zone(&self, name: &str, at: Vec<Seg>) -> Res<u32> {
        match self.zones.iter().position(|z| z.name == name) {
            Some(z) => Ok(z as u32),
            None => invalid(at, format!("unknown zone {name:?}: {}", known(self.zones.iter().map(|z| &z.name)))),
        }
    }

    /// Region `name`, or an error at `at` listing the known regions.
    pub(super) fn region(&self, name: &str, at: Vec<Seg>) -> Res<u32> {
        match self.regions.iter().position(|r| r.name == name) {
            Some(r) => Ok(r as u32),
            None => invalid(at, format!("unknown region {name:?}: {}", known(self.regions.iter().map(|r| &r.name)))),
        }
    }

    /// True when `name` is a zone or a region.
    pub(super) fn is_place(&self, name: &str) -> bool {
        self.zones.iter().any(|z| z.name == name) || self.regions.iter().any(|r| r.name == name)
    }

    /// A zone or region by name, as the place a copy lives.
    pub(super) fn place(&self, name: &str, at: &[Seg]) -> Res<Place> {
        if let Some(z) = self.zones.iter().position(|z| z.name == name) {
            return Ok(Place { zone: z as u32, region: self.zones[z].region });
        }
        if let Some(r) = self.regions.iter().position(|r| r.name == name) {
            return Ok(Place { zone: NONE, region: r as u32 });
        }
        let names = self.zones.iter().map(|z| &z.name).chain(self.regions.iter().map(|r| &r.name));
        invalid(at.to_vec(), format!("unknown zone or region {name:?}: {}", known(names)))
    }

    /// `zone = ...` or `region = ...` (or neither) of a store or replica.
    pub(super) fn placement(&self, zone: &Option<String>, region: &Option<String>, at: &[Seg]) -> Res<Place> {
        match (zone, region) {
            (Some(_), Some(_)) => invalid(with(at, "region"), "give only one of `zone` and `region`"),
            (Some(z), None) => self.place(z, &with(at, "zone")),
            (None, Some(r)) => self.place(r, &with(at, "region")),
            (None, None) => Ok(Place { zone: NONE, region: NONE }),
        }
    }
}
