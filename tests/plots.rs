//! Charts and exports of `nines run`, and `nines timeline`.
//!
//! Every chart file exists, is a valid PNG or SVG of the stated size, has
//! its text rendered (the embedded font works without system fonts), and
//! its SVG carries the title and axis labels. The CSV exports agree with
//! the JSON report, and every file is written whole: no temporary file is
//! left behind.

use nines::plot::{self, SIZE, timeline_size};
use nines::report::timeline;
use std::path::{Path, PathBuf};
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

/// Width, height, and the share of non-white pixels in the top `rows`.
fn png_info(path: &Path, rows: u32) -> (u32, u32, f64) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png exists")));
    let mut reader = decoder.read_info().expect("valid PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size known")];
    let info = reader.next_frame(&mut buf).expect("valid PNG data");
    let (w, h) = (info.width, info.height);
    let channels = info.line_size / w as usize;
    let ink = (0..rows.min(h) as usize)
        .flat_map(|y| (0..w as usize).map(move |x| (y, x)))
        .filter(|&(y, x)| buf[y * info.line_size + x * channels] < 200)
        .count();
    (w, h, ink as f64 / f64::from(w * rows.min(h)))
}

/// Width and height declared by an SVG, and its text.
fn svg_info(path: &Path) -> (u32, u32, String) {
    let text = std::fs::read_to_string(path).expect("svg exists");
    assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"), "{path:?} is not whole SVG");
    let attr = |name: &str| -> u32 {
        let start = text.find(&format!("{name}=\"")).expect("svg size") + name.len() + 2;
        text[start..].split('"').next().unwrap().parse().expect("svg size is a number")
    };
    (attr("width"), attr("height"), text)
}

