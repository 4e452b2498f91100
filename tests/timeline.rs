//! `nines timeline` and the timeline chart's lanes: files only when asked,
//! trial numbers that say they start at 0, lanes only for group slots that
//! ran, and lanes grouped (and said so) when there are too many to draw.

use nines::report::timeline::{self, LaneKind, MAX_COMPONENT_LANES};
use nines::scenario::{load, load_str};
use std::path::Path;
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn timeline_writes_files_only_under_plots() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/two-of-three.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(["timeline", "--trials", "200"])
        .arg(&scenario)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(numbered 0 to 199)"), "{text}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "files written without --plots");
    let plots = dir.path().join("charts");
    let out = Command::new(env!("CARGO_BIN_EXE_nines"))
        .args(["timeline", "--trials", "200", "-q", "--plots"])
        .arg(&plots)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(std::fs::read_dir(&plots).unwrap().count(), 2, "PNG and SVG");
}

#[test]
fn group_slots_that_never_ran_get_no_lane() {
    // desired 2, max 4, two zones: 8 slots, of which 2 run at the start.
    let s = load(&root().join("scenarios/lab-web-app.toml")).unwrap();
    let m = &s.variants[0];
    for trial in 0..20 {
        let t = timeline::record(&s, m, trial);
        let web = t.lanes.iter().filter(|l| l.name.starts_with("web#")).count();
        let launched = t.entries.iter().filter(|e| e.text.contains("launched and serving")).count();
        assert!(web >= 2 && web <= 2 + launched, "trial {trial}: {web} web lanes, {launched} launches");
        assert!(t.grouping.is_none());
    }
}

fn many(components: usize, per_zone: bool) -> String {
    let mut s = String::from(
        "[simulation]\nhorizon = \"1y\"\ntrials = 5\n[regions.r]\nzones = [\"a\", \"b\"]\nzone_outage = { rate = \"2/y\", duration = \"8h\" }\n",
    );
    let names: Vec<String> = (0..components).map(|i| format!("c{i}")).collect();
    for (i, n) in names.iter().enumerate() {
        let zone = if per_zone { ["a", "b"][i % 2] } else { "a" };
        s.push_str(&format!("[components.{n}]\ncount = 3\nzone = \"{zone}\"\nmttf = \"1000h\"\nmttr = \"10h\"\n"));
    }
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    s.push_str(&format!("[services.s]\nup_when = {{ at_least = {}, of = [{}] }}\n", components, list.join(", ")));
    s
}

#[test]
fn thousands_of_units_are_grouped_and_the_chart_says_so() {
    // Per component: 10 components of 3 replicas.
    let s = load_str(Path::new("m.toml"), &many(10, true), &[]).unwrap();
    let t = timeline::record(&s, &s.variants[0], 0);
    assert_eq!(t.lanes.iter().filter(|l| l.kind == LaneKind::Component).count(), 10);
    assert!(t.grouping.as_deref().unwrap().contains("per component"));
    // Per zone past MAX_COMPONENT_LANES components: one lane per zone.
    let s = load_str(Path::new("m.toml"), &many(MAX_COMPONENT_LANES * 25, true), &[]).unwrap();
    let t = timeline::record(&s, &s.variants[0], 0);
    let lanes: Vec<&str> = t.lanes.iter().filter(|l| l.kind == LaneKind::Component).map(|l| l.name.as_str()).collect();
    assert_eq!(lanes, vec!["in zone a (any of 1500)", "in zone b (any of 1500)"]);
    assert!(t.grouping.as_deref().unwrap().contains("one lane per zone"));
    assert!(timeline::render(&t).contains("(chart: 3000 units of 1000 components drawn one lane per zone"));
    // The chart stays a readable size and draws.
    let svg = nines::plot::svg(&nines::plot::TimelineChart { timeline: &t, stem: "t".into() }).unwrap();
    assert!(svg.contains("one lane per zone"));
}

/// A replica out for maintenance, a test or a shock, or a pair failing
/// over, is not a failure: its
/// span says why (and the chart colours it so), and each such span starts
/// where the event list says the replica went out for that reason.
#[test]
fn planned_work_and_shocks_are_not_drawn_as_failures() {
    let s = load(&root().join("scenarios/operations.toml")).unwrap();
    let t = timeline::record(&s, &s.variants[0], 0);
    let mut seen = std::collections::BTreeMap::new();
    for lane in t.lanes.iter().filter(|l| l.kind == LaneKind::Component) {
        for span in &lane.down {
            let Some(cause) = span.cause.as_deref() else { continue };
            let said = match cause {
                "maintenance" => "out of service for planned maintenance".to_owned(),
                "test" => "out of service for its periodic test".to_owned(),
                "failover" => "failing over to its standby".to_owned(),
                shock => format!("taken down by {shock}"),
            };
            // A failover is said of the pair ("db failing over…"), drawn on its unit's lane (db#2).
            let who = if cause == "failover" { lane.name.split('#').next().unwrap() } else { lane.name.as_str() };
            let at =
                t.entries.iter().any(|e| e.time == span.start && e.text.starts_with(who) && e.text.contains(&said));
            assert!(at, "{} down at {} for {cause}, but no event says so", lane.name, span.start);
            *seen.entry(cause.split(' ').next().unwrap().to_owned()).or_insert(0) += 1;
        }
    }
    // Trial 0 of operations' first variant has all four.
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), ["failover", "maintenance", "shock", "test"], "{seen:?}");
    // And a failure's span has no cause.
    let failed = t.entries.iter().find(|e| e.text.ends_with(" failed")).expect("a failure in trial 0");
    let name = failed.text.trim_end_matches(" failed");
    let lane = t.lanes.iter().find(|l| l.name == name).unwrap();
    assert!(lane.down.iter().any(|s| s.start == failed.time && s.cause.is_none()));
}
