//! `nines import`: the course lab written four ways (Terraform state and
//! plan, CloudFormation JSON and YAML) imports to scenarios that load, run
//! and say what the inputs say; a second system (Aurora, ElastiCache, AWS
//! Backup with a cross-region copy, a bastion) in Terraform and
//! CloudFormation; every value is marked with where it came from; and
//! malformed inputs get one clear line and exit code 2.
//!
//! The generated scenarios are parsed as TOML and compared field by field,
//! never grepped; the lab's facts are first checked against the fixture
//! files themselves, so the expectations cannot drift from the inputs.

use nines::import::{Source, import_file};
use nines::runner;
use nines::scenario::load_str;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use toml::Table;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

const LAB: [&str; 4] = ["lab.tfstate.json", "lab.tfplan.json", "lab.cfn.json", "lab.cfn.yaml"];

/// Imports a fixture; the scenario text and it parsed as TOML.
fn import(name: &str) -> (String, Table) {
    let imported = import_file(&fixture(name), Source::Auto).unwrap_or_else(|e| panic!("{name}: {e}"));
    let table: Table = toml::from_str(&imported.scenario).unwrap_or_else(|e| panic!("{name}: not TOML: {e}"));
    (imported.scenario, table)
}

fn section<'t>(t: &'t Table, key: &str) -> &'t Table {
    t.get(key).and_then(|v| v.as_table()).unwrap_or_else(|| panic!("no [{key}]"))
}

fn strings(v: &toml::Value) -> Vec<String> {
    v.as_array().expect("an array").iter().map(|x| x.as_str().expect("a string").to_owned()).collect()
}

fn s<'v>(t: &'v Table, key: &str) -> &'v str {
    t.get(key).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("no string {key} in {t:?}"))
}

fn int(t: &Table, key: &str) -> i64 {
    t.get(key).and_then(|v| v.as_integer()).unwrap_or_else(|| panic!("no integer {key} in {t:?}"))
}

