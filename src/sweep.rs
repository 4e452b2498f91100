//! `nines sweep`: one parameter of the scenario set to each of several
//! values, every run with the same seed, so the curve shows the parameter's
//! effect and not sampling noise.
//!
//! `--set PATH=V1,V2,...` names a field of the scenario by its dotted path
//! (`components.web.count`) and the values to try. Each value is read as a
//! TOML value (`3` is an integer, `"4h"` a string, `["a", "b"]` a list), and
//! a value that is not valid TOML is taken as a bare string (`4h`,
//! `one-zone-ia`). The value replaces the base scenario's before variants
//! are applied, exactly like a line added to the file; a variant that sets
//! the same field itself keeps its own value (nines warns).

use crate::error::Error;
use crate::progress::Progress;
use crate::report::Report;
use crate::report::sweep::{SweepReport, SweepRun};
use crate::runner::{self, RunOptions};
use crate::scenario::{self, Scenario};
use crate::stdout;
use std::time::Instant;
use toml::{Table, Value};

/// One `--set`: a dotted path and the values to give it.
#[derive(Clone, Debug, PartialEq)]
pub struct SetArg {
    /// Dotted path, e.g. `components.web.count`.
    pub path: String,
    /// Each value as typed, and as parsed.
    pub values: Vec<(String, Value)>,
}

/// Tables whose keys are names the scenario chooses: a path into one of
/// them must name an existing entry (a typo would otherwise declare a new,
/// incomplete component).
const NAMED: &[&str] = &["components", "buckets", "services", "regions", "zones", "variants"];

/// Parses `PATH=V1,V2,...`.
pub fn parse_set(arg: &str) -> Result<SetArg, Error> {
    let usage = |why: &str| {
        Error::Usage(format!("--set {arg}: {why}; expected PATH=V1,V2,... like components.web.count=2,3,4"))
    };
    let (path, list) = arg.split_once('=').ok_or_else(|| usage("no '='"))?;
    let path = path.trim();
    if path.is_empty() || path.split('.').any(|k| k.trim().is_empty()) {
        return Err(usage("the path has an empty key"));
    }
    let mut values = Vec::new();
    for text in split_values(list) {
        let text = text.trim();
        if text.is_empty() {
            return Err(usage("empty value"));
        }
        values.push((text.to_owned(), parse_value(text)));
    }
    if values.is_empty() {
        return Err(usage("no value"));
    }
    Ok(SetArg { path: path.to_owned(), values })
}

/// Splits at commas that are not inside brackets, braces or quotes, so a
/// value may be a TOML list: `["a","b"],["a","b","c"]`.
pub fn split_values(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    for c in list.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            (None, ',') if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out
}

