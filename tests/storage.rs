//! Storage classes against closed forms: calibrated designed availability,
//! designed object loss, destruction probability per zone outage, and SLA
//! credit months on a schedule computed by hand.

mod common;

use common::*;
use nines::scenario::load_str;
use std::path::Path;

#[test]
fn designed_availability_is_reproduced_by_the_shipped_scenario() {
    let text = std::fs::read_to_string("scenarios/s3-standard-vs-one-zone-ia.toml").unwrap();
    let reports = run_trials(&text, 40_000);
    for (variant, exact) in [("standard", 0.876), ("one-zone-ia", 43.8)] {
        let r = reports.iter().find(|r| r.name == variant).unwrap();
        let d = &r.storage[0].downtime_hours;
        // (1 − A) × 8760 h exactly; the first year starts up, which biases the
        // mean down by about E[d]/8760 of itself (2e-4): far below one SE.
        assert!((d.designed - exact).abs() < 1e-3 * exact, "{variant}: designed {}", d.designed);
        let own = r.per_trial(|t| t.bucket_own_hours[0]);
        assert!((mean_se(&own).0 - d.class_outages.mean).abs() < 1e-9 * exact, "replayed = reported");
        assert_z(variant, &own, d.designed);
        assert_eq!(d.zone_region_outages.mean, 0.0, "{variant}: no zone outages declared");
        // The bucket is the whole service here.
        assert_z(variant, &downtime(r), d.designed);
    }
}

#[test]
fn designed_object_loss_is_objects_times_1e_minus_11() {
    let text = std::fs::read_to_string("scenarios/s3-standard-vs-one-zone-ia.toml").unwrap();
    for r in run_trials(&text, 100) {
        let b = &r.storage[0];
        assert_eq!(b.objects, 10_000_000);
        assert_eq!(b.durability.designed_object_loss_per_year, 1e-11);
        assert!((b.durability.designed_objects_lost_per_year - 1e-4).abs() < 1e-18);
    }
}

const DESTRUCTIVE: &str = r#"
[simulation]
horizon = "1y"
trials = 1
seed = 5

[regions.r]
zones = ["a", "b", "c"]
zone_outage = { rate = "2/y", duration = "1h", destroy_probability = "10%" }

[buckets.cheap]
class = "one-zone-ia"
size = "2TB"
zone = "a"

[buckets.safe]
class = "standard"
size = "2TB"
region = "r"

[services.both]
up_when = { all = ["cheap", "safe"] }
"#;

#[test]
fn destruction_per_zone_outage_matches_poisson_thinning() {
    let r = &run_trials(DESTRUCTIVE, 40_000)[0];
    let cheap = r.storage.iter().find(|b| b.name == "cheap").unwrap();
    let safe = r.storage.iter().find(|b| b.name == "safe").unwrap();
    // Outages of zone a form a Poisson process of rate r = 2/y (the 1 h
    // outages shift it by 2/8760 of a year, negligible); each destroys with
    // p = 0.1, so destructions are Poisson with rate r·p and
    // P(loss in a year) = 1 − exp(−r·p).
    let exact = 1.0 - (-2.0f64 * 0.1).exp();
    let p = &cheap.durability.scenario_loss_probability;
    assert_p("P(loss in a year)", p.observed, p.trials, exact);
    // Bytes lost per year = size × P(loss).
    let bytes = &cheap.durability.scenario_bytes_lost_per_year;
    assert!((bytes.mean - 2e12 * p.estimate).abs() < 1e-3 * bytes.mean);
    // Standard keeps data in three zones: a zone's destruction never loses it.
    let s = &safe.durability.scenario_loss_probability;
    assert_eq!(s.observed, 0);
    assert!(s.upper_bound95.unwrap() < 1e-3, "reported as an upper bound, not 0");
}

