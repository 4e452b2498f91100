//! The published JSON Schemas: the copies under `schemas/` are what the code
//! generates today, they are valid draft 2020-12 schemas, every shipped
//! scenario and every kind of JSON output validates against them (checked
//! with the `jsonschema` crate, not with nines' own code), and they refuse
//! what nines refuses in shape.

use nines::schema::{self, Kind};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn nines(args: &[&str], dir: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_nines")).args(args).current_dir(dir).output().expect("nines runs");
    assert!(out.status.success(), "nines {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn validator(kind: Kind) -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema::generate(kind)).unwrap_or_else(|e| panic!("{} schema: {e}", kind.name()))
}

/// A TOML file as the JSON its schema describes.
fn toml_as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::to_value(doc).unwrap()
}

fn assert_valid(v: &jsonschema::Validator, what: &str, instance: &Value) {
    let errors: Vec<String> =
        v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).take(5).collect();
    assert!(errors.is_empty(), "{what} does not validate:\n{}", errors.join("\n"));
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn shipped_schemas_are_the_generated_ones() {
    for kind in Kind::ALL {
        let file = root().join("schemas").join(kind.file_name());
        let shipped = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            shipped == schema::text(kind),
            "{} is not what the code generates: run `cargo run --release -- schema {} -o schemas/{}`",
            file.display(),
            kind.name(),
            kind.file_name()
        );
    }
}

#[test]
fn schemas_are_valid_draft_2020_12() {
    for kind in Kind::ALL {
        let s = schema::generate(kind);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
        if let Err(e) = jsonschema::draft202012::meta::validate(&s) {
            panic!("{}: {e}", kind.name());
        }
    }
}

#[test]
fn every_shipped_scenario_and_template_validates() {
    let v = validator(Kind::Scenario);
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/workshop"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = entry.unwrap().path();
            if p.extension().is_some_and(|e| e == "toml") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 13, "found only {files:?}");
    // What `nines new` writes from each template, and the import fixtures' output.
    let tmp = tempfile::tempdir().unwrap();
    for (template, _, _) in nines::new::TEMPLATES {
        nines(&["new", &format!("t-{template}"), "--from", template], tmp.path());
        files.push(tmp.path().join(format!("t-{template}.toml")));
    }
    for fixture in
        ["lab.tfstate.json", "lab.tfplan.json", "lab.cfn.json", "lab.cfn.yaml", "shop.cfn.yaml", "shop.tfstate.json"]
    {
        let out = tmp.path().join(format!("{fixture}.toml"));
        let input = root().join("tests/fixtures/import").join(fixture);
        nines(&["import", input.to_str().unwrap(), "-o", out.to_str().unwrap()], tmp.path());
        files.push(out);
    }
    for f in &files {
        assert_valid(&v, &f.display().to_string(), &toml_as_json(f));
    }
}

/// The schema is only worth having if it refuses: each of these is a
/// mistake nines refuses too, and each must fail validation.
#[test]
fn the_scenario_schema_refuses_what_nines_refuses_in_shape() {
    let v = validator(Kind::Scenario);
    let base = r#"
[simulation]
horizon = "1y"
trials = 1000
[components.web]
count = 2
mttf = "1000h"
mttr = { low = "1h", high = "4h" }
repair = { type = "exponential", mean = "2h" }
[services.app]
up_when = { at_least = 1, of = ["web"] }
[variants.slow-repair]
description = "repairs take longer"
components.web.mttr = "8h"
[variants.uncertain]
components.web.failure = { low = "500h", high = "2000h", law = "uniform" }
"#;
    let doc = |text: &str| serde_json::to_value(toml::from_str::<toml::Table>(text).unwrap()).unwrap();
    assert_valid(&v, "the base", &doc(base));
    let wrong = [
        ("a misspelt key", base.replace("mttf =", "mtff =")),
        ("a missing required key", base.replace("horizon = \"1y\"\n", "")),
        ("a string where a number goes", base.replace("count = 2", "count = \"two\"")),
        ("an unknown distribution", base.replace("\"exponential\"", "\"poisson\"")),
        ("an uncertain value without its high end", base.replace(", high = \"4h\"", "")),
        ("an uncertain simulation setting", base.replace("trials = 1000", "trials = { low = 10, high = 20 }")),
        ("a variant's misspelt key", base.replace("components.web.mttr", "components.web.mtr")),
        ("a variant that is not a table", format!("{base}\n[variants.x.components]\nweb = 3\n")),
    ];
    for (what, text) in wrong {
        assert!(!v.is_valid(&doc(&text)), "{what} validates");
    }
}