/// What the lab is, as its fixtures state it.
struct Lab {
    instance_type: &'static str,
    min: i64,
    max: i64,
    desired: i64,
    zones: [&'static str; 2],
    db_class: &'static str,
    multi_az: bool,
    retention_days: i64,
    backup_window: &'static str,
    storage_class: &'static str,
    transition_days: i64,
    health_interval_s: i64,
    unhealthy_threshold: i64,
    healthy_threshold: i64,
}

const THE_LAB: Lab = Lab {
    instance_type: "t3.micro",
    min: 2,
    max: 4,
    desired: 2,
    zones: ["us-east-1a", "us-east-1b"],
    db_class: "db.t4g.micro",
    multi_az: true,
    retention_days: 7,
    backup_window: "03:00-04:00",
    storage_class: "ONEZONE_IA",
    transition_days: 30,
    health_interval_s: 30,
    unhealthy_threshold: 2,
    healthy_threshold: 5,
};

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn as_int(v: &Value) -> i64 {
    v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or_else(|| panic!("not a number: {v}"))
}

/// The expectations are the fixtures' own values (read here without nines).
#[test]
fn the_lab_table_is_what_the_fixtures_say() {
    let l = &THE_LAB;
    let state = json("lab.tfstate.json");
    let res = state["values"]["root_module"]["resources"].as_array().unwrap();
    let by = |addr: &str| &res.iter().find(|r| r["address"] == addr).unwrap_or_else(|| panic!("{addr}"))["values"];
    assert_eq!(by("aws_launch_template.web")["instance_type"], l.instance_type);
    let asg = by("aws_autoscaling_group.web");
    assert_eq!((asg["min_size"].as_i64(), asg["max_size"].as_i64()), (Some(l.min), Some(l.max)));
    assert_eq!(asg["desired_capacity"].as_i64(), Some(l.desired));
    assert_eq!(by("aws_subnet.public_a")["availability_zone"], l.zones[0]);
    assert_eq!(by("aws_subnet.public_b")["availability_zone"], l.zones[1]);
    let db = by("aws_db_instance.db");
    assert_eq!((db["instance_class"].as_str(), db["multi_az"].as_bool()), (Some(l.db_class), Some(l.multi_az)));
    assert_eq!(
        (db["backup_retention_period"].as_i64(), db["backup_window"].as_str()),
        (Some(l.retention_days), Some(l.backup_window))
    );
    let tg = &by("aws_lb_target_group.web")["health_check"][0];
    assert_eq!(tg["interval"].as_i64(), Some(l.health_interval_s));
    assert_eq!(tg["unhealthy_threshold"].as_i64(), Some(l.unhealthy_threshold));
    assert_eq!(tg["healthy_threshold"].as_i64(), Some(l.healthy_threshold));
    let tr = &by("aws_s3_bucket_lifecycle_configuration.data")["rule"][0]["transition"][0];
    assert_eq!((tr["storage_class"].as_str(), tr["days"].as_i64()), (Some(l.storage_class), Some(l.transition_days)));

    let cfn = json("lab.cfn.json");
    let p = |id: &str| &cfn["Resources"][id]["Properties"];
    assert_eq!(p("WebLaunchTemplate")["LaunchTemplateData"]["InstanceType"], l.instance_type);
    let g = p("WebServerGroup");
    assert_eq!(
        (as_int(&g["MinSize"]), as_int(&g["MaxSize"]), as_int(&g["DesiredCapacity"])),
        (l.min, l.max, l.desired)
    );
    assert_eq!(p("PublicSubnetA")["AvailabilityZone"], l.zones[0]);
    assert_eq!(p("PublicSubnetB")["AvailabilityZone"], l.zones[1]);
    let d = p("Database");
    assert_eq!((d["DBInstanceClass"].as_str(), d["MultiAZ"].as_bool()), (Some(l.db_class), Some(l.multi_az)));
    assert_eq!(as_int(&d["BackupRetentionPeriod"]), l.retention_days);
    let t = &p("DataBucket")["LifecycleConfiguration"]["Rules"][0]["Transitions"][0];
    assert_eq!(
        (t["StorageClass"].as_str(), as_int(&t["TransitionInDays"])),
        (Some(l.storage_class), l.transition_days)
    );
    assert_eq!(as_int(&p("WebTargetGroup")["HealthCheckIntervalSeconds"]), l.health_interval_s);
    // The YAML template says the same, in short forms (checked as text:
    // parsing it here would use the code under test).
    let yaml = std::fs::read_to_string(fixture("lab.cfn.yaml")).unwrap();
    for line in [
        "Default: t3.micro",
        "MinSize: \"2\"",
        "MaxSize: \"4\"",
        "DesiredCapacity: \"2\"",
        "DBInstanceClass: db.t4g.micro",
        "MultiAZ: true",
        "BackupRetentionPeriod: 7",
        "- StorageClass: ONEZONE_IA",
        "TransitionInDays: 30",
        "AvailabilityZone: !Select [0, !GetAZs \"\"]",
    ] {
        assert!(yaml.contains(line), "lab.cfn.yaml lacks {line:?}");
    }
}

/// The one table of a section (e.g. the only group), with its name.
fn only<'t>(t: &'t Table, key: &str) -> (&'t String, &'t Table) {
    let sec = section(t, key);
    assert_eq!(sec.len(), 1, "[{key}] should hold one entry: {:?}", sec.keys().collect::<Vec<_>>());
    let (name, v) = sec.iter().next().unwrap();
    (name, v.as_table().unwrap())
}

