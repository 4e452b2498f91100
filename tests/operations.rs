//! Operations checked against exact results computed here: repair crews
//! (a birth–death Markov chain integrated over the year; a priority queue,
//! a chain over failed sets and the unit in repair), planned
//! maintenance (its own cause; availability with and without it; all at
//! once against rolling), hidden
//! failures found by periodic tests (the exact dead time, beside λτ/2;
//! tests that miss, by a recursion over the test intervals),
//! common-cause shocks (an alternating renewal process, per-member and
//! exactly-k hits, the β-factor form), and the documented rule for ages
//! (Weibull units through zone outages). Means and standard errors come
//! from per-trial values replayed here (`common`); |z| < 4.

mod common;

use common::{assert_ratio, assert_z, downtime, mean_se, run};
use nines::engine::{self, Happening, Observer, Scratch};
use nines::model::Model;
use nines::scenario::load_str;
use std::path::Path;

const T: f64 = 8760.0;

/// Integrates the occupation probabilities of a continuous-time Markov
/// chain with generator `q` from state 0 over [0, T] (RK4, 0.05 h steps):
/// returns p(t) at each step and ∫p dt per state.
fn integrate(q: &[Vec<f64>], mut each: impl FnMut(f64, &[f64], f64)) -> Vec<f64> {
    let n = q.len();
    let deriv = |p: &[f64]| -> Vec<f64> { (0..n).map(|j| (0..n).map(|i| p[i] * q[i][j]).sum()).collect() };
    let dt = 0.05;
    let steps = (T / dt).round() as usize;
    let mut p = vec![0.0; n];
    p[0] = 1.0;
    let mut total = vec![0.0; n];
    for k in 0..steps {
        let t = k as f64 * dt;
        let k1 = deriv(&p);
        let p2: Vec<f64> = (0..n).map(|i| p[i] + 0.5 * dt * k1[i]).collect();
        let k2 = deriv(&p2);
        let p3: Vec<f64> = (0..n).map(|i| p[i] + 0.5 * dt * k2[i]).collect();
        let k3 = deriv(&p3);
        let p4: Vec<f64> = (0..n).map(|i| p[i] + dt * k3[i]).collect();
        let k4 = deriv(&p4);
        let next: Vec<f64> = (0..n).map(|i| p[i] + dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i])).collect();
        // Trapezoid over the step for the integrals and the callback.
        let mid: Vec<f64> = (0..n).map(|i| 0.5 * (p[i] + next[i])).collect();
        each(t + 0.5 * dt, &mid, dt);
        for i in 0..n {
            total[i] += mid[i] * dt;
        }
        p = next;
    }
    total
}

/// Generator of "failed units" 0, 1, 2 for two units failing at `l` each,
/// repaired at `m` by each of `crew` members.
fn two_units(l: f64, m: f64, crew: usize) -> Vec<Vec<f64>> {
    let down = |k: usize| m * k.min(crew) as f64;
    let mut q = vec![vec![0.0; 3]; 3];
    q[0][1] = 2.0 * l;
    q[1][2] = l;
    q[1][0] = down(1);
    q[2][1] = down(2);
    for (i, row) in q.iter_mut().enumerate() {
        row[i] = -row.iter().sum::<f64>();
    }
    q
}

const PAIR: &str = r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 16

[crews.ops]
size = SIZE

[components.s]
count = 2
mttf = "100h"
mttr = "10h"
CREW

[services.pair]
up_when = { at_least = 1, of = ["s"] }
"#;

fn pair(size: usize, crew: bool) -> String {
    PAIR.replace("SIZE", &size.to_string()).replace("CREW", if crew { "crew = \"ops\"" } else { "" })
}