/// Asserts STEM.png and STEM.svg in `dir` are valid, of `size`, with text
/// drawn in the title band, and the SVG containing every one of `texts`.
fn assert_chart(dir: &Path, stem: &str, size: (u32, u32), texts: &[&str]) {
    let (w, h, ink) = png_info(&dir.join(format!("{stem}.png")), 100);
    assert_eq!((w, h), size, "{stem}.png size");
    assert!(ink > 0.005, "{stem}.png: no title drawn ({ink})");
    let (w, h, svg) = svg_info(&dir.join(format!("{stem}.svg")));
    assert_eq!((w, h), size, "{stem}.svg size");
    for t in texts {
        assert!(svg.contains(t), "{stem}.svg lacks {t:?}");
    }
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn run_writes_every_chart_and_export() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("charts");
    let (csv, trials_csv, json) = (tmp.path().join("s.csv"), tmp.path().join("t.csv"), tmp.path().join("r.json"));
    let out = ok(&[
        "run",
        "scenarios/multi-az-web.toml",
        "--trials",
        "3000",
        "--plots",
        s(&dir),
        "--csv",
        s(&csv),
        "--trials-csv",
        s(&trials_csv),
        "--json",
        s(&json),
        "--quiet",
    ]);
    assert!(out.stderr.is_empty(), "--quiet: stderr should be empty");

    let variants = ["two-az", "three-az-lean", "three-az", "three-az-region-events"];
    let mut expected: Vec<String> = ["downtime-distribution", "variants-compared", "downtime-by-cause"]
        .iter()
        .map(|s| s.to_string())
        .chain(variants.iter().map(|v| format!("timeline-{v}")))
        .flat_map(|stem| [format!("{stem}.png"), format!("{stem}.svg")])
        .collect();
    expected.sort();
    assert_eq!(files_in(&dir), expected, "exactly the charts, no temporary file left");

    assert_chart(
        &dir,
        "downtime-distribution",
        SIZE,
        &[
            "multi-az-web: how bad can a year get?",
            "downtime in a year, hours",
            "years with more downtime (log scale)",
            "SLO 99.9% = 8.76 h/yr",
            "two-az: mean",
            "three-az-region-events: mean",
            "seed 2026",
        ],
    );
    assert_chart(
        &dir,
        "variants-compared",
        SIZE,
        &["multi-az-web: variants side by side", "mean downtime, hours per year", "three-az-lean", "SLO 99.9%"],
    );
    assert_chart(
        &dir,
        "downtime-by-cause",
        SIZE,
        &[
            "multi-az-web: where the downtime comes from",
            "mean downtime, hours per year",
            "share of the variant",
            "zone use1-az1",
            "region us-east-1",
        ],
    );
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/multi-az-web.toml");
    let scenario = nines::runner::load_with_overrides(&file, Some(3000), None).unwrap();
    for (v, m) in variants.iter().zip(&scenario.variants) {
        let stem = format!("timeline-{v}");
        let (_, _, svg) = svg_info(&dir.join(format!("{stem}.svg")));
        let trial: u64 = svg.split("(trial ").nth(1).unwrap().split(')').next().unwrap().parse().unwrap();
        let t = timeline::record(&scenario, m, trial);
        let title = format!("multi-az-web · {v}: a year in the life (trial {trial})");
        let mut texts =
            vec![title.as_str(), "time, days since the start of the trial", "service web-tier", "zone use1-az1"];
        if t.outages > 0 {
            texts.push("hours from the start of the outage");
        }
        assert_chart(&dir, &stem, timeline_size(t.lanes.len()), &texts);
    }

    // The per-variant CSV: one row per variant, figures as in the JSON.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let mut rd = csv::Reader::from_path(&csv).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap_or_else(|| panic!("column {name}"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), variants.len());
    for (row, v) in rows.iter().zip(report["variants"].as_array().unwrap()) {
        assert_eq!(&row[col("variant")], v["name"].as_str().unwrap());
        // (serde_json's default float parsing may be one ulp off.)
        let mean: f64 = row[col("downtime_h_per_year_mean")].parse().unwrap();
        let want = v["downtime_hours"]["mean"].as_f64().unwrap();
        assert!((mean - want).abs() <= 1e-14 * want.abs(), "{mean} vs {want}");
        assert_eq!(&row[col("seed")], "2026");
        assert_eq!(&row[col("trials")], "3000");
        assert_eq!(&row[col("scenario_sha256")], report["scenario_sha256"].as_str().unwrap());
    }

    // The per-trial CSV: one row per trial and variant; its mean downtime is
    // the report's (one year per trial).
    let mut rd = csv::Reader::from_path(&trials_csv).unwrap();
    assert_eq!(
        rd.headers().unwrap().iter().collect::<Vec<_>>(),
        ["variant", "seed", "trial", "downtime_hours", "outages", "events", "slo_windows", "slo_windows_met"]
    );
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3000 * variants.len());
    for (k, v) in report["variants"].as_array().unwrap().iter().enumerate() {
        let mine = &rows[k * 3000..(k + 1) * 3000];
        assert!(mine.iter().enumerate().all(|(i, r)| r[0] == *v["name"].as_str().unwrap() && r[2] == i.to_string()));
        let sum: f64 = mine.iter().map(|r| r[3].parse::<f64>().unwrap()).sum();
        let mean = v["downtime_hours"]["mean"].as_f64().unwrap();
        assert!((sum / 3000.0 - mean).abs() <= 1e-9 * mean.max(1.0), "{}: {} vs {mean}", v["name"], sum / 3000.0);
        let events: u64 = mine.iter().map(|r| r[5].parse::<u64>().unwrap()).sum();
        assert_eq!(events, v["events"].as_u64().unwrap());
        let met: u64 = mine.iter().map(|r| r[7].parse::<u64>().unwrap()).sum();
        assert_eq!(met, v["slo"]["met_probability"]["observed"].as_u64().unwrap());
        let judged: u64 = mine.iter().map(|r| r[6].parse::<u64>().unwrap()).sum();
        assert_eq!(judged, v["slo"]["windows_judged"].as_u64().unwrap());
    }
}

