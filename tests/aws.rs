//! AWS building blocks against closed forms: failover downtime, error budget
//! from health-check detection, capacity restored by auto scaling after a
//! zone outage, Spot interruption counts; and bad values refused with a
//! file:line message.

mod common;

use common::*;
use nines::scenario::load_str;
use std::path::Path;

#[test]
fn failover_downtime_is_failures_times_failover_time() {
    // The active member fails at rate 1/m while it serves; each failure
    // costs a fixed failover F (the standby, repaired in 0.1 h, is almost
    // always up). Serving and failing over alternate, Exp(m) then F, so the
    // expected downtime over T is T·F/(m + F). Failures of the target during
    // a failover (probability F/m = 0.1%) add about 0.1% × F per failure:
    // 0.009 h/yr, under half a standard error here.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 20000
seed = 3

[regions.r]
zones = ["a", "b"]

[components.db]
count = 2
zones = ["a", "b"]
mttf = "1000h"
mttr = "0.1h"
failover = "1h"

[services.s]
up_when = "db"
"#);
    let exact = 8760.0 * 1.0 / (1000.0 + 1.0);
    assert_z("failover downtime h/yr", &downtime(&r), exact);
    assert!((r.outage_length_hours.p50 - 1.0).abs() < 0.01, "each outage lasts the failover time");
}

#[test]
fn rds_multi_az_preset_fails_over_in_60_to_120_seconds() {
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 4

[components.db]
count = 2
mttf = "500h"
mttr = "0.2h"
failover = "rds-multi-az"

[services.s]
up_when = "db"
"#);
    let l = &r.outage_length_hours;
    // Most outages are one failover; the rare ones where the standby was
    // itself down last a repair instead.
    assert!(l.p50 > 60.0 / 3600.0 && l.p99 <= 120.0 / 3600.0 * 1.006, "{l:?}");
    // Mean failover 90 s: downtime ≈ T/m × 90 s.
    let exact = 8760.0 / 500.0 * 90.0 / 3600.0;
    assert_z("RDS Multi-AZ downtime h/yr", &downtime(&r), exact);
}

#[test]
fn detection_time_error_budget_is_failures_times_detection_times_share() {
    // n = 4 instances, each failing at rate 1/m; a failed one takes 1/4 of
    // the requests until the health check notices it after D = 60 s, and is
    // replaced within 2 s. Error budget = (n T/m) × D × 1/n = T·D/m hours.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 4000
seed = 5

[regions.r]
zones = ["a", "b"]

[load_balancers.lb]
interval = "30s"
unhealthy_threshold = 2

[groups.web]
desired = 4
zones = ["a", "b"]
load_balancer = "lb"
mttf = "100h"
launch = "1s"
warmup = "1s"

[services.s]
up_when = "web"
"#);
    let exact_minutes = 8760.0 * (1.0 / 60.0) / 100.0 * 60.0;
    let e = r.error_budget_minutes.as_ref().expect("groups report an error budget");
    let minutes = r.per_trial(|t| t.summary.error_budget * 60.0);
    assert!((mean_se(&minutes).0 - e.mean).abs() < 1e-9 * e.mean, "replayed error budget is the report's");
    assert_z("error-budget min/yr", &minutes, exact_minutes);
    assert_eq!(r.downtime_hours.mean, 0.0, "min_healthy 1 of 4: never fully down here");
}