#[test]
fn one_shared_crew_against_its_markov_chain() {
    let (l, m) = (0.01, 0.1);
    let q = two_units(l, m, 1);
    // Expected waiting (truncated at the horizon) and requests, integrated
    // along the chain: a failure in state 1 waits for the repair under way.
    let (mut wait, mut requests) = (0.0, 0.0);
    let p = integrate(&q, |t, p, dt| {
        requests += (2.0 * l * p[0] + l * p[1]) * dt;
        wait += l * p[1] * (1.0 - (-m * (T - t)).exp()) / m * dt;
    });
    let r = run(&pair(1, true));
    assert_z("shared crew: downtime h/yr", &downtime(&r), p[2]);
    let util = r.per_trial(|t| t.crews[0].busy_hours / T);
    assert_z("shared crew: utilisation", &util, (p[1] + p[2]) / T);
    let queue = r.per_trial(|t| t.crews[0].queue_hours);
    let reqs = r.per_trial(|t| f64::from(t.crews[0].requests));
    let per: Vec<(f64, f64)> = queue.into_iter().zip(reqs).collect();
    assert_ratio("shared crew: queueing h per repair", &per, wait / requests);
    // The report shows the same figures.
    let ops = r.operations.as_ref().expect("operations reported");
    let (u, _) = mean_se(&r.per_trial(|t| t.crews[0].busy_hours / T));
    assert!((ops.crews[0].utilisation.mean - u).abs() < 1e-12);
    assert!(ops.crews[0].queue_hours_per_repair.mean > 0.5, "a shared crew queues");
}

#[test]
fn independent_crews_against_their_markov_chain() {
    let (l, m) = (0.01, 0.1);
    let q = two_units(l, m, 2);
    let p = integrate(&q, |_, _, _| {});
    let shared = integrate(&two_units(l, m, 1), |_, _, _| {});
    for (what, text) in [("no crew", pair(1, false)), ("crew of two", pair(2, true))] {
        let r = run(&text);
        assert_z(&format!("{what}: downtime h/yr"), &downtime(&r), p[2]);
        if what == "crew of two" {
            let util = r.per_trial(|t| t.crews[0].busy_hours / (2.0 * T));
            assert_z("crew of two: utilisation", &util, (p[1] + 2.0 * p[2]) / (2.0 * T));
            assert!(r.trials.iter().all(|t| t.crews[0].queue_hours == 0.0), "two members never queue");
        }
    }
    assert!(shared[2] > 1.8 * p[2], "one shared crew nearly doubles the downtime: {} vs {}", shared[2], p[2]);
}

const MAINTAINED: &str = r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 3

[components.a]
mttf = "1000000y"
mttr = "1h"
maintenance = { every = "720h", duration = "2h" }

[components.b]
mttf = "1000h"
mttr = "10h"

[services.both]
up_when = { all = ["a", "b"] }
"#;

/// Generator of three units (failure `l`, repair `m` each) sharing one crew
/// member who, when free, takes the waiting unit of lowest `rank` (a
/// permutation of 0, 1, 2): states are (failed set, unit in repair), state
/// 0 all up. Returns the generator and, per state, whether unit 0 is down.
fn three_ranked(l: f64, m: f64, rank: [usize; 3]) -> (Vec<Vec<f64>>, Vec<bool>) {
    let mut states: Vec<(u8, usize)> = vec![(0, 0)];
    for mask in 1u8..8 {
        for u in (0..3).filter(|u| mask & (1 << u) != 0) {
            states.push((mask, u));
        }
    }
    let index = |st: (u8, usize)| states.iter().position(|&x| x == st).unwrap();
    let mut q = vec![vec![0.0; states.len()]; states.len()];
    for (i, &(mask, serving)) in states.iter().enumerate() {
        for u in (0..3).filter(|u| mask & (1 << u) == 0) {
            let next = mask | (1 << u);
            q[i][index((next, if mask == 0 { u } else { serving }))] += l;
        }
        if mask != 0 {
            let rest = mask & !(1 << serving);
            let next = (0..3).filter(|u| rest & (1 << u) != 0).min_by_key(|&u| rank[u]).unwrap_or(0);
            q[i][index((rest, next))] += m;
        }
    }
    for (i, row) in q.iter_mut().enumerate() {
        row[i] = -row.iter().sum::<f64>();
    }
    let down = states.iter().map(|&(mask, _)| mask & 1 != 0).collect();
    (q, down)
}

