//! Scalar values of a scenario: durations, rates, probabilities, prices,
//! data rates and times of day, each checked and turned into nines' units
//! (hours, per hour, bytes per hour), and the helpers every compile step
//! uses to name the field a rule is about.

use super::super::raw::RawIncidentRate;
use super::super::{Invalid, Seg};
use crate::units::{HOURS_PER_YEAR, parse_duration, parse_percent, parse_rate};

/// What every compile step returns.
pub type Res<T> = Result<T, Invalid>;

/// Builds a field path from string segments.
pub fn path(parts: &[&str]) -> Vec<Seg> {
    parts.iter().map(|p| Seg::Key((*p).to_owned())).collect()
}

/// `base` extended by `key`.
pub fn with(base: &[Seg], key: &str) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Key(key.to_owned()));
    p
}

/// `base` extended by index `i`.
pub fn with_index(base: &[Seg], i: usize) -> Vec<Seg> {
    let mut p = base.to_vec();
    p.push(Seg::Index(i));
    p
}

/// The rule broken at `path`. The call site is recorded
/// ([`crate::error::rules_broken`]) so tests can check every rule has a
/// fixture.
#[track_caller]
pub fn invalid<T>(path: Vec<Seg>, message: impl Into<String>) -> Res<T> {
    Err(rule(path.as_slice(), message))
}

/// [`invalid`]'s error, for `map_err`.
#[track_caller]
pub fn rule(at: &[Seg], message: impl Into<String>) -> Invalid {
    crate::error::note_rule_broken(std::panic::Location::caller());
    Invalid { path: at.to_vec(), message: message.into() }
}

/// The longest duration a scenario may give, in hours (10^12 years): far
/// beyond any horizon or time to failure, and small enough that sums of
/// squares of such durations over billions of trials stay finite.
pub const MAX_HOURS: f64 = 1e12 * HOURS_PER_YEAR;

/// The largest price or cost a scenario may give, in USD (10^12): every
/// bill, downtime cost and total built from such prices stays finite.
pub const MAX_USD: f64 = 1e12;

/// A duration that must be positive and finite.
pub fn positive_duration(text: &str, at: &[Seg]) -> Res<f64> {
    let hours = parse_duration(text).map_err(|m| rule(at, m))?;
    if hours <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive duration like \"4h\" (got {text:?})"));
    }
    // Not too long (its square, in the statistics, must be finite), and not
    // so small (subnormal) that its reciprocal, a rate, overflows.
    if !hours.is_normal() || hours > MAX_HOURS {
        let what = if hours > 1.0 { "long" } else { "short" };
        let limit = if hours > 1.0 { ": at most 1e12y" } else { "" };
        return invalid(at.to_vec(), format!("is too {what} to simulate (got {text:?}){limit}"));
    }
    Ok(hours)
}

/// A rate per hour that must be positive and finite.
pub fn positive_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let rate = parse_rate(text).map_err(|m| rule(at, m))?;
    if rate <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive rate like \"0.2/y\" (got {text:?})"));
    }
    if !rate.is_finite() {
        return invalid(at.to_vec(), format!("is too large to simulate (got {text:?})"));
    }
    Ok(rate)
}

/// An annual failure rate ("1.5%") as a rate per hour: AFR is failures per
/// unit-year, the way Backblaze and AWS state it.
pub fn afr_rate(text: &str, at: &[Seg]) -> Res<f64> {
    let afr = parse_percent(text).map_err(|m| rule(at, m))?;
    if afr <= 0.0 {
        return invalid(at.to_vec(), format!("must be a positive annual failure rate like \"1.5%\" (got {text:?})"));
    }
    Ok(afr / HOURS_PER_YEAR)
}

