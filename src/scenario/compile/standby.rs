//! Active/passive components: with `failover`, a component's replicas are
//! the members of a standby pair, and structures see one virtual unit that
//! is up while the active member serves.

use super::super::Seg;
use super::super::raw::{DistSpec, RawComponent};
use super::Draft;
use super::dists::failover_dist;
use super::values::*;
use crate::model::{NONE, Node, Role, StandbyPair, Unit};
use crate::rng::stream_key;

/// Makes component `ci` (units `first_unit..first_unit + count`) a standby
/// pair when it has a `failover`; returns whether it did.
pub(super) fn pair(
    name: &str,
    c: &RawComponent,
    at: &[Seg],
    ci: u32,
    first_unit: u32,
    count: u32,
    d: &mut Draft,
) -> Res<bool> {
    let failover = c.failover.as_ref().filter(|f| !matches!(f, DistSpec::Fixed(n) if n == "none"));
    if c.failover_needs_control_plane && failover.is_none() {
        return invalid(
            with(at, "failover_needs_control_plane"),
            "applies only to an active/passive component: give `failover` too",
        );
    }
    let Some(spec) = failover else { return Ok(false) };
    let p = with(at, "failover");
    if count < 2 {
        return invalid(p, format!("an active/passive component needs count = 2 or more (a standby), got {count}"));
    }
    let sb = d.standbys.len() as u32;
    for u in first_unit..first_unit + count {
        d.units[u as usize].role = Role::Member(sb);
    }
    let failover = failover_dist(spec, &p, &mut d.dists)?;
    let unit = d.units.len() as u32;
    d.units.push(Unit {
        component: ci,
        role: Role::Standby(sb),
        zone: NONE,
        region: NONE,
        stream: stream_key(&format!("standby:{name}")),
    });
    d.standbys.push(StandbyPair {
        resume_on_return: c.resume_on_return,
        needs_control_plane: c.failover_needs_control_plane,
        name: name.to_owned(),
        members: (first_unit..first_unit + count).collect(),
        unit,
        failover,
        stream: stream_key(&format!("failover:{name}")),
    });
    d.single_node.insert(name.to_owned(), Node::Unit(unit));
    Ok(true)
}
