//! Uncertain inputs: any number, duration, rate, percentage or size of a
//! scenario may be written as a range or a distribution, meaning "we don't
//! know it" — `mttf = { low = "500h", high = "2000h" }` (log-uniform),
//! with `law = "uniform"`, `"triangular"` (and `mode`) or `"lognormal"`
//! (`low` and `high` its 5th and 95th percentiles).
//!
//! It is another form of the same value: before the scenario is compiled,
//! every such table in the document is replaced by one plain value — its
//! central value for an ordinary run, a draw for one input set of an
//! uncertainty run, or its low or high end for a tornado bar — written in
//! the field's own unit, so every rule the field obeys applies to it. A
//! variant that sets the field replaces it whole. A range whose ends are
//! equal gives exactly the value written.

use super::super::{Seg, format_path};
use super::values::*;
use crate::model::UncertainInput;
use crate::rng::{stream, stream_key};
use crate::units::{parse_bytes, parse_duration, parse_percent, parse_rate, parse_throughput};
use rand::RngExt;
use toml::{Table, Value};

/// Which value each uncertain input takes.
#[derive(Clone, Debug, PartialEq)]
pub enum Pick {
    /// Its central value (median; a triangular's mode).
    Central,
    /// A draw for input set `set` (streams keyed by the scenario seed, the
    /// set and the field path, so an input draws the same whatever else is
    /// uncertain).
    Draw(u64),
    /// The low end of the input at this path, every other at its centre.
    Low(String),
    /// The high end of the input at this path, every other at its centre.
    High(String),
}

/// Whether a table is an uncertain value rather than a table of settings.
pub fn is_uncertain(t: &Table) -> bool {
    t.contains_key("low") || t.contains_key("high")
}

/// How an uncertain value is spread between its ends.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Law {
    LogUniform,
    Uniform,
    Triangular(f64),
    LogNormal,
}

/// What the ends are, so a value is written back in the field's own form.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Integer,
    Number,
    /// Hours.
    Duration,
    /// Per hour.
    Rate,
    /// The number before the `%`.
    Percent,
    /// Bytes.
    Size,
    /// Bytes per hour.
    Throughput,
}

fn read(v: &Value) -> Option<(Kind, f64)> {
    match v {
        Value::Integer(n) => Some((Kind::Integer, *n as f64)),
        Value::Float(x) if x.is_finite() => Some((Kind::Number, *x)),
        Value::String(s) => {
            let t = s.trim();
            if t.ends_with('%') {
                parse_percent(t).ok().map(|p| (Kind::Percent, p * 100.0))
            } else if t.contains('/') {
                parse_rate(t)
                    .map(|r| (Kind::Rate, r))
                    .or_else(|_| parse_throughput(t).map(|b| (Kind::Throughput, b)))
                    .ok()
            } else {
                parse_duration(t).map(|h| (Kind::Duration, h)).or_else(|_| parse_bytes(t).map(|b| (Kind::Size, b))).ok()
            }
        }
        _ => None,
    }
    .filter(|(_, x)| x.is_finite())
}

fn write(kind: Kind, x: f64) -> Value {
    match kind {
        Kind::Integer => Value::Integer(x.round() as i64),
        Kind::Number => Value::Float(x),
        Kind::Duration => Value::String(format!("{x}h")),
        Kind::Rate => Value::String(format!("{x}/h")),
        Kind::Percent => Value::String(format!("{x}%")),
        Kind::Size => Value::String(format!("{}B", x.round())),
        Kind::Throughput => Value::String(format!("{}B/h", x.round())),
    }
}

/// The central value as `nines check` and the report show it (rounded;
/// the model uses it exactly).
fn pretty(kind: Kind, x: f64) -> String {
    let sig = |x: f64| crate::units::sig(x, 3);
    match kind {
        Kind::Integer => format!("{}", x.round()),
        Kind::Number => sig(x),
        Kind::Duration => crate::units::format_duration(x),
        Kind::Rate => format!("{}/y", sig(x * crate::units::HOURS_PER_YEAR)),
        Kind::Percent => format!("{}%", sig(x)),
        Kind::Size => crate::units::format_bytes(x),
        Kind::Throughput => format!("{}/h", crate::units::format_bytes(x)),
    }
}

/// A value as `nines check` shows it.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

const KEYS: &str = "`low`, `high`, `law` and `mode`";
const LAWS: &str = "\"log-uniform\" (the default), \"uniform\", \"triangular\" or \"lognormal\"";

/// One uncertain value as written.
struct Spec {
    law: Law,
    kind: Kind,
    low: (Value, f64),
    high: (Value, f64),
    mode: Option<Value>,
}

