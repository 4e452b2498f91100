//! Exact sums of floating-point numbers, so that statistics merge to the
//! same bits in any order and any grouping (shards run on different
//! machines, merged later).
//!
//! [`ExactSum`] is a fixed-size superaccumulator (after Kulisch, and Neal's
//! "small superaccumulator", arXiv:1505.05571): every finite `f64` is an
//! integer multiple of 2⁻¹⁰⁷⁴ below 2¹⁰²⁴, so a signed integer of about
//! 2 160 bits holds any sum of up to 2⁶³ of them exactly. It is kept as 68
//! signed 64-bit limbs of 32-bit digits (carries are propagated lazily,
//! every 2³⁰ additions), so adding a number touches three limbs. Addition
//! of exact sums is integer addition: associative and commutative. The
//! value is read back correctly rounded ([`ExactSum::to_f64`]) or as a
//! double-double ([`ExactSum::to_f64_pair`]).
//!
//! [`Sum`] is what statistics use: a plain `f64` running sum for values
//! added one by one (within one chunk of trials, whose order is fixed),
//! and an [`ExactSum`] for what is merged in (other chunks), allocated only
//! on the first merge so the hot path stays a single addition.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Limbs of 32-bit digits: 2⁻¹⁰⁷⁴ · 2^(32·68) covers 2¹⁰²⁴ · 2⁶³ and more.
const LIMBS: usize = 68;
/// Digits per limb.
const DIGIT: u32 = 32;
const MASK: i64 = (1 << DIGIT) - 1;
/// Additions between two carry propagations (each adds < 2³² to a limb).
const MAX_PENDING: u32 = 1 << 30;

/// An exact sum of `f64` values (finite ones; a non-finite value makes
/// the sum NaN).
#[derive(Clone, PartialEq, Eq)]
pub struct ExactSum {
    limbs: [i64; LIMBS],
    pending: u32,
    /// A NaN or infinity was added.
    invalid: bool,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum { limbs: [0; LIMBS], pending: 0, invalid: false }
    }
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExactSum({:e})", self.to_f64())
    }
}

impl ExactSum {
    /// Adds `x` exactly.
    pub fn add(&mut self, x: f64) {
        if x == 0.0 {
            return;
        }
        if !x.is_finite() {
            self.invalid = true;
            return;
        }
        let bits = x.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1 << 52) - 1);
        // x = ±mantissa · 2^(position − 1074).
        let (mantissa, position) = if biased == 0 { (frac, 0) } else { (frac | (1 << 52), biased - 1) };
        let limb = (position / i64::from(DIGIT)) as usize;
        let shifted = u128::from(mantissa) << (position % i64::from(DIGIT));
        let sign = if x < 0.0 { -1 } else { 1 };
        for k in 0..3 {
            let digit = ((shifted >> (DIGIT * k as u32)) as i64) & MASK;
            self.limbs[limb + k] += sign * digit;
        }
        self.pending += 1;
        if self.pending >= MAX_PENDING {
            self.normalize();
        }
    }

    /// Adds another exact sum.
    pub fn merge(&mut self, o: &ExactSum) {
        self.normalize();
        let mut o = o.clone();
        o.normalize();
        for (a, b) in self.limbs.iter_mut().zip(&o.limbs) {
            *a += b;
        }
        self.invalid |= o.invalid;
        self.normalize();
    }

    /// Propagates carries: every limb but the top one in [0, 2³²), the top
    /// one carrying the sign.
    fn normalize(&mut self) {
        let mut carry = 0i64;
        for l in &mut self.limbs[..LIMBS - 1] {
            let v = *l + carry;
            *l = v & MASK;
            carry = v >> DIGIT;
        }
        self.limbs[LIMBS - 1] += carry;
        self.pending = 0;
    }

    /// True when nothing (or only zeros) was added.
    pub fn is_zero(&self) -> bool {
        !self.invalid && self.limbs.iter().all(|&l| l == 0)
    }

    /// The sum, correctly rounded to the nearest `f64` (ties to even).
    pub fn to_f64(&self) -> f64 {
        if self.invalid {
            return f64::NAN;
        }
        let mut n = self.clone();
        n.normalize();
        let negative = n.limbs[LIMBS - 1] < 0;
        if negative {
            for l in &mut n.limbs {
                *l = -*l;
            }
            n.normalize();
        }
        let magnitude = round_magnitude(&n.limbs);
        if negative { -magnitude } else { magnitude }
    }

    /// The sum as `hi + lo`: `hi` correctly rounded, `lo` the rounded rest
    /// (about 106 bits in all).
    pub fn to_f64_pair(&self) -> (f64, f64) {
        let hi = self.to_f64();
        if !hi.is_finite() {
            return (hi, 0.0);
        }
        let mut rest = self.clone();
        rest.add(-hi);
        (hi, rest.to_f64())
    }
}

