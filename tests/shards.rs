//! Shards and merging, and stopping rules, through the binary.
//!
//! - One run against 2, 3 and 7 shards merged in several orders: the JSON
//!   is byte-identical outside `timing` (statistics merge exactly), with
//!   stores, buckets, comparisons and variance reduction in the report.
//! - Every refusal of `nines merge` has a fixture in
//!   `tests/fixtures/shards/` (how the partials are made and spoiled, and
//!   the message), and the flag refusals of `run --shard` are listed here.
//! - `--target-re` reaches its bound, and rerunning with `--trials` the
//!   trials it reached gives the same JSON; so does another thread count.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn nines(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nines")).current_dir(dir).args(args).output().expect("the nines binary runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = nines(dir, args);
    assert!(out.status.success(), "nines {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh folder with the shipped scenarios and the shard fixtures.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nines-shards-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for src in ["scenarios", "tests/fixtures/shards"] {
        for e in std::fs::read_dir(root.join(src)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    dir
}

/// The JSON at `path` without `timing`, serialised.
fn without_timing(path: &Path) -> String {
    let mut v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(v.as_object_mut().unwrap().remove("timing").is_some());
    serde_json::to_string_pretty(&v).unwrap()
}

/// Runs `file` whole and in `splits` shards merged in forward, reverse and
/// shuffled order; every merged JSON equals the whole run's outside timing.
fn shards_merge_to_one_run(dir: &Path, file: &str, extra: &[&str], splits: &[u64]) {
    let whole = dir.join("whole.json");
    let mut args = vec!["run", file, "--quiet", "--threads", "2", "--json", whole.to_str().unwrap()];
    args.extend_from_slice(extra);
    ok(dir, &args);
    let expected = without_timing(&whole);
    for &n in splits {
        let mut parts = Vec::new();
        for i in 0..n {
            let part = format!("part-{n}-{i}.json");
            let spec = format!("{i}/{n}");
            let mut args = vec!["run", file, "--quiet", "--threads", "1", "--shard", &spec, "--save", &part];
            args.extend_from_slice(extra);
            ok(dir, &args);
            parts.push(part);
        }
        let reversed: Vec<String> = parts.iter().rev().cloned().collect();
        let shuffled: Vec<String> = (0..n as usize).map(|k| parts[(k * 5 + 3) % n as usize].clone()).collect();
        for (how, order) in [("forward", &parts), ("reverse", &reversed), ("shuffled", &shuffled)] {
            let merged = dir.join(format!("merged-{n}-{how}.json"));
            let mut args = vec!["merge", "--quiet", "--json", merged.to_str().unwrap()];
            args.extend(order.iter().map(String::as_str));
            ok(dir, &args);
            let got = without_timing(&merged);
            assert!(got == expected, "{file} {extra:?}: {n} shards merged {how} differ from one run");
        }
    }
}

#[test]
fn shards_merge_to_the_same_report_as_one_run() {
    let dir = workdir("same");
    shards_merge_to_one_run(&dir, "multi-az-web.toml", &["--trials", "20000"], &[2, 3, 7]);
    // Stores (quantile sketches of incidents, clustered shares) and buckets.
    shards_merge_to_one_run(&dir, "dr-strategies.toml", &["--trials", "6000"], &[3, 7]);
    shards_merge_to_one_run(&dir, "s3-standard-vs-one-zone-ia.toml", &["--trials", "8000"], &[2]);
    // Variance reduction merges too.
    shards_merge_to_one_run(
        &dir,
        "multi-az-web.toml",
        &["--trials", "8000", "--control-variates", "--antithetic"],
        &[3],
    );
}

/// A shard fixture: which shards, how they are run and spoiled, the message.
#[derive(serde::Deserialize)]
struct Fixture {
    shards: Vec<String>,
    #[serde(default)]
    args: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    scenario: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    edit: std::collections::BTreeMap<String, toml::Table>,
    #[serde(default)]
    replace: std::collections::BTreeMap<String, String>,
    error: String,
}

#[test]
fn every_merge_refusal_has_a_fixture() {
    let dir = workdir("refusals");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/shards");
    let mut seen = 0;
    for e in std::fs::read_dir(&fixtures).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "scenario" || name == "other" {
            continue;
        }
        let f: Fixture =
            toml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut files = Vec::new();
        for (k, spec) in f.shards.iter().enumerate() {
            let key = k.to_string();
            let file = format!("{name}-{k}.json");
            let scenario = f.scenario.get(&key).map_or("scenario.toml", String::as_str);
            let mut args = vec!["run", scenario, "--quiet", "--shard", spec, "--save", &file];
            let extra = f.args.get(&key).cloned().unwrap_or_default();
            args.extend(extra.iter().map(String::as_str));
            ok(&dir, &args);
            if let Some(edit) = f.edit.get(&key) {
                let p = dir.join(&file);
                let mut v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                for (field, value) in edit {
                    v[field] = serde_json::to_value(value).unwrap();
                }
                std::fs::write(&p, serde_json::to_string(&v).unwrap()).unwrap();
            }
            if let Some(text) = f.replace.get(&key) {
                std::fs::write(dir.join(&file), text).unwrap();
            }
            files.push(file);
        }
        let mut args = vec!["merge", "--quiet"];
        args.extend(files.iter().map(String::as_str));
        let out = nines(&dir, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{name}: {}", stderr.trim());
        assert_eq!(out.status.code(), Some(2), "{name}: merge should refuse with exit 2: {stderr}");
        assert!(stderr.contains(&f.error), "{name}: {stderr:?} lacks {:?}", f.error);
        seen += 1;
    }
    assert!(seen >= 12, "only {seen} fixtures");
}

#[test]
fn shard_flags_are_checked() {
    let dir = workdir("flags");
    // (arguments, environment, message)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case<'_>; 10] = [
        (
            &["--shard", "3/3", "--save", "p.json"],
            &[],
            "--shard 3/3: shard index 3 (from I) must be below the shard count: 0 to 2",
        ),
        (&["--shard", "3", "--save", "p.json"], &[], "no shard index given (I/N), and none of JOB_COMPLETION_INDEX"),
        (
            &["--shard", "3", "--save", "p.json"],
            &[("SLURM_ARRAY_TASK_ID", "3")],
            "shard index 3 (from SLURM_ARRAY_TASK_ID) must be below the shard count: 0 to 2 (with Slurm, --array=0-2)",
        ),
        (&["--shard", "0/2"], &[], "--shard needs --save FILE"),
        (&["--shard", "0/2", "--save", "p.json", "--json", "r.json"], &[], "--json cannot be combined with --shard"),
        (
            &["--shard", "0/2", "--save", "p.json", "--target-re", "1%"],
            &[],
            "--target-re cannot be combined with --shard",
        ),
        (&["--antithetic", "--trials", "301"], &[], "--antithetic runs trials in pairs: 301 trials is odd"),
        (&["--shard", "0/2", "--save", "p.json", "--html", "r.html"], &[], "--html cannot be combined with --shard"),
        (&["--shard", "0/2", "--save", "p.json", "--rare"], &[], "--rare cannot be combined with --shard"),
        (
            &["--shard", "0/2", "--save", "p.json", "--uncertainty", "4"],
            &[],
            "--uncertainty cannot be combined with --shard",
        ),
    ];
    for (args, env, message) in cases {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_nines"));
        cmd.current_dir(&dir).args(["run", "scenario.toml", "--quiet"]).args(args);
        for v in nines::shard::INDEX_VARIABLES {
            cmd.env_remove(v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr:?} lacks {message:?}");
    }
    // The index from the scheduler's variable, when it is valid.
    let out = Command::new(env!("CARGO_BIN_EXE_nines"))
        .current_dir(&dir)
        .args(["run", "scenario.toml", "--quiet", "--shard", "3", "--save", "p.json"])
        .env("JOB_COMPLETION_INDEX", "2")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("shard 2/3: trials 2048 to 2999 of 3000"));
}

