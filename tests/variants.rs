//! Switching designs in a variant or a sweep the obvious way: placement
//! (`zone` to `zones`), a distribution's parameterisation, a whole table,
//! a bucket's storage class.

use nines::model::NONE;
use nines::scenario::load_str;
use std::path::Path;
use std::process::Command;

const BASE: &str = r#"
[simulation]
horizon = "1y"
trials = 50
[regions.r]
zones = ["a", "b"]
[components.web]
count = 2
zone = "a"
failure = { type = "weibull", shape = 2, scale = "1000h" }
mttr = "1h"
[buckets.data]
class = "one-zone-ia"
size = "1TB"
zone = "a"
[services.app]
up_when = { all = [{ any = ["web"] }, "data"] }
"#;

fn load(variants: &str) -> nines::scenario::Scenario {
    load_str(Path::new("v.toml"), &format!("{BASE}\n{variants}"), &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_variant_moves_a_component_from_one_zone_to_several() {
    let s = load("[variants.one]\n[variants.two]\ncomponents.web.zones = [\"a\", \"b\"]\n");
    let zones = |m: &nines::model::Model| -> Vec<u32> { m.units[..2].iter().map(|u| u.zone).collect() };
    assert_eq!(zones(&s.variants[0]), vec![0, 0]);
    assert_eq!(zones(&s.variants[1]), vec![0, 1]);
    // And back: a one-element list is the same as `zone`.
    let s = load("[variants.list]\ncomponents.web.zones = [\"b\"]\n[variants.zone]\ncomponents.web.zone = \"b\"\n");
    assert_eq!(zones(&s.variants[0]), zones(&s.variants[1]));
}

#[test]
fn a_variant_replaces_a_distribution_whole() {
    // scale → mean: merged key by key they would both be set.
    let s = load("[variants.w]\ncomponents.web.failure = { type = \"weibull\", shape = 2, mean = \"500h\" }\n");
    let m = &s.variants[0];
    let mean = m.dists[m.components[0].failure as usize].mean();
    assert!((mean - 500.0).abs() < 1e-6, "{mean}");
    // And to another kind of time to failure altogether.
    let s = load("[variants.e]\ncomponents.web.mttf = \"300h\"\n");
    let m = &s.variants[0];
    assert!((m.dists[m.components[0].failure as usize].mean() - 300.0).abs() < 1e-6);
}

#[test]
fn replace_true_replaces_a_whole_table() {
    let s = load("[variants.r.components.web]\nreplace = true\nregion = \"r\"\nmttf = \"100h\"\nmttr = \"2h\"\n");
    let m = &s.variants[0];
    assert_eq!(m.components[0].count, 1, "count came from the base");
    assert_eq!((m.units[0].zone, m.units[0].region), (NONE, 0));
}

#[test]
fn a_variant_switches_a_bucket_between_one_zone_ia_and_standard() {
    let s = load("[variants.oz]\n[variants.std]\nbuckets.data.class = \"standard\"\n");
    let bucket_unit = |m: &nines::model::Model| m.units[m.buckets[0].unit as usize];
    assert_eq!(bucket_unit(&s.variants[0]).zone, 0);
    let std = bucket_unit(&s.variants[1]);
    assert_eq!((std.zone, std.region), (NONE, 0), "Standard stands in the region");
    assert!(s.variants[1].notes.iter().any(|n| n.contains("buckets.data.zone") && n.contains("ignored")));
}

#[test]
fn sweep_switches_a_bucket_class() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, BASE).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(["sweep", "--set", "buckets.data.class=standard,one-zone-ia", "--trials", "200", "-q", "--out"])
        .arg(dir.path())
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("standard") && stdout.contains("one-zone-ia"), "{stdout}");
}

#[test]
fn cross_zone_transfer_is_billed_only_when_the_design_spans_zones() {
    let s = load(
        "[data_transfer]\ncross_zone_per_month = \"500GB\"\nprice_per_gb = 0.02\n[variants.one]\n[variants.two]\ncomponents.web.zones = [\"a\", \"b\"]\n",
    );
    let bill =
        |m: &nines::model::Model| m.cost.iter().find(|c| c.name.starts_with("cross-zone")).map(|c| c.monthly_usd);
    assert_eq!(bill(&s.variants[0]), None, "one zone: nothing crosses");
    assert!(s.variants[0].notes.iter().any(|n| n.starts_with("data_transfer:")));
    assert!((bill(&s.variants[1]).unwrap() - 500.0 * 0.02).abs() < 1e-9);
}