/// A value as TOML, or else as a bare string.
pub fn parse_value(text: &str) -> Value {
    match toml::from_str::<Table>(&format!("v = {text}")) {
        Ok(mut t) => t.remove("v").unwrap_or_else(|| Value::String(text.to_owned())),
        Err(_) => Value::String(text.to_owned()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::Table(_) => "a table",
    }
}

/// Checks that `path` can be set in the scenario `doc`: every existing step
/// on the way is a table, and a path into a named table (`components.X…`)
/// names an entry the scenario declares.
pub fn check_path(doc: &Table, path: &str) -> Result<(), Error> {
    let keys: Vec<&str> = path.split('.').map(str::trim).collect();
    let mut table = doc;
    for (i, key) in keys.iter().enumerate() {
        let so_far = keys[..=i].join(".");
        let last = i + 1 == keys.len();
        match table.get(*key) {
            Some(Value::Table(t)) => table = t,
            Some(v) if !last => {
                return Err(Error::Usage(format!(
                    "--set {path}: {so_far} is {} in the scenario, not a table",
                    type_name(v)
                )));
            }
            Some(_) => {}
            None => {
                if i == 1 && NAMED.contains(&keys[0]) {
                    let known: Vec<&str> = table.keys().map(String::as_str).collect();
                    return Err(Error::Usage(format!(
                        "--set {path}: the scenario has no {} {key:?}{}",
                        keys[0].trim_end_matches('s'),
                        if known.is_empty() { String::new() } else { format!(" (it has: {})", known.join(", ")) }
                    )));
                }
                return Ok(());
            }
        }
        if NAMED.contains(key) && i == 0 && last {
            return Err(Error::Usage(format!("--set {path}: name an entry and a field, like {key}.NAME.FIELD")));
        }
    }
    Ok(())
}

/// Variants that set `path` (or a non-table step of it) themselves, so the
/// swept value does not reach them.
pub fn variants_overriding(doc: &Table, path: &str) -> Vec<String> {
    let Some(Value::Table(variants)) = doc.get("variants") else { return Vec::new() };
    let keys: Vec<&str> = path.split('.').map(str::trim).collect();
    variants
        .iter()
        .filter(|(_, v)| {
            let mut cur = *v;
            for k in &keys {
                match cur {
                    Value::Table(t) => match t.get(*k) {
                        Some(next) => cur = next,
                        None => return false,
                    },
                    _ => return true,
                }
            }
            true
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// Numeric positions of the values: numbers as they are, durations in
/// hours; `None` unless every value is one kind or the other.
pub fn axis_positions(values: &[(String, Value)]) -> (Vec<Option<f64>>, Option<String>) {
    let numbers: Option<Vec<f64>> = values
        .iter()
        .map(|(_, v)| match v {
            Value::Integer(i) => Some(*i as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        })
        .collect();
    if let Some(n) = numbers {
        return (n.into_iter().map(Some).collect(), None);
    }
    let hours: Option<Vec<f64>> =
        values.iter().map(|(_, v)| v.as_str().and_then(|s| crate::units::parse_duration(s).ok())).collect();
    match hours {
        Some(h) => (h.into_iter().map(Some).collect(), Some("hours".to_owned())),
        None => (vec![None; values.len()], None),
    }
}

/// The swept `--set` (the one with several values, else the first) and
/// the fixed ones.
fn split_sets(sets: Vec<SetArg>) -> Result<(SetArg, Vec<SetArg>), Error> {
    let several: Vec<&SetArg> = sets.iter().filter(|s| s.values.len() > 1).collect();
    if several.len() > 1 {
        return Err(Error::Usage(format!(
            "only one --set may list several values (got {} and {}); give the others one value each",
            several[0].path, several[1].path
        )));
    }
    let i = sets.iter().position(|s| s.values.len() > 1).unwrap_or(0);
    let mut sets = sets;
    let swept = sets.remove(i);
    Ok((swept, sets))
}

/// Loads the scenario with one value of the sweep; a scenario error is the
/// value's fault (the base was checked first), so it is told as one.
fn load_value(
    args: &RunOptions,
    text: &str,
    overrides: &[(&str, Value)],
    set: &str,
    deaf: &[String],
) -> Result<Scenario, Error> {
    match scenario::load_str(&args.file, text, overrides) {
        Ok(mut s) => {
            runner::select_variants(&mut s, &args.variants)?;
            if args.variants.is_empty() {
                s.variants.retain(|m| !deaf.contains(&m.variant));
            }
            Ok(s)
        }
        Err(Error::Scenario(e)) => {
            let variant = e.variant.as_ref().map(|v| format!("in variant {v:?}: ")).unwrap_or_default();
            let path = if e.path.is_empty() { String::new() } else { format!("{}: ", e.path) };
            Err(Error::Usage(format!("--set {set}: {variant}{path}{}", e.message)))
        }
        Err(Error::Usage(m)) => Err(Error::Usage(format!("--set {set}: {m}"))),
        Err(e) => Err(e),
    }
}

/// Runs a sweep of `set` (each `PATH=V1,V2,...`) and returns its report
/// (nothing written).
pub fn simulate(args: &RunOptions, set: &[String]) -> Result<SweepReport, Error> {
    let base = runner::base_overrides(args.trials, args.seed)?;
    let text = scenario::read(&args.file)?;
    // The scenario itself must be sound before any value is blamed.
    let mut first = scenario::load_str(&args.file, &text, &base)?;
    runner::select_variants(&mut first, &args.variants)?;
    let doc: Table = toml::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", args.file.display())))?;
    let sets = set.iter().map(|a| parse_set(a)).collect::<Result<Vec<_>, _>>()?;
    for s in &sets {
        check_path(&doc, &s.path)?;
    }
    let (swept, fixed) = split_sets(sets)?;
    // Variants that set the swept field themselves would draw flat lines:
    // left out, unless named with --variant.
    let deaf = variants_overriding(&doc, &swept.path);
    let named = |v: &String| args.variants.contains(v);
    if !deaf.is_empty() && first.variants.iter().all(|m| deaf.contains(&m.variant)) && args.variants.is_empty() {
        return Err(Error::Usage(format!(
            "--set {}: every variant sets it itself, so the sweep would change nothing; sweep \
             variants.NAME.{} instead",
            swept.path, swept.path
        )));
    }
    if !args.quiet {
        for v in &deaf {
            if named(v) {
                stdout::note(format_args!(
                    "warning: variant {v:?} sets {} itself: the sweep does not change it",
                    swept.path
                ));
            } else if first.variants.iter().any(|m| &m.variant == v) {
                stdout::note(format_args!("note: variant {v:?} sets {} itself: left out of the sweep", swept.path));
            }
        }
    }

    // Load every value before running any, so a bad one fails fast.
    let mut scenarios = Vec::new();
    for (label, value) in &swept.values {
        let mut overrides = base.clone();
        for f in &fixed {
            overrides.push((f.path.as_str(), f.values[0].1.clone()));
        }
        overrides.push((swept.path.as_str(), value.clone()));
        let set = format!("{}={label}", swept.path);
        scenarios.push(load_value(args, &text, &overrides, &set, &deaf)?);
    }

    let (pool, threads) = runner::thread_pool(args.threads)?;
    let total: u64 = scenarios.iter().flat_map(|s| &s.variants).map(|m| m.trials).sum();
    let progress = Progress::new(total, !args.quiet);
    let (xs, x_unit) = axis_positions(&swept.values);
    let file = args.file.display().to_string();
    let mut runs = Vec::new();
    for ((s, (label, _)), x) in scenarios.iter().zip(&swept.values).zip(xs) {
        let start = Instant::now();
        progress.next_part();
        let (reports, comparisons) = runner::run_variants(s, &pool, &progress, None, &args.effort())?;
        let trials: u64 = s.variants.iter().map(|m| m.trials).sum();
        let timing = runner::timing(start, threads, trials, &reports);
        runs.push(SweepRun { value: label.clone(), x, report: Report::new(s, &file, reports, comparisons, timing) });
    }
    progress.finish();
    let m = &first.variants[0];
    Ok(SweepReport {
        schema_version: crate::report::SCHEMA_VERSION,
        nines_version: env!("CARGO_PKG_VERSION").to_owned(),
        scenario: first.name.clone(),
        scenario_file: file,
        scenario_sha256: first.sha256.clone(),
        seed: m.seed,
        trials: m.trials,
        parameter: swept.path.clone(),
        x_unit,
        fixed: fixed.iter().map(|f| format!("{}={}", f.path, f.values[0].0)).collect(),
        runs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_as_toml_or_bare_strings() {
        assert_eq!(parse_value("3"), Value::Integer(3));
        assert_eq!(parse_value("2.5"), Value::Float(2.5));
        assert_eq!(parse_value("\"4h\""), Value::String("4h".into()));
        assert_eq!(parse_value("4h"), Value::String("4h".into()));
        assert_eq!(parse_value("one-zone-ia"), Value::String("one-zone-ia".into()));
        assert!(matches!(parse_value("[\"a\", \"b\"]"), Value::Array(a) if a.len() == 2));
    }

    #[test]
    fn commas_inside_lists_do_not_split() {
        assert_eq!(split_values("2,3,4"), ["2", "3", "4"]);
        assert_eq!(split_values("[\"a\",\"b\"],[\"a,b\"]"), ["[\"a\",\"b\"]", "[\"a,b\"]"]);
        let s = parse_set("components.web.zones=[\"a\",\"b\"],[\"a\",\"b\",\"c\"]").unwrap();
        assert_eq!(s.values.len(), 2);
        assert!(parse_set("components.web.count").is_err());
        assert!(parse_set("components..count=2").is_err());
        assert!(parse_set("components.web.count=2,,3").is_err());
    }

    #[test]
    fn paths_into_named_tables_must_exist() {
        let doc: Table = toml::from_str("[components.web]\ncount = 2\n[simulation]\ntrials = 3\n").unwrap();
        assert!(check_path(&doc, "components.web.count").is_ok());
        assert!(check_path(&doc, "components.web.mttr").is_ok());
        assert!(check_path(&doc, "targets.slo").is_ok());
        let e = check_path(&doc, "components.wbe.count").unwrap_err().to_string();
        assert!(e.contains("no component \"wbe\"") && e.contains("web"), "{e}");
        let e = check_path(&doc, "components.web.count.x").unwrap_err().to_string();
        assert!(e.contains("components.web.count is an integer"), "{e}");
    }

    #[test]
    fn numeric_axes() {
        let v = |s: &str| (s.to_owned(), parse_value(s));
        assert_eq!(axis_positions(&[v("2"), v("3")]).0, [Some(2.0), Some(3.0)]);
        let (x, unit) = axis_positions(&[v("30m"), v("4h")]);
        assert_eq!(x, [Some(0.5), Some(4.0)]);
        assert_eq!(unit.as_deref(), Some("hours"));
        assert_eq!(axis_positions(&[v("standard"), v("4h")]).0, [None, None]);
    }
}