/// Exactly one of the named options must be given; returns which.
pub fn one_of(at: &[Seg], names: &[&str], given: &[bool], what: &str) -> Res<usize> {
    let list = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let chosen: Vec<usize> = (0..names.len()).filter(|&i| given[i]).collect();
    match chosen.as_slice() {
        [one] => Ok(*one),
        [] => invalid(at.to_vec(), format!("{what}: give one of {list}")),
        [first, second, ..] => invalid(
            with(at, names[*second]),
            format!("{what}: give only one of {list} (found `{}` and `{}`)", names[*first], names[*second]),
        ),
    }
}

/// Converts a constructor's message into an error at `at`.
pub fn at_path<T>(r: Result<T, String>, at: &[Seg]) -> Res<T> {
    r.map_err(|message| rule(at, message))
}

/// A probability given as a percentage, from 0% to 100%.
pub fn probability(text: &str, at: &[Seg]) -> Res<f64> {
    let p = at_path(parse_percent(text), at)?;
    if !(0.0..=1.0).contains(&p) {
        return invalid(at.to_vec(), format!("must be a probability from 0% to 100% (got {text:?})"));
    }
    Ok(p)
}

/// A price in USD that must be finite and not negative.
pub fn price(value: Option<f64>, at: &[Seg]) -> Res<f64> {
    match value {
        None => Ok(0.0),
        Some(v) if v > MAX_USD => invalid(
            at.to_vec(),
            format!("is too large: at most 1e12 USD, so that every total stays a finite number (got {v:e})"),
        ),
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Some(v) => invalid(at.to_vec(), format!("must be a price in USD, zero or more (got {v})")),
    }
}

/// A duration that may be zero (an RPO of zero: no data loss allowed).
pub fn nonnegative_duration(text: &str, at: &[Seg]) -> Res<f64> {
    let hours = at_path(parse_duration(text), at)?;
    if hours < 0.0 || !hours.is_finite() || hours > MAX_HOURS {
        return invalid(at.to_vec(), format!("must be a duration of zero or more like \"1h\" (got {text:?})"));
    }
    Ok(hours)
}

/// A positive, finite data rate ("500GB/h") in bytes per hour.
pub fn throughput(text: &str, at: &[Seg]) -> Res<f64> {
    let v = at_path(crate::units::parse_throughput(text), at)?;
    if !(v > 0.0 && v.is_finite()) {
        return invalid(at.to_vec(), format!("must be a positive data rate like \"500GB/h\" (got {text:?})"));
    }
    Ok(v)
}

/// `"HH:MM"` as hours after midnight.
pub fn daily_time(text: &str, at: &[Seg]) -> Res<f64> {
    let digits = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    let parsed = text.trim().split_once(':').and_then(|(h, m)| {
        let ok = digits(h) && m.len() == 2 && digits(m);
        let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
        (ok && h < 24 && m < 60).then(|| f64::from(h) + f64::from(m) / 60.0)
    });
    match parsed {
        Some(hours) => Ok(hours),
        None => invalid(at.to_vec(), format!("expected a time of day like \"02:30\" (got {text:?})")),
    }
}

/// A rate of incidents: `rate`, `mtbf` or `afr`.
pub fn incident_rate(r: &RawIncidentRate, at: &[Seg]) -> Res<f64> {
    match one_of(
        at,
        &["rate", "mtbf", "afr"],
        &[r.rate.is_some(), r.mtbf.is_some(), r.afr.is_some()],
        "an incident process takes how often it happens",
    )? {
        0 => positive_rate(r.rate.as_deref().expect("given"), &with(at, "rate")),
        1 => Ok(1.0 / positive_duration(r.mtbf.as_deref().expect("given"), &with(at, "mtbf"))?),
        _ => afr_rate(r.afr.as_deref().expect("given"), &with(at, "afr")),
    }
}

/// "known: a, b, c" for an unknown-name message.
pub fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let list: Vec<&str> = names.map(|s| s.as_str()).collect();
    if list.is_empty() { "none are declared".to_owned() } else { format!("known: {}", list.join(", ")) }
}
