//! Distributions as a scenario writes them (a duration, or a table with a
//! `type`), checked field by field and pushed into the model's list.

use super::super::Seg;
use super::super::raw::{DistSpec, RawDist};
use super::values::*;
use crate::dist::{Dist, Z_P90, Z_P95, Z_P99};
use crate::presets::aws;
use crate::units::parse_duration;

const KINDS: &str = "exponential, weibull, lognormal, gamma, uniform, fixed, empirical";

/// Compiles a distribution spec into `dists`, returning its index.
pub fn dist(spec: &DistSpec, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let d = match spec {
        DistSpec::Fixed(text) => Dist::Fixed(positive_duration(text, at)?),
        DistSpec::Table(t) => table_dist(t, at)?,
    };
    dists.push(d);
    Ok(dists.len() as u32 - 1)
}

/// "a weibull distribution", "an exponential distribution".
fn a_kind(kind: &str) -> String {
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {kind} distribution")
}

fn table_dist(t: &RawDist, at: &[Seg]) -> Res<Dist> {
    let Some(kind) = t.kind.as_deref() else {
        return invalid(at.to_vec(), format!("missing `type`: one of {KINDS}"));
    };
    // Which fields each kind takes; any other field given is an error, so a
    // typo'd combination is not silently ignored.
    let allowed: &[&str] = match kind {
        "exponential" => &["mean", "rate", "afr"],
        "weibull" | "gamma" => &["shape", "scale", "mean"],
        "lognormal" => &["median", "p90", "p95", "p99"],
        "uniform" => &["min", "max"],
        "fixed" => &["value"],
        "empirical" => &["samples"],
        other => {
            return invalid(with(at, "type"), format!("unknown distribution {other:?}: expected one of {KINDS}"));
        }
    };
    let present = [
        ("mean", t.mean.is_some()),
        ("rate", t.rate.is_some()),
        ("afr", t.afr.is_some()),
        ("shape", t.shape.is_some()),
        ("scale", t.scale.is_some()),
        ("median", t.median.is_some()),
        ("p90", t.p90.is_some()),
        ("p95", t.p95.is_some()),
        ("p99", t.p99.is_some()),
        ("min", t.min.is_some()),
        ("max", t.max.is_some()),
        ("value", t.value.is_some()),
        ("samples", t.samples.is_some()),
    ];
    if let Some((field, _)) = present.iter().find(|(f, p)| *p && !allowed.contains(f)) {
        let takes = allowed.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", ");
        return invalid(with(at, field), format!("does not apply to {} (it takes {takes})", a_kind(kind)));
    }
    let need = |field: &str, v: &Option<String>| -> Res<f64> {
        match v {
            Some(text) => positive_duration(text, &with(at, field)),
            None => invalid(at.to_vec(), format!("{} needs `{field}`", a_kind(kind))),
        }
    };
    let shape = || -> Res<f64> {
        match t.shape {
            Some(s) if s.is_finite() && s > 0.0 => Ok(s),
            Some(s) => invalid(with(at, "shape"), format!("must be a positive number (got {s})")),
            None => invalid(at.to_vec(), format!("{} needs `shape`", a_kind(kind))),
        }
    };
    match kind {
        "exponential" => {
            let options = [&t.mean, &t.rate, &t.afr];
            let names = ["mean", "rate", "afr"];
            let given = options.map(Option::is_some);
            let which =
                one_of(at, &names, &given, "an exponential distribution takes its mean, rate or annual failure rate")?;
            let text = options[which].as_deref().expect("given");
            let p = with(at, names[which]);
            let rate = match which {
                0 => 1.0 / positive_duration(text, &p)?,
                1 => positive_rate(text, &p)?,
                _ => afr_rate(text, &p)?,
            };
            at_path(Dist::exponential(rate), &p)
        }
        "weibull" | "gamma" => {
            let k = shape()?;
            let options = [&t.scale, &t.mean];
            let names = ["scale", "mean"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                &format!("{} takes `shape` with its scale or mean", a_kind(kind)),
            )?;
            let v = positive_duration(options[which].as_deref().expect("given"), &with(at, names[which]))?;
            let built = match (kind, which) {
                ("weibull", 0) => Dist::weibull(k, v),
                ("weibull", _) => Dist::weibull_with_mean(k, v),
                (_, 0) => Dist::gamma(k, v),
                _ => Dist::gamma(k, v / k),
            };
            at_path(built, at)
        }
        "lognormal" => {
            let median = need("median", &t.median)?;
            let options = [&t.p90, &t.p95, &t.p99];
            let names = ["p90", "p95", "p99"];
            let which = one_of(
                at,
                &names,
                &options.map(Option::is_some),
                "a lognormal distribution takes its median and one upper percentile",
            )?;
            let p = with(at, names[which]);
            let upper = positive_duration(options[which].as_deref().expect("given"), &p)?;
            at_path(Dist::lognormal_from_quantile(median, upper, [Z_P90, Z_P95, Z_P99][which]), &p)
        }
        "uniform" => {
            let Some(min_text) = t.min.as_deref() else {
                return invalid(at.to_vec(), "a uniform distribution needs `min`");
            };
            let min = at_path(parse_duration(min_text), &with(at, "min"))?;
            if min < 0.0 {
                return invalid(with(at, "min"), format!("must not be negative (got {min_text:?})"));
            }
            let max = need("max", &t.max)?;
            at_path(Dist::uniform(min, max), &with(at, "max"))
        }
        "fixed" => Ok(Dist::Fixed(need("value", &t.value)?)),
        _ => {
            let Some(samples) = t.samples.as_ref() else {
                return invalid(at.to_vec(), "an empirical distribution needs `samples`, a list of observed durations");
            };
            if samples.is_empty() {
                return invalid(with(at, "samples"), "must list at least one observed duration");
            }
            let p = with(at, "samples");
            let values = samples
                .iter()
                .enumerate()
                .map(|(i, s)| positive_duration(s, &with_index(&p, i)))
                .collect::<Res<Vec<f64>>>()?;
            Ok(Dist::Empirical(values.into_boxed_slice()))
        }
    }
}

