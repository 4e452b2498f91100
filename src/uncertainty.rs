//! `nines run --uncertainty N`: what "we don't know this input" does to
//! the answer. Inputs written as ranges (`mttf = { low = "500h", high =
//! "2000h" }`, see [`crate::scenario::Pick`]) are drawn N times (the outer
//! loop); each input set is run like an ordinary run (the inner loop) with
//! the same seed, so every set sees the same trials (common random numbers)
//! and the spread across sets is the inputs' doing. The report gives each
//! variant's mean downtime at P5, P50 and P95 across input sets, and a
//! tornado: each input at its low and at its high end, every other at its
//! central value, ranked by how far that moves the first variant's mean
//! downtime.

use crate::error::Error;
use crate::model::Model;
pub use crate::report::uncertainty::{InputRange, TornadoBar, UncertaintyReport, VariantSpread};
use crate::runner::{self, RunOptions};
use crate::scenario::{self, Pick, Scenario};

/// Mean downtime (h/yr) of every selected variant of the scenario loaded
/// with `pick`.
fn means(opts: &RunOptions, text: &str, pick: &Pick, pool: &rayon::ThreadPool) -> Result<Vec<f64>, Error> {
    let s = load(opts, text, pick)?;
    Ok(s.variants.iter().map(|m| mean_downtime(m, pool)).collect())
}

fn load(opts: &RunOptions, text: &str, pick: &Pick) -> Result<Scenario, Error> {
    let overrides = runner::base_overrides(opts.trials, opts.seed)?;
    let mut s = scenario::load_picking(&opts.file, text, &overrides, pick)?;
    runner::select_variants(&mut s, &opts.variants)?;
    Ok(s)
}

fn mean_downtime(m: &Model, pool: &rayon::ThreadPool) -> f64 {
    pool.install(|| runner::run(m, &|_| {})).downtime.mean()
}

/// The `q`-quantile of sorted `xs` (linear between order statistics).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let h = (xs.len() - 1) as f64 * q;
    let (i, f) = (h.floor() as usize, h - h.floor());
    if i + 1 < xs.len() { xs[i] + f * (xs[i + 1] - xs[i]) } else { xs[i] }
}

/// Runs `sets` input sets and the tornado for the scenario of `opts`.
pub fn analyse(opts: &RunOptions, sets: u64) -> Result<UncertaintyReport, Error> {
    if sets == 0 {
        return Err(Error::Usage("--uncertainty must be at least 1 input set".into()));
    }
    let text = scenario::read(&opts.file)?;
    let (pool, _) = runner::thread_pool(opts.threads)?;
    let central = load(opts, &text, &Pick::Central)?;
    let first = &central.variants[0];
    if first.uncertain.is_empty() {
        return Err(Error::Usage(
            "--uncertainty: the scenario has no uncertain input; write one as a range, e.g. mttf = { low = \"500h\", high = \"2000h\" }"
                .into(),
        ));
    }
    let central_means: Vec<f64> = central.variants.iter().map(|m| mean_downtime(m, &pool)).collect();
    let mut per_variant = vec![Vec::with_capacity(sets as usize); central.variants.len()];
    for set in 0..sets {
        for (v, x) in means(opts, &text, &Pick::Draw(set), &pool)?.into_iter().enumerate() {
            per_variant[v].push(x);
        }
    }
    let variants = central
        .variants
        .iter()
        .zip(per_variant.iter_mut())
        .zip(&central_means)
        .map(|((m, xs), &c)| {
            xs.sort_by(f64::total_cmp);
            VariantSpread {
                name: m.variant.clone(),
                central: c,
                p5: quantile(xs, 0.05),
                p50: quantile(xs, 0.5),
                p95: quantile(xs, 0.95),
                mean: xs.iter().sum::<f64>() / xs.len() as f64,
            }
        })
        .collect();
    let mut tornado = Vec::new();
    for input in &first.uncertain {
        let at = |pick: Pick| -> Result<f64, Error> { Ok(means(opts, &text, &pick, &pool)?[0]) };
        let lo = at(Pick::Low(input.path.clone()))?;
        let hi = at(Pick::High(input.path.clone()))?;
        tornado.push(TornadoBar {
            input: input.path.clone(),
            low: input.low.clone(),
            high: input.high.clone(),
            downtime_at_low: lo,
            downtime_at_high: hi,
            swing: (hi - lo).abs(),
        });
    }
    tornado.sort_by(|a, b| b.swing.total_cmp(&a.swing));
    Ok(UncertaintyReport {
        input_sets: sets,
        inputs: first
            .uncertain
            .iter()
            .map(|u| InputRange {
                input: u.path.clone(),
                law: u.law.clone(),
                low: u.low.clone(),
                high: u.high.clone(),
                central: u.central.clone(),
            })
            .collect(),
        variants,
        tornado_variant: first.variant.clone(),
        tornado_central: central_means[0],
        tornado,
    })
}
