//! Fast, branch-free `exp`, `sigmoid` and `tanh` for the cell kernels.
//!
//! libm's versions are function calls the compiler cannot vectorise (and Rust's wasm32 libm is
//! slow); these are plain f32 arithmetic (a Cephes-style `exp`, Eigen's rational `tanh`, and the
//! sigmoid through `tanh`), so loops over gates vectorise natively and with `simd128`, and give
//! bit-identical results natively and in the browser. Accuracy (tested against f64 in
//! `tests/core/math.rs`): a few ulp, far inside the golden files' tolerance.

const LOG2E: f32 = std::f32::consts::LOG2_E;
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
/// Inputs are clamped to ±this: `e^x` and `1/e^x` then stay normal floats (no denormals, which
/// are slow on some CPUs; nothing in a cell needs values beyond ~1e38 or below ~1e-38).
const EXP_MAX: f32 = 87.3;

/// `e^x` to within ~2 ulp for |x| < 87.3, saturating beyond.
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-EXP_MAX, EXP_MAX);
    // x = n·ln2 + r, |r| ≤ ln2/2; n rounded with the 1.5·2^23 trick (plain adds: no libm call,
    // no SSE4.1 needed, vectorisable everywhere)
    const MAGIC: f32 = 12_582_912.0;
    let n = (x * LOG2E + MAGIC) - MAGIC;
    let r = x - n * LN2_HI - n * LN2_LO;
    // e^r by its Taylor/minimax polynomial (Cephes expf)
    let r2 = r * r;
    let p = ((((1.987_569_1e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r + 1.666_666_5e-1) * r + 0.5;
    let er = p * r2 + r + 1.0;
    // × 2^n, built in the exponent bits without a float-to-int conversion (those are not
    // vectorised): adding 2^23 puts the integer n + 127 (1..253, as |x| ≤ 87.3) in the low
    // mantissa bits, and the shift moves it into the exponent.
    let scale = f32::from_bits((n + (127.0 + 8_388_608.0)).to_bits() << 23);
    er * scale
}

/// The logistic function `1 / (1 + e^-x)`, as `½ + ½·tanh(x/2)` with the rational [`tanh`]:
/// one division and no `exp`. Absolute error below 1e-7 (relative error grows where the value
/// itself is below ~1e-6, which a gate cannot tell from 0).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    0.5 + 0.5 * tanh(0.5 * x)
}

/// `tanh(x)` as a ratio of two polynomials on `|x| ≤ 7.905` (where tanh reaches 1 in f32), the
/// approximation Eigen uses: one division, no `exp`, no branch; a few ulp.
#[inline(always)]
#[allow(clippy::excessive_precision)] // Eigen's coefficients, as published
pub fn tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let p = x2 * -2.760_768_5e-16 + 2.000_187_9e-13;
    let p = x2 * p - 8.604_671_5e-11;
    let p = x2 * p + 5.122_297e-8;
    let p = x2 * p + 1.485_722_4e-5;
    let p = x2 * p + 6.372_619_3e-4;
    let p = x2 * p + 4.893_524_6e-3;
    let p = x * p;
    let q = x2 * 1.198_258_4e-6 + 1.185_347_1e-4;
    let q = x2 * q + 2.268_434_6e-3;
    let q = x2 * q + 4.893_525_2e-3;
    p / q
}

/// `e^x - 1`, accurate near 0 as well (for the elu activation).
#[inline(always)]
pub fn expm1(x: f32) -> f32 {
    if x.abs() < 0.25 {
        // Taylor series to x^6: relative error < 1e-7 on |x| < 0.25
        let x2 = x * x;
        x + x2 * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x * (1.0 / 120.0 + x * (1.0 / 720.0)))))
    } else {
        exp(x) - 1.0
    }
}
