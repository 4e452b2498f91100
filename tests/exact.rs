//! The exact route (`nines::exact`) against the closed forms of
//! `tests/validation.rs`: every case within its scope (independent units
//! with exponential laws, exponential zone and region outages) is
//! reproduced to 1e-9 relative; every case outside it is refused with the
//! reason. The closed forms are those of `nines::validate::closed_form`
//! (which the route does not use): point availabilities combined through
//! the structure function and integrated by Simpson's rule (100 000
//! intervals, error far below 1e-9).

use nines::exact::{Route, analyse};
use nines::model::Model;
use nines::units::HOURS_PER_YEAR;
use nines::validate::closed_form::{avail_exp, convolve, downtime_exp, structure_downtime, zone_count_dist};
use std::path::Path;

fn model(toml: &str) -> Model {
    let s = nines::scenario::load_str(Path::new("inline.toml"), toml, &[]).unwrap_or_else(|e| panic!("{e}"));
    s.variants.into_iter().next().expect("one variant")
}

/// The route's transient downtime (h/y) matches `exact` to 1e-9 relative,
/// and its steady state matches `steady` (availability) to 1e-12.
fn check(case: &str, toml: &str, exact: f64, steady: Option<f64>) {
    let m = model(toml);
    let route = analyse(&m);
    let Route::Exact(e) = &route else { panic!("{case}: no exact answer: {route:?}") };
    let rel = (e.downtime_hours - exact).abs() / exact;
    println!("{case}: route {:.12} h/y, closed form {exact:.12} h/y, relative difference {rel:.1e}", e.downtime_hours);
    assert!(rel < 1e-9, "{case}: route {} vs closed form {exact}", e.downtime_hours);
    if let Some(a) = steady {
        assert!(
            (e.steady_state_availability - a).abs() < 1e-12,
            "{case}: steady {} vs {a}",
            e.steady_state_availability
        );
        let hours = (1.0 - a) * HOURS_PER_YEAR;
        assert!((e.steady_state_downtime_hours - hours).abs() <= 1e-9 * hours, "{case}: steady-state hours");
    }
}

/// Out of scope: the route says so, with `reason` among its reasons.
fn refused(case: &str, toml: &str, reason: &str) {
    match analyse(&model(toml)) {
        Route::Exact(e) => panic!("{case}: expected no exact answer, got {e:?}"),
        Route::None { reasons } => {
            println!("{case}: out of scope: {}", reasons.join("; "));
            assert!(reasons.iter().any(|r| r.contains(reason)), "{case}: {reasons:?} lacks {reason:?}");
        }
    }
}

const ONE: &str = r#"
    [simulation]
    horizon = "1y"
    trials = 10
    [components.box]
    mttf = "1000h"
    mttr = "10h"
    [services.app]
    up_when = "box"
"#;

/// 1a: one exponential component over a year (closed form, not Simpson).
#[test]
fn single_component_transient() {
    check("1a", ONE, downtime_exp(1000.0, 10.0, HOURS_PER_YEAR), Some(1000.0 / 1010.0));
}

/// 1b: over 100 years, per year: the transient closed form divided by 100.
#[test]
fn single_component_long_horizon() {
    let toml = ONE.replace("horizon = \"1y\"", "horizon = \"100y\"");
    check("1b", &toml, downtime_exp(1000.0, 10.0, 100.0 * HOURS_PER_YEAR) / 100.0, Some(1000.0 / 1010.0));
}

/// 2a–2e: series, parallel, 2-of-3 identical and different, nested.
#[test]
fn structures() {
    let head = "[simulation]\nhorizon = \"1y\"\ntrials = 10\n";
    let series = format!(
        "{head}[components.a]\nmttf = \"1000h\"\nmttr = \"10h\"\n[components.b]\nmttf = \"300h\"\nmttr = \"30h\"\n[services.app]\nup_when = {{ all = [\"a\", \"b\"] }}\n"
    );
    check("2a series", &series, structure_downtime(|t| avail_exp(1000.0, 10.0, t) * avail_exp(300.0, 30.0, t)), None);
    let parallel = format!(
        "{head}[components.a]\nmttf = \"200h\"\nmttr = \"20h\"\n[components.b]\nmttf = \"150h\"\nmttr = \"40h\"\n[services.app]\nup_when = {{ any = [\"a\", \"b\"] }}\n"
    );
    check(
        "2b parallel",
        &parallel,
        structure_downtime(|t| 1.0 - (1.0 - avail_exp(200.0, 20.0, t)) * (1.0 - avail_exp(150.0, 40.0, t))),
        None,
    );
    let identical = format!(
        "{head}[components.server]\ncount = 3\nmttf = \"1000h\"\nmttr = \"10h\"\n[services.quorum]\nup_when = {{ at_least = 2, of = [\"server\"] }}\n"
    );
    let a = 1000.0 / 1010.0;
    check(
        "2c 2-of-3",
        &identical,
        structure_downtime(|t| {
            let a = avail_exp(1000.0, 10.0, t);
            3.0 * a * a - 2.0 * a * a * a
        }),
        Some(3.0 * a * a - 2.0 * a * a * a),
    );
    let different = format!(
        "{head}[components.x]\nmttf = \"500h\"\nmttr = \"25h\"\n[components.y]\nmttf = \"300h\"\nmttr = \"20h\"\n[components.z]\nmttf = \"800h\"\nmttr = \"50h\"\n[services.quorum]\nup_when = {{ at_least = 2, of = [\"x\", \"y\", \"z\"] }}\n"
    );
    check(
        "2d 2-of-3 different",
        &different,
        structure_downtime(|t| {
            let (a1, a2, a3) = (avail_exp(500.0, 25.0, t), avail_exp(300.0, 20.0, t), avail_exp(800.0, 50.0, t));
            a1 * a2 + a1 * a3 + a2 * a3 - 2.0 * a1 * a2 * a3
        }),
        None,
    );
    let nested = format!(
        "{head}[components.lb]\nmttf = \"2000h\"\nmttr = \"4h\"\n[components.web]\ncount = 3\nmttf = \"200h\"\nmttr = \"20h\"\n[services.tier]\nup_when = {{ at_least = 2, of = [\"web\"] }}\n[services.app]\nup_when = {{ all = [\"lb\", \"tier\"] }}\n"
    );
    check(
        "2e nested",
        &nested,
        structure_downtime(|t| {
            let a = avail_exp(200.0, 20.0, t);
            avail_exp(2000.0, 4.0, t) * (3.0 * a * a - 2.0 * a * a * a)
        }),
        None,
    );
}

