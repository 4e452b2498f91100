//! Data protection against closed forms: backup schedules and the data-loss
//! window, failed backups, restore time, and corruption outliving retention.

mod common;

use common::*;

/// Per trial, (sum of data-loss windows, incidents with a recovery point),
/// after checking that their mean is the report's.
fn windows(r: &Run) -> Vec<(f64, f64)> {
    let w = r.per_incident(|i| i.window.is_some(), |i| i.window.unwrap_or(0.0));
    let reported = r.data_loss_window_hours.as_ref().expect("stores report windows").mean;
    assert!((ratio_se(&w).0 - reported).abs() <= 1e-9 * reported, "replayed windows are the report's");
    w
}

/// A store lost at Poisson times (20 a year), no replica, restored at once
/// from backups every 10 h; `backup` adds fields to the backup table.
fn scenario(backup: &str, trials: u32) -> String {
    format!(
        r#"
[simulation]
horizon = "1y"
trials = {trials}
seed = 21

[targets]
rpo = "3h"
rto = "1h"

[stores.db]
size = "100GB"
loss = {{ rate = "20/y" }}
backups = [{{ every = "10h" {backup} }}]
recovery = {{ restore_throughput = "1000000TB/h" }}

[services.s]
up_when = "db"
"#
    )
}

#[test]
fn instantaneous_backups_give_a_uniform_window_and_rpo_over_t() {
    // Incidents at Poisson times, backups every T = 10 h taking no time:
    // the window is uniform on [0, T), mean T/2, and P(window ≤ RPO) = RPO/T.
    let r = run(&scenario("", 4000));
    let w = r.data_loss_window_hours.as_ref().unwrap();
    assert_ratio("window mean", &windows(&r), 5.0);
    assert!(w.max < 10.0);
    let rpo = &r.rpo.as_ref().unwrap().met_probability;
    assert_p("P(window <= 3h)", rpo.observed, rpo.trials, 0.3);
}

