//! `nines validate`: the simulator checked against closed forms, from the
//! binary, so a room can see it agree with the mathematics before trusting
//! it. Each case is a scenario whose mean annual downtime is known exactly
//! ([`closed_form`]): single components, series, parallel and k-of-n
//! structures, Weibull failures with lognormal repairs, zone and region
//! outages, and fixed durations (exact to the last digit). A case passes
//! when the simulated mean is within 4 standard errors of the exact value
//! (a false alarm about once in 16 000 cases), or equals it where the model
//! is deterministic. May use: `scenario`, `runner`, `stats`, `units`.

pub mod closed_form;

use crate::error::Error;
use crate::scenario::load_str;
use crate::units::HOURS_PER_YEAR;
use closed_form::*;
use std::fmt::Write;
use std::path::Path;

/// Largest |z| a stochastic case may show and pass.
pub const MAX_Z: f64 = 4.0;

/// What a case's mean annual downtime must be.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    /// A random model: the exact mean, matched within [`MAX_Z`] standard errors.
    Mean(f64),
    /// A deterministic model: every trial gives exactly this.
    Exact(f64),
}

/// One validation case.
pub struct Case {
    /// Short name (`2c`).
    pub id: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// The closed form, in words.
    pub formula: &'static str,
    /// The scenario.
    pub scenario: String,
    /// The exact value, computed independently of the engine.
    pub expected: fn() -> Expected,
}

/// The outcome of one case.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Case id.
    pub id: &'static str,
    /// What it checks.
    pub what: &'static str,
    /// Exact mean downtime, hours per year.
    pub exact: f64,
    /// Simulated mean, hours per year.
    pub mean: f64,
    /// Its 95% interval.
    pub ci95: [f64; 2],
    /// (mean − exact) / SE; `None` for a deterministic case.
    pub z: Option<f64>,
    /// Trials run.
    pub trials: u64,
    /// Whether it passed.
    pub pass: bool,
}

/// Judges a simulated mean with standard error `se` against `expected`.
pub fn judge(expected: Expected, mean: f64, se: f64) -> (Option<f64>, bool) {
    match expected {
        Expected::Exact(x) => (None, (mean - x).abs() <= 1e-9 * x.abs().max(1.0) && se == 0.0),
        Expected::Mean(x) => {
            if se <= 0.0 {
                return (None, mean == x);
            }
            let z = (mean - x) / se;
            (Some(z), z.abs() < MAX_Z)
        }
    }
}

fn scenario(horizon: &str, trials: u64, seed: u64, body: &str) -> String {
    format!("[simulation]\nhorizon = \"{horizon}\"\ntrials = {trials}\nseed = {seed}\n{body}")
}

fn steady_weibull_lognormal() -> Expected {
    // Weibull(shape 2, mean 1000 h) up, lognormal(median 2 h, p99 20 h) down,
    // over 100 y: renewal-reward, less the start-from-new correction.
    let gamma_1_5 = std::f64::consts::PI.sqrt() / 2.0;
    let scale = 1000.0 / gamma_1_5;
    let (eu, eu2) = (1000.0, scale * scale);
    let mu = 2.0f64.ln();
    let sigma = 10.0f64.ln() / 2.326_347_874_040_840_8;
    let (er, er2) = ((mu + sigma * sigma / 2.0).exp(), (2.0 * mu + 2.0 * sigma * sigma).exp());
    let (ec, ec2) = (eu + er, eu2 + er2 + 2.0 * eu * er);
    let a = eu / ec;
    let c = a * (ec2 / (2.0 * ec) - eu2 / (2.0 * eu));
    Expected::Mean(HOURS_PER_YEAR * (1.0 - a) - c / 100.0)
}

fn zone_cells() -> Expected {
    let (zone, h) = avail_fixed_outage(2.0 / HOURS_PER_YEAR, 8.0, HOURS_PER_YEAR, 96);
    let down: Vec<f64> = zone
        .iter()
        .enumerate()
        .map(|(i, &z)| {
            let u = 1.0 - avail_exp(500.0, 10.0, i as f64 * h);
            let c = z * (1.0 - u * u);
            1.0 - (3.0 * c * c - 2.0 * c * c * c)
        })
        .collect();
    Expected::Mean(simpson_table(&down, h))
}

