//! JSON Schemas (draft 2020-12) of what nines reads and writes: the
//! scenario file (its TOML read as JSON) and the `--json` outputs of `run`,
//! `merge`, `sweep` and `timeline`. They are generated from the serde types
//! that read and write those files, so a shipped copy under `schemas/`
//! cannot drift from the code unnoticed (a test regenerates and compares).
//!
//! A schema checks the shape: keys, types, which keys a table needs. The
//! rules that span fields (one of `mttf`, `afr` or `failure`; a zone that
//! exists) stay with `nines check`, which says where and why.

use crate::report::{Report, sweep::SweepReport, timeline::Timeline};
use crate::scenario::raw::RawScenario;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

/// Which file a schema describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A scenario file (`scenarios/*.toml`).
    Scenario,
    /// `nines run --json` and `nines merge --json`.
    Report,
    /// `nines sweep --json`.
    Sweep,
    /// `nines timeline --json`.
    Timeline,
}

impl Kind {
    /// Every kind, in the order of `schemas/`.
    pub const ALL: [Kind; 4] = [Kind::Scenario, Kind::Report, Kind::Sweep, Kind::Timeline];

    /// The name on the command line and in the file name.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Scenario => "scenario",
            Kind::Report => "report",
            Kind::Sweep => "sweep",
            Kind::Timeline => "timeline",
        }
    }

    /// Where the shipped copy lives, relative to the repository root.
    pub fn file_name(self) -> String {
        format!("{}.schema.json", self.name())
    }
}

/// The schema of `kind`, as JSON.
pub fn generate(kind: Kind) -> Value {
    match kind {
        Kind::Scenario => scenario(),
        Kind::Report => {
            output::<Report>("nines report", "The JSON written by `nines run --json` and `nines merge --json`.")
        }
        Kind::Sweep => output::<SweepReport>("nines sweep", "The JSON written by `nines sweep --json`."),
        Kind::Timeline => output::<Timeline>("nines timeline", "The JSON written by `nines timeline --json`."),
    }
}

/// The schema of `kind` as the text shipped under `schemas/`.
pub fn text(kind: Kind) -> String {
    let mut s = serde_json::to_string_pretty(&generate(kind)).expect("schemas serialise");
    s.push('\n');
    s
}

/// An output's schema: what serialising `T` can produce. Objects allow
/// fields the schema does not list, so a reader written against this
/// version keeps working when a later one adds fields.
fn output<T: JsonSchema>(title: &str, description: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().for_serialize().into_generator();
    let mut root = generator.into_root_schema_for::<T>().to_value();
    nullable_numbers(&mut root);
    let description = format!(
        "{description} Every number may be null where it has no finite value (the relative error of an estimate of 0, the nines of a run without downtime)."
    );
    head(&mut root, title, &description);
    root
}

/// JSON has no infinity or NaN: serde writes them as null, so every
/// floating-point field may be null.
fn nullable_numbers(v: &mut Value) {
    match v {
        Value::Object(m) => {
            match m.get_mut("type") {
                Some(t @ Value::String(_)) if t == "number" => *t = json!(["number", "null"]),
                Some(Value::Array(types)) if types.contains(&json!("number")) && !types.contains(&json!("null")) => {
                    types.push(json!("null"));
                }
                _ => {}
            }
            m.values_mut().for_each(nullable_numbers);
        }
        Value::Array(a) => a.iter_mut().for_each(nullable_numbers),
        _ => {}
    }
}

/// Puts `$schema`, `title` and `description` first.
fn head(root: &mut Value, title: &str, description: &str) {
    let Value::Object(body) = root else { return };
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        body.remove("$schema").unwrap_or(json!("https://json-schema.org/draft/2020-12/schema")),
    );
    out.insert("title".into(), json!(title));
    out.insert("description".into(), json!(description));
    body.remove("title");
    body.remove("description");
    out.append(body);
    *body = out;
}

/// Tables of `[simulation]` and `[scenario]`: their values cannot be
/// uncertain.
const CERTAIN: &[&str] = &["Simulation", "Meta", "Seed"];

