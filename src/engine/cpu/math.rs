//! Fast, branch-free `exp`, `sigmoid` and `tanh` for the cell kernels.
//!
//! libm's versions are function calls the compiler cannot vectorise (and Rust's wasm32 libm is
//! slow); these are plain f32 arithmetic (Cephes-style range reduction and polynomials), so loops
//! over gates vectorise natively and with `simd128`, and give bit-identical results natively and
//! in the browser. Accuracy (tested against f64 in `tests/core/math.rs`): a few ulp, far inside
//! the golden files' tolerance.

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

/// The logistic function `1 / (1 + e^-x)`.
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// `tanh(x)`: an odd polynomial near 0 (where `1 - 2/(e^2x+1)` would lose digits), that formula
/// elsewhere; both computed and one selected, so there is no branch.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let a = x.abs();
    let z = x * x;
    // Cephes tanhf for |x| < 0.625
    let small = ((((-5.704_988_7e-3 * z + 2.063_908_5e-2) * z - 5.372_971_5e-2) * z + 1.333_144_4e-1) * z - 3.333_328_8e-1) * z * x + x;
    let large = 1.0 - 2.0 / (exp(2.0 * a) + 1.0);
    let large = large.copysign(x);
    if a < 0.625 {
        small
    } else {
        large
    }
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