fn zones_and_region() -> Expected {
    let (zone_c, h) = avail_fixed_outage(4.0 / HOURS_PER_YEAR, 8.0, HOURS_PER_YEAR, 96);
    let down: Vec<f64> = zone_c
        .iter()
        .enumerate()
        .map(|(i, &zc)| {
            let t = i as f64 * h;
            let a = avail_exp(300.0, 10.0, t);
            let zab = avail_exp(HOURS_PER_YEAR / 2.0, 8.0, t);
            let region = avail_exp(HOURS_PER_YEAR / 0.5, 4.0, t);
            let ab = zone_count_dist(zab, a, 2);
            let all = convolve(&convolve(&ab, &ab), &zone_count_dist(zc, a, 2));
            1.0 - region * at_least(&all, 4)
        })
        .collect();
    Expected::Mean(simpson_table(&down, h))
}

fn fixed_series() -> Expected {
    let a = fixed_intervals(100.0, 50.0, 8760.0);
    let b = fixed_intervals(203.0, 31.0, 8760.0);
    let in_any = |iv: &[(f64, f64)], t: f64| iv.iter().any(|&(s, e)| s < t && t < e);
    let points: Vec<f64> = a.iter().chain(&b).flat_map(|&(s, e)| [s, e]).collect();
    Expected::Exact(sweep(&points, 8760.0, |t| in_any(&a, t) || in_any(&b, t)).0)
}

