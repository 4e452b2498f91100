//! Scenario files: reading the TOML, expanding variants, and turning every
//! problem into an error that names file, line, column and field.
//!
//! Loading has two stages. The raw stage (`raw`) is serde with unknown
//! fields rejected; the compile stage (`compile`) checks every rule and builds
//! the index-based [`Model`] that the engine alone accepts. Variants are
//! tables of overrides merged into the base document before both stages, so
//! a variant is checked exactly like a scenario of its own.

mod compile;
pub mod raw;

pub use compile::uncertain::Pick;

use crate::error::{Error, ScenarioError};
use crate::model::Model;
use sha2::{Digest, Sha256};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// One step of a field path.
#[derive(Clone, Debug, PartialEq)]
pub enum Seg {
    /// A table key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A rule broken at a field path, before it is located in the file.
#[derive(Debug)]
pub struct Invalid {
    /// Where.
    pub path: Vec<Seg>,
    /// What rule, and what was expected.
    pub message: String,
}

/// Formats a path as `components.web.zones[2]`.
pub fn format_path(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// A loaded scenario: its compiled variants and what identifies the file.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file it came from.
    pub path: PathBuf,
    /// Name from `[scenario] name`, else the file stem.
    pub name: String,
    /// SHA-256 of the file's bytes, so a result can be traced to its input.
    pub sha256: String,
    /// `[scenario] description`, if any.
    pub description: Option<String>,
    /// `[scenario] question`: what the scenario asks, if it says.
    pub question: Option<String>,
    /// One compiled model per variant, in file order (one named "base" when
    /// the file declares no variants).
    pub variants: Vec<Model>,
}

/// Reads and compiles a scenario file.
pub fn load(path: &Path) -> Result<Scenario, Error> {
    load_str(path, &read(path)?, &[])
}

/// Reads a scenario file's text. A file that cannot be read is bad input
/// (exit code 2), like any other mistake on the command line.
pub fn read(path: &Path) -> Result<String, Error> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::Usage(format!("cannot read scenario file {}: {}", path.display(), io_reason(&e))))
}

/// The OS message without Rust's " (os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_owned(),
                None => text,
            }
        }
    }
}

/// Compiles scenario text; `path` is used in messages only. `overrides` are
/// `(dotted.path, value)` pairs applied to the base before variants (the
/// CLI's `--trials`, `--seed`, and later `--set`).
pub fn load_str(path: &Path, text: &str, overrides: &[(&str, Value)]) -> Result<Scenario, Error> {
    load_picking(path, text, overrides, &Pick::Central)
}

