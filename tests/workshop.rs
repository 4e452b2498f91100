//! The workshop in `scenarios/workshop/`: every step's sheet has its four
//! parts, and every command it tells people to run works as written (run
//! from a folder that holds the repository's `scenarios/`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sheets, in step order.
fn sheets() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios/workshop"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    v.sort();
    v
}

/// The `nines …` lines of a sheet's shell blocks.
fn commands(sheet: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for line in sheet.lines() {
        if line.starts_with("```") {
            in_sh = line.trim() == "```sh";
            continue;
        }
        if in_sh && line.starts_with("nines ") {
            out.push(line.to_owned());
        }
    }
    out
}

#[test]
fn every_step_has_a_sheet_with_its_four_parts() {
    let sheets = sheets();
    assert_eq!(sheets.len(), 7, "{sheets:?}");
    for s in &sheets {
        let text = std::fs::read_to_string(s).unwrap();
        for part in ["## What to run", "## What to look at", "## Question", "## Takeaway"] {
            assert!(text.contains(part), "{}: no {part}", s.display());
        }
        assert!(!commands(&text).is_empty(), "{}: nothing to run", s.display());
    }
    // Every workshop scenario is used by a sheet.
    let all: String = sheets.iter().map(|s| std::fs::read_to_string(s).unwrap()).collect();
    for e in std::fs::read_dir(root().join("scenarios/workshop")).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "toml") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            assert!(all.contains(&name), "no sheet runs {name}");
        }
    }
}

#[test]
fn every_command_of_every_sheet_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(root().join("scenarios"), dir.path().join("scenarios")).unwrap();
    let mut ran = 0;
    for s in sheets() {
        for cmd in commands(&std::fs::read_to_string(&s).unwrap()) {
            let args: Vec<&str> = cmd.split_whitespace().skip(1).collect();
            let out = Command::new(env!("CARGO_BIN_EXE_nines")).args(&args).current_dir(dir.path()).output().unwrap();
            assert!(out.status.success(), "{}: `{cmd}` failed:\n{}", s.display(), String::from_utf8_lossy(&out.stderr));
            assert!(!out.stdout.is_empty() || !out.stderr.is_empty(), "{}: `{cmd}` said nothing", s.display());
            ran += 1;
        }
    }
    assert!(ran >= 14, "only {ran} commands");
}