#[test]
fn report_carries_the_downtime_distribution() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("r.json");
    ok(&["run", "scenarios/two-of-three.toml", "--trials", "2000", "--json", s(&json), "-q"]);
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let v = &report["variants"][0];
    let pts = v["downtime_quantiles"].as_array().unwrap();
    assert!((50..=100).contains(&pts.len()), "{} points", pts.len());
    let qs: Vec<f64> = pts.iter().map(|p| p["q"].as_f64().unwrap()).collect();
    let hs: Vec<f64> = pts.iter().map(|p| p["hours"].as_f64().unwrap()).collect();
    assert_eq!(qs, nines::report::quantile_grid());
    assert!(qs.windows(2).all(|w| w[0] < w[1]) && hs.windows(2).all(|w| w[0] <= w[1]), "monotone");
    assert_eq!(hs[0], 0.0);
    assert_eq!(*hs.last().unwrap(), v["downtime_hours"]["max"].as_f64().unwrap());
    let p99 = hs[qs.iter().position(|&q| q == 0.99).unwrap()];
    assert_eq!(p99, v["downtime_hours"]["p99"].as_f64().unwrap());
    // No stores, no data-protection grids.
    assert!(v.get("data_loss_window_quantiles").is_none() && v.get("recovery_time_quantiles").is_none());
}

#[test]
fn data_protection_chart_where_stores_are_modelled() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("charts");
    let json = tmp.path().join("r.json");
    ok(&["run", "scenarios/dr-strategies.toml", "--trials", "2000", "--plots", s(&dir), "--json", s(&json), "-q"]);
    assert!(files_in(&dir).contains(&"data-protection.png".to_owned()));
    assert_chart(
        &dir,
        "data-protection",
        SIZE,
        &[
            "dr-strategies: data loss and recovery per incident",
            "incidents that lost at most x hours of writes",
            "incidents recovered within x hours",
            "data-loss window, hours (log scale)",
            "recovery time, hours (log scale)",
            "share of incidents, %",
            "RPO 1h",
            "RTO 4h",
            "backup-restore: meets RPO in ",
            "multi-site: meets RPO in ",
            "% of incidents, meets RTO in ",
            "seed 77",
        ],
    );

    // The curves' data: both grids on the downtime grid, rising to the worst incident.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    for v in report["variants"].as_array().unwrap() {
        for (grid, spread) in [
            ("data_loss_window_quantiles", "data_loss_window_hours"),
            ("recovery_time_quantiles", "recovery_time_hours"),
        ] {
            let pts = v[grid].as_array().unwrap_or_else(|| panic!("{grid}"));
            let qs: Vec<f64> = pts.iter().map(|p| p["q"].as_f64().unwrap()).collect();
            let hs: Vec<f64> = pts.iter().map(|p| p["hours"].as_f64().unwrap()).collect();
            assert_eq!(qs, nines::report::quantile_grid());
            assert!(hs.windows(2).all(|w| w[0] <= w[1]), "{grid} monotone");
            assert_eq!(*hs.last().unwrap(), v[spread]["max"].as_f64().unwrap());
            assert_eq!(hs[qs.iter().position(|&q| q == 0.99).unwrap()], v[spread]["p99"].as_f64().unwrap());
        }
    }
}

