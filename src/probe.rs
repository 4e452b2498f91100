//! One scenario text tried end to end under limits: loaded, compiled,
//! described, one short trial of each variant simulated and reported. This
//! is what the fuzz target (`fuzz/`) and the generated-scenario tests run,
//! so both check the same properties: no panic, no run past an event
//! budget, every error located at file:line, and sane figures.
//!
//! The engine has no event cap of its own (its loop is the hot path), so
//! the budget is kept here: the trial is stepped and its events counted,
//! and the observer also counts what the trial reports and unwinds out of
//! the trial with a private payload once the budget is spent. [`quiet_budget_panics`] keeps that unwinding silent, and lets
//! every other panic through to the previous hook (a fuzzer's abort).

use crate::engine::{self, Happening, Observer, Scratch};
use crate::error::Error;
use crate::model::Model;
use crate::report::{Report, Timing, VariantReport, check, csv, table};
use crate::runner;
use crate::scenario::{self, Scenario};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// What a probe may spend on one input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Events (failures, repairs, outages…) per simulated trial.
    pub max_events: u64,
    /// Units (replicas, instances, bucket and store units) per variant:
    /// bigger models are loaded but not simulated.
    pub max_units: usize,
    /// Simulated hours per trial: longer horizons are cut to this.
    pub max_horizon_hours: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_events: 200_000, max_units: 20_000, max_horizon_hours: 10.0 * crate::units::HOURS_PER_YEAR }
    }
}

/// What became of an input.
#[derive(Debug)]
pub enum Outcome {
    /// Refused with a located message (the display of the error).
    Refused(String),
    /// Simulated: per variant, the trial's figures (`None` where the
    /// variant was over [`Limits::max_units`] or the event budget).
    Ran(Vec<Option<Trial>>),
}

/// One trial of one variant, and the checks it passed.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// Hours simulated (the horizon, perhaps cut by the limits).
    pub horizon: f64,
    /// Hours the service was down.
    pub downtime: f64,
    /// Outages started.
    pub outages: u32,
    /// Events processed.
    pub events: u64,
    /// Downtime attributed to each cause, in cause order.
    pub downtime_by_cause: Vec<f64>,
}

/// A property an input broke; the fuzz target panics with it.
#[derive(Debug)]
pub struct Broken(pub String);

/// The unwinding payload of a spent budget.
struct BudgetSpent;

/// Counts what a trial reports and sums downtime per cause.
struct Budget {
    left: u64,
    by_cause: Vec<f64>,
}

impl Observer for Budget {
    fn outage(&mut self, _start: f64, length: f64, cause: u32) {
        if let Some(c) = self.by_cause.get_mut(cause as usize) {
            *c += length;
        }
    }

    fn happened(&mut self, _time: f64, _what: Happening) {
        if self.left == 0 {
            std::panic::panic_any(BudgetSpent);
        }
        self.left -= 1;
    }
}

/// Installs a panic hook that stays silent for a spent event budget and
/// hands every other panic to the hook installed before (call once, before
/// probing, where panics should abort or print).
pub fn quiet_budget_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.payload().is::<BudgetSpent>() {
            previous(info);
        }
    }));
}

/// Loads `text` as `file` and tries it within `limits`.
pub fn probe(file: &str, text: &str, limits: Limits) -> Result<Outcome, Broken> {
    let path = Path::new(file);
    let s = match scenario::load_str(path, text, &[]) {
        Ok(s) => s,
        Err(Error::Scenario(e)) => {
            let shown = e.to_string();
            let lines = text.split('\n').count();
            let located = shown.starts_with(&format!("{file}:{}:{}: ", e.line, e.col));
            if !located || e.line == 0 || e.line > lines || e.col == 0 || e.message.is_empty() {
                return Err(Broken(format!("error not located in the file: {shown}")));
            }
            if shown.contains('\n') {
                return Err(Broken(format!("error on several lines: {shown}")));
            }
            return Ok(Outcome::Refused(shown));
        }
        Err(other) => return Err(Broken(format!("not a scenario error: {other}"))),
    };
    let names = names(&s, file);
    no_non_finite("check", &check::render(&s, file), &names)?;
    let mut trials = Vec::new();
    for m in &s.variants {
        trials.push(try_variant(m, limits)?);
    }
    if trials.iter().all(Option::is_some) {
        report(&s, file, limits, &names)?;
    }
    Ok(Outcome::Ran(trials))
}

/// `model` with the horizon cut to the limits, and one trial.
fn limited(model: &Model, limits: Limits) -> Model {
    let mut m = model.clone();
    m.horizon = m.horizon.min(limits.max_horizon_hours);
    m.months = (m.horizon / crate::units::HOURS_PER_MONTH + 1e-9).floor() as u32;
    m.trials = 1;
    m
}

/// Runs trial 0 of `model` within the budget and checks its figures.
fn try_variant(model: &Model, limits: Limits) -> Result<Option<Trial>, Broken> {
    if model.units.len() > limits.max_units {
        return Ok(None);
    }
    let m = limited(model, limits);
    let mut scratch = Scratch::new(&m);
    let mut budget = Budget { left: limits.max_events, by_cause: vec![0.0; m.causes.len()] };
    // Events are counted as they are stepped too: some (a corruption
    // striking a store already corrupted) report nothing to the observer.
    let run = catch_unwind(AssertUnwindSafe(|| {
        let mut st = engine::begin_trial(&m, 0, &mut scratch);
        let mut steps = 0u64;
        while engine::step(&m, &mut scratch, &mut st, &mut budget).is_some() {
            steps += 1;
            if steps > limits.max_events {
                return None;
            }
        }
        Some(engine::end_trial(&m, &mut scratch, st, &mut budget))
    }));
    let summary = match run {
        Ok(Some(summary)) => summary,
        Ok(None) => return Ok(None),
        Err(payload) if payload.is::<BudgetSpent>() => return Ok(None),
        Err(payload) => std::panic::resume_unwind(payload),
    };
    let trial = Trial {
        horizon: m.horizon,
        downtime: summary.downtime,
        outages: summary.outages,
        events: summary.events,
        downtime_by_cause: budget.by_cause,
    };
    check_trial(&m, &trial)?;
    Ok(Some(trial))
}

