//! `ages_during_outages` on components: whether a replica's failure clock
//! runs while its zone or region is out. By default it does (the outage
//! overlays the unit, which keeps ageing and may fail meanwhile); with
//! `false` the clock stops at the outage and resumes where it stopped.

use super::super::raw::RawScenario;
use super::Draft;
use super::values::*;

/// Marks the units whose clock stops during outages.
pub(super) fn ages(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    d.ops.unit_pauses = vec![false; d.units.len()];
    for (name, c) in &raw.components {
        if c.ages_during_outages != Some(false) {
            continue;
        }
        let ci = d.component_index(name).expect("compiled components");
        let comp = &d.components[ci as usize];
        let units = comp.first_unit..comp.first_unit + comp.count;
        if units
            .clone()
            .all(|u| d.units[u as usize].zone == crate::model::NONE && d.units[u as usize].region == crate::model::NONE)
        {
            return invalid(
                with(&path(&["components", name]), "ages_during_outages"),
                "the component is in no zone or region: no outage reaches it",
            );
        }
        for u in units {
            d.ops.unit_pauses[u as usize] = true;
        }
    }
    Ok(())
}
