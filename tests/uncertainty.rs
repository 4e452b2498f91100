//! Uncertain inputs (`{ low, high }`) and `--uncertainty`: a range whose
//! ends are equal is the plain value exactly, in an ordinary run and in
//! every input set; a variant that sets the field replaces the range whole;
//! the tornado ranks a deliberately dominant input first.

use nines::runner::RunOptions;
use nines::scenario::{Pick, load_picking, load_str};
use nines::uncertainty::analyse;
use std::io::Write;
use std::path::Path;

const BASE: &str = r#"
[simulation]
horizon = "1y"
trials = 500
seed = 4

[components.s]
count = 2
mttf = MTTF
mttr = MTTR

[services.pair]
up_when = { at_least = 1, of = ["s"] }

[variants.base]

[variants.known]
components.s.mttf = "900h"
"#;

fn text(mttf: &str, mttr: &str) -> String {
    BASE.replace("MTTF", mttf).replace("MTTR", mttr)
}

fn report_json(text: &str, pick: &Pick) -> Vec<String> {
    let s = load_picking(Path::new("u.toml"), text, &[], pick).unwrap_or_else(|e| panic!("{e}"));
    s.variants
        .iter()
        .map(|m| {
            let stats = nines::runner::run(m, &|_| {});
            let mut v = serde_json::to_value(nines::report::VariantReport::new(m, &stats)).expect("serialises");
            v.as_object_mut().expect("object").remove("name");
            v.to_string()
        })
        .collect()
}

#[test]
fn a_degenerate_range_is_the_plain_value_exactly() {
    let plain = report_json(&text("\"1000h\"", "\"10h\""), &Pick::Central);
    let range = text("{ low = \"1000h\", high = \"1000h\" }", "{ low = \"10h\", high = \"10h\", law = \"uniform\" }");
    assert_eq!(report_json(&range, &Pick::Central), plain);
    for set in [0, 1, 17] {
        assert_eq!(report_json(&range, &Pick::Draw(set)), plain, "input set {set}");
    }
    assert_eq!(report_json(&range, &Pick::High("components.s.mttf".into())), plain);
}

#[test]
fn a_variant_that_sets_the_field_replaces_the_range() {
    let s = load_str(Path::new("u.toml"), &text("{ low = \"500h\", high = \"2000h\" }", "\"10h\""), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.variants[0].uncertain.len(), 1);
    assert_eq!(s.variants[0].uncertain[0].path, "components.s.mttf");
    assert_eq!(s.variants[0].uncertain[0].value, "1000h", "log-uniform: the geometric mean is central");
    assert!(s.variants[1].uncertain.is_empty(), "the variant's plain value replaced the range");
}

fn options(text: &str) -> (tempfile::TempDir, RunOptions) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("u.toml");
    std::fs::File::create(&file).and_then(|mut f| f.write_all(text.as_bytes())).expect("written");
    let opts = RunOptions {
        file,
        trials: Some(300),
        seed: None,
        threads: Some(1),
        variants: vec!["base".into()],
        quiet: true,
        ..RunOptions::default()
    };
    (dir, opts)
}

#[test]
fn the_tornado_ranks_the_dominant_input_first() {
    // The repair time spans two decades, the failure time a few percent:
    // the repair time must come first.
    let t = text("{ low = \"950h\", high = \"1050h\" }", "{ low = \"1h\", high = \"100h\" }");
    let (_dir, opts) = options(&t);
    let u = analyse(&opts, 20).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(u.tornado.len(), 2);
    assert_eq!(u.tornado[0].input, "components.s.mttr");
    assert!(u.tornado[0].swing > 10.0 * u.tornado[1].swing, "{:?}", u.tornado);
    assert!(u.tornado[0].downtime_at_high > u.tornado[0].downtime_at_low);
    let v = &u.variants[0];
    assert!(v.p5 <= v.p50 && v.p50 <= v.p95 && v.p5 < v.p95, "{v:?}");
    // Degenerate ranges: every input set is the central run.
    let d = text("{ low = \"1000h\", high = \"1000h\" }", "{ low = \"10h\", high = \"10h\" }");
    let (_dir, opts) = options(&d);
    let u = analyse(&opts, 5).unwrap_or_else(|e| panic!("{e}"));
    let v = &u.variants[0];
    assert!(v.p5 == v.central && v.p95 == v.central, "{v:?}");
    assert!(u.tornado.iter().all(|b| b.swing == 0.0));
}
