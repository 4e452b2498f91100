//! Steady-state start (`simulation.initial = "steady-state"`) against
//! closed forms: a stationary alternating renewal process is down with
//! probability E[D]/(E[U] + E[D]) at every instant, whatever its laws, so
//! the mean downtime over any horizon is horizon·(1 − A) exactly, with no
//! start-up correction; independent stationary parts combine through the
//! structure function. Means and standard errors are computed here from
//! the replayed trials; tolerance 4 SE.

mod common;
use common::{assert_z, downtime, run};
use nines::units::HOURS_PER_YEAR;

/// Availability of a Weibull(2, mean 1000 h) / lognormal(median 2 h,
/// p99 20 h) part, moments computed here.
fn weibull_lognormal_availability() -> f64 {
    let mu = 2.0f64.ln();
    let sigma = 10.0f64.ln() / 2.326_347_874_040_840_8;
    let er = (mu + sigma * sigma / 2.0).exp();
    1000.0 / (1000.0 + er)
}

const DISK: &str = r#"
    [components.disk]
    failure = { type = "weibull", shape = 2, mean = "1000h" }
    repair = { type = "lognormal", median = "2h", p99 = "20h" }
"#;

/// One Weibull/lognormal part over a short horizon (30 days), where a
/// start from new would be far from the steady state.
#[test]
fn one_part_is_stationary_from_the_first_hour() {
    let text = format!(
        "[simulation]\nhorizon = \"30d\"\ntrials = 40000\nseed = 11\ninitial = \"steady-state\"\n{DISK}\n[services.app]\nup_when = \"disk\"\n"
    );
    let r = run(&text);
    let a = weibull_lognormal_availability();
    assert_z("steady start, 1 Weibull/lognormal part, 30 d", &downtime(&r), HOURS_PER_YEAR * (1.0 - a));
    // A start from new is visibly lower (the part cannot fail before it ages).
    let new = run(&text.replace("initial = \"steady-state\"\n", ""));
    let (m, _) = common::mean_se(&downtime(&new));
    assert!(m < 0.5 * HOURS_PER_YEAR * (1.0 - a), "a start from new should carry its bias: {m}");
}

/// Two of three such parts, each in its own zone whose outages (every
/// 2000 h on average, Weibull shape 1.5; 6 h fixed) are also stationary:
/// availability of a slot = A·Az, slots independent.
#[test]
fn two_of_three_with_zone_outages_is_stationary() {
    let text = format!(
        r#"
        [simulation]
        horizon = "90d"
        trials = 20000
        seed = 12
        initial = "steady-state"
        [regions.r]
        zones = ["a", "b", "c"]
        zone_outage = {{ every = {{ type = "weibull", shape = 1.5, mean = "2000h" }}, duration = "6h" }}
        {DISK}
        count = 3
        zones = ["a", "b", "c"]
        [services.app]
        up_when = {{ at_least = 2, of = ["disk"] }}
        "#
    );
    let r = run(&text);
    let p = weibull_lognormal_availability() * (2000.0 / 2006.0);
    let avail = 3.0 * p * p - 2.0 * p * p * p;
    assert_z("steady start, 2-of-3 with zone outages, 90 d", &downtime(&r), HOURS_PER_YEAR * (1.0 - avail));
}