#[test]
fn every_lab_fixture_imports_what_the_lab_is() {
    let l = &THE_LAB;
    for name in LAB {
        let (_, t) = import(name);
        let regions = section(&t, "regions");
        let region = section(regions, "us-east-1");
        assert_eq!(strings(&region["zones"]), l.zones, "{name}: region zones");

        let (gname, g) = only(&t, "groups");
        assert_eq!(s(g, "instance_type"), l.instance_type, "{name}: instance type");
        assert_eq!((int(g, "desired"), int(g, "max")), (l.desired, l.max), "{name}: group sizes");
        assert_eq!(strings(&g["zones"]), l.zones, "{name}: group zones");
        let (lb_name, lb) = only(&t, "load_balancers");
        assert_eq!(s(g, "load_balancer"), lb_name, "{name}");
        assert_eq!(s(lb, "type"), "alb");
        assert_eq!(s(lb, "interval"), format!("{}s", l.health_interval_s), "{name}: health-check interval");
        assert_eq!(int(lb, "unhealthy_threshold"), l.unhealthy_threshold, "{name}");
        assert_eq!(s(g, "warmup"), format!("{}s", l.healthy_threshold * l.health_interval_s), "{name}: warm-up");

        let components = section(&t, "components");
        assert_eq!(components.len(), 1, "{name}: one component, the database: {components:?}");
        let (dname, db) = only(&t, "components");
        assert_eq!(s(db, "instance_type"), l.db_class, "{name}: DB class");
        assert_eq!(int(db, "count"), if l.multi_az { 2 } else { 1 }, "{name}: Multi-AZ count");
        assert_eq!(s(db, "failover"), "rds-multi-az", "{name}: Multi-AZ failover");
        assert_eq!(strings(&db["zones"]), l.zones, "{name}: DB zones");

        let (_, store) = only(&t, "stores");
        assert_eq!(s(store, "size"), "20GiB", "{name}");
        let replicas = store["replicas"].as_array().unwrap();
        assert_eq!(replicas.len(), 1, "{name}: one synchronous standby");
        assert_eq!(
            (s(replicas[0].as_table().unwrap(), "zone"), s(replicas[0].as_table().unwrap(), "mode")),
            (l.zones[1], "sync")
        );
        let backups = store["backups"].as_array().unwrap();
        assert_eq!(backups.len(), 1, "{name}");
        let b = backups[0].as_table().unwrap();
        assert_eq!((s(b, "at"), s(b, "retention")), (&l.backup_window[..5], format!("{}d", l.retention_days).as_str()));
        assert_eq!(s(store["logs"].as_table().unwrap(), "retention"), format!("{}d", l.retention_days));

        let (bname, bucket) = only(&t, "buckets");
        assert_eq!(s(bucket, "class"), "one-zone-ia", "{name}: storage class {}", l.storage_class);
        assert_eq!(s(bucket, "zone"), l.zones[0], "{name}: a One Zone-IA bucket stands in a zone");

        let services = section(&t, "services");
        let (_, svc) = services.iter().next().unwrap();
        let all = strings(&svc.as_table().unwrap()["up_when"].as_table().unwrap()["all"]);
        let (sname, _) = only(&t, "stores");
        assert_eq!(all, [gname.as_str(), dname, sname, bname], "{name}: the service needs every part");
    }
}

/// Loads a scenario text and runs every variant for a few trials.
fn load_and_run(name: &str, text: &str) {
    let s = load_str(Path::new(name), text, &[("simulation.trials", toml::Value::Integer(200))])
        .unwrap_or_else(|e| panic!("{name}: the imported scenario does not load: {e}\n{text}"));
    for m in &s.variants {
        let r = runner::run(m, &|_| {});
        assert_eq!(r.trials, 200, "{name}");
    }
}

#[test]
fn every_fixture_imports_to_a_scenario_that_loads_and_runs() {
    for name in LAB.iter().chain(&["shop.tfstate.json", "shop.cfn.yaml"]) {
        let (text, _) = import(name);
        load_and_run(name, &text);
        assert!(!text.contains("aws-facts") && !text.contains("shared/"), "{name}: cite sources by URL only");
    }
}

#[test]
fn a_plan_and_a_state_of_the_same_lab_give_the_same_model() {
    let strip = |text: &str| -> Table {
        let mut t: Table = toml::from_str(text).unwrap();
        t.remove("scenario");
        t
    };
    let (state, _) = import("lab.tfstate.json");
    let (plan, _) = import("lab.tfplan.json");
    assert_eq!(strip(&state), strip(&plan), "links are followed by ID in a state and by reference in a plan");
    let (json, _) = import("lab.cfn.json");
    let (yaml, _) = import("lab.cfn.yaml");
    assert_eq!(strip(&json), strip(&yaml), "short and long intrinsic forms read alike");
}

