//! The report in plain words: sentences generated from the numbers, for a
//! room that reads a projector rather than a table ("In 6 years out of 10
//! the two-zone design has no outage at all…", "One Zone-IA saves $65 a
//! month and costs 43 more hours of unavailability a year: worth it only if
//! an hour of downtime costs less than $18").
//!
//! Differences between variants are quoted from their *paired* difference:
//! variants see the same random numbers, so the per-trial difference of
//! their downtimes varies far less than either downtime, and its interval
//! is much tighter than the two intervals side by side suggest.

use super::table::{percent, sig};
use super::{Report, VariantReport};
use crate::stats::Proportion;
use crate::units::format_duration;
use schemars::JsonSchema;
use serde::Serialize;

/// One of the report's paired comparisons read as `variant` minus
/// `baseline`: the mean per-trial difference of annual downtime between two
/// variants run on the same random numbers.
#[derive(Clone, Debug, Serialize, JsonSchema, PartialEq)]
pub struct Comparison {
    /// The variant compared.
    pub variant: String,
    /// What it is compared with.
    pub baseline: String,
    /// Trials paired (those both ran).
    pub trials: u64,
    /// Mean of (variant − baseline) downtime, hours per year.
    pub mean_hours: f64,
    /// 95% interval of that mean.
    pub ci95: [f64; 2],
}

impl Comparison {
    /// Whether the interval excludes zero: the simulation tells them apart.
    pub fn significant(&self) -> bool {
        self.ci95[0] > 0.0 || self.ci95[1] < 0.0
    }
}

/// The report's paired comparisons that involve the first variant, each
/// turned round to read "variant minus the first".
pub fn against_first(report: &Report) -> Vec<Comparison> {
    let Some(first) = report.variants.first() else { return Vec::new() };
    let mut out: Vec<Comparison> = report
        .comparisons
        .iter()
        .filter_map(|c| {
            let d = &c.downtime_hours_difference;
            if c.a == first.name {
                Some(Comparison {
                    variant: c.b.clone(),
                    baseline: c.a.clone(),
                    trials: c.trials,
                    mean_hours: -d.mean,
                    ci95: [-d.ci95[1], -d.ci95[0]],
                })
            } else if c.b == first.name {
                Some(Comparison {
                    variant: c.a.clone(),
                    baseline: c.b.clone(),
                    trials: c.trials,
                    mean_hours: d.mean,
                    ci95: d.ci95,
                })
            } else {
                None
            }
        })
        .collect();
    // In the report's variant order.
    let position = |name: &str| report.variants.iter().position(|v| v.name == name);
    out.sort_by_key(|c| position(&c.variant));
    out
}

/// Hours as people read them: `4.7 hours`, `52 minutes`, `18 seconds`.
pub fn hours_text(h: f64) -> String {
    let h = h.abs();
    if h == 0.0 {
        "0 seconds".to_owned()
    } else if h < 1.0 / 60.0 {
        format!("{} seconds", sig(h * 3600.0, 2))
    } else if h < 1.0 {
        format!("{} minutes", sig(h * 60.0, 2))
    } else if (h - 1.0).abs() < 0.005 {
        "1 hour".to_owned()
    } else {
        format!("{} hours", sig(h, 2))
    }
}

/// Dollars with two significant digits at least, whole dollars above 100.
pub fn usd(x: f64) -> String {
    let x = x.abs();
    if x >= 100.0 { format!("${:.0}", x) } else { format!("${}", sig(x, 2)) }
}

/// A share of years in words: "6 years out of 10", "99 years out of 100",
/// or a percentage when neither reads well; never 0 or all unless exact.
pub fn years_out_of(p: &Proportion) -> String {
    if let Some(ub) = p.upper_bound95 {
        return format!("fewer than {} of years (none of {} simulated)", percent(ub, 2), p.trials);
    }
    if let Some(lb) = p.lower_bound95 {
        return format!("more than {} of years (all {} simulated)", percent(lb, 4), p.trials);
    }
    let x = p.estimate;
    let tenths = (x * 10.0).round();
    if (0.05..=0.95).contains(&x) && (tenths / 10.0 - x).abs() <= 0.015 {
        return format!("{tenths:.0} years out of 10");
    }
    format!("{} of years", percent(x, 3))
}