#[test]
fn sla_credit_months_match_a_hand_computed_schedule() {
    // Zone a is out 10 h every 510 h exactly: [500, 510), [1010, 1020), …
    // The bucket's own outages are made negligible (A = 99.99999999%), so
    // each month's downtime is fixed by the schedule, computed here by hand.
    let text = r#"
[simulation]
horizon = "1y"
trials = 1
seed = 9

[regions.r]
zones = ["a"]

[zones.a]
outage = { every = "500h", duration = "10h" }

[buckets.b]
class = "one-zone-ia"
size = "1TB"
zone = "a"
availability = "99.99999999%"

[services.s]
up_when = "b"
"#;
    let trials = 200;
    let r = &run_trials(text, trials)[0];
    let b = &r.storage[0];
    let month = 730.0;
    let mut down = [0.0f64; 12];
    let mut start = 500.0;
    while start < 8760.0 {
        let end = f64::min(start + 10.0, 8760.0);
        for (m, d) in down.iter_mut().enumerate() {
            let (lo, hi) = (m as f64 * month, (m + 1) as f64 * month);
            *d += (end.min(hi) - start.max(lo)).max(0.0);
        }
        start += 510.0;
    }
    // One Zone-IA (group B): below 99% → 10%, below 98% → 25%, below 95% → 100%.
    let mut expected = [0u64; 3];
    let mut credit_pct = 0.0;
    for d in down {
        let uptime = 100.0 * (1.0 - d / month);
        let tier = if uptime < 95.0 {
            Some(2)
        } else if uptime < 98.0 {
            Some(1)
        } else if uptime < 99.0 {
            Some(0)
        } else {
            None
        };
        if let Some(t) = tier {
            expected[t] += 1;
            credit_pct += [10.0, 25.0, 100.0][t];
        }
    }
    assert!(expected[0] > 0 && expected[1] > 0, "the schedule exercises two tiers: {expected:?} from {down:?}");
    let got: Vec<u64> = b.sla.tiers.iter().map(|t| t.months.observed).collect();
    let want: Vec<u64> = expected.iter().map(|n| n * trials as u64).collect();
    assert_eq!(got, want, "monthly downtime {down:?}");
    let bill = 1000.0 * 0.01; // 1 TB at $0.01/GB-month
    let credit = &b.sla.expected_credit_usd_per_year;
    assert!((credit.mean - credit_pct / 100.0 * bill).abs() < 1e-9, "{} vs {}", credit.mean, credit_pct / 100.0 * bill);
    assert!((b.downtime_hours.total.mean - down.iter().sum::<f64>()).abs() < 1e-9);
}

#[test]
fn single_az_classes_need_a_zone_and_multi_az_classes_ignore_one() {
    let base = |placement: &str, class: &str| {
        format!(
            "[simulation]\nhorizon = \"1y\"\ntrials = 10\n[regions.r]\nzones = [\"a\"]\n[buckets.b]\nclass = \"{class}\"\nsize = \"1TB\"\n{placement}\n[services.s]\nup_when = \"b\"\n"
        )
    };
    let e = load_str(Path::new("x.toml"), &base("region = \"r\"", "one-zone-ia"), &[]).unwrap_err().to_string();
    assert!(e.contains("keeps data in a single zone: set `zone`"), "{e}");
    // A bucket keeps its zone whatever its class, so one scenario can switch
    // classes: a multi-zone class stands in the zone's region, with a note.
    let s = load_str(Path::new("x.toml"), &base("zone = \"a\"", "standard"), &[]).unwrap();
    let m = &s.variants[0];
    let unit = &m.units[m.buckets[0].unit as usize];
    assert_eq!((unit.zone, unit.region), (nines::model::NONE, 0));
    assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
    assert!(m.notes[0].starts_with("buckets.b.zone: S3 Standard keeps data in at least 3 zones of r"), "{:?}", m.notes);
    let oz = load_str(Path::new("x.toml"), &base("zone = \"a\"", "one-zone-ia"), &[]).unwrap();
    let unit = &oz.variants[0].units[oz.variants[0].buckets[0].unit as usize];
    assert_eq!(unit.zone, 0, "One Zone-IA stands in its zone");
    assert!(oz.variants[0].notes.is_empty());
    let e = load_str(Path::new("x.toml"), &base("region = \"r\"", "platinum"), &[]).unwrap_err().to_string();
    assert!(e.contains("unknown storage class \"platinum\""), "{e}");
}