#[test]
fn the_second_system_maps_cluster_cache_backups_and_instance() {
    for name in ["shop.tfstate.json", "shop.cfn.yaml"] {
        let (_, t) = import(name);
        let regions = section(&t, "regions");
        assert!(regions.contains_key("eu-west-1"), "{name}: the region of the zones");
        assert_eq!(
            strings(&section(regions, "eu-central-1")["zones"]),
            Vec::<String>::new(),
            "{name}: the copy's region"
        );
        let components = section(&t, "components");
        let bastion = components["bastion"].as_table().unwrap();
        assert_eq!((s(bastion, "instance_type"), s(bastion, "zone")), ("t3.nano", "eu-west-1a"), "{name}");
        let aurora = components
            .values()
            .map(|v| v.as_table().unwrap())
            .find(|c| c.get("failover").and_then(|f| f.as_str()) == Some("aurora-replica"))
            .unwrap_or_else(|| panic!("{name}: an Aurora cluster with a replica"));
        assert_eq!(int(aurora, "count"), 2, "{name}: writer and reader");
        assert_eq!(strings(&aurora["zones"]), ["eu-west-1a", "eu-west-1b"], "{name}");
        assert!(aurora.get("instance_type").is_none(), "{name}: db.r6g.large has no price preset");
        let cache = components
            .values()
            .map(|v| v.as_table().unwrap())
            .find(|c| c.get("failover").and_then(|f| f.as_str()) == Some("1m"))
            .unwrap_or_else(|| panic!("{name}: the cache"));
        assert_eq!(int(cache, "count"), 2, "{name}");
        assert_eq!(strings(&cache["zones"]), ["eu-west-1a", "eu-west-1b"], "{name}");

        let (_, store) = only(&t, "stores");
        let backups: Vec<&Table> = store["backups"].as_array().unwrap().iter().map(|b| b.as_table().unwrap()).collect();
        let view: Vec<BackupView<'_>> = backups
            .iter()
            .map(|b| {
                let get = |k: &str| b.get(k).and_then(|v| v.as_str());
                (get("at"), get("every"), s(b, "retention"), get("destination"))
            })
            .collect();
        assert_eq!(
            view,
            [
                (Some("02:00"), None, "14d", None),                 // RDS automated backups
                (Some("05:00"), None, "35d", None),                 // rule "daily"
                (Some("05:00"), None, "90d", Some("eu-central-1")), // its copy
                (None, Some("12h"), "7d", None),                    // rule "twice-daily"
            ],
            "{name}"
        );
        assert!(store.get("loss").is_none(), "{name}: no EBS loss rate for Aurora storage");
        let (_, bucket) = only(&t, "buckets");
        assert_eq!((s(bucket, "class"), s(bucket, "region")), ("standard", "eu-west-1"), "{name}");
    }
}

/// A backup schedule as (at, every, retention, destination).
type BackupView<'a> = (Option<&'a str>, Option<&'a str>, &'a str, Option<&'a str>);

/// Every value line of a scenario, with its section.
fn value_lines(text: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.trim_start_matches('[').split(']').next().unwrap_or("").to_owned();
        } else if !t.is_empty() && !t.starts_with('#') && t != "]" && !t.ends_with("= [") {
            out.push((section.clone(), line.to_owned()));
        }
    }
    out
}

