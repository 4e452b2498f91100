//! Chart fixes seen by a first-time user: identical variants named in the
//! legend (and drawn so both show), no probability rounded to 0 or 100% in
//! a legend, value labels on white above the SLO line.

use nines::plot::{self, DowntimeDistribution, VariantsCompared};
use nines::runner::{self, RunOptions};
use std::path::PathBuf;

fn report(file: &str, trials: u64) -> nines::report::Report {
    let opts = RunOptions {
        file: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file),
        trials: Some(trials),
        quiet: true,
        ..Default::default()
    };
    runner::simulate(&opts, None).unwrap().1
}

#[test]
fn identical_variants_are_named_and_no_share_reads_100_percent() {
    let r = report("scenarios/lab-web-app.toml", 3000);
    let svg = plot::svg(&DowntimeDistribution { report: &r }).unwrap();
    // spot and three-az have the same downtime as t3-micro in every year.
    assert!(svg.contains("(same as t3-micro)"), "identical variants not named");
    let r = report("scenarios/workshop/04-s3-classes.toml", 20_000);
    let oz = r.variants.iter().find(|v| v.name == "one-zone-ia").unwrap();
    let met = &oz.slo.as_ref().unwrap().met_probability;
    assert!(met.observed > 0 && met.observed < met.trials, "the case needs a share just above 0");
    let svg = plot::svg(&DowntimeDistribution { report: &r }).unwrap();
    assert!(!svg.contains("in 100% of"), "a share rounded to 100%");
    assert!(svg.contains("misses SLO in 99.9"), "{}", svg.lines().filter(|l| l.contains("misses")).collect::<String>());
}

#[test]
fn value_labels_sit_on_white_over_the_slo_line() {
    let r = report("scenarios/workshop/04-s3-classes.toml", 2000);
    let svg = plot::svg(&VariantsCompared { report: &r }).unwrap();
    let last_slo = svg.rfind("stroke=\"#C80000\"").expect("an SLO line");
    let label = svg.find(" h/yr [").expect("a value label");
    assert!(label > last_slo, "labels are drawn before the SLO line");
    let boxed = &svg[svg[..label].rfind("<rect").unwrap()..label];
    assert!(boxed.contains("fill=\"#FFFFFF\""), "a label without its white box: {boxed}");
}