/// Beyond tests/validation.rs: 4c with every outage exponential (zones
/// 2/y of mean 8 h, zone c 4/y, a region 0.5/y of mean 4 h), 4-of-6 over 3
/// zones: A = A_r(t)·P(≥ 4 in service), counts convolved per zone.
#[test]
fn exponential_zones_and_region() {
    let toml = r#"
        [simulation]
        horizon = "1y"
        trials = 10
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = { rate = "2/y", duration = { type = "exponential", mean = "8h" } }
        outage = { rate = "0.5/y", duration = { type = "exponential", mean = "4h" } }
        [zones.c]
        outage = { rate = "4/y", duration = { type = "exponential", mean = "8h" } }
        [components.web]
        count = 6
        zones = ["a", "b", "c"]
        mttf = "300h"
        mttr = "10h"
        [services.app]
        up_when = { at_least = 4, of = ["web"] }
    "#;
    let exact = structure_downtime(|t| {
        let a = avail_exp(300.0, 10.0, t);
        let zab = avail_exp(HOURS_PER_YEAR / 2.0, 8.0, t);
        let zc = avail_exp(HOURS_PER_YEAR / 4.0, 8.0, t);
        let region = avail_exp(HOURS_PER_YEAR / 0.5, 4.0, t);
        let ab = zone_count_dist(zab, a, 2);
        let all = convolve(&convolve(&ab, &ab), &zone_count_dist(zc, a, 2));
        region * all[4..].iter().sum::<f64>()
    });
    check("4c exponential", toml, exact, None);
}

/// A service used twice (shared units are conditioned on): all(tier, any(tier, b)) is tier.
#[test]
fn shared_services_are_conditioned_on() {
    let toml = r#"
        [simulation]
        horizon = "1y"
        trials = 10
        [components.web]
        count = 3
        mttf = "200h"
        mttr = "20h"
        [components.b]
        mttf = "100h"
        mttr = "50h"
        [services.tier]
        up_when = { at_least = 2, of = ["web"] }
        [services.either]
        up_when = { any = ["tier", "b"] }
        [services.app]
        up_when = { all = ["tier", "either"] }
    "#;
    let exact = structure_downtime(|t| {
        let a = avail_exp(200.0, 20.0, t);
        3.0 * a * a - 2.0 * a * a * a
    });
    check("shared", toml, exact, None);
}

/// Out of scope, with the reasons: Weibull/lognormal (3), fixed zone
/// outages (4a, 4b, 4c), fixed durations (5a–5c), and the shipped
/// scenarios with groups, standby pairs and stores.
#[test]
fn out_of_scope_cases_say_why() {
    refused(
        "3 Weibull/lognormal",
        r#"
        [simulation]
        horizon = "100y"
        trials = 10
        [components.disk]
        failure = { type = "weibull", shape = 2, mean = "1000h" }
        repair = { type = "lognormal", median = "2h", p99 = "20h" }
        [services.app]
        up_when = "disk"
    "#,
        "failures of disk are Weibull",
    );
    let zones = r#"
        [simulation]
        horizon = "1y"
        trials = 10
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = { rate = "2/y", duration = "8h" }
        [components.web]
        count = 6
        zones = ["a", "b", "c"]
        mttf = "1000h"
        mttr = "10h"
        [services.app]
        up_when = { at_least = 5, of = ["web"] }
    "#;
    refused("4a/4b fixed zone outages", zones, "zone a outages last a fixed time");
    refused(
        "5a fixed durations",
        r#"
        [simulation]
        horizon = "8760h"
        trials = 10
        [components.clock]
        failure = "1000h"
        repair = "10h"
        [services.app]
        up_when = "clock"
    "#,
        "failures of clock are fixed",
    );
    let lab = include_str!("../scenarios/lab-web-app.toml");
    refused("lab-web-app", lab, "auto-scaling groups");
    refused("lab-web-app", lab, "standby pairs");
    refused("dr-strategies", include_str!("../scenarios/dr-strategies.toml"), "data stores");
    refused("multi-az-web", include_str!("../scenarios/multi-az-web.toml"), "repairs of web are lognormal");
}