/// Names of uncertain values' and variants' definitions.
const UNCERTAIN: &str = "Uncertain";
const VARIANT: &str = "Variant";
/// Suffix of a table's definition as a variant may write it.
const OVERRIDE: &str = "Override";

/// The scenario file's schema: the serde types of `scenario::raw`, with
/// TOML's facts added that the types alone do not carry — no nulls, any
/// number, duration, rate, percentage or size may be an uncertain range,
/// and `[variants.NAME]` tables override any part of the base.
fn scenario() -> Value {
    let generator = SchemaSettings::draft2020_12().for_deserialize().into_generator();
    let mut root = generator.into_root_schema_for::<RawScenario>().to_value();
    drop_raw_prefix(&mut root);
    drop_nulls(&mut root);
    let mut defs = match root.as_object_mut().and_then(|r| r.remove("$defs")) {
        Some(Value::Object(d)) => d,
        _ => Map::new(),
    };

    // Uncertain values: wherever a scalar other than a boolean is written.
    for (name, def) in defs.iter_mut() {
        if !CERTAIN.contains(&name.as_str()) {
            allow_uncertain(def);
        }
    }
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        for (key, prop) in props.iter_mut() {
            if key != "simulation" && key != "scenario" {
                wrap_uncertain(prop);
            }
        }
    }
    if let Some(Value::Object(d)) = defs.get_mut("Distribution") {
        if let Some(Value::Array(any)) = d.get_mut("anyOf") {
            any.push(json!({ "$ref": format!("#/$defs/{UNCERTAIN}") }));
        }
    }
    defs.insert(UNCERTAIN.into(), uncertain_def());

    // Variants: the base's top-level tables, every key optional.
    let mut variant = root.clone();
    if let Value::Object(v) = &mut variant {
        v.remove("$schema");
        v.remove("title");
        v.insert("description".into(), json!("Overrides merged into the base scenario: tables merge key by key, anything else (strings, numbers, arrays, a distribution with `type`, a table with `replace = true`) replaces what the base says."));
        if let Some(Value::Object(props)) = v.get_mut("properties") {
            props.insert(
                "description".into(),
                json!({ "type": "string", "description": "What this variant changes, for reports." }),
            );
        }
    }
    let mut wanted = Vec::new();
    partial(&mut variant, &mut wanted);
    if let Some(Value::Object(props)) = variant.get_mut("properties") {
        props.shift_remove("replace");
    }
    let mut done: Vec<String> = Vec::new();
    while let Some(name) = wanted.pop() {
        if done.contains(&name) {
            continue;
        }
        let Some(mut def) = defs.get(&name).cloned() else { continue };
        partial(&mut def, &mut wanted);
        defs.insert(format!("{name}{OVERRIDE}"), def);
        done.push(name);
    }
    defs.insert(VARIANT.into(), variant);
    if let Some(Value::Object(props)) = root.get_mut("properties") {
        props.insert(
            "variants".into(),
            json!({
                "description": "Named variants compared side by side, e.g. [variants.three-az]: each overrides part of the base.",
                "type": "object",
                "minProperties": 1,
                "additionalProperties": { "$ref": format!("#/$defs/{VARIANT}") }
            }),
        );
    }
    if let Value::Object(r) = &mut root {
        defs.sort_keys();
        r.insert("$defs".into(), Value::Object(defs));
    }
    head(
        &mut root,
        "nines scenario",
        "A nines scenario file (TOML), as JSON. The schema checks keys and types; `nines check` checks the rest.",
    );
    root
}

/// `RawComponent` → `Component`, in definitions and references alike.
fn drop_raw_prefix(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref") {
                if let Some(rest) = r.strip_prefix("#/$defs/Raw") {
                    *r = format!("#/$defs/{rest}");
                }
            }
            if let Some(Value::Object(defs)) = m.get_mut("$defs") {
                let old = std::mem::take(defs);
                for (k, d) in old {
                    let k = k.strip_prefix("Raw").map_or(k.clone(), str::to_owned);
                    defs.insert(k, d);
                }
            }
            m.values_mut().for_each(drop_raw_prefix);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_raw_prefix),
        _ => {}
    }
}