/// A crew with `queue = "priority"` repairs the waiting component of lowest
/// `priority` first: the service that needs only `a` is down as long as
/// the chain says, with `a` first and with `a` last, and the two differ.
#[test]
fn priority_queue_against_its_markov_chain() {
    let (l, m) = (0.02, 0.05);
    let text = |pa: u32, pb: u32, pc: u32| {
        let mut t = String::from(
            "[simulation]\nhorizon = \"1y\"\ntrials = 3000\nseed = 21\n[crews.ops]\nsize = 1\nqueue = \"priority\"\n",
        );
        for (name, p) in [("a", pa), ("b", pb), ("c", pc)] {
            t += &format!("[components.{name}]\nmttf = \"50h\"\nmttr = \"20h\"\ncrew = \"ops\"\npriority = {p}\n");
        }
        t + "[services.site]\nup_when = \"a\"\n"
    };
    let mut exact = Vec::new();
    for (rank, (pa, pb, pc)) in [([0, 1, 2], (1, 2, 3)), ([2, 0, 1], (3, 1, 2))] {
        let (q, down) = three_ranked(l, m, rank);
        let total = integrate(&q, |_, _, _| {});
        let a_down: f64 = total.iter().zip(&down).filter(|(_, d)| **d).map(|(p, _)| p).sum();
        let r = run(&text(pa, pb, pc));
        assert_z(&format!("priority a={pa}: downtime of a h/yr"), &downtime(&r), a_down);
        exact.push(a_down);
    }
    // 11% apart, each measured to 0.15%: an engine that ignored the
    // priorities would miss both by far more than 4 standard errors.
    assert!(exact[1] > 1.08 * exact[0], "a last waits longer than a first: {exact:?}");
}

#[test]
fn maintenance_is_its_own_cause_and_availability_is_reported_without_it() {
    let (l, m) = (0.001, 0.1);
    let s = l + m;
    let pb = |t: f64| l / s * (1.0 - (-s * t).exp());
    let int_pb = |a: f64, b: f64| l / s * ((b - a) - ((-s * a).exp() - (-s * b).exp()) / s);
    let rounds: Vec<f64> = (1..=12).map(|k| 720.0 * f64::from(k)).collect();
    let d = 2.0;
    // Total: a is out 2 h a round; otherwise down when b is.
    let total = rounds.len() as f64 * d + int_pb(0.0, T) - rounds.iter().map(|&t| int_pb(t, t + d)).sum::<f64>();
    // Planned: an outage starts with a round when b is up; it lasts 2 h,
    // or until b's repair if b fails during it.
    let length = d + l / m * (-d * m).exp() * ((d * (m - l)).exp() - 1.0) / (m - l);
    let planned: f64 = rounds.iter().map(|&t| (1.0 - pb(t)) * length).sum();

    let r = run(MAINTAINED);
    let cause = r.model.maintenance_cause(0);
    let per_planned = r.per_trial(|t| t.outages.iter().filter(|o| o.2 == cause).map(|o| o.1).sum::<f64>() / r.years());
    assert_z("maintenance: total downtime h/yr", &downtime(&r), total);
    assert_z("maintenance: planned downtime h/yr", &per_planned, planned);
    let unplanned: Vec<f64> = downtime(&r).iter().zip(&per_planned).map(|(a, b)| a - b).collect();
    assert_z("maintenance: unplanned downtime h/yr", &unplanned, total - planned);
    let p = r.operations.as_ref().and_then(|o| o.planned.as_ref()).expect("planned work reported");
    let (mean_unplanned, _) = mean_se(&unplanned);
    assert!((p.availability_excluding_planned.mean - (1.0 - mean_unplanned / T)).abs() < 1e-12);
    assert!(p.availability_excluding_planned.mean > r.availability.mean);
    assert!(r.causes.iter().any(|c| c.kind == "maintenance" && c.name == "a"));
}