/// An exponential distribution by its mean, pushed into `dists`.
pub fn exponential_mean(text: &str, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    let mean = positive_duration(text, at)?;
    dists.push(at_path(Dist::exponential(1.0 / mean), at)?);
    Ok(dists.len() as u32 - 1)
}

/// An optional recovery step; absent means it takes no time.
pub fn step(spec: &Option<DistSpec>, at: &[Seg], field: &str, dists: &mut Vec<Dist>) -> Res<u32> {
    match spec {
        Some(d) => dist(d, &with(at, field), dists),
        None => {
            dists.push(Dist::Fixed(0.0));
            Ok(dists.len() as u32 - 1)
        }
    }
}

/// A failover time: a preset name ("rds-multi-az": uniform over the range
/// AWS documents) or any distribution.
pub fn failover_dist(spec: &DistSpec, at: &[Seg], dists: &mut Vec<Dist>) -> Res<u32> {
    if let DistSpec::Fixed(name) = spec {
        if let Some((lo, hi, _)) = aws::failover(name) {
            dists.push(at_path(Dist::uniform(lo / 3600.0, hi / 3600.0), at)?);
            return Ok(dists.len() as u32 - 1);
        }
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return invalid(at.to_vec(), format!("unknown failover preset {name:?}: known: {}", aws::failover_names()));
        }
    }
    dist(spec, at, dists)
}

/// A time to failure given as `mttf` (exponential by its mean), `afr`
/// (exponential by annual failure rate) or `failure` (any distribution):
/// exactly one of them. `what` says whose it is, for the message.
pub fn time_to_failure(
    mttf: &Option<String>,
    afr: &Option<String>,
    failure: &Option<DistSpec>,
    at: &[Seg],
    what: &str,
    dists: &mut Vec<Dist>,
) -> Res<u32> {
    match one_of(at, &["mttf", "afr", "failure"], &[mttf.is_some(), afr.is_some(), failure.is_some()], what)? {
        0 => exponential_mean(mttf.as_deref().expect("given"), &with(at, "mttf"), dists),
        1 => {
            let p = with(at, "afr");
            let rate = afr_rate(afr.as_deref().expect("given"), &p)?;
            dists.push(at_path(Dist::exponential(rate), &p)?);
            Ok(dists.len() as u32 - 1)
        }
        _ => dist(failure.as_ref().expect("given"), &with(at, "failure"), dists),
    }
}
