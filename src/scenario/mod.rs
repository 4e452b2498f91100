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
#[derive(Debug)]
pub struct Scenario {
    /// The file it came from.
    pub path: PathBuf,
    /// Name from `[scenario] name`, else the file stem.
    pub name: String,
    /// SHA-256 of the file's bytes, so a result can be traced to its input.
    pub sha256: String,
    /// One compiled model per variant, in file order (one named "base" when
    /// the file declares no variants).
    pub variants: Vec<Model>,
}

/// Reads and compiles a scenario file.
pub fn load(path: &Path) -> Result<Scenario, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.to_owned(), source })?;
    load_str(path, &text, &[])
}

/// Compiles scenario text; `path` is used in messages only. `overrides` are
/// `(dotted.path, value)` pairs applied to the base before variants (the
/// CLI's `--trials`, `--seed`, and later `--set`).
pub fn load_str(path: &Path, text: &str, overrides: &[(&str, Value)]) -> Result<Scenario, Error> {
    let file = SourceFile { path, text };
    if text.trim().is_empty() {
        return Err(file
            .error_at(0, "", None, "the file is empty: a scenario needs [simulation], [components] and [services]")
            .into());
    }
    let mut doc: Table = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        file.error_at(offset, "", None, format!("invalid TOML: {}", e.message().trim()))
    })?;
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
                models.push(file.compile(merged, &vname, description, Some(&vname))?);
            }
        }
    }
    Ok(Scenario { path: path.to_owned(), name, sha256: hex_sha256(text.as_bytes()), variants: models })
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Deep-merges `over` into `base`: tables merge key by key, anything else
/// (numbers, strings, arrays) replaces.
fn merge(base: &mut Table, over: Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(o)) => merge(b, o),
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
}

impl SourceFile<'_> {
    fn compile(
        &self,
        doc: Table,
        variant: &str,
        description: Option<String>,
        vname: Option<&str>,
    ) -> Result<Model, Error> {
        let raw: raw::RawScenario = serde_path_to_error::deserialize(Value::Table(doc)).map_err(|e| {
            let path = serde_path(e.path());
            let message = e.into_inner().message().trim().to_owned();
            self.locate(&path, vname, friendly(&message))
        })?;
        compile::compile(&raw, variant, description)
            .map_err(|inv| Error::from(self.locate(&inv.path, vname, inv.message)))
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
        let Ok(doc) = toml::de::DeTable::parse(self.text) else {
            return self.error_at(0, &format_path(path), variant, message);
        };
        let root = doc.get_ref();
        let (base_depth, base_offset) = find(root, path);
        let mut offset = base_offset;
        if let Some(v) = variant {
            let mut vpath = vec![Seg::Key("variants".into()), Seg::Key(v.to_owned())];
            vpath.extend_from_slice(path);
            let (depth, voff) = find(root, &vpath);
            // Point into the variant when it sets part of the path itself.
            if depth > 2 || base_depth == 0 {
                offset = voff;
            }
        }
        self.error_at(offset, &format_path(path), variant, message)
    }
}

/// Follows `path` as far as the document goes; returns how many segments
/// matched and the byte offset of the deepest match.
fn find(root: &toml::de::DeTable<'_>, path: &[Seg]) -> (usize, usize) {
    use toml::de::DeValue;
    let mut depth = 0;
    let mut offset = 0;
    let mut table = Some(root);
    let mut array: Option<&toml::de::DeArray<'_>> = None;
    for seg in path {
        let next = match (seg, table, array) {
            (Seg::Key(k), Some(t), _) => t.iter().find(|(key, _)| key.get_ref() == k).map(|(_, v)| v),
            (Seg::Index(i), _, Some(a)) => a.iter().nth(*i),
            _ => None,
        };
        let Some(v) = next else { break };
        depth += 1;
        offset = v.span().start;
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

/// Rewords serde's messages where a workshop reader would stumble.
fn friendly(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing required field {rest}");
    }
    for (rust, plain) in [("expected i64", "expected a whole number"), ("expected u64", "expected a whole number ≥ 0"), ("expected f64", "expected a number")] {
        if let Some(head) = message.strip_suffix(rust) {
            return format!("{head}{plain}");
        }
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