/// Every case, in order.
pub fn cases() -> Vec<Case> {
    let one = |mttf: &str, mttr: &str| {
        format!("[components.box]\nmttf = \"{mttf}\"\nmttr = \"{mttr}\"\n[services.app]\nup_when = \"box\"\n")
    };
    vec![
        Case {
            id: "1a",
            what: "one exponential component, 1 year",
            formula: "λ/(λ+μ)·T − λ/(λ+μ)²·(1 − e^{−(λ+μ)T})",
            scenario: scenario("1y", 40_000, 101, &one("1000h", "10h")),
            expected: || Expected::Mean(downtime_exp(1000.0, 10.0, HOURS_PER_YEAR)),
        },
        Case {
            id: "1b",
            what: "one exponential component, 100 years (steady state)",
            formula: "8760·MTTR/(MTTF+MTTR) less the start-up transient",
            scenario: scenario("100y", 2048, 102, &one("1000h", "10h")),
            expected: || Expected::Mean(downtime_exp(1000.0, 10.0, 100.0 * HOURS_PER_YEAR) / 100.0),
        },
        Case {
            id: "2a",
            what: "series of two different components",
            formula: "∫(1 − a₁a₂) dt",
            scenario: scenario(
                "1y",
                30_000,
                201,
                "[components.a]\nmttf = \"1000h\"\nmttr = \"10h\"\n[components.b]\nmttf = \"300h\"\nmttr = \"30h\"\n[services.app]\nup_when = { all = [\"a\", \"b\"] }\n",
            ),
            expected: || Expected::Mean(structure_downtime(|t| avail_exp(1000.0, 10.0, t) * avail_exp(300.0, 30.0, t))),
        },
        Case {
            id: "2b",
            what: "parallel of two different components",
            formula: "∫(1−a₁)(1−a₂) dt",
            scenario: scenario(
                "1y",
                30_000,
                202,
                "[components.a]\nmttf = \"200h\"\nmttr = \"20h\"\n[components.b]\nmttf = \"150h\"\nmttr = \"40h\"\n[services.app]\nup_when = { any = [\"a\", \"b\"] }\n",
            ),
            expected: || {
                Expected::Mean(structure_downtime(|t| {
                    1.0 - (1.0 - avail_exp(200.0, 20.0, t)) * (1.0 - avail_exp(150.0, 40.0, t))
                }))
            },
        },
        Case {
            id: "2c",
            what: "2 of 3 identical servers",
            formula: "∫(1 − 3a² + 2a³) dt",
            scenario: scenario(
                "1y",
                100_000,
                203,
                "[components.server]\ncount = 3\nmttf = \"1000h\"\nmttr = \"10h\"\n[services.quorum]\nup_when = { at_least = 2, of = [\"server\"] }\n",
            ),
            expected: || {
                Expected::Mean(structure_downtime(|t| {
                    let a = avail_exp(1000.0, 10.0, t);
                    3.0 * a * a - 2.0 * a * a * a
                }))
            },
        },
        Case {
            id: "2d",
            what: "2 of 3 different servers",
            formula: "∫(1 − (a₁a₂ + a₁a₃ + a₂a₃ − 2a₁a₂a₃)) dt",
            scenario: scenario(
                "1y",
                30_000,
                204,
                "[components.x]\nmttf = \"500h\"\nmttr = \"25h\"\n[components.y]\nmttf = \"300h\"\nmttr = \"20h\"\n[components.z]\nmttf = \"800h\"\nmttr = \"50h\"\n[services.quorum]\nup_when = { at_least = 2, of = [\"x\", \"y\", \"z\"] }\n",
            ),
            expected: || {
                Expected::Mean(structure_downtime(|t| {
                    let (a1, a2, a3) =
                        (avail_exp(500.0, 25.0, t), avail_exp(300.0, 20.0, t), avail_exp(800.0, 50.0, t));
                    a1 * a2 + a1 * a3 + a2 * a3 - 2.0 * a1 * a2 * a3
                }))
            },
        },
        Case {
            id: "2e",
            what: "nested services: a load balancer and 2 of 3 web servers",
            formula: "∫(1 − a_lb(3a² − 2a³)) dt",
            scenario: scenario(
                "1y",
                30_000,
                205,
                "[components.lb]\nmttf = \"2000h\"\nmttr = \"4h\"\n[components.web]\ncount = 3\nmttf = \"200h\"\nmttr = \"20h\"\n[services.tier]\nup_when = { at_least = 2, of = [\"web\"] }\n[services.app]\nup_when = { all = [\"lb\", \"tier\"] }\n",
            ),
            expected: || {
                Expected::Mean(structure_downtime(|t| {
                    let a = avail_exp(200.0, 20.0, t);
                    avail_exp(2000.0, 4.0, t) * (3.0 * a * a - 2.0 * a * a * a)
                }))
            },
        },
        Case {
            id: "3",
            what: "Weibull failures, lognormal repairs, 100 years",
            formula: "renewal-reward 8760·E[R]/(E[U]+E[R]) less the start-from-new correction",
            scenario: scenario(
                "100y",
                2048,
                301,
                "[components.disk]\nfailure = { type = \"weibull\", shape = 2, mean = \"1000h\" }\nrepair = { type = \"lognormal\", median = \"2h\", p99 = \"20h\" }\n[services.app]\nup_when = \"disk\"\n",
            ),
            expected: steady_weibull_lognormal,
        },
        Case {
            id: "4a",
            what: "2 of 3 zone cells, zone outages 2 a year of exactly 8 h",
            formula: "cell A_z(t)(1 − u(t)²), service 3c² − 2c³, integrated",
            scenario: scenario(
                "1y",
                200_000,
                401,
                "[regions.r]\nzones = [\"a\", \"b\", \"c\"]\nzone_outage = { rate = \"2/y\", duration = \"8h\" }\n[components.web-a]\ncount = 2\nzone = \"a\"\nmttf = \"500h\"\nmttr = \"10h\"\n[components.web-b]\ncount = 2\nzone = \"b\"\nmttf = \"500h\"\nmttr = \"10h\"\n[components.web-c]\ncount = 2\nzone = \"c\"\nmttf = \"500h\"\nmttr = \"10h\"\n[services.cell-a]\nup_when = { any = [\"web-a\"] }\n[services.cell-b]\nup_when = { any = [\"web-b\"] }\n[services.cell-c]\nup_when = { any = [\"web-c\"] }\n[services.app]\nup_when = { at_least = 2, of = [\"cell-a\", \"cell-b\", \"cell-c\"] }\n",
            ),
            expected: zone_cells,
        },
        Case {
            id: "4c",
            what: "4 of 6 over three zones, plus region outages",
            formula: "A_r(t)·P(≥ 4 in service), counts convolved per zone",
            scenario: scenario(
                "1y",
                100_000,
                403,
                "[regions.r]\nzones = [\"a\", \"b\", \"c\"]\nzone_outage = { rate = \"2/y\", duration = { type = \"exponential\", mean = \"8h\" } }\noutage = { rate = \"0.5/y\", duration = { type = \"exponential\", mean = \"4h\" } }\n[zones.c]\noutage = { rate = \"4/y\", duration = \"8h\" }\n[components.web]\ncount = 6\nzones = [\"a\", \"b\", \"c\"]\nmttf = \"300h\"\nmttr = \"10h\"\n[services.app]\nup_when = { at_least = 4, of = [\"web\"] }\n",
            ),
            expected: zones_and_region,
        },
        Case {
            id: "5a",
            what: "fixed 1000 h up, 10 h down",
            formula: "8 failures at 1010k − 10: exactly 80 h",
            scenario: scenario(
                "8760h",
                1000,
                501,
                "[components.clock]\nfailure = \"1000h\"\nrepair = \"10h\"\n[services.app]\nup_when = \"clock\"\n",
            ),
            expected: || Expected::Exact(80.0),
        },
        Case {
            id: "5b",
            what: "fixed 1000 h up, 100 h down, cut at the horizon",
            formula: "7 × 100 h + 60 h = 760 h",
            scenario: scenario(
                "1y",
                1000,
                502,
                "[components.clock]\nfailure = \"1000h\"\nrepair = \"100h\"\n[services.app]\nup_when = \"clock\"\n",
            ),
            expected: || Expected::Exact(760.0),
        },
        Case {
            id: "5c",
            what: "two fixed alternations in series",
            formula: "measure of the union of their down intervals",
            scenario: scenario(
                "8760h",
                600,
                503,
                "[components.a]\nfailure = \"100h\"\nrepair = \"50h\"\n[components.b]\nfailure = \"203h\"\nrepair = \"31h\"\n[services.app]\nup_when = { all = [\"a\", \"b\"] }\n",
            ),
            expected: fixed_series,
        },
    ]
}