/// Correctly rounded value of the non-negative integer `limbs` (normalized,
/// digits of 32 bits) times 2⁻¹⁰⁷⁴.
fn round_magnitude(limbs: &[i64; LIMBS]) -> f64 {
    let Some(top) = limbs.iter().rposition(|&l| l != 0) else {
        return 0.0;
    };
    let digit = |i: usize| limbs[i] as u128;
    let below_top = |k: usize| if top >= k { digit(top - k) } else { 0 };
    // The top three digits as one window, and whether anything lies below.
    let window = (digit(top) << 64) | (below_top(1) << 32) | below_top(2);
    let below = top >= 3 && limbs[..top - 2].iter().any(|&l| l != 0);
    let width = 128 - i64::from(window.leading_zeros()); // bits in the window
    // Exponent of the window's lowest bit, and of the leading bit.
    let base = i64::from(DIGIT) * (top as i64 - 2) - 1074;
    let lead = base + width - 1;
    if lead < -1022 {
        // Subnormal: a multiple of 2⁻¹⁰⁷⁴ below 2⁻¹⁰²², so exact, and
        // within the two lowest digits.
        return f64::from_bits((limbs[0] | (limbs[1] << DIGIT)) as u64);
    }
    let drop = (width - 53) as u32; // the window has at least 65 bits here
    let mut mantissa = (window >> drop) as u64;
    let half = 1u128 << (drop - 1);
    let rest = window & ((1u128 << drop) - 1);
    let round_up = rest > half || (rest == half && (below || mantissa & 1 == 1));
    let mut exponent = lead;
    if round_up {
        mantissa += 1;
        if mantissa == 1 << 53 {
            mantissa >>= 1;
            exponent += 1;
        }
    }
    if exponent > 1023 {
        return f64::INFINITY;
    }
    f64::from_bits((((exponent + 1023) as u64) << 52) | (mantissa & ((1 << 52) - 1)))
}

impl Serialize for ExactSum {
    /// As `[index of the lowest digit, digits…]` of the normalized sum (the
    /// top digit signed), or `"nan"` once a non-finite value was added.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.invalid {
            return s.serialize_str("nan");
        }
        let mut n = self.clone();
        n.normalize();
        let Some(lo) = n.limbs.iter().position(|&l| l != 0) else {
            return Vec::<i64>::new().serialize(s);
        };
        let hi = n.limbs.iter().rposition(|&l| l != 0).expect("a non-zero digit");
        let mut out = vec![lo as i64];
        out.extend_from_slice(&n.limbs[lo..=hi]);
        out.serialize(s)
    }
}

impl<'de> Deserialize<'de> for ExactSum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Digits(Vec<i64>),
            Text(String),
        }
        let mut out = ExactSum::default();
        match Repr::deserialize(d)? {
            Repr::Text(t) if t == "nan" => out.invalid = true,
            Repr::Text(t) => return Err(serde::de::Error::custom(format!("not an exact sum: {t:?}"))),
            Repr::Digits(v) if v.is_empty() => {}
            Repr::Digits(v) => {
                let lo = usize::try_from(v[0]).map_err(serde::de::Error::custom)?;
                let digits = &v[1..];
                if lo + digits.len() > LIMBS || digits.is_empty() {
                    return Err(serde::de::Error::custom("exact sum out of range"));
                }
                let last = digits.len() - 1;
                for (i, &x) in digits.iter().enumerate() {
                    if i < last && !(0..=MASK).contains(&x) {
                        return Err(serde::de::Error::custom("exact sum digit out of range"));
                    }
                    out.limbs[lo + i] = x;
                }
            }
        }
        Ok(out)
    }
}

