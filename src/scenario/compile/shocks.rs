//! `[shocks]`: common-cause events beyond zones and regions — a bad deploy,
//! a configuration push, an expired certificate — each on a set of
//! components, at its own rate (or as a β factor of their failure rate),
//! taking each replica down with a probability (or exactly k of them) until
//! the rollback brings them all back.

use super::super::raw::RawScenario;
use super::Draft;
use super::dists::dist;
use super::values::*;
use crate::dist::Dist;
use crate::model::{Shock, ShockHits};
use crate::rng::stream_key;

/// Compiles every shock.
pub(super) fn shocks(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    for (name, k) in &raw.shocks {
        let at = path(&["shocks", name]);
        let list = with(&at, "components");
        if k.components.is_empty() {
            return invalid(list, "must list at least one component");
        }
        let mut members = Vec::new();
        let mut comps = Vec::new();
        for (i, c) in k.components.iter().enumerate() {
            let p = with_index(&list, i);
            let Some(ci) = d.component_index(c) else {
                let what = if raw.groups.contains_key(c) || raw.buckets.contains_key(c) || raw.stores.contains_key(c) {
                    format!("{c:?} is a group, bucket or store: a shock takes down replicas of [components]")
                } else {
                    format!("unknown component {c:?}: {}", known(raw.components.keys()))
                };
                return invalid(p, what);
            };
            if comps.contains(&ci) {
                return invalid(p, format!("component {c:?} is listed twice"));
            }
            comps.push(ci);
            let comp = &d.components[ci as usize];
            members.extend(comp.first_unit..comp.first_unit + comp.count);
        }
        let which = one_of(
            &at,
            &["rate", "mtbf", "beta"],
            &[k.rate.is_some(), k.mtbf.is_some(), k.beta.is_some()],
            "a shock needs how often it strikes",
        )?;
        let (rate, beta) = match which {
            0 => (positive_rate(k.rate.as_deref().expect("given"), &with(&at, "rate"))?, None),
            1 => (1.0 / positive_duration(k.mtbf.as_deref().expect("given"), &with(&at, "mtbf"))?, None),
            _ => {
                let bat = with(&at, "beta");
                let beta = probability(k.beta.as_deref().expect("given"), &bat)?;
                if !(beta > 0.0 && beta < 1.0) {
                    return invalid(
                        bat,
                        format!("must be between 0% and 100%, exclusive (got {:?})", k.beta.as_deref().unwrap_or("")),
                    );
                }
                if k.probability.is_some() || k.exactly.is_some() {
                    let field = if k.probability.is_some() { "probability" } else { "exactly" };
                    return invalid(with(&at, field), "the β-factor form takes every member down: leave it out");
                }
                (beta_rate(d, &comps, beta, &bat)?, Some(beta))
            }
        };
        let hits = match (&k.probability, k.exactly) {
            (Some(_), Some(_)) => {
                return invalid(with(&at, "exactly"), "give only one of `probability` and `exactly`");
            }
            (Some(text), None) => ShockHits::Each(probability(text, &with(&at, "probability"))?),
            (None, Some(n)) => {
                if n < 1 || n as usize > members.len() {
                    return invalid(
                        with(&at, "exactly"),
                        format!("must be between 1 and the members' replicas, {} (got {n})", members.len()),
                    );
                }
                ShockHits::Exactly(n as u32)
            }
            (None, None) => ShockHits::Each(1.0),
        };
        d.dists.push(at_path(Dist::exponential(rate), &at)?);
        let between = d.dists.len() as u32 - 1;
        let rollback = dist(&k.rollback, &with(&at, "rollback"), &mut d.dists)?;
        d.ops.shocks.push(Shock {
            name: name.clone(),
            description: k.description.clone(),
            members,
            between,
            rollback,
            hits,
            beta,
            stream: stream_key(&format!("shock:{name}")),
            hit_stream: stream_key(&format!("shock-hits:{name}")),
        });
    }
    Ok(())
}

/// The β-factor form: every member has one exponential failure rate λ; the
/// shock strikes at βλ and each member keeps (1 − β)λ of its own.
fn beta_rate(d: &mut Draft, comps: &[u32], beta: f64, at: &[super::super::Seg]) -> Res<f64> {
    let rate_of = |d: &Draft, ci: u32| match d.dists[d.components[ci as usize].failure as usize] {
        Dist::Exponential { rate, .. } => Some(rate),
        _ => None,
    };
    let mut lambda = None;
    for &ci in comps {
        let name = d.components[ci as usize].name.clone();
        let Some(r) = rate_of(d, ci) else {
            return invalid(
                at.to_vec(),
                format!("the β-factor form needs members failing at a constant rate (mttf or afr): {name:?} does not"),
            );
        };
        match lambda {
            None => lambda = Some(r),
            Some(l) if (l - r).abs() > 1e-12 * l => {
                return invalid(
                    at.to_vec(),
                    format!("the β-factor form needs members with one failure rate: {name:?} differs from the first"),
                );
            }
            Some(_) => {}
        }
    }
    let lambda = lambda.expect("at least one member");
    d.dists.push(at_path(Dist::exponential((1.0 - beta) * lambda), at)?);
    let own = d.dists.len() as u32 - 1;
    for &ci in comps {
        d.components[ci as usize].failure = own;
    }
    Ok(beta * lambda)
}