/// Runs one case with `trials_scale` times its trials (at least 100) on
/// `pool`.
pub fn run_case(case: &Case, trials_scale: f64, pool: &rayon::ThreadPool) -> Result<Outcome, Error> {
    let trials = |t: i64| ((t as f64 * trials_scale).round() as i64).max(100);
    let doc: toml::Table = toml::from_str(&case.scenario).map_err(|e| Error::Runtime(e.to_string()))?;
    let base = doc.get("simulation").and_then(|s| s.get("trials")).and_then(toml::Value::as_integer).unwrap_or(1000);
    let expected = (case.expected)();
    // A deterministic case gives the same in every trial: no need for more.
    let n = if matches!(expected, Expected::Exact(_)) { base } else { trials(base) };
    let s = load_str(
        Path::new(&format!("validate-{}.toml", case.id)),
        &case.scenario,
        &[("simulation.trials", toml::Value::Integer(n))],
    )?;
    let model = &s.variants[0];
    let stats = pool.install(|| crate::runner::run(model, &|_| {}));
    let d = &stats.downtime;
    let (mean, se) = (d.mean(), d.std_error());
    let (z, pass) = judge(expected, mean, se);
    let exact = match expected {
        Expected::Mean(x) | Expected::Exact(x) => x,
    };
    Ok(Outcome { id: case.id, what: case.what, exact, mean, ci95: d.ci95(), z, trials: stats.trials, pass })
}

/// The outcomes as a table, with a closing line.
pub fn render(outcomes: &[Outcome]) -> String {
    use crate::report::table::sig;
    let mut rows: Vec<[String; 7]> = vec![[
        "case".into(),
        "what".into(),
        "exact h/yr".into(),
        "simulated h/yr [95% CI]".into(),
        "z".into(),
        "trials".into(),
        "verdict".into(),
    ]];
    for o in outcomes {
        rows.push([
            o.id.into(),
            o.what.into(),
            format!("{:.6}", o.exact),
            format!("{:.6} [{}, {}]", o.mean, sig(o.ci95[0], 6), sig(o.ci95[1], 6)),
            o.z.map_or("exact".into(), |z| format!("{z:+.2}")),
            o.trials.to_string(),
            if o.pass { "ok".into() } else { "FAILED".into() },
        ]);
    }
    let widths: Vec<usize> = (0..7).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let failed = outcomes.iter().filter(|o| !o.pass).count();
    let _ = writeln!(
        out,
        "\n{} passed, {failed} failed. A random case passes within {MAX_Z} standard errors of the exact mean (a false alarm about once in 16 000 cases); a deterministic one must equal it.",
        outcomes.len() - failed
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_passes_within_four_standard_errors_only() {
        assert!(judge(Expected::Mean(10.0), 10.3, 0.1).1);
        assert!(!judge(Expected::Mean(10.0), 10.5, 0.1).1);
        assert!(judge(Expected::Exact(80.0), 80.0, 0.0).1);
        assert!(!judge(Expected::Exact(80.0), 80.5, 0.0).1);
        assert!(!judge(Expected::Exact(80.0), 80.0, 0.1).1, "a deterministic case with spread is wrong");
    }

    #[test]
    fn every_case_loads() {
        for c in cases() {
            load_str(Path::new("v.toml"), &c.scenario, &[]).unwrap_or_else(|e| panic!("{}: {e}", c.id));
        }
    }
}
