//! The operations part of a variant's report: each crew's utilisation and
//! queueing delay, each maintenance schedule, each component's hidden
//! failures and tests, each shock, and downtime with and without planned
//! work (many SLAs exclude announced maintenance).

use super::{Availability, MeanCi};
use crate::model::Model;
use crate::stats::ops::{OpsStats, Ratio};
use crate::stats::{Moments, VariantStats};
use crate::units::HOURS_PER_YEAR;
use schemars::JsonSchema;
use serde::Serialize;

/// A ratio over events with its interval and the events it averages.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PerEvent {
    /// Mean per event.
    pub mean: f64,
    /// 95% interval (the trial as the unit).
    pub ci95: [f64; 2],
    /// Standard error.
    pub std_error: f64,
    /// Events averaged.
    pub events: u64,
}

impl From<&Ratio> for PerEvent {
    fn from(r: &Ratio) -> Self {
        PerEvent { mean: r.mean(), ci95: r.ci95(), std_error: r.std_error(), events: r.events() as u64 }
    }
}

/// A per-trial mean with its interval and standard error.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MeanSe {
    /// Mean over trials.
    pub mean: f64,
    /// 95% interval.
    pub ci95: [f64; 2],
    /// Standard error.
    pub std_error: f64,
}

impl From<&Moments> for MeanSe {
    fn from(m: &Moments) -> Self {
        MeanSe { mean: m.mean(), ci95: m.ci95(), std_error: m.std_error() }
    }
}

/// One crew.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct CrewReport {
    /// Crew name.
    pub name: String,
    /// Members.
    pub size: u32,
    /// Working hours as written, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Repairs asked for, per year.
    pub repairs_per_year: MeanCi,
    /// Share of member-hours at work (responding or repairing).
    pub utilisation: MeanSe,
    /// Hours a repair waited for a member (every one busy, or out of hours).
    pub queue_hours_per_repair: PerEvent,
    /// Hours of on-call response per repair, out of hours.
    pub response_hours_per_repair: PerEvent,
}

/// One maintenance schedule.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MaintenanceReport {
    /// Component maintained.
    pub component: String,
    /// Hours between rounds.
    pub every_hours: f64,
    /// One replica at a time.
    pub rolling: bool,
    /// Replicas taken out of service per year.
    pub units_per_year: MeanCi,
    /// Turns skipped per year (the replica failed, or another was down).
    pub skipped_per_year: MeanCi,
    /// Downtime of the service started by this maintenance, hours per year.
    pub downtime_hours_per_year: f64,
}

/// One component's hidden failures.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct LatentReport {
    /// Component.
    pub component: String,
    /// Share of its failures that are silent.
    pub latent_share: f64,
    /// Hours between tests, if tested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_every_hours: Option<f64>,
    /// Silent failures per year (all replicas).
    pub silent_failures_per_year: MeanCi,
    /// Of those found, found by a test or a maintenance.
    pub found_by_test: u64,
    /// Of those found, found only when needed.
    pub found_when_needed: u64,
    /// Mean fractional dead time: share of replica-time failed without
    /// anybody knowing.
    pub hidden_fraction: MeanSe,
    /// Tests per year (all replicas).
    pub tests_per_year: MeanCi,
    /// Tests that missed a hidden failure (all trials).
    pub tests_missed: u64,
}

/// One common-cause shock.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ShockReport {
    /// Shock name.
    pub name: String,
    /// β factor it was stated with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub beta: Option<f64>,
    /// Strikes per year.
    pub per_year: MeanCi,
    /// Replicas taken down per year.
    pub replicas_hit_per_year: MeanCi,
}

/// Downtime split into planned work and the rest.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct PlannedReport {
    /// Downtime started by maintenance and tests, hours per year.
    pub planned_downtime_hours: MeanSe,
    /// Downtime from every other cause, hours per year.
    pub unplanned_downtime_hours: MeanSe,
    /// Availability when announced maintenance and tests are excluded
    /// (how many SLAs count it); the report's `availability` includes them.
    pub availability_excluding_planned: Availability,
}