/// `--target-re` stops at its bound, in whole chunks, the same on 1 and 2
/// threads, and `--trials` the trials it reached reproduces the report.
#[test]
fn target_re_reaches_its_bound_and_reruns_reproduce_it() {
    let dir = workdir("target");
    for (file, extra) in
        [("two-of-three.toml", vec![]), ("multi-az-web.toml", vec!["--variant", "three-az-lean", "--control-variates"])]
    {
        let mut stopped = Vec::new();
        for threads in ["1", "2"] {
            let json = format!("target-{threads}.json");
            let mut args = vec!["run", file, "--quiet", "--threads", threads, "--target-re", "3%", "--json", &json];
            args.extend(extra.iter().copied());
            ok(&dir, &args);
            let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(&json)).unwrap()).unwrap();
            let st = &v["timing"]["stopping"];
            assert_eq!(st["target_reached"], Value::Bool(true), "{file}: {st}");
            let re = st["relative_error"].as_f64().unwrap();
            assert!(re <= 0.03, "{file}: relative error {re}");
            let trials = st["trials"].as_u64().unwrap();
            assert_eq!(v["trials"].as_u64(), Some(trials));
            assert_eq!(trials % 512, 0, "whole chunks");
            // The report's own interval agrees with the relative error.
            let d = &v["variants"][0]["downtime_hours"];
            let half = (d["ci95"][1].as_f64().unwrap() - d["ci95"][0].as_f64().unwrap()) / 2.0;
            assert!((half / d["mean"].as_f64().unwrap() - re).abs() < 1e-9 * re.max(1.0), "{file}");
            stopped.push((trials, without_timing(&dir.join(&json))));
        }
        assert_eq!(stopped[0], stopped[1], "{file}: 1 and 2 threads stop at the same trial");
        let (trials, expected) = &stopped[0];
        let n = trials.to_string();
        let mut args = vec!["run", file, "--quiet", "--trials", &n, "--json", "rerun.json"];
        args.extend(extra.iter().copied());
        ok(&dir, &args);
        assert!(&without_timing(&dir.join("rerun.json")) == expected, "{file}: rerun with --trials {n} differs");
        println!("{file} {extra:?}: stopped at {trials} trials");
    }
}

/// `--time-budget` stops in whole chunks and says how many trials it
/// reached; `--trials` that number reproduces the report.
#[test]
fn time_budget_stops_in_whole_chunks_and_reruns_reproduce_it() {
    let dir = workdir("budget");
    ok(&dir, &["run", "two-of-three.toml", "--quiet", "--time-budget", "1s", "--json", "budget.json"]);
    let v: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("budget.json")).unwrap()).unwrap();
    let trials = v["timing"]["stopping"]["trials"].as_u64().unwrap();
    assert_eq!(v["trials"].as_u64(), Some(trials));
    assert!(trials > 0 && trials % 512 == 0, "whole chunks: {trials}");
    let n = trials.to_string();
    ok(&dir, &["run", "two-of-three.toml", "--quiet", "--trials", &n, "--json", "rerun.json"]);
    assert!(
        without_timing(&dir.join("budget.json")) == without_timing(&dir.join("rerun.json")),
        "rerun with --trials {n} differs"
    );
}