#[test]
fn auto_scaling_restores_capacity_after_detection_and_replacement() {
    // 4 instances over 2 zones, 3 needed. An outage of zone a leaves 2: down
    // until the health check notices (60 s) and replacements launch (30 s)
    // and warm up (150 s): every outage lasts exactly 240 s (less when cut
    // by the horizon). When the zone comes back the group scales in without
    // a dip. Instances do not fail; only zone a has outages.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 4000
seed = 6

[regions.r]
zones = ["a", "b"]

[zones.a]
outage = { rate = "1/y", duration = "10h" }

[groups.web]
desired = 4
max = 8
min_healthy = 3
zones = ["a", "b"]
mttf = "1000000y"
launch = "30s"
warmup = "150s"

[services.s]
up_when = "web"
"#);
    let l = &r.outage_length_hours;
    let want = 240.0 / 3600.0;
    assert!(l.count > 2000, "zone outages happened: {}", l.count);
    assert!(l.max <= want + 1e-9, "{l:?}");
    assert!((l.p50 - want).abs() <= want * nines::stats::QUANTILE_RELATIVE_ERROR, "{l:?}");
    assert!((l.mean - want).abs() < 1e-3 * want, "only outages cut by the horizon are shorter: {l:?}");
    // Outages per year: zone a's outages, Poisson 1/y over its up time.
    let exact = (8760.0 - 10.0) / 8760.0;
    assert_z("outages/yr", &r.per_trial(|t| f64::from(t.summary.outages)), exact);
}

#[test]
fn max_equal_to_desired_keeps_capacity_down_for_the_whole_zone_outage() {
    // Same as above but max = desired: instances stranded in the out zone
    // count against max, so nothing is launched and the outage lasts as long
    // as the zone's (10 h).
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 500
seed = 6

[regions.r]
zones = ["a", "b"]
zone_outage = { rate = "1/y", duration = "10h" }

[groups.web]
desired = 4
min_healthy = 3
zones = ["a", "b"]
mttf = "1000000y"

[services.s]
up_when = "web"
"#);
    let l = &r.outage_length_hours;
    assert!(l.count > 100);
    assert!((l.p50 - 10.0).abs() < 0.1, "{l:?}");
}

#[test]
fn spot_interruptions_match_the_band_rate() {
    // Band 5-10% a month → its midpoint q = 7.5%: rate −ln(1 − q) per
    // instance-month. Two instances, replaced as soon as the notice comes,
    // so about two are always exposed: 2 × 12 × −ln(0.925) a year.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 20000
seed = 8

[regions.r]
zones = ["a", "b"]

[groups.web]
desired = 2
zones = ["a", "b"]
spot = "5-10%"
mttf = "1000000y"

[services.s]
up_when = "web"
"#);
    let exact = 2.0 * 12.0 * -(1.0f64 - 0.075).ln();
    let sp = r.spot_interruptions_per_year.as_ref().expect("spot groups report interruptions");
    let counts = r.per_trial(|t| f64::from(t.summary.spot_interruptions));
    assert_eq!(mean_se(&counts).0, sp.mean, "replayed interruptions are the report's");
    assert_z("Spot interruptions/yr", &counts, exact);
    // The replacement is ready 179 s after the notice, the instance stops
    // after 120 s; with one needed of two, the service never goes down.
    assert_eq!(r.downtime_hours.mean, 0.0);
}

fn error_of(text: &str) -> String {
    load_str(Path::new("bad.toml"), text, &[]).expect_err("must be refused").to_string()
}

const GROUP: &str = r#"[simulation]
horizon = "1y"
trials = 10

[regions.r]
zones = ["a", "b"]

[groups.web]
desired = 2
zones = ["a", "b"]
mttf = "100h"
"#;

#[test]
fn bad_values_are_refused_with_file_line_and_field() {
    let e = error_of(&format!("{GROUP}hourly_usd = -1.0\n[services.s]\nup_when = \"web\"\n"));
    assert_eq!(e, "bad.toml:12:14: groups.web.hourly_usd: must be a price in USD, zero or more (got -1)");
    let e = error_of(&format!("{GROUP}instance_type = \"t9.huge\"\n[services.s]\nup_when = \"web\"\n"));
    assert!(e.starts_with("bad.toml:12:17: groups.web.instance_type: unknown instance type \"t9.huge\""), "{e}");
    let e = error_of(&format!("{GROUP}max = 3\nmin_healthy = 4\n[services.s]\nup_when = \"web\"\n"));
    assert!(e.starts_with("bad.toml:13:15: groups.web.min_healthy: must be between 1 and desired (2)"), "{e}");
    let e = error_of(&format!("{GROUP}spot = \"lots\"\n[services.s]\nup_when = \"web\"\n"));
    assert!(e.starts_with("bad.toml:12:8: groups.web.spot: expected an interruption band"), "{e}");
    let e = error_of(&format!("{GROUP}max = 1\n[services.s]\nup_when = \"web\"\n"));
    assert!(e.starts_with("bad.toml:12:7: groups.web.max: must be at least desired (2)"), "{e}");
}

