//! Keras's default initialisers, drawn from a seeded ChaCha8 generator so that one seed gives the
//! same weights on every platform (native and wasm32).
//!
//! - `kernel`: glorot_uniform, `U(-l, l)` with `l = sqrt(6 / (fan_in + fan_out))`, where for a
//!   `[input, G*units]` kernel `fan_in = input`, `fan_out = G*units` (Keras uses the whole shape).
//! - `recurrent_kernel`: orthogonal. Keras draws a normal matrix of shape `[max(r,c), min(r,c)]`,
//!   takes `Q` of its QR decomposition with `sign(diag(R))` folded in, and transposes when `r < c`;
//!   a `[units, G*units]` recurrent kernel therefore has orthonormal rows.
//! - biases: zeros; the LSTM forget-gate block is 1 (`unit_forget_bias=True`).
//! - embeddings: `U(-0.05, 0.05)` (Keras's `uniform` default for `Embedding`).

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal, Uniform};

pub type Rng8 = ChaCha8Rng;

/// Fills `out` (`[fan_in, fan_out]`) with glorot-uniform values.
pub fn glorot_uniform(rng: &mut Rng8, fan_in: usize, fan_out: usize, out: &mut [f32]) {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
    uniform(rng, -limit, limit, out);
}

/// Fills `out` with `U(lo, hi)` values.
pub fn uniform(rng: &mut Rng8, lo: f32, hi: f32, out: &mut [f32]) {
    let dist = Uniform::new(lo, hi).expect("lo < hi");
    for v in out.iter_mut() {
        *v = dist.sample(rng);
    }
}

/// Fills `out` (`[rows, cols]`, row-major) with an orthogonal matrix: orthonormal rows when
/// `rows <= cols`, orthonormal columns otherwise.
pub fn orthogonal(rng: &mut Rng8, rows: usize, cols: usize, out: &mut [f32]) {
    assert_eq!(out.len(), rows * cols);
    let (big, small) = (rows.max(cols), rows.min(cols));
    // a: [big, small] normal; orthonormalise its columns (modified Gram-Schmidt, in f64).
    // MGS yields Q with R's diagonal positive, which is Keras's `q * sign(diag(r))`.
    let mut a: Vec<f64> = (0..big * small).map(|_| StandardNormal.sample(rng)).collect();
    for j in 0..small {
        for k in 0..j {
            let dot: f64 = (0..big).map(|i| a[i * small + j] * a[i * small + k]).sum();
            for i in 0..big {
                a[i * small + j] -= dot * a[i * small + k];
            }
        }
        let norm = (0..big).map(|i| a[i * small + j].powi(2)).sum::<f64>().sqrt().max(1e-12);
        for i in 0..big {
            a[i * small + j] /= norm;
        }
    }
    for r in 0..rows {
        for c in 0..cols {
            // rows >= cols: out = a; rows < cols: out = aᵀ
            let v = if rows >= cols { a[r * small + c] } else { a[c * small + r] };
            out[r * cols + c] = v as f32;
        }
    }
}

/// A fresh seed from a u64, for use by [`glorot_uniform`] and friends.
pub fn rng_from_seed(seed: u64) -> Rng8 {
    use rand::SeedableRng;
    ChaCha8Rng::seed_from_u64(seed)
}

/// A `U[0, 1)` sample; handy for data generators sharing the same RNG type.
pub fn unit(rng: &mut Rng8) -> f32 {
    rng.random::<f32>()
}
