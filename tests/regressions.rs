//! Regressions for defects found by independent checks (each failed before
//! its fix): overlapping store incidents, the half-open horizon, backups
//! that had not completed, retention by count, SLO windows, and intervals
//! of per-incident shares that treated incidents as independent.

mod common;

use common::*;

/// A reproduction scenario from `tests/fixtures/repro/` (each file's
/// header says what it shows).
fn repro(name: &str) -> String {
    let path = format!("{}/tests/fixtures/repro/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_loss_during_an_unnoticed_corruption_is_recorded() {
    // The loss process draws from its own stream, so both variants see the
    // same losses. Every loss of "loss-only" must appear in
    // "with-corruption" unless the store was then down recovering (absorbed),
    // and it must take the store down for at least its 10 h detection.
    let runs = run_trials(&repro("loss-during-undetected-corruption"), 20_000);
    let (plain, both) = (&runs[0], &runs[1]);
    let (mut kept, mut absorbed) = (0, 0);
    for (a, b) in plain.trials.iter().zip(&both.trials) {
        let down: Vec<(f64, f64)> = b.incidents.iter().map(|i| (i.time + i.rolled_back, i.time + i.recovery)).collect();
        for loss in &a.incidents {
            let recorded = b.incidents.iter().find(|i| !i.corruption && i.time == loss.time);
            match recorded {
                Some(i) => {
                    assert!(i.recovery >= 10.0, "{i:?}");
                    kept += 1;
                }
                None => {
                    assert!(
                        down.iter().any(|&(from, to)| from <= loss.time && loss.time < to),
                        "loss at {} dropped while the store was serving",
                        loss.time
                    );
                    absorbed += 1;
                }
            }
        }
    }
    eprintln!("losses recorded {kept}, absorbed by a recovery under way {absorbed}");
    assert!(kept > 15_000 && absorbed < kept / 100, "{kept} {absorbed}");
    // Its outages count too: at least 10 h for each recorded loss.
    let losses_per_year = both.per_trial(|t| t.incidents.iter().filter(|i| !i.corruption).count() as f64);
    let (mean, _) = mean_se(&losses_per_year);
    assert!(mean > 0.99, "{mean} physical losses a year, of 1");
}

#[test]
fn an_event_at_the_horizon_does_not_happen() {
    let r = run(&repro("outage-at-horizon"));
    assert_eq!(r.outage_length_hours.count, 0);
    assert_eq!(r.reliability.observed, r.reliability.trials);
    assert_eq!(r.downtime_hours.max, 0.0);
}

#[test]
fn a_backup_still_running_at_a_loss_is_not_a_recovery_point() {
    // Daily backups from 0:00 taking 4 h; losses noticed after 4 h. At phase
    // u of the day the newest backup that completed before the loss is u old
    // if u ≥ 4 h, else u + 24 h: never within the 4 h RPO, mean 16 h. A
    // backup that ran while the store was down (4 h after each loss, so a
    // loss within 8 h of its span) copied nothing, which adds 24 h with
    // probability q: mean 16 + 24 q/(1 − q).
    let r = run(&repro("backup-completes-after-loss").replace("trials = 100000", "trials = 20000"));
    for i in r.incidents() {
        let Some(w) = i.window else { continue };
        assert!(w >= 4.0, "a backup still running at the loss was used: {i:?}");
        assert!(((i.time - w) / 24.0).fract().abs() < 1e-9, "a recovery point is a backup's start: {i:?}");
    }
    assert_eq!(r.rpo.as_ref().unwrap().met_probability.observed, 0);
    let q = 1.0 - (-20.0 / 8760.0 * 8.0f64).exp();
    let w = r.per_incident(|i| i.window.is_some(), |i| i.window.unwrap_or(0.0));
    assert_ratio("window mean", &w, 16.0 + 24.0 * q / (1.0 - q));
}

#[test]
fn keep_n_keeps_the_newest_n_completed_backups() {
    // Backups every 6 h taking 1 h, keep = 1: while one runs, the previous
    // one is kept. Only losses in the first hour, before any backup
    // completed, find nothing: 1 h of 8760.
    let r = run(&repro("keep-counts-running-backup").replace("trials = 100000", "trials = 20000"));
    let gone = &r.data.as_ref().unwrap().no_recovery_point;
    assert_p("P(no recovery point)", gone.observed, gone.trials, 1.0 / 8760.0);
    for i in r.incidents() {
        let Some(w) = i.window else { continue };
        assert!(w >= 1.0 - 1e-9 && ((i.time - w) / 6.0).fract().abs() < 1e-9, "{i:?}");
    }
}

#[test]
fn keep_n_at_its_boundary() {
    // Instant hourly backups, keep = 3, a corruption noticed after exactly
    // 2.5 h or 3.5 h: by the decision the newest 3 backups are 0.5, 1.5 and
    // 2.5 h old (notice 2.5 h: the one before the corruption is kept) or
    // the one before the corruption is the 4th newest (3.5 h: pruned).
    let text = |detect: &str| {
        format!(
            r#"
[simulation]
horizon = "1y"
trials = 200
seed = 3

[stores.db]
size = "1GB"
corruption = {{ rate = "5/y", detection = "{detect}" }}
backups = [{{ every = "1h", keep = 3 }}]
recovery = {{ restore_throughput = "1000000TB/h" }}

[services.s]
up_when = "db"
"#
        )
    };
    let kept = run(&text("2.5h"));
    let pruned = run(&text("3.5h"));
    // Phase of the corruption within the hour decides: the newest backup
    // before it is at floor(t); by the notice at t + d, backups at
    // floor(t) + 1 ... floor(t + d) exist; floor(t) is among the newest 3
    // iff floor(t + d) − floor(t) ≤ 2.
    for (r, d) in [(&kept, 2.5), (&pruned, 3.5)] {
        let mut checked = 0;
        for i in r.incidents() {
            let newer = (i.time + d).floor() - i.time.floor();
            match i.window {
                Some(w) => {
                    assert!(newer <= 2.0, "kept beyond keep = 3: {i:?}");
                    assert!((w - i.time.fract()).abs() < 1e-9, "{i:?}");
                }
                None => assert!(newer > 2.0 || i.time < 1.0, "pruned too early: {i:?}"),
            }
            checked += 1;
        }
        assert!(checked > 500, "{checked}");
    }
    assert!(
        kept.incidents().filter(|i| i.window.is_some()).count()
            > pruned.incidents().filter(|i| i.window.is_some()).count()
    );
}

#[test]
fn slo_windows_are_judged_one_by_one() {
    // Fails every 1000 h exactly, repaired in 10 h: outages [1000k + 10(k −
    // 1), +10) for k = 1, 2, ... Monthly windows (730 h) with SLO 99%
    // (7.3 h budget): a month holding a whole outage misses, one holding a
    // part of at most 7.3 h meets. Horizon 2 y: 24 whole months judged.
    let text = r#"
[simulation]
horizon = "2y"
trials = 3
seed = 1

[targets]
slo = "99%"
slo_window = "month"

[components.box]
failure = "1000h"
repair = "10h"

[services.s]
up_when = "box"
"#;
    let r = run(text);
    let slo = r.slo.as_ref().unwrap();
    assert_eq!(slo.window_hours, 730.0);
    assert_eq!(slo.windows_judged, 3 * 24);
    let mut down = [0.0f64; 24];
    let mut start: f64 = 1000.0;
    while start < 2.0 * 8760.0 {
        for (m, d) in down.iter_mut().enumerate() {
            let (a, b) = (m as f64 * 730.0, (m + 1) as f64 * 730.0);
            *d += ((start + 10.0).min(b) - start.max(a)).max(0.0);
        }
        start += 1010.0;
    }
    let met = down.iter().filter(|&&d| d <= 7.3 + 1e-9).count() as u64;
    assert_eq!(slo.met_probability.observed, 3 * met, "{down:?}");
    // A trailing partial window is not judged: 1.5 y holds one whole year.
    let r = run(&text.replace("2y", "1.5y").replace("slo_window = \"month\"", "slo_window = \"1y\""));
    assert_eq!(r.slo.as_ref().unwrap().windows_judged, 3);
}

#[test]
fn per_incident_shares_use_the_trial_as_the_unit() {
    // 2000 incidents a trial share their backups' outcomes: the interval of
    // "incidents within the RPO" must come from the cluster-robust variance
    // of the ratio, computed here independently from per-trial counts.
    let text = repro("caveat-incident-ci-clustering").replace("trials = 20000", "trials = 1000");
    let r = run(&text);
    let p = &r.rpo.as_ref().unwrap().met_probability;
    let per_trial = r.per_incident(|_| true, |i| f64::from(i.window.is_some_and(|w| w <= 8.0)));
    let (share, se) = ratio_se(&per_trial);
    assert!((share - p.estimate).abs() < 1e-12, "{share} vs {}", p.estimate);
    let n_eff = share * (1.0 - share) / (se * se);
    let reported = p.effective_trials.expect("a clustered share says what it is worth");
    assert!((reported - n_eff).abs() < 1e-6 * n_eff, "effective trials {reported} vs {n_eff}");
    let design_effect = p.trials as f64 / n_eff;
    eprintln!("incidents {}, effective {n_eff:.0}, design effect {design_effect:.2}", p.trials);
    assert!(design_effect > 1.5, "the clustering is real here: {design_effect}");
    // The interval is Wilson's at n_eff, so about ±1.96·se wide.
    let half = (p.ci95[1] - p.ci95[0]) / 2.0;
    assert!((half / (Z95 * se) - 1.0).abs() < 0.01, "half-width {half} vs {}", Z95 * se);
}

/// z of a two-sided 95% interval.
const Z95: f64 = 1.959_963_984_540_054;