/// P(a two-state Markov process that starts up, with mean up time `m` and
/// mean down time `d`, exponential both, is down at time `t`).
fn down_at(m: f64, d: f64, t: f64) -> f64 {
    d / (m + d) * (1.0 - (-(1.0 / m + 1.0 / d) * t).exp())
}

/// A DB pair over zones z1 and z2 of region r1, whose control plane is
/// impaired every 100 h on average for 10 h (exponential both); z1 goes out
/// for good at 100 h; the members never fail on their own.
fn control_plane_pair(needs: bool) -> String {
    format!(
        r#"
[simulation]
horizon = "1y"
trials = 40000
seed = 8

[regions.r1]
zones = ["z1", "z2"]
control_plane = {{ mtbf = "100h", duration = {{ type = "exponential", mean = "10h" }} }}

[zones.z1]
outage = {{ every = "100h", duration = "100000h" }}

[components.db]
count = 2
zones = ["z1", "z2"]
failure = "100y"
mttr = "1h"
failover = "6m"
failover_needs_control_plane = {needs}

[services.app]
up_when = "db"
"#
    )
}

#[test]
fn a_failover_that_needs_the_control_plane_waits_out_its_impairment() {
    // Without the control plane: every year's one outage lasts the failover,
    // 6 min. With it: if the control plane is impaired when z1 goes (at
    // 100 h, probability p = down_at(100, 10, 100)), the failover starts only
    // when it returns, after the residual impairment (exponential, memoryless:
    // mean 10 h). Mean downtime 0.1 + 10 p h.
    let r = run(&control_plane_pair(false));
    assert!((r.downtime_hours.mean - 0.1).abs() < 1e-9 && r.downtime_hours.max < 0.1 + 1e-9, "{:?}", r.downtime_hours);
    let r = run(&control_plane_pair(true));
    let exact = 0.1 + 10.0 * down_at(100.0, 10.0, 100.0);
    assert_z("downtime h/yr, failover waits for the control plane", &downtime(&r), exact);
    assert!(r.downtime_hours.p50 < 0.1 * 1.01, "most years do not meet an impairment");
}

#[test]
fn launches_wait_for_the_control_plane_running_instances_do_not() {
    // One instance, needed: it fails at 5000 h (fixed). Down for detection
    // (60 s) + launch (30 s) + warm-up (150 s) and, if the control plane is
    // impaired when the replacement is requested, its residual impairment
    // (mean 10 h, with probability down_at(100, 10, 5000 h + 60 s), the
    // stationary 1/11 by then). The impairments alone never take the running
    // instance down: exactly one outage a year.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 40000
seed = 9

[regions.r1]
zones = ["z1"]
control_plane = { mtbf = "100h", duration = { type = "exponential", mean = "10h" } }

[groups.web]
desired = 1
max = 1
min_healthy = 1
zones = ["z1"]
failure = "5000h"
launch = "30s"
warmup = "150s"

[services.s]
up_when = "web"
"#);
    let fixed = 240.0 / 3600.0;
    let exact = fixed + 10.0 * down_at(100.0, 10.0, 5000.0 + 60.0 / 3600.0);
    assert_z("downtime h/yr, launch waits for the control plane", &downtime(&r), exact);
    assert_eq!(r.outages_per_year.mean, 1.0, "one outage a year, whatever the impairments");
}