impl Spec {
    fn parse(t: &Table, at: &[Seg]) -> Res<Spec> {
        if let Some(k) = t.keys().find(|k| !["low", "high", "law", "mode"].contains(&k.as_str())) {
            return invalid(with(at, k), format!("unknown field `{k}` of an uncertain value: it takes {KEYS}"));
        }
        let end = |key: &str| -> Res<(Value, Kind, f64)> {
            let Some(v) = t.get(key) else {
                return invalid(
                    at.to_vec(),
                    format!(
                        "an uncertain value needs `low` and `high` (missing `{key}`), e.g. {{ low = \"500h\", high = \"2000h\" }}"
                    ),
                );
            };
            match read(v) {
                Some((kind, x)) => Ok((v.clone(), kind, x)),
                None => invalid(
                    with(at, key),
                    format!("must be a number, or a duration, rate, percentage or size with its unit (got {})", v),
                ),
            }
        };
        let (lv, lk, lx) = end("low")?;
        let (hv, hk, hx) = end("high")?;
        let kind = match (lk, hk) {
            (a, b) if a == b => a,
            (Kind::Integer, Kind::Number) | (Kind::Number, Kind::Integer) => Kind::Number,
            _ => {
                return invalid(
                    with(at, "high"),
                    format!("must be the same kind of value as `low` (got {} and {})", shown(&lv), shown(&hv)),
                );
            }
        };
        if lx > hx {
            return invalid(
                with(at, "high"),
                format!("must be at least `low` (got low {} and high {})", shown(&lv), shown(&hv)),
            );
        }
        let law_text = match t.get("law") {
            None => "log-uniform",
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return invalid(with(at, "law"), format!("expected {LAWS} (got {other})")),
        };
        let mode = t.get("mode");
        let law = match law_text {
            "log-uniform" | "loguniform" => Law::LogUniform,
            "uniform" => Law::Uniform,
            "lognormal" => Law::LogNormal,
            "triangular" => {
                let Some(m) = mode else {
                    return invalid(at.to_vec(), "a triangular uncertain value needs `mode`, its most likely value");
                };
                let mx = match read(m) {
                    Some((k, x)) if k == lk || (matches!(k, Kind::Integer | Kind::Number) && kind == Kind::Number) => x,
                    _ => {
                        return invalid(
                            with(at, "mode"),
                            format!("must be the same kind of value as `low` and `high` (got {})", shown(m)),
                        );
                    }
                };
                if !(lx <= mx && mx <= hx) {
                    return invalid(with(at, "mode"), format!("must lie between `low` and `high` (got {})", shown(m)));
                }
                Law::Triangular(mx)
            }
            other => return invalid(with(at, "law"), format!("expected {LAWS} (got {other:?})")),
        };
        if mode.is_some() && !matches!(law, Law::Triangular(_)) {
            return invalid(with(at, "mode"), "applies only to law = \"triangular\"");
        }
        if matches!(law, Law::LogUniform | Law::LogNormal) && lx <= 0.0 {
            return invalid(
                with(at, "low"),
                format!("must be positive for a {law_text} value (got {}): use law = \"uniform\"", shown(&lv)),
            );
        }
        Ok(Spec { law, kind, low: (lv, lx), high: (hv, hx), mode: mode.cloned() })
    }

    fn degenerate(&self) -> bool {
        self.low.1 == self.high.1
    }

    fn central(&self) -> Value {
        if self.degenerate() {
            return self.low.0.clone();
        }
        let (a, b) = (self.low.1, self.high.1);
        match self.law {
            Law::LogUniform | Law::LogNormal => write(self.kind, (a * b).sqrt()),
            Law::Uniform => write(self.kind, (a + b) / 2.0),
            Law::Triangular(_) => self.mode.clone().expect("triangular has a mode"),
        }
    }

    /// The value at uniform `u` (and standard normal `z` for a lognormal).
    fn draw(&self, u: f64, z: f64) -> Value {
        if self.degenerate() {
            return self.low.0.clone();
        }
        let (a, b) = (self.low.1, self.high.1);
        let x = match self.law {
            Law::LogUniform => (a.ln() + u * (b.ln() - a.ln())).exp(),
            Law::Uniform => a + u * (b - a),
            Law::Triangular(m) => {
                if u < (m - a) / (b - a) {
                    a + (u * (b - a) * (m - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - m)).sqrt()
                }
            }
            Law::LogNormal => {
                let sigma = (b / a).ln() / (2.0 * crate::dist::Z_P95);
                ((a * b).sqrt().ln() + sigma * z).exp()
            }
        };
        write(self.kind, x)
    }

    fn law_name(&self) -> &'static str {
        match self.law {
            Law::LogUniform => "log-uniform",
            Law::Uniform => "uniform",
            Law::Triangular(_) => "triangular",
            Law::LogNormal => "lognormal",
        }
    }
}

/// Replaces every uncertain value of `doc` by the value `pick` chooses
/// (draws from streams of `seed`); returns the inputs found, in document
/// order. Uncertain values are refused in `[simulation]` and `[scenario]`.
pub fn resolve(doc: &mut Table, pick: &Pick, seed: u64) -> Res<Vec<UncertainInput>> {
    let mut found = Vec::new();
    let mut at = Vec::new();
    walk_table(doc, &mut at, pick, seed, &mut found)?;
    Ok(found)
}

