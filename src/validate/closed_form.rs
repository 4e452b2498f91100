//! Closed forms for availability models, independent of the engine: point
//! availabilities of two-state processes, their integrals over a horizon,
//! the count distributions of units in zones, and Simpson's rule. Shared by
//! `nines validate` and `tests/validation.rs`.

/// Composite Simpson rule over `[a, b]` with `n` (even) intervals.
pub fn simpson(f: impl Fn(f64) -> f64, a: f64, b: f64, n: usize) -> f64 {
    assert!(n % 2 == 0, "Simpson's rule needs an even number of intervals");
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

/// Composite Simpson rule over tabulated values with step `h` (odd length).
pub fn simpson_table(values: &[f64], h: f64) -> f64 {
    let n = values.len() - 1;
    assert!(n % 2 == 0, "Simpson's rule needs an odd number of values");
    let mut s = values[0] + values[n];
    for (i, v) in values.iter().enumerate().take(n).skip(1) {
        s += v * if i % 2 == 1 { 4.0 } else { 2.0 };
    }
    s * h / 3.0
}

/// Point availability at `t` of a two-state process with exponential up
/// (mean `up`) and down (mean `down`) times, up at 0:
/// μ/(λ+μ) + λ/(λ+μ)·e^{−(λ+μ)t}.
pub fn avail_exp(up: f64, down: f64, t: f64) -> f64 {
    let (l, m) = (1.0 / up, 1.0 / down);
    m / (l + m) + l / (l + m) * (-(l + m) * t).exp()
}

/// Expected downtime over [0, T] of one such process:
/// λ/(λ+μ)·T − λ/(λ+μ)²·(1 − e^{−(λ+μ)T}).
pub fn downtime_exp(up: f64, down: f64, horizon: f64) -> f64 {
    let (l, m) = (1.0 / up, 1.0 / down);
    l / (l + m) * horizon - l / ((l + m) * (l + m)) * (1.0 - (-(l + m) * horizon).exp())
}

/// Point availability, tabulated at steps `h = d / per_d` on [0, T], of an
/// outage process that is up for Exp(rate) and down for exactly `d`, up at 0.
/// Down-starts have intensity rate·P(up), and the process is down at t iff
/// one started in (t − d, t], at most one can, so
/// P_up(t) = 1 − rate·∫_{max(0,t−d)}^{t} P_up(s) ds,
/// solved by implicit trapezoid marching (grid aligned with the kinks at
/// multiples of d, error O(h²)). Returns the table and `h`.
pub fn avail_fixed_outage(rate: f64, d: f64, horizon: f64, per_d: usize) -> (Vec<f64>, f64) {
    let spans = horizon / d;
    assert_eq!(spans.fract(), 0.0, "the horizon must be a multiple of the outage length");
    let n = spans as usize * per_d;
    let h = d / per_d as f64;
    let mut p = vec![0.0; n + 1];
    let mut prefix = vec![0.0; n + 1]; // prefix[i] = Σ_{j ≤ i} p[j]
    p[0] = 1.0;
    prefix[0] = 1.0;
    for i in 1..=n {
        let lo = i.saturating_sub(per_d);
        let inner = prefix[i - 1] - prefix[lo]; // Σ_{lo < j < i} p[j]
        p[i] = (1.0 - rate * h * (p[lo] / 2.0 + inner)) / (1.0 + rate * h / 2.0);
        prefix[i] = prefix[i - 1] + p[i];
    }
    (p, h)
}

/// Distribution of the number of units in service in one zone holding `m`
/// identical units of point availability `a`, the zone itself up with
/// probability `z` (all of them out when it is down).
pub fn zone_count_dist(z: f64, a: f64, m: usize) -> Vec<f64> {
    let mut d = vec![0.0; m + 1];
    d[0] = 1.0 - z;
    for (k, dk) in d.iter_mut().enumerate() {
        let binom = (0..k).fold(1.0, |c, i| c * (m - i) as f64 / (i + 1) as f64);
        *dk += z * binom * a.powi(k as i32) * (1.0 - a).powi((m - k) as i32);
    }
    d
}

/// Distribution of a sum of independent counts.
pub fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// P(count ≥ k).
pub fn at_least(dist: &[f64], k: usize) -> f64 {
    dist[k..].iter().sum()
}

/// Expected downtime over one year of a structure whose availability at
/// time t is `f(t)`: ∫(1 − f) dt by Simpson with 100 000 intervals.
pub fn structure_downtime(f: impl Fn(f64) -> f64) -> f64 {
    simpson(|t| 1.0 - f(t), 0.0, crate::units::HOURS_PER_YEAR, 100_000)
}

/// Down intervals of a fixed up/down alternation from up at 0, clipped at
/// `horizon`.
pub fn fixed_intervals(up: f64, down: f64, horizon: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    let mut t = 0.0;
    loop {
        let fail = t + up;
        if fail > horizon {
            return out;
        }
        out.push((fail, (fail + down).min(horizon)));
        t = fail + down;
    }
}

/// Measure and number of maximal runs of the set {t : down(t)} on
/// [0, horizon], sweeping the elementary segments between `points`.
pub fn sweep(points: &[f64], horizon: f64, down: impl Fn(f64) -> bool) -> (f64, u32) {
    let mut p: Vec<f64> = points.iter().copied().chain([0.0, horizon]).collect();
    p.sort_by(f64::total_cmp);
    p.dedup();
    let (mut total, mut runs, mut was) = (0.0, 0, false);
    for w in p.windows(2) {
        let is = down((w[0] + w[1]) / 2.0);
        if is {
            total += w[1] - w[0];
            if !was {
                runs += 1;
            }
        }
        was = is;
    }
    (total, runs)
}