#[test]
fn a_member_returning_during_an_impairment_waits_for_the_control_plane_too() {
    // Fixed times, one trial. The control plane is impaired 50-150 h and
    // 200-300 h; z1 goes out for good at 100 h; both members fail at 120 h
    // and every 121 h after (repaired in 1 h). db#1, back at 121 h, never
    // served: it may serve only through a failover, which waits for the
    // control plane (150 h) and takes 6 min. When db#1 fails at 241 h and
    // returns at 242 h it served last, so it resumes in place at once; the
    // same at 362-363 h. Down 100-150.1, 241-242 and 362-363 h: 52.1 h.
    let r = run(r#"
[simulation]
horizon = "400h"
trials = 1
seed = 1

[regions.r1]
zones = ["z1", "z2"]
control_plane = { every = "50h", duration = "100h" }

[zones.z1]
outage = { every = "100h", duration = "100000h" }

[components.db]
count = 2
zones = ["z1", "z2"]
failure = "120h"
repair = "1h"
failover = "6m"
failover_needs_control_plane = true

[services.app]
up_when = "db"
"#);
    let hours = r.downtime_hours.mean * 400.0 / 8760.0;
    assert!((hours - 52.1).abs() < 1e-9, "down {hours} h");
    assert!((r.outages_per_year.mean * 400.0 / 8760.0 - 3.0).abs() < 1e-9);
}

/// A pair with one member in each region; region a goes out every 1000 h
/// for 1 h (fixed); failover takes 2 h; members never fail on their own.
fn failback_pair(resume: bool) -> String {
    format!(
        r#"
[simulation]
horizon = "1y"
trials = 3
seed = 1

[regions.a]
zones = ["a1"]
outage = {{ every = "1000h", duration = "1h" }}

[regions.b]
zones = ["b1"]

[components.db]
count = 2
regions = ["a", "b"]
mttf = "1000000y"
mttr = "1h"
failover = "2h"
resume_on_return = {resume}

[services.s]
up_when = "db"
"#
    )
}

#[test]
fn resume_on_return_serves_again_when_the_active_member_returns_mid_failover() {
    // With failback, region a returns after 1 h, before the 2 h failover:
    // member a serves again, so every region outage costs 1 h: outages
    // start at 1000, 2001, ..., 8008 h: 8 a year, 8 h. Without, the first
    // failover completes (2 h) and member b serves for good.
    let with = run(&failback_pair(true));
    assert_eq!(with.downtime_hours.max, 8.0);
    assert_eq!(with.downtime_hours.mean, 8.0);
    assert_eq!(with.outages_per_year.mean, 8.0);
    let without = run(&failback_pair(false));
    assert_eq!(without.downtime_hours.max, 2.0);
    assert_eq!(without.outages_per_year.mean, 1.0);
}

#[test]
fn a_region_outage_takes_its_zones_out_of_a_group() {
    // Two instances needed, one in each region's zone. When region a goes
    // out (every 1000 h, 10 h), the group must see zone a1 as out, detect
    // it (60 s) and launch a replacement in b1 (30 s + 150 s): each outage
    // lasts 240 s, not the region's 10 h. When a returns the group scales
    // back to one instance per zone, so each of the year's 8 region outages
    // (at 1000, 2010, ... 8070 h) costs 240 s again.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 3
seed = 1

[regions.a]
zones = ["a1"]
outage = { every = "1000h", duration = "10h" }

[regions.b]
zones = ["b1"]

[groups.web]
desired = 2
max = 4
min_healthy = 2
zones = ["a1", "b1"]
mttf = "1000000y"
launch = "30s"
warmup = "150s"

[services.s]
up_when = "web"
"#);
    let l = &r.outage_length_hours;
    assert_eq!(l.count, 3 * 8, "{l:?}");
    assert!((l.max - 240.0 / 3600.0).abs() < 1e-9, "each outage lasts detection + launch + warm-up: {l:?}");
    assert!((r.downtime_hours.mean - 8.0 * 240.0 / 3600.0).abs() < 1e-9, "{:?}", r.downtime_hours);
}
