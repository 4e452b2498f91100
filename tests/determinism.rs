//! Reproducibility: one seed gives the same report whatever the thread
//! count, the same seed twice gives the same report, another seed another
//! one; and variants share their random draws (common random numbers).

use nines::engine::{self, Happening, Observer, Scratch};
use nines::model::Model;
use nines::runner;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

// ---------------------------------------------------------------- helpers --

/// Runs `nines run scenarios/multi-az-web.toml --trials 20000` with `args`
/// from the package root, writing JSON into `dir`; returns the parsed
/// report without its `timing` (wall-clock figures, the only part allowed to
/// differ) and the serialized remainder.
fn run_cli(dir: &Path, name: &str, args: &[&str]) -> (Value, String) {
    run_file(dir, "scenarios/multi-az-web.toml", name, args)
}

/// [`run_cli`] on another scenario file.
fn run_file(dir: &Path, file: &str, name: &str, args: &[&str]) -> (Value, String) {
    let json = dir.join(name);
    let out = Command::new(env!("CARGO_BIN_EXE_nines"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", file, "--trials", "20000", "--quiet", "--json"])
        .arg(&json)
        .args(args)
        .output()
        .expect("the nines binary runs");
    assert!(out.status.success(), "nines {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&json).expect("JSON written");
    let mut v: Value = serde_json::from_str(&text).expect("valid JSON");
    let timing = v.as_object_mut().expect("a JSON object").remove("timing");
    assert!(timing.is_some(), "the report has a timing section");
    let s = serde_json::to_string(&v).expect("serialises");
    (v, s)
}

/// Records every happening of a trial.
#[derive(Default)]
struct Recorder(Vec<(f64, Happening)>);

impl Observer for Recorder {
    fn outage(&mut self, _start: f64, _length: f64, _cause: u32) {}
    fn happened(&mut self, time: f64, what: Happening) {
        self.0.push((time, what));
    }
}

/// Runs trial `trial` of `model`, returning its downtime and happenings.
fn trial(model: &Model, trial: u64, scratch: &mut Scratch) -> (f64, Vec<(f64, Happening)>) {
    let mut rec = Recorder::default();
    let summary = engine::run_trial(model, trial, scratch, &mut rec);
    (summary.downtime, rec.0)
}

/// The happenings of units `units` (failures and repairs), as bit patterns.
fn unit_timeline(events: &[(f64, Happening)], units: std::ops::Range<u32>) -> Vec<(u64, Happening)> {
    events
        .iter()
        .filter(|(_, h)| matches!(h, Happening::Failed(u) | Happening::Repaired(u) if units.contains(u)))
        .map(|&(t, h)| (t.to_bits(), h))
        .collect()
}

/// The `web` component of multi-az-web.
fn web(m: &Model) -> &nines::model::Component {
    m.components.iter().find(|c| c.name == "web").expect("a web component")
}

fn load(text: &str) -> Vec<Model> {
    nines::scenario::load_str(Path::new("inline.toml"), text, &[]).expect("scenario loads").variants
}

// ------------------------------------------------------------------ tests --

/// Same seed, 1 thread vs 2 threads: the JSON reports (minus timing) are byte
/// for byte equal; the same command twice too; another seed changes every variant.
#[test]
fn report_is_independent_of_threads_and_repeatable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, one) = run_cli(dir.path(), "a.json", &["--threads", "1"]);
    let (v2, two) = run_cli(dir.path(), "b.json", &["--threads", "2"]);
    let (_, again) = run_cli(dir.path(), "c.json", &["--threads", "2"]);
    let (v7, other) = run_cli(dir.path(), "d.json", &["--threads", "2", "--seed", "7"]);
    assert!(one == two, "1 thread and 2 threads give different reports");
    assert_eq!(two, again, "the same command twice gives different reports");
    assert_ne!(two, other, "another seed gives the same report");
    // Not just the seed field: every variant's figures differ.
    let variants = |v: &Value| v["variants"].as_array().expect("variants").clone();
    let (a, b) = (variants(&v2), variants(&v7));
    assert!(a.len() >= 2, "multi-az-web has several variants");
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x["name"], y["name"]);
        assert_eq!(x["trials"], 20000);
        assert_ne!(x["downtime_hours"]["mean"], y["downtime_hours"]["mean"], "variant {}", x["name"]);
        assert_ne!(x["events"], y["events"], "variant {}", x["name"]);
    }
}

/// Crews, maintenance, hidden failures and shocks keep their own streams:
/// the operations scenario's report does not depend on the thread count.
#[test]
fn operations_are_independent_of_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (v, one) = run_file(dir.path(), "scenarios/operations.toml", "a.json", &["--threads", "1"]);
    let (_, two) = run_file(dir.path(), "scenarios/operations.toml", "b.json", &["--threads", "2"]);
    assert!(one == two, "1 thread and 2 threads give different reports");
    assert!(v["variants"][0]["operations"]["crews"][0]["utilisation"]["mean"].as_f64().is_some_and(|u| u > 0.0));
}

