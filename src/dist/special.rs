//! Special functions the hazards need, in log space where tails matter:
//! the normal survival function and its inverse, and the regularized upper
//! incomplete gamma function.

/// ln Q(z), Q the standard normal survival function, accurate deep in the
/// upper tail (where `erfc` underflows) by its asymptotic series.
pub fn ln_normal_sf(z: f64) -> f64 {
    if z < 30.0 {
        (0.5 * libm::erfc(z / std::f64::consts::SQRT_2)).ln()
    } else {
        let z2 = z * z;
        let series = 1.0 - 1.0 / z2 + 3.0 / (z2 * z2) - 15.0 / (z2 * z2 * z2);
        -z2 / 2.0 - (z * (2.0 * std::f64::consts::PI).sqrt()).ln() + series.ln()
    }
}

/// The z with ln Q(z) = `ln_q` (ln_q ≤ 0): an Abramowitz–Stegun 26.2.23
/// start, then Newton steps on ln Q.
pub fn inverse_ln_normal_sf(ln_q: f64) -> f64 {
    if ln_q >= 0.0 {
        return f64::NEG_INFINITY;
    }
    // Start from the tail formula on the smaller of q and 1 − q.
    let q = ln_q.exp();
    let (tail, sign) = if q < 0.5 { (ln_q, 1.0) } else { ((-ln_q.exp_m1()).ln(), -1.0) };
    let t = (-2.0 * tail).sqrt();
    let mut z = sign
        * (t - (2.515_517 + 0.802_853 * t + 0.010_328 * t * t)
            / (1.0 + 1.432_788 * t + 0.189_269 * t * t + 0.001_308 * t * t * t));
    for _ in 0..6 {
        let f = ln_normal_sf(z) - ln_q;
        // d/dz ln Q(z) = −φ(z)/Q(z) = −exp(ln φ(z) − ln Q(z)).
        let ln_phi = -z * z / 2.0 - 0.5 * (2.0 * std::f64::consts::PI).ln();
        let slope = -(ln_phi - ln_normal_sf(z)).exp();
        let step = f / slope;
        z -= step;
        if step.abs() < 1e-14 * z.abs().max(1.0) {
            break;
        }
    }
    z
}

/// ln Q(a, x), Q the regularized upper incomplete gamma function (the
/// survival function of a gamma of shape `a` and scale 1 at `x`): a series
/// below a + 1, a continued fraction above (Numerical Recipes §6.2).
pub fn ln_gamma_q(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let ln_front = a * x.ln() - x - libm::lgamma(a);
    if x < a + 1.0 {
        let (mut term, mut sum, mut n) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term < sum * 1e-17 {
                break;
            }
        }
        let p = (ln_front + sum.ln()).exp();
        (-p).ln_1p()
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        ln_front + h.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn normal_tail_matches_known_values() {
        // Q(0) = 1/2, Q(1.959964) = 0.025, Q(5) = 2.866515718791939e-7.
        assert_relative_eq!(ln_normal_sf(0.0), 0.5f64.ln(), max_relative = 1e-14);
        assert_relative_eq!(ln_normal_sf(1.959_963_984_540_054).exp(), 0.025, max_relative = 1e-12);
        assert_relative_eq!(ln_normal_sf(5.0).exp(), 2.866_515_718_791_939e-7, max_relative = 1e-10);
        // Both sides of the switch to the asymptotic series agree.
        assert_relative_eq!(ln_normal_sf(29.999_999), ln_normal_sf(30.0), max_relative = 1e-6);
        for z in [-3.0, -0.5, 0.0, 0.7, 2.0, 6.0, 12.0, 31.0, 50.0] {
            assert_relative_eq!(inverse_ln_normal_sf(ln_normal_sf(z)), z, epsilon = 1e-9, max_relative = 1e-10);
        }
    }

    #[test]
    fn incomplete_gamma_matches_closed_forms() {
        // Shape 1 is exponential: Q(1, x) = e^(−x); shape 2: (1 + x) e^(−x).
        for x in [0.01, 0.5, 1.0, 3.0, 10.0, 80.0] {
            assert_relative_eq!(ln_gamma_q(1.0, x), -x, max_relative = 1e-12, epsilon = 1e-14);
            assert_relative_eq!(ln_gamma_q(2.0, x), (1.0 + x).ln() - x, max_relative = 1e-12, epsilon = 1e-14);
        }
    }
}