/// A signed length: "4.7 hours more", "18 seconds less".
fn signed_hours(h: f64, more: &str, less: &str) -> String {
    format!("{} {}", hours_text(h), if h >= 0.0 { more } else { less })
}

/// The largest cause of a variant's downtime, as "80% of it from the
/// component db".
fn top_cause(v: &VariantReport) -> Option<String> {
    let c = v.causes.first()?;
    let share = (c.share * 100.0).round();
    let share = if share >= 100.0 && c.share < 1.0 { percent(c.share, 3) } else { format!("{share:.0}%") };
    let share = if c.share >= 1.0 { "all".to_owned() } else { share };
    Some(format!("{share} of it from the {} {}", c.kind, c.name))
}

/// One sentence per variant: how often a year has no outage, the mean
/// downtime and where most of it comes from, and the SLO.
pub fn variant_sentence(v: &VariantReport, horizon_hours: f64) -> String {
    let d = &v.downtime_hours;
    let one_year = (horizon_hours - crate::units::HOURS_PER_YEAR).abs() < 1e-9;
    let mut s = if v.reliability.upper_bound95.is_some() {
        format!("The {} design has an outage in every one of the {} simulated years", v.name, v.trials)
    } else if one_year {
        format!("In {} the {} design has no outage at all", years_out_of(&v.reliability), v.name)
    } else {
        format!(
            "In {} of simulated {} periods the {} design has no outage at all",
            percent(v.reliability.estimate, 3),
            format_duration(horizon_hours),
            v.name
        )
    };
    if d.max == 0.0 {
        s.push_str(&format!(": it was never down in {} trials.", v.trials));
        return s;
    }
    s.push_str(&format!(
        "; it is down {} a year on average (95% CI {} to {})",
        hours_text(d.mean),
        hours_text(d.ci95[0].max(0.0)),
        hours_text(d.ci95[1])
    ));
    if let Some(cause) = top_cause(v) {
        s.push_str(&format!(", {cause}"));
    }
    s.push('.');
    if let Some(slo) = &v.slo {
        let target = super::table::percent_avail(slo.target);
        let p = &slo.met_probability;
        let windows = slo.windows_name();
        s.push_str(&match p.upper_bound95 {
            Some(ub) => format!(
                " It never met the {target} SLO in the {} {windows} judged (so the chance is below {} at 95% confidence).",
                slo.windows_judged,
                percent(ub, 2)
            ),
            None if windows == "years" => format!(" It meets the {target} SLO in {}.", years_out_of(p)),
            None => format!(" It meets the {target} SLO in {} of {windows}.", percent(p.estimate, 3)),
        });
    }
    s
}

/// What a comparison says about downtime.
pub fn difference_sentence(c: &Comparison) -> String {
    let [lo, hi] = c.ci95;
    let range = if lo >= 0.0 {
        format!("95% CI {} to {} more", hours_text(lo), hours_text(hi))
    } else if hi <= 0.0 {
        format!("95% CI {} to {} less", hours_text(hi), hours_text(lo))
    } else {
        format!("95% CI {} to {}", signed_hours(lo, "more", "less"), signed_hours(hi, "more", "less"))
    };
    if c.mean_hours == 0.0 && lo == 0.0 && hi == 0.0 {
        return format!(
            "{} and {} have the same downtime in every one of the {} simulated years.",
            c.variant, c.baseline, c.trials
        );
    }
    if !c.significant() {
        return format!(
            "{} and {} cannot be told apart on downtime: paired over the same {} simulated years, {} is down {} a year ({range}).",
            c.variant,
            c.baseline,
            c.trials,
            c.variant,
            signed_hours(c.mean_hours, "more", "less")
        );
    }
    let word = if c.mean_hours > 0.0 { "more" } else { "less" };
    format!(
        "{} is down {} {word} a year than {} (paired over the same {} simulated years: {range}).",
        c.variant,
        hours_text(c.mean_hours),
        c.baseline,
        c.trials
    )
}

