//! Properties over generated scenarios (proptest), the bounded, always-run
//! counterpart of the fuzz target in `fuzz/`: both go through
//! `nines::probe`, which loads, compiles, describes and runs one short
//! trial of each variant and checks what every trial must satisfy.
//!
//! - Engine: availability within [0, 1], downtime within [0, horizon],
//!   outages ≥ 0, downtime by cause adding up to the downtime, for single
//!   trials (probe) and for whole runs (runner).
//! - Variants: a variant with no overrides gives the base's very results.
//! - Loader: generated scenarios, then the same with random edits and
//!   fragments of scenario syntax spliced in, never panic, and every error
//!   names the file and a line and column inside it.
//!
//! The whole file takes about 30 s in release on two cores.

use nines::probe::{Limits, Outcome, probe};
use proptest::prelude::*;
use proptest::test_runner::Config;
use std::path::Path;

/// One distribution, written as a scenario would.
fn dist() -> impl Strategy<Value = String> {
    prop_oneof![
        (1u32..5000).prop_map(|h| format!("\"{h}h\"")),
        (1u32..5000).prop_map(|h| format!("{{ type = \"exponential\", mean = \"{h}h\" }}")),
        (1u32..100, 2u32..50)
            .prop_map(|(m, f)| format!("{{ type = \"lognormal\", median = \"{m}h\", p90 = \"{}h\" }}", m * f)),
        (1u32..100, 1u32..100)
            .prop_map(|(a, b)| format!("{{ type = \"uniform\", min = \"{a}m\", max = \"{}m\" }}", a + b)),
        (5u32..30, 10u32..3000)
            .prop_map(|(s, m)| format!("{{ type = \"weibull\", shape = {}, mean = \"{m}h\" }}", f64::from(s) / 10.0)),
    ]
}

/// A component: count, placement (zone index or none), failure and repair.
#[derive(Clone, Debug)]
struct Comp {
    count: u32,
    zone: Option<usize>,
    failure: String,
    repair: String,
}

fn comp() -> impl Strategy<Value = Comp> {
    (1u32..4, proptest::option::of(0usize..3), dist(), dist()).prop_map(|(count, zone, failure, repair)| Comp {
        count,
        zone,
        failure,
        repair,
    })
}

/// A structure over components `c0..cN`: nested all / any / at-least gates.
fn gate(n: usize) -> impl Strategy<Value = String> {
    let leaf = (0..n).prop_map(|i| format!("\"c{i}\""));
    leaf.prop_recursive(3, 12, 4, move |inner| {
        (prop::collection::vec(inner, 1..4), 0u8..3).prop_map(|(members, kind)| {
            // Names may not repeat in one list: keep the first of each.
            let mut seen: Vec<String> = Vec::new();
            let members: Vec<String> = members
                .into_iter()
                .filter(|m| {
                    if !m.starts_with('"') || seen.contains(m) {
                        return !m.starts_with('"');
                    }
                    seen.push(m.clone());
                    true
                })
                .collect();
            match kind {
                0 => format!("{{ all = [{}] }}", members.join(", ")),
                1 => format!("{{ any = [{}] }}", members.join(", ")),
                _ => format!("{{ at_least = 1, of = [{}] }}", members.join(", ")),
            }
        })
    })
}

/// A whole small scenario: one region of three zones with outages, up to
/// four components, a structure, and sometimes a store with backups.
fn scenario() -> impl Strategy<Value = String> {
    (prop::collection::vec(comp(), 1..5), any::<bool>(), 1u32..40, 0u64..1000)
        .prop_flat_map(|(comps, store, years_tenths, seed)| {
            let n = comps.len();
            (Just(comps), gate(n), Just(store), Just(years_tenths), Just(seed))
        })
        .prop_map(|(comps, structure, store, years_tenths, seed)| {
            let mut t = format!(
                "[simulation]\nhorizon = \"{}h\"\ntrials = 40\nseed = {seed}\n\n[targets]\nslo = \"99.9%\"\nrto = \"4h\"\nrpo = \"1h\"\ndowntime_cost_per_hour = 1000\n\n\
                 [regions.r]\nzones = [\"z0\", \"z1\", \"z2\"]\nzone_outage = {{ rate = \"2/y\", duration = \"5h\", destroy_probability = \"10%\" }}\noutage = {{ rate = \"0.5/y\", duration = \"3h\" }}\n",
                876 * years_tenths
            );
            for (i, c) in comps.iter().enumerate() {
                t.push_str(&format!("\n[components.c{i}]\ncount = {}\nfailure = {}\nrepair = {}\n", c.count, c.failure, c.repair));
                if let Some(z) = c.zone {
                    t.push_str(&format!("zone = \"z{z}\"\n"));
                }
            }
            let mut top = structure;
            if store {
                t.push_str(
                    "\n[stores.db]\nsize = \"50GB\"\nchange_rate = \"1GB/h\"\nzone = \"z0\"\nloss = { rate = \"3/y\" }\n\
                     corruption = { rate = \"2/y\", detection = \"2h\" }\nreplicas = [{ zone = \"z1\", mode = \"async\", lag = \"1m\" }]\n\
                     backups = [{ every = \"12h\", throughput = \"100GB/h\", keep = 3 }]\nrecovery = { restore_throughput = \"100GB/h\" }\n",
                );
                top = format!("{{ all = [{top}, \"db\"] }}");
            }
            t.push_str(&format!("\n[services.app]\nup_when = {top}\n"));
            t
        })
}

fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

proptest! {
    #![proptest_config(config(900))]

    /// Every trial of a generated scenario keeps the engine's invariants
    /// (checked by the probe), and so does a whole run's report.
    #[test]
    fn trials_and_runs_keep_the_engine_invariants(text in scenario()) {
        let outcome = probe("gen.toml", &text, Limits::default()).map_err(|b| TestCaseError::fail(b.0))?;
        let Outcome::Ran(trials) = outcome else { return Err(TestCaseError::fail(format!("refused:\n{text}"))) };
        for t in trials.iter().flatten() {
            prop_assert!(t.downtime >= 0.0 && t.downtime <= t.horizon);
            let by_cause: f64 = t.downtime_by_cause.iter().sum();
            prop_assert!((by_cause - t.downtime).abs() <= 1e-9 * t.horizon, "{by_cause} vs {}", t.downtime);
        }
        let s = nines::scenario::load_str(Path::new("gen.toml"), &text, &[]).expect("loads");
        let m = &s.variants[0];
        let r = nines::report::VariantReport::new(m, &nines::runner::run(m, &|_| {}));
        let year = nines::units::HOURS_PER_YEAR;
        prop_assert!((0.0..=1.0).contains(&r.availability.mean), "availability {}", r.availability.mean);
        prop_assert!(r.downtime_hours.mean >= 0.0 && r.downtime_hours.mean <= year * (1.0 + 1e-9));
        prop_assert!(r.downtime_hours.max <= year * (1.0 + 1e-9));
        prop_assert!(r.outages_per_year.mean >= 0.0);
        let causes: f64 = r.causes.iter().map(|c| c.downtime_hours_per_year).sum();
        prop_assert!((causes - r.downtime_hours.mean).abs() <= 1e-9 * year, "causes {causes} vs {}", r.downtime_hours.mean);
    }

    /// A variant that overrides nothing is the base: same seed, same
    /// streams, same figures, digit for digit.
    #[test]
    fn a_variant_without_overrides_is_the_base(text in scenario()) {
        let base = nines::scenario::load_str(Path::new("gen.toml"), &text, &[]).expect("loads");
        let with_variant = format!("{text}\n[variants.same]\ndescription = \"no overrides\"\n");
        let varied = nines::scenario::load_str(Path::new("gen.toml"), &with_variant, &[]).expect("loads");
        let report = |m: &nines::model::Model| {
            let mut v = serde_json::to_value(nines::report::VariantReport::new(m, &nines::runner::run(m, &|_| {})))
                .expect("serialises");
            v.as_object_mut().expect("an object").remove("name");
            v.as_object_mut().expect("an object").remove("description");
            v
        };
        prop_assert_eq!(report(&base.variants[0]), report(&varied.variants[0]));
    }
}

/// Fragments of scenario syntax spliced into generated scenarios (the fuzz
/// dictionary's idea, bounded).
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "=",
    ",",
    "\"",
    "\n",
    "#",
    "-1",
    "0",
    "1e308",
    "9223372036854775808",
    "\"0h\"",
    "\"1ms\"",
    "\"-3h\"",
    "\"NaNh\"",
    "\"100%\"",
    "\"1e-300h\"",
    "[services.s]\nup_when = \"app\"\n",
    "{ all = [] }",
    "{ at_least = 9, of = [\"c0\"] }",
    "[\"c0\", \"c0\"]",
    "[variants.v]\n",
    "count = 0\n",
    "mode = \"async\"",
    "keep = 0",
    "\"zz\"",
    "type = \"weibull\"",
    "[[x]]",
    "'",
    "\"\"\"",
];

proptest! {
    #![proptest_config(config(9000))]

    /// Edited scenarios: never a panic, every error located in the text.
    #[test]
    fn edited_scenarios_load_or_fail_with_a_located_error(
        text in scenario(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..FRAGMENTS.len(), 0u8..3), 1..4),
    ) {
        let mut t = text;
        for (at, fragment, op) in edits {
            let mut i = at.index(t.len() + 1);
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            match op {
                0 => t.insert_str(i, FRAGMENTS[fragment]),
                1 => {
                    let end = (i + FRAGMENTS[fragment].len()).min(t.len());
                    let end = (end..=t.len()).find(|&e| t.is_char_boundary(e)).unwrap_or(t.len());
                    t.replace_range(i..end, FRAGMENTS[fragment]);
                }
                _ => {
                    let end = (i + 1..=t.len()).find(|&e| t.is_char_boundary(e)).unwrap_or(t.len());
                    t.replace_range(i..end, "");
                }
            }
        }
        let limits = Limits { max_events: 20_000, max_units: 2_000, ..Limits::default() };
        probe("edited.toml", &t, limits).map_err(|b| TestCaseError::fail(format!("{}\n--- input ---\n{t}", b.0)))?;
    }
}