#[test]
fn backups_taking_d_give_a_window_uniform_on_d_to_t_plus_d() {
    // A backup's point is its start, usable only if it completed before the
    // incident: with duration d = 2 h the window is uniform on [d, T + d) =
    // [2, 12) — unless an earlier loss struck while that backup ran, which
    // destroyed its source: it copied nothing, and the one before is used.
    // Losses are Poisson (λ = 20/y), so each backup is spoilt independently
    // with q = 1 − exp(−λd), and the window gains T·G, G geometric:
    // mean 7 + T·q/(1 − q); P(window ≤ 3 h) = (1 − q)/10.
    let q = 1.0 - (-20.0 / 8760.0 * 2.0f64).exp();
    let r = run(&scenario(r#", duration = "2h""#, 4000));
    assert_ratio("window mean", &windows(&r), 7.0 + 10.0 * q / (1.0 - q));
    let rpo = &r.rpo.as_ref().unwrap().met_probability;
    assert_p("P(window <= 3h)", rpo.observed, rpo.trials, 0.1 * (1.0 - q));
}

#[test]
fn failed_backups_make_the_newest_good_one_geometrically_older() {
    // Each backup fails with q = 0.3 (verified, so skipped): the newest good
    // backup is K intervals older, P(K = k) = (1 − q) q^k, so the window is
    // U[0, T) + T·K with mean T/2 + T·q/(1 − q), and P(window ≤ 3 h) =
    // (1 − q) × 3/10 (a good newest backup, and within 3 h of it).
    let r = run(&scenario(r#", success = "70%", verify = true"#, 4000));
    let q: f64 = 0.3;
    assert_ratio("window mean", &windows(&r), 5.0 + 10.0 * q / (1.0 - q));
    let rpo = &r.rpo.as_ref().unwrap().met_probability;
    assert_p("P(window <= 3h)", rpo.observed, rpo.trials, (1.0 - q) * 0.3);
}

#[test]
fn unverified_failed_backups_cost_a_restore_each() {
    // Same schedule; every other property fixed so that one restore takes
    // exactly 1 h (100 GB at 100 GB/h). Unverified failed backups are tried
    // first and cost a restore each: recovery = 1 h × (1 + K). With q = 0.3,
    // E[recovery] = 1 + q/(1 − q).
    let text = scenario(r#", success = "70%""#, 4000)
        .replace(r#"restore_throughput = "1000000TB/h""#, r#"restore_throughput = "100GB/h""#);
    let r = run(&text);
    let rt = r.recovery_time_hours.as_ref().unwrap();
    assert_ratio("recovery mean", &r.per_incident(|_| true, |i| i.recovery), 1.0 + 0.3 / 0.7);
    assert!((rt.p50 - 1.0).abs() < 0.01);
}

#[test]
fn restore_time_is_overhead_plus_size_over_throughput() {
    // detection 10 min + decision 20 min + overhead 15 min + 100 GB at
    // 50 GB/h (2 h) + validation 5 min = 170 min, every time.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 200
seed = 2

[stores.db]
size = "100GB"
loss = { rate = "5/y" }
backups = [{ every = "1h" }]
recovery = { detection = "10m", decision = "20m", restore_overhead = "15m", restore_throughput = "50GB/h", validation = "5m" }

[services.s]
up_when = "db"
"#);
    let rt = r.recovery_time_hours.as_ref().unwrap();
    let want = 170.0 / 60.0;
    assert!(rt.count > 500);
    assert!((rt.mean - want).abs() < 1e-9 && (rt.max - want).abs() < 1e-9, "{rt:?}");
    // Each incident keeps the store down exactly that long.
    assert!((r.outage_length_hours.max - want).abs() < 1e-9);
}

#[test]
fn cross_region_restores_use_the_cross_region_throughput() {
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 100
seed = 2

[regions.east]
zones = ["e1"]

[regions.west]
zones = ["w1"]

[stores.db]
size = "100GB"
zone = "e1"
loss = { rate = "5/y" }
backups = [{ every = "1h", destination = "west" }]
recovery = { restore_throughput = "100GB/h", cross_region_throughput = "25GB/h" }

[services.s]
up_when = "db"
"#);
    let rt = r.recovery_time_hours.as_ref().unwrap();
    assert!((rt.max - 4.0).abs() < 1e-9 && (rt.mean - 4.0).abs() < 1e-9, "{rt:?}");
}

#[test]
fn corruption_outliving_retention_leaves_no_recovery_point() {
    // Noticed 48 h after it strikes; backups kept 24 h: by the time anyone
    // looks, every backup from before the corruption is gone.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 300
seed = 4

[stores.db]
size = "10GB"
corruption = { rate = "3/y", detection = "48h" }
backups = [{ every = "1h", retention = "24h" }]
recovery = { restore_throughput = "100GB/h" }

[services.s]
up_when = "db"
"#);
    let d = r.data.as_ref().unwrap();
    assert!(d.incidents > 500);
    assert_eq!(d.no_recovery_point.observed, d.incidents, "no incident found a point");
    assert_eq!(r.data_loss_window_hours.as_ref().unwrap().count, 0);
    // Writes between corruption and detection are rolled back: 48 h each.
    assert!((d.rolled_back_hours.as_ref().unwrap().mean - 48.0).abs() < 1e-9);
}

#[test]
fn corruption_reaches_replicas_but_a_point_from_before_it_helps() {
    // Same, with retention longer than the delay: the newest backup before
    // the corruption (hourly, instantaneous) gives a window uniform on
    // [0, 1 h), whatever the replicas.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 4

[regions.r]
zones = ["a", "b"]

[stores.db]
size = "10GB"
zone = "a"
corruption = { rate = "3/y", detection = "48h" }
replicas = [{ zone = "b", mode = "sync" }]
backups = [{ every = "1h", retention = "72h" }]
recovery = { restore_throughput = "100GB/h" }

[services.s]
up_when = "db"
"#);
    assert_ratio("window mean", &windows(&r), 0.5);
    assert_eq!(r.data.as_ref().unwrap().no_recovery_point.observed, 0);
}

#[test]
fn a_surviving_sync_replica_loses_nothing() {
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 300
seed = 4

[regions.r]
zones = ["a", "b"]

[stores.db]
size = "10GB"
zone = "a"
loss = { rate = "5/y" }
replicas = [{ zone = "b", mode = "sync" }]
recovery = { detection = "5m", failover = "10m" }

[services.s]
up_when = "db"
"#);
    let w = r.data_loss_window_hours.as_ref().unwrap();
    assert!(w.count > 1000 && w.max == 0.0, "{w:?}");
    let rt = r.recovery_time_hours.as_ref().unwrap();
    assert!((rt.mean - 0.25).abs() < 1e-9);
}

#[test]
fn a_destroyed_zone_takes_the_replicas_in_it_but_not_the_others() {
    // Zone a is destroyed by each of its outages (2 a year). A sync replica
    // in zone a dies with the primary, so data comes back from the hourly
    // backups kept in the region (window uniform on [0, 1 h)); one in zone b
    // survives and nothing is lost.
    let text = |replica_zone: &str| {
        format!(
            r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 8

[regions.r]
zones = ["a", "b"]

[zones.a]
outage = {{ rate = "2/y", duration = "1h", destroy_probability = "100%" }}

[stores.db]
size = "10GB"
zone = "a"
replicas = [{{ zone = "{replica_zone}", mode = "sync" }}]
backups = [{{ every = "1h", destination = "r" }}]
recovery = {{ restore_throughput = "1000GB/h" }}

[services.s]
up_when = "db"
"#
        )
    };
    let same = run(&text("a"));
    let w = same.data_loss_window_hours.as_ref().unwrap();
    assert!(w.count > 3000);
    assert_ratio("window, replica destroyed too", &windows(&same), 0.5);
    let other = run(&text("b"));
    let w = other.data_loss_window_hours.as_ref().unwrap();
    assert!(w.count > 3000 && w.max == 0.0, "{w:?}");
}

#[test]
fn timeline_backups_are_the_ones_restores_use() {
    // Backups every 10 h taking no time, 30% failing (verified): a year holds
    // exactly 876 of them, about 30% marked failed, and every incident's
    // recovery point is the newest good backup at or before it — the same
    // backups the engine used, looked at again by the timeline.
    let text = scenario(r#", success = "70%", verify = true"#, 300);
    let s = nines::scenario::load_str(std::path::Path::new("inline.toml"), &text, &[]).unwrap();
    let m = &s.variants[0];
    let (mut marks, mut failed, mut incidents) = (0u64, 0u64, 0);
    for trial in 0..300 {
        let t = nines::report::timeline::record(&s, m, trial);
        let lane = t.lanes.iter().find(|l| l.name == "db").expect("a lane for the store");
        assert_eq!(lane.backups.len(), 876, "trial {trial}");
        marks += lane.backups.len() as u64;
        failed += lane.backups.iter().filter(|b| !b.ok).count() as u64;
        for lost in &lane.lost {
            let point = lane.backups.iter().filter(|b| b.ok && b.start <= lost.end).map(|b| b.start).next_back();
            match (&lost.cause, point) {
                // "no recovery point": no good backup before it either.
                (Some(_), p) => assert_eq!(p, None, "trial {trial}: a good backup was missed"),
                (None, Some(p)) => {
                    assert!(
                        (lost.start - p).abs() < 1e-9,
                        "trial {trial}: restored to {} but the timeline has {p}",
                        lost.start
                    )
                }
                (None, None) => panic!("trial {trial}: restored to {} without a good backup", lost.start),
            }
            incidents += 1;
        }
    }
    assert!(incidents > 3000, "{incidents} incidents");
    assert_p("failed share of the timeline's backups", failed, marks, 0.3);
}

/// A store in the region, lost 20 times a year, backed up hourly into the
/// bucket `vault` of class `class` (placed by `placement`); every zone
/// fails twice a year and each zone outage destroys what it alone holds.
fn vault_scenario(class: &str, placement: &str) -> String {
    format!(
        r#"
[simulation]
horizon = "1y"
trials = 3000
seed = 31

[regions.r1]
zones = ["z1", "z2", "z3"]
zone_outage = {{ rate = "2/y", duration = "1h", destroy_probability = "100%" }}

[buckets.vault]
class = "{class}"
size = "1TB"
{placement}

[stores.db]
size = "100GB"
region = "r1"
loss = {{ rate = "20/y" }}
backups = [{{ every = "1h", destination = "vault" }}]
recovery = {{ restore_throughput = "1000000TB/h" }}

[services.s]
up_when = "db"
"#
    )
}

#[test]
fn backups_in_a_bucket_share_its_fate() {
    // One Zone-IA in z1: the vault is destroyed at z1's first outage,
    // T1 ~ Exp(λ = 2/y), and incidents after it (Poisson, μ = 20/y) have
    // no recovery point left: per year, E = ∫₀ᵀ μ P(T1 < t) dt
    // = μ (T − (1 − e^(−λT))/λ) = 20 × (1 − (1 − e^(−2))/2) = 11.3534.
    // Incidents of one trial share its T1, so the test is on the per-trial
    // count (i.i.d. across trials), not on the share of all incidents. With
    // RPO 2 h and hourly instant backups, an incident misses its targets
    // exactly when it has no recovery point.
    let text = vault_scenario("one-zone-ia", r#"zone = "z1""#)
        .replace("[stores.db]", "[targets]\nrpo = \"2h\"\n\n[stores.db]");
    let s = nines::scenario::load_str(std::path::Path::new("inline.toml"), &text, &[]).unwrap();
    let (stats, trials) = nines::runner::run_keeping_trials(&s.variants[0], &|_| {}, true);
    let counts: Vec<f64> = trials.iter().map(|t| f64::from(t.incidents_missed)).collect();
    let exact = 20.0 * (1.0 - (1.0 - (-2.0f64).exp()) / 2.0);
    assert_z("incidents without a recovery point per year", &counts, exact);
    let gone = stats.data.gone.proportion().observed;
    assert_eq!(gone, trials.iter().map(|t| u64::from(t.incidents_missed)).sum::<u64>());

    // A store in z1 itself, lost only when z1 is destroyed: the vault in z1
    // goes in the same event, so no such incident finds a recovery point.
    let text = vault_scenario("one-zone-ia", r#"zone = "z1""#)
        .replace("region = \"r1\"\nloss = { rate = \"20/y\" }", "zone = \"z1\"");
    assert!(text.contains("size = \"100GB\"\nzone = \"z1\""), "{text}");
    let r = run(&text);
    let d = r.data.as_ref().unwrap();
    assert!(d.incidents > 1000);
    assert_eq!(d.no_recovery_point.observed, d.incidents);

    // Standard keeps copies in several zones: no zone outage takes it, so
    // every incident finds last hour's backup.
    let r = run(&vault_scenario("standard", r#"region = "r1""#));
    let d = r.data.as_ref().unwrap();
    assert!(d.incidents > 50_000);
    assert_eq!(d.no_recovery_point.observed, 0);
    assert!(r.data_loss_window_hours.as_ref().unwrap().max < 1.0);
}

#[test]
fn a_daily_time_is_a_24h_schedule_from_that_hour() {
    let text = scenario("", 10).replace(r#"backups = [{ every = "10h"  }]"#, r#"backups = [{ at = "02:30" }]"#);
    assert!(text.contains(r#"at = "02:30""#), "{text}");
    let s = nines::scenario::load_str(std::path::Path::new("inline.toml"), &text, &[]).unwrap();
    let b = &s.variants[0].stores[0].backups[0];
    assert_eq!((b.every, b.offset), (24.0, 2.5));
}

#[test]
fn an_async_replica_loses_its_replication_lag() {
    // Hardware losses only (no zone destroyed), an asynchronous replica
    // with exponential lag of mean 2 min: every incident fails over and
    // loses the lag, so the window's mean is 2 min.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 12

[regions.r]
zones = ["a", "b"]

[stores.db]
size = "10GB"
zone = "a"
loss = { rate = "5/y" }
replicas = [{ zone = "b", mode = "async", lag = { type = "exponential", mean = "2m" } }]
recovery = { failover = "5m" }

[services.s]
up_when = "db"
"#);
    assert!(r.incidents().all(|i| i.window.is_some_and(|w| w >= 0.0)));
    assert_ratio("window mean, async replica", &windows(&r), 2.0 / 60.0);
}

#[test]
fn shipped_logs_give_a_window_uniform_on_their_interval() {
    // Point-in-time logs every 15 min, no backup: a shipment covers data up
    // to its time, so the window is uniform on [0, 15 min): mean 7.5 min.
    let r = run(r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 13

[stores.db]
size = "10GB"
loss = { rate = "5/y" }
logs = { every = "15m", retention = "7d" }
recovery = { restore_throughput = "100GB/h" }

[services.s]
up_when = "db"
"#);
    for i in r.incidents() {
        let w = i.window.expect("logs are always there");
        assert!((0.0..0.25).contains(&w), "{i:?}");
    }
    assert_ratio("window mean, logs every 15 min", &windows(&r), 0.125);
}

#[test]
fn every_window_and_recovery_time_is_non_negative_in_shipped_scenarios() {
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for r in run_trials(&text, 2000) {
            for i in r.incidents() {
                assert!(i.recovery >= 0.0 && i.rolled_back >= 0.0, "{}: {i:?}", path.display());
                assert!(i.window.is_none_or(|w| w >= 0.0), "{}: {i:?}", path.display());
                assert!(i.recovery >= i.rolled_back, "{}: back before noticed: {i:?}", path.display());
            }
        }
    }
}