/// TOML has no null: `Option` fields are simply absent.
fn drop_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Array(types)) = m.get("type") {
                let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
                let single = kept.len() == 1;
                m.insert("type".into(), if single { kept[0].clone() } else { Value::Array(kept) });
            }
            if let Some(Value::Array(any)) = m.get_mut("anyOf") {
                any.retain(|s| s != &json!({ "type": "null" }));
                if any.len() == 1 {
                    let only = any.pop().expect("one");
                    m.remove("anyOf");
                    if let Value::Object(inner) = only {
                        for (k, x) in inner {
                            m.entry(k).or_insert(x);
                        }
                    }
                }
            }
            m.values_mut().for_each(drop_nulls);
        }
        Value::Array(a) => a.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// Lets each scalar field of a table (and each value of a map of scalars)
/// be an uncertain range instead.
fn allow_uncertain(def: &mut Value) {
    if let Some(Value::Object(props)) = def.get_mut("properties") {
        props.values_mut().for_each(wrap_uncertain);
    }
    if let Some(extra) = def.get_mut("additionalProperties") {
        wrap_uncertain(extra);
    }
}

/// `{ type = "string" }` → `anyOf [string, Uncertain]`; tables, arrays,
/// booleans and references are left as they are.
fn wrap_uncertain(prop: &mut Value) {
    let Value::Object(m) = prop else { return };
    if let Some(extra) = m.get_mut("additionalProperties") {
        wrap_uncertain(extra);
        return;
    }
    let scalar = |t: &Value| matches!(t.as_str(), Some("string" | "number" | "integer"));
    let is_scalar = match m.get("type") {
        Some(Value::Array(ts)) => !ts.is_empty() && ts.iter().all(scalar),
        Some(t) => scalar(t),
        None => false,
    };
    if !is_scalar || m.contains_key("enum") {
        return;
    }
    let description = m.remove("description");
    let plain = Value::Object(std::mem::take(m));
    if let Some(d) = description {
        m.insert("description".into(), d);
    }
    m.insert("anyOf".into(), json!([plain, { "$ref": format!("#/$defs/{UNCERTAIN}") }]));
}

fn uncertain_def() -> Value {
    let end = |what: &str| json!({ "type": ["string", "number"], "description": what });
    json!({
        "description": "A value not known exactly: its range, e.g. { low = \"500h\", high = \"2000h\" } (log-uniform), with law = \"uniform\", \"triangular\" (and mode) or \"lognormal\" (low and high its 5th and 95th percentiles).",
        "type": "object",
        "properties": {
            "low": end("The lowest plausible value, in the field's own form (\"500h\", \"1%\", 3)."),
            "high": end("The highest plausible value, the same kind as `low`."),
            "law": { "enum": ["log-uniform", "uniform", "triangular", "lognormal"], "description": "How the value spreads between its ends (default log-uniform)." },
            "mode": end("The most likely value, with law = \"triangular\".")
        },
        "required": ["low", "high"],
        "additionalProperties": false
    })
}

/// Makes a table schema partial, as a variant writes it: no key required,
/// `replace = true` allowed, and the tables it holds partial too
/// (collected in `wanted`). Array items stay whole: an array replaces.
fn partial(schema: &mut Value, wanted: &mut Vec<String>) {
    let Value::Object(m) = schema else { return };
    if let Some(Value::String(r)) = m.get_mut("$ref") {
        if let Some(name) = r.strip_prefix("#/$defs/") {
            if name != UNCERTAIN && !name.ends_with(OVERRIDE) && name != VARIANT {
                wanted.push(name.to_owned());
                *r = format!("#/$defs/{name}{OVERRIDE}");
            }
        }
    }
    m.remove("required");
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        props.values_mut().for_each(|p| partial(p, wanted));
        props.entry("replace").or_insert_with(|| {
            json!({ "type": "boolean", "description": "In a variant: replace the base's table whole instead of merging into it." })
        });
    }
    if let Some(extra) = m.get_mut("additionalProperties") {
        partial(extra, wanted);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(options)) = m.get_mut(key) {
            options.iter_mut().for_each(|o| partial(o, wanted));
        }
    }
}
