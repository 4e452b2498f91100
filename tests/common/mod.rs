//! Helpers shared by the closed-form test files: run a scenario text, and
//! compare a measured mean or share with an exact value within 4 standard
//! errors (the suite's CI-derived tolerance; fixed seeds make each run
//! deterministic).

#![allow(dead_code)] // Each test file uses its own subset.

use nines::report::VariantReport;
use nines::runner;
use nines::scenario::load_str;
use std::path::Path;

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Runs the first variant of a scenario text.
pub fn run(text: &str) -> VariantReport {
    run_all(text).remove(0)
}

/// Runs every variant of a scenario text.
pub fn run_all(text: &str) -> Vec<VariantReport> {
    run_overriding(text, &[])
}

/// Runs every variant of a scenario text with `trials` trials.
pub fn run_trials(text: &str, trials: i64) -> Vec<VariantReport> {
    run_overriding(text, &[("simulation.trials", toml::Value::Integer(trials))])
}

fn run_overriding(text: &str, overrides: &[(&str, toml::Value)]) -> Vec<VariantReport> {
    let s = load_str(Path::new("inline.toml"), text, overrides).unwrap_or_else(|e| panic!("{e}"));
    s.variants.iter().map(|m| VariantReport::new(m, &runner::run(m, &|_| {}))).collect()
}

/// |measured − exact| < 4 SE, the SE read off the reported 95% interval.
pub fn assert_z(what: &str, mean: f64, ci95: [f64; 2], exact: f64) {
    let se = (ci95[1] - ci95[0]) / (2.0 * Z95);
    let z = (mean - exact) / se;
    eprintln!("{what}: measured {mean:.5} [{:.5}, {:.5}], exact {exact:.5}, z = {z:.2}", ci95[0], ci95[1]);
    assert!(z.abs() < 4.0, "{what}: measured {mean} ± {se} (SE), exact {exact}, z = {z:.2}");
}

/// |p̂ − p| < 4 binomial standard errors of the exact p.
pub fn assert_p(what: &str, observed: u64, n: u64, exact: f64) {
    let p = observed as f64 / n as f64;
    let se = (exact * (1.0 - exact) / n as f64).sqrt();
    let z = (p - exact) / se;
    eprintln!("{what}: measured {p:.5} ({observed} of {n}), exact {exact:.5}, z = {z:.2}");
    assert!(z.abs() < 4.0, "{what}: {p} vs {exact}, z = {z:.2}");
}