/// Runs that exercise every optional part of the report: variants and
/// comparisons, buckets, stores, datasets, operations, uncertainty, rare
/// events, stopping rules, variance levers and merged shards.
#[test]
fn every_kind_of_json_output_validates() {
    let report = validator(Kind::Report);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let scenario = |name: &str| root().join("scenarios").join(name).to_str().unwrap().to_owned();
    let mut outputs = Vec::new();
    for entry in std::fs::read_dir(root().join("scenarios")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            let stem = p.file_stem().unwrap().to_str().unwrap().to_owned();
            let out = dir.join(format!("{stem}.json"));
            nines(&["run", p.to_str().unwrap(), "--trials", "2000", "-q", "--json", out.to_str().unwrap()], dir);
            outputs.push(out);
        }
    }
    let runs: [(&str, &[&str]); 5] = [
        ("rare", &["run", &scenario("four-by-five.toml"), "--trials", "2000", "--rare", "--target-re", "20%"]),
        ("uncertain", &["run", &scenario("operations.toml"), "--trials", "500", "--uncertainty", "4"]),
        ("levers", &["run", &scenario("multi-az-web.toml"), "--trials", "2000", "--control-variates", "--antithetic"]),
        ("target", &["run", &scenario("two-of-three.toml"), "--target-re", "20%", "--target", "downtime"]),
        ("budget", &["run", &scenario("two-of-three.toml"), "--trials", "1000000", "--time-budget", "1s"]),
    ];
    for (name, args) in runs {
        let out = dir.join(format!("{name}.json"));
        let mut a = args.to_vec();
        a.extend(["-q", "--json", out.to_str().unwrap()]);
        nines(&a, dir);
        outputs.push(out);
    }
    for i in 0..2 {
        let part = dir.join(format!("part-{i}.json"));
        let shard = format!("{i}/2");
        nines(
            &[
                "run",
                &scenario("lab-web-app.toml"),
                "--trials",
                "2000",
                "--shard",
                &shard,
                "--save",
                part.to_str().unwrap(),
            ],
            dir,
        );
    }
    let merged = dir.join("merged.json");
    nines(&["merge", "part-0.json", "part-1.json", "-q", "--json", merged.to_str().unwrap()], dir);
    outputs.push(merged);

    for out in &outputs {
        let json = read_json(out);
        assert_eq!(json["schema_version"], nines::report::SCHEMA_VERSION, "{}", out.display());
        assert_valid(&report, &out.display().to_string(), &json);
    }
    // Sections a report may leave out are in these runs.
    let has = |key: &str| outputs.iter().any(|o| read_json(o).to_string().contains(&format!("\"{key}\"")));
    for key in
        ["comparisons", "uncertainty", "stopping", "storage", "durability", "rare_downtime", "operations", "shards"]
    {
        assert!(has(key), "no run wrote {key:?}: the test no longer covers it");
    }

    let sweep = dir.join("sweep.json");
    nines(
        &[
            "sweep",
            &scenario("two-of-three.toml"),
            "--set",
            "components.server.mttr=2h,8h",
            "--trials",
            "1000",
            "-q",
            "--json",
            sweep.to_str().unwrap(),
        ],
        dir,
    );
    assert_valid(&validator(Kind::Sweep), "sweep", &read_json(&sweep));
    let timeline = dir.join("timeline.json");
    nines(&["timeline", &scenario("dr-strategies.toml"), "--json", timeline.to_str().unwrap()], dir);
    assert_valid(&validator(Kind::Timeline), "timeline", &read_json(&timeline));

    // And the report schema refuses a report with a field of the wrong type.
    let mut bad = read_json(&outputs[0]);
    bad["trials"] = Value::String("many".into());
    assert!(!report.is_valid(&bad), "a report with trials = \"many\" validates");
}