/// `rolling = false` maintains every replica at once: a pair that never
/// fails is down exactly 12 rounds × 2 h a year, all of it planned; rolling
/// (the default) takes one replica at a time and the pair never goes down.
#[test]
fn maintenance_all_at_once_against_rolling() {
    let text = |rolling: &str| {
        format!(
            "[simulation]\nhorizon = \"1y\"\ntrials = 50\nseed = 5\n[components.web]\ncount = 2\nmttf = \"1000000y\"\nmttr = \"1h\"\nmaintenance = {{ every = \"720h\", duration = \"2h\"{rolling} }}\n[services.site]\nup_when = {{ at_least = 1, of = [\"web\"] }}\n"
        )
    };
    let at_once = run(&text(", rolling = false"));
    let cause = at_once.model.maintenance_cause(0);
    for t in &at_once.trials {
        let planned: f64 = t.outages.iter().filter(|o| o.2 == cause).map(|o| o.1).sum();
        assert_eq!(t.outages.len(), 12, "one outage a round");
        assert!(
            (planned - 24.0).abs() < 1e-9 && (t.summary.downtime - 24.0).abs() < 1e-9,
            "{planned} h planned, {} h down",
            t.summary.downtime
        );
    }
    let rolling = run(&text(""));
    assert!(rolling.trials.iter().all(|t| t.summary.downtime == 0.0 && t.outages.is_empty()));
    let units: f64 = rolling.operations.as_ref().unwrap().maintenance[0].units_per_year.mean;
    assert_eq!(units, 24.0, "both replicas, one after the other, each round");
}

/// Records the hidden-failure unit's down time from the happenings.
#[derive(Default)]
struct DownTime {
    unit: u32,
    depth: i32,
    since: f64,
    hours: f64,
}

impl Observer for DownTime {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
    fn happened(&mut self, t: f64, what: Happening) {
        let step = match what {
            Happening::Failed(u) | Happening::FailedSilently(u) | Happening::TestStarted(u) if u == self.unit => 1,
            Happening::Repaired(u) | Happening::TestEnded(u) if u == self.unit => -1,
            _ => 0,
        };
        if step == 1 && self.depth == 0 {
            self.since = t;
        }
        self.depth += step;
        if step == -1 && self.depth == 0 {
            self.hours += t - self.since;
        }
    }
}

const LATENT: &str = r#"
[simulation]
horizon = "1y"
trials = 3000
seed = 11

[components.primary]
mttf = "1000000y"
mttr = "1h"

[components.backup]
mttf = "2000h"
mttr = "1s"
latent = "100%"
test = { every = "1000h", duration = "DURATION" }

[services.site]
up_when = { at_least = 1, of = ["primary", "backup"] }
"#;

/// E[time failed within a window of length w that starts with the unit up
/// and ends at its check] = w − (1 − e^{−λw})/λ.
fn dead(l: f64, w: f64) -> f64 {
    w - (1.0 - (-l * w).exp()) / l
}

#[test]
fn periodic_tests_against_the_exact_dead_time() {
    let (l, tau, delta) = (1.0 / 2000.0, 1000.0, 50.0);
    let r = run(&LATENT.replace("DURATION", &format!("{delta}h")));
    // Tests at 1000 h, …, 8000 h end 50 h later, finding what failed since
    // the previous end; after the last one the year ends at 8760 h.
    let last = T - (8.0 * tau + delta);
    let hidden = dead(l, tau + delta) + 7.0 * dead(l, tau) + dead(l, last);
    let per_hidden = r.per_trial(|t| t.latent[0].hidden_hours / T);
    eprintln!(
        "λτ/2 = {:.4}, exact without the year's edges 1 − (1 − e^(−λτ))/(λτ) = {:.4}",
        l * tau / 2.0,
        dead(l, tau) / tau
    );
    assert_z("hidden fraction of the tested unit", &per_hidden, hidden / T);

    // Unavailability of the tested unit, the test's own duration included:
    // per interval τ − (1 − e^{−λ(τ−δ)})/λ, plus the repairs (1 s each).
    let found = (1.0 - (-l * tau).exp()) * 8.0;
    let down = dead(l, tau) + delta + 7.0 * (dead(l, tau - delta) + delta) + dead(l, last) + found / 3600.0;
    let model = &r.model;
    let backup = model.components.iter().find(|c| c.name == "backup").expect("backup").first_unit;
    let mut scratch = Scratch::new(model);
    let per_down: Vec<f64> = (0..model.trials)
        .map(|k| {
            let mut rec = DownTime { unit: backup, ..DownTime::default() };
            engine::run_trial(model, k, &mut scratch, &mut rec);
            if rec.depth > 0 {
                rec.hours += T - rec.since;
            }
            rec.hours / T
        })
        .collect();
    assert_z("unavailability of the tested unit (test duration included)", &per_down, down / T);
}