#[test]
fn timeline_prints_and_draws_a_trial_with_an_outage() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&["timeline", "scenarios/two-of-three.toml", "--trials", "1000", "--plots", s(tmp.path()), "-q"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("nines ") && first.contains("two-of-three · variant base · trial "), "{first}");
    assert!(text.contains(">> SERVICE DOWN: quorum (cause: component server)"), "{text}");
    assert!(text.contains(">> service up again after"));
    let trial: u64 = first.split("trial ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();

    // The chart, at the size its lanes call for.
    let s3 =
        nines::scenario::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/two-of-three.toml"))).unwrap();
    let t = timeline::record(&s3, &s3.variants[0], trial);
    assert!(t.outages > 0);
    assert_eq!(t.lanes.len(), 1 + 3, "service and three servers");
    let stem = format!("timeline-base-trial{trial}");
    assert_eq!(files_in(tmp.path()), [format!("{stem}.png"), format!("{stem}.svg")]);
    assert_chart(
        tmp.path(),
        &stem,
        timeline_size(t.lanes.len()),
        &[
            &format!("two-of-three · base: a year in the life (trial {trial})"),
            "time, days since the start of the trial",
            "hours from the start of the outage",
            "service quorum",
            "server#2",
        ],
    );

    // A chosen trial, and one that does not exist.
    let out = ok(&["timeline", "scenarios/two-of-three.toml", "--trial", "7", "--plots", s(tmp.path()), "-q"]);
    assert!(String::from_utf8(out.stdout).unwrap().contains("trial 7 (numbered 0 to 99999)"));
    let out = nines(&[
        "timeline",
        "scenarios/two-of-three.toml",
        "--trials",
        "10",
        "--trial",
        "10",
        "--plots",
        s(tmp.path()),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--trial 10: the run has 10 trials, numbered 0 to 9"));
}

#[test]
fn timeline_shows_backups_and_lists_the_failed_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let out = ok(&["timeline", "scenarios/dr-strategies.toml", "--trial", "9", "--plots", s(tmp.path()), "-q"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let failed: Vec<&str> = text.lines().filter(|l| l.contains("backup of orders-db started")).collect();
    assert!(!failed.is_empty() && failed.iter().all(|l| l.contains("FAILED (not verified")), "{text}");

    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/dr-strategies.toml"));
    let sc = nines::scenario::load(&path).unwrap();
    let t = timeline::record(&sc, &sc.variants[0], 9);
    let lane = t.lanes.iter().find(|l| l.name == "orders-db").unwrap();
    // Daily at 05:00 for a year; the failed ones are the listed ones.
    assert_eq!(lane.backups.len(), 365);
    assert!(lane.backups.iter().enumerate().all(|(k, b)| b.start == 5.0 + 24.0 * k as f64 && b.end >= b.start));
    assert_eq!(lane.backups.iter().filter(|b| !b.ok && b.end <= t.horizon_hours).count(), failed.len());
    assert!(t.entries.windows(2).all(|w| w[0].time <= w[1].time));
    let (_, _, svg) = svg_info(&tmp.path().join("timeline-backup-restore-trial9.svg"));
    assert!(svg.contains("backup started (tick)") && svg.contains("backup failed (×)"));
}

#[test]
fn timeline_lanes_follow_the_trial() {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/multi-az-web.toml"));
    let s = nines::scenario::load(&path).unwrap();
    let models: Vec<&nines::model::Model> = s.variants.iter().collect();
    let k = timeline::first_trial_with_outage(&models).expect("some trial has an outage");
    for m in &models {
        let t = timeline::record(&s, m, k);
        // The service lane holds exactly the trial's outages, and they add
        // up to its downtime.
        let service = &t.lanes[0];
        assert_eq!(service.down.len(), t.outages as usize);
        let total: f64 = service.down.iter().map(|s| s.end - s.start).sum();
        assert!((total - t.downtime_hours).abs() < 1e-9);
        for lane in &t.lanes {
            assert!(lane.down.iter().all(|s| 0.0 <= s.start && s.start <= s.end && s.end <= t.horizon_hours));
            assert!(lane.down.windows(2).all(|w| w[0].end <= w[1].start), "{}: spans in order", lane.name);
        }
        // Entries in time order.
        assert!(t.entries.windows(2).all(|w| w[0].time <= w[1].time));
    }
}

#[test]
fn charts_are_written_whole_and_replace_old_ones() {
    let tmp = tempfile::tempdir().unwrap();
    let stale = tmp.path().join("downtime-distribution.png");
    std::fs::write(&stale, b"old").unwrap();
    ok(&["run", "scenarios/two-of-three.toml", "--trials", "500", "--plots", s(tmp.path()), "-q"]);
    let (w, h, _) = png_info(&stale, 10);
    assert_eq!((w, h), SIZE);
    assert!(files_in(tmp.path()).iter().all(|f| !f.starts_with(".nines-")), "temporary files left");
    // Without stores there is no data-protection chart.
    assert!(files_in(tmp.path()).iter().all(|f| !f.starts_with("data-protection")));

    // A folder that cannot be made: exit 1, and nothing half-written.
    let blocker = tmp.path().join("file");
    std::fs::write(&blocker, b"not a folder").unwrap();
    let out = nines(&["run", "scenarios/two-of-three.toml", "--trials", "500", "--plots", s(&blocker.join("x")), "-q"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    // Long enough to pass the one-second mark on a slow machine, and
    // stderr is a pipe here: nothing may be drawn on it.
    let out = ok(&["run", "scenarios/four-by-five.toml", "--trials", "100000", "--threads", "1"]);
    assert!(out.stderr.is_empty(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn plot_module_names_files_safely() {
    assert_eq!(plot::file_safe("a b/c"), "a_b_c");
}