#[test]
fn every_value_says_where_it_came_from() {
    for name in LAB.iter().chain(&["shop.tfstate.json", "shop.cfn.yaml"]) {
        let imported = import_file(&fixture(name), Source::Auto).unwrap();
        let inv = &imported.inventory;
        let mut addresses: Vec<String> = Vec::new();
        addresses.extend(inv.groups.iter().map(|x| x.id.address.clone()));
        addresses.extend(inv.instances.iter().map(|x| x.id.address.clone()));
        addresses.extend(inv.databases.iter().map(|x| x.id.address.clone()));
        addresses.extend(inv.caches.iter().map(|x| x.id.address.clone()));
        addresses.extend(inv.buckets.iter().map(|x| x.id.address.clone()));
        addresses.extend(inv.load_balancers.iter().map(|x| x.health.target_group.clone()));
        addresses.extend(inv.links.iter().map(|x| x.address.clone()));
        addresses.extend(inv.backup_plans.iter().map(|x| x.id.address.clone()));
        addresses.push("provider \"aws\"".into());
        let mut checked = 0;
        for (sec, line) in value_lines(&imported.scenario) {
            if sec == "simulation" || sec.starts_with("services") {
                continue;
            }
            let comment = line
                .split_once("  # ")
                .map(|(_, c)| c)
                .unwrap_or_else(|| panic!("{name}: [{sec}] {line:?} has no comment"));
            let from_input = addresses.iter().any(|a| comment.contains(a.as_str()));
            assert!(
                from_input
                    || comment.contains("ASSUMPTION")
                    || sec == "scenario"
                    || comment.starts_with("only backup copies"),
                "{name}: [{sec}] {line:?}: neither a resource address nor an assumption"
            );
            if comment.contains("ASSUMPTION") && comment.contains("preset") {
                assert!(comment.contains("https://"), "{name}: an assumed preset cites its source: {line}");
            }
            checked += 1;
        }
        assert!(checked > 20, "{name}: {checked} values");
    }
}

#[test]
fn resources_left_out_are_listed() {
    let (text, _) = import("lab.tfstate.json");
    let tail = &text[text.find("# Not modelled").expect("a list of what was left out")..];
    for address in [
        "aws_vpc.lab",
        "aws_internet_gateway.lab",
        "aws_security_group.alb",
        "aws_security_group.web",
        "aws_security_group.db",
    ] {
        assert!(tail.contains(&format!("#   {address} (")), "{address} listed");
    }
    let (text, _) = import("lab.cfn.yaml");
    let tail = &text[text.find("# Not modelled").unwrap()..];
    for id in ["VPC", "InternetGateway", "GatewayAttachment", "PublicRouteTable", "DefaultRoute", "ALBSecurityGroup"] {
        assert!(tail.contains(&format!("#   {id} (AWS::")), "{id} listed");
    }
}

fn nines(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("nines runs")
}

#[test]
fn the_command_writes_a_file_that_check_and_run_accept() {
    let dir = tempfile::tempdir().unwrap();
    for name in LAB {
        let out = dir.path().join(format!("{name}.toml"));
        let o = out.to_str().unwrap();
        let r = nines(&["import", &format!("tests/fixtures/import/{name}"), "-o", o]);
        assert_eq!(r.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&r.stderr));
        assert!(r.stdout.is_empty(), "{name}: with -o, nothing on stdout");
        assert!(
            String::from_utf8_lossy(&r.stderr)
                .starts_with(&format!("wrote {o}: 1 auto-scaling group, 1 database, 1 bucket;"))
        );
        let check = nines(&["check", o]);
        assert_eq!(check.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&check.stderr));
        let run = nines(&["run", o, "--trials", "300", "--quiet"]);
        assert_eq!(run.status.code(), Some(0), "{name}: {}", String::from_utf8_lossy(&run.stderr));
        assert!(String::from_utf8_lossy(&run.stdout).contains("downtime h/yr"));
    }
    // Without -o, the scenario goes to stdout, the same text.
    let r = nines(&["import", "tests/fixtures/import/lab.tfstate.json"]);
    let written = std::fs::read_to_string(dir.path().join("lab.tfstate.json.toml")).unwrap();
    assert_eq!(String::from_utf8_lossy(&r.stdout), written);
}