/// The operations part of a variant's report.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct OperationsReport {
    /// Crews.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crews: Vec<CrewReport>,
    /// Maintenance schedules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub maintenance: Vec<MaintenanceReport>,
    /// Hidden failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hidden_failures: Vec<LatentReport>,
    /// Common-cause shocks.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shocks: Vec<ShockReport>,
    /// Planned and unplanned downtime, when anything is planned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned: Option<PlannedReport>,
}

/// The operations report of `model`, if it has any operations.
pub fn report(model: &Model, s: &VariantStats) -> Option<OperationsReport> {
    let o: &OpsStats = s.ops.as_deref()?;
    let years_total = s.trials as f64 * model.horizon_years();
    let ops = &model.ops;
    let planned = model.plans_work().then(|| {
        let u = &s.unplanned;
        let (mean, ci) = (u.mean(), u.ci95());
        let unavail = |x: f64| x / HOURS_PER_YEAR;
        PlannedReport {
            planned_downtime_hours: (&s.planned).into(),
            unplanned_downtime_hours: u.into(),
            availability_excluding_planned: Availability {
                mean: 1.0 - unavail(mean),
                ci95: [1.0 - unavail(ci[1]), (1.0 - unavail(ci[0])).min(1.0)],
                nines: (mean > 0.0).then(|| -unavail(mean).log10()),
            },
        }
    });
    Some(OperationsReport {
        crews: ops
            .crews
            .iter()
            .zip(&o.crews)
            .map(|(c, st)| CrewReport {
                name: c.name.clone(),
                size: c.size,
                hours: c.hours.as_ref().map(|h| h.text().to_owned()),
                repairs_per_year: (&st.requests).into(),
                utilisation: (&st.utilisation).into(),
                queue_hours_per_repair: (&st.queue).into(),
                response_hours_per_repair: (&st.response).into(),
            })
            .collect(),
        maintenance: ops
            .maintenance
            .iter()
            .zip(&o.maintenance)
            .enumerate()
            .map(|(m, (sched, st))| MaintenanceReport {
                component: model.components[sched.component as usize].name.clone(),
                every_hours: sched.every,
                rolling: sched.rolling,
                units_per_year: (&st.done).into(),
                skipped_per_year: (&st.skipped).into(),
                downtime_hours_per_year: s.cause_hours[model.maintenance_cause(m as u32) as usize].value()
                    / years_total,
            })
            .collect(),
        hidden_failures: ops
            .latent
            .iter()
            .zip(&o.latent)
            .map(|(l, st)| LatentReport {
                component: model.components[l.component as usize].name.clone(),
                latent_share: l.share,
                test_every_hours: l.test.as_ref().map(|t| t.every),
                silent_failures_per_year: (&st.silent).into(),
                found_by_test: st.found_by_check,
                found_when_needed: st.found_when_needed,
                hidden_fraction: (&st.dead_fraction).into(),
                tests_per_year: (&st.tests).into(),
                tests_missed: st.missed,
            })
            .collect(),
        shocks: ops
            .shocks
            .iter()
            .zip(&o.shocks)
            .map(|(k, st)| ShockReport {
                name: k.name.clone(),
                beta: k.beta,
                per_year: (&st.shocks).into(),
                replicas_hit_per_year: (&st.hits).into(),
            })
            .collect(),
        planned,
    })
}