/// The properties every trial has.
fn check_trial(m: &Model, t: &Trial) -> Result<(), Broken> {
    let fail = |what: String| Err(Broken(format!("variant {}: {what}", m.variant)));
    if !(t.downtime >= 0.0 && t.downtime <= t.horizon * (1.0 + 1e-12)) {
        return fail(format!("downtime {} outside [0, horizon {}]", t.downtime, t.horizon));
    }
    let availability = 1.0 - t.downtime / t.horizon;
    if !(0.0..=1.0).contains(&availability) {
        return fail(format!("availability {availability} outside [0, 1]"));
    }
    if t.downtime > 0.0 && t.outages == 0 && t.downtime_by_cause.iter().all(|&d| d == 0.0) {
        return fail("downtime without an outage".into());
    }
    let by_cause: f64 = t.downtime_by_cause.iter().sum();
    if (by_cause - t.downtime).abs() > 1e-9 * t.horizon.max(1.0) {
        return fail(format!("downtime by cause adds up to {by_cause}, not {}", t.downtime));
    }
    Ok(())
}

/// Renders the report of one trial of every variant (table, CSV, JSON) and
/// checks no figure is infinite or not a number.
fn report(s: &Scenario, file: &str, limits: Limits, names: &[String]) -> Result<(), Broken> {
    let mut reports = Vec::new();
    for m in &s.variants {
        let m = limited(m, limits);
        let mut scratch = Scratch::new(&m);
        let stats = runner::run_chunk(&m, 0..1, &mut scratch, None);
        reports.push(VariantReport::new(&m, &stats));
    }
    let r = Report::new(s, file, reports, Vec::new(), Timing::default());
    no_non_finite("table", &table::render(&r), names)?;
    if let Some(at) = non_finite_field(&r) {
        return Err(Broken(format!("the report's {at} is not finite (JSON would show null)")));
    }
    no_non_finite("JSON", &r.to_json(), names)?;
    let summary = csv::summary(&r).map_err(|e| Broken(format!("CSV: {e}")))?;
    no_non_finite("CSV", &String::from_utf8_lossy(&summary), names)
}

/// The path of the first figure of `report` that is infinite or not a
/// number. (JSON cannot tell: serde_json writes such a number as null, the
/// same as a figure that does not apply; TOML keeps them apart.)
pub fn non_finite_field(report: &Report) -> Option<String> {
    fn walk(v: &toml::Value, at: &str) -> Option<String> {
        match v {
            toml::Value::Float(x) if !x.is_finite() => Some(at.to_owned()),
            toml::Value::Array(a) => a.iter().enumerate().find_map(|(i, x)| walk(x, &format!("{at}[{i}]"))),
            toml::Value::Table(t) => t.iter().find_map(|(k, x)| walk(x, &format!("{at}.{k}"))),
            _ => None,
        }
    }
    match toml::Value::try_from(report) {
        Ok(v) => walk(&v, ""),
        Err(e) => Some(format!("(not serialisable: {e})")),
    }
}

/// Every name and description the user wrote, which reports repeat
/// verbatim (a component may well be called "inf").
pub fn names(s: &Scenario, file: &str) -> Vec<String> {
    let mut out = vec![s.name.clone(), file.to_owned()];
    for m in &s.variants {
        out.push(m.variant.clone());
        out.push(m.service.clone());
        out.extend(m.description.clone());
        out.extend(m.components.iter().flat_map(|c| [Some(c.name.clone()), c.description.clone()]).flatten());
        out.extend(m.zones.iter().map(|z| z.name.clone()));
        out.extend(m.regions.iter().map(|r| r.name.clone()));
        out.extend(m.gates.iter().map(|g| g.label.clone()));
        out.extend(m.buckets.iter().map(|b| b.name.clone()));
        out.extend(m.groups.iter().map(|g| g.name.clone()));
        out.extend(m.standbys.iter().map(|p| p.name.clone()));
        out.extend(m.stores.iter().map(|st| st.name.clone()));
        out.extend(m.cost.iter().map(|c| c.name.clone()));
        out.extend(m.causes.iter().map(|c| c.name.clone()));
    }
    out.sort();
    out.dedup();
    out.retain(|n| !n.is_empty());
    out
}

/// Fails when `text` shows an infinite or not-a-number figure: a word
/// `inf`, `infinity` or `NaN` that is not part of one of the user's
/// `names` (a component may well be called "inf").
pub fn no_non_finite(what: &str, text: &str, names: &[String]) -> Result<(), Broken> {
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == '-' || c == '_')) {
        let bare = word.trim_start_matches('-').trim_end_matches('.').to_ascii_lowercase();
        if (bare == "inf" || bare == "infinity" || bare == "nan")
            && !names.iter().any(|n| n.to_ascii_lowercase().contains(&bare))
        {
            return Err(Broken(format!("{what} shows {word:?}:\n{text}")));
        }
    }
    Ok(())
}
