//! `nines sweep`: one CSV row per value (and variant), numbers equal to
//! separate runs of the edited scenario at the same seed, a chart of the
//! stated size, and a clear exit-2 message for a bad path or value.

use std::path::Path;
use std::process::{Command, Output};

fn nines(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("nines runs")
}

fn ok(args: &[&str]) -> Output {
    let out = nines(args);
    assert_eq!(out.status.code(), Some(0), "nines {args:?}\nstderr: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let head = rd.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = rd.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect();
    (head, rows)
}

/// Asserts exit 2 and a stderr line containing every one of `parts`.
fn bad(args: &[&str], parts: &[&str]) {
    let out = nines(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "nines {args:?}\nstderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    for p in parts {
        assert!(stderr.contains(p), "nines {args:?}: stderr lacks {p:?}:\n{stderr}");
    }
}

#[test]
fn sweep_rows_equal_separate_runs_at_the_same_seed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&[
        "sweep",
        "scenarios/two-of-three.toml",
        "--set",
        "components.server.count=3,4,5",
        "--trials",
        "3000",
        "--seed",
        "7",
        "--out",
        s(tmp.path()),
        "-q",
    ]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("sweep components.server.count"), "{table}");
    let (head, rows) = read_csv(&tmp.path().join("sweep-components.server.count.csv"));
    assert_eq!(rows.len(), 3, "one row per value");
    assert_eq!(&head[..4], ["parameter", "value", "scenario", "variant"]);
    assert_eq!(rows.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(), ["3", "4", "5"]);

    // The same figures from `nines run` on the scenario edited by hand.
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/two-of-three.toml")).unwrap();
    assert!(text.contains("count = 3 "));
    for row in &rows {
        let edited = tmp.path().join(format!("count-{}.toml", row[1]));
        std::fs::write(&edited, text.replacen("count = 3 ", &format!("count = {} ", row[1]), 1)).unwrap();
        let csv_path = tmp.path().join(format!("run-{}.csv", row[1]));
        ok(&["run", s(&edited), "--trials", "3000", "--seed", "7", "--csv", s(&csv_path), "-q"]);
        let (run_head, run_rows) = read_csv(&csv_path);
        assert_eq!(run_head[..], head[2..], "same summary columns");
        for (name, (a, b)) in run_head.iter().zip(run_rows[0].iter().zip(&row[2..])) {
            if name != "scenario_sha256" {
                assert_eq!(a, b, "count = {}: column {name}", row[1]);
            }
        }
    }
    // More servers, less downtime (2-of-n).
    let col = head.iter().position(|h| h == "downtime_h_per_year_mean").unwrap();
    let d: Vec<f64> = rows.iter().map(|r| r[col].parse().unwrap()).collect();
    assert!(d[0] > d[1] && d[1] > d[2], "{d:?}");

    // The chart: PNG and SVG of the stated size, titled, axes labelled.
    let png = tmp.path().join("sweep-components.server.count.png");
    let reader = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap())).read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), nines::plot::SIZE);
    let svg = std::fs::read_to_string(tmp.path().join("sweep-components.server.count.svg")).unwrap();
    assert!(svg.contains("width=\"1600\"") && svg.contains("height=\"900\""));
    for t in [
        "two-of-three: sweeping components.server.count",
        "mean downtime (95% CI)",
        "hours per year",
        "years meeting the SLO 99.95%",
        "components.server.count",
    ] {
        assert!(svg.contains(t), "sweep svg lacks {t:?}");
    }
}

#[test]
fn variants_that_set_the_swept_field_are_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&[
        "sweep",
        "scenarios/multi-az-web.toml",
        "--set",
        "components.web.count=4,6",
        "--trials",
        "500",
        "--out",
        s(tmp.path()),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: variant \"three-az\" sets components.web.count itself: left out of the sweep"),
        "{stderr}"
    );
    let (_, rows) = read_csv(&tmp.path().join("sweep-components.web.count.csv"));
    assert_eq!(
        rows.iter().map(|r| (r[1].as_str(), r[3].as_str())).collect::<Vec<_>>(),
        [("4", "two-az"), ("6", "two-az")]
    );

    // A variant's own field can be swept by its path under variants.
    ok(&[
        "sweep",
        "scenarios/multi-az-web.toml",
        "--set",
        "variants.three-az.components.web.count=3,6",
        "--variant",
        "three-az",
        "--trials",
        "500",
        "--out",
        s(tmp.path()),
        "-q",
    ]);
    let (_, rows) = read_csv(&tmp.path().join("sweep-variants.three-az.components.web.count.csv"));
    assert_eq!(rows.len(), 2);
}

#[test]
fn values_are_toml_or_bare_strings() {
    let tmp = tempfile::tempdir().unwrap();
    ok(&[
        "sweep",
        "scenarios/two-of-three.toml",
        "--set",
        "components.server.mttr=4h,\"10h\",1d",
        "--set",
        "components.server.count=4",
        "--metric",
        "downtime",
        "--trials",
        "500",
        "--out",
        s(tmp.path()),
        "-q",
    ]);
    let (head, rows) = read_csv(&tmp.path().join("sweep-components.server.mttr.csv"));
    assert_eq!(rows.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(), ["4h", "\"10h\"", "1d"]);
    let col = head.iter().position(|h| h == "downtime_h_per_year_mean").unwrap();
    let d: Vec<f64> = rows.iter().map(|r| r[col].parse().unwrap()).collect();
    assert!(d[0] < d[1] && d[1] < d[2], "longer repairs, more downtime: {d:?}");
    let svg = std::fs::read_to_string(tmp.path().join("sweep-components.server.mttr.svg")).unwrap();
    assert!(svg.contains("components.server.mttr (hours)") && svg.contains("with components.server.count=4"));
}

#[test]
fn bad_paths_and_values_exit_2_with_a_clear_message() {
    let f = "scenarios/two-of-three.toml";
    bad(
        &["sweep", f, "--set", "components.sever.count=2,3"],
        &["--set components.sever.count", "no component \"sever\"", "server"],
    );
    bad(
        &["sweep", f, "--set", "components.server.count=0,3"],
        &["--set components.server.count=0: components.server.count:"],
    );
    bad(
        &["sweep", f, "--set", "components.server.count=abc"],
        &["--set components.server.count=abc: components.server.count:"],
    );
    bad(
        &["sweep", f, "--set", "components.server.count.x=1"],
        &["components.server.count is an integer in the scenario, not a table"],
    );
    bad(&["sweep", f, "--set", "components.server.count"], &["--set components.server.count: no '='"]);
    bad(&["sweep", f, "--set", "components.server.count=2,,3"], &["empty value"]);
    bad(
        &["sweep", f, "--set", "components.server.nonsense=1,2"],
        &["--set components.server.nonsense=1", "unknown field"],
    );
    bad(
        &["sweep", f, "--set", "components.server.count=3,4", "--set", "components.server.mttr=1h,2h"],
        &["only one --set may list several values"],
    );
    bad(
        &["sweep", "scenarios/multi-az-web.toml", "--set", "components.web.count=3", "--variant", "nope"],
        &["no variant \"nope\""],
    );
}