/// A sum of `f64` values: added one by one into a plain running sum (in a
/// fixed order within a chunk), merged exactly across chunks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sum {
    local: f64,
    merged: Option<Box<ExactSum>>,
}

impl Sum {
    /// Adds one value to the running sum.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.local += x;
    }

    /// Adds everything `o` holds, exactly.
    pub fn merge(&mut self, o: &Sum) {
        if o.local == 0.0 && o.merged.is_none() {
            return;
        }
        let m = self.merged.get_or_insert_with(Box::default);
        m.add(o.local);
        if let Some(x) = &o.merged {
            m.merge(x);
        }
    }

    /// Everything as one exact sum.
    pub fn exact(&self) -> ExactSum {
        let mut e = self.merged.as_deref().cloned().unwrap_or_default();
        e.add(self.local);
        e
    }

    /// The total, correctly rounded.
    pub fn value(&self) -> f64 {
        match &self.merged {
            None => self.local,
            Some(_) => self.exact().to_f64(),
        }
    }

    /// The total as a double-double (`hi + lo`).
    pub fn value_pair(&self) -> (f64, f64) {
        match &self.merged {
            None => (self.local, 0.0),
            Some(_) => self.exact().to_f64_pair(),
        }
    }
}

impl Serialize for Sum {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.exact().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Sum {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let e = ExactSum::deserialize(d)?;
        Ok(if e.is_zero() { Sum::default() } else { Sum { local: 0.0, merged: Some(Box::new(e)) } })
    }
}

/// Double-double arithmetic, enough for a variance from exact sums.
pub mod dd {
    /// `a + b` exactly as (sum, error).
    #[inline]
    fn two_sum(a: f64, b: f64) -> (f64, f64) {
        let s = a + b;
        let bb = s - a;
        (s, (a - (s - bb)) + (b - bb))
    }

    /// (hi, lo) + (hi, lo).
    pub fn add(x: (f64, f64), y: (f64, f64)) -> (f64, f64) {
        let (s, e) = two_sum(x.0, y.0);
        let e = e + x.1 + y.1;
        two_sum(s, e)
    }

    /// (hi, lo) · (hi, lo).
    pub fn mul(x: (f64, f64), y: (f64, f64)) -> (f64, f64) {
        let p = x.0 * y.0;
        let e = x.0.mul_add(y.0, -p);
        let e = e + x.0 * y.1 + x.1 * y.0;
        two_sum(p, e)
    }

    /// (hi, lo) / d.
    pub fn div(x: (f64, f64), d: f64) -> (f64, f64) {
        let q = x.0 / d;
        // Remainder x − q·d, exactly in its high part.
        let p = q * d;
        let pe = q.mul_add(d, -p);
        let r = ((x.0 - p) - pe + x.1) / d;
        two_sum(q, r)
    }

