//! The fast matrix kernels agree with the naive reference on every shape, stride and mode.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cpu::{fast, reference, Accumulate, Mat, MatMut};

use crate::common::{assert_close, rng, uniform_vec};

type Kernel = fn(Mat, Mat, &mut MatMut, Accumulate);

/// Runs `fast` and `reference` on the same random (strided) operands and compares.
fn compare(
    name: &str,
    fast_k: Kernel,
    ref_k: Kernel,
    a_shape: (usize, usize),
    b_shape: (usize, usize),
    c_shape: (usize, usize),
    seed: u64,
) {
    let mut r = rng(seed);
    // Leading dimensions wider than the rows, to exercise strided views.
    let pad = (seed % 3) as usize;
    let (lda, ldb, ldc) = (a_shape.1 + pad, b_shape.1 + 2 * pad, c_shape.1 + pad);
    let a = uniform_vec(&mut r, a_shape.0 * lda, -1.0, 1.0);
    let b = uniform_vec(&mut r, b_shape.0 * ldb, -1.0, 1.0);
    let c0 = uniform_vec(&mut r, c_shape.0 * ldc, -1.0, 1.0);
    for acc in [Accumulate::Overwrite, Accumulate::Add] {
        let (mut c_fast, mut c_ref) = (c0.clone(), c0.clone());
        let am = Mat::strided(&a, a_shape.0, a_shape.1, lda);
        let bm = Mat::strided(&b, b_shape.0, b_shape.1, ldb);
        fast_k(am, bm, &mut MatMut::strided(&mut c_fast, c_shape.0, c_shape.1, ldc), acc);
        ref_k(am, bm, &mut MatMut::strided(&mut c_ref, c_shape.0, c_shape.1, ldc), acc);
        let k = if name == "gemm_tn" { a_shape.0 } else { a_shape.1 };
        assert_close(&format!("{name} {a_shape:?}x{b_shape:?} {acc:?}"), &c_fast, &c_ref, 1e-5 * k as f32, 1e-5);
        // Padding between rows is never written.
        for i in 0..c_shape.0 {
            for j in c_shape.1..ldc {
                assert_eq!(c_fast[i * ldc + j], c0[i * ldc + j], "{name} wrote outside its block");
            }
        }
    }
}

const SIZES: &[usize] = &[1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];

#[test]
fn gemm_nn_matches_reference() {
    let mut seed = 0;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13] {
            for &n in &[1, 4, 9, 24] {
                seed += 1;
                compare("gemm_nn", fast::gemm_nn, reference::gemm_nn, (m, k), (k, n), (m, n), seed);
            }
        }
    }
}

#[test]
fn gemm_nt_matches_reference() {
    let mut seed = 100;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13, 40] {
            for &n in &[1, 4, 9] {
                seed += 1;
                compare("gemm_nt", fast::gemm_nt, reference::gemm_nt, (m, k), (n, k), (m, n), seed);
            }
        }
    }
}

#[test]
fn gemm_tn_matches_reference() {
    let mut seed = 200;
    for &m in SIZES {
        for &k in &[1, 3, 8, 13] {
            for &n in &[1, 4, 9, 24] {
                seed += 1;
                compare("gemm_tn", fast::gemm_tn, reference::gemm_tn, (k, m), (k, n), (m, n), seed);
            }
        }
    }
}

#[test]
fn gemm_tn_skips_zero_rows_without_changing_results() {
    // The fast kernel skips zero entries of A (relu states); the result must not change.
    let mut r = rng(7);
    let mut a = uniform_vec(&mut r, 6 * 5, -1.0, 1.0);
    for v in a.iter_mut().step_by(2) {
        *v = 0.0;
    }
    let b = uniform_vec(&mut r, 6 * 4, -1.0, 1.0);
    let (mut c1, mut c2) = (vec![0.0; 20], vec![0.0; 20]);
    fast::gemm_tn(Mat::new(&a, 6, 5), Mat::new(&b, 6, 4), &mut MatMut::new(&mut c1, 5, 4), Accumulate::Overwrite);
    reference::gemm_tn(Mat::new(&a, 6, 5), Mat::new(&b, 6, 4), &mut MatMut::new(&mut c2, 5, 4), Accumulate::Overwrite);
    assert_close("gemm_tn with zeros", &c1, &c2, 1e-6, 1e-6);
}
