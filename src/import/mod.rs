//! `nines import`: a scenario skeleton from an infrastructure description
//! people already have — `terraform show -json` output (state or plan) or a
//! CloudFormation template (JSON or YAML).
//!
//! Reading and writing are apart: a reader per source format
//! ([`terraform`], [`cloudformation`], with [`yaml`] for YAML's intrinsic
//! tags) fills one [`Inventory`] whose every value says where it came from;
//! [`writer`] turns it into commented scenario TOML, marking each value with
//! its resource address or as an assumption, and listing what it left out.
//! This module reads the file, tells the formats apart and locates errors.
//! May use: `presets`, `error`.

pub mod cloudformation;
pub mod inventory;
pub mod schedule;
pub mod terraform;
pub mod writer;
pub mod yaml;

pub use inventory::Inventory;

use crate::error::Error;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};

/// Which format the input is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// Tell from the content: `format_version` means Terraform, `Resources`
    /// CloudFormation.
    Auto,
    /// `terraform show -json` output, state or plan.
    Terraform,
    /// A CloudFormation template, JSON or YAML.
    CloudFormation,
}

/// A problem with the input file, located as well as the format allows: a
/// line (JSON syntax, YAML), and the resource address or logical ID.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportError {
    /// The input file.
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// Resource address, logical ID or field path; empty for the whole file.
    pub at: String,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl ImportError {
    /// An error about the whole file or a place in it.
    pub fn new(file: &Path, line: Option<usize>, at: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError { file: file.to_owned(), line, at: at.into(), message: message.into() }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if !self.at.is_empty() {
            write!(f, "{}: ", self.at)?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ImportError {}

impl From<ImportError> for Error {
    /// Malformed input is bad input: exit code 2.
    fn from(e: ImportError) -> Self {
        Error::Usage(e.to_string())
    }
}

/// What an import produced.
#[derive(Debug)]
pub struct Imported {
    /// The scenario, as commented TOML.
    pub scenario: String,
    /// What was read, for tests and summaries.
    pub inventory: Inventory,
}

/// Reads and imports a file.
pub fn import_file(path: &Path, source: Source) -> Result<Imported, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        let reason = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_owned(),
            _ => e.to_string(),
        };
        Error::Usage(format!("cannot read input file {}: {reason}", path.display()))
    })?;
    Ok(import_str(path, &text, source)?)
}

/// Imports the text of a file; `path` names it in messages and in the
/// scenario's header, and its extension tells JSON from YAML.
pub fn import_str(path: &Path, text: &str, source: Source) -> Result<Imported, ImportError> {
    let inventory = read(path, text, source)?;
    inventory.check().map_err(|(at, message)| ImportError::new(path, None, at, message))?;
    if inventory.is_empty() {
        let mut found: Vec<String> = inventory.skipped.iter().chain(&inventory.links).map(|s| s.kind.clone()).collect();
        if !inventory.groups.is_empty() {
            found.push("auto-scaling groups scaled to zero".to_owned());
        }
        found.sort();
        found.dedup();
        let what = if found.is_empty() { "no resources".to_owned() } else { format!("only {}", found.join(", ")) };
        return Err(ImportError::new(
            path,
            None,
            "",
            format!(
                "nothing nines can simulate: it found {what}; it models instances, auto-scaling groups, databases, caches and buckets"
            ),
        ));
    }
    let scenario = writer::write(&inventory, path);
    Ok(Imported { scenario, inventory })
}

/// Parses the file and hands it to the reader of its format.
fn read(path: &Path, text: &str, source: Source) -> Result<Inventory, ImportError> {
    if text.trim().is_empty() {
        return Err(ImportError::new(path, None, "", "the file is empty"));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let json = match ext.as_str() {
        "json" => true,
        "yaml" | "yml" => false,
        _ => text.trim_start().starts_with('{') || source == Source::Terraform,
    };
    if !json {
        if source == Source::Terraform {
            return Err(ImportError::new(path, None, "", "terraform show -json writes JSON; this file is YAML"));
        }
        let (doc, lines) = yaml::parse(path, text)?;
        return cloudformation::read(path, &doc, Some(&lines), "YAML");
    }
    let doc: Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let message = full.rsplit_once(" at line ").map_or(full.as_str(), |(m, _)| m);
        let hint = if text.contains("resource \"") || text.trim_start().starts_with('#') {
            " (is this `terraform show` without -json?)"
        } else {
            ""
        };
        ImportError::new(path, Some(e.line()), "", format!("not valid JSON: {message} at column {}{hint}", e.column()))
    })?;
    let Some(obj) = doc.as_object() else {
        return Err(ImportError::new(
            path,
            None,
            "",
            "expected a JSON object: `terraform show -json` output or a CloudFormation template",
        ));
    };
    let is_terraform = match source {
        Source::Terraform => true,
        Source::CloudFormation => false,
        Source::Auto => {
            if obj.contains_key("format_version") {
                true
            } else if obj.contains_key("Resources") || obj.contains_key("AWSTemplateFormatVersion") {
                false
            } else {
                return Err(ImportError::new(
                    path,
                    None,
                    "",
                    "neither `terraform show -json` output (no \"format_version\") nor a CloudFormation template (no \"Resources\")",
                ));
            }
        }
    };
    if is_terraform { terraform::read(path, &doc) } else { cloudformation::read(path, &doc, None, "JSON") }
}

/// One line on what an import found: what it modelled, how many values it
/// assumed, what it left out.
pub fn summary(imported: &Imported) -> String {
    let inv = &imported.inventory;
    let mut parts = Vec::new();
    for (n, what) in [
        (inv.groups.len(), "auto-scaling group"),
        (inv.instances.len(), "instance"),
        (inv.databases.len(), "database"),
        (inv.caches.len(), "cache"),
        (inv.buckets.len(), "bucket"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
        }
    }
    let assumptions = imported.scenario.matches("ASSUMPTION").count();
    format!(
        "{}; {assumptions} assumptions marked; {} resource(s) not modelled (listed at the end)",
        parts.join(", "),
        inv.skipped.len()
    )
}