/// What a comparison says about money, when both variants are priced: the
/// price of an hour of downtime at which the change pays for itself.
pub fn cost_sentence(c: &Comparison, variant: &VariantReport, baseline: &VariantReport) -> Option<String> {
    let (vc, bc) = (variant.cost.as_ref()?, baseline.cost.as_ref()?);
    let dm = vc.monthly_usd - bc.monthly_usd;
    let dh = c.mean_hours;
    let same_cost = dm.abs() < 0.005;
    if same_cost && !c.significant() {
        return None;
    }
    let (v, b) = (&c.variant, &c.baseline);
    Some(if same_cost {
        format!("{v} costs the same as {b} each month.")
    } else if !c.significant() {
        let what = if dm > 0.0 {
            format!("costs {} more a month than", usd(dm))
        } else {
            format!("saves {} a month against", usd(dm))
        };
        format!("{v} {what} {b} for no downtime difference the simulation can measure.")
    } else if dm < 0.0 && dh > 0.0 {
        format!(
            "{v} saves {} a month and costs {} more downtime a year than {b}: worth it only if an hour of downtime costs less than {}.",
            usd(dm),
            hours_text(dh),
            usd(12.0 * dm / dh)
        )
    } else if dm > 0.0 && dh < 0.0 {
        format!(
            "{v} costs {} more a month than {b} and saves {} of downtime a year: worth it if an hour of downtime costs more than {}.",
            usd(dm),
            hours_text(dh),
            usd(12.0 * dm / dh)
        )
    } else if dm < 0.0 {
        format!("{v} is both cheaper than {b} ({} a month less) and down less: better on both counts.", usd(dm))
    } else {
        format!("{v} costs {} a month more than {b} and is down more: worse on both counts.", usd(dm))
    })
}

/// With a price for an hour of downtime: which variant has the lowest
/// expected total yearly cost.
pub fn cheapest_sentence(r: &Report) -> Option<String> {
    let priced: Vec<(&VariantReport, f64, f64)> = r
        .variants
        .iter()
        .filter_map(|v| {
            let c = v.cost.as_ref()?;
            Some((v, c.downtime_cost_per_hour?, c.total_usd_per_year.mean))
        })
        .collect();
    if priced.len() < 2 {
        return None;
    }
    let (best, per_hour, total) = priced.iter().min_by(|a, b| a.2.total_cmp(&b.2)).copied()?;
    Some(format!(
        "At {} per hour of downtime (an input of the scenario), {} has the lowest expected total cost: {} a year, infrastructure plus expected downtime.",
        usd(per_hour),
        best.name,
        usd(total)
    ))
}

/// What the data-protection figures say, per variant with stores.
pub fn data_sentence(v: &VariantReport) -> Option<String> {
    let d = v.data.as_ref()?;
    if d.incidents == 0 {
        return Some(format!("{}: no data incident in {} trials.", v.name, v.trials));
    }
    let mut s = format!("{}: {} data incidents a year", v.name, sig(d.incidents_per_year.mean, 2));
    if let Some(rpo) = &v.rpo {
        s.push_str(&format!(
            "; {} of them lose at most the RPO of {}",
            percent(rpo.met_probability.estimate, 3),
            format_duration(rpo.target_hours)
        ));
    }
    if let Some(p) = v.rto.as_ref().and_then(|r| r.met_probability.as_ref()) {
        s.push_str(&format!(", {} are recovered within the RTO", percent(p.estimate, 3)));
    }
    if d.no_recovery_point.observed > 0 {
        s.push_str(&format!(
            "; {} have no usable recovery point (the data is gone for good)",
            percent(d.no_recovery_point.estimate, 3)
        ));
    }
    if d.no_recovery_point.observed < d.incidents {
        s.push_str(&format!(
            "; on average {} of writes are lost a year back to the recovery point",
            hours_text(d.lost_hours_per_year.mean)
        ));
    }
    s.push('.');
    Some(s)
}

/// Every sentence of a report, in reading order: each variant, each
/// comparison with the first variant (downtime, then money), the cheapest
/// total, and data protection.
pub fn sentences(r: &Report, comparisons: &[Comparison]) -> Vec<String> {
    let mut out: Vec<String> = r.variants.iter().map(|v| variant_sentence(v, r.horizon_hours)).collect();
    for c in comparisons {
        out.push(difference_sentence(c));
        let find = |name: &str| r.variants.iter().find(|v| v.name == name);
        if let (Some(v), Some(b)) = (find(&c.variant), find(&c.baseline)) {
            out.extend(cost_sentence(c, v, b));
        }
    }
    out.extend(cheapest_sentence(r));
    out.extend(r.variants.iter().filter_map(data_sentence));
    out
}
