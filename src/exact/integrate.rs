//! Adaptive Gauss–Kronrod quadrature (7-point Gauss, 15-point Kronrod), for
//! integrating a probability over the horizon.

/// Kronrod nodes (positive half, the last is 0) and weights, with the
/// weights of the embedded Gauss rule at the odd positions. The values are
/// QUADPACK's, as published (30 digits); the compiler rounds them.
#[allow(clippy::excessive_precision)]
const XK: [f64; 8] = [
    0.991_455_371_120_812_639_206_854_697_526_329,
    0.949_107_912_342_758_524_526_189_684_047_851,
    0.864_864_423_359_769_072_789_712_788_640_926,
    0.741_531_185_599_394_439_863_864_773_280_788,
    0.586_087_235_467_691_130_294_144_845_693_013,
    0.405_845_151_377_397_166_906_606_412_076_961,
    0.207_784_955_007_898_467_600_689_403_773_245,
    0.0,
];
#[allow(clippy::excessive_precision)]
const WK: [f64; 8] = [
    0.022_935_322_010_529_224_963_732_008_058_970,
    0.063_092_092_629_978_553_290_700_663_189_204,
    0.104_790_010_322_250_183_839_876_322_541_518,
    0.140_653_259_715_525_918_745_189_590_510_238,
    0.169_004_726_639_267_902_826_583_426_598_550,
    0.190_350_578_064_785_409_913_256_402_421_014,
    0.204_432_940_075_298_892_414_161_999_234_649,
    0.209_482_141_084_727_828_012_999_174_891_714,
];
#[allow(clippy::excessive_precision)]
const WG: [f64; 4] = [
    0.129_484_966_168_869_693_270_611_432_679_082,
    0.279_705_391_489_276_667_901_467_771_423_780,
    0.381_830_050_505_118_944_950_369_775_488_975,
    0.417_959_183_673_469_387_755_102_040_816_327,
];

/// One 15-point panel: (Kronrod estimate, |Kronrod − Gauss|).
fn panel(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let (c, h) = ((a + b) / 2.0, (b - a) / 2.0);
    let fc = f(c);
    let (mut k, mut g) = (fc * WK[7], fc * WG[3]);
    for i in 0..7 {
        let x = h * XK[i];
        let s = f(c - x) + f(c + x);
        k += WK[i] * s;
        if i % 2 == 1 {
            g += WG[i / 2] * s;
        }
    }
    (k * h, (k - g).abs() * h)
}

/// ∫ₐᵇ f, bisecting panels until the summed error estimates are below
/// `rel` times the integral (or panels cannot shrink further).
pub fn gauss_kronrod(mut f: impl FnMut(f64) -> f64, a: f64, b: f64, rel: f64) -> f64 {
    // Start from panels of geometric widths near 0, where transients are
    // fastest, then refine the worst panel until the target is met.
    let mut panels: Vec<(f64, f64, f64, f64)> = Vec::new();
    let mut edges = vec![a];
    let mut w = (b - a) * 2f64.powi(-30);
    while a + w < b {
        edges.push(a + w);
        w *= 2.0;
    }
    edges.push(b);
    for e in edges.windows(2) {
        let (v, err) = panel(&mut f, e[0], e[1]);
        panels.push((e[0], e[1], v, err));
    }
    for _ in 0..100_000 {
        let total: f64 = panels.iter().map(|p| p.2).sum();
        let error: f64 = panels.iter().map(|p| p.3).sum();
        if error <= rel * total.abs() || error == 0.0 {
            return total;
        }
        let worst = (0..panels.len()).max_by(|&i, &j| panels[i].3.total_cmp(&panels[j].3)).expect("panels");
        let (lo, hi, _, _) = panels[worst];
        let mid = (lo + hi) / 2.0;
        if mid <= lo || mid >= hi {
            return total;
        }
        let (v1, e1) = panel(&mut f, lo, mid);
        let (v2, e2) = panel(&mut f, mid, hi);
        panels[worst] = (lo, mid, v1, e1);
        panels.push((mid, hi, v2, e2));
    }
    panels.iter().map(|p| p.2).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_decaying_exponentials_exactly() {
        // ∫₀^8760 (1 − e^{−0.101 t}) dt and a stiff mixture.
        let exact = 8760.0 - (1.0 - (-0.101f64 * 8760.0).exp()) / 0.101;
        let got = gauss_kronrod(|t| 1.0 - (-0.101 * t).exp(), 0.0, 8760.0, 1e-14);
        assert!((got - exact).abs() <= 1e-12 * exact, "{got} vs {exact}");
        let f = |t: f64| 1e-9 * (1.0 - (-3.0 * t).exp()) + 2e-6 * (-(1e-3) * t).exp();
        let exact = 1e-9 * (8760.0 - (1.0 - (-3.0f64 * 8760.0).exp()) / 3.0) + 2e-3 * (1.0 - (-8.76f64).exp());
        let got = gauss_kronrod(f, 0.0, 8760.0, 1e-14);
        assert!((got - exact).abs() <= 1e-12 * exact, "{got} vs {exact}");
    }
}