fn walk_table(t: &mut Table, at: &mut Vec<Seg>, pick: &Pick, seed: u64, found: &mut Vec<UncertainInput>) -> Res<()> {
    for (k, v) in t.iter_mut() {
        at.push(Seg::Key(k.clone()));
        walk_value(v, at, pick, seed, found)?;
        at.pop();
    }
    Ok(())
}

fn walk_value(v: &mut Value, at: &mut Vec<Seg>, pick: &Pick, seed: u64, found: &mut Vec<UncertainInput>) -> Res<()> {
    match v {
        Value::Table(t) if is_uncertain(t) => {
            if matches!(at.first(), Some(Seg::Key(k)) if k == "simulation" || k == "scenario") {
                return invalid(at.clone(), "the simulation's own settings cannot be uncertain: give one value");
            }
            let spec = Spec::parse(t, at)?;
            let name = format_path(at);
            let central = spec.central();
            let value = match pick {
                Pick::Central => central.clone(),
                Pick::Low(p) if *p == name => spec.low.0.clone(),
                Pick::High(p) if *p == name => spec.high.0.clone(),
                Pick::Low(_) | Pick::High(_) => central.clone(),
                Pick::Draw(set) => {
                    let mut rng = stream(seed, *set, stream_key(&format!("uncertain:{name}")));
                    let u: f64 = rng.random();
                    let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, &mut rng);
                    spec.draw(u, z)
                }
            };
            found.push(UncertainInput {
                path: name,
                law: spec.law_name().to_owned(),
                low: shown(&spec.low.0),
                high: shown(&spec.high.0),
                central: if spec.degenerate() {
                    shown(&central)
                } else {
                    read(&central).map_or_else(|| shown(&central), |(k, x)| pretty(k, x))
                },
                value: shown(&value),
            });
            *v = value;
            Ok(())
        }
        Value::Table(t) => walk_table(t, at, pick, seed, found),
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(Seg::Index(i));
                walk_value(item, at, pick, seed, found)?;
                at.pop();
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The seed a document will be compiled with (0 when absent or malformed:
/// compiling reports that).
pub fn doc_seed(doc: &Table) -> u64 {
    match doc.get("simulation").and_then(|s| s.get("seed")) {
        Some(Value::Integer(n)) => u64::try_from(*n).unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Table {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn central_values_and_degenerate_ranges() {
        let mut d = doc(r#"a = { low = "500h", high = "2000h" }
b = { low = "4h", high = "4h" }
c = { low = 2, high = 8, law = "uniform" }
e = { low = "1%", high = "3%", law = "triangular", mode = "2.5%" }
f = { low = "0.1/y", high = "0.4/y", law = "lognormal" }"#);
        let found = resolve(&mut d, &Pick::Central, 1).unwrap();
        assert_eq!(found.len(), 5);
        assert_eq!(d["a"].as_str(), Some("1000h"));
        assert_eq!(d["b"].as_str(), Some("4h"));
        assert_eq!(d["c"].as_integer(), Some(5));
        assert_eq!(d["e"].as_str(), Some("2.5%"));
        let r = parse_rate(d["f"].as_str().unwrap()).unwrap();
        assert!((r - 0.2 / 8760.0).abs() < 1e-15, "{r}");
    }

    #[test]
    fn draws_stay_within_their_range_and_ends_are_exact() {
        for set in 0..200 {
            let mut d = doc(r#"a = { low = "500h", high = "2000h" }
t = { low = 1.0, high = 3.0, law = "triangular", mode = 1.5 }"#);
            resolve(&mut d, &Pick::Draw(set), 7).unwrap();
            let h = parse_duration(d["a"].as_str().unwrap()).unwrap();
            assert!((500.0..=2000.0).contains(&h), "{h}");
            let x = d["t"].as_float().unwrap();
            assert!((1.0..=3.0).contains(&x), "{x}");
        }
        let mut d = doc(r#"a = { low = "30m", high = "2h" }"#);
        resolve(&mut d, &Pick::Low("a".into()), 7).unwrap();
        assert_eq!(d["a"].as_str(), Some("30m"));
    }

    #[test]
    fn bad_specs_are_refused() {
        for text in [
            r#"a = { low = "2h", high = "1h" }"#,
            r#"a = { low = "2h", high = "1/y" }"#,
            r#"a = { low = "2h" }"#,
            r#"a = { low = "0h", high = "1h" }"#,
            r#"a = { low = "1h", high = "2h", law = "beta" }"#,
            r#"a = { low = "1h", high = "2h", law = "triangular" }"#,
            r#"a = { low = "1h", high = "2h", mode = "1h" }"#,
            r#"a = { low = "1h", high = "2h", typo = 1 }"#,
            r#"[simulation]
horizon = { low = "1y", high = "2y" }"#,
        ] {
            assert!(resolve(&mut doc(text), &Pick::Central, 0).is_err(), "{text}");
        }
    }
}
