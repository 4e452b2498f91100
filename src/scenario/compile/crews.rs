//! `[crews]` and the components that name one: how many people repair
//! what, when they work, how fast they answer out of hours, and in which
//! order waiting repairs are taken.

use super::super::raw::RawScenario;
use super::Draft;
use super::dists::dist;
use super::values::*;
use crate::model::{CauseKind, Crew, NONE};
use crate::rng::stream_key;

/// Compiles every crew, then each component's `crew` and `priority`.
pub(super) fn crews(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, c) in &raw.crews {
        let at = path(&["crews", name]);
        let size = match u32::try_from(c.size) {
            Ok(n) if (1..=100_000).contains(&n) => n,
            _ => {
                return invalid(with(&at, "size"), format!("must be a whole number from 1 to 100000 (got {})", c.size));
            }
        };
        let zone = c.time_zone.as_deref().map(|z| (z, with(&at, "time_zone")));
        let hours = match &c.hours {
            None => {
                if c.time_zone.is_some() {
                    return invalid(with(&at, "time_zone"), "applies only with `hours`, the working hours it places");
                }
                None
            }
            Some(text) => {
                Some(d.calendar(text, &with(&at, "hours"), zone.as_ref().map(|(z, p)| (*z, p.as_slice())))?)
            }
        };
        let after_hours = match &c.after_hours {
            None => None,
            Some(_) if hours.is_none() => {
                return invalid(
                    with(&at, "after_hours"),
                    "applies only with `hours`: without working hours the crew is always at work",
                );
            }
            Some(spec) => Some(dist(spec, &with(&at, "after_hours"), &mut d.dists)?),
        };
        let by_priority = match c.queue.as_deref() {
            None | Some("fifo") => false,
            Some("priority") => true,
            Some(other) => {
                return invalid(with(&at, "queue"), format!("expected \"fifo\" or \"priority\" (got {other:?})"));
            }
        };
        d.ops.crews.push(Crew {
            name: name.clone(),
            description: c.description.clone(),
            size,
            hours,
            after_hours,
            by_priority,
            stream: stream_key(&format!("crew:{name}")),
        });
    }
    let units = d.units.len();
    d.ops.unit_crew = vec![NONE; units];
    d.ops.unit_priority = vec![u32::MAX; units];
    for (name, c) in &raw.components {
        let at = path(&["components", name]);
        if let Some(p) = c.priority {
            let Some(crew) = &c.crew else {
                return invalid(with(&at, "priority"), "applies only with `crew`, the crew whose queue it orders");
            };
            if raw.crews.get(crew).is_some_and(|k| k.queue.as_deref() != Some("priority")) {
                return invalid(
                    with(&at, "priority"),
                    format!("crew {crew:?} takes repairs in order of arrival: set its queue = \"priority\""),
                );
            }
            if !(0..=1_000_000).contains(&p) {
                return invalid(with(&at, "priority"), format!("must be a whole number from 0 to 1000000 (got {p})"));
            }
        }
        let Some(crew) = &c.crew else { continue };
        let Some(k) = raw.crews.get_index_of(crew) else {
            return invalid(with(&at, "crew"), format!("unknown crew {crew:?}: {}", known(raw.crews.keys())));
        };
        let ci = d.component_index(name).expect("compiled components");
        let comp = &d.components[ci as usize];
        for u in comp.first_unit..comp.first_unit + comp.count {
            d.ops.unit_crew[u as usize] = k as u32;
            d.ops.unit_priority[u as usize] = c.priority.unwrap_or(u32::MAX as i64) as u32;
        }
    }
    Ok(())
}

impl Draft {
    /// The index of component `name` among the draft's components, if it
    /// is a `[components]` entry (not a group, bucket or store).
    pub(super) fn component_index(&self, name: &str) -> Option<u32> {
        self.components
            .iter()
            .zip(&self.kinds)
            .position(|(c, k)| c.name == name && matches!(k, CauseKind::Component | CauseKind::Standby))
            .map(|i| i as u32)
    }
}
