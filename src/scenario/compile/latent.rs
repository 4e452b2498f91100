//! `latent` and `test` on components: failures nobody notices until a
//! periodic test finds them (with its own chance to miss) or the unit is
//! needed.

use super::super::raw::RawScenario;
use super::Draft;
use super::dists::dist;
use super::values::*;
use crate::dist::Dist;
use crate::model::{Latent, NONE, ProofTest};
use crate::rng::stream_key;

/// Compiles each component's hidden failures and tests.
pub(super) fn latent(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    d.ops.unit_latent = vec![NONE; d.units.len()];
    for (name, c) in &raw.components {
        let at = path(&["components", name]);
        let share = match (&c.latent, &c.test) {
            (None, None) => continue,
            (None, Some(_)) => {
                return invalid(
                    with(&at, "test"),
                    "tests find hidden failures: give `latent`, the share of failures that are silent",
                );
            }
            (Some(text), _) => probability(text, &with(&at, "latent"))?,
        };
        let test = match &c.test {
            None => None,
            Some(t) => {
                let tat = with(&at, "test");
                let every = positive_duration(&t.every, &with(&tat, "every"))?;
                let offset = match &t.offset {
                    None => every,
                    Some(text) => nonnegative_duration(text, &with(&tat, "offset"))?,
                };
                let duration = match &t.duration {
                    None => {
                        d.dists.push(Dist::Fixed(0.0));
                        d.dists.len() as u32 - 1
                    }
                    Some(spec) => dist(spec, &with(&tat, "duration"), &mut d.dists)?,
                };
                let miss = match &t.miss {
                    None => 0.0,
                    Some(text) => probability(text, &with(&tat, "miss"))?,
                };
                if miss >= 1.0 {
                    return invalid(with(&tat, "miss"), "a test that always misses finds nothing: must be below 100%");
                }
                Some(ProofTest { every, offset, stagger: t.stagger, duration, miss })
            }
        };
        let ci = d.component_index(name).expect("compiled components");
        let comp = &d.components[ci as usize];
        let units: Vec<u32> = (comp.first_unit..comp.first_unit + comp.count).collect();
        for &u in &units {
            d.ops.unit_latent[u as usize] = d.ops.latent.len() as u32;
        }
        d.ops.latent.push(Latent { component: ci, units, share, test, stream: stream_key(&format!("latent:{name}")) });
    }
    Ok(())
}