    /// −(hi, lo).
    pub fn neg(x: (f64, f64)) -> (f64, f64) {
        (-x.0, -x.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn exact_of(xs: &[f64]) -> ExactSum {
        let mut e = ExactSum::default();
        xs.iter().for_each(|&x| e.add(x));
        e
    }

    #[test]
    fn sums_are_exact_whatever_the_order() {
        // 1e16 + 1 − 1e16 is 1 exactly (a plain sum gives 0 or 2).
        assert_eq!(exact_of(&[1e16, 1.0, -1e16]).to_f64(), 1.0);
        assert_eq!(exact_of(&[1e308, 1e308, -1e308]).to_f64(), 1e308);
        assert_eq!(exact_of(&[5e-324, 5e-324]).to_f64(), 1e-323);
        // The doubles nearest 0.1, 0.2 and 0.3 differ by exactly 2⁻⁵⁵.
        assert_eq!(exact_of(&[0.1, 0.2, -0.3]).to_f64(), 2f64.powi(-55));
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let xs: Vec<f64> = (0..5000)
            .map(|_| {
                let m: f64 = rng.random::<f64>() - 0.5;
                m * 10f64.powi(rng.random_range(-30..30))
            })
            .collect();
        let whole = exact_of(&xs);
        let mut rev = xs.clone();
        rev.reverse();
        assert_eq!(exact_of(&rev), whole);
        // Any grouping merges to the same digits.
        for cut in [1, 17, 2500, 4999] {
            let mut a = exact_of(&xs[..cut]);
            a.merge(&exact_of(&xs[cut..]));
            assert_eq!(a.to_f64().to_bits(), whole.to_f64().to_bits());
        }
    }

    #[test]
    fn rounding_is_correct_against_a_reference() {
        // Reference: sums of two doubles, whose exact value two_sum gives;
        // the correctly rounded result is the f64 addition itself.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for _ in 0..20_000 {
            let a: f64 = (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-20..20));
            let b: f64 = (rng.random::<f64>() - 0.5) * 10f64.powi(rng.random_range(-20..20));
            assert_eq!(exact_of(&[a, b]).to_f64().to_bits(), (a + b).to_bits(), "{a} + {b}");
            let (hi, lo) = exact_of(&[a, b]).to_f64_pair();
            let (s, e) = (a + b, (a - ((a + b) - ((a + b) - a))) + (b - ((a + b) - a)));
            assert_eq!((hi, lo), (s, e), "{a} + {b}");
        }
        // Ties go to even: 2^53 + 1 is half-way between 2^53 and 2^53 + 2.
        let two53 = 9_007_199_254_740_992.0;
        assert_eq!(exact_of(&[two53, 1.0]).to_f64(), two53);
        assert_eq!(exact_of(&[two53, 1.0, 1e-10]).to_f64(), two53 + 2.0);
        assert_eq!(exact_of(&[two53 + 2.0, 1.0]).to_f64(), two53 + 4.0);
        assert_eq!(exact_of(&[f64::MAX, f64::MAX]).to_f64(), f64::INFINITY);
        assert!(exact_of(&[1.0, f64::NAN]).to_f64().is_nan());
    }

    #[test]
    fn serialises_and_reads_back_exactly() {
        let e = exact_of(&[1e300, -3.5, 1e-300, 7.0]);
        let text = serde_json::to_string(&e).unwrap();
        let back: ExactSum = serde_json::from_str(&text).unwrap();
        assert_eq!(back.to_f64_pair(), e.to_f64_pair());
        let neg = exact_of(&[-2.0, 1e-20]);
        let back: ExactSum = serde_json::from_str(&serde_json::to_string(&neg).unwrap()).unwrap();
        assert_eq!(back.to_f64_pair(), neg.to_f64_pair());
        let zero: ExactSum = serde_json::from_str("[]").unwrap();
        assert!(zero.is_zero());
    }

    #[test]
    fn sums_merge_across_chunks_to_the_same_bits() {
        let xs: Vec<f64> = (0..3000).map(|i| ((i * 7919) % 1000) as f64 / 7.0).collect();
        let chunk = |r: std::ops::Range<usize>| {
            let mut s = Sum::default();
            xs[r].iter().for_each(|&x| s.add(x));
            s
        };
        let chunks: Vec<Sum> = (0..6).map(|c| chunk(c * 500..(c + 1) * 500)).collect();
        let mut forward = Sum::default();
        chunks.iter().for_each(|c| forward.merge(c));
        let mut backward = Sum::default();
        chunks.iter().rev().for_each(|c| backward.merge(c));
        let (mut left, mut right) = (Sum::default(), Sum::default());
        chunks[..2].iter().for_each(|c| left.merge(c));
        chunks[2..].iter().for_each(|c| right.merge(c));
        left.merge(&right);
        assert_eq!(forward.value().to_bits(), backward.value().to_bits());
        assert_eq!(forward.value().to_bits(), left.value().to_bits());
    }
}