/// [`load_str`], with uncertain inputs taking the values `pick` chooses
/// (their central values in [`load_str`]).
pub fn load_picking(path: &Path, text: &str, overrides: &[(&str, Value)], pick: &Pick) -> Result<Scenario, Error> {
    let file = SourceFile { path, text, pick };
    if text.trim().is_empty() {
        return Err(file
            .error_at(0, "", None, "the file is empty: a scenario needs [simulation], [components] and [services]")
            .into());
    }
    let mut doc: Table = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let mut message = e.message().trim().to_owned();
        if message == "duplicate key" {
            // Name the key; toml's span covers it.
            if let Some(key) = text.get(span.clone()).map(str::trim).filter(|k| !k.is_empty()) {
                message = format!("duplicate key `{key}`: a key may be set only once in a table");
            }
        }
        if let Some(m) = integer_out_of_range(&message, text, span.start) {
            message = m;
        }
        file.error_at(span.start, "", None, format!("invalid TOML: {message}"))
    })?;
    if doc.is_empty() {
        return Err(file
            .error_at(
                0,
                "",
                None,
                "the file has no settings: a scenario needs [simulation], [components] and [services]",
            )
            .into());
    }
    for (key, value) in overrides {
        set_path(&mut doc, key, value.clone()).map_err(Error::Usage)?;
    }
    let variants_table = match doc.remove("variants") {
        None => None,
        Some(Value::Table(t)) => Some(t),
        Some(_) => {
            return Err(file
                .locate(
                    &[Seg::Key("variants".into())],
                    None,
                    "must be a table of named variants, e.g. [variants.three-az]",
                )
                .into());
        }
    };
    let name = doc
        .get("scenario")
        .and_then(|s| s.get("name"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| path.file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned()));

    let meta = |key: &str| doc.get("scenario").and_then(|s| s.get(key)).and_then(Value::as_str).map(str::to_owned);
    let (description, question) = (meta("description"), meta("question"));
    let mut models = Vec::new();
    match variants_table {
        None => models.push(file.compile(doc, "base", None, None)?),
        Some(vs) if vs.is_empty() => {
            return Err(file
                .locate(&[Seg::Key("variants".into())], None, "declares no variant: remove it or add [variants.NAME]")
                .into());
        }
        Some(vs) => {
            for (vname, overrides) in vs {
                let vpath = [Seg::Key("variants".into()), Seg::Key(vname.clone())];
                let Value::Table(mut overrides) = overrides else {
                    return Err(file.locate(&vpath, None, "must be a table of overrides").into());
                };
                let description = match overrides.remove("description") {
                    None => None,
                    Some(Value::String(s)) => Some(s),
                    Some(_) => {
                        let mut p = vpath.to_vec();
                        p.push(Seg::Key("description".into()));
                        return Err(file.locate(&p, None, "must be a string").into());
                    }
                };
                let mut merged = doc.clone();
                merge(&mut merged, overrides);
                match file.compile(merged, &vname, description, Some(&vname)) {
                    Ok(m) => models.push(m),
                    Err(Error::Scenario(e)) => return Err(base_or_variant(&file, &doc, e).into()),
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(Scenario {
        path: path.to_owned(),
        name,
        sha256: hex_sha256(text.as_bytes()),
        description,
        question,
        variants: models,
    })
}

/// An error found in a variant is reported without the variant's name when
/// the base alone has the very same error: it is not the variant's doing.
fn base_or_variant(file: &SourceFile<'_>, base: &Table, in_variant: ScenarioError) -> ScenarioError {
    match file.compile(base.clone(), "base", None, None) {
        Err(Error::Scenario(b)) if b.path == in_variant.path && b.message == in_variant.message => b,
        _ => in_variant,
    }
}

pub(crate) fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Keys that say the same thing in different ways: a variant that sets one
/// of them drops the others from the table it overrides, so switching from
/// `zone = "a"` to `zones = ["a", "b"]`, or from `mttf` to `failure`, needs
/// nothing else. (Bucket placement is not here: a bucket keeps its region
/// and its zone whatever its class.)
const EXCLUSIVE: &[&[&str]] = &[
    &["zone", "zones", "region", "regions"],
    &["mttf", "afr", "failure"],
    &["mttr", "repair"],
    &["rate", "mtbf", "every", "afr"],
    &["p90", "p95", "p99"],
    &["retention", "keep"],
    &["duration", "throughput"],
    &["at", "every"],
    &["at", "offset"],
];

/// Deep-merges `over` into `base`: tables merge key by key, anything else
/// (numbers, strings, arrays) replaces. A table that is a distribution
/// (it has a `type`) or an uncertain value (`{ low = …, high = … }`)
/// replaces the base's whole, as does any table that says `replace = true`;
/// setting one of a group of [`EXCLUSIVE`] keys removes the base's others
/// (placement keys only outside `[buckets]`).
fn merge(base: &mut Table, over: Table) {
    merge_in(base, over, false);
}

fn merge_in(base: &mut Table, over: Table, in_buckets: bool) {
    use compile::uncertain::is_uncertain;
    for (k, v) in over {
        for group in EXCLUSIVE.iter().filter(|g| g.contains(&k.as_str())) {
            let placement = group.contains(&"zones");
            if !(placement && in_buckets) {
                for other in group.iter().filter(|o| **o != k) {
                    base.remove(*other);
                }
            }
        }
        let whole = |t: &Table| t.contains_key("type") || t.get("replace") == Some(&Value::Boolean(true));
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(mut o)) if !whole(&o) && !is_uncertain(b) && !is_uncertain(&o) => {
                let buckets = in_buckets || (k == "buckets" && b.values().all(Value::is_table));
                let _ = o.remove("replace");
                merge_in(b, o, buckets);
            }
            (_, Value::Table(mut o)) => {
                if o.get("replace") == Some(&Value::Boolean(true)) {
                    o.remove("replace");
                }
                base.insert(k, Value::Table(o));
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Sets `a.b.c = value`, creating tables on the way.
pub fn set_path(doc: &mut Table, dotted: &str, value: Value) -> Result<(), String> {
    let keys: Vec<&str> = dotted.split('.').collect();
    let (last, parents) = keys.split_last().ok_or("empty path")?;
    let mut table = doc;
    for k in parents {
        let entry = table.entry((*k).to_owned()).or_insert_with(|| Value::Table(Table::new()));
        table = entry.as_table_mut().ok_or_else(|| format!("{dotted}: {k} is not a table"))?;
    }
    table.insert((*last).to_owned(), value);
    Ok(())
}

/// The text of a scenario, to locate paths in it.
struct SourceFile<'a> {
    path: &'a Path,
    text: &'a str,
    /// Which value uncertain inputs take.
    pick: &'a Pick,
}

impl SourceFile<'_> {
    fn compile(
        &self,
        doc: Table,
        variant: &str,
        description: Option<String>,
        vname: Option<&str>,
    ) -> Result<Model, Error> {
        let mut doc = doc;
        let seed = compile::uncertain::doc_seed(&doc);
        let uncertain = compile::uncertain::resolve(&mut doc, self.pick, seed)
            .map_err(|inv| Error::from(self.locate(&inv.path, vname, inv.message)))?;
        let raw: raw::RawScenario = serde_path_to_error::deserialize(Value::Table(doc)).map_err(|e| {
            let path = serde_path(e.path());
            let message = e.into_inner().message().trim().to_owned();
            // An unknown field is the key's fault, not its value's.
            let at_key = message.starts_with("unknown field");
            self.locate_at(&path, vname, friendly(&message), at_key)
        })?;
        let mut model = compile::compile(&raw, variant, description)
            .map_err(|inv| Error::from(self.locate(&inv.path, vname, inv.message)))?;
        model.uncertain = uncertain;
        Ok(model)
    }

    /// An error at byte `offset`.
    fn error_at(&self, offset: usize, path: &str, variant: Option<&str>, message: impl Into<String>) -> ScenarioError {
        let (line, col) = line_col(self.text, offset);
        ScenarioError {
            file: self.path.to_owned(),
            line,
            col,
            path: path.to_owned(),
            variant: variant.map(str::to_owned),
            message: message.into(),
        }
    }

    /// An error about `path`, placed at the deepest part of it found in the
    /// file: inside the variant's overrides when they set it, else in the
    /// base document.
    fn locate(&self, path: &[Seg], variant: Option<&str>, message: impl Into<String>) -> ScenarioError {
        self.locate_at(path, variant, message, false)
    }

    /// [`Self::locate`], pointing at the last key of `path` rather than at
    /// its value when `at_key` is set.
    fn locate_at(
        &self,
        path: &[Seg],
        variant: Option<&str>,
        message: impl Into<String>,
        at_key: bool,
    ) -> ScenarioError {
        let Ok(doc) = toml::de::DeTable::parse(self.text) else {
            return self.error_at(0, &format_path(path), variant, message);
        };
        let root = doc.get_ref();
        let (base_depth, base_offset) = find(root, path, at_key);
        let mut offset = base_offset;
        if let Some(v) = variant {
            let mut vpath = vec![Seg::Key("variants".into()), Seg::Key(v.to_owned())];
            vpath.extend_from_slice(path);
            let (depth, voff) = find(root, &vpath, at_key);
            // Point into the variant when it sets the field itself, or
            // reaches deeper along its path than the base does (a component
            // only the variant declares); not merely because it overrides a
            // sibling field of the same table.
            let vdepth = depth.saturating_sub(2);
            if depth >= 2 && (vdepth == path.len() || vdepth > base_depth) {
                offset = voff;
            }
        }
        self.error_at(offset, &format_path(path), variant, message)
    }
}

/// Follows `path` as far as the document goes; returns how many segments
/// matched and the byte offset of the deepest match (of its key, when
/// `at_key` is set and the deepest match is a table key).
fn find(root: &toml::de::DeTable<'_>, path: &[Seg], at_key: bool) -> (usize, usize) {
    use toml::de::DeValue;
    let mut depth = 0;
    let mut offset = 0;
    let mut table = Some(root);
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for seg in path {
        let next = match (seg, table, array) {
            (Seg::Key(k), Some(t), _) => {
                t.iter().find(|(key, _)| key.get_ref() == k).map(|(key, v)| (key.span().start, v))
            }
            (Seg::Index(i), _, Some(a)) => a.get(*i).map(|v| (v.span().start, v)),
            _ => None,
        };
        let Some((key_offset, v)) = next else { break };
        depth += 1;
        offset = if at_key { key_offset } else { v.span().start };
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
        array = match v.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => None,
        };
    }
    (depth, offset)
}

fn serde_path(p: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    p.iter()
        .filter_map(|s| match s {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
            Segment::Unknown => None,
        })
        .collect()
}

/// toml's messages for an integer beyond 64 signed bits, reworded with the
/// range (and, for a seed, where a larger one can go).
fn integer_out_of_range(message: &str, text: &str, offset: usize) -> Option<String> {
    if message != "u64 value was too large" && message != "integer number overflowed" {
        return None;
    }
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |i| i + 1);
    let key = text[line_start..offset.min(text.len())].trim_end().trim_end_matches('=').trim();
    let mut m = "integer out of range: TOML integers go from -9223372036854775808 to 9223372036854775807".to_owned();
    if key == "seed" || key.ends_with(".seed") {
        m.push_str(
            "; write a larger seed as a string of digits (seed = \"18446744073709551615\") or give it with --seed",
        );
    }
    Some(m)
}

/// Rewords serde's messages where a workshop reader would stumble.
fn friendly(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing required field {rest}");
    }
    for (rust, plain) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected f64", "expected a number"),
    ] {
        if let Some(head) = message.strip_suffix(rust) {
            return format!("{head}{plain}");
        }
    }
    // serde's names for TOML's shapes, and our Rust type names.
    if let Some(head) = message.strip_suffix("expected a sequence") {
        return format!("{head}expected a list like [\"a\", \"b\"]");
    }
    if let Some((head, _)) = message.split_once("expected struct ").or_else(|| message.split_once("expected a map")) {
        return format!("{head}expected a table");
    }
    if message.starts_with("invalid type") && message.contains("expected a string") {
        return format!(
            "{message} (durations, rates and percentages are strings with a unit, like \"4h\", \"0.2/y\", \"99.9%\")"
        );
    }
    message.to_owned()
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl fmt::Display for Seg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seg::Key(k) => f.write_str(k),
            Seg::Index(i) => write!(f, "[{i}]"),
        }
    }
}