/// A test that misses a hidden failure with probability m leaves it hidden
/// until a later test: per interval, from up the hidden time is the dead
/// time and the unit ends failed with probability 1 − e^{−λw}; from failed
/// it is the whole interval; at each test a failure stays hidden with
/// probability m. Summed over the year's eight tests and its tail.
#[test]
fn tests_that_miss_against_the_interval_recursion() {
    let (l, tau, m) = (1.0 / 2000.0, 1000.0, 0.3);
    let text = LATENT.replace(r#", duration = "DURATION" }"#, r#", miss = "30%" }"#);
    let r = run(&text);
    let mut hidden_prob = 0.0; // P(failed and hidden) at the start of an interval
    let mut hidden = 0.0;
    let mut start = 0.0;
    while start < T {
        let w = (T - start).min(tau);
        hidden += (1.0 - hidden_prob) * dead(l, w) + hidden_prob * w;
        let failed = (1.0 - hidden_prob) * (1.0 - (-l * w).exp()) + hidden_prob;
        hidden_prob = failed * m;
        start += tau;
    }
    let per_hidden = r.per_trial(|t| t.latent[0].hidden_hours / T);
    assert_z("hidden fraction with tests that miss 30%", &per_hidden, hidden / T);
    // Tests that never miss hide less: the same recursion with m = 0.
    let never = dead(l, tau) * 8.0 + dead(l, T - 8.0 * tau);
    assert!(hidden > never * 1.2, "the recursion itself: {hidden} vs {never}");
}

/// P(Γ(n, ν) ≤ x): the n-th event of a Poisson process of rate ν by x.
fn gamma_cdf(nu: f64, n: u32, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let (mut term, mut sum) = ((-nu * x).exp(), 0.0);
    for j in 0..n {
        if j > 0 {
            term *= nu * x / f64::from(j);
        }
        sum += term;
    }
    1.0 - sum
}

/// E[time within [0, T) spent in the rollback of an alternating process:
/// quiet Exp(ν), then rollback r]: Σₙ ∫₀ʳ P(Sₙ ≤ T − u) du with Sₙ =
/// Γ(n, ν) + (n − 1)r the start of the n-th rollback (Simpson in u).
fn rollback_hours(nu: f64, r: f64) -> f64 {
    let steps = 200;
    let mut total = 0.0;
    for n in 1..400u32 {
        let start = f64::from(n - 1) * r;
        let mut integral = 0.0;
        for i in 0..=steps {
            let u = r * f64::from(i) / f64::from(steps);
            let w = if i == 0 || i == steps {
                1.0
            } else if i % 2 == 1 {
                4.0
            } else {
                2.0
            };
            integral += w * gamma_cdf(nu, n, T - u - start);
        }
        integral *= r / f64::from(steps) / 3.0;
        total += integral;
        if integral < 1e-12 {
            break;
        }
    }
    total
}

/// Σₙ P(Sₙ < T): expected strikes within the year.
fn strikes(nu: f64, r: f64) -> f64 {
    (1..400u32).map(|n| gamma_cdf(nu, n, T - f64::from(n - 1) * r)).sum()
}

const SHOCK: &str = r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 5

[components.x]
count = 3
mttf = "1000000y"
mttr = "1h"

[shocks.deploy]
components = ["x"]
rate = "12/y"
HITS
rollback = "2h"

[services.quorum]
up_when = { at_least = 2, of = ["x"] }
"#;

#[test]
fn shocks_against_the_alternating_renewal_process() {
    let (nu, rb) = (12.0 / T, 2.0);
    let rollback = rollback_hours(nu, rb);
    // Each member with p = 50%: the quorum is lost when 2 or 3 are hit.
    let p = 0.5f64;
    let lost = 3.0 * p * p * (1.0 - p) + p.powi(3);
    let r = run(&SHOCK.replace("HITS", "probability = \"50%\""));
    assert_z("shock, each member at 50%: downtime h/yr", &downtime(&r), lost * rollback);
    assert_z("shock: strikes/yr", &r.per_trial(|t| f64::from(t.shocks[0].shocks)), strikes(nu, rb));
    assert!(r.causes.iter().all(|c| c.kind == "shock"), "only the shock takes the quorum down");
    // Exactly 2 of 3: every strike takes the quorum down.
    let r = run(&SHOCK.replace("HITS", "exactly = 2"));
    assert_z("shock, exactly 2 of 3: downtime h/yr", &downtime(&r), rollback);
    assert!(r.trials.iter().all(|t| t.shocks[0].hits == 2 * t.shocks[0].shocks));
    // Exactly 1 of 3: never.
    let r = run(&SHOCK.replace("HITS", "exactly = 1"));
    assert_eq!(r.downtime_hours.mean, 0.0);
}

const BETA: &str = r#"
[simulation]
horizon = "1y"
trials = 2000
seed = 9

[components.x]
count = 2
mttf = "1000h"
mttr = "10h"

[shocks.ccf]
components = ["x"]
beta = "10%"
rollback = "4h"

[services.pair]
up_when = { at_least = 1, of = ["x"] }
"#;

#[test]
fn beta_factor_moves_a_share_of_the_rate_to_the_shock() {
    let (l, beta) = (1.0 / 1000.0, 0.1);
    let r = run(BETA);
    assert_z("β form: strikes/yr", &r.per_trial(|t| f64::from(t.shocks[0].shocks)), strikes(beta * l, 4.0));
    // Each member keeps (1 − β)λ of its own: with the shock's stream
    // apart, its failures per year are those of a unit failing at (1 − β)λ
    // repaired at μ (its shock downtime does not stop its clock).
    let model = &r.model;
    let x = model.components.iter().find(|c| c.name == "x").expect("x");
    let rate = match model.dists[x.failure as usize] {
        nines::dist::Dist::Exponential { rate, .. } => rate,
        ref d => panic!("expected an exponential, got {d:?}"),
    };
    assert!((rate - (1.0 - beta) * l).abs() < 1e-15, "member rate {rate}");
    assert!(r.operations.as_ref().is_some_and(|o| o.shocks[0].beta == Some(beta)));
}

/// Times of unit 0's own failures, per trial.
#[derive(Default)]
struct Failures {
    times: Vec<f64>,
    zone: Vec<(f64, bool)>,
}

impl Observer for Failures {
    fn outage(&mut self, _: f64, _: f64, _: u32) {}
    fn happened(&mut self, t: f64, what: Happening) {
        match what {
            Happening::Failed(0) => self.times.push(t),
            Happening::ZoneDown(_) => self.zone.push((t, true)),
            Happening::ZoneUp(_) => self.zone.push((t, false)),
            _ => {}
        }
    }
}

fn failures(model: &Model, trial: u64) -> Failures {
    let mut f = Failures::default();
    engine::run_trial(model, trial, &mut Scratch::new(model), &mut f);
    f
}

const AGES: &str = r#"
[simulation]
horizon = "1y"
trials = 300
seed = 21

[regions.r]
zones = ["z"]
OUTAGE

[components.w]
zone = "z"
failure = { type = "weibull", shape = 3, scale = "3000h" }
mttr = "5h"
PAUSE

[services.s]
up_when = "w"
"#;

fn ages_model(outage: bool, pause: bool) -> Model {
    let text = AGES
        .replace("OUTAGE", if outage { "zone_outage = { rate = \"20/y\", duration = \"50h\" }" } else { "" })
        .replace("PAUSE", if pause { "ages_during_outages = false" } else { "" });
    load_str(Path::new("ages.toml"), &text, &[]).unwrap_or_else(|e| panic!("{e}")).variants.remove(0)
}

#[test]
fn zone_outages_leave_weibull_clocks_alone_unless_told_to_stop_them() {
    let calm = ages_model(false, false);
    let stormy = ages_model(true, false);
    let paused = ages_model(true, true);
    let mut shifted = 0;
    for k in 0..calm.trials {
        // Default: a unit keeps its age through zone outages, so with its
        // own stream it fails at the same instants with or without them
        // (redrawing clocks at zone events would move every one).
        let a = failures(&calm, k);
        let b = failures(&stormy, k);
        assert_eq!(a.times, b.times, "trial {k}: zone outages moved the unit's failures");
        // `ages_during_outages = false`: the first failure comes later by
        // the zone outage time before it (the clock stood still).
        let c = failures(&paused, k);
        let Some(&first) = a.times.first() else { continue };
        let (mut clock, mut wall, mut down_since) = (0.0, 0.0, None);
        let mut expected = None;
        for &(t, down) in &b.zone {
            match (down, down_since) {
                (true, None) => {
                    if clock + (t - wall) >= first {
                        break;
                    }
                    clock += t - wall;
                    wall = t;
                    down_since = Some(t);
                }
                (false, Some(_)) => {
                    wall = t;
                    down_since = None;
                }
                _ => {}
            }
        }
        if down_since.is_none() {
            expected = Some(wall + (first - clock));
        }
        if let (Some(e), Some(&got)) = (expected, c.times.first())
            && e < T
        {
            assert!((e - got).abs() < 1e-6, "trial {k}: paused clock fails at {got}, expected {e}");
            shifted += usize::from(e > first + 1e-9);
        }
    }
    assert!(shifted > 20, "too few trials had a zone outage before the first failure: {shifted}");
}

const HOURS: &str = r#"
[simulation]
horizon = "250h"
trials = 1
seed = 1
START

[crews.day]
size = 1
hours = "weekdays 09:00-17:00"
ONCALL

[components.u]
failure = { type = "fixed", value = "100h" }
repair = { type = "fixed", value = "1h" }
crew = "day"

[services.s]
up_when = "u"
"#;

/// The crew's figures and the outages' lengths of the one trial.
fn hours_run(start: &str, oncall: &str) -> (engine::CrewTrial, Vec<f64>) {
    let r = run(&HOURS.replace("START", start).replace("ONCALL", oncall));
    (r.trials[0].crews[0], r.trials[0].outages.iter().map(|o| o.1).collect())
}

#[test]
fn working_hours_on_call_and_start_time_place_repairs_exactly() {
    // t = 0 is Monday 00:00: the failure at 100 h (Friday 04:00) waits for
    // 09:00, is repaired at 106 h; the next, at 206 h (Tuesday 14:00), at once.
    let (c, down) = hours_run("", "");
    assert_eq!((c.requests, c.queue_hours, c.busy_hours, c.response_hours), (2, 5.0, 2.0, 0.0));
    assert_eq!(down, [6.0, 1.0]);
    // On call out of hours: 30 min response instead of the wait.
    let (c, down) = hours_run("", "after_hours = \"30m\"");
    assert_eq!((c.requests, c.queue_hours, c.busy_hours, c.response_hours), (2, 0.0, 2.5, 0.5));
    assert_eq!(down, [1.5, 1.0], "the response comes out of hours only");
    // Starting on Friday 08:00: 100 h later is Tuesday 12:00, in hours;
    // the next failure, at 201 h, is Saturday 17:00 and waits 40 h for
    // Monday 09:00.
    let (c, _) = hours_run("start = \"2026-03-06 08:00\"", "");
    assert_eq!((c.requests, c.queue_hours), (2, 40.0));
}