/// `nines check`'s lines for crews, maintenance, hidden failures, paused
/// clocks and shocks (nothing when the model has none).
pub fn describe(m: &Model, out: &mut String) {
    use std::fmt::Write;
    let ops = &m.ops;
    if !ops.any() && !ops.any_pauses {
        return;
    }
    let d = |i: u32| m.dists[i as usize].to_string();
    let dur = crate::units::format_duration;
    let name = |c: u32| m.components[c as usize].name.as_str();
    let _ = writeln!(out, "  operations:");
    for (k, c) in ops.crews.iter().enumerate() {
        let mut repairs: Vec<&str> = Vec::new();
        for (u, &crew) in ops.unit_crew.iter().enumerate() {
            let comp = name(m.units[u].component);
            if crew as usize == k && !repairs.contains(&comp) {
                repairs.push(comp);
            }
        }
        let hours = match (&c.hours, c.after_hours) {
            (None, _) => "always at work".to_owned(),
            (Some(h), None) => format!("works {} (repairs out of hours wait for it)", h.text()),
            (Some(h), Some(r)) => format!("works {}, on call out of hours (response {})", h.text(), d(r)),
        };
        let _ = writeln!(
            out,
            "    crew {}: {} member{}, {hours}, {}; repairs {}",
            c.name,
            c.size,
            if c.size == 1 { "" } else { "s" },
            if c.by_priority { "by priority, then first come" } else { "first come, first served" },
            repairs.join(", ")
        );
    }
    for mt in &ops.maintenance {
        let _ = writeln!(
            out,
            "    maintenance of {}: every {} from {}, {} out for {}{}",
            name(mt.component),
            dur(mt.every),
            dur(mt.offset),
            if mt.rolling { "one replica at a time (skipped while another is down)," } else { "all replicas at once," },
            d(mt.duration),
            mt.window.as_ref().map_or(String::new(), |w| format!(", starting only {}", w.text()))
        );
    }
    for l in &ops.latent {
        let test = l.test.as_ref().map_or("never tested: found only when needed".to_owned(), |t| {
            format!(
                "tested every {} from {}{}, out of service {}, misses {}%",
                dur(t.every),
                dur(t.offset),
                if t.stagger { " (replicas in turn)" } else { "" },
                d(t.duration),
                t.miss * 100.0
            )
        });
        let _ = writeln!(out, "    hidden failures of {}: {}% silent; {test}", name(l.component), l.share * 100.0);
    }
    let mut paused: Vec<&str> = Vec::new();
    for (u, &p) in ops.unit_pauses.iter().enumerate() {
        let comp = name(m.units[u].component);
        if p && !paused.contains(&comp) {
            paused.push(comp);
        }
    }
    if !paused.is_empty() {
        let _ = writeln!(out, "    clocks stop during zone and region outages: {}", paused.join(", "));
    }
    for k in &ops.shocks {
        let hits = match k.hits {
            crate::model::ShockHits::Each(p) => format!("each with probability {}%", p * 100.0),
            crate::model::ShockHits::Exactly(n) => format!("exactly {n} of them"),
        };
        let members: Vec<String> = k.members.iter().map(|&u| m.unit_name(u)).collect();
        let beta = k.beta.map_or(String::new(), |b| format!(" (β = {}% of the members' failure rate)", b * 100.0));
        let _ = writeln!(
            out,
            "    shock {}: between shocks {}{beta}; takes down {}, {hits}; all back after {}",
            k.name,
            d(k.between),
            members.join(", "),
            d(k.rollback)
        );
    }
}

/// The operations columns of `--csv`, each `(name, value)`: downtime with
/// and without planned work, then per crew, schedule, hidden-failure entry
/// and shock, named after it.
pub fn csv_columns(o: &OperationsReport) -> Vec<(String, f64)> {
    let mut cols = Vec::new();
    if let Some(p) = &o.planned {
        cols.push(("planned_downtime_h_per_year_mean".to_owned(), p.planned_downtime_hours.mean));
        cols.push(("unplanned_downtime_h_per_year_mean".to_owned(), p.unplanned_downtime_hours.mean));
        cols.push(("availability_excluding_planned".to_owned(), p.availability_excluding_planned.mean));
    }
    for c in &o.crews {
        cols.push((format!("crew.{}.utilisation", c.name), c.utilisation.mean));
        cols.push((format!("crew.{}.queue_h_per_repair", c.name), c.queue_hours_per_repair.mean));
        cols.push((format!("crew.{}.repairs_per_year", c.name), c.repairs_per_year.mean));
    }
    for m in &o.maintenance {
        cols.push((format!("maintenance.{}.replicas_per_year", m.component), m.units_per_year.mean));
        cols.push((format!("maintenance.{}.downtime_h_per_year", m.component), m.downtime_hours_per_year));
    }
    for l in &o.hidden_failures {
        cols.push((format!("hidden.{}.silent_per_year", l.component), l.silent_failures_per_year.mean));
        cols.push((format!("hidden.{}.hidden_fraction", l.component), l.hidden_fraction.mean));
    }
    for k in &o.shocks {
        cols.push((format!("shock.{}.per_year", k.name), k.per_year.mean));
        cols.push((format!("shock.{}.replicas_hit_per_year", k.name), k.replicas_hit_per_year.mean));
    }
    cols
}
