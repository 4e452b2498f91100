//! The report as an aligned text table, variants side by side, for a
//! terminal or a projector.

use super::{Report, VariantReport};
use crate::stats::Proportion;
use crate::units::format_duration;
use std::collections::BTreeMap;
use std::fmt::Write;

pub use crate::units::sig;

/// An availability as a percentage with enough digits to show its nines
/// (written as 1 − unavailability past eight decimals, never as 100% when
/// there was any downtime).
pub fn percent_avail(a: f64) -> String {
    let unavail = 1.0 - a;
    if unavail <= 0.0 {
        return "100%".to_owned();
    }
    if unavail < 1e-10 {
        return format!("1 − {unavail:.1e}");
    }
    // Two significant digits of the unavailability: 99.950%, 99.99912%.
    let decimals = if unavail <= 0.0 { 4 } else { ((-unavail.log10()).floor() as i32).clamp(2, 8) as usize };
    format!("{:.*}%", decimals, a * 100.0)
}

/// A probability (or a share) `p` as a percentage with `digits`
/// significant digits, and more where needed so that it never reads as 0%
/// or 100% unless it is exactly 0 or 1: near 1, the digits go on until
/// the complement shows two significant digits (0.9999965 is "99.99965%");
/// past six decimals the complement is written out ("1 − 3.5e-9").
pub fn percent(p: f64, digits: usize) -> String {
    if p <= 0.0 {
        return "0%".to_owned();
    }
    if p >= 1.0 {
        return "100%".to_owned();
    }
    let complement = 1.0 - p;
    if p <= 0.5 || complement * 100.0 >= 10f64.powi(2 - digits as i32) {
        return format!("{}%", sig(p * 100.0, digits));
    }
    // Decimals of the percentage that show two digits of 100 − p·100.
    let decimals = (-(complement * 100.0).log10()).floor() as i32 + 2;
    if decimals > 6 {
        return format!("1 − {complement:.1e}");
    }
    format!("{:.*}%", decimals.max(0) as usize, p * 100.0)
}

/// A probability, with the rule-of-three bound when it was never observed
/// (or, observed every time, the bound below).
pub fn probability(p: &Proportion) -> String {
    if let Some(ub) = p.upper_bound95 {
        return format!("< {} (0 of {})", percent(ub, 2), p.trials);
    }
    if let Some(lb) = p.lower_bound95 {
        return format!("> {} ({} of {})", percent(lb, 4), p.trials, p.trials);
    }
    // The interval's bounds without their % signs, as in "79.62% [79.36, 79.86]".
    let bound = |x: f64| {
        let text = percent(x, 4);
        text.strip_suffix('%').map_or(text.clone(), str::to_owned)
    };
    format!("{} [{}, {}]", percent(p.estimate, 4), bound(p.ci95[0]), bound(p.ci95[1]))
}

fn mean_ci(mean: f64, ci: [f64; 2]) -> String {
    format!("{} [{}, {}]", sig(mean, 3), sig(ci[0].max(0.0), 3), sig(ci[1], 3))
}

/// One row: a label and a cell per variant.
struct Row {
    label: String,
    cells: Vec<String>,
}

fn row(label: impl Into<String>, vs: &[VariantReport], f: impl Fn(&VariantReport) -> String) -> Row {
    Row { label: label.into(), cells: vs.iter().map(f).collect() }
}

/// How variants are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Side by side when the table fits `width` columns, else wrapped.
    Auto,
    /// Side by side, however wide.
    Columns,
    /// As many variants side by side as fit `width`, the rest below, the
    /// row labels repeated.
    Wrap,
    /// One variant at a time, one under the other.
    Rows,
}

/// Renders the whole report, variants side by side.
pub fn render(r: &Report) -> String {
    render_with(r, Layout::Columns, None)
}

