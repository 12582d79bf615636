//! The kernels the engine runs. Same contracts as `reference`; the loops are ordered so the
//! innermost one walks contiguous memory and the compiler vectorises it (SSE/AVX natively,
//! `simd128` on wasm32, see `.cargo/config.toml`). Summation order differs from the reference,
//! so results agree to rounding, not bit for bit.

use super::{Accumulate, Mat, MatMut};

/// `C[m,n] (+)= A[m,k] · B[k,n]`
pub fn gemm_nn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.rows, "gemm_nn inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.cols), "gemm_nn output shape");
    let n = b.cols;
    let mut i = 0;
    // Four rows of C at a time: each row of B is loaded once for four updates.
    while i + 4 <= a.rows {
        let (a0, a1, a2, a3) = (a.row(i), a.row(i + 1), a.row(i + 2), a.row(i + 3));
        let ld = c.ld;
        let base = i * ld;
        let block = &mut c.data[base..base + 3 * ld + n];
        let (r0, rest) = block.split_at_mut(ld);
        let (r1, rest) = rest.split_at_mut(ld);
        let (r2, r3) = rest.split_at_mut(ld);
        let (r0, r1, r2, r3) = (&mut r0[..n], &mut r1[..n], &mut r2[..n], &mut r3[..n]);
        if acc == Accumulate::Overwrite {
            r0.fill(0.0);
            r1.fill(0.0);
            r2.fill(0.0);
            r3.fill(0.0);
        }
        for p in 0..a.cols {
            let brow = b.row(p);
            let (x0, x1, x2, x3) = (a0[p], a1[p], a2[p], a3[p]);
            for j in 0..n {
                let bv = brow[j];
                r0[j] += x0 * bv;
                r1[j] += x1 * bv;
                r2[j] += x2 * bv;
                r3[j] += x3 * bv;
            }
        }
        i += 4;
    }
    while i < a.rows {
        let arow = a.row(i);
        let crow = c.row_mut(i);
        if acc == Accumulate::Overwrite {
            crow.fill(0.0);
        }
        for (p, &x) in arow.iter().enumerate() {
            axpy(x, b.row(p), crow);
        }
        i += 1;
    }
}

/// `C[m,n] (+)= A[m,k] · B[n,k]ᵀ`
pub fn gemm_nt(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.cols, b.cols, "gemm_nt inner dimension");
    assert_eq!((c.rows, c.cols), (a.rows, b.rows), "gemm_nt output shape");
    for i in 0..a.rows {
        let arow = a.row(i);
        let crow = c.row_mut(i);
        for (j, cv) in crow.iter_mut().enumerate() {
            let s = dot(arow, b.row(j));
            match acc {
                Accumulate::Overwrite => *cv = s,
                Accumulate::Add => *cv += s,
            }
        }
    }
}

/// `C[m,n] (+)= A[k,m]ᵀ · B[k,n]`
pub fn gemm_tn(a: Mat, b: Mat, c: &mut MatMut, acc: Accumulate) {
    assert_eq!(a.rows, b.rows, "gemm_tn inner dimension");
    assert_eq!((c.rows, c.cols), (a.cols, b.cols), "gemm_tn output shape");
    if acc == Accumulate::Overwrite {
        for i in 0..c.rows {
            c.row_mut(i).fill(0.0);
        }
    }
    for p in 0..a.rows {
        let arow = a.row(p);
        let brow = b.row(p);
        for (i, &x) in arow.iter().enumerate() {
            if x != 0.0 {
                axpy(x, brow, c.row_mut(i));
            }
        }
    }
}

/// `y += a·x`
#[inline]
pub fn axpy(a: f32, x: &[f32], y: &mut [f32]) {
    for (yv, &xv) in y.iter_mut().zip(x) {
        *yv += a * xv;
    }
}

/// Dot product with eight independent partial sums, so the loop vectorises.
#[inline]
pub fn dot(x: &[f32], y: &[f32]) -> f32 {
    debug_assert_eq!(x.len(), y.len());
    let mut acc = [0.0f32; 8];
    let xc = x.chunks_exact(8);
    let yc = y.chunks_exact(8);
    let (xr, yr) = (xc.remainder(), yc.remainder());
    for (xs, ys) in xc.zip(yc) {
        for k in 0..8 {
            acc[k] += xs[k] * ys[k];
        }
    }
    let mut s = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (a, b) in xr.iter().zip(yr) {
        s += a * b;
    }
    s
}