/// The library gives the same statistics as itself when run twice (pool
/// scheduling differs between runs, chunk merge order must not).
#[test]
fn library_run_is_repeatable() {
    let models = load(include_str!("../scenarios/multi-az-web.toml"));
    let m = &models[1];
    let mut m = m.clone();
    m.trials = 5000;
    let a = runner::run(&m, &|_| {});
    let b = runner::run(&m, &|_| {});
    assert_eq!(a.downtime.mean().to_bits(), b.downtime.mean().to_bits());
    assert_eq!(a.downtime.std_error().to_bits(), b.downtime.std_error().to_bits());
    assert_eq!(a.events, b.events);
    assert_eq!(a.cause_hours, b.cause_hours);
}

/// Common random numbers: a variant that changes only b's repair time leaves
/// every failure and repair of a's replicas at the same instants, trial by
/// trial; and in trials where b never fails (same first draw in both), the
/// whole trial, hence its downtime, is identical.
#[test]
fn changing_one_component_leaves_the_others_draws_alone() {
    let models = load(
        r#"
        [simulation]
        horizon = "1y"
        trials = 1
        seed = 9
        [components.a]
        count = 2
        mttf = "700h"
        mttr = "12h"
        [components.b]
        mttf = "5000h"
        mttr = "10h"
        [services.app]
        up_when = { all = ["a", "b"] }
        [variants.base]
        [variants.fast-b]
        components.b.mttr = "1h"
    "#,
    );
    let (base, fast) = (&models[0], &models[1]);
    let a = &base.components[0];
    let a_units = a.first_unit..a.first_unit + a.count;
    let b_unit = base.components[1].first_unit;
    let (mut s1, mut s2) = (Scratch::new(base), Scratch::new(fast));
    let (mut untouched, mut differed) = (0, 0);
    for t in 0..3000 {
        let (d1, e1) = trial(base, t, &mut s1);
        let (d2, e2) = trial(fast, t, &mut s2);
        assert_eq!(unit_timeline(&e1, a_units.clone()), unit_timeline(&e2, a_units.clone()), "trial {t}");
        let b_failed = e1.iter().any(|(_, h)| *h == Happening::Failed(b_unit));
        assert_eq!(b_failed, e2.iter().any(|(_, h)| *h == Happening::Failed(b_unit)), "trial {t}");
        if b_failed {
            differed += u32::from(d1 != d2);
        } else {
            assert_eq!(d1.to_bits(), d2.to_bits(), "trial {t}: b never failed, yet downtime differs");
            untouched += 1;
        }
    }
    // P(no failure of b in a year) = e^{−8760/5000} ≈ 17%.
    assert!(untouched > 300 && differed > 1000, "untouched {untouched}, differed {differed}");
}

/// Common random numbers across the variants of multi-az-web: zone outages
/// (streams keyed by zone name) and the failures of web#0..#3 (keyed by
/// replica) happen at the same instants in every variant, whatever the count
/// and placement of the replicas.
#[test]
fn variants_share_zone_and_replica_draws() {
    let models = load(include_str!("../scenarios/multi-az-web.toml"));
    let mut scratch: Vec<Scratch> = models.iter().map(Scratch::new).collect();
    let zones = |e: &[(f64, Happening)], m: &Model| -> Vec<(u64, String, bool)> {
        e.iter()
            .filter_map(|&(t, h)| match h {
                Happening::ZoneDown(z) => Some((t.to_bits(), m.zones[z as usize].name.clone(), true)),
                Happening::ZoneUp(z) => Some((t.to_bits(), m.zones[z as usize].name.clone(), false)),
                _ => None,
            })
            .collect()
    };
    let mut zone_events = 0;
    for t in 0..500 {
        let runs: Vec<Vec<(f64, Happening)>> = models.iter().zip(&mut scratch).map(|(m, s)| trial(m, t, s).1).collect();
        let first = web(&models[0]).first_unit;
        let first_units = first..first + 4;
        let z0 = zones(&runs[0], &models[0]);
        zone_events += z0.len();
        for (i, m) in models.iter().enumerate().skip(1) {
            assert_eq!(zones(&runs[i], m), z0, "trial {t}: zone outages differ in variant {}", m.variant);
            assert_eq!(web(m).first_unit, first, "variant {}", m.variant);
            assert!(web(m).count >= 4, "variant {}", m.variant);
            assert_eq!(
                unit_timeline(&runs[i], first_units.clone()),
                unit_timeline(&runs[0], first_units.clone()),
                "trial {t}: web#0..3 differ in variant {}",
                m.variant
            );
        }
    }
    assert!(zone_events > 100, "only {zone_events} zone events: the check has no power");
}
