//! The uncertainty section of a report (`nines run --uncertainty N`): the
//! inputs written as ranges, each variant's mean downtime across input
//! sets, and the tornado. [`crate::uncertainty`] computes it.

use schemars::JsonSchema;
use serde::Serialize;

/// One uncertain input as written.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct InputRange {
    /// Dotted field path.
    pub input: String,
    /// How it is spread.
    pub law: String,
    /// Low end.
    pub low: String,
    /// High end.
    pub high: String,
    /// Central value (what an ordinary run uses).
    pub central: String,
}

/// One variant's mean downtime across input sets.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct VariantSpread {
    /// Variant name.
    pub name: String,
    /// Mean downtime (h/yr) with every input at its central value.
    pub central: f64,
    /// 5th percentile across input sets of the mean downtime, h/yr.
    pub p5: f64,
    /// Median across input sets.
    pub p50: f64,
    /// 95th percentile across input sets.
    pub p95: f64,
    /// Mean across input sets.
    pub mean: f64,
}

/// One bar of the tornado.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct TornadoBar {
    /// Dotted field path.
    pub input: String,
    /// Its low end, as written.
    pub low: String,
    /// Its high end, as written.
    pub high: String,
    /// Mean downtime (h/yr) with this input at its low end.
    pub downtime_at_low: f64,
    /// Mean downtime (h/yr) with this input at its high end.
    pub downtime_at_high: f64,
    /// |high − low|: what ranks the bars.
    pub swing: f64,
}

/// What `--uncertainty` adds to a report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct UncertaintyReport {
    /// Input sets drawn.
    pub input_sets: u64,
    /// The uncertain inputs.
    pub inputs: Vec<InputRange>,
    /// Per variant, the spread of the mean downtime across input sets.
    pub variants: Vec<VariantSpread>,
    /// The variant the tornado is about (the first one run).
    pub tornado_variant: String,
    /// Mean downtime of that variant with every input central, h/yr.
    pub tornado_central: f64,
    /// Inputs, the widest swing first.
    pub tornado: Vec<TornadoBar>,
}

/// The uncertainty section of the text report.
pub fn render(u: &UncertaintyReport) -> String {
    use std::fmt::Write;
    let sig = crate::units::sig;
    let mut out = String::new();
    let _ = writeln!(out, "\nuncertain inputs ({} input sets, common random numbers):", u.input_sets);
    for i in &u.inputs {
        let _ = writeln!(out, "  {}: {} from {} to {} (central {})", i.input, i.law, i.low, i.high, i.central);
    }
    let _ = writeln!(out, "mean downtime h/yr across input sets: central / P5 / P50 / P95");
    for v in &u.variants {
        let _ = writeln!(
            out,
            "  {}: {} / {} / {} / {}",
            v.name,
            sig(v.central, 3),
            sig(v.p5, 3),
            sig(v.p50, 3),
            sig(v.p95, 3)
        );
    }
    let _ = writeln!(
        out,
        "tornado ({}: {} h/yr with every input central): each input low → high, the others central",
        u.tornado_variant,
        sig(u.tornado_central, 3)
    );
    for b in &u.tornado {
        let _ = writeln!(
            out,
            "  {}: {} h/yr at {} → {} h/yr at {} (swing {})",
            b.input,
            sig(b.downtime_at_low, 3),
            b.low,
            sig(b.downtime_at_high, 3),
            b.high,
            sig(b.swing, 3)
        );
    }
    out
}
