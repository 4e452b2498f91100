//! `maintenance` on components: planned rounds that take replicas out of
//! service, one at a time (`rolling`) or all at once, within a window.

use super::super::raw::RawScenario;
use super::Draft;
use super::dists::dist;
use super::values::*;
use crate::model::Maintenance;
use crate::rng::stream_key;

/// Compiles each component's maintenance schedule.
pub(super) fn maintenance(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, c) in &raw.components {
        let Some(m) = &c.maintenance else { continue };
        let at = with(&path(&["components", name]), "maintenance");
        let every = positive_duration(&m.every, &with(&at, "every"))?;
        let offset = match &m.offset {
            None => every,
            Some(text) => nonnegative_duration(text, &with(&at, "offset"))?,
        };
        let duration = dist(&m.duration, &with(&at, "duration"), &mut d.dists)?;
        let window = match &m.window {
            None => None,
            Some(text) => Some(d.calendar(text, &with(&at, "window"), None)?),
        };
        let ci = d.component_index(name).expect("compiled components");
        let comp = &d.components[ci as usize];
        d.ops.maintenance.push(Maintenance {
            component: ci,
            units: (comp.first_unit..comp.first_unit + comp.count).collect(),
            every,
            offset,
            duration,
            window,
            rolling: m.rolling.unwrap_or(true),
            stream: stream_key(&format!("maintenance:{name}")),
        });
    }
    Ok(())
}