#[test]
fn malformed_inputs_get_one_clear_line_and_exit_2() {
    let cases: &[(&str, &str)] = &[
        (
            "not-json.json",
            "not-json.json:1: not valid JSON: expected value at column 1 (is this `terraform show` without -json?)",
        ),
        (
            "wrong-format-version.json",
            "wrong-format-version.json: format_version: unsupported version \"2.0\": nines reads version 1.x of Terraform's JSON output format (Terraform 1.0 and later)",
        ),
        (
            "missing-launch-template.tfstate.json",
            "missing-launch-template.tfstate.json: aws_autoscaling_group.web: launch_template.0: id \"lt-0123456789abcdef0\" names no aws_launch_template in the input (nines needs its instance type: add the launch template to the configuration, or import the plan)",
        ),
        (
            "missing-launch-template.cfn.yaml",
            "missing-launch-template.cfn.yaml:178: Resources.WebServerGroup.Properties.LaunchTemplate.LaunchTemplateId: Ref to \"WebServerTemplate\": the template declares no such resource or parameter",
        ),
        ("bad-yaml.cfn.yaml", "bad-yaml.cfn.yaml:183: not valid YAML: illegal placement of ':' indicator (column 16)"),
        (
            "unknown-intrinsic.cfn.yaml",
            "unknown-intrinsic.cfn.yaml:71: Resources.PrivateSubnetB.Properties.AvailabilityZone[1]: unknown intrinsic function tag !GetAZ: CloudFormation knows !Ref, !Condition, !GetAtt, !Sub, !Join, !Select, !Split, !GetAZs, !ImportValue, !FindInMap, !Base64, !Cidr, !If, !Equals, !Not, !And, !Or, !Transform, !Length, !ToJsonString",
        ),
        (
            "unknown-intrinsic.cfn.json",
            "unknown-intrinsic.cfn.json: Resources.WebServerGroup.Properties.LaunchTemplate.Version: unknown intrinsic function Fn::GetAttribute: CloudFormation knows Ref, Condition, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::GetAZs, Fn::ImportValue, Fn::FindInMap, Fn::Base64, Fn::Cidr, Fn::If, Fn::Equals, Fn::Not, Fn::And, Fn::Or, Fn::Transform, Fn::Length, Fn::ToJsonString",
        ),
        (
            "bad-value.tfstate.json",
            "bad-value.tfstate.json: aws_autoscaling_group.web: max_size: expected a whole number (got \"four\")",
        ),
        (
            "zero-interval.tfstate.json",
            "zero-interval.tfstate.json: aws_lb_target_group.web: health_check.interval: a health-check interval, in seconds, must be from 1 to 86400 (got 0)",
        ),
        (
            "neither.json",
            "neither.json: neither `terraform show -json` output (no \"format_version\") nor a CloudFormation template (no \"Resources\")",
        ),
        (
            "network-only.tfstate.json",
            "network-only.tfstate.json: nothing nines can simulate: it found only aws_internet_gateway, aws_security_group, aws_subnet, aws_vpc; it models instances, auto-scaling groups, databases, caches and buckets",
        ),
    ];
    let dir = "tests/fixtures/import/malformed";
    let listed: Vec<&str> = cases.iter().map(|c| c.0).collect();
    for entry in std::fs::read_dir(fixture("malformed")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        assert!(listed.contains(&file.as_str()), "malformed/{file} has no expected message here");
    }
    for (file, expected) in cases {
        let out = nines(&["import", &format!("{dir}/{file}")]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{file}: exit code; stderr: {stderr}");
        assert!(out.stdout.is_empty(), "{file}: nothing on stdout");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines, [format!("error: {dir}/{expected}")], "{file}");
    }
    let out = nines(&["import", "tests/fixtures/import/none.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: cannot read input file tests/fixtures/import/none.json: no such file"
    );
    // A YAML file given as Terraform is refused by name.
    let out = nines(&["import", "--from", "terraform", "tests/fixtures/import/lab.cfn.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("terraform show -json writes JSON; this file is YAML"));
}

#[test]
fn prefixes_and_mutations_of_the_fixtures_never_panic() {
    // Cut anywhere, or one byte changed: an import is Ok or an error, never a panic.
    for name in ["lab.cfn.yaml", "lab.tfstate.json", "lab.cfn.json"] {
        let text = std::fs::read_to_string(fixture(name)).unwrap();
        let path = fixture(name);
        let step = (text.len() / 200).max(1);
        for cut in (0..text.len()).step_by(step).filter(|&c| text.is_char_boundary(c)) {
            let _ = nines::import::import_str(&path, &text[..cut], Source::Auto);
        }
        let bytes = text.as_bytes();
        for (i, pos) in (0..bytes.len()).step_by(step).enumerate() {
            let mut b = bytes.to_vec();
            b[pos] = b"{}[]:,-!\"' a1\n\t"[i % 15];
            if let Ok(t) = String::from_utf8(b) {
                if let Ok(imported) = nines::import::import_str(&path, &t, Source::Auto) {
                    // What imports must load: the writer never emits a broken scenario.
                    load_str(Path::new("mutated.toml"), &imported.scenario, &[])
                        .unwrap_or_else(|e| panic!("{name} mutated at {pos}: {e}\n{}", imported.scenario));
                }
            }
        }
    }
}

/// Imports template text given as JSON; the error message, if any.
fn template(json: &str) -> Result<Table, String> {
    nines::import::import_str(Path::new("t.json"), json, Source::Auto)
        .map(|i| toml::from_str(&i.scenario).expect("TOML"))
        .map_err(|e| e.to_string())
}

#[test]
fn template_intrinsics_parameters_and_conditions() {
    let db = |extra: &str| {
        format!(
            r#"{{"Parameters": {{"Class": {{"Type": "String", "Default": "db.t4g.micro"}}}},
               "Conditions": {{"Prod": {{"Fn::Equals": [{{"Ref": "AWS::StackName"}}, "prod"]}}}},
               "Resources": {{
                 "Sg": {{"Type": "AWS::EC2::SecurityGroup", "Properties": {{"GroupDescription": "x"}}}},
                 "Db": {{"Type": "AWS::RDS::DBInstance", "Condition": "Prod", "Properties": {{
                   "DBInstanceClass": {{"Ref": "Class"}}, "Engine": "postgres", "AllocatedStorage": "50",
                   "BackupRetentionPeriod": 0, "AvailabilityZone": "eu-north-1b", {extra}}}}}}}}}"#
        )
    };
    // The long form with a "Resource.Attribute" string, a parameter's default.
    let t = template(&db(r#""VPCSecurityGroups": [{"Fn::GetAtt": "Sg.GroupId"}]"#)).unwrap();
    let c = section(&t, "components")["db"].as_table().unwrap().clone();
    assert_eq!((s(&c, "instance_type"), s(&c, "zone")), ("db.t4g.micro", "eu-north-1b"));
    assert!(section(&t, "regions").contains_key("eu-north-1"));
    let store = section(&t, "stores")["db-data"].as_table().unwrap().clone();
    assert_eq!(s(&store, "size"), "50GiB");
    assert!(store.get("backups").is_none() && store.get("logs").is_none(), "retention 0: no automated backups");
    // References to names the template does not declare.
    assert_eq!(
        template(&db(r#""VPCSecurityGroups": [{"Fn::GetAtt": ["Sgg", "GroupId"]}]"#)).unwrap_err(),
        "t.json: Resources.Db.Properties.VPCSecurityGroups[0]: Fn::GetAtt of \"Sgg\": the template declares no such resource"
    );
    assert_eq!(
        template(&db(r#""DBName": {"Fn::Sub": "${Missing}-db"}"#)).unwrap_err(),
        "t.json: Resources.Db.Properties.DBName: Fn::Sub variable ${Missing}: the template declares no such resource or parameter"
    );
    // `${!Literal}` is no variable; pseudo parameters are declared.
    assert!(template(&db(r#""DBName": {"Fn::Sub": "${!Literal}-${AWS::Region}"}"#)).is_ok());
    // The condition is noted.
    let text = nines::import::import_str(Path::new("t.json"), &db(r#""Port": "5432""#), Source::Auto).unwrap().scenario;
    assert!(text.contains("Db is created only when condition Prod holds: imported as if it does"));
}

#[test]
fn a_group_scaled_to_zero_runs_nothing() {
    let json = r#"{"Resources": {
        "Lt": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": {"InstanceType": "t3.micro"}}},
        "G": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {"MinSize": "0", "MaxSize": "0",
              "LaunchTemplate": {"LaunchTemplateId": {"Ref": "Lt"}, "Version": "1"}, "AvailabilityZones": ["us-east-1a"]}}}}"#;
    assert_eq!(
        template(json).unwrap_err(),
        "t.json: nothing nines can simulate: it found only AWS::EC2::LaunchTemplate, auto-scaling groups scaled to zero; it models instances, auto-scaling groups, databases, caches and buckets"
    );
}