/// Renders the whole report laid out for a terminal `width` columns wide
/// (`None`: unknown, so side by side unless told otherwise).
pub fn render_with(r: &Report, layout: Layout, width: Option<usize>) -> String {
    let vs = &r.variants;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "nines {} · {} ({}, sha256 {}…) · {} trials × {} · seed {}",
        r.nines_version,
        r.scenario,
        r.scenario_file,
        &r.scenario_sha256[..12],
        r.trials,
        format_duration(r.horizon_hours),
        r.seed
    );
    let per_year =
        if (r.horizon_hours - crate::units::HOURS_PER_YEAR).abs() < 1e-9 { "" } else { " (averaged per year)" };
    let mut rows = vec![
        row("", vs, |v| v.name.clone()),
        row("service", vs, |v| v.service.clone()),
        Row { label: String::new(), cells: vec![String::new(); vs.len()] },
        row(format!("downtime h/yr{per_year}: mean [95% CI]"), vs, |v| {
            mean_ci(v.downtime_hours.mean, v.downtime_hours.ci95)
        }),
        row("  p50 / p90 / p99", vs, |v| {
            let d = &v.downtime_hours;
            format!("{} / {} / {}", sig(d.p50, 3), sig(d.p90, 3), sig(d.p99, 3))
        }),
        row("  worst year", vs, |v| sig(v.downtime_hours.max, 3)),
        row("availability", vs, |v| percent_avail(v.availability.mean)),
        row("  nines", vs, |v| match v.availability.nines {
            Some(n) => format!("{n:.2}"),
            None => format!("no downtime in {} trials", v.trials),
        }),
        row("exact downtime h/yr (steady state)", vs, |v| match &v.exact {
            crate::exact::Route::Exact(e) => {
                format!("{} ({})", sig(e.downtime_hours, 4), sig(e.steady_state_downtime_hours, 4))
            }
            crate::exact::Route::None { reasons } => {
                // The first reason's start, so the row does not widen the
                // columns; `nines check` lists them all.
                let first = reasons.first().map_or("", |r| r.trim_end_matches(" (not exponential)"));
                let mut shown = String::new();
                for word in first.split(' ') {
                    if shown.chars().count() + word.chars().count() > 20 {
                        break;
                    }
                    shown.push_str(if shown.is_empty() { "" } else { " " });
                    shown.push_str(word);
                }
                let more = shown.len() < first.len() || reasons.len() > 1;
                format!("none: {shown}{}", if more { "…" } else { "" })
            }
        }),
    ];
    planned_rows(vs, &mut rows, "  excluding planned work (maintenance, tests)", "  planned / unplanned downtime h/yr");
    if vs.iter().any(|v| v.variance_reduction.is_some()) {
        rows.push(row("  variance reduction (downtime)", vs, |v| {
            v.variance_reduction.as_ref().map_or("–".into(), |r| {
                let how = if r.method.starts_with("control") && r.method.contains("antithetic") {
                    "control variate + antithetic"
                } else if r.method.starts_with("control") {
                    "control variate"
                } else {
                    r.method.as_str()
                };
                format!("×{} ({how})", sig(r.downtime_hours.variance_reduction, 3))
            })
        }));
    }
    if vs.iter().any(|v| v.slo.is_some()) {
        let slo = vs.iter().find_map(|v| v.slo.as_ref()).expect("some variant has one");
        rows.push(row(format!("{} meeting SLO {}", slo.windows_name(), percent_avail(slo.target)), vs, |v| {
            match (&v.slo, v.variance_reduction.as_ref().and_then(|r| r.slo_met_probability.as_ref())) {
                // Never or always met: the plain bound says more than a zero interval.
                (Some(s), Some(f))
                    if s.met_probability.upper_bound95.is_none() && s.met_probability.lower_bound95.is_none() =>
                {
                    let r = &f.reduced;
                    let bound = |x: f64| {
                        let text = percent(x.clamp(0.0, 1.0), 4);
                        text.strip_suffix('%').map_or(text.clone(), str::to_owned)
                    };
                    format!("{} [{}, {}]", percent(r.mean, 4), bound(r.ci95[0]), bound(r.ci95[1]))
                }
                (Some(s), _) => probability(&s.met_probability),
                (None, _) => "–".into(),
            }
        }));
    }
    rows.extend([
        row("outages/yr: mean [95% CI]", vs, |v| mean_ci(v.outages_per_year.mean, v.outages_per_year.ci95)),
        row("outage length h: mean / p50 / p99", vs, |v| {
            let l = &v.outage_length_hours;
            if l.count == 0 {
                "no outage".into()
            } else {
                format!("{} / {} / {}", sig(l.mean, 3), sig(l.p50, 3), sig(l.p99, 3))
            }
        }),
        row(format!("no outage in {}", format_duration(r.horizon_hours)), vs, |v| probability(&v.reliability)),
    ]);
    if vs.iter().any(|v| v.error_budget_minutes.is_some()) {
        rows.push(row("error-budget min/yr (partial, not in downtime)", vs, |v| {
            v.error_budget_minutes.as_ref().map_or("–".into(), |m| mean_ci(m.mean, m.ci95))
        }));
    }
    if vs.iter().any(|v| v.spot_interruptions_per_year.is_some()) {
        rows.push(row("Spot interruptions/yr", vs, |v| {
            v.spot_interruptions_per_year.as_ref().map_or("–".into(), |m| mean_ci(m.mean, m.ci95))
        }));
    }
    // Cause rows: every cause that took any variant down, largest overall first.
    let mut totals: BTreeMap<(String, String), f64> = BTreeMap::new();
    for v in vs {
        for c in &v.causes {
            *totals.entry((c.kind.clone(), c.name.clone())).or_default() += c.share;
        }
    }
    let mut order: Vec<_> = totals.into_iter().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1));
    if !order.is_empty() {
        rows.push(row("downtime by cause: h/yr (share)", vs, |_| String::new()));
        for ((kind, name), _) in &order {
            rows.push(row(format!("  {kind} {name}"), vs, |v| {
                v.causes.iter().find(|c| &c.kind == kind && &c.name == name).map_or("–".into(), |c| {
                    format!("{} ({})", sig(c.downtime_hours_per_year, 3), share_of_downtime(c.share))
                })
            }));
        }
    }
    operations_rows(vs, &mut rows);
    data_rows(vs, &mut rows);
    storage_rows(vs, &mut rows);
    durability_rows(vs, &mut rows, r.horizon_hours);
    rare_rows(vs, &mut rows);
    cost_rows(vs, &mut rows);
    rows.push(row("trials / events", vs, |v| format!("{} / {}", v.trials, v.events)));

    let label_w = rows.iter().map(|r| r.label.chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> =
        (0..vs.len()).map(|i| rows.iter().map(|r| r.cells[i].chars().count()).max().unwrap_or(0)).collect();
    for (b, block) in blocks(layout, width, label_w, &widths).into_iter().enumerate() {
        if b > 0 {
            out.push('\n');
        }
        for r in &rows {
            let mut line = format!("{:label_w$}", r.label);
            for &i in &block {
                let _ = write!(line, "   {:w$}", r.cells[i], w = widths[i]);
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
    let t = &r.timing;
    let _ = writeln!(
        out,
        "quantiles ±{}% · {} s on {} thread{} · {} events/s · {} trials/s",
        sig(r.quantile_relative_error * 100.0, 2),
        sig(t.wall_seconds, 3),
        t.threads,
        if t.threads == 1 { "" } else { "s" },
        si(t.events_per_second),
        si(t.trials_per_second)
    );
    if let Some(st) = &t.stopping {
        let reached = match st.target_reached {
            Some(true) => "reached",
            Some(false) => "not reached",
            None => "",
        };
        let _ = writeln!(
            out,
            "stopped at {} trials ({}{}{}): relative error {}% (rerun with --trials {} for the same report)",
            st.trials,
            st.rule,
            if reached.is_empty() { "" } else { ", " },
            reached,
            sig(100.0 * st.relative_error, 3),
            st.trials
        );
    }
    if let Some(n) = t.shards {
        let _ = writeln!(out, "merged from {n} shard{} (wall time added up)", if n == 1 { "" } else { "s" });
    }
    out
}

/// Which variants print together: all of them, or runs of those that fit
/// `width` beside the labels (one at least), or one at a time.
fn blocks(layout: Layout, width: Option<usize>, label_w: usize, widths: &[usize]) -> Vec<Vec<usize>> {
    let all: Vec<usize> = (0..widths.len()).collect();
    let total = label_w + widths.iter().map(|w| w + 3).sum::<usize>();
    let fit = match (layout, width) {
        (Layout::Columns, _) | (Layout::Auto, None) => return vec![all],
        (Layout::Rows, _) => return all.into_iter().map(|i| vec![i]).collect(),
        (Layout::Auto, Some(w)) if total <= w => return vec![all],
        (_, Some(w)) => w,
        (Layout::Wrap, None) => 100,
    };
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut used = label_w;
    for (i, w) in widths.iter().enumerate() {
        match out.last_mut() {
            Some(block) if used + w + 3 <= fit => block.push(i),
            _ => {
                out.push(vec![i]);
                used = label_w;
            }
        }
        used += w + 3;
    }
    out
}

/// A share of months as a short percentage, bounded when never seen.
fn share(p: &Proportion) -> String {
    match p.upper_bound95 {
        Some(ub) => format!("<{}", percent(ub, 1)),
        None => percent(p.estimate, 2),
    }
}

/// A cause's share of downtime in whole percent, with more digits where
/// rounding would claim all or none of it.
fn share_of_downtime(x: f64) -> String {
    let whole = (x * 100.0).round();
    if (whole == 0.0 && x > 0.0) || (whole == 100.0 && x < 1.0) { percent(x, 2) } else { format!("{whole:.0}%") }
}

/// A small probability in scientific notation with its interval.
fn sci_ci(i: &crate::durability::Interval) -> String {
    format!("{:.2e} [{:.2e}, {:.2e}]", i.estimate, i.ci95[0], i.ci95[1])
}

/// `--rare`: the importance-sampling estimates, or why there are none.
fn rare_rows(vs: &[VariantReport], rows: &mut Vec<Row>) {
    use crate::downtime::{Figure, RareDowntime};
    if vs.iter().all(|v| v.rare_downtime.is_none()) {
        return;
    }
    let rrow = |label: &str, f: &dyn Fn(&RareDowntime) -> String| {
        row(label, vs, |v| v.rare_downtime.as_ref().map_or("–".into(), f))
    };
    let ci = |f: &Figure| format!("{} [{}, {}]", sig(f.estimate, 3), sig(f.ci95[0], 3), sig(f.ci95[1], 3));
    rows.push(rrow("rare-event downtime h/yr [95% CI]", &|r| match &r.downtime_hours {
        Some(d) => ci(d),
        None => format!("no reliable estimate: {}", r.refusal.as_deref().unwrap_or("unknown")),
    }));
    rows.push(rrow("  relative error · trials", &|r| {
        let re = r.downtime_hours.as_ref().map_or("–".into(), |d| format!("{:.2}%", 100.0 * d.relative_error));
        format!("{re} · {}", r.trials)
    }));
    rows.push(rrow("  SLO windows missed [95% CI]", &|r| {
        r.slo_windows_missed
            .as_ref()
            .map_or("–".into(), |f| format!("{:.2e} [{:.2e}, {:.2e}]", f.estimate, f.ci95[0], f.ci95[1]))
    }));
    rows.push(rrow("  outages/yr [95% CI]", &|r| {
        r.outages_per_year
            .as_ref()
            .map_or("–".into(), |f| format!("{:.2e} [{:.2e}, {:.2e}]", f.estimate, f.ci95[0], f.ci95[1]))
    }));
    rows.push(rrow("  speed-up over plain trials", &|r| match (r.speedup, r.plain_trials_for_same_error) {
        (Some(x), Some(n)) => format!("{}× (plain: {n:.1e} trials)", sig(x, 2)),
        _ => "–".into(),
    }));
}

fn durability_rows(vs: &[VariantReport], rows: &mut Vec<Row>, horizon: f64) {
    use crate::durability::DurabilityReport;
    let mut names: Vec<&str> = Vec::new();
    for v in vs {
        for d in &v.durability {
            if !names.contains(&d.name.as_str()) {
                names.push(&d.name);
            }
        }
    }
    let within =
        if (horizon - crate::units::HOURS_PER_YEAR).abs() < 1e-9 { "1y".to_owned() } else { format_duration(horizon) };
    for name in names {
        let drow = |label: &str, f: &dyn Fn(&DurabilityReport) -> String| {
            row(label, vs, |v| v.durability.iter().find(|d| d.name == name).map_or("–".into(), f))
        };
        // Refused estimates say why on their first figure's row and show
        // nothing else.
        fn shown(d: &DurabilityReport, f: impl Fn(&DurabilityReport) -> String) -> String {
            if d.estimator.reliable { f(d) } else { "–".into() }
        }
        rows.push(drow(&format!("dataset {name}"), &|d| format!("{} × {}", d.groups, d.scheme)));
        rows.push(drow(&format!("  P(data loss in {within}) [95% CI]"), &|d| match &d.loss_probability {
            Some(p) => sci_ci(p),
            None => format!("no reliable estimate: {}", d.estimator.refusal.as_deref().unwrap_or("unknown")),
        }));
        rows.push(drow("  durability", &|d| {
            shown(d, |d| d.durability_nines.map_or("–".into(), |n| format!("{n:.2} nines a year")))
        }));
        rows.push(drow("  relative error · estimator", &|d| {
            let re = d.loss_probability.as_ref().map_or("–".into(), |p| format!("{:.1}%", 100.0 * p.relative_error));
            let method = if d.estimator.method.starts_with("multilevel") {
                format!("splitting, {} replicates", d.estimator.replicates.unwrap_or(0))
            } else {
                d.estimator.method.clone()
            };
            format!("{re} · {method}")
        }));
        rows.push(drow("  trials / effective sample size", &|d| {
            format!("{:.2e} / {:.2e}", d.estimator.trials as f64, d.estimator.effective_sample_size)
        }));
        rows.push(drow("  mean time to data loss", &|d| {
            shown(d, |d| d.mttdl_years.map_or("–".into(), |y| format!("{} years", sig(y, 3))))
        }));
        rows.push(drow("  groups lost/yr [95% CI]", &|d| {
            shown(d, |d| d.groups_lost_per_year.as_ref().map_or("–".into(), sci_ci))
        }));
        rows.push(drow("  bytes lost/yr", &|d| {
            shown(d, |d| {
                d.bytes_lost_per_year.as_ref().map_or("–".into(), |b| crate::units::format_bytes(b.estimate))
            })
        }));
        rows.push(drow("  loss by cause", &|d| {
            shown(d, |d| {
                let parts: Vec<String> =
                    d.loss_by_cause.iter().map(|c| format!("{} {}", c.cause, percent(c.share, 2))).collect();
                parts.join(", ")
            })
        }));
    }
}

fn storage_rows(vs: &[VariantReport], rows: &mut Vec<Row>) {
    let mut names: Vec<&str> = Vec::new();
    for v in vs {
        for b in &v.storage {
            if !names.contains(&b.name.as_str()) {
                names.push(&b.name);
            }
        }
    }
    for name in names {
        let brow = |label: &str, f: &dyn Fn(&super::BucketReport) -> String| {
            row(label, vs, |v| v.storage.iter().find(|b| b.name == name).map_or("–".into(), f))
        };
        rows.push(brow(&format!("bucket {name}"), &|b| b.class_key.replace('_', "-")));
        rows.push(brow("  unavailable h/yr: all causes", &|b| {
            mean_ci(b.downtime_hours.total.mean, b.downtime_hours.total.ci95)
        }));
        rows.push(brow("    class's own outages", &|b| {
            let d = &b.downtime_hours;
            format!("{} (designed {})", mean_ci(d.class_outages.mean, d.class_outages.ci95), sig(d.designed, 3))
        }));
        rows.push(brow("    zone/region outages", &|b| {
            mean_ci(b.downtime_hours.zone_region_outages.mean, b.downtime_hours.zone_region_outages.ci95)
        }));
        rows.push(brow("  months with SLA credit", &|b| {
            b.sla
                .tiers
                .iter()
                .map(|t| format!("{}%: {}", t.credit_pct, share(&t.months)))
                .collect::<Vec<_>>()
                .join(", ")
        }));
        rows.push(brow("  expected SLA credit $/yr", &|b| {
            mean_ci(b.sla.expected_credit_usd_per_year.mean, b.sla.expected_credit_usd_per_year.ci95)
        }));
        rows.push(brow("  data destroyed in a year (scenario)", &|b| {
            probability(&b.durability.scenario_loss_probability)
        }));
        rows.push(brow("  objects lost/yr (designed)", &|b| sig(b.durability.designed_objects_lost_per_year, 2)));
    }
}

fn data_rows(vs: &[VariantReport], rows: &mut Vec<Row>) {
    if let Some(rto) = vs.iter().find_map(|v| v.rto.as_ref()) {
        rows.push(row(format!("outages ended within RTO {}", format_duration(rto.target_hours)), vs, |v| {
            v.rto.as_ref().map_or("–".into(), |r| {
                if r.outages_within.trials == 0 { "no outage".into() } else { probability(&r.outages_within) }
            })
        }));
    }
    if vs.iter().all(|v| v.data.is_none()) {
        return;
    }
    let spread = |s: &super::Spread| {
        if s.count == 0 {
            "none".into()
        } else {
            format!("{} / {} / {} / {}", sig(s.mean, 3), sig(s.p50, 3), sig(s.p99, 3), sig(s.max, 3))
        }
    };
    rows.push(row("data incidents/yr", vs, |v| {
        v.data.as_ref().map_or("–".into(), |d| mean_ci(d.incidents_per_year.mean, d.incidents_per_year.ci95))
    }));
    rows.push(row("  data-loss window h: mean/p50/p99/max", vs, |v| {
        v.data_loss_window_hours.as_ref().map_or("–".into(), spread)
    }));
    rows.push(row("  recovery time h: mean/p50/p99/max", vs, |v| {
        v.recovery_time_hours.as_ref().map_or("–".into(), spread)
    }));
    if let Some(rpo) = vs.iter().find_map(|v| v.rpo.as_ref()) {
        rows.push(row(format!("  incidents within RPO {}", format_duration(rpo.target_hours)), vs, |v| {
            v.rpo.as_ref().map_or("–".into(), |r| {
                if r.met_probability.trials == 0 { "no incident".into() } else { probability(&r.met_probability) }
            })
        }));
    }
    if let Some(rto) = vs.iter().find_map(|v| v.rto.as_ref()) {
        rows.push(row(format!("  incidents within RTO {}", format_duration(rto.target_hours)), vs, |v| {
            v.rto
                .as_ref()
                .and_then(|r| r.met_probability.as_ref())
                .map_or("–".into(), |p| if p.trials == 0 { "no incident".into() } else { probability(p) })
        }));
    }
    rows.push(row("  years where every incident met RPO+RTO", vs, |v| {
        v.data.as_ref().map_or("–".into(), |d| probability(&d.years_all_met))
    }));
    rows.push(row("  no usable recovery point (of incidents)", vs, |v| {
        v.data.as_ref().map_or("–".into(), |d| {
            if d.incidents == 0 { "no incident".into() } else { probability(&d.no_recovery_point) }
        })
    }));
    rows.push(row("  data lost/yr: hours of writes, bytes", vs, |v| {
        v.data.as_ref().map_or("–".into(), |d| {
            format!(
                "{} h, {}",
                sig(d.lost_hours_per_year.mean, 3),
                crate::units::format_bytes(d.lost_bytes_per_year.mean)
            )
        })
    }));
}

/// Names of one kind of operations entry over all variants, in order of
/// first appearance.
fn names_of(vs: &[VariantReport], f: impl Fn(&super::operations::OperationsReport) -> Vec<String>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for n in vs.iter().filter_map(|v| v.operations.as_ref()).flat_map(f) {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    names
}

fn planned(v: &VariantReport) -> Option<&super::operations::PlannedReport> {
    v.operations.as_ref().and_then(|o| o.planned.as_ref())
}

fn ops(v: &VariantReport) -> Option<&super::operations::OperationsReport> {
    v.operations.as_ref()
}

/// The operations rows (planned and unplanned downtime, crews,
/// maintenance, hidden failures, shocks) as label and one cell per
/// variant: the HTML report's operations table.
pub fn operations_table(vs: &[VariantReport]) -> Vec<(String, Vec<String>)> {
    let mut rows = Vec::new();
    planned_rows(
        vs,
        &mut rows,
        "availability excluding planned work (maintenance, tests)",
        "planned / unplanned downtime h/yr",
    );
    operations_rows(vs, &mut rows);
    rows.into_iter().map(|r| (r.label, r.cells)).collect()
}

/// Availability without planned work, and planned against unplanned
/// downtime, when any variant has planned work.
fn planned_rows(vs: &[VariantReport], rows: &mut Vec<Row>, availability: &str, split: &str) {
    if vs.iter().any(|v| planned(v).is_some()) {
        rows.push(row(availability, vs, |v| {
            planned(v).map_or("–".into(), |p| percent_avail(p.availability_excluding_planned.mean))
        }));
        rows.push(row(split, vs, |v| {
            planned(v).map_or("–".into(), |p| {
                format!("{} / {}", sig(p.planned_downtime_hours.mean, 3), sig(p.unplanned_downtime_hours.mean, 3))
            })
        }));
    }
}

fn operations_rows(vs: &[VariantReport], rows: &mut Vec<Row>) {
    for name in names_of(vs, |o| o.crews.iter().map(|c| c.name.clone()).collect()) {
        let crew = |v: &VariantReport| ops(v).and_then(|o| o.crews.iter().find(|c| c.name == name)).cloned();
        rows.push(row(format!("crew {name}: repairs/yr, utilisation"), vs, |v| {
            crew(v).map_or("–".into(), |c| {
                format!("{}, {}", sig(c.repairs_per_year.mean, 3), percent(c.utilisation.mean, 2))
            })
        }));
        rows.push(row("  queueing h per repair [95% CI]", vs, |v| {
            crew(v).map_or("–".into(), |c| {
                let q = &c.queue_hours_per_repair;
                if q.events == 0 { "no repair".into() } else { mean_ci(q.mean, q.ci95) }
            })
        }));
    }
    for name in names_of(vs, |o| o.maintenance.iter().map(|m| m.component.clone()).collect()) {
        rows.push(row(format!("maintenance {name}: replicas/yr (skipped)"), vs, |v| {
            ops(v).and_then(|o| o.maintenance.iter().find(|m| m.component == name)).map_or("–".into(), |m| {
                format!("{} ({})", sig(m.units_per_year.mean, 3), sig(m.skipped_per_year.mean, 3))
            })
        }));
    }
    for name in names_of(vs, |o| o.hidden_failures.iter().map(|l| l.component.clone()).collect()) {
        let entry =
            |v: &VariantReport| ops(v).and_then(|o| o.hidden_failures.iter().find(|l| l.component == name)).cloned();
        rows.push(row(format!("hidden failures {name}: silent/yr"), vs, |v| {
            entry(v).map_or("–".into(), |l| mean_ci(l.silent_failures_per_year.mean, l.silent_failures_per_year.ci95))
        }));
        rows.push(row("  time failed unnoticed (share)", vs, |v| {
            entry(v).map_or("–".into(), |l| percent(l.hidden_fraction.mean, 2))
        }));
        rows.push(row("  found by test / when needed", vs, |v| {
            entry(v).map_or("–".into(), |l| format!("{} / {}", l.found_by_test, l.found_when_needed))
        }));
    }
    for name in names_of(vs, |o| o.shocks.iter().map(|k| k.name.clone()).collect()) {
        rows.push(row(format!("shock {name}: /yr, replicas hit/yr"), vs, |v| {
            ops(v).and_then(|o| o.shocks.iter().find(|k| k.name == name)).map_or("–".into(), |k| {
                format!("{}, {}", sig(k.per_year.mean, 3), sig(k.replicas_hit_per_year.mean, 3))
            })
        }));
    }
}

fn cost_rows(vs: &[VariantReport], rows: &mut Vec<Row>) {
    if vs.iter().all(|v| v.cost.is_none()) {
        return;
    }
    rows.push(row("cost $/month (infrastructure)", vs, |v| {
        v.cost.as_ref().map_or("–".into(), |c| sig(c.monthly_usd, 4))
    }));
    if let Some(price) = vs.iter().find_map(|v| v.cost.as_ref().and_then(|c| c.downtime_cost_per_hour)) {
        rows.push(row(format!("  downtime $/yr (at ${}/h)", sig(price, 3)), vs, |v| {
            v.cost
                .as_ref()
                .and_then(|c| c.expected_downtime_usd_per_year.as_ref())
                .map_or("–".into(), |d| mean_ci(d.mean, d.ci95))
        }));
    }
    rows.push(row("  total $/yr (12 × monthly + downtime)", vs, |v| {
        v.cost.as_ref().map_or("–".into(), |c| match c.expected_downtime_usd_per_year {
            Some(_) => mean_ci(c.total_usd_per_year.mean, c.total_usd_per_year.ci95),
            None => sig(c.total_usd_per_year.mean, 4),
        })
    }));
}

/// 12345678 → "12.3 M".
fn si(x: f64) -> String {
    if x >= 1e9 {
        format!("{} G", sig(x / 1e9, 3))
    } else if x >= 1e6 {
        format!("{} M", sig(x / 1e6, 3))
    } else if x >= 1e3 {
        format!("{} k", sig(x / 1e3, 3))
    } else {
        sig(x, 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn significant_digits() {
        assert_eq!(sig(0.876, 3), "0.876");
        assert_eq!(sig(43.8123, 3), "43.8");
        assert_eq!(sig(0.0004213, 2), "0.00042");
        // Integers keep all their digits.
        assert_eq!(sig(1234.6, 3), "1235");
        assert_eq!(percent_avail(0.9995), "99.950%");
        assert_eq!(percent_avail(0.99), "99.00%");
        assert_eq!(percent_avail(1.0 - 1e-12), "1 − 1.0e-12");
    }

    #[test]
    fn probabilities_never_round_to_0_or_100_percent() {
        assert_eq!(percent(0.0, 4), "0%");
        assert_eq!(percent(1.0, 4), "100%");
        assert_eq!(percent(1e-12, 4), "1.000e-10%");
        assert_eq!(percent(0.5, 4), "50.00%");
        assert_eq!(percent(0.7962, 4), "79.62%");
        assert_eq!(percent(0.9999965, 4), "99.99965%");
        assert_eq!(percent(0.99997, 4), "99.9970%");
        assert_eq!(percent(1.0 - 1e-12, 4), "1 − 1.0e-12");
        // Every value strictly between 0 and 1 reads as strictly between.
        for i in 1..2000 {
            for p in [f64::from(i) / 2000.0, 1.0 - 10f64.powf(-f64::from(i) / 150.0), 10f64.powf(-f64::from(i) / 150.0)]
            {
                if p <= 0.0 || p >= 1.0 {
                    continue;
                }
                for digits in 1..=4 {
                    let text = percent(p, digits);
                    assert!(text != "0%" && text != "100%", "{p} with {digits} digits: {text}");
                    if let Some(number) = text.strip_suffix('%') {
                        let shown: f64 = number.parse().expect("a number");
                        assert!(shown > 0.0 && shown < 100.0, "{p} with {digits} digits: {text}");
                    }
                }
            }
        }
    }

    #[test]
    fn variants_wrap_to_the_terminal() {
        let widths = [20, 20, 20, 20, 20];
        // 30 + 5 × 23 = 145 columns side by side.
        assert_eq!(blocks(Layout::Auto, Some(200), 30, &widths), vec![vec![0, 1, 2, 3, 4]]);
        assert_eq!(blocks(Layout::Auto, None, 30, &widths), vec![vec![0, 1, 2, 3, 4]]);
        assert_eq!(blocks(Layout::Columns, Some(80), 30, &widths), vec![vec![0, 1, 2, 3, 4]]);
        // 80 columns hold the labels and two variants.
        assert_eq!(blocks(Layout::Auto, Some(80), 30, &widths), vec![vec![0, 1], vec![2, 3], vec![4]]);
        assert_eq!(blocks(Layout::Wrap, Some(80), 30, &widths), vec![vec![0, 1], vec![2, 3], vec![4]]);
        assert_eq!(blocks(Layout::Rows, Some(500), 30, &widths), (0..5).map(|i| vec![i]).collect::<Vec<_>>());
        // A variant wider than the terminal still gets a block of its own.
        assert_eq!(blocks(Layout::Wrap, Some(40), 30, &[50, 10]), vec![vec![0], vec![1]]);
    }

    #[test]
    fn bounds_are_possible() {
        // Observed in every one of 100 000 trials: the 95% lower bound is
        // 0.05^(1/n) = 99.997%, not "> 100.0%".
        let all = Proportion::new(100_000, 100_000);
        let text = probability(&all);
        assert_eq!(text, "> 99.9970% (100000 of 100000)");
        let none = Proportion::new(0, 100_000);
        assert_eq!(probability(&none), "< 0.0030% (0 of 100000)");
        let most = Proportion::new(99_999, 100_000);
        assert!(!probability(&most).contains("100"), "{}", probability(&most));
    }
}
